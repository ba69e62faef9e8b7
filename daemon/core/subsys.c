// SPDX-License-Identifier: Apache-2.0
/*
 * Subsystems: create, delete and modify (idempotent), the host NQN and WWPN
 * access lists, the ports a subsystem is exported on, and the read-only walk
 * used for listings and config save. [ctl] only. A deleted subsystem whose
 * controllers still exist lingers, unlisted, until the last one is freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/nqn.h>

#include "tgt_priv.h"

/* The subsystem with this NQN: the discovery subsystem answers to its own
 * (a unique one, tgt_discovery_nqn_set) and to the well-known NQN. */
struct subsys *subsys_find(struct tgt *t, const char *nqn)
{
	struct subsys *s;

	if (!nqn)
		return NULL;
	if (!strcmp(nqn, t->disc->nqn) || !strcmp(nqn, NVME_DISC_SUBSYS_NAME))
		return t->disc;
	for (s = t->subsys_list; s; s = s->next)
		if (!strcmp(s->nqn, nqn))
			return s;
	return NULL;
}

/* Name the discovery subsystem (TP 8013's unique discovery NQN; NULL or
 * "": the well-known one, which it answers to anyway). Its controllers'
 * discovery logs change: they are told. */
int tgt_discovery_nqn_set(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	const char *why = NULL;
	const struct subsys *s;

	if (!nqn || !nqn[0])
		nqn = NVME_DISC_SUBSYS_NAME;
	if (fcnvme_nqn_validate(nqn, &why)) {
		tgt_err(err, errlen, "invalid discovery NQN: %s", why);
		return -EINVAL;
	}
	if (!strcmp(t->disc->nqn, nqn))
		return 0;
	for (s = t->subsys_list; s; s = s->next)
		if (!strcmp(s->nqn, nqn)) {
			tgt_err(err, errlen, "%s is a subsystem's NQN", nqn);
			return -EEXIST;
		}
	snprintf(t->disc->nqn, sizeof(t->disc->nqn), "%s", nqn);
	tgt_discovery_changed(t, NULL, 0);
	return 0;
}

/* Whether a host may connect to s (ACL by NQN, then optional WWPN list). */
bool subsys_host_allowed(const struct subsys *s, const char *hostnqn, uint64_t host_wwpn)
{
	unsigned int i;
	bool ok = s->allow_any_host || strv_has(s->hosts, s->nr_hosts, hostnqn);

	if (!ok || !s->nr_wwpns)
		return ok;
	for (i = 0; i < s->nr_wwpns; i++)
		if (s->wwpns[i] == host_wwpn)
			return true;
	return false;
}

/* Whether s is exported on portid. */
bool subsys_exported_on(const struct subsys *s, uint16_t portid)
{
	unsigned int i;

	for (i = 0; i < s->nr_ports; i++)
		if (s->portids[i] == portid)
			return true;
	return false;
}

/* Whether some subsystem exported on portid lets this host in (tgt.h). */
bool tgt_host_allowed(struct tgt *t, uint16_t portid, const char *hostnqn, uint64_t wwpn)
{
	const struct subsys *s;

	for (s = t->subsys_list; s; s = s->next)
		if (subsys_exported_on(s, portid) && subsys_host_allowed(s, hostnqn, wwpn))
			return true;
	return false;
}

/* Free a subsystem's memory (its namespaces must be gone or are closed). */
void subsys_free(struct subsys *s)
{
	if (!s)
		return;
	ns_destroy_all(s);
	strv_free(&s->hosts, &s->nr_hosts);
	subsys_keys_free(s);
	free(s->wwpns);
	free(s);
}

static void subsys_default_serial(struct subsys *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *p;

	for (p = s->nqn; *p; p++) {
		h ^= (uint8_t)*p;
		h *= 0x100000001b3ull;
	}
	snprintf(s->serial, sizeof(s->serial), "%016llx", (unsigned long long)h);
}

static int subsys_check_str(const char *what, const char *v, size_t max, char *err, size_t errlen)
{
	const char *p;

	if (strlen(v) > max) {
		tgt_err(err, errlen, "%s longer than %zu characters", what, max);
		return -EINVAL;
	}
	for (p = v; *p; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			tgt_err(err, errlen, "%s must be printable ASCII", what);
			return -EINVAL;
		}
	}
	return 0;
}

