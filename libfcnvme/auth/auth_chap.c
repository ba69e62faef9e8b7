// SPDX-License-Identifier: Apache-2.0
/*
 * The DH-HMAC-CHAP computations of NVMe Base 2.0, 8.13.5: the secret
 * transformation (8.13.5.8), the augmented challenge (8.13.5.4) and the
 * two responses (8.13.5.5, 8.13.5.6), in the byte order Linux uses
 * (drivers/nvme/common/auth.c nvme_auth_transform_key and
 * nvme_auth_augmented_challenge; drivers/nvme/host/auth.c
 * nvme_auth_dhchap_setup_host_response and _ctrl_response;
 * drivers/nvme/target/auth.c for the controller side). Pure.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>

#include <fcnvme/auth.h>

int fcnvme_auth_transform(const struct fcnvme_auth_key *key, const char *nqn, uint8_t *out,
			  size_t *olen)
{
	struct fcnvme_auth_buf m[2];
	int ret;

	if (!key->len || key->len > FCNVME_AUTH_MAX_HASH)
		return -EINVAL;
	if (key->hash == FCNVME_AUTH_HASH_NONE) {
		memcpy(out, key->key, key->len);
		*olen = key->len;
		return 0;
	}
	m[0] = (struct fcnvme_auth_buf){ nqn, strlen(nqn) };
	m[1] = (struct fcnvme_auth_buf){ "NVMe-over-Fabrics", 17 };
	ret = fcnvme_auth_hmac(key->hash, key->key, key->len, m, 2, out);
	if (ret)
		return ret;
	*olen = fcnvme_auth_hash_len(key->hash);
	return 0;
}

int fcnvme_auth_augment(unsigned int hash, const uint8_t *skey, size_t slen, const uint8_t *chal,
			uint8_t *out)
{
	uint8_t hkey[FCNVME_AUTH_MAX_HASH];
	struct fcnvme_auth_buf m;
	size_t hl = fcnvme_auth_hash_len(hash);
	int ret;

	if (!hl)
		return -EINVAL;
	ret = fcnvme_auth_digest(hash, skey, slen, hkey);
	if (ret)
		return ret;
	m = (struct fcnvme_auth_buf){ chal, hl };
	ret = fcnvme_auth_hmac(hash, hkey, hl, &m, 1, out);
	OPENSSL_cleanse(hkey, sizeof(hkey));
	return ret;
}

int fcnvme_auth_response(unsigned int hash, const uint8_t *tkey, size_t tlen, const uint8_t *chal,
			 uint32_t seq, uint16_t tid, enum fcnvme_auth_role role,
			 const char *hostnqn, const char *subnqn, uint8_t *out)
{
	const uint8_t le[6] = { (uint8_t)seq,	      (uint8_t)(seq >> 8), (uint8_t)(seq >> 16),
				(uint8_t)(seq >> 24), (uint8_t)tid,	   (uint8_t)(tid >> 8) };
	const uint8_t zero = 0;
	const bool host = role == FCNVME_AUTH_ROLE_HOST;
	const char *a = host ? hostnqn : subnqn, *b = host ? subnqn : hostnqn;
	struct fcnvme_auth_buf m[7];
	size_t hl = fcnvme_auth_hash_len(hash);

	if (!hl)
		return -EINVAL;
	m[0] = (struct fcnvme_auth_buf){ chal, hl };
	m[1] = (struct fcnvme_auth_buf){ le, 6 };    /* seq, tid */
	m[2] = (struct fcnvme_auth_buf){ &zero, 1 }; /* SC: no secure channel */
	m[3] = host ? (struct fcnvme_auth_buf){ "HostHost", 8 }
		    : (struct fcnvme_auth_buf){ "Controller", 10 };
	m[4] = (struct fcnvme_auth_buf){ a, strlen(a) };
	m[5] = (struct fcnvme_auth_buf){ &zero, 1 };
	m[6] = (struct fcnvme_auth_buf){ b, strlen(b) };
	return fcnvme_auth_hmac(hash, tkey, tlen, m, 7, out);
}

bool fcnvme_auth_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
