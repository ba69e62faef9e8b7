// SPDX-License-Identifier: Apache-2.0
/*
 * The host's checks of a controller's answers, each against a target that
 * breaks it: the loop pair with the fake core, whose responses a hook
 * changes on their way to the host (Connect AUTHREQ, CAP.MPSMIN, Identify
 * CNTLID, KAS, IOCCSZ, IORCSZ, MAXCMD, ICDOFF, SGLS, CNTRLTYPE for the
 * discovery NQN, MNAN, the effects and ANA logs). Each violation leaves
 * the controller short of LIVE with a reason naming it; the unbroken
 * target, including one that reports ANA and the effects log, goes LIVE.
 */
#include <check.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_host.h>

#include "loop_lldd.h"
#include "suites_libfcnvme.h"

#define NS_PER_S  1000000000ull
#define MAX_PATCH 12

struct patch {
	uint32_t off; /* in the Identify data or the ANA log */
	uint8_t len;
	uint8_t v[8];
};

/* What the hook changes, and what it saw. */
static struct {
	struct patch id[MAX_PATCH], ana[MAX_PATCH];
	unsigned int nid, nana;
	uint32_t admin_connect_or, io_connect_or; /* into dword 0 */
	bool set_cap;
	uint64_t cap;
	unsigned int logs_05, logs_0c;
} P;

static struct loop_pair lp;
static uint64_t fake_now;
static struct fcnvme_host_ctrl *ctrl;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

static void apply(struct nvmefc_fcp_req *h, const struct patch *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		loop_hreq_write(h, p[i].off, p[i].v, p[i].len);
}

static void hook(struct loop_pair *p, struct nvmefc_fcp_req *h)
{
	const struct nvme_command *c = loop_hreq_sqe(h);
	struct nvme_completion *cqe;
	uint32_t dw0;

	(void)p;
	if (c->common.opcode == nvme_fabrics_command) {
		cqe = loop_hreq_cqe(h);
		ck_assert_ptr_nonnull(cqe);
		if (c->fabrics.fctype == nvme_fabrics_type_connect) {
			dw0 = le32toh(cqe->result.dw0);
			dw0 |= c->connect.qid ? P.io_connect_or : P.admin_connect_or;
			cqe->result.dw0 = htole32(dw0);
		} else if (c->fabrics.fctype == nvme_fabrics_type_property_get && P.set_cap &&
			   le32toh(c->prop_get.offset) == NVME_REG_CAP) {
			cqe->result.u64 = htole64(P.cap);
		}
		return;
	}
	if (le16toh(h->sqid) != 0)
		return;
	if (c->common.opcode == nvme_admin_identify && (le32toh(c->common.cdw10) & 0xff) == 1)
		apply(h, P.id, P.nid);
	if (c->common.opcode == nvme_admin_get_log_page) {
		switch (le32toh(c->common.cdw10) & 0xff) {
		case 0x05:
			P.logs_05++;
			break;
		case 0x0c:
			P.logs_0c++;
			apply(h, P.ana, P.nana);
			break;
		}
	}
}

static void add(struct patch *t, unsigned int *n, uint32_t off, uint64_t v, uint8_t len)
{
	ck_assert_uint_lt(*n, MAX_PATCH);
	t[*n].off = off;
	t[*n].len = len;
	v = htole64(v);
	memcpy(t[*n].v, &v, len);
	(*n)++;
}

#define ID(off, v, len)	 add(P.id, &P.nid, off, v, len)
#define ANA(off, v, len) add(P.ana, &P.nana, off, v, len)

/* Make the fake target report ANA (one group, MNAN = NN = 1) and the
 * effects log, which Linux then reads at every connect. */
static void ana_reporting(void)
{
	ID(76, 0x08, 1);  /* CMIC: ANA reporting */
	ID(261, 0x02, 1); /* LPA: effects log */
	ID(344, 1, 4);	  /* ANAGRPMAX */
	ID(348, 1, 4);	  /* NANAGRPID */
	ID(540, 1, 4);	  /* MNAN */
}

static void setup(void)
{
	memset(&P, 0, sizeof(P));
	fake_now = 1000 * NS_PER_S;
	ck_assert_int_eq(loop_pair_init(&lp), 0);
	lp.rsp_hook = hook;
	ctrl = NULL;
}

static void delete_ctrl(void)
{
	unsigned int i;
	int rc = 1;

	for (i = 0; i < 1000 && rc == 1; i++) {
		rc = fcnvme_host_ctrl_delete(ctrl);
		loop_process(&lp);
	}
	ck_assert_int_eq(rc, 0);
	ctrl = NULL;
}

static void teardown(void)
{
	if (ctrl)
		delete_ctrl();
	loop_pair_fini(&lp);
}

static void opts(struct fcnvme_host_ctrl_opts *o, const char *subnqn)
{
	memset(o, 0, sizeof(*o));
	o->subnqn = subnqn;
	o->hostnqn = LOOP_HOSTNQN;
	memset(o->hostid, 0x5a, sizeof(o->hostid));
	o->nr_io_queues = strcmp(subnqn, LOOP_DISC_NQN) ? 2 : 0;
	o->queue_size = 32;
	o->kato_ms = 5000;
	o->reconnect_delay_s = 2;
	o->ctrl_loss_tmo_s = 10;
	o->clock_ns = fake_clock;
}

