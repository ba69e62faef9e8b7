// SPDX-License-Identifier: Apache-2.0
/*
 * The host-role LLDD, control path (modelled on lpfc's host driver): opening
 * and closing the port, the nvme_fc_port_template (its data-path callbacks
 * are in hw_host_io.c), name-server queries, PLOGI/PRLI to NVMe targets and
 * remote-port registration, RSCN rescans, login retries, LS in both
 * directions (LS requests time out after lsreq->timeout, 20 s) and
 * remote-port loss (LOGO, PRLO, link down, dead peer).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

	if (atomic_load(&rp->state) != HW_HR_ONLINE)
		return -ENOTCONN;
	return hw_ls_send(&p->dev, &p->ls, rp->slot, rp, lsreq);
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
	struct hw_host_lsctx *c = (struct hw_host_lsctx *)rsp;

	(void)hw_ls_reply(&p->dev, c->slot, c->id, rsp->rspbuf, rsp->rsplen, 0);
	c->next = p->ls_done;
	p->ls_done = c;
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
	struct hw_host_rport *rp;

	for (rp = p->rports; rp; rp = rp->next)
		if (rp->slot == slot)
			return rp;
	return NULL;
}

static void hw_host_rport_lost(struct hw_host_port *p, struct hw_host_rport *rp)
{
	int was = atomic_exchange(&rp->state, HW_HR_NONE);

	/* Log in again no sooner than a second from now. */
	rp->login_deadline_ns = hw_mono_ns() + (uint64_t)HW_HOST_RETRY_MS * 1000000u;
	rp->info.logged_in = false;
	atomic_store(&p->dev.bar->logins[rp->slot].state, HW_LOGIN_NONE);
	atomic_fetch_add(&p->loss_gen, 1);
	hw_ls_fail_owner(&p->ls, rp, -ENOTCONN);
	hw_dev_kick(&p->dev);
	if (was == HW_HR_ONLINE && rp->rport)
		nvme_fc_unregister_remoteport(rp->rport);
}

static void hw_host_login(struct hw_host_port *p, unsigned int slot)
{
	struct hw_fabric_region *r = p->dev.fab.r;
	struct hw_host_rport *rp = hw_host_rport_slot(p, slot);

	if (!rp) {
		rp = calloc(1, sizeof(*rp));
		if (!rp)
			return;
		rp->port = p;
		rp->slot = slot;
		rp->next = p->rports;
		p->rports = rp;
	}
	if (atomic_load(&rp->state) != HW_HR_NONE)
		return;
	rp->login_deadline_ns = hw_mono_ns() + (uint64_t)HW_HOST_RETRY_MS * 1000000u;
	rp->info.wwnn = r->ns[slot].wwnn;
	rp->info.wwpn = r->ns[slot].wwpn;
	rp->info.port_id = r->ns[slot].port_id;
	rp->info.roles = r->ns[slot].roles;
	if (hw_dev_peer(&p->dev, slot) || hw_els_send(&p->dev, slot, HW_EQE_PLOGI, 0))
		return;
	rp->login_deadline_ns = hw_mono_ns() + (uint64_t)HW_HOST_LOGIN_MS * 1000000u;
	atomic_store(&rp->state, HW_HR_PLOGI);
}

/* Query the name server: log into new NVMe targets, drop vanished ones. */
static void hw_host_rescan(struct hw_host_port *p, int from_slot)
{
	struct hw_fabric_region *r = p->dev.fab.r;
	struct hw_host_rport *rp;
	unsigned int i;

	for (rp = p->rports; rp; rp = rp->next) {
		int st = atomic_load(&rp->state);

		if (st != HW_HR_NONE && !hw_dev_peer_alive(&p->dev, rp->slot))
			hw_host_rport_lost(p, rp);
		else if (st == HW_HR_ONLINE && (int)rp->slot == from_slot && rp->rport)
			nvme_fc_rescan_remoteport(rp->rport);
	}
	if (atomic_load(&p->dev.bar->link) != HW_LINK_UP)
		return;
	for (i = 0; i < HW_MAX_PORTS; i++) {
		if (i == p->dev.slot || atomic_load(&r->ns[i].state) != HW_NS_ONLINE)
			continue;
		if (!(r->ns[i].roles & (FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY)))
			continue;
		if (!hw_fabric_zoned(&p->dev.fab, p->dev.slot, i) ||
		    !hw_fabric_slot_alive(&p->dev.fab, i))
			continue;
		hw_host_login(p, i);
	}
}

