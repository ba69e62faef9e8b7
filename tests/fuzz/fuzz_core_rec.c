// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_core_cmd's records that make requests: an admin or I/O command with
 * fields and data from the input, a DH-HMAC-CHAP Reply with the right
 * response to the last Challenge, a Connect on a new association or queue.
 */
#include <endian.h>
#include <string.h>

#include <fcnvme/nqn.h>

#include "fuzz_core.h"

static uint32_t fz_rec_nsid(struct fz_in *in, uint8_t sel)
{
	switch (sel % 8) {
	case 0:
		return 0;
	case 1:
	case 4:
		return 1;
	case 2:
		return 2;
	case 3:
		return 0xffffffff;
	case 5:
		return fz.ns2_on && sel & 8 ? 2 : 1;
	case 6:
		return fz_in_u32(in);
	default:
		return 3 + (sel >> 3);
	}
}

static uint32_t fz_rec_len(struct fz_in *in, uint8_t sel)
{
	static const uint32_t lens[] = { 0, 4, 8, 16, 64, 512, 1024, 4096, 4096, 8192, 65536 };

	if (sel % 16 < sizeof(lens) / sizeof(lens[0]))
		return lens[sel % 16];
	return fz_in_u16(in) % FZ_MAX_DATA + (sel & 0x80 ? 65536 : 0);
}

static uint8_t fz_rec_opcode(struct fz_in *in, uint8_t sel, bool admin, uint8_t *fctype)
{
	static const uint8_t admin_ops[] = {
		nvme_admin_get_log_page, nvme_admin_identify,	  nvme_admin_abort_cmd,
		nvme_admin_set_features, nvme_admin_get_features, nvme_admin_async_event,
		nvme_admin_keep_alive,	 nvme_fabrics_command,
	};
	static const uint8_t io_ops[] = {
		nvme_cmd_flush,		nvme_cmd_write,	       nvme_cmd_read,
		nvme_cmd_compare,	nvme_cmd_write_zeroes, nvme_cmd_dsm,
		nvme_cmd_resv_register, nvme_cmd_resv_report,  nvme_cmd_resv_acquire,
		nvme_cmd_resv_release,	nvme_cmd_write,	       nvme_cmd_read,
	};
	static const uint8_t fctypes[] = {
		nvme_fabrics_type_property_set, nvme_fabrics_type_connect,
		nvme_fabrics_type_property_get, nvme_fabrics_type_auth_send,
		nvme_fabrics_type_auth_receive,
	};
	uint8_t op;

	*fctype = fctypes[(sel >> 4) % 5];
	if (sel >= 0xf0) {
		op = fz_in_u8(in);
		*fctype = fz_in_u8(in);
		return op;
	}
	if (admin)
		op = admin_ops[sel % 8];
	else
		op = io_ops[sel % 12];
	return op;
}

