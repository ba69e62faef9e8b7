// SPDX-License-Identifier: Apache-2.0
/*
 * Fused Compare and Write in the target core (daemon/core/cmd_fused.c): the
 * pairing of a Compare (FUSE 01b) with the next command of its queue, the
 * two halves' data arriving in either order, the statuses of a match, a
 * miscompare, a missing or mismatched second, a second alone, an aborted
 * half and a queue that stops with a first waiting, the FUSES bit, and the
 * refusal where the namespace's store cannot compare and write atomically.
 * The ram namespace of the harness is given the harness's backend that can
 * (h_ns1_compare_write: completing at once or later on demand).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

static struct ns *ns1(void)
{
	return H->t->subsys_list->ns_list;
}

/* The standard subsystem and a ready controller with 2 I/O queues; with
 * atomic, namespace 1's store can compare and write. */
static struct h_assoc *cw_ctrl(bool atomic)
{
	struct h_assoc *a;

	h_std_subsys();
	if (atomic)
		h_ns1_compare_write();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
	return a;
}

/* A one-block fused half on queue qid: FUSE bits fuse, byte pattern pat. */
static struct h_req *half(struct h_assoc *a, uint16_t qid, uint8_t opcode, uint8_t fuse,
			  uint64_t slba, uint8_t pat)
{
	struct h_req *r = h_req_new(a, qid, 512);

	r->cmd.rw.opcode = opcode;
	r->cmd.rw.flags |= fuse;
	r->cmd.rw.nsid = htole32(1);
	r->cmd.rw.slba = htole64(slba);
	memset(r->data, pat, 512);
	return r;
}

static uint16_t init(struct h_req *r)
{
	return tgt_core_ops()->req_init(H->t, &r->req);
}

static void block_is(struct h_assoc *a, uint64_t slba, uint8_t pat)
{
	uint8_t got[512], want[512];

	memset(want, pat, sizeof(want));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, slba, 1, got, 512), 0);
	ck_assert_mem_eq(got, want, 512);
}

static void set_block(struct h_assoc *a, uint64_t slba, uint8_t pat)
{
	uint8_t b[512];

	memset(b, pat, sizeof(b));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, slba, 1, b, 512), 0);
}

/* Run c (a fused first) then w (its second) on their queue: c waits for
 * w, w ends with want_w, then c with want_c. Frees both. */
static void pair_ends(struct h_req *c, struct h_req *w, uint16_t want_w, uint16_t want_c)
{
	ck_assert_uint_eq(h_run(c), H_PENDING); /* waits for its second */
	ck_assert_uint_eq(h_run(w), want_w);
	ck_assert_uint_eq(h_status(c), want_c);
	h_req_free(c);
	h_req_free(w);
}

START_TEST(test_fuses_bit)
{
	struct h_assoc *a = cw_ctrl(false);
	static uint8_t buf[4096];
	const struct nvme_id_ctrl *id = (const struct nvme_id_ctrl *)buf;

	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, buf), 0);
	ck_assert_uint_eq(le16toh(id->fuses), 0);
	h_ns1_compare_write();
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, buf), 0);
	ck_assert_uint_eq(le16toh(id->fuses), NVME_CTRL_FUSES_COMPARE_WRITE);
	ns1()->be->ops = &backend_ram_ops;
}
END_TEST

START_TEST(test_match_and_miscompare)
{
	struct h_assoc *a = cw_ctrl(true);
	struct h_req *c, *w;

	set_block(a, 10, 0x11);
	/* match: both succeed, the block holds the new data */
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 10, 0x11);
	w = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 10, 0x22);
	pair_ends(c, w, 0, 0);
	ck_assert_uint_eq(h_cw.calls, 1);
	block_is(a, 10, 0x22);
	/* miscompare: Compare Failure, the Write aborted, nothing written */
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 10, 0x11);
	w = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 10, 0x33);
	pair_ends(c, w, NVME_SC_FUSED_FAIL, NVME_SC_COMPARE_FAILED);
	block_is(a, 10, 0x22);
	/* queue 1 counted each pair as a read (the Compare) and a write,
	 * besides set_block's write and block_is's two reads */
	ck_assert_uint_eq(((struct sq *)a->core_sq[1])->ns[1].st[NS_ST_READS], 4);
	ck_assert_uint_eq(((struct sq *)a->core_sq[1])->ns[1].st[NS_ST_WRITES], 3);
}
END_TEST

