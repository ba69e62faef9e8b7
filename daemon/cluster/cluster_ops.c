// SPDX-License-Identifier: Apache-2.0
/*
 * The cluster's operations for the control socket: shared subsystems,
 * hosts, namespaces and their host masks written to the state object,
 * group moves, and the node and group listings. [ctl]
 * See cluster.c for the design.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/clock.h>
#include <fcnvme/nvme_log.h>

#include "cluster.h"
#include "backend/backend.h"
#include "cluster_priv.h"
#include "conf/conf.h"
#include "fcd.h"
#include "log.h"

/* ---- operations from the control socket ---------------------------------- */

static int cl_ready(struct fcd *d, char *err, size_t errlen)
{
	if (!d->cluster) {
		snprintf(err, errlen, "this node is not in a cluster (no cluster section)");
		return -ENOENT;
	}
	if (!d->cluster->st_ok) {
		snprintf(err, errlen, "this node was fenced and has no cluster client yet");
		return -EAGAIN;
	}
	if (cl_answers(d->cluster, err, errlen))
		return -EAGAIN;
	return cl_job_busy(d->cluster, err, errlen);
}

/* Tell the others, then read and apply here at once. */
static void cl_refresh(struct cluster *cl)
{
	cl_store_notify(&cl->st);
	cl_sync(cl);
}

/* Write key=val (NULL: remove); 0, or -errno with err said. */
static int cl_write(struct cluster *cl, const char *key, const char *val, char *err, size_t errlen)
{
	int rc = cl_store_set(&cl->st, key, val);

	if (rc)
		snprintf(err, errlen, "cannot write the cluster state: %s", strerror(-rc));
	return rc;
}

/* Write key=val (NULL: remove), then read and apply. */
static int cl_change(struct cluster *cl, const char *key, const char *val, char *err, size_t errlen)
{
	int rc = cl_write(cl, key, val, err, errlen);

	if (!rc)
		cl_refresh(cl);
	return rc;
}

/* An edit that depends on what the state holds (a host list, the NSIDs in
 * use, a subsystem's namespaces) is judged on a view read under the
 * object's lock, not on this node's last read: another node may have
 * changed the object since, and the two edits must not lose one another.
 * cl_edit_end writes, unlocks, then reads and applies; on any other way
 * out, cl_store_unlock. */
static int cl_edit_begin(struct fcd *d, char *err, size_t errlen)
{
	struct cluster *cl = d->cluster;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	rc = cl_store_lock(&cl->st, CL_LOCK_MS);
	if (rc) {
		snprintf(err, errlen, "cannot lock the cluster state: %s", strerror(-rc));
		return rc;
	}
	if (!cl_read_view(cl) || !cl->st_ok) {
		cl_store_unlock(&cl->st);
		snprintf(err, errlen, "cannot read the cluster state");
		return -EIO;
	}
	return 0;
}

static int cl_edit_end(struct cluster *cl, const char *key, const char *val, char *err,
		       size_t errlen)
{
	int rc = cl_write(cl, key, val, err, errlen);

	cl_store_unlock(&cl->st);
	if (!rc)
		cl_refresh(cl);
	return rc;
}

void cluster_ns_fenced(struct fcd *d, const char *nqn)
{
	if (d->cluster && cl_subsys_in(&d->cluster->view, nqn))
		d->cluster->ns_fenced = true;
}

/* The view is read again every heartbeat_ms and when another node's notify
 * arrives: a subsystem another node added a moment ago may not be in it yet.
 * On a miss for an NQN this node's config does not define, read the state
 * object now, so that "add on node a, then use on node b" never answers "no
 * subsystem" for one that exists; unless the object does not answer
 * (cl_answers), or a group job runs (no read then, cluster_job.c): then the
 * view is all we have. */
bool cluster_has_subsys(struct fcd *d, const char *nqn)
{
	struct cluster *cl = d->cluster;
	char err[256];

	if (!cl || !nqn)
		return false;
	if (cl_subsys_in(&cl->view, nqn))
		return true;
	if (!cl->st_ok || conf_subsys_find(d->conf, nqn) || cl_answers(cl, err, sizeof(err)) ||
	    cl->job_running)
		return false;
	cl_sync(cl);
	return cl_subsys_in(&cl->view, nqn);
}

int cluster_subsys_add(struct fcd *d, const char *nqn, bool allow_any, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 16], val[CL_HOSTS + 32];
	const struct cl_subsys *s;
	int rc = cl_edit_begin(d, err, errlen);

	if (rc)
		return rc;
	s = cl_subsys_in(&d->cluster->view, nqn);
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	snprintf(val, sizeof(val), "allow_any=%d hosts=%s", allow_any, s ? s->hosts : "");
	return cl_edit_end(d->cluster, key, val, err, errlen);
}

