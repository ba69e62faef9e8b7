// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the log-linear histogram (fcnvme/hist.h, hist.c): exact
 * bucket indices and bounds at 0, 1, the powers of two and their
 * neighbours and the top of the 64-bit range; the 1/16 error bound of
 * every bucket's representative value; percentiles of known distributions;
 * adding histograms.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/hist.h>

#include "suites_libfcnvme.h"
#include "test_rng.h"

static const struct {
	uint64_t v;
	unsigned int idx;
} hist_idx[] = {
	{ 0, 0 },
	{ 1, 1 },
	{ 2, 2 },
	{ 3, 3 },
	{ 7, 7 },
	{ 8, 8 },
	{ 15, 15 },
	{ 16, 16 }, /* octave 4: width 2 */
	{ 17, 16 },
	{ 18, 17 },
	{ 31, 23 },
	{ 32, 24 }, /* octave 5: width 4 */
	{ 35, 24 },
	{ 36, 25 },
	{ 63, 31 },
	{ 64, 32 },
	{ 127, 39 },
	{ 128, 40 },
	{ 1023, 63 },
	{ 1024, 64 }, /* octave 10: width 128 */
	{ 1151, 64 },
	{ 1152, 65 },
	{ 4095, 79 },
	{ 4096, 80 },
	{ 4097, 80 },
	{ UINT64_C(1) << 32, 240 },
	{ (UINT64_C(1) << 32) - 1, 239 },
	{ (UINT64_C(1) << 32) + (UINT64_C(1) << 29), 241 },
	{ UINT64_C(1) << 63, 488 },
	{ (UINT64_C(1) << 63) - 1, 487 },
	{ (UINT64_C(1) << 63) + (UINT64_C(1) << 60) - 1, 488 },
	{ UINT64_MAX - 1, 495 },
	{ UINT64_MAX, 495 },
};

START_TEST(hist_index_exact)
{
	uint64_t v = hist_idx[_i].v;
	unsigned int i = hist_idx[_i].idx;

	ck_assert_msg(fcnvme_hist_index(v) == i, "%llu: bucket %u, want %u", (unsigned long long)v,
		      fcnvme_hist_index(v), i);
	ck_assert_uint_le(fcnvme_hist_lower(i), v);
	ck_assert_uint_ge(fcnvme_hist_upper(i), v);
}
END_TEST

/* Every bucket: bounds adjoin the next bucket's, the index maps both
 * bounds back, and the representative value lies within 1/16 of both. */
START_TEST(hist_bounds_all)
{
	unsigned int i;

	ck_assert_uint_eq(FCNVME_HIST_BUCKETS, 496);
	ck_assert_uint_eq(sizeof(struct fcnvme_hist), 497 * 8);
	ck_assert_uint_eq(fcnvme_hist_lower(0), 0);
	ck_assert_uint_eq(fcnvme_hist_upper(FCNVME_HIST_BUCKETS - 1), UINT64_MAX);
	for (i = 0; i < FCNVME_HIST_BUCKETS; i++) {
		uint64_t lo = fcnvme_hist_lower(i), hi = fcnvme_hist_upper(i);
		uint64_t m = fcnvme_hist_value(i);

		ck_assert_uint_eq(fcnvme_hist_index(lo), i);
		ck_assert_uint_eq(fcnvme_hist_index(hi), i);
		ck_assert_uint_eq(fcnvme_hist_index(m), i);
		if (i + 1 < FCNVME_HIST_BUCKETS)
			ck_assert_uint_eq(fcnvme_hist_lower(i + 1), hi + 1);
		if (i < 16) {
			ck_assert_uint_eq(lo, i);
			ck_assert_uint_eq(hi, i);
			ck_assert_uint_eq(m, i);
		}
		/* |m - v| <= v / 16 at both ends of the bucket */
		ck_assert_uint_le(m - lo, lo / 16);
		ck_assert_uint_le(hi - m, hi / 16);
	}
	ck_assert_uint_eq(fcnvme_hist_lower(16), 16);
	ck_assert_uint_eq(fcnvme_hist_upper(16), 17);
	ck_assert_uint_eq(fcnvme_hist_value(16), 17);
	ck_assert_uint_eq(fcnvme_hist_lower(64), 1024);
	ck_assert_uint_eq(fcnvme_hist_upper(64), 1151);
	ck_assert_uint_eq(fcnvme_hist_value(64), 1088);
	ck_assert_uint_eq(fcnvme_hist_lower(495), UINT64_C(15) << 60);
	ck_assert_uint_eq(fcnvme_hist_value(495), (UINT64_C(31) << 59));
}
END_TEST

