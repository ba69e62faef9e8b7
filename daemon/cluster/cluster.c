// SPDX-License-Identifier: Apache-2.0
/*
 * Several nodes, one set of subsystems (see cluster.h, docs/ceph.md).
 *
 * The state object's omap holds, as "key=value" words:
 *   node/NAME           id=N hb=COUNTER addrs=A,B,...
 *   group/G             owner=NAME epoch=E
 *   subsys/NQN          allow_any=0|1 hosts=H1,H2
 *   ns/NQN/NSID         pool=P image=I rns=R group=G lba=512
 *
 * A heartbeat thread of its own writes node/NAME (hb+1) every heartbeat_ms,
 * so that a control thread busy opening images does not look dead. Every
 * 100 ms the timer reads the object (on a watch notify, and every
 * heartbeat_ms), applies
 * subsystems and namespaces to the core, decides liveness (a node whose
 * hb did not move for dead_ms of *our* clock, as of our last read, is
 * lost: no clock sync needed, and time we spend elsewhere, e.g. opening
 * images, never ages the others), and sets each group's ANA state on our
 * ports: optimized when we
 * own it, non-optimized when a live node does, change while it is being
 * taken over. The successor of a lost owner (the next live node by id
 * after it, wrapping) takes its groups: under the object's lock it checks
 * again, blocklists every address the lost node published, waits for the
 * OSD map, writes itself as owner (epoch + 1), and only then reports
 * optimized. A node that finds itself blocklisted reports its groups
 * inaccessible, builds a new client and rejoins as a non-owner. [ctl]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <fcnvme/clock.h>
#include <fcnvme/nvme_log.h>

#include "backend/backend.h"
#include "cluster.h"
#include "cluster_store.h"
#include "conf/conf.h"
#include "core/tgt.h"
#include "fcd.h"
#include "log.h"

#define CL_MAX_NODES  16
#define CL_MAX_SUBSYS 32
#define CL_MAX_NS     256
#define CL_TICK_MS    100
#define CL_LOCK_MS    10000
#define CL_ADDRS      1024
#define CL_HOSTS      2048

struct cl_node {
	char name[CONF_NAME_MAX];
	uint16_t id;
	uint64_t hb;
	uint64_t seen_ms; /* our clock when hb last moved */
	char addrs[CL_ADDRS];
};

struct cl_group {
	bool present;
	char owner[CONF_NAME_MAX];
	uint64_t epoch;
};

struct cl_subsys {
	char nqn[TGT_NQN_SIZE];
	bool allow_any;
	char hosts[CL_HOSTS];
};

struct cl_ns {
	char nqn[TGT_NQN_SIZE];
	uint32_t nsid;
	char pool[TGT_RBD_NAME_SIZE], image[TGT_RBD_NAME_SIZE], rns[TGT_RBD_NAME_SIZE];
	uint32_t grp, lba;
};

/* What the object says (read whole each time). */
struct cl_view {
	struct cl_node nodes[CL_MAX_NODES];
	unsigned int nr_nodes;
	struct cl_group groups[TGT_MAX_ANAGRP + 1];
	struct cl_subsys subsys[CL_MAX_SUBSYS];
	unsigned int nr_subsys;
	struct cl_ns ns[CL_MAX_NS];
	unsigned int nr_ns;
};

struct cluster {
	struct fcd *d;
	struct conf_cluster cfg;
	struct cl_store st;
	bool st_ok;
	struct event *timer;
	uint64_t next_read_ms;
	uint64_t read_ms; /* our clock when the view was read */
	/* The heartbeat thread: it alone writes node/NAME. */
	pthread_t hb_thread;
	bool hb_running;		 /* [ctl] */
	_Atomic bool hb_stop;		 /* [ctl] writes */
	_Atomic int hb_rc;		 /* [hb] last write's result */
	pthread_mutex_t hb_lock;	 /* guards hb_addrs (control path only) */
	char hb_addrs[2 * CL_ADDRS];	 /* [ctl] writes under hb_lock */
	uint64_t hb;			 /* [hb] */
	struct cl_view view;		 /* last read */
	struct cl_view applied;		 /* what runs in the core (subsys, ns) */
	uint8_t ana[TGT_MAX_ANAGRP + 1]; /* our state per group; 0xff: unset */
	bool fenced;
	/* A shared namespace's client was fenced: reconnect it once our own
	 * heartbeat went through (we are a member in good standing). */
	bool ns_fenced;
};

