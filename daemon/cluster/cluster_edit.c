// SPDX-License-Identifier: Apache-2.0
/*
 * A command's edit of the state object, off the control thread: shared
 * subsystems, their hosts, namespaces and their host masks, group moves.
 *
 * An edit that depends on what the object holds (a host list, the NSIDs
 * in use, a subsystem's namespaces, a group's epoch) is judged on a read
 * made under the object's lock, and the lock is released once the write
 * is done: two nodes editing at once never lose each other's change.
 * Lock, read, write, unlock and notify each wait on the cluster for up to
 * the op timeout, so the edit runs as the cluster's job (CL_JOB_EDIT,
 * cluster_job.c), and the command's request is parked meanwhile
 * (preopen.h): hosts and other clients are served. Once the job has
 * ended, the node answers after it has read the object back and applied
 * it (a read begun after the job): a namespace added is served here when
 * the command answers. The answer waits for its request to run again;
 * one not taken (its client gone) is dropped. One edit at a time; a
 * command that arrives meanwhile waits for its turn.
 * [ctl] unless marked [job]. See cluster.c for the design.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/clock.h>
#include <fcnvme/err.h>

#include "backend/backend.h"
#include "cluster_priv.h"
#include "fcd.h"
#include "log.h"

/* An answer not taken this long after it was given is dropped. */
#define CL_EDIT_KEEP_MS	 2000
/* An edit written waits this long at most for a read back to apply it. */
#define CL_EDIT_APPLY_MS 10000

const char *cl_edit_name(enum cl_edit_kind kind)
{
	static const char *const names[] = {
		[CL_EDIT_SUBSYS_ADD] = "cluster add-subsystem",
		[CL_EDIT_SUBSYS_DEL] = "cluster del-subsystem",
		[CL_EDIT_HOST] = "allowed-host",
		[CL_EDIT_NS_HOST] = "namespace host mask",
		[CL_EDIT_NS_ADD] = "namespace add",
		[CL_EDIT_NS_DEL] = "namespace del",
		[CL_EDIT_MOVE] = "cluster move-group",
	};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "edit";
}

/* ---- judging and writing (no lock, no thread: given a view) ------------- */

/* A namespace's entry: its key and value (as the view's reader reads them). */
static void cl_ns_entry(const struct cl_ns *n, char *key, size_t klen, char *val, size_t vlen)
{
	snprintf(key, klen, "ns/%s/%u", n->nqn, n->nsid);
	snprintf(val, vlen, "pool=%s image=%s rns=%s group=%u lba=%u%s%s", n->pool, n->image,
		 n->rns, n->grp, n->lba, n->hosts[0] ? " hosts=" : "", n->hosts);
}

struct cl_edit_out {
	int (*set)(void *arg, const char *key, const char *val);
	void *arg;
	char *err;
	size_t errlen;
};

/* Write key=val (NULL: remove); 0, or -errno with err said. */
static int cl_edit_set(struct cl_edit_out *o, const char *key, const char *val)
{
	int rc = o->set(o->arg, key, val);

	return rc ? fcnvme_err(o->err, o->errlen, rc, "cannot write the cluster state: %s",
			       strerror(-rc))
		  : 0;
}

static int cl_edit_subsys_del(const struct cl_view *v, const char *nqn, struct cl_edit_out *o)
{
	char key[TGT_NQN_SIZE + 32];
	unsigned int i;
	int rc;

	for (i = 0; i < v->nr_ns; i++) {
		if (strcmp(v->ns[i].nqn, nqn))
			continue;
		snprintf(key, sizeof(key), "ns/%s/%u", nqn, v->ns[i].nsid);
		rc = o->set(o->arg, key, NULL);
		if (rc)
			return fcnvme_err(o->err, o->errlen, rc, "cannot remove namespace %u: %s",
					  v->ns[i].nsid, strerror(-rc));
	}
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	return cl_edit_set(o, key, NULL);
}

static int cl_edit_subsys(const struct cl_view *v, const struct cl_edit_args *a,
			  struct cl_edit_out *o)
{
	char key[TGT_NQN_SIZE + 16], val[CL_HOSTS + 32], hosts[CL_HOSTS];
	const struct cl_subsys *s = cl_subsys_in(v, a->nqn);

