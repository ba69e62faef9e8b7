/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of daemon/cluster share (cluster.c has the design): the
 * view of the state object, the node's cluster state, and the functions
 * one file of the module calls in another. Private to daemon/cluster.
 */
#ifndef CLUSTER_PRIV_H
#define CLUSTER_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <event2/util.h>

#include "cluster_store.h"
#include "conf/conf.h"
#include "core/tgt.h"
#include "preopen.h"

struct event;
struct fcd;

#define CL_MAX_NODES  16
#define CL_MAX_SUBSYS 32
#define CL_MAX_NS     256
#define CL_TICK_MS    100
#define CL_LOCK_MS    10000
#define CL_SLOW_MS    1000 /* a read of the state object this long: a stall */
#define CL_ADDRS      1024
#define CL_HOSTS      2048

struct cl_node {
	char name[CONF_NAME_MAX];
	uint16_t id;
	uint64_t hb;
	uint64_t seen_ms; /* our clock when hb last moved */
	char addrs[CL_ADDRS];
};

struct cl_group {
	bool present;
	char owner[CONF_NAME_MAX];
	uint64_t epoch;
};

struct cl_subsys {
	char nqn[TGT_NQN_SIZE];
	bool allow_any;
	char hosts[CL_HOSTS];
};

struct cl_ns {
	char nqn[TGT_NQN_SIZE];
	uint32_t nsid;
	char pool[TGT_RBD_NAME_SIZE], image[TGT_RBD_NAME_SIZE], rns[TGT_RBD_NAME_SIZE];
	uint32_t grp, lba;
	char hosts[CL_HOSTS]; /* host masking: comma separated; "": every host */
};

/* What the object says (read whole each time). */
struct cl_view {
	struct cl_node nodes[CL_MAX_NODES];
	unsigned int nr_nodes;
	struct cl_group groups[TGT_MAX_ANAGRP + 1];
	struct cl_subsys subsys[CL_MAX_SUBSYS];
	unsigned int nr_subsys;
	struct cl_ns ns[CL_MAX_NS];
	unsigned int nr_ns;
};

/* A change of the group records (claim, takeover, failback), the rejoin
 * barrier's lock, or the new client after a fence: blocking calls that
 * connect, lock, read, fence and write the state object, run on a thread
 * of their own (cluster_job.c) so that a cluster slow to answer holds
 * that thread, not the control thread that serves every host. One at a
 * time. The control thread fills the inputs and starts it; the thread
 * writes the outputs, then done (release); the control thread reads them
 * after done (acquire), joins it and acts. */
enum cl_job_kind {
	CL_JOB_CLAIM,
	CL_JOB_TAKEOVER,
	CL_JOB_PASS,
	CL_JOB_REJOIN,
	CL_JOB_RECONNECT,
	CL_JOB_EDIT /* a command's edit (struct cl_edit) */
};

#define CL_JOB_ADDRS 32 /* fence results kept per takeover (the rest: counted) */

struct cl_job {
	/* inputs [ctl] */
	enum cl_job_kind kind;
	uint32_t g;
	char from[CONF_NAME_MAX]; /* takeover: the lost owner; pass: the owner now */
	char to[CONF_NAME_MAX];	  /* pass: the new owner */
	char addrs[CL_ADDRS];	  /* takeover: the lost owner's addresses */
	uint64_t t0_ms;		  /* our clock when it started */
	uint64_t member_for_ms;	  /* pass (failback): how long we had been a member */
	/* outputs [job] until done */
	int rc;			    /* 0: done; -ESTALE: the record changed meanwhile; -errno */
	uint64_t epoch;		    /* the epoch written */
	int fence_rc[CL_JOB_ADDRS]; /* takeover: each address's blocklist result */
	unsigned int nr_fenced;	    /* addresses tried */
	char err[256];		    /* reconnect: why the new client failed */
	_Atomic bool done;
};

