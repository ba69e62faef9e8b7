// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_core_cmd's requests (fz.reqs): made with a data buffer of exactly
 * the transfer length, passed to the core (req_init), executed, aborted or
 * held until their data arrives, checked when they complete, freed once
 * done.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core.h"

struct fz_req *fz_req_find(const struct nvmet_fc_req *req)
{
	int i;

	for (i = 0; i < fz.nr_reqs; i++)
		if (fz.reqs[i].r && &fz.reqs[i].r->req == req)
			return &fz.reqs[i];
	return NULL;
}

/* h_req_new's request with a data buffer of exactly len bytes (h_req_new
 * pads it to whole pages and one more, which would hide a write past the
 * transfer length from AddressSanitizer). */
struct h_req *fz_req_new(struct h_assoc *a, uint16_t qid, uint32_t len)
{
	struct h_req *r = h_req_new(a, qid, len);

	free(r->data);
	r->data = malloc(len);
	if (!r->data && len)
		abort();
	memset(r->data, 0, len);
	r->req.data = r->data;
	return r;
}

/* The transport's queue_response: exactly once, only for accepted
 * requests, with the CQE filled in. */
static void fz_req_response(struct nvmet_fc_req *req)
{
	struct fz_req *f = fz_req_find(req);
	struct h_req *r = (struct h_req *)req;
	uint16_t st = le16toh(r->cqe.status) >> 1;

	if (!f)
		fz_fail("completion of an unknown request", r);
	if (fz.trace)
		fprintf(stderr, "  cid %u qid %u: status %#x\n", le16toh(r->cqe.command_id), f->qid,
			st);
	if (++r->nr_done > 1)
		fz_fail("request completed twice", r);
	if (!f->accepted)
		fz_fail("completion of a request refused, aborted or not executed yet", r);
	if (r->cqe.command_id != r->cmd.common.command_id || le16toh(r->cqe.sq_id) != f->qid)
		fz_fail("completion names another command or queue", r);
	if (!f->a->alive[f->qid])
		fz_fail("completion after its queue was destroyed", r);
	if (h_be_holds(req))
		fz_fail("completed while the backend still holds it", r);
	/* one backend operation (not Dataset Management's ranges, not a
	 * fused pair's): its status */
	if (f->be_n == 1 && f->be_op != BE_DISCARD && f->be_op != BE_COMPARE_WRITE &&
	    st != f->be_st)
		fz_fail("status differs from the backend's", r);
	if (f->rchk && !st && fz_be_hash(r->data, r->req.transfer_len) != f->rhash)
		fz_fail("Read's data changed after the backend filled it", r);
	/* generic, command specific, media or path status */
	if (((st >> 8) & 7) > 3)
		fz_fail("status of an unknown type", r);
	f->done = true;
	if (!st && r->cmd.common.opcode == nvme_fabrics_command &&
	    r->cmd.fabrics.fctype == nvme_fabrics_type_auth_receive) {
		struct fcnvme_auth_challenge ch;

		if (!fcnvme_auth_parse_challenge(r->data, r->req.transfer_len, &ch) &&
		    ch.dhgid == FCNVME_AUTH_DH_NULL && ch.hl <= FCNVME_AUTH_MAX_HASH) {
			fz.chal.a = f->a;
			fz.chal.tid = ch.tid;
			fz.chal.hash = ch.hashid;
			fz.chal.hl = ch.hl;
			fz.chal.seq = ch.seq;
			memcpy(fz.chal.c1, ch.cval, ch.hl);
		}
	}
}

/* req_init, then execute, abort or hold (until fz_req_release_all);
 * refused requests must not complete. */
void fz_req_submit(struct h_assoc *a, uint16_t qid, struct h_req *r, enum fz_run run)
{
	struct fz_req *f = &fz.reqs[fz.nr_reqs++];
	uint16_t st;

	memset(f, 0, sizeof(*f));
	f->r = r;
	f->a = a;
	f->qid = qid;
	/* command ids from 1 in every run, so that an Abort's target is
	 * the input's, not the previous runs' */
	r->cmd.common.command_id = htole16((uint16_t)fz.nr_reqs);
	r->req.queue_response = fz_req_response;
	st = tgt_core_ops()->req_init(H->t, &r->req);
	if (fz.trace)
		fprintf(stderr,
			"cid %u qid %u opcode %#x fctype %#x nsid %#x len %u: req_init %#x%s\n",
			fz.nr_reqs, qid, r->cmd.common.opcode, r->cmd.fabrics.fctype,
			le32toh(r->cmd.common.nsid), r->req.transfer_len, st,
			!st && run == FZ_ABORT	? " (aborted)"
			: !st && run == FZ_HOLD ? " (held)"
						: "");
	if (st) {
		if (le16toh(r->cqe.status) >> 1 != st)
			fz_fail("refusal's CQE status differs from req_init's", r);
		return;
	}
	if (!r->req.execute)
		fz_fail("accepted without execute", r);
	f->held = true;
	if (run != FZ_HOLD)
		fz_req_release(f, run == FZ_ABORT);
}

/* A held request's data arrived (execute), or will not (the transport's
 * req_abort). */
void fz_req_release(struct fz_req *f, bool abort_it)
{
	struct h_req *r = f->r;

	f->held = false;
	if (abort_it) {
		tgt_core_ops()->req_abort(H->t, &r->req);
		return;
	}
	f->accepted = true;
	r->req.execute(&r->req);
}

/* Release the held requests of a's queue qid (of every queue: -1; of every
 * association: a NULL), last held first if reverse. */
void fz_req_release_all(const struct h_assoc *a, int qid, bool abort_it, bool reverse)
{
	int i, n = fz.nr_reqs;

	for (i = 0; i < n; i++) {
		struct fz_req *f = &fz.reqs[reverse ? n - 1 - i : i];

		if (f->r && f->held && (!a || (f->a == a && (qid < 0 || f->qid == qid))))
			fz_req_release(f, abort_it);
	}
}

/* Requests of a's queue qid the core has not completed. */
bool fz_req_busy(const struct h_assoc *a, int qid)
{
	int i;

	for (i = 0; i < fz.nr_reqs; i++) {
		struct fz_req *f = &fz.reqs[i];

		if (f->r && f->a == a && f->qid == qid && f->accepted && !f->done)
			return true;
	}
	return false;
}

/* After sq_stop and polling, the queue's requests (of every queue: -1)
 * have all completed but those in the backend and a Preempt and Abort
 * that waits for them. */
void fz_req_check_drained(const struct h_assoc *a, int qid)
{
	int i;

	for (i = 0; i < fz.nr_reqs; i++) {
		struct fz_req *f = &fz.reqs[i];

		if (f->r && f->a == a && (qid < 0 || f->qid == qid) && f->accepted && !f->done &&
		    !fz_be_waits(f->r) && !fz_be_preempt_waits(f->r))
			fz_fail("request still held after its queue stopped", f->r);
	}
}

/* Free the requests that completed (a late touch by the core is then a
 * use after free). */
void fz_req_sweep(void)
{
	int i;

	for (i = 0; i < fz.nr_reqs; i++) {
		struct fz_req *f = &fz.reqs[i];

		if (f->r && !f->held && (f->done || !f->accepted)) {
			if (!f->accepted && f->r->nr_done)
				fz_fail("refused request completed", f->r);
			h_req_free(f->r);
			f->r = NULL;
		}
	}
}
