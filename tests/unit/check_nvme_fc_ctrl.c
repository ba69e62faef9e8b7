// SPDX-License-Identifier: Apache-2.0
/*
 * The host transport against the real target transport (nvmet_fc_*) over
 * the in-process loop LLDD with a fake NVMe core: association bring-up,
 * exact CMD IU bytes, data round trips, NVMe status pass-through, every
 * response-check violation leading to a reset and reconnect, a Disconnect
 * Association from the target, command timeouts, target restart within
 * ctrl_loss_tmo and give-up after it, DNR give-up, remote port loss within
 * and beyond dev_loss_tmo, keep-alive, and deletion. Time is a fake clock.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_host.h>

#include "loop_lldd.h"
#include "suites_libfcnvme.h"

#define NS_PER_S 1000000000ull

static struct loop_pair lp;
static uint64_t fake_now;
static struct fcnvme_host_ctrl *ctrl;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

struct io_res {
	int done;
	uint16_t status;
	struct nvme_completion cqe;
};

static void io_cb(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct io_res *r = arg;

	r->done++;
	r->status = status;
	r->cqe = *cqe;
}

static void default_opts(struct fcnvme_host_ctrl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->subnqn = LOOP_SUBNQN;
	o->hostnqn = LOOP_HOSTNQN;
	memset(o->hostid, 0x5a, sizeof(o->hostid));
	o->nr_io_queues = 2;
	o->queue_size = 32;
	o->kato_ms = 5000;
	o->reconnect_delay_s = 2;
	o->ctrl_loss_tmo_s = 10;
	o->clock_ns = fake_clock;
}

static void pump(unsigned int n)
{
	while (n--) {
		if (ctrl)
			fcnvme_host_ctrl_poll(ctrl);
		loop_process(&lp);
	}
}

static int run_until(enum fcnvme_host_ctrl_state st, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < max; i++) {
		if (fcnvme_host_ctrl_state(ctrl) == st)
			return 0;
		fcnvme_host_ctrl_poll(ctrl);
		loop_process(&lp);
	}
	return fcnvme_host_ctrl_state(ctrl) == st ? 0 : -1;
}

static void wait_io(struct io_res *r)
{
	unsigned int i;

	for (i = 0; i < 1000 && !r->done; i++)
		pump(1);
	ck_assert_int_eq(r->done, 1);
}

static void setup(void)
{
	struct fcnvme_host_ctrl_opts o;

	fake_now = 1000 * NS_PER_S;
	ck_assert_int_eq(loop_pair_init(&lp), 0);
	default_opts(&o);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
}

static void delete_ctrl(void)
{
	unsigned int i;
	int rc = 1;

	for (i = 0; i < 1000 && rc == 1; i++) {
		rc = fcnvme_host_ctrl_delete(ctrl);
		loop_process(&lp);
	}
	ck_assert_int_eq(rc, 0);
	ctrl = NULL;
}

static void teardown(void)
{
	if (ctrl)
		delete_ctrl();
	loop_pair_fini(&lp);
}

static void rw_cmd(struct nvme_command *c, uint8_t opc, uint64_t slba, uint16_t nlb)
{
	memset(c, 0, sizeof(*c));
	c->rw.opcode = opc;
	c->rw.nsid = htole32(1);
	c->rw.slba = htole64(slba);
	c->rw.length = htole16((uint16_t)(nlb - 1));
}

START_TEST(test_connect_live)
{
	struct fcnvme_host_ctrl_info info;
	struct loop_core_stats *st = loop_core_stats(lp.core);

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.cntlid, 1);
	ck_assert_uint_eq(info.nr_io_queues, 2);
	ck_assert_uint_eq(info.queue_size, 32);
	ck_assert_uint_eq(info.association_id & 0xffff, 0);
	ck_assert_uint_ne(info.association_id, 0);
	ck_assert_uint_eq(info.cap & 0xffff, 1023);
	ck_assert_uint_eq(info.max_xfer, 1024 * 1024);
	ck_assert_uint_eq(info.nr_connects, 1);
	ck_assert_mem_eq(info.id_ctrl + 4, "LOOP0001", 8);
	ck_assert_uint_eq(lp.ls_sent, 3); /* CRA + 2 x CRC */
	ck_assert_uint_eq(st->connects, 3);
	ck_assert_uint_eq(st->sq_creates, 3);
	ck_assert_str_eq(fcnvme_host_ctrl_reason(ctrl), "");

	delete_ctrl();
	ck_assert_uint_eq(lp.disconnects_rcvd, 1);
	pump(10);
	ck_assert_uint_eq(st->sq_destroys, 3);
	ck_assert_uint_eq(st->double_destroys, 0);
}
END_TEST

