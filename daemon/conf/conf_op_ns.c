// SPDX-License-Identifier: Apache-2.0
/*
 * conf_op_ns_*(): add, delete, resize, enable and change namespaces through
 * tgt.h, recording each change in d->conf (the one mutation path: see
 * conf_ops.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/err.h>
#include <fcnvme/nvme_log.h>
#include <fcnvme/size.h>

#include "conf.h"
#include "conf_ops.h"
#include "conf_ops_priv.h"
#include "conf_opts.h"
#include "conf_plan.h"
#include "fcd.h"
#include "port.h"
#include "backend/backend.h"
#include "core/tgt.h"

/* Change a namespace in the core, unless a dry plan only records (RUN) or
 * the namespace is pending (struct conf_ns): then only its record in
 * d->conf changes, and conf_pending_tick() adds it as recorded. */
#define NS_RUN(d, ns, call) ((ns)->pending ? 0 : RUN(d, call))

/* The plan line of a namespace-resize. */
static void plan_ns_resize(struct fcd *d, const char *nqn, uint32_t nsid, uint64_t size)
{
	char sz[32];

	if (d->plan == NULL)
		return;
	fcnvme_size_format(size, sz, sizeof(sz));
	conf_plan_add(d, "namespace-resize %s %u %s", nqn, nsid, sz);
}

/* The plan line of a namespace-add: NSID, backend, size. */
static void plan_ns_add(struct fcd *d, const char *nqn, const struct conf_ns *ns)
{
	char size[32];
	unsigned int i;

	if (d->plan == NULL)
		return;
	fcnvme_size_format(ns->size, size, sizeof(size));
	if (ns->pending)
		conf_plan_add(d, "namespace-add %s %u %s %s (pending: %s does not exist)", nqn,
			      ns->nsid, conf_backend_names[ns->backend], size, ns->path);
	else
		conf_plan_add(d, "namespace-add %s %u %s %s", nqn, ns->nsid,
			      conf_backend_names[ns->backend], size);
	/* Its mask comes with it (one tgt_ns_add): named for the reader. */
	for (i = 0; i < ns->nr_hosts; i++)
		conf_plan_add(d, "namespace-add-host %s %u %s", nqn, ns->nsid, ns->hosts[i]);
}

static void ns_params(const struct conf_ns *ns, struct tgt_ns_params *p)
{
	memset(p, 0, sizeof(*p));
	p->nsid = ns->nsid;
	p->backend = ns->backend;
	p->path = ns->path;
	p->size = ns->size;
	p->lba_size = ns->lba_size;
	p->anagrpid = ns->anagrpid;
	p->readonly = ns->readonly;
	p->direct = ns->direct;
	p->create = ns->create;
	p->resv = ns->resv;
	p->disabled = !ns->enabled;
	p->has_uuid = ns->has_uuid;
	p->has_nguid = ns->has_nguid;
	p->has_eui64 = ns->has_eui64;
	memcpy(p->uuid, ns->uuid, sizeof(p->uuid));
	memcpy(p->nguid, ns->nguid, sizeof(p->nguid));
	memcpy(p->eui64, ns->eui64, sizeof(p->eui64));
	p->rbd = ns->rbd;
	p->hosts = (const char *const *)ns->hosts;
	p->nr_hosts = ns->nr_hosts;
}

struct ns_size_q {
	uint32_t nsid;
	uint64_t size;
};

static int ns_size_cb(const struct tgt_ns_info *ni, void *arg)
{
	struct ns_size_q *q = arg;

	if (ni->nsid != q->nsid)
		return 0;
	q->size = ni->size;
	return 1;
}

uint64_t conf_ns_size_now(struct fcd *d, const char *nqn, uint32_t nsid)
{
	struct ns_size_q q = { nsid, 0 };

	if (!conf_plan_dry(d))
		tgt_ns_foreach(d->tgt, nqn, ns_size_cb, &q);
	return q.size;
}

int conf_ns_want_open(const struct conf_ns *ns)
{
	struct tgt_ns_params p;

	ns_params(ns, &p);
	return backend_preopen_want(&p) > 0;
}

void conf_op_ns_want_back(struct fcd *d, const struct conf_ns *ns)
{
	struct tgt_ns_params p;

	if (!conf_plan_dry(d) || !d->plan->want_opens)
		return;
	ns_params(ns, &p);
	if (backend_preopen_want(&p) > 0)
		d->plan->opens++;
}

/* Add a namespace (picking the lowest free NSID when ns->nsid is 0); a
 * pending one (ns->pending, the caller's choice) is only recorded. */
