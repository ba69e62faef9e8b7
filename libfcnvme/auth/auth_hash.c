// SPDX-License-Identifier: Apache-2.0
/*
 * DH-HMAC-CHAP hash functions (NVMe Base 2.0, Figure 448): the ids, their
 * lengths and names, and HMAC/digest through OpenSSL's libcrypto (EVP_MAC,
 * EVP_Digest). Pure; 0 or -errno.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <fcnvme/auth.h>

static const struct {
	const char *name;
	size_t len;
} auth_hashes[] = {
	[FCNVME_AUTH_HASH_SHA256] = { "sha256", 32 },
	[FCNVME_AUTH_HASH_SHA384] = { "sha384", 48 },
	[FCNVME_AUTH_HASH_SHA512] = { "sha512", 64 },
};
#define AUTH_NHASH (sizeof(auth_hashes) / sizeof(auth_hashes[0]))

size_t fcnvme_auth_hash_len(unsigned int hash)
{
	return hash < AUTH_NHASH && auth_hashes[hash].name ? auth_hashes[hash].len : 0;
}

const char *fcnvme_auth_hash_name(unsigned int hash)
{
	return hash < AUTH_NHASH ? auth_hashes[hash].name : NULL;
}

int fcnvme_auth_hash_id(const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	/* Linux's configfs and nvme-cli spell them "hmac(sha256)" */
	if (!strncmp(name, "hmac(", 5) && strlen(name) == 12 && name[11] == ')') {
		for (i = 1; i < AUTH_NHASH; i++)
			if (!strncmp(name + 5, auth_hashes[i].name, 6))
				return (int)i;
		return -EINVAL;
	}
	for (i = 1; i < AUTH_NHASH; i++)
		if (!strcmp(name, auth_hashes[i].name))
			return (int)i;
	return -EINVAL;
}

int fcnvme_auth_hmac(unsigned int hash, const uint8_t *key, size_t klen,
		     const struct fcnvme_auth_buf *bufs, size_t n, uint8_t *out)
{
	const char *name = fcnvme_auth_hash_name(hash);
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac;
	size_t olen, i;
	char dname[8];
	int ret = -EIO;

	if (!name)
		return -EINVAL;
	snprintf(dname, sizeof(dname), "%s", name);
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return -EIO;
	ctx = EVP_MAC_CTX_new(mac);
	if (!ctx)
		goto free_mac;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, dname, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, klen, params))
		goto free_ctx;
	for (i = 0; i < n; i++)
		if (bufs[i].len && !EVP_MAC_update(ctx, bufs[i].p, bufs[i].len))
			goto free_ctx;
	if (!EVP_MAC_final(ctx, out, &olen, FCNVME_AUTH_MAX_HASH) ||
	    olen != fcnvme_auth_hash_len(hash))
		goto free_ctx;
	ret = 0;
free_ctx:
	EVP_MAC_CTX_free(ctx);
free_mac:
	EVP_MAC_free(mac);
	return ret;
}

int fcnvme_auth_digest(unsigned int hash, const void *data, size_t len, uint8_t *out)
{
	const char *name = fcnvme_auth_hash_name(hash);
	unsigned int olen;
	EVP_MD *md;
	int ret;

	if (!name)
		return -EINVAL;
	md = EVP_MD_fetch(NULL, name, NULL);
	if (!md)
		return -EIO;
	ret = EVP_Digest(data, len, out, &olen, md, NULL) && olen == fcnvme_auth_hash_len(hash)
		      ? 0
		      : -EIO;
	EVP_MD_free(md);
	return ret;
}
