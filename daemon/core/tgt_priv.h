/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal objects of the NVMe target core (daemon/tgt*.c, subsys*.c, ns*.c,
 * ctrl*.c, cmd_*.c, ana*.c). Only core files include this header.
 *
 * Ownership: everything belongs to the control thread [ctl] unless a field
 * says [hwq] (written and read only by the I/O thread that owns the queue) or
 * [atomic] (written on [ctl], read anywhere with relaxed/acquire loads).
 * Namespace visibility on the I/O path is per I/O queue (struct sq.ns[]),
 * changed only by messages run on that queue's thread (ns_msg.c).
 */
#ifndef TGT_PRIV_H
#define TGT_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <fcnvme/auth.h>
#include <fcnvme/nvme.h>
#include <fcnvme/err.h>
#include <fcnvme/ls.h>
#include <fcnvme/nvme_id.h>
#include <fcnvme/nvme_log.h>
#include <fcnvme/nvmet_fc_core.h>

#include "backend/backend.h"
#include "backend/mpsc.h"
#include "clock.h"
#include "tgt.h"

#define TGT_MAX_QID	       128  /* I/O queues per controller */
#define TGT_MQES	       1023 /* max queue entries, 0's based (default) */
#define TGT_AERL	       4    /* outstanding AERs, 0's based: 5 */
#define TGT_MAX_AEN	       16   /* queued events per controller */
#define TGT_RESV_LOG	       16   /* reservation notifications kept */
/* In aen_masked only: a reservation notification event was sent and the
 * log page not read yet. No Asynchronous Event Configuration bit turns it
 * off; the Reservation Notification Mask feature does (resv_notify.c). */
#define TGT_AEN_RESV	       (1u << 30)
#define TGT_ERR_LOG	       16 /* error log entries kept */
#define TGT_KAS		       10 /* keep-alive granularity, 100 ms units */
#define TGT_DISC_KATO_MS       120000
#define TGT_CNTLID_MAX	       0xffef
#define TGT_MAX_XFER	       (1u << 20) /* default per-command limit; log pages */
#define TGT_MIN_XFER	       8192u	  /* MDTS 1: MDTS 0 would mean no limit */
#define TGT_IOSQES	       6	  /* log2 of 64-byte SQEs */
#define TGT_IOCQES	       4	  /* log2 of 16-byte CQEs */
/* Associations that have not completed their admin Connect: one host port
 * may hold at most TGT_UNCONNECTED_MAX of them on a target port (a further
 * Create Association is refused with Insufficient Resources), and one that
 * has not connected TGT_CONNECT_TIMEOUT_MS after its Create Association is
 * deleted. A host that can log in but is not allowed to connect (or never
 * tries) cannot tie up a port's queue memory and lock other hosts out.
 * Linux's host sends the Connect right after the Create Association ACC. */
#define TGT_UNCONNECTED_MAX    4
#define TGT_CONNECT_TIMEOUT_MS 10000
/* A controller whose admin queue has not authenticated (DH-HMAC-CHAP) this
 * long after its Connect is deleted (cmd_auth_timer). */
#define TGT_AUTH_TIMEOUT_MS    10000

struct tgt;
struct ctrl;
struct sq;
struct ns;
struct subsys;

/* A port the daemon registered. */
struct tgt_port {
	uint16_t portid;
	char name[TGT_NAME_MAX];
	struct nvmet_fc_target_port *tp;
	const struct nvmet_fc_env_ops *env;
	void *env_arg;
	unsigned int refs; /* queues on this port */
	/* [ctl] counters of its destroyed I/O queues (tgt_port_stats()). */
	struct tgt_io_stats st_gone;
	bool deleted; /* unlisted; freed with
							 * the last queue */
	/* [atomic] ANA state of each group on this port (NVME_ANA_*). */
	_Atomic uint8_t ana_state[TGT_MAX_ANAGRP + 1];
};

enum {
	NS_ST_READS,
	NS_ST_WRITES,
	NS_ST_RBYTES,
	NS_ST_WBYTES,
	NS_ST_CMDS,
	NS_ST_ERRORS,
	NS_ST_ABORTS,
	NS_ST_MAX
};

/* Counters of one queue (struct sq_stats.c). */
enum {
	SQ_ST_CMDS,
	SQ_ST_ERRORS,
	SQ_ST_ABORTS,
	SQ_ST_RBYTES,
	SQ_ST_WBYTES,
	SQ_ST_LAT_MAX,
	SQ_ST_MAX
};

