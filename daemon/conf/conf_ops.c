// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's one mutation path (see conf_ops.h): each operation changes
 * the running objects through port.h or tgt.h and, only when that worked,
 * records the change in d->conf. Control commands and conf_apply() call
 * these and nothing else, so the saved configuration always matches what
 * runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/err.h>
#include <fcnvme/nvme_log.h>
#include <fcnvme/size.h>

#include "conf.h"
#include "conf_ops.h"
#include "conf_opts.h"
#include "conf_plan.h"
#include "fcd.h"
#include "port.h"
#include "core/tgt.h"

/* Run a change of the running objects, unless a dry plan only records
 * (conf_plan.h): then it "succeeds" and only d->conf (a copy) changes. */
#define RUN(d, call) (conf_plan_dry(d) ? 0 : (call))

/* An operation made of other operations records only itself. */
static void plan_mute(struct fcd *d, int delta)
{
	if (d->plan != NULL)
		d->plan->mute = (unsigned int)((int)d->plan->mute + delta);
}

/* Append a zeroed element to a growable array; NULL when out of memory. */
static void *arr_push(void *arrp, unsigned int *n, size_t sz)
{
	void **arr = arrp;
	char *p = realloc(*arr, (*n + 1) * sz);

	if (p == NULL)
		return NULL;
	*arr = p;
	memset(p + (size_t)*n * sz, 0, sz);
	return p + (size_t)(*n)++ * sz;
}

/* Remove element i, keeping order. */
static void arr_del(void *arr, unsigned int *n, size_t sz, unsigned int i)
{
	char *p = arr;

	memmove(p + (size_t)i * sz, p + (size_t)(i + 1) * sz, (size_t)(*n - i - 1) * sz);
	(*n)--;
}

/* Map enum fcnvme_ana_state to the NVMe ANA state. */
uint8_t conf_ana_to_nvme(uint8_t state)
{
	static const uint8_t map[__FCNVME_ANA_MAX] = {
		[FCNVME_ANA_OPTIMIZED] = NVME_ANA_OPTIMIZED,
		[FCNVME_ANA_NON_OPTIMIZED] = NVME_ANA_NONOPTIMIZED,
		[FCNVME_ANA_INACCESSIBLE] = NVME_ANA_INACCESSIBLE,
		[FCNVME_ANA_PERSISTENT_LOSS] = NVME_ANA_PERSISTENT_LOSS,
		[FCNVME_ANA_CHANGE] = NVME_ANA_CHANGE,
	};

	return state < __FCNVME_ANA_MAX ? map[state] : NVME_ANA_INACCESSIBLE;
}

/* The state group a is in on port p per d->conf. */
static uint8_t ana_state_on(const struct conf_ana *a, const char *port)
{
	unsigned int i;

	for (i = 0; i < a->nr_ports; i++)
		if (strcmp(a->ports[i].port, port) == 0)
			return a->ports[i].state;
	return a->state;
}

/* Program every configured ANA group's state on port cp. */
static int ana_program_port(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < d->conf->nr_ana; i++) {
		const struct conf_ana *a = &d->conf->ana[i];

		rc = RUN(d, tgt_ana_set_state(d->tgt, a->grpid, cp->portid,
					      conf_ana_to_nvme(ana_state_on(a, cp->name)), err,
					      errlen));
		if (rc)
			return rc;
	}
	return 0;
}

/* Create a port and record it. */
int conf_op_port_add(struct fcd *d, const struct conf_port *p, char *err, size_t errlen)
{
	struct conf_port *cp;
	int rc;

	if (conf_port_find(d->conf, p->name) != NULL)
		return fcnvme_err(err, errlen, -EEXIST, "port %s exists", p->name);
	conf_plan_add(d, "port-add %s", p->name);
	rc = RUN(d, port_add(d, p, err, errlen));
	if (rc)
		return rc;
	cp = arr_push(&d->conf->ports, &d->conf->nr_ports, sizeof(*cp));
	if (cp == NULL)
		goto out_del_port;
	*cp = *p;
	cp->shm_dir = NULL;
	if (p->shm_dir != NULL && (cp->shm_dir = strdup(p->shm_dir)) == NULL) {
		d->conf->nr_ports--;
		goto out_del_port;
	}
	rc = ana_program_port(d, cp, err, errlen);
	if (rc == 0 && !p->enabled)
		rc = RUN(d, port_disable(d, p->name, err, errlen));
	if (rc) {
		char keep[512];

		snprintf(keep, sizeof(keep), "%s", err != NULL ? err : "");
		conf_op_port_del(d, p->name, NULL, 0);
		return fcnvme_err(err, errlen, rc, "%s", keep);
	}
	return 0;

out_del_port:
	(void)RUN(d, port_del(d, p->name, NULL, 0));
	return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
}

