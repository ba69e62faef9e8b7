// SPDX-License-Identifier: Apache-2.0
/*
 * The port limits end to end (core_loop_harness.c): each limit (I/O
 * queues, queue size, MDTS) followed by our host, with verified I/O, and
 * refused to a host that ignores what the controller advertised (answers
 * rewritten on their way to the host by the loop's response hook).
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "core_loop_harness.h"

/* A host that does not follow what the controller advertises: these
 * rewrite the answers on their way to our (otherwise strict) host. */
static struct {
	bool mdts_unlimited; /* Identify MDTS 0 */
	bool queue_size;     /* MAXCMD 1024, CAP.MQES 1023 */
	bool queues;	     /* Number of Queues: 4 granted */
} lie;

static void lie_hook(struct loop_pair *p, struct nvmefc_fcp_req *h)
{
	const struct nvme_command *c = loop_hreq_sqe(h);
	struct nvme_completion *cqe;
	uint16_t maxcmd = htole16(1024);
	uint8_t zero = 0;

	(void)p;
	if (le16toh(h->sqid))
		return;
	if (c->common.opcode == nvme_admin_identify && (le32toh(c->common.cdw10) & 0xff) == 1) {
		if (lie.mdts_unlimited)
			loop_hreq_write(h, 77, &zero, 1);
		if (lie.queue_size)
			loop_hreq_write(h, 514, &maxcmd, 2);
	} else if (c->common.opcode == nvme_fabrics_command &&
		   c->fabrics.fctype == nvme_fabrics_type_property_get &&
		   le32toh(c->prop_get.offset) == NVME_REG_CAP && lie.queue_size) {
		cqe = loop_hreq_cqe(h);
		cqe->result.u64 = htole64((le64toh(cqe->result.u64) & ~0xffffull) | 1023);
	} else if (c->common.opcode == nvme_admin_set_features &&
		   (le32toh(c->common.cdw10) & 0xff) == NVME_FEAT_NUM_QUEUES && lie.queues) {
		cqe = loop_hreq_cqe(h);
		cqe->result.dw0 = htole32(3 | (3u << 16));
	}
}

/* Connect a lying-informed host; it must be refused with why. */
static void expect_refused(unsigned int nr_io_queues, uint16_t queue_size, const char *why)
{
	struct fcnvme_host_ctrl_opts o;
	unsigned int i;

	cl_lp.rsp_hook = lie_hook;
	cl_opts(&o, LOOP_HOSTNQN);
	o.nr_io_queues = (uint16_t)nr_io_queues;
	o.queue_size = queue_size;
	ck_assert_int_eq(fcnvme_host_ctrl_create(cl_lp.lport, cl_lp.rport, &o, &cl_ctrl), 0);
	for (i = 0; i < 500 && fcnvme_host_ctrl_state(cl_ctrl) != FCNVME_HOST_CTRL_RECONNECT_WAIT;
	     i++)
		cl_pump(1);
	ck_assert_int_eq(fcnvme_host_ctrl_state(cl_ctrl), FCNVME_HOST_CTRL_RECONNECT_WAIT);
	ck_assert_msg(strstr(fcnvme_host_ctrl_reason(cl_ctrl), why) != NULL, "reason \"%s\"",
		      fcnvme_host_ctrl_reason(cl_ctrl));
	cl_delete_ctrl();
	cl_lp.rsp_hook = NULL;
	memset(&lie, 0, sizeof(lie));
}

static int ctrl_queues_cb(const struct tgt_ctrl_info *i, void *arg)
{
	*(unsigned int *)arg = i->nr_io_queues;
	return 0;
}

/* max_io_queues 2: a host asking for 4 is granted 2 and does verified I/O
 * on both; one that uses 4 anyway is refused at Create Connection 3. */
START_TEST(test_limit_io_queues)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	unsigned int n = 0;

	cl_prng_seed("test_limit_io_queues");
	cl_port_limits(1 << 20, 1024, 2);
	cl_opts(&o, LOOP_HOSTNQN);
	o.nr_io_queues = 4; /* the loop host port has 4 hardware queues */
	cl_connect(&o);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.nr_io_queues, 2);
	tgt_ctrl_foreach(cl_T, ctrl_queues_cb, &n);
	ck_assert_uint_eq(n, 2);
	cl_verified_io(1, 2, 16, 65536);
	cl_verified_io(2, 1, 400, 4096);
	cl_delete_ctrl();
	lie.queues = true;
	expect_refused(4, 32, "Create Connection LS rejected: logical error");
}
END_TEST

/* max_queue_size 16: CAP.MQES 15 and MAXCMD 16; a host wanting 32 entries
 * uses 16 (the 32-entry admin queue is accepted) and fills a queue with
 * verified I/O; one that asks for 32 is refused with INV_SQSIZE. */
