// SPDX-License-Identifier: Apache-2.0
/*
 * The host's side of DH-HMAC-CHAP (NVMe Base 2.0, 8.13.5), after a queue's
 * Connect, as Linux drivers/nvme/host/auth.c nvme_queue_auth_work() runs
 * it: AUTH_Send(Negotiate: SHA-256/384/512, the null group and FFDHE
 * 2048-8192), AUTH_Receive(Challenge), AUTH_Send(Reply, with a challenge
 * of our own when a controller key is given), AUTH_Receive(Success1: the
 * controller's response checked), AUTH_Send(Success2); a controller that
 * fails our check gets Failure2. One message per connect step; the
 * messages go through the controller's 4 KiB id buffer. The protocol is
 * libfcnvme/auth's.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/random.h>

#include "nvme_fc_int.h"

#define FCN_STEP_REPEAT_AUTH 1

enum {
	HA_NEGOTIATE, /* send */
	HA_CHALLENGE, /* receive */
	HA_REPLY,     /* send */
	HA_SUCCESS1,  /* receive */
	HA_SUCCESS2,  /* send */
	HA_FAILURE2,  /* send, then fail */
};

/* One queue's exchange; owned by the controller's thread. */
struct fcn_host_auth {
	unsigned int sub;
	uint16_t tid;
	uint8_t hash, dh, hl;
	uint32_t s2;
	size_t len; /* the message to send */
	uint8_t c2[FCNVME_AUTH_MAX_HASH];
	uint8_t z[FCNVME_AUTH_MAX_DHV];
	size_t zlen;
	uint8_t msg[FCNVME_AUTH_MAX_MSG];
};

void fcn_host_auth_free(struct fcn_host_ctrl *c)
{
	if (!c->auth)
		return;
	explicit_bzero(c->auth, sizeof(*c->auth));
	free(c->auth);
	c->auth = NULL;
}

static void fcn_host_auth_cmd_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct fcn_host_ctrl *c = arg;

	c->step_status = status;
	c->step_cqe = *cqe;
	c->step_busy = false;
}

static int auth_cmd(struct fcn_host_ctrl *c, uint16_t qid, bool send, uint32_t len)
{
	struct nvme_command cmd;
	uint8_t *b = (uint8_t *)&cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.fabrics.opcode = nvme_fabrics_command;
	cmd.fabrics.fctype = send ? nvme_fabrics_type_auth_send : nvme_fabrics_type_auth_receive;
	b[41] = FCNVME_AUTH_SPSP0;
	b[42] = FCNVME_AUTH_SPSP1;
	b[43] = FCNVME_AUTH_SECP;
	b[44] = (uint8_t)len;
	b[45] = (uint8_t)(len >> 8);
	b[46] = (uint8_t)(len >> 16);
	b[47] = (uint8_t)(len >> 24);
	if (send)
		memcpy(c->id_buf, c->auth->msg, len);
	c->step_busy = true;
	if (fcn_host_io_submit(&c->queues[qid], &cmd, &c->id_hbuf, 0, len, true,
			       fcn_host_auth_cmd_done, c)) {
		c->step_busy = false;
		return -EIO;
	}
	return 0;
}

