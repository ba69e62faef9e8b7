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

void cl_group_entry(uint32_t g, const char *owner, uint64_t epoch, char *key, size_t klen,
		    char *val, size_t vlen)
{
	snprintf(key, klen, "group/%u", g);
	snprintf(val, vlen, "owner=%s epoch=%" PRIu64, owner, epoch);
}

int cl_group_write(struct cluster *cl, uint32_t g, const char *owner, uint64_t epoch)
{
	char key[32], val[128];

	cl_group_entry(g, owner, epoch, key, sizeof(key), val, sizeof(val));
	return cl_store_set(&cl->st, key, val);
}

/* We are the successor of group g's lost owner: its job fences it, then
 * owns g (cl_group_job_done reports it). Meanwhile the group is in
 * change here. */
static void cl_take_over(struct cluster *cl, uint32_t g, const struct cl_node *lost)
{
	struct cl_job *j = &cl->job;
	/* the last job tried the same: said already */
	bool again = j->kind == CL_JOB_TAKEOVER && j->g == g && !strcmp(j->from, lost->name);

	cl_ana_set(cl, g, NVME_ANA_CHANGE);
	j->g = g;
	snprintf(j->from, sizeof(j->from), "%s", lost->name);
	snprintf(j->addrs, sizeof(j->addrs), "%s", lost->addrs);
	if (!cl_job_start(cl, CL_JOB_TAKEOVER) && !again)
		log_info("cluster: taking over ANA group %u from lost node %s (fencing it first)",
			 g, lost->name);
}

/* Claim an unowned group (our configured one): its job. */
static void cl_claim(struct cluster *cl, uint32_t g)
{
	cl->job.g = g;
	cl_job_start(cl, CL_JOB_CLAIM);
}

/* move-group's rule, for a handover and a failback (cluster_priv.h). */
int cl_group_pass(struct cluster *cl, uint32_t g, const char *from, const char *to, uint64_t *epoch)
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
 * one, no fence: the owner lives and steps down when it reads), in a job.
 * A group whose owner is lost goes through the takeover first, fence
 * first. Whether a job was started. */
static bool cl_failback(struct cluster *cl)
{
	uint32_t g = cl->cfg.ana_group;
	struct cl_group *gr = &cl->view.groups[g];
	struct cl_job *j = &cl->job;
	const struct cl_node *o;
	uint64_t now = fcnvme_clock_ms();

	if (atomic_load(&cl->hb_rc)) { /* our heartbeat fails: not in good standing */
		cl->member_ms = 0;
		return false;
	}
	if (!cl->member_ms)
		cl->member_ms = now;
	if (!cl->cfg.failback_ms || !g || !gr->present || !strcmp(gr->owner, cl->cfg.node) ||
	    now - cl->member_ms < cl->cfg.failback_ms)
		return false;
	o = cl_node_find(&cl->view, gr->owner);
	if (!o || !cl_alive(cl, o))
		return false;
	j->g = g;
	snprintf(j->from, sizeof(j->from), "%s", o->name);
	snprintf(j->to, sizeof(j->to), "%s", cl->cfg.node);
	j->member_for_ms = now - cl->member_ms;
	return !cl_job_start(cl, CL_JOB_PASS);
}

/* [ctl] A group job ended: log what it did and, when it wrote, take its
 * write into the view (the next read, sent after it, will show it too). */
void cl_group_job_done(struct cluster *cl, const struct cl_job *j)
{
	struct cl_group *gr = &cl->view.groups[j->g];
	char a[256];
	const char *p = j->addrs;
	unsigned int i;

	for (i = 0; j->kind == CL_JOB_TAKEOVER && (p = cl_list_next(p, a, sizeof(a))) &&
		    i < j->nr_fenced && i < CL_JOB_ADDRS;
	     i++) {
		if (j->fence_rc[i])
			log_warnx("cluster: cannot blocklist %s of %s: %s", a, j->from,
				  strerror(-j->fence_rc[i]));
		else
			log_info("cluster: fenced %s (%s)", j->from, a);
	}
	if (cl->fenced)
		return; /* we were fenced meanwhile: the read after the rejoin tells */
	if (j->rc == -ESTALE || j->rc == -EBUSY)
		return; /* changed meanwhile, or the lock is held: the next read */
	if (j->rc) {
		log_warnx("cluster: %s ANA group %u failed after %llu ms: %s; tried again on the "
			  "next read",
			  j->kind == CL_JOB_TAKEOVER ? "taking over"
			  : j->kind == CL_JOB_CLAIM  ? "claiming"
						     : "taking back",
			  j->g, (unsigned long long)(fcnvme_clock_ms() - j->t0_ms),
			  strerror(-j->rc));
		return;
	}
	/* A read sent before the write must not undo it in the view. */
	cl->view_gen++;
	gr->present = true;
	snprintf(gr->owner, sizeof(gr->owner), "%s", cl->cfg.node);
	gr->epoch = j->epoch;
	if (j->kind == CL_JOB_TAKEOVER)
		log_info(
			"cluster: took over ANA group %u from lost node %s (fenced first, %llu ms)",
			j->g, j->from, (unsigned long long)(fcnvme_clock_ms() - j->t0_ms));
	else if (j->kind == CL_JOB_CLAIM)
		log_info("cluster: claimed ANA group %u", j->g);
	else
		log_info("cluster: took ANA group %u back from %s (failback, a member for %llu ms)",
			 j->g, j->from, (unsigned long long)j->member_for_ms);
	cl_ana_set(cl, j->g, NVME_ANA_OPTIMIZED);
}

/* Decide on groups from a fresh view. A change of a group record (claim,
 * failback, takeover) is a job: the first one needed starts, and the
 * others wait for the read after it; while one runs, nothing is decided. */
void cl_groups(struct cluster *cl)
{
	const struct cl_node *owner, *succ;
	struct cl_group *gr;
	bool started = cl->job_running;
	uint32_t g;

	if (started)
		return;
	if (cl->cfg.ana_group && !cl->view.groups[cl->cfg.ana_group].present) {
		cl_claim(cl, cl->cfg.ana_group);
		return;
	}
	if (cl_failback(cl))
		return;
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
		if (succ && !strcmp(succ->name, cl->cfg.node) && !started) {
			cl_take_over(cl, g, owner);
			started = cl->job_running;
		} else {
			cl_ana_set(cl, g,
				   NVME_ANA_CHANGE); /* someone else takes it, or the next job */
		}
	}
}
