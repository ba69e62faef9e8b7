// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: FCP exchanges from a preallocated pool per hw queue whose
 * entries live in the shared XRI table (the target's firmware reads their
 * data lists from there), a CMD IU slot and a bounce buffer per exchange in
 * the DMA window, copies between the request's scatterlist and the bounce
 * buffer, WQEs on the hw queue's WQ, and completions from its CQ (FCP_RSP,
 * WQE_DONE errors, a target's ABTS, BA_ACC/BA_RJT for ours). An aborted
 * exchange completes and returns to the pool only once the fabric confirms
 * the abort (or, after 2 x R_A_TOV, never will), as lpfc's XRI_ABORTED
 * handling and the userspace host LLDD (hw/hw_host_io.c) do. Freed
 * exchanges go to the tail of the pool, so an index is reused as late as
 * possible; each use has a new tag, which the target's firmware checks.
 */
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "softhba.h"

/* Detach the request of x for completion with status (0: the response in
 * x->c_*): nothing else finds it from now on. Under the hwq lock;
 * softhba_finish() completes it after unlocking.
 */
static struct softhba_xri *softhba_detach(struct softhba_xri *x, int status)
{
	x->creq = x->req;
	x->req = NULL;
	x->cstatus = status;
	return x;
}

/* Return x to the pool. Under the hwq lock. */
static void softhba_xri_put(struct softhba_hwq *q, struct softhba_xri *x)
{
	x->req = NULL;
	x->creq = NULL;
	x->rp = NULL;
	x->aborting = false;
	x->abts_sent = false;
	/* release: our reads of the bounce buffer before the firmware may see
	 * the exchange free
	 */
	smp_store_release(&x->sx->state, SHBA_XRI_FREE);
	list_add_tail(&x->node, &q->free);
}

/* Complete a detached exchange: response and read data to the request,
 * exchange back to the pool, then the transport's done. No lock held.
 */
static void softhba_finish(struct softhba_hwq *q, struct softhba_xri *x)
{
	struct nvmefc_fcp_req *req = x->creq;
	unsigned long flags;

	if (!x->cstatus && x->c_rsp) {
		u32 n = min3(x->c_len, (u32)sizeof(x->c_iu), (u32)req->rsplen);

		if (req->rspaddr && n)
			memcpy(req->rspaddr, x->c_iu, n);
		req->rcv_rsplen = x->c_len;
		req->transferred_length = x->c_xfrd;
		req->status = x->c_len > req->rsplen ? (u32)-E2BIG : 0;
		if (req->io_dir == NVMEFC_FCP_READ && req->sg_cnt > 0)
			sg_copy_from_buffer(req->sg_table.sgl, req->sg_cnt, x->bounce,
					    min(x->c_xfrd, req->payload_length));
	} else {
		req->rcv_rsplen = 0;
		req->transferred_length = 0;
		req->status = (u32)x->cstatus;
	}
	spin_lock_irqsave(&q->lock, flags);
	softhba_xri_put(q, x);
	spin_unlock_irqrestore(&q->lock, flags);
	req->done(req);
}

/* Post a WQE on q's WQ; 0 or -EBUSY (full). Under the hwq lock. */
static int softhba_wq_post(struct softhba_hwq *q, const struct shba_wqe *w)
{
	struct shba_wqe *e;
	u64 pos;

	e = softhba_ring_reserve(&q->wq, &pos);
	if (!e)
		return -EBUSY;
	memcpy((u8 *)e + sizeof(e->seq), (const u8 *)w + sizeof(w->seq),
	       sizeof(*w) - sizeof(w->seq));
	softhba_ring_commit(e, pos);
	return 0;
}

static int softhba_bls(struct softhba_hwq *q, u8 type, u16 slot, u16 peer_hwq, u32 xri, u32 tag)
{
	struct shba_wqe w = {
		.type = type,
		.peer_slot = slot,
		.peer_hwq = peer_hwq,
		.xri = xri,
		.tag = tag,
	};

	return softhba_wq_post(q, &w);
}