int cluster_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 16];
	struct cluster *cl = d->cluster;
	unsigned int i;
	int rc = cl_edit_begin(d, err, errlen);

	if (rc)
		return rc;
	for (i = 0; i < cl->view.nr_ns; i++) {
		if (!strcmp(cl->view.ns[i].nqn, nqn)) {
			snprintf(key, sizeof(key), "ns/%s/%u", nqn, cl->view.ns[i].nsid);
			rc = cl_store_set(&cl->st, key, NULL);
			if (rc) {
				cl_store_unlock(&cl->st);
				snprintf(err, errlen, "cannot remove namespace %u: %s",
					 cl->view.ns[i].nsid, strerror(-rc));
				return rc;
			}
		}
	}
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	return cl_edit_end(cl, key, NULL, err, errlen);
}

int cluster_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen)
{
	char key[TGT_NQN_SIZE + 16], val[CL_HOSTS + 32], hosts[CL_HOSTS];
	const struct cl_subsys *s;
	int rc = cl_edit_begin(d, err, errlen);

	if (rc)
		return rc;
	s = cl_subsys_in(&d->cluster->view, nqn);
	if (!s) {
		cl_store_unlock(&d->cluster->st);
		snprintf(err, errlen, "no shared subsystem %s", nqn);
		return -ENOENT;
	}
	if (cl_list_edit(s->hosts, host, allow, hosts, sizeof(hosts))) {
		cl_store_unlock(&d->cluster->st);
		snprintf(err, errlen, "%s: too many allowed hosts for the cluster state", nqn);
		return -ENOSPC;
	}
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	snprintf(val, sizeof(val), "allow_any=%d hosts=%s", s->allow_any, hosts);
	return cl_edit_end(d->cluster, key, val, err, errlen);
}

/* A namespace's entry: its key and value (as cl_read_entry reads them). */
static void cl_ns_entry(const struct cl_ns *n, char *key, size_t klen, char *val, size_t vlen)
{
	snprintf(key, klen, "ns/%s/%u", n->nqn, n->nsid);
	snprintf(val, vlen, "pool=%s image=%s rns=%s group=%u lba=%u%s%s", n->pool, n->image,
		 n->rns, n->grp, n->lba, n->hosts[0] ? " hosts=" : "", n->hosts);
}

/* The shared namespace of nqn that ns describes (rbd image, ANA group,
 * LBA size; no host mask). */
static void cl_ns_of(struct cl_ns *n, const char *nqn, const struct conf_ns *ns)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->nqn, sizeof(n->nqn), "%s", nqn);
	n->nsid = ns->nsid;
	memcpy(n->pool, ns->rbd.pool, sizeof(n->pool));
	memcpy(n->image, ns->rbd.image, sizeof(n->image));
	memcpy(n->rns, ns->rbd.rados_ns, sizeof(n->rns));
	n->grp = ns->anagrpid ? ns->anagrpid : 1;
	n->lba = ns->lba_size ? ns->lba_size : 512;
}

int cluster_ns_host(struct fcd *d, const char *nqn, uint32_t nsid, const char *host, bool add,
		    char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 32], val[4 * TGT_RBD_NAME_SIZE + CL_HOSTS];
	struct cluster *cl = d->cluster;
	const struct cl_ns *cur;
	struct cl_ns n;
	int rc = cl_edit_begin(d, err, errlen);

	if (rc)
		return rc;
	cur = cl_ns_in(&cl->view, nqn, nsid);
	if (!cur) {
		snprintf(err, errlen, "%s has no namespace %u", nqn, nsid);
		rc = -ENOENT;
	} else if (add && cl_list_has(cur->hosts, host)) {
		snprintf(err, errlen, "namespace %u of %s is already visible to host %s", nsid, nqn,
			 host);
		rc = -EEXIST;
	} else if (!add && !cl_list_has(cur->hosts, host)) {
		snprintf(err, errlen, "namespace %u of %s does not list host %s", nsid, nqn, host);
		rc = -ENOENT;
	} else {
		n = *cur;
		rc = cl_list_edit(cur->hosts, host, add, n.hosts, sizeof(n.hosts));
		if (rc)
			snprintf(err, errlen,
				 "namespace %u of %s: too many hosts for the cluster state", nsid,
				 nqn);
	}
	if (rc) {
		cl_store_unlock(&cl->st);
		return rc;
	}
	cl_ns_entry(&n, key, sizeof(key), val, sizeof(val));
	return cl_edit_end(cl, key, val, err, errlen);
}

