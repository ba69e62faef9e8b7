// SPDX-License-Identifier: Apache-2.0
/*
 * Fabrics commands: Connect (admin and I/O queues), Property Get and
 * Property Set (CAP, VS, CC, CSTS), parsed on the queue's thread and executed
 * on the control thread. Connect failures carry the NVMe-oF status and, for
 * CONNECT_INVALID_PARAM, the offending field in dword 0 (bit 16 set when it
 * lies in the Connect data, else in the SQE), all with DNR. A Connect with
 * cattr DISABLE_SQFLOW turns SQ head reporting off for its queue (see
 * tgt_cqe_sq_head()). AUTH_Send/AUTH_Receive are cmd_auth.c's; a Connect
 * of a host with a DH-HMAC-CHAP key answers AUTHREQ (ATR) in dword 0.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tgt_priv.h"

#define IPO_SQE(field)	((uint32_t)offsetof(struct nvmf_connect_command, field))
#define IPO_DATA(field) ((1u << 16) | (uint32_t)offsetof(struct nvmf_connect_data, field))

#define TGT_CAP_CQR	(1ull << 16)
#define TGT_CAP_TO	(15ull << 24) /* 7.5 s, 500 ms units */
#define TGT_CAP_CSS_NVM (1ull << 37)
#define TGT_VS		NVME_VS(2, 0, 0)

static void fabrics_exec_ctl(void *arg)
{
	struct nvmet_fc_req *req = arg;
	uint16_t status;

	status = cmd_fabrics_exec(req, req_ctx(req)->sq);
	tgt_req_complete_from_ctl(req, status);
}

static void fabrics_execute(struct nvmet_fc_req *req)
{
	struct sq *sq = req_ctx(req)->sq;

	if (tgt_run_on_ctl(sq->t, sq->port, fabrics_exec_ctl, req))
		tgt_req_complete(req, NVME_SC_INTERNAL);
}

/* [hwq] Parse a fabrics command (opcode 0x7f). */
uint16_t cmd_fabrics_parse(struct nvmet_fc_req *req)
{
	struct sq *sq = req_ctx(req)->sq;
	struct ctrl *c = atomic_load_explicit(&sq->ctrl, memory_order_acquire);
	uint16_t status;

	switch (req->cmd->fabrics.fctype) {
	case nvme_fabrics_type_connect:
		if (c)
			return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
		if (req->transfer_len != sizeof(struct nvmf_connect_data))
			return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
		break;
	case nvme_fabrics_type_property_get:
	case nvme_fabrics_type_property_set:
		if (!c || sq->qid)
			return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
		if (atomic_load_explicit(&sq->auth_needed, memory_order_acquire))
			return NVME_SC_AUTH_REQUIRED | NVME_SC_DNR;
		ctrl_ka_traffic(c);
		break;
	case nvme_fabrics_type_auth_send:
	case nvme_fabrics_type_auth_receive:
		if (!c)
			return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
		status = cmd_auth_parse(req);
		if (status)
			return status;
		ctrl_ka_traffic(c);
		break;
	default:
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	}
	req->execute = fabrics_execute;
	return 0;
}

static uint16_t connect_invalid(struct nvmet_fc_req *req, uint32_t ipo)
{
	cmd_set_result(req, ipo);
	return NVME_SC_CONNECT_INVALID_PARAM | NVME_SC_DNR;
}

