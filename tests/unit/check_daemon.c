// SPDX-License-Identifier: Apache-2.0
/* Check runner for the NVMe target core (daemon/tgt*, subsys, ns*, ctrl,
 * cmd_*, ana, backends, the rbd backend's completion hand-off). */
#include <check.h>
#include <stdlib.h>

#include "core_harness.h"

int main(void)
{
	SRunner *sr = srunner_create(core_connect_suite());
	int failed;

	srunner_add_suite(sr, core_auth_suite());
	srunner_add_suite(sr, core_admin_suite());
	srunner_add_suite(sr, core_discovery_suite());
	srunner_add_suite(sr, core_io_suite());
	srunner_add_suite(sr, core_fused_suite());
	srunner_add_suite(sr, core_ns_suite());
	srunner_add_suite(sr, core_ns_host_suite());
	srunner_add_suite(sr, core_backend_suite());
	srunner_add_suite(sr, core_stats_suite());
	srunner_add_suite(sr, core_limits_suite());
	srunner_add_suite(sr, core_linux_suite());
	srunner_add_suite(sr, core_resv_suite());
	srunner_add_suite(sr, core_resv_abort_suite());
	srunner_add_suite(sr, core_port_suite());
	srunner_add_suite(sr, core_mpsc_suite());
	srunner_add_suite(sr, io_thread_suite());
	srunner_add_suite(sr, rbd_thread_suite());
	srunner_add_suite(sr, rbd_job_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
