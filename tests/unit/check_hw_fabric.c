// SPDX-License-Identifier: Apache-2.0
/*
 * Fabric tests: directory naming, create/open/destroy, fabric login (slot and
 * N_Port_ID), liveness, zoning, and fault-record accounting (skip, count,
 * expiry). Also the hw tests' private shm dir (check_hw_fake.c): its
 * removal takes all that was made in it and nothing outside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "check_hw.h"
#include "hw_fabric.h"
#include "hw_priv.h"

static char root[64], fdir[128];

static void setup(void)
{
	ck_assert_int_eq(hwf_shm_dir_make(root, sizeof(root), "ut"), 0);
	snprintf(fdir, sizeof(fdir), "%s/f", root);
}

static void teardown(void)
{
	hw_fabric_destroy(fdir);
	ck_assert_int_eq(hwf_shm_dir_remove(root), 0);
}

START_TEST(test_fabric_path)
{
	char out[HW_PATH_MAX];

	ck_assert_int_eq(hw_fabric_path("/x", "lab-1", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/x/lab-1");
	ck_assert_int_eq(hw_fabric_path(NULL, "f", out, sizeof(out)), 0);
	ck_assert_str_eq(out, fdir);
	ck_assert_int_eq(hw_fabric_path("/x", "../etc", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(hw_fabric_path("/x", "", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(hw_fabric_path("/x", "a/b", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(hw_fabric_path("/x", "abc", out, 5), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_fabric_create_claim)
{
	struct hw_fabric fab;
	int s0, s1;

	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -ENOENT);
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hw_fabric_create(fdir), -EEXIST);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), 0);
	hw_fabric_lock(&fab);
	ck_assert_int_eq(hw_fabric_claim(&fab, 0, 1, 0), -EINVAL);
	s0 = hw_fabric_claim(&fab, 0x2000000000000001ull, 0x1000000000000001ull,
			     FC_PORT_ROLE_NVME_TARGET);
	s1 = hw_fabric_claim(&fab, 0x2000000000000002ull, 0x1000000000000002ull,
			     FC_PORT_ROLE_NVME_INITIATOR);
	ck_assert_int_eq(s0, 0);
	ck_assert_int_eq(s1, 1);
	ck_assert_uint_eq(fab.r->ns[0].port_id, 0x010100);
	ck_assert_uint_eq(fab.r->ns[1].port_id, 0x010200);
	ck_assert_uint_eq(atomic_load(&fab.r->ns[0].gen), 1);
	/* no live owner (no device file): the same WWPN reclaims its slot */
	ck_assert_int_eq(hw_fabric_claim(&fab, 0x2000000000000001ull, 0x1000000000000001ull,
					 FC_PORT_ROLE_NVME_TARGET),
			 0);
	ck_assert_uint_eq(atomic_load(&fab.r->ns[0].gen), 2);
	hw_fabric_unlock(&fab);
	ck_assert_int_eq(hw_fabric_find(&fab, 0x1000000000000002ull), 1);
	ck_assert_int_eq(hw_fabric_find(&fab, 0x1000000000000003ull), -ENOENT);
	ck_assert(!hw_fabric_slot_alive(&fab, 0));
	/* zoning */
	ck_assert(hw_fabric_zoned(&fab, 0, 1));
	fab.r->ns[0].zone = 5;
	ck_assert(hw_fabric_zoned(&fab, 0, 1)); /* 1 is in the default zone */
	fab.r->ns[1].zone = 6;
	ck_assert(!hw_fabric_zoned(&fab, 0, 1));
	fab.r->ns[1].zone = 5;
	ck_assert(hw_fabric_zoned(&fab, 0, 1));
	ck_assert(!hw_fabric_zoned(&fab, 0, HW_MAX_PORTS));
	hw_fabric_close(&fab);
}
END_TEST

