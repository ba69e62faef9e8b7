/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the rbd backend (rbd.c: the namespace, rbd_cluster.c: shared
 * librados contexts, rbd_thread.c: the I/O threads' completion lists).
 *
 * Threads:
 *  - [ctl] opens, grows, ticks, recovers and closes namespaces and owns the
 *    context table. What waits on the cluster on the tick's, a recovery's
 *    or a grow's behalf (the pool-full check, a changed header's size, a
 *    fenced namespace's new client and image, the image's resize) runs on
 *    a job thread (rbd_job.c); opens and closes still wait there (an open
 *    usually on the opening thread of backend_preopen.c).
 *  - [job] a job's thread: one call, results written before done.
 *  - [hwq] I/O threads submit rbd_aio_* on the namespace's one image
 *    handle (librbd's aio calls are thread-safe) and complete requests
 *    from their own completion list.
 *  - [librbd] librbd's threads (>= 2) run the completion callbacks: they
 *    only store the result, push onto the submitting thread's list and
 *    wake it if it said it sleeps; and the update-watch callback, which
 *    only raises a flag for the next [ctl] tick.
 */
#ifndef RBD_PRIV_H
#define RBD_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "backend.h"
#include "mpsc.h"

#define RBD_DEFAULT_TIMEOUT_S 30
#define RBD_SLOTS	      16384 /* requests in flight per I/O thread */
#define RBD_CMP_BUFS	      2	    /* Compare read buffers per I/O thread */

/* One librados client (rados_t), shared by every namespace that names the
 * same cluster, credentials, cache mode, timeout and fencing domain (the
 * ANA group: fencing one group's owner cuts only that group). Got and put
 * on [ctl] and on the thread of backend_preopen.c: the registry's list,
 * refs and fenced are under its lock (rbd_cluster.c); the rest is set
 * before the client is listed and read-only after. */
struct rbd_cluster {
	struct rbd_cluster *next;
	unsigned int refs;
	rados_t rados;
	char conf[TGT_RBD_PATH_SIZE];
	char client_id[TGT_RBD_ID_SIZE];
	char keyring[TGT_RBD_PATH_SIZE];
	bool write_cache;
	uint32_t timeout_s;
	uint32_t domain;
	/* Its address was blocklisted: no new handle shares it, it is no
	 * longer published (backend_rbd_addrs), and the namespaces on it
	 * recover onto a new client (rbd_cluster_fenced/_set_fenced). */
	bool fenced;
	char fsid[64];
	char addrs[256]; /* rados_getaddrs(): what fencing blocklists */
};

/* An open image: one per namespace per process (a second handle would be
 * a second exclusive-lock owner). Replaced as a whole when a fenced
 * namespace recovers; the old one closes once its I/O is back. */
struct rbd_handle {
	struct rbd_cluster *cl; /* [ctl] reference */
	rados_ioctx_t io;
	rbd_image_t img;
	uint64_t watch;
	bool watching;
	/* [hwq] submit increments, completion decrements; [ctl] closes a
	 * retired handle at 0. */
	_Atomic unsigned int inflight;
	bool closing;			 /* [ctl] rbd_aio_close started */
	_Atomic bool closed;		 /* rbd_aio_close finished [librbd] */
	struct rbd_handle *retired_next; /* [ctl] */
};

/* A call that waits on the cluster, run for [ctl] on a thread of its own
 * (rbd_job.c). [ctl] starts it and joins it once done; the thread runs fn,
 * which writes the results, then sets done (release). While it runs it
 * holds h (one of its inflight; NULL: none). */
struct rbd_job {
	pthread_t thr;
	bool running; /* [ctl] started, not joined yet */
	_Atomic bool done;
	void (*fn)(struct rbd_job *j); /* [ctl] set at start */
	const char *name;	       /* [ctl] set at start: its thread's */
	struct rbd_be *rb;	       /* [ctl] set at start */
	struct rbd_handle *h;	       /* [ctl] the handle it holds */
	/* Results: [job] writes them before done, [ctl] reads them after
	 * the join. */
	int rc;
	bool full;		  /* the pool-full check's answer */
	uint64_t size;		  /* the size and grow jobs' answer */
	struct rbd_handle *new_h; /* the reconnect job's new handle */
	char err[512];		  /* what failed, in words */
};

struct rbd_be {
	struct backend be;
	struct tgt_rbd_params p;
	uint32_t domain;
	/* [atomic] the handle I/O goes to; [ctl] replaces it. */
	_Atomic(struct rbd_handle *) h;
	struct rbd_handle *retired; /* [ctl] waiting to close */
	uint64_t size;		    /* [ctl] bytes, as last seen */
	/* Raised by [librbd] (header changed) or [hwq] (an error seen),
	 * taken by the [ctl] tick. */
	_Atomic bool header_changed;
	_Atomic bool fence_seen;   /* -ESHUTDOWN / -EBLOCKLISTED */
	_Atomic bool timeout_seen; /* -ETIMEDOUT: is the pool full? */
	/* [atomic] written by [ctl]: refuse writes at once. */
	_Atomic bool pool_full;
	_Atomic bool fenced;
	uint64_t next_full_check_ms; /* [ctl] */
	/* [ctl] The jobs (rbd_job.c): the pool-full check, which asks the
	 * monitors; the size of a changed header (rbd_get_size refreshes
	 * it from the OSDs); a fenced namespace's new client and image
	 * (recover); a grow to grow_size (rbd_resize). */
	struct rbd_job full, sizer, reconnect, grow;
	/* [ctl] The grow job for grow_size was joined: its result waits
	 * for the grow(grow_size) it was started for, until the next tick. */
	uint64_t grow_size;
	bool grow_ready;
	/* [ctl] The size job saw a new size (fresh until the grow(0) the
	 * tick's BE_TICK_RESIZED leads to takes it). */
	uint64_t seen_size;
	bool seen_fresh;
	/* [ctl] After a reconnect that failed: no other before retry_ms, when
	 * the tick reports the namespace fenced again, so that whoever
	 * recovers it asks again; the wait doubles from 1 s up to 60 s and
	 * is 0 again once a reconnect worked. */
	uint64_t retry_ms;
	uint32_t retry_wait_ms;
	uint8_t uuid[16], nguid[16], eui64[8];
};

/* One request in flight, from its I/O thread's slot pool. */
struct rbd_io {
	struct mpsc_node node; /* first: the completion list */
	struct rbd_thread *thr;
	struct rbd_be *rb;
	struct rbd_handle *h;
	struct nvmet_fc_req *req;
	ssize_t ret; /* written by [librbd] before the push */
	enum backend_op op;
	uint64_t off, len;
	uint8_t *cmp;	      /* Compare: the read buffer */
	const void *cw_cmp;   /* Compare and Write: the data to compare */
	uint64_t cw_mismatch; /* ... where it differed ([librbd] writes) */
	struct iovec iov;
	struct rbd_io *wait_next; /* waiting for a Compare buffer */
};

/* Per I/O thread ([hwq] unless marked). */
struct rbd_thread {
	struct mpsc_list done; /* [librbd] push, [hwq] takes */
	/* [hwq] sets it before sleeping and clears it once awake; the
	 * first [librbd] callback that finds it set clears it and wakes
	 * the thread (one wake per sleep). */
	_Atomic bool sleeping;
	/* [librbd] callbacks running on this thread's requests: the
	 * thread's state is freed only at 0 (a callback may still touch it
	 * after its push). */
	_Atomic unsigned int cb_active;
	void (*wake)(void *arg); /* immutable */
	void *wake_arg;
	struct rbd_io *slots;
	struct rbd_io *free;
	unsigned int inflight;
	uint8_t *cmp_buf[RBD_CMP_BUFS];
	unsigned int cmp_free; /* bit i: cmp_buf[i] free */
	struct rbd_io *cmp_wait, *cmp_wait_tail;
};

/* rbd_cluster.c [ctl] */
/* Whether cl was fenced; mark it so. */
bool rbd_cluster_fenced(struct rbd_cluster *cl);
void rbd_cluster_set_fenced(struct rbd_cluster *cl);
int rbd_cluster_get(const struct tgt_rbd_params *p, uint32_t domain, struct rbd_cluster **out,
		    char *err, size_t errlen);
void rbd_cluster_put(struct rbd_cluster *cl);
/* [any] Around one of our synchronous librados/librbd calls on client cl,
 * which makes up to `ops` cluster operations in a row, each bounded by its
 * op timeout (backend_wait_begin: the control thread waiting in it is not
 * hung); then rbd_cluster_waited. */
#define RBD_OPEN_OPS   6 /* rbd_open: id, header, metadata, refresh, watch */
#define RBD_RESIZE_OPS 4 /* rbd_resize: lock, header, object map, notify */
void rbd_cluster_wait(const struct rbd_cluster *cl, unsigned int ops);
void rbd_cluster_waited(void);

/* rbd_job.c [ctl] */
/* Run fn on a thread named name (a string that outlives the job; the
 * thread names itself before fn), holding h (may be NULL): 0; -EBUSY when
 * the job runs; -errno when no thread could be had (then nothing is
 * held). */
int rbd_job_start(struct rbd_job *j, struct rbd_be *rb, struct rbd_handle *h, const char *name,
		  void (*fn)(struct rbd_job *j));
/* Join the job if it is done (wait: even if it is not yet) and let its
 * handle go: true when joined (its results are there). */
bool rbd_job_join(struct rbd_job *j, bool wait);

/* rbd_thread.c */
extern __thread struct rbd_thread *rbd_thr;
int rbd_thread_start(const struct backend_thread *bt);
/* [librbd] io (of a thread's pool) finished with ret: push it onto its
 * thread's list, wake the thread if it sleeps and nobody woke it yet. */
void rbd_thread_complete(struct rbd_io *io, ssize_t ret);
int rbd_thread_poll(void);
int rbd_thread_sleep(bool sleeping);
bool rbd_thread_waits(void);
void rbd_thread_stop(void);
/* [hwq] A zeroed slot owned by the calling thread, or NULL (no thread
 * state: run synchronously; or the pool is empty). */
struct rbd_io *rbd_slot_get(void);
void rbd_slot_put(struct rbd_thread *thr, struct rbd_io *io);
/* [hwq] Submit a Compare (it waits for a read buffer if need be). */
uint16_t rbd_cmp_submit(struct rbd_io *io);
/* [hwq] Submit io (its fields set) through librbd; an NVMe status or
 * BE_PENDING. */
uint16_t rbd_io_submit(struct rbd_io *io);
/* [hwq] NVMe status of a finished librbd operation. */
uint16_t rbd_io_status(struct rbd_be *rb, enum backend_op op, ssize_t ret);

#endif /* RBD_PRIV_H */
