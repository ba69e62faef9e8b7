// SPDX-License-Identifier: Apache-2.0
/*
 * Control handler for statistics: rows per port, per subsystem (each
 * followed by its namespaces) and per host (host NQN and host WWPN, summed
 * over that host's live associations), from the NVMe core's counters.
 * Every row carries commands, bytes read and written, errors, aborts and
 * latency percentiles (p50, p99, p99.9: within 1/16, see
 * tgt_stats_percentile() in tgt.h; max exact) of the I/O queues' commands,
 * the exact sum of their latencies and the histogram itself (its non-empty
 * buckets, FCNVME_A_LAT_HIST) for clients that compute their own
 * percentiles or OpenMetrics buckets. An FCNVME_A_OBJ in the request keeps
 * rows of that kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "port.h"
#include "core/tgt.h"

/* What one row says besides its counters. */
struct stats_key {
	uint8_t obj;	     /* enum fcnvme_obj */
	const char *name;    /* port name, or NULL */
	uint16_t portid;     /* port rows */
	const char *nqn;     /* subsystem NQN, or NULL */
	uint32_t nsid;	     /* namespace rows, or 0 */
	const char *hostnqn; /* host rows, or NULL */
	uint64_t wwpn;	     /* host rows */
	uint64_t refusals;   /* port rows: port_view.refusals */
	uint64_t conflicts;  /* port rows: port_view.host_conflicts */
};

/* One host: a (host NQN, host WWPN) pair. */
struct stats_host {
	char hostnqn[TGT_NQN_SIZE];
	uint64_t wwpn;
	struct tgt_io_stats st;
};

struct stats_walk {
	struct ctl_req *req;
	int only; /* enum fcnvme_obj, or -1 for all */
	struct stats_host *hosts;
	size_t nr_hosts;
};

static int put_key(struct nl_msg *m, const struct stats_key *k)
{
	int rc = fcnvme_msg_put_u8(m, FCNVME_A_OBJ, k->obj);

	if (!rc && k->name != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_NAME, k->name);
	if (!rc && k->obj == FCNVME_OBJ_PORT) {
		rc = fcnvme_msg_put_u16(m, FCNVME_A_PORTID, k->portid);
		if (!rc)
			rc = fcnvme_msg_put_u64(m, FCNVME_A_REFUSALS, k->refusals);
		if (!rc)
			rc = fcnvme_msg_put_u64(m, FCNVME_A_HOST_CONFLICTS, k->conflicts);
	}
	if (!rc && k->nqn != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_NQN, k->nqn);
	if (!rc && k->nsid != 0)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NSID, k->nsid);
	if (!rc && k->hostnqn != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_HOST_NQN, k->hostnqn);
	if (!rc && k->obj == FCNVME_OBJ_HOST)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_WWPN, k->wwpn);
	return rc;
}

/* A row: its key, counters and latency percentiles. */
static int put_io_row(struct stats_walk *w, const struct stats_key *k,
		      const struct tgt_io_stats *st)
{
	struct nl_msg *m;
	int rc;

	if (w->only >= 0 && w->only != k->obj)
		return 0;
	m = ctl_reply_new(w->req);
	if (m == NULL)
		return ctl_fail(w->req, -ENOMEM, "out of memory");
	rc = put_key(m, k);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_CMDS, st->cmds);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_BYTES_READ, st->read_bytes);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_BYTES_WRITTEN, st->write_bytes);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_ERRORS, st->errors);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_ABORTS, st->aborts);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_LAT_P50, tgt_stats_percentile(st, 500));
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_LAT_P99, tgt_stats_percentile(st, 990));
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_LAT_P999, tgt_stats_percentile(st, 999));
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_LAT_MAX, st->lat_max_ns);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_LAT_SUM,
					atomic_load_explicit(&st->lat.sum, memory_order_relaxed));
	if (!rc)
		rc = fcnvme_msg_put_hist(m, FCNVME_A_LAT_HIST, &st->lat);
	return ctl_reply_send(w->req, m, rc);
}

