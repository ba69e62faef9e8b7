// SPDX-License-Identifier: Apache-2.0
/*
 * The I/O thread's poll loop (see io_thread.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "io_thread.h"
#include "core/tgt.h"

#define IO_INBOX_SIZE	4096
#define IO_INBOX_BUDGET 64
#define IO_HW_BUDGET	64
/* Idle loops before a hybrid thread arms its CQ and sleeps, and how long. */
#define IO_SPIN_LOOPS	2000
/* Idle loops before sleeping while a backend's completion will wake us
 * (rbd: librbd answers in hundreds of microseconds; spinning that long
 * would take the CPU its own threads and the OSDs need). */
#define IO_SPIN_WAITING 64
/* A sleep ends when work arrives (the CQ's futex is notified by a peer's
 * firmware, a kick by the control thread or a backend's completion); the
 * timeout only bounds a wake-up that could be lost. A thread whose sleep
 * timed out with nothing to do sleeps again at once, each time twice as
 * long up to IO_SLEEP_MAX_US, instead of spinning IO_SPIN_LOOPS between
 * sleeps: an idle port costs tens of wake-ups a second, not a thousand
 * spin phases (bench/idle.sh measures it). */
#define IO_SLEEP_US	1000
#define IO_SLEEP_MAX_US 64000

/* Add n to a counter only this thread writes: a plain load and store, not a
 * locked read-modify-write on every loop. Readers see a relaxed value. */
static inline void io_stat_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* Any thread: end the thread's sleep (a backend's completion came in). */
static void io_thread_wake(void *arg)
{
	struct io_thread *t = arg;

	t->ops->kick(t->lldd, t->hwq);
}

static void *io_thread_main(void *arg)
{
	struct io_thread *t = arg;
	unsigned int idle = 0, sleep_us = IO_SLEEP_US;
	bool dozing = false; /* the last sleep timed out and nothing came since */
	int work, rc;

	rc = tgt_hwq_start(t->tgt, t->hwq, t->mode == IO_POLL_HYBRID ? io_thread_wake : NULL, t);
	if (rc)
		return NULL;
	while (!atomic_load_explicit(&t->stop, memory_order_acquire)) {
		work = (int)io_ring_run(&t->inbox, IO_INBOX_BUDGET);
		rc = t->ops->poll(t->lldd, t->hwq, IO_HW_BUDGET);
		if (rc > 0)
			work += rc;
		/* The responses of backends that complete on other threads
		 * (rbd, file with io_uring) are sent from here, outside poll:
		 * one batch for the LLDD, one doorbell for all of them. */
		if (t->ops->batch)
			t->ops->batch(t->lldd, t->hwq, true);
		rc = tgt_hwq_poll(t->tgt, t->hwq);
		if (t->ops->batch)
			t->ops->batch(t->lldd, t->hwq, false);
		if (rc > 0)
			work += rc;
		io_stat_add(&t->heartbeat, 1);
		io_stat_add(&t->loops, 1);
		if (work) {
			io_stat_add(&t->busy_loops, 1);
			idle = 0;
			sleep_us = IO_SLEEP_US;
			dozing = false;
			continue;
		}
		if (t->mode == IO_POLL_BUSY)
			continue;
		if (!dozing && ++idle < IO_SPIN_LOOPS &&
		    (idle < IO_SPIN_WAITING || !tgt_hwq_waits(t->tgt, t->hwq)))
			continue;
		idle = 0;
		/* Backends whose completions arrive on other threads wake
		 * us once we said we sleep; work that came in before that
		 * is seen here. */
		if (tgt_hwq_sleep(t->tgt, t->hwq, true) > 0) {
			tgt_hwq_sleep(t->tgt, t->hwq, false);
			continue;
		}
		io_stat_add(&t->sleeps, 1);
		rc = t->ops->wait(t->lldd, t->hwq, sleep_us);
		tgt_hwq_sleep(t->tgt, t->hwq, false);
		if (rc > 0) {
			sleep_us = IO_SLEEP_US;
			dozing = false;
		} else {
			/* timed out or kicked: the next poll tells which */
			dozing = true;
			if (sleep_us < IO_SLEEP_MAX_US)
				sleep_us *= 2;
		}
	}
	/* Drain what the control thread queued before it asked us to stop. */
	io_ring_run(&t->inbox, IO_INBOX_SIZE);
	tgt_hwq_stop(t->tgt, t->hwq);
	return NULL;
}

/* Start the thread for hw queue hwq of an LLDD, pinned to cpu (-1: anywhere). */
int io_thread_start(struct io_thread *t, const struct fcnvme_hwq_ops *ops, void *lldd,
		    struct tgt *tgt, uint16_t hwq, int cpu, enum io_poll_mode mode)
{
	cpu_set_t set;
	int rc;

	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->lldd = lldd;
	t->tgt = tgt;
	t->hwq = hwq;
	t->cpu = cpu;
	t->mode = mode;
	snprintf(t->name, sizeof(t->name), "fcio%u", hwq);
	rc = io_ring_init(&t->inbox, IO_INBOX_SIZE);
	if (rc)
		return rc;
	rc = -pthread_create(&t->tid, NULL, io_thread_main, t);
	if (rc)
		goto out_free_ring;
	pthread_setname_np(t->tid, t->name);
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		rc = -pthread_setaffinity_np(t->tid, sizeof(set), &set);
		if (rc) {
			atomic_store(&t->stop, true);
			ops->kick(lldd, hwq);
			pthread_join(t->tid, NULL);
			goto out_free_ring;
		}
	}
	t->started = true;
	return 0;

out_free_ring:
	io_ring_fini(&t->inbox);
	return rc;
}

/* Stop and join the thread; safe to call twice. */
void io_thread_stop(struct io_thread *t)
{
	if (!t->started)
		return;
	atomic_store_explicit(&t->stop, true, memory_order_release);
	t->ops->kick(t->lldd, t->hwq);
	pthread_join(t->tid, NULL);
	io_ring_fini(&t->inbox);
	t->started = false;
}

/* Queue fn(arg) for the thread and wake it if it sleeps. */
int io_thread_post(struct io_thread *t, void (*fn)(void *), void *arg)
{
	int rc;

	rc = io_ring_push(&t->inbox, fn, arg);
	if (rc)
		return rc;
	if (t->mode == IO_POLL_HYBRID)
		t->ops->kick(t->lldd, t->hwq);
	return 0;
}

/* Current heartbeat count of the thread. */
uint64_t io_thread_heartbeat(const struct io_thread *t)
{
	return atomic_load_explicit(&t->heartbeat, memory_order_relaxed);
}
