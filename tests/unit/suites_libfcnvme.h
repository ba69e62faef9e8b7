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

Suite *auth_suite(void);
Suite *clock_suite(void);
Suite *err_suite(void);
Suite *hex_suite(void);
Suite *hist_suite(void);
Suite *layout_suite(void);
Suite *ls_build_suite(void);
Suite *ls_parse_suite(void);
Suite *wwn_suite(void);
Suite *nqn_suite(void);
Suite *num_suite(void);
Suite *nvme_status_suite(void);
Suite *random_suite(void);
Suite *size_suite(void);
Suite *suggest_suite(void);
Suite *tsc_suite(void);
Suite *nvme_fc_port_suite(void);     /* host transport */
Suite *nvme_fc_ctrl_suite(void);     /* host vs target over loop_lldd */
Suite *nvme_fc_sanity_suite(void);   /* host checks vs a rule-breaking target */
Suite *nvmet_fc_ls_suite(void);	     /* target transport */
Suite *nvmet_fc_fcp_suite(void);     /* target transport */
Suite *nvmet_fc_zc_suite(void);	     /* target transport */
Suite *nvmet_fc_abort_suite(void);   /* target transport */
Suite *nvmet_fc_buf_suite(void);     /* target transport */
Suite *nvmet_fc_threads_suite(void); /* target transport */

/* The suites the runner executes, in order. */
#define LIBFCNVME_SUITES                                                                       \
	{                                                                                      \
		auth_suite, clock_suite, err_suite, hex_suite, hist_suite, num_suite,          \
			nvme_status_suite, random_suite, size_suite, suggest_suite, tsc_suite, \
			layout_suite, ls_build_suite, ls_parse_suite, wwn_suite, nqn_suite,    \
			nvme_fc_port_suite, nvme_fc_ctrl_suite, nvme_fc_sanity_suite,          \
			nvmet_fc_ls_suite, nvmet_fc_fcp_suite, nvmet_fc_zc_suite,              \
			nvmet_fc_abort_suite, nvmet_fc_buf_suite, nvmet_fc_threads_suite,      \
	}

#endif /* SUITES_LIBFCNVME_H */
