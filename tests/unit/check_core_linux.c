// SPDX-License-Identifier: Apache-2.0
/*
 * Target core behaviours matched to Linux's nvmet where a Linux host or
 * nvme-cli sees them: discovery-change events only for the discovery
 * controllers whose log changed, SQ flow control disable (Connect cattr
 * bit 2), the Get Features nvmet answers (and the ones it refuses), and
 * the SMART bits of Asynchronous Event Configuration.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

static struct h_assoc *disc_ctrl(struct nvmet_fc_target_port *tp, const char *host)
{
	struct h_assoc *a = h_assoc_new(tp);

	ck_assert_uint_eq(h_connect_admin(a, NVME_DISC_SUBSYS_NAME, host, 0), 0);
	ck_assert_uint_eq(h_prop_set_cc(a, NVME_CC_ENABLE), 0);
	return a;
}

/* Read the discovery log (unmasking the event) and hold an AER. */
static struct h_req *arm(struct h_assoc *a)
{
	uint8_t buf[64];
	struct h_req *r;

	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, sizeof(buf), buf), 0);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_async_event;
	ck_assert_uint_eq(h_run(r), H_PENDING);
	return r;
}

/* 1 if r completed with the discovery-change event (then re-armed into
 * *rp), 0 if still held. */
static int fired(struct h_assoc *a, struct h_req **rp)
{
	struct h_req *r = *rp;

	if (h_status(r) == H_PENDING)
		return 0;
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x70f002);
	h_req_free(r);
	*rp = arm(a);
	return 1;
}

#define EXPECT_AENS(ea, eb, ec)                      \
	do {                                         \
		ck_assert_int_eq(fired(a, &ra), ea); \
		ck_assert_int_eq(fired(b, &rb), eb); \
		ck_assert_int_eq(fired(c, &rc), ec); \
	} while (0)

/*
 * Three discovery controllers: a (port 1, host 1), b (port 2, host 1),
 * c (port 1, host 2). Each change notifies exactly those whose discovery
 * log lists other subsystems afterwards.
 */
START_TEST(test_disc_aen_scope)
{
	struct tgt_subsys_params sp2 = { .nqn = H_SUBNQN2 };
	struct h_assoc *a, *b, *c;
	struct h_req *ra, *rb, *rc;
	uint64_t gen;
	char err[128];

	h_std_subsys(); /* sub1 on port 1, host 1 */
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN2, H_HOSTNQN2, err, sizeof(err)), 0);
	a = disc_ctrl(&H->tp1, H_HOSTNQN);
	b = disc_ctrl(&H->tp2, H_HOSTNQN);
	c = disc_ctrl(&H->tp1, H_HOSTNQN2);
	ra = arm(a);
	rb = arm(b);
	rc = arm(c);
	/* sub2 on port 2: only host 2 may see it, and no host 2 is there;
	 * the generation moves and port 2 gets an RSCN all the same */
	gen = H->t->disc_genctr;
	H->nr_disc_chg = 0;
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN2, 2, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1);
	ck_assert_int_eq(H->nr_disc_chg, 1);
	EXPECT_AENS(0, 0, 0);
	/* sub2 on port 1: c */
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN2, 1, err, sizeof(err)), 0);
	EXPECT_AENS(0, 0, 1);
	/* host 1 allowed on sub2: a and b */
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN2, H_HOSTNQN, err, sizeof(err)), 0);
	EXPECT_AENS(1, 1, 0);
	/* sub2 off port 2: b only; RSCN on port 1 (still exporting) and 2 */
	H->nr_disc_chg = 0;
	ck_assert_int_eq(tgt_subsys_unexport(H->t, H_SUBNQN2, 2, err, sizeof(err)), 0);
	ck_assert_int_eq(H->nr_disc_chg, 2);
	EXPECT_AENS(0, 1, 0);
	/* a WWPN list without our host port hides sub1 from a; listing
	 * our port shows it again; dropping the other changes nothing */
	ck_assert_int_eq(
		tgt_subsys_allow_wwpn(H->t, H_SUBNQN, 0x10000090fa00bb01ull, err, sizeof(err)), 0);
	EXPECT_AENS(1, 0, 0);
	ck_assert_int_eq(tgt_subsys_allow_wwpn(H->t, H_SUBNQN, H_HOST_WWPN, err, sizeof(err)), 0);
	EXPECT_AENS(1, 0, 0);
	ck_assert_int_eq(
		tgt_subsys_disallow_wwpn(H->t, H_SUBNQN, 0x10000090fa00bb01ull, err, sizeof(err)),
		0);
	EXPECT_AENS(0, 0, 0);
	/* host 2 disallowed on sub2: c */
	ck_assert_int_eq(tgt_subsys_disallow_host(H->t, H_SUBNQN2, H_HOSTNQN2, err, sizeof(err)),
			 0);
	EXPECT_AENS(0, 0, 1);
	/* allow_any_host on sub1: c (host 2 on port 1) */
	{
		struct tgt_subsys_params p = { .nqn = H_SUBNQN, .allow_any_host = true };

		ck_assert_int_eq(
			tgt_subsys_set(H->t, &p, TGT_SUBSYS_SET_ALLOW_ANY, err, sizeof(err)), 0);
	}
	EXPECT_AENS(0, 0, 1);
	/* sub2 deleted: a (port 1, host 1) listed it */
	ck_assert_int_eq(tgt_subsys_del(H->t, H_SUBNQN2, err, sizeof(err)), 0);
	EXPECT_AENS(1, 0, 0);
	/* teardown completes the held AERs */
	tgt_core_ops()->sq_stop(H->t, a->core_sq[0]);
	tgt_core_ops()->sq_stop(H->t, b->core_sq[0]);
	tgt_core_ops()->sq_stop(H->t, c->core_sq[0]);
	h_req_free(ra);
	h_req_free(rb);
	h_req_free(rc);
}
END_TEST

