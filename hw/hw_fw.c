// SPDX-License-Identifier: Apache-2.0
/*
 * The software HBA's firmware for the data path. It runs in the thread that
 * rings a WQ doorbell, over every pending WQE of that queue: it sends CMD IUs
 * to the target hw queue chosen by steering, moves data between the two
 * ports' DMA memory for target data ops (the target pulls write data as if
 * after an XFER_RDY and pushes read data), delivers responses, ABTS and
 * BA_ACC/BA_RJT, and applies fault injection. Every handle naming a peer's
 * memory is checked against the peer's DMA window before any byte moves; a
 * bad one completes the WQE with -EFAULT and writes nothing. Peers' queues
 * are woken once per batch.
 *
 * Nothing the other side of a region can rewrite is read twice: each WQE,
 * CMD IU and host SGE list is copied out of shared memory once and checked
 * and used from the copy. For a remote driver's port (HW_BAR_F_REMOTE) the
 * firmware runs in the port server: the WQE's cmd, rsp and sg are DMA
 * handles of the port's own window, translated after a bounds check, and
 * the port's own rings are used with the geometry the port server laid out
 * (hw_dev.geo), never the one in the region. Peers' rings likewise: their
 * geometry comes from the copy taken when they were mapped
 * (hw_peer_view), only indices, states and data from their regions.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_driver.h>

#include "hw_priv.h"

#define HW_FW_NOTIFY_MAX 8

/* hw_fw_fcp_cmd writes a RCV_CMD in place: the CMD IU fills the payload. */
_Static_assert(sizeof(struct nvme_fc_cmd_iu) == HW_CQE_PAYLOAD, "CMD IU fills the CQE payload");

const struct hw_wqe hw_wqe_zero;
const struct hw_cqe hw_cqe_zero;

/* Rings this batch posted into, woken once at its end. */
struct hw_fw_batch {
	struct hw_ring *ring[HW_FW_NOTIFY_MAX];
	unsigned int n;
};

static void hw_fw_note(struct hw_fw_batch *b, struct hw_ring *r)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->ring[i] == r)
			return;
	if (b->n == HW_FW_NOTIFY_MAX) {
		hw_ring_notify(r);
		return;
	}
	b->ring[b->n++] = r;
}

/* Reserve an entry of CQ r (geometry g) of region base, which is peer slot
 * slot's (or ours: HW_MAX_PORTS), for a CQE written in place; NULL when
 * the CQ is full, or when its memory is corrupt: the peer is then marked
 * for the slow path to drop (hw_dev.peer_bad). Still a CAS on the tail:
 * every port's firmware may post into a target's CQ at once. Only written,
 * never read back: the peer may rewrite the entry as it likes until it is
 * committed (hw_fw_cq_commit), and that harms only the peer. */
static struct hw_cqe *hw_fw_cq_reserve(struct hw_dev *d, unsigned int slot, void *base,
				       struct hw_ring *r, const struct hw_ring *g, uint64_t *pos)
{
	struct hw_cqe *e;

	if (g->esize < sizeof(*e))
		return NULL;
	e = hw_ring_reserve_geo(base, r, g, pos);
	if (!e && *pos == HW_RING_CORRUPT && slot < HW_MAX_PORTS)
		atomic_fetch_or_explicit(&d->peer_bad, 1ull << slot, memory_order_relaxed);
	return e;
}

/* Publish a reserved CQE (release: its fields before its sequence word) and
 * note its ring for the batch's wake-up. */
static void hw_fw_cq_commit(struct hw_fw_batch *b, struct hw_ring *r, struct hw_cqe *e,
			    uint64_t pos)
{
	hw_ring_commit(e, pos);
	hw_fw_note(b, r);
}

/* Fill reserved entry e (at pos of ring r) with a copy of CQE c, its first
 * line only if line1, and commit it. */
static void hw_fw_cq_fill(struct hw_fw_batch *b, struct hw_ring *r, struct hw_cqe *e, uint64_t pos,
			  const struct hw_cqe *c, bool line1)
{
	memcpy((char *)e + sizeof(e->seq), (const char *)c + sizeof(c->seq),
	       (line1 ? HW_CACHELINE : sizeof(*c)) - sizeof(c->seq));
	hw_fw_cq_commit(b, r, e, pos);
}

