/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nvmetfcd control protocol, shared by the daemon and fcnvmectl. One
 * request or reply is one netlink message (struct nlmsghdr, then struct
 * fcnvme_ctlhdr, then attributes) carried in one AF_UNIX SOCK_SEQPACKET
 * datagram of at most FCNVME_CTL_MSG_MAX bytes. A request is answered by
 * either one NLMSG_ERROR (error 0 = done without data, or -errno plus an
 * FCNVME_A_ERRMSG attribute after the capped request header), or by zero or
 * more FCNVME_CTL_TYPE messages flagged NLM_F_MULTI ending with NLMSG_DONE.
 * Every command has one entry in the descriptor table fcnvme_cmds[] (name,
 * flags, required and allowed attributes); the daemon and the CLI attach
 * behaviour with their own arrays indexed by enum fcnvme_cmd.
 * Bump FCNVME_CTL_VERSION whenever a command or attribute changes meaning;
 * new values are only ever appended.
 */
#ifndef FCNVME_CTL_H
#define FCNVME_CTL_H

#include <stdint.h>

#define FCNVME_CTL_VERSION 1
/* FCNVME_A_LAT_HIST: the non-empty buckets of a struct fcnvme_hist
 * (fcnvme/hist.h), ascending, each FCNVME_HIST_ENTRY bytes: u16 bucket
 * index then u64 count (> 0), host byte order like every integer here,
 * unaligned. An empty histogram is an attribute of length 0. */
#define FCNVME_HIST_ENTRY  10
#define FCNVME_CTL_TYPE	   0x10		   /* nlmsg_type of requests and data */
#define FCNVME_CTL_MSG_MAX 16384	   /* largest datagram, bytes */
#define FCNVME_CTL_SOCKET  "nvmetfcd.sock" /* under the runtime dir */

/* The genetlink-shaped header after struct nlmsghdr. */
struct fcnvme_ctlhdr {
	uint8_t cmd;	   /* enum fcnvme_cmd */
	uint8_t version;   /* FCNVME_CTL_VERSION */
	uint16_t reserved; /* must be 0 */
};

_Static_assert(sizeof(struct fcnvme_ctlhdr) == 4, "ctlhdr is 4 bytes");

/* Commands; the CLI words are in the descriptor table. */
enum fcnvme_cmd {
	FCNVME_CMD_UNSPEC,
	FCNVME_CMD_STATUS,
	FCNVME_CMD_VERSION,
	FCNVME_CMD_PORT_LIST,
	FCNVME_CMD_PORT_SHOW,
	FCNVME_CMD_PORT_ENABLE,
	FCNVME_CMD_PORT_DISABLE,
	FCNVME_CMD_HOST_LIST,
	FCNVME_CMD_HOST_INVALIDATE,
	FCNVME_CMD_SUBSYS_ADD,
	FCNVME_CMD_SUBSYS_DEL,
	FCNVME_CMD_SUBSYS_LIST,
	FCNVME_CMD_SUBSYS_SHOW,
	FCNVME_CMD_SUBSYS_SET,
	FCNVME_CMD_ALLOWED_HOST_ADD,
	FCNVME_CMD_ALLOWED_HOST_DEL,
	FCNVME_CMD_NS_ADD,
	FCNVME_CMD_NS_DEL,
	FCNVME_CMD_NS_LIST,
	FCNVME_CMD_NS_SHOW,
	FCNVME_CMD_NS_RESIZE,
	FCNVME_CMD_NS_ENABLE,
	FCNVME_CMD_NS_DISABLE,
	FCNVME_CMD_NS_SET_ANA_GROUP,
	FCNVME_CMD_ANA_ADD,
	FCNVME_CMD_ANA_SET_STATE,
	FCNVME_CMD_ASSOC_LIST,
	FCNVME_CMD_ASSOC_DELETE,
	FCNVME_CMD_STATS,
	FCNVME_CMD_DISCOVERY_EVENT,
	FCNVME_CMD_CONFIG_RELOAD,
	FCNVME_CMD_CONFIG_SAVE,
	FCNVME_CMD_CONFIG_SHOW,
	FCNVME_CMD_LOG_LEVEL,
	FCNVME_CMD_SUBSYS_PORT_ADD,
	FCNVME_CMD_SUBSYS_PORT_DEL,
	FCNVME_CMD_ALLOWED_WWPN_ADD,
	FCNVME_CMD_ALLOWED_WWPN_DEL,
	FCNVME_CMD_CLUSTER_NODES,
	FCNVME_CMD_CLUSTER_GROUPS,
	FCNVME_CMD_CLUSTER_MOVE_GROUP,
	FCNVME_CMD_CLUSTER_SUBSYS_ADD,
	FCNVME_CMD_CLUSTER_SUBSYS_DEL,
	FCNVME_CMD_CONFIG_DIFF, /* reload dry run: the operations, nothing applied */
	FCNVME_CMD_HOST_SHOW,	/* one host port on every target port */
	FCNVME_CMD_NS_HOST_ADD, /* host masking: show a namespace to a host */
	FCNVME_CMD_NS_HOST_DEL,
	FCNVME_CMD_REFERRAL_ADD, /* discovery log referrals (subtype 1) */
	FCNVME_CMD_REFERRAL_DEL,
	FCNVME_CMD_REFERRAL_LIST,
	FCNVME_CMD_NS_RESV_CLEAR,  /* drop a namespace's reservation and registrants */
	FCNVME_CMD_NS_SET,	   /* read-only, reservations of a namespace in place */
	FCNVME_CMD_REFERRAL_SET,   /* a referral changed in place */
	FCNVME_CMD_CLUSTER_STATUS, /* this node's view of the state object */
	__FCNVME_CMD_MAX
};
#define FCNVME_CMD_MAX (__FCNVME_CMD_MAX - 1)

