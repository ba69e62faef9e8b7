// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the wire layouts of fc_wire.h and nvme.h: sizes and
 * offsets checked at run time against the numbers of
 * Linux's include/linux/nvme-fc.h and the NVMe specifications (the headers
 * also assert them at compile time), and the byte images of a filled CMD IU
 * and ERSP IU compared with hand-written bytes, which catches a wrong byte
 * order where a size check cannot.
 */
#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme.h>
#include <fcnvme/wwn.h>

#include "suites_libfcnvme.h"

struct layout_row {
	const char *what;
	size_t got, want;
};

#define SZ(t, n)                           \
	{                                  \
		"sizeof " #t, sizeof(t), n \
	}
#define OFF(t, f, n)                         \
	{                                    \
#t "." #f, offsetof(t, f), n \
	}

static const struct layout_row layout_rows[] = {
	SZ(struct fcnvme_ls_rqst_w0, 4),
	SZ(struct fcnvme_lsdesc_rqst, 16),
	SZ(struct fcnvme_lsdesc_rjt, 16),
	OFF(struct fcnvme_lsdesc_rjt, reason_code, 9),
	OFF(struct fcnvme_lsdesc_rjt, reason_explanation, 10),
	OFF(struct fcnvme_lsdesc_rjt, vendor, 11),
	SZ(struct fcnvme_lsdesc_assoc_id, 16),
	OFF(struct fcnvme_lsdesc_assoc_id, association_id, 8),
	SZ(struct fcnvme_lsdesc_conn_id, 16),
	OFF(struct fcnvme_lsdesc_conn_id, connection_id, 8),
	SZ(struct fcnvme_lsdesc_cr_assoc_cmd, 1016),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, ersp_ratio, 8),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, cntlid, 48),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, sqsize, 50),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, hostid, 56),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, hostnqn, 72),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, subnqn, 328),
	OFF(struct fcnvme_lsdesc_cr_assoc_cmd, rsvd584, 584),
	SZ(struct fcnvme_lsdesc_cr_conn_cmd, 56),
	OFF(struct fcnvme_lsdesc_cr_conn_cmd, ersp_ratio, 8),
	OFF(struct fcnvme_lsdesc_cr_conn_cmd, qid, 48),
	OFF(struct fcnvme_lsdesc_cr_conn_cmd, sqsize, 50),
	SZ(struct fcnvme_lsdesc_disconn_cmd, 24),
	SZ(struct fcnvme_ls_acc_hdr, 24),
	OFF(struct fcnvme_ls_acc_hdr, desc_list_len, 4),
	OFF(struct fcnvme_ls_acc_hdr, rqst, 8),
	SZ(struct fcnvme_ls_rjt, 40),
	OFF(struct fcnvme_ls_rjt, rjt, 24),
	SZ(struct fcnvme_ls_cr_assoc_rqst, 1024),
	OFF(struct fcnvme_ls_cr_assoc_rqst, assoc_cmd, 8),
	SZ(struct fcnvme_ls_cr_assoc_acc, 56),
	OFF(struct fcnvme_ls_cr_assoc_acc, associd, 24),
	OFF(struct fcnvme_ls_cr_assoc_acc, connectid, 40),
	SZ(struct fcnvme_ls_cr_conn_rqst, 80),
	OFF(struct fcnvme_ls_cr_conn_rqst, associd, 8),
	OFF(struct fcnvme_ls_cr_conn_rqst, connect_cmd, 24),
	SZ(struct fcnvme_ls_cr_conn_acc, 40),
	OFF(struct fcnvme_ls_cr_conn_acc, connectid, 24),
	SZ(struct fcnvme_ls_disconnect_assoc_rqst, 48),
	OFF(struct fcnvme_ls_disconnect_assoc_rqst, discon_cmd, 24),
	SZ(struct fcnvme_ls_disconnect_assoc_acc, 24),
	SZ(struct fcnvme_ls_disconnect_conn_rqst, 40),
	OFF(struct fcnvme_ls_disconnect_conn_rqst, connectid, 24),
	SZ(struct fcnvme_ls_disconnect_conn_acc, 24),
	{ "CRA_CMD_DESC_MINLEN", FCNVME_LSDESC_CRA_CMD_DESC_MINLEN, 584 },
	{ "CRA_CMD_DESC_MIN_DESCLEN", FCNVME_LSDESC_CRA_CMD_DESC_MIN_DESCLEN, 576 },
	{ "CRA_RQST_MINLEN", FCNVME_LSDESC_CRA_RQST_MINLEN, 592 },
	{ "CRA_RQST_MIN_LISTLEN", FCNVME_LSDESC_CRA_RQST_MIN_LISTLEN, 584 },
	SZ(struct nvme_fc_cmd_iu, 96),
	OFF(struct nvme_fc_cmd_iu, iu_len, 2),
	OFF(struct nvme_fc_cmd_iu, rsv_cat, 6),
	OFF(struct nvme_fc_cmd_iu, flags, 7),
	OFF(struct nvme_fc_cmd_iu, connection_id, 8),
	OFF(struct nvme_fc_cmd_iu, csn, 16),
	OFF(struct nvme_fc_cmd_iu, data_len, 20),
	OFF(struct nvme_fc_cmd_iu, sqe, 24),
	OFF(struct nvme_fc_cmd_iu, dps, 88),
	OFF(struct nvme_fc_cmd_iu, lbads, 89),
	OFF(struct nvme_fc_cmd_iu, ms, 90),
	SZ(struct nvme_fc_ersp_iu, 32),
	OFF(struct nvme_fc_ersp_iu, iu_len, 2),
	OFF(struct nvme_fc_ersp_iu, rsn, 4),
	OFF(struct nvme_fc_ersp_iu, xfrd_len, 8),
	OFF(struct nvme_fc_ersp_iu, cqe, 16),
	SZ(struct nvme_fc_xfer_rdy_iu, 12),
	OFF(struct nvme_fc_xfer_rdy_iu, burst_len, 4),
	SZ(struct nvme_fc_nvme_sr_iu, 8),
	OFF(struct nvme_fc_nvme_sr_iu, opcode, 1),
	OFF(struct nvme_fc_nvme_sr_iu, retry_rctl, 3),
	OFF(struct nvme_fc_nvme_sr_iu, rsvd4, 4),
	SZ(struct nvme_fc_nvme_sr_rsp_iu, 8),
	OFF(struct nvme_fc_nvme_sr_rsp_iu, opcode, 1),
	OFF(struct nvme_fc_nvme_sr_rsp_iu, status, 3),
	OFF(struct nvme_fc_nvme_sr_rsp_iu, rsvd4, 4),
	SZ(struct nvme_sgl_desc, 16),
	OFF(struct nvme_sgl_desc, length, 8),
	OFF(struct nvme_sgl_desc, type, 15),
	SZ(struct nvme_command, 64),
	OFF(struct nvme_common_command, command_id, 2),
	OFF(struct nvme_common_command, nsid, 4),
	OFF(struct nvme_common_command, metadata, 16),
	OFF(struct nvme_common_command, dptr, 24),
	OFF(struct nvme_common_command, cdw10, 40),
	OFF(struct nvme_rw_command, slba, 40),
	OFF(struct nvme_rw_command, length, 48),
	OFF(struct nvmf_common_command, fctype, 4),
	OFF(struct nvmf_connect_command, recfmt, 40),
	OFF(struct nvmf_connect_command, qid, 42),
	OFF(struct nvmf_connect_command, sqsize, 44),
	OFF(struct nvmf_connect_command, cattr, 46),
	OFF(struct nvmf_connect_command, kato, 48),
	SZ(struct nvmf_connect_data, 1024),
	OFF(struct nvmf_connect_data, cntlid, 16),
	OFF(struct nvmf_connect_data, subsysnqn, 256),
	OFF(struct nvmf_connect_data, hostnqn, 512),
	OFF(struct nvmf_property_set_command, attrib, 40),
	OFF(struct nvmf_property_set_command, offset, 44),
	OFF(struct nvmf_property_set_command, value, 48),
	OFF(struct nvmf_property_get_command, offset, 44),
	SZ(struct nvme_completion, 16),
	OFF(struct nvme_completion, sq_head, 8),
	OFF(struct nvme_completion, sq_id, 10),
	OFF(struct nvme_completion, command_id, 12),
	OFF(struct nvme_completion, status, 14),
};

