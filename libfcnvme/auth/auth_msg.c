// SPDX-License-Identifier: Apache-2.0
/*
 * The DH-HMAC-CHAP messages (NVMe Base 2.0, 8.13.5.x; layouts as
 * include/linux/nvme.h struct nvmf_auth_dhchap_*_data): builders and strict
 * parsers. Every length field is checked against the buffer before a byte
 * behind it is read; reserved fields are written as zero and ignored on
 * input. Little-endian fields are assembled byte by byte. Pure.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <fcnvme/auth.h>

#define HDR	 16 /* challenge, reply, success1, success2 */
#define NEG_HDR	 8  /* negotiate */
#define NEG_DESC 64 /* one protocol descriptor */
#define FAIL_LEN 8

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* The common start: type, id, reserved, transaction id. */
static void put_head(uint8_t *buf, size_t n, uint8_t type, uint8_t id, uint16_t tid)
{
	memset(buf, 0, n);
	buf[0] = type;
	buf[1] = id;
	put16(buf + 4, tid);
}

static int check_head(const uint8_t *buf, size_t len, size_t min, uint8_t type, uint8_t id)
{
	if (len < 2 || buf[0] != type || buf[1] != id)
		return -FCNVME_AUTH_FAIL_INCORRECT_MESSAGE;
	if (len < min)
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	return 0;
}

int fcnvme_auth_msg_kind(const uint8_t *buf, size_t len, uint8_t *type, uint8_t *id)
{
	if (len < 2)
		return -EINVAL;
	*type = buf[0];
	*id = buf[1];
	return 0;
}

int fcnvme_auth_build_negotiate(uint8_t *buf, size_t len, const struct fcnvme_auth_negotiate *m)
{
	const size_t n = NEG_HDR + NEG_DESC;

	if (m->nhash > 30 || m->ndh > 30)
		return -EINVAL;
	if (len < n)
		return -ENOSPC;
	put_head(buf, n, FCNVME_AUTH_TYPE_COMMON, FCNVME_AUTH_NEGOTIATE, m->tid);
	buf[6] = m->sc_c;
	buf[7] = 1;    /* NAPD: one descriptor */
	buf[8] = 0x01; /* AUTHID: DH-HMAC-CHAP */
	buf[10] = m->nhash;
	buf[11] = m->ndh;
	memcpy(buf + 12, m->hashes, m->nhash);
	memcpy(buf + 12 + 30, m->dhs, m->ndh);
	return (int)n;
}

int fcnvme_auth_parse_negotiate(const uint8_t *buf, size_t len, struct fcnvme_auth_negotiate *m)
{
	unsigned int napd, i;
	int ret;

	ret = check_head(buf, len, NEG_HDR + NEG_DESC, FCNVME_AUTH_TYPE_COMMON,
			 FCNVME_AUTH_NEGOTIATE);
	if (ret)
		return ret;
	napd = buf[7];
	if (!napd || len < NEG_HDR + (size_t)napd * NEG_DESC)
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	for (i = 0; i < napd; i++) {
		const uint8_t *d = buf + NEG_HDR + i * NEG_DESC;

		if (d[0] != 0x01) /* only DH-HMAC-CHAP is defined */
			continue;
		if (d[2] > 30 || d[3] > 30)
			return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
		memset(m, 0, sizeof(*m));
		m->tid = get16(buf + 4);
		m->sc_c = buf[6];
		m->nhash = d[2];
		m->ndh = d[3];
		memcpy(m->hashes, d + 4, m->nhash);
		memcpy(m->dhs, d + 4 + 30, m->ndh);
		return 0;
	}
	return -FCNVME_AUTH_FAIL_NOT_USABLE;
}

/* hl must be the hash's length; a DH value only with a group, and then of
 * the group's length. */
