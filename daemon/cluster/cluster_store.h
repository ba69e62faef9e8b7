/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cluster's state object in RADOS: a librados client of its own, the
 * object's omap read whole and changed key by key, an exclusive lock
 * around read-modify-write sequences (cls_lock with a lease, so a holder
 * that dies releases it), a watch that says when another node changed it,
 * and fencing (osd blocklist add). Every call blocks the control thread
 * for at most the client's op timeout. [ctl] unless marked.
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
};

int cl_store_open(struct cl_store *s, const struct conf_cluster *cc, char *err, size_t errlen);
void cl_store_close(struct cl_store *s);
/* cb(key, value, arg) for every omap entry (value NUL-terminated). */
int cl_store_read(struct cl_store *s, void (*cb)(const char *, const char *, void *), void *arg);
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
