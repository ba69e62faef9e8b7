// SPDX-License-Identifier: Apache-2.0
/*
 * The command descriptor table of the control protocol: for every command
 * its name, whether it mutates state or answers with a dump, and which
 * attributes a request must and may carry. Plus the name tables of the
 * protocol's small enums (ANA states, log levels, attributes).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <fcnvmectl/ctl.h>

#include "ctl_int.h"

#define A(x) FCNVME_ABIT(FCNVME_A_##x)
#define W    FCNVME_CMDF_WRITE
#define D    FCNVME_CMDF_DUMP

/* Namespace settings accepted by "namespace add". */
#define NS_ADD_ATTRS                                                                      \
	(A(NQN) | A(NSID) | A(BACKEND) | A(PATH) | A(SIZE) | A(LBA_SIZE) | A(READ_ONLY) | \
	 A(UUID) | A(NGUID) | A(EUI64) | A(ANA_GRPID) | A(ENABLED) | A(RESERVATIONS))
#define REFERRAL_ATTRS (A(REFERRAL) | A(TRADDR) | A(PORTID) | A(TREQ) | A(PORTS) | A(HOSTS))
#define SUBSYS_ATTRS                                                                \
	(A(NQN) | A(SERIAL) | A(MODEL) | A(FIRMWARE) | A(ALLOW_ANY) | A(IEEE_OUI) | \
	 A(CNTLID_MIN) | A(CNTLID_MAX))

