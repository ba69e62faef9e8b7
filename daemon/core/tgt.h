/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NVMe target core: subsystems, namespaces and their backends,
 * controllers, ANA groups and the discovery subsystem, plus the operations the
 * control commands and the config loader use to change them. The FC transport
 * reaches the core only through tgt_core_ops(); everything else here is [ctl]
 * (control thread) unless marked [hwq] (the I/O thread calling it).
 *
 * Errors: 0 or -errno; when err is not NULL a one-line English sentence
 * naming the problem is written into err (errlen bytes, NUL terminated).
 * Create, delete and modify are idempotent: adding an object that exists with
 * the same parameters, or deleting one that does not exist, returns 0.
 *
 * Namespace identity: a namespace's UUID, NGUID and EUI-64 are taken from
 * tgt_ns_params when the caller supplies them (has_* set); otherwise they are
 * read from, or generated once and written to, the file
 * "<state_dir>/<subsystem NQN>/ns<NSID>.id" (created 0600, atomically; NQN
 * characters other than letters, digits and ".-_:" are written "%XX"). The
 * file names the storage (backend, LBA size, path) the identifiers belong
 * to and is only used for that storage; tgt_ns_del() and tgt_subsys_del()
 * remove it, so a later namespace under the same NSID gets new identifiers
 * (tgt_destroy() keeps it: a restart is the same namespace). With a NULL
 * state_dir they are generated and only live as long as the process.
 * tgt_ns_foreach() reports the identity in use so a config can store it.
 *
 * Limits: a controller advertises the limits of the port its association
 * came in on, as that port's transport states them in sq_info (MDTS,
 * CAP.MQES and MAXCMD, the Number of Queues it grants), so that a host
 * following them is never refused by the transport.
 *
 * Hardware queues: the transport's hwqid addresses the I/O threads of a port
 * through the env that port was bound with. By default that is the env given
 * to tgt_create(); tgt_port_set_env() records another one for a port.
 * Per-thread backend state (one io_uring per I/O thread) belongs to the
 * calling thread: tgt_hwq_start/poll/stop are called by each I/O thread
 * itself; hwq only names it in statistics. A deleted port keeps routing its
 * queues' work through its env until the transport destroyed them.
 *
 * Threads: admin and fabrics commands are parsed on their hwq thread and
 * executed on the control thread (run_on_ctl), completed back on the hwq
 * thread; I/O commands are parsed and executed on their hwq thread without
 * locks or allocation. Namespace additions and removals reach each connected
 * I/O queue by a message run on its thread (a removal also waits for that
 * queue's commands on the namespace: the drain); only the grown size, the
 * ANA group and the ANA states are read through relaxed atomics. All of
 * tgt_core_ops() is implemented, including the optional sq_stop (completes
 * held AERs) and req_abort.
 */
#ifndef TGT_H
#define TGT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/hist.h>
#include <fcnvme/nvmet_fc_core.h>

struct tgt;

#define TGT_MAX_NSID	     1024 /* NSIDs 1..TGT_MAX_NSID */
#define TGT_MAX_ANAGRP	     128u /* ANA group ids 1..TGT_MAX_ANAGRP */
#define TGT_MAX_PORTS	     64
#define TGT_NAME_MAX	     32
#define TGT_NQN_SIZE	     224 /* NQN plus NUL */
#define TGT_SERIAL_SIZE	     21
#define TGT_MODEL_SIZE	     41
#define TGT_FW_SIZE	     9
#define TGT_DEFAULT_MODEL    "nvmetfcd"
#define TGT_DEFAULT_FIRMWARE "1.0"

/* ---- lifecycle ---------------------------------------------------------- */

/* Create the core; env is used to reach the I/O threads and the control
 * thread (it must outlive the tgt). state_dir may be NULL (see above). */
struct tgt *tgt_create(const struct nvmet_fc_env_ops *env, void *env_arg, const char *state_dir);
/* Free everything; call after every port was unbound and its associations
 * are gone (sq_destroy was called for every sq_create). */
void tgt_destroy(struct tgt *t);
/* [ctl] The LS rejection callback to set with nvmet_fc_set_ls_rjt_cb(tp,
 * tgt_ls_rejected, t): an association event of kind LS_REJECTED. */
void tgt_ls_rejected(void *arg, const struct nvmet_fc_ls_rjt_info *info);
/* The ops table to bind with nvmet_fc_bind_core(tp, ops, t, env, ...). */
const struct nvmet_fc_core_ops *tgt_core_ops(void);

/* ---- ports -------------------------------------------------------------- */

/* Register a port the daemon bound (portid: the NVMe-oF port id in discovery
 * log entries, 1..65534). tp gives its WWNN/WWPN for the discovery traddr.
 * -EEXIST if portid or tp is already registered differently. */
int tgt_port_add(struct tgt *t, uint16_t portid, struct nvmet_fc_target_port *tp, const char *name);
/* Forget a port: associations that came in on it are torn down, exports of it
 * are dropped. 0 if unknown. */
int tgt_port_del(struct tgt *t, uint16_t portid);
/* Move port portid to another FC target port with the same names (the
 * daemon opened its device again: a port server that restarted). Its
 * exports, ANA states and statistics stay; the controllers that came in
 * on it are deleted (why is their log reason), and queues of tp created
 * before find it. -ENOENT if portid is unknown, -EEXIST if tp is another
 * port's. */
int tgt_port_retarget(struct tgt *t, uint16_t portid, struct nvmet_fc_target_port *tp,
		      const char *why);
/* Record the env the port was bound with (if it differs from tgt_create's). */
int tgt_port_set_env(struct tgt *t, uint16_t portid, const struct nvmet_fc_env_ops *env,
		     void *env_arg);

/* ---- referrals (referral.c) --------------------------------------------- */

/* A discovery log entry of subtype 1 pointing at another FC port's
 * discovery service, listed on ports[] and, when nr_hosts, only to hosts[]. */
struct tgt_referral_params {
	const char *name;   /* required, unique, < 64 characters */
	uint64_t node_name; /* the referred port's WWNN and WWPN (traddr) */
	uint64_t port_name;
	uint16_t portid;       /* the entry's PORTID */
	uint8_t treq;	       /* the entry's TREQ secure channel bits (1:0):
				* NVMF_TREQ_NOT_SPECIFIED, _REQUIRED or
				* _NOT_REQUIRED (3 is reserved) */
	const uint16_t *ports; /* registered ports listing it, none the referred one */
	unsigned int nr_ports;
	const char *const *hosts; /* NULL/0: every host */
	unsigned int nr_hosts;
};

/* Add (-EEXIST if the name exists), change in place (-ENOENT if unknown:
 * one generation step, where delete and add would take two) or delete
 * (-ENOENT if unknown) a referral; each bumps the discovery generation,
 * raises the discovery-log-changed AEN where a log changed and an RSCN on
 * the ports that list it (before or after the change). */
int tgt_referral_add(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen);
int tgt_referral_set(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen);
int tgt_referral_del(struct tgt *t, const char *name, char *err, size_t errlen);

/* ---- subsystems --------------------------------------------------------- */

struct tgt_subsys_params {
	const char *nqn;      /* required; validated */
	const char *serial;   /* NULL: derived from the NQN (hex) */
	const char *model;    /* NULL: TGT_DEFAULT_MODEL */
	const char *firmware; /* NULL: TGT_DEFAULT_FIRMWARE */
	uint32_t ieee_oui;    /* 24 bits */
	uint16_t cntlid_min;  /* 0 and 0: 1..0xffef */
	uint16_t cntlid_max;
	bool allow_any_host; /* default false */
};

/* Which fields tgt_subsys_set() changes. */
enum {
	TGT_SUBSYS_SET_SERIAL = 1u << 0,
	TGT_SUBSYS_SET_MODEL = 1u << 1,
	TGT_SUBSYS_SET_FIRMWARE = 1u << 2,
	TGT_SUBSYS_SET_OUI = 1u << 3,
	TGT_SUBSYS_SET_CNTLID = 1u << 4,
	TGT_SUBSYS_SET_ALLOW_ANY = 1u << 5,
};

/* Create a subsystem. Exists with equal parameters: 0; different: -EEXIST.
 * The discovery NQN is reserved (-EINVAL). */
int tgt_subsys_add(struct tgt *t, const struct tgt_subsys_params *p, char *err, size_t errlen);
/* Name the discovery subsystem: a unique discovery NQN (TP 8013), reported
 * in the discovery log's current-discovery-subsystem entry and Identify
 * Controller; NULL or "" for the well-known NQN. Hosts may connect with
 * either. 0, -EINVAL (not an NQN) or -EEXIST (a subsystem's NQN). */
int tgt_discovery_nqn_set(struct tgt *t, const char *nqn, char *err, size_t errlen);
/* Delete a subsystem: its controllers' associations are torn down and its
 * namespaces drained and closed. Unknown: 0. */
int tgt_subsys_del(struct tgt *t, const char *nqn, char *err, size_t errlen);
/* Change the fields named in mask (TGT_SUBSYS_SET_*) of p->nqn. Identity
 * fields (serial, model, firmware, OUI, cntlid range) apply to controllers
 * created afterwards. -ENOENT if unknown. */
int tgt_subsys_set(struct tgt *t, const struct tgt_subsys_params *p, uint32_t mask, char *err,
		   size_t errlen);
/* ACL: allow or disallow a host NQN (disallowing tears down that host's
 * controllers on the subsystem). */
int tgt_subsys_allow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			  size_t errlen);
int tgt_subsys_disallow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			     size_t errlen);
/* A DH-HMAC-CHAP policy: the hash functions and DH groups accepted, in
 * preference order (ids of fcnvme/auth.h: the first one the host offers
 * wins). nhash or ndh 0: that list's default. */
