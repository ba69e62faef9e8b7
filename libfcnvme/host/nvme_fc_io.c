// SPDX-License-Identifier: Apache-2.0
/*
 * The host's FCP command path: per-queue pools of command slots (allocated
 * once, at controller creation, in memory the HBA can reach), building the
 * 96-byte CMD IU (csn, connection id, SGL 0x5A transport descriptor),
 * handing it to the LLDD's fcp_io, checking each response exactly as Linux
 * nvme_fc_fcpio_done() does (0/12-byte RSP with the full transfer, or a
 * 32-byte ERSP whose iu_len, xfrd_len, ersp_result and command id agree),
 * aborts and command timeouts. The submit and completion path allocates
 * nothing and takes no lock; a queue belongs to its controller's thread.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvme_fc_int.h"

#define FCN_HOST_IU_STRIDE (sizeof(struct nvme_fc_cmd_iu) + sizeof(struct nvme_fc_ersp_iu))

static void fcn_host_io_done(struct nvmefc_fcp_req *fcpreq);

/* Allocate the pool of a queue: pool_size slots with their IUs. */
int fcn_host_queue_alloc(struct fcn_host_ctrl *c, struct fcn_host_queue *q, uint16_t qid,
			 uint16_t pool_size)
{
	struct nvme_fc_port_template *ops = c->lp->ops;
	fcnvme_dma_t dma;
	uint8_t *mem;
	uint16_t i;
	int rc;

	memset(q, 0, sizeof(*q));
	q->ctrl = c;
	q->qid = qid;
	q->pool_size = pool_size;
	q->reqs = calloc(pool_size, sizeof(*q->reqs));
	q->free_stack = calloc(pool_size, sizeof(*q->free_stack));
	if (!q->reqs || !q->free_stack) {
		rc = -ENOMEM;
		goto out_free_arrays;
	}
	if (ops->fcprqst_priv_sz) {
		q->priv_mem = calloc(pool_size, ops->fcprqst_priv_sz);
		if (!q->priv_mem) {
			rc = -ENOMEM;
			goto out_free_arrays;
		}
	}
	q->iu_len = (size_t)pool_size * FCN_HOST_IU_STRIDE;
	rc = fcnvme_dma_alloc(c->lp->dev, q->iu_len, &q->iu_mem, &dma);
	if (rc)
		goto out_free_priv;

	mem = q->iu_mem;
	for (i = 0; i < pool_size; i++) {
		struct fcn_host_req *r = &q->reqs[i];
		size_t cmd_off = (size_t)i * sizeof(struct nvme_fc_cmd_iu);
		size_t rsp_off = (size_t)pool_size * sizeof(struct nvme_fc_cmd_iu) +
				 (size_t)i * sizeof(struct nvme_fc_ersp_iu);

		r->q = q;
		r->cid = i;
		r->cmd_iu = (struct nvme_fc_cmd_iu *)(void *)(mem + cmd_off);
		r->rsp_iu = (struct nvme_fc_ersp_iu *)(void *)(mem + rsp_off);
		r->fcpreq.cmdaddr = r->cmd_iu;
		r->fcpreq.cmddma = dma + cmd_off;
		r->fcpreq.cmdlen = sizeof(struct nvme_fc_cmd_iu);
		r->fcpreq.rspaddr = r->rsp_iu;
		r->fcpreq.rspdma = dma + rsp_off;
		r->fcpreq.rsplen = sizeof(struct nvme_fc_ersp_iu);
		r->fcpreq.done = fcn_host_io_done;
		r->fcpreq.private =
			q->priv_mem ? (char *)q->priv_mem + (size_t)i * ops->fcprqst_priv_sz : NULL;
		r->fcpreq.sqid = htole16(qid);
		q->free_stack[i] = (uint16_t)(pool_size - 1 - i);
	}
	q->nfree = pool_size;
	return 0;

out_free_priv:
	free(q->priv_mem);
out_free_arrays:
	free(q->reqs);
	free(q->free_stack);
	memset(q, 0, sizeof(*q));
	return rc;
}

/* Free a queue's pool (nothing may be outstanding). */
void fcn_host_queue_free(struct fcn_host_ctrl *c, struct fcn_host_queue *q)
{
	if (!q->reqs)
		return;
	fcnvme_dma_free(c->lp->dev, q->iu_mem, q->iu_len);
	free(q->priv_mem);
	free(q->reqs);
	free(q->free_stack);
	memset(q, 0, sizeof(*q));
}