/* Statistics of one queue: written only by its [hwq] thread (relaxed load
 * plus store, no read-modify-write; the histogram through
 * fcnvme_hist_record()), read by [ctl] with relaxed loads (summed with
 * fcnvme_hist_add()). c[SQ_ST_LAT_MAX] is the exact maximum latency. */
struct sq_stats {
	_Atomic uint64_t c[SQ_ST_MAX];
	struct fcnvme_hist lat; /* latency, ns */
};

#define TGT_RESV_MAX_REG 64 /* registrants of one namespace */

/* What the I/O path checks (resv_io.c): a seqlock written only by [ctl]
 * (resv_publish: seq odd while writing), read by [hwq] without locks
 * (resv_io_conflict retries while seq is odd or changed). Every field is an
 * atomic loaded and stored relaxed between the seq accesses and fences.
 * rtype 0: no reservation; holder and reg[] are host identifiers as two
 * native 64-bit words. */
struct resv_snap {
	_Atomic uint32_t seq;
	_Atomic uint32_t rtype;
	_Atomic uint32_t nr;
	_Atomic uint64_t holder[2];
	_Atomic uint64_t reg[TGT_RESV_MAX_REG][2];
};

/* Reservations of one namespace (resv.c), allocated when they are first
 * turned on (at namespace add, or in place) and freed with the namespace;
 * turned off and on again in place, the same memory is used again.
 * [ctl] owns every field but snap, which [hwq] reads as above. */
struct ns_resv {
	/* registrants (struct tgt_resv_reg, tgt.h): hosts, all their
	 * controllers, keyed by the 128-bit host identifier of their Connect
	 * data (NVMe Base 2.0 §8.19.1) */
	struct tgt_resv_reg reg[TGT_RESV_MAX_REG];
	unsigned int nr_reg;
	int holder;    /* index in reg[]; -1: no reservation */
	uint8_t rtype; /* NVME_RESV_* when holder >= 0 */
	uint32_t gen;  /* PRGEN */
	bool ptpl;     /* persist through power loss (resv_ptpl.c) */
	struct resv_snap snap;
};

/* A namespace. Immutable fields are set before it is first published. */
struct ns {
	struct ns *next; /* [ctl] subsys->ns_list, by nsid */
	struct tgt *t;
	struct subsys *subsys; /* not valid once deleting */
	uint32_t nsid;
	struct tgt_ns_params params; /* path points at path_buf */
	char *path_buf;
	uint32_t lba_shift;	   /* immutable */
	_Atomic uint64_t nblocks;  /* [atomic] grows only */
	_Atomic uint32_t anagrpid; /* [atomic] */
	_Atomic bool readonly;	   /* [atomic] writes refused */
	bool enabled;		   /* [ctl] visible to hosts */
	/* [ctl] host masking: the host NQNs that see it, sorted (strcmp);
	 * none: every host. The I/O views (sq->ns[]) follow it: a queue of
	 * a controller whose host is not listed never holds the namespace. */
	char **hosts;
	unsigned int nr_hosts;
	bool published;		    /* [ctl] in the I/O views */
	bool deleting;		    /* [ctl] */
	bool pinned;		    /* [ctl] a view may still point
						 * here (out of memory): never
						 * free */
	unsigned int drain_pending; /* [ctl] barrier acks to wait */
	struct backend *be;	    /* backend instance */
	/* Reservations: NULL when off. [ctl] stores it (ns_add,
	 * tgt_ns_set_resv); [hwq] loads it once per command. It points at
	 * resv_mem or is NULL, and resv_mem lives as long as the namespace,
	 * so a command that loaded it before it went NULL reads valid
	 * memory. */
	struct ns_resv *_Atomic resv;
	struct ns_resv *resv_mem; /* [ctl] allocated at the first enable */
	/* Statistics folded in from queue views (ns_stats() adds the live
	 * ones): [atomic], added to only when a view goes away, by several
	 * threads (atomic add per counter, lat.n[] included), read with
	 * relaxed loads. */
	_Atomic uint64_t st[NS_ST_MAX];
	_Atomic uint64_t lat_max;
	struct fcnvme_hist lat;
};

