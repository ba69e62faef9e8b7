// SPDX-License-Identifier: Apache-2.0
/*
 * The messages of namespaces to I/O queues (struct ns_msg): posted in
 * order to the queue's thread (retried when its ring is full), run there
 * ([hwq]: add, hide or remove a namespace in the queue's view sq->ns[],
 * or stop the queue), acknowledged back on the control thread. A removal
 * is a drain barrier: the queue acknowledges once the namespace's
 * commands on it have completed. Part of ns.c's namespaces.
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
	if (!v->inflight) {
		ns_msg_send_ack(m);
		return;
	}
	m->bnext = sq->barriers;
	sq->barriers = m;
}

/* [hwq] The last command on nsid of sq completed: release its barriers. */
void ns_sq_completed(struct sq *sq, uint32_t nsid)
{
	struct ns_msg **pp = &sq->barriers, *m;

	while ((m = *pp)) {
		if (m->nsid == nsid && !sq->ns[nsid].inflight) {
			*pp = m->bnext;
			ns_msg_send_ack(m);
			continue;
		}
		pp = &m->bnext;
	}
}
/* [ctl] */
static void ns_msg_ack(void *arg)
{
	struct ns_msg *m = arg;
	struct sq *sq = m->sq;

	if (m->remove && !--m->ns->drain_pending)
		ns_view_drained(m->ns);
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

/* Send one message to each connected I/O queue of c: add ns (remove
 * false) or remove it (remove true; ns NULL: hide nsid). */
void ns_msg_ctrl(struct ctrl *c, struct ns *ns, uint32_t nsid, bool remove)
{
	struct ns_msg *m;
	struct sq *sq;
	unsigned int q;

	for (q = 1; q <= TGT_MAX_QID; q++) {
		sq = c->sqs[q];
		if (!sq || sq->dead)
			continue;
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
