// SPDX-License-Identifier: Apache-2.0
/*
 * Backends through the whole command path: null (zeroes), ram (growth), and
 * file against a temporary file, both synchronously and through the
 * thread's io_uring: data written is read back and found at the right file
 * offset; Write Zeroes and Deallocate leave zeroes; open errors say why.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "core_harness.h"

static struct h_assoc *ns_ctrl(const struct tgt_ns_params *np)
{
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, np, err, sizeof(err)), 0);
	return h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
}

START_TEST(test_null_backend)
{
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_NULL, .size = 1ull << 40 };
	struct h_assoc *a = ns_ctrl(&np);
	uint8_t b[4096], z[4096];
	uint8_t id[4096];
	uint64_t nsze;

	memset(z, 0, sizeof(z));
	memset(b, 0xff, sizeof(b));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 2, 5, 8, b, 4096), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 5, 8, b, 4096), 0);
	ck_assert_mem_eq(b, z, 4096);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_compare, 2, 5, 8, z, 4096), 0);
	b[1] = 1;
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_compare, 2, 5, 8, b, 4096), NVME_SC_COMPARE_FAILED);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 2, 0, id), 0);
	memcpy(&nsze, id, 8);
	ck_assert_uint_eq(le64toh(nsze), (1ull << 40) / 512);
}
END_TEST

START_TEST(test_ram_grow_keeps_data)
{
	struct h_assoc *a;
	uint8_t w[512], r[512];
	char err[128];

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	memset(w, 0x42, sizeof(w));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 2047, 1, w, 512), 0);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 1, 3 << 20, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 2047, 1, r, 512), 0);
	ck_assert_mem_eq(r, w, 512);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 6143, 1, w, 512), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 6143, 1, r, 512), 0);
	ck_assert_mem_eq(r, w, 512);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 6144, 1, r, 512),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
}
END_TEST

/* The VMA of /proc/self/smaps spanning exactly len bytes: its start, and
 * whether the kernel says it may get huge pages (THPeligible). */
static bool vma_of_len(uint64_t len, uintptr_t *start, bool *thp)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long a = 0, x, y;
	int in = 0, e;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		/* a VMA's header; its fields' lines (e.g. "FilePmdMapped:")
		 * may start with hex digits too, hence x/y */
		if (sscanf(line, "%lx-%lx ", &x, &y) == 2) {
			in = y - x == len;
			a = x;
		}
		if (in && sscanf(line, "THPeligible: %d", &e) == 1) {
			*start = a;
			*thp = e == 1;
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

/* Whether the kernel's THP mode is "never" (the advice then does nothing). */
static bool thp_never(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char m[128] = "";

	if (!f)
		return true;
	if (!fgets(m, sizeof(m), f))
		m[0] = 0;
	fclose(f);
	return !strstr(m, "[always]") && !strstr(m, "[madvise]");
}

/* A ram image starts on a 2 MiB boundary and is advised for huge pages,
 * also the part a resize adds, and still reads back what was written. */
START_TEST(test_ram_huge_pages)
{
	const uint64_t len = (10ull << 20) + 4096, grown = 20ull << 20;
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_RAM, .size = len };
	struct h_assoc *a = ns_ctrl(&np);
	uint8_t w[4096], r[4096];
	uintptr_t start;
	char err[128];
	bool thp;

	memset(w, 0x5a, sizeof(w));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 2, 20479, 8, w, 4096), 0);
	ck_assert(vma_of_len(len, &start, &thp));
	ck_assert_uint_eq(start % (2u << 20), 0);
	if (thp_never())
		printf("test_ram_huge_pages: THP is off in this kernel, only the alignment checked\n");
	else
		ck_assert(thp);
	/* the grown range joins the advised VMA: one VMA of the new size */
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 2, grown, err, sizeof(err)), 0);
	ck_assert(vma_of_len(grown, &start, &thp));
	ck_assert(thp || thp_never());
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 20479, 8, r, 4096), 0);
	ck_assert_mem_eq(r, w, 4096);
}
END_TEST

