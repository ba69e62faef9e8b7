// SPDX-License-Identifier: Apache-2.0
/*
 * Making the core's shared subsystems and namespaces what the view
 * says: add, remove, allow hosts, mask namespaces, export on every port.
 * [ctl]
 * See cluster.c for the design.
 */
#define _GNU_SOURCE

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "backend/backend.h"
#include "cluster_priv.h"
#include "conf/conf_keys.h"
#include "fcd.h"
#include "log.h"

/* ---- applying subsystems and namespaces --------------------------------- */

static bool cl_ns_same(const struct cl_ns *a, const struct cl_ns *b)
{
	return !strcmp(a->pool, b->pool) && !strcmp(a->image, b->image) &&
	       !strcmp(a->rns, b->rns) && a->grp == b->grp && a->lba == b->lba;
}

/* Allow each host of a comma-separated list. */
static void cl_hosts_apply(struct cluster *cl, const char *nqn, const char *hosts, bool allow)
{
	char h[TGT_NQN_SIZE], err[256];
	const char *p = hosts;

	while ((p = cl_list_next(p, h, sizeof(h))))
		if ((allow ? tgt_subsys_allow_host : tgt_subsys_disallow_host)(cl->d->tgt, nqn, h,
									       err, sizeof(err)))
			log_warnx("cluster: %s host %s: %s", nqn, h, err);
}

/* A shared namespace's mask from old to now: the hosts that join first,
 * then those that leave (a mask replaced by another is never briefly
 * empty, which would show the namespace to every host). */
static void cl_ns_mask_apply(struct cluster *cl, const struct cl_ns *n, const char *old)
{
	char h[TGT_NQN_SIZE], err[256];
	const char *p = n->hosts;

	while ((p = cl_list_next(p, h, sizeof(h))))
		if (!cl_list_has(old, h)) {
			if (tgt_ns_add_host(cl->d->tgt, n->nqn, n->nsid, h, err, sizeof(err)))
				log_warnx("cluster: %s namespace %u host %s: %s", n->nqn, n->nsid,
					  h, err);
			else
				log_info("cluster: %s namespace %u visible to host %s", n->nqn,
					 n->nsid, h);
		}
	for (p = old; (p = cl_list_next(p, h, sizeof(h)));)
		if (!cl_list_has(n->hosts, h)) {
			if (tgt_ns_del_host(cl->d->tgt, n->nqn, n->nsid, h, err, sizeof(err)))
				log_warnx("cluster: %s namespace %u host %s: %s", n->nqn, n->nsid,
					  h, err);
			else
				log_info("cluster: %s namespace %u no longer visible to host %s",
					 n->nqn, n->nsid, h);
		}
}

/* Export a shared subsystem on every port of this node. */
static void cl_export(struct cluster *cl, const char *nqn)
{
	unsigned int i;

	for (i = 0; cl->d->conf && i < cl->d->conf->nr_ports; i++)
		tgt_subsys_export(cl->d->tgt, nqn, cl->d->conf->ports[i].portid, NULL, 0);
}

static int cl_subsys_apply(struct cluster *cl, const struct cl_subsys *s)
{
	uint16_t id = cl->cfg.node_id;
	struct tgt_subsys_params p = {
		.nqn = s->nqn,
		.allow_any_host = s->allow_any,
		/* disjoint controller ids per node: a host sees one
		 * subsystem through several nodes */
		.cntlid_min = (uint16_t)((id - 1) * 0x1000 + 1),
		.cntlid_max = (uint16_t)(id == 15 ? 0xffef : id * 0x1000),
	};
	char err[256];
	int rc;

	rc = tgt_subsys_add(cl->d->tgt, &p, err, sizeof(err));
	if (rc) {
		log_warnx("cluster: subsystem %s: %s", s->nqn, err);
		return rc;
	}
	cl_hosts_apply(cl, s->nqn, s->hosts, true);
	/* a host listed in auth_keys_file authenticates here as anywhere */
	rc = conf_keys_give(cl->d, s->nqn, NULL, err, sizeof(err));
	if (rc) {
		log_warnx("cluster: subsystem %s not served: its DH-HMAC-CHAP keys: %s", s->nqn,
			  err);
		tgt_subsys_del(cl->d->tgt, s->nqn, NULL, 0);
		return rc;
	}
	cl_export(cl, s->nqn);
	log_info("cluster: subsystem %s (controller ids %u-%u)", s->nqn, p.cntlid_min,
		 p.cntlid_max);
	return 0;
}

void cl_ns_params(const struct cluster *cl, const struct cl_ns *n, struct tgt_ns_params *p)
{
	memset(p, 0, sizeof(*p));
	p->nsid = n->nsid;
	p->backend = TGT_BACKEND_RBD;
	p->lba_size = n->lba ? n->lba : 512;
	p->anagrpid = n->grp ? n->grp : 1;
	snprintf(p->rbd.pool, sizeof(p->rbd.pool), "%s", n->pool);
	snprintf(p->rbd.image, sizeof(p->rbd.image), "%s", n->image);
	snprintf(p->rbd.rados_ns, sizeof(p->rbd.rados_ns), "%s", n->rns);
	memcpy(p->rbd.conf, cl->cfg.ceph_conf, sizeof(p->rbd.conf));
	memcpy(p->rbd.client_id, cl->cfg.ceph_id, sizeof(p->rbd.client_id));
	memcpy(p->rbd.keyring, cl->cfg.keyring, sizeof(p->rbd.keyring));
	p->rbd.op_timeout_s = cl->cfg.op_timeout_s;
}