/* A command's edit of the state object (cluster_edit.c): under the
 * object's lock, on a read made under it, judge the command and write
 * what it changes, then unlock and notify. Those calls wait on the
 * cluster (up to the op timeout each), so the edit runs as the job
 * (CL_JOB_EDIT) and the command waits for it parked (preopen.h): the
 * control thread serves every host meanwhile. */
enum cl_edit_kind {
	CL_EDIT_SUBSYS_ADD, /* nqn, flag: allow any host */
	CL_EDIT_SUBSYS_DEL, /* nqn (and its namespaces) */
	CL_EDIT_HOST,	    /* nqn, name: the host, flag: allow (else disallow) */
	CL_EDIT_NS_HOST,    /* nqn, nsid, name: the host, flag: add (else remove) */
	CL_EDIT_NS_ADD,	    /* ns (nsid 0: the lowest free) */
	CL_EDIT_NS_DEL,	    /* nqn, nsid */
	CL_EDIT_MOVE	    /* g, name: the new owner */
};

/* What a command asks; compared whole (memcmp) to know a request that
 * runs again for its answer, so always zeroed before it is filled. */
struct cl_edit_args {
	enum cl_edit_kind kind;
	char nqn[TGT_NQN_SIZE];
	char name[TGT_NQN_SIZE];
	uint32_t nsid;
	uint32_t g;
	bool flag;
	struct cl_ns ns;
};

/* Where an edit is: idle; its job runs; done, waiting for this node to
 * read the object back and apply it (a read begun after the job ended);
 * answered (kept for the request to take when it runs again). */
enum cl_edit_state {
	CL_EDIT_IDLE,
	CL_EDIT_RUNNING,
	CL_EDIT_APPLYING,
	CL_EDIT_ANSWERED
};

struct cl_edit {
	struct cl_edit_args a;	  /* [ctl] while not idle */
	enum cl_edit_state state; /* [ctl] */
	uint64_t read_seq;	  /* [ctl] applying: reads begun when the job ended */
	uint64_t end_ms;	  /* [ctl] our clock when the job or the answer ended */
	struct cl_view *view;	  /* [job] the read under the lock (owned by [ctl]) */
	/* outputs [job] until the job is done, then [ctl] */
	int rc;
	uint32_t nsid; /* ns add: the NSID written */
	char err[256];
};

struct cluster {
	struct fcd *d;
	struct conf_cluster cfg;
	struct cl_store st;
	bool st_ok;
	struct event *timer;
	uint64_t next_read_ms;
	uint64_t read_ms; /* our clock when the view was read */
	/* The heartbeat thread: it alone writes node/NAME. */
	pthread_t hb_thread;
	bool hb_running;	     /* [ctl] */
	_Atomic bool hb_stop;	     /* [ctl] writes */
	_Atomic int hb_rc;	     /* [hb] last write's result */
	pthread_mutex_t hb_lock;     /* guards hb_addrs (control path only) */
	char hb_addrs[2 * CL_ADDRS]; /* [ctl] writes under hb_lock */
	uint64_t hb;		     /* [hb] */
	struct cl_view view;	     /* last read */
	struct cl_view applied;	     /* what runs in the core (subsys, ns) */
	/* [ctl] Images of new namespaces open on a thread of their own
	 * first (preopen.h); once they are, the object is read again. */
	struct preopen_waiter open_wait;
	uint8_t ana[TGT_MAX_ANAGRP + 1]; /* our state per group; 0xff: unset */
	bool fenced;
	/* A shared namespace's client was fenced: reconnect it once our own
	 * heartbeat went through (we are a member in good standing). */
	bool ns_fenced;
	/* We rejoined after a fence: the node that fenced us may still be
	 * taking our groups over (it fences, then writes itself as owner,
	 * all under the object's lock). Until we have held that lock once,
	 * the group records may still name us: our groups stay
	 * inaccessible. [ctl] */
	bool rejoin_barrier;
	/* Our clock when we last became a member in good standing (read the
	 * object, not fenced, rejoin settled); 0 while we are not one. For
	 * failback_ms. [ctl] */
	uint64_t member_ms;
	/* The timer's read, under way between cl_read_begin and the
	 * cl_read_step that ends it: the view it fills, our clock when it
	 * started, view_gen then, and whether it is the fresh read that
	 * decides on groups after a long apply. The completions of its pages
	 * write rd_efd (an eventfd, open for the cluster's life), which rd_ev
	 * watches. [ctl] */
	struct cl_view *rd_view;
	uint64_t rd_start_ms;
	uint64_t rd_gen;
	bool rd_groups_only;
	int rd_efd;
	struct event *rd_ev;
	uint64_t view_gen; /* [ctl] views committed so far */
	uint64_t rd_seq;   /* [ctl] timer's reads begun so far (the one under way's) */
	/* Commands that named a subsystem the view did not hold wait for a
	 * read begun after they asked (cluster_lookup.c): the lowest read
	 * number that answers them all (0: none waits), and the number of
	 * the last read that ended. [ctl] */
	uint64_t lk_seq;
	uint64_t rd_done_seq;
	/* Our clock when reads last came back from a stall of the object
	 * (failed reads, or one of dead_ms / 2 or more): no node is lost for
	 * beats missed before (cl_alive). [ctl] */
	uint64_t grace_ms;
	unsigned int read_fails; /* [ctl] reads failed in a row */
	/* The group job: its thread, started and not joined yet [ctl]. */
	pthread_t job_thr;
	bool job_running;
	struct cl_job job;
	struct cl_edit edit; /* a command's edit (cluster_edit.c) */
};

