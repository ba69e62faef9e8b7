// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for subsystems and their access lists: add, del, list,
 * show, set, export on a port or withdraw, allowed-host add and del. Values
 * are checked here (NQN rules, printable identity strings) before the
 * conf_op_*() that changes the target.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvme/nqn.h>

#include "conf/conf.h"
#include "conf/conf_keys.h"
#include "conf/conf_ops.h"
#include "cluster/cluster.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "core/tgt.h"

static int copy_ident(struct ctl_req *req, unsigned int attr, char *dst, size_t len, uint32_t bit,
		      uint32_t *mask)
{
	const char *s = fcnvme_msg_get_str(req->msg, attr);
	const char *p;

	if (s == NULL)
		return 0;
	for (p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return ctl_fail(req, -EINVAL, "%s must be printable ASCII",
					fcnvme_attr_name(attr));
	snprintf(dst, len, "%s", s);
	*mask |= bit;
	return 0;
}

/* Fill s from the request's subsystem attributes; *mask says which. */
static int subsys_from_req(struct ctl_req *req, struct conf_subsys *s, uint32_t *mask)
{
	int rc;

	memset(s, 0, sizeof(*s));
	*mask = 0;
	snprintf(s->nqn, sizeof(s->nqn), "%s", fcnvme_msg_get_str(req->msg, FCNVME_A_NQN));
	if ((rc = ctl_check_nqn(req, "subsystem", s->nqn)))
		return rc;
	if (strcmp(s->nqn, FCNVME_DISCOVERY_NQN) == 0)
		return ctl_fail(req, -EINVAL, "the discovery NQN is reserved");
	if ((rc = copy_ident(req, FCNVME_A_SERIAL, s->serial, sizeof(s->serial),
			     TGT_SUBSYS_SET_SERIAL, mask)) ||
	    (rc = copy_ident(req, FCNVME_A_MODEL, s->model, sizeof(s->model), TGT_SUBSYS_SET_MODEL,
			     mask)) ||
	    (rc = copy_ident(req, FCNVME_A_FIRMWARE, s->firmware, sizeof(s->firmware),
			     TGT_SUBSYS_SET_FIRMWARE, mask)))
		return rc;
	if (fcnvme_msg_get_u32(req->msg, FCNVME_A_IEEE_OUI, &s->ieee_oui) == 0)
		*mask |= TGT_SUBSYS_SET_OUI;
	if (fcnvme_msg_has(req->msg, FCNVME_A_CNTLID_MIN) ||
	    fcnvme_msg_has(req->msg, FCNVME_A_CNTLID_MAX)) {
		const struct conf_subsys *cur =
			req->d->conf != NULL ? conf_subsys_find(req->d->conf, s->nqn) : NULL;

		s->cntlid_min = cur != NULL ? cur->cntlid_min : 0;
		s->cntlid_max = cur != NULL ? cur->cntlid_max : 0;
		fcnvme_msg_get_u16(req->msg, FCNVME_A_CNTLID_MIN, &s->cntlid_min);
		fcnvme_msg_get_u16(req->msg, FCNVME_A_CNTLID_MAX, &s->cntlid_max);
		if (s->cntlid_min == 0 || s->cntlid_max < s->cntlid_min)
			return ctl_fail(req, -EINVAL, "give cntlid-min <= cntlid-max");
		*mask |= TGT_SUBSYS_SET_CNTLID;
	}
	if (fcnvme_msg_has(req->msg, FCNVME_A_ALLOW_ANY)) {
		s->allow_any_host = ctl_opt_u8(req, FCNVME_A_ALLOW_ANY, 0);
		*mask |= TGT_SUBSYS_SET_ALLOW_ANY;
	}
	return 0;
}

/* A change that let hosts in was undone because their keys could not be
 * given (conf_keys_give; req->err says why): say so, and say it if the
 * undoing failed too. */
static void ctl_keys_undo(struct ctl_req *req, int undo_rc)
{
	size_t n = strlen(req->err);

	snprintf(req->err + n, sizeof(req->err) - n, "%s",
		 undo_rc ? "; the change could not be undone: reload the configuration"
			 : "; nothing was changed");
}

/* subsystem add NQN [serial S] [model M] [firmware F] [allow-any-host yes|no] */
int ctl_subsys_add(struct ctl_req *req)
{
	struct conf_subsys s;
	uint32_t mask;
	int rc;

	rc = subsys_from_req(req, &s, &mask);
	if (rc)
		return rc;
	rc = conf_op_subsys_add(req->d, &s, req->err, sizeof(req->err));
	if (rc)
		return rc;
	rc = conf_keys_give(req->d, s.nqn, NULL, req->err, sizeof(req->err));
	if (rc)
		ctl_keys_undo(req, conf_op_subsys_del(req->d, s.nqn, NULL, 0));
	return rc;
}

/* subsystem del NQN */
int ctl_subsys_del(struct ctl_req *req)
{
	return conf_op_subsys_del(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN), req->err,
				  sizeof(req->err));
}

