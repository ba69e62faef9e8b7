// SPDX-License-Identifier: Apache-2.0
/*
 * The target LLDD's data path [hwq]: per hw queue a preallocated exchange
 * pool; the CQ poll (received CMD IUs -> nvmet_fc_rcv_fcp_req, ABTS ->
 * nvmet_fc_rcv_fcp_abort, op completions -> fcpreq->done; a local soft
 * port's op completions come from hw_dev.lcq instead); the fcp_op,
 * fcp_abort, fcp_req_release and defer_rcv callbacks; the WQ doorbell rung
 * once per batch; hybrid polling (arm the CQ and sleep on its futex).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "hw_tgt_priv.h"

/* A cleared request, copied rather than memset (see hw_wqe_zero). */
static const struct nvmefc_tgt_fcp_req hw_tgt_req_zero;

static struct hw_tgt_xchg *hw_tgt_xchg_of(struct nvmefc_tgt_fcp_req *req)
{
	return (struct hw_tgt_xchg *)((char *)req - offsetof(struct hw_tgt_xchg, req));
}

/* Ring the doorbell of hw queue hwq if a post left it pending. */
static void hw_tgt_flush(struct hw_tgt_port *p, uint16_t hwq)
{
	struct hw_tgt_hwq *q = &p->hwq[hwq];

	if (q->wq_pending) {
		q->wq_pending = false;
		hw_dev_wq_doorbell(&p->dev, hwq);
	}
}

/* Ring q's doorbell now unless a poll loop will do it at the end of its batch. */
static void hw_tgt_doorbell(struct hw_tgt_port *p, uint16_t hwq)
{
	struct hw_tgt_hwq *q = &p->hwq[hwq];

	if (q->in_poll) {
		q->wq_pending = true;
		return;
	}
	q->wq_pending = false;
	hw_dev_wq_doorbell(&p->dev, hwq);
}

/* Post WQE w on WQ hwq. The WQ has one producer thread: hwq's own, the
 * only caller of every data-path callback of the queue (fcp_op, fcp_abort,
 * the poll's ABTS and BA_ACC; LS never goes through a WQ). So the slot is
 * taken with a load and a store of the tail (hw_ring_post_sp_geo), not a
 * locked CAS per I/O; the entry is still published by the release store
 * of its sequence word, which the firmware's acquire load (hw_fw_doorbell,
 * in this thread, or the port server's in another process) pairs with.
 * A tail rewritten by whoever shares the region shows up as a sequence
 * word out of step: -EPROTO, nothing written. */
static int hw_tgt_post(struct hw_tgt_port *p, uint16_t hwq, const struct hw_wqe *w)
{
	struct hw_dev *d = &p->dev;
	int rc;

	if (hw_rdrv_gone(d)) /* nobody would ever take it */
		return -ENOTCONN;
	rc = hw_fw_wq_post(d, hwq, &p->hwq[hwq].lwq, w);
	if (rc == 0)
		hw_tgt_doorbell(p, hwq);
	return rc;
}

static void hw_tgt_bls(struct hw_tgt_port *p, uint16_t hwq, uint8_t type, uint16_t slot,
		       uint16_t peer_hwq, uint32_t xri, uint32_t tag)
{
	struct hw_wqe w;

	w = hw_wqe_zero;
	w.type = type;
	w.peer_slot = slot;
	w.peer_hwq = peer_hwq;
	w.xri = xri;
	w.tag = tag;
	(void)hw_tgt_post(p, hwq, &w);
}

static void hw_tgt_local_done(struct hw_tgt_hwq *q, struct hw_tgt_xchg *x, int status)
{
	x->local_status = status;
	x->next = NULL;
	if (q->done_tail)
		q->done_tail->next = x;
	else
		q->done_head = x;
	q->done_tail = x;
}

/* ---- template: data path [hwq] -------------------------------------------- */

