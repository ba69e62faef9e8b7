// SPDX-License-Identifier: Apache-2.0
/*
 * I/O commands: Read, Write, Compare, Flush, Write Zeroes and Dataset
 * Management (reservation commands: resv.c; fused Compare and Write:
 * cmd_fused.c). Parsing validates everything (controller ready, namespace
 * visible on this queue, ANA state of the path, write protection,
 * reservation conflicts (resv_io.c), MDTS, transfer length, LBA range) and
 * picks the backend operation; execution submits it to the namespace's
 * backend, which completes at once or later from the thread's poll. Runs
 * on the queue's I/O thread, without locks or allocation. [hwq]
 */
#include <endian.h>
#include <string.h>

#include "tgt_priv.h"

static void io_stat_add(_Atomic uint64_t *c, uint64_t v)
{
	/* Single writer: no read-modify-write bus lock needed. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

void cmd_io_account(struct sq *sq, uint32_t nsid, enum backend_op op, uint64_t len)
{
	struct sq_ns *v = &sq->ns[nsid];

	switch (op) {
	case BE_READ:
	case BE_COMPARE:
		io_stat_add(&v->st[NS_ST_READS], 1);
		io_stat_add(&v->st[NS_ST_RBYTES], len);
		tgt_stats_io_bytes(sq, false, len);
		break;
	case BE_WRITE:
	case BE_WRITE_FUA:
	case BE_COMPARE_WRITE: /* the Write half */
		io_stat_add(&v->st[NS_ST_WRITES], 1);
		io_stat_add(&v->st[NS_ST_WBYTES], len);
		tgt_stats_io_bytes(sq, true, len);
		break;
	default:
		break;
	}
}

static void io_execute(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);
	struct ns *ns = rc->ns;
	uint16_t status;

	cmd_io_account(rc->sq, rc->nsid, (enum backend_op)rc->flags, rc->len);
	status = ns->be->ops->submit(ns->be, req, (enum backend_op)rc->flags, rc->offset, rc->aux2);
	if (status != BE_PENDING)
		tgt_req_complete(req, status);
}

static bool io_range_ok(const struct ns *ns, uint64_t slba, uint64_t nlb);

/* [hwq] Deallocate the ranges of a DSM command from index rc->aux2 on, one
 * at a time; a backend that answers BE_PENDING continues the command from
 * tgt_req_io_done() through cmd_io_dsm_continue(). */
static void io_dsm_next(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);
	struct ns *ns = rc->ns;
	const struct nvme_dsm_range *r = req->data;
	uint32_t nr = (uint32_t)rc->aux;
	uint16_t status = NVME_SC_SUCCESS;

	while (rc->aux2 < nr && !status) {
		struct nvme_dsm_range range;

		memcpy(&range, &r[rc->aux2++], sizeof(range));
		if (!le32toh(range.nlb))
			continue;
		status = ns->be->ops->submit(ns->be, req, BE_DISCARD,
					     le64toh(range.slba) << ns->lba_shift,
					     (uint64_t)le32toh(range.nlb) << ns->lba_shift);
		if (status == BE_PENDING)
			return;
	}
	tgt_req_complete(req, status);
}

/* [hwq] One range of a DSM command finished asynchronously. */
void cmd_io_dsm_continue(struct nvmet_fc_req *req, uint16_t status)
{
	if (status)
		tgt_req_complete(req, status);
	else
		io_dsm_next(req);
}

static void io_execute_dsm(struct nvmet_fc_req *req)
{
	struct req_ctx *rc = req_ctx(req);
	struct ns *ns = rc->ns;
	const struct nvme_dsm_range *r = req->data;
	uint32_t i, nr = (uint32_t)rc->aux;

	for (i = 0; i < nr; i++) {
		struct nvme_dsm_range range;

		memcpy(&range, &r[i], sizeof(range));
		if (!io_range_ok(ns, le64toh(range.slba), le32toh(range.nlb))) {
			tgt_req_complete(req, NVME_SC_LBA_RANGE | NVME_SC_DNR);
			return;
		}
	}
	rc->aux2 = 0;
	io_dsm_next(req);
}

/* [hwq] Whether ns has reservations on and one of them refuses this host
 * the access (the pointer loaded once: it may go NULL meanwhile). */
static bool io_resv_conflict(struct ns *ns, const uint8_t hostid[16], bool write)
{
	struct ns_resv *r = atomic_load_explicit(&ns->resv, memory_order_acquire);

	return r && resv_io_conflict(&r->snap, hostid, write);
}

static uint16_t io_ana_status(const struct sq *sq, const struct ns *ns)
{
	switch (ana_state(sq->port, atomic_load_explicit(&ns->anagrpid, memory_order_relaxed))) {
	case NVME_ANA_INACCESSIBLE:
		return NVME_SC_ANA_INACCESSIBLE;
	case NVME_ANA_PERSISTENT_LOSS:
		return NVME_SC_ANA_PERSISTENT_LOSS;
	case NVME_ANA_CHANGE:
		return NVME_SC_ANA_TRANSITION;
	default:
		return NVME_SC_SUCCESS;
	}
}

static bool io_range_ok(const struct ns *ns, uint64_t slba, uint64_t nlb)
{
	uint64_t n = atomic_load_explicit(&ns->nblocks, memory_order_acquire);

	return slba < n && nlb <= n - slba;
}

