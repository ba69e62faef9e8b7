// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the target transport's FCP path (nvmet_fc_fcp.c,
 * nvmet_fc_rsp.c): CMD IU checks, the exact op sequences of read, write and
 * no-data commands with the data that moved, chunking at 256 KiB and at
 * max_sgl_segments, READDATA_RSP on and off, op failures and short
 * transfers, MDTS, direction checks, each of the seven ERSP conditions on
 * its own with the exact ERSP and zero-RSP bytes, the rsn sequence,
 * pool exhaustion with and without defer_rcv, and the reuse order of the
 * command contexts (last in, first out). Zero-copy Reads are
 * check_nvmet_fc_zc.c's.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "fcp_harness.h"
#include "suites_libfcnvme.h"

#define MiB (1024u * 1024)

/* Port with hwqs 4, max_sgl, features, defer; one association; I/O queue
 * 1 with sqsize and ersp_ratio. */
static void start(uint16_t max_sgl, uint32_t features, bool defer, uint16_t sqsize,
		  uint16_t ersp_ratio, uint32_t max_deferred)
{
	fh_start(1 * MiB, max_sgl, features, defer, sqsize, ersp_ratio, max_deferred);
}

static void setup_default(void)
{
	start(256, 0, true, 31, 30, 0);
}

static void teardown(void)
{
	fake_env_free();
}

/* The ERSP the last RSP op carried, byte for byte. */
static void expect_ersp(const struct fake_rec *r, uint32_t rsn, uint32_t xfrd, uint16_t cid,
			uint16_t status, uint32_t dw0, uint32_t dw1, uint16_t sqhd)
{
	uint8_t w[32] = { 0, 0, 0, 8 };

	w[4] = (uint8_t)(rsn >> 24);
	w[5] = (uint8_t)(rsn >> 16);
	w[6] = (uint8_t)(rsn >> 8);
	w[7] = (uint8_t)rsn;
	w[8] = (uint8_t)(xfrd >> 24);
	w[9] = (uint8_t)(xfrd >> 16);
	w[10] = (uint8_t)(xfrd >> 8);
	w[11] = (uint8_t)xfrd;
	w[16] = (uint8_t)dw0;
	w[17] = (uint8_t)(dw0 >> 8);
	w[18] = (uint8_t)(dw0 >> 16);
	w[19] = (uint8_t)(dw0 >> 24);
	w[20] = (uint8_t)dw1;
	w[21] = (uint8_t)(dw1 >> 8);
	w[22] = (uint8_t)(dw1 >> 16);
	w[23] = (uint8_t)(dw1 >> 24);
	w[24] = (uint8_t)sqhd;
	w[25] = (uint8_t)(sqhd >> 8);
	w[26] = 1;
	w[27] = 0; /* sq_id 1 */
	w[28] = (uint8_t)cid;
	w[29] = (uint8_t)(cid >> 8);
	w[30] = (uint8_t)(status << 1);
	w[31] = (uint8_t)(status >> 7);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->rsplen, 32);
	fh_expect_bytes(r->rsp, w, sizeof(w));
}

static void expect_zero_rsp(const struct fake_rec *r)
{
	static const uint8_t z[12];

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->rsplen, 12);
	fh_expect_bytes(r->rsp, z, sizeof(z));
}

/* ---- CMD IU checks ------------------------------------------------------ */

