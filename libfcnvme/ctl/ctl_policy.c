// SPDX-License-Identifier: Apache-2.0
/*
 * The attribute policy of the control protocol: for every attribute its
 * name, exact wire type, maximum string length (NUL included) or exact
 * binary size, and the allowed range of integers. The validator and the
 * put helpers both read this one table.
 */
#include <stddef.h>
#include <stdint.h>

#include <fcnvme/nqn.h>
#include <fcnvme/wwn.h>

#include "ctl_int.h"

#define U8(n, lo, hi)                                                     \
	{                                                                 \
		.name = (n), .type = FCN_CTL_U8, .min = (lo), .max = (hi) \
	}
#define U16(n, lo, hi)                                                     \
	{                                                                  \
		.name = (n), .type = FCN_CTL_U16, .min = (lo), .max = (hi) \
	}
#define U32(n, lo, hi)                                                     \
	{                                                                  \
		.name = (n), .type = FCN_CTL_U32, .min = (lo), .max = (hi) \
	}
#define U64(n)                                                                \
	{                                                                     \
		.name = (n), .type = FCN_CTL_U64, .min = 0, .max = UINT64_MAX \
	}
#define STR(n, l)                                               \
	{                                                       \
		.name = (n), .type = FCN_CTL_STRING, .len = (l) \
	}
#define BIN(n, l)                                               \
	{                                                       \
		.name = (n), .type = FCN_CTL_BINARY, .len = (l) \
	}
#define LIST(n, e)                                             \
	{                                                      \
		.name = (n), .type = FCN_CTL_LIST, .elem = (e) \
	}

#define NQN_STRLEN (FCNVME_NQN_MAXLEN + 1)

