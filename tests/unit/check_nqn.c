// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for NQN validation and UUID strings (nqn.c): the three valid
 * NQN forms, each refusal with its exact sentence, the 223-byte limit at
 * its edge, and UUID parse/format round trips.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/nqn.h>

#include "suites_libfcnvme.h"

static const char *const nqn_good[] = {
	FCNVME_DISCOVERY_NQN,
	"nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de349",
	"nqn.2014-08.org.nvmexpress:uuid:0F01FB42-9F7F-4856-B0B3-51E60B8DE349",
	"nqn.2016-06.io.spdk:cnode1",
	"nqn.2024-12.com.example.storage:array-01:ns/7",
	"nqn.1999-01.a:b",
	"nqn.2014-08.org.nvmexpress:NVMf:uuid:whatever",
};

START_TEST(nqn_valid)
{
	const char *why = "untouched";

	ck_assert_msg(fcnvme_nqn_validate(nqn_good[_i], &why) == 0, "%s refused: %s", nqn_good[_i],
		      why);
	ck_assert_str_eq(why, "untouched");
}
END_TEST

struct nqn_bad_row {
	const char *nqn;
	const char *why;
};

static const struct nqn_bad_row nqn_bad[] = {
	{ "", "NQN is empty" },
	{ "nqn.2016-06.io.spdk:cnode\t1", "NQN contains a control character" },
	{ "nqn.2016-06.io.spdk:cnode\x7f", "NQN contains a control character" },
	{ "blktests-subsystem-1", "NQN must start with 'nqn.'" },
	{ "NQN.2016-06.io.spdk:cnode1", "NQN must start with 'nqn.'" },
	{ "nqn", "NQN must start with 'nqn.'" },
	{ "nqn.2014-08.org.nvmexpress:uuid:",
	  "NQN UUID form needs a 36-character UUID after ':uuid:'" },
	{ "nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de34",
	  "NQN UUID form needs a 36-character UUID after ':uuid:'" },
	{ "nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de3490",
	  "NQN UUID form needs a 36-character UUID after ':uuid:'" },
	{ "nqn.2014-08.org.nvmexpress:uuid:0f01fb429f7f-4856-b0b3-51e60b8de349-",
	  "NQN UUID form needs a 36-character UUID after ':uuid:'" },
	{ "nqn.2014-08.org.nvmexpress.discovery2", "NQN needs ':' after the domain name" },
	{ "nqn.", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.16-06.io.spdk:cnode1", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.2016-6.io.spdk:cnode1", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.2016-13.io.spdk:cnode1", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.2016-00.io.spdk:cnode1", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.2016/06.io.spdk:cnode1", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.2016-06:io.spdk:cnode1", "NQN needs a date 'yyyy-mm.' after 'nqn.'" },
	{ "nqn.2016-06.io.spdk", "NQN needs ':' after the domain name" },
	{ "nqn.2016-06.:cnode1", "NQN needs a reverse domain name after the date" },
	{ "nqn.2016-06.io_spdk:cnode1",
	  "NQN domain name may hold only letters, digits, '-' and '.'" },
	{ "nqn.2016-06.io spdk:cnode1",
	  "NQN domain name may hold only letters, digits, '-' and '.'" },
	{ "nqn.2016-06.io..spdk:cnode1", "NQN domain name has an empty label" },
	{ "nqn.2016-06..io.spdk:cnode1", "NQN domain name has an empty label" },
	{ "nqn.2016-06.io.spdk.:cnode1", "NQN domain name has an empty label" },
	{ "nqn.2016-06.io.spdk:", "NQN needs a name after ':'" },
};

START_TEST(nqn_invalid)
{
	const struct nqn_bad_row *r = &nqn_bad[_i];
	const char *why = NULL;

	ck_assert_msg(fcnvme_nqn_validate(r->nqn, &why) == -EINVAL, "\"%s\" accepted", r->nqn);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strcmp(why, r->why) == 0, "\"%s\": got \"%s\", want \"%s\"", r->nqn, why,
		      r->why);
}
END_TEST