START_TEST(hist_percentile_known)
{
	static struct fcnvme_hist h;
	uint64_t v, p;
	unsigned int k;

	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(fcnvme_hist_count(&h), 0);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, UINT64_MAX), 0);
	/* one value: every percentile is its bucket's, capped by the max */
	fcnvme_hist_record(&h, 5);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 0, UINT64_MAX), 5);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 1000000, UINT64_MAX), 5);
	memset(&h, 0, sizeof(h));
	fcnvme_hist_record(&h, 1000);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, UINT64_MAX), 992); /* 960..1023 */
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, 1000), 1000);
	/* 1..100000: the nearest-rank p-th percentile is p * 100000 / 10^6 */
	memset(&h, 0, sizeof(h));
	for (v = 1; v <= 100000; v++)
		fcnvme_hist_record(&h, v);
	ck_assert_uint_eq(fcnvme_hist_count(&h), 100000);
	for (k = 1; k <= 1000; k++) {
		uint64_t want = (uint64_t)k * 100;

		p = fcnvme_hist_percentile(&h, k * 1000, 100000);
		ck_assert_msg(p >= want - want / 16 && p <= want + want / 16,
			      "p%u: %llu, want %llu +- 1/16", k, (unsigned long long)p,
			      (unsigned long long)want);
	}
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 1000000, 100000), 100000);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 2000000, 100000), 100000);
	/* 990 at 1000 ns, 9 at 1 ms, 1 at 40 ms (1000 values) */
	memset(&h, 0, sizeof(h));
	for (k = 0; k < 990; k++)
		fcnvme_hist_record(&h, 1000);
	for (k = 0; k < 9; k++)
		fcnvme_hist_record(&h, 1000000);
	fcnvme_hist_record(&h, 40000000);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, 40000000), 992);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 990000, 40000000), 992);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 999000, 40000000), 1015808); /* 983040.. */
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 999001, 40000000), 40000000);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 999001, UINT64_MAX), 39845888);
	/* the top of the range */
	memset(&h, 0, sizeof(h));
	fcnvme_hist_record(&h, UINT64_MAX - 5);
	ck_assert_uint_eq(h.n[FCNVME_HIST_BUCKETS - 1], 1);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, UINT64_MAX), UINT64_C(31) << 59);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, UINT64_MAX - 5), UINT64_MAX - 5);
	/* below the last rank the maximum only caps */
	fcnvme_hist_record(&h, UINT64_MAX - 5);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500000, UINT64_MAX - 5), UINT64_C(31) << 59);
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 500001, UINT64_MAX - 5), UINT64_MAX - 5);
}
END_TEST

/* |p - want| <= want / 16, without overflow near UINT64_MAX */
static int hist_within(uint64_t p, uint64_t want)
{
	return (p > want ? p - want : want - p) <= want / 16;
}

#define N 20000 /* values in hist_percentile_random */

static int hist_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* 20000 pseudo-random values spread over the whole 64-bit range (a random
 * word shifted right by 0..63): every percentile, against the exact
 * nearest-rank one of the sorted values, is within 1/16. */
START_TEST(hist_percentile_random)
{
	static struct fcnvme_hist h;
	static uint64_t v[N];
	uint64_t x = 0x9e3779b97f4a7c15ull, want, p, rank;
	uint32_t ppm;
	unsigned int i;

	memset(&h, 0, sizeof(h));
	for (i = 0; i < N; i++) {
		test_rng_next(&x);
		v[i] = x >> (x % 64);
		fcnvme_hist_record(&h, v[i]);
	}
	qsort(v, N, sizeof(v[0]), hist_cmp_u64);
	for (ppm = 0; ppm <= 1000000; ppm += ppm < 990000 ? 2500 : 100) {
		rank = ((uint64_t)N * ppm + 999999) / 1000000;
		want = v[rank ? rank - 1 : 0];
		p = fcnvme_hist_percentile(&h, ppm, UINT64_MAX);
		ck_assert_msg(hist_within(p, want), "ppm %u: %llu, want %llu +- 1/16", ppm,
			      (unsigned long long)p, (unsigned long long)want);
		/* with the exact maximum: still within, and the last rank exact */
		p = fcnvme_hist_percentile(&h, ppm, v[N - 1]);
		ck_assert_uint_le(p, v[N - 1]);
		ck_assert(hist_within(p, want));
	}
	ck_assert_uint_eq(fcnvme_hist_percentile(&h, 1000000, v[N - 1]), v[N - 1]);
}
END_TEST

