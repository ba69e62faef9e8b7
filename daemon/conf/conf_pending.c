// SPDX-License-Identifier: Apache-2.0
/*
 * Pending namespaces (backing_missing = "pending"): a file namespace the
 * configuration names while its backing file or device does not exist yet
 * (a logical volume or a disk udev sets up after the daemon started) is
 * recorded in d->conf with conf_ns.pending set, and left out of the core:
 * hosts do not see it, everything else is served. conf_pending_tick()
 * looks for the files once a second and adds each namespace whose file
 * now exists, as d->conf records it by then; the core tells the hosts
 * (namespace-changed event). A namespace whose file exists but does not
 * open stays pending and is tried again; its error is logged once, and
 * again when it changes. Control thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <fcnvme/clock.h>

#include "conf.h"
#include "conf_ops.h"
#include "fcd.h"
#include "log.h"

#define CONF_PENDING_POLL_MS 1000

static bool is_pending(const struct conf_ns *ns)
{
	return ns->pending;
}

unsigned int conf_pending_list(const struct conf *c, char *buf, size_t len)
{
	return conf_ns_list(c, is_pending, buf, len);
}

void conf_pending_carry(const struct conf *from, struct conf *to)
{
	unsigned int i, k;

	for (i = 0; i < from->nr_subsys; i++) {
		const struct conf_subsys *fs = &from->subsys[i];
		struct conf_subsys *ts = conf_subsys_find(to, fs->nqn);

		for (k = 0; ts != NULL && k < fs->nr_ns; k++) {
			struct conf_ns *tn = conf_ns_find(ts, fs->ns[k].nsid);

			if (tn != NULL && fs->ns[k].pending) {
				tn->pending = true;
				tn->pending_err = fs->ns[k].pending_err;
			}
		}
	}
}

/* Try to add pending namespace ns of subsystem nqn: 1 when it is served
 * now, 0 while it stays pending. */
static int pending_try(struct fcd *d, const char *nqn, struct conf_ns *ns)
{
	const struct log_fields f = { .subsys_nqn = nqn };
	char err[256] = "";
	int rc;

	if (conf_ns_missing(ns))
		return 0;
	rc = conf_op_ns_attach(d, nqn, ns, err, sizeof(err));
	if (rc == 0) {
		log_fields(LOG_NOTICE, &f,
			   "%s namespace %u: its backing file %s exists now; serving it (%llu "
			   "bytes%s)",
			   nqn, ns->nsid, ns->path,
			   (unsigned long long)conf_ns_size_now(d, nqn, ns->nsid),
			   ns->enabled ? "" : ", disabled");
		return 1;
	}
	if (rc != ns->pending_err)
		log_fields(LOG_WARNING, &f,
			   "%s namespace %u: its backing file %s exists but cannot be served: %s; "
			   "still pending, tried again every second",
			   nqn, ns->nsid, ns->path, err[0] ? err : strerror(-rc));
	ns->pending_err = rc;
	return 0;
}

int conf_pending_tick(struct fcd *d)
{
	uint64_t now = fcnvme_clock_ms();
	unsigned int i, k;
	int served = 0;

	if (d->conf == NULL || d->plan != NULL || d->stopping || now < d->pending_next_ms)
		return 0;
	d->pending_next_ms = now + CONF_PENDING_POLL_MS;
	for (i = 0; i < d->conf->nr_subsys; i++) {
		struct conf_subsys *cs = &d->conf->subsys[i];

		for (k = 0; k < cs->nr_ns; k++)
			if (cs->ns[k].pending)
				served += pending_try(d, cs->nqn, &cs->ns[k]);
	}
	return served;
}
