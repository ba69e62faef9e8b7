// SPDX-License-Identifier: Apache-2.0
/*
 * DH-HMAC-CHAP in the target core (cmd_auth.c, subsys_auth.c) through the
 * core harness, with a host written here from libfcnvme's protocol
 * functions: Connect answers AUTHREQ only for hosts with a key; every
 * command but AUTH_Send/Receive is refused with AUTH_REQUIRED until the
 * queue authenticates (admin and I/O queues); full exchanges for every
 * hash x DH group, one- and two-way; a wrong host key gets Failure1
 * (failed) and a logged refusal naming host, WWPN and reason; a wrong
 * controller key is caught by the host (Failure2, logged); key rotation
 * keeps authenticated queues; malformed and out-of-sequence messages.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/auth.h>
#include <fcnvme/random.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

/* nvme gen-dhchap-key --secret=00..1f --hmac=1 --nqn=... (any 32-byte
 * SHA-256 key does) and two other keys */
#define KEY1  "DHHC-1:01:j2o85HJ423ezLPXEUIFKMh3lBjv2SdyZIaWb4UESTNSZD9Jx:"
#define KEY0  "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
#define KEY48 "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:"

static struct tgt_assoc_event last_ev;
static char last_reason[256];
static int nr_refused;
static char last_how[256]; /* the last AUTHENTICATED event: "qid Q host: how" */

static void record_ev(void *arg, const struct tgt_assoc_event *ev)
{
	(void)arg;
	if (ev->kind == TGT_ASSOC_EV_AUTHENTICATED)
		snprintf(last_how, sizeof(last_how), "qid %u %s: %s", ev->qid, ev->host_nqn,
			 ev->reason);
	if (ev->kind != TGT_ASSOC_EV_CONNECT_REFUSED)
		return;
	last_ev = *ev;
	snprintf(last_reason, sizeof(last_reason), "%s", ev->reason);
	nr_refused++;
}

/* One AUTH_Send (send) or AUTH_Receive of len bytes on queue qid. */
static uint16_t h_auth(struct h_assoc *a, uint16_t qid, bool send, uint8_t *buf, uint32_t len)
{
	struct h_req *r = h_req_new(a, qid, len);
	uint8_t *b = (uint8_t *)&r->cmd;
	uint16_t st;

	r->cmd.fabrics.opcode = nvme_fabrics_command;
	r->cmd.fabrics.fctype = send ? nvme_fabrics_type_auth_send : nvme_fabrics_type_auth_receive;
	b[41] = 1;
	b[42] = 1;
	b[43] = 0xe9;
	b[44] = (uint8_t)len;
	b[45] = (uint8_t)(len >> 8);
	if (send)
		memcpy(r->data, buf, len);
	st = h_run(r);
	if (!send)
		memcpy(buf, r->data, len);
	h_req_free(r);
	return st;
}

struct host_auth {
	const char *key, *ctrl_key; /* ctrl_key NULL: one-way */
	const char *hostnqn;	    /* NULL: H_HOSTNQN */
	uint8_t hashes[3], nhash;
	uint8_t dhs[6], ndh;
	/* results */
	uint8_t hash, dh;
	uint8_t rexp;  /* Failure1's explanation, 0: none */
	bool ctrl_bad; /* the controller's response did not match */
};

/* The host's side over the harness, as Linux's nvme_queue_auth_work
 * does it. 0 when authenticated. */