/* The value of word key= in v (up to a space), or "" . */
static void cl_word(const char *v, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key), n;
	const char *p = v;

	out[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			p += kl + 1;
			n = strcspn(p, " ");
			snprintf(out, len, "%.*s", (int)n, p);
			return;
		}
		p = strchr(p, ' ');
		if (p)
			p++;
	}
}

static uint64_t cl_word_u64(const char *v, const char *key)
{
	char b[32];

	cl_word(v, key, b, sizeof(b));
	return strtoull(b, NULL, 10);
}

/* ---- reading the object ---------------------------------------------------- */

static struct cl_node *cl_node_find(struct cl_view *v, const char *name)
{
	unsigned int i;

	for (i = 0; i < v->nr_nodes; i++)
		if (!strcmp(v->nodes[i].name, name))
			return &v->nodes[i];
	return NULL;
}

struct cl_read {
	struct cluster *cl;
	struct cl_view *v;
};

static void cl_read_entry(const char *key, const char *val, void *arg)
{
	struct cl_read *r = arg;
	struct cl_view *v = r->v;
	const char *slash;
	unsigned long g;

	if (!strncmp(key, "node/", 5) && v->nr_nodes < CL_MAX_NODES) {
		struct cl_node *n = &v->nodes[v->nr_nodes++];

		snprintf(n->name, sizeof(n->name), "%s", key + 5);
		n->id = (uint16_t)cl_word_u64(val, "id");
		n->hb = cl_word_u64(val, "hb");
		cl_word(val, "addrs", n->addrs, sizeof(n->addrs));
	} else if (!strncmp(key, "group/", 6)) {
		g = strtoul(key + 6, NULL, 10);
		if (!g || g > TGT_MAX_ANAGRP)
			return;
		v->groups[g].present = true;
		cl_word(val, "owner", v->groups[g].owner, sizeof(v->groups[g].owner));
		v->groups[g].epoch = cl_word_u64(val, "epoch");
	} else if (!strncmp(key, "subsys/", 7) && v->nr_subsys < CL_MAX_SUBSYS) {
		struct cl_subsys *s = &v->subsys[v->nr_subsys++];
		char b[8];

		snprintf(s->nqn, sizeof(s->nqn), "%s", key + 7);
		cl_word(val, "allow_any", b, sizeof(b));
		s->allow_any = b[0] == '1';
		cl_word(val, "hosts", s->hosts, sizeof(s->hosts));
	} else if (!strncmp(key, "ns/", 3) && v->nr_ns < CL_MAX_NS &&
		   (slash = strrchr(key + 3, '/'))) {
		struct cl_ns *n = &v->ns[v->nr_ns++];

		snprintf(n->nqn, sizeof(n->nqn), "%.*s", (int)(slash - key - 3), key + 3);
		n->nsid = (uint32_t)strtoul(slash + 1, NULL, 10);
		cl_word(val, "pool", n->pool, sizeof(n->pool));
		cl_word(val, "image", n->image, sizeof(n->image));
		cl_word(val, "rns", n->rns, sizeof(n->rns));
		n->grp = (uint32_t)cl_word_u64(val, "group");
		n->lba = (uint32_t)cl_word_u64(val, "lba");
	}
}

/* Read the object into cl->view, carrying each node's liveness over. */
static int cl_read(struct cluster *cl)
{
	struct cl_view *v = calloc(1, sizeof(*v));
	struct cl_read r = { cl, v };
	struct cl_node *old;
	uint64_t now = fcnvme_clock_ms();
	unsigned int i;
	int rc;

	if (!v)
		return -ENOMEM;
	rc = cl_store_read(&cl->st, cl_read_entry, &r);
	if (rc) {
		free(v);
		return rc;
	}
	for (i = 0; i < v->nr_nodes; i++) {
		old = cl_node_find(&cl->view, v->nodes[i].name);
		v->nodes[i].seen_ms = old && old->hb == v->nodes[i].hb ? old->seen_ms : now;
	}
	memcpy(cl->view.nodes, v->nodes, sizeof(v->nodes));
	cl->view.nr_nodes = v->nr_nodes;
	cl->read_ms = now;
	memcpy(cl->view.groups, v->groups, sizeof(v->groups));
	memcpy(cl->view.subsys, v->subsys, sizeof(v->subsys));
	cl->view.nr_subsys = v->nr_subsys;
	memcpy(cl->view.ns, v->ns, sizeof(v->ns));
	cl->view.nr_ns = v->nr_ns;
	free(v);
	return 0;
}

