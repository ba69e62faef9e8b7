// SPDX-License-Identifier: Apache-2.0
/*
 * DH-HMAC-CHAP on a queue, the controller's side (NVMe Base 2.0, 8.13.5;
 * Linux drivers/nvme/target/fabrics-cmd-auth.c and auth.c): the Fabrics
 * commands AUTH_Send (fctype 05h) and AUTH_Receive (06h) drive
 *   Negotiate -> Challenge -> Reply -> Success1 [-> Success2]
 * and any error turns into a Failure1 the host reads with its next
 * AUTH_Receive. A queue whose host has a key (subsys_auth.c) is Connected
 * with AUTHREQ (ATR) and refuses every other command with AUTH_REQUIRED
 * until it authenticates (sq->auth_needed). A Negotiate on an
 * authenticated queue re-authenticates it; the queue stays usable
 * meanwhile. Every refusal goes to the association event callback as a
 * Connect refusal with host NQN, WWPN and reason. The protocol itself is
 * libfcnvme's (fcnvme/auth.h); this file keeps the state. Parsing runs on
 * [hwq], execution on [ctl].
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/random.h>

#include "tgt_priv.h"

/* Connect response dword 0: authentication transaction required. */
#define TGT_CONNECT_AUTHREQ_ATR (1u << 17)

enum auth_step {
	AUTH_NEGOTIATE, /* expecting AUTH_Send(Negotiate) */
	AUTH_CHALLENGE, /* AUTH_Receive gets the Challenge */
	AUTH_REPLY,	/* expecting AUTH_Send(Reply) */
	AUTH_SUCCESS1,	/* AUTH_Receive gets Success1 */
	AUTH_SUCCESS2,	/* expecting AUTH_Send(Success2) */
	AUTH_FAILURE1,	/* AUTH_Receive gets Failure1 */
	AUTH_DONE,
};

/* One queue's exchange. [ctl] */
struct sq_auth {
	enum auth_step step;
	uint16_t tid;
	uint8_t hash, dh, hl;
	uint8_t rexp;	 /* AUTH_FAILURE1: reason code explanation */
	const char *why; /* AUTH_FAILURE1: for the log */
	bool bidi;
	uint32_t s1;
	uint8_t c1[FCNVME_AUTH_MAX_HASH];
	uint8_t resp2[FCNVME_AUTH_MAX_HASH]; /* the controller's response */
	struct fcnvme_auth_dh *dhk;
	struct fcnvme_auth_key host, ctrl; /* copies taken at Negotiate */
};

/* The controller's preferences: the first one the host offers wins. */
static const uint8_t auth_hash_pref[] = { FCNVME_AUTH_HASH_SHA256, FCNVME_AUTH_HASH_SHA384,
					  FCNVME_AUTH_HASH_SHA512 };
static const uint8_t auth_dh_pref[] = { FCNVME_AUTH_DH_FFDHE2048, FCNVME_AUTH_DH_FFDHE3072,
					FCNVME_AUTH_DH_FFDHE4096, FCNVME_AUTH_DH_FFDHE6144,
					FCNVME_AUTH_DH_FFDHE8192, FCNVME_AUTH_DH_NULL };

/* AUTH_Send/Receive SQE bytes 41-47: SPSP0, SPSP1, SECP, TL/AL (LE32). */
static uint32_t auth_len_field(const struct nvmet_fc_req *req)
{
	const uint8_t *b = (const uint8_t *)req->cmd;

	return (uint32_t)b[44] | (uint32_t)b[45] << 8 | (uint32_t)b[46] << 16 |
	       (uint32_t)b[47] << 24;
}

/* [hwq] Check an AUTH_Send/AUTH_Receive's fields. */
uint16_t cmd_auth_parse(struct nvmet_fc_req *req)
{
	const uint8_t *b = (const uint8_t *)req->cmd;
	uint32_t len = auth_len_field(req);

	if (b[43] != FCNVME_AUTH_SECP || b[41] != FCNVME_AUTH_SPSP0 || b[42] != FCNVME_AUTH_SPSP1)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	if (!len || req->transfer_len != len)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	if (req->cmd->fabrics.fctype == nvme_fabrics_type_auth_send && len > FCNVME_AUTH_MAX_MSG)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	return 0;
}

static void auth_reset_dh(struct sq_auth *a)
{
	fcnvme_auth_dh_free(a->dhk);
	a->dhk = NULL;
}