int cluster_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 32], val[4 * TGT_RBD_NAME_SIZE + CL_HOSTS];
	struct cl_ns n;
	struct cluster *cl = d->cluster;
	uint32_t id;
	int rc;

	if (ns->backend != TGT_BACKEND_RBD) {
		snprintf(err, errlen, "a shared subsystem's namespaces are rbd images");
		return -EINVAL;
	}
	if (ns->resv) { /* the state is per node: it would not follow a failover */
		snprintf(err, errlen, "a shared subsystem's namespaces have no reservations");
		return -EOPNOTSUPP;
	}
	rc = cl_edit_begin(d, err, errlen);
	if (rc)
		return rc;
	if (ns->nsid == 0) {
		for (id = 1; id <= TGT_MAX_NSID && cl_ns_in(&cl->view, nqn, id); id++)
			;
		ns->nsid = id;
	} else if (cl_ns_in(&cl->view, nqn, ns->nsid)) {
		cl_store_unlock(&cl->st);
		snprintf(err, errlen, "%s already has namespace %u", nqn, ns->nsid);
		return -EEXIST;
	}
	if (ns->nsid > TGT_MAX_NSID) {
		cl_store_unlock(&cl->st);
		snprintf(err, errlen, "%s has no free NSID", nqn);
		return -ENOSPC;
	}
	cl_ns_of(&n, nqn, ns);
	cl_ns_entry(&n, key, sizeof(key), val, sizeof(val));
	rc = cl_edit_end(cl, key, val, err, errlen);
	if (!rc && !cl_ns_in(&cl->applied, nqn, ns->nsid)) {
		snprintf(err, errlen,
			 "namespace %u is in the cluster state, but this node "
			 "could not open it (see its log)",
			 ns->nsid);
		return -EIO;
	}
	return rc;
}

int cluster_ns_want_open(struct fcd *d, const struct conf_ns *ns)
{
	struct tgt_ns_params p;
	struct cl_ns n;

	if (!d->cluster || ns->backend != TGT_BACKEND_RBD)
		return 0;
	cl_ns_of(&n, "", ns);
	cl_ns_params(d->cluster, &n, &p);
	return backend_preopen_want(&p) > 0;
}

int cluster_ns_del(struct fcd *d, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 32];
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	snprintf(key, sizeof(key), "ns/%s/%u", nqn, nsid);
	return cl_change(d->cluster, key, NULL, err, errlen);
}

int cluster_group_move(struct fcd *d, uint32_t grpid, const char *node, char *err, size_t errlen)
{
	struct cluster *cl = d->cluster;
	const struct cl_node *n;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	if (!grpid || grpid > TGT_MAX_ANAGRP) {
		snprintf(err, errlen, "ANA group id must be 1-%u", TGT_MAX_ANAGRP);
		return -EINVAL;
	}
	/* The target node and the group's epoch are judged on a read made
	 * under the lock (cl_edit_begin): an epoch read before it may be
	 * older than one another node wrote meanwhile (a take-over, a
	 * move), and writing that plus one would move the epoch back. */
	rc = cl_edit_begin(d, err, errlen);
	if (rc)
		return rc;
	n = cl_node_find(&cl->view, node);
	if (!n || !cl_alive(cl, n)) {
		cl_store_unlock(&cl->st);
		snprintf(err, errlen, "node %s is not a live member of the cluster", node);
		return -ENOENT;
	}
	rc = cl_group_write(cl, grpid, node, cl->view.groups[grpid].epoch + 1);
	cl_store_unlock(&cl->st);
	if (rc) {
		snprintf(err, errlen, "cannot write the cluster state: %s", strerror(-rc));
		return rc;
	}
	log_info("cluster: ANA group %u handed to %s", grpid, node);
	cl_refresh(cl);
	return 0;
}

int cluster_foreach_node(struct fcd *d, int (*cb)(const struct cluster_node_info *, void *),
			 void *arg)
{
	struct cluster *cl = d->cluster;
	struct cluster_node_info info;
	uint64_t now = fcnvme_clock_ms();
	unsigned int i;
	int rc;

	for (i = 0; cl && i < cl->view.nr_nodes; i++) {
		const struct cl_node *n = &cl->view.nodes[i];

		info.name = n->name;
		info.id = n->id;
		info.self = !strcmp(n->name, cl->cfg.node);
		info.alive = cl_alive(cl, n);
		info.age_ms = now - n->seen_ms;
		info.addrs = n->addrs;
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int cluster_status(struct fcd *d, struct cluster_status_info *info)
{
	struct cluster *cl = d->cluster;
	uint64_t now = fcnvme_clock_ms();
	char err[256];

	if (!cl)
		return -ENOENT;
	info->node = cl->cfg.node;
	info->member = cl->member_ms != 0;
	info->answers = cl->st_ok && !cl_answers(cl, err, sizeof(err));
	info->read_age_ms = cl->read_ms ? now - cl->read_ms : 0;
	info->read_fails = cl->read_fails;
	info->read_wait_ms = cl->rd_view ? now - cl->rd_start_ms : 0;
	info->hb_ok = !atomic_load(&cl->hb_rc);
	cl_job_describe(cl, info->job, sizeof(info->job));
	return 0;
}

int cluster_foreach_group(struct fcd *d, int (*cb)(const struct cluster_group_info *, void *),
			  void *arg)
{
	struct cluster *cl = d->cluster;
	struct cluster_group_info info;
	uint32_t g;
	int rc;

	for (g = 1; cl && g <= TGT_MAX_ANAGRP; g++) {
		if (!cl->view.groups[g].present)
			continue;
		info.grpid = g;
		info.owner = cl->view.groups[g].owner;
		info.epoch = cl->view.groups[g].epoch;
		info.state = cl->ana[g] == 0xff ? NVME_ANA_OPTIMIZED : cl->ana[g];
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}
