// SPDX-License-Identifier: Apache-2.0
/*
 * Backend opens that may wait on a remote store (backend_ops.open_blocks:
 * rbd), run on a thread of their own ("fcpreopen") so that the control
 * thread goes on serving hosts' admin commands, keep-alives included, and
 * fcnvmectl meanwhile. See backend.h for the calls and their order.
 *
 * The lists are [ctl]'s, except `running`: start() hands it to the thread
 * (pthread_create), which fills in each entry's result and writes the
 * eventfd as its last step; reap() takes it back after pthread_join. The
 * thread touches nothing else of ours; what it calls (rbd_open_be and
 * rbd_close_be) is safe beside the control thread (rbd_cluster.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "backend.h"

struct po_ent {
	struct po_ent *next;
	struct tgt_ns_params p; /* a copy, without path and hosts */
	const struct backend_ops *ops;
	bool close; /* a close of be (open, nobody took it) */
	bool kept;  /* [ctl] asked for since the last flush */
	/* the result, written by the thread while running */
	struct backend *be;
	uint64_t size;
	int rc;
	char err[256];
};

static struct {
	struct po_ent *queued;	/* [ctl] not started, in order */
	struct po_ent *running; /* the thread's while it runs */
	struct po_ent *ready;	/* [ctl] opened (or failed), not taken */
	pthread_t thr;
	bool started; /* [ctl] thr runs or is to be joined */
	int efd;      /* written by the thread when done */
	uint64_t opens;
} po = { .efd = -1 };

static void po_append(struct po_ent **list, struct po_ent *e)
{
	while (*list)
		list = &(*list)->next;
	e->next = NULL;
	*list = e;
}

/* Whether a and b ask the backend for the same open: what open() reads. */
static bool po_same(const struct tgt_ns_params *a, const struct tgt_ns_params *b)
{
	uint32_t la = a->lba_size ? a->lba_size : 512, lb = b->lba_size ? b->lba_size : 512;
	uint32_t ga = a->anagrpid ? a->anagrpid : 1, gb = b->anagrpid ? b->anagrpid : 1;

	return a->backend == b->backend && la == lb && ga == gb && a->size == b->size &&
	       a->readonly == b->readonly && tgt_ns_rbd_same(&a->rbd, &b->rbd);
}

static struct po_ent *po_find(struct po_ent *list, const struct tgt_ns_params *p)
{
	for (; list; list = list->next)
		if (!list->close && po_same(&list->p, p))
			return list;
	return NULL;
}

int backend_preopen_init(void)
{
	if (po.efd >= 0)
		return 0;
	po.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return po.efd < 0 ? -errno : 0;
}

bool backend_preopen_busy(void)
{
	return po.started;
}

int backend_preopen_fd(void)
{
	return po.efd;
}

uint64_t backend_preopen_count(void)
{
	return po.opens;
}

int backend_preopen_want(const struct tgt_ns_params *p)
{
	const struct backend_ops *ops = backend_ops_for(p->backend);
	struct po_ent *e;

	if (!ops || !ops->open_blocks || po.efd < 0)
		return 0;
	e = po_find(po.ready, p);
	if (e) {
		e->kept = true;
		return 0;
	}
	if (po_find(po.queued, p) || (po.started && po_find(po.running, p)))
		return 1;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->p = *p;
	e->p.path = NULL;
	e->p.hosts = NULL;
	e->p.nr_hosts = 0;
	e->ops = ops;
	po_append(&po.queued, e);
	return 1;
}

/* [fcpreopen] Run the jobs, then say so. */
static void *po_thread(void *arg)
{
	struct po_ent *e;
	uint64_t one = 1;

	for (e = arg; e; e = e->next) {
		if (e->close) {
			e->ops->close(e->be);
			e->be = NULL;
		} else {
			e->rc = e->ops->open(&e->p, &e->be, &e->size, e->err, sizeof(e->err));
		}
	}
	if (write(po.efd, &one, sizeof(one)) != sizeof(one))
		abort(); /* an eventfd far from overflow cannot refuse */
	return NULL;
}

int backend_preopen_start(void)
{
	int rc;

	if (po.started)
		return 1;
	if (!po.queued)
		return 0;
	po.running = po.queued;
	po.queued = NULL;
	rc = pthread_create(&po.thr, NULL, po_thread, po.running);
	if (rc) {
		/* Give the jobs back: the opens then run on the caller's
		 * thread (tgt_ns_add finds no result), the closes later. */
		po.queued = po.running;
		po.running = NULL;
		return -rc;
	}
	pthread_setname_np(po.thr, "fcpreopen");
	po.started = true;
	return 1;
}

bool backend_preopen_reap(void)
{
	struct po_ent *e, *next;
	uint64_t v;

	if (!po.started || read(po.efd, &v, sizeof(v)) != sizeof(v))
		return false;
	pthread_join(po.thr, NULL);
	po.started = false;
	for (e = po.running; e; e = next) {
		next = e->next;
		if (e->close) {
			free(e);
			continue;
		}
		po.opens++;
		e->kept = true; /* for the callers that run now */
		po_append(&po.ready, e);
	}
	po.running = NULL;
	return true;
}

bool backend_preopen_take(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size,
			  int *rc, char *err, size_t errlen)
{
	struct po_ent **pp, *e;

	for (pp = &po.ready; (e = *pp); pp = &e->next)
		if (po_same(&e->p, p))
			break;
	if (!e)
		return false;
	*pp = e->next;
	*rc = e->rc;
	if (!e->rc) {
		*bep = e->be;
		*size = e->size;
	} else if (errlen) {
		snprintf(err, errlen, "%s", e->err);
	}
	free(e);
	return true;
}

void backend_preopen_flush(void)
{
	struct po_ent **pp = &po.ready, *e;

	while ((e = *pp)) {
		if (e->kept) {
			e->kept = false;
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		if (e->rc || !e->be) {
			free(e);
			continue;
		}
		e->close = true;
		po_append(&po.queued, e);
	}
	if (po.queued && !po.started)
		(void)backend_preopen_start(); /* failed: the next flush tries again */
}

void backend_preopen_close(const struct backend_ops *ops, struct backend *be)
{
	struct po_ent *e = po.efd >= 0 ? calloc(1, sizeof(*e)) : NULL;

	if (!e) {
		ops->close(be);
		return;
	}
	e->ops = ops;
	e->be = be;
	e->close = true;
	po_append(&po.queued, e);
	(void)backend_preopen_start(); /* failed: the next flush tries again */
}

static void po_close_all(struct po_ent **list)
{
	struct po_ent *e;

	while ((e = *list)) {
		*list = e->next;
		if (e->be && (e->close || !e->rc))
			e->ops->close(e->be);
		free(e);
	}
}

void backend_preopen_exit(void)
{
	if (po.started) {
		pthread_join(po.thr, NULL);
		po.started = false;
		po_close_all(&po.running);
	}
	po_close_all(&po.ready);
	po_close_all(&po.queued);
	if (po.efd >= 0)
		close(po.efd);
	po.efd = -1;
}
