// SPDX-License-Identifier: Apache-2.0
/*
 * Namespace statistics: the counters each I/O queue's view keeps without
 * sharing a cache line ([hwq]), folded into the namespace when a view goes
 * ([ctl] or the view's thread), and summed for a listing ([ctl]).
 */
#include <string.h>

#include "tgt_priv.h"

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
