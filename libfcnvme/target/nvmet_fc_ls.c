// SPDX-License-Identifier: Apache-2.0
/*
 * Link Services received by the target transport: nvmet_fc_rcv_ls_req()
 * copies the request into a preallocated context, dispatches on ls_cmd
 * through a table, and answers each LS exactly once: an ACC or RJT through
 * the LLDD's xmt_ls_rsp, or an explicit error return. Create Association and
 * Create Connection answer after their queue is published on its hwq thread;
 * Disconnect Association answers after the association is torn down. The
 * checks and reject codes are nvmet-fc's (nvmet_fc_ls_create_association(),
 * nvmet_fc_ls_create_connection(), nvmet_fc_ls_disconnect() in Linux
 * drivers/nvme/target/fc.c) plus the hardening
 * the issue asks for (qid 0 / duplicate qid, sqsize limits, owner host port).
 * Everything here runs on the control context [ctl], including the
 * LLDD's lsrsp->done.
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "nvmet_fc_int.h"

static void fcn_ls_ctx_free(struct fcn_ls_ctx *ctx)
{
	struct fcn_tgtport *tp = ctx->tgtport;

	fcn_list_del(&ctx->entry);
	ctx->lsrsp = NULL;
	ctx->hosthandle = NULL;
	ctx->xmt_pending = false;
	fcn_list_add_tail(&tp->ls_free, &ctx->entry);
	fcn_tgtport_put(tp);
}

static void fcn_ls_rsp_done(struct nvmefc_ls_rsp *lsrsp)
{
	struct fcn_ls_ctx *ctx = lsrsp->nvme_fc_private;

	if (!ctx || !ctx->xmt_pending || ctx->lsrsp != lsrsp)
		return; /* a done we did not ask for: ignore */
	lsrsp->nvme_fc_private = NULL;
	fcn_ls_ctx_free(ctx);
}

/* Transmit the len bytes the handler built in ctx->rspbuf. If the LLDD
 * refuses, the context is freed at once (it will not call done). [ctl] */
void fcn_ls_xmt(struct fcn_ls_ctx *ctx, int len)
{
	struct fcn_tgtport *tp = ctx->tgtport;
	struct nvmefc_ls_rsp *lsrsp = ctx->lsrsp;
	int rc;

	lsrsp->rspbuf = ctx->rspbuf;
	lsrsp->rspdma = ctx->rspdma;
	lsrsp->rsplen = (uint16_t)len;
	lsrsp->done = fcn_ls_rsp_done;
	lsrsp->nvme_fc_private = ctx;
	ctx->xmt_pending = true;
	rc = tp->ops->xmt_ls_rsp(&tp->fc_port, lsrsp);
	if (rc) {
		lsrsp->nvme_fc_private = NULL;
		fcn_ls_ctx_free(ctx);
	}
}

/* Build and transmit an LS_RJT the application need not hear of. [ctl] */
static void fcn_ls_xmt_rjt_quiet(struct fcn_ls_ctx *ctx, uint8_t ls_cmd, uint8_t reason,
				 uint8_t explanation)
{
	int len = fcnvme_ls_build_rjt(ctx->rspbuf, FCN_LS_RSP_BUF_LEN, ls_cmd, reason, explanation);

	fcn_ls_xmt(ctx, len);
}

/* Build and transmit an LS_RJT, and tell the application
 * (nvmet_fc_set_ls_rjt_cb) with detail, the check that failed. [ctl] */
void fcn_ls_xmt_rjt(struct fcn_ls_ctx *ctx, uint8_t ls_cmd, uint8_t reason, uint8_t explanation,
		    const char *detail)
{
	struct fcn_tgtport *tp = ctx->tgtport;
	struct nvmet_fc_ls_rjt_info info;
	uint64_t wwnn;

	if (tp->ls_rjt_cb) {
		memset(&info, 0, sizeof(info));
		info.tgtport = &tp->fc_port;
		info.hosthandle = ctx->hosthandle;
		info.ls_cmd = ls_cmd;
		info.reason = reason;
		info.explanation = explanation;
		info.detail = detail;
		if (!tp->ops->host_traddr ||
		    tp->ops->host_traddr(ctx->hosthandle, &wwnn, &info.host_wwpn))
			info.host_wwpn = 0;
		tp->ls_rjt_cb(tp->ls_rjt_arg, &info);
	}
	fcn_ls_xmt_rjt_quiet(ctx, ls_cmd, reason, explanation);
}

