// SPDX-License-Identifier: Apache-2.0
/*
 * Association bring-up as Linux nvme_fc_create_association() does it, as a
 * table of asynchronous steps: create the admin hw queue, Create
 * Association LS, admin Connect, Property Get CAP, Property Set CC.EN,
 * Property Get CSTS until RDY, Property Get VS, Identify Controller, the
 * Commands Supported and Effects log (when LPA says so) and the ANA log
 * (with ANA reporting) as nvme_init_ctrl_finish() reads them, Set Features
 * Number of Queues, then per I/O queue its hw queue, a Create Connection
 * LS and its Connect. Every answer is checked as Linux's host checks it
 * (nvme_fc_check.c). Each step's start() issues one command or LS;
 * finish() reads the result once it is back and says whether to go on,
 * repeat the step, or fail the attempt. Also the keep-alive sender.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <fcnvme/ls.h>
#include <fcnvme/nvme_log.h>
#include <fcnvme/nvme_status.h>

#include "nvme_fc_int.h"

/* Identify Controller fields the host uses (NVMe Base 2.0, fig. 275). */
#define FCN_ID_MDTS   77
#define FCN_ID_MAXCMD 514

enum {
	FCN_STEP_NEXT = 0,
	FCN_STEP_REPEAT = 1
};

struct fcn_host_step {
	const char *name;
	/* 0 = issued (wait), 1 = nothing to wait for, <0 = failed */
	int (*start)(struct fcn_host_ctrl *c);
	/* FCN_STEP_NEXT, FCN_STEP_REPEAT or <0 */
	int (*finish)(struct fcn_host_ctrl *c);
};

static void fcn_host_connect_cmd_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct fcn_host_ctrl *c = arg;

	c->step_status = status;
	c->step_cqe = *cqe;
	c->step_busy = false;
}

static int fcn_host_connect_cmd(struct fcn_host_ctrl *c, uint16_t qid,
				const struct nvme_command *cmd, uint32_t len)
{
	int rc;

	/* busy first: an LLDD may complete before fcp_io returns */
	c->step_busy = true;
	rc = fcn_host_io_submit(&c->queues[qid], cmd, &c->id_hbuf, 0, len, true,
				fcn_host_connect_cmd_done, c);
	if (rc)
		c->step_busy = false;
	return rc;
}

static int fcn_host_connect_status(struct fcn_host_ctrl *c, const char *what)
{
	struct fcnvme_connect_info conn;
	char why[sizeof(c->reason)];

	if (!c->step_status)
		return 0;
	if (c->step_status & NVME_SC_DNR)
		c->dnr = true;
	/* a Connect's response names what it refused (fcnvme/nvme_status.h) */
	if (!strncmp(what, "Connect", 7)) {
		conn.subnqn = c->subnqn;
		conn.hostnqn = c->hostnqn;
		conn.dw0 = le32toh(c->step_cqe.result.dw0);
	}
	fcnvme_nvme_status_str(c->step_status, strncmp(what, "Connect", 7) ? NULL : &conn, why,
			       sizeof(why));
	fcn_host_ctrl_set_reason(c, "%s: %s", what, why);
	c->reason_status = c->step_status;
	return -EIO;
}

static int fcn_host_connect_ls_result(struct fcn_host_ctrl *c, int rc, const char *what,
				      const struct fcnvme_ls_verdict *v)
{
	if (c->ls.status) {
		fcn_host_ctrl_set_reason(c, "%s LS failed: %s", what, strerror(-c->ls.status));
		return c->ls.status;
	}
	if (rc == -ENXIO) {
		fcn_host_ctrl_set_reason(c, "%s LS rejected: %s (%s)", what,
					 fcnvme_ls_rjt_reason_name(v->reason),
					 fcnvme_ls_rjt_explan_name(v->explanation));
		return rc;
	}
	if (rc) {
		fcn_host_ctrl_set_reason(c, "%s LS: malformed ACC", what);
		return rc;
	}
	return 0;
}

/* ---- steps --------------------------------------------------------------- */