/*
 * Attributes. Integers have exactly their size on the wire; strings are
 * NUL-terminated and at most the policy's maxlen bytes including the NUL.
 */
enum fcnvme_attr {
	FCNVME_A_UNSPEC,
	FCNVME_A_ERRMSG,	/* string: human reason of an error */
	FCNVME_A_VERSION,	/* string: daemon package version */
	FCNVME_A_PROTO,		/* u32: protocol version of the daemon */
	FCNVME_A_NAME,		/* string: port name */
	FCNVME_A_DEV,		/* string: "soft:FABRIC", "/dev/uioN" or "pci:BDF" */
	FCNVME_A_WWNN,		/* u64 */
	FCNVME_A_WWPN,		/* u64 */
	FCNVME_A_NPORT_ID,	/* u32: 24-bit N_Port_ID */
	FCNVME_A_ENABLED,	/* u8: 0 or 1 */
	FCNVME_A_LINK_UP,	/* u8: 0 or 1 */
	FCNVME_A_NR_HWQ,	/* u16 */
	FCNVME_A_NR_RPORTS,	/* u32 */
	FCNVME_A_PORTID,	/* u16: NVMe-oF port id */
	FCNVME_A_NQN,		/* string: subsystem NQN */
	FCNVME_A_HOST_NQN,	/* string: host NQN */
	FCNVME_A_SERIAL,	/* string: <= 20 printable ASCII */
	FCNVME_A_MODEL,		/* string: <= 40 printable ASCII */
	FCNVME_A_FIRMWARE,	/* string: <= 8 printable ASCII */
	FCNVME_A_ALLOW_ANY,	/* u8: allow_any_host 0 or 1 */
	FCNVME_A_NSID,		/* u32: 1..0xfffffffe */
	FCNVME_A_BACKEND,	/* string: "null", "ram" or "file" */
	FCNVME_A_PATH,		/* string: backing file or config file */
	FCNVME_A_SIZE,		/* u64: bytes */
	FCNVME_A_LBA_SIZE,	/* u32: 512 or 4096 */
	FCNVME_A_READ_ONLY,	/* u8: 0 or 1 */
	FCNVME_A_UUID,		/* binary 16 */
	FCNVME_A_NGUID,		/* binary 16 */
	FCNVME_A_EUI64,		/* binary 8 */
	FCNVME_A_ANA_GRPID,	/* u32: 1..FCNVME_ANA_GRPID_MAX */
	FCNVME_A_ANA_STATE,	/* u8: enum fcnvme_ana_state */
	FCNVME_A_NR_ASSOCS,	/* u32 */
	FCNVME_A_ASSOC_ID,	/* u64 */
	FCNVME_A_CNTLID,	/* u16 */
	FCNVME_A_NR_QUEUES,	/* u16 */
	FCNVME_A_KATO,		/* u32: milliseconds */
	FCNVME_A_OBJ,		/* u8: enum fcnvme_obj (stats rows) */
	FCNVME_A_CMDS,		/* u64 */
	FCNVME_A_BYTES_READ,	/* u64 */
	FCNVME_A_BYTES_WRITTEN, /* u64 */
	FCNVME_A_ERRORS,	/* u64 */
	FCNVME_A_ABORTS,	/* u64 */
	FCNVME_A_LAT_P50,	/* u64: nanoseconds */
	FCNVME_A_LAT_P99,	/* u64: nanoseconds */
	FCNVME_A_LAT_P999,	/* u64: nanoseconds */
	FCNVME_A_LOG_LEVEL,	/* u8: enum fcnvme_log_level */
	FCNVME_A_UPTIME_MS,	/* u64 */
	FCNVME_A_NR_PORTS,	/* u32 */
	FCNVME_A_NR_SUBSYS,	/* u32 */
	FCNVME_A_NR_NS,		/* u32 */
	FCNVME_A_TEXT,		/* string: a chunk of text (config show) */
	FCNVME_A_HOSTS,		/* list of FCNVME_A_HOST_NQN */
	FCNVME_A_PORTS,		/* list of FCNVME_A_NAME */
	FCNVME_A_PERM,		/* u8: 1 when the peer may mutate */
	FCNVME_A_WWPNS,		/* list of FCNVME_A_WWPN */
	FCNVME_A_IEEE_OUI,	/* u32: 24-bit IEEE OUI */
	FCNVME_A_CNTLID_MIN,	/* u16: 1..0xffef */
	FCNVME_A_CNTLID_MAX,	/* u16: 1..0xffef */
	FCNVME_A_LAT_MAX,	/* u64: nanoseconds */
	FCNVME_A_NODE,		/* string: cluster node name */
	FCNVME_A_NODE_ID,	/* u16: 1..15 */
	FCNVME_A_ALIVE,		/* u8: 0 or 1 */
	FCNVME_A_AGE_MS,	/* u64: since the node's last heartbeat */
	FCNVME_A_LAT_HIST,	/* hist: the latency histogram's non-empty buckets */
	FCNVME_A_LAT_SUM,	/* u64: nanoseconds, sum of the latencies */
	FCNVME_A_HOST_NQNS,	/* list of FCNVME_A_HOST_NQN: presented, newest first */
	FCNVME_A_COUNT,		/* u64: how many times */
	FCNVME_A_NQN_COUNTS,	/* list of FCNVME_A_COUNT, one per FCNVME_A_HOST_NQNS */
	FCNVME_A_ALLOWED,	/* u8: 0 or 1, a subsystem on the port allows it */
	FCNVME_A_SEEN_AGO_MS,	/* u64: milliseconds since last seen */
	FCNVME_A_REFUSALS,	/* u64: refusals counted */
	FCNVME_A_REFUSAL,	/* string: reason of the last refusal */
	FCNVME_A_REF_STATUS,	/* u16: its NVMe status (with DNR), 0 if none */
	FCNVME_A_REF_AGO_MS,	/* u64: milliseconds since it */
	FCNVME_A_REF_NQN,	/* string: the subsystem NQN it asked for */
	FCNVME_A_REFERRAL,	/* string: referral name */
	FCNVME_A_TRADDR,	/* string: FC address "nn-0x<16>:pn-0x<16>" */
	FCNVME_A_RESERVATIONS,	/* u8: 0 or 1, a namespace's reservations on */
	FCNVME_A_RESV_GEN,	/* u32: reservation generation (PRGEN) */
	FCNVME_A_RESV_TYPE,	/* string: "none", "write-exclusive", ... */
	FCNVME_A_RESV_HOLDER,	/* string: holder's host identifier, 32 hex */
	FCNVME_A_PTPL,		/* u8: 0 or 1, persist through power loss */
	FCNVME_A_REGISTRANT,	/* string: "HOSTID:0xKEY" */
	FCNVME_A_REGISTRANTS,	/* list of FCNVME_A_REGISTRANT */
	FCNVME_A_TREQ,		/* string: a referral's TREQ, "not specified",
				 * "required" or "not required" */
	FCNVME_A_EPOCH,		/* u64: a cluster ANA group's ownership epoch */
	FCNVME_A_MEMBER,	/* u8: a member in good standing (cluster status) */
	FCNVME_A_ANSWERS,	/* u8: the state object answers: commands are taken */
	FCNVME_A_READ_AGE_MS,	/* u64: since the last read of the state that worked */
	FCNVME_A_READ_FAILS,	/* u32: reads of the state failed in a row */
	FCNVME_A_READ_WAIT_MS,	/* u64: how long the read under way has waited (0: none) */
	FCNVME_A_HB_OK,		/* u8: the last heartbeat write worked */
	FCNVME_A_GROUP_JOB,	/* string: the cluster job under way (claim,
				 * takeover, failback, rejoin, reconnect),
				 * absent when none runs */
	/* u64: Connects whose host claimed another live controller's host
	 * NQN or Host ID (cloned hosts) */
	FCNVME_A_HOST_CONFLICTS,
	/* u8: a namespace configured but not served yet, its backing file
	 * missing (backing_missing = "pending") */
	FCNVME_A_PENDING,
	/* u32: how many namespaces are pending (status) */
	FCNVME_A_NR_PENDING,
	__FCNVME_A_MAX
};
#define FCNVME_A_MAX (__FCNVME_A_MAX - 1)

