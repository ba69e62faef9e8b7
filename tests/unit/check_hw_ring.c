// SPDX-License-Identifier: Apache-2.0
/*
 * Ring tests: order and exact bytes across wrap-around, full ring, many
 * producers with one consumer (every entry seen exactly once), and the
 * interrupt emulation (arm/sleep/notify/kick, timeouts), also over several
 * rings at once (hw_ring_wait_any, a host port's CQs).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>

#include "check_hw.h"
#include "hw_fabric.h"
#include "hw_ring.h"

struct ent {
	_Atomic uint64_t seq;
	uint32_t val;
	uint8_t bytes[20];
};

struct rt {
	struct hw_ring r;
	_Alignas(64) struct ent e[256];
};

static struct rt *rt_new(uint32_t n)
{
	struct rt *t = aligned_alloc(64, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	memset(t, 0, sizeof(*t));
	hw_ring_init(t, &t->r, offsetof(struct rt, e), n, sizeof(struct ent));
	return t;
}

START_TEST(test_ring_order_full_wrap)
{
	struct rt *t = rt_new(8);
	struct ent in, *out;
	uint32_t i, round;

	for (round = 0; round < 5; round++) {
		for (i = 0; i < 8; i++) {
			memset(&in, 0, sizeof(in));
			in.val = round * 100 + i;
			memset(in.bytes, (int)(i + round), sizeof(in.bytes));
			ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), 0);
		}
		in.val = 999;
		ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), -EAGAIN);
		ck_assert_uint_eq(hw_ring_fill(&t->r), 8);
		for (i = 0; i < 8; i++) {
			uint8_t want[20];

			out = hw_ring_peek(t, &t->r);
			ck_assert_ptr_nonnull(out);
			ck_assert_uint_eq(out->val, round * 100 + i);
			memset(want, (int)(i + round), sizeof(want));
			ck_assert_mem_eq(out->bytes, want, sizeof(want));
			hw_ring_pop(&t->r, out);
		}
		ck_assert(hw_ring_empty(t, &t->r));
		ck_assert_ptr_null(hw_ring_peek(t, &t->r));
	}
	free(t);
}
END_TEST

/* A ring whose memory is damaged (a peer's region scribbled over) is an
 * error, not a wait: a slot ahead of a tail that does not move gives
 * -EPROTO at once instead of spinning; a full ring is still -EAGAIN; once
 * the slot is sane again, posting works. */
START_TEST(test_ring_corrupt_is_an_error)
{
	struct rt *t = rt_new(8);
	struct ent in;

	memset(&in, 0, sizeof(in));
	ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), 0);
	/* the next slot claims a later lap than the tail */
	atomic_store(&t->e[1].seq, 12345);
	ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), -EPROTO);
	ck_assert_uint_eq(atomic_load(&t->r.tail), 1);
	/* a sane slot again */
	atomic_store(&t->e[1].seq, 1);
	ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), 0);
	/* a tail far behind what the slots say */
	atomic_store(&t->r.tail, 0);
	ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), -EPROTO);
	free(t);
}
END_TEST

/* The single-producer post (a host hw queue's WQ): same order, fill,
 * wrap-around and -EAGAIN as hw_ring_post, and a slot whose sequence word
 * is ahead of the tail is -EPROTO at once (no other producer can have
 * moved the tail), the tail left where it was. */
START_TEST(test_ring_post_sp)
{
	struct rt *t = rt_new(8);
	struct ent in, *out;
	uint32_t i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 8; i++) {
			memset(&in, 0, sizeof(in));
			in.val = round * 100 + i;
			ck_assert_int_eq(hw_ring_post_sp(t, &t->r, &in, sizeof(in)), 0);
		}
		ck_assert_int_eq(hw_ring_post_sp(t, &t->r, &in, sizeof(in)), -EAGAIN);
		ck_assert_uint_eq(hw_ring_fill(&t->r), 8);
		for (i = 0; i < 8; i++) {
			out = hw_ring_peek(t, &t->r);
			ck_assert_ptr_nonnull(out);
			ck_assert_uint_eq(out->val, round * 100 + i);
			hw_ring_pop(&t->r, out);
		}
		ck_assert(hw_ring_empty(t, &t->r));
	}
	ck_assert_int_eq(hw_ring_post_sp(t, &t->r, &in, sizeof(in) + 1000), -EINVAL);
	/* tail 24: slot 0 claims a later lap */
	atomic_store(&t->e[0].seq, 12345);
	ck_assert_int_eq(hw_ring_post_sp(t, &t->r, &in, sizeof(in)), -EPROTO);
	ck_assert_uint_eq(atomic_load(&t->r.tail), 24);
	atomic_store(&t->e[0].seq, 24);
	in.val = 7;
	ck_assert_int_eq(hw_ring_post_sp(t, &t->r, &in, sizeof(in)), 0);
	out = hw_ring_peek(t, &t->r);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out->val, 7);
	free(t);
}
END_TEST

