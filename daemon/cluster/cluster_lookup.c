// SPDX-License-Identifier: Apache-2.0
/*
 * Whether a command's subsystem is a shared one. This node's view of the
 * state object is read again every heartbeat_ms and when another node's
 * notify arrives: a subsystem another node added a moment ago may not be
 * in it yet. On a miss for an NQN this node's config does not define, the
 * command waits for a read of the object begun after it asked, so that
 * "add on node a, then use on node b" never answers "no subsystem" for one
 * that exists. That read is the timer's, which does not block: the
 * control thread serves every host and command while it waits on the
 * cluster. When no read can answer (the object does not answer, a group
 * job runs: no read then, cluster_job.c; the node was fenced), the view is
 * all there is, as before the wait. [ctl]
 */
#include <errno.h>
#include <stdio.h>

#include "cluster.h"
#include "cluster_priv.h"
#include "conf/conf.h"
#include "fcd.h"
#include "preopen.h"

/* Whether no read of the object can answer a lookup now. */
static bool cl_lookup_blind(struct cluster *cl)
{
	char err[256];

	return cl_read_blocked(cl) || cl_answers(cl, err, sizeof(err));
}

int cluster_lookup(struct fcd *d, const char *nqn, uint64_t *ticket, char *err, size_t errlen)
{
	struct cluster *cl = d->cluster;

	if (!cl || !nqn)
		return 0;
	if (cl_subsys_in(&cl->view, nqn))
		return 1;
	if (!ticket || (d->conf && conf_subsys_find(d->conf, nqn)) || cl_lookup_blind(cl))
		return 0;
	/* A ticket is the number of the first read begun after the request
	 * asked; one from beyond the next read is not this cluster's. */
	if (*ticket && *ticket <= cl->rd_seq + 1 && cl->rd_done_seq >= *ticket)
		return 0; /* read since it asked: not a shared subsystem */
	if (!*ticket || *ticket > cl->rd_seq + 1)
		*ticket = cl->rd_seq + 1;
	if (cl->lk_seq < *ticket) /* 0: none waited */
		cl->lk_seq = *ticket;
	/* The read under way began before: the next one is started when it
	 * ends (cl_lookup_read_done). */
	if (!cl_read_now(cl))
		return 0;
	snprintf(err, errlen, "reading the cluster state for %s, off the control thread", nqn);
	return -EINPROGRESS;
}

void cl_lookup_read_done(struct cluster *cl, uint64_t seq)
{
	if (seq > cl->rd_done_seq)
		cl->rd_done_seq = seq;
	if (!cl->lk_seq)
		return;
	/* Those this read answers take it now, not after the reads that
	 * later commands wait for; the others wait again. */
	preopen_wake(cl->d);
	if (cl->rd_done_seq >= cl->lk_seq)
		cl->lk_seq = 0;
	else
		(void)cl_read_now(cl); /* for those that asked during this one */
}

void cl_lookup_tick(struct cluster *cl)
{
	if (!cl->lk_seq)
		return;
	if (cl_lookup_blind(cl) || !cl_read_now(cl)) {
		cl->lk_seq = 0; /* they answer from the view */
		preopen_wake(cl->d);
	}
}
