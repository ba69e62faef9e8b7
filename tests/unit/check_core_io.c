// SPDX-License-Identifier: Apache-2.0
/*
 * Target core I/O commands on a ram namespace: data round trips, Write
 * Zeroes, Dataset Management, Compare, Flush, FUA, and the status of every
 * failure (range, MDTS, transfer length, namespace, write protection,
 * controller state, opcode).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"
#include "test_rng.h"

#define DNR NVME_SC_DNR

static struct h_assoc *io_ctrl(void)
{
	h_std_subsys();
	return h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

START_TEST(test_rw_roundtrip)
{
	struct h_assoc *a = io_ctrl();
	uint8_t w[4096], r[4096];

	fill(w, sizeof(w), 3);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 100, 8, w, 4096), 0);
	memset(r, 0, sizeof(r));
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 1, 100, 8, r, 4096), 0);
	ck_assert_mem_eq(r, w, 4096);
	/* a neighbouring block is untouched */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 108, 1, r, 512), 0);
	memset(w, 0, 512);
	ck_assert_mem_eq(r, w, 512);
	/* last block of the namespace, FUA */
	{
		struct h_req *q = h_req_new(a, 1, 512);

		q->cmd.rw.opcode = nvme_cmd_write;
		q->cmd.rw.nsid = htole32(1);
		q->cmd.rw.slba = htole64(2047);
		q->cmd.rw.control = htole16(NVME_RW_FUA);
		ck_assert_uint_eq(h_run(q), 0);
		h_req_free(q);
	}
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 1, 0, 1, NULL, 0), 0);
}
END_TEST

START_TEST(test_rw_errors)
{
	struct h_assoc *a = io_ctrl();
	uint8_t *big = calloc(1, 2049 * 512);
	struct h_req *q;

	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 2048, 1, big, 512), NVME_SC_LBA_RANGE | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 2047, 2, big, 1024),
			  NVME_SC_LBA_RANGE | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, ~0ull, 2, big, 1024),
			  NVME_SC_LBA_RANGE | DNR);
	/* MDTS: 1 MiB + 512 */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 2049, big, 2049 * 512),
			  NVME_SC_INVALID_FIELD | DNR);
	/* transfer length disagrees with NLB */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 2, big, 512),
			  NVME_SC_SGL_INVALID_DATA | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 1, 0, 1, big, 512),
			  NVME_SC_SGL_INVALID_DATA | DNR);
	/* namespaces */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 0, 0, 1, big, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, big, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 0xffffffff, 0, 1, NULL, 0),
			  NVME_SC_INVALID_NS | DNR);
	/* opcode */
	ck_assert_uint_eq(h_io(a, 1, 0x7e, 1, 0, 1, NULL, 0), NVME_SC_INVALID_OPCODE | DNR);
	/* admin opcode on an I/O queue */
	q = h_req_new(a, 1, 4096);
	q->cmd.common.opcode = nvme_admin_identify;
	q->cmd.common.nsid = htole32(1);
	ck_assert_uint_eq(h_run(q), NVME_SC_INVALID_OPCODE | DNR);
	h_req_free(q);
	/* property get on an I/O queue */
	q = h_req_new(a, 1, 0);
	q->cmd.prop_get.opcode = nvme_fabrics_command;
	q->cmd.prop_get.fctype = nvme_fabrics_type_property_get;
	ck_assert_uint_eq(h_run(q), NVME_SC_INVALID_OPCODE | DNR);
	h_req_free(q);
	free(big);
}
END_TEST

START_TEST(test_io_before_enable)
{
	struct h_assoc *a;
	uint8_t b[512];

	h_std_subsys();
	a = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, H_HOSTNQN, 0), 0);
	h_queue_new(a, 1, 31);
	ck_assert_uint_eq(h_connect_io(a, 1, H_SUBNQN, H_HOSTNQN, 31), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, b, 512), NVME_SC_CMD_SEQ_ERROR | DNR);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, b, 512), 0);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY | NVME_CC_SHN_NORMAL), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, b, 512), NVME_SC_CMD_SEQ_ERROR | DNR);
}
END_TEST

static uint16_t write_zeroes(struct h_assoc *a, uint32_t nsid, uint64_t slba, uint32_t nlb)
{
	return h_io(a, 1, nvme_cmd_write_zeroes, nsid, slba, nlb, NULL, 0);
}

/* DSM of nr ranges carried in len bytes of data (len >= nr * 16: the rest
 * is zero). */
