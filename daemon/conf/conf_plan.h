/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operations a reload runs, as text: while d->plan is set, every
 * conf_op_*() call appends one line naming the operation and its arguments
 * in fcnvmectl's words ("namespace-add nqn... 2 ram 256M"). A dry plan
 * (config reload --dry-run, config diff FILE) also keeps conf_op_*() (RUN(),
 * conf_ops_priv.h) from
 * touching the running objects: the operations then only change the copy
 * of the configuration conf_apply() walks, so the list is the one a real
 * reload would run. [ctl] only.
 */
#ifndef CONF_PLAN_H
#define CONF_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/tgt.h"
#include "fcd.h"

struct conf_plan {
	bool dry;	   /* record only; the running objects are not touched */
	FILE *fp;	   /* open_memstream() over text, NULL once closed */
	char *text;	   /* the lines, each ending in '\n' (owned) */
	size_t len;	   /* bytes of text */
	unsigned int nr;   /* operations recorded */
	unsigned int mute; /* > 0: an operation runs others as its steps */
	/* dry: queue the backend opens that would wait, and list the
	 * namespace grows, started only once the whole dry run passed
	 * (conf_reload_opens): a reload it refuses grows nothing */
	bool want_opens;
	unsigned int opens;	      /* how many opens are not done yet */
	struct conf_plan_grow *grows; /* the grows the reload runs (owned) */
	unsigned int nr_grows;
};

/* A namespace a reload grows. */
struct conf_plan_grow {
	char nqn[TGT_NQN_SIZE];
	uint32_t nsid;
	uint64_t size;
};

/* Start recording; 0 or -ENOMEM. */
int conf_plan_open(struct conf_plan *p, bool dry);
/* Stop recording: p->text holds the lines ("" if none). */
void conf_plan_close(struct conf_plan *p);
/* Free the text. */
void conf_plan_free(struct conf_plan *p);
/* Log each line of a closed plan ("reload: LINE"). */
void conf_plan_log(const struct conf_plan *p);
/* Add a grow to d->plan's list (want_opens); -ENOMEM. */
int conf_plan_grow(struct fcd *d, const char *nqn, uint32_t nsid, uint64_t size);
/* Append one operation line to d->plan, if any. */
void conf_plan_add(struct fcd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether the running objects must be left alone (a dry plan records). */
static inline bool conf_plan_dry(const struct fcd *d)
{
	return d->plan != NULL && d->plan->dry;
}

#endif /* CONF_PLAN_H */
