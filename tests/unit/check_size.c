// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for sizes with binary suffixes (size.c): every accepted
 * spelling, the shortest exact output, refusals with -EINVAL, values past
 * 64 bits with -ERANGE and short buffers with -ENOSPC.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/size.h>

#include "suites_libfcnvme.h"

static const struct {
	const char *in;
	uint64_t v;
	const char *out;
} size_good[] = {
	{ "0", 0, "0" },
	{ "512", 512, "512" },
	{ "1536", 1536, "1536" },
	{ "1024", 1024, "1K" },
	{ "4K", 4096, "4K" },
	{ "4k", 4096, "4K" },
	{ "4KB", 4096, "4K" },
	{ "4kb", 4096, "4K" },
	{ "4KiB", 4096, "4K" },
	{ "4kib", 4096, "4K" },
	{ "256M", 256ULL << 20, "256M" },
	{ "1GiB", 1ULL << 30, "1G" },
	{ "1GB", 1ULL << 30, "1G" },
	{ "2048M", 2ULL << 30, "2G" },
	{ "3T", 3ULL << 40, "3T" },
	{ "5p", 5ULL << 50, "5P" },
	{ "15E", 15ULL << 60, "15E" },
	{ "007", 7, "7" },
	{ "18446744073709551615", UINT64_MAX, "18446744073709551615" },
};

START_TEST(size_parse_format)
{
	char buf[FCNVME_SIZE_STRLEN];
	uint64_t v = 0;

	ck_assert_msg(fcnvme_size_parse(size_good[_i].in, &v) == 0, "%s refused", size_good[_i].in);
	ck_assert_uint_eq(v, size_good[_i].v);
	ck_assert_int_eq(fcnvme_size_format(v, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, size_good[_i].out);
}
END_TEST

static const char *const size_bad[] = {
	"", "-1", "+1", " 1", "1 ", "1Q", "1KX", "1KBB", "1KiBx", "1iB", "K", "0x10", "1.5G", "1\n",
};

START_TEST(size_parse_bad)
{
	uint64_t v = 42;

	ck_assert_msg(fcnvme_size_parse(size_bad[_i], &v) == -EINVAL, "\"%s\" accepted",
		      size_bad[_i]);
	ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(size_parse_range)
{
	uint64_t v = 42;

	ck_assert_int_eq(fcnvme_size_parse("16E", &v), -ERANGE);
	ck_assert_int_eq(fcnvme_size_parse("1048576E", &v), -ERANGE);
	ck_assert_int_eq(fcnvme_size_parse("16777216T", &v), -ERANGE);
	ck_assert_int_eq(fcnvme_size_parse("18446744073709551616", &v), -ERANGE);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(fcnvme_size_parse("16777215T", &v), 0);
	ck_assert_uint_eq(v, 16777215ULL << 40);
	ck_assert_int_eq(fcnvme_size_parse(NULL, &v), -EINVAL);
	ck_assert_int_eq(fcnvme_size_parse("1", NULL), -EINVAL);
}
END_TEST

START_TEST(size_format_edges)
{
	char buf[FCNVME_SIZE_STRLEN];

	/* E is the largest suffix: 1024E would not fit anyway; 2^63 is 8E. */
	ck_assert_int_eq(fcnvme_size_format(1ULL << 63, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "8E");
	ck_assert_int_eq(fcnvme_size_format(UINT64_MAX - 1023, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "18014398509481983K");
	ck_assert_int_eq(fcnvme_size_format(UINT64_MAX, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(strlen(buf), 20);
	ck_assert_int_eq(fcnvme_size_format(4096, buf, 3), 0);
	ck_assert_str_eq(buf, "4K");
	ck_assert_int_eq(fcnvme_size_format(4096, buf, 2), -ENOSPC);
	ck_assert_str_eq(buf, "4");
	ck_assert_int_eq(fcnvme_size_format(1536, buf, 4), -ENOSPC);
	ck_assert_str_eq(buf, "153");
}
END_TEST

Suite *size_suite(void)
{
	Suite *s = suite_create("size");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, size_parse_format, 0, sizeof(size_good) / sizeof(size_good[0]));
	tcase_add_loop_test(tc, size_parse_bad, 0, sizeof(size_bad) / sizeof(size_bad[0]));
	tcase_add_test(tc, size_parse_range);
	tcase_add_test(tc, size_format_edges);
	suite_add_tcase(s, tc);
	return s;
}
