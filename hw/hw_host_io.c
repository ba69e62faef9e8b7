// SPDX-License-Identifier: Apache-2.0
/*
 * The host LLDD's data path: FCP I/O on a preallocated exchange (XRI) pool
 * per hw queue, whose entries live in the device region so the target's
 * firmware can find their data lists; bounce buffers when the transport's
 * buffers are not this device's DMA memory (lpfc_get_nvme_buf's pool);
 * aborts that return an exchange only once the fabric confirms them
 * (lpfc_sli4_nvme_xri_aborted); completions reaped per hw queue; FCP
 * timeouts and exchanges of lost remote ports.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <fcnvme/clock.h>

#include "hw_host_priv.h"

static void hw_host_xri_free(struct hw_host_port *p, struct hw_host_hwq *q, struct hw_host_xri *x)
{
	atomic_store_explicit(&p->dev.xri[x->idx].state, HW_XRI_FREE, memory_order_release);
	x->req = NULL;
	x->rp = NULL;
	x->next = q->free;
	q->free = x;
}

/* Complete the request of x with status and return x to the pool. */
static void hw_host_complete(struct hw_host_port *p, struct hw_host_hwq *q, struct hw_host_xri *x,
			     int status)
{
	struct nvmefc_fcp_req *req = x->req;

	if (status) {
		req->status = (uint32_t)status;
		req->rcv_rsplen = 0;
	}
	hw_host_xri_free(p, q, x);
	req->done(req);
}

/* Queue a WQE; ring the doorbell now, or once at the end of a reap batch.
 * The WQ's one producer is the thread using the hw queue (hw_host_hwq):
 * its lwq (a soft port) or hw_ring_post_sp. Full: the firmware takes what
 * it can and the post is tried once more. */
static int hw_host_post(struct hw_host_port *p, uint16_t hwq, const struct hw_wqe *w)
{
	struct hw_host_hwq *q = &p->hwq[hwq];
	int rc = hw_fw_wq_post(&p->dev, hwq, &q->lwq, w);

	if (rc)
		return rc;
	if (q->in_poll)
		q->wq_pending = true;
	else
		hw_fw_doorbell(&p->dev, hwq);
	return 0;
}

static void hw_host_bls(struct hw_host_port *p, uint16_t hwq, uint8_t type, unsigned int slot,
			uint16_t peer_hwq, uint32_t xri, uint32_t tag)
{
	struct hw_wqe w;

	memset(&w, 0, sizeof(w));
	w.type = type;
	w.peer_slot = (uint16_t)slot;
	w.peer_hwq = peer_hwq;
	w.xri = xri;
	w.tag = tag;
	(void)hw_host_post(p, hwq, &w);
}

/* Fill the shared SGE list: the transport's own list if it is all DMA memory
 * of this device, else the exchange's bounce buffer. */
static int hw_host_sgl(struct hw_host_port *p, struct hw_host_xri *x, struct hw_xri *s,
		       struct nvmefc_fcp_req *req)
{
	struct fcnvme_sg *sg = req->first_sgl ? req->first_sgl : req->sg_table.sgl;
	uint32_t i, off, n = (uint32_t)(req->sg_cnt > 0 ? req->sg_cnt : 0);
	bool direct = n > 0 && n <= HW_MAX_SGE && sg;

	x->bounced = false;
	s->nsge = 0;
	if (req->payload_length == 0 || req->io_dir == NVMEFC_FCP_NODATA)
		return 0;
	if (!sg)
		return -EINVAL;
	for (i = 0; direct && i < n; i++)
		direct = hw_dma_handle(&p->dev, sg[i].addr) == sg[i].dma &&
			 hw_dma_ok(sg[i].dma, sg[i].length, p->dev.geo->dma_size);
	if (direct) {
		for (i = 0; i < n; i++) {
			s->sge[i].dma = sg[i].dma;
			s->sge[i].len = sg[i].length;
		}
		s->nsge = n;
		return 0;
	}
	if (req->payload_length > HW_HOST_BOUNCE)
		return -E2BIG;
	if (req->io_dir == NVMEFC_FCP_WRITE) {
		for (i = 0, off = 0; i < n && off < req->payload_length; i++) {
			uint32_t len = sg[i].length;

			if (len > req->payload_length - off)
				len = req->payload_length - off;
			memcpy((char *)x->bounce + off, sg[i].addr, len);
			off += len;
		}
	}
	x->bounced = true;
	s->sge[0].dma = x->bounce_dma;
	s->sge[0].len = req->payload_length;
	s->nsge = 1;
	return 0;
}

