// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme perf's load loop (the command is fcnvme_perf.c): slots and
 * their patterns, submission and completion (one stamp per I/O), the
 * --verify prefill, and the polling loop (busy, or hybrid with sleeps on
 * the host port's CQs), which polls the controllers in turn.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>

#include "fcnvme_perf.h"
#include "hw_host.h"

volatile sig_atomic_t perf_sigint;

void perf_on_sig(int sig)
{
	(void)sig;
	perf_sigint = 1;
}

/* Ticks of perf_stamp() to us. */
double perf_ticks_us(const struct perf *pf, double ticks)
{
	return fcnvme_tsc_ns_f(&pf->clk, ticks) / 1000.0;
}

static uint64_t perf_rand(struct perf *pf)
{
	uint64_t z = (pf->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
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
void perf_run(struct perf *pf, uint64_t end_ns)
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
