// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for "did you mean …?" (suggest.c): exact edit distances
 * (insertion, deletion, substitution, adjacent transposition, empty and
 * over-long words) and which known word is suggested, or none.
 */
#include <string.h>

#include <fcnvme/suggest.h>

#include "suites_libfcnvme.h"

START_TEST(edit_distance_exact)
{
	char longw[FCNVME_SUGGEST_MAX + 2];

	ck_assert_uint_eq(fcnvme_edit_distance("hw_queues", "hw_queues"), 0);
	ck_assert_uint_eq(fcnvme_edit_distance("hw_queue", "hw_queues"), 1);   /* insertion */
	ck_assert_uint_eq(fcnvme_edit_distance("hwqueues", "hw_queues"), 1);   /* insertion */
	ck_assert_uint_eq(fcnvme_edit_distance("hw_queuess", "hw_queues"), 1); /* deletion */
	ck_assert_uint_eq(fcnvme_edit_distance("hw_qeueus", "hw_queues"), 2);
	ck_assert_uint_eq(fcnvme_edit_distance("hw_qeues", "hw_queues"), 1);
	ck_assert_uint_eq(fcnvme_edit_distance("hw_quuees", "hw_queues"), 1); /* transposition */
	ck_assert_uint_eq(fcnvme_edit_distance("wwnp", "wwpn"), 1);
	ck_assert_uint_eq(fcnvme_edit_distance("kitten", "sitting"), 3);
	ck_assert_uint_eq(fcnvme_edit_distance("", "abc"), 3);
	ck_assert_uint_eq(fcnvme_edit_distance("abc", ""), 3);
	ck_assert_uint_eq(fcnvme_edit_distance("ca", "abc"), 3); /* OSA, not full Damerau */
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	ck_assert_uint_eq(fcnvme_edit_distance(longw, "a"), FCNVME_SUGGEST_MAX + 1);
}
END_TEST

START_TEST(suggest_nearest)
{
	static const char *const words[] = { "name", "dev",	    "wwnn",
					     NULL,   "wwpn",	    "hw_queues",
					     "cpus", "queue_depth", "max_queue_size" };
	const size_t n = sizeof(words) / sizeof(words[0]);

	ck_assert_str_eq(fcnvme_suggest("hw_queue", words, n), "hw_queues");
	/* 1 from wwnn (substitution) and from wwpn (transposition): the first */
	ck_assert_str_eq(fcnvme_suggest("wwnp", words, n), "wwnn");
	ck_assert_str_eq(fcnvme_suggest("wwpm", words, n), "wwpn");
	ck_assert_str_eq(fcnvme_suggest("queue_dpeth", words, n), "queue_depth");
	ck_assert_str_eq(fcnvme_suggest("max_queue_sizes", words, n), "max_queue_size");
	/* ties go to the first: "wwxx" is 2 from both, too far for 4 letters */
	ck_assert_ptr_null(fcnvme_suggest("wwxx", words, n));
	ck_assert_ptr_null(fcnvme_suggest("frobnicate", words, n));
	ck_assert_ptr_null(fcnvme_suggest("colour", words, n));
	/* the word itself is not a suggestion */
	ck_assert_ptr_null(fcnvme_suggest("name", words, 1));
	ck_assert_ptr_null(fcnvme_suggest("x", words, 0));
}
END_TEST

/* Suite: suggest. */
Suite *suggest_suite(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, edit_distance_exact);
	tcase_add_test(tc, suggest_nearest);
	suite_add_tcase(s, tc);
	return s;
}
