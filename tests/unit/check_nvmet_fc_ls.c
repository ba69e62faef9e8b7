// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the target transport's registration and Link Services
 * (nvmet_fc_port.c, nvmet_fc_ls.c, nvmet_fc_assoc.c, nvmet_fc_queue.c):
 * template validation, every row of the LS validation table with the exact
 * RJT bytes, every ACC byte, the hardening rows (qid 0, duplicate qid,
 * sqsize limits with the admin queue's exemption, wrong host port), the
 * port limits handed to the core, ACC only after the queue is published,
 * the receive-side errors, and association ids (unique, random, << 16).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "suites_libfcnvme.h"

static void expect_bytes(const void *got, const void *exp, size_t n)
{
	const uint8_t *g = got, *e = exp;
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(g[i] == e[i], "byte %zu: got 0x%02x, want 0x%02x", i, g[i], e[i]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* The last LS response must be exactly this 40-byte LS_RJT. */
static void expect_rjt_bytes(uint8_t ls_cmd, uint8_t reason, uint8_t explan)
{
	const struct fake_rec *r = fake_last(FC_XMT_LS_RSP);
	uint8_t want[40] = {
		0x01, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0,	   0,	   8, ls_cmd, 0, 0, 0,
		0,    0, 0, 0, 0, 0, 0, 2,  0, 0, 0, 8, 0, reason, explan, 0, 0,      0, 0, 0,
	};

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->ls_len, 40);
	expect_bytes(r->ls, want, sizeof(want));
}

/* That, and the application was told of it (nvmet_fc_set_ls_rjt_cb: the
 * same codes, the failed check in words, the host port's handle and WWPN
 * as the LLDD gives them). */
static void expect_rjt(uint8_t ls_cmd, uint8_t reason, uint8_t explan, const char *detail)
{
	expect_rjt_bytes(ls_cmd, reason, explan);
	ck_assert_uint_ge(fcore->nls_rejected, 1);
	ck_assert_uint_eq(fcore->ls_rjt.ls_cmd, ls_cmd);
	ck_assert_uint_eq(fcore->ls_rjt.reason, reason);
	ck_assert_uint_eq(fcore->ls_rjt.explanation, explan);
	ck_assert_pstr_eq(fcore->ls_rjt.detail, detail);
	ck_assert_ptr_eq(fcore->ls_rjt.tgtport, fake->tp);
	ck_assert_ptr_eq(fcore->ls_rjt.hosthandle, fake->ls_hosthandle);
	ck_assert_uint_eq(fcore->ls_rjt.host_wwpn,
			  0x2000000000000000ull | (uintptr_t)fake->ls_hosthandle);
	fcore->nls_rejected = 0;
}

static void setup(void)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 64 * 1024,
		.max_queue_size = 64,
		.max_io_queues = 8,
	};

	fake_env_new(4, 256, 0, true, true, &cfg);
}

static void teardown(void)
{
	fake_env_free();
}

/* ---- registration ------------------------------------------------------ */

static int nop_xmt(struct nvmet_fc_target_port *tp, struct nvmefc_ls_rsp *r)
{
	(void)tp;
	(void)r;
	return 0;
}

static int nop_op(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *r)
{
	(void)tp;
	(void)r;
	return 0;
}

static void nop_abort(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *r)
{
	(void)tp;
	(void)r;
}

static unsigned int deletes;

static void count_delete(struct nvmet_fc_target_port *tp)
{
	(void)tp;
	deletes++;
}

static int nop_ls_req(struct nvmet_fc_target_port *tp, void *hh, struct nvmefc_ls_req *r)
{
	(void)tp;
	(void)hh;
	(void)r;
	return 0;
}

static void full_template(struct nvmet_fc_target_template *t)
{
	memset(t, 0, sizeof(*t));
	t->targetport_delete = count_delete;
	t->xmt_ls_rsp = nop_xmt;
	t->fcp_op = nop_op;
	t->fcp_abort = nop_abort;
	t->fcp_req_release = nop_abort;
	t->max_hw_queues = 1;
	t->max_sgl_segments = 1;
	t->max_dif_sgl_segments = 1;
	t->dma_boundary = 0xffffffff;
}