/* Who hears of the LS_RJTs we send; see nvmet_fc_core.h. [ctl] */
int nvmet_fc_set_ls_rjt_cb(struct nvmet_fc_target_port *target_port,
			   void (*cb)(void *arg, const struct nvmet_fc_ls_rjt_info *info),
			   void *arg)
{
	struct fcn_tgtport *tp;

	if (!target_port)
		return -EINVAL;
	tp = fcn_tgtport(target_port);
	tp->ls_rjt_cb = cb;
	tp->ls_rjt_arg = cb ? arg : NULL;
	return 0;
}

/* Entries the admin queue may have (see nvmet_fc_core.h). */
static uint32_t fcn_admin_queue_size(const struct fcn_tgtport *tp)
{
	return tp->cfg.max_queue_size > NVMET_FC_ADMIN_QUEUE_SIZE ? tp->cfg.max_queue_size
								  : NVMET_FC_ADMIN_QUEUE_SIZE;
}

/* The texts two LS handlers share. */
#define FCN_LS_NO_DMA "the port's DMA memory cannot back the queue"
#define FCN_LS_NO_HWQ "the hardware queue's thread refused the queue"

/* Why fcn_queue_create failed with rc (not -EBUSY or -ENOSPC), in words. */
static const char *fcn_ls_queue_failed(int rc)
{
	return rc == -ENOMEM ? "no memory for the queue" : "the NVMe core refused the queue";
}

/* Why a request names no association of its sender's, in words; NULL if
 * it does. */
static const char *fcn_ls_assoc_unusable(const struct fcn_assoc *assoc, const void *hosthandle)
{
	if (!assoc)
		return "no such association";
	if (assoc->hostport->hosthandle != hosthandle)
		return "the association is another host port's";
	if (assoc->terminating)
		return "the association is being deleted";
	return NULL;
}

/* Create Association: nvmet-fc's checks in order, then ours. */
static void fcn_ls_create_assoc(struct fcn_ls_ctx *ctx)
{
	struct fcn_tgtport *tp = ctx->tgtport;
	struct fcnvme_ls_cr_assoc_params p;
	struct fcnvme_ls_verdict v;
	struct nvmet_fc_sq *queue;
	const char *why;
	struct fcn_assoc *assoc;
	int rc;

	if (fcnvme_ls_parse_cr_assoc(ctx->rqstbuf, ctx->rqstlen, &p, &v)) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_ASSOCIATION, v.reason, v.explanation,
			       v.detail);
		return;
	}
	/* No core bound (or the port is going away): as nvmet-fc without a
	 * port binding, the association cannot be allocated. */
	if (!tp->core_ops || tp->unregistering) {
		why = tp->unregistering ? "the port is being removed"
					: "the port has no NVMe core bound";
		goto out_rjt_logic;
	}
	/* Hardening: the admin queue must fit max(max_queue_size, 32)
	 * (sqsize is 0's based; below 1 cannot pass the ersp_ratio check
	 * above). A port with a smaller max_queue_size still takes Linux's
	 * 32-entry admin queue: MQES limits I/O queues only on fabrics. */
	if (p.sqsize < 1 || (uint32_t)p.sqsize + 1 > fcn_admin_queue_size(tp)) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_ASSOCIATION, FCNVME_RJT_RC_INV_PARAM,
			       FCNVME_RJT_EXP_INV_SQSIZE,
			       "admin queue larger than the port's max_queue_size or 32");
		return;
	}
	rc = fcn_assoc_create(tp, ctx->hosthandle, &assoc);
	if (rc) {
		why = rc == -ENOMEM ? "no memory for the association"
				    : "no association ID could be drawn";
		goto out_rjt_logic;
	}
	rc = fcn_queue_create(assoc, 0, p.sqsize, p.ersp_ratio, &queue);
	if (rc == -EBUSY || rc == -ENOSPC) {
		/* The core holds this host port to a bound (associations
		 * that have not connected yet; it said so itself), or the
		 * port's DMA memory cannot back the admin queue:
		 * insufficient resources. */
		fcn_assoc_destroy_unused(assoc);
		if (rc == -EBUSY)
			fcn_ls_xmt_rjt_quiet(ctx, FCNVME_LS_CREATE_ASSOCIATION,
					     FCNVME_RJT_RC_INSUF_RES, FCNVME_RJT_EXP_NONE);
		else
			fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_ASSOCIATION, FCNVME_RJT_RC_INSUF_RES,
				       FCNVME_RJT_EXP_NONE, FCN_LS_NO_DMA);
		return;
	}
	if (rc) {
		why = fcn_ls_queue_failed(rc);
		goto out_destroy_assoc;
	}
	fcnvme_ls_build_cr_assoc_acc(ctx->rspbuf, FCN_LS_RSP_BUF_LEN, assoc->association_id);
	rc = fcn_queue_connect(queue, ctx);
	if (rc) {
		why = FCN_LS_NO_HWQ;
		goto out_destroy_assoc;
	}
	return;

