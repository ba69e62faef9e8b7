// SPDX-License-Identifier: Apache-2.0
/*
 * Multi-process test of hw/: a target process (hw_tgt, one thread per hw
 * queue plus a control thread) and a host process (hw_host, single-threaded)
 * on one software fabric, with fake transports (check_hw_fake.c). Checks
 * login, LS both ways, FCP no-data/write/read (data, response bytes,
 * steering), bounce buffers, ABTS both ways, CMD drop -> timeout, LOGO and
 * link bounce (invalidate_host + host_release on the target, remote-port
 * loss and re-login on the host), the target's death seen as loss, and a
 * bounded stress run (QD 128 on several queues, data verified, no completion
 * lost or duplicated), and the host sleeping on its CQs (hybrid polling)
 * woken by the target's response.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "../unit/check_hw.h"
#include "hw_fabric.h"
#include "hw_host.h"
#include "hw_tgt.h"

#define TGT_WWNN  0x20000090fa000001ull
#define TGT_WWPN  0x10000090fa000001ull
#define HOST_WWNN 0x20000090fb000001ull
#define HOST_WWPN 0x10000090fb000001ull
#define NR_HWQ	  4
#define QD	  128

static int failures, checks;

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

static struct shared *sh;

/* ---- target process -------------------------------------------------------- */

static void ev_link(void *arg, bool up)
{
	atomic_fetch_add(up ? &sh->link_up : &sh->link_down, 1);
}

static void ev_login(void *arg, const struct hw_rport_info *rp)
{
	atomic_fetch_add(&sh->logins, 1);
}

static void ev_logout(void *arg, const struct hw_rport_info *rp, const char *why)
{
	snprintf(sh->why, sizeof(sh->why), "%s", why);
	atomic_fetch_add(&sh->logouts, 1);
}

static void ev_rscn(void *arg)
{
	atomic_fetch_add(&sh->rscn, 1);
}

struct tq {
	struct hw_tgt_port *p;
	uint16_t q;
};

static void *tgt_hwq_thread(void *arg)
{
	struct tq *t = arg;

	while (!atomic_load(&sh->stop)) {
		if (hw_tgt_poll(t->p, t->q, 64) == 0)
			hw_tgt_hwq_wait(t->p, t->q, 5000);
	}
	return NULL;
}

static _Atomic int tgt_ls_status = 1;
static uint8_t tgt_ls_rqst[48], tgt_ls_rspbuf[64];
static struct nvmefc_ls_req tgt_lsreq;

static void tgt_ls_done(struct nvmefc_ls_req *req, int status)
{
	memcpy(sh->ls_rsp, tgt_ls_rspbuf, sizeof(sh->ls_rsp));
	atomic_store(&tgt_ls_status, status);
}

static int tgt_do_cmd(struct hw_tgt_port *p, int cmd)
{
	unsigned int i;

	switch (cmd) {
	case CMD_LOGO:
		return hw_tgt_port_logo(p, HOST_WWPN);
	case CMD_LINK_DOWN:
		return hw_tgt_port_set_link(p, false);
	case CMD_LINK_UP:
		return hw_tgt_port_set_link(p, true);
	case CMD_RSCN:
		return hw_tgt_port_rscn(p);
	case CMD_LS:
		if (!hwf_last_hosthandle)
			return -ENOENT;
		for (i = 0; i < sizeof(tgt_ls_rqst); i++)
			tgt_ls_rqst[i] = (uint8_t)(0x40 + i);
		tgt_ls_rqst[0] = FCNVME_LS_DISCONNECT_ASSOC;
		memset(tgt_ls_rspbuf, 0, sizeof(tgt_ls_rspbuf));
		memset(&tgt_lsreq, 0, sizeof(tgt_lsreq));
		tgt_lsreq.rqstaddr = tgt_ls_rqst;
		tgt_lsreq.rqstlen = sizeof(tgt_ls_rqst);
		tgt_lsreq.rspaddr = tgt_ls_rspbuf;
		tgt_lsreq.rsplen = 24; /* truncates the 48-byte echo */
		tgt_lsreq.timeout = 20;
		tgt_lsreq.done = tgt_ls_done;
		atomic_store(&tgt_ls_status, 1);
		return hwf_tgt_tmpl->ls_req(hw_tgt_port_targetport(p), hwf_last_hosthandle,
					    &tgt_lsreq);
	default:
		return -EINVAL;
	}
}

