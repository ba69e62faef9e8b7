// SPDX-License-Identifier: Apache-2.0
/*
 * Target core: Connect (admin and I/O queues) edge cases, the host ACL and
 * export checks, Property Get/Set, and keep-alive expiry on a fake clock.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/fc_wire.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

static struct h_req *connect_raw(struct h_assoc *a, uint16_t qid, const char *sub, const char *host,
				 uint16_t cntlid)
{
	struct h_req *r = h_req_new(a, qid, sizeof(struct nvmf_connect_data));
	struct nvmf_connect_data *d = (struct nvmf_connect_data *)r->data;

	r->cmd.connect.opcode = nvme_fabrics_command;
	r->cmd.connect.fctype = nvme_fabrics_type_connect;
	r->cmd.connect.qid = htole16(qid);
	r->cmd.connect.sqsize = htole16(31);
	d->cntlid = htole16(cntlid);
	strcpy(d->subsysnqn, sub);
	strcpy(d->hostnqn, host);
	return r;
}

START_TEST(test_connect_admin_ok)
{
	struct h_assoc *a, *b;
	struct h_req *r;
	struct tgt_subsys_params sp = { .nqn = H_SUBNQN, .cntlid_min = 10, .cntlid_max = 11 };
	char err[128];

	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	a = h_assoc_new(&H->tp1);
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 0xffff);
	ck_assert_int_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 10); /* first cntlid */
	h_req_free(r);
	b = h_assoc_new(&H->tp1);
	ck_assert_int_eq(h_connect_admin(b, H_SUBNQN, H_HOSTNQN, 0), 0);
	ck_assert_uint_eq(b->cntlid, 11);
	/* range exhausted */
	b = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(b, H_SUBNQN, H_HOSTNQN, 0),
			  NVME_SC_CONNECT_CTRL_BUSY | DNR);
}
END_TEST

START_TEST(test_connect_admin_errors)
{
	struct h_assoc *a;
	struct h_req *r;

	h_std_subsys();
	a = h_assoc_new(&H->tp1);
	/* host not allowed: INVALID_HOST, IPO points at hostnqn in data */
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN2, 0xffff);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_HOST | DNR);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x10200);
	ck_assert_uint_eq(le16toh(r->cqe.status), (NVME_SC_CONNECT_INVALID_HOST | DNR) << 1);
	h_req_free(r);
	/* unknown subsystem */
	r = connect_raw(a, 0, "nqn.2024-01.io.example:nope", H_HOSTNQN, 0xffff);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x10100);
	h_req_free(r);
	/* static cntlid asked */
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 5);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x10010);
	h_req_free(r);
	/* recfmt */
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 0xffff);
	r->cmd.connect.recfmt = htole16(1);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_FORMAT | DNR);
	h_req_free(r);
	/* sqsize 0 */
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 0xffff);
	r->cmd.connect.sqsize = 0;
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 44);
	h_req_free(r);
	/* wrong data length */
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 0xffff);
	r->req.transfer_len = 512;
	ck_assert_uint_eq(h_run(r), NVME_SC_SGL_INVALID_DATA | DNR);
	h_req_free(r);
	/* not exported on port 2 */
	a = h_assoc_new(&H->tp2);
	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, H_HOSTNQN, 0),
			  NVME_SC_CONNECT_INVALID_PARAM | DNR);
	/* commands before Connect */
	r = h_req_new(a, 0, 4096);
	r->cmd.common.opcode = nvme_admin_identify;
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_OPCODE | DNR);
	h_req_free(r);
	/* fused and non-SGL commands */
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_keep_alive;
	r->cmd.common.flags |= NVME_CMD_FUSE_FIRST;
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.flags = 0;
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(r);
}
END_TEST

/* tgt_host_allowed (fcnvmectl host list's "allowed"): the ACL of the
 * subsystems exported on that port as it stands at the call. */