/* Connect to subnqn; returns the state reached within a bounded number of
 * polls (the fake clock stands still, so a failed attempt waits). */
static enum fcnvme_host_ctrl_state attempt(const char *subnqn)
{
	struct fcnvme_host_ctrl_opts o;
	unsigned int i;

	opts(&o, subnqn);
	ck_assert_int_eq(fcnvme_host_ctrl_create(lp.lport, lp.rport, &o, &ctrl), 0);
	for (i = 0; i < 300; i++) {
		enum fcnvme_host_ctrl_state st = fcnvme_host_ctrl_state(ctrl);

		if (st == FCNVME_HOST_CTRL_LIVE || st == FCNVME_HOST_CTRL_DEAD ||
		    st == FCNVME_HOST_CTRL_RECONNECT_WAIT)
			return st;
		fcnvme_host_ctrl_poll(ctrl);
		loop_process(&lp);
	}
	return fcnvme_host_ctrl_state(ctrl);
}

static void expect_refused(const char *subnqn, const char *why, bool dnr)
{
	enum fcnvme_host_ctrl_state st = attempt(subnqn);

	ck_assert_msg(st == (dnr ? FCNVME_HOST_CTRL_DEAD : FCNVME_HOST_CTRL_RECONNECT_WAIT),
		      "state %s, reason \"%s\"", fcnvme_host_ctrl_state_name(st),
		      fcnvme_host_ctrl_reason(ctrl));
	ck_assert_msg(strstr(fcnvme_host_ctrl_reason(ctrl), why) != NULL,
		      "reason \"%s\" lacks \"%s\"", fcnvme_host_ctrl_reason(ctrl), why);
}

/* The unbroken fake target goes LIVE; so does one reporting ANA and the
 * effects log, which the host then reads, as Linux does. */
START_TEST(test_sanity_baseline)
{
	ck_assert_int_eq(attempt(LOOP_SUBNQN), FCNVME_HOST_CTRL_LIVE);
	ck_assert_uint_eq(P.logs_05 + P.logs_0c, 0);
	delete_ctrl();
	ana_reporting();
	ck_assert_int_eq(attempt(LOOP_SUBNQN), FCNVME_HOST_CTRL_LIVE);
	ck_assert_uint_eq(P.logs_05, 1);
	ck_assert_uint_eq(P.logs_0c, 1);
	ck_assert_str_eq(fcnvme_host_ctrl_reason(ctrl), "");
}
END_TEST

START_TEST(test_sanity_discovery_baseline)
{
	ck_assert_int_eq(attempt(LOOP_DISC_NQN), FCNVME_HOST_CTRL_LIVE);
}
END_TEST

START_TEST(test_sanity_authreq_admin)
{
	P.admin_connect_or = 1u << 16; /* ATR */
	expect_refused(LOOP_SUBNQN, "Connect (queue 0): the controller requires authentication",
		       false);
}
END_TEST

START_TEST(test_sanity_authreq_io)
{
	P.io_connect_or = 2u << 16; /* ASCR */
	expect_refused(LOOP_SUBNQN, "Connect (queue 1): the controller requires authentication",
		       false);
}
END_TEST

START_TEST(test_sanity_mpsmin)
{
	P.set_cap = true;
	P.cap = 1023ull | (1ull << 48) | (15ull << 24) | (1ull << 37); /* MPSMIN 8 KiB */
	expect_refused(LOOP_SUBNQN, "CAP.MPSMIN: minimum page size 8192", false);
}
END_TEST

/* One Identify field broken per row (I/O controller). */
static const struct {
	uint32_t off;
	uint64_t v;
	uint8_t len;
	const char *why;
	bool dnr;
} id_rows[] = {
	{ 78, 7, 2, "CNTLID 7 differs from the Connect's 1", false },
	{ 320, 0, 2, "KAS 0", false },
	{ 1792, 3, 4, "IOCCSZ 3 < 4", false },
	{ 1796, 0, 4, "IORCSZ 0 < 1", false },
	{ 514, 0, 2, "MAXCMD 0", false },
	{ 1800, 1, 2, "unusable over FC", true },
	{ 536, 0, 4, "unusable over FC", true },
};

START_TEST(test_sanity_identify)
{
	ID(id_rows[_i].off, id_rows[_i].v, id_rows[_i].len);
	expect_refused(LOOP_SUBNQN, id_rows[_i].why, id_rows[_i].dnr);
}
END_TEST

/* Through the discovery NQN, an I/O controller (type and NQN) is refused;
 * either one saying "discovery" is enough, as in Linux. */
START_TEST(test_sanity_not_discovery)
{
	ID(111, 1, 1);
	ID(768, 0, 8);
	memcpy(P.id[1].v, LOOP_SUBNQN, 8); /* "nqn.2026" over "nqn.2014" */
	expect_refused(LOOP_DISC_NQN, "not a discovery controller", false);
}
END_TEST

