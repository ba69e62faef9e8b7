/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's configuration: libconfig text → a fresh, fully validated
 * struct conf with no side effects (conf_load), printed back in one
 * normalised form (conf_print, `nvmetfcd -n`), applied to the running daemon
 * as a difference through the same operations the control commands use
 * (conf_apply, conf_reload), and saved atomically from the running state
 * (conf_save). A struct conf is plain data owned by whoever holds the
 * pointer; d->conf is the running one and is kept in step by conf_op_*().
 * [ctl] only.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <fcnvme/wwn.h>

#include "core/tgt.h"

struct fcd;

#define CONF_NAME_MAX  32 /* port name, with NUL */
#define CONF_DEV_MAX   128
#define CONF_MAX_CPUS  64
#define CONF_MAX_HWQ   64
#define CONF_GROUP_MAX 32

/*
 * A port's mdts (bytes per command): a power of two, as Identify MDTS can
 * only state powers of two. The transport preallocates queue_depth buffers
 * of this size per hw queue, shared by every association (a hw queue runs
 * at most queue_depth commands at once): hw_queues x queue_depth x mdts of
 * the device's DMA window, whatever the hosts connect. The default, 256
 * KiB, is one FC data sequence (nvmet-fc moves at most 256 KiB per data
 * op) and what Linux hosts then use per command (they split larger I/O):
 * 64 MiB per hw queue at the default queue_depth of 256. Below 16 KiB the
 * ANA log (8208 bytes) no longer fits one command and a Linux host
 * disables ANA.
 */
#define CONF_DEFAULT_MDTS (256u << 10)
#define CONF_MIN_MDTS	  (16u << 10)
#define CONF_MAX_MDTS	  (16u << 20)

/* One FC port (fields are read by port_add()). */
struct conf_port {
	char name[CONF_NAME_MAX];
	char dev[CONF_DEV_MAX]; /* "soft:FABRIC", "/dev/uioN" or "pci:BDF" */
	char *shm_dir;		/* soft fabrics: NULL = default */
	uint16_t portid;	/* NVMe-oF port id, 1..65534 */
	uint64_t wwnn;
	uint64_t wwpn;
	uint16_t nr_hwq;	 /* I/O threads */
	int cpus[CONF_MAX_CPUS]; /* CPU of hw queue i */
	unsigned int nr_cpus;
	uint16_t queue_depth;	 /* receive queue entries per hwq */
	uint16_t max_queue_size; /* NVMe queue entries */
	uint16_t max_io_queues;	 /* per association */
	uint32_t mdts;		 /* max data transfer, bytes */
	bool busy_poll;		 /* false: hybrid (default) */
	bool readdata_rsp;
	bool enabled;
	int line; /* where it was declared */
};

/* backing_missing: fail the start or reload (the default), or serve the
 * rest and add the namespace once its file exists (conf_pending.c). */
enum conf_backing_missing {
	CONF_BACKING_FAIL,
	CONF_BACKING_PENDING
};

struct conf_ns {
	uint32_t nsid;
	enum tgt_backend_type backend;
	char *path; /* file backend */
	uint64_t size;
	uint32_t lba_size;
	uint32_t anagrpid;
	bool readonly;
	bool direct;
	bool create; /* file: create it when missing */
	bool enabled;
	bool resv; /* reservations = true (tgt_ns_params.resv) */
	/* [ctl] d->conf only, never parsed: configured but not in the core,
	 * its backing file missing when it was applied (backing_missing =
	 * "pending"); conf_pending_tick() adds it once the file exists. The
	 * conf_op_ns_*() calls change only this record meanwhile. */
	bool pending;
	int pending_err; /* [ctl] pending: the last add's error logged, 0 */
	bool has_uuid, has_nguid, has_eui64;
	uint8_t uuid[16], nguid[16], eui64[8];
	struct tgt_rbd_params rbd; /* rbd backend: pool, image, cluster */
	/* hosts = [ ... ]: host masking, visible only to these host NQNs
	 * (file order, no repeats); none: to every host the subsystem
	 * allows. Owned, like path. */
	char **hosts;
	unsigned int nr_hosts;
	int line;
};

struct conf_subsys {
	char nqn[TGT_NQN_SIZE];
	char serial[TGT_SERIAL_SIZE]; /* "" = derived */
	char model[TGT_MODEL_SIZE];   /* "" = default */
	char firmware[TGT_FW_SIZE];   /* "" = default */
	uint32_t ieee_oui;	      /* 24 bits */
	uint16_t cntlid_min;	      /* 0 and 0: the core's range */
	uint16_t cntlid_max;
	bool allow_any_host;
	char **hosts; /* allowed host NQNs */
	unsigned int nr_hosts;
	uint64_t *wwpns; /* allowed host WWPNs (optional) */
	unsigned int nr_wwpns;
	char (*ports)[CONF_NAME_MAX]; /* exported on */
	unsigned int nr_ports;
	struct conf_ns *ns;
	unsigned int nr_ns;
	int line;
};

