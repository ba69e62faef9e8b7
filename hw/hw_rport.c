// SPDX-License-Identifier: Apache-2.0
/*
 * An initiator port's logins into NVMe targets (see hw_rport.h): the name
 * server query, PLOGI and PRLI with their timeouts and retries, and remote
 * port loss. One state machine for the host LLDD and the port server; the
 * port server of a target-role port uses it as a responder (initiators log
 * into it: FC-LS-3 PLOGI, FC-NVMe PRLI with the initiator function).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "hw_rport.h"
#include "hw_ls.h"

static uint64_t hw_rport_after(unsigned int ms)
{
	return fcnvme_clock_ns() + (uint64_t)ms * 1000000u;
}

/* Start with no remote ports. */
void hw_rport_init(struct hw_rports *l, struct hw_dev *d, size_t rport_size,
		   const struct hw_rport_ops *ops, void *arg)
{
	memset(l, 0, sizeof(*l));
	l->dev = d;
	l->ops = ops;
	l->arg = arg;
	l->rport_size = rport_size < sizeof(struct hw_rport) ? sizeof(struct hw_rport) : rport_size;
}

/* Free every remote port. */
void hw_rport_fini(struct hw_rports *l)
{
	struct hw_rport *rp;

	while ((rp = l->list)) {
		l->list = rp->next;
		free(rp);
	}
}

/* The remote port of slot, or NULL. */
struct hw_rport *hw_rport_find(struct hw_rports *l, unsigned int slot)
{
	struct hw_rport *rp;

	for (rp = l->list; rp; rp = rp->next)
		if (rp->slot == slot)
			return rp;
	return NULL;
}

/* rp is gone. */
void hw_rport_lose(struct hw_rports *l, struct hw_rport *rp)
{
	int was = atomic_exchange(&rp->state, HW_RPORT_NONE);

	/* Log in again no sooner than a second from now. */
	rp->deadline_ns = hw_rport_after(HW_RPORT_RETRY_MS);
	rp->info.logged_in = false;
	atomic_store(&l->dev->bar->logins[rp->slot].state, HW_LOGIN_NONE);
	l->ops->lost(l->arg, rp, was);
}

/* PLOGI to slot, creating its remote port on first sight. */
static void hw_rport_plogi(struct hw_rports *l, unsigned int slot)
{
	struct hw_fabric_region *r = l->dev->fab.r;
	struct hw_rport *rp = hw_rport_find(l, slot);

	if (!rp) {
		rp = calloc(1, l->rport_size);
		if (!rp)
			return;
		rp->slot = slot;
		rp->next = l->list;
		l->list = rp;
	}
	if (atomic_load(&rp->state) != HW_RPORT_NONE)
		return;
	rp->deadline_ns = hw_rport_after(HW_RPORT_RETRY_MS);
	rp->info.wwnn = r->ns[slot].wwnn;
	rp->info.wwpn = r->ns[slot].wwpn;
	rp->info.port_id = r->ns[slot].port_id;
	rp->info.roles = r->ns[slot].roles;
	rp->gen = atomic_load(&r->ns[slot].gen);
	if (hw_dev_peer(l->dev, slot) || hw_els_send(l->dev, slot, HW_EQE_PLOGI, 0))
		return;
	rp->deadline_ns = hw_rport_after(HW_RPORT_LOGIN_MS);
	atomic_store(&rp->state, HW_RPORT_PLOGI);
}