/* ANA states (wire values of FCNVME_A_ANA_STATE are these, not NVMe's). */
enum fcnvme_ana_state {
	FCNVME_ANA_OPTIMIZED,
	FCNVME_ANA_NON_OPTIMIZED,
	FCNVME_ANA_INACCESSIBLE,
	FCNVME_ANA_PERSISTENT_LOSS,
	FCNVME_ANA_CHANGE,
	__FCNVME_ANA_MAX
};
#define FCNVME_ANA_GRPID_MAX 128

/* Kinds of stats rows. */
enum fcnvme_obj {
	FCNVME_OBJ_PORT,
	FCNVME_OBJ_SUBSYS,
	FCNVME_OBJ_NS,
	FCNVME_OBJ_HOST,
	__FCNVME_OBJ_MAX
};

/* Log levels (FCNVME_A_LOG_LEVEL). */
enum fcnvme_log_level {
	FCNVME_LOG_WARN,
	FCNVME_LOG_INFO,
	FCNVME_LOG_DEBUG,
	__FCNVME_LOG_MAX
};

/* Command flags. */
#define FCNVME_CMDF_WRITE 0x1 /* mutates: root or socket group only */
#define FCNVME_CMDF_DUMP  0x2 /* replies with data then NLMSG_DONE */

/* A set of attributes (bit a = attribute a): 128 bits, room for the
 * attributes to come. */
