/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the two soft-HBA fuzzers (fuzz_hw_peer.c, fuzz_hw_host.c) share:
 * stopping at a broken invariant, and their fabric in a private shm dir
 * (hwf_shm_dir_make's), removed at exit. Each includes it once, after
 * defining FUZZ_HW_NAME (its messages' prefix).
 */
#ifndef FUZZ_HW_H
#define FUZZ_HW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_hw.h"
#include "hw_dev.h"
#include "hw_fabric.h"
#include "hw_ring.h"
#include "hw_tgt_priv.h"

static inline void fuzz_hw_die(const char *what)
{
	fprintf(stderr, FUZZ_HW_NAME ": %s\n", what);
	abort();
}

#define FUZZ_HW_REQUIRE(c)               \
	do {                             \
		if (!(c))                \
			fuzz_hw_die(#c); \
	} while (0)

static char fuzz_hw_root[64];

static inline void fuzz_hw_cleanup(void)
{
	/* The fabric's files; the mappings go with the process. */
	if (hwf_shm_dir_remove(fuzz_hw_root))
		fprintf(stderr, FUZZ_HW_NAME ": could not remove %s\n", fuzz_hw_root);
}

/* The private shm dir (FCNVME_SHM_DIR, tag in its name), removed at exit,
 * and fabric f in it, whose path goes to fdir (len bytes). */
static inline void fuzz_hw_fabric(const char *tag, char *fdir, size_t len)
{
	FUZZ_HW_REQUIRE(hwf_shm_dir_make(fuzz_hw_root, sizeof(fuzz_hw_root), tag) == 0);
	atexit(fuzz_hw_cleanup);
	snprintf(fdir, len, "%s/f", fuzz_hw_root);
	FUZZ_HW_REQUIRE(hw_fabric_create(fdir) == 0);
}

/* An input, read front to back: get takes len bytes into dst, false (and
 * nothing) when fewer are left. */
struct in {
	const uint8_t *p;
	size_t n;
};

static inline bool get(struct in *in, void *dst, size_t len)
{
	if (in->n < len)
		return false;
	memcpy(dst, in->p, len);
	in->p += len;
	in->n -= len;
	return true;
}

static inline bool get8(struct in *in, uint8_t *v)
{
	return get(in, v, 1);
}

/* Size or offset word k (0-5: nr_hwq, nr_xri, xri_off, dma_off, dma_size,
 * flags) of BAR b := v, as a peer that maps the region may write it. */
static inline void fuzz_hw_bar_word(struct hw_bar *b, unsigned int k, uint64_t v)
{
	switch (k) {
	case 0:
		b->nr_hwq = (uint32_t)v;
		break;
	case 1:
		b->nr_xri = (uint32_t)v;
		break;
	case 2:
		b->xri_off = v;
		break;
	case 3:
		b->dma_off = v;
		break;
	case 4:
		b->dma_size = v;
		break;
	default:
		b->flags = (uint32_t)v;
		break;
	}
}

/* Word word % 8 of ring header r (indices, wake-up words, geometry) := v,
 * as a peer that maps the region may write it. */
static inline void fuzz_hw_ring_word(struct hw_ring *r, unsigned int word, uint64_t v)
{
	switch (word % 8) {
	case 0:
		atomic_store(&r->tail, v);
		break;
	case 1:
		atomic_store(&r->head_seen, v);
		break;
	case 2:
		atomic_store(&r->head, v);
		break;
	case 3:
		atomic_store(&r->armed, (uint32_t)v);
		break;
	case 4:
		atomic_store(&r->futex, (uint32_t)v);
		break;
	case 5:
		r->entries = (uint32_t)v;
		break;
	case 6:
		r->esize = (uint32_t)v;
		break;
	default:
		r->off = v;
		break;
	}
}

/* Run target port tp (nr_hwq hw queues of depth receive buffers) until it
 * does nothing more: the fake transport's deferred answers, polls of every
 * hw queue, and after each round drain() (the other side consuming what it
 * was sent, and sending what it still holds: it returns how much it did,
 * and the rounds go on while anybody did something). Then every exchange
 * must be back: a leak or a wedge stops the fuzzer. A hostile peer's ring
 * that the firmware found corrupt marks the peer for the slow path to log
 * out; the fuzzers let it back at once (their last check needs it logged
 * in). */
static inline void fuzz_hw_tgt_quiesce(struct hw_tgt_port *tp, unsigned int nr_hwq,
				       unsigned int depth, unsigned int (*drain)(void))
{
	unsigned int round, q, n, i;
	struct hw_tgt_xchg *x;

	for (round = 0; round < 32; round++) {
		n = (unsigned int)hwf_answer_deferred();
		for (q = 0; q < nr_hwq; q++)
			n += (unsigned int)hw_tgt_poll(tp, (uint16_t)q, 256);
		atomic_store(&tp->dev.peer_bad, 0);
		n += drain();
		if (!n)
			break;
	}
	for (q = 0; q < nr_hwq; q++) {
		struct hw_tgt_hwq *h = &tp->hwq[q];

		for (i = 0, x = h->free; x; x = x->next)
			i++;
		if (i != depth || h->held_count || h->wqe_out || h->done_head ||
		    h->lcq.head != h->lcq.tail || h->wq_pending) {
			fprintf(stderr,
				FUZZ_HW_NAME ": hw queue %u not idle: %u of %u exchanges free, "
					     "%u held, %u ops out\n",
				q, i, depth, h->held_count, h->wqe_out);
			fuzz_hw_die("the target kept an exchange (leak or wedge)");
		}
	}
}

#endif
