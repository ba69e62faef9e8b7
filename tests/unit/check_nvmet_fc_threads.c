// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite running the target transport with real threads: the test's
 * main thread is the control context, two hwq threads each own an I/O queue
 * and feed it commands (as an HBA poller would) while their "core" holds a
 * few requests and completes them later. The control thread disconnects in
 * the middle of the I/O. Checks that every accepted exchange is released
 * exactly once, that commands after the teardown are refused, that the
 * host's Disconnect is answered, and (under --enable-tsan) that no memory is
 * shared between the threads without a message.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/ls.h>
#include <fcnvme/nvmet_fc_core.h>

#include "suites_libfcnvme.h"

#define T_HWQ	2
#define T_XCHG	4096 /* exchanges per hwq thread */
#define T_DEPTH 6    /* requests a hwq's core holds */
#define T_MSGS	1024

/* ---- message queues (the test's env; locks are the env's business) ---- */

struct t_msg {
	void (*fn)(void *);
	void *arg;
};

struct t_mq {
	pthread_mutex_t lock;
	struct t_msg msgs[T_MSGS];
	unsigned int head, tail;
};

static struct t_mq t_ctl_mq, t_hwq_mq[T_HWQ];

static int t_post(struct t_mq *q, void (*fn)(void *), void *arg)
{
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	if (q->tail - q->head >= T_MSGS)
		rc = -EAGAIN;
	else
		q->msgs[q->tail++ % T_MSGS] = (struct t_msg){ fn, arg };
	pthread_mutex_unlock(&q->lock);
	return rc;
}

static unsigned int t_run(struct t_mq *q)
{
	unsigned int n = 0;

	for (;;) {
		struct t_msg m;

		pthread_mutex_lock(&q->lock);
		if (q->head == q->tail) {
			pthread_mutex_unlock(&q->lock);
			return n;
		}
		m = q->msgs[q->head++ % T_MSGS];
		pthread_mutex_unlock(&q->lock);
		m.fn(m.arg);
		n++;
	}
}

static int t_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)env;
	if (hwqid >= T_HWQ)
		return -EINVAL;
	return t_post(&t_hwq_mq[hwqid], fn, arg);
}

static int t_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	return t_post(&t_ctl_mq, fn, arg);
}

static const struct nvmet_fc_env_ops t_env = {
	.run_on_hwq = t_run_on_hwq,
	.run_on_ctl = t_run_on_ctl,
};

/* ---- the LLDD ------------------------------------------------------------ */

struct t_xchg {
	struct nvmefc_tgt_fcp_req req;
	atomic_int releases;
	int rc;
};

/* Per hwq thread; only that thread touches it (after start). */
struct t_hwq {
	pthread_t thread;
	uint16_t hwqid;
	uint64_t conn; /* set by a message */
	bool go;
	struct t_xchg *x; /* T_XCHG */
	unsigned int sent, accepted, refused, rsps;
	atomic_uint progress; /* accepted, for the main thread */
	struct nvmet_fc_req *held[T_DEPTH];
	unsigned int nheld;
};

static struct t_hwq t_hwqs[T_HWQ];
static struct nvmet_fc_target_port *t_tp;
static atomic_bool t_stop;
static atomic_int t_deleted;
static uint8_t t_ls_rsp[128]; /* control thread only */
static uint16_t t_ls_rsp_len;
static unsigned int t_ls_rsps;
static unsigned int t_sq_destroys;

static void t_targetport_delete(struct nvmet_fc_target_port *tp)
{
	(void)tp;
	atomic_fetch_add(&t_deleted, 1);
}

static int t_xmt_ls_rsp(struct nvmet_fc_target_port *tp, struct nvmefc_ls_rsp *r)
{
	(void)tp;
	memcpy(t_ls_rsp, r->rspbuf, r->rsplen);
	t_ls_rsp_len = r->rsplen;
	t_ls_rsps++;
	r->done(r);
	return 0;
}

static struct t_hwq *t_self(const struct nvmefc_tgt_fcp_req *req)
{
	return &t_hwqs[req->hwqid];
}

static int t_fcp_op(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	(void)tp;
	if (req->op == NVMET_FCOP_RSP)
		t_self(req)->rsps++;
	req->transferred_length = req->transfer_length;
	req->fcp_error = 0;
	req->done(req);
	return 0;
}

static void t_fcp_abort(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	(void)tp;
	(void)req;
}

static void t_fcp_req_release(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	(void)tp;
	atomic_fetch_add(&((struct t_xchg *)(void *)req)->releases, 1);
}

static int t_ls_req(struct nvmet_fc_target_port *tp, void *hh, struct nvmefc_ls_req *r)
{
	(void)tp;
	(void)hh;
	r->done(r, 0);
	return 0;
}

static void t_ls_abort(struct nvmet_fc_target_port *tp, void *hh, struct nvmefc_ls_req *r)
{
	(void)tp;
	(void)hh;
	(void)r;
}

