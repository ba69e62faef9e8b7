// SPDX-License-Identifier: Apache-2.0
/*
 * vmport_guest: QEMU and a guest driver in one test program, against a real
 * softhba-vmport and a real nvmetfcd. It connects to the port server's
 * socket as QEMU's ivshmem-doorbell chardev does, maps the port's region,
 * registers the test LLDD of vmport_guest_lldd.c with libfcnvme's host
 * transport, and then: checks the heartbeat; discovers (the discovery log
 * must list --nqn at the target's traddr); connects to --nqn with one I/O
 * queue per hw queue and does verified I/O (seeded random data, written,
 * read back and compared, several sizes, several commands in flight);
 * counts the interrupts of every vector. Options add:
 *   --inject          malformed mq entries and WQEs with bad handles, each
 *                     answered exactly as docs/softhba-vm-port.md says, then
 *                     verified I/O again;
 *   --wait-restart    after "ready", wait for the target to go
 *                     (RPORT_OFFLINE) and come back (RPORT_ONLINE with a new
 *                     generation), reconnect and verify I/O again;
 *   --wait-heartbeat-stop  after "ready", wait for the heartbeat to stop
 *                     (the port server was killed): the targets are lost;
 *   --bench SECS      4 KiB reads at QD1 and at QD32 for SECS/2 each:
 *                     IOPS, mean latency and interrupts per I/O (not a test).
 * Prints "vmport_guest: ok ..." lines; exit 0 only if every check held.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>
#include <fcnvme/nqn.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_host.h>
#include <fcnvme/nvme_log.h>
#include <fcnvme/wwn.h>

#include "vmport_guest.h"

#define NCHUNK 24
#define QD     8

static struct vg G;
static unsigned int seed;
static int failures;

#define CHECK(cond, ...)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			failures++;                                                           \
			fprintf(stderr, "vmport_guest: FAIL %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                                       \
			fprintf(stderr, __VA_ARGS__);                                         \
			fputc('\n', stderr);                                                  \
		}                                                                             \
	} while (0)

static struct {
	const char *socket, *nqn, *hostnqn;
	uint8_t hostid[16];
	bool inject, wait_restart, wait_hb_stop;
	unsigned int bench_s;
} opt;

/* One round: the slow path, the controllers; sleep on the interrupts when
 * nothing happened. */
static void pump(struct fcnvme_host_ctrl *a, struct fcnvme_host_ctrl *b)
{
	int n = vg_process(&G);

	if (a)
		n += fcnvme_host_ctrl_poll(a);
	if (b)
		n += fcnvme_host_ctrl_poll(b);
	if (!n)
		vg_wait(&G, 5);
}

static struct fcnvme_host_ctrl *connect_ctrl(struct vg_rport *rp, const char *nqn, uint16_t nr_io)
{
	struct fcnvme_host_ctrl_opts co;
	struct fcnvme_host_ctrl *c;
	uint64_t end = fcnvme_clock_ms() + 15000;

	memset(&co, 0, sizeof(co));
	co.subnqn = nqn;
	co.hostnqn = opt.hostnqn;
	memcpy(co.hostid, opt.hostid, 16);
	co.nr_io_queues = nr_io;
	co.queue_size = 64;
	co.kato_ms = strcmp(nqn, FCNVME_DISCOVERY_NQN) ? 5000 : 0;
	co.reconnect_delay_s = 1;
	co.ctrl_loss_tmo_s = 60;
	if (fcnvme_host_ctrl_create(G.lport, rp->rport, &co, &c)) {
		CHECK(0, "cannot create a controller for %s", nqn);
		return NULL;
	}
	while (fcnvme_host_ctrl_state(c) != FCNVME_HOST_CTRL_LIVE && fcnvme_clock_ms() < end)
		pump(c, NULL);
	CHECK(fcnvme_host_ctrl_state(c) == FCNVME_HOST_CTRL_LIVE, "%s not live: %s", nqn,
	      fcnvme_host_ctrl_reason(c));
	return c;
}