static void hw_host_unbounce(struct hw_host_xri *x, struct nvmefc_fcp_req *req, uint32_t len)
{
	struct fcnvme_sg *sg = req->first_sgl ? req->first_sgl : req->sg_table.sgl;
	uint32_t i, off = 0;

	for (i = 0; i < (uint32_t)req->sg_cnt && off < len; i++) {
		uint32_t n = sg[i].length;

		if (n > len - off)
			n = len - off;
		memcpy(sg[i].addr, (char *)x->bounce + off, n);
		off += n;
	}
}

/* fcp_io: take an exchange, describe its data, send the CMD IU. */
int hw_host_io_fcp_io(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport, void *hwqh,
		      struct nvmefc_fcp_req *req)
{
	struct hw_host_port *p = hw_host_of(lp);
	struct hw_host_rport *rp = hw_host_rp_of(rport);
	struct hw_host_hwq *q = hwqh;
	struct hw_host_xri *x = q->free;
	struct hw_xri *s;
	struct hw_wqe w;
	int rc;

	if (atomic_load(&rp->login.state) != HW_RPORT_ONLINE)
		return -ENOTCONN;
	if (!req->cmdaddr || req->cmdlen != sizeof(struct nvme_fc_cmd_iu) || !req->done)
		return -EINVAL;
	if (!x)
		return -EBUSY;
	s = &p->dev.xri[x->idx];
	rc = hw_host_sgl(p, x, s, req);
	if (rc)
		return rc;
	q->free = x->next;
	x->req = req;
	x->rp = rp;
	x->slot = (uint16_t)rp->login.slot;
	x->aborting = false;
	x->timed_out = false;
	x->tag++;
	x->deadline_ns = (q->in_poll ? q->now_ns : fcnvme_clock_coarse_ns()) +
			 (uint64_t)p->fcp_timeout_ms * 1000000u;
	req->rcv_rsplen = 0;
	req->transferred_length = 0;
	req->status = 0;
	s->dir = (uint8_t)req->io_dir;
	s->data_len = req->io_dir == NVMEFC_FCP_NODATA ? 0 : req->payload_length;
	s->src_hwq = q->idx;
	s->dst_slot = (uint16_t)rp->login.slot;
	atomic_store_explicit(&s->xfrd, 0, memory_order_relaxed);
	atomic_store_explicit(&s->tag, x->tag, memory_order_relaxed);
	atomic_store_explicit(&s->state, HW_XRI_ACTIVE, memory_order_release);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_FCP_CMD;
	w.peer_slot = (uint16_t)rp->login.slot;
	w.xri = x->idx;
	w.tag = x->tag;
	w.cmd = req->cmdaddr;
	rc = hw_host_post(p, q->idx, &w);
	if (rc) {
		hw_host_xri_free(p, q, x);
		return -EBUSY;
	}
	return 0;
}

static struct hw_host_xri *hw_host_find_req(struct hw_host_port *p, struct hw_host_hwq *q,
					    const struct nvmefc_fcp_req *req)
{
	unsigned int i;

	for (i = 0; i < p->depth; i++)
		if (q->x[i].req == req)
			return &q->x[i];
	return NULL;
}

