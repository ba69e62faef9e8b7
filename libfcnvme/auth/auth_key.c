// SPDX-License-Identifier: Apache-2.0
/*
 * DH-HMAC-CHAP secrets in the representation of NVMe Base 2.0, 8.13.5.8
 * (the one nvme gen-dhchap-key writes and Linux's nvme_auth_parse_key /
 * nvme_auth_extract_key read): "DHHC-1:" two decimal digits for the
 * transformation hash (00 none, 01 SHA-256, 02 SHA-384, 03 SHA-512) ":"
 * base64 (RFC 4648, with padding) of the secret followed by its CRC-32
 * (zlib's, little-endian) and a final ":". Base64 by libcrypto
 * (EVP_EncodeBlock/EVP_DecodeBlock), CRC-32 by zlib.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <fcnvme/auth.h>

#define KEY_PREFIX  "DHHC-1:"
#define KEY_B64_MAX 92 /* 4 * ceil((64 + 4) / 3) */

static uint32_t key_crc(const uint8_t *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

static int key_b64_decode(const char *b64, size_t n, uint8_t *raw, size_t *rlen)
{
	int dlen, pad = 0;
	size_t i;

	if (!n || n % 4 || n > KEY_B64_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = b64[i];

		if (c == '=') {
			if (i < n - 2)
				return -EINVAL;
			pad++;
			continue;
		}
		if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return -EINVAL;
	}
	dlen = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
	if (dlen < 0 || dlen < pad)
		return -EINVAL;
	*rlen = (size_t)dlen - (size_t)pad;
	return 0;
}

int fcnvme_auth_key_parse(const char *s, struct fcnvme_auth_key *key)
{
	uint8_t raw[KEY_B64_MAX];
	const char *b64, *end;
	size_t rlen, klen;
	unsigned int hash;
	uint32_t crc;
	int ret;

	if (!s || strncmp(s, KEY_PREFIX, 7))
		return -EINVAL;
	if (s[7] != '0' || s[8] < '0' || s[8] > '3' || s[9] != ':')
		return -EINVAL;
	hash = (unsigned int)(s[8] - '0');
	b64 = s + 10;
	end = strchr(b64, ':');
	if (end && end[1] != '\0')
		return -EINVAL;
	ret = key_b64_decode(b64, end ? (size_t)(end - b64) : strlen(b64), raw, &rlen);
	if (ret)
		return ret;
	if (rlen != 36 && rlen != 52 && rlen != 68) {
		ret = -EINVAL;
		goto wipe_raw;
	}
	klen = rlen - 4;
	if (hash && klen != fcnvme_auth_hash_len(hash)) {
		ret = -EINVAL;
		goto wipe_raw;
	}
	crc = (uint32_t)raw[klen] | (uint32_t)raw[klen + 1] << 8 | (uint32_t)raw[klen + 2] << 16 |
	      (uint32_t)raw[klen + 3] << 24;
	if (crc != key_crc(raw, klen)) {
		ret = -EBADMSG;
		goto wipe_raw;
	}
	key->hash = (uint8_t)hash;
	key->len = (uint8_t)klen;
	memcpy(key->key, raw, klen);
	ret = 0;
wipe_raw:
	OPENSSL_cleanse(raw, sizeof(raw));
	return ret;
}

int fcnvme_auth_key_format(const struct fcnvme_auth_key *key, char *buf, size_t len)
{
	uint8_t raw[FCNVME_AUTH_MAX_HASH + 4];
	uint32_t crc;
	int n;

	if (key->hash > FCNVME_AUTH_HASH_SHA512 ||
	    (key->len != 32 && key->len != 48 && key->len != 64))
		return -EINVAL;
	if (len < 10 + 4 * (((size_t)key->len + 4 + 2) / 3) + 2)
		return -ENOSPC;
	memcpy(raw, key->key, key->len);
	crc = key_crc(key->key, key->len);
	raw[key->len] = (uint8_t)crc;
	raw[key->len + 1] = (uint8_t)(crc >> 8);
	raw[key->len + 2] = (uint8_t)(crc >> 16);
	raw[key->len + 3] = (uint8_t)(crc >> 24);
	memcpy(buf, KEY_PREFIX, 7);
	buf[7] = '0';
	buf[8] = (char)('0' + key->hash);
	buf[9] = ':';
	n = EVP_EncodeBlock((unsigned char *)buf + 10, raw, key->len + 4);
	OPENSSL_cleanse(raw, sizeof(raw));
	buf[10 + n] = ':';
	buf[11 + n] = '\0';
	return 0;
}
