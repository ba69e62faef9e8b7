// SPDX-License-Identifier: Apache-2.0
/*
 * Target core: what a controller advertises is what its port's transport
 * enforces. The fake transport states the port limits in sq_info (port 2
 * small, port 1 the defaults) and the tests read them back byte by byte:
 * Identify MDTS and MAXCMD, CAP.MQES, the Number of Queues granted, the I/O
 * Connect sqsize and qid limits, the per-command data limit, and the
 * discovery controller's MDTS.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

/* Port 2: 16 KiB per command, 16-entry I/O queues, 2 I/O queues. */
static void small_port2(void)
{
	char err[128];

	H->lim2.max_data_len = 16 * 1024;
	H->lim2.max_queue_size = 16;
	H->lim2.max_io_queues = 2;
	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 2, err, sizeof(err)), 0);
}

static uint64_t cap_of(struct h_assoc *a)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint64_t v;

	r->cmd.prop_get.opcode = nvme_fabrics_command;
	r->cmd.prop_get.fctype = nvme_fabrics_type_property_get;
	r->cmd.prop_get.attrib = 1;
	r->cmd.prop_get.offset = htole32(NVME_REG_CAP);
	ck_assert_uint_eq(h_run(r), 0);
	v = le64toh(r->cqe.result.u64);
	h_req_free(r);
	return v;
}

/* Set (set true) or get Features Number of Queues; returns dword 0. */
static uint32_t nr_queues(struct h_assoc *a, bool set, uint32_t cdw11)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint32_t v;

	r->cmd.common.opcode = set ? nvme_admin_set_features : nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_NUM_QUEUES);
	r->cmd.common.cdw11 = htole32(cdw11);
	ck_assert_uint_eq(h_run(r), 0);
	v = le32toh(r->cqe.result.dw0);
	h_req_free(r);
	return v;
}

static uint32_t connect_io_ipo(struct h_assoc *a, uint16_t qid, uint16_t sqsize, uint16_t *st)
{
	struct h_req *r = h_req_new(a, qid, sizeof(struct nvmf_connect_data));
	struct nvmf_connect_data *d = (struct nvmf_connect_data *)r->data;
	uint32_t ipo;

	r->cmd.connect.opcode = nvme_fabrics_command;
	r->cmd.connect.fctype = nvme_fabrics_type_connect;
	r->cmd.connect.qid = htole16(qid);
	r->cmd.connect.sqsize = htole16(sqsize);
	d->cntlid = htole16(a->cntlid);
	strcpy(d->subsysnqn, H_SUBNQN);
	strcpy(d->hostnqn, H_HOSTNQN);
	*st = h_run(r);
	ipo = le32toh(r->cqe.result.dw0);
	h_req_free(r);
	return ipo;
}

/* The same subsystem advertises each port's own limits. */
START_TEST(test_limits_advertised)
{
	struct h_assoc *a, *b;
	uint8_t id[4096];

	small_port2();
	a = h_ctrl_ready(&H->tp2, H_SUBNQN, H_HOSTNQN, 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), 0);
	ck_assert_uint_eq(id[77], 2);			     /* MDTS: 2^2 x 4 KiB */
	ck_assert_uint_eq(h_rd16(id, 514), 16);		     /* MAXCMD */
	ck_assert_uint_eq(cap_of(a), 0x000000200f01000full); /* MQES 15 */
	b = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
	ck_assert_uint_eq(h_identify(b, NVME_ID_CNS_CTRL, 0, 0, id), 0);
	ck_assert_uint_eq(id[77], 8);
	ck_assert_uint_eq(h_rd16(id, 514), 1024);
	ck_assert_uint_eq(cap_of(b), 0x000000200f0103ffull);
}
END_TEST

/* Number of Queues: a host asking for more than the port's
 * max_io_queues is granted that many (0's based in both halves). */
START_TEST(test_limits_queue_count)
{
	struct h_assoc *a;
	uint16_t st;

	small_port2();
	a = h_ctrl_ready(&H->tp2, H_SUBNQN, H_HOSTNQN, 0);
	/* before Set Features: the port's count */
	ck_assert_uint_eq(nr_queues(a, false, 0), 0x00010001);
	ck_assert_uint_eq(nr_queues(a, true, 7 | (7u << 16)), 0x00010001);
	ck_assert_uint_eq(nr_queues(a, false, 0), 0x00010001);
	/* fewer than the port allows: what was asked */
	ck_assert_uint_eq(nr_queues(a, true, 0), 0);
	ck_assert_uint_eq(nr_queues(a, true, 1 | (5u << 16)), 0x00010001);
	/* queues 1 and 2 connect, 3 does not: INVALID_PARAM at qid */
	h_queue_new(a, 1, 15);
	h_queue_new(a, 2, 15);
	h_queue_new(a, 3, 15);
	ck_assert_uint_eq(connect_io_ipo(a, 1, 15, &st), a->cntlid);
	ck_assert_uint_eq(st, 0);
	ck_assert_uint_eq(connect_io_ipo(a, 2, 15, &st), a->cntlid);
	ck_assert_uint_eq(st, 0);
	ck_assert_uint_eq(connect_io_ipo(a, 3, 15, &st),
			  offsetof(struct nvmf_connect_command, qid));
	ck_assert_uint_eq(st, NVME_SC_CONNECT_INVALID_PARAM | DNR);
}
END_TEST

