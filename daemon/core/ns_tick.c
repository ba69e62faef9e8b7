// SPDX-License-Identifier: Apache-2.0
/*
 * ns_tick_all(): every 100 ms on the control thread, poll the backends
 * that watch their store (rbd) for a new size, a fence, a recovery or a
 * grow done off the control thread, and tell the namespace-event
 * callback.
 */
#include "ns_priv.h"
#include "tgt_priv.h"

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
	if (bits & BE_TICK_WAITED)
		ns_event(ns, TGT_NS_EV_WAITED, "");
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
