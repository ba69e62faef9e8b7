// SPDX-License-Identifier: Apache-2.0
/*
 * The target core end to end: the real host transport (fcnvme_host_*) and
 * the real target transport (nvmet_fc_*) over the in-process loop LLDD,
 * with this NVMe core bound to the target port instead of the loop's fake
 * core. Association bring-up (Connect, properties, Identify, queues), data
 * round trips, ACL refusal, keep-alive expiry tearing the association down
 * and the host reconnecting, deletion draining AERs through sq_stop, and
 * each port limit (queues, queue size, MDTS) followed by our host and
 * refused to a host that ignores what the controller advertised.
 * The core's env queues work into a FIFO the test drains with the loop's.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_host.h>

#include "daemon/core/tgt_priv.h"
#include "loop_lldd.h"

#define NS_PER_S 1000000000ull
#define FIFO_MAX 4096

struct work {
	void (*fn)(void *);
	void *arg;
};

static struct work fifo[FIFO_MAX];
static unsigned int fifo_head, fifo_tail;
static struct loop_pair lp;
static struct tgt *T;
static struct tgt_clock tclock;
static uint64_t fake_now;
static struct fcnvme_host_ctrl *ctrl;

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

static const struct nvmet_fc_env_ops env = {
	.run_on_hwq = env_hwq,
	.run_on_ctl = env_ctl,
};

static unsigned int fifo_run(void)
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
	return fake_now;
}

static void pump(unsigned int n)
{
	while (n--) {
		if (ctrl)
			fcnvme_host_ctrl_poll(ctrl);
		loop_process(&lp);
		fifo_run();
	}
}

static int run_until(enum fcnvme_host_ctrl_state st, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < max; i++) {
		if (fcnvme_host_ctrl_state(ctrl) == st)
			return 0;
		pump(1);
	}
	return fcnvme_host_ctrl_state(ctrl) == st ? 0 : -1;
}

static void opts(struct fcnvme_host_ctrl_opts *o, const char *hostnqn)
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

static void setup(void)
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

	fake_now = 1000 * NS_PER_S;
	fifo_head = fifo_tail = 0;
	ck_assert_int_eq(loop_pair_init(&lp), 0);
	/* Replace the loop's fake core with ours. */
	ck_assert_int_eq(nvmet_fc_bind_core(lp.tport, NULL, NULL, NULL, NULL, NULL), 0);
	T = tgt_create(&env, NULL, NULL);
	ck_assert_ptr_nonnull(T);
	clock_fake_init(&tclock, 1000000);
	T->clock = &tclock;
	ck_assert_int_eq(nvmet_fc_bind_core(lp.tport, tgt_core_ops(), T, &env, NULL, &cfg), 0);
	ck_assert_int_eq(tgt_port_add(T, 1, lp.tport, "loop"), 0);
	ck_assert_int_eq(tgt_subsys_add(T, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(T, LOOP_SUBNQN, LOOP_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(T, LOOP_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(T, LOOP_SUBNQN, &np, err, sizeof(err)), 0);
	ctrl = NULL;
}

static void delete_ctrl(void)
{
	unsigned int i;
	int rc = 1;

	for (i = 0; i < 1000 && rc == 1; i++) {
		rc = fcnvme_host_ctrl_delete(ctrl);
		loop_process(&lp);
		fifo_run();
	}
	ck_assert_int_eq(rc, 0);
	ctrl = NULL;
	pump(20);
}

static int count_ctrl(const struct tgt_ctrl_info *i, void *arg)
{
	(void)i;
	(*(int *)arg)++;
	return 0;
}

static int nr_ctrls(void)
{
	int n = 0;

	tgt_ctrl_foreach(T, count_ctrl, &n);
	return n;
}

static void teardown(void)
{
	if (ctrl)
		delete_ctrl();
	ck_assert_int_eq(nr_ctrls(), 0);
	ck_assert_ptr_null(T->sq_list); /* every queue destroyed */
	ck_assert_int_eq(nvmet_fc_bind_core(lp.tport, NULL, NULL, NULL, NULL, NULL), 0);
	pump(5);
	loop_pair_fini(&lp);
	fifo_run();
	tgt_destroy(T);
	T = NULL;
}

struct io_res {
	int done;
	uint16_t status;
	uint32_t dw0;
};

static void io_cb(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct io_res *r = arg;

	r->done++;
	r->status = status;
	r->dw0 = le32toh(cqe->result.dw0);
}

static uint16_t host_io_ns(uint16_t qid, uint32_t nsid, uint8_t opc, uint64_t slba, uint16_t nlb,
			   struct fcnvme_host_buf *buf)
{
	struct nvme_command c;
	struct io_res r = { 0 };
	unsigned int i;

	memset(&c, 0, sizeof(c));
	c.rw.opcode = opc;
	c.rw.nsid = htole32(nsid);
	c.rw.slba = htole64(slba);
	c.rw.length = htole16((uint16_t)(nlb - 1));
	ck_assert_int_eq(fcnvme_host_submit(ctrl, qid, &c, buf, 0, buf ? nlb * 512u : 0, io_cb, &r),
			 0);
	for (i = 0; i < 1000 && !r.done; i++)
		pump(1);
	ck_assert_int_eq(r.done, 1);
	return r.status;
}

static uint16_t host_io(uint16_t qid, uint8_t opc, uint64_t slba, uint16_t nlb,
			struct fcnvme_host_buf *buf)
{
	return host_io_ns(qid, 1, opc, slba, nlb, buf);
}

START_TEST(test_live_and_io)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *w, *r;
	unsigned int i;

	opts(&o, LOOP_HOSTNQN);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.cntlid, 1);
	ck_assert_uint_eq(info.nr_io_queues, 2);
	ck_assert_uint_eq(info.cap & 0xffff, 1023);
	ck_assert_mem_eq(info.id_ctrl + 4, "CORE0001            ", 20);
	ck_assert_str_eq((const char *)info.id_ctrl + 768, LOOP_SUBNQN);
	ck_assert_int_eq(nr_ctrls(), 1);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &r), 0);
	for (i = 0; i < 65536; i++)
		((uint8_t *)w->addr)[i] = (uint8_t)(i * 31 + 7);
	ck_assert_uint_eq(host_io(1, nvme_cmd_write, 8, 128, w), 0);
	ck_assert_uint_eq(host_io(2, nvme_cmd_read, 8, 128, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_read, LOOP_NS_BLOCKS, 1, r),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
	ck_assert_uint_eq(host_io(1, nvme_cmd_flush, 0, 1, NULL), 0);
	fcnvme_host_buf_free(ctrl, w);
	fcnvme_host_buf_free(ctrl, r);
	delete_ctrl();
	ck_assert_int_eq(nr_ctrls(), 0);
}
END_TEST