START_TEST(test_iu_checks)
{
	uint8_t iu[96], bad[96];
	struct fake_xchg *x;

	fake_build_cmd(iu, fh_conn, 0x02, RD, 4096, 1);
	x = fake_cmd(0, iu, 95);
	ck_assert_int_eq(x->rcv_rc, -EIO);
	memcpy(bad, iu, 96);
	bad[0] = 0xfe;
	ck_assert_int_eq(fake_cmd(0, bad, 96)->rcv_rc, -EIO);
	memcpy(bad, iu, 96);
	bad[1] = 0x08;
	ck_assert_int_eq(fake_cmd(0, bad, 96)->rcv_rc, -EIO);
	memcpy(bad, iu, 96);
	bad[3] = 23;
	ck_assert_int_eq(fake_cmd(0, bad, 96)->rcv_rc, -EIO);
	/* Unknown connection, wrong hwq, hwq out of range, qid 2 unknown. */
	memcpy(bad, iu, 96);
	bad[8] ^= 0x80;
	ck_assert_int_eq(fake_cmd(0, bad, 96)->rcv_rc, -ENOTCONN);
	ck_assert_int_eq(fake_cmd(1, iu, 96)->rcv_rc, -ENOTCONN);
	ck_assert_int_eq(fake_cmd(4, iu, 96)->rcv_rc, -ENOTCONN);
	fake_build_cmd(bad, fh_assoc | 2, 0x02, RD, 4096, 1);
	ck_assert_int_eq(fake_cmd(1, bad, 96)->rcv_rc, -ENOTCONN);
	ck_assert_int_eq(nvmet_fc_rcv_fcp_req(fake->tp, NULL, iu, 96), -EINVAL);
	/* None of them reached the core or the LLDD. */
	ck_assert_uint_eq(fcore->ninit, 0);
	ck_assert_uint_eq(fake->nrecs, 0);
	/* The admin queue lives on hwq 0 under the association id. */
	fake_build_cmd(bad, fh_assoc, 0x06, RD, 4096, 9);
	ck_assert_int_eq(fake_cmd(0, bad, 96)->rcv_rc, 0);
	ck_assert_uint_eq(fcore->ninit, 1);
}
END_TEST

/* ---- op sequences ------------------------------------------------------ */

START_TEST(test_read_sequence)
{
	struct fake_xchg *x;
	const struct fake_rec *r;
	uint32_t i;

	fcore->read_fill = 0x5a;
	x = fh_cmd(0x02, RD, 5000, 7);
	ck_assert_int_eq(x->rcv_rc, 0);
	fh_expect_ops(x, "14R"); /* READDATA, RSP, release */
	r = fake_nth(FC_FCP_OP, 0);
	ck_assert_uint_eq(r->offset, 0);
	ck_assert_uint_eq(r->transfer_length, 5000);
	ck_assert_int_eq(r->sg_cnt, 2);
	ck_assert_uint_eq(r->sg_bytes, 5000);
	ck_assert_uint_eq(r->rsplen, 0);
	expect_zero_rsp(fake_nth(FC_FCP_OP, 1));
	for (i = 0; i < 5000; i++)
		ck_assert_uint_eq(x->host[i], 0x5a);
	ck_assert_uint_eq(x->host[5000], 0);
	ck_assert_ptr_null(x->req.nvmet_fc_private);
}
END_TEST

START_TEST(test_write_sequence)
{
	struct fake_xchg *x;
	uint8_t iu[96];
	unsigned int i;

	/* Fill the host data before the command arrives: use exchange
	 * slot 0's buffer, which fake_cmd allocates now. */
	fake_build_cmd(iu, fh_conn, 0x01, WR, 8192, 3);
	fake->xchg[0].host = calloc(1, FAKE_XCHG_DATA);
	for (i = 0; i < 64; i++)
		fake->xchg[0].host[i] = (uint8_t)(i * 3 + 1);
	x = fake_cmd(0, iu, 96);
	ck_assert_int_eq(x->rcv_rc, 0);
	fh_expect_ops(x, "24R"); /* WRITEDATA, RSP, release */
	ck_assert_uint_eq(fake_nth(FC_FCP_OP, 0)->transfer_length, 8192);
	ck_assert_uint_eq(fcore->nexec, 1);
	fh_expect_bytes(fcore->write_seen, x->host, 64);
	expect_zero_rsp(fake_nth(FC_FCP_OP, 1));
}
END_TEST

START_TEST(test_nodata_sequence)
{
	struct fake_xchg *x = fh_cmd(0x00, 0, 0, 4); /* Flush */

	ck_assert_int_eq(x->rcv_rc, 0);
	fh_expect_ops(x, "4R");
	expect_zero_rsp(fake_last(FC_FCP_OP));
	ck_assert_uint_eq(fcore->nexec, 1);
}
END_TEST

/* 600 KiB write: 256 + 256 + 88 KiB, 64 + 64 + 22 elements; every byte
 * arrives in place. */