static void hw_host_abort_xri(struct hw_host_port *p, struct hw_host_hwq *q, struct hw_host_xri *x)
{
	struct hw_xri *s = &p->dev.xri[x->idx];

	if (x->aborting)
		return;
	x->aborting = true;
	atomic_store(&s->state, HW_XRI_ABORTING);
	x->deadline_ns = fcnvme_clock_coarse_ns() + (uint64_t)NVME_FC_LS_TIMEOUT_SEC * 1000000000u;
	hw_host_bls(p, q->idx, HW_WQE_ABTS, x->slot, s->dst_hwq, x->idx, x->tag);
}

/* fcp_abort: ABTS the exchange; it completes when the fabric confirms. */
void hw_host_io_fcp_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			  void *hwqh, struct nvmefc_fcp_req *req)
{
	struct hw_host_port *p = hw_host_of(lp);
	struct hw_host_hwq *q = hwqh;
	struct hw_host_xri *x = hw_host_find_req(p, q, req);

	if (x)
		hw_host_abort_xri(p, q, x);
}

static void hw_host_rsp(struct hw_host_port *p, struct hw_host_hwq *q, struct hw_host_xri *x,
			const struct hw_cqe *c)
{
	struct nvmefc_fcp_req *req = x->req;
	uint32_t n = c->c.len;

	if (n > sizeof(c->c.rsp))
		n = sizeof(c->c.rsp);
	if (n > req->rsplen)
		n = req->rsplen;
	if (req->rspaddr)
		memcpy(req->rspaddr, c->c.rsp, n);
	req->rcv_rsplen = (uint16_t)c->c.len;
	req->transferred_length = c->c.xfrd;
	req->status = c->c.len > req->rsplen ? (uint32_t)-E2BIG : 0;
	if (x->bounced && req->io_dir == NVMEFC_FCP_READ)
		hw_host_unbounce(x, req,
				 c->c.xfrd < req->payload_length ? c->c.xfrd : req->payload_length);
	hw_host_complete(p, q, x, 0);
}

/* done_ok: a WQE_DONE in c may be our firmware's (not from a soft port's
 * shared CQ, where only a peer can have written one: hw_dev.lcq). */
static void hw_host_cqe(struct hw_host_port *p, struct hw_host_hwq *q, const struct hw_cqe *c,
			bool done_ok)
{
	struct hw_host_xri *x = NULL;

	if (c->xri >= p->dev.geo->nr_xri)
		return;
	if (c->xri / p->depth == q->idx)
		x = &q->x[c->xri % p->depth];
	if (!x || !x->req || x->tag != c->tag)
		return; /* stale: the exchange was reused */
	if (c->peer_slot != x->slot) {
		/* Not from the target the command went to (our firmware's
		 * WQE_DONEs carry the WQE's slot): another port answering,
		 * aborting or confirming an exchange that is not its own. */
		atomic_fetch_add_explicit(&p->dev.bar->cnt.drops, 1, memory_order_relaxed);
		return;
	}
	switch (c->type) {
	case HW_CQE_FCP_RSP:
		if (!x->aborting)
			hw_host_rsp(p, q, x, c);
		break;
	case HW_CQE_RCV_ABTS:
		/* The target aborted: confirm to the exchange's own target
		 * and queue (the one its CMD IU went to), and the exchange
		 * is ours again. */
		atomic_fetch_add(&p->dev.bar->cnt.abts_rx, 1);
		hw_host_bls(p, q->idx, HW_WQE_BA_ACC, x->slot, p->dev.xri[x->idx].dst_hwq, x->idx,
			    x->tag);
		hw_host_complete(p, q, x, x->timed_out ? -ETIMEDOUT : -ECANCELED);
		break;
	case HW_CQE_RCV_BA_ACC:
	case HW_CQE_RCV_BA_RJT:
		if (x->aborting)
			hw_host_complete(p, q, x, x->timed_out ? -ETIMEDOUT : -ECANCELED);
		break;
	case HW_CQE_WQE_DONE:
		if (!done_ok)
			break;
		/* The firmware aborts an exchange by itself (injected ABTS,
		 * hw_fw_fcp_cmd) and says so here, ahead of any answer of the
		 * target in this CQ; a sent ABTS is never completed with 0. */
		if (c->status == 0) {
			if (c->wqe_type == HW_WQE_ABTS)
				x->aborting = true;
			break;
		}
		/* Never reached the target (FCP_CMD) or the target is gone (ABTS). */
		hw_host_complete(p, q, x,
				 c->wqe_type == HW_WQE_ABTS
					 ? (x->timed_out ? -ETIMEDOUT : -ECANCELED)
					 : c->status);
		break;
	default:
		break;
	}
}

