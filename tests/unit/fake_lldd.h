/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-process fake target LLDD for the target transport's tests and
 * fuzzers. It implements nvmet_fc_target_template, records every call the
 * transport makes (with the LS bytes and response IU bytes it was given),
 * moves data between a per-exchange "host" buffer and the transport's sg
 * lists the way fcloop does, and can fail any op, shorten a transfer, hold
 * ops until the test completes them, or inject an ABTS at any op.
 * One fake per process (tests run forked).
 */
#ifndef FAKE_LLDD_H
#define FAKE_LLDD_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_driver.h>

enum fake_call {
	FC_XMT_LS_RSP = 1,
	FC_FCP_OP,
	FC_FCP_ABORT,
	FC_FCP_RELEASE,
	FC_DEFER_RCV,
	FC_DISCOVERY,
	FC_LS_REQ,
	FC_LS_ABORT,
	FC_HOST_RELEASE,
	FC_TGTPORT_DELETE,
};

/* One recorded call. */
struct fake_rec {
	enum fake_call call;
	struct nvmefc_tgt_fcp_req *fcpreq;
	uint8_t op; /* NVMET_FCOP_* */
	uint32_t offset;
	uint32_t transfer_length;
	int sg_cnt;
	uint32_t sg_bytes; /* sum of sg lengths */
	void *sg0;	   /* sg[0].addr */
	bool sg_contig;	   /* sg[i].addr == sg0 + i * 4 KiB, all i */
	uint16_t rsplen;
	uint8_t rsp[32]; /* RSP/ERSP IU bytes */
	void *hosthandle;
	struct nvmefc_ls_rsp *lsrsp;
	struct nvmefc_ls_req *lsreq;
	uint8_t ls[128]; /* LS response/request */
	uint32_t ls_len;
};

#define FAKE_MAX_RECS  8192
#define FAKE_MAX_XCHG  512
#define FAKE_XCHG_DATA (2u * 1024 * 1024)
#define FAKE_MAX_LSRSP 300

/* One exchange as the fake HBA sees it. */
struct fake_xchg {
	struct nvmefc_tgt_fcp_req req;
	uint8_t cmdiu[96];
	uint8_t *host; /* host-side data */
	bool released;
	bool deferred_rcv; /* defer_rcv seen */
	bool held;	   /* op waiting for fake_complete */
	int rcv_rc;	   /* nvmet_fc_rcv_fcp_req() */
};

struct fake_lldd {
	struct nvmet_fc_target_template tmpl;
	struct nvmet_fc_target_port *tp;
	struct fake_rec recs[FAKE_MAX_RECS];
	unsigned int nrecs;

	/* Behaviour knobs. */
	bool hold_fcp;		  /* do not complete fcp ops inline */
	bool hold_ls_rsp;	  /* do not call lsrsp->done inline */
	bool hold_ls_req;	  /* do not complete ls_req inline */
	int fail_xmt_ls_rsp;	  /* return this once */
	int fail_ls_req;	  /* return this once */
	int fail_fcp_op[5];	  /* by op: return this once */
	int err_fcp_op[5];	  /* by op: fcp_error once */
	uint32_t short_fcp_op[5]; /* by op: move this much less once */
	uint8_t abts_on_op;	  /* ABTS when this op arrives (once) */
	uint32_t host_len;	  /* host buffer per exchange;
						 * 0: FAKE_XCHG_DATA */

	struct fake_xchg xchg[FAKE_MAX_XCHG];
	unsigned int nxchg;
	struct nvmefc_ls_rsp lsrsp[FAKE_MAX_LSRSP];
	unsigned int nlsrsp;
	void *ls_hosthandle;		   /* of the last fake_ls */
	struct nvmefc_ls_req *ls_reqs[64]; /* held ls_req */
	unsigned int nls_reqs;
};

extern struct fake_lldd *fake;

/* Create the fake (features: NVMET_FCTGTFEAT_*; with_defer: defer_rcv;
 * with_ls_req: ls_req + ls_abort) and register a target port. */
struct fake_lldd *fake_lldd_new(uint32_t max_hw_queues, uint16_t max_sgl_segments,
				uint32_t features, bool with_defer, bool with_ls_req);
void fake_lldd_free(void);

/* Deliver an LS from hosthandle; returns nvmet_fc_rcv_ls_req()'s value. */
int fake_ls(void *hosthandle, const void *buf, uint32_t len);
/* Deliver a CMD IU on hwqid; host data (for writes: the source; for
 * reads: the destination) is the exchange's host buffer. */
struct fake_xchg *fake_cmd(uint16_t hwqid, const void *iu, uint32_t len);
/* Complete the held op of an exchange (hold_fcp). */
void fake_complete(struct fake_xchg *x, int fcp_error);
/* Complete every held ls_req with status. */
void fake_complete_ls_reqs(int status);

/* Counting and finding records. */
unsigned int fake_count(enum fake_call call);
unsigned int fake_count_x(enum fake_call call, const struct fake_xchg *x);
const struct fake_rec *fake_last(enum fake_call call);
const struct fake_rec *fake_nth(enum fake_call call, unsigned int n);
/* The index of the first record of call at or after from, or -1. */
int fake_find(enum fake_call call, unsigned int from);

/* ---- Helpers shared by the transport's suites and fuzzers ------------- */

struct fake_core;
struct nvmet_fc_core_cfg;

/* The host handles tests use (any non-NULL pointers). */
#define HH1 ((void *)0x1001)
#define HH2 ((void *)0x1002)

/* Fake LLDD + fake core bound with cfg (NULL: defaults). */
void fake_env_new(uint32_t max_hw_queues, uint16_t max_sgl_segments, uint32_t features,
		  bool with_defer, bool with_ls_req, const struct nvmet_fc_core_cfg *cfg);
/* Unregister (if still registered), pump, and free both fakes. */
void fake_env_free(void);
/* A Create Association request (1024 bytes) into buf. */
int fake_build_cra(void *buf, uint16_t ersp_ratio, uint16_t sqsize);
/* A Create Connection request (80 bytes) into buf. */
int fake_build_crc(void *buf, uint64_t assoc_id, uint16_t ersp_ratio, uint16_t qid,
		   uint16_t sqsize);
/* Create an association from hh, pump; returns its id (0 on failure). */
uint64_t fake_assoc(void *hh, uint16_t ersp_ratio, uint16_t sqsize);
/* Create connection qid, pump; returns its id (0 on failure). */
uint64_t fake_conn(void *hh, uint64_t assoc_id, uint16_t ersp_ratio, uint16_t qid, uint16_t sqsize);
/* Send Disconnect Association from hh; returns fake_ls()'s value. */
int fake_disconnect(void *hh, uint64_t assoc_id);
/* A CMD IU: opcode, IU flags (FCNVME_CMD_FLAGS_*), data_len, command id. */
void fake_build_cmd(void *iu, uint64_t conn_id, uint8_t opcode, uint8_t flags, uint32_t data_len,
		    uint16_t cid);
/* The hwq a qid is steered to with max_hw_queues hwqs. */
uint16_t fake_hwq(uint16_t qid);

#endif /* FAKE_LLDD_H */
