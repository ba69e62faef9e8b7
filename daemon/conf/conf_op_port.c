// SPDX-License-Identifier: Apache-2.0
/*
 * conf_op_port_*(): create, delete, enable and disable ports, through
 * port.h, recording each change in d->conf (the one mutation path: see
 * conf_ops.h).
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
	cp = conf_ops_arr_push(&d->conf->ports, &d->conf->nr_ports, sizeof(*cp));
	if (cp == NULL)
		goto out_del_port;
	*cp = *p;
	cp->shm_dir = NULL;
	if (p->shm_dir != NULL && (cp->shm_dir = strdup(p->shm_dir)) == NULL) {
		d->conf->nr_ports--;
		goto out_del_port;
	}
	rc = conf_op_ana_program_port(d, cp, err, errlen);
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
				conf_ops_arr_del(c->subsys[i].ports, &c->subsys[i].nr_ports,
						 sizeof(*c->subsys[i].ports), k--);
	for (i = 0; i < c->nr_ana; i++)
		for (k = 0; k < c->ana[i].nr_ports; k++)
			if (strcmp(c->ana[i].ports[k].port, name) == 0)
				conf_ops_arr_del(c->ana[i].ports, &c->ana[i].nr_ports,
						 sizeof(*c->ana[i].ports), k--);
	free(cp->shm_dir);
	conf_ops_arr_del(c->ports, &c->nr_ports, sizeof(*cp), (unsigned int)(cp - c->ports));
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
