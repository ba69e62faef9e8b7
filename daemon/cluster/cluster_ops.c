// SPDX-License-Identifier: Apache-2.0
/*
 * The cluster's operations for the control socket: shared subsystems,
 * hosts, namespaces and their host masks written to the state object,
 * group moves (each an edit, run off the control thread: cluster_edit.c),
 * and the node and group listings. [ctl]
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

/* Run the edit a (cluster_edit.c): answered, or -EINPROGRESS while it
 * runs off the control thread (the request runs again). */
static int cl_edit(struct fcd *d, const struct cl_edit_args *a, uint32_t *nsid, char *err,
		   size_t errlen)
{
	uint32_t unused;

	if (!d->cluster) {
		snprintf(err, errlen, "this node is not in a cluster (no cluster section)");
		return -ENOENT;
	}
	return cl_edit_run(d->cluster, a, nsid ? nsid : &unused, err, errlen);
}

/* An edit's arguments, zeroed (they are compared whole), of kind for nqn. */
static void cl_edit_args(struct cl_edit_args *a, enum cl_edit_kind kind, const char *nqn)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	snprintf(a->nqn, sizeof(a->nqn), "%s", nqn ? nqn : "");
}

void cluster_ns_fenced(struct fcd *d, const char *nqn)
{
	if (d->cluster && cl_subsys_in(&d->cluster->view, nqn))
		d->cluster->ns_fenced = true;
}

int cluster_subsys_add(struct fcd *d, const char *nqn, bool allow_any, char *err, size_t errlen)
{
	struct cl_edit_args a;

	cl_edit_args(&a, CL_EDIT_SUBSYS_ADD, nqn);
	a.flag = allow_any;
	return cl_edit(d, &a, NULL, err, errlen);
}

int cluster_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen)
{
	struct cl_edit_args a;

	cl_edit_args(&a, CL_EDIT_SUBSYS_DEL, nqn);
	return cl_edit(d, &a, NULL, err, errlen);
}

int cluster_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen)
{
	struct cl_edit_args a;

	cl_edit_args(&a, CL_EDIT_HOST, nqn);
	snprintf(a.name, sizeof(a.name), "%s", host);
	a.flag = allow;
	return cl_edit(d, &a, NULL, err, errlen);
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
	struct cl_edit_args a;

	cl_edit_args(&a, CL_EDIT_NS_HOST, nqn);
	a.nsid = nsid;
	snprintf(a.name, sizeof(a.name), "%s", host);
	a.flag = add;
	return cl_edit(d, &a, NULL, err, errlen);
}

int cluster_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen)
{
	struct cl_edit_args a;
	uint32_t nsid = 0;
	int rc;

	if (ns->backend != TGT_BACKEND_RBD) {
		snprintf(err, errlen, "a shared subsystem's namespaces are rbd images");
		return -EINVAL;
	}
	if (ns->resv) { /* the state is per node: it would not follow a failover */
		snprintf(err, errlen, "a shared subsystem's namespaces have no reservations");
		return -EOPNOTSUPP;
	}
	cl_edit_args(&a, CL_EDIT_NS_ADD, nqn);
	cl_ns_of(&a.ns, nqn, ns);
	rc = cl_edit(d, &a, &nsid, err, errlen);
	if (!rc)
		ns->nsid = nsid;
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
	struct cl_edit_args a;

	cl_edit_args(&a, CL_EDIT_NS_DEL, nqn);
	a.nsid = nsid;
	return cl_edit(d, &a, NULL, err, errlen);
}

int cluster_group_move(struct fcd *d, uint32_t grpid, const char *node, char *err, size_t errlen)
{
	struct cl_edit_args a;

	if (!grpid || grpid > TGT_MAX_ANAGRP) {
		snprintf(err, errlen, "ANA group id must be 1-%u", TGT_MAX_ANAGRP);
		return -EINVAL;
	}
	cl_edit_args(&a, CL_EDIT_MOVE, NULL);
	a.g = grpid;
	snprintf(a.name, sizeof(a.name), "%s", node ? node : "");
	return cl_edit(d, &a, NULL, err, errlen);
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
