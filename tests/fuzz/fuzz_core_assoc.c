// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_core_cmd's transport side of associations and queues, as nvmet_fc
 * (libfcnvme/target/nvmet_fc_assoc.c) keeps them: which queues take
 * commands, the teardown (sq_stop, abort what has not run, wait for the
 * rest, sq_destroy: fz.stopping, fz.terminating) and the hwqs' polling.
 */
#include <stdlib.h>

#include "fuzz_core.h"

/* One of the associations (sel picks), or NULL if none. */
struct h_assoc *fz_assoc_pick(uint8_t sel)
{
	if (!H->nr_assocs)
		return NULL;
	return H->assocs[sel % H->nr_assocs];
}

int fz_assoc_idx(const struct h_assoc *a)
{
	int i;

	for (i = 0; i < H->nr_assocs; i++)
		if (H->assocs[i] == a)
			return i;
	abort();
}

/* a's queue qid is alive and not stopping: it takes commands. */
bool fz_assoc_queue_open(const struct h_assoc *a, uint16_t qid)
{
	int i = fz_assoc_idx(a);

	return a->alive[qid] && !fz.terminating[i] && !(fz.stopping[i] & 1u << qid);
}

void fz_assoc_poll(void)
{
	int i;

	for (i = 0; i < 64; i++)
		if (tgt_hwq_poll(H->t, 0) + tgt_hwq_poll(H->t, 1) == 0)
			break;
}

/* The transport's teardown, as nvmet_fc's: sq_stop, abort what has not
 * run, then wait until every request of the queue completed (those in
 * the backend complete when a later record, or the end, finishes them:
 * fz_assoc_reap), then sq_destroy. */
void fz_assoc_down(struct h_assoc *a)
{
	int i = fz_assoc_idx(a), q;

	if (!a->alive[0] || fz.terminating[i])
		return;
	H->fail_hwq = H->fail_ctl = 0;
	fz.terminating[i] = true;
	for (q = 0; q <= FZ_MAX_QID; q++)
		if (a->alive[q] && !(fz.stopping[i] & 1u << q)) {
			fz.stopping[i] |= 1u << q;
			h_queue_stop(a, (uint16_t)q);
		}
	fz_req_release_all(a, -1, true, false);
	fz_assoc_poll();
	tgt_timer_tick(H->t);
	fz_req_check_drained(a, -1);
}

/* The same for one I/O queue. */
void fz_assoc_queue_down(struct h_assoc *a, uint16_t qid)
{
	int i = fz_assoc_idx(a);

	if (!fz_assoc_queue_open(a, qid))
		return;
	H->fail_hwq = H->fail_ctl = 0;
	fz.stopping[i] |= 1u << qid;
	h_queue_stop(a, qid);
	fz_req_release_all(a, qid, true, false);
	fz_assoc_poll();
	tgt_timer_tick(H->t);
	fz_req_check_drained(a, qid);
}

/* Associations whose teardown the core asked for (delete_assoc). */
void fz_assoc_deletes(void)
{
	int i;

	for (i = 0; i < H->nr_assocs; i++)
		if (H->assocs[i]->nr_delete && H->assocs[i]->alive[0] && !fz.terminating[i])
			fz_assoc_down(H->assocs[i]);
}

/* Destroy the stopped queues that drained (an association's all at once,
 * admin queue last, once all drained); free the requests done. */
void fz_assoc_reap(void)
{
	int i, q;

	for (i = 0; i < H->nr_assocs; i++) {
		struct h_assoc *a = H->assocs[i];
		bool busy = false;

		for (q = 0; q <= FZ_MAX_QID; q++) {
			if (!(fz.stopping[i] & 1u << q))
				continue;
			if (fz_req_busy(a, q)) {
				busy = true;
				continue;
			}
			if (!fz.terminating[i]) {
				h_queue_destroy(a, (uint16_t)q);
				fz.stopping[i] &= ~(1u << q);
			}
		}
		if (fz.terminating[i] && !busy && fz.stopping[i]) {
			h_assoc_destroy(a);
			fz.stopping[i] = 0;
			fz.per_tp[a->tp == &H->tp2]--;
		}
	}
	fz_req_sweep();
}