const struct fcnvme_cmd_desc fcnvme_cmds[FCNVME_CMD_MAX + 1] = {
	[FCNVME_CMD_STATUS] = { "status", D, 0, 0 },
	[FCNVME_CMD_VERSION] = { "version", D, 0, 0 },
	[FCNVME_CMD_PORT_LIST] = { "port-list", D, 0, 0 },
	[FCNVME_CMD_PORT_SHOW] = { "port-show", D, A(NAME), A(NAME) },
	[FCNVME_CMD_PORT_ENABLE] = { "port-enable", W, A(NAME), A(NAME) },
	[FCNVME_CMD_PORT_DISABLE] = { "port-disable", W, A(NAME), A(NAME) },
	[FCNVME_CMD_HOST_LIST] = { "host-list", D, 0, A(NAME) },
	[FCNVME_CMD_HOST_INVALIDATE] = { "host-invalidate", W, A(WWPN), A(WWPN) },
	[FCNVME_CMD_SUBSYS_ADD] = { "subsystem-add", W, A(NQN), SUBSYS_ATTRS },
	[FCNVME_CMD_SUBSYS_DEL] = { "subsystem-del", W, A(NQN), A(NQN) },
	[FCNVME_CMD_SUBSYS_LIST] = { "subsystem-list", D, 0, 0 },
	[FCNVME_CMD_SUBSYS_SHOW] = { "subsystem-show", D, A(NQN), A(NQN) },
	[FCNVME_CMD_SUBSYS_SET] = { "subsystem-set", W, A(NQN), SUBSYS_ATTRS },
	[FCNVME_CMD_ALLOWED_HOST_ADD] = { "allowed-host-add", W, A(NQN) | A(HOST_NQN),
					  A(NQN) | A(HOST_NQN) },
	[FCNVME_CMD_ALLOWED_HOST_DEL] = { "allowed-host-del", W, A(NQN) | A(HOST_NQN),
					  A(NQN) | A(HOST_NQN) },
	[FCNVME_CMD_NS_ADD] = { "namespace-add", W, A(NQN) | A(BACKEND), NS_ADD_ATTRS },
	[FCNVME_CMD_NS_DEL] = { "namespace-del", W, A(NQN) | A(NSID), A(NQN) | A(NSID) },
	[FCNVME_CMD_NS_LIST] = { "namespace-list", D, 0, A(NQN) },
	[FCNVME_CMD_NS_SHOW] = { "namespace-show", D, A(NQN) | A(NSID), A(NQN) | A(NSID) },
	[FCNVME_CMD_NS_RESIZE] = { "namespace-resize", W, A(NQN) | A(NSID) | A(SIZE),
				   A(NQN) | A(NSID) | A(SIZE) },
	[FCNVME_CMD_NS_ENABLE] = { "namespace-enable", W, A(NQN) | A(NSID), A(NQN) | A(NSID) },
	[FCNVME_CMD_NS_DISABLE] = { "namespace-disable", W, A(NQN) | A(NSID), A(NQN) | A(NSID) },
	[FCNVME_CMD_NS_HOST_ADD] = { "namespace-add-host", W, A(NQN) | A(NSID) | A(HOST_NQN),
				     A(NQN) | A(NSID) | A(HOST_NQN) },
	[FCNVME_CMD_NS_RESV_CLEAR] = { "namespace-resv-clear", W, A(NQN) | A(NSID),
				       A(NQN) | A(NSID) },
	[FCNVME_CMD_NS_SET] = { "namespace-set", W, A(NQN) | A(NSID),
				A(NQN) | A(NSID) | A(READ_ONLY) | A(RESERVATIONS) },
	[FCNVME_CMD_NS_HOST_DEL] = { "namespace-del-host", W, A(NQN) | A(NSID) | A(HOST_NQN),
				     A(NQN) | A(NSID) | A(HOST_NQN) },
	[FCNVME_CMD_NS_SET_ANA_GROUP] = { "namespace-set-ana-group", W,
					  A(NQN) | A(NSID) | A(ANA_GRPID),
					  A(NQN) | A(NSID) | A(ANA_GRPID) },
	[FCNVME_CMD_ANA_ADD] = { "ana-add", W, A(ANA_GRPID), A(ANA_GRPID) | A(ANA_STATE) },
	[FCNVME_CMD_ANA_SET_STATE] = { "ana-set-state", W, A(ANA_GRPID) | A(ANA_STATE),
				       A(ANA_GRPID) | A(ANA_STATE) | A(NAME) },
	[FCNVME_CMD_ASSOC_LIST] = { "assoc-list", D, 0, A(NQN) },
	[FCNVME_CMD_ASSOC_DELETE] = { "assoc-delete", W, A(ASSOC_ID), A(ASSOC_ID) },
	[FCNVME_CMD_STATS] = { "stats", D, 0, A(OBJ) },
	[FCNVME_CMD_DISCOVERY_EVENT] = { "discovery-event", W, 0, A(NAME) },
	[FCNVME_CMD_CONFIG_RELOAD] = { "config-reload", W, 0, A(PATH) },
	[FCNVME_CMD_CONFIG_SAVE] = { "config-save", W, 0, A(PATH) },
	[FCNVME_CMD_CONFIG_SHOW] = { "config-show", D, 0, 0 },
	[FCNVME_CMD_CONFIG_DIFF] = { "config-diff", W, 0, A(PATH) },
	[FCNVME_CMD_HOST_SHOW] = { "host-show", D, A(WWPN), A(WWPN) },
	[FCNVME_CMD_LOG_LEVEL] = { "log-level", W, A(LOG_LEVEL), A(LOG_LEVEL) },
	[FCNVME_CMD_SUBSYS_PORT_ADD] = { "subsystem-add-port", W, A(NQN) | A(NAME),
					 A(NQN) | A(NAME) },
	[FCNVME_CMD_SUBSYS_PORT_DEL] = { "subsystem-del-port", W, A(NQN) | A(NAME),
					 A(NQN) | A(NAME) },
	[FCNVME_CMD_ALLOWED_WWPN_ADD] = { "allowed-wwpn-add", W, A(NQN) | A(WWPN),
					  A(NQN) | A(WWPN) },
	[FCNVME_CMD_ALLOWED_WWPN_DEL] = { "allowed-wwpn-del", W, A(NQN) | A(WWPN),
					  A(NQN) | A(WWPN) },
	[FCNVME_CMD_CLUSTER_NODES] = { "cluster-nodes", D, 0, 0 },
	[FCNVME_CMD_CLUSTER_GROUPS] = { "cluster-groups", D, 0, 0 },
	[FCNVME_CMD_CLUSTER_STATUS] = { "cluster-status", D, 0, 0 },
	[FCNVME_CMD_CLUSTER_MOVE_GROUP] = { "cluster-move-group", W, A(ANA_GRPID) | A(NODE),
					    A(ANA_GRPID) | A(NODE) },
	[FCNVME_CMD_CLUSTER_SUBSYS_ADD] = { "cluster-add-subsystem", W, A(NQN),
					    A(NQN) | A(ALLOW_ANY) },
	[FCNVME_CMD_CLUSTER_SUBSYS_DEL] = { "cluster-del-subsystem", W, A(NQN), A(NQN) },
	[FCNVME_CMD_REFERRAL_ADD] = { "referral-add", W, A(REFERRAL) | A(TRADDR), REFERRAL_ATTRS },
	[FCNVME_CMD_REFERRAL_DEL] = { "referral-del", W, A(REFERRAL), A(REFERRAL) },
	[FCNVME_CMD_REFERRAL_LIST] = { "referral-list", D, 0, 0 },
	[FCNVME_CMD_REFERRAL_SET] = { "referral-set", W, A(REFERRAL) | A(TRADDR), REFERRAL_ATTRS },
};

