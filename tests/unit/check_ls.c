// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the LS codec (ls_build.c, ls_parse.c): every request,
 * ACC and RJT against hand-written wire bytes; each validation row of
 * nvmet-fc (Linux drivers/nvme/target/fc.c) and of the nvme-fc host
 * (5.2) with the exact verdict or errno; build/parse round trips.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "suites_libfcnvme.h"

#define HOSTNQN "nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de349"
#define SUBNQN	"nqn.2024-01.io.example:sub1"

/* Fail at the first differing byte, naming its offset. */
static void expect_bytes(const void *got, const void *exp, size_t n)
{
	const uint8_t *g = got, *e = exp;
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(g[i] == e[i], "byte %zu: got 0x%02x, want 0x%02x", i, g[i], e[i]);
}

static void fill_cra_params(struct fcnvme_ls_cr_assoc_params *p)
{
	static const uint8_t hostid[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};

	memset(p, 0, sizeof(*p));
	p->ersp_ratio = 8;
	p->sqsize = 31;
	p->cntlid = 0xffff;
	memcpy(p->hostid, hostid, sizeof(hostid));
	strcpy(p->hostnqn, HOSTNQN);
	strcpy(p->subnqn, SUBNQN);
}

/* The Create Association request of fill_cra_params(), written out by hand. */
static void expected_cra(uint8_t exp[1024])
{
	static const uint8_t
		head[80] = {
			0x03, 0x00, 0x00, 0x00, /* w0: CREATE_ASSOCIATION */
			0x00, 0x00, 0x03, 0xf8, /* desc_list_len 1016 */
			0x00, 0x00, 0x00, 0x03, /* tag CREATE_ASSOC_CMD */
			0x00, 0x00, 0x03, 0xf0, /* desc_len 1008 */
			0x00, 0x08, 0x00, 0x00, /* ersp_ratio 8, rsvd */
			0,    0,    0,	  0,	0,    0,    0,	  0,	0, 0, 0, 0, /* rsvd12[9] */
			0,    0,    0,	  0,	0,    0,    0,	  0,	0, 0, 0, 0,
			0,    0,    0,	  0,	0,    0,    0,	  0,	0, 0, 0, 0,
			0xff, 0xff, 0x00, 0x1f, /* cntlid 0xffff, sqsize 31 */
			0x00, 0x00, 0x00, 0x00, /* rsvd52 */
			0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, /* hostid */
			0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		};

	memset(exp, 0, 1024);
	memcpy(exp, head, sizeof(head));
	memcpy(exp + 80, HOSTNQN, strlen(HOSTNQN));
	memcpy(exp + 336, SUBNQN, strlen(SUBNQN));
}

static const uint8_t
	exp_crc
		[80] = {
			0x04, 0x00, 0x00, 0x00, /* w0: CREATE_CONNECTION */
			0x00, 0x00, 0x00, 0x48, /* desc_list_len 72 */
			0x00, 0x00, 0x00, 0x07, /* ASSOC_ID tag */
			0x00, 0x00, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x04, /* CREATE_CONN_CMD tag */
			0x00, 0x00, 0x00, 0x30,	      /* desc_len 48 */
			0x00, 0x19, 0x00, 0x00,	      /* ersp_ratio 25 */
			0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0,
			0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0,
			0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0,
			0,    0,    0,	  0x00, 0x03, 0x00, 0x7f, /* qid 3, sqsize 127 */
			0x00, 0x00, 0x00, 0x00,
		};

static const uint8_t exp_disc_assoc[48] = {
	0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28, /* 40 */
	0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78, 0x90,
	0xab, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x10, /* DISCONN_CMD, 16 */
	0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0,	  0,	0,
	0,    0,    0,
};

static const uint8_t exp_disc_conn[40] = {
	0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, /* 32 */
	0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x12, 0x34, 0x56,
	0x78, 0x90, 0xab, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00,
	0x00, 0x08, 0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0x00, 0x05,
};

static const uint8_t exp_rjt[40] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, /* RQST */
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* answers CREATE_CONN */
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, /* RJT */
	0x00, 0x40, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, /* INV_ASSOC, INV_QUEUE_ID */
};

static const uint8_t exp_cra_acc[56] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, /* 48 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08,
	0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x08, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x00, 0x00,
};

static const uint8_t exp_crc_acc[40] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x08, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x00, 0x02,
};

static const uint8_t exp_disc_acc[24] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define ASSOC 0x1234567890ab0000ULL
#define ACCID 0xa1b2c3d4e5f60000ULL

/* ---- builders ------------------------------------------------------------ */