START_TEST(test_chunk_256k)
{
	struct fake_xchg *x;
	const struct fake_rec *r;
	uint8_t iu[96];
	uint32_t i;

	fake_build_cmd(iu, fh_conn, 0x01, WR, 600 * 1024, 5);
	fake->xchg[0].host = calloc(1, FAKE_XCHG_DATA);
	for (i = 0; i < 600 * 1024; i++)
		fake->xchg[0].host[i] = (uint8_t)(i * 7 + i / 4096);
	x = fake_cmd(0, iu, 96);
	ck_assert_uint_eq(fcore->write_len, 600 * 1024);
	ck_assert_uint_eq(fcore->write_hash, fake_hash(x->host, 600 * 1024));

	fh_expect_ops(x, "2224R");
	r = fake_nth(FC_FCP_OP, 0);
	ck_assert_uint_eq(r->offset, 0);
	ck_assert_uint_eq(r->transfer_length, 256 * 1024);
	ck_assert_int_eq(r->sg_cnt, 64);
	r = fake_nth(FC_FCP_OP, 1);
	ck_assert_uint_eq(r->offset, 256 * 1024);
	ck_assert_uint_eq(r->transfer_length, 256 * 1024);
	r = fake_nth(FC_FCP_OP, 2);
	ck_assert_uint_eq(r->offset, 512 * 1024);
	ck_assert_uint_eq(r->transfer_length, 88 * 1024);
	ck_assert_int_eq(r->sg_cnt, 22);
	ck_assert_uint_eq(r->sg_bytes, 88 * 1024);
}
END_TEST

/* max_sgl_segments 16: 64 KiB per op; 100 KiB read = 64 + 36. */
START_TEST(test_chunk_sgl)
{
	struct fake_xchg *x;
	const struct fake_rec *r;

	fake_env_free();
	start(16, 0, true, 31, 30, 0);
	fcore->read_fill = 0xc3;
	x = fh_cmd(0x02, RD, 100 * 1024, 5);
	fh_expect_ops(x, "114R");
	for (uint32_t i = 0; i < 100 * 1024; i++)
		ck_assert_uint_eq(x->host[i], 0xc3);
	ck_assert_uint_eq(x->host[100 * 1024], 0);
	r = fake_nth(FC_FCP_OP, 0);
	ck_assert_uint_eq(r->transfer_length, 64 * 1024);
	ck_assert_int_eq(r->sg_cnt, 16);
	r = fake_nth(FC_FCP_OP, 1);
	ck_assert_uint_eq(r->offset, 64 * 1024);
	ck_assert_uint_eq(r->transfer_length, 36 * 1024);
	ck_assert_int_eq(r->sg_cnt, 9);
}
END_TEST

/* READDATA_RSP advertised: the last data op carries the response. */
START_TEST(test_readdata_rsp)
{
	struct fake_xchg *x;

	fake_env_free();
	start(256, NVMET_FCTGTFEAT_READDATA_RSP, true, 31, 30, 0);
	x = fh_cmd(0x02, RD, 4096, 1);
	fh_expect_ops(x, "3R");
	expect_zero_rsp(fake_last(FC_FCP_OP));
	x = fh_cmd(0x02, RD, 300 * 1024, 2);
	fh_expect_ops(x, "13R");
	ck_assert_uint_eq(fake_last(FC_FCP_OP)->offset, 256 * 1024);
	ck_assert_uint_eq(fake_last(FC_FCP_OP)->transfer_length, 44 * 1024);
	/* Writes and no-data commands still use RSP. */
	fh_expect_ops(fh_cmd(0x01, WR, 4096, 3), "24R");
	fh_expect_ops(fh_cmd(0x00, 0, 0, 4), "4R");
}
END_TEST

