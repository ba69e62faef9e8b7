// SPDX-License-Identifier: Apache-2.0
/*
 * Namespaces: add, delete, grow, enable/disable, ANA group, and the walk for
 * listings. The I/O path never reads the control thread's namespace list:
 * each connected I/O queue has its own view (sq->ns[]), filled at its
 * Connect and changed afterwards only by ns_msg messages run on the queue's
 * thread. Removing a namespace from a view is also a drain barrier: the
 * queue's thread acknowledges once the namespace's commands on that queue
 * have completed; the backend is closed after every queue acknowledged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

/* The namespace nsid of s (enabled or not), or NULL. */
struct ns *ns_find(const struct subsys *s, uint32_t nsid)
{
	struct ns *ns;

	for (ns = s->ns_list; ns; ns = ns->next)
		if (ns->nsid == nsid)
			return ns;
	return NULL;
}

static void ns_free(struct ns *ns)
{
	if (ns->be)
		ns->be->ops->close(ns->be);
	free(ns->path_buf);
	ns_host_free(ns);
	resv_free(ns);
	free(ns);
}

/* ---- messages to I/O queues --------------------------------------------- */

static void ns_event(struct ns *ns, enum tgt_ns_event ev, const char *msg);
static void ns_msg_ack(void *arg);

static void ns_msg_send_ack(struct ns_msg *m)
{
	struct sq *sq = m->sq;

	if (tgt_run_on_ctl(sq->t, sq->port, ns_msg_ack, m)) {
		/* The control ring is full: keep the barrier and retry at
		 * this queue's next completion. */
		m->barrier = 0;
		m->bnext = sq->barriers;
		sq->barriers = m;
	}
}

/* [hwq] */
static void ns_msg_run(void *arg)
{
	struct ns_msg *m = arg;
	struct sq *sq = m->sq;
	struct sq_ns *v;

	if (m->stop) {
		cmd_fused_orphan(sq, NVME_SC_SQ_DELETION);
		ns_msg_send_ack(m);
		return;
	}
	v = &sq->ns[m->nsid];
	if (!m->remove) {
		if (!m->ns)
			ns_fold_view(v); /* hidden: while v->ns names it */
		v->ns = m->ns;
		ns_msg_send_ack(m);
		return;
	}
	ns_fold_view(v); /* while v->ns still names the namespace */
	v->ns = NULL;
	if (!v->inflight) {
		ns_msg_send_ack(m);
		return;
	}
	m->barrier = 1;
	m->bnext = sq->barriers;
	sq->barriers = m;
}

/* [hwq] The last command on nsid of sq completed: release its barriers. */
void ns_sq_completed(struct sq *sq, uint32_t nsid)
{
	struct ns_msg **pp = &sq->barriers, *m;

	while ((m = *pp)) {
		if (!m->barrier || (m->nsid == nsid && !sq->ns[nsid].inflight)) {
			*pp = m->bnext;
			ns_msg_send_ack(m);
			if (*pp == m) /* re-queued: ring still full */
				break;
			continue;
		}
		pp = &m->bnext;
	}
}

static void ns_fold_counter(_Atomic uint64_t *from, _Atomic uint64_t *to)
{
	uint64_t x = atomic_load_explicit(from, memory_order_relaxed);

	if (!x)
		return;
	if (to)
		atomic_fetch_add_explicit(to, x, memory_order_relaxed);
	atomic_store_explicit(from, 0, memory_order_relaxed);
}

/* Move a view's counters into its namespace (the view's thread, or [ctl]
 * once the queue is gone). */
void ns_fold_view(struct sq_ns *v)
{
	struct ns *ns = v->ns;
	struct sq_ns_lat *l = atomic_load_explicit(&v->lat, memory_order_acquire);
	unsigned int i;
	uint64_t max, cur;

	for (i = 0; i < NS_ST_MAX; i++)
		ns_fold_counter(&v->st[i], ns ? &ns->st[i] : NULL);
	if (!l)
		return;
	for (i = 0; i < FCNVME_HIST_BUCKETS; i++)
		ns_fold_counter(&l->lat.n[i], ns ? &ns->lat.n[i] : NULL);
	ns_fold_counter(&l->lat.sum, ns ? &ns->lat.sum : NULL);
	max = atomic_load_explicit(&l->max, memory_order_relaxed);
	cur = ns ? atomic_load_explicit(&ns->lat_max, memory_order_relaxed) : 0;
	while (ns && max > cur &&
	       !atomic_compare_exchange_weak_explicit(&ns->lat_max, &cur, max, memory_order_relaxed,
						      memory_order_relaxed))
		;
	atomic_store_explicit(&l->max, 0, memory_order_relaxed);
}