/* cluster_view.c */
void cl_word(const char *v, const char *key, char *out, size_t len);
uint64_t cl_word_u64(const char *v, const char *key);
struct cl_node *cl_node_find(struct cl_view *v, const char *name);
int cl_read(struct cluster *cl);
/* Read the object into v (blocking; v is not committed): [job]. */
int cl_read_into(struct cluster *cl, struct cl_view *v);
/* The same without blocking (see cl_store_aread_*): _begin starts it; _step,
 * when rd_efd was written (or on the timer), returns -EINPROGRESS, or ends
 * it: 0 with cl->view read (or left as a newer blocking read made it), or
 * -errno. _cancel waits for a page in flight, then drops it. */
int cl_read_begin(struct cluster *cl);
int cl_read_step(struct cluster *cl);
void cl_read_cancel(struct cluster *cl);
int cl_answers(struct cluster *cl, char *err, size_t errlen);
bool cl_alive(struct cluster *cl, const struct cl_node *n);
const struct cl_subsys *cl_subsys_in(const struct cl_view *v, const char *nqn);
const struct cl_ns *cl_ns_in(const struct cl_view *v, const char *nqn, uint32_t nsid);
/* Whether a comma-separated host list has host. */
bool cl_list_has(const char *list, const char *host);
/* list with host added (add) or removed into out: 0, -ENOSPC when it does
 * not fit. */
int cl_list_edit(const char *list, const char *host, bool add, char *out, size_t len);
/* The next name of a comma-separated list into h (empty ones skipped);
 * returns where the one after starts, NULL at the end. */
const char *cl_list_next(const char *p, char *h, size_t len);

/* cluster_apply.c */
void cl_reconcile(struct cluster *cl);
/* The namespace parameters of shared namespace n (without its host mask). */
void cl_ns_params(const struct cluster *cl, const struct cl_ns *n, struct tgt_ns_params *p);
void cl_opened(struct preopen_waiter *w);

/* cluster_job.c */
/* Start the job cl->job describes (inputs filled): 0, or -EAGAIN when no
 * thread can be had (the next read tries again). One at a time. */
int cl_job_start(struct cluster *cl, enum cl_job_kind kind);
/* When the job has ended (wait: wait for it), join it and act on its
 * outcome; whether one was joined. */
bool cl_job_reap(struct cluster *cl, bool wait);
/* 0, or -EAGAIN with err said while a job holds the object's lock: a
 * command's lock would be taken as the same holder's (one cookie). */