START_TEST(test_acl_refused)
{
	struct fcnvme_host_ctrl_opts o;

	opts(&o, "nqn.2024-01.io.example:intruder");
	o.ctrl_loss_tmo_s = 0;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	pump(200);
	ck_assert_int_ne(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_LIVE);
	ck_assert(strstr(fcnvme_host_ctrl_reason(ctrl), "4184") != NULL);
	ck_assert_int_eq(nr_ctrls(), 0);
	delete_ctrl();
}
END_TEST

START_TEST(test_keep_alive_expiry_reconnect)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;

	opts(&o, LOOP_HOSTNQN);
	o.kato_ms = 0; /* a silent host */
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	/* the core applies its own KATO only if the host sent one: set one */
	{
		struct nvme_command c;
		struct io_res r = { 0 };

		memset(&c, 0, sizeof(c));
		c.common.opcode = nvme_admin_set_features;
		c.common.cdw10 = htole32(NVME_FEAT_KATO);
		c.common.cdw11 = htole32(2000);
		ck_assert_int_eq(fcnvme_host_submit(ctrl, 0, &c, NULL, 0, 0, io_cb, &r), 0);
		while (!r.done)
			pump(1);
		ck_assert_uint_eq(r.status, 0);
	}
	tclock.fake_ms += 2500;
	tgt_timer_tick(T);
	tclock.fake_ms += 2500;
	tgt_timer_tick(T);
	pump(50);
	/* the target tore the association down; the host reconnects */
	fake_now += 2 * NS_PER_S;
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 2000), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	ck_assert_uint_eq(info.cntlid, 2);
	ck_assert_int_eq(nr_ctrls(), 1);
	delete_ctrl();
}
END_TEST

