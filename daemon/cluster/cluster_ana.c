// SPDX-License-Identifier: Apache-2.0
/*
 * ANA groups across the nodes: our state per group, claiming our
 * configured group, the takeover of a lost owner's groups by its
 * successor, fence first, and the handover of ours when we stop. [ctl]
 * See cluster.c for the design.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/clock.h>
#include <fcnvme/nvme_log.h>

#include "cluster_priv.h"
#include "fcd.h"
#include "log.h"

/* ---- ANA ----------------------------------------------------------------- */

void cl_group_ensure(struct cluster *cl, uint32_t g)
{
	if (cl->ana[g] != 0xff)
		return;
	tgt_ana_group_add(cl->d->tgt, g, NULL, 0);
	cl->ana[g] = NVME_ANA_OPTIMIZED; /* a new group starts optimized */
}

/* Set our state of group g on every port. */
void cl_ana_set(struct cluster *cl, uint32_t g, uint8_t state)
{
	static const char *const names[] = { [NVME_ANA_OPTIMIZED] = "optimized",
					     [NVME_ANA_NONOPTIMIZED] = "non-optimized",
					     [NVME_ANA_INACCESSIBLE] = "inaccessible",
					     [NVME_ANA_PERSISTENT_LOSS] = "persistent-loss",
					     [NVME_ANA_CHANGE] = "change" };
	unsigned int i;

	cl_group_ensure(cl, g);
	if (cl->ana[g] == state)
		return;
	for (i = 0; cl->d->conf && i < cl->d->conf->nr_ports; i++)
		tgt_ana_set_state(cl->d->tgt, g, cl->d->conf->ports[i].portid, state, NULL, 0);
	log_info("cluster: ANA group %u is %s here (owner %s)", g,
		 state < sizeof(names) / sizeof(names[0]) ? names[state] : "?",
		 cl->view.groups[g].owner[0] ? cl->view.groups[g].owner : "none");
	cl->ana[g] = state;
}

/* The live node that takes over from `lost`: the next by id after it. */
static const struct cl_node *cl_successor(struct cluster *cl, const struct cl_node *lost)
{
	const struct cl_node *best = NULL;
	unsigned int i, dist, bestd = ~0u;

	for (i = 0; i < cl->view.nr_nodes; i++) {
		const struct cl_node *n = &cl->view.nodes[i];

		if (n == lost || !cl_alive(cl, n))
			continue;
		dist = (n->id + 16u - lost->id) % 16u;
		if (dist && dist < bestd) {
			bestd = dist;
			best = n;
		}
	}
	return best;
}

int cl_group_write(struct cluster *cl, uint32_t g, const char *owner, uint64_t epoch)
{
	char key[32], val[128];

	snprintf(key, sizeof(key), "group/%u", g);
	snprintf(val, sizeof(val), "owner=%s epoch=%" PRIu64, owner, epoch);
	return cl_store_set(&cl->st, key, val);
}

/* Fence every address node published; 0 when all are blocklisted. */
static int cl_fence(struct cluster *cl, const struct cl_node *n)
{
	char a[256];
	const char *p = n->addrs;
	size_t len;
	int rc, bad = 0;

	while (*p) {
		len = strcspn(p, ",");
		snprintf(a, sizeof(a), "%.*s", (int)len, p);
		if (a[0]) {
			rc = cl_store_blocklist(&cl->st, a);
			if (rc) {
				log_warnx("cluster: cannot blocklist %s of %s: %s", a, n->name,
					  strerror(-rc));
				bad++;
			} else {
				log_info("cluster: fenced %s (%s)", n->name, a);
			}
		}
		p += len;
		if (*p)
			p++;
	}
	return bad ? -EIO : 0;
}