/* READDATA_RSP refused, failed or short: abort, release, nothing else. */
START_TEST(test_readdata_rsp_failures)
{
	fake_env_free();
	start(256, NVMET_FCTGTFEAT_READDATA_RSP, true, 31, 30, 0);
	fake->fail_fcp_op[NVMET_FCOP_READDATA_RSP] = -EIO;
	fh_expect_ops(fh_cmd(0x02, RD, 4096, 1), "3AR");
	fake->err_fcp_op[NVMET_FCOP_READDATA_RSP] = -EIO;
	fh_expect_ops(fh_cmd(0x02, RD, 4096, 2), "3AR");
	fake->short_fcp_op[NVMET_FCOP_READDATA_RSP] = 100;
	fh_expect_ops(fh_cmd(0x02, RD, 4096, 3), "3AR");
	fh_expect_ops(fh_cmd(0x02, RD, 4096, 4), "3R");
}
END_TEST

/* A Connect (fabrics, host-to-controller data) on the admin queue: the
 * 1 KiB of connect data is fetched, the response is an ERSP. */
START_TEST(test_connect_admin)
{
	struct fake_xchg *x;
	uint8_t iu[96];

	fake_build_cmd(iu, fh_assoc, 0x7f, WR, 1024, 0x99);
	iu[24 + 4] = 0x01; /* fctype connect */
	x = fake_cmd(0, iu, 96);
	ck_assert_int_eq(x->rcv_rc, 0);
	fh_expect_ops(x, "24R");
	ck_assert_uint_eq(fake_nth(FC_FCP_OP, 0)->transfer_length, 1024);
	ck_assert_uint_eq(fake_last(FC_FCP_OP)->rsplen, 32);
	ck_assert_uint_eq(fake_last(FC_FCP_OP)->rsp[26], 0); /* sq_id 0 */
	ck_assert_uint_eq(fake_last(FC_FCP_OP)->rsp[11], 0); /* xfrd 1024 */
	ck_assert_uint_eq(fake_last(FC_FCP_OP)->rsp[10], 4);
	/* Auth Receive (fctype 6) is controller-to-host: READ is right. */
	fake_build_cmd(iu, fh_assoc, 0x7f, RD, 512, 0x9a);
	iu[24 + 4] = 0x06;
	fh_expect_ops(fake_cmd(0, iu, 96), "14R");
	/* ... and Connect with READ is a direction error. */
	fake_build_cmd(iu, fh_assoc, 0x7f, RD, 1024, 0x9b);
	iu[24 + 4] = 0x01;
	fh_expect_ops(fake_cmd(0, iu, 96), "AR");
}
END_TEST

/* ---- op failures and short transfers ----------------------------------- */

START_TEST(test_op_failures)
{
	/* WRITEDATA refused, failed, short: abort, release, no response,
	 * the core told (req_abort) and never executed. */
	fake->fail_fcp_op[NVMET_FCOP_WRITEDATA] = -EIO;
	fh_expect_ops(fh_cmd(0x01, WR, 8192, 1), "2AR");
	fake->err_fcp_op[NVMET_FCOP_WRITEDATA] = -EIO;
	fh_expect_ops(fh_cmd(0x01, WR, 8192, 2), "2AR");
	fake->short_fcp_op[NVMET_FCOP_WRITEDATA] = 512;
	fh_expect_ops(fh_cmd(0x01, WR, 8192, 3), "2AR");
	ck_assert_uint_eq(fcore->nexec, 0);
	ck_assert_uint_eq(fcore->nabort_req, 3);
	/* READDATA refused, failed, short. */
	fake->fail_fcp_op[NVMET_FCOP_READDATA] = -EIO;
	fh_expect_ops(fh_cmd(0x02, RD, 8192, 5), "1AR");
	fake->err_fcp_op[NVMET_FCOP_READDATA] = -EIO;
	fh_expect_ops(fh_cmd(0x02, RD, 8192, 6), "1AR");
	fake->short_fcp_op[NVMET_FCOP_READDATA] = 1;
	fh_expect_ops(fh_cmd(0x02, RD, 8192, 7), "1AR");
	/* RSP refused or failed. */
	fake->fail_fcp_op[NVMET_FCOP_RSP] = -EIO;
	fh_expect_ops(fh_cmd(0x00, 0, 0, 8), "4AR");
	fake->err_fcp_op[NVMET_FCOP_RSP] = -EIO;
	fh_expect_ops(fh_cmd(0x00, 0, 0, 9), "4AR");
	/* The pool is whole again: 31 more commands fit at once. */
	fcore->hold = true;
	for (int i = 0; i < 31; i++)
		ck_assert_int_eq(fh_cmd(0x00, 0, 0, (uint16_t)(100 + i))->rcv_rc, 0);
	fcore->hold = false;
	fake_core_complete_all();
}
END_TEST

