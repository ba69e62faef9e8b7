// SPDX-License-Identifier: Apache-2.0
/*
 * conf_check_refs(): the checks of conf_load() (conf.c) that span sections,
 * made once every section parsed: unique names and ids, default port ids,
 * references to ports and ANA groups that exist, referrals that do not
 * point back at the port that lists them.
 */
#include <errno.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"

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
int conf_check_refs(struct conf_parse *p, struct conf *c)
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
		if (strcmp(s->nqn, c->discovery_nqn) == 0)
			return conf_perr_at(
				p, s->line, -EINVAL,
				"subsystem %s: that is the discovery NQN (discovery_nqn)", s->nqn);
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