/* The second's data arrives first: nothing runs until the first's does. */
START_TEST(test_data_order)
{
	struct h_assoc *a = cw_ctrl(true);
	struct h_req *c, *w;

	set_block(a, 20, 0x44);
	c = half(a, 2, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 20, 0x44);
	w = half(a, 2, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 20, 0x55);
	ck_assert_uint_eq(init(c), 0);
	ck_assert_uint_eq(init(w), 0);
	w->req.execute(&w->req);
	ck_assert_uint_eq(h_cw.calls, 0);
	ck_assert_uint_eq(h_status(w), H_PENDING);
	c->req.execute(&c->req);
	ck_assert_uint_eq(h_cw.calls, 1);
	ck_assert_uint_eq(h_status(c), 0);
	ck_assert_uint_eq(h_status(w), 0);
	h_req_free(c);
	h_req_free(w);
	block_is(a, 20, 0x55);
}
END_TEST

/* A backend that completes later: both halves complete then. */
START_TEST(test_async_backend)
{
	struct h_assoc *a = cw_ctrl(true);
	struct h_req *c, *w;

	h_cw.async = true;
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 30, 0);
	w = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 30, 0x66);
	ck_assert_uint_eq(h_run(c), H_PENDING);
	ck_assert_uint_eq(h_run(w), H_PENDING);
	ck_assert_ptr_eq(h_cw.held, &w->req);
	ck_assert_uint_eq(h_status(c), H_PENDING);
	ck_assert_int_eq(h_be.nr_held, 1);
	h_be_complete(0, NVME_SC_COMPARE_FAILED);
	ck_assert_uint_eq(h_status(c), NVME_SC_COMPARE_FAILED);
	ck_assert_uint_eq(h_status(w), NVME_SC_FUSED_FAIL);
	h_req_free(c);
	h_req_free(w);
}
END_TEST

/* The next command is not the second: the first ends Missing Fused, the
 * other command runs; a second alone is Missing Fused too. */
START_TEST(test_missing)
{
	struct h_assoc *a = cw_ctrl(true);
	struct h_req *c, *w;
	uint8_t b[512];

	set_block(a, 40, 0x77);
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 40, 0x77);
	ck_assert_uint_eq(h_run(c), H_PENDING);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 40, 1, b, 512), 0);
	ck_assert_uint_eq(h_status(c), NVME_SC_FUSED_MISSING | DNR);
	h_req_free(c);
	/* the first's data had not arrived yet: it ends when it does */
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 40, 0x77);
	ck_assert_uint_eq(init(c), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_flush, 1, 0, 1, NULL, 0), 0);
	ck_assert_uint_eq(h_status(c), H_PENDING);
	c->req.execute(&c->req);
	ck_assert_uint_eq(h_status(c), NVME_SC_FUSED_MISSING | DNR);
	h_req_free(c);
	/* a second with no first */
	w = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 40, 0x88);
	ck_assert_uint_eq(h_run(w), NVME_SC_FUSED_MISSING | DNR);
	h_req_free(w);
	/* a first on the other queue does not pair with a second here */
	c = half(a, 2, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 40, 0x77);
	ck_assert_uint_eq(h_run(c), H_PENDING);
	w = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 40, 0x88);
	ck_assert_uint_eq(h_run(w), NVME_SC_FUSED_MISSING | DNR);
	h_req_free(w);
	ck_assert_uint_eq(h_cw.calls, 0);
	block_is(a, 40, 0x77);
	/* queue 2 stops: its waiting first ends with SQ Deletion */
	tgt_core_ops()->sq_stop(H->t, a->core_sq[2]);
	ck_assert_uint_eq(h_status(c), NVME_SC_SQ_DELETION);
	h_req_free(c);
}
END_TEST

