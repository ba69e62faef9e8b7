// SPDX-License-Identifier: Apache-2.0
/*
 * Namespace host masking: a namespace that lists host NQNs is visible only
 * to controllers of those hosts (SPDK's no_auto_visible namespaces with
 * nvmf_ns_add_host; the NVMe base specification calls a namespace a
 * controller cannot see an inactive NSID). To the others it behaves as
 * an inactive NSID: absent from the active list (Identify CNS 02h),
 * Identify Namespace all zeroes (as Linux nvmet answers for an NSID it does
 * not have, nvmet_execute_identify_ns; the Linux host then drops the
 * namespace since NCAP is 0, nvme_ns_info_from_identify), other commands
 * INVALID_NS, and it is absent from the ANA log and from the SMART
 * counters. The I/O path never looks at the list: the control thread adds
 * or hides the namespace in the per-queue views of exactly the controllers
 * whose visibility changed, and only they get the namespace-changed event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/nqn.h>

#include "tgt_priv.h"

/* Whether hostnqn's controllers may see ns (masking only, not enabled). */
bool ns_host_listed(const struct ns *ns, const char *hostnqn)
{
	return !ns->nr_hosts || strv_has(ns->hosts, ns->nr_hosts, hostnqn);
}

bool ns_visible(const struct ns *ns, const struct ctrl *c)
{
	return ns->enabled && ns_host_listed(ns, c->hostnqn);
}

void ns_host_free(struct ns *ns)
{
	strv_free(&ns->hosts, &ns->nr_hosts);
}

static int ns_host_check(const char *hostnqn, char *err, size_t errlen)
{
	const char *why = NULL;

	if (!hostnqn || fcnvme_nqn_validate(hostnqn, &why)) {
		tgt_err(err, errlen, "invalid host NQN: %s", why ? why : "missing");
		return -EINVAL;
	}
	return 0;
}

/* [ctl] The list of a new namespace (not yet published). */
int ns_host_init(struct ns *ns, const char *const *hosts, unsigned int nr_hosts, char *err,
		 size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < nr_hosts; i++) {
		rc = ns_host_check(hosts[i], err, errlen);
		if (!rc)
			rc = strv_insert(&ns->hosts, &ns->nr_hosts, hosts[i]);
		if (rc < 0)
			goto out_free_hosts;
	}
	return 0;

out_free_hosts:
	ns_host_free(ns);
	return rc;
}

/* The list changed from (old, nr_old): update the views of the controllers
 * whose visibility changed and tell them (a disabled namespace is seen by
 * no one either way). */
static void ns_host_changed(struct ns *ns, char *const *old, unsigned int nr_old)
{
	struct ctrl *c;
	bool was, now;

	if (!ns->enabled)
		return;
	for (c = ns->subsys->ctrls; c; c = c->next) {
		was = !nr_old || strv_has(old, nr_old, c->hostnqn);
		now = ns_host_listed(ns, c->hostnqn);
		if (was == now)
			continue;
		if (ns->published)
			ns_view_ctrl(c, now ? ns : NULL, ns->nsid);
		ctrl_ns_changed(c, ns->nsid);
	}
}

/* A copy of ns's list of pointers, to compare with after a change: 0 or
 * -ENOMEM. */
static int ns_host_snapshot(const struct ns *ns, char ***old)
{
	*old = NULL;
	if (!ns->nr_hosts)
		return 0;
	*old = malloc(ns->nr_hosts * sizeof(**old));
	if (!*old)
		return -ENOMEM;
	memcpy(*old, ns->hosts, ns->nr_hosts * sizeof(**old));
	return 0;
}

/* Add or remove hostnqn, then update the controllers whose view changed
 * (comparing with a snapshot of the list as it was). */
static int ns_host_change(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn,
			  bool add, char *err, size_t errlen)
{
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);
	char **old, *gone = NULL;
	unsigned int nr_old;
	int rc;

	if (!ns)
		return -ENOENT;
	rc = ns_host_check(hostnqn, err, errlen);
	if (rc)
		return rc;
	if (!add && !strv_has(ns->hosts, ns->nr_hosts, hostnqn))
		return 0;
	nr_old = ns->nr_hosts;
	rc = ns_host_snapshot(ns, &old);
	if (rc)
		return rc;
	if (add)
		rc = strv_insert(&ns->hosts, &ns->nr_hosts, hostnqn);
	else
		gone = strv_take(&ns->hosts, &ns->nr_hosts, hostnqn);
	if (!rc)
		ns_host_changed(ns, old, nr_old);
	free(gone);
	free(old);
	return rc < 0 ? rc : 0;
}

int tgt_ns_add_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen)
{
	return ns_host_change(t, nqn, nsid, hostnqn, true, err, errlen);
}

int tgt_ns_del_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen)
{
	return ns_host_change(t, nqn, nsid, hostnqn, false, err, errlen);
}
