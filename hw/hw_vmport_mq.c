// SPDX-License-Identifier: Apache-2.0
/*
 * The guest's slow-path requests (mq): each entry is copied out of shared
 * memory once, popped, then checked and dispatched from the copy through a
 * table by type. Unknown types are dropped and counted; LS entries are
 * checked by hw_vmport_ls.c (an LS request that cannot be sent is answered
 * at once with the error). A driver may also ask for the link down or up
 * (fcnvmectl port disable / enable on nvmetfcd's side), and for a LOGO or
 * an RSCN to a logged-in initiator (host invalidate, discovery-event).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hw_vmport_priv.h"

typedef void (*hw_vmport_mq_fn)(struct hw_vmport *v, const struct hw_eqe *m);

static void hw_vmport_mq_drv_up(struct hw_vmport *v, const struct hw_eqe *m)
{
	hw_vmport_log(v, HW_VMPORT_LOG_INFO, "guest driver up");
	v->drv_up = true;
	hw_vmport_replay(v);
}

/* A bad mq entry (what says why): dropped and counted, logged as an error
 * the first time, then at debug. */
static void hw_vmport_mq_bad(struct hw_vmport *v, const char *what)
{
	v->st.mq_bad++;
	hw_vmport_log(v, v->warned_mq ? HW_VMPORT_LOG_DEBUG : HW_VMPORT_LOG_ERR, "%s: dropped%s",
		      what, v->warned_mq ? "" : " (the next bad entries are counted)");
	v->warned_mq = true;
}

static void hw_vmport_mq_drv_down(struct hw_vmport *v, const struct hw_eqe *m)
{
	hw_vmport_log(v, HW_VMPORT_LOG_INFO, "guest driver down");
	/* Nothing more goes to deq. Nobody will answer the targets'
	 * requests now; the guest's own are forgotten with it. */
	v->drv_up = false;
	hw_vmport_ls_fail(v, -1, -ENOTCONN, true);
}

/* The driver asks for the port's link down (an operator's port disable)
 * or up again: the fabric sees it as any port's link change (the hosts
 * lose the port, RSCN), and the driver hears of it in deq like any link
 * event. It holds until the driver asks again or the connection ends (a
 * new guest connection brings the link up). */
static void hw_vmport_mq_link(struct hw_vmport *v, const struct hw_eqe *m)
{
	bool up = m->arg == HW_LINK_UP;
	char what[80];

	if (m->arg != HW_LINK_UP && m->arg != HW_LINK_DOWN) {
		snprintf(what, sizeof(what), "guest asked for link state %u (neither up nor down)",
			 m->arg);
		hw_vmport_mq_bad(v, what);
		return;
	}
	hw_vmport_log(v, HW_VMPORT_LOG_INFO, "guest driver asks for link %s", up ? "up" : "down");
	if (hw_dev_set_link(&v->dev, up))
		hw_vmport_log(v, HW_VMPORT_LOG_ERR, "link %s failed", up ? "up" : "down");
}

/* The driver's LOGO of a logged-in initiator (nvmetfcd's host
 * invalidate): the port server, which holds the login, sends it and
 * forgets the login (the driver hears RPORT_OFFLINE; the initiator logs in
 * again). RSCN (nvmetfcd's discovery event): sent to that initiator. A
 * slot that is not logged in: dropped and counted. */
static void hw_vmport_mq_els(struct hw_vmport *v, const struct hw_eqe *m)
{
	const char *what = m->type == HW_EQE_LOGO ? "LOGO" : "RSCN";
	struct hw_rport *rp = hw_rport_find(&v->rports, m->peer_slot);
	char why[80];

	if (!rp || atomic_load(&rp->state) != HW_RPORT_ONLINE) {
		/* (also a host that logged out just before: not always a
		 * broken guest) */
		snprintf(why, sizeof(why),
			 "guest asked for a %s to slot %u, which is not logged in", what,
			 m->peer_slot);
		hw_vmport_mq_bad(v, why);
		return;
	}
	hw_vmport_log(v, HW_VMPORT_LOG_INFO, "guest driver sends a %s to 0x%016" PRIx64, what,
		      rp->info.wwpn);
	(void)hw_els_send(&v->dev, rp->slot, m->type, 0);
	if (m->type == HW_EQE_LOGO)
		hw_rport_lose(&v->rports, rp);
}

static const hw_vmport_mq_fn hw_vmport_mq_fns[] = {
	[HW_EQE_LS_REQ] = hw_vmport_ls_guest_req, [HW_EQE_LS_RSP] = hw_vmport_ls_guest_rsp,
	[HW_EQE_DRV_UP] = hw_vmport_mq_drv_up,	  [HW_EQE_DRV_DOWN] = hw_vmport_mq_drv_down,
	[HW_EQE_LINK] = hw_vmport_mq_link,	  [HW_EQE_LOGO] = hw_vmport_mq_els,
	[HW_EQE_RSCN] = hw_vmport_mq_els,
};

/* Drain mq (a ring's worth at most, as for the WQs). */
int hw_vmport_mq_drain(struct hw_vmport *v)
{
	struct hw_dev *d = &v->dev;
	struct hw_eqe *e, m;
	int n = 0;

	while ((uint32_t)n < d->geo->mq.entries &&
	       (e = hw_ring_peek_geo(d->base, &d->bar->mq, &d->geo->mq))) {
		hw_fetch_once(&m, e, sizeof(m));
		hw_ring_pop_geo(&d->bar->mq, &d->geo->mq, e);
		v->st.mq_entries++;
		n++;
		if (m.type >= sizeof(hw_vmport_mq_fns) / sizeof(hw_vmport_mq_fns[0]) ||
		    !hw_vmport_mq_fns[m.type]) {
			char what[64];

			snprintf(what, sizeof(what), "guest posted an mq entry of unknown type %u",
				 m.type);
			hw_vmport_mq_bad(v, what);
			continue;
		}
		hw_vmport_mq_fns[m.type](v, &m);
	}
	return n;
}