static int target_main(bool readdata_rsp)
{
	struct hw_tgt_events ev = { ev_link, ev_login, ev_logout, ev_rscn };
	struct hw_tgt_port_cfg cfg = {
		.dev = "soft:mp",
		.wwnn = TGT_WWNN,
		.wwpn = TGT_WWPN,
		.nr_hwq = NR_HWQ,
		.rq_depth = 512,
		.readdata_rsp = readdata_rsp,
	};
	pthread_t th[NR_HWQ];
	struct tq tq[NR_HWQ];
	struct hw_tgt_port *p;
	int rc, seq = 0;
	uint16_t q;

	rc = hw_tgt_port_open(&cfg, &ev, NULL, &p);
	if (rc) {
		fprintf(stderr, "target open: %s\n", strerror(-rc));
		return 1;
	}
	for (q = 0; q < NR_HWQ; q++) {
		tq[q].p = p;
		tq[q].q = q;
		pthread_create(&th[q], NULL, tgt_hwq_thread, &tq[q]);
	}
	atomic_store(&sh->ready, 1);
	while (!atomic_load(&sh->stop)) {
		struct pollfd pfd = { .fd = hw_tgt_port_event_fd(p), .events = POLLIN };

		poll(&pfd, 1, 5);
		hw_tgt_port_process(p);
		if (atomic_load(&sh->cmd_seq) != seq) {
			seq = atomic_load(&sh->cmd_seq);
			atomic_store(&sh->cmd_rc, tgt_do_cmd(p, atomic_load(&sh->cmd)));
			if (atomic_load(&sh->cmd) != CMD_LS)
				atomic_store(&sh->cmd_done_seq, seq);
		}
		if (atomic_load(&sh->cmd) == CMD_LS && atomic_load(&tgt_ls_status) != 1 &&
		    atomic_load(&sh->cmd_done_seq) != seq) {
			atomic_store(&sh->cmd_rc, atomic_load(&tgt_ls_status));
			atomic_store(&sh->cmd_done_seq, seq);
		}
		atomic_store(&sh->invalidated, atomic_load(&hwf.invalidated));
		atomic_store(&sh->released, atomic_load(&hwf.host_released));
		atomic_store(&sh->fcp_aborts, atomic_load(&hwf.fcp_aborts));
		atomic_store(&sh->ls_rcvd, atomic_load(&hwf.ls_rcvd));
		atomic_store(&sh->steer_errors, atomic_load(&hwf.steer_errors));
		atomic_store(&sh->fcp_rcvd, atomic_load(&hwf.fcp_rcvd));
	}
	for (q = 0; q < NR_HWQ; q++)
		pthread_join(th[q], NULL);
	hw_tgt_port_close(p);
	return 0;
}

static pid_t start_target(bool readdata_rsp)
{
	pid_t pid;
	int i;

	atomic_store(&sh->ready, 0);
	atomic_store(&sh->stop, 0);
	pid = fork();
	if (pid == 0)
		_exit(target_main(readdata_rsp));
	for (i = 0; i < 5000 && !atomic_load(&sh->ready); i++)
		usleep(1000);
	return pid;
}

/* ---- host side --------------------------------------------------------------- */

static struct hw_host_port *hp;
static void *qh[NR_HWQ + 2];

static void host_drive(void)
{
	uint16_t q;

	hw_host_port_process(hp);
	for (q = 0; q < NR_HWQ; q++)
		hw_host_poll(hp, q, 256);
}

/* Drive the host until *flag becomes non-zero or ms pass. */
static bool host_wait(_Atomic int *flag, int want, int ms)
{
	uint64_t end = fcnvme_clock_ns() + (uint64_t)ms * 1000000u;

	while (fcnvme_clock_ns() < end) {
		host_drive();
		if (atomic_load(flag) >= want)
			return true;
		usleep(200);
	}
	return atomic_load(flag) >= want;
}

static int tgt_cmd(int cmd, int ms)
{
	int seq = atomic_load(&sh->cmd_seq) + 1;
	uint64_t end = fcnvme_clock_ns() + (uint64_t)ms * 1000000u;

	atomic_store(&sh->cmd, cmd);
	atomic_store(&sh->cmd_seq, seq);
	while (atomic_load(&sh->cmd_done_seq) != seq && fcnvme_clock_ns() < end) {
		host_drive();
		usleep(200);
	}
	if (atomic_load(&sh->cmd_done_seq) != seq)
		return -ETIMEDOUT;
	return atomic_load(&sh->cmd_rc);
}

static struct nvme_fc_remote_port *online_rport(void)
{
	int i;

	for (i = 0; i < hwf_nr_rports; i++)
		if (hwf_rports[i]->port_name == TGT_WWPN &&
		    hwf_rports[i]->port_state == FC_OBJSTATE_ONLINE)
			return hwf_rports[i];
	return NULL;
}

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

static void io_done(struct nvmefc_fcp_req *req)
{
	struct io *io = (struct io *)req;

	atomic_fetch_add(&io->done, 1);
}

static void io_init(struct io *io, uint32_t maxlen, bool dma)
{
	memset(io, 0, sizeof(*io));
	io->dma_buf = dma;
	if (!maxlen)
		return;
	if (dma) {
		if (hwf_host_dev->dma_ops->alloc(hwf_host_dev, maxlen, (void **)&io->buf, &io->dma))
			abort();
	} else {
		io->buf = malloc(maxlen);
		io->dma = (fcnvme_dma_t)(uintptr_t)io->buf; /* not DMA memory */
	}
}

