/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cluster's state object in RADOS: a librados client of its own, the
 * object's omap read whole and changed key by key, an exclusive lock
 * around read-modify-write sequences (cls_lock with a lease, so a holder
 * that dies releases it), a watch that says when another node changed it,
 * and fencing (osd blocklist add). Every call blocks its caller for at
 * most the client's op timeout, but the asynchronous read
 * (cl_store_aread_*), the timer's: a cluster whose OSDs stall must not
 * stall the control thread that serves every host. [ctl] unless marked;
 * set, get, lock, unlock, notify and blocklist also [hb] or [job] (the
 * heartbeat thread, the group job: cluster_job.c), librados being
 * thread-safe, while the control thread keeps the store open.
 */
#ifndef CLUSTER_STORE_H
#define CLUSTER_STORE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>

struct conf_cluster;

struct cl_store {
	rados_t rados;
	rados_ioctx_t io;
	char object[128];
	char cookie[64];
	uint64_t watch;
	bool watching;
	char addrs[256]; /* this client's address */
	/* Set by librados' thread on a notify or a watch error. */
	_Atomic bool changed;
	/* An eventfd (the caller's): written when a page of the asynchronous
	 * read completes. */
	int wake_fd;
	/* The asynchronous read: the page in flight (ar_comp set until
	 * cl_store_aread_poll has taken it), the key to continue after, and
	 * the out-parameters librados fills when the page completes. [ctl] */
	rados_completion_t ar_comp;
	rados_read_op_t ar_op;
	rados_omap_iter_t ar_it;
	int ar_prval;
	unsigned char ar_more;
	char ar_after[512];
	/* Set by the page's completion callback [librados], before it
	 * writes wake_fd; read with acquire by the poll [ctl]. */
	_Atomic bool ar_done;
};

/* wake_fd: an eventfd, written (a count of 1) whenever a page of an
 * asynchronous read completes; it must stay open until cl_store_close. */
int cl_store_open(struct cl_store *s, const struct conf_cluster *cc, int wake_fd, char *err,
		  size_t errlen);
void cl_store_close(struct cl_store *s);
/* cb(key, value, arg) for every omap entry (value NUL-terminated). */
int cl_store_read(struct cl_store *s, void (*cb)(const char *, const char *, void *), void *arg);
/* The same read without blocking, a page (256 entries) at a time: _start
 * sends the first page. _poll, called when wake_fd was written (or
 * whenever: it never blocks), hands the entries of a completed page to cb
 * and sends the next; it returns -EINPROGRESS while a page is in flight, 0
 * when the object was read whole, or the read's -errno (-ESHUTDOWN:
 * fenced; -ETIMEDOUT: the op timeout), the read being over in both cases.
 * _cancel waits for a page in flight (at most the op timeout) and drops
 * the read; nothing when none is under way. One read at a time. */
int cl_store_aread_start(struct cl_store *s);
/* Whether a page of the read is in flight and has not completed. */
bool cl_store_aread_waiting(struct cl_store *s);
int cl_store_aread_poll(struct cl_store *s, void (*cb)(const char *, const char *, void *),
			void *arg);
void cl_store_aread_cancel(struct cl_store *s);
/* Set key (value NULL: remove it). */
int cl_store_set(struct cl_store *s, const char *key, const char *value);
/* One value: 0, -ENOENT or -errno. */
int cl_store_get(struct cl_store *s, const char *key, char *value, size_t len);
/* The mutual exclusion of read-modify-write sequences; lease in ms. */
int cl_store_lock(struct cl_store *s, unsigned int lease_ms);
/* Nothing when the store was closed meanwhile. */
void cl_store_unlock(struct cl_store *s);
/* Tell the other nodes to read the object again. */
void cl_store_notify(struct cl_store *s);
/* Fence one client address, then wait until the OSD map that says so is
 * the one our client uses. */
int cl_store_blocklist(struct cl_store *s, const char *addr);

#endif /* CLUSTER_STORE_H */
