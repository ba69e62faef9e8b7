// SPDX-License-Identifier: Apache-2.0
/*
 * The host-role LLDD, control path (modelled on lpfc's host driver): opening
 * and closing the port, the nvme_fc_port_template (its data-path callbacks
 * are in hw_host_io.c), remote-port registration while the login machine
 * (hw_rport.c: name-server queries, PLOGI/PRLI, retries, LOGO, PRLO, link
 * down, dead peers) has a target ONLINE, RSCN rescans, and LS in both
 * directions (LS requests time out after lsreq->timeout, 20 s).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/clock.h>

#include "hw_host_priv.h"

/* ---- template: control ------------------------------------------------------ */

static void hw_host_localport_delete(struct nvme_fc_local_port *lp)
{
}

static void hw_host_remoteport_delete(struct nvme_fc_remote_port *rport)
{
}

static int hw_host_create_queue(struct nvme_fc_local_port *lp, unsigned int qidx, uint16_t qsize,
				void **handle)
{
	struct hw_host_port *p = hw_host_of(lp);

	*handle = &p->hwq[hw_fw_steer((uint16_t)qidx, p->nr_hwq)];
	return 0;
}

static void hw_host_delete_queue(struct nvme_fc_local_port *lp, unsigned int qidx, void *handle)
{
}

static int hw_host_ls_req(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			  struct nvmefc_ls_req *lsreq)
{
	struct hw_host_port *p = hw_host_of(lp);
	struct hw_host_rport *rp = hw_host_rp_of(rport);

	if (atomic_load(&rp->login.state) != HW_RPORT_ONLINE)
		return -ENOTCONN;
	return hw_ls_send(&p->dev, &p->ls, rp->login.slot, rp, lsreq);
}

static void hw_host_ls_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			     struct nvmefc_ls_req *lsreq)
{
	struct hw_host_port *p = hw_host_of(lp);

	hw_ls_abort(&p->ls, lsreq);
	hw_dev_kick(&p->dev);
}

static int hw_host_xmt_ls_rsp(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			      struct nvmefc_ls_rsp *rsp)
{
	struct hw_host_port *p = hw_host_of(lp);
	struct hw_ls_rcv *c = (struct hw_ls_rcv *)rsp;

	(void)hw_ls_reply(&p->dev, c->slot, c->id, rsp->rspbuf, rsp->rsplen, 0);
	hw_ls_rcv_answered(&p->ls_rcv, c);
	hw_dev_kick(&p->dev);
	return 0;
}

static const struct nvme_fc_port_template hw_host_template = {
	.localport_delete = hw_host_localport_delete,
	.remoteport_delete = hw_host_remoteport_delete,
	.create_queue = hw_host_create_queue,
	.delete_queue = hw_host_delete_queue,
	.ls_req = hw_host_ls_req,
	.fcp_io = hw_host_io_fcp_io,
	.ls_abort = hw_host_ls_abort,
	.fcp_abort = hw_host_io_fcp_abort,
	.xmt_ls_rsp = hw_host_xmt_ls_rsp,
	.poll_queue = hw_host_io_poll_queue,
	.max_sgl_segments = HW_HOST_MAX_SGL,
	.max_dif_sgl_segments = HW_HOST_MAX_SGL,
	.dma_boundary = 0xffffffff,
	.local_priv_sz = sizeof(void *),
	.remote_priv_sz = sizeof(void *),
};

/* ---- slow path ---------------------------------------------------------------- */

static struct hw_host_rport *hw_host_rport_slot(struct hw_host_port *p, unsigned int slot)
{
	return (struct hw_host_rport *)hw_rport_find(&p->rports, slot);
}

/* Login machine: PRLI accepted, register the remote port. */
static int hw_host_rport_online(void *arg, struct hw_rport *r)
{
	struct hw_host_port *p = arg;
	struct hw_host_rport *rp = (struct hw_host_rport *)r;
	struct nvme_fc_port_info pi;
	int rc;

	memset(&pi, 0, sizeof(pi));
	pi.node_name = r->info.wwnn;
	pi.port_name = r->info.wwpn;
	pi.port_role = r->info.roles;
	pi.port_id = r->info.port_id;
	rc = nvme_fc_register_remoteport(p->lport, &pi, &rp->rport);
	if (rc) {
		rp->rport = NULL;
		return rc;
	}
	*(struct hw_host_rport **)rp->rport->private = rp;
	return 0;
}