/* Whether n was alive when we last read the object. Not against the
 * clock now: after a read we may spend seconds opening images (or a
 * command may wait while the control thread is busy), and a live node
 * whose beats we simply did not look at meanwhile must not be fenced. */
static bool cl_alive(struct cluster *cl, const struct cl_node *n)
{
	if (!strcmp(n->name, cl->cfg.node))
		return !cl->fenced;
	return cl->read_ms - n->seen_ms < cl->cfg.dead_ms;
}

/* ---- applying subsystems and namespaces --------------------------------- */

static const struct cl_subsys *cl_subsys_in(const struct cl_view *v, const char *nqn)
{
	unsigned int i;

	for (i = 0; i < v->nr_subsys; i++)
		if (!strcmp(v->subsys[i].nqn, nqn))
			return &v->subsys[i];
	return NULL;
}

static const struct cl_ns *cl_ns_in(const struct cl_view *v, const char *nqn, uint32_t nsid)
{
	unsigned int i;

	for (i = 0; i < v->nr_ns; i++)
		if (v->ns[i].nsid == nsid && !strcmp(v->ns[i].nqn, nqn))
			return &v->ns[i];
	return NULL;
}

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
	size_t n;

	while (p && *p) {
		n = strcspn(p, ",");
		snprintf(h, sizeof(h), "%.*s", (int)n, p);
		if (h[0] && (allow ? tgt_subsys_allow_host : tgt_subsys_disallow_host)(
				    cl->d->tgt, nqn, h, err, sizeof(err)))
			log_warnx("cluster: %s host %s: %s", nqn, h, err);
		p += n;
		if (*p)
			p++;
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
	cl_export(cl, s->nqn);
	log_info("cluster: subsystem %s (controller ids %u-%u)", s->nqn, p.cntlid_min,
		 p.cntlid_max);
	return 0;
}

static void cl_group_ensure(struct cluster *cl, uint32_t g);