static uint16_t io_parse_rw(struct nvmet_fc_req *req, struct ns *ns, enum backend_op op)
{
	const struct nvme_rw_command *rw = &req->cmd->rw;
	struct req_ctx *rc = req_ctx(req);
	uint64_t slba = le64toh(rw->slba);
	uint64_t nlb = (uint64_t)le16toh(rw->length) + 1;
	uint64_t len = nlb << ns->lba_shift;

	if (len > rc->sq->max_data_len)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	if (req->transfer_len != len)
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	if (!io_range_ok(ns, slba, nlb))
		return NVME_SC_LBA_RANGE | NVME_SC_DNR;
	if (op == BE_WRITE && (le16toh(rw->control) & NVME_RW_FUA))
		op = BE_WRITE_FUA;
	rc->flags = (uint8_t)op;
	rc->offset = slba << ns->lba_shift;
	rc->len = (uint32_t)len;
	rc->aux2 = len;
	req->execute = io_execute;
	return 0;
}

static uint16_t io_parse_flush(struct nvmet_fc_req *req, struct ns *ns)
{
	struct req_ctx *rc = req_ctx(req);

	(void)ns;
	if (req->transfer_len)
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	rc->flags = BE_FLUSH;
	req->execute = io_execute;
	return 0;
}

static uint16_t io_parse_write_zeroes(struct nvmet_fc_req *req, struct ns *ns)
{
	const struct nvme_rw_command *rw = &req->cmd->rw;
	struct req_ctx *rc = req_ctx(req);
	uint64_t slba = le64toh(rw->slba);
	uint64_t nlb = (uint64_t)le16toh(rw->length) + 1;

	if (req->transfer_len)
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	if (!io_range_ok(ns, slba, nlb))
		return NVME_SC_LBA_RANGE | NVME_SC_DNR;
	rc->flags = BE_WRITE_ZEROES;
	rc->offset = slba << ns->lba_shift;
	rc->aux2 = nlb << ns->lba_shift;
	req->execute = io_execute;
	return 0;
}

static uint16_t io_parse_dsm(struct nvmet_fc_req *req, struct ns *ns)
{
	const struct nvme_common_command *cmd = &req->cmd->common;
	struct req_ctx *rc = req_ctx(req);
	uint32_t nr = (le32toh(cmd->cdw10) & 0xff) + 1;

	(void)ns;
	/* The ranges must fit in the data; more data is allowed, as nvmet's
	 * nvmet_check_data_len_lte() allows it: Linux's host always sends
	 * NVME_DSM_MAX_RANGES ranges' worth (4 KiB) whatever NR says. */
	if (req->transfer_len < nr * sizeof(struct nvme_dsm_range))
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	/* Without the deallocate attribute the hints need no action. The
	 * ranges arrive as the command's data, so execute checks them. */
	rc->aux = (le32toh(cmd->cdw11) & NVME_DSMGMT_AD) ? nr : 0;
	rc->flags = BE_DISCARD; /* asynchronous completions continue the ranges */
	req->execute = io_execute_dsm;
	return 0;
}

/* [hwq] Parse an I/O command. */
uint16_t cmd_io_parse(struct nvmet_fc_req *req)
{
	const struct nvme_common_command *cmd = &req->cmd->common;
	struct req_ctx *rc = req_ctx(req);
	struct sq *sq = rc->sq;
	struct ctrl *c = atomic_load_explicit(&sq->ctrl, memory_order_acquire);
	uint32_t nsid = le32toh(cmd->nsid);
	struct ns *ns;
	uint16_t status;

	if (!atomic_load_explicit(&c->ready, memory_order_acquire))
		return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	ctrl_ka_traffic(c);
	if (!nsid || nsid > TGT_MAX_NSID || !(ns = sq->ns[nsid].ns))
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	status = io_ana_status(sq, ns);
	if (status)
		return status;
	switch (cmd->opcode) {
	case nvme_cmd_read:
	case nvme_cmd_compare:
		if (io_resv_conflict(ns, c->hostid, false))
			return NVME_SC_RESERVATION_CONFLICT;
		status = io_parse_rw(req, ns, cmd->opcode == nvme_cmd_read ? BE_READ : BE_COMPARE);
		break;
	case nvme_cmd_resv_register:
	case nvme_cmd_resv_report:
	case nvme_cmd_resv_acquire:
	case nvme_cmd_resv_release:
		status = resv_parse(req, ns);
		break;
	case nvme_cmd_write:
	case nvme_cmd_write_zeroes:
	case nvme_cmd_dsm:
		if (atomic_load_explicit(&ns->readonly, memory_order_relaxed))
			return NVME_SC_NS_WRITE_PROTECTED | NVME_SC_DNR;
		if (io_resv_conflict(ns, c->hostid, true))
			return NVME_SC_RESERVATION_CONFLICT;
		if (cmd->opcode == nvme_cmd_write)
			status = io_parse_rw(req, ns, BE_WRITE);
		else if (cmd->opcode == nvme_cmd_write_zeroes)
			status = io_parse_write_zeroes(req, ns);
		else
			status = io_parse_dsm(req, ns);
		break;
	case nvme_cmd_flush: /* of the write group (§8.19.7) */
		if (io_resv_conflict(ns, c->hostid, true))
			return NVME_SC_RESERVATION_CONFLICT;
		status = io_parse_flush(req, ns);
		break;
	default:
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	}
	if (status)
		return status;
	rc->ns = ns;
	if (cmd->flags & NVME_CMD_FUSE_MASK) {
		status = cmd_fused_parse(req, cmd->flags & NVME_CMD_FUSE_MASK);
		if (status)
			return status;
	}
	rc->nsid = nsid;
	rc->ns_epoch = sq->ns[nsid].epoch;
	sq->ns[nsid].inflight[rc->ns_epoch]++;
	return 0;
}
