// SPDX-License-Identifier: Apache-2.0
/*
 * The target-role LLDD, control path [ctl]: opening and closing the port,
 * the nvmet_fc_target_template (its data-path callbacks are in hw_tgt_io.c),
 * logins (PLOGI/PRLI), LS in both directions, remote-port loss (LOGO, PRLO,
 * link down, RSCN, dead peer -> nvmet_fc_invalidate_host, then the
 * application's rport_logout callback) and link events.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/clock.h>

#include "hw_tgt_priv.h"

/* ---- template: control path [ctl] ----------------------------------------- */

static void hw_tgt_targetport_delete(struct nvmet_fc_target_port *tp)
{
	hw_tgt_of(tp)->tp_deleted = true;
}

static struct hw_tgt_rport *hw_tgt_rport_slot(struct hw_tgt_port *p, unsigned int slot);

static int hw_tgt_xmt_ls_rsp(struct nvmet_fc_target_port *tp, struct nvmefc_ls_rsp *rsp)
{
	struct hw_tgt_port *p = hw_tgt_of(tp);
	struct hw_ls_rcv *c = (struct hw_ls_rcv *)rsp;
	struct hw_tgt_rport *rp = hw_tgt_rport_slot(p, c->slot);

	/* A response to a login that is gone is not sent but still done (the
	 * remote port object itself may already be released). */
	if (rp && rp->login_gen == c->login_gen)
		(void)hw_ls_reply(&p->dev, c->slot, c->id, rsp->rspbuf, rsp->rsplen, 0);
	hw_ls_rcv_answered(&p->ls_rcv, c);
	hw_dev_kick(&p->dev);
	return 0;
}

static void hw_tgt_discovery_event(struct nvmet_fc_target_port *tp)
{
	(void)hw_tgt_port_rscn(hw_tgt_of(tp));
}

static int hw_tgt_ls_req(struct nvmet_fc_target_port *tp, void *hosthandle,
			 struct nvmefc_ls_req *lsreq)
{
	struct hw_tgt_port *p = hw_tgt_of(tp);
	struct hw_tgt_rport *rp = hosthandle;

	if (!rp || rp->state != HW_RP_LOGGED_IN)
		return -ENOTCONN;
	return hw_ls_send(&p->dev, &p->ls, rp->slot, rp, lsreq);
}

static void hw_tgt_ls_abort(struct nvmet_fc_target_port *tp, void *hosthandle,
			    struct nvmefc_ls_req *lsreq)
{
	struct hw_tgt_port *p = hw_tgt_of(tp);

	hw_ls_abort(&p->ls, lsreq);
	hw_dev_kick(&p->dev);
}

static void hw_tgt_host_release(void *hosthandle)
{
	struct hw_tgt_rport *rp = hosthandle, **pp;

	for (pp = &rp->port->rports; *pp; pp = &(*pp)->next) {
		if (*pp == rp) {
			*pp = rp->next;
			break;
		}
	}
	free(rp);
}

static int hw_tgt_host_traddr(void *hosthandle, uint64_t *wwnn, uint64_t *wwpn)
{
	struct hw_tgt_rport *rp = hosthandle;

	if (!rp)
		return -EINVAL;
	*wwnn = rp->info.wwnn;
	*wwpn = rp->info.wwpn;
	return 0;
}

static const struct nvmet_fc_target_template hw_tgt_template = {
	.targetport_delete = hw_tgt_targetport_delete,
	.xmt_ls_rsp = hw_tgt_xmt_ls_rsp,
	.fcp_op = hw_tgt_io_fcp_op,
	.fcp_abort = hw_tgt_io_fcp_abort,
	.fcp_req_release = hw_tgt_io_fcp_req_release,
	.defer_rcv = hw_tgt_io_defer_rcv,
	.discovery_event = hw_tgt_discovery_event,
	.ls_req = hw_tgt_ls_req,
	.ls_abort = hw_tgt_ls_abort,
	.host_release = hw_tgt_host_release,
	.host_traddr = hw_tgt_host_traddr,
	.max_sgl_segments = HW_TGT_MAX_SGL,
	.max_dif_sgl_segments = HW_TGT_MAX_SGL,
	.dma_boundary = 0xffffffff,
	.target_priv_sz = sizeof(void *),
};