/* A WQE names its exchange by index, never by pointer: CQEs live in shared
 * memory, so a cookie coming back is validated before use. Bits 48-63 are
 * the op's generation, 32-47 the hw queue + 1, 0-31 the index. */
static uint64_t hw_tgt_cookie(struct hw_tgt_port *p, const struct hw_tgt_xchg *x)
{
	return ((uint64_t)x->op_gen << 48) | ((uint64_t)(x->hwq + 1) << 32) |
	       (uint64_t)(x - p->hwq[x->hwq].x);
}

/* The exchange whose op a WQE_DONE completes: its op still out, same op. */
static struct hw_tgt_xchg *hw_tgt_uncookie(struct hw_tgt_port *p, uint16_t hwq, uint64_t c)
{
	uint64_t idx = c & 0xffffffffu;
	struct hw_tgt_xchg *x;

	if (((c >> 32) & 0xffff) != (uint64_t)hwq + 1 || idx >= p->rq_depth)
		return NULL;
	x = &p->hwq[hwq].x[idx];
	if (!x->busy || !x->wqe_out || (c >> 48) != x->op_gen)
		return NULL;
	x->wqe_out = false;
	p->hwq[hwq].wqe_out--;
	return x;
}

/* The port server is gone (hw_rdrv_gone): no WQE of q will ever complete.
 * Every op still out completes here with -ENOTCONN, as a firmware does
 * for the exchanges of a lost link, so the transport can abort and free
 * them (and the targetport unregister) instead of waiting forever. */
static void hw_tgt_fail_out(struct hw_tgt_port *p, struct hw_tgt_hwq *q)
{
	unsigned int i;

	for (i = 0; i < p->rq_depth && q->wqe_out; i++) {
		struct hw_tgt_xchg *x = &q->x[i];

		if (!x->wqe_out)
			continue;
		x->wqe_out = false;
		q->wqe_out--;
		hw_tgt_local_done(q, x, -ENOTCONN);
	}
}

/* A remote driver's WQE names memory by DMA handle (docs/softhba-vm-port.md,
 * "Data path"): the data list is copied into the exchange's struct hw_sge
 * array in the DMA window, the response is the transport's rspdma (the
 * transport's buffers come from this device's DMA allocator). */
static void hw_tgt_io_by_handle(struct hw_tgt_xchg *x, const struct nvmefc_tgt_fcp_req *req,
				struct hw_wqe *w)
{
	uint32_t i;

	for (i = 0; i < w->sg_cnt; i++) {
		x->sge[i].dma = req->sg[i].dma;
		x->sge[i].len = req->sg[i].length;
		x->sge[i].rsvd = 0;
	}
	w->sg = (const void *)(uintptr_t)x->sge_dma;
	w->rsp = (const void *)(uintptr_t)req->rspdma;
}

/* fcp_op: queue the op as a WQE; the doorbell rings at the end of the batch. */
int hw_tgt_io_fcp_op(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct hw_tgt_port *p = hw_tgt_of(tp);
	struct hw_tgt_xchg *x = hw_tgt_xchg_of(req);
	struct hw_wqe w;
	int rc;

	if (req->op < NVMET_FCOP_READDATA || req->op > NVMET_FCOP_RSP)
		return -EINVAL;
	if (req->op != NVMET_FCOP_RSP && (req->sg_cnt < 0 || req->sg_cnt > HW_TGT_MAX_SGL))
		return -EINVAL;
	req->transferred_length = 0;
	req->fcp_error = 0;
	if (x->aborted || x->abts_rcvd) {
		/* Never touch the host's memory for an aborted exchange. */
		hw_tgt_local_done(&p->hwq[x->hwq], x, -ECANCELED);
		return 0;
	}
	if (hw_rdrv_gone(&p->dev)) {
		/* The link went with the port server. */
		hw_tgt_local_done(&p->hwq[x->hwq], x, -ENOTCONN);
		return 0;
	}
	w = hw_wqe_zero;
	w.type = HW_WQE_TGT_OP;
	w.op = req->op;
	w.peer_slot = x->peer_slot;
	w.xri = x->xri;
	w.tag = x->tag;
	w.offset = req->offset;
	w.length = req->op == NVMET_FCOP_RSP ? 0 : req->transfer_length;
	w.sg = req->sg;
	w.sg_cnt = req->op == NVMET_FCOP_RSP ? 0 : (uint32_t)req->sg_cnt;
	w.rsp = req->rspaddr;
	w.rsplen = req->rsplen;
	x->op_gen++;
	w.cookie = hw_tgt_cookie(p, x);
	if (p->dev.rdrv)
		hw_tgt_io_by_handle(x, req, &w);
	rc = hw_tgt_post(p, x->hwq, &w);
	if (rc == 0) {
		x->wqe_out = true;
		p->hwq[x->hwq].wqe_out++;
	}
	return rc;
}