START_TEST(layout_sizes_offsets)
{
	const struct layout_row *r = &layout_rows[_i];

	ck_assert_msg(r->got == r->want, "%s is %zu, want %zu", r->what, r->got, r->want);
}
END_TEST

START_TEST(layout_constants)
{
	ck_assert_uint_eq(FC_TYPE_NVME, 0x28);
	ck_assert_uint_eq(FC_RCTL_ELS4_REQ, 0x32);
	ck_assert_uint_eq(FC_RCTL_ELS4_REP, 0x33);
	ck_assert_uint_eq(NVME_CMD_FORMAT_ID, 0xfd);
	ck_assert_uint_eq(NVME_SGL_TYPE_FC_DATA, 0x5a);
	ck_assert_uint_eq(NVME_FC_LS_TIMEOUT_SEC, 20);
	ck_assert_uint_eq(NVME_FC_TRADDR_MAXLENGTH, 43);
	ck_assert_uint_eq(NVME_FC_TRADDR_MINLENGTH, 39);
	ck_assert_uint_eq(NVME_FC_TRADDR_NNLEN, 3);
	ck_assert_uint_eq(NVME_FC_TRADDR_OXNNLEN, 5);
	ck_assert_uint_eq(NVME_FC_TRADDR_HEXNAMELEN, 16);
	ck_assert_uint_eq(NVME_FC_TRADDR_MIN_PN_OFFSET, 20);
	ck_assert_uint_eq(NVME_FC_TRADDR_MAX_PN_OFFSET, 22);
	ck_assert_uint_eq(FCNVME_RJT_EXP_INV_QUEUE_ID, 0x42);
	ck_assert_uint_eq(FCNVME_NVME_SR_OPCODE, 0x01);
	ck_assert_uint_eq(FCNVME_NVME_SR_RSP_OPCODE, 0x02);
	ck_assert_uint_eq(FCNVME_SRSTAT_ACC, 0x0);
	ck_assert_uint_eq(FCNVME_SRSTAT_LOGICAL_ERR, 0x3);
	ck_assert_uint_eq(FCNVME_SRSTAT_INV_QUALIF, 0x4);
	ck_assert_uint_eq(FCNVME_SRSTAT_UNABL2PERFORM, 0x9);
	ck_assert_uint_eq(NVME_FC_MAX_LS_RQST_LEN, 1024);
	ck_assert_uint_eq(NVME_FC_MAX_LS_RSP_LEN, 128);
	ck_assert_uint_eq(FCNVME_RJT_RC_INV_ASSOC, 0x40);
	ck_assert_uint_eq(FCNVME_RJT_EXP_INV_SUBNQN, 0x46);
	ck_assert_uint_eq(be32_to_cpu(fcnvme_lsdesc_len(sizeof(struct fcnvme_lsdesc_cr_assoc_cmd))),
			  1008);
}
END_TEST

