// SPDX-License-Identifier: Apache-2.0
/*
 * Several nodes, one set of subsystems (see cluster.h, docs/ceph.md).
 *
 * The state object's omap holds, as "key=value" words:
 *   node/NAME           id=N hb=COUNTER addrs=A,B,...
 *   group/G             owner=NAME epoch=E
 *   subsys/NQN          allow_any=0|1 hosts=H1,H2
 *   ns/NQN/NSID         pool=P image=I rns=R group=G lba=512
 *
 * A heartbeat thread of its own writes node/NAME (hb+1) every heartbeat_ms,
 * so that a control thread busy opening images does not look dead. Every
 * 100 ms the timer reads the object (on a watch notify, and every
 * heartbeat_ms) without blocking: the control thread serves every host,
 * and a read that waits on a stalled OSD lasts up to the op timeout
 * (10 s), longer than a host's keep-alive; when the read has completed, it
 * applies
 * subsystems and namespaces to the core, decides liveness (a node whose
 * hb did not move for dead_ms of *our* clock, as of our last read, is
 * lost: no clock sync needed, and time we spend elsewhere, e.g. opening
 * images, never ages the others), and sets each group's ANA state on our
 * ports: optimized when we
 * own it, non-optimized when a live node does, change while it is being
 * taken over. The successor of a lost owner (the next live node by id
 * after it, wrapping) takes its groups: under the object's lock it checks
 * again, blocklists every address the lost node published, waits for the
 * OSD map, writes itself as owner (epoch + 1), and only then reports
 * optimized; that sequence, like a claim, a failback and the rejoin's
 * lock, runs on a thread of its own (cluster_job.c). A node that finds
 * itself blocklisted reports its groups inaccessible, builds a new
 * client, waits until it has held the object's lock once (a takeover of
 * its groups in progress has then ended) and rejoins as a non-owner.
 * [ctl]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/eventfd.h>

#include <event2/event.h>
#include <fcnvme/clock.h>
#include <fcnvme/nvme_log.h>

#include "backend/backend.h"
#include "cluster.h"
#include "cluster_priv.h"
#include "fcd.h"
#include "log.h"

/* ---- heartbeat and fencing of ourselves ---------------------------------- */

/* [ctl] What fences us: our state client and our rbd clients. */
static void cl_beat_addrs(struct cluster *cl)
{
	char addrs[CL_ADDRS], *p;
	size_t n;

	n = backend_rbd_addrs(0, addrs, sizeof(addrs));
	while (n && addrs[n - 1] == '\n')
		addrs[--n] = '\0';
	for (p = addrs; (p = strchr(p, '\n'));)
		*p = ',';
	pthread_mutex_lock(&cl->hb_lock);
	snprintf(cl->hb_addrs, sizeof(cl->hb_addrs), "%s%s%s", cl->st.addrs, addrs[0] ? "," : "",
		 addrs);
	pthread_mutex_unlock(&cl->hb_lock);
}