/* [ctl] Give view nsid of sq a latency histogram before the namespace
 * first shows in it (without one, that view counts no latency). */
static void ns_view_lat_alloc(struct sq *sq, uint32_t nsid)
{
	struct sq_ns_lat *l;

	if (!sq->ns || atomic_load_explicit(&sq->ns[nsid].lat, memory_order_relaxed))
		return;
	l = calloc(1, sizeof(*l));
	if (l)
		atomic_store_explicit(&sq->ns[nsid].lat, l, memory_order_release);
}

/* Add the latency counters l into io. */
static void ns_lat_add(struct tgt_io_stats *io, const struct fcnvme_hist *lat,
		       const _Atomic uint64_t *max)
{
	uint64_t m = atomic_load_explicit(max, memory_order_relaxed);

	fcnvme_hist_add(&io->lat, lat);
	if (m > io->lat_max_ns)
		io->lat_max_ns = m;
}

/* [ctl] A queue is destroyed: keep its counters in the namespaces. */
void ns_fold_sq(struct sq *sq)
{
	uint32_t nsid;

	if (!sq->ns)
		return;
	for (nsid = 1; nsid <= TGT_MAX_NSID; nsid++)
		if (sq->ns[nsid].ns)
			ns_fold_view(&sq->ns[nsid]);
}

/* [ctl] Statistics of a namespace: folded totals plus live queue views;
 * st by NS_ST_*, and io (zeroed here) in the form of tgt_io_stats. */
void ns_stats(const struct ns *ns, uint64_t st[NS_ST_MAX], struct tgt_io_stats *io)
{
	const struct sq_ns_lat *l;
	const struct ctrl *c;
	const struct sq *sq;
	unsigned int i, q;

	memset(io, 0, sizeof(*io));
	for (i = 0; i < NS_ST_MAX; i++)
		st[i] = atomic_load_explicit(&ns->st[i], memory_order_relaxed);
	ns_lat_add(io, &ns->lat, &ns->lat_max);
	if (ns->deleting || !ns->published)
		goto out;
	for (c = ns->subsys->ctrls; c; c = c->next) {
		for (q = 1; q <= TGT_MAX_QID; q++) {
			sq = c->sqs[q];
			if (!sq || !sq->ns)
				continue;
			for (i = 0; i < NS_ST_MAX; i++)
				st[i] += atomic_load_explicit(&sq->ns[ns->nsid].st[i],
							      memory_order_relaxed);
			l = atomic_load_explicit(&sq->ns[ns->nsid].lat, memory_order_acquire);
			if (l)
				ns_lat_add(io, &l->lat, &l->max);
		}
	}
out:
	io->cmds = st[NS_ST_CMDS];
	io->errors = st[NS_ST_ERRORS];
	io->aborts = st[NS_ST_ABORTS];
	io->read_bytes = st[NS_ST_RBYTES];
	io->write_bytes = st[NS_ST_WBYTES];
}

static void ns_drained(struct ns *ns)
{
	ns->published = false;
	if (ns->deleting) {
		ns->t->ns_draining--;
		if (!ns->pinned)
			ns_free(ns);
	}
}

/* [ctl] */
static void ns_msg_ack(void *arg)
{
	struct ns_msg *m = arg;
	struct sq *sq = m->sq;

	if (m->remove && !--m->ns->drain_pending)
		ns_drained(m->ns);
	if (!--sq->msgs_inflight && sq->dead)
		tgt_sq_free(sq);
	free(m);
}

/* Post m to its queue's thread, in order: a queue must run its messages as
 * they were sent (an add, then a hide or remove of the same namespace), so
 * while earlier ones wait for ring space (t->retry, oldest first) m waits
 * behind them. */
static int ns_msg_post(struct tgt *t, struct ns_msg *m)
{
	struct ns_msg **tail = &t->retry;
	struct sq *sq = m->sq;
	int rc = -EAGAIN;

	if (!t->retry)
		rc = tgt_port_run_on_hwq(sq->port, t, sq->hwqid, ns_msg_run, m);
	if (rc) {
		while (*tail)
			tail = &(*tail)->next;
		m->next = NULL;
		*tail = m;
	}
	return rc;
}

