// SPDX-License-Identifier: Apache-2.0
/*
 * The I/O thread's poll loop (daemon/io_thread.c) against a scripted hw
 * queue: which timeouts a hybrid thread sleeps with, how many polls it
 * spins between sleeps, and that work or a kick brings it back to the
 * short sleep after a spin phase; that an LLDD with batches gets the
 * backends' completions of each loop as one. The fake LLDD's wait returns at once
 * (as if each sleep timed out, or found work when told to), so the test
 * reads the loop's decisions, not the clock.
 */
#include <check.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/nvme_fc_driver.h>

#include "core_harness.h"
#include "daemon/io_thread.h"

#define MAX_WAITS 64

/* Written by the I/O thread, read by the test after io_thread_stop(). */
struct script {
	_Atomic unsigned int polls;	       /* poll calls so far */
	unsigned int polls_at_wait[MAX_WAITS]; /* polls before each wait */
	unsigned int timeout[MAX_WAITS];
	_Atomic unsigned int waits;
	/* test -> thread: poll returns 1 when polls equals work_at */
	_Atomic unsigned int work_at;
	/* test -> thread: wait returns 1 (work ready) at this wait index */
	_Atomic unsigned int ready_at;
	/* batch: opened and closed so far, one open now, and calls that
	 * came at the wrong time (open twice, close unopened, poll or wait
	 * inside a batch) */
	_Atomic unsigned int opens, closes, misplaced;
	_Atomic bool open;
};

static struct script S;

static int fake_poll(void *lldd, uint16_t hwq, unsigned int budget)
{
	unsigned int n = atomic_fetch_add(&S.polls, 1) + 1;

	(void)lldd, (void)hwq, (void)budget;
	if (atomic_load(&S.open))
		atomic_fetch_add(&S.misplaced, 1);
	return n == atomic_load(&S.work_at) ? 1 : 0;
}

static int fake_wait(void *lldd, uint16_t hwq, unsigned int timeout_us)
{
	unsigned int w = atomic_load(&S.waits);

	(void)lldd, (void)hwq;
	if (atomic_load(&S.open))
		atomic_fetch_add(&S.misplaced, 1);
	if (w < MAX_WAITS) {
		S.polls_at_wait[w] = atomic_load(&S.polls);
		S.timeout[w] = timeout_us;
		atomic_store(&S.waits, w + 1);
	} else {
		usleep(1000); /* enough recorded: idle until stopped */
	}
	return w == atomic_load(&S.ready_at) ? 1 : 0;
}

static void fake_kick(void *lldd, uint16_t hwq)
{
	(void)lldd, (void)hwq;
}

static void fake_batch(void *lldd, uint16_t hwq, bool open)
{
	(void)lldd, (void)hwq;
	if (atomic_exchange(&S.open, open) == open)
		atomic_fetch_add(&S.misplaced, 1);
	atomic_fetch_add(open ? &S.opens : &S.closes, 1);
}

/* Without the optional batch, and with it. */
static const struct fcnvme_hwq_ops fake_ops = { .poll = fake_poll,
						.wait = fake_wait,
						.kick = fake_kick };
static const struct fcnvme_hwq_ops fake_ops_batch = {
	.poll = fake_poll, .wait = fake_wait, .kick = fake_kick, .batch = fake_batch
};

/* Run a thread with ops until it has slept n times or max_ms passed. */
static void run_ops_until_waits(const struct fcnvme_hwq_ops *ops, enum io_poll_mode mode,
				unsigned int n, unsigned int max_ms)
{
	struct io_thread t;
	unsigned int i;

	ck_assert_int_eq(io_thread_start(&t, ops, &S, H->t, 0, -1, mode), 0);
	for (i = 0; i < max_ms && atomic_load(&S.waits) < n; i++)
		usleep(1000);
	io_thread_stop(&t);
}

static void run_until_waits(enum io_poll_mode mode, unsigned int n, unsigned int max_ms)
{
	run_ops_until_waits(&fake_ops, mode, n, max_ms);
}

static void s_setup(void)
{
	h_setup();
	memset(&S, 0, sizeof(S));
	S.ready_at = ~0u;
	S.work_at = ~0u;
}

/* Idle: one spin phase, then sleeps of 1, 2, 4 ... 64 ms with a single
 * poll between them, and 64 ms from then on. */