START_TEST(test_host_allowed_query)
{
	struct tgt_subsys_params sp = { .nqn = H_SUBNQN, .allow_any_host = true };
	char err[128];

	/* Only the discovery subsystem (any host may use it): not counted. */
	ck_assert(!tgt_host_allowed(H->t, 1, H_HOSTNQN, H_HOST_WWPN));
	h_std_subsys();
	ck_assert(tgt_host_allowed(H->t, 1, H_HOSTNQN, H_HOST_WWPN));
	ck_assert(!tgt_host_allowed(H->t, 1, H_HOSTNQN2, H_HOST_WWPN));
	ck_assert(!tgt_host_allowed(H->t, 1, "", H_HOST_WWPN));
	ck_assert(!tgt_host_allowed(H->t, 2, H_HOSTNQN, H_HOST_WWPN)); /* not exported there */
	/* Follows the configuration: allow the host, then a WWPN list. */
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert(tgt_host_allowed(H->t, 1, H_HOSTNQN2, H_HOST_WWPN));
	ck_assert_int_eq(tgt_subsys_allow_wwpn(H->t, H_SUBNQN, 0x1111, err, sizeof(err)), 0);
	ck_assert(!tgt_host_allowed(H->t, 1, H_HOSTNQN2, H_HOST_WWPN));
	ck_assert(tgt_host_allowed(H->t, 1, H_HOSTNQN2, 0x1111));
	ck_assert_int_eq(tgt_subsys_disallow_wwpn(H->t, H_SUBNQN, 0x1111, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_disallow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert(!tgt_host_allowed(H->t, 1, H_HOSTNQN2, H_HOST_WWPN));
	/* allow_any_host: any NQN, even none presented yet. */
	ck_assert_int_eq(tgt_subsys_set(H->t, &sp, TGT_SUBSYS_SET_ALLOW_ANY, err, sizeof(err)), 0);
	ck_assert(tgt_host_allowed(H->t, 1, H_HOSTNQN2, H_HOST_WWPN));
	ck_assert(tgt_host_allowed(H->t, 1, "", H_HOST_WWPN));
	ck_assert(!tgt_host_allowed(H->t, 2, "", H_HOST_WWPN));
}
END_TEST

START_TEST(test_connect_acl_any_and_wwpn)
{
	struct tgt_subsys_params sp = { .nqn = H_SUBNQN, .allow_any_host = true };
	struct h_assoc *a;
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_set(H->t, &sp, TGT_SUBSYS_SET_ALLOW_ANY, err, sizeof(err)), 0);
	a = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, H_HOSTNQN2, 0), 0);
	/* WWPN filter: another WWPN only */
	ck_assert_int_eq(tgt_subsys_allow_wwpn(H->t, H_SUBNQN, 0x1111, err, sizeof(err)), 0);
	/* existing controller from the now-refused WWPN was torn down? No:
	 * allow_wwpn does not re-check; disallow does. */
	a = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, H_HOSTNQN2, 0),
			  NVME_SC_CONNECT_INVALID_HOST | DNR);
	ck_assert_int_eq(tgt_subsys_allow_wwpn(H->t, H_SUBNQN, H_HOST_WWPN, err, sizeof(err)), 0);
	a = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, H_HOSTNQN2, 0), 0);
	/* disallowing the WWPN tears that controller down */
	ck_assert_int_eq(tgt_subsys_disallow_wwpn(H->t, H_SUBNQN, H_HOST_WWPN, err, sizeof(err)),
			 0);
	ck_assert_int_eq(a->nr_delete, 1);
	/* turning allow_any_host off drops hosts outside the ACL only */
	{
		struct h_assoc *in, *out;

		ck_assert_int_eq(tgt_subsys_disallow_wwpn(H->t, H_SUBNQN, 0x1111, err, sizeof(err)),
				 0);
		in = h_assoc_new(&H->tp1);
		ck_assert_uint_eq(h_connect_admin(in, H_SUBNQN, H_HOSTNQN, 0), 0);
		out = h_assoc_new(&H->tp1);
		ck_assert_uint_eq(h_connect_admin(out, H_SUBNQN, H_HOSTNQN2, 0), 0);
		sp.allow_any_host = false;
		ck_assert_int_eq(
			tgt_subsys_set(H->t, &sp, TGT_SUBSYS_SET_ALLOW_ANY, err, sizeof(err)), 0);
		ck_assert_int_eq(in->nr_delete, 0);
		ck_assert_int_eq(out->nr_delete, 1);
	}
}
END_TEST