/* fcp_abort: send ABTS to the host unless it aborted first. */
void hw_tgt_io_fcp_abort(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct hw_tgt_port *p = hw_tgt_of(tp);
	struct hw_tgt_xchg *x = hw_tgt_xchg_of(req);

	if (x->aborted)
		return;
	x->aborted = true;
	if (!x->abts_rcvd)
		hw_tgt_bls(p, x->hwq, HW_WQE_ABTS, x->peer_slot, x->peer_hwq, x->xri, x->tag);
}

/* fcp_req_release: recycle the exchange (a host ABTS was answered when it
 * arrived). */
void hw_tgt_io_fcp_req_release(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct hw_tgt_port *p = hw_tgt_of(tp);
	struct hw_tgt_xchg *x = hw_tgt_xchg_of(req);
	struct hw_tgt_hwq *q = &p->hwq[x->hwq];

	if (!x->busy)
		return;
	if (x->wqe_out) { /* its WQE_DONE, if it ever comes, matches nothing */
		x->wqe_out = false;
		q->wqe_out--;
	}
	x->busy = false;
	x->next = q->free;
	q->free = x;
}

/* defer_rcv: the deferred command is being processed. */
void hw_tgt_io_defer_rcv(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	/* The CMD IU lives in the exchange itself: nothing to recycle. */
}

/* ---- hw queue poll [hwq] ---------------------------------------------------- */

static struct hw_tgt_xchg *hw_tgt_find(struct hw_tgt_port *p, struct hw_tgt_hwq *q,
				       const struct hw_cqe *c)
{
	unsigned int i;

	for (i = 0; i < p->rq_depth; i++) {
		struct hw_tgt_xchg *x = &q->x[i];

		if (x->busy && x->peer_slot == c->peer_slot && x->xri == c->xri && x->tag == c->tag)
			return x;
	}
	return NULL;
}

static bool hw_tgt_logged_in(struct hw_tgt_port *p, unsigned int slot)
{
	return slot < HW_MAX_PORTS && atomic_load_explicit(&p->dev.bar->logins[slot].state,
							   memory_order_acquire) == HW_LOGIN_PRLI;
}