/* A 4 KiB write of 8 blocks at LBA 0x10 on an I/O queue, by hand. */
static const uint8_t exp_cmd_iu[96] = {
	0xfd, 0x28, 0x00, 0x18, 0x00, 0x00, 0x08, 0x01, /* fmt, fc_id, 24 words, cat, WRITE */
	0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0x00, 0x03, /* connection_id */
	0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x10, 0x00, /* csn 7, data_len 4096 */
	0x01, 0x40, 0x42, 0x00, 0x01, 0x00, 0x00, 0x00, /* SQE: write, METABUF, cid, nsid (LE) */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* metadata */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* dptr.addr */
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5a, /* dptr.length, type 0x5a */
	0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* slba */
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* nlb 7 (0's based) */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* dps, lbads, ms, rsvd */
};

START_TEST(layout_cmd_iu_image)
{
	struct nvme_fc_cmd_iu iu;
	struct nvme_command sqe;

	memset(&iu, 0, sizeof(iu));
	memset(&sqe, 0, sizeof(sqe));
	iu.format_id = NVME_CMD_FORMAT_ID;
	iu.fc_id = NVME_CMD_FC_ID;
	iu.iu_len = cpu_to_be16(sizeof(iu) / 4);
	iu.rsv_cat = FCNVME_CMD_CAT_CSSFLAG;
	iu.flags = FCNVME_CMD_FLAGS_WRITE;
	iu.connection_id = cpu_to_be64(0x1234567890ab0003ULL);
	iu.csn = cpu_to_be32(7);
	iu.data_len = cpu_to_be32(4096);
	sqe.rw.opcode = 0x01;
	sqe.rw.flags = NVME_CMD_SGL_METABUF;
	sqe.rw.command_id = htole16(0x42);
	sqe.rw.nsid = htole32(1);
	sqe.rw.dptr.length = htole32(4096);
	sqe.rw.dptr.type = NVME_SGL_TYPE_FC_DATA;
	sqe.rw.slba = htole64(0x10);
	sqe.rw.length = htole16(7);
	memcpy(iu.sqe, &sqe, sizeof(sqe));
	ck_assert_mem_eq(&iu, exp_cmd_iu, sizeof(exp_cmd_iu));
}
END_TEST

/* An ERSP for command 0x42 with status 0x02 and dw0 0x11223344, by hand. */
static const uint8_t exp_ersp[32] = {
	0x00, 0x00, 0x00, 0x08, /* result, rsvd, 8 words */
	0x00, 0x00, 0x00, 0x02, /* rsn 2 */
	0x00, 0x00, 0x10, 0x00, /* xfrd_len 4096 */
	0x00, 0x00, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11,
	0x00, 0x00, 0x00, 0x00,				/* CQE dw0, dw1 (LE) */
	0x05, 0x00, 0x03, 0x00, 0x42, 0x00, 0x04, 0x00, /* sq_head, sq_id, cid, status */
};

START_TEST(layout_ersp_image)
{
	struct nvme_fc_ersp_iu e;
	struct nvme_completion cqe;

	memset(&e, 0, sizeof(e));
	memset(&cqe, 0, sizeof(cqe));
	e.iu_len = cpu_to_be16(sizeof(e) / 4);
	e.rsn = cpu_to_be32(2);
	e.xfrd_len = cpu_to_be32(4096);
	cqe.result.dw0 = htole32(0x11223344);
	cqe.sq_head = htole16(5);
	cqe.sq_id = htole16(3);
	cqe.command_id = htole16(0x42);
	cqe.status = htole16(0x02 << 1);
	memcpy(e.cqe, &cqe, sizeof(cqe));
	ck_assert_mem_eq(&e, exp_ersp, sizeof(exp_ersp));
}
END_TEST

/* An SR asking for the DATA sequence again, and its LS-style answer. */
static const uint8_t exp_sr[8] = { 0x28, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t exp_sr_rsp[8] = { 0x28, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00 };

START_TEST(layout_sr_image)
{
	struct nvme_fc_nvme_sr_iu sr;
	struct nvme_fc_nvme_sr_rsp_iu rsp;
	char traddr[NVME_FC_TRADDR_MAXLENGTH + 1];

	memset(&sr, 0, sizeof(sr));
	sr.fc_id = NVME_CMD_FC_ID;
	sr.opcode = FCNVME_NVME_SR_OPCODE;
	sr.retry_rctl = FCNVME_RS_RCTL_DATA;
	ck_assert_mem_eq(&sr, exp_sr, sizeof(exp_sr));
	memset(&rsp, 0, sizeof(rsp));
	rsp.fc_id = NVME_CMD_FC_ID;
	rsp.opcode = FCNVME_NVME_SR_RSP_OPCODE;
	rsp.status = FCNVME_SRSTAT_INV_QUALIF;
	ck_assert_mem_eq(&rsp, exp_sr_rsp, sizeof(exp_sr_rsp));
	/* The canonical traddr is exactly MAXLENGTH long, pn at its offset. */
	ck_assert_int_eq(fcnvme_traddr_format(0x20000090fa00c001ull, 0x10000090fa00c001ull, traddr,
					      sizeof(traddr)),
			 0);
	ck_assert_uint_eq(strlen(traddr), NVME_FC_TRADDR_MAXLENGTH);
	ck_assert_mem_eq(traddr + NVME_FC_TRADDR_MAX_PN_OFFSET, "pn-0x", NVME_FC_TRADDR_OXNNLEN);
}
END_TEST

START_TEST(layout_byteorder)
{
	fcnvme_be64 v = cpu_to_be64(0x0102030405060708ULL);
	fcnvme_be16 s = cpu_to_be16(0xa1b2);
	const uint8_t want[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint8_t want16[2] = { 0xa1, 0xb2 };

	ck_assert_mem_eq(&v, want, 8);
	ck_assert_mem_eq(&s, want16, 2);
	ck_assert_uint_eq(be64_to_cpu(v), 0x0102030405060708ULL);
	ck_assert_uint_eq(be16_to_cpu(s), 0xa1b2);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The wire layout suite. */
Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *t = tcase_create("layout");

	tcase_add_loop_test(t, layout_sizes_offsets, 0, NROWS(layout_rows));
	tcase_add_test(t, layout_constants);
	tcase_add_test(t, layout_cmd_iu_image);
	tcase_add_test(t, layout_ersp_image);
	tcase_add_test(t, layout_sr_image);
	tcase_add_test(t, layout_byteorder);
	suite_add_tcase(s, t);
	return s;
}