struct tgt_auth_policy {
	uint8_t hashes[3], nhash;
	uint8_t dhs[6], ndh;
};
/*
 * DH-HMAC-CHAP (NVMe Base 2.0, 8.13.5): give hostnqn the secret key (and,
 * for bidirectional authentication, ctrl_key), both "DHHC-1:NN:...:" as
 * nvme gen-dhchap-key writes them; key NULL removes the host's keys. pol
 * (NULL: none) replaces the controller's lists for this host: each of its
 * lists that is not empty replaces the controller's (tgt_set_dhchap_policy).
 * The keys apply to authentications that start afterwards: queues already
 * authenticated stay (key rotation). The host need not be allowed yet.
 * -ENOENT (no subsystem), -EINVAL (a key that does not parse, or an
 * unknown id in pol: err says why, never printing the key), -ENOMEM.
 */
int tgt_subsys_set_dhchap(struct tgt *t, const char *nqn, const char *hostnqn, const char *key,
			  const char *ctrl_key, const struct tgt_auth_policy *pol, char *err,
			  size_t errlen);
/* Remove every host's DH-HMAC-CHAP keys from subsystem nqn (before a
 * reload sets them again; authenticated queues stay). */
void tgt_subsys_clear_dhchap(struct tgt *t, const char *nqn);
/* The DH-HMAC-CHAP hash functions and DH groups the controller accepts
 * from hosts without a policy of their own (p NULL, or a list of n 0: the
 * defaults, SHA-256/384/512 and FFDHE 2048..8192 then null). Applies to
 * exchanges that start afterwards. -EINVAL for an unknown or repeated id,
 * or too many. */