struct first_ctrl {
	uint64_t id;
	struct tgt_io_stats st;
	int n;
};

static int first_ctrl_cb(const struct tgt_ctrl_info *i, void *arg)
{
	struct first_ctrl *f = arg;

	if (!f->n++) {
		f->id = i->association_id;
		f->st = i->stats;
	}
	return 0;
}

/* Statistics through both transports, then tgt_ctrl_delete() (what
 * "fcnvmectl assoc delete ID" calls): the target sends the host a
 * Disconnect LS, the association leaves the walk, the host reconnects with
 * a new association, and the counters stay with the subsystem. */
START_TEST(test_stats_and_assoc_delete)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *b;
	struct first_ctrl f = { 0 };
	struct tgt_io_stats port;
	unsigned int ls, acc;
	char err[128];

	opts(&o, LOOP_HOSTNQN);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &b), 0);
	ck_assert_uint_eq(host_io(1, nvme_cmd_write, 8, 128, b), 0);
	ck_assert_uint_eq(host_io(2, nvme_cmd_read, 8, 16, b), 0);
	ck_assert_uint_eq(host_io(1, nvme_cmd_read, LOOP_NS_BLOCKS, 1, b),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
	ck_assert_uint_eq(host_io(2, nvme_cmd_flush, 0, 1, NULL), 0);
	fcnvme_host_buf_free(ctrl, b);
	tgt_ctrl_foreach(T, first_ctrl_cb, &f);
	ck_assert_int_eq(f.n, 1);
	ck_assert_uint_eq(f.st.cmds, 4);
	ck_assert_uint_eq(f.st.errors, 1);
	ck_assert_uint_eq(f.st.aborts, 0);
	ck_assert_uint_eq(f.st.write_bytes, 65536);
	ck_assert_uint_eq(f.st.read_bytes, 8192);
	ck_assert_uint_eq(f.st.lat.n[0], 4); /* the fake clock stood still */
	ck_assert_int_eq(tgt_port_stats(T, 1, &port), 0);
	ck_assert_uint_eq(port.cmds, 4);

	ls = lp.t2h_ls;
	acc = lp.t2h_ls_acc;
	ck_assert_int_eq(tgt_ctrl_delete(T, f.id ^ 1, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(tgt_ctrl_delete(T, f.id, err, sizeof(err)), 0);
	pump(50);
	ck_assert_uint_eq(lp.t2h_ls, ls + 1); /* the Disconnect LS */
	ck_assert_uint_eq(lp.t2h_ls_acc, acc + 1);
	fake_now += 2 * NS_PER_S;
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 2000), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ctrl_foreach(T, first_ctrl_cb, &f), 0);
	ck_assert_int_eq(f.n, 1);
	ck_assert_uint_eq(f.st.cmds, 0); /* a new association */
	ck_assert_int_eq(tgt_port_stats(T, 1, &port), 0);
	ck_assert_uint_eq(port.cmds, 4); /* kept by the port */
	ck_assert_uint_eq(port.errors, 1);
	delete_ctrl();
}
END_TEST

/* An AER through both transports: a namespace added on the target reaches
 * the host as an event; an AER still held at deletion is completed by the
 * core's sq_stop so the association can drain (teardown checks it did). */