static int host_auth(struct h_assoc *a, uint16_t qid, struct host_auth *p)
{
	static uint8_t buf[FCNVME_AUTH_MAX_MSG], hpub[1024], z[1024];
	struct fcnvme_auth_negotiate ng = { .tid = 5, .nhash = p->nhash, .ndh = p->ndh };
	struct fcnvme_auth_key hk, ck;
	struct fcnvme_auth_challenge ch;
	struct fcnvme_auth_success1 s1;
	struct fcnvme_auth_failure f;
	struct fcnvme_auth_dh *dh = NULL;
	const char *hn = p->hostnqn ? p->hostnqn : H_HOSTNQN;
	uint8_t c1[64], c2[64], tk[64], r1[64], r2[64];
	size_t tl, n = 0, hl;
	int len;

	ck_assert_int_eq(fcnvme_auth_key_parse(p->key, &hk), 0);
	memcpy(ng.hashes, p->hashes, p->nhash);
	memcpy(ng.dhs, p->dhs, p->ndh);
	len = fcnvme_auth_build_negotiate(buf, sizeof(buf), &ng);
	ck_assert_uint_eq(h_auth(a, qid, true, buf, (uint32_t)len), 0);
	ck_assert_uint_eq(h_auth(a, qid, false, buf, sizeof(buf)), 0);
	p->rexp = 0;
	if (!fcnvme_auth_parse_failure(buf, sizeof(buf), &f)) {
		ck_assert_uint_eq(f.id, FCNVME_AUTH_FAILURE1);
		ck_assert_uint_eq(f.tid, 5);
		ck_assert_uint_eq(f.rescode, 1);
		p->rexp = f.rexp;
		return -1;
	}
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, sizeof(buf), &ch), 0);
	ck_assert_uint_eq(ch.tid, 5);
	ck_assert_uint_ne(ch.seq, 0);
	p->hash = ch.hashid;
	p->dh = ch.dhgid;
	hl = ch.hl;
	memcpy(c1, ch.cval, hl);
	if (ch.dhgid) {
		n = fcnvme_auth_dh_len(ch.dhgid);
		ck_assert_int_eq(fcnvme_auth_dh_new(ch.dhgid, NULL, 0, &dh), 0);
		ck_assert_int_eq(fcnvme_auth_dh_pub(dh, hpub, n), 0);
		ck_assert_int_eq(fcnvme_auth_dh_shared(dh, ch.dhv, ch.dhvlen, z, n), 0);
		ck_assert_int_eq(fcnvme_auth_augment(ch.hashid, z, n, ch.cval, c1), 0);
	}
	ck_assert_int_eq(fcnvme_auth_transform(&hk, hn, tk, &tl), 0);
	ck_assert_int_eq(fcnvme_auth_response(ch.hashid, tk, tl, c1, ch.seq, 5,
					      FCNVME_AUTH_ROLE_HOST, hn, H_SUBNQN, r1),
			 0);
	ck_assert_int_eq(fcnvme_random_bytes(c2, hl), 0);
	{
		struct fcnvme_auth_reply rp = { .tid = 5,
						.hl = (uint8_t)hl,
						.cvalid = p->ctrl_key != NULL,
						.seq = 0x5151,
						.rval = r1,
						.c2 = c2,
						.dhvlen = (uint16_t)n,
						.dhv = n ? hpub : NULL };
		uint8_t dh_id = ch.dhgid, h_id = ch.hashid;

		len = fcnvme_auth_build_reply(buf, sizeof(buf), &rp);
		ck_assert_uint_eq(h_auth(a, qid, true, buf, (uint32_t)len), 0);
		ck_assert_uint_eq(h_auth(a, qid, false, buf, sizeof(buf)), 0);
		fcnvme_auth_dh_free(dh);
		if (!fcnvme_auth_parse_failure(buf, sizeof(buf), &f)) {
			p->rexp = f.rexp;
			return -1;
		}
		ck_assert_int_eq(fcnvme_auth_parse_success1(buf, sizeof(buf), &s1), 0);
		ck_assert_uint_eq(s1.hl, hl);
		if (!p->ctrl_key) {
			ck_assert_uint_eq(s1.rvalid, 0);
			return 0;
		}
		ck_assert_uint_eq(s1.rvalid, 1);
		memcpy(c1, c2, hl);
		if (dh_id)
			ck_assert_int_eq(fcnvme_auth_augment(h_id, z, n, c2, c1), 0);
		ck_assert_int_eq(fcnvme_auth_key_parse(p->ctrl_key, &ck), 0);
		ck_assert_int_eq(fcnvme_auth_transform(&ck, H_SUBNQN, tk, &tl), 0);
		ck_assert_int_eq(fcnvme_auth_response(h_id, tk, tl, c1, 0x5151, 5,
						      FCNVME_AUTH_ROLE_CTRL, hn, H_SUBNQN, r2),
				 0);
		p->ctrl_bad = !fcnvme_auth_equal(r2, s1.rval, hl);
		if (p->ctrl_bad) {
			f = (struct fcnvme_auth_failure){ .id = FCNVME_AUTH_FAILURE2,
							  .tid = 5,
							  .rescode = 1,
							  .rexp = FCNVME_AUTH_FAIL_FAILED };
			len = fcnvme_auth_build_failure(buf, sizeof(buf), &f);
			ck_assert_uint_eq(h_auth(a, qid, true, buf, (uint32_t)len), 0);
			return -1;
		}
		len = fcnvme_auth_build_success2(buf, sizeof(buf), 5);
		ck_assert_uint_eq(h_auth(a, qid, true, buf, (uint32_t)len), 0);
	}
	return 0;
}