/* Forget the previous association's per-queue state. */
void fcn_host_queue_reset(struct fcn_host_queue *q)
{
	q->lldd_handle = NULL;
	q->lldd_created = false;
	q->connected = false;
	q->connection_id = 0;
	q->csn = 0;
}

static enum nvmefc_fcp_datadir fcn_host_io_dir(const struct nvme_command *cmd, uint32_t len)
{
	uint8_t code;

	if (!len)
		return NVMEFC_FCP_NODATA;
	code = cmd->common.opcode == nvme_fabrics_command ? cmd->fabrics.fctype
							  : cmd->common.opcode;
	return (code & 1) ? NVMEFC_FCP_WRITE : NVMEFC_FCP_READ;
}

static void fcn_host_io_put(struct fcn_host_queue *q, struct fcn_host_req *r)
{
	r->state = FCN_REQ_FREE;
	r->done = NULL;
	q->outstanding--;
	q->free_stack[q->nfree++] = r->cid;
}

/*
 * Build the CMD IU for cmd and hand it to the LLDD. The slot comes from
 * the queue's pool; done runs from the LLDD's completion.
 */
int fcn_host_io_submit(struct fcn_host_queue *q, const struct nvme_command *cmd,
		       const struct fcnvme_host_buf *buf, size_t off, uint32_t len, bool internal,
		       fcnvme_host_done_fn done, void *arg)
{
	struct fcn_host_ctrl *c = q->ctrl;
	struct nvme_fc_port_template *ops = c->lp->ops;
	struct nvmefc_fcp_req *f;
	struct nvme_fc_cmd_iu *iu;
	struct nvme_command sqe;
	struct fcn_host_req *r;
	enum nvmefc_fcp_datadir dir;
	int rc;

	if (!q->nfree || q->outstanding + 1 >= q->qsize)
		return -EBUSY;
	r = &q->reqs[q->free_stack[--q->nfree]];
	q->outstanding++;

	dir = fcn_host_io_dir(cmd, len);
	sqe = *cmd;
	sqe.common.command_id = htole16(r->cid);
	sqe.common.flags = (uint8_t)((sqe.common.flags & ~NVME_CMD_SGL_ALL) | NVME_CMD_SGL_METABUF);
	memset(&sqe.common.dptr, 0, sizeof(sqe.common.dptr));
	sqe.common.dptr.length = htole32(len);
	sqe.common.dptr.type = NVME_SGL_TYPE_FC_DATA;

	iu = r->cmd_iu;
	memset(iu, 0, sizeof(*iu));
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(sizeof(*iu) / 4);
	iu->rsv_cat = q->qid ? FCNVME_CMD_CAT_CSSFLAG : FCNVME_CMD_CAT_ADMINQ;
	iu->flags = dir == NVMEFC_FCP_WRITE  ? FCNVME_CMD_FLAGS_WRITE
		    : dir == NVMEFC_FCP_READ ? FCNVME_CMD_FLAGS_READ
					     : 0;
	iu->connection_id = cpu_to_be64(q->connection_id);
	iu->csn = cpu_to_be32(++q->csn);
	iu->data_len = cpu_to_be32(len);
	memcpy(iu->sqe, &sqe, sizeof(sqe));
	memset(r->rsp_iu, 0, sizeof(*r->rsp_iu));

	f = &r->fcpreq;
	f->payload_length = len;
	f->io_dir = dir;
	if (len) {
		r->sg.addr = (char *)buf->addr + off;
		r->sg.dma = buf->dma + off;
		r->sg.length = len;
		f->sg_table.sgl = &r->sg;
		f->sg_table.nents = 1;
		f->first_sgl = &r->sg;
		f->sg_cnt = 1;
	} else {
		f->sg_table.sgl = NULL;
		f->sg_table.nents = 0;
		f->first_sgl = NULL;
		f->sg_cnt = 0;
	}
	f->rcv_rsplen = 0;
	f->transferred_length = 0;
	f->status = 0;

	r->internal = internal;
	r->done = done;
	r->arg = arg;
	r->deadline_ns = fcn_host_ctrl_now(c) + (uint64_t)c->opts.cmd_timeout_ms * 1000000ull;
	r->state = FCN_REQ_ACTIVE;

	rc = ops->fcp_io(&c->lp->port, &c->rp->port, q->lldd_handle, f);
	if (rc) {
		fcn_host_io_put(q, r);
		if (rc != -EBUSY)
			fcn_host_ctrl_path_error(c, "fcp_io failed");
		return rc;
	}
	return 0;
}

/*
 * Check an FCP completion as Linux nvme_fc_fcpio_done() does. Fills *cqe
 * (the ERSP's CQE, or zeros with the command id) and returns the NVMe
 * status; NVME_SC_HOST_PATH_ERROR means the association must be reset.
 */