static uint16_t connect_admin(struct nvmet_fc_req *req, struct sq *sq, struct nvmf_connect_data *d,
			      const char **why)
{
	const struct nvmf_connect_command *cmd = &req->cmd->connect;
	struct tgt *t = sq->t;
	struct subsys *s;
	struct ctrl *c;
	bool authreq;
	int rc;

	*why = "controller ID is not 0xffff (dynamic)";
	if (le16toh(d->cntlid) != NVME_CNTLID_DYNAMIC)
		return connect_invalid(req, IPO_DATA(cntlid));
	s = subsys_find(t, d->subsysnqn);
	*why = "subsystem unknown";
	if (!s)
		return connect_invalid(req, IPO_DATA(subsysnqn));
	*why = "subsystem not exported on this port";
	if (!s->discovery && (!sq->port || !subsys_exported_on(s, sq->port->portid)))
		return connect_invalid(req, IPO_DATA(subsysnqn));
	*why = d->hostnqn[0] ? "host not allowed" : "empty host NQN";
	if (!d->hostnqn[0] ||
	    (!s->discovery && !subsys_host_allowed(s, d->hostnqn, sq->host_wwpn))) {
		cmd_set_result(req, IPO_DATA(hostnqn));
		return NVME_SC_CONNECT_INVALID_HOST | NVME_SC_DNR;
	}
	/* Before ctrl_create publishes the controller on the queue. */
	sq->sqhd_disabled = cmd->cattr & NVME_CONNECT_DISABLE_SQFLOW;
	authreq = cmd_auth_connect(sq, s, d->hostnqn);
	rc = ctrl_create(s, sq, d->hostnqn, d->hostid, le32toh(cmd->kato), &c);
	if (rc) {
		sq->sqhd_disabled = false;
		atomic_store_explicit(&sq->auth_needed, false, memory_order_relaxed);
	}
	*why = "no free controller ID";
	if (rc == -ENOSPC)
		return NVME_SC_CONNECT_CTRL_BUSY | NVME_SC_DNR;
	*why = "out of memory";
	if (rc)
		return NVME_SC_INTERNAL | NVME_SC_DNR;
	*why = NULL;
	if (s->discovery)
		c->nr_io_queues = 0;
	cmd_set_result(req, c->cntlid | cmd_auth_connect_result(authreq));
	return NVME_SC_SUCCESS;
}

static uint16_t connect_io(struct nvmet_fc_req *req, struct sq *sq, struct nvmf_connect_data *d,
			   const char **why)
{
	const struct nvmf_connect_command *cmd = &req->cmd->connect;
	uint16_t qid = le16toh(cmd->qid), sqsize = le16toh(cmd->sqsize);
	struct subsys *s;
	struct ctrl *c;
	bool authreq;

	s = subsys_find(sq->t, d->subsysnqn);
	*why = "subsystem unknown";
	if (!s)
		return connect_invalid(req, IPO_DATA(subsysnqn));
	c = ctrl_find(s, le16toh(d->cntlid));
	*why = "no such controller on this association";
	if (!c || c->assoc_id != sq->assoc_id || c->deleting || strcmp(c->hostnqn, d->hostnqn))
		return connect_invalid(req, IPO_DATA(cntlid));
	*why = "queue ID not granted";
	if (qid != sq->qid || qid > c->nr_io_queues)
		return connect_invalid(req, IPO_SQE(qid));
	*why = "queue already connected";
	if (c->sqs[qid])
		return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	/* sqsize above MQES: INVALID_PARAM, as nvmet_install_queue. */
	*why = "queue size 0 or above MQES";
	if (!sqsize || sqsize > c->mqes)
		return connect_invalid(req, IPO_SQE(sqsize));
	*why = NULL;
	c->sqs[qid] = sq;
	ns_fill_sq_view(s, sq, c->hostnqn);
	sq->sqhd_disabled = cmd->cattr & NVME_CONNECT_DISABLE_SQFLOW;
	authreq = cmd_auth_connect(sq, s, c->hostnqn);
	atomic_store_explicit(&sq->ctrl, c, memory_order_release);
	ctrl_ka_traffic(c);
	cmd_set_result(req, c->cntlid | cmd_auth_connect_result(authreq));
	return NVME_SC_SUCCESS;
}

static uint16_t connect_check(struct nvmet_fc_req *req, struct sq *sq, const char **why)
{
	const struct nvmf_connect_command *cmd = &req->cmd->connect;
	struct nvmf_connect_data *d = req->data;

	*why = "record format not 0";
	if (le16toh(cmd->recfmt) != 0)
		return NVME_SC_CONNECT_FORMAT | NVME_SC_DNR;
	*why = "queue already connected";
	if (atomic_load(&sq->ctrl))
		return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	d->subsysnqn[sizeof(d->subsysnqn) - 1] = '\0';
	d->hostnqn[sizeof(d->hostnqn) - 1] = '\0';
	if (le16toh(cmd->qid) == 0) {
		*why = "admin Connect on an I/O queue";
		if (sq->qid != 0)
			return connect_invalid(req, IPO_SQE(qid));
		*why = "queue size 0";
		if (!le16toh(cmd->sqsize))
			return connect_invalid(req, IPO_SQE(sqsize));
		return connect_admin(req, sq, d, why);
	}
	return connect_io(req, sq, d, why);
}

/* Tell the event callback when new controller c's host claims another's
 * identity (ctrl_conflict.c); ev: its CONNECTED event. */