static int cl_ns_apply(struct cluster *cl, const struct cl_ns *n)
{
	struct tgt_ns_params p;
	char err[256];
	int rc;

	memset(&p, 0, sizeof(p));
	p.nsid = n->nsid;
	p.backend = TGT_BACKEND_RBD;
	p.lba_size = n->lba ? n->lba : 512;
	p.anagrpid = n->grp ? n->grp : 1;
	snprintf(p.rbd.pool, sizeof(p.rbd.pool), "%s", n->pool);
	snprintf(p.rbd.image, sizeof(p.rbd.image), "%s", n->image);
	snprintf(p.rbd.rados_ns, sizeof(p.rbd.rados_ns), "%s", n->rns);
	memcpy(p.rbd.conf, cl->cfg.ceph_conf, sizeof(p.rbd.conf));
	memcpy(p.rbd.client_id, cl->cfg.ceph_id, sizeof(p.rbd.client_id));
	memcpy(p.rbd.keyring, cl->cfg.keyring, sizeof(p.rbd.keyring));
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
static void cl_reconcile(struct cluster *cl)
{
	struct cl_view *v = &cl->view, *a = &cl->applied;
	const struct cl_subsys *s;
	const struct cl_ns *n;
	unsigned int i;

	for (i = a->nr_ns; i-- > 0;) {
		n = cl_ns_in(v, a->ns[i].nqn, a->ns[i].nsid);
		if (n && cl_ns_same(n, &a->ns[i]))
			continue;
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
	for (i = 0; i < v->nr_ns; i++) {
		n = &v->ns[i];
		if (cl_ns_in(a, n->nqn, n->nsid) || !cl_subsys_in(a, n->nqn) ||
		    a->nr_ns >= CL_MAX_NS)
			continue;
		if (!cl_ns_apply(cl, n))
			a->ns[a->nr_ns++] = *n;
	}
}

/* ---- ANA ----------------------------------------------------------------- */

static void cl_group_ensure(struct cluster *cl, uint32_t g)
{
	if (cl->ana[g] != 0xff)
		return;
	tgt_ana_group_add(cl->d->tgt, g, NULL, 0);
	cl->ana[g] = NVME_ANA_OPTIMIZED; /* a new group starts optimized */
}

/* Set our state of group g on every port. */
static void cl_ana_set(struct cluster *cl, uint32_t g, uint8_t state)
{
	static const char *const names[] = { [NVME_ANA_OPTIMIZED] = "optimized",
					     [NVME_ANA_NONOPTIMIZED] = "non-optimized",
					     [NVME_ANA_INACCESSIBLE] = "inaccessible",
					     [NVME_ANA_PERSISTENT_LOSS] = "persistent-loss",
					     [NVME_ANA_CHANGE] = "change" };
	unsigned int i;

	cl_group_ensure(cl, g);
	if (cl->ana[g] == state)
		return;
	for (i = 0; cl->d->conf && i < cl->d->conf->nr_ports; i++)
		tgt_ana_set_state(cl->d->tgt, g, cl->d->conf->ports[i].portid, state, NULL, 0);
	log_info("cluster: ANA group %u is %s here (owner %s)", g,
		 state < sizeof(names) / sizeof(names[0]) ? names[state] : "?",
		 cl->view.groups[g].owner[0] ? cl->view.groups[g].owner : "none");
	cl->ana[g] = state;
}

/* The live node that takes over from `lost`: the next by id after it. */
static const struct cl_node *cl_successor(struct cluster *cl, const struct cl_node *lost)
{
	const struct cl_node *best = NULL;
	unsigned int i, dist, bestd = ~0u;

	for (i = 0; i < cl->view.nr_nodes; i++) {
		const struct cl_node *n = &cl->view.nodes[i];

		if (n == lost || !cl_alive(cl, n))
			continue;
		dist = (n->id + 16u - lost->id) % 16u;
		if (dist && dist < bestd) {
			bestd = dist;
			best = n;
		}
	}
	return best;
}

static int cl_group_write(struct cluster *cl, uint32_t g, const char *owner, uint64_t epoch)
{
	char key[32], val[128];

	snprintf(key, sizeof(key), "group/%u", g);
	snprintf(val, sizeof(val), "owner=%s epoch=%" PRIu64, owner, epoch);
	return cl_store_set(&cl->st, key, val);
}

/* Fence every address node published; 0 when all are blocklisted. */
static int cl_fence(struct cluster *cl, const struct cl_node *n)
{
	char a[256];
	const char *p = n->addrs;
	size_t len;
	int rc, bad = 0;

	while (*p) {
		len = strcspn(p, ",");
		snprintf(a, sizeof(a), "%.*s", (int)len, p);
		if (a[0]) {
			rc = cl_store_blocklist(&cl->st, a);
			if (rc) {
				log_warnx("cluster: cannot blocklist %s of %s: %s", a, n->name,
					  strerror(-rc));
				bad++;
			} else {
				log_info("cluster: fenced %s (%s)", n->name, a);
			}
		}
		p += len;
		if (*p)
			p++;
	}
	return bad ? -EIO : 0;
}

/* We are the successor of group g's lost owner: fence it, then own g. */
static void cl_take_over(struct cluster *cl, uint32_t g, const struct cl_node *lost)
{
	char val[128], owner[CONF_NAME_MAX], key[32];
	uint64_t t0 = fcnvme_clock_ms();
	int rc;

	cl_ana_set(cl, g, NVME_ANA_CHANGE);
	if (cl_store_lock(&cl->st, CL_LOCK_MS))
		return;
	snprintf(key, sizeof(key), "group/%u", g);
	rc = cl_store_get(&cl->st, key, val, sizeof(val));
	cl_word(rc ? "" : val, "owner", owner, sizeof(owner));
	if (rc || strcmp(owner, lost->name) || cl_fence(cl, lost))
		goto out_unlock; /* changed meanwhile, or not fenced: not ours */
	rc = cl_group_write(cl, g, cl->cfg.node, cl_word_u64(val, "epoch") + 1);
	if (rc) {
		log_warnx("cluster: cannot take ANA group %u: %s", g, strerror(-rc));
		goto out_unlock;
	}
	snprintf(cl->view.groups[g].owner, sizeof(cl->view.groups[g].owner), "%s", cl->cfg.node);
	cl->view.groups[g].epoch = cl_word_u64(val, "epoch") + 1;
	log_info("cluster: took over ANA group %u from lost node %s (fenced first, %" PRIu64 " ms)",
		 g, lost->name, fcnvme_clock_ms() - t0);
	cl_ana_set(cl, g, NVME_ANA_OPTIMIZED);
out_unlock:
	cl_store_unlock(&cl->st);
	cl_store_notify(&cl->st);
}

/* Claim an unowned group (our configured one). */
static void cl_claim(struct cluster *cl, uint32_t g)
{
	char key[32], val[128];

	if (cl_store_lock(&cl->st, CL_LOCK_MS))
		return;
	snprintf(key, sizeof(key), "group/%u", g);
	if (cl_store_get(&cl->st, key, val, sizeof(val)) == -ENOENT &&
	    !cl_group_write(cl, g, cl->cfg.node, 1)) {
		log_info("cluster: claimed ANA group %u", g);
		cl->view.groups[g].present = true;
		snprintf(cl->view.groups[g].owner, sizeof(cl->view.groups[g].owner), "%s",
			 cl->cfg.node);
		cl->view.groups[g].epoch = 1;
	}
	cl_store_unlock(&cl->st);
	cl_store_notify(&cl->st);
}

static void cl_groups(struct cluster *cl)
{
	const struct cl_node *owner, *succ;
	struct cl_group *gr;
	uint32_t g;

	if (cl->cfg.ana_group && !cl->view.groups[cl->cfg.ana_group].present)
		cl_claim(cl, cl->cfg.ana_group);
	for (g = 1; g <= TGT_MAX_ANAGRP; g++) {
		gr = &cl->view.groups[g];
		if (!gr->present)
			continue;
		if (!strcmp(gr->owner, cl->cfg.node)) {
			cl_ana_set(cl, g, NVME_ANA_OPTIMIZED);
			continue;
		}
		owner = cl_node_find(&cl->view, gr->owner);
		if (owner && cl_alive(cl, owner)) {
			cl_ana_set(cl, g, NVME_ANA_NONOPTIMIZED);
			continue;
		}
		succ = owner ? cl_successor(cl, owner) : NULL;
		if (succ && !strcmp(succ->name, cl->cfg.node))
			cl_take_over(cl, g, owner);
		else
			cl_ana_set(cl, g, NVME_ANA_CHANGE); /* someone else takes it */
	}
}

/* ---- heartbeat and fencing of ourselves ---------------------------------- */

/* [ctl] What fences us: our state client and our rbd clients. */
static void cl_beat_addrs(struct cluster *cl)
{
	char addrs[CL_ADDRS], *p;
	size_t n;

	n = backend_rbd_addrs(0, addrs, sizeof(addrs));
	while (n && addrs[n - 1] == '\n')
		addrs[--n] = '\0';
	for (p = addrs; (p = strchr(p, '\n'));)
		*p = ',';
	pthread_mutex_lock(&cl->hb_lock);
	snprintf(cl->hb_addrs, sizeof(cl->hb_addrs), "%s%s%s", cl->st.addrs, addrs[0] ? "," : "",
		 addrs);
	pthread_mutex_unlock(&cl->hb_lock);
}

/* [hb] Say we live, every heartbeat_ms, until told to stop. */
static void *cl_beat_main(void *arg)
{
	struct cluster *cl = arg;
	struct timespec ts = { cl->cfg.heartbeat_ms / 1000,
			       (long)(cl->cfg.heartbeat_ms % 1000) * 1000000 };
	char key[64], val[3 * CL_ADDRS];

	snprintf(key, sizeof(key), "node/%s", cl->cfg.node);
	while (!atomic_load(&cl->hb_stop)) {
		pthread_mutex_lock(&cl->hb_lock);
		snprintf(val, sizeof(val), "id=%u hb=%" PRIu64 " addrs=%s", cl->cfg.node_id,
			 ++cl->hb, cl->hb_addrs);
		pthread_mutex_unlock(&cl->hb_lock);
		atomic_store(&cl->hb_rc, cl_store_set(&cl->st, key, val));
		if (atomic_load(&cl->hb_rc) == -ESHUTDOWN) /* fenced: the timer acts */
			break;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int cl_beat_start(struct cluster *cl)
{
	cl_beat_addrs(cl);
	atomic_store(&cl->hb_stop, false);
	atomic_store(&cl->hb_rc, 0);
	if (pthread_create(&cl->hb_thread, NULL, cl_beat_main, cl))
		return -EAGAIN;
	pthread_setname_np(cl->hb_thread, "fccluster");
	cl->hb_running = true;
	return 0;
}

static void cl_beat_stop(struct cluster *cl)
{
	if (!cl->hb_running)
		return;
	atomic_store(&cl->hb_stop, true);
	pthread_join(cl->hb_thread, NULL);
	cl->hb_running = false;
}

/* New clients for the shared namespaces that were fenced. */
static void cl_recover_ns(struct cluster *cl)
{
	struct cl_view *a = &cl->applied;
	char err[256];
	unsigned int i;

	for (i = 0; i < a->nr_ns; i++)
		if (tgt_ns_recover(cl->d->tgt, a->ns[i].nqn, a->ns[i].nsid, err, sizeof(err)))
			log_warnx("cluster: %s namespace %u: %s", a->ns[i].nqn, a->ns[i].nsid, err);
}

/* Our own client was blocklisted: another node took our groups. Stop
 * serving them, get a new client, let the namespaces reconnect. */
static void cl_fenced(struct cluster *cl)
{
	char err[256];
	uint32_t g;

	if (!cl->fenced) {
		log_warnx("cluster: this node was fenced (blocklisted); its ANA groups are "
			  "inaccessible until it rejoins");
		cl->fenced = true;
		for (g = 1; g <= TGT_MAX_ANAGRP; g++)
			if (cl->ana[g] != 0xff)
				cl_ana_set(cl, g, NVME_ANA_INACCESSIBLE);
	}
	cl_beat_stop(cl);
	cl_store_close(&cl->st);
	cl->st_ok = false;
	if (cl_store_open(&cl->st, &cl->cfg, err, sizeof(err))) {
		log_warnx("%s", err);
		return;
	}
	cl->st_ok = true;
	if (cl_beat_start(cl))
		log_warnx("cluster: cannot start the heartbeat thread");
	cl->fenced = false;
	cl->ns_fenced = false;
	cl_recover_ns(cl);
	log_info("cluster: rejoined with a new client (%s)", cl->st.addrs);
}

/* Read the object into the view; false when that failed (fenced: handled). */
static bool cl_read_view(struct cluster *cl)
{
	int rc = cl_read(cl);

	if (rc == -ESHUTDOWN) {
		cl_fenced(cl);
		return false;
	}
	if (rc) {
		log_warnx("cluster: reading the state: %s", strerror(-rc));
		return false;
	}
	return true;
}

static void cl_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct cluster *cl = arg;
	uint64_t now = fcnvme_clock_ms();
	bool due = now >= cl->next_read_ms;

	(void)fd;
	(void)what;
	if (!cl->st_ok || atomic_load(&cl->hb_rc) == -ESHUTDOWN) {
		cl_fenced(cl);
		return;
	}
	if (!due && !atomic_exchange(&cl->st.changed, false))
		return;
	if (due) {
		cl->next_read_ms = now + cl->cfg.heartbeat_ms;
		cl_beat_addrs(cl); /* rbd clients come and go */
		if (cl->ns_fenced && !atomic_load(&cl->hb_rc)) {
			/* our heartbeat goes through: still a member */
			cl->ns_fenced = false;
			cl_recover_ns(cl);
		}
	}
	if (!cl_read_view(cl))
		return;
	now = fcnvme_clock_ms();
	cl_reconcile(cl);
	/* Opening images can take seconds: decide on owners from a fresh
	 * read, not from one the others have beaten since. */
	if (fcnvme_clock_ms() - now >= cl->cfg.heartbeat_ms && !cl_read_view(cl))
		return;
	cl_groups(cl);
}

/* ---- life cycle ------------------------------------------------------------ */

int cluster_start(struct fcd *d, const struct conf_cluster *cc, char *err, size_t errlen)
{
	static const struct timeval tick = { 0, CL_TICK_MS * 1000 };
	struct cluster *cl;
	int rc;

	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	cl->d = d;
	cl->cfg = *cc;
	memset(cl->ana, 0xff, sizeof(cl->ana));
	cl->ana[1] = NVME_ANA_OPTIMIZED; /* group 1 always exists */
	pthread_mutex_init(&cl->hb_lock, NULL);
	rc = cl_store_open(&cl->st, cc, err, errlen);
	if (rc)
		goto out_free_cl;
	cl->st_ok = true;
	rc = cl_beat_start(cl);
	if (rc) {
		snprintf(err, errlen, "cluster: cannot start the heartbeat thread");
		goto out_close;
	}
	cl->timer = event_new(d->base, -1, EV_PERSIST, cl_timer_cb, cl);
	if (!cl->timer || event_add(cl->timer, &tick)) {
		snprintf(err, errlen, "cluster: cannot start the timer");
		rc = -ENOMEM;
		goto out_close;
	}
	d->cluster = cl;
	log_info("cluster: node %s (id %u) joined through %s/%s as %s", cc->node, cc->node_id,
		 cc->pool, cl->st.object, cl->st.addrs);
	cl_timer_cb(-1, 0, cl); /* beat, read, apply now */
	return 0;

out_close:
	if (cl->timer)
		event_free(cl->timer);
	cl_beat_stop(cl);
	cl_store_close(&cl->st);
out_free_cl:
	pthread_mutex_destroy(&cl->hb_lock);
	free(cl);
	return rc;
}

void cluster_stop(struct fcd *d)
{
	struct cluster *cl = d->cluster;

	if (!cl)
		return;
	event_free(cl->timer);
	cl_beat_stop(cl);
	cl_store_close(&cl->st);
	pthread_mutex_destroy(&cl->hb_lock);
	free(cl);
	d->cluster = NULL;
}

/* ---- operations from the control socket ---------------------------------- */

static int cl_ready(struct fcd *d, char *err, size_t errlen)
{
	if (!d->cluster) {
		snprintf(err, errlen, "this node is not in a cluster (no cluster section)");
		return -ENOENT;
	}
	if (!d->cluster->st_ok) {
		snprintf(err, errlen, "this node was fenced and has no cluster client yet");
		return -EAGAIN;
	}
	return 0;
}

/* Tell the others, then read and apply here at once. */
static void cl_refresh(struct cluster *cl)
{
	cl_store_notify(&cl->st);
	atomic_store(&cl->st.changed, true);
	cl_timer_cb(-1, 0, cl);
}

/* Write key=val (NULL: remove), then read and apply. */
static int cl_change(struct cluster *cl, const char *key, const char *val, char *err, size_t errlen)
{
	int rc = cl_store_set(&cl->st, key, val);

	if (rc) {
		snprintf(err, errlen, "cannot write the cluster state: %s", strerror(-rc));
		return rc;
	}
	cl_refresh(cl);
	return 0;
}

void cluster_ns_fenced(struct fcd *d, const char *nqn)
{
	if (d->cluster && cl_subsys_in(&d->cluster->view, nqn))
		d->cluster->ns_fenced = true;
}

bool cluster_has_subsys(struct fcd *d, const char *nqn)
{
	return d->cluster && nqn && cl_subsys_in(&d->cluster->view, nqn);
}

int cluster_subsys_add(struct fcd *d, const char *nqn, bool allow_any, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 16], val[CL_HOSTS + 32];
	const struct cl_subsys *s;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	s = cl_subsys_in(&d->cluster->view, nqn);
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	snprintf(val, sizeof(val), "allow_any=%d hosts=%s", allow_any, s ? s->hosts : "");
	return cl_change(d->cluster, key, val, err, errlen);
}

int cluster_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 16];
	struct cluster *cl = d->cluster;
	unsigned int i;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	for (i = 0; i < cl->view.nr_ns; i++) {
		if (!strcmp(cl->view.ns[i].nqn, nqn)) {
			snprintf(key, sizeof(key), "ns/%s/%u", nqn, cl->view.ns[i].nsid);
			cl_store_set(&cl->st, key, NULL);
		}
	}
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	return cl_change(cl, key, NULL, err, errlen);
}

