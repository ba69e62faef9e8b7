// SPDX-License-Identifier: Apache-2.0
/*
 * The fcnvmectl grammar: one entry per protocol command with its exact
 * object and verb words, positional arguments and keyword options, and the
 * columns of its text table. Adding a command = one entry here.
 */
#include <stddef.h>

#include "fcnvmectl.h"

#define A(x)	FCNVME_A_##x
#define C(x)	FCNVME_CMD_##x
#define END	{ NULL, 0, ARG_NONE, false }

static const struct ctlarg subsys_opts[] = {
	{ "serial", A(SERIAL), ARG_STR, false },
	{ "model", A(MODEL), ARG_STR, false },
	{ "firmware", A(FIRMWARE), ARG_STR, false },
	{ "allow-any-host", A(ALLOW_ANY), ARG_BOOL, false },
	{ "ieee-oui", A(IEEE_OUI), ARG_U32, false },
	{ "cntlid-min", A(CNTLID_MIN), ARG_U16, false },
	{ "cntlid-max", A(CNTLID_MAX), ARG_U16, false },
	END
};

static const struct ctlarg ns_opts[] = {
	{ "path", A(PATH), ARG_STR, false },
	{ "size", A(SIZE), ARG_SIZE, false },
	{ "nsid", A(NSID), ARG_U32, false },
	{ "lba-size", A(LBA_SIZE), ARG_U32, false },
	{ "ana-group", A(ANA_GRPID), ARG_U32, false },
	{ "read-only", A(READ_ONLY), ARG_BOOL, false },
	{ "enabled", A(ENABLED), ARG_BOOL, false },
	{ "uuid", A(UUID), ARG_UUID, false },
	{ "nguid", A(NGUID), ARG_HEX, false },
	{ "eui64", A(EUI64), ARG_HEX, false },
	END
};

#define NQN	{ "NQN", A(NQN), ARG_NQN, false }
#define NSID	{ "NSID", A(NSID), ARG_U32, false }
#define PORT	{ "PORT", A(NAME), ARG_STR, false }