START_TEST(build_cr_assoc_bytes)
{
	struct fcnvme_ls_cr_assoc_params p;
	uint8_t buf[1100], exp[1024];

	fill_cra_params(&p);
	expected_cra(exp);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, sizeof(buf), &p), 1024);
	expect_bytes(buf, exp, 1024);
	ck_assert_uint_eq(buf[1024], 0xee); /* nothing written past the payload */
}
END_TEST

START_TEST(build_cr_assoc_errors)
{
	struct fcnvme_ls_cr_assoc_params p;
	uint8_t buf[1024];

	fill_cra_params(&p);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1023, &p), -ENOSPC);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(NULL, 1024, &p), -EINVAL);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, NULL), -EINVAL);
	memset(p.hostnqn, 'a', sizeof(p.hostnqn)); /* not NUL-terminated */
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, &p), -EINVAL);
	fill_cra_params(&p);
	memset(p.subnqn, 'a', sizeof(p.subnqn));
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, &p), -EINVAL);
	/* 255 characters + NUL is the longest that fits. */
	fill_cra_params(&p);
	memset(p.subnqn, 'b', 255);
	p.subnqn[255] = '\0';
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, 1024, &p), 1024);
	ck_assert_uint_eq(buf[336 + 254], 'b');
	ck_assert_uint_eq(buf[336 + 255], 0);
}
END_TEST

START_TEST(build_cr_conn_bytes)
{
	struct fcnvme_ls_cr_conn_params p = {
		.association_id = ASSOC,
		.ersp_ratio = 25,
		.qid = 3,
		.sqsize = 127,
	};
	uint8_t buf[81];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, sizeof(buf), &p), 80);
	expect_bytes(buf, exp_crc, 80);
	ck_assert_uint_eq(buf[80], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, 79, &p), -ENOSPC);
	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, 80, NULL), -EINVAL);
}
END_TEST

START_TEST(build_disconnect_bytes)
{
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), ASSOC), 48);
	expect_bytes(buf, exp_disc_assoc, 48);
	ck_assert_uint_eq(buf[48], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_disconnect_assoc(buf, 47, ASSOC), -ENOSPC);

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_disconnect_conn(buf, sizeof(buf), ASSOC, ASSOC | 5), 40);
	expect_bytes(buf, exp_disc_conn, 40);
	ck_assert_uint_eq(buf[40], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_disconnect_conn(buf, 39, ASSOC, ASSOC | 5), -ENOSPC);
}
END_TEST

START_TEST(build_rjt_bytes)
{
	uint8_t buf[41];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_rjt(buf, sizeof(buf), FCNVME_LS_CREATE_CONNECTION,
					     FCNVME_RJT_RC_INV_ASSOC, FCNVME_RJT_EXP_INV_QUEUE_ID),
			 40);
	expect_bytes(buf, exp_rjt, 40);
	ck_assert_uint_eq(buf[40], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_rjt(buf, 39, 4, 0x40, 0x42), -ENOSPC);
	ck_assert_int_eq(fcnvme_ls_build_rjt(NULL, 40, 4, 0x40, 0x42), -EINVAL);
}
END_TEST

START_TEST(build_acc_bytes)
{
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc_acc(buf, sizeof(buf), ACCID), 56);
	expect_bytes(buf, exp_cra_acc, 56);
	ck_assert_uint_eq(buf[56], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc_acc(buf, 55, ACCID), -ENOSPC);

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_cr_conn_acc(buf, sizeof(buf), ACCID | 2), 40);
	expect_bytes(buf, exp_crc_acc, 40);
	ck_assert_uint_eq(buf[40], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_cr_conn_acc(buf, 39, ACCID | 2), -ENOSPC);

	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_build_acc(buf, sizeof(buf), FCNVME_LS_DISCONNECT_ASSOC), 24);
	expect_bytes(buf, exp_disc_acc, 24);
	ck_assert_uint_eq(buf[24], 0xee);
	ck_assert_int_eq(fcnvme_ls_build_acc(buf, 23, 5), -ENOSPC);
}
END_TEST

/* ---- target-side request parsers ---------------------------------------- */

/*
 * A row: take a valid payload, store val big-endian in width bytes at off
 * (width 0: nothing; width 256: fill a 256-byte string field with 'x'),
 * hand in len bytes, expect this verdict.
 */
struct rqst_row {
	const char *what;
	size_t len;
	int off, width;
	uint32_t val;
	uint8_t reason, explanation;
	const char *detail; /* the verdict's words for the failed check */
};

/* The verdict a reject row wants: its codes and its words. */
static void expect_verdict(const struct rqst_row *r, const struct fcnvme_ls_verdict *v)
{
	ck_assert_msg(v->reason == r->reason && v->explanation == r->explanation,
		      "%s: verdict %#x/%#x, want %#x/%#x", r->what, v->reason, v->explanation,
		      r->reason, r->explanation);
	ck_assert_pstr_eq(v->detail, r->detail);
}