/* ---- control path ------------------------------------------------------------ */

static struct hw_tgt_rport *hw_tgt_rport_slot(struct hw_tgt_port *p, unsigned int slot)
{
	struct hw_tgt_rport *rp;

	for (rp = p->rports; rp; rp = rp->next)
		if (rp->slot == slot && rp->state != HW_RP_INVALID)
			return rp;
	return NULL;
}

/* The remote port is gone (LOGO, PRLO, loss): invalidate, then tell the app. */
static void hw_tgt_rport_lost(struct hw_tgt_port *p, struct hw_tgt_rport *rp, const char *why)
{
	struct hw_rport_info info;
	bool was_in = rp->state == HW_RP_LOGGED_IN;

	rp->state = HW_RP_INVALID;
	rp->info.logged_in = false;
	info = rp->info;
	if (!p->dev.rdrv) /* a remote driver's logins are the port server's */
		atomic_store(&p->dev.bar->logins[rp->slot].state, HW_LOGIN_NONE);
	hw_ls_fail_owner(&p->ls, rp, -ENOTCONN);
	hw_dev_kick(&p->dev);
	if (p->tp && !p->tp_deleted)
		nvmet_fc_invalidate_host(p->tp, rp); /* host_release frees rp */
	else
		hw_tgt_host_release(rp);
	if (was_in && p->ev.rport_logout)
		p->ev.rport_logout(p->ev_arg, &info, why);
}

static void hw_tgt_lose_all(struct hw_tgt_port *p, const char *why)
{
	struct hw_tgt_rport *rp, *next;

	for (rp = p->rports; rp; rp = next) {
		next = rp->next;
		if (rp->state != HW_RP_INVALID)
			hw_tgt_rport_lost(p, rp, why);
	}
}

static void hw_tgt_plogi(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	struct hw_fabric_region *r = p->dev.fab.r;
	struct hw_tgt_rport *rp = hw_tgt_rport_slot(p, e->peer_slot);

	if (rp) /* a new PLOGI implicitly logs the old session out */
		hw_tgt_rport_lost(p, rp, "re-login");
	if (hw_dev_peer(&p->dev, e->peer_slot) || !(rp = calloc(1, sizeof(*rp)))) {
		(void)hw_els_send(&p->dev, e->peer_slot, HW_EQE_ELS_RJT, HW_EQE_PLOGI);
		return;
	}
	rp->port = p;
	rp->slot = e->peer_slot;
	rp->state = HW_RP_PLOGI;
	rp->login_gen = ++p->login_gen;
	rp->info.wwnn = r->ns[e->peer_slot].wwnn;
	rp->info.wwpn = r->ns[e->peer_slot].wwpn;
	rp->info.port_id = r->ns[e->peer_slot].port_id;
	rp->next = p->rports;
	p->rports = rp;
	atomic_store(&p->dev.bar->logins[rp->slot].state, HW_LOGIN_PLOGI);
	(void)hw_els_send(&p->dev, e->peer_slot, HW_EQE_ELS_ACC, HW_EQE_PLOGI);
}

static void hw_tgt_prli(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	struct hw_tgt_rport *rp = hw_tgt_rport_slot(p, e->peer_slot);

	if (!rp || rp->state != HW_RP_PLOGI || !(e->arg & FC_PORT_ROLE_NVME_INITIATOR)) {
		(void)hw_els_send(&p->dev, e->peer_slot, HW_EQE_ELS_RJT, HW_EQE_PRLI);
		return;
	}
	rp->state = HW_RP_LOGGED_IN;
	rp->info.roles = e->arg;
	rp->info.logged_in = true;
	p->dev.bar->logins[rp->slot].roles = e->arg;
	atomic_store(&p->dev.bar->logins[rp->slot].state, HW_LOGIN_PRLI);
	(void)hw_els_send(&p->dev, e->peer_slot, HW_EQE_ELS_ACC, HW_EQE_PRLI);
	if (p->ev.rport_login)
		p->ev.rport_login(p->ev_arg, &rp->info);
}

