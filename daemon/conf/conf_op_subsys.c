// SPDX-License-Identifier: Apache-2.0
/*
 * conf_op_subsys_*() and the subsystem's access lists (conf_op_host_allow,
 * conf_op_wwpn_allow): create, delete, change and export subsystems
 * through tgt.h, recording each change in d->conf (the one mutation path:
 * see conf_ops.h).
 */
#include <errno.h>
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
#include "core/tgt.h"

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
	cs = conf_ops_arr_push(&d->conf->subsys, &d->conf->nr_subsys, sizeof(*cs));
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
	for (i = 0; i < cs->nr_ns; i++)
		conf_op_ns_want_back(d, &cs->ns[i]);
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
	conf_ops_arr_del(c->subsys, &c->nr_subsys, sizeof(*cs), (unsigned int)(cs - c->subsys));
	return 0;
}

/* Name the discovery subsystem ("": the well-known NQN). */
int conf_op_discovery_nqn(struct fcd *d, const char *nqn, char *err, size_t errlen)
{
	int rc;

	if (strcmp(d->conf->discovery_nqn, nqn) == 0)
		return 0;
	conf_plan_add(d, "discovery-nqn %s", nqn[0] ? nqn : "-");
	rc = RUN(d, tgt_discovery_nqn_set(d->tgt, nqn, err, errlen));
	if (rc == 0)
		snprintf(d->conf->discovery_nqn, sizeof(d->conf->discovery_nqn), "%s", nqn);
	return rc;
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
		conf_ops_arr_del(cs->hosts, &cs->nr_hosts, sizeof(*cs->hosts), i);
		return 0;
	}
	conf_plan_add(d, "allowed-host-add %s %s", nqn, host);
	rc = RUN(d, tgt_subsys_allow_host(d->tgt, nqn, host, err, errlen));
	if (rc)
		return rc;
	slot = conf_ops_arr_push(&cs->hosts, &cs->nr_hosts, sizeof(*cs->hosts));
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
			conf_ops_arr_del(cs->wwpns, &cs->nr_wwpns, sizeof(*cs->wwpns), i);
		return rc;
	}
	conf_plan_add(d, "allowed-wwpn-add %s 0x%016llx", nqn, (unsigned long long)wwpn);
	rc = RUN(d, tgt_subsys_allow_wwpn(d->tgt, nqn, wwpn, err, errlen));
	if (rc)
		return rc;
	slot = conf_ops_arr_push(&cs->wwpns, &cs->nr_wwpns, sizeof(*cs->wwpns));
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
			conf_ops_arr_del(cs->ports, &cs->nr_ports, sizeof(*cs->ports), i);
		return rc;
	}
	conf_plan_add(d, "subsystem-add-port %s %s", nqn, port);
	rc = RUN(d, tgt_subsys_export(d->tgt, nqn, cp->portid, err, errlen));
	if (rc)
		return rc;
	slot = conf_ops_arr_push(&cs->ports, &cs->nr_ports, sizeof(*cs->ports));
	if (slot == NULL) {
		(void)RUN(d, tgt_subsys_unexport(d->tgt, nqn, cp->portid, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	snprintf(*slot, sizeof(*slot), "%s", port);
	return 0;
}