const struct ctlverb ctl_verbs[] = {
	{ "status", NULL, C(STATUS), { END }, NULL, NULL },
	{ "version", NULL, C(VERSION), { END }, NULL, NULL },
	{ "port", "list", C(PORT_LIST), { END }, NULL,
	  "name dev portid wwnn wwpn nport-id enabled link-up hw-queues rports" },
	{ "port", "show", C(PORT_SHOW), { PORT }, NULL, NULL },
	{ "port", "enable", C(PORT_ENABLE), { PORT }, NULL, NULL },
	{ "port", "disable", C(PORT_DISABLE), { PORT }, NULL, NULL },
	{ "host", "list", C(HOST_LIST), { END }, NULL,
	  "name wwnn wwpn nport-id link-up associations" },
	{ "host", "invalidate", C(HOST_INVALIDATE),
	  { { "WWPN", A(WWPN), ARG_WWN, false } }, NULL, NULL },
	{ "subsystem", "add", C(SUBSYS_ADD), { NQN }, subsys_opts, NULL },
	{ "subsystem", "del", C(SUBSYS_DEL), { NQN }, NULL, NULL },
	{ "subsystem", "list", C(SUBSYS_LIST), { END }, NULL,
	  "nqn allow-any-host namespaces associations ports hosts" },
	{ "subsystem", "show", C(SUBSYS_SHOW), { NQN }, NULL, NULL },
	{ "subsystem", "set", C(SUBSYS_SET), { NQN }, subsys_opts, NULL },
	{ "subsystem", "add-port", C(SUBSYS_PORT_ADD), { NQN, PORT }, NULL,
	  NULL },
	{ "subsystem", "del-port", C(SUBSYS_PORT_DEL), { NQN, PORT }, NULL,
	  NULL },
	{ "allowed-host", "add", C(ALLOWED_HOST_ADD),
	  { NQN, { "HOSTNQN", A(HOST_NQN), ARG_NQN, false } }, NULL, NULL },
	{ "allowed-host", "del", C(ALLOWED_HOST_DEL),
	  { NQN, { "HOSTNQN", A(HOST_NQN), ARG_NQN, false } }, NULL, NULL },
	{ "allowed-wwpn", "add", C(ALLOWED_WWPN_ADD),
	  { NQN, { "WWPN", A(WWPN), ARG_WWN, false } }, NULL, NULL },
	{ "allowed-wwpn", "del", C(ALLOWED_WWPN_DEL),
	  { NQN, { "WWPN", A(WWPN), ARG_WWN, false } }, NULL, NULL },
	{ "namespace", "add", C(NS_ADD),
	  { NQN, { "BACKEND", A(BACKEND), ARG_STR, false } }, ns_opts, NULL },
	{ "namespace", "del", C(NS_DEL), { NQN, NSID }, NULL, NULL },
	{ "namespace", "list", C(NS_LIST),
	  { { "NQN", A(NQN), ARG_NQN, true } }, NULL,
	  "nqn nsid backend size lba-size ana-group read-only enabled path" },
	{ "namespace", "show", C(NS_SHOW), { NQN, NSID }, NULL, NULL },
	{ "namespace", "resize", C(NS_RESIZE),
	  { NQN, NSID, { "SIZE", A(SIZE), ARG_SIZE, false } }, NULL, NULL },
	{ "namespace", "enable", C(NS_ENABLE), { NQN, NSID }, NULL, NULL },
	{ "namespace", "disable", C(NS_DISABLE), { NQN, NSID }, NULL, NULL },
	{ "namespace", "set-ana-group", C(NS_SET_ANA_GROUP),
	  { NQN, NSID, { "GROUP", A(ANA_GRPID), ARG_U32, false } }, NULL,
	  NULL },
	{ "ana", "add", C(ANA_ADD),
	  { { "GROUP", A(ANA_GRPID), ARG_U32, false },
	    { "STATE", A(ANA_STATE), ARG_ANA_STATE, true } }, NULL, NULL },
	{ "ana", "set-state", C(ANA_SET_STATE),
	  { { "GROUP", A(ANA_GRPID), ARG_U32, false },
	    { "STATE", A(ANA_STATE), ARG_ANA_STATE, false },
	    { "PORT", A(NAME), ARG_STR, true } }, NULL, NULL },
	{ "assoc", "list", C(ASSOC_LIST),
	  { { "NQN", A(NQN), ARG_NQN, true } }, NULL,
	  "assoc-id nqn host-nqn cntlid name wwpn queues kato" },
	{ "assoc", "delete", C(ASSOC_DELETE),
	  { { "ID", A(ASSOC_ID), ARG_U64, false } }, NULL, NULL },
	{ "stats", NULL, C(STATS),
	  { { "OBJECT", A(OBJ), ARG_OBJ, true } }, NULL,
	  "object name nqn nsid host-nqn wwpn commands bytes-read bytes-written "
	  "errors aborts lat-p50-ns lat-p99-ns lat-p999-ns lat-max-ns" },
	{ "discovery-event", NULL, C(DISCOVERY_EVENT),
	  { { "PORT", A(NAME), ARG_STR, true } }, NULL, NULL },
	{ "config", "reload", C(CONFIG_RELOAD), { END }, NULL, NULL },
	{ "config", "save", C(CONFIG_SAVE),
	  { { "FILE", A(PATH), ARG_STR, true } }, NULL, NULL },
	{ "config", "show", C(CONFIG_SHOW), { END }, NULL, NULL },
	{ "log", "level", C(LOG_LEVEL),
	  { { "LEVEL", A(LOG_LEVEL), ARG_LOG_LEVEL, false } }, NULL, NULL },
};

const size_t ctl_nverbs = sizeof(ctl_verbs) / sizeof(ctl_verbs[0]);