/* Each mandatory member missing in turn gives -EINVAL. */
START_TEST(test_register_template)
{
	struct nvmet_fc_port_info pi = { .node_name = 1, .port_name = 2 };
	struct nvmet_fc_target_template t;
	struct nvmet_fc_target_port *tp = NULL;
	int i;

	for (i = 0; i < 10; i++) {
		full_template(&t);
		switch (i) {
		case 0:
			t.targetport_delete = NULL;
			break;
		case 1:
			t.xmt_ls_rsp = NULL;
			break;
		case 2:
			t.fcp_op = NULL;
			break;
		case 3:
			t.fcp_abort = NULL;
			break;
		case 4:
			t.fcp_req_release = NULL;
			break;
		case 5:
			t.max_hw_queues = 0;
			break;
		case 6:
			t.max_sgl_segments = 0;
			break;
		case 7:
			t.max_dif_sgl_segments = 0;
			break;
		case 8:
			t.dma_boundary = 0;
			break;
		case 9:
			t.ls_req = nop_ls_req;
			break; /* without ls_abort */
		}
		ck_assert_int_eq(nvmet_fc_register_targetport(&pi, &t, NULL, &tp), -EINVAL);
	}
	full_template(&t);
	ck_assert_int_eq(nvmet_fc_register_targetport(NULL, &t, NULL, &tp), -EINVAL);
	ck_assert_int_eq(nvmet_fc_register_targetport(&pi, &t, NULL, &tp), 0);
	ck_assert_uint_eq(tp->node_name, 1);
	ck_assert_uint_eq(tp->port_name, 2);
	ck_assert_int_eq(tp->port_state, FC_OBJSTATE_ONLINE);
	deletes = 0;
	ck_assert_int_eq(nvmet_fc_unregister_targetport(tp), 0);
	ck_assert_uint_eq(deletes, 1);
}
END_TEST

/* ---- Create Association ------------------------------------------------ */

/* The ACC, byte for byte; conn id == assoc id; queue 0 on hwq 0; the
 * core saw the LS values. */
START_TEST(test_cra_acc_bytes)
{
	uint8_t want[56] = {
		0x02, 0, 0, 0, 0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 8, 3, 0, 0,
		0,    0, 0, 0, 0, 0, 0, 0,  7, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0,
		0,    0, 0, 0, 0, 6, 0, 0,  0, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	const struct fake_rec *r;
	uint64_t id;

	id = fake_assoc(HH1, 8, 31);
	ck_assert_uint_ne(id, 0);
	ck_assert_uint_eq(id & 0xffff, 0);
	put_be64(want + 32, id);
	put_be64(want + 48, id);
	r = fake_last(FC_XMT_LS_RSP);
	ck_assert_uint_eq(r->ls_len, 56);
	expect_bytes(r->ls, want, sizeof(want));
	ck_assert_uint_eq(fcore->nsq_create, 1);
	ck_assert_uint_eq(fcore->sq_info[0].qid, 0);
	ck_assert_uint_eq(fcore->sq_info[0].sqsize, 31);
	ck_assert_uint_eq(fcore->sq_info[0].hwqid, 0);
	ck_assert_uint_eq(fcore->sq_info[0].association_id, id);
	ck_assert_uint_eq(fcore->sq_info[0].connection_id, id);
	ck_assert_ptr_eq(fcore->sq_info[0].hosthandle, HH1);
	ck_assert_uint_eq(fcore->sq_info[0].host_wwpn, 0x2000000000000000ull | 0x1001);
}
END_TEST

/* The ACC goes out only after the queue was published on its hwq. */
START_TEST(test_cra_acc_after_publish)
{
	uint8_t buf[1024];

	fake_build_cra(buf, 8, 31);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 0);
	ck_assert_uint_eq(fcore->nmsgs_hwq, 1);
	ck_assert_uint_eq(fcore->nmsgs_ctl, 0);
	fake_pump();
	ck_assert_uint_eq(fcore->nmsgs_ctl, 1);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 1);
	ck_assert_uint_eq(fake_last(FC_XMT_LS_RSP)->ls[0], FCNVME_LS_ACC);
}
END_TEST

