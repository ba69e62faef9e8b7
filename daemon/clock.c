// SPDX-License-Identifier: Apache-2.0
/*
 * Clocks for the target core: the real CLOCK_MONOTONIC one and a fake one
 * whose time is a field the tests set.
 */
#include <time.h>

#include "clock.h"

static uint64_t clock_mono_now(const struct tgt_clock *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t clock_fake_now(const struct tgt_clock *c)
{
	return c->fake_ms;
}

static const struct tgt_clock clock_mono = { .now_ms = clock_mono_now };

/* The process-wide monotonic clock. */
const struct tgt_clock *clock_monotonic(void)
{
	return &clock_mono;
}

/* Turn c into a fake clock starting at ms. */
void clock_fake_init(struct tgt_clock *c, uint64_t ms)
{
	c->now_ms = clock_fake_now;
	c->fake_ms = ms;
}
