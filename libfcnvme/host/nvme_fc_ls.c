// SPDX-License-Identifier: Apache-2.0
/*
 * Host Link Services: the one LS request slot each controller uses to send
 * Create Association, Create Connection and Disconnect Association (its
 * buffers in memory the HBA can reach, a deadline the controller enforces
 * with ls_abort), and the LS requests a target sends us
 * (nvme_fc_rcv_ls_req): a Disconnect Association for a known association
 * starts error recovery and its ACC waits until the teardown is done;
 * anything else is rejected as Linux nvme-fc does (nvme_fc_handle_ls_rqst() in Linux
 * drivers/nvme/host/fc.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "nvme_fc_int.h"

static void fcn_host_ls_done(struct nvmefc_ls_req *req, int status)
{
	struct fcn_host_ls *ls = (struct fcn_host_ls *)(void *)req;

	if (!ls->busy)
		return;
	ls->busy = false;
	ls->status = ls->aborted ? -ECANCELED : status;
}

/* Allocate the controller's LS slot. */
int fcn_host_ls_init(struct fcn_host_ctrl *c)
{
	struct fcn_host_ls *ls = &c->ls;
	uint32_t psz = c->lp->ops->lsrqst_priv_sz;
	int rc;

	memset(ls, 0, sizeof(*ls));
	ls->ctrl = c;
	rc = fcnvme_dma_alloc(c->lp->dev, FCN_HOST_LS_BUF_LEN, &ls->buf, &ls->dma);
	if (rc)
		return rc;
	if (psz) {
		ls->priv = calloc(1, psz);
		if (!ls->priv) {
			fcnvme_dma_free(c->lp->dev, ls->buf, FCN_HOST_LS_BUF_LEN);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Free the LS slot (no LS may be outstanding). */
void fcn_host_ls_fini(struct fcn_host_ctrl *c)
{
	fcnvme_dma_free(c->lp->dev, c->ls.buf, FCN_HOST_LS_BUF_LEN);
	free(c->ls.priv);
	c->ls.buf = NULL;
	c->ls.priv = NULL;
}

/*
 * Send the request already built at ls->buf (rqstlen bytes) and expect at
 * most rsplen bytes back at ls->buf + FCN_HOST_LS_RSP_OFF. On 0 the slot
 * is busy until the LLDD's done.
 */
int fcn_host_ls_send(struct fcn_host_ctrl *c, uint32_t rqstlen, uint32_t rsplen)
{
	struct fcn_host_ls *ls = &c->ls;
	struct nvmefc_ls_req *req = &ls->req;
	int rc;

	if (ls->busy)
		return -EBUSY;
	if (c->rp->port.port_state != FC_OBJSTATE_ONLINE)
		return -ENODEV;
	memset(req, 0, sizeof(*req));
	memset((char *)ls->buf + FCN_HOST_LS_RSP_OFF, 0, FCN_HOST_LS_BUF_LEN - FCN_HOST_LS_RSP_OFF);
	req->rqstaddr = ls->buf;
	req->rqstdma = ls->dma;
	req->rqstlen = rqstlen;
	req->rspaddr = (char *)ls->buf + FCN_HOST_LS_RSP_OFF;
	req->rspdma = ls->dma + FCN_HOST_LS_RSP_OFF;
	req->rsplen = rsplen;
	req->timeout = NVME_FC_LS_TIMEOUT_SEC;
	req->private = ls->priv;
	req->done = fcn_host_ls_done;
	ls->busy = true;
	ls->aborted = false;
	ls->status = 0;
	/* the LLDD enforces the timeout; this is the backstop */
	ls->deadline_ns =
		fcn_host_ctrl_now(c) + (uint64_t)(NVME_FC_LS_TIMEOUT_SEC + 5) * 1000000000ull;
	rc = c->lp->ops->ls_req(&c->lp->port, &c->rp->port, req);
	if (rc)
		ls->busy = false;
	return rc;
}

/* Abort the outstanding LS, if any; its done still comes. */
void fcn_host_ls_abort(struct fcn_host_ctrl *c)
{
	struct fcn_host_ls *ls = &c->ls;

	if (!ls->busy || ls->aborted)
		return;
	ls->aborted = true;
	c->lp->ops->ls_abort(&c->lp->port, &c->rp->port, &ls->req);
}

/* ---- LS requests from the target ---------------------------------------- */

struct fcn_host_rcv_ctx {
	struct fcn_host_lport *lp;
	void *buf;
	fcnvme_dma_t dma;
};

static void fcn_host_ls_rsp_done(struct nvmefc_ls_rsp *lsrsp)
{
	struct fcn_host_rcv_ctx *x = lsrsp->nvme_fc_private;

	if (!x)
		return;
	lsrsp->nvme_fc_private = NULL;
	fcnvme_dma_free(x->lp->dev, x->buf, NVME_FC_MAX_LS_RSP_LEN);
	free(x);
}

static int fcn_host_ls_prepare_rsp(struct fcn_host_lport *lp, struct nvmefc_ls_rsp *lsrsp)
{
	struct fcn_host_rcv_ctx *x;
	int rc;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->lp = lp;
	rc = fcnvme_dma_alloc(lp->dev, NVME_FC_MAX_LS_RSP_LEN, &x->buf, &x->dma);
	if (rc) {
		free(x);
		return rc;
	}
	lsrsp->rspbuf = x->buf;
	lsrsp->rspdma = x->dma;
	lsrsp->rsplen = 0;
	lsrsp->done = fcn_host_ls_rsp_done;
	lsrsp->nvme_fc_private = x;
	return 0;
}

static int fcn_host_ls_xmt(struct fcn_host_rport *rp, struct nvmefc_ls_rsp *lsrsp, int len)
{
	struct fcn_host_lport *lp = rp->lp;
	int rc;

	lsrsp->rsplen = (uint16_t)len;
	rc = lp->ops->xmt_ls_rsp(&lp->port, &rp->port, lsrsp);
	if (rc)
		fcn_host_ls_rsp_done(lsrsp);
	return rc;
}

static int fcn_host_ls_reject(struct fcn_host_rport *rp, struct nvmefc_ls_rsp *lsrsp,
			      uint8_t ls_cmd, uint8_t reason, uint8_t explan)
{
	int len;

	len = fcnvme_ls_build_rjt(lsrsp->rspbuf, NVME_FC_MAX_LS_RSP_LEN, ls_cmd, reason, explan);
	if (len < 0) {
		fcn_host_ls_rsp_done(lsrsp);
		return len;
	}
	return fcn_host_ls_xmt(rp, lsrsp, len);
}

/* Send the ACC of a Disconnect Association received during teardown. */
void fcn_host_ls_send_deferred_acc(struct fcn_host_ctrl *c)
{
	struct nvmefc_ls_rsp *lsrsp = c->rcv_disc.lsrsp;
	int len;

	if (!lsrsp)
		return;
	c->rcv_disc.lsrsp = NULL;
	len = fcnvme_ls_build_acc(lsrsp->rspbuf, NVME_FC_MAX_LS_RSP_LEN,
				  FCNVME_LS_DISCONNECT_ASSOC);
	if (len < 0) {
		fcn_host_ls_rsp_done(lsrsp);
		return;
	}
	(void)fcn_host_ls_xmt(c->rp, lsrsp, len);
}

static int fcn_host_ls_rcv_disconnect(struct fcn_host_rport *rp, struct nvmefc_ls_rsp *lsrsp,
				      const void *buf, uint32_t len)
{
	struct fcnvme_ls_verdict v = { .reason = FCNVME_RJT_RC_LOGIC };
	struct fcn_host_ctrl *c;
	uint64_t assoc_id = 0;

	if (fcnvme_ls_parse_disconnect_assoc(buf, len, &assoc_id, &v))
		return fcn_host_ls_reject(rp, lsrsp, FCNVME_LS_DISCONNECT_ASSOC, v.reason,
					  v.explanation);
	LIST_FOREACH (c, &rp->ctrls, link) {
		if (c->association_id && c->association_id == assoc_id)
			break;
	}
	if (!c)
		return fcn_host_ls_reject(rp, lsrsp, FCNVME_LS_DISCONNECT_ASSOC,
					  FCNVME_RJT_RC_INV_ASSOC, FCNVME_RJT_EXP_NONE);
	if (c->rcv_disc.lsrsp) /* a second one: the older gets UNAB */
		(void)fcn_host_ls_reject(rp, c->rcv_disc.lsrsp, FCNVME_LS_DISCONNECT_ASSOC,
					 FCNVME_RJT_RC_UNAB, FCNVME_RJT_EXP_NONE);
	c->rcv_disc.lsrsp = lsrsp;
	fcn_host_ctrl_disconnect_rcvd(c);
	return 0;
}

/*
 * The LLDD received an LS request from the target behind remoteport.
 * 0: answered (or will be, for a Disconnect) through xmt_ls_rsp; the LLDD
 * then calls lsrsp->done. -errno: not taken, the LLDD disposes of it.
 */
int nvme_fc_rcv_ls_req(struct nvme_fc_remote_port *remoteport, struct nvmefc_ls_rsp *lsrsp,
		       void *lsreqbuf, uint32_t lsreqbuf_len)
{
	struct fcn_host_rport *rp;
	int cmd, rc;

	if (!remoteport || !lsrsp || !lsreqbuf)
		return -EINVAL;
	rp = (struct fcn_host_rport *)remoteport;
	if (!rp->lp->ops->xmt_ls_rsp)
		return -EOPNOTSUPP;
	if (lsreqbuf_len > NVME_FC_MAX_LS_RQST_LEN)
		return -E2BIG;
	cmd = fcnvme_ls_cmd(lsreqbuf, lsreqbuf_len);
	rc = fcn_host_ls_prepare_rsp(rp->lp, lsrsp);
	if (rc)
		return rc;
	if (cmd < 0)
		return fcn_host_ls_reject(rp, lsrsp, 0, FCNVME_RJT_RC_INVAL, FCNVME_RJT_EXP_NONE);
	if (rp->port.port_state != FC_OBJSTATE_ONLINE)
		return fcn_host_ls_reject(rp, lsrsp, (uint8_t)cmd, FCNVME_RJT_RC_UNAB,
					  FCNVME_RJT_EXP_NONE);
	switch (cmd) {
	case FCNVME_LS_DISCONNECT_ASSOC:
		return fcn_host_ls_rcv_disconnect(rp, lsrsp, lsreqbuf, lsreqbuf_len);
	case FCNVME_LS_DISCONNECT_CONN:
		return fcn_host_ls_reject(rp, lsrsp, (uint8_t)cmd, FCNVME_RJT_RC_UNSUP,
					  FCNVME_RJT_EXP_NONE);
	case FCNVME_LS_CREATE_ASSOCIATION:
	case FCNVME_LS_CREATE_CONNECTION:
		return fcn_host_ls_reject(rp, lsrsp, (uint8_t)cmd, FCNVME_RJT_RC_LOGIC,
					  FCNVME_RJT_EXP_NONE);
	default:
		return fcn_host_ls_reject(rp, lsrsp, (uint8_t)cmd, FCNVME_RJT_RC_INVAL,
					  FCNVME_RJT_EXP_NONE);
	}
}