/* An admin (queue 0) or I/O command. */
void fz_rec_cmd(struct fz_in *in, uint8_t rec)
{
	struct h_assoc *a = fz_assoc_pick(fz_in_u8(in));
	uint8_t qsel = fz_in_u8(in), osel = fz_in_u8(in), fl = fz_in_u8(in), nsel = fz_in_u8(in);
	uint8_t lsel = fz_in_u8(in), fctype;
	bool admin = !(rec & 0x08);
	uint16_t qid = admin ? 0 : (uint16_t)(1 + qsel % FZ_MAX_QID);
	uint32_t len, ncopy;
	struct h_req *r;
	uint8_t op;

	if (!a || !fz_assoc_queue_open(a, qid) || fz.nr_reqs >= FZ_MAX_REQS)
		return;
	op = fz_rec_opcode(in, osel, admin, &fctype);
	len = fz_rec_len(in, lsel);
	r = fz_req_new(a, qid, len);
	r->cmd.common.opcode = op;
	/* flags: SGL data, fuse bits from the input; sometimes any byte */
	r->cmd.common.flags = (uint8_t)(NVME_CMD_SGL_METABUF | (fl & NVME_CMD_FUSE_MASK));
	if ((fl & 0x1c) == 0x1c)
		r->cmd.common.flags = fz_in_u8(in);
	r->cmd.common.nsid = htole32(fz_rec_nsid(in, nsel));
	r->cmd.common.cdw10 = htole32(fz_in_u32(in));
	r->cmd.common.cdw11 = htole32(fz_in_u32(in));
	r->cmd.common.cdw12 = htole32(fz_in_u32(in));
	r->cmd.common.cdw13 = htole32(fz_in_u32(in));
	r->cmd.common.cdw14 = htole32(fz_in_u32(in));
	r->cmd.common.cdw15 = htole32(fz_in_u32(in));
	/* (the fabrics command type overlays the NSID's first byte) */
	if (op == nvme_fabrics_command)
		r->cmd.fabrics.fctype = fctype;
	if (fl & 0x20 && admin && op == nvme_admin_get_log_page && len >= 4) {
		/* a length that agrees with the transfer: Get Log Page's
		 * NUMD; a Read or Write of len / 512 blocks at a small LBA */
		uint32_t numd = len / 4 - 1;

		r->cmd.common.cdw10 = htole32((le32toh(r->cmd.common.cdw10) & 0xffff) | numd << 16);
		r->cmd.common.cdw11 = htole32(numd >> 16);
	} else if (fl & 0x20 && len >= 512) {
		r->cmd.rw.slba = htole64(le64toh(r->cmd.rw.slba) % 2048);
		r->cmd.rw.length = htole16((uint16_t)(len / 512 - 1));
	}
	if (fl & 0x40) {
		/* the SGL descriptor disagrees: another length or type */
		r->cmd.common.dptr.length = htole32(fz_in_u32(in));
		r->cmd.common.dptr.type = fz_in_u8(in);
	}
	ncopy = fz_in_u16(in) % 1025;
	fz_in_copy(in, r->data, ncopy < len ? ncopy : len);
	fz_req_submit(a, qid, r,
		      rec & 0x10			 ? FZ_HOLD
		      : fl & 0x80 && (fl & 0x03) != 0x03 ? FZ_ABORT
							 : FZ_EXECUTE);
}

static const char *fz_rec_nqn(struct fz_in *in, uint8_t sel, char *buf, bool host)
{
	switch (sel % 4) {
	case 0:
		return host ? H_HOSTNQN : H_SUBNQN;
	case 1:
		return host ? H_HOSTNQN2 : FCNVME_DISCOVERY_NQN;
	case 2:
		return host ? H_HOSTNQN3 : H_SUBNQN2;
	default:
		memset(buf, 0, 256);
		fz_in_copy(in, buf, fz_in_u8(in));
		return buf;
	}
}

/* DH-HMAC-CHAP Reply with H_HOSTNQN's right response to the last
 * Challenge, asking for the controller's response if the input says so. */
void fz_rec_auth_reply(struct fz_in *in)
{
	uint8_t sel = fz_in_u8(in), c2[FCNVME_AUTH_MAX_HASH] = { 0 };
	uint8_t tk[FCNVME_AUTH_MAX_HASH], rv[FCNVME_AUTH_MAX_HASH], buf[256];
	struct fcnvme_auth_key key;
	struct fcnvme_auth_reply m;
	struct h_assoc *a = fz.chal.a;
	struct h_req *r;
	size_t tlen;
	int n;

	if (!a || !fz_assoc_queue_open(a, 0) || fz.nr_reqs >= FZ_MAX_REQS)
		return;
	if (fcnvme_auth_key_parse(FZ_KEY, &key) ||
	    fcnvme_auth_transform(&key, H_HOSTNQN, tk, &tlen) ||
	    fcnvme_auth_response(fz.chal.hash, tk, tlen, fz.chal.c1, fz.chal.seq, fz.chal.tid,
				 FCNVME_AUTH_ROLE_HOST, H_HOSTNQN, H_SUBNQN, rv))
		return;
	fz_in_copy(in, c2, fz.chal.hl);
	m = (struct fcnvme_auth_reply){ .tid = fz.chal.tid,
					.hl = fz.chal.hl,
					.cvalid = sel & 1,
					.seq = sel & 1 ? 1 + (sel >> 1) : 0,
					.rval = rv,
					.c2 = c2 };
	n = fcnvme_auth_build_reply(buf, sizeof(buf), &m);
	if (n <= 0)
		return;
	r = fz_req_new(a, 0, (uint32_t)n);
	memcpy(r->data, buf, (size_t)n);
	r->cmd.common.opcode = nvme_fabrics_command;
	r->cmd.common.cdw10 =
		htole32((uint32_t)FCNVME_AUTH_SECP << 24 | (uint32_t)FCNVME_AUTH_SPSP1 << 16 |
			(uint32_t)FCNVME_AUTH_SPSP0 << 8);
	r->cmd.common.cdw11 = htole32((uint32_t)n);
	r->cmd.fabrics.fctype = nvme_fabrics_type_auth_send;
	fz_req_submit(a, 0, r, FZ_EXECUTE);
}