/* FCP timeouts and exchanges of lost remote ports. */
static int hw_host_timers(struct hw_host_port *p, struct hw_host_hwq *q)
{
	uint64_t now = q->now_ns;
	uint32_t gen = atomic_load(&p->loss_gen);
	unsigned int i;
	int n = 0;

	if (now < q->next_check_ns && gen == q->loss_seen)
		return 0;
	q->next_check_ns = now + 10000000u;
	q->loss_seen = gen;
	for (i = 0; i < p->depth; i++) {
		struct hw_host_xri *x = &q->x[i];

		if (!x->req)
			continue;
		if (atomic_load(&x->rp->login.state) != HW_RPORT_ONLINE) {
			/* The target is gone: nobody will touch the exchange. */
			hw_host_complete(p, q, x, x->timed_out ? -ETIMEDOUT : -ENOTCONN);
			n++;
		} else if (now >= x->deadline_ns) {
			if (!x->aborting) {
				x->timed_out = true;
				hw_host_abort_xri(p, q, x);
			} else {
				/* No answer to our ABTS either. */
				hw_host_complete(p, q, x, -ETIMEDOUT);
			}
			n++;
		}
	}
	return n;
}

/* Reap up to budget completions of q, then look at its timers. idle: the
 * caller spins on the port (hw_host_port_poll): a pass that finds the CQ
 * empty reads the clock and looks at the timers only every
 * HW_HOST_IDLE_CLOCK-th time or when a remote port was lost; other callers
 * get both on every pass. */
static int hw_host_reap(struct hw_host_port *p, struct hw_host_hwq *q, unsigned int budget,
			bool idle)
{
	struct hw_ring *cq = &p->dev.bar->cq[q->idx];
	const struct hw_ring *g = &p->dev.geo->cq[q->idx];
	struct hw_cqe *c = NULL;
	bool nested = q->in_poll;
	bool local = false;
	bool clock;
	int n = 0;

	q->in_poll = true;
	if (budget) {
		local = q->lcq.head != q->lcq.tail;
		if (!local)
			c = hw_ring_peek_geo(p->dev.base, cq, g);
	}
	clock = local || c || !idle || ++q->idle_passes >= HW_HOST_IDLE_CLOCK ||
		atomic_load_explicit(&p->loss_gen, memory_order_relaxed) != q->loss_seen;
	if (clock) {
		q->idle_passes = 0;
		q->now_ns = fcnvme_clock_coarse_ns();
	}
	while (local || c) {
		struct hw_cqe copy;
		bool done_ok = true;

		if (local) {
			/* Our firmware's completions first: each was written
			 * before anything its WQE drew into the shared CQ
			 * (an injected ABTS's WQE_DONE, hw_fw_fcp_cmd). A copy:
			 * a callback may ring the doorbell again, and the
			 * firmware append here. */
			copy = q->lcq.e[q->lcq.head & q->lcq.mask];
			q->lcq.head++;
		} else {
			/* The first line, and the second unless the entry is
			 * an FCP_RSP held in the first (HW_CQE_RSP_LINE1): its
			 * second line is stale, and not reading it keeps it
			 * off this core. */
			memcpy(&copy, c, HW_CACHELINE);
			if (copy.type != HW_CQE_FCP_RSP || copy.c.len > HW_CQE_RSP_LINE1)
				memcpy((char *)&copy + HW_CACHELINE, (const char *)c + HW_CACHELINE,
				       sizeof(copy) - HW_CACHELINE);
			hw_ring_pop_geo(cq, g, c);
			done_ok = !q->lcq.e;
		}
		/* One call site, which the compiler inlines (with a call in
		 * each branch it made hw_host_cqe a function of its own). */
		hw_host_cqe(p, q, &copy, done_ok);
		if ((unsigned int)++n >= budget)
			break;
		c = NULL;
		local = q->lcq.head != q->lcq.tail;
		if (!local)
			c = hw_ring_peek_geo(p->dev.base, cq, g);
	}
	if (clock)
		n += hw_host_timers(p, q);
	/* Ring even when nested: a caller waiting inside a completion
	 * callback must see its command go out. WQEs the firmware left in
	 * the lwq for want of lcq room (hw_fw_local_wq) go now too. */
	q->in_poll = nested;
	if (q->wq_pending || q->lwq.head != q->lwq.tail) {
		q->wq_pending = false;
		hw_fw_doorbell(&p->dev, q->idx);
	}
	return n;
}