START_TEST(test_sanity_discovery_type_only)
{
	ID(768, 0, 8);
	memcpy(P.id[0].v, LOOP_SUBNQN, 8); /* the NQN no longer says it */
	ck_assert_int_eq(attempt(LOOP_DISC_NQN), FCNVME_HOST_CTRL_LIVE);
}
END_TEST

START_TEST(test_sanity_mnan)
{
	ana_reporting();
	ID(540, 0, 4);
	expect_refused(LOOP_SUBNQN, "invalid MNAN 0 (NN 1)", false);
}
END_TEST

START_TEST(test_sanity_mnan_above_nn)
{
	ana_reporting();
	ID(540, 2, 4);
	expect_refused(LOOP_SUBNQN, "invalid MNAN 2 (NN 1)", false);
}
END_TEST

/* One ANA log field broken per row (one group: grpid at 16, nnsids at 20,
 * state at 32; NANAGRPID 1 and MNAN 1 make the log 52 bytes). */
static const struct {
	uint32_t off;
	uint64_t v;
	uint8_t len;
} ana_rows[] = {
	{ 16, 0, 4 },	 /* grpid 0 */
	{ 16, 2, 4 },	 /* grpid above ANAGRPMAX */
	{ 32, 0, 1 },	 /* state 0 */
	{ 32, 0x10, 1 }, /* state above CHANGE */
	{ 20, 2, 4 },	 /* NSIDs past the end */
	{ 8, 2, 2 },	 /* a second group past the end */
};

START_TEST(test_sanity_ana_log)
{
	ana_reporting();
	ANA(ana_rows[_i].off, ana_rows[_i].v, ana_rows[_i].len);
	expect_refused(LOOP_SUBNQN, "ANA log: group descriptor", false);
	ck_assert_uint_eq(P.logs_0c, 1);
}
END_TEST

/* The effects log the controller advertises must be readable. */
START_TEST(test_sanity_effects_fails)
{
	struct loop_core_stats *st = loop_core_stats(lp.core);

	ID(261, 0x02, 1);
	st->fail_opcode = nvme_admin_get_log_page;
	st->fail_status = NVME_SC_INTERNAL;
	st->fail_count = 1;
	expect_refused(LOOP_SUBNQN,
		       "Get Log Page (Commands Supported and Effects): Internal Error (0x0006)",
		       false);
}
END_TEST

/* MAXCMD below the queue size: the host uses MAXCMD entries (as Linux
 * lowers queue_size), in the LS and in the Connect. */
START_TEST(test_sanity_maxcmd_lowers_queue)
{
	struct fcnvme_host_ctrl_info info;

	ID(514, 16, 2);
	ck_assert_int_eq(attempt(LOOP_SUBNQN), FCNVME_HOST_CTRL_LIVE);
	fcnvme_host_ctrl_get_info(ctrl, &info);
	ck_assert_uint_eq(info.queue_size, 16);
	ck_assert_uint_eq(lp.ls_log[1][0], FCNVME_LS_CREATE_CONNECTION);
	ck_assert_uint_eq(lp.ls_log[1][74], 0);
	ck_assert_uint_eq(lp.ls_log[1][75], 15); /* sqsize */
}
END_TEST

/* An ANA log larger than a command may carry is not read (Linux disables
 * ANA): MDTS 1 (8 KiB) with the real target's 128 groups and 1024 NSIDs. */
START_TEST(test_sanity_ana_too_big)
{
	ana_reporting();
	ID(77, 1, 1);
	ID(348, 128, 4);
	ID(540, 1024, 4);
	ID(516, 1024, 4);
	ck_assert_int_eq(attempt(LOOP_SUBNQN), FCNVME_HOST_CTRL_LIVE);
	ck_assert_uint_eq(P.logs_05, 1);
	ck_assert_uint_eq(P.logs_0c, 0);
}
END_TEST

/* The suite. */
Suite *nvme_fc_sanity_suite(void)
{
	Suite *s = suite_create("nvme_fc_sanity");
	TCase *tc = tcase_create("sanity");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sanity_baseline);
	tcase_add_test(tc, test_sanity_discovery_baseline);
	tcase_add_test(tc, test_sanity_authreq_admin);
	tcase_add_test(tc, test_sanity_authreq_io);
	tcase_add_test(tc, test_sanity_mpsmin);
	tcase_add_loop_test(tc, test_sanity_identify, 0,
			    (int)(sizeof(id_rows) / sizeof(id_rows[0])));
	tcase_add_test(tc, test_sanity_not_discovery);
	tcase_add_test(tc, test_sanity_discovery_type_only);
	tcase_add_test(tc, test_sanity_mnan);
	tcase_add_test(tc, test_sanity_mnan_above_nn);
	tcase_add_loop_test(tc, test_sanity_ana_log, 0,
			    (int)(sizeof(ana_rows) / sizeof(ana_rows[0])));
	tcase_add_test(tc, test_sanity_effects_fails);
	tcase_add_test(tc, test_sanity_maxcmd_lowers_queue);
	tcase_add_test(tc, test_sanity_ana_too_big);
	suite_add_tcase(s, tc);
	return s;
}