/* Seconds that do not match, or fail: each takes its first with it. */
static const struct {
	uint8_t opcode;
	uint64_t slba;
	uint32_t nsid;
	uint16_t want; /* the second's status */
} bad_seconds[] = {
	{ nvme_cmd_write, 51, 1, NVME_SC_INVALID_FIELD | DNR }, /* another range */
	{ nvme_cmd_read, 50, 1, NVME_SC_INVALID_FIELD | DNR },	/* not a Write */
	{ nvme_cmd_write, 50, 9, NVME_SC_INVALID_NS | DNR },	/* its own parse fails */
};

START_TEST(test_bad_second)
{
	struct h_assoc *a = cw_ctrl(true);
	struct h_req *c, *w;

	set_block(a, 50, 0x99);
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 50, 0x99);
	w = half(a, 1, bad_seconds[_i].opcode, NVME_CMD_FUSE_SECOND, bad_seconds[_i].slba, 0xaa);
	w->cmd.rw.nsid = htole32(bad_seconds[_i].nsid);
	pair_ends(c, w, bad_seconds[_i].want, NVME_SC_FUSED_FAIL | DNR);
	ck_assert_uint_eq(h_cw.calls, 0);
	block_is(a, 50, 0x99);
}
END_TEST

/* The transport drops the second (its data never came): the first fails. */
START_TEST(test_dropped_second)
{
	struct h_assoc *a = cw_ctrl(true);
	struct h_req *c, *w;

	set_block(a, 50, 0x99);
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 50, 0x99);
	w = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_SECOND, 50, 0xaa);
	ck_assert_uint_eq(init(c), 0);
	ck_assert_uint_eq(init(w), 0);
	tgt_core_ops()->req_abort(H->t, &w->req);
	ck_assert_uint_eq(h_status(c), H_PENDING);
	c->req.execute(&c->req);
	ck_assert_uint_eq(h_status(c), NVME_SC_FUSED_FAIL | DNR);
	h_req_free(c);
	h_req_free(w);
	ck_assert_uint_eq(h_cw.calls, 0);
	block_is(a, 50, 0x99);
}
END_TEST

/* Refused: a store that cannot, the admin queue, FUSE 11b, a fused Write
 * first. */
START_TEST(test_refused)
{
	struct h_assoc *a = cw_ctrl(false);
	struct h_req *c;

	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_FIRST, 60, 0);
	ck_assert_uint_eq(h_run(c), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(c);
	h_ns1_compare_write();
	c = half(a, 1, nvme_cmd_write, NVME_CMD_FUSE_FIRST, 60, 0);
	ck_assert_uint_eq(h_run(c), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(c);
	c = half(a, 1, nvme_cmd_compare, NVME_CMD_FUSE_MASK, 60, 0);
	ck_assert_uint_eq(h_run(c), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(c);
	c = half(a, 0, nvme_admin_identify, NVME_CMD_FUSE_FIRST, 0, 0);
	ck_assert_uint_eq(h_run(c), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(c);
	ns1()->be->ops = &backend_ram_ops;
}
END_TEST

Suite *core_fused_suite(void)
{
	Suite *s = suite_create("core_fused");
	TCase *tc = tcase_create("fused");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_fuses_bit);
	tcase_add_test(tc, test_match_and_miscompare);
	tcase_add_test(tc, test_data_order);
	tcase_add_test(tc, test_async_backend);
	tcase_add_test(tc, test_missing);
	tcase_add_loop_test(tc, test_bad_second, 0,
			    (int)(sizeof(bad_seconds) / sizeof(bad_seconds[0])));
	tcase_add_test(tc, test_dropped_second);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