START_TEST(test_fabric_live_port)
{
	struct hw_dev_cfg cfg = {
		.dev = "soft:f",
		.wwnn = 0x20000000000000aaull,
		.wwpn = 0x10000000000000aaull,
		.roles = FC_PORT_ROLE_NVME_TARGET,
		.nr_hwq = 1,
		.cq_entries = 64,
		.dma_size = 1 << 20,
	};
	struct hw_dev d, d2;

	/* A port never creates its fabric: the name is refused and why. */
	ck_assert_int_eq(hw_dev_open(&d, &cfg), -ENOENT);
	ck_assert_str_eq(hw_fabric_why(),
			 "fabric f does not exist (create it with softhbactl fabric create f)");
	ck_assert_int_eq(access(fdir, F_OK), -1);
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	ck_assert(hw_fabric_slot_alive(&d.fab, d.slot));
	ck_assert_uint_eq(atomic_load(&d.fab.r->ns[d.slot].state), HW_NS_ONLINE);
	ck_assert_uint_eq(atomic_load(&d.bar->port_id), d.fab.r->ns[d.slot].port_id);
	/* the WWPN is taken while its owner lives */
	ck_assert_int_eq(hw_dev_open(&d2, &cfg), -EADDRINUSE);
	ck_assert_int_eq(hw_fabric_destroy(fdir), -EBUSY);
	cfg.cq_entries = 63;
	ck_assert_int_eq(hw_dev_open(&d2, &cfg), -EINVAL);
	cfg.cq_entries = 64;
	cfg.dev = "bogus";
	ck_assert_int_eq(hw_dev_open(&d2, &cfg), -EINVAL);
	hw_dev_close(&d);
	ck_assert_int_eq(hw_fabric_destroy(fdir), 0);
}
END_TEST

START_TEST(test_fabric_faults)
{
	struct hw_fault f = { .kind = HW_FAULT_DROP_CMD, .opcode = 5, .skip = 1, .remaining = 2 };
	struct hw_fabric fab;
	uint32_t delay = 0;

	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), 0);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_CMD, 1, 2, 5, NULL), HW_FAULT_NONE);
	ck_assert_int_eq(hw_fabric_fault_add(&fab, &f), 0);
	ck_assert_uint_eq(atomic_load(&fab.r->nfaults), 1);
	/* other opcode and class: no match, not counted */
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_CMD, 1, 2, 6, NULL), HW_FAULT_NONE);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_LS, 1, 2, 5, NULL), HW_FAULT_NONE);
	/* skip 1, then fire twice, then gone */
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_CMD, 1, 2, 5, NULL), HW_FAULT_NONE);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_CMD, 1, 2, 5, NULL), HW_FAULT_DROP_CMD);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_CMD, 1, 2, 5, NULL), HW_FAULT_DROP_CMD);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_CMD, 1, 2, 5, NULL), HW_FAULT_NONE);
	ck_assert_uint_eq(atomic_load(&fab.r->nfaults), 0);
	/* port filter and delay value */
	memset(&f, 0, sizeof(f));
	f.kind = HW_FAULT_DELAY;
	f.fclass = HW_FC_LS;
	f.wwpn = 9;
	f.delay_ms = 7;
	f.remaining = 1;
	ck_assert_int_eq(hw_fabric_fault_add(&fab, &f), 0);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_LS, 1, 2, 0, &delay), HW_FAULT_NONE);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_LS, 1, 9, 0, &delay), HW_FAULT_DELAY);
	ck_assert_uint_eq(delay, 7);
	/* time-bounded, already expired: retired on first match */
	memset(&f, 0, sizeof(f));
	f.kind = HW_FAULT_FAIL_DATA;
	f.expires_ms = hw_now_ms() - 1;
	ck_assert_int_eq(hw_fabric_fault_add(&fab, &f), 0);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_DATA, 1, 2, 0, NULL), HW_FAULT_NONE);
	ck_assert_uint_eq(atomic_load(&fab.r->nfaults), 0);
	/* time-bounded, live: fires every time until cleared */
	f.expires_ms = hw_now_ms() + 60000;
	ck_assert_int_eq(hw_fabric_fault_add(&fab, &f), 0);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_DATA, 1, 2, 0, NULL), HW_FAULT_FAIL_DATA);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_DATA, 1, 2, 0, NULL), HW_FAULT_FAIL_DATA);
	hw_fabric_fault_clear(&fab);
	ck_assert_uint_eq(atomic_load(&fab.r->nfaults), 0);
	ck_assert_int_eq(hw_fabric_fault(&fab, HW_FC_DATA, 1, 2, 0, NULL), HW_FAULT_NONE);
	/* unbounded or empty records are refused */
	memset(&f, 0, sizeof(f));
	f.kind = HW_FAULT_ABTS;
	ck_assert_int_eq(hw_fabric_fault_add(&fab, &f), -EINVAL);
	f.kind = HW_FAULT_NONE;
	f.remaining = 1;
	ck_assert_int_eq(hw_fabric_fault_add(&fab, &f), -EINVAL);
	hw_fabric_close(&fab);
}
END_TEST

