// SPDX-License-Identifier: Apache-2.0
/*
 * ctl_dispatch(): run one validated control request. The handler comes
 * from ctl_handlers[], indexed by the command enum (no switch); the
 * permission rule comes from the command's descriptor (FCNVME_CMDF_WRITE
 * needs a writable peer). The answer always ends with exactly one message:
 * NLMSG_DONE after data (or for dump commands), an ack (NLMSG_ERROR 0)
 * otherwise, or NLMSG_ERROR with the handler's errno and reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <linux/netlink.h>
#include <netlink/msg.h>

#include <fcnvme/err.h>
#include <fcnvme/nqn.h>
#include <fcnvmectl/ctl_msg.h>

#include "cluster/cluster.h"
#include "conf/conf.h"
#include "ctl_dispatch.h"
#include "fcd.h"
#include "log.h"

const ctl_handler ctl_handlers[FCNVME_CMD_MAX + 1] = {
	[FCNVME_CMD_STATUS] = ctl_status,
	[FCNVME_CMD_VERSION] = ctl_version,
	[FCNVME_CMD_PORT_LIST] = ctl_port_list,
	[FCNVME_CMD_PORT_SHOW] = ctl_port_show,
	[FCNVME_CMD_PORT_ENABLE] = ctl_port_enable,
	[FCNVME_CMD_PORT_DISABLE] = ctl_port_disable,
	[FCNVME_CMD_HOST_LIST] = ctl_host_list,
	[FCNVME_CMD_HOST_SHOW] = ctl_host_show,
	[FCNVME_CMD_HOST_INVALIDATE] = ctl_host_invalidate,
	[FCNVME_CMD_SUBSYS_ADD] = ctl_subsys_add,
	[FCNVME_CMD_SUBSYS_DEL] = ctl_subsys_del,
	[FCNVME_CMD_SUBSYS_LIST] = ctl_subsys_list,
	[FCNVME_CMD_SUBSYS_SHOW] = ctl_subsys_show,
	[FCNVME_CMD_SUBSYS_SET] = ctl_subsys_set,
	[FCNVME_CMD_ALLOWED_HOST_ADD] = ctl_allowed_host_add,
	[FCNVME_CMD_ALLOWED_HOST_DEL] = ctl_allowed_host_del,
	[FCNVME_CMD_NS_ADD] = ctl_ns_add,
	[FCNVME_CMD_NS_DEL] = ctl_ns_del,
	[FCNVME_CMD_NS_LIST] = ctl_ns_list,
	[FCNVME_CMD_NS_SHOW] = ctl_ns_show,
	[FCNVME_CMD_NS_RESIZE] = ctl_ns_resize,
	[FCNVME_CMD_NS_ENABLE] = ctl_ns_enable,
	[FCNVME_CMD_NS_DISABLE] = ctl_ns_disable,
	[FCNVME_CMD_NS_SET_ANA_GROUP] = ctl_ns_set_ana_group,
	[FCNVME_CMD_NS_SET] = ctl_ns_set,
	[FCNVME_CMD_NS_HOST_ADD] = ctl_ns_host_add,
	[FCNVME_CMD_NS_HOST_DEL] = ctl_ns_host_del,
	[FCNVME_CMD_NS_RESV_CLEAR] = ctl_ns_resv_clear,
	[FCNVME_CMD_ANA_ADD] = ctl_ana_add,
	[FCNVME_CMD_ANA_SET_STATE] = ctl_ana_set_state,
	[FCNVME_CMD_ASSOC_LIST] = ctl_assoc_list,
	[FCNVME_CMD_ASSOC_DELETE] = ctl_assoc_delete,
	[FCNVME_CMD_STATS] = ctl_stats,
	[FCNVME_CMD_DISCOVERY_EVENT] = ctl_discovery_event,
	[FCNVME_CMD_CONFIG_RELOAD] = ctl_config_reload,
	[FCNVME_CMD_CONFIG_SAVE] = ctl_config_save,
	[FCNVME_CMD_CONFIG_SHOW] = ctl_config_show,
	[FCNVME_CMD_CONFIG_DIFF] = ctl_config_diff,
	[FCNVME_CMD_LOG_LEVEL] = ctl_log_level,
	[FCNVME_CMD_SUBSYS_PORT_ADD] = ctl_subsys_port_add,
	[FCNVME_CMD_SUBSYS_PORT_DEL] = ctl_subsys_port_del,
	[FCNVME_CMD_ALLOWED_WWPN_ADD] = ctl_allowed_wwpn_add,
	[FCNVME_CMD_ALLOWED_WWPN_DEL] = ctl_allowed_wwpn_del,
	[FCNVME_CMD_CLUSTER_NODES] = ctl_cluster_nodes,
	[FCNVME_CMD_CLUSTER_GROUPS] = ctl_cluster_groups,
	[FCNVME_CMD_CLUSTER_STATUS] = ctl_cluster_status,
	[FCNVME_CMD_CLUSTER_MOVE_GROUP] = ctl_cluster_move_group,
	[FCNVME_CMD_CLUSTER_SUBSYS_ADD] = ctl_cluster_subsys_add,
	[FCNVME_CMD_CLUSTER_SUBSYS_DEL] = ctl_cluster_subsys_del,
	[FCNVME_CMD_REFERRAL_ADD] = ctl_referral_add,
	[FCNVME_CMD_REFERRAL_DEL] = ctl_referral_del,
	[FCNVME_CMD_REFERRAL_LIST] = ctl_referral_list,
	[FCNVME_CMD_REFERRAL_SET] = ctl_referral_set,
};

/* Counts the data messages a handler sent, then forwards them. */
struct dispatch_ctx {
	int (*send)(void *ctx, struct nl_msg *m);
	void *ctx;
	unsigned int sent;
};