static int fcn_host_st_aq_start(struct fcn_host_ctrl *c)
{
	struct nvme_fc_port_template *ops = c->lp->ops;
	struct fcn_host_queue *q = &c->queues[0];
	int rc;

	q->qsize = FCNVME_HOST_AQ_DEPTH;
	if (ops->create_queue) {
		rc = ops->create_queue(&c->lp->port, 0, q->qsize, &q->lldd_handle);
		if (rc) {
			fcn_host_ctrl_set_reason(c, "create_queue(0) failed: %s", strerror(-rc));
			return rc;
		}
	}
	q->lldd_created = true;
	return 1;
}

static int fcn_host_st_none(struct fcn_host_ctrl *c)
{
	(void)c;
	return FCN_STEP_NEXT;
}

static int fcn_host_st_cra_start(struct fcn_host_ctrl *c)
{
	struct fcnvme_ls_cr_assoc_params p;
	int len;

	memset(&p, 0, sizeof(p));
	p.ersp_ratio = FCNVME_HOST_AQ_DEPTH / 4;
	p.sqsize = FCNVME_HOST_AQ_DEPTH - 1;
	p.cntlid = 0xffff;
	memcpy(p.hostid, c->opts.hostid, sizeof(p.hostid));
	memcpy(p.hostnqn, c->hostnqn, sizeof(p.hostnqn));
	memcpy(p.subnqn, c->subnqn, sizeof(p.subnqn));
	len = fcnvme_ls_build_cr_assoc(c->ls.buf, FCN_HOST_LS_RSP_OFF, &p);
	if (len < 0)
		return len;
	return fcn_host_ls_send(c, (uint32_t)len, sizeof(struct fcnvme_ls_cr_assoc_acc));
}

static int fcn_host_st_cra_finish(struct fcn_host_ctrl *c)
{
	struct fcnvme_ls_verdict v = { 0 };
	uint64_t assoc = 0, conn = 0;
	int rc = 0;

	if (!c->ls.status)
		rc = fcnvme_ls_parse_cr_assoc_acc((char *)c->ls.buf + FCN_HOST_LS_RSP_OFF,
						  c->ls.req.rsplen, &assoc, &conn, &v);
	rc = fcn_host_connect_ls_result(c, rc, "Create Association", &v);
	if (rc)
		return rc;
	c->association_id = assoc;
	c->queues[0].connection_id = conn;
	return FCN_STEP_NEXT;
}

static void fcn_host_connect_build(struct fcn_host_ctrl *c, struct nvme_command *cmd, uint16_t qid,
				   uint16_t sqsize, uint32_t kato)
{
	struct nvmf_connect_data *d = c->id_buf;

	memset(cmd, 0, sizeof(*cmd));
	cmd->connect.opcode = nvme_fabrics_command;
	cmd->connect.fctype = nvme_fabrics_type_connect;
	cmd->connect.recfmt = 0;
	cmd->connect.qid = htole16(qid);
	cmd->connect.sqsize = htole16(sqsize);
	cmd->connect.kato = htole32(kato);

	memset(d, 0, sizeof(*d));
	memcpy(d->hostid, c->opts.hostid, sizeof(d->hostid));
	d->cntlid = htole16(qid ? c->cntlid : 0xffff);
	memcpy(d->subsysnqn, c->subnqn, sizeof(d->subsysnqn));
	memcpy(d->hostnqn, c->hostnqn, sizeof(d->hostnqn));
}

static int fcn_host_st_conn_start(struct fcn_host_ctrl *c)
{
	struct nvme_command cmd;

	fcn_host_connect_build(c, &cmd, 0, FCNVME_HOST_AQ_DEPTH - 1, c->opts.kato_ms);
	return fcn_host_connect_cmd(c, 0, &cmd, sizeof(struct nvmf_connect_data));
}

static int fcn_host_st_conn_finish(struct fcn_host_ctrl *c)
{
	int rc = fcn_host_connect_status(c, "Connect (admin)");

	if (rc)
		return rc;
	c->cntlid = (uint16_t)(le32toh(c->step_cqe.result.dw0) & 0xffff);
	rc = fcn_host_check_connect(c, 0, le32toh(c->step_cqe.result.dw0));
	if (rc)
		return rc;
	c->queues[0].connected = true;
	return FCN_STEP_NEXT;
}

