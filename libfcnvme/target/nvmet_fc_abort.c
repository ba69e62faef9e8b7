// SPDX-License-Identifier: Apache-2.0
/*
 * Aborts and exchange release of the target transport (Linux drivers/nvme/target/fc.c:
 * nvmet_fc_rcv_fcp_abort(), nvmet_fc_abort_op(), nvmet_fc_xmt_fcp_op_done()):
 * an ABTS from the wire in any request state (deferred, waiting for data, in
 * the backend, sending data, sending the response), target-initiated aborts
 * of a stopping queue, and the release that returns every exchange to the
 * LLDD exactly once and starts the next deferred command. An aborted command
 * never gets a response. [hwq] only.
 */
#include "nvmet_fc_int.h"

/* Give the exchange back to the LLDD and the context to the pool; run a
 * deferred command; report a drained stopping queue. The caller must not
 * touch fod or its queue afterwards. [hwq] */
void fcn_fod_release(struct fcn_fod *fod)
{
	struct nvmet_fc_sq *queue = fod->queue;
	struct fcn_tgtport *tp = queue->tgtport;
	struct nvmefc_tgt_fcp_req *fcpreq = fod->fcpreq;
	struct fcn_assoc *assoc = queue->assoc;

	/* The LLDD is done with the data: the core may let its memory go
	 * (before a deferred command can take this context). */
	if (fcn_data_restore(fod) && assoc->core_ops && assoc->core_ops->req_data_done)
		assoc->core_ops->req_data_done(assoc->core, &fod->req);
	fcn_buf_put(fod);
	fcpreq->nvmet_fc_private = NULL;
	fod->fcpreq = NULL;
	fod->active = false;
	fod->in_core = false;
	fod->writedataactive = false;
	queue->nr_active--;
	/* Last in, first out: the next command takes this context while its
	 * lines are still in this CPU's cache; first in, first out cycled
	 * the commands of a queue through all sqsize contexts (at 64
	 * associations of depth 1, 64 x sqsize contexts, their response IUs
	 * and sg lists: cache misses on every command). */
	fcn_list_add(&queue->fod_free, &fod->entry);
	tp->ops->fcp_req_release(&tp->fc_port, fcpreq);
	fcn_fcp_run_deferred(queue);
	fcn_queue_check_drained(queue);
}

/* End an exchange without a response: fcp_abort unless the LLDD already
 * knows (ABTS received, or we aborted it), then release. [hwq] */
void fcn_fod_abort_op(struct fcn_fod *fod)
{
	struct fcn_tgtport *tp = fod->queue->tgtport;

	if (!fod->aborted) {
		fod->aborted = true;
		tp->ops->fcp_abort(&tp->fc_port, fod->fcpreq);
	}
	fcn_fod_release(fod);
}

static void fcn_defer_drop(struct nvmet_fc_sq *queue, struct fcn_defer *d, bool send_abort)
{
	struct fcn_tgtport *tp = queue->tgtport;
	struct nvmefc_tgt_fcp_req *fcpreq = d->fcpreq;

	fcn_list_del(&d->entry);
	fcn_list_add_tail(&queue->defer_free, &d->entry);
	queue->nr_deferred--;
	d->fcpreq = NULL;
	d->cmdiubuf = NULL;
	fcpreq->nvmet_fc_private = NULL;
	/* The LLDD may free the CMD IU buffer, then the exchange. */
	tp->ops->defer_rcv(&tp->fc_port, fcpreq);
	if (send_abort)
		tp->ops->fcp_abort(&tp->fc_port, fcpreq);
	tp->ops->fcp_req_release(&tp->fc_port, fcpreq);
}

/* Abort everything a stopping queue holds: deferred commands end at once;
 * active ones are flagged, and a pending WRITEDATA is aborted in the LLDD
 * now; the others end at their next step. [hwq] */
void fcn_queue_abort_all(struct nvmet_fc_sq *queue)
{
	struct fcn_tgtport *tp = queue->tgtport;
	uint32_t i;

	queue->in_abort_all = true;
	while (!fcn_list_empty(&queue->defer_list))
		fcn_defer_drop(queue,
			       fcn_container_of(queue->defer_list.next, struct fcn_defer, entry),
			       true);
	for (i = 0; i < queue->sqsize; i++) {
		struct fcn_fod *fod = &queue->fods[i];

		if (!fod->active || fod->abort)
			continue;
		fod->abort = true;
		if (fod->writedataactive && !fod->aborted) {
			fod->aborted = true;
			tp->ops->fcp_abort(&tp->fc_port, fod->fcpreq);
		}
	}
	queue->in_abort_all = false;
}

/* An ABTS arrived for the exchange; see nvme_fc_driver.h. [hwq] */
void nvmet_fc_rcv_fcp_abort(struct nvmet_fc_target_port *target_port,
			    struct nvmefc_tgt_fcp_req *fcpreq)
{
	enum fcn_xchg_kind *kind;

	if (!target_port || !fcpreq || !fcpreq->nvmet_fc_private)
		return;
	kind = fcpreq->nvmet_fc_private;
	if (*kind == FCN_XCHG_DEFER) {
		struct fcn_defer *d = fcn_container_of(kind, struct fcn_defer, kind);

		if (d->fcpreq != fcpreq)
			return;
		/* Never started: hand the buffer and the exchange back; the
		 * LLDD already knows of the abort. */
		fcn_defer_drop(d->queue, d, false);
		return;
	}
	if (*kind == FCN_XCHG_FOD) {
		struct fcn_fod *fod = fcn_container_of(kind, struct fcn_fod, kind);

		if (!fod->active || fod->fcpreq != fcpreq)
			return;
		/* The op in flight completes with an error, or the core
		 * completes the command; either step then ends it. */
		fod->abort = true;
		fod->aborted = true;
	}
}
