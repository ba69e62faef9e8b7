// SPDX-License-Identifier: Apache-2.0
/*
 * What the host checks in the controller's answers before it uses the
 * controller: the checks of Linux's host, so that a target this host
 * accepts is one a Linux host accepts too. From drivers/nvme/host/:
 *  - fabrics.c nvmf_connect_admin_queue / nvmf_connect_io_queue: Connect
 *    AUTHREQ set means in-band authentication, which this host lacks;
 *  - core.c nvme_enable_ctrl: CAP.MPSMIN above the 4 KiB host page;
 *  - core.c nvme_init_identify and nvme_check_ctrl_fabric_info: Identify
 *    CNTLID equals the Connect's, KAS non-zero, IOCCSZ >= 4 and
 *    IORCSZ >= 1 (newer kernels; 6.1 lacks those two), MAXCMD non-zero
 *    (6.1 would compute a queue size of 0 from it);
 *  - core.c nvme_init_subsystem: a controller reached through the
 *    discovery NQN is a discovery controller (CNTRLTYPE 2 or that SUBNQN);
 *  - multipath.c nvme_mpath_init_identify / nvme_parse_ana_log: with ANA
 *    reporting, MNAN in 1..NN, and an ANA log whose groups are well formed;
 *  - fc.c nvme_fc_create_association: ICDOFF 0 and SGL support (DNR).
 * A failed check fails the connect attempt with an English reason;
 * only ICDOFF and SGL failures carry DNR, as in Linux.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/nvme_id.h>
#include <fcnvme/nvme_log.h>

#include "nvme_fc_int.h"

/* Identify Controller offsets (NVMe Base 2.0, figure 275). */
#define FCN_ID_CMIC	 76
#define FCN_ID_CNTLID	 78
#define FCN_ID_CNTRLTYPE 111
#define FCN_ID_LPA	 261
#define FCN_ID_KAS	 320
#define FCN_ID_ANAGRPMAX 344
#define FCN_ID_NANAGRPID 348
#define FCN_ID_MAXCMD	 514
#define FCN_ID_NN	 516
#define FCN_ID_SGLS	 536
#define FCN_ID_MNAN	 540
#define FCN_ID_SUBNQN	 768
#define FCN_ID_IOCCSZ	 1792
#define FCN_ID_IORCSZ	 1796
#define FCN_ID_ICDOFF	 1800

uint32_t fcn_host_id_u32(const uint8_t *id, size_t off)
{
	uint32_t v;

	memcpy(&v, id + off, sizeof(v));
	return le32toh(v);
}

uint16_t fcn_host_id_u16(const uint8_t *id, size_t off)
{
	uint16_t v;

	memcpy(&v, id + off, sizeof(v));
	return le16toh(v);
}

/* Whether the controller was asked for through the discovery NQN. */
bool fcn_host_is_discovery(const struct fcn_host_ctrl *c)
{
	return !strcmp(c->subnqn, NVME_DISC_SUBSYS_NAME);
}

/* The Connect result (dword 0) of queue qid. */
int fcn_host_check_connect(struct fcn_host_ctrl *c, uint16_t qid, uint32_t dw0)
{
	if (!((dw0 >> 16) & 3))
		return 0;
	if (c->dhchap.len) /* DH-HMAC-CHAP follows (nvme_fc_auth.c) */
		return 0;
	fcn_host_ctrl_set_reason(c,
				 "Connect (queue %u): the controller requires authentication "
				 "(AUTHREQ 0x%x): give a DH-HMAC-CHAP secret",
				 qid, (dw0 >> 16) & 3);
	return -EACCES;
}

/* The CAP property. */
int fcn_host_check_cap(struct fcn_host_ctrl *c)
{
	unsigned int mpsmin = (unsigned int)((c->cap >> 48) & 0xf);

	if (!mpsmin)
		return 0;
	fcn_host_ctrl_set_reason(c,
				 "CAP.MPSMIN: minimum page size %u is too large for a 4096-byte "
				 "host page",
				 4096u << mpsmin);
	return -ENODEV;
}

static int fcn_host_check_fail(struct fcn_host_ctrl *c, bool dnr, const char *what)
{
	c->dnr = c->dnr || dnr;
	fcn_host_ctrl_set_reason(c, "Identify Controller: %s", what);
	return -EINVAL;
}

