// SPDX-License-Identifier: Apache-2.0
/*
 * Associations of the target transport: random 48-bit ids unique per port,
 * lookup, and the idempotent teardown (nvmet_fc_delete_target_assoc() in
 * Linux drivers/nvme/target/fc.c). Teardown stops
 * every queue on its hwq thread (unpublish, abort, drain), and once all are
 * drained destroys the core queues (I/O queues first, admin last), sends our
 * own Disconnect Association to the host unless it was invalidated, and only
 * then the ACC of a host's Disconnect. Runs on the control context [ctl],
 * including the LLDD's lsreq->done for our Disconnect.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/ls.h>
#include <fcnvme/random.h>

#include "nvmet_fc_int.h"

#define FCN_DISCONN_RSP_LEN  sizeof(struct fcnvme_ls_disconnect_assoc_acc)
#define FCN_DISCONN_RQST_LEN sizeof(struct fcnvme_ls_disconnect_assoc_rqst)

/* The association with this id, including one being torn down. [ctl] */
struct fcn_assoc *fcn_assoc_find(struct fcn_tgtport *tp, uint64_t assoc_id)
{
	struct fcn_list *it;

	for (it = tp->assoc_list.next; it != &tp->assoc_list; it = it->next) {
		struct fcn_assoc *a = fcn_container_of(it, struct fcn_assoc, entry);

		if (a->association_id == assoc_id)
			return a;
	}
	return NULL;
}

/* A fresh association id: 48 random bits << 16, unique on the port. [ctl] */
int fcn_assoc_new_id(struct fcn_tgtport *tp, uint64_t *idp)
{
	unsigned int tries;

	for (tries = 0; tries < 64; tries++) {
		uint8_t r[6];
		uint64_t id = 0;
		unsigned int i;

		if (fcnvme_random_bytes(r, sizeof(r)))
			return -EIO;
		for (i = 0; i < sizeof(r); i++)
			id = (id << 8) | r[i];
		id <<= 16;
		if (id && !fcn_assoc_find(tp, id)) {
			*idp = id;
			return 0;
		}
	}
	return -EAGAIN;
}

/* Allocate an association for hosthandle (no queues yet). [ctl] */
int fcn_assoc_create(struct fcn_tgtport *tp, void *hosthandle, struct fcn_assoc **assocp)
{
	struct fcn_assoc *assoc;
	int rc;

	assoc = calloc(1, sizeof(*assoc));
	if (!assoc)
		return -ENOMEM;
	rc = fcn_assoc_new_id(tp, &assoc->association_id);
	if (rc)
		goto out_free_assoc;
	assoc->hostport = fcn_hostport_get(tp, hosthandle);
	if (!assoc->hostport) {
		rc = -ENOMEM;
		goto out_free_assoc;
	}
	assoc->tgtport = tp;
	assoc->core_ops = tp->core_ops;
	assoc->core = tp->core;
	assoc->env = tp->env;
	assoc->env_arg = tp->env_arg;
	fcn_tgtport_get(tp);
	fcn_list_add_tail(&tp->assoc_list, &assoc->entry);
	*assocp = assoc;
	return 0;

out_free_assoc:
	free(assoc);
	return rc;
}

static void fcn_assoc_free(struct fcn_assoc *assoc)
{
	struct fcn_tgtport *tp = assoc->tgtport;

	fcn_list_del(&assoc->entry);
	fcn_hostport_put(assoc->hostport);
	free(assoc);
	fcn_tgtport_put(tp);
}

/* Free an association whose queues were never published (a failed Create
 * Association). [ctl] */
void fcn_assoc_destroy_unused(struct fcn_assoc *assoc)
{
	unsigned int q;

	for (q = 0; q <= FCN_NR_QUEUES_MAX; q++) {
		if (assoc->queues[q]) {
			fcn_queue_free(assoc->queues[q]);
			assoc->queues[q] = NULL;
		}
	}
	fcn_assoc_free(assoc);
}

static void fcn_disconn_done(struct nvmefc_ls_req *lsreq, int status)
{
	struct fcn_ls_req_op *op = fcn_container_of(lsreq, struct fcn_ls_req_op, lsreq);
	struct fcn_tgtport *tp = op->tgtport;

	(void)status; /* the result is ignored, as in nvmet-fc */
	fcn_list_del(&op->entry);
	fcn_hostport_put(op->hostport);
	fcnvme_dma_free(tp->dev, op->buf, op->buflen);
	free(op);
	fcn_tgtport_put(tp);
}

