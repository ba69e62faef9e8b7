// SPDX-License-Identifier: Apache-2.0
/*
 * Mapper tests against fake sysfs trees of both shapes: a platform-style
 * /dev/uioN's map0 is found through class/uio/uioN/maps/map0/{size,offset};
 * a PCI function (by address, by sysfs path, or behind /dev/uioN whose
 * device link is a PCI function) is mapped through the resourceN of the BAR
 * its "resource" file shows as the largest memory BAR (regular files stand
 * in for resourceN). Bytes are seen both ways; bad names, unknown devices,
 * missing or malformed attributes and wrong sizes are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_hw.h"
#include "hw_name.h"
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
	char p[512];

	snprintf(tree, sizeof(tree), "/tmp/hw_sysfs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	snprintf(p, sizeof(p),
		 "mkdir -p %s/class/uio/uio3/maps/map0 %s/dev %s/devices/platform/uio.0 "
		 "%s/class/uio/uio5 %s/bus/pci/devices/0000:00:04.0",
		 tree, tree, tree, tree, tree);
	ck_assert_int_eq(system(p), 0);
}

/* Create tree/rel as a file of len bytes holding a BAR with wwpn at 0. */
static void put_region(const char *rel, off_t len, uint64_t wwpn)
{
	struct hw_bar bar;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, len), 0);
	if (wwpn) {
		memset(&bar, 0, sizeof(bar));
		bar.magic = HW_BAR_MAGIC;
		bar.wwpn = wwpn;
		ck_assert_int_eq(pwrite(fd, &bar, sizeof(bar), 0), (ssize_t)sizeof(bar));
	}
	close(fd);
}

#define PCI_DIR "bus/pci/devices/0000:00:04.0"

/* QEMU ivshmem-doorbell as Linux shows it (resource_show: BARs 0-5, ROM,
 * bridge windows): BAR0 256-byte registers, BAR1 the 4 KiB MSI-X table,
 * BAR2 64 KiB shared memory (64-bit prefetchable, so slot 3 is empty). */
static const char ivshmem_resource[] = "0x00000000fe800000 0x00000000fe8000ff 0x0000000000040200\n"
				       "0x00000000fe801000 0x00000000fe801fff 0x0000000000040200\n"
				       "0x00000000fd000000 0x00000000fd00ffff 0x000000000014220c\n"
				       "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
				       "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
				       "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
				       "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

static void put_ivshmem(void)
{
	put(PCI_DIR "/vendor", "0x1af4\n");
	put(PCI_DIR "/device", "0x1110\n");
	put(PCI_DIR "/resource", ivshmem_resource);
	/* the register BAR starts with the wrong bytes on purpose */
	put_region(PCI_DIR "/resource0", 256, 0);
	put_region(PCI_DIR "/resource1", 4096, 0);
	put_region(PCI_DIR "/resource2", 65536, 0x2100000000000001ull);
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

START_TEST(test_map_pci_bdf)
{
	ck_assert(hw_pci_bdf_ok("0000:00:04.0"));
	ck_assert(hw_pci_bdf_ok("ABcd:ff:1f.7"));
	ck_assert(!hw_pci_bdf_ok("0000:00:20.0")); /* device > 31 */
	ck_assert(!hw_pci_bdf_ok("0000:00:04.8")); /* function > 7 */
	ck_assert(!hw_pci_bdf_ok("00:04.0"));
	ck_assert(!hw_pci_bdf_ok("0000:00:04.0x"));
	ck_assert(!hw_pci_bdf_ok("0000-00:04.0"));
	ck_assert(!hw_pci_bdf_ok("000g:00:04.0"));
	ck_assert(!hw_pci_bdf_ok("../../../etc"));
	ck_assert(!hw_pci_bdf_ok(""));
}
END_TEST

START_TEST(test_map_pci)
{
	char dir[256], path[256];
	struct hw_bar bar;
	struct hw_map m;
	int fd;

	put_ivshmem();
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), 0);
	ck_assert(m.pci);
	ck_assert(!m.uio);
	ck_assert(!m.irq);
	ck_assert(!m.intx);
	ck_assert_int_eq(m.fd, -1);
	ck_assert_uint_eq(m.bar, 2);
	ck_assert_uint_eq(m.len, 65536);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->magic, HW_BAR_MAGIC);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->wwpn, 0x2100000000000001ull);
	((struct hw_bar *)m.base)->nr_hwq = 5;
	/* ivshmem's register BAR0 too: a remote driver's Doorbell at 12 */
	ck_assert_ptr_nonnull(m.regs);
	ck_assert_uint_eq(m.regs_len, 256);
	*(volatile uint32_t *)((char *)m.regs + 12) = 0x10002;
	ck_assert_int_eq(hw_map_uio_irq_enable(&m), -ENOTSUP);
	hw_map_close(&m);
	ck_assert_ptr_null(m.regs);
	/* writes reached BAR2 and the Doorbell register */
	snprintf(path, sizeof(path), "%s/" PCI_DIR "/resource2", tree);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &bar, sizeof(bar), 0), (ssize_t)sizeof(bar));
	close(fd);
	ck_assert_uint_eq(bar.nr_hwq, 5);
	{
		uint32_t db = 0, zero[3] = { 1, 1, 1 };

		snprintf(path, sizeof(path), "%s/" PCI_DIR "/resource0", tree);
		fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pread(fd, &db, sizeof(db), 12), (ssize_t)sizeof(db));
		ck_assert_int_eq(pread(fd, zero, sizeof(zero), 0), (ssize_t)sizeof(zero));
		close(fd);
		ck_assert_uint_eq(db, 0x10002);
		ck_assert_uint_eq(zero[0] | zero[1] | zero[2], 0);
		/* without resource0 the region still maps, with no registers */
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), 0);
		ck_assert_ptr_null(m.regs);
		hw_map_close(&m);
		put_region(PCI_DIR "/resource0", 256, 0);
	}
	/* by sysfs directory, and under FCNVME_SYSFS_ROOT */
	snprintf(dir, sizeof(dir), "%s/" PCI_DIR, tree);
	ck_assert_int_eq(hw_map_pci(dir, NULL, &m), 0);
	ck_assert_uint_eq(m.bar, 2);
	hw_map_close(&m);
	setenv("FCNVME_SYSFS_ROOT", tree, 1);
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", NULL, &m), 0);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->nr_hwq, 5);
	hw_map_close(&m);
	unsetenv("FCNVME_SYSFS_ROOT");

	/* bad names, absent functions */
	ck_assert_int_eq(hw_map_pci("00:04.0", tree, &m), -EINVAL);
	ck_assert_int_eq(hw_map_pci("0000:00:05.0", tree, &m), -ENOENT);
	ck_assert_int_eq(m.fd, -1);
	ck_assert_ptr_null(m.base);
	/* not a device we know (virtio-net 1af4:1000) */
	put(PCI_DIR "/device", "0x1000\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -ENODEV);
	put(PCI_DIR "/device", "0x1110\n");
	put(PCI_DIR "/vendor", "0x8086\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -ENODEV);
	put(PCI_DIR "/vendor", "0x1af4\n");
	/* resourceN not the size "resource" shows */
	put_region(PCI_DIR "/resource2", 32768, 1);
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -EINVAL);
	put_region(PCI_DIR "/resource2", 65536, 1);
	/* the chosen BAR's file is missing */
	snprintf(path, sizeof(path), "%s/" PCI_DIR "/resource2", tree);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -ENOENT);
	/* malformed, truncated, I/O-only, too small, not a power of two */
	put(PCI_DIR "/resource", "0x0 zz 0x200\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -EINVAL);
	put(PCI_DIR "/resource", "0x0 0xff 0x200\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -EINVAL);
	put(PCI_DIR "/resource", "");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -EIO);
	put(PCI_DIR "/resource", "0xc000 0xc0ff 0x40101\n0 0 0\n0 0 0\n0 0 0\n0 0 0\n0 0 0\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -ENODEV);
	put(PCI_DIR "/resource", "0xfe800000 0xfe8000ff 0x40200\n0 0 0\n0 0 0\n0 0 0\n0 0 0\n"
				 "0 0 0\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -EINVAL);
	put(PCI_DIR "/resource", "0xfe800000 0xfe817fff 0x40200\n0 0 0\n0 0 0\n0 0 0\n0 0 0\n"
				 "0 0 0\n");
	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), -EINVAL);
}
END_TEST