/* Whether n's image is queued or opening on the opening thread (queued
 * now when it must be): it is applied at a read after that. */
static bool cl_ns_opening(struct cluster *cl, const struct cl_ns *n)
{
	struct tgt_ns_params p;

	cl_ns_params(cl, n, &p);
	return backend_preopen_want(&p) > 0;
}

/* [ctl] The images are open: read the object again (cl_timer_cb), and
 * apply them then. */
void cl_opened(struct preopen_waiter *w)
{
	struct cluster *cl = (struct cluster *)((char *)w - offsetof(struct cluster, open_wait));

	atomic_store(&cl->st.changed, true);
}

static int cl_ns_apply(struct cluster *cl, const struct cl_ns *n)
{
	static const char *hv[CL_HOSTS / 2]; /* [ctl] only */
	char hosts[CL_HOSTS], *h, *save = NULL;
	struct tgt_ns_params p;
	char err[256];
	int rc;

	cl_ns_params(cl, n, &p);
	memcpy(hosts, n->hosts, sizeof(hosts));
	for (h = strtok_r(hosts, ",", &save); h && p.nr_hosts < CL_HOSTS / 2;
	     h = strtok_r(NULL, ",", &save))
		hv[p.nr_hosts++] = h;
	p.hosts = p.nr_hosts ? hv : NULL;
	cl_group_ensure(cl, p.anagrpid);
	rc = tgt_ns_add(cl->d->tgt, n->nqn, &p, err, sizeof(err));
	if (rc)
		log_warnx("cluster: %s namespace %u (%s/%s): %s", n->nqn, n->nsid, n->pool,
			  n->image, err);
	else
		log_info("cluster: %s namespace %u is rbd %s/%s%s%s, ANA group %u", n->nqn, n->nsid,
			 n->pool, n->rns, n->rns[0] ? "/" : "", n->image, p.anagrpid);
	return rc;
}

/* Make the core's shared subsystems and namespaces what the view says. */
void cl_reconcile(struct cluster *cl)
{
	struct cl_view *v = &cl->view, *a = &cl->applied;
	const struct cl_subsys *s;
	const struct cl_ns *n;
	bool later[CL_MAX_NS]; /* v->ns[i] waits for its image */
	unsigned int i, opening = 0;

	for (i = a->nr_ns; i-- > 0;) {
		n = cl_ns_in(v, a->ns[i].nqn, a->ns[i].nsid);
		if (n && cl_ns_same(n, &a->ns[i])) {
			if (strcmp(n->hosts, a->ns[i].hosts)) {
				cl_ns_mask_apply(cl, n, a->ns[i].hosts);
				memcpy(a->ns[i].hosts, n->hosts, sizeof(n->hosts));
			}
			continue;
		}
		tgt_ns_del(cl->d->tgt, a->ns[i].nqn, a->ns[i].nsid, NULL, 0);
		log_info("cluster: %s namespace %u removed", a->ns[i].nqn, a->ns[i].nsid);
		a->ns[i] = a->ns[--a->nr_ns];
	}
	for (i = a->nr_subsys; i-- > 0;) {
		s = cl_subsys_in(v, a->subsys[i].nqn);
		if (s && s->allow_any == a->subsys[i].allow_any) {
			if (strcmp(s->hosts, a->subsys[i].hosts)) {
				cl_hosts_apply(cl, s->nqn, a->subsys[i].hosts, false);
				cl_hosts_apply(cl, s->nqn, s->hosts, true);
				a->subsys[i] = *s;
			}
			cl_export(cl, s->nqn); /* ports may have come */
			continue;
		}
		tgt_subsys_del(cl->d->tgt, a->subsys[i].nqn, NULL, 0);
		log_info("cluster: subsystem %s removed", a->subsys[i].nqn);
		a->subsys[i] = a->subsys[--a->nr_subsys];
	}
	for (i = 0; i < v->nr_subsys; i++)
		if (!cl_subsys_in(a, v->subsys[i].nqn) && a->nr_subsys < CL_MAX_SUBSYS &&
		    !cl_subsys_apply(cl, &v->subsys[i]))
			a->subsys[a->nr_subsys++] = v->subsys[i];
	/* New images open on a thread of their own first (all of them at
	 * once), so that the control thread serves hosts meanwhile; unless
	 * that thread cannot start: then here, as they come. */
	for (i = 0; i < v->nr_ns; i++) {
		n = &v->ns[i];
		later[i] = !cl_ns_in(a, n->nqn, n->nsid) && cl_subsys_in(a, n->nqn) &&
			   cl_ns_opening(cl, n);
		opening += later[i];
	}
	if (opening && backend_preopen_start() > 0) {
		if (!cl->open_wait.waiting)
			log_info("cluster: opening %u image(s) of new namespaces first, off the "
				 "control thread",
				 opening);
		preopen_wait(cl->d, &cl->open_wait);
	} else {
		opening = 0;
	}
	for (i = 0; i < v->nr_ns; i++) {
		n = &v->ns[i];
		if (cl_ns_in(a, n->nqn, n->nsid) || !cl_subsys_in(a, n->nqn) ||
		    a->nr_ns >= CL_MAX_NS)
			continue;
		if (opening && later[i])
			continue;
		if (!cl_ns_apply(cl, n))
			a->ns[a->nr_ns++] = *n;
	}
}