uint16_t fcn_host_io_check_rsp(const struct nvmefc_fcp_req *fcpreq,
			       const struct nvme_fc_cmd_iu *cmd_iu, struct nvme_completion *cqe)
{
	const struct nvme_fc_ersp_iu *ersp = fcpreq->rspaddr;
	struct nvme_completion rcqe;
	uint16_t cid;

	memcpy(&cid, cmd_iu->sqe + offsetof(struct nvme_common_command, command_id), sizeof(cid));
	memset(cqe, 0, sizeof(*cqe));
	cqe->command_id = cid;
	if (fcpreq->status)
		return NVME_SC_HOST_PATH_ERROR;

	switch (fcpreq->rcv_rsplen) {
	case 0:
	case NVME_FC_SIZEOF_ZEROS_RSP:
		if (fcpreq->transferred_length != be32_to_cpu(cmd_iu->data_len))
			return NVME_SC_HOST_PATH_ERROR;
		return NVME_SC_SUCCESS;
	case sizeof(struct nvme_fc_ersp_iu):
		memcpy(&rcqe, ersp->cqe, sizeof(rcqe));
		if (be16_to_cpu(ersp->iu_len) != sizeof(*ersp) / 4 ||
		    be32_to_cpu(ersp->xfrd_len) != fcpreq->transferred_length ||
		    ersp->ersp_result != 0 || rcqe.command_id != cid)
			return NVME_SC_HOST_PATH_ERROR;
		*cqe = rcqe;
		return (uint16_t)(le16toh(rcqe.status) >> 1);
	default:
		return NVME_SC_HOST_PATH_ERROR;
	}
}

/* The LLDD finished an FCP operation. */
static void fcn_host_io_done(struct nvmefc_fcp_req *fcpreq)
{
	struct fcn_host_req *r = (struct fcn_host_req *)(void *)fcpreq;
	struct fcn_host_queue *q = r->q;
	struct nvme_completion cqe;
	fcnvme_host_done_fn done;
	void *arg;
	uint16_t st;

	if (r->state == FCN_REQ_FREE)
		return; /* a second done from a confused LLDD */
	if (r->state == FCN_REQ_ABORTED) {
		memset(&cqe, 0, sizeof(cqe));
		st = NVME_SC_HOST_ABORTED_CMD;
	} else {
		st = fcn_host_io_check_rsp(fcpreq, r->cmd_iu, &cqe);
		if (st == NVME_SC_HOST_PATH_ERROR) {
			char why[80];

			if (fcpreq->status)
				snprintf(why, sizeof(why),
					 "FCP transport error "
					 "on queue %u: %s",
					 q->qid, strerror(-(int)fcpreq->status));
			else
				snprintf(why, sizeof(why),
					 "malformed FCP "
					 "response on queue %u (length %u)",
					 q->qid, fcpreq->rcv_rsplen);
			fcn_host_ctrl_path_error(q->ctrl, why);
		}
	}
	cqe.status = htole16((uint16_t)(st << 1));
	done = r->done;
	arg = r->arg;
	fcn_host_io_put(q, r);
	if (done)
		done(arg, st, &cqe);
}

/* Abort every active command of the queue; returns how many. */
unsigned int fcn_host_io_abort_all(struct fcn_host_queue *q)
{
	struct fcn_host_ctrl *c = q->ctrl;
	unsigned int i, n = 0;

	for (i = 0; i < q->pool_size; i++) {
		struct fcn_host_req *r = &q->reqs[i];

		if (r->state != FCN_REQ_ACTIVE)
			continue;
		r->state = FCN_REQ_ABORTED;
		c->lp->ops->fcp_abort(&c->lp->port, &c->rp->port, q->lldd_handle, &r->fcpreq);
		n++;
	}
	return n;
}

/* Abort the commands whose deadline passed; returns how many. */
unsigned int fcn_host_io_check_timeouts(struct fcn_host_queue *q, uint64_t now)
{
	struct fcn_host_ctrl *c = q->ctrl;
	unsigned int i, n = 0;

	for (i = 0; i < q->pool_size; i++) {
		struct fcn_host_req *r = &q->reqs[i];

		if (r->state != FCN_REQ_ACTIVE || now < r->deadline_ns)
			continue;
		r->state = FCN_REQ_ABORTED;
		c->lp->ops->fcp_abort(&c->lp->port, &c->rp->port, q->lldd_handle, &r->fcpreq);
		n++;
	}
	return n;
}
