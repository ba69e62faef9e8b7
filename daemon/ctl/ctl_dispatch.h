/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dispatch of validated control requests: permission check, then the
 * handler of the command from a table indexed by enum fcnvme_cmd, then the
 * reply (data messages + NLMSG_DONE, or NLMSG_ERROR). Handlers live in
 * ctl_<object>.c and never send the terminating message themselves. [ctl].
 */
#ifndef CTL_DISPATCH_H
#define CTL_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <fcnvmectl/ctl.h>

struct fcd;
struct fcnvme_msg;
struct nl_msg;

/* Who sent a request (from SO_PEERCRED, judged when it arrived). */
struct ctl_peer {
	uid_t uid;
	pid_t pid;
	bool writable; /* root, the daemon's user, or the socket group */
	bool resumed;  /* the request runs again: its handler said CTL_WAIT */
	/* The request's cluster lookup (cluster_lookup), kept by the server
	 * across its runs, 0 when it arrives; NULL: none (no wait). */
	uint64_t *ticket;
};

/* What a handler gets: the daemon, the request, where to put replies. */
struct ctl_req {
	struct fcd *d;
	const struct fcnvme_msg *msg;
	/* Deliver one reply message (ownership passes); 0 or -errno. */
	int (*send)(void *ctx, struct nl_msg *m);
	void *ctx;
	bool writable;	  /* the peer may mutate */
	bool resumed;	  /* runs again after a CTL_WAIT (say what it waits once) */
	uid_t uid;	  /* the peer's user */
	uint64_t *ticket; /* see ctl_peer */
	char err[512];	  /* handler's reason on failure */
};

/* A handler's answer that it waits for backends to open on their own
 * thread (preopen.h) and answers nothing yet: the server runs the same
 * request again once they are done (ctl_server.c). Only for handlers
 * that start such opens first (backend_preopen_start() said 1). */
#define CTL_WAIT 1

/* A handler: 0, CTL_WAIT, or -errno with req->err filled. */
typedef int (*ctl_handler)(struct ctl_req *req);

/* The handler table, [FCNVME_CMD_MAX + 1]; NULL where a command has none. */
extern const ctl_handler ctl_handlers[FCNVME_CMD_MAX + 1];

/*
 * Run one validated request: permission (peer->writable: may mutate),
 * handler, then NLMSG_DONE for dumps or an ack/error. Returns the
 * handler's result (already reported to the peer), or CTL_WAIT when it
 * sent nothing and waits.
 */
int ctl_dispatch(struct fcd *d, const struct fcnvme_msg *msg, const struct ctl_peer *peer,
		 int (*send)(void *ctx, struct nl_msg *m), void *ctx);

/* A data reply to req for the request's command; NULL if out of memory. */
struct nl_msg *ctl_reply_new(struct ctl_req *req);
/* Fill req->err and return error. */
int ctl_fail(struct ctl_req *req, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 0 if nqn is a valid NQN, else fail req: "WHAT NQN: why". */
int ctl_check_nqn(struct ctl_req *req, const char *what, const char *nqn);
/* Whether nqn is a cluster subsystem: 1, 0, or -EINPROGRESS with req->err
 * said while the request waits for a read of the cluster state
 * (cluster_lookup; ctl_dispatch makes it wait). */
int ctl_shared(struct ctl_req *req, const char *nqn);

/* Handlers, one file per object family. */
int ctl_status(struct ctl_req *req);
int ctl_version(struct ctl_req *req);
int ctl_port_list(struct ctl_req *req);
int ctl_port_show(struct ctl_req *req);
int ctl_port_enable(struct ctl_req *req);
int ctl_port_disable(struct ctl_req *req);
int ctl_host_list(struct ctl_req *req);
int ctl_host_show(struct ctl_req *req);
int ctl_host_invalidate(struct ctl_req *req);
int ctl_discovery_event(struct ctl_req *req);
int ctl_subsys_add(struct ctl_req *req);
int ctl_subsys_del(struct ctl_req *req);
int ctl_subsys_list(struct ctl_req *req);
int ctl_subsys_show(struct ctl_req *req);
int ctl_subsys_set(struct ctl_req *req);
int ctl_subsys_port_add(struct ctl_req *req);
int ctl_subsys_port_del(struct ctl_req *req);
int ctl_allowed_host_add(struct ctl_req *req);
int ctl_allowed_host_del(struct ctl_req *req);
int ctl_allowed_wwpn_add(struct ctl_req *req);
int ctl_allowed_wwpn_del(struct ctl_req *req);
int ctl_ns_add(struct ctl_req *req);
int ctl_ns_del(struct ctl_req *req);
int ctl_ns_list(struct ctl_req *req);
int ctl_ns_show(struct ctl_req *req);
int ctl_ns_resize(struct ctl_req *req);
int ctl_ns_enable(struct ctl_req *req);
int ctl_ns_disable(struct ctl_req *req);
int ctl_ns_set_ana_group(struct ctl_req *req);
int ctl_ns_set(struct ctl_req *req);
int ctl_ns_host_add(struct ctl_req *req);
int ctl_ns_host_del(struct ctl_req *req);
int ctl_ns_resv_clear(struct ctl_req *req);
int ctl_ana_add(struct ctl_req *req);
int ctl_ana_set_state(struct ctl_req *req);
int ctl_assoc_list(struct ctl_req *req);
int ctl_assoc_delete(struct ctl_req *req);
int ctl_stats(struct ctl_req *req);
int ctl_config_reload(struct ctl_req *req);
int ctl_config_save(struct ctl_req *req);
int ctl_config_show(struct ctl_req *req);
int ctl_config_diff(struct ctl_req *req);
int ctl_log_level(struct ctl_req *req);
int ctl_cluster_nodes(struct ctl_req *req);
int ctl_cluster_groups(struct ctl_req *req);
int ctl_cluster_status(struct ctl_req *req);
int ctl_cluster_move_group(struct ctl_req *req);
int ctl_cluster_subsys_add(struct ctl_req *req);
int ctl_cluster_subsys_del(struct ctl_req *req);
int ctl_referral_add(struct ctl_req *req);
int ctl_referral_del(struct ctl_req *req);
int ctl_referral_list(struct ctl_req *req);
int ctl_referral_set(struct ctl_req *req);

#endif /* CTL_DISPATCH_H */