/* DH-HMAC-CHAP on the admin queue when the host has a key (as Linux, even
 * if the controller did not ask); one message per round. */
static int fcn_host_st_auth_start(struct fcn_host_ctrl *c)
{
	if (!c->dhchap.len)
		return 1;
	return fcn_host_auth_start(c, 0);
}

static int fcn_host_st_auth_finish(struct fcn_host_ctrl *c)
{
	int rc;

	if (!c->dhchap.len)
		return FCN_STEP_NEXT;
	rc = fcn_host_auth_finish(c, 0);
	if (rc < 0)
		return rc;
	return rc ? FCN_STEP_REPEAT : FCN_STEP_NEXT;
}

static int fcn_host_prop(struct fcn_host_ctrl *c, bool set, uint32_t off, uint8_t attrib,
			 uint64_t value)
{
	struct nvme_command cmd;

	memset(&cmd, 0, sizeof(cmd));
	if (set) {
		cmd.prop_set.opcode = nvme_fabrics_command;
		cmd.prop_set.fctype = nvme_fabrics_type_property_set;
		cmd.prop_set.attrib = attrib;
		cmd.prop_set.offset = htole32(off);
		cmd.prop_set.value = htole64(value);
	} else {
		cmd.prop_get.opcode = nvme_fabrics_command;
		cmd.prop_get.fctype = nvme_fabrics_type_property_get;
		cmd.prop_get.attrib = attrib;
		cmd.prop_get.offset = htole32(off);
	}
	return fcn_host_connect_cmd(c, 0, &cmd, 0);
}

static int fcn_host_st_cap_start(struct fcn_host_ctrl *c)
{
	return fcn_host_prop(c, false, NVME_REG_CAP, 1, 0);
}

static int fcn_host_st_cap_finish(struct fcn_host_ctrl *c)
{
	int rc = fcn_host_connect_status(c, "Property Get CAP");

	if (rc)
		return rc;
	c->cap = le64toh(c->step_cqe.result.u64);
	rc = fcn_host_check_cap(c);
	if (rc)
		return rc;
	return FCN_STEP_NEXT;
}

static int fcn_host_st_cc_start(struct fcn_host_ctrl *c)
{
	uint32_t cc = NVME_CC_ENABLE | (6u << NVME_CC_IOSQES_SHIFT) | (4u << NVME_CC_IOCQES_SHIFT);

	return fcn_host_prop(c, true, NVME_REG_CC, 0, cc);
}

static int fcn_host_st_cc_finish(struct fcn_host_ctrl *c)
{
	uint64_t to = (c->cap >> 24) & 0xff; /* CAP.TO, 500 ms units */
	int rc = fcn_host_connect_status(c, "Property Set CC");

	if (rc)
		return rc;
	if (to < 2)
		to = 2;
	c->csts_deadline_ns = fcn_host_ctrl_now(c) + to * 500000000ull;
	return FCN_STEP_NEXT;
}

static int fcn_host_st_csts_start(struct fcn_host_ctrl *c)
{
	return fcn_host_prop(c, false, NVME_REG_CSTS, 0, 0);
}

static int fcn_host_st_csts_finish(struct fcn_host_ctrl *c)
{
	uint32_t csts;
	int rc = fcn_host_connect_status(c, "Property Get CSTS");

	if (rc)
		return rc;
	csts = le32toh(c->step_cqe.result.dw0);
	if (csts & NVME_CSTS_CFS) {
		fcn_host_ctrl_set_reason(c, "controller fatal status (CSTS.CFS)");
		return -EIO;
	}
	if (csts & NVME_CSTS_RDY)
		return FCN_STEP_NEXT;
	if (fcn_host_ctrl_now(c) >= c->csts_deadline_ns) {
		fcn_host_ctrl_set_reason(c, "controller not ready (CSTS.RDY) "
					    "within CAP.TO");
		return -ETIMEDOUT;
	}
	return FCN_STEP_REPEAT;
}

static int fcn_host_st_vs_start(struct fcn_host_ctrl *c)
{
	return fcn_host_prop(c, false, NVME_REG_VS, 0, 0);
}

