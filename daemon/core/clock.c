// SPDX-License-Identifier: Apache-2.0
/*
 * Clocks for the target core: the real CLOCK_MONOTONIC one (fcnvme_clock_*)
 * and a fake one whose time is a field the tests set.
 */
#include <fcnvme/clock.h>

#include "clock.h"

static uint64_t clock_mono_now(const struct tgt_clock *c)
{
	(void)c;
	return fcnvme_clock_ms();
}

static uint64_t clock_mono_now_ns(const struct tgt_clock *c)
{
	(void)c;
	return fcnvme_clock_ns();
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

/* Turn c into a fake clock starting at ms. */
void clock_fake_init(struct tgt_clock *c, uint64_t ms)
{
	c->now_ms = clock_fake_now;
	c->now_ns = clock_fake_now_ns;
	c->fake_ms = ms;
	c->fake_ns = 0;
}
