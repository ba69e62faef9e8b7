// SPDX-License-Identifier: Apache-2.0
/*
 * Reading the state object into a view (blocking, or page by page without
 * blocking for the timer), and looking things up in it:
 * the words of an entry, nodes, liveness (as of our last read), shared
 * subsystems and namespaces, host lists. [ctl]
 * See cluster.c for the design.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/clock.h>

#include "cluster_priv.h"

/* The value of word key= in v (up to a space), or "" . */
void cl_word(const char *v, const char *key, char *out, size_t len)
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

uint64_t cl_word_u64(const char *v, const char *key)
{
	char b[32];

	cl_word(v, key, b, sizeof(b));
	return strtoull(b, NULL, 10);
}

/* ---- reading the object ---------------------------------------------------- */

struct cl_node *cl_node_find(struct cl_view *v, const char *name)
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
		cl_word(val, "hosts", n->hosts, sizeof(n->hosts));
	}
}

/* Make v, read from our clock's start_ms on, cl->view, carrying each
 * node's liveness over. A read that ends failed reads, or that itself
 * took dead_ms / 2 or more, ends a stall of the object (an OSD stalled or
 * out of reach): the others' heartbeats could not be written meanwhile
 * either, and those they send as it comes back may land after our next
 * reads. Nobody is judged lost on beats missed before then (grace_ms): that
 * would fence live nodes. One that died meanwhile is found dead_ms later. */
static void cl_read_commit(struct cluster *cl, struct cl_view *v, uint64_t start_ms)
{
	uint64_t now = fcnvme_clock_ms();
	struct cl_node *old;
	unsigned int i;

	if (cl->read_fails || now - start_ms >= cl->cfg.dead_ms / 2)
		cl->grace_ms = now;
	for (i = 0; i < v->nr_nodes; i++) {
		old = cl_node_find(&cl->view, v->nodes[i].name);
		v->nodes[i].seen_ms = old && old->hb == v->nodes[i].hb ? old->seen_ms : start_ms;
	}
	memcpy(cl->view.nodes, v->nodes, sizeof(v->nodes));
	cl->view.nr_nodes = v->nr_nodes;
	cl->read_ms = start_ms;
	memcpy(cl->view.groups, v->groups, sizeof(v->groups));
	memcpy(cl->view.subsys, v->subsys, sizeof(v->subsys));
	cl->view.nr_subsys = v->nr_subsys;
	memcpy(cl->view.ns, v->ns, sizeof(v->ns));
	cl->view.nr_ns = v->nr_ns;
	cl->view_gen++;
}

/* Read the object into cl->view now (blocking). */
int cl_read(struct cluster *cl)
{
	struct cl_view *v = malloc(sizeof(*v));
	uint64_t now = fcnvme_clock_ms();
	int rc;

	if (!v)
		return -ENOMEM;
	rc = cl_read_into(cl, v);
	if (!rc)
		cl_read_commit(cl, v, now);
	free(v);
	return rc;
}

int cl_read_into(struct cluster *cl, struct cl_view *v)
{
	struct cl_read r = { cl, v };

	memset(v, 0, sizeof(*v));
	return cl_store_read(&cl->st, cl_read_entry, &r);
}

/* The timer's read is over: its view goes. */
static void cl_read_drop(struct cluster *cl)
{
	free(cl->rd_view);
	cl->rd_view = NULL;
}

int cl_read_begin(struct cluster *cl)
{
	int rc;

	if (cl->rd_view)
		return -EBUSY;
	cl->rd_view = calloc(1, sizeof(*cl->rd_view));
	if (!cl->rd_view)
		return -ENOMEM;
	cl->rd_start_ms = fcnvme_clock_ms();
	cl->rd_gen = cl->view_gen;
	cl->rd_seq++;
	rc = cl_store_aread_start(&cl->st);
	if (rc)
		cl_read_drop(cl);
	return rc;
}

int cl_read_step(struct cluster *cl)
{
	struct cl_read r = { cl, cl->rd_view };
	int rc;

	if (!cl->rd_view)
		return -ENOENT;
	rc = cl_store_aread_poll(&cl->st, cl_read_entry, &r);
	if (rc == -EINPROGRESS)
		return rc;
	/* A blocking read that started later and ended first (a command's)
	 * is the newer view: keep it. */
	if (!rc && cl->view_gen == cl->rd_gen)
		cl_read_commit(cl, cl->rd_view, cl->rd_start_ms);
	cl_read_drop(cl);
	return rc;
}