int tgt_set_dhchap_policy(struct tgt *t, const struct tgt_auth_policy *p);
/* 0 if every id of p is known and none is repeated, else -EINVAL. */
int tgt_auth_policy_check(const struct tgt_auth_policy *p);
/* Whether hostnqn has a DH-HMAC-CHAP key on subsystem nqn. */
bool tgt_subsys_has_dhchap(struct tgt *t, const char *nqn, const char *hostnqn);
/* Optional WWPN ACL: once any WWPN is allowed, Connects from other host
 * ports are refused (CONNECT_INVALID_HOST). */
int tgt_subsys_allow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err, size_t errlen);
int tgt_subsys_disallow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err,
			     size_t errlen);
/* Export on / withdraw from a port (discovery change on that port). */
int tgt_subsys_export(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen);
int tgt_subsys_unexport(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen);

/* ---- namespaces --------------------------------------------------------- */

enum tgt_backend_type {
	TGT_BACKEND_NULL, /* reads return zeroes, writes are dropped */
	TGT_BACKEND_RAM,  /* zero-filled memory of the given size */
	TGT_BACKEND_FILE, /* regular file or block device, io_uring */
	TGT_BACKEND_RBD,  /* Ceph RBD image through librbd */
};

#define TGT_RBD_NAME_SIZE 128 /* pool, image, RADOS namespace, with NUL */
#define TGT_RBD_PATH_SIZE 256 /* ceph.conf and keyring paths, with NUL */
#define TGT_RBD_ID_SIZE	  64  /* client id ("admin" for client.admin) */

