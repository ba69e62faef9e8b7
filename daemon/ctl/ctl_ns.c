// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for namespaces: add (NSID optional: the lowest free one
 * is taken and returned), del, list, show, resize, enable, disable,
 * set-ana-group, and add-host/del-host (host masking).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/hex.h>
#include <fcnvmectl/ctl_msg.h>

#include "cluster/cluster.h"
#include "conf/conf.h"
#include "conf/conf_ops.h"
#include "conf/conf_opts.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "log.h"
#include "backend/backend.h"
#include "core/tgt.h"

static const char *req_nqn(const struct ctl_req *req)
{
	return fcnvme_msg_get_str(req->msg, FCNVME_A_NQN);
}

static uint32_t req_nsid(const struct ctl_req *req)
{
	uint32_t v = 0;

	fcnvme_msg_get_u32(req->msg, FCNVME_A_NSID, &v);
	return v;
}

static int get_bin(struct ctl_req *req, unsigned int attr, uint8_t *dst, size_t n, bool *has)
{
	size_t len = 0;
	const void *p = fcnvme_msg_get_bin(req->msg, attr, &len);

	if (p == NULL)
		return 0;
	if (len != n)
		return ctl_fail(req, -EINVAL, "bad %s", fcnvme_attr_name(attr));
	memcpy(dst, p, n);
	*has = true;
	return 0;
}

/* rbd: path is the image spec "POOL/IMAGE" or "POOL/NAMESPACE/IMAGE" (as
 * the rbd tool writes it); the cluster is the default one (CEPH_CONF,
 * client.admin) unless the config file says otherwise. */
static int rbd_spec(struct ctl_req *req, const char *spec, struct tgt_rbd_params *r)
{
	const char *a = strchr(spec, '/'), *b = a != NULL ? strchr(a + 1, '/') : NULL;
	size_t n1, n2;

	if (a == NULL || a == spec || a[1] == '\0' || (b != NULL && (b == a + 1 || b[1] == '\0')) ||
	    (b != NULL && strchr(b + 1, '/') != NULL))
		return ctl_fail(req, -EINVAL,
				"rbd path must be POOL/IMAGE or POOL/NAMESPACE/IMAGE");
	n1 = (size_t)(a - spec);
	n2 = b != NULL ? (size_t)(b - a - 1) : 0;
	if (n1 >= sizeof(r->pool) || n2 >= sizeof(r->rados_ns) ||
	    strlen(b != NULL ? b + 1 : a + 1) >= sizeof(r->image))
		return ctl_fail(req, -EINVAL, "rbd path %s: a name is too long", spec);
	memcpy(r->pool, spec, n1);
	if (b != NULL)
		memcpy(r->rados_ns, a + 1, n2);
	snprintf(r->image, sizeof(r->image), "%s", b != NULL ? b + 1 : a + 1);
	return 0;
}

/* Whether the local namespace ns would be added (its subsystem exists,
 * its NSID is free) and its backend's open waits: queued for the opening
 * thread (conf_ns_want_open). */
static bool ns_local_new(struct ctl_req *req, const struct conf_ns *ns)
{
	const struct conf_subsys *cs = conf_subsys_find(req->d->conf, req_nqn(req));

	return cs != NULL && (ns->nsid == 0 || conf_ns_find(cs, ns->nsid) == NULL) &&
	       conf_ns_want_open(ns);
}

