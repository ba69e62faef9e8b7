// SPDX-License-Identifier: Apache-2.0
/*
 * Mapper tests against a fake sysfs tree: /dev/uioN's map0 is found through
 * class/uio/uioN/maps/map0/{size,offset}, mapped, and its bytes seen; bad
 * names, missing or malformed attributes and too-small maps are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_hw.h"
#include "hw_priv.h"

static char tree[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	char p[256];

	snprintf(tree, sizeof(tree), "/tmp/hw_sysfs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	snprintf(p, sizeof(p), "mkdir -p %s/class/uio/uio3/maps/map0 %s/dev", tree, tree);
	ck_assert_int_eq(system(p), 0);
}

static void teardown(void)
{
	char p[256];

	snprintf(p, sizeof(p), "rm -rf %s", tree);
	(void)!system(p);
}

START_TEST(test_map_read_u64)
{
	char p[256];
	uint64_t v;

	snprintf(p, sizeof(p), "%s/v", tree);
	put("v", "123\n");
	ck_assert_int_eq(hw_map_read_u64(p, &v), 0);
	ck_assert_uint_eq(v, 123);
	put("v", "0x1f000");
	ck_assert_int_eq(hw_map_read_u64(p, &v), 0);
	ck_assert_uint_eq(v, 0x1f000);
	put("v", "12abc\n");
	ck_assert_int_eq(hw_map_read_u64(p, &v), -EINVAL);
	put("v", "");
	ck_assert_int_eq(hw_map_read_u64(p, &v), -EIO);
	snprintf(p, sizeof(p), "%s/missing", tree);
	ck_assert_int_eq(hw_map_read_u64(p, &v), -ENOENT);
}
END_TEST

START_TEST(test_map_uio)
{
	char dev[256];
	struct hw_map m;
	struct hw_bar bar;
	uint32_t cnt;
	int fd;

	snprintf(dev, sizeof(dev), "%s/dev/uio3", tree);
	fd = open(dev, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 65536), 0);
	memset(&bar, 0, sizeof(bar));
	bar.magic = HW_BAR_MAGIC;
	bar.wwpn = 0x1122334455667788ull;
	ck_assert_int_eq(pwrite(fd, &bar, sizeof(bar), 0), (ssize_t)sizeof(bar));
	close(fd);
	put("class/uio/uio3/maps/map0/size", "0x10000\n");
	put("class/uio/uio3/maps/map0/offset", "0x0\n");
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), 0);
	ck_assert(m.uio);
	ck_assert_uint_eq(m.len, 65536);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->magic, HW_BAR_MAGIC);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->wwpn, 0x1122334455667788ull);
	/* writes reach the device */
	((struct hw_bar *)m.base)->nr_hwq = 3;
	ck_assert_int_eq(hw_map_uio_irq_enable(&m), 0);
	hw_map_close(&m);
	fd = open(dev, O_RDONLY);
	ck_assert_int_eq(pread(fd, &bar, sizeof(bar), 0), (ssize_t)sizeof(bar));
	ck_assert_uint_eq(bar.nr_hwq, 3);
	/* the 4 bytes irq_enable wrote at the file position are "1" */
	close(fd);
	/* the env variable names the sysfs root too */
	setenv("FCNVME_SYSFS_ROOT", tree, 1);
	ck_assert_int_eq(hw_map_uio(dev, NULL, &m), 0);
	ck_assert_int_eq(hw_map_uio_irq_read(&m, &cnt), 0);
	hw_map_close(&m);
	unsetenv("FCNVME_SYSFS_ROOT");
	/* bad input */
	ck_assert_int_eq(hw_map_uio("/dev/nvme0", tree, &m), -EINVAL);
	ck_assert_int_eq(hw_map_uio("/dev/uio3x", tree, &m), -EINVAL);
	ck_assert_int_eq(hw_map_uio("/dev/uio4", tree, &m), -ENOENT);
	put("class/uio/uio3/maps/map0/size", "0x100\n");
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), -EINVAL);
	put("class/uio/uio3/maps/map0/size", "lots\n");
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), -EINVAL);
	put("class/uio/uio3/maps/map0/size", "0x10000\n");
	put("class/uio/uio3/maps/map0/offset", "0x2000\n");
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), -EINVAL);
	ck_assert_int_eq(hw_map_uio_irq_enable(&(struct hw_map){ .uio = false, .fd = -1 }),
			 -ENOTSUP);
}
END_TEST

/* Mapper tests. */
Suite *hw_map_suite(void)
{
	Suite *s = suite_create("hw_map");
	TCase *tc = tcase_create("map");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_map_read_u64);
	tcase_add_test(tc, test_map_uio);
	suite_add_tcase(s, tc);
	return s;
}
