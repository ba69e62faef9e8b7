/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded, lock-free multi-producer multi-consumer message ring (each slot
 * carries a sequence number, so producers and consumers never share a lock
 * and never write the same cache line except the slot they own). It is the
 * only way threads of the daemon talk: the control thread posts to an I/O
 * thread's inbox, I/O threads post to the control thread's inbox. In
 * practice each inbox has one consumer; more producers are allowed.
 * No allocation after io_ring_init(); push and pop never block.
 */
#ifndef IO_RING_H
#define IO_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IO_RING_CACHELINE 64

/* One message: run fn(arg) on the consumer's thread. */
struct io_msg {
	void (*fn)(void *arg);
	void *arg;
};

struct io_ring_slot {
	_Atomic size_t seq;
	struct io_msg msg;
};

struct io_ring {
	/* Written by producers only. */
	_Alignas(IO_RING_CACHELINE) _Atomic size_t tail;
	/* Written by consumers only. */
	_Alignas(IO_RING_CACHELINE) _Atomic size_t head;
	/* Immutable after init. */
	_Alignas(IO_RING_CACHELINE) size_t mask;
	struct io_ring_slot *slots;
};

/* Create a ring of size entries (a power of two). */
int io_ring_init(struct io_ring *r, size_t size);
void io_ring_fini(struct io_ring *r);
/* Queue a message; -EAGAIN when the ring is full. Any thread. */
int io_ring_push(struct io_ring *r, void (*fn)(void *), void *arg);
/* Take the oldest message; false when empty. */
bool io_ring_pop(struct io_ring *r, struct io_msg *out);
/* Run up to max queued messages; returns how many ran. */
unsigned int io_ring_run(struct io_ring *r, unsigned int max);

#endif /* IO_RING_H */
