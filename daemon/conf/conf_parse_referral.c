// SPDX-License-Identifier: Apache-2.0
/*
 * conf_parse_referral(): one element of referrals = ( ... ): the options of
 * conf_referral_opts, the FC address, the ports whose discovery log lists
 * it and the hosts that see it. Part of conf_load() (conf.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/wwn.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"

/* A referral's ports = [ "PORT", ... ]: port names, at least one, no
 * repeats (whether they exist is checked with the other references). */
static int parse_referral_ports(struct conf_parse *p, const config_setting_t *g,
				struct conf_referral *r)
{
	const config_setting_t *a;
	const char *v;
	unsigned int k;
	int err, i, n;

	err = conf_member_list(p, g, "ports", true, &a);
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

/* One element of referrals: name, traddr (kept normalised), portid, ports
 * and hosts. */
int conf_parse_referral(struct conf_parse *p, const config_setting_t *g, struct conf_referral *r)
{
	static const char *const extra[] = { "ports", "hosts", NULL };
	char what[CONF_NAME_MAX + 16];
	const config_setting_t *a;
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
	err = conf_member_list(p, g, "hosts", true, &a);
	if (err)
		return err;
	snprintf(what, sizeof(what), "referral %s: ", r->name);
	return conf_parse_hosts(p, a, what, &r->hosts, &r->nr_hosts);
}