static int io_submit(struct io *io, struct nvme_fc_remote_port *rp, uint16_t qid, uint8_t opcode,
		     uint32_t len, uint32_t seed, uint16_t cid)
{
	uint32_t i;

	io->qid = qid;
	io->opcode = opcode;
	io->len = len;
	io->seed = seed;
	io->cid = cid;
	atomic_store(&io->done, 0);
	memset(&io->iu, 0, sizeof(io->iu));
	io->iu.format_id = NVME_CMD_FORMAT_ID;
	io->iu.fc_id = NVME_CMD_FC_ID;
	io->iu.iu_len = cpu_to_be16(24);
	io->iu.rsv_cat = qid ? 0x08 : 0x01;
	io->iu.flags = opcode == HWF_OP_WRITE  ? FCNVME_CMD_FLAGS_WRITE
		       : opcode == HWF_OP_READ ? FCNVME_CMD_FLAGS_READ
					       : 0;
	io->iu.connection_id = cpu_to_be64(0x123456780000ull | qid);
	io->iu.data_len = cpu_to_be32(len);
	io->iu.sqe[0] = opcode;
	memcpy(&io->iu.sqe[2], &cid, 2);
	memcpy(&io->iu.sqe[40], &seed, 4);
	memset(io->rsp, 0xee, sizeof(io->rsp));
	memset(&io->req, 0, sizeof(io->req));
	io->req.cmdaddr = &io->iu;
	io->req.cmdlen = sizeof(io->iu);
	io->req.rspaddr = io->rsp;
	io->req.rsplen = sizeof(io->rsp);
	io->req.done = io_done;
	io->req.sqid = qid;
	if (len) {
		if (opcode == HWF_OP_WRITE)
			for (i = 0; i < len; i++)
				io->buf[i] = hwf_pattern(seed, i);
		else
			memset(io->buf, 0, len);
		io->sg.addr = io->buf;
		io->sg.dma = io->dma;
		io->sg.length = len;
		io->req.first_sgl = &io->sg;
		io->req.sg_table.sgl = &io->sg;
		io->req.sg_table.nents = 1;
		io->req.sg_cnt = 1;
		io->req.payload_length = len;
		io->req.io_dir = opcode == HWF_OP_WRITE	 ? NVMEFC_FCP_WRITE
				 : opcode == HWF_OP_READ ? NVMEFC_FCP_READ
							 : NVMEFC_FCP_NODATA;
	}
	return hwf_host_tmpl->fcp_io(hw_host_port_localport(hp), rp,
				     qh[qid <= NR_HWQ + 1 ? qid : 0], &io->req);
}

/* Check a completed I/O's status, response bytes and data. Returns 0 if ok. */
static int io_verify(struct io *io, bool report)
{
	struct nvme_fc_ersp_iu want;
	uint32_t dw0 = 0, i;
	int bad = 0;

	if (io->req.status != 0) {
		if (report)
			fprintf(stderr, "io op %u len %u: status %d\n", io->opcode, io->len,
				(int)io->req.status);
		return -1;
	}
	if (io->opcode == HWF_OP_NODATA) {
		static const uint8_t zero[12];

		if (io->req.rcv_rsplen != 12 || memcmp(io->rsp, zero, 12))
			bad = 1;
		return bad ? -1 : 0;
	}
	if (io->opcode == HWF_OP_WRITE)
		dw0 = hwf_fnv_pattern(io->seed, io->len);
	else
		dw0 = io->seed;
	memset(&want, 0, sizeof(want));
	want.iu_len = cpu_to_be16(8);
	want.rsn = cpu_to_be32(2);
	want.xfrd_len = cpu_to_be32(io->len);
	memcpy(&want.cqe[0], &dw0, 4);
	memcpy(&want.cqe[12], &io->cid, 2);
	if (io->req.rcv_rsplen != 32 || memcmp(io->rsp, &want, 32) ||
	    io->req.transferred_length != io->len) {
		if (report)
			fprintf(stderr, "io op %u: rsplen %u xfrd %u rsp mismatch\n", io->opcode,
				io->req.rcv_rsplen, io->req.transferred_length);
		return -1;
	}
	if (io->opcode == HWF_OP_READ)
		for (i = 0; i < io->len; i++)
			if (io->buf[i] != hwf_pattern(io->seed, i)) {
				if (report)
					fprintf(stderr, "read data mismatch at %u\n", i);
				return -1;
			}
	return 0;
}

static int io_run(struct io *io, struct nvme_fc_remote_port *rp, uint16_t qid, uint8_t opcode,
		  uint32_t len, uint32_t seed, int ms)
{
	int rc = io_submit(io, rp, qid, opcode, len, seed, (uint16_t)(seed & 0xffff));

	if (rc)
		return rc;
	if (!host_wait(&io->done, 1, ms))
		return -ETIMEDOUT;
	return 0;
}

static _Atomic int host_ls_status = 1, host_ls_done_cnt;

static void host_ls_done(struct nvmefc_ls_req *req, int status)
{
	atomic_store(&host_ls_status, status);
	atomic_fetch_add(&host_ls_done_cnt, 1);
}