static void hw_tgt_rcv_ls(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	struct hw_tgt_rport *rp = hw_tgt_rport_slot(p, e->peer_slot);
	struct hw_ls_rcv *c;
	int rc;

	atomic_fetch_add(&p->dev.bar->cnt.ls_rx, 1);
	if (!rp || rp->state != HW_RP_LOGGED_IN || !p->tp || p->tp_deleted) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, -ENOTCONN);
		return;
	}
	rc = hw_ls_rcv_take(&p->ls_rcv, e, &c);
	if (rc) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, rc);
		return;
	}
	c->login_gen = rp->login_gen;
	rc = nvmet_fc_rcv_ls_req(p->tp, rp, &c->rsp, c->buf, e->len);
	if (rc) {
		(void)hw_ls_reply(&p->dev, e->peer_slot, e->id, NULL, 0, rc);
		hw_ls_rcv_put(&p->ls_rcv, c);
	}
}

static void hw_tgt_rscn_rcv(struct hw_tgt_port *p)
{
	struct hw_tgt_rport *rp, *next;

	for (rp = p->rports; rp; rp = next) {
		next = rp->next;
		if (rp->state != HW_RP_INVALID && !hw_dev_peer_alive(&p->dev, rp->slot))
			hw_tgt_rport_lost(p, rp, "RSCN: port offline");
	}
	if (p->ev.rscn)
		p->ev.rscn(p->ev_arg);
}

/* Remote driver: the port server logged an initiator in (PLOGI and PRLI
 * were its business), or, for a slot already online, that initiator
 * changed: a new login generation or name is a new session. */
static void hw_tgt_rport_online(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	struct hw_tgt_rport *rp = hw_tgt_rport_slot(p, e->peer_slot);
	struct hw_rport_desc desc;

	if (e->peer_slot >= HW_MAX_PORTS || e->len < sizeof(desc))
		return; /* malformed: nothing to register */
	memcpy(&desc, e->payload, sizeof(desc));
	if (!(desc.roles & FC_PORT_ROLE_NVME_INITIATOR))
		return;
	if (rp && rp->ns_gen == desc.gen && rp->info.wwpn == desc.wwpn) {
		if (p->ev.rscn)
			p->ev.rscn(p->ev_arg);
		return;
	}
	if (rp)
		hw_tgt_rport_lost(p, rp, "re-login");
	rp = calloc(1, sizeof(*rp));
	if (!rp)
		return;
	rp->port = p;
	rp->slot = e->peer_slot;
	rp->state = HW_RP_LOGGED_IN;
	rp->login_gen = ++p->login_gen;
	rp->ns_gen = desc.gen;
	rp->info.wwnn = desc.wwnn;
	rp->info.wwpn = desc.wwpn;
	rp->info.port_id = desc.port_id;
	rp->info.roles = desc.roles;
	rp->info.logged_in = true;
	rp->next = p->rports;
	p->rports = rp;
	if (p->ev.rport_login)
		p->ev.rport_login(p->ev_arg, &rp->info);
}

/* What a port receives in either mode: LS both ways and the link state
 * (a remote driver's from deq, a soft port's from eq; both are written by
 * another process, so a link entry of no known state changes nothing).
 * True when e was one of them. */
static bool hw_tgt_eqe_common(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	switch (e->type) {
	case HW_EQE_LS_REQ:
		if (e->peer_slot < HW_MAX_PORTS) /* else nobody to answer */
			hw_tgt_rcv_ls(p, e);
		return true;
	case HW_EQE_LS_RSP:
		hw_ls_rsp(&p->dev, &p->ls, e);
		return true;
	case HW_EQE_LINK:
		if (e->arg != HW_LINK_DOWN && e->arg != HW_LINK_UP)
			return true; /* not a link state */
		if (e->arg == HW_LINK_DOWN)
			hw_tgt_lose_all(p, "link down");
		if (p->ev.link)
			p->ev.link(p->ev_arg, e->arg == HW_LINK_UP);
		return true;
	default:
		return false;
	}
}