static void default_offer(struct host_auth *p)
{
	static const uint8_t h[3] = { 1, 2, 3 }, d[6] = { 0, 1, 2, 3, 4, 5 };

	memcpy(p->hashes, h, 3);
	p->nhash = 3;
	memcpy(p->dhs, d, 6);
	p->ndh = 6;
}

static void set_keys(const char *key, const char *ctrl_key)
{
	char err[256];

	ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, key, ctrl_key, NULL, err,
					       sizeof(err)),
			 0);
}

/* A new association whose admin queue connected as hostnqn to the standard
 * subsystem (not authenticated yet). */
static struct h_assoc *admin_of(const char *hostnqn)
{
	struct h_assoc *a = h_assoc_new(&H->tp1);

	ck_assert_uint_eq(h_connect_admin(a, H_SUBNQN, hostnqn, 0), 0);
	return a;
}

/* An AUTH_Send of 72 bytes on a's admin queue whose command says SECP secp
 * (DH-HMAC-CHAP is 0xe9) and transfer length tl: its status. */
static uint16_t auth_send_raw(struct h_assoc *a, uint8_t secp, uint8_t tl)
{
	struct h_req *r = h_req_new(a, 0, 72);
	uint8_t *c = (uint8_t *)&r->cmd;
	uint16_t st;

	r->cmd.fabrics.opcode = nvme_fabrics_command;
	r->cmd.fabrics.fctype = nvme_fabrics_type_auth_send;
	c[41] = 1; /* SPSP0 */
	c[42] = 1; /* SPSP1 */
	c[43] = secp;
	c[44] = tl;
	st = h_run(r);
	h_req_free(r);
	return st;
}

/* Count refusals (record_ev) from now on. */
static void watch_refusals(void)
{
	tgt_set_assoc_event_cb(H->t, record_ev, NULL);
	nr_refused = 0;
}

/* Connect of a host with a key: AUTHREQ (ATR, dword 0 bit 17), and
 * everything but AUTH refused until it authenticates; another host without
 * a key: no AUTHREQ. */