static struct nvmet_fc_target_template t_tmpl = {
	.targetport_delete = t_targetport_delete,
	.xmt_ls_rsp = t_xmt_ls_rsp,
	.fcp_op = t_fcp_op,
	.fcp_abort = t_fcp_abort,
	.fcp_req_release = t_fcp_req_release,
	.ls_req = t_ls_req,
	.ls_abort = t_ls_abort,
	.max_hw_queues = T_HWQ,
	.max_sgl_segments = 64,
	.max_dif_sgl_segments = 64,
	.dma_boundary = 0xffffffff,
};

/* ---- the core: each hwq holds up to T_DEPTH requests ----------------------- */

static int t_sq_create(void *core, const struct nvmet_fc_sq_info *info, void **core_sq)
{
	(void)core;
	*core_sq = (void *)(uintptr_t)(info->qid + 1);
	return 0;
}

static void t_sq_destroy(void *core, void *core_sq)
{
	(void)core;
	(void)core_sq;
	t_sq_destroys++;
}

static void t_complete(struct nvmet_fc_req *req)
{
	memset(req->cqe, 0, sizeof(*req->cqe));
	req->cqe->command_id = req->cmd->common.command_id;
	req->cqe->sq_id = req->qid;
	req->queue_response(req);
}

static void t_execute(struct nvmet_fc_req *req)
{
	struct t_hwq *h = &t_hwqs[req->hwqid];

	if (h->nheld < T_DEPTH) {
		h->held[h->nheld++] = req;
		return;
	}
	t_complete(req);
}

static uint16_t t_req_init(void *core, struct nvmet_fc_req *req)
{
	(void)core;
	req->execute = t_execute;
	return 0;
}

static const struct nvmet_fc_core_ops t_core = {
	.sq_create = t_sq_create,
	.sq_destroy = t_sq_destroy,
	.req_init = t_req_init,
};

/* ---- the hwq threads ------------------------------------------------------ */

static void t_set_conn(void *arg)
{
	struct t_hwq *h = arg;

	h->go = true;
}

static void t_send(struct t_hwq *h)
{
	struct nvme_fc_cmd_iu iu;
	struct nvme_command *sqe = (struct nvme_command *)(void *)iu.sqe;
	struct t_xchg *x = &h->x[h->sent];
	uint8_t op = (uint8_t)(h->sent % 3); /* flush, write, read */

	memset(&iu, 0, sizeof(iu));
	iu.format_id = NVME_CMD_FORMAT_ID;
	iu.fc_id = NVME_CMD_FC_ID;
	iu.iu_len = cpu_to_be16(24);
	iu.flags = op == 1 ? FCNVME_CMD_FLAGS_WRITE : op == 2 ? FCNVME_CMD_FLAGS_READ : 0;
	iu.connection_id = cpu_to_be64(h->conn);
	iu.data_len = cpu_to_be32(op ? 8192 : 0);
	sqe->common.opcode = op;
	sqe->common.command_id = (uint16_t)h->sent;
	x->req.hwqid = h->hwqid;
	x->rc = nvmet_fc_rcv_fcp_req(t_tp, &x->req, &iu, sizeof(iu));
	if (x->rc == 0) {
		h->accepted++;
		atomic_store(&h->progress, h->accepted);
	} else
		h->refused++;
	h->sent++;
}

static void *t_hwq_main(void *arg)
{
	struct t_hwq *h = arg;

	while (!atomic_load(&t_stop)) {
		unsigned int n = t_run(&t_hwq_mq[h->hwqid]);

		if (h->nheld && (h->sent % 2 || h->refused || h->sent >= T_XCHG)) {
			struct nvmet_fc_req *req = h->held[0];

			memmove(&h->held[0], &h->held[1], --h->nheld * sizeof(h->held[0]));
			t_complete(req);
			n++;
		}
		if (h->go && !h->refused && h->sent < T_XCHG) {
			t_send(h);
			n++;
		}
		if (!n)
			sched_yield();
	}
	/* Drain what is left (the control thread waits for it). */
	while (h->nheld) {
		struct nvmet_fc_req *req = h->held[--h->nheld];

		t_complete(req);
	}
	t_run(&t_hwq_mq[h->hwqid]);
	return NULL;
}

/* ---- the control thread (the test) ---------------------------------------- */

static void t_ls(const void *buf, uint32_t len)
{
	static struct nvmefc_ls_rsp rsp[8];
	static unsigned int n;
	uint8_t copy[1024];

	memcpy(copy, buf, len);
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(t_tp, (void *)0x77, &rsp[n++ % 8], copy, len), 0);
}

static void t_wait_ls(unsigned int count)
{
	time_t end = time(NULL) + 20;

	while (t_ls_rsps < count && time(NULL) < end) {
		if (!t_run(&t_ctl_mq))
			sched_yield();
	}
	ck_assert_uint_eq(t_ls_rsps, count);
}