START_TEST(test_disallow_host_tears_down)
{
	struct h_assoc *a;
	char err[128];

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_int_eq(a->nr_delete, 0);
	ck_assert_int_eq(tgt_subsys_disallow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	ck_assert(!a->alive[0] && !a->alive[1]);
	/* idempotent */
	ck_assert_int_eq(tgt_subsys_disallow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_connect_io)
{
	struct h_assoc *a, *b;
	struct h_req *r;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	/* duplicate qid 1: a second transport queue claiming qid 1 */
	r = connect_raw(a, 1, H_SUBNQN, H_HOSTNQN, a->cntlid);
	ck_assert_uint_eq(h_run(r), NVME_SC_CMD_SEQ_ERROR | DNR);
	h_req_free(r);
	/* sqsize above MQES */
	h_queue_new(a, 2, 2000);
	ck_assert_uint_eq(h_connect_io(a, 2, H_SUBNQN, H_HOSTNQN, 1024),
			  NVME_SC_CONNECT_INVALID_PARAM | DNR);
	r = connect_raw(a, 2, H_SUBNQN, H_HOSTNQN, a->cntlid);
	r->cmd.connect.sqsize = htole16(1024);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 44);
	h_req_free(r);
	/* wrong cntlid */
	r = connect_raw(a, 2, H_SUBNQN, H_HOSTNQN, (uint16_t)(a->cntlid + 7));
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x10010);
	h_req_free(r);
	/* another association's controller */
	b = h_assoc_new(&H->tp1);
	h_queue_new(b, 1, 31);
	r = connect_raw(b, 1, H_SUBNQN, H_HOSTNQN, a->cntlid);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	h_req_free(r);
	ck_assert_uint_eq(h_connect_io(a, 2, H_SUBNQN, H_HOSTNQN, 1023), 0);
}
END_TEST

START_TEST(test_connect_io_granted_queues)
{
	struct h_assoc *a;
	struct h_req *r;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_NUM_QUEUES);
	r->cmd.common.cdw11 = htole32(1 | (1u << 16)); /* 2 queues */
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x00010001);
	h_req_free(r);
	h_queue_new(a, 3, 31);
	ck_assert_uint_eq(h_connect_io(a, 3, H_SUBNQN, H_HOSTNQN, 31),
			  NVME_SC_CONNECT_INVALID_PARAM | DNR);
	h_queue_new(a, 2, 31);
	ck_assert_uint_eq(h_connect_io(a, 2, H_SUBNQN, H_HOSTNQN, 31), 0);
}
END_TEST

static uint64_t prop_get(struct h_assoc *a, uint32_t off, bool wide, uint16_t *st)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint64_t v;

	r->cmd.prop_get.opcode = nvme_fabrics_command;
	r->cmd.prop_get.fctype = nvme_fabrics_type_property_get;
	r->cmd.prop_get.attrib = wide;
	r->cmd.prop_get.offset = htole32(off);
	*st = h_run(r);
	v = le64toh(r->cqe.result.u64);
	h_req_free(r);
	return v;
}

