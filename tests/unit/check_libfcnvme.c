// SPDX-License-Identifier: Apache-2.0
/*
 * The libfcnvme Check runner: runs every suite listed in suites_libfcnvme.h
 * in one SRunner (fork mode unless CK_FORK says otherwise), prints the
 * standard Check summary and exits non-zero if any test failed. Set
 * CK_RUN_SUITE / CK_RUN_CASE to run a subset, as Check allows.
 */
#include <stdlib.h>

#include "suites_libfcnvme.h"

typedef Suite *(*suite_fn)(void);

int main(void)
{
	static const suite_fn suites[] = LIBFCNVME_SUITES;
	SRunner *sr;
	size_t i;
	int failed;

	sr = srunner_create(suites[0]());
	for (i = 1; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