static void patch(uint8_t *buf, size_t size, int off, int width, uint32_t val)
{
	int i;

	ck_assert_uint_le((size_t)off + (size_t)width, size);
	if (width == 256) {
		for (i = 0; i < width; i++)
			buf[off + i] = 'x';
		return;
	}
	for (i = 0; i < width; i++)
		buf[off + i] = (uint8_t)(val >> (8 * (width - 1 - i)));
}

START_TEST(parse_cr_assoc_ok)
{
	struct fcnvme_ls_cr_assoc_params out;
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint8_t exp[1024 + 1]; /* +1: deliberately unaligned view below */

	expected_cra(exp + 1);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(exp + 1, 1024, &out, &v), 0);
	ck_assert_uint_eq(v.reason, 0);
	ck_assert_uint_eq(v.explanation, 0);
	ck_assert_ptr_null(v.detail);
	ck_assert_uint_eq(out.ersp_ratio, 8);
	ck_assert_uint_eq(out.sqsize, 31);
	ck_assert_uint_eq(out.cntlid, 0xffff);
	ck_assert_uint_eq(out.hostid[0], 0x00);
	ck_assert_uint_eq(out.hostid[15], 0xff);
	ck_assert_str_eq(out.hostnqn, HOSTNQN);
	ck_assert_str_eq(out.subnqn, SUBNQN);
	/* The minimum Linux accepts: 592 bytes, list 584, desc 576. */
	exp[1 + 6] = 0x02;
	exp[1 + 7] = 0x48; /* 584 */
	exp[1 + 14] = 0x02;
	exp[1 + 15] = 0x40; /* 576 */
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(exp + 1, 592, &out, &v), 0);
	ck_assert_str_eq(out.subnqn, SUBNQN);
	/* Bytes after an NQN's NUL are not carried into the result. */
	exp[1 + 80 + sizeof(HOSTNQN)] = 'q';
	exp[1 + 336 + sizeof(SUBNQN)] = 'q';
	memset(&out, 0x5a, sizeof(out));
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(exp + 1, 1024, &out, &v), 0);
	ck_assert_str_eq(out.hostnqn, HOSTNQN);
	ck_assert_uint_eq(out.hostnqn[sizeof(HOSTNQN)], 0);
	ck_assert_uint_eq(out.subnqn[sizeof(SUBNQN)], 0);
	ck_assert_uint_eq(out.hostnqn[255], 0);
}
END_TEST

