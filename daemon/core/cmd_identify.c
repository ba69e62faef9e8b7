// SPDX-License-Identifier: Apache-2.0
/*
 * Identify: controller (I/O and discovery flavours), namespace, active
 * namespace list, namespace identification descriptors, and the I/O command
 * set variants (CNS 05h-08h), dispatched by CNS through a table. [ctl]
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "tgt_priv.h"

#define TGT_ANATT 10 /* seconds */

static void id_ctrl_common(struct ctrl *c, struct nvme_id_ctrl *id)
{
	struct subsys *s = c->subsys;

	tgt_copy_padded(id->sn, sizeof(id->sn), s->serial);
	tgt_copy_padded(id->mn, sizeof(id->mn), s->model);
	tgt_copy_padded(id->fr, sizeof(id->fr), s->firmware);
	/* The port's limit, which its transport enforces (Linux FC reports
	 * 0, no limit: admin-cmd.c, nvmet_execute_identify_ctrl). */
	id->mdts = c->mdts;
	id->cntlid = htole16(c->cntlid);
	id->ver = htole32(NVME_VS(2, 0, 0));
	id->ctratt = htole32(NVME_CTRL_ATTR_HID_128_BIT | NVME_CTRL_ATTR_TBKAS);
	id->aerl = TGT_AERL;
	id->lpa = NVME_CTRL_LPA_EXTENDED;
	id->elpe = TGT_ERR_LOG - 1;
	id->kas = htole16(TGT_KAS);
	/* The port's max_queue_size, so that a Linux host, which lowers its
	 * queue size to MAXCMD (host/fc.c, nvme_fc_create_association),
	 * never asks for more than the Create Connection LS accepts. */
	id->maxcmd = htole16((uint16_t)(c->mqes + 1u));
	id->sgls = htole32(NVME_CTRL_SGLS_SUPPORTED);
	snprintf(id->subnqn, sizeof(id->subnqn), "%s", s->nqn);
	id->msdbd = 1;
}

static void id_ctrl_io(struct ctrl *c, struct nvme_id_ctrl *id)
{
	uint32_t oui = c->subsys->ieee_oui;

	id_ctrl_common(c, id);
	id->rab = 6;
	id->ieee[0] = (uint8_t)oui;
	id->ieee[1] = (uint8_t)(oui >> 8);
	id->ieee[2] = (uint8_t)(oui >> 16);
	id->cmic = NVME_CTRL_CMIC_MULTI_PORT | NVME_CTRL_CMIC_MULTI_CTRL | NVME_CTRL_CMIC_ANA;
	id->oaes = htole32(NVME_CTRL_OAES_NS_ATTR | NVME_CTRL_OAES_ANA_CHANGE);
	id->cntrltype = NVME_CTRL_TYPE_IO;
	id->acl = 3;
	id->frmw = NVME_CTRL_FRMW_SLOT1_RO | (1u << 1);
	id->lpa |= NVME_CTRL_LPA_CMD_EFFECTS;
	id->anatt = TGT_ANATT;
	id->anacap = NVME_CTRL_ANACAP_OPT | NVME_CTRL_ANACAP_NON_OPT |
		     NVME_CTRL_ANACAP_INACCESSIBLE | NVME_CTRL_ANACAP_PERSISTENT_LOSS |
		     NVME_CTRL_ANACAP_CHANGE;
	id->anagrpmax = htole32(TGT_MAX_ANAGRP);
	id->nanagrpid = htole32(TGT_MAX_ANAGRP);
	id->sqes = (TGT_IOSQES << 4) | TGT_IOSQES;
	id->cqes = (TGT_IOCQES << 4) | TGT_IOCQES;
	id->nn = htole32(TGT_MAX_NSID);
	id->mnan = htole32(TGT_MAX_NSID);
	id->oncs = htole16(NVME_CTRL_ONCS_COMPARE | NVME_CTRL_ONCS_DSM |
			   NVME_CTRL_ONCS_WRITE_ZEROES | NVME_CTRL_ONCS_RESERVATIONS);
	/* Fused Compare and Write where every namespace's store does it
	 * atomically (rbd); a namespace that cannot refuses it anyway. */
	if (subsys_compare_write(c->subsys))
		id->fuses = htole16(NVME_CTRL_FUSES_COMPARE_WRITE);
	/* A write cache, flushed per namespace (no broadcast flush), unless
	 * every namespace writes through (rbd without its cache). */
	id->vwc = subsys_write_cache(c->subsys) ? NVME_CTRL_VWC_PRESENT | (2u << 1) : 0;
	id->ioccsz = htole32(sizeof(struct nvme_command) / 16);
	id->iorcsz = htole32(sizeof(struct nvme_completion) / 16);
	id->icdoff = 0;
	id->psd[0].max_power = htole16(0x9c4);
	id->psd[0].entry_lat = htole32(0x10);
	id->psd[0].exit_lat = htole32(0x4);
}

