/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FC-NVMe wire formats (FC-NVME-2): Link Service requests, responses and
 * descriptors, the CMD, ERSP and XFER_RDY information units, and the FC framing
 * constants the transport and the HBAs use. Names follow Linux's nvme-fc.h so
 * that people who know the kernel feel at home. All multi-byte fields are
 * big-endian (see byteorder.h); the embedded NVMe SQE and CQE are little-endian.
 * Sizes and offsets are checked at compile time at the end of this file.
 */
#ifndef FCNVME_FC_WIRE_H
#define FCNVME_FC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <fcnvme/byteorder.h>

/* ---- FC framing ---------------------------------------------------------- */

#define FC_TYPE_BLS    0x00
#define FC_TYPE_NVME   0x28 /* every FC-NVMe frame */
#define NVME_CMD_FC_ID FC_TYPE_NVME

#define FC_RCTL_ELS4_REQ 0x32 /* LS request */
#define FC_RCTL_ELS4_REP 0x33 /* LS response */
#define FC_RCTL_BA_ABTS	 0x81
#define FC_RCTL_BA_ACC	 0x84
#define FC_RCTL_BA_RJT	 0x85

/* FCP R_CTL values (FCNVME_RS_RCTL_*) */
#define FCNVME_RS_RCTL_CMND	0x06
#define FCNVME_RS_RCTL_DATA	0x01
#define FCNVME_RS_RCTL_CONF	0x03
#define FCNVME_RS_RCTL_XFER_RDY 0x05
#define FCNVME_RS_RCTL_RSP	0x07 /* 12-byte all-zero response */
#define FCNVME_RS_RCTL_ERSP	0x08 /* 32-byte extended response */
#define FCNVME_RS_RCTL_SR	0x09
#define FCNVME_RS_RCTL_SR_RSP	0x0a

/* F_CTL bits */
#define FC_FC_EX_CTX	(1u << 23)
#define FC_FC_SEQ_CTX	(1u << 22)
#define FC_FC_FIRST_SEQ (1u << 21)
#define FC_FC_LAST_SEQ	(1u << 20)
#define FC_FC_END_SEQ	(1u << 19)
#define FC_FC_SEQ_INIT	(1u << 16)
#define FC_FC_REL_OFF	(1u << 3)

#define FC_FRAME_HDR_LEN     24
#define FC_MAX_PAYLOAD	     2112
#define FC_DEF_R_A_TOV_MS    10000
#define FC_DEF_E_D_TOV_MS    2000
#define FC_TWO_TIMES_R_A_TOV (2 * (FC_DEF_R_A_TOV_MS / 1000))

/* Timeouts in seconds */
#define NVME_FC_LS_TIMEOUT_SEC	  FC_TWO_TIMES_R_A_TOV /* 20 s */
#define NVME_FC_TGTOP_TIMEOUT_SEC FC_TWO_TIMES_R_A_TOV /* 20 s */

/* Remote-port roles (FC-4 features of TYPE 0x28) */
#define FC_PORT_ROLE_NVME_INITIATOR 0x10
#define FC_PORT_ROLE_NVME_TARGET    0x20
#define FC_PORT_ROLE_NVME_DISCOVERY 0x40

/* The NVMe-oF identifiers of the FC transport (trtype 2, adrfam 4) are
 * NVMF_TRTYPE_FC and NVMF_ADDR_FAMILY_FC in nvme_log.h. */

/*
 * The FC traddr "nn-0x<16hex>:pn-0x<16hex>"; the "0x" prefixes are optional
 * (FC-NVME-2 requires them). Lengths exclude the NUL; the pn part starts at
 * MAX_PN_OFFSET with the prefixes, at MIN_PN_OFFSET without.
 */
#define NVME_FC_TRADDR_NNLEN	     3 /* "?n-" */
#define NVME_FC_TRADDR_OXNNLEN	     5 /* "?n-0x" */
#define NVME_FC_TRADDR_HEXNAMELEN    16
#define NVME_FC_TRADDR_MINLENGTH     (2 * (NVME_FC_TRADDR_NNLEN + NVME_FC_TRADDR_HEXNAMELEN) + 1)
#define NVME_FC_TRADDR_MAXLENGTH     (2 * (NVME_FC_TRADDR_OXNNLEN + NVME_FC_TRADDR_HEXNAMELEN) + 1)
#define NVME_FC_TRADDR_MIN_PN_OFFSET (NVME_FC_TRADDR_NNLEN + NVME_FC_TRADDR_HEXNAMELEN + 1)
#define NVME_FC_TRADDR_MAX_PN_OFFSET (NVME_FC_TRADDR_OXNNLEN + NVME_FC_TRADDR_HEXNAMELEN + 1)