/* Post a copy of CQE c (hw_fw_cq_reserve), its first cache line only if
 * line1 (an FCP_RSP that fits there, HW_CQE_RSP_LINE1): the consumer's
 * core then gives up one line per entry, not two. 0 or -EAGAIN. */
static int hw_fw_cq_post_lines(struct hw_dev *d, struct hw_fw_batch *b, unsigned int slot,
			       void *base, struct hw_ring *r, const struct hw_ring *g,
			       const struct hw_cqe *c, bool line1)
{
	uint64_t pos;
	struct hw_cqe *e = hw_fw_cq_reserve(d, slot, base, r, g, &pos);

	if (!e)
		return -EAGAIN;
	hw_fw_cq_fill(b, r, e, pos, c, line1);
	return 0;
}

/* Post a copy of the whole CQE c; 0 or -EAGAIN. */
static int hw_fw_cq_post(struct hw_dev *d, struct hw_fw_batch *b, unsigned int slot, void *base,
			 struct hw_ring *r, const struct hw_ring *g, const struct hw_cqe *c)
{
	return hw_fw_cq_post_lines(d, b, slot, base, r, g, c, false);
}

/* Complete a WQE locally with status on our own CQ (or the hw queue's
 * local completions, hw_dev.lcq). */
static void hw_fw_done(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
		       const struct hw_wqe *w, int status, uint32_t xfrd)
{
	struct hw_lcq *l = d->lcq[hwq];
	struct hw_cqe c;

	if (l && l->tail - l->head <= l->mask) {
		/* Written in place, only what hw_tgt_cqe and hw_host_cqe
		 * read of a WQE_DONE: the entry never leaves this process. */
		struct hw_cqe *e = &l->e[l->tail & l->mask];

		e->type = HW_CQE_WQE_DONE;
		e->wqe_type = w->type;
		e->peer_slot = w->peer_slot;
		e->status = status;
		e->xri = w->xri;
		e->tag = w->tag;
		e->c.rx_id = w->rx_id;
		e->c.xfrd = xfrd;
		e->c.cookie = w->cookie;
		l->tail++;
		return;
	}
	memcpy(&c, &hw_cqe_zero, sizeof(c));
	c.type = HW_CQE_WQE_DONE;
	c.wqe_type = w->type;
	c.peer_slot = w->peer_slot;
	c.status = status;
	c.xri = w->xri;
	c.tag = w->tag;
	c.c.rx_id = w->rx_id;
	c.c.xfrd = xfrd;
	c.c.cookie = w->cookie;
	/* Our own CQ is sized for every outstanding WQE: cannot be full. */
	(void)hw_fw_cq_post(d, b, HW_MAX_PORTS, d->base, &d->bar->cq[hwq], &d->geo->cq[hwq], &c);
}

/* Local memory named by a WQE: the pointer itself for a local driver; for a
 * remote one the DMA handle it holds, translated into the port's own window
 * after a bounds check (NULL if [handle, handle + len) is not inside). */
static const void *hw_fw_local(struct hw_dev *d, const void *p, uint64_t len)
{
	if (!hw_dev_remote(d))
		return p;
	return hw_dma_va(d, (uint64_t)(uintptr_t)p, len);
}

/* Fault injection for a frame of class fc to peer: hw_fw_fault's slow
 * path, out of line so that the frames of a fabric without faults pay one
 * flag test (hw_dev_faults_armed). */
static __attribute__((noinline)) int hw_fw_fault_armed(struct hw_dev *d, int fc, unsigned int peer,
						       uint32_t opcode)
{
	uint32_t delay = 0;
	int k;

	k = hw_fabric_fault(&d->fab, fc, d->bar->wwpn, d->fab.r->ns[peer].wwpn, opcode, &delay);
	if (k == HW_FAULT_DELAY) {
		usleep((delay > 10000 ? 10000 : delay) * 1000u);
		return HW_FAULT_NONE;
	}
	if (k == HW_FAULT_DROP || k == HW_FAULT_DROP_CMD)
		atomic_fetch_add(&d->bar->cnt.drops, 1);
	return k;
}

/* Most of the time no fault is armed: say so before reading the fabric's
 * name table for the arguments (three times an I/O). */