START_TEST(test_op_fail_second_chunk)
{
	struct fake_xchg *x;

	fake->err_fcp_op[NVMET_FCOP_WRITEDATA] = 0;
	x = fh_cmd(0x01, WR, 300 * 1024, 1);
	fh_expect_ops(x, "224R");
	fake->nrecs = 0;
	fake->hold_fcp = true;
	x = fh_cmd(0x01, WR, 300 * 1024, 2);
	fake_complete(x, 0);	/* first chunk fine */
	fake_complete(x, -EIO); /* second fails */
	fh_expect_ops(x, "22AR");
	ck_assert_uint_eq(fcore->nabort_req, 1);
}
END_TEST

/* More data than max_data_len: Invalid Field|DNR in an ERSP, no data op,
 * the core never sees it. */
START_TEST(test_mdts)
{
	struct fake_xchg *x = fh_cmd(0x02, RD, 1 * MiB + 1, 0x1234);

	ck_assert_int_eq(x->rcv_rc, 0);
	fh_expect_ops(x, "4R");
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x1234, 0x002 | 0x4000, 0, 0, 0);
	ck_assert_uint_eq(fcore->ninit, 0);
	/* Exactly max_data_len is fine. */
	fh_expect_ops(fh_cmd(0x02, RD, 1 * MiB, 1), "11114R");
}
END_TEST

/* IU direction against the opcode: abort the exchange, no response. */
START_TEST(test_direction)
{
	fh_expect_ops(fh_cmd(0x02, WR, 4096, 1), "AR"); /* read op, WRITE */
	fh_expect_ops(fh_cmd(0x01, RD, 4096, 2), "AR"); /* write op, READ */
	fh_expect_ops(fh_cmd(0x02, 0, 4096, 3), "AR");	/* data, no flag */
	fh_expect_ops(fh_cmd(0x02, RD | WR, 4096, 4), "AR");
	ck_assert_uint_eq(fcore->ninit, 0);
	ck_assert_uint_eq(fake_count(FC_FCP_OP), 0);
}
END_TEST

/* req_init fails: the core's status in an ERSP, no data moved. */
START_TEST(test_req_init_fails)
{
	struct fake_xchg *x;

	fcore->init_status = 0x0b | 0x4000; /* invalid namespace */
	x = fh_cmd(0x02, RD, 8192, 0x77);
	fh_expect_ops(x, "4R");
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x77, 0x400b, 0, 0, 0);
	ck_assert_uint_eq(fcore->nexec, 0);
}
END_TEST

/* ---- the ERSP rule, one condition at a time ---------------------------- */

/* Baseline: a plain successful read gets the 12-byte zero RSP. */
START_TEST(test_ersp_none)
{
	int i;

	for (i = 0; i < 5; i++) {
		fh_cmd(0x02, RD, 4096, (uint16_t)i);
		expect_zero_rsp(fake_last(FC_FCP_OP));
	}
}
END_TEST

/* 1: every ersp_ratio-th response; rsn starts at 2 and counts ERSPs. */
START_TEST(test_ersp_ratio)
{
	uint64_t c2;
	uint8_t iu[96];
	int i;

	c2 = fake_conn(HH1, fh_assoc, 3, 5, 31); /* qid 5 on hwq 0 */
	ck_assert_uint_eq(c2, fh_assoc | 5);
	for (i = 1; i <= 9; i++) {
		const struct fake_rec *r;

		fake_build_cmd(iu, c2, 0x00, 0, 0, (uint16_t)i);
		ck_assert_int_eq(fake_cmd(0, iu, 96)->rcv_rc, 0);
		r = fake_last(FC_FCP_OP);
		if (i % 3) {
			expect_zero_rsp(r);
		} else {
			/* sq_id 5, not 1: check the bytes that differ. */
			ck_assert_uint_eq(r->rsplen, 32);
			ck_assert_uint_eq(r->rsp[7], 1 + i / 3); /* rsn */
			ck_assert_uint_eq(r->rsp[26], 5);
			ck_assert_uint_eq(r->rsp[28], i);
		}
	}
}
END_TEST