/* Where an rbd namespace's image lives and how to reach its cluster. Empty
 * strings take librados' defaults ($CEPH_CONF or /etc/ceph/ceph.conf, client
 * "admin", the keyring the ceph.conf names). */
struct tgt_rbd_params {
	char pool[TGT_RBD_NAME_SIZE];
	char image[TGT_RBD_NAME_SIZE];
	char rados_ns[TGT_RBD_NAME_SIZE]; /* "": the pool's default */
	char conf[TGT_RBD_PATH_SIZE];
	char client_id[TGT_RBD_ID_SIZE];
	char keyring[TGT_RBD_PATH_SIZE];
	/* true: librbd's write-back cache, reported as a volatile write
	 * cache (VWC=1), Flush is rbd_aio_flush; false: no cache at all
	 * (rbd_cache=false, VWC=0), a write completes once the OSDs have
	 * it. */
	bool write_cache;
	/* Seconds after which a Ceph operation fails instead of waiting
	 * (pool full, no OSD, no monitor); 0: 30 s. */
	uint32_t op_timeout_s;
};

struct tgt_ns_params {
	uint32_t nsid; /* 1..TGT_MAX_NSID */
	enum tgt_backend_type backend;
	const char *path;  /* file backend only */
	uint64_t size;	   /* bytes; file: 0 = its size */
	uint32_t lba_size; /* 512 or 4096; 0 = 512 */
	uint32_t anagrpid; /* 0 = 1 */
	bool readonly;
	bool direct;   /* file: O_DIRECT */
	bool create;   /* file: create it (size bytes) when missing */
	bool disabled; /* created but not visible */
	/* Reservations (NVMe Base 2.0 §8.19; Linux nvmet's resv_enable):
	 * RESCAP set, the Reservation commands accepted, conflicts
	 * enforced; the state persists in the state directory while a host
	 * asks for PTPL. Changed in place by tgt_ns_set_resv. */
	bool resv;
	bool has_uuid, has_nguid, has_eui64;
	uint8_t uuid[16];
	uint8_t nguid[16];
	uint8_t eui64[8];
	struct tgt_rbd_params rbd; /* rbd backend only */
	/* Host masking: visible only to these host NQNs (copied; none:
	 * to every host the subsystem allows). tgt_ns_add takes them; an
	 * existing namespace changes them with tgt_ns_add_host/del_host. */
	const char *const *hosts;
	unsigned int nr_hosts;
};

/* Whether a and b name the same rbd image the same way (cluster,
 * credentials, cache mode, op timeout). */
bool tgt_ns_rbd_same(const struct tgt_rbd_params *a, const struct tgt_rbd_params *b);
/* Add a namespace (hosts get a namespace-attribute event). Exists with the
 * same backend, path, lba size and ids: 0; otherwise -EEXIST. */
int tgt_ns_add(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen);
/* Remove a namespace: new I/O fails with INVALID_NS, I/O in flight drains,
 * then the backend is closed. Unknown: 0. */
int tgt_ns_del(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);
/* Grow a namespace to size bytes (0: a file or rbd backend's current size).
 * Shrinking is refused with -EINVAL ("would lose data"). A backend whose
 * store takes long to grow (rbd) grows it off the control thread:
 * -EINPROGRESS (err says so) until the namespace event TGT_NS_EV_WAITED,
 * then the same call completes at once. */