static void delete_ctrl(struct fcnvme_host_ctrl *c)
{
	uint64_t end = fcnvme_clock_ms() + 15000;

	while (fcnvme_host_ctrl_delete(c) == 1 && fcnvme_clock_ms() < end)
		pump(NULL, NULL);
}

struct sync_res {
	bool done;
	uint16_t status;
};

static void sync_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct sync_res *r = arg;

	r->done = true;
	r->status = status;
}

static int sync_cmd(struct fcnvme_host_ctrl *c, uint16_t qid, struct nvme_command *cmd,
		    struct fcnvme_host_buf *buf, uint32_t len)
{
	struct sync_res r = { 0 };
	uint64_t end = fcnvme_clock_ms() + 10000;
	int rc = fcnvme_host_submit(c, qid, cmd, buf, 0, len, sync_done, &r);

	if (rc)
		return rc;
	while (!r.done && fcnvme_clock_ms() < end)
		pump(c, NULL);
	return r.done ? r.status : -ETIMEDOUT;
}

/* Discovery: the log lists nqn at the target's traddr. */
static void discover(struct vg_rport *rp)
{
	const struct nvmf_disc_rsp_page_hdr *h;
	const struct nvmf_disc_rsp_page_entry *e;
	char traddr[FCNVME_TRADDR_STRLEN];
	struct fcnvme_host_ctrl *c = connect_ctrl(rp, FCNVME_DISCOVERY_NQN, 0);
	struct fcnvme_host_buf *buf;
	struct nvme_command cmd;
	uint64_t i, n;
	bool found = false;
	int rc;

	if (!c)
		return;
	CHECK(fcnvme_host_buf_alloc(c, 8192, &buf) == 0, "buffer");
	memset(&cmd, 0, sizeof(cmd));
	cmd.common.opcode = nvme_admin_get_log_page;
	cmd.common.nsid = htole32(0xffffffff);
	cmd.common.cdw10 = htole32(0x70 | ((8192 / 4 - 1) << 16));
	rc = sync_cmd(c, 0, &cmd, buf, 8192);
	CHECK(rc == 0, "Get Log Page (discovery): %d", rc);
	h = buf->addr;
	n = le64toh(h->numrec);
	fcnvme_traddr_format(rp->desc.wwnn, rp->desc.wwpn, traddr, sizeof(traddr));
	for (i = 0; rc == 0 && i < n && i < 7; i++) {
		e = (const void *)((const char *)buf->addr + 1024 * (i + 1));
		if (e->subtype == NVME_NQN_NVME && !strncmp(e->subnqn, opt.nqn, 256) &&
		    !strncmp(e->traddr, traddr, strlen(traddr)) && e->trtype == NVMF_TRTYPE_FC)
			found = true;
	}
	CHECK(found, "discovery log (%" PRIu64 " records) has no %s at %s", n, opt.nqn, traddr);
	if (found)
		printf("vmport_guest: ok discovery: %" PRIu64 " records, %s at %s\n", n, opt.nqn,
		       traddr);
	fcnvme_host_buf_free(c, buf);
	delete_ctrl(c);
}

static uint8_t pattern(unsigned int pass, unsigned int chunk, uint32_t off)
{
	uint32_t x = seed ^ (pass * 0x9e3779b9u) ^ (chunk * 0x85ebca6bu) ^ (off * 0xc2b2ae35u);

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return (uint8_t)x;
}

struct chunk {
	struct fcnvme_host_buf *buf;
	uint64_t slba;
	uint32_t len;
	struct sync_res r;
};

/* Write NCHUNK chunks of seeded random data (QD commands in flight over the
 * I/O queues), read them back into other buffers, compare every byte. */
