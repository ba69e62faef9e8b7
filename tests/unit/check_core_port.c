// SPDX-License-Identifier: Apache-2.0
/*
 * A port moved to another FC target port (daemon/core/tgt_port.c,
 * tgt_port_retarget: the daemon opened a restarted softhba-vmport
 * server's port again): the controllers that came in on the old one are
 * deleted, and the port's exports and ANA states stay, now reached
 * through the new one.
 */
#include <errno.h>
#include <string.h>

#include "core_harness.h"

START_TEST(test_port_retarget)
{
	struct nvmet_fc_target_port tp3 = { .node_name = H_WWNN, .port_name = H_WWPN };
	struct h_assoc *a, *b;
	uint8_t buf[64];
	char err[128];

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 1, NVME_ANA_NONOPTIMIZED, err, sizeof(err)), 0);
	/* refused: no such port, another port's target port, none */
	ck_assert_int_eq(tgt_port_retarget(H->t, 9, &tp3, "x"), -ENOENT);
	ck_assert_int_eq(tgt_port_retarget(H->t, 1, &H->tp2, "x"), -EEXIST);
	ck_assert_int_eq(tgt_port_retarget(H->t, 1, NULL, "x"), -EINVAL);
	ck_assert_int_eq(a->nr_delete, 0);

	ck_assert_int_eq(tgt_port_retarget(H->t, 1, &tp3, "port server restarted"), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	/* port 1's export and ANA state, through the new target port */
	b = h_ctrl_ready(&tp3, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_ANA, 0, false, 0, 0, sizeof(buf), buf), 0);
	ck_assert_uint_eq(h_rd16(buf, 8), 1); /* one group descriptor */
	ck_assert_uint_eq(h_rd32(buf, 16), 1);
	ck_assert_uint_eq(buf[32], NVME_ANA_NONOPTIMIZED);
	/* the old target port is nobody's now; port 2 kept its own */
	ck_assert_int_eq(tgt_port_add(H->t, 3, &H->tp1, "p3"), 0);
	ck_assert_int_eq(tgt_port_add(H->t, 2, &H->tp2, "p2"), 0);
	ck_assert_int_eq(b->nr_delete, 0);
}
END_TEST

Suite *core_port_suite(void)
{
	Suite *s = suite_create("core_port");
	TCase *tc = tcase_create("retarget");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_port_retarget);
	suite_add_tcase(s, tc);
	return s;
}
