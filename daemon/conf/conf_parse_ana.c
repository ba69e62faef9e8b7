// SPDX-License-Identifier: Apache-2.0
/*
 * conf_parse_ana(): one element of ana_groups = ( ... ): the options of
 * conf_ana_opts and the per-port states. Part of conf_load() (conf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"

int conf_parse_ana(struct conf_parse *p, const config_setting_t *g, struct conf_ana *a)
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
