// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the LS builders (ls_build.c): every request, ACC and
 * RJT against hand-written wire bytes (ls_wire.c), the builders' errors,
 * build/parse round trips, the LS peek and the names.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "ls_wire.h"
#include "suites_libfcnvme.h"

/* ---- builders ------------------------------------------------------------ */

START_TEST(build_cr_assoc_bytes)
{
	struct fcnvme_ls_cr_assoc_params p;
	uint8_t buf[1100], exp[1024];

	ls_wire_fill_cra(&p);
	ls_wire_cra(exp);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, sizeof(buf), &p), 1024);
	ls_wire_expect_bytes(buf, exp, 1024);
	ck_assert_uint_eq(buf[1024], 0xee); /* nothing written past the payload */
}
END_TEST

START_TEST(build_cr_assoc_errors)
{
	struct fcnvme_ls_cr_assoc_params p;
	uint8_t buf[1024];

	ls_wire_fill_cra(&p);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1023, &p), -ENOSPC);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(NULL, 1024, &p), -EINVAL);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, NULL), -EINVAL);
	memset(p.hostnqn, 'a', sizeof(p.hostnqn)); /* not NUL-terminated */
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, &p), -EINVAL);
	ls_wire_fill_cra(&p);
	memset(p.subnqn, 'a', sizeof(p.subnqn));
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, &p), -EINVAL);
	/* 255 characters + NUL is the longest that fits. */
	ls_wire_fill_cra(&p);
	memset(p.subnqn, 'b', 255);
	p.subnqn[255] = '\0';
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, &p), 1024);
	ck_assert_uint_eq(buf[336 + 254], 'b');
	ck_assert_uint_eq(buf[336 + 255], 0);
}
END_TEST

START_TEST(build_cr_conn_bytes)
{
	struct fcnvme_ls_cr_conn_params p = {
		.association_id = ASSOC,
		.ersp_ratio = 25,
		.qid = 3,
		.sqsize = 127,
	};
	uint8_t buf[81];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, sizeof(buf), &p), 80);
	ls_wire_expect_bytes(buf, ls_wire_crc, 80);
	ck_assert_uint_eq(buf[80], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, 79, &p), -ENOSPC);
	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, 80, NULL), -EINVAL);
}
END_TEST

START_TEST(build_disconnect_bytes)
{
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), ASSOC), 48);
	ls_wire_expect_bytes(buf, ls_wire_disc_assoc, 48);
	ck_assert_uint_eq(buf[48], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_disconnect_assoc(buf, 47, ASSOC), -ENOSPC);

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_disconnect_conn(buf, sizeof(buf), ASSOC, ASSOC | 5), 40);
	ls_wire_expect_bytes(buf, ls_wire_disc_conn, 40);
	ck_assert_uint_eq(buf[40], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_disconnect_conn(buf, 39, ASSOC, ASSOC | 5), -ENOSPC);
}
END_TEST

START_TEST(build_rjt_bytes)
{
	uint8_t buf[41];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_rjt(buf, sizeof(buf), FCNVME_LS_CREATE_CONNECTION,
					     FCNVME_RJT_RC_INV_ASSOC, FCNVME_RJT_EXP_INV_QUEUE_ID),
			 40);
	ls_wire_expect_bytes(buf, ls_wire_rjt, 40);
	ck_assert_uint_eq(buf[40], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_rjt(buf, 39, 4, 0x40, 0x42), -ENOSPC);
	ck_assert_int_eq(fcnvme_ls_build_rjt(NULL, 40, 4, 0x40, 0x42), -EINVAL);
}
END_TEST

START_TEST(build_acc_bytes)
{
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc_acc(buf, sizeof(buf), ACCID), 56);
	ls_wire_expect_bytes(buf, ls_wire_cra_acc, 56);
	ck_assert_uint_eq(buf[56], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc_acc(buf, 55, ACCID), -ENOSPC);

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_conn_acc(buf, sizeof(buf), ACCID | 2), 40);
	ls_wire_expect_bytes(buf, ls_wire_crc_acc, 40);
	ck_assert_uint_eq(buf[40], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_cr_conn_acc(buf, 39, ACCID | 2), -ENOSPC);

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_acc(buf, sizeof(buf), FCNVME_LS_DISCONNECT_ASSOC), 24);
	ls_wire_expect_bytes(buf, ls_wire_disc_acc, 24);
	ck_assert_uint_eq(buf[24], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_acc(buf, 23, 5), -ENOSPC);
}
END_TEST