	snprintf(key, sizeof(key), "subsys/%s", a->nqn);
	if (a->kind == CL_EDIT_SUBSYS_ADD) { /* it keeps the host list */
		snprintf(val, sizeof(val), "allow_any=%d hosts=%s", a->flag, s ? s->hosts : "");
		return cl_edit_set(o, key, val);
	}
	if (!s)
		return fcnvme_err(o->err, o->errlen, -ENOENT, "no shared subsystem %s", a->nqn);
	if (cl_list_edit(s->hosts, a->name, a->flag, hosts, sizeof(hosts)))
		return fcnvme_err(o->err, o->errlen, -ENOSPC,
				  "%s: too many allowed hosts for the cluster state", a->nqn);
	snprintf(val, sizeof(val), "allow_any=%d hosts=%s", s->allow_any, hosts);
	return cl_edit_set(o, key, val);
}

static int cl_edit_ns_host(const struct cl_view *v, const struct cl_edit_args *a,
			   struct cl_edit_out *o)
{
	char key[TGT_NQN_SIZE + 32], val[4 * TGT_RBD_NAME_SIZE + CL_HOSTS];
	const struct cl_ns *cur = cl_ns_in(v, a->nqn, a->nsid);
	struct cl_ns n;

	if (!cur)
		return fcnvme_err(o->err, o->errlen, -ENOENT, "%s has no namespace %u", a->nqn,
				  a->nsid);
	if (a->flag && cl_list_has(cur->hosts, a->name))
		return fcnvme_err(o->err, o->errlen, -EEXIST,
				  "namespace %u of %s is already visible to host %s", a->nsid,
				  a->nqn, a->name);
	if (!a->flag && !cl_list_has(cur->hosts, a->name))
		return fcnvme_err(o->err, o->errlen, -ENOENT,
				  "namespace %u of %s does not list host %s", a->nsid, a->nqn,
				  a->name);
	n = *cur;
	if (cl_list_edit(cur->hosts, a->name, a->flag, n.hosts, sizeof(n.hosts)))
		return fcnvme_err(o->err, o->errlen, -ENOSPC,
				  "namespace %u of %s: too many hosts for the cluster state",
				  a->nsid, a->nqn);
	cl_ns_entry(&n, key, sizeof(key), val, sizeof(val));
	return cl_edit_set(o, key, val);
}

static int cl_edit_ns_add(const struct cl_view *v, const struct cl_edit_args *a,
			  struct cl_edit_out *o, uint32_t *nsid)
{
	char key[TGT_NQN_SIZE + 32], val[4 * TGT_RBD_NAME_SIZE + CL_HOSTS];
	struct cl_ns n = a->ns;
	uint32_t id;

	if (n.nsid == 0) {
		for (id = 1; id <= TGT_MAX_NSID && cl_ns_in(v, n.nqn, id); id++)
			;
		n.nsid = id;
	} else if (cl_ns_in(v, n.nqn, n.nsid)) {
		return fcnvme_err(o->err, o->errlen, -EEXIST, "%s already has namespace %u", n.nqn,
				  n.nsid);
	}
	if (n.nsid > TGT_MAX_NSID)
		return fcnvme_err(o->err, o->errlen, -ENOSPC, "%s has no free NSID", n.nqn);
	cl_ns_entry(&n, key, sizeof(key), val, sizeof(val));
	*nsid = n.nsid;
	return cl_edit_set(o, key, val);
}

/* The new owner must be a member (its entry in the object); whether it is
 * alive was judged when the command started (cl_edit_run), on this node's
 * view of its heartbeats. The epoch is the one read under the lock: one
 * read before it may be older than one another node wrote meanwhile (a
 * takeover, a move), and writing that plus one would move it back. */
static int cl_edit_move(const struct cl_view *v, const struct cl_edit_args *a,
			struct cl_edit_out *o)
{
	char key[32], val[128];
	unsigned int i;

	for (i = 0; i < v->nr_nodes && strcmp(v->nodes[i].name, a->name); i++)
		;
	if (i == v->nr_nodes)
		return fcnvme_err(o->err, o->errlen, -ENOENT,
				  "node %s is not a live member of the cluster", a->name);
	cl_group_entry(a->g, a->name, v->groups[a->g].epoch + 1, key, sizeof(key), val,
		       sizeof(val));
	return cl_edit_set(o, key, val);
}

