/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fcnvme perf's state, shared by its command (fcnvme_perf.c: options,
 * result) and its load loop (fcnvme_perf_run.c: submission, completion,
 * verification, polling). One thread owns all of it.
 */
#ifndef FCNVME_PERF_H
#define FCNVME_PERF_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/hist.h>
#include <fcnvme/tsc.h>

#include "fcnvme.h"

enum perf_wl {
	PERF_READ,
	PERF_WRITE,
	PERF_RANDREAD,
	PERF_RANDWRITE,
	PERF_RW,
	PERF_RANDRW
};

enum perf_poll {
	PERF_POLL_BUSY,
	PERF_POLL_HYBRID
};

/* --poll hybrid: polling rounds that completed nothing before the host
 * sleeps, and the longest sleep. A sleep ends at the first completion;
 * its bound is what keeps the rest on time: keep-alives and command
 * timeouts (fcnvme_host_ctrl_poll), the slow path (fcnvme_pump), the
 * deadline, the progress line and signals are looked at between sleeps. */
#define PERF_HYBRID_SPINS    64
#define PERF_HYBRID_SLEEP_US 1000
/* Polling passes between two controller polls (a power of 2). Each such
 * pass polls the next controller in turn, and only a pass after a sleep
 * polls them all: polling all 64 controllers every 16th pass (each
 * fcnvme_host_ctrl_poll reads the clock and reaps every queue of its
 * controller, again, through poll_queue) was half of the host's CPU at 64
 * associations of QD 1 (bench/HISTORY.md, "hostscale"); one controller
 * every 16th pass still took ~20 % of the host's samples there (the
 * polls and their clock reads), every 64th pass ~10 %. A controller is
 * then polled every 64 x assocs passes: some 260 ms apart at most at 64
 * associations
 * with 64 completions per pass, against keep-alive intervals of seconds
 * (kato / 2; the target's keep-alive is traffic-based besides) and
 * command timeouts of 30 s; FCP timeouts and lost remote ports are the
 * port's hw queues' own (hw_host_port_poll). */
#define PERF_CTRL_EVERY	     64
/* The slow path (fcnvme_pump: the port's events, one epoll_wait system
 * call) at most this often while I/O flows, looked at every 64 passes: a
 * pump every 256 passes was a system call every few microseconds of a
 * host spinning on an empty CQ. */
#define PERF_PUMP_NS	     100000u

#define PERF_MAX_ASSOCS 64

struct perf;

/* One in-flight slot of the load. */
struct perf_io {
	struct perf *pf;
	struct fcnvme_host_buf *buf;
	struct fcnvme_host_ctrl *ctrl; /* the association it runs on */
	uint16_t qid;
	bool is_read;
	bool busy;
	uint64_t slot;
	uint32_t ver; /* version written or expected */
	uint64_t t0;  /* perf_stamp() at submission */
};

struct perf {
	struct fcnvme_ctx *x;
	struct fcnvme_host_ctrl *ctrl; /* ctrls[0] */
	struct fcnvme_host_ctrl *ctrls[PERF_MAX_ASSOCS];
	uint32_t nsid, lbasz, io_size, depth, seconds;
	uint16_t queues, assocs;
	uint16_t ctrl_next; /* perf_run: the controller the next poll takes */
	enum perf_wl wl;
	enum perf_poll poll;
	unsigned int mix; /* % reads for rw */
	bool verify, rand, stopping, prefill;
	bool interrupted; /* SIGINT/SIGTERM ended the prefill or the run */
	uint64_t nslots, seq;
	uint32_t *slot_ver; /* verify: last version written */
	uint8_t *slot_busy;
	uint64_t rng, seed;
	struct perf_io *ios;
	unsigned int nios, inflight;
	uint64_t done, reads, writes, errors, verify_errors;
	uint64_t sleeps; /* --poll hybrid: sleeps on the CQs in the measured run */
	uint16_t first_error;
	struct fcnvme_tsc clk;	   /* perf_stamp(); calibrated over each run */
	struct fcnvme_hist hist;   /* latency, in perf_stamp() ticks */
	uint64_t lat_sum, lat_max; /* the same */
};

extern volatile sig_atomic_t perf_sigint;

/* A latency stamp: fcnvme_tsc_read() ticks; only differences of two
 * stamps mean something (fcnvme_tsc_ns()). */
static inline uint64_t perf_stamp(const struct perf *pf)
{
	return fcnvme_tsc_read(&pf->clk);
}

void perf_on_sig(int sig);
double perf_ticks_us(const struct perf *pf, double ticks);
void perf_run(struct perf *pf, uint64_t end_ns);

#endif