/* A subsystem (also the discovery subsystem, t->disc). */
struct subsys {
	struct subsys *next; /* t->subsys_list, by NQN */
	struct tgt *t;
	char nqn[TGT_NQN_SIZE];
	char serial[TGT_SERIAL_SIZE];
	char model[TGT_MODEL_SIZE];
	char firmware[TGT_FW_SIZE];
	uint32_t ieee_oui;
	uint16_t cntlid_min, cntlid_max, next_cntlid;
	bool allow_any_host;
	bool discovery;
	bool deleted; /* unlisted, awaiting ctrl_free */
	char **hosts; /* allowed host NQNs, sorted */
	unsigned int nr_hosts;
	uint64_t *wwpns;
	unsigned int nr_wwpns;
	struct subsys_key *keys;	 /* [ctl] DH-HMAC-CHAP keys by host NQN */
	uint16_t portids[TGT_MAX_PORTS]; /* sorted */
	unsigned int nr_ports;
	struct ns *ns_list;
	unsigned int nr_ns;
	struct ctrl *ctrls;
	unsigned int nr_ctrls;
	struct tgt_io_stats st_gone; /* its freed controllers */
};

/* A host's DH-HMAC-CHAP keys on a subsystem (subsys_auth.c). [ctl] */
struct subsys_key {
	struct subsys_key *next;
	char hostnqn[TGT_NQN_SIZE];
	struct fcnvme_auth_key host;
	struct fcnvme_auth_key ctrl; /* len 0: unidirectional */
	struct tgt_auth_policy pol;  /* lists of n 0: tgt->auth's */
};

/* A message to one I/O queue's thread about a namespace. [ctl] allocates,
 * the queue's thread runs it, then [ctl] frees it on the ack. */
struct ns_msg {
	/* Any thread: tgt->ack_retry, an ack that found [ctl]'s ring full
	 * (first member: mpsc.h). */
	struct mpsc_node anode;
	struct ns_msg *next; /* [ctl] retry list */
	struct sq *sq;
	struct ns *ns;
	uint32_t nsid;
	bool remove; /* unpublish + drain barrier */
	/* The queue stops: a fused first command waiting for its second
	 * ends with SQ Deletion (cmd_fused_orphan). */
	bool stop;
	/* A drain barrier of a Preempt and Abort (resv_abort.c): the queue
	 * acknowledges once the commands on nsid it took before the message
	 * have completed (later ones are not waited for). */
	struct resv_abort *drain;
	/* [hwq] the drain epoch it waits for, or NS_DRAIN_QUEUED while
	 * another drain of nsid on the queue is still waiting */
	uint8_t epoch;
	/* ns NULL and !remove: hide it from this queue (host masking); I/O
	 * in flight completes, the namespace is not drained. */
	struct ns_msg *bnext; /* [hwq] sq->barriers */
};

#define NS_DRAIN_QUEUED 0xff

/* Latency of one namespace on one queue, allocated by [ctl] when the
 * namespace first shows in the queue: written only by the queue's thread
 * (relaxed load + store; lat through fcnvme_hist_record()), read by [ctl]
 * with relaxed loads; moved into the namespace (and zeroed) by
 * ns_fold_view(). max is the exact maximum. */
struct sq_ns_lat {
	_Atomic uint64_t max;
	struct fcnvme_hist lat;
};

/* A namespace as one I/O queue sees it. [hwq] */
struct sq_ns {
	struct ns *ns; /* NULL: not visible */
	/* Commands on it not completed, by the drain epoch they were taken
	 * in (req_ctx's ns_epoch); a drain barrier (ns_msg's drain) flips
	 * epoch and waits for the other count to reach 0. */
	uint32_t inflight[2];
	uint8_t epoch;
	/* Written only by the queue's thread (plain load + store), read by
	 * [ctl] for statistics. */
	_Atomic uint64_t st[NS_ST_MAX];
	/* [ctl] allocates and stores it (release) before the namespace
	 * first becomes visible in this view (NULL if that failed: no
	 * latency); [hwq] loads it (acquire); freed with the queue. */
	_Atomic(struct sq_ns_lat *) lat;
};