/* I/O Connect sqsize: up to MQES, above it INVALID_PARAM at sqsize. */
START_TEST(test_limits_queue_size)
{
	struct h_assoc *a;
	uint16_t st;

	small_port2();
	a = h_ctrl_ready(&H->tp2, H_SUBNQN, H_HOSTNQN, 0);
	h_queue_new(a, 1, 16);
	ck_assert_uint_eq(connect_io_ipo(a, 1, 16, &st),
			  offsetof(struct nvmf_connect_command, sqsize));
	ck_assert_uint_eq(st, NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(connect_io_ipo(a, 1, 15, &st), a->cntlid);
	ck_assert_uint_eq(st, 0);
}
END_TEST

/* Data: up to the port's limit moves, above it INVALID_FIELD | DNR. */
START_TEST(test_limits_data_len)
{
	struct h_assoc *a;
	uint8_t *w = malloc(32768), *r = malloc(32768);
	unsigned int i;
	uint16_t st;

	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_nonnull(r);
	small_port2();
	a = h_ctrl_ready(&H->tp2, H_SUBNQN, H_HOSTNQN, 0);
	h_queue_new(a, 1, 15);
	ck_assert_uint_eq(connect_io_ipo(a, 1, 15, &st), a->cntlid);
	ck_assert_uint_eq(st, 0);
	for (i = 0; i < 32768; i++)
		w[i] = (uint8_t)(i * 7 + 3);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 0, 32, w, 16384), 0);
	memset(r, 0, 32768);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 32, r, 16384), 0);
	ck_assert_mem_eq(r, w, 16384);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 64, r, 32768),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 0, 64, w, 32768),
			  NVME_SC_INVALID_FIELD | DNR);
	free(w);
	free(r);
}
END_TEST

/* MDTS for each allowed data limit, on I/O and discovery controllers. */
START_TEST(test_limits_mdts_values)
{
	static const struct {
		uint32_t len;
		uint8_t mdts;
	} rows[] = { { 8192, 1 },     { 16384, 2 },	 { 65536, 4 },	   { 262144, 6 },
		     { 1u << 20, 8 }, { 16u << 20, 12 }, { 64u << 20, 14 } };
	uint8_t id[4096];
	unsigned int i;

	h_std_subsys();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct h_assoc *a, *d;

		H->lim1.max_data_len = rows[i].len;
		a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
		ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), 0);
		ck_assert_msg(id[77] == rows[i].mdts, "%u bytes: MDTS %u, want %u", rows[i].len,
			      id[77], rows[i].mdts);
		d = h_ctrl_ready(&H->tp1, NVME_DISC_SUBSYS_NAME, H_HOSTNQN, 0);
		ck_assert_uint_eq(h_identify(d, NVME_ID_CNS_CTRL, 0, 0, id), 0);
		ck_assert_uint_eq(id[77], rows[i].mdts);
		h_assoc_teardown(a);
		h_assoc_teardown(d);
	}
}
END_TEST

/* A transport stating a data limit MDTS cannot express is refused; one
 * stating none gets the defaults. */
START_TEST(test_limits_sq_create)
{
	struct nvmet_fc_sq_info info = {
		.tgtport = &H->tp1,
		.qid = 0,
		.sqsize = 31,
		.max_data_len = 4096,
	};
	struct h_assoc *a;
	void *sq = NULL;
	uint8_t id[4096];

	ck_assert_int_eq(tgt_core_ops()->sq_create(H->t, &info, &sq), -EINVAL);
	ck_assert_ptr_null(sq);
	h_std_subsys();
	memset(&H->lim1, 0, sizeof(H->lim1));
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), 0);
	ck_assert_uint_eq(id[77], 8);
	ck_assert_uint_eq(h_rd16(id, 514), 1024);
	ck_assert_uint_eq(nr_queues(a, true, 200 | (200u << 16)), 0x007f007f);
}
END_TEST

/* The target core limits suite. */
Suite *core_limits_suite(void)
{
	Suite *s = suite_create("core_limits");
	TCase *tc = tcase_create("limits");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_limits_advertised);
	tcase_add_test(tc, test_limits_queue_count);
	tcase_add_test(tc, test_limits_queue_size);
	tcase_add_test(tc, test_limits_data_len);
	tcase_add_test(tc, test_limits_mdts_values);
	tcase_add_test(tc, test_limits_sq_create);
	suite_add_tcase(s, tc);
	return s;
}
