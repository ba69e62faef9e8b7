// SPDX-License-Identifier: Apache-2.0
/*
 * conf_op_referral_*(): discovery referrals through tgt.h, recorded in
 * d->conf (the one mutation path: see conf_ops.h).
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

/* The plan line of a referral-add or referral-set (op), in fcnvmectl's
 * words. */
static void plan_referral(struct fcd *d, const char *op, const struct conf_referral *r)
{
	char line[4096];
	size_t n;
	unsigned int i;

	if (d->plan == NULL)
		return;
	n = (size_t)snprintf(line, sizeof(line), "%s %s %s portid %u", op, r->name, r->traddr,
			     r->portid);
	if (r->treq && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " treq \"%s\"",
				      conf_treq_names[r->treq]);
	for (i = 0; i < r->nr_ports && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " port %s", r->ports[i]);
	for (i = 0; i < r->nr_hosts && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " host %s", r->hosts[i]);
	conf_plan_add(d, "%s", line);
}

/* Check r against d's ports and fill p (portids: its ports' ids). */
static int referral_params(struct fcd *d, const struct conf_referral *r,
			   struct tgt_referral_params *p, uint16_t *portids, char *err,
			   size_t errlen)
{
	unsigned int i;

	if (strlen(r->name) >= CONF_NAME_MAX || !conf_name_valid(r->name))
		return fcnvme_err(err, errlen, -EINVAL,
				  "referral name \"%s\": use a letter then letters, digits, '-' or "
				  "'_' (at most %d)",
				  r->name, CONF_NAME_MAX - 1);
	if (r->nr_ports == 0 || r->nr_ports > TGT_MAX_PORTS)
		return fcnvme_err(err, errlen, -EINVAL, "referral %s: give 1 to %d ports", r->name,
				  TGT_MAX_PORTS);
	if (r->treq < 0 || r->treq > 2)
		return fcnvme_err(err, errlen, -EINVAL, "referral %s: no such TREQ", r->name);
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
	*p = (struct tgt_referral_params){
		.name = r->name,
		.node_name = r->wwnn,
		.port_name = r->wwpn,
		.portid = r->portid,
		.treq = (uint8_t)r->treq,
		.ports = portids,
		.nr_ports = r->nr_ports,
		.hosts = (const char *const *)r->hosts,
		.nr_hosts = r->nr_hosts,
	};
	return 0;
}

/* Add a referral and record it. */
int conf_op_referral_add(struct fcd *d, const struct conf_referral *r, char *err, size_t errlen)
{
	uint16_t portids[TGT_MAX_PORTS];
	struct tgt_referral_params p;
	struct conf_referral *cr;
	int rc;

	if (conf_referral_find(d->conf, r->name) != NULL)
		return fcnvme_err(err, errlen, -EEXIST, "referral %s exists", r->name);
	rc = referral_params(d, r, &p, portids, err, errlen);
	if (rc)
		return rc;
	plan_referral(d, "referral-add", r);
	rc = RUN(d, tgt_referral_add(d->tgt, &p, err, errlen));
	if (rc)
		return rc;
	cr = conf_ops_arr_push(&d->conf->referrals, &d->conf->nr_referrals, sizeof(*cr));
	if (cr == NULL || conf_referral_dup(cr, r) != 0) {
		if (cr != NULL)
			d->conf->nr_referrals--;
		(void)RUN(d, tgt_referral_del(d->tgt, r->name, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Change a referral in place and record it. */
int conf_op_referral_set(struct fcd *d, const struct conf_referral *r, char *err, size_t errlen)
{
	struct conf_referral *cr = conf_referral_find(d->conf, r->name);
	uint16_t portids[TGT_MAX_PORTS];
	struct tgt_referral_params p;
	struct conf_referral copy;
	int rc;

	if (cr == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no referral %s", r->name);
	rc = referral_params(d, r, &p, portids, err, errlen);
	if (rc)
		return rc;
	if (conf_referral_dup(&copy, r) != 0)
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	plan_referral(d, "referral-set", r);
	rc = RUN(d, tgt_referral_set(d->tgt, &p, err, errlen));
	if (rc) {
		conf_referral_release(&copy);
		return rc;
	}
	conf_referral_release(cr);
	*cr = copy;
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
	conf_ops_arr_del(c->referrals, &c->nr_referrals, sizeof(*cr),
			 (unsigned int)(cr - c->referrals));
	return 0;
}
