// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for bounded unsigned numbers (num.c): decimal, hex and
 * octal, both bounds, 64-bit limits, and refusals of signs, spaces and
 * trailing text with -EINVAL and out-of-range values with -ERANGE, the
 * output left untouched.
 */
#include <errno.h>
#include <stdint.h>

#include <fcnvme/num.h>

#include "suites_libfcnvme.h"

static const struct {
	const char *in;
	uint64_t v;
} num_good[] = {
	{ "0", 0 },
	{ "7", 7 },
	{ "4096", 4096 },
	{ "0x10", 16 },
	{ "0X1f", 31 },
	{ "010", 8 }, /* octal, as strtoull base 0 */
	{ "18446744073709551615", UINT64_MAX },
	{ "0xffffffffffffffff", UINT64_MAX },
};

START_TEST(num_parse_good)
{
	uint64_t v = 42;

	ck_assert_msg(fcnvme_num_parse(num_good[_i].in, 0, UINT64_MAX, &v) == 0, "%s refused",
		      num_good[_i].in);
	ck_assert_uint_eq(v, num_good[_i].v);
}
END_TEST

static const char *const num_bad[] = {
	"", "-1", "+1", " 1", "1 ", "\t1", " -1", "1k", "0x", "08", "abc", "1.0", "1\n", "x1",
};

START_TEST(num_parse_bad)
{
	uint64_t v = 42;

	ck_assert_msg(fcnvme_num_parse(num_bad[_i], 0, UINT64_MAX, &v) == -EINVAL,
		      "\"%s\" accepted", num_bad[_i]);
	ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(num_parse_bounds)
{
	uint64_t v = 42;

	ck_assert_int_eq(fcnvme_num_parse("16", 16, 1024, &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(fcnvme_num_parse("1024", 16, 1024, &v), 0);
	ck_assert_uint_eq(v, 1024);
	v = 42;
	ck_assert_int_eq(fcnvme_num_parse("15", 16, 1024, &v), -ERANGE);
	ck_assert_int_eq(fcnvme_num_parse("1025", 16, 1024, &v), -ERANGE);
	ck_assert_int_eq(fcnvme_num_parse("0", 1, 0xfffffffe, &v), -ERANGE);
	ck_assert_int_eq(fcnvme_num_parse("0xffffffff", 1, 0xfffffffe, &v), -ERANGE);
	ck_assert_int_eq(fcnvme_num_parse("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	ck_assert_int_eq(fcnvme_num_parse("0x10000000000000000", 0, UINT64_MAX, &v), -ERANGE);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(fcnvme_num_parse(NULL, 0, 1, &v), -EINVAL);
	ck_assert_int_eq(fcnvme_num_parse("1", 0, 1, NULL), -EINVAL);
}
END_TEST

Suite *num_suite(void)
{
	Suite *s = suite_create("num");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, num_parse_good, 0, sizeof(num_good) / sizeof(num_good[0]));
	tcase_add_loop_test(tc, num_parse_bad, 0, sizeof(num_bad) / sizeof(num_bad[0]));
	tcase_add_test(tc, num_parse_bounds);
	suite_add_tcase(s, tc);
	return s;
}
