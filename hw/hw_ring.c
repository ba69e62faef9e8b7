// SPDX-License-Identifier: Apache-2.0
/*
 * Out-of-line ring operations: initialization, posting a copy, and the
 * futex-based interrupt emulation (arm, sleep, notify, kick). The futex word
 * lives in the shared region, so it is a shared (not private) futex and works
 * across processes.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hw_ring.h"

static long hw_futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, (uint32_t *)(uintptr_t)addr, op, val, ts, NULL, 0);
}

/* FUTEX_WAITV until the absolute CLOCK_MONOTONIC time ts; -1 with errno
 * ENOSYS where the kernel or the C library lacks it. */
static long hw_futex_waitv(struct futex_waitv *fw, unsigned int n, const struct timespec *ts)
{
#ifdef SYS_futex_waitv
	return syscall(SYS_futex_waitv, fw, n, 0, ts, CLOCK_MONOTONIC);
#else
	(void)fw;
	(void)n;
	(void)ts;
	errno = ENOSYS;
	return -1;
#endif
}

/* Initialize a ring of entries x esize bytes at offset off of base. */
void hw_ring_init(void *base, struct hw_ring *r, uint64_t off, uint32_t entries, uint32_t esize)
{
	uint32_t i;

	r->off = off;
	r->entries = entries;
	r->esize = esize;
	atomic_store(&r->head, 0);
	atomic_store(&r->tail, 0);
	atomic_store(&r->head_seen, 0);
	atomic_store(&r->armed, 0);
	atomic_store(&r->futex, 0);
	for (i = 0; i < entries; i++)
		atomic_store((_Atomic uint64_t *)hw_ring_entry(base, r, i), i);
}

/* Fill and commit the entry e (position pos) a reserve returned, or say why
 * there is none. */
static int hw_ring_put(char *e, uint64_t pos, const void *src, size_t len)
{
	if (!e)
		return pos == HW_RING_CORRUPT ? -EPROTO : -EAGAIN;
	memcpy(e + sizeof(uint64_t), (const char *)src + sizeof(uint64_t), len - sizeof(uint64_t));
	hw_ring_commit(e, pos);
	return 0;
}

/* Copy len bytes (after the sequence word) into a new entry of r (geometry
 * g); -EAGAIN when it is full, -EPROTO when its memory is corrupt. */
int hw_ring_post_geo(void *base, struct hw_ring *r, const struct hw_ring *g, const void *src,
		     size_t len)
{
	uint64_t pos;
	char *e;

	if (len < sizeof(uint64_t) || len > g->esize)
		return -EINVAL;
	e = hw_ring_reserve_geo(base, r, g, &pos);
	return hw_ring_put(e, pos, src, len);
}

/* One producer thread at a time: no CAS on the tail. */
int hw_ring_post_sp_geo(void *base, struct hw_ring *r, const struct hw_ring *g, const void *src,
			size_t len)
{
	uint64_t pos;
	char *e;

	if (len < sizeof(uint64_t) || len > g->esize)
		return -EINVAL;
	e = hw_ring_reserve_sp_geo(base, r, g, &pos);
	return hw_ring_put(e, pos, src, len);
}

int hw_ring_post_sp(void *base, struct hw_ring *r, const void *src, size_t len)
{
	return hw_ring_post_sp_geo(base, r, r, src, len);
}

/* Copy len bytes (after the sequence word) into a new entry. */
int hw_ring_post(void *base, struct hw_ring *r, const void *src, size_t len)
{
	return hw_ring_post_geo(base, r, r, src, len);
}

/* Bump the futex and wake its sleepers; armed is left alone. */
void hw_ring_futex_wake(struct hw_ring *r)
{
	atomic_fetch_add(&r->futex, 1);
	hw_futex(&r->futex, FUTEX_WAKE, INT_MAX, NULL);
}

/* Sleep while the futex holds seen; returns its value now. */
uint32_t hw_ring_futex_wait(struct hw_ring *r, uint32_t seen, unsigned int timeout_us)
{
	struct timespec ts;

	ts.tv_sec = timeout_us / 1000000u;
	ts.tv_nsec = (long)(timeout_us % 1000000u) * 1000;
	if (atomic_load(&r->futex) == seen)
		hw_futex(&r->futex, FUTEX_WAIT, seen, timeout_us ? &ts : NULL);
	return atomic_load(&r->futex);
}

/* Wake a consumer sleeping in hw_ring_wait regardless of the ring. */
void hw_ring_kick(struct hw_ring *r)
{
	atomic_store(&r->armed, 0);
	hw_ring_futex_wake(r);
}

/* Producer side of the interrupt, first half: disarm an armed ring. */
bool hw_ring_disarm(struct hw_ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&r->armed, memory_order_seq_cst))
		return false;
	return atomic_exchange(&r->armed, 0) != 0;
}