static int check_ids(unsigned int hash, size_t hl, unsigned int dh, size_t dhvlen)
{
	if (!fcnvme_auth_hash_len(hash))
		return -FCNVME_AUTH_FAIL_HASH_UNUSABLE;
	if (hl != fcnvme_auth_hash_len(hash))
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	if (!fcnvme_auth_dh_name(dh))
		return -FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE;
	if (dhvlen != fcnvme_auth_dh_len(dh))
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	return 0;
}

int fcnvme_auth_build_challenge(uint8_t *buf, size_t len, const struct fcnvme_auth_challenge *m)
{
	size_t n = HDR + (size_t)m->hl + m->dhvlen;

	if (check_ids(m->hashid, m->hl, m->dhgid, m->dhvlen))
		return -EINVAL;
	if (len < n)
		return -ENOSPC;
	put_head(buf, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_CHALLENGE, m->tid);
	buf[6] = m->hl;
	buf[8] = m->hashid;
	buf[9] = m->dhgid;
	put16(buf + 10, m->dhvlen);
	put32(buf + 12, m->seq);
	memcpy(buf + HDR, m->cval, m->hl);
	if (m->dhvlen)
		memcpy(buf + HDR + m->hl, m->dhv, m->dhvlen);
	return (int)n;
}

int fcnvme_auth_parse_challenge(const uint8_t *buf, size_t len, struct fcnvme_auth_challenge *m)
{
	int ret;

	ret = check_head(buf, len, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_CHALLENGE);
	if (ret)
		return ret;
	m->tid = get16(buf + 4);
	m->hl = buf[6];
	m->hashid = buf[8];
	m->dhgid = buf[9];
	m->dhvlen = get16(buf + 10);
	m->seq = get32(buf + 12);
	ret = check_ids(m->hashid, m->hl, m->dhgid, m->dhvlen);
	if (ret)
		return ret;
	if (len < HDR + (size_t)m->hl + m->dhvlen)
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	m->cval = buf + HDR;
	m->dhv = m->dhvlen ? buf + HDR + m->hl : NULL;
	return 0;
}

static bool hl_ok(size_t hl)
{
	return hl == 32 || hl == 48 || hl == 64;
}

int fcnvme_auth_build_reply(uint8_t *buf, size_t len, const struct fcnvme_auth_reply *m)
{
	size_t n = HDR + 2 * (size_t)m->hl + m->dhvlen;

	if (!hl_ok(m->hl) || m->dhvlen > FCNVME_AUTH_MAX_DHV)
		return -EINVAL;
	if (len < n)
		return -ENOSPC;
	memset(buf, 0, n);
	put_head(buf, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_REPLY, m->tid);
	buf[6] = m->hl;
	buf[8] = m->cvalid ? 1 : 0;
	put16(buf + 10, m->dhvlen);
	put32(buf + 12, m->cvalid ? m->seq : 0);
	memcpy(buf + HDR, m->rval, m->hl);
	if (m->cvalid)
		memcpy(buf + HDR + m->hl, m->c2, m->hl);
	if (m->dhvlen)
		memcpy(buf + HDR + 2 * m->hl, m->dhv, m->dhvlen);
	return (int)n;
}

int fcnvme_auth_parse_reply(const uint8_t *buf, size_t len, struct fcnvme_auth_reply *m)
{
	int ret;

	ret = check_head(buf, len, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_REPLY);
	if (ret)
		return ret;
	m->tid = get16(buf + 4);
	m->hl = buf[6];
	m->cvalid = buf[8] & 1;
	m->dhvlen = get16(buf + 10);
	m->seq = get32(buf + 12);
	if (!hl_ok(m->hl) || m->dhvlen > FCNVME_AUTH_MAX_DHV ||
	    len < HDR + 2 * (size_t)m->hl + m->dhvlen)
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	/* a controller challenge needs a non-zero sequence number (8.13.5.5) */
	if (m->cvalid && !m->seq)
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	m->rval = buf + HDR;
	m->c2 = buf + HDR + m->hl;
	m->dhv = m->dhvlen ? buf + HDR + 2 * m->hl : NULL;
	return 0;
}