typedef unsigned __int128 fcnvme_amask_t;
/* Bit of attribute a in a descriptor's required/allowed masks. */
#define FCNVME_ABIT(a) ((fcnvme_amask_t)1 << (a))
_Static_assert(FCNVME_A_MAX < 128, "attribute masks are 128-bit");

/* One entry per command. */
struct fcnvme_cmd_desc {
	const char *name;	 /* "port-enable", for logs */
	uint32_t flags;		 /* FCNVME_CMDF_* */
	fcnvme_amask_t required; /* FCNVME_ABIT() mask */
	fcnvme_amask_t allowed;	 /* superset of required */
};

/* The descriptor table; entry 0 (UNSPEC) has a NULL name. */
extern const struct fcnvme_cmd_desc fcnvme_cmds[FCNVME_CMD_MAX + 1];

/* Descriptor of cmd, or NULL if cmd is not a command. */
const struct fcnvme_cmd_desc *fcnvme_cmd_desc(unsigned int cmd);
/* Name of an attribute ("nqn"), or NULL. */
const char *fcnvme_attr_name(unsigned int attr);
/* "optimized", ... or NULL; and the reverse (-EINVAL if unknown). */
const char *fcnvme_ana_state_name(unsigned int state);
int fcnvme_ana_state_parse(const char *s);
/* "warn", "info", "debug" or NULL; and the reverse (-EINVAL). */
const char *fcnvme_log_level_name(unsigned int level);
int fcnvme_log_level_parse(const char *s);
/* "port", "subsystem", "namespace", "host" or NULL; and the reverse. */
const char *fcnvme_obj_name(unsigned int obj);
int fcnvme_obj_parse(const char *s);

#endif /* FCNVME_CTL_H */
