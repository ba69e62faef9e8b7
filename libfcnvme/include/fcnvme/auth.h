/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DH-HMAC-CHAP in-band authentication (NVMe Base Specification 2.0,
 * section 8.13.5 "DH-HMAC-CHAP protocol", from TP8006): the secrets
 * ("DHHC-1:NN:base64:" as nvme gen-dhchap-key writes them), the secret
 * transformation, the augmented challenge, the host and controller
 * responses, the FFDHE exchange, and the messages carried by the Fabrics
 * AUTH_Send/AUTH_Receive commands. Pure functions over OpenSSL's libcrypto
 * (hashes, HMAC, base64, Diffie-Hellman) and zlib (CRC-32): no state, no
 * logging; 0 or -errno. Shared by the target (daemon/core) and the host
 * (libfcnvme/host). Interoperable with Linux: the math follows
 * drivers/nvme/common/auth.c, the message layouts include/linux/nvme.h.
 */
#ifndef FCNVME_AUTH_H
#define FCNVME_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* AUTH_Send/AUTH_Receive: SECP, SPSP0, SPSP1 for DH-HMAC-CHAP. */
#define FCNVME_AUTH_SECP  0xe9
#define FCNVME_AUTH_SPSP0 0x01
#define FCNVME_AUTH_SPSP1 0x01

/* Hash function identifiers (NVMe Base 2.0, Figure 448). */
enum {
	FCNVME_AUTH_HASH_NONE = 0x00, /* a secret's "no transformation" */
	FCNVME_AUTH_HASH_SHA256 = 0x01,
	FCNVME_AUTH_HASH_SHA384 = 0x02,
	FCNVME_AUTH_HASH_SHA512 = 0x03,
};
/* Diffie-Hellman group identifiers (NVMe Base 2.0, Figure 449). */
enum {
	FCNVME_AUTH_DH_NULL = 0x00,
	FCNVME_AUTH_DH_FFDHE2048 = 0x01,
	FCNVME_AUTH_DH_FFDHE3072 = 0x02,
	FCNVME_AUTH_DH_FFDHE4096 = 0x03,
	FCNVME_AUTH_DH_FFDHE6144 = 0x04,
	FCNVME_AUTH_DH_FFDHE8192 = 0x05,
};
/* Message classes (AUTH-Type) and messages (AUTH-Id). */
enum {
	FCNVME_AUTH_TYPE_COMMON = 0x00,
	FCNVME_AUTH_TYPE_DHCHAP = 0x01,
};
enum {
	FCNVME_AUTH_NEGOTIATE = 0x00,
	FCNVME_AUTH_CHALLENGE = 0x01,
	FCNVME_AUTH_REPLY = 0x02,
	FCNVME_AUTH_SUCCESS1 = 0x03,
	FCNVME_AUTH_SUCCESS2 = 0x04,
	FCNVME_AUTH_FAILURE2 = 0xf0,
	FCNVME_AUTH_FAILURE1 = 0xf1,
};
/* Failure reason code explanations (the reason code is always 01h). */
enum {
	FCNVME_AUTH_FAIL_FAILED = 0x01,
	FCNVME_AUTH_FAIL_NOT_USABLE = 0x02,
	FCNVME_AUTH_FAIL_CONCAT_MISMATCH = 0x03,
	FCNVME_AUTH_FAIL_HASH_UNUSABLE = 0x04,
	FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE = 0x05,
	FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD = 0x06,
	FCNVME_AUTH_FAIL_INCORRECT_MESSAGE = 0x07,
};

#define FCNVME_AUTH_MAX_HASH 64	  /* SHA-512 */
#define FCNVME_AUTH_MAX_DHV  1024 /* ffdhe8192: 8192 bits */
/* The largest message: a reply with SHA-512 and an ffdhe8192 value. */
#define FCNVME_AUTH_MAX_MSG  (16 + 2 * FCNVME_AUTH_MAX_HASH + FCNVME_AUTH_MAX_DHV)

/* --- hashes (auth_hash.c) --- */
/* Digest length of a hash id: 32, 48, 64, or 0 for an unknown id. */
size_t fcnvme_auth_hash_len(unsigned int hash);
/* "sha256", "sha384", "sha512", or NULL. */
const char *fcnvme_auth_hash_name(unsigned int hash);
/* The id of "sha256"/"sha384"/"sha512" (also "hmac(sha256)"…), or -EINVAL. */
int fcnvme_auth_hash_id(const char *name);
/* One piece of an HMAC's message. */
struct fcnvme_auth_buf {
	const void *p;
	size_t len;
};
/* out = HMAC-hash(key, bufs[0] || … || bufs[n-1]); out holds the digest
 * length. 0, -EINVAL (unknown hash), -EIO (libcrypto failed). */
