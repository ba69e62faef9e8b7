// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the calibrated cycle clock (fcnvme/tsc.h): ticks to ns is
 * exact fixed point; the TSC is used exactly when the kernel says it is
 * invariant (/proc/cpuinfo nonstop_tsc, set from CPUID 0x80000007 EDX bit 8
 * in Linux arch/x86/kernel/cpu/) and is the clocksource; both modes never
 * go back; the calibrated TSC agrees with CLOCK_MONOTONIC within
 * 10 us + 1e-3 of the interval over 20 ms and 100 ms; FCNVME_TSC_MONOTONIC
 * (or FCNVME_CLOCK=monotonic) forces the CLOCK_MONOTONIC fallback, which is
 * CLOCK_MONOTONIC exactly.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/tsc.h>

#include "suites_libfcnvme.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return fcnvme_clock_ts_ns(&ts);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec d = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	while (nanosleep(&d, &d) && errno == EINTR)
		;
}

/* The kernel's view: nonstop_tsc in /proc/cpuinfo and "tsc" the
 * clocksource. */
static bool kernel_says_tsc(void)
{
	char line[4096], cs[32] = "";
	bool flag = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (f) {
		while (!flag && fgets(line, sizeof(line), f))
			if (!strncmp(line, "flags", 5) && strstr(line, " nonstop_tsc"))
				flag = true;
		fclose(f);
	}
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
	if (f) {
		if (!fgets(cs, sizeof(cs), f))
			cs[0] = 0;
		fclose(f);
	}
	return flag && !strcmp(cs, "tsc\n");
}

START_TEST(tsc_ns_fixed_point)
{
	struct fcnvme_tsc c = { .tsc = true, .mult = UINT64_C(1) << 32 };

	ck_assert_uint_eq(fcnvme_tsc_ns(&c, 0), 0);
	ck_assert_uint_eq(fcnvme_tsc_ns(&c, 123456789), 123456789);
	ck_assert_uint_eq(fcnvme_tsc_ns(&c, UINT64_MAX), UINT64_MAX);
	c.mult = UINT64_C(1) << 31; /* 2 GHz */
	ck_assert_uint_eq(fcnvme_tsc_ns(&c, 2000000001), 1000000000);
	/* no overflow of the product: 100 years at 2 GHz */
	ck_assert_uint_eq(fcnvme_tsc_ns(&c, UINT64_C(6311520000000000000)),
			  UINT64_C(3155760000000000000));
	c.mult = 0x55555555u; /* 3 GHz: 1/3 ns per tick, rounded down */
	ck_assert_uint_eq(fcnvme_tsc_ns(&c, 3000000000u), 999999999);
	ck_assert(fcnvme_tsc_ns_f(&c, 3e9) > 999999999.0 && fcnvme_tsc_ns_f(&c, 3e9) < 1e9);
}
END_TEST

START_TEST(tsc_usable_is_the_kernels_view)
{
	struct fcnvme_tsc c;
	bool k = kernel_says_tsc();

	printf("tsc: kernel says %s\n", k ? "invariant TSC clocksource" : "no TSC");
	ck_assert_int_eq(fcnvme_tsc_usable(), k);
	fcnvme_tsc_init(&c, 0);
	ck_assert_int_eq(c.tsc, k);
}
END_TEST

/* The fallback, forced: CLOCK_MONOTONIC ns at rate 1, at once. */
START_TEST(tsc_forced_monotonic)
{
	struct fcnvme_tsc c;
	struct fcnvme_tsc_pair p = { 0, 0 };
	uint64_t before, t, after;

	before = mono_ns();
	fcnvme_tsc_init(&c, FCNVME_TSC_MONOTONIC);
	ck_assert_uint_lt(mono_ns() - before, FCNVME_TSC_CAL_NS / 2); /* no sleep */
	ck_assert(!c.tsc);
	ck_assert_uint_eq(c.mult, UINT64_C(1) << 32);
	before = mono_ns();
	t = fcnvme_tsc_read(&c);
	after = mono_ns();
	ck_assert_uint_ge(t, before);
	ck_assert_uint_le(t, after);
	ck_assert_uint_eq(fcnvme_tsc_ns(&c, t), t);
	fcnvme_tsc_pair_read(&c, &p);
	ck_assert_uint_eq(p.ns, p.ticks);
	ck_assert_uint_ge(p.ns, after);
	ck_assert_int_eq(fcnvme_tsc_calibrate(&c, &p), 0); /* nothing to do */
	ck_assert_uint_eq(c.mult, UINT64_C(1) << 32);
}
END_TEST

