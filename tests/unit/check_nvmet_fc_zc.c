// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the target transport's zero-copy Reads
 * (nvmet_fc_req_data_ref): the sg handed to the LLDD points into the
 * backend's memory and the host gets those bytes, refusal without
 * NVMET_FCTGTFEAT_DATA_VADDR or with a wrong length, data ops chunked at
 * max_sgl_segments and 256 KiB, a failed data op, and the command
 * context's own buffer for the next command.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "fcp_harness.h"
#include "suites_libfcnvme.h"

#define MiB (1024u * 1024)

/* Port with hwqs 4, max_sgl, features NVMET_FCTGTFEAT_DATA_VADDR plus
 * more, defer_rcv; I/O queue 1 with two command contexts, ERSP every
 * time. */
static void start_zc(uint16_t max_sgl, uint32_t more_features)
{
	fh_start(1 * MiB, max_sgl, NVMET_FCTGTFEAT_DATA_VADDR | more_features, true, 2, 1, 0);
}

/* Without the feature: as check_nvmet_fc_fcp.c's default. */
static void setup_plain(void)
{
	fh_start(1 * MiB, 256, 0, true, 31, 30, 0);
}

static void teardown(void)
{
	fake_env_free();
}

/* A 1 MiB "backend image" with a pattern that differs in every 4 KiB
 * element (no random input). */
static uint8_t *image_new(void)
{
	uint8_t *m = malloc(MiB);
	uint32_t i;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < MiB; i++)
		m[i] = (uint8_t)(i * 7 + i / 4096 + 1);
	return m;
}

static bool in_image(const uint8_t *img, const void *p)
{
	return (const uint8_t *)p >= img && (const uint8_t *)p < img + MiB;
}

/* The op's sg is nsg elements of 4 KiB in a row from want. */
static void expect_sg(const struct fake_rec *r, const void *want, uint32_t off, uint32_t len,
		      int nsg)
{
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->offset, off);
	ck_assert_uint_eq(r->transfer_length, len);
	ck_assert_int_eq(r->sg_cnt, nsg);
	ck_assert_uint_eq(r->sg_bytes, len);
	ck_assert_ptr_eq(r->sg0, want);
	ck_assert(r->sg_contig);
}

/* With NVMET_FCTGTFEAT_DATA_VADDR the Read's sg points into the image and
 * the host gets the image's bytes; the next commands in the same context
 * use the context's own buffer again. Two contexts (sqsize 2), taken in
 * turn: Flushes in between bring the next command to the same one. */
START_TEST(test_data_ref_read)
{
	uint8_t *img = image_new(), iu[96];
	struct fake_xchg *x;
	void *own;
	uint32_t i;

	fake_env_free();
	start_zc(256, 0);
	/* A copying Read first: context 0's own buffer. */
	fcore->read_fill = 0x11;
	x = fh_cmd(0x02, RD, 4096, 1);
	fh_expect_ops(x, "14R");
	own = fake_nth(FC_FCP_OP, 0)->sg0;
	ck_assert(!in_image(img, own));
	fh_expect_ops(fh_cmd(0x00, 0, 0, 2), "4R"); /* context 1 */

	fcore->read_ref = img + 4096 + 512;
	x = fh_cmd(0x02, RD, 5000, 3);
	ck_assert_int_eq(x->rcv_rc, 0);
	ck_assert_int_eq(fcore->read_ref_rc, 0);
	fh_expect_ops(x, "14R");
	expect_sg(fake_nth(FC_FCP_OP, 3), img + 4608, 0, 5000, 2);
	ck_assert_mem_eq(x->host, img + 4608, 5000);
	ck_assert_uint_eq(x->host[5000], 0);
	ck_assert_uint_eq(fcore->ndata_done, 1);
	fh_expect_ops(fh_cmd(0x00, 0, 0, 4), "4R");

	/* A Write in the same context lands in its own buffer. */
	fcore->read_ref = NULL;
	fake_build_cmd(iu, fh_conn, 0x01, WR, 8192, 5);
	fake->xchg[fake->nxchg].host = calloc(1, FAKE_XCHG_DATA);
	for (i = 0; i < 8192; i++)
		fake->xchg[fake->nxchg].host[i] = (uint8_t)(i * 13 + 5);
	x = fake_cmd(0, iu, 96);
	fh_expect_ops(x, "24R");
	expect_sg(fake_nth(FC_FCP_OP, 6), own, 0, 8192, 2);
	ck_assert_uint_eq(fcore->write_hash, fake_hash(x->host, 8192));
	fh_expect_ops(fh_cmd(0x00, 0, 0, 6), "4R");
	/* A longer copying Read: every element points at the own buffer
	 * again, full length. */
	fcore->read_fill = 0x5a;
	x = fh_cmd(0x02, RD, 100 * 1024, 7);
	fh_expect_ops(x, "14R");
	expect_sg(fake_nth(FC_FCP_OP, 9), own, 0, 100 * 1024, 25);
	for (i = 0; i < 100 * 1024; i++)
		ck_assert_uint_eq(x->host[i], 0x5a);
	/* The image was only read. */
	{
		uint8_t *orig = image_new();

		ck_assert_int_eq(memcmp(img, orig, MiB), 0);
		free(orig);
	}
	ck_assert_uint_eq(fcore->ndata_done, 1);
	free(img);
}
END_TEST