/* ANA state of a group on one port (overrides the group's default). */
struct conf_ana_port {
	char port[CONF_NAME_MAX];
	uint8_t state; /* enum fcnvme_ana_state */
};

struct conf_ana {
	uint32_t grpid;
	uint8_t state; /* enum fcnvme_ana_state, every port */
	struct conf_ana_port *ports;
	unsigned int nr_ports;
	int line;
};

/*
 * A referral: a discovery log entry of subtype 1 pointing at another FC
 * port's discovery service (another nvmetfcd, or a port this daemon does
 * not own), listed on ports and, when hosts is not empty, only to those
 * host NQNs (daemon/core/referral.c).
 */
struct conf_referral {
	char name[CONF_NAME_MAX];
	char traddr[FCNVME_TRADDR_STRLEN]; /* normalised "nn-0x...:pn-0x..." */
	uint64_t wwnn;			   /* parsed from traddr */
	uint64_t wwpn;
	uint16_t portid;	      /* the entry's PORTID */
	int treq;		      /* its TREQ: conf_treq_names index */
	char (*ports)[CONF_NAME_MAX]; /* listed on, at least one */
	unsigned int nr_ports;
	char **hosts; /* listed to; none: every host */
	unsigned int nr_hosts;
	int line;
};

/*
 * Several nodes exporting the same subsystems from Ceph (docs/ceph.md): this
 * node's identity, where the shared state object lives, the heartbeat, and
 * the ANA group this node serves optimized when nobody owns it yet.
 */
struct conf_cluster {
	char node[CONF_NAME_MAX]; /* unique in the cluster */
	uint16_t node_id;	  /* 1..15: controller ids node_id*4096 - 4095.. */
	char ceph_conf[TGT_RBD_PATH_SIZE];
	char ceph_id[TGT_RBD_ID_SIZE];
	char keyring[TGT_RBD_PATH_SIZE];
	char pool[TGT_RBD_NAME_SIZE];	/* holds the state object */
	char object[TGT_RBD_NAME_SIZE]; /* default "nvmetfcd.state" */
	uint32_t heartbeat_ms;		/* how often this node says it lives */
	uint32_t dead_ms;		/* silence after which a node is lost */
	uint32_t ana_group;		/* 0: none */
	uint32_t failback_ms;		/* take ana_group back after this long a member; 0: never */
	uint32_t op_timeout_s;		/* shared namespaces' Ceph op timeout; 0: 30 s */
	int line;
};

struct conf {
	int log_level;			   /* enum fcnvme_log_level */
	char socket_group[CONF_GROUP_MAX]; /* "" = none */
	/* The DH-HMAC-CHAP secrets file (conf_keys.h): only its name is
	 * here, printed and saved; "" = none. */
	char auth_keys_file[CONF_DEV_MAX];
	/* DH-HMAC-CHAP policy, comma-separated names in preference order
	 * ("" = the defaults); checked by conf_auth_policy(). */
	char dhchap_hashes[CONF_DEV_MAX];
	char dhchap_dhgroups[CONF_DEV_MAX];
	/* At start, how long to wait for file namespaces' backing files that
	 * do not exist yet (daemon/backing_wait.c); 0: no wait. */
	uint32_t backing_wait_ms;
	/* What a start or a reload does with a file namespace whose backing
	 * file does not exist (after backing_wait_ms): enum
	 * conf_backing_missing. */
	int backing_missing;
	/* The discovery subsystem's own NQN (TP 8013), "" for the well-known
	 * one; hosts may connect with either (tgt_discovery_nqn_set). */
	char discovery_nqn[TGT_NQN_SIZE];
	struct conf_port *ports;
	unsigned int nr_ports;
	struct conf_ana *ana;
	unsigned int nr_ana;
	struct conf_subsys *subsys;
	unsigned int nr_subsys;
	struct conf_referral *referrals;
	unsigned int nr_referrals;
	bool has_cluster;
	struct conf_cluster cluster;
};

/*
 * Parse and validate path into a new struct conf. 0, or -errno with
 * "FILE:LINE: reason" in err. Nothing outside *out is touched.
 */
int conf_load(const char *path, struct conf **out, char *err, size_t errlen);
/*
 * Same, reporting every error ("FILE:LINE: reason\n" each, in order, in
 * all): parsing goes on past an error to the next setting of a group, the
 * next element of a section and the next section (an element stops at its
 * first error; references between sections are checked only when all parsed;
 * a syntax error stops everything). For `nvmetfcd -n`.
 */
int conf_load_all(const char *path, struct conf **out, char *all, size_t alllen);
/* Same, from a string; name is used in messages. */
int conf_load_string(const char *text, const char *name, struct conf **out, char *err,
		     size_t errlen);
/* Same, from len bytes that may hold anything (a NUL byte is an error). */
int conf_load_buffer(const char *text, size_t len, const char *name, struct conf **out, char *err,
		     size_t errlen);