/* [ctl] Post messages that found a full ring earlier. */
void ns_retry_msgs(struct tgt *t)
{
	struct ns_msg *m = t->retry, *next;

	t->retry = NULL;
	for (; m; m = next) {
		next = m->next;
		m->next = NULL;
		ns_msg_post(t, m);
	}
}

/* [ctl] I/O queue sq stops: its thread lets go of what it holds (a fused
 * first command waiting for its second). */
void ns_msg_stop(struct sq *sq)
{
	struct ns_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return; /* a held first then ends only with the next command */
	m->sq = sq;
	m->stop = true;
	sq->msgs_inflight++;
	ns_msg_post(sq->t, m);
}

/* Send one message to each connected I/O queue of c: add ns (remove
 * false) or remove it (remove true; ns NULL: hide nsid). */
static void ns_msg_ctrl(struct ctrl *c, struct ns *ns, uint32_t nsid, bool remove)
{
	struct ns_msg *m;
	struct sq *sq;
	unsigned int q;

	for (q = 1; q <= TGT_MAX_QID; q++) {
		sq = c->sqs[q];
		if (!sq || sq->dead)
			continue;
		m = calloc(1, sizeof(*m));
		if (!m) {
			/* The queue keeps a stale view: an added namespace
			 * stays invisible there, a removed one must then never
			 * be freed (a hidden one stays visible there). */
			if (remove)
				ns->pinned = true;
			continue;
		}
		if (!remove && ns)
			ns_view_lat_alloc(sq, nsid);
		m->sq = sq;
		m->ns = ns;
		m->nsid = nsid;
		m->remove = remove;
		sq->msgs_inflight++;
		if (remove)
			ns->drain_pending++;
		ns_msg_post(c->t, m);
	}
}

/* [ctl] Add ns to (or hide nsid from, ns NULL) the views of c's queues. */
void ns_view_ctrl(struct ctrl *c, struct ns *ns, uint32_t nsid)
{
	ns_msg_ctrl(c, ns, nsid, false);
}

/* Add ns to the queues of the controllers that may see it, or remove it
 * from every queue (a masked-out queue may still have I/O on it in flight
 * from before it was hidden: the drain covers it). */
static void ns_broadcast(struct subsys *s, struct ns *ns, bool remove)
{
	struct ctrl *c;

	for (c = s->ctrls; c; c = c->next)
		if (remove || ns_host_listed(ns, c->hostnqn))
			ns_msg_ctrl(c, ns, ns->nsid, remove);
}

static void ns_publish(struct ns *ns)
{
	if (ns->published || ns->drain_pending)
		return;
	ns->published = true;
	ns_broadcast(ns->subsys, ns, false);
}

static void ns_unpublish(struct ns *ns)
{
	if (!ns->published)
		return;
	if (ns->deleting)
		ns->t->ns_draining++;
	ns->drain_pending++; /* acks may come during the broadcast */
	ns_broadcast(ns->subsys, ns, true);
	if (!--ns->drain_pending)
		ns_drained(ns);
}

/* [ctl] Fill a newly connected I/O queue's view (before it is used). */
void ns_fill_sq_view(struct subsys *s, struct sq *sq, const char *hostnqn)
{
	struct ns *ns;

	for (ns = s->ns_list; ns; ns = ns->next)
		if (ns->published && ns_host_listed(ns, hostnqn)) {
			ns_view_lat_alloc(sq, ns->nsid);
			sq->ns[ns->nsid].ns = ns;
		}
}

/* [ctl] Remove every namespace of s (subsystem deletion). */
void ns_destroy_all(struct subsys *s)
{
	struct ns *ns;

	while ((ns = s->ns_list)) {
		s->ns_list = ns->next;
		s->nr_ns--;
		ns->deleting = true;
		if (ns->published)
			ns_unpublish(ns);
		else if (!ns->drain_pending)
			ns_free(ns);
	}
}

/* ---- operations --------------------------------------------------------- */

static struct subsys *ns_subsys(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	struct subsys *s = subsys_find(t, nqn);

	if (!s || s == t->disc) {
		tgt_err(err, errlen, "no subsystem %s", nqn ? nqn : "");
		return NULL;
	}
	return s;
}

