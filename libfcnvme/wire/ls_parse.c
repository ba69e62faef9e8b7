// SPDX-License-Identifier: Apache-2.0
/*
 * FC-NVMe Link Service decoders. The target-side request parsers apply the
 * nvmet-fc validation checks in the nvmet-fc order, so a peer sees the
 * same reject from us as from Linux; the host-side response parsers apply
 * the nvme-fc host checks. Each parser first copies the received bytes
 * into a zeroed local structure, so buffers of any alignment and any
 * length are safe to hand in. Also here: the ls_cmd peek and the name
 * tables for logs and tools. Pure functions.
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/ls.h>

#define LS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Copy min(len, size) received bytes into a zeroed local image. */
static void ls_image(void *img, size_t size, const void *buf, size_t len)
{
	memset(img, 0, size);
	memcpy(img, buf, len < size ? len : size);
}

/* Record a reject verdict with the failed check (if wanted); -EINVAL. */
static int ls_reject(struct fcnvme_ls_verdict *v, uint8_t reason, uint8_t explanation,
		     const char *detail)
{
	if (v) {
		v->reason = reason;
		v->explanation = explanation;
		v->detail = detail;
	}
	return -EINVAL;
}

static int ls_logic(struct fcnvme_ls_verdict *v, const char *detail)
{
	return ls_reject(v, FCNVME_RJT_RC_LOGIC, FCNVME_RJT_EXP_NONE, detail);
}

static void ls_accept(struct fcnvme_ls_verdict *v)
{
	if (v) {
		v->reason = FCNVME_RJT_RC_NONE;
		v->explanation = FCNVME_RJT_EXP_NONE;
		v->detail = NULL;
	}
}

/* The texts shared by the request parsers. */
#define LS_D_NULL     "no request"
#define LS_D_SHORT    "request too short"
#define LS_D_LIST     "wrong descriptor list length"
#define LS_D_ASSOC_ID "no association ID descriptor"
#define LS_D_ERSP     "ersp_ratio is 0 or not below sqsize"

/* True if a descriptor header carries tag and the length its size implies. */
static int ls_desc_is(fcnvme_be32 tag, fcnvme_be32 dlen, uint32_t want_tag, size_t desc_size)
{
	return be32_to_cpu(tag) == want_tag &&
	       be32_to_cpu(dlen) == desc_size - 2 * sizeof(fcnvme_be32);
}

/* ersp_ratio must be non-zero and below sqsize (nvmet-fc VERR_ERSP_RATIO). */
static int ls_ersp_ratio_ok(fcnvme_be16 ersp_ratio, fcnvme_be16 sqsize)
{
	uint16_t r = be16_to_cpu(ersp_ratio);

	return r != 0 && r < be16_to_cpu(sqsize);
}

/* Parse a Create Association request with the nvmet-fc checks, in order. */
int fcnvme_ls_parse_cr_assoc(const void *buf, size_t len, struct fcnvme_ls_cr_assoc_params *out,
			     struct fcnvme_ls_verdict *v)
{
	struct fcnvme_ls_cr_assoc_rqst r;
	const struct fcnvme_lsdesc_cr_assoc_cmd *c = &r.assoc_cmd;

	if (!buf || !out)
		return ls_logic(v, LS_D_NULL);
	if (len < FCNVME_LSDESC_CRA_RQST_MINLEN)
		return ls_logic(v, LS_D_SHORT);
	ls_image(&r, sizeof(r), buf, len);
	if (be32_to_cpu(r.desc_list_len) < FCNVME_LSDESC_CRA_RQST_MIN_LISTLEN)
		return ls_logic(v, LS_D_LIST);
	if (be32_to_cpu(c->desc_tag) != FCNVME_LSDESC_CREATE_ASSOC_CMD)
		return ls_logic(v, "no Create Association command descriptor");
	if (be32_to_cpu(c->desc_len) < FCNVME_LSDESC_CRA_CMD_DESC_MIN_DESCLEN)
		return ls_logic(v, "command descriptor too short");
	if (!ls_ersp_ratio_ok(c->ersp_ratio, c->sqsize))
		return ls_logic(v, LS_D_ERSP);
	/* Hardening: the NQNs must be C strings before anyone reads them. */
	if (!memchr(c->hostnqn, '\0', sizeof(c->hostnqn)))
		return ls_reject(v, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_HOSTNQN,
				 "host NQN without its terminating NUL");
	if (!memchr(c->subnqn, '\0', sizeof(c->subnqn)))
		return ls_reject(v, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_SUBNQN,
				 "subsystem NQN without its terminating NUL");

