// SPDX-License-Identifier: Apache-2.0
/*
 * The group job: the claim of our group, the takeover of a lost owner's
 * group (fence first), a failback, the rejoin barrier's lock and the new
 * client after we were fenced, each a sequence of blocking librados calls
 * (connect, lock, read, blocklist, wait for the OSD map, write, unlock,
 * notify), run on a thread of its own. Against a
 * cluster that does not answer, each call waits up to the client's op
 * timeout (10 s): on the control thread that held every host's admin
 * queue and Keep Alive, and fcnvmectl, for that long (a monitor that
 * stalls in the middle of a takeover, say). The control thread starts
 * one job at a time, reads nothing of the object while it runs (a read
 * sent before the job's write would undo it in our view), refuses
 * commands that would take the object's lock meanwhile, and acts on the
 * outcome when the job has ended (cl_group_job_done). See cluster.c for
 * the design. [ctl] unless marked [job].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/clock.h>

#include "cluster_priv.h"
#include "log.h"

/* [job] Fence every address j->from published (j->addrs): 0 when all
 * are blocklisted; each result into j->fence_rc. */
static int cl_job_fence(struct cluster *cl, struct cl_job *j)
{
	char a[256];
	const char *p = j->addrs;
	int rc, bad = 0;

	while ((p = cl_list_next(p, a, sizeof(a)))) {
		rc = cl_store_blocklist(&cl->st, a);
		if (j->nr_fenced < CL_JOB_ADDRS)
			j->fence_rc[j->nr_fenced] = rc;
		j->nr_fenced++;
		if (rc)
			bad++;
	}
	return bad ? -EIO : 0;
}

/* [job] Under the object's lock, from a read made under it: when group
 * g's record still names the lost node, fence it, then write us as the
 * owner (epoch + 1). */
static int cl_job_take(struct cluster *cl, struct cl_job *j)
{
	char key[32], val[128], owner[CONF_NAME_MAX];
	int rc = cl_store_lock(&cl->st, CL_LOCK_MS);

	if (rc)
		return rc;
	snprintf(key, sizeof(key), "group/%u", j->g);
	rc = cl_store_get(&cl->st, key, val, sizeof(val));
	if (rc)
		goto out_unlock;
	cl_word(val, "owner", owner, sizeof(owner));
	if (strcmp(owner, j->from)) {
		rc = -ESTALE; /* changed meanwhile: not ours */
		goto out_unlock;
	}
	rc = cl_job_fence(cl, j);
	if (rc)
		goto out_unlock;
	j->epoch = cl_word_u64(val, "epoch") + 1;
	rc = cl_group_write(cl, j->g, cl->cfg.node, j->epoch);
out_unlock:
	cl_store_unlock(&cl->st);
	cl_store_notify(&cl->st);
	return rc;
}

/* [job] Claim group g while no record names an owner (epoch 1). */
static int cl_job_claim(struct cluster *cl, struct cl_job *j)
{
	char key[32], val[128];
	int rc = cl_store_lock(&cl->st, CL_LOCK_MS);

	if (rc)
		return rc;
	snprintf(key, sizeof(key), "group/%u", j->g);
	rc = cl_store_get(&cl->st, key, val, sizeof(val));
	if (rc == -ENOENT) {
		j->epoch = 1;
		rc = cl_group_write(cl, j->g, cl->cfg.node, j->epoch);
	} else if (!rc) {
		rc = -ESTALE; /* claimed meanwhile */
	}
	cl_store_unlock(&cl->st);
	cl_store_notify(&cl->st);
	return rc;
}