START_TEST(test_aen_end_to_end)
{
	struct fcnvme_host_ctrl_opts o;
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct nvme_command c;
	struct io_res r1 = { 0 }, r2 = { 0 };
	char err[128];

	opts(&o, LOOP_HOSTNQN);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_async_event;
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 0, &c, NULL, 0, 0, io_cb, &r1), 0);
	pump(20);
	ck_assert_int_eq(r1.done, 0);
	ck_assert_int_eq(tgt_ns_add(T, LOOP_SUBNQN, &np, err, sizeof(err)), 0);
	pump(20);
	ck_assert_int_eq(r1.done, 1);
	ck_assert_uint_eq(r1.status, 0);
	ck_assert_uint_eq(r1.dw0, 0x040002);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 0, &c, NULL, 0, 0, io_cb, &r2), 0);
	pump(20);
	ck_assert_int_eq(r2.done, 0);
	delete_ctrl();
	ck_assert_int_eq(r2.done, 1);
	ck_assert_uint_ne(r2.status, 0);
}
END_TEST

/* A discovery controller end to end: the log lists the current discovery
 * subsystem and the subsystem this host may reach through this port. */
START_TEST(test_discovery_end_to_end)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_buf *b;
	struct nvme_command c;
	struct io_res r = { 0 };
	const uint8_t *p;
	uint64_t numrec;
	const uint32_t len = 3072, numd = len / 4 - 1;

	opts(&o, LOOP_HOSTNQN);
	o.subnqn = LOOP_DISC_NQN;
	o.nr_io_queues = 0;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, len, &b), 0);
	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_get_log_page;
	c.common.cdw10 = htole32(NVME_LOG_DISC | ((numd & 0xffff) << 16));
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 0, &c, b, 0, len, io_cb, &r), 0);
	while (!r.done)
		pump(1);
	ck_assert_uint_eq(r.status, 0);
	p = b->addr;
	memcpy(&numrec, p + 8, 8);
	ck_assert_uint_eq(le64toh(numrec), 2);
	ck_assert_uint_eq(p[1024 + 2], NVME_NQN_CURR);
	ck_assert_uint_eq(p[2048 + 0], NVMF_TRTYPE_FC);
	ck_assert_uint_eq(p[2048 + 1], NVMF_ADDR_FAMILY_FC);
	ck_assert_uint_eq(p[2048 + 2], NVME_NQN_NVME);
	ck_assert_str_eq((const char *)p + 2048 + 256, LOOP_SUBNQN);
	ck_assert_mem_eq(p + 2048 + 512, "nn-0x10001100ab000001:pn-0x20001100ab000001\0", 44);
	ck_assert_uint_eq(p[2048 + 3], NVMF_TREQ_DISABLE_SQFLOW);
	fcnvme_host_buf_free(ctrl, b);
	delete_ctrl();
}
END_TEST

/* ---- the port limits, end to end ------------------------------------- */

static uint64_t prng_state;

/* xorshift64: the test data; the seed is printed so a failure repeats. */
static void prng_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		prng_state ^= prng_state << 13;
		prng_state ^= prng_state >> 7;
		prng_state ^= prng_state << 17;
		p[i] = (uint8_t)prng_state;
	}
}

static void prng_seed(const char *test)
{
	const char *e = getenv("CORE_LOOP_SEED");

	prng_state = e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL) * 2654435761u + 1;
	if (!prng_state)
		prng_state = 1;
	printf("%s: seed %llu (set CORE_LOOP_SEED to repeat)\n", test,
	       (unsigned long long)prng_state);
}

/* Bind the core with other port limits, as nvmetfcd does when a port's
 * limits change (it recreates the port). */
static void port_limits(uint32_t mdts, uint16_t qsize, uint16_t nq)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = mdts,
		.max_queue_size = qsize,
		.max_io_queues = nq,
		.max_deferred = 16,
	};

	ck_assert_int_eq(nvmet_fc_bind_core(lp.tport, NULL, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvmet_fc_bind_core(lp.tport, tgt_core_ops(), T, &env, NULL, &cfg), 0);
}

/* Write len random bytes at slba through queue wq, read them back through
 * queue rq, compare. */