static void test_ls_host_to_target(struct nvme_fc_remote_port *rp)
{
	struct nvmefc_ls_req req;
	uint8_t rqst[80], rsp[128];
	int before = atomic_load(&sh->ls_rcvd), rc;
	unsigned int i;

	for (i = 0; i < sizeof(rqst); i++)
		rqst[i] = (uint8_t)i;
	rqst[0] = FCNVME_LS_CREATE_CONNECTION;
	memset(rsp, 0xaa, sizeof(rsp));
	memset(&req, 0, sizeof(req));
	req.rqstaddr = rqst;
	req.rqstlen = sizeof(rqst);
	req.rspaddr = rsp;
	req.rsplen = sizeof(rsp);
	req.timeout = 20;
	req.done = host_ls_done;
	atomic_store(&host_ls_status, 1);
	atomic_store(&host_ls_done_cnt, 0);
	rc = hwf_host_tmpl->ls_req(hw_host_port_localport(hp), rp, &req);
	CHECK(rc == 0, "ls_req rc %d", rc);
	CHECK(host_wait(&host_ls_done_cnt, 1, 5000), "LS not completed");
	CHECK(atomic_load(&host_ls_status) == 0, "LS status %d", atomic_load(&host_ls_status));
	CHECK(rsp[0] == FCNVME_LS_ACC && memcmp(rsp + 1, rqst + 1, 79) == 0 && rsp[80] == 0xaa,
	      "LS echo bytes wrong (rsp[0]=%u rsp[80]=%#x)", rsp[0], rsp[80]);
	CHECK(host_wait(&sh->ls_rcvd, before + 1, 500), "target LS count");
	CHECK(atomic_load(&host_ls_done_cnt) == 1, "LS done %d times", host_ls_done_cnt);
}

static void test_ls_target_to_host(void)
{
	int before = atomic_load(&hwf.host_ls_rcvd), rc;
	unsigned int i;
	bool ok = true;

	rc = tgt_cmd(CMD_LS, 5000);
	CHECK(rc == 0, "target LS status %d", rc);
	CHECK(atomic_load(&hwf.host_ls_rcvd) == before + 1, "host did not receive the LS");
	/* 48-byte echo truncated to rsplen 24 */
	if (sh->ls_rsp[0] != FCNVME_LS_ACC)
		ok = false;
	for (i = 1; i < 24; i++)
		if (sh->ls_rsp[i] != (uint8_t)(0x40 + i))
			ok = false;
	for (i = 24; i < 48; i++)
		if (sh->ls_rsp[i] != 0)
			ok = false;
	CHECK(ok, "target LS response bytes wrong");
}

static void test_fcp_basic(struct nvme_fc_remote_port *rp, bool rdrsp)
{
	struct io io_d, io_m;
	int rc, st0 = atomic_load(&sh->steer_errors);
	uint16_t qid;

	io_init(&io_d, 256 * 1024, true);
	io_init(&io_m, 256 * 1024, false);
	for (qid = 0; qid <= NR_HWQ + 1; qid++) {
		rc = io_run(&io_d, rp, qid, HWF_OP_NODATA, 0, 7 + qid, 5000);
		CHECK(rc == 0 && io_verify(&io_d, true) == 0, "no-data qid %u rc %d", qid, rc);
	}
	rc = io_run(&io_d, rp, 1, HWF_OP_WRITE, 65536, 11, 5000);
	CHECK(rc == 0 && io_verify(&io_d, true) == 0, "write 64K (dma) rc %d rdrsp %d", rc, rdrsp);
	rc = io_run(&io_d, rp, 2, HWF_OP_READ, 131072, 12, 5000);
	CHECK(rc == 0 && io_verify(&io_d, true) == 0, "read 128K (dma) rc %d rdrsp %d", rc, rdrsp);
	rc = io_run(&io_m, rp, 3, HWF_OP_WRITE, 4096 + 512, 13, 5000);
	CHECK(rc == 0 && io_verify(&io_m, true) == 0, "write (bounce) rc %d", rc);
	rc = io_run(&io_m, rp, 4, HWF_OP_READ, 200000, 14, 5000);
	CHECK(rc == 0 && io_verify(&io_m, true) == 0, "read (bounce) rc %d", rc);
	CHECK(atomic_load(&sh->steer_errors) == st0, "CMD IUs landed on the wrong hw queue");
	free(io_m.buf);
}

static void test_abts(struct nvme_fc_remote_port *rp)
{
	struct io io;
	int ab = atomic_load(&sh->fcp_aborts), rc;

	io_init(&io, 0, true);
	/* host -> target */
	rc = io_submit(&io, rp, 1, HWF_OP_HANG, 0, 21, 21);
	CHECK(rc == 0, "submit hang rc %d", rc);
	host_wait(&sh->fcp_rcvd, atomic_load(&sh->fcp_rcvd) + 1, 200);
	hwf_host_tmpl->fcp_abort(hw_host_port_localport(hp), rp, qh[1], &io.req);
	CHECK(host_wait(&io.done, 1, 5000), "aborted I/O never completed");
	CHECK((int)io.req.status == -ECANCELED, "abort status %d", (int)io.req.status);
	CHECK(host_wait(&sh->fcp_aborts, ab + 1, 1000), "target never saw the ABTS");
	CHECK(atomic_load(&io.done) == 1, "completed %d times", atomic_load(&io.done));
	/* the exchange is usable again */
	rc = io_run(&io, rp, 1, HWF_OP_NODATA, 0, 22, 5000);
	CHECK(rc == 0 && io_verify(&io, true) == 0, "I/O after ABTS rc %d", rc);
	/* target -> host */
	rc = io_run(&io, rp, 2, HWF_OP_TABORT, 0, 23, 5000);
	CHECK(rc == 0 && (int)io.req.status == -ECANCELED, "target ABTS: rc %d status %d", rc,
	      (int)io.req.status);
	rc = io_run(&io, rp, 2, HWF_OP_NODATA, 0, 24, 5000);
	CHECK(rc == 0 && io_verify(&io, true) == 0, "I/O after target ABTS rc %d", rc);
}

