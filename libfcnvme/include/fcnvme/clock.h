/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monotonic clock (CLOCK_MONOTONIC) in the units the tree uses: the one
 * helper every layer reads time through. The millisecond and microsecond
 * forms are the nanosecond value divided down (so they never disagree).
 * For deadlines and timeouts; per-I/O latency stamps use the cheaper
 * calibrated TSC of fcnvme/tsc.h (built on this clock).
 */
#ifndef FCNVME_CLOCK_H
#define FCNVME_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A timespec in nanoseconds. */
static inline uint64_t fcnvme_clock_ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t fcnvme_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return fcnvme_clock_ts_ns(&ts);
}

/* CLOCK_MONOTONIC_COARSE in nanoseconds: the time of the last timer tick
 * (a few ms of resolution), read without touching the TSC: for deadlines
 * of milliseconds and more that are checked on every pass of a poll loop
 * (a third of CLOCK_MONOTONIC's cost here). Never compare it with
 * fcnvme_clock_ns(): it may lag that by up to a tick. */
static inline uint64_t fcnvme_clock_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return fcnvme_clock_ts_ns(&ts);
}

/* CLOCK_MONOTONIC in microseconds. */
static inline uint64_t fcnvme_clock_us(void)
{
	return fcnvme_clock_ns() / 1000u;
}

/* CLOCK_MONOTONIC in milliseconds. */
static inline uint64_t fcnvme_clock_ms(void)
{
	return fcnvme_clock_ns() / 1000000u;
}

#endif /* FCNVME_CLOCK_H */