static int subsys_check(const struct tgt_subsys_params *p, uint32_t mask, char *err, size_t errlen)
{
	int rc = 0;

	if ((mask & TGT_SUBSYS_SET_SERIAL) && p->serial)
		rc = subsys_check_str("serial", p->serial, 20, err, errlen);
	if (!rc && (mask & TGT_SUBSYS_SET_MODEL) && p->model)
		rc = subsys_check_str("model", p->model, 40, err, errlen);
	if (!rc && (mask & TGT_SUBSYS_SET_FIRMWARE) && p->firmware)
		rc = subsys_check_str("firmware", p->firmware, 8, err, errlen);
	if (rc)
		return rc;
	if ((mask & TGT_SUBSYS_SET_OUI) && p->ieee_oui > 0xffffff) {
		tgt_err(err, errlen, "IEEE OUI is 24 bits");
		return -EINVAL;
	}
	if ((mask & TGT_SUBSYS_SET_CNTLID) && (p->cntlid_min || p->cntlid_max) &&
	    (!p->cntlid_min || p->cntlid_min > p->cntlid_max || p->cntlid_max > TGT_CNTLID_MAX)) {
		tgt_err(err, errlen, "controller id range must be within 1-%u and min <= max",
			TGT_CNTLID_MAX);
		return -EINVAL;
	}
	return 0;
}

static void subsys_apply(struct subsys *s, const struct tgt_subsys_params *p, uint32_t mask)
{
	if (mask & TGT_SUBSYS_SET_SERIAL) {
		if (p->serial && *p->serial)
			snprintf(s->serial, sizeof(s->serial), "%s", p->serial);
		else
			subsys_default_serial(s);
	}
	if (mask & TGT_SUBSYS_SET_MODEL)
		snprintf(s->model, sizeof(s->model), "%s",
			 p->model && *p->model ? p->model : TGT_DEFAULT_MODEL);
	if (mask & TGT_SUBSYS_SET_FIRMWARE)
		snprintf(s->firmware, sizeof(s->firmware), "%s",
			 p->firmware && *p->firmware ? p->firmware : TGT_DEFAULT_FIRMWARE);
	if (mask & TGT_SUBSYS_SET_OUI)
		s->ieee_oui = p->ieee_oui;
	if (mask & TGT_SUBSYS_SET_CNTLID) {
		s->cntlid_min = p->cntlid_min ? p->cntlid_min : 1;
		s->cntlid_max = p->cntlid_max ? p->cntlid_max : TGT_CNTLID_MAX;
		s->next_cntlid = s->cntlid_min;
	}
	if (mask & TGT_SUBSYS_SET_ALLOW_ANY)
		s->allow_any_host = p->allow_any_host;
}

#define SUBSYS_ALL_FIELDS 0x3f

static bool subsys_same(const struct subsys *s, const struct tgt_subsys_params *p)
{
	struct subsys tmp;

	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.nqn, sizeof(tmp.nqn), "%s", s->nqn);
	subsys_apply(&tmp, p, SUBSYS_ALL_FIELDS);
	return !strcmp(tmp.serial, s->serial) && !strcmp(tmp.model, s->model) &&
	       !strcmp(tmp.firmware, s->firmware) && tmp.ieee_oui == s->ieee_oui &&
	       tmp.cntlid_min == s->cntlid_min && tmp.cntlid_max == s->cntlid_max &&
	       tmp.allow_any_host == s->allow_any_host;
}