static void hw_host_prli_acc(struct hw_host_port *p, struct hw_host_rport *rp)
{
	struct nvme_fc_port_info pi;
	int rc;

	memset(&pi, 0, sizeof(pi));
	pi.node_name = rp->info.wwnn;
	pi.port_name = rp->info.wwpn;
	pi.port_role = rp->info.roles;
	pi.port_id = rp->info.port_id;
	atomic_store(&rp->state, HW_HR_ONLINE);
	rp->info.logged_in = true;
	p->dev.bar->logins[rp->slot].roles = rp->info.roles;
	atomic_store(&p->dev.bar->logins[rp->slot].state, HW_LOGIN_PRLI);
	rc = nvme_fc_register_remoteport(p->lport, &pi, &rp->rport);
	if (rc) {
		rp->rport = NULL;
		hw_host_rport_lost(p, rp);
		return;
	}
	*(struct hw_host_rport **)rp->rport->private = rp;
}

static void hw_host_rcv_ls(struct hw_host_port *p, const struct hw_eqe *e)
{
	struct hw_host_rport *rp = hw_host_rport_slot(p, e->peer_slot);
	struct hw_host_lsctx *c = p->ls_free;
	int rc;

	atomic_fetch_add(&p->dev.bar->cnt.ls_rx, 1);
	if (!rp || atomic_load(&rp->state) != HW_HR_ONLINE || !rp->rport) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, -ENOTCONN);
		return;
	}
	if (!c || e->len == 0 || e->len > sizeof(c->buf)) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, c ? -EINVAL : -EBUSY);
		return;
	}
	p->ls_free = c->next;
	memset(&c->rsp, 0, sizeof(c->rsp));
	c->id = e->id;
	c->slot = e->peer_slot;
	memcpy(c->buf, e->payload, e->len);
	rc = nvme_fc_rcv_ls_req(rp->rport, &c->rsp, c->buf, e->len);
	if (rc) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, rc);
		c->next = p->ls_free;
		p->ls_free = c;
	}
}

static void hw_host_eqe(struct hw_host_port *p, const struct hw_eqe *e)
{
	struct hw_host_rport *rp = hw_host_rport_slot(p, e->peer_slot);

	switch (e->type) {
	case HW_EQE_LS_REQ:
		hw_host_rcv_ls(p, e);
		break;
	case HW_EQE_LS_RSP:
		hw_ls_rsp(&p->ls, e);
		break;
	case HW_EQE_ELS_ACC:
		if (!rp)
			break;
		if (e->arg == HW_EQE_PLOGI && atomic_load(&rp->state) == HW_HR_PLOGI) {
			if (hw_els_send(&p->dev, rp->slot, HW_EQE_PRLI,
					FC_PORT_ROLE_NVME_INITIATOR))
				atomic_store(&rp->state, HW_HR_NONE);
			else
				atomic_store(&rp->state, HW_HR_PRLI);
		} else if (e->arg == HW_EQE_PRLI && atomic_load(&rp->state) == HW_HR_PRLI) {
			hw_host_prli_acc(p, rp);
		}
		break;
	case HW_EQE_ELS_RJT:
		if (rp && atomic_load(&rp->state) != HW_HR_ONLINE)
			atomic_store(&rp->state, HW_HR_NONE);
		break;
	case HW_EQE_LOGO:
	case HW_EQE_PRLO:
		if (rp && atomic_load(&rp->state) != HW_HR_NONE)
			hw_host_rport_lost(p, rp);
		break;
	case HW_EQE_RSCN:
		hw_host_rescan(p, e->peer_slot);
		break;
	case HW_EQE_LINK:
		if (e->arg == HW_LINK_DOWN) {
			for (rp = p->rports; rp; rp = rp->next)
				if (atomic_load(&rp->state) != HW_HR_NONE)
					hw_host_rport_lost(p, rp);
		} else {
			hw_host_rescan(p, -1);
		}
		break;
	default:
		break;
	}
}

