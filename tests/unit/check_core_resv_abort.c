// SPDX-License-Identifier: Apache-2.0
/*
 * Preempt and Abort's drain (daemon/core/resv_abort.c): the Acquire
 * completes once the commands the preempted host's queues took before it
 * have completed, later ones do not hold it, two drains on one queue run
 * one after the other, a waiting fused Compare is aborted, and the
 * preempted host's association may go meanwhile. Hosts 1 (A) and 2 (B)
 * on namespace 1 with reservations (core_resv_harness.c); the backend
 * holds what a test asks it to (h_be).
 */
#include <endian.h>
#include <string.h>

#include "core_resv_harness.h"

static struct h_assoc *A, *B, *C;

static void fixture_setup(void)
{
	h_setup();
	cr_setup(&A, &B, &C);
}

/* The backend holds every operation (h_be). */
static uint16_t be_hold(struct nvmet_fc_req *req, enum backend_op op)
{
	(void)req;
	(void)op;
	return BE_PENDING;
}

/* A and B registered, A holding Write Exclusive Registrants Only (B may
 * write). */
static void a_holds_b_writes(void)
{
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 3, KEY_A, 0), 0);
}

/* A Write of a's (one block) that the backend holds. */
static struct h_req *held_write(struct h_assoc *a)
{
	struct h_req *w = h_req_new(a, 1, 512);

	w->cmd.rw.opcode = nvme_cmd_write;
	w->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(h_run(w), H_PENDING);
	return w;
}

/* A Reservation Acquire of a's, run but not waited for. */
static struct h_req *acq_run(struct h_assoc *a, uint32_t racqa, uint8_t rtype, uint64_t crkey,
			     uint64_t prkey)
{
	struct h_req *r = h_req_new(a, 1, 16);
	uint64_t le[2] = { htole64(crkey), htole64(prkey) };

	r->cmd.common.opcode = nvme_cmd_resv_acquire;
	r->cmd.common.nsid = htole32(1);
	r->cmd.common.cdw10 = htole32(racqa | (uint32_t)rtype << 8);
	memcpy(r->data, le, 16);
	(void)h_run(r);
	return r;
}

/* Preempt and Abort completes only once the Write B's queue took before it
 * has completed; B's commands after it do not hold it (a Read B may still
 * do under Write Exclusive, held by the backend); a plain preempt does
 * not wait. Before resv_abort.c the Acquire completed at once, with B's
 * Write still to land. */
START_TEST(test_resv_preempt_abort_waits)
{
	struct h_req *w, *p, *rd_after;
	uint8_t buf[512];

	a_holds_b_writes();
	h_be_use(1, false);
	/* a plain preempt does not wait for B's Write */
	h_be.decide = be_hold;
	w = held_write(B);
	h_be.decide = NULL;
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_PREEMPT, 3, KEY_A, KEY_B), 0);
	h_be_complete(0, 0);
	ck_assert_uint_eq(h_status(w), 0);
	h_req_free(w);
	/* preempt and abort does */
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	h_be.decide = be_hold;
	w = held_write(B);
	p = acq_run(A, NVME_RESV_PREEMPT_ABORT, 1, KEY_A, KEY_B);
	ck_assert_uint_eq(h_status(p), H_PENDING);
	h_be.decide = NULL;
	ck_assert_uint_eq(cr_wr(B), CONFLICT); /* at once: B is preempted */
	h_be.decide = be_hold;
	rd_after = h_req_new(B, 1, 512);
	rd_after->cmd.rw.opcode = nvme_cmd_read;
	rd_after->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(h_run(rd_after), H_PENDING);
	ck_assert_int_eq(h_be.nr_held, 2);
	ck_assert_uint_eq(h_status(p), H_PENDING);
	h_be_complete(0, 0); /* B's Write */
	ck_assert_uint_eq(h_status(w), 0);
	ck_assert_uint_eq(h_status(p), 0); /* B's Read is still held */
	ck_assert_uint_eq(h_status(rd_after), H_PENDING);
	h_be_complete(0, 0);
	ck_assert_uint_eq(h_status(rd_after), 0);
	h_be.decide = NULL;
	ck_assert_uint_eq(h_io(A, 1, nvme_cmd_read, 1, 0, 1, buf, sizeof(buf)), 0);
	h_req_free(w);
	h_req_free(p);
	h_req_free(rd_after);
}
END_TEST

