// SPDX-License-Identifier: GPL-2.0
/*
 * Link services through the port server: our LS requests go out as
 * SHBA_EQE_LS_REQ on mq and their responses come back as SHBA_EQE_LS_RSP on
 * deq (matched by id, copied with truncation to rsplen, failed on timeout,
 * abort or remote-port loss); an LS request a target sends us (Disconnect
 * Association) comes in on deq, goes to nvme_fc_rcv_ls_req() and is answered
 * by xmt_ls_rsp with an SHBA_EQE_LS_RSP on mq. Every done callback runs on
 * the slow path, never inside a call from nvme-fc.
 */
#include <linux/slab.h>

#include "softhba.h"

/* Post one mq entry and ring vector 0; 0 or -EBUSY (mq full). */
int softhba_mq_post(struct softhba_port *port, u16 type, u16 slot, int status, u64 id,
		    const void *payload, u32 len)
{
	struct shba_eqe *e;
	unsigned long flags;
	u64 pos;

	if (len > SHBA_EQE_PAYLOAD)
		return -EINVAL;
	spin_lock_irqsave(&port->mq_lock, flags);
	e = softhba_ring_reserve(&port->mq, &pos);
	if (!e) {
		spin_unlock_irqrestore(&port->mq_lock, flags);
		return -EBUSY;
	}
	e->type = type;
	e->peer_slot = slot;
	e->status = status;
	e->id = id;
	e->len = len;
	e->arg = 0;
	memset(e->rsvd, 0, sizeof(e->rsvd));
	if (len)
		memcpy(e->payload, payload, len);
	softhba_ring_commit(e, pos);
	spin_unlock_irqrestore(&port->mq_lock, flags);
	softhba_doorbell(port, 0);
	return 0;
}

/* ls_req: send an LS request to the remote port. */
int softhba_ls_req(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		   struct nvmefc_ls_req *lsreq)
{
	struct softhba_port *port = softhba_lport_priv(lp);
	struct softhba_rport *rp = softhba_rport_priv(nrport);
	u32 tmo = lsreq->timeout ? lsreq->timeout : NVME_FC_LS_TIMEOUT_SEC;
	unsigned long flags;
	unsigned int i;
	u64 id;
	int rc;

	if (!lsreq->rqstaddr || !lsreq->rqstlen || lsreq->rqstlen > SHBA_EQE_PAYLOAD ||
	    !lsreq->done)
		return -EINVAL;
	if (!READ_ONCE(rp->online))
		return -ENOTCONN;
	spin_lock_irqsave(&port->ls_lock, flags);
	for (i = 0; i < SOFTHBA_LS_PEND; i++)
		if (!port->ls[i].req)
			break;
	if (i == SOFTHBA_LS_PEND) {
		spin_unlock_irqrestore(&port->ls_lock, flags);
		return -EBUSY;
	}
	id = (++port->ls_gen << 8) | i;
	port->ls[i].req = lsreq;
	port->ls[i].rp = rp;
	port->ls[i].id = id;
	port->ls[i].deadline = jiffies + tmo * HZ;
	port->ls[i].finish = false;
	port->ls[i].status = 0;
	spin_unlock_irqrestore(&port->ls_lock, flags);

	rc = softhba_mq_post(port, SHBA_EQE_LS_REQ, READ_ONCE(rp->slot), 0, id, lsreq->rqstaddr,
			     lsreq->rqstlen);
	if (rc) {
		spin_lock_irqsave(&port->ls_lock, flags);
		/* A response cannot have come: the request never left. */
		port->ls[i].req = NULL;
		spin_unlock_irqrestore(&port->ls_lock, flags);
	}
	return rc;
}

/* ls_abort: the request completes with -ECANCELED on the slow path; a late
 * response is dropped.
 */
void softhba_ls_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		      struct nvmefc_ls_req *lsreq)
{
	struct softhba_port *port = softhba_lport_priv(lp);
	unsigned long flags;
	bool found = false;
	unsigned int i;

	spin_lock_irqsave(&port->ls_lock, flags);
	for (i = 0; i < SOFTHBA_LS_PEND; i++) {
		if (port->ls[i].req == lsreq && !port->ls[i].finish) {
			port->ls[i].finish = true;
			port->ls[i].status = -ECANCELED;
			found = true;
		}
	}
	spin_unlock_irqrestore(&port->ls_lock, flags);
	if (found)
		queue_work(port->wq, &port->slow_work);
}

/* Fail every LS request to rp (all with rp == NULL) at the next reap. */
void softhba_ls_fail_rport(struct softhba_port *port, struct softhba_rport *rp, int status)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&port->ls_lock, flags);
	for (i = 0; i < SOFTHBA_LS_PEND; i++) {
		struct softhba_ls *l = &port->ls[i];

		if (l->req && (!rp || l->rp == rp) && !l->finish) {
			l->finish = true;
			l->status = status;
		}
	}
	spin_unlock_irqrestore(&port->ls_lock, flags);
}