/* Success1 always carries the hl bytes of the response field (zero
 * without RVALID), as Linux since 6.4 expects. */
int fcnvme_auth_build_success1(uint8_t *buf, size_t len, const struct fcnvme_auth_success1 *m)
{
	size_t n = HDR + (size_t)m->hl;

	if (!hl_ok(m->hl))
		return -EINVAL;
	if (len < n)
		return -ENOSPC;
	memset(buf, 0, n);
	put_head(buf, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_SUCCESS1, m->tid);
	buf[6] = m->hl;
	buf[8] = m->rvalid ? 1 : 0;
	if (m->rvalid)
		memcpy(buf + HDR, m->rval, m->hl);
	return (int)n;
}

int fcnvme_auth_parse_success1(const uint8_t *buf, size_t len, struct fcnvme_auth_success1 *m)
{
	int ret;

	ret = check_head(buf, len, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_SUCCESS1);
	if (ret)
		return ret;
	m->tid = get16(buf + 4);
	m->hl = buf[6];
	m->rvalid = buf[8] & 1;
	if (!hl_ok(m->hl) || (m->rvalid && len < HDR + (size_t)m->hl))
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	m->rval = m->rvalid ? buf + HDR : NULL;
	return 0;
}

int fcnvme_auth_build_success2(uint8_t *buf, size_t len, uint16_t tid)
{
	if (len < HDR)
		return -ENOSPC;
	put_head(buf, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_SUCCESS2, tid);
	return HDR;
}

int fcnvme_auth_parse_success2(const uint8_t *buf, size_t len, uint16_t *tid)
{
	int ret;

	ret = check_head(buf, len, HDR, FCNVME_AUTH_TYPE_DHCHAP, FCNVME_AUTH_SUCCESS2);
	if (ret)
		return ret;
	*tid = get16(buf + 4);
	return 0;
}

int fcnvme_auth_build_failure(uint8_t *buf, size_t len, const struct fcnvme_auth_failure *m)
{
	if (m->id != FCNVME_AUTH_FAILURE1 && m->id != FCNVME_AUTH_FAILURE2)
		return -EINVAL;
	if (len < FAIL_LEN)
		return -ENOSPC;
	put_head(buf, FAIL_LEN, FCNVME_AUTH_TYPE_COMMON, m->id, m->tid);
	buf[6] = m->rescode;
	buf[7] = m->rexp;
	return FAIL_LEN;
}

int fcnvme_auth_parse_failure(const uint8_t *buf, size_t len, struct fcnvme_auth_failure *m)
{
	if (len < 2 || buf[0] != FCNVME_AUTH_TYPE_COMMON ||
	    (buf[1] != FCNVME_AUTH_FAILURE1 && buf[1] != FCNVME_AUTH_FAILURE2))
		return -FCNVME_AUTH_FAIL_INCORRECT_MESSAGE;
	if (len < FAIL_LEN)
		return -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD;
	m->id = buf[1];
	m->tid = get16(buf + 4);
	m->rescode = buf[6];
	m->rexp = buf[7];
	return 0;
}

const char *fcnvme_auth_fail_str(unsigned int rexp)
{
	static const char *const s[] = {
		[FCNVME_AUTH_FAIL_FAILED] = "authentication failed",
		[FCNVME_AUTH_FAIL_NOT_USABLE] = "protocol not usable",
		[FCNVME_AUTH_FAIL_CONCAT_MISMATCH] = "secure channel concatenation mismatch",
		[FCNVME_AUTH_FAIL_HASH_UNUSABLE] = "hash function not usable",
		[FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE] = "DH group not usable",
		[FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD] = "incorrect payload",
		[FCNVME_AUTH_FAIL_INCORRECT_MESSAGE] = "incorrect message",
	};

	return rexp < sizeof(s) / sizeof(s[0]) && s[rexp] ? s[rexp] : "unknown reason";
}