START_TEST(nqn_length_limit)
{
	char nqn[300];
	const char *why = NULL;
	size_t pfx;

	strcpy(nqn, "nqn.2016-06.io.spdk:");
	pfx = strlen(nqn);
	memset(nqn + pfx, 'n', FCNVME_NQN_MAXLEN - pfx);
	nqn[FCNVME_NQN_MAXLEN] = '\0';
	ck_assert_uint_eq(strlen(nqn), 223);
	ck_assert_int_eq(fcnvme_nqn_validate(nqn, &why), 0);
	nqn[FCNVME_NQN_MAXLEN] = 'n';
	nqn[FCNVME_NQN_MAXLEN + 1] = '\0';
	ck_assert_int_eq(fcnvme_nqn_validate(nqn, &why), -EINVAL);
	ck_assert_str_eq(why, "NQN longer than 223 bytes");
	/* Far longer: the length is still the first complaint. */
	memset(nqn, 'x', sizeof(nqn) - 1);
	nqn[sizeof(nqn) - 1] = '\0';
	ck_assert_int_eq(fcnvme_nqn_validate(nqn, &why), -EINVAL);
	ck_assert_str_eq(why, "NQN longer than 223 bytes");
	ck_assert_int_eq(fcnvme_nqn_validate(NULL, &why), -EINVAL);
	ck_assert_str_eq(why, "NQN is missing");
	ck_assert_int_eq(fcnvme_nqn_validate("x", NULL), -EINVAL);
}
END_TEST

START_TEST(uuid_parse_format)
{
	static const uint8_t want[16] = {
		0x0f, 0x01, 0xfb, 0x42, 0x9f, 0x7f, 0x48, 0x56,
		0xb0, 0xb3, 0x51, 0xe6, 0x0b, 0x8d, 0xe3, 0x49,
	};
	uint8_t u[16];
	char s[37];

	ck_assert_int_eq(fcnvme_uuid_parse("0F01FB42-9f7f-4856-B0B3-51e60b8de349", u), 0);
	ck_assert_mem_eq(u, want, 16);
	memset(s, 'z', sizeof(s));
	fcnvme_uuid_format(want, s);
	ck_assert_str_eq(s, "0f01fb42-9f7f-4856-b0b3-51e60b8de349");

	memset(u, 0x55, sizeof(u));
	ck_assert_int_eq(fcnvme_uuid_parse("0f01fb42-9f7f-4856-b0b3-51e60b8de34", u), -EINVAL);
	ck_assert_int_eq(fcnvme_uuid_parse("0f01fb42-9f7f-4856-b0b3-51e60b8de3499", u), -EINVAL);
	ck_assert_int_eq(fcnvme_uuid_parse("0f01fb42+9f7f-4856-b0b3-51e60b8de349", u), -EINVAL);
	ck_assert_int_eq(fcnvme_uuid_parse("0f01fb4g-9f7f-4856-b0b3-51e60b8de349", u), -EINVAL);
	ck_assert_int_eq(fcnvme_uuid_parse("0f01fb429f7f48564b0b351e60b8de349abc", u), -EINVAL);
	ck_assert_int_eq(fcnvme_uuid_parse("", u), -EINVAL);
	ck_assert_int_eq(fcnvme_uuid_parse(NULL, u), -EINVAL);
	ck_assert_uint_eq(u[0], 0x55); /* untouched on failure */
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The NQN and UUID suite. */
Suite *nqn_suite(void)
{
	Suite *s = suite_create("nqn");
	TCase *n = tcase_create("nqn");
	TCase *u = tcase_create("uuid");

	tcase_add_loop_test(n, nqn_valid, 0, NROWS(nqn_good));
	tcase_add_loop_test(n, nqn_invalid, 0, NROWS(nqn_bad));
	tcase_add_test(n, nqn_length_limit);
	suite_add_tcase(s, n);
	tcase_add_test(u, uuid_parse_format);
	suite_add_tcase(s, u);
	return s;
}
