// SPDX-License-Identifier: Apache-2.0
/*
 * The host transport against the real target transport over the software
 * fabric, in one process: a soft-HBA target port (hw_tgt) with the fake
 * core of the unit tests and a soft-HBA host port (hw_host) on a private
 * fabric, both driven from the test's loop. Checks association bring-up,
 * a data round trip larger than one FCP sequence, that the controller
 * reconnects when the target port goes away and comes back, and that the
 * target's firmware completes its own WQEs in process memory (hw_dev.lcq),
 * not through the CQ the host's firmware posts CMD IUs to.
 */
#define _GNU_SOURCE /* nftw */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/nvme_fc_host.h>

#include "hw_fabric.h"
#include "hw_host.h"
#include "hw_tgt.h"
#include "hw_tgt_priv.h"
#include "../unit/loop_lldd.h"

#define SF_TWWNN 0x20000090fa0000d1ull
#define SF_TWWPN 0x10000090fa0000d1ull
#define SF_HWWNN 0x20000090fb0000d1ull
#define SF_HWWPN 0x10000090fb0000d1ull

struct sf_work {
	struct sf_work *next;
	void (*fn)(void *);
	void *arg;
};

static struct sf_work *sf_head, *sf_tail;
static struct hw_tgt_port *sf_tgt;
static struct loop_core *sf_core;
static struct hw_host_port *sf_host;
static struct fcnvme_host_ctrl *sf_ctrl;
static char sf_dir[64];

static int sf_queue(void (*fn)(void *), void *arg)
{
	struct sf_work *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->arg = arg;
	if (sf_tail)
		sf_tail->next = w;
	else
		sf_head = w;
	sf_tail = w;
	return 0;
}

static int sf_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)env;
	(void)hwqid;
	return sf_queue(fn, arg);
}

static int sf_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	return sf_queue(fn, arg);
}

static const struct nvmet_fc_env_ops sf_env = {
	.run_on_hwq = sf_run_on_hwq,
	.run_on_ctl = sf_run_on_ctl,
};

static void sf_drain(void)
{
	while (sf_head) {
		struct sf_work *w = sf_head;

		sf_head = w->next;
		if (!sf_head)
			sf_tail = NULL;
		w->fn(w->arg);
		free(w);
	}
}

static void sf_pump(void)
{
	if (sf_tgt) {
		hw_tgt_port_process(sf_tgt);
		hw_tgt_poll(sf_tgt, 0, 256);
		hw_tgt_poll(sf_tgt, 1, 256);
	}
	sf_drain();
	if (sf_host)
		hw_host_port_process(sf_host);
	if (sf_ctrl)
		fcnvme_host_ctrl_poll(sf_ctrl);
}

static int sf_wait_state(enum fcnvme_host_ctrl_state st, unsigned int ms)
{
	uint64_t end = fcnvme_clock_ms() + ms;

	while (fcnvme_clock_ms() < end) {
		if (fcnvme_host_ctrl_state(sf_ctrl) == st)
			return 0;
		sf_pump();
	}
	return -1;
}

static void sf_target_up(void)
{
	struct hw_tgt_port_cfg cfg = {
		.dev = "soft:sf",
		.wwnn = SF_TWWNN,
		.wwpn = SF_TWWPN,
		.nr_hwq = 2,
	};
	struct nvmet_fc_core_cfg ccfg = {
		.max_data_len = 256 * 1024,
		.max_queue_size = 128,
		.max_io_queues = 4,
		.max_deferred = 32,
	};

	ck_assert_int_eq(hw_tgt_port_open(&cfg, NULL, NULL, &sf_tgt), 0);
	sf_core = loop_core_new(LOOP_SUBNQN);
	ck_assert_ptr_nonnull(sf_core);
	loop_core_stats(sf_core)->mdts = 6; /* 256 KiB */
	ck_assert_int_eq(nvmet_fc_bind_core(hw_tgt_port_targetport(sf_tgt), loop_core_ops(),
					    sf_core, &sf_env, NULL, &ccfg),
			 0);
}

/* Take the target port down the way nvmetfcd does: unregister the
 * transport's port, keep pumping (the teardown runs through our env queue
 * and the port's slow path) until targetport_delete, then close the hw
 * port and free the core. */