/* Start a received command on a free exchange (there is one). */
static void hw_tgt_start_cmd(struct hw_tgt_port *p, uint16_t hwq, const struct hw_cqe *c)
{
	struct hw_tgt_hwq *q = &p->hwq[hwq];
	struct hw_tgt_xchg *x = q->free;
	int rc;

	if (!hw_tgt_logged_in(p, c->peer_slot) || !p->tp || p->tp_deleted) {
		/* No login (any more): abort it back to the host. */
		hw_tgt_bls(p, hwq, HW_WQE_ABTS, c->peer_slot, c->src_hwq, c->xri, c->tag);
		return;
	}
	q->free = x->next;
	x->next = NULL;
	x->busy = true;
	x->aborted = false;
	x->abts_rcvd = false;
	x->xri = c->xri;
	x->tag = c->tag;
	x->peer_slot = c->peer_slot;
	x->peer_hwq = c->src_hwq;
	memcpy(x->iu, c->iu, sizeof(x->iu));
	x->req = hw_tgt_req_zero;
	x->req.hwqid = hwq;
	rc = nvmet_fc_rcv_fcp_req(p->tp, &x->req, x->iu, sizeof(x->iu));
	if (rc == 0 || rc == -EOVERFLOW)
		return;
	/* Not accepted: ABTS the exchange and take it back. */
	hw_tgt_bls(p, hwq, HW_WQE_ABTS, x->peer_slot, x->peer_hwq, x->xri, x->tag);
	x->busy = false;
	x->next = q->free;
	q->free = x;
}

/* A received CMD IU: start it, or hold it in order behind the ones already
 * waiting for an exchange; only when the hold is full too is it aborted
 * back to the host. */
static void hw_tgt_rcv_cmd(struct hw_tgt_port *p, uint16_t hwq, const struct hw_cqe *c)
{
	struct hw_tgt_hwq *q = &p->hwq[hwq];

	hw_stat_add(&p->dev.bar->qstats[hwq].cmd_rx, 1);
	if (q->free && !q->held_count) {
		hw_tgt_start_cmd(p, hwq, c);
		return;
	}
	if (q->held_count < q->held_cap && hw_tgt_logged_in(p, c->peer_slot)) {
		q->held[(q->held_head + q->held_count) % q->held_cap] = *c;
		q->held_count++;
		return;
	}
	hw_tgt_bls(p, hwq, HW_WQE_ABTS, c->peer_slot, c->src_hwq, c->xri, c->tag);
}

/* Start held commands while exchanges are free; returns how many were
 * taken off the hold. */
static int hw_tgt_start_held(struct hw_tgt_port *p, uint16_t hwq)
{
	struct hw_tgt_hwq *q = &p->hwq[hwq];
	int n = 0;

	while (q->held_count && q->free) {
		struct hw_cqe *c = &q->held[q->held_head];

		q->held_head = (q->held_head + 1) % q->held_cap;
		q->held_count--;
		n++;
		if (c->type == HW_CQE_RCV_CMD)
			hw_tgt_start_cmd(p, hwq, c);
	}
	return n;
}

/* An ABTS for a command still on hold: it never started, so it is
 * dropped from the hold and confirmed. */
static bool hw_tgt_abort_held(struct hw_tgt_port *p, uint16_t hwq, const struct hw_cqe *c)
{
	struct hw_tgt_hwq *q = &p->hwq[hwq];
	uint32_t i;

	for (i = 0; i < q->held_count; i++) {
		struct hw_cqe *h = &q->held[(q->held_head + i) % q->held_cap];

		if (h->type == HW_CQE_RCV_CMD && h->peer_slot == c->peer_slot && h->xri == c->xri &&
		    h->tag == c->tag) {
			h->type = 0;
			hw_tgt_bls(p, hwq, HW_WQE_BA_ACC, c->peer_slot, c->src_hwq, c->xri, c->tag);
			return true;
		}
	}
	return false;
}