/* One queue (connection) of an association. */
struct sq {
	struct tgt *t;
	struct tgt_port *port; /* NULL if the port is unknown */
	struct nvmet_fc_target_port *tp;
	struct nvmet_fc_sq *fc_sq;
	uint64_t assoc_id;
	uint64_t host_wwnn, host_wwpn;
	void *hosthandle; /* the host port, as the LLDD names it */
	uint16_t qid, sqsize, hwqid;
	/* The port's limits the transport enforces (sq_create). */
	uint32_t max_data_len; /* bytes per command */
	uint16_t mqes;	       /* I/O queue entries, 0's based */
	uint16_t max_qid;      /* I/O queues per association */
	/* Connect asked for SQ flow control disable: [ctl] sets it before
	 * publishing ctrl, [hwq] reads it after acquiring ctrl. */
	bool sqhd_disabled;
	/* [ctl] writes once (release) at Connect; [hwq] reads (acquire). */
	_Atomic(struct ctrl *) ctrl;
	/* DH-HMAC-CHAP: [ctl] sets it before publishing ctrl when the host
	 * has a key, clears it (release) when the queue authenticates; [hwq]
	 * refuses every command but AUTH_Send/Receive while it is set
	 * (acquire; Linux nvmet_check_auth_status). */
	_Atomic bool auth_needed;
	struct sq_auth *auth;	/* [ctl] the exchange (cmd_auth.c), or NULL */
	uint64_t auth_since_ms; /* [ctl] Connect that set auth_needed */
	/* [ctl] */
	struct sq *assoc_next; /* t->sq_list */
	uint64_t created_ms;   /* sq_create, on t->clock */
	bool expired;	       /* deleted for never connecting */
	unsigned int msgs_inflight;
	bool dead; /* sq_destroy seen */
	bool stopping;
	/* [hwq] */
	uint64_t submitted, completed;
	uint16_t sqhd;
	/* The first command of a fused pair whose second has not arrived
	 * yet (the next command on this queue must be it). */
	struct nvmet_fc_req *fused_first;
	struct ns_msg *barriers;
	struct sq_ns *ns;   /* TGT_MAX_NSID + 1; I/O queues only */
	struct sq_stats st; /* [hwq] writes, [ctl] sums */
};

struct aen {
	uint32_t result; /* CQE dword 0 */
};

/* A controller (one per association). */
struct ctrl {
	struct ctrl *next; /* subsys->ctrls */
	struct tgt *t;
	struct subsys *subsys;
	struct tgt_port *port;
	struct sq *sqs[TGT_MAX_QID + 1];
	uint16_t cntlid;
	/* What it advertises: the limits its port's transport enforces. */
	uint8_t mdts;	       /* Identify MDTS: 2^mdts x 4 KiB */
	uint16_t mqes;	       /* CAP.MQES; MAXCMD is mqes + 1 */
	uint16_t max_qid;      /* Number of Queues granted at most */
	uint16_t nr_io_queues; /* granted (Set Features) */
	char hostnqn[TGT_NQN_SIZE];
	uint8_t hostid[16];
	uint64_t host_wwpn;
	uint64_t assoc_id;
	uint32_t cc, csts;
	_Atomic bool ready; /* [atomic] CSTS.RDY, for I/O */
	uint32_t kato_ms;
	uint64_t ka_deadline;	 /* ms, tgt clock */
	_Atomic bool ka_traffic; /* [atomic] set by any queue */
	bool deleting;
	/* Why its association ends, for the ENDED event: set by ctrl_delete
	 * or tgt_host_gone (the first cause wins); "": the host (Disconnect
	 * LS) or the transport ended it. */
	char end_cause[96];
	bool vwc;
	uint32_t aen_cfg;
	uint32_t aen_masked; /* types sent, log not read */
	struct nvmet_fc_req *aer[TGT_AERL + 1];
	unsigned int nr_aer;
	struct aen aen[TGT_MAX_AEN];
	unsigned int nr_aen;
	uint32_t changed_ns[NVME_MAX_CHANGED_NS];
	unsigned int nr_changed_ns; /* > 1024: overflow */
	struct nvme_error_log_entry err_log[TGT_ERR_LOG];
	uint64_t err_count;
	uint64_t disc_view; /* cmd_discovery_view() when last notified */
	/* Reservation notifications (resv_notify.c): log pages not read,
	 * oldest first (on overflow the oldest is dropped: the host sees a
	 * gap in the counts), the count of the last one, and the
	 * Reservation Notification Mask of each namespace (feature 82h,
	 * resv_feat.c; index nsid - 1, reset when the namespace is
	 * removed). [ctl] */
	struct {
		uint64_t count;
		uint32_t nsid;
		uint8_t type;
	} resv_log[TGT_RESV_LOG];
	unsigned int nr_resv_log;
	uint64_t resv_log_count;
	uint8_t resv_mask[TGT_MAX_NSID];
	struct tgt_io_stats st_gone; /* its destroyed I/O queues */
};

/* A referral (referral.c); [ctl], in t->referrals by name. */
struct referral {
	struct referral *next;
	char name[64];
	uint64_t node_name;
	uint64_t port_name;
	uint16_t portid;
	uint8_t treq; /* the entry's TREQ */
	uint16_t ports[TGT_MAX_PORTS];
	unsigned int nr_ports;
	char **hosts; /* sorted; none: every host */
	unsigned int nr_hosts;
};