/* Send the ABTS of x if the firmware has taken its CMD (only then is the
 * target's hw queue known); else the tick tries again. Under the hwq lock.
 * Returns true if a WQE was posted.
 */
static bool softhba_abts_send(struct softhba_hwq *q, struct softhba_xri *x, bool force)
{
	u16 dst = READ_ONCE(x->sx->dst_hwq);

	if (x->abts_sent)
		return false;
	if (dst == SOFTHBA_DST_HWQ_UNSET) {
		if (!force)
			return false;
		dst = 0; /* the CMD never reached a target queue */
	}
	if (softhba_bls(q, SHBA_WQE_ABTS, x->slot, dst, x->idx, x->tag))
		return false;
	x->abts_sent = true;
	return true;
}

/* Abort x: mark the shared exchange, send the ABTS. Under the hwq lock. */
static bool softhba_abort_xri(struct softhba_hwq *q, struct softhba_xri *x)
{
	if (x->aborting)
		return false;
	x->aborting = true;
	x->abts_deadline = jiffies + SOFTHBA_ABTS_TMO;
	WRITE_ONCE(x->sx->state, SHBA_XRI_ABORTING);
	smp_mb(); /* the state is seen before the ABTS */
	return softhba_abts_send(q, x, false);
}

/* fcp_io: take an exchange, stage the CMD IU and write data in the DMA
 * window, describe the exchange in the shared table, post the CMD WQE.
 */
int softhba_fcp_io(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		   void *hw_queue_handle, struct nvmefc_fcp_req *req)
{
	struct softhba_port *port = softhba_lport_priv(lp);
	struct softhba_rport *rp = softhba_rport_priv(nrport);
	struct softhba_hwq *q = hw_queue_handle;
	u32 len = req->io_dir == NVMEFC_FCP_NODATA ? 0 : req->payload_length;
	struct softhba_xri *x;
	struct shba_xri *sx;
	struct shba_wqe w;
	unsigned long flags;
	int rc;

	if (!req->cmdaddr || !req->cmdlen || req->cmdlen > SOFTHBA_CMD_SLOT || !req->done)
		return -EINVAL;
	if (len > port->bounce || (len && req->sg_cnt <= 0)) {
		dev_warn_ratelimited(&port->pdev->dev,
				     "FCP I/O of %u bytes in %d segments: bounce buffers hold %u\n",
				     len, req->sg_cnt, port->bounce);
		return -EINVAL;
	}
	spin_lock_irqsave(&q->lock, flags);
	if (!READ_ONCE(rp->online)) {
		/* Being logged out: nvme-fc sees the remote port go next. */
		spin_unlock_irqrestore(&q->lock, flags);
		return -EBUSY;
	}
	x = list_first_entry_or_null(&q->free, struct softhba_xri, node);
	if (!x) {
		spin_unlock_irqrestore(&q->lock, flags);
		return -EBUSY;
	}
	/* Staged outside the lock: with req still NULL nothing else finds x. */
	list_del(&x->node);
	x->rp = rp;
	x->slot = READ_ONCE(rp->slot);
	x->tag++;
	spin_unlock_irqrestore(&q->lock, flags);

	memcpy(x->cmd, req->cmdaddr, req->cmdlen);
	if (len && req->io_dir == NVMEFC_FCP_WRITE &&
	    sg_copy_to_buffer(req->sg_table.sgl, req->sg_cnt, x->bounce, len) != len) {
		rc = -EINVAL;
		goto out_put;
	}
	sx = x->sx;
	sx->dir = (u8)req->io_dir;
	sx->data_len = len;
	sx->src_hwq = q->idx;
	sx->dst_slot = x->slot;
	sx->dst_hwq = SOFTHBA_DST_HWQ_UNSET;
	sx->nsge = len ? 1 : 0;
	sx->sge[0].dma = x->bounce_dma;
	sx->sge[0].len = len;
	sx->sge[0].rsvd = 0;
	WRITE_ONCE(sx->rx_id, 0);
	WRITE_ONCE(sx->xfrd, 0);
	WRITE_ONCE(sx->tag, x->tag);
	/* release: the exchange's description and data before it is active,
	 * as hw_host_io_fcp_io publishes it
	 */
	smp_store_release(&sx->state, SHBA_XRI_ACTIVE);

	memset(&w, 0, sizeof(w));
	w.type = SHBA_WQE_FCP_CMD;
	w.peer_slot = sx->dst_slot;
	w.xri = x->idx;
	w.tag = x->tag;
	w.cmd = x->cmd_dma;
	w.cookie = x->idx;
	spin_lock_irqsave(&q->lock, flags);
	/* Checked again under the lock that a remote port loss takes to fail
	 * the port's exchanges: either it sees this one or we see the loss.
	 */
	rc = READ_ONCE(rp->online) ? softhba_wq_post(q, &w) : -EBUSY;
	if (!rc)
		x->req = req;
	spin_unlock_irqrestore(&q->lock, flags);
	if (rc)
		goto out_put;
	softhba_doorbell(port, 1 + q->idx);
	return 0;

out_put:
	spin_lock_irqsave(&q->lock, flags);
	softhba_xri_put(q, x);
	spin_unlock_irqrestore(&q->lock, flags);
	return rc;
}

