/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ring operations on the queues of hw_dev.h: a bounded multi-producer,
 * single-consumer queue in shared memory (sequence word per entry, CAS on the
 * tail), plus the interrupt emulation (armed flag + shared futex). Inline so
 * that the busy path is a handful of loads and stores: no lock, no syscall
 * unless a sleeping consumer must be woken.
 *
 * A ring header lives in shared memory, so whoever shares the region can
 * rewrite its geometry (off, entries, esize). A process that does not trust
 * the others with it (the port server of a remote driver's port) keeps a
 * private copy of the header as it laid it out and uses the _geo variants:
 * they take the geometry from g and only the indices and sequence words from
 * r, so every entry address stays inside the ring whatever the region says.
 * The plain functions are the _geo ones with g == r.
 */
#ifndef HW_RING_H
#define HW_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hw_dev.h"

/* Entry at position pos of a ring with geometry g, whose owner's region
 * starts at base. */
static inline void *hw_ring_entry(void *base, const struct hw_ring *g, uint64_t pos)
{
	return (char *)base + g->off + (size_t)(pos & (g->entries - 1)) * g->esize;
}

/* *posp of a failed hw_ring_reserve_geo when the ring's memory is not
 * consistent (a peer's region corrupted), rather than full. */
#define HW_RING_CORRUPT UINT64_MAX

/* Reserve a slot of ring r (geometry g); returns the entry (to fill, then
 * hw_ring_commit) or NULL when the ring is full, or is corrupt (*posp is
 * then HW_RING_CORRUPT). Safe for many producers in many processes. The
 * ring may be a peer's: a slot ahead of the tail means another producer
 * has moved the tail on, so a tail that does not move (or keeps moving for
 * far longer than producers can) means damaged memory, never a wait. */
static inline void *hw_ring_reserve_geo(void *base, struct hw_ring *r, const struct hw_ring *g,
					uint64_t *posp)
{
	uint64_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	unsigned int tries = 0;

	for (;; tries++) {
		void *e = hw_ring_entry(base, g, pos);
		_Atomic uint64_t *seq = e;
		uint64_t s = atomic_load_explicit(seq, memory_order_acquire);
		int64_t dif = (int64_t)(s - pos);

		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->tail, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed)) {
				*posp = pos;
				return e;
			}
		} else if (dif < 0) {
			*posp = 0;
			return NULL;
		} else {
			uint64_t now = atomic_load_explicit(&r->tail, memory_order_relaxed);

			if (now == pos || tries >= 4096) {
				*posp = HW_RING_CORRUPT;
				return NULL;
			}
			pos = now;
		}
	}
}

/* hw_ring_reserve_geo for a ring with one producer thread at a time (a
 * host port's WQ, hw_host_hwq): nobody else writes the tail, so a load and
 * a store take the slot, no CAS. Relaxed on the tail: only this thread
 * reads it back (a handle passed to another thread is passed with a
 * happens-before of the caller's own); the consumer goes by the entries'
 * sequence words, whose acquire load here pairs with its release in
 * hw_ring_pop_geo (it is done with the slot before we refill it), and the
 * commit's release publishes the entry. A sequence word ahead of the tail
 * cannot be another producer's: the ring's memory is corrupt. */
static inline void *hw_ring_reserve_sp_geo(void *base, struct hw_ring *r, const struct hw_ring *g,
					   uint64_t *posp)
{
	uint64_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	void *e = hw_ring_entry(base, g, pos);
	int64_t dif =
		(int64_t)(atomic_load_explicit((_Atomic uint64_t *)e, memory_order_acquire) - pos);

	if (dif != 0) {
		*posp = dif < 0 ? 0 : HW_RING_CORRUPT;
		return NULL;
	}
	atomic_store_explicit(&r->tail, pos + 1, memory_order_relaxed);
	*posp = pos;
	return e;
}

static inline void *hw_ring_reserve(void *base, struct hw_ring *r, uint64_t *posp)
{
	return hw_ring_reserve_geo(base, r, r, posp);
}

/* Publish a reserved entry to the consumer. */
static inline void hw_ring_commit(void *e, uint64_t pos)
{
	atomic_store_explicit((_Atomic uint64_t *)e, pos + 1, memory_order_release);
}

/* The consumer's next entry of ring r (geometry g), or NULL if none is
 * ready. */
static inline void *hw_ring_peek_geo(void *base, struct hw_ring *r, const struct hw_ring *g)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	void *e = hw_ring_entry(base, g, head);
	_Atomic uint64_t *seq = e;

	if (atomic_load_explicit(seq, memory_order_acquire) != head + 1)
		return NULL;
	return e;
}

static inline void *hw_ring_peek(void *base, struct hw_ring *r)
{
	return hw_ring_peek_geo(base, r, r);
}

/* Consumer: hand the entry from hw_ring_peek back to the producers. */
static inline void hw_ring_pop_geo(struct hw_ring *r, const struct hw_ring *g, void *e)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	atomic_store_explicit((_Atomic uint64_t *)e, head + g->entries, memory_order_release);
	atomic_store_explicit(&r->head, head + 1, memory_order_relaxed);
}

static inline void hw_ring_pop(struct hw_ring *r, void *e)
{
	hw_ring_pop_geo(r, r, e);
}

/* Entries reserved but not yet consumed (approximate, for flow control).
 * head is read first: the tail read after it can only be further on. */