/* ---- round trips, peek and names ---------------------------------------- */

START_TEST(round_trips)
{
	struct fcnvme_ls_cr_assoc_params p, pa;
	struct fcnvme_ls_cr_conn_params c = {
		.association_id = 0xfedcba9876540000ULL, .ersp_ratio = 1,
		.qid = 128, .sqsize = 1023,
	}, ca;
	struct fcnvme_ls_verdict v;
	uint8_t buf[1024];
	uint64_t a1, a2;

	ls_wire_fill_cra(&p);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, sizeof(buf), &p), 1024);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(buf, 1024, &pa, &v), 0);
	ck_assert_mem_eq(&pa, &p, sizeof(p));

	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, sizeof(buf), &c), 80);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn(buf, 80, &ca, &v), 0);
	ck_assert_uint_eq(ca.association_id, c.association_id);
	ck_assert_uint_eq(ca.ersp_ratio, 1);
	ck_assert_uint_eq(ca.qid, 128);
	ck_assert_uint_eq(ca.sqsize, 1023);

	ck_assert_int_eq(fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), c.association_id), 48);
	ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(buf, 48, &a1, &v), 0);
	ck_assert_uint_eq(a1, c.association_id);

	ck_assert_int_eq(fcnvme_ls_build_cr_assoc_acc(buf, sizeof(buf), c.association_id), 56);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(buf, 56, &a1, &a2, &v), 0);
	ck_assert_uint_eq(a1, c.association_id);
	ck_assert_uint_eq(a2, c.association_id);

	ck_assert_int_eq(fcnvme_ls_build_cr_conn_acc(buf, sizeof(buf), c.association_id | 7), 40);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(buf, 40, &a2, &v), 0);
	ck_assert_uint_eq(a2, c.association_id | 7);

	ck_assert_int_eq(fcnvme_ls_build_acc(buf, sizeof(buf), FCNVME_LS_DISCONNECT_CONN), 24);
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_CONN, &v), 0);

	ck_assert_int_eq(fcnvme_ls_build_rjt(buf, sizeof(buf), 3, FCNVME_RJT_RC_LOGIC, 0), 40);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(buf, 40, &a1, &a2, &v), -ENXIO);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
}
END_TEST

START_TEST(peek_and_names)
{
	uint8_t b[4] = { 0x05, 0, 0, 0 };

	ck_assert_int_eq(fcnvme_ls_cmd(b, 4), 5);
	ck_assert_int_eq(fcnvme_ls_cmd(b, 3), -EINVAL);
	ck_assert_int_eq(fcnvme_ls_cmd(NULL, 4), -EINVAL);
	b[0] = 0xff;
	ck_assert_int_eq(fcnvme_ls_cmd(b, 4), 255);

	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_CREATE_ASSOCIATION), "Create Association");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_CREATE_CONNECTION), "Create Connection");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_DISCONNECT_ASSOC), "Disconnect Association");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_DISCONNECT_CONN), "Disconnect Connection");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_RJT), "LS_RJT");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_ACC), "LS_ACC");
	ck_assert_str_eq(fcnvme_ls_cmd_name(7), "unknown");
	ck_assert_str_eq(fcnvme_ls_rjt_reason_name(FCNVME_RJT_RC_LOGIC), "logical error");
	ck_assert_str_eq(fcnvme_ls_rjt_reason_name(FCNVME_RJT_RC_INV_ASSOC), "invalid association");
	ck_assert_str_eq(fcnvme_ls_rjt_reason_name(0x0e), "unknown");
	ck_assert_str_eq(fcnvme_ls_rjt_explan_name(FCNVME_RJT_EXP_INV_HOSTNQN), "invalid host NQN");
	ck_assert_str_eq(fcnvme_ls_rjt_explan_name(0x29), "unknown");
}
END_TEST

/* The LS builders' suite. */
Suite *ls_build_suite(void)
{
	Suite *s = suite_create("ls_build");
	TCase *b = tcase_create("build");
	TCase *m = tcase_create("round-trip");

	tcase_add_test(b, build_cr_assoc_bytes);
	tcase_add_test(b, build_cr_assoc_errors);
	tcase_add_test(b, build_cr_conn_bytes);
	tcase_add_test(b, build_disconnect_bytes);
	tcase_add_test(b, build_rjt_bytes);
	tcase_add_test(b, build_acc_bytes);
	suite_add_tcase(s, b);

	tcase_add_test(m, round_trips);
	tcase_add_test(m, peek_and_names);
	suite_add_tcase(s, m);
	return s;
}
