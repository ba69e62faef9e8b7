// SPDX-License-Identifier: Apache-2.0
/*
 * io_ring and inbox: ordering, full/empty edges, and a multi-producer run in
 * which every message is delivered exactly once.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/inbox.h"
#include "daemon/io_ring.h"
#include "suites_daemon_io.h"

static unsigned int order_log[16];
static unsigned int order_n;

static void record(void *arg)
{
	order_log[order_n++] = (unsigned int)(uintptr_t)arg;
}

START_TEST(test_ring_fifo_and_full)
{
	struct io_ring r;
	struct io_msg m;
	unsigned int i;

	ck_assert_int_eq(io_ring_init(&r, 3), -EINVAL);
	ck_assert_int_eq(io_ring_init(&r, 8), 0);
	ck_assert(!io_ring_pop(&r, &m));
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(io_ring_push(&r, record, (void *)(uintptr_t)i), 0);
	ck_assert_int_eq(io_ring_push(&r, record, NULL), -EAGAIN);
	order_n = 0;
	ck_assert_uint_eq(io_ring_run(&r, 3), 3);
	/* room again after consuming, and order is kept across the wrap */
	ck_assert_int_eq(io_ring_push(&r, record, (void *)(uintptr_t)8), 0);
	ck_assert_uint_eq(io_ring_run(&r, 100), 6);
	ck_assert_uint_eq(order_n, 9);
	for (i = 0; i < 9; i++)
		ck_assert_uint_eq(order_log[i], i);
	io_ring_fini(&r);
}
END_TEST

#define NPROD	 4
#define PER_PROD 200000

struct mp_ctx {
	struct io_ring *r;
	unsigned int id;
};

static uint8_t *seen;

static void mark(void *arg)
{
	uintptr_t v = (uintptr_t)arg;

	seen[v]++;
}

static void *producer(void *arg)
{
	struct mp_ctx *c = arg;
	uintptr_t i;

	for (i = 0; i < PER_PROD; i++) {
		uintptr_t v = (uintptr_t)c->id * PER_PROD + i;

		while (io_ring_push(c->r, mark, (void *)v) == -EAGAIN)
			sched_yield();
	}
	return NULL;
}

START_TEST(test_ring_multi_producer_exactly_once)
{
	struct mp_ctx ctx[NPROD];
	pthread_t tid[NPROD];
	struct io_ring r;
	unsigned int i, got = 0;

	seen = calloc(NPROD * PER_PROD, 1);
	ck_assert_ptr_nonnull(seen);
	ck_assert_int_eq(io_ring_init(&r, 1024), 0);
	for (i = 0; i < NPROD; i++) {
		ctx[i].r = &r;
		ctx[i].id = i;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, producer, &ctx[i]), 0);
	}
	while (got < NPROD * PER_PROD)
		got += io_ring_run(&r, 256);
	for (i = 0; i < NPROD; i++)
		pthread_join(tid[i], NULL);
	ck_assert_uint_eq(io_ring_run(&r, 10), 0);
	for (i = 0; i < NPROD * PER_PROD; i++)
		ck_assert_msg(seen[i] == 1, "message %u seen %u times", i, seen[i]);
	io_ring_fini(&r);
	free(seen);
}
END_TEST

static int inbox_hits;
static struct event_base *inbox_base;

static void inbox_hit(void *arg)
{
	(void)arg;
	if (++inbox_hits == 3)
		event_base_loopbreak(inbox_base);
}

static void *inbox_poster(void *arg)
{
	struct inbox *ib = arg;
	int i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(inbox_post(ib, inbox_hit, NULL), 0);
	return NULL;
}

START_TEST(test_inbox_wakes_event_loop)
{
	struct inbox ib;
	pthread_t tid;

	inbox_base = event_base_new();
	ck_assert_ptr_nonnull(inbox_base);
	ck_assert_int_eq(inbox_open(&ib, inbox_base), 0);
	inbox_hits = 0;
	ck_assert_int_eq(pthread_create(&tid, NULL, inbox_poster, &ib), 0);
	ck_assert_int_eq(event_base_dispatch(inbox_base), 0);
	pthread_join(tid, NULL);
	ck_assert_int_eq(inbox_hits, 3);
	inbox_close(&ib);
	event_base_free(inbox_base);
}
END_TEST

Suite *io_ring_suite(void)
{
	Suite *s = suite_create("io_ring");
	TCase *tc = tcase_create("ring");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ring_fifo_and_full);
	tcase_add_test(tc, test_ring_multi_producer_exactly_once);
	tcase_add_test(tc, test_inbox_wakes_event_loop);
	suite_add_tcase(s, tc);
	return s;
}