void cmd_auth_free(struct sq *sq)
{
	if (!sq->auth)
		return;
	auth_reset_dh(sq->auth);
	explicit_bzero(sq->auth, sizeof(*sq->auth));
	free(sq->auth);
	sq->auth = NULL;
}

bool cmd_auth_connect(struct sq *sq, const struct subsys *s, const char *hostnqn)
{
	bool need = !s->discovery && subsys_key_find(s, hostnqn);

	atomic_store_explicit(&sq->auth_needed, need, memory_order_relaxed);
	sq->auth_since_ms = clock_now_ms(sq->t->clock);
	return need;
}

uint32_t cmd_auth_connect_result(bool authreq)
{
	return authreq ? TGT_CONNECT_AUTHREQ_ATR : 0;
}

/* Log a refusal: the association event of a refused Connect, with the
 * queue and the reason. */
/* The event of kind about queue sq of controller c, with reason. */
static void auth_event(struct sq *sq, struct ctrl *c, enum tgt_assoc_event_kind kind,
		       const char *reason, uint16_t status)
{
	const struct tgt_assoc_event ev = {
		.kind = kind,
		.port = sq->port ? sq->port->name : "",
		.host_wwpn = sq->host_wwpn,
		.assoc_id = sq->assoc_id,
		.host_nqn = c->hostnqn,
		.subsys_nqn = c->subsys->nqn,
		.reason = reason,
		.cntlid = c->cntlid,
		.qid = sq->qid,
		.status = status,
		.ipo = -1,
	};

	tgt_assoc_event(sq->t, &ev);
}

static void auth_log_refusal(struct sq *sq, struct ctrl *c, const char *why)
{
	auth_event(sq, c, TGT_ASSOC_EV_CONNECT_REFUSED, why, NVME_SC_AUTH_REQUIRED | NVME_SC_DNR);
}

static void auth_fail(struct sq_auth *a, uint8_t rexp, const char *why)
{
	auth_reset_dh(a);
	a->step = AUTH_FAILURE1;
	a->rexp = rexp;
	a->why = why;
}

static int auth_ids_check(const uint8_t *ids, unsigned int n, unsigned int max,
			  bool (*known)(uint8_t))
{
	unsigned int i;

	if (n > max)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!known(ids[i]) || memchr(ids, ids[i], i))
			return -EINVAL;
	return 0;
}

static bool auth_hash_known(uint8_t id)
{
	return fcnvme_auth_hash_len(id) != 0;
}

static bool auth_dh_known(uint8_t id)
{
	return fcnvme_auth_dh_name(id) != NULL;
}

int tgt_auth_policy_check(const struct tgt_auth_policy *p)
{
	if (auth_ids_check(p->hashes, p->nhash, sizeof(p->hashes), auth_hash_known))
		return -EINVAL;
	return auth_ids_check(p->dhs, p->ndh, sizeof(p->dhs), auth_dh_known);
}

int tgt_set_dhchap_policy(struct tgt *t, const struct tgt_auth_policy *p)
{
	static const struct tgt_auth_policy defaults;

	if (!p)
		p = &defaults;
	if (tgt_auth_policy_check(p))
		return -EINVAL;
	t->auth = *p;
	return 0;
}

static uint8_t auth_pick(const uint8_t *pref, size_t npref, const uint8_t *offer, size_t noffer)
{
	size_t i;

	for (i = 0; i < npref; i++)
		if (memchr(offer, pref[i], noffer))
			return pref[i];
	return 0xff;
}

/* The list a host's exchange uses: its own, else the controller's, else
 * the default. */
static void auth_list(const uint8_t *own, uint8_t nown, const uint8_t *ctl, uint8_t nctl,
		      const uint8_t *def, size_t ndef, const uint8_t **v, size_t *n)
{
	if (nown) {
		*v = own;
		*n = nown;
	} else if (nctl) {
		*v = ctl;
		*n = nctl;
	} else {
		*v = def;
		*n = ndef;
	}
}