/* Create a subsystem (idempotent). */
int tgt_subsys_add(struct tgt *t, const struct tgt_subsys_params *p, char *err, size_t errlen)
{
	struct subsys *s, **pp;
	const char *why = NULL;
	int rc;

	if (!p || !p->nqn || fcnvme_nqn_validate(p->nqn, &why)) {
		tgt_err(err, errlen, "invalid subsystem NQN: %s", why ? why : "missing");
		return -EINVAL;
	}
	if (!strcmp(p->nqn, NVME_DISC_SUBSYS_NAME)) {
		tgt_err(err, errlen, "the discovery NQN is reserved");
		return -EINVAL;
	}
	if (!strcmp(p->nqn, t->disc->nqn)) {
		tgt_err(err, errlen, "%s is this target's discovery NQN (discovery_nqn)", p->nqn);
		return -EINVAL;
	}
	rc = subsys_check(p, SUBSYS_ALL_FIELDS, err, errlen);
	if (rc)
		return rc;
	s = subsys_find(t, p->nqn);
	if (s) {
		if (subsys_same(s, p))
			return 0;
		tgt_err(err, errlen, "subsystem %s exists with other settings", p->nqn);
		return -EEXIST;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t = t;
	snprintf(s->nqn, sizeof(s->nqn), "%s", p->nqn);
	subsys_apply(s, p, SUBSYS_ALL_FIELDS);
	for (pp = &t->subsys_list; *pp && strcmp((*pp)->nqn, s->nqn) < 0; pp = &(*pp)->next)
		;
	s->next = *pp;
	*pp = s;
	return 0;
}

/* Delete a subsystem (idempotent). */
int tgt_subsys_del(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	struct subsys *s = subsys_find(t, nqn), **pp;
	struct ctrl *c, *cn;
	struct ns *ns;
	int rc;

	if (!s)
		return 0;
	if (s == t->disc) {
		tgt_err(err, errlen, "the discovery subsystem cannot be deleted");
		return -EINVAL;
	}
	/* Its namespaces are gone for good: retire their identifiers. */
	for (ns = s->ns_list; ns; ns = ns->next) {
		rc = ns_id_forget(t, s->nqn, ns->nsid, err, errlen);
		if (rc)
			return rc;
	}
	for (pp = &t->subsys_list; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	s->next = NULL;
	if (s->nr_ports)
		tgt_discovery_changed(t, s, 0);
	s->nr_ports = 0;
	ns_destroy_all(s);
	for (c = s->ctrls; c; c = cn) {
		cn = c->next;
		ctrl_delete(c, "subsystem deleted");
	}
	/* Controllers still alive free the subsystem with the last one. */
	if (!s->ctrls)
		subsys_free(s);
	else
		s->deleted = true; /* see ctrl_free() */
	return 0;
}

/* Change the fields of a subsystem named in mask; turning allow_any_host
 * off tears down controllers of hosts not in the access list. */
int tgt_subsys_set(struct tgt *t, const struct tgt_subsys_params *p, uint32_t mask, char *err,
		   size_t errlen)
{
	struct subsys *s = p ? subsys_find(t, p->nqn) : NULL;
	int rc;

	if (!s || s == t->disc) {
		tgt_err(err, errlen, "no subsystem %s", p && p->nqn ? p->nqn : "");
		return -ENOENT;
	}
	rc = subsys_check(p, mask, err, errlen);
	if (rc)
		return rc;
	subsys_apply(s, p, mask);
	if (mask & TGT_SUBSYS_SET_ALLOW_ANY) {
		struct ctrl *c, *cn;

		/* Hosts that only got in through allow_any_host lose it. */
		for (c = s->ctrls; c; c = cn) {
			cn = c->next;
			if (!subsys_host_allowed(s, c->hostnqn, c->host_wwpn))
				ctrl_delete(c, "allow_any_host turned off");
		}
		tgt_discovery_changed(t, s, 0);
	}
	return 0;
}

static struct subsys *subsys_lookup(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	struct subsys *s = subsys_find(t, nqn);

	if (!s || s == t->disc) {
		tgt_err(err, errlen, "no subsystem %s", nqn ? nqn : "");
		return NULL;
	}
	return s;
}

/* Add hostnqn to the subsystem's allowed hosts (idempotent). */
int tgt_subsys_allow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			  size_t errlen)
{
	struct subsys *s = subsys_lookup(t, nqn, err, errlen);
	const char *why = NULL;
	int rc;

	if (!s)
		return -ENOENT;
	if (!hostnqn || fcnvme_nqn_validate(hostnqn, &why)) {
		tgt_err(err, errlen, "invalid host NQN: %s", why ? why : "missing");
		return -EINVAL;
	}
	rc = strv_insert(&s->hosts, &s->nr_hosts, hostnqn);
	if (rc)
		return rc < 0 ? rc : 0;
	tgt_discovery_changed(t, s, 0);
	return 0;
}

/* Remove hostnqn from the allowed hosts; its controllers are torn down. */
int tgt_subsys_disallow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			     size_t errlen)
{
	struct subsys *s = subsys_lookup(t, nqn, err, errlen);
	struct ctrl *c, *cn;
	char *gone;

	if (!s)
		return -ENOENT;
	if (!hostnqn)
		return -EINVAL;
	gone = strv_take(&s->hosts, &s->nr_hosts, hostnqn);
	if (!gone)
		return 0;
	free(gone);
	for (c = s->ctrls; c; c = cn) {
		cn = c->next;
		if (!subsys_host_allowed(s, c->hostnqn, c->host_wwpn))
			ctrl_delete(c, "host no longer allowed");
	}
	tgt_discovery_changed(t, s, 0);
	return 0;
}