/* Write s into file path (made, 0600). */
static void put_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_int_eq(fputs(s, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Whether file path holds s. */
static bool file_holds(const char *path, const char *s)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	(void)!fgets(buf, sizeof(buf), f);
	fclose(f);
	return strcmp(buf, s) == 0;
}

/* hwf_shm_dir_remove takes the dir and all in it (nested dirs, files, a
 * dangling symlink), follows none of the symlinks planted there to a file
 * or dir of another dir, and refuses what hwf_shm_dir_make does not make:
 * a dir below one, a symlink in its place, another name. */
START_TEST(test_fabric_shm_dir)
{
	char a[64], b[64], base[64], p[160], q[160];
	struct stat st;

	ck_assert_int_eq(hwf_shm_dir_make(a, sizeof(a), "sd"), 0);
	ck_assert_str_eq(getenv("FCNVME_SHM_DIR"), a);
	ck_assert_int_eq(lstat(a, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(hwf_shm_dir_make(b, sizeof(b), "sdv"), 0);
	ck_assert_str_eq(getenv("FCNVME_SHM_DIR"), b);
	ck_assert_int_eq(hwf_shm_dir_make(p, 12, "sd"), -EINVAL);
	ck_assert_int_eq(hwf_shm_dir_make(p, sizeof(p), "s/d"), -EINVAL);
	snprintf(base, sizeof(base), "%s", a);
	*strrchr(base, '/') = 0;

	/* b: what must stay */
	snprintf(p, sizeof(p), "%s/keep", b);
	put_file(p, "keep");
	snprintf(p, sizeof(p), "%s/d", b);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/d/keep", b);
	put_file(p, "keep d");

	/* a: nested dirs and files, symlinks out to b's file, dir and b */
	snprintf(p, sizeof(p), "%s/f", a);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/f/x", a);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/f/x/file", a);
	put_file(p, "x");
	snprintf(p, sizeof(p), "%s/f/fabric", a);
	put_file(p, "fabric");
	snprintf(p, sizeof(p), "%s/keep", b);
	snprintf(q, sizeof(q), "%s/lfile", a);
	ck_assert_int_eq(symlink(p, q), 0);
	snprintf(p, sizeof(p), "%s/d", b);
	snprintf(q, sizeof(q), "%s/f/ldir", a);
	ck_assert_int_eq(symlink(p, q), 0);
	snprintf(q, sizeof(q), "%s/f/x/lb", a);
	ck_assert_int_eq(symlink(b, q), 0);
	snprintf(q, sizeof(q), "%s/dangling", a);
	ck_assert_int_eq(symlink("/nonexistent/hw_sd", q), 0);

	ck_assert_int_eq(hwf_shm_dir_remove(a), 0);
	ck_assert_int_eq(lstat(a, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(p, sizeof(p), "%s/keep", b);
	ck_assert(file_holds(p, "keep"));
	snprintf(p, sizeof(p), "%s/d/keep", b);
	ck_assert(file_holds(p, "keep d"));

	/* refused, and left as it was: a dir below b */
	snprintf(p, sizeof(p), "%s/d", b);
	ck_assert_int_eq(hwf_shm_dir_remove(p), -EINVAL);
	snprintf(p, sizeof(p), "%s/d/keep", b);
	ck_assert(file_holds(p, "keep d"));
	/* a symlink to b with a name hwf_shm_dir_make could have made */
	snprintf(q, sizeof(q), "%s/hw_sdl.%06d", base, (int)getpid() % 1000000);
	ck_assert_int_eq(symlink(b, q), 0);
	ck_assert_int_lt(hwf_shm_dir_remove(q), 0);
	ck_assert_int_eq(lstat(q, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(unlink(q), 0);
	snprintf(p, sizeof(p), "%s/keep", b);
	ck_assert(file_holds(p, "keep"));
	/* a dir of another name */
	snprintf(q, sizeof(q), "%s/sd.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(q));
	ck_assert_int_eq(hwf_shm_dir_remove(q), -EINVAL);
	ck_assert_int_eq(rmdir(q), 0);

	ck_assert_int_eq(hwf_shm_dir_remove(b), 0);
	ck_assert_int_eq(lstat(b, &st), -1);
}
END_TEST

/* Fabric tests. */
Suite *hw_fabric_suite(void)
{
	Suite *s = suite_create("hw_fabric");
	TCase *tc = tcase_create("fabric");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fabric_path);
	tcase_add_test(tc, test_fabric_create_claim);
	tcase_add_test(tc, test_fabric_live_port);
	tcase_add_test(tc, test_fabric_faults);
	suite_add_tcase(s, tc);
	tc = tcase_create("shm_dir");
	tcase_add_test(tc, test_fabric_shm_dir);
	suite_add_tcase(s, tc);
	return s;
}