/* Linux reads VS before Identify and fails if it cannot
 * (nvme_init_ctrl_finish). */
static int fcn_host_st_vs_finish(struct fcn_host_ctrl *c)
{
	int rc = fcn_host_connect_status(c, "Property Get VS");

	if (rc)
		return rc;
	c->vs = le32toh(c->step_cqe.result.dw0);
	return FCN_STEP_NEXT;
}

static int fcn_host_st_id_start(struct fcn_host_ctrl *c)
{
	struct nvme_command cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.common.opcode = nvme_admin_identify;
	cmd.common.cdw10 = htole32(1); /* CNS 1: controller */
	memset(c->id_buf, 0, FCN_HOST_ID_BUF_LEN);
	return fcn_host_connect_cmd(c, 0, &cmd, FCN_HOST_ID_BUF_LEN);
}

static int fcn_host_st_id_finish(struct fcn_host_ctrl *c)
{
	const uint8_t *id = c->id_ctrl;
	uint32_t mqes = (uint32_t)(c->cap & 0xffff) + 1;
	uint32_t lim, qs;
	int rc = fcn_host_connect_status(c, "Identify Controller");

	if (rc)
		return rc;
	memcpy(c->id_ctrl, c->id_buf, sizeof(c->id_ctrl));
	rc = fcn_host_check_identify(c);
	if (rc)
		return rc;
	/* As Linux: sqsize = min(MQES, queue_size - 1), and a queue size
	 * above MAXCMD is lowered to MAXCMD. */
	qs = c->opts.queue_size;
	if (qs > mqes)
		qs = mqes;
	if (qs > fcn_host_id_u16(id, FCN_ID_MAXCMD))
		qs = fcn_host_id_u16(id, FCN_ID_MAXCMD);
	if (qs < 2)
		qs = 2;
	c->io_qsize = (uint16_t)qs;

	/* The LLDD's segments, and MDTS in CAP.MPSMIN (4 KiB) units. */
	lim = (uint32_t)c->lp->ops->max_sgl_segments * 4096u;
	if (id[FCN_ID_MDTS] && id[FCN_ID_MDTS] < 20 && (4096ull << id[FCN_ID_MDTS]) < lim)
		lim = 4096u << id[FCN_ID_MDTS];
	c->max_xfer = lim;
	return FCN_STEP_NEXT;
}

/* A Get Log Page of len bytes into buf on the admin queue. */
static int fcn_host_get_log(struct fcn_host_ctrl *c, uint8_t lid, uint32_t nsid,
			    const struct fcnvme_host_buf *buf, uint32_t len)
{
	struct nvme_command cmd;
	uint32_t numd = len / 4 - 1;
	int rc;

	memset(&cmd, 0, sizeof(cmd));
	cmd.common.opcode = nvme_admin_get_log_page;
	cmd.common.nsid = htole32(nsid);
	cmd.common.cdw10 = htole32(lid | ((numd & 0xffff) << 16));
	cmd.common.cdw11 = htole32(numd >> 16);
	memset(buf->addr, 0, len);
	c->step_busy = true;
	rc = fcn_host_io_submit(&c->queues[0], &cmd, buf, 0, len, true, fcn_host_connect_cmd_done,
				c);
	if (rc)
		c->step_busy = false;
	return rc;
}

static int fcn_host_st_effects_start(struct fcn_host_ctrl *c)
{
	c->step_skip = !fcn_host_wants_effects(c);
	if (c->step_skip)
		return 1;
	return fcn_host_get_log(c, NVME_LOG_CMD_EFFECTS, 0, &c->id_hbuf, FCN_HOST_ID_BUF_LEN);
}

static int fcn_host_st_effects_finish(struct fcn_host_ctrl *c)
{
	int rc;

	if (c->step_skip)
		return FCN_STEP_NEXT;
	rc = fcn_host_connect_status(c, "Get Log Page (Commands Supported and Effects)");
	return rc ? rc : FCN_STEP_NEXT;
}