int fcnvme_auth_hmac(unsigned int hash, const uint8_t *key, size_t klen,
		     const struct fcnvme_auth_buf *bufs, size_t n, uint8_t *out);
/* out = hash(data). 0, -EINVAL, -EIO. */
int fcnvme_auth_digest(unsigned int hash, const void *data, size_t len, uint8_t *out);

/* --- secrets (auth_key.c) --- */
/* A DH-HMAC-CHAP secret: 32, 48 or 64 bytes and the hash id (0: none)
 * its transformation uses (NVMe Base 2.0, 8.13.5.8). */
struct fcnvme_auth_key {
	uint8_t hash;
	uint8_t len;
	uint8_t key[FCNVME_AUTH_MAX_HASH];
};
/*
 * Parse "DHHC-1:NN:<base64 of key || CRC-32 (LE)>:" (the final colon
 * optional, as Linux's nvme_auth_parse_key takes it). NN is 00..03; the key
 * is 32, 48 or 64 bytes (and, with NN != 00, as long as the hash).
 * 0; -EINVAL (format, base64, length), -EBADMSG (CRC mismatch).
 */
int fcnvme_auth_key_parse(const char *s, struct fcnvme_auth_key *key);
/* Print key as "DHHC-1:NN:base64:" (the format nvme gen-dhchap-key writes).
 * 0, or -ENOSPC. At most 104 bytes with the NUL. */
#define FCNVME_AUTH_KEY_STRLEN 104
int fcnvme_auth_key_format(const struct fcnvme_auth_key *key, char *buf, size_t len);

/* --- the protocol's math (auth_chap.c) --- */
/*
 * The transformed secret (8.13.5.8; Linux nvme_auth_transform_key): the
 * secret itself for hash 0, else HMAC-hash(secret, nqn || "NVMe-over-
 * Fabrics"). nqn is the host NQN for the host's secret, the subsystem NQN
 * for the controller's. out holds FCNVME_AUTH_MAX_HASH; *olen its length.
 */
int fcnvme_auth_transform(const struct fcnvme_auth_key *key, const char *nqn, uint8_t *out,
			  size_t *olen);
/* The augmented challenge Ca = HMAC-hash(hash(session key), C)
 * (8.13.5.4; Linux nvme_auth_augmented_challenge). C and out: hash length. */
int fcnvme_auth_augment(unsigned int hash, const uint8_t *skey, size_t slen, const uint8_t *chal,
			uint8_t *out);
/*
 * A response (8.13.5.5/8.13.5.6): HMAC-hash(tkey, C || seq (LE32) ||
 * tid (LE16) || SC (00h) || role || nqn_a || 00h || nqn_b) with role
 * "HostHost", nqn_a the host NQN and nqn_b the subsystem NQN for the host's
 * response; "Controller", subsystem then host NQN for the controller's
 * (Linux nvme_auth_dhchap_setup_host_response/_ctrl_response). chal is
 * the (augmented, with a DH group) challenge. out: hash length.
 */
enum fcnvme_auth_role {
	FCNVME_AUTH_ROLE_HOST,
	FCNVME_AUTH_ROLE_CTRL
};
int fcnvme_auth_response(unsigned int hash, const uint8_t *tkey, size_t tlen, const uint8_t *chal,
			 uint32_t seq, uint16_t tid, enum fcnvme_auth_role role,
			 const char *hostnqn, const char *subnqn, uint8_t *out);

/* Whether a and b (n bytes) are equal, in time independent of their
 * contents (libcrypto's CRYPTO_memcmp): for comparing responses. */
bool fcnvme_auth_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* --- Diffie-Hellman (auth_dh.c) --- */
/* "null", "ffdhe2048" … "ffdhe8192", or NULL. */
const char *fcnvme_auth_dh_name(unsigned int group);
/* The id of a name above, or -EINVAL. */
int fcnvme_auth_dh_id(const char *name);
/* Bytes of a public value and of the shared secret: 0 (null), 256 … 1024. */
size_t fcnvme_auth_dh_len(unsigned int group);
/* One side's key pair (an opaque libcrypto key). */
struct fcnvme_auth_dh;
/*
 * A key pair in an FFDHE group: a random one (priv NULL), or the given
 * private exponent (big-endian, plen bytes; known-answer tests). 0,
 * -EINVAL (null or unknown group, bad exponent), -ENOMEM, -EIO.
 */
int fcnvme_auth_dh_new(unsigned int group, const uint8_t *priv, size_t plen,
		       struct fcnvme_auth_dh **dh);
