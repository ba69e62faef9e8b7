// SPDX-License-Identifier: Apache-2.0
/*
 * FC-NVMe Link Service encoders: every request, ACC and RJT payload,
 * laid out exactly as Linux nvme-fc / nvmet-fc put them on the wire. Each
 * builder fills a zeroed structure on the stack and copies it out, so the
 * caller's buffer needs no particular alignment. Pure functions.
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/ls.h>

/* Check the destination and return the payload length, or -errno. */
static int ls_build_room(const void *buf, size_t len, size_t need)
{
	if (!buf)
		return -EINVAL;
	if (len < need)
		return -ENOSPC;
	return (int)need;
}

static void ls_fill_w0(struct fcnvme_ls_rqst_w0 *w0, uint8_t ls_cmd)
{
	w0->ls_cmd = ls_cmd;
}

static void ls_fill_rqst_desc(struct fcnvme_lsdesc_rqst *d, uint8_t rqst_ls_cmd)
{
	d->desc_tag = cpu_to_be32(FCNVME_LSDESC_RQST);
	d->desc_len = fcnvme_lsdesc_len(sizeof(*d));
	d->w0.ls_cmd = rqst_ls_cmd;
}

static void ls_fill_assoc_id(struct fcnvme_lsdesc_assoc_id *d, uint64_t id)
{
	d->desc_tag = cpu_to_be32(FCNVME_LSDESC_ASSOC_ID);
	d->desc_len = fcnvme_lsdesc_len(sizeof(*d));
	d->association_id = cpu_to_be64(id);
}

static void ls_fill_conn_id(struct fcnvme_lsdesc_conn_id *d, uint64_t id)
{
	d->desc_tag = cpu_to_be32(FCNVME_LSDESC_CONN_ID);
	d->desc_len = fcnvme_lsdesc_len(sizeof(*d));
	d->connection_id = cpu_to_be64(id);
}

static void ls_fill_acc_hdr(struct fcnvme_ls_acc_hdr *h, size_t total, uint8_t rqst_ls_cmd)
{
	ls_fill_w0(&h->w0, FCNVME_LS_ACC);
	h->desc_list_len = fcnvme_lsdesc_len(total);
	ls_fill_rqst_desc(&h->rqst, rqst_ls_cmd);
}

/* Copy a NUL-terminated string of at most cap-1 bytes into a NUL-padded field. */
static int ls_copy_nqn(uint8_t *dst, const char *src, size_t cap)
{
	size_t n = strnlen(src, cap);

	if (n == cap)
		return -EINVAL;
	memcpy(dst, src, n);
	return 0;
}

