// SPDX-License-Identifier: Apache-2.0
/*
 * The per-port host log (daemon/hostlog.c): entries by WWPN in order of
 * first sight, the last HOSTLOG_NQNS distinct host NQNs newest first with
 * their counts, refusals, and the bound of HOSTLOG_MAX entries with the
 * oldest logged-out entry evicted first.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "hostlog.h"
#include "suites_control.h"

#define W(n) (0x10000090fa000000ULL + (n))

START_TEST(login_logout_kept)
{
	struct hostlog hl = { 0 };
	const struct hostlog_entry *e;

	ck_assert_int_eq(hostlog_login(&hl, 0x20000090fa000001ULL, W(1), 0x010300, 100), 0);
	ck_assert_int_eq(hostlog_login(&hl, 0x20000090fa000002ULL, W(2), 0x010400, 200), 0);
	hostlog_logout(&hl, W(1), 300);
	hostlog_logout(&hl, W(9), 300); /* never seen: nothing */
	ck_assert_uint_eq(hl.n, 2);
	e = hostlog_find(&hl, W(1));
	ck_assert_ptr_eq(e, &hl.e[0]);
	ck_assert(!e->logged_in);
	ck_assert_uint_eq(e->last_ms, 300);
	ck_assert_uint_eq(e->wwnn, 0x20000090fa000001ULL);
	ck_assert_uint_eq(e->nport_id, 0x010300);
	ck_assert(hl.e[1].logged_in);
	ck_assert_ptr_null(hostlog_find(&hl, W(9)));
	/* Logging in again reuses the entry. */
	ck_assert_int_eq(hostlog_login(&hl, 0x20000090fa000001ULL, W(1), 0x010500, 400), 0);
	ck_assert_uint_eq(hl.n, 2);
	ck_assert(hl.e[0].logged_in);
	ck_assert_uint_eq(hl.e[0].nport_id, 0x010500);
	hostlog_free(&hl);
	ck_assert_uint_eq(hl.n, 0);
	ck_assert_ptr_null(hl.e);
}
END_TEST

START_TEST(nqns_newest_first_bounded)
{
	struct hostlog hl = { 0 };
	const struct hostlog_entry *e;
	char nqn[64];
	int i;

	ck_assert_int_eq(hostlog_connect(&hl, W(1), "", 1), 0);
	ck_assert_int_eq(hostlog_connect(&hl, W(1), NULL, 1), 0);
	ck_assert_uint_eq(hl.n, 0); /* no NQN: nothing recorded */
	for (i = 0; i < 5; i++) {
		snprintf(nqn, sizeof(nqn), "nqn.2026-11.io.h:%d", i);
		ck_assert_int_eq(hostlog_connect(&hl, W(1), nqn, 10 + (uint64_t)i), 0);
	}
	ck_assert_int_eq(hostlog_connect(&hl, W(1), "nqn.2026-11.io.h:2", 20), 0);
	ck_assert_int_eq(hostlog_connect(&hl, W(1), "nqn.2026-11.io.h:2", 21), 0);
	e = hostlog_find(&hl, W(1));
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->nr_nqns, HOSTLOG_NQNS);
	/* :0 was used longest ago and gave its place to :4. */
	ck_assert_str_eq(e->nqns[0].nqn, "nqn.2026-11.io.h:2");
	ck_assert_uint_eq(e->nqns[0].count, 3);
	ck_assert_uint_eq(e->nqns[0].last_ms, 21);
	ck_assert_str_eq(e->nqns[1].nqn, "nqn.2026-11.io.h:4");
	ck_assert_uint_eq(e->nqns[1].count, 1);
	ck_assert_str_eq(e->nqns[2].nqn, "nqn.2026-11.io.h:3");
	ck_assert_str_eq(e->nqns[3].nqn, "nqn.2026-11.io.h:1");
	ck_assert_uint_eq(e->last_ms, 21);
	ck_assert(e->logged_in); /* a Connect comes from a logged-in port */
	hostlog_free(&hl);
}
END_TEST

START_TEST(refusals)
{
	struct hostlog hl = { 0 };
	const struct hostlog_entry *e;

	ck_assert_int_eq(
		hostlog_refused(&hl, W(1), "host not allowed", "nqn.2026-11.io.x:a", 0x4184, 50),
		0);
	ck_assert_int_eq(hostlog_refused(&hl, W(1), "subsystem unknown", "nqn.2026-11.io.x:typo",
					 0x4182, 60),
			 0);
	e = hostlog_find(&hl, W(1));
	ck_assert_uint_eq(e->refusals, 2);
	ck_assert_str_eq(e->reason, "subsystem unknown");
	ck_assert_str_eq(e->subsys, "nqn.2026-11.io.x:typo");
	ck_assert_uint_eq(e->status, 0x4182);
	ck_assert_uint_eq(e->refused_ms, 60);
	ck_assert_uint_eq(e->nr_nqns, 0);
	/* A reason longer than the buffer is cut, NUL-terminated. */
	{
		char big[300];

		memset(big, 'r', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ck_assert_int_eq(hostlog_refused(&hl, W(1), big, NULL, 0, 70), 0);
		ck_assert_uint_eq(strlen(e->reason), HOSTLOG_REASON_MAX - 1);
		ck_assert_str_eq(e->subsys, ""); /* Create Association: none */
	}
	hostlog_free(&hl);
}
END_TEST

/* Full: a new host port evicts the logged-out entry seen longest ago, not
 * the logged-in ones even if older; with none logged out, the oldest. */
START_TEST(bound_and_eviction)
{
	struct hostlog hl = { 0 };
	unsigned int i;

	for (i = 0; i < HOSTLOG_MAX; i++)
		ck_assert_int_eq(hostlog_login(&hl, 0, W(i), i, 1000 + i), 0);
	ck_assert_uint_eq(hl.n, HOSTLOG_MAX);
	hostlog_logout(&hl, W(10), 5000);
	hostlog_logout(&hl, W(20), 4000);
	ck_assert_int_eq(hostlog_connect(&hl, W(1000), "nqn.2026-11.io.h:new", 6000), 0);
	ck_assert_uint_eq(hl.n, HOSTLOG_MAX);
	ck_assert_ptr_null(hostlog_find(&hl, W(20)));
	ck_assert_ptr_nonnull(hostlog_find(&hl, W(10)));
	ck_assert_ptr_nonnull(hostlog_find(&hl, W(0)));
	ck_assert_uint_eq(hl.e[HOSTLOG_MAX - 1].wwpn, W(1000));
	ck_assert_int_eq(hostlog_refused(&hl, W(1001), "x", NULL, 0, 6001), 0);
	ck_assert_ptr_null(hostlog_find(&hl, W(10)));
	/* No logged-out entry left: the one seen longest ago goes (W(0)). */
	ck_assert_int_eq(hostlog_login(&hl, 0, W(1002), 0, 6002), 0);
	ck_assert_ptr_null(hostlog_find(&hl, W(0)));
	ck_assert_ptr_nonnull(hostlog_find(&hl, W(1)));
	ck_assert_uint_eq(hl.n, HOSTLOG_MAX);
	ck_assert_uint_le(hl.cap, HOSTLOG_MAX);
	/* Order of first sight is kept: W(1) is first now. */
	ck_assert_uint_eq(hl.e[0].wwpn, W(1));
	hostlog_free(&hl);
}
END_TEST

Suite *host_log_suite(void)
{
	Suite *s = suite_create("host_log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, login_logout_kept);
	tcase_add_test(tc, nqns_newest_first_bounded);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, bound_and_eviction);
	suite_add_tcase(s, tc);
	return s;
}
