// SPDX-License-Identifier: Apache-2.0
/*
 * The reservation features (NVMe Base 2.0 §5.27.1.21-22): Reservation
 * Notification Mask (82h; namespace specific, kept per controller and
 * namespace: Set for a namespace with reservations the controller sees,
 * or for all of them with NSID FFFFFFFFh; Get for one namespace) and
 * Reservation Persistence (83h; a namespace's PTPL, the same state
 * Reservation Register's CPTPL changes, persisted by resv_ptpl.c). [ctl]
 */
#include <endian.h>

#include "tgt_priv.h"

#define RESV_MASK_BITS                                                          \
	((1u << NVME_RESV_LOG_REG_PREEMPTED) | (1u << NVME_RESV_LOG_RELEASED) | \
	 (1u << NVME_RESV_LOG_PREEMPTED))

/* The namespace the command names, if it has reservations and c sees it;
 * NULL also for FFFFFFFFh (*all set). */
static struct ns *resv_feat_ns(struct nvmet_fc_req *req, struct ctrl *c, bool *all)
{
	uint32_t nsid = le32toh(req->cmd->common.nsid);
	struct ns *ns;

	*all = nsid == 0xffffffff;
	if (!nsid || nsid > TGT_MAX_NSID)
		return NULL;
	ns = ns_find(c->subsys, nsid);
	return ns && ns->resv && ns_visible(ns, c) ? ns : NULL;
}

/* [ctl] Set Features 82h or 83h. */
uint16_t resv_feat_set(struct nvmet_fc_req *req, struct ctrl *c, uint8_t fid)
{
	uint32_t cdw11 = le32toh(req->cmd->common.cdw11);
	bool all, was;
	struct ns *ns = resv_feat_ns(req, c, &all);
	int rc;

	if (fid == NVME_FEAT_RESV_MASK) {
		if ((!ns && !all) || (cdw11 & ~RESV_MASK_BITS))
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		if (ns) {
			c->resv_mask[ns->nsid - 1] = (uint8_t)cdw11;
			return NVME_SC_SUCCESS;
		}
		for (ns = c->subsys->ns_list; ns; ns = ns->next)
			if (ns->resv && ns_visible(ns, c))
				c->resv_mask[ns->nsid - 1] = (uint8_t)cdw11;
		return NVME_SC_SUCCESS;
	}
	if (!ns || !ns->t->state_dir)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	was = ns->resv->ptpl;
	ns->resv->ptpl = cdw11 & 1;
	if (ns->resv->ptpl)
		rc = resv_ptpl_save(ns, NULL, 0);
	else
		rc = was ? resv_ptpl_forget(ns) : 0;
	return rc ? NVME_SC_INTERNAL : NVME_SC_SUCCESS;
}

/* [ctl] Get Features 82h or 83h. */
uint16_t resv_feat_get(struct nvmet_fc_req *req, struct ctrl *c, uint8_t fid)
{
	bool all;
	struct ns *ns = resv_feat_ns(req, c, &all);

	/* a namespace's mask only: FFFFFFFFh (all) names none */
	if (fid == NVME_FEAT_RESV_MASK) {
		if (!ns)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		cmd_set_result(req, c->resv_mask[ns->nsid - 1]);
		return NVME_SC_SUCCESS;
	}
	if (!ns)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	cmd_set_result(req, ns->resv->ptpl);
	return NVME_SC_SUCCESS;
}

/* [ctl] Namespace nsid of s is removed: a namespace added later under its
 * NSID starts with every notification unmasked on every controller. */
void resv_feat_forget(struct subsys *s, uint32_t nsid)
{
	struct ctrl *c;

	for (c = s->ctrls; c; c = c->next)
		c->resv_mask[nsid - 1] = 0;
}