struct ns *ns_lookup(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	struct subsys *s = ns_subsys(t, nqn, err, errlen);
	struct ns *ns;

	if (!s)
		return NULL;
	ns = ns_find(s, nsid);
	if (!ns)
		tgt_err(err, errlen, "subsystem %s has no namespace %u", nqn, nsid);
	return ns;
}

static bool ns_rbd_same(const struct tgt_rbd_params *a, const struct tgt_rbd_params *b)
{
	return !strcmp(a->pool, b->pool) && !strcmp(a->image, b->image) &&
	       !strcmp(a->rados_ns, b->rados_ns) && !strcmp(a->conf, b->conf) &&
	       !strcmp(a->client_id, b->client_id) && !strcmp(a->keyring, b->keyring) &&
	       a->write_cache == b->write_cache && a->op_timeout_s == b->op_timeout_s;
}

static bool ns_same(const struct ns *ns, const struct tgt_ns_params *p)
{
	const struct tgt_ns_params *q = &ns->params;
	uint32_t lba = p->lba_size ? p->lba_size : 512;

	if (q->backend != p->backend || q->lba_size != lba || q->readonly != p->readonly ||
	    q->resv != p->resv)
		return false;
	if ((q->path || p->path) && (!q->path || !p->path || strcmp(q->path, p->path)))
		return false;
	if (p->backend == TGT_BACKEND_RBD && !ns_rbd_same(&q->rbd, &p->rbd))
		return false;
	if (p->has_uuid && memcmp(p->uuid, q->uuid, 16))
		return false;
	if (p->has_nguid && memcmp(p->nguid, q->nguid, 16))
		return false;
	if (p->has_eui64 && memcmp(p->eui64, q->eui64, 8))
		return false;
	return true;
}

static int ns_check(struct tgt *t, const struct tgt_ns_params *p, char *err, size_t errlen)
{
	uint32_t grp = p->anagrpid ? p->anagrpid : 1;

	if (!p->nsid || p->nsid > TGT_MAX_NSID) {
		tgt_err(err, errlen, "namespace id must be 1-%u", TGT_MAX_NSID);
		return -EINVAL;
	}
	if (p->lba_size && p->lba_size != 512 && p->lba_size != 4096) {
		tgt_err(err, errlen, "LBA size must be 512 or 4096");
		return -EINVAL;
	}
	if (grp > TGT_MAX_ANAGRP || !t->ana_grp[grp]) {
		tgt_err(err, errlen, "no ANA group %u", grp);
		return -ENOENT;
	}
	if (!backend_ops_for(p->backend)) {
		tgt_err(err, errlen, "unknown backend type");
		return -EINVAL;
	}
	if (p->backend != TGT_BACKEND_FILE && p->path) {
		tgt_err(err, errlen, "only file namespaces take a path");
		return -EINVAL;
	}
	if (p->backend == TGT_BACKEND_RBD && (!p->rbd.pool[0] || !p->rbd.image[0])) {
		tgt_err(err, errlen, "an rbd namespace needs a pool and an image");
		return -EINVAL;
	}
	return 0;
}

/* Whether another namespace already carries one of p's identifiers (two
 * namespaces with one identity confuse host multipathing). */
static int ns_check_dup_ids(struct tgt *t, const struct tgt_ns_params *p, char *err, size_t errlen)
{
	struct subsys *s;
	struct ns *o;

	for (s = t->subsys_list; s; s = s->next) {
		for (o = s->ns_list; o; o = o->next) {
			const char *what = NULL;

			if (!memcmp(o->params.uuid, p->uuid, 16))
				what = "UUID";
			else if (!memcmp(o->params.nguid, p->nguid, 16))
				what = "NGUID";
			else if (!memcmp(o->params.eui64, p->eui64, 8))
				what = "EUI-64";
			if (what) {
				tgt_err(err, errlen, "%s already used by namespace %u of %s", what,
					o->nsid, s->nqn);
				return -EEXIST;
			}
		}
	}
	return 0;
}

/* Identifiers the backing store defines for itself (the same on every node
 * that opens it) fill those the caller did not give. */
static void ns_backend_ids(struct ns *ns)
{
	struct tgt_ns_params *p = &ns->params;
	uint8_t uuid[16], nguid[16], eui64[8];

	if (!ns->be->ops->ids || ns->be->ops->ids(ns->be, uuid, nguid, eui64))
		return;
	if (!p->has_uuid)
		memcpy(p->uuid, uuid, 16);
	if (!p->has_nguid)
		memcpy(p->nguid, nguid, 16);
	if (!p->has_eui64)
		memcpy(p->eui64, eui64, 8);
	p->has_uuid = p->has_nguid = p->has_eui64 = true;
}