/* We are the successor of group g's lost owner: fence it, then own g. */
static void cl_take_over(struct cluster *cl, uint32_t g, const struct cl_node *lost)
{
	char val[128], owner[CONF_NAME_MAX], key[32];
	uint64_t t0 = fcnvme_clock_ms();
	int rc;

	cl_ana_set(cl, g, NVME_ANA_CHANGE);
	if (cl_store_lock(&cl->st, CL_LOCK_MS))
		return;
	snprintf(key, sizeof(key), "group/%u", g);
	rc = cl_store_get(&cl->st, key, val, sizeof(val));
	cl_word(rc ? "" : val, "owner", owner, sizeof(owner));
	if (rc || strcmp(owner, lost->name) || cl_fence(cl, lost))
		goto out_unlock; /* changed meanwhile, or not fenced: not ours */
	rc = cl_group_write(cl, g, cl->cfg.node, cl_word_u64(val, "epoch") + 1);
	if (rc) {
		log_warnx("cluster: cannot take ANA group %u: %s", g, strerror(-rc));
		goto out_unlock;
	}
	snprintf(cl->view.groups[g].owner, sizeof(cl->view.groups[g].owner), "%s", cl->cfg.node);
	cl->view.groups[g].epoch = cl_word_u64(val, "epoch") + 1;
	log_info("cluster: took over ANA group %u from lost node %s (fenced first, %" PRIu64 " ms)",
		 g, lost->name, fcnvme_clock_ms() - t0);
	cl_ana_set(cl, g, NVME_ANA_OPTIMIZED);
out_unlock:
	cl_store_unlock(&cl->st);
	cl_store_notify(&cl->st);
}

/* Claim an unowned group (our configured one). */
static void cl_claim(struct cluster *cl, uint32_t g)
{
	char key[32], val[128];

	if (cl_store_lock(&cl->st, CL_LOCK_MS))
		return;
	snprintf(key, sizeof(key), "group/%u", g);
	if (cl_store_get(&cl->st, key, val, sizeof(val)) == -ENOENT &&
	    !cl_group_write(cl, g, cl->cfg.node, 1)) {
		log_info("cluster: claimed ANA group %u", g);
		cl->view.groups[g].present = true;
		snprintf(cl->view.groups[g].owner, sizeof(cl->view.groups[g].owner), "%s",
			 cl->cfg.node);
		cl->view.groups[g].epoch = 1;
	}
	cl_store_unlock(&cl->st);
	cl_store_notify(&cl->st);
}

/* Under the object's lock, on a read made under it: when group g's record
 * still names `from` as its owner, write `to` as the owner with the epoch
 * plus one (into *epoch), no fence (move-group's rule, for a handover and
 * a failback). 0, -ESTALE when the record names another owner, or the
 * error of the lock or the write. */
static int cl_group_pass(struct cluster *cl, uint32_t g, const char *from, const char *to,
			 uint64_t *epoch)
{
	char key[32], val[128], owner[CONF_NAME_MAX];
	int rc = cl_store_lock(&cl->st, CL_LOCK_MS);

	if (rc)
		return rc;
	snprintf(key, sizeof(key), "group/%u", g);
	if (cl_store_get(&cl->st, key, val, sizeof(val)))
		val[0] = '\0';
	cl_word(val, "owner", owner, sizeof(owner));
	*epoch = cl_word_u64(val, "epoch") + 1;
	rc = strcmp(owner, from) ? -ESTALE : cl_group_write(cl, g, to, *epoch);
	cl_store_unlock(&cl->st);
	return rc;
}

/* A clean stop: hand each group we own to our successor, the node that
 * would take it over if we were lost, as `cluster move-group` does: under
 * the object's lock, from a read made under it, the epoch plus one, no
 * fence (we are alive and about to close our clients). The successor
 * reports it optimized on its next read (the notify makes that at once)
 * instead of after dead_ms and a fence, and nothing of ours is
 * blocklisted. A group no live node can take stays ours: were we not to
 * come back, it is taken over as from a lost node. Returns how many groups
 * stay ours, -1 when we are not a member in good standing (nothing done). */
