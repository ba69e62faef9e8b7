/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespace backends behind one small ops table: null (zeroes, for
 * benchmarks), ram (memory), file (regular file or block device through
 * the calling I/O thread's io_uring) and rbd (a Ceph RBD image through
 * librbd; a stub that refuses to open when built without librbd). A
 * backend instance belongs to one
 * namespace; open/resize/close run on [ctl], submit on any I/O thread (and
 * on [ctl] for tests), concurrently, without locks.
 */
#ifndef BACKEND_H
#define BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tgt.h"

struct nvmet_fc_req;
struct backend;

/* What an I/O thread gives its backends at thread_start. */
struct backend_thread {
	/* Any thread: end the I/O thread's sleep (NULL: it never sleeps). */
	void (*wake)(void *arg);
	void *wake_arg;
};

/* tick() results (bits). */
#define BE_TICK_RESIZED	  0x1 /* the backing store changed size */
#define BE_TICK_FENCED	  0x2 /* newly refused by the store (fenced) */
#define BE_TICK_RECOVERED 0x4 /* serves again */
#define BE_TICK_NOTE	  0x8 /* something worth a log line (msg) */
#define BE_TICK_WAITED \
	0x10 /* what a control caller waits for is done:
				* run it again (grow_want) */

enum backend_op {
	BE_READ,
	BE_WRITE,
	BE_WRITE_FUA,
	BE_FLUSH,
	BE_WRITE_ZEROES,
	BE_DISCARD,
	BE_COMPARE, /* compare req->data with the medium */
	/* A fused Compare and Write, atomic: compare the first command's
	 * data (tgt_req_fused_cmp(req)) with the medium and, only if equal,
	 * write req->data (the second's). Only for backend_ops.compare_write. */
	BE_COMPARE_WRITE,
};

/* submit() returns an NVMe status, or BE_PENDING when the completion will
 * come later through tgt_req_io_done() on the same thread. */
#define BE_PENDING 0xffffu

struct backend_ops {
	const char *name;
	/* [ctl] Open for p; *size is the capacity in bytes (rounded down to
	 * p->lba_size). */
	int (*open)(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size, char *err,
		    size_t errlen);
	/* [ctl] Grow to size bytes (0: the store's current size, which a
	 * tick that reported BE_TICK_RESIZED has read already); *size_out
	 * the new capacity. A backend whose store takes long to grow (rbd)
	 * may return -EINPROGRESS: it grows the store off the control
	 * thread, a tick reports BE_TICK_WAITED once it is done, and the
	 * same call then completes at once. */
	int (*grow)(struct backend *be, uint64_t size, uint64_t *size_out, char *err,
		    size_t errlen);
	/* Optional [ctl]: whether grow(size) would wait (1; its work is
	 * started then) or would complete at once (0). */
	int (*grow_want)(struct backend *be, uint64_t size);
	void (*close)(struct backend *be);
	/* open() may wait on a remote store (for rbd: connect, open and
	 * watch the image, up to several op timeouts): the reload and
	 * control paths have it run on a thread of their own first
	 * (backend_preopen.c); open, and close when nobody took it, must
	 * then be safe on that thread. */
	bool open_blocks;
	/* [ctl] Optional: switch O_DIRECT on or off for later I/O. */
	int (*set_direct)(struct backend *be, bool direct, char *err, size_t errlen);
	/* [hwq] Run op on [off, off + len) with req->data as the buffer. */
	uint16_t (*submit)(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			   uint64_t off, uint64_t len);
	/* submit() takes BE_COMPARE_WRITE: the store compares and writes
	 * atomically against every other writer (e.g. librbd's
	 * compare_and_write, one OSD operation). A backend whose I/O threads
	 * write the same memory or file unsynchronised cannot. */
	bool compare_write;
	/* Optional [ctl]: the identifiers the backing store defines for
	 * itself, the same on every node that opens it; 0 when filled,
	 * -ENOENT when it has none (the core then uses its state files). */
	int (*ids)(struct backend *be, uint8_t uuid[16], uint8_t nguid[16], uint8_t eui64[8]);
	/* Optional [ctl], every 100 ms: BE_TICK_* bits of what happened;
	 * msg (msglen bytes) says it in words. */
	int (*tick)(struct backend *be, char *msg, size_t msglen);
	/* Optional [ctl]: connect to the store again after a fence. It may
	 * only start that (0: under way or not needed): a later tick then
	 * reports BE_TICK_RECOVERED, or BE_TICK_FENCED when it failed. */
	int (*recover)(struct backend *be, char *err, size_t errlen);
	/* Optional per-I/O-thread state (e.g. an io_uring), called by each
	 * I/O thread for itself [hwq]: set up before its first submit,
	 * reap completions (returns work done), drain and free at exit.
	 * thread_sleep(true) before the thread sleeps: > 0 if completions
	 * came in meanwhile (then it does not sleep); thread_sleep(false)
	 * once it woke up. */
	int (*thread_start)(const struct backend_thread *bt);
	int (*thread_poll)(void);
	int (*thread_sleep)(bool sleeping);
	/* Whether the thread has I/O in flight whose completion will wake
	 * it (then it need not spin long waiting for it). */
	bool (*thread_waits)(void);
	void (*thread_stop)(void);
};

