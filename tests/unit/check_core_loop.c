// SPDX-License-Identifier: Apache-2.0
/*
 * The target core end to end: the real host transport (fcnvme_host_*) and
 * the real target transport (nvmet_fc_*) over the in-process loop LLDD,
 * with this NVMe core bound to the target port instead of the loop's fake
 * core (core_loop_harness.c). Association bring-up (Connect, properties,
 * Identify, queues), data round trips, ACL refusal, keep-alive expiry
 * tearing the association down and the host reconnecting, statistics and
 * deletion, AERs drained through sq_stop, discovery. The port limits are
 * in check_core_loop_limits.c, zero-copy Reads in check_core_loop_zc.c;
 * this file runs all three suites.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_loop_harness.h"

START_TEST(test_live_and_io)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *w, *r;
	unsigned int i;

	cl_opts(&o, LOOP_HOSTNQN);
	cl_connect(&o);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.cntlid, 1);
	ck_assert_uint_eq(info.nr_io_queues, 2);
	ck_assert_uint_eq(info.cap & 0xffff, 1023);
	ck_assert_mem_eq(info.id_ctrl + 4, "CORE0001            ", 20);
	ck_assert_str_eq((const char *)info.id_ctrl + 768, LOOP_SUBNQN);
	ck_assert_int_eq(cl_nr_ctrls(), 1);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &r), 0);
	for (i = 0; i < 65536; i++)
		((uint8_t *)w->addr)[i] = (uint8_t)(i * 31 + 7);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write, 8, 128, w), 0);
	ck_assert_uint_eq(cl_host_io(2, nvme_cmd_read, 8, 128, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, LOOP_NS_BLOCKS, 1, r),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_flush, 0, 1, NULL), 0);
	fcnvme_host_buf_free(cl_ctrl, w);
	fcnvme_host_buf_free(cl_ctrl, r);
	cl_delete_ctrl();
	ck_assert_int_eq(cl_nr_ctrls(), 0);
}
END_TEST

START_TEST(test_acl_refused)
{
	struct fcnvme_host_ctrl_opts o;

	cl_opts(&o, "nqn.2024-01.io.example:intruder");
	o.ctrl_loss_tmo_s = 0;
	ck_assert_int_eq(fcnvme_host_ctrl_create(cl_lp.lport, cl_lp.rport, &o, &cl_ctrl), 0);
	cl_pump(200);
	ck_assert_int_ne(fcnvme_host_ctrl_state(cl_ctrl), FCNVME_HOST_CTRL_LIVE);
	ck_assert(strstr(fcnvme_host_ctrl_reason(cl_ctrl), "4184") != NULL);
	ck_assert_int_eq(cl_nr_ctrls(), 0);
	cl_delete_ctrl();
}
END_TEST

START_TEST(test_keep_alive_expiry_reconnect)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;

	cl_opts(&o, LOOP_HOSTNQN);
	o.kato_ms = 0; /* a silent host */
	cl_connect(&o);
	/* the core applies its own KATO only if the host sent one: set one */
	{
		struct nvme_command c;
		struct cl_io_res r = { 0 };

		memset(&c, 0, sizeof(c));
		c.common.opcode = nvme_admin_set_features;
		c.common.cdw10 = htole32(NVME_FEAT_KATO);
		c.common.cdw11 = htole32(2000);
		ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 0, &c, NULL, 0, 0, cl_io_cb, &r), 0);
		while (!r.done)
			cl_pump(1);
		ck_assert_uint_eq(r.status, 0);
	}
	cl_tclock.fake_ms += 2500;
	tgt_timer_tick(cl_T);
	cl_tclock.fake_ms += 2500;
	tgt_timer_tick(cl_T);
	cl_pump(50);
	/* the target tore the association down; the host reconnects */
	cl_fake_now += 2 * NS_PER_S;
	ck_assert_int_eq(cl_run_until(FCNVME_HOST_CTRL_LIVE, 2000), 0);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	ck_assert_uint_eq(info.cntlid, 2);
	ck_assert_int_eq(cl_nr_ctrls(), 1);
	cl_delete_ctrl();
}
END_TEST

struct first_ctrl {
	uint64_t id;
	struct tgt_io_stats st;
	int n;
};

static int first_ctrl_cb(const struct tgt_ctrl_info *i, void *arg)
{
	struct first_ctrl *f = arg;

	if (!f->n++) {
		f->id = i->association_id;
		f->st = i->stats;
	}
	return 0;
}

/* Statistics through both transports, then tgt_ctrl_delete() (what
 * "fcnvmectl assoc delete ID" calls): the target sends the host a
 * Disconnect LS, the association leaves the walk, the host reconnects with
 * a new association, and the counters stay with the subsystem. */