/* [hb] Say we live, every heartbeat_ms, until told to stop. */
static void *cl_beat_main(void *arg)
{
	struct cluster *cl = arg;
	struct timespec ts = { cl->cfg.heartbeat_ms / 1000,
			       (long)(cl->cfg.heartbeat_ms % 1000) * 1000000 };
	char key[64], val[3 * CL_ADDRS];

	snprintf(key, sizeof(key), "node/%s", cl->cfg.node);
	while (!atomic_load(&cl->hb_stop)) {
		pthread_mutex_lock(&cl->hb_lock);
		snprintf(val, sizeof(val), "id=%u hb=%" PRIu64 " addrs=%s", cl->cfg.node_id,
			 ++cl->hb, cl->hb_addrs);
		pthread_mutex_unlock(&cl->hb_lock);
		atomic_store(&cl->hb_rc, cl_store_set(&cl->st, key, val));
		if (atomic_load(&cl->hb_rc) == -ESHUTDOWN) /* fenced: the timer acts */
			break;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int cl_beat_start(struct cluster *cl)
{
	cl_beat_addrs(cl);
	atomic_store(&cl->hb_stop, false);
	atomic_store(&cl->hb_rc, 0);
	if (pthread_create(&cl->hb_thread, NULL, cl_beat_main, cl))
		return -EAGAIN;
	pthread_setname_np(cl->hb_thread, "fccluster");
	cl->hb_running = true;
	return 0;
}

static void cl_beat_stop(struct cluster *cl)
{
	if (!cl->hb_running)
		return;
	atomic_store(&cl->hb_stop, true);
	pthread_join(cl->hb_thread, NULL);
	cl->hb_running = false;
}

/* New clients for the shared namespaces that were fenced. The backend
 * connects each on a thread of its own; the namespace event says when it
 * serves again, or that it failed (fenced again: the next beat asks
 * again, cluster_ns_fenced). */
static void cl_recover_ns(struct cluster *cl)
{
	struct cl_view *a = &cl->applied;
	char err[256];
	unsigned int i;

	for (i = 0; i < a->nr_ns; i++)
		if (tgt_ns_recover(cl->d->tgt, a->ns[i].nqn, a->ns[i].nsid, err, sizeof(err)))
			log_warnx("cluster: %s namespace %u: %s", a->ns[i].nqn, a->ns[i].nsid, err);
}

/* Our own client was blocklisted: another node took our groups. Stop
 * serving them, get a new client, let the namespaces reconnect. */
static void cl_fenced(struct cluster *cl)
{
	uint32_t g;

	if (!cl->fenced) {
		log_warnx("cluster: this node was fenced (blocklisted); its ANA groups are "
			  "inaccessible until it rejoins");
		cl->fenced = true;
		cl->member_ms = 0;
		for (g = 1; g <= TGT_MAX_ANAGRP; g++)
			if (cl->ana[g] != 0xff)
				cl_ana_set(cl, g, NVME_ANA_INACCESSIBLE);
	}
	if (cl->job_running)
		return; /* the client goes once the job is over with it (next tick) */
	cl_beat_stop(cl);
	cl_read_cancel(cl);
	cl->st_ok = false;
	/* Closing the old client and connecting a new one wait on the
	 * monitors, up to the op timeout: a job (its reap calls cl_rejoined;
	 * a failed one is tried again on the next tick). */
	cl_job_start(cl, CL_JOB_RECONNECT);
}

void cl_rejoined(struct cluster *cl)
{
	cl->st_ok = true;
	if (cl_beat_start(cl))
		log_warnx("cluster: cannot start the heartbeat thread");
	cl->fenced = false;
	cl->ns_fenced = false;
	cl->rejoin_barrier = true;
	/* Whoever fenced us blocklisted every client we published, not only
	 * the state's: each namespace gets a new one now, not after its
	 * first failed I/O. */
	backend_rbd_fenced_all();
	cl_recover_ns(cl);
	log_info("cluster: rejoined with a new client (%s)", cl->st.addrs);
}

/* After a rejoin: whether a takeover of our groups that may have been
 * running when we were fenced has ended (we got the object's lock, which
 * the taker holds from its fence to its owner write). Until then our
 * groups stay inaccessible: the old group records still name us. The
 * lock is tried in a job (cl_job_reap ends the barrier). */
static bool cl_rejoin_settled(struct cluster *cl)
{
	if (!cl->rejoin_barrier)
		return true;
	if (!cl->job_running)
		cl_job_start(cl, CL_JOB_REJOIN);
	return false;
}

/* The outcome rc of a read: whether the view is fresh. A fenced client is
 * handled here; another failure is logged, and the first read that works
 * after failures says so. */
static bool cl_read_result(struct cluster *cl, int rc)
{
	if (rc == -ESHUTDOWN) {
		cl_fenced(cl);
		return false;
	}
	if (rc) {
		cl->read_fails++;
		log_warnx("cluster: reading the state: %s", strerror(-rc));
		return false;
	}
	if (cl->read_fails) {
		log_info("cluster: reading the state again, after %u failed read(s)",
			 cl->read_fails);
		cl->read_fails = 0;
	}
	return true;
}

/* Read the object into the view (blocking); false when that failed
 * (fenced: handled). */
bool cl_read_view(struct cluster *cl)
{
	return cl_read_result(cl, cl_read(cl));
}

/* Apply a fresh view to the core, then decide on groups; false when that
 * took heartbeat_ms or more: opening images can take seconds, and owners
 * are decided on a fresh read, not on one the others have beaten since. */
static bool cl_apply(struct cluster *cl)
{
	uint64_t now = fcnvme_clock_ms();

	cl_reconcile(cl);
	if (fcnvme_clock_ms() - now >= cl->cfg.heartbeat_ms)
		return false;
	cl_groups(cl);
	return true;
}

void cl_sync(struct cluster *cl)
{
	if (!cl->st_ok || !cl_rejoin_settled(cl) || !cl_read_view(cl))
		return;
	if (!cl_apply(cl) && cl_read_view(cl))
		cl_groups(cl);
}

/* Start the timer's read; groups_only: the fresh read after a long apply. */
static void cl_read_start(struct cluster *cl, bool groups_only)
{
	int rc = cl_read_begin(cl);

	if (rc) {
		cl_read_result(cl, rc);
		return;
	}
	cl->rd_groups_only = groups_only;
}

bool cl_read_blocked(const struct cluster *cl)
{
	return !cl->st_ok || cl->job_running || cl->rejoin_barrier;
}

bool cl_read_now(struct cluster *cl)
{
	if (cl->rd_view)
		return true;
	if (cl_read_blocked(cl))
		return false;
	cl_read_start(cl, false);
	return cl->rd_view != NULL;
}

/* The timer's read may have made progress: take it further, and act on
 * it once it has ended. */
static void cl_read_wake(struct cluster *cl)
{
	uint64_t seq = cl->rd_seq; /* this read's */
	int rc = cl_read_step(cl);

	if (rc == -EINPROGRESS || rc == -ENOENT)
		return;
	if (cl_read_result(cl, rc)) {
		if (cl->rd_groups_only)
			cl_groups(cl);
		else if (!cl_apply(cl))
			cl_read_start(cl, true);
	}
	cl_edit_read_done(cl, seq);   /* a command's edit may wait for it */
	cl_lookup_read_done(cl, seq); /* and commands' lookups */
}

/* [ctl] A page of the timer's read completed (rd_efd). */
static void cl_read_efd_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warnx("cluster: reading the wake-up eventfd: %s", strerror(errno));
	cl_read_wake(arg);
}

static void cl_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct cluster *cl = arg;
	uint64_t now = fcnvme_clock_ms();
	bool due = now >= cl->next_read_ms;

	(void)fd;
	(void)what;
	if (cl_job_reap(cl, false))
		due = true; /* read what the job wrote, and decide again */
	cl_edit_tick(cl);
	cl_lookup_tick(cl);
	if (!cl->st_ok || atomic_load(&cl->hb_rc) == -ESHUTDOWN) {
		cl_fenced(cl);
		return;
	}
	if (cl->rd_view) { /* under way: its wake-up acts (this is a spare) */
		cl_read_wake(cl);
		return;
	}
	if (!due && !atomic_exchange(&cl->st.changed, false))
		return;
	if (due) {
		cl->next_read_ms = now + cl->cfg.heartbeat_ms;
		cl_beat_addrs(cl); /* rbd clients come and go */
		if (cl->ns_fenced && !atomic_load(&cl->hb_rc)) {
			/* our heartbeat goes through: still a member */
			cl->ns_fenced = false;
			cl_recover_ns(cl);
		}
	}
	if (cl->job_running || !cl_rejoin_settled(cl))
		return; /* no read while a job runs: one sent before its write would undo it */
	cl_read_start(cl, false);
}