/* The root object. */
struct tgt {
	/* DH-HMAC-CHAP: what the controller offers, in preference order;
	 * n 0: the defaults (cmd_auth.c). [ctl] */
	struct tgt_auth_policy auth;
	const struct nvmet_fc_env_ops *env;
	void *env_arg;
	char *state_dir;
	struct tgt_port *ports[TGT_MAX_PORTS];
	struct subsys *subsys_list;
	struct subsys *disc;  /* discovery subsystem */
	struct sq *sq_list;   /* every live sq */
	struct ns_msg *retry; /* messages to re-post, oldest first */
	/* [hwq] push, [ctl] take: acks to send again (tgt_timer_tick) */
	struct mpsc_list ack_retry;
	bool ana_grp[TGT_MAX_ANAGRP + 1];
	uint64_t ana_chgcnt;
	uint64_t disc_genctr;
	struct referral *referrals; /* [ctl] by name */
	unsigned int ns_draining;   /* deleted, I/O in flight */
	const struct tgt_clock *clock;
	struct nvmet_fc_req *cpl_retry; /* completions to re-post,
							 * linked via req_ctx.aux2 */
	/* Where namespace events go (tgt_set_ns_event_cb). */
	void (*ns_event)(void *arg, const char *nqn, uint32_t nsid, enum tgt_ns_event ev,
			 uint64_t size, const char *msg);
	void *ns_event_arg;
	/* Where association events go (tgt_set_assoc_event_cb). */
	void (*assoc_event)(void *arg, const struct tgt_assoc_event *ev);
	void *assoc_event_arg;
	/* The transport's entry points (tests replace them). */
	void (*delete_assoc)(struct nvmet_fc_sq *fc_sq);
	void (*discovery_chg)(struct nvmet_fc_target_port *tp);
};

/* Per-request scratch, in req->core_ctx (64 bytes). */
struct req_ctx {
	struct sq *sq;
	struct ns *ns;
	uint64_t offset; /* bytes into the namespace */
	uint32_t len;
	uint16_t status;
	uint8_t flags;
	/* A fused command (cmd_fused.c): RC_FUSED_* bits; its partner is in
	 * aux, and fused_status, when not 0, is the status it completes
	 * with without running (its partner went missing or failed). */
	uint8_t fused;
	/* counted in sq->ns[nsid] (its inflight) until tgt_req_release, or,
	 * with data_ref, until the transport's req_data_done */
	uint32_t nsid;
	uint16_t fused_status;
	/* The transport sends the data from the backend's memory
	 * (tgt_req_data_ref): the namespace must stay until req_data_done. */
	bool data_ref;
	uint8_t ns_epoch; /* the sq->ns[nsid].inflight it counts in */
	uint64_t aux;
	uint64_t aux2;
	uint64_t t0; /* ns, req_init (latency) */
};
_Static_assert(sizeof(struct req_ctx) <= sizeof(((struct nvmet_fc_req *)0)->core_ctx),
	       "req_ctx fits core_ctx");

static inline struct req_ctx *req_ctx(struct nvmet_fc_req *req)
{
	return (struct req_ctx *)(void *)req->core_ctx;
}

enum {
	RC_FUSED_FIRST = 1 << 0,  /* the Compare of a Compare and Write */
	RC_FUSED_SECOND = 1 << 1, /* the Write */
	RC_FUSED_READY = 1 << 2,  /* its data arrived (execute ran) */
};

/* ---- helpers shared by the core files ----------------------------------- */

/* Format a one-line error into err (if given): fcnvme_err() without a
 * return value. */
#define tgt_err(err, errlen, ...) ((void)fcnvme_err(err, errlen, 0, __VA_ARGS__))

/* tgt_port.c */
struct tgt_port *tgt_port_find(struct tgt *t, uint16_t portid);
struct tgt_port *tgt_port_by_tp(struct tgt *t, const struct nvmet_fc_target_port *tp);
void tgt_port_put(struct tgt_port *p);

/* tgt.c */
void tgt_sq_free(struct sq *sq);
int tgt_port_run_on_hwq(struct tgt_port *p, struct tgt *t, uint16_t hwq, void (*fn)(void *),
			void *arg);
int tgt_run_on_ctl(struct tgt *t, struct tgt_port *p, void (*fn)(void *), void *arg);
void tgt_discovery_changed(struct tgt *t, const struct subsys *s, uint16_t gone_portid);
void tgt_port_rscn(struct tgt *t, uint16_t portid);

