// SPDX-License-Identifier: Apache-2.0
/*
 * Queues (connections) of the target transport: creation on the control
 * context with every request context preallocated (sqsize contexts, each
 * with an ERSP IU in one DMA region; data buffers come from the hw queue's
 * pool, nvmet_fc_buf.c), core queue creation, publication into the
 * per-hwq connection table on the queue's own hwq thread (then the LS ACC on
 * the control context), lookup on the FCP path, and the hwq-side stop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nvmet_fc_int.h"

/* The hardware queue a qid is steered to (the rule Linux's nvmet-fc uses for
 * fcpreq->hwqid, so each NVMe queue lives on one I/O thread). */
uint16_t fcn_queue_hwqid(const struct fcn_tgtport *tp, uint16_t qid)
{
	return qid == 0 ? 0 : (uint16_t)((uint32_t)(qid - 1) % tp->ops->max_hw_queues);
}

static unsigned int fcn_conn_hash(uint64_t connection_id)
{
	uint64_t h = connection_id ^ (connection_id >> 16) ^ (connection_id >> 40);

	return (unsigned int)(h & (FCN_HWQ_BUCKETS - 1));
}

/* Free a queue's memory, destroying its core state first if created. An
 * unpublished or drained queue only. [ctl] */
void fcn_queue_free(struct nvmet_fc_sq *queue)
{
	struct fcn_tgtport *tp = queue->tgtport;

	if (queue->core_created)
		queue->assoc->core_ops->sq_destroy(queue->assoc->core, queue->core_sq);
	if (queue->rsp_region)
		fcnvme_dma_free(tp->dev, queue->rsp_region, queue->rsp_region_len);
	free(queue->defers);
	free(queue->fods);
	free(queue);
}

/* The queue's request contexts with their responses in the port's DMA
 * memory (their data buffers are the hw queue's, nvmet_fc_buf.c); -ENOSPC
 * when that memory is exhausted. */
static int fcn_queue_alloc_fods(struct nvmet_fc_sq *queue)
{
	struct fcn_tgtport *tp = queue->tgtport;
	fcnvme_dma_t rspdma;
	uint32_t i;
	int rc;

	queue->fods = calloc(queue->sqsize, sizeof(*queue->fods));
	if (!queue->fods)
		return -ENOMEM;
	queue->rsp_region_len = (size_t)queue->sqsize * sizeof(struct nvme_fc_ersp_iu);
	rc = fcnvme_dma_alloc(tp->dev, queue->rsp_region_len, &queue->rsp_region, &rspdma);
	if (rc) {
		queue->rsp_region = NULL;
		return rc == -ENOMEM ? -ENOSPC : rc;
	}
	for (i = 0; i < queue->sqsize; i++) {
		struct fcn_fod *fod = &queue->fods[i];

		fod->kind = FCN_XCHG_FOD;
		fod->queue = queue;
		fod->rspiu = (struct nvme_fc_ersp_iu *)queue->rsp_region + i;
		fod->rspdma = rspdma + (fcnvme_dma_t)i * sizeof(struct nvme_fc_ersp_iu);
		fcn_list_add_tail(&queue->fod_free, &fod->entry);
	}
	return 0;
}

static int fcn_queue_alloc_defers(struct nvmet_fc_sq *queue)
{
	uint32_t i;

	queue->defers =
		calloc(queue->max_deferred ? queue->max_deferred : 1, sizeof(*queue->defers));
	if (!queue->defers)
		return -ENOMEM;
	for (i = 0; i < queue->max_deferred; i++) {
		queue->defers[i].kind = FCN_XCHG_DEFER;
		queue->defers[i].queue = queue;
		fcn_list_add_tail(&queue->defer_free, &queue->defers[i].entry);
	}
	return 0;
}

/* Create queue qid of an association with its request pool and core
 * state, and record it in assoc->queues. Not yet findable. [ctl] */
int fcn_queue_create(struct fcn_assoc *assoc, uint16_t qid, uint16_t sqsize, uint16_t ersp_ratio,
		     struct nvmet_fc_sq **queuep)
{
	struct fcn_tgtport *tp = assoc->tgtport;
	struct nvmet_fc_sq_info info;
	struct nvmet_fc_sq *queue;
	uint64_t wwnn = 0, wwpn = 0;
	int rc;

	if (qid > FCN_NR_QUEUES_MAX || assoc->queues[qid] || sqsize == 0)
		return -EINVAL;
	queue = calloc(1, sizeof(*queue));
	if (!queue)
		return -ENOMEM;
	queue->assoc = assoc;
	queue->tgtport = tp;
	queue->qid = qid;
	queue->sqsize = sqsize;
	queue->ersp_ratio = ersp_ratio;
	queue->hwqid = fcn_queue_hwqid(tp, qid);
	queue->connection_id = assoc->association_id | qid;
	queue->rsn = 1;
	queue->max_data_len = tp->cfg.max_data_len;
	queue->max_deferred = tp->cfg.max_deferred ? tp->cfg.max_deferred : sqsize;
	fcn_list_init(&queue->fod_free);
	fcn_list_init(&queue->defer_list);
	fcn_list_init(&queue->defer_free);

