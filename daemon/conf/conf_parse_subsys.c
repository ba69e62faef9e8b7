// SPDX-License-Identifier: Apache-2.0
/*
 * conf_parse_subsys(): one element of subsystems = ( ... ): the options of
 * conf_subsys_opts, allowed hosts and WWPNs, exporting ports and the
 * namespaces (conf_parse_ns.c), numbering those without an nsid. Part of
 * conf_load() (conf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include <fcnvme/wwn.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"

/* ports = [ "PORT", ... ] of a subsystem: port names, no repeats. */
static int parse_ports(struct conf_parse *p, const config_setting_t *a, struct conf_subsys *s)
{
	int i, n = config_setting_length(a);

	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(a, (unsigned)i);
		const char *v = config_setting_get_string(e);
		unsigned int k;

		if (v == NULL)
			return conf_perr(p, a, -EINVAL, "%s must hold strings",
					 config_setting_name(a));
		if (strlen(v) >= CONF_NAME_MAX || !conf_name_valid(v))
			return conf_perr(p, a, -EINVAL, "\"%s\" is not a port name", v);
		for (k = 0; k < s->nr_ports; k++)
			if (strcmp(s->ports[k], v) == 0)
				return conf_perr(p, a, -EINVAL, "port %s listed twice", v);
		strcpy(s->ports[s->nr_ports++], v);
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

int conf_parse_subsys(struct conf_parse *p, const config_setting_t *g, struct conf_subsys *s)
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
	if ((err = conf_member_list(p, g, "hosts", true, &hosts)) ||
	    (err = conf_member_list(p, g, "host_wwpns", true, &wwpns)) ||
	    (err = conf_member_list(p, g, "ports", true, &ports)) ||
	    (err = conf_member_list(p, g, "namespaces", false, &nss)))
		return err;
	if ((err = conf_parse_hosts(p, hosts, "", &s->hosts, &s->nr_hosts)))
		return err;
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
		if ((err = parse_ports(p, ports, s)))
			return err;
	}
	if (nss == NULL || (n = config_setting_length(nss)) == 0)
		return 0;
	s->ns = calloc((size_t)n, sizeof(*s->ns));
	if (s->ns == NULL)
		return -ENOMEM;
	for (i = 0; i < (unsigned int)n; i++) {
		const config_setting_t *e = config_setting_get_elem(nss, i);

		err = conf_parse_ns(p, e, &s->ns[i]);
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