struct ls_row {
	const char *name;
	int ls;	      /* 3 CRA, 4 CRC, 5 DIS */
	uint32_t len; /* 0: the full request */
	int off;      /* -1: no patch */
	int width;    /* 1, 2 or 4 bytes */
	uint32_t val;
	uint8_t reason;
	uint8_t explan;
	const char *detail;
};

#define L    FCNVME_RJT_RC_LOGIC
#define N    FCNVME_RJT_EXP_NONE
#define ERSP "ersp_ratio is 0 or not below sqsize"

static const struct ls_row ls_rows[] = {
	{ "cra short", 3, 591, -1, 0, 0, L, N, "request too short" },
	{ "cra dll", 3, 0, 4, 4, 583, L, N, "wrong descriptor list length" },
	{ "cra tag", 3, 0, 8, 4, 4, L, N, "no Create Association command descriptor" },
	{ "cra desc_len", 3, 0, 12, 4, 575, L, N, "command descriptor too short" },
	{ "cra ersp 0", 3, 0, 16, 2, 0, L, N, ERSP },
	{ "cra ersp=sqsize", 3, 0, 16, 2, 31, L, N, ERSP },
	{ "cra sqsize 0", 3, 0, 58, 2, 0, L, N, ERSP },
	{ "cra sqsize big", 3, 0, 58, 2, 64, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_SQSIZE,
	  "admin queue larger than the port's max_queue_size or 32" },
	{ "crc short", 4, 79, -1, 0, 0, L, N, "request too short" },
	{ "crc dll", 4, 0, 4, 4, 73, L, N, "wrong descriptor list length" },
	{ "crc assoc tag", 4, 0, 8, 4, 6, L, N, "no association ID descriptor" },
	{ "crc assoc len", 4, 0, 12, 4, 9, L, N, "no association ID descriptor" },
	{ "crc cmd tag", 4, 0, 24, 4, 3, L, N, "no Create Connection command descriptor" },
	{ "crc cmd len", 4, 0, 28, 4, 47, L, N, "no Create Connection command descriptor" },
	{ "crc ersp 0", 4, 0, 32, 2, 0, L, N, ERSP },
	{ "crc ersp=sqsize", 4, 0, 32, 2, 15, L, N, ERSP },
	{ "crc no assoc", 4, 0, 16, 4, 0x12345678, FCNVME_RJT_RC_INV_ASSOC, N,
	  "no such association" },
	{ "crc qid 0", 4, 0, 72, 2, 0, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_QUEUE_ID,
	  "qid 0 is the admin queue" },
	{ "crc qid > max", 4, 0, 72, 2, 9, L, N, "qid above the port's max_io_queues" },
	{ "crc sqsize big", 4, 0, 74, 2, 64, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_SQSIZE,
	  "queue larger than the port's max_queue_size" },
	{ "dis short", 5, 47, -1, 0, 0, L, N, "request too short" },
	{ "dis dll", 5, 0, 4, 4, 41, L, N, "wrong descriptor list length" },
	{ "dis assoc tag", 5, 0, 8, 4, 6, L, N, "no association ID descriptor" },
	{ "dis assoc len", 5, 0, 12, 4, 7, L, N, "no association ID descriptor" },
	{ "dis cmd tag", 5, 0, 24, 4, 4, L, N, "no Disconnect Association command descriptor" },
	{ "dis cmd len", 5, 0, 28, 4, 17, L, N, "no Disconnect Association command descriptor" },
	{ "dis scope", 5, 0, 32, 4, 1, L, N, "disconnect scope is not 0" },
	{ "dis no assoc", 5, 0, 16, 4, 0x12345678, FCNVME_RJT_RC_INV_ASSOC, N,
	  "no such association" },
};