/* namespace add NQN backend B [path P] [size S] [nsid N] ... */
int ctl_ns_add(struct ctl_req *req)
{
	const char *backend = fcnvme_msg_get_str(req->msg, FCNVME_A_BACKEND);
	struct conf_ns ns;
	struct nl_msg *m;
	bool shared;
	int i, rc;

	memset(&ns, 0, sizeof(ns));
	for (i = 0; conf_backend_names[i] != NULL; i++)
		if (strcmp(conf_backend_names[i], backend) == 0)
			break;
	if (conf_backend_names[i] == NULL)
		return ctl_fail(req, -EINVAL, "backend %s is not one of null, ram, file, rbd",
				backend);
	ns.backend = (enum tgt_backend_type)i;
	ns.nsid = req_nsid(req);
	ns.path = (char *)(uintptr_t)fcnvme_msg_get_str(req->msg, FCNVME_A_PATH);
	fcnvme_msg_get_u64(req->msg, FCNVME_A_SIZE, &ns.size);
	ns.lba_size = 512;
	fcnvme_msg_get_u32(req->msg, FCNVME_A_LBA_SIZE, &ns.lba_size);
	ns.anagrpid = 1;
	fcnvme_msg_get_u32(req->msg, FCNVME_A_ANA_GRPID, &ns.anagrpid);
	ns.readonly = ctl_opt_u8(req, FCNVME_A_READ_ONLY, 0);
	ns.enabled = ctl_opt_u8(req, FCNVME_A_ENABLED, 1);
	ns.resv = ctl_opt_u8(req, FCNVME_A_RESERVATIONS, 0);
	if ((rc = get_bin(req, FCNVME_A_UUID, ns.uuid, 16, &ns.has_uuid)) ||
	    (rc = get_bin(req, FCNVME_A_NGUID, ns.nguid, 16, &ns.has_nguid)) ||
	    (rc = get_bin(req, FCNVME_A_EUI64, ns.eui64, 8, &ns.has_eui64)))
		return rc;
	if (ns.lba_size != 512 && ns.lba_size != 4096)
		return ctl_fail(req, -EINVAL, "lba-size must be 512 or 4096");
	if (ns.backend == TGT_BACKEND_RBD) {
		if (ns.path == NULL)
			return ctl_fail(req, -EINVAL, "backend rbd needs path POOL/IMAGE");
		if ((rc = rbd_spec(req, ns.path, &ns.rbd)))
			return rc;
		ns.path = NULL;
	}
	if (ns.backend == TGT_BACKEND_FILE && ns.path == NULL)
		return ctl_fail(req, -EINVAL, "backend file needs a path");
	if (ns.backend != TGT_BACKEND_FILE && ns.path != NULL)
		return ctl_fail(req, -EINVAL, "path is only for backend file");
	if (ns.path != NULL && ns.path[0] != '/')
		return ctl_fail(req, -EINVAL, "%s: give an absolute path", ns.path);
	if (ns.backend != TGT_BACKEND_FILE && ns.backend != TGT_BACKEND_RBD && ns.size == 0)
		return ctl_fail(req, -EINVAL, "backend %s needs a size", backend);
	if (ns.size % ns.lba_size != 0)
		return ctl_fail(req, -EINVAL, "size is not a multiple of the LBA size %u",
				ns.lba_size);
	if (ns.nsid > TGT_MAX_NSID)
		return ctl_fail(req, -ERANGE, "nsid must be 1..%u", TGT_MAX_NSID);
	if ((rc = ctl_shared(req, req_nqn(req))) < 0)
		return rc;
	shared = rc;
	/* An image is opened first on a thread of its own; this request runs
	 * again once it is (preopen.h). */
	if ((shared ? !ns.resv && cluster_ns_want_open(req->d, &ns) : ns_local_new(req, &ns)) &&
	    backend_preopen_start() > 0) {
		log_info("control: namespace add %s: opening rbd image %s/%s first, off the "
			 "control thread",
			 req_nqn(req), ns.rbd.pool, ns.rbd.image);
		return CTL_WAIT;
	}
	if (shared)
		rc = cluster_ns_add(req->d, req_nqn(req), &ns, req->err, sizeof(req->err));
	else
		rc = conf_op_ns_add(req->d, req_nqn(req), &ns, req->err, sizeof(req->err));
	if (rc)
		return rc;
	m = ctl_reply_new(req);
	return ctl_reply_send(req, m,
			      m != NULL ? fcnvme_msg_put_u32(m, FCNVME_A_NSID, ns.nsid) : 0);
}

/* namespace del NQN NSID */
int ctl_ns_del(struct ctl_req *req)
{
	int rc = ctl_shared(req, req_nqn(req));

	if (rc < 0)
		return rc;
	if (rc)
		return cluster_ns_del(req->d, req_nqn(req), req_nsid(req), req->err,
				      sizeof(req->err));
	return conf_op_ns_del(req->d, req_nqn(req), req_nsid(req), req->err, sizeof(req->err));
}

/* namespace resize NQN NSID SIZE */
int ctl_ns_resize(struct ctl_req *req)
{
	uint64_t size = 0;
	int rc;

	fcnvme_msg_get_u64(req->msg, FCNVME_A_SIZE, &size);
	rc = conf_op_ns_resize(req->d, req_nqn(req), req_nsid(req), size, req->err,
			       sizeof(req->err));
	/* The store grows off the control thread (an rbd image): this
	 * request runs again once it has (preopen.h); said once. */
	if (rc == -EINPROGRESS) {
		if (!req->resumed)
			log_info("control: namespace resize %s %u: %s", req_nqn(req), req_nsid(req),
				 req->err);
		return CTL_WAIT;
	}
	return rc;
}