int tgt_ns_resize(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size, char *err,
		  size_t errlen);
/* Whether tgt_ns_resize(size) would return -EINPROGRESS: 1, the store's
 * growth started (or under way); 0 otherwise. */
int tgt_ns_resize_want(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size);
int tgt_ns_enable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);
int tgt_ns_disable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);
int tgt_ns_set_ana_group(struct tgt *t, const char *nqn, uint32_t nsid, uint32_t anagrpid,
			 char *err, size_t errlen);
/* Refuse writes (NS_WRITE_PROTECTED) from now on, or accept them again;
 * hosts get a namespace-attribute event. -EROFS when the backing store
 * could only be opened read-only. */
int tgt_ns_set_readonly(struct tgt *t, const char *nqn, uint32_t nsid, bool readonly, char *err,
			size_t errlen);
/* Host masking (SPDK's no_auto_visible plus ns_add_host): once a namespace
 * lists a host NQN it is visible only to controllers of listed hosts; to the
 * others it is inactive (absent from the active list, Identify Namespace
 * all zeroes, commands fail with INVALID_NS). Removing the last host makes
 * it visible to all again. Controllers whose view changes (only those) get a
 * namespace-attribute event. Idempotent; -ENOENT for an unknown namespace,
 * -EINVAL for an invalid host NQN. */
int tgt_ns_add_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen);
int tgt_ns_del_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen);
/* The operator's Reservation Release with Clear: no reservation and no
 * registrant any more (generation + 1, registrants notified, persisted with
 * PTPL). -ENOENT unknown namespace, -EOPNOTSUPP reservations off. */
int tgt_ns_resv_clear(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);
/* Reservations on or off in place (tgt_ns_params.resv); hosts get a
 * namespace-attribute event. On: empty, or the state a PTPL file kept.
 * Off: -EBUSY while a host is registered (err says so and how to clear
 * them); a PTPL file goes. Commands in flight when they go off fail with
 * Invalid Opcode, as they would have. */
int tgt_ns_set_resv(struct tgt *t, const char *nqn, uint32_t nsid, bool on, char *err,
		    size_t errlen);
/* O_DIRECT on or off for a file namespace's later I/O. */
int tgt_ns_set_direct(struct tgt *t, const char *nqn, uint32_t nsid, bool direct, char *err,
		      size_t errlen);

/* ---- ANA ---------------------------------------------------------------- */

/* Group 1 always exists. A new group starts optimized on every port. */
int tgt_ana_group_add(struct tgt *t, uint32_t grpid, char *err, size_t errlen);
/* -EBUSY while a namespace uses the group; group 1 cannot be deleted. */
int tgt_ana_group_del(struct tgt *t, uint32_t grpid, char *err, size_t errlen);
/* state: NVME_ANA_* from <fcnvme/nvme_log.h>. Hosts get an ANA change
 * event. */
int tgt_ana_set_state(struct tgt *t, uint32_t grpid, uint16_t portid, uint8_t state, char *err,
		      size_t errlen);

/* ---- statistics --------------------------------------------------------- */

/*
 * I/O statistics of a controller, host, port or subsystem: the sum over its
 * I/O queues (the admin queue is not counted), live ones plus those already
 * destroyed. Each I/O queue keeps its own counters, written only by its
 * [hwq] thread; [ctl] sums them when asked, so a snapshot may be a few
 * commands behind. cmds counts responses (including ones failed at parse),
 * errors those with a non-zero NVMe status, aborts the commands accepted
 * but never executed (no response). Bytes are counted at execution of
 * Read/Compare and Write. Latency runs from the core receiving the command
 * (req_init) to its response (queue_response), in nanoseconds, counted in
 * the log-linear histogram lat (fcnvme/hist.h: exact below 16 ns, then 8
 * buckets per power of two); lat_max_ns is the exact maximum. A struct
 * tgt_io_stats is a snapshot, written only by the thread summing into it.
 */