static void test_cmd_drop(struct hw_fabric *fab, struct nvme_fc_remote_port *rp)
{
	struct hw_fault f = {
		.kind = HW_FAULT_DROP_CMD, .opcode = HWF_OP_NODATA, .skip = 1, .remaining = 1
	};
	struct io io;
	int rc;

	io_init(&io, 0, true);
	CHECK(hw_fabric_fault_add(fab, &f) >= 0, "fault add");
	rc = io_run(&io, rp, 1, HWF_OP_NODATA, 0, 30, 5000); /* skipped: passes */
	CHECK(rc == 0 && io_verify(&io, true) == 0, "first I/O after fault rc %d", rc);
	rc = io_run(&io, rp, 1, HWF_OP_NODATA, 0, 31, 6000); /* dropped: times out */
	CHECK(rc == 0 && (int)io.req.status == -ETIMEDOUT, "dropped CMD: rc %d status %d", rc,
	      (int)io.req.status);
	rc = io_run(&io, rp, 1, HWF_OP_NODATA, 0, 32, 5000); /* fault used up */
	CHECK(rc == 0 && io_verify(&io, true) == 0, "I/O after drop rc %d", rc);
	CHECK(atomic_load(&fab->r->nfaults) == 0, "fault not retired");
}

/* Hybrid polling of the host: hw_host_port_wait sleeps on the CQs of all
 * its hw queues (FUTEX_WAITV over NR_HWQ rings) until the target process's
 * firmware posts a response into one (delayed 100 ms by a fault, so the
 * host really sleeps), and sleeps out its timeout when nothing comes. */
static void test_host_wait(struct hw_fabric *fab, struct nvme_fc_remote_port *rp)
{
	struct hw_fault f = {
		.kind = HW_FAULT_DELAY, .fclass = HW_FC_RSP, .delay_ms = 100, .remaining = 1
	};
	struct io io;
	uint64_t t0, dt;
	int rc;

	CHECK(hw_host_port_wait(NULL, 1000) == -EINVAL, "wait on no port");
	/* nothing in flight: the sleep times out */
	host_drive();
	t0 = fcnvme_clock_ns();
	rc = hw_host_port_wait(hp, 30000);
	dt = fcnvme_clock_ns() - t0;
	CHECK(rc == 0 && dt >= 25000000u, "idle wait: rc %d after %" PRIu64 " ns", rc, dt);
	/* one I/O on hw queue 3 (qid 4), its response 100 ms late */
	io_init(&io, 0, true);
	CHECK(hw_fabric_fault_add(fab, &f) >= 0, "fault add");
	rc = io_submit(&io, rp, 4, HWF_OP_NODATA, 0, 50, 50);
	CHECK(rc == 0, "submit rc %d", rc);
	host_drive();
	CHECK(atomic_load(&io.done) == 0, "the delayed I/O completed at once");
	t0 = fcnvme_clock_ns();
	rc = hw_host_port_wait(hp, 5000000);
	dt = fcnvme_clock_ns() - t0;
	CHECK(rc == 1 && dt >= 50000000u && dt < 2000000000u,
	      "woken wait: rc %d after %" PRIu64 " ns", rc, dt);
	CHECK(host_wait(&io.done, 1, 1000), "the delayed I/O never completed");
	CHECK(io_verify(&io, true) == 0, "the delayed I/O's response");
	CHECK(atomic_load(&fab->r->nfaults) == 0, "fault not retired");
}