static void hw_host_tick(struct hw_host_port *p)
{
	struct hw_host_rport *rp;
	uint64_t now = hw_mono_ns();

	for (rp = p->rports; rp; rp = rp->next) {
		int st = atomic_load(&rp->state);

		if ((st == HW_HR_PLOGI || st == HW_HR_PRLI) && now >= rp->login_deadline_ns) {
			atomic_store(&rp->state, HW_HR_NONE);
		} else if (st == HW_HR_ONLINE && !hw_dev_peer_alive(&p->dev, rp->slot)) {
			hw_host_rport_lost(p, rp);
		} else if (st == HW_HR_NONE && now >= rp->login_deadline_ns &&
			   atomic_load(&p->dev.bar->link) == HW_LINK_UP &&
			   hw_dev_peer_alive(&p->dev, rp->slot) &&
			   hw_fabric_zoned(&p->dev.fab, p->dev.slot, rp->slot)) {
			/* Retry the login (after LOGO, a failed PLOGI, ...). */
			hw_host_login(p, rp->slot);
		}
	}
}

static void hw_host_slow_eqe(void *arg, const struct hw_eqe *e)
{
	hw_host_eqe(arg, e);
}

static int hw_host_reap_ls(void *arg)
{
	struct hw_host_port *p = arg;
	struct hw_host_lsctx *c;
	int n = 0;

	while ((c = p->ls_done)) {
		p->ls_done = c->next;
		c->next = p->ls_free;
		p->ls_free = c;
		c->rsp.done(&c->rsp);
		n++;
	}
	return n;
}

static bool hw_host_ls_pending(void *arg)
{
	return ((struct hw_host_port *)arg)->ls_done != NULL;
}

static const struct hw_slow_ops hw_host_slow_ops = {
	.eqe = hw_host_slow_eqe,
	.reap_ls = hw_host_reap_ls,
	.ls_pending = hw_host_ls_pending,
};

/* Slow path: RSCN -> rescan, LS, logins, remote-port loss. */
int hw_host_port_process(struct hw_host_port *p)
{
	bool timer;
	int n;

	if (!p)
		return -EINVAL;
	n = hw_dev_slow_path(&p->dev, &p->ls, &hw_host_slow_ops, p, &timer);
	if (timer)
		hw_host_tick(p);
	return n;
}

static bool hw_host_logins_pending(struct hw_host_port *p)
{
	struct hw_host_rport *rp;

	for (rp = p->rports; rp; rp = rp->next) {
		int st = atomic_load(&rp->state);

		if (st == HW_HR_PLOGI || st == HW_HR_PRLI)
			return true;
	}
	return false;
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
	for (i = 0; i < HW_HOST_LSCTX; i++) {
		p->lsctx[i].next = p->ls_free;
		p->ls_free = &p->lsctx[i];
	}
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
	hw_host_rescan(p, -1);
	end = hw_mono_ns() + (uint64_t)HW_HOST_LOGIN_MS * 1000000u;
	while (hw_host_logins_pending(p) && hw_mono_ns() < end) {
		struct timespec ts = { 0, 1000000 };

		hw_host_port_process(p);
		nanosleep(&ts, NULL);
	}
	*out = p;
	return 0;

out_close:
	hw_dev_close(&p->dev);
out_free:
	if (p->hwq)
		for (q = 0; q < p->nr_hwq; q++)
			free(p->hwq[q].x);
	free(p->hwq);
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
	struct hw_host_rport *rp;
	int n = 0;

	if (!p)
		return -EINVAL;
	for (rp = p->rports; rp; rp = rp->next) {
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
	struct hw_host_rport *rp;
	unsigned int q;

	if (!p)
		return;
	for (rp = p->rports; rp; rp = rp->next) {
		if (atomic_load(&rp->state) == HW_HR_ONLINE)
			(void)hw_els_send(&p->dev, rp->slot, HW_EQE_LOGO, 0);
		hw_host_rport_lost(p, rp);
	}
	for (q = 0; q < p->nr_hwq; q++)
		hw_host_poll(p, (uint16_t)q, 1024);
	hw_host_port_process(p);
	if (p->lport)
		nvme_fc_unregister_localport(p->lport);
	while ((rp = p->rports)) {
		p->rports = rp->next;
		free(rp);
	}
	hw_dev_close(&p->dev);
	for (q = 0; q < p->nr_hwq; q++)
		free(p->hwq[q].x);
	free(p->hwq);
	free(p);
}
