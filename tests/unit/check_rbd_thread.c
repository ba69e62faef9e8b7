// SPDX-License-Identifier: Apache-2.0
/*
 * The rbd backend's completion hand-off (daemon/backend/rbd_thread.c),
 * without a cluster: completions pushed as librbd's callback does, the
 * I/O thread's sleep flag, and how often the thread is woken.
 */
#include "config.h"

#include <check.h>
#include <stdatomic.h>

#include "core_harness.h"

#ifdef HAVE_RBD
#include "backend/rbd_priv.h"

static atomic_int wakes;

static void count_wake(void *arg)
{
	(void)arg;
	atomic_fetch_add(&wakes, 1);
}

static int nwakes(void)
{
	return atomic_load(&wakes);
}

/* Take what the completions pushed and give their slots back. */
static unsigned int drain(void)
{
	struct mpsc_node *n, *next;
	unsigned int k = 0;

	for (n = mpsc_take_all(&rbd_thr->done); n; n = next) {
		next = n->next;
		rbd_slot_put(rbd_thr, (struct rbd_io *)(void *)n);
		k++;
	}
	return k;
}

/* Several completions while the thread sleeps: one wake (the first
 * callback's); every one is on the list. The next sleep is woken again. */
START_TEST(test_rbd_wake_once_per_sleep)
{
	struct backend_thread bt = { .wake = count_wake };
	struct rbd_io *io[4];
	unsigned int i;

	atomic_store(&wakes, 0);
	ck_assert_int_eq(rbd_thread_start(&bt), 0);
	for (i = 0; i < 4; i++) {
		io[i] = rbd_slot_get();
		ck_assert_ptr_nonnull(io[i]);
	}
	/* awake: a completion wakes nobody */
	rbd_thread_complete(io[0], 0);
	ck_assert_int_eq(nwakes(), 0);
	ck_assert_uint_eq(drain(), 1);
	io[0] = rbd_slot_get();
	/* asleep: three completions, one wake */
	ck_assert_int_eq(rbd_thread_sleep(true), 0);
	rbd_thread_complete(io[0], 0);
	rbd_thread_complete(io[1], -5);
	rbd_thread_complete(io[2], 4096);
	ck_assert_int_eq(nwakes(), 1);
	rbd_thread_sleep(false);
	ck_assert_uint_eq(drain(), 3);
	ck_assert_int_eq(io[1]->ret, -5);
	ck_assert_int_eq(io[2]->ret, 4096);
	/* the next sleep is woken by its first completion */
	ck_assert_int_eq(rbd_thread_sleep(true), 0);
	rbd_thread_complete(io[3], 0);
	ck_assert_int_eq(nwakes(), 2);
	rbd_thread_sleep(false);
	ck_assert_uint_eq(drain(), 1);
	ck_assert_uint_eq(rbd_thr->inflight, 0);
	rbd_thread_stop();
	ck_assert_ptr_null(rbd_thr);
}
END_TEST
#endif

Suite *rbd_thread_suite(void)
{
	Suite *s = suite_create("rbd_thread");
	TCase *tc = tcase_create("wake");

#ifdef HAVE_RBD
	tcase_add_test(tc, test_rbd_wake_once_per_sleep);
#endif
	suite_add_tcase(s, tc);
	return s;
}
