// SPDX-License-Identifier: Apache-2.0
/*
 * conf_load(): read a libconfig file into a fresh struct conf and validate
 * all of it (types, ranges, names, NQNs, WWNs, references between sections,
 * duplicates), reporting the first problem as "FILE:LINE: reason". The
 * text is read and checked by conf_text.c (whole, text only, includes
 * expanded) and conf_syntax.c before libconfig parses it from memory. Scalar
 * settings come from the options tables in conf_opts.c; unknown settings are
 * errors, so a typo never goes unnoticed. No side effects.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <libconfig.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/nqn.h>
#include <fcnvme/suggest.h>
#include <fcnvme/wwn.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_text.h"
#include "hw/hw_name.h"

/* The list or array member name of g (NULL if absent); checks its kind. */
static int member_list(struct conf_parse *p, const config_setting_t *g, const char *name,
		       bool array, const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	*out = s;
	if (s == NULL)
		return 0;
	if (array ? !config_setting_is_array(s) : !config_setting_is_list(s))
		return conf_perr(p, s, -EINVAL, "%s must be %s", name,
				 array ? "an array [ ... ]" : "a list ( { ... } )");
	return 0;
}

/* "soft:..." (the name is checked apart), "pci:" and a PCI address,
 * "vmport:" and the absolute path of a softhba-vmport socket (what fits in
 * sun_path), or "/dev/uio" and digits. */
static bool dev_valid(const char *dev)
{
	const char *d;

	if (strncmp(dev, "soft:", 5) == 0)
		return true;
	if (strncmp(dev, "pci:", 4) == 0)
		return hw_pci_bdf_ok(dev + 4);
	if (strncmp(dev, "vmport:", 7) == 0)
		return dev[7] == '/' &&
		       strlen(dev + 7) < sizeof(((struct sockaddr_un *)0)->sun_path);
	if (strncmp(dev, "/dev/uio", 8) != 0 || dev[8] == '\0')
		return false;
	for (d = dev + 8; *d; d++)
		if (!isdigit((unsigned char)*d))
			return false;
	return true;
}

static int parse_port(struct conf_parse *p, const config_setting_t *g, struct conf_port *cp)
{
	static const char *const extra[] = { "cpus", NULL };
	const config_setting_t *cpus;
	int err, i, n;

	err = conf_opts_parse(p, g, conf_port_opts, extra, cp, "port");
	if (err)
		return err;
	cp->line = (int)config_setting_source_line(g);
	if (!dev_valid(cp->dev))
		return conf_perr(
			p, config_setting_get_member(g, "dev"), -EINVAL,
			"port %s: dev \"%s\" must be soft:FABRIC, /dev/uioN, pci:DDDD:BB:DD.F or "
			"vmport:/SOCKET",
			cp->name, cp->dev);
	if (strcmp(cp->dev, "soft:") == 0)
		return conf_perr(p, config_setting_get_member(g, "dev"), -EINVAL,
				 "port %s: soft: needs a fabric name", cp->name);
	if (strncmp(cp->dev, "soft:", 5) == 0 && !hw_fabric_name_ok(cp->dev + 5))
		return conf_perr(p, config_setting_get_member(g, "dev"), -EINVAL,
				 "port %s: fabric name \"%s\": use 1..%d letters, digits, '-', '_' "
				 "or '.', not starting with '.'",
				 cp->name, cp->dev + 5, HW_FABRIC_NAME_MAX);
	if (cp->mdts & (cp->mdts - 1))
		return conf_perr(p, config_setting_get_member(g, "mdts"), -EINVAL,
				 "port %s: mdts = %u is not a power of two (Identify MDTS "
				 "states powers of two)",
				 cp->name, cp->mdts);
	err = member_list(p, g, "cpus", true, &cpus);
	if (err || cpus == NULL)
		return err;
	n = config_setting_length(cpus);
	if (n > cp->nr_hwq)
		return conf_perr(p, cpus, -EINVAL, "port %s: %d CPUs for %u hw queues", cp->name, n,
				 cp->nr_hwq);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(cpus, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_INT || config_setting_get_int(e) < 0 ||
		    config_setting_get_int(e) > 4095)
			return conf_perr(p, cpus, -EINVAL,
					 "port %s: cpus must be CPU numbers 0..4095", cp->name);
		cp->cpus[i] = config_setting_get_int(e);
	}
	cp->nr_cpus = (unsigned int)n;
	return 0;
}