	memset(out, 0, sizeof(*out));
	out->ersp_ratio = be16_to_cpu(c->ersp_ratio);
	out->sqsize = be16_to_cpu(c->sqsize);
	out->cntlid = be16_to_cpu(c->cntlid);
	memcpy(out->hostid, c->hostid, sizeof(out->hostid));
	/* Only the string: whatever follows its NUL on the wire is dropped. */
	memcpy(out->hostnqn, c->hostnqn, strlen((const char *)c->hostnqn));
	memcpy(out->subnqn, c->subnqn, strlen((const char *)c->subnqn));
	ls_accept(v);
	return 0;
}

/* Parse a Create Connection request with the nvmet-fc checks, in order. */
int fcnvme_ls_parse_cr_conn(const void *buf, size_t len, struct fcnvme_ls_cr_conn_params *out,
			    struct fcnvme_ls_verdict *v)
{
	struct fcnvme_ls_cr_conn_rqst r;

	if (!buf || !out)
		return ls_logic(v, LS_D_NULL);
	if (len < sizeof(r))
		return ls_logic(v, LS_D_SHORT);
	ls_image(&r, sizeof(r), buf, len);
	if (be32_to_cpu(r.desc_list_len) != sizeof(r) - 8)
		return ls_logic(v, LS_D_LIST);
	if (!ls_desc_is(r.associd.desc_tag, r.associd.desc_len, FCNVME_LSDESC_ASSOC_ID,
			sizeof(r.associd)))
		return ls_logic(v, LS_D_ASSOC_ID);
	if (!ls_desc_is(r.connect_cmd.desc_tag, r.connect_cmd.desc_len,
			FCNVME_LSDESC_CREATE_CONN_CMD, sizeof(r.connect_cmd)))
		return ls_logic(v, "no Create Connection command descriptor");
	if (!ls_ersp_ratio_ok(r.connect_cmd.ersp_ratio, r.connect_cmd.sqsize))
		return ls_logic(v, LS_D_ERSP);

	memset(out, 0, sizeof(*out));
	out->association_id = be64_to_cpu(r.associd.association_id);
	out->ersp_ratio = be16_to_cpu(r.connect_cmd.ersp_ratio);
	out->qid = be16_to_cpu(r.connect_cmd.qid);
	out->sqsize = be16_to_cpu(r.connect_cmd.sqsize);
	ls_accept(v);
	return 0;
}

/* Parse a Disconnect Association request with the nvmet-fc checks, in order. */
int fcnvme_ls_parse_disconnect_assoc(const void *buf, size_t len, uint64_t *association_id,
				     struct fcnvme_ls_verdict *v)
{
	struct fcnvme_ls_disconnect_assoc_rqst r;

	if (!buf || !association_id)
		return ls_logic(v, LS_D_NULL);
	if (len < sizeof(r))
		return ls_logic(v, LS_D_SHORT);
	ls_image(&r, sizeof(r), buf, len);
	if (be32_to_cpu(r.desc_list_len) != sizeof(r) - 8)
		return ls_logic(v, LS_D_LIST);
	if (!ls_desc_is(r.associd.desc_tag, r.associd.desc_len, FCNVME_LSDESC_ASSOC_ID,
			sizeof(r.associd)))
		return ls_logic(v, LS_D_ASSOC_ID);
	if (!ls_desc_is(r.discon_cmd.desc_tag, r.discon_cmd.desc_len, FCNVME_LSDESC_DISCONN_CMD,
			sizeof(r.discon_cmd)))
		return ls_logic(v, "no Disconnect Association command descriptor");
	if (be32_to_cpu(r.discon_cmd.rsvd8[0]) != 0) /* old "scope" word */
		return ls_logic(v, "disconnect scope is not 0");

