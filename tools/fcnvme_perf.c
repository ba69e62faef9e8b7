// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme perf: an spdk_nvme_perf-like load generator. One thread drives
 * --queues I/O queues at -q commands each; -w read|write|randread|
 * randwrite|rw|randrw (the mixed ones with -M percent reads; rw
 * sequential, randrw random, as in fio and spdk_nvme_perf) of -o bytes for
 * -t seconds. The
 * namespace range is cut into slots of the I/O size; with --verify every
 * write carries a pattern derived from (slot, version) and every read is
 * checked against the last version written (a slot is never in flight
 * twice), after a prefill when the workload reads. Latencies go into the
 * log-linear histogram of fcnvme/hist.h (p50/p99/p99.9 within 1/16, max
 * exact); the result is a human summary or JSON, with IOPS, MiB/s and CPU
 * use; a progress line appears once a second when stdout is a terminal.
 * Latencies are stamped as fio and spdk_nvme_perf do, with the CPU's
 * time-stamp counter where it is invariant and the kernel's clocksource
 * (fcnvme/tsc.h): one RDTSC, under half a vDSO CLOCK_MONOTONIC read,
 * converted to nanoseconds with the TSC rate measured against
 * CLOCK_MONOTONIC over the run itself (fcnvme_tsc_calibrate()); elsewhere
 * with CLOCK_MONOTONIC. A completion's stamp is also the submission stamp
 * of the command it resubmits (no --verify): one stamp per I/O, the
 * latency counted from the previous command's completion, so never
 * shorter than the real one.
 * --poll busy (the default) spins on the controllers' queues; --poll
 * hybrid, after PERF_HYBRID_SPINS polling rounds that completed nothing,
 * sleeps on the host port's CQs (hw_host_port_wait) until the target's
 * firmware posts a completion, as Linux's host takes an interrupt, so that
 * on a shared machine the host leaves the CPUs to the target's side.
 * SIGINT/SIGTERM end the run early (the result is still reported) or stop
 * the --verify prefill (exit 130, no result); the prefill shows its
 * progress on stderr when stderr is a terminal.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <fcnvmecli/json.h>

#include <fcnvme/clock.h>
#include <fcnvme/hist.h>
#include <fcnvme/tsc.h>

#include "fcnvme.h"
#include "hw_host.h"

enum perf_wl {
	PERF_READ,
	PERF_WRITE,
	PERF_RANDREAD,
	PERF_RANDWRITE,
	PERF_RW,
	PERF_RANDRW
};

static const char *const perf_wl_names[] = {
	[PERF_READ] = "read",
	[PERF_WRITE] = "write",
	[PERF_RANDREAD] = "randread",
	[PERF_RANDWRITE] = "randwrite",
	[PERF_RW] = "rw",
	[PERF_RANDRW] = "randrw",
	NULL,
};

enum perf_poll {
	PERF_POLL_BUSY,
	PERF_POLL_HYBRID
};