	rc = fcn_queue_alloc_fods(queue);
	if (rc)
		goto out_free_queue;
	rc = fcn_queue_alloc_defers(queue);
	if (rc)
		goto out_free_queue;

	if (tp->ops->host_traddr &&
	    tp->ops->host_traddr(assoc->hostport->hosthandle, &wwnn, &wwpn)) {
		wwnn = 0;
		wwpn = 0;
	}
	memset(&info, 0, sizeof(info));
	info.tgtport = &tp->fc_port;
	info.fc_sq = queue;
	info.association_id = assoc->association_id;
	info.connection_id = queue->connection_id;
	info.qid = qid;
	info.sqsize = sqsize;
	info.hwqid = queue->hwqid;
	info.host_wwnn = wwnn;
	info.host_wwpn = wwpn;
	info.hosthandle = assoc->hostport->hosthandle;
	info.max_data_len = tp->cfg.max_data_len;
	info.max_queue_size = tp->cfg.max_queue_size;
	info.max_io_queues = tp->cfg.max_io_queues;
	rc = assoc->core_ops->sq_create(assoc->core, &info, &queue->core_sq);
	if (rc)
		goto out_free_queue;
	queue->core_created = true;
	assoc->queues[qid] = queue;
	*queuep = queue;
	return 0;

out_free_queue:
	fcn_queue_free(queue);
	return rc ? rc : -EINVAL;
}

/* [ctl] message: the queue is findable; send the ACC that was waiting. */
static void fcn_queue_connected_ctl(void *arg)
{
	struct nvmet_fc_sq *queue = arg;
	struct fcn_ls_ctx *ctx = queue->connect_ctx;
	struct fcn_assoc *assoc = queue->assoc;

	queue->connect_ctx = NULL;
	if (ctx)
		fcn_ls_xmt(ctx, queue->connect_acc_len);
	assoc->pending_connects--;
	fcn_assoc_maybe_finish(assoc);
}

/* [hwq] message: put the queue into this hwq's lookup table. */
static void fcn_queue_publish_hwq(void *arg)
{
	struct nvmet_fc_sq *queue = arg;
	struct fcn_hwq *hwq = &queue->tgtport->hwqs[queue->hwqid];
	unsigned int b = fcn_conn_hash(queue->connection_id);
	struct fcn_assoc *assoc = queue->assoc;

	/* Stopped first (only if the stop could not be queued behind us):
	 * stay unpublished, still answer. */
	if (!queue->stopped) {
		queue->hash_next = hwq->buckets[b];
		hwq->buckets[b] = queue;
		queue->published = true;
	}
	if (assoc->env->run_on_ctl(assoc->env_arg, fcn_queue_connected_ctl, queue))
		fcn_queue_connected_ctl(queue);
}

/* Publish the queue on its hwq thread, then send ctx's ACC (already built
 * in ctx->rspbuf) from the control context. Non-zero: nothing was sent
 * and the queue is not published. [ctl] */
int fcn_queue_connect(struct nvmet_fc_sq *queue, struct fcn_ls_ctx *ctx)
{
	struct fcn_assoc *assoc = queue->assoc;
	int rc;

	queue->connect_ctx = ctx;
	queue->connect_acc_len = queue->qid == 0 ? (int)sizeof(struct fcnvme_ls_cr_assoc_acc)
						 : (int)sizeof(struct fcnvme_ls_cr_conn_acc);
	rc = assoc->env->run_on_hwq(assoc->env_arg, queue->hwqid, fcn_queue_publish_hwq, queue);
	if (rc) {
		queue->connect_ctx = NULL;
		return rc;
	}
	assoc->pending_connects++;
	return 0;
}

/* The connection with this id on hwq hwqid, or NULL. [hwq] */
struct nvmet_fc_sq *fcn_queue_lookup(struct fcn_tgtport *tp, uint16_t hwqid, uint64_t connection_id)
{
	struct nvmet_fc_sq *q;

	if (hwqid >= tp->ops->max_hw_queues)
		return NULL;
	q = tp->hwqs[hwqid].buckets[fcn_conn_hash(connection_id)];
	while (q && q->connection_id != connection_id)
		q = q->hash_next;
	return q;
}

static void fcn_queue_unpublish(struct nvmet_fc_sq *queue)
{
	struct fcn_hwq *hwq = &queue->tgtport->hwqs[queue->hwqid];
	struct nvmet_fc_sq **pp = &hwq->buckets[fcn_conn_hash(queue->connection_id)];

	while (*pp && *pp != queue)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = queue->hash_next;
	queue->hash_next = NULL;
	queue->published = false;
}

/* Stop the queue: not findable any more, every request aborted; the
 * control context hears when the last one is released. [hwq] */
void fcn_queue_stop(struct nvmet_fc_sq *queue)
{
	if (queue->stopped)
		return;
	if (queue->published)
		fcn_queue_unpublish(queue);
	queue->stopped = true;
	fcn_queue_abort_all(queue);
	fcn_queue_check_drained(queue);
}