static void verified_io(struct fcnvme_host_ctrl *c, unsigned int pass, uint16_t nr_io)
{
	static const uint32_t sizes[] = { 4096, 8192, 65536, 131072, 512 * 9 };
	struct chunk ch[NCHUNK];
	uint64_t slba = 0, bytes = 0;
	unsigned int i, phase, next, done;
	int bad = 0;

	if (!c || fcnvme_host_ctrl_state(c) != FCNVME_HOST_CTRL_LIVE)
		return;
	for (i = 0; i < NCHUNK; i++) {
		ch[i].len = sizes[(seed + i * 7 + pass) % 5];
		ch[i].slba = slba;
		slba += ch[i].len / 512 + 8;
		if (fcnvme_host_buf_alloc(c, ch[i].len, &ch[i].buf)) {
			CHECK(0, "buffer");
			return;
		}
	}
	for (phase = 0; phase < 2; phase++) {
		for (i = 0; i < NCHUNK; i++) {
			uint32_t o;

			ch[i].r.done = false;
			for (o = 0; o < ch[i].len; o++)
				((uint8_t *)ch[i].buf->addr)[o] = phase ? 0 : pattern(pass, i, o);
		}
		next = done = 0;
		while (done < NCHUNK) {
			while (next < NCHUNK && next - done < QD) {
				struct nvme_command cmd;
				int rc;

				memset(&cmd, 0, sizeof(cmd));
				cmd.rw.opcode = phase ? nvme_cmd_read : nvme_cmd_write;
				cmd.rw.nsid = htole32(1);
				cmd.rw.slba = htole64(ch[next].slba);
				cmd.rw.length = htole16((uint16_t)(ch[next].len / 512 - 1));
				rc = fcnvme_host_submit(c, (uint16_t)(1 + next % nr_io), &cmd,
							ch[next].buf, 0, ch[next].len, sync_done,
							&ch[next].r);
				if (rc == -EBUSY)
					break;
				CHECK(rc == 0, "submit: %d", rc);
				if (rc)
					return;
				next++;
			}
			pump(c, NULL);
			while (done < next && ch[done].r.done) {
				CHECK(ch[done].r.status == 0, "%s of chunk %u: status 0x%x",
				      phase ? "read" : "write", done, ch[done].r.status);
				done++;
			}
		}
	}
	for (i = 0; i < NCHUNK; i++) {
		uint32_t o;

		for (o = 0; o < ch[i].len; o++) {
			if (((uint8_t *)ch[i].buf->addr)[o] != pattern(pass, i, o)) {
				if (!bad++)
					CHECK(0, "chunk %u byte %u: 0x%02x, wrote 0x%02x", i, o,
					      ((uint8_t *)ch[i].buf->addr)[o], pattern(pass, i, o));
				break;
			}
		}
		bytes += ch[i].len;
		fcnvme_host_buf_free(c, ch[i].buf);
	}
	if (!bad)
		printf("vmport_guest: ok verified I/O pass %u: %u writes and %u reads, %" PRIu64
		       " bytes compared\n",
		       pass, NCHUNK, NCHUNK, bytes);
}

static const struct vg_event *find_event(uint16_t type, uint64_t id, unsigned int from)
{
	unsigned int i;

	for (i = from; i < G.nev; i++)
		if (G.ev[i].type == type && G.ev[i].id == id)
			return &G.ev[i];
	return NULL;
}

static void mq_bad(uint16_t type, uint16_t slot, uint64_t id, uint32_t len)
{
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.peer_slot = slot;
	e.id = id;
	e.len = len;
	memset(e.payload, 0x5a, sizeof(e.payload));
	CHECK(vg_mq_post(&G, &e) == 0, "mq full");
}