static int fcn_host_st_ana_start(struct fcn_host_ctrl *c)
{
	size_t len = fcn_host_ana_reporting(c) ? fcn_host_ana_log_size(c) : 0;
	void *addr;
	fcnvme_dma_t dma;
	int rc;

	len = (len + 3) & ~(size_t)3;
	c->step_skip = !len;
	if (c->step_skip)
		return 1;
	if (c->log_hbuf.len < len) {
		rc = fcnvme_dma_alloc(c->lp->dev, len, &addr, &dma);
		if (rc)
			return rc;
		if (c->log_hbuf.addr)
			fcnvme_dma_free(c->lp->dev, c->log_hbuf.addr, c->log_hbuf.len);
		c->log_hbuf.addr = addr;
		c->log_hbuf.dma = dma;
		c->log_hbuf.len = len;
	}
	return fcn_host_get_log(c, NVME_LOG_ANA, 0xffffffff, &c->log_hbuf, (uint32_t)len);
}

static int fcn_host_st_ana_finish(struct fcn_host_ctrl *c)
{
	int rc;

	if (c->step_skip)
		return FCN_STEP_NEXT;
	rc = fcn_host_connect_status(c, "Get Log Page (ANA)");
	if (rc)
		return rc;
	rc = fcn_host_check_ana_log(c, c->log_hbuf.addr, fcn_host_ana_log_size(c));
	return rc ? rc : FCN_STEP_NEXT;
}

static uint16_t fcn_host_want_queues(const struct fcn_host_ctrl *c)
{
	uint32_t n = c->opts.nr_io_queues;

	if (n > c->lp->ops->max_hw_queues)
		n = c->lp->ops->max_hw_queues;
	return (uint16_t)n;
}

