// SPDX-License-Identifier: Apache-2.0
/*
 * The namespaces' part of conf_apply() (conf_apply.c): which changes a
 * namespace that stays may take in place (checked before anything is
 * done), and the walk of one subsystem's namespaces towards the new
 * configuration: those that go, those that come (or pend, their backing
 * file missing: conf_pending.c), a pending one replaced, and the in-place
 * changes of the rest, each logged with the subsystem as journal field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "conf_apply_priv.h"
#include "conf_ops.h"
#include "conf_opts.h"
#include "conf_plan.h"
#include "fcd.h"
#include "log.h"

/*
 * What in t would replace the storage or identity of running namespace c
 * (into buf), or NULL when t can be reached in place: read_only, direct,
 * reservations, create, growth, ANA group and enabled change in place;
 * backend, path, lba_size and a given identifier that differs would need a
 * new namespace.
 */
static const char *ns_replacing(const struct conf_ns *c, const struct conf_ns *t, char *buf,
				size_t len)
{
	if (c->backend != t->backend)
		snprintf(buf, len, "backend (%s to %s)", conf_backend_names[c->backend],
			 conf_backend_names[t->backend]);
	else if (!conf_str_eq(c->path, t->path))
		snprintf(buf, len, "path (%s to %s)", c->path, t->path);
	else if (c->lba_size != t->lba_size)
		snprintf(buf, len, "lba_size (%u to %u)", c->lba_size, t->lba_size);
	else if (!tgt_ns_rbd_same(&c->rbd, &t->rbd))
		snprintf(buf, len, "the rbd image or its cluster");
	else if (c->has_uuid && t->has_uuid && memcmp(c->uuid, t->uuid, 16) != 0)
		snprintf(buf, len, "uuid");
	else if (c->has_nguid && t->has_nguid && memcmp(c->nguid, t->nguid, 16) != 0)
		snprintf(buf, len, "nguid");
	else if (c->has_eui64 && t->has_eui64 && memcmp(c->eui64, t->eui64, 8) != 0)
		snprintf(buf, len, "eui64");
	else
		return NULL;
	return buf;
}

/*
 * Before anything changes: a namespace that stays must be reachable in
 * place. Replacing one (a ram namespace would come back empty, hosts would
 * see other data under the same identity) is never a side effect of a
 * reload; the operator removes it and adds it again.
 */
