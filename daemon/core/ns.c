// SPDX-License-Identifier: Apache-2.0
/*
 * Namespaces: find, delete, grow, enable/disable, ANA group, read-only,
 * O_DIRECT and recovery. The I/O path never reads the control thread's
 * namespace list: each connected I/O queue has its own view (sq->ns[]),
 * filled at its Connect and changed afterwards only by ns_msg messages run
 * on the queue's thread. The rest of the namespace code is one file a
 * part: ns_add.c (add), ns_view.c (publishing to the queues' views),
 * ns_msg.c (the messages and their drain barrier), ns_stats.c (counters),
 * ns_foreach.c (listing), ns_tick.c (backend polling), ns_host.c (host
 * masking), ns_id.c (persistent identifiers); ns_priv.h is what they share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns_priv.h"
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

void ns_free(struct ns *ns)
{
	/* a close that may wait on a remote store (rbd) runs off [ctl] */
	if (ns->be && ns->be->ops->open_blocks)
		backend_preopen_close(ns->be->ops, ns->be);
	else if (ns->be)
		ns->be->ops->close(ns->be);
	free(ns->path_buf);
	ns_host_free(ns);
	resv_free(ns);
	free(ns);
}

struct subsys *ns_subsys(struct tgt *t, const char *nqn, char *err, size_t errlen)
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

void ns_event(struct ns *ns, enum tgt_ns_event ev, const char *msg)
{
	struct tgt *t = ns->t;

	if (t->ns_event)
		t->ns_event(t->ns_event_arg, ns->subsys->nqn, ns->nsid, ev, ns->params.size, msg);
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
	resv_feat_forget(s, nsid);
	ns->deleting = true;
	if (ns->enabled)
		subsys_ns_changed(s, ns);
	if (ns->published)
		ns_view_unpublish(ns);
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

int tgt_ns_resize_want(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, NULL, 0);

	if (!ns || !ns->be || size <= ns->params.size || !ns->be->ops->grow_want)
		return 0;
	return ns->be->ops->grow_want(ns->be, size);
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
	ns_view_publish(ns);
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
	ns_view_unpublish(ns);
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

/* Reservations on or off in place; hosts get a namespace-attribute event
 * (RESCAP changes). */
int tgt_ns_set_resv(struct tgt *t, const char *nqn, uint32_t nsid, bool on, char *err,
		    size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);
	char note[512];
	int rc;

	if (!ns)
		return -ENOENT;
	if (ns->params.resv == on)
		return 0;
	note[0] = '\0';
	rc = on ? resv_init(ns, note, sizeof(note)) : resv_off(ns, err, errlen);
	if (rc) {
		if (rc == -ENOMEM)
			tgt_err(err, errlen, "out of memory");
		return rc;
	}
	if (note[0])
		ns_event(ns, TGT_NS_EV_NOTE, note);
	ns->params.resv = on;
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