static const struct rqst_row cra_rows[] = {
	{ "rqstlen 591", 591, 0, 0, 0, FCNVME_RJT_RC_LOGIC, 0, "request too short" },
	{ "rqstlen 0", 0, 0, 0, 0, FCNVME_RJT_RC_LOGIC, 0, "request too short" },
	{ "desc_list_len 583", 1024, 4, 4, 583, FCNVME_RJT_RC_LOGIC, 0,
	  "wrong descriptor list length" },
	{ "desc_list_len 0", 1024, 4, 4, 0, FCNVME_RJT_RC_LOGIC, 0,
	  "wrong descriptor list length" },
	{ "desc_tag 4", 1024, 8, 4, 4, FCNVME_RJT_RC_LOGIC, 0,
	  "no Create Association command descriptor" },
	{ "desc_tag 3<<24", 1024, 8, 4, 3u << 24, FCNVME_RJT_RC_LOGIC, 0,
	  "no Create Association command descriptor" },
	{ "desc_len 575", 1024, 12, 4, 575, FCNVME_RJT_RC_LOGIC, 0,
	  "command descriptor too short" },
	{ "desc_len 0", 1024, 12, 4, 0, FCNVME_RJT_RC_LOGIC, 0, "command descriptor too short" },
	{ "ersp_ratio 0", 1024, 16, 2, 0, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
	{ "ersp_ratio == sqsize", 1024, 16, 2, 31, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
	{ "ersp_ratio > sqsize", 1024, 16, 2, 0x108, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
	{ "sqsize 0", 1024, 58, 2, 0, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
	{ "hostnqn unterminated", 1024, 80, 256, 0, FCNVME_RJT_RC_INV_PARAM,
	  FCNVME_RJT_EXP_INV_HOSTNQN, "host NQN without its terminating NUL" },
	{ "subnqn unterminated", 1024, 336, 256, 0, FCNVME_RJT_RC_INV_PARAM,
	  FCNVME_RJT_EXP_INV_SUBNQN, "subsystem NQN without its terminating NUL" },
};

START_TEST(parse_cr_assoc_rejects)
{
	const struct rqst_row *r = &cra_rows[_i];
	struct fcnvme_ls_cr_assoc_params out;
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint8_t buf[1024];

	expected_cra(buf);
	patch(buf, sizeof(buf), r->off, r->width, r->val);
	ck_assert_msg(fcnvme_ls_parse_cr_assoc(buf, r->len, &out, &v) == -EINVAL, "%s accepted",
		      r->what);
	expect_verdict(r, &v);
}
END_TEST

START_TEST(parse_cr_assoc_order)
{
	struct fcnvme_ls_cr_assoc_params out;
	struct fcnvme_ls_verdict v;
	uint8_t buf[1024];

	/* A Linux check (ersp_ratio) wins over our NQN hardening. */
	expected_cra(buf);
	buf[17] = 0;
	memset(buf + 80, 'x', 256);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(buf, 1024, &out, &v), -EINVAL);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	ck_assert_uint_eq(v.explanation, FCNVME_RJT_EXP_NONE);
	ck_assert_str_eq(v.detail, "ersp_ratio is 0 or not below sqsize");
	/* hostnqn is checked before subnqn. */
	expected_cra(buf);
	memset(buf + 80, 'x', 512);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(buf, 1024, &out, &v), -EINVAL);
	ck_assert_uint_eq(v.explanation, FCNVME_RJT_EXP_INV_HOSTNQN);
	/* NULL arguments are refused, v may be NULL. */
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(NULL, 1024, &out, &v), -EINVAL);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	ck_assert_str_eq(v.detail, "no request");
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(buf, 1024, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(parse_cr_conn_ok)
{
	struct fcnvme_ls_cr_conn_params out;
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint8_t buf[81];

	memcpy(buf + 1, exp_crc, 80);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn(buf + 1, 80, &out, &v), 0);
	ck_assert_uint_eq(v.reason, 0);
	ck_assert_ptr_null(v.detail);
	ck_assert_uint_eq(out.association_id, ASSOC);
	ck_assert_uint_eq(out.ersp_ratio, 25);
	ck_assert_uint_eq(out.qid, 3);
	ck_assert_uint_eq(out.sqsize, 127);
}
END_TEST

static const struct rqst_row crc_rows[] = {
	{ "rqstlen 79", 80 - 1, 0, 0, 0, FCNVME_RJT_RC_LOGIC, 0, "request too short" },
	{ "desc_list_len 71", 80, 4, 4, 71, FCNVME_RJT_RC_LOGIC, 0,
	  "wrong descriptor list length" },
	{ "desc_list_len 73", 80, 4, 4, 73, FCNVME_RJT_RC_LOGIC, 0,
	  "wrong descriptor list length" },
	{ "assoc tag 6", 80, 8, 4, 6, FCNVME_RJT_RC_LOGIC, 0, "no association ID descriptor" },
	{ "assoc len 16", 80, 12, 4, 16, FCNVME_RJT_RC_LOGIC, 0, "no association ID descriptor" },
	{ "cmd tag 3", 80, 24, 4, 3, FCNVME_RJT_RC_LOGIC, 0,
	  "no Create Connection command descriptor" },
	{ "cmd len 47", 80, 28, 4, 47, FCNVME_RJT_RC_LOGIC, 0,
	  "no Create Connection command descriptor" },
	{ "cmd len 49", 80, 28, 4, 49, FCNVME_RJT_RC_LOGIC, 0,
	  "no Create Connection command descriptor" },
	{ "ersp_ratio 0", 80, 32, 2, 0, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
	{ "ersp_ratio == sqsize", 80, 32, 2, 127, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
	{ "ersp_ratio > sqsize", 80, 32, 2, 0x119, FCNVME_RJT_RC_LOGIC, 0,
	  "ersp_ratio is 0 or not below sqsize" },
};

START_TEST(parse_cr_conn_rejects)
{
	const struct rqst_row *r = &crc_rows[_i];
	struct fcnvme_ls_cr_conn_params out;
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint8_t buf[80];

	memcpy(buf, exp_crc, sizeof(buf));
	patch(buf, sizeof(buf), r->off, r->width, r->val);
	ck_assert_msg(fcnvme_ls_parse_cr_conn(buf, r->len, &out, &v) == -EINVAL, "%s accepted",
		      r->what);
	expect_verdict(r, &v);
}
END_TEST

START_TEST(parse_cr_conn_semantics_not_ours)
{
	struct fcnvme_ls_cr_conn_params out;
	struct fcnvme_ls_verdict v;
	uint8_t buf[80];

	/* qid 0 and an unknown association are the transport's to refuse. */
	memcpy(buf, exp_crc, sizeof(buf));
	buf[73] = 0;
	memset(buf + 16, 0, 8);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn(buf, 80, &out, &v), 0);
	ck_assert_uint_eq(out.qid, 0);
	ck_assert_uint_eq(out.association_id, 0);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn(NULL, 80, &out, &v), -EINVAL);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn(buf, 80, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(parse_disconnect_assoc_ok)
{
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint64_t id = 0;
	uint8_t buf[49];

	memcpy(buf + 1, exp_disc_assoc, 48);
	ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(buf + 1, 48, &id, &v), 0);
	ck_assert_uint_eq(id, ASSOC);
	ck_assert_uint_eq(v.reason, 0);
	ck_assert_ptr_null(v.detail);
}
END_TEST

static const struct rqst_row disc_rows[] = {
	{ "rqstlen 47", 47, 0, 0, 0, FCNVME_RJT_RC_LOGIC, 0, "request too short" },
	{ "desc_list_len 41", 48, 4, 4, 41, FCNVME_RJT_RC_LOGIC, 0,
	  "wrong descriptor list length" },
	{ "assoc tag 6", 48, 8, 4, 6, FCNVME_RJT_RC_LOGIC, 0, "no association ID descriptor" },
	{ "assoc len 9", 48, 12, 4, 9, FCNVME_RJT_RC_LOGIC, 0, "no association ID descriptor" },
	{ "cmd tag 4", 48, 24, 4, 4, FCNVME_RJT_RC_LOGIC, 0,
	  "no Disconnect Association command descriptor" },
	{ "cmd len 24", 48, 28, 4, 24, FCNVME_RJT_RC_LOGIC, 0,
	  "no Disconnect Association command descriptor" },
	{ "old scope byte", 48, 35, 1, 1, FCNVME_RJT_RC_LOGIC, 0, "disconnect scope is not 0" },
	{ "scope word msb", 48, 32, 1, 0x80, FCNVME_RJT_RC_LOGIC, 0, "disconnect scope is not 0" },
};

START_TEST(parse_disconnect_assoc_rejects)
{
	const struct rqst_row *r = &disc_rows[_i];
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint64_t id = 0x77;
	uint8_t buf[48];

	memcpy(buf, exp_disc_assoc, sizeof(buf));
	patch(buf, sizeof(buf), r->off, r->width, r->val);
	ck_assert_msg(fcnvme_ls_parse_disconnect_assoc(buf, r->len, &id, &v) == -EINVAL,
		      "%s accepted", r->what);
	expect_verdict(r, &v);
	ck_assert_uint_eq(id, 0x77); /* untouched on failure */
}
END_TEST

START_TEST(parse_disconnect_assoc_tail_reserved)
{
	struct fcnvme_ls_verdict v;
	uint64_t id;
	uint8_t buf[48];

	/* Only the first reserved word is the old scope; Linux ignores the rest. */
	memcpy(buf, exp_disc_assoc, sizeof(buf));
	buf[47] = 0x01;
	ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(buf, 48, &id, &v), 0);
	ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(buf, 48, NULL, &v), -EINVAL);
}
END_TEST

/* ---- host-side response parsers ----------------------------------------- */

/* A row: patch a valid ACC as in struct rqst_row, expect this errno. */
struct acc_row {
	const char *what;
	size_t len;
	int off, width;
	uint32_t val;
	int rc;
};

START_TEST(parse_cr_assoc_acc_ok)
{
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint64_t a = 0, c = 0;
	uint8_t buf[57];

	memcpy(buf + 1, exp_cra_acc, 56);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(buf + 1, 56, &a, &c, &v), 0);
	ck_assert_uint_eq(a, ACCID);
	ck_assert_uint_eq(c, ACCID);
	/* The host stores what it gets; it does not require CONN_ID == ASSOC_ID. */
	buf[1 + 55] = 0x09;
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(buf + 1, 56, &a, &c, NULL), 0);
	ck_assert_uint_eq(c, ACCID | 9);
}
END_TEST