START_TEST(test_authreq_and_gate)
{
	static uint8_t id[4096];
	struct host_auth p = { .key = KEY1 };
	struct h_assoc *a, *b;
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	set_keys(KEY1, NULL);
	ck_assert(tgt_subsys_has_dhchap(H->t, H_SUBNQN, H_HOSTNQN));
	ck_assert(!tgt_subsys_has_dhchap(H->t, H_SUBNQN, H_HOSTNQN2));
	a = admin_of(H_HOSTNQN);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), NVME_SC_AUTH_REQUIRED | DNR);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), NVME_SC_AUTH_REQUIRED | DNR);
	/* AUTH_Receive before any Negotiate */
	ck_assert_uint_eq(h_auth(a, 0, false, id, 64), NVME_SC_CMD_SEQ_ERROR | DNR);
	default_offer(&p);
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(p.hash, FCNVME_AUTH_HASH_SHA256);
	ck_assert_uint_eq(p.dh, FCNVME_AUTH_DH_FFDHE2048);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), 0);
	/* I/O queue: AUTHREQ again, I/O refused until it authenticates */
	h_queue_new(a, 1, 31);
	ck_assert_uint_eq(h_connect_io(a, 1, H_SUBNQN, H_HOSTNQN, 31), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, id, 512), NVME_SC_AUTH_REQUIRED | DNR);
	ck_assert_int_eq(host_auth(a, 1, &p), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, id, 512), 0);
	/* a host without a key is not asked */
	b = admin_of(H_HOSTNQN2);
	ck_assert_uint_eq(h_prop_set_cc(b, H_CC_READY), 0);
	/* AUTH_Send with wrong SECP, or a length unlike the transfer */
	ck_assert_uint_eq(auth_send_raw(b, 0xea, 72), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(auth_send_raw(b, 0xe9, 71), NVME_SC_INVALID_FIELD | DNR);
	/* Negotiate from a host that has no key: Failure1, not usable */
	p.key = KEY0;
	ck_assert_int_eq(host_auth(b, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_NOT_USABLE);
}
END_TEST

/* Every hash x group, two-way, on a fresh association each. */
START_TEST(test_every_hash_group)
{
	static const char *const hash[] = { "", "sha256", "sha384", "sha512" };
	static const char *const dh[] = { "null",      "ffdhe2048", "ffdhe3072",
					  "ffdhe4096", "ffdhe6144", "ffdhe8192" };
	struct host_auth p = { .key = KEY48, .ctrl_key = KEY1 };
	struct h_assoc *a;
	char want[256];

	h_std_subsys();
	set_keys(KEY48, KEY1);
	a = admin_of(H_HOSTNQN);
	p.hashes[0] = (uint8_t)(_i / 6 + 1);
	p.nhash = 1;
	p.dhs[0] = (uint8_t)(_i % 6);
	p.ndh = 1;
	tgt_set_assoc_event_cb(H->t, record_ev, NULL);
	last_how[0] = '\0';
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert(!p.ctrl_bad);
	ck_assert_uint_eq(p.hash, _i / 6 + 1);
	ck_assert_uint_eq(p.dh, _i % 6);
	/* logged once Success2 came */
	snprintf(want, sizeof(want), "qid 0 %s: hmac(%s), DH group %s, two-way", H_HOSTNQN,
		 hash[_i / 6 + 1], dh[_i % 6]);
	ck_assert_str_eq(last_how, want);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
}
END_TEST

/* Wrong host key: Failure1 (failed), refusal logged with host NQN, WWPN and
 * reason, commands still refused; then the right key works on the same
 * queue. */
START_TEST(test_wrong_key)
{
	struct host_auth p = { .key = KEY0 };
	static uint8_t id[4096];
	struct h_assoc *a;

	h_std_subsys();
	set_keys(KEY1, NULL);
	watch_refusals();
	a = admin_of(H_HOSTNQN);
	default_offer(&p);
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_FAILED);
	ck_assert_int_eq(nr_refused, 1);
	ck_assert_str_eq(last_reason, "DH-HMAC-CHAP failed: host response mismatch (wrong key) "
				      "(authentication failed)");
	ck_assert_str_eq(last_ev.host_nqn, H_HOSTNQN);
	ck_assert_str_eq(last_ev.subsys_nqn, H_SUBNQN);
	ck_assert_uint_eq(last_ev.host_wwpn, H_HOST_WWPN);
	ck_assert_uint_eq(last_ev.qid, 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), NVME_SC_AUTH_REQUIRED | DNR);
	p.key = KEY1;
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* Two-way: the host holding another controller key refuses the controller
 * (Failure2, logged); a host asking for two-way where none is configured
 * gets Failure1. */
