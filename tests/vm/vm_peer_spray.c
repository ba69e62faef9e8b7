// SPDX-License-Identifier: Apache-2.0
/*
 * vm_peer spray: for --secs seconds, write seeded garbage (random(3) from
 * --seed) into the victim's CQs and its event ring (deq), as a process of
 * the fabric's user that maps the region may (README, "What a peer can
 * forge"): nothing in it can be told from the port server's own entries,
 * so the guest's driver may complete its commands wrongly, but the guest
 * kernel must not crash, warn or leak its way out of it, and must recover.
 *
 * CQEs: any type (the five a host takes, or any byte), from the
 * exchange's target, from us or from any slot; for a live exchange of the
 * victim (its index and tag read from its table) or any index and tag;
 * any status, response length, bytes moved and response bytes.
 * Events: LS responses and requests with any id, length and payload (from
 * the target's slot or any), remote ports coming online (any name, roles,
 * slot but the victim's) and going offline (any slot but the victim's),
 * the target's slot among them: logging the target out, or in under its
 * own names, its WWPN with another WWNN, or another port's; link up, down
 * or any state; and unknown types. The target's login and the link change
 * only in the last third: before it the I/O runs undisturbed, so the CQEs
 * for live exchanges go in under load. An entry goes only into a ring at most
 * a quarter full, so the port server's own entries still find room.
 *
 * Events are taken by the driver at its next slow-path interrupt, which
 * only the port server raises: peer_garbage.sh has the target send an
 * RSCN every second meanwhile (the port server then passes the target's
 * real login, which also brings it back), and once more at the end.
 * Prints the seed and what it wrote.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "hw_ring.h"
#include "vm_peer.h"

struct spray_count {
	unsigned long cqe_live, cqe_other, eqe, full;
};

static uint32_t rnd(void)
{
	return (uint32_t)random() ^ ((uint32_t)random() << 16);
}

static void spray_bytes(void *buf, size_t n)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)random();
}

/* A slot: the exchange's target, ours, or any (out of range too). */
static uint16_t spray_slot(const struct vm_peer *p, unsigned int target)
{
	switch (rnd() % 4) {
	case 0:
	case 1:
		return (uint16_t)target;
	case 2:
		return (uint16_t)p->f.slot;
	default:
		return (uint16_t)(rnd() % 80);
	}
}

static void spray_cqe(struct vm_peer *p, struct spray_count *n)
{
	static const uint8_t types[] = { HW_CQE_FCP_RSP, HW_CQE_RCV_ABTS, HW_CQE_RCV_BA_ACC,
					 HW_CQE_RCV_BA_RJT, HW_CQE_WQE_DONE };
	static const int32_t statuses[] = { 0, -EIO, -ECANCELED, -ENOTCONN, -EBUSY, -EFAULT };
	const struct hw_xri *t = vm_peer_xri(p);
	uint32_t nr = p->pv->geo.nr_xri, i, start = rnd() % (nr ? nr : 1);
	const struct hw_xri *live = NULL;
	struct hw_cqe c;
	unsigned int q;

	memset(&c, 0, sizeof(c));
	spray_bytes(&c.c, sizeof(c.c));
	c.type = rnd() % 8 ? types[rnd() % sizeof(types)] : (uint8_t)rnd();
	c.wqe_type = (uint8_t)(rnd() % 8);
	c.status = rnd() % 4 ? statuses[rnd() % (sizeof(statuses) / sizeof(statuses[0]))]
			     : (int32_t)rnd();
	if (rnd() % 4) {
		for (i = 0; i < nr && !live; i++) {
			const struct hw_xri *x = &t[(start + i) % nr];

			if (atomic_load(&x->state) == HW_XRI_ACTIVE)
				live = x;
		}
	}
	if (live) {
		c.xri = (uint32_t)(live - t);
		c.tag = atomic_load(&live->tag);
		c.peer_slot = spray_slot(p, live->dst_slot);
		q = live->src_hwq;
		switch (rnd() % 4) {
		case 0:
			c.c.len = 12;
			memset(c.c.rsp, 0, sizeof(c.c.rsp));
			break;
		case 1:
			c.c.len = 32;
			break;
		case 2:
			c.c.len = rnd() % 64;
			break;
		default:
			break; /* any */
		}
		if (rnd() % 2)
			c.c.xfrd = live->data_len;
		n->cqe_live++;
	} else {
		c.xri = rnd() % 2 ? rnd() % (nr + 64) : rnd();
		c.tag = rnd();
		c.peer_slot = spray_slot(p, p->tslot);
		q = rnd() % p->pv->geo.nr_hwq;
		n->cqe_other++;
	}
	if (q >= p->pv->geo.nr_hwq)
		q = 0;
	if (hw_ring_fill(&((struct hw_bar *)p->pv->base)->cq[q]) >= p->pv->geo.cq[q].entries / 4 ||
	    vm_peer_post_cqe(p, q, &c))
		n->full++;
}