/* hw_ring_post_sp_geo (the target's WQ, hw_tgt_post): the geometry comes
 * from the private copy g, so a region whose header was rewritten (a huge
 * ring of huge entries far away) still gets its entries inside the ring it
 * was laid out as; the size check is against g's esize; the tail is moved
 * by one per post, no more. */
START_TEST(test_ring_post_sp_geo)
{
	struct rt *t = rt_new(4);
	struct hw_ring g = t->r;
	struct ent in, *out;
	uint32_t i;

	t->r.entries = 1u << 30;
	t->r.esize = 1u << 20;
	t->r.off = 1ull << 40;
	for (i = 0; i < 4; i++) {
		memset(&in, 0, sizeof(in));
		in.val = 50 + i;
		ck_assert_int_eq(hw_ring_post_sp_geo(t, &t->r, &g, &in, sizeof(in)), 0);
		ck_assert_uint_eq(atomic_load(&t->r.tail), i + 1);
		ck_assert_uint_eq(atomic_load(&t->e[i].seq), i + 1);
		ck_assert_uint_eq(t->e[i].val, 50 + i);
	}
	ck_assert_int_eq(hw_ring_post_sp_geo(t, &t->r, &g, &in, sizeof(in)), -EAGAIN);
	ck_assert_int_eq(hw_ring_post_sp_geo(t, &t->r, &g, &in, sizeof(in) + 1), -EINVAL);
	for (i = 0; i < 4; i++) {
		out = hw_ring_peek_geo(t, &t->r, &g);
		ck_assert_ptr_eq(out, &t->e[i]);
		ck_assert_uint_eq(out->val, 50 + i);
		hw_ring_pop_geo(&t->r, &g, out);
	}
	/* tail rewritten behind the consumer: slot 0 already holds lap 1 */
	atomic_store(&t->r.tail, 0);
	ck_assert_int_eq(hw_ring_post_sp_geo(t, &t->r, &g, &in, sizeof(in)), -EPROTO);
	ck_assert_uint_eq(atomic_load(&t->r.tail), 0);
	free(t);
}
END_TEST

/* Flow control without the consumer's line: hw_ring_fill_reaches agrees
 * with hw_ring_fill at every fill level, across wrap-around, and refreshes
 * head_seen only when the value seen earlier no longer proves the answer. */
START_TEST(test_ring_fill_reaches)
{
	struct rt *t = rt_new(8);
	struct ent in, *out;
	uint32_t i, round;

	memset(&in, 0, sizeof(in));
	ck_assert(!hw_ring_fill_reaches(&t->r, 4));
	for (round = 0; round < 4; round++) {
		for (i = 0; i < 8; i++) {
			ck_assert_int_eq(hw_ring_fill_reaches(&t->r, 4), i >= 4);
			ck_assert_int_eq(hw_ring_fill_reaches(&t->r, 4), hw_ring_fill(&t->r) >= 4);
			ck_assert_int_eq(hw_ring_post(t, &t->r, &in, sizeof(in)), 0);
		}
		ck_assert(hw_ring_fill_reaches(&t->r, 8));
		/* The last slow-path read saw the head of this round. */
		ck_assert_uint_eq(atomic_load(&t->r.head_seen), round * 8u);
		for (i = 0; i < 8; i++) {
			out = hw_ring_peek(t, &t->r);
			ck_assert_ptr_nonnull(out);
			hw_ring_pop(&t->r, out);
			ck_assert_int_eq(hw_ring_fill_reaches(&t->r, 4), 7 - i >= 4);
		}
		ck_assert(!hw_ring_fill_reaches(&t->r, 1));
	}
	/* A stale head_seen only ever makes the check read head again. */
	atomic_store(&t->r.head_seen, 0);
	ck_assert(!hw_ring_fill_reaches(&t->r, 4));
	ck_assert_uint_eq(atomic_load(&t->r.head_seen), 32);
	free(t);
}
END_TEST

