/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of fuzz_core_cmd share (fuzz_core_cmd.c says what the
 * fuzzer does and checks): the input reader (fuzz_core_in.c), stopping at
 * a broken check (fuzz_core_fail.c), the test backend's policy and its
 * checks (fuzz_core_be.c), the requests and their completions
 * (fuzz_core_req.c), the transport's teardown (fuzz_core_assoc.c),
 * namespace 2 (fuzz_core_ns.c) and the command records (fuzz_core_rec.c);
 * the state all of them keep, in one struct. fuzz_core_check.c, Check's
 * assertions for the harness, stands apart (libcheck's names).
 *
 * Threads: one. The harness's env runs the core's work at once on the
 * fuzzer's thread, so every field below is read and written there only.
 */
#ifndef FUZZ_CORE_H
#define FUZZ_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fcnvme/auth.h>

#include "core_harness.h"

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

/* The input, read front to back; past its end every byte reads 0. */
struct fz_in {
	const uint8_t *p;
	size_t n, pos;
};

/* A request the fuzzer made (fz.reqs), from fz_req_submit until
 * fz_req_sweep frees it. */
struct fz_req {
	struct h_req *r;
	struct h_assoc *a;
	uint16_t qid;
	bool accepted; /* req_init returned 0 and it was executed */
	bool held;     /* accepted, its data not yet arrived (not executed) */
	bool done;
	/* the backend's answers: how many, the last one's operation and
	 * status; a successful Read's data hash (fz_be_hash) */
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

/* The fuzzer's state. Reset for each input by LLVMFuzzerTestOneInput and
 * fz_setup (fuzz_core_cmd.c) as each field says; written by the files
 * named there. */
struct fz_state {
	/* Requests made for this input, in submission order (reqs[i]'s
	 * command id is i + 1); an entry's r is NULL once freed.
	 * fz_req_submit appends (nr_reqs reset per input), fz_req_sweep
	 * frees. */
	struct fz_req reqs[FZ_MAX_REQS];
	int nr_reqs;
	/* Associations not destroyed yet, per port (tp1, tp2): fz_setup and
	 * fz_rec_connect add, fz_assoc_reap takes away; reset per input. */
	int per_tp[2];
	/* Namespace 2: set up, visible to H_HOSTNQN2 only, disabled,
	 * removed (fz_setup, fz_ns_change; reset per input); its parameters
	 * as set up, to add it again (fz_setup). */
	bool ns2_on, ns2_masked, ns2_hidden, ns2_gone;
	struct tgt_ns_params ns2_params;
	/* Queues stopped (sq_stop) whose requests the transport still waits
	 * for before sq_destroy, per association (index in H->assocs, bit
	 * qid); the associations being torn down as a whole. Set by
	 * fz_assoc_down and fz_assoc_queue_down, cleared by fz_assoc_reap;
	 * reset per input. */
	uint32_t stopping[16];
	bool terminating[16];
	/* The backend's answers (h_be.decide, fz_be_decide): two bits per
	 * submission, the policy rotating: 0 at once, 1 and 2 BE_PENDING, 3
	 * an error status (fz_be_err[] from pol_st on). 0 (every submission
	 * at once) until a record sets it; reset per input and at its end. */
	uint32_t pol;
	uint8_t pol_st;
	/* What the namespaces' media hold, as the backend operations left
	 * them (namespace 2 up to its grown size, 128 KiB), and their
	 * backends: fz_be_ran writes the images; fz_setup (1) and fz_ns_added
	 * (2) zero them and set the rest; fz_ns_change sets ns2_size when it
	 * grows namespace 2. */
	uint8_t img1[1u << 20], img2[1u << 17];
	struct backend *be1, *be2;
	uint64_t ns2_size;
	unsigned int ns2_shift;
	/* The last DH-HMAC-CHAP Challenge (without DH) a controller sent,
	 * for fz_rec_auth_reply to answer it with the right response:
	 * fz_req_response sets it; reset per input. */
	struct {
		struct h_assoc *a;
		uint16_t tid;
		uint8_t hash, hl;
		uint32_t seq;
		uint8_t c1[FCNVME_AUTH_MAX_HASH];
	} chal;
	bool trace; /* FUZZ_CORE_TRACE set: each command and its status */
};

extern struct fz_state fz; /* fuzz_core_cmd.c */

/* fuzz_core_in.c: little-endian numbers and bytes from the input (0 past
 * its end); one call per statement, so that the order of reads is fixed. */
uint8_t fz_in_u8(struct fz_in *in);
uint16_t fz_in_u16(struct fz_in *in);
uint32_t fz_in_u32(struct fz_in *in);
/* Copy up to n bytes of input into p (the rest stays as it is). */
void fz_in_copy(struct fz_in *in, void *p, size_t n);

/* fuzz_core_fail.c: a broken check, with the request it is about or just
 * the message; aborts (a crash for libFuzzer). */
void fz_fail(const char *what, const struct h_req *r);
void fz_fail_msg(const char *what);

/* fuzz_core_be.c: the test backend (h_be) as the input's policy says, and
 * what its operations must be. */
uint16_t fz_be_decide(struct nvmet_fc_req *req, enum backend_op op);
void fz_be_ran(const struct h_be_op *o, uint16_t st);
/* A status a backend answers with (sel's top bit) or success. */
uint16_t fz_be_status(uint8_t sel);
/* The backend finishes held operation i, or all it holds (first or last
 * held first, status for the first only), with status. */
void fz_be_complete(int i, uint16_t status);
void fz_be_complete_all(bool reverse, uint16_t status);
/* Whether r waits for the backend (held there, or the fused first of a
 * second held there). */
bool fz_be_waits(const struct h_req *r);
/* Whether r is a Preempt and Abort waiting for another association's
 * operation in the backend. */
bool fz_be_preempt_waits(const struct h_req *r);
uint64_t fz_be_hash(const uint8_t *p, uint64_t n);

/* fuzz_core_req.c: requests from making to freeing, and the transport's
 * queue_response that checks their completions. */
struct h_req *fz_req_new(struct h_assoc *a, uint16_t qid, uint32_t len);
void fz_req_submit(struct h_assoc *a, uint16_t qid, struct h_req *r, enum fz_run run);
struct fz_req *fz_req_find(const struct nvmet_fc_req *req);
void fz_req_release(struct fz_req *f, bool abort_it);
void fz_req_release_all(const struct h_assoc *a, int qid, bool abort_it, bool reverse);
bool fz_req_busy(const struct h_assoc *a, int qid);
void fz_req_check_drained(const struct h_assoc *a, int qid);
void fz_req_sweep(void);

/* fuzz_core_assoc.c: associations and queues as the transport (nvmet_fc)
 * keeps and tears them down. */
struct h_assoc *fz_assoc_pick(uint8_t sel);
int fz_assoc_idx(const struct h_assoc *a);
bool fz_assoc_queue_open(const struct h_assoc *a, uint16_t qid);
void fz_assoc_down(struct h_assoc *a);
void fz_assoc_queue_down(struct h_assoc *a, uint16_t qid);
void fz_assoc_deletes(void);
void fz_assoc_reap(void);
void fz_assoc_poll(void);

/* fuzz_core_ns.c: the namespaces' backends and the control plane's
 * changes to them. */
struct backend *fz_ns_be(uint32_t nsid);
void fz_ns_added(void);
void fz_ns_change(uint8_t sel);

/* fuzz_core_rec.c: the records that make requests. */
void fz_rec_cmd(struct fz_in *in, uint8_t rec);
void fz_rec_auth_reply(struct fz_in *in);
void fz_rec_connect(struct fz_in *in);

#endif
