// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's one mutation path (see conf_ops.h): each operation changes
 * the running objects through port.h or tgt.h and, only when that worked,
 * records the change in d->conf. Control commands and conf_apply() call
 * these and nothing else, so the saved configuration always matches what
 * runs.
 *
 * One file a kind of object: conf_op_port.c, conf_op_subsys.c,
 * conf_op_ns.c, conf_op_ana.c, conf_op_referral.c. This file holds what
 * they share (conf_ops_priv.h): the growable arrays of d->conf and the
 * muting of plan lines.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_ops_priv.h"
#include "conf_plan.h"
#include "fcd.h"

/* An operation made of other operations records only itself. */
void conf_ops_plan_mute(struct fcd *d, int delta)
{
	if (d->plan != NULL)
		d->plan->mute = (unsigned int)((int)d->plan->mute + delta);
}

/* Append a zeroed element to a growable array; NULL when out of memory. */
void *conf_ops_arr_push(void *arrp, unsigned int *n, size_t sz)
{
	void **arr = arrp;
	char *p = realloc(*arr, (*n + 1) * sz);

	if (p == NULL)
		return NULL;
	*arr = p;
	memset(p + (size_t)*n * sz, 0, sz);
	return p + (size_t)(*n)++ * sz;
}

/* Remove element i, keeping order. */
void conf_ops_arr_del(void *arr, unsigned int *n, size_t sz, unsigned int i)
{
	char *p = arr;

	memmove(p + (size_t)i * sz, p + (size_t)(i + 1) * sz, (size_t)(*n - i - 1) * sz);
	(*n)--;
}