/* Reap completions of hw queue hwq. */
int hw_host_poll(struct hw_host_port *p, uint16_t hwq, unsigned int budget)
{
	if (!p || hwq >= p->nr_hwq)
		return -EINVAL;
	return hw_host_reap(p, &p->hwq[hwq], budget, false);
}

/* Hybrid polling: sleep on the CQs of all hw queues until the firmware
 * posts into one (the software HBA's firmware notifies an armed ring once
 * per batch, hw_fw.c) or timeout_us passes. */
int hw_host_port_wait(struct hw_host_port *p, unsigned int timeout_us)
{
	struct hw_ring *rs[HW_RING_WAIT_MAX];
	const struct hw_ring *gs[HW_RING_WAIT_MAX];
	uint16_t q;

	if (!p || p->nr_hwq > HW_RING_WAIT_MAX)
		return -EINVAL;
	for (q = 0; q < p->nr_hwq; q++) {
		if (p->hwq[q].wq_pending || p->hwq[q].lcq.head != p->hwq[q].lcq.tail ||
		    p->hwq[q].lwq.head != p->hwq[q].lwq.tail)
			return 1;
		rs[q] = &p->dev.bar->cq[q];
		gs[q] = &p->dev.geo->cq[q];
	}
	return hw_ring_wait_any_geo(p->dev.base, rs, gs, p->nr_hwq, timeout_us);
}

/* Reap every hw queue of the port once, up to budget completions each.
 * A queue whose CQ is empty, with no doorbell pending, no clock read due
 * (HW_HOST_IDLE_CLOCK) and no remote port lost since its last look, only
 * counts the idle pass here: hw_host_reap would do the same, but its call
 * (a frame of callee-saved registers) and its checks cost more than the
 * look at the CQ; with 16 hw queues an empty pass took 1 377 instructions
 * (bench/HISTORY.md, "hostscale"). loss_gen is read once per pass
 * (relaxed, as in hw_host_reap: a lost port is noticed on the next pass
 * either way, and hw_host_timers reads it again). */
int hw_host_port_poll(struct hw_host_port *p, unsigned int budget)
{
	uint32_t gen;
	uint16_t q;
	int n = 0;

	if (!p)
		return -EINVAL;
	gen = atomic_load_explicit(&p->loss_gen, memory_order_relaxed);
	for (q = 0; q < p->nr_hwq; q++) {
		struct hw_host_hwq *h = &p->hwq[q];

		if (budget && !h->wq_pending && h->idle_passes + 1 < HW_HOST_IDLE_CLOCK &&
		    gen == h->loss_seen && h->lcq.head == h->lcq.tail &&
		    h->lwq.head == h->lwq.tail &&
		    hw_ring_empty_geo(p->dev.base, &p->dev.bar->cq[q], &p->dev.geo->cq[q])) {
			h->idle_passes++;
			continue;
		}
		n += hw_host_reap(p, h, budget, true);
	}
	return n;
}

/* poll_queue: reap one hw queue's completions. */
int hw_host_io_poll_queue(struct nvme_fc_local_port *lp, void *hwqh)
{
	return hw_host_reap(hw_host_of(lp), hwqh, 256, false);
}
