/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of the hw_mp integration test share: the fabric's names,
 * CHECK, the page shared between the test (host) process and the target
 * process (hw_mp_target.c), and the host side harness (hw_mp_host.c).
 * Single-threaded in the test process; the target process writes the
 * shared page's counters, the test process its commands.
 */
#ifndef HW_MP_H
#define HW_MP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_driver.h>

#include "hw_host.h"

#define TGT_WWNN  0x20000090fa000001ull
#define TGT_WWPN  0x10000090fa000001ull
#define HOST_WWNN 0x20000090fb000001ull
#define HOST_WWPN 0x10000090fb000001ull
#define NR_HWQ	  4
#define QD	  128

/* hw_mp.c: what CHECK counted */
extern int failures, checks;

#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		checks++;                                                               \
		if (!(cond)) {                                                          \
			failures++;                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
		}                                                                       \
	} while (0)

/* Shared between the test (host) process and the target process. */
enum {
	CMD_NONE,
	CMD_LOGO,
	CMD_LINK_DOWN,
	CMD_LINK_UP,
	CMD_LS,
	CMD_RSCN
};

struct shared {
	_Atomic int stop, ready;
	_Atomic int cmd, cmd_seq, cmd_done_seq, cmd_rc;
	_Atomic int logins, logouts, link_up, link_down, rscn;
	_Atomic int invalidated, released, fcp_aborts, ls_rcvd, steer_errors, fcp_rcvd;
	char why[64];
	uint8_t ls_rsp[64];
};

/* hw_mp.c: the shared page (MAP_SHARED before the fork) */
extern struct shared *sh;
/* hw_mp.c: the fabric's directory, for softhbactl --dir */
extern char hw_mp_shm_root[64];

/* hw_mp_target.c: fork the target process; returns once it is ready (or
 * after 5 s: sh->ready says which). */
pid_t hw_mp_target_start(bool readdata_rsp);

/* hw_mp_host.c: the host port and its queues (qid 0..NR_HWQ + 1) */
extern struct hw_host_port *hp;
extern void *qh[NR_HWQ + 2];

/* One I/O. */
struct io {
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	uint8_t rsp[32];
	struct fcnvme_sg sg;
	uint8_t *buf;
	fcnvme_dma_t dma;
	uint32_t len, seed;
	uint8_t opcode;
	uint16_t qid, cid;
	_Atomic int done;
	bool dma_buf;
};

/* One pass of the host: its port events and every hw queue. */
void host_drive(void);
/* Drive the host until *flag reaches want or ms pass. */
bool host_wait(_Atomic int *flag, int want, int ms);
/* Ask the target process for cmd (CMD_*); its result, or -ETIMEDOUT. */
int tgt_cmd(int cmd, int ms);
/* The target's remote port, once online, or NULL. */
struct nvme_fc_remote_port *online_rport(void);
/* An I/O with a buffer of maxlen bytes (DMA memory of the host port, or
 * malloc'ed memory that needs bounce buffers). */
void io_init(struct io *io, uint32_t maxlen, bool dma);
/* Submit one I/O of the fake transport's opcode (HWF_OP_*) on qid. */
int io_submit(struct io *io, struct nvme_fc_remote_port *rp, uint16_t qid, uint8_t opcode,
	      uint32_t len, uint32_t seed, uint16_t cid);
/* Check a completed I/O's status, response bytes and data. Returns 0 if ok. */
int io_verify(struct io *io, bool report);
/* Submit and wait up to ms for the completion: 0, or the submit error or
 * -ETIMEDOUT. */
int io_run(struct io *io, struct nvme_fc_remote_port *rp, uint16_t qid, uint8_t opcode,
	   uint32_t len, uint32_t seed, int ms);

/* hw_mp_softhbactl.c */
void test_softhbactl(void);

/* hw_mp_stress.c: QD I/Os on every hw queue for seconds, then drained */
void test_stress(struct nvme_fc_remote_port *rp, int seconds);

#endif