START_TEST(test_limit_queue_size)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *w, *r;
	struct cl_io_res res[15];
	struct nvme_command c;
	unsigned int i, j;

	cl_prng_seed("test_limit_queue_size");
	cl_port_limits(1 << 20, 16, 8);
	cl_opts(&o, LOOP_HOSTNQN);
	o.queue_size = 32;
	cl_connect(&o);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.cap & 0xffff, 15);
	ck_assert_uint_eq(info.id_ctrl[514] | (info.id_ctrl[515] << 8), 16);
	ck_assert_uint_eq(info.queue_size, 16);
	ck_assert_uint_eq(cl_lp.ls_log[0][0], FCNVME_LS_CREATE_ASSOCIATION);
	ck_assert_uint_eq(cl_lp.ls_log[0][58] << 8 | cl_lp.ls_log[0][59], 31); /* admin */
	ck_assert_uint_eq(cl_lp.ls_log[1][74] << 8 | cl_lp.ls_log[1][75], 15); /* qid 1 */
	/* 15 writes outstanding on one queue, then read back */
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 15 * 4096, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 15 * 4096, &r), 0);
	cl_prng_fill(w->addr, 15 * 4096);
	memset(res, 0, sizeof(res));
	for (i = 0; i < 15; i++) {
		memset(&c, 0, sizeof(c));
		c.rw.opcode = nvme_cmd_write;
		c.rw.nsid = htole32(1);
		c.rw.slba = htole64(i * 8);
		c.rw.length = htole16(7);
		ck_assert_int_eq(
			fcnvme_host_submit(cl_ctrl, 1, &c, w, i * 4096u, 4096, cl_io_cb, &res[i]),
			0);
	}
	ck_assert_uint_eq(fcnvme_host_queue_depth(cl_ctrl, 1), 15);
	for (j = 0; j < 1000; j++)
		cl_pump(1);
	for (i = 0; i < 15; i++) {
		ck_assert_int_eq(res[i].done, 1);
		ck_assert_uint_eq(res[i].status, 0);
	}
	ck_assert_uint_eq(cl_host_io(2, nvme_cmd_read, 0, 15 * 8, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 15 * 4096);
	fcnvme_host_buf_free(cl_ctrl, w);
	fcnvme_host_buf_free(cl_ctrl, r);
	cl_delete_ctrl();
	lie.queue_size = true;
	expect_refused(2, 32,
		       "Create Connection LS rejected: invalid parameters (invalid submission "
		       "queue size)");
}
END_TEST

/* mdts 16 KiB: Identify MDTS 2; the host moves 16 KiB commands verified
 * and will not build a larger one; one that ignores MDTS gets
 * INVALID_FIELD | DNR for 32 KiB. */
START_TEST(test_limit_mdts)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *b;
	struct nvme_command c;
	struct cl_io_res r = { 0 };

	cl_prng_seed("test_limit_mdts");
	cl_port_limits(16 * 1024, 1024, 8);
	cl_opts(&o, LOOP_HOSTNQN);
	cl_connect(&o);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.id_ctrl[77], 2);
	ck_assert_uint_eq(info.max_xfer, 16384);
	cl_verified_io(1, 2, 32, 16384);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 32768, &b), 0);
	memset(&c, 0, sizeof(c));
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = htole32(1);
	c.rw.length = htole16(63);
	ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 1, &c, b, 0, 32768, cl_io_cb, &r), -E2BIG);
	fcnvme_host_buf_free(cl_ctrl, b);
	cl_delete_ctrl();
	/* a host that takes MDTS 0 (no limit) */
	cl_lp.rsp_hook = lie_hook;
	lie.mdts_unlimited = true;
	cl_connect(&o);
	fcnvme_host_ctrl_get_info(cl_ctrl, &info);
	ck_assert_uint_eq(info.max_xfer, 1 << 20);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 32768, &b), 0);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, 0, 64, b),
			  NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	ck_assert_uint_eq(cl_host_io(2, nvme_cmd_write, 0, 64, b),
			  NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, 0, 32, b), 0);
	fcnvme_host_buf_free(cl_ctrl, b);
	cl_lp.rsp_hook = NULL;
	memset(&lie, 0, sizeof(lie));
}
END_TEST

/* ---- zero-copy Reads of the ram backend (issue 20) --------------------- */

Suite *core_loop_limits_suite(void)
{
	const TTest *t[] = { test_limit_io_queues, test_limit_queue_size, test_limit_mdts };

	return cl_suite("core_loop_limits", t, sizeof(t) / sizeof(t[0]));
}