struct backend {
	const struct backend_ops *ops;
	bool zeroes_dealloc; /* deallocated reads 0 */
	bool writable;	     /* the medium takes writes (a read-only namespace
			      * on it can be made writable in place) */
	/* A completed write is durable (no volatile write cache to flush):
	 * a subsystem whose namespaces all say so reports VWC=0. */
	bool no_write_cache;
};

extern const struct backend_ops backend_null_ops;
extern const struct backend_ops backend_ram_ops;
extern const struct backend_ops backend_file_ops;
extern const struct backend_ops backend_rbd_ops;

/* Bytes all ram namespaces together may hold: the machine's memory, or
 * the process cgroup's limit when lower. */
uint64_t backend_ram_limit(void);

/* The ops for a backend type, or NULL for an unknown type. */
const struct backend_ops *backend_ops_for(enum tgt_backend_type type);
/* Every backend type's ops, NULL-terminated (for the per-thread hooks). */
extern const struct backend_ops *const backend_all[];

/*
 * [ctl] What the process does around a backend call that waits on a remote
 * service for at most bound_us (a Ceph call bounded by its op timeout): the
 * daemon tells its watchdog that the control thread, waiting in it, is not
 * hung (sdnotify_wait_begin/_end). Set once at start-up, before any
 * namespace opens; unset, the calls below do nothing (tests, tools).
 */
void backend_wait_hooks(void (*begin)(uint64_t bound_us), void (*end)(void));
/* [any] Around such a call: the hooks, if set (they act on the control
 * thread alone). */
void backend_wait_begin(uint64_t bound_us);
void backend_wait_end(void);

/* [ctl] CPU cpu runs an I/O thread: backends keep their own threads (for
 * rbd, librados') off it. */
void backend_reserve_cpu(int cpu);
bool backend_cpu_reserved(int cpu);
/* [ctl] The addresses of this process's Ceph clients in fencing domain
 * domain (an ANA group; 0: all), one per line: what another node
 * blocklists to fence this one. Returns the length (0 without rbd). */
size_t backend_rbd_addrs(uint32_t domain, char *buf, size_t len);
/* [ctl] This node was fenced, so every client it published was
 * blocklisted: mark them all, so that each namespace on one recovers onto
 * a new client (tgt_ns_recover) even if none of its I/O failed yet, and
 * they are no longer published. */
void backend_rbd_fenced_all(void);

/*
 * Opening backends off the control thread (backend_preopen.c). A caller
 * about to add namespaces on [ctl] (a reload, `namespace add`, a cluster
 * read) first asks, for each, whether its open would wait (want); the
 * opens that would are queued, run on a thread of their own (start), and
 * the caller runs again once backend_preopen_fd() is readable and
 * backend_preopen_reap() said so: tgt_ns_add then takes the open backend
 * (take) instead of opening on [ctl]. What nobody took is closed on that
 * thread too (flush). All of these are [ctl].
 */
/* 0: open p at once (its backend does not wait, or it is open already and
 * kept for the caller's next run); 1: queued or opening, run again later;
 * -ENOMEM. */
int backend_preopen_want(const struct tgt_ns_params *p);
/* Start the thread on what is queued, unless it runs: 1 when it runs
 * (now or already), 0 when nothing is queued; -errno. */
int backend_preopen_start(void);
/* Whether the thread runs, or has finished and is not reaped yet. */
bool backend_preopen_busy(void);
/* An eventfd readable when the thread has finished (-1 before init). */
int backend_preopen_fd(void);
int backend_preopen_init(void);
/* The thread finished: join it, keep its results (true); false when it
 * still runs or never ran. */
bool backend_preopen_reap(void);
/* An open result for p (taken once): true with *rc (0 and *bep, *size;
 * or -errno and err filled); false when there is none. */
bool backend_preopen_take(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size,
			  int *rc, char *err, size_t errlen);
/* Close, on the thread, the open backends nobody took or kept since the
 * last flush (want() keeps an open one for its caller's next run). */
void backend_preopen_flush(void);
/* Close be, a backend whose open may wait (ops->open_blocks): its close
 * may wait as well (for rbd: the jobs that wait on the cluster, the
 * unwatch, the lock's release), so it runs on the thread, queued behind
 * what runs there; at once on [ctl] when there is no thread (before init,
 * after exit) or no memory. */
void backend_preopen_close(const struct backend_ops *ops, struct backend *be);
/* Stop: wait for the thread, close all that is open (on [ctl]). */
void backend_preopen_exit(void);
/* Opens done on the thread since start-up (for the tests). */
uint64_t backend_preopen_count(void);

/* [hwq] An asynchronous submit finished (status: NVMe status). */
void tgt_req_io_done(struct nvmet_fc_req *req, uint16_t status);
/* [hwq] The data to compare of a BE_COMPARE_WRITE (the fused first
 * command's, as long as the request is in the backend). */
const void *tgt_req_fused_cmp(struct nvmet_fc_req *req);

#endif /* BACKEND_H */