/*
 * A relative backing-file path is taken from the directory of the file that
 * holds the setting (not the working directory, "/" under systemd) and
 * stored absolute; text without a file has no directory to take it from.
 */
static int resolve_path(struct conf_parse *p, const config_setting_t *s, char **path)
{
	char dir[PATH_MAX], real[PATH_MAX], *slash, *abs = NULL;
	const char *file = NULL;
	int line;

	if ((*path)[0] == '/')
		return 0;
	if (p->text != NULL)
		conf_text_where(p->text, (int)config_setting_source_line(s), &file, &line);
	if (file == NULL || (p->text->string && file == p->text->files[0]))
		return conf_perr(p, s, -EINVAL, "path \"%s\" is relative; give an absolute path",
				 *path);
	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (realpath(dir, real) == NULL)
		return conf_perr(p, s, -errno,
				 "path \"%s\": cannot resolve the directory of %s: %s", *path, file,
				 strerror(errno));
	if (asprintf(&abs, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", *path) < 0)
		return -ENOMEM;
	free(*path);
	*path = abs;
	return 0;
}

/* hosts = [ "HOSTNQN", ... ] of a namespace: valid NQNs, no repeats. */
static int parse_ns_hosts(struct conf_parse *p, const config_setting_t *g, struct conf_ns *ns)
{
	const config_setting_t *a;
	const char *v, *why;
	int err, i, n;

	err = member_list(p, g, "hosts", true, &a);
	if (err || a == NULL || (n = config_setting_length(a)) == 0)
		return err;
	ns->hosts = calloc((size_t)n, sizeof(*ns->hosts));
	if (ns->hosts == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v = config_setting_get_string(config_setting_get_elem(a, (unsigned int)i));
		why = NULL;
		if (v == NULL)
			return conf_perr(p, a, -EINVAL, "namespace: hosts must hold strings");
		if (fcnvme_nqn_validate(v, &why) != 0)
			return conf_perr(p, a, -EINVAL, "namespace: host \"%s\": %s", v,
					 why != NULL ? why : "invalid NQN");
		if (conf_ns_has_host(ns, v))
			return conf_perr(p, a, -EINVAL, "namespace: host %s listed twice", v);
		ns->hosts[ns->nr_hosts] = strdup(v);
		if (ns->hosts[ns->nr_hosts] == NULL)
			return -ENOMEM;
		ns->nr_hosts++;
	}
	return 0;
}

static int parse_ns(struct conf_parse *p, const config_setting_t *g, struct conf_ns *ns)
{
	static const char *const extra[] = { "hosts", NULL };
	int err;

	err = conf_opts_parse(p, g, conf_ns_opts, extra, ns, "namespace");
	if (err)
		return err;
	err = parse_ns_hosts(p, g, ns);
	if (err)
		return err;
	if (ns->path != NULL &&
	    (err = resolve_path(p, config_setting_get_member(g, "path"), &ns->path)))
		return err;
	ns->line = (int)config_setting_source_line(g);
	if (ns->lba_size != 512 && ns->lba_size != 4096)
		return conf_perr(p, g, -EINVAL, "namespace: lba_size must be 512 or 4096");
	if (ns->backend == TGT_BACKEND_FILE && ns->path == NULL)
		return conf_perr(p, g, -EINVAL, "namespace: backend file needs path");
	if (ns->backend != TGT_BACKEND_FILE && ns->path != NULL)
		return conf_perr(p, g, -EINVAL, "namespace: path is only for backend file");
	if (ns->create && (ns->backend != TGT_BACKEND_FILE || ns->size == 0 || ns->readonly))
		return conf_perr(p, g, -EINVAL,
				 "namespace: create is for a writable file namespace with a size");
	if (ns->backend == TGT_BACKEND_RBD && (!ns->rbd.pool[0] || !ns->rbd.image[0]))
		return conf_perr(p, g, -EINVAL, "namespace: backend rbd needs pool and image");
	if (ns->backend != TGT_BACKEND_RBD &&
	    (ns->rbd.pool[0] || ns->rbd.image[0] || ns->rbd.rados_ns[0] || ns->rbd.conf[0] ||
	     ns->rbd.client_id[0] || ns->rbd.keyring[0] || ns->rbd.write_cache ||
	     ns->rbd.op_timeout_s))
		return conf_perr(p, g, -EINVAL,
				 "namespace: pool, image, rados_namespace, ceph_conf, ceph_id, "
				 "keyring, write_cache and op_timeout are only for backend rbd");
	if (ns->backend != TGT_BACKEND_FILE && ns->backend != TGT_BACKEND_RBD && ns->size == 0)
		return conf_perr(p, g, -EINVAL, "namespace: backend %s needs size",
				 conf_backend_names[ns->backend]);
	if (ns->size % ns->lba_size != 0)
		return conf_perr(p, g, -EINVAL, "namespace: size is not a multiple of lba_size %u",
				 ns->lba_size);
	return 0;
}

static int parse_str_array(struct conf_parse *p, const config_setting_t *a, bool nqn,
			   struct conf_subsys *s)
{
	int i, n = config_setting_length(a);

	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(a, (unsigned)i);
		const char *v = config_setting_get_string(e);
		const char *why = NULL;
		unsigned int k;

		if (v == NULL)
			return conf_perr(p, a, -EINVAL, "%s must hold strings",
					 config_setting_name(a));
		if (nqn) {
			if (fcnvme_nqn_validate(v, &why) != 0)
				return conf_perr(p, a, -EINVAL, "host \"%s\": %s", v,
						 why != NULL ? why : "invalid NQN");
			for (k = 0; k < s->nr_hosts; k++)
				if (strcmp(s->hosts[k], v) == 0)
					return conf_perr(p, a, -EINVAL, "host %s listed twice", v);
			s->hosts[s->nr_hosts] = strdup(v);
			if (s->hosts[s->nr_hosts] == NULL)
				return -ENOMEM;
			s->nr_hosts++;
		} else {
			if (strlen(v) >= CONF_NAME_MAX || !conf_name_valid(v))
				return conf_perr(p, a, -EINVAL, "\"%s\" is not a port name", v);
			for (k = 0; k < s->nr_ports; k++)
				if (strcmp(s->ports[k], v) == 0)
					return conf_perr(p, a, -EINVAL, "port %s listed twice", v);
			strcpy(s->ports[s->nr_ports++], v);
		}
	}
	return 0;
}

/* host_wwpns = [ "0x...", ... ]: WWPNs in any usual form, no repeats. */
static int parse_wwpns(struct conf_parse *p, const config_setting_t *a, struct conf_subsys *s)
{
	int i, n = config_setting_length(a);
	unsigned int k;

	for (i = 0; i < n; i++) {
		const char *v =
			config_setting_get_string(config_setting_get_elem(a, (unsigned int)i));
		uint64_t w;

		if (v == NULL || fcnvme_wwn_parse(v, &w) != 0)
			return conf_perr(p, a, -EINVAL, "host_wwpns: \"%s\" is not a WWPN",
					 v != NULL ? v : "(not a string)");
		for (k = 0; k < s->nr_wwpns; k++)
			if (s->wwpns[k] == w)
				return conf_perr(p, a, -EINVAL, "host_wwpns: %s listed twice", v);
		s->wwpns[s->nr_wwpns++] = w;
	}
	return 0;
}

/* The lowest NSID not used in s (1-based), or 0 if all are. */
static uint32_t free_nsid(const struct conf_subsys *s)
{
	uint32_t id;

	for (id = 1; id <= TGT_MAX_NSID; id++)
		if (conf_ns_find(s, id) == NULL)
			return id;
	return 0;
}

static int parse_subsys(struct conf_parse *p, const config_setting_t *g, struct conf_subsys *s)
{
	static const char *const extra[] = { "hosts", "host_wwpns", "ports", "namespaces", NULL };
	const config_setting_t *hosts, *wwpns, *ports, *nss;
	unsigned int i, k;
	int err, n;

	err = conf_opts_parse(p, g, conf_subsys_opts, extra, s, "subsystem");
	if (err)
		return err;
	s->line = (int)config_setting_source_line(g);
	if ((s->cntlid_min != 0 || s->cntlid_max != 0) &&
	    (s->cntlid_min == 0 || s->cntlid_max < s->cntlid_min))
		return conf_perr(p, g, -EINVAL,
				 "subsystem %s: give cntlid_min <= cntlid_max, both 1..65519",
				 s->nqn);
	if ((err = member_list(p, g, "hosts", true, &hosts)) ||
	    (err = member_list(p, g, "host_wwpns", true, &wwpns)) ||
	    (err = member_list(p, g, "ports", true, &ports)) ||
	    (err = member_list(p, g, "namespaces", false, &nss)))
		return err;
	if (hosts != NULL && (n = config_setting_length(hosts)) > 0) {
		s->hosts = calloc((size_t)n, sizeof(*s->hosts));
		if (s->hosts == NULL)
			return -ENOMEM;
		if ((err = parse_str_array(p, hosts, true, s)))
			return err;
	}
	if (wwpns != NULL && (n = config_setting_length(wwpns)) > 0) {
		s->wwpns = calloc((size_t)n, sizeof(*s->wwpns));
		if (s->wwpns == NULL)
			return -ENOMEM;
		if ((err = parse_wwpns(p, wwpns, s)))
			return err;
	}
	if (ports != NULL && (n = config_setting_length(ports)) > 0) {
		s->ports = calloc((size_t)n, sizeof(*s->ports));
		if (s->ports == NULL)
			return -ENOMEM;
		if ((err = parse_str_array(p, ports, false, s)))
			return err;
	}
	if (nss == NULL || (n = config_setting_length(nss)) == 0)
		return 0;
	s->ns = calloc((size_t)n, sizeof(*s->ns));
	if (s->ns == NULL)
		return -ENOMEM;
	for (i = 0; i < (unsigned int)n; i++) {
		const config_setting_t *e = config_setting_get_elem(nss, i);

		err = parse_ns(p, e, &s->ns[i]);
		s->nr_ns = i + 1;
		if (err)
			return err;
		for (k = 0; k < i; k++)
			if (s->ns[i].nsid != 0 && s->ns[k].nsid == s->ns[i].nsid)
				return conf_perr(p, e, -EINVAL, "subsystem %s: nsid %u used twice",
						 s->nqn, s->ns[i].nsid);
	}
	/* Namespaces without nsid get the lowest free ones, in file order. */
	for (i = 0; i < s->nr_ns; i++) {
		if (s->ns[i].nsid != 0)
			continue;
		s->ns[i].nsid = free_nsid(s);
	}
	return 0;
}

static int parse_ana(struct conf_parse *p, const config_setting_t *g, struct conf_ana *a)
{
	static const char *const extra[] = { "ports", NULL };
	const config_setting_t *ps;
	int err, n, i;

	err = conf_opts_parse(p, g, conf_ana_opts, extra, a, "ANA group");
	if (err)
		return err;
	a->line = (int)config_setting_source_line(g);
	ps = config_setting_get_member(g, "ports");
	if (ps == NULL)
		return 0;
	if (!config_setting_is_group(ps))
		return conf_perr(p, ps, -EINVAL,
				 "ANA group %u: ports must be a group { PORT = \"STATE\"; }",
				 a->grpid);
	n = config_setting_length(ps);
	if (n == 0)
		return 0;
	a->ports = calloc((size_t)n, sizeof(*a->ports));
	if (a->ports == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(ps, (unsigned)i);
		const char *v = config_setting_get_string(e);
		int st = v != NULL ? conf_enum_lookup(conf_ana_state_names, v) : -1;

		if (st < 0)
			return conf_perr(p, e, -EINVAL,
					 "ANA group %u: state of port %s must be an ANA state name",
					 a->grpid, config_setting_name(e));
		if (strlen(config_setting_name(e)) >= CONF_NAME_MAX)
			return conf_perr(p, e, -EINVAL, "port name too long");
		strcpy(a->ports[i].port, config_setting_name(e));
		a->ports[i].state = (uint8_t)st;
		a->nr_ports = (unsigned int)i + 1;
	}
	return 0;
}

/* A referral's ports = [ "PORT", ... ]: port names, at least one, no
 * repeats (whether they exist is checked with the other references). */
static int parse_referral_ports(struct conf_parse *p, const config_setting_t *g,
				struct conf_referral *r)
{
	const config_setting_t *a;
	const char *v;
	unsigned int k;
	int err, i, n;

	err = member_list(p, g, "ports", true, &a);
	if (err)
		return err;
	if (a == NULL || (n = config_setting_length(a)) == 0)
		return conf_perr(p, g, -EINVAL,
				 "referral %s needs ports = [ \"PORT\", ... ] (the ports whose "
				 "discovery log lists it)",
				 r->name);
	if (n > TGT_MAX_PORTS)
		return conf_perr(p, a, -EINVAL, "referral %s: more than %d ports", r->name,
				 TGT_MAX_PORTS);
	r->ports = calloc((size_t)n, sizeof(*r->ports));
	if (r->ports == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v = config_setting_get_string(config_setting_get_elem(a, (unsigned int)i));
		if (v == NULL || strlen(v) >= CONF_NAME_MAX || !conf_name_valid(v))
			return conf_perr(p, a, -EINVAL, "referral %s: \"%s\" is not a port name",
					 r->name, v != NULL ? v : "(not a string)");
		for (k = 0; k < r->nr_ports; k++)
			if (strcmp(r->ports[k], v) == 0)
				return conf_perr(p, a, -EINVAL, "referral %s: port %s listed twice",
						 r->name, v);
		strcpy(r->ports[r->nr_ports++], v);
	}
	return 0;
}

/* A referral's hosts = [ "HOSTNQN", ... ]: valid NQNs, no repeats. */
static int parse_referral_hosts(struct conf_parse *p, const config_setting_t *g,
				struct conf_referral *r)
{
	const config_setting_t *a;
	const char *v, *why;
	unsigned int k;
	int err, i, n;

	err = member_list(p, g, "hosts", true, &a);
	if (err || a == NULL || (n = config_setting_length(a)) == 0)
		return err;
	r->hosts = calloc((size_t)n, sizeof(*r->hosts));
	if (r->hosts == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v = config_setting_get_string(config_setting_get_elem(a, (unsigned int)i));
		why = NULL;
		if (v == NULL)
			return conf_perr(p, a, -EINVAL, "referral %s: hosts must hold strings",
					 r->name);
		if (fcnvme_nqn_validate(v, &why) != 0)
			return conf_perr(p, a, -EINVAL, "referral %s: host \"%s\": %s", r->name, v,
					 why != NULL ? why : "invalid NQN");
		for (k = 0; k < r->nr_hosts; k++)
			if (strcmp(r->hosts[k], v) == 0)
				return conf_perr(p, a, -EINVAL, "referral %s: host %s listed twice",
						 r->name, v);
		r->hosts[r->nr_hosts] = strdup(v);
		if (r->hosts[r->nr_hosts] == NULL)
			return -ENOMEM;
		r->nr_hosts++;
	}
	return 0;
}

/* One element of referrals: name, traddr (kept normalised), portid, ports
 * and hosts. */
static int parse_referral(struct conf_parse *p, const config_setting_t *g, struct conf_referral *r)
{
	static const char *const extra[] = { "ports", "hosts", NULL };
	int err;

	err = conf_opts_parse(p, g, conf_referral_opts, extra, r, "referral");
	if (err)
		return err;
	r->line = (int)config_setting_source_line(g);
	if (fcnvme_traddr_parse(r->traddr, &r->wwnn, &r->wwpn) != 0)
		return conf_perr(p, config_setting_get_member(g, "traddr"), -EINVAL,
				 "referral %s: traddr \"%s\" is not an FC address "
				 "(nn-0xWWNN:pn-0xWWPN, 16 hex digits each)",
				 r->name, r->traddr);
	fcnvme_traddr_format(r->wwnn, r->wwpn, r->traddr, sizeof(r->traddr));
	err = parse_referral_ports(p, g, r);
	if (err)
		return err;
	return parse_referral_hosts(p, g, r);
}

/* Referrals: unique names, ports that exist, none pointing at a port it
 * is listed on (a host would be referred back to where it is). */
static int check_referrals(struct conf_parse *p, struct conf *c)
{
	char where[300];
	unsigned int i, k;

	for (i = 0; i < c->nr_referrals; i++) {
		const struct conf_referral *r = &c->referrals[i];

		for (k = 0; k < i; k++)
			if (strcmp(c->referrals[k].name, r->name) == 0)
				return conf_perr_at(p, r->line, -EINVAL,
						    "referral %s defined twice (first at %s)",
						    r->name,
						    conf_where(p, c->referrals[k].line, r->line,
							       where, sizeof(where)));
		for (k = 0; k < r->nr_ports; k++) {
			const struct conf_port *cp = conf_port_find(c, r->ports[k]);

			if (cp == NULL)
				return conf_perr_at(p, r->line, -EINVAL, "referral %s: no port %s",
						    r->name, r->ports[k]);
			if (cp->wwnn == r->wwnn && cp->wwpn == r->wwpn)
				return conf_perr_at(p, r->line, -EINVAL,
						    "referral %s: traddr %s is port %s itself, "
						    "which lists it",
						    r->name, r->traddr, cp->name);
		}
	}
	return 0;
}

/* Cross-section checks: unique names and ids, references resolve. */
static int check_refs(struct conf_parse *p, struct conf *c)
{
	char where[300];
	unsigned int i, k;

	for (i = 0; i < c->nr_ports; i++) {
		struct conf_port *a = &c->ports[i];

		if (a->portid == 0) {
			uint16_t id = 1;

			for (k = 0; k < c->nr_ports; k++)
				if (c->ports[k].portid >= id)
					id = (uint16_t)(c->ports[k].portid + 1);
			a->portid = id;
		}
		for (k = 0; k < i; k++) {
			struct conf_port *b = &c->ports[k];

			if (strcmp(a->name, b->name) == 0)
				return conf_perr_at(
					p, a->line, -EINVAL, "port %s defined twice (first at %s)",
					a->name,
					conf_where(p, b->line, a->line, where, sizeof(where)));
			if (a->wwpn == b->wwpn)
				return conf_perr_at(p, a->line, -EINVAL,
						    "port %s has the WWPN of port %s", a->name,
						    b->name);
			if (a->portid == b->portid)
				return conf_perr_at(p, a->line, -EINVAL,
						    "port %s has the portid of port %s", a->name,
						    b->name);
		}
	}
	for (i = 0; i < c->nr_ana; i++) {
		for (k = 0; k < i; k++)
			if (c->ana[k].grpid == c->ana[i].grpid)
				return conf_perr_at(p, c->ana[i].line, -EINVAL,
						    "ANA group %u defined twice",

						    c->ana[i].grpid);
		for (k = 0; k < c->ana[i].nr_ports; k++)
			if (conf_port_find(c, c->ana[i].ports[k].port) == NULL)
				return conf_perr_at(p, c->ana[i].line, -EINVAL,
						    "ANA group %u: no port %s",

						    c->ana[i].grpid, c->ana[i].ports[k].port);
	}
	for (i = 0; i < c->nr_subsys; i++) {
		struct conf_subsys *s = &c->subsys[i];

		for (k = 0; k < i; k++)
			if (strcmp(c->subsys[k].nqn, s->nqn) == 0)
				return conf_perr_at(p, s->line, -EINVAL,
						    "subsystem %s defined twice", s->nqn);
		for (k = 0; k < s->nr_ports; k++)
			if (conf_port_find(c, s->ports[k]) == NULL)
				return conf_perr_at(p, s->line, -EINVAL, "subsystem %s: no port %s",
						    s->nqn, s->ports[k]);
		for (k = 0; k < s->nr_ns; k++) {
			if (s->ns[k].nsid == 0)
				return conf_perr_at(p, s->ns[k].line, -EINVAL,
						    "subsystem %s: no free nsid", s->nqn);
			if (s->ns[k].anagrpid != 1 && conf_ana_find(c, s->ns[k].anagrpid) == NULL)
				return conf_perr_at(p, s->ns[k].line, -EINVAL,
						    "namespace %u: ANA group %u is not defined",

						    s->ns[k].nsid, s->ns[k].anagrpid);
		}
	}
	return check_referrals(p, c);
}

/* Parse a list member of root into an array of elements of size sz. */
static int parse_section(struct conf_parse *p, const config_setting_t *root, const char *name,
			 size_t sz, void **arr, unsigned int *nr,
			 int (*fn)(struct conf_parse *, const config_setting_t *, void *))
{
	const config_setting_t *l;
	int err, n, i, first = 0;

	err = member_list(p, root, name, false, &l);
	if (err || l == NULL || (n = config_setting_length(l)) == 0)
		return err;
	*arr = calloc((size_t)n, sz);
	if (*arr == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		*nr = (unsigned int)i + 1;
		err = fn(p, config_setting_get_elem(l, (unsigned)i), (char *)*arr + (size_t)i * sz);
		if (err == -ENOMEM || (err && !conf_keep_going(p)))
			return err;
		if (err && !first)
			first = err;
	}
	return first;
}

static int port_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return parse_port(p, g, e);
}

