// SPDX-License-Identifier: Apache-2.0
/*
 * The guest side of a soft-HBA port served by softhba-vmport (see
 * vmport_guest.h): QEMU's ivshmem-doorbell device in userspace and an
 * nvme-fc host LLDD over the remote-driver interface. Everything the guest
 * reads from the region it checks as a kernel driver must: the BAR at probe
 * (geometry inside BAR2, kept in a private copy), every deq/cq entry copied
 * out before use.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "hw_ivshmem_client.h"
#include "vmport_guest.h"

/* ---- the ivshmem device (QEMU's part) ------------------------------------ */

_Static_assert(VG_MAX_VEC == HW_IVSHMEM_MAX_VEC, "one vector table size");

/* Connect as QEMU's chardev does and take the greeting (hw/'s ivshmem
 * client), then check the BAR as a driver must before trusting any offset
 * in it (hw_rdrv_probe, the check nvmetfcd's target driver runs too). */
int vg_dev_open(struct vg *g, const char *socket_path)
{
	struct hw_ivshmem_client c;
	int rc;

	memset(g, 0, sizeof(*g));
	rc = hw_ivshmem_client_open(&c, socket_path);
	/* the guest owns what the client took: vg_dev_close releases it */
	g->sock = c.sock;
	g->my_id = c.my_id;
	g->fw_id = c.fw_id;
	g->nvec = c.nvec;
	memcpy(g->irq_efd, c.irq_efd, sizeof(g->irq_efd));
	memcpy(g->db_efd, c.db_efd, sizeof(g->db_efd));
	g->base = c.base;
	g->len = c.len;
	if (rc)
		return rc;
	g->bar = g->base;
	rc = hw_rdrv_probe(g->base, g->len, g->nvec, &g->geo);
	if (rc || g->geo.fw_peer_id != (uint32_t)g->fw_id || g->geo.nr_xri < g->geo.nr_hwq)
		return -EPROTO;
	g->xri = (struct hw_xri *)((char *)g->base + g->geo.xri_off);
	/* the DMA allocator of hw/ over our window */
	g->dma.base = g->base;
	g->dma.bar = g->bar;
	g->dma.geo = &g->geo;
	return hw_dma_init(&g->dma);
}

void vg_dev_close(struct vg *g)
{
	unsigned int i;

	hw_dma_fini(&g->dma);
	if (g->base)
		munmap(g->base, g->len);
	for (i = 0; i < VG_MAX_VEC; i++) {
		if (g->irq_efd[i] >= 0)
			close(g->irq_efd[i]);
		if (g->db_efd[i] >= 0)
			close(g->db_efd[i]);
	}
	if (g->sock >= 0)
		close(g->sock);
	g->base = NULL;
	g->sock = -1;
}

/* What QEMU does for iowrite32(fw_peer_id << 16 | vec, regs + DOORBELL). */
void vg_doorbell(struct vg *g, unsigned int vec)
{
	uint64_t one = 1;

	if (vec < g->nvec && write(g->db_efd[vec], &one, sizeof(one)) == sizeof(one))
		g->doorbells[vec]++;
}

int vg_mq_post(struct vg *g, struct hw_eqe *e)
{
	return hw_ring_post_geo(g->base, &g->bar->mq, &g->geo.mq, e, sizeof(*e));
}

int vg_wq_post(struct vg *g, unsigned int q, struct hw_wqe *w)
{
	return hw_ring_post_geo(g->base, &g->bar->wq[q], &g->geo.wq[q], w, sizeof(*w));
}

int vg_cq_next(struct vg *g, unsigned int q, struct hw_cqe *c)
{
	void *e = hw_ring_peek_geo(g->base, &g->bar->cq[q], &g->geo.cq[q]);

	if (!e)
		return 0;
	hw_fetch_once(c, e, sizeof(*c));
	hw_ring_pop_geo(&g->bar->cq[q], &g->geo.cq[q], e);
	return 1;
}

/* ---- LLDD: template, data path ------------------------------------------- */

static struct vg *vg_of(struct nvme_fc_local_port *lp)
{
	return *(struct vg **)lp->private;
}

static struct vg_rport *vg_rp_of(struct nvme_fc_remote_port *rport)
{
	return *(struct vg_rport **)rport->private;
}

static void vg_localport_delete(struct nvme_fc_local_port *lp)
{
}

static void vg_remoteport_delete(struct nvme_fc_remote_port *rport)
{
}