/* namespace enable NQN NSID */
int ctl_ns_enable(struct ctl_req *req)
{
	return conf_op_ns_enable(req->d, req_nqn(req), req_nsid(req), true, req->err,
				 sizeof(req->err));
}

/* namespace disable NQN NSID */
int ctl_ns_disable(struct ctl_req *req)
{
	return conf_op_ns_enable(req->d, req_nqn(req), req_nsid(req), false, req->err,
				 sizeof(req->err));
}

/* A namespace's host mask: a cluster subsystem's in the shared state (every
 * node), else this node's configuration. */
static int ns_host(struct ctl_req *req, const char *host, bool add)
{
	int rc = ctl_shared(req, req_nqn(req));

	if (rc < 0)
		return rc;
	if (rc)
		return cluster_ns_host(req->d, req_nqn(req), req_nsid(req), host, add, req->err,
				       sizeof(req->err));
	return conf_op_ns_host(req->d, req_nqn(req), req_nsid(req), host, add, req->err,
			       sizeof(req->err));
}

/* namespace add-host NQN NSID HOSTNQN */
int ctl_ns_host_add(struct ctl_req *req)
{
	const char *host = fcnvme_msg_get_str(req->msg, FCNVME_A_HOST_NQN);
	int rc = ctl_check_nqn(req, "host", host);

	return rc ? rc : ns_host(req, host, true);
}

/* namespace del-host NQN NSID HOSTNQN */
int ctl_ns_host_del(struct ctl_req *req)
{
	return ns_host(req, fcnvme_msg_get_str(req->msg, FCNVME_A_HOST_NQN), false);
}

/* namespace resv-clear NQN NSID: runtime state, not configuration */
int ctl_ns_resv_clear(struct ctl_req *req)
{
	const struct conf_subsys *cs = conf_subsys_find(req->d->conf, req_nqn(req));
	const struct conf_ns *ns = cs ? conf_ns_find(cs, req_nsid(req)) : NULL;

	if (ns != NULL && ns->pending)
		return ctl_fail(
			req, -ENOENT,
			"namespace %u of %s is pending (its backing file %s does not exist): "
			"it has no reservations yet",
			ns->nsid, cs->nqn, ns->path);
	return tgt_ns_resv_clear(req->d->tgt, req_nqn(req), req_nsid(req), req->err,
				 sizeof(req->err));
}

/* namespace set-ana-group NQN NSID GROUP */
int ctl_ns_set_ana_group(struct ctl_req *req)
{
	uint32_t grp = 0;

	fcnvme_msg_get_u32(req->msg, FCNVME_A_ANA_GRPID, &grp);
	return conf_op_ns_set_ana_group(req->d, req_nqn(req), req_nsid(req), grp, req->err,
					sizeof(req->err));
}

/* namespace set NQN NSID [read-only yes|no] [reservations yes|no]: in
 * place, as a reload would; all or nothing (a later refusal undoes what
 * was set). */
int ctl_ns_set(struct ctl_req *req)
{
	const struct conf_ns *cn = NULL;
	const struct conf_subsys *cs;
	bool ro, resv, had_ro, had_resv;
	size_t n;
	int rc;

	if ((rc = ctl_shared(req, req_nqn(req))) < 0)
		return rc;
	if (rc)
		return ctl_fail(req, -EOPNOTSUPP,
				"%s is a cluster subsystem: namespace set is not supported there",
				req_nqn(req));
	cs = conf_subsys_find(req->d->conf, req_nqn(req));
	if (cs != NULL)
		cn = conf_ns_find(cs, req_nsid(req));
	if (cn == NULL)
		return ctl_fail(req, -ENOENT, "%s has no namespace %u", req_nqn(req),
				req_nsid(req));
	if (!fcnvme_msg_has(req->msg, FCNVME_A_READ_ONLY) &&
	    !fcnvme_msg_has(req->msg, FCNVME_A_RESERVATIONS))
		return ctl_fail(req, -EINVAL, "give read-only or reservations");
	had_ro = cn->readonly;
	had_resv = cn->resv;
	ro = ctl_opt_u8(req, FCNVME_A_READ_ONLY, had_ro) != 0;
	resv = ctl_opt_u8(req, FCNVME_A_RESERVATIONS, had_resv) != 0;
	rc = ro == had_ro ? 0
			  : conf_op_ns_set_readonly(req->d, req_nqn(req), req_nsid(req), ro,
						    req->err, sizeof(req->err));
	if (rc)
		return rc;
	rc = resv == had_resv ? 0
			      : conf_op_ns_set_resv(req->d, req_nqn(req), req_nsid(req), resv,
						    req->err, sizeof(req->err));
	if (rc && ro != had_ro) {
		n = strlen(req->err);
		snprintf(req->err + n, sizeof(req->err) - n, "%s",
			 conf_op_ns_set_readonly(req->d, req_nqn(req), req_nsid(req), had_ro, NULL,
						 0)
				 ? "; read-only could not be set back"
				 : "; nothing was changed");
	}
	return rc;
}