int cl_edit_write(const struct cl_view *v, const struct cl_edit_args *a,
		  int (*set)(void *arg, const char *key, const char *val), void *arg,
		  uint32_t *nsid, char *err, size_t errlen)
{
	struct cl_edit_out o = { set, arg, err, errlen };
	char key[TGT_NQN_SIZE + 32];

	switch (a->kind) {
	case CL_EDIT_SUBSYS_ADD:
	case CL_EDIT_HOST:
		return cl_edit_subsys(v, a, &o);
	case CL_EDIT_SUBSYS_DEL:
		return cl_edit_subsys_del(v, a->nqn, &o);
	case CL_EDIT_NS_HOST:
		return cl_edit_ns_host(v, a, &o);
	case CL_EDIT_NS_ADD:
		return cl_edit_ns_add(v, a, &o, nsid);
	case CL_EDIT_NS_DEL:
		snprintf(key, sizeof(key), "ns/%s/%u", a->nqn, a->nsid);
		return cl_edit_set(&o, key, NULL);
	case CL_EDIT_MOVE:
		return cl_edit_move(v, a, &o);
	}
	return fcnvme_err(o.err, o.errlen, -EINVAL, "no such edit");
}

/* ---- the job ------------------------------------------------------------- */

/* [job] */
static int cl_edit_store_set(void *arg, const char *key, const char *val)
{
	return cl_store_set(arg, key, val);
}

int cl_edit_job(struct cluster *cl)
{
	struct cl_edit *e = &cl->edit;
	int rc = cl_store_lock(&cl->st, CL_LOCK_MS);

	if (rc) {
		snprintf(e->err, sizeof(e->err), "cannot lock the cluster state: %s",
			 strerror(-rc));
		return rc;
	}
	rc = cl_read_into(cl, e->view);
	if (rc)
		snprintf(e->err, sizeof(e->err), "cannot read the cluster state: %s",
			 strerror(-rc));
	else
		rc = cl_edit_write(e->view, &e->a, cl_edit_store_set, &cl->st, &e->nsid, e->err,
				   sizeof(e->err));
	cl_store_unlock(&cl->st);
	if (!rc)
		cl_store_notify(&cl->st);
	return rc;
}

/* ---- the control thread's side ------------------------------------------- */

/* Whether a command may edit now: 0, or -errno with err said. */
static int cl_edit_ready(struct cluster *cl, char *err, size_t errlen)
{
	if (!cl->st_ok) {
		snprintf(err, errlen, "this node was fenced and has no cluster client yet");
		return -EAGAIN;
	}
	if (cl_answers(cl, err, errlen))
		return -EAGAIN;
	return cl_job_busy(cl, err, errlen);
}

/* What only this node's view can judge, before the edit starts. */
static int cl_edit_precheck(struct cluster *cl, const struct cl_edit_args *a, char *err,
			    size_t errlen)
{
	const struct cl_node *n;

	if (a->kind != CL_EDIT_MOVE)
		return 0;
	n = cl_node_find(&cl->view, a->name);
	if (!n || !cl_alive(cl, n)) {
		snprintf(err, errlen, "node %s is not a live member of the cluster", a->name);
		return -ENOENT;
	}
	return 0;
}

/* The edit has its answer: keep it for its request, and wake it. */
static void cl_edit_answer(struct cluster *cl)
{
	struct cl_edit *e = &cl->edit;

	if (!e->rc && e->a.kind == CL_EDIT_NS_ADD && !cl_ns_in(&cl->applied, e->a.nqn, e->nsid)) {
		snprintf(e->err, sizeof(e->err),
			 "namespace %u is in the cluster state, but this node has not applied it "
			 "(see its log)",
			 e->nsid);
		e->rc = -EIO;
	}
	if (!e->rc && e->a.kind == CL_EDIT_MOVE)
		log_info("cluster: ANA group %u handed to %s", e->a.g, e->a.name);
	e->state = CL_EDIT_ANSWERED;
	e->end_ms = fcnvme_clock_ms();
	preopen_wake(cl->d);
}