START_TEST(test_properties)
{
	struct h_assoc *a;
	uint16_t st;

	h_std_subsys();
	a = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, H_HOSTNQN, 0), 0);
	/* CAP: MQES 1023, CQR, TO 15, CSS NVM */
	ck_assert_uint_eq(prop_get(a, NVME_REG_CAP, true, &st),
			  0x3ffull | (1ull << 16) | (15ull << 24) | (1ull << 37));
	ck_assert_uint_eq(st, 0);
	prop_get(a, NVME_REG_CAP, false, &st);
	ck_assert_uint_eq(st, NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(prop_get(a, NVME_REG_VS, false, &st), 0x00020000);
	ck_assert_uint_eq(prop_get(a, NVME_REG_CSTS, false, &st), 0);
	prop_get(a, 0x30, false, &st);
	ck_assert_uint_eq(st, NVME_SC_INVALID_FIELD | DNR);
	/* admin commands before CC.EN */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, NULL), NVME_SC_CMD_SEQ_ERROR | DNR);
	/* enable with bad IOSQES: CFS */
	ck_assert_uint_eq(h_prop_set_cc(a, NVME_CC_ENABLE), 0);
	ck_assert_uint_eq(prop_get(a, NVME_REG_CSTS, false, &st), NVME_CSTS_CFS);
	ck_assert_uint_eq(h_prop_set_cc(a, 0), 0);
	ck_assert_uint_eq(prop_get(a, NVME_REG_CSTS, false, &st), 0);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	ck_assert_uint_eq(prop_get(a, NVME_REG_CC, false, &st), H_CC_READY);
	ck_assert_uint_eq(prop_get(a, NVME_REG_CSTS, false, &st), NVME_CSTS_RDY);
	/* normal shutdown */
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY | NVME_CC_SHN_NORMAL), 0);
	ck_assert_uint_eq(prop_get(a, NVME_REG_CSTS, false, &st),
			  NVME_CSTS_RDY | NVME_CSTS_SHST_CMPLT);
	/* property set of anything but CC */
	{
		struct h_req *r = h_req_new(a, 0, 0);

		r->cmd.prop_set.opcode = nvme_fabrics_command;
		r->cmd.prop_set.fctype = nvme_fabrics_type_property_set;
		r->cmd.prop_set.offset = htole32(NVME_REG_CSTS);
		ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_FIELD | DNR);
		h_req_free(r);
	}
}
END_TEST

START_TEST(test_keep_alive_expiry)
{
	struct h_assoc *a;
	struct h_req *r;
	int i;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1); /* kato 5 s */
	/* traffic every 3 s keeps it alive */
	for (i = 0; i < 5; i++) {
		H->clock.fake_ms += 3000;
		r = h_req_new(a, 0, 0);
		r->cmd.common.opcode = nvme_admin_keep_alive;
		ck_assert_uint_eq(h_run(r), 0);
		h_req_free(r);
		tgt_timer_tick(H->t);
		ck_assert_int_eq(a->nr_delete, 0);
	}
	/* I/O counts as traffic too */
	{
		uint8_t buf[512];

		H->clock.fake_ms += 3000;
		ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, buf, 512), 0);
		tgt_timer_tick(H->t);
		ck_assert_int_eq(a->nr_delete, 0);
	}
	/* silence for two periods: the association is torn down once */
	H->clock.fake_ms += 5000;
	tgt_timer_tick(H->t);
	H->clock.fake_ms += 5000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a->nr_delete, 1);
	ck_assert(!a->alive[0]);
	H->clock.fake_ms += 60000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a->nr_delete, 1);
}
END_TEST

static struct tgt_assoc_event last_ev;
static int nr_ev;

/* Only the protection events (the others: test_story_events). */
static void record_ev(void *arg, const struct tgt_assoc_event *ev)
{
	(void)arg;
	if (ev->kind != TGT_ASSOC_EV_REFUSED && ev->kind != TGT_ASSOC_EV_EXPIRED)
		return;
	last_ev = *ev;
	nr_ev++;
}

static char story[2048];

/* The event itself, into arg (its strings are not kept). */
static void record_ls_cmd(void *arg, const struct tgt_assoc_event *ev)
{
	*(struct tgt_assoc_event *)arg = *ev;
}

/* Every event as one line of its facts. */
static void record_story(void *arg, const struct tgt_assoc_event *ev)
{
	size_t n = strlen(story);

	(void)arg;
	snprintf(story + n, sizeof(story) - n, "%d %s %llx %s %s q%u c%u %04x %d [%s] %llu\n",
		 (int)ev->kind, ev->port, (unsigned long long)ev->host_wwpn,
		 ev->host_nqn ? ev->host_nqn : "-", ev->subsys_nqn ? ev->subsys_nqn : "-", ev->qid,
		 ev->cntlid, ev->status, ev->ipo, ev->reason ? ev->reason : "-",
		 (unsigned long long)ev->timeout_ms);
}

/* What an operator needs to answer "why can't my host connect?": each
 * refused Connect with its reason, status and offending field; a new
 * controller; keep-alive expiry; the end of a controller and its cause. */