/* Every row of the validation table: exact RJT bytes, no side effect. */
START_TEST(test_ls_rows)
{
	const struct ls_row *row = &ls_rows[_i];
	uint8_t buf[1024];
	uint32_t len;
	uint64_t id;
	unsigned int ncreate;

	id = fake_assoc(HH1, 4, 15);
	ck_assert_uint_ne(id, 0);
	ncreate = fcore->nsq_create;
	memset(buf, 0, sizeof(buf));
	switch (row->ls) {
	case 3:
		len = (uint32_t)fake_build_cra(buf, 8, 31);
		break;
	case 4:
		len = (uint32_t)fake_build_crc(buf, id, 4, 1, 15);
		break;
	default:
		len = (uint32_t)fcnvme_ls_build_disconnect_assoc(buf, 48, id);
		break;
	}
	if (row->len)
		len = row->len;
	if (row->off >= 0) {
		if (row->width == 2)
			put_be16(buf + row->off, (uint16_t)row->val);
		else
			put_be32(buf + row->off, row->val);
	}
	ck_assert_int_eq(fake_ls(HH1, buf, len), 0);
	fake_pump();
	expect_rjt((uint8_t)row->ls, row->reason, row->explan, row->detail);
	ck_assert_msg(fcore->nsq_create == ncreate, "%s created a queue", row->name);
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 0);
}
END_TEST

/* Unknown commands and Disconnect Connection: RJT INVAL echoing ls_cmd. */
START_TEST(test_ls_unknown)
{
	static const uint8_t cmds[] = { 0, 1, 2, 6, 7, 0xff };
	uint8_t buf[64];
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = cmds[i];
		ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
		expect_rjt(cmds[i], FCNVME_RJT_RC_INVAL, N, "not an LS a target takes");
	}
	/* Too short to carry a command. */
	ck_assert_int_eq(fake_ls(HH1, buf, 3), 0);
	expect_rjt(0, FCNVME_RJT_RC_INVAL, N, "request too short");
}
END_TEST

/* nvmet_fc_set_ls_rjt_cb: NULL turns the reports off (the LS_RJT goes out
 * the same), and a NULL port is refused. */
START_TEST(test_ls_rjt_cb_off)
{
	uint8_t buf[80];

	ck_assert_int_eq(nvmet_fc_set_ls_rjt_cb(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvmet_fc_set_ls_rjt_cb(fake->tp, NULL, NULL), 0);
	fake_build_crc(buf, 0x12345678, 1, 3, 15);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt_bytes(4, FCNVME_RJT_RC_INV_ASSOC, N);
	ck_assert_uint_eq(fcore->nls_rejected, 0);
}
END_TEST

/* No core bound: Create Association gets RJT LOGIC. */
START_TEST(test_cra_unbound)
{
	uint8_t buf[1024];

	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, NULL, NULL, NULL, NULL, NULL), 0);
	fake_build_cra(buf, 8, 31);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	expect_rjt(3, L, N, "the port has no NVMe core bound"); /* reported too */
	ck_assert_uint_eq(fcore->nsq_create, 0);
}
END_TEST

/* The core refuses queue 0 or queue n: RJT LOGIC, nothing leaks. */
START_TEST(test_sq_create_fails)
{
	uint8_t buf[1024];
	uint64_t id;

	fcore->fail_sq_create = -12;
	fake_build_cra(buf, 8, 31);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt(3, L, N, "no memory for the queue");
	ck_assert_uint_eq(fcore->nsq_destroy, 0);

	id = fake_assoc(HH1, 8, 31);
	ck_assert_uint_ne(id, 0);
	fcore->fail_sq_create = -12;
	fake_build_crc(buf, id, 4, 1, 15);
	ck_assert_int_eq(fake_ls(HH1, buf, 80), 0);
	fake_pump();
	expect_rjt(4, L, N, "no memory for the queue");
	/* Refused for another reason: said so. */
	fcore->fail_sq_create = -EINVAL;
	ck_assert_int_eq(fake_ls(HH1, buf, 80), 0);
	fake_pump();
	expect_rjt(4, L, N, "the NVMe core refused the queue");
	/* The qid stays free. */
	ck_assert_uint_ne(fake_conn(HH1, id, 4, 1, 15), 0);
}
END_TEST

/* The core refuses queue 0 with -EBUSY (a host port at its bound):
 * Create Association gets RJT Insufficient Resources, nothing leaks, and
 * the next one is accepted. */
START_TEST(test_sq_create_busy)
{
	uint8_t buf[1024];

	fcore->fail_sq_create = -EBUSY;
	fake_build_cra(buf, 8, 31);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt_bytes(FCNVME_LS_CREATE_ASSOCIATION, FCNVME_RJT_RC_INSUF_RES,
			 FCNVME_RJT_EXP_NONE);
	ck_assert_uint_eq(fcore->nls_rejected, 0); /* the core refused: it knows */
	ck_assert_uint_eq(fcore->nsq_destroy, 0);
	ck_assert_uint_ne(fake_assoc(HH1, 8, 31), 0);
}
END_TEST