START_TEST(test_bidi_mismatch)
{
	struct host_auth p = { .key = KEY1, .ctrl_key = KEY0 };
	static uint8_t id[4096];
	struct h_assoc *a;

	h_std_subsys();
	set_keys(KEY1, KEY48);
	watch_refusals();
	a = admin_of(H_HOSTNQN);
	default_offer(&p);
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert(p.ctrl_bad);
	ck_assert_int_eq(nr_refused, 1);
	ck_assert_str_eq(last_reason, "host aborted DH-HMAC-CHAP: authentication failed");
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), NVME_SC_AUTH_REQUIRED | DNR);
	p.ctrl_key = KEY48;
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert(!p.ctrl_bad);
	/* no controller key configured */
	set_keys(KEY1, NULL);
	a = admin_of(H_HOSTNQN);
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_FAILED);
	ck_assert_ptr_nonnull(strstr(last_reason, "no controller key"));
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* Rotation: a new key applies to new exchanges; the authenticated
 * controller keeps working; the old key now fails, the new one works
 * (re-authentication on the live queue too). */
START_TEST(test_rotation)
{
	struct host_auth p = { .key = KEY1 };
	struct h_assoc *a, *b;

	h_std_subsys();
	set_keys(KEY1, NULL);
	default_offer(&p);
	a = admin_of(H_HOSTNQN);
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	set_keys(KEY48, NULL);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	b = admin_of(H_HOSTNQN);
	ck_assert_int_eq(host_auth(b, 0, &p), -1);
	p.key = KEY48;
	ck_assert_int_eq(host_auth(b, 0, &p), 0);
	ck_assert_int_eq(host_auth(a, 0, &p), 0); /* re-authentication */
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	/* removing the key: new Connects are not asked */
	ck_assert_int_eq(
		tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, NULL, NULL, NULL, NULL, 0), 0);
	b = admin_of(H_HOSTNQN);
	ck_assert_uint_eq(h_prop_set_cc(b, H_CC_READY), 0);
}
END_TEST

/* H_HOSTNQN with a key, refusals watched, p's default offer: an admin
 * queue that authenticated. */
static struct h_assoc *stalled_setup(struct host_auth *p)
{
	struct h_assoc *a;

	h_std_subsys();
	set_keys(KEY1, NULL);
	watch_refusals();
	default_offer(p);
	a = admin_of(H_HOSTNQN);
	ck_assert_int_eq(host_auth(a, 0, p), 0);
	return a;
}

/* The timer ends b's controller (not a's) TGT_AUTH_TIMEOUT_MS after the
 * stalled queue's Connect, not a millisecond before, with one refusal. */
static void stalled_ends(struct h_assoc *a, struct h_assoc *b)
{
	H->clock.fake_ms += TGT_AUTH_TIMEOUT_MS - 1;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(b->nr_delete, 0);
	ck_assert_int_eq(nr_refused, 0);
	H->clock.fake_ms += 1;
	tgt_timer_tick(H->t);
	ck_assert_int_eq(b->nr_delete, 1);
	ck_assert_int_eq(a->nr_delete, 0);
	ck_assert_int_eq(nr_refused, 1);
}

/* A controller whose admin queue never authenticates is deleted
 * TGT_AUTH_TIMEOUT_MS after its Connect, logged; an authenticated one
 * stays. */