const struct fcn_ctl_policy fcn_ctl_policy[FCNVME_A_MAX + 1] = {
	[FCNVME_A_UNSPEC] = { .name = NULL, .type = FCN_CTL_NONE },
	[FCNVME_A_ERRMSG] = STR("errmsg", 512),
	[FCNVME_A_VERSION] = STR("version", 64),
	[FCNVME_A_PROTO] = U32("proto", 1, UINT32_MAX),
	[FCNVME_A_NAME] = STR("name", 32),
	[FCNVME_A_DEV] = STR("dev", 128),
	[FCNVME_A_WWNN] = U64("wwnn"),
	[FCNVME_A_WWPN] = U64("wwpn"),
	[FCNVME_A_NPORT_ID] = U32("nport-id", 0, 0xffffff),
	[FCNVME_A_ENABLED] = U8("enabled", 0, 1),
	[FCNVME_A_LINK_UP] = U8("link-up", 0, 1),
	[FCNVME_A_NR_HWQ] = U16("hw-queues", 0, UINT16_MAX),
	[FCNVME_A_NR_RPORTS] = U32("rports", 0, UINT32_MAX),
	[FCNVME_A_PORTID] = U16("portid", 0, UINT16_MAX),
	[FCNVME_A_NQN] = STR("nqn", NQN_STRLEN),
	[FCNVME_A_HOST_NQN] = STR("host-nqn", NQN_STRLEN),
	[FCNVME_A_SERIAL] = STR("serial", 21),
	[FCNVME_A_MODEL] = STR("model", 41),
	[FCNVME_A_FIRMWARE] = STR("firmware", 9),
	[FCNVME_A_ALLOW_ANY] = U8("allow-any-host", 0, 1),
	[FCNVME_A_NSID] = U32("nsid", 1, 0xfffffffe),
	[FCNVME_A_BACKEND] = STR("backend", 16),
	[FCNVME_A_PATH] = STR("path", 4096),
	[FCNVME_A_SIZE] = U64("size"),
	[FCNVME_A_LBA_SIZE] = U32("lba-size", 512, 4096),
	[FCNVME_A_READ_ONLY] = U8("read-only", 0, 1),
	[FCNVME_A_UUID] = BIN("uuid", 16),
	[FCNVME_A_NGUID] = BIN("nguid", 16),
	[FCNVME_A_EUI64] = BIN("eui64", 8),
	[FCNVME_A_ANA_GRPID] = U32("ana-group", 1, FCNVME_ANA_GRPID_MAX),
	[FCNVME_A_ANA_STATE] = U8("ana-state", 0, __FCNVME_ANA_MAX - 1),
	[FCNVME_A_NR_ASSOCS] = U32("associations", 0, UINT32_MAX),
	[FCNVME_A_ASSOC_ID] = U64("assoc-id"),
	[FCNVME_A_CNTLID] = U16("cntlid", 0, UINT16_MAX),
	[FCNVME_A_NR_QUEUES] = U16("queues", 0, UINT16_MAX),
	[FCNVME_A_KATO] = U32("kato", 0, UINT32_MAX),
	[FCNVME_A_OBJ] = U8("object", 0, __FCNVME_OBJ_MAX - 1),
	[FCNVME_A_CMDS] = U64("commands"),
	[FCNVME_A_BYTES_READ] = U64("bytes-read"),
	[FCNVME_A_BYTES_WRITTEN] = U64("bytes-written"),
	[FCNVME_A_ERRORS] = U64("errors"),
	[FCNVME_A_ABORTS] = U64("aborts"),
	[FCNVME_A_LAT_P50] = U64("lat-p50-ns"),
	[FCNVME_A_LAT_P99] = U64("lat-p99-ns"),
	[FCNVME_A_LAT_P999] = U64("lat-p999-ns"),
	[FCNVME_A_LOG_LEVEL] = U8("log-level", 0, __FCNVME_LOG_MAX - 1),
	[FCNVME_A_UPTIME_MS] = U64("uptime-ms"),
	[FCNVME_A_NR_PORTS] = U32("port-count", 0, UINT32_MAX),
	[FCNVME_A_NR_SUBSYS] = U32("subsystems", 0, UINT32_MAX),
	[FCNVME_A_NR_NS] = U32("namespaces", 0, UINT32_MAX),
	[FCNVME_A_TEXT] = STR("text", 8192),
	[FCNVME_A_HOSTS] = LIST("hosts", FCNVME_A_HOST_NQN),
	[FCNVME_A_PORTS] = LIST("ports", FCNVME_A_NAME),
	[FCNVME_A_PERM] = U8("writable", 0, 1),
	[FCNVME_A_WWPNS] = LIST("host-wwpns", FCNVME_A_WWPN),
	[FCNVME_A_IEEE_OUI] = U32("ieee-oui", 0, 0xffffff),
	[FCNVME_A_CNTLID_MIN] = U16("cntlid-min", 1, 0xffef),
	[FCNVME_A_CNTLID_MAX] = U16("cntlid-max", 1, 0xffef),
	[FCNVME_A_LAT_MAX] = U64("lat-max-ns"),
	[FCNVME_A_NODE] = STR("node", 32),
	[FCNVME_A_NODE_ID] = U16("node-id", 1, 15),
	[FCNVME_A_ALIVE] = U8("alive", 0, 1),
	[FCNVME_A_AGE_MS] = U64("age-ms"),
	[FCNVME_A_EPOCH] = U64("epoch"),
	[FCNVME_A_MEMBER] = U8("member", 0, 1),
	[FCNVME_A_ANSWERS] = U8("answers", 0, 1),
	[FCNVME_A_READ_AGE_MS] = U64("read-age-ms"),
	[FCNVME_A_READ_FAILS] = U32("read-fails", 0, UINT32_MAX),
	[FCNVME_A_READ_WAIT_MS] = U64("read-wait-ms"),
	[FCNVME_A_HB_OK] = U8("heartbeat-ok", 0, 1),
	[FCNVME_A_GROUP_JOB] = STR("group-job", 128),
	[FCNVME_A_HOST_CONFLICTS] = U64("host-conflicts"),
	[FCNVME_A_PENDING] = U8("pending", 0, 1),
	[FCNVME_A_NR_PENDING] = U32("ns-pending", 0, UINT32_MAX),
	[FCNVME_A_LAT_HIST] = { .name = "lat-hist", .type = FCN_CTL_HIST },
	[FCNVME_A_LAT_SUM] = U64("lat-sum-ns"),
	[FCNVME_A_HOST_NQNS] = LIST("host-nqns", FCNVME_A_HOST_NQN),
	[FCNVME_A_COUNT] = U64("count"),
	[FCNVME_A_NQN_COUNTS] = LIST("host-nqn-counts", FCNVME_A_COUNT),
	[FCNVME_A_ALLOWED] = U8("allowed", 0, 1),
	[FCNVME_A_SEEN_AGO_MS] = U64("seen-ms-ago"),
	[FCNVME_A_REFUSALS] = U64("refusals"),
	[FCNVME_A_REFUSAL] = STR("last-refusal", 128),
	[FCNVME_A_REF_STATUS] = U16("refusal-status", 0, UINT16_MAX),
	[FCNVME_A_REF_AGO_MS] = U64("refused-ms-ago"),
	[FCNVME_A_REF_NQN] = STR("refused-by", NQN_STRLEN),
	[FCNVME_A_REFERRAL] = STR("referral", 32),
	[FCNVME_A_TRADDR] = STR("traddr", FCNVME_TRADDR_STRLEN),
	[FCNVME_A_RESERVATIONS] = U8("reservations", 0, 1),
	[FCNVME_A_RESV_GEN] = U32("resv-generation", 0, UINT32_MAX),
	[FCNVME_A_RESV_TYPE] = STR("resv-type", 48),
	[FCNVME_A_RESV_HOLDER] = STR("resv-holder", 33),
	[FCNVME_A_PTPL] = U8("ptpl", 0, 1),
	[FCNVME_A_REGISTRANT] = STR("registrant", 64),
	[FCNVME_A_TREQ] = STR("treq", 16),
	[FCNVME_A_REGISTRANTS] = LIST("registrants", FCNVME_A_REGISTRANT),
};
