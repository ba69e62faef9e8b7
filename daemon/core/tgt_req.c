// SPDX-License-Identifier: Apache-2.0
/*
 * Completing requests: fill the CQE and hand the request back to the
 * transport on its hwq thread, directly ([hwq]) or by a message from the
 * control thread ([ctl], admin and fabrics commands). Completions that find
 * the hwq's ring full are retried by tgt_timer_tick().
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>

#include "tgt_priv.h"

/* The CQE's SQ head. With SQ flow control disabled (Connect cattr bit 2)
 * the successful Connect answers 0xffff and later CQEs leave it 0, as
 * nvmet does (fabrics-cmd.c nvmet_install_queue, core.c
 * __nvmet_req_complete). */
uint16_t tgt_cqe_sq_head(const struct sq *sq, const struct nvmet_fc_req *req, uint16_t status)
{
	if (!sq->sqhd_disabled)
		return sq->sqhd;
	if (!status && req->cmd->common.opcode == nvme_fabrics_command &&
	    req->cmd->fabrics.fctype == nvme_fabrics_type_connect)
		return 0xffff;
	return 0;
}

/* [hwq] Fill the CQE with status and give the request back. */
void tgt_req_complete(struct nvmet_fc_req *req, uint16_t status)
{
	struct sq *sq = req_ctx(req)->sq;

	tgt_stats_io_response(req, req_ctx(req)->nsid, status);
	req->cqe->status = htole16((uint16_t)(status << 1));
	req->cqe->sq_id = htole16(req->qid);
	req->cqe->command_id = req->cmd->common.command_id;
	req->cqe->sq_head = htole16(tgt_cqe_sq_head(sq, req, status));
	tgt_req_release(req);
	req->queue_response(req);
}

/* [hwq] The request no longer uses its namespace: release a namespace
 * drain (removal, hiding, Preempt and Abort) waiting for it. */
static void tgt_req_ns_put(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);
	struct sq *sq = rc->sq;

	if (rc->nsid && !--sq->ns[rc->nsid].inflight[rc->ns_epoch] && sq->barriers)
		ns_sq_completed(sq, rc->nsid);
	rc->nsid = 0;
}

/* [hwq] The request is done with its queue and namespace: count it and
 * release a namespace drain waiting for it; a zero-copy Read keeps its
 * namespace until tgt_req_data_done. */
void tgt_req_release(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);

	rc->sq->completed++;
	if (!rc->data_ref)
		tgt_req_ns_put(req);
}

int tgt_req_data_ref(struct nvmet_fc_req *req, const void *addr, uint64_t len)
{
	int rc;

	if (len > UINT32_MAX)
		return -EINVAL;
	rc = nvmet_fc_req_data_ref(req, addr, (uint32_t)len);
	if (!rc)
		req_ctx(req)->data_ref = true;
	return rc;
}

/* [hwq] The transport's req_data_done: the backend's memory is no longer
 * read, the namespace may go. */
void tgt_req_data_done(void *core, struct nvmet_fc_req *req)
{
	(void)core;
	if (!req_ctx(req)->data_ref)
		return;
	req_ctx(req)->data_ref = false;
	tgt_req_ns_put(req);
}

/* [hwq] A backend finished an asynchronous operation (for a Dataset
 * Management command: one of its ranges). */
void tgt_req_io_done(struct nvmet_fc_req *req, uint16_t status)
{
	if (req_ctx(req)->flags == BE_DISCARD)
		cmd_io_dsm_continue(req, status);
	else if (req_ctx(req)->flags == BE_COMPARE_WRITE)
		cmd_fused_done(req, status);
	else
		tgt_req_complete(req, status);
}

static void tgt_req_complete_on_hwq(void *arg)
{
	struct nvmet_fc_req *req = arg;

	tgt_req_complete(req, req_ctx(req)->status);
}

/* [ctl] Post the completion of req to its hwq thread. */
void tgt_req_complete_from_ctl(struct nvmet_fc_req *req, uint16_t status)
{
	struct sq *sq = req_ctx(req)->sq;
	struct tgt *t = sq->t;

	req_ctx(req)->status = status;
	if (tgt_port_run_on_hwq(sq->port, t, req->hwqid, tgt_req_complete_on_hwq, req)) {
		req_ctx(req)->aux2 = (uint64_t)(uintptr_t)t->cpl_retry;
		t->cpl_retry = req;
	}
}