static void hw_tgt_rcv_abts(struct hw_tgt_port *p, uint16_t hwq, const struct hw_cqe *c)
{
	struct hw_tgt_xchg *x = hw_tgt_find(p, &p->hwq[hwq], c);

	atomic_fetch_add_explicit(&p->dev.bar->cnt.abts_rx, 1, memory_order_relaxed);
	if (!x && hw_tgt_abort_held(p, hwq, c))
		return;
	if (!x) {
		hw_tgt_bls(p, hwq, HW_WQE_BA_RJT, c->peer_slot, c->src_hwq, c->xri, c->tag);
		return;
	}
	if (x->abts_rcvd)
		return;
	x->abts_rcvd = true;
	if (x->aborted) {
		/* Both sides aborted: the host needs no further word. */
		x->abts_rcvd = false;
		return;
	}
	nvmet_fc_rcv_fcp_abort(p->tp, &x->req);
	/* Confirm at once, as lpfc's target does (lpfc_nvmet_rcv_unsol_abort
	 * answers with BA_ACC right after nvmet_fc_rcv_fcp_abort), instead of
	 * at fcp_req_release: the command may outlive the abort by far (an
	 * AER lives until its controller is torn down), and a Linux host
	 * tears an association down only after every exchange it aborted is
	 * confirmed. The host may reuse the exchange from now on: it does so
	 * with a new tag, and the firmware refuses this exchange's later
	 * data ops and responses (tag or state mismatch). */
	hw_tgt_bls(p, x->hwq, HW_WQE_BA_ACC, x->peer_slot, x->peer_hwq, x->xri, x->tag);
}

static void hw_tgt_op_done(struct hw_tgt_xchg *x, int status, uint32_t xfrd)
{
	x->req.transferred_length = xfrd;
	x->req.fcp_error = (x->aborted || x->abts_rcvd) && status == 0 ? -ECANCELED : status;
	x->req.done(&x->req);
}

/* done_ok: a WQE_DONE in c may be ours (not from a local soft port's
 * shared CQ, where only a peer can have written one: hw_dev.lwq). */
static void hw_tgt_cqe(struct hw_tgt_port *p, uint16_t hwq, const struct hw_cqe *c, bool done_ok)
{
	struct hw_tgt_xchg *x;

	switch (c->type) {
	case HW_CQE_RCV_CMD:
		hw_tgt_rcv_cmd(p, hwq, c);
		break;
	case HW_CQE_RCV_ABTS:
		hw_tgt_rcv_abts(p, hwq, c);
		break;
	case HW_CQE_WQE_DONE:
		if (done_ok && c->wqe_type == HW_WQE_TGT_OP &&
		    (x = hw_tgt_uncookie(p, hwq, c->c.cookie)))
			hw_tgt_op_done(x, c->status, c->c.xfrd);
		break;
	default: /* BA_ACC/BA_RJT of our ABTS: nothing to do */
		break;
	}
}

/* [hwq] Process up to budget completions of hw queue hwq. */
int hw_tgt_poll(struct hw_tgt_port *p, uint16_t hwq, unsigned int budget)
{
	struct hw_tgt_hwq *q;
	struct hw_ring *cq;
	const struct hw_ring *g;
	struct hw_tgt_xchg *x;
	struct hw_cqe *c, copy;
	bool batch;
	int n = 0;

	if (!p || hwq >= p->nr_hwq)
		return -EINVAL;
	q = &p->hwq[hwq];
	batch = q->in_poll; /* inside hw_tgt_hwq_batch: its end rings */
	cq = &p->dev.bar->cq[hwq];
	g = &p->dev.geo->cq[hwq];
	q->in_poll = true;
	if (q->wqe_out && hw_rdrv_gone(&p->dev))
		hw_tgt_fail_out(p, q);
	hw_tgt_flush(p, hwq);
	while ((unsigned int)n < budget) {
		if (q->held_count && q->free) {
			n += hw_tgt_start_held(p, hwq);
			continue;
		}
		if ((x = q->done_head)) {
			q->done_head = x->next;
			if (!q->done_head)
				q->done_tail = NULL;
			hw_tgt_op_done(x, x->local_status, 0);
			n++;
			continue;
		}
		if (q->lcq.head != q->lcq.tail) {
			/* Copied out first: the op's completion may ring the
			 * doorbell again, and the firmware append here. */
			copy = q->lcq.e[q->lcq.head & q->lcq.mask];
			q->lcq.head++;
			hw_tgt_cqe(p, hwq, &copy, true);
			n++;
			continue;
		}
		c = hw_ring_peek_geo(p->dev.base, cq, g);
		if (!c) {
			/* WQEs the firmware left for want of lcq room
			 * (hw_fw_local_wq): now that it is empty. */
			if (!q->wq_pending && q->lwq.head == q->lwq.tail)
				break;
			q->wq_pending = false;
			hw_dev_wq_doorbell(&p->dev, hwq);
			continue;
		}
		if (p->dev.rdrv) {
			/* The port server shares the region: use a copy. */
			hw_fetch_once(&copy, c, sizeof(copy));
			hw_tgt_cqe(p, hwq, &copy, true);
		} else {
			hw_tgt_cqe(p, hwq, c, !q->lcq.e);
		}
		hw_ring_pop_geo(cq, g, c);
		n++;
	}
	q->in_poll = batch;
	if (!batch)
		hw_tgt_flush(p, hwq);
	return n;
}