static void file_case(bool ring, uint32_t lba, bool direct)
{
	char path[] = "/tmp/check_core_fileXXXXXX";
	struct tgt_ns_params np = { .nsid = 3,
				    .backend = TGT_BACKEND_FILE,
				    .size = 4 << 20,
				    .lba_size = lba,
				    .direct = direct };
	struct h_assoc *a;
	uint8_t *w = aligned_alloc(4096, 65536), *r = aligned_alloc(4096, 65536);
	uint8_t *z = calloc(1, 65536);
	uint32_t nlb = 65536 / lba, i;
	struct nvme_dsm_range rg;
	struct h_req *q;
	struct stat st;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	np.path = path;
	a = ns_ctrl(&np);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_size, 4 << 20); /* extended to the size */
	if (ring)
		ck_assert_int_eq(tgt_hwq_start(H->t, 0, NULL, NULL), 0);
	for (i = 0; i < 65536; i++)
		w[i] = (uint8_t)(i * 13 + 1);
	/* write at block 16 */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 3, 16, nlb, w, 65536), 0);
	ck_assert_int_eq(pread(fd, r, 65536, 16 * (off_t)lba), 65536);
	ck_assert_mem_eq(r, w, 65536);
	memset(r, 0, 65536);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 3, 16, nlb, r, 65536), 0);
	ck_assert_mem_eq(r, w, 65536);
	/* FUA write and flush */
	q = h_req_new(a, 1, lba);
	q->cmd.rw.opcode = nvme_cmd_write;
	q->cmd.rw.nsid = htole32(3);
	q->cmd.rw.slba = htole64(0);
	q->cmd.rw.control = htole16(NVME_RW_FUA);
	memcpy(q->data, w, lba);
	{
		uint16_t st2 = h_run(q);

		while (st2 == H_PENDING) {
			tgt_hwq_poll(H->t, 0);
			st2 = h_status(q);
		}
		ck_assert_uint_eq(st2, 0);
	}
	h_req_free(q);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 3, 0, 1, NULL, 0), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_compare, 3, 16, nlb, w, 65536), 0);
	/* write zeroes over blocks 18..21 */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write_zeroes, 3, 18, 4, NULL, 0), 0);
	ck_assert_int_eq(pread(fd, r, 65536, 16 * (off_t)lba), 65536);
	ck_assert_mem_eq(r, w, 2 * lba);
	ck_assert_mem_eq(r + 2 * lba, z, 4 * lba);
	ck_assert_mem_eq(r + 6 * lba, w + 6 * lba, 65536 - 6 * lba);
	/* deallocate blocks 24..31 (page aligned for 512 and 4096) */
	q = h_req_new(a, 1, 16);
	q->cmd.common.opcode = nvme_cmd_dsm;
	q->cmd.common.nsid = htole32(3);
	q->cmd.common.cdw11 = htole32(NVME_DSMGMT_AD);
	memset(&rg, 0, sizeof(rg));
	rg.slba = htole64(24);
	rg.nlb = htole32(8);
	memcpy(q->data, &rg, 16);
	ck_assert_uint_eq(h_run(q), 0);
	h_req_free(q);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 3, 16, nlb, r, 65536), 0);
	ck_assert_mem_eq(r + 8 * lba, z, 8 * lba);
	ck_assert_mem_eq(r + 16 * lba, w + 16 * lba, 65536 - 16 * lba);
	if (ring)
		tgt_hwq_stop(H->t, 0);
	close(fd);
	unlink(path);
	free(w);
	free(r);
	free(z);
}

START_TEST(test_file_sync_512)
{
	file_case(false, 512, false);
}
END_TEST

START_TEST(test_file_ring_512)
{
	file_case(true, 512, false);
}
END_TEST

START_TEST(test_file_ring_4096)
{
	file_case(true, 4096, false);
}
END_TEST

START_TEST(test_file_sync_4096)
{
	file_case(false, 4096, false);
}
END_TEST

START_TEST(test_file_ring_direct_4096)
{
	file_case(true, 4096, true);
}
END_TEST

START_TEST(test_file_sync_direct_512)
{
	file_case(false, 512, true);
}
END_TEST

/* A block device (TGT_TEST_BLOCKDEV, e.g. a loop device; the case is only
 * added when the variable is set): size from BLKGETSIZE64, data round trip,
 * BLKZEROOUT, BLKDISCARD, and growth past the device refused. */
START_TEST(test_block_device)
{
	const char *dev = getenv("TGT_TEST_BLOCKDEV");
	struct tgt_ns_params np = { .nsid = 3, .backend = TGT_BACKEND_FILE, .path = dev };
	struct h_assoc *a;
	uint8_t w[8192], r[8192], z[8192];
	uint8_t id[4096];
	uint64_t nsze;
	char err[128];
	int i;

	memset(z, 0, sizeof(z));
	a = ns_ctrl(&np);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 3, 0, id), 0);
	memcpy(&nsze, id, 8);
	ck_assert_uint_gt(le64toh(nsze), 16);
	for (i = 0; i < 8192; i++)
		w[i] = (uint8_t)(i * 3 + 11);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 3, 0, 16, w, 8192), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 3, 0, 16, r, 8192), 0);
	ck_assert_mem_eq(r, w, 8192);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write_zeroes, 3, 2, 2, NULL, 0), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 3, 0, 16, r, 8192), 0);
	ck_assert_mem_eq(r + 1024, z, 1024);
	ck_assert_mem_eq(r + 2048, w + 2048, 8192 - 2048);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 3, 0, 1, NULL, 0), 0);
	ck_assert_int_eq(
		tgt_ns_resize(H->t, H_SUBNQN, 3, le64toh(nsze) * 512 * 2, err, sizeof(err)),
		-ENOSPC);
	ck_assert(strncmp(err, "the block device holds only ", 28) == 0);
}
END_TEST