static uint32_t rd_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint16_t rd_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return be16toh(v);
}

START_TEST(test_ls_bytes)
{
	struct fcnvme_host_ctrl_info info;
	const uint8_t *cra = lp.ls_log[0], *crc = lp.ls_log[1];
	uint8_t id[16];
	uint64_t a;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	/* Create Association: 1024 bytes, Linux's values */
	ck_assert_uint_eq(lp.ls_log_len[0], 1024);
	ck_assert_uint_eq(cra[0], FCNVME_LS_CREATE_ASSOCIATION);
	ck_assert_uint_eq(rd_be32(cra + 4), 1016);
	ck_assert_uint_eq(rd_be32(cra + 8), FCNVME_LSDESC_CREATE_ASSOC_CMD);
	ck_assert_uint_eq(rd_be32(cra + 12), 1008);
	ck_assert_uint_eq(rd_be16(cra + 16), 8);	  /* ersp_ratio */
	ck_assert_uint_eq(rd_be16(cra + 8 + 48), 0xffff); /* cntlid */
	ck_assert_uint_eq(rd_be16(cra + 8 + 50), 31);	  /* sqsize */
	memset(id, 0x5a, sizeof(id));
	ck_assert_mem_eq(cra + 8 + 56, id, 16);
	ck_assert_str_eq((const char *)cra + 8 + 72, LOOP_HOSTNQN);
	ck_assert_str_eq((const char *)cra + 8 + 328, LOOP_SUBNQN);
	/* Create Connection for qid 1: 80 bytes, ersp_ratio = 32 / 5 */
	ck_assert_uint_eq(lp.ls_log_len[1], 80);
	ck_assert_uint_eq(crc[0], FCNVME_LS_CREATE_CONNECTION);
	ck_assert_uint_eq(rd_be32(crc + 4), 72);
	ck_assert_uint_eq(rd_be32(crc + 8), FCNVME_LSDESC_ASSOC_ID);
	memcpy(&a, crc + 16, 8);
	ck_assert_uint_eq(be64toh(a), info.association_id);
	ck_assert_uint_eq(rd_be32(crc + 24), FCNVME_LSDESC_CREATE_CONN_CMD);
	ck_assert_uint_eq(rd_be16(crc + 32), 6);       /* ersp_ratio */
	ck_assert_uint_eq(rd_be16(crc + 24 + 48), 1);  /* qid */
	ck_assert_uint_eq(rd_be16(crc + 24 + 50), 31); /* sqsize */
	ck_assert_uint_eq(rd_be16(lp.ls_log[2] + 24 + 48), 2);
	/* delete: our Disconnect Association names the association */
	delete_ctrl();
	ck_assert_uint_eq(lp.ls_log_len[3], 48);
	ck_assert_uint_eq(lp.ls_log[3][0], FCNVME_LS_DISCONNECT_ASSOC);
	memcpy(&a, lp.ls_log[3] + 16, 8);
	ck_assert_uint_eq(be64toh(a), info.association_id);
}
END_TEST