START_TEST(test_stalled_exchange)
{
	struct host_auth p = { .key = KEY1 };
	static uint8_t buf[128];
	struct h_assoc *a, *b;
	int len;

	a = stalled_setup(&p);
	b = admin_of(H_HOSTNQN);
	{
		struct fcnvme_auth_negotiate ng = {
			.tid = 1, .nhash = 1, .hashes = { 1 }, .ndh = 1, .dhs = { 0 }
		};

		len = fcnvme_auth_build_negotiate(buf, sizeof(buf), &ng);
		ck_assert_uint_eq(h_auth(b, 0, true, buf, (uint32_t)len), 0);
	}
	stalled_ends(a, b);
	ck_assert_str_eq(last_reason, "DH-HMAC-CHAP not completed within 10 s of the Connect");
	tgt_timer_tick(H->t);
	ck_assert_int_eq(nr_refused, 1);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* The same for an I/O queue that never authenticates (its admin queue
 * did): the controller is deleted TGT_AUTH_TIMEOUT_MS after that queue's
 * Connect; an I/O queue that authenticated in time keeps it. Before, only
 * the admin queue was timed and such a queue stayed, refusing commands. */
START_TEST(test_stalled_io_queue)
{
	struct host_auth p = { .key = KEY1 };
	struct h_assoc *a, *b;
	uint8_t blk[512];

	a = stalled_setup(&p);
	ck_assert_uint_eq(h_prop_set_cc(a, H_CC_READY), 0);
	b = admin_of(H_HOSTNQN);
	ck_assert_int_eq(host_auth(b, 0, &p), 0);
	ck_assert_uint_eq(h_prop_set_cc(b, H_CC_READY), 0);
	H->clock.fake_ms += 5000;
	h_queue_new(a, 1, 31);
	ck_assert_uint_eq(h_connect_io(a, 1, H_SUBNQN, H_HOSTNQN, 31), 0);
	ck_assert_int_eq(host_auth(a, 1, &p), 0);
	h_queue_new(b, 1, 31);
	ck_assert_uint_eq(h_connect_io(b, 1, H_SUBNQN, H_HOSTNQN, 31), 0);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 1, 0, 1, blk, 512),
			  NVME_SC_AUTH_REQUIRED | DNR);
	stalled_ends(a, b);
	ck_assert_str_eq(last_reason,
			 "DH-HMAC-CHAP not completed within 10 s of an I/O queue's Connect");
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, blk, 512), 0);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* The controller's policy: its order decides, what it lacks is refused. */
START_TEST(test_policy)
{
	const struct tgt_auth_policy p512 = { .hashes = { FCNVME_AUTH_HASH_SHA512 },
					      .nhash = 1,
					      .dhs = { FCNVME_AUTH_DH_NULL,
						       FCNVME_AUTH_DH_FFDHE8192 },
					      .ndh = 2 };
	const struct tgt_auth_policy bad[] = {
		{ .hashes = { 4 }, .nhash = 1 },
		{ .dhs = { 6 }, .ndh = 1 },
		{ .hashes = { 1, 1 }, .nhash = 2 },
		{ .dhs = { 0, 2, 0 }, .ndh = 3 },
		{ .nhash = 4 },
		{ .ndh = 7 },
	};
	struct host_auth p = { .key = KEY1 };
	struct h_assoc *a;
	size_t i;

	h_std_subsys();
	set_keys(KEY1, NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(tgt_auth_policy_check(&bad[i]), -EINVAL);
		ck_assert_int_eq(tgt_set_dhchap_policy(H->t, &bad[i]), -EINVAL);
	}
	ck_assert_int_eq(tgt_set_dhchap_policy(H->t, &p512), 0);
	default_offer(&p);
	a = admin_of(H_HOSTNQN);
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(p.hash, FCNVME_AUTH_HASH_SHA512);
	ck_assert_uint_eq(p.dh, FCNVME_AUTH_DH_NULL);
	p.hashes[0] = 1;
	p.nhash = 1;
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_HASH_UNUSABLE);
	/* back to the defaults */
	ck_assert_int_eq(tgt_set_dhchap_policy(H->t, NULL), 0);
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(p.hash, FCNVME_AUTH_HASH_SHA256);
	ck_assert_uint_eq(p.dh, FCNVME_AUTH_DH_FFDHE2048);
}
END_TEST

