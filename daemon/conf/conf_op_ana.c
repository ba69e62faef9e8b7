// SPDX-License-Identifier: Apache-2.0
/*
 * conf_op_ana_*(): ANA groups and their per-port states through tgt.h,
 * recorded in d->conf (the one mutation path: see conf_ops.h), and
 * conf_ana_to_nvme(), the map from fcnvmectl's state names to NVMe's.
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

/* Map enum fcnvme_ana_state to the NVMe ANA state. */
uint8_t conf_ana_to_nvme(uint8_t state)
{
	static const uint8_t map[__FCNVME_ANA_MAX] = {
		[FCNVME_ANA_OPTIMIZED] = NVME_ANA_OPTIMIZED,
		[FCNVME_ANA_NON_OPTIMIZED] = NVME_ANA_NONOPTIMIZED,
		[FCNVME_ANA_INACCESSIBLE] = NVME_ANA_INACCESSIBLE,
		[FCNVME_ANA_PERSISTENT_LOSS] = NVME_ANA_PERSISTENT_LOSS,
		[FCNVME_ANA_CHANGE] = NVME_ANA_CHANGE,
	};

	return state < __FCNVME_ANA_MAX ? map[state] : NVME_ANA_INACCESSIBLE;
}

/* Program every configured ANA group's state on port cp. */
int conf_op_ana_program_port(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < d->conf->nr_ana; i++) {
		const struct conf_ana *a = &d->conf->ana[i];

		rc = RUN(d, tgt_ana_set_state(d->tgt, a->grpid, cp->portid,
					      conf_ana_to_nvme(conf_ana_state_on(a, cp->name)), err,
					      errlen));
		if (rc)
			return rc;
	}
	return 0;
}

/* Set the state of group a (in d->conf). */
static int ana_set_state(struct fcd *d, struct conf_ana *a, const char *port, uint8_t state,
			 char *err, size_t errlen)
{
	uint32_t grpid = a->grpid;
	struct conf_ana_port *ap;
	struct conf_port *cp;
	unsigned int i;
	int rc;

	if (port != NULL) {
		cp = conf_port_find(d->conf, port);
		if (cp == NULL)
			return fcnvme_err(err, errlen, -ENOENT, "no port %s", port);
		rc = RUN(d, tgt_ana_set_state(d->tgt, grpid, cp->portid, conf_ana_to_nvme(state),
					      err, errlen));
		if (rc)
			return rc;
		for (i = 0; i < a->nr_ports; i++)
			if (strcmp(a->ports[i].port, port) == 0)
				break;
		if (state == a->state) {
			if (i < a->nr_ports)
				conf_ops_arr_del(a->ports, &a->nr_ports, sizeof(*ap), i);
			return 0;
		}
		ap = i < a->nr_ports ? &a->ports[i]
				     : conf_ops_arr_push(&a->ports, &a->nr_ports, sizeof(*ap));
		if (ap == NULL)
			return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
		snprintf(ap->port, sizeof(ap->port), "%s", port);
		ap->state = state;
		return 0;
	}
	for (i = 0; i < d->conf->nr_ports; i++) {
		cp = &d->conf->ports[i];
		rc = RUN(d, tgt_ana_set_state(d->tgt, grpid, cp->portid, conf_ana_to_nvme(state),
					      err, errlen));
		if (rc)
			return rc;
	}
	a->state = state;
	free(a->ports);
	a->ports = NULL;
	a->nr_ports = 0;
	return 0;
}

