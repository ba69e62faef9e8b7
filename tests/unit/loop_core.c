// SPDX-License-Identifier: Apache-2.0
/*
 * A small fake NVMe target core for the loop LLDD: enough of nvmet to bring
 * up an association and move data (Connect, Property Get/Set of CAP, VS,
 * CC, CSTS, Identify controller/namespace/active list, Set Features Number
 * of Queues, Keep Alive, the discovery, effects and ANA logs, Read, Write,
 * Flush, Write Zeroes, Dataset Management) over one 2 MiB RAM namespace,
 * with a per-opcode failure knob.
 * Commands execute inline and complete through req->queue_response.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include <fcnvme/nvme.h>

#include "loop_lldd.h"

#define LOOP_CORE_MAX_SQ   64
#define LOOP_CORE_MAX_CTRL 8

struct loop_cctrl {
	bool used;
	uint16_t cntlid;
	uint64_t assoc_id;
	uint32_t cc;
	uint32_t csts;
	bool disc; /* reached through the discovery NQN */
};

struct loop_csq {
	struct loop_core *core;
	struct nvmet_fc_sq *fc_sq;
	uint64_t assoc_id;
	uint16_t qid;
	uint16_t sqsize;
	uint32_t sqhd;
	struct loop_cctrl *ctrl;
	bool destroyed;
	struct loop_csq *all_next; /* every sq ever created */
};

struct loop_core {
	char subnqn[256];
	char traddr[64];
	uint8_t *ns;
	struct loop_core_stats st;
	struct loop_cctrl ctrls[LOOP_CORE_MAX_CTRL];
	struct loop_csq *sqs[LOOP_CORE_MAX_SQ]; /* live ones */
	struct loop_csq *all;			/* freed with the core */
};

static struct loop_cctrl *loop_core_find_ctrl(struct loop_core *core, uint64_t assoc_id)
{
	unsigned int i;

	for (i = 0; i < LOOP_CORE_MAX_CTRL; i++)
		if (core->ctrls[i].used && core->ctrls[i].assoc_id == assoc_id)
			return &core->ctrls[i];
	return NULL;
}

static int loop_core_sq_create(void *corep, const struct nvmet_fc_sq_info *info, void **core_sq)
{
	struct loop_core *core = corep;
	struct loop_csq *sq;
	unsigned int i;

	for (i = 0; i < LOOP_CORE_MAX_SQ; i++)
		if (!core->sqs[i])
			break;
	if (i == LOOP_CORE_MAX_SQ)
		return -ENOSPC;
	sq = calloc(1, sizeof(*sq));
	if (!sq)
		return -ENOMEM;
	sq->core = core;
	sq->fc_sq = info->fc_sq;
	sq->assoc_id = info->association_id;
	sq->qid = info->qid;
	sq->sqsize = info->sqsize;
	core->sqs[i] = sq;
	sq->all_next = core->all;
	core->all = sq;
	core->st.sq_creates++;
	*core_sq = sq;
	return 0;
}

static void loop_core_sq_destroy(void *corep, void *core_sq)
{
	struct loop_core *core = corep;
	struct loop_csq *sq = core_sq;
	unsigned int i;

	/* kept allocated until the core goes, so a second destroy of the
	 * same queue is counted instead of corrupting memory */
	if (sq->destroyed) {
		core->st.double_destroys++;
		return;
	}
	sq->destroyed = true;
	for (i = 0; i < LOOP_CORE_MAX_SQ; i++)
		if (core->sqs[i] == sq)
			core->sqs[i] = NULL;
	if (sq->qid == 0 && sq->ctrl)
		memset(sq->ctrl, 0, sizeof(*sq->ctrl));
	core->st.sq_destroys++;
}

static void loop_core_complete(struct nvmet_fc_req *req, uint16_t status, uint64_t result)
{
	struct loop_csq *sq = req->core_sq;
	struct nvme_completion *cqe = req->cqe;

	sq->sqhd = (sq->sqhd + 1) % ((uint32_t)sq->sqsize + 1);
	cqe->result.u64 = htole64(result);
	cqe->sq_head = htole16((uint16_t)sq->sqhd);
	cqe->sq_id = htole16(sq->qid);
	cqe->command_id = req->cmd->common.command_id;
	cqe->status = htole16((uint16_t)(status << 1));
}

static void loop_put16(uint8_t *b, size_t off, uint16_t v)
{
	v = htole16(v);
	memcpy(b + off, &v, 2);
}

static void loop_put32(uint8_t *b, size_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(b + off, &v, 4);
}

static void loop_put64(uint8_t *b, size_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(b + off, &v, 8);
}