static const struct acc_row cra_acc_rows[] = {
	{ "len 55", 55, 0, 0, 0, -EBADF },
	{ "len 3", 3, 0, 0, 0, -EBADF },
	{ "w0 CREATE_ASSOC", 56, 0, 1, 3, -EBADF },
	{ "desc_list_len 47", 56, 4, 4, 47, -EBADF },
	{ "desc_list_len 56", 56, 4, 4, 56, -EBADF },
	{ "rqst tag 2", 56, 8, 4, 2, -EBADF },
	{ "rqst len 9", 56, 12, 4, 9, -EBADF },
	{ "rqst w0 4", 56, 16, 1, 4, -EBADF },
	{ "assoc tag 6", 56, 24, 4, 6, -EBADF },
	{ "assoc len 16", 56, 28, 4, 16, -EBADF },
	{ "conn tag 7", 56, 40, 4, 7, -EBADF },
	{ "conn len 0", 56, 44, 4, 0, -EBADF },
};

START_TEST(parse_cr_assoc_acc_rejects)
{
	const struct acc_row *r = &cra_acc_rows[_i];
	uint64_t a = 0x77, c = 0x77;
	uint8_t buf[56];

	memcpy(buf, exp_cra_acc, sizeof(buf));
	patch(buf, sizeof(buf), r->off, r->width, r->val);
	ck_assert_msg(fcnvme_ls_parse_cr_assoc_acc(buf, r->len, &a, &c, NULL) == r->rc,
		      "%s: wrong result", r->what);
	ck_assert_uint_eq(a, 0x77);
	ck_assert_uint_eq(c, 0x77);
}
END_TEST

