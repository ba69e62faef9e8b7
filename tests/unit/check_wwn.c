// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for WWN and FC traddr parsing and formatting (wwn.c): every
 * accepted input form, the canonical output, and invalid forms refused
 * with -EINVAL and short buffers with -ENOSPC.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/wwn.h>

#include "suites_libfcnvme.h"

#define WWN 0x21000024ff19ab71ULL

static const char *const wwn_good[] = {
	"0x21000024ff19ab71",	"0X21000024FF19AB71",	   "21000024ff19ab71",
	"21000024FF19aB71",	"21:00:00:24:ff:19:ab:71", "21:00:00:24:FF:19:AB:71",
	"naa.21000024ff19ab71", "NAA.21000024FF19AB71",
};

START_TEST(wwn_parse_good)
{
	uint64_t w = 0;

	ck_assert_msg(fcnvme_wwn_parse(wwn_good[_i], &w) == 0, "%s refused", wwn_good[_i]);
	ck_assert_uint_eq(w, WWN);
}
END_TEST

static const char *const wwn_bad[] = {
	"",
	"0x",
	"naa.",
	"0x21000024ff19ab7",   /* 15 digits */
	"0x21000024ff19ab710", /* 17 digits */
	"21000024ff19ab7",
	"21000024ff19ab711",
	"21:00:00:24:ff:19:ab",
	"21:00:00:24:ff:19:ab:71:",
	"21:00:00:24:ff:19:ab:7",
	"21-00-00-24-ff-19-ab-71",
	"2:100:00:24:ff:19:ab:71",
	"21:0000:24:ff:19:ab:71:",
	"naa.0x21000024ff19ab71",
	"0x0x21000024ff19ab71",
	" 0x21000024ff19ab71",
	"0x21000024ff19ab71 ",
	"0x21000024ff19ag71",
	"x21000024ff19ab71",
	"+0x21000024ff19ab7",
	"nn-0x21000024ff19ab71",
};

START_TEST(wwn_parse_bad)
{
	uint64_t w = 0x55;

	ck_assert_msg(fcnvme_wwn_parse(wwn_bad[_i], &w) == -EINVAL, "\"%s\" accepted", wwn_bad[_i]);
	ck_assert_uint_eq(w, 0x55);
}
END_TEST

START_TEST(wwn_parse_null)
{
	uint64_t w;

	ck_assert_int_eq(fcnvme_wwn_parse(NULL, &w), -EINVAL);
	ck_assert_int_eq(fcnvme_wwn_parse("0x21000024ff19ab71", NULL), -EINVAL);
}
END_TEST

