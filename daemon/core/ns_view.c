// SPDX-License-Identifier: Apache-2.0
/*
 * The I/O queues' views of namespaces (sq->ns[]): publish a namespace to
 * the queues of the controllers that may see it, unpublish it (a drain:
 * the backend is closed once every queue acknowledged, ns_msg.c), fill a
 * new queue's view, destroy a subsystem's namespaces. [ctl] only; the I/O
 * path never reads the control thread's namespace list.
 */
#include <stdlib.h>

#include "ns_priv.h"
#include "tgt_priv.h"

/* [ctl] Give view nsid of sq a latency histogram before the namespace
 * first shows in it (without one, that view counts no latency). */
void ns_view_lat_alloc(struct sq *sq, uint32_t nsid)
{
	struct sq_ns_lat *l;

	if (!sq->ns || atomic_load_explicit(&sq->ns[nsid].lat, memory_order_relaxed))
		return;
	l = calloc(1, sizeof(*l));
	if (l)
		atomic_store_explicit(&sq->ns[nsid].lat, l, memory_order_release);
}
void ns_view_drained(struct ns *ns)
{
	ns->published = false;
	if (ns->deleting) {
		ns->t->ns_draining--;
		if (!ns->pinned)
			ns_free(ns);
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
static void ns_view_broadcast(struct subsys *s, struct ns *ns, bool remove)
{
	struct ctrl *c;

	for (c = s->ctrls; c; c = c->next)
		if (remove || ns_host_listed(ns, c->hostnqn))
			ns_msg_ctrl(c, ns, ns->nsid, remove);
}

void ns_view_publish(struct ns *ns)
{
	if (ns->published || ns->drain_pending)
		return;
	ns->published = true;
	ns_view_broadcast(ns->subsys, ns, false);
}

void ns_view_unpublish(struct ns *ns)
{
	if (!ns->published)
		return;
	if (ns->deleting)
		ns->t->ns_draining++;
	ns->drain_pending++; /* acks may come during the broadcast */
	ns_view_broadcast(ns->subsys, ns, true);
	if (!--ns->drain_pending)
		ns_view_drained(ns);
}

/* [ctl] Fill a newly connected I/O queue's view (before it is used). A
 * hidden namespace still draining stays published until its drain ends,
 * but the queue must not see it (its removal message never reaches this
 * queue, so the view would keep it after it is freed). */
void ns_fill_sq_view(struct subsys *s, struct sq *sq, const char *hostnqn)
{
	struct ns *ns;

	for (ns = s->ns_list; ns; ns = ns->next)
		if (ns->published && ns->enabled && ns_host_listed(ns, hostnqn)) {
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
			ns_view_unpublish(ns);
		else if (!ns->drain_pending)
			ns_free(ns);
	}
}