/* [hwq] Open or close a batch of hw queue hwq's data-path calls made
 * outside hw_tgt_poll (the responses of a backend that completes on other
 * threads, drained by the queue's thread after its poll): their WQEs wait
 * for one doorbell at the close, so the firmware runs, and wakes a
 * sleeping host, once per batch instead of once per response. A full WQ
 * is still flushed at once (hw_tgt_post). */
void hw_tgt_hwq_batch(struct hw_tgt_port *p, uint16_t hwq, bool open)
{
	if (!p || hwq >= p->nr_hwq)
		return;
	p->hwq[hwq].in_poll = open;
	if (!open)
		hw_tgt_flush(p, hwq);
}

/* [hwq] Arm the CQ and sleep until work or timeout. */
int hw_tgt_hwq_wait(struct hw_tgt_port *p, uint16_t hwq, unsigned int timeout_us)
{
	if (!p || hwq >= p->nr_hwq)
		return -EINVAL;
	if (p->hwq[hwq].wq_pending || p->hwq[hwq].done_head ||
	    p->hwq[hwq].lcq.head != p->hwq[hwq].lcq.tail ||
	    p->hwq[hwq].lwq.head != p->hwq[hwq].lwq.tail ||
	    (p->hwq[hwq].held_count && p->hwq[hwq].free) ||
	    (p->hwq[hwq].wqe_out && hw_rdrv_gone(&p->dev)))
		return 1;
	return hw_ring_wait_latch_geo(p->dev.base, &p->dev.bar->cq[hwq], &p->dev.geo->cq[hwq],
				      timeout_us, &p->hwq[hwq].kicked);
}

/* Any thread: wake a thread sleeping in hw_tgt_hwq_wait. */
void hw_tgt_hwq_kick(struct hw_tgt_port *p, uint16_t hwq)
{
	if (p && hwq < p->nr_hwq) {
		atomic_store(&p->hwq[hwq].kicked, true);
		hw_ring_kick(&p->dev.bar->cq[hwq]);
	}
}

static int hw_tgt_hwq_ops_poll(void *lldd, uint16_t hwq, unsigned int budget)
{
	return hw_tgt_poll(lldd, hwq, budget);
}

static int hw_tgt_hwq_ops_wait(void *lldd, uint16_t hwq, unsigned int timeout_us)
{
	return hw_tgt_hwq_wait(lldd, hwq, timeout_us);
}

static void hw_tgt_hwq_ops_kick(void *lldd, uint16_t hwq)
{
	hw_tgt_hwq_kick(lldd, hwq);
}

static void hw_tgt_hwq_ops_batch(void *lldd, uint16_t hwq, bool open)
{
	hw_tgt_hwq_batch(lldd, hwq, open);
}

const struct fcnvme_hwq_ops hw_tgt_hwq_ops = {
	.poll = hw_tgt_hwq_ops_poll,
	.wait = hw_tgt_hwq_ops_wait,
	.kick = hw_tgt_hwq_ops_kick,
	.batch = hw_tgt_hwq_ops_batch,
};