struct tgt_io_stats {
	uint64_t cmds, errors, aborts;
	uint64_t read_bytes, write_bytes;
	uint64_t lat_max_ns;
	struct fcnvme_hist lat;
};

/* Add src into dst (max of the maxima). */
void tgt_stats_add(struct tgt_io_stats *dst, const struct tgt_io_stats *src);
/* The latency (ns) of rank ceil(n * permille / 1000) (500: median, 990:
 * p99, 999: p99.9): the middle of the histogram bucket holding that rank,
 * capped at lat_max_ns, so within 1/16 (6.25 %) of the true value (exact
 * below 16 ns; the last rank is lat_max_ns itself); 0 without responses. */
uint64_t tgt_stats_percentile(const struct tgt_io_stats *s, unsigned int permille);
/* Statistics of a registered port. -ENOENT if unknown. */
int tgt_port_stats(struct tgt *t, uint16_t portid, struct tgt_io_stats *out);

/* ---- associations -------------------------------------------------------- */

/* Tear down the association with this id (its controller and all its
 * queues) through the transport, which sends the host a Disconnect LS. The
 * controller leaves the walk once the transport destroyed its admin queue.
 * -ENOENT (with a message) if no controller has that association id. */
int tgt_ctrl_delete(struct tgt *t, uint64_t association_id, char *err, size_t errlen);

/* ---- read-only views, [ctl] only; valid during the callback ------------- */

struct tgt_subsys_info {
	const char *nqn;
	const char *serial;
	const char *model;
	const char *firmware;
	uint32_t ieee_oui;
	uint16_t cntlid_min, cntlid_max;
	bool allow_any_host;
	const char *const *hosts; /* allowed host NQNs */
	unsigned int nr_hosts;
	const uint64_t *wwpns; /* allowed host WWPNs */
	unsigned int nr_wwpns;
	const uint16_t *portids; /* exported on */
	unsigned int nr_ports;
	unsigned int nr_ns;
	unsigned int nr_ctrls;
	struct tgt_io_stats stats; /* its controllers, past and present */
};

/* One reservation registrant: a host identifier and its key. */
struct tgt_resv_reg {
	uint8_t hostid[16];
	uint64_t key;
};

struct tgt_ns_info {
	const char *subnqn;
	uint32_t nsid;
	enum tgt_backend_type backend;
	const char *path;		  /* NULL unless file */
	const struct tgt_rbd_params *rbd; /* NULL unless rbd */
	uint64_t size;			  /* bytes */
	uint32_t lba_size;
	uint32_t anagrpid;
	bool readonly, direct, enabled;
	uint8_t uuid[16], nguid[16], eui64[8];
	const char *const *hosts; /* host masking, sorted; none: all */
	unsigned int nr_hosts;
	/* Reservations (resv: on): generation, type (0: none), holder
	 * (index in regs, -1: none), PTPL, the registrants. */
	bool resv, ptpl;
	uint8_t rtype;
	int resv_holder;
	uint32_t resv_gen;
	const struct tgt_resv_reg *regs;
	unsigned int nr_regs;
	uint64_t reads, writes; /* commands executed */
	uint64_t read_bytes, write_bytes;
	/* The commands that named it, over every queue (as above; a
	 * command refused because the namespace is not visible counts on
	 * no namespace). */
	struct tgt_io_stats stats;
};

struct tgt_ctrl_info {
	const char *subnqn;
	const char *hostnqn;
	uint8_t hostid[16];
	uint16_t cntlid;
	uint16_t portid;
	uint64_t host_wwpn;
	uint64_t association_id;
	uint32_t kato_ms;
	uint16_t nr_io_queues; /* connected */
	bool discovery;
	bool ready;		   /* CSTS.RDY */
	struct tgt_io_stats stats; /* its I/O queues */
};

struct tgt_ana_info {
	uint32_t grpid;
	uint16_t portid;
	uint8_t state; /* NVME_ANA_* */
	unsigned int nr_ns;
};