START_TEST(test_cmd_iu_bytes)
{
	static const uint8_t hdr[8] = { 0xfd, 0x28, 0x00, 0x18, 0, 0, 0x08, 0x02 };
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *buf;
	struct nvme_command c;
	struct io_res r = { 0 };
	const uint8_t *iu = lp.last_cmd_iu;
	uint64_t conn;
	uint32_t v32;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 4096, &buf), 0);
	rw_cmd(&c, nvme_cmd_read, 16, 8);
	c.common.flags = 0x80; /* overwritten by the transport */
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, buf, 0, 4096, io_cb, &r), 0);
	ck_assert_mem_eq(iu, hdr, 8);
	memcpy(&conn, iu + 8, 8);
	ck_assert_uint_eq(be64toh(conn), info.association_id | 1);
	memcpy(&v32, iu + 16, 4);
	ck_assert_uint_eq(be32toh(v32), 2); /* csn: Connect was 1 */
	memcpy(&v32, iu + 20, 4);
	ck_assert_uint_eq(be32toh(v32), 4096); /* data_len */
	ck_assert_uint_eq(iu[24 + 0], nvme_cmd_read);
	ck_assert_uint_eq(iu[24 + 1], 0x40); /* SGL, METABUF */
	memcpy(&v32, iu + 24 + 24 + 8, 4);
	ck_assert_uint_eq(le32toh(v32), 4096); /* SGL length */
	ck_assert_uint_eq(iu[24 + 24 + 15], 0x5a);
	for (v32 = 0; v32 < 8; v32++)
		ck_assert_uint_eq(iu[24 + 24 + v32], 0); /* SGL addr */
	for (v32 = 88; v32 < 96; v32++)
		ck_assert_uint_eq(iu[v32], 0);
	wait_io(&r);
	ck_assert_uint_eq(r.status, 0);

	/* a write: flags WRITE, next csn */
	memset(&r, 0, sizeof(r));
	rw_cmd(&c, nvme_cmd_write, 16, 8);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, buf, 0, 4096, io_cb, &r), 0);
	ck_assert_uint_eq(iu[6], 0x08);
	ck_assert_uint_eq(iu[7], 0x01);
	memcpy(&v32, iu + 16, 4);
	ck_assert_uint_eq(be32toh(v32), 3);
	wait_io(&r);
	ck_assert_uint_eq(r.status, 0);

	/* an admin command: rsv_cat 0x01, no data direction */
	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_keep_alive;
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 0, &c, NULL, 0, 0, io_cb, &r), 0);
	ck_assert_uint_eq(iu[6], 0x01);
	ck_assert_uint_eq(iu[7], 0x00);
	memcpy(&conn, iu + 8, 8);
	ck_assert_uint_eq(be64toh(conn), info.association_id);
	wait_io(&r);
	ck_assert_uint_eq(r.status, 0);
	fcnvme_host_buf_free(ctrl, buf);
}
END_TEST

START_TEST(test_write_read_roundtrip)
{
	struct fcnvme_host_buf *wb, *rb;
	struct nvme_command c;
	struct io_res r = { 0 };
	uint32_t i, len = 64 * 1024;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, len, &wb), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, len, &rb), 0);
	for (i = 0; i < len; i++)
		((uint8_t *)wb->addr)[i] = (uint8_t)(i * 7 + 3);
	rw_cmd(&c, nvme_cmd_write, 100, (uint16_t)(len / 512));
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 2, &c, wb, 0, len, io_cb, &r), 0);
	wait_io(&r);
	ck_assert_uint_eq(r.status, 0);
	ck_assert_mem_eq(loop_core_ns_data(lp.core) + 100 * 512, wb->addr, len);

	memset(&r, 0, sizeof(r));
	rw_cmd(&c, nvme_cmd_read, 100, (uint16_t)(len / 512));
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, rb, 0, len, io_cb, &r), 0);
	wait_io(&r);
	ck_assert_uint_eq(r.status, 0);
	ck_assert_mem_eq(rb->addr, wb->addr, len);

	/* an out-of-range read: NVMe status passes through, ctrl stays live */
	memset(&r, 0, sizeof(r));
	rw_cmd(&c, nvme_cmd_read, LOOP_NS_BLOCKS - 1, 2);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, rb, 0, 1024, io_cb, &r), 0);
	wait_io(&r);
	ck_assert_uint_eq(r.status, NVME_SC_LBA_RANGE | NVME_SC_DNR);
	pump(5);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);

	/* bad arguments */
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 3, &c, rb, 0, 512, io_cb, &r), -EINVAL);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, rb, len - 256, 512, io_cb, &r), -EINVAL);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, NULL, 0, 512, io_cb, &r), -EINVAL);
	fcnvme_host_buf_free(ctrl, wb);
	fcnvme_host_buf_free(ctrl, rb);
}
END_TEST

