// SPDX-License-Identifier: Apache-2.0
/*
 * The rbd backend's I/O side. A request is submitted with rbd_aio_* from
 * the I/O thread that received it; librbd completes it on one of its own
 * threads (at least two of them), whose callback stores the result, pushes
 * the request onto that I/O thread's lock-free completion list and, only
 * if the thread said it is going to sleep, wakes it. The I/O thread drains
 * its list in its poll loop and completes the NVMe commands there, so the
 * core's per-queue state is only ever touched by its own thread.
 *
 * Each I/O thread has a preallocated pool of request slots and two Compare
 * buffers (no allocation per request on our side; librbd allocates its
 * completion). A thread without this state (unit tests, the control
 * thread) runs each operation to completion before returning.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/nvmet_fc_core.h>

#include "core/tgt_priv.h"
#include "rbd_priv.h"

__thread struct rbd_thread *rbd_thr;

/* [librbd] io finished with ret: hand it to its I/O thread. Of the
 * callbacks that find the thread asleep, only the first wakes it (it takes
 * the flag): the others' completions are on the list it drains once awake,
 * and a wake per completion was a futex call each on librbd's threads. */
void rbd_thread_complete(struct rbd_io *io, ssize_t ret)
{
	struct rbd_thread *thr = io->thr;

	atomic_fetch_add_explicit(&thr->cb_active, 1, memory_order_relaxed);
	io->ret = ret;
	mpsc_push(&thr->done, &io->node);
	/* Pairs with the fence in rbd_thread_sleep(): either the thread
	 * sees our push before it sleeps, or we see that it sleeps. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&thr->sleeping, memory_order_relaxed) &&
	    atomic_exchange_explicit(&thr->sleeping, false, memory_order_relaxed) && thr->wake)
		thr->wake(thr->wake_arg);
	atomic_fetch_sub_explicit(&thr->cb_active, 1, memory_order_release);
}

/* [librbd] A librbd operation finished. */
static void rbd_io_cb(rbd_completion_t c, void *arg)
{
	ssize_t ret = rbd_aio_get_return_value(c);

	rbd_aio_release(c);
	rbd_thread_complete(arg, ret);
}

/* NVMe status of a finished librbd operation. */
uint16_t rbd_io_status(struct rbd_be *rb, enum backend_op op, ssize_t ret)
{
	bool write = op != BE_READ && op != BE_COMPARE;

	if (ret >= 0)
		return NVME_SC_SUCCESS;
	switch (ret) {
	case -ESHUTDOWN: /* Ceph's EBLOCKLISTED */
		/* This node's client was fenced: a path error, the host
		 * goes to another node. */
		atomic_store_explicit(&rb->fence_seen, true, memory_order_relaxed);
		return NVME_SC_ANA_INACCESSIBLE;
	case -EROFS:
		/* Another node holds the image's lock exclusively. */
		return NVME_SC_ANA_INACCESSIBLE;
	case -ENOSPC:
	case -EDQUOT:
		return NVME_SC_CAP_EXCEEDED | NVME_SC_DNR;
	case -ETIMEDOUT:
		/* No answer within the op timeout: a full pool (writes wait
		 * for space), no OSD or no monitor. The tick finds out which. */
		atomic_store_explicit(&rb->timeout_seen, true, memory_order_relaxed);
		if (write && atomic_load_explicit(&rb->pool_full, memory_order_relaxed))
			return NVME_SC_CAP_EXCEEDED | NVME_SC_DNR;
		return NVME_SC_NS_NOT_READY;
	case -EILSEQ:
		return NVME_SC_COMPARE_FAILED;
	case -EINVAL:
		/* librbd refuses a Compare and Write that spans two objects
		 * (one OSD operation cannot cover both) */
		if (op == BE_COMPARE_WRITE)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		return write ? NVME_SC_WRITE_FAULT : NVME_SC_READ_ERROR;
	default:
		return write ? NVME_SC_WRITE_FAULT : NVME_SC_READ_ERROR;
	}
}

/* Start the librbd operation for io; 0 or -errno. */
static int rbd_io_start(struct rbd_io *io, rbd_completion_t c)
{
	rbd_image_t img = io->h->img;

	switch (io->op) {
	case BE_READ:
		return rbd_aio_readv(img, &io->iov, 1, io->off, c);
	case BE_COMPARE:
		io->iov.iov_base = io->cmp;
		return rbd_aio_readv(img, &io->iov, 1, io->off, c);
	case BE_WRITE:
	case BE_WRITE_FUA: /* without the cache every write is durable; with
			    * it, FUA is a write then a flush (in poll) */
		return rbd_aio_writev(img, &io->iov, 1, io->off, c);
	case BE_FLUSH:
		return rbd_aio_flush(img, c);
	case BE_WRITE_ZEROES:
		return rbd_aio_write_zeroes(img, io->off, io->len, c, 0, 0);
	case BE_DISCARD:
		return rbd_aio_discard(img, io->off, io->len, c);
	case BE_COMPARE_WRITE:
		/* One OSD operation (cmpext + write): atomic against every
		 * other client. -EILSEQ on a miscompare. */
		return (int)rbd_aio_compare_and_write(img, io->off, io->len, io->cw_cmp,
						      io->iov.iov_base, c, &io->cw_mismatch, 0);
	}
	return -EINVAL;
}

/* [hwq] The operation of io finished with io->ret: the NVMe status, or
 * BE_PENDING when a second step (FUA's flush) was started. */
static uint16_t rbd_io_finish(struct rbd_io *io)
{
	uint16_t status = rbd_io_status(io->rb, io->op, io->ret);

	if (!status && io->op == BE_COMPARE && memcmp(io->cmp, io->req->data, io->len))
		status = NVME_SC_COMPARE_FAILED;
	if (!status && io->op == BE_WRITE_FUA && io->rb->p.write_cache) {
		io->op = BE_FLUSH;
		return rbd_io_submit(io);
	}
	return status;
}

/* Without per-thread state: run the operation and wait for it. */
static uint16_t rbd_io_sync(struct rbd_io *io)
{
	rbd_completion_t c;
	uint16_t status;
	int rc;

	do {
		rc = rbd_aio_create_completion(NULL, NULL, &c);
		if (rc)
			return NVME_SC_INTERNAL;
		rc = rbd_io_start(io, c);
		if (!rc) {
			rbd_aio_wait_for_complete(c);
			io->ret = rbd_aio_get_return_value(c);
		} else {
			io->ret = rc;
		}
		rbd_aio_release(c);
		status = rbd_io_finish(io);
	} while (status == BE_PENDING);
	return status;
}

/* [hwq] Submit io; NVMe status, or BE_PENDING. */
uint16_t rbd_io_submit(struct rbd_io *io)
{
	rbd_completion_t c;
	int rc;

	if (!io->thr)
		return rbd_io_sync(io);
	rc = rbd_aio_create_completion(io, rbd_io_cb, &c);
	if (rc)
		return NVME_SC_INTERNAL;
	rc = rbd_io_start(io, c);
	if (rc) {
		rbd_aio_release(c);
		return rbd_io_status(io->rb, io->op, rc);
	}
	return BE_PENDING;
}

/* ---- slots ---------------------------------------------------------------- */

void rbd_slot_put(struct rbd_thread *thr, struct rbd_io *io)
{
	io->node.next = &thr->free->node;
	thr->free = io;
	thr->inflight--;
}

static void rbd_cmp_put(struct rbd_thread *thr, struct rbd_io *io);

/* [hwq] io is done: complete its request, give back what it held. */
static void rbd_io_done(struct rbd_thread *thr, struct rbd_io *io, uint16_t status)
{
	struct nvmet_fc_req *req = io->req;
	struct rbd_handle *h = io->h;

	if (io->cmp)
		rbd_cmp_put(thr, io);
	rbd_slot_put(thr, io);
	atomic_fetch_sub_explicit(&h->inflight, 1, memory_order_release);
	tgt_req_io_done(req, status);
}

static void rbd_cmp_start(struct rbd_thread *thr, struct rbd_io *io, unsigned int i)
{
	uint16_t status;

	thr->cmp_free &= ~(1u << i);
	io->cmp = thr->cmp_buf[i];
	status = rbd_io_submit(io);
	if (status != BE_PENDING)
		rbd_io_done(thr, io, status);
}

/* Give a Compare buffer back; a waiting Compare takes it. */
static void rbd_cmp_put(struct rbd_thread *thr, struct rbd_io *io)
{
	unsigned int i;
	struct rbd_io *w;

	for (i = 0; i < RBD_CMP_BUFS && thr->cmp_buf[i] != io->cmp; i++)
		;
	io->cmp = NULL;
	if (i == RBD_CMP_BUFS)
		return;
	thr->cmp_free |= 1u << i;
	w = thr->cmp_wait;
	if (!w)
		return;
	thr->cmp_wait = w->wait_next;
	if (!thr->cmp_wait)
		thr->cmp_wait_tail = NULL;
	rbd_cmp_start(thr, w, i);
}

/* [hwq] A slot for a new request, or NULL when the pool is empty. */
struct rbd_io *rbd_slot_get(void)
{
	struct rbd_thread *thr = rbd_thr;
	struct rbd_io *io;

	if (!thr || !thr->free)
		return NULL;
	io = thr->free;
	thr->free = (struct rbd_io *)(void *)io->node.next;
	thr->inflight++;
	memset(io, 0, sizeof(*io));
	io->thr = thr;
	return io;
}

/* [hwq] Submit a Compare: it needs one of the thread's read buffers, and
 * waits its turn when both are in use. */
uint16_t rbd_cmp_submit(struct rbd_io *io)
{
	struct rbd_thread *thr = io->thr;
	unsigned int i;

	for (i = 0; i < RBD_CMP_BUFS; i++) {
		if (thr->cmp_free & (1u << i)) {
			rbd_cmp_start(thr, io, i);
			return BE_PENDING;
		}
	}
	io->wait_next = NULL;
	if (thr->cmp_wait_tail)
		thr->cmp_wait_tail->wait_next = io;
	else
		thr->cmp_wait = io;
	thr->cmp_wait_tail = io;
	return BE_PENDING;
}

/* ---- the thread hooks ------------------------------------------------- */

static void rbd_thread_free(struct rbd_thread *thr)
{
	unsigned int i;

	for (i = 0; i < RBD_CMP_BUFS; i++)
		free(thr->cmp_buf[i]);
	free(thr->slots);
	free(thr);
}

int rbd_thread_start(const struct backend_thread *bt)
{
	struct rbd_thread *thr;
	unsigned int i;

	if (rbd_thr)
		return 0;
	thr = calloc(1, sizeof(*thr));
	if (!thr)
		return -ENOMEM;
	mpsc_init(&thr->done);
	thr->wake = bt ? bt->wake : NULL;
	thr->wake_arg = bt ? bt->wake_arg : NULL;
	thr->slots = calloc(RBD_SLOTS, sizeof(*thr->slots));
	if (!thr->slots)
		goto out_free_thr;
	for (i = 0; i < RBD_SLOTS; i++) {
		thr->slots[i].node.next = i + 1 < RBD_SLOTS ? &thr->slots[i + 1].node : NULL;
	}
	thr->free = &thr->slots[0];
	for (i = 0; i < RBD_CMP_BUFS; i++) {
		thr->cmp_buf[i] = aligned_alloc(4096, TGT_MAX_XFER);
		if (!thr->cmp_buf[i])
			goto out_free_thr;
		thr->cmp_free |= 1u << i;
	}
	rbd_thr = thr;
	return 0;

out_free_thr:
	rbd_thread_free(thr);
	return -ENOMEM;
}

/* [hwq] Complete what librbd finished; returns how many. */
int rbd_thread_poll(void)
{
	struct rbd_thread *thr = rbd_thr;
	struct mpsc_node *n, *next;
	struct rbd_io *io;
	uint16_t status;
	int done = 0;

	if (!thr || mpsc_empty(&thr->done))
		return 0;
	for (n = mpsc_take_all(&thr->done); n; n = next) {
		next = n->next;
		io = (struct rbd_io *)(void *)n;
		status = rbd_io_finish(io);
		if (status != BE_PENDING)
			rbd_io_done(thr, io, status);
		done++;
	}
	return done;
}

/* [hwq] About to sleep: say so, then look once more (> 0: do not sleep).
 * A completion pushed after this is followed by a wake. */
int rbd_thread_sleep(bool sleeping)
{
	struct rbd_thread *thr = rbd_thr;

	if (!thr)
		return 0;
	if (!sleeping) {
		atomic_store_explicit(&thr->sleeping, false, memory_order_relaxed);
		return 0;
	}
	if (!thr->inflight)
		return 0; /* nothing can arrive: no need to be woken */
	atomic_store_explicit(&thr->sleeping, true, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	return mpsc_empty(&thr->done) ? 0 : 1;
}

/* [hwq] Requests in flight will wake the thread when they complete. */
bool rbd_thread_waits(void)
{
	return rbd_thr && rbd_thr->inflight && rbd_thr->wake;
}

/* [hwq] Wait until every request of this thread came back (librbd cannot
 * cancel; the op timeout bounds the wait), then free the state. */
void rbd_thread_stop(void)
{
	struct rbd_thread *thr = rbd_thr;
	struct timespec ts = { 0, 1000000 };

	if (!thr)
		return;
	while (thr->inflight) {
		if (!rbd_thread_poll())
			nanosleep(&ts, NULL);
	}
	while (atomic_load_explicit(&thr->cb_active, memory_order_acquire))
		nanosleep(&ts, NULL);
	rbd_thr = NULL;
	rbd_thread_free(thr);
}
