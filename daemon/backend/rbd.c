// SPDX-License-Identifier: Apache-2.0
/*
 * The rbd backend: a namespace is a Ceph RBD image. The image is opened
 * once per process on the control thread, through a librados client shared
 * with the other namespaces of the same cluster and fencing domain
 * (rbd_cluster.c), and every I/O thread submits to that one handle
 * (rbd_thread.c). Read and Write go as rbd_aio_readv/writev, Flush as
 * rbd_aio_flush, Write Zeroes as rbd_aio_write_zeroes, Deallocate as
 * rbd_aio_discard, Compare as a read and a compare on the I/O thread.
 *
 * The control thread's tick (every 100 ms) follows the image: a size change
 * reported by the update watch becomes a namespace resize (growing only); a
 * fenced client (blocklisted: every op fails with -ESHUTDOWN) is reported,
 * its I/O already fails with an ANA path error, and recover() builds a new
 * client; after an op timeout it asks the monitors whether the pool is full
 * and, while it is, fails writes at once with Capacity Exceeded. Each of
 * these waits on the cluster on a job thread (rbd_job.c), and the tick
 * reports its result once it is done.
 *
 * Identifiers: UUID, NGUID and EUI-64 are derived from the cluster fsid,
 * the pool id, the RADOS namespace and the image id, so every node that
 * exports the image reports the same ones without sharing any state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/clock.h>
#include <fcnvme/nvmet_fc_core.h>

#include "core/tgt_priv.h"
#include "rbd_priv.h"

#define RBD_FULL_CHECK_MS 1000
#define RBD_RETRY_MIN_MS  1000 /* a failed reconnect: the first wait */
#define RBD_RETRY_MAX_MS  60000

/* [librbd] The image header changed (resize, metadata): look at the next
 * tick. */
static void rbd_update_cb(void *arg)
{
	struct rbd_be *rb = arg;

	atomic_store_explicit(&rb->header_changed, true, memory_order_relaxed);
}

