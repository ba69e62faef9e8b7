// SPDX-License-Identifier: Apache-2.0
/*
 * I/O statistics of the target core, the counting side. Counting happens on the I/O path, on
 * the [hwq] thread that owns the queue, into that queue's own counters
 * (struct sq_stats): a relaxed load and store each, no lock, no
 * read-modify-write, no write another thread makes. The control thread sums
 * queues into controllers, ports and subsystems with relaxed loads, and
 * moves the counters of a destroyed queue into its controller and port
 * (and those of a freed controller into its subsystem) so totals survive.
 */
#include <string.h>

#include "tgt_priv.h"

static inline void st_add(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

static inline uint64_t st_get(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* [hwq] The response to req with status leaves its queue; nsid is the
 * namespace the command addressed (0: none or not visible). Only NVMe
 * commands on I/O queues count (not the admin queue, not Connect). */
void tgt_stats_io_response(struct nvmet_fc_req *req, uint32_t nsid, uint16_t status)
{
	struct sq *sq = req_ctx(req)->sq;
	struct sq_stats *s = &sq->st;
	uint64_t t0 = req_ctx(req)->t0, now, lat;

	if (!sq->qid || req->cmd->common.opcode == nvme_fabrics_command)
		return;
	now = clock_now_ns(sq->t->clock);
	lat = now > t0 ? now - t0 : 0;

	st_add(&s->c[SQ_ST_CMDS], 1);
	fcnvme_hist_record(&s->lat, lat);
	if (lat > st_get(&s->c[SQ_ST_LAT_MAX]))
		atomic_store_explicit(&s->c[SQ_ST_LAT_MAX], lat, memory_order_relaxed);
	if (status)
		st_add(&s->c[SQ_ST_ERRORS], 1);
	if (nsid && sq->ns) {
		struct sq_ns *v = &sq->ns[nsid];
		struct sq_ns_lat *l = atomic_load_explicit(&v->lat, memory_order_acquire);

		st_add(&v->st[NS_ST_CMDS], 1);
		if (status)
			st_add(&v->st[NS_ST_ERRORS], 1);
		if (l) {
			fcnvme_hist_record(&l->lat, lat);
			if (lat > st_get(&l->max))
				atomic_store_explicit(&l->max, lat, memory_order_relaxed);
		}
	}
}

/* [hwq] A command req_init accepted is dropped without a response. */
void tgt_stats_io_abort(struct sq *sq, uint32_t nsid)
{
	st_add(&sq->st.c[SQ_ST_ABORTS], 1);
	if (nsid && sq->ns)
		st_add(&sq->ns[nsid].st[NS_ST_ABORTS], 1);
}

/* [hwq] A Read/Compare (write false) or Write of len bytes executes. */
void tgt_stats_io_bytes(struct sq *sq, bool write, uint64_t len)
{
	st_add(&sq->st.c[write ? SQ_ST_WBYTES : SQ_ST_RBYTES], len);
}

/* [ctl] Add the live counters of one queue into dst. */
void tgt_stats_io_sq(const struct sq *sq, struct tgt_io_stats *dst)
{
	const struct sq_stats *s = &sq->st;
	uint64_t max = st_get(&s->c[SQ_ST_LAT_MAX]);

	dst->cmds += st_get(&s->c[SQ_ST_CMDS]);
	dst->errors += st_get(&s->c[SQ_ST_ERRORS]);
	dst->aborts += st_get(&s->c[SQ_ST_ABORTS]);
	dst->read_bytes += st_get(&s->c[SQ_ST_RBYTES]);
	dst->write_bytes += st_get(&s->c[SQ_ST_WBYTES]);
	if (max > dst->lat_max_ns)
		dst->lat_max_ns = max;
	fcnvme_hist_add(&dst->lat, &s->lat);
}

/* [ctl] Add a controller's I/O queues, live and destroyed, into dst. */
void tgt_stats_io_ctrl(const struct ctrl *c, struct tgt_io_stats *dst)
{
	unsigned int q;

	tgt_stats_add(dst, &c->st_gone);
	for (q = 1; q <= TGT_MAX_QID; q++)
		if (c->sqs[q])
			tgt_stats_io_sq(c->sqs[q], dst);
}

/* [ctl] I/O queue sq (of controller c, or NULL) is destroyed: keep its
 * counters in the controller and the port. The admin queue is not
 * counted. */
void tgt_stats_io_sq_gone(struct sq *sq, struct ctrl *c)
{
	if (!sq->qid)
		return;
	if (c)
		tgt_stats_io_sq(sq, &c->st_gone);
	if (sq->port)
		tgt_stats_io_sq(sq, &sq->port->st_gone);
}