int cl_job_busy(struct cluster *cl, char *err, size_t errlen);
/* The job under way in words ("takeover of ANA group 2 from node b, 1245
 * ms"), "" when none runs. */
void cl_job_describe(struct cluster *cl, char *out, size_t len);

/* cluster_edit.c */
/* Run the command a: answered now (0 or -errno, err said, *nsid for an ns
 * add), or -EINPROGRESS: its edit runs (or another's does), and the
 * request runs again, with the same a, at a wake-up (preopen_wake). */
int cl_edit_run(struct cluster *cl, const struct cl_edit_args *a, uint32_t *nsid, char *err,
		size_t errlen);
/* [job] The edit, under the object's lock. */
int cl_edit_job(struct cluster *cl);
/* Judge a on v and write what it changes through set (key, value; NULL:
 * remove): 0, or -errno with err said. *nsid: the ns add's NSID. */
int cl_edit_write(const struct cl_view *v, const struct cl_edit_args *a,
		  int (*set)(void *arg, const char *key, const char *val), void *arg,
		  uint32_t *nsid, char *err, size_t errlen);
/* [ctl] The job ended (cl_job_reap). */
void cl_edit_job_done(struct cluster *cl);
/* [ctl] A timer's read begun as read number seq ended (applied, or failed). */
void cl_edit_read_done(struct cluster *cl, uint64_t seq);
/* [ctl] Every tick: drop an answer nobody took, end a wait for a read
 * that does not come. */
void cl_edit_tick(struct cluster *cl);
/* The edit under way in words, for cl_job_describe. */
const char *cl_edit_name(enum cl_edit_kind kind);

/* cluster_lookup.c */
/* [ctl] A timer's read begun as read number seq ended (applied, or
 * failed): wake the commands it answers, or read again for later ones. */
void cl_lookup_read_done(struct cluster *cl, uint64_t seq);
/* [ctl] Every tick: wake the waiting commands when no read can answer them
 * (the object does not answer, a job runs, the node was fenced). */
void cl_lookup_tick(struct cluster *cl);

/* cluster_ana.c */
void cl_group_ensure(struct cluster *cl, uint32_t g);
void cl_ana_set(struct cluster *cl, uint32_t g, uint8_t state);
/* Group g's record: its key ("group/G") and value. */
void cl_group_entry(uint32_t g, const char *owner, uint64_t epoch, char *key, size_t klen,
		    char *val, size_t vlen);
int cl_group_write(struct cluster *cl, uint32_t g, const char *owner, uint64_t epoch);
/* Under the object's lock, from a read made under it: when group g's
 * record names `from`, write `to` as its owner, the epoch plus one (into
 * *epoch), no fence. 0, -ESTALE, or the lock's or the write's -errno.
 * Blocking: [ctl] at stop, else [job]. */
int cl_group_pass(struct cluster *cl, uint32_t g, const char *from, const char *to,
		  uint64_t *epoch);
/* What a group's job did, applied: [ctl], from cl_job_reap. */
void cl_group_job_done(struct cluster *cl, const struct cl_job *j);
void cl_groups(struct cluster *cl);
int cl_leave(struct cluster *cl);

/* cluster.c */
bool cl_read_view(struct cluster *cl);
/* A reconnect job gave us a new client after a fence: beat, rejoin. */
void cl_rejoined(struct cluster *cl);
/* Read the object (blocking) and apply it here, now: at start. */
void cl_sync(struct cluster *cl);
/* Whether no timer's read may start now: fenced (no client), a job runs
 * (one sent before its write would undo it), or a rejoin has not settled. */
bool cl_read_blocked(const struct cluster *cl);
/* Have the timer's read under way: true when one is (started now if none
 * was and one may start), false when none can start now (fenced, a job
 * runs, a rejoin has not settled, or the start failed). */
bool cl_read_now(struct cluster *cl);

#endif /* CLUSTER_PRIV_H */