/* fcp_abort: ABTS the request's exchange; the request completes when the
 * fabric confirms (BA_ACC, BA_RJT, a failed ABTS) or after 2 x R_A_TOV.
 */
void softhba_fcp_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		       void *hw_queue_handle, struct nvmefc_fcp_req *req)
{
	struct softhba_port *port = softhba_lport_priv(lp);
	struct softhba_hwq *q = hw_queue_handle;
	unsigned long flags;
	bool posted = false;
	u32 i;

	spin_lock_irqsave(&q->lock, flags);
	for (i = 0; i < port->depth; i++) {
		if (q->xri[i].req == req) {
			posted = softhba_abort_xri(q, &q->xri[i]);
			break;
		}
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (posted)
		softhba_doorbell(port, 1 + q->idx);
}

/* One completion queue entry. Under the hwq lock; returns an exchange to
 * finish after unlocking, or NULL. *db: a WQE was posted.
 */
static struct softhba_xri *softhba_cqe(struct softhba_hwq *q, const struct shba_cqe *c, bool *db)
{
	struct softhba_port *port = q->port;
	struct softhba_xri *x;
	int aborted;

	if (c->xri >= port->depth * port->nr_hwq || c->xri / port->depth != q->idx)
		return NULL;
	x = &q->xri[c->xri % port->depth];
	if (!x->req || x->tag != c->tag)
		return NULL; /* stale: completed already, or the exchange was reused */
	/* Only the target the command went to answers, aborts or confirms
	 * it (its fabric slot, as an FC HBA matches a frame's S_ID to its
	 * exchange); the port server's own completions carry that slot too.
	 */
	if (c->peer_slot != x->slot) {
		atomic64_inc(&port->bar->cnt.drops);
		dev_dbg(&port->pdev->dev, "xri %u: CQE type %u from slot %u, not %u: dropped\n",
			x->idx, c->type, c->peer_slot, x->slot);
		return NULL;
	}
	/* The firmware may abort an exchange by itself (injected ABTS). */
	if (READ_ONCE(x->sx->state) == SHBA_XRI_ABORTING && !x->aborting) {
		x->aborting = true;
		x->abts_sent = true;
		x->abts_deadline = jiffies + SOFTHBA_ABTS_TMO;
	}
	aborted = -ECANCELED;
	switch (c->type) {
	case SHBA_CQE_FCP_RSP:
		if (x->aborting)
			return NULL; /* the BA_ACC completes it */
		x->c_rsp = true;
		x->c_len = c->c.len;
		x->c_xfrd = c->c.xfrd;
		memcpy(x->c_iu, c->c.rsp, sizeof(x->c_iu));
		return softhba_detach(x, 0);
	case SHBA_CQE_RCV_ABTS:
		/* The target aborted: confirm to the exchange's own target
		 * and queue (not the ones the CQE names), and the exchange is
		 * ours again.
		 */
		if (!softhba_bls(q, SHBA_WQE_BA_ACC, x->slot, READ_ONCE(x->sx->dst_hwq), x->idx,
				 x->tag))
			*db = true;
		x->c_rsp = false;
		return softhba_detach(x, aborted);
	case SHBA_CQE_RCV_BA_ACC:
	case SHBA_CQE_RCV_BA_RJT:
		if (!x->aborting)
			return NULL;
		x->c_rsp = false;
		return softhba_detach(x, aborted);
	case SHBA_CQE_WQE_DONE:
		if (!c->status)
			return NULL;
		if (c->wqe_type == SHBA_WQE_ABTS) {
			/* Our ABTS cannot reach the target: nobody holds it. */
			x->c_rsp = false;
			return softhba_detach(x, aborted);
		}
		if (c->wqe_type != SHBA_WQE_FCP_CMD)
			return NULL;
		dev_dbg(&port->pdev->dev, "FCP CMD xri %u not sent: %d\n", x->idx, c->status);
		x->c_rsp = false;
		return softhba_detach(x, c->status < 0 ? c->status : -EIO);
	default:
		return NULL;
	}
}

/* Drain q's CQ, then arm it; loops while entries keep coming. */
void softhba_cq_process(struct softhba_hwq *q)
{
	struct softhba_port *port = q->port;
	struct softhba_xri *x;
	struct shba_cqe c;
	unsigned long flags;
	unsigned int n;
	bool db;

	do {
		db = false;
		for (n = 0; n < SOFTHBA_CQ_BUDGET; n++) {
			void *e;

			spin_lock_irqsave(&q->lock, flags);
			e = softhba_ring_peek(&q->cq);
			if (!e) {
				spin_unlock_irqrestore(&q->lock, flags);
				break;
			}
			memcpy(&c, e, sizeof(c));
			softhba_ring_pop(&q->cq, e);
			x = softhba_cqe(q, &c, &db);
			spin_unlock_irqrestore(&q->lock, flags);
			if (x)
				softhba_finish(q, x);
		}
		if (db)
			softhba_doorbell(port, 1 + q->idx);
		if (n == SOFTHBA_CQ_BUDGET) {
			cond_resched();
			continue;
		}
	} while (softhba_ring_arm(&q->cq));
}

irqreturn_t softhba_cq_thread(int irq, void *data)
{
	softhba_cq_process(data);
	return IRQ_HANDLED;
}

/* Complete every exchange to rp (all with rp == NULL) with status: the
 * remote port is gone, nobody will answer for them.
 */
void softhba_io_fail_rport(struct softhba_port *port, struct softhba_rport *rp, int status)
{
	struct softhba_xri *x, *t;
	unsigned long flags;
	unsigned int q, i;
	LIST_HEAD(done);

	for (q = 0; q < port->nr_hwq; q++) {
		struct softhba_hwq *h = &port->hwq[q];

		spin_lock_irqsave(&h->lock, flags);
		for (i = 0; i < port->depth; i++) {
			x = &h->xri[i];
			if (!x->req || (rp && x->rp != rp))
				continue;
			x->c_rsp = false;
			softhba_detach(x, status);
			list_add_tail(&x->node, &done);
		}
		spin_unlock_irqrestore(&h->lock, flags);
		list_for_each_entry_safe(x, t, &done, node) {
			list_del(&x->node);
			softhba_finish(h, x);
		}
	}
}

/* Slow-path timer: ABTS that could not go yet, and aborts the fabric never
 * confirmed within 2 x R_A_TOV.
 */
void softhba_io_tick(struct softhba_port *port)
{
	struct softhba_xri *x, *t;
	unsigned long flags;
	unsigned int q, i;
	LIST_HEAD(done);
	bool db;

	for (q = 0; q < port->nr_hwq; q++) {
		struct softhba_hwq *h = &port->hwq[q];

		db = false;
		spin_lock_irqsave(&h->lock, flags);
		for (i = 0; i < port->depth; i++) {
			x = &h->xri[i];
			if (!x->req || !x->aborting)
				continue;
			if (time_after(jiffies, x->abts_deadline)) {
				x->c_rsp = false;
				softhba_detach(x, -ETIMEDOUT);
				list_add_tail(&x->node, &done);
			} else if (!x->abts_sent) {
				db |= softhba_abts_send(h, x, true);
			}
		}
		spin_unlock_irqrestore(&h->lock, flags);
		if (db)
			softhba_doorbell(port, 1 + q);
		list_for_each_entry_safe(x, t, &done, node) {
			list_del(&x->node);
			dev_warn_ratelimited(&port->pdev->dev,
					     "xri %u: no BA_ACC/BA_RJT within 2 x R_A_TOV\n",
					     x->idx);
			softhba_finish(h, x);
		}
	}
}

/* Exchanges in use on q. */
unsigned int softhba_io_busy_hwq(struct softhba_hwq *q)
{
	unsigned int i, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	for (i = 0; i < q->port->depth; i++)
		n += q->xri[i].req ? 1 : 0;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

/* debugfs: the exchanges in use on q. */
void softhba_io_show_busy(struct seq_file *m, struct softhba_hwq *q)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&q->lock, flags);
	for (i = 0; i < q->port->depth; i++) {
		struct softhba_xri *x = &q->xri[i];

		if (!x->req)
			continue;
		seq_printf(m, "  xri %u tag %u to %016llx: state %u dst_hwq %u xfrd %u%s%s\n",
			   x->idx, x->tag, x->rp->wwpn, READ_ONCE(x->sx->state),
			   READ_ONCE(x->sx->dst_hwq), READ_ONCE(x->sx->xfrd),
			   x->aborting ? " aborting" : "", x->abts_sent ? " abts-sent" : "");
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Exchanges in use (for the unbind check). */
unsigned int softhba_io_busy(struct softhba_port *port)
{
	unsigned int q, n = 0;

	for (q = 0; q < port->nr_hwq; q++)
		n += softhba_io_busy_hwq(&port->hwq[q]);
	return n;
}

/* The pools: per hw queue depth exchanges, each with a CMD IU slot and a
 * bounce buffer from the DMA window; shared entries marked free.
 */
int softhba_io_init(struct softhba_port *port)
{
	struct device *dev = &port->pdev->dev;
	unsigned int q, i;
	u64 off;
	int rc;

	for (q = 0; q < port->nr_hwq; q++) {
		struct softhba_hwq *h = &port->hwq[q];
		u64 cmd_off;

		spin_lock_init(&h->lock);
		INIT_LIST_HEAD(&h->free);
		h->port = port;
		h->idx = q;
		h->xri = devm_kcalloc(dev, port->depth, sizeof(*h->xri), GFP_KERNEL);
		if (!h->xri)
			return -ENOMEM;
		rc = softhba_dma_alloc(&port->dma, (u64)port->depth * SOFTHBA_CMD_SLOT, &cmd_off);
		if (rc)
			return rc;
		for (i = 0; i < port->depth; i++) {
			struct softhba_xri *x = &h->xri[i];

			rc = softhba_dma_alloc(&port->dma, port->bounce, &off);
			if (rc)
				return rc;
			x->idx = q * port->depth + i;
			x->sx = &port->xri_tab[x->idx];
			x->bounce = port->dma_va + off;
			x->bounce_dma = SHBA_DMA_HANDLE_BASE + off;
			x->cmd = port->dma_va + cmd_off + (u64)i * SOFTHBA_CMD_SLOT;
			x->cmd_dma = SHBA_DMA_HANDLE_BASE + cmd_off + (u64)i * SOFTHBA_CMD_SLOT;
			/* A reloaded driver continues the tags of the last one. */
			x->tag = READ_ONCE(x->sx->tag) + 0x10000;
			WRITE_ONCE(x->sx->nsge, 0);
			WRITE_ONCE(x->sx->state, SHBA_XRI_FREE);
			list_add_tail(&x->node, &h->free);
		}
	}
	return 0;
}

void softhba_io_exit(struct softhba_port *port)
{
	unsigned int n = softhba_io_busy(port);

	if (n)
		dev_err(&port->pdev->dev, "%u exchanges still in use at unbind\n", n);
}
