/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FC-NVMe Link Service codec: pure functions that build every LS request,
 * ACC and RJT payload into a caller's buffer, and that parse received
 * payloads with exactly the checks, order and reject codes of Linux (the
 * target's request validation of nvmet-fc and the host's response
 * validation of nvme-fc), plus a little hardening noted per function.
 * Nothing here allocates, logs or keeps state; every function may be
 * called from any thread.
 */
#ifndef FCNVME_LS_H
#define FCNVME_LS_H

#include <stddef.h>
#include <stdint.h>

#include <fcnvme/fc_wire.h>

/* Create Association parameters (host values, NUL-terminated strings). */
struct fcnvme_ls_cr_assoc_params {
	uint16_t ersp_ratio;
	uint16_t sqsize; /* 0's based, as on the wire */
	uint16_t cntlid; /* 0xffff: dynamic controller */
	uint8_t hostid[16];
	char hostnqn[FCNVME_ASSOC_HOSTNQN_LEN];
	char subnqn[FCNVME_ASSOC_SUBNQN_LEN];
};

/* Create Connection parameters (host values). */
struct fcnvme_ls_cr_conn_params {
	uint64_t association_id;
	uint16_t ersp_ratio;
	uint16_t qid;
	uint16_t sqsize; /* 0's based, as on the wire */
};

/*
 * What to put in the LS_RJT when a parser refuses a payload, and the check
 * that failed in words: a static string for logs (the wire carries only
 * the codes, and a LOGIC reject has no explanation code), NULL when the
 * payload was accepted.
 */
struct fcnvme_ls_verdict {
	uint8_t reason;	     /* FCNVME_RJT_RC_* */
	uint8_t explanation; /* FCNVME_RJT_EXP_* */
	const char *detail;
};

/*
 * Builders. Each writes exactly the payload (reserved bytes zero, nothing
 * past it) and returns its length (shown after each prototype), -ENOSPC if
 * len is smaller than that, or -EINVAL for a NULL pointer. buf needs no
 * particular alignment.
 */

/* Create Association request (1024 bytes); -EINVAL if an NQN is not NUL-terminated. */
int fcnvme_ls_build_cr_assoc(void *buf, size_t len, const struct fcnvme_ls_cr_assoc_params *p);
/* Create Connection request (80 bytes). */
int fcnvme_ls_build_cr_conn(void *buf, size_t len, const struct fcnvme_ls_cr_conn_params *p);
/* Disconnect Association request (48 bytes). */
int fcnvme_ls_build_disconnect_assoc(void *buf, size_t len, uint64_t association_id);
/* Disconnect Connection request (40 bytes). */
int fcnvme_ls_build_disconnect_conn(void *buf, size_t len, uint64_t association_id,
				    uint64_t connection_id);
/* LS_RJT (40 bytes) answering a request whose w0.ls_cmd was rqst_ls_cmd. */
int fcnvme_ls_build_rjt(void *buf, size_t len, uint8_t rqst_ls_cmd, uint8_t reason,
			uint8_t explanation);
/* Create Association ACC (56 bytes); the CONN_ID equals the ASSOC_ID. */
int fcnvme_ls_build_cr_assoc_acc(void *buf, size_t len, uint64_t association_id);
/* Create Connection ACC (40 bytes). */
int fcnvme_ls_build_cr_conn_acc(void *buf, size_t len, uint64_t connection_id);
/* Bare ACC (24 bytes): the answer to both Disconnect requests. */
int fcnvme_ls_build_acc(void *buf, size_t len, uint8_t rqst_ls_cmd);

/*
 * Target-side request parsers: the nvmet-fc checks in the nvmet-fc order.
 * 0 on success with *out filled; -EINVAL with *v set to the reject to send
 * (RC_LOGIC / EXP_NONE as Linux). Hardening beyond Linux: a hostnqn or
 * subnqn not NUL-terminated within 256 bytes gives INV_PARAM with
 * EXP_INV_HOSTNQN / EXP_INV_SUBNQN; a non-zero Disconnect "scope" word gives
 * LOGIC. Semantic checks (association exists, qid, sqsize limits) belong to
 * the transport. NULL pointers give -EINVAL with v (if given) = LOGIC.
 * Bytes past the structure are ignored (the transport refuses an LS longer
 * than NVME_FC_MAX_LS_RQST_LEN before parsing, as Linux does).
 */

/* Parse a Create Association request. */
int fcnvme_ls_parse_cr_assoc(const void *buf, size_t len, struct fcnvme_ls_cr_assoc_params *out,
			     struct fcnvme_ls_verdict *v);
/* Parse a Create Connection request. */
int fcnvme_ls_parse_cr_conn(const void *buf, size_t len, struct fcnvme_ls_cr_conn_params *out,
			    struct fcnvme_ls_verdict *v);
/* Parse a Disconnect Association request. */
int fcnvme_ls_parse_disconnect_assoc(const void *buf, size_t len, uint64_t *association_id,
				     struct fcnvme_ls_verdict *v);

/*
 * Host-side response parsers: the nvme-fc host checks. An LS_RJT gives
 * -ENXIO with *v = its reason and explanation (both 0 if the RJT is too
 * short to carry them); anything else malformed gives -EBADF. v may be NULL.
 */

/* Parse a Create Association ACC. */
int fcnvme_ls_parse_cr_assoc_acc(const void *buf, size_t len, uint64_t *association_id,
				 uint64_t *connection_id, struct fcnvme_ls_verdict *v);
/* Parse a Create Connection ACC. */
int fcnvme_ls_parse_cr_conn_acc(const void *buf, size_t len, uint64_t *connection_id,
				struct fcnvme_ls_verdict *v);
/* Parse a bare ACC answering rqst_ls_cmd (the Disconnect ACCs). */
int fcnvme_ls_parse_acc(const void *buf, size_t len, uint8_t rqst_ls_cmd,
			struct fcnvme_ls_verdict *v);

/* The w0.ls_cmd of a payload, or -EINVAL if len < 4 (or buf is NULL). */
int fcnvme_ls_cmd(const void *buf, size_t len);
/* "Create Association", ... for an ls_cmd; "unknown" otherwise. */
const char *fcnvme_ls_cmd_name(uint8_t ls_cmd);
/* A short name for an FCNVME_RJT_RC_* reason code; "unknown" otherwise. */
const char *fcnvme_ls_rjt_reason_name(uint8_t rc);
/* A short name for an FCNVME_RJT_EXP_* explanation; "unknown" otherwise. */
const char *fcnvme_ls_rjt_explan_name(uint8_t exp);

#endif /* FCNVME_LS_H */
