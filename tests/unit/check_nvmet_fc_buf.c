// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the target transport's data buffers (nvmet_fc_buf.c):
 * one pool per hardware queue shared by the queues steered to it, of the
 * size nvmet_fc_set_data_buffers gives (and when it may be given), a
 * command with data that finds the pool empty ending with Command
 * Interrupted while commands without data go on, the buffer a command
 * released taken by the next one (of any queue on that hw queue), and a
 * queue of any size costing no data buffer.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "fcp_harness.h"
#include "suites_libfcnvme.h"

static uint64_t conn5;

/* 4 hw queues, a pool of nbufs 64 KiB buffers per hw queue, one
 * association from HH1 with I/O queues 1 and 5 (both on hw queue 0) of
 * 8 entries each. */
static void start_pool(uint32_t nbufs)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 64 * 1024,
		.max_queue_size = 64,
		.max_io_queues = 8,
	};

	fake_lldd_new(4, 256, 0, true, true);
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, 0), -EINVAL);
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, 65537), -EINVAL);
	ck_assert_int_eq(nvmet_fc_set_data_buffers(NULL, 4), -EINVAL);
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, nbufs), 0);
	fake_core_new(fake->tp, &cfg);
	/* bound: the pools exist */
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, nbufs + 1), -EBUSY);
	fh_assoc = fake_assoc(HH1, 2, 3);
	ck_assert_uint_ne(fh_assoc, 0);
	fh_conn = fake_conn(HH1, fh_assoc, 1, 1, 7);
	ck_assert_uint_eq(fh_conn, fh_assoc | 1);
	conn5 = fake_conn(HH1, fh_assoc, 1, 5, 7);
	ck_assert_uint_eq(conn5, fh_assoc | 5);
	fake->nrecs = 0;
}

static void teardown(void)
{
	fake_env_free();
}

/* A 4 KiB Read with command id cid on queue conn (hw queue 0). */
static struct fake_xchg *read_on(uint64_t conn, uint16_t cid)
{
	uint8_t iu[96];

	fake_build_cmd(iu, conn, 0x02, RD, 4096, cid);
	return fake_cmd(0, iu, sizeof(iu));
}

/* The status the command's ERSP carried (0 for a zero-filled RSP). */
static uint16_t status_of(const struct fake_xchg *x)
{
	unsigned int i;

	for (i = fake->nrecs; i-- > 0;) {
		const struct fake_rec *r = &fake->recs[i];
		uint16_t st;

		if (r->fcpreq != &x->req || r->call != FC_FCP_OP || r->op != NVMET_FCOP_RSP)
			continue;
		if (r->rsplen < 32)
			return 0;
		memcpy(&st, r->rsp + 16 + 14, sizeof(st));
		return (uint16_t)(le16toh(st) >> 1);
	}
	ck_abort_msg("no response for the exchange");
	return 0xffff;
}

/* Two buffers on hw queue 0, shared by queues 1 and 5: a third Read in
 * flight finds none and ends with Command Interrupted, without reaching
 * the core; a command without data still runs; once a Read completes, its
 * buffer serves the next one, on the other queue. */