static const char *const ana_state_names[__FCNVME_ANA_MAX] = {
	[FCNVME_ANA_OPTIMIZED] = "optimized",
	[FCNVME_ANA_NON_OPTIMIZED] = "non-optimized",
	[FCNVME_ANA_INACCESSIBLE] = "inaccessible",
	[FCNVME_ANA_PERSISTENT_LOSS] = "persistent-loss",
	[FCNVME_ANA_CHANGE] = "change",
};

static const char *const log_level_names[__FCNVME_LOG_MAX] = {
	[FCNVME_LOG_WARN] = "warn",
	[FCNVME_LOG_INFO] = "info",
	[FCNVME_LOG_DEBUG] = "debug",
};

static const char *const obj_names[__FCNVME_OBJ_MAX] = {
	[FCNVME_OBJ_PORT] = "port",
	[FCNVME_OBJ_SUBSYS] = "subsystem",
	[FCNVME_OBJ_NS] = "namespace",
	[FCNVME_OBJ_HOST] = "host",
};

/* Descriptor of a command, or NULL for UNSPEC and unknown values. */
const struct fcnvme_cmd_desc *fcnvme_cmd_desc(unsigned int cmd)
{
	if (cmd > FCNVME_CMD_MAX || fcnvme_cmds[cmd].name == NULL)
		return NULL;
	return &fcnvme_cmds[cmd];
}

/* Name of an attribute as the policy table spells it. */
const char *fcnvme_attr_name(unsigned int attr)
{
	if (attr > FCNVME_A_MAX)
		return NULL;
	return fcn_ctl_policy[attr].name;
}

static int name_lookup(const char *const *names, unsigned int n, const char *s)
{
	unsigned int i;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

/* Name of an ANA state. */
const char *fcnvme_ana_state_name(unsigned int state)
{
	return state < __FCNVME_ANA_MAX ? ana_state_names[state] : NULL;
}

/* ANA state from its exact name. */
int fcnvme_ana_state_parse(const char *s)
{
	return name_lookup(ana_state_names, __FCNVME_ANA_MAX, s);
}

/* Name of a log level. */
const char *fcnvme_log_level_name(unsigned int level)
{
	return level < __FCNVME_LOG_MAX ? log_level_names[level] : NULL;
}

/* Log level from its exact name. */
int fcnvme_log_level_parse(const char *s)
{
	return name_lookup(log_level_names, __FCNVME_LOG_MAX, s);
}

/* Name of a stats row kind. */
const char *fcnvme_obj_name(unsigned int obj)
{
	return obj < __FCNVME_OBJ_MAX ? obj_names[obj] : NULL;
}

/* Stats row kind from its exact name. */
int fcnvme_obj_parse(const char *s)
{
	return name_lookup(obj_names, __FCNVME_OBJ_MAX, s);
}
