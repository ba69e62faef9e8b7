// SPDX-License-Identifier: Apache-2.0
/*
 * Target core discovery log pages: the entries byte by byte, filtering by
 * host and port, the generation counter, referrals (add, set, del), and a
 * unique discovery NQN.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

static void disc_entry_check(const uint8_t *e, uint16_t portid, const char *nqn, uint8_t subtype)
{
	char addr[256];

	ck_assert_uint_eq(e[0], 2);
	ck_assert_uint_eq(e[1], 4);
	ck_assert_uint_eq(e[2], subtype);
	ck_assert_uint_eq(e[3], NVMF_TREQ_DISABLE_SQFLOW); /* treq, as Linux */
	ck_assert_uint_eq(h_rd16(e, 4), portid);
	ck_assert_uint_eq(h_rd16(e, 6), 0xffff);
	ck_assert_uint_eq(h_rd16(e, 8), 32);
	ck_assert_mem_eq(e + 32, "none\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32);
	ck_assert_str_eq((const char *)e + 256, nqn);
	memset(addr, 0, sizeof(addr)); /* NUL padded, as Linux */
	memcpy(addr,
	       portid == 1 ? "nn-0x20000090fa000001:pn-0x10000090fa000001"
			   : "nn-0x20000090fa000002:pn-0x10000090fa000002",
	       43);
	ck_assert_mem_eq(e + 512, addr, 256);
}

/* An Asynchronous Event Request on a's admin queue, left pending. */
static struct h_req *aer_post(struct h_assoc *a)
{
	struct h_req *r = h_req_new(a, 0, 0);

	r->cmd.common.opcode = nvme_admin_async_event;
	ck_assert_uint_eq(h_run(r), H_PENDING);
	return r;
}

static struct h_assoc *disc_ctrl(struct nvmet_fc_target_port *tp, const char *host)
{
	struct h_assoc *a = h_assoc_new(tp);

	ck_assert_uint_eq(h_connect_admin(a, NVME_DISC_SUBSYS_NAME, host, 0), 0);
	ck_assert_uint_eq(h_prop_set_cc(a, NVME_CC_ENABLE), 0);
	return a;
}

START_TEST(test_discovery_log)
{
	struct tgt_subsys_params sp2 = { .nqn = H_SUBNQN2 };
	struct h_assoc *a, *b, *c;
	uint8_t *buf = malloc(4 * 1024);
	uint64_t gen;
	char err[128];
	struct h_req *r, *r2;

	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN2, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN2, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN2, 2, err, sizeof(err)), 0);
	a = disc_ctrl(&H->tp1, H_HOSTNQN);
	b = disc_ctrl(&H->tp2, H_HOSTNQN2);
	c = disc_ctrl(&H->tp1, H_HOSTNQN2);
	/* host 1 on port 1: itself + sub1 */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 3072, buf), 0);
	gen = h_rd64(buf, 0);
	ck_assert_uint_eq(gen, H->t->disc_genctr);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	ck_assert_uint_eq(h_rd16(buf, 16), 0);
	disc_entry_check(buf + 1024, 1, NVME_DISC_SUBSYS_NAME, NVME_NQN_CURR);
	ck_assert_uint_eq(h_rd16(buf + 1024, 10), 3); /* eflags */
	disc_entry_check(buf + 2048, 1, H_SUBNQN, NVME_NQN_NVME);
	ck_assert_uint_eq(h_rd16(buf + 2048, 10), 0);
	/* host 2 on port 2: itself + sub2 */
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_DISC, 0, false, 0, 0, 3072, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	disc_entry_check(buf + 2048, 2, H_SUBNQN2, NVME_NQN_NVME);
	/* host 2 on port 1: sub2 only (sub1 denies it) */
	ck_assert_uint_eq(h_get_log(c, NVME_LOG_DISC, 0, false, 0, 0, 3072, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	disc_entry_check(buf + 2048, 1, H_SUBNQN2, NVME_NQN_NVME);
	/* a window: the second entry only, by offset */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 2048, 1024, buf), 0);
	disc_entry_check(buf, 1, H_SUBNQN, NVME_NQN_NVME);
	/* header only */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 16, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	/* a change bumps the generation, raises an RSCN and an AEN on the
	 * controller whose log changed (host 2 on port 1), not on host 1's */
	r = aer_post(c);
	r2 = aer_post(a);
	H->nr_disc_chg = 0;
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(H->nr_disc_chg, 1);
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x70f002);
	ck_assert_uint_eq(h_status(r2), H_PENDING);
	h_req_free(r);
	ck_assert_uint_eq(h_get_log(c, NVME_LOG_DISC, 0, false, 0, 0, 3072, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 0), gen + 1);
	ck_assert_uint_eq(h_rd64(buf, 8), 3);
	/* discovery controllers accept only their commands */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, buf), 0);
	ck_assert_uint_eq(buf[111], 2);
	ck_assert_uint_eq(h_rd32(buf, 92), 0x80000000u);
	ck_assert_str_eq((const char *)buf + 768, NVME_DISC_SUBSYS_NAME);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 1, 0, buf), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_SMART, 0, false, 0, 0, 512, buf),
			  NVME_SC_INVALID_LOG_PAGE | DNR);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_abort_cmd;
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_OPCODE | DNR);
	h_req_free(r);
	/* no I/O queues on a discovery controller */
	h_queue_new(a, 1, 31);
	ck_assert_uint_eq(h_connect_io(a, 1, NVME_DISC_SUBSYS_NAME, H_HOSTNQN, 31),
			  NVME_SC_CONNECT_INVALID_PARAM | DNR);
	tgt_core_ops()->sq_stop(H->t, a->core_sq[0]); /* completes r2 */
	ck_assert_uint_eq(h_status(r2), NVME_SC_INTERNAL | DNR);
	h_req_free(r2);
	free(buf);
}
END_TEST

