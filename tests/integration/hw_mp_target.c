// SPDX-License-Identifier: Apache-2.0
/*
 * hw_mp's target process: a target port on the soft fabric with one
 * polling thread per hw queue, fake transport callbacks (check_hw_fake.c)
 * whose counters it mirrors into the shared page, and the commands the
 * test process asks of it there (LOGO, link down/up, RSCN, an LS to the
 * host).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "../unit/check_hw.h"
#include "hw_mp.h"
#include "hw_tgt.h"

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

pid_t hw_mp_target_start(bool readdata_rsp)
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
