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
	uint64_t	(*now_ms)(const struct tgt_clock *c);
	uint64_t	fake_ms;	/* used by clock_fake_init() clocks */
};

/* The CLOCK_MONOTONIC clock. */
const struct tgt_clock *clock_monotonic(void);
/* Make c a fake clock reading c->fake_ms (start value ms). */
void clock_fake_init(struct tgt_clock *c, uint64_t ms);
/* Read a clock. */
static inline uint64_t clock_now_ms(const struct tgt_clock *c)
{
	return c->now_ms(c);
}

#endif /* CLOCK_H */