/* Encode a Create Association request (host → target, 1024 bytes). */
int fcnvme_ls_build_cr_assoc(void *buf, size_t len, const struct fcnvme_ls_cr_assoc_params *p)
{
	struct fcnvme_ls_cr_assoc_rqst r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	if (!p)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	ls_fill_w0(&r.w0, FCNVME_LS_CREATE_ASSOCIATION);
	r.desc_list_len = cpu_to_be32(sizeof(r.assoc_cmd));
	r.assoc_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_CREATE_ASSOC_CMD);
	r.assoc_cmd.desc_len = fcnvme_lsdesc_len(sizeof(r.assoc_cmd));
	r.assoc_cmd.ersp_ratio = cpu_to_be16(p->ersp_ratio);
	r.assoc_cmd.cntlid = cpu_to_be16(p->cntlid);
	r.assoc_cmd.sqsize = cpu_to_be16(p->sqsize);
	memcpy(r.assoc_cmd.hostid, p->hostid, sizeof(r.assoc_cmd.hostid));
	if (ls_copy_nqn(r.assoc_cmd.hostnqn, p->hostnqn, sizeof(p->hostnqn)) ||
	    ls_copy_nqn(r.assoc_cmd.subnqn, p->subnqn, sizeof(p->subnqn)))
		return -EINVAL;
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode a Create Connection request (host → target, 80 bytes). */
int fcnvme_ls_build_cr_conn(void *buf, size_t len, const struct fcnvme_ls_cr_conn_params *p)
{
	struct fcnvme_ls_cr_conn_rqst r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	if (!p)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	ls_fill_w0(&r.w0, FCNVME_LS_CREATE_CONNECTION);
	r.desc_list_len = fcnvme_lsdesc_len(sizeof(r));
	ls_fill_assoc_id(&r.associd, p->association_id);
	r.connect_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_CREATE_CONN_CMD);
	r.connect_cmd.desc_len = fcnvme_lsdesc_len(sizeof(r.connect_cmd));
	r.connect_cmd.ersp_ratio = cpu_to_be16(p->ersp_ratio);
	r.connect_cmd.qid = cpu_to_be16(p->qid);
	r.connect_cmd.sqsize = cpu_to_be16(p->sqsize);
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode a Disconnect Association request (either direction, 48 bytes). */
int fcnvme_ls_build_disconnect_assoc(void *buf, size_t len, uint64_t association_id)
{
	struct fcnvme_ls_disconnect_assoc_rqst r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	memset(&r, 0, sizeof(r));
	ls_fill_w0(&r.w0, FCNVME_LS_DISCONNECT_ASSOC);
	r.desc_list_len = fcnvme_lsdesc_len(sizeof(r));
	ls_fill_assoc_id(&r.associd, association_id);
	r.discon_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_DISCONN_CMD);
	r.discon_cmd.desc_len = fcnvme_lsdesc_len(sizeof(r.discon_cmd));
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode a Disconnect Connection request (40 bytes). */
int fcnvme_ls_build_disconnect_conn(void *buf, size_t len, uint64_t association_id,
				    uint64_t connection_id)
{
	struct fcnvme_ls_disconnect_conn_rqst r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	memset(&r, 0, sizeof(r));
	ls_fill_w0(&r.w0, FCNVME_LS_DISCONNECT_CONN);
	r.desc_list_len = fcnvme_lsdesc_len(sizeof(r));
	ls_fill_assoc_id(&r.associd, association_id);
	ls_fill_conn_id(&r.connectid, connection_id);
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode an LS_RJT (40 bytes) for a request whose ls_cmd was rqst_ls_cmd. */
int fcnvme_ls_build_rjt(void *buf, size_t len, uint8_t rqst_ls_cmd, uint8_t reason,
			uint8_t explanation)
{
	struct fcnvme_ls_rjt r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	memset(&r, 0, sizeof(r));
	ls_fill_w0(&r.w0, FCNVME_LS_RJT);
	r.desc_list_len = fcnvme_lsdesc_len(sizeof(r));
	ls_fill_rqst_desc(&r.rqst, rqst_ls_cmd);
	r.rjt.desc_tag = cpu_to_be32(FCNVME_LSDESC_RJT);
	r.rjt.desc_len = fcnvme_lsdesc_len(sizeof(r.rjt));
	r.rjt.reason_code = reason;
	r.rjt.reason_explanation = explanation;
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode a Create Association ACC (56 bytes); CONN_ID = ASSOC_ID (admin queue). */
int fcnvme_ls_build_cr_assoc_acc(void *buf, size_t len, uint64_t association_id)
{
	struct fcnvme_ls_cr_assoc_acc r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	memset(&r, 0, sizeof(r));
	ls_fill_acc_hdr(&r.hdr, sizeof(r), FCNVME_LS_CREATE_ASSOCIATION);
	ls_fill_assoc_id(&r.associd, association_id);
	ls_fill_conn_id(&r.connectid, association_id);
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode a Create Connection ACC (40 bytes). */
int fcnvme_ls_build_cr_conn_acc(void *buf, size_t len, uint64_t connection_id)
{
	struct fcnvme_ls_cr_conn_acc r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	memset(&r, 0, sizeof(r));
	ls_fill_acc_hdr(&r.hdr, sizeof(r), FCNVME_LS_CREATE_CONNECTION);
	ls_fill_conn_id(&r.connectid, connection_id);
	memcpy(buf, &r, sizeof(r));
	return n;
}

/* Encode a bare ACC (24 bytes), the answer to the Disconnect requests. */
int fcnvme_ls_build_acc(void *buf, size_t len, uint8_t rqst_ls_cmd)
{
	struct fcnvme_ls_acc_hdr r;
	int n = ls_build_room(buf, len, sizeof(r));

	if (n < 0)
		return n;
	memset(&r, 0, sizeof(r));
	ls_fill_acc_hdr(&r, sizeof(r), rqst_ls_cmd);
	memcpy(buf, &r, sizeof(r));
	return n;
}