/* Two Preempt and Aborts of B on its queue: the second waits for the
 * first's drain to end, then for what B's queue took between them; a
 * Write in between that completes first does not release either. */
START_TEST(test_resv_preempt_abort_twice)
{
	struct h_req *w1, *w2, *p1, *p2;

	a_holds_b_writes();
	h_be_use(1, false);
	h_be.decide = be_hold;
	w1 = held_write(B);
	p1 = acq_run(A, NVME_RESV_PREEMPT_ABORT, 3, KEY_A, KEY_B);
	ck_assert_uint_eq(h_status(p1), H_PENDING);
	h_be.decide = NULL;
	/* B registers again and writes (Write Exclusive Registrants Only) */
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B + 1), 0);
	h_be.decide = be_hold;
	w2 = held_write(B);
	p2 = acq_run(A, NVME_RESV_PREEMPT_ABORT, 3, KEY_A, KEY_B + 1);
	ck_assert_uint_eq(h_status(p2), H_PENDING);
	ck_assert_int_eq(h_be.nr_held, 2);
	h_be_complete(1, 0); /* w2 first */
	ck_assert_uint_eq(h_status(w2), 0);
	ck_assert_uint_eq(h_status(p1), H_PENDING);
	ck_assert_uint_eq(h_status(p2), H_PENDING);
	h_be_complete(0, 0); /* w1 */
	ck_assert_uint_eq(h_status(w1), 0);
	ck_assert_uint_eq(h_status(p1), 0);
	ck_assert_uint_eq(h_status(p2), 0);
	h_be.decide = NULL;
	ck_assert_uint_eq(cr_wr(B), CONFLICT);
	h_req_free(w1);
	h_req_free(w2);
	h_req_free(p1);
	h_req_free(p2);
}
END_TEST

/* A Compare of B's waiting for its fused Write would hold the drain until
 * B sent it: Preempt and Abort ends it with Command Aborted due to
 * Preempt and Abort, and completes. */
START_TEST(test_resv_preempt_abort_fused)
{
	struct h_req *c, *p;

	a_holds_b_writes();
	h_ns1_compare_write();
	c = h_req_new(B, 1, 512);
	c->cmd.rw.opcode = nvme_cmd_compare;
	c->cmd.rw.flags |= NVME_CMD_FUSE_FIRST;
	c->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(h_run(c), H_PENDING); /* waits for its second */
	p = acq_run(A, NVME_RESV_PREEMPT_ABORT, 3, KEY_A, KEY_B);
	ck_assert_uint_eq(h_status(c), NVME_SC_ABORTED_PREEMPT_ABORT);
	ck_assert_uint_eq(h_status(p), 0);
	ck_assert_uint_eq(cr_wr(B), CONFLICT);
	h_req_free(c);
	h_req_free(p);
}
END_TEST

/* B's association goes while its Write is held and A's Preempt and Abort
 * waits for it: the Acquire completes when the Write does (its queue is
 * gone by then); nothing is left behind (LeakSanitizer in the ASan
 * build). */
START_TEST(test_resv_preempt_abort_teardown)
{
	struct h_req *w, *p;

	a_holds_b_writes();
	h_be_use(1, false);
	h_be.decide = be_hold;
	w = held_write(B);
	p = acq_run(A, NVME_RESV_PREEMPT_ABORT, 3, KEY_A, KEY_B);
	h_be.decide = NULL;
	ck_assert_uint_eq(h_status(p), H_PENDING);
	h_assoc_stop(B);
	ck_assert_uint_eq(h_status(p), H_PENDING);
	h_be_complete(0, 0);
	h_assoc_destroy(B);
	ck_assert_uint_eq(h_status(p), 0);
	h_req_free(w);
	h_req_free(p);
}
END_TEST

Suite *core_resv_abort_suite(void)
{
	Suite *s = suite_create("core_resv_abort");
	TCase *tc = tcase_create("resv_abort");

	tcase_add_checked_fixture(tc, fixture_setup, h_teardown);
	tcase_add_test(tc, test_resv_preempt_abort_waits);
	tcase_add_test(tc, test_resv_preempt_abort_twice);
	tcase_add_test(tc, test_resv_preempt_abort_fused);
	tcase_add_test(tc, test_resv_preempt_abort_teardown);
	suite_add_tcase(s, tc);
	return s;
}
