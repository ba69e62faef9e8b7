// SPDX-License-Identifier: Apache-2.0
/*
 * Check runner for the initiator tool's own logic (tools/): the block-range
 * lock that serialises `fcnvme mount`'s read-modify-writes
 * (tools/fcnvme_rlock.c). Exact grant decisions first, then a model of the
 * mount's writes on a small block store: partial writes of disjoint bytes
 * that share blocks, run as read-modify-write in random interleavings,
 * must all survive (and do not without the lock).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fcnvme_rlock.h"

static struct fcnvme_rlock rl;
static struct fcnvme_rlock_range ra, rb, rc, rd;
static struct fcnvme_rlock_list granted;

static void rl_setup(void)
{
	fcnvme_rlock_init(&rl);
	TAILQ_INIT(&granted);
	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	memset(&rc, 0, sizeof(rc));
	memset(&rd, 0, sizeof(rd));
}

static unsigned int nr_granted(void)
{
	struct fcnvme_rlock_range *e;
	unsigned int n = 0;

	TAILQ_FOREACH (e, &granted, grant)
		n++;
	return n;
}

START_TEST(test_rlock_conflict_rule)
{
	struct fcnvme_rlock_range a = { .start = 4, .end = 6 }, b = { .start = 5, .end = 6 };

	ck_assert(!fcnvme_rlock_conflict(&a, &b)); /* two whole-block writes */
	b.excl = true;
	ck_assert(fcnvme_rlock_conflict(&a, &b));
	ck_assert(fcnvme_rlock_conflict(&b, &a));
	a.excl = true;
	ck_assert(fcnvme_rlock_conflict(&a, &b));
	b.start = 6; /* adjacent, no common block */
	b.end = 8;
	ck_assert(!fcnvme_rlock_conflict(&a, &b));
	b.start = 3; /* [3, 4) ends where a starts */
	b.end = 4;
	ck_assert(!fcnvme_rlock_conflict(&a, &b));
	b.end = 5;
	ck_assert(fcnvme_rlock_conflict(&a, &b));
}
END_TEST

START_TEST(test_rlock_two_rmw_same_block)
{
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 10, 1, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rb, 10, 1, true));
	ck_assert(ra.held);
	ck_assert(!rb.held);
	ck_assert_uint_eq(rl.nr_held, 1);
	ck_assert_uint_eq(rl.nr_waiting, 1);
	fcnvme_rlock_release(&rl, &ra, &granted);
	ck_assert_uint_eq(nr_granted(), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rb);
	ck_assert(rb.held);
	ck_assert(!ra.queued);
	ck_assert_uint_eq(rl.nr_held, 1);
	ck_assert_uint_eq(rl.nr_waiting, 0);
	TAILQ_INIT(&granted);
	fcnvme_rlock_release(&rl, &rb, &granted);
	ck_assert_uint_eq(nr_granted(), 0);
	ck_assert_uint_eq(rl.nr_held, 0);
	ck_assert(TAILQ_EMPTY(&rl.ranges));
}
END_TEST

START_TEST(test_rlock_whole_block_writes_share)
{
	/* the fast path: aligned writes overlapping no rmw start at once,
	 * even when they overlap each other */
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 0, 8, false));
	ck_assert(fcnvme_rlock_acquire(&rl, &rb, 4, 8, false));
	ck_assert(fcnvme_rlock_acquire(&rl, &rc, 7, 1, false));
	ck_assert_uint_eq(rl.nr_held, 3);
	ck_assert_uint_eq(rl.nr_waiting, 0);
	/* and rmws on other blocks too */
	ck_assert(fcnvme_rlock_acquire(&rl, &rd, 12, 2, true));
	ck_assert_uint_eq(rl.nr_held, 4);
}
END_TEST

START_TEST(test_rlock_plain_waits_for_rmw)
{
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 3, 2, true));	 /* rmw [3,5) */
	ck_assert(!fcnvme_rlock_acquire(&rl, &rb, 4, 4, false)); /* plain [4,8) */
	ck_assert(fcnvme_rlock_acquire(&rl, &rc, 5, 3, false));	 /* plain [5,8) */
	fcnvme_rlock_release(&rl, &ra, &granted);
	ck_assert_uint_eq(nr_granted(), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rb);
}
END_TEST