/* A hwq thread that refuses the publish message: RJT, queue freed. */
START_TEST(test_publish_refused)
{
	uint8_t buf[1024];

	fcore->fail_run_on_hwq = -11;
	fake_build_cra(buf, 8, 31);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt(3, L, N, "the hardware queue's thread refused the queue");
	ck_assert_uint_eq(fcore->nsq_create, 1);
	ck_assert_uint_eq(fcore->nsq_destroy, 1);
}
END_TEST

/* ---- Create Connection ------------------------------------------------- */

/* The ACC byte for byte; conn id = assoc | qid; hwq steering. */
START_TEST(test_crc_acc_bytes)
{
	uint8_t want[40] = {
		0x02, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0, 0, 8, 4, 0, 0, 0,
		0,    0, 0, 0, 0, 0, 0, 6,  0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	const struct fake_rec *r;
	uint64_t id, c;
	uint16_t q;

	id = fake_assoc(HH1, 8, 31);
	for (q = 1; q <= 8; q++) {
		c = fake_conn(HH1, id, 4, q, 15);
		ck_assert_uint_eq(c, id | q);
		put_be64(want + 32, id | q);
		r = fake_last(FC_XMT_LS_RSP);
		ck_assert_uint_eq(r->ls_len, 40);
		expect_bytes(r->ls, want, sizeof(want));
		ck_assert_uint_eq(fcore->sq_info[q].qid, q);
		ck_assert_uint_eq(fcore->sq_info[q].hwqid, (q - 1) % 4);
		ck_assert_uint_eq(fcore->sq_info[q].connection_id, id | q);
	}
}
END_TEST

/* The core learns the port's limits, as enforced, with every queue. */
START_TEST(test_sq_info_limits)
{
	uint64_t id;
	unsigned int i;

	id = fake_assoc(HH1, 8, 31);
	ck_assert_uint_eq(fake_conn(HH1, id, 4, 1, 15), id | 1);
	ck_assert_uint_eq(fcore->nsq_create, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(fcore->sq_info[i].max_data_len, 64 * 1024);
		ck_assert_uint_eq(fcore->sq_info[i].max_queue_size, 64);
		ck_assert_uint_eq(fcore->sq_info[i].max_io_queues, 8);
	}
	/* Defaults are what the core hears when the application sets none. */
	fake_env_free();
	fake_env_new(4, 256, 0, true, true, NULL);
	id = fake_assoc(HH1, 8, 31);
	ck_assert_uint_ne(id, 0);
	ck_assert_uint_eq(fcore->sq_info[0].max_data_len, 1024 * 1024);
	ck_assert_uint_eq(fcore->sq_info[0].max_queue_size, 1024);
	ck_assert_uint_eq(fcore->sq_info[0].max_io_queues, 128);
}
END_TEST

/* A port whose max_queue_size is below Linux's 32-entry admin queue still
 * takes that admin queue (up to 32 entries); I/O queues keep the limit. */
START_TEST(test_admin_queue_exempt)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 64 * 1024,
		.max_queue_size = 16,
		.max_io_queues = 2,
	};
	uint8_t buf[1024];
	uint64_t id;

	fake_env_free();
	fake_env_new(4, 256, 0, true, true, &cfg);
	fake_build_cra(buf, 8, 32); /* 33 entries */
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt(3, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_SQSIZE,
		   "admin queue larger than the port's max_queue_size or 32");
	ck_assert_uint_eq(fcore->nsq_create, 0);
	id = fake_assoc(HH1, 8, 31); /* NVME_AQ_DEPTH */
	ck_assert_uint_ne(id, 0);
	ck_assert_uint_eq(fcore->sq_info[0].sqsize, 31);
	ck_assert_uint_eq(fcore->sq_info[0].max_queue_size, 16);
	ck_assert_uint_eq(fake_conn(HH1, id, 4, 1, 15), id | 1);
	fake_build_crc(buf, id, 4, 2, 16); /* 17 entries */
	ck_assert_int_eq(fake_ls(HH1, buf, 80), 0);
	fake_pump();
	expect_rjt(4, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_SQSIZE,
		   "queue larger than the port's max_queue_size");
	/* qid 3 is beyond max_io_queues: LOGIC, as nvmet-fc's failed
	 * queue allocation. */
	fake_build_crc(buf, id, 4, 3, 15);
	ck_assert_int_eq(fake_ls(HH1, buf, 80), 0);
	fake_pump();
	expect_rjt(4, FCNVME_RJT_RC_LOGIC, FCNVME_RJT_EXP_NONE,
		   "qid above the port's max_io_queues");
	ck_assert_uint_eq(fake_conn(HH1, id, 4, 2, 15), id | 2);
	ck_assert_uint_eq(fcore->nsq_create, 3);
}
END_TEST