static void wqe_bad(unsigned int q, unsigned int n, uint8_t type, uint16_t slot, uint32_t xri,
		    uint64_t cmd)
{
	struct hw_wqe w;

	memset(&w, 0, sizeof(w));
	w.type = type;
	w.peer_slot = slot;
	w.xri = xri;
	w.tag = 0xdead0000u + n;
	w.cmd = (const void *)(uintptr_t)cmd;
	w.sg = (const void *)(uintptr_t)(cmd + 8);
	w.sg_cnt = 1;
	w.length = 512;
	w.op = NVMET_FCOP_READDATA;
	w.peer_hwq = 200;
	w.cookie = (uint64_t)VG_INJECT_COOKIE << 32 | n;
	CHECK(vg_wq_post(&G, q, &w) == 0, "wq full");
}

/* Garbage from the guest: dropped, counted, LS requests answered with the
 * error; WQEs with bad handles complete with -EFAULT and move nothing. */
static void inject(struct fcnvme_host_ctrl *c, struct vg_rport *rp)
{
	static const struct {
		uint64_t id;
		uint16_t slot;
		uint32_t len;
		int want;
	} ls[] = {
		{ 0xbad0000000000001ull, 0, 0, -EINVAL },	/* empty */
		{ 0xbad0000000000002ull, 0, 5000, -EINVAL },	/* too long */
		{ 0xbad0000000000003ull, 63, 64, -ENOTCONN },	/* not logged in */
		{ 0xbad0000000000004ull, 9999, 64, -ENOTCONN }, /* no such slot */
	};
	struct {
		uint8_t type;
		uint16_t slot;
		uint32_t xri;
		uint64_t cmd;
		int want;
	} w[] = {
		{ HW_WQE_FCP_CMD, 0, 0, HW_DMA_HANDLE_BASE + G.geo.dma_size - 10, -EFAULT },
		{ HW_WQE_FCP_CMD, 0, 0, 0x7f0012345678ull, -EFAULT },
		{ HW_WQE_FCP_CMD, 0, 0, UINT64_MAX - 40, -EFAULT },
		{ HW_WQE_FCP_CMD, 0, 0xffffffffu, HW_DMA_HANDLE_BASE, -EINVAL },
		{ 0x77, 0, 0, HW_DMA_HANDLE_BASE, -EINVAL },
		{ HW_WQE_TGT_OP, 0, 0, HW_DMA_HANDLE_BASE + G.geo.dma_size, -EFAULT },
		{ HW_WQE_ABTS, 0, 0, 0, -ENOTCONN },
	};
	unsigned int i, from = G.nev, q;
	uint64_t end;
	bool all;

	for (i = 0; i < sizeof(ls) / sizeof(ls[0]); i++)
		mq_bad(HW_EQE_LS_REQ, ls[i].slot == 0 ? (uint16_t)rp->slot : ls[i].slot, ls[i].id,
		       ls[i].len);
	mq_bad(0, (uint16_t)rp->slot, 1, 0);
	mq_bad(99, (uint16_t)rp->slot, 2, 0);
	mq_bad(0xffff, 0xffff, 3, 0xffffffffu);
	mq_bad(HW_EQE_RPORT_ONLINE, (uint16_t)rp->slot, 4, 32);		      /* deq-only type */
	mq_bad(HW_EQE_LS_RSP, (uint16_t)rp->slot, 0xbad0000000000009ull, 16); /* unasked */
	vg_doorbell(&G, 0);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		q = i % G.nr_hwq;
		wqe_bad(q, i, w[i].type, (uint16_t)rp->slot, w[i].xri, w[i].cmd);
		vg_doorbell(&G, 1 + q);
	}
	end = fcnvme_clock_ms() + 5000;
	do {
		pump(c, NULL);
		all = true;
		for (i = 0; i < sizeof(ls) / sizeof(ls[0]); i++)
			all &= find_event(HW_EQE_LS_RSP, ls[i].id, from) != NULL;
		for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
			all &= G.inj_done[i] > 0;
	} while (!all && fcnvme_clock_ms() < end);
	for (i = 0; i < sizeof(ls) / sizeof(ls[0]); i++) {
		const struct vg_event *e = find_event(HW_EQE_LS_RSP, ls[i].id, from);

		CHECK(e && e->status == ls[i].want, "LS request %u: %s %d, want %d", i,
		      e ? "answered" : "not answered", e ? e->status : 0, ls[i].want);
	}
	CHECK(!find_event(HW_EQE_LS_RSP, 0xbad0000000000009ull, from),
	      "an unasked LS response came back");
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		CHECK(G.inj_done[i] == 1 && G.inj_status[i] == w[i].want,
		      "bad WQE %u: %u completions, status %d, want %d", i, G.inj_done[i],
		      G.inj_status[i], w[i].want);
	printf("vmport_guest: ok inject: %zu bad LS requests answered with their errors, 5 bad mq "
	       "entries dropped, %zu bad WQEs failed as expected\n",
	       sizeof(ls) / sizeof(ls[0]), sizeof(w) / sizeof(w[0]));
}