START_TEST(test_idle_backs_off)
{
	static const unsigned int want[] = { 1000,  2000,  4000,  8000, 16000,
					     32000, 64000, 64000, 64000 };
	unsigned int i;

	run_until_waits(IO_POLL_HYBRID, 9, 5000);
	ck_assert_uint_ge(S.waits, 9);
	ck_assert_uint_ge(S.polls_at_wait[0], 1000); /* spun before the first sleep */
	for (i = 0; i < 9; i++) {
		ck_assert_uint_eq(S.timeout[i], want[i]);
		if (i)
			ck_assert_uint_eq(S.polls_at_wait[i] - S.polls_at_wait[i - 1], 1);
	}
}
END_TEST

/* Work found by a poll after a long sleep: a spin phase again, and the
 * next sleep is the short one. */
START_TEST(test_work_resets)
{
	unsigned int i;

	/* How many polls the spin phase takes before the first sleep. */
	run_until_waits(IO_POLL_HYBRID, 1, 5000);
	ck_assert_uint_ge(S.waits, 1);
	{
		unsigned int base = S.polls_at_wait[0];

		memset(&S, 0, sizeof(S));
		S.ready_at = ~0u;
		/* polls before wait k (k >= 1) = base + k: work on the poll
		 * after wait 5 */
		S.work_at = base + 6;
	}
	run_until_waits(IO_POLL_HYBRID, 9, 5000);
	ck_assert_uint_ge(S.waits, 8);
	for (i = 1; i <= 5; i++)
		ck_assert_uint_eq(S.polls_at_wait[i] - S.polls_at_wait[i - 1], 1);
	ck_assert_uint_eq(S.timeout[5], 32000);
	/* after the work: a full spin phase, then 1 ms again */
	ck_assert_uint_ge(S.polls_at_wait[6] - S.polls_at_wait[5], 1000);
	ck_assert_uint_eq(S.timeout[6], 1000);
	ck_assert_uint_eq(S.timeout[7], 2000);
}
END_TEST

/* A wait that reports work (the CQ had entries) resets the timeout too. */
START_TEST(test_ready_wait_resets)
{
	S.ready_at = 3; /* the 8 ms sleep ends with work ready */
	run_until_waits(IO_POLL_HYBRID, 6, 5000);
	ck_assert_uint_ge(S.waits, 6);
	ck_assert_uint_eq(S.timeout[3], 8000);
	ck_assert_uint_ge(S.polls_at_wait[4] - S.polls_at_wait[3], 1000);
	ck_assert_uint_eq(S.timeout[4], 1000);
	ck_assert_uint_eq(S.timeout[5], 2000);
}
END_TEST

/* Busy polling never sleeps. */
START_TEST(test_busy_never_waits)
{
	run_until_waits(IO_POLL_BUSY, 1, 200);
	ck_assert_uint_eq(S.waits, 0);
	ck_assert_uint_gt(S.polls, 10000);
}
END_TEST

/* An LLDD with batches: each loop drains the backends' completions in
 * one batch, opened after the hw poll and closed before anything else
 * (the next poll, a sleep); the sleep policy is unchanged. */
START_TEST(test_backend_drain_is_one_batch)
{
	unsigned int polls;

	run_ops_until_waits(&fake_ops_batch, IO_POLL_HYBRID, 3, 5000);
	polls = atomic_load(&S.polls);
	ck_assert_uint_ge(S.waits, 3);
	ck_assert_uint_eq(S.misplaced, 0);
	ck_assert(!S.open);
	ck_assert_uint_eq(S.opens, S.closes);
	ck_assert_uint_eq(S.opens, polls); /* one batch per loop */
	ck_assert_uint_eq(S.timeout[0], 1000);
	ck_assert_uint_eq(S.timeout[1], 2000);
	ck_assert_uint_eq(S.timeout[2], 4000);
}
END_TEST

Suite *io_thread_suite(void)
{
	Suite *s = suite_create("io_thread");
	TCase *tc = tcase_create("poll_loop");

	tcase_add_checked_fixture(tc, s_setup, h_teardown);
	tcase_add_test(tc, test_idle_backs_off);
	tcase_add_test(tc, test_work_resets);
	tcase_add_test(tc, test_ready_wait_resets);
	tcase_add_test(tc, test_busy_never_waits);
	tcase_add_test(tc, test_backend_drain_is_one_batch);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