START_TEST(wwn_format)
{
	char buf[32];
	uint64_t back;

	memset(buf, 'z', sizeof(buf));
	ck_assert_int_eq(fcnvme_wwn_format(WWN, buf, FCNVME_WWN_STRLEN), 0);
	ck_assert_str_eq(buf, "0x21000024ff19ab71");
	ck_assert_int_eq(fcnvme_wwn_format(0x1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "0x0000000000000001");
	ck_assert_int_eq(fcnvme_wwn_format(UINT64_MAX, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "0xffffffffffffffff");
	memset(buf, 'z', sizeof(buf));
	ck_assert_int_eq(fcnvme_wwn_format(WWN, buf, FCNVME_WWN_STRLEN - 1), -ENOSPC);
	ck_assert_uint_eq(buf[0], 'z');
	ck_assert_int_eq(fcnvme_wwn_format(WWN, NULL, 19), -EINVAL);
	/* Round trip of the canonical form. */
	ck_assert_int_eq(fcnvme_wwn_format(0x10001100aa000001ULL, buf, sizeof(buf)), 0);
	ck_assert_int_eq(fcnvme_wwn_parse(buf, &back), 0);
	ck_assert_uint_eq(back, 0x10001100aa000001ULL);
}
END_TEST

static const char *const traddr_good[] = {
	"nn-0x20000090fa942779:pn-0x10000090fa942779", "nn-20000090fa942779:pn-10000090fa942779",
	"nn-0x20000090FA942779:pn-10000090fa942779",   "nn-20000090fa942779:pn-0x10000090FA942779",
	"NN-0X20000090FA942779:PN-0X10000090FA942779",
};

START_TEST(traddr_parse_good)
{
	uint64_t nn = 0, pn = 0;

	ck_assert_msg(fcnvme_traddr_parse(traddr_good[_i], &nn, &pn) == 0, "%s refused",
		      traddr_good[_i]);
	ck_assert_uint_eq(nn, 0x20000090fa942779ULL);
	ck_assert_uint_eq(pn, 0x10000090fa942779ULL);
}
END_TEST

static const char *const traddr_bad[] = {
	"",
	"nn-0x20000090fa942779",
	"nn-0x20000090fa942779:",
	"nn-0x20000090fa942779:pn-",
	"nn-0x20000090fa942779:pn-0x",
	"nn-0x20000090fa942779,pn-0x10000090fa942779",
	"pn-0x10000090fa942779:nn-0x20000090fa942779",
	"nn-0x20000090fa94277:pn-0x10000090fa942779",
	"nn-0x20000090fa942779:pn-0x10000090fa94277",
	"nn-0x20000090fa9427790:pn-0x10000090fa942779",
	"nn-0x20000090fa942779:pn-0x10000090fa9427790",
	"nn-0x20000090fa942779:pn-0x10000090fa942779:",
	"nn-0x20000090fa942779:pn-0x10000090fa942779 ",
	" nn-0x20000090fa942779:pn-0x10000090fa942779",
	"nn-0x20:00:00:90:fa:94:27:79:pn-0x10000090fa942779",
	"nn0x20000090fa942779:pn-0x10000090fa942779",
	"nn-0x20000090fa942779:pn-0x1000009gfa942779",
	"0x20000090fa942779:0x10000090fa942779",
};

START_TEST(traddr_parse_bad)
{
	uint64_t nn = 0x55, pn = 0x66;

	ck_assert_msg(fcnvme_traddr_parse(traddr_bad[_i], &nn, &pn) == -EINVAL, "\"%s\" accepted",
		      traddr_bad[_i]);
	ck_assert_uint_eq(nn, 0x55);
	ck_assert_uint_eq(pn, 0x66);
}
END_TEST

START_TEST(traddr_format)
{
	char buf[64];
	uint64_t nn, pn;

	ck_assert_int_eq(fcnvme_traddr_format(0x20000090fa942779ULL, 0x10000090fa942779ULL, buf,
					      FCNVME_TRADDR_STRLEN),
			 0);
	ck_assert_str_eq(buf, "nn-0x20000090fa942779:pn-0x10000090fa942779");
	ck_assert_uint_eq(strlen(buf), 43);
	ck_assert_int_eq(fcnvme_traddr_format(1, 2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "nn-0x0000000000000001:pn-0x0000000000000002");
	memset(buf, 'z', sizeof(buf));
	ck_assert_int_eq(fcnvme_traddr_format(1, 2, buf, FCNVME_TRADDR_STRLEN - 1), -ENOSPC);
	ck_assert_uint_eq(buf[0], 'z');
	ck_assert_int_eq(fcnvme_traddr_format(1, 2, NULL, 64), -EINVAL);
	ck_assert_int_eq(fcnvme_traddr_parse(NULL, &nn, &pn), -EINVAL);
	ck_assert_int_eq(fcnvme_traddr_parse("nn-1:pn-2", NULL, &pn), -EINVAL);
	/* Round trip. */
	ck_assert_int_eq(fcnvme_traddr_format(0x10001100ab000002ULL, 0x20001100ab000002ULL, buf,
					      sizeof(buf)),
			 0);
	ck_assert_int_eq(fcnvme_traddr_parse(buf, &nn, &pn), 0);
	ck_assert_uint_eq(nn, 0x10001100ab000002ULL);
	ck_assert_uint_eq(pn, 0x20001100ab000002ULL);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The WWN and traddr suite. */
Suite *wwn_suite(void)
{
	Suite *s = suite_create("wwn");
	TCase *w = tcase_create("wwn");
	TCase *t = tcase_create("traddr");

	tcase_add_loop_test(w, wwn_parse_good, 0, NROWS(wwn_good));
	tcase_add_loop_test(w, wwn_parse_bad, 0, NROWS(wwn_bad));
	tcase_add_test(w, wwn_parse_null);
	tcase_add_test(w, wwn_format);
	suite_add_tcase(s, w);
	tcase_add_loop_test(t, traddr_parse_good, 0, NROWS(traddr_good));
	tcase_add_loop_test(t, traddr_parse_bad, 0, NROWS(traddr_bad));
	tcase_add_test(t, traddr_format);
	suite_add_tcase(s, t);
	return s;
}