int conf_op_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, nqn);
	struct tgt_ns_params p;
	struct conf_ns *slot;
	int rc;

	if (cs == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", nqn);
	if (ns->nsid == 0) {
		uint32_t id;

		for (id = 1; id <= TGT_MAX_NSID; id++)
			if (conf_ns_find(cs, id) == NULL)
				break;
		if (id > TGT_MAX_NSID)
			return fcnvme_err(err, errlen, -ENOSPC, "%s has no free NSID", nqn);
		ns->nsid = id;
	} else if (conf_ns_find(cs, ns->nsid) != NULL) {
		return fcnvme_err(err, errlen, -EEXIST, "%s already has namespace %u", nqn,
				  ns->nsid);
	}
	if (ns->anagrpid != 1 && conf_ana_find(d->conf, ns->anagrpid) == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no ANA group %u", ns->anagrpid);
	ns_params(ns, &p);
	plan_ns_add(d, nqn, ns);
	if (conf_plan_dry(d) && d->plan->want_opens && backend_preopen_want(&p) > 0)
		d->plan->opens++;
	rc = NS_RUN(d, ns, tgt_ns_add(d->tgt, nqn, &p, err, errlen));
	if (rc)
		return rc;
	slot = conf_ops_arr_push(&cs->ns, &cs->nr_ns, sizeof(*slot));
	if (slot == NULL)
		goto out_del_ns;
	*slot = *ns;
	if (conf_ns_dup(slot, ns)) {
		cs->nr_ns--;
		goto out_del_ns;
	}
	return 0;

out_del_ns:
	(void)NS_RUN(d, ns, tgt_ns_del(d->tgt, nqn, ns->nsid, NULL, 0));
	return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
}

/* Add pending namespace ns of nqn to the core as d->conf records it: it is
 * served from now on (conf_pending.c). */
int conf_op_ns_attach(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen)
{
	struct tgt_ns_params p;
	int rc;

	if (!ns->pending)
		return 0;
	ns_params(ns, &p);
	rc = RUN(d, tgt_ns_add(d->tgt, nqn, &p, err, errlen));
	if (rc == 0) {
		ns->pending = false;
		ns->pending_err = 0;
	}
	return rc;
}

static struct conf_ns *ns_lookup(struct fcd *d, const char *nqn, uint32_t nsid,
				 struct conf_subsys **csp, char *err, size_t errlen, int *rc)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, nqn);
	struct conf_ns *ns;

	*rc = 0;
	if (cs == NULL) {
		*rc = fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", nqn);
		return NULL;
	}
	ns = conf_ns_find(cs, nsid);
	if (ns == NULL)
		*rc = fcnvme_err(err, errlen, -ENOENT, "%s has no namespace %u", nqn, nsid);
	if (csp != NULL)
		*csp = cs;
	return ns;
}

/* Remove a namespace. */
int conf_op_ns_del(struct fcd *d, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	struct conf_subsys *cs;
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, &cs, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	conf_plan_add(d, "namespace-del %s %u", nqn, nsid);
	conf_op_ns_want_back(d, ns);
	rc = NS_RUN(d, ns, tgt_ns_del(d->tgt, nqn, nsid, err, errlen));
	if (rc)
		return rc;
	conf_ns_release(ns);
	conf_ops_arr_del(cs->ns, &cs->nr_ns, sizeof(*ns), (unsigned int)(ns - cs->ns));
	return 0;
}

/* Grow a namespace. */
int conf_op_ns_resize(struct fcd *d, const char *nqn, uint32_t nsid, uint64_t size, char *err,
		      size_t errlen)
{
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	if (size % ns->lba_size != 0)
		return fcnvme_err(err, errlen, -EINVAL, "size is not a multiple of the LBA size %u",
				  ns->lba_size);
	plan_ns_resize(d, nqn, nsid, size);
	if (conf_plan_dry(d) && d->plan->want_opens && !ns->pending &&
	    conf_plan_grow(d, nqn, nsid, size) != 0)
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	rc = NS_RUN(d, ns, tgt_ns_resize(d->tgt, nqn, nsid, size, err, errlen));
	if (rc == 0)
		ns->size = size;
	return rc;
}

/* Make a namespace visible or hide it. */
int conf_op_ns_enable(struct fcd *d, const char *nqn, uint32_t nsid, bool on, char *err,
		      size_t errlen)
{
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	conf_plan_add(d, "namespace-%s %s %u", on ? "enable" : "disable", nqn, nsid);
	rc = NS_RUN(d, ns,
		    on ? tgt_ns_enable(d->tgt, nqn, nsid, err, errlen)
		       : tgt_ns_disable(d->tgt, nqn, nsid, err, errlen));
	if (rc == 0)
		ns->enabled = on;
	return rc;
}

