// SPDX-License-Identifier: Apache-2.0
/*
 * vm_peer MODE --fabric NAME --victim WWPN --target WWPN [options]: open a
 * port of our own on the fabric (a third slot, initiator role, so that the
 * guest has nothing to connect to), map the victim's region and run MODE
 * (vm_peer.h). Exit status: 0 as the mode says, 1 the mode's check failed,
 * 2 usage or setup.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/num.h>
#include <fcnvme/wwn.h>

#include "hw_ring.h"
#include "vm_peer.h"

int vm_peer_post_cqe(struct vm_peer *p, unsigned int q, const struct hw_cqe *c)
{
	struct hw_bar *b = p->pv->base;
	int rc;

	if (q >= p->pv->geo.nr_hwq)
		return -ERANGE;
	rc = hw_ring_post_geo(p->pv->base, &b->cq[q], &p->pv->geo.cq[q], c, sizeof(*c));
	if (!rc)
		hw_ring_notify(&b->cq[q]);
	return rc;
}

int vm_peer_post_eqe(struct vm_peer *p, const struct hw_eqe *e)
{
	struct hw_bar *b = p->pv->base;

	return hw_ring_post_geo(p->pv->base, &b->deq, &p->pv->geo.deq, e, sizeof(*e));
}

static int vm_peer_open(struct vm_peer *p, const char *fabric, uint64_t own, uint64_t victim)
{
	char dev[HW_PATH_MAX];
	struct hw_dev_cfg cfg = {
		.dev = dev,
		.wwnn = own ^ 0x3000000000000000ull,
		.wwpn = own,
		.roles = FC_PORT_ROLE_NVME_INITIATOR,
		.nr_hwq = 1,
		.cq_entries = 64,
		.dma_size = 1 << 20,
	};
	int vslot, tslot, rc;

	snprintf(dev, sizeof(dev), "soft:%s", fabric);
	rc = hw_dev_open(&p->f, &cfg);
	if (rc) {
		fprintf(stderr, "vm_peer: cannot open a port on %s: %s\n", fabric, strerror(-rc));
		return rc;
	}
	vslot = hw_fabric_find(&p->f.fab, victim);
	tslot = hw_fabric_find(&p->f.fab, p->target);
	if (vslot < 0 || tslot < 0) {
		fprintf(stderr, "vm_peer: %s port %016llx is not on the fabric\n",
			vslot < 0 ? "victim" : "target",
			(unsigned long long)(vslot < 0 ? victim : p->target));
		rc = -ENOENT;
		goto close_dev;
	}
	rc = hw_dev_peer(&p->f, (unsigned int)vslot);
	p->pv = rc ? NULL : hw_dev_peer_view(&p->f, (unsigned int)vslot);
	if (!p->pv) {
		fprintf(stderr, "vm_peer: cannot map the victim's region: %s\n",
			strerror(rc ? -rc : EFAULT));
		rc = rc ? rc : -EFAULT;
		goto close_dev;
	}
	p->vslot = (unsigned int)vslot;
	p->tslot = (unsigned int)tslot;
	return 0;

close_dev:
	hw_dev_close(&p->f);
	return rc;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: vm_peer forge-rsp|spray|ls-race|relogin --fabric NAME --victim WWPN --target WWPN [--wwpn OWN]\n"
		"       forge-rsp: --len BYTES [--wait-ms N]   spray: --seed N --secs N\n");
	return 2;
}

/* One numeric option in [min, max]. */
static int vm_peer_num(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	if (fcnvme_num_parse(s, min, max, v)) {
		fprintf(stderr, "vm_peer: bad number '%s' (%llu to %llu)\n", s,
			(unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fabric", 1, NULL, 'f' }, { "victim", 1, NULL, 'v' }, { "target", 1, NULL, 't' },
		{ "wwpn", 1, NULL, 'w' },   { "len", 1, NULL, 'l' },	{ "wait-ms", 1, NULL, 'W' },
		{ "seed", 1, NULL, 's' },   { "secs", 1, NULL, 'S' },	{ NULL, 0, NULL, 0 }
	};
	uint64_t victim = 0, own = 0x10000000000000f0ull, v;
	struct vm_peer p = { .wait_ms = 10000, .secs = 10 };
	const char *fabric = NULL, *mode;
	int o, rc;

	if (argc < 2)
		return usage();
	mode = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			fabric = optarg;
			break;
		case 'v':
		case 't':
		case 'w':
			if (fcnvme_wwn_parse(optarg, o == 'v'	? &victim
						     : o == 't' ? &p.target
								: &own)) {
				fprintf(stderr, "vm_peer: bad WWPN '%s'\n", optarg);
				return 2;
			}
			break;
		case 'l':
			if (vm_peer_num(optarg, 1, 1u << 20, &v))
				return 2;
			p.len = (uint32_t)v;
			break;
		case 'W':
			if (vm_peer_num(optarg, 1, 600000, &v))
				return 2;
			p.wait_ms = (unsigned long)v;
			break;
		case 's':
			if (vm_peer_num(optarg, 0, UINT32_MAX, &v))
				return 2;
			p.seed = (uint32_t)v;
			break;
		case 'S':
			if (vm_peer_num(optarg, 1, 600, &v))
				return 2;
			p.secs = (uint32_t)v;
			break;
		default:
			return usage();
		}
	}
	if (!fabric || !victim || !p.target || !own || optind != argc)
		return usage();
	if (strcmp(mode, "forge-rsp") == 0) {
		if (!p.len)
			return usage();
	} else if (strcmp(mode, "spray") != 0 && strcmp(mode, "ls-race") != 0 &&
		   strcmp(mode, "relogin") != 0) {
		return usage();
	}
	if (vm_peer_open(&p, fabric, own, victim))
		return 2;
	if (strcmp(mode, "spray") == 0)
		rc = vm_peer_spray(&p);
	else if (strcmp(mode, "ls-race") == 0)
		rc = vm_peer_lsrace(&p);
	else if (strcmp(mode, "relogin") == 0)
		rc = vm_peer_relogin(&p);
	else
		rc = vm_peer_forge(&p);
	hw_dev_close(&p.f);
	return rc;
}
