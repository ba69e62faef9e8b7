// SPDX-License-Identifier: Apache-2.0
/*
 * The FCP command path of the target transport, on the hwq thread that owns
 * the queue: CMD IU validation and connection lookup, a request context from
 * the queue's preallocated pool (or a bounded deferral with defer_rcv),
 * direction checks, nvmet_req_init/execute through the core ops, and data
 * movement in WRITEDATA/READDATA ops of at most 256 KiB and max_sgl_segments
 * elements each (the op state machine of nvmet_fc_fod_op_done() and
 * nvmet_fc_transfer_fcp_data() in Linux drivers/nvme/target/fc.c). No locks, no allocation.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "nvmet_fc_int.h"

/* Take an idle request context for fcpreq and copy its CMD IU. */
static struct fcn_fod *fcn_fod_start(struct nvmet_fc_sq *queue, struct nvmefc_tgt_fcp_req *fcpreq,
				     const void *cmdiubuf)
{
	struct fcn_fod *fod = fcn_container_of(queue->fod_free.next, struct fcn_fod, entry);

	fcn_list_del(&fod->entry);
	memcpy(&fod->cmdiu, cmdiubuf, sizeof(fod->cmdiu));
	fod->fcpreq = fcpreq;
	fod->active = true;
	fod->abort = false;
	fod->aborted = false;
	fod->writedataactive = false;
	fod->in_core = false;
	fod->executed = false;
	fod->offset = 0;
	fod->data_sg_cnt = 0;
	fcpreq->nvmet_fc_private = fod;
	queue->nr_active++;
	return fod;
}

/* A CMD IU arrived; see nvme_fc_driver.h for the return values. [hwq] */
int nvmet_fc_rcv_fcp_req(struct nvmet_fc_target_port *target_port,
			 struct nvmefc_tgt_fcp_req *fcpreq, void *cmdiubuf, uint32_t cmdiubuf_len)
{
	const uint8_t *b = cmdiubuf;
	struct nvmet_fc_sq *queue;
	fcnvme_be64 conn_id;
	struct fcn_tgtport *tp;
	struct fcn_defer *d;
	struct fcn_fod *fod;

	if (!target_port || !fcpreq || !cmdiubuf)
		return -EINVAL;
	tp = fcn_tgtport(target_port);
	if (cmdiubuf_len != sizeof(struct nvme_fc_cmd_iu) || b[0] != NVME_CMD_FORMAT_ID ||
	    b[1] != NVME_CMD_FC_ID || ((b[2] << 8) | b[3]) != sizeof(struct nvme_fc_cmd_iu) / 4)
		return -EIO;
	/* the buffer may be unaligned: copy the field out */
	memcpy(&conn_id, b + offsetof(struct nvme_fc_cmd_iu, connection_id), sizeof(conn_id));
	queue = fcn_queue_lookup(tp, fcpreq->hwqid, be64_to_cpu(conn_id));
	if (!queue || queue->stopped)
		return -ENOTCONN;

	if (!fcn_list_empty(&queue->fod_free)) {
		fod = fcn_fod_start(queue, fcpreq, cmdiubuf);
		fcn_fcp_handle(fod);
		return 0;
	}
	/* Pool empty: hold the command (bounded) until a context frees. */
	if (!tp->ops->defer_rcv || fcn_list_empty(&queue->defer_free))
		return -ENOENT;
	d = fcn_container_of(queue->defer_free.next, struct fcn_defer, entry);
	fcn_list_del(&d->entry);
	d->fcpreq = fcpreq;
	d->cmdiubuf = cmdiubuf;
	fcpreq->nvmet_fc_private = d;
	fcn_list_add_tail(&queue->defer_list, &d->entry);
	queue->nr_deferred++;
	return -EOVERFLOW;
}

/* Start deferred commands while contexts are free; not re-entrant. [hwq] */
void fcn_fcp_run_deferred(struct nvmet_fc_sq *queue)
{
	struct fcn_tgtport *tp = queue->tgtport;

	if (queue->in_defer_loop)
		return;
	queue->in_defer_loop = true;
	while (!queue->stopped && !fcn_list_empty(&queue->defer_list) &&
	       !fcn_list_empty(&queue->fod_free)) {
		struct fcn_defer *d =
			fcn_container_of(queue->defer_list.next, struct fcn_defer, entry);
		struct nvmefc_tgt_fcp_req *fcpreq = d->fcpreq;
		struct fcn_fod *fod;

		fcn_list_del(&d->entry);
		fcn_list_add_tail(&queue->defer_free, &d->entry);
		queue->nr_deferred--;
		fod = fcn_fod_start(queue, fcpreq, d->cmdiubuf);
		d->fcpreq = NULL;
		d->cmdiubuf = NULL;
		tp->ops->defer_rcv(&tp->fc_port, fcpreq);
		fcn_fcp_handle(fod);
	}
	queue->in_defer_loop = false;
}

/* nvme_is_write() of the kernel: fabrics commands carry the direction in
 * fctype bit 0, everything else in opcode bit 0. */