static int subsys_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return parse_subsys(p, g, e);
}

static int ana_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return parse_ana(p, g, e);
}

static int referral_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return parse_referral(p, g, e);
}

static int parse_root(struct conf_parse *p, config_t *cfg, struct conf *c)
{
	static const char *const top[] = { "daemon",  "ports",	   "ana_groups", "subsystems",
					   "cluster", "referrals", NULL };
	const config_setting_t *root = config_root_setting(cfg);
	const config_setting_t *dm;
	int err, i, n, first = 0;

/* Stop at the first error, or (conf_load_all) remember it and go on with
 * the next part; out of memory always stops. */
#define ROOT_ERR(e)                                               \
	do {                                                      \
		int e_ = (e);                                     \
		if (e_ == -ENOMEM || (e_ && !conf_keep_going(p))) \
			return e_;                                \
		if (e_ && !first)                                 \
			first = e_;                               \
	} while (0)

	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);

		const char *near;

		if (conf_enum_lookup(top, config_setting_name(s)) >= 0)
			continue;
		near = fcnvme_suggest(config_setting_name(s), top, 5);
		if (near)
			ROOT_ERR(conf_perr(p, s, -EINVAL, "unknown section %s (did you mean %s?)",
					   config_setting_name(s), near));
		else
			ROOT_ERR(
				conf_perr(p, s, -EINVAL,
					  "unknown section %s (expected daemon, ports, ana_groups, "
					  "subsystems, cluster, referrals)",
					  config_setting_name(s)));
	}
	dm = config_setting_get_member(root, "daemon");
	if (dm != NULL)
		ROOT_ERR(conf_opts_parse(p, dm, conf_daemon_opts, NULL, c, "daemon"));
	dm = config_setting_get_member(root, "cluster");
	if (dm != NULL) {
		err = conf_opts_parse(p, dm, conf_cluster_opts, NULL, &c->cluster, "cluster");
		if (!err && c->cluster.dead_ms < 2 * c->cluster.heartbeat_ms)
			err = conf_perr(p, dm, -EINVAL,
					"cluster: dead_ms must be at least twice heartbeat_ms");
		ROOT_ERR(err);
		c->cluster.line = (int)config_setting_source_line(dm);
		c->has_cluster = true;
	}
	ROOT_ERR(parse_section(p, root, "ports", sizeof(struct conf_port), (void **)&c->ports,
			       &c->nr_ports, port_fn));
	ROOT_ERR(parse_section(p, root, "ana_groups", sizeof(struct conf_ana), (void **)&c->ana,
			       &c->nr_ana, ana_fn));
	ROOT_ERR(parse_section(p, root, "subsystems", sizeof(struct conf_subsys),
			       (void **)&c->subsys, &c->nr_subsys, subsys_fn));
	ROOT_ERR(parse_section(p, root, "referrals", sizeof(struct conf_referral),
			       (void **)&c->referrals, &c->nr_referrals, referral_fn));
