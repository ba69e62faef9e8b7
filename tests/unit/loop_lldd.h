/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-process, fcloop-like LLDD pair for unit tests: one host local port
 * with one remote port, wired to one target port of the real target
 * transport (nvmet_fc_*), with a small fake NVMe core (loop_core.c) bound to
 * it. Delivery from host to target is synchronous; everything coming back
 * (LS and FCP completions, the target's env work, target-sent LS) goes
 * through one FIFO that the host's poll_queue and loop_process() drain, so
 * neither transport is ever re-entered from inside its own call.
 * Fault hooks let tests break responses, drop commands and corrupt data.
 * Single-threaded; test code only.
 */
#ifndef LOOP_LLDD_H
#define LOOP_LLDD_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>

#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/nvmet_fc_core.h>

#define LOOP_HOST_WWNN 0x10001100aa000001ull
#define LOOP_HOST_WWPN 0x20001100aa000001ull
#define LOOP_TGT_WWNN  0x10001100ab000001ull
#define LOOP_TGT_WWPN  0x20001100ab000001ull
#define LOOP_SUBNQN    "nqn.2026-01.org.example:loop-subsys"
#define LOOP_HOSTNQN   "nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de349"
#define LOOP_DISC_NQN  "nqn.2014-08.org.nvmexpress.discovery"
#define LOOP_NS_BLOCKS 4096u /* 512-byte blocks of namespace 1 */

/* How to break the next responses (counts decrement as they fire). */
enum loop_rsp_fault {
	LOOP_RSP_OK,
	LOOP_RSP_BAD_IU_LEN, /* ERSP iu_len 7 */
	LOOP_RSP_BAD_XFRD,   /* ERSP xfrd_len off by 512 */
	LOOP_RSP_BAD_RESULT, /* ersp_result 1 */
	LOOP_RSP_BAD_CID,    /* CQE command id + 1 */
	LOOP_RSP_BAD_LEN,    /* rcv_rsplen 20 */
	LOOP_RSP_SHORT_DATA, /* zero RSP but 512 bytes less transferred */
};

struct loop_core;

struct loop_pair {
	/* host side */
	struct nvme_fc_port_template htmpl;
	struct nvme_fc_local_port *lport;
	struct nvme_fc_remote_port *rport;
	bool lport_deleted;
	bool rport_deleted;
	/* target side */
	struct nvmet_fc_target_template ttmpl;
	struct nvmet_fc_target_port *tport;
	bool tport_deleted;
	struct loop_core *core;

	/* the FIFO */
	struct loop_work *head, *tail;
	unsigned int nr_work;

	/* counters */
	unsigned int ls_sent, fcp_sent, fcp_aborts;
	unsigned int disconnects_rcvd; /* target got */
	unsigned int t2h_ls;	       /* LS the host got */
	unsigned int t2h_ls_acc;       /* ... and ACCed */
	uint8_t last_cmd_iu[96];       /* last CMD IU */
	const void *last_read_sg0;     /* sg[0].addr of the last READDATA */
	uint8_t ls_log[4][1024];       /* first 4 host LS */
	uint32_t ls_log_len[4];

	/* faults */
	enum loop_rsp_fault rsp_fault;
	unsigned int rsp_fault_count;
	uint8_t drop_opcode; /* with drop_count */
	unsigned int drop_count;
	unsigned int corrupt_read_count; /* flip a data byte */
	bool defer_readdata;		 /* move READDATA data from the FIFO, later */
	/* Called with every FCP response as the host will see it (data
	 * already in the host's buffer), so that a test can play a target
	 * that breaks a rule; see loop_hreq_*() below. */
	void (*rsp_hook)(struct loop_pair *p, struct nvmefc_fcp_req *hreq);
};

/* Build the pair: host ports registered, target port registered and bound
 * to a fresh fake core. 0 or -errno. */
int loop_pair_init(struct loop_pair *p);
/* Tear everything down (host ports must have no controllers left). */
void loop_pair_fini(struct loop_pair *p);
/* Run queued work; returns the number of items run. */
unsigned int loop_process(struct loop_pair *p);
/* Take the target port away (as fcloop del_target_port) / bring it back
 * with a fresh core (a restarted target). */
void loop_target_down(struct loop_pair *p);
int loop_target_up(struct loop_pair *p);

/* For rsp_hook: the SQE the host sent; its response as an ERSP CQE (a
 * 12-byte zero response is turned into the equivalent ERSP first); write
 * n bytes at offset off of the host's data buffer. */
const struct nvme_command *loop_hreq_sqe(const struct nvmefc_fcp_req *h);
struct nvme_completion *loop_hreq_cqe(struct nvmefc_fcp_req *h);
void loop_hreq_write(struct nvmefc_fcp_req *h, uint32_t off, const void *v, size_t n);

/* ---- the fake NVMe core (loop_core.c) ---- */

/* What the fake core exposes to tests. */
struct loop_core_stats {
	unsigned int connects, io_cmds, keep_alives, sq_creates, sq_destroys, double_destroys;
	uint16_t fail_opcode; /* 0xffff = none */
	uint16_t fail_status; /* returned for fail_opcode */
	uint32_t fail_count;
	uint32_t reads;		  /* Read commands seen */
	uint32_t corrupt_read_at; /* flip a byte in that read */
	uint8_t mdts;		  /* Identify MDTS (default 8) */
};

struct loop_core *loop_core_new(const char *subnqn);
void loop_core_free(struct loop_core *core);
const struct nvmet_fc_core_ops *loop_core_ops(void);
struct loop_core_stats *loop_core_stats(struct loop_core *core);
uint8_t *loop_core_ns_data(struct loop_core *core);
void loop_core_set_traddr(struct loop_core *core, const char *traddr);
/* Ask the target to drop every association of this core (as keep-alive
 * expiry would): calls nvmet_fc_sq_delete_assoc on each admin queue. */
void loop_core_kill_assocs(struct loop_core *core);

#endif /* LOOP_LLDD_H */