static void id_ctrl_disc(struct ctrl *c, struct nvme_id_ctrl *id)
{
	id_ctrl_common(c, id);
	id->oaes = htole32(NVME_CTRL_OAES_DISC_CHANGE);
	id->cntrltype = NVME_CTRL_TYPE_DISCOVERY;
}

static uint16_t id_ctrl(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	struct nvme_id_ctrl *id = req->data;

	(void)nsid;
	if (c->subsys->discovery)
		id_ctrl_disc(c, id);
	else
		id_ctrl_io(c, id);
	return NVME_SC_SUCCESS;
}

static struct ns *id_active_ns(struct ctrl *c, uint32_t nsid)
{
	struct ns *ns = ns_find(c->subsys, nsid);

	return ns && ns_visible(ns, c) ? ns : NULL;
}

static uint16_t id_ns(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	struct nvme_id_ns *id = req->data;
	struct ns *ns;
	uint64_t n;

	if (!nsid || nsid > TGT_MAX_NSID)
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	ns = id_active_ns(c, nsid);
	if (!ns)
		return NVME_SC_SUCCESS; /* inactive: all zeroes */
	n = atomic_load(&ns->nblocks);
	id->nsze = htole64(n);
	id->ncap = htole64(n);
	id->nuse = htole64(n);
	id->nsfeat = NVME_NS_FEAT_THIN;
	id->nlbaf = 0;
	id->flbas = 0;
	id->nmic = NVME_NS_NMIC_SHARED;
	/* every type (bits 1-6), IEKEY as of 1.3, PTPL with a state dir */
	if (ns->resv)
		id->rescap =
			0x7e | NVME_NS_RESCAP_IEK13 | (ns->t->state_dir ? NVME_NS_RESCAP_PTPL : 0);
	if (ns->be->zeroes_dealloc)
		id->dlfeat = NVME_NS_DLFEAT_READ_ZEROES | NVME_NS_DLFEAT_WRITE_ZEROES_DEALLOC;
	id->anagrpid = htole32(ns->params.anagrpid);
	if (ns->params.readonly)
		id->nsattr = NVME_NS_ATTR_RO;
	memcpy(id->nguid, ns->params.nguid, 16);
	memcpy(id->eui64, ns->params.eui64, 8);
	id->lbaf[0].ds = (uint8_t)ns->lba_shift;
	return NVME_SC_SUCCESS;
}

static uint16_t id_active_list(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	uint32_t *list = req->data;
	unsigned int n = 0;
	struct ns *ns;

	if (nsid >= 0xfffffffe)
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	for (ns = c->subsys->ns_list; ns && n < 1024; ns = ns->next)
		if (ns_visible(ns, c) && ns->nsid > nsid)
			list[n++] = htole32(ns->nsid);
	return NVME_SC_SUCCESS;
}