START_TEST(test_rlock_rmw_waits_for_plain)
{
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 0, 16, false)); /* plain [0,16) */
	ck_assert(!fcnvme_rlock_acquire(&rl, &rb, 15, 2, true)); /* rmw [15,17) */
	ck_assert(fcnvme_rlock_acquire(&rl, &rc, 17, 1, true));	 /* rmw [17,18) */
	fcnvme_rlock_release(&rl, &rc, &granted);
	ck_assert_uint_eq(nr_granted(), 0);
	ck_assert(!rb.held);
	fcnvme_rlock_release(&rl, &ra, &granted);
	ck_assert_uint_eq(nr_granted(), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rb);
	ck_assert_uint_eq(rl.nr_held, 1);
	ck_assert_uint_eq(rl.nr_waiting, 0);
}
END_TEST

START_TEST(test_rlock_arrival_order)
{
	/* a [0,1) held; b [0,2) waits for a; c [1,2) conflicts only with b,
	 * which came first: c waits for b, and is granted after it */
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 0, 1, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rb, 0, 2, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rc, 1, 1, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rd, 1, 1, false));
	ck_assert_uint_eq(rl.nr_waiting, 3);
	fcnvme_rlock_release(&rl, &ra, &granted);
	ck_assert_uint_eq(nr_granted(), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rb);
	TAILQ_INIT(&granted);
	fcnvme_rlock_release(&rl, &rb, &granted);
	ck_assert_uint_eq(nr_granted(), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rc);
	TAILQ_INIT(&granted);
	fcnvme_rlock_release(&rl, &rc, &granted);
	ck_assert_uint_eq(nr_granted(), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rd);
	ck_assert_uint_eq(rl.nr_held, 1);
	ck_assert_uint_eq(rl.nr_waiting, 0);
}
END_TEST

START_TEST(test_rlock_release_grants_several_in_order)
{
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 0, 4, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rb, 0, 1, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rc, 3, 1, false));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rd, 0, 1, false)); /* behind b */
	fcnvme_rlock_release(&rl, &ra, &granted);
	ck_assert_uint_eq(nr_granted(), 2);
	ck_assert_ptr_eq(TAILQ_FIRST(&granted), &rb);
	ck_assert_ptr_eq(TAILQ_NEXT(&rb, grant), &rc);
	ck_assert(!rd.held);
	ck_assert_uint_eq(rl.nr_held, 2);
	ck_assert_uint_eq(rl.nr_waiting, 1);
}
END_TEST

START_TEST(test_rlock_release_waiting_and_unqueued)
{
	ck_assert(fcnvme_rlock_acquire(&rl, &ra, 0, 1, true));
	ck_assert(!fcnvme_rlock_acquire(&rl, &rb, 0, 1, true));
	fcnvme_rlock_release(&rl, &rb, &granted); /* gives up waiting */
	ck_assert_uint_eq(nr_granted(), 0);
	ck_assert_uint_eq(rl.nr_waiting, 0);
	ck_assert_uint_eq(rl.nr_held, 1);
	fcnvme_rlock_release(&rl, &rb, &granted); /* twice: nothing */
	fcnvme_rlock_release(&rl, &rc, &granted); /* never queued */
	ck_assert_uint_eq(rl.nr_held, 1);
	fcnvme_rlock_release(&rl, &ra, &granted);
	ck_assert_uint_eq(nr_granted(), 0);
	ck_assert(TAILQ_EMPTY(&rl.ranges));
}
END_TEST

/* ---- the mount's writes, modelled ---------------------------------------- */

#define M_BS	 16 /* bytes per block */
#define M_NB	 12 /* blocks */
#define M_MAXW	 (M_NB * M_BS)
#define M_QD	 8 /* writes in flight */
#define M_ROUNDS 300

enum m_stage {
	M_WAIT,
	M_READ,
	M_WRITE,
	M_DONE
};

struct m_write {
	struct fcnvme_rlock_range r;
	unsigned int off, len; /* bytes */
	unsigned int slba, nb;
	bool rmw;
	enum m_stage stage;
	unsigned char tag;
	unsigned char buf[M_NB * M_BS];
};

/*
 * One round: cut the store into writes of random disjoint byte ranges
 * (fio's verify pattern: no two writes share a byte, many share a block),
 * issue them M_QD at a time in random order and run their steps (the rmw
 * read, the write-back) in a random interleaving; with_lock says whether a
 * write must hold its blocks first, as `fcnvme mount` does. Returns how
 * many writes lost bytes.
 */