/* A duplicate qid: INV_PARAM / INV_QUEUE_ID, the first queue untouched. */
START_TEST(test_crc_duplicate_qid)
{
	uint8_t buf[80];
	uint64_t id;

	id = fake_assoc(HH1, 8, 31);
	ck_assert_uint_eq(fake_conn(HH1, id, 4, 3, 15), id | 3);
	fake_build_crc(buf, id, 4, 3, 15);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt(4, FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_QUEUE_ID,
		   "the queue is connected already");
	ck_assert_uint_eq(fcore->nsq_create, 2);
	ck_assert_uint_eq(fcore->nsq_destroy, 0);
}
END_TEST

/* Create Connection to an association its Disconnect is deleting:
 * INV_ASSOC, and no queue is created. */
START_TEST(test_crc_assoc_deleting)
{
	uint8_t buf[80];
	uint64_t id;

	id = fake_assoc(HH1, 8, 31);
	ck_assert_int_eq(fake_disconnect(HH1, id), 0);
	fake_build_crc(buf, id, 4, 1, 15);
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	expect_rjt(4, FCNVME_RJT_RC_INV_ASSOC, N, "the association is being deleted");
	ck_assert_uint_eq(fcore->nsq_create, 1);
	fake_pump();
}
END_TEST

/* Create Connection and Disconnect from a host port that does not own
 * the association: INV_ASSOC. */
START_TEST(test_wrong_host)
{
	uint8_t buf[80];
	uint64_t id;

	id = fake_assoc(HH1, 8, 31);
	fake_build_crc(buf, id, 4, 1, 15);
	ck_assert_int_eq(fake_ls(HH2, buf, sizeof(buf)), 0);
	fake_pump();
	expect_rjt(4, FCNVME_RJT_RC_INV_ASSOC, N, "the association is another host port's");
	ck_assert_int_eq(fake_disconnect(HH2, id), 0);
	fake_pump();
	expect_rjt(5, FCNVME_RJT_RC_INV_ASSOC, N, "the association is another host port's");
	ck_assert_uint_eq(fcore->nsq_destroy, 0);
	/* The owner still can. */
	ck_assert_uint_eq(fake_conn(HH1, id, 4, 1, 15), id | 1);
}
END_TEST

/* ---- receive-side errors ----------------------------------------------- */

START_TEST(test_rcv_errors)
{
	static struct nvmefc_ls_rsp rsps[257];
	struct nvmefc_ls_rsp rsp;
	uint8_t buf[2048];
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, NULL, &rsp, buf, 64), -EINVAL);
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, HH1, NULL, buf, 64), -EINVAL);
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, HH1, &rsp, buf, 1025), -E2BIG);
	/* 256 contexts: with responses never done, the 257th is refused. */
	fake->hold_ls_rsp = true;
	for (i = 0; i < 256; i++)
		ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, HH1, &rsps[i], buf, 8), 0);
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, HH1, &rsps[256], buf, 8), -ENOENT);
	/* Every accepted one got exactly one response. */
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 256);
	/* done frees a context: one more fits, then none again. */
	rsps[0].done(&rsps[0]);
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, HH1, &rsps[0], buf, 8), 0);
	ck_assert_int_eq(nvmet_fc_rcv_ls_req(fake->tp, HH1, &rsps[256], buf, 8), -ENOENT);
	/* A second done for the same response is ignored. */
	rsps[1].done(&rsps[1]);
	rsps[1].done(&rsps[1]);
	for (i = 0; i < 256; i++)
		if (i != 1)
			rsps[i].done(&rsps[i]);
	fake->hold_ls_rsp = false;
}
END_TEST