int fcn_host_auth_start(struct fcn_host_ctrl *c, uint16_t qid)
{
	static const struct fcnvme_auth_negotiate ng = {
		.nhash = 3, .hashes = { 1, 2, 3 }, .ndh = 6, .dhs = { 0, 1, 2, 3, 4, 5 }
	};
	struct fcn_host_auth *a = c->auth;
	struct fcnvme_auth_negotiate m = ng;
	int n;

	if (!a) {
		a = c->auth = calloc(1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		a->tid = (uint16_t)(qid + c->nr_connects * 256u);
		m.tid = a->tid;
		n = fcnvme_auth_build_negotiate(a->msg, sizeof(a->msg), &m);
		if (n < 0)
			return n;
		a->len = (size_t)n;
	}
	switch (a->sub) {
	case HA_CHALLENGE:
	case HA_SUCCESS1:
		return auth_cmd(c, qid, false, FCN_HOST_ID_BUF_LEN);
	default:
		return auth_cmd(c, qid, true, (uint32_t)a->len);
	}
}

static int auth_fail(struct fcn_host_ctrl *c, uint16_t qid, const char *why)
{
	fcn_host_ctrl_set_reason(c, "Authentication failed (queue %u): %s", qid, why);
	c->dnr = true;
	fcn_host_auth_free(c);
	return -EACCES;
}

/* Answer a Challenge: the DH half, our response, maybe our challenge. */
static int auth_reply(struct fcn_host_ctrl *c, uint16_t qid, const struct fcnvme_auth_challenge *ch)
{
	static uint8_t pub[FCNVME_AUTH_MAX_DHV];
	struct fcn_host_auth *a = c->auth;
	uint8_t tk[FCNVME_AUTH_MAX_HASH], chal[FCNVME_AUTH_MAX_HASH], r[FCNVME_AUTH_MAX_HASH];
	struct fcnvme_auth_reply rp = { .tid = a->tid };
	struct fcnvme_auth_dh *dh = NULL;
	size_t tl;
	int n;

	a->hash = ch->hashid;
	a->dh = ch->dhgid;
	a->hl = ch->hl;
	memcpy(chal, ch->cval, a->hl);
	if (a->dh) {
		a->zlen = fcnvme_auth_dh_len(a->dh);
		if (fcnvme_auth_dh_new(a->dh, NULL, 0, &dh) ||
		    fcnvme_auth_dh_pub(dh, pub, sizeof(pub)) ||
		    fcnvme_auth_dh_shared(dh, ch->dhv, ch->dhvlen, a->z, a->zlen)) {
			fcnvme_auth_dh_free(dh);
			return auth_fail(c, qid, "the controller's DH value is unusable");
		}
		fcnvme_auth_dh_free(dh);
		if (fcnvme_auth_augment(a->hash, a->z, a->zlen, ch->cval, chal))
			return auth_fail(c, qid, "computing the response failed");
		rp.dhvlen = (uint16_t)a->zlen;
		rp.dhv = pub;
	}
	if (fcnvme_auth_transform(&c->dhchap, c->hostnqn, tk, &tl) ||
	    fcnvme_auth_response(a->hash, tk, tl, chal, ch->seq, a->tid, FCNVME_AUTH_ROLE_HOST,
				 c->hostnqn, c->subnqn, r))
		return auth_fail(c, qid, "computing the response failed");
	explicit_bzero(tk, sizeof(tk));
	rp.hl = a->hl;
	rp.rval = r;
	if (c->dhchap_ctrl.len) {
		do {
			if (fcnvme_random_bytes(&a->s2, sizeof(a->s2)) ||
			    fcnvme_random_bytes(a->c2, a->hl))
				return auth_fail(c, qid, "no random numbers");
		} while (!a->s2);
		rp.cvalid = 1;
		rp.seq = a->s2;
		rp.c2 = a->c2;
	}
	n = fcnvme_auth_build_reply(a->msg, sizeof(a->msg), &rp);
	if (n < 0)
		return auth_fail(c, qid, "the Reply does not fit");
	a->len = (size_t)n;
	return 0;
}

/* Check Success1's controller response. 0, or 1: it does not match. */
static int auth_check_ctrl(struct fcn_host_ctrl *c, const struct fcnvme_auth_success1 *s1)
{
	struct fcn_host_auth *a = c->auth;
	uint8_t tk[FCNVME_AUTH_MAX_HASH], chal[FCNVME_AUTH_MAX_HASH], r[FCNVME_AUTH_MAX_HASH];
	size_t tl;

	if (!s1->rvalid || s1->hl != a->hl)
		return 1;
	memcpy(chal, a->c2, a->hl);
	if (a->dh && fcnvme_auth_augment(a->hash, a->z, a->zlen, a->c2, chal))
		return 1;
	if (fcnvme_auth_transform(&c->dhchap_ctrl, c->subnqn, tk, &tl) ||
	    fcnvme_auth_response(a->hash, tk, tl, chal, a->s2, a->tid, FCNVME_AUTH_ROLE_CTRL,
				 c->hostnqn, c->subnqn, r))
		return 1;
	explicit_bzero(tk, sizeof(tk));
	return fcnvme_auth_equal(r, s1->rval, a->hl) ? 0 : 1;
}

int fcn_host_auth_finish(struct fcn_host_ctrl *c, uint16_t qid)
{
	struct fcn_host_auth *a = c->auth;
	const uint8_t *buf = c->id_buf;
	struct fcnvme_auth_challenge ch;
	struct fcnvme_auth_success1 s1;
	struct fcnvme_auth_failure f;
	char why[128];
	int rc;

	if (c->step_status) {
		snprintf(why, sizeof(why), "AUTH_%s failed with status 0x%04x",
			 a->sub == HA_CHALLENGE || a->sub == HA_SUCCESS1 ? "Receive" : "Send",
			 c->step_status);
		return auth_fail(c, qid, why);
	}
	switch (a->sub) {
	case HA_NEGOTIATE:
		a->sub = HA_CHALLENGE;
		return FCN_STEP_REPEAT_AUTH;
	case HA_CHALLENGE:
	case HA_SUCCESS1:
		if (!fcnvme_auth_parse_failure(buf, FCN_HOST_ID_BUF_LEN, &f)) {
			snprintf(why, sizeof(why), "the controller refused: %s (Failure1 0x%02x)",
				 fcnvme_auth_fail_str(f.rexp), f.rexp);
			return auth_fail(c, qid, why);
		}
		if (a->sub == HA_CHALLENGE) {
			rc = fcnvme_auth_parse_challenge(buf, FCN_HOST_ID_BUF_LEN, &ch);
			if (rc || ch.tid != a->tid)
				return auth_fail(c, qid, "malformed Challenge");
			rc = auth_reply(c, qid, &ch);
			if (rc)
				return rc;
			a->sub = HA_REPLY;
			return FCN_STEP_REPEAT_AUTH;
		}
		if (fcnvme_auth_parse_success1(buf, FCN_HOST_ID_BUF_LEN, &s1) || s1.tid != a->tid)
			return auth_fail(c, qid, "malformed Success1");
		if (!c->dhchap_ctrl.len)
			goto done;
		if (auth_check_ctrl(c, &s1)) {
			struct fcnvme_auth_failure f2 = { .id = FCNVME_AUTH_FAILURE2,
							  .tid = a->tid,
							  .rescode = 1,
							  .rexp = FCNVME_AUTH_FAIL_FAILED };

			a->len = (size_t)fcnvme_auth_build_failure(a->msg, sizeof(a->msg), &f2);
			a->sub = HA_FAILURE2;
			return FCN_STEP_REPEAT_AUTH;
		}
		a->len = (size_t)fcnvme_auth_build_success2(a->msg, sizeof(a->msg), a->tid);
		a->sub = HA_SUCCESS2;
		return FCN_STEP_REPEAT_AUTH;
	case HA_REPLY:
		a->sub = HA_SUCCESS1;
		return FCN_STEP_REPEAT_AUTH;
	case HA_SUCCESS2:
		goto done;
	default:
		return auth_fail(c, qid,
				 "the controller's response does not match the controller key "
				 "(--dhchap-ctrl-secret)");
	}
done:
	fcn_host_auth_free(c);
	return 0;
}