static unsigned int m_round(bool with_lock)
{
	static struct m_write w[M_MAXW];
	unsigned char store[M_NB * M_BS];
	struct fcnvme_rlock lock;
	struct fcnvme_rlock_list gl;
	struct fcnvme_rlock_range *g;
	unsigned int nw = 0, pos = 0, i, issued = 0, done = 0, lost = 0;
	unsigned int run[M_QD], nrun;

	memset(store, 0, sizeof(store));
	fcnvme_rlock_init(&lock);
	while (pos < M_NB * M_BS) {
		unsigned int len = 1 + (unsigned int)rand() % (3 * M_BS);

		if (len > M_NB * M_BS - pos)
			len = M_NB * M_BS - pos;
		if (rand() % 4 == 0 && pos % M_BS == 0 && len >= M_BS)
			len -= len % M_BS; /* some whole-block writes */
		memset(&w[nw], 0, sizeof(w[nw]));
		w[nw].off = pos;
		w[nw].len = len;
		w[nw].slba = pos / M_BS;
		w[nw].nb = (pos + len + M_BS - 1) / M_BS - w[nw].slba;
		w[nw].rmw = pos % M_BS || (pos + len) % M_BS;
		w[nw].tag = (unsigned char)(1 + nw % 250);
		pos += len;
		nw++;
	}
	for (i = nw - 1; i > 0; i--) { /* random arrival order */
		unsigned int j = (unsigned int)rand() % (i + 1);
		struct m_write t = w[i];

		w[i] = w[j];
		w[j] = t;
	}
	while (done < nw) {
		while (issued < nw && issued - done < M_QD) {
			struct m_write *x = &w[issued++];
			bool go = true;

			if (with_lock)
				go = fcnvme_rlock_acquire(&lock, &x->r, x->slba, x->nb, x->rmw);
			x->stage = go ? (x->rmw ? M_READ : M_WRITE) : M_WAIT;
		}
		nrun = 0;
		for (i = 0; i < issued; i++)
			if ((w[i].stage == M_READ || w[i].stage == M_WRITE) && nrun < M_QD)
				run[nrun++] = i;
		ck_assert_uint_gt(nrun, 0); /* never stuck */
		{
			struct m_write *x = &w[run[(unsigned int)rand() % nrun]];
			unsigned char *blk = store + x->slba * M_BS;

			if (x->stage == M_READ) {
				memcpy(x->buf, blk, x->nb * M_BS);
				x->stage = M_WRITE;
				continue;
			}
			memset(x->buf + (x->off - x->slba * M_BS), x->tag, x->len);
			memcpy(blk, x->buf, x->nb * M_BS);
			x->stage = M_DONE;
			done++;
			if (!with_lock)
				continue;
			TAILQ_INIT(&gl);
			fcnvme_rlock_release(&lock, &x->r, &gl);
			TAILQ_FOREACH (g, &gl, grant) {
				struct m_write *y = (struct m_write *)(void *)g;

				ck_assert_uint_eq(y->stage, M_WAIT);
				y->stage = y->rmw ? M_READ : M_WRITE;
			}
		}
	}
	for (i = 0; i < nw; i++) {
		unsigned int k;

		for (k = 0; k < w[i].len && store[w[i].off + k] == w[i].tag; k++)
			;
		lost += k < w[i].len;
	}
	if (with_lock) {
		ck_assert(TAILQ_EMPTY(&lock.ranges));
		ck_assert_uint_eq(lock.nr_held, 0);
	}
	return lost;
}

START_TEST(test_rlock_model_no_lost_write)
{
	unsigned int r;

	srand(4242);
	for (r = 0; r < M_ROUNDS; r++)
		ck_assert_uint_eq(m_round(true), 0);
}
END_TEST

START_TEST(test_rlock_model_loses_writes_without_lock)
{
	unsigned int r, lost = 0;

	/* the model sees the bug the lock fixes (so the test above means
	 * something) */
	srand(4242);
	for (r = 0; r < M_ROUNDS; r++)
		lost += m_round(false);
	ck_assert_uint_gt(lost, 0);
}
END_TEST

static Suite *rlock_suite(void)
{
	Suite *s = suite_create("rlock");
	TCase *tc = tcase_create("grant");

	tcase_add_checked_fixture(tc, rl_setup, NULL);
	tcase_add_test(tc, test_rlock_conflict_rule);
	tcase_add_test(tc, test_rlock_two_rmw_same_block);
	tcase_add_test(tc, test_rlock_whole_block_writes_share);
	tcase_add_test(tc, test_rlock_plain_waits_for_rmw);
	tcase_add_test(tc, test_rlock_rmw_waits_for_plain);
	tcase_add_test(tc, test_rlock_arrival_order);
	tcase_add_test(tc, test_rlock_release_grants_several_in_order);
	tcase_add_test(tc, test_rlock_release_waiting_and_unqueued);
	suite_add_tcase(s, tc);
	tc = tcase_create("model");
	tcase_add_test(tc, test_rlock_model_no_lost_write);
	tcase_add_test(tc, test_rlock_model_loses_writes_without_lock);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rlock_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