/* The 1024 bytes of the referral entry the tests add: to the discovery
 * service at nn-0x20000090fa0000aa:pn-0x10000090fa0000aa, PORTID 7. */
static void referral_entry_check(const uint8_t *e)
{
	uint8_t want[1024];

	memset(want, 0, sizeof(want));
	want[0] = 2;	/* trtype FC */
	want[1] = 4;	/* adrfam FC */
	want[2] = 1;	/* subtype: referral (NVME_NQN_DISC) */
	want[3] = 0;	/* treq not specified */
	want[4] = 7;	/* portid */
	want[6] = 0xff; /* cntlid 0xffff */
	want[7] = 0xff;
	want[8] = 32; /* asqsz */
	memcpy(want + 32, "none", 4);
	memcpy(want + 256, "nqn.2014-08.org.nvmexpress.discovery", 36);
	memcpy(want + 512, "nn-0x20000090fa0000aa:pn-0x10000090fa0000aa", 43);
	ck_assert_mem_eq(e, want, sizeof(want));
}

/* Referral r1 to 0x10000090fa0000aa (portid 7), listed on port 1 to
 * H_HOSTNQN only: the referral tests' starting point. */
static const uint16_t referral_port1[] = { 1 };
static const char *const referral_host1[] = { H_HOSTNQN };
static const struct tgt_referral_params referral_r1 = {
	.name = "r1",
	.node_name = 0x20000090fa0000aaull,
	.port_name = 0x10000090fa0000aaull,
	.portid = 7,
	.ports = referral_port1,
	.nr_ports = 1,
	.hosts = referral_host1,
	.nr_hosts = 1,
};