/* Connect: a new association's admin queue, or a (new or live) queue of an
 * existing one, with fields from the input. */
void fz_rec_connect(struct fz_in *in)
{
	uint8_t s1 = fz_in_u8(in), s2 = fz_in_u8(in), s3 = fz_in_u8(in);
	struct nvmf_connect_data *d;
	char subbuf[256], hostbuf[256];
	const char *sub, *host;
	struct h_assoc *a;
	uint16_t qid = 0;
	uint32_t kato;
	struct h_req *r;

	if (fz.nr_reqs >= FZ_MAX_REQS)
		return;
	if (s1 & 0x80) {
		int tp = (s1 >> 6) & 1;

		if (H->nr_assocs >= FZ_MAX_ASSOCS || fz.per_tp[tp] >= FZ_MAX_PER_TP)
			return;
		a = h_assoc_new(tp ? &H->tp2 : &H->tp1);
		fz.per_tp[tp]++;
	} else {
		a = fz_assoc_pick(s1);
		if (!a || !fz_assoc_queue_open(a, 0))
			return;
		qid = (uint16_t)((s2 & 0x0f) % (FZ_MAX_QID + 1));
		if (a->alive[qid] && !fz_assoc_queue_open(a, qid))
			return;
		if (!a->alive[qid])
			h_queue_new(a, qid, s3 & 0x04 ? (uint16_t)(1 + fz_in_u8(in)) : 127);
	}
	sub = fz_rec_nqn(in, s2 >> 4, subbuf, false);
	host = fz_rec_nqn(in, s2 >> 6, hostbuf, true);
	r = fz_req_new(a, qid, sizeof(*d));
	d = (struct nvmf_connect_data *)r->data;
	r->cmd.connect.opcode = nvme_fabrics_command;
	r->cmd.connect.fctype = nvme_fabrics_type_connect;
	r->cmd.connect.qid = htole16(s3 & 0x80 ? fz_in_u16(in) : qid);
	r->cmd.connect.sqsize = htole16(s3 & 0x40 ? fz_in_u16(in) : 31);
	r->cmd.connect.cattr = fz_in_u8(in);
	kato = fz_in_u32(in);
	r->cmd.connect.kato = htole32(s3 & 0x20 ? kato : kato % 4 * 2000);
	memset(d->hostid, 0xab, 16);
	if (s3 & 0x10)
		fz_in_copy(in, d->hostid, 16);
	d->cntlid = htole16(s3 & 0x08 ? fz_in_u16(in) : qid ? a->cntlid : 0xffff);
	strncpy(d->subsysnqn, sub, sizeof(d->subsysnqn));
	strncpy(d->hostnqn, host, sizeof(d->hostnqn));
	fz_req_submit(a, qid, r, FZ_EXECUTE);
	if (qid == 0 && r->nr_done && !(le16toh(r->cqe.status) >> 1))
		a->cntlid = (uint16_t)le32toh(r->cqe.result.dw0);
}