/* An LS_RSP event: the response to our request e->id. */
void softhba_ls_rsp_event(struct softhba_port *port, const struct shba_eqe *e)
{
	unsigned int i = e->id & 0xff;
	struct nvmefc_ls_req *req;
	unsigned long flags;
	u32 n;

	if (i >= SOFTHBA_LS_PEND)
		return;
	spin_lock_irqsave(&port->ls_lock, flags);
	req = port->ls[i].req;
	if (!req || port->ls[i].id != e->id || port->ls[i].finish) {
		spin_unlock_irqrestore(&port->ls_lock, flags);
		return; /* late, aborted or unknown: dropped */
	}
	port->ls[i].req = NULL;
	spin_unlock_irqrestore(&port->ls_lock, flags);
	if (e->status < 0) {
		req->done(req, e->status);
		return;
	}
	n = min3(e->len, SHBA_EQE_PAYLOAD, req->rsplen);
	if (req->rspaddr && n)
		memcpy(req->rspaddr, e->payload, n);
	req->done(req, 0);
}

/* An LS_REQ event: a remote port's request for nvme-fc. */
void softhba_ls_req_event(struct softhba_port *port, const struct shba_eqe *e)
{
	struct softhba_rport *rp = NULL;
	struct softhba_lsrcv *c;
	int rc;

	if (e->peer_slot < SHBA_MAX_PORTS)
		rp = port->slot_rp[e->peer_slot];
	if (!rp || !rp->online || !rp->registered) {
		rc = -ENOTCONN;
		goto out_reject;
	}
	if (!e->len || e->len > SHBA_EQE_PAYLOAD) {
		rc = -EINVAL;
		goto out_reject;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		rc = -ENOMEM;
		goto out_reject;
	}
	c->id = e->id;
	c->slot = e->peer_slot;
	memcpy(c->buf, e->payload, e->len);
	rc = nvme_fc_rcv_ls_req(rp->nrport, &c->rsp, c->buf, e->len);
	if (rc) {
		kfree(c);
		goto out_reject;
	}
	return;

out_reject:
	dev_info_ratelimited(&port->pdev->dev, "LS request from slot %u refused: %d\n",
			     e->peer_slot, rc);
	softhba_mq_post(port, SHBA_EQE_LS_RSP, e->peer_slot, rc, e->id, NULL, 0);
}

/* xmt_ls_rsp: answer a remote port's LS request. */
int softhba_xmt_ls_rsp(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		       struct nvmefc_ls_rsp *lsrsp)
{
	struct softhba_port *port = softhba_lport_priv(lp);
	struct softhba_lsrcv *c = container_of(lsrsp, struct softhba_lsrcv, rsp);
	unsigned long flags;
	int rc;

	if (!lsrsp->done || !lsrsp->rspbuf) {
		/* The remote port went offline between nvme_fc_rcv_ls_req()
		 * and nvme-fc's work: 6.1's nvme_fc_handle_ls_rqst_work()
		 * then sends its reject without filling in rspbuf, done or
		 * its private (it does so only for a port still online).
		 * Its reject cannot be reached and must not be completed
		 * (nvme-fc's own done would follow a NULL private), so the
		 * requester gets a failure and nvme-fc keeps its request.
		 */
		dev_info_ratelimited(&port->pdev->dev,
				     "LS request from slot %u: remote port offline, refused\n",
				     c->slot);
		softhba_mq_post(port, SHBA_EQE_LS_RSP, c->slot, -ENOTCONN, c->id, NULL, 0);
		rc = 0;
		c->call_done = false;
	} else {
		rc = softhba_mq_post(port, SHBA_EQE_LS_RSP, c->slot, 0, c->id, lsrsp->rspbuf,
				     min_t(u32, lsrsp->rsplen, SHBA_EQE_PAYLOAD));
		/* On failure nvme-fc calls done itself; c is freed when reaped. */
		c->call_done = !rc;
	}
	spin_lock_irqsave(&port->ls_lock, flags);
	list_add_tail(&c->node, &port->lsrcv_done);
	spin_unlock_irqrestore(&port->ls_lock, flags);
	queue_work(port->wq, &port->slow_work);
	return rc;
}

/* Slow path: complete finished (and, with timeouts, expired) LS requests
 * and the answered incoming ones.
 */
void softhba_ls_reap(struct softhba_port *port, bool timeouts)
{
	struct softhba_lsrcv *c, *t;
	unsigned long flags;
	unsigned int i;
	LIST_HEAD(rcv);

	for (i = 0; i < SOFTHBA_LS_PEND; i++) {
		struct softhba_ls *l = &port->ls[i];
		struct nvmefc_ls_req *req = NULL;
		int status = 0;

		spin_lock_irqsave(&port->ls_lock, flags);
		if (l->req && (l->finish || (timeouts && time_after(jiffies, l->deadline)))) {
			req = l->req;
			status = l->finish ? l->status : -ETIMEDOUT;
			l->req = NULL;
		}
		spin_unlock_irqrestore(&port->ls_lock, flags);
		if (!req)
			continue;
		if (status == -ETIMEDOUT)
			dev_warn_ratelimited(&port->pdev->dev, "LS request timed out\n");
		req->done(req, status);
	}
	spin_lock_irqsave(&port->ls_lock, flags);
	list_splice_init(&port->lsrcv_done, &rcv);
	spin_unlock_irqrestore(&port->ls_lock, flags);
	list_for_each_entry_safe(c, t, &rcv, node) {
		list_del(&c->node);
		if (c->call_done)
			c->rsp.done(&c->rsp);
		kfree(c);
	}
}

/* Unbind, after the local port is gone: nothing may be left. */
void softhba_ls_exit(struct softhba_port *port)
{
	unsigned int i;

	softhba_ls_fail_rport(port, NULL, -ENODEV);
	softhba_ls_reap(port, false);
	for (i = 0; i < SOFTHBA_LS_PEND; i++)
		WARN_ON_ONCE(port->ls[i].req);
}