/* Allow connections from a host WWPN (turns on the WWPN filter). */
int tgt_subsys_allow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err, size_t errlen)
{
	struct subsys *s = subsys_lookup(t, nqn, err, errlen);
	uint64_t *w;
	unsigned int i;

	if (!s)
		return -ENOENT;
	for (i = 0; i < s->nr_wwpns; i++)
		if (s->wwpns[i] == wwpn)
			return 0;
	w = realloc(s->wwpns, (s->nr_wwpns + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	w[s->nr_wwpns++] = wwpn;
	s->wwpns = w;
	tgt_discovery_changed(t, s, 0);
	return 0;
}

/* Remove a host WWPN; controllers from it are torn down. */
int tgt_subsys_disallow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err,
			     size_t errlen)
{
	struct subsys *s = subsys_lookup(t, nqn, err, errlen);
	struct ctrl *c, *cn;
	unsigned int i;

	if (!s)
		return -ENOENT;
	for (i = 0; i < s->nr_wwpns; i++)
		if (s->wwpns[i] == wwpn)
			break;
	if (i == s->nr_wwpns)
		return 0;
	for (; i + 1 < s->nr_wwpns; i++)
		s->wwpns[i] = s->wwpns[i + 1];
	s->nr_wwpns--;
	for (c = s->ctrls; c; c = cn) {
		cn = c->next;
		if (!subsys_host_allowed(s, c->hostnqn, c->host_wwpn))
			ctrl_delete(c, "host WWPN no longer allowed");
	}
	tgt_discovery_changed(t, s, 0);
	return 0;
}

/* Export the subsystem on a registered port (idempotent). */
int tgt_subsys_export(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen)
{
	struct subsys *s = subsys_lookup(t, nqn, err, errlen);
	unsigned int i;

	if (!s)
		return -ENOENT;
	if (!tgt_port_find(t, portid)) {
		tgt_err(err, errlen, "no port with id %u", portid);
		return -ENOENT;
	}
	if (subsys_exported_on(s, portid))
		return 0;
	if (s->nr_ports == TGT_MAX_PORTS)
		return -ENOSPC;
	for (i = s->nr_ports; i > 0 && s->portids[i - 1] > portid; i--)
		s->portids[i] = s->portids[i - 1];
	s->portids[i] = portid;
	s->nr_ports++;
	tgt_discovery_changed(t, s, 0);
	return 0;
}

/* Withdraw the subsystem from a port; controllers on it are torn down. */
int tgt_subsys_unexport(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen)
{
	struct subsys *s = subsys_lookup(t, nqn, err, errlen);
	struct tgt_port *p = tgt_port_find(t, portid);
	struct ctrl *c, *cn;
	unsigned int i;

	if (!s)
		return -ENOENT;
	if (!subsys_exported_on(s, portid))
		return 0;
	for (i = 0; i < s->nr_ports; i++)
		if (s->portids[i] == portid)
			break;
	for (; i + 1 < s->nr_ports; i++)
		s->portids[i] = s->portids[i + 1];
	s->nr_ports--;
	tgt_discovery_changed(t, s, portid);
	for (c = s->ctrls; c; c = cn) {
		cn = c->next;
		if (p && c->port == p)
			ctrl_delete(c, "subsystem no longer exported on the port");
	}
	return 0;
}

/* A namespace of s changed: every controller of s whose host it is not
 * masked from hears of it. */
void subsys_ns_changed(struct subsys *s, const struct ns *ns)
{
	struct ctrl *c;

	for (c = s->ctrls; c; c = c->next)
		if (ns_host_listed(ns, c->hostnqn))
			ctrl_ns_changed(c, ns->nsid);
}

/* Walk the subsystems in NQN order (the discovery subsystem excluded). */
int tgt_subsys_foreach(struct tgt *t, int (*cb)(const struct tgt_subsys_info *, void *), void *arg)
{
	struct tgt_subsys_info info;
	const struct ctrl *c;
	struct subsys *s;
	int rc;

	for (s = t->subsys_list; s; s = s->next) {
		memset(&info, 0, sizeof(info));
		info.nqn = s->nqn;
		info.serial = s->serial;
		info.model = s->model;
		info.firmware = s->firmware;
		info.ieee_oui = s->ieee_oui;
		info.cntlid_min = s->cntlid_min;
		info.cntlid_max = s->cntlid_max;
		info.allow_any_host = s->allow_any_host;
		info.hosts = (const char *const *)s->hosts;
		info.nr_hosts = s->nr_hosts;
		info.wwpns = s->wwpns;
		info.nr_wwpns = s->nr_wwpns;
		info.portids = s->portids;
		info.nr_ports = s->nr_ports;
		info.nr_ns = s->nr_ns;
		info.nr_ctrls = s->nr_ctrls;
		tgt_stats_add(&info.stats, &s->st_gone);
		for (c = s->ctrls; c; c = c->next)
			tgt_stats_io_ctrl(c, &info.stats);
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whether s has a volatile write cache to report: unless it has namespaces
 * and every one of them writes through. */
/* Whether every namespace (at least one) can run a fused Compare and
 * Write (cmd_fused.c): what Identify Controller's FUSES bit 0 says. */
bool subsys_compare_write(const struct subsys *s)
{
	const struct ns *ns;

	for (ns = s->ns_list; ns; ns = ns->next)
		if (!ns->be || !ns->be->ops->compare_write)
			return false;
	return s->ns_list != NULL;
}

bool subsys_write_cache(const struct subsys *s)
{
	const struct ns *ns;

	if (!s->ns_list)
		return true;
	for (ns = s->ns_list; ns; ns = ns->next)
		if (!ns->be || !ns->be->no_write_cache)
			return true;
	return false;
}