static void test_more_faults(struct hw_fabric *fab, struct nvme_fc_remote_port *rp)
{
	struct hw_fault fd = { .kind = HW_FAULT_FAIL_DATA, .remaining = 1 };
	struct hw_fault fa = { .kind = HW_FAULT_ABTS, .remaining = 1, .wwpn = HOST_WWPN };
	struct hw_fault fr = { .kind = HW_FAULT_DROP, .fclass = HW_FC_RSP, .remaining = 1 };
	struct hw_fault fl = {
		.kind = HW_FAULT_DELAY, .fclass = HW_FC_LS, .delay_ms = 300, .remaining = 1
	};
	struct io io;
	uint64_t t0;
	int rc;

	io_init(&io, 65536, true);
	/* a failed data transfer: the target aborts, the host sees it */
	CHECK(hw_fabric_fault_add(fab, &fd) >= 0, "fault add");
	rc = io_run(&io, rp, 1, HWF_OP_WRITE, 8192, 40, 5000);
	CHECK(rc == 0 && (int)io.req.status == -ECANCELED, "fail-data: rc %d status %d", rc,
	      (int)io.req.status);
	rc = io_run(&io, rp, 1, HWF_OP_WRITE, 8192, 41, 5000);
	CHECK(rc == 0 && io_verify(&io, true) == 0, "write after fail-data rc %d", rc);
	/* an ABTS injected right behind the CMD */
	CHECK(hw_fabric_fault_add(fab, &fa) >= 0, "fault add");
	rc = io_run(&io, rp, 2, HWF_OP_READ, 4096, 42, 5000);
	CHECK(rc == 0 && (int)io.req.status == -ECANCELED, "injected ABTS: rc %d status %d", rc,
	      (int)io.req.status);
	rc = io_run(&io, rp, 2, HWF_OP_READ, 4096, 43, 5000);
	CHECK(rc == 0 && io_verify(&io, true) == 0, "read after injected ABTS rc %d", rc);
	/* a lost response: timeout, ABTS, BA_RJT */
	CHECK(hw_fabric_fault_add(fab, &fr) >= 0, "fault add");
	rc = io_run(&io, rp, 3, HWF_OP_NODATA, 0, 44, 6000);
	CHECK(rc == 0 && (int)io.req.status == -ETIMEDOUT, "lost RSP: rc %d status %d", rc,
	      (int)io.req.status);
	rc = io_run(&io, rp, 3, HWF_OP_NODATA, 0, 45, 5000);
	CHECK(rc == 0 && io_verify(&io, true) == 0, "I/O after lost RSP rc %d", rc);
	/* a delayed LS still completes, late */
	CHECK(hw_fabric_fault_add(fab, &fl) >= 0, "fault add");
	t0 = fcnvme_clock_ns();
	test_ls_host_to_target(rp);
	CHECK(fcnvme_clock_ns() - t0 >= 250000000u, "LS was not delayed");
	CHECK(atomic_load(&fab->r->nfaults) == 0, "faults not retired");
}

static void test_logo_and_link(void)
{
	int inv = atomic_load(&sh->invalidated), rel = atomic_load(&sh->released);
	int unreg = atomic_load(&hwf.rport_unregistered), reg = atomic_load(&hwf.rport_registered);
	int lo = atomic_load(&sh->logouts), rc;

	rc = tgt_cmd(CMD_LOGO, 5000);
	CHECK(rc == 0, "LOGO rc %d", rc);
	CHECK(atomic_load(&sh->invalidated) == inv + 1, "LOGO: invalidate_host not called");
	CHECK(atomic_load(&sh->released) == rel + 1, "LOGO: host_release not called");
	CHECK(atomic_load(&sh->logouts) == lo + 1 && strcmp(sh->why, "LOGO") == 0,
	      "LOGO: rport_logout (%s)", sh->why);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "host kept the remote port");
	/* the host logs back in by itself */
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "host did not log back in");

	inv = atomic_load(&sh->invalidated);
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	rc = tgt_cmd(CMD_LINK_DOWN, 5000);
	CHECK(rc == 0, "link down rc %d", rc);
	CHECK(host_wait(&sh->link_down, 1, 5000), "no link-down event");
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "link down: no invalidate_host");
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "link down: host kept rport");
	CHECK(strcmp(sh->why, "link down") == 0, "why '%s'", sh->why);
	rc = tgt_cmd(CMD_LINK_UP, 5000);
	CHECK(rc == 0, "link up rc %d", rc);
	CHECK(host_wait(&sh->link_up, 1, 5000), "no link-up event");
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after link up");
}

/* ---- softhbactl against live ports ---------------------------------------------- */

static char shm_root[64];

static int run_ctl(const char *args, char *out, size_t outlen)
{
	const char *b = getenv("top_builddir");
	char cmd[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/tools/softhbactl --dir %s --fabric mp %s 2>&1", b ? b : ".",
		 shm_root, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (out) {
		n = fread(out, 1, outlen - 1, f);
		out[n] = '\0';
	} else {
		char tmp[256];

		while (fread(tmp, 1, sizeof(tmp), f) > 0)
			;
	}
	return pclose(f);
}

static const char *json_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int64_t json_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

/* softhbactl -o json port list: the port wwpn is online with these roles,
 * its WWNN, and exactly one login (PRLI) to peer. */
static bool json_port_is(const char *doc, const char *wwpn, const char *wwnn, const char *roles,
			 const char *peer)
{
	struct json_object *a = json_tokener_parse(doc), *o, *l, *e;
	bool ok = false;
	size_t i;

	for (i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a);
	     i++) {
		o = json_object_array_get_idx(a, i);
		if (strcmp(json_str(o, "wwpn"), wwpn))
			continue;
		ok = !strcmp(json_str(o, "wwnn"), wwnn) && !strcmp(json_str(o, "roles"), roles) &&
		     !strcmp(json_str(o, "state"), "online") &&
		     json_object_object_get_ex(o, "logins", &l) &&
		     json_object_array_length(l) == 1 && (e = json_object_array_get_idx(l, 0)) &&
		     !strcmp(json_str(e, "wwpn"), peer) && !strcmp(json_str(e, "state"), "prli");
	}
	json_object_put(a);
	return ok;
}

/* softhbactl -o json port stats of the target: one LS sent, two received,
 * hw queue 0 received commands and sent none. */
