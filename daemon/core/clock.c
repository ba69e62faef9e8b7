// SPDX-License-Identifier: Apache-2.0
/*
 * Clocks for the target core: the real one (milliseconds from
 * CLOCK_MONOTONIC, fcnvme/clock.h; nanosecond command stamps from the
 * calibrated TSC, fcnvme/tsc.h) and a fake one whose time is a field the
 * tests set.
 */
#include <fcnvme/clock.h>
#include <fcnvme/tsc.h>

#include "clock.h"

static uint64_t clock_mono_now(const struct tgt_clock *c)
{
	(void)c;
	return fcnvme_clock_ms();
}

/* The stamps' clock: CLOCK_MONOTONIC (rate 1) until clock_calibrate().
 * Written by clock_calibrate() at startup, before the I/O threads start;
 * read-only after that. */
static struct fcnvme_tsc clock_tsc = { .tsc = false, .mult = UINT64_C(1) << 32 };

static uint64_t clock_mono_now_ns(const struct tgt_clock *c)
{
	(void)c;
	return fcnvme_tsc_ns(&clock_tsc, fcnvme_tsc_read(&clock_tsc));
}

static uint64_t clock_fake_now(const struct tgt_clock *c)
{
	return c->fake_ms;
}

static uint64_t clock_fake_now_ns(const struct tgt_clock *c)
{
	return c->fake_ns;
}

static const struct tgt_clock clock_mono = {
	.now_ms = clock_mono_now,
	.now_ns = clock_mono_now_ns,
};

/* The process-wide monotonic clock. */
const struct tgt_clock *clock_monotonic(void)
{
	return &clock_mono;
}

/* Stamp commands with the TSC from now on (fcnvme_tsc_init() with flags:
 * sleeps FCNVME_TSC_CAL_NS to calibrate); false if it uses CLOCK_MONOTONIC
 * (no usable TSC, or FCNVME_TSC_MONOTONIC). */
bool clock_calibrate(unsigned int flags)
{
	fcnvme_tsc_init(&clock_tsc, flags);
	return clock_tsc.tsc;
}

/* Turn c into a fake clock starting at ms. */
void clock_fake_init(struct tgt_clock *c, uint64_t ms)
{
	c->now_ms = clock_fake_now;
	c->now_ns = clock_fake_now_ns;
	c->fake_ms = ms;
	c->fake_ns = 0;
}