static void verified_io(uint16_t wq, uint16_t rq, uint64_t slba, uint32_t len)
{
	struct fcnvme_host_buf *w, *r;

	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, len, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, len, &r), 0);
	prng_fill(w->addr, len);
	memset(r->addr, 0, len);
	ck_assert_uint_eq(host_io(wq, nvme_cmd_write, slba, (uint16_t)(len / 512), w), 0);
	ck_assert_uint_eq(host_io(rq, nvme_cmd_read, slba, (uint16_t)(len / 512), r), 0);
	ck_assert_mem_eq(r->addr, w->addr, len);
	fcnvme_host_buf_free(ctrl, w);
	fcnvme_host_buf_free(ctrl, r);
}

/* A host that does not follow what the controller advertises: these
 * rewrite the answers on their way to our (otherwise strict) host. */
static struct {
	bool mdts_unlimited; /* Identify MDTS 0 */
	bool queue_size;     /* MAXCMD 1024, CAP.MQES 1023 */
	bool queues;	     /* Number of Queues: 4 granted */
} lie;

static void lie_hook(struct loop_pair *p, struct nvmefc_fcp_req *h)
{
	const struct nvme_command *c = loop_hreq_sqe(h);
	struct nvme_completion *cqe;
	uint16_t maxcmd = htole16(1024);
	uint8_t zero = 0;

	(void)p;
	if (le16toh(h->sqid))
		return;
	if (c->common.opcode == nvme_admin_identify && (le32toh(c->common.cdw10) & 0xff) == 1) {
		if (lie.mdts_unlimited)
			loop_hreq_write(h, 77, &zero, 1);
		if (lie.queue_size)
			loop_hreq_write(h, 514, &maxcmd, 2);
	} else if (c->common.opcode == nvme_fabrics_command &&
		   c->fabrics.fctype == nvme_fabrics_type_property_get &&
		   le32toh(c->prop_get.offset) == NVME_REG_CAP && lie.queue_size) {
		cqe = loop_hreq_cqe(h);
		cqe->result.u64 = htole64((le64toh(cqe->result.u64) & ~0xffffull) | 1023);
	} else if (c->common.opcode == nvme_admin_set_features &&
		   (le32toh(c->common.cdw10) & 0xff) == NVME_FEAT_NUM_QUEUES && lie.queues) {
		cqe = loop_hreq_cqe(h);
		cqe->result.dw0 = htole32(3 | (3u << 16));
	}
}

/* Connect a lying-informed host; it must be refused with why. */
static void expect_refused(unsigned int nr_io_queues, uint16_t queue_size, const char *why)
{
	struct fcnvme_host_ctrl_opts o;
	unsigned int i;

	lp.rsp_hook = lie_hook;
	opts(&o, LOOP_HOSTNQN);
	o.nr_io_queues = (uint16_t)nr_io_queues;
	o.queue_size = queue_size;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	for (i = 0; i < 500 && fcnvme_host_ctrl_state(ctrl) != FCNVME_HOST_CTRL_RECONNECT_WAIT; i++)
		pump(1);
	ck_assert_int_eq(fcnvme_host_ctrl_state(ctrl), FCNVME_HOST_CTRL_RECONNECT_WAIT);
	ck_assert_msg(strstr(fcnvme_host_ctrl_reason(ctrl), why) != NULL, "reason \"%s\"",
		      fcnvme_host_ctrl_reason(ctrl));
	delete_ctrl();
	lp.rsp_hook = NULL;
	memset(&lie, 0, sizeof(lie));
}

static int ctrl_queues_cb(const struct tgt_ctrl_info *i, void *arg)
{
	*(unsigned int *)arg = i->nr_io_queues;
	return 0;
}

/* max_io_queues 2: a host asking for 4 is granted 2 and does verified I/O
 * on both; one that uses 4 anyway is refused at Create Connection 3. */
START_TEST(test_limit_io_queues)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	unsigned int n = 0;

	prng_seed("test_limit_io_queues");
	port_limits(1 << 20, 1024, 2);
	opts(&o, LOOP_HOSTNQN);
	o.nr_io_queues = 4; /* the loop host port has 4 hardware queues */
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.nr_io_queues, 2);
	tgt_ctrl_foreach(T, ctrl_queues_cb, &n);
	ck_assert_uint_eq(n, 2);
	verified_io(1, 2, 16, 65536);
	verified_io(2, 1, 400, 4096);
	delete_ctrl();
	lie.queues = true;
	expect_refused(4, 32, "Create Connection LS rejected: logical error");
}
END_TEST