/* Add a namespace (idempotent). */
int tgt_ns_add(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen)
{
	struct subsys *s = ns_subsys(t, nqn, err, errlen);
	struct ns *ns, **pp;
	char note[512] = "";
	uint64_t size;
	int rc, gen;

	if (!s)
		return -ENOENT;
	if (!p)
		return -EINVAL;
	rc = ns_check(t, p, err, errlen);
	if (rc)
		return rc;
	ns = ns_find(s, p->nsid);
	if (ns) {
		if (ns_same(ns, p))
			return 0;
		tgt_err(err, errlen, "namespace %u exists with other settings", p->nsid);
		return -EEXIST;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->t = t;
	ns->subsys = s;
	ns->nsid = p->nsid;
	ns->params = *p;
	ns->params.lba_size = p->lba_size ? p->lba_size : 512;
	ns->params.anagrpid = p->anagrpid ? p->anagrpid : 1;
	ns->lba_shift = ns->params.lba_size == 4096 ? 12 : 9;
	if (p->path) {
		ns->path_buf = strdup(p->path);
		if (!ns->path_buf) {
			rc = -ENOMEM;
			goto out_free_ns;
		}
	}
	ns->params.path = ns->path_buf;
	ns->params.hosts = NULL;
	ns->params.nr_hosts = 0;
	rc = ns_host_init(ns, p->hosts, p->nr_hosts, err, errlen);
	if (rc)
		goto out_free_ns;
	rc = backend_ops_for(p->backend)->open(&ns->params, &ns->be, &size, err, errlen);
	if (rc)
		goto out_free_ns;
	ns_backend_ids(ns);
	gen = ns_id_load_or_create(t, s->nqn, &ns->params, err, errlen);
	if (gen < 0) {
		rc = gen;
		goto out_free_ns;
	}
	rc = ns_check_dup_ids(t, &ns->params, err, errlen);
	if (rc)
		goto out_free_ns;
	if (size >> ns->lba_shift == 0) {
		tgt_err(err, errlen, "namespace smaller than one block");
		rc = -EINVAL;
		goto out_free_ns;
	}
	if (gen) { /* new, or the state file held another store's ids */
		rc = ns_id_save(t, s->nqn, &ns->params, err, errlen);
		if (rc)
			goto out_free_ns;
	}
	if (p->resv) {
		rc = resv_init(ns, note, sizeof(note));
		if (rc) {
			tgt_err(err, errlen, "out of memory");
			goto out_free_ns;
		}
	}
	atomic_init(&ns->nblocks, size >> ns->lba_shift);
	atomic_init(&ns->anagrpid, ns->params.anagrpid);
	atomic_init(&ns->readonly, ns->params.readonly);
	ns->params.size = size;
	ns->enabled = !p->disabled;
	for (pp = &s->ns_list; *pp && (*pp)->nsid < ns->nsid; pp = &(*pp)->next)
		;
	ns->next = *pp;
	*pp = ns;
	s->nr_ns++;
	if (ns->enabled) {
		ns_publish(ns);
		subsys_ns_changed(s, ns);
	}
	if (note[0])
		ns_event(ns, TGT_NS_EV_NOTE, note);
	return 0;

out_free_ns:
	ns_free(ns);
	return rc;
}

/* Delete a namespace (idempotent); its I/O drains in the background. Its
 * identifiers are retired: they never come back for another namespace. */
int tgt_ns_del(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	struct subsys *s = ns_subsys(t, nqn, err, errlen);
	struct ns *ns, **pp;
	int rc;

	if (!s)
		return -ENOENT;
	for (pp = &s->ns_list; (ns = *pp); pp = &ns->next)
		if (ns->nsid == nsid)
			break;
	if (!ns)
		return 0;
	if (ns->resv && resv_ptpl_forget(ns))
		tgt_err(err, errlen, "cannot remove the reservations file of namespace %u", nsid);
	rc = ns_id_forget(t, s->nqn, nsid, err, errlen);
	if (rc)
		return rc;
	*pp = ns->next;
	s->nr_ns--;
	ns->deleting = true;
	if (ns->enabled)
		subsys_ns_changed(s, ns);
	if (ns->published)
		ns_unpublish(ns);
	else if (!ns->drain_pending)
		ns_free(ns);
	return 0;
}

/* Grow a namespace; shrinking is refused. */
int tgt_ns_resize(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size, char *err,
		  size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);
	uint64_t newsize;
	int rc;

	if (!ns)
		return -ENOENT;
	if (size && size < ns->params.size) {
		tgt_err(err, errlen,
			"namespace %u holds %llu bytes; shrinking to %llu would lose data", nsid,
			(unsigned long long)ns->params.size, (unsigned long long)size);
		return -EINVAL;
	}
	if (size == ns->params.size)
		return 0;
	rc = ns->be->ops->grow(ns->be, size, &newsize, err, errlen);
	if (rc)
		return rc;
	if (newsize < ns->params.size) {
		tgt_err(err, errlen,
			"the backing store shrank to %llu bytes; refusing to shrink namespace %u",
			(unsigned long long)newsize, nsid);
		return -EINVAL;
	}
	if (newsize == ns->params.size)
		return 0;
	ns->params.size = newsize;
	atomic_store_explicit(&ns->nblocks, newsize >> ns->lba_shift, memory_order_release);
	if (ns->enabled)
		subsys_ns_changed(ns->subsys, ns);
	return 0;
}