/* Send our Disconnect Association LS (asynchronous, result ignored). */
static void fcn_assoc_send_disconnect(struct fcn_assoc *assoc)
{
	struct fcn_tgtport *tp = assoc->tgtport;
	struct fcn_ls_req_op *op;
	fcnvme_dma_t dma;
	int rc;

	if (!tp->ops->ls_req || assoc->hostport->invalid)
		return;
	op = calloc(1, sizeof(*op) + tp->ops->lsrqst_priv_sz);
	if (!op)
		return;
	op->buflen = FCN_DISCONN_RQST_LEN + FCN_DISCONN_RSP_LEN;
	if (fcnvme_dma_alloc(tp->dev, op->buflen, &op->buf, &dma)) {
		free(op);
		return;
	}
	fcnvme_ls_build_disconnect_assoc(op->buf, FCN_DISCONN_RQST_LEN, assoc->association_id);
	op->tgtport = tp;
	op->hostport = assoc->hostport;
	op->lsreq.rqstaddr = op->buf;
	op->lsreq.rqstdma = dma;
	op->lsreq.rqstlen = FCN_DISCONN_RQST_LEN;
	op->lsreq.rspaddr = (uint8_t *)op->buf + FCN_DISCONN_RQST_LEN;
	op->lsreq.rspdma = dma + FCN_DISCONN_RQST_LEN;
	op->lsreq.rsplen = FCN_DISCONN_RSP_LEN;
	op->lsreq.timeout = NVME_FC_LS_TIMEOUT_SEC;
	op->lsreq.private = tp->ops->lsrqst_priv_sz ? (void *)(op + 1) : NULL;
	op->lsreq.done = fcn_disconn_done;
	op->hostport->refcnt++;
	fcn_tgtport_get(tp);
	fcn_list_add_tail(&tp->ls_req_list, &op->entry);
	rc = tp->ops->ls_req(&tp->fc_port, assoc->hostport->hosthandle, &op->lsreq);
	if (rc)
		fcn_disconn_done(&op->lsreq, rc);
}

/* Every queue is drained: destroy core state, say goodbye, answer. */
static void fcn_assoc_finish(struct fcn_assoc *assoc)
{
	struct fcn_tgtport *tp = assoc->tgtport;
	struct fcn_ls_ctx *ack = assoc->rcv_disconn;
	int q;

	fcn_tgtport_get(tp);
	for (q = FCN_NR_QUEUES_MAX; q >= 0; q--) {
		struct nvmet_fc_sq *queue = assoc->queues[q];

		if (!queue)
			continue;
		assoc->queues[q] = NULL;
		fcn_queue_free(queue); /* sq_destroy, I/O queues first */
	}
	fcn_assoc_send_disconnect(assoc);
	assoc->rcv_disconn = NULL;
	fcn_assoc_free(assoc);
	if (ack)
		fcn_ls_xmt(ack, (int)sizeof(struct fcnvme_ls_disconnect_assoc_acc));
	fcn_tgtport_put(tp);
}

/* Finish a terminating association once every queue is drained and
 * every queued Create ACC message has run (they name its queues). [ctl] */
void fcn_assoc_maybe_finish(struct fcn_assoc *assoc)
{
	if (assoc->terminating && !assoc->pending_queues && !assoc->pending_connects)
		fcn_assoc_finish(assoc);
}

static void fcn_assoc_pending_put(struct fcn_assoc *assoc)
{
	assoc->pending_queues--;
	fcn_assoc_maybe_finish(assoc);
}

/* [ctl] message from a queue's hwq thread: it has no request left. */
static void fcn_queue_drained_ctl(void *arg)
{
	struct nvmet_fc_sq *queue = arg;

	fcn_assoc_pending_put(queue->assoc);
}

/* [hwq] message: stop the queue, abort its work, report when drained. */
static void fcn_queue_stop_hwq(void *arg)
{
	struct nvmet_fc_sq *queue = arg;

	fcn_queue_stop(queue);
}

/* Tell the control context once a stopped queue holds no request. [hwq] */
void fcn_queue_check_drained(struct nvmet_fc_sq *queue)
{
	struct fcn_assoc *assoc = queue->assoc;

	if (!queue->stopped || queue->drain_sent || queue->nr_active || queue->in_abort_all)
		return;
	queue->drain_sent = true;
	/* A thread that refuses messages is stopping or stopped: nothing
	 * else runs there any more, so finishing inline is safe. */
	if (assoc->env->run_on_ctl(assoc->env_arg, fcn_queue_drained_ctl, queue))
		fcn_queue_drained_ctl(queue);
}

/* Start tearing the association down; idempotent. [ctl] */
void fcn_assoc_schedule_delete(struct fcn_assoc *assoc)
{
	unsigned int q, n = 0;

	if (assoc->terminating)
		return;
	assoc->terminating = true;
	for (q = 0; q <= FCN_NR_QUEUES_MAX; q++)
		if (assoc->queues[q])
			n++;
	/* +1 so that queues draining inline cannot finish us mid-loop. */
	assoc->pending_queues = n + 1;
	for (q = FCN_NR_QUEUES_MAX + 1; q-- > 0;) {
		struct nvmet_fc_sq *queue = assoc->queues[q];

		if (!queue)
			continue;
		if (assoc->env->run_on_hwq(assoc->env_arg, queue->hwqid, fcn_queue_stop_hwq, queue))
			fcn_queue_stop_hwq(queue);
	}
	/* Let the core complete what it holds without a deadline (AERs). */
	if (assoc->core_ops->sq_stop) {
		for (q = FCN_NR_QUEUES_MAX + 1; q-- > 0;) {
			struct nvmet_fc_sq *queue = assoc->queues[q];

			if (queue && queue->core_created)
				assoc->core_ops->sq_stop(assoc->core, queue->core_sq);
		}
	}
	fcn_assoc_pending_put(assoc);
}

/* The core asks to tear down the association of a queue. [ctl] */
void nvmet_fc_sq_delete_assoc(struct nvmet_fc_sq *fc_sq)
{
	if (fc_sq && fc_sq->assoc)
		fcn_assoc_schedule_delete(fc_sq->assoc);
}