START_TEST(hist_add)
{
	static struct fcnvme_hist a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	fcnvme_hist_record(&a, 0);
	fcnvme_hist_record(&a, 1000);
	fcnvme_hist_record(&b, 1000);
	fcnvme_hist_record(&b, 1100);
	fcnvme_hist_record(&b, UINT64_MAX);
	fcnvme_hist_add(&a, &b);
	ck_assert_uint_eq(fcnvme_hist_count(&a), 5);
	ck_assert_uint_eq(fcnvme_hist_count(&b), 3);
	ck_assert_uint_eq(a.n[0], 1);
	ck_assert_uint_eq(a.n[fcnvme_hist_index(1000)], 2);
	ck_assert_uint_eq(a.n[64], 1);
	ck_assert_uint_eq(a.n[495], 1);
	ck_assert_uint_eq(b.n[fcnvme_hist_index(1000)], 1);
	/* ranks 1..5: 0, 1000, 1000, 1100, max */
	ck_assert_uint_eq(fcnvme_hist_percentile(&a, 200000, UINT64_MAX), 0);
	ck_assert_uint_eq(fcnvme_hist_percentile(&a, 600000, UINT64_MAX), 992);
	ck_assert_uint_eq(fcnvme_hist_percentile(&a, 800000, UINT64_MAX), 1088);
	ck_assert_uint_eq(fcnvme_hist_percentile(&a, 800001, UINT64_MAX), UINT64_C(31) << 59);
}
END_TEST

/* The power-of-two bounds 2^k - 1 end a bucket, so the fine buckets nest
 * inside them and fcnvme_hist_count_le() is exact there: checked against
 * a brute-force count of 5000 values (xorshift, seed printed). The sum is
 * exact; fcnvme_hist_diff() undoes fcnvme_hist_add(). */
START_TEST(hist_coarse_sum_diff)
{
	static struct fcnvme_hist h, before, d;
	static uint64_t v[5000];
	uint64_t seed = 0x2545f4914f6cdd1dull, x = seed, sum = 0, want;
	unsigned int i, k;

	printf("hist_coarse_sum_diff: seed 0x%llx\n", (unsigned long long)seed);
	for (k = 4; k < 64; k++) {
		uint64_t b = (UINT64_C(1) << k) - 1;

		ck_assert_uint_eq(fcnvme_hist_upper(fcnvme_hist_index(b)), b);
		ck_assert_uint_eq(fcnvme_hist_lower(fcnvme_hist_index(b + 1)), b + 1);
	}
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 5000; i++) {
		test_rng_next(&x);
		v[i] = (x >> 20) >> (x % 44); /* 0 .. 2^44 */
		fcnvme_hist_record(&h, v[i]);
		sum += v[i];
	}
	ck_assert_uint_eq(h.sum, sum);
	for (k = 4; k < 64; k++) {
		uint64_t b = (UINT64_C(1) << k) - 1;

		for (want = 0, i = 0; i < 5000; i++)
			want += v[i] <= b;
		ck_assert_msg(fcnvme_hist_count_le(&h, b) == want, "le 2^%u-1: %llu, want %llu", k,
			      (unsigned long long)fcnvme_hist_count_le(&h, b),
			      (unsigned long long)want);
	}
	ck_assert_uint_eq(fcnvme_hist_count_le(&h, UINT64_MAX), 5000);
	/* 1000 and 1023 share a bucket: below 1023 that bucket is left out */
	memset(&before, 0, sizeof(before));
	fcnvme_hist_record(&before, 1000);
	fcnvme_hist_record(&before, 1023);
	ck_assert_uint_eq(fcnvme_hist_count_le(&before, 1010), 0);
	ck_assert_uint_eq(fcnvme_hist_count_le(&before, 1023), 2);
	fcnvme_hist_diff(&d, &h, &h);
	ck_assert_uint_eq(fcnvme_hist_count(&d), 0);
	ck_assert_uint_eq(d.sum, 0);
	memcpy(&d, &h, sizeof(h));
	fcnvme_hist_add(&d, &before);
	ck_assert_uint_eq(d.sum, sum + 2023);
	fcnvme_hist_diff(&d, &d, &h);
	ck_assert_uint_eq(fcnvme_hist_count(&d), 2);
	ck_assert_uint_eq(fcnvme_hist_index(1000), fcnvme_hist_index(1023));
	ck_assert_uint_eq(d.n[fcnvme_hist_index(1000)], 2);
	ck_assert_uint_eq(d.sum, 2023);
	/* a bucket that went down counts 0 */
	fcnvme_hist_diff(&d, &before, &h);
	ck_assert_uint_le(fcnvme_hist_count(&d), 2);
}
END_TEST

/* The histogram suite. */
Suite *hist_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_add_loop_test(tc, hist_index_exact, 0, sizeof(hist_idx) / sizeof(hist_idx[0]));
	tcase_add_test(tc, hist_bounds_all);
	tcase_add_test(tc, hist_percentile_known);
	tcase_add_test(tc, hist_percentile_random);
	tcase_add_test(tc, hist_add);
	tcase_add_test(tc, hist_coarse_sum_diff);
	suite_add_tcase(s, tc);
	return s;
}
