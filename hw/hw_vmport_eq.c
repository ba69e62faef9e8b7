// SPDX-License-Identifier: Apache-2.0
/*
 * What reaches the port from the fabric, and what the guest hears of it.
 * The port's eq (peers' LS, ELS, RSCN and our own link events) is drained by
 * the shared slow-path loop (hw_dev_slow_path): LS goes to hw_vmport_ls.c,
 * everything else to the initiator login machine (hw_rport.c), whose
 * callbacks become RPORT_ONLINE / RPORT_OFFLINE events in deq. deq has one
 * producer, the main thread, which raises the guest's vector 0 when the
 * guest armed the ring.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "hw_vmport_priv.h"

/* Post an event for the guest. */
int hw_vmport_deq_post(struct hw_vmport *v, struct hw_eqe *e)
{
	struct hw_dev *d = &v->dev;
	uint64_t one = 1;
	int rc;

	if (!v->drv_up)
		return -ENOTCONN;
	rc = hw_ring_post_geo(d->base, &d->bar->deq, &d->geo->deq, e, sizeof(*e));
	if (rc) {
		if (!v->st.deq_full++)
			hw_vmport_log(v, HW_VMPORT_LOG_ERR,
				      "deq is full: the guest driver does not consume its events "
				      "(counting the ones lost)");
		return rc;
	}
	v->st.deq_posts++;
	if (hw_ring_disarm(&d->bar->deq) && v->cfd >= 0 &&
	    write(v->guest_efd[0], &one, sizeof(one)) == sizeof(one))
		v->st.irqs++;
	return 0;
}

static void hw_vmport_post_rport(struct hw_vmport *v, const struct hw_rport *rp, uint16_t type)
{
	struct hw_rport_desc desc;
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.peer_slot = (uint16_t)rp->slot;
	if (type == HW_EQE_RPORT_ONLINE) {
		memset(&desc, 0, sizeof(desc));
		desc.wwnn = rp->info.wwnn;
		desc.wwpn = rp->info.wwpn;
		desc.port_id = rp->info.port_id;
		desc.roles = rp->info.roles;
		desc.gen = rp->gen;
		memcpy(e.payload, &desc, sizeof(desc));
		e.len = sizeof(desc);
	}
	(void)hw_vmport_deq_post(v, &e);
}

static void hw_vmport_post_link(struct hw_vmport *v, bool up)
{
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LINK;
	e.peer_slot = (uint16_t)v->dev.slot;
	e.arg = up ? HW_LINK_UP : HW_LINK_DOWN;
	(void)hw_vmport_deq_post(v, &e);
}

/* DRV_UP: the link (as the name server has it, not the guest's BAR), then
 * every logged-in target. */
void hw_vmport_replay(struct hw_vmport *v)
{
	struct hw_dev *d = &v->dev;
	struct hw_rport *rp;

	hw_vmport_post_link(v, atomic_load(&d->fab.r->ns[d->slot].state) == HW_NS_ONLINE);
	for (rp = v->rports.list; rp; rp = rp->next)
		if (atomic_load(&rp->state) == HW_RPORT_ONLINE)
			hw_vmport_post_rport(v, rp, HW_EQE_RPORT_ONLINE);
}

static int hw_vmport_rport_online(void *arg, struct hw_rport *rp)
{
	struct hw_vmport *v = arg;

	v->st.rport_online++;
	hw_vmport_log(v, HW_VMPORT_LOG_INFO,
		      "%s 0x%016" PRIx64 " (slot %u, N_Port_ID 0x%06x, roles 0x%x)",
		      v->rports.responder ? "initiator logged in:" : "logged into", rp->info.wwpn,
		      rp->slot, rp->info.port_id, rp->info.roles);
	hw_vmport_post_rport(v, rp, HW_EQE_RPORT_ONLINE);
	return 0;
}

static void hw_vmport_rport_lost(void *arg, struct hw_rport *rp, int was)
{
	struct hw_vmport *v = arg;

	/* Its exchanges end now: the guest's requests fail, its own are
	 * forgotten (nobody is left to answer). */
	hw_vmport_ls_fail(v, (int)rp->slot, -ENOTCONN, false);
	if (was != HW_RPORT_ONLINE)
		return;
	v->st.rport_offline++;
	hw_vmport_log(v, HW_VMPORT_LOG_INFO, "0x%016" PRIx64 " (slot %u) is gone", rp->info.wwpn,
		      rp->slot);
	hw_vmport_post_rport(v, rp, HW_EQE_RPORT_OFFLINE);
}

static void hw_vmport_rport_rescan(void *arg, struct hw_rport *rp)
{
	struct hw_vmport *v = arg;

	hw_vmport_log(v, HW_VMPORT_LOG_DEBUG, "RSCN from 0x%016" PRIx64 ": the guest rescans it",
		      rp->info.wwpn);
	hw_vmport_post_rport(v, rp, HW_EQE_RPORT_ONLINE);
}

const struct hw_rport_ops hw_vmport_rport_ops = {
	.online = hw_vmport_rport_online,
	.lost = hw_vmport_rport_lost,
	.rescan = hw_vmport_rport_rescan,
};

/* One event of the port's eq (a copy: the guest can write the region). */
static void hw_vmport_eqe(void *arg, const struct hw_eqe *e)
{
	struct hw_vmport *v = arg;

	switch (e->type) {
	case HW_EQE_LS_REQ:
		hw_vmport_ls_peer_req(v, e);
		break;
	case HW_EQE_LS_RSP:
		hw_vmport_ls_peer_rsp(v, e);
		break;
	case HW_EQE_LINK:
		hw_vmport_log(v, HW_VMPORT_LOG_INFO, "link %s",
			      e->arg == HW_LINK_UP ? "up" : "down");
		/* Down: the targets go first; up: the link first, the
		 * targets as they log in. */
		if (e->arg == HW_LINK_UP)
			hw_vmport_post_link(v, true);
		(void)hw_rport_eqe(&v->rports, e);
		if (e->arg != HW_LINK_UP)
			hw_vmport_post_link(v, false);
		break;
	default:
		(void)hw_rport_eqe(&v->rports, e);
		break;
	}
}

const struct hw_slow_ops hw_vmport_slow_ops = {
	.eqe = hw_vmport_eqe,
};