static uint16_t dsm_len(struct h_assoc *a, uint32_t nsid, const struct nvme_dsm_range *rg,
			unsigned int nr, bool ad, uint32_t len)
{
	struct h_req *q = h_req_new(a, 1, len);
	uint16_t st;

	q->cmd.common.opcode = nvme_cmd_dsm;
	q->cmd.common.nsid = htole32(nsid);
	q->cmd.common.cdw10 = htole32(nr - 1);
	q->cmd.common.cdw11 = htole32(ad ? NVME_DSMGMT_AD : NVME_DSMGMT_IDR);
	memset(q->data, 0, len);
	memcpy(q->data, rg, len < nr * 16 ? len : nr * 16);
	st = h_run(q);
	h_req_free(q);
	return st;
}

static uint16_t dsm(struct h_assoc *a, uint32_t nsid, const struct nvme_dsm_range *rg,
		    unsigned int nr, bool ad)
{
	return dsm_len(a, nsid, rg, nr, ad, nr * 16);
}

START_TEST(test_write_zeroes_dsm_compare)
{
	struct h_assoc *a = io_ctrl();
	uint8_t w[8192], r[8192], z[8192];
	struct nvme_dsm_range rg[2];

	memset(z, 0, sizeof(z));
	fill(w, sizeof(w), 9);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 0, 16, w, 8192), 0);
	ck_assert_uint_eq(write_zeroes(a, 1, 2, 3), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 16, r, 8192), 0);
	ck_assert_mem_eq(r, w, 1024);
	ck_assert_mem_eq(r + 1024, z, 1536);
	ck_assert_mem_eq(r + 2560, w + 2560, 8192 - 2560);
	ck_assert_uint_eq(write_zeroes(a, 1, 2047, 2), NVME_SC_LBA_RANGE | DNR);
	/* deallocate two ranges */
	memset(rg, 0, sizeof(rg));
	rg[0].slba = htole64(8);
	rg[0].nlb = htole32(2);
	rg[1].slba = htole64(14);
	rg[1].nlb = htole32(1);
	ck_assert_uint_eq(dsm(a, 1, rg, 2, true), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 16, r, 8192), 0);
	ck_assert_mem_eq(r + 4096, z, 1024);
	ck_assert_mem_eq(r + 5120, w + 5120, 2048);
	ck_assert_mem_eq(r + 7168, z, 512);
	ck_assert_mem_eq(r + 7680, w + 7680, 512);
	/* hints only: nothing changes */
	rg[0].slba = htole64(0);
	ck_assert_uint_eq(dsm(a, 1, rg, 1, false), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, r, 512), 0);
	ck_assert_mem_eq(r, w, 512);
	/* a range past the end fails the whole command, nothing deallocated */
	rg[0].slba = htole64(0);
	rg[0].nlb = htole32(1);
	rg[1].slba = htole64(2047);
	rg[1].nlb = htole32(5);
	ck_assert_uint_eq(dsm(a, 1, rg, 2, true), NVME_SC_LBA_RANGE | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, r, 512), 0);
	ck_assert_mem_eq(r, w, 512);
	/* Linux's host: one range in 4 KiB of data (nvme_setup_discard sends
	 * room for 256); less data than the ranges is refused */
	rg[0].slba = htole64(0);
	rg[0].nlb = htole32(1);
	ck_assert_uint_eq(dsm_len(a, 1, rg, 1, true, 4096), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 2, r, 1024), 0);
	ck_assert_mem_eq(r, z, 512);
	ck_assert_mem_eq(r + 512, w + 512, 512);
	ck_assert_uint_eq(dsm_len(a, 1, rg, 2, true, 16), NVME_SC_SGL_INVALID_DATA | DNR);
	memcpy(w, z, 512); /* block 0 is deallocated now */
	/* compare */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 2, r, 1024), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_compare, 1, 0, 2, r, 1024), 0);
	r[700] ^= 1;
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_compare, 1, 0, 2, r, 1024), NVME_SC_COMPARE_FAILED);
}
END_TEST

START_TEST(test_readonly_namespace)
{
	struct tgt_ns_params np = {
		.nsid = 3, .backend = TGT_BACKEND_RAM, .size = 1 << 20, .readonly = true
	};
	struct nvme_dsm_range rg = { .nlb = htole32(1) };
	struct h_assoc *a;
	uint8_t b[512];
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	/* the wire value: generic status 20h (Base 2.0 fig. 101) with DNR */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 3, 0, 1, b, 512), 0x4020);
	ck_assert_uint_eq(write_zeroes(a, 3, 0, 1), NVME_SC_NS_WRITE_PROTECTED | DNR);
	ck_assert_uint_eq(dsm(a, 3, &rg, 1, true), NVME_SC_NS_WRITE_PROTECTED | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 3, 0, 1, b, 512), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 3, 0, 1, NULL, 0), 0);
}
END_TEST