/* max_queue_size 16: CAP.MQES 15 and MAXCMD 16; a host wanting 32 entries
 * uses 16 (the 32-entry admin queue is accepted) and fills a queue with
 * verified I/O; one that asks for 32 is refused with INV_SQSIZE. */
START_TEST(test_limit_queue_size)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *w, *r;
	struct io_res res[15];
	struct nvme_command c;
	unsigned int i, j;

	prng_seed("test_limit_queue_size");
	port_limits(1 << 20, 16, 8);
	opts(&o, LOOP_HOSTNQN);
	o.queue_size = 32;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.cap & 0xffff, 15);
	ck_assert_uint_eq(info.id_ctrl[514] | (info.id_ctrl[515] << 8), 16);
	ck_assert_uint_eq(info.queue_size, 16);
	ck_assert_uint_eq(lp.ls_log[0][0], FCNVME_LS_CREATE_ASSOCIATION);
	ck_assert_uint_eq(lp.ls_log[0][58] << 8 | lp.ls_log[0][59], 31); /* admin */
	ck_assert_uint_eq(lp.ls_log[1][74] << 8 | lp.ls_log[1][75], 15); /* qid 1 */
	/* 15 writes outstanding on one queue, then read back */
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 15 * 4096, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 15 * 4096, &r), 0);
	prng_fill(w->addr, 15 * 4096);
	memset(res, 0, sizeof(res));
	for (i = 0; i < 15; i++) {
		memset(&c, 0, sizeof(c));
		c.rw.opcode = nvme_cmd_write;
		c.rw.nsid = htole32(1);
		c.rw.slba = htole64(i * 8);
		c.rw.length = htole16(7);
		ck_assert_int_eq(
			fcnvme_host_submit(ctrl, 1, &c, w, i * 4096u, 4096, io_cb, &res[i]), 0);
	}
	ck_assert_uint_eq(fcnvme_host_queue_depth(ctrl, 1), 15);
	for (j = 0; j < 1000; j++)
		pump(1);
	for (i = 0; i < 15; i++) {
		ck_assert_int_eq(res[i].done, 1);
		ck_assert_uint_eq(res[i].status, 0);
	}
	ck_assert_uint_eq(host_io(2, nvme_cmd_read, 0, 15 * 8, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 15 * 4096);
	fcnvme_host_buf_free(ctrl, w);
	fcnvme_host_buf_free(ctrl, r);
	delete_ctrl();
	lie.queue_size = true;
	expect_refused(2, 32,
		       "Create Connection LS rejected: invalid parameters (invalid submission "
		       "queue size)");
}
END_TEST

/* mdts 16 KiB: Identify MDTS 2; the host moves 16 KiB commands verified
 * and will not build a larger one; one that ignores MDTS gets
 * INVALID_FIELD | DNR for 32 KiB. */
