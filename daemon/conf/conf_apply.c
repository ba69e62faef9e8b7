// SPDX-License-Identifier: Apache-2.0
/*
 * conf_apply(): make the running daemon match a freshly loaded config by
 * computing the difference against d->conf and executing it through
 * conf_op_*() — the same operations the control commands use — in an order
 * that keeps every intermediate state valid: subsystems that go away
 * first, then the discovery NQN, referrals that go away (or change), ports,
 * ANA groups that appear, subsystems (settings, hosts, ports, namespaces),
 * ANA groups that go away,
 * and last the referrals that are new or changed (in place). If a step
 * fails, the same difference is run back towards a copy of the old
 * config, so the running state ends as it was. Unchanged objects are not
 * touched: their
 * associations and I/O continue. A namespace that stays is changed in
 * place or not at all: a change that would replace its storage or identity
 * refuses the whole configuration before anything is done. A pending
 * namespace (its backing file missing, conf_pending.c) serves nothing yet:
 * such a change replaces it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/err.h>

#include "conf.h"
#include "conf_apply_priv.h"
#include "conf_keys.h"
#include "conf_ops.h"
#include "conf_opts.h"
#include "conf_plan.h"
#include "ctl/ctl_server.h"
#include "fcd.h"
#include "log.h"

/* Whether two ports differ in anything but the enabled flag. */
static bool port_changed(const struct conf_port *a, const struct conf_port *b)
{
	return strcmp(a->dev, b->dev) != 0 || !conf_str_eq(a->shm_dir, b->shm_dir) ||
	       a->portid != b->portid || a->wwnn != b->wwnn || a->wwpn != b->wwpn ||
	       a->nr_hwq != b->nr_hwq || a->nr_cpus != b->nr_cpus ||
	       memcmp(a->cpus, b->cpus, sizeof(a->cpus[0]) * a->nr_cpus) != 0 ||
	       a->queue_depth != b->queue_depth || a->max_queue_size != b->max_queue_size ||
	       a->max_io_queues != b->max_io_queues || a->mdts != b->mdts ||
	       a->busy_poll != b->busy_poll || a->readdata_rsp != b->readdata_rsp;
}

static int apply_ports(struct fcd *d, const struct conf *t, char *err, size_t errlen)
{
	struct conf *c = d->conf;
	char name[CONF_NAME_MAX];
	unsigned int i;
	int rc;

	for (i = c->nr_ports; i-- > 0;) {
		const struct conf_port *tp = conf_port_find(t, c->ports[i].name);

		if (tp != NULL && !port_changed(&c->ports[i], tp))
			continue;
		snprintf(name, sizeof(name), "%s", c->ports[i].name);
		rc = conf_op_port_del(d, name, err, errlen);
		if (rc)
			return rc;
	}
	for (i = 0; i < t->nr_ports; i++) {
		const struct conf_port *cp = conf_port_find(c, t->ports[i].name);

		if (cp == NULL)
			rc = conf_op_port_add(d, &t->ports[i], err, errlen);
		else if (cp->enabled != t->ports[i].enabled)
			rc = conf_op_port_enable(d, cp->name, t->ports[i].enabled, err, errlen);
		else
			rc = 0;
		if (rc)
			return rc;
	}
	return 0;
}

