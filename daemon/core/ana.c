// SPDX-License-Identifier: Apache-2.0
/*
 * Asymmetric Namespace Access: groups (1..TGT_MAX_ANAGRP; group 1 always
 * exists), a state per group and port, change counting, the ANA log page and
 * the ANA change events. States are written on [ctl] and read by I/O threads
 * with relaxed atomic loads (an advisory per-command check).
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "tgt_priv.h"

/* The state of group grpid on port p (optimized when p is unknown). */
uint8_t ana_state(const struct tgt_port *p, uint32_t grpid)
{
	if (!p || grpid > TGT_MAX_ANAGRP)
		return NVME_ANA_OPTIMIZED;
	return atomic_load_explicit(&p->ana_state[grpid], memory_order_relaxed);
}

/* Initialize a new port: every group starts optimized. */
void ana_port_init(struct tgt *t, struct tgt_port *p)
{
	unsigned int g;

	(void)t;
	for (g = 0; g <= TGT_MAX_ANAGRP; g++)
		atomic_init(&p->ana_state[g], NVME_ANA_OPTIMIZED);
}

static void ana_notify(struct tgt *t, const struct tgt_port *only)
{
	struct subsys *s;
	struct ctrl *c;

	t->ana_chgcnt++;
	for (s = t->subsys_list; s; s = s->next)
		for (c = s->ctrls; c; c = c->next)
			if (!only || c->port == only)
				ctrl_add_aen(c, NVME_AEN_CFG_ANA_CHANGE,
					     NVME_AER_RESULT(NVME_AER_TYPE_NOTICE,
							     NVME_AER_NOTICE_ANA, NVME_LOG_ANA));
}

/* ANA information changed for every port (group membership). */
void tgt_ana_changed(struct tgt *t)
{
	ana_notify(t, NULL);
}

/* Create an ANA group (idempotent). */
int tgt_ana_group_add(struct tgt *t, uint32_t grpid, char *err, size_t errlen)
{
	unsigned int i;

	if (!grpid || grpid > TGT_MAX_ANAGRP) {
		tgt_err(err, errlen, "ANA group id must be 1-%u", TGT_MAX_ANAGRP);
		return -EINVAL;
	}
	if (t->ana_grp[grpid])
		return 0;
	t->ana_grp[grpid] = true;
	for (i = 0; i < TGT_MAX_PORTS; i++)
		if (t->ports[i])
			atomic_store(&t->ports[i]->ana_state[grpid], NVME_ANA_OPTIMIZED);
	ana_notify(t, NULL);
	return 0;
}

/* Delete an unused ANA group (idempotent). */
int tgt_ana_group_del(struct tgt *t, uint32_t grpid, char *err, size_t errlen)
{
	struct subsys *s;
	struct ns *ns;

	if (grpid == 1) {
		tgt_err(err, errlen, "ANA group 1 cannot be deleted");
		return -EINVAL;
	}
	if (!grpid || grpid > TGT_MAX_ANAGRP || !t->ana_grp[grpid])
		return 0;
	for (s = t->subsys_list; s; s = s->next) {
		for (ns = s->ns_list; ns; ns = ns->next) {
			if (ns->params.anagrpid == grpid) {
				tgt_err(err, errlen, "ANA group %u is used by namespace %u of %s",
					grpid, ns->nsid, s->nqn);
				return -EBUSY;
			}
		}
	}
	t->ana_grp[grpid] = false;
	ana_notify(t, NULL);
	return 0;
}

/* Set the state of a group on a port. */
int tgt_ana_set_state(struct tgt *t, uint32_t grpid, uint16_t portid, uint8_t state, char *err,
		      size_t errlen)
{
	struct tgt_port *p;

	switch (state) {
	case NVME_ANA_OPTIMIZED:
	case NVME_ANA_NONOPTIMIZED:
	case NVME_ANA_INACCESSIBLE:
	case NVME_ANA_PERSISTENT_LOSS:
	case NVME_ANA_CHANGE:
		break;
	default:
		tgt_err(err, errlen, "invalid ANA state %u", state);
		return -EINVAL;
	}
	if (!grpid || grpid > TGT_MAX_ANAGRP || !t->ana_grp[grpid]) {
		tgt_err(err, errlen, "no ANA group %u", grpid);
		return -ENOENT;
	}
	p = tgt_port_find(t, portid);
	if (!p) {
		tgt_err(err, errlen, "no port with id %u", portid);
		return -ENOENT;
	}
	if (ana_state(p, grpid) == state)
		return 0;
	atomic_store_explicit(&p->ana_state[grpid], state, memory_order_relaxed);
	ana_notify(t, p);
	return 0;
}

/* Build the ANA log page for controller c into buf (cap bytes, zeroed by
 * the caller); returns its full length (may exceed cap). */
size_t ana_log_build(struct ctrl *c, bool rgo, uint8_t *buf, size_t cap)
{
	struct tgt *t = c->t;
	struct nvme_ana_rsp_hdr hdr;
	struct nvme_ana_group_desc d;
	size_t off = sizeof(hdr), doff;
	uint16_t ngrps = 0;
	uint32_t g, nsid;
	struct ns *ns;

	for (g = 1; g <= TGT_MAX_ANAGRP; g++) {
		if (!t->ana_grp[g])
			continue;
		memset(&d, 0, sizeof(d));
		d.grpid = htole32(g);
		d.chgcnt = htole64(t->ana_chgcnt);
		d.state = ana_state(c->port, g);
		doff = off;
		off += sizeof(d);
		for (ns = c->subsys->ns_list; !rgo && ns; ns = ns->next) {
			if (!ns_visible(ns, c) || ns->params.anagrpid != g)
				continue;
			nsid = htole32(ns->nsid);
			if (off + 4 <= cap)
				memcpy(buf + off, &nsid, 4);
			off += 4;
			d.nnsids = htole32(le32toh(d.nnsids) + 1);
		}
		if (doff + sizeof(d) <= cap)
			memcpy(buf + doff, &d, sizeof(d));
		ngrps++;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.chgcnt = htole64(t->ana_chgcnt);
	hdr.ngrps = htole16(ngrps);
	if (sizeof(hdr) <= cap)
		memcpy(buf, &hdr, sizeof(hdr));
	return off;
}

/* Walk (group, port) pairs. */
int tgt_ana_foreach(struct tgt *t, int (*cb)(const struct tgt_ana_info *, void *), void *arg)
{
	struct tgt_ana_info info;
	struct subsys *s;
	struct ns *ns;
	unsigned int g, i, nr_ns;
	bool any;
	int rc;

	for (g = 1; g <= TGT_MAX_ANAGRP; g++) {
		if (!t->ana_grp[g])
			continue;
		nr_ns = 0;
		for (s = t->subsys_list; s; s = s->next)
			for (ns = s->ns_list; ns; ns = ns->next)
				nr_ns += ns->params.anagrpid == g;
		any = false;
		for (i = 0; i < TGT_MAX_PORTS; i++) {
			if (!t->ports[i])
				continue;
			any = true;
			memset(&info, 0, sizeof(info));
			info.grpid = g;
			info.portid = t->ports[i]->portid;
			info.state = ana_state(t->ports[i], g);
			info.nr_ns = nr_ns;
			rc = cb(&info, arg);
			if (rc)
				return rc;
		}
		if (!any) {
			memset(&info, 0, sizeof(info));
			info.grpid = g;
			info.state = NVME_ANA_OPTIMIZED;
			info.nr_ns = nr_ns;
			rc = cb(&info, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}
