// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for FC ports and the remote (host) ports logged into
 * them: list, show, enable, disable, host list, host invalidate, and the
 * discovery event (RSCN).
 */
#include <errno.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvme/wwn.h>

#include "conf/conf_ops.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "hostlog.h"
#include "port.h"

struct port_walk {
	struct ctl_req *req;
	const char *name; /* only this port, or NULL */
	int found;
};

static int put_port(const struct port_view *v, void *arg)
{
	struct port_walk *w = arg;
	struct nl_msg *m;
	int rc;

	if (w->name != NULL && strcmp(w->name, v->name) != 0)
		return 0;
	w->found++;
	m = ctl_reply_new(w->req);
	if (m == NULL)
		return ctl_fail(w->req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_NAME, v->name);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_DEV, v->dev);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_PORTID, v->portid);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_WWNN, v->wwnn);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_WWPN, v->wwpn);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NPORT_ID, v->nport_id & 0xffffff);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ENABLED, v->enabled);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_LINK_UP, v->link_up);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_NR_HWQ, v->nr_hwq);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_RPORTS, v->nr_rports);
	return ctl_reply_send(w->req, m, rc);
}

/* port list */
int ctl_port_list(struct ctl_req *req)
{
	struct port_walk w = { req, NULL, 0 };

	return port_foreach(req->d, put_port, &w);
}

/* port show NAME */
int ctl_port_show(struct ctl_req *req)
{
	struct port_walk w = { req, fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), 0 };
	int rc = port_foreach(req->d, put_port, &w);

	if (rc == 0 && w.found == 0)
		return ctl_fail(req, -ENOENT, "no port %s", w.name);
	return rc;
}

/* port enable NAME */
int ctl_port_enable(struct ctl_req *req)
{
	return conf_op_port_enable(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), true,
				   req->err, sizeof(req->err));
}

/* port disable NAME */
int ctl_port_disable(struct ctl_req *req)
{
	return conf_op_port_enable(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), false,
				   req->err, sizeof(req->err));
}

static int count_port(const struct port_view *v, void *arg)
{
	struct port_walk *w = arg;

	w->found += !strcmp(w->name, v->name);
	return 0;
}

/* What the host did, from its hostlog entry. */
static int put_host_log(struct nl_msg *m, const struct host_view *v)
{
	const struct hostlog_entry *e = v->log;
	struct nlattr *l;
	unsigned int i;
	int rc;

	l = fcnvme_msg_list_start(m, FCNVME_A_HOST_NQNS);
	rc = l ? 0 : -EMSGSIZE;
	for (i = 0; e && i < e->nr_nqns && !rc; i++)
		rc = fcnvme_msg_list_put_str(m, l, e->nqns[i].nqn);
	if (!rc)
		rc = fcnvme_msg_list_end(m, l);
	if (!rc) {
		l = fcnvme_msg_list_start(m, FCNVME_A_NQN_COUNTS);
		rc = l ? 0 : -EMSGSIZE;
	}
	for (i = 0; e && i < e->nr_nqns && !rc; i++)
		rc = fcnvme_msg_list_put_u64(m, l, e->nqns[i].count);
	if (!rc)
		rc = fcnvme_msg_list_end(m, l);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ALLOWED, v->allowed);
	if (!rc && e)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_SEEN_AGO_MS, v->now_ms - e->last_ms);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_REFUSALS, e ? e->refusals : 0);
	if (!rc && e && e->refusals) {
		rc = fcnvme_msg_put_str(m, FCNVME_A_REFUSAL, e->reason);
		if (!rc && e->subsys[0])
			rc = fcnvme_msg_put_str(m, FCNVME_A_REF_NQN, e->subsys);
		if (!rc)
			rc = fcnvme_msg_put_u16(m, FCNVME_A_REF_STATUS, e->status);
		if (!rc)
			rc = fcnvme_msg_put_u64(m, FCNVME_A_REF_AGO_MS, v->now_ms - e->refused_ms);
	}
	return rc;
}

struct host_walk {
	struct ctl_req *req;
	const char *port; /* only this port, or NULL */
	uint64_t wwpn;	  /* only this host port, or 0 */
	int found;
};

static int put_host(const struct host_view *v, void *arg)
{
	struct host_walk *w = arg;
	struct nl_msg *m;
	int rc;

	if ((w->port && strcmp(w->port, v->port)) || (w->wwpn && w->wwpn != v->wwpn))
		return 0;
	w->found++;
	m = ctl_reply_new(w->req);
	if (m == NULL)
		return ctl_fail(w->req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_NAME, v->port);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_WWNN, v->wwnn);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_WWPN, v->wwpn);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NPORT_ID, v->nport_id & 0xffffff);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_LINK_UP, v->logged_in);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_ASSOCS, v->nr_assocs);
	if (!rc)
		rc = put_host_log(m, v);
	return ctl_reply_send(w->req, m, rc);
}

/* host list [PORT]: every remote port, allowed by a subsystem or not,
 * logged in now or remembered. */
int ctl_host_list(struct ctl_req *req)
{
	struct host_walk w = { req, fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), 0, 0 };
	struct port_walk pw = { req, w.port, 0 };

	if (w.port) {
		port_foreach(req->d, count_port, &pw);
		if (pw.found == 0)
			return ctl_fail(req, -ENOENT, "no port %s", w.port);
	}
	return port_host_foreach(req->d, put_host, &w);
}

/* host show WWPN: that host port on every target port that saw it. */
int ctl_host_show(struct ctl_req *req)
{
	struct host_walk w = { req, NULL, 0, 0 };
	char s[FCNVME_WWN_STRLEN];
	int rc;

	fcnvme_msg_get_u64(req->msg, FCNVME_A_WWPN, &w.wwpn);
	rc = port_host_foreach(req->d, put_host, &w);
	if (rc == 0 && w.found == 0) {
		fcnvme_wwn_format(w.wwpn, s, sizeof(s));
		return ctl_fail(req, -ENOENT, "host port %s was not seen on any port", s);
	}
	return rc;
}

/* host invalidate WWPN */
int ctl_host_invalidate(struct ctl_req *req)
{
	uint64_t wwpn = 0;

	fcnvme_msg_get_u64(req->msg, FCNVME_A_WWPN, &wwpn);
	return port_host_invalidate(req->d, wwpn, req->err, sizeof(req->err));
}

/* discovery-event [PORT]: send an RSCN. */
int ctl_discovery_event(struct ctl_req *req)
{
	return port_discovery_event(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), req->err,
				    sizeof(req->err));
}