/* Remote driver: what else the port server posts to deq
 * (docs/softhba-vm-port.md, "Slow path"); logins, LOGO, PRLO and RSCN are
 * its own business. */
static void hw_tgt_deq(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	struct hw_tgt_rport *rp;

	switch (e->type) {
	case HW_EQE_RPORT_ONLINE:
		hw_tgt_rport_online(p, e);
		break;
	case HW_EQE_RPORT_OFFLINE:
		rp = hw_tgt_rport_slot(p, e->peer_slot);
		if (rp)
			hw_tgt_rport_lost(p, rp, "logged out or gone (port server)");
		break;
	default:
		break;
	}
}

static void hw_tgt_eqe(struct hw_tgt_port *p, const struct hw_eqe *e)
{
	struct hw_tgt_rport *rp;

	if (hw_tgt_eqe_common(p, e))
		return;
	if (p->dev.rdrv) {
		hw_tgt_deq(p, e);
		return;
	}
	switch (e->type) {
	case HW_EQE_PLOGI:
		hw_tgt_plogi(p, e);
		break;
	case HW_EQE_PRLI:
		hw_tgt_prli(p, e);
		break;
	case HW_EQE_LOGO:
	case HW_EQE_PRLO:
		rp = hw_tgt_rport_slot(p, e->peer_slot);
		if (rp)
			hw_tgt_rport_lost(p, rp, e->type == HW_EQE_LOGO ? "LOGO" : "PRLO");
		break;
	case HW_EQE_RSCN:
		hw_tgt_rscn_rcv(p);
		break;
	default:
		break;
	}
}

static void hw_tgt_liveness(struct hw_tgt_port *p)
{
	uint64_t bad = atomic_exchange_explicit(&p->dev.peer_bad, 0, memory_order_relaxed);
	struct hw_tgt_rport *rp, *next;

	for (rp = p->rports; rp; rp = next) {
		next = rp->next;
		if (rp->state == HW_RP_INVALID)
			continue;
		/* A peer whose rings are corrupt is dropped like a failed
		 * link: its associations go, every other host keeps going. */
		if (rp->slot < HW_MAX_PORTS && (bad & (1ull << rp->slot)))
			hw_tgt_rport_lost(p, rp,
					  "protocol violation: its shared memory is corrupt");
		else if (!hw_dev_peer_alive(&p->dev, rp->slot))
			hw_tgt_rport_lost(p, rp, "peer dead");
	}
}

/* Remote driver: a port server whose fw_heartbeat stops, or that closed
 * our socket, is gone, and the link with it; when the heartbeat moves
 * again, ask it for the current state. */
static void hw_tgt_heartbeat(struct hw_tgt_port *p)
{
	unsigned int q;
	int rc = hw_rdrv_heartbeat(&p->dev);

	switch (rc) {
	case 1:
	case 2:
		/* wake sleeping hw queues: they complete what the server held */
		for (q = 0; q < p->nr_hwq; q++)
			hw_tgt_hwq_kick(p, (uint16_t)q);
		hw_tgt_lose_all(p, rc == 1 ? "link down: the port server's heartbeat stopped"
					   : "link down: the port server closed its socket");
		if (p->ev.link)
			p->ev.link(p->ev_arg, false);
		break;
	case -1:
		(void)hw_rdrv_drv(&p->dev, HW_EQE_DRV_UP);
		break;
	default:
		break;
	}
}

static void hw_tgt_slow_eqe(void *arg, const struct hw_eqe *e)
{
	hw_tgt_eqe(arg, e);
}

static const struct hw_slow_ops hw_tgt_slow_ops = {
	.eqe = hw_tgt_slow_eqe,
};