static bool fcn_sqe_is_write(const struct nvme_command *sqe)
{
	if (sqe->common.opcode == nvme_fabrics_command)
		return sqe->fabrics.fctype & 1;
	return nvme_opcode_is_write(sqe->common.opcode);
}

/* The command's data direction from the CMD IU flags, checked against the
 * opcode; -1 if they disagree (a transport error). */
static int fcn_fcp_dir(const struct fcn_fod *fod)
{
	const struct nvme_command *sqe = fod->req.cmd;
	uint8_t flags = fod->cmdiu.flags & FCNVME_CMD_FLAGS_DIRMASK;

	switch (flags) {
	case FCNVME_CMD_FLAGS_WRITE:
		return fcn_sqe_is_write(sqe) ? FCN_DIR_WRITE : -1;
	case FCNVME_CMD_FLAGS_READ:
		return fcn_sqe_is_write(sqe) ? -1 : FCN_DIR_READ;
	case 0:
		return fod->data_len ? -1 : FCN_DIR_NONE;
	default:
		return -1;
	}
}

/* Complete a command the core never saw with an NVMe status. */
static void fcn_fcp_fail(struct fcn_fod *fod, uint16_t status)
{
	struct nvme_completion *cqe = fod->req.cqe;

	memset(cqe, 0, sizeof(*cqe));
	cqe->sq_head = htole16((uint16_t)fod->queue->sqhd);
	cqe->sq_id = htole16(fod->queue->qid);
	cqe->command_id = fod->req.cmd->common.command_id;
	cqe->status = htole16((uint16_t)(status << 1));
	fcn_rsp_xmt(fod);
}

static void fcn_fcp_execute(struct fcn_fod *fod)
{
	fod->executed = true;
	fod->req.execute(&fod->req);
}

/* Process a command in a fresh context: checks, req_init, data. [hwq] */
void fcn_fcp_handle(struct fcn_fod *fod)
{
	struct nvmet_fc_sq *queue = fod->queue;
	struct fcn_assoc *assoc = queue->assoc;
	struct nvmet_fc_req *req = &fod->req;
	uint32_t len, cnt;
	uint16_t status;
	int dir;

	memset(fod->rspiu, 0, sizeof(*fod->rspiu));
	memset(req, 0, sizeof(*req));
	req->cmd = (const struct nvme_command *)(const void *)fod->cmdiu.sqe;
	req->cqe = (struct nvme_completion *)(void *)fod->rspiu->cqe;
	fod->data_len = be32_to_cpu(fod->cmdiu.data_len);
	req->transfer_len = fod->data_len;
	req->qid = queue->qid;
	req->hwqid = queue->hwqid;
	req->core_sq = queue->core_sq;
	req->fc_sq = queue;
	req->queue_response = fcn_rsp_queue_response;

	dir = fcn_fcp_dir(fod);
	if (dir < 0) {
		/* A transport error: abort the exchange, send nothing. */
		fcn_fod_abort_op(fod);
		return;
	}
	fod->io_dir = (uint8_t)dir;
	/* Zero-copy Reads (nvmet_fc_data.c): only where the LLDD reads data
	 * by virtual address. */
	req->data_ref_ok = dir == FCN_DIR_READ && fod->data_len &&
			   (queue->tgtport->ops->target_features & NVMET_FCTGTFEAT_DATA_VADDR);
	/*
	 * More data than our buffers hold, i.e. above the MDTS the core
	 * advertises: the NVMe base specification says a command exceeding
	 * MDTS is aborted with Invalid Field in Command; DNR because a retry
	 * cannot succeed.
	 */
	if (fod->data_len > queue->max_data_len) {
		fcn_fcp_fail(fod, NVME_SC_INVALID_FIELD | NVME_SC_DNR);
		return;
	}
	/*
	 * Its buffer, from the hw queue's pool. That pool holds a buffer per
	 * exchange of the LLDD on this hw queue, so it is empty only with an
	 * LLDD that has more: Command Interrupted, which a host retries.
	 */
	if (fod->data_len && !fcn_buf_take(fod)) {
		fcn_fcp_fail(fod, NVME_SC_CMD_INTERRUPTED);
		return;
	}
	req->data = fod->data;

	status = assoc->core_ops->req_init(assoc->core, req);
	if (!status && !req->execute)
		status = NVME_SC_INTERNAL | NVME_SC_DNR;
	if (status) {
		struct nvme_completion *cqe = req->cqe;

		/* The core filled the CQE; make sure it carries the status
		 * and the ids the host matches on. */
		if (!(le16toh(cqe->status) & 0xfffe))
			cqe->status = htole16((uint16_t)(status << 1));
		cqe->command_id = req->cmd->common.command_id;
		cqe->sq_id = htole16(queue->qid);
		fcn_rsp_xmt(fod);
		return;
	}
	fod->in_core = true;
	queue->sqtail++;

	/* The core may only lower transfer_len. */
	if (req->transfer_len > fod->data_len)
		req->transfer_len = fod->data_len;
	len = req->transfer_len;
	cnt = (len + FCN_SG_ELEM_LEN - 1) / FCN_SG_ELEM_LEN;
	fod->data_sg_cnt = cnt;
	if (cnt)
		fod->sg[cnt - 1].length = len - (cnt - 1) * FCN_SG_ELEM_LEN;

	if (fod->io_dir == FCN_DIR_WRITE && len) {
		fcn_fcp_transfer_data(fod, NVMET_FCOP_WRITEDATA);
		return;
	}
	fcn_fcp_execute(fod);
}