/* tgt_req.c: completing requests */
uint16_t tgt_cqe_sq_head(const struct sq *sq, const struct nvmet_fc_req *req, uint16_t status);
void tgt_req_complete(struct nvmet_fc_req *req, uint16_t status);
void tgt_req_release(struct nvmet_fc_req *req);
/* [hwq] A backend's zero-copy Read: the transport sends len bytes at addr
 * (backend memory that stays mapped and in place while the namespace
 * exists) instead of req->data; see nvmet_fc_req_data_ref(). 0, or
 * -EOPNOTSUPP/-EINVAL: copy into req->data instead. The request then
 * holds its namespace until tgt_req_data_done(), so that removing the
 * namespace waits for the data to be sent. */
int tgt_req_data_ref(struct nvmet_fc_req *req, const void *addr, uint64_t len);
void tgt_req_data_done(void *core, struct nvmet_fc_req *req);
/* [ctl] post the completion back to the request's hwq thread. */
void tgt_req_complete_from_ctl(struct nvmet_fc_req *req, uint16_t status);

/* tgt_stats_io.c: [hwq] counting (single writer per queue), [ctl] sums */
void tgt_stats_io_response(struct nvmet_fc_req *req, uint32_t nsid, uint16_t status);
void tgt_stats_io_abort(struct sq *sq, uint32_t nsid);
void tgt_stats_io_bytes(struct sq *sq, bool write, uint64_t len);
void tgt_stats_io_sq(const struct sq *sq, struct tgt_io_stats *dst);
void tgt_stats_io_ctrl(const struct ctrl *c, struct tgt_io_stats *dst);
void tgt_stats_io_sq_gone(struct sq *sq, struct ctrl *c);

/* subsys.c */
struct subsys *subsys_find(struct tgt *t, const char *nqn);
bool subsys_host_allowed(const struct subsys *s, const char *hostnqn, uint64_t host_wwpn);
bool subsys_exported_on(const struct subsys *s, uint16_t portid);
bool subsys_write_cache(const struct subsys *s);
bool subsys_compare_write(const struct subsys *s);
/* state_file.c: replace path atomically with what print writes; 0/-errno */
int state_file_write(const char *path, void (*print)(FILE *f, const void *arg), const void *arg);
void subsys_free(struct subsys *s);

/* referral.c */
bool referral_lists(const struct referral *r, const struct ctrl *c);
void referral_free_all(struct tgt *t);

/* strv.c: sorted string sets ([ctl]) */
bool strv_has(char *const *v, unsigned int n, const char *s);
int strv_insert(char ***v, unsigned int *n, const char *s);
char *strv_take(char ***v, unsigned int *n, const char *s);
void strv_free(char ***v, unsigned int *n);

/* ns.c, ns_view.c, ns_msg.c, ns_stats.c, ns_tick.c */
struct ns *ns_find(const struct subsys *s, uint32_t nsid);
/* ns_find of subsystem nqn, with a message when either is unknown. */
struct ns *ns_lookup(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);
void ns_fill_sq_view(struct subsys *s, struct sq *sq, const char *hostnqn);
/* [ctl] Add (ns) or hide (ns NULL) nsid in the views of c's I/O queues. */
void ns_view_ctrl(struct ctrl *c, struct ns *ns, uint32_t nsid);
/* ns_host.c: host masking */
bool ns_host_listed(const struct ns *ns, const char *hostnqn);
/* Enabled and not masked from c's host: what c may see. */
bool ns_visible(const struct ns *ns, const struct ctrl *c);
void ns_host_free(struct ns *ns);
int ns_host_init(struct ns *ns, const char *const *hosts, unsigned int nr_hosts, char *err,
		 size_t errlen);
void ns_destroy_all(struct subsys *s);
void ns_retry_msgs(struct tgt *t);
void ns_drop_msgs(struct tgt *t);
void ns_msg_stop(struct sq *sq);
/* A drain of nsid on each I/O queue of c for a Preempt and Abort,
 * counted in ra until acknowledged (resv_abort.c). */
void ns_msg_drain(struct ctrl *c, uint32_t nsid, struct resv_abort *ra);
void ns_stats(const struct ns *ns, uint64_t st[NS_ST_MAX], struct tgt_io_stats *io);
void ns_fold_view(struct sq_ns *v);
void ns_fold_sq(struct sq *sq);
void ns_sq_completed(struct sq *sq, uint32_t nsid); /* [hwq] drained */
void ns_tick_all(struct tgt *t);		    /* [ctl] poll the backends */
int ns_id_load_or_create(struct tgt *t, const char *nqn, struct tgt_ns_params *p, char *err,
			 size_t errlen);