#undef ROOT_ERR
	/* References between sections only make sense once each parsed. */
	return first ? first : check_refs(p, c);
}

/* Parse and validate text already read and checked by conf_text. */
static int load(struct conf_text *t, const char *name, struct conf **out, char *err, size_t errlen,
		char *all, size_t alllen)
{
	struct conf_parse p = {
		.name = name, .text = t, .err = err, .errlen = errlen, .all = all, .alllen = alllen
	};
	struct conf *c;
	config_t cfg;
	int ret;

	ret = conf_syntax_check(t, err, errlen);
	if (ret)
		return ret;
	config_init(&cfg);
	if (config_read_string(&cfg, t->buf) != CONFIG_TRUE) {
		ret = conf_text_error(t, config_error_line(&cfg), -EINVAL, err, errlen, "%s",
				      config_error_text(&cfg));
		goto out_destroy_cfg;
	}
	c = conf_new();
	if (c == NULL) {
		ret = -ENOMEM;
		goto out_destroy_cfg;
	}
	ret = parse_root(&p, &cfg, c);
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", name);
		conf_free(c);
		goto out_destroy_cfg;
	}
	*out = c;
out_destroy_cfg:
	config_destroy(&cfg);
	return ret;
}

/* Parse and validate a configuration file. */
int conf_load(const char *path, struct conf **out, char *err, size_t errlen)
{
	struct conf_text t;
	int ret;

	ret = conf_text_read(&t, path, err, errlen);
	if (ret)
		return ret;
	ret = load(&t, path, out, err, errlen, NULL, 0);
	conf_text_free(&t);
	return ret;
}