/* [job] */
static void *cl_job_main(void *arg)
{
	struct cluster *cl = arg;
	struct cl_job *j = &cl->job;
	int rc;

	switch (j->kind) {
	case CL_JOB_CLAIM:
		rc = cl_job_claim(cl, j);
		break;
	case CL_JOB_TAKEOVER:
		rc = cl_job_take(cl, j);
		break;
	case CL_JOB_PASS:
		rc = cl_group_pass(cl, j->g, j->from, j->to, &j->epoch);
		if (!rc)
			cl_store_notify(&cl->st);
		break;
	case CL_JOB_REJOIN: /* held once: a takeover of our groups has ended */
		rc = cl_store_lock(&cl->st, CL_LOCK_MS);
		if (!rc)
			cl_store_unlock(&cl->st);
		break;
	case CL_JOB_RECONNECT: /* the control thread keeps off cl->st meanwhile (!st_ok) */
		cl_store_close(&cl->st);
		rc = cl_store_open(&cl->st, &cl->cfg, cl->rd_efd, j->err, sizeof(j->err));
		break;
	case CL_JOB_EDIT:
		rc = cl_edit_job(cl);
		cl->edit.rc = rc;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	j->rc = rc;
	atomic_store_explicit(&j->done, true, memory_order_release);
	return NULL;
}

int cl_job_start(struct cluster *cl, enum cl_job_kind kind)
{
	struct cl_job *j = &cl->job;
	int rc;

	if (cl->job_running)
		return -EBUSY;
	j->kind = kind;
	j->t0_ms = fcnvme_clock_ms();
	j->rc = 0;
	j->epoch = 0;
	j->nr_fenced = 0;
	j->err[0] = '\0';
	atomic_store_explicit(&j->done, false, memory_order_relaxed);
	rc = pthread_create(&cl->job_thr, NULL, cl_job_main, cl);
	if (rc) {
		log_warnx("cluster: cannot start a thread for a cluster job: %s", strerror(rc));
		return -EAGAIN;
	}
	pthread_setname_np(cl->job_thr, "fcclusterjob");
	cl->job_running = true;
	return 0;
}

bool cl_job_reap(struct cluster *cl, bool wait)
{
	struct cl_job *j = &cl->job;

	if (!cl->job_running || (!wait && !atomic_load_explicit(&j->done, memory_order_acquire)))
		return false;
	pthread_join(cl->job_thr, NULL);
	cl->job_running = false;
	switch (j->kind) {
	case CL_JOB_REJOIN:
		if (!j->rc)
			cl->rejoin_barrier = false;
		else if (j->rc != -EBUSY)
			log_warnx("cluster: after rejoining, cannot lock the state: %s",
				  strerror(-j->rc));
		break;
	case CL_JOB_RECONNECT: /* failed: st_ok stays false, the next tick tries again */
		if (j->rc)
			log_warnx("%s", j->err);
		else
			cl_rejoined(cl);
		break;
	case CL_JOB_EDIT:
		cl_edit_job_done(cl);
		break;
	default:
		cl_group_job_done(cl, j);
		break;
	}
	return true;
}

void cl_job_describe(struct cluster *cl, char *out, size_t len)
{
	const struct cl_job *j = &cl->job;
	unsigned long long ms = fcnvme_clock_ms() - j->t0_ms;

	if (!cl->job_running)
		snprintf(out, len, "%s", "");
	else if (j->kind == CL_JOB_TAKEOVER)
		snprintf(out, len, "takeover of ANA group %u from node %s, %llu ms", j->g, j->from,
			 ms);
	else if (j->kind == CL_JOB_PASS)
		snprintf(out, len, "failback of ANA group %u from node %s, %llu ms", j->g, j->from,
			 ms);
	else if (j->kind == CL_JOB_CLAIM)
		snprintf(out, len, "claim of ANA group %u, %llu ms", j->g, ms);
	else if (j->kind == CL_JOB_RECONNECT)
		snprintf(out, len, "reconnect: a new cluster client after a fence, %llu ms", ms);
	else if (j->kind == CL_JOB_EDIT)
		snprintf(out, len, "edit: %s, %llu ms", cl_edit_name(cl->edit.a.kind), ms);
	else
		snprintf(out, len, "rejoin: waiting for the state's lock, %llu ms", ms);
}

int cl_job_busy(struct cluster *cl, char *err, size_t errlen)
{
	static const char *const what[] = { [CL_JOB_CLAIM] = "the claim of",
					    [CL_JOB_TAKEOVER] = "the takeover of",
					    [CL_JOB_PASS] = "the failback of" };
	const struct cl_job *j = &cl->job;

	if (!cl->job_running)
		return 0;
	if (j->kind == CL_JOB_EDIT)
		snprintf(err, errlen,
			 "%s is editing the cluster state (%llu ms, it holds the state's lock); "
			 "try again when it has ended",
			 cl_edit_name(cl->edit.a.kind),
			 (unsigned long long)(fcnvme_clock_ms() - j->t0_ms));
	else if (j->kind == CL_JOB_RECONNECT)
		snprintf(err, errlen,
			 "this node was fenced and is connecting a new cluster client (%llu ms); "
			 "try again when it has",
			 (unsigned long long)(fcnvme_clock_ms() - j->t0_ms));
	else if (j->kind == CL_JOB_REJOIN)
		snprintf(err, errlen,
			 "this node is rejoining the cluster after a fence (waiting %llu ms for "
			 "the state's lock); try again when it has",
			 (unsigned long long)(fcnvme_clock_ms() - j->t0_ms));
	else
		snprintf(err, errlen,
			 "%s ANA group %u is under way (%llu ms, it holds the state's lock); try "
			 "again when it has ended",
			 what[j->kind], j->g, (unsigned long long)(fcnvme_clock_ms() - j->t0_ms));
	return -EAGAIN;
}