/* Show a namespace to one more host, or stop showing it (host masking; the
 * list keeps its order, the core's is sorted). */
int conf_op_ns_host(struct fcd *d, const char *nqn, uint32_t nsid, const char *host, bool add,
		    char *err, size_t errlen)
{
	struct conf_ns *ns;
	unsigned int i;
	char **slot;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	for (i = 0; i < ns->nr_hosts; i++)
		if (strcmp(ns->hosts[i], host) == 0)
			break;
	if (add && i < ns->nr_hosts)
		return fcnvme_err(err, errlen, -EEXIST,
				  "namespace %u of %s is already visible to host %s", nsid, nqn,
				  host);
	if (!add && i == ns->nr_hosts)
		return fcnvme_err(err, errlen, -ENOENT, "namespace %u of %s does not list host %s",
				  nsid, nqn, host);
	conf_plan_add(d, "namespace-%s-host %s %u %s", add ? "add" : "del", nqn, nsid, host);
	if (!add) {
		rc = NS_RUN(d, ns, tgt_ns_del_host(d->tgt, nqn, nsid, host, err, errlen));
		if (rc)
			return rc;
		free(ns->hosts[i]);
		conf_ops_arr_del(ns->hosts, &ns->nr_hosts, sizeof(*ns->hosts), i);
		return 0;
	}
	rc = NS_RUN(d, ns, tgt_ns_add_host(d->tgt, nqn, nsid, host, err, errlen));
	if (rc)
		return rc;
	slot = conf_ops_arr_push(&ns->hosts, &ns->nr_hosts, sizeof(*ns->hosts));
	if (slot == NULL || (*slot = strdup(host)) == NULL) {
		if (slot != NULL)
			ns->nr_hosts--;
		(void)NS_RUN(d, ns, tgt_ns_del_host(d->tgt, nqn, nsid, host, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Move a namespace to another ANA group. */
int conf_op_ns_set_ana_group(struct fcd *d, const char *nqn, uint32_t nsid, uint32_t grpid,
			     char *err, size_t errlen)
{
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	if (grpid != 1 && conf_ana_find(d->conf, grpid) == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no ANA group %u", grpid);
	conf_plan_add(d, "namespace-set-ana-group %s %u %u", nqn, nsid, grpid);
	rc = NS_RUN(d, ns, tgt_ns_set_ana_group(d->tgt, nqn, nsid, grpid, err, errlen));
	if (rc == 0)
		ns->anagrpid = grpid;
	return rc;
}

/* A namespace's on/off setting in place: the plan line names it, the
 * core's setter (fn) changes it, the running config's bool at off in
 * struct conf_ns records it. */
static int ns_set_flag(struct fcd *d, const char *nqn, uint32_t nsid, const char *setting,
		       size_t off,
		       int (*fn)(struct tgt *, const char *, uint32_t, bool, char *, size_t),
		       bool on, char *err, size_t errlen)
{
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	conf_plan_add(d, "namespace-set %s %u %s %s", nqn, nsid, setting, on ? "on" : "off");
	rc = NS_RUN(d, ns, fn(d->tgt, nqn, nsid, on, err, errlen));
	if (rc == 0)
		*(bool *)((char *)ns + off) = on;
	return rc;
}

/* Make a namespace read-only or writable, in place. */
int conf_op_ns_set_readonly(struct fcd *d, const char *nqn, uint32_t nsid, bool readonly, char *err,
			    size_t errlen)
{
	return ns_set_flag(d, nqn, nsid, "read_only", offsetof(struct conf_ns, readonly),
			   tgt_ns_set_readonly, readonly, err, errlen);
}

/* Turn reservations on or off, in place. */
int conf_op_ns_set_resv(struct fcd *d, const char *nqn, uint32_t nsid, bool on, char *err,
			size_t errlen)
{
	return ns_set_flag(d, nqn, nsid, "reservations", offsetof(struct conf_ns, resv),
			   tgt_ns_set_resv, on, err, errlen);
}

/* Turn O_DIRECT on or off, in place. */
int conf_op_ns_set_direct(struct fcd *d, const char *nqn, uint32_t nsid, bool direct, char *err,
			  size_t errlen)
{
	return ns_set_flag(d, nqn, nsid, "direct", offsetof(struct conf_ns, direct),
			   tgt_ns_set_direct, direct, err, errlen);
}