/* Whether a Connect from host port wwpn presenting hostnqn, arriving on
 * portid, would pass some subsystem's ACL (host NQNs or allow_any_host,
 * then host WWPNs) as the configuration stands now; the discovery
 * subsystem is not counted. */
bool tgt_host_allowed(struct tgt *t, uint16_t portid, const char *hostnqn, uint64_t wwpn);

/* Call cb for every object in a stable order; a non-zero cb return stops the
 * walk and is returned. */
int tgt_subsys_foreach(struct tgt *t, int (*cb)(const struct tgt_subsys_info *, void *), void *arg);
/* nqn NULL: namespaces of every subsystem. */
int tgt_ns_foreach(struct tgt *t, const char *nqn, int (*cb)(const struct tgt_ns_info *, void *),
		   void *arg);
int tgt_ctrl_foreach(struct tgt *t, int (*cb)(const struct tgt_ctrl_info *, void *), void *arg);
/* One entry per (group, port); groups with no port yet appear once with
 * portid 0 and state optimized. */
int tgt_ana_foreach(struct tgt *t, int (*cb)(const struct tgt_ana_info *, void *), void *arg);

/* ---- namespace events ---------------------------------------------------- */

/* What a namespace's backing store did on its own (found by tgt_timer_tick
 * polling the backends). */
enum tgt_ns_event {
	TGT_NS_EV_RESIZED,	  /* grew; hosts were told */
	TGT_NS_EV_SHRINK_REFUSED, /* shrank underneath us; size kept */
	TGT_NS_EV_FENCED,	  /* the store refuses this node (blocklisted):
				    * its I/O fails with a path error */
	TGT_NS_EV_RECOVERED,	  /* serves again after a fence */
	TGT_NS_EV_NOTE,		  /* anything else worth a log line */
	TGT_NS_EV_WAITED,	  /* what a caller of tgt_ns_resize waited
				    * for is done: run it again */
};

/* What happened to a host's associations and controllers: what an operator
 * needs to answer "why can't my host connect?". */
enum tgt_assoc_event_kind {
	TGT_ASSOC_EV_REFUSED,	      /* Create Association refused: the host port
				       * holds TGT_UNCONNECTED_MAX unconnected ones */
	TGT_ASSOC_EV_EXPIRED,	      /* deleted: no Connect within the timeout */
	TGT_ASSOC_EV_CONNECT_REFUSED, /* a Connect failed: status, reason, ipo */
	TGT_ASSOC_EV_CONNECTED,	      /* an admin queue Connect made controller cntlid */
	TGT_ASSOC_EV_KA_EXPIRED,      /* no command for a whole KATO (timeout_ms):
				       * the association is being deleted */
	TGT_ASSOC_EV_ENDED,	      /* controller cntlid is gone: reason */
	TGT_ASSOC_EV_AUTHENTICATED,   /* queue qid of controller cntlid passed
				       * DH-HMAC-CHAP: reason says how (hash,
				       * DH group, one- or two-way) */
	TGT_ASSOC_EV_LS_REJECTED,     /* an LS (ls_cmd) got an LS_RJT: reason
				       * names it, the reason and explanation */
	TGT_ASSOC_EV_HOST_CONFLICT,   /* controller cntlid, just connected, has
				       * another live controller's host NQN
				       * with another Host ID, or its Host ID
				       * with another host NQN (other_*):
				       * cloned hosts */
};

struct tgt_assoc_event {
	enum tgt_assoc_event_kind kind;
	const char *port; /* the target port's name, "" if unknown */
	uint64_t host_wwpn;
	uint64_t assoc_id;   /* 0 for REFUSED */
	unsigned int limit;  /* REFUSED: the bound */
	uint64_t timeout_ms; /* EXPIRED, KA_EXPIRED: the timeout */
	/* CONNECT_REFUSED, CONNECTED, KA_EXPIRED, ENDED ("" if not known): */
	const char *host_nqn;
	const char *subsys_nqn;
	const char *reason; /* CONNECT_REFUSED, ENDED, LS_REJECTED: why, a short phrase;
			     * AUTHENTICATED: how */
	bool discovery;	    /* the discovery subsystem */
	uint16_t cntlid;
	uint16_t qid;	 /* CONNECT_REFUSED, AUTHENTICATED: the queue */
	uint16_t status; /* CONNECT_REFUSED: NVMe status (with DNR) */
	int32_t ipo;	 /* CONNECT_REFUSED: offending field as Connect dword 0
			  * reports it (bit 16: in the Connect data), -1: none */
	uint8_t ls_cmd;	 /* LS_REJECTED: the LS command code */
	/* HOST_CONFLICT: the new controller's Host ID, and the other
	 * controller's host port, host NQN, Host ID, subsystem and ID. */
	const uint8_t *hostid;
	uint64_t other_wwpn;
	const char *other_nqn;
	const uint8_t *other_hostid;
	const char *other_subsys;
	uint16_t other_cntlid;
};