START_TEST(test_pool_shared)
{
	struct fake_xchg *a, *b, *c, *d, *e;
	void *buf_a;

	start_pool(2);
	fcore->hold = true;
	fcore->read_fill = 0x3c;
	a = read_on(fh_conn, 1);
	b = read_on(conn5, 2);
	ck_assert_int_eq(a->rcv_rc, 0);
	ck_assert_int_eq(b->rcv_rc, 0);
	ck_assert_uint_eq(fcore->ninit, 2);
	c = read_on(fh_conn, 3);
	ck_assert_int_eq(c->rcv_rc, 0);
	ck_assert_uint_eq(fcore->ninit, 2); /* never reached the core */
	fh_expect_ops(c, "4R");		    /* RSP, release */
	ck_assert_uint_eq(status_of(c), NVME_SC_CMD_INTERRUPTED);
	ck_assert_uint_eq(status_of(c) & NVME_SC_DNR, 0); /* the host retries it */
	/* a Flush (no data) needs no buffer */
	d = fh_cmd(0x00, 0, 0, 4);
	ck_assert_int_eq(d->rcv_rc, 0);
	ck_assert_uint_eq(fcore->ninit, 3);
	/* a's Read completes: READDATA from its buffer, RSP, release */
	fake_core_complete(0);
	fh_expect_ops(a, "14R");
	buf_a = fake_nth(FC_FCP_OP, fake_count(FC_FCP_OP) - 2)->sg0;
	ck_assert_ptr_nonnull(buf_a);
	ck_assert_uint_eq(a->host[0], 0x3c);
	ck_assert_uint_eq(a->host[4095], 0x3c);
	/* the next Read, on queue 5, gets a's buffer (last in, first out) */
	fcore->hold = false;
	e = read_on(conn5, 5);
	ck_assert_int_eq(e->rcv_rc, 0);
	fh_expect_ops(e, "14R");
	ck_assert_ptr_eq(fake_nth(FC_FCP_OP, fake_count(FC_FCP_OP) - 2)->sg0, buf_a);
	ck_assert_uint_eq(status_of(e), 0);
	fake_core_complete_all();
}
END_TEST

/* A hw queue's pool is its own: with hw queue 0's two buffers held, a
 * Read on queue 2 (hw queue 1) still gets one. */
START_TEST(test_pool_per_hwq)
{
	struct fake_xchg *x;
	uint64_t conn2;
	uint8_t iu[96];

	start_pool(2);
	fcore->hold = true;
	ck_assert_int_eq(read_on(fh_conn, 1)->rcv_rc, 0);
	ck_assert_int_eq(read_on(conn5, 2)->rcv_rc, 0);
	conn2 = fake_conn(HH1, fh_assoc, 1, 2, 7);
	ck_assert_uint_eq(conn2, fh_assoc | 2);
	fake_build_cmd(iu, conn2, 0x02, RD, 4096, 3);
	x = fake_cmd(1, iu, sizeof(iu));
	ck_assert_int_eq(x->rcv_rc, 0);
	ck_assert_uint_eq(fcore->ninit, 3);
	fake_core_complete_all();
	fh_expect_ops(x, "14R");
	ck_assert_uint_eq(status_of(x), 0);
}
END_TEST

/* Queues cost no data buffers: with pools of 4 x 4 buffers of 64 KiB, an
 * association with 8 I/O queues of 1024 entries is created (their
 * entries' buffers would have been 512 MiB), and after unbinding, with
 * the associations gone, the pool size may change again. */
START_TEST(test_pool_queues_free)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 64 * 1024,
		.max_queue_size = 1024,
		.max_io_queues = 8,
	};
	uint64_t assoc;
	uint16_t q;

	fake_lldd_new(4, 256, 0, true, true);
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, 4), 0);
	fake_core_new(fake->tp, &cfg);
	assoc = fake_assoc(HH1, 2, 31);
	ck_assert_uint_ne(assoc, 0);
	for (q = 1; q <= 8; q++)
		ck_assert_uint_eq(fake_conn(HH1, assoc, 1, q, 1023), assoc | q);
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, 8), -EBUSY);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, NULL, NULL, NULL, NULL, NULL), 0);
	fake_pump();
	ck_assert_int_eq(nvmet_fc_set_data_buffers(fake->tp, 8), 0);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 0);
	assoc = fake_assoc(HH1, 2, 31);
	ck_assert_uint_ne(assoc, 0);
}
END_TEST

Suite *nvmet_fc_buf_suite(void)
{
	Suite *s = suite_create("nvmet_fc_buf");
	TCase *tc = tcase_create("buf");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_pool_shared);
	tcase_add_test(tc, test_pool_per_hwq);
	tcase_add_test(tc, test_pool_queues_free);
	suite_add_tcase(s, tc);
	return s;
}