/* ---- Link Services: codes ----------------------------------------------- */

enum {
	FCNVME_LS_RSVD = 0,
	FCNVME_LS_RJT = 1,
	FCNVME_LS_ACC = 2,
	FCNVME_LS_CREATE_ASSOCIATION = 3,
	FCNVME_LS_CREATE_CONNECTION = 4,
	FCNVME_LS_DISCONNECT_ASSOC = 5,
	FCNVME_LS_DISCONNECT_CONN = 6,
};
#define NVME_FC_LAST_LS_CMD_VALUE FCNVME_LS_DISCONNECT_CONN

enum {
	FCNVME_LSDESC_RSVD = 0,
	FCNVME_LSDESC_RQST = 1,
	FCNVME_LSDESC_RJT = 2,
	FCNVME_LSDESC_CREATE_ASSOC_CMD = 3,
	FCNVME_LSDESC_CREATE_CONN_CMD = 4,
	FCNVME_LSDESC_DISCONN_CMD = 5,
	FCNVME_LSDESC_CONN_ID = 6,
	FCNVME_LSDESC_ASSOC_ID = 7,
};

/* LS_RJT reason codes (enum fcnvme_ls_rjt_reason) */
enum {
	FCNVME_RJT_RC_NONE = 0x00,
	FCNVME_RJT_RC_INVAL = 0x01,
	FCNVME_RJT_RC_LOGIC = 0x03,
	FCNVME_RJT_RC_UNAB = 0x09,
	FCNVME_RJT_RC_UNSUP = 0x0b,
	FCNVME_RJT_RC_INV_ASSOC = 0x40,
	FCNVME_RJT_RC_INV_CONN = 0x41,
	FCNVME_RJT_RC_INV_PARAM = 0x42,
	FCNVME_RJT_RC_INSUF_RES = 0x43,
	FCNVME_RJT_RC_INV_HOST = 0x44,
	FCNVME_RJT_RC_VENDOR = 0xff,
};

/* LS_RJT reason explanations (enum fcnvme_ls_rjt_explan) */
enum {
	FCNVME_RJT_EXP_NONE = 0x00,
	FCNVME_RJT_EXP_OXID_RXID = 0x17,
	FCNVME_RJT_EXP_UNAB_DATA = 0x2a,
	FCNVME_RJT_EXP_INV_LEN = 0x2d,
	FCNVME_RJT_EXP_INV_ERSP_RAT = 0x40,
	FCNVME_RJT_EXP_INV_CTLR_ID = 0x41,
	FCNVME_RJT_EXP_INV_QUEUE_ID = 0x42,
	FCNVME_RJT_EXP_INV_SQSIZE = 0x43,
	FCNVME_RJT_EXP_INV_HOSTID = 0x44,
	FCNVME_RJT_EXP_INV_HOSTNQN = 0x45,
	FCNVME_RJT_EXP_INV_SUBNQN = 0x46,
};

#define FCNVME_ASSOC_HOSTNQN_LEN 256
#define FCNVME_ASSOC_SUBNQN_LEN	 256

/* Buffer limits (Linux: union nvmefc_ls_requests / nvmefc_ls_responses) */
#define NVME_FC_MAX_LS_RQST_LEN 1024
#define NVME_FC_MAX_LS_RSP_LEN	128

/* ---- Link Services: descriptors ----------------------------------------- */

/* Word 0 of every LS payload: the command code and three zero bytes. */
struct fcnvme_ls_rqst_w0 {
	uint8_t ls_cmd;
	uint8_t zeros[3];
};

/* desc_len = sizeof(descriptor) - 8: the bytes after tag and length. */
#define fcnvme_lsdesc_len(sz) cpu_to_be32((uint32_t)(sz)-2 * sizeof(fcnvme_be32))

struct fcnvme_lsdesc_rqst {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_RQST */
	fcnvme_be32 desc_len;
	struct fcnvme_ls_rqst_w0 w0; /* ls_cmd being answered */
	fcnvme_be32 rsvd12;
};

struct fcnvme_lsdesc_rjt {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_RJT */
	fcnvme_be32 desc_len;
	uint8_t rsvd8;
	uint8_t reason_code;	    /* FCNVME_RJT_RC_* */
	uint8_t reason_explanation; /* FCNVME_RJT_EXP_* */
	uint8_t vendor;
	fcnvme_be32 rsvd12;
};