static void auth_negotiate(struct sq_auth *a, struct ctrl *c, const uint8_t *buf, size_t len)
{
	const struct tgt_auth_policy *tp = &c->t->auth;
	const struct subsys_key *k;
	struct fcnvme_auth_negotiate m;
	const uint8_t *hp, *dp;
	size_t nh, nd;
	int rc;

	auth_reset_dh(a);
	rc = fcnvme_auth_parse_negotiate(buf, len, &m);
	if (rc) {
		auth_fail(a, (uint8_t)-rc, "malformed Negotiate");
		return;
	}
	a->tid = m.tid;
	if (m.sc_c) {
		auth_fail(a, FCNVME_AUTH_FAIL_CONCAT_MISMATCH,
			  "secure channel concatenation not supported");
		return;
	}
	k = subsys_key_find(c->subsys, c->hostnqn);
	if (!k) {
		auth_fail(a, FCNVME_AUTH_FAIL_NOT_USABLE, "no DH-HMAC-CHAP key for this host");
		return;
	}
	auth_list(k->pol.hashes, k->pol.nhash, tp->hashes, tp->nhash, auth_hash_pref,
		  sizeof(auth_hash_pref), &hp, &nh);
	auth_list(k->pol.dhs, k->pol.ndh, tp->dhs, tp->ndh, auth_dh_pref, sizeof(auth_dh_pref), &dp,
		  &nd);
	a->hash = auth_pick(hp, nh, m.hashes, m.nhash);
	if (a->hash == 0xff) {
		auth_fail(a, FCNVME_AUTH_FAIL_HASH_UNUSABLE, "no common hash function");
		return;
	}
	a->dh = auth_pick(dp, nd, m.dhs, m.ndh);
	if (a->dh == 0xff) {
		auth_fail(a, FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE, "no common DH group");
		return;
	}
	a->host = k->host;
	a->ctrl = k->ctrl;
	a->hl = (uint8_t)fcnvme_auth_hash_len(a->hash);
	a->step = AUTH_CHALLENGE;
}

/* The session key for the augmented challenges: g^xy mod p. */
static int auth_session(struct sq_auth *a, const uint8_t *dhv, size_t dhvlen, uint8_t *z,
			size_t *zlen)
{
	*zlen = fcnvme_auth_dh_len(a->dh);
	return fcnvme_auth_dh_shared(a->dhk, dhv, dhvlen, z, *zlen);
}

static void auth_reply(struct sq_auth *a, struct ctrl *c, const uint8_t *buf, size_t len)
{
	static uint8_t z[FCNVME_AUTH_MAX_DHV]; /* [ctl] only */
	uint8_t tk[FCNVME_AUTH_MAX_HASH], ch[FCNVME_AUTH_MAX_HASH], r[FCNVME_AUTH_MAX_HASH];
	struct fcnvme_auth_reply m;
	size_t zlen = 0, tlen;
	int rc;

	rc = fcnvme_auth_parse_reply(buf, len, &m);
	if (rc) {
		auth_fail(a, (uint8_t)-rc, "malformed Reply");
		return;
	}
	if (m.tid != a->tid || m.hl != a->hl || m.dhvlen != fcnvme_auth_dh_len(a->dh)) {
		auth_fail(a, FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD,
			  "Reply does not match the Challenge (transaction, hash or DH "
			  "value length)");
		return;
	}
	memcpy(ch, a->c1, a->hl);
	if (a->dh != FCNVME_AUTH_DH_NULL) {
		if (auth_session(a, m.dhv, m.dhvlen, z, &zlen) ||
		    fcnvme_auth_augment(a->hash, z, zlen, a->c1, ch))
			goto bad_dh;
	}
	if (fcnvme_auth_transform(&a->host, c->hostnqn, tk, &tlen) ||
	    fcnvme_auth_response(a->hash, tk, tlen, ch, a->s1, a->tid, FCNVME_AUTH_ROLE_HOST,
				 c->hostnqn, c->subsys->nqn, r))
		goto failed;
	if (!fcnvme_auth_equal(r, m.rval, a->hl)) {
		auth_fail(a, FCNVME_AUTH_FAIL_FAILED, "host response mismatch (wrong key)");
		goto wipe;
	}
	a->bidi = m.cvalid;
	if (a->bidi) {
		if (!a->ctrl.len) {
			auth_fail(a, FCNVME_AUTH_FAIL_FAILED,
				  "host asked for bidirectional authentication; no controller "
				  "key is configured for it");
			goto wipe;
		}
		memcpy(ch, m.c2, a->hl);
		if (a->dh != FCNVME_AUTH_DH_NULL && fcnvme_auth_augment(a->hash, z, zlen, m.c2, ch))
			goto failed;
		if (fcnvme_auth_transform(&a->ctrl, c->subsys->nqn, tk, &tlen) ||
		    fcnvme_auth_response(a->hash, tk, tlen, ch, m.seq, a->tid,
					 FCNVME_AUTH_ROLE_CTRL, c->hostnqn, c->subsys->nqn,
					 a->resp2))
			goto failed;
	}
	auth_reset_dh(a);
	a->step = AUTH_SUCCESS1;
	goto wipe;
bad_dh:
	auth_fail(a, FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD, "host DH value refused");
	goto wipe;
failed:
	auth_fail(a, FCNVME_AUTH_FAIL_FAILED, "computing the response failed");
wipe:
	explicit_bzero(z, sizeof(z));
	explicit_bzero(tk, sizeof(tk));
	explicit_bzero(ch, sizeof(ch));
}

