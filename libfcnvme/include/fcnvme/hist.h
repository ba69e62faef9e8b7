/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A log-linear histogram of unsigned 64-bit values (latencies in
 * nanoseconds): the one histogram of the tree.
 *
 * Buckets: values below 16 have one bucket each (exact); a value v >= 16
 * with highest set bit b (2^b <= v < 2^(b+1)) falls into one of
 * FCNVME_HIST_SUB = 8 equal sub-buckets of [2^b, 2^(b+1)), each
 * 2^(b-3) wide. All of 0..UINT64_MAX is covered by FCNVME_HIST_BUCKETS
 * (496) counters, 3968 bytes.
 *
 * Error bound: a bucket's representative value (fcnvme_hist_value(), the
 * middle of the bucket) is within 1/16 (6.25 %) of every value the bucket
 * holds: |value(i) - v| <= v / 16, and exact below 16. Percentiles are
 * reported that way (fcnvme_hist_percentile()); fcnvme_hist_upper() gives
 * the bucket's exact upper bound for callers that print "<= bound".
 *
 * Concurrency: each histogram has ONE writer, which records with
 * fcnvme_hist_record() (a relaxed load and store per value: no lock, no
 * read-modify-write, no allocation, O(1)). Any thread may read it with
 * relaxed loads (fcnvme_hist_add(), fcnvme_hist_count(),
 * fcnvme_hist_percentile()); a reader racing the writer sees a sum that
 * may miss the latest few values, never a torn counter. The maximum is not
 * kept here: a caller that reports it tracks it exactly beside the
 * histogram and passes it to fcnvme_hist_percentile(). The sum of the
 * values is kept (exactly, modulo 2^64), so a mean or an OpenMetrics
 * histogram's _sum is exact.
 *
 * Coarse bounds: every power of two 2^k (k >= 4) starts a bucket, so
 * 2^k - 1 ends one and the buckets nest inside [0, 2^k - 1]:
 * fcnvme_hist_count_le(h, 2^k - 1) is the exact number of values <= 2^k - 1
 * (for integer values, < 2^k).
 */
#ifndef FCNVME_HIST_H
#define FCNVME_HIST_H

#include <stdatomic.h>
#include <stdint.h>

#define FCNVME_HIST_SUB_BITS 3
#define FCNVME_HIST_SUB	     (1u << FCNVME_HIST_SUB_BITS)
/* 2 * SUB exact buckets (0..15), then SUB per power of two from 2^4 to 2^63. */
#define FCNVME_HIST_BUCKETS  ((64u - FCNVME_HIST_SUB_BITS + 1u) * FCNVME_HIST_SUB)

struct fcnvme_hist {
	_Atomic uint64_t n[FCNVME_HIST_BUCKETS]; /* values per bucket */
	_Atomic uint64_t sum;			 /* of the values, modulo 2^64 */
};

/* The bucket of value v, 0 .. FCNVME_HIST_BUCKETS - 1; ascending in v. */
static inline unsigned int fcnvme_hist_index(uint64_t v)
{
	unsigned int b;

	if (v < FCNVME_HIST_SUB)
		return (unsigned int)v;
	b = 63u - (unsigned int)__builtin_clzll(v);
	return (b - FCNVME_HIST_SUB_BITS + 1u) * FCNVME_HIST_SUB +
	       (unsigned int)((v >> (b - FCNVME_HIST_SUB_BITS)) & (FCNVME_HIST_SUB - 1u));
}

/* [the writer] Count value v: O(1), no lock, no allocation. */
static inline void fcnvme_hist_record(struct fcnvme_hist *h, uint64_t v)
{
	_Atomic uint64_t *c = &h->n[fcnvme_hist_index(v)];

	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	atomic_store_explicit(&h->sum, atomic_load_explicit(&h->sum, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

/* The smallest value of bucket i (i < FCNVME_HIST_BUCKETS). */
uint64_t fcnvme_hist_lower(unsigned int i);
/* The largest value of bucket i (inclusive; UINT64_MAX for the last). */
uint64_t fcnvme_hist_upper(unsigned int i);
/* The representative value of bucket i: its middle, within 1/16 of any
 * value in the bucket (exact for i < 16). */
uint64_t fcnvme_hist_value(unsigned int i);

/* [dst's writer] Add src's counters into dst (src read with relaxed
 * loads, its writer may be running). */
void fcnvme_hist_add(struct fcnvme_hist *dst, const struct fcnvme_hist *src);
/* The number of values counted. */
uint64_t fcnvme_hist_count(const struct fcnvme_hist *h);
/* The values in buckets that end at or below bound: the exact number of
 * values <= bound when bound is a bucket's upper bound (2^k - 1 always is,
 * see above); otherwise the bucket straddling bound is left out. */
uint64_t fcnvme_hist_count_le(const struct fcnvme_hist *h, uint64_t bound);
/* [dst's only user] dst = now - before, bucket by bucket and for the sum
 * (before an earlier snapshot of the same counters, so no bucket
 * decreases; a bucket that did is taken as 0). */
void fcnvme_hist_diff(struct fcnvme_hist *dst, const struct fcnvme_hist *now,
		      const struct fcnvme_hist *before);
/*
 * The nearest-rank percentile: the value of rank ceil(n * ppm / 10^6) (at
 * least 1) in ascending order, ppm in parts per million (500000: median,
 * 990000: p99, 999000: p99.9, 1000000 or more: the largest). max is the
 * exact maximum if the caller tracks it, else UINT64_MAX. Returns the
 * representative value of the bucket holding that rank, capped at max, so
 * within 1/16 of the true percentile (exact below 16); the largest rank
 * returns max itself when max falls in its bucket. 0 if the histogram is
 * empty.
 */
uint64_t fcnvme_hist_percentile(const struct fcnvme_hist *h, uint32_t ppm, uint64_t max);

#endif /* FCNVME_HIST_H */