#define MP_THREADS 4
#define MP_EACH	   20000

struct mp {
	struct rt *t;
	uint32_t id;
};

static void *producer(void *arg)
{
	struct mp *m = arg;
	struct ent e;
	uint32_t i;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < MP_EACH; i++) {
		e.val = m->id * MP_EACH + i;
		while (hw_ring_post(m->t, &m->t->r, &e, sizeof(e)) == -EAGAIN)
			hw_ring_notify(&m->t->r);
		hw_ring_notify(&m->t->r);
	}
	return NULL;
}

START_TEST(test_ring_many_producers)
{
	struct rt *t = rt_new(256);
	pthread_t th[MP_THREADS];
	struct mp m[MP_THREADS];
	uint32_t next[MP_THREADS] = { 0 };
	uint8_t *seen = calloc(MP_THREADS * MP_EACH, 1);
	uint32_t got = 0, i;

	for (i = 0; i < MP_THREADS; i++) {
		m[i].t = t;
		m[i].id = i;
		pthread_create(&th[i], NULL, producer, &m[i]);
	}
	while (got < MP_THREADS * MP_EACH) {
		struct ent *e = hw_ring_peek(t, &t->r);

		if (!e) {
			hw_ring_wait(t, &t->r, 1000);
			continue;
		}
		ck_assert_uint_lt(e->val, MP_THREADS * MP_EACH);
		ck_assert_uint_eq(seen[e->val], 0);
		seen[e->val] = 1;
		/* per producer, FIFO order */
		ck_assert_uint_eq(e->val % MP_EACH, next[e->val / MP_EACH]);
		next[e->val / MP_EACH]++;
		hw_ring_pop(&t->r, e);
		got++;
	}
	for (i = 0; i < MP_THREADS; i++)
		pthread_join(th[i], NULL);
	ck_assert(hw_ring_empty(t, &t->r));
	free(seen);
	free(t);
}
END_TEST

static void *late_post(void *arg)
{
	struct rt *t = arg;
	struct ent e;

	memset(&e, 0, sizeof(e));
	e.val = 77;
	usleep(50000);
	hw_ring_post(t, &t->r, &e, sizeof(e));
	hw_ring_notify(&t->r);
	return NULL;
}

START_TEST(test_ring_wait_notify)
{
	struct rt *t = rt_new(8);
	struct ent e;
	pthread_t th;
	uint64_t t0;

	/* not armed: notify wakes nobody */
	ck_assert(!hw_ring_notify(&t->r));
	/* empty, no sleep */
	ck_assert_int_eq(hw_ring_wait(t, &t->r, 0), 0);
	/* times out */
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait(t, &t->r, 20000), 0);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 15000000u);
	ck_assert_uint_eq(atomic_load(&t->r.armed), 0);
	/* woken by a producer well before the 5 s timeout */
	pthread_create(&th, NULL, late_post, t);
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait(t, &t->r, 5000000), 1);
	ck_assert_uint_lt(fcnvme_clock_ns() - t0, 2000000000u);
	pthread_join(th, NULL);
	/* ready entries: returns at once */
	ck_assert_int_eq(hw_ring_wait(t, &t->r, 5000000), 1);
	memset(&e, 0, sizeof(e));
	hw_ring_pop(&t->r, hw_ring_peek(t, &t->r));
	free(t);
}
END_TEST

/* Three rings in one region, as a host port's CQs. */
struct rt3 {
	struct hw_ring r[3];
	_Alignas(64) struct ent e[3][8];
};

struct late3 {
	struct rt3 *t;
	unsigned int ring;
};

static void *late_post3(void *arg)
{
	struct late3 *l = arg;
	struct ent e;

	memset(&e, 0, sizeof(e));
	e.val = 99;
	usleep(50000);
	(void)hw_ring_post(l->t, &l->t->r[l->ring], &e, sizeof(e)); /* the sleeper checks it */
	hw_ring_notify(&l->t->r[l->ring]);
	return NULL;
}