/* Query the name server: log into new NVMe targets, drop vanished ones. */
void hw_rport_rescan(struct hw_rports *l, int from_slot)
{
	struct hw_dev *d = l->dev;
	struct hw_fabric_region *r = d->fab.r;
	struct hw_rport *rp;
	unsigned int i;

	for (rp = l->list; rp; rp = rp->next) {
		int st = atomic_load(&rp->state);

		if (st != HW_RPORT_NONE && !hw_dev_peer_alive(d, rp->slot))
			hw_rport_lose(l, rp);
		else if (st == HW_RPORT_ONLINE && (int)rp->slot == from_slot)
			l->ops->rescan(l->arg, rp);
	}
	if (l->responder || atomic_load(&d->bar->link) != HW_LINK_UP)
		return;
	for (i = 0; i < HW_MAX_PORTS; i++) {
		if (i == d->slot || atomic_load(&r->ns[i].state) != HW_NS_ONLINE)
			continue;
		if (!(r->ns[i].roles & (FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY)))
			continue;
		if (!hw_fabric_zoned(&d->fab, d->slot, i) || !hw_fabric_slot_alive(&d->fab, i))
			continue;
		hw_rport_plogi(l, i);
	}
}

/* PRLI accepted: the remote port is online. */
static void hw_rport_prli_acc(struct hw_rports *l, struct hw_rport *rp)
{
	atomic_store(&rp->state, HW_RPORT_ONLINE);
	rp->info.logged_in = true;
	l->dev->bar->logins[rp->slot].roles = rp->info.roles;
	atomic_store(&l->dev->bar->logins[rp->slot].state, HW_LOGIN_PRLI);
	if (l->ops->online(l->arg, rp))
		hw_rport_lose(l, rp);
}

/* Responder: an initiator's PLOGI (a new one logs the old session out). */
static void hw_rport_rcv_plogi(struct hw_rports *l, struct hw_rport *rp, unsigned int slot)
{
	struct hw_dev *d = l->dev;
	struct hw_fabric_region *r = d->fab.r;

	if (rp && atomic_load(&rp->state) != HW_RPORT_NONE)
		hw_rport_lose(l, rp);
	if (slot >= HW_MAX_PORTS || slot == d->slot || !hw_fabric_zoned(&d->fab, d->slot, slot) ||
	    hw_dev_peer(d, slot))
		goto out_rjt;
	if (!rp) {
		rp = calloc(1, l->rport_size);
		if (!rp)
			goto out_rjt;
		rp->slot = slot;
		rp->next = l->list;
		l->list = rp;
	}
	rp->info.wwnn = r->ns[slot].wwnn;
	rp->info.wwpn = r->ns[slot].wwpn;
	rp->info.port_id = r->ns[slot].port_id;
	rp->info.roles = 0;
	rp->gen = atomic_load(&r->ns[slot].gen);
	if (hw_els_send(d, slot, HW_EQE_ELS_ACC, HW_EQE_PLOGI))
		return;
	rp->deadline_ns = hw_rport_after(HW_RPORT_LOGIN_MS);
	atomic_store(&rp->state, HW_RPORT_PLOGI);
	return;

out_rjt:
	(void)hw_els_send(d, slot, HW_EQE_ELS_RJT, HW_EQE_PLOGI);
}

/* Responder: an initiator's PRLI, arg its FC-4 roles. */
static void hw_rport_rcv_prli(struct hw_rports *l, struct hw_rport *rp, unsigned int slot,
			      uint32_t roles)
{
	if (!rp || atomic_load(&rp->state) != HW_RPORT_PLOGI ||
	    !(roles & FC_PORT_ROLE_NVME_INITIATOR)) {
		(void)hw_els_send(l->dev, slot, HW_EQE_ELS_RJT, HW_EQE_PRLI);
		return;
	}
	rp->info.roles = roles;
	if (hw_els_send(l->dev, slot, HW_EQE_ELS_ACC, HW_EQE_PRLI)) {
		atomic_store(&rp->state, HW_RPORT_NONE);
		return;
	}
	hw_rport_prli_acc(l, rp);
}