START_TEST(test_story_events)
{
	struct h_assoc *a, *k;
	struct h_req *r;

	h_std_subsys();
	story[0] = '\0';
	tgt_set_assoc_event_cb(H->t, record_story, NULL);
	a = h_assoc_new(&H->tp1);
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN2, 0xffff);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_HOST | DNR);
	h_req_free(r);
	r = connect_raw(a, 0, "nqn.2024-01.io.example:nope", H_HOSTNQN, 0xffff);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	h_req_free(r);
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 5);
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	h_req_free(r);
	r = connect_raw(a, 0, H_SUBNQN, H_HOSTNQN, 0xffff);
	r->cmd.connect.sqsize = 0;
	ck_assert_uint_eq(h_run(r), NVME_SC_CONNECT_INVALID_PARAM | DNR);
	h_req_free(r);
	ck_assert_uint_eq(h_connect_admin(h_assoc_new(&H->tp2), H_SUBNQN, H_HOSTNQN, 0),
			  NVME_SC_CONNECT_INVALID_PARAM | DNR);
	ck_assert_str_eq(story, "2 p1 10000090fa00aa01 " H_HOSTNQN2 " " H_SUBNQN
				" q0 c0 4184 66048 [host not allowed] 0\n"
				"2 p1 10000090fa00aa01 " H_HOSTNQN " nqn.2024-01.io.example:nope"
				" q0 c0 4182 65792 [subsystem unknown] 0\n"
				"2 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN
				" q0 c0 4182 65552 [controller ID is not 0xffff (dynamic)] 0\n"
				"2 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN
				" q0 c0 4182 44 [queue size 0] 0\n"
				"2 p2 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN
				" q0 c0 4182 65792 [subsystem not exported on this port] 0\n");

	/* A controller, its keep-alive expiry, its end with the cause. */
	story[0] = '\0';
	k = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1); /* kato 5 s */
	H->clock.fake_ms += 5000;
	tgt_timer_tick(H->t);
	H->clock.fake_ms += 5000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(k->nr_delete, 1);
	ck_assert_str_eq(story,
			 "3 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN " q0 c1 0000 -1 [-] 0\n"
			 "4 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN " q0 c1 0000 0 [-] 5000\n"
			 "5 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN
			 " q0 c1 0000 0 [keep-alive timeout] 0\n"
			 /* the refused ones never connected: deleted */
			 "1 p2 10000090fa00aa01 - - q0 c0 0000 0 [-] 10000\n"
			 "1 p1 10000090fa00aa01 - - q0 c0 0000 0 [-] 10000\n");

	/* The port said the host port left: that cause wins over what tears
	 * the association down afterwards; another port's hosts keep none. */
	story[0] = '\0';
	k = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	tgt_host_gone(H->t, 2, 0, "link down on the port");
	tgt_host_gone(H->t, 1, H_HOST_WWPN, "host port gone (LOGO)");
	tgt_host_gone(H->t, 1, 0, "link down on the port");
	ck_assert_int_eq(tgt_ctrl_delete(H->t, k->id, NULL, 0), 0);
	ck_assert_str_eq(story,
			 "3 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN " q0 c2 0000 -1 [-] 0\n"
			 "5 p1 10000090fa00aa01 " H_HOSTNQN " " H_SUBNQN
			 " q0 c2 0000 0 [host port gone (LOGO)] 0\n");
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

static struct tgt_assoc_event conflict;
static char conflict_nqn[256], conflict_subsys[256], conflict_port[16];
static char conflict_other_nqn[256], conflict_other_subsys[256];
static uint8_t conflict_id[16], conflict_other_id[16];
static int nr_conflict;

/* The HOST_CONFLICT events, the last one kept with copies of its strings
 * and IDs (its pointers are valid during the call only). */
static void record_conflict(void *arg, const struct tgt_assoc_event *ev)
{
	(void)arg;
	if (ev->kind != TGT_ASSOC_EV_HOST_CONFLICT)
		return;
	nr_conflict++;
	conflict = *ev;
	snprintf(conflict_nqn, sizeof(conflict_nqn), "%s", ev->host_nqn);
	snprintf(conflict_subsys, sizeof(conflict_subsys), "%s", ev->subsys_nqn);
	snprintf(conflict_port, sizeof(conflict_port), "%s", ev->port);
	snprintf(conflict_other_nqn, sizeof(conflict_other_nqn), "%s", ev->other_nqn);
	snprintf(conflict_other_subsys, sizeof(conflict_other_subsys), "%s", ev->other_subsys);
	memcpy(conflict_id, ev->hostid, 16);
	memcpy(conflict_other_id, ev->other_hostid, 16);
}