int ns_id_save(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen);
int ns_id_forget(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen);
int ns_state_path(struct tgt *t, const char *nqn, uint32_t nsid, const char *suffix, char *buf,
		  size_t len, bool mkdirs);

/* ctrl.c */
int ctrl_create(struct subsys *s, struct sq *asq, const char *hostnqn, const uint8_t hostid[16],
		uint32_t kato_ms, struct ctrl **ctrlp);
void ctrl_free(struct ctrl *c);
/* Tear the association down; cause (a static phrase) is what the ENDED
 * event will say. */
void ctrl_delete(struct ctrl *c, const char *cause);
/* [ctl] Hand an association event to tgt_set_assoc_event_cb's callback. */
void tgt_assoc_event(struct tgt *t, const struct tgt_assoc_event *ev);
struct ctrl *ctrl_find(struct subsys *s, uint16_t cntlid);
/* ctrl_conflict.c: another live controller whose host claims c's host
 * NQN with another Host ID, or c's Host ID with another host NQN (cloned
 * hosts), or NULL. */
const struct ctrl *ctrl_conflict_find(const struct ctrl *c);
void ctrl_ka_traffic(struct ctrl *c);
void ctrl_timer(struct ctrl *c, uint64_t now);
void ctrl_add_aen(struct ctrl *c, uint32_t cfg_bit, uint32_t result);
void ctrl_ns_changed(struct ctrl *c, uint32_t nsid);
void ctrl_fail_aers(struct ctrl *c, uint16_t status);
int ctrl_hold_aer(struct ctrl *c, struct nvmet_fc_req *req);
void ctrl_set_cc(struct ctrl *c, uint32_t cc);
void ctrl_log_error(struct ctrl *c, const struct nvmet_fc_req *req, uint16_t status);
/* Every controller of s whose host may see ns hears of a change to it. */
void subsys_ns_changed(struct subsys *s, const struct ns *ns);
void tgt_ana_changed(struct tgt *t);

/* subsys_auth.c: DH-HMAC-CHAP keys [ctl] */
const struct subsys_key *subsys_key_find(const struct subsys *s, const char *hostnqn);
void subsys_keys_free(struct subsys *s);
/* cmd_auth.c: DH-HMAC-CHAP on a queue [ctl]. At Connect: whether the queue
 * must authenticate (sets sq->auth_needed; the caller sets AUTHREQ). */
bool cmd_auth_connect(struct sq *sq, const struct subsys *s, const char *hostnqn);
uint16_t cmd_auth_exec(struct nvmet_fc_req *req, struct sq *sq, struct ctrl *c);
uint16_t cmd_auth_parse(struct nvmet_fc_req *req); /* [hwq] */
/* The Connect response's dword 0 bits for a queue that must authenticate. */
uint32_t cmd_auth_connect_result(bool authreq);
void cmd_auth_free(struct sq *sq);
/* [ctl] Delete c when its admin queue has not authenticated in time. */
/* true: it deleted c (which may be gone at once: do not touch it) */
bool cmd_auth_timer(struct ctrl *c, uint64_t now);

/* cmd_*.c: parse (and for qid 0, execute on [ctl]) */
uint16_t cmd_fabrics_parse(struct nvmet_fc_req *req);
uint16_t cmd_admin_parse(struct nvmet_fc_req *req);
uint16_t cmd_io_parse(struct nvmet_fc_req *req);
void cmd_io_dsm_continue(struct nvmet_fc_req *req, uint16_t status);		     /* [hwq] */
void cmd_io_account(struct sq *sq, uint32_t nsid, enum backend_op op, uint64_t len); /* [hwq] */
/* cmd_fused.c [hwq] */
uint16_t cmd_fused_parse(struct nvmet_fc_req *req, uint8_t fuse);
void cmd_fused_execute(struct nvmet_fc_req *req);
void cmd_fused_done(struct nvmet_fc_req *second, uint16_t status);
void cmd_fused_abort(struct nvmet_fc_req *req);
void cmd_fused_orphan(struct sq *sq, uint16_t status);
/* [ctl] the admin executors; return a status, or TGT_STATUS_DEFERRED
 * when they keep the request (AER). */