static int fcn_host_st_nq_start(struct fcn_host_ctrl *c)
{
	struct nvme_command cmd;
	uint32_t n = fcn_host_want_queues(c);

	if (!n) {
		c->nr_io_live = 0;
		return 1;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.common.opcode = nvme_admin_set_features;
	cmd.common.cdw10 = htole32(0x07); /* Number of Queues */
	cmd.common.cdw11 = htole32((n - 1) | ((n - 1) << 16));
	return fcn_host_connect_cmd(c, 0, &cmd, 0);
}

static int fcn_host_st_nq_finish(struct fcn_host_ctrl *c)
{
	uint32_t n = fcn_host_want_queues(c), dw0, nsq, ncq;
	int rc;

	if (!n)
		return FCN_STEP_NEXT;
	rc = fcn_host_connect_status(c, "Set Features (Number of Queues)");
	if (rc)
		return rc;
	dw0 = le32toh(c->step_cqe.result.dw0);
	nsq = (dw0 & 0xffff) + 1;
	ncq = (dw0 >> 16) + 1;
	if (nsq < n)
		n = nsq;
	if (ncq < n)
		n = ncq;
	c->nr_io_live = (uint16_t)n;
	c->io_qid = 1;
	c->io_sub = 0;
	return FCN_STEP_NEXT;
}

static int fcn_host_st_ioq_start(struct fcn_host_ctrl *c)
{
	struct nvme_fc_port_template *ops = c->lp->ops;
	struct fcn_host_queue *q;
	struct fcnvme_ls_cr_conn_params p;
	struct nvme_command cmd;
	int len, rc;

	if (c->io_qid == 0 || c->io_qid > c->nr_io_live)
		return 1;
	q = &c->queues[c->io_qid];
	if (c->io_sub == 2)
		return fcn_host_auth_start(c, q->qid);
	if (c->io_sub == 1) {
		fcn_host_connect_build(c, &cmd, q->qid, (uint16_t)(q->qsize - 1), 0);
		return fcn_host_connect_cmd(c, q->qid, &cmd, sizeof(struct nvmf_connect_data));
	}
	q->qsize = c->io_qsize;
	if (ops->create_queue) {
		rc = ops->create_queue(&c->lp->port, q->qid, q->qsize, &q->lldd_handle);
		if (rc) {
			fcn_host_ctrl_set_reason(c, "create_queue(%u) failed: %s", q->qid,
						 strerror(-rc));
			return rc;
		}
	}
	q->lldd_created = true;
	memset(&p, 0, sizeof(p));
	p.association_id = c->association_id;
	p.ersp_ratio = (uint16_t)(q->qsize / 5 ? q->qsize / 5 : 1);
	p.qid = q->qid;
	p.sqsize = (uint16_t)(q->qsize - 1);
	len = fcnvme_ls_build_cr_conn(c->ls.buf, FCN_HOST_LS_RSP_OFF, &p);
	if (len < 0)
		return len;
	return fcn_host_ls_send(c, (uint32_t)len, sizeof(struct fcnvme_ls_cr_conn_acc));
}

static int fcn_host_st_ioq_finish(struct fcn_host_ctrl *c)
{
	struct fcnvme_ls_verdict v = { 0 };
	struct fcn_host_queue *q;
	uint64_t conn = 0;
	int rc = 0;

	if (c->io_qid == 0 || c->io_qid > c->nr_io_live)
		return FCN_STEP_NEXT;
	q = &c->queues[c->io_qid];
	if (c->io_sub == 0) {
		if (!c->ls.status)
			rc = fcnvme_ls_parse_cr_conn_acc((char *)c->ls.buf + FCN_HOST_LS_RSP_OFF,
							 c->ls.req.rsplen, &conn, &v);
		rc = fcn_host_connect_ls_result(c, rc, "Create Connection", &v);
		if (rc)
			return rc;
		q->connection_id = conn;
		c->io_sub = 1;
		return FCN_STEP_REPEAT;
	}
	if (c->io_sub == 2) {
		rc = fcn_host_auth_finish(c, q->qid);
		if (rc)
			return rc < 0 ? rc : FCN_STEP_REPEAT;
		goto next;
	}
	rc = fcn_host_connect_status(c, "Connect (I/O queue)");
	if (rc)
		return rc;
	rc = fcn_host_check_connect(c, q->qid, le32toh(c->step_cqe.result.dw0));
	if (rc)
		return rc;
	q->connected = true;
	if (c->dhchap.len) {
		c->io_sub = 2;
		return FCN_STEP_REPEAT;
	}
next:
	c->io_sub = 0;
	c->io_qid++;
	return c->io_qid > c->nr_io_live ? FCN_STEP_NEXT : FCN_STEP_REPEAT;
}

static const struct fcn_host_step fcn_host_steps[] = {
	{ "create admin queue", fcn_host_st_aq_start, fcn_host_st_none },
	{ "Create Association", fcn_host_st_cra_start, fcn_host_st_cra_finish },
	{ "Connect (admin)", fcn_host_st_conn_start, fcn_host_st_conn_finish },
	{ "Authentication (admin)", fcn_host_st_auth_start, fcn_host_st_auth_finish },
	{ "Property Get CAP", fcn_host_st_cap_start, fcn_host_st_cap_finish },
	{ "Property Set CC", fcn_host_st_cc_start, fcn_host_st_cc_finish },
	{ "Property Get CSTS", fcn_host_st_csts_start, fcn_host_st_csts_finish },
	{ "Property Get VS", fcn_host_st_vs_start, fcn_host_st_vs_finish },
	{ "Identify Controller", fcn_host_st_id_start, fcn_host_st_id_finish },
	{ "Get Log Page (Commands Supported and Effects)", fcn_host_st_effects_start,
	  fcn_host_st_effects_finish },
	{ "Get Log Page (ANA)", fcn_host_st_ana_start, fcn_host_st_ana_finish },
	{ "Set Features (Number of Queues)", fcn_host_st_nq_start, fcn_host_st_nq_finish },
	{ "I/O queue setup", fcn_host_st_ioq_start, fcn_host_st_ioq_finish },
};
#define FCN_HOST_NSTEPS (sizeof(fcn_host_steps) / sizeof(fcn_host_steps[0]))

/* Begin a connect attempt from step 0. */
void fcn_host_connect_start(struct fcn_host_ctrl *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_queues; i++)
		fcn_host_queue_reset(&c->queues[i]);
	c->association_id = 0;
	c->cntlid = 0;
	c->nr_io_live = 0;
	c->io_qid = 0;
	c->io_sub = 0;
	fcn_host_auth_free(c); /* an exchange the last attempt left half done */
	c->step = 0;
	c->step_busy = false;
	c->step_issued = false;
	c->want_reset = false;
	c->was_live = false;
	c->dnr = false;
	c->phase = FCN_PH_CONNECT;
	fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_CONNECTING);
}

