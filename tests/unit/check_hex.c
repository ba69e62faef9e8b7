// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for hex digits and hex byte strings (hex.c): every digit of
 * either case, exact byte values both ways, truncation, and refusals (wrong length, signs,
 * spaces, prefixes, other characters) with -EINVAL and the output left
 * untouched.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/hex.h>

#include "suites_libfcnvme.h"

START_TEST(hex_digit_all)
{
	int c;

	for (c = -128; c < 128; c++) {
		int want = -1;

		if (c >= '0' && c <= '9')
			want = c - '0';
		else if (c >= 'a' && c <= 'f')
			want = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			want = c - 'A' + 10;
		ck_assert_int_eq(fcnvme_hex_digit((char)c), want);
	}
}
END_TEST

START_TEST(hex_parse_good)
{
	static const uint8_t want[8] = { 0x00, 0x12, 0xab, 0xcd, 0xef, 0xff, 0x9a, 0x0f };
	uint8_t out[16];

	ck_assert_int_eq(fcnvme_hex_parse("0012abcdefff9a0f", out, 8), 0);
	ck_assert_mem_eq(out, want, 8);
	ck_assert_int_eq(fcnvme_hex_parse("0012ABCDEFFF9A0F", out, 8), 0);
	ck_assert_mem_eq(out, want, 8);
	ck_assert_int_eq(fcnvme_hex_parse("0012AbCdEfFf9a0F", out, 8), 0);
	ck_assert_mem_eq(out, want, 8);
	ck_assert_int_eq(fcnvme_hex_parse("0123456789abcdeffedcba9876543210", out, 16), 0);
	ck_assert_uint_eq(out[0], 0x01);
	ck_assert_uint_eq(out[7], 0xef);
	ck_assert_uint_eq(out[15], 0x10);
	/* zero bytes: only the empty string */
	ck_assert_int_eq(fcnvme_hex_parse("", NULL, 0), 0);
	ck_assert_int_eq(fcnvme_hex_parse("0", NULL, 0), -EINVAL);
}
END_TEST

static const char *const hex_bad[] = {
	"",	      /* too short */
	"0011223",    /* odd */
	"001122334",  /* one too many */
	"0011223344", /* a byte too many */
	"0x112233",   /* prefixes are the caller's */
	"0X112233",   "+1223344", "-1223344", " 1223344", "\t1223344",	    "0011223 ",
	"0011223\n",  "001122g3", "0011 233", "0011:233", "001122\xc3\xa9",
};

START_TEST(hex_parse_bad)
{
	uint8_t out[4] = { 0x5a, 0x5a, 0x5a, 0x5a };
	static const uint8_t untouched[4] = { 0x5a, 0x5a, 0x5a, 0x5a };

	ck_assert_msg(fcnvme_hex_parse(hex_bad[_i], out, 4) == -EINVAL, "\"%s\" accepted",
		      hex_bad[_i]);
	ck_assert_mem_eq(out, untouched, 4);
}
END_TEST

START_TEST(hex_parse_null)
{
	uint8_t out[1];

	ck_assert_int_eq(fcnvme_hex_parse(NULL, out, 1), -EINVAL);
	ck_assert_int_eq(fcnvme_hex_parse("00", NULL, 1), -EINVAL);
}
END_TEST

START_TEST(hex_format_exact)
{
	static const uint8_t v[8] = { 0x00, 0x12, 0xab, 0xcd, 0xef, 0xff, 0x9a, 0x0f };
	uint8_t back[8];
	char buf[17];

	ck_assert_int_eq(fcnvme_hex_format(v, 8, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "0012abcdefff9a0f");
	ck_assert_int_eq(fcnvme_hex_parse(buf, back, 8), 0);
	ck_assert_mem_eq(back, v, 8);
	ck_assert_int_eq(fcnvme_hex_format(v, 0, buf, 1), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(hex_format_short)
{
	static const uint8_t v[4] = { 0xde, 0xad, 0xbe, 0xef };
	char buf[16];

	/* 9 bytes hold all 4; 8 hold 3 whole bytes and the NUL */
	ck_assert_int_eq(fcnvme_hex_format(v, 4, buf, 9), 0);
	ck_assert_str_eq(buf, "deadbeef");
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(fcnvme_hex_format(v, 4, buf, 8), -ENOSPC);
	ck_assert_str_eq(buf, "deadbe");
	ck_assert_int_eq(buf[7], 'x');
	ck_assert_int_eq(fcnvme_hex_format(v, 4, buf, 2), -ENOSPC);
	ck_assert_str_eq(buf, "");
	buf[0] = 'x';
	ck_assert_int_eq(fcnvme_hex_format(v, 4, buf, 0), -ENOSPC);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

Suite *hex_suite(void)
{
	Suite *s = suite_create("hex");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hex_digit_all);
	tcase_add_test(tc, hex_parse_good);
	tcase_add_loop_test(tc, hex_parse_bad, 0, sizeof(hex_bad) / sizeof(hex_bad[0]));
	tcase_add_test(tc, hex_parse_null);
	tcase_add_test(tc, hex_format_exact);
	tcase_add_test(tc, hex_format_short);
	suite_add_tcase(s, tc);
	return s;
}