/* [ctl] Drain the slow path. */
int hw_tgt_port_process(struct hw_tgt_port *p)
{
	bool timer;
	int n;

	if (!p)
		return -EINVAL;
	n = hw_dev_slow_path(&p->dev, &p->ls, &p->ls_rcv, &hw_tgt_slow_ops, p, &timer);
	if (timer && p->dev.rdrv)
		hw_tgt_heartbeat(p);
	else if (timer)
		hw_tgt_liveness(p);
	return n;
}

/* [ctl] See hw_tgt.h. */
uint64_t hw_tgt_port_successor(struct hw_tgt_port *p)
{
	return hw_rdrv_successor(&p->dev);
}

/* Why the last hw_tgt_port_open of this thread refused a fabric path. */
const char *hw_tgt_port_open_why(void)
{
	return hw_fabric_why();
}

/* Remote driver: every exchange's data list in the DMA window, where the
 * port server's firmware reads it by handle. */
static int hw_tgt_sge_alloc(struct hw_tgt_port *p)
{
	size_t len = HW_TGT_MAX_SGL * sizeof(struct hw_sge);
	unsigned int q, i;
	void *va;
	int rc;

	for (q = 0; q < p->nr_hwq; q++)
		for (i = 0; i < p->rq_depth; i++) {
			rc = hw_dma_alloc(&p->dev, len, &va, &p->hwq[q].x[i].sge_dma);
			if (rc)
				return rc;
			p->hwq[q].x[i].sge = va;
		}
	return 0;
}

/* Local soft port: each hw queue's firmware completions and work queue in
 * process memory (hw_dev.lcq, hw_dev.lwq). */
static int hw_tgt_local_queues(struct hw_tgt_port *p)
{
	unsigned int q;
	int rc;

	for (q = 0; q < p->nr_hwq; q++) {
		rc = hw_dev_local_queues(&p->dev, q, &p->hwq[q].lcq, &p->hwq[q].lwq);
		if (rc)
			return rc;
	}
	return 0;
}

/* The hw queues' memory, after hw_dev_close (also of a port half open). */
static void hw_tgt_hwqs_free(struct hw_tgt_port *p)
{
	unsigned int q;

	if (!p->hwq)
		return;
	for (q = 0; q < p->nr_hwq; q++) {
		free(p->hwq[q].x);
		free(p->hwq[q].held);
		hw_dev_local_queues_free(&p->hwq[q].lcq, &p->hwq[q].lwq);
	}
	free(p->hwq);
	p->hwq = NULL;
}