START_TEST(test_file_errors)
{
	struct tgt_ns_params np = { .nsid = 3, .backend = TGT_BACKEND_FILE };
	char path[] = "/tmp/check_core_ferrXXXXXX";
	char err[256];
	int fd;

	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "a file namespace needs a path");
	np.path = "/nonexistent/dir/x";
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err,
			 "cannot open /nonexistent/dir/x: No such file or directory (backing "
			 "files are never created implicitly: create it, or set create = true)");
	np.path = "/tmp";
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EISDIR);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	np.path = path;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err + strlen(path), " is empty; give a size");
	/* a file namespace follows its file's growth; shrink refused */
	np.size = 1 << 20;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(truncate(path, 2 << 20), 0);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 3, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(truncate(path, 1 << 20), 0);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 3, 0, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "refusing to shrink") != NULL);
	unlink(path);
}
END_TEST

/* A missing backing file is never created behind the operator's back (a
 * data disk not mounted yet would get a fresh file on the root file
 * system); create = true makes a missing one, and never replaces one. */
START_TEST(test_file_never_created_implicitly)
{
	struct tgt_ns_params np = { .nsid = 3, .backend = TGT_BACKEND_FILE, .size = 1 << 20 };
	char dir[] = "/tmp/check_core_createXXXXXX", path[64], err[256];
	struct stat st;
	int fd;

	h_std_subsys();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ns.img", dir);
	np.path = path;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* asked for: created with the size */
	np.create = true;
	np.size = 0;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err + strlen(err) - 37, "needs a size and a writable namespace");
	ck_assert_int_eq(stat(path, &st), -1);
	np.size = 1 << 20;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 1 << 20);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 3, err, sizeof(err)), 0);
	/* an existing file is opened as it is, data kept */
	fd = open(path, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "keep", 4, 4096), 4);
	close(fd);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	{
		char b[4];

		fd = open(path, O_RDONLY);
		ck_assert_int_eq(pread(fd, b, 4, 4096), 4);
		close(fd);
		ck_assert_mem_eq(b, "keep", 4);
	}
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A ram namespace is memory: all of them together are held to what the
 * machine (or the process's cgroup) has, at add and at growth. */
START_TEST(test_ram_capped_by_memory)
{
	uint64_t limit = backend_ram_limit(), half = (limit / 2 + (1 << 20)) & ~((1ull << 20) - 1);
	struct tgt_ns_params np = { .nsid = 5, .backend = TGT_BACKEND_RAM };
	char err[256], want[256];

	h_std_subsys();
	ck_assert_uint_gt(limit, 64 << 20);
	np.size = 1ull << 50; /* a pebibyte */
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -ENOMEM);
	snprintf(want, sizeof(want),
		 "ram namespaces would hold %llu MiB, more than the %llu MiB of memory this "
		 "daemon may use (hosts writing to them would get it killed); use a file "
		 "namespace or less",
		 (unsigned long long)(np.size >> 20) + 1 /* namespace 1 of the harness */,
		 (unsigned long long)(limit >> 20));
	ck_assert_str_eq(err, want);
	/* two halves: the second does not fit beside the first */
	np.size = half;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	np.nsid = 6;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -ENOMEM);
	/* nor does growing the first to the whole memory */
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 5, limit + (1 << 20), err, sizeof(err)),
			 -ENOMEM);
	ck_assert_ptr_nonnull(strstr(err, "more than the"));
	/* deleting frees its share */
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 5, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
}
END_TEST

Suite *core_backend_suite(void)
{
	Suite *s = suite_create("core_backend");
	TCase *tc = tcase_create("backend");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_null_backend);
	tcase_add_test(tc, test_ram_grow_keeps_data);
	tcase_add_test(tc, test_ram_capped_by_memory);
	tcase_add_test(tc, test_ram_huge_pages);
	tcase_add_test(tc, test_file_sync_512);
	tcase_add_test(tc, test_file_ring_512);
	tcase_add_test(tc, test_file_sync_4096);
	tcase_add_test(tc, test_file_ring_4096);
	tcase_add_test(tc, test_file_ring_direct_4096);
	tcase_add_test(tc, test_file_sync_direct_512);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_file_never_created_implicitly);
	if (getenv("TGT_TEST_BLOCKDEV"))
		tcase_add_test(tc, test_block_device);
	suite_add_tcase(s, tc);
	return s;
}