START_TEST(parse_rjt_as_response)
{
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint64_t a = 0x77, c = 0x77;
	uint8_t rjt[40];

	memcpy(rjt, exp_rjt, sizeof(rjt));
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(rjt, 40, &a, &c, &v), -ENXIO);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_INV_ASSOC);
	ck_assert_uint_eq(v.explanation, FCNVME_RJT_EXP_INV_QUEUE_ID);
	ck_assert_uint_eq(a, 0x77);
	v.reason = v.explanation = 0xaa;
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(rjt, 40, &c, &v), -ENXIO);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_INV_ASSOC);
	v.reason = v.explanation = 0xaa;
	ck_assert_int_eq(fcnvme_ls_parse_acc(rjt, 40, 5, &v), -ENXIO);
	ck_assert_uint_eq(v.explanation, FCNVME_RJT_EXP_INV_QUEUE_ID);
	/* A truncated RJT is still an RJT; it carries no reason. */
	v.reason = v.explanation = 0xaa;
	ck_assert_int_eq(fcnvme_ls_parse_acc(rjt, 4, 5, &v), -ENXIO);
	ck_assert_uint_eq(v.reason, 0);
	ck_assert_uint_eq(v.explanation, 0);
	/* Linux looks only at w0: a malformed RJT still counts as one. */
	rjt[27] = 0x09;
	ck_assert_int_eq(fcnvme_ls_parse_acc(rjt, 40, 5, NULL), -ENXIO);
}
END_TEST

START_TEST(parse_cr_conn_acc_ok)
{
	uint64_t c = 0;
	uint8_t buf[41];

	memcpy(buf + 1, exp_crc_acc, 40);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(buf + 1, 40, &c, NULL), 0);
	ck_assert_uint_eq(c, ACCID | 2);
}
END_TEST

static const struct acc_row crc_acc_rows[] = {
	{ "len 39", 39, 0, 0, 0, -EBADF },
	{ "w0 RSVD", 40, 0, 1, 0, -EBADF },
	{ "desc_list_len 48", 40, 4, 4, 48, -EBADF },
	{ "rqst tag 1<<8", 40, 8, 4, 0x100, -EBADF },
	{ "rqst len 16", 40, 12, 4, 16, -EBADF },
	{ "rqst w0 3", 40, 16, 1, 3, -EBADF },
	{ "conn tag 7", 40, 24, 4, 7, -EBADF },
	{ "conn len 7", 40, 28, 4, 7, -EBADF },
};

START_TEST(parse_cr_conn_acc_rejects)
{
	const struct acc_row *r = &crc_acc_rows[_i];
	uint64_t c = 0x77;
	uint8_t buf[40];

	memcpy(buf, exp_crc_acc, sizeof(buf));
	patch(buf, sizeof(buf), r->off, r->width, r->val);
	ck_assert_msg(fcnvme_ls_parse_cr_conn_acc(buf, r->len, &c, NULL) == r->rc,
		      "%s: wrong result", r->what);
	ck_assert_uint_eq(c, 0x77);
}
END_TEST

START_TEST(parse_acc_disconnect)
{
	uint8_t buf[24];

	memcpy(buf, exp_disc_acc, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_ASSOC, NULL), 0);
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_CONN, NULL), -EBADF);
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 23, FCNVME_LS_DISCONNECT_ASSOC, NULL), -EBADF);
	ck_assert_int_eq(fcnvme_ls_parse_acc(NULL, 24, FCNVME_LS_DISCONNECT_ASSOC, NULL), -EBADF);
	buf[7] = 0x18;
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_ASSOC, NULL), -EBADF);
}
END_TEST

/* ---- round trips, peek and names ---------------------------------------- */

