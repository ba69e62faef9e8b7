// SPDX-License-Identifier: Apache-2.0
/*
 * The harness of check_daemon_loop: the target core (tgt_*) bound to the
 * real target transport of the in-process loop LLDD, the real host
 * transport on the other side, the core's env queued into a FIFO drained
 * with the loop's, a fake clock on both sides, and synchronous host I/O.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_loop_harness.h"
#include "test_rng.h"

#define FIFO_MAX 4096

struct work {
	void (*fn)(void *);
	void *arg;
};

static struct work fifo[FIFO_MAX];
static unsigned int fifo_head, fifo_tail;
struct loop_pair cl_lp;
struct tgt *cl_T;
struct tgt_clock cl_tclock;
uint64_t cl_fake_now;
struct fcnvme_host_ctrl *cl_ctrl;

static int env_post(void (*fn)(void *), void *arg)
{
	if (fifo_tail - fifo_head == FIFO_MAX)
		return -EAGAIN;
	fifo[fifo_tail % FIFO_MAX].fn = fn;
	fifo[fifo_tail % FIFO_MAX].arg = arg;
	fifo_tail++;
	return 0;
}

static int env_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)env;
	(void)hwqid;
	return env_post(fn, arg);
}

static int env_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	return env_post(fn, arg);
}

const struct nvmet_fc_env_ops cl_env = {
	.run_on_hwq = env_hwq,
	.run_on_ctl = env_ctl,
};

unsigned int cl_fifo_run(void)
{
	unsigned int n = 0;

	while (fifo_head != fifo_tail) {
		struct work w = fifo[fifo_head % FIFO_MAX];

		fifo_head++;
		w.fn(w.arg);
		n++;
	}
	return n;
}

static uint64_t host_clock(void *arg)
{
	(void)arg;
	return cl_fake_now;
}

void cl_pump(unsigned int n)
{
	while (n--) {
		if (cl_ctrl)
			fcnvme_host_ctrl_poll(cl_ctrl);
		loop_process(&cl_lp);
		cl_fifo_run();
	}
}

int cl_run_until(enum fcnvme_host_ctrl_state st, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < max; i++) {
		if (fcnvme_host_ctrl_state(cl_ctrl) == st)
			return 0;
		cl_pump(1);
	}
	return fcnvme_host_ctrl_state(cl_ctrl) == st ? 0 : -1;
}

void cl_opts(struct fcnvme_host_ctrl_opts *o, const char *hostnqn)
{
	memset(o, 0, sizeof(*o));
	o->subnqn = LOOP_SUBNQN;
	o->hostnqn = hostnqn;
	memset(o->hostid, 0x5a, sizeof(o->hostid));
	o->nr_io_queues = 2;
	o->queue_size = 32;
	o->kato_ms = 5000;
	o->reconnect_delay_s = 1;
	o->ctrl_loss_tmo_s = 60;
	o->clock_ns = host_clock;
}

/* Create the controller with o and run it until it is live. */
void cl_connect(const struct fcnvme_host_ctrl_opts *o)
{
	ck_assert_int_eq(fcnvme_host_ctrl_create(cl_lp.lport, cl_lp.rport, o, &cl_ctrl), 0);
	ck_assert_int_eq(cl_run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
}

void cl_setup(void)
{
	struct nvmet_fc_core_cfg cfg = { .max_data_len = 1 << 20,
					 .max_queue_size = 1024,
					 .max_io_queues = 8,
					 .max_deferred = 16 };
	struct tgt_subsys_params sp = { .nqn = LOOP_SUBNQN, .serial = "CORE0001" };
	struct tgt_ns_params np = { .nsid = 1,
				    .backend = TGT_BACKEND_RAM,
				    .size = LOOP_NS_BLOCKS * 512ull };
	char err[128];

	cl_fake_now = 1000 * NS_PER_S;
	fifo_head = fifo_tail = 0;
	ck_assert_int_eq(loop_pair_init(&cl_lp), 0);
	/* Replace the loop's fake core with ours. */
	ck_assert_int_eq(nvmet_fc_bind_core(cl_lp.tport, NULL, NULL, NULL, NULL, NULL), 0);
	cl_T = tgt_create(&cl_env, NULL, NULL);
	ck_assert_ptr_nonnull(cl_T);
	clock_fake_init(&cl_tclock, 1000000);
	cl_T->clock = &cl_tclock;
	ck_assert_int_eq(nvmet_fc_bind_core(cl_lp.tport, tgt_core_ops(), cl_T, &cl_env, NULL, &cfg),
			 0);
	ck_assert_int_eq(tgt_port_add(cl_T, 1, cl_lp.tport, "loop"), 0);
	ck_assert_int_eq(tgt_subsys_add(cl_T, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(cl_T, LOOP_SUBNQN, LOOP_HOSTNQN, err, sizeof(err)),
			 0);
	ck_assert_int_eq(tgt_subsys_export(cl_T, LOOP_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(cl_T, LOOP_SUBNQN, &np, err, sizeof(err)), 0);
	cl_ctrl = NULL;
}

void cl_delete_ctrl(void)
{
	unsigned int i;
	int rc = 1;

	for (i = 0; i < 1000 && rc == 1; i++) {
		rc = fcnvme_host_ctrl_delete(cl_ctrl);
		loop_process(&cl_lp);
		cl_fifo_run();
	}
	ck_assert_int_eq(rc, 0);
	cl_ctrl = NULL;
	cl_pump(20);
}

static int count_ctrl(const struct tgt_ctrl_info *i, void *arg)
{
	(void)i;
	(*(int *)arg)++;
	return 0;
}

int cl_nr_ctrls(void)
{
	int n = 0;

	tgt_ctrl_foreach(cl_T, count_ctrl, &n);
	return n;
}

void cl_teardown(void)
{
	if (cl_ctrl)
		cl_delete_ctrl();
	ck_assert_int_eq(cl_nr_ctrls(), 0);
	ck_assert_ptr_null(cl_T->sq_list); /* every queue destroyed */
	ck_assert_int_eq(nvmet_fc_bind_core(cl_lp.tport, NULL, NULL, NULL, NULL, NULL), 0);
	cl_pump(5);
	loop_pair_fini(&cl_lp);
	cl_fifo_run();
	tgt_destroy(cl_T);
	cl_T = NULL;
}

void cl_io_cb(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct cl_io_res *r = arg;

	r->done++;
	r->status = status;
	r->dw0 = le32toh(cqe->result.dw0);
}

uint16_t cl_host_io_ns(uint16_t qid, uint32_t nsid, uint8_t opc, uint64_t slba, uint16_t nlb,
		       struct fcnvme_host_buf *buf)
{
	struct nvme_command c;
	struct cl_io_res r = { 0 };
	unsigned int i;

	memset(&c, 0, sizeof(c));
	c.rw.opcode = opc;
	c.rw.nsid = htole32(nsid);
	c.rw.slba = htole64(slba);
	c.rw.length = htole16((uint16_t)(nlb - 1));
	ck_assert_int_eq(
		fcnvme_host_submit(cl_ctrl, qid, &c, buf, 0, buf ? nlb * 512u : 0, cl_io_cb, &r),
		0);
	for (i = 0; i < 1000 && !r.done; i++)
		cl_pump(1);
	ck_assert_int_eq(r.done, 1);
	return r.status;
}

uint16_t cl_host_io(uint16_t qid, uint8_t opc, uint64_t slba, uint16_t nlb,
		    struct fcnvme_host_buf *buf)
{
	return cl_host_io_ns(qid, 1, opc, slba, nlb, buf);
}
static uint64_t prng_state;

/* The test data, from test_rng.h; the seed is printed so a failure repeats. */
void cl_prng_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)test_rng_next(&prng_state);
}

void cl_prng_seed(const char *test)
{
	const char *e = getenv("CORE_LOOP_SEED");

	uint64_t seed = e ? strtoull(e, NULL, 0) : 1;

	test_rng_seed(&prng_state, seed);
	printf("%s: seed %llu (set CORE_LOOP_SEED to repeat)\n", test, (unsigned long long)seed);
}

/* Bind the core with other port limits, as nvmetfcd does when a port's
 * limits change (it recreates the port). */
void cl_port_limits(uint32_t mdts, uint16_t qsize, uint16_t nq)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = mdts,
		.max_queue_size = qsize,
		.max_io_queues = nq,
		.max_deferred = 16,
	};

	ck_assert_int_eq(nvmet_fc_bind_core(cl_lp.tport, NULL, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvmet_fc_bind_core(cl_lp.tport, tgt_core_ops(), cl_T, &cl_env, NULL, &cfg),
			 0);
}

/* Write len random bytes at slba through queue wq, read them back through
 * queue rq, compare. */
void cl_verified_io(uint16_t wq, uint16_t rq, uint64_t slba, uint32_t len)
{
	struct fcnvme_host_buf *w, *r;

	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, len, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, len, &r), 0);
	cl_prng_fill(w->addr, len);
	memset(r->addr, 0, len);
	ck_assert_uint_eq(cl_host_io(wq, nvme_cmd_write, slba, (uint16_t)(len / 512), w), 0);
	ck_assert_uint_eq(cl_host_io(rq, nvme_cmd_read, slba, (uint16_t)(len / 512), r), 0);
	ck_assert_mem_eq(r->addr, w->addr, len);
	fcnvme_host_buf_free(cl_ctrl, w);
	fcnvme_host_buf_free(cl_ctrl, r);
}

/* A suite of these tests, each run between cl_setup and cl_teardown. */
Suite *cl_suite(const char *name, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("loop");
	size_t i;

	tcase_add_checked_fixture(tc, cl_setup, cl_teardown);
	for (i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}