#define TGT_STATUS_DEFERRED 0xffff
uint16_t cmd_admin_exec(struct nvmet_fc_req *req, struct ctrl *c);
uint16_t cmd_fabrics_exec(struct nvmet_fc_req *req, struct sq *sq);
uint16_t cmd_identify(struct nvmet_fc_req *req, struct ctrl *c);
uint16_t cmd_get_log_page(struct nvmet_fc_req *req, struct ctrl *c);
uint16_t cmd_set_features(struct nvmet_fc_req *req, struct ctrl *c);
uint16_t cmd_get_features(struct nvmet_fc_req *req, struct ctrl *c);
/* cmd_discovery.c: build the discovery log for c into buf (len bytes at
 * offset off). */
void cmd_discovery_log(struct ctrl *c, uint8_t *buf, uint64_t off, uint32_t len);
/* A fingerprint of the entries c's discovery log lists. */
uint64_t cmd_discovery_view(const struct ctrl *c);

/* ana.c */
uint8_t ana_state(const struct tgt_port *p, uint32_t grpid);
void ana_port_init(struct tgt *t, struct tgt_port *p);
size_t ana_log_build(struct ctrl *c, bool rgo, uint8_t *buf, size_t cap);

/* resv.c: reservation commands, parsed on [hwq], executed on [ctl] */
uint16_t resv_parse(struct nvmet_fc_req *req, struct ns *ns);
int resv_init(struct ns *ns, char *err, size_t errlen);
void resv_free(struct ns *ns);
/* Turn reservations off: -EBUSY (err says why) while a host is
 * registered. */
int resv_off(struct ns *ns, char *err, size_t errlen);
/* resv_abort.c: a Preempt and Abort completes once the preempted hosts'
 * commands on the namespace that their queues took before it have
 * completed. [ctl] */
struct resv_abort {
	struct nvmet_fc_req *req;	    /* the Reservation Acquire */
	uint16_t status;		    /* what it completes with */
	unsigned int pending;		    /* drains not acknowledged (+1 while sending) */
	uint8_t gone[TGT_RESV_MAX_REG][16]; /* the registrants it removed */
	unsigned int nr_gone;
};
struct resv_abort *resv_abort_new(struct nvmet_fc_req *req);
void resv_abort_start(struct resv_abort *ra, struct ns *ns, uint16_t status);
void resv_abort_acked(struct resv_abort *ra);
/* resv_io.c: the conflict table and the [hwq] check */
enum resv_role {
	RESV_OTHER,
	RESV_REGISTRANT,
	RESV_HOLDER
};
bool resv_conflicts(uint8_t rtype, enum resv_role role, bool write);
bool resv_io_conflict(struct resv_snap *s, const uint8_t hostid[16], bool write); /* [hwq] */
void resv_publish(struct ns_resv *r);						  /* [ctl] */
/* resv_feat.c: Set/Get Features 82h and 83h */
uint16_t resv_feat_set(struct nvmet_fc_req *req, struct ctrl *c, uint8_t fid);
uint16_t resv_feat_get(struct nvmet_fc_req *req, struct ctrl *c, uint8_t fid);
void resv_feat_forget(struct subsys *s, uint32_t nsid);
/* resv_notify.c: notifications to the controllers of a host */
void resv_notify_host(struct ns *ns, const uint8_t hostid[16], uint8_t type);
size_t resv_notify_log(struct ctrl *c, bool rae, uint8_t *buf);
/* resv_ptpl.c: the persisted state, "<state_dir>/<NQN>/ns<NSID>.resv" */
int resv_ptpl_save(struct ns *ns, char *err, size_t errlen);
int resv_ptpl_load(struct ns *ns, char *err, size_t errlen);
int resv_ptpl_forget(struct ns *ns);

/* cmd_util.c: data buffer helpers for executors */
uint16_t cmd_check_len(const struct nvmet_fc_req *req, uint32_t len);
void cmd_copy_out(struct nvmet_fc_req *req, const void *buf, size_t len);
void cmd_set_result(struct nvmet_fc_req *req, uint64_t v);

/* KATO in ms rounded up to whole seconds, as nvmet does (no overflow). */
static inline uint32_t tgt_kato_round(uint32_t ms)
{
	uint64_t r = ((uint64_t)ms + 999) / 1000 * 1000;

	return r > UINT32_MAX ? UINT32_MAX / 1000 * 1000 : (uint32_t)r;
}

/* Copy a C string into a fixed field padded with spaces (no NUL). */
void tgt_copy_padded(char *dst, size_t len, const char *src);

#endif /* TGT_PRIV_H */