static int vg_create_queue(struct nvme_fc_local_port *lp, unsigned int qidx, uint16_t qsize,
			   void **handle)
{
	struct vg *g = vg_of(lp);

	*handle = &g->hwq[hw_fw_steer((uint16_t)qidx, g->nr_hwq)];
	return 0;
}

static void vg_delete_queue(struct nvme_fc_local_port *lp, unsigned int qidx, void *handle)
{
}

static void vg_xri_free(struct vg *g, struct vg_hwq *q, struct vg_xri *x)
{
	atomic_store_explicit(&g->xri[x->idx].state, HW_XRI_FREE, memory_order_release);
	x->req = NULL;
	x->rp = NULL;
	x->next = q->free;
	q->free = x;
}

static void vg_complete(struct vg *g, struct vg_hwq *q, struct vg_xri *x, int status)
{
	struct nvmefc_fcp_req *req = x->req;

	if (status) {
		req->status = (uint32_t)status;
		req->rcv_rsplen = 0;
	}
	vg_xri_free(g, q, x);
	req->done(req);
}

static int vg_post_wqe(struct vg *g, struct vg_hwq *q, struct hw_wqe *w)
{
	int rc = vg_wq_post(g, q->idx, w);

	if (rc)
		return rc;
	vg_doorbell(g, 1 + q->idx);
	return 0;
}

static void vg_bls(struct vg *g, struct vg_hwq *q, uint8_t type, unsigned int slot,
		   uint16_t peer_hwq, uint32_t xri, uint32_t tag)
{
	struct hw_wqe w;

	memset(&w, 0, sizeof(w));
	w.type = type;
	w.peer_slot = (uint16_t)slot;
	w.peer_hwq = peer_hwq;
	w.xri = xri;
	w.tag = tag;
	(void)vg_post_wqe(g, q, &w);
}

/* fcp_io: an exchange, its SGEs (handles of our window), the CMD IU by
 * handle. */
static int vg_fcp_io(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport, void *hwqh,
		     struct nvmefc_fcp_req *req)
{
	struct vg *g = vg_of(lp);
	struct vg_rport *rp = vg_rp_of(rport);
	struct vg_hwq *q = hwqh;
	struct vg_xri *x = q->free;
	struct fcnvme_sg *sg = req->first_sgl ? req->first_sgl : req->sg_table.sgl;
	struct hw_xri *s;
	struct hw_wqe w;
	uint32_t i, n = req->sg_cnt > 0 ? (uint32_t)req->sg_cnt : 0;

	if (!rp->online)
		return -ENOTCONN;
	if (req->cmdlen != sizeof(struct nvme_fc_cmd_iu) ||
	    hw_dma_va(&g->dma, req->cmddma, req->cmdlen) != req->cmdaddr)
		return -EINVAL;
	if (!x)
		return -EBUSY;
	if (req->io_dir == NVMEFC_FCP_NODATA || req->payload_length == 0)
		n = 0;
	if (n > HW_MAX_SGE || (n && !sg))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (hw_dma_va(&g->dma, sg[i].dma, sg[i].length) != sg[i].addr)
			return -EINVAL; /* not our DMA memory: this LLDD does not bounce */
	s = &g->xri[x->idx];
	for (i = 0; i < n; i++) {
		s->sge[i].dma = sg[i].dma;
		s->sge[i].len = sg[i].length;
	}
	s->nsge = n;
	q->free = x->next;
	x->req = req;
	x->rp = rp;
	x->aborting = false;
	x->tag++;
	req->rcv_rsplen = 0;
	req->transferred_length = 0;
	req->status = 0;
	s->dir = (uint8_t)req->io_dir;
	s->data_len = n ? req->payload_length : 0;
	s->src_hwq = (uint16_t)q->idx;
	s->dst_slot = (uint16_t)rp->slot;
	atomic_store_explicit(&s->xfrd, 0, memory_order_relaxed);
	atomic_store_explicit(&s->tag, x->tag, memory_order_relaxed);
	atomic_store_explicit(&s->state, HW_XRI_ACTIVE, memory_order_release);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_FCP_CMD;
	w.peer_slot = (uint16_t)rp->slot;
	w.xri = x->idx;
	w.tag = x->tag;
	w.cmd = (const void *)(uintptr_t)req->cmddma; /* a handle, not a pointer */
	w.cookie = x->idx;
	if (vg_post_wqe(g, q, &w)) {
		vg_xri_free(g, q, x);
		return -EBUSY;
	}
	return 0;
}