struct ns_walk {
	struct ctl_req *req;
	uint32_t nsid; /* only this one, or 0 */
	int found;
	/* the namespaces put are pending ones (put_pending): their
	 * identifiers only as configured */
	bool pending;
};

/* The reservation state of a namespace with reservations on: generation,
 * type, holder (host identifier), PTPL and the registrants as
 * "HOSTID:0xKEY". */
static int put_resv(struct nl_msg *m, const struct tgt_ns_info *ni)
{
	static const char *const types[] = { "none",
					     "write-exclusive",
					     "exclusive-access",
					     "write-exclusive-registrants-only",
					     "exclusive-access-registrants-only",
					     "write-exclusive-all-registrants",
					     "exclusive-access-all-registrants" };
	char hex[33], s[64];
	unsigned int i;
	void *l;
	int rc;

	rc = fcnvme_msg_put_u8(m, FCNVME_A_RESERVATIONS, 1);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_RESV_GEN, ni->resv_gen);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_RESV_TYPE,
					types[ni->rtype <= 6 ? ni->rtype : 0]);
	if (!rc && ni->resv_holder >= 0) {
		fcnvme_hex_format(ni->regs[ni->resv_holder].hostid, 16, hex, sizeof(hex));
		rc = fcnvme_msg_put_str(m, FCNVME_A_RESV_HOLDER, hex);
	}
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_PTPL, ni->ptpl);
	if (rc || !ni->nr_regs)
		return rc;
	l = fcnvme_msg_list_start(m, FCNVME_A_REGISTRANTS);
	if (l == NULL)
		return -EMSGSIZE;
	for (i = 0; !rc && i < ni->nr_regs; i++) {
		fcnvme_hex_format(ni->regs[i].hostid, 16, hex, sizeof(hex));
		snprintf(s, sizeof(s), "%s:0x%" PRIx64, hex, ni->regs[i].key);
		rc = fcnvme_msg_list_put_str(m, l, s);
	}
	return rc ? rc : fcnvme_msg_list_end(m, l);
}

/* A namespace identifier; all zeroes is none when skip_zero (a pending
 * namespace has only those configured). */
static int put_id(struct nl_msg *m, unsigned int attr, const uint8_t *id, size_t n, bool skip_zero)
{
	size_t i;

	for (i = 0; skip_zero && i < n && id[i] == 0; i++)
		;
	if (skip_zero && i == n)
		return 0;
	return fcnvme_msg_put_bin(m, attr, id, n);
}