int cluster_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen)
{
	char key[TGT_NQN_SIZE + 16], val[CL_HOSTS + 32], hosts[CL_HOSTS] = "", h[TGT_NQN_SIZE];
	const struct cl_subsys *s;
	const char *p;
	size_t n;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	s = cl_subsys_in(&d->cluster->view, nqn);
	if (!s) {
		snprintf(err, errlen, "no shared subsystem %s", nqn);
		return -ENOENT;
	}
	for (p = s->hosts; *p;) { /* the list without host */
		n = strcspn(p, ",");
		snprintf(h, sizeof(h), "%.*s", (int)n, p);
		if (h[0] && strcmp(h, host))
			snprintf(hosts + strlen(hosts), sizeof(hosts) - strlen(hosts), "%s%s",
				 hosts[0] ? "," : "", h);
		p += n;
		if (*p)
			p++;
	}
	if (allow)
		snprintf(hosts + strlen(hosts), sizeof(hosts) - strlen(hosts), "%s%s",
			 hosts[0] ? "," : "", host);
	snprintf(key, sizeof(key), "subsys/%s", nqn);
	snprintf(val, sizeof(val), "allow_any=%d hosts=%s", s->allow_any, hosts);
	return cl_change(d->cluster, key, val, err, errlen);
}

int cluster_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 32], val[4 * TGT_RBD_NAME_SIZE];
	struct cluster *cl = d->cluster;
	uint32_t id;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	if (ns->backend != TGT_BACKEND_RBD) {
		snprintf(err, errlen, "a shared subsystem's namespaces are rbd images");
		return -EINVAL;
	}
	if (ns->resv) { /* the state is per node: it would not follow a failover */
		snprintf(err, errlen, "a shared subsystem's namespaces have no reservations");
		return -EOPNOTSUPP;
	}
	if (ns->nsid == 0) {
		for (id = 1; id <= TGT_MAX_NSID && cl_ns_in(&cl->view, nqn, id); id++)
			;
		ns->nsid = id;
	} else if (cl_ns_in(&cl->view, nqn, ns->nsid)) {
		snprintf(err, errlen, "%s already has namespace %u", nqn, ns->nsid);
		return -EEXIST;
	}
	if (ns->nsid > TGT_MAX_NSID) {
		snprintf(err, errlen, "%s has no free NSID", nqn);
		return -ENOSPC;
	}
	snprintf(key, sizeof(key), "ns/%s/%u", nqn, ns->nsid);
	snprintf(val, sizeof(val), "pool=%s image=%s rns=%s group=%u lba=%u", ns->rbd.pool,
		 ns->rbd.image, ns->rbd.rados_ns, ns->anagrpid ? ns->anagrpid : 1,
		 ns->lba_size ? ns->lba_size : 512);
	rc = cl_change(cl, key, val, err, errlen);
	if (!rc && !cl_ns_in(&cl->applied, nqn, ns->nsid)) {
		snprintf(err, errlen,
			 "namespace %u is in the cluster state, but this node "
			 "could not open it (see its log)",
			 ns->nsid);
		return -EIO;
	}
	return rc;
}