/* Log a queue's authentication: the association event, with how. */
static void auth_log_success(struct sq *sq, struct ctrl *c, const struct sq_auth *a)
{
	char how[96];

	snprintf(how, sizeof(how), "hmac(%s), DH group %s, %s", fcnvme_auth_hash_name(a->hash),
		 fcnvme_auth_dh_name(a->dh), a->bidi ? "two-way" : "one-way");
	auth_event(sq, c, TGT_ASSOC_EV_AUTHENTICATED, how, 0);
}

static void auth_done(struct sq *sq, struct ctrl *c, struct sq_auth *a)
{
	auth_log_success(sq, c, a);
	a->step = AUTH_DONE;
	explicit_bzero(&a->host, sizeof(a->host));
	explicit_bzero(&a->ctrl, sizeof(a->ctrl));
	atomic_store_explicit(&sq->auth_needed, false, memory_order_release);
}

static uint16_t auth_send(struct nvmet_fc_req *req, struct sq *sq, struct ctrl *c)
{
	struct sq_auth *a = sq->auth;
	const uint8_t *buf = req->data;
	size_t len = req->transfer_len;
	struct fcnvme_auth_failure f;
	uint8_t type, id;
	uint16_t tid;

	if (!a) {
		a = sq->auth = calloc(1, sizeof(*a));
		if (!a)
			return NVME_SC_INTERNAL;
	}
	if (fcnvme_auth_msg_kind(buf, len, &type, &id)) {
		auth_fail(a, FCNVME_AUTH_FAIL_INCORRECT_MESSAGE, "truncated message");
		return NVME_SC_SUCCESS;
	}
	if (type == FCNVME_AUTH_TYPE_COMMON && id == FCNVME_AUTH_FAILURE2) {
		char why[96];

		auth_reset_dh(a);
		a->step = AUTH_NEGOTIATE;
		snprintf(why, sizeof(why), "host aborted DH-HMAC-CHAP: %s",
			 fcnvme_auth_parse_failure(buf, len, &f) ? "malformed Failure2"
								 : fcnvme_auth_fail_str(f.rexp));
		auth_log_refusal(sq, c, why);
		return NVME_SC_SUCCESS;
	}
	if (type == FCNVME_AUTH_TYPE_COMMON && id == FCNVME_AUTH_NEGOTIATE) {
		auth_negotiate(a, c, buf, len);
		return NVME_SC_SUCCESS;
	}
	switch (a->step) {
	case AUTH_REPLY:
		auth_reply(a, c, buf, len);
		break;
	case AUTH_SUCCESS2:
		if (fcnvme_auth_parse_success2(buf, len, &tid) || tid != a->tid)
			auth_fail(a, FCNVME_AUTH_FAIL_INCORRECT_MESSAGE, "expected Success2");
		else
			auth_done(sq, c, a);
		break;
	default:
		auth_fail(a, FCNVME_AUTH_FAIL_INCORRECT_MESSAGE, "message out of sequence");
		break;
	}
	return NVME_SC_SUCCESS;
}

static int auth_challenge(struct sq_auth *a, uint8_t *buf, size_t len)
{
	static uint8_t dhv[FCNVME_AUTH_MAX_DHV];
	struct fcnvme_auth_challenge m = {
		.tid = a->tid, .hashid = a->hash, .dhgid = a->dh, .hl = a->hl, .cval = a->c1
	};

	do {
		if (fcnvme_random_bytes(&a->s1, sizeof(a->s1)) || fcnvme_random_bytes(a->c1, a->hl))
			return -EIO;
	} while (!a->s1);
	m.seq = a->s1;
	if (a->dh != FCNVME_AUTH_DH_NULL) {
		auth_reset_dh(a);
		if (fcnvme_auth_dh_new(a->dh, NULL, 0, &a->dhk) ||
		    fcnvme_auth_dh_pub(a->dhk, dhv, sizeof(dhv)))
			return -EIO;
		m.dhvlen = (uint16_t)fcnvme_auth_dh_len(a->dh);
		m.dhv = dhv;
	}
	return fcnvme_auth_build_challenge(buf, len, &m);
}

