// SPDX-License-Identifier: Apache-2.0
/*
 * vm_forge_rsp: a port that answers another target's command, for
 * tests/vm/faults.sh. It opens its own port on the fabric (a third slot),
 * waits until the victim port (a guest's softhba) holds a Read of --len
 * bytes to --target that the target never received (rx_id still 0: a
 * `softhbactl fault drop-cmd` took the CMD), and writes into the victim's
 * CQ a good FCP_RSP for that exchange, all data moved, from its own slot,
 * as a target port's firmware that took the exchange for one of its own
 * would. Then it waits for the victim's driver to count the entry as
 * dropped (bar.cnt.drops + 1): the driver must take responses only from
 * the exchange's own target. It prints what it did and whether the drop
 * was counted, and exits 0 only if it was (1: not counted in time, 2:
 * usage or setup).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>
#include <fcnvme/num.h>
#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/wwn.h>

#include "hw_fabric.h"
#include "hw_priv.h"
#include "hw_ring.h"

struct forge {
	struct hw_dev f;
	const struct hw_peer_view *pv;
	unsigned int tslot;
	uint32_t len;
};

/* A held Read: active, to the target, len bytes, never received (rx_id 0)
 * for two looks 200 ms apart with the same tag. Returns its index or -1. */
static int forge_find(struct forge *g, uint32_t *tag)
{
	const struct hw_xri *t = (const void *)((uint8_t *)g->pv->base + g->pv->geo.xri_off);
	uint32_t i, seen[2] = { 0, 0 };
	int found[2] = { -1, -1 }, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < g->pv->geo.nr_xri; i++) {
			if (atomic_load(&t[i].state) != HW_XRI_ACTIVE ||
			    t[i].dst_slot != g->tslot || t[i].dir != NVMEFC_FCP_READ ||
			    t[i].data_len != g->len || atomic_load(&t[i].rx_id) != 0)
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

static int forge_post(struct forge *g, uint32_t xri, uint32_t tag)
{
	const struct hw_xri *t = (const void *)((uint8_t *)g->pv->base + g->pv->geo.xri_off);
	struct hw_bar *b = g->pv->base;
	unsigned int q = t[xri].src_hwq;
	struct hw_cqe c;
	int rc;

	if (q >= g->pv->geo.nr_hwq)
		return -ERANGE;
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_FCP_RSP;
	c.peer_slot = (uint16_t)g->f.slot;
	c.xri = xri;
	c.tag = tag;
	c.c.len = 12; /* the all-zero good response */
	c.c.xfrd = g->len;
	rc = hw_ring_post_geo(g->pv->base, &b->cq[q], &g->pv->geo.cq[q], &c, sizeof(c));
	if (rc)
		return rc;
	hw_ring_notify(&b->cq[q]);
	printf("vm_forge_rsp: FCP_RSP (good, %u bytes moved) for xri %u tag %u into CQ %u, from slot %u "
	       "(the exchange's target: slot %u)\n",
	       g->len, xri, tag, q, g->f.slot, g->tslot);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: vm_forge_rsp --fabric NAME --victim WWPN --target WWPN --len BYTES\n"
		"                    [--wwpn OWN] [--wait-ms N]\n");
	return 2;
}

