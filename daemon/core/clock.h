/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's notion of time: a monotonic millisecond clock behind a tiny ops
 * struct, so tests can substitute a clock they advance by hand (keep-alive
 * expiry without sleeping).
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

struct tgt_clock {
	uint64_t (*now_ms)(const struct tgt_clock *c);
	/* Nanoseconds, for command latency ([hwq], once per command). */
	uint64_t (*now_ns)(const struct tgt_clock *c);
	uint64_t fake_ms; /* used by clock_fake_init() clocks */
	uint64_t fake_ns; /* their now_ns(); tests set it */
};

/* The CLOCK_MONOTONIC clock. */
const struct tgt_clock *clock_monotonic(void);
/* Make c a fake clock reading c->fake_ms (start value ms) and c->fake_ns
 * (start value 0). */
void clock_fake_init(struct tgt_clock *c, uint64_t ms);
/* Read a clock. */
static inline uint64_t clock_now_ms(const struct tgt_clock *c)
{
	return c->now_ms(c);
}

/* Read a clock in nanoseconds. */
static inline uint64_t clock_now_ns(const struct tgt_clock *c)
{
	return c->now_ns(c);
}

#endif /* CLOCK_H */
