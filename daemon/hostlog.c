// SPDX-License-Identifier: Apache-2.0
/*
 * Who tried to log in on one target port (see hostlog.h). A plain array in
 * order of first sight: HOSTLOG_MAX entries are few enough for linear
 * search on the control thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostlog.h"

static struct hostlog_entry *hostlog_lookup(const struct hostlog *hl, uint64_t wwpn)
{
	unsigned int i;

	for (i = 0; i < hl->n; i++)
		if (hl->e[i].wwpn == wwpn)
			return &hl->e[i];
	return NULL;
}

const struct hostlog_entry *hostlog_find(const struct hostlog *hl, uint64_t wwpn)
{
	return hostlog_lookup(hl, wwpn);
}

/* The entry to give up for a new one: the logged-out entry seen longest
 * ago, else the entry seen longest ago. */
static unsigned int hostlog_victim(const struct hostlog *hl)
{
	unsigned int i, out = hl->n, any = 0;

	for (i = 0; i < hl->n; i++) {
		if (!hl->e[i].logged_in && (out == hl->n || hl->e[i].last_ms < hl->e[out].last_ms))
			out = i;
		if (hl->e[i].last_ms < hl->e[any].last_ms)
			any = i;
	}
	return out < hl->n ? out : any;
}

/* The entry of wwpn, created (evicting one when full) if new. */
static struct hostlog_entry *hostlog_get(struct hostlog *hl, uint64_t wwpn, uint64_t now_ms)
{
	struct hostlog_entry *e = hostlog_lookup(hl, wwpn);
	unsigned int v;

	if (e) {
		e->last_ms = now_ms;
		return e;
	}
	if (hl->n == HOSTLOG_MAX) {
		v = hostlog_victim(hl);
		memmove(&hl->e[v], &hl->e[v + 1], (hl->n - v - 1) * sizeof(hl->e[0]));
		hl->n--;
	}
	if (hl->n == hl->cap) {
		unsigned int cap = hl->cap ? hl->cap * 2 : 8;

		if (cap > HOSTLOG_MAX)
			cap = HOSTLOG_MAX;
		e = realloc(hl->e, cap * sizeof(*e));
		if (!e)
			return NULL;
		hl->e = e;
		hl->cap = cap;
	}
	e = &hl->e[hl->n++];
	memset(e, 0, sizeof(*e));
	e->wwpn = wwpn;
	e->last_ms = now_ms;
	/* Only a logged-in port can send an LS or a Connect. */
	e->logged_in = true;
	return e;
}

int hostlog_login(struct hostlog *hl, uint64_t wwnn, uint64_t wwpn, uint32_t nport_id,
		  uint64_t now_ms)
{
	struct hostlog_entry *e = hostlog_get(hl, wwpn, now_ms);

	if (!e)
		return -ENOMEM;
	e->wwnn = wwnn;
	e->nport_id = nport_id;
	e->logged_in = true;
	return 0;
}

void hostlog_logout(struct hostlog *hl, uint64_t wwpn, uint64_t now_ms)
{
	struct hostlog_entry *e = hostlog_lookup(hl, wwpn);

	if (e) {
		e->logged_in = false;
		e->last_ms = now_ms;
	}
}

int hostlog_connect(struct hostlog *hl, uint64_t wwpn, const char *nqn, uint64_t now_ms)
{
	struct hostlog_entry *e;
	struct hostlog_nqn keep;
	unsigned int i;

	if (!nqn || !*nqn)
		return 0;
	e = hostlog_get(hl, wwpn, now_ms);
	if (!e)
		return -ENOMEM;
	for (i = 0; i < e->nr_nqns; i++)
		if (!strcmp(e->nqns[i].nqn, nqn))
			break;
	if (i == e->nr_nqns) {
		/* New: it takes the place of the one used longest ago. */
		if (e->nr_nqns < HOSTLOG_NQNS)
			e->nr_nqns++;
		i = e->nr_nqns - 1;
		memset(&e->nqns[i], 0, sizeof(e->nqns[i]));
		snprintf(e->nqns[i].nqn, sizeof(e->nqns[i].nqn), "%s", nqn);
	}
	keep = e->nqns[i];
	keep.count++;
	keep.last_ms = now_ms;
	/* Most recent first. */
	memmove(&e->nqns[1], &e->nqns[0], i * sizeof(e->nqns[0]));
	e->nqns[0] = keep;
	return 0;
}

int hostlog_refused(struct hostlog *hl, uint64_t wwpn, const char *reason, const char *subsys,
		    uint16_t status, uint64_t now_ms)
{
	struct hostlog_entry *e = hostlog_get(hl, wwpn, now_ms);

	if (!e)
		return -ENOMEM;
	e->refusals++;
	snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
	snprintf(e->subsys, sizeof(e->subsys), "%s", subsys ? subsys : "");
	e->status = status;
	e->refused_ms = now_ms;
	return 0;
}

void hostlog_free(struct hostlog *hl)
{
	free(hl->e);
	memset(hl, 0, sizeof(*hl));
}