static int forge_open(struct forge *g, const char *fabric, uint64_t own, uint64_t victim,
		      uint64_t target)
{
	char dev[HW_PATH_MAX];
	struct hw_dev_cfg cfg = {
		.dev = dev,
		.wwnn = own ^ 0x1000000000000000ull,
		.wwpn = own,
		.roles = FC_PORT_ROLE_NVME_INITIATOR, /* nothing for the guest to connect to */
		.nr_hwq = 1,
		.cq_entries = 64,
		.dma_size = 1 << 20,
	};
	int vslot, tslot, rc;

	snprintf(dev, sizeof(dev), "soft:%s", fabric);
	rc = hw_dev_open(&g->f, &cfg);
	if (rc) {
		fprintf(stderr, "vm_forge_rsp: cannot open a port on %s: %s\n", fabric,
			strerror(-rc));
		return rc;
	}
	vslot = hw_fabric_find(&g->f.fab, victim);
	tslot = hw_fabric_find(&g->f.fab, target);
	if (vslot < 0 || tslot < 0) {
		fprintf(stderr, "vm_forge_rsp: %s port %016llx is not on the fabric\n",
			vslot < 0 ? "victim" : "target",
			(unsigned long long)(vslot < 0 ? victim : target));
		rc = -ENOENT;
		goto close_dev;
	}
	rc = hw_dev_peer(&g->f, (unsigned int)vslot);
	g->pv = rc ? NULL : hw_dev_peer_view(&g->f, (unsigned int)vslot);
	if (!g->pv) {
		fprintf(stderr, "vm_forge_rsp: cannot map the victim's region: %s\n",
			strerror(rc ? -rc : EFAULT));
		rc = rc ? rc : -EFAULT;
		goto close_dev;
	}
	g->tslot = (unsigned int)tslot;
	return 0;

close_dev:
	hw_dev_close(&g->f);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fabric", 1, NULL, 'f' }, { "victim", 1, NULL, 'v' }, { "target", 1, NULL, 't' },
		{ "len", 1, NULL, 'l' },    { "wwpn", 1, NULL, 'w' },	{ "wait-ms", 1, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t victim = 0, target = 0, own = 0x10000000000000f0ull, drops0, end;
	const char *fabric = NULL;
	unsigned long wait_ms = 10000;
	struct forge g = { 0 };
	struct hw_bar *b;
	uint32_t tag = 0;
	int o, xri = -1, rc = 1;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		uint64_t v;

		switch (o) {
		case 'f':
			fabric = optarg;
			break;
		case 'v':
		case 't':
		case 'w':
			if (fcnvme_wwn_parse(optarg, o == 'v'	? &victim
						     : o == 't' ? &target
								: &own)) {
				fprintf(stderr, "vm_forge_rsp: bad WWPN '%s'\n", optarg);
				return 2;
			}
			break;
		case 'l':
		case 'W':
			if (fcnvme_num_parse(optarg, 1, o == 'l' ? 1u << 20 : 600000, &v)) {
				fprintf(stderr, "vm_forge_rsp: bad number '%s'\n", optarg);
				return 2;
			}
			if (o == 'l')
				g.len = (uint32_t)v;
			else
				wait_ms = (unsigned long)v;
			break;
		default:
			return usage();
		}
	}
	if (!fabric || !victim || !target || !g.len || !own || optind != argc)
		return usage();
	if (forge_open(&g, fabric, own, victim, target))
		return 2;
	b = g.pv->base;
	end = fcnvme_clock_ms() + wait_ms;
	while ((xri = forge_find(&g, &tag)) < 0 && fcnvme_clock_ms() < end)
		usleep(100000);
	if (xri < 0) {
		printf("vm_forge_rsp: no held Read of %u bytes to slot %u within %lu ms\n", g.len,
		       g.tslot, wait_ms);
		goto close_dev;
	}
	drops0 = atomic_load(&b->cnt.drops);
	if (forge_post(&g, (uint32_t)xri, tag)) {
		printf("vm_forge_rsp: the victim's CQ took no entry\n");
		goto close_dev;
	}
	end = fcnvme_clock_ms() + wait_ms;
	while (atomic_load(&b->cnt.drops) == drops0 && fcnvme_clock_ms() < end)
		usleep(10000);
	rc = atomic_load(&b->cnt.drops) == drops0 + 1 ? 0 : 1;
	printf("vm_forge_rsp: the victim's drops counter went from %llu to %llu\n",
	       (unsigned long long)drops0, (unsigned long long)atomic_load(&b->cnt.drops));
close_dev:
	hw_dev_close(&g.f);
	return rc;
}