/* A 64-bit hash of s with seed (FNV-1a, then a splitmix64 finaliser). */
static uint64_t rbd_hash(const char *s, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static void rbd_put64(uint8_t *dst, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		dst[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Identifiers from what names the image uniquely in the world. */
static void rbd_make_ids(struct rbd_be *rb, struct rbd_handle *h)
{
	char id[64] = "", key[512];

	rbd_get_id(h->img, id, sizeof(id));
	snprintf(key, sizeof(key), "%s/%" PRId64 "/%s/%s", h->cl->fsid, rados_ioctx_get_id(h->io),
		 rb->p.rados_ns, id[0] ? id : rb->p.image);
	rbd_put64(rb->nguid, rbd_hash(key, 1));
	rbd_put64(rb->nguid + 8, rbd_hash(key, 2));
	rbd_put64(rb->uuid, rbd_hash(key, 3));
	rbd_put64(rb->uuid + 8, rbd_hash(key, 4));
	rb->uuid[6] = (uint8_t)((rb->uuid[6] & 0x0f) | 0x80); /* version 8: custom */
	rb->uuid[8] = (uint8_t)((rb->uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	rbd_put64(rb->eui64, rbd_hash(key, 5));
	rb->eui64[0] = (uint8_t)((rb->eui64[0] & 0xfe) | 0x02); /* local, unicast */
}

static void rbd_handle_free(struct rbd_handle *h)
{
	if (h->io)
		rados_ioctx_destroy(h->io);
	rbd_cluster_put(h->cl);
	free(h);
}

/* [ctl, or the opening thread, or a job] Connect, open the image, watch
 * it. */
static int rbd_handle_open(struct rbd_be *rb, struct rbd_handle **out, char *err, size_t errlen)
{
	struct rbd_handle *h;
	int rc;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	rc = rbd_cluster_get(&rb->p, rb->domain, &h->cl, err, errlen);
	if (rc) {
		free(h);
		return rc;
	}
	rbd_cluster_wait(h->cl, 1);
	rc = rados_ioctx_create(h->cl->rados, rb->p.pool, &h->io);
	rbd_cluster_waited();
	if (rc) {
		tgt_err(err, errlen, "no pool %s: %s", rb->p.pool, strerror(-rc));
		h->io = NULL;
		goto out_free_h;
	}
	rados_ioctx_set_namespace(h->io, rb->p.rados_ns[0] ? rb->p.rados_ns : NULL);
	rbd_cluster_wait(h->cl, RBD_OPEN_OPS);
	rc = rbd_open(h->io, rb->p.image, &h->img, NULL);
	rbd_cluster_waited();
	if (rc) {
		tgt_err(err, errlen, "cannot open rbd image %s/%s%s%s: %s", rb->p.pool,
			rb->p.rados_ns, rb->p.rados_ns[0] ? "/" : "", rb->p.image, strerror(-rc));
		goto out_free_h;
	}
	rbd_cluster_wait(h->cl, 1);
	rc = rbd_update_watch(h->img, &h->watch, rbd_update_cb, rb);
	rbd_cluster_waited();
	if (rc) {
		tgt_err(err, errlen, "cannot watch rbd image %s: %s", rb->p.image, strerror(-rc));
		rbd_cluster_wait(h->cl, 2);
		rbd_close(h->img);
		rbd_cluster_waited();
		goto out_free_h;
	}
	h->watching = true;
	*out = h;
	return 0;

out_free_h:
	rbd_handle_free(h);
	return rc;
}

/* [librbd] rbd_aio_close finished. */
static void rbd_close_cb(rbd_completion_t c, void *arg)
{
	struct rbd_handle *h = arg;

	rbd_aio_release(c);
	atomic_store_explicit(&h->closed, true, memory_order_release);
}

/* [ctl] Close a handle without waiting on the cluster (a fenced client's
 * calls fail, a healthy one's finish): unwatch, then rbd_aio_close; the
 * tick frees it once closed. Returns true when it is closed already. */
static bool rbd_handle_start_close(struct rbd_handle *h)
{
	rbd_completion_t c;

	if (h->watching) {
		rbd_cluster_wait(h->cl, 1);
		rbd_update_unwatch(h->img, h->watch);
		rbd_cluster_waited();
		h->watching = false;
	}
	if (!rbd_aio_create_completion(h, rbd_close_cb, &c)) {
		if (!rbd_aio_close(h->img, c))
			return false;
		rbd_aio_release(c);
	}
	rbd_cluster_wait(h->cl, 2);
	rbd_close(h->img);
	rbd_cluster_waited();
	return true;
}

static int rbd_open_be(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size,
		       char *err, size_t errlen)
{
	struct rbd_handle *h;
	struct rbd_be *rb;
	uint64_t sz;
	int rc;

	if (!p->rbd.pool[0] || !p->rbd.image[0]) {
		tgt_err(err, errlen, "an rbd namespace needs a pool and an image");
		return -EINVAL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	rb->p = p->rbd;
	rb->domain = p->anagrpid ? p->anagrpid : 1;
	rc = rbd_handle_open(rb, &h, err, errlen);
	if (rc)
		goto out_free_rb;
	rbd_cluster_wait(h->cl, 1);
	rc = rbd_get_size(h->img, &sz);
	rbd_cluster_waited();
	if (rc) {
		tgt_err(err, errlen, "cannot size rbd image %s: %s", p->rbd.image, strerror(-rc));
		goto out_close;
	}
	if (p->size > sz) {
		if (p->readonly) {
			rc = -EINVAL;
			tgt_err(err, errlen, "rbd image %s is smaller than the size asked",
				p->rbd.image);
			goto out_close;
		}
		rbd_cluster_wait(h->cl, RBD_RESIZE_OPS);
		rc = rbd_resize(h->img, p->size);
		rbd_cluster_waited();
		if (rc) {
			tgt_err(err, errlen, "cannot grow rbd image %s: %s", p->rbd.image,
				strerror(-rc));
			goto out_close;
		}
		sz = p->size;
	}
	if (p->size)
		sz = p->size;
	sz &= ~(uint64_t)((p->lba_size ? p->lba_size : 512) - 1);
	rbd_make_ids(rb, h);
	atomic_init(&rb->h, h);
	rb->size = sz;
	rb->be.ops = &backend_rbd_ops;
	rb->be.zeroes_dealloc = false; /* discard below an object is not zeroing */
	rb->be.no_write_cache = !p->rbd.write_cache;
	rb->be.writable = true; /* rbd_open is read-write */
	*bep = &rb->be;
	*size = sz;
	return 0;

out_close:
	rbd_cluster_wait(h->cl, 3);
	rbd_update_unwatch(h->img, h->watch);
	rbd_close(h->img);
	rbd_cluster_waited();
	rbd_handle_free(h);
out_free_rb:
	free(rb);
	return rc;
}

/* [job] Grow the image to grow_size bytes unless it is that large
 * already (rbd_resize waits on the OSDs: the exclusive lock, the header,
 * the object map, the watchers' notify); j->size: its size after. */
static void rbd_grow_main(struct rbd_job *j)
{
	struct rbd_be *rb = j->rb;
	uint64_t cur;

	j->rc = rbd_get_size(j->h->img, &cur);
	if (j->rc) {
		tgt_err(j->err, sizeof(j->err), "cannot size rbd image %s: %s", rb->p.image,
			strerror(-j->rc));
		return;
	}
	if (rb->grow_size > cur) {
		j->rc = rbd_resize(j->h->img, rb->grow_size);
		if (j->rc) {
			tgt_err(j->err, sizeof(j->err), "cannot grow rbd image %s: %s", rb->p.image,
				strerror(-j->rc));
			return;
		}
		cur = rb->grow_size;
	}
	j->size = cur;
}

/* [ctl] Start growing the image to size on the grow job. */
static int rbd_grow_start(struct rbd_be *rb, uint64_t size)
{
	rb->grow_ready = false;
	rb->grow_size = size; /* read by the job; not written while it runs */
	return rbd_job_start(&rb->grow, rb, atomic_load_explicit(&rb->h, memory_order_relaxed),
			     "fcrbdgrow", rbd_grow_main);
}

/* [ctl] The store's part of grow(size): the grow job's result for size if
 * it is in (taken once), else -EINPROGRESS (the job started or running),
 * or -EBUSY while it grows the image to another size. */
static int rbd_grow_take(struct rbd_be *rb, uint64_t size, uint64_t *cur, char *err, size_t errlen)
{
	int rc;

	if (rb->grow.running && rb->grow_size != size) {
		tgt_err(err, errlen,
			"rbd image %s/%s is being grown to %" PRIu64 " bytes; try again when it is",
			rb->p.pool, rb->p.image, rb->grow_size);
		return -EBUSY;
	}
	if (!rb->grow.running && rb->grow_ready && rb->grow_size == size) {
		rb->grow_ready = false;
		if (rb->grow.rc) {
			tgt_err(err, errlen, "%s", rb->grow.err);
			return rb->grow.rc;
		}
		*cur = rb->grow.size;
		return 0;
	}
	if (!rb->grow.running) {
		rc = rbd_grow_start(rb, size);
		if (rc) {
			tgt_err(err, errlen, "cannot start a thread to grow rbd image %s: %s",
				rb->p.image, strerror(-rc));
			return rc;
		}
	}
	tgt_err(err, errlen, "growing rbd image %s/%s to %" PRIu64 " bytes, off the control thread",
		rb->p.pool, rb->p.image, size);
	return -EINPROGRESS;
}

static int rbd_grow(struct backend *be, uint64_t size, uint64_t *size_out, char *err, size_t errlen)
{
	struct rbd_be *rb = (struct rbd_be *)be;
	struct rbd_handle *h = atomic_load_explicit(&rb->h, memory_order_relaxed);
	uint64_t cur;
	int rc = 0;

	if (size) { /* on the grow job */
		rc = rbd_grow_take(rb, size, &cur, err, errlen);
		if (rc)
			return rc;
	} else if (rb->seen_fresh) { /* the tick's size job just read it */
		cur = rb->seen_size;
		rb->seen_fresh = false;
	} else {
		rbd_cluster_wait(h->cl, 1);
		rc = rbd_get_size(h->img, &cur);
		rbd_cluster_waited();
		if (rc) {
			tgt_err(err, errlen, "cannot size rbd image %s: %s", rb->p.image,
				strerror(-rc));
			return rc;
		}
	}
	if (size && size < cur)
		cur = size;
	rb->size = cur;
	*size_out = cur;
	return 0;
}

/* [ctl] Whether grow(size) would wait: 1, its job started (or running). */
static int rbd_grow_want(struct backend *be, uint64_t size)
{
	struct rbd_be *rb = (struct rbd_be *)be;

	if (size == 0 || (!rb->grow.running && rb->grow_ready && rb->grow_size == size))
		return 0;
	if (rb->grow.running)
		return 1;
	return rbd_grow_start(rb, size) ? 0 : 1;
}

/* [job] Ask the monitors whether our pool is flagged full. */
static bool rbd_pool_is_full(struct rbd_be *rb, struct rbd_handle *h)
{
	const char *cmd[] = { "{\"prefix\": \"osd pool ls\", \"detail\": \"detail\", "
			      "\"format\": \"json\"}" };
	char *out = NULL, *st = NULL, key[TGT_RBD_NAME_SIZE + 32], *at;
	size_t outlen = 0, stlen = 0;
	long flags;
	bool full = false;

	if (rados_mon_command(h->cl->rados, cmd, 1, "", 0, &out, &outlen, &st, &stlen) < 0) {
		/* a failed command may still have set a status string */
		rados_buffer_free(out);
		rados_buffer_free(st);
		return atomic_load_explicit(&rb->pool_full, memory_order_relaxed);
	}
	snprintf(key, sizeof(key), "\"pool_name\":\"%s\"", rb->p.pool);
	at = out && outlen ? strstr(out, key) : NULL;
	if (at && (at = strstr(at, "\"flags\":"))) {
		flags = strtol(at + 8, NULL, 10);
		full = (flags & 2) || (flags & 1024); /* FLAG_FULL, FLAG_FULL_QUOTA */
	}
	rados_buffer_free(out);
	rados_buffer_free(st);
	return full;
}

/* [job] The pool-full check. */
static void rbd_full_main(struct rbd_job *j)
{
	j->full = rbd_pool_is_full(j->rb, j->h);
}

/* [job] The size of a changed header (rbd_get_size refreshes it). */
static void rbd_size_main(struct rbd_job *j)
{
	j->rc = rbd_get_size(j->h->img, &j->size);
	if (j->rc)
		tgt_err(j->err, sizeof(j->err), "cannot size rbd image %s/%s: %s", j->rb->p.pool,
			j->rb->p.image, strerror(-j->rc));
}

/* [job] A fenced namespace's new client and image. */
static void rbd_reconnect_main(struct rbd_job *j)
{
	j->new_h = NULL;
	j->rc = rbd_handle_open(j->rb, &j->new_h, j->err, sizeof(j->err));
}

/* [ctl] Close retired handles whose I/O came back (wait: until all are). */
static void rbd_reap_retired(struct rbd_be *rb, bool wait)
{
	struct rbd_handle **pp = &rb->retired, *h;
	struct timespec ts = { 0, 1000000 };

	while ((h = *pp)) {
		while (wait && atomic_load_explicit(&h->inflight, memory_order_acquire))
			nanosleep(&ts, NULL);
		if (!h->closing && !atomic_load_explicit(&h->inflight, memory_order_acquire)) {
			h->closing = true;
			if (rbd_handle_start_close(h))
				atomic_store_explicit(&h->closed, true, memory_order_release);
		}
		while (wait && !atomic_load_explicit(&h->closed, memory_order_acquire))
			nanosleep(&ts, NULL);
		if (!atomic_load_explicit(&h->closed, memory_order_acquire)) {
			pp = &h->retired_next;
			continue;
		}
		*pp = h->retired_next;
		rbd_handle_free(h);
	}
}

static void rbd_close_be(struct backend *be)
{
	struct rbd_be *rb = (struct rbd_be *)be;
	struct rbd_handle *h = atomic_load_explicit(&rb->h, memory_order_relaxed);

	/* The core closes a namespace after its I/O drained; a job may still
	 * wait on the cluster (the pool-full check and the size at most an op
	 * timeout, a grow or a reconnect several), and the handles' closes
	 * wait on the OSDs (unwatch, the lock's release). */
	rbd_cluster_wait(h->cl, 4);
	rbd_job_join(&rb->full, true);
	rbd_job_join(&rb->sizer, true);
	rbd_job_join(&rb->grow, true);
	if (rbd_job_join(&rb->reconnect, true) && !rb->reconnect.rc) {
		rb->reconnect.new_h->retired_next = rb->retired;
		rb->retired = rb->reconnect.new_h;
	}
	h->retired_next = rb->retired;
	rb->retired = h;
	rbd_reap_retired(rb, true);
	rbd_cluster_waited();
	free(rb);
}

static uint16_t rbd_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			   uint64_t off, uint64_t len)
{
	struct rbd_be *rb = (struct rbd_be *)be;
	struct rbd_io sync_io, *io;
	uint16_t status;

	if (atomic_load_explicit(&rb->fenced, memory_order_relaxed))
		return NVME_SC_ANA_INACCESSIBLE;
	if (op != BE_READ && op != BE_COMPARE && op != BE_FLUSH &&
	    atomic_load_explicit(&rb->pool_full, memory_order_relaxed))
		return NVME_SC_CAP_EXCEEDED | NVME_SC_DNR;
	if (op == BE_FLUSH && !rb->p.write_cache)
		return NVME_SC_SUCCESS; /* nothing volatile: completed writes
					 * are on the OSDs already */
	io = rbd_slot_get();
	if (!io) {
		if (rbd_thr)
			return NVME_SC_NS_NOT_READY; /* every slot in flight */
		memset(&sync_io, 0, sizeof(sync_io));
		io = &sync_io;
	}
	io->rb = rb;
	io->req = req;
	io->op = op;
	io->off = off;
	io->len = len;
	io->iov.iov_base = req->data;
	io->iov.iov_len = len;
	if (op == BE_COMPARE_WRITE)
		io->cw_cmp = tgt_req_fused_cmp(req);
	io->h = atomic_load_explicit(&rb->h, memory_order_acquire);
	atomic_fetch_add_explicit(&io->h->inflight, 1, memory_order_relaxed);
	if (op == BE_COMPARE && io->thr)
		return rbd_cmp_submit(io);
	if (op == BE_COMPARE) {
		io->cmp = aligned_alloc(4096, (len + 4095) & ~4095ull); /* tests, [ctl] */
		if (!io->cmp) {
			atomic_fetch_sub(&io->h->inflight, 1);
			return NVME_SC_INTERNAL;
		}
	}
	status = rbd_io_submit(io);
	if (status == BE_PENDING)
		return status;
	/* Finished (synchronously) or refused at once. */
	if (!io->thr)
		free(io->cmp);
	atomic_fetch_sub_explicit(&io->h->inflight, 1, memory_order_release);
	if (io->thr)
		rbd_slot_put(io->thr, io);
	return status;
}

static int rbd_ids(struct backend *be, uint8_t uuid[16], uint8_t nguid[16], uint8_t eui64[8])
{
	struct rbd_be *rb = (struct rbd_be *)be;

	memcpy(uuid, rb->uuid, 16);
	memcpy(nguid, rb->nguid, 16);
	memcpy(eui64, rb->eui64, 8);
	return 0;
}

/* [ctl] The reconnect job is done: serve on its new handle (the old one
 * closes once its I/O came back), or report the namespace fenced again
 * (whoever recovers it tries again). */
static int rbd_reconnect_done(struct rbd_be *rb, char *msg, size_t msglen)
{
	struct rbd_handle *old = atomic_load_explicit(&rb->h, memory_order_relaxed);
	struct rbd_job *j = &rb->reconnect;

	if (j->rc) {
		atomic_store_explicit(&rb->fenced, true, memory_order_relaxed);
		rb->retry_wait_ms = rb->retry_wait_ms ? 2 * rb->retry_wait_ms : RBD_RETRY_MIN_MS;
		if (rb->retry_wait_ms > RBD_RETRY_MAX_MS)
			rb->retry_wait_ms = RBD_RETRY_MAX_MS;
		rb->retry_ms = fcnvme_clock_ms() + rb->retry_wait_ms;
		tgt_err(msg, msglen, "no new ceph client after the fence: %s (again in %u s)",
			j->err, rb->retry_wait_ms / 1000);
		return BE_TICK_FENCED;
	}
	rb->retry_ms = 0;
	rb->retry_wait_ms = 0;
	atomic_store_explicit(&rb->h, j->new_h, memory_order_release);
	atomic_store_explicit(&rb->fenced, false, memory_order_relaxed);
	atomic_store_explicit(&rb->fence_seen, false, memory_order_relaxed);
	old->retired_next = rb->retired;
	rb->retired = old;
	rbd_reap_retired(rb, false);
	tgt_err(msg, msglen, "on a new ceph client (%s)", j->new_h->cl->addrs);
	return BE_TICK_RECOVERED;
}

static int rbd_tick(struct backend *be, char *msg, size_t msglen)
{
	struct rbd_be *rb = (struct rbd_be *)be;
	struct rbd_handle *h;
	uint64_t now;
	bool full;
	int bits = 0;

	if (rbd_job_join(&rb->reconnect, false))
		return rbd_reconnect_done(rb, msg, msglen);
	now = fcnvme_clock_ms();
	if (rb->retry_ms && now >= rb->retry_ms) {
		rb->retry_ms = 0; /* ask to be recovered again */
		tgt_err(msg, msglen, "trying a new ceph client again");
		return BE_TICK_FENCED;
	}
	h = atomic_load_explicit(&rb->h, memory_order_relaxed);
	if (rb->retired)
		rbd_reap_retired(rb, false);
	/* A grow's result is kept until the next tick: its caller runs
	 * again before it (preopen_wake), and one that did not come back
	 * must not hand an old size to a later grow. */
	rb->grow_ready = false;
	if (rbd_job_join(&rb->grow, false)) {
		rb->grow_ready = true;
		bits |= BE_TICK_WAITED;
	}
	/* The header changed: its size, read on a job (a refresh). A change
	 * seen while one runs starts another once it is joined. */
	if (rbd_job_join(&rb->sizer, false)) {
		if (!rb->sizer.rc && rb->sizer.size != rb->size) {
			rb->seen_size = rb->sizer.size;
			rb->seen_fresh = true;
			bits |= BE_TICK_RESIZED;
			tgt_err(msg, msglen, "rbd image %s/%s is now %" PRIu64 " bytes", rb->p.pool,
				rb->p.image, rb->sizer.size);
		}
	}
	if (!rb->sizer.running &&
	    atomic_exchange_explicit(&rb->header_changed, false, memory_order_relaxed) &&
	    rbd_job_start(&rb->sizer, rb, h, "fcrbdsize", rbd_size_main))
		atomic_store_explicit(&rb->header_changed, true, memory_order_relaxed);
	if (atomic_exchange_explicit(&rb->fence_seen, false, memory_order_relaxed) &&
	    !atomic_load_explicit(&rb->fenced, memory_order_relaxed)) {
		atomic_store_explicit(&rb->fenced, true, memory_order_relaxed);
		bits |= BE_TICK_FENCED;
		tgt_err(msg, msglen, "ceph client %s was fenced (blocklisted)", h->cl->addrs);
	}
	if (rbd_job_join(&rb->full, false)) {
		full = rb->full.full;
		if (full != atomic_load_explicit(&rb->pool_full, memory_order_relaxed)) {
			atomic_store_explicit(&rb->pool_full, full, memory_order_relaxed);
			if (!bits) {
				bits |= BE_TICK_NOTE;
				tgt_err(msg, msglen, "pool %s is %s", rb->p.pool,
					full ? "full: writes fail with Capacity Exceeded"
					     : "no longer full");
			}
		}
	}
	if ((atomic_exchange_explicit(&rb->timeout_seen, false, memory_order_relaxed) ||
	     atomic_load_explicit(&rb->pool_full, memory_order_relaxed)) &&
	    now >= rb->next_full_check_ms && !atomic_load(&rb->fenced) && !rb->full.running) {
		rb->next_full_check_ms = now + RBD_FULL_CHECK_MS;
		rbd_job_start(&rb->full, rb, h, "fcrbdfull", rbd_full_main); /* else: later */
	}
	return bits;
}

/* [ctl] After a fence: a new client (new address) and the image opened
 * again, on the reconnect job; the tick reports how it went. */
static int rbd_recover(struct backend *be, char *err, size_t errlen)
{
	struct rbd_be *rb = (struct rbd_be *)be;
	struct rbd_handle *old = atomic_load_explicit(&rb->h, memory_order_relaxed);
	int rc;

	if (rb->reconnect.running || rb->retry_ms)
		return 0; /* under way, or too soon after one that failed */
	if (!atomic_load_explicit(&rb->fenced, memory_order_relaxed) &&
	    !rbd_cluster_fenced(old->cl))
		return 0;
	/* The fenced client must not be shared by the new handle. */
	rbd_cluster_set_fenced(old->cl);
	rc = rbd_job_start(&rb->reconnect, rb, NULL, "fcrbdreconnect", rbd_reconnect_main);
	if (rc)
		tgt_err(err, errlen, "cannot start a thread to reconnect: %s", strerror(-rc));
	return rc;
}

const struct backend_ops backend_rbd_ops = {
	.name = "rbd",
	.open = rbd_open_be,
	.grow = rbd_grow,
	.grow_want = rbd_grow_want,
	.close = rbd_close_be,
	.open_blocks = true,
	.submit = rbd_submit,
	.ids = rbd_ids,
	.tick = rbd_tick,
	.recover = rbd_recover,
	.compare_write = true,
	.thread_start = rbd_thread_start,
	.thread_poll = rbd_thread_poll,
	.thread_sleep = rbd_thread_sleep,
	.thread_waits = rbd_thread_waits,
	.thread_stop = rbd_thread_stop,
};