static const enum loop_rsp_fault faults[] = {
	LOOP_RSP_BAD_IU_LEN, LOOP_RSP_BAD_XFRD, LOOP_RSP_BAD_RESULT,
	LOOP_RSP_BAD_CID,    LOOP_RSP_BAD_LEN,	LOOP_RSP_SHORT_DATA,
};

START_TEST(test_rsp_fault_resets)
{
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *buf;
	struct nvme_command c;
	struct io_res r = { 0 };
	uint64_t old_assoc;
	bool saw_resetting = false;
	unsigned int i;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	old_assoc = info.association_id;
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 4096, &buf), 0);
	lp.rsp_fault = faults[_i];
	lp.rsp_fault_count = 1;
	rw_cmd(&c, nvme_cmd_read, 0, 8);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, buf, 0, 4096, io_cb, &r), 0);
	for (i = 0; i < 200 && fcnvme_host_ctrl_state(ctrl) == FCNVME_HOST_CTRL_LIVE; i++)
		pump(1);
	ck_assert_int_eq(r.done, 1);
	ck_assert_uint_eq(r.status, NVME_SC_HOST_PATH_ERROR);
	for (i = 0; i < 400 && fcnvme_host_ctrl_state(ctrl) != FCNVME_HOST_CTRL_LIVE; i++) {
		if (fcnvme_host_ctrl_state(ctrl) == FCNVME_HOST_CTRL_RESETTING ||
		    fcnvme_host_ctrl_state(ctrl) == FCNVME_HOST_CTRL_RECONNECT_WAIT)
			saw_resetting = true;
		pump(1);
	}
	ck_assert(saw_resetting);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	ck_assert_uint_ne(info.association_id, old_assoc);
	ck_assert_uint_eq(lp.disconnects_rcvd, 1); /* ours, for the old one */
	fcnvme_host_buf_free(ctrl, buf);
}
END_TEST

START_TEST(test_target_disconnect)
{
	struct fcnvme_host_ctrl_info info;
	uint64_t old_assoc;
	unsigned int i;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	old_assoc = info.association_id;
	loop_core_kill_assocs(lp.core);
	for (i = 0; i < 50 && fcnvme_host_ctrl_state(ctrl) == FCNVME_HOST_CTRL_LIVE; i++)
		pump(1);
	ck_assert_int_ne(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);
	ck_assert_str_eq(fcnvme_host_ctrl_reason(ctrl), "Disconnect Association from the target");
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 400), 0);
	/* the target's Disconnect reached us and was accepted */
	ck_assert_uint_eq(lp.t2h_ls, 1);
	ck_assert_uint_eq(lp.t2h_ls_acc, 1);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_ne(info.association_id, old_assoc);
	ck_assert_uint_eq(info.nr_connects, 2);
}
END_TEST

START_TEST(test_cmd_timeout)
{
	struct fcnvme_host_buf *buf;
	struct nvme_command c;
	struct io_res r = { 0 };

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 4096, &buf), 0);
	lp.drop_opcode = nvme_cmd_read;
	lp.drop_count = 1;
	rw_cmd(&c, nvme_cmd_read, 0, 8);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, buf, 0, 4096, io_cb, &r), 0);
	pump(20);
	ck_assert_int_eq(r.done, 0);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);
	fake_now += 31 * NS_PER_S;
	pump(5);
	ck_assert_int_eq(r.done, 1);
	ck_assert_uint_eq(r.status, NVME_SC_HOST_ABORTED_CMD);
	ck_assert_uint_ge(lp.fcp_aborts, 1);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 400), 0);
	fcnvme_host_buf_free(ctrl, buf);
}
END_TEST

