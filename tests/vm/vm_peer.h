/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vm_peer: a port of its own on a VM test's fabric that writes into a
 * guest port's region what a misbehaving peer could, for the VM tests
 * (tests/vm/faults.sh, tests/vm/peer_garbage.sh). Modes:
 *   forge-rsp  answer a Read the guest sent to another target (vm_peer_forge.c)
 *   spray      seeded garbage into the guest's CQs and event ring (vm_peer_spray.c)
 *   ls-race    an LS request from a remote port that goes offline at once (vm_peer_lsrace.c)
 *   relogin    the target logged out and in again under another WWNN (vm_peer_relogin.c)
 */
#ifndef VM_PEER_H
#define VM_PEER_H

#include <stdint.h>

#include "hw_fabric.h"
#include "hw_priv.h"

struct vm_peer {
	struct hw_dev f;	       /* our own port (a third slot) */
	const struct hw_peer_view *pv; /* the victim's region, its geometry */
	unsigned int vslot, tslot;     /* the victim's and the target's slots */
	uint64_t target;	       /* the target's WWPN */
	uint32_t len;		       /* forge-rsp: the held Read's bytes */
	unsigned long wait_ms;	       /* forge-rsp: how long to wait for it */
	uint32_t seed, secs;	       /* spray */
};

/* The victim's exchange table (the host exchanges its driver fills). */
static inline const struct hw_xri *vm_peer_xri(const struct vm_peer *p)
{
	return (const void *)((const uint8_t *)p->pv->base + p->pv->geo.xri_off);
}

/* Post CQE c into the victim's CQ q and raise its interrupt (the port
 * server's thread for that CQ turns the futex into the guest's MSI-X). */
int vm_peer_post_cqe(struct vm_peer *p, unsigned int q, const struct hw_cqe *c);

/* Post event e into the victim's event ring (deq); no interrupt: the
 * guest's driver takes it at its next slow-path interrupt, which only the
 * port server raises. */
int vm_peer_post_eqe(struct vm_peer *p, const struct hw_eqe *e);

int vm_peer_forge(struct vm_peer *p);
int vm_peer_spray(struct vm_peer *p);
int vm_peer_lsrace(struct vm_peer *p);
int vm_peer_relogin(struct vm_peer *p);

#endif