START_TEST(test_ns_visibility_by_message)
{
	struct tgt_ns_params np = { .nsid = 4, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	struct h_assoc *a = io_ctrl();
	uint8_t b[512];
	char err[128];

	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 4, 0, 1, b, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 4, 0, 1, b, 512), 0);
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 4, 0, 1, b, 512), 0);
	ck_assert_int_eq(tgt_ns_disable(H->t, H_SUBNQN, 4, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 4, 0, 1, b, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_DESC_LIST, 4, 0, NULL),
			  NVME_SC_INVALID_NS | DNR);
	ck_assert_int_eq(tgt_ns_enable(H->t, H_SUBNQN, 4, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 4, 0, 1, b, 512), 0);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 4, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 4, 0, 1, b, 512), NVME_SC_INVALID_NS | DNR);
	/* growth is visible to range checks */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 2048, 1, b, 512), NVME_SC_LBA_RANGE | DNR);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 1, 2 << 20, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 2048, 1, b, 512), 0);
}
END_TEST

/* A full hwq ring delays a namespace change and a completion until the
 * next timer tick; nothing is lost. */
START_TEST(test_ring_full_retry)
{
	struct tgt_ns_params np = { .nsid = 4, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	struct h_assoc *a = io_ctrl();
	struct h_req *r;
	uint8_t b[512];
	char err[128];

	H->fail_hwq = 1; /* queue 1's add message; queue 2's waits behind it */
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(H->fail_hwq, 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 4, 0, 1, b, 512),
			  NVME_SC_INVALID_NS | NVME_SC_DNR);
	tgt_timer_tick(H->t);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 4, 0, 1, b, 512), 0);
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 4, 0, 1, b, 512), 0);
	/* an admin completion that cannot be posted back */
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_keep_alive;
	H->fail_hwq = 1;
	ck_assert_uint_eq(h_run(r), H_PENDING);
	tgt_timer_tick(H->t);
	ck_assert_uint_eq(h_status(r), 0);
	h_req_free(r);
	/* a removal whose message waits: the namespace drains after it */
	H->fail_hwq = 1;
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 4, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->ns_draining, 1);
	tgt_timer_tick(H->t);
	ck_assert_uint_eq(H->t->ns_draining, 0);
}
END_TEST

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	return test_rng_next(&rnd_state);
}

/* Random SQEs from a hostile host: every one gets exactly one response
 * (or an immediate error) and nothing breaks (run under ASan/UBSan). */
START_TEST(test_random_commands)
{
	struct h_assoc *a = io_ctrl();
	int i, j;

	for (i = 0; i < 20000; i++) {
		uint16_t qid = (uint16_t)(rnd() % 3);
		uint32_t len = (uint32_t)(rnd() % 3 == 0 ? 512 * (rnd() % 9) : rnd() % 5000);
		struct h_req *r = h_req_new(a, qid, len);
		uint16_t st;

		for (j = 0; j < 64; j += 8) {
			uint64_t v = rnd();

			memcpy(r->cmd.raw + j, &v, 8);
		}
		r->cmd.common.flags = (rnd() % 8) ? NVME_CMD_SGL_METABUF : (uint8_t)rnd();
		if (rnd() % 2) /* plausible namespaces and opcodes */
			r->cmd.common.nsid = htole32((uint32_t)(rnd() % 3));
		if (rnd() % 2)
			r->cmd.common.opcode = (uint8_t)(rnd() % 0x20);
		if (qid == 0 && r->cmd.common.opcode == nvme_admin_async_event)
			r->cmd.common.opcode = nvme_admin_keep_alive;
		if (qid == 0 && r->cmd.common.opcode == nvme_fabrics_command &&
		    r->cmd.fabrics.fctype == nvme_fabrics_type_property_set)
			r->cmd.prop_set.offset = 0; /* keep CC enabled */
		for (j = 0; j + 8 <= (int)len; j += 8) {
			uint64_t v = rnd();

			memcpy(r->data + j, &v, 8);
		}
		r->cmd.common.command_id = htole16((uint16_t)i);
		st = h_run(r);
		ck_assert_uint_ne(st, H_PENDING);
		ck_assert_uint_le(r->nr_done, 1);
		h_req_free(r);
	}
	/* still serving */
	{
		uint8_t b[512];

		ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, b, 512), 0);
	}
}
END_TEST

Suite *core_io_suite(void)
{
	Suite *s = suite_create("core_io");
	TCase *tc = tcase_create("io");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_rw_roundtrip);
	tcase_add_test(tc, test_rw_errors);
	tcase_add_test(tc, test_io_before_enable);
	tcase_add_test(tc, test_write_zeroes_dsm_compare);
	tcase_add_test(tc, test_readonly_namespace);
	tcase_add_test(tc, test_ns_visibility_by_message);
	tcase_add_test(tc, test_ring_full_retry);
	tcase_add_test(tc, test_random_commands);
	suite_add_tcase(s, tc);
	return s;
}