void cl_read_cancel(struct cluster *cl)
{
	if (!cl->rd_view)
		return;
	cl_store_aread_cancel(&cl->st);
	cl_read_drop(cl);
}

/* Whether the state object answers now: 0, or -EAGAIN with err said when
 * the last read failed, or the timer's read or a command's edit has
 * waited CL_SLOW_MS (a few ms when the cluster is well; no read starts
 * while an edit runs). A command's edit waits on the cluster on a thread
 * of its own (cluster_edit.c), but one at a time: a command refused at
 * once while the object does not answer is told so, rather than wait its
 * turn behind an edit that waits up to the op timeout (10 s) per call. */
int cl_answers(struct cluster *cl, char *err, size_t errlen)
{
	uint64_t now = fcnvme_clock_ms(), waited = now - cl->rd_start_ms;

	if (cl->job_running && cl->job.kind == CL_JOB_EDIT && now - cl->job.t0_ms >= CL_SLOW_MS) {
		snprintf(err, errlen,
			 "the cluster has not answered an edit of its state (%s) for %llu ms; try "
			 "again when it answers",
			 cl_edit_name(cl->edit.a.kind), (unsigned long long)(now - cl->job.t0_ms));
		return -EAGAIN;
	}
	if (cl->read_fails) {
		snprintf(err, errlen,
			 "the cluster state cannot be read (the last %u read(s) failed, see the "
			 "log); try again when the cluster answers",
			 cl->read_fails);
		return -EAGAIN;
	}
	if (cl->rd_view && waited >= CL_SLOW_MS && cl_store_aread_waiting(&cl->st)) {
		snprintf(err, errlen,
			 "the cluster has not answered a read of its state for %llu ms; try again "
			 "when it answers",
			 (unsigned long long)waited);
		return -EAGAIN;
	}
	return 0;
}

/* Whether n was alive when we last read the object. Not against the
 * clock now: after a read we may spend seconds opening images (or a
 * command may wait while the control thread is busy), and a live node
 * whose beats we simply did not look at meanwhile must not be fenced. Nor
 * against beats missed before the end of a stall (grace_ms). */
bool cl_alive(struct cluster *cl, const struct cl_node *n)
{
	uint64_t since = n->seen_ms > cl->grace_ms ? n->seen_ms : cl->grace_ms;

	if (!strcmp(n->name, cl->cfg.node))
		return !cl->fenced;
	return cl->read_ms < since || cl->read_ms - since < cl->cfg.dead_ms;
}

/* ---- looking things up in a view ------------------------------------------ */

const struct cl_subsys *cl_subsys_in(const struct cl_view *v, const char *nqn)
{
	unsigned int i;

	for (i = 0; i < v->nr_subsys; i++)
		if (!strcmp(v->subsys[i].nqn, nqn))
			return &v->subsys[i];
	return NULL;
}

const struct cl_ns *cl_ns_in(const struct cl_view *v, const char *nqn, uint32_t nsid)
{
	unsigned int i;

	for (i = 0; i < v->nr_ns; i++)
		if (v->ns[i].nsid == nsid && !strcmp(v->ns[i].nqn, nqn))
			return &v->ns[i];
	return NULL;
}

/* ---- host lists ("h1,h2": subsystems' allowed hosts, namespaces' masks) -- */

const char *cl_list_next(const char *p, char *h, size_t len)
{
	size_t n;

	h[0] = '\0';
	while (p && *p && !h[0]) {
		n = strcspn(p, ",");
		snprintf(h, len, "%.*s", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
	return h[0] ? p : NULL;
}

bool cl_list_has(const char *list, const char *host)
{
	char h[TGT_NQN_SIZE];
	const char *p = list;

	while ((p = cl_list_next(p, h, sizeof(h))))
		if (!strcmp(h, host))
			return true;
	return false;
}

int cl_list_edit(const char *list, const char *host, bool add, char *out, size_t len)
{
	char h[TGT_NQN_SIZE];
	const char *p = list;
	size_t n = 0;

	out[0] = '\0';
	while ((p = cl_list_next(p, h, sizeof(h)))) {
		if (!strcmp(h, host))
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "," : "", h);
	}
	if (add)
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "," : "", host);
	return n < len ? 0 : -ENOSPC;
}
