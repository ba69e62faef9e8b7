/* SPDX-License-Identifier: Apache-2.0 */
/*
 * I/O threads: one per hardware queue of a port, pinned to a configured CPU.
 * Each owns its hw queue (WQ/CQ/RQ), the NVMe queues steered to it and its
 * backend ring, and runs a poll loop: drain the inbox, poll the hw queue,
 * poll the backend, bump the heartbeat, then spin or (hybrid mode) arm the
 * CQ and sleep until the device interrupts or a message arrives. No locks,
 * no libevent, no allocation in the loop. Other threads reach it only by
 * io_thread_post(); it stops by flag and join.
 */
#ifndef IO_THREAD_H
#define IO_THREAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nvme_fc_driver.h>

#include "io_ring.h"

struct tgt;

enum io_poll_mode {
	IO_POLL_HYBRID, /* spin while busy, sleep when idle (default) */
	IO_POLL_BUSY,	/* never sleep */
};

struct io_thread {
	/* Immutable after io_thread_start(). The LLDD's hw queue is driven
	 * through ops with lldd as its handle (any polled LLDD). */
	const struct fcnvme_hwq_ops *ops;
	void *lldd;
	struct tgt *tgt;
	uint16_t hwq;
	int cpu; /* -1: not pinned */
	enum io_poll_mode mode;
	char name[16];
	pthread_t tid;
	bool started;

	/* Any thread pushes, this thread pops. */
	struct io_ring inbox;

	/* Written by the control thread, read by this thread. */
	_Atomic bool stop;

	/* Written by this thread, read by the control thread (watchdog,
	 * stats). */
	_Atomic uint64_t heartbeat;
	_Atomic uint64_t loops;
	_Atomic uint64_t busy_loops;
	_Atomic uint64_t sleeps;
};

/* Start the thread for hw queue hwq of an LLDD (ops, lldd); returns once
 * it runs its loop. */
int io_thread_start(struct io_thread *t, const struct fcnvme_hwq_ops *ops, void *lldd,
		    struct tgt *tgt, uint16_t hwq, int cpu, enum io_poll_mode mode);
/* Ask the thread to stop, wake it, join it. Idempotent. */
void io_thread_stop(struct io_thread *t);
/* Run fn(arg) on the thread; -EAGAIN if its inbox is full. Any thread. */
int io_thread_post(struct io_thread *t, void (*fn)(void *), void *arg);
/* The heartbeat value (advances while the loop runs). */
uint64_t io_thread_heartbeat(const struct io_thread *t);

#endif /* IO_THREAD_H */