/* Without the feature (or with a wrong length) the core is told no and
 * copies into the context's buffer; req_data_done never comes. */
START_TEST(test_data_ref_refused)
{
	uint8_t *img = image_new();
	struct fake_xchg *x;
	const struct fake_rec *r;

	fcore->read_ref = img + 512;
	x = fh_cmd(0x02, RD, 5000, 1);
	ck_assert_int_eq(fcore->read_ref_rc, -EOPNOTSUPP);
	fh_expect_ops(x, "14R");
	r = fake_nth(FC_FCP_OP, 0);
	ck_assert(!in_image(img, r->sg0));
	ck_assert(r->sg_contig);
	ck_assert_mem_eq(x->host, img + 512, 5000);

	fake_env_free();
	start_zc(256, 0);
	fcore->read_ref = img + 512;
	fcore->read_ref_len = 4096;
	x = fh_cmd(0x02, RD, 5000, 1);
	ck_assert_int_eq(fcore->read_ref_rc, -EINVAL);
	fh_expect_ops(x, "14R");
	ck_assert(!in_image(img, fake_nth(FC_FCP_OP, 0)->sg0));
	ck_assert_mem_eq(x->host, img + 512, 5000);
	ck_assert_uint_eq(fcore->ndata_done, 0);
	/* A core holding the request may reference its memory until it
	 * completes it; not after (the data may be moving then). */
	fcore->read_ref = NULL;
	fcore->read_fill = 0x22;
	fcore->hold = true;
	x = fh_cmd(0x02, RD, 4096, 2);
	ck_assert_uint_eq(fcore->nheld, 1);
	{
		struct nvmet_fc_req *held = fcore->held[0];

		ck_assert(held->data_ref_ok);
		ck_assert_int_eq(nvmet_fc_req_data_ref(held, img + 8192, 4096), 0);
		fake_core_complete_all();
		fh_expect_ops(x, "14R");
		ck_assert_ptr_eq(fake_nth(FC_FCP_OP, 2)->sg0, img + 8192);
		ck_assert_mem_eq(x->host, img + 8192, 4096);
		ck_assert_uint_eq(fcore->ndata_done, 1);
		ck_assert_int_eq(nvmet_fc_req_data_ref(held, img, 4096), -EINVAL);
	}
	/* Requests the transport did not make are refused, not touched. */
	{
		struct nvmet_fc_req other;

		memset(&other, 0, sizeof(other));
		other.transfer_len = 512;
		ck_assert_int_eq(nvmet_fc_req_data_ref(&other, img, 512), -EOPNOTSUPP);
		ck_assert_int_eq(nvmet_fc_req_data_ref(NULL, img, 512), -EOPNOTSUPP);
	}
	free(img);
}
END_TEST