START_TEST(test_keep_alive)
{
	struct loop_core_stats *st = loop_core_stats(lp.core);

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	pump(10);
	ck_assert_uint_eq(st->keep_alives, 0);
	fake_now += 2500 * 1000000ull; /* kato / 2 */
	pump(10);
	ck_assert_uint_eq(st->keep_alives, 1);
	fake_now += 2500 * 1000000ull;
	pump(10);
	ck_assert_uint_eq(st->keep_alives, 2);
	/* a failing Keep Alive resets the association */
	st->fail_opcode = nvme_admin_keep_alive;
	st->fail_status = NVME_SC_INTERNAL;
	st->fail_count = 1;
	fake_now += 2500 * 1000000ull;
	pump(3);
	ck_assert_int_ne(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 400), 0);
}
END_TEST

START_TEST(test_target_restart)
{
	struct fcnvme_host_ctrl_info info;
	unsigned int i;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	loop_target_down(&lp);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_RECONNECT_WAIT, 400), 0);
	/* attempts fail while the target is away */
	for (i = 0; i < 3; i++) {
		fake_now += 2 * NS_PER_S;
		pump(20);
		ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_RECONNECT_WAIT);
	}
	ck_assert_ptr_nonnull(strstr(fcnvme_host_ctrl_reason(ctrl), "Create Association"));
	ck_assert_int_eq(loop_target_up(&lp), 0);
	fake_now += 2 * NS_PER_S;
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 400), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	ck_assert_uint_eq(info.nr_io_queues, 2);
}
END_TEST

START_TEST(test_ctrl_loss_gives_up)
{
	unsigned int i;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	loop_target_down(&lp);
	for (i = 0; i < 20 && fcnvme_host_ctrl_state(ctrl) != FCNVME_HOST_CTRL_DEAD; i++) {
		pump(20);
		fake_now += 2 * NS_PER_S;
	}
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_DEAD);
	/* 10 s at 2 s per attempt: about 5 attempts, not 20 */
	ck_assert_uint_le(i, 7);
	ck_assert_ptr_nonnull(strstr(fcnvme_host_ctrl_reason(ctrl), "ctrl_loss_tmo"));
	ck_assert_int_eq(loop_target_up(&lp), 0);
	fake_now += 10 * NS_PER_S;
	pump(20);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_DEAD);
}
END_TEST

START_TEST(test_dnr_gives_up)
{
	struct fcnvme_host_ctrl *c2;
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl *keep = ctrl;
	unsigned int attempts;

	default_opts(&o);
	o.subnqn = "nqn.2026-01.org.example:no-such-subsystem";
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &c2), 0);
	ctrl = c2;
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_DEAD, 400), 0);
	ck_assert_ptr_nonnull(
		strstr(fcnvme_host_ctrl_reason(ctrl),
		       "Connect (admin): Connect Invalid Parameters (offset 256: subsysnqn in the "
		       "Connect data) (0x4182)"));
	ck_assert_uint_eq(fcnvme_host_ctrl_reason_status(ctrl), 0x4182);
	attempts = loop_core_stats(lp.core)->connects;
	fake_now += 20 * NS_PER_S;
	pump(20);
	ck_assert_uint_eq(loop_core_stats(lp.core)->connects, attempts);
	delete_ctrl();
	ctrl = keep;
}
END_TEST

