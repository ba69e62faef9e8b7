// SPDX-License-Identifier: Apache-2.0
/*
 * vm_peer ls-race: in the victim's event ring, one after the other, a
 * remote port coming online on a free slot, an LS request from it and the
 * same port going offline, as a port server would pass them for a target
 * that sends an LS and logs out at once. The guest's driver takes all
 * three in one pass of its slow path (at its next slow-path interrupt), so
 * nvme-fc's work for the request runs after the remote port was
 * unregistered: Linux 6.1's nvme-fc then calls the driver's xmt_ls_rsp
 * with a response it did not fill in (tests/vm/peer_garbage.sh).
 */
#include <stdio.h>
#include <string.h>

#include <fcnvme/fc_wire.h>

#include "vm_peer.h"

int vm_peer_lsrace(struct vm_peer *p)
{
	const unsigned int slot = HW_MAX_PORTS - 1;
	struct hw_rport_desc d = {
		.wwnn = 0x20000090fa00ee01ull,
		.wwpn = 0x10000090fa00ee01ull,
		.port_id = 0x01ee01,
		.roles = FC_PORT_ROLE_NVME_TARGET,
	};
	struct hw_eqe e;
	int rc;

	if (!(p->pv->geo.flags & HW_BAR_F_REMOTE) || slot == p->tslot || slot == p->vslot) {
		printf("vm_peer: the victim is not a remote-driver port, or slot %u is taken\n",
		       slot);
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_RPORT_ONLINE;
	e.peer_slot = (uint16_t)slot;
	e.len = sizeof(d);
	memcpy(e.payload, &d, sizeof(d));
	rc = vm_peer_post_eqe(p, &e);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_REQ;
	e.peer_slot = (uint16_t)slot;
	e.id = 0x5eed;
	e.len = 48;
	e.payload[0] = 0x0a; /* Disconnect Association; the rest does not matter */
	rc = rc ? rc : vm_peer_post_eqe(p, &e);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_RPORT_OFFLINE;
	e.peer_slot = (uint16_t)slot;
	rc = rc ? rc : vm_peer_post_eqe(p, &e);
	if (rc) {
		printf("vm_peer: the victim's event ring took not all three entries\n");
		return 1;
	}
	printf("vm_peer: remote port %016llx online on slot %u, an LS request from it, offline\n",
	       (unsigned long long)d.wwpn, slot);
	return 0;
}