int cluster_ns_del(struct fcd *d, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	char key[TGT_NQN_SIZE + 32];
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	snprintf(key, sizeof(key), "ns/%s/%u", nqn, nsid);
	return cl_change(d->cluster, key, NULL, err, errlen);
}

int cluster_group_move(struct fcd *d, uint32_t grpid, const char *node, char *err, size_t errlen)
{
	struct cluster *cl = d->cluster;
	const struct cl_node *n;
	int rc = cl_ready(d, err, errlen);

	if (rc)
		return rc;
	if (!grpid || grpid > TGT_MAX_ANAGRP) {
		snprintf(err, errlen, "ANA group id must be 1-%u", TGT_MAX_ANAGRP);
		return -EINVAL;
	}
	/* judge the target on a fresh read, not on one made before the
	 * control thread last had other work */
	if (!cl_read_view(cl) || !cl->st_ok) {
		snprintf(err, errlen, "cannot read the cluster state");
		return -EIO;
	}
	n = cl_node_find(&cl->view, node);
	if (!n || !cl_alive(cl, n)) {
		snprintf(err, errlen, "node %s is not a live member of the cluster", node);
		return -ENOENT;
	}
	rc = cl_store_lock(&cl->st, CL_LOCK_MS);
	if (rc) {
		snprintf(err, errlen, "cannot lock the cluster state: %s", strerror(-rc));
		return rc;
	}
	rc = cl_group_write(cl, grpid, node, cl->view.groups[grpid].epoch + 1);
	cl_store_unlock(&cl->st);
	if (rc) {
		snprintf(err, errlen, "cannot write the cluster state: %s", strerror(-rc));
		return rc;
	}
	log_info("cluster: ANA group %u handed to %s", grpid, node);
	cl_refresh(cl);
	return 0;
}