START_TEST(test_limit_mdts)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *b;
	struct nvme_command c;
	struct io_res r = { 0 };

	prng_seed("test_limit_mdts");
	port_limits(16 * 1024, 1024, 8);
	opts(&o, LOOP_HOSTNQN);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.id_ctrl[77], 2);
	ck_assert_uint_eq(info.max_xfer, 16384);
	verified_io(1, 2, 32, 16384);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 32768, &b), 0);
	memset(&c, 0, sizeof(c));
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = htole32(1);
	c.rw.length = htole16(63);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, b, 0, 32768, io_cb, &r), -E2BIG);
	fcnvme_host_buf_free(ctrl, b);
	delete_ctrl();
	/* a host that takes MDTS 0 (no limit) */
	lp.rsp_hook = lie_hook;
	lie.mdts_unlimited = true;
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.max_xfer, 1 << 20);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 32768, &b), 0);
	ck_assert_uint_eq(host_io(1, nvme_cmd_read, 0, 64, b), NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	ck_assert_uint_eq(host_io(2, nvme_cmd_write, 0, 64, b),
			  NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	ck_assert_uint_eq(host_io(1, nvme_cmd_read, 0, 32, b), 0);
	fcnvme_host_buf_free(ctrl, b);
	lp.rsp_hook = NULL;
	memset(&lie, 0, sizeof(lie));
}
END_TEST

/* ---- zero-copy Reads of the ram backend (issue 20) --------------------- */

static bool in_range(const void *p, const uint8_t *base, size_t len)
{
	return (const uint8_t *)p >= base && (const uint8_t *)p < base + len;
}

/* With NVMET_FCTGTFEAT_DATA_VADDR on the loop's target port, a Read of the
 * ram namespace is sent from the image: the sg the LLDD gets points into it
 * (a Write Zeroes, which moves no data, changes the bytes there), the host
 * gets exactly what was written, and every context's next command (a
 * Write, a Read of the null namespace 2 that must see zeroes, an admin
 * Identify) uses the transport's own buffers again: 70 rounds of three
 * commands through a 32-entry queue give every context each transition.
 * Without the flag the Read is copied. Every request gives its namespace
 * back (inflight 0) and the namespace can be deleted. */
START_TEST(test_zero_copy_read)
{
	struct tgt_ns_params np2 = { .nsid = 2, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_buf *w, *r, *id;
	const size_t img_len = LOOP_NS_BLOCKS * 512ull;
	const uint8_t *img;
	struct nvme_command c;
	struct io_res ir;
	char err[128];
	struct sq *sq;
	unsigned int i, j;

	prng_seed("test_zero_copy_read");
	ck_assert_int_eq(tgt_ns_add(T, LOOP_SUBNQN, &np2, err, sizeof(err)), 0);
	lp.ttmpl.target_features |= NVMET_FCTGTFEAT_DATA_VADDR;
	opts(&o, LOOP_HOSTNQN);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &r), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 4096, &id), 0);

	prng_fill(w->addr, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_write, 8, 128, w), 0);
	memset(r->addr, 0, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_read, 8, 128, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	img = (const uint8_t *)lp.last_read_sg0 - 8 * 512;
	ck_assert_mem_eq(img + 4096, w->addr, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_write_zeroes, 8, 128, NULL), 0);
	for (i = 0; i < 65536; i++)
		ck_assert_uint_eq(img[4096 + i], 0);

	for (i = 0; i < 70; i++) {
		uint64_t slba = (i % 64) * 8;

		prng_fill(w->addr, 4096);
		ck_assert_uint_eq(host_io(1, nvme_cmd_write, slba, 8, w), 0);
		memset(r->addr, 0xee, 4096);
		ck_assert_uint_eq(host_io(1, nvme_cmd_read, slba, 8, r), 0);
		ck_assert_mem_eq(r->addr, w->addr, 4096);
		ck_assert_ptr_eq(lp.last_read_sg0, img + slba * 512);
		memset(r->addr, 0xee, 4096);
		ck_assert_uint_eq(host_io_ns(1, 2, nvme_cmd_read, slba, 8, r), 0);
		for (j = 0; j < 4096; j++)
			ck_assert_uint_eq(((uint8_t *)r->addr)[j], 0);
		ck_assert(!in_range(lp.last_read_sg0, img, img_len));
		if (i % 8)
			continue;
		memset(&c, 0, sizeof(c));
		c.common.opcode = nvme_admin_identify;
		c.common.cdw10 = htole32(NVME_ID_CNS_CTRL);
		memset(id->addr, 0xee, 4096);
		memset(&ir, 0, sizeof(ir));
		ck_assert_int_eq(fcnvme_host_submit(ctrl, 0, &c, id, 0, 4096, io_cb, &ir), 0);
		for (j = 0; j < 1000 && !ir.done; j++)
			pump(1);
		ck_assert_int_eq(ir.done, 1);
		ck_assert_uint_eq(ir.status, 0);
		ck_assert_mem_eq((uint8_t *)id->addr + 4, "CORE0001            ", 20);
	}

	/* The LLDD without the flag: copied through the transport's buffer. */
	lp.ttmpl.target_features &= ~NVMET_FCTGTFEAT_DATA_VADDR;
	prng_fill(w->addr, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_write, 16, 128, w), 0);
	memset(r->addr, 0, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_read, 16, 128, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	ck_assert(!in_range(lp.last_read_sg0, img, img_len));

	for (sq = T->sq_list; sq; sq = sq->assoc_next)
		if (sq->ns) /* I/O queues */
			ck_assert_uint_eq(sq->ns[1].inflight, 0);
	ck_assert_int_eq(tgt_ns_del(T, LOOP_SUBNQN, 1, err, sizeof(err)), 0);
	pump(20);
	ck_assert_uint_ne(host_io(1, nvme_cmd_read, 8, 8, r), 0);
	fcnvme_host_buf_free(ctrl, w);
	fcnvme_host_buf_free(ctrl, r);
	fcnvme_host_buf_free(ctrl, id);
	delete_ctrl();
}
END_TEST