/*
 * Warn about what is valid but likely a mistake: a subsystem no host can
 * reach or exported on no port, a port whose soft fabric does not exist, a
 * referral listed only on disabled ports or repeating another's entry.
 * One "PATH:LINE: warning: ..." line each on out; returns how many
 * (conf_lint.c, in nvmetfcd and conf_check only: it uses the hw layer).
 */
unsigned int conf_lint(const struct conf *c, const char *path, FILE *out);
/* Free a config (NULL is fine). */
void conf_free(struct conf *c);
/* A deep copy, or NULL. */
struct conf *conf_dup(const struct conf *c);
/* An empty config with defaults. */
struct conf *conf_new(void);
/* Print the normalised form that conf_load reads back identically. */
int conf_print(FILE *fp, const struct conf *c);

/*
 * Make the running state match newconf: remove what is gone, add what is
 * new, change what differs, through conf_op_*(). On success d->conf is
 * replaced and newconf is owned by d; on failure every step done is undone
 * (running state unchanged), newconf stays the caller's, and err says why.
 */
int conf_apply(struct fcd *d, struct conf *newconf, char *err, size_t errlen);
/* conf_load(d->conf_path) + conf_apply; the SIGHUP and "config reload" path. */
int conf_reload(struct fcd *d, char *err, size_t errlen);
struct conf_plan;
/*
 * Load path (NULL: d->conf_path) and apply it like conf_reload() while
 * plan (may be NULL) records each operation (conf_plan.h); a dry plan
 * only records: nothing runs, d->conf is unchanged, and the same checks
 * refuse a bad file. 0 or -errno with a sentence in err.
 */
int conf_reload_plan(struct fcd *d, const char *path, struct conf_plan *plan, char *err,
		     size_t errlen);
/*
 * Before a reload of path (NULL: d->conf_path): queue the backend opens it
 * would wait on (backend_preopen_want, through a dry run) and return how
 * many are not done yet; *grows gets how many of its namespace grows run
 * off the control thread and are not done yet (tgt_ns_resize_want starts
 * them, once the whole dry run passed). Both 0: reload now. A file the
 * dry run refuses gives 0 and grows nothing (the reload says why).
 */
int conf_reload_opens(struct fcd *d, const char *path, int *grows);
/*
 * Write the running state (with generated NSIDs and namespace ids) to path,
 * or to d->conf_path when path is NULL: temp file, fsync, rename.
 */
int conf_save(struct fcd *d, const char *path, char *err, size_t errlen);
/* Refresh d->conf's namespace ids from the core (before printing/saving). */
void conf_sync_ids(struct fcd *d);

/* Whether two strings, either of them NULL, are equal (NULL only to NULL). */
bool conf_str_eq(const char *a, const char *b);
/* Lookups in a config; NULL if absent. */
struct conf_port *conf_port_find(const struct conf *c, const char *name);
struct conf_subsys *conf_subsys_find(const struct conf *c, const char *nqn);
struct conf_ns *conf_ns_find(const struct conf_subsys *s, uint32_t nsid);
/* Free what a namespace owns (path, hosts). */
void conf_ns_release(struct conf_ns *ns);
/* Give dst (a struct copy of src) its own path and hosts: 0, or -ENOMEM
 * with dst owning nothing. */
int conf_ns_dup(struct conf_ns *dst, const struct conf_ns *src);
/* Whether ns is a file namespace whose backing file does not exist (one
 * with create = true never is: it makes its file). */
bool conf_ns_missing(const struct conf_ns *ns);
/* The namespaces of c that pick() chooses, as "PATH (NQN namespace N), ..."
 * into buf (cut short when long); how many. */
unsigned int conf_ns_list(const struct conf *c, bool (*pick)(const struct conf_ns *), char *buf,
			  size_t len);

/* Pending namespaces (conf_pending.c): conf_ns_list() of those pending. */
unsigned int conf_pending_list(const struct conf *c, char *buf, size_t len);
/* Mark in to the namespaces pending in from (the same NQN and NSID): a
 * reload's new d->conf keeps them pending. */
void conf_pending_carry(const struct conf *from, struct conf *to);
/* Once a second, add the pending namespaces of d->conf whose backing file
 * exists now; how many were added (0 most times). */
int conf_pending_tick(struct fcd *d);

/* Whether host is in ns's hosts (host masking). */
bool conf_ns_has_host(const struct conf_ns *ns, const char *host);
struct conf_ana *conf_ana_find(const struct conf *c, uint32_t grpid);
/* The state (enum fcnvme_ana_state) group a is in on port per its config. */
uint8_t conf_ana_state_on(const struct conf_ana *a, const char *port);
struct conf_referral *conf_referral_find(const struct conf *c, const char *name);
/* Free what a referral owns (ports, hosts). */
void conf_referral_release(struct conf_referral *r);
/* Give dst its own copy of src: 0, or -ENOMEM with dst owning nothing. */
int conf_referral_dup(struct conf_referral *dst, const struct conf_referral *src);
/* Whether two referrals differ in anything (a reload changes it). */
bool conf_referral_changed(const struct conf_referral *a, const struct conf_referral *b);

#endif /* CONF_H */
