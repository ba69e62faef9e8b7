// SPDX-License-Identifier: Apache-2.0
/*
 * The messages of namespaces to I/O queues (struct ns_msg): posted in
 * order to the queue's thread (retried when its ring is full), run there
 * ([hwq]: add, hide or remove a namespace in the queue's view sq->ns[],
 * drain it, or stop the queue), acknowledged back on the control thread.
 * A removal is a drain barrier: the queue acknowledges once the
 * namespace's commands on it have completed. A drain (Preempt and Abort,
 * resv_abort.c) waits only for the commands the queue took before it:
 * it flips the view's epoch, so that later commands count apart, and
 * waits for the old epoch's count; one drain of a namespace waits per
 * queue at a time, the next one starts when it ends. Part of ns.c's
 * namespaces.
 */
#include <errno.h>
#include <stdlib.h>

#include "ns_priv.h"
#include "tgt_priv.h"

static void ns_msg_ack(void *arg);

static void ns_msg_send_ack(struct ns_msg *m)
{
	struct sq *sq = m->sq;

	/* The control ring is full: the control thread takes the ack at its
	 * next tick (ns_retry_msgs). Waiting for this queue's next completion
	 * instead waited forever on a queue without further I/O (its drain
	 * never ended, a destroyed queue was never freed). */
	if (tgt_run_on_ctl(sq->t, sq->port, ns_msg_ack, m))
		mpsc_push(&sq->t->ack_retry, &m->anode);
}

static bool ns_view_idle(const struct sq_ns *v)
{
	return !v->inflight[0] && !v->inflight[1];
}

/* [hwq] A drain: a Compare of nsid waiting for its Write is aborted
 * (it would hold the drain until its partner came); then it waits its
 * turn. */
static void ns_msg_drain_run(struct sq *sq, struct ns_msg *m)
{
	struct nvmet_fc_req *first = sq->fused_first;

	if (first && req_ctx(first)->nsid == m->nsid)
		cmd_fused_orphan(sq, NVME_SC_ABORTED_PREEMPT_ABORT);
	m->epoch = NS_DRAIN_QUEUED;
	m->bnext = sq->barriers;
	sq->barriers = m;
	ns_sq_completed(sq, m->nsid);
}

/* [hwq] */
static void ns_msg_run(void *arg)
{
	struct ns_msg *m = arg;
	struct sq *sq = m->sq;
	struct sq_ns *v;

	if (m->stop) {
		cmd_fused_orphan(sq, NVME_SC_SQ_DELETION);
		ns_msg_send_ack(m);
		return;
	}
	if (m->drain) {
		ns_msg_drain_run(sq, m);
		return;
	}
	v = &sq->ns[m->nsid];
	if (!m->remove) {
		if (!m->ns)
			ns_fold_view(v); /* hidden: while v->ns names it */
		v->ns = m->ns;
		ns_msg_send_ack(m);
		return;
	}
	ns_fold_view(v); /* while v->ns still names the namespace */
	v->ns = NULL;
	if (ns_view_idle(v)) {
		ns_msg_send_ack(m);
		return;
	}
	m->bnext = sq->barriers;
	sq->barriers = m;
}

/* [hwq] Whether barrier m (of nsid) has nothing left to wait for. */
static bool ns_barrier_done(const struct sq_ns *v, const struct ns_msg *m)
{
	if (!m->drain)
		return ns_view_idle(v);
	return m->epoch != NS_DRAIN_QUEUED && !v->inflight[m->epoch];
}

/* [hwq] The drain of nsid to start now: the oldest queued one, if none
 * is running. */
static struct ns_msg *ns_drain_next(struct sq *sq, uint32_t nsid)
{
	struct ns_msg *m, *next = NULL;

	for (m = sq->barriers; m; m = m->bnext) {
		if (!m->drain || m->nsid != nsid)
			continue;
		if (m->epoch != NS_DRAIN_QUEUED)
			return NULL;
		next = m; /* the list is newest first */
	}
	return next;
}

/* [hwq] A count of nsid on sq reached 0 (or a drain arrived): release the
 * barriers that wait for nothing more, start the next drain. A drain
 * starts with the epoch not in use empty (the one before it ended only
 * when it was): commands from here on count there. */
void ns_sq_completed(struct sq *sq, uint32_t nsid)
{
	struct sq_ns *v = &sq->ns[nsid];
	struct ns_msg **pp, *m;
	bool again;

	do {
		again = false;
		for (pp = &sq->barriers; (m = *pp);) {
			if (m->nsid != nsid || !ns_barrier_done(v, m)) {
				pp = &m->bnext;
				continue;
			}
			*pp = m->bnext;
			ns_msg_send_ack(m); /* m is [ctl]'s from here */
		}
		m = ns_drain_next(sq, nsid);
		if (m) {
			m->epoch = v->epoch;
			v->epoch ^= 1;
			again = true;
		}
	} while (again);
}
/* [ctl] */
static void ns_msg_ack(void *arg)
{
	struct ns_msg *m = arg;
	struct sq *sq = m->sq;

	if (m->remove && !--m->ns->drain_pending)
		ns_view_drained(m->ns);
	if (m->drain)
		resv_abort_acked(m->drain);
	if (!--sq->msgs_inflight && sq->dead)
		tgt_sq_free(sq);
	free(m);
}