static int ns_row(const struct tgt_ns_info *ni, void *arg)
{
	struct stats_key k = { .obj = FCNVME_OBJ_NS, .nqn = ni->subnqn, .nsid = ni->nsid };

	return put_io_row(arg, &k, &ni->stats);
}

static int subsys_rows(const struct tgt_subsys_info *si, void *arg)
{
	struct stats_walk *w = arg;
	struct stats_key k = { .obj = FCNVME_OBJ_SUBSYS, .nqn = si->nqn };
	int rc;

	rc = put_io_row(w, &k, &si->stats);
	if (rc)
		return rc;
	return tgt_ns_foreach(w->req->d->tgt, si->nqn, ns_row, w);
}

/* Sum a controller into its host's entry. */
static int host_add(const struct tgt_ctrl_info *ci, void *arg)
{
	struct stats_walk *w = arg;
	struct stats_host *h;
	size_t i;

	if (ci->discovery || ci->hostnqn == NULL)
		return 0;
	for (i = 0; i < w->nr_hosts; i++) {
		h = &w->hosts[i];
		if (h->wwpn == ci->host_wwpn && !strcmp(h->hostnqn, ci->hostnqn)) {
			tgt_stats_add(&h->st, &ci->stats);
			return 0;
		}
	}
	h = realloc(w->hosts, (w->nr_hosts + 1) * sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	w->hosts = h;
	h = &w->hosts[w->nr_hosts++];
	memset(h, 0, sizeof(*h));
	strncpy(h->hostnqn, ci->hostnqn, sizeof(h->hostnqn) - 1);
	h->wwpn = ci->host_wwpn;
	tgt_stats_add(&h->st, &ci->stats);
	return 0;
}

static int host_cmp(const void *a, const void *b)
{
	const struct stats_host *x = a, *y = b;
	int c = strcmp(x->hostnqn, y->hostnqn);

	if (c)
		return c;
	return x->wwpn < y->wwpn ? -1 : x->wwpn > y->wwpn;
}

static int host_rows(struct stats_walk *w)
{
	struct stats_key k = { .obj = FCNVME_OBJ_HOST };
	size_t i;
	int rc;

	rc = tgt_ctrl_foreach(w->req->d->tgt, host_add, w);
	if (rc)
		return ctl_fail(w->req, rc, "out of memory");
	if (w->nr_hosts > 1)
		qsort(w->hosts, w->nr_hosts, sizeof(*w->hosts), host_cmp);
	for (i = 0; !rc && i < w->nr_hosts; i++) {
		k.hostnqn = w->hosts[i].hostnqn;
		k.wwpn = w->hosts[i].wwpn;
		rc = put_io_row(w, &k, &w->hosts[i].st);
	}
	return rc;
}

/* A port's row: the core's counters of its portid, the port's own. */
static int port_row(const struct port_view *v, void *arg)
{
	struct stats_walk *w = arg;
	struct stats_key k = { .obj = FCNVME_OBJ_PORT,
			       .name = v->name,
			       .portid = v->portid,
			       .refusals = v->refusals,
			       .conflicts = v->host_conflicts };
	struct tgt_io_stats st;

	if (tgt_port_stats(w->req->d->tgt, k.portid, &st) != 0)
		return 0; /* not registered with the core */
	return put_io_row(w, &k, &st);
}

/* stats */
int ctl_stats(struct ctl_req *req)
{
	struct stats_walk w = { req, -1, NULL, 0 };
	int rc;

	if (fcnvme_msg_has(req->msg, FCNVME_A_OBJ))
		w.only = ctl_opt_u8(req, FCNVME_A_OBJ, 0);
	rc = port_foreach(req->d, port_row, &w);
	if (!rc)
		rc = tgt_subsys_foreach(req->d->tgt, subsys_rows, &w);
	if (!rc)
		rc = host_rows(&w);
	free(w.hosts);
	return rc;
}