/* /dev/uioN of a PCI function (uio_pci_generic: no maps/) maps the BAR
 * through resourceN; a platform-style one keeps the map layout. */
START_TEST(test_map_uio_pci)
{
	char dev[256], link[256];
	struct hw_map m;

	put_ivshmem();
	snprintf(dev, sizeof(dev), "%s/dev/uio5", tree);
	put_region("dev/uio5", 65536, 0x9999);
	/* sysfs's own relative link, class/uio/uio5/device -> the function */
	snprintf(link, sizeof(link), "%s/class/uio/uio5/device", tree);
	ck_assert_int_eq(symlink("../../../" PCI_DIR, link), 0);
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), 0);
	ck_assert(m.uio);
	ck_assert(m.pci);
	ck_assert_uint_eq(m.bar, 2);
	ck_assert_uint_eq(m.len, 65536);
	ck_assert_int_ge(m.fd, 0);
	/* BAR2's bytes, not the uio fd's */
	ck_assert_uint_eq(((struct hw_bar *)m.base)->wwpn, 0x2100000000000001ull);
	/* ivshmem interrupts by MSI-X only: no interrupts on the uio fd */
	ck_assert(!m.irq);
	ck_assert_int_eq(hw_map_uio_irq_enable(&m), -ENOTSUP);
	hw_map_close(&m);
	ck_assert_int_eq(m.fd, -1);
	/* an unknown PCI function behind uio is refused, not map0'd */
	put(PCI_DIR "/device", "0x1000\n");
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), -ENODEV);

	/* a platform device behind uio3: the map layout */
	put_region("dev/uio3", 65536, 0x3333);
	put("class/uio/uio3/maps/map0/size", "0x10000\n");
	put("class/uio/uio3/maps/map0/offset", "0x0\n");
	snprintf(link, sizeof(link), "%s/class/uio/uio3/device", tree);
	ck_assert_int_eq(symlink("../../../devices/platform/uio.0", link), 0);
	snprintf(dev, sizeof(dev), "%s/dev/uio3", tree);
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), 0);
	ck_assert(m.uio);
	ck_assert(m.irq);
	ck_assert(!m.pci);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->wwpn, 0x3333);
	hw_map_close(&m);
	/* a link to a PCI-named directory without "resource" is not PCI */
	put(PCI_DIR "/device", "0x1110\n");
	snprintf(link, sizeof(link), "%s/devices/platform/0000:00:09.0", tree);
	ck_assert_int_eq(mkdir(link, 0700), 0);
	snprintf(link, sizeof(link), "%s/class/uio/uio3/device", tree);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(symlink("../../../devices/platform/0000:00:09.0", link), 0);
	ck_assert_int_eq(hw_map_uio(dev, tree, &m), 0);
	ck_assert(!m.pci);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->wwpn, 0x3333);
	hw_map_close(&m);
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
	tcase_add_test(tc, test_map_pci_bdf);
	tcase_add_test(tc, test_map_pci);
	tcase_add_test(tc, test_map_uio_pci);
	suite_add_tcase(s, tc);
	return s;
}