/* Identify Controller (c->id_ctrl), as Linux's host checks it. */
int fcn_host_check_identify(struct fcn_host_ctrl *c)
{
	const uint8_t *id = c->id_ctrl;
	bool disc = fcn_host_is_discovery(c);
	char why[128];
	uint32_t mnan, nn;

	if (fcn_host_id_u16(id, FCN_ID_CNTLID) != c->cntlid) {
		snprintf(why, sizeof(why), "CNTLID %u differs from the Connect's %u",
			 fcn_host_id_u16(id, FCN_ID_CNTLID), c->cntlid);
		return fcn_host_check_fail(c, false, why);
	}
	if (disc && id[FCN_ID_CNTRLTYPE] != NVME_CTRL_TYPE_DISCOVERY &&
	    strncmp((const char *)id + FCN_ID_SUBNQN, NVME_DISC_SUBSYS_NAME, 256))
		return fcn_host_check_fail(c, false, "not a discovery controller");
	if (!disc && !fcn_host_id_u16(id, FCN_ID_KAS))
		return fcn_host_check_fail(c, false, "KAS 0: keep-alive is mandatory on fabrics");
	if (!disc && fcn_host_id_u32(id, FCN_ID_IOCCSZ) < 4) {
		snprintf(why, sizeof(why), "IOCCSZ %u < 4", fcn_host_id_u32(id, FCN_ID_IOCCSZ));
		return fcn_host_check_fail(c, false, why);
	}
	if (!disc && fcn_host_id_u32(id, FCN_ID_IORCSZ) < 1)
		return fcn_host_check_fail(c, false, "IORCSZ 0 < 1");
	if (!fcn_host_id_u16(id, FCN_ID_MAXCMD))
		return fcn_host_check_fail(c, false, "MAXCMD 0");
	if (fcn_host_ana_reporting(c)) {
		mnan = fcn_host_id_u32(id, FCN_ID_MNAN);
		nn = fcn_host_id_u32(id, FCN_ID_NN);
		if (!mnan || mnan > nn) {
			snprintf(why, sizeof(why), "invalid MNAN %u (NN %u)", mnan, nn);
			return fcn_host_check_fail(c, false, why);
		}
	}
	if (fcn_host_id_u16(id, FCN_ID_ICDOFF) != 0 || !(fcn_host_id_u32(id, FCN_ID_SGLS) & 0x3))
		return fcn_host_check_fail(c, true,
					   "unusable over FC (ICDOFF set or no SGL support)");
	return 0;
}

/* Whether Linux reads the Commands Supported and Effects log. */
bool fcn_host_wants_effects(const struct fcn_host_ctrl *c)
{
	return c->id_ctrl[FCN_ID_LPA] & NVME_CTRL_LPA_CMD_EFFECTS;
}

/* Whether the controller reports ANA (Linux then reads the ANA log). */
bool fcn_host_ana_reporting(const struct fcn_host_ctrl *c)
{
	return !fcn_host_is_discovery(c) && (c->id_ctrl[FCN_ID_CMIC] & NVME_CTRL_CMIC_ANA);
}

/* Bytes of the whole ANA log as Linux sizes it (header, NANAGRPID group
 * descriptors, MNAN NSIDs), or 0 if it does not fit max_xfer (Linux then
 * disables ANA rather than fail). */
size_t fcn_host_ana_log_size(const struct fcn_host_ctrl *c)
{
	uint64_t n = sizeof(struct nvme_ana_rsp_hdr) +
		     (uint64_t)fcn_host_id_u32(c->id_ctrl, FCN_ID_NANAGRPID) *
			     sizeof(struct nvme_ana_group_desc) +
		     (uint64_t)fcn_host_id_u32(c->id_ctrl, FCN_ID_MNAN) * 4;

	return n > c->max_xfer ? 0 : (size_t)n;
}

/* The ANA log as nvme_parse_ana_log() walks it. */
int fcn_host_check_ana_log(struct fcn_host_ctrl *c, const uint8_t *log, size_t len)
{
	uint32_t anagrpmax = fcn_host_id_u32(c->id_ctrl, FCN_ID_ANAGRPMAX);
	struct nvme_ana_rsp_hdr hdr;
	struct nvme_ana_group_desc d;
	size_t off = sizeof(hdr);
	uint64_t nsids;
	unsigned int i;

	memcpy(&hdr, log, sizeof(hdr));
	for (i = 0; i < le16toh(hdr.ngrps); i++) {
		if (off > len || sizeof(d) > len - off)
			goto out_bad;
		memcpy(&d, log + off, sizeof(d));
		if (!d.grpid || le32toh(d.grpid) > anagrpmax || !d.state ||
		    d.state > NVME_ANA_CHANGE)
			goto out_bad;
		off += sizeof(d);
		nsids = (uint64_t)le32toh(d.nnsids) * 4;
		if (nsids > len - off)
			goto out_bad;
		off += (size_t)nsids;
	}
	return 0;

out_bad:
	fcn_host_ctrl_set_reason(c, "ANA log: group descriptor %u malformed", i);
	return -EINVAL;
}
