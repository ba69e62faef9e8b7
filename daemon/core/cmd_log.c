// SPDX-License-Identifier: Apache-2.0
/*
 * Get Log Page: supported pages, error information, SMART / health,
 * firmware slot, changed namespace list, commands supported and effects,
 * ANA, and discovery. Each page is built whole into a scratch buffer (this
 * runs on the control thread) and the window [offset, offset + length) is
 * copied out. Reading a page that reports events clears their mask unless
 * RAE is set. Table-driven by log identifier. [ctl]
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

struct log_page {
	/* Build the page into buf (cap bytes, zeroed); return its length. */
	size_t (*build)(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap);
	size_t cap;
	uint32_t clear_aen; /* event kind re-armed on read */
};

static size_t log_error(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap)
{
	(void)req;
	(void)cap;
	memcpy(buf, c->err_log, sizeof(c->err_log));
	return sizeof(c->err_log);
}

static void log_u128(uint8_t dst[16], uint64_t v)
{
	uint64_t le = htole64(v);

	memcpy(dst, &le, 8);
}

static size_t log_smart(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap)
{
	struct nvme_smart_log *l = (struct nvme_smart_log *)buf;
	uint32_t nsid = le32toh(req->cmd->common.nsid);
	uint64_t rd = 0, wr = 0, rb = 0, wb = 0, st[NS_ST_MAX];
	struct tgt_io_stats io;
	struct ns *ns;

	(void)cap;
	for (ns = c->subsys->ns_list; ns; ns = ns->next) {
		if (nsid && nsid != 0xffffffff && ns->nsid != nsid)
			continue;
		if (!ns_host_listed(ns, c->hostnqn)) /* masked: not its traffic */
			continue;
		ns_stats(ns, st, &io);
		rd += st[NS_ST_READS];
		wr += st[NS_ST_WRITES];
		rb += st[NS_ST_RBYTES];
		wb += st[NS_ST_WBYTES];
	}
	/* Data units are thousands of 512-byte units, rounded up. */
	log_u128(l->data_units_read, (rb / 512 + 999) / 1000);
	log_u128(l->data_units_written, (wb / 512 + 999) / 1000);
	log_u128(l->host_reads, rd);
	log_u128(l->host_writes, wr);
	log_u128(l->num_err_log_entries, c->err_count);
	l->avail_spare = 100;
	l->spare_thresh = 10;
	return sizeof(*l);
}

static size_t log_fw_slot(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap)
{
	struct nvme_fw_slot_log *l = (struct nvme_fw_slot_log *)buf;

	(void)req;
	(void)cap;
	l->afi = 1;
	tgt_copy_padded(l->frs[0], sizeof(l->frs[0]), c->subsys->firmware);
	return sizeof(*l);
}

static size_t log_changed_ns(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf,
			     size_t cap)
{
	uint32_t *l = (uint32_t *)(void *)buf;
	unsigned int i;

	(void)cap;
	if (c->nr_changed_ns > NVME_MAX_CHANGED_NS) {
		l[0] = htole32(0xffffffff);
	} else {
		for (i = 0; i < c->nr_changed_ns; i++)
			l[i] = htole32(c->changed_ns[i]);
	}
	if (!(le32toh(req->cmd->common.cdw10) & NVME_GLP_RAE))
		c->nr_changed_ns = 0;
	return sizeof(struct nvme_changed_ns_log);
}

static size_t log_effects(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap)
{
	struct nvme_effects_log *l = (struct nvme_effects_log *)buf;
	static const uint8_t admin[] = {
		nvme_admin_get_log_page, nvme_admin_identify,	  nvme_admin_abort_cmd,
		nvme_admin_set_features, nvme_admin_get_features, nvme_admin_async_event,
		nvme_admin_keep_alive,
	};
	unsigned int i;

	(void)c;
	(void)req;
	(void)cap;
	for (i = 0; i < sizeof(admin); i++)
		l->acs[admin[i]] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_read] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_flush] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_compare] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_write] = htole32(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC);
	l->iocs[nvme_cmd_write_zeroes] = htole32(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC);
	l->iocs[nvme_cmd_dsm] = htole32(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC);
	l->iocs[nvme_cmd_resv_register] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_resv_report] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_resv_acquire] = htole32(NVME_CMD_EFFECTS_CSUPP);
	l->iocs[nvme_cmd_resv_release] = htole32(NVME_CMD_EFFECTS_CSUPP);
	return sizeof(*l);
}