static struct h_req *connect_req(struct h_assoc *a, uint16_t qid, const char *subnqn,
				 uint16_t cntlid, uint8_t cattr)
{
	struct h_req *r = h_req_new(a, qid, sizeof(struct nvmf_connect_data));
	struct nvmf_connect_data *d = (struct nvmf_connect_data *)r->data;

	r->cmd.connect.opcode = nvme_fabrics_command;
	r->cmd.connect.fctype = nvme_fabrics_type_connect;
	r->cmd.connect.qid = htole16(qid);
	r->cmd.connect.sqsize = htole16(31);
	r->cmd.connect.cattr = cattr;
	r->cmd.connect.kato = htole32(qid ? 0 : 5000);
	d->cntlid = htole16(cntlid);
	strcpy(d->subsysnqn, subnqn);
	strcpy(d->hostnqn, H_HOSTNQN);
	return r;
}

/* The SQ head a command's CQE carries. */
static uint16_t sqhd_of(struct h_assoc *a, uint16_t qid)
{
	struct h_req *r = h_req_new(a, qid, 0);
	uint16_t v;

	if (qid) {
		r->cmd.rw.opcode = nvme_cmd_flush;
		r->cmd.rw.nsid = htole32(1);
	} else {
		r->cmd.common.opcode = nvme_admin_keep_alive;
	}
	ck_assert_uint_eq(h_run(r), 0);
	v = le16toh(r->cqe.sq_head);
	h_req_free(r);
	return v;
}

/* Connect with cattr bit 2: its response carries SQHD 0xffff and later
 * CQEs 0, per queue, as nvmet_install_queue / __nvmet_req_complete. */
START_TEST(test_sqflow_disable)
{
	struct h_assoc *a, *b;
	struct h_req *r;

	h_std_subsys();
	/* a: flow control disabled on the admin queue and on queue 1 */
	a = h_assoc_new(&H->tp1);
	r = connect_req(a, 0, H_SUBNQN, 0xffff, NVME_CONNECT_DISABLE_SQFLOW);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le16toh(r->cqe.sq_head), 0xffff);
	a->cntlid = (uint16_t)le32toh(r->cqe.result.dw0);
	h_req_free(r);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	ck_assert_uint_eq(sqhd_of(a, 0), 0);
	ck_assert_uint_eq(sqhd_of(a, 0), 0);
	h_queue_new(a, 1, 31);
	r = connect_req(a, 1, H_SUBNQN, a->cntlid, NVME_CONNECT_DISABLE_SQFLOW);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le16toh(r->cqe.sq_head), 0xffff);
	h_req_free(r);
	ck_assert_uint_eq(sqhd_of(a, 1), 0);
	ck_assert_uint_eq(sqhd_of(a, 1), 0);
	/* a failed command too */
	r = h_req_new(a, 1, 0);
	r->cmd.rw.opcode = 0x7e; /* not an I/O opcode */
	r->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_OPCODE | DNR);
	ck_assert_uint_eq(le16toh(r->cqe.sq_head), 0);
	h_req_free(r);
	/* queue 2 of the same controller without the bit: SQHD advances */
	h_queue_new(a, 2, 31);
	r = connect_req(a, 2, H_SUBNQN, a->cntlid, 0);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le16toh(r->cqe.sq_head), 1);
	h_req_free(r);
	ck_assert_uint_eq(sqhd_of(a, 2), 2);
	ck_assert_uint_eq(sqhd_of(a, 2), 3);
	/* b: a refused Connect with the bit leaves reporting on */
	b = h_assoc_new(&H->tp1);
	r = connect_req(b, 0, "nqn.2024-01.io.example:nosuch", 0xffff, NVME_CONNECT_DISABLE_SQFLOW);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(le16toh(r->cqe.sq_head), 1);
	h_req_free(r);
	r = connect_req(b, 0, H_SUBNQN, 0xffff, 0);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le16toh(r->cqe.sq_head), 2);
	h_req_free(r);
}
END_TEST

static uint16_t get_feat(struct h_assoc *a, uint8_t fid, uint32_t nsid, uint32_t *dw0)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint16_t st;

	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.nsid = htole32(nsid);
	r->cmd.common.cdw10 = htole32(fid);
	st = h_run(r);
	*dw0 = le32toh(r->cqe.result.dw0);
	h_req_free(r);
	return st;
}