/* An admin Connect of host (Host ID: 16 times id) on a new association of
 * port tp; the controller's ID, its association into *ap if ap. */
static uint16_t connect_id(struct nvmet_fc_target_port *tp, const char *sub, const char *host,
			   uint8_t id, struct h_assoc **ap)
{
	struct h_assoc *a = h_assoc_new(tp);
	struct h_req *r = connect_raw(a, 0, sub, host, 0xffff);
	struct nvmf_connect_data *d = (struct nvmf_connect_data *)r->data;
	uint16_t cntlid;

	memset(d->hostid, id, sizeof(d->hostid));
	ck_assert_int_eq(h_run(r), 0);
	cntlid = (uint16_t)le32toh(r->cqe.result.dw0);
	h_req_free(r);
	if (ap)
		*ap = a;
	return cntlid;
}

/* Two hosts that claim one identity (cloned hosts): a new controller with
 * a live one's host NQN and another Host ID, or its Host ID and another
 * host NQN, on any subsystem (the discovery one too), is an event naming
 * both; the same pair again (multipath), a host without a Host ID, and a
 * controller gone are not. */
START_TEST(test_host_conflict_event)
{
	uint8_t a[16], b[16];
	uint16_t first, disc;
	struct h_assoc *gone;
	char err[128];

	memset(a, 0x11, sizeof(a));
	memset(b, 0x22, sizeof(b));
	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN3, err, sizeof(err)), 0);
	nr_conflict = 0;
	tgt_set_assoc_event_cb(H->t, record_conflict, NULL);
	first = connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN, 0x11, NULL);
	connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN, 0x11, NULL); /* its second path */
	disc = connect_id(&H->tp1, NVME_DISC_SUBSYS_NAME, H_HOSTNQN3, 0x33, NULL);
	connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN2, 0x00, NULL); /* no Host ID */
	ck_assert_int_eq(nr_conflict, 0);

	/* the same host NQN, another Host ID */
	ck_assert_uint_eq(connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN, 0x22, NULL), first + 3);
	ck_assert_int_eq(nr_conflict, 1);
	ck_assert_str_eq(conflict_nqn, H_HOSTNQN);
	ck_assert_str_eq(conflict_subsys, H_SUBNQN);
	ck_assert_uint_eq(conflict.cntlid, first + 3);
	ck_assert_str_eq(conflict_port, "p1");
	ck_assert_uint_eq(conflict.host_wwpn, H_HOST_WWPN);
	ck_assert_mem_eq(conflict_id, b, 16);
	ck_assert_str_eq(conflict_other_nqn, H_HOSTNQN);
	ck_assert_mem_eq(conflict_other_id, a, 16);
	ck_assert_str_eq(conflict_other_subsys, H_SUBNQN);
	ck_assert_uint_eq(conflict.other_cntlid, first);
	ck_assert_uint_eq(conflict.other_wwpn, H_HOST_WWPN);

	/* a Host ID a discovery controller has, with another host NQN */
	connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN2, 0x33, NULL);
	ck_assert_int_eq(nr_conflict, 2);
	ck_assert_str_eq(conflict_nqn, H_HOSTNQN2);
	ck_assert_str_eq(conflict_other_nqn, H_HOSTNQN3);
	ck_assert_str_eq(conflict_other_subsys, NVME_DISC_SUBSYS_NAME);
	ck_assert_uint_eq(conflict.other_cntlid, disc);

	/* a controller gone claims nothing */
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN4, err, sizeof(err)), 0);
	connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN4, 0x55, &gone);
	ck_assert_int_eq(tgt_ctrl_delete(H->t, gone->id, err, sizeof(err)), 0);
	connect_id(&H->tp1, H_SUBNQN, H_HOSTNQN4, 0x66, NULL);
	ck_assert_int_eq(nr_conflict, 2);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* An LS the transport rejected: an event naming the LS (or its code when
 * unknown), the reason, the explanation and the failed check (when there
 * are), on the target port and host port it came from. */