START_TEST(test_ring_wait_any)
{
	struct rt3 *t = aligned_alloc(64, sizeof(*t));
	struct hw_ring *rs[HW_RING_WAIT_MAX + 1];
	struct late3 l;
	struct ent e;
	pthread_t th;
	uint64_t t0;
	unsigned int i;

	ck_assert_ptr_nonnull(t);
	memset(t, 0, sizeof(*t));
	for (i = 0; i < 3; i++) {
		hw_ring_init(t, &t->r[i], offsetof(struct rt3, e) + i * sizeof(t->e[0]), 8,
			     sizeof(struct ent));
		rs[i] = &t->r[i];
	}
	ck_assert_int_eq(hw_ring_wait_any(t, rs, 0, 1000), -EINVAL);
	for (i = 3; i <= HW_RING_WAIT_MAX; i++)
		rs[i] = &t->r[0];
	ck_assert_int_eq(hw_ring_wait_any(t, rs, HW_RING_WAIT_MAX + 1, 1000), -EINVAL);
	/* empty, no sleep */
	ck_assert_int_eq(hw_ring_wait_any(t, rs, 3, 0), 0);
	/* nothing comes: times out, every ring disarmed */
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait_any(t, rs, 3, 20000), 0);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 15000000u);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(atomic_load(&t->r[i].armed), 0);
	/* a post into the last ring wakes the sleeper well before 5 s, and
	 * the sleep was a real one (the post comes 50 ms late: counted from
	 * before the thread is created, which can take tens of ms under
	 * TSan on a busy machine) */
	l.t = t;
	l.ring = 2;
	t0 = fcnvme_clock_ns();
	pthread_create(&th, NULL, late_post3, &l);
	ck_assert_int_eq(hw_ring_wait_any(t, rs, 3, 5000000), 1);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 40000000u);
	ck_assert_uint_lt(fcnvme_clock_ns() - t0, 2000000000u);
	pthread_join(th, NULL);
	ck_assert(hw_ring_empty(t, &t->r[0]));
	ck_assert(!hw_ring_empty(t, &t->r[2]));
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(atomic_load(&t->r[i].armed), 0);
	/* ready entries: returns at once */
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait_any(t, rs, 3, 5000000), 1);
	ck_assert_uint_lt(fcnvme_clock_ns() - t0, 1000000000u);
	memcpy(&e, hw_ring_peek(t, &t->r[2]), sizeof(e));
	ck_assert_uint_eq(e.val, 99);
	hw_ring_pop(&t->r[2], hw_ring_peek(t, &t->r[2]));
	/* one ring: the same as hw_ring_wait, woken by its producer */
	l.ring = 0;
	pthread_create(&th, NULL, late_post3, &l);
	ck_assert_int_eq(hw_ring_wait_any(t, rs, 1, 5000000), 1);
	pthread_join(th, NULL);
	hw_ring_pop(&t->r[0], hw_ring_peek(t, &t->r[0]));
	free(t);
}
END_TEST

/* A kick that lands before the consumer reads the futex word: a plain wait
 * sleeps out its timeout (the kick's futex bump came first), a wait with
 * the kick's latch returns at once and clears the latch. */
START_TEST(test_ring_wait_latch)
{
	struct rt *t = rt_new(8);
	_Atomic bool kicked = false;
	uint64_t t0;

	hw_ring_kick(&t->r);
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait_latch_geo(t, &t->r, &t->r, 30000, &kicked), 0);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 25000000u);
	atomic_store(&kicked, true);
	hw_ring_kick(&t->r);
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait_latch_geo(t, &t->r, &t->r, 5000000, &kicked), 0);
	ck_assert_uint_lt(fcnvme_clock_ns() - t0, 2000000000u);
	ck_assert(!atomic_load(&kicked));
	ck_assert_uint_eq(atomic_load(&t->r.armed), 0);
	/* taken: the next wait sleeps again */
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait_latch_geo(t, &t->r, &t->r, 30000, &kicked), 0);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 25000000u);
	free(t);
}
END_TEST

/* Ring tests. */
Suite *hw_ring_suite(void)
{
	Suite *s = suite_create("hw_ring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, test_ring_order_full_wrap);
	tcase_add_test(tc, test_ring_fill_reaches);
	tcase_add_test(tc, test_ring_corrupt_is_an_error);
	tcase_add_test(tc, test_ring_post_sp);
	tcase_add_test(tc, test_ring_post_sp_geo);
	tcase_add_test(tc, test_ring_many_producers);
	tcase_add_test(tc, test_ring_wait_notify);
	tcase_add_test(tc, test_ring_wait_any);
	tcase_add_test(tc, test_ring_wait_latch);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
