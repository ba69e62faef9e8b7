// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for random bytes and UUIDs (random.c): every byte is
 * written, lengths from 0 to more than one getrandom() read, successive
 * calls differ, and UUIDs carry version 4 and variant 1 and print in the
 * canonical form.
 */
#include <stdint.h>
#include <string.h>

#include <fcnvme/nqn.h>
#include <fcnvme/random.h>

#include "suites_libfcnvme.h"

START_TEST(random_bytes_fill)
{
	static uint8_t a[40000], b[40000];
	uint8_t zero[8] = { 0 };
	size_t i, same = 0;

	ck_assert_int_eq(fcnvme_random_bytes(NULL, 0), 0);
	ck_assert_int_eq(fcnvme_random_bytes(zero, 0), 0);
	ck_assert_uint_eq(zero[0], 0);
	/* more than getrandom()'s 256-byte atomic size: short reads are
	 * possible and must be retried */
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ck_assert_int_eq(fcnvme_random_bytes(a, sizeof(a)), 0);
	ck_assert_int_eq(fcnvme_random_bytes(b, sizeof(b)), 0);
	for (i = 0; i < sizeof(a); i++)
		same += a[i] == b[i];
	/* ~156 expected; 1000 means something is not random */
	ck_assert_uint_lt(same, 1000);
	/* the tail was written too */
	for (i = sizeof(a) - 64, same = 0; i < sizeof(a); i++)
		same += a[i] == 0;
	ck_assert_uint_lt(same, 16);
}
END_TEST

START_TEST(random_uuid_v4)
{
	uint8_t u[16], v[16];
	char s[FCNVME_UUID_STRLEN];
	int i;

	for (i = 0; i < 64; i++) {
		ck_assert_int_eq(fcnvme_random_uuid(u), 0);
		ck_assert_uint_eq(u[6] >> 4, 4);      /* version 4 */
		ck_assert_uint_eq(u[8] & 0xc0, 0x80); /* variant 1 (10b) */
		fcnvme_uuid_format(u, s);
		ck_assert_uint_eq(strlen(s), 36);
		ck_assert_int_eq(s[14], '4');
		ck_assert_ptr_nonnull(strchr("89ab", s[19]));
		ck_assert_int_eq(fcnvme_uuid_parse(s, v), 0);
		ck_assert_mem_eq(u, v, 16);
	}
	ck_assert_int_eq(fcnvme_random_uuid(v), 0);
	ck_assert_int_ne(memcmp(u, v, 16), 0);
}
END_TEST

Suite *random_suite(void)
{
	Suite *s = suite_create("random");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, random_bytes_fill);
	tcase_add_test(tc, random_uuid_v4);
	suite_add_tcase(s, tc);
	return s;
}