struct fcnvme_lsdesc_assoc_id {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_ASSOC_ID */
	fcnvme_be32 desc_len;
	fcnvme_be64 association_id;
};

struct fcnvme_lsdesc_conn_id {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_CONN_ID */
	fcnvme_be32 desc_len;
	fcnvme_be64 connection_id;
};

struct fcnvme_lsdesc_cr_assoc_cmd {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_CREATE_ASSOC_CMD */
	fcnvme_be32 desc_len;
	fcnvme_be16 ersp_ratio;
	fcnvme_be16 rsvd10;
	fcnvme_be32 rsvd12[9];
	fcnvme_be16 cntlid;
	fcnvme_be16 sqsize; /* 0's based */
	fcnvme_be32 rsvd52;
	uint8_t hostid[16]; /* uuid */
	uint8_t hostnqn[FCNVME_ASSOC_HOSTNQN_LEN];
	uint8_t subnqn[FCNVME_ASSOC_SUBNQN_LEN];
	uint8_t rsvd584[432];
};
#define FCNVME_LSDESC_CRA_CMD_DESC_MINLEN offsetof(struct fcnvme_lsdesc_cr_assoc_cmd, rsvd584)
#define FCNVME_LSDESC_CRA_CMD_DESC_MIN_DESCLEN \
	(FCNVME_LSDESC_CRA_CMD_DESC_MINLEN - 2 * sizeof(fcnvme_be32))
#define FCNVME_LSDESC_CRA_RQST_MINLEN \
	(offsetof(struct fcnvme_ls_cr_assoc_rqst, assoc_cmd) + FCNVME_LSDESC_CRA_CMD_DESC_MINLEN)
#define FCNVME_LSDESC_CRA_RQST_MIN_LISTLEN FCNVME_LSDESC_CRA_CMD_DESC_MINLEN

struct fcnvme_lsdesc_cr_conn_cmd {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_CREATE_CONN_CMD */
	fcnvme_be32 desc_len;
	fcnvme_be16 ersp_ratio;
	fcnvme_be16 rsvd10;
	fcnvme_be32 rsvd12[9];
	fcnvme_be16 qid;
	fcnvme_be16 sqsize; /* 0's based */
	fcnvme_be32 rsvd52;
};

struct fcnvme_lsdesc_disconn_cmd {
	fcnvme_be32 desc_tag; /* FCNVME_LSDESC_DISCONN_CMD */
	fcnvme_be32 desc_len;
	fcnvme_be32 rsvd8[4]; /* all zero; rsvd8[0] was "scope" */
};

/* ---- Link Services: payloads -------------------------------------------- */

struct fcnvme_ls_acc_hdr {
	struct fcnvme_ls_rqst_w0 w0; /* FCNVME_LS_ACC */
	fcnvme_be32 desc_list_len;
	struct fcnvme_lsdesc_rqst rqst;
};

struct fcnvme_ls_rjt {
	struct fcnvme_ls_rqst_w0 w0; /* FCNVME_LS_RJT */
	fcnvme_be32 desc_list_len;
	struct fcnvme_lsdesc_rqst rqst;
	struct fcnvme_lsdesc_rjt rjt;
};

struct fcnvme_ls_cr_assoc_rqst {
	struct fcnvme_ls_rqst_w0 w0;
	fcnvme_be32 desc_list_len;
	struct fcnvme_lsdesc_cr_assoc_cmd assoc_cmd;
};

struct fcnvme_ls_cr_assoc_acc {
	struct fcnvme_ls_acc_hdr hdr;
	struct fcnvme_lsdesc_assoc_id associd;
	struct fcnvme_lsdesc_conn_id connectid;
};

struct fcnvme_ls_cr_conn_rqst {
	struct fcnvme_ls_rqst_w0 w0;
	fcnvme_be32 desc_list_len;
	struct fcnvme_lsdesc_assoc_id associd;
	struct fcnvme_lsdesc_cr_conn_cmd connect_cmd;
};

struct fcnvme_ls_cr_conn_acc {
	struct fcnvme_ls_acc_hdr hdr;
	struct fcnvme_lsdesc_conn_id connectid;
};

struct fcnvme_ls_disconnect_assoc_rqst {
	struct fcnvme_ls_rqst_w0 w0;
	fcnvme_be32 desc_list_len;
	struct fcnvme_lsdesc_assoc_id associd;
	struct fcnvme_lsdesc_disconn_cmd discon_cmd;
};

