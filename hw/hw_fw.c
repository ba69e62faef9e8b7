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
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_driver.h>

#include "hw_priv.h"

#define HW_FW_NOTIFY_MAX 8

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

/* Post a CQE into ring r of region base; 0 or -EAGAIN. */
static int hw_fw_cq_post(struct hw_fw_batch *b, void *base, struct hw_ring *r,
			 const struct hw_cqe *c)
{
	int rc = hw_ring_post(base, r, c, sizeof(*c));

	if (rc == 0)
		hw_fw_note(b, r);
	return rc;
}

/* Complete a WQE locally with status on our own CQ. */
static void hw_fw_done(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
		       const struct hw_wqe *w, int status, uint32_t xfrd)
{
	struct hw_cqe c;

	memset(&c, 0, sizeof(c));
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
	(void)hw_fw_cq_post(b, d->base, &d->bar->cq[hwq], &c);
}

static int hw_fw_fault(struct hw_dev *d, int fc, unsigned int peer, uint32_t opcode)
{
	uint32_t delay = 0;
	int k;

	if (!d->soft)
		return HW_FAULT_NONE;
	k = hw_fabric_fault(&d->fab, fc, d->bar->wwpn, d->fab.r->ns[peer].wwpn, opcode, &delay);
	if (k == HW_FAULT_DELAY) {
		usleep((delay > 10000 ? 10000 : delay) * 1000u);
		return HW_FAULT_NONE;
	}
	if (k == HW_FAULT_DROP || k == HW_FAULT_DROP_CMD)
		atomic_fetch_add(&d->bar->cnt.drops, 1);
	return k;
}

static struct hw_bar *hw_fw_peer_bar(struct hw_dev *d, unsigned int slot)
{
	struct hw_bar *pb = hw_dev_peer_base(d, slot);

	if (!pb || atomic_load_explicit(&pb->link, memory_order_relaxed) != HW_LINK_UP ||
	    atomic_load_explicit(&d->bar->link, memory_order_relaxed) != HW_LINK_UP)
		return NULL;
	return pb;
}