static inline int hw_fw_fault(struct hw_dev *d, int fc, unsigned int peer, uint32_t opcode)
{
	if (__builtin_expect(!hw_dev_faults_armed(d), 1))
		return HW_FAULT_NONE;
	return hw_fw_fault_armed(d, fc, peer, opcode);
}

/* The peer in slot if both links are up: pb its region (indices and states
 * only), the view's geo its geometry. */
static const struct hw_peer_view *hw_fw_peer(struct hw_dev *d, unsigned int slot)
{
	const struct hw_peer_view *pv = hw_dev_peer_view(d, slot);
	struct hw_bar *pb = pv ? pv->base : NULL;

	if (!pb || atomic_load_explicit(&pb->link, memory_order_relaxed) != HW_LINK_UP ||
	    atomic_load_explicit(&d->bar->link, memory_order_relaxed) != HW_LINK_UP)
		return NULL;
	return pv;
}

/* Host: send the CMD IU of exchange w->xri. */
static void hw_fw_fcp_cmd(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
			  const struct hw_wqe *w)
{
	const void *iup = hw_fw_local(d, w->cmd, sizeof(struct nvme_fc_cmd_iu));
	struct nvme_fc_cmd_iu iu;
	const struct hw_peer_view *pv;
	const struct hw_bar *pg;
	struct hw_bar *pb;
	struct hw_xri *x;
	struct hw_cqe c, *e;
	uint32_t i, nsge, opcode;
	uint64_t total = 0, pos;
	unsigned int thwq;
	uint16_t qid;
	int k;

	if (w->xri >= d->geo->nr_xri) {
		hw_fw_done(d, b, hwq, w, -EINVAL, 0);
		return;
	}
	if (!iup) {
		atomic_fetch_add(&d->bar->cnt.dma_errors, 1);
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	x = &d->xri[w->xri];
	pv = hw_fw_peer(d, w->peer_slot);
	if (!pv || atomic_load(&d->bar->link) != HW_LINK_UP) {
		hw_fw_done(d, b, hwq, w, -ENOTCONN, 0);
		return;
	}
	pb = pv->base;
	pg = &pv->geo;
	/* A courtesy check of the exchange's data list (the target's firmware
	 * checks what it uses again, when it uses it). */
	hw_fetch_once(&nsge, &x->nsge, sizeof(nsge));
	if (nsge > HW_MAX_SGE) {
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	for (i = 0; i < nsge; i++) {
		struct hw_sge sge;

		hw_fetch_once(&sge, &x->sge[i], sizeof(sge));
		if (!hw_dma_ok(sge.dma, sge.len, d->geo->dma_size)) {
			atomic_fetch_add(&d->bar->cnt.dma_errors, 1);
			hw_fw_done(d, b, hwq, w, -EFAULT, 0);
			return;
		}
		total += sge.len;
	}
	if (total < x->data_len) {
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	hw_fetch_once(&iu, iup, sizeof(iu));
	opcode = iu.sqe[0];
	if (opcode == 0x7f)
		opcode = 0x100u | iu.sqe[4];
	k = hw_fw_fault(d, HW_FC_CMD, w->peer_slot, opcode);
	if (k == HW_FAULT_DROP || k == HW_FAULT_DROP_CMD)
		return; /* lost on the wire: the host times out */
	if (k == HW_FAULT_ABTS) {
		/* The exchange will be aborted right after its CMD (below).
		 * Tell the host in its own CQ, before the CMD can draw any
		 * answer into it: a WQE_DONE of an ABTS with status 0, which
		 * nothing else posts (a sent ABTS completes only when it
		 * fails). hw_host_cqe then needs no load of x->state, a line
		 * the target writes during the I/O. */
		struct hw_wqe a;

		memcpy(&a, w, sizeof(a));
		a.type = HW_WQE_ABTS;
		hw_fw_done(d, b, hwq, &a, 0, 0);
	}
	qid = (uint16_t)(be64_to_cpu(iu.connection_id) & 0xffff);
	thwq = hw_fw_steer(qid, pg->nr_hwq);
	x->dst_hwq = (uint16_t)thwq;
	/* Half of a CQ is kept for the target's own completions. */
	if (hw_ring_fill_reaches(&pb->cq[thwq], pg->cq[thwq].entries / 2) ||
	    !(e = hw_fw_cq_reserve(d, w->peer_slot, pb, &pb->cq[thwq], &pg->cq[thwq], &pos))) {
		atomic_fetch_add(&d->bar->cnt.busy, 1);
		hw_fw_done(d, b, hwq, w, -EBUSY, 0);
		return;
	}
	/* Written in place, every byte after the sequence word once (no
	 * zeroed copy on the stack copied again). */
	e->type = HW_CQE_RCV_CMD;
	e->wqe_type = 0;
	e->peer_slot = (uint16_t)d->slot;
	e->status = 0;
	e->xri = w->xri;
	e->tag = w->tag;
	memcpy(e->iu, &iu, sizeof(iu));
	e->src_hwq = x->src_hwq;
	memset(e->pad, 0, sizeof(e->pad));
	hw_fw_cq_commit(b, &pb->cq[thwq], e, pos);
	hw_stat_add(&d->bar->qstats[hwq].cmd_tx, 1);
	if (k == HW_FAULT_ABTS) {
		/* Injected: the exchange is aborted right after its CMD. */
		atomic_store(&x->state, HW_XRI_ABORTING);
		memcpy(&c, &hw_cqe_zero, sizeof(c));
		c.type = HW_CQE_RCV_ABTS;
		c.src_hwq = x->src_hwq;
		c.peer_slot = (uint16_t)d->slot;
		c.xri = w->xri;
		c.tag = w->tag;
		if (hw_fw_cq_post(d, b, w->peer_slot, pb, &pb->cq[thwq], &pg->cq[thwq], &c) == 0)
			atomic_fetch_add(&d->bar->cnt.abts_tx, 1);
	}
}

/* Either role: ABTS, BA_ACC or BA_RJT toward the peer's queue. */
static void hw_fw_bls(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
		      const struct hw_wqe *w)
{
	static const uint8_t cqe_type[] = {
		[HW_WQE_ABTS] = HW_CQE_RCV_ABTS,
		[HW_WQE_BA_ACC] = HW_CQE_RCV_BA_ACC,
		[HW_WQE_BA_RJT] = HW_CQE_RCV_BA_RJT,
	};
	const struct hw_peer_view *pv = hw_fw_peer(d, w->peer_slot);
	struct hw_cqe c;

	if (!pv || w->peer_hwq >= pv->geo.nr_hwq) {
		hw_fw_done(d, b, hwq, w, -ENOTCONN, 0);
		return;
	}
	if (hw_fw_fault(d, HW_FC_ABTS, w->peer_slot, 0) == HW_FAULT_DROP)
		return;
	memcpy(&c, &hw_cqe_zero, sizeof(c));
	c.type = cqe_type[w->type];
	c.src_hwq = (uint16_t)hwq;
	c.peer_slot = (uint16_t)d->slot;
	c.xri = w->xri;
	c.tag = w->tag;
	c.c.rx_id = w->rx_id;
	if (hw_fw_cq_post(d, b, w->peer_slot, pv->base,
			  &((struct hw_bar *)pv->base)->cq[w->peer_hwq], &pv->geo.cq[w->peer_hwq],
			  &c)) {
		hw_fw_done(d, b, hwq, w, -EBUSY, 0);
		return;
	}
	if (w->type == HW_WQE_ABTS)
		atomic_fetch_add(&d->bar->cnt.abts_tx, 1);
}

/* What the firmware uses of a host exchange's data list, fetched once (the
 * host may rewrite its exchange at any time). */
struct hw_fw_hsg {
	uint32_t nsge, data_len;
	struct hw_sge sge[HW_MAX_SGE];
};

/*
 * Fetch the host exchange's data list and check that [offset, offset + len)
 * is covered by SGEs inside the host's DMA window. Returns 0 or -EFAULT;
 * nothing is copied.
 */
static int hw_fw_host_sgl(const struct hw_bar *pg, const struct hw_xri *x, uint32_t offset,
			  uint32_t len, struct hw_fw_hsg *h)
{
	uint64_t pos = 0, end = (uint64_t)offset + len;
	uint32_t i;

	hw_fetch_once(&h->nsge, &x->nsge, sizeof(h->nsge));
	hw_fetch_once(&h->data_len, &x->data_len, sizeof(h->data_len));
	if (h->nsge > HW_MAX_SGE || end > h->data_len)
		return -EFAULT;
	hw_fetch_once(h->sge, x->sge, h->nsge * sizeof(h->sge[0]));
	for (i = 0; i < h->nsge && pos < end; i++) {
		uint64_t e = pos + h->sge[i].len;

		pos = e;
		if (e <= offset)
			continue;
		if (!hw_dma_ok(h->sge[i].dma, h->sge[i].len, pg->dma_size))
			return -EFAULT;
	}
	return pos >= end ? 0 : -EFAULT;
}

/* Bytes from offset off of host SGE i to the end of the run of SGEs that
 * follow it contiguously in the DMA window, at least want of them if the
 * run is that long (no need to look further). */
static uint64_t hw_fw_host_run(const struct hw_fw_hsg *x, uint32_t i, uint64_t off, uint32_t want)
{
	uint64_t n = x->sge[i].len - off;

	for (; n < want && i + 1 < x->nsge && x->sge[i + 1].dma == x->sge[i].dma + x->sge[i].len;
	     i++)
		n += x->sge[i + 1].len;
	return n;
}

/* The same for the local sg list: elements contiguous in our address space
 * (a ram namespace's zero-copy list is one contiguous range cut into
 * FCN_SG_ELEM_LEN elements, nvmet_fc_req_data_ref). */
static uint64_t hw_fw_local_run(const struct fcnvme_sg *sg, uint32_t sg_cnt, uint32_t i,
				uint32_t off, uint32_t want)
{
	uint64_t n = sg[i].length - off;

	for (; n < want && i + 1 < sg_cnt &&
	       (uintptr_t)sg[i + 1].addr == (uintptr_t)sg[i].addr + sg[i].length;
	     i++)
		n += sg[i + 1].length;
	return n;
}

/* Move len bytes between the local sg list and host exchange memory, as
 * checked by hw_fw_host_sgl. Each memcpy spans as many elements of both
 * lists as are contiguous (a 128 KiB read of a ram namespace into a
 * contiguous host buffer is one copy, not 32 of 4 KiB: each call and each
 * `rep movsb` start has a fixed cost). Every byte moved lies in an element
 * the checks covered: a run only joins elements that follow each other. */
static void hw_fw_copy(const struct hw_peer_view *pv, const struct hw_fw_hsg *x, uint32_t offset,
		       const struct fcnvme_sg *sg, uint32_t sg_cnt, uint32_t len, bool to_host)
{
	char *win = (char *)pv->base + pv->geo.dma_off;
	uint32_t hi = 0, li = 0, loff = 0;
	uint64_t hpos = 0, hoff;

	/* Find the host SGE holding offset. */
	while (hi < x->nsge && hpos + x->sge[hi].len <= offset)
		hpos += x->sge[hi++].len;
	hoff = offset - hpos;
	if (hi < x->nsge && sg_cnt && x->sge[hi].len - hoff >= len && sg[0].length >= len) {
		/* Both sides in one element (a 4 KiB I/O): one copy, no walk. */
		char *h = win + (x->sge[hi].dma - HW_DMA_HANDLE_BASE) + hoff;

		if (to_host)
			memcpy(h, sg[0].addr, len);
		else
			memcpy(sg[0].addr, h, len);
		return;
	}
	while (len && hi < x->nsge && li < sg_cnt) {
		uint64_t hl = hw_fw_host_run(x, hi, hoff, len);
		uint64_t ll = hw_fw_local_run(sg, sg_cnt, li, loff, len);
		uint32_t n = len;
		char *h = win + (x->sge[hi].dma - HW_DMA_HANDLE_BASE) + hoff;
		char *l = (char *)sg[li].addr + loff;

		if (n > hl)
			n = (uint32_t)hl;
		if (n > ll)
			n = (uint32_t)ll;
		if (to_host)
			memcpy(h, l, n);
		else
			memcpy(l, h, n);
		len -= n;
		/* Step both cursors n bytes on, over the elements consumed
		 * (an empty element is stepped over too). */
		hoff += n;
		while (hi < x->nsge && hoff >= x->sge[hi].len) {
			hoff -= x->sge[hi].len;
			hi++;
		}
		loff += n;
		while (li < sg_cnt && loff >= sg[li].length) {
			loff -= sg[li].length;
			li++;
		}
	}
}

/* A remote target driver's data list and response: the WQE's sg names an
 * array of struct hw_sge and rsp the response IU, both by handle into the
 * port's own window. Fetch the list once, translate every element after a
 * bounds check. 0 or -EFAULT. */
static int hw_fw_tgt_xlate(struct hw_dev *d, const struct hw_wqe *w, struct fcnvme_sg *sgl,
			   const void **rsp)
{
	struct hw_sge hs[HW_MAX_SGE];
	const void *p;
	uint32_t i;

	*rsp = NULL;
	if (w->op == NVMET_FCOP_RSP || w->op == NVMET_FCOP_READDATA_RSP) {
		*rsp = hw_fw_local(d, w->rsp, w->rsplen);
		if (!*rsp)
			return -EFAULT;
	}
	if (w->op == NVMET_FCOP_RSP || w->sg_cnt == 0)
		return 0;
	if (w->sg_cnt > HW_MAX_SGE)
		return -EFAULT;
	p = hw_fw_local(d, w->sg, (uint64_t)w->sg_cnt * sizeof(hs[0]));
	if (!p)
		return -EFAULT;
	hw_fetch_once(hs, p, w->sg_cnt * sizeof(hs[0]));
	for (i = 0; i < w->sg_cnt; i++) {
		sgl[i].addr = hw_dma_va(d, hs[i].dma, hs[i].len);
		sgl[i].dma = hs[i].dma;
		sgl[i].length = hs[i].len;
		if (!sgl[i].addr)
			return -EFAULT;
	}
	return 0;
}

/* The FCP_RSP CQE of target op w: xfrd bytes moved, its w->rsplen
 * (checked) bytes of response fetched once from rspbuf. */
static void hw_fw_rsp_cqe(const struct hw_dev *d, const struct hw_wqe *w, uint32_t xfrd,
			  const void *rspbuf, struct hw_cqe *c)
{
	memcpy(c, &hw_cqe_zero, sizeof(*c));
	c->type = HW_CQE_FCP_RSP;
	c->peer_slot = (uint16_t)d->slot;
	c->xri = w->xri;
	c->tag = w->tag;
	c->c.len = w->rsplen;
	c->c.xfrd = xfrd;
	hw_fetch_once(c->c.rsp, rspbuf, w->rsplen);
}

/* Target: perform one FCP op of an exchange with the local data list sg and
 * response rspbuf. */
static void hw_fw_tgt_do(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
			 const struct hw_wqe *w, const struct fcnvme_sg *sg, const void *rspbuf)
{
	const struct hw_peer_view *pv = hw_fw_peer(d, w->peer_slot);
	const struct hw_bar *pg = pv ? &pv->geo : NULL;
	struct hw_bar *pb = pv ? pv->base : NULL;
	struct hw_fw_hsg h;
	struct hw_xri *x;
	struct hw_cqe c, *e = NULL;
	uint32_t i, xfrd = 0;
	uint64_t lsum = 0, pos = 0;
	uint16_t src_hwq = 0, dst_slot;
	bool data = w->op != NVMET_FCOP_RSP;
	bool rsp = w->op == NVMET_FCOP_RSP || w->op == NVMET_FCOP_READDATA_RSP;
	int k;

	if (!pb) {
		hw_fw_done(d, b, hwq, w, -ENOTCONN, 0);
		return;
	}
	if (w->xri >= pg->nr_xri) {
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	x = (struct hw_xri *)((char *)pb + pg->xri_off) + w->xri;
	hw_fetch_once(&dst_slot, &x->dst_slot, sizeof(dst_slot));
	/* The host's exchange as it is now: the same use (tag), still
	 * active, and its command sent to us. Without the last, any port in
	 * the target role that guessed a small index and a counter could
	 * move data into or out of a command the host sent to another
	 * target. All three are on the line read here anyway. */
	if (atomic_load(&x->tag) != w->tag || atomic_load(&x->state) != HW_XRI_ACTIVE ||
	    dst_slot != d->slot) {
		hw_fw_done(d, b, hwq, w, -ECANCELED, 0);
		return;
	}
	if (data && w->length) {
		for (i = 0; i < w->sg_cnt; i++)
			lsum += sg[i].length;
		if (lsum < w->length || hw_fw_host_sgl(pg, x, w->offset, w->length, &h)) {
			atomic_fetch_add(&d->bar->cnt.dma_errors, 1);
			hw_fw_done(d, b, hwq, w, -EFAULT, 0);
			return;
		}
		k = hw_fw_fault(d, HW_FC_DATA, w->peer_slot, 0);
		if (k == HW_FAULT_FAIL_DATA || k == HW_FAULT_DROP) {
			hw_fw_done(d, b, hwq, w, -EIO, 0);
			return;
		}
		/* x->xfrd has one writer while the exchange is ours: the
		 * target hw queue thread its ops come from (the host zeroes
		 * it before it sends the CMD IU, ordered by the CQ's release
		 * and acquire). A load and a store, not a locked add on the
		 * host's line; the response below carries the sum. Written
		 * before the copy, which cannot fail from here (every range
		 * was checked above) and which the host cannot see before the
		 * response either: the store's ownership request for the
		 * host's line then overlaps the copy instead of following it. */
		xfrd = atomic_load_explicit(&x->xfrd, memory_order_relaxed) + w->length;
		atomic_store_explicit(&x->xfrd, xfrd, memory_order_relaxed);
		/* A Read's response slot, taken before its copy when nothing
		 * can keep the response back (no fault armed, a length and a
		 * queue that are good): the CAS on the host CQ's tail, a
		 * locked instruction, then does not wait for the copy's
		 * stores to drain. The host sees the entry at the commit,
		 * after the copy; entries behind it wait as long, as they
		 * wait for any producer between its reserve and commit. */
		if (rsp && !hw_dev_faults_armed(d) && w->rsplen <= sizeof(c.c.rsp)) {
			hw_fetch_once(&src_hwq, &x->src_hwq, sizeof(src_hwq));
			if (src_hwq < pg->nr_hwq)
				e = hw_fw_cq_reserve(d, w->peer_slot, pb, &pb->cq[src_hwq],
						     &pg->cq[src_hwq], &pos);
		}
		hw_fw_copy(pv, &h, w->offset, sg, w->sg_cnt, w->length,
			   w->op != NVMET_FCOP_WRITEDATA);
		hw_stat_add(&d->bar->qstats[hwq].data_bytes, w->length);
	}
	if (e) {
		hw_fw_rsp_cqe(d, w, xfrd, rspbuf, &c);
		hw_fw_cq_fill(b, &pb->cq[src_hwq], e, pos, &c, w->rsplen <= HW_CQE_RSP_LINE1);
		hw_stat_add(&d->bar->qstats[hwq].rsp_tx, 1);
	} else if (rsp) {
		if (w->rsplen > sizeof(c.c.rsp)) {
			hw_fw_done(d, b, hwq, w, -E2BIG, data ? w->length : 0);
			return;
		}
		if (hw_fw_fault(d, HW_FC_RSP, w->peer_slot, 0) != HW_FAULT_DROP) {
			hw_fw_rsp_cqe(d, w,
				      data && w->length ? xfrd
							: atomic_load_explicit(
								  &x->xfrd, memory_order_relaxed),
				      rspbuf, &c);
			hw_fetch_once(&src_hwq, &x->src_hwq, sizeof(src_hwq));
			if (src_hwq >= pg->nr_hwq ||
			    hw_fw_cq_post_lines(d, b, w->peer_slot, pb, &pb->cq[src_hwq],
						&pg->cq[src_hwq], &c,
						w->rsplen <= HW_CQE_RSP_LINE1)) {
				hw_fw_done(d, b, hwq, w, -EBUSY, data ? w->length : 0);
				return;
			}
			hw_stat_add(&d->bar->qstats[hwq].rsp_tx, 1);
		}
	}
	hw_fw_done(d, b, hwq, w, 0, data ? w->length : 0);
}

/* Target op of a remote driver: translate its handles first (a bad one
 * completes the WQE with -EFAULT and moves nothing). */
static __attribute__((noinline)) void hw_fw_tgt_op_remote(struct hw_dev *d, struct hw_fw_batch *b,
							  unsigned int hwq, const struct hw_wqe *w)
{
	struct fcnvme_sg sgl[HW_MAX_SGE];
	const void *rspbuf;

	if (hw_fw_tgt_xlate(d, w, sgl, &rspbuf)) {
		atomic_fetch_add(&d->bar->cnt.dma_errors, 1);
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	hw_fw_tgt_do(d, b, hwq, w, sgl, rspbuf);
}

/* Target: perform one FCP op of an exchange. */
static void hw_fw_tgt_op(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
			 const struct hw_wqe *w)
{
	if (hw_dev_remote(d))
		hw_fw_tgt_op_remote(d, b, hwq, w);
	else
		hw_fw_tgt_do(d, b, hwq, w, w->sg, w->rsp);
}

/* Perform one WQE (a copy). */
static void hw_fw_wqe(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
		      const struct hw_wqe *w)
{
	switch (w->type) {
	case HW_WQE_FCP_CMD:
		hw_fw_fcp_cmd(d, b, hwq, w);
		break;
	case HW_WQE_ABTS:
	case HW_WQE_BA_ACC:
	case HW_WQE_BA_RJT:
		hw_fw_bls(d, b, hwq, w);
		break;
	case HW_WQE_TGT_OP:
		hw_fw_tgt_op(d, b, hwq, w);
		break;
	default:
		hw_fw_done(d, b, hwq, w, -EINVAL, 0);
		break;
	}
}

/* A local soft port's WQEs (hw_dev.lwq), while its lcq has room for what
 * one may complete (two: an FCP_CMD with an injected ABTS): no completion
 * of a local port goes to the shared CQ. What stays is taken at the next
 * doorbell, after the driver's poll has emptied the lcq. */
static int hw_fw_local_wq(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq)
{
	struct hw_lwq *q = d->lwq[hwq];
	struct hw_lcq *l = d->lcq[hwq];
	int n = 0;

	/* In place: nobody else writes the lwq, and the slot stays taken
	 * (head moves after) while the WQE runs. */
	while (q->head != q->tail && (!l || l->mask + 1 - (l->tail - l->head) >= 2)) {
		hw_fw_wqe(d, b, hwq, &q->e[q->head & q->mask]);
		q->head++;
		n++;
	}
	return n;
}

/* Ring the doorbell of WQ hwq and run the firmware over it. */
int hw_fw_doorbell(struct hw_dev *d, unsigned int hwq)
{
	struct hw_ring *wq = &d->bar->wq[hwq];
	const struct hw_ring *g = &d->geo->wq[hwq];
	struct hw_fw_batch b = { .n = 0 };
	struct hw_wqe *e, w;
	unsigned int i;
	uint32_t seq;
	int n = 0;

	if (hwq >= d->geo->nr_hwq)
		return -EINVAL;
	if (!d->soft) {
		/* Real hardware takes it from here. A soft port's firmware
		 * runs below and nobody reads the register: not writing it
		 * keeps the hw queues' threads off one shared line (the
		 * doorbells of all queues sit in one or two). */
		atomic_store_explicit(&d->bar->doorbell[hwq], (uint32_t)atomic_load(&wq->tail),
				      memory_order_release);
		return 0;
	}
	/* Peers' views are used from here to the end (hw_old_map). seq
	 * has one writer: the doorbells of a queue never run at once (its
	 * WQ has one consumer, below), so plain stores of seq + 1 and seq + 2
	 * do what locked adds did. The fence orders the odd store before
	 * the loads of peer_view (hw_dev_peer_retire stores the view, fences
	 * and loads seq: one of the two sees the other's store). */
	seq = atomic_load_explicit(&d->fw_epoch[hwq].seq, memory_order_relaxed);
	atomic_store_explicit(&d->fw_epoch[hwq].seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (d->lwq[hwq])
		n = hw_fw_local_wq(d, &b, hwq);
	/* At most one ring's worth: a remote producer that keeps posting
	 * cannot hold the port server's loop here. */
	while (!d->lwq[hwq] && (uint32_t)n < g->entries && (e = hw_ring_peek_geo(d->base, wq, g))) {
		/* One fetch: everything below uses the copy. */
		hw_fetch_once(&w, e, sizeof(w));
		hw_fw_wqe(d, &b, hwq, &w);
		hw_ring_pop_geo(wq, g, e);
		n++;
	}
	for (i = 0; i < b.n; i++)
		hw_ring_notify(b.ring[i]);
	/* Release: every read of a peer's view above happens before the
	 * control thread's acquire load that sees the even seq (and unmaps). */
	atomic_store_explicit(&d->fw_epoch[hwq].seq, seq + 2, memory_order_release);
	return n;
}