/* Login machine: the remote port is gone; its exchanges and LS fail. */
static void hw_host_rport_lost(void *arg, struct hw_rport *r, int was)
{
	struct hw_host_port *p = arg;
	struct hw_host_rport *rp = (struct hw_host_rport *)r;

	atomic_fetch_add(&p->loss_gen, 1);
	hw_ls_fail_owner(&p->ls, rp, -ENOTCONN);
	hw_dev_kick(&p->dev);
	if (was == HW_RPORT_ONLINE && rp->rport)
		nvme_fc_unregister_remoteport(rp->rport);
}

/* Login machine: an RSCN from an online target. */
static void hw_host_rport_rescan(void *arg, struct hw_rport *r)
{
	struct hw_host_rport *rp = (struct hw_host_rport *)r;

	if (rp->rport)
		nvme_fc_rescan_remoteport(rp->rport);
}

static const struct hw_rport_ops hw_host_rport_ops = {
	.online = hw_host_rport_online,
	.lost = hw_host_rport_lost,
	.rescan = hw_host_rport_rescan,
};

static void hw_host_rcv_ls(struct hw_host_port *p, const struct hw_eqe *e)
{
	struct hw_host_rport *rp = hw_host_rport_slot(p, e->peer_slot);
	struct hw_ls_rcv *c;
	int rc;

	atomic_fetch_add(&p->dev.bar->cnt.ls_rx, 1);
	if (!rp || atomic_load(&rp->login.state) != HW_RPORT_ONLINE || !rp->rport) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, -ENOTCONN);
		return;
	}
	rc = hw_ls_rcv_take(&p->ls_rcv, e, &c);
	if (rc) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, rc);
		return;
	}
	rc = nvme_fc_rcv_ls_req(rp->rport, &c->rsp, c->buf, e->len);
	if (rc) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, rc);
		hw_ls_rcv_put(&p->ls_rcv, c);
	}
}

static void hw_host_eqe(struct hw_host_port *p, const struct hw_eqe *e)
{
	switch (e->type) {
	case HW_EQE_LS_REQ:
		hw_host_rcv_ls(p, e);
		break;
	case HW_EQE_LS_RSP:
		hw_ls_rsp(&p->dev, &p->ls, e);
		break;
	default:
		(void)hw_rport_eqe(&p->rports, e);
		break;
	}
}

static void hw_host_slow_eqe(void *arg, const struct hw_eqe *e)
{
	hw_host_eqe(arg, e);
}

static const struct hw_slow_ops hw_host_slow_ops = {
	.eqe = hw_host_slow_eqe,
};

/* Slow path: RSCN -> rescan, LS, logins, remote-port loss. */
int hw_host_port_process(struct hw_host_port *p)
{
	bool timer;
	int n;

	if (!p)
		return -EINVAL;
	n = hw_dev_slow_path(&p->dev, &p->ls, &p->ls_rcv, &hw_host_slow_ops, p, &timer);
	if (timer)
		hw_rport_tick(&p->rports);
	return n;
}

/* The hw queues' memory, after hw_dev_close (also of a port half open). */
static void hw_host_hwqs_free(struct hw_host_port *p)
{
	unsigned int q;

	if (!p->hwq)
		return;
	for (q = 0; q < p->nr_hwq; q++) {
		free(p->hwq[q].x);
		hw_dev_local_queues_free(&p->hwq[q].lcq, &p->hwq[q].lwq);
	}
	free(p->hwq);
	p->hwq = NULL;
}

