// SPDX-License-Identifier: Apache-2.0
/*
 * conf_parse_hosts(): a hosts = [ "HOSTNQN", ... ] array of a configuration
 * file, as subsystems, namespaces and referrals have it: strings, valid NQNs
 * (fcnvme_nqn_validate), none twice. Part of conf_load() (conf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include <fcnvme/nqn.h>

#include "conf_opts.h"
#include "conf_parse_priv.h"

int conf_parse_hosts(struct conf_parse *p, const config_setting_t *a, const char *what,
		     char ***hosts, unsigned int *nr)
{
	const char *v, *why;
	unsigned int k;
	int i, n;

	if (a == NULL || (n = config_setting_length(a)) == 0)
		return 0;
	*hosts = calloc((size_t)n, sizeof(**hosts));
	if (*hosts == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v = config_setting_get_string(config_setting_get_elem(a, (unsigned int)i));
		why = NULL;
		if (v == NULL)
			return conf_perr(p, a, -EINVAL, "%shosts must hold strings", what);
		if (fcnvme_nqn_validate(v, &why) != 0)
			return conf_perr(p, a, -EINVAL, "%shost \"%s\": %s", what, v,
					 why != NULL ? why : "invalid NQN");
		for (k = 0; k < *nr; k++)
			if (strcmp((*hosts)[k], v) == 0)
				return conf_perr(p, a, -EINVAL, "%shost %s listed twice", what, v);
		(*hosts)[*nr] = strdup(v);
		if ((*hosts)[*nr] == NULL)
			return -ENOMEM;
		(*nr)++;
	}
	return 0;
}