/* Post m to its queue's thread, in order: a queue must run its messages as
 * they were sent (an add, then a hide or remove of the same namespace), so
 * while earlier ones wait for ring space (t->retry, oldest first) m waits
 * behind them. */
static int ns_msg_post(struct tgt *t, struct ns_msg *m)
{
	struct ns_msg **tail = &t->retry;
	struct sq *sq = m->sq;
	int rc = -EAGAIN;

	if (!t->retry)
		rc = tgt_port_run_on_hwq(sq->port, t, sq->hwqid, ns_msg_run, m);
	if (rc) {
		while (*tail)
			tail = &(*tail)->next;
		m->next = NULL;
		*tail = m;
	}
	return rc;
}

/* [ctl] The acks that found the control ring full. */
static void ns_msg_acks(struct tgt *t)
{
	struct mpsc_node *n = mpsc_take_all(&t->ack_retry), *next;

	for (; n; n = next) {
		next = n->next;
		ns_msg_ack((struct ns_msg *)n);
	}
}

/* [ctl] Post messages that found a full ring earlier; take the acks that
 * did. */
void ns_retry_msgs(struct tgt *t)
{
	struct ns_msg *m = t->retry, *next;

	ns_msg_acks(t);
	t->retry = NULL;
	for (; m; m = next) {
		next = m->next;
		m->next = NULL;
		ns_msg_post(t, m);
	}
}

/* [ctl] tgt_destroy: the messages still waiting for ring space will never
 * run, and the acks waiting for it never arrive; acknowledge each as if it
 * had (a removal's drain ends, a queue the transport destroyed meanwhile is
 * freed with its last message). */
void ns_drop_msgs(struct tgt *t)
{
	struct ns_msg *m = t->retry, *next;

	ns_msg_acks(t);
	t->retry = NULL;
	for (; m; m = next) {
		next = m->next;
		ns_msg_ack(m);
	}
}

/* [ctl] I/O queue sq stops: its thread lets go of what it holds (a fused
 * first command waiting for its second). */
void ns_msg_stop(struct sq *sq)
{
	struct ns_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return; /* a held first then ends only with the next command */
	m->sq = sq;
	m->stop = true;
	sq->msgs_inflight++;
	ns_msg_post(sq->t, m);
}

/* The connected I/O queue of c after queue *q (start with 0), or NULL. */
static struct sq *ns_msg_next_sq(const struct ctrl *c, unsigned int *q)
{
	struct sq *sq;

	while (++*q <= TGT_MAX_QID) {
		sq = c->sqs[*q];
		if (sq && !sq->dead)
			return sq;
	}
	return NULL;
}

/* Send one message to each connected I/O queue of c: add ns (remove
 * false) or remove it (remove true; ns NULL: hide nsid). */
void ns_msg_ctrl(struct ctrl *c, struct ns *ns, uint32_t nsid, bool remove)
{
	struct ns_msg *m;
	struct sq *sq;
	unsigned int q;

	for (q = 0; (sq = ns_msg_next_sq(c, &q));) {
		m = calloc(1, sizeof(*m));
		if (!m) {
			/* The queue keeps a stale view: an added namespace
			 * stays invisible there, a removed one must then never
			 * be freed (a hidden one stays visible there). */
			if (remove)
				ns->pinned = true;
			continue;
		}
		if (!remove && ns)
			ns_view_lat_alloc(sq, nsid);
		m->sq = sq;
		m->ns = ns;
		m->nsid = nsid;
		m->remove = remove;
		sq->msgs_inflight++;
		if (remove)
			ns->drain_pending++;
		ns_msg_post(c->t, m);
	}
}

/* [ctl] A drain of nsid for Preempt and Abort ra on each I/O queue of c,
 * each counted in ra until acknowledged. A queue whose message cannot be
 * allocated is not waited for: ra then completes with an internal error. */
void ns_msg_drain(struct ctrl *c, uint32_t nsid, struct resv_abort *ra)
{
	struct ns_msg *m;
	struct sq *sq;
	unsigned int q;

	for (q = 0; (sq = ns_msg_next_sq(c, &q));) {
		m = calloc(1, sizeof(*m));
		if (!m) {
			ra->status = NVME_SC_INTERNAL;
			continue;
		}
		m->sq = sq;
		m->nsid = nsid;
		m->drain = ra;
		sq->msgs_inflight++;
		ra->pending++;
		ns_msg_post(c->t, m);
	}
}