static int put_ns(const struct tgt_ns_info *ni, void *arg)
{
	struct ns_walk *w = arg;
	struct nl_msg *m;
	int rc;

	if (w->nsid != 0 && ni->nsid != w->nsid)
		return 0;
	w->found++;
	m = ctl_reply_new(w->req);
	if (m == NULL)
		return ctl_fail(w->req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_NQN, ni->subnqn);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NSID, ni->nsid);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_BACKEND, conf_backend_names[ni->backend]);
	if (!rc && ni->path != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_PATH, ni->path);
	if (!rc && ni->rbd != NULL) {
		char spec[3 * TGT_RBD_NAME_SIZE];

		snprintf(spec, sizeof(spec), "%s/%s%s%s", ni->rbd->pool, ni->rbd->rados_ns,
			 ni->rbd->rados_ns[0] ? "/" : "", ni->rbd->image);
		rc = fcnvme_msg_put_str(m, FCNVME_A_PATH, spec);
	}
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_SIZE, ni->size);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_LBA_SIZE, ni->lba_size);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_ANA_GRPID, ni->anagrpid);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_READ_ONLY, ni->readonly);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ENABLED, ni->enabled);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_PENDING, w->pending);
	if (!rc)
		rc = put_id(m, FCNVME_A_UUID, ni->uuid, 16, w->pending);
	if (!rc)
		rc = put_id(m, FCNVME_A_NGUID, ni->nguid, 16, w->pending);
	if (!rc)
		rc = put_id(m, FCNVME_A_EUI64, ni->eui64, 8, w->pending);
	if (!rc && ni->resv)
		rc = put_resv(m, ni);
	if (!rc && ni->nr_hosts > 0) {
		void *l = fcnvme_msg_list_start(m, FCNVME_A_HOSTS);
		unsigned int i;

		rc = l == NULL ? -EMSGSIZE : 0;
		for (i = 0; !rc && i < ni->nr_hosts; i++)
			rc = fcnvme_msg_list_put_str(m, l, ni->hosts[i]);
		if (!rc)
			rc = fcnvme_msg_list_end(m, l);
	}
	return ctl_reply_send(w->req, m, rc);
}

/* A pending namespace (struct conf_ns.pending), as d->conf records it: the
 * core has no size, identifiers or counters for it yet. */
static int put_pending(struct ns_walk *w, const char *nqn, const struct conf_ns *ns)
{
	struct tgt_ns_info ni = {
		.subnqn = nqn,
		.nsid = ns->nsid,
		.backend = ns->backend,
		.path = ns->path,
		.size = ns->size,
		.lba_size = ns->lba_size ? ns->lba_size : 512,
		.anagrpid = ns->anagrpid ? ns->anagrpid : 1,
		.readonly = ns->readonly,
		.direct = ns->direct,
		.enabled = ns->enabled,
		.hosts = (const char *const *)ns->hosts,
		.nr_hosts = ns->nr_hosts,
	};

	if (ns->has_uuid)
		memcpy(ni.uuid, ns->uuid, sizeof(ni.uuid));
	if (ns->has_nguid)
		memcpy(ni.nguid, ns->nguid, sizeof(ni.nguid));
	if (ns->has_eui64)
		memcpy(ni.eui64, ns->eui64, sizeof(ni.eui64));
	return put_ns(&ni, w);
}

/* The pending namespaces of nqn (NULL: of every subsystem) that w asks for,
 * after the served ones. */
static int put_pending_all(struct ns_walk *w, const char *nqn)
{
	const struct conf *c = w->req->d->conf;
	unsigned int i, k;
	int rc;

	for (i = 0; c != NULL && i < c->nr_subsys; i++) {
		const struct conf_subsys *cs = &c->subsys[i];

		if (nqn != NULL && strcmp(cs->nqn, nqn) != 0)
			continue;
		for (k = 0; k < cs->nr_ns; k++) {
			if (!cs->ns[k].pending || (w->nsid != 0 && cs->ns[k].nsid != w->nsid))
				continue;
			w->pending = true;
			rc = put_pending(w, cs->nqn, &cs->ns[k]);
			w->pending = false;
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* namespace list [NQN] */
int ctl_ns_list(struct ctl_req *req)
{
	struct ns_walk w = { req, 0, 0, false };
	const char *nqn = req_nqn(req);
	int rc;

	if (nqn != NULL && conf_subsys_find(req->d->conf, nqn) == NULL) {
		if ((rc = ctl_shared(req, nqn)) < 0)
			return rc;
		if (!rc)
			return ctl_fail(req, -ENOENT, "no subsystem %s", nqn);
	}
	rc = tgt_ns_foreach(req->d->tgt, nqn, put_ns, &w);
	return rc ? rc : put_pending_all(&w, nqn);
}

/* namespace show NQN NSID */
int ctl_ns_show(struct ctl_req *req)
{
	struct ns_walk w = { req, req_nsid(req), 0, false };
	int rc = tgt_ns_foreach(req->d->tgt, req_nqn(req), put_ns, &w);

	if (rc == 0 && w.found == 0)
		rc = put_pending_all(&w, req_nqn(req));
	if (rc == 0 && w.found == 0)
		return ctl_fail(req, -ENOENT, "%s has no namespace %u", req_nqn(req), w.nsid);
	return rc;
}
