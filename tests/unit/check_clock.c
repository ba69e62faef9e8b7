// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the monotonic clock helpers (fcnvme/clock.h): the units
 * agree with each other and with clock_gettime(CLOCK_MONOTONIC), the clock
 * never goes back, the timespec conversion is exact, and the coarse clock
 * is CLOCK_MONOTONIC_COARSE, a little behind the fine one.
 */
#include <stdint.h>
#include <time.h>

#include <fcnvme/clock.h>

#include "suites_libfcnvme.h"

START_TEST(clock_ts_ns_exact)
{
	struct timespec ts = { 0, 0 };

	ck_assert_uint_eq(fcnvme_clock_ts_ns(&ts), 0);
	ts.tv_nsec = 999999999;
	ck_assert_uint_eq(fcnvme_clock_ts_ns(&ts), 999999999u);
	ts.tv_sec = 1;
	ts.tv_nsec = 1;
	ck_assert_uint_eq(fcnvme_clock_ts_ns(&ts), 1000000001u);
	/* 100 years of uptime still fits. */
	ts.tv_sec = 3155760000;
	ts.tv_nsec = 123456789;
	ck_assert_uint_eq(fcnvme_clock_ts_ns(&ts), 3155760000123456789ull);
}
END_TEST

START_TEST(clock_matches_clock_gettime)
{
	struct timespec ts;
	uint64_t before, ns, us, ms, after;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	ns = fcnvme_clock_ns();
	us = fcnvme_clock_us();
	ms = fcnvme_clock_ms();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	after = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	ck_assert_uint_ge(ns, before);
	ck_assert_uint_le(ns, after);
	ck_assert_uint_ge(us, before / 1000u);
	ck_assert_uint_le(us, after / 1000u);
	ck_assert_uint_ge(ms, before / 1000000u);
	ck_assert_uint_le(ms, after / 1000000u);
	/* The old hand-written ms form: sec * 1000 + nsec / 1e6. */
	ck_assert_uint_le(ms, (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}
END_TEST

START_TEST(clock_monotonic)
{
	uint64_t a = fcnvme_clock_ns(), b;
	struct timespec d = { 0, 2000000 };

	nanosleep(&d, NULL);
	b = fcnvme_clock_ns();
	ck_assert_uint_ge(b - a, 2000000u);
	ck_assert_uint_ge(fcnvme_clock_ms(), a / 1000000u + 2);
}
END_TEST

/* The coarse clock is CLOCK_MONOTONIC_COARSE exactly, never ahead of the
 * fine clock, not far behind it, and it moves. The kernel advances it at
 * its timer tick, which a loaded VM's host may deliver late: its lag
 * behind the fine clock is bounded here by CLOCK_LAG_NS, not by one tick,
 * and its move over a 30 ms sleep is awaited up to a second. */
#define CLOCK_LAG_NS 100000000u
START_TEST(clock_coarse)
{
	struct timespec ts, res;
	uint64_t before, c, fine0, fine, tick, a, b, t0;
	struct timespec d = { 0, 30000000 };

	ck_assert_int_eq(clock_getres(CLOCK_MONOTONIC_COARSE, &res), 0);
	tick = fcnvme_clock_ts_ns(&res);
	ck_assert_uint_gt(tick, 0);
	fine0 = fcnvme_clock_ns();
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	before = fcnvme_clock_ts_ns(&ts);
	c = fcnvme_clock_coarse_ns();
	fine = fcnvme_clock_ns();
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	ck_assert_uint_ge(c, before);
	ck_assert_uint_le(c, fcnvme_clock_ts_ns(&ts));
	ck_assert_uint_le(c, fine); /* never ahead */
	/* read after fine0: behind it by its lag at most (preemption
	 * between the reads only makes c larger) */
	ck_assert_uint_ge(c + CLOCK_LAG_NS, fine0);
	a = fcnvme_clock_coarse_ns();
	nanosleep(&d, NULL); /* 30 ms: more than a tick at any HZ >= 100 */
	t0 = fcnvme_clock_ns();
	do
		b = fcnvme_clock_coarse_ns();
	while (b - a < 30000000u - tick && fcnvme_clock_ns() - t0 < 1000000000u);
	ck_assert_uint_ge(b - a, 30000000u - tick);
}
END_TEST

Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, clock_ts_ns_exact);
	tcase_add_test(tc, clock_matches_clock_gettime);
	tcase_add_test(tc, clock_monotonic);
	tcase_add_test(tc, clock_coarse);
	suite_add_tcase(s, tc);
	return s;
}