static void vg_abort_xri(struct vg *g, struct vg_hwq *q, struct vg_xri *x)
{
	struct hw_xri *s = &g->xri[x->idx];

	if (x->aborting)
		return;
	x->aborting = true;
	atomic_store(&s->state, HW_XRI_ABORTING);
	vg_bls(g, q, HW_WQE_ABTS, x->rp->slot, s->dst_hwq, x->idx, x->tag);
}

static void vg_fcp_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			 void *hwqh, struct nvmefc_fcp_req *req)
{
	struct vg *g = vg_of(lp);
	struct vg_hwq *q = hwqh;
	unsigned int i;

	for (i = 0; i < g->depth; i++)
		if (q->x[i].req == req)
			vg_abort_xri(g, q, &q->x[i]);
}

static void vg_rsp(struct vg *g, struct vg_hwq *q, struct vg_xri *x, const struct hw_cqe *c)
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
	vg_complete(g, q, x, 0);
}

static void vg_cqe(struct vg *g, struct vg_hwq *q, const struct hw_cqe *c)
{
	struct vg_xri *x;

	if (c->type == HW_CQE_WQE_DONE && (c->c.cookie >> 32) == VG_INJECT_COOKIE) {
		unsigned int i = (unsigned int)(c->c.cookie & 0xff);

		if (i < VG_INJECT_MAX) {
			g->inj_status[i] = c->status;
			g->inj_done[i]++;
		}
		return;
	}
	if (c->xri >= g->geo.nr_xri || c->xri / g->depth != q->idx)
		return;
	x = &q->x[c->xri % g->depth];
	if (!x->req || x->tag != c->tag)
		return; /* stale: the exchange was reused */
	switch (c->type) {
	case HW_CQE_FCP_RSP:
		if (!x->aborting)
			vg_rsp(g, q, x, c);
		break;
	case HW_CQE_RCV_ABTS:
		vg_bls(g, q, HW_WQE_BA_ACC, c->peer_slot, c->src_hwq, x->idx, x->tag);
		vg_complete(g, q, x, -ECANCELED);
		break;
	case HW_CQE_RCV_BA_ACC:
	case HW_CQE_RCV_BA_RJT:
		if (x->aborting)
			vg_complete(g, q, x, -ECANCELED);
		break;
	case HW_CQE_WQE_DONE:
		if (c->status)
			vg_complete(g, q, x, c->wqe_type == HW_WQE_ABTS ? -ECANCELED : c->status);
		break;
	default:
		break;
	}
}

/* poll_queue: reap cq[q]; exchanges of targets that went away end here. */
static int vg_poll_queue(struct nvme_fc_local_port *lp, void *hwqh)
{
	struct vg *g = vg_of(lp);
	struct vg_hwq *q = hwqh;
	struct hw_cqe c;
	unsigned int i;
	int n = 0;

	while (n < 256 && vg_cq_next(g, q->idx, &c)) {
		vg_cqe(g, q, &c);
		n++;
	}
	if (q->loss_seen != g->loss_gen) {
		q->loss_seen = g->loss_gen;
		for (i = 0; i < g->depth; i++) {
			struct vg_xri *x = &q->x[i];

			if (x->req && !x->rp->online) {
				vg_complete(g, q, x, -ENOTCONN);
				n++;
			}
		}
	}
	return n;
}

/* ---- LLDD: link services -------------------------------------------------- */

static int vg_ls_req(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
		     struct nvmefc_ls_req *lsreq)
{
	struct vg *g = vg_of(lp);
	struct vg_rport *rp = vg_rp_of(rport);
	struct hw_eqe e;
	unsigned int i;

	if (!rp->online)
		return -ENOTCONN;
	if (!lsreq->rqstlen || lsreq->rqstlen > HW_EQE_PAYLOAD)
		return -EINVAL;
	for (i = 0; i < VG_LS_PEND && g->ls[i].req; i++)
		;
	if (i == VG_LS_PEND)
		return -EBUSY;
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_REQ;
	e.peer_slot = (uint16_t)rp->slot;
	e.id = (++g->ls_gen << 8) | i;
	e.len = lsreq->rqstlen;
	memcpy(e.payload, lsreq->rqstaddr, lsreq->rqstlen);
	if (vg_mq_post(g, &e))
		return -EBUSY;
	g->ls[i].req = lsreq;
	g->ls[i].id = e.id;
	g->ls[i].slot = rp->slot;
	g->ls[i].finish = false;
	g->ls[i].deadline_ns =
		fcnvme_clock_ns() +
		(uint64_t)(lsreq->timeout ? lsreq->timeout : NVME_FC_LS_TIMEOUT_SEC) * 1000000000u;
	vg_doorbell(g, 0);
	return 0;
}

