// SPDX-License-Identifier: Apache-2.0
/*
 * The control plane's Check runner: every suite in suites_control.h in one
 * SRunner; exits non-zero if any test failed.
 */
#include <stdlib.h>

#include "suites_control.h"

typedef Suite *(*suite_fn)(void);

int main(void)
{
	static const suite_fn suites[] = CONTROL_SUITES;
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
