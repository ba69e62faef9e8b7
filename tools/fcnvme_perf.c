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
 * progress on stderr when stderr is a terminal, and with -v says when it
 * is done (what a script waits for before it disturbs the measured run).
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

#include "fcnvme_perf.h"
#include "hw_host.h"

static const char *const perf_wl_names[] = {
	[PERF_READ] = "read",
	[PERF_WRITE] = "write",
	[PERF_RANDREAD] = "randread",
	[PERF_RANDWRITE] = "randwrite",
	[PERF_RW] = "rw",
	[PERF_RANDRW] = "randrw",
	NULL,
};

static const char *const perf_poll_names[] = {
	[PERF_POLL_BUSY] = "busy",
	[PERF_POLL_HYBRID] = "hybrid",
	NULL,
};

/* getopt keys of perf's options without a letter */
enum {
	PERF_KEY_QUEUES = 0x300,
	PERF_KEY_VERIFY,
	PERF_KEY_SEED,
	PERF_KEY_ASSOCS,
	PERF_KEY_POLL,
};

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
	  "reads first prefills the namespace (interruptible, with progress on a terminal; -v "
	  "says when it is done).",
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

/* The latency percentile ppm / 10^6 in us: the middle of its histogram
 * bucket, within 1/16 (fcnvme/hist.h; the buckets are relative, so the
 * bound holds in ticks as in ns). */
static double perf_percentile_us(const struct perf *pf, uint32_t ppm)
{
	return perf_ticks_us(pf, (double)fcnvme_hist_percentile(&pf->hist, ppm, pf->lat_max));
}

static double perf_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
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
		t0 = fcnvme_clock_ns();
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
		if (x.o.verbose)
			fprintf(stderr, "fcnvme perf: prefill done: %" PRIu64 " MiB in %.1f s\n",
				pf.nslots * pf.io_size >> 20,
				(double)(fcnvme_clock_ns() - t0) / 1e9);
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