out_destroy_assoc:
	fcn_assoc_destroy_unused(assoc);
out_rjt_logic:
	fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_ASSOCIATION, FCNVME_RJT_RC_LOGIC, FCNVME_RJT_EXP_NONE,
		       why);
}

/* Create Connection: parse (LOGIC), association (INV_ASSOC), owner host
 * port (INV_ASSOC), qid (INV_PARAM/INV_QUEUE_ID), sqsize (INV_PARAM/INV_SQSIZE),
 * then allocation (LOGIC). */
static void fcn_ls_create_conn(struct fcn_ls_ctx *ctx)
{
	struct fcn_tgtport *tp = ctx->tgtport;
	struct fcnvme_ls_cr_conn_params p;
	struct fcnvme_ls_verdict v;
	struct nvmet_fc_sq *queue;
	struct fcn_assoc *assoc;
	const char *why;
	int rc;

	if (fcnvme_ls_parse_cr_conn(ctx->rqstbuf, ctx->rqstlen, &p, &v)) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, v.reason, v.explanation, v.detail);
		return;
	}
	assoc = fcn_assoc_find(tp, p.association_id);
	why = fcn_ls_assoc_unusable(assoc, ctx->hosthandle);
	if (why) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, FCNVME_RJT_RC_INV_ASSOC,
			       FCNVME_RJT_EXP_NONE, why);
		return;
	}
	if (p.qid == 0 || (p.qid <= FCN_NR_QUEUES_MAX && assoc->queues[p.qid])) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, FCNVME_RJT_RC_INV_PARAM,
			       FCNVME_RJT_EXP_INV_QUEUE_ID,
			       p.qid ? "the queue is connected already"
				     : "qid 0 is the admin queue");
		return;
	}
	/* A qid beyond the limit fails queue allocation in nvmet-fc: LOGIC. */
	if (p.qid > tp->cfg.max_io_queues) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, FCNVME_RJT_RC_LOGIC,
			       FCNVME_RJT_EXP_NONE, "qid above the port's max_io_queues");
		return;
	}
	if (p.sqsize < 1 || (uint32_t)p.sqsize + 1 > tp->cfg.max_queue_size) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, FCNVME_RJT_RC_INV_PARAM,
			       FCNVME_RJT_EXP_INV_SQSIZE,
			       "queue larger than the port's max_queue_size");
		return;
	}
	rc = fcn_queue_create(assoc, p.qid, p.sqsize, p.ersp_ratio, &queue);
	if (rc == -ENOSPC) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, FCNVME_RJT_RC_INSUF_RES,
			       FCNVME_RJT_EXP_NONE, FCN_LS_NO_DMA);
		return;
	}
	if (rc) {
		why = fcn_ls_queue_failed(rc);
		goto out_rjt_logic;
	}
	fcnvme_ls_build_cr_conn_acc(ctx->rspbuf, FCN_LS_RSP_BUF_LEN, queue->connection_id);
	if (fcn_queue_connect(queue, ctx)) {
		assoc->queues[queue->qid] = NULL;
		fcn_queue_free(queue);
		why = FCN_LS_NO_HWQ;
		goto out_rjt_logic;
	}
	return;

out_rjt_logic:
	fcn_ls_xmt_rjt(ctx, FCNVME_LS_CREATE_CONNECTION, FCNVME_RJT_RC_LOGIC, FCNVME_RJT_EXP_NONE,
		       why);
}

/* Disconnect Association: the ACC waits for the teardown; a second
 * Disconnect replaces the first, which gets RJT UNAB. */
