/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Check suites of the control plane (protocol, client, config, apply,
 * dispatch, CLI grammar), collected by tests/unit/check_control.c.
 */
#ifndef SUITES_CONTROL_H
#define SUITES_CONTROL_H

#include <check.h>

Suite *ctl_proto_suite(void);
Suite *ctl_client_suite(void);
Suite *conf_suite(void);
Suite *conf_apply_suite(void);
Suite *conf_pending_suite(void);
Suite *ctl_dispatch_suite(void);
Suite *ctl_server_suite(void);
Suite *ctl_preopen_suite(void);
Suite *sdnotify_log_suite(void);
Suite *story_log_suite(void);
Suite *host_log_suite(void);
Suite *cl_store_suite(void);
Suite *cl_job_suite(void);
Suite *cl_edit_suite(void);
Suite *cl_lookup_suite(void);
Suite *backing_wait_suite(void);

#define CONTROL_SUITES                                                                          \
	{                                                                                       \
		ctl_proto_suite, ctl_client_suite, conf_suite, conf_apply_suite,                \
			conf_pending_suite, ctl_dispatch_suite, ctl_server_suite,               \
			ctl_preopen_suite, sdnotify_log_suite, story_log_suite, host_log_suite, \
			cl_store_suite, cl_job_suite, cl_edit_suite, cl_lookup_suite,           \
			backing_wait_suite,                                                     \
	}

#endif /* SUITES_CONTROL_H */