static void vg_ls_finish(struct vg_lsreq *l, int status)
{
	if (l->req && !l->finish) {
		l->finish = true;
		l->status = status;
	}
}

static void vg_ls_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			struct nvmefc_ls_req *lsreq)
{
	struct vg *g = vg_of(lp);
	unsigned int i;

	for (i = 0; i < VG_LS_PEND; i++)
		if (g->ls[i].req == lsreq)
			vg_ls_finish(&g->ls[i], -ECANCELED);
}

static int vg_xmt_ls_rsp(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			 struct nvmefc_ls_rsp *rsp)
{
	struct vg *g = vg_of(lp);
	struct vg_lsrsp *c = (struct vg_lsrsp *)rsp;
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_RSP;
	e.peer_slot = (uint16_t)c->slot;
	e.id = c->id;
	e.len = rsp->rsplen <= HW_EQE_PAYLOAD ? rsp->rsplen : HW_EQE_PAYLOAD;
	memcpy(e.payload, rsp->rspbuf, e.len);
	if (vg_mq_post(g, &e) == 0)
		vg_doorbell(g, 0);
	c->sent = true; /* done() from vg_process, never inside this call */
	return 0;
}

static const struct nvme_fc_port_template vg_template = {
	.localport_delete = vg_localport_delete,
	.remoteport_delete = vg_remoteport_delete,
	.create_queue = vg_create_queue,
	.delete_queue = vg_delete_queue,
	.ls_req = vg_ls_req,
	.fcp_io = vg_fcp_io,
	.ls_abort = vg_ls_abort,
	.fcp_abort = vg_fcp_abort,
	.xmt_ls_rsp = vg_xmt_ls_rsp,
	.poll_queue = vg_poll_queue,
	.max_sgl_segments = HW_MAX_SGE,
	.max_dif_sgl_segments = HW_MAX_SGE,
	.dma_boundary = 0xffffffff,
	.local_priv_sz = sizeof(void *),
	.remote_priv_sz = sizeof(void *),
};

/* ---- LLDD: deq events ----------------------------------------------------- */

static void vg_note(struct vg *g, const struct hw_eqe *e, uint32_t gen)
{
	struct vg_event *v;

	if (g->nev == VG_EVENTS)
		return;
	v = &g->ev[g->nev++];
	v->type = e->type;
	v->slot = e->peer_slot;
	v->status = e->status;
	v->id = e->id;
	v->gen = gen;
	v->arg = e->arg;
}

static void vg_rport_online(struct vg *g, const struct hw_eqe *e)
{
	struct vg_rport *rp = &g->rp[e->peer_slot];
	struct nvme_fc_port_info pi;

	if (e->len < sizeof(rp->desc))
		return;
	if (rp->online) {
		nvme_fc_rescan_remoteport(rp->rport);
		return;
	}
	memcpy(&rp->desc, e->payload, sizeof(rp->desc));
	rp->slot = e->peer_slot;
	memset(&pi, 0, sizeof(pi));
	pi.node_name = rp->desc.wwnn;
	pi.port_name = rp->desc.wwpn;
	pi.port_role = rp->desc.roles;
	pi.port_id = rp->desc.port_id;
	pi.dev_loss_tmo = 60;
	if (nvme_fc_register_remoteport(g->lport, &pi, &rp->rport))
		return;
	*(struct vg_rport **)rp->rport->private = rp;
	rp->online = true;
}

static void vg_rport_offline(struct vg *g, struct vg_rport *rp)
{
	unsigned int i;

	if (!rp->online)
		return;
	rp->online = false;
	g->loss_gen++; /* its exchanges end in vg_poll_queue */
	for (i = 0; i < VG_LS_PEND; i++)
		if (g->ls[i].req && g->ls[i].slot == rp->slot)
			vg_ls_finish(&g->ls[i], -ENOTCONN);
	nvme_fc_unregister_remoteport(rp->rport);
}