START_TEST(round_trips)
{
	struct fcnvme_ls_cr_assoc_params p, pa;
	struct fcnvme_ls_cr_conn_params c = {
		.association_id = 0xfedcba9876540000ULL, .ersp_ratio = 1,
		.qid = 128, .sqsize = 1023,
	}, ca;
	struct fcnvme_ls_verdict v;
	uint8_t buf[1024];
	uint64_t a1, a2;

	fill_cra_params(&p);
	ck_assert_int_eq(fcnvme_ls_build_cr_assoc(buf, sizeof(buf), &p), 1024);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(buf, 1024, &pa, &v), 0);
	ck_assert_mem_eq(&pa, &p, sizeof(p));

	ck_assert_int_eq(fcnvme_ls_build_cr_conn(buf, sizeof(buf), &c), 80);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn(buf, 80, &ca, &v), 0);
	ck_assert_uint_eq(ca.association_id, c.association_id);
	ck_assert_uint_eq(ca.ersp_ratio, 1);
	ck_assert_uint_eq(ca.qid, 128);
	ck_assert_uint_eq(ca.sqsize, 1023);

	ck_assert_int_eq(fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), c.association_id), 48);
	ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(buf, 48, &a1, &v), 0);
	ck_assert_uint_eq(a1, c.association_id);

	ck_assert_int_eq(fcnvme_ls_build_cr_assoc_acc(buf, sizeof(buf), c.association_id), 56);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(buf, 56, &a1, &a2, &v), 0);
	ck_assert_uint_eq(a1, c.association_id);
	ck_assert_uint_eq(a2, c.association_id);

	ck_assert_int_eq(fcnvme_ls_build_cr_conn_acc(buf, sizeof(buf), c.association_id | 7), 40);
	ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(buf, 40, &a2, &v), 0);
	ck_assert_uint_eq(a2, c.association_id | 7);

	ck_assert_int_eq(fcnvme_ls_build_acc(buf, sizeof(buf), FCNVME_LS_DISCONNECT_CONN), 24);
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_CONN, &v), 0);

	ck_assert_int_eq(fcnvme_ls_build_rjt(buf, sizeof(buf), 3, FCNVME_RJT_RC_LOGIC, 0), 40);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(buf, 40, &a1, &a2, &v), -ENXIO);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
}
END_TEST

START_TEST(peek_and_names)
{
	uint8_t b[4] = { 0x05, 0, 0, 0 };

	ck_assert_int_eq(fcnvme_ls_cmd(b, 4), 5);
	ck_assert_int_eq(fcnvme_ls_cmd(b, 3), -EINVAL);
	ck_assert_int_eq(fcnvme_ls_cmd(NULL, 4), -EINVAL);
	b[0] = 0xff;
	ck_assert_int_eq(fcnvme_ls_cmd(b, 4), 255);

	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_CREATE_ASSOCIATION), "Create Association");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_CREATE_CONNECTION), "Create Connection");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_DISCONNECT_ASSOC), "Disconnect Association");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_DISCONNECT_CONN), "Disconnect Connection");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_RJT), "LS_RJT");
	ck_assert_str_eq(fcnvme_ls_cmd_name(FCNVME_LS_ACC), "LS_ACC");
	ck_assert_str_eq(fcnvme_ls_cmd_name(7), "unknown");
	ck_assert_str_eq(fcnvme_ls_rjt_reason_name(FCNVME_RJT_RC_LOGIC), "logical error");
	ck_assert_str_eq(fcnvme_ls_rjt_reason_name(FCNVME_RJT_RC_INV_ASSOC), "invalid association");
	ck_assert_str_eq(fcnvme_ls_rjt_reason_name(0x0e), "unknown");
	ck_assert_str_eq(fcnvme_ls_rjt_explan_name(FCNVME_RJT_EXP_INV_HOSTNQN), "invalid host NQN");
	ck_assert_str_eq(fcnvme_ls_rjt_explan_name(0x29), "unknown");
}
END_TEST