	*association_id = be64_to_cpu(r.associd.association_id);
	ls_accept(v);
	return 0;
}

/*
 * Common start of the host-side checks: an RJT (-ENXIO, verdict from its
 * RJT descriptor), then the ACC header: w0, desc_list_len, the RQST
 * descriptor and the ls_cmd it answers (-EBADF). img must hold want bytes.
 */
static int ls_check_acc(const void *buf, size_t len, void *img, size_t want, uint8_t rqst_ls_cmd,
			struct fcnvme_ls_verdict *v)
{
	const struct fcnvme_ls_acc_hdr *h = img;
	struct fcnvme_ls_rjt rjt;

	ls_accept(v);
	if (!buf || len < sizeof(struct fcnvme_ls_rqst_w0))
		return -EBADF;
	ls_image(&rjt, sizeof(rjt), buf, len);
	if (rjt.w0.ls_cmd == FCNVME_LS_RJT) {
		if (v) {
			v->reason = rjt.rjt.reason_code;
			v->explanation = rjt.rjt.reason_explanation;
		}
		return -ENXIO;
	}
	if (len < want)
		return -EBADF;
	ls_image(img, want, buf, len);
	if (h->w0.ls_cmd != FCNVME_LS_ACC || be32_to_cpu(h->desc_list_len) != want - 8 ||
	    !ls_desc_is(h->rqst.desc_tag, h->rqst.desc_len, FCNVME_LSDESC_RQST, sizeof(h->rqst)) ||
	    h->rqst.w0.ls_cmd != rqst_ls_cmd)
		return -EBADF;
	return 0;
}

/* Parse a Create Association ACC with the nvme-fc host checks. */
int fcnvme_ls_parse_cr_assoc_acc(const void *buf, size_t len, uint64_t *association_id,
				 uint64_t *connection_id, struct fcnvme_ls_verdict *v)
{
	struct fcnvme_ls_cr_assoc_acc a;
	int rc;

	rc = ls_check_acc(buf, len, &a, sizeof(a), FCNVME_LS_CREATE_ASSOCIATION, v);
	if (rc)
		return rc;
	if (!ls_desc_is(a.associd.desc_tag, a.associd.desc_len, FCNVME_LSDESC_ASSOC_ID,
			sizeof(a.associd)) ||
	    !ls_desc_is(a.connectid.desc_tag, a.connectid.desc_len, FCNVME_LSDESC_CONN_ID,
			sizeof(a.connectid)))
		return -EBADF;
	if (association_id)
		*association_id = be64_to_cpu(a.associd.association_id);
	if (connection_id)
		*connection_id = be64_to_cpu(a.connectid.connection_id);
	return 0;
}

/* Parse a Create Connection ACC with the nvme-fc host checks. */
int fcnvme_ls_parse_cr_conn_acc(const void *buf, size_t len, uint64_t *connection_id,
				struct fcnvme_ls_verdict *v)
{
	struct fcnvme_ls_cr_conn_acc a;
	int rc;

	rc = ls_check_acc(buf, len, &a, sizeof(a), FCNVME_LS_CREATE_CONNECTION, v);
	if (rc)
		return rc;
	if (!ls_desc_is(a.connectid.desc_tag, a.connectid.desc_len, FCNVME_LSDESC_CONN_ID,
			sizeof(a.connectid)))
		return -EBADF;
	if (connection_id)
		*connection_id = be64_to_cpu(a.connectid.connection_id);
	return 0;
}

/* Parse a bare ACC (Disconnect Association / Connection responses). */
int fcnvme_ls_parse_acc(const void *buf, size_t len, uint8_t rqst_ls_cmd,
			struct fcnvme_ls_verdict *v)
{
	struct fcnvme_ls_acc_hdr a;