/* Producer side of the interrupt: wake the consumer if it armed the ring. */
bool hw_ring_notify(struct hw_ring *r)
{
	if (!hw_ring_disarm(r))
		return false;
	hw_ring_futex_wake(r);
	return true;
}

/* Consumer: arm, recheck, sleep until notified or the timeout passes. */
int hw_ring_wait(void *base, struct hw_ring *r, unsigned int timeout_us)
{
	return hw_ring_wait_geo(base, r, r, timeout_us);
}

int hw_ring_wait_geo(void *base, struct hw_ring *r, const struct hw_ring *g,
		     unsigned int timeout_us)
{
	return hw_ring_wait_latch_geo(base, r, g, timeout_us, NULL);
}

/* The kick latch is looked at after the futex word was read and the ring
 * armed: a kick whose latch store came later bumps the futex after that
 * read, so the futex wait returns at once instead of sleeping through. */
int hw_ring_wait_latch_geo(void *base, struct hw_ring *r, const struct hw_ring *g,
			   unsigned int timeout_us, _Atomic bool *kicked)
{
	struct timespec ts;
	uint32_t v;

	if (!hw_ring_empty_geo(base, r, g))
		return 1;
	if (timeout_us == 0)
		return 0;
	v = atomic_load(&r->futex);
	atomic_store(&r->armed, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (!hw_ring_empty_geo(base, r, g)) {
		atomic_store(&r->armed, 0);
		return 1;
	}
	if (kicked && atomic_exchange(kicked, false)) {
		atomic_store(&r->armed, 0);
		return 0;
	}
	ts.tv_sec = timeout_us / 1000000u;
	ts.tv_nsec = (long)(timeout_us % 1000000u) * 1000;
	hw_futex(&r->futex, FUTEX_WAIT, v, &ts);
	atomic_store(&r->armed, 0);
	/* Awake: the caller polls next, which is what a kick asks for. */
	if (kicked)
		(void)atomic_exchange(kicked, false);
	return hw_ring_empty_geo(base, r, g) ? 0 : 1;
}

/* Consumer of n rings at once (a host port's CQs): arm them all, recheck,
 * sleep until one is notified or the timeout passes. One ring is
 * hw_ring_wait; several sleep in FUTEX_WAITV (Linux 5.16, shared futexes
 * of 32 bits) or, where the kernel lacks it, on the first ring's futex
 * alone (the others' completions then wait for the timeout). */
int hw_ring_wait_any_geo(void *base, struct hw_ring *const *rs, const struct hw_ring *const *gs,
			 unsigned int n, unsigned int timeout_us)
{
	struct futex_waitv fw[HW_RING_WAIT_MAX];
	struct timespec ts;
	unsigned int i;
	int ready = 0;

	if (!n || n > HW_RING_WAIT_MAX)
		return -EINVAL;
	if (n == 1)
		return hw_ring_wait_geo(base, rs[0], gs[0], timeout_us);
	for (i = 0; i < n; i++)
		if (!hw_ring_empty_geo(base, rs[i], gs[i]))
			return 1;
	if (timeout_us == 0)
		return 0;
	memset(fw, 0, sizeof(fw));
	for (i = 0; i < n; i++) {
		fw[i].val = atomic_load(&rs[i]->futex);
		fw[i].uaddr = (uint64_t)(uintptr_t)&rs[i]->futex;
		fw[i].flags = FUTEX_32;
		atomic_store(&rs[i]->armed, 1);
	}
	atomic_thread_fence(memory_order_seq_cst);
	for (i = 0; i < n && !ready; i++)
		ready = !hw_ring_empty_geo(base, rs[i], gs[i]);
	if (!ready) {
		/* futex_waitv's timeout is absolute, on the clock named */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += timeout_us / 1000000u;
		ts.tv_nsec += (long)(timeout_us % 1000000u) * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (hw_futex_waitv(fw, n, &ts) < 0 && errno == ENOSYS) {
			ts.tv_sec = timeout_us / 1000000u;
			ts.tv_nsec = (long)(timeout_us % 1000000u) * 1000;
			hw_futex(&rs[0]->futex, FUTEX_WAIT, (uint32_t)fw[0].val, &ts);
		}
	}
	for (i = 0; i < n; i++)
		atomic_store(&rs[i]->armed, 0);
	for (i = 0; i < n; i++)
		if (!hw_ring_empty_geo(base, rs[i], gs[i]))
			return 1;
	return 0;
}

int hw_ring_wait_any(void *base, struct hw_ring *const *rs, unsigned int n, unsigned int timeout_us)
{
	return hw_ring_wait_any_geo(base, rs, (const struct hw_ring *const *)rs, n, timeout_us);
}