/* Create an ANA group in state on every port. */
int conf_op_ana_add(struct fcd *d, uint32_t grpid, uint8_t state, char *err, size_t errlen)
{
	struct conf_ana *a;
	int rc;

	if (conf_ana_find(d->conf, grpid) != NULL)
		return fcnvme_err(err, errlen, -EEXIST, "ANA group %u exists", grpid);
	/* Group 1 always exists in the core; configuring it only sets state. */
	conf_plan_add(d, "ana-add %u %s", grpid, fcnvme_ana_state_name(state));
	rc = grpid == 1 ? 0 : RUN(d, tgt_ana_group_add(d->tgt, grpid, err, errlen));
	if (rc)
		return rc;
	a = conf_ops_arr_push(&d->conf->ana, &d->conf->nr_ana, sizeof(*a));
	if (a == NULL) {
		if (grpid != 1)
			(void)RUN(d, tgt_ana_group_del(d->tgt, grpid, NULL, 0));
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	a->grpid = grpid;
	a->state = FCNVME_ANA_OPTIMIZED;
	if (state == FCNVME_ANA_OPTIMIZED)
		return 0;
	conf_ops_plan_mute(d, 1);
	rc = conf_op_ana_set_state(d, grpid, NULL, state, err, errlen);
	if (rc)
		conf_op_ana_del(d, grpid, NULL, 0);
	conf_ops_plan_mute(d, -1);
	return rc;
}

/* -EBUSY when a pending namespace (not in the core, whose own check does
 * not see it) is in group grpid: it could not be added once its file
 * appears. */
static int ana_pending_user(const struct conf *c, uint32_t grpid, char *err, size_t errlen)
{
	unsigned int i, k;

	for (i = 0; grpid != 1 && i < c->nr_subsys; i++)
		for (k = 0; k < c->subsys[i].nr_ns; k++)
			if (c->subsys[i].ns[k].pending && c->subsys[i].ns[k].anagrpid == grpid)
				return fcnvme_err(err, errlen, -EBUSY,
						  "ANA group %u is used by namespace %u of %s "
						  "(pending, its backing file missing)",
						  grpid, c->subsys[i].ns[k].nsid, c->subsys[i].nqn);
	return 0;
}

/* Delete an ANA group (refused while a namespace uses it). */
int conf_op_ana_del(struct fcd *d, uint32_t grpid, char *err, size_t errlen)
{
	struct conf_ana *a = conf_ana_find(d->conf, grpid);
	int rc;

	if (a == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no ANA group %u", grpid);
	rc = ana_pending_user(d->conf, grpid, err, errlen);
	if (rc)
		return rc;
	conf_plan_add(d, "ana-del %u", grpid);
	if (grpid == 1) {
		conf_ops_plan_mute(d, 1);
		rc = conf_op_ana_set_state(d, 1, NULL, FCNVME_ANA_OPTIMIZED, err, errlen);
		conf_ops_plan_mute(d, -1);
	} else {
		rc = RUN(d, tgt_ana_group_del(d->tgt, grpid, err, errlen));
	}
	if (rc)
		return rc;
	free(a->ports);
	conf_ops_arr_del(d->conf->ana, &d->conf->nr_ana, sizeof(*a),
			 (unsigned int)(a - d->conf->ana));
	return 0;
}

/* Set a group's state on one port or (port NULL) on all of them. */
int conf_op_ana_set_state(struct fcd *d, uint32_t grpid, const char *port, uint8_t state, char *err,
			  size_t errlen)
{
	struct conf_ana *a = conf_ana_find(d->conf, grpid);
	int rc;

	conf_plan_add(d, "ana-set-state %u %s%s%s", grpid, fcnvme_ana_state_name(state),
		      port != NULL ? " " : "", port != NULL ? port : "");
	/* Group 1 always exists (optimized) even when the configuration does
	 * not name it: record it now, and forget it again if setting fails. */
	if (a == NULL && grpid == 1) {
		a = conf_ops_arr_push(&d->conf->ana, &d->conf->nr_ana, sizeof(*a));
		if (a == NULL)
			return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
		a->grpid = 1;
		a->state = FCNVME_ANA_OPTIMIZED;
		rc = ana_set_state(d, a, port, state, err, errlen);
		if (rc) {
			a = conf_ana_find(d->conf, 1);
			free(a->ports);
			conf_ops_arr_del(d->conf->ana, &d->conf->nr_ana, sizeof(*a),
					 (unsigned int)(a - d->conf->ana));
		}
		return rc;
	}
	if (a == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no ANA group %u", grpid);
	return ana_set_state(d, a, port, state, err, errlen);
}
