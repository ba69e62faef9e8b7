// SPDX-License-Identifier: Apache-2.0
/*
 * Responses of the target transport (nvmet_fc_prep_fcp_rsp() in Linux
 * drivers/nvme/target/fc.c): the core's
 * queue_response, the choice between the 12-byte all-zero RSP and the
 * 32-byte ERSP (every ersp_ratio-th response, fabrics command, short
 * transfer, non-zero status, CQE dword 0/1, fused command, queue at least
 * 90% full), the response sequence number, and the RSP op. [hwq] only.
 */
#include <endian.h>
#include <string.h>

#include "nvmet_fc_int.h"

/* nvmet-fc's queue_90percent_full(); sqsize is the 0's based LS value. */
static bool fcn_queue_90percent_full(const struct nvmet_fc_sq *q, uint32_t sqhd)
{
	uint32_t sqtail = q->sqtail % q->sqsize;
	uint32_t used = sqtail < sqhd ? sqtail + q->sqsize - sqhd : sqtail - sqhd;

	return used * 10 >= (uint32_t)(q->sqsize - 1) * 9;
}

/* Fill the response IU and point the exchange at it. [hwq] */
void fcn_rsp_prep(struct fcn_fod *fod)
{
	struct nvmefc_tgt_fcp_req *fcpreq = fod->fcpreq;
	struct nvmet_fc_sq *queue = fod->queue;
	struct nvme_fc_ersp_iu *ersp = fod->rspiu;
	const struct nvme_completion *cqe = fod->req.cqe;
	const struct nvme_command *sqe = fod->req.cmd;
	uint32_t rspcnt = ++queue->zrspcnt;
	uint32_t xfr_length;
	bool send_ersp;

	xfr_length = fcpreq->op == NVMET_FCOP_READDATA_RSP ? fod->req.transfer_len : fod->offset;
	send_ersp = (rspcnt % queue->ersp_ratio) == 0 ||
		    sqe->common.opcode == nvme_fabrics_command || xfr_length != fod->data_len ||
		    (le16toh(cqe->status) & 0xfffe) || cqe->result.dw0 || cqe->result.dw1 ||
		    (sqe->common.flags & NVME_CMD_FUSE_MASK) ||
		    fcn_queue_90percent_full(queue, le16toh(cqe->sq_head));

	if (send_ersp) {
		ersp->ersp_result = 0;
		ersp->rsvd1 = 0;
		ersp->iu_len = cpu_to_be16(sizeof(*ersp) / 4);
		ersp->rsn = cpu_to_be32(++queue->rsn);
		ersp->xfrd_len = cpu_to_be32(xfr_length);
		ersp->rsvd12 = cpu_to_be32(0);
		fcpreq->rsplen = sizeof(*ersp);
	} else {
		memset(ersp, 0, NVME_FC_SIZEOF_ZEROS_RSP);
		fcpreq->rsplen = NVME_FC_SIZEOF_ZEROS_RSP;
	}
	fcpreq->rspaddr = ersp;
	fcpreq->rspdma = fod->rspdma;
}

/* Send the response as its own op. [hwq] */
void fcn_rsp_xmt(struct fcn_fod *fod)
{
	struct fcn_tgtport *tp = fod->queue->tgtport;
	struct nvmefc_tgt_fcp_req *fcpreq = fod->fcpreq;

	fcpreq->op = NVMET_FCOP_RSP;
	fcpreq->offset = 0;
	fcpreq->timeout = 0;
	fcpreq->transfer_length = 0;
	fcpreq->transferred_length = 0;
	fcpreq->fcp_error = 0;
	fcpreq->sg = NULL;
	fcpreq->sg_cnt = 0;
	fcpreq->done = fcn_fcp_op_done;
	fcn_rsp_prep(fod);
	if (tp->ops->fcp_op(&tp->fc_port, fcpreq))
		fcn_fod_abort_op(fod);
}

/* The core completed a request (req->queue_response). [hwq] */
void fcn_rsp_queue_response(struct nvmet_fc_req *req)
{
	struct fcn_fod *fod = fcn_container_of(req, struct fcn_fod, req);
	const struct nvme_completion *cqe = req->cqe;

	if (!fod->in_core)
		return; /* a second completion: ignore */
	fod->in_core = false;
	if (!(le16toh(cqe->status) & 0xfffe))
		fod->queue->sqhd = le16toh(cqe->sq_head);
	if (fod->abort) {
		fcn_fod_abort_op(fod);
		return;
	}
	/* Push read data even with a non-zero status, as nvmet-fc does. */
	if (fod->io_dir == FCN_DIR_READ && fod->data_sg_cnt) {
		fcn_fcp_transfer_data(fod, NVMET_FCOP_READDATA);
		return;
	}
	fcn_rsp_xmt(fod);
}