/* A zero-copy Read of several data ops: at max_sgl_segments 16, 600 KiB
 * from an unaligned image offset is nine 64 KiB ops and one of 24 KiB,
 * each pointing at its own part of the image; at 256 elements 1 MiB is four
 * 256 KiB ops. */
START_TEST(test_data_ref_chunks)
{
	uint8_t *img = image_new();
	struct fake_xchg *x;
	uint32_t n;

	fake_env_free();
	start_zc(16, 0);
	fcore->read_ref = img + 512;
	x = fh_cmd(0x02, RD, 600 * 1024, 1);
	ck_assert_int_eq(fcore->read_ref_rc, 0);
	fh_expect_ops(x, "11111111114R");
	for (n = 0; n < 9; n++)
		expect_sg(fake_nth(FC_FCP_OP, n), img + 512 + n * 65536, n * 65536, 65536, 16);
	expect_sg(fake_nth(FC_FCP_OP, 9), img + 512 + 9 * 65536, 9 * 65536, 24 * 1024, 6);
	ck_assert_mem_eq(x->host, img + 512, 600 * 1024);
	ck_assert_uint_eq(x->host[600 * 1024], 0);
	ck_assert_uint_eq(fcore->ndata_done, 1);

	fake_env_free();
	start_zc(256, NVMET_FCTGTFEAT_READDATA_RSP);
	fcore->read_ref = img;
	x = fh_cmd(0x02, RD, MiB, 1);
	fh_expect_ops(x, "1113R");
	for (n = 0; n < 4; n++)
		expect_sg(fake_nth(FC_FCP_OP, n), img + n * 262144, n * 262144, 262144, 64);
	ck_assert_mem_eq(x->host, img, MiB);
	ck_assert_uint_eq(fcore->ndata_done, 1);
	free(img);
}
END_TEST

/* A zero-copy Read whose data op fails still ends with req_data_done, and
 * the context's next Read copies through its own buffer. */
START_TEST(test_data_ref_failed_op)
{
	uint8_t *img = image_new();
	struct fake_xchg *x;
	void *own;
	uint32_t i;

	fake_env_free();
	start_zc(256, 0);
	x = fh_cmd(0x02, RD, 4096, 1);
	own = fake_nth(FC_FCP_OP, 0)->sg0;
	fh_expect_ops(fh_cmd(0x00, 0, 0, 2), "4R");
	fcore->read_ref = img;
	fake->err_fcp_op[NVMET_FCOP_READDATA] = -EIO;
	x = fh_cmd(0x02, RD, 8192, 3);
	fh_expect_ops(x, "1AR");
	ck_assert_uint_eq(fcore->ndata_done, 1);
	fh_expect_ops(fh_cmd(0x00, 0, 0, 4), "4R");
	fcore->read_ref = NULL;
	fcore->read_fill = 0x77;
	x = fh_cmd(0x02, RD, 8192, 5);
	fh_expect_ops(x, "14R");
	expect_sg(fake_nth(FC_FCP_OP, 5), own, 0, 8192, 2);
	for (i = 0; i < 8192; i++)
		ck_assert_uint_eq(x->host[i], 0x77);
	ck_assert_uint_eq(fcore->ndata_done, 1);
	free(img);
}
END_TEST

Suite *nvmet_fc_zc_suite(void)
{
	Suite *s = suite_create("nvmet_fc_zc");
	TCase *tc = tcase_create("zc");

	tcase_add_checked_fixture(tc, setup_plain, teardown);
	tcase_add_test(tc, test_data_ref_read);
	tcase_add_test(tc, test_data_ref_refused);
	tcase_add_test(tc, test_data_ref_chunks);
	tcase_add_test(tc, test_data_ref_failed_op);
	suite_add_tcase(s, tc);
	return s;
}