static bool json_stats_ok(const char *doc)
{
	struct json_object *o = json_tokener_parse(doc), *q, *h;
	bool ok = o && !strcmp(json_str(o, "wwpn"), "0x10000090fa000001") &&
		  json_int(o, "ls_tx") == 1 && json_int(o, "ls_rx") == 2 &&
		  json_object_object_get_ex(o, "hwq", &q) && json_object_array_length(q) >= 1 &&
		  (h = json_object_array_get_idx(q, 0)) && json_int(h, "cmd_tx") == 0 &&
		  json_int(h, "cmd_rx") > 0;

	json_object_put(o);
	return ok;
}

static void test_softhbactl(void)
{
	char out[4096];
	int unreg, reg, inv, rc;

	rc = run_ctl("-o json port list", out, sizeof(out));
	CHECK(rc == 0, "port list rc %d", rc);
	CHECK(json_port_is(out, "0x10000090fa000001", "0x20000090fa000001", "target,discovery",
			   "0x10000090fb000001") &&
		      json_port_is(out, "0x10000090fb000001", "0x20000090fb000001", "initiator",
				   "0x10000090fa000001"),
	      "port list -o json: %s", out);

	rc = run_ctl("-o json port stats 0x10000090fa000001", out, sizeof(out));
	CHECK(rc == 0 && json_stats_ok(out), "port stats: rc %d %s", rc, out);

	/* discovery_event/RSCN from the target: the host rescans that port */
	rc = atomic_load(&hwf.rescans);
	CHECK(tgt_cmd(CMD_RSCN, 5000) == 1, "target RSCN not sent to one host");
	CHECK(host_wait(&hwf.rescans, rc + 1, 5000), "host did not rescan the remote port");

	/* Host link bounce, from the fabric. */
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	inv = atomic_load(&sh->invalidated);
	rc = run_ctl("link down 0x10000090fb000001", NULL, 0);
	CHECK(rc == 0, "link down rc %d", rc);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "host link down: rport kept");
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "host link down: no invalidate");
	CHECK(strcmp(sh->why, "RSCN: port offline") == 0, "why '%s'", sh->why);
	rc = run_ctl("link up 0x10000090fb000001", NULL, 0);
	CHECK(rc == 0, "link up rc %d", rc);
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after host link up");

	/* LOGO from the fabric on behalf of the target. */
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	inv = atomic_load(&sh->invalidated);
	rc = run_ctl("logo 0x10000090fa000001", out, sizeof(out));
	CHECK(rc == 0 && strstr(out, "1 login(s) logged out"), "logo: rc %d %s", rc, out);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "fabric LOGO: rport kept");
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "fabric LOGO: no invalidate");
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after LOGO");

	/* PRLO from the fabric on behalf of the host, for this pair only. */
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	inv = atomic_load(&sh->invalidated);
	rc = run_ctl("prlo 0x10000090fb000001 0x10000090fa000001", out, sizeof(out));
	CHECK(rc == 0 && strstr(out, "1 login(s) logged out"), "prlo: rc %d %s", rc, out);
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "fabric PRLO: no invalidate");
	CHECK(strcmp(sh->why, "PRLO") == 0, "why '%s'", sh->why);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "fabric PRLO: rport kept");
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after PRLO");
}

/* A second host process logs in and dies: the target sees it as loss. */
static void test_host_death(void)
{
	struct hw_host_port_cfg hc = {
		.dev = "soft:mp",
		.wwnn = HOST_WWNN + 1,
		.wwpn = HOST_WWPN + 1,
		.nr_hwq = 1,
	};
	int logins = atomic_load(&sh->logins), inv = atomic_load(&sh->invalidated);
	int lo = atomic_load(&sh->logouts), status;
	pid_t pid = fork();

	if (pid == 0) {
		struct hw_host_port *h2;

		if (hw_host_port_open(&hc, &h2))
			_exit(1);
		for (;;) {
			hw_host_port_process(h2);
			usleep(1000);
		}
	}
	CHECK(host_wait(&sh->logins, logins + 1, 5000), "second host never logged in");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK(host_wait(&sh->logouts, lo + 1, 5000), "target did not see the host die");
	/* the target process mirrors its invalidate count into sh on its next
	 * loop, after the logout it already reported: wait for it */
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000) &&
		      atomic_load(&sh->invalidated) == inv + 1,
	      "host death: invalidate_host called %d times, want 1",
	      atomic_load(&sh->invalidated) - inv);
	CHECK(strcmp(sh->why, "peer dead") == 0, "why '%s'", sh->why);
}

/* ---- stress -------------------------------------------------------------------- */