/* Parse and validate a configuration file, reporting every error. */
int conf_load_all(const char *path, struct conf **out, char *all, size_t alllen)
{
	struct conf_text t;
	char err[512];
	int ret;

	if (alllen)
		all[0] = '\0';
	ret = conf_text_read(&t, path, err, sizeof(err));
	if (ret == 0) {
		ret = load(&t, path, out, err, sizeof(err), all, alllen);
		conf_text_free(&t);
	}
	/* Errors before the parse (reading, syntax) come one at a time. */
	if (ret && alllen && all[0] == '\0')
		snprintf(all, alllen, "%s\n", err);
	return ret;
}

/* Parse and validate configuration text. */
int conf_load_string(const char *text, const char *name, struct conf **out, char *err,
		     size_t errlen)
{
	return conf_load_buffer(text, strlen(text), name, out, err, errlen);
}

/* Parse and validate len bytes of configuration. */
int conf_load_buffer(const char *text, size_t len, const char *name, struct conf **out, char *err,
		     size_t errlen)
{
	struct conf_text t;
	int ret;

	ret = conf_text_string(&t, text, len, name, err, errlen);
	if (ret)
		return ret;
	ret = load(&t, name, out, err, errlen, NULL, 0);
	conf_text_free(&t);
	return ret;
}