START_TEST(test_ls_rejected_event)
{
	struct nvmet_fc_ls_rjt_info info = {
		.tgtport = &H->tp1,
		.host_wwpn = H_HOST_WWPN,
		.ls_cmd = FCNVME_LS_CREATE_CONNECTION,
		.reason = FCNVME_RJT_RC_INV_PARAM,
		.explanation = FCNVME_RJT_EXP_INV_SQSIZE,
		.detail = "queue larger than the port's max_queue_size",
	};
	struct tgt_assoc_event ev;

	story[0] = '\0';
	tgt_set_assoc_event_cb(H->t, record_story, NULL);
	tgt_ls_rejected(H->t, &info);
	info.tgtport = &H->tp2;
	info.ls_cmd = 0x77;
	info.reason = FCNVME_RJT_RC_INVAL;
	info.explanation = FCNVME_RJT_EXP_NONE;
	info.detail = NULL;
	tgt_ls_rejected(H->t, &info);
	ck_assert_str_eq(story,
			 "7 p1 10000090fa00aa01 - - q0 c0 0000 -1 [Create Connection "
			 "rejected: invalid parameters, invalid submission queue size (queue "
			 "larger than the port's max_queue_size)] 0\n"
			 "7 p2 10000090fa00aa01 - - q0 c0 0000 -1 [LS 0x77 rejected: invalid "
			 "LS command code] 0\n");
	tgt_set_assoc_event_cb(H->t, record_ls_cmd, &ev);
	info.ls_cmd = FCNVME_LS_DISCONNECT_ASSOC;
	tgt_ls_rejected(H->t, &info);
	ck_assert_int_eq(ev.kind, TGT_ASSOC_EV_LS_REJECTED);
	ck_assert_uint_eq(ev.ls_cmd, FCNVME_LS_DISCONNECT_ASSOC);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* Queue 0 of one more association from the harness's host port on tp. */
static int try_admin_sq(struct nvmet_fc_target_port *tp, void **core_sq)
{
	static char tag;
	struct nvmet_fc_sq_info info = {
		.tgtport = tp,
		.fc_sq = (struct nvmet_fc_sq *)(void *)&tag,
		.association_id = 0x7700000ull << 16,
		.connection_id = 0x7700000ull << 16,
		.sqsize = 31,
		.host_wwpn = H_HOST_WWPN,
		.max_data_len = 1u << 20,
		.max_queue_size = 1024,
		.max_io_queues = 16,
	};

	return tgt_core_ops()->sq_create(H->t, &info, core_sq);
}

/* A host port may hold TGT_UNCONNECTED_MAX associations that have not
 * connected on one target port; the next is refused (-EBUSY, which the
 * transport answers with Insufficient Resources) and said; a Connect frees
 * its place; another target port has its own count; the ones that never
 * connect are deleted after TGT_CONNECT_TIMEOUT_MS, the connected one not. */
START_TEST(test_unconnected_bound)
{
	struct h_assoc *a[TGT_UNCONNECTED_MAX], *b, *other;
	void *core_sq = NULL;
	int i;

	h_std_subsys();
	tgt_set_assoc_event_cb(H->t, record_ev, NULL);
	for (i = 0; i < TGT_UNCONNECTED_MAX; i++)
		a[i] = h_assoc_new(&H->tp1);
	ck_assert_int_eq(try_admin_sq(&H->tp1, &core_sq), -EBUSY);
	ck_assert_ptr_null(core_sq);
	ck_assert_int_eq(nr_ev, 1);
	ck_assert_int_eq(last_ev.kind, TGT_ASSOC_EV_REFUSED);
	ck_assert_uint_eq(last_ev.host_wwpn, H_HOST_WWPN);
	ck_assert_uint_eq(last_ev.limit, TGT_UNCONNECTED_MAX);
	ck_assert_str_eq(last_ev.port, "p1");
	/* the other port counts its own */
	other = h_assoc_new(&H->tp2);
	/* a Connect frees a place */
	ck_assert_uint_eq(h_connect_admin(a[0], H_SUBNQN, H_HOSTNQN, 0), 0);
	b = h_assoc_new(&H->tp1);
	ck_assert_int_eq(try_admin_sq(&H->tp1, &core_sq), -EBUSY);
	ck_assert_int_eq(nr_ev, 2);

	/* just before the timeout nothing happens */
	H->clock.fake_ms += TGT_CONNECT_TIMEOUT_MS - 1;
	tgt_timer_tick(H->t);
	for (i = 0; i < TGT_UNCONNECTED_MAX; i++)
		ck_assert_int_eq(a[i]->nr_delete, 0);
	ck_assert_int_eq(nr_ev, 2);
	/* then every unconnected one goes, once; the connected one stays */
	H->clock.fake_ms += 1;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a[0]->nr_delete, 0);
	ck_assert(a[0]->alive[0]);
	for (i = 1; i < TGT_UNCONNECTED_MAX; i++) {
		ck_assert_int_eq(a[i]->nr_delete, 1);
		ck_assert(!a[i]->alive[0]);
	}
	ck_assert_int_eq(b->nr_delete, 1);
	ck_assert_int_eq(other->nr_delete, 1);
	ck_assert_int_eq(nr_ev, 2 + TGT_UNCONNECTED_MAX + 1);
	ck_assert_int_eq(last_ev.kind, TGT_ASSOC_EV_EXPIRED);
	ck_assert_uint_eq(last_ev.timeout_ms, TGT_CONNECT_TIMEOUT_MS);
	H->clock.fake_ms += 60000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(nr_ev, 2 + TGT_UNCONNECTED_MAX + 1);
	/* with the place free again, a new one is accepted */
	ck_assert_int_eq(try_admin_sq(&H->tp1, &core_sq), 0);
	ck_assert_ptr_nonnull(core_sq);
	tgt_core_ops()->sq_stop(H->t, core_sq);
	tgt_core_ops()->sq_destroy(H->t, core_sq);
	nr_ev = 0;
}
END_TEST