static inline uint64_t hw_ring_fill(struct hw_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	return tail >= head ? tail - head : 0;
}

/* Producers: true if at least limit entries are reserved but not consumed,
 * as hw_ring_fill(r) >= limit. The consumer's head line is read only when
 * the head value seen earlier (head_seen, in the producers' tail line) no
 * longer proves the ring below limit: a post then costs no transfer of the
 * line the consumer writes on every pop. */
static inline bool hw_ring_fill_reaches(struct hw_ring *r, uint64_t limit)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint64_t seen = atomic_load_explicit(&r->head_seen, memory_order_relaxed);
	uint64_t head;

	/* head_seen <= head, so tail - head_seen bounds the fill from above. */
	if (tail >= seen && tail - seen < limit)
		return false;
	head = atomic_load_explicit(&r->head, memory_order_acquire);
	atomic_store_explicit(&r->head_seen, head, memory_order_relaxed);
	return tail >= head && tail - head >= limit;
}

/* Consumer: true if nothing is ready. */
static inline bool hw_ring_empty_geo(void *base, struct hw_ring *r, const struct hw_ring *g)
{
	return hw_ring_peek_geo(base, r, g) == NULL;
}

static inline bool hw_ring_empty(void *base, struct hw_ring *r)
{
	return hw_ring_empty_geo(base, r, r);
}

/* Copy len bytes out of memory another party may rewrite at any time, once:
 * everything is checked and used from dst, and the compiler barrier keeps
 * it from reading src again in place of dst (no double fetch). */
static inline void hw_fetch_once(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
	atomic_signal_fence(memory_order_seq_cst);
}

/* Add to a counter only its owner thread writes: a plain load and store,
 * no locked instruction. */
static inline void hw_stat_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* Copy len bytes (after the sequence word, at most g->esize) into a new
 * entry of ring r (geometry g); 0, -EAGAIN when full or -EINVAL. */
int hw_ring_post_geo(void *base, struct hw_ring *r, const struct hw_ring *g, const void *src,
		     size_t len);
int hw_ring_post(void *base, struct hw_ring *r, const void *src, size_t len);
/* hw_ring_post for a ring with one producer thread at a time
 * (hw_ring_reserve_sp_geo); 0, -EAGAIN when full, -EPROTO when corrupt or
 * -EINVAL. */
int hw_ring_post_sp(void *base, struct hw_ring *r, const void *src, size_t len);
/* hw_ring_post_sp with the geometry of g (see above). */
int hw_ring_post_sp_geo(void *base, struct hw_ring *r, const struct hw_ring *g, const void *src,
			size_t len);
/* Initialize a ring of entries x esize bytes at offset off of base. */
void hw_ring_init(void *base, struct hw_ring *r, uint64_t off, uint32_t entries, uint32_t esize);
/* Producer side of the interrupt, first half: true if the consumer had armed
 * the ring, which is now disarmed; the caller then raises the interrupt
 * (hw_ring_notify: the futex; a port server: the guest's MSI-X vector). */
bool hw_ring_disarm(struct hw_ring *r);
/* Producer side of the interrupt: wake the consumer if it armed the ring.
 * Returns true if it was armed (and has been woken). */
bool hw_ring_notify(struct hw_ring *r);
/* Sleep while r->futex still holds seen, at most timeout_us (0 = no limit);
 * returns the value it holds now. For a thread that stands in for a
 * consumer that cannot wait on the futex itself (a VM's driver). */
uint32_t hw_ring_futex_wait(struct hw_ring *r, uint32_t seen, unsigned int timeout_us);
/* Bump r->futex and wake its sleepers, leaving armed alone. */
void hw_ring_futex_wake(struct hw_ring *r);
/* Consumer: arm, recheck, sleep on the futex until notified or timeout_us
 * passes (0 = do not sleep). Returns 1 if entries are ready, else 0. */
int hw_ring_wait(void *base, struct hw_ring *r, unsigned int timeout_us);
/* hw_ring_wait with the geometry of g (see above). */
int hw_ring_wait_geo(void *base, struct hw_ring *r, const struct hw_ring *g,
		     unsigned int timeout_us);
/* hw_ring_wait_geo that also returns 0 at once when *kicked (any thread
 * sets it, then calls hw_ring_kick) is set, clearing it: a kick that came
 * before the sleep began is not lost. NULL: no latch. */
int hw_ring_wait_latch_geo(void *base, struct hw_ring *r, const struct hw_ring *g,
			   unsigned int timeout_us, _Atomic bool *kicked);
/* Most rings hw_ring_wait_any sleeps on at once (FUTEX_WAITV_MAX is 128). */
#define HW_RING_WAIT_MAX HW_MAX_HWQ
/* hw_ring_wait over n rings of one region (1 to HW_RING_WAIT_MAX): arm
 * them all, sleep until a producer notifies one or timeout_us passes.
 * Returns 1 if any has entries ready, 0 if none, -EINVAL. */
int hw_ring_wait_any(void *base, struct hw_ring *const *rs, unsigned int n,
		     unsigned int timeout_us);
/* hw_ring_wait_any with ring i's geometry from gs[i] (see above). */
int hw_ring_wait_any_geo(void *base, struct hw_ring *const *rs, const struct hw_ring *const *gs,
			 unsigned int n, unsigned int timeout_us);
/* Wake a consumer sleeping in hw_ring_wait regardless of the ring. */
void hw_ring_kick(struct hw_ring *r);

#endif /* HW_RING_H */