static uint16_t loop_core_connect(struct loop_csq *sq, struct nvmet_fc_req *req, uint64_t *res)
{
	struct loop_core *core = sq->core;
	const struct nvmf_connect_data *d = req->data;
	unsigned int i;

	if (req->transfer_len < sizeof(*d))
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	core->st.connects++;
	if (strncmp(d->subsysnqn, core->subnqn, sizeof(d->subsysnqn)) &&
	    (sq->qid || strncmp(d->subsysnqn, LOOP_DISC_NQN, sizeof(d->subsysnqn)))) {
		/* the offending field, as the daemon's core says it (IATTR 1: data) */
		*res = (1u << 16) | offsetof(struct nvmf_connect_data, subsysnqn);
		return NVME_SC_CONNECT_INVALID_PARAM | NVME_SC_DNR;
	}
	if (sq->qid == 0) {
		for (i = 0; i < LOOP_CORE_MAX_CTRL; i++)
			if (!core->ctrls[i].used)
				break;
		if (i == LOOP_CORE_MAX_CTRL)
			return NVME_SC_CONNECT_CTRL_BUSY;
		core->ctrls[i].used = true;
		core->ctrls[i].disc = !strncmp(d->subsysnqn, LOOP_DISC_NQN, sizeof(d->subsysnqn));
		core->ctrls[i].cntlid = (uint16_t)(i + 1);
		core->ctrls[i].assoc_id = sq->assoc_id;
		sq->ctrl = &core->ctrls[i];
	} else {
		sq->ctrl = loop_core_find_ctrl(core, sq->assoc_id);
		if (!sq->ctrl || le16toh(d->cntlid) != sq->ctrl->cntlid) {
			*res = (1u << 16) | offsetof(struct nvmf_connect_data, cntlid);
			return NVME_SC_CONNECT_INVALID_PARAM | NVME_SC_DNR;
		}
	}
	*res = sq->ctrl->cntlid;
	return 0;
}

static uint16_t loop_core_fabrics(struct loop_csq *sq, struct nvmet_fc_req *req, uint64_t *res)
{
	const struct nvme_command *c = req->cmd;
	struct loop_cctrl *ctrl = sq->ctrl;

	if (c->fabrics.fctype == nvme_fabrics_type_connect)
		return loop_core_connect(sq, req, res);
	if (!ctrl || sq->qid)
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	if (c->fabrics.fctype == nvme_fabrics_type_property_get) {
		switch (le32toh(c->prop_get.offset)) {
		case NVME_REG_CAP:
			*res = 1023ull | (1ull << 16) | (1ull << 24) | (1ull << 37);
			return 0;
		case NVME_REG_VS:
			*res = NVME_VS(1, 3, 0);
			return 0;
		case NVME_REG_CC:
			*res = ctrl->cc;
			return 0;
		case NVME_REG_CSTS:
			*res = ctrl->csts;
			return 0;
		default:
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		}
	}
	if (c->fabrics.fctype == nvme_fabrics_type_property_set) {
		if (le32toh(c->prop_set.offset) != NVME_REG_CC)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		ctrl->cc = (uint32_t)le64toh(c->prop_set.value);
		ctrl->csts = (ctrl->cc & NVME_CC_ENABLE) ? NVME_CSTS_RDY : 0;
		return 0;
	}
	return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
}