START_TEST(test_stats_and_assoc_delete)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *b;
	struct first_ctrl f = { 0 };
	struct tgt_io_stats port;
	unsigned int ls, acc;
	char err[128];

	cl_opts(&o, LOOP_HOSTNQN);
	cl_connect(&o);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &b), 0);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write, 8, 128, b), 0);
	ck_assert_uint_eq(cl_host_io(2, nvme_cmd_read, 8, 16, b), 0);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, LOOP_NS_BLOCKS, 1, b),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
	ck_assert_uint_eq(cl_host_io(2, nvme_cmd_flush, 0, 1, NULL), 0);
	fcnvme_host_buf_free(cl_ctrl, b);
	tgt_ctrl_foreach(cl_T, first_ctrl_cb, &f);
	ck_assert_int_eq(f.n, 1);
	ck_assert_uint_eq(f.st.cmds, 4);
	ck_assert_uint_eq(f.st.errors, 1);
	ck_assert_uint_eq(f.st.aborts, 0);
	ck_assert_uint_eq(f.st.write_bytes, 65536);
	ck_assert_uint_eq(f.st.read_bytes, 8192);
	ck_assert_uint_eq(f.st.lat.n[0], 4); /* the fake clock stood still */
	ck_assert_int_eq(tgt_port_stats(cl_T, 1, &port), 0);
	ck_assert_uint_eq(port.cmds, 4);

	ls = cl_lp.t2h_ls;
	acc = cl_lp.t2h_ls_acc;
	ck_assert_int_eq(tgt_ctrl_delete(cl_T, f.id ^ 1, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(tgt_ctrl_delete(cl_T, f.id, err, sizeof(err)), 0);
	cl_pump(50);
	ck_assert_uint_eq(cl_lp.t2h_ls, ls + 1); /* the Disconnect LS */
	ck_assert_uint_eq(cl_lp.t2h_ls_acc, acc + 1);
	cl_fake_now += 2 * NS_PER_S;
	ck_assert_int_eq(cl_run_until(FCNVME_HOST_CTRL_LIVE, 2000), 0);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ctrl_foreach(cl_T, first_ctrl_cb, &f), 0);
	ck_assert_int_eq(f.n, 1);
	ck_assert_uint_eq(f.st.cmds, 0); /* a new association */
	ck_assert_int_eq(tgt_port_stats(cl_T, 1, &port), 0);
	ck_assert_uint_eq(port.cmds, 4); /* kept by the port */
	ck_assert_uint_eq(port.errors, 1);
	cl_delete_ctrl();
}
END_TEST

/* An AER through both transports: a namespace added on the target reaches
 * the host as an event; an AER still held at deletion is completed by the
 * core's sq_stop so the association can drain (cl_teardown checks it did). */
START_TEST(test_aen_end_to_end)
{
	struct fcnvme_host_ctrl_opts o;
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct nvme_command c;
	struct cl_io_res r1 = { 0 }, r2 = { 0 };
	char err[128];

	cl_opts(&o, LOOP_HOSTNQN);
	cl_connect(&o);
	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_async_event;
	ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 0, &c, NULL, 0, 0, cl_io_cb, &r1), 0);
	cl_pump(20);
	ck_assert_int_eq(r1.done, 0);
	ck_assert_int_eq(tgt_ns_add(cl_T, LOOP_SUBNQN, &np, err, sizeof(err)), 0);
	cl_pump(20);
	ck_assert_int_eq(r1.done, 1);
	ck_assert_uint_eq(r1.status, 0);
	ck_assert_uint_eq(r1.dw0, 0x040002);
	ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 0, &c, NULL, 0, 0, cl_io_cb, &r2), 0);
	cl_pump(20);
	ck_assert_int_eq(r2.done, 0);
	cl_delete_ctrl();
	ck_assert_int_eq(r2.done, 1);
	ck_assert_uint_ne(r2.status, 0);
}
END_TEST

/* A discovery controller end to end: the log lists the current discovery
 * subsystem and the subsystem this host may reach through this port. */
START_TEST(test_discovery_end_to_end)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_buf *b;
	struct nvme_command c;
	struct cl_io_res r = { 0 };
	const uint8_t *p;
	uint64_t numrec;
	const uint32_t len = 3072, numd = len / 4 - 1;

	cl_opts(&o, LOOP_HOSTNQN);
	o.subnqn = LOOP_DISC_NQN;
	o.nr_io_queues = 0;
	cl_connect(&o);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, len, &b), 0);
	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_get_log_page;
	c.common.cdw10 = htole32(NVME_LOG_DISC | ((numd & 0xffff) << 16));
	ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 0, &c, b, 0, len, cl_io_cb, &r), 0);
	while (!r.done)
		cl_pump(1);
	ck_assert_uint_eq(r.status, 0);
	p = b->addr;
	memcpy(&numrec, p + 8, 8);
	ck_assert_uint_eq(le64toh(numrec), 2);
	ck_assert_uint_eq(p[1024 + 2], NVME_NQN_CURR);
	ck_assert_uint_eq(p[2048 + 0], NVMF_TRTYPE_FC);
	ck_assert_uint_eq(p[2048 + 1], NVMF_ADDR_FAMILY_FC);
	ck_assert_uint_eq(p[2048 + 2], NVME_NQN_NVME);
	ck_assert_str_eq((const char *)p + 2048 + 256, LOOP_SUBNQN);
	ck_assert_mem_eq(p + 2048 + 512, "nn-0x10001100ab000001:pn-0x20001100ab000001\0", 44);
	ck_assert_uint_eq(p[2048 + 3], NVMF_TREQ_DISABLE_SQFLOW);
	fcnvme_host_buf_free(cl_ctrl, b);
	cl_delete_ctrl();
}
END_TEST

Suite *core_loop_suite(void)
{
	const TTest *t[] = { test_live_and_io,
			     test_acl_refused,
			     test_keep_alive_expiry_reconnect,
			     test_aen_end_to_end,
			     test_stats_and_assoc_delete,
			     test_discovery_end_to_end };

	return cl_suite("core_loop", t, sizeof(t) / sizeof(t[0]));
}

int main(void)
{
	SRunner *sr = srunner_create(core_loop_suite());
	int failed;

	srunner_add_suite(sr, core_loop_limits_suite());
	srunner_add_suite(sr, core_loop_zero_copy_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