static void wait_events_restart(struct fcnvme_host_ctrl *c, struct vg_rport *rp, uint16_t nr_io)
{
	unsigned int from = G.nev, i;
	const struct vg_event *off = NULL, *on = NULL;
	uint32_t gen0 = rp->desc.gen;
	uint64_t end = fcnvme_clock_ms() + 60000;

	printf("vmport_guest: ready\n");
	fflush(stdout);
	while (fcnvme_clock_ms() < end && !on) {
		pump(c, NULL);
		for (i = from; i < G.nev; i++) {
			if (!off && G.ev[i].type == HW_EQE_RPORT_OFFLINE &&
			    G.ev[i].slot == rp->slot)
				off = &G.ev[i];
			else if (off && G.ev[i].type == HW_EQE_RPORT_ONLINE &&
				 G.ev[i].slot == rp->slot && G.ev[i].gen != gen0)
				on = &G.ev[i];
		}
	}
	CHECK(off, "no RPORT_OFFLINE for slot %u", rp->slot);
	CHECK(on, "no RPORT_ONLINE with a new generation for slot %u", rp->slot);
	if (!off || !on)
		return;
	printf("vmport_guest: ok restart: RPORT_OFFLINE slot %u, then RPORT_ONLINE slot %u "
	       "generation %u -> %u\n",
	       rp->slot, rp->slot, gen0, on->gen);
	end = fcnvme_clock_ms() + 30000;
	while (fcnvme_host_ctrl_state(c) != FCNVME_HOST_CTRL_LIVE && fcnvme_clock_ms() < end)
		pump(c, NULL);
	CHECK(fcnvme_host_ctrl_state(c) == FCNVME_HOST_CTRL_LIVE,
	      "the controller did not reconnect: %s", fcnvme_host_ctrl_reason(c));
	verified_io(c, 2, nr_io);
}

static void wait_heartbeat_stop(struct fcnvme_host_ctrl *c)
{
	uint64_t start, end = fcnvme_clock_ms() + 30000, hb0;

	printf("vmport_guest: ready\n");
	fflush(stdout);
	while (!G.hb_dead && fcnvme_clock_ms() < end)
		pump(c, NULL);
	CHECK(G.hb_dead, "the heartbeat did not stop");
	if (!G.hb_dead)
		return;
	hb0 = atomic_load(&G.bar->fw_heartbeat);
	start = fcnvme_clock_ms();
	while (fcnvme_clock_ms() < start + 500)
		pump(c, NULL);
	CHECK(atomic_load(&G.bar->fw_heartbeat) == hb0, "the heartbeat moves again");
	CHECK(!vg_target(&G, FC_PORT_ROLE_NVME_TARGET), "a target is still online");
	printf("vmport_guest: ok heartbeat stopped at %" PRIu64 ": link down, targets lost\n", hb0);
}

struct bench_io {
	struct fcnvme_host_buf *buf;
	uint64_t t_submit;
	bool busy;
};

static uint64_t bench_done_n, bench_lat_ns, bench_errors;