/* A target's LS request (its Disconnect Association). */
static void vg_ls_rcv(struct vg *g, const struct hw_eqe *e)
{
	struct vg_rport *rp = &g->rp[e->peer_slot];
	struct vg_lsrsp *c = NULL;
	struct hw_eqe r;
	unsigned int i;
	int rc = -ENOTCONN;

	for (i = 0; i < VG_LSRSP; i++)
		if (!g->lsrsp[i].used)
			c = &g->lsrsp[i];
	if (rp->online && c && e->len && e->len <= sizeof(c->buf)) {
		memset(&c->rsp, 0, sizeof(c->rsp));
		memcpy(c->buf, e->payload, e->len);
		c->used = true;
		c->sent = false;
		c->id = e->id;
		c->slot = e->peer_slot;
		rc = nvme_fc_rcv_ls_req(rp->rport, &c->rsp, c->buf, e->len);
		if (rc)
			c->used = false;
	}
	if (rc) {
		memset(&r, 0, sizeof(r));
		r.type = HW_EQE_LS_RSP;
		r.peer_slot = e->peer_slot;
		r.id = e->id;
		r.status = rc;
		if (vg_mq_post(g, &r) == 0)
			vg_doorbell(g, 0);
	}
}

static void vg_ls_done_rsp(struct vg *g, const struct hw_eqe *e)
{
	unsigned int i = (unsigned int)(e->id & 0xff);
	struct vg_lsreq *l;
	uint32_t n;

	if (i >= VG_LS_PEND)
		return;
	l = &g->ls[i];
	if (!l->req || l->id != e->id || l->finish || l->slot != e->peer_slot)
		return;
	if (e->status < 0) {
		vg_ls_finish(l, e->status);
		return;
	}
	n = e->len < HW_EQE_PAYLOAD ? e->len : HW_EQE_PAYLOAD;
	if (n > l->req->rsplen)
		n = l->req->rsplen;
	memcpy(l->req->rspaddr, e->payload, n);
	vg_ls_finish(l, 0);
}

static void vg_deq_one(struct vg *g, const struct hw_eqe *e)
{
	const struct hw_rport_desc *d = (const void *)e->payload;

	vg_note(g, e, e->type == HW_EQE_RPORT_ONLINE ? d->gen : 0);
	if (e->type == HW_EQE_LS_RSP) {
		vg_ls_done_rsp(g, e); /* by id: an answer may name any slot */
		return;
	}
	if (e->peer_slot >= HW_MAX_PORTS)
		return;
	switch (e->type) {
	case HW_EQE_LINK:
		g->link_up = e->arg == HW_LINK_UP;
		if (!g->link_up) {
			unsigned int i;

			for (i = 0; i < HW_MAX_PORTS; i++)
				vg_rport_offline(g, &g->rp[i]);
		}
		break;
	case HW_EQE_RPORT_ONLINE:
		vg_rport_online(g, e);
		break;
	case HW_EQE_RPORT_OFFLINE:
		vg_rport_offline(g, &g->rp[e->peer_slot]);
		break;
	case HW_EQE_LS_REQ:
		vg_ls_rcv(g, e);
		break;
	default:
		break;
	}
}

/* The heartbeat watchdog: 3 s without a change is a dead port server. */
static void vg_heartbeat(struct vg *g)
{
	uint64_t hb = atomic_load(&g->bar->fw_heartbeat), now = fcnvme_clock_ns();
	unsigned int i;

	if (hb != g->hb_last || !g->hb_change_ns) {
		g->hb_last = hb;
		g->hb_change_ns = now;
		return;
	}
	if (g->hb_dead || now - g->hb_change_ns < (uint64_t)VG_HB_DEAD_MS * 1000000u)
		return;
	g->hb_dead = true;
	g->link_up = false;
	for (i = 0; i < HW_MAX_PORTS; i++)
		vg_rport_offline(g, &g->rp[i]);
}

/* Slow path. */
int vg_process(struct vg *g)
{
	uint64_t now = fcnvme_clock_ns();
	struct hw_eqe e;
	unsigned int i;
	void *p;
	int n = 0;

	while ((p = hw_ring_peek_geo(g->base, &g->bar->deq, &g->geo.deq))) {
		hw_fetch_once(&e, p, sizeof(e));
		hw_ring_pop_geo(&g->bar->deq, &g->geo.deq, p);
		vg_deq_one(g, &e);
		n++;
	}
	for (i = 0; i < VG_LS_PEND; i++) {
		struct vg_lsreq *l = &g->ls[i];
		struct nvmefc_ls_req *req = l->req;

		if (!req)
			continue;
		if (!l->finish && now >= l->deadline_ns)
			vg_ls_finish(l, -ETIMEDOUT);
		if (l->finish) {
			l->req = NULL;
			req->done(req, l->status);
			n++;
		}
	}
	for (i = 0; i < VG_LSRSP; i++) {
		struct vg_lsrsp *c = &g->lsrsp[i];

		if (c->used && c->sent) {
			c->used = false;
			c->rsp.done(&c->rsp);
			n++;
		}
	}
	vg_heartbeat(g);
	return n;
}

