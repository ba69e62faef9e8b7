// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for referrals (discovery log entries of subtype 1,
 * daemon/core/referral.c): add one (name, FC address, portid, TREQ, the
 * ports listing it, the hosts it is listed to), change one in place, delete
 * one, and list them from the running configuration, which is what the
 * core holds (conf_op_referral.c keeps them in step).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvme/wwn.h>

#include "conf/conf.h"
#include "conf/conf_ops.h"
#include "conf/conf_opts.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"

/* Collects the ports and hosts lists of a request into r. */
struct referral_req {
	struct ctl_req *req;
	struct conf_referral *r;
};

static int add_port(const char *s, void *arg)
{
	struct referral_req *rr = arg;
	struct conf_referral *r = rr->r;
	unsigned int i;

	if (r->nr_ports == TGT_MAX_PORTS)
		return ctl_fail(rr->req, -EINVAL, "more than %d ports", TGT_MAX_PORTS);
	for (i = 0; i < r->nr_ports; i++)
		if (strcmp(r->ports[i], s) == 0)
			return ctl_fail(rr->req, -EINVAL, "port %s given twice", s);
	snprintf(r->ports[r->nr_ports++], CONF_NAME_MAX, "%s", s);
	return 0;
}

static int add_host(const char *s, void *arg)
{
	struct referral_req *rr = arg;
	struct conf_referral *r = rr->r;
	unsigned int i;
	char **v;
	int rc;

	rc = ctl_check_nqn(rr->req, "host", s);
	if (rc)
		return rc;
	for (i = 0; i < r->nr_hosts; i++)
		if (strcmp(r->hosts[i], s) == 0)
			return ctl_fail(rr->req, -EINVAL, "host %s given twice", s);
	v = realloc(r->hosts, (r->nr_hosts + 1) * sizeof(*v));
	if (v == NULL)
		return ctl_fail(rr->req, -ENOMEM, "out of memory");
	r->hosts = v;
	r->hosts[r->nr_hosts] = strdup(s);
	if (r->hosts[r->nr_hosts] == NULL)
		return ctl_fail(rr->req, -ENOMEM, "out of memory");
	r->nr_hosts++;
	return 0;
}

/*
 * The referral a request describes (referral add and set take the same
 * arguments): NAME TRADDR [portid N] [treq TREQ] [port PORT]... [host HOSTNQN]...
 * r is released by the caller, also on failure.
 */
static int referral_from_req(struct ctl_req *req, struct conf_referral *r)
{
	const char *traddr = fcnvme_msg_get_str(req->msg, FCNVME_A_TRADDR);
	const char *treq = fcnvme_msg_get_str(req->msg, FCNVME_A_TREQ);
	struct referral_req rr = { req, r };
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", fcnvme_msg_get_str(req->msg, FCNVME_A_REFERRAL));
	if (fcnvme_traddr_parse(traddr, &r->wwnn, &r->wwpn) != 0)
		return ctl_fail(req, -EINVAL,
				"traddr %s is not an FC address (nn-0xWWNN:pn-0xWWPN, 16 hex "
				"digits each)",
				traddr);
	fcnvme_traddr_format(r->wwnn, r->wwpn, r->traddr, sizeof(r->traddr));
	fcnvme_msg_get_u16(req->msg, FCNVME_A_PORTID, &r->portid);
	if (r->portid == 0xffff)
		return ctl_fail(req, -EINVAL, "portid 65535 is reserved (0 to 65534)");
	if (treq != NULL && (r->treq = conf_enum_lookup(conf_treq_names, treq)) < 0)
		return ctl_fail(req, -EINVAL,
				"treq \"%s\": give \"not specified\", \"required\" or \"not "
				"required\"",
				treq);
	r->ports = calloc(TGT_MAX_PORTS, sizeof(*r->ports));
	if (r->ports == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_list_foreach(req->msg, FCNVME_A_PORTS, add_port, &rr);
	if (rc == 0 && r->nr_ports == 0)
		rc = ctl_fail(req, -EINVAL,
			      "give at least one port whose discovery log lists the referral");
	if (rc == 0)
		rc = fcnvme_msg_list_foreach(req->msg, FCNVME_A_HOSTS, add_host, &rr);
	return rc;
}

/* The referral the request describes, given to op (add or set). */
static int referral_apply(struct ctl_req *req,
			  int (*op)(struct fcd *d, const struct conf_referral *r, char *err,
				    size_t errlen))
{
	struct conf_referral r;
	int rc;

	rc = referral_from_req(req, &r);
	if (rc == 0)
		rc = op(req->d, &r, req->err, sizeof(req->err));
	conf_referral_release(&r);
	return rc;
}

/* referral add NAME TRADDR [portid N] [treq TREQ] [port PORT]... [host HOSTNQN]... */
int ctl_referral_add(struct ctl_req *req)
{
	return referral_apply(req, conf_op_referral_add);
}

/*
 * referral set NAME TRADDR [portid N] [treq TREQ] [port PORT]... [host HOSTNQN]...:
 * the referral NAME becomes what the request gives, in place (hosts see one
 * discovery log generation step, as for a reload that changes it).
 */
int ctl_referral_set(struct ctl_req *req)
{
	return referral_apply(req, conf_op_referral_set);
}

/* referral del NAME */
int ctl_referral_del(struct ctl_req *req)
{
	return conf_op_referral_del(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_REFERRAL),
				    req->err, sizeof(req->err));
}

static int put_referral(struct ctl_req *req, const struct conf_referral *r)
{
	struct nl_msg *m = ctl_reply_new(req);
	struct nlattr *l;
	unsigned int i;
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_REFERRAL, r->name);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_TRADDR, r->traddr);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_PORTID, r->portid);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_TREQ, conf_treq_names[r->treq]);
	if (!rc) {
		l = fcnvme_msg_list_start(m, FCNVME_A_PORTS);
		rc = l == NULL ? -EMSGSIZE : 0;
		for (i = 0; !rc && i < r->nr_ports; i++)
			rc = fcnvme_msg_list_put_str(m, l, r->ports[i]);
		if (!rc)
			rc = fcnvme_msg_list_end(m, l);
	}
	if (!rc) {
		l = fcnvme_msg_list_start(m, FCNVME_A_HOSTS);
		rc = l == NULL ? -EMSGSIZE : 0;
		for (i = 0; !rc && i < r->nr_hosts; i++)
			rc = fcnvme_msg_list_put_str(m, l, r->hosts[i]);
		if (!rc)
			rc = fcnvme_msg_list_end(m, l);
	}
	return ctl_reply_send(req, m, rc);
}

/* referral list */
int ctl_referral_list(struct ctl_req *req)
{
	unsigned int i;
	int rc;

	for (i = 0; i < req->d->conf->nr_referrals; i++) {
		rc = put_referral(req, &req->d->conf->referrals[i]);
		if (rc)
			return rc;
	}
	return 0;
}