static void bench_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct bench_io *io = arg;

	io->busy = false;
	bench_done_n++;
	bench_lat_ns += fcnvme_clock_ns() - io->t_submit;
	if (status && !bench_errors++)
		fprintf(stderr, "vmport_guest: bench read status 0x%x\n", status);
}

/* 4 KiB reads at queue depth qd for secs over the I/O queues. */
static void bench_one(struct fcnvme_host_ctrl *c, uint16_t nr_io, unsigned int qd, double secs)
{
	struct bench_io io[32];
	uint64_t t0, end, irq0 = 0, irq1 = 0;
	unsigned int i, inflight;

	for (i = 0; i < qd; i++) {
		io[i].busy = false;
		if (fcnvme_host_buf_alloc(c, 4096, &io[i].buf)) {
			CHECK(0, "buffer");
			return;
		}
	}
	for (i = 0; i < G.nvec; i++)
		irq0 += G.irqs[i];
	bench_done_n = bench_lat_ns = bench_errors = 0;
	t0 = fcnvme_clock_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	do {
		for (i = 0, inflight = 0; i < qd; i++) {
			struct nvme_command cmd;

			if (io[i].busy) {
				inflight++;
				continue;
			}
			if (fcnvme_clock_ns() >= end)
				continue;
			memset(&cmd, 0, sizeof(cmd));
			cmd.rw.opcode = nvme_cmd_read;
			cmd.rw.nsid = htole32(1);
			cmd.rw.slba = htole64((uint64_t)i * 8);
			cmd.rw.length = htole16(4096 / 512 - 1);
			io[i].t_submit = fcnvme_clock_ns();
			if (fcnvme_host_submit(c, (uint16_t)(1 + i % nr_io), &cmd, io[i].buf, 0,
					       4096, bench_done, &io[i]) == 0) {
				io[i].busy = true;
				inflight++;
			}
		}
		pump(c, NULL);
	} while (fcnvme_clock_ns() < end || inflight);
	for (i = 0; i < G.nvec; i++)
		irq1 += G.irqs[i];
	printf("vmport_guest: bench 4 KiB read QD%u: %.0f IOPS, mean latency %.1f us, %.2f "
	       "interrupts per I/O, %" PRIu64 " errors\n",
	       qd, (double)bench_done_n * 1e9 / (double)(fcnvme_clock_ns() - t0),
	       bench_done_n ? (double)bench_lat_ns / (double)bench_done_n / 1000.0 : 0.0,
	       bench_done_n ? (double)(irq1 - irq0) / (double)bench_done_n : 0.0, bench_errors);
	CHECK(bench_errors == 0, "%" PRIu64 " benchmark reads failed", bench_errors);
	for (i = 0; i < qd; i++)
		fcnvme_host_buf_free(c, io[i].buf);
}