static size_t log_ana(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap)
{
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);

	return ana_log_build(c, NVME_GLP_LSP(cdw10) & NVME_ANA_LOG_RGO, buf, cap);
}

static size_t log_supported(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf,
			    size_t cap);

static size_t log_resv(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf, size_t cap)
{
	(void)cap;
	return resv_notify_log(c, le32toh(req->cmd->common.cdw10) & NVME_GLP_RAE, buf);
}

static const struct log_page log_table[256] = {
	[NVME_LOG_SUPPORTED] = { log_supported, 1024, 0 },
	[NVME_LOG_ERROR] = { log_error, sizeof(struct nvme_error_log_entry) * TGT_ERR_LOG, 0 },
	[NVME_LOG_SMART] = { log_smart, sizeof(struct nvme_smart_log), 0 },
	[NVME_LOG_FW_SLOT] = { log_fw_slot, sizeof(struct nvme_fw_slot_log), 0 },
	[NVME_LOG_CHANGED_NS] = { log_changed_ns, sizeof(struct nvme_changed_ns_log),
				  NVME_AEN_CFG_NS_ATTR },
	[NVME_LOG_CMD_EFFECTS] = { log_effects, sizeof(struct nvme_effects_log), 0 },
	[NVME_LOG_ANA] = { log_ana,
			   sizeof(struct nvme_ana_rsp_hdr) +
				   TGT_MAX_ANAGRP * sizeof(struct nvme_ana_group_desc) +
				   TGT_MAX_NSID * 4,
			   NVME_AEN_CFG_ANA_CHANGE },
	[NVME_LOG_RESV] = { log_resv, 64, TGT_AEN_RESV },
};

static size_t log_supported(struct ctrl *c, const struct nvmet_fc_req *req, uint8_t *buf,
			    size_t cap)
{
	uint32_t *l = (uint32_t *)(void *)buf;
	unsigned int i;

	(void)c;
	(void)req;
	(void)cap;
	for (i = 0; i < 256; i++)
		if (log_table[i].build)
			l[i] = htole32(1); /* LSUPP */
	return 1024;
}

/* [ctl] Get Log Page. */
uint16_t cmd_get_log_page(struct nvmet_fc_req *req, struct ctrl *c)
{
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);
	uint32_t cdw11 = le32toh(req->cmd->common.cdw11);
	uint64_t off =
		le32toh(req->cmd->common.cdw12) | ((uint64_t)le32toh(req->cmd->common.cdw13) << 32);
	uint64_t numd = (((uint64_t)(cdw11 & 0xffff) << 16) | (cdw10 >> 16)) + 1;
	uint8_t lid = NVME_GLP_LID(cdw10);
	bool rae = cdw10 & NVME_GLP_RAE;
	const struct log_page *lp = &log_table[lid];
	uint64_t len = numd * 4;
	uint8_t *page;
	size_t plen;
	uint16_t status;

	if (len > TGT_MAX_XFER)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	status = cmd_check_len(req, (uint32_t)len);
	if (status)
		return status;
	if (off & 3)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	if (c->subsys->discovery) {
		if (lid != NVME_LOG_DISC)
			return NVME_SC_INVALID_LOG_PAGE | NVME_SC_DNR;
		cmd_discovery_log(c, req->data, off, (uint32_t)len);
		if (!rae)
			c->aen_masked &= ~NVME_AEN_CFG_DISC_CHANGE;
		return NVME_SC_SUCCESS;
	}
	if (!lp->build)
		return NVME_SC_INVALID_LOG_PAGE | NVME_SC_DNR;
	page = calloc(1, lp->cap);
	if (!page)
		return NVME_SC_INTERNAL;
	plen = lp->build(c, req, page, lp->cap);
	if (plen > lp->cap)
		plen = lp->cap;
	memset(req->data, 0, len);
	if (off < plen)
		memcpy(req->data, page + off, plen - off < len ? plen - off : len);
	free(page);
	if (!rae)
		c->aen_masked &= ~lp->clear_aen;
	if (!rae && lid == NVME_LOG_RESV && c->nr_resv_log) /* the next one */
		ctrl_add_aen(c, TGT_AEN_RESV,
			     NVME_AER_RESULT(NVME_AER_TYPE_IO_SPECIFIC, 0, NVME_LOG_RESV));
	return NVME_SC_SUCCESS;
}