/* [ctl] Open the port. */
int hw_tgt_port_open(const struct hw_tgt_port_cfg *cfg, const struct hw_tgt_events *ev,
		     void *ev_arg, struct hw_tgt_port **out)
{
	struct nvmet_fc_port_info pi;
	struct hw_dev_cfg dc;
	struct hw_tgt_port *p;
	unsigned int i, q;
	uint32_t cqe = 1024;
	int rc;

	if (!cfg || !out || !cfg->dev)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->nr_hwq = cfg->nr_hwq ? cfg->nr_hwq : 1;
	p->rq_depth = cfg->rq_depth ? cfg->rq_depth : 256;
	if (p->nr_hwq > HW_MAX_HWQ || p->rq_depth > 8192) {
		rc = -EINVAL;
		goto out_free;
	}
	while (cqe < 4u * p->rq_depth)
		cqe <<= 1;
	if (ev)
		p->ev = *ev;
	p->ev_arg = ev_arg;
	memset(&dc, 0, sizeof(dc));
	dc.dev = cfg->dev;
	dc.shm_dir = cfg->shm_dir;
	dc.wwnn = cfg->wwnn;
	dc.wwpn = cfg->wwpn;
	dc.roles = FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY;
	dc.nr_hwq = p->nr_hwq;
	dc.cq_entries = cqe;
	dc.dma_size = (uint64_t)1 << 30; /* sparse: pages cost only when touched */
	dc.rdrv_ok = true;
	rc = hw_dev_open(&p->dev, &dc);
	if (rc)
		goto out_free;
	if (p->dev.rdrv && (p->dev.geo->wwpn != cfg->wwpn || p->dev.geo->wwnn != cfg->wwnn)) {
		hw_dev_close(&p->dev);
		rc = hw_fabric_refuse(-EINVAL, cfg->dev,
				      "serves a port of other names (wwnn and wwpn must be "
				      "softhba-vmport's --wwnn and --wwpn)");
		goto out_free;
	}
	if (p->dev.rdrv && p->nr_hwq > p->dev.geo->nr_hwq) {
		hw_dev_close(&p->dev);
		rc = hw_fabric_refuse(-EINVAL, cfg->dev,
				      "has fewer hw queues than hw_queues asks for "
				      "(softhba-vmport --hw-queues)");
		goto out_free;
	}
	p->hwq = hw_calloc_aligned(p->nr_hwq, sizeof(*p->hwq));
	p->lsctx = calloc(HW_TGT_LSCTX, sizeof(*p->lsctx));
	if (!p->hwq || !p->lsctx) {
		rc = -ENOMEM;
		goto out_close;
	}
	for (q = 0; q < p->nr_hwq; q++) {
		p->hwq[q].x = calloc(p->rq_depth, sizeof(*p->hwq[q].x));
		p->hwq[q].held_cap = 4u * p->rq_depth;
		p->hwq[q].held = calloc(p->hwq[q].held_cap, sizeof(*p->hwq[q].held));
		if (!p->hwq[q].x || !p->hwq[q].held) {
			rc = -ENOMEM;
			goto out_close;
		}
		for (i = p->rq_depth; i-- > 0;) {
			p->hwq[q].x[i].hwq = (uint16_t)q;
			p->hwq[q].x[i].next = p->hwq[q].free;
			p->hwq[q].free = &p->hwq[q].x[i];
		}
	}
	if (p->dev.rdrv) {
		rc = hw_tgt_sge_alloc(p);
		if (rc)
			goto out_close;
	} else if (p->dev.soft) {
		rc = hw_tgt_local_queues(p);
		if (rc)
			goto out_close;
	}
	hw_ls_rcv_init(&p->ls_rcv, p->lsctx, HW_TGT_LSCTX);
	p->tmpl = hw_tgt_template;
	p->tmpl.max_hw_queues = p->nr_hwq;
	p->tmpl.target_features = cfg->readdata_rsp ? NVMET_FCTGTFEAT_READDATA_RSP : 0;
	/* The local firmware (hw_fw.c hw_fw_tgt_do) runs in this process and
	 * copies from sg[i].addr, so a Read's data may come from any of our
	 * memory (zero-copy, nvmet_fc_req_data_ref()). A remote driver names
	 * memory by handle into the port's DMA window (hw_tgt_io_by_handle):
	 * no. */
	if (!p->dev.rdrv)
		p->tmpl.target_features |= NVMET_FCTGTFEAT_DATA_VADDR;
	memset(&pi, 0, sizeof(pi));
	pi.node_name = cfg->wwnn;
	pi.port_name = cfg->wwpn;
	pi.port_id = atomic_load(&p->dev.bar->port_id);
	rc = nvmet_fc_register_targetport(&pi, &p->tmpl, &p->dev.fdev, &p->tp);
	if (rc)
		goto out_close;
	*(struct hw_tgt_port **)p->tp->private = p;
	/* A remote driver learns the link and the logged-in initiators now. */
	if (p->dev.rdrv)
		(void)hw_rdrv_drv(&p->dev, HW_EQE_DRV_UP);
	*out = p;
	return 0;

out_close:
	hw_dev_close(&p->dev);
out_free:
	hw_tgt_hwqs_free(p);
	free(p->lsctx);
	free(p);
	return rc;
}

/* The registered nvmet_fc target port. */
struct nvmet_fc_target_port *hw_tgt_port_targetport(struct hw_tgt_port *p)
{
	return p ? p->tp : NULL;
}

/* Pollable fd; readable when slow-path work waits. */
void hw_tgt_port_dma_usage(struct hw_tgt_port *p, struct hw_dma_usage *u)
{
	u->size = p->dev.geo->dma_size;
	u->in_use = p->dev.dma_in_use;
	u->refused = p->dev.dma_refused;
}