void fcnvme_auth_dh_free(struct fcnvme_auth_dh *dh);
/* The public value g^x mod p, zero-padded to fcnvme_auth_dh_len bytes (as
 * Linux's kpp writes it). len must be at least that. 0, -ENOSPC, -EIO. */
int fcnvme_auth_dh_pub(const struct fcnvme_auth_dh *dh, uint8_t *out, size_t len);
/* The shared secret with the peer's public value (exactly the group's
 * length, checked by libcrypto: 1 < y < p-1), zero-padded like Linux's.
 * 0, -EINVAL (bad peer value), -ENOSPC, -EIO. */
int fcnvme_auth_dh_shared(const struct fcnvme_auth_dh *dh, const uint8_t *peer, size_t plen,
			  uint8_t *out, size_t len);

/* --- messages (auth_msg.c): include/linux/nvme.h nvmf_auth_dhchap_* --- */
/* The first two bytes of any message: 0, or -EINVAL if len < 2. */
int fcnvme_auth_msg_kind(const uint8_t *buf, size_t len, uint8_t *type, uint8_t *id);

struct fcnvme_auth_negotiate {
	uint16_t tid;
	uint8_t sc_c;
	uint8_t nhash;
	uint8_t hashes[30];
	uint8_t ndh;
	uint8_t dhs[30];
};
struct fcnvme_auth_challenge {
	uint16_t tid;
	uint8_t hashid;
	uint8_t dhgid;
	uint8_t hl;
	uint16_t dhvlen;
	uint32_t seq;
	const uint8_t *cval; /* hl bytes, in the parsed buffer */
	const uint8_t *dhv;  /* dhvlen bytes, or NULL */
};
struct fcnvme_auth_reply {
	uint16_t tid;
	uint8_t hl;
	uint8_t cvalid;
	uint16_t dhvlen;
	uint32_t seq;
	const uint8_t *rval; /* hl bytes */
	const uint8_t *c2;   /* hl bytes (meaningful with cvalid) */
	const uint8_t *dhv;  /* dhvlen bytes, or NULL */
};
struct fcnvme_auth_success1 {
	uint16_t tid;
	uint8_t hl;
	uint8_t rvalid;
	const uint8_t *rval; /* hl bytes with rvalid, else NULL */
};
struct fcnvme_auth_failure {
	uint8_t id; /* FAILURE1 or FAILURE2 */
	uint16_t tid;
	uint8_t rescode;
	uint8_t rexp;
};

/*
 * Builders: write the message into buf (len bytes) and return its length,
 * or -ENOSPC / -EINVAL (a length or id the message cannot carry).
 */
int fcnvme_auth_build_negotiate(uint8_t *buf, size_t len, const struct fcnvme_auth_negotiate *m);
int fcnvme_auth_build_challenge(uint8_t *buf, size_t len, const struct fcnvme_auth_challenge *m);
int fcnvme_auth_build_reply(uint8_t *buf, size_t len, const struct fcnvme_auth_reply *m);
int fcnvme_auth_build_success1(uint8_t *buf, size_t len, const struct fcnvme_auth_success1 *m);
int fcnvme_auth_build_success2(uint8_t *buf, size_t len, uint16_t tid);
int fcnvme_auth_build_failure(uint8_t *buf, size_t len, const struct fcnvme_auth_failure *m);
/*
 * Parsers: strict bounds checks against len, the AUTH-Type/AUTH-Id, the
 * ids and lengths the protocol allows. 0, or the failure reason code
 * explanation as a negative number: -FCNVME_AUTH_FAIL_INCORRECT_MESSAGE
 * (wrong message), -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD (short or
 * inconsistent), -FCNVME_AUTH_FAIL_HASH_UNUSABLE / _DHGROUP_UNUSABLE
 * (an unknown id). Pointers in the results point into buf.
 */
int fcnvme_auth_parse_negotiate(const uint8_t *buf, size_t len, struct fcnvme_auth_negotiate *m);
int fcnvme_auth_parse_challenge(const uint8_t *buf, size_t len, struct fcnvme_auth_challenge *m);
int fcnvme_auth_parse_reply(const uint8_t *buf, size_t len, struct fcnvme_auth_reply *m);
int fcnvme_auth_parse_success1(const uint8_t *buf, size_t len, struct fcnvme_auth_success1 *m);
int fcnvme_auth_parse_success2(const uint8_t *buf, size_t len, uint16_t *tid);
int fcnvme_auth_parse_failure(const uint8_t *buf, size_t len, struct fcnvme_auth_failure *m);
/* A short name of a reason code explanation ("failed", "hash unusable"…). */
const char *fcnvme_auth_fail_str(unsigned int rexp);

#endif /* FCNVME_AUTH_H */
