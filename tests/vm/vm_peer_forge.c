// SPDX-License-Identifier: Apache-2.0
/*
 * vm_peer forge-rsp: wait until the victim port (a guest's softhba) holds
 * a Read of --len bytes to --target that the target never received (rx_id
 * still 0: a `softhbactl fault drop-cmd` took the CMD), and write into the
 * victim's CQ a good FCP_RSP for that exchange, all data moved, from our
 * own slot, as a target port's firmware that took the exchange for one of
 * its own would. Then wait for the victim's driver to count the entry as
 * dropped (bar.cnt.drops + 1): the driver must take responses only from
 * the exchange's own target. Prints what it did; 0 only if the drop was
 * counted.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/nvme_fc_driver.h>

#include "vm_peer.h"

/* A held Read: active, to the target, len bytes, never received (rx_id 0)
 * for two looks 200 ms apart with the same tag. Returns its index or -1. */
static int forge_find(struct vm_peer *p, uint32_t *tag)
{
	const struct hw_xri *t = vm_peer_xri(p);
	uint32_t i, seen[2] = { 0, 0 };
	int found[2] = { -1, -1 }, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < p->pv->geo.nr_xri; i++) {
			if (atomic_load(&t[i].state) != HW_XRI_ACTIVE ||
			    t[i].dst_slot != p->tslot || t[i].dir != NVMEFC_FCP_READ ||
			    t[i].data_len != p->len || atomic_load(&t[i].rx_id) != 0)
				continue;
			found[k] = (int)i;
			seen[k] = atomic_load(&t[i].tag);
			break;
		}
		if (found[k] < 0)
			return -1;
		if (k == 0)
			usleep(200000);
	}
	if (found[0] != found[1] || seen[0] != seen[1])
		return -1;
	*tag = seen[0];
	return found[0];
}

int vm_peer_forge(struct vm_peer *p)
{
	struct hw_bar *b = p->pv->base;
	uint64_t drops0, end = fcnvme_clock_ms() + p->wait_ms;
	uint32_t tag = 0;
	unsigned int q;
	struct hw_cqe c;
	int xri;

	while ((xri = forge_find(p, &tag)) < 0 && fcnvme_clock_ms() < end)
		usleep(100000);
	if (xri < 0) {
		printf("vm_peer: no held Read of %u bytes to slot %u within %lu ms\n", p->len,
		       p->tslot, p->wait_ms);
		return 1;
	}
	q = vm_peer_xri(p)[xri].src_hwq;
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_FCP_RSP;
	c.peer_slot = (uint16_t)p->f.slot;
	c.xri = (uint32_t)xri;
	c.tag = tag;
	c.c.len = 12; /* the all-zero good response */
	c.c.xfrd = p->len;
	drops0 = atomic_load(&b->cnt.drops);
	if (vm_peer_post_cqe(p, q, &c)) {
		printf("vm_peer: the victim's CQ %u took no entry\n", q);
		return 1;
	}
	printf("vm_peer: FCP_RSP (good, %u bytes moved) for xri %d tag %u into CQ %u, from slot %u "
	       "(the exchange's target: slot %u)\n",
	       p->len, xri, tag, q, p->f.slot, p->tslot);
	end = fcnvme_clock_ms() + p->wait_ms;
	while (atomic_load(&b->cnt.drops) == drops0 && fcnvme_clock_ms() < end)
		usleep(10000);
	printf("vm_peer: the victim's drops counter went from %llu to %llu\n",
	       (unsigned long long)drops0, (unsigned long long)atomic_load(&b->cnt.drops));
	return atomic_load(&b->cnt.drops) == drops0 + 1 ? 0 : 1;
}