/* The core will not see this request again: tell it. */
static void fcn_fod_core_abort(struct fcn_fod *fod)
{
	struct fcn_assoc *assoc = fod->queue->assoc;

	if (!fod->in_core || fod->executed)
		return;
	fod->in_core = false;
	if (assoc->core_ops->req_abort)
		assoc->core_ops->req_abort(assoc->core, &fod->req);
}

/* The LLDD finished an op of the exchange (fcpreq->done). [hwq] */
void fcn_fcp_op_done(struct nvmefc_tgt_fcp_req *fcpreq)
{
	struct fcn_fod *fod = fcpreq->nvmet_fc_private;
	bool failed;

	if (!fod || fod->kind != FCN_XCHG_FOD || fod->fcpreq != fcpreq)
		return; /* not ours (any more): ignore */
	failed = fod->abort || fcpreq->fcp_error ||
		 fcpreq->transferred_length != fcpreq->transfer_length;

	switch (fcpreq->op) {
	case NVMET_FCOP_WRITEDATA:
		fod->writedataactive = false;
		if (failed) {
			fod->abort = true;
			fcn_fod_core_abort(fod);
			fcn_fod_abort_op(fod);
			return;
		}
		fod->offset += fcpreq->transfer_length;
		if (fod->offset < fod->req.transfer_len) {
			fcn_fcp_transfer_data(fod, NVMET_FCOP_WRITEDATA);
			return;
		}
		fcn_fcp_execute(fod);
		return;
	case NVMET_FCOP_READDATA:
	case NVMET_FCOP_READDATA_RSP:
		if (failed) {
			fcn_fod_abort_op(fod);
			return;
		}
		fod->offset += fcpreq->transfer_length;
		if (fcpreq->op == NVMET_FCOP_READDATA_RSP) {
			fcn_fod_release(fod);
			return;
		}
		if (fod->offset < fod->req.transfer_len) {
			fcn_fcp_transfer_data(fod, NVMET_FCOP_READDATA);
			return;
		}
		fcn_rsp_xmt(fod);
		return;
	case NVMET_FCOP_RSP:
		/* The response went out (or failed): a teardown that came
		 * meanwhile has nothing left to stop. */
		if (fcpreq->fcp_error)
			fcn_fod_abort_op(fod);
		else
			fcn_fod_release(fod);
		return;
	default:
		fcn_fod_abort_op(fod);
		return;
	}
}

/* Issue the next data op (at most 256 KiB and max_sgl_segments elements
 * from fod->offset); the last READDATA carries the response when the LLDD
 * can combine them. [hwq] */
void fcn_fcp_transfer_data(struct fcn_fod *fod, uint8_t op)
{
	struct fcn_tgtport *tp = fod->queue->tgtport;
	struct nvmefc_tgt_fcp_req *fcpreq = fod->fcpreq;
	uint32_t idx = fod->offset / FCN_SG_ELEM_LEN;
	uint32_t left = fod->req.transfer_len - fod->offset;
	uint32_t n = fod->data_sg_cnt - idx;
	uint32_t tlen;
	int rc;

	if (n > tp->max_sg_elems)
		n = tp->max_sg_elems;
	tlen = n * FCN_SG_ELEM_LEN;
	if (tlen > left)
		tlen = left;

	fcpreq->op = op;
	fcpreq->offset = fod->offset;
	fcpreq->timeout = NVME_FC_TGTOP_TIMEOUT_SEC;
	fcpreq->transfer_length = tlen;
	fcpreq->transferred_length = 0;
	fcpreq->fcp_error = 0;
	fcpreq->sg = &fod->sg[idx];
	fcpreq->sg_cnt = (int)n;
	fcpreq->rspaddr = NULL;
	fcpreq->rspdma = 0;
	fcpreq->rsplen = 0;
	fcpreq->done = fcn_fcp_op_done;
	if (op == NVMET_FCOP_READDATA &&
	    (tp->ops->target_features & NVMET_FCTGTFEAT_READDATA_RSP) &&
	    fod->offset + tlen == fod->req.transfer_len) {
		fcpreq->op = NVMET_FCOP_READDATA_RSP;
		fcn_rsp_prep(fod);
	}
	if (op == NVMET_FCOP_WRITEDATA)
		fod->writedataactive = true;

	rc = tp->ops->fcp_op(&tp->fc_port, fcpreq);
	if (!rc)
		return; /* fod may already be released: hands off */
	fod->writedataactive = false;
	if (op == NVMET_FCOP_WRITEDATA) {
		/* The data never came: the command cannot run. */
		fod->abort = true;
		fcn_fod_core_abort(fod);
		fcn_fod_abort_op(fod);
		return;
	}
	fcpreq->fcp_error = rc;
	fcpreq->transferred_length = 0;
	fcn_fod_abort_op(fod);
}