static void sf_target_down(void)
{
	uint64_t end = fcnvme_clock_ms() + 5000;

	sf_drain();
	nvmet_fc_unregister_targetport(hw_tgt_port_targetport(sf_tgt));
	while (!hw_tgt_port_deleted(sf_tgt) && fcnvme_clock_ms() < end)
		sf_pump();
	ck_assert_msg(hw_tgt_port_deleted(sf_tgt), "target port not deleted within 5 s");
	hw_tgt_port_close(sf_tgt);
	sf_tgt = NULL;
	sf_drain();
	loop_core_free(sf_core);
	sf_core = NULL;
}

static void sf_setup(void)
{
	struct hw_host_port_cfg hc = {
		.dev = "soft:sf",
		.wwnn = SF_HWWNN,
		.wwpn = SF_HWWPN,
		.nr_hwq = 2,
	};
	struct nvme_fc_remote_port *rps[4];
	struct fcnvme_host_ctrl_opts o;
	char fdir[96];
	uint64_t end;

	snprintf(sf_dir, sizeof(sf_dir), "/tmp/sf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sf_dir));
	setenv("FCNVME_SHM_DIR", sf_dir, 1);
	snprintf(fdir, sizeof(fdir), "%s/sf", sf_dir);
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	/* the host first: its open blocks for logins nobody here answers */
	ck_assert_int_eq(hw_host_port_open(&hc, &sf_host), 0);
	sf_target_up();
	end = fcnvme_clock_ms() + 10000;
	while (fcnvme_host_rports(hw_host_port_localport(sf_host), rps, 4) < 1 &&
	       fcnvme_clock_ms() < end)
		sf_pump();
	ck_assert_int_eq(fcnvme_host_rports(hw_host_port_localport(sf_host), rps, 4), 1);
	memset(&o, 0, sizeof(o));
	o.subnqn = LOOP_SUBNQN;
	o.hostnqn = LOOP_HOSTNQN;
	o.nr_io_queues = 2;
	o.queue_size = 32;
	o.kato_ms = 5000;
	o.reconnect_delay_s = 1;
	o.ctrl_loss_tmo_s = 30;
	ck_assert_int_eq(
		fcnvme_host_ctrl_create(hw_host_port_localport(sf_host), rps[0], &o, &sf_ctrl), 0);
}

static int sf_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void sf_teardown(void)
{
	uint64_t end = fcnvme_clock_ms() + 5000;

	while (sf_ctrl && fcnvme_host_ctrl_delete(sf_ctrl) == 1 && fcnvme_clock_ms() < end)
		sf_pump();
	sf_ctrl = NULL;
	hw_host_port_close(sf_host);
	sf_host = NULL;
	if (sf_tgt)
		sf_target_down();
	nftw(sf_dir, sf_rm, 8, FTW_DEPTH | FTW_PHYS);
}

struct sf_res {
	int done;
	uint16_t status;
};

static void sf_cb(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct sf_res *r = arg;

	(void)cqe;
	r->done++;
	r->status = status;
}

static uint16_t sf_rw(uint8_t opc, uint64_t slba, struct fcnvme_host_buf *b, uint32_t len)
{
	struct nvme_command c;
	struct sf_res r = { 0, 0 };
	uint64_t end = fcnvme_clock_ms() + 5000;

	memset(&c, 0, sizeof(c));
	c.rw.opcode = opc;
	c.rw.nsid = htole32(1);
	c.rw.slba = htole64(slba);
	c.rw.length = htole16((uint16_t)(len / 512 - 1));
	ck_assert_int_eq(fcnvme_host_submit(sf_ctrl, 1, &c, b, 0, len, sf_cb, &r), 0);
	while (!r.done && fcnvme_clock_ms() < end)
		sf_pump();
	ck_assert_int_eq(r.done, 1);
	return r.status;
}

START_TEST(test_softfab_io_and_restart)
{
	struct fcnvme_host_buf *wb, *rb;
	struct fcnvme_host_ctrl_info info;
	uint32_t i, len = 256 * 1024;

	ck_assert_int_eq(sf_wait_state(FCNVME_HOST_CTRL_LIVE, 5000), 0);
	fcnvme_host_ctrl_get_info(sf_ctrl, &info);
	ck_assert_uint_eq(info.nr_io_queues, 2);
	ck_assert_uint_eq(info.max_xfer, 256 * 1024);
	ck_assert_int_eq(fcnvme_host_buf_alloc(sf_ctrl, len, &wb), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(sf_ctrl, len, &rb), 0);
	for (i = 0; i < len; i++)
		((uint8_t *)wb->addr)[i] = (uint8_t)(i * 13 + 1);
	ck_assert_uint_eq(sf_rw(nvme_cmd_write, 512, wb, len), 0);
	ck_assert_uint_eq(sf_rw(nvme_cmd_read, 512, rb, len), 0);
	ck_assert_mem_eq(rb->addr, wb->addr, len);

	/* the target port goes away and comes back: the host reconnects */
	sf_target_down();
	ck_assert_int_eq(sf_wait_state(FCNVME_HOST_CTRL_RECONNECT_WAIT, 5000), 0);
	sf_target_up();
	ck_assert_int_eq(sf_wait_state(FCNVME_HOST_CTRL_LIVE, 15000), 0);
	fcnvme_host_ctrl_get_info(sf_ctrl, &info);
	ck_assert_uint_eq(info.nr_connects, 2);
	memset(rb->addr, 0, len);
	ck_assert_uint_eq(sf_rw(nvme_cmd_write, 0, wb, 4096), 0);
	ck_assert_uint_eq(sf_rw(nvme_cmd_read, 0, rb, 4096), 0);
	ck_assert_mem_eq(rb->addr, wb->addr, 4096);
	fcnvme_host_buf_free(sf_ctrl, wb);
	fcnvme_host_buf_free(sf_ctrl, rb);
}
END_TEST

/* CQEs ever posted to the target port's shared CQs. */
static uint64_t sf_tgt_cq_posts(void)
{
	uint64_t n = 0;
	unsigned int q;

	for (q = 0; q < 2; q++)
		n += atomic_load(&sf_tgt->dev.bar->cq[q].tail);
	return n;
}

START_TEST(test_softfab_local_completions)
{
	struct fcnvme_host_buf *wb, *rb;
	uint32_t i, len = 4096;
	uint64_t n0;

	ck_assert_int_eq(sf_wait_state(FCNVME_HOST_CTRL_LIVE, 5000), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(sf_ctrl, len, &wb), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(sf_ctrl, len, &rb), 0);
	for (i = 0; i < len; i++)
		((uint8_t *)wb->addr)[i] = (uint8_t)(i * 7 + 3);
	/* A write is WRITEDATA then RSP, a read READDATA then RSP: two WQEs
	 * each, whose WQE_DONE stay in the hw queue's local completions;
	 * the CQ carries the CMD IU alone. */
	n0 = sf_tgt_cq_posts();
	ck_assert_uint_eq(sf_rw(nvme_cmd_write, 8, wb, len), 0);
	ck_assert_uint_eq(sf_tgt_cq_posts() - n0, 1);
	n0 = sf_tgt_cq_posts();
	ck_assert_uint_eq(sf_rw(nvme_cmd_read, 8, rb, len), 0);
	ck_assert_uint_eq(sf_tgt_cq_posts() - n0, 1);
	ck_assert_mem_eq(rb->addr, wb->addr, len);
	for (i = 0; i < 2; i++)
		ck_assert_uint_eq(sf_tgt->hwq[i].lcq.head, sf_tgt->hwq[i].lcq.tail);
	ck_assert_uint_ge(sf_tgt->hwq[0].lcq.tail + sf_tgt->hwq[1].lcq.tail, 4);
	fcnvme_host_buf_free(sf_ctrl, wb);
	fcnvme_host_buf_free(sf_ctrl, rb);
}
END_TEST

static Suite *nvme_fc_softfab_suite(void)
{
	Suite *s = suite_create("nvme_fc_softfab");
	TCase *tc = tcase_create("softfab");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_softfab_io_and_restart);
	tcase_add_test(tc, test_softfab_local_completions);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int main(void)
{
	SRunner *sr = srunner_create(nvme_fc_softfab_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