/* Open the port and log into the fabric's NVMe targets. */
int hw_host_port_open(const struct hw_host_port_cfg *cfg, struct hw_host_port **out)
{
	struct nvme_fc_port_info pi;
	struct hw_dev_cfg dc;
	struct hw_host_port *p;
	unsigned int q, i;
	uint32_t cqe = 1024;
	uint64_t end;
	int rc;

	if (!cfg || !out || !cfg->dev)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->nr_hwq = cfg->nr_hwq ? cfg->nr_hwq : 1;
	p->depth = cfg->queue_depth ? cfg->queue_depth : 256;
	p->fcp_timeout_ms = cfg->fcp_timeout_ms ? cfg->fcp_timeout_ms : 30000;
	_Static_assert(HW_HOST_MAX_HWQ == HW_MAX_HWQ, "host port hw queues");
	if (p->nr_hwq > HW_HOST_MAX_HWQ || p->depth > 4096) {
		rc = -EINVAL;
		goto out_free;
	}
	while (cqe < 4u * p->depth)
		cqe <<= 1;
	memset(&dc, 0, sizeof(dc));
	dc.dev = cfg->dev;
	dc.shm_dir = cfg->shm_dir;
	dc.wwnn = cfg->wwnn;
	dc.wwpn = cfg->wwpn;
	dc.roles = FC_PORT_ROLE_NVME_INITIATOR;
	dc.nr_hwq = p->nr_hwq;
	dc.nr_xri = (uint32_t)p->nr_hwq * p->depth;
	dc.cq_entries = cqe;
	dc.dma_size = (uint64_t)dc.nr_xri * HW_HOST_BOUNCE + ((uint64_t)64 << 20);
	rc = hw_dev_open(&p->dev, &dc);
	if (rc)
		goto out_free;
	hw_rport_init(&p->rports, &p->dev, sizeof(struct hw_host_rport), &hw_host_rport_ops, p);
	p->hwq = hw_calloc_aligned(p->nr_hwq, sizeof(*p->hwq));
	if (!p->hwq) {
		rc = -ENOMEM;
		goto out_close;
	}
	for (q = 0; q < p->nr_hwq; q++) {
		struct hw_host_hwq *h = &p->hwq[q];

		h->idx = (uint16_t)q;
		h->x = calloc(p->depth, sizeof(*h->x));
		if (!h->x) {
			rc = -ENOMEM;
			goto out_close;
		}
		for (i = p->depth; i-- > 0;) {
			struct hw_host_xri *x = &h->x[i];

			x->idx = q * p->depth + i;
			x->hwq = (uint16_t)q;
			rc = hw_dma_alloc(&p->dev, HW_HOST_BOUNCE, &x->bounce, &x->bounce_dma);
			if (rc)
				goto out_close;
			x->next = h->free;
			h->free = x;
		}
	}
	if (p->dev.soft)
		for (q = 0; q < p->nr_hwq; q++) {
			rc = hw_dev_local_queues(&p->dev, q, &p->hwq[q].lcq, &p->hwq[q].lwq);
			if (rc)
				goto out_close;
		}
	hw_ls_rcv_init(&p->ls_rcv, p->lsctx, HW_HOST_LSCTX);
	p->tmpl = hw_host_template;
	p->tmpl.max_hw_queues = p->nr_hwq;
	memset(&pi, 0, sizeof(pi));
	pi.node_name = cfg->wwnn;
	pi.port_name = cfg->wwpn;
	pi.port_role = FC_PORT_ROLE_NVME_INITIATOR;
	pi.port_id = atomic_load(&p->dev.bar->port_id);
	rc = nvme_fc_register_localport(&pi, &p->tmpl, &p->dev.fdev, &p->lport);
	if (rc)
		goto out_close;
	*(struct hw_host_port **)p->lport->private = p;
	hw_rport_rescan(&p->rports, -1);
	end = fcnvme_clock_ns() + (uint64_t)HW_RPORT_LOGIN_MS * 1000000u;
	while (hw_rport_pending(&p->rports) && fcnvme_clock_ns() < end) {
		struct timespec ts = { 0, 1000000 };

		hw_host_port_process(p);
		nanosleep(&ts, NULL);
	}
	*out = p;
	return 0;

out_close:
	hw_dev_close(&p->dev);
out_free:
	hw_host_hwqs_free(p);
	free(p);
	return rc;
}

/* The registered local port. */
struct nvme_fc_local_port *hw_host_port_localport(struct hw_host_port *p)
{
	return p ? p->lport : NULL;
}

/* Remote ports. */
int hw_host_port_rports(struct hw_host_port *p, struct hw_rport_info *out, int max)
{
	struct hw_rport *rp;
	int n = 0;

	if (!p)
		return -EINVAL;
	for (rp = p->rports.list; rp; rp = rp->next) {
		if (out && n < max)
			out[n] = rp->info;
		n++;
	}
	return n;
}

/* Pollable fd; readable when slow-path work waits. */
int hw_host_port_event_fd(struct hw_host_port *p)
{
	return p ? p->dev.epfd : -EINVAL;
}

/* Log out, unregister and unmap. */
void hw_host_port_close(struct hw_host_port *p)
{
	if (!p)
		return;
	hw_rport_logout(&p->rports);
	(void)hw_host_port_poll(p, 1024);
	hw_host_port_process(p);
	/* That processing may have logged a remote port in again (a rescan
	 * and the target's quick answers): unregister it too, or it and the
	 * local port it holds would outlive the close. */
	hw_rport_logout(&p->rports);
	if (p->lport)
		nvme_fc_unregister_localport(p->lport);
	hw_rport_fini(&p->rports);
	hw_dev_close(&p->dev);
	hw_host_hwqs_free(p);
	free(p);
}
