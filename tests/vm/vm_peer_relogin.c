// SPDX-License-Identifier: Apache-2.0
/*
 * vm_peer relogin: in the victim's event ring, its target logging out and
 * in again on the same slot with the same WWPN under another WWNN, as a
 * port server could pass them (or anything that writes the region). To
 * nvme-fc that is another remote port: the victim's controllers stay with
 * the target's real one, suspended. When the port server then passes the
 * target's real login (peer_garbage.sh has the target send an RSCN), the
 * guest's driver must register the real names again, so that nvme-fc
 * resumes that remote port and the controllers reconnect.
 */
#include <stdio.h>
#include <string.h>

#include <fcnvme/fc_wire.h>

#include "vm_peer.h"

int vm_peer_relogin(struct vm_peer *p)
{
	const struct hw_ns_entry *ns = &p->f.fab.r->ns[p->tslot];
	struct hw_rport_desc d = {
		.wwnn = ns->wwnn ^ 0xff,
		.wwpn = p->target,
		.port_id = ns->port_id,
		.roles = FC_PORT_ROLE_NVME_TARGET,
	};
	struct hw_eqe e;
	int rc;

	if (!(p->pv->geo.flags & HW_BAR_F_REMOTE)) {
		printf("vm_peer: the victim is not a remote-driver port\n");
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_RPORT_OFFLINE;
	e.peer_slot = (uint16_t)p->tslot;
	rc = vm_peer_post_eqe(p, &e);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_RPORT_ONLINE;
	e.peer_slot = (uint16_t)p->tslot;
	e.len = sizeof(d);
	memcpy(e.payload, &d, sizeof(d));
	rc = rc ? rc : vm_peer_post_eqe(p, &e);
	if (rc) {
		printf("vm_peer: the victim's event ring took not both entries\n");
		return 1;
	}
	printf("vm_peer: target %016llx on slot %u logged out, and in under WWNN %016llx\n",
	       (unsigned long long)p->target, p->tslot, (unsigned long long)d.wwnn);
	return 0;
}
