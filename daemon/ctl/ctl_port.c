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

static int put_host(const struct host_view *v, void *arg)
{
	struct ctl_req *req = arg;
	struct nl_msg *m = ctl_reply_new(req);
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
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
	return ctl_reply_send(req, m, rc);
}

/* host list: every remote port, allowed by a subsystem or not. */
int ctl_host_list(struct ctl_req *req)
{
	return port_host_foreach(req->d, put_host, req);
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