static int apply_ana(struct fcd *d, const struct conf *t, char *err, size_t errlen)
{
	unsigned int i, k;
	int rc;

	for (i = 0; i < t->nr_ana; i++) {
		const struct conf_ana *ta = &t->ana[i];
		struct conf_ana *ca = conf_ana_find(d->conf, ta->grpid);

		if (ca == NULL) {
			rc = conf_op_ana_add(d, ta->grpid, ta->state, err, errlen);
		} else if (ca->state != ta->state) {
			rc = conf_op_ana_set_state(d, ta->grpid, NULL, ta->state, err, errlen);
		} else {
			rc = 0;
			/* Per-port overrides that went away. */
			for (k = ca->nr_ports; rc == 0 && k-- > 0;) {
				char port[CONF_NAME_MAX];
				unsigned int j;

				for (j = 0; j < ta->nr_ports; j++)
					if (strcmp(ta->ports[j].port, ca->ports[k].port) == 0)
						break;
				if (j < ta->nr_ports)
					continue;
				snprintf(port, sizeof(port), "%s", ca->ports[k].port);
				rc = conf_op_ana_set_state(d, ta->grpid, port, ca->state, err,
							   errlen);
			}
		}
		/* Per-port states that differ from what runs now. */
		ca = conf_ana_find(d->conf, ta->grpid);
		for (k = 0; rc == 0 && ca != NULL && k < ta->nr_ports; k++)
			if (conf_ana_state_on(ca, ta->ports[k].port) != ta->ports[k].state)
				rc = conf_op_ana_set_state(d, ta->grpid, ta->ports[k].port,
							   ta->ports[k].state, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int apply_ana_removed(struct fcd *d, const struct conf *t, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = d->conf->nr_ana; i-- > 0;) {
		if (conf_ana_find(t, d->conf->ana[i].grpid) != NULL)
			continue;
		rc = conf_op_ana_del(d, d->conf->ana[i].grpid, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static bool has_str(char *const *v, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static bool has_u64(const uint64_t *v, unsigned int n, uint64_t x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool has_port(char (*v)[CONF_NAME_MAX], unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int apply_subsys(struct fcd *d, const struct conf_subsys *ts, char *err, size_t errlen)
{
	struct conf_subsys *cs = conf_subsys_find(d->conf, ts->nqn);
	char buf[TGT_NQN_SIZE];
	uint32_t mask = 0;
	unsigned int i;
	int rc;

	if (cs == NULL) {
		rc = conf_op_subsys_add(d, ts, err, errlen);
		if (rc)
			return rc;
		cs = conf_subsys_find(d->conf, ts->nqn);
	}
	if (strcmp(cs->serial, ts->serial) != 0)
		mask |= TGT_SUBSYS_SET_SERIAL;
	if (strcmp(cs->model, ts->model) != 0)
		mask |= TGT_SUBSYS_SET_MODEL;
	if (strcmp(cs->firmware, ts->firmware) != 0)
		mask |= TGT_SUBSYS_SET_FIRMWARE;
	if (cs->allow_any_host != ts->allow_any_host)
		mask |= TGT_SUBSYS_SET_ALLOW_ANY;
	if (cs->ieee_oui != ts->ieee_oui)
		mask |= TGT_SUBSYS_SET_OUI;
	if (cs->cntlid_min != ts->cntlid_min || cs->cntlid_max != ts->cntlid_max)
		mask |= TGT_SUBSYS_SET_CNTLID;
	if (mask && (rc = conf_op_subsys_set(d, ts, mask, err, errlen)))
		return rc;
	for (i = cs->nr_hosts; i-- > 0;) {
		if (has_str(ts->hosts, ts->nr_hosts, cs->hosts[i]))
			continue;
		snprintf(buf, sizeof(buf), "%s", cs->hosts[i]);
		rc = conf_op_host_allow(d, ts->nqn, buf, false, err, errlen);
		if (rc)
			return rc;
	}
	for (i = 0; i < ts->nr_hosts; i++) {
		if (has_str(cs->hosts, cs->nr_hosts, ts->hosts[i]))
			continue;
		rc = conf_op_host_allow(d, ts->nqn, ts->hosts[i], true, err, errlen);
		if (rc)
			return rc;
	}
	for (i = cs->nr_wwpns; i-- > 0;) {
		if (has_u64(ts->wwpns, ts->nr_wwpns, cs->wwpns[i]))
			continue;
		rc = conf_op_wwpn_allow(d, ts->nqn, cs->wwpns[i], false, err, errlen);
		if (rc)
			return rc;
	}
	for (i = 0; i < ts->nr_wwpns; i++) {
		if (has_u64(cs->wwpns, cs->nr_wwpns, ts->wwpns[i]))
			continue;
		rc = conf_op_wwpn_allow(d, ts->nqn, ts->wwpns[i], true, err, errlen);
		if (rc)
			return rc;
	}
	rc = conf_apply_ns(d, ts, err, errlen);
	if (rc)
		return rc;
	for (i = cs->nr_ports; i-- > 0;) {
		if (has_port(ts->ports, ts->nr_ports, cs->ports[i]))
			continue;
		snprintf(buf, sizeof(buf), "%s", cs->ports[i]);
		rc = conf_op_subsys_export(d, ts->nqn, buf, false, err, errlen);
		if (rc)
			return rc;
	}
	for (i = 0; i < ts->nr_ports; i++) {
		if (has_port(cs->ports, cs->nr_ports, ts->ports[i]))
			continue;
		rc = conf_op_subsys_export(d, ts->nqn, ts->ports[i], true, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whether running referral cr must go before t is reached: gone from t,
 * or listed on a port that is deleted or replaced (apply_ports). One
 * that is only changed in t stays and is changed in place once the ports
 * are (apply_referrals_added). */
static bool referral_goes(const struct conf *c, const struct conf *t,
			  const struct conf_referral *cr)
{
	const struct conf_referral *tr = conf_referral_find(t, cr->name);
	unsigned int i;

	if (tr == NULL)
		return true;
	for (i = 0; i < cr->nr_ports; i++) {
		const struct conf_port *cp = conf_port_find(c, cr->ports[i]);
		const struct conf_port *tp = conf_port_find(t, cr->ports[i]);

		if (cp == NULL || tp == NULL || port_changed(cp, tp))
			return true;
	}
	return false;
}

/* Referrals that go, before the ports they name can be deleted. */
static int apply_referrals_removed(struct fcd *d, const struct conf *t, char *err, size_t errlen)
{
	char name[CONF_NAME_MAX];
	unsigned int i;
	int rc;

	for (i = d->conf->nr_referrals; i-- > 0;) {
		if (!referral_goes(d->conf, t, &d->conf->referrals[i]))
			continue;
		snprintf(name, sizeof(name), "%s", d->conf->referrals[i].name);
		rc = conf_op_referral_del(d, name, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* Referrals that are new (or were deleted above), and those changed in
 * place, once their ports run. */
static int apply_referrals_added(struct fcd *d, const struct conf *t, char *err, size_t errlen)
{
	const struct conf_referral *cr;
	unsigned int i;
	int rc;

	for (i = 0; i < t->nr_referrals; i++) {
		cr = conf_referral_find(d->conf, t->referrals[i].name);
		if (cr == NULL)
			rc = conf_op_referral_add(d, &t->referrals[i], err, errlen);
		else if (conf_referral_changed(cr, &t->referrals[i]))
			rc = conf_op_referral_set(d, &t->referrals[i], err, errlen);
		else
			rc = 0;
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The cluster section is read when the daemon starts (cluster_start copies
 * it); a reload that changed it would show, save and export settings the
 * node does not run. Refused, whole, with what to do instead.
 */
static int check_cluster(const struct conf *c, const struct conf *t, char *err, size_t errlen)
{
	const struct conf_cluster *a = &c->cluster, *b = &t->cluster;

	if (c->has_cluster == t->has_cluster &&
	    (!c->has_cluster ||
	     (!strcmp(a->node, b->node) && a->node_id == b->node_id &&
	      !strcmp(a->ceph_conf, b->ceph_conf) && !strcmp(a->ceph_id, b->ceph_id) &&
	      !strcmp(a->keyring, b->keyring) && !strcmp(a->pool, b->pool) &&
	      !strcmp(a->object, b->object) && a->heartbeat_ms == b->heartbeat_ms &&
	      a->dead_ms == b->dead_ms && a->ana_group == b->ana_group &&
	      a->failback_ms == b->failback_ms && a->op_timeout_s == b->op_timeout_s)))
		return 0;
	snprintf(err, errlen,
		 "the cluster section %s: it is read when nvmetfcd starts, not on a reload; "
		 "restart the node to apply it (its groups go to the other nodes meanwhile)",
		 c->has_cluster == t->has_cluster ? "changed"
		 : t->has_cluster		  ? "was added"
						  : "was removed");
	return -EINVAL;
}

/* Walk the running state towards t. */
static int diff_apply(struct fcd *d, const struct conf *t, char *err, size_t errlen)
{
	struct conf *c = d->conf;
	char nqn[TGT_NQN_SIZE];
	unsigned int i;
	int rc;

	if (c->log_level != t->log_level)
		conf_plan_add(d, "log-level %s", fcnvme_log_level_name(t->log_level));
	if (strcmp(c->socket_group, t->socket_group) != 0)
		conf_plan_add(d, "socket-group %s", t->socket_group[0] ? t->socket_group : "-");
	c->log_level = t->log_level;
	if (!conf_plan_dry(d))
		log_setverbose(t->log_level);
	memcpy(c->socket_group, t->socket_group, sizeof(c->socket_group));
	memcpy(c->auth_keys_file, t->auth_keys_file, sizeof(c->auth_keys_file));
	memcpy(c->dhchap_hashes, t->dhchap_hashes, sizeof(c->dhchap_hashes));
	memcpy(c->dhchap_dhgroups, t->dhchap_dhgroups, sizeof(c->dhchap_dhgroups));
	c->backing_wait_ms = t->backing_wait_ms; /* for the next start */
	c->backing_missing = t->backing_missing; /* before the namespaces */
	for (i = c->nr_subsys; i-- > 0;) {
		if (conf_subsys_find(t, c->subsys[i].nqn) != NULL)
			continue;
		snprintf(nqn, sizeof(nqn), "%s", c->subsys[i].nqn);
		rc = conf_op_subsys_del(d, nqn, err, errlen);
		if (rc)
			return rc;
	}
	/* after the subsystems that go (one may leave its NQN to it), before
	 * those that come (one may take its old one) */
	rc = conf_op_discovery_nqn(d, t->discovery_nqn, err, errlen);
	if (rc)
		return rc;
	if ((rc = apply_referrals_removed(d, t, err, errlen)) ||
	    (rc = apply_ports(d, t, err, errlen)) || (rc = apply_ana(d, t, err, errlen)))
		return rc;
	for (i = 0; i < t->nr_subsys; i++) {
		rc = apply_subsys(d, &t->subsys[i], err, errlen);
		if (rc)
			return rc;
	}
	if ((rc = apply_ana_removed(d, t, err, errlen)))
		return rc;
	return apply_referrals_added(d, t, err, errlen);
}

/* Apply newconf (see conf.h); on failure roll back to the old state. */
int conf_apply(struct fcd *d, struct conf *newconf, char *err, size_t errlen)
{
	struct conf_keys keys;
	struct conf *old;
	bool had_keys;
	char rb[512];
	int rc;

	if (d->conf == NULL) {
		d->conf = conf_new();
		if (d->conf == NULL)
			return -ENOMEM;
	} else {
		rc = check_cluster(d->conf, newconf, err, errlen);
		if (rc)
			return rc;
	}
	rc = conf_apply_ns_check(d->conf, newconf, err, errlen);
	if (rc)
		return rc;
	/* A bad secrets file refuses the whole configuration up front. */
	{
		struct tgt_auth_policy pol;

		rc = conf_auth_policy(newconf, &pol, err, errlen);
		if (rc)
			return rc;
	}
	rc = conf_keys_load(newconf->auth_keys_file, &keys, err, errlen);
	if (rc)
		return rc;
	/* The copy to roll back to holds the identifiers in use: a namespace
	 * deleted and then restored must come back as the same namespace (its
	 * state file went with the delete). */
	conf_sync_ids(d);
	old = conf_dup(d->conf);
	if (old == NULL) {
		conf_keys_free(&keys);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	had_keys = d->conf->auth_keys_file[0] != '\0' || d->conf->dhchap_hashes[0] ||
		   d->conf->dhchap_dhgroups[0];
	rc = diff_apply(d, newconf, err, errlen);
	/* Keys (rotation): what new authentications use from now on. */
	if (!rc && (had_keys || newconf->auth_keys_file[0] || newconf->dhchap_hashes[0] ||
		    newconf->dhchap_dhgroups[0]))
		rc = conf_keys_apply(d, newconf, &keys, err, errlen);
	conf_keys_free(&keys);
	if (rc) {
		struct conf_plan *plan = d->plan;

		d->plan = NULL; /* the plan lists what was asked, not the rollback */
		if (diff_apply(d, old, rb, sizeof(rb)) != 0)
			log_warnx("rollback after a failed apply is incomplete: %s", rb);
		d->plan = plan;
		conf_free(old);
		return rc;
	}
	conf_free(old);
	/* d->conf now describes newconf; keep the caller's copy, which also
	 * has the NSIDs assigned at load time, and which namespaces pend. */
	conf_pending_carry(d->conf, newconf);
	conf_free(d->conf);
	d->conf = newconf;
	/* A removed or changed socket group loses its rights now. */
	if (d->ctl != NULL)
		ctl_server_set_group(d->ctl, newconf->socket_group);
	return 0;
}

/* The operations conf_apply(d, newconf) would run, recorded in d->plan
 * (dry): the same walk over a copy of d->conf, the objects untouched. */
static int apply_dry(struct fcd *d, const struct conf *newconf, char *err, size_t errlen)
{
	struct conf *saved = d->conf, *copy;
	int rc;

	if (saved == NULL)
		return fcnvme_err(err, errlen, -ENOENT, "no configuration applied");
	rc = check_cluster(saved, newconf, err, errlen);
	if (!rc)
		rc = conf_apply_ns_check(saved, newconf, err, errlen);
	if (rc)
		return rc;
	/* what conf_apply would refuse, the dry run refuses too */
	{
		struct tgt_auth_policy pol;
		struct conf_keys keys;

		rc = conf_auth_policy(newconf, &pol, err, errlen);
		if (!rc)
			rc = conf_keys_load(newconf->auth_keys_file, &keys, err, errlen);
		if (rc)
			return rc;
		conf_keys_free(&keys);
	}
	copy = conf_dup(saved);
	if (copy == NULL)
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	d->conf = copy;
	rc = diff_apply(d, newconf, err, errlen);
	d->conf = saved;
	conf_free(copy);
	return rc;
}

/* Load path (NULL: d->conf_path) and apply it, or with plan->dry only
 * record what applying would do; see conf.h. */
int conf_reload_plan(struct fcd *d, const char *path, struct conf_plan *plan, char *err,
		     size_t errlen)
{
	struct conf *c = NULL;
	int rc;

	rc = conf_load(path != NULL ? path : d->conf_path, &c, err, errlen);
	if (rc)
		return rc;
	d->plan = plan;
	if (plan != NULL && plan->dry) {
		rc = apply_dry(d, c, err, errlen);
		conf_free(c);
	} else {
		rc = conf_apply(d, c, err, errlen);
		if (rc)
			conf_free(c);
	}
	d->plan = NULL;
	return rc;
}

int conf_reload_opens(struct fcd *d, const char *path, int *grows)
{
	struct conf_plan plan;
	char err[512];
	unsigned int i;
	int rc;

	*grows = 0;
	if (conf_plan_open(&plan, true) != 0)
		return 0;
	plan.want_opens = true;
	rc = conf_reload_plan(d, path, &plan, err, sizeof(err));
	/* the grows start only now that the dry run passed whole */
	for (i = 0; rc == 0 && i < plan.nr_grows; i++)
		if (tgt_ns_resize_want(d->tgt, plan.grows[i].nqn, plan.grows[i].nsid,
				       plan.grows[i].size) > 0)
			(*grows)++;
	conf_plan_free(&plan);
	return rc == 0 ? (int)plan.opens : 0;
}

/* Reload d->conf_path; the running config is kept if that fails. The
 * operations it ran are logged, one line each. */
int conf_reload(struct fcd *d, char *err, size_t errlen)
{
	struct conf_plan plan;
	int rc;

	if (conf_plan_open(&plan, false) != 0)
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	rc = conf_reload_plan(d, NULL, &plan, err, errlen);
	conf_plan_close(&plan);
	if (rc == 0)
		conf_plan_log(&plan);
	conf_plan_free(&plan);
	return rc;
}