static int count_send(void *arg, struct nl_msg *m)
{
	struct dispatch_ctx *dc = arg;

	dc->sent++;
	return dc->send(dc->ctx, m);
}

/* Fill req->err and return error. */
int ctl_fail(struct ctl_req *req, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fcnvme_verr(req->err, sizeof(req->err), error, fmt, ap);
	va_end(ap);
	return error;
}

/* 0 if nqn is a valid NQN, else fail req naming it as what ("host"). */
int ctl_check_nqn(struct ctl_req *req, const char *what, const char *nqn)
{
	const char *why = NULL;

	if (fcnvme_nqn_validate(nqn, &why) != 0)
		return ctl_fail(req, -EINVAL, "%s %s: %s", what, nqn,
				why != NULL ? why : "invalid NQN");
	return 0;
}

int ctl_shared(struct ctl_req *req, const char *nqn)
{
	return cluster_lookup(req->d, nqn, req->ticket, req->err, sizeof(req->err));
}

/* A data message answering req. */
struct nl_msg *ctl_reply_new(struct ctl_req *req)
{
	return fcnvme_msg_new(req->msg->cmd, NLM_F_MULTI, req->msg->nlh->nlmsg_seq);
}

/* Log a mutation once: who (uid, pid, from SO_PEERCRED), what with which
 * arguments, and how it ended (err NULL: done), with the journal fields of
 * the objects it names. */
static void ctl_dispatch_log(const struct fcnvme_cmd_desc *desc, const struct fcnvme_msg *msg,
			     const struct ctl_peer *peer, const char *err)
{
	struct log_fields f = {
		.port = fcnvme_msg_get_str(msg, FCNVME_A_NAME),
		.subsys_nqn = fcnvme_msg_get_str(msg, FCNVME_A_NQN),
		.host_nqn = fcnvme_msg_get_str(msg, FCNVME_A_HOST_NQN),
	};
	char args[768];

	if (fcnvme_msg_get_u64(msg, FCNVME_A_WWPN, &f.host_wwpn) || desc == NULL ||
	    msg->cmd == FCNVME_CMD_PORT_ENABLE || msg->cmd == FCNVME_CMD_PORT_DISABLE)
		f.host_wwpn = 0; /* a port's own WWPN is not a host's */
	fcnvme_msg_format_args(msg, args, sizeof(args));
	if (err)
		log_fields(LOG_WARNING, &f, "control: uid %u pid %d: %s%s%s: failed: %s",
			   (unsigned int)peer->uid, (int)peer->pid, desc->name, *args ? " " : "",
			   args, err);
	else
		log_fields(LOG_NOTICE, &f, "control: uid %u pid %d: %s%s%s: done",
			   (unsigned int)peer->uid, (int)peer->pid, desc->name, *args ? " " : "",
			   args);
}

/* Validate-dispatch-reply one request; see ctl_dispatch.h. */
int ctl_dispatch(struct fcd *d, const struct fcnvme_msg *msg, const struct ctl_peer *peer,
		 int (*send)(void *ctx, struct nl_msg *m), void *ctx)
{
	const struct fcnvme_cmd_desc *desc = fcnvme_cmd_desc(msg->cmd);
	struct dispatch_ctx dc = { send, ctx, 0 };
	struct ctl_req req = { .d = d,
			       .msg = msg,
			       .send = count_send,
			       .ctx = &dc,
			       .writable = peer->writable,
			       .resumed = peer->resumed,
			       .ticket = peer->ticket,
			       .uid = peer->uid };
	bool writable = peer->writable;
	ctl_handler h = msg->cmd <= FCNVME_CMD_MAX ? ctl_handlers[msg->cmd] : NULL;
	int rc;

	/* Handlers record changes in d->conf; make sure there is one. */
	if (d->conf == NULL)
		d->conf = conf_new();
	if (d->conf == NULL)
		rc = ctl_fail(&req, -ENOMEM, "out of memory");
	else if (desc == NULL || h == NULL)
		rc = ctl_fail(&req, -EOPNOTSUPP, "command %u is not supported by this daemon",
			      msg->cmd);
	else if ((desc->flags & FCNVME_CMDF_WRITE) && !writable)
		rc = ctl_fail(&req, -EPERM,
			      "%s changes the target: it needs root or the control socket's group",
			      desc->name);
	else
		rc = h(&req);
	/* A cluster edit, or a read of the cluster state, runs off the
	 * control thread: this request runs again for its answer
	 * (cluster_edit.c, cluster_lookup.c); said once. */
	if (rc == -EINPROGRESS) {
		if (!req.resumed)
			log_info("control: %s: %s", desc->name, req.err);
		rc = CTL_WAIT;
	}
	if (rc == CTL_WAIT)
		return rc;
	if (rc) {
		if (req.err[0] == '\0')
			snprintf(req.err, sizeof(req.err), "%s", strerror(-rc));
		if (desc != NULL && (desc->flags & FCNVME_CMDF_WRITE))
			ctl_dispatch_log(desc, msg, peer, req.err);
		else
			log_info("control: %s: %s", desc != NULL ? desc->name : "?", req.err);
		send(ctx, fcnvme_msg_new_error(msg->nlh, rc, req.err));
		return rc;
	}
	if ((desc->flags & FCNVME_CMDF_WRITE) != 0)
		ctl_dispatch_log(desc, msg, peer, NULL);
	if (dc.sent > 0 || (desc->flags & FCNVME_CMDF_DUMP))
		send(ctx, fcnvme_msg_new_done(msg->nlh));
	else
		send(ctx, fcnvme_msg_new_error(msg->nlh, 0, NULL));
	return 0;
}