/* Make a namespace visible to hosts. */
int tgt_ns_enable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);

	if (!ns)
		return -ENOENT;
	if (ns->enabled)
		return 0;
	if (ns->drain_pending) {
		tgt_err(err, errlen, "namespace %u is still draining", nsid);
		return -EBUSY;
	}
	ns->enabled = true;
	ns_publish(ns);
	subsys_ns_changed(ns->subsys, ns);
	return 0;
}

/* Hide a namespace from hosts (I/O in flight completes). */
int tgt_ns_disable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);

	if (!ns)
		return -ENOENT;
	if (!ns->enabled)
		return 0;
	ns->enabled = false;
	ns_unpublish(ns);
	subsys_ns_changed(ns->subsys, ns);
	return 0;
}

/* Move a namespace to another ANA group. */
int tgt_ns_set_ana_group(struct tgt *t, const char *nqn, uint32_t nsid, uint32_t anagrpid,
			 char *err, size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);

	if (!ns)
		return -ENOENT;
	if (!anagrpid || anagrpid > TGT_MAX_ANAGRP || !t->ana_grp[anagrpid]) {
		tgt_err(err, errlen, "no ANA group %u", anagrpid);
		return -ENOENT;
	}
	if (ns->params.anagrpid == anagrpid)
		return 0;
	ns->params.anagrpid = anagrpid;
	atomic_store_explicit(&ns->anagrpid, anagrpid, memory_order_relaxed);
	tgt_ana_changed(t);
	return 0;
}

/* Refuse writes from now on, or take them again. Writes in flight when
 * read_only goes on complete; hosts learn it from a namespace change. */
int tgt_ns_set_readonly(struct tgt *t, const char *nqn, uint32_t nsid, bool readonly, char *err,
			size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);

	if (!ns)
		return -ENOENT;
	if (ns->params.readonly == readonly)
		return 0;
	if (!readonly && !ns->be->writable) {
		tgt_err(err, errlen,
			"namespace %u: its backing store could only be opened read-only, so it "
			"cannot become writable in place; delete it and add it again",
			nsid);
		return -EROFS;
	}
	ns->params.readonly = readonly;
	atomic_store_explicit(&ns->readonly, readonly, memory_order_relaxed);
	if (ns->enabled)
		subsys_ns_changed(ns->subsys, ns);
	return 0;
}

/* O_DIRECT on or off (file namespaces; others only record it). */
int tgt_ns_set_direct(struct tgt *t, const char *nqn, uint32_t nsid, bool direct, char *err,
		      size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);
	int rc;

	if (!ns)
		return -ENOENT;
	if (ns->params.direct == direct)
		return 0;
	if (ns->be->ops->set_direct) {
		rc = ns->be->ops->set_direct(ns->be, direct, err, errlen);
		if (rc)
			return rc;
	}
	ns->params.direct = direct;
	return 0;
}