/* How each attribute of a reply is printed. */
const enum ctlarg_kind ctl_attr_kind[FCNVME_A_MAX + 1] = {
	[FCNVME_A_UNSPEC] = ARG_NONE,
	[FCNVME_A_ERRMSG] = ARG_STR,
	[FCNVME_A_VERSION] = ARG_STR,
	[FCNVME_A_PROTO] = ARG_U32,
	[FCNVME_A_NAME] = ARG_STR,
	[FCNVME_A_DEV] = ARG_STR,
	[FCNVME_A_WWNN] = ARG_WWN,
	[FCNVME_A_WWPN] = ARG_WWN,
	[FCNVME_A_NPORT_ID] = ARG_NPORT,
	[FCNVME_A_ENABLED] = ARG_BOOL,
	[FCNVME_A_LINK_UP] = ARG_BOOL,
	[FCNVME_A_NR_HWQ] = ARG_U16,
	[FCNVME_A_NR_RPORTS] = ARG_U32,
	[FCNVME_A_PORTID] = ARG_U16,
	[FCNVME_A_NQN] = ARG_STR,
	[FCNVME_A_HOST_NQN] = ARG_STR,
	[FCNVME_A_SERIAL] = ARG_STR,
	[FCNVME_A_MODEL] = ARG_STR,
	[FCNVME_A_FIRMWARE] = ARG_STR,
	[FCNVME_A_ALLOW_ANY] = ARG_BOOL,
	[FCNVME_A_NSID] = ARG_U32,
	[FCNVME_A_BACKEND] = ARG_STR,
	[FCNVME_A_PATH] = ARG_STR,
	[FCNVME_A_SIZE] = ARG_SIZE,
	[FCNVME_A_LBA_SIZE] = ARG_U32,
	[FCNVME_A_READ_ONLY] = ARG_BOOL,
	[FCNVME_A_UUID] = ARG_UUID,
	[FCNVME_A_NGUID] = ARG_HEX,
	[FCNVME_A_EUI64] = ARG_HEX,
	[FCNVME_A_ANA_GRPID] = ARG_U32,
	[FCNVME_A_ANA_STATE] = ARG_ANA_STATE,
	[FCNVME_A_NR_ASSOCS] = ARG_U32,
	[FCNVME_A_ASSOC_ID] = ARG_WWN,	/* printed 0x%016 like a WWN */
	[FCNVME_A_CNTLID] = ARG_U16,
	[FCNVME_A_NR_QUEUES] = ARG_U16,
	[FCNVME_A_KATO] = ARG_U32,
	[FCNVME_A_OBJ] = ARG_OBJ,
	[FCNVME_A_CMDS] = ARG_U64,
	[FCNVME_A_BYTES_READ] = ARG_U64,
	[FCNVME_A_BYTES_WRITTEN] = ARG_U64,
	[FCNVME_A_ERRORS] = ARG_U64,
	[FCNVME_A_ABORTS] = ARG_U64,
	[FCNVME_A_LAT_P50] = ARG_U64,
	[FCNVME_A_LAT_P99] = ARG_U64,
	[FCNVME_A_LAT_P999] = ARG_U64,
	[FCNVME_A_LOG_LEVEL] = ARG_LOG_LEVEL,
	[FCNVME_A_UPTIME_MS] = ARG_U64,
	[FCNVME_A_NR_PORTS] = ARG_U32,
	[FCNVME_A_NR_SUBSYS] = ARG_U32,
	[FCNVME_A_NR_NS] = ARG_U32,
	[FCNVME_A_TEXT] = ARG_STR,
	[FCNVME_A_HOSTS] = ARG_LIST,
	[FCNVME_A_PORTS] = ARG_LIST,
	[FCNVME_A_PERM] = ARG_BOOL,
	[FCNVME_A_WWPNS] = ARG_WWN_LIST,
	[FCNVME_A_IEEE_OUI] = ARG_NPORT,	/* 24-bit, printed 0x%06x */
	[FCNVME_A_CNTLID_MIN] = ARG_U16,
	[FCNVME_A_CNTLID_MAX] = ARG_U16,
	[FCNVME_A_LAT_MAX] = ARG_U64,
};