/* subsystem set NQN ...: change the given settings only. */
int ctl_subsys_set(struct ctl_req *req)
{
	struct conf_subsys s, *cur;
	bool was_any;
	uint32_t mask;
	int rc;

	rc = subsys_from_req(req, &s, &mask);
	if (rc)
		return rc;
	cur = conf_subsys_find(req->d->conf, s.nqn);
	if (cur == NULL)
		return ctl_fail(req, -ENOENT, "no subsystem %s", s.nqn);
	if (mask == 0)
		return ctl_fail(req, -EINVAL, "nothing to set");
	was_any = cur->allow_any_host;
	rc = conf_op_subsys_set(req->d, &s, mask, req->err, sizeof(req->err));
	if (rc || !(mask & TGT_SUBSYS_SET_ALLOW_ANY) || !s.allow_any_host || was_any)
		return rc;
	rc = conf_keys_give(req->d, s.nqn, NULL, req->err, sizeof(req->err));
	if (rc) {
		s.allow_any_host = false;
		ctl_keys_undo(req,
			      conf_op_subsys_set(req->d, &s, TGT_SUBSYS_SET_ALLOW_ANY, NULL, 0));
	}
	return rc;
}

/* subsystem add-port NQN PORT */
int ctl_subsys_port_add(struct ctl_req *req)
{
	return conf_op_subsys_export(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN),
				     fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), true, req->err,
				     sizeof(req->err));
}

/* subsystem del-port NQN PORT */
int ctl_subsys_port_del(struct ctl_req *req)
{
	return conf_op_subsys_export(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN),
				     fcnvme_msg_get_str(req->msg, FCNVME_A_NAME), false, req->err,
				     sizeof(req->err));
}

/* Who allows hosts on subsystem nqn, into *fn: the cluster for a shared
 * one, else the local configuration (the same signature). 0, or
 * -EINPROGRESS while the request waits for the cluster (ctl_shared). */
typedef int (*host_allow_fn)(struct fcd *d, const char *nqn, const char *host, bool allow,
			     char *err, size_t errlen);

static int host_allow_of(struct ctl_req *req, const char *nqn, host_allow_fn *fn)
{
	int rc = ctl_shared(req, nqn);

	if (rc < 0)
		return rc;
	*fn = rc ? cluster_host_allow : conf_op_host_allow;
	return 0;
}

/* 0 when the daemon's keys file (if any) can be read; else -errno with
 * req->err said (nothing was changed yet). */
static int keys_readable(struct ctl_req *req)
{
	struct conf_keys k;
	int rc;

	if (req->d->conf == NULL || req->d->conf->auth_keys_file[0] == '\0')
		return 0;
	rc = conf_keys_load(req->d->conf->auth_keys_file, &k, req->err, sizeof(req->err));
	if (rc == 0)
		conf_keys_free(&k);
	else
		ctl_keys_undo(req, 0);
	return rc;
}

/* allowed-host add NQN HOSTNQN */
int ctl_allowed_host_add(struct ctl_req *req)
{
	const char *host = fcnvme_msg_get_str(req->msg, FCNVME_A_HOST_NQN);
	const char *nqn = fcnvme_msg_get_str(req->msg, FCNVME_A_NQN);
	int rc = ctl_check_nqn(req, "host", host);
	host_allow_fn allow;

	if (rc)
		return rc;
	/* A shared subsystem: the edit runs off the control thread (the
	 * request runs again for its answer), and cannot be undone as a
	 * local change is: a keys file that cannot be read refuses the
	 * command before it (on the request's first run, before the lookup
	 * or the edit waits). Once it is done, this node gives the host its
	 * key again, read now (the others gave theirs the file's when they
	 * applied the subsystem). */
	if (!req->resumed && (rc = keys_readable(req)))
		return rc;
	if ((rc = host_allow_of(req, nqn, &allow)))
		return rc;
	if (allow == cluster_host_allow) {
		rc = allow(req->d, nqn, host, true, req->err, sizeof(req->err));
		if (!rc && (rc = conf_keys_give(req->d, nqn, host, req->err, sizeof(req->err))))
			snprintf(req->err + strlen(req->err), sizeof(req->err) - strlen(req->err),
				 "; the host is allowed in the cluster state: fix the keys file, "
				 "then reload");
		return rc;
	}
	rc = allow(req->d, nqn, host, true, req->err, sizeof(req->err));
	if (rc)
		return rc;
	rc = conf_keys_give(req->d, nqn, host, req->err, sizeof(req->err));
	if (rc)
		ctl_keys_undo(req, allow(req->d, nqn, host, false, NULL, 0));
	return rc;
}