START_TEST(test_threads_io_and_disconnect)
{
	struct nvmet_fc_port_info pi = { .node_name = 1, .port_name = 2 };
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 8192,
		.max_queue_size = 32,
		.max_io_queues = 4,
	};
	struct fcnvme_ls_cr_assoc_params ap;
	struct fcnvme_ls_cr_conn_params cp;
	uint8_t buf[1024];
	uint64_t assoc = 0, conn = 0;
	unsigned int i, k, total_acc = 0;
	time_t end;

	pthread_mutex_init(&t_ctl_mq.lock, NULL);
	for (i = 0; i < T_HWQ; i++) {
		pthread_mutex_init(&t_hwq_mq[i].lock, NULL);
		t_hwqs[i].hwqid = (uint16_t)i;
		t_hwqs[i].x = calloc(T_XCHG, sizeof(struct t_xchg));
		ck_assert_ptr_nonnull(t_hwqs[i].x);
	}
	ck_assert_int_eq(nvmet_fc_register_targetport(&pi, &t_tmpl, NULL, &t_tp), 0);
	ck_assert_int_eq(nvmet_fc_bind_core(t_tp, &t_core, NULL, &t_env, NULL, &cfg), 0);
	for (i = 0; i < T_HWQ; i++)
		ck_assert_int_eq(pthread_create(&t_hwqs[i].thread, NULL, t_hwq_main, &t_hwqs[i]),
				 0);

	memset(&ap, 0, sizeof(ap));
	ap.ersp_ratio = 2;
	ap.sqsize = 15;
	ap.cntlid = 0xffff;
	fcnvme_ls_build_cr_assoc(buf, sizeof(buf), &ap);
	t_ls(buf, 1024);
	t_wait_ls(1);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(t_ls_rsp, t_ls_rsp_len, &assoc, &conn, NULL),
			 0);
	for (i = 0; i < T_HWQ; i++) {
		memset(&cp, 0, sizeof(cp));
		cp.association_id = assoc;
		cp.ersp_ratio = 3;
		cp.qid = (uint16_t)(i + 1); /* hwq i */
		cp.sqsize = 15;
		fcnvme_ls_build_cr_conn(buf, sizeof(buf), &cp);
		t_ls(buf, 80);
		t_wait_ls(2 + i);
		ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(t_ls_rsp, t_ls_rsp_len, &conn, NULL),
				 0);
		ck_assert_uint_eq(conn, assoc | (i + 1));
		/* Hand the id over by message, not by shared memory. */
		t_hwqs[i].conn = conn;
		ck_assert_int_eq(t_run_on_hwq(NULL, (uint16_t)i, t_set_conn, &t_hwqs[i]), 0);
	}
	/* Let I/O run a little, then disconnect in the middle of it. */
	end = time(NULL) + 20;
	while (time(NULL) < end) {
		t_run(&t_ctl_mq);
		if (t_ls_rsps == T_HWQ + 1) {
			static bool sent;

			/* Once both queues have I/O going. */
			if (!sent && atomic_load(&t_hwqs[0].progress) > 50 &&
			    atomic_load(&t_hwqs[1].progress) > 50) {
				fcnvme_ls_build_disconnect_assoc(buf, 48, assoc);
				t_ls(buf, 48);
				sent = true;
			}
		} else {
			break;
		}
		sched_yield();
	}
	t_wait_ls(T_HWQ + 2);
	ck_assert_uint_eq(t_ls_rsp_len, 24);
	ck_assert_uint_eq(t_ls_rsp[0], FCNVME_LS_ACC);
	ck_assert_uint_eq(t_sq_destroys, T_HWQ + 1);

	atomic_store(&t_stop, true);
	for (i = 0; i < T_HWQ; i++)
		pthread_join(t_hwqs[i].thread, NULL);
	t_run(&t_ctl_mq);
	ck_assert_int_eq(nvmet_fc_unregister_targetport(t_tp), 0);
	t_run(&t_ctl_mq);
	ck_assert_int_eq(atomic_load(&t_deleted), 1);

	for (i = 0; i < T_HWQ; i++) {
		struct t_hwq *h = &t_hwqs[i];

		ck_assert_msg(h->accepted > 0, "hwq %u: sent %u refused %u rc0 %d", i, h->sent,
			      h->refused, h->sent ? h->x[0].rc : 1);
		total_acc += h->accepted;
		for (k = 0; k < h->sent; k++) {
			struct t_xchg *x = &h->x[k];

			if (x->rc == 0)
				ck_assert_int_eq(atomic_load(&x->releases), 1);
			else
				ck_assert_int_eq(atomic_load(&x->releases), 0);
		}
		/* The teardown refused later commands with -ENOTCONN. */
		if (h->refused)
			ck_assert_int_eq(h->x[h->sent - 1].rc, -ENOTCONN);
		free(h->x);
	}
	ck_assert_uint_gt(total_acc, T_HWQ);
}
END_TEST

/* The suite. */
Suite *nvmet_fc_threads_suite(void)
{
	Suite *s = suite_create("nvmet_fc_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads_io_and_disconnect);
	suite_add_tcase(s, tc);
	return s;
}