/* 2: a fabrics command (Property Get, no data). */
START_TEST(test_ersp_fabrics)
{
	uint8_t iu[96];

	fake_build_cmd(iu, fh_conn, 0x7f, 0, 0, 0x42);
	iu[24 + 4] = 0x04; /* fctype property get */
	ck_assert_int_eq(fake_cmd(0, iu, 96)->rcv_rc, 0);
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x42, 0, 0, 0, 0);
}
END_TEST

/* 3: a short transfer (the core lowered transfer_len). */
START_TEST(test_ersp_short)
{
	struct fake_xchg *x;

	fcore->lower_transfer_len = 4096;
	x = fh_cmd(0x02, RD, 8192, 0x43);
	fh_expect_ops(x, "14R");
	ck_assert_uint_eq(fake_nth(FC_FCP_OP, 0)->transfer_length, 4096);
	expect_ersp(fake_last(FC_FCP_OP), 2, 4096, 0x43, 0, 0, 0, 0);
}
END_TEST

/* 4: a non-zero status. */
START_TEST(test_ersp_status)
{
	fcore->status = 0x80; /* LBA out of range */
	fh_cmd(0x00, 0, 0, 0x44);
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x44, 0x80, 0, 0, 0);
}
END_TEST

/* 5: a result in dword 0, then in dword 1. */
START_TEST(test_ersp_result)
{
	fcore->dw0 = 0xdeadbeef;
	fh_cmd(0x00, 0, 0, 0x45);
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x45, 0, 0xdeadbeef, 0, 0);
	fcore->dw1 = 1;
	fh_cmd(0x00, 0, 0, 0x46);
	expect_ersp(fake_last(FC_FCP_OP), 3, 0, 0x46, 0, 0, 1, 0);
}
END_TEST

/* 6: a fused command. */
START_TEST(test_ersp_fused)
{
	uint8_t iu[96];

	fake_build_cmd(iu, fh_conn, 0x00, 0, 0, 0x47);
	iu[24 + 1] |= NVME_CMD_FUSE_FIRST;
	ck_assert_int_eq(fake_cmd(0, iu, 96)->rcv_rc, 0);
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x47, 0, 0, 0, 0);
}
END_TEST

/* 7: the queue at least 90% full (sqsize 31: used*10 >= 270). */
START_TEST(test_ersp_90percent)
{
	/* sqtail 1 after the command; sq_head 6: used 26, not full. */
	fcore->set_sq_head = true;
	fcore->sq_head = 6;
	fh_cmd(0x00, 0, 0, 0x48);
	expect_zero_rsp(fake_last(FC_FCP_OP));
	/* sqtail 2; sq_head 6: used 27, full. */
	fcore->set_sq_head = true;
	fcore->sq_head = 6;
	fh_cmd(0x00, 0, 0, 0x49);
	expect_ersp(fake_last(FC_FCP_OP), 2, 0, 0x49, 0, 0, 0, 6);
}
END_TEST

/* ---- pool exhaustion --------------------------------------------------- */

/* Without defer_rcv: -ENOENT, nothing recorded for the refused one. */
START_TEST(test_pool_no_defer)
{
	struct fake_xchg *x;
	int i;

	fake_env_free();
	start(256, 0, false, 3, 2, 0);
	fcore->hold = true;
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(fh_cmd(0x00, 0, 0, (uint16_t)i)->rcv_rc, 0);
	x = fh_cmd(0x00, 0, 0, 3);
	ck_assert_int_eq(x->rcv_rc, -ENOENT);
	ck_assert_uint_eq(fake_count_x(FC_FCP_RELEASE, x), 0);
	fake_core_complete_all();
	ck_assert_uint_eq(fake_count(FC_FCP_RELEASE), 3);
	ck_assert_int_eq(fh_cmd(0x00, 0, 0, 4)->rcv_rc, 0);
}
END_TEST