int hw_tgt_port_event_fd(struct hw_tgt_port *p)
{
	return p ? p->dev.epfd : -EINVAL;
}

/* [ctl] Port enable/disable. */
int hw_tgt_port_set_link(struct hw_tgt_port *p, bool up)
{
	return p ? hw_dev_set_link(&p->dev, up) : -EINVAL;
}

/* [ctl] Remote ports known to the port. */
int hw_tgt_port_rports(struct hw_tgt_port *p, struct hw_rport_info *out, int max)
{
	struct hw_tgt_rport *rp;
	int n = 0;

	if (!p)
		return -EINVAL;
	for (rp = p->rports; rp; rp = rp->next) {
		if (rp->state == HW_RP_INVALID)
			continue;
		if (out && n < max)
			out[n] = rp->info;
		n++;
	}
	return n;
}

/* [ctl] Log out a remote port. */
int hw_tgt_port_logo(struct hw_tgt_port *p, uint64_t rport_wwpn)
{
	struct hw_tgt_rport *rp;

	if (!p)
		return -EINVAL;
	for (rp = p->rports; rp; rp = rp->next)
		if (rp->state != HW_RP_INVALID && rp->info.wwpn == rport_wwpn)
			break;
	if (!rp)
		return -ENOENT;
	(void)hw_els_send(&p->dev, rp->slot, HW_EQE_LOGO, 0);
	hw_tgt_rport_lost(p, rp, "LOGO");
	return 0;
}

/* [ctl] Send an RSCN to logged-in initiators. */
int hw_tgt_port_rscn(struct hw_tgt_port *p)
{
	struct hw_tgt_rport *rp;
	int n = 0;

	if (!p)
		return -EINVAL;
	for (rp = p->rports; rp; rp = rp->next)
		if (rp->state == HW_RP_LOGGED_IN &&
		    hw_els_send(&p->dev, rp->slot, HW_EQE_RSCN, 0) == 0)
			n++;
	return n;
}

/* [ctl] True once the transport called targetport_delete. */
bool hw_tgt_port_deleted(struct hw_tgt_port *p)
{
	return p && p->tp_deleted;
}

/* [ctl, the hw queues' threads stopped] Poll every hw queue and the slow
 * path until the transport deleted the targetport or ms passed; true when
 * it did. */
static bool hw_tgt_port_drain(struct hw_tgt_port *p, unsigned int ms)
{
	uint64_t end = fcnvme_clock_ns() + (uint64_t)ms * 1000000u;
	unsigned int q;

	while (!p->tp_deleted && fcnvme_clock_ns() < end) {
		for (q = 0; q < p->nr_hwq; q++)
			hw_tgt_poll(p, (uint16_t)q, 64);
		hw_tgt_port_process(p);
	}
	return p->tp_deleted;
}

/* [ctl] Unregister the target port, LOGO, unmap. */
int hw_tgt_port_close(struct hw_tgt_port *p)
{
	struct hw_tgt_rport *rp;
	int rc = 0;

	if (!p)
		return 0;
	for (rp = p->rports; rp; rp = rp->next)
		if (rp->state == HW_RP_LOGGED_IN && !p->dev.rdrv)
			(void)hw_els_send(&p->dev, rp->slot, HW_EQE_LOGO, 0);
	if (p->tp && !p->tp_deleted) {
		nvmet_fc_unregister_targetport(p->tp);
		/* poll the queues and LS until the transport lets go */
		(void)hw_tgt_port_drain(p, 2000);
		if (!p->tp_deleted)
			rc = -EBUSY;
	}
	while ((rp = p->rports)) {
		p->rports = rp->next;
		free(rp);
	}
	if (p->dev.rdrv) /* the port server answers what we leave open */
		(void)hw_rdrv_drv(&p->dev, HW_EQE_DRV_DOWN);
	hw_dev_close(&p->dev);
	hw_tgt_hwqs_free(p);
	free(p->lsctx);
	free(p);
	return rc;
}