START_TEST(test_discovery_default_kato)
{
	struct h_assoc *a = h_assoc_new(&H->tp1);
	struct h_req *r;

	ck_assert_uint_eq(h_connect_admin(a, NVME_DISC_SUBSYS_NAME, H_HOSTNQN2, 0), 0);
	ck_assert_uint_eq(h_prop_set_cc(a, NVME_CC_ENABLE), 0);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_KATO);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 120000);
	h_req_free(r);
	/* the Get Features was traffic: the first period re-arms */
	H->clock.fake_ms += 119000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a->nr_delete, 0);
	H->clock.fake_ms += 2000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a->nr_delete, 0);
	/* a whole silent period: expired */
	H->clock.fake_ms += 119000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a->nr_delete, 0);
	H->clock.fake_ms += 1000;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(a->nr_delete, 1);
}
END_TEST

/* Create a controller, let sq_stop complete its held AERs. */
START_TEST(test_sq_stop_completes_aers)
{
	struct h_assoc *a;
	struct h_req *r;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 0);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_async_event;
	ck_assert_uint_eq(h_run(r), H_PENDING);
	tgt_core_ops()->sq_stop(H->t, a->core_sq[0]);
	ck_assert_uint_eq(h_status(r), NVME_SC_INTERNAL | DNR);
	h_req_free(r);
}
END_TEST

Suite *core_connect_suite(void)
{
	Suite *s = suite_create("core_connect");
	TCase *tc = tcase_create("connect");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_connect_admin_ok);
	tcase_add_test(tc, test_connect_admin_errors);
	tcase_add_test(tc, test_story_events);
	tcase_add_test(tc, test_connect_acl_any_and_wwpn);
	tcase_add_test(tc, test_host_allowed_query);
	tcase_add_test(tc, test_disallow_host_tears_down);
	tcase_add_test(tc, test_connect_io);
	tcase_add_test(tc, test_connect_io_granted_queues);
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_keep_alive_expiry);
	tcase_add_test(tc, test_discovery_default_kato);
	tcase_add_test(tc, test_unconnected_bound);
	tcase_add_test(tc, test_ls_rejected_event);
	tcase_add_test(tc, test_host_conflict_event);
	tcase_add_test(tc, test_sq_stop_completes_aers);
	suite_add_tcase(s, tc);
	return s;
}