struct fcnvme_ls_disconnect_assoc_acc {
	struct fcnvme_ls_acc_hdr hdr;
};

struct fcnvme_ls_disconnect_conn_rqst {
	struct fcnvme_ls_rqst_w0 w0;
	fcnvme_be32 desc_list_len;
	struct fcnvme_lsdesc_assoc_id associd;
	struct fcnvme_lsdesc_conn_id connectid;
};

struct fcnvme_ls_disconnect_conn_acc {
	struct fcnvme_ls_acc_hdr hdr;
};

/* ---- FCP information units ---------------------------------------------- */

#define NVME_CMD_FORMAT_ID 0xfd
#define NVME_CMD_SCSI_ID   NVME_CMD_FC_ID

/* rsv_cat */
#define FCNVME_CMD_CAT_MASK    0x0f
#define FCNVME_CMD_CAT_ADMINQ  0x01
#define FCNVME_CMD_CAT_CSSFLAG 0x08
#define FCNVME_CMD_CAT_CSSMASK 0x07

/* flags */
#define FCNVME_CMD_FLAGS_WRITE	 0x01
#define FCNVME_CMD_FLAGS_READ	 0x02
#define FCNVME_CMD_FLAGS_DIRMASK 0x03
#define FCNVME_CMD_FLAGS_PICWP	 0x04

#define NVME_FC_SQE_SIZE 64
#define NVME_FC_CQE_SIZE 16

/* The 96-byte command IU; iu_len counts 32-bit words (24). */
struct nvme_fc_cmd_iu {
	uint8_t format_id; /* NVME_CMD_FORMAT_ID */
	uint8_t fc_id;	   /* NVME_CMD_FC_ID */
	fcnvme_be16 iu_len;
	uint8_t rsvd4[2];
	uint8_t rsv_cat;
	uint8_t flags;
	fcnvme_be64 connection_id;
	fcnvme_be32 csn;
	fcnvme_be32 data_len;
	uint8_t sqe[NVME_FC_SQE_SIZE]; /* struct nvme_command, LE */
	uint8_t dps;
	uint8_t lbads;
	fcnvme_be16 ms;
	fcnvme_be32 rsvd92;
};

#define NVME_FC_SIZEOF_ZEROS_RSP 12

/* ERSP ersp_result values (FCNVME_SC_*) */
enum {
	FCNVME_SC_SUCCESS = 0,
	FCNVME_SC_INVALID_FIELD = 1,
	FCNVME_SC_ILL_CONN_PARAMS = 3,
};

/* The 32-byte extended response IU; iu_len counts 32-bit words (8). */
struct nvme_fc_ersp_iu {
	uint8_t ersp_result; /* must be 0 */
	uint8_t rsvd1;
	fcnvme_be16 iu_len;
	fcnvme_be32 rsn;
	fcnvme_be32 xfrd_len;
	fcnvme_be32 rsvd12;
	uint8_t cqe[NVME_FC_CQE_SIZE]; /* struct nvme_completion, LE */
};

/*
 * NVMe SR (FC-NVME-2 sequence retransmission request) and its response,
 * sent with R_CTL FCNVME_RS_RCTL_SR / FCNVME_RS_RCTL_SR_RSP. Defined for
 * completeness: neither Linux side nor ours sends them.
 */
#define FCNVME_NVME_SR_OPCODE	  0x01
#define FCNVME_NVME_SR_RSP_OPCODE 0x02

struct nvme_fc_nvme_sr_iu {
	uint8_t fc_id;	/* NVME_CMD_FC_ID */
	uint8_t opcode; /* FCNVME_NVME_SR_OPCODE */
	uint8_t rsvd2;
	uint8_t retry_rctl; /* R_CTL of the sequence to retransmit */
	fcnvme_be32 rsvd4;
};

/* NVMe SR response status (FCNVME_SRSTAT_*); 1 and 2 are reserved. */
enum {
	FCNVME_SRSTAT_ACC = 0x0,
	FCNVME_SRSTAT_LOGICAL_ERR = 0x3,
	FCNVME_SRSTAT_INV_QUALIF = 0x4,
	FCNVME_SRSTAT_UNABL2PERFORM = 0x9,
};

struct nvme_fc_nvme_sr_rsp_iu {
	uint8_t fc_id;	/* NVME_CMD_FC_ID */
	uint8_t opcode; /* FCNVME_NVME_SR_RSP_OPCODE */
	uint8_t rsvd2;
	uint8_t status; /* FCNVME_SRSTAT_* */
	fcnvme_be32 rsvd4;
};