/* churn: the target's login and the link may change (the spray's last
 * third only: before it, the I/O runs, so CQEs for live exchanges go in) */
static void spray_eqe(struct vm_peer *p, struct spray_count *n, bool churn)
{
	struct hw_bar *b = p->pv->base;
	struct hw_rport_desc d;
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.id = rnd() % 2 ? rnd() % 256 : ((uint64_t)rnd() << 32 | rnd());
	e.status = rnd() % 3 ? 0 : -(int32_t)(rnd() % 200);
	e.arg = rnd();
	e.len = rnd() % 3 ? rnd() % (HW_EQE_PAYLOAD + 1) : rnd();
	spray_bytes(e.payload, rnd() % (HW_EQE_PAYLOAD + 1));
	e.peer_slot = spray_slot(p, p->tslot);
	/* in churn, the target's own login changes one event in 32 (cases 5
	 * and 6), and the link one in 40 (a quarter of case 4) */
	switch (!churn || rnd() % 16 ? rnd() % 5 : 5 + rnd() % 2) {
	case 0:
		e.type = HW_EQE_LS_RSP;
		break;
	case 1:
		e.type = HW_EQE_LS_REQ;
		break;
	case 2:
		e.type = HW_EQE_RPORT_ONLINE;
		memset(&d, 0, sizeof(d));
		d.wwnn = (uint64_t)rnd() << 32 | rnd();
		d.wwpn = (uint64_t)rnd() << 32 | rnd();
		d.port_id = rnd() & 0xffffff;
		d.roles = rnd() % 2 ? FC_PORT_ROLE_NVME_TARGET : rnd();
		memcpy(e.payload, &d, sizeof(d));
		e.len = rnd() % 4 ? (uint32_t)sizeof(d) : rnd() % 64;
		e.peer_slot = (uint16_t)(rnd() % 80);
		break;
	case 3:
		e.type = HW_EQE_RPORT_OFFLINE;
		e.peer_slot = (uint16_t)(rnd() % 80);
		break;
	case 4:
		if (!churn || rnd() % 4) {
			e.type = (uint16_t)(HW_EQE_DRV_DOWN + 1 + rnd() % 1000);
			break;
		}
		e.type = HW_EQE_LINK; /* link up, down or any state */
		e.arg = rnd() % 4 ? rnd() % 2 : rnd();
		break;
	case 5:
		/* the target logs in again: as itself, its WWPN under another
		 * WWNN, or another port on its slot */
		e.type = HW_EQE_RPORT_ONLINE;
		memset(&d, 0, sizeof(d));
		d.wwnn = rnd() % 2 ? p->f.fab.r->ns[p->tslot].wwnn : (uint64_t)rnd() << 32 | rnd();
		d.wwpn = rnd() % 2 ? p->target : (uint64_t)rnd() << 32 | rnd();
		d.port_id = p->f.fab.r->ns[p->tslot].port_id;
		d.roles = FC_PORT_ROLE_NVME_TARGET;
		memcpy(e.payload, &d, sizeof(d));
		e.len = sizeof(d);
		e.peer_slot = (uint16_t)p->tslot;
		break;
	default:
		e.type = HW_EQE_RPORT_OFFLINE;
		e.peer_slot = (uint16_t)p->tslot;
		break;
	}
	/* the victim's own slot stays the port server's */
	if ((e.type == HW_EQE_RPORT_ONLINE || e.type == HW_EQE_RPORT_OFFLINE) &&
	    e.peer_slot == p->vslot)
		e.peer_slot = (uint16_t)(HW_MAX_PORTS + rnd() % 16);
	n->eqe++;
	if (hw_ring_fill(&b->deq) >= p->pv->geo.deq.entries / 4 ||
	    hw_ring_post_geo(p->pv->base, &b->deq, &p->pv->geo.deq, &e, sizeof(e)))
		n->full++;
}

int vm_peer_spray(struct vm_peer *p)
{
	uint64_t start = fcnvme_clock_ms(), end = start + (uint64_t)p->secs * 1000;
	uint64_t churn = start + (uint64_t)p->secs * 2000 / 3, now;
	struct spray_count n = { 0 };

	if (!(p->pv->geo.flags & HW_BAR_F_REMOTE) || !p->pv->geo.deq.entries) {
		printf("vm_peer: the victim is not a remote-driver port\n");
		return 1;
	}
	printf("vm_peer: spray seed %u for %u s (rerun with the same seed)\n", p->seed, p->secs);
	srandom(p->seed);
	while ((now = fcnvme_clock_ms()) < end) {
		if (rnd() % 4)
			spray_cqe(p, &n);
		else
			spray_eqe(p, &n, now >= churn);
		usleep(500);
	}
	printf("vm_peer: wrote %lu CQEs for live exchanges, %lu other CQEs, %lu events; %lu not "
	       "written (ring a quarter full)\n",
	       n.cqe_live, n.cqe_other, n.eqe, n.full);
	return 0;
}