/* Host: send the CMD IU of exchange w->xri. */
static void hw_fw_fcp_cmd(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
			  const struct hw_wqe *w)
{
	const struct nvme_fc_cmd_iu *iu = w->cmd;
	struct hw_bar *pb;
	struct hw_xri *x;
	struct hw_cqe c;
	uint32_t i, opcode, total = 0;
	unsigned int thwq;
	uint16_t qid;
	int k;

	if (w->xri >= d->bar->nr_xri) {
		hw_fw_done(d, b, hwq, w, -EINVAL, 0);
		return;
	}
	x = &d->xri[w->xri];
	pb = hw_fw_peer_bar(d, w->peer_slot);
	if (!pb || atomic_load(&d->bar->link) != HW_LINK_UP) {
		hw_fw_done(d, b, hwq, w, -ENOTCONN, 0);
		return;
	}
	if (x->nsge > HW_MAX_SGE) {
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	for (i = 0; i < x->nsge; i++) {
		if (!hw_dma_ok(x->sge[i].dma, x->sge[i].len, d->bar->dma_size)) {
			atomic_fetch_add(&d->bar->cnt.dma_errors, 1);
			hw_fw_done(d, b, hwq, w, -EFAULT, 0);
			return;
		}
		total += x->sge[i].len;
	}
	if (total < x->data_len) {
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	opcode = iu->sqe[0];
	if (opcode == 0x7f)
		opcode = 0x100u | iu->sqe[4];
	k = hw_fw_fault(d, HW_FC_CMD, w->peer_slot, opcode);
	if (k == HW_FAULT_DROP || k == HW_FAULT_DROP_CMD)
		return; /* lost on the wire: the host times out */
	qid = (uint16_t)(be64_to_cpu(iu->connection_id) & 0xffff);
	thwq = hw_fw_steer(qid, pb->nr_hwq);
	x->dst_hwq = (uint16_t)thwq;
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_RCV_CMD;
	c.src_hwq = x->src_hwq;
	c.peer_slot = (uint16_t)d->slot;
	c.xri = w->xri;
	c.tag = w->tag;
	memcpy(c.iu, iu, sizeof(*iu));
	/* Half of a CQ is kept for the target's own completions. */
	if (hw_ring_fill_reaches(&pb->cq[thwq], pb->cq[thwq].entries / 2) ||
	    hw_fw_cq_post(b, pb, &pb->cq[thwq], &c)) {
		atomic_fetch_add(&d->bar->cnt.busy, 1);
		hw_fw_done(d, b, hwq, w, -EBUSY, 0);
		return;
	}
	hw_stat_add(&d->bar->qstats[hwq].cmd_tx, 1);
	if (k == HW_FAULT_ABTS) {
		/* Injected: the exchange is aborted right after its CMD. */
		atomic_store(&x->state, HW_XRI_ABORTING);
		memset(&c, 0, sizeof(c));
		c.type = HW_CQE_RCV_ABTS;
		c.src_hwq = x->src_hwq;
		c.peer_slot = (uint16_t)d->slot;
		c.xri = w->xri;
		c.tag = w->tag;
		if (hw_fw_cq_post(b, pb, &pb->cq[thwq], &c) == 0)
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
	struct hw_bar *pb = hw_fw_peer_bar(d, w->peer_slot);
	struct hw_cqe c;

	if (!pb || w->peer_hwq >= pb->nr_hwq) {
		hw_fw_done(d, b, hwq, w, -ENOTCONN, 0);
		return;
	}
	if (hw_fw_fault(d, HW_FC_ABTS, w->peer_slot, 0) == HW_FAULT_DROP)
		return;
	memset(&c, 0, sizeof(c));
	c.type = cqe_type[w->type];
	c.src_hwq = (uint16_t)hwq;
	c.peer_slot = (uint16_t)d->slot;
	c.xri = w->xri;
	c.tag = w->tag;
	c.c.rx_id = w->rx_id;
	if (hw_fw_cq_post(b, pb, &pb->cq[w->peer_hwq], &c)) {
		hw_fw_done(d, b, hwq, w, -EBUSY, 0);
		return;
	}
	if (w->type == HW_WQE_ABTS)
		atomic_fetch_add(&d->bar->cnt.abts_tx, 1);
}

/*
 * Check that [offset, offset + len) of the host exchange is covered by valid
 * host SGEs. Returns 0 or -EFAULT; nothing is copied.
 */
static int hw_fw_check_host(const struct hw_bar *pb, const struct hw_xri *x, uint32_t offset,
			    uint32_t len)
{
	uint64_t pos = 0, end = (uint64_t)offset + len;
	uint32_t i, nsge = x->nsge;

	if (nsge > HW_MAX_SGE || end > x->data_len)
		return -EFAULT;
	for (i = 0; i < nsge && pos < end; i++) {
		uint64_t e = pos + x->sge[i].len;

		pos = e;
		if (e <= offset)
			continue;
		if (!hw_dma_ok(x->sge[i].dma, x->sge[i].len, pb->dma_size))
			return -EFAULT;
	}
	return pos >= end ? 0 : -EFAULT;
}

/* Move len bytes between the local sg list and host exchange memory. */
static void hw_fw_copy(struct hw_bar *pb, const struct hw_xri *x, uint32_t offset,
		       const struct fcnvme_sg *sg, uint32_t sg_cnt, uint32_t len, bool to_host)
{
	char *win = (char *)pb + pb->dma_off;
	uint32_t hi = 0, li = 0, loff = 0;
	uint64_t hpos = 0, hoff;

	/* Find the host SGE holding offset. */
	while (hi < x->nsge && hpos + x->sge[hi].len <= offset)
		hpos += x->sge[hi++].len;
	hoff = offset - hpos;
	while (len && hi < x->nsge && li < sg_cnt) {
		uint64_t hl = x->sge[hi].len - hoff;
		uint32_t ll = sg[li].length - loff;
		uint32_t n = len;
		char *h = win + (x->sge[hi].dma - HW_DMA_HANDLE_BASE) + hoff;
		char *l = (char *)sg[li].addr + loff;

		if (n > hl)
			n = (uint32_t)hl;
		if (n > ll)
			n = ll;
		if (to_host)
			memcpy(h, l, n);
		else
			memcpy(l, h, n);
		len -= n;
		hoff += n;
		loff += n;
		if (hoff == x->sge[hi].len) {
			hi++;
			hoff = 0;
		}
		if (loff == sg[li].length) {
			li++;
			loff = 0;
		}
	}
}

/* Target: perform one FCP op of an exchange. */
static void hw_fw_tgt_op(struct hw_dev *d, struct hw_fw_batch *b, unsigned int hwq,
			 const struct hw_wqe *w)
{
	const struct fcnvme_sg *sg = w->sg;
	struct hw_bar *pb = hw_fw_peer_bar(d, w->peer_slot);
	struct hw_xri *x;
	struct hw_cqe c;
	uint32_t i, lsum = 0;
	bool data = w->op != NVMET_FCOP_RSP;
	bool rsp = w->op == NVMET_FCOP_RSP || w->op == NVMET_FCOP_READDATA_RSP;
	int k;

	if (!pb) {
		hw_fw_done(d, b, hwq, w, -ENOTCONN, 0);
		return;
	}
	if (w->xri >= pb->nr_xri) {
		hw_fw_done(d, b, hwq, w, -EFAULT, 0);
		return;
	}
	x = (struct hw_xri *)((char *)pb + pb->xri_off) + w->xri;
	if (atomic_load(&x->tag) != w->tag || atomic_load(&x->state) != HW_XRI_ACTIVE) {
		hw_fw_done(d, b, hwq, w, -ECANCELED, 0);
		return;
	}
	if (data && w->length) {
		for (i = 0; i < w->sg_cnt; i++)
			lsum += sg[i].length;
		if (lsum < w->length || hw_fw_check_host(pb, x, w->offset, w->length)) {
			atomic_fetch_add(&d->bar->cnt.dma_errors, 1);
			hw_fw_done(d, b, hwq, w, -EFAULT, 0);
			return;
		}
		k = hw_fw_fault(d, HW_FC_DATA, w->peer_slot, 0);
		if (k == HW_FAULT_FAIL_DATA || k == HW_FAULT_DROP) {
			hw_fw_done(d, b, hwq, w, -EIO, 0);
			return;
		}
		hw_fw_copy(pb, x, w->offset, sg, w->sg_cnt, w->length,
			   w->op != NVMET_FCOP_WRITEDATA);
		atomic_fetch_add_explicit(&x->xfrd, w->length, memory_order_relaxed);
		hw_stat_add(&d->bar->qstats[hwq].data_bytes, w->length);
	}
	if (rsp) {
		if (w->rsplen > sizeof(c.c.rsp)) {
			hw_fw_done(d, b, hwq, w, -E2BIG, data ? w->length : 0);
			return;
		}
		if (hw_fw_fault(d, HW_FC_RSP, w->peer_slot, 0) != HW_FAULT_DROP) {
			memset(&c, 0, sizeof(c));
			c.type = HW_CQE_FCP_RSP;
			c.peer_slot = (uint16_t)d->slot;
			c.xri = w->xri;
			c.tag = w->tag;
			c.c.len = w->rsplen;
			c.c.xfrd = atomic_load(&x->xfrd);
			memcpy(c.c.rsp, w->rsp, w->rsplen);
			if (x->src_hwq >= pb->nr_hwq ||
			    hw_fw_cq_post(b, pb, &pb->cq[x->src_hwq], &c)) {
				hw_fw_done(d, b, hwq, w, -EBUSY, data ? w->length : 0);
				return;
			}
			hw_stat_add(&d->bar->qstats[hwq].rsp_tx, 1);
		}
	}
	hw_fw_done(d, b, hwq, w, 0, data ? w->length : 0);
}

/* Ring the doorbell of WQ hwq and run the firmware over it. */
int hw_fw_doorbell(struct hw_dev *d, unsigned int hwq)
{
	struct hw_ring *wq = &d->bar->wq[hwq];
	struct hw_fw_batch b = { .n = 0 };
	struct hw_wqe *w;
	unsigned int i;
	int n = 0;

	atomic_store_explicit(&d->bar->doorbell[hwq], (uint32_t)atomic_load(&wq->tail),
			      memory_order_release);
	if (!d->soft)
		return 0; /* real hardware takes it from here */
	while ((w = hw_ring_peek(d->base, wq))) {
		switch (w->type) {
		case HW_WQE_FCP_CMD:
			hw_fw_fcp_cmd(d, &b, hwq, w);
			break;
		case HW_WQE_ABTS:
		case HW_WQE_BA_ACC:
		case HW_WQE_BA_RJT:
			hw_fw_bls(d, &b, hwq, w);
			break;
		case HW_WQE_TGT_OP:
			hw_fw_tgt_op(d, &b, hwq, w);
			break;
		default:
			hw_fw_done(d, &b, hwq, w, -EINVAL, 0);
			break;
		}
		hw_ring_pop(wq, w);
		n++;
	}
	for (i = 0; i < b.n; i++)
		hw_ring_notify(b.ring[i]);
	return n;
}
