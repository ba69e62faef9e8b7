// SPDX-License-Identifier: Apache-2.0
/* Check runner for the daemon's threading glue. */
#include <check.h>
#include <stdlib.h>

#include "suites_daemon_io.h"

int main(void)
{
	SRunner *sr = srunner_create(io_ring_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
