/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A cheap clock for stamping I/O (latency histograms): the CPU's
 * time-stamp counter where it is invariant (x86-64, CPUID 0x80000007 EDX
 * bit 8: constant rate in every P-, C- and T-state) and the kernel's
 * clocksource (Linux kernel/time/clocksource.c only keeps "tsc" once it
 * found it synchronized across CPUs), else CLOCK_MONOTONIC
 * (fcnvme/clock.h) built in. One RDTSC costs under half a vDSO
 * clock_gettime(CLOCK_MONOTONIC) and needs no call.
 *
 * fcnvme_tsc_read() gives ticks; only differences mean something, and
 * fcnvme_tsc_ns() turns them into nanoseconds with a rate calibrated
 * against CLOCK_MONOTONIC: by fcnvme_tsc_init() over FCNVME_TSC_CAL_NS
 * (20 ms), or by fcnvme_tsc_calibrate() over any longer interval the
 * caller timed (fcnvme perf: the whole run). Each end of the interval is
 * a CLOCK_MONOTONIC read bracketed by two RDTSCs, the tightest of a few
 * tries, so the rate is off by about 2 x that bracket (well under 1 us)
 * over the interval: within 1e-4 over 20 ms (a 1 ms latency reads 1 ms
 * +- 0.1 us), far finer than the histogram's 1/16 buckets (fcnvme/hist.h).
 * The TSC is not slewed by NTP as CLOCK_MONOTONIC is (at most 500 ppm),
 * so for deadlines and timeouts use fcnvme/clock.h, never this clock.
 *
 * Without a usable TSC (or with FCNVME_TSC_MONOTONIC) the ticks are
 * CLOCK_MONOTONIC nanoseconds and the rate is exactly 1.
 */
#ifndef FCNVME_TSC_H
#define FCNVME_TSC_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/clock.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/* fcnvme_tsc_init() calibrates over this long. */
#define FCNVME_TSC_CAL_NS 20000000ull

/* fcnvme_tsc_init() flags: use CLOCK_MONOTONIC even if the TSC would do
 * (tests, and hosts whose TSC the caller distrusts). */
#define FCNVME_TSC_MONOTONIC 1u
/* The environment variable that, set to "monotonic", adds
 * FCNVME_TSC_MONOTONIC to every fcnvme_tsc_init() of the process
 * (nvmetfcd's latency statistics, fcnvme perf). */
#define FCNVME_TSC_ENV	     "FCNVME_CLOCK"

/* A calibrated clock. Written by fcnvme_tsc_init() and
 * fcnvme_tsc_calibrate() only; read-only (any thread) after that. */
struct fcnvme_tsc {
	bool tsc;      /* ticks are RDTSC (else CLOCK_MONOTONIC ns) */
	uint64_t mult; /* ns per tick, in 32.32 fixed point */
};

/* True if the TSC is invariant and the kernel's clocksource. */
bool fcnvme_tsc_usable(void);

/* Set c up: the TSC if fcnvme_tsc_usable() and neither flags nor the
 * environment (FCNVME_TSC_ENV) ask for FCNVME_TSC_MONOTONIC, its rate measured over FCNVME_TSC_CAL_NS (the call
 * sleeps that long; a failed calibration falls back); else CLOCK_MONOTONIC,
 * at once. */
void fcnvme_tsc_init(struct fcnvme_tsc *c, unsigned int flags);

/* A pair of simultaneous readings, for fcnvme_tsc_calibrate(). */
struct fcnvme_tsc_pair {
	uint64_t ns;	/* CLOCK_MONOTONIC */
	uint64_t ticks; /* fcnvme_tsc_read() */
};

/* Read both clocks at once (the tightest of a few tries). */
void fcnvme_tsc_pair_read(const struct fcnvme_tsc *c, struct fcnvme_tsc_pair *p);

/* Set c's rate from the interval since start (read with
 * fcnvme_tsc_pair_read()) to now: 0 (also without a TSC: nothing to do),
 * -EAGAIN if no time passed, -ERANGE for an absurd rate; c is unchanged on
 * error. Not while other threads read c. */
int fcnvme_tsc_calibrate(struct fcnvme_tsc *c, const struct fcnvme_tsc_pair *start);

/* Now, in ticks. */
static inline uint64_t fcnvme_tsc_read(const struct fcnvme_tsc *c)
{
#if defined(__x86_64__)
	if (c->tsc)
		return __rdtsc();
#endif
	return fcnvme_clock_ns();
}

/* Ticks (a difference of two fcnvme_tsc_read(), or one reading: then an
 * arbitrary origin) in nanoseconds. */
static inline uint64_t fcnvme_tsc_ns(const struct fcnvme_tsc *c, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * c->mult) >> 32);
}

/* Ticks in nanoseconds, as a double (for averages of sums). */
static inline double fcnvme_tsc_ns_f(const struct fcnvme_tsc *c, double ticks)
{
	return ticks * (double)c->mult / 4294967296.0;
}

#endif /* FCNVME_TSC_H */
