// SPDX-License-Identifier: Apache-2.0
/*
 * The calibrated cycle clock (fcnvme/tsc.h): is the TSC usable, read both
 * clocks at once, measure the TSC's rate against CLOCK_MONOTONIC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <fcnvme/tsc.h>

/* Tries per fcnvme_tsc_pair_read(): the one with the fewest ticks around
 * its clock_gettime() wins (a preempted try loses). */
#define TSC_PAIR_TRIES 5

/* The kernel's clocksource: /sys/devices/system/clocksource/
 * clocksource0/current_clocksource (Linux drivers/clocksource, sysfs). */
#define TSC_CLOCKSOURCE "/sys/devices/system/clocksource/clocksource0/current_clocksource"

bool fcnvme_tsc_usable(void)
{
#if defined(__x86_64__)
	unsigned int a, b, c, d;
	char cs[16] = "";
	FILE *f;

	if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
		return false;
	__get_cpuid(0x80000007u, &a, &b, &c, &d);
	if (!((d >> 8) & 1))
		return false;
	f = fopen(TSC_CLOCKSOURCE, "re");
	if (!f)
		return false;
	if (!fgets(cs, sizeof(cs), f))
		cs[0] = 0;
	fclose(f);
	return !strcmp(cs, "tsc\n");
#else
	return false;
#endif
}

void fcnvme_tsc_pair_read(const struct fcnvme_tsc *c, struct fcnvme_tsc_pair *p)
{
	uint64_t best = UINT64_MAX;
	int i;

	if (!c->tsc) {
		p->ns = fcnvme_clock_ns();
		p->ticks = p->ns;
		return;
	}
	for (i = 0; i < TSC_PAIR_TRIES; i++) {
		uint64_t t0 = fcnvme_tsc_read(c);
		uint64_t ns = fcnvme_clock_ns();
		uint64_t t1 = fcnvme_tsc_read(c);

		if (t1 >= t0 && t1 - t0 < best) {
			best = t1 - t0;
			p->ns = ns;
			p->ticks = t0 + (t1 - t0) / 2;
		}
	}
	if (best == UINT64_MAX) { /* never: the TSC went back each time */
		p->ns = fcnvme_clock_ns();
		p->ticks = fcnvme_tsc_read(c);
	}
}

int fcnvme_tsc_calibrate(struct fcnvme_tsc *c, const struct fcnvme_tsc_pair *start)
{
	struct fcnvme_tsc_pair now;
	unsigned __int128 m;

	if (!c->tsc)
		return 0;
	fcnvme_tsc_pair_read(c, &now);
	if (now.ns <= start->ns || now.ticks <= start->ticks)
		return -EAGAIN;
	m = ((unsigned __int128)(now.ns - start->ns) << 32) / (now.ticks - start->ticks);
	if (!m || m > UINT64_MAX)
		return -ERANGE;
	c->mult = (uint64_t)m;
	return 0;
}

void fcnvme_tsc_init(struct fcnvme_tsc *c, unsigned int flags)
{
	struct timespec d = { 0, (long)FCNVME_TSC_CAL_NS };
	const char *env = getenv(FCNVME_TSC_ENV);
	struct fcnvme_tsc_pair start;

	c->tsc = false;
	c->mult = UINT64_C(1) << 32;
	if (env && !strcmp(env, "monotonic"))
		flags |= FCNVME_TSC_MONOTONIC;
	if ((flags & FCNVME_TSC_MONOTONIC) || !fcnvme_tsc_usable())
		return;
	c->tsc = true;
	fcnvme_tsc_pair_read(c, &start);
	/* A signal may cut the sleep short: calibrate over what passed. */
	nanosleep(&d, NULL);
	if (fcnvme_tsc_calibrate(c, &start))
		c->tsc = false; /* a TSC of unknown rate is no clock */
}