START_TEST(test_discovery_referral)
{
	struct tgt_referral_params rp = referral_r1;
	struct tgt_referral_params bad;
	struct h_assoc *a, *b, *c;
	uint8_t *buf = malloc(4 * 1024);
	uint64_t gen;
	char err[128];
	struct h_req *r, *r2;

	h_std_subsys();
	a = disc_ctrl(&H->tp1, H_HOSTNQN);
	b = disc_ctrl(&H->tp2, H_HOSTNQN);
	c = disc_ctrl(&H->tp1, H_HOSTNQN2);
	gen = H->t->disc_genctr;
	r = aer_post(a);
	r2 = aer_post(c);
	H->nr_disc_chg = 0;
	ck_assert_int_eq(tgt_referral_add(H->t, &rp, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1);
	ck_assert_int_eq(H->nr_disc_chg, 1); /* RSCN on port 1 */
	/* the AEN goes to host 1 on port 1 only, whose log changed */
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x70f002);
	ck_assert_uint_eq(h_status(r2), H_PENDING);
	h_req_free(r);
	/* host 1 on port 1: itself, sub1, the referral last */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 0), gen + 1);
	ck_assert_uint_eq(h_rd64(buf, 8), 3);
	disc_entry_check(buf + 2048, 1, H_SUBNQN, NVME_NQN_NVME);
	referral_entry_check(buf + 3072);
	/* a window cutting the referral entry */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 3072, 1024, buf), 0);
	referral_entry_check(buf);
	/* host 1 on port 2, host 2 on port 1: not listed */
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 1);
	ck_assert_uint_eq(h_get_log(c, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 1);
	/* refused: a duplicate name, an unknown port, the port itself, a bad
	 * host NQN; nothing changes */
	ck_assert_int_eq(tgt_referral_add(H->t, &rp, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, "referral r1 exists");
	bad = rp;
	bad.name = "r2";
	bad.ports = (const uint16_t[]){ 9 };
	ck_assert_int_eq(tgt_referral_add(H->t, &bad, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "referral r2: no port 9");
	bad.ports = referral_port1;
	bad.node_name = 0x20000090fa000001ull;
	bad.port_name = 0x10000090fa000001ull;
	ck_assert_int_eq(tgt_referral_add(H->t, &bad, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "referral r2 refers to port 1 itself");
	bad = rp;
	bad.name = "r2";
	bad.hosts = (const char *const[]){ "not-an-nqn" };
	ck_assert_int_eq(tgt_referral_add(H->t, &bad, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "referral r2: invalid host NQN: NQN must start with 'nqn.'");
	bad.name = "";
	ck_assert_int_eq(tgt_referral_add(H->t, &bad, err, sizeof(err)), -EINVAL);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1);
	ck_assert_int_eq(H->nr_disc_chg, 1);
	/* every host on port 2 (no hosts): host 1 there now sees it */
	bad = rp;
	bad.name = "r0";
	bad.ports = (const uint16_t[]){ 2 };
	bad.hosts = NULL;
	bad.nr_hosts = 0;
	ck_assert_int_eq(tgt_referral_add(H->t, &bad, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 0), gen + 2);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	referral_entry_check(buf + 2048);
	/* deleting: gone, a new generation, an AEN again */
	r = aer_post(a);
	H->nr_disc_chg = 0;
	ck_assert_int_eq(tgt_referral_del(H->t, "r1", err, sizeof(err)), 0);
	ck_assert_int_eq(H->nr_disc_chg, 1);
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x70f002);
	h_req_free(r);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 0), gen + 3);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	ck_assert_int_eq(tgt_referral_del(H->t, "r1", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no referral r1");
	ck_assert_uint_eq(H->t->disc_genctr, gen + 3);
	tgt_core_ops()->sq_stop(H->t, c->core_sq[0]); /* completes r2 */
	ck_assert_uint_eq(h_status(r2), NVME_SC_INTERNAL | DNR);
	h_req_free(r2);
	free(buf);
	/* r0 is left for tgt_destroy to free */
}
END_TEST

/* A referral changed in place: one generation step, an RSCN on the port it
 * left and the one it is on now, an AEN where a log changed, its TREQ in
 * the entry; refused: an unknown name, a reserved TREQ. */
START_TEST(test_discovery_referral_set)
{
	static const uint16_t port2[] = { 2 };
	struct tgt_referral_params rp = referral_r1;
	struct tgt_referral_params np;
	uint8_t *buf = malloc(4 * 1024);
	struct h_assoc *a, *b;
	struct h_req *r;
	uint64_t gen;
	char err[128];

	h_std_subsys();
	a = disc_ctrl(&H->tp1, H_HOSTNQN);
	b = disc_ctrl(&H->tp2, H_HOSTNQN2);
	ck_assert_int_eq(tgt_referral_add(H->t, &rp, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 3);
	ck_assert_uint_eq(buf[3072 + 3], NVMF_TREQ_NOT_SPECIFIED);
	gen = H->t->disc_genctr;
	r = aer_post(b);
	H->nr_disc_chg = 0;
	/* to every host on port 2, TREQ not required */
	np = rp;
	np.ports = port2;
	np.hosts = NULL;
	np.nr_hosts = 0;
	np.treq = NVMF_TREQ_NOT_REQUIRED;
	ck_assert_int_eq(tgt_referral_set(H->t, &np, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1);
	ck_assert_int_eq(H->nr_disc_chg, 2); /* RSCN on port 2, then port 1 */
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x70f002);
	h_req_free(r);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 2); /* itself and sub1: not listed here now */
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_DISC, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 0), gen + 1);
	ck_assert_uint_eq(h_rd64(buf, 8), 2); /* itself, the referral */
	ck_assert_uint_eq(buf[2048 + 2], NVME_NQN_DISC);
	ck_assert_uint_eq(buf[2048 + 3], NVMF_TREQ_NOT_REQUIRED);
	ck_assert_uint_eq(h_rd16(buf, 2048 + 4), 7);
	/* refused, nothing changes */
	np.treq = 3;
	ck_assert_int_eq(tgt_referral_set(H->t, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "referral r1: TREQ 3 is reserved");
	np.treq = 0;
	np.name = "r9";
	ck_assert_int_eq(tgt_referral_set(H->t, &np, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no referral r9");
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1);
	ck_assert_int_eq(H->nr_disc_chg, 2);
	ck_assert_int_eq(tgt_referral_del(H->t, "r1", err, sizeof(err)), 0);
	free(buf);
}
END_TEST

#define UNIQUE_DISC "nqn.2026-12.io.nvmetfcd:disc"

/* A unique discovery NQN (TP 8013): the current-discovery-subsystem entry
 * and Identify Controller report it, hosts connect with it or with the
 * well-known one, no subsystem may have it, a connected discovery
 * controller is told its log changed, and the well-known name comes back. */
START_TEST(test_discovery_unique_nqn)
{
	struct tgt_subsys_params sp = { .nqn = UNIQUE_DISC };
	uint8_t *buf = malloc(4 * 1024);
	struct h_assoc *a, *b;
	struct h_req *r;
	uint64_t gen;
	char err[128];

	h_std_subsys();
	a = disc_ctrl(&H->tp1, H_HOSTNQN);
	r = aer_post(a);
	gen = H->t->disc_genctr;
	/* refused: not an NQN, or a subsystem's */
	ck_assert_int_eq(tgt_discovery_nqn_set(H->t, "disc", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "invalid discovery NQN: NQN must start with 'nqn.'");
	ck_assert_int_eq(tgt_discovery_nqn_set(H->t, H_SUBNQN, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, H_SUBNQN " is a subsystem's NQN");
	ck_assert_uint_eq(H->t->disc_genctr, gen);
	ck_assert_uint_eq(h_status(r), H_PENDING);
	/* set: the log changed, the connected controller is told */
	ck_assert_int_eq(tgt_discovery_nqn_set(H->t, UNIQUE_DISC, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1);
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x70f002);
	h_req_free(r);
	ck_assert_int_eq(tgt_discovery_nqn_set(H->t, UNIQUE_DISC, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 1); /* the same: nothing changes */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 3072, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 8), 2);
	disc_entry_check(buf + 1024, 1, UNIQUE_DISC, NVME_NQN_CURR);
	disc_entry_check(buf + 2048, 1, H_SUBNQN, NVME_NQN_NVME);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, buf), 0);
	ck_assert_uint_eq(buf[111], 2);
	ck_assert_str_eq((const char *)buf + 768, UNIQUE_DISC);
	/* a host connects with the unique NQN too: the same subsystem */
	b = h_assoc_new(&H->tp2);
	ck_assert_uint_eq(h_connect_admin(b, UNIQUE_DISC, H_HOSTNQN2, 0), 0);
	ck_assert_uint_eq(h_prop_set_cc(b, NVME_CC_ENABLE), 0);
	ck_assert_uint_eq(h_identify(b, NVME_ID_CNS_CTRL, 0, 0, buf), 0);
	ck_assert_uint_eq(buf[111], 2);
	ck_assert_str_eq((const char *)buf + 768, UNIQUE_DISC);
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_DISC, 0, false, 0, 0, 2048, buf), 0);
	disc_entry_check(buf + 1024, 2, UNIQUE_DISC, NVME_NQN_CURR);
	/* no subsystem may take it */
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, UNIQUE_DISC " is this target's discovery NQN (discovery_nqn)");
	/* back to the well-known name */
	ck_assert_int_eq(tgt_discovery_nqn_set(H->t, "", err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->disc_genctr, gen + 2);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 2048, buf), 0);
	disc_entry_check(buf + 1024, 1, NVME_DISC_SUBSYS_NAME, NVME_NQN_CURR);
	free(buf);
}
END_TEST

Suite *core_discovery_suite(void)
{
	Suite *s = suite_create("core_discovery");
	TCase *tc = tcase_create("discovery");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_discovery_log);
	tcase_add_test(tc, test_discovery_referral);
	tcase_add_test(tc, test_discovery_referral_set);
	tcase_add_test(tc, test_discovery_unique_nqn);
	suite_add_tcase(s, tc);
	return s;
}