/* A host's own lists replace the controller's, each on its own; other
 * hosts keep the controller's; a key set again without them drops them. */
START_TEST(test_host_policy)
{
	const struct tgt_auth_policy ctl = { .hashes = { FCNVME_AUTH_HASH_SHA384 },
					     .nhash = 1,
					     .dhs = { FCNVME_AUTH_DH_FFDHE3072 },
					     .ndh = 1 };
	const struct tgt_auth_policy own = {
		.dhs = { FCNVME_AUTH_DH_FFDHE4096, FCNVME_AUTH_DH_NULL }, .ndh = 2
	};
	const struct tgt_auth_policy bad = { .hashes = { 9 }, .nhash = 1 };
	struct host_auth p = { .key = KEY1 }, p2 = { .key = KEY0, .hostnqn = H_HOSTNQN2 };
	struct h_assoc *a, *b;
	char err[256];

	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_set_dhchap_policy(H->t, &ctl), 0);
	ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, KEY1, NULL, &own, err,
					       sizeof(err)),
			 0);
	ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN2, KEY0, NULL, NULL, err,
					       sizeof(err)),
			 0);
	default_offer(&p);
	default_offer(&p2);
	a = admin_of(H_HOSTNQN);
	b = admin_of(H_HOSTNQN2);
	/* its own groups, the controller's hash; the event says so */
	tgt_set_assoc_event_cb(H->t, record_ev, NULL);
	last_how[0] = '\0';
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(p.hash, FCNVME_AUTH_HASH_SHA384);
	ck_assert_uint_eq(p.dh, FCNVME_AUTH_DH_FFDHE4096);
	ck_assert_str_eq(last_how,
			 "qid 0 " H_HOSTNQN ": hmac(sha384), DH group ffdhe4096, one-way");
	/* the other host: the controller's */
	ck_assert_int_eq(host_auth(b, 0, &p2), 0);
	ck_assert_uint_eq(p2.hash, FCNVME_AUTH_HASH_SHA384);
	ck_assert_uint_eq(p2.dh, FCNVME_AUTH_DH_FFDHE3072);
	ck_assert_str_eq(last_how,
			 "qid 0 " H_HOSTNQN2 ": hmac(sha384), DH group ffdhe3072, one-way");
	/* the host's list is all it gets: without 4096 and null, refused */
	p.dhs[0] = FCNVME_AUTH_DH_FFDHE3072;
	p.ndh = 1;
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE);
	/* an unknown id: refused, the key and lists it had stay */
	ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, KEY1, NULL, &bad, err,
					       sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "host " H_HOSTNQN ": unknown or repeated hash function or DH group");
	p.dhs[0] = FCNVME_AUTH_DH_NULL;
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(p.dh, FCNVME_AUTH_DH_NULL);
	/* set again without lists: the controller's again */
	set_keys(KEY1, NULL);
	default_offer(&p);
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
	ck_assert_uint_eq(p.dh, FCNVME_AUTH_DH_FFDHE3072);
	tgt_set_assoc_event_cb(H->t, NULL, NULL);
}
END_TEST

/* Bad keys are refused with a reason that never shows the key. */
START_TEST(test_set_bad_keys)
{
	char err[256];

	h_std_subsys();
	ck_assert_int_eq(
		tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN,
				      "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+"
				      "KfiaS:",
				      NULL, NULL, err, sizeof(err)),
		-EINVAL);
	ck_assert_str_eq(err, "host " H_HOSTNQN ": dhchap_key: CRC-32 mismatch");
	ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, KEY1, "secret", NULL, err,
					       sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "dhchap_ctrl_key: not a DHHC-1 secret"));
	ck_assert(!tgt_subsys_has_dhchap(H->t, H_SUBNQN, H_HOSTNQN));
	ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, "nqn.2024-01.io.example:nope", H_HOSTNQN, KEY1,
					       NULL, NULL, err, sizeof(err)),
			 -ENOENT);
}
END_TEST