START_TEST(every_truncation_rejected)
{
	struct fcnvme_ls_cr_assoc_params pa;
	struct fcnvme_ls_cr_conn_params pc;
	struct fcnvme_ls_verdict v;
	uint8_t cra[1024];
	uint64_t a, c;
	size_t len;

	expected_cra(cra);
	for (len = 0; len < 592; len++) {
		v.reason = 0xaa;
		ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(cra, len, &pa, &v), -EINVAL);
		ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	}
	for (len = 0; len < 80; len++) {
		v.reason = 0xaa;
		ck_assert_int_eq(fcnvme_ls_parse_cr_conn(exp_crc, len, &pc, &v), -EINVAL);
		ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	}
	for (len = 0; len < 48; len++) {
		v.reason = 0xaa;
		ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(exp_disc_assoc, len, &a, &v),
				 -EINVAL);
		ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	}
	for (len = 0; len < 56; len++)
		ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(exp_cra_acc, len, &a, &c, NULL),
				 -EBADF);
	for (len = 0; len < 40; len++)
		ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(exp_crc_acc, len, &c, NULL), -EBADF);
	for (len = 0; len < 24; len++)
		ck_assert_int_eq(fcnvme_ls_parse_acc(exp_disc_acc, len, 5, NULL), -EBADF);
}
END_TEST

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Random and mutated payloads: only the documented results, no crash. */
START_TEST(random_payloads)
{
	static const uint8_t *const seeds[] = {
		exp_crc, exp_disc_assoc, exp_cra_acc, exp_crc_acc, exp_disc_acc, exp_rjt,
	};
	static const size_t seed_len[] = { 80, 48, 56, 40, 24, 40 };
	struct fcnvme_ls_cr_assoc_params pa;
	struct fcnvme_ls_cr_conn_params pc;
	struct fcnvme_ls_verdict v;
	uint64_t x = 0x9e3779b97f4a7c15ULL, a, c;
	uint8_t buf[1100];
	size_t len, k;
	int i, rc;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 20000; i++) {
		k = xorshift(&x) % 7;
		if (k == 6) {
			expected_cra(buf);
			len = 1024;
		} else {
			memcpy(buf, seeds[k], seed_len[k]);
			len = seed_len[k];
		}
		/* Flip a few bytes, sometimes change the length. */
		for (k = xorshift(&x) % 4 + 1; k > 0; k--)
			buf[xorshift(&x) % len] = (uint8_t)xorshift(&x);
		if (xorshift(&x) % 4 == 0)
			len = xorshift(&x) % sizeof(buf);

		rc = fcnvme_ls_parse_cr_assoc(buf, len, &pa, &v);
		ck_assert(rc == 0 || rc == -EINVAL);
		if (rc == 0) {
			ck_assert_uint_lt(strlen(pa.hostnqn), 256);
			ck_assert(pa.ersp_ratio != 0 && pa.ersp_ratio < pa.sqsize);
		} else {
			ck_assert(v.reason == FCNVME_RJT_RC_LOGIC ||
				  v.reason == FCNVME_RJT_RC_INV_PARAM);
		}
		rc = fcnvme_ls_parse_cr_conn(buf, len, &pc, &v);
		ck_assert(rc == 0 || (rc == -EINVAL && v.reason == FCNVME_RJT_RC_LOGIC));
		rc = fcnvme_ls_parse_disconnect_assoc(buf, len, &a, &v);
		ck_assert(rc == 0 || (rc == -EINVAL && v.reason == FCNVME_RJT_RC_LOGIC));
		rc = fcnvme_ls_parse_cr_assoc_acc(buf, len, &a, &c, &v);
		ck_assert(rc == 0 || rc == -EBADF || rc == -ENXIO);
		rc = fcnvme_ls_parse_cr_conn_acc(buf, len, &c, &v);
		ck_assert(rc == 0 || rc == -EBADF || rc == -ENXIO);
		rc = fcnvme_ls_parse_acc(buf, len, buf[16], &v);
		ck_assert(rc == 0 || rc == -EBADF || rc == -ENXIO);
	}
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The LS codec suite. */
Suite *ls_suite(void)
{
	Suite *s = suite_create("ls");
	TCase *b = tcase_create("build");
	TCase *t = tcase_create("target-parse");
	TCase *h = tcase_create("host-parse");
	TCase *m = tcase_create("misc");

	tcase_add_test(b, build_cr_assoc_bytes);
	tcase_add_test(b, build_cr_assoc_errors);
	tcase_add_test(b, build_cr_conn_bytes);
	tcase_add_test(b, build_disconnect_bytes);
	tcase_add_test(b, build_rjt_bytes);
	tcase_add_test(b, build_acc_bytes);
	suite_add_tcase(s, b);

	tcase_add_test(t, parse_cr_assoc_ok);
	tcase_add_loop_test(t, parse_cr_assoc_rejects, 0, NROWS(cra_rows));
	tcase_add_test(t, parse_cr_assoc_order);
	tcase_add_test(t, parse_cr_conn_ok);
	tcase_add_loop_test(t, parse_cr_conn_rejects, 0, NROWS(crc_rows));
	tcase_add_test(t, parse_cr_conn_semantics_not_ours);
	tcase_add_test(t, parse_disconnect_assoc_ok);
	tcase_add_loop_test(t, parse_disconnect_assoc_rejects, 0, NROWS(disc_rows));
	tcase_add_test(t, parse_disconnect_assoc_tail_reserved);
	suite_add_tcase(s, t);

	tcase_add_test(h, parse_cr_assoc_acc_ok);
	tcase_add_loop_test(h, parse_cr_assoc_acc_rejects, 0, NROWS(cra_acc_rows));
	tcase_add_test(h, parse_rjt_as_response);
	tcase_add_test(h, parse_cr_conn_acc_ok);
	tcase_add_loop_test(h, parse_cr_conn_acc_rejects, 0, NROWS(crc_acc_rows));
	tcase_add_test(h, parse_acc_disconnect);
	suite_add_tcase(s, h);

	tcase_add_test(m, round_trips);
	tcase_add_test(m, peek_and_names);
	tcase_add_test(m, every_truncation_rejected);
	tcase_add_test(m, random_payloads);
	suite_add_tcase(s, m);
	return s;
}
