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
 *
 * The target process is hw_mp_target.c, the host side harness (waiting,
 * one I/O) hw_mp_host.c, the softhbactl test hw_mp_softhbactl.c, the stress
 * run hw_mp_stress.c; hw_mp.h is what they share.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "../unit/check_hw.h"
#include "hw_fabric.h"
#include "hw_host.h"
#include "hw_mp.h"

int failures, checks;
struct shared *sh;
char hw_mp_shm_root[64];

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

/* Drive the host as fcnvme perf does: hw_host_port_poll alone (every hw
 * queue in one pass, idle queues only counted), until n I/Os are done or
 * ms pass. */
static bool port_poll_wait(struct io *io, int n, int ms)
{
	uint64_t end = fcnvme_clock_ns() + (uint64_t)ms * 1000000u;
	int i, done, rc;

	do {
		hw_host_port_process(hp);
		rc = hw_host_port_poll(hp, 256);
		if (rc < 0) {
			CHECK(rc >= 0, "port poll rc %d", rc);
			return false;
		}
		for (i = 0, done = 0; i < n; i++)
			done += atomic_load(&io[i].done) > 0;
		if (done == n)
			return true;
		usleep(100);
	} while (fcnvme_clock_ns() < end);
	return false;
}

/* hw_host_port_poll: I/Os in flight on every hw queue at once all complete
 * with their bytes; a dropped command still times out (the idle passes
 * read the clock every HW_HOST_IDLE_CLOCK-th time and look at the
 * exchange timers) and its exchange is usable again. */
static void test_port_poll(struct hw_fabric *fab, struct nvme_fc_remote_port *rp)
{
	struct hw_fault f = { .kind = HW_FAULT_DROP_CMD, .opcode = HWF_OP_NODATA, .remaining = 1 };
	struct io io[NR_HWQ];
	uint64_t t0, dt;
	uint16_t q;
	int rc;

	CHECK(hw_host_port_poll(NULL, 256) == -EINVAL, "port poll of no port");
	for (q = 0; q < NR_HWQ; q++) {
		io_init(&io[q], 4096, true);
		rc = io_submit(&io[q], rp, (uint16_t)(q + 1), HWF_OP_READ, 4096, 60 + q,
			       (uint16_t)(60 + q));
		CHECK(rc == 0, "submit on qid %u rc %d", q + 1, rc);
	}
	CHECK(port_poll_wait(io, NR_HWQ, 5000), "I/Os on every hw queue not reaped");
	for (q = 0; q < NR_HWQ; q++)
		CHECK(io_verify(&io[q], true) == 0, "read on qid %u", q + 1);
	CHECK(hw_fabric_fault_add(fab, &f) >= 0, "fault add");
	rc = io_submit(&io[0], rp, 3, HWF_OP_NODATA, 0, 64, 64);
	CHECK(rc == 0, "submit rc %d", rc);
	t0 = fcnvme_clock_ns();
	CHECK(port_poll_wait(io, 1, 6000), "dropped CMD never timed out under port poll");
	dt = fcnvme_clock_ns() - t0;
	CHECK((int)io[0].req.status == -ETIMEDOUT && dt >= 1400000000u,
	      "dropped CMD: status %d after %" PRIu64 " ns", (int)io[0].req.status, dt);
	rc = io_submit(&io[0], rp, 3, HWF_OP_NODATA, 0, 65, 65);
	CHECK(rc == 0 && port_poll_wait(io, 1, 5000) && io_verify(&io[0], true) == 0,
	      "I/O after the timeout rc %d", rc);
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

static void test_peer_death(pid_t *tpid)
{
	int unreg = atomic_load(&hwf.rport_unregistered), reg;
	int status;

	kill(*tpid, SIGKILL);
	waitpid(*tpid, &status, 0);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 3000),
	      "host did not see the target's death");
	reg = atomic_load(&hwf.rport_registered);
	*tpid = hw_mp_target_start(false);
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
	snprintf(hw_mp_shm_root, sizeof(hw_mp_shm_root), "%s", dir);
	setenv("FCNVME_SHM_DIR", dir, 1);
	snprintf(fdir, sizeof(fdir), "%s/mp", dir);
	if (hw_fabric_create(fdir) || hw_fabric_open(fdir, &fab))
		return 99;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 99;
	memset(sh, 0, sizeof(*sh));
	signal(SIGPIPE, SIG_IGN);

	tpid = hw_mp_target_start(true);
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
	test_port_poll(&fab, rp);
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