static void connect_conflict(const struct ctrl *c, struct tgt_assoc_event *ev)
{
	const struct ctrl *o = ctrl_conflict_find(c);

	if (!o)
		return;
	ev->kind = TGT_ASSOC_EV_HOST_CONFLICT;
	ev->hostid = c->hostid;
	ev->other_wwpn = o->host_wwpn;
	ev->other_nqn = o->hostnqn;
	ev->other_hostid = o->hostid;
	ev->other_subsys = o->subsys->nqn;
	ev->other_cntlid = o->cntlid;
	tgt_assoc_event(c->t, ev);
}

/* Run a Connect and tell the core's event callback what came of it: a
 * refusal (reason, status, offending field) or a new controller. */
static uint16_t connect_exec(struct nvmet_fc_req *req, struct sq *sq)
{
	const struct nvmf_connect_data *d = req->data;
	struct tgt_assoc_event ev = {
		.port = sq->port ? sq->port->name : "",
		.host_wwpn = sq->host_wwpn,
		.assoc_id = sq->assoc_id,
		.qid = le16toh(req->cmd->connect.qid),
		.ipo = -1,
	};
	const char *why = NULL;
	struct ctrl *c;
	uint16_t status;

	status = connect_check(req, sq, &why);
	ev.host_nqn = d->hostnqn;
	ev.subsys_nqn = d->subsysnqn;
	ev.discovery = subsys_find(sq->t, d->subsysnqn) == sq->t->disc;
	if (status) {
		ev.kind = TGT_ASSOC_EV_CONNECT_REFUSED;
		ev.status = status;
		ev.reason = why ? why : "refused";
		if ((status & 0x7ff) == (NVME_SC_CONNECT_INVALID_PARAM & 0x7ff) ||
		    (status & 0x7ff) == (NVME_SC_CONNECT_INVALID_HOST & 0x7ff))
			ev.ipo = (int32_t)le32toh(req->cqe->result.dw0);
		tgt_assoc_event(sq->t, &ev);
		return status;
	}
	c = atomic_load(&sq->ctrl);
	if (ev.qid == 0 && c) {
		ev.kind = TGT_ASSOC_EV_CONNECTED;
		ev.cntlid = c->cntlid;
		/* the subsystem's own (the host may have used the well-known
		 * discovery NQN for a unique one) */
		ev.subsys_nqn = c->subsys->nqn;
		tgt_assoc_event(sq->t, &ev);
		connect_conflict(c, &ev);
	}
	return status;
}

static uint16_t prop_get(struct nvmet_fc_req *req, struct ctrl *c)
{
	const struct nvmf_property_get_command *cmd = &req->cmd->prop_get;
	bool wide = cmd->attrib & 1;
	uint64_t v;

	switch (le32toh(cmd->offset)) {
	case NVME_REG_CAP:
		if (!wide)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		/* MQES = the port's max_queue_size - 1, as nvmet_init_cap
		 * does with the transport's queue size (core.c). */
		v = (uint64_t)c->mqes | TGT_CAP_CQR | TGT_CAP_TO | TGT_CAP_CSS_NVM;
		break;
	case NVME_REG_VS:
		v = TGT_VS;
		goto narrow;
	case NVME_REG_CC:
		v = c->cc;
		goto narrow;
	case NVME_REG_CSTS:
		v = c->csts;
		goto narrow;
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
	cmd_set_result(req, v);
	return NVME_SC_SUCCESS;
narrow:
	if (wide)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	cmd_set_result(req, v);
	return NVME_SC_SUCCESS;
}

static uint16_t prop_set(struct nvmet_fc_req *req, struct ctrl *c)
{
	const struct nvmf_property_set_command *cmd = &req->cmd->prop_set;

	if ((cmd->attrib & 1) || le32toh(cmd->offset) != NVME_REG_CC)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	ctrl_set_cc(c, (uint32_t)le64toh(cmd->value));
	return NVME_SC_SUCCESS;
}

/* [ctl] Execute a parsed fabrics command. */
uint16_t cmd_fabrics_exec(struct nvmet_fc_req *req, struct sq *sq)
{
	struct ctrl *c = atomic_load(&sq->ctrl);

	switch (req->cmd->fabrics.fctype) {
	case nvme_fabrics_type_connect:
		return connect_exec(req, sq);
	case nvme_fabrics_type_property_get:
		return c ? prop_get(req, c) : NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	case nvme_fabrics_type_property_set:
		return c ? prop_set(req, c) : NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	case nvme_fabrics_type_auth_send:
	case nvme_fabrics_type_auth_receive:
		return c ? cmd_auth_exec(req, sq, c) : NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	}
	return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
}