int cl_leave(struct cluster *cl)
{
	const struct cl_node *self, *succ;
	unsigned int moved = 0;
	uint64_t epoch;
	int kept = 0, rc;
	uint32_t g;

	if (!cl->st_ok || cl->fenced || cl->rejoin_barrier || cl_read(cl))
		return -1;
	self = cl_node_find(&cl->view, cl->cfg.node);
	if (!self)
		return -1;
	for (g = 1; g <= TGT_MAX_ANAGRP; g++) {
		if (!cl->view.groups[g].present || strcmp(cl->view.groups[g].owner, self->name))
			continue;
		succ = cl_successor(cl, self);
		if (!succ) {
			log_info("cluster: ANA group %u stays with this node: no live node to hand "
				 "it to",
				 g);
			kept++;
			continue;
		}
		rc = cl_group_pass(cl, g, self->name, succ->name, &epoch);
		if (!rc) {
			log_info("cluster: ANA group %u handed to %s (leaving)", g, succ->name);
			cl_ana_set(cl, g, NVME_ANA_NONOPTIMIZED);
			moved++;
		} else if (rc != -ESTALE) {
			log_warnx("cluster: cannot hand ANA group %u over: %s", g, strerror(-rc));
			kept++;
		}
	}
	if (moved)
		cl_store_notify(&cl->st);
	return kept;
}

/* failback_ms: our configured group is owned by another live node, and we
 * have been a member in good standing that long: take it back as
 * move-group would (under the lock, from a read made under it, epoch plus
 * one, no fence: the owner lives and steps down when it reads). A group
 * whose owner is lost goes through the takeover first, fence first. */
static void cl_failback(struct cluster *cl)
{
	uint32_t g = cl->cfg.ana_group;
	struct cl_group *gr = &cl->view.groups[g];
	const struct cl_node *o;
	uint64_t now = fcnvme_clock_ms(), epoch;

	if (atomic_load(&cl->hb_rc)) { /* our heartbeat fails: not in good standing */
		cl->member_ms = 0;
		return;
	}
	if (!cl->member_ms)
		cl->member_ms = now;
	if (!cl->cfg.failback_ms || !g || !gr->present || !strcmp(gr->owner, cl->cfg.node) ||
	    now - cl->member_ms < cl->cfg.failback_ms)
		return;
	o = cl_node_find(&cl->view, gr->owner);
	if (!o || !cl_alive(cl, o) || cl_group_pass(cl, g, o->name, cl->cfg.node, &epoch))
		return; /* moved meanwhile, or not written: the next read */
	snprintf(gr->owner, sizeof(gr->owner), "%s", cl->cfg.node);
	gr->epoch = epoch;
	log_info("cluster: took ANA group %u back from %s (failback, a member for %" PRIu64 " ms)",
		 g, o->name, now - cl->member_ms);
	cl_store_notify(&cl->st);
}

void cl_groups(struct cluster *cl)
{
	const struct cl_node *owner, *succ;
	struct cl_group *gr;
	uint32_t g;

	if (cl->cfg.ana_group && !cl->view.groups[cl->cfg.ana_group].present)
		cl_claim(cl, cl->cfg.ana_group);
	cl_failback(cl);
	for (g = 1; g <= TGT_MAX_ANAGRP; g++) {
		gr = &cl->view.groups[g];
		if (!gr->present)
			continue;
		if (!strcmp(gr->owner, cl->cfg.node)) {
			cl_ana_set(cl, g, NVME_ANA_OPTIMIZED);
			continue;
		}
		owner = cl_node_find(&cl->view, gr->owner);
		if (owner && cl_alive(cl, owner)) {
			cl_ana_set(cl, g, NVME_ANA_NONOPTIMIZED);
			continue;
		}
		succ = owner ? cl_successor(cl, owner) : NULL;
		if (succ && !strcmp(succ->name, cl->cfg.node))
			cl_take_over(cl, g, owner);
		else
			cl_ana_set(cl, g, NVME_ANA_CHANGE); /* someone else takes it */
	}
}