static int usage(void)
{
	fprintf(stderr, "usage: vmport_guest --socket PATH --nqn NQN --hostnqn NQN --hostid UUID\n"
			"       [--seed N] [--inject] [--wait-restart] [--wait-heartbeat-stop]\n"
			"       [--bench SECS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "nqn", required_argument, NULL, 'n' },
		{ "hostnqn", required_argument, NULL, 'H' },
		{ "hostid", required_argument, NULL, 'I' },
		{ "seed", required_argument, NULL, 'S' },
		{ "inject", no_argument, NULL, 'j' },
		{ "wait-restart", no_argument, NULL, 'r' },
		{ "wait-heartbeat-stop", no_argument, NULL, 'b' },
		{ "bench", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct fcnvme_host_ctrl *c = NULL;
	struct vg_rport *rp;
	uint64_t end, hb0;
	uint16_t nr_io;
	unsigned int i;
	int ch, rc;

	seed = (unsigned int)time(NULL);
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			opt.socket = optarg;
			break;
		case 'n':
			opt.nqn = optarg;
			break;
		case 'H':
			opt.hostnqn = optarg;
			break;
		case 'I':
			if (fcnvme_uuid_parse(optarg, opt.hostid))
				return usage();
			break;
		case 'S':
			seed = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'j':
			opt.inject = true;
			break;
		case 'r':
			opt.wait_restart = true;
			break;
		case 'b':
			opt.wait_hb_stop = true;
			break;
		case 'B':
			opt.bench_s = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			return usage();
		}
	}
	if (!opt.socket || !opt.nqn || !opt.hostnqn)
		return usage();
	printf("vmport_guest: seed %u (--seed %u repeats it)\n", seed, seed);
	rc = vg_dev_open(&G, opt.socket);
	if (rc) {
		fprintf(stderr, "vmport_guest: cannot set up the device: %s\n", strerror(-rc));
		return 1;
	}
	printf("vmport_guest: ok device: peer %d, port server peer %d, %u vectors, BAR2 %zu MiB, "
	       "DMA window %" PRIu64 " MiB, %u hw queues, %u exchanges\n",
	       G.my_id, G.fw_id, G.nvec, G.len >> 20, G.geo.dma_size >> 20, G.geo.nr_hwq,
	       G.geo.nr_xri);
	rc = vg_lldd_start(&G);
	CHECK(rc == 0, "LLDD start: %d", rc);
	/* the port server lives: its heartbeat moves */
	hb0 = atomic_load(&G.bar->fw_heartbeat);
	end = fcnvme_clock_ms() + 10000;
	while (fcnvme_clock_ms() < end && (!vg_target(&G, FC_PORT_ROLE_NVME_TARGET) ||
					   atomic_load(&G.bar->fw_heartbeat) < hb0 + 3))
		pump(NULL, NULL);
	rp = vg_target(&G, FC_PORT_ROLE_NVME_TARGET);
	CHECK(G.link_up, "no LINK up event");
	CHECK(rp != NULL, "no target came online");
	CHECK(atomic_load(&G.bar->fw_heartbeat) >= hb0 + 3, "heartbeat %" PRIu64 " -> %" PRIu64,
	      hb0, (uint64_t)atomic_load(&G.bar->fw_heartbeat));
	if (!rp)
		goto out;
	printf("vmport_guest: ok target 0x%016" PRIx64 " online (slot %u, generation %u), "
	       "heartbeat moving\n",
	       rp->desc.wwpn, rp->slot, rp->desc.gen);
	if (rp->desc.roles & FC_PORT_ROLE_NVME_DISCOVERY)
		discover(rp);
	nr_io = (uint16_t)G.nr_hwq;
	c = connect_ctrl(rp, opt.nqn, nr_io);
	verified_io(c, 0, nr_io);
	if (opt.inject && c) {
		inject(c, rp);
		verified_io(c, 1, nr_io);
	}
	CHECK(G.irqs[0] > 0, "no interrupt on vector 0");
	for (i = 1, rc = 0; i < G.nvec; i++)
		rc += G.irqs[i] > 0;
	CHECK(rc > 0, "no CQ interrupt");
	printf("vmport_guest: interrupts:");
	for (i = 0; i < G.nvec; i++)
		printf(" v%u=%" PRIu64, i, G.irqs[i]);
	printf("; doorbells:");
	for (i = 0; i < G.nvec; i++)
		printf(" v%u=%" PRIu64, i, G.doorbells[i]);
	printf("\n");
	if (opt.bench_s && c) {
		bench_one(c, nr_io, 1, opt.bench_s / 2.0);
		bench_one(c, nr_io, 32, opt.bench_s / 2.0);
	}
	if (opt.wait_restart && c)
		wait_events_restart(c, rp, nr_io);
	if (opt.wait_hb_stop)
		wait_heartbeat_stop(c);
out:
	if (c)
		delete_ctrl(c);
	vg_lldd_stop(&G);
	for (i = 0; i < 20; i++)
		pump(NULL, NULL);
	vg_dev_close(&G);
	printf("vmport_guest: %s (%d failure%s)\n", failures ? "FAILED" : "passed", failures,
	       failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