/* FCNVME_CLOCK=monotonic forces the fallback too; other values do not. */
START_TEST(tsc_env_monotonic)
{
	struct fcnvme_tsc c;

	ck_assert_int_eq(setenv(FCNVME_TSC_ENV, "monotonic", 1), 0);
	fcnvme_tsc_init(&c, 0);
	ck_assert(!c.tsc);
	ck_assert_uint_eq(c.mult, UINT64_C(1) << 32);
	ck_assert_int_eq(setenv(FCNVME_TSC_ENV, "tsc", 1), 0);
	fcnvme_tsc_init(&c, 0);
	ck_assert_int_eq(c.tsc, fcnvme_tsc_usable());
	ck_assert_int_eq(unsetenv(FCNVME_TSC_ENV), 0);
}
END_TEST

/* Never back, in either mode (one thread, so one CPU at a time; the
 * kernel keeps a clocksource TSC synchronized across CPUs). */
START_TEST(tsc_monotonic)
{
	unsigned int flags[] = { 0, FCNVME_TSC_MONOTONIC };
	unsigned int f;

	for (f = 0; f < 2; f++) {
		struct fcnvme_tsc c;
		uint64_t prev, now, back = 0;
		int i;

		fcnvme_tsc_init(&c, flags[f]);
		prev = fcnvme_tsc_read(&c);
		for (i = 0; i < 200000; i++) {
			now = fcnvme_tsc_read(&c);
			back += now < prev;
			prev = now;
		}
		ck_assert_uint_eq(back, 0);
		now = fcnvme_tsc_read(&c);
		sleep_ns(2000000);
		ck_assert_uint_ge(fcnvme_tsc_ns(&c, fcnvme_tsc_read(&c) - now), 2000000);
	}
}
END_TEST

/* Over 20 ms and 100 ms, the calibrated TSC's ns agree with CLOCK_MONOTONIC
 * within 10 us + 1e-3 of the interval (both ends are read with
 * fcnvme_tsc_pair_read(), so preemption between the two clocks does not
 * count). */
START_TEST(tsc_agrees_with_monotonic)
{
	uint64_t iv[] = { 20000000, 100000000 };
	struct fcnvme_tsc c;
	unsigned int i;

	fcnvme_tsc_init(&c, 0);
	printf("tsc: %s, %.6f ns per tick\n", c.tsc ? "TSC" : "CLOCK_MONOTONIC",
	       fcnvme_tsc_ns_f(&c, 1.0));
	for (i = 0; i < 2; i++) {
		struct fcnvme_tsc_pair a, b;
		uint64_t mono, tsc, err;

		fcnvme_tsc_pair_read(&c, &a);
		sleep_ns(iv[i]);
		fcnvme_tsc_pair_read(&c, &b);
		mono = b.ns - a.ns;
		tsc = fcnvme_tsc_ns(&c, b.ticks - a.ticks);
		err = tsc > mono ? tsc - mono : mono - tsc;
		printf("tsc: over %" PRIu64 " ns of CLOCK_MONOTONIC: %" PRIu64
		       " ns, off by %" PRIu64 " ns\n",
		       mono, tsc, err);
		ck_assert_uint_ge(mono, iv[i]);
		ck_assert_uint_le(err, 10000 + mono / 1000);
	}
}
END_TEST

/* Calibration from a start in the future (no time passed) fails and leaves
 * the rate; a good one over 50 ms keeps it within 1e-3 of init's. */
START_TEST(tsc_calibrate)
{
	struct fcnvme_tsc c;
	struct fcnvme_tsc_pair p;
	uint64_t m;

	fcnvme_tsc_init(&c, 0);
	if (!c.tsc) {
		/* without a TSC there is nothing to calibrate */
		fcnvme_tsc_pair_read(&c, &p);
		ck_assert_int_eq(fcnvme_tsc_calibrate(&c, &p), 0);
		ck_assert_uint_eq(c.mult, UINT64_C(1) << 32);
		return;
	}
	m = c.mult;
	fcnvme_tsc_pair_read(&c, &p);
	p.ns += 1000000000u;
	ck_assert_int_eq(fcnvme_tsc_calibrate(&c, &p), -EAGAIN);
	ck_assert_uint_eq(c.mult, m);
	fcnvme_tsc_pair_read(&c, &p);
	sleep_ns(50000000);
	ck_assert_int_eq(fcnvme_tsc_calibrate(&c, &p), 0);
	ck_assert_uint_le(c.mult > m ? c.mult - m : m - c.mult, m / 1000);
}
END_TEST

Suite *tsc_suite(void)
{
	Suite *s = suite_create("tsc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, tsc_ns_fixed_point);
	tcase_add_test(tc, tsc_usable_is_the_kernels_view);
	tcase_add_test(tc, tsc_forced_monotonic);
	tcase_add_test(tc, tsc_env_monotonic);
	tcase_add_test(tc, tsc_monotonic);
	tcase_add_test(tc, tsc_agrees_with_monotonic);
	tcase_add_test(tc, tsc_calibrate);
	suite_add_tcase(s, tc);
	return s;
}
