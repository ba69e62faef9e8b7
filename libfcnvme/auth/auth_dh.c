// SPDX-License-Identifier: Apache-2.0
/*
 * The Diffie-Hellman exchange of DH-HMAC-CHAP (NVMe Base 2.0, 8.13.5.3)
 * over the RFC 7919 FFDHE groups, by libcrypto's EVP_PKEY with the named
 * groups "ffdhe2048" … "ffdhe8192". Public values and the shared secret are
 * zero-padded to the group's size, as Linux's kpp "ffdheNNNN(dh)" writes
 * them (drivers/nvme/common/auth.c nvme_auth_gen_pubkey,
 * nvme_auth_gen_shared_secret) and the augmented challenge hashes them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fcnvme/auth.h>

static const char *const dh_names[] = { "null",	     "ffdhe2048", "ffdhe3072",
					"ffdhe4096", "ffdhe6144", "ffdhe8192" };
static const size_t dh_lens[] = { 0, 256, 384, 512, 768, 1024 };
#define DH_N (sizeof(dh_names) / sizeof(dh_names[0]))

/* Wraps the libcrypto key; never changed after fcnvme_auth_dh_new. */
struct fcnvme_auth_dh {
	EVP_PKEY *pkey;
	unsigned int group;
};

const char *fcnvme_auth_dh_name(unsigned int group)
{
	return group < DH_N ? dh_names[group] : NULL;
}

int fcnvme_auth_dh_id(const char *name)
{
	size_t i;

	for (i = 0; name && i < DH_N; i++)
		if (!strcmp(name, dh_names[i]))
			return (int)i;
	return -EINVAL;
}

size_t fcnvme_auth_dh_len(unsigned int group)
{
	return group < DH_N ? dh_lens[group] : 0;
}

/* A random key pair in the group. */
static EVP_PKEY *dh_generate(const char *name)
{
	OSSL_PARAM params[2];
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx;
	char gname[16];

	snprintf(gname, sizeof(gname), "%s", name);

	ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	if (!ctx)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, gname, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_set_params(ctx, params) <= 0 ||
	    EVP_PKEY_generate(ctx, &pkey) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* The key pair with the private exponent x: y = g^x mod p computed by
 * libcrypto's BN_mod_exp from the group's p and g. */
static int dh_from_priv(const char *name, const uint8_t *priv, size_t plen, EVP_PKEY **out)
{
	BIGNUM *x = NULL, *p = NULL, *g = NULL, *y = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *group;
	BN_CTX *bn;
	int ret = -EIO;

	group = dh_generate(name);
	if (!group)
		return -EIO;
	bn = BN_CTX_new();
	if (!bn)
		goto free_group;
	x = BN_bin2bn(priv, (int)plen, NULL);
	y = BN_new();
	if (!x || !y || !EVP_PKEY_get_bn_param(group, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    !EVP_PKEY_get_bn_param(group, OSSL_PKEY_PARAM_FFC_G, &g))
		goto free_bn;
	/* 1 < x < p - 1 */
	if (BN_is_zero(x) || BN_is_one(x) || BN_cmp(x, p) >= 0) {
		ret = -EINVAL;
		goto free_bn;
	}
	if (!BN_mod_exp(y, g, x, p, bn))
		goto free_bn;
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
		goto free_bld;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_KEYPAIR, params) <= 0)
		goto free_bld;
	ret = 0;
free_bld:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
free_bn:
	BN_clear_free(x);
	BN_free(y);
	BN_free(p);
	BN_free(g);
	BN_CTX_free(bn);
free_group:
	EVP_PKEY_free(group);
	return ret;
}

int fcnvme_auth_dh_new(unsigned int group, const uint8_t *priv, size_t plen,
		       struct fcnvme_auth_dh **dh)
{
	struct fcnvme_auth_dh *d;
	int ret;

	if (group == FCNVME_AUTH_DH_NULL || group >= DH_N || (priv && !plen))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->group = group;
	if (priv) {
		ret = dh_from_priv(dh_names[group], priv, plen, &d->pkey);
		if (ret)
			goto free_d;
	} else {
		d->pkey = dh_generate(dh_names[group]);
		if (!d->pkey) {
			ret = -EIO;
			goto free_d;
		}
	}
	*dh = d;
	return 0;
free_d:
	free(d);
	return ret;
}

void fcnvme_auth_dh_free(struct fcnvme_auth_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->pkey);
	free(dh);
}

int fcnvme_auth_dh_pub(const struct fcnvme_auth_dh *dh, uint8_t *out, size_t len)
{
	size_t n = dh_lens[dh->group];
	BIGNUM *y = NULL;
	int ret;

	if (len < n)
		return -ENOSPC;
	if (!EVP_PKEY_get_bn_param(dh->pkey, OSSL_PKEY_PARAM_PUB_KEY, &y))
		return -EIO;
	ret = BN_bn2binpad(y, out, (int)n) == (int)n ? 0 : -EIO;
	BN_free(y);
	return ret;
}

int fcnvme_auth_dh_shared(const struct fcnvme_auth_dh *dh, const uint8_t *peer, size_t plen,
			  uint8_t *out, size_t len)
{
	size_t n = dh_lens[dh->group], olen = n;
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx;
	int ret = -EINVAL;

	if (plen != n)
		return -EINVAL;
	if (len < n)
		return -ENOSPC;
	pk = EVP_PKEY_new();
	if (!pk)
		return -ENOMEM;
	/* the peer: our group's parameters and its public value */
	if (!EVP_PKEY_copy_parameters(pk, dh->pkey) ||
	    !EVP_PKEY_set1_encoded_public_key(pk, peer, plen))
		goto free_pk;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->pkey, NULL);
	if (!ctx) {
		ret = -ENOMEM;
		goto free_pk;
	}
	/* EVP_PKEY_derive checks 1 < y < p - 1 (and the subgroup) */
	if (EVP_PKEY_derive_init(ctx) > 0 && EVP_PKEY_CTX_set_dh_pad(ctx, 1) > 0 &&
	    EVP_PKEY_derive_set_peer(ctx, pk) > 0 && EVP_PKEY_derive(ctx, out, &olen) > 0 &&
	    olen == n)
		ret = 0;
	EVP_PKEY_CTX_free(ctx);
free_pk:
	EVP_PKEY_free(pk);
	return ret;
}
