// SPDX-License-Identifier: Apache-2.0
/*
 * Block-range locks for `fcnvme mount`'s writes (see fcnvme_rlock.h). The
 * lock is a list in arrival order; a handful of writes are in flight at
 * once, so linear scans are the whole algorithm.
 */
#include <stddef.h>

#include "fcnvme_rlock.h"

void fcnvme_rlock_init(struct fcnvme_rlock *l)
{
	TAILQ_INIT(&l->ranges);
	l->nr_held = 0;
	l->nr_waiting = 0;
}

bool fcnvme_rlock_conflict(const struct fcnvme_rlock_range *a, const struct fcnvme_rlock_range *b)
{
	return (a->excl || b->excl) && a->start < b->end && b->start < a->end;
}

/* Whether r conflicts with a range queued before it. */
static bool rlock_blocked(const struct fcnvme_rlock *l, const struct fcnvme_rlock_range *r)
{
	const struct fcnvme_rlock_range *e;

	TAILQ_FOREACH (e, &l->ranges, link) {
		if (e == r)
			return false;
		if (fcnvme_rlock_conflict(e, r))
			return true;
	}
	return false;
}

bool fcnvme_rlock_acquire(struct fcnvme_rlock *l, struct fcnvme_rlock_range *r, uint64_t start,
			  uint64_t nblocks, bool excl)
{
	r->start = start;
	r->end = start + nblocks;
	r->excl = excl;
	r->queued = true;
	TAILQ_INSERT_TAIL(&l->ranges, r, link);
	r->held = !rlock_blocked(l, r);
	if (r->held)
		l->nr_held++;
	else
		l->nr_waiting++;
	return r->held;
}

void fcnvme_rlock_release(struct fcnvme_rlock *l, struct fcnvme_rlock_range *r,
			  struct fcnvme_rlock_list *granted)
{
	struct fcnvme_rlock_range *e;

	if (!r->queued)
		return;
	TAILQ_REMOVE(&l->ranges, r, link);
	r->queued = false;
	if (r->held)
		l->nr_held--;
	else
		l->nr_waiting--;
	r->held = false;
	if (!l->nr_waiting)
		return;
	TAILQ_FOREACH (e, &l->ranges, link) {
		if (e->held || rlock_blocked(l, e))
			continue;
		e->held = true;
		l->nr_held++;
		l->nr_waiting--;
		TAILQ_INSERT_TAIL(granted, e, grant);
	}
}