static size_t id_desc(uint8_t *p, uint8_t type, const void *v, uint8_t len)
{
	struct nvme_ns_id_desc d = { .nidt = type, .nidl = len };

	memcpy(p, &d, sizeof(d));
	memcpy(p + sizeof(d), v, len);
	return sizeof(d) + len;
}

static uint16_t id_desc_list(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	uint8_t *p = req->data, csi = NVME_CSI_NVM;
	struct ns *ns = id_active_ns(c, nsid);

	if (!ns)
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	p += id_desc(p, NVME_NIDT_EUI64, ns->params.eui64, NVME_NIDT_EUI64_LEN);
	p += id_desc(p, NVME_NIDT_NGUID, ns->params.nguid, NVME_NIDT_NGUID_LEN);
	p += id_desc(p, NVME_NIDT_UUID, ns->params.uuid, NVME_NIDT_UUID_LEN);
	id_desc(p, NVME_NIDT_CSI, &csi, NVME_NIDT_CSI_LEN);
	return NVME_SC_SUCCESS;
}

static uint16_t id_cs_zero(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	(void)req;
	(void)c;
	(void)nsid;
	return NVME_SC_SUCCESS; /* NVM command set: nothing beyond zeroes */
}

static uint16_t id_cs_ns(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	(void)req;
	if (!id_active_ns(c, nsid))
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	return NVME_SC_SUCCESS;
}

static uint16_t id_cs_indep(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid)
{
	struct nvme_id_ns_cs_indep *id = req->data;
	struct ns *ns = id_active_ns(c, nsid);

	if (!ns)
		return NVME_SC_INVALID_NS | NVME_SC_DNR;
	id->nsfeat = NVME_NS_FEAT_THIN;
	id->nmic = NVME_NS_NMIC_SHARED;
	if (ns->resv)
		id->rescap =
			0x7e | NVME_NS_RESCAP_IEK13 | (ns->t->state_dir ? NVME_NS_RESCAP_PTPL : 0);
	id->anagrpid = htole32(ns->params.anagrpid);
	if (ns->params.readonly)
		id->nsattr = NVME_NS_ATTR_RO;
	id->nstat = NVME_NSTAT_NRDY;
	return NVME_SC_SUCCESS;
}

struct id_cns {
	uint16_t (*fn)(struct nvmet_fc_req *req, struct ctrl *c, uint32_t nsid);
	bool csi; /* cdw11 CSI must be NVM */
};

static const struct id_cns id_table[256] = {
	[NVME_ID_CNS_NS] = { id_ns, false },
	[NVME_ID_CNS_CTRL] = { id_ctrl, false },
	[NVME_ID_CNS_NS_ACTIVE_LIST] = { id_active_list, false },
	[NVME_ID_CNS_NS_DESC_LIST] = { id_desc_list, false },
	[NVME_ID_CNS_CS_NS] = { id_cs_ns, true },
	[NVME_ID_CNS_CS_CTRL] = { id_cs_zero, true },
	[NVME_ID_CNS_NS_ACTIVE_LIST_CS] = { id_active_list, true },
	[NVME_ID_CNS_NS_CS_INDEP] = { id_cs_indep, false },
};

/* [ctl] Identify. */
uint16_t cmd_identify(struct nvmet_fc_req *req, struct ctrl *c)
{
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);
	uint32_t cdw11 = le32toh(req->cmd->common.cdw11);
	uint32_t nsid = le32toh(req->cmd->common.nsid);
	uint8_t cns = cdw10 & 0xff;
	const struct id_cns *e = &id_table[cns];
	uint16_t status;

	status = cmd_check_len(req, NVME_IDENTIFY_DATA_SIZE);
	if (status)
		return status;
	if (!e->fn || (c->subsys->discovery && cns != NVME_ID_CNS_CTRL))
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	if (e->csi && (cdw11 >> 24) != NVME_CSI_NVM)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	memset(req->data, 0, NVME_IDENTIFY_DATA_SIZE);
	return e->fn(req, c, nsid);
}