static int ns_foreach_subsys(struct subsys *s, int (*cb)(const struct tgt_ns_info *, void *),
			     void *arg)
{
	struct tgt_ns_info info;
	uint64_t st[NS_ST_MAX];
	struct ns *ns;
	int rc;

	for (ns = s->ns_list; ns; ns = ns->next) {
		memset(&info, 0, sizeof(info));
		info.subnqn = s->nqn;
		info.nsid = ns->nsid;
		info.backend = ns->params.backend;
		info.path = ns->params.path;
		info.rbd = ns->params.backend == TGT_BACKEND_RBD ? &ns->params.rbd : NULL;
		info.size = ns->params.size;
		info.lba_size = ns->params.lba_size;
		info.anagrpid = ns->params.anagrpid;
		info.readonly = ns->params.readonly;
		info.direct = ns->params.direct;
		info.enabled = ns->enabled;
		info.hosts = (const char *const *)ns->hosts;
		info.nr_hosts = ns->nr_hosts;
		if (ns->resv) {
			info.resv = true;
			info.ptpl = ns->resv->ptpl;
			info.rtype = ns->resv->rtype;
			info.resv_holder = ns->resv->holder;
			info.resv_gen = ns->resv->gen;
			info.regs = ns->resv->reg;
			info.nr_regs = ns->resv->nr_reg;
		}
		memcpy(info.uuid, ns->params.uuid, 16);
		memcpy(info.nguid, ns->params.nguid, 16);
		memcpy(info.eui64, ns->params.eui64, 8);
		ns_stats(ns, st, &info.stats);
		info.reads = st[NS_ST_READS];
		info.writes = st[NS_ST_WRITES];
		info.read_bytes = st[NS_ST_RBYTES];
		info.write_bytes = st[NS_ST_WBYTES];
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Walk the namespaces of one subsystem (nqn) or of all. */
int tgt_ns_foreach(struct tgt *t, const char *nqn, int (*cb)(const struct tgt_ns_info *, void *),
		   void *arg)
{
	struct subsys *s;
	int rc;

	if (nqn) {
		s = subsys_find(t, nqn);
		if (!s)
			return -ENOENT;
		return ns_foreach_subsys(s, cb, arg);
	}
	for (s = t->subsys_list; s; s = s->next) {
		rc = ns_foreach_subsys(s, cb, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static void ns_event(struct ns *ns, enum tgt_ns_event ev, const char *msg)
{
	struct tgt *t = ns->t;

	if (t->ns_event)
		t->ns_event(t->ns_event_arg, ns->subsys->nqn, ns->nsid, ev, ns->params.size, msg);
}

/* [ctl] Poll one backend for what its store did: a new size (grown:
 * hosts are told; shrunk: refused), a fence, a recovery. */
static void ns_tick(struct ns *ns)
{
	char msg[256] = "", err[256] = "";
	uint64_t old = ns->params.size;
	int bits, rc;

	bits = ns->be->ops->tick(ns->be, msg, sizeof(msg));
	if (bits <= 0)
		return;
	if (bits & BE_TICK_RESIZED) {
		rc = tgt_ns_resize(ns->t, ns->subsys->nqn, ns->nsid, 0, err, sizeof(err));
		if (rc)
			ns_event(ns, TGT_NS_EV_SHRINK_REFUSED, err);
		else if (ns->params.size != old)
			ns_event(ns, TGT_NS_EV_RESIZED, msg);
	}
	if (bits & BE_TICK_FENCED)
		ns_event(ns, TGT_NS_EV_FENCED, msg);
	if (bits & BE_TICK_RECOVERED)
		ns_event(ns, TGT_NS_EV_RECOVERED, msg);
	if (bits & BE_TICK_NOTE)
		ns_event(ns, TGT_NS_EV_NOTE, msg);
}

/* [ctl] Every 100 ms: poll the backends that watch their store. */
void ns_tick_all(struct tgt *t)
{
	struct subsys *s;
	struct ns *ns;

	for (s = t->subsys_list; s; s = s->next)
		for (ns = s->ns_list; ns; ns = ns->next)
			if (ns->be && ns->be->ops->tick && !ns->deleting)
				ns_tick(ns);
}

/* Connect a fenced namespace's backend to its store again. */
int tgt_ns_recover(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);

	if (!ns)
		return -ENOENT;
	if (!ns->be->ops->recover) {
		tgt_err(err, errlen, "namespace %u cannot be fenced", nsid);
		return -EOPNOTSUPP;
	}
	return ns->be->ops->recover(ns->be, err, errlen);
}