/* Delete a port and every reference to it in d->conf. */
int conf_op_port_del(struct fcd *d, const char *name, char *err, size_t errlen)
{
	struct conf *c = d->conf;
	struct conf_port *cp = conf_port_find(c, name);
	unsigned int i, k;
	int rc;

	if (cp == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no port %s", name);
	for (i = 0; i < c->nr_referrals; i++)
		for (k = 0; k < c->referrals[i].nr_ports; k++)
			if (strcmp(c->referrals[i].ports[k], name) == 0)
				return fcnvme_err(err, errlen, -EBUSY,
						  "port %s lists referral %s: delete the "
						  "referral first",
						  name, c->referrals[i].name);
	conf_plan_add(d, "port-del %s", name);
	rc = RUN(d, port_del(d, name, err, errlen));
	if (rc)
		return rc;
	for (i = 0; i < c->nr_subsys; i++)
		for (k = 0; k < c->subsys[i].nr_ports; k++)
			if (strcmp(c->subsys[i].ports[k], name) == 0)
				arr_del(c->subsys[i].ports, &c->subsys[i].nr_ports,
					sizeof(*c->subsys[i].ports), k--);
	for (i = 0; i < c->nr_ana; i++)
		for (k = 0; k < c->ana[i].nr_ports; k++)
			if (strcmp(c->ana[i].ports[k].port, name) == 0)
				arr_del(c->ana[i].ports, &c->ana[i].nr_ports,
					sizeof(*c->ana[i].ports), k--);
	free(cp->shm_dir);
	arr_del(c->ports, &c->nr_ports, sizeof(*cp), (unsigned int)(cp - c->ports));
	return 0;
}

/* Enable or disable a port. */
int conf_op_port_enable(struct fcd *d, const char *name, bool on, char *err, size_t errlen)
{
	struct conf_port *cp = conf_port_find(d->conf, name);
	int rc;

	if (cp == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no port %s", name);
	conf_plan_add(d, "port-%s %s", on ? "enable" : "disable", name);
	rc = RUN(d, on ? port_enable(d, name, err, errlen) : port_disable(d, name, err, errlen));
	if (rc == 0)
		cp->enabled = on;
	return rc;
}

/* The plan line of a subsystem-set: the fields mask changes. */
static void plan_subsys_set(struct fcd *d, const struct conf_subsys *s, uint32_t mask)
{
	if (d->plan == NULL)
		return;
	conf_plan_add(d, "subsystem-set %s%s%s%s%s%s%s", s->nqn,
		      mask & TGT_SUBSYS_SET_SERIAL ? " serial" : "",
		      mask & TGT_SUBSYS_SET_MODEL ? " model" : "",
		      mask & TGT_SUBSYS_SET_FIRMWARE ? " firmware" : "",
		      mask & TGT_SUBSYS_SET_ALLOW_ANY
			      ? (s->allow_any_host ? " allow_any_host on" : " allow_any_host off")
			      : "",
		      mask & TGT_SUBSYS_SET_OUI ? " ieee_oui" : "",
		      mask & TGT_SUBSYS_SET_CNTLID ? " cntlid" : "");
}

static void subsys_params(const struct conf_subsys *s, struct tgt_subsys_params *p)
{
	memset(p, 0, sizeof(*p));
	p->nqn = s->nqn;
	p->serial = s->serial[0] ? s->serial : NULL;
	p->model = s->model[0] ? s->model : NULL;
	p->firmware = s->firmware[0] ? s->firmware : NULL;
	p->allow_any_host = s->allow_any_host;
	p->ieee_oui = s->ieee_oui;
	p->cntlid_min = s->cntlid_min;
	p->cntlid_max = s->cntlid_max;
}

/* Create a subsystem (without hosts, ports or namespaces) and record it. */
int conf_op_subsys_add(struct fcd *d, const struct conf_subsys *s, char *err, size_t errlen)
{
	struct tgt_subsys_params p;
	struct conf_subsys *cs;
	int rc;

	if (conf_subsys_find(d->conf, s->nqn) != NULL)
		return fcnvme_err(err, errlen, -EEXIST, "subsystem %s exists", s->nqn);
	subsys_params(s, &p);
	conf_plan_add(d, "subsystem-add %s", s->nqn);
	rc = RUN(d, tgt_subsys_add(d->tgt, &p, err, errlen));
	if (rc)
		return rc;
	cs = arr_push(&d->conf->subsys, &d->conf->nr_subsys, sizeof(*cs));
	if (cs == NULL) {
		(void)RUN(d, tgt_subsys_del(d->tgt, s->nqn, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	memcpy(cs->nqn, s->nqn, sizeof(cs->nqn));
	memcpy(cs->serial, s->serial, sizeof(cs->serial));
	memcpy(cs->model, s->model, sizeof(cs->model));
	memcpy(cs->firmware, s->firmware, sizeof(cs->firmware));
	cs->allow_any_host = s->allow_any_host;
	cs->ieee_oui = s->ieee_oui;
	cs->cntlid_min = s->cntlid_min;
	cs->cntlid_max = s->cntlid_max;
	cs->line = s->line;
	return 0;
}

/* Delete a subsystem and forget it. */
int conf_op_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen)
{
	struct conf *c = d->conf;
	struct conf_subsys *cs = conf_subsys_find(c, nqn);
	unsigned int i;
	int rc;

	if (cs == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", nqn);
	conf_plan_add(d, "subsystem-del %s", nqn);
	rc = RUN(d, tgt_subsys_del(d->tgt, nqn, err, errlen));
	if (rc)
		return rc;
	for (i = 0; i < cs->nr_hosts; i++)
		free(cs->hosts[i]);
	free(cs->hosts);
	free(cs->wwpns);
	free(cs->ports);
	for (i = 0; i < cs->nr_ns; i++)
		conf_ns_release(&cs->ns[i]);
	free(cs->ns);
	arr_del(c->subsys, &c->nr_subsys, sizeof(*cs), (unsigned int)(cs - c->subsys));
	return 0;
}

/* Change identity fields or allow_any_host of a subsystem. */
int conf_op_subsys_set(struct fcd *d, const struct conf_subsys *s, uint32_t mask, char *err,
		       size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, s->nqn);
	struct tgt_subsys_params p;
	int rc;

	if (cs == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", s->nqn);
	subsys_params(s, &p);
	plan_subsys_set(d, s, mask);
	rc = RUN(d, tgt_subsys_set(d->tgt, &p, mask, err, errlen));
	if (rc)
		return rc;
	if (mask & TGT_SUBSYS_SET_SERIAL)
		memcpy(cs->serial, s->serial, sizeof(cs->serial));
	if (mask & TGT_SUBSYS_SET_MODEL)
		memcpy(cs->model, s->model, sizeof(cs->model));
	if (mask & TGT_SUBSYS_SET_FIRMWARE)
		memcpy(cs->firmware, s->firmware, sizeof(cs->firmware));
	if (mask & TGT_SUBSYS_SET_ALLOW_ANY)
		cs->allow_any_host = s->allow_any_host;
	if (mask & TGT_SUBSYS_SET_OUI)
		cs->ieee_oui = s->ieee_oui;
	if (mask & TGT_SUBSYS_SET_CNTLID) {
		cs->cntlid_min = s->cntlid_min;
		cs->cntlid_max = s->cntlid_max;
	}
	return 0;
}

/* Allow or disallow a host NQN on a subsystem. */
int conf_op_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, nqn);
	unsigned int i;
	char **slot;
	int rc;

	if (cs == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", nqn);
	for (i = 0; i < cs->nr_hosts; i++)
		if (strcmp(cs->hosts[i], host) == 0)
			break;
	if (allow && i < cs->nr_hosts)
		return fcnvme_err(err, errlen, -EEXIST, "host %s is already allowed on %s", host,
				  nqn);
	if (!allow && i == cs->nr_hosts)
		return fcnvme_err(err, errlen, -ENOENT, "host %s is not allowed on %s", host, nqn);
	if (!allow) {
		conf_plan_add(d, "allowed-host-del %s %s", nqn, host);
		rc = RUN(d, tgt_subsys_disallow_host(d->tgt, nqn, host, err, errlen));
		if (rc)
			return rc;
		free(cs->hosts[i]);
		arr_del(cs->hosts, &cs->nr_hosts, sizeof(*cs->hosts), i);
		return 0;
	}
	conf_plan_add(d, "allowed-host-add %s %s", nqn, host);
	rc = RUN(d, tgt_subsys_allow_host(d->tgt, nqn, host, err, errlen));
	if (rc)
		return rc;
	slot = arr_push(&cs->hosts, &cs->nr_hosts, sizeof(*cs->hosts));
	if (slot == NULL || (*slot = strdup(host)) == NULL) {
		if (slot != NULL)
			cs->nr_hosts--;
		(void)RUN(d, tgt_subsys_disallow_host(d->tgt, nqn, host, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Allow or disallow a host WWPN on a subsystem. */
int conf_op_wwpn_allow(struct fcd *d, const char *nqn, uint64_t wwpn, bool allow, char *err,
		       size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, nqn);
	uint64_t *slot;
	unsigned int i;
	int rc;

	if (cs == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", nqn);
	for (i = 0; i < cs->nr_wwpns; i++)
		if (cs->wwpns[i] == wwpn)
			break;
	if (allow && i < cs->nr_wwpns)
		return fcnvme_err(err, errlen, -EEXIST, "WWPN 0x%016llx is already allowed on %s",
				  (unsigned long long)wwpn, nqn);
	if (!allow && i == cs->nr_wwpns)
		return fcnvme_err(err, errlen, -ENOENT, "WWPN 0x%016llx is not allowed on %s",
				  (unsigned long long)wwpn, nqn);
	if (!allow) {
		conf_plan_add(d, "allowed-wwpn-del %s 0x%016llx", nqn, (unsigned long long)wwpn);
		rc = RUN(d, tgt_subsys_disallow_wwpn(d->tgt, nqn, wwpn, err, errlen));
		if (rc == 0)
			arr_del(cs->wwpns, &cs->nr_wwpns, sizeof(*cs->wwpns), i);
		return rc;
	}
	conf_plan_add(d, "allowed-wwpn-add %s 0x%016llx", nqn, (unsigned long long)wwpn);
	rc = RUN(d, tgt_subsys_allow_wwpn(d->tgt, nqn, wwpn, err, errlen));
	if (rc)
		return rc;
	slot = arr_push(&cs->wwpns, &cs->nr_wwpns, sizeof(*cs->wwpns));
	if (slot == NULL) {
		(void)RUN(d, tgt_subsys_disallow_wwpn(d->tgt, nqn, wwpn, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	*slot = wwpn;
	return 0;
}

/* Export a subsystem on a port, or withdraw it. */
int conf_op_subsys_export(struct fcd *d, const char *nqn, const char *port, bool on, char *err,
			  size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, nqn);
	struct conf_port *cp = conf_port_find(d->conf, port);
	char(*slot)[CONF_NAME_MAX];
	unsigned int i;
	int rc;

	if (cs == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no subsystem %s", nqn);
	if (cp == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no port %s", port);
	for (i = 0; i < cs->nr_ports; i++)
		if (strcmp(cs->ports[i], port) == 0)
			break;
	if (on && i < cs->nr_ports)
		return fcnvme_err(err, errlen, -EEXIST, "%s is already on port %s", nqn, port);
	if (!on && i == cs->nr_ports)
		return fcnvme_err(err, errlen, -ENOENT, "%s is not on port %s", nqn, port);
	if (!on) {
		conf_plan_add(d, "subsystem-del-port %s %s", nqn, port);
		rc = RUN(d, tgt_subsys_unexport(d->tgt, nqn, cp->portid, err, errlen));
		if (rc == 0)
			arr_del(cs->ports, &cs->nr_ports, sizeof(*cs->ports), i);
		return rc;
	}
	conf_plan_add(d, "subsystem-add-port %s %s", nqn, port);
	rc = RUN(d, tgt_subsys_export(d->tgt, nqn, cp->portid, err, errlen));
	if (rc)
		return rc;
	slot = arr_push(&cs->ports, &cs->nr_ports, sizeof(*cs->ports));
	if (slot == NULL) {
		(void)RUN(d, tgt_subsys_unexport(d->tgt, nqn, cp->portid, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	snprintf(*slot, sizeof(*slot), "%s", port);
	return 0;
}

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

/* Add a namespace (picking the lowest free NSID when ns->nsid is 0). */
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
	rc = RUN(d, tgt_ns_add(d->tgt, nqn, &p, err, errlen));
	if (rc)
		return rc;
	slot = arr_push(&cs->ns, &cs->nr_ns, sizeof(*slot));
	if (slot == NULL)
		goto out_del_ns;
	*slot = *ns;
	if (conf_ns_dup(slot, ns)) {
		cs->nr_ns--;
		goto out_del_ns;
	}
	return 0;

out_del_ns:
	(void)RUN(d, tgt_ns_del(d->tgt, nqn, ns->nsid, NULL, 0));
	return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
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
	rc = RUN(d, tgt_ns_del(d->tgt, nqn, nsid, err, errlen));
	if (rc)
		return rc;
	conf_ns_release(ns);
	arr_del(cs->ns, &cs->nr_ns, sizeof(*ns), (unsigned int)(ns - cs->ns));
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
	rc = RUN(d, tgt_ns_resize(d->tgt, nqn, nsid, size, err, errlen));
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
	rc = RUN(d, on ? tgt_ns_enable(d->tgt, nqn, nsid, err, errlen)
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
		rc = RUN(d, tgt_ns_del_host(d->tgt, nqn, nsid, host, err, errlen));
		if (rc)
			return rc;
		free(ns->hosts[i]);
		arr_del(ns->hosts, &ns->nr_hosts, sizeof(*ns->hosts), i);
		return 0;
	}
	rc = RUN(d, tgt_ns_add_host(d->tgt, nqn, nsid, host, err, errlen));
	if (rc)
		return rc;
	slot = arr_push(&ns->hosts, &ns->nr_hosts, sizeof(*ns->hosts));
	if (slot == NULL || (*slot = strdup(host)) == NULL) {
		if (slot != NULL)
			ns->nr_hosts--;
		(void)RUN(d, tgt_ns_del_host(d->tgt, nqn, nsid, host, NULL, 0));
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
	rc = RUN(d, tgt_ns_set_ana_group(d->tgt, nqn, nsid, grpid, err, errlen));
	if (rc == 0)
		ns->anagrpid = grpid;
	return rc;
}

/* Make a namespace read-only or writable, in place. */
int conf_op_ns_set_readonly(struct fcd *d, const char *nqn, uint32_t nsid, bool readonly, char *err,
			    size_t errlen)
{
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	conf_plan_add(d, "namespace-set %s %u read_only %s", nqn, nsid, readonly ? "on" : "off");
	rc = RUN(d, tgt_ns_set_readonly(d->tgt, nqn, nsid, readonly, err, errlen));
	if (rc == 0)
		ns->readonly = readonly;
	return rc;
}

/* Turn O_DIRECT on or off, in place. */
int conf_op_ns_set_direct(struct fcd *d, const char *nqn, uint32_t nsid, bool direct, char *err,
			  size_t errlen)
{
	struct conf_ns *ns;
	int rc;

	ns = ns_lookup(d, nqn, nsid, NULL, err, errlen, &rc);
	if (ns == NULL)
		return rc;
	conf_plan_add(d, "namespace-set %s %u direct %s", nqn, nsid, direct ? "on" : "off");
	rc = RUN(d, tgt_ns_set_direct(d->tgt, nqn, nsid, direct, err, errlen));
	if (rc == 0)
		ns->direct = direct;
	return rc;
}

static int ana_set_state(struct fcd *d, struct conf_ana *a, const char *port, uint8_t state,
			 char *err, size_t errlen);

/* Create an ANA group in state on every port. */
int conf_op_ana_add(struct fcd *d, uint32_t grpid, uint8_t state, char *err, size_t errlen)
{
	struct conf_ana *a;
	int rc;

	if (conf_ana_find(d->conf, grpid) != NULL)
		return fcnvme_err(err, errlen, -EEXIST, "ANA group %u exists", grpid);
	/* Group 1 always exists in the core; configuring it only sets state. */
	conf_plan_add(d, "ana-add %u %s", grpid, fcnvme_ana_state_name(state));
	rc = grpid == 1 ? 0 : RUN(d, tgt_ana_group_add(d->tgt, grpid, err, errlen));
	if (rc)
		return rc;
	a = arr_push(&d->conf->ana, &d->conf->nr_ana, sizeof(*a));
	if (a == NULL) {
		if (grpid != 1)
			(void)RUN(d, tgt_ana_group_del(d->tgt, grpid, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	a->grpid = grpid;
	a->state = FCNVME_ANA_OPTIMIZED;
	if (state == FCNVME_ANA_OPTIMIZED)
		return 0;
	plan_mute(d, 1);
	rc = conf_op_ana_set_state(d, grpid, NULL, state, err, errlen);
	if (rc)
		conf_op_ana_del(d, grpid, NULL, 0);
	plan_mute(d, -1);
	return rc;
}

/* Delete an ANA group (refused while a namespace uses it). */
int conf_op_ana_del(struct fcd *d, uint32_t grpid, char *err, size_t errlen)
{
	struct conf_ana *a = conf_ana_find(d->conf, grpid);
	int rc;

	if (a == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no ANA group %u", grpid);
	conf_plan_add(d, "ana-del %u", grpid);
	if (grpid == 1) {
		plan_mute(d, 1);
		rc = conf_op_ana_set_state(d, 1, NULL, FCNVME_ANA_OPTIMIZED, err, errlen);
		plan_mute(d, -1);
	} else {
		rc = RUN(d, tgt_ana_group_del(d->tgt, grpid, err, errlen));
	}
	if (rc)
		return rc;
	free(a->ports);
	arr_del(d->conf->ana, &d->conf->nr_ana, sizeof(*a), (unsigned int)(a - d->conf->ana));
	return 0;
}

/* Set a group's state on one port or (port NULL) on all of them. */
int conf_op_ana_set_state(struct fcd *d, uint32_t grpid, const char *port, uint8_t state, char *err,
			  size_t errlen)
{
	struct conf_ana *a = conf_ana_find(d->conf, grpid);
	int rc;

	conf_plan_add(d, "ana-set-state %u %s%s%s", grpid, fcnvme_ana_state_name(state),
		      port != NULL ? " " : "", port != NULL ? port : "");
	/* Group 1 always exists (optimized) even when the configuration does
	 * not name it: record it now, and forget it again if setting fails. */
	if (a == NULL && grpid == 1) {
		a = arr_push(&d->conf->ana, &d->conf->nr_ana, sizeof(*a));
		if (a == NULL)
			return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
		a->grpid = 1;
		a->state = FCNVME_ANA_OPTIMIZED;
		rc = ana_set_state(d, a, port, state, err, errlen);
		if (rc) {
			a = conf_ana_find(d->conf, 1);
			free(a->ports);
			arr_del(d->conf->ana, &d->conf->nr_ana, sizeof(*a),
				(unsigned int)(a - d->conf->ana));
		}
		return rc;
	}
	if (a == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no ANA group %u", grpid);
	return ana_set_state(d, a, port, state, err, errlen);
}

/* Set the state of group a (in d->conf). */
static int ana_set_state(struct fcd *d, struct conf_ana *a, const char *port, uint8_t state,
			 char *err, size_t errlen)
{
	uint32_t grpid = a->grpid;
	struct conf_ana_port *ap;
	struct conf_port *cp;
	unsigned int i;
	int rc;

	if (port != NULL) {
		cp = conf_port_find(d->conf, port);
		if (cp == NULL)
			return fcnvme_err(err, errlen, -ENOENT, "no port %s", port);
		rc = RUN(d, tgt_ana_set_state(d->tgt, grpid, cp->portid, conf_ana_to_nvme(state),
					      err, errlen));
		if (rc)
			return rc;
		for (i = 0; i < a->nr_ports; i++)
			if (strcmp(a->ports[i].port, port) == 0)
				break;
		if (state == a->state) {
			if (i < a->nr_ports)
				arr_del(a->ports, &a->nr_ports, sizeof(*ap), i);
			return 0;
		}
		ap = i < a->nr_ports ? &a->ports[i]
				     : arr_push(&a->ports, &a->nr_ports, sizeof(*ap));
		if (ap == NULL)
			return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
		snprintf(ap->port, sizeof(ap->port), "%s", port);
		ap->state = state;
		return 0;
	}
	for (i = 0; i < d->conf->nr_ports; i++) {
		cp = &d->conf->ports[i];
		rc = RUN(d, tgt_ana_set_state(d->tgt, grpid, cp->portid, conf_ana_to_nvme(state),
					      err, errlen));
		if (rc)
			return rc;
	}
	a->state = state;
	free(a->ports);
	a->ports = NULL;
	a->nr_ports = 0;
	return 0;
}

/* The plan line of a referral-add, in fcnvmectl's words. */
static void plan_referral_add(struct fcd *d, const struct conf_referral *r)
{
	char line[4096];
	size_t n;
	unsigned int i;

	if (d->plan == NULL)
		return;
	n = (size_t)snprintf(line, sizeof(line), "referral-add %s %s portid %u", r->name, r->traddr,
			     r->portid);
	for (i = 0; i < r->nr_ports && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " port %s", r->ports[i]);
	for (i = 0; i < r->nr_hosts && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " host %s", r->hosts[i]);
	conf_plan_add(d, "%s", line);
}

/* Add a referral and record it. */
int conf_op_referral_add(struct fcd *d, const struct conf_referral *r, char *err, size_t errlen)
{
	struct tgt_referral_params p = {
		.name = r->name,
		.node_name = r->wwnn,
		.port_name = r->wwpn,
		.portid = r->portid,
		.nr_ports = r->nr_ports,
		.hosts = (const char *const *)r->hosts,
		.nr_hosts = r->nr_hosts,
	};
	uint16_t portids[TGT_MAX_PORTS];
	struct conf_referral *cr;
	unsigned int i;
	int rc;

	if (strlen(r->name) >= CONF_NAME_MAX || !conf_name_valid(r->name))
		return fcnvme_err(err, errlen, -EINVAL,
				  "referral name \"%s\": use a letter then letters, digits, '-' or "
				  "'_' (at most %d)",
				  r->name, CONF_NAME_MAX - 1);
	if (conf_referral_find(d->conf, r->name) != NULL)
		return fcnvme_err(err, errlen, -EEXIST, "referral %s exists", r->name);
	if (r->nr_ports == 0 || r->nr_ports > TGT_MAX_PORTS)
		return fcnvme_err(err, errlen, -EINVAL, "referral %s: give 1 to %d ports", r->name,
				  TGT_MAX_PORTS);
	for (i = 0; i < r->nr_ports; i++) {
		const struct conf_port *cp = conf_port_find(d->conf, r->ports[i]);

		if (cp == NULL)
			return fcnvme_err(err, errlen, -ENOENT, "referral %s: no port %s", r->name,
					  r->ports[i]);
		if (cp->wwnn == r->wwnn && cp->wwpn == r->wwpn)
			return fcnvme_err(err, errlen, -EINVAL,
					  "referral %s: traddr %s is port %s itself, which "
					  "lists it",
					  r->name, r->traddr, cp->name);
		portids[i] = cp->portid;
	}
	p.ports = portids;
	plan_referral_add(d, r);
	rc = RUN(d, tgt_referral_add(d->tgt, &p, err, errlen));
	if (rc)
		return rc;
	cr = arr_push(&d->conf->referrals, &d->conf->nr_referrals, sizeof(*cr));
	if (cr == NULL || conf_referral_dup(cr, r) != 0) {
		if (cr != NULL)
			d->conf->nr_referrals--;
		(void)RUN(d, tgt_referral_del(d->tgt, r->name, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Delete a referral and forget it. */
int conf_op_referral_del(struct fcd *d, const char *name, char *err, size_t errlen)
{
	struct conf *c = d->conf;
	struct conf_referral *cr = conf_referral_find(c, name);
	int rc;

	if (cr == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no referral %s", name);
	conf_plan_add(d, "referral-del %s", name);
	rc = RUN(d, tgt_referral_del(d->tgt, name, err, errlen));
	if (rc)
		return rc;
	conf_referral_release(cr);
	arr_del(c->referrals, &c->nr_referrals, sizeof(*cr), (unsigned int)(cr - c->referrals));
	return 0;
}
