/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the conf_op_*() files (conf_op_port.c, conf_op_subsys.c,
 * conf_op_ns.c, conf_op_ana.c, conf_op_referral.c) share. Internal to
 * daemon/conf; control thread only, like every conf_op_*().
 */
#ifndef CONF_OPS_PRIV_H
#define CONF_OPS_PRIV_H

#include <stddef.h>

#include "conf.h"
#include "conf_plan.h"
#include "fcd.h"

/* Run a change of the running objects, unless a dry plan only records
 * (conf_plan.h): then it "succeeds" and only d->conf (a copy) changes. */
#define RUN(d, call) (conf_plan_dry(d) ? 0 : (call))

/* An operation made of other operations records only itself: +1 before
 * the inner operations, -1 after (conf_ops.c). */
void conf_ops_plan_mute(struct fcd *d, int delta);

/* Append a zeroed element to a growable array of d->conf (arrp points at
 * the array pointer); NULL when out of memory (conf_ops.c). */
void *conf_ops_arr_push(void *arrp, unsigned int *n, size_t sz);

/* A reload's dry run (want_opens) that removes ns opens its store ahead
 * as well, off the control thread (backend_preopen_want): should the
 * reload fail, its rollback adds ns back on that open, and not on one
 * that waits on the control thread. After a reload that went through
 * nobody takes it, and it is closed on that thread (conf_op_ns.c). */
void conf_op_ns_want_back(struct fcd *d, const struct conf_ns *ns);

/* Remove element i, keeping order (conf_ops.c). */
void conf_ops_arr_del(void *arr, unsigned int *n, size_t sz, unsigned int i);

/* Program every configured ANA group's state on port cp, which was just
 * created (conf_op_ana.c). */
int conf_op_ana_program_port(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen);

#endif