/* Deleting the ram namespace while a zero-copy Read's data is still to be
 * sent (the loop moves READDATA later, from its FIFO): the Read has
 * completed in the core, yet the namespace (and its image) stays until the
 * transport's req_data_done; then the host gets the bytes and the namespace
 * goes. (Freed at completion, the image would be unmapped under the
 * transfer.) */
START_TEST(test_zero_copy_read_ns_delete)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_buf *w, *r;
	struct nvme_command c;
	struct io_res res = { 0 };
	char err[128];
	unsigned int i;

	prng_seed("test_zero_copy_read_ns_delete");
	lp.ttmpl.target_features |= NVMET_FCTGTFEAT_DATA_VADDR;
	opts(&o, LOOP_HOSTNQN);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	ck_assert_int_eq(run_until(FCNVME_HOST_CTRL_LIVE, 500), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(ctrl, 65536, &r), 0);
	prng_fill(w->addr, 65536);
	ck_assert_uint_eq(host_io(1, nvme_cmd_write, 0, 128, w), 0);

	lp.defer_readdata = true;
	memset(r->addr, 0, 65536);
	memset(&c, 0, sizeof(c));
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = htole32(1);
	c.rw.length = htole16(127);
	ck_assert_int_eq(fcnvme_host_submit(ctrl, 1, &c, r, 0, 65536, io_cb, &res), 0);
	ck_assert_ptr_nonnull(lp.head); /* the READDATA waits in the FIFO */
	ck_assert_int_eq(tgt_ns_del(T, LOOP_SUBNQN, 1, err, sizeof(err)), 0);
	for (i = 0; i < 10; i++)
		fifo_run();
	ck_assert_uint_eq(T->ns_draining, 1);
	ck_assert_int_eq(res.done, 0);
	for (i = 0; i < 1000 && !res.done; i++)
		pump(1);
	ck_assert_int_eq(res.done, 1);
	ck_assert_uint_eq(res.status, 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	pump(20);
	ck_assert_uint_eq(T->ns_draining, 0);
	lp.defer_readdata = false;
	fcnvme_host_buf_free(ctrl, w);
	fcnvme_host_buf_free(ctrl, r);
	delete_ctrl();
}
END_TEST

static Suite *core_loop_suite(void)
{
	Suite *s = suite_create("core_loop");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_live_and_io);
	tcase_add_test(tc, test_acl_refused);
	tcase_add_test(tc, test_keep_alive_expiry_reconnect);
	tcase_add_test(tc, test_aen_end_to_end);
	tcase_add_test(tc, test_stats_and_assoc_delete);
	tcase_add_test(tc, test_discovery_end_to_end);
	tcase_add_test(tc, test_limit_io_queues);
	tcase_add_test(tc, test_limit_queue_size);
	tcase_add_test(tc, test_limit_mdts);
	tcase_add_test(tc, test_zero_copy_read);
	tcase_add_test(tc, test_zero_copy_read_ns_delete);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(core_loop_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