int conf_apply_ns_check(const struct conf *c, const struct conf *t, char *err, size_t errlen)
{
	unsigned int i, k;
	char what[600];

	for (i = 0; i < t->nr_subsys; i++) {
		const struct conf_subsys *ts = &t->subsys[i];
		const struct conf_subsys *cs = conf_subsys_find(c, ts->nqn);

		for (k = 0; cs != NULL && k < ts->nr_ns; k++) {
			const struct conf_ns *tn = &ts->ns[k];
			const struct conf_ns *cn = conf_ns_find(cs, tn->nsid);

			/* a pending one serves nothing yet (conf_apply_ns) */
			if (cn == NULL || cn->pending)
				continue;
			if (ns_replacing(cn, tn, what, sizeof(what)) != NULL) {
				snprintf(
					err, errlen,
					"%s namespace %u: changing %s would replace the namespace "
					"(its data or identity), which a reload never does: delete "
					"it first (remove it from the file and reload, or "
					"fcnvmectl namespace del %s %u), then add it again",
					ts->nqn, tn->nsid, what, ts->nqn, tn->nsid);
				return -EINVAL;
			}
			if (tn->size < cn->size && tn->size != 0) {
				snprintf(err, errlen, "%s namespace %u: shrinking would lose data",
					 ts->nqn, tn->nsid);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* A namespace change the configuration made (start-up or reload), with the
 * subsystem as journal field; what the control socket changes is logged by
 * ctl_dispatch with its caller. Nothing in a dry run, which changes
 * nothing. */
static void apply_ns_log(struct fcd *d, const char *nqn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void apply_ns_log(struct fcd *d, const char *nqn, const char *fmt, ...)
{
	const struct log_fields f = { .subsys_nqn = nqn };
	char what[160];
	va_list ap;

	if (conf_plan_dry(d))
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_fields(LOG_NOTICE, &f, "configuration: %s %s", nqn, what);
}

/* A namespace the configuration adds while its backing file is missing
 * (backing_missing = "pending"): a warning, the subsystem as journal
 * field; nothing in a dry run. */
static void apply_ns_pending_log(struct fcd *d, const char *nqn, const struct conf_ns *ns)
{
	const struct log_fields f = { .subsys_nqn = nqn };

	if (conf_plan_dry(d))
		return;
	log_fields(LOG_WARNING, &f,
		   "configuration: %s namespace %u pending: its backing file %s does not exist; "
		   "served once it does",
		   nqn, ns->nsid, ns->path);
}

/* A namespace's host mask, in place: hosts that join first, then those
 * that leave, so a mask replaced by another never passes through the empty
 * list (visible to every host). */
static int apply_ns_hosts(struct fcd *d, const char *nqn, const struct conf_ns *tn,
			  const struct conf_ns *cn, char *err, size_t errlen)
{
	char host[TGT_NQN_SIZE];
	unsigned int i;
	int rc;

	for (i = 0; i < tn->nr_hosts; i++) {
		if (conf_ns_has_host(cn, tn->hosts[i]))
			continue;
		rc = conf_op_ns_host(d, nqn, tn->nsid, tn->hosts[i], true, err, errlen);
		if (rc)
			return rc;
		apply_ns_log(d, nqn, "namespace %u visible to host %s", tn->nsid, tn->hosts[i]);
	}
	for (i = cn->nr_hosts; i-- > 0;) {
		if (conf_ns_has_host(tn, cn->hosts[i]))
			continue;
		snprintf(host, sizeof(host), "%s", cn->hosts[i]);
		rc = conf_op_ns_host(d, nqn, tn->nsid, host, false, err, errlen);
		if (rc)
			return rc;
		apply_ns_log(d, nqn, "namespace %u no longer lists host %s", tn->nsid, host);
	}
	return 0;
}

int conf_apply_ns(struct fcd *d, const struct conf_subsys *ts, char *err, size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, ts->nqn);
	unsigned int i;
	uint64_t size;
	int rc = 0;

	for (i = cs->nr_ns; i-- > 0;) {
		if (conf_ns_find(ts, cs->ns[i].nsid) != NULL)
			continue;
		rc = conf_op_ns_del(d, ts->nqn, cs->ns[i].nsid, err, errlen);
		if (rc)
			return rc;
		apply_ns_log(d, ts->nqn, "namespace %u removed", cs->ns[i].nsid);
	}
	for (i = 0; i < ts->nr_ns; i++) {
		const struct conf_ns *tn = &ts->ns[i];
		struct conf_ns *cn = conf_ns_find(cs, tn->nsid);
		char what[600];

		/* A pending namespace has no data or identity in use yet: a
		 * change that would replace a served one (its path fixed)
		 * replaces it; so does a rollback to a pending one (tn: the
		 * copy of before keeps the flag) from one this run served. */
		if (cn != NULL && (cn->pending || tn->pending) &&
		    ns_replacing(cn, tn, what, sizeof(what)) != NULL) {
			rc = conf_op_ns_del(d, ts->nqn, tn->nsid, err, errlen);
			if (rc)
				return rc;
			apply_ns_log(d, ts->nqn, "namespace %u (pending) replaced: %s changed",
				     tn->nsid, what);
			cn = NULL;
		}
		if (cn == NULL) {
			struct conf_ns copy = *tn;

			/* a missing file fails the add, or leaves it pending */
			copy.pending = d->conf->backing_missing == CONF_BACKING_PENDING &&
				       conf_ns_missing(&copy);
			rc = conf_op_ns_add(d, ts->nqn, &copy, err, errlen);
			if (rc)
				return rc;
			if (copy.pending) {
				apply_ns_pending_log(d, ts->nqn, &copy);
				continue;
			}
			/* size 0: the backend's own (an image's, a file's) */
			size = copy.size ? copy.size : conf_ns_size_now(d, ts->nqn, tn->nsid);
			if (size)
				apply_ns_log(d, ts->nqn, "namespace %u added (%llu bytes%s)",
					     tn->nsid, (unsigned long long)size,
					     tn->enabled ? "" : ", disabled");
			else
				apply_ns_log(d, ts->nqn,
					     "namespace %u added (its backend's size%s)", tn->nsid,
					     tn->enabled ? "" : ", disabled");
			continue;
		}
		/* In place (conf_apply_ns_check() refused everything else). */
		if (tn->size > cn->size) {
			rc = conf_op_ns_resize(d, ts->nqn, tn->nsid, tn->size, err, errlen);
			if (rc)
				return rc;
			apply_ns_log(d, ts->nqn, "namespace %u resized to %llu bytes", tn->nsid,
				     (unsigned long long)tn->size);
		}
		if (tn->readonly != cn->readonly) {
			rc = conf_op_ns_set_readonly(d, ts->nqn, tn->nsid, tn->readonly, err,
						     errlen);
			if (rc)
				return rc;
			if (!conf_plan_dry(d))
				log_info("%s namespace %u: read_only %s", ts->nqn, tn->nsid,
					 tn->readonly ? "on" : "off");
		}
		if (tn->direct != cn->direct) {
			rc = conf_op_ns_set_direct(d, ts->nqn, tn->nsid, tn->direct, err, errlen);
			if (rc)
				return rc;
			if (!conf_plan_dry(d))
				log_info("%s namespace %u: direct %s", ts->nqn, tn->nsid,
					 tn->direct ? "on" : "off");
		}
		if (tn->resv != cn->resv) {
			rc = conf_op_ns_set_resv(d, ts->nqn, tn->nsid, tn->resv, err, errlen);
			if (rc)
				return rc;
			apply_ns_log(d, ts->nqn, "namespace %u: reservations %s", tn->nsid,
				     tn->resv ? "on" : "off");
		}
		if (tn->anagrpid != cn->anagrpid &&
		    (rc = conf_op_ns_set_ana_group(d, ts->nqn, tn->nsid, tn->anagrpid, err,
						   errlen)))
			return rc;
		if (tn->enabled != cn->enabled) {
			rc = conf_op_ns_enable(d, ts->nqn, tn->nsid, tn->enabled, err, errlen);
			if (rc)
				return rc;
			apply_ns_log(d, ts->nqn, "namespace %u %s", tn->nsid,
				     tn->enabled ? "enabled" : "disabled");
		}
		rc = apply_ns_hosts(d, ts->nqn, tn, cn, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}
