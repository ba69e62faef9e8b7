// SPDX-License-Identifier: Apache-2.0
/*
 * rbd_job_*: one call that waits on the cluster (the monitors or the
 * OSDs, up to the op timeout or several), run for the control thread on a
 * thread of its own, so that the control thread goes on serving hosts and
 * fcnvmectl meanwhile. [ctl] starts a job and joins it once it is done
 * (the tick polls); the thread writes the job's results and then sets
 * done. A job may hold a handle (one of its inflight), so that the handle
 * is not closed under it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>

#include "rbd_priv.h"

/* [job] */
static void *rbd_job_main(void *arg)
{
	struct rbd_job *j = arg;

	/* named before its call: what it waits in shows under its name */
	pthread_setname_np(pthread_self(), j->name);
	j->fn(j);
	atomic_store_explicit(&j->done, true, memory_order_release);
	return NULL;
}

int rbd_job_start(struct rbd_job *j, struct rbd_be *rb, struct rbd_handle *h, const char *name,
		  void (*fn)(struct rbd_job *j))
{
	int rc;

	if (j->running)
		return -EBUSY;
	atomic_store_explicit(&j->done, false, memory_order_relaxed);
	j->fn = fn;
	j->name = name;
	j->rb = rb;
	j->h = h;
	j->rc = 0;
	j->err[0] = '\0';
	if (h)
		atomic_fetch_add_explicit(&h->inflight, 1, memory_order_relaxed);
	rc = pthread_create(&j->thr, NULL, rbd_job_main, j);
	if (rc) {
		if (h)
			atomic_fetch_sub_explicit(&h->inflight, 1, memory_order_release);
		j->h = NULL;
		return -rc;
	}
	j->running = true;
	return 0;
}

bool rbd_job_join(struct rbd_job *j, bool wait)
{
	if (!j->running || (!wait && !atomic_load_explicit(&j->done, memory_order_acquire)))
		return false;
	pthread_join(j->thr, NULL);
	j->running = false;
	if (j->h)
		atomic_fetch_sub_explicit(&j->h->inflight, 1, memory_order_release);
	j->h = NULL;
	return true;
}
