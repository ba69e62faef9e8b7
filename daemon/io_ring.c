// SPDX-License-Identifier: Apache-2.0
/*
 * The bounded lock-free message ring of io_ring.h (the sequence-number
 * scheme: a slot is free for the producer whose ticket equals its seq, and
 * full for the consumer whose ticket + 1 equals it).
 */
#include <errno.h>
#include <stdlib.h>

#include "io_ring.h"

/* Allocate and initialise a ring of size slots (a power of two, >= 2). */
int io_ring_init(struct io_ring *r, size_t size)
{
	size_t i;

	if (size < 2 || (size & (size - 1)))
		return -EINVAL;
	r->slots = aligned_alloc(IO_RING_CACHELINE, size * sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	for (i = 0; i < size; i++) {
		atomic_init(&r->slots[i].seq, i);
		r->slots[i].msg.fn = NULL;
		r->slots[i].msg.arg = NULL;
	}
	r->mask = size - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return 0;
}

/* Free the ring's slots; queued messages are dropped. */
void io_ring_fini(struct io_ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

/* Queue fn(arg); -EAGAIN if full. */
int io_ring_push(struct io_ring *r, void (*fn)(void *), void *arg)
{
	struct io_ring_slot *s;
	size_t pos, seq;
	intptr_t dif;

	pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	for (;;) {
		s = &r->slots[pos & r->mask];
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		dif = (intptr_t)seq - (intptr_t)pos;
		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->tail, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed))
				break;
		} else if (dif < 0) {
			return -EAGAIN;
		} else {
			pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
		}
	}
	s->msg.fn = fn;
	s->msg.arg = arg;
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
	return 0;
}

/* Dequeue the oldest message into *out; false if the ring is empty. */
bool io_ring_pop(struct io_ring *r, struct io_msg *out)
{
	struct io_ring_slot *s;
	size_t pos, seq;
	intptr_t dif;

	pos = atomic_load_explicit(&r->head, memory_order_relaxed);
	for (;;) {
		s = &r->slots[pos & r->mask];
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		dif = (intptr_t)seq - (intptr_t)(pos + 1);
		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->head, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed))
				break;
		} else if (dif < 0) {
			return false;
		} else {
			pos = atomic_load_explicit(&r->head, memory_order_relaxed);
		}
	}
	*out = s->msg;
	atomic_store_explicit(&s->seq, pos + r->mask + 1, memory_order_release);
	return true;
}

/* Run at most max messages in arrival order. */
unsigned int io_ring_run(struct io_ring *r, unsigned int max)
{
	struct io_msg m;
	unsigned int n = 0;

	while (n < max && io_ring_pop(r, &m)) {
		m.fn(m.arg);
		n++;
	}
	return n;
}
