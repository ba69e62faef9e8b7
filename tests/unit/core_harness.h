/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test harness for the NVMe target core: a synchronous fake env (run_on_*
 * call the function at once), a fake FC transport (associations whose queues
 * are created and destroyed through the core's ops, teardown recorded), a
 * fake clock, and helpers to build SQEs and run commands to completion.
 */
#ifndef CORE_HARNESS_H
#define CORE_HARNESS_H

#include <check.h>
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/nvme.h>
#include <fcnvme/nvme_id.h>
#include <fcnvme/nvme_log.h>

#include "daemon/core/tgt_priv.h"

#define H_SUBNQN    "nqn.2024-01.io.example:sub1"
#define H_SUBNQN2   "nqn.2024-01.io.example:sub2"
#define H_HOSTNQN   "nqn.2024-01.io.example:host1"
#define H_HOSTNQN2  "nqn.2024-01.io.example:host2"
#define H_HOSTNQN3  "nqn.2024-01.io.example:host3"
#define H_HOSTNQN4  "nqn.2024-01.io.example:host4"
#define H_WWNN	    0x20000090fa000001ull
#define H_WWPN	    0x10000090fa000001ull
#define H_WWNN2	    0x20000090fa000002ull
#define H_WWPN2	    0x10000090fa000002ull
#define H_HOST_WWPN 0x10000090fa00aa01ull
#define H_PENDING   0xffff

struct h_assoc {
	uint64_t id;
	struct nvmet_fc_target_port *tp;
	void *core_sq[TGT_MAX_QID + 1];
	char tag[TGT_MAX_QID + 1]; /* fc_sq addresses */
	bool alive[TGT_MAX_QID + 1];
	int nr_delete; /* delete_assoc calls */
	uint16_t cntlid;
};

struct h_req {
	struct nvmet_fc_req req;
	struct nvme_command cmd;
	struct nvme_completion cqe;
	uint8_t *data;
	int nr_done;
};

struct harness {
	struct tgt *t;
	struct tgt_clock clock;
	struct nvmet_fc_target_port tp1, tp2;
	/* The limits the fake transport states in sq_info for queues on
	 * tp1 and tp2 (default 1 MiB, 1024 entries, 128 queues). */
	struct nvmet_fc_core_cfg lim1, lim2;
	int nr_disc_chg;
	int fail_hwq;	   /* fail this many run_on_hwq */
	int fail_ctl;	   /* fail this many run_on_ctl */
	bool defer_delete; /* delete_assoc only counts */
	struct h_assoc *assocs[16];
	int nr_assocs;
};

extern struct harness *H;

/* Create H with ports 1 (tp1) and 2 (tp2); state_dir may be NULL. */
void h_setup_dir(const char *state_dir);
void h_setup(void);
void h_teardown(void);

/* A subsystem H_SUBNQN exported on port 1 allowing H_HOSTNQN, with a ram
 * namespace 1 of 1 MiB (512-byte blocks). */
void h_std_subsys(void);

/* A ram backend whose every submission the test decides (h_be_use puts it
 * under a namespace): h_be.decide (NULL: answer at once) returns 0 to run
 * the operation on ram at once, BE_PENDING to keep it in h_be.held until
 * h_be_complete, or another NVMe status to fail it at once without
 * touching the medium. With compare_write it also takes BE_COMPARE_WRITE,
 * atomic (one thread runs everything here). */
#define H_BE_MAX 512
struct h_be_op {
	struct backend *be;
	struct nvmet_fc_req *req;
	enum backend_op op;
	uint64_t off, len;
};
struct h_be {
	uint16_t (*decide)(struct nvmet_fc_req *req, enum backend_op op);
	struct h_be_op held[H_BE_MAX]; /* submission order */
	int nr_held;
	unsigned int closes; /* backends on h_be's ops closed */
	/* Optional: an operation ran on ram (at once or completed), with
	 * its result. */
	void (*ran)(const struct h_be_op *o, uint16_t status);
};
extern struct h_be h_be;
/* Put namespace nsid of the first subsystem on h_be's ops. */
void h_be_use(uint32_t nsid, bool compare_write);
/* Finish held operation i: status 0 runs it on ram now (its result is the
 * status), another status fails it; then tgt_req_io_done. */
void h_be_complete(int i, uint16_t status);
/* Whether the backend holds req. */
bool h_be_holds(const struct nvmet_fc_req *req);

/* Make namespace 1 of h_std_subsys (the first subsystem's first) able to
 * compare and write: h_be_use(1, true) with a decide that answers at once,
 * or with h_cw.async BE_PENDING for BE_COMPARE_WRITE, the request kept
 * in h_cw.held (and h_be.held) for the caller to finish with
 * tgt_req_io_done or h_be_complete. Resets h_cw and h_be. */
struct h_cw {
	bool async;
	struct nvmet_fc_req *held;
	unsigned int calls; /* BE_COMPARE_WRITE submissions */
};
extern struct h_cw h_cw;
void h_ns1_compare_write(void);

/* Run the teardown delete_assoc deferred (defer_delete set). */
void h_assoc_teardown(struct h_assoc *a);
/* Its two halves: sq_stop every live queue (the transport then waits for
 * their requests), then sq_destroy them, the admin queue last. */
void h_assoc_stop(struct h_assoc *a);
void h_assoc_destroy(struct h_assoc *a);
/* The same for one queue (nothing if it is not live). */
void h_queue_stop(struct h_assoc *a, uint16_t qid);
void h_queue_destroy(struct h_assoc *a, uint16_t qid);
/* Create an association on tp (queue 0 only). */
struct h_assoc *h_assoc_new(struct nvmet_fc_target_port *tp);
/* Create I/O queue qid (sqsize 0's based) in the transport. */
void h_queue_new(struct h_assoc *a, uint16_t qid, uint16_t sqsize);

/* Build a request on queue qid of a (data buffer of len bytes, zeroed). */
struct h_req *h_req_new(struct h_assoc *a, uint16_t qid, uint32_t len);
void h_req_free(struct h_req *r);
/* Run: req_init, then execute; returns the CQE status (>> 1), or H_PENDING
 * if no response yet. */
uint16_t h_run(struct h_req *r);
uint16_t h_status(const struct h_req *r);

/* Connect the admin queue (returns status; sets a->cntlid). */
uint16_t h_connect_admin(struct h_assoc *a, const char *subnqn, const char *hostnqn, uint32_t kato);
uint16_t h_connect_io(struct h_assoc *a, uint16_t qid, const char *subnqn, const char *hostnqn,
		      uint16_t sqsize);
uint16_t h_prop_set_cc(struct h_assoc *a, uint32_t cc);
/* An Asynchronous Event Request on a's admin queue, held (pending). */
struct h_req *h_aer(struct h_assoc *a);
/* Connect admin + enable; the standard controller on H_SUBNQN with I/O
 * queue 1. */
struct h_assoc *h_ctrl_ready(struct nvmet_fc_target_port *tp, const char *subnqn,
			     const char *hostnqn, uint16_t nr_io);
#define H_CC_READY (NVME_CC_ENABLE | (6u << NVME_CC_IOSQES_SHIFT) | (4u << NVME_CC_IOCQES_SHIFT))

/* Admin and I/O command helpers. */
uint16_t h_identify(struct h_assoc *a, uint8_t cns, uint32_t nsid, uint32_t cdw11,
		    uint8_t *out4096);
uint16_t h_get_log(struct h_assoc *a, uint8_t lid, uint8_t lsp, bool rae, uint32_t nsid,
		   uint64_t off, uint32_t len, uint8_t *out);
uint16_t h_io(struct h_assoc *a, uint16_t qid, uint8_t opcode, uint32_t nsid, uint64_t slba,
	      uint32_t nlb, void *buf, uint32_t len);

/* Suites */
Suite *core_connect_suite(void);
Suite *core_auth_suite(void);
Suite *core_admin_suite(void);
Suite *core_discovery_suite(void);
Suite *core_io_suite(void);
Suite *core_fused_suite(void);
Suite *core_ns_suite(void);
Suite *core_ns_host_suite(void);
Suite *core_backend_suite(void);
Suite *core_mpsc_suite(void);
Suite *io_thread_suite(void);
Suite *core_stats_suite(void);
Suite *core_limits_suite(void);
Suite *core_linux_suite(void);
Suite *core_resv_suite(void);
Suite *core_resv_abort_suite(void);
Suite *core_port_suite(void);
Suite *rbd_thread_suite(void);
Suite *rbd_job_suite(void);

/* Little-endian fields of returned data (Identify, log pages), at any
 * offset. */
static inline uint16_t h_rd16(const uint8_t *p, size_t off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return le16toh(v);
}

static inline uint32_t h_rd32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return le32toh(v);
}

static inline uint64_t h_rd64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return le64toh(v);
}

#endif /* CORE_HARNESS_H */