static uint16_t set_feat(struct h_assoc *a, uint8_t fid, uint32_t cdw11, uint32_t *dw0)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint16_t st;

	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(fid);
	r->cmd.common.cdw11 = htole32(cdw11);
	st = h_run(r);
	*dw0 = le32toh(r->cqe.result.dw0);
	h_req_free(r);
	return st;
}

/* Get Features: what nvmet_execute_get_features answers, and refuses. */
START_TEST(test_get_features_linux)
{
	static const uint8_t refused[] = { NVME_FEAT_ARBITRATION,  NVME_FEAT_POWER_MGMT,
					   NVME_FEAT_TEMP_THRESH,  NVME_FEAT_ERR_RECOVERY,
					   NVME_FEAT_IRQ_COALESCE, NVME_FEAT_IRQ_CONFIG,
					   NVME_FEAT_WRITE_ATOMIC };
	struct tgt_ns_params np = {
		.nsid = 2, .backend = TGT_BACKEND_NULL, .size = 1 << 20, .readonly = true
	};
	struct tgt_ns_params off = {
		.nsid = 3, .backend = TGT_BACKEND_NULL, .size = 1 << 20, .disabled = true
	};
	struct h_assoc *a, *d;
	uint32_t dw0;
	unsigned int i;
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &off, err, sizeof(err)), 0);
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
	dw0 = 0xdead;
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_WRITE_PROTECT, 1, &dw0), 0);
	ck_assert_uint_eq(dw0, NVME_NS_NO_WRITE_PROTECT);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_WRITE_PROTECT, 2, &dw0), 0);
	ck_assert_uint_eq(dw0, NVME_NS_WRITE_PROTECT);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_WRITE_PROTECT, 3, &dw0), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_WRITE_PROTECT, 9, &dw0), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_WRITE_PROTECT, 0, &dw0), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_WRITE_PROTECT, 0xffffffff, &dw0),
			  NVME_SC_INVALID_NS | DNR);
	/* Set is not offered (NWPC 0) */
	ck_assert_uint_eq(set_feat(a, NVME_FEAT_WRITE_PROTECT, NVME_NS_WRITE_PROTECT, &dw0),
			  NVME_SC_INVALID_FIELD | DNR);
	for (i = 0; i < sizeof(refused); i++)
		ck_assert_msg(get_feat(a, refused[i], 0, &dw0) == (NVME_SC_INVALID_FIELD | DNR),
			      "Get Features 0x%02x answered", refused[i]);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_VOLATILE_WC, 0, &dw0), 0);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_NUM_QUEUES, 0, &dw0), 0);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_KATO, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 5000);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_ASYNC_EVENT, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, NVME_AEN_CFG_NS_ATTR | NVME_AEN_CFG_ANA_CHANGE);
	/* a discovery controller: keep-alive and events only */
	d = disc_ctrl(&H->tp1, H_HOSTNQN);
	ck_assert_uint_eq(get_feat(d, NVME_FEAT_WRITE_PROTECT, 1, &dw0),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(get_feat(d, NVME_FEAT_ASYNC_EVENT, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, NVME_AEN_CFG_DISC_CHANGE);
}
END_TEST

/* Asynchronous Event Configuration: the SMART critical-warning bits are
 * accepted (and read back) like nvmet's NVMET_AEN_CFG_ALL; firmware
 * activation and discovery bits are not, on an I/O controller. */
START_TEST(test_aen_cfg_smart)
{
	struct h_assoc *a, *d;
	uint32_t dw0;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
	ck_assert_uint_eq(set_feat(a, NVME_FEAT_ASYNC_EVENT, 0x91f, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x91f);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_ASYNC_EVENT, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x91f);
	ck_assert_uint_eq(set_feat(a, NVME_FEAT_ASYNC_EVENT, 0x01, &dw0), 0);
	ck_assert_uint_eq(set_feat(a, NVME_FEAT_ASYNC_EVENT, NVME_AEN_CFG_FW_ACT, &dw0),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(set_feat(a, NVME_FEAT_ASYNC_EVENT, 0x20, &dw0),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(set_feat(a, NVME_FEAT_ASYNC_EVENT, NVME_AEN_CFG_DISC_CHANGE, &dw0),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(get_feat(a, NVME_FEAT_ASYNC_EVENT, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x01);
	d = disc_ctrl(&H->tp1, H_HOSTNQN);
	ck_assert_uint_eq(set_feat(d, NVME_FEAT_ASYNC_EVENT, 0x1f, &dw0),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(set_feat(d, NVME_FEAT_ASYNC_EVENT, NVME_AEN_CFG_DISC_CHANGE, &dw0), 0);
}
END_TEST

/* The Linux-matching suite. */
Suite *core_linux_suite(void)
{
	Suite *s = suite_create("core_linux");
	TCase *tc = tcase_create("linux");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_disc_aen_scope);
	tcase_add_test(tc, test_sqflow_disable);
	tcase_add_test(tc, test_get_features_linux);
	tcase_add_test(tc, test_aen_cfg_smart);
	suite_add_tcase(s, tc);
	return s;
}