static const char *const perf_poll_names[] = {
	[PERF_POLL_BUSY] = "busy",
	[PERF_POLL_HYBRID] = "hybrid",
	NULL,
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
 * associations of QD 1 (bench/README.md, "hostscale"); one controller
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

/* getopt keys of perf's options without a letter */
enum {
	PERF_KEY_QUEUES = 0x300,
	PERF_KEY_VERIFY,
	PERF_KEY_SEED,
	PERF_KEY_ASSOCS,
	PERF_KEY_POLL,
};

#define PERF_MAX_ASSOCS 64

const struct cli_opt fcnvme_perf_opts[] = {
	{ "--queue-depth", "-q", "N", "Commands in flight per I/O queue, 1 to 1024 (default 32).",
	  NULL, 0, 'q' },
	{ "--io-size", "-o", "BYTES",
	  "I/O size, a multiple of the LBA size and at most the controller's maximum transfer "
	  "(default 4096).",
	  NULL, 0, 'o' },
	{ "--workload", "-w", "WORKLOAD",
	  "read, write, randread (the default), randwrite, rw (sequential mixed) or randrw "
	  "(random mixed).",
	  perf_wl_names, 0, 'w' },
	{ "--rwmixread", "-M", "PERCENT", "Percent reads of rw and randrw, 0 to 100 (default 50).",
	  NULL, 0, 'M' },
	{ "--time", "-t", "SECONDS", "Run time, 1 to 86400 (default 10).", NULL, 0, 't' },
	{ "--namespace-id", "-n", "NSID", "The namespace (default 1).", NULL, 0, 'n' },
	{ "--queues", NULL, "N", "I/O queues to drive, 1 to 128 (default 1).", NULL, 0,
	  PERF_KEY_QUEUES },
	{ "--assocs", NULL, "N",
	  "Associations (controllers) to drive at once, 1 to 64 (default 1), each with --queues "
	  "queues of -q commands: the total depth is N x queues x depth.",
	  NULL, 0, PERF_KEY_ASSOCS },
	{ "--verify", NULL, NULL,
	  "Write patterns and check every read against the last one written; a workload that "
	  "reads first prefills the namespace (interruptible, with progress on a terminal).",
	  NULL, 0, PERF_KEY_VERIFY },
	{ "--seed", NULL, "N",
	  "Seed of the random offsets and read/write choices (default: from the clock; the "
	  "seed used is printed with -v and in the JSON result).",
	  NULL, 0, PERF_KEY_SEED },
	{ "--poll", NULL, "MODE",
	  "busy (the default): spin on the queues; hybrid: after 64 polling rounds with "
	  "nothing completed, sleep on the port's completion queues until a completion "
	  "arrives (at most 1 ms at a time), leaving the CPU to others.",
	  perf_poll_names, 0, PERF_KEY_POLL },
	FCNVME_OPT_OUTPUT(NULL, FCNVME_KEY_OUTPUT),
	FCNVME_OPT_JSON,
	FCNVME_OPT_END,
};

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

static volatile sig_atomic_t perf_sigint;

static void perf_on_sig(int sig)
{
	(void)sig;
	perf_sigint = 1;
}

static uint64_t perf_rand(struct perf *pf)
{
	uint64_t z = (pf->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A latency stamp: fcnvme_tsc_read() ticks; only differences of two
 * stamps mean something (fcnvme_tsc_ns()). */
static inline uint64_t perf_stamp(const struct perf *pf)
{
	return fcnvme_tsc_read(&pf->clk);
}

/* Ticks of perf_stamp() to us. */
static double perf_ticks_us(const struct perf *pf, double ticks)
{
	return fcnvme_tsc_ns_f(&pf->clk, ticks) / 1000.0;
}

/* The latency percentile ppm / 10^6 in us: the middle of its histogram
 * bucket, within 1/16 (fcnvme/hist.h; the buckets are relative, so the
 * bound holds in ticks as in ns). */
static double perf_percentile_us(const struct perf *pf, uint32_t ppm)
{
	return perf_ticks_us(pf, (double)fcnvme_hist_percentile(&pf->hist, ppm, pf->lat_max));
}

/* The pattern word i of a slot at a version. */
static uint64_t perf_pattern(uint64_t slot, uint32_t ver, uint64_t i)
{
	uint64_t z = (slot << 24) ^ ((uint64_t)ver << 1) ^ (i * 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdull;
	return z ^ (z >> 33);
}

static void perf_fill(struct perf_io *io)
{
	uint64_t *w = io->buf->addr;
	uint64_t i, n = io->pf->io_size / 8;

	for (i = 0; i < n; i++)
		w[i] = perf_pattern(io->slot, io->ver, i);
}

static void perf_check(struct perf *pf, struct perf_io *io)
{
	const uint64_t *w = io->buf->addr;
	uint64_t i, n = pf->io_size / 8;

	for (i = 0; i < n; i++) {
		uint64_t want = perf_pattern(io->slot, io->ver, i);

		if (w[i] == want)
			continue;
		if (!pf->verify_errors)
			fprintf(stderr,
				"fcnvme perf: verify: LBA %" PRIu64 " (byte %" PRIu64
				" of the I/O): expected "
				"%016" PRIx64 ", read %016" PRIx64 "\n",
				io->slot * pf->io_size / pf->lbasz, i * 8, want, w[i]);
		pf->verify_errors++;
		return;
	}
}

static void perf_done(void *arg, uint16_t status, const struct nvme_completion *cqe);

/* Submit io's next command; t0 is its submission stamp (0: stamp now). */
static int perf_submit(struct perf *pf, struct perf_io *io, uint64_t t0)
{
	struct nvme_command c;
	uint64_t slot = 0, tries;
	int rc;

	if (pf->prefill) {
		if (pf->seq >= pf->nslots)
			return 0;
		slot = pf->seq++;
		io->is_read = false;
	} else {
		switch (pf->wl) {
		case PERF_READ:
		case PERF_RANDREAD:
			io->is_read = true;
			break;
		case PERF_WRITE:
		case PERF_RANDWRITE:
			io->is_read = false;
			break;
		case PERF_RW:
		case PERF_RANDRW:
			io->is_read = perf_rand(pf) % 100 < pf->mix;
			break;
		}
		for (tries = 0; tries < pf->nslots; tries++) {
			slot = pf->rand ? perf_rand(pf) % pf->nslots : pf->seq++ % pf->nslots;
			if (!pf->verify || !pf->slot_busy[slot])
				break;
		}
		if (pf->verify && pf->slot_busy[slot])
			return 0; /* every slot busy: idle this one */
	}
	io->slot = slot;
	if (pf->verify) {
		pf->slot_busy[slot] = 1;
		io->ver = io->is_read ? pf->slot_ver[slot] : pf->slot_ver[slot] + 1;
		if (!io->is_read)
			perf_fill(io);
	}
	memset(&c, 0, sizeof(c));
	c.rw.opcode = io->is_read ? nvme_cmd_read : nvme_cmd_write;
	c.rw.nsid = htole32(pf->nsid);
	c.rw.slba = htole64(slot * (pf->io_size / pf->lbasz));
	c.rw.length = htole16((uint16_t)(pf->io_size / pf->lbasz - 1));
	io->t0 = t0 ? t0 : perf_stamp(pf);
	rc = fcnvme_host_submit(io->ctrl, io->qid, &c, io->buf, 0, pf->io_size, perf_done, io);
	if (rc) {
		if (pf->verify)
			pf->slot_busy[slot] = 0;
		if (!pf->errors++)
			pf->first_error = NVME_SC_HOST_PATH_ERROR;
		return rc;
	}
	io->busy = true;
	pf->inflight++;
	return 0;
}

static void perf_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct perf_io *io = arg;
	struct perf *pf = io->pf;
	uint64_t now = perf_stamp(pf);
	uint64_t lat = now > io->t0 ? now - io->t0 : 0;

	(void)cqe;
	io->busy = false;
	pf->inflight--;
	if (pf->verify)
		pf->slot_busy[io->slot] = 0;
	if (status) {
		if (!pf->errors++)
			pf->first_error = status;
		pf->stopping = true;
		return;
	}
	if (pf->verify) {
		if (io->is_read)
			perf_check(pf, io);
		else
			pf->slot_ver[io->slot] = io->ver;
	}
	if (!pf->prefill) {
		pf->done++;
		if (io->is_read)
			pf->reads++;
		else
			pf->writes++;
		fcnvme_hist_record(&pf->hist, lat);
		pf->lat_sum += lat;
		if (lat > pf->lat_max)
			pf->lat_max = lat;
	}
	/* With --verify, a write's pattern is made between the two. */
	if (!pf->stopping)
		(void)perf_submit(pf, io, pf->verify ? 0 : now);
}

static double perf_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* The prefill's progress on a terminal: one line rewritten in place. */
static void perf_prefill_progress(const struct perf *pf, bool last)
{
	uint64_t done = pf->seq - pf->inflight;

	fprintf(stderr, "\rfcnvme perf: prefill %3u%% (%" PRIu64 " of %" PRIu64 " MiB)%s",
		(unsigned int)(pf->nslots ? done * 100 / pf->nslots : 100),
		done * pf->io_size >> 20, pf->nslots * pf->io_size >> 20, last ? "\n" : "");
}

/* Poll count controllers, round robin from pf->ctrl_next; a controller
 * that is no longer LIVE stops the run. Returns the events handled. */
static int perf_poll_ctrls(struct perf *pf, unsigned int count)
{
	int n = 0;

	while (count--) {
		struct fcnvme_host_ctrl *c = pf->ctrls[pf->ctrl_next];
		int rc = fcnvme_host_ctrl_poll(c);

		n += rc > 0 ? rc : 0;
		if (fcnvme_host_ctrl_state(c) != FCNVME_HOST_CTRL_LIVE)
			pf->stopping = true;
		if (++pf->ctrl_next >= pf->assocs)
			pf->ctrl_next = 0;
	}
	return n;
}

/* Run until the deadline (or, for the prefill, until every slot is
 * written), a signal or a failure. */
static void perf_run(struct perf *pf, uint64_t end_ns)
{
	bool tty = !pf->prefill && isatty(STDOUT_FILENO);
	bool ptty = pf->prefill && isatty(STDERR_FILENO);
	uint64_t start = fcnvme_clock_ns(), next_tick = start + 1000000000ull;
	struct fcnvme_tsc_pair cal;
	uint64_t last_done = 0, spins = 0, next_pump = start + PERF_PUMP_NS;
	unsigned int i, idle = 0;
	bool slept_last = false;

	pf->stopping = false;
	fcnvme_tsc_pair_read(&pf->clk, &cal);
	for (i = 0; i < pf->nios; i++)
		if (perf_submit(pf, &pf->ios[i], 0))
			break;
	if (ptty)
		next_tick = start + 250000000ull;
	while (pf->inflight) {
		bool slept = false;
		uint64_t now;
		/* Completions: the port's hw queues, once per pass, whatever
		 * the number of controllers sharing them. */
		int n = hw_host_port_poll(pf->x->port, 256);

		n = n > 0 ? n : 0;
		/* Each controller's own work (keep-alive, timeouts, state):
		 * one controller on every PERF_CTRL_EVERY-th pass, all of
		 * them after a sleep (PERF_CTRL_EVERY). */
		if ((++spins & (PERF_CTRL_EVERY - 1)) == 0 || slept_last)
			n += perf_poll_ctrls(pf, slept_last ? pf->assocs : 1u);
		slept_last = false;
		if (n)
			idle = 0;
		else if (pf->poll == PERF_POLL_HYBRID && ++idle >= PERF_HYBRID_SPINS) {
			idle = 0;
			slept = true;
			if (!pf->prefill)
				pf->sleeps++;
			/* nothing came: the slow path's turn */
			if (hw_host_port_wait(pf->x->port, PERF_HYBRID_SLEEP_US) <= 0)
				fcnvme_pump(pf->x, NULL);
			slept_last = true;
		}
		if ((spins & 63) && !slept)
			continue;
		if (perf_sigint) {
			pf->stopping = true;
			pf->interrupted = true;
		}
		now = fcnvme_clock_ns();
		if (now >= next_pump) {
			fcnvme_pump(pf->x, NULL);
			next_pump = now + PERF_PUMP_NS;
		}
		if (ptty && now >= next_tick) {
			perf_prefill_progress(pf, false);
			next_tick = now + 250000000ull;
		}
		if (pf->prefill)
			continue;
		if (now >= end_ns)
			pf->stopping = true;
		if (tty && now >= next_tick) {
			uint64_t d = pf->done - last_done;

			(void)fcnvme_tsc_calibrate(&pf->clk, &cal);
			printf("[%3" PRIu64 " s] %10" PRIu64 " IOPS %10.2f MiB/s"
			       "  avg %8.1f us\n",
			       (uint64_t)((now - start) / 1000000000u), d,
			       (double)d * pf->io_size / 1048576.0,
			       pf->done ? perf_ticks_us(pf, (double)pf->lat_sum / pf->done) : 0.0);
			fflush(stdout);
			last_done = pf->done;
			next_tick += 1000000000ull;
		}
	}
	if (ptty)
		perf_prefill_progress(pf, true);
	if (!pf->prefill)
		(void)fcnvme_tsc_calibrate(&pf->clk, &cal);
}

static int perf_parse_wl(const char *s, enum perf_wl *wl)
{
	unsigned int i;

	for (i = 0; perf_wl_names[i]; i++)
		if (!strcmp(s, perf_wl_names[i])) {
			*wl = (enum perf_wl)i;
			return 0;
		}
	return -1;
}

static void perf_report(struct perf *pf, double secs, double cpu, bool json)
{
	double iops = secs > 0 ? (double)pf->done / secs : 0;
	double riops = secs > 0 ? (double)pf->reads / secs : 0;
	double wiops = secs > 0 ? (double)pf->writes / secs : 0;
	double mibs = iops * pf->io_size / 1048576.0;
	double avg = pf->done ? perf_ticks_us(pf, (double)pf->lat_sum / pf->done) : 0;
	double max = perf_ticks_us(pf, (double)pf->lat_max);
	double p50 = perf_percentile_us(pf, 500000);
	double p99 = perf_percentile_us(pf, 990000);
	double p999 = perf_percentile_us(pf, 999000);
	double cpup = secs > 0 ? cpu / secs * 100.0 : 0;
	bool mixed = pf->wl == PERF_RW || pf->wl == PERF_RANDRW;

	if (json) {
		json_object *o = json_object_new_object();
		json_object *l = json_object_new_object();

		json_object_object_add(o, "workload",
				       json_object_new_string(perf_wl_names[pf->wl]));
		if (mixed)
			json_object_object_add(o, "rwmixread", json_object_new_int((int)pf->mix));
		json_object_object_add(o, "io_size", json_object_new_int64(pf->io_size));
		json_object_object_add(o, "queue_depth", json_object_new_int64(pf->depth));
		json_object_object_add(o, "queues", json_object_new_int(pf->queues));
		json_object_object_add(o, "assocs", json_object_new_int(pf->assocs));
		json_object_object_add(o, "seed", json_object_new_uint64(pf->seed));
		json_object_object_add(o, "seconds", cli_json_fixed(secs, 3));
		json_object_object_add(o, "ios", json_object_new_uint64(pf->done));
		json_object_object_add(o, "reads", json_object_new_uint64(pf->reads));
		json_object_object_add(o, "writes", json_object_new_uint64(pf->writes));
		json_object_object_add(o, "iops", json_object_new_uint64((uint64_t)(iops + 0.5)));
		json_object_object_add(o, "read_iops",
				       json_object_new_uint64((uint64_t)(riops + 0.5)));
		json_object_object_add(o, "write_iops",
				       json_object_new_uint64((uint64_t)(wiops + 0.5)));
		json_object_object_add(o, "mib_s", cli_json_fixed(mibs, 2));
		json_object_object_add(l, "avg", cli_json_fixed(avg, 1));
		json_object_object_add(l, "p50", cli_json_fixed(p50, 1));
		json_object_object_add(l, "p99", cli_json_fixed(p99, 1));
		json_object_object_add(l, "p99_9", cli_json_fixed(p999, 1));
		json_object_object_add(l, "max", cli_json_fixed(max, 1));
		json_object_object_add(o, "latency_us", l);
		json_object_object_add(o, "latency_clock",
				       json_object_new_string(pf->clk.tsc ? "tsc" : "monotonic"));
		json_object_object_add(o, "cpu_percent", cli_json_fixed(cpup, 1));
		json_object_object_add(o, "poll",
				       json_object_new_string(perf_poll_names[pf->poll]));
		json_object_object_add(o, "sleeps", json_object_new_uint64(pf->sleeps));
		json_object_object_add(o, "errors", json_object_new_uint64(pf->errors));
		json_object_object_add(o, "verify", json_object_new_boolean(pf->verify));
		json_object_object_add(o, "verify_errors",
				       json_object_new_uint64(pf->verify_errors));
		json_object_object_add(o, "interrupted", json_object_new_boolean(pf->interrupted));
		fcnvme_json_print(o);
		return;
	}
	printf("%s", perf_wl_names[pf->wl]);
	if (mixed)
		printf(" (%u%% reads)", pf->mix);
	printf(" %u B, qd %u x %u queue(s)", pf->io_size, pf->depth, pf->queues);
	if (pf->assocs > 1)
		printf(" x %u associations", pf->assocs);
	printf(", %.2f s%s\n", secs, pf->interrupted ? " (interrupted)" : "");
	printf("  IOPS %12.1f   MiB/s %10.2f   ios %" PRIu64 " (r %" PRIu64 " w %" PRIu64 ")\n",
	       iops, mibs, pf->done, pf->reads, pf->writes);
	if (mixed)
		printf("  read IOPS %.1f   write IOPS %.1f\n", riops, wiops);
	printf("  latency us: avg %.1f  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", avg, p50, p99,
	       p999, max);
	printf("  cpu %.1f%%   errors %" PRIu64 "%s\n", cpup, pf->errors,
	       pf->verify ? "" : "   (no --verify)");
	if (pf->poll == PERF_POLL_HYBRID)
		printf("  poll hybrid: %" PRIu64 " sleeps\n", pf->sleeps);
	if (pf->verify)
		printf("  verify errors %" PRIu64 "\n", pf->verify_errors);
}

struct perf_args {
	struct perf *pf;
	bool seeded;
};

/* perf's own options. */
static int perf_opt(void *arg, int key, const char *val)
{
	static const struct {
		int key;
		const char *name;
		uint64_t min, max;
	} lim[] = {
		{ 'q', "--queue-depth", 1, 1024 },
		{ 'o', "--io-size", 512, 1 << 24 },
		{ 'M', "--rwmixread", 0, 100 },
		{ 't', "--time", 1, 86400 },
		{ 'n', "--namespace-id", 1, 0xfffffffe },
		{ PERF_KEY_QUEUES, "--queues", 1, 128 },
		{ PERF_KEY_SEED, "--seed", 0, UINT64_MAX },
		{ PERF_KEY_ASSOCS, "--assocs", 1, PERF_MAX_ASSOCS },
	};
	struct perf_args *a = arg;
	struct perf *pf = a->pf;
	unsigned int i;
	uint64_t v;

	if (key == 'w') {
		if (perf_parse_wl(val, &pf->wl)) {
			fcnvme_fail(pf->x, -1,
				    "--workload: '%s' is not one of read, write, randread, "
				    "randwrite, rw, randrw",
				    val);
			return -1;
		}
		return 1;
	}
	if (key == PERF_KEY_POLL) {
		if (!strcmp(val, "busy"))
			pf->poll = PERF_POLL_BUSY;
		else if (!strcmp(val, "hybrid"))
			pf->poll = PERF_POLL_HYBRID;
		else {
			fcnvme_fail(pf->x, -1, "--poll: '%s' is not one of busy, hybrid", val);
			return -1;
		}
		return 1;
	}
	if (key == PERF_KEY_VERIFY) {
		pf->verify = true;
		return 1;
	}
	for (i = 0; i < sizeof(lim) / sizeof(lim[0]) && lim[i].key != key; i++)
		;
	if (i == sizeof(lim) / sizeof(lim[0]))
		return 0;
	if (fcnvme_num_parse(val, lim[i].min, lim[i].max, &v)) {
		fcnvme_fail(pf->x, -1, "%s: '%s' is not a number in [%" PRIu64 ", %" PRIu64 "]",
			    lim[i].name, val, lim[i].min, lim[i].max);
		return -1;
	}
	switch (key) {
	case 'q':
		pf->depth = (uint32_t)v;
		break;
	case 'o':
		pf->io_size = (uint32_t)v;
		break;
	case 'M':
		pf->mix = (unsigned int)v;
		break;
	case 't':
		pf->seconds = (uint32_t)v;
		break;
	case 'n':
		pf->nsid = (uint32_t)v;
		break;
	case PERF_KEY_QUEUES:
		pf->queues = (uint16_t)v;
		break;
	case PERF_KEY_ASSOCS:
		pf->assocs = (uint16_t)v;
		break;
	default:
		pf->seed = v;
		a->seeded = true;
	}
	return 1;
}

/* fcnvme perf */
int fcnvme_cmd_perf(int argc, char **argv)
{
	struct perf_args pa = { .pf = NULL };
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_ctx x;
	struct perf pf;
	struct sigaction sa;
	uint64_t nblocks = 0, t0;
	double cpu0, secs;
	unsigned int i, q;
	int rc, ret = 1;

	memset(&pf, 0, sizeof(pf));
	fcnvme_opts_init(&x, "perf");
	pf.x = &x;
	pf.nsid = 1;
	pf.depth = 32;
	pf.io_size = 4096;
	pf.seconds = 10;
	pf.queues = 1;
	pf.assocs = 1;
	pf.mix = 50;
	pf.wl = PERF_RANDREAD;
	fcnvme_tsc_init(&pf.clk, 0);
	pa.pf = &pf;
	rc = fcnvme_parse(&x, argc, argv, perf_opt, &pa);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (!pa.seeded)
		pf.seed = (uint64_t)fcnvme_clock_ns() ^ (uint64_t)getpid();
	pf.rng = pf.seed;
	if (x.o.verbose)
		fprintf(stderr, "fcnvme perf: seed %" PRIu64 "\n", pf.seed);
	pf.rand = pf.wl == PERF_RANDREAD || pf.wl == PERF_RANDWRITE || pf.wl == PERF_RANDRW;
	if (x.o.queue_size < pf.depth + 1)
		x.o.queue_size = (uint16_t)(pf.depth + 1 < 16 ? 16 : pf.depth + 1);
	if (x.o.queue_size > 1024) {
		fcnvme_fail(&x, -1, "-q %u needs a queue larger than 1024 entries", pf.depth);
		return 2;
	}
	x.o.nr_io_queues = pf.queues;
	if (fcnvme_open_subsys(&x, pf.queues, &pf.ctrl))
		return 1;
	pf.ctrls[0] = pf.ctrl;
	for (i = 1; i < pf.assocs; i++) {
		struct nvme_fc_remote_port *rp = fcnvme_pick_rport(&x, FC_PORT_ROLE_NVME_TARGET);

		x.others = pf.ctrls; /* their keep-alives go on meanwhile */
		x.nr_others = i;
		if (!rp || fcnvme_connect(&x, rp, x.o.subnqn, pf.queues, &pf.ctrls[i])) {
			pf.assocs = (uint16_t)i; /* disconnect those made */
			goto out;
		}
	}
	x.nr_others = 0; /* perf_run polls them all */
	for (i = 1; i < pf.assocs; i++) {
		struct fcnvme_host_ctrl_info more;

		fcnvme_host_ctrl_get_info(pf.ctrls[i], &more);
		if (more.nr_io_queues < pf.queues)
			pf.queues = more.nr_io_queues;
	}
	fcnvme_host_ctrl_get_info(pf.ctrl, &info);
	if (info.nr_io_queues < pf.queues) {
		fprintf(stderr,
			"fcnvme perf: the controller granted %u I/O "
			"queue(s); running on those\n",
			info.nr_io_queues);
		pf.queues = info.nr_io_queues;
	}
	if (info.queue_size <= pf.depth) {
		fprintf(stderr,
			"fcnvme perf: queues hold %u entries; depth "
			"reduced to %u\n",
			info.queue_size, info.queue_size - 1u);
		pf.depth = info.queue_size - 1u;
	}
	if (fcnvme_ns_geometry(&x, pf.ctrl, pf.nsid, &pf.lbasz, &nblocks))
		goto out;
	if (pf.io_size % pf.lbasz || pf.io_size > info.max_xfer) {
		fcnvme_fail(&x, -1, "-o %u must be a multiple of the LBA size %u and at most %u",
			    pf.io_size, pf.lbasz, info.max_xfer);
		goto out;
	}
	pf.nslots = nblocks * pf.lbasz / pf.io_size;
	if (!pf.nslots) {
		fcnvme_fail(&x, -1, "namespace smaller than one I/O");
		goto out;
	}
	if (pf.verify) {
		pf.slot_ver = calloc(pf.nslots, sizeof(*pf.slot_ver));
		pf.slot_busy = calloc(pf.nslots, 1);
		if (!pf.slot_ver || !pf.slot_busy) {
			fcnvme_fail(&x, -1, "out of memory");
			goto out;
		}
	}
	pf.nios = pf.depth * pf.queues * pf.assocs;
	pf.ios = calloc(pf.nios, sizeof(*pf.ios));
	if (!pf.ios)
		goto out;
	for (q = 0, i = 0; q < (unsigned int)pf.queues * pf.assocs; q++) {
		unsigned int d;

		for (d = 0; d < pf.depth; d++, i++) {
			pf.ios[i].pf = &pf;
			pf.ios[i].ctrl = pf.ctrls[q / pf.queues];
			pf.ios[i].qid = (uint16_t)(q % pf.queues + 1);
			if (fcnvme_host_buf_alloc(pf.ios[i].ctrl, pf.io_size, &pf.ios[i].buf)) {
				fcnvme_fail(&x, -1, "cannot allocate I/O buffers");
				goto out;
			}
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = perf_on_sig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (pf.verify && pf.wl != PERF_WRITE && pf.wl != PERF_RANDWRITE) {
		pf.prefill = true;
		perf_run(&pf, 0);
		pf.prefill = false;
		if (pf.interrupted) {
			fcnvme_fail(&x, -1,
				    "prefill interrupted after %" PRIu64 " of %" PRIu64
				    " MiB; nothing measured",
				    pf.seq * pf.io_size >> 20, pf.nslots * pf.io_size >> 20);
			ret = 130;
			goto out;
		}
		pf.seq = 0;
		if (pf.errors) {
			fcnvme_err_status(&x, "prefill write", pf.first_error);
			goto out;
		}
	}
	cpu0 = perf_cpu_s();
	t0 = fcnvme_clock_ns();
	perf_run(&pf, t0 + (uint64_t)pf.seconds * 1000000000ull);
	secs = (double)(fcnvme_clock_ns() - t0) / 1e9;
	perf_report(&pf, secs, perf_cpu_s() - cpu0, x.o.json);
	if (pf.errors)
		fcnvme_err_status(&x, "I/O failed", pf.first_error);
	for (i = 0; i < pf.assocs; i++)
		if (fcnvme_host_ctrl_state(pf.ctrls[i]) != FCNVME_HOST_CTRL_LIVE)
			fcnvme_fail(&x, -1, "controller %u left the live state: %s", i,
				    fcnvme_host_ctrl_reason(pf.ctrls[i]));
	if (pf.verify_errors)
		fcnvme_fail(&x, -1, "%" PRIu64 " read(s) did not return the data written",
			    pf.verify_errors);
	ret = pf.errors || pf.verify_errors ? 1 : 0;
out:
	for (i = 0; pf.ios && i < pf.nios; i++)
		if (pf.ios[i].buf)
			fcnvme_host_buf_free(pf.ios[i].ctrl, pf.ios[i].buf);
	free(pf.ios);
	free(pf.slot_ver);
	free(pf.slot_busy);
	for (i = pf.assocs; i-- > 0;) {
		x.others = pf.ctrls; /* the rest stay alive meanwhile */
		x.nr_others = i;
		fcnvme_disconnect(&x, pf.ctrls[i]);
	}
	fcnvme_stop(&x);
	return ret;
}