START_TEST(test_rport_devloss)
{
	struct nvme_fc_port_info ri = {
		.node_name = LOOP_TGT_WWNN,
		.port_name = LOOP_TGT_WWPN,
		.port_role = FC_PORT_ROLE_NVME_TARGET,
		.port_id = 0x010200,
	};
	struct nvme_fc_remote_port *rp2;

	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	ck_assert_int_eq(nvme_fc_unregister_remoteport(lp.rport), 0);
	ck_assert(!lp.rport_deleted); /* held by the controller */
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_RECONNECT_WAIT, 400), 0);
	fake_now += 3 * NS_PER_S;
	pump(10);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_RECONNECT_WAIT);
	/* back within dev_loss_tmo (5 s): same port, reconnect at once */
	ck_assert_int_eq(nvme_fc_register_remoteport(lp.lport, &ri, &rp2), 0);
	ck_assert_ptr_eq(rp2, lp.rport);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 400), 0);

	/* lost again, for longer than dev_loss_tmo */
	ck_assert_int_eq(nvme_fc_unregister_remoteport(lp.rport), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_RECONNECT_WAIT, 400), 0);
	fake_now += 6 * NS_PER_S;
	pump(5);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_DEAD);
	ck_assert_ptr_nonnull(strstr(fcnvme_host_ctrl_reason(ctrl), "dev_loss_tmo"));
	delete_ctrl();
	ck_assert(lp.rport_deleted);
	lp.rport = NULL;
}
END_TEST

/* Connect then delete at every point of the bring-up (blktests nvme/031):
 * teardown is clean wherever it starts. */
START_TEST(test_create_delete_race)
{
	struct loop_core_stats *st = loop_core_stats(lp.core);
	struct fcnvme_host_ctrl_opts o;
	unsigned int i;

	delete_ctrl();
	pump(10);
	default_opts(&o);
	for (i = 0; i < 24; i++) {
		ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
		pump(i);
		delete_ctrl();
		pump(10);
		ck_assert_uint_eq(st->sq_creates, st->sq_destroys);
	}
	ck_assert_uint_ge(st->sq_creates, 24);
	ck_assert_uint_eq(st->double_destroys, 0);
	/* and a full bring-up still works afterwards */
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
}
END_TEST

/* nvme reset: tear down and reconnect at once; refused unless live. */
START_TEST(test_reset)
{
	struct fcnvme_host_ctrl_info info;

	ck_assert_int_eq(fcnvme_host_ctrl_reset(ctrl), -EBUSY);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 200), 0);
	ck_assert_int_eq(fcnvme_host_ctrl_reset(ctrl), 0);
	pump(1);
	ck_assert_int_ne(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 400), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	ck_assert_uint_eq(lp.disconnects_rcvd, 1);
	ck_assert_uint_eq(fcnvme_host_queue_depth(ctrl, 1), 0);
}
END_TEST

START_TEST(test_bad_opts)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl *c2 = NULL;

	default_opts(&o);
	o.queue_size = 8;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &c2), -EINVAL);
	default_opts(&o);
	o.subnqn = NULL;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &c2), -EINVAL);
	default_opts(&o);
	o.nr_io_queues = 200;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &c2), -EINVAL);
	ck_assert_ptr_null(c2);
	/* submit before LIVE */
	ck_assert_int_eq(
		fcnvme_host_submit(ctrl, 0, &(struct nvme_command){ 0 }, NULL, 0, 0, io_cb, NULL),
		-ENOTCONN);
}
END_TEST

/* The suite. */
Suite *nvme_fc_ctrl_suite(void)
{
	Suite *s = suite_create("nvme_fc_ctrl");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_connect_live);
	tcase_add_test(tc, test_ls_bytes);
	tcase_add_test(tc, test_cmd_iu_bytes);
	tcase_add_test(tc, test_write_read_roundtrip);
	tcase_add_loop_test(tc, test_rsp_fault_resets, 0,
			    (int)(sizeof(faults) / sizeof(faults[0])));
	tcase_add_test(tc, test_target_disconnect);
	tcase_add_test(tc, test_cmd_timeout);
	tcase_add_test(tc, test_keep_alive);
	tcase_add_test(tc, test_target_restart);
	tcase_add_test(tc, test_ctrl_loss_gives_up);
	tcase_add_test(tc, test_dnr_gives_up);
	tcase_add_test(tc, test_rport_devloss);
	tcase_add_test(tc, test_create_delete_race);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_bad_opts);
	suite_add_tcase(s, tc);
	return s;
}