	return ls_check_acc(buf, len, &a, sizeof(a), rqst_ls_cmd, v);
}

/* Peek at w0.ls_cmd of a received payload. */
int fcnvme_ls_cmd(const void *buf, size_t len)
{
	if (!buf || len < sizeof(struct fcnvme_ls_rqst_w0))
		return -EINVAL;
	return ((const uint8_t *)buf)[0];
}

struct ls_name {
	uint8_t code;
	const char *name;
};

static const struct ls_name ls_cmd_names[] = {
	{ FCNVME_LS_RSVD, "Reserved" },
	{ FCNVME_LS_RJT, "LS_RJT" },
	{ FCNVME_LS_ACC, "LS_ACC" },
	{ FCNVME_LS_CREATE_ASSOCIATION, "Create Association" },
	{ FCNVME_LS_CREATE_CONNECTION, "Create Connection" },
	{ FCNVME_LS_DISCONNECT_ASSOC, "Disconnect Association" },
	{ FCNVME_LS_DISCONNECT_CONN, "Disconnect Connection" },
};

static const struct ls_name ls_rjt_reason_names[] = {
	{ FCNVME_RJT_RC_NONE, "no reason" },
	{ FCNVME_RJT_RC_INVAL, "invalid LS command code" },
	{ FCNVME_RJT_RC_LOGIC, "logical error" },
	{ FCNVME_RJT_RC_UNAB, "unable to perform" },
	{ FCNVME_RJT_RC_UNSUP, "command not supported" },
	{ FCNVME_RJT_RC_INV_ASSOC, "invalid association" },
	{ FCNVME_RJT_RC_INV_CONN, "invalid connection" },
	{ FCNVME_RJT_RC_INV_PARAM, "invalid parameters" },
	{ FCNVME_RJT_RC_INSUF_RES, "insufficient resources" },
	{ FCNVME_RJT_RC_INV_HOST, "invalid or rejected host" },
	{ FCNVME_RJT_RC_VENDOR, "vendor specific" },
};

static const struct ls_name ls_rjt_explan_names[] = {
	{ FCNVME_RJT_EXP_NONE, "no additional explanation" },
	{ FCNVME_RJT_EXP_OXID_RXID, "invalid OX_ID-RX_ID combination" },
	{ FCNVME_RJT_EXP_UNAB_DATA, "unable to supply data" },
	{ FCNVME_RJT_EXP_INV_LEN, "invalid payload length" },
	{ FCNVME_RJT_EXP_INV_ERSP_RAT, "invalid ERSP ratio" },
	{ FCNVME_RJT_EXP_INV_CTLR_ID, "invalid controller ID" },
	{ FCNVME_RJT_EXP_INV_QUEUE_ID, "invalid queue ID" },
	{ FCNVME_RJT_EXP_INV_SQSIZE, "invalid submission queue size" },
	{ FCNVME_RJT_EXP_INV_HOSTID, "invalid host ID" },
	{ FCNVME_RJT_EXP_INV_HOSTNQN, "invalid host NQN" },
	{ FCNVME_RJT_EXP_INV_SUBNQN, "invalid subsystem NQN" },
};

static const char *ls_lookup(const struct ls_name *t, size_t n, uint8_t code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return "unknown";
}

/* The name of an LS command code, for logs and tools. */
const char *fcnvme_ls_cmd_name(uint8_t ls_cmd)
{
	return ls_lookup(ls_cmd_names, LS_ARRAY_SIZE(ls_cmd_names), ls_cmd);
}

/* The name of an LS_RJT reason code, for logs and tools. */
const char *fcnvme_ls_rjt_reason_name(uint8_t rc)
{
	return ls_lookup(ls_rjt_reason_names, LS_ARRAY_SIZE(ls_rjt_reason_names), rc);
}

/* The name of an LS_RJT reason explanation, for logs and tools. */
const char *fcnvme_ls_rjt_explan_name(uint8_t exp)
{
	return ls_lookup(ls_rjt_explan_names, LS_ARRAY_SIZE(ls_rjt_explan_names), exp);
}