int cl_edit_run(struct cluster *cl, const struct cl_edit_args *a, uint32_t *nsid, char *err,
		size_t errlen)
{
	struct cl_edit *e = &cl->edit;
	int rc;

	if (e->state != CL_EDIT_IDLE && !memcmp(&e->a, a, sizeof(*a))) {
		if (e->state != CL_EDIT_ANSWERED)
			return -EINPROGRESS; /* its own, under way */
		snprintf(err, errlen, "%s", e->err);
		*nsid = e->nsid;
		e->state = CL_EDIT_IDLE;
		preopen_wake(cl->d); /* a command waiting for its turn */
		return e->rc;
	}
	if (e->state != CL_EDIT_IDLE) {
		/* another's: refused while it waits on a cluster that does
		 * not answer (cl_answers), else its turn comes */
		if (cl_answers(cl, err, errlen))
			return -EAGAIN;
		snprintf(err, errlen, "waiting for its turn: %s is editing the cluster state",
			 cl_edit_name(e->a.kind));
		return -EINPROGRESS;
	}
	rc = cl_edit_ready(cl, err, errlen);
	if (!rc)
		rc = cl_edit_precheck(cl, a, err, errlen);
	if (rc)
		return rc;
	e->view = malloc(sizeof(*e->view));
	if (!e->view) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(&e->a, a, sizeof(*a));
	e->rc = 0;
	e->nsid = 0;
	e->err[0] = '\0';
	rc = cl_job_start(cl, CL_JOB_EDIT);
	if (rc) {
		free(e->view);
		e->view = NULL;
		snprintf(err, errlen, "cannot start a thread to edit the cluster state");
		return rc;
	}
	e->state = CL_EDIT_RUNNING;
	snprintf(err, errlen, "editing the cluster state, off the control thread");
	return -EINPROGRESS;
}

void cl_edit_job_done(struct cluster *cl)
{
	struct cl_edit *e = &cl->edit;

	free(e->view);
	e->view = NULL;
	e->end_ms = fcnvme_clock_ms();
	if (e->rc) {
		cl_edit_answer(cl);
		return;
	}
	e->read_seq = cl->rd_seq; /* a read begun from now on sees the write */
	e->state = CL_EDIT_APPLYING;
}

void cl_edit_read_done(struct cluster *cl, uint64_t seq)
{
	struct cl_edit *e = &cl->edit;

	if (e->state != CL_EDIT_APPLYING || seq <= e->read_seq)
		return;
	/* A namespace added whose image this read queued to open (its open
	 * ahead was not kept): the read after the opens applies it. */
	if (e->a.kind == CL_EDIT_NS_ADD && !cl_ns_in(&cl->applied, e->a.nqn, e->nsid) &&
	    cl->open_wait.waiting) {
		e->read_seq = cl->rd_seq;
		return;
	}
	cl_edit_answer(cl);
}

void cl_edit_tick(struct cluster *cl)
{
	struct cl_edit *e = &cl->edit;
	uint64_t age = fcnvme_clock_ms() - e->end_ms;
	struct tgt_ns_params p;

	/* The image a namespace add opened ahead stays open for it while
	 * the edit runs (what nobody asks for is closed after two ticks). */
	if (e->a.kind == CL_EDIT_NS_ADD &&
	    (e->state == CL_EDIT_RUNNING || e->state == CL_EDIT_APPLYING)) {
		cl_ns_params(cl, &e->a.ns, &p);
		(void)backend_preopen_want(&p);
	}
	if (e->state == CL_EDIT_APPLYING && age >= CL_EDIT_APPLY_MS) {
		log_warnx("cluster: %s was written, but this node has not read the state back "
			  "in %u ms",
			  cl_edit_name(e->a.kind), CL_EDIT_APPLY_MS);
		cl_edit_answer(cl);
	} else if (e->state == CL_EDIT_ANSWERED && age >= CL_EDIT_KEEP_MS) {
		log_info("cluster: the answer to %s was not taken (its client is gone)",
			 cl_edit_name(e->a.kind));
		e->state = CL_EDIT_IDLE;
		preopen_wake(cl->d); /* a command waiting for its turn */
	}
}
