// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for error messages into a caller's buffer (err.c): the
 * message, the returned error, truncation, and no write without a buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <fcnvme/err.h>

#include "suites_libfcnvme.h"

START_TEST(err_formats_and_returns)
{
	char buf[64];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(fcnvme_err(buf, sizeof(buf), -EINVAL, "port %s: %d", "p0", 7), -EINVAL);
	ck_assert_str_eq(buf, "port p0: 7");
	ck_assert_int_eq(fcnvme_err(buf, sizeof(buf), 0, "plain"), 0);
	ck_assert_str_eq(buf, "plain");
	ck_assert_int_eq(fcnvme_err(buf, sizeof(buf), -ENOENT, "%s", ""), -ENOENT);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(err_truncates)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(fcnvme_err(buf, 6, -ERANGE, "%s", "0123456789"), -ERANGE);
	ck_assert_str_eq(buf, "01234");
	ck_assert_int_eq(buf[6], 'x'); /* nothing past errlen */
	ck_assert_int_eq(fcnvme_err(buf, 1, -ERANGE, "abc"), -ERANGE);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(buf[1], '1');
}
END_TEST

START_TEST(err_no_buffer)
{
	char buf[4] = "abc";

	ck_assert_int_eq(fcnvme_err(NULL, 64, -EIO, "x %d", 1), -EIO);
	ck_assert_int_eq(fcnvme_err(buf, 0, -EIO, "x %d", 1), -EIO);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

static int __attribute__((format(printf, 4, 5)))
wrapper(char *err, size_t errlen, int error, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fcnvme_verr(err, errlen, error, fmt, ap);
	va_end(ap);
	return rc;
}

START_TEST(err_va_list)
{
	char buf[32];

	ck_assert_int_eq(wrapper(buf, sizeof(buf), -EBUSY, "%s=%u", "nsid", 3u), -EBUSY);
	ck_assert_str_eq(buf, "nsid=3");
	ck_assert_int_eq(wrapper(NULL, 0, -EBUSY, "%s", "unused"), -EBUSY);
}
END_TEST

Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, err_formats_and_returns);
	tcase_add_test(tc, err_truncates);
	tcase_add_test(tc, err_no_buffer);
	tcase_add_test(tc, err_va_list);
	suite_add_tcase(s, tc);
	return s;
}
