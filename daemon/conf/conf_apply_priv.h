/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What conf_apply.c and conf_apply_ns.c share. Internal to daemon/conf;
 * control thread only.
 */
#ifndef CONF_APPLY_PRIV_H
#define CONF_APPLY_PRIV_H

#include <stddef.h>

#include "conf.h"
#include "fcd.h"

/* 0, or -EINVAL with the reason when t would change a namespace of c that
 * stays (and is served) in a way that replaces its storage or identity, or
 * shrinks it: a reload never does that (conf_apply_ns.c). */
int conf_apply_ns_check(const struct conf *c, const struct conf *t, char *err, size_t errlen);
/* Walk the namespaces of subsystem ts (in d->conf already) towards ts. */
int conf_apply_ns(struct fcd *d, const struct conf_subsys *ts, char *err, size_t errlen);

#endif /* CONF_APPLY_PRIV_H */