static void fcn_ls_disconnect(struct fcn_ls_ctx *ctx)
{
	struct fcn_tgtport *tp = ctx->tgtport;
	struct fcnvme_ls_verdict v;
	struct fcn_ls_ctx *older;
	struct fcn_assoc *assoc;
	uint64_t assoc_id;

	if (fcnvme_ls_parse_disconnect_assoc(ctx->rqstbuf, ctx->rqstlen, &assoc_id, &v)) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_DISCONNECT_ASSOC, v.reason, v.explanation, v.detail);
		return;
	}
	assoc = fcn_assoc_find(tp, assoc_id);
	/* one being deleted takes this Disconnect too */
	if (!assoc || assoc->hostport->hosthandle != ctx->hosthandle) {
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_DISCONNECT_ASSOC, FCNVME_RJT_RC_INV_ASSOC,
			       FCNVME_RJT_EXP_NONE, fcn_ls_assoc_unusable(assoc, ctx->hosthandle));
		return;
	}
	fcnvme_ls_build_acc(ctx->rspbuf, FCN_LS_RSP_BUF_LEN, FCNVME_LS_DISCONNECT_ASSOC);
	older = assoc->rcv_disconn;
	assoc->rcv_disconn = ctx;
	if (older) /* the host's own retry replaced it: nothing to report */
		fcn_ls_xmt_rjt_quiet(older, FCNVME_LS_DISCONNECT_ASSOC, FCNVME_RJT_RC_UNAB,
				     FCNVME_RJT_EXP_NONE);
	fcn_assoc_schedule_delete(assoc);
}

typedef void (*fcn_ls_handler)(struct fcn_ls_ctx *ctx);

/* Dispatch by ls_cmd; a NULL slot (RSVD, RJT, ACC, DISCONNECT_CONN, or
 * beyond) gets RJT INVAL as in nvmet-fc. */
static const fcn_ls_handler fcn_ls_handlers[NVME_FC_LAST_LS_CMD_VALUE + 1] = {
	[FCNVME_LS_CREATE_ASSOCIATION] = fcn_ls_create_assoc,
	[FCNVME_LS_CREATE_CONNECTION] = fcn_ls_create_conn,
	[FCNVME_LS_DISCONNECT_ASSOC] = fcn_ls_disconnect,
};

/* A Link Service request arrived; see nvme_fc_driver.h. 0: it will be
 * answered through xmt_ls_rsp; otherwise nothing will be sent. [ctl] */
int nvmet_fc_rcv_ls_req(struct nvmet_fc_target_port *target_port, void *hosthandle,
			struct nvmefc_ls_rsp *lsrsp, void *lsreqbuf, uint32_t lsreqbuf_len)
{
	struct fcn_tgtport *tp;
	struct fcn_ls_ctx *ctx;
	int cmd;

	if (!target_port || !lsrsp || !lsreqbuf || !hosthandle)
		return -EINVAL;
	tp = fcn_tgtport(target_port);
	if (lsreqbuf_len > NVME_FC_MAX_LS_RQST_LEN)
		return -E2BIG;
	if (fcn_list_empty(&tp->ls_free))
		return -ENOENT;

	ctx = fcn_container_of(tp->ls_free.next, struct fcn_ls_ctx, entry);
	fcn_list_del(&ctx->entry);
	fcn_list_add_tail(&tp->ls_busy, &ctx->entry);
	fcn_tgtport_get(tp);
	ctx->lsrsp = lsrsp;
	ctx->hosthandle = hosthandle;
	ctx->rqstlen = lsreqbuf_len;
	memset(ctx->rqstbuf, 0, NVME_FC_MAX_LS_RQST_LEN);
	memcpy(ctx->rqstbuf, lsreqbuf, lsreqbuf_len);
	lsrsp->nvme_fc_private = ctx;

	cmd = fcnvme_ls_cmd(ctx->rqstbuf, ctx->rqstlen);
	if (cmd < 0)
		fcn_ls_xmt_rjt(ctx, FCNVME_LS_RSVD, FCNVME_RJT_RC_INVAL, FCNVME_RJT_EXP_NONE,
			       "request too short");
	else if (cmd <= NVME_FC_LAST_LS_CMD_VALUE && fcn_ls_handlers[cmd])
		fcn_ls_handlers[cmd](ctx);
	else
		fcn_ls_xmt_rjt(ctx, (uint8_t)cmd, FCNVME_RJT_RC_INVAL, FCNVME_RJT_EXP_NONE,
			       "not an LS a target takes");
	return 0;
}
