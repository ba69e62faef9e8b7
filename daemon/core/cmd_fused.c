// SPDX-License-Identifier: Apache-2.0
/*
 * Fused Compare and Write (NVMe Base 2.0 §3.4.2 "Fused Operations", NVM
 * Command Set 1.0 §3.2.1 Compare): a Compare with FUSE 01b followed, as the
 * very next command of the same queue, by a Write with FUSE 10b on the same
 * LBA range. The namespace's store compares and, only when the data
 * matches, writes, atomically against every other writer (VMware's ATS
 * locking relies on it). Offered only where the backend can do that
 * (backend_ops.compare_write: rbd, through librbd's compare_and_write).
 *
 * A queue's commands all run on its I/O thread, so the pairing is per
 * queue and needs no lock: the first waits in sq->fused_first until the
 * next command arrives. Each half may get its data (execute) in either
 * order; the pair goes to the backend once both have. Outcomes:
 *   - match: both succeed;
 *   - miscompare: Compare Failure for the first, Command Aborted due to
 *     Failed Fused Command for the second;
 *   - the next command is not the matching second (or none comes before
 *     the queue stops): the first ends with Missing Fused Command (or SQ
 *     Deletion); a second without a first ends with Missing Fused Command;
 *   - a half that fails before running (range, parse, transfer abort):
 *     its partner ends with Failed Fused Command.
 * [hwq]
 */
#include <endian.h>

#include "tgt_priv.h"

static struct nvmet_fc_req *fused_partner(struct nvmet_fc_req *req)
{
	return (struct nvmet_fc_req *)(uintptr_t)req_ctx(req)->aux;
}

const void *tgt_req_fused_cmp(struct nvmet_fc_req *req)
{
	struct nvmet_fc_req *first = fused_partner(req);

	return first ? first->data : NULL;
}

/* req will not run: it completes with status once its data arrived
 * (completing it earlier would race the transport's data transfer). */
static void fused_fail(struct nvmet_fc_req *req, uint16_t status)
{
	struct req_ctx *rc = req_ctx(req);

	rc->aux = 0;
	if (rc->fused & RC_FUSED_READY)
		tgt_req_complete(req, status);
	else
		rc->fused_status = status;
}

/* [hwq] A command other than the awaited second arrived on sq (or sq
 * stops): the waiting first has lost its partner. */
void cmd_fused_orphan(struct sq *sq, uint16_t status)
{
	struct nvmet_fc_req *first = sq->fused_first;

	if (!first)
		return;
	sq->fused_first = NULL;
	fused_fail(first, status);
}

static bool fused_same_range(const struct nvme_rw_command *a, const struct nvme_rw_command *b)
{
	return a->nsid == b->nsid && a->slba == b->slba && a->length == b->length;
}

/* [hwq] After cmd_io_parse accepted a fused command (rc->ns set): pair it.
 * The first must be a Compare on a namespace that can compare and write
 * atomically; the second a Write of the same range right after it. */
uint16_t cmd_fused_parse(struct nvmet_fc_req *req, uint8_t fuse)
{
	struct req_ctx *rc = req_ctx(req);
	struct sq *sq = rc->sq;
	struct nvmet_fc_req *first = sq->fused_first;

	if (fuse == NVME_CMD_FUSE_FIRST) {
		if (req->cmd->common.opcode != nvme_cmd_compare || !rc->ns->be->ops->compare_write)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		rc->fused = RC_FUSED_FIRST;
		sq->fused_first = req;
	} else {
		if (!first)
			return NVME_SC_FUSED_MISSING | NVME_SC_DNR;
		if (req->cmd->common.opcode != nvme_cmd_write ||
		    !fused_same_range(&first->cmd->rw, &req->cmd->rw)) {
			cmd_fused_orphan(sq, NVME_SC_FUSED_FAIL | NVME_SC_DNR);
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		}
		sq->fused_first = NULL;
		rc->fused = RC_FUSED_SECOND;
		rc->aux = (uint64_t)(uintptr_t)first;
		req_ctx(first)->aux = (uint64_t)(uintptr_t)req;
		rc->flags = BE_COMPARE_WRITE;
	}
	req->execute = cmd_fused_execute;
	return 0;
}

/* [hwq] A half's data arrived. Once both have, the pair runs as one
 * backend operation, submitted with the second (its data is written). */
void cmd_fused_execute(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);
	struct nvmet_fc_req *other = fused_partner(req), *second;
	struct ns *ns = rc->ns;
	uint16_t status;

	rc->fused |= RC_FUSED_READY;
	if (rc->fused_status) {
		tgt_req_complete(req, (uint16_t)rc->fused_status);
		return;
	}
	if (!other || !(req_ctx(other)->fused & RC_FUSED_READY))
		return; /* its partner has not arrived or has no data yet */
	second = rc->fused & RC_FUSED_SECOND ? req : other;
	cmd_io_account(rc->sq, rc->nsid, BE_COMPARE, req_ctx(second)->len);
	cmd_io_account(rc->sq, rc->nsid, BE_COMPARE_WRITE, req_ctx(second)->len);
	status = ns->be->ops->submit(ns->be, second, BE_COMPARE_WRITE, req_ctx(second)->offset,
				     req_ctx(second)->len);
	if (status != BE_PENDING)
		cmd_fused_done(second, status);
}

/* [hwq] The backend finished the pair (called with the second). */
void cmd_fused_done(struct nvmet_fc_req *second, uint16_t status)
{
	struct nvmet_fc_req *first = fused_partner(second);

	req_ctx(second)->aux = 0;
	req_ctx(first)->aux = 0;
	tgt_req_complete(first, status);
	tgt_req_complete(second, status ? NVME_SC_FUSED_FAIL : NVME_SC_SUCCESS);
}

/* [hwq] The transport will not execute req (its data never arrived):
 * its partner, if any, cannot run either. */
void cmd_fused_abort(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);
	struct nvmet_fc_req *other = fused_partner(req);

	if (rc->sq->fused_first == req)
		rc->sq->fused_first = NULL;
	if (other)
		fused_fail(other, NVME_SC_FUSED_FAIL | NVME_SC_DNR);
	rc->aux = 0;
}
