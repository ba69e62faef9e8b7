// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the NVMe target core's commands (daemon/core),
 * driven through the core test harness (tests/unit/core_harness.c: fake
 * env, transport and clock; a ram namespace 1 of 1 MiB on H_SUBNQN that
 * can compare and write). Both namespaces sit on the harness's
 * test-driven backend (h_be_use: ram underneath), which answers each
 * submission as the input's backend policy says: at once, with an error
 * status a file or rbd backend gives, or BE_PENDING, the operation held
 * until a record (or the end) completes it through tgt_req_io_done, as the
 * file and rbd backends do from their completion paths.
 *
 * Input: one setup byte (a second namespace and its kind, reservations,
 * host masking, a second host, DH-HMAC-CHAP, a ready controller), then
 * records: admin and I/O commands whose SQE fields and data come from the
 * input (the opcode mostly from the implemented set), executed at once,
 * aborted (their data never came) or held until a later record lets their
 * data arrive; DH-HMAC-CHAP Replies with the right response to the last
 * Challenge; Connects with chosen fields on new associations or queues;
 * queue and association teardown; clock advances with the timer tick
 * (keep-alive expiry); namespace changes (hide, mask, grow, remove and add
 * again, ANA state); full rings (the hwq's: completions and namespace
 * messages retried at the tick; [ctl]'s: admin commands fail, namespace
 * acks wait for the tick); the backend's policy (two bits per
 * submission: at once, pending, error); the backend completing its k-th
 * held operation, or all of them in either order, with success (the
 * operation then runs on ram) or an error status.
 *
 * Teardown is modelled on nvmet_fc's (libfcnvme/target/nvmet_fc_assoc.c):
 * sq_stop, requests not executed yet aborted (req_abort), then the
 * transport waits until every request of the queue has completed before
 * sq_destroy (an association's queues all at once, admin last). So a
 * stopped queue with operations in the backend stays, taking no new
 * commands, until later records complete them; at the end the backend
 * completes everything, then everything is destroyed.
 *
 * Checks: every request the core accepted and that was executed completes
 * exactly once, with its command id and queue, a status of a known type,
 * never while the backend still holds it, never after its queue was
 * destroyed; after sq_stop every request of the queue has completed but
 * those in the backend (and a fused first whose second is there); a
 * request refused, aborted or not yet executed must not complete; data
 * buffers are exactly the transfer length (a late backend write past them
 * or into a freed request is AddressSanitizer's); at the end the backend
 * holds nothing and every association is gone. Data: each backend
 * operation names its command's blocks; a shadow of each medium follows
 * the operations that ran, so a Read returns what the writes before it
 * left, a Compare's result agrees with it, and a Read's data is unchanged
 * from the backend to its response; a single-operation command completes
 * with the backend's status. The harness's ck_asserts
 * abort (fuzz_core_check.c). LeakSanitizer checks the final teardown.
 * Not reached: zero-copy Reads (req_data_done; the fake transport has no
 * data references), threads (the env runs everything at once on one
 * thread), the real transport, file and rbd themselves. Not checked:
 * which of two overlapping writes in flight together lands last (NVMe
 * allows either; the shadow follows the backend's order).
 * FUZZ_CORE_TRACE=1 in the environment prints each command and its status.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/auth.h>
#include <fcnvme/nqn.h>

#include "core_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_REQS    256
#define FZ_MAX_ASSOCS  12
#define FZ_MAX_PER_TP  4 /* TGT_UNCONNECTED_MAX: sq_create refuses more */
#define FZ_MAX_QID     4
#define FZ_MAX_DATA    (1u << 17)
#define FZ_MAX_RECORDS 64

/* A DH-HMAC-CHAP secret (32 bytes 0x40..0x5f, untransformed). */
#define FZ_KEY	"DHHC-1:00:QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9YjiZe:"
/* The controller's, for bidirectional authentication (0x60..0x7f). */
#define FZ_CKEY "DHHC-1:00:YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8x9qY5:"

/* setup byte */
#define FZ_NS2	     0x01 /* namespace 2 (ram, 64 KiB) */
#define FZ_NS2_4K    0x02 /* ... of 4096-byte blocks */
#define FZ_NS2_RESV  0x04 /* ... with reservations */
#define FZ_NS2_MASK  0x08 /* ... visible to H_HOSTNQN2 only */
#define FZ_NS2_RO    0x10 /* ... read-only */
#define FZ_HOST2     0x20 /* H_HOSTNQN2 allowed (and ready, as H_HOSTNQN) */
#define FZ_AUTH	     0x40 /* DH-HMAC-CHAP for H_HOSTNQN */
#define FZ_NOT_READY 0x80 /* no controller at start */

struct fz_in {
	const uint8_t *p;
	size_t n, pos;
};

struct fz_req {
	struct h_req *r;
	struct h_assoc *a;
	uint16_t qid;
	bool accepted; /* req_init returned 0 and it was executed */
	bool held;     /* accepted, its data not yet arrived (not executed) */
	bool done;
	/* the backend's answers: how many, the last one's operation and
	 * status; a successful Read's data hash (fz_hash) */
	uint8_t be_n, be_op;
	uint16_t be_st;
	bool rchk;
	uint64_t rhash;
};

enum fz_run {
	FZ_EXECUTE,
	FZ_ABORT,
	FZ_HOLD
};

static struct fz_req fz_reqs[FZ_MAX_REQS];
static int fz_nr_reqs;
static int fz_per_tp[2];
static bool fz_ns2_on, fz_ns2_masked, fz_ns2_hidden, fz_ns2_gone;
static struct tgt_ns_params fz_ns2_params; /* as set up, to add it again */
/* Queues stopped (sq_stop) whose requests the transport still waits for
 * before sq_destroy, per association (index in H->assocs, bit qid); the
 * associations being torn down as a whole. */
static uint32_t fz_stopping[16];
static bool fz_terminating[16];
/* The backend's answers (h_be.decide): two bits per submission, the
 * policy rotating: 0 at once, 1 and 2 BE_PENDING, 3 an error status
 * (fz_be_err[] from fz_pol_st on). 0 (every submission at once) until a
 * record sets it. */
static uint32_t fz_pol;
static uint8_t fz_pol_st;
/* What the namespaces' media hold, as the backend operations left them
 * (namespace 2 up to its grown size, 128 KiB), and their backends. */
static uint8_t fz_img1[1u << 20], fz_img2[1u << 17];
static struct backend *fz_be1, *fz_be2;
static uint64_t fz_ns2_size;
static unsigned int fz_ns2_shift;
static bool fz_trace; /* FUZZ_CORE_TRACE set: each command and its status */

/* The last DH-HMAC-CHAP Challenge (without DH) a controller sent, for a
 * record to answer it with the right response. */
static struct {
	struct h_assoc *a;
	uint16_t tid;
	uint8_t hash, hl;
	uint32_t seq;
	uint8_t c1[FCNVME_AUTH_MAX_HASH];
} fz_chal;

static uint8_t in_u8(struct fz_in *in)
{
	return in->pos < in->n ? in->p[in->pos++] : 0;
}

/* little-endian (one call per statement: the order of reads is fixed) */
static uint16_t in_u16(struct fz_in *in)
{
	uint16_t lo = in_u8(in);

	return (uint16_t)(lo | in_u8(in) << 8);
}

static uint32_t in_u32(struct fz_in *in)
{
	uint32_t lo = in_u16(in);

	return lo | (uint32_t)in_u16(in) << 16;
}

/* Copy up to n bytes of input into p (the rest stays as it is). */
static void in_copy(struct fz_in *in, void *p, size_t n)
{
	if (n > in->n - in->pos)
		n = in->n - in->pos;
	memcpy(p, in->p + in->pos, n);
	in->pos += n;
}

static void fz_fail(const char *what, const struct h_req *r)
{
	fprintf(stderr, "fuzz_core_cmd: %s (opcode %#x fctype %#x qid %u cid %u status %#x)\n",
		what, r->cmd.common.opcode, r->cmd.fabrics.fctype, r->req.qid,
		le16toh(r->cmd.common.command_id), le16toh(r->cqe.status) >> 1);
	abort();
}

static void fz_fail_msg(const char *what)
{
	fprintf(stderr, "fuzz_core_cmd: %s\n", what);
	abort();
}

static struct fz_req *fz_find(const struct nvmet_fc_req *req)
{
	int i;

	for (i = 0; i < fz_nr_reqs; i++)
		if (fz_reqs[i].r && &fz_reqs[i].r->req == req)
			return &fz_reqs[i];
	return NULL;
}

static int fz_assoc_idx(const struct h_assoc *a)
{
	int i;

	for (i = 0; i < H->nr_assocs; i++)
		if (H->assocs[i] == a)
			return i;
	abort();
}

static bool fz_queue_open(const struct h_assoc *a, uint16_t qid)
{
	int i = fz_assoc_idx(a);

	return a->alive[qid] && !fz_terminating[i] && !(fz_stopping[i] & 1u << qid);
}

/* Statuses a backend answers with (file: errno mapped; rbd: fenced,
 * quota, not ready), and success. */
static const uint16_t fz_be_err[] = {
	NVME_SC_INTERNAL,
	NVME_SC_WRITE_FAULT,
	NVME_SC_READ_ERROR,
	NVME_SC_COMPARE_FAILED,
	NVME_SC_NS_NOT_READY,
	NVME_SC_ANA_INACCESSIBLE,
	NVME_SC_CAP_EXCEEDED | NVME_SC_DNR,
	NVME_SC_INVALID_FIELD | NVME_SC_DNR,
};

static uint16_t fz_be_status(uint8_t sel)
{
	return sel & 0x80 ? fz_be_err[sel % 8] : 0;
}

static uint64_t fz_hash(const uint8_t *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static struct backend *fz_ns_be(uint32_t nsid)
{
	struct ns *ns;

	for (ns = H->t->subsys_list->ns_list; ns && ns->nsid != nsid; ns = ns->next)
		;
	return ns ? ns->be : NULL;
}

/* The backend answered req's operation op with status st. */
static void fz_be_answer(struct nvmet_fc_req *req, enum backend_op op, uint16_t st)
{
	struct fz_req *f = fz_find(req);

	if (!f)
		fz_fail("backend operation for an unknown request", (struct h_req *)req);
	f->be_n++;
	f->be_op = (uint8_t)op;
	f->be_st = st;
}

/* h_be.ran: an operation ran on ram. It names the command's blocks; a Read
 * returns what the writes before it left, a Compare's result agrees;
 * writes update the image. (Operations on a namespace removed meanwhile
 * are only counted.) */
static void fz_be_ran(const struct h_be_op *o, uint16_t st)
{
	const struct nvme_rw_command *rw = &o->req->cmd->rw;
	struct h_req *r = (struct h_req *)o->req;
	bool ns1 = o->be == fz_be1;
	uint8_t *img = ns1 ? fz_img1 : fz_img2;
	uint64_t size = ns1 ? sizeof(fz_img1) : fz_ns2_size;
	unsigned int shift = ns1 ? 9 : fz_ns2_shift;
	const void *cmp;

	fz_be_answer(o->req, o->op, st);
	if (!ns1 && o->be != fz_be2)
		return;
	if (o->off > size || o->len > size - o->off)
		fz_fail("backend operation past the namespace's end", r);
	if (o->op != BE_FLUSH && o->op != BE_DISCARD &&
	    (o->off != le64toh(rw->slba) << shift || o->len != ((uint64_t)le16toh(rw->length) + 1)
								       << shift))
		fz_fail("backend operation on other blocks than the command's", r);
	switch (o->op) {
	case BE_READ:
		if (st)
			break;
		if (memcmp(r->data, img + o->off, o->len))
			fz_fail("Read returned other bytes than the writes left", r);
		fz_find(o->req)->rchk = true;
		fz_find(o->req)->rhash = fz_hash(r->data, o->len);
		break;
	case BE_COMPARE:
		if ((st == NVME_SC_COMPARE_FAILED) != !!memcmp(r->data, img + o->off, o->len))
			fz_fail("Compare's result disagrees with the medium", r);
		break;
	case BE_COMPARE_WRITE:
		cmp = tgt_req_fused_cmp(o->req);
		if ((st == NVME_SC_COMPARE_FAILED) != !!memcmp(cmp, img + o->off, o->len))
			fz_fail("Compare and Write's result disagrees with the medium", r);
		if (!st)
			memcpy(img + o->off, r->data, o->len);
		break;
	case BE_WRITE:
	case BE_WRITE_FUA:
		if (!st)
			memcpy(img + o->off, r->data, o->len);
		break;
	case BE_WRITE_ZEROES:
	case BE_DISCARD:
		memset(img + o->off, 0, o->len);
		break;
	default:
		break;
	}
}

/* h_be.decide: the policy's next two bits. */
static uint16_t fz_be_decide(struct nvmet_fc_req *req, enum backend_op op)
{
	unsigned int b = fz_pol & 3;

	(void)op;
	fz_pol = fz_pol >> 2 | (fz_pol & 3) << 30;
	if (fz_trace && b)
		fprintf(stderr, "  cid %u: backend %s\n", le16toh(req->cmd->common.command_id),
			b == 3 ? "error" : "pending");
	if (b == 3) {
		uint16_t st = fz_be_err[fz_pol_st++ % 8];

		fz_be_answer(req, op, st);
		return st;
	}
	return b ? BE_PENDING : 0;
}

/* Whether req waits for the backend: held there, or the fused first of a
 * second held there. */
static bool fz_in_backend(const struct h_req *r)
{
	int i;

	for (i = 0; i < h_be.nr_held; i++)
		if (h_be.held[i].req == &r->req ||
		    (h_be.held[i].op == BE_COMPARE_WRITE &&
		     tgt_req_fused_cmp(h_be.held[i].req) == r->data && r->data))
			return true;
	return false;
}

/* The backend finishes held operation i (status: see fz_be_status). */
static void fz_be_complete(int i, uint16_t status)
{
	if (fz_trace)
		fprintf(stderr, "  backend completes cid %u: %#x\n",
			le16toh(h_be.held[i].req->cmd->common.command_id), status);
	if (status)
		fz_be_answer(h_be.held[i].req, h_be.held[i].op, status);
	h_be_complete(i, status);
}

/* The transport's queue_response: exactly once, only for accepted
 * requests, with the CQE filled in. */
static void fz_response(struct nvmet_fc_req *req)
{
	struct fz_req *f = fz_find(req);
	struct h_req *r = (struct h_req *)req;
	uint16_t st = le16toh(r->cqe.status) >> 1;

	if (!f)
		fz_fail("completion of an unknown request", r);
	if (fz_trace)
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
	if (f->rchk && !st && fz_hash(r->data, r->req.transfer_len) != f->rhash)
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
			fz_chal.a = f->a;
			fz_chal.tid = ch.tid;
			fz_chal.hash = ch.hashid;
			fz_chal.hl = ch.hl;
			fz_chal.seq = ch.seq;
			memcpy(fz_chal.c1, ch.cval, ch.hl);
		}
	}
}

static void fz_poll(void)
{
	int i;

	for (i = 0; i < 64; i++)
		if (tgt_hwq_poll(H->t, 0) + tgt_hwq_poll(H->t, 1) == 0)
			break;
}

/* Free the requests that completed (a late touch by the core is then a
 * use after free). */
static void fz_sweep(void)
{
	int i;

	for (i = 0; i < fz_nr_reqs; i++) {
		struct fz_req *f = &fz_reqs[i];

		if (f->r && !f->held && (f->done || !f->accepted)) {
			if (!f->accepted && f->r->nr_done)
				fz_fail("refused request completed", f->r);
			h_req_free(f->r);
			f->r = NULL;
		}
	}
}

/* After sq_stop and polling, the queue's requests have all completed but
 * those in the backend. */
static void fz_check_drained(const struct h_assoc *a, int qid)
{
	int i;

	for (i = 0; i < fz_nr_reqs; i++) {
		struct fz_req *f = &fz_reqs[i];

		if (f->r && f->a == a && (qid < 0 || f->qid == qid) && f->accepted && !f->done &&
		    !fz_in_backend(f->r))
			fz_fail("request still held after its queue stopped", f->r);
	}
}

/* Requests of a's queue qid the core has not completed. */
static bool fz_busy(const struct h_assoc *a, int qid)
{
	int i;

	for (i = 0; i < fz_nr_reqs; i++) {
		struct fz_req *f = &fz_reqs[i];

		if (f->r && f->a == a && f->qid == qid && f->accepted && !f->done)
			return true;
	}
	return false;
}

/* A held request's data arrived (execute), or will not (the transport's
 * req_abort). */
static void fz_release(struct fz_req *f, bool abort_it)
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
static void fz_release_all(const struct h_assoc *a, int qid, bool abort_it, bool reverse)
{
	int i, n = fz_nr_reqs;

	for (i = 0; i < n; i++) {
		struct fz_req *f = &fz_reqs[reverse ? n - 1 - i : i];

		if (f->r && f->held && (!a || (f->a == a && (qid < 0 || f->qid == qid))))
			fz_release(f, abort_it);
	}
}

/* The transport's teardown, as nvmet_fc's: sq_stop, abort what has not
 * run, then wait until every request of the queue completed (those in
 * the backend complete when a later record, or the end, finishes them:
 * fz_reap), then sq_destroy. */
static void fz_assoc_down(struct h_assoc *a)
{
	int i = fz_assoc_idx(a), q;

	if (!a->alive[0] || fz_terminating[i])
		return;
	H->fail_hwq = H->fail_ctl = 0;
	fz_terminating[i] = true;
	for (q = 0; q <= FZ_MAX_QID; q++)
		if (a->alive[q] && !(fz_stopping[i] & 1u << q)) {
			fz_stopping[i] |= 1u << q;
			h_queue_stop(a, (uint16_t)q);
		}
	fz_release_all(a, -1, true, false);
	fz_poll();
	tgt_timer_tick(H->t);
	fz_check_drained(a, -1);
}

static void fz_queue_down(struct h_assoc *a, uint16_t qid)
{
	int i = fz_assoc_idx(a);

	if (!fz_queue_open(a, qid))
		return;
	H->fail_hwq = H->fail_ctl = 0;
	fz_stopping[i] |= 1u << qid;
	h_queue_stop(a, qid);
	fz_release_all(a, qid, true, false);
	fz_poll();
	tgt_timer_tick(H->t);
	fz_check_drained(a, qid);
}

/* Destroy the stopped queues that drained (an association's all at once,
 * admin queue last, once all drained). */
static void fz_reap(void)
{
	int i, q;

	for (i = 0; i < H->nr_assocs; i++) {
		struct h_assoc *a = H->assocs[i];
		bool busy = false;

		for (q = 0; q <= FZ_MAX_QID; q++) {
			if (!(fz_stopping[i] & 1u << q))
				continue;
			if (fz_busy(a, q)) {
				busy = true;
				continue;
			}
			if (!fz_terminating[i]) {
				h_queue_destroy(a, (uint16_t)q);
				fz_stopping[i] &= ~(1u << q);
			}
		}
		if (fz_terminating[i] && !busy && fz_stopping[i]) {
			h_assoc_destroy(a);
			fz_stopping[i] = 0;
			fz_per_tp[a->tp == &H->tp2]--;
		}
	}
	fz_sweep();
}

/* The backend finishes everything it holds, first or last held first,
 * with status (see fz_be_status) for the first. Bounded: a Dataset
 * Management command may submit its next range. */
static void fz_be_complete_all(bool reverse, uint16_t status)
{
	int n;

	for (n = 0; h_be.nr_held && n < 4 * H_BE_MAX; n++) {
		fz_be_complete(reverse ? h_be.nr_held - 1 : 0, status);
		status = 0;
	}
}

/* Associations whose teardown the core asked for (delete_assoc). */
static void fz_deletes(void)
{
	int i;

	for (i = 0; i < H->nr_assocs; i++)
		if (H->assocs[i]->nr_delete && H->assocs[i]->alive[0] && !fz_terminating[i])
			fz_assoc_down(H->assocs[i]);
}

static struct h_assoc *fz_assoc(uint8_t sel)
{
	if (!H->nr_assocs)
		return NULL;
	return H->assocs[sel % H->nr_assocs];
}

/* h_req_new's request with a data buffer of exactly len bytes (h_req_new
 * pads it to whole pages and one more, which would hide a write past the
 * transfer length from AddressSanitizer). */
static struct h_req *fz_req_new(struct h_assoc *a, uint16_t qid, uint32_t len)
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

/* req_init, then execute, abort or hold (until fz_release_all); refused
 * requests must not complete. */
static void fz_submit(struct h_assoc *a, uint16_t qid, struct h_req *r, enum fz_run run)
{
	struct fz_req *f = &fz_reqs[fz_nr_reqs++];
	uint16_t st;

	memset(f, 0, sizeof(*f));
	f->r = r;
	f->a = a;
	f->qid = qid;
	/* command ids from 1 in every run, so that an Abort's target is
	 * the input's, not the previous runs' */
	r->cmd.common.command_id = htole16((uint16_t)fz_nr_reqs);
	r->req.queue_response = fz_response;
	st = tgt_core_ops()->req_init(H->t, &r->req);
	if (fz_trace)
		fprintf(stderr,
			"cid %u qid %u opcode %#x fctype %#x nsid %#x len %u: req_init %#x%s\n",
			fz_nr_reqs, qid, r->cmd.common.opcode, r->cmd.fabrics.fctype,
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
		fz_release(f, run == FZ_ABORT);
}

static uint32_t fz_nsid(struct fz_in *in, uint8_t sel)
{
	switch (sel % 8) {
	case 0:
		return 0;
	case 1:
	case 4:
		return 1;
	case 2:
		return 2;
	case 3:
		return 0xffffffff;
	case 5:
		return fz_ns2_on && sel & 8 ? 2 : 1;
	case 6:
		return in_u32(in);
	default:
		return 3 + (sel >> 3);
	}
}

static uint32_t fz_len(struct fz_in *in, uint8_t sel)
{
	static const uint32_t lens[] = { 0, 4, 8, 16, 64, 512, 1024, 4096, 4096, 8192, 65536 };

	if (sel % 16 < sizeof(lens) / sizeof(lens[0]))
		return lens[sel % 16];
	return in_u16(in) % FZ_MAX_DATA + (sel & 0x80 ? 65536 : 0);
}

static uint8_t fz_opcode(struct fz_in *in, uint8_t sel, bool admin, uint8_t *fctype)
{
	static const uint8_t admin_ops[] = {
		nvme_admin_get_log_page, nvme_admin_identify,	  nvme_admin_abort_cmd,
		nvme_admin_set_features, nvme_admin_get_features, nvme_admin_async_event,
		nvme_admin_keep_alive,	 nvme_fabrics_command,
	};
	static const uint8_t io_ops[] = {
		nvme_cmd_flush,		nvme_cmd_write,	       nvme_cmd_read,
		nvme_cmd_compare,	nvme_cmd_write_zeroes, nvme_cmd_dsm,
		nvme_cmd_resv_register, nvme_cmd_resv_report,  nvme_cmd_resv_acquire,
		nvme_cmd_resv_release,	nvme_cmd_write,	       nvme_cmd_read,
	};
	static const uint8_t fctypes[] = {
		nvme_fabrics_type_property_set, nvme_fabrics_type_connect,
		nvme_fabrics_type_property_get, nvme_fabrics_type_auth_send,
		nvme_fabrics_type_auth_receive,
	};
	uint8_t op;

	*fctype = fctypes[(sel >> 4) % 5];
	if (sel >= 0xf0) {
		op = in_u8(in);
		*fctype = in_u8(in);
		return op;
	}
	if (admin)
		op = admin_ops[sel % 8];
	else
		op = io_ops[sel % 12];
	return op;
}

/* An admin (queue 0) or I/O command. */
static void fz_cmd(struct fz_in *in, uint8_t rec)
{
	struct h_assoc *a = fz_assoc(in_u8(in));
	uint8_t qsel = in_u8(in), osel = in_u8(in), fl = in_u8(in), nsel = in_u8(in);
	uint8_t lsel = in_u8(in), fctype;
	bool admin = !(rec & 0x08);
	uint16_t qid = admin ? 0 : (uint16_t)(1 + qsel % FZ_MAX_QID);
	uint32_t len, ncopy;
	struct h_req *r;
	uint8_t op;

	if (!a || !fz_queue_open(a, qid) || fz_nr_reqs >= FZ_MAX_REQS)
		return;
	op = fz_opcode(in, osel, admin, &fctype);
	len = fz_len(in, lsel);
	r = fz_req_new(a, qid, len);
	r->cmd.common.opcode = op;
	/* flags: SGL data, fuse bits from the input; sometimes any byte */
	r->cmd.common.flags = (uint8_t)(NVME_CMD_SGL_METABUF | (fl & NVME_CMD_FUSE_MASK));
	if ((fl & 0x1c) == 0x1c)
		r->cmd.common.flags = in_u8(in);
	r->cmd.common.nsid = htole32(fz_nsid(in, nsel));
	r->cmd.common.cdw10 = htole32(in_u32(in));
	r->cmd.common.cdw11 = htole32(in_u32(in));
	r->cmd.common.cdw12 = htole32(in_u32(in));
	r->cmd.common.cdw13 = htole32(in_u32(in));
	r->cmd.common.cdw14 = htole32(in_u32(in));
	r->cmd.common.cdw15 = htole32(in_u32(in));
	/* (the fabrics command type overlays the NSID's first byte) */
	if (op == nvme_fabrics_command)
		r->cmd.fabrics.fctype = fctype;
	if (fl & 0x20 && admin && op == nvme_admin_get_log_page && len >= 4) {
		/* a length that agrees with the transfer: Get Log Page's
		 * NUMD; a Read or Write of len / 512 blocks at a small LBA */
		uint32_t numd = len / 4 - 1;

		r->cmd.common.cdw10 = htole32((le32toh(r->cmd.common.cdw10) & 0xffff) | numd << 16);
		r->cmd.common.cdw11 = htole32(numd >> 16);
	} else if (fl & 0x20 && len >= 512) {
		r->cmd.rw.slba = htole64(le64toh(r->cmd.rw.slba) % 2048);
		r->cmd.rw.length = htole16((uint16_t)(len / 512 - 1));
	}
	if (fl & 0x40) {
		/* the SGL descriptor disagrees: another length or type */
		r->cmd.common.dptr.length = htole32(in_u32(in));
		r->cmd.common.dptr.type = in_u8(in);
	}
	ncopy = in_u16(in) % 1025;
	in_copy(in, r->data, ncopy < len ? ncopy : len);
	fz_submit(a, qid, r,
		  rec & 0x10			     ? FZ_HOLD
		  : fl & 0x80 && (fl & 0x03) != 0x03 ? FZ_ABORT
						     : FZ_EXECUTE);
}

static const char *fz_nqn(struct fz_in *in, uint8_t sel, char *buf, bool host)
{
	switch (sel % 4) {
	case 0:
		return host ? H_HOSTNQN : H_SUBNQN;
	case 1:
		return host ? H_HOSTNQN2 : FCNVME_DISCOVERY_NQN;
	case 2:
		return host ? H_HOSTNQN3 : H_SUBNQN2;
	default:
		memset(buf, 0, 256);
		in_copy(in, buf, in_u8(in));
		return buf;
	}
}

/* DH-HMAC-CHAP Reply with H_HOSTNQN's right response to the last
 * Challenge, asking for the controller's response if the input says so. */
static void fz_auth_reply(struct fz_in *in)
{
	uint8_t sel = in_u8(in), c2[FCNVME_AUTH_MAX_HASH] = { 0 };
	uint8_t tk[FCNVME_AUTH_MAX_HASH], rv[FCNVME_AUTH_MAX_HASH], buf[256];
	struct fcnvme_auth_key key;
	struct fcnvme_auth_reply m;
	struct h_assoc *a = fz_chal.a;
	struct h_req *r;
	size_t tlen;
	int n;

	if (!a || !fz_queue_open(a, 0) || fz_nr_reqs >= FZ_MAX_REQS)
		return;
	if (fcnvme_auth_key_parse(FZ_KEY, &key) ||
	    fcnvme_auth_transform(&key, H_HOSTNQN, tk, &tlen) ||
	    fcnvme_auth_response(fz_chal.hash, tk, tlen, fz_chal.c1, fz_chal.seq, fz_chal.tid,
				 FCNVME_AUTH_ROLE_HOST, H_HOSTNQN, H_SUBNQN, rv))
		return;
	in_copy(in, c2, fz_chal.hl);
	m = (struct fcnvme_auth_reply){ .tid = fz_chal.tid,
					.hl = fz_chal.hl,
					.cvalid = sel & 1,
					.seq = sel & 1 ? 1 + (sel >> 1) : 0,
					.rval = rv,
					.c2 = c2 };
	n = fcnvme_auth_build_reply(buf, sizeof(buf), &m);
	if (n <= 0)
		return;
	r = fz_req_new(a, 0, (uint32_t)n);
	memcpy(r->data, buf, (size_t)n);
	r->cmd.common.opcode = nvme_fabrics_command;
	r->cmd.common.cdw10 =
		htole32((uint32_t)FCNVME_AUTH_SECP << 24 | (uint32_t)FCNVME_AUTH_SPSP1 << 16 |
			(uint32_t)FCNVME_AUTH_SPSP0 << 8);
	r->cmd.common.cdw11 = htole32((uint32_t)n);
	r->cmd.fabrics.fctype = nvme_fabrics_type_auth_send;
	fz_submit(a, 0, r, FZ_EXECUTE);
}

/* Connect: a new association's admin queue, or a (new or live) queue of an
 * existing one, with fields from the input. */
static void fz_connect(struct fz_in *in)
{
	uint8_t s1 = in_u8(in), s2 = in_u8(in), s3 = in_u8(in);
	struct nvmf_connect_data *d;
	char subbuf[256], hostbuf[256];
	const char *sub, *host;
	struct h_assoc *a;
	uint16_t qid = 0;
	uint32_t kato;
	struct h_req *r;

	if (fz_nr_reqs >= FZ_MAX_REQS)
		return;
	if (s1 & 0x80) {
		int tp = (s1 >> 6) & 1;

		if (H->nr_assocs >= FZ_MAX_ASSOCS || fz_per_tp[tp] >= FZ_MAX_PER_TP)
			return;
		a = h_assoc_new(tp ? &H->tp2 : &H->tp1);
		fz_per_tp[tp]++;
	} else {
		a = fz_assoc(s1);
		if (!a || !fz_queue_open(a, 0))
			return;
		qid = (uint16_t)((s2 & 0x0f) % (FZ_MAX_QID + 1));
		if (a->alive[qid] && !fz_queue_open(a, qid))
			return;
		if (!a->alive[qid])
			h_queue_new(a, qid, s3 & 0x04 ? (uint16_t)(1 + in_u8(in)) : 127);
	}
	sub = fz_nqn(in, s2 >> 4, subbuf, false);
	host = fz_nqn(in, s2 >> 6, hostbuf, true);
	r = fz_req_new(a, qid, sizeof(*d));
	d = (struct nvmf_connect_data *)r->data;
	r->cmd.connect.opcode = nvme_fabrics_command;
	r->cmd.connect.fctype = nvme_fabrics_type_connect;
	r->cmd.connect.qid = htole16(s3 & 0x80 ? in_u16(in) : qid);
	r->cmd.connect.sqsize = htole16(s3 & 0x40 ? in_u16(in) : 31);
	r->cmd.connect.cattr = in_u8(in);
	kato = in_u32(in);
	r->cmd.connect.kato = htole32(s3 & 0x20 ? kato : kato % 4 * 2000);
	memset(d->hostid, 0xab, 16);
	if (s3 & 0x10)
		in_copy(in, d->hostid, 16);
	d->cntlid = htole16(s3 & 0x08 ? in_u16(in) : qid ? a->cntlid : 0xffff);
	strncpy(d->subsysnqn, sub, sizeof(d->subsysnqn));
	strncpy(d->hostnqn, host, sizeof(d->hostnqn));
	fz_submit(a, qid, r, FZ_EXECUTE);
	if (qid == 0 && r->nr_done && !(le16toh(r->cqe.status) >> 1))
		a->cntlid = (uint16_t)le32toh(r->cqe.result.dw0);
}

/* Namespace 2 was added (again): a new, zeroed medium on h_be. */
static void fz_ns2_added(void)
{
	h_be_use(2, false);
	fz_be2 = fz_ns_be(2);
	fz_ns2_size = fz_ns2_params.size;
	fz_ns2_shift = fz_ns2_params.lba_size == 4096 ? 12 : 9;
	memset(fz_img2, 0, sizeof(fz_img2));
}

/* Control-plane changes while hosts work: namespace 2 hidden, masked or
 * grown; the ANA state of group 1 (both namespaces') on port 1. */
static void fz_ns_change(uint8_t sel)
{
	static const uint8_t ana[] = { NVME_ANA_OPTIMIZED, NVME_ANA_NONOPTIMIZED,
				       NVME_ANA_INACCESSIBLE, NVME_ANA_PERSISTENT_LOSS,
				       NVME_ANA_CHANGE };
	char err[128];

	if (sel % 4 == 3) {
		if (tgt_ana_set_state(H->t, 1, 1, ana[(sel >> 2) % 5], err, sizeof(err)))
			fz_fail_msg(err);
		return;
	}
	if (!fz_ns2_on || (fz_ns2_gone && sel % 4 != 2))
		return;
	switch (sel % 4) {
	case 0:
		if (fz_ns2_hidden)
			tgt_ns_enable(H->t, H_SUBNQN, 2, err, sizeof(err));
		else
			tgt_ns_disable(H->t, H_SUBNQN, 2, err, sizeof(err));
		fz_ns2_hidden = !fz_ns2_hidden;
		break;
	case 1:
		if (fz_ns2_masked)
			tgt_ns_add_host(H->t, H_SUBNQN, 2, H_HOSTNQN, err, sizeof(err));
		else
			tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN, err, sizeof(err));
		fz_ns2_masked = !fz_ns2_masked;
		break;
	default:
		if (!(sel & 4)) {
			if (!tgt_ns_resize(H->t, H_SUBNQN, 2, 1u << 17, err, sizeof(err)))
				fz_ns2_size = 1u << 17;
			break;
		}
		/* removed (its I/O drains), or added again */
		if (fz_ns2_gone) {
			if (tgt_ns_add(H->t, H_SUBNQN, &fz_ns2_params, err, sizeof(err)))
				break;
			fz_ns2_added();
			fz_ns2_masked = fz_ns2_params.nr_hosts;
			fz_ns2_hidden = fz_ns2_gone = false;
		} else {
			tgt_ns_del(H->t, H_SUBNQN, 2, err, sizeof(err));
			fz_ns2_gone = true;
		}
		break;
	}
}

static void fz_setup(uint8_t s)
{
	static const char *const host2[] = { H_HOSTNQN2 };
	char err[128];

	h_setup();
	H->defer_delete = true;
	h_std_subsys();
	/* namespace 1 takes fused Compare and Write; 2 does not; both on
	 * the input's backend (fz_be_decide) */
	h_ns1_compare_write();
	h_be.decide = fz_be_decide;
	h_be.ran = fz_be_ran;
	fz_be1 = fz_ns_be(1);
	memset(fz_img1, 0, sizeof(fz_img1));
	if (s & FZ_HOST2)
		tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err));
	if (s & FZ_NS2) {
		struct tgt_ns_params np = {
			.nsid = 2,
			.backend = TGT_BACKEND_RAM,
			.size = 1 << 16,
			.lba_size = s & FZ_NS2_4K ? 4096 : 512,
			.resv = s & FZ_NS2_RESV,
			.readonly = s & FZ_NS2_RO,
			.hosts = s & FZ_NS2_MASK ? host2 : NULL,
			.nr_hosts = s & FZ_NS2_MASK ? 1 : 0,
		};

		/* (some combinations may be refused) */
		fz_ns2_on = !tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err));
		fz_ns2_masked = s & FZ_NS2_MASK;
		fz_ns2_params = np;
		if (fz_ns2_on)
			fz_ns2_added();
	}
	if (s & FZ_AUTH)
		ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, FZ_KEY, FZ_CKEY,
						       err, sizeof(err)),
				 0);
	if (!(s & FZ_NOT_READY) && !(s & FZ_AUTH)) {
		h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
		fz_per_tp[0]++;
		if (s & FZ_HOST2) {
			h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN2, 2);
			fz_per_tp[0]++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .n = size };
	int i, nrec = 0;

	if (size < 1)
		return 0;
	fz_trace = getenv("FUZZ_CORE_TRACE");
	fz_nr_reqs = 0;
	fz_per_tp[0] = fz_per_tp[1] = 0;
	fz_ns2_on = fz_ns2_masked = fz_ns2_hidden = fz_ns2_gone = false;
	memset(&fz_chal, 0, sizeof(fz_chal));
	memset(fz_stopping, 0, sizeof(fz_stopping));
	memset(fz_terminating, 0, sizeof(fz_terminating));
	fz_pol = 0;
	fz_pol_st = 0;
	fz_setup(in_u8(&in));
	while (in.pos < in.n && nrec++ < FZ_MAX_RECORDS) {
		uint8_t rec = in_u8(&in);

		if (fz_trace)
			fprintf(stderr, "record %#x\n", rec);
		switch (rec & 0x07) {
		case 0:
		case 1:
			fz_cmd(&in, rec);
			break;
		case 2:
			if (rec & 0x80)
				fz_auth_reply(&in);
			else
				fz_cmd(&in, rec);
			break;
		case 3:
			fz_connect(&in);
			break;
		case 4: {
			struct h_assoc *a = fz_assoc(rec >> 3);

			if (a && rec & 0x80)
				fz_assoc_down(a);
			else if (a && a->alive[0])
				fz_queue_down(a, (uint16_t)(1 + (rec >> 3) % FZ_MAX_QID));
			break;
		}
		case 5:
			/* keep-alive expiry and other timers */
			H->clock.fake_ms += (uint64_t)in_u16(&in) * (rec & 0x08 ? 100 : 1);
			H->clock.fake_ns += 1000000;
			tgt_timer_tick(H->t);
			break;
		case 6:
			if (rec & 0x80) {
				/* held requests' data arrives, or not */
				fz_release_all(NULL, -1, rec & 0x40, rec & 0x20);
			} else if ((rec & 0x60) == 0x20) {
				/* the backend's answers from now on */
				fz_pol = in_u32(&in);
				fz_pol_st = in_u8(&in);
			} else if ((rec & 0x60) == 0x40) {
				/* the backend finishes its k-th held operation */
				uint8_t k = in_u8(&in), st = in_u8(&in);

				if (h_be.nr_held)
					fz_be_complete(k % h_be.nr_held, fz_be_status(st));
			} else if (rec & 0x40) {
				/* ... all of them */
				fz_be_complete_all(rec & 0x10, fz_be_status(in_u8(&in)));
			} else if (rec & 0x10) {
				/* the next messages to [ctl] find its ring full */
				H->fail_ctl = 1 + (rec >> 3) % 2 * 2;
			} else {
				/* the next completions find the hwq ring full */
				H->fail_hwq = 1 + (rec >> 3) % 2 * 2;
			}
			break;
		default:
			fz_ns_change(rec >> 3);
			break;
		}
		fz_poll();
		fz_deletes();
		fz_reap();
	}
	/* The end: every association goes; the backend finishes what it
	 * holds (at once from now on), then the transport destroys. */
	fz_pol = 0;
	for (i = 0; i < H->nr_assocs; i++)
		fz_assoc_down(H->assocs[i]);
	fz_be_complete_all(false, 0);
	fz_poll();
	fz_reap();
	if (h_be.nr_held)
		fz_fail_msg("the backend still holds operations");
	for (i = 0; i < H->nr_assocs; i++)
		if (H->assocs[i]->alive[0])
			fz_fail_msg("an association outlived its requests");
	for (i = 0; i < fz_nr_reqs; i++)
		if (fz_reqs[i].r)
			fz_fail("request outlived its association", fz_reqs[i].r);
	h_teardown();
	return 0;
}