static int fcn_host_connect_issue(struct fcn_host_ctrl *c)
{
	const struct fcn_host_step *s = &fcn_host_steps[c->step];
	int rc = s->start(c);

	if (rc < 0 && !c->reason[0])
		fcn_host_ctrl_set_reason(c, "%s: %s", s->name, strerror(-rc));
	return rc;
}

/*
 * Run as many steps as are ready. Returns 1 if something happened, 0 if
 * waiting, -errno when the attempt failed (reason set), and sets LIVE at
 * the end of the table.
 */
int fcn_host_connect_advance(struct fcn_host_ctrl *c)
{
	int progressed = 0, rc;

	for (;;) {
		const struct fcn_host_step *s;

		if (c->step >= FCN_HOST_NSTEPS) {
			c->phase = FCN_PH_IDLE;
			c->was_live = true;
			c->nr_connects++;
			c->reason[0] = '\0';
			c->reason_status = 0;
			c->ka_next_ns =
				fcn_host_ctrl_now(c) + (uint64_t)c->opts.kato_ms * 500000ull;
			fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_LIVE);
			return 1;
		}
		s = &fcn_host_steps[c->step];
		if (c->ls.busy || c->step_busy)
			return progressed;
		if (c->want_reset)
			return -EIO;
		if (!c->step_issued) {
			rc = fcn_host_connect_issue(c);
			if (rc < 0)
				return rc;
			c->step_issued = true;
			progressed = 1;
			if (rc == 0)
				continue; /* wait for it */
		}
		c->step_issued = false;
		rc = s->finish(c);
		if (rc < 0) {
			if (!c->reason[0])
				fcn_host_ctrl_set_reason(c, "%s: %s", s->name, strerror(-rc));
			return rc;
		}
		if (rc == FCN_STEP_NEXT)
			c->step++;
		progressed = 1;
	}
}

/*
 * Teardown interrupted the connect sequence: if a Create Association was
 * answered meanwhile, learn the association ID so that it is disconnected
 * rather than left behind on the target.
 */
void fcn_host_connect_salvage(struct fcn_host_ctrl *c)
{
	uint64_t assoc = 0, conn = 0;

	if (c->phase != FCN_PH_TEARDOWN_ABORT || c->association_id || !c->step_issued ||
	    fcn_host_steps[c->step].start != fcn_host_st_cra_start || c->ls.busy || c->ls.status)
		return;
	if (fcnvme_ls_parse_cr_assoc_acc((char *)c->ls.buf + FCN_HOST_LS_RSP_OFF, c->ls.req.rsplen,
					 &assoc, &conn, NULL) == 0)
		c->association_id = assoc;
	c->step_issued = false;
}

static void fcn_host_ka_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct fcn_host_ctrl *c = arg;

	(void)cqe;
	c->ka_busy = false;
	if (status && status != NVME_SC_HOST_ABORTED_CMD)
		fcn_host_ctrl_path_error(c, "Keep Alive failed");
}

/* Send a Keep Alive when one is due (LIVE, kato set, none in flight). */
void fcn_host_connect_ka(struct fcn_host_ctrl *c)
{
	struct nvme_command cmd;
	uint64_t now;

	if (!c->opts.kato_ms || c->ka_busy || c->state != FCNVME_HOST_CTRL_LIVE)
		return;
	now = fcn_host_ctrl_now(c);
	if (now < c->ka_next_ns)
		return;
	memset(&cmd, 0, sizeof(cmd));
	cmd.common.opcode = nvme_admin_keep_alive;
	c->ka_busy = true;
	if (fcn_host_io_submit(&c->queues[0], &cmd, NULL, 0, 0, true, fcn_host_ka_done, c))
		c->ka_busy = false;
	c->ka_next_ns = now + (uint64_t)c->opts.kato_ms * 500000ull;
}