static uint16_t loop_core_identify(struct loop_csq *sq, struct nvmet_fc_req *req)
{
	uint8_t *b = req->data;
	uint8_t cns = (uint8_t)le32toh(req->cmd->common.cdw10);

	if (req->transfer_len < 4096)
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	memset(b, 0, 4096);
	switch (cns) {
	case 1:
		loop_put16(b, 0, 0x1b36);
		memcpy(b + 4, "LOOP0001            ", 20);
		memcpy(b + 24, "nvmetfcd loop fake core                 ", 40);
		memcpy(b + 64, "0.1     ", 8);
		b[77] = sq->core->st.mdts; /* MDTS */
		loop_put16(b, 78, sq->ctrl ? sq->ctrl->cntlid : 0);
		loop_put32(b, 80, NVME_VS(1, 3, 0));
		loop_put16(b, 320, 10); /* KAS */
		b[512] = 0x66;
		b[513] = 0x44;
		loop_put16(b, 514, 128);  /* MAXCMD */
		loop_put32(b, 516, 1);	  /* NN */
		loop_put16(b, 520, 0x0c); /* ONCS: DSM, WZ */
		b[525] = 1;		  /* VWC */
		loop_put32(b, 536, 1);	  /* SGLS */
		if (sq->ctrl && sq->ctrl->disc) {
			b[111] = 2; /* CNTRLTYPE: discovery */
			snprintf((char *)b + 768, 256, "%s", LOOP_DISC_NQN);
		} else {
			b[111] = 1; /* CNTRLTYPE: I/O */
			snprintf((char *)b + 768, 256, "%s", sq->core->subnqn);
		}
		loop_put32(b, 1792, 4);
		loop_put32(b, 1796, 1);
		b[1803] = 1; /* MSDBD */
		return 0;
	case 0:
		if (le32toh(req->cmd->common.nsid) != 1)
			return NVME_SC_INVALID_NS | NVME_SC_DNR;
		loop_put64(b, 0, LOOP_NS_BLOCKS);
		loop_put64(b, 8, LOOP_NS_BLOCKS);
		loop_put64(b, 16, LOOP_NS_BLOCKS);
		b[130] = 9; /* LBAF0: 512 */
		return 0;
	case 2:
		loop_put32(b, 0, 1);
		return 0;
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
}

/* Commands Supported and Effects (05h): the commands it serves; ANA
 * (0Ch): group 1 optimized with namespace 1 (for tests that advertise
 * ANA reporting through a patched Identify). */
static uint16_t loop_core_small_log(struct nvmet_fc_req *req, uint8_t lid)
{
	static const uint8_t admin[] = { 0x02, 0x06, 0x09, 0x18 }, io[] = { 0x00, 0x01, 0x02 };
	uint8_t log[4096];
	size_t len, i;

	memset(log, 0, sizeof(log));
	if (lid == 0x05) {
		for (i = 0; i < sizeof(admin); i++)
			loop_put32(log, 4u * admin[i], 1);
		for (i = 0; i < sizeof(io); i++)
			loop_put32(log, 1024 + 4u * io[i], 1);
		len = 4096;
	} else {
		loop_put16(log, 8, 1);	/* ngrps */
		loop_put32(log, 16, 1); /* grpid */
		loop_put32(log, 20, 1); /* nnsids */
		log[32] = 0x01;		/* optimized */
		loop_put32(log, 48, 1); /* nsid 1 */
		len = 52;
	}
	memset(req->data, 0, req->transfer_len);
	memcpy(req->data, log, len < req->transfer_len ? len : req->transfer_len);
	return 0;
}

/* The discovery log: one NVM subsystem entry at the core's traddr. */
static uint16_t loop_core_disc_log(struct loop_csq *sq, struct nvmet_fc_req *req)
{
	const struct nvme_command *c = req->cmd;
	uint8_t log[2048], *e = log + 1024;
	uint64_t off = le32toh(c->common.cdw12) | ((uint64_t)le32toh(c->common.cdw13) << 32);
	uint8_t lid = le32toh(c->common.cdw10) & 0xff;

	if (lid == 0x05 || lid == 0x0c)
		return loop_core_small_log(req, lid);
	if (lid != 0x70)
		return NVME_SC_INVALID_LOG_PAGE | NVME_SC_DNR;
	memset(log, 0, sizeof(log));
	loop_put64(log, 0, 1); /* genctr */
	loop_put64(log, 8, 1); /* numrec */
	e[0] = 2;	       /* trtype fc */
	e[1] = 4;	       /* adrfam fc */
	e[2] = 2;	       /* NVM subsystem */
	loop_put16(e, 4, 1);   /* portid */
	loop_put16(e, 6, 0xffff);
	loop_put16(e, 8, 32);
	memset(e + 32, ' ', 32);
	memcpy(e + 32, "none", 4);
	snprintf((char *)e + 256, 256, "%s", sq->core->subnqn);
	memset(e + 512, ' ', 256);
	memcpy(e + 512, sq->core->traddr, strlen(sq->core->traddr));
	if (off >= sizeof(log))
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	memset(req->data, 0, req->transfer_len);
	memcpy(req->data, log + off,
	       sizeof(log) - off < req->transfer_len ? sizeof(log) - off : req->transfer_len);
	return 0;
}

static uint16_t loop_core_admin(struct loop_csq *sq, struct nvmet_fc_req *req, uint64_t *res)
{
	const struct nvme_command *c = req->cmd;
	uint32_t n;

	if (!sq->ctrl || !(sq->ctrl->csts & NVME_CSTS_RDY))
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	switch (c->common.opcode) {
	case nvme_admin_identify:
		return loop_core_identify(sq, req);
	case nvme_admin_get_log_page:
		return loop_core_disc_log(sq, req);
	case nvme_admin_keep_alive:
		sq->core->st.keep_alives++;
		return 0;
	case nvme_admin_set_features:
		if ((le32toh(c->common.cdw10) & 0xff) != 0x07)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		n = (le32toh(c->common.cdw11) & 0xffff) + 1;
		if (n > 4)
			n = 4;
		*res = (n - 1) | ((uint64_t)(n - 1) << 16);
		return 0;
	default:
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	}
}

static uint16_t loop_core_io(struct loop_csq *sq, struct nvmet_fc_req *req)
{
	const struct nvme_command *c = req->cmd;
	uint8_t *ns = sq->core->ns;
	uint64_t slba = le64toh(c->rw.slba);
	uint64_t nlb = (uint64_t)le16toh(c->rw.length) + 1;

	sq->core->st.io_cmds++;
	if (le32toh(c->common.nsid) != 1 && c->common.opcode != nvme_cmd_flush)
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	switch (c->common.opcode) {
	case nvme_cmd_flush:
	case nvme_cmd_dsm:
		return 0;
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_write_zeroes:
		if (slba + nlb > LOOP_NS_BLOCKS)
			return NVME_SC_LBA_RANGE | NVME_SC_DNR;
		break;
	default:
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	}
	if (c->common.opcode == nvme_cmd_write_zeroes) {
		memset(ns + slba * 512, 0, nlb * 512);
		return 0;
	}
	if (req->transfer_len != nlb * 512)
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	if (c->common.opcode == nvme_cmd_read) {
		struct loop_core_stats *st = &sq->core->st;

		memcpy(req->data, ns + slba * 512, nlb * 512);
		if (++st->reads == st->corrupt_read_at)
			((uint8_t *)req->data)[nlb * 256] ^= 0xff;
	} else
		memcpy(ns + slba * 512, req->data, nlb * 512);
	return 0;
}

static void loop_core_execute(struct nvmet_fc_req *req)
{
	struct loop_csq *sq = req->core_sq;
	struct loop_core_stats *st = &sq->core->st;
	const struct nvme_command *c = req->cmd;
	uint64_t res = 0;
	uint16_t status;

	if (st->fail_count && c->common.opcode == st->fail_opcode) {
		st->fail_count--;
		status = st->fail_status;
	} else if (c->common.opcode == nvme_fabrics_command) {
		status = loop_core_fabrics(sq, req, &res);
	} else if (sq->qid == 0) {
		status = loop_core_admin(sq, req, &res);
	} else {
		status = loop_core_io(sq, req);
	}
	loop_core_complete(req, status, res);
	req->queue_response(req);
}

static uint16_t loop_core_req_init(void *corep, struct nvmet_fc_req *req)
{
	(void)corep;
	if ((req->cmd->common.flags & NVME_CMD_SGL_ALL) != NVME_CMD_SGL_METABUF) {
		loop_core_complete(req, NVME_SC_INVALID_FIELD | NVME_SC_DNR, 0);
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
	req->execute = loop_core_execute;
	return 0;
}

static const struct nvmet_fc_core_ops loop_core_ops_tbl = {
	.sq_create = loop_core_sq_create,
	.sq_destroy = loop_core_sq_destroy,
	.req_init = loop_core_req_init,
};

/* The core ops to bind. */
const struct nvmet_fc_core_ops *loop_core_ops(void)
{
	return &loop_core_ops_tbl;
}

/* A fresh core serving subnqn with a zeroed namespace 1. */
struct loop_core *loop_core_new(const char *subnqn)
{
	struct loop_core *core = calloc(1, sizeof(*core));

	if (!core)
		return NULL;
	snprintf(core->subnqn, sizeof(core->subnqn), "%s", subnqn);
	core->ns = calloc(LOOP_NS_BLOCKS, 512);
	if (!core->ns) {
		free(core);
		return NULL;
	}
	core->st.fail_opcode = 0xffff;
	core->st.mdts = 8; /* 1 MiB */
	return core;
}

/* Free a core (its queues must be destroyed). */
void loop_core_free(struct loop_core *core)
{
	struct loop_csq *sq;

	if (!core)
		return;
	while ((sq = core->all)) {
		core->all = sq->all_next;
		free(sq);
	}
	free(core->ns);
	free(core);
}

/* Counters and failure knobs. */
struct loop_core_stats *loop_core_stats(struct loop_core *core)
{
	return &core->st;
}

/* Set the traddr the discovery log reports. */
void loop_core_set_traddr(struct loop_core *core, const char *traddr)
{
	snprintf(core->traddr, sizeof(core->traddr), "%s", traddr);
}

/* Namespace 1's bytes. */
uint8_t *loop_core_ns_data(struct loop_core *core)
{
	return core->ns;
}

/* Make the target delete every association (keep-alive expiry). */
void loop_core_kill_assocs(struct loop_core *core)
{
	unsigned int i;

	for (i = 0; i < LOOP_CORE_MAX_SQ; i++)
		if (core->sqs[i] && core->sqs[i]->qid == 0)
			nvmet_fc_sq_delete_assoc(core->sqs[i]->fc_sq);
}