/* ELS, RSCN and link events. */
bool hw_rport_eqe(struct hw_rports *l, const struct hw_eqe *e)
{
	struct hw_rport *rp = hw_rport_find(l, e->peer_slot);

	switch (e->type) {
	case HW_EQE_PLOGI:
		if (!l->responder)
			return false;
		hw_rport_rcv_plogi(l, rp, e->peer_slot);
		break;
	case HW_EQE_PRLI:
		if (!l->responder)
			return false;
		hw_rport_rcv_prli(l, rp, e->peer_slot, e->arg);
		break;
	case HW_EQE_ELS_ACC:
		/* a responder sends no login: an answer is to nothing */
		if (!rp || l->responder)
			break;
		if (e->arg == HW_EQE_PLOGI && atomic_load(&rp->state) == HW_RPORT_PLOGI) {
			if (hw_els_send(l->dev, rp->slot, HW_EQE_PRLI, FC_PORT_ROLE_NVME_INITIATOR))
				atomic_store(&rp->state, HW_RPORT_NONE);
			else
				atomic_store(&rp->state, HW_RPORT_PRLI);
		} else if (e->arg == HW_EQE_PRLI && atomic_load(&rp->state) == HW_RPORT_PRLI) {
			hw_rport_prli_acc(l, rp);
		}
		break;
	case HW_EQE_ELS_RJT:
		if (rp && !l->responder && atomic_load(&rp->state) != HW_RPORT_ONLINE)
			atomic_store(&rp->state, HW_RPORT_NONE);
		break;
	case HW_EQE_LOGO:
	case HW_EQE_PRLO:
		if (rp && atomic_load(&rp->state) != HW_RPORT_NONE)
			hw_rport_lose(l, rp);
		break;
	case HW_EQE_RSCN:
		hw_rport_rescan(l, e->peer_slot);
		break;
	case HW_EQE_LINK:
		if (e->arg == HW_LINK_DOWN) {
			for (rp = l->list; rp; rp = rp->next)
				if (atomic_load(&rp->state) != HW_RPORT_NONE)
					hw_rport_lose(l, rp);
		} else {
			hw_rport_rescan(l, -1);
		}
		break;
	default:
		return false;
	}
	return true;
}

/* Timeouts, retries and liveness. */
void hw_rport_tick(struct hw_rports *l)
{
	struct hw_dev *d = l->dev;
	struct hw_rport *rp;
	uint64_t now = fcnvme_clock_ns();

	for (rp = l->list; rp; rp = rp->next) {
		int st = atomic_load(&rp->state);

		if ((st == HW_RPORT_PLOGI || st == HW_RPORT_PRLI) && now >= rp->deadline_ns) {
			atomic_store(&rp->state, HW_RPORT_NONE);
		} else if (st == HW_RPORT_ONLINE && !hw_dev_peer_alive(d, rp->slot)) {
			hw_rport_lose(l, rp);
		} else if (!l->responder && st == HW_RPORT_NONE && now >= rp->deadline_ns &&
			   atomic_load(&d->bar->link) == HW_LINK_UP &&
			   hw_dev_peer_alive(d, rp->slot) &&
			   hw_fabric_zoned(&d->fab, d->slot, rp->slot)) {
			/* Retry the login (after LOGO, a failed PLOGI, ...). */
			hw_rport_plogi(l, rp->slot);
		}
	}
}

/* True while a PLOGI or PRLI waits for its answer. */
bool hw_rport_pending(const struct hw_rports *l)
{
	const struct hw_rport *rp;

	for (rp = l->list; rp; rp = rp->next) {
		int st = atomic_load(&rp->state);

		if (st == HW_RPORT_PLOGI || st == HW_RPORT_PRLI)
			return true;
	}
	return false;
}

/* LOGO to every ONLINE remote port; all are lost. */
void hw_rport_logout(struct hw_rports *l)
{
	struct hw_rport *rp;

	for (rp = l->list; rp; rp = rp->next) {
		if (atomic_load(&rp->state) == HW_RPORT_ONLINE)
			(void)hw_els_send(l->dev, rp->slot, HW_EQE_LOGO, 0);
		hw_rport_lose(l, rp);
	}
}
