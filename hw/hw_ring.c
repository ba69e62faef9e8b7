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

/* Copy len bytes (after the sequence word) into a new entry. */
int hw_ring_post(void *base, struct hw_ring *r, const void *src, size_t len)
{
	uint64_t pos;
	char *e = hw_ring_reserve(base, r, &pos);

	if (!e)
		return -EAGAIN;
	memcpy(e + sizeof(uint64_t), (const char *)src + sizeof(uint64_t), len - sizeof(uint64_t));
	hw_ring_commit(e, pos);
	return 0;
}

/* Wake a consumer sleeping in hw_ring_wait regardless of the ring. */
void hw_ring_kick(struct hw_ring *r)
{
	atomic_store(&r->armed, 0);
	atomic_fetch_add(&r->futex, 1);
	hw_futex(&r->futex, FUTEX_WAKE, INT_MAX, NULL);
}

/* Producer side of the interrupt: wake the consumer if it armed the ring. */
bool hw_ring_notify(struct hw_ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&r->armed, memory_order_seq_cst))
		return false;
	if (!atomic_exchange(&r->armed, 0))
		return false;
	atomic_fetch_add(&r->futex, 1);
	hw_futex(&r->futex, FUTEX_WAKE, INT_MAX, NULL);
	return true;
}

/* Consumer: arm, recheck, sleep until notified or the timeout passes. */
int hw_ring_wait(void *base, struct hw_ring *r, unsigned int timeout_us)
{
	struct timespec ts;
	uint32_t v;

	if (!hw_ring_empty(base, r))
		return 1;
	if (timeout_us == 0)
		return 0;
	v = atomic_load(&r->futex);
	atomic_store(&r->armed, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (!hw_ring_empty(base, r)) {
		atomic_store(&r->armed, 0);
		return 1;
	}
	ts.tv_sec = timeout_us / 1000000u;
	ts.tv_nsec = (long)(timeout_us % 1000000u) * 1000;
	hw_futex(&r->futex, FUTEX_WAIT, v, &ts);
	atomic_store(&r->armed, 0);
	return hw_ring_empty(base, r) ? 0 : 1;
}