/* With defer_rcv: -EOVERFLOW up to max_deferred, then -ENOENT; a freed
 * context starts the oldest deferred command after defer_rcv. */
START_TEST(test_pool_defer)
{
	struct fake_xchg *d1, *d2, *d3;
	int i;

	fake_env_free();
	start(256, 0, true, 3, 2, 2);
	fcore->hold = true;
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(fh_cmd(0x00, 0, 0, (uint16_t)i)->rcv_rc, 0);
	d1 = fh_cmd(0x02, RD, 4096, 10);
	d2 = fh_cmd(0x00, 0, 0, 11);
	d3 = fh_cmd(0x00, 0, 0, 12);
	ck_assert_int_eq(d1->rcv_rc, -EOVERFLOW);
	ck_assert_int_eq(d2->rcv_rc, -EOVERFLOW);
	ck_assert_int_eq(d3->rcv_rc, -ENOENT);
	ck_assert_uint_eq(fcore->ninit, 3);
	fake_core_complete(0);
	/* d1 started: defer_rcv first, then into the core. */
	ck_assert_uint_eq(fcore->ninit, 4);
	fh_expect_ops(d1, "D");
	ck_assert_uint_eq(fake_count_x(FC_DEFER_RCV, d2), 0);
	fcore->hold = false;
	fake_core_complete_all();
	fh_expect_ops(d1, "D14R");
	fh_expect_ops(d2, "D4R");
	ck_assert_uint_eq(fcore->ninit, 5);
	ck_assert_uint_eq(fake_count(FC_FCP_RELEASE), 5);
}
END_TEST

/* The context a command released is the next one taken (last in, first
 * out): three writes one after the other, on a queue of 32 contexts, move
 * their data through the same context buffer (first in, first out gave
 * each the next of the 32). */
START_TEST(test_pool_lifo)
{
	void *buf;
	int i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(fh_cmd(0x01, WR, 4096, (uint16_t)i)->rcv_rc, 0);
	ck_assert_uint_eq(fake_count(FC_FCP_OP), 6); /* WRITEDATA, RSP each */
	buf = fake_nth(FC_FCP_OP, 0)->sg0;
	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_eq(fake_nth(FC_FCP_OP, 2)->sg0, buf);
	ck_assert_ptr_eq(fake_nth(FC_FCP_OP, 4)->sg0, buf);
}
END_TEST

/* The suite. */
Suite *nvmet_fc_fcp_suite(void)
{
	Suite *s = suite_create("nvmet_fc_fcp");
	TCase *tc = tcase_create("fcp");

	tcase_add_checked_fixture(tc, setup_default, teardown);
	tcase_add_test(tc, test_iu_checks);
	tcase_add_test(tc, test_read_sequence);
	tcase_add_test(tc, test_write_sequence);
	tcase_add_test(tc, test_nodata_sequence);
	tcase_add_test(tc, test_chunk_256k);
	tcase_add_test(tc, test_chunk_sgl);
	tcase_add_test(tc, test_readdata_rsp);
	tcase_add_test(tc, test_readdata_rsp_failures);
	tcase_add_test(tc, test_connect_admin);
	tcase_add_test(tc, test_op_failures);
	tcase_add_test(tc, test_op_fail_second_chunk);
	tcase_add_test(tc, test_mdts);
	tcase_add_test(tc, test_direction);
	tcase_add_test(tc, test_req_init_fails);
	tcase_add_test(tc, test_ersp_none);
	tcase_add_test(tc, test_ersp_ratio);
	tcase_add_test(tc, test_ersp_fabrics);
	tcase_add_test(tc, test_ersp_short);
	tcase_add_test(tc, test_ersp_status);
	tcase_add_test(tc, test_ersp_result);
	tcase_add_test(tc, test_ersp_fused);
	tcase_add_test(tc, test_ersp_90percent);
	tcase_add_test(tc, test_pool_no_defer);
	tcase_add_test(tc, test_pool_defer);
	tcase_add_test(tc, test_pool_lifo);
	suite_add_tcase(s, tc);
	return s;
}
