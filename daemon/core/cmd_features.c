// SPDX-License-Identifier: Apache-2.0
/*
 * Set Features and Get Features: Number of Queues, Keep Alive Timer,
 * Asynchronous Event Configuration, Volatile Write Cache, Host Identifier,
 * the reservation ones (resv_feat.c) and (Get only) Namespace Write
 * Protection Config; a discovery controller
 * has only the keep-alive and event ones. The features Linux's target
 * answers, as it answers them (drivers/nvme/target/admin-cmd.c,
 * nvmet_execute_get_features / nvmet_execute_set_features, and
 * discovery.c); the other mandatory ones (Arbitration, Power Management,
 * Temperature Threshold, Error Recovery, Interrupt Coalescing and
 * Configuration, Write Atomicity) are "#if 0" there and fail with
 * INVALID_FIELD, here too. Nothing is saveable. [ctl]
 */
#include <endian.h>
#include <string.h>

#include "tgt_priv.h"

/* Events a host may enable: those we send plus the SMART critical
 * warnings, which we never send but accept as nvmet's NVMET_AEN_CFG_ALL
 * does (drivers/nvme/target/nvmet.h); no firmware activation notices. */
#define AEN_CFG_SMART                                                                        \
	(NVME_SMART_CRIT_SPARE | NVME_SMART_CRIT_TEMPERATURE | NVME_SMART_CRIT_RELIABILITY | \
	 NVME_SMART_CRIT_MEDIA | NVME_SMART_CRIT_VOLATILE_MEMORY)
#define AEN_CFG_IO   (AEN_CFG_SMART | NVME_AEN_CFG_NS_ATTR | NVME_AEN_CFG_ANA_CHANGE)
#define AEN_CFG_DISC NVME_AEN_CFG_DISC_CHANGE

/* Get Namespace Write Protection Config: a read-only namespace is write
 * protected, as nvmet_get_feat_write_protect() reports it. */
static uint16_t feat_get_write_protect(struct nvmet_fc_req *req, struct ctrl *c)
{
	uint32_t nsid = le32toh(req->cmd->common.nsid);
	struct ns *ns = nsid && nsid <= TGT_MAX_NSID ? ns_find(c->subsys, nsid) : NULL;

	if (!ns || !ns_visible(ns, c))
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	cmd_set_result(req, ns->params.readonly ? NVME_NS_WRITE_PROTECT : NVME_NS_NO_WRITE_PROTECT);
	return NVME_SC_SUCCESS;
}

/* [ctl] Set Features. */
uint16_t cmd_set_features(struct nvmet_fc_req *req, struct ctrl *c)
{
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);
	uint32_t cdw11 = le32toh(req->cmd->common.cdw11);
	uint8_t fid = cdw10 & 0xff;
	bool disc = c->subsys->discovery;
	uint32_t nsqr, ncqr, n;

	if (cdw10 & (1u << 31))
		return NVME_SC_FEATURE_NOT_SAVEABLE | NVME_SC_DNR;
	switch (fid) {
	case NVME_FEAT_KATO:
		c->kato_ms = tgt_kato_round(cdw11);
		c->ka_deadline = clock_now_ms(c->t->clock) + c->kato_ms;
		cmd_set_result(req, 0);
		return NVME_SC_SUCCESS;
	case NVME_FEAT_ASYNC_EVENT:
		if (cdw11 & ~(disc ? AEN_CFG_DISC : AEN_CFG_IO))
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		c->aen_cfg = cdw11;
		cmd_set_result(req, cdw11);
		return NVME_SC_SUCCESS;
	default:
		break;
	}
	if (disc)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	switch (fid) {
	case NVME_FEAT_NUM_QUEUES:
		nsqr = cdw11 & 0xffff;
		ncqr = cdw11 >> 16;
		if (nsqr == 0xffff || ncqr == 0xffff)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		/* At most what the port's Create Connection LS accepts:
		 * a host that asks for more connects with fewer. */
		n = (nsqr > ncqr ? nsqr : ncqr) + 1;
		if (n > c->max_qid)
			n = c->max_qid;
		c->nr_io_queues = (uint16_t)n;
		cmd_set_result(req, (n - 1) | ((n - 1) << 16));
		return NVME_SC_SUCCESS;
	case NVME_FEAT_VOLATILE_WC:
		if (!subsys_write_cache(c->subsys))
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR; /* none to switch */
		c->vwc = cdw11 & 1;
		cmd_set_result(req, c->vwc);
		return NVME_SC_SUCCESS;
	case NVME_FEAT_HOST_ID:
		/* Fixed by the Connect on fabrics. */
		return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	case NVME_FEAT_RESV_MASK:
	case NVME_FEAT_RESV_PERSIST:
		return resv_feat_set(req, c, fid);
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
}

/* [ctl] Get Features. */
uint16_t cmd_get_features(struct nvmet_fc_req *req, struct ctrl *c)
{
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);
	uint32_t cdw11 = le32toh(req->cmd->common.cdw11);
	uint8_t fid = cdw10 & 0xff;
	bool disc = c->subsys->discovery;
	uint16_t status;

	switch (fid) {
	case NVME_FEAT_KATO:
		cmd_set_result(req, c->kato_ms);
		return NVME_SC_SUCCESS;
	case NVME_FEAT_ASYNC_EVENT:
		cmd_set_result(req, c->aen_cfg);
		return NVME_SC_SUCCESS;
	default:
		break;
	}
	if (disc)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	switch (fid) {
	case NVME_FEAT_NUM_QUEUES:
		cmd_set_result(req, (uint32_t)(c->nr_io_queues - 1) |
					    ((uint32_t)(c->nr_io_queues - 1) << 16));
		return NVME_SC_SUCCESS;
	case NVME_FEAT_VOLATILE_WC:
		cmd_set_result(req, c->vwc && subsys_write_cache(c->subsys));
		return NVME_SC_SUCCESS;
	case NVME_FEAT_HOST_ID:
		if (!(cdw11 & NVME_FEAT_HOST_ID_EXHID))
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		status = cmd_check_len(req, 16);
		if (status)
			return status;
		cmd_copy_out(req, c->hostid, 16);
		return NVME_SC_SUCCESS;
	case NVME_FEAT_WRITE_PROTECT:
		return feat_get_write_protect(req, c);
	case NVME_FEAT_RESV_MASK:
	case NVME_FEAT_RESV_PERSIST:
		return resv_feat_get(req, c, fid);
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
}