int cluster_foreach_node(struct fcd *d, int (*cb)(const struct cluster_node_info *, void *),
			 void *arg)
{
	struct cluster *cl = d->cluster;
	struct cluster_node_info info;
	uint64_t now = fcnvme_clock_ms();
	unsigned int i;
	int rc;

	for (i = 0; cl && i < cl->view.nr_nodes; i++) {
		const struct cl_node *n = &cl->view.nodes[i];

		info.name = n->name;
		info.id = n->id;
		info.self = !strcmp(n->name, cl->cfg.node);
		info.alive = cl_alive(cl, n);
		info.age_ms = now - n->seen_ms;
		info.addrs = n->addrs;
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int cluster_foreach_group(struct fcd *d, int (*cb)(const struct cluster_group_info *, void *),
			  void *arg)
{
	struct cluster *cl = d->cluster;
	struct cluster_group_info info;
	uint32_t g;
	int rc;

	for (g = 1; cl && g <= TGT_MAX_ANAGRP; g++) {
		if (!cl->view.groups[g].present)
			continue;
		info.grpid = g;
		info.owner = cl->view.groups[g].owner;
		info.epoch = cl->view.groups[g].epoch;
		info.state = cl->ana[g] == 0xff ? NVME_ANA_OPTIMIZED : cl->ana[g];
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}
