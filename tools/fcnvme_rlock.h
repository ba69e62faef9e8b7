/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Block-range locks for the writes of `fcnvme mount` (one lock per
 * namespace). A write holds the blocks it touches from when it starts
 * until it is answered. A read-modify-write (a write that does not cover
 * whole blocks: it reads its blocks, lays its bytes over them and writes
 * them back) holds them exclusively; a whole-block write (Write, Write
 * Zeroes, Deallocate) shares them: two ranges conflict when their blocks
 * overlap and at least one of them is exclusive. So two partial writes of
 * one block, or a partial write and a whole-block write of it, never run at
 * once (the second would write back what the first one replaced), while
 * whole-block writes that overlap no read-modify-write start at once.
 *
 * A range is granted when it conflicts with no range that came before it,
 * granted or still waiting: conflicting writes start in arrival order and
 * none waits forever (a range only ever waits for earlier ones).
 *
 * No threads, no allocation: the caller embeds the ranges (in its request)
 * and every call runs on the thread that owns the lock.
 */
#ifndef FCNVME_RLOCK_H
#define FCNVME_RLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

struct fcnvme_rlock_range {
	TAILQ_ENTRY(fcnvme_rlock_range) link;  /* in the lock, arrival order */
	TAILQ_ENTRY(fcnvme_rlock_range) grant; /* in a release's granted list */
	uint64_t start, end;		       /* blocks [start, end) */
	bool excl;			       /* read-modify-write */
	bool held;			       /* granted (else waiting) */
	bool queued;			       /* in the lock */
};

TAILQ_HEAD(fcnvme_rlock_list, fcnvme_rlock_range);

struct fcnvme_rlock {
	struct fcnvme_rlock_list ranges; /* held and waiting, arrival order */
	unsigned int nr_held, nr_waiting;
};

void fcnvme_rlock_init(struct fcnvme_rlock *l);

/* Whether a and b may not be held at once. */
bool fcnvme_rlock_conflict(const struct fcnvme_rlock_range *a, const struct fcnvme_rlock_range *b);

/*
 * Queue r for blocks [start, start + nblocks) (exclusive when excl).
 * Returns true if r is granted now; false if it waits (a later
 * fcnvme_rlock_release() hands it over in its granted list).
 */
bool fcnvme_rlock_acquire(struct fcnvme_rlock *l, struct fcnvme_rlock_range *r, uint64_t start,
			  uint64_t nblocks, bool excl);

/*
 * Remove r (granted or waiting; a range never queued is ignored) and grant
 * every waiting range that no longer conflicts with an earlier one. Those
 * are appended, in arrival order, to *granted (through their grant entry)
 * for the caller to start.
 */
void fcnvme_rlock_release(struct fcnvme_rlock *l, struct fcnvme_rlock_range *r,
			  struct fcnvme_rlock_list *granted);

#endif
