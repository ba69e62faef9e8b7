/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Check suites of libfcnvme, collected by tests/unit/check_libfcnvme.c.
 * To add a suite: one prototype line below, one entry in
 * LIBFCNVME_SUITES, and your check_<module>.c in tests_unit_check_libfcnvme_SOURCES
 * (tests/local.am). The runner is linked with the library's sources, so a
 * suite may test library-internal fcn_* helpers too.
 */
#ifndef SUITES_LIBFCNVME_H
#define SUITES_LIBFCNVME_H

#include <check.h>

Suite *layout_suite(void);
Suite *ls_suite(void);
Suite *wwn_suite(void);
Suite *nqn_suite(void);

/* The suites the runner executes, in order. */
#define LIBFCNVME_SUITES {		\
	layout_suite,			\
	ls_suite,			\
	wwn_suite,			\
	nqn_suite,			\
}

#endif /* SUITES_LIBFCNVME_H */