static void test_stress(struct nvme_fc_remote_port *rp, int seconds)
{
	static struct io ios[NR_HWQ][QD];
	uint64_t end = fcnvme_clock_ns() + (uint64_t)seconds * 1000000000u;
	uint64_t submitted = 0, completed = 0, bad = 0, dup = 0, busy = 0;
	unsigned int q, i, rnd = 12345;
	bool draining = false;
	int rc;

	for (q = 0; q < NR_HWQ; q++)
		for (i = 0; i < QD; i++)
			io_init(&ios[q][i], 65536, true);
	for (;;) {
		bool idle = true;

		for (q = 0; q < NR_HWQ; q++) {
			for (i = 0; i < QD; i++) {
				struct io *io = &ios[q][i];
				int d = atomic_load(&io->done);
				uint8_t op;
				uint32_t len;

				if (io->opcode != 0xff && io->len != 0xffffffffu && io->seed) {
					if (d == 0) {
						idle = false;
						continue;
					}
					if (d > 1)
						dup++;
					if (io_verify(io, bad < 3))
						bad++;
					completed++;
					io->seed = 0;
				}
				if (draining)
					continue;
				rnd = rnd * 1103515245u + 12345u;
				op = (uint8_t)((rnd >> 16) % 3);
				len = op == HWF_OP_NODATA ? 0 : 512u << ((rnd >> 20) % 8);
				rc = io_submit(io, rp, (uint16_t)(q + 1), op, len, (rnd >> 8) | 1,
					       (uint16_t)i);
				if (rc) {
					if (!busy)
						fprintf(stderr, "stress submit: %d\n", rc);
					io->seed = 0;
					busy++;
					continue;
				}
				submitted++;
				idle = false;
			}
			hw_host_poll(hp, (uint16_t)q, 256);
		}
		hw_host_port_process(hp);
		if (!draining && fcnvme_clock_ns() >= end)
			draining = true;
		if (draining && idle)
			break;
		if (fcnvme_clock_ns() >= end + 10000000000ull)
			break;
	}
	printf("stress: %" PRIu64 " submitted, %" PRIu64 " completed, %" PRIu64 " bad, %" PRIu64
	       " duplicated, %" PRIu64 " busy in %d s\n",
	       submitted, completed, bad, dup, busy, seconds);
	CHECK(submitted > 1000, "too few I/Os: %" PRIu64, submitted);
	CHECK(completed == submitted, "lost completions: %" PRIu64 " of %" PRIu64, completed,
	      submitted);
	CHECK(bad == 0 && dup == 0, "bad %" PRIu64 " dup %" PRIu64, bad, dup);
}

static void test_peer_death(pid_t *tpid)
{
	int unreg = atomic_load(&hwf.rport_unregistered), reg;
	int status;

	kill(*tpid, SIGKILL);
	waitpid(*tpid, &status, 0);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 3000),
	      "host did not see the target's death");
	reg = atomic_load(&hwf.rport_registered);
	*tpid = start_target(false);
	CHECK(atomic_load(&sh->ready) == 1, "restarted target not ready");
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login to restarted target");
}

int main(int argc, char **argv)
{
	char dir[] = "/dev/shm/hw_mp.XXXXXX", fdir[64];
	struct hw_host_port_cfg hc = {
		.dev = "soft:mp",
		.wwnn = HOST_WWNN,
		.wwpn = HOST_WWPN,
		.nr_hwq = NR_HWQ,
		.queue_depth = QD,
		.fcp_timeout_ms = 1500,
	};
	struct nvme_fc_remote_port *rp;
	struct hw_fabric fab;
	int stress_s = argc > 1 ? atoi(argv[1]) : 5;
	unsigned int q;
	pid_t tpid;
	int rc, status;

	if (!mkdtemp(dir))
		return 99;
	snprintf(shm_root, sizeof(shm_root), "%s", dir);
	setenv("FCNVME_SHM_DIR", dir, 1);
	snprintf(fdir, sizeof(fdir), "%s/mp", dir);
	if (hw_fabric_create(fdir) || hw_fabric_open(fdir, &fab))
		return 99;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 99;
	memset(sh, 0, sizeof(*sh));
	signal(SIGPIPE, SIG_IGN);

	tpid = start_target(true);
	CHECK(atomic_load(&sh->ready) == 1, "target not ready");
	rc = hw_host_port_open(&hc, &hp);
	CHECK(rc == 0, "host open %d", rc);
	if (rc)
		goto out;
	rp = online_rport();
	CHECK(rp != NULL, "no remote port registered after open");
	CHECK(host_wait(&sh->logins, 1, 1000), "target saw no login");
	if (!rp)
		goto out;
	for (q = 0; q <= NR_HWQ + 1; q++)
		hwf_host_tmpl->create_queue(hw_host_port_localport(hp), q, QD, &qh[q]);

	test_ls_host_to_target(rp);
	test_ls_target_to_host();
	test_fcp_basic(rp, true);
	test_abts(rp);
	test_cmd_drop(&fab, rp);
	test_host_wait(&fab, rp);
	test_more_faults(&fab, rp);
	test_logo_and_link();
	test_softhbactl();
	test_host_death();
	rp = online_rport();
	CHECK(rp != NULL, "remote port not back online");
	if (rp)
		test_stress(rp, stress_s);
	test_peer_death(&tpid);
	rp = online_rport();
	CHECK(rp != NULL, "remote port not online after restart");
	if (rp)
		test_fcp_basic(rp, false);
out:
	if (hp)
		hw_host_port_close(hp);
	atomic_store(&sh->stop, 1);
	waitpid(tpid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "target exit status %d", status);
	hw_fabric_close(&fab);
	rc = hw_fabric_destroy(fdir);
	CHECK(rc == 0, "fabric destroy %d", rc);
	rmdir(dir);
	printf("hw_mp: %d passed, %d failed\n", checks - failures, failures);
	return failures ? 1 : 0;
}