/* allowed-host del NQN HOSTNQN */
int ctl_allowed_host_del(struct ctl_req *req)
{
	const char *nqn = fcnvme_msg_get_str(req->msg, FCNVME_A_NQN);
	host_allow_fn allow;
	int rc = host_allow_of(req, nqn, &allow);

	if (rc)
		return rc;
	return allow(req->d, nqn, fcnvme_msg_get_str(req->msg, FCNVME_A_HOST_NQN), false, req->err,
		     sizeof(req->err));
}

static int wwpn_req(struct ctl_req *req, bool allow)
{
	uint64_t wwpn = 0;

	fcnvme_msg_get_u64(req->msg, FCNVME_A_WWPN, &wwpn);
	return conf_op_wwpn_allow(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN), wwpn, allow,
				  req->err, sizeof(req->err));
}

/* allowed-wwpn add NQN WWPN */
int ctl_allowed_wwpn_add(struct ctl_req *req)
{
	return wwpn_req(req, true);
}

/* allowed-wwpn del NQN WWPN */
int ctl_allowed_wwpn_del(struct ctl_req *req)
{
	return wwpn_req(req, false);
}

struct subsys_walk {
	struct ctl_req *req;
	const char *nqn; /* only this one, or NULL */
	int found;
};

static const char *port_name(const struct fcd *d, uint16_t portid)
{
	unsigned int i;

	for (i = 0; d->conf != NULL && i < d->conf->nr_ports; i++)
		if (d->conf->ports[i].portid == portid)
			return d->conf->ports[i].name;
	return NULL;
}

static int put_subsys(const struct tgt_subsys_info *si, void *arg)
{
	struct subsys_walk *w = arg;
	struct nl_msg *m;
	struct nlattr *l;
	unsigned int i;
	int rc;

	if (w->nqn != NULL && strcmp(w->nqn, si->nqn) != 0)
		return 0;
	w->found++;
	m = ctl_reply_new(w->req);
	if (m == NULL)
		return ctl_fail(w->req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_NQN, si->nqn);
	if (!rc && si->serial != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_SERIAL, si->serial);
	if (!rc && si->model != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_MODEL, si->model);
	if (!rc && si->firmware != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_FIRMWARE, si->firmware);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_IEEE_OUI, si->ieee_oui & 0xffffff);
	if (!rc && si->cntlid_min != 0)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_CNTLID_MIN, si->cntlid_min);
	if (!rc && si->cntlid_max != 0)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_CNTLID_MAX, si->cntlid_max);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ALLOW_ANY, si->allow_any_host);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_NS, si->nr_ns);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_ASSOCS, si->nr_ctrls);
	if (!rc) {
		l = fcnvme_msg_list_start(m, FCNVME_A_HOSTS);
		rc = l == NULL ? -EMSGSIZE : 0;
		for (i = 0; !rc && i < si->nr_hosts; i++)
			rc = fcnvme_msg_list_put_str(m, l, si->hosts[i]);
		if (!rc)
			rc = fcnvme_msg_list_end(m, l);
	}
	if (!rc && si->nr_wwpns > 0) {
		l = fcnvme_msg_list_start(m, FCNVME_A_WWPNS);
		rc = l == NULL ? -EMSGSIZE : 0;
		for (i = 0; !rc && i < si->nr_wwpns; i++)
			rc = fcnvme_msg_list_put_u64(m, l, si->wwpns[i]);
		if (!rc)
			rc = fcnvme_msg_list_end(m, l);
	}
	if (!rc) {
		l = fcnvme_msg_list_start(m, FCNVME_A_PORTS);
		rc = l == NULL ? -EMSGSIZE : 0;
		for (i = 0; !rc && i < si->nr_ports; i++) {
			const char *pn = port_name(w->req->d, si->portids[i]);

			if (pn != NULL)
				rc = fcnvme_msg_list_put_str(m, l, pn);
		}
		if (!rc)
			rc = fcnvme_msg_list_end(m, l);
	}
	return ctl_reply_send(w->req, m, rc);
}

/* subsystem list */
int ctl_subsys_list(struct ctl_req *req)
{
	struct subsys_walk w = { req, NULL, 0 };

	return tgt_subsys_foreach(req->d->tgt, put_subsys, &w);
}

/* subsystem show NQN */
int ctl_subsys_show(struct ctl_req *req)
{
	struct subsys_walk w = { req, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN), 0 };
	int rc = tgt_subsys_foreach(req->d->tgt, put_subsys, &w);

	if (rc == 0 && w.found == 0)
		return ctl_fail(req, -ENOENT, "no subsystem %s", w.nqn);
	return rc;
}
