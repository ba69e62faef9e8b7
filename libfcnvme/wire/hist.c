// SPDX-License-Identifier: Apache-2.0
/*
 * The log-linear histogram (fcnvme/hist.h): bucket bounds, sums and
 * percentiles. Pure functions over the caller's counters.
 */
#include <fcnvme/hist.h>

/* Width of bucket i: 1 for the exact buckets, 2^(b-3) in octave b. */
static uint64_t hist_width(unsigned int i)
{
	if (i < 2 * FCNVME_HIST_SUB)
		return 1;
	return UINT64_C(1) << (i / FCNVME_HIST_SUB - 1);
}

uint64_t fcnvme_hist_lower(unsigned int i)
{
	unsigned int b = i / FCNVME_HIST_SUB + FCNVME_HIST_SUB_BITS - 1;

	if (i < FCNVME_HIST_SUB)
		return i;
	return (uint64_t)(FCNVME_HIST_SUB + i % FCNVME_HIST_SUB) << (b - FCNVME_HIST_SUB_BITS);
}

uint64_t fcnvme_hist_upper(unsigned int i)
{
	return fcnvme_hist_lower(i) + (hist_width(i) - 1);
}

uint64_t fcnvme_hist_value(unsigned int i)
{
	return fcnvme_hist_lower(i) + hist_width(i) / 2;
}

void fcnvme_hist_add(struct fcnvme_hist *dst, const struct fcnvme_hist *src)
{
	unsigned int i;

	for (i = 0; i < FCNVME_HIST_BUCKETS; i++) {
		uint64_t d = atomic_load_explicit(&dst->n[i], memory_order_relaxed);
		uint64_t a = atomic_load_explicit(&src->n[i], memory_order_relaxed);

		atomic_store_explicit(&dst->n[i], d + a, memory_order_relaxed);
	}
	atomic_store_explicit(&dst->sum,
			      atomic_load_explicit(&dst->sum, memory_order_relaxed) +
				      atomic_load_explicit(&src->sum, memory_order_relaxed),
			      memory_order_relaxed);
}

void fcnvme_hist_diff(struct fcnvme_hist *dst, const struct fcnvme_hist *now,
		      const struct fcnvme_hist *before)
{
	unsigned int i;

	for (i = 0; i < FCNVME_HIST_BUCKETS; i++) {
		uint64_t a = atomic_load_explicit(&now->n[i], memory_order_relaxed);
		uint64_t b = atomic_load_explicit(&before->n[i], memory_order_relaxed);

		atomic_store_explicit(&dst->n[i], a > b ? a - b : 0, memory_order_relaxed);
	}
	atomic_store_explicit(&dst->sum,
			      atomic_load_explicit(&now->sum, memory_order_relaxed) -
				      atomic_load_explicit(&before->sum, memory_order_relaxed),
			      memory_order_relaxed);
}

uint64_t fcnvme_hist_count_le(const struct fcnvme_hist *h, uint64_t bound)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < FCNVME_HIST_BUCKETS && fcnvme_hist_upper(i) <= bound; i++)
		n += atomic_load_explicit(&h->n[i], memory_order_relaxed);
	return n;
}

uint64_t fcnvme_hist_count(const struct fcnvme_hist *h)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < FCNVME_HIST_BUCKETS; i++)
		n += atomic_load_explicit(&h->n[i], memory_order_relaxed);
	return n;
}

uint64_t fcnvme_hist_percentile(const struct fcnvme_hist *h, uint32_t ppm, uint64_t max)
{
	uint64_t n = fcnvme_hist_count(h), rank, seen = 0, v;
	unsigned int i;

	if (!n)
		return 0;
	if (ppm > 1000000)
		ppm = 1000000;
	/* rank = ceil(n * ppm / 10^6), at least 1, without overflow */
	rank = n / 1000000 * ppm + ((n % 1000000) * ppm + 999999) / 1000000;
	if (!rank)
		rank = 1;
	for (i = 0; i < FCNVME_HIST_BUCKETS - 1; i++) {
		seen += atomic_load_explicit(&h->n[i], memory_order_relaxed);
		if (seen >= rank)
			break;
	}
	/* the last rank is the maximum itself, when the caller knows it */
	if (rank == n && max != UINT64_MAX && fcnvme_hist_index(max) == i)
		return max;
	v = fcnvme_hist_value(i);
	return v < max ? v : max;
}