/* Whether an LS_REJECTED event's LS (Create Association or Connection)
 * kept its host from connecting, rather than a routine one (a Disconnect
 * of an association already gone). */
static inline bool tgt_ls_rejected_blocks(const struct tgt_assoc_event *ev)
{
	return ev->ls_cmd == FCNVME_LS_CREATE_ASSOCIATION ||
	       ev->ls_cmd == FCNVME_LS_CREATE_CONNECTION;
}
/* [ctl] The associations of host port host_wwpn (0: of every host) on
 * portid are about to end for cause (a host port logout, the link going
 * down): the ENDED events will say so. */
void tgt_host_gone(struct tgt *t, uint16_t portid, uint64_t host_wwpn, const char *cause);
/* [ctl] cb(arg, ev) for every association event (valid during the call).
 * NULL cb: none. */
void tgt_set_assoc_event_cb(struct tgt *t, void (*cb)(void *arg, const struct tgt_assoc_event *ev),
			    void *arg);

/* [ctl] cb(arg, nqn, nsid, event, size) for every namespace event; msg is
 * a one-line reason (valid during the call). NULL cb: none. */
void tgt_set_ns_event_cb(struct tgt *t,
			 void (*cb)(void *arg, const char *nqn, uint32_t nsid, enum tgt_ns_event ev,
				    uint64_t size, const char *msg),
			 void *arg);
/* [ctl] Ask the backend of a fenced namespace to connect again (a new
 * client, so a new address to fence). 0, -EOPNOTSUPP for backends that are
 * never fenced, or -errno. The backend may do it off the control thread:
 * the namespace event TGT_NS_EV_RECOVERED says when it serves again, and
 * TGT_NS_EV_FENCED that it failed (ask again). */
int tgt_ns_recover(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);

/* ---- time and threads --------------------------------------------------- */

/* [ctl] Keep-alive expiry and other periodic work; call every 100 ms. */
void tgt_timer_tick(struct tgt *t);
/* [hwq] Set up the calling I/O thread's backend state (its io_uring, its
 * completion list). Without it, or when io_uring is unavailable, file I/O
 * on that thread is done synchronously. wake(wake_arg), callable from any
 * thread, ends the thread's sleep (NULL: the thread never sleeps). 0 or
 * -ENOMEM. */
int tgt_hwq_start(struct tgt *t, uint16_t hwq, void (*wake)(void *), void *wake_arg);
/* [hwq] The thread is about to sleep (returns > 0 when backend work came
 * in meanwhile: do not sleep), or woke up (sleeping false; returns 0). */
int tgt_hwq_sleep(struct tgt *t, uint16_t hwq, bool sleeping);
/* [hwq] Whether backend I/O is in flight whose completion wakes the
 * thread (it may sleep without spinning long). */
bool tgt_hwq_waits(struct tgt *t, uint16_t hwq);
/* [hwq] Submit queued backend I/O, reap completions and complete their
 * requests; returns the number completed, or 1 while I/O is still in flight
 * (so a hybrid poller keeps spinning), 0 when idle. */
int tgt_hwq_poll(struct tgt *t, uint16_t hwq);
/* [hwq] Wait for the thread's backend I/O in flight and free its state. */
void tgt_hwq_stop(struct tgt *t, uint16_t hwq);

#endif /* TGT_H */