/* xmt_ls_rsp failing frees the context at once (no done expected). */
START_TEST(test_xmt_fails)
{
	uint8_t buf[64] = { 7 };
	unsigned int i;

	for (i = 0; i < 300; i++) {
		fake->fail_xmt_ls_rsp = -5;
		ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	}
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 300);
}
END_TEST

/* ---- ids ---------------------------------------------------------------- */

/* 200 associations: ids unique, low 16 bits zero, high bits random. */
START_TEST(test_ids_unique_random)
{
	static uint64_t ids[200];
	uint64_t or_bits = 0, and_bits = ~0ull;
	unsigned int i, j;

	for (i = 0; i < 200; i++) {
		ids[i] = fake_assoc(HH1, 2, 3);
		ck_assert_uint_ne(ids[i], 0);
		ck_assert_uint_eq(ids[i] & 0xffff, 0);
		or_bits |= ids[i];
		and_bits &= ids[i];
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(ids[i], ids[j]);
	}
	/* Every one of the 48 bits took both values: not a counter, not
	 * constant. */
	ck_assert_uint_eq(or_bits, 0xffffffffffff0000ull);
	ck_assert_uint_eq(and_bits, 0);
}
END_TEST

/* discovery_chg reaches the LLDD's discovery_event. */
START_TEST(test_discovery_event)
{
	nvmet_fc_discovery_chg(fake->tp);
	nvmet_fc_discovery_chg(NULL);
	ck_assert_uint_eq(fake_count(FC_DISCOVERY), 1);
}
END_TEST

/* Bind checks: a second bind is busy, bad ops are refused. */
START_TEST(test_bind)
{
	struct nvmet_fc_core_ops ops = fcore->ops;
	struct nvmet_fc_core_cfg cfg = { .max_io_queues = 129 };

	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, NULL),
			 -EBUSY);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, NULL, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, NULL, NULL, NULL, NULL, NULL), -ENOENT);
	ops.req_init = NULL;
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &ops, fcore, &fcore->env, fcore, NULL),
			 -EINVAL);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 -EINVAL);
	cfg.max_io_queues = 0;
	cfg.max_data_len = 0xffffffff;
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 -EINVAL);
	/* MDTS cannot state 4 KiB (0 means "no limit") nor 12 KiB. */
	cfg.max_data_len = 4096;
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 -EINVAL);
	cfg.max_data_len = 12288;
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 -EINVAL);
	cfg.max_data_len = 128u << 20;
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 -EINVAL);
	cfg.max_data_len = 8192;
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, &cfg),
			 0);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, NULL, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, NULL),
			 0);
}
END_TEST

/* The suite. */
Suite *nvmet_fc_ls_suite(void)
{
	Suite *s = suite_create("nvmet_fc_ls");
	TCase *tc = tcase_create("ls");

	tcase_add_test(tc, test_register_template);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cra_acc_bytes);
	tcase_add_test(tc, test_cra_acc_after_publish);
	tcase_add_loop_test(tc, test_ls_rows, 0, (int)(sizeof(ls_rows) / sizeof(ls_rows[0])));
	tcase_add_test(tc, test_ls_unknown);
	tcase_add_test(tc, test_ls_rjt_cb_off);
	tcase_add_test(tc, test_cra_unbound);
	tcase_add_test(tc, test_sq_create_fails);
	tcase_add_test(tc, test_sq_create_busy);
	tcase_add_test(tc, test_publish_refused);
	tcase_add_test(tc, test_crc_acc_bytes);
	tcase_add_test(tc, test_sq_info_limits);
	tcase_add_test(tc, test_admin_queue_exempt);
	tcase_add_test(tc, test_crc_duplicate_qid);
	tcase_add_test(tc, test_crc_assoc_deleting);
	tcase_add_test(tc, test_wrong_host);
	tcase_add_test(tc, test_rcv_errors);
	tcase_add_test(tc, test_xmt_fails);
	tcase_add_test(tc, test_ids_unique_random);
	tcase_add_test(tc, test_discovery_event);
	tcase_add_test(tc, test_bind);
	suite_add_tcase(s, tc);
	return s;
}