/* ---- life cycle ------------------------------------------------------------ */

int cluster_start(struct fcd *d, const struct conf_cluster *cc, char *err, size_t errlen)
{
	static const struct timeval tick = { 0, CL_TICK_MS * 1000 };
	struct cluster *cl;
	int rc;

	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	cl->d = d;
	cl->cfg = *cc;
	cl->open_wait.resume = cl_opened;
	memset(cl->ana, 0xff, sizeof(cl->ana));
	cl->ana[1] = NVME_ANA_OPTIMIZED; /* group 1 always exists */
	pthread_mutex_init(&cl->hb_lock, NULL);
	cl->rd_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (cl->rd_efd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cluster: eventfd: %s", strerror(-rc));
		goto out_free_cl;
	}
	cl->rd_ev = event_new(d->base, cl->rd_efd, EV_READ | EV_PERSIST, cl_read_efd_cb, cl);
	if (!cl->rd_ev || event_add(cl->rd_ev, NULL)) {
		snprintf(err, errlen, "cluster: cannot watch its eventfd");
		rc = -ENOMEM;
		goto out_close_efd;
	}
	rc = cl_store_open(&cl->st, cc, cl->rd_efd, err, errlen);
	if (rc)
		goto out_close_efd;
	cl->st_ok = true;
	rc = cl_beat_start(cl);
	if (rc) {
		snprintf(err, errlen, "cluster: cannot start the heartbeat thread");
		goto out_close;
	}
	cl->timer = event_new(d->base, -1, EV_PERSIST, cl_timer_cb, cl);
	if (!cl->timer || event_add(cl->timer, &tick)) {
		snprintf(err, errlen, "cluster: cannot start the timer");
		rc = -ENOMEM;
		goto out_close;
	}
	d->cluster = cl;
	log_info("cluster: node %s (id %u) joined through %s/%s as %s", cc->node, cc->node_id,
		 cc->pool, cl->st.object, cl->st.addrs);
	/* Read and apply now, before we say ready; our group claimed (or
	 * found owned) first, too. */
	cl_sync(cl);
	if (cl_job_reap(cl, true))
		cl_groups(cl);
	return 0;

out_close:
	if (cl->timer)
		event_free(cl->timer);
	cl_job_reap(cl, true);
	cl_beat_stop(cl);
	cl_read_cancel(cl);
	cl_store_close(&cl->st);
out_close_efd:
	if (cl->rd_ev)
		event_free(cl->rd_ev);
	close(cl->rd_efd);
out_free_cl:
	preopen_cancel(d, &cl->open_wait);
	pthread_mutex_destroy(&cl->hb_lock);
	free(cl);
	return rc;
}

void cluster_stop(struct fcd *d)
{
	struct cluster *cl = d->cluster;
	char key[64];
	int kept;

	if (!cl)
		return;
	cl_read_cancel(cl);
	cl_job_reap(cl, true);
	preopen_cancel(d, &cl->open_wait);
	kept = cl_leave(cl);
	event_free(cl->timer);
	cl_beat_stop(cl);
	if (!kept) {
		/* We own nothing: leave the member list too, so that no node
		 * hands a group to us in the dead_ms before it would see us
		 * lost. (A node that keeps a group keeps its entry: a takeover
		 * needs the owner's record and its addresses to fence.) */
		snprintf(key, sizeof(key), "node/%s", cl->cfg.node);
		if (cl_store_set(&cl->st, key, NULL))
			log_warnx("cluster: cannot remove this node's entry from the state");
		else
			log_info("cluster: node %s left the cluster", cl->cfg.node);
		cl_store_notify(&cl->st);
	}
	cl_store_close(&cl->st);
	/* after the close: librados has run every completion callback */
	event_free(cl->rd_ev);
	close(cl->rd_efd);
	pthread_mutex_destroy(&cl->hb_lock);
	free(cl);
	d->cluster = NULL;
}