/* Arm, recheck, sleep on the interrupts. */
void vg_wait(struct vg *g, int timeout_ms)
{
	struct pollfd p[VG_MAX_VEC];
	unsigned int i, q;
	uint64_t cnt;

	atomic_store(&g->bar->deq.armed, 1);
	for (q = 0; q < g->nr_hwq; q++)
		atomic_store(&g->bar->cq[q].armed, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (!hw_ring_empty_geo(g->base, &g->bar->deq, &g->geo.deq))
		return;
	for (q = 0; q < g->nr_hwq; q++)
		if (!hw_ring_empty_geo(g->base, &g->bar->cq[q], &g->geo.cq[q]))
			return;
	for (i = 0; i < g->nvec; i++) {
		p[i].fd = g->irq_efd[i];
		p[i].events = POLLIN;
	}
	if (poll(p, g->nvec, timeout_ms) <= 0)
		return;
	for (i = 0; i < g->nvec; i++)
		if ((p[i].revents & POLLIN) &&
		    read(g->irq_efd[i], &cnt, sizeof(cnt)) == sizeof(cnt))
			g->irqs[i] += cnt;
}

/* Register the local port and tell the port server the driver is up. */
int vg_lldd_start(struct vg *g)
{
	struct nvme_fc_port_info pi;
	struct hw_eqe e;
	unsigned int q, i;
	int rc;

	g->nr_hwq = g->geo.nr_hwq;
	g->depth = g->geo.nr_xri / g->nr_hwq;
	for (q = 0; q < g->nr_hwq; q++) {
		struct vg_hwq *h = &g->hwq[q];

		h->g = g;
		h->idx = q;
		h->x = calloc(g->depth, sizeof(*h->x));
		if (!h->x)
			return -ENOMEM;
		for (i = g->depth; i-- > 0;) {
			h->x[i].idx = q * g->depth + i;
			h->x[i].hwq = (uint16_t)q;
			h->x[i].next = h->free;
			h->free = &h->x[i];
		}
	}
	g->tmpl = vg_template;
	g->tmpl.max_hw_queues = g->nr_hwq;
	memset(&pi, 0, sizeof(pi));
	pi.node_name = g->geo.wwnn;
	pi.port_name = g->geo.wwpn;
	pi.port_role = FC_PORT_ROLE_NVME_INITIATOR;
	pi.port_id = atomic_load(&g->bar->port_id);
	rc = nvme_fc_register_localport(&pi, &g->tmpl, &g->dma.fdev, &g->lport);
	if (rc)
		return rc;
	*(struct vg **)g->lport->private = g;
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_DRV_UP;
	rc = vg_mq_post(g, &e);
	if (rc)
		return rc;
	vg_doorbell(g, 0);
	return 0;
}

/* DRV_DOWN, unregister everything. */
void vg_lldd_stop(struct vg *g)
{
	struct hw_eqe e;
	unsigned int i, q;

	for (i = 0; i < HW_MAX_PORTS; i++)
		vg_rport_offline(g, &g->rp[i]);
	for (q = 0; q < g->nr_hwq; q++)
		if (g->lport)
			vg_poll_queue(g->lport, &g->hwq[q]);
	vg_process(g);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_DRV_DOWN;
	if (vg_mq_post(g, &e) == 0)
		vg_doorbell(g, 0);
	if (g->lport)
		nvme_fc_unregister_localport(g->lport);
	g->lport = NULL;
	for (q = 0; q < g->nr_hwq; q++)
		free(g->hwq[q].x);
}

/* The first online target with role. */
struct vg_rport *vg_target(struct vg *g, uint32_t role)
{
	unsigned int i;

	for (i = 0; i < HW_MAX_PORTS; i++)
		if (g->rp[i].online && (g->rp[i].desc.roles & role))
			return &g->rp[i];
	return NULL;
}
