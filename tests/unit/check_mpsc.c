// SPDX-License-Identifier: Apache-2.0
/*
 * The lock-free MPSC completion list (daemon/backend/mpsc.h): every node
 * pushed by several producer threads is taken exactly once, each
 * producer's nodes in the order it pushed them.
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "backend/mpsc.h"
#include "core_harness.h"

#define MPSC_PRODUCERS 4
#define MPSC_PER       20000

struct mpsc_item {
	struct mpsc_node node;
	unsigned int producer, seq;
};

static struct mpsc_list mpsc_l;
static struct mpsc_item *mpsc_items;

static void *mpsc_producer(void *arg)
{
	unsigned int p = (unsigned int)(uintptr_t)arg, i;

	for (i = 0; i < MPSC_PER; i++)
		mpsc_push(&mpsc_l, &mpsc_items[p * MPSC_PER + i].node);
	return NULL;
}

START_TEST(test_mpsc_many_producers)
{
	pthread_t th[MPSC_PRODUCERS];
	unsigned int next[MPSC_PRODUCERS] = { 0 }, got = 0, p, i;
	struct mpsc_node *n;
	unsigned char *seen;

	mpsc_init(&mpsc_l);
	mpsc_items = calloc(MPSC_PRODUCERS * MPSC_PER, sizeof(*mpsc_items));
	seen = calloc(MPSC_PRODUCERS * MPSC_PER, 1);
	ck_assert_ptr_nonnull(mpsc_items);
	ck_assert_ptr_nonnull(seen);
	for (p = 0; p < MPSC_PRODUCERS; p++)
		for (i = 0; i < MPSC_PER; i++) {
			mpsc_items[p * MPSC_PER + i].producer = p;
			mpsc_items[p * MPSC_PER + i].seq = i;
		}
	ck_assert(mpsc_empty(&mpsc_l));
	ck_assert_ptr_null(mpsc_take_all(&mpsc_l));
	for (p = 0; p < MPSC_PRODUCERS; p++)
		ck_assert_int_eq(pthread_create(&th[p], NULL, mpsc_producer, (void *)(uintptr_t)p),
				 0);
	while (got < MPSC_PRODUCERS * MPSC_PER) {
		for (n = mpsc_take_all(&mpsc_l); n; n = n->next) {
			struct mpsc_item *it = (struct mpsc_item *)(void *)n;
			size_t idx = (size_t)(it - mpsc_items);

			ck_assert_uint_eq(seen[idx], 0); /* exactly once */
			seen[idx] = 1;
			ck_assert_uint_eq(it->seq, next[it->producer]); /* in order */
			next[it->producer]++;
			got++;
		}
	}
	for (p = 0; p < MPSC_PRODUCERS; p++)
		pthread_join(th[p], NULL);
	ck_assert(mpsc_empty(&mpsc_l));
	free(seen);
	free(mpsc_items);
}
END_TEST

Suite *core_mpsc_suite(void)
{
	Suite *s = suite_create("mpsc");
	TCase *tc = tcase_create("mpsc");

	tcase_add_test(tc, test_mpsc_many_producers);
	suite_add_tcase(s, tc);
	return s;
}