static uint16_t auth_receive(struct nvmet_fc_req *req, struct sq *sq, struct ctrl *c)
{
	static uint8_t buf[FCNVME_AUTH_MAX_MSG];
	struct sq_auth *a = sq->auth;
	struct fcnvme_auth_success1 s1;
	struct fcnvme_auth_failure f;
	int n;

	if (!a)
		return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	switch (a->step) {
	case AUTH_CHALLENGE:
		n = auth_challenge(a, buf, sizeof(buf));
		if (n < 0) {
			auth_fail(a, FCNVME_AUTH_FAIL_FAILED, "generating the Challenge failed");
			break;
		}
		if ((size_t)n > req->transfer_len)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		a->step = AUTH_REPLY;
		cmd_copy_out(req, buf, (size_t)n);
		return NVME_SC_SUCCESS;
	case AUTH_SUCCESS1:
		s1 = (struct fcnvme_auth_success1){
			.tid = a->tid, .hl = a->hl, .rvalid = a->bidi, .rval = a->resp2
		};
		n = fcnvme_auth_build_success1(buf, sizeof(buf), &s1);
		if (n < 0 || (size_t)n > req->transfer_len)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		cmd_copy_out(req, buf, (size_t)n);
		if (a->bidi)
			a->step = AUTH_SUCCESS2;
		else
			auth_done(sq, c, a);
		return NVME_SC_SUCCESS;
	case AUTH_FAILURE1:
		break;
	default:
		auth_fail(a, FCNVME_AUTH_FAIL_INCORRECT_MESSAGE, "AUTH_Receive out of sequence");
		break;
	}
	/* Failure1: the host learns why; the queue stays unauthenticated */
	f = (struct fcnvme_auth_failure){
		.id = FCNVME_AUTH_FAILURE1, .tid = a->tid, .rescode = 0x01, .rexp = a->rexp
	};
	n = fcnvme_auth_build_failure(buf, sizeof(buf), &f);
	cmd_copy_out(req, buf, (size_t)n);
	{
		char why[160];

		snprintf(why, sizeof(why), "DH-HMAC-CHAP failed: %s (%s)", a->why,
			 fcnvme_auth_fail_str(a->rexp));
		auth_log_refusal(sq, c, why);
	}
	a->step = AUTH_NEGOTIATE;
	explicit_bzero(&a->host, sizeof(a->host));
	explicit_bzero(&a->ctrl, sizeof(a->ctrl));
	return NVME_SC_SUCCESS;
}

/* [ctl] Execute AUTH_Send/AUTH_Receive on a connected queue. */
uint16_t cmd_auth_exec(struct nvmet_fc_req *req, struct sq *sq, struct ctrl *c)
{
	if (req->cmd->fabrics.fctype == nvme_fabrics_type_auth_send)
		return auth_send(req, sq, c);
	return auth_receive(req, sq, c);
}

/* [ctl] A host that connects a queue and never completes its exchange
 * keeps a controller (and its cntlid), or an I/O queue with its buffers,
 * that refuses every command: end the controller TGT_AUTH_TIMEOUT_MS
 * after that queue's Connect, logged like a refusal. */
bool cmd_auth_timer(struct ctrl *c, uint64_t now)
{
	struct sq *sq;
	unsigned int q;

	if (c->deleting)
		return false;
	for (q = 0; q <= TGT_MAX_QID; q++) {
		sq = c->sqs[q];
		if (!sq || !atomic_load_explicit(&sq->auth_needed, memory_order_relaxed) ||
		    now - sq->auth_since_ms < TGT_AUTH_TIMEOUT_MS)
			continue;
		auth_log_refusal(
			sq, c,
			q ? "DH-HMAC-CHAP not completed within 10 s of an I/O queue's Connect"
			  : "DH-HMAC-CHAP not completed within 10 s of the Connect");
		ctrl_delete(c, "DH-HMAC-CHAP not completed in time");
		return true;
	}
	return false;
}
