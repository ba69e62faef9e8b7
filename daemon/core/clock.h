/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's notion of time: a monotonic millisecond clock behind a tiny ops
 * struct, so tests can substitute a clock they advance by hand (keep-alive
 * expiry without sleeping).
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct tgt_clock {
	uint64_t (*now_ms)(const struct tgt_clock *c);
	/* Nanoseconds, for command latency ([hwq], twice per command): on
	 * the monotonic clock the calibrated TSC once clock_calibrate() ran
	 * (a few ns, no vDSO call), of arbitrary origin: only differences
	 * mean something, and never deadlines (now_ms is for those). */
	uint64_t (*now_ns)(const struct tgt_clock *c);
	uint64_t fake_ms; /* used by clock_fake_init() clocks */
	uint64_t fake_ns; /* their now_ns(); tests set it */
};

/* The real clock: now_ms CLOCK_MONOTONIC, now_ns see clock_calibrate(). */
const struct tgt_clock *clock_monotonic(void);
/* Once at startup, before any thread stamps a command: make the real
 * clock's now_ns the TSC, calibrated against CLOCK_MONOTONIC (sleeps
 * 20 ms; fcnvme/tsc.h: within 1e-4), if fcnvme_tsc_usable() and flags
 * (FCNVME_TSC_*) allow; true if it did. Until then, and otherwise, now_ns
 * is CLOCK_MONOTONIC. */
bool clock_calibrate(unsigned int flags);
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