/* Malformed and out-of-sequence messages: Failure1 with the reason, never
 * a crash; offers with nothing in common. */
START_TEST(test_malformed)
{
	struct host_auth p = { .key = KEY1 };
	static uint8_t buf[FCNVME_AUTH_MAX_MSG];
	struct fcnvme_auth_failure f;
	struct h_assoc *a;
	unsigned int i;

	h_std_subsys();
	set_keys(KEY1, NULL);
	a = admin_of(H_HOSTNQN);
	/* a Success2 first */
	ck_assert_uint_eq(h_auth(a, 0, true, buf, (uint32_t)fcnvme_auth_build_success2(buf, 16, 5)),
			  0);
	ck_assert_uint_eq(h_auth(a, 0, false, buf, 64), 0);
	ck_assert_int_eq(fcnvme_auth_parse_failure(buf, 64, &f), 0);
	ck_assert_uint_eq(f.rexp, FCNVME_AUTH_FAIL_INCORRECT_MESSAGE);
	/* a Negotiate cut short */
	memset(buf, 0, 72);
	buf[7] = 1;
	buf[8] = 1;
	ck_assert_uint_eq(h_auth(a, 0, true, buf, 20), 0);
	ck_assert_uint_eq(h_auth(a, 0, false, buf, 64), 0);
	ck_assert_int_eq(fcnvme_auth_parse_failure(buf, 64, &f), 0);
	ck_assert_uint_eq(f.rexp, FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	/* random bytes */
	for (i = 0; i < 200; i++) {
		uint32_t len = 1 + i % 100;

		ck_assert_int_eq(fcnvme_random_bytes(buf, len), 0);
		ck_assert_uint_eq(h_auth(a, 0, true, buf, len), 0);
		ck_assert_uint_eq(h_auth(a, 0, false, buf, 1024), 0);
	}
	/* nothing in common */
	p.hashes[0] = 7;
	p.nhash = 1;
	p.dhs[0] = 0;
	p.ndh = 1;
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_HASH_UNUSABLE);
	p.hashes[0] = 3;
	p.dhs[0] = 9;
	ck_assert_int_eq(host_auth(a, 0, &p), -1);
	ck_assert_uint_eq(p.rexp, FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE);
	/* a Challenge that does not fit the AUTH_Receive buffer */
	p.dhs[0] = 5;
	{
		struct fcnvme_auth_negotiate ng = {
			.tid = 1, .nhash = 1, .hashes = { 3 }, .ndh = 1, .dhs = { 5 }
		};
		int len = fcnvme_auth_build_negotiate(buf, sizeof(buf), &ng);

		ck_assert_uint_eq(h_auth(a, 0, true, buf, (uint32_t)len), 0);
		ck_assert_uint_eq(h_auth(a, 0, false, buf, 100), NVME_SC_INVALID_FIELD | DNR);
	}
	/* still: it authenticates properly afterwards */
	p.dhs[0] = 1;
	ck_assert_int_eq(host_auth(a, 0, &p), 0);
}
END_TEST

Suite *core_auth_suite(void)
{
	Suite *s = suite_create("core_auth");
	TCase *tc = tcase_create("auth");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_authreq_and_gate);
	tcase_add_loop_test(tc, test_every_hash_group, 0, 18);
	tcase_add_test(tc, test_wrong_key);
	tcase_add_test(tc, test_bidi_mismatch);
	tcase_add_test(tc, test_rotation);
	tcase_add_test(tc, test_set_bad_keys);
	tcase_add_test(tc, test_stalled_exchange);
	tcase_add_test(tc, test_stalled_io_queue);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_host_policy);
	tcase_add_test(tc, test_malformed);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
