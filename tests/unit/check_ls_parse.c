// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the LS parsers (ls_parse.c): each validation row of
 * nvmet-fc (Linux drivers/nvme/target/fc.c) with the exact verdict and
 * its words, and of the nvme-fc host (5.2) with the exact errno, against
 * hand-written wire bytes (ls_wire.c); every truncation; random and
 * mutated payloads.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "ls_wire.h"
#include "suites_libfcnvme.h"
#include "test_rng.h"

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

START_TEST(parse_cr_assoc_ok)
{
	struct fcnvme_ls_cr_assoc_params out;
	struct fcnvme_ls_verdict v = { 0xaa, 0xaa, "unset" };
	uint8_t exp[1024 + 1]; /* +1: deliberately unaligned view below */

	ls_wire_cra(exp + 1);
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

	ls_wire_cra(buf);
	ls_wire_patch(buf, sizeof(buf), r->off, r->width, r->val);
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
	ls_wire_cra(buf);
	buf[17] = 0;
	memset(buf + 80, 'x', 256);
	ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(buf, 1024, &out, &v), -EINVAL);
	ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	ck_assert_uint_eq(v.explanation, FCNVME_RJT_EXP_NONE);
	ck_assert_str_eq(v.detail, "ersp_ratio is 0 or not below sqsize");
	/* hostnqn is checked before subnqn. */
	ls_wire_cra(buf);
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

	memcpy(buf + 1, ls_wire_crc, 80);
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

	memcpy(buf, ls_wire_crc, sizeof(buf));
	ls_wire_patch(buf, sizeof(buf), r->off, r->width, r->val);
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
	memcpy(buf, ls_wire_crc, sizeof(buf));
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

	memcpy(buf + 1, ls_wire_disc_assoc, 48);
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

	memcpy(buf, ls_wire_disc_assoc, sizeof(buf));
	ls_wire_patch(buf, sizeof(buf), r->off, r->width, r->val);
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
	memcpy(buf, ls_wire_disc_assoc, sizeof(buf));
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

	memcpy(buf + 1, ls_wire_cra_acc, 56);
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

	memcpy(buf, ls_wire_cra_acc, sizeof(buf));
	ls_wire_patch(buf, sizeof(buf), r->off, r->width, r->val);
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

	memcpy(rjt, ls_wire_rjt, sizeof(rjt));
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

	memcpy(buf + 1, ls_wire_crc_acc, 40);
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

	memcpy(buf, ls_wire_crc_acc, sizeof(buf));
	ls_wire_patch(buf, sizeof(buf), r->off, r->width, r->val);
	ck_assert_msg(fcnvme_ls_parse_cr_conn_acc(buf, r->len, &c, NULL) == r->rc,
		      "%s: wrong result", r->what);
	ck_assert_uint_eq(c, 0x77);
}
END_TEST

START_TEST(parse_acc_disconnect)
{
	uint8_t buf[24];

	memcpy(buf, ls_wire_disc_acc, sizeof(buf));
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_ASSOC, NULL), 0);
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_CONN, NULL), -EBADF);
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 23, FCNVME_LS_DISCONNECT_ASSOC, NULL), -EBADF);
	ck_assert_int_eq(fcnvme_ls_parse_acc(NULL, 24, FCNVME_LS_DISCONNECT_ASSOC, NULL), -EBADF);
	buf[7] = 0x18;
	ck_assert_int_eq(fcnvme_ls_parse_acc(buf, 24, FCNVME_LS_DISCONNECT_ASSOC, NULL), -EBADF);
}
END_TEST

/* ---- truncations and random payloads ------------------------------------ */

START_TEST(every_truncation_rejected)
{
	struct fcnvme_ls_cr_assoc_params pa;
	struct fcnvme_ls_cr_conn_params pc;
	struct fcnvme_ls_verdict v;
	uint8_t cra[1024];
	uint64_t a, c;
	size_t len;

	ls_wire_cra(cra);
	for (len = 0; len < 592; len++) {
		v.reason = 0xaa;
		ck_assert_int_eq(fcnvme_ls_parse_cr_assoc(cra, len, &pa, &v), -EINVAL);
		ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	}
	for (len = 0; len < 80; len++) {
		v.reason = 0xaa;
		ck_assert_int_eq(fcnvme_ls_parse_cr_conn(ls_wire_crc, len, &pc, &v), -EINVAL);
		ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	}
	for (len = 0; len < 48; len++) {
		v.reason = 0xaa;
		ck_assert_int_eq(fcnvme_ls_parse_disconnect_assoc(ls_wire_disc_assoc, len, &a, &v),
				 -EINVAL);
		ck_assert_uint_eq(v.reason, FCNVME_RJT_RC_LOGIC);
	}
	for (len = 0; len < 56; len++)
		ck_assert_int_eq(fcnvme_ls_parse_cr_assoc_acc(ls_wire_cra_acc, len, &a, &c, NULL),
				 -EBADF);
	for (len = 0; len < 40; len++)
		ck_assert_int_eq(fcnvme_ls_parse_cr_conn_acc(ls_wire_crc_acc, len, &c, NULL),
				 -EBADF);
	for (len = 0; len < 24; len++)
		ck_assert_int_eq(fcnvme_ls_parse_acc(ls_wire_disc_acc, len, 5, NULL), -EBADF);
}
END_TEST

/* Random and mutated payloads: only the documented results, no crash. */
START_TEST(random_payloads)
{
	static const uint8_t *const seeds[] = {
		ls_wire_crc,	 ls_wire_disc_assoc, ls_wire_cra_acc,
		ls_wire_crc_acc, ls_wire_disc_acc,   ls_wire_rjt,
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
		k = test_rng_next(&x) % 7;
		if (k == 6) {
			ls_wire_cra(buf);
			len = 1024;
		} else {
			memcpy(buf, seeds[k], seed_len[k]);
			len = seed_len[k];
		}
		/* Flip a few bytes, sometimes change the length. */
		for (k = test_rng_next(&x) % 4 + 1; k > 0; k--)
			buf[test_rng_next(&x) % len] = (uint8_t)test_rng_next(&x);
		if (test_rng_next(&x) % 4 == 0)
			len = test_rng_next(&x) % sizeof(buf);

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

/* The LS parsers' suite. */
Suite *ls_parse_suite(void)
{
	Suite *s = suite_create("ls_parse");
	TCase *t = tcase_create("target-parse");
	TCase *h = tcase_create("host-parse");
	TCase *m = tcase_create("misc");

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

	tcase_add_test(m, every_truncation_rejected);
	tcase_add_test(m, random_payloads);
	suite_add_tcase(s, m);
	return s;
}