/* FCP-compatible transfer-ready IU, built by the HBA. */
struct nvme_fc_xfer_rdy_iu {
	fcnvme_be32 relative_offset;
	fcnvme_be32 burst_len;
	fcnvme_be32 rsvd;
};

/* ---- Compile-time layout checks (Linux include/linux/nvme-fc.h, FC-NVMe-2) -------- */

#define FCNVME_ASSERT_SIZE(t, n)   _Static_assert(sizeof(t) == (n), #t " size")
#define FCNVME_ASSERT_OFF(t, f, n) _Static_assert(offsetof(t, f) == (n), #t "." #f " offset")

FCNVME_ASSERT_SIZE(struct fcnvme_ls_rqst_w0, 4);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_rqst, 16);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_rjt, 16);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_rjt, reason_code, 9);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_rjt, reason_explanation, 10);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_assoc_id, 16);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_conn_id, 16);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_cr_assoc_cmd, 1016);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, ersp_ratio, 8);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, cntlid, 48);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, sqsize, 50);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, hostid, 56);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, hostnqn, 72);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, subnqn, 328);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_assoc_cmd, rsvd584, 584);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_cr_conn_cmd, 56);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_conn_cmd, qid, 48);
FCNVME_ASSERT_OFF(struct fcnvme_lsdesc_cr_conn_cmd, sqsize, 50);
FCNVME_ASSERT_SIZE(struct fcnvme_lsdesc_disconn_cmd, 24);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_acc_hdr, 24);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_rjt, 40);
FCNVME_ASSERT_OFF(struct fcnvme_ls_rjt, rjt, 24);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_cr_assoc_rqst, 1024);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_cr_assoc_acc, 56);
FCNVME_ASSERT_OFF(struct fcnvme_ls_cr_assoc_acc, associd, 24);
FCNVME_ASSERT_OFF(struct fcnvme_ls_cr_assoc_acc, connectid, 40);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_cr_conn_rqst, 80);
FCNVME_ASSERT_OFF(struct fcnvme_ls_cr_conn_rqst, connect_cmd, 24);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_cr_conn_acc, 40);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_disconnect_assoc_rqst, 48);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_disconnect_assoc_acc, 24);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_disconnect_conn_rqst, 40);
FCNVME_ASSERT_SIZE(struct fcnvme_ls_disconnect_conn_acc, 24);
FCNVME_ASSERT_SIZE(struct nvme_fc_cmd_iu, 96);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, rsv_cat, 6);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, flags, 7);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, connection_id, 8);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, csn, 16);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, data_len, 20);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, sqe, 24);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, dps, 88);
FCNVME_ASSERT_OFF(struct nvme_fc_cmd_iu, ms, 90);
FCNVME_ASSERT_SIZE(struct nvme_fc_ersp_iu, 32);
FCNVME_ASSERT_OFF(struct nvme_fc_ersp_iu, rsn, 4);
FCNVME_ASSERT_OFF(struct nvme_fc_ersp_iu, xfrd_len, 8);
FCNVME_ASSERT_OFF(struct nvme_fc_ersp_iu, cqe, 16);
FCNVME_ASSERT_SIZE(struct nvme_fc_xfer_rdy_iu, 12);
FCNVME_ASSERT_SIZE(struct nvme_fc_nvme_sr_iu, 8);
FCNVME_ASSERT_OFF(struct nvme_fc_nvme_sr_iu, retry_rctl, 3);
FCNVME_ASSERT_SIZE(struct nvme_fc_nvme_sr_rsp_iu, 8);
FCNVME_ASSERT_OFF(struct nvme_fc_nvme_sr_rsp_iu, status, 3);
_Static_assert(NVME_FC_TRADDR_MAXLENGTH == 43 && NVME_FC_TRADDR_MINLENGTH == 39, "traddr len");
_Static_assert(NVME_FC_TRADDR_MAX_PN_OFFSET == 22 && NVME_FC_TRADDR_MIN_PN_OFFSET == 20,
	       "traddr pn offset");
_Static_assert(FCNVME_LSDESC_CRA_CMD_DESC_MINLEN == 584, "CRA desc minlen");
_Static_assert(FCNVME_LSDESC_CRA_CMD_DESC_MIN_DESCLEN == 576, "CRA min desclen");
_Static_assert(FCNVME_LSDESC_CRA_RQST_MINLEN == 592, "CRA rqst minlen");

#endif /* FCNVME_FC_WIRE_H */
