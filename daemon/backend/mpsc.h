/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A lock-free intrusive multi-producer single-consumer list: any thread
 * pushes one node with a compare-and-swap, the one consumer takes every
 * node at once with an exchange and gets them back oldest first. Used where
 * completions are produced on foreign threads (librbd's) and consumed by
 * the I/O thread that submitted the work.
 *
 * A node is any struct whose first member is a struct mpsc_node; it must
 * stay valid until the consumer took it.
 */
#ifndef MPSC_H
#define MPSC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct mpsc_node {
	struct mpsc_node *next;
};

struct mpsc_list {
	_Atomic(struct mpsc_node *) head; /* newest first */
};

static inline void mpsc_init(struct mpsc_list *l)
{
	atomic_init(&l->head, NULL);
}

/* Any thread. Release: what the producer wrote before the push is visible
 * to the consumer that takes the node. */
static inline void mpsc_push(struct mpsc_list *l, struct mpsc_node *n)
{
	struct mpsc_node *old = atomic_load_explicit(&l->head, memory_order_relaxed);

	do {
		n->next = old;
	} while (!atomic_compare_exchange_weak_explicit(&l->head, &old, n, memory_order_release,
							memory_order_relaxed));
}

/* Consumer: whether the list holds something (a hint, no ordering). */
static inline bool mpsc_empty(struct mpsc_list *l)
{
	return atomic_load_explicit(&l->head, memory_order_relaxed) == NULL;
}

/* Consumer: take every node, oldest first (NULL when empty). */
static inline struct mpsc_node *mpsc_take_all(struct mpsc_list *l)
{
	struct mpsc_node *n = atomic_exchange_explicit(&l->head, NULL, memory_order_acquire);
	struct mpsc_node *prev = NULL, *next;

	for (; n; n = next) { /* reverse: pushes come newest first */
		next = n->next;
		n->next = prev;
		prev = n;
	}
	return prev;
}

#endif /* MPSC_H */
