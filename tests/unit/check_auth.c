// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for DH-HMAC-CHAP (libfcnvme/auth/): secrets as nvme-cli 2.3's
 * gen-dhchap-key writes them (and refusals, a bad CRC among them), the
 * secret transformation against gen-dhchap-key --hmac's output, the host
 * and controller responses and the augmented challenge against vectors
 * computed independently (tests/unit/gen_auth_kat.py: Python hashlib/hmac
 * in Linux's byte order), the FFDHE exchange for fixed private exponents
 * against Python's pow() over the RFC 7919 primes, the exact bytes of the
 * messages, a full exchange for every hash x group, and the parsers
 * against every truncation and seeded random corruption (AUTH_SEED=n
 * repeats a run).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcnvme/auth.h>
#include <fcnvme/random.h>

#include "suites_libfcnvme.h"
#include "test_rng.h"

#define HOSTNQN "nqn.2014-08.org.nvmexpress:uuid:h1"
#define SUBNQN	"nqn.2014-08.org.nvmexpress:uuid:s1"

/* nvme gen-dhchap-key --secret=<00 01 02 ..> --key-length=L --hmac=H
 * --nqn=HOSTNQN (nvme-cli 2.3); with H != 0 nvme-cli stores the secret
 * already transformed with the NQN. */
static const struct {
	const char *s;
	unsigned int hash, len;
} cli_keys[] = {
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", 0, 32 },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:", 0,
	  48 },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7"
	  "PD0+P4zODhA=:",
	  0, 64 },
	{ "DHHC-1:01:j2o85HJ423ezLPXEUIFKMh3lBjv2SdyZIaWb4UESTNSZD9Jx:", 1, 32 },
	{ "DHHC-1:02:vhuJf4Tw6zheacMPcujiCScdCZlVyUtjoDtVek3dHQMY9IJxnpdSdl0yP8WlWYlTzx0KOg==:", 2,
	  48 },
	{ "DHHC-1:03:VWX0hSm/d1yvdtWGeDN9xe7240DelbgydN6uYoWTUXNXbKjgO02oZye4GtkRSRKDqsc7yk3dzy4i9kj2G0kH"
	  "wkrJqHQ=:",
	  3, 64 },
};

static void counting(uint8_t *p, size_t n, uint8_t start)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(start + i);
}

/* gen_auth_kat.py's output */
static const struct {
	const char *host, *ctrl, *aug;
} kat_resp[4] = {
	[1] = {
		"\xe2\xbb\x65\x06\x44\x74\x66\x7a\xf7\x5a\x7c\x08\x38\x3e\x83\xc5\x58\xf7\xcc\xb8\xe1\xb5\xc3\x7a\xa2\x47\x10\x78\x68\x0d\xc1\x21",
		"\x6e\xc1\x2d\x0e\xa5\x0d\x5d\x7d\x59\x83\x64\xea\xae\x64\x8f\x61\x4b\xab\x54\xb3\x29\xc1\xed\xc6\x6c\x82\xa0\x59\xfd\xb8\x1b\xa4",
		"\x6a\xb4\x93\x9a\xa1\xb7\xdf\xab\x55\x89\x68\x09\x02\x3b\xa3\xd1\x96\xfe\x3d\x35\x95\x7d\xb8\x3f\x85\xa3\xec\xea\xdd\x50\x18\x8a",
	},
	[2] = {
		"\x97\x30\xbe\xd9\xaf\x25\x4f\x1f\xfc\x1b\x31\x9d\xf7\x9b\x6e\xfa\x0f\xb7\x7e\xc8\x70\x78\xae\x93\xb4\xc9\x4b\xe4\xc4\xed\xf0\x9c\x89\x26\xaa\x70\xdb\x59\xd5\x21\xbb\x3d\xcb\xf7\xf3\xe8\xa8\xd6",
		"\x28\x50\x8a\x21\x40\x67\x9a\x7d\xdd\x9b\xae\x74\xfe\x81\x23\xe2\x89\xb0\xa6\x74\x44\xa6\xc1\x6b\x24\x7f\xca\x83\x62\x56\x5f\xc1\x2b\x6a\x83\xe8\x1a\xd0\xee\x94\xc5\x17\xc8\x33\xeb\xb3\x4f\x90",
		"\x3b\x28\xd2\x82\x74\x17\xf9\x8e\x28\x9f\x33\x6e\xcb\xe9\x8e\x59\x2d\x2d\xf9\x71\x26\x7f\xfd\xab\x42\x29\x0c\x3f\x0c\xa2\xcb\x80\xb7\x3a\x2f\x38\x6f\xea\x94\x19\xf1\x71\xbe\x0f\x74\x4b\x97\xbe",
	},
	[3] = {
		"\xeb\x97\xd5\x64\x75\xe8\x52\xc8\xf3\xc8\x16\x63\x7b\x8d\xc1\x9b\xa1\x40\x70\x74\x23\x60\x1d\x89\x16\x8c\x26\xc2\x03\xb0\xa6\x61\xe0\x57\xb5\xf9\x35\x05\xb4\x24\xa2\x0e\x82\x75\x48\x80\xf8\xc5\x67\x92\x78\x17\x37\x17\xd4\x78\xb3\xdd\xd8\x90\xc8\xae\xc1\xca",
		"\xba\x06\x0b\xa3\xe6\xf2\x4e\xe3\xe1\x9f\x2e\xae\x87\x90\x67\x11\x7e\x77\x74\xc2\xd5\xe9\xde\xd7\x39\xd0\x4b\x74\x71\x9f\x19\x4c\x54\xac\xf1\x34\x72\x71\x7f\xcd\x3b\xc0\x01\x5d\xf6\x99\x78\x27\x2e\x99\x11\x57\x3d\x9f\x67\xa6\x46\x36\xe1\x7c\xce\x17\x59\x9e",
		"\xbe\x35\xf1\xdb\x81\xc9\x8f\x90\x80\x2b\x1d\x4d\x05\xb6\x51\x83\x4b\xb0\xf3\x09\x7a\xce\x69\x69\x3d\xc3\xd8\xd8\x29\x87\xa9\xf5\x1e\x29\xd4\x82\x80\x30\x06\xa7\xef\x04\xb3\xad\xce\x09\xbe\xf3\xe7\xb0\xda\xcc\x7d\xb2\x05\x97\xc5\x1c\x44\x36\xad\x91\x69\x69",
	},
};

/* sha256(ya || yb || z) per group */
static const char *const kat_dh[6] = {
	[1] = "\xf8\x9c\xc0\x98\x3d\xbc\x43\xb9\xb8\xa5\x2a\x67\x46\x09\xad\x88\x9f\x36\x50\x24\x19\xb6\x3d\x9c\x92\xfe\xbf\xcd\x61\xf3\x74\x7f",
	[2] = "\x37\x19\x4c\x2e\x60\x8b\x9e\xef\x78\xbc\x71\x64\xaa\xd3\x34\x0a\x09\xe6\xe6\xee\x67\x4a\xfe\xd5\x59\x96\xaa\x47\x43\x3b\xd5\x34",
	[3] = "\xd7\x99\xbf\xd1\x48\x3b\xe9\x0b\x5c\xb6\x93\x8f\xab\x1e\x45\xeb\xd8\x3b\x5d\xcb\x1e\xb7\x0b\x90\x41\x37\x0b\xa8\x5b\x1f\x48\x68",
	[4] = "\x3f\xff\x66\xef\xaa\x57\x92\x42\x71\x87\x12\xea\x50\xce\x17\x9d\x0e\xcc\xaf\x66\x9f\xcb\x05\x2a\xcf\x28\xe3\xef\x19\xa4\xf2\xc1",
	[5] = "\xee\x4e\xff\xe2\xe2\xab\x43\xbd\xc2\xea\xbd\x17\x0c\xdf\x14\xe2\xee\x93\x6e\xdb\x4e\x20\x89\xab\xa8\x6a\x9d\x78\xe9\xa3\xdb\x15",
};

START_TEST(key_parse_nvme_cli)
{
	struct fcnvme_auth_key k;
	uint8_t want[64];
	size_t i;

	for (i = 0; i < sizeof(cli_keys) / sizeof(cli_keys[0]); i++) {
		ck_assert_int_eq(fcnvme_auth_key_parse(cli_keys[i].s, &k), 0);
		ck_assert_uint_eq(k.hash, cli_keys[i].hash);
		ck_assert_uint_eq(k.len, cli_keys[i].len);
		if (!cli_keys[i].hash) {
			counting(want, k.len, 0);
			ck_assert_mem_eq(k.key, want, k.len);
		}
	}
	/* the final colon is optional, as for Linux */
	ck_assert_int_eq(fcnvme_auth_key_parse(
				 "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR", &k),
			 0);
	ck_assert_uint_eq(k.len, 32);
}
END_TEST

START_TEST(key_format_like_nvme_cli)
{
	struct fcnvme_auth_key k = { .hash = 0 };
	char buf[FCNVME_AUTH_KEY_STRLEN];
	size_t i;

	for (i = 0; i < 3; i++) {
		k.len = (uint8_t)cli_keys[i].len;
		counting(k.key, k.len, 0);
		ck_assert_int_eq(fcnvme_auth_key_format(&k, buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, cli_keys[i].s);
	}
	ck_assert_int_eq(fcnvme_auth_key_format(&k, buf, 20), -ENOSPC);
	k.len = 33;
	ck_assert_int_eq(fcnvme_auth_key_format(&k, buf, sizeof(buf)), -EINVAL);
}
END_TEST

static const struct {
	const char *s;
	int err;
} bad_keys[] = {
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaS:", -EBADMSG }, /* CRC */
	{ "DHHC-1:00:AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", -EBADMSG }, /* a key bit */
	{ "DHHC-2:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", -EINVAL },
	{ "DHHC-1:04:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", -EINVAL },
	{ "DHHC-1:0:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", -EINVAL },
	{ "DHHC-1:10:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", -EINVAL },
	/* a 32-byte key cannot be SHA-384 transformed */
	{ "DHHC-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", -EINVAL },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+Kfia:", -EINVAL }, /* short */
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:x", -EINVAL },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+Kfi*R:", -EINVAL },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+Kfi R:", -EINVAL },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH=+KfiaR:", -EINVAL },
	{ "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=:", -EINVAL }, /* 24 bytes */
	{ "DHHC-1:00::", -EINVAL },
	{ "DHHC-1:00:", -EINVAL },
	{ "DHHC-1:", -EINVAL },
	{ "", -EINVAL },
	{ "00010203", -EINVAL },
};

START_TEST(key_parse_bad)
{
	struct fcnvme_auth_key k;
	size_t i;

	for (i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		memset(&k, 0xa5, sizeof(k));
		ck_assert_msg(fcnvme_auth_key_parse(bad_keys[i].s, &k) == bad_keys[i].err, "%s",
			      bad_keys[i].s);
		ck_assert_uint_eq(k.len, 0xa5); /* untouched */
	}
	ck_assert_int_eq(fcnvme_auth_key_parse(NULL, &k), -EINVAL);
}
END_TEST

/* transform(secret, hash, host NQN) is what nvme gen-dhchap-key --hmac=N
 * printed (nvme-cli computes it with its own libcrypto calls). */
START_TEST(transform_matches_nvme_cli)
{
	struct fcnvme_auth_key k, cli;
	uint8_t out[64];
	size_t olen, i;

	for (i = 3; i < 6; i++) {
		ck_assert_int_eq(fcnvme_auth_key_parse(cli_keys[i].s, &cli), 0);
		k.hash = (uint8_t)cli_keys[i].hash;
		k.len = (uint8_t)cli_keys[i].len;
		counting(k.key, k.len, 0);
		ck_assert_int_eq(fcnvme_auth_transform(&k, HOSTNQN, out, &olen), 0);
		ck_assert_uint_eq(olen, k.len);
		ck_assert_mem_eq(out, cli.key, olen);
	}
	/* hash 0: the secret itself */
	k.hash = 0;
	k.len = 48;
	counting(k.key, 48, 7);
	ck_assert_int_eq(fcnvme_auth_transform(&k, HOSTNQN, out, &olen), 0);
	ck_assert_uint_eq(olen, 48);
	ck_assert_mem_eq(out, k.key, 48);
}
END_TEST

START_TEST(response_kat)
{
	unsigned int h;

	for (h = 1; h <= 3; h++) {
		size_t hl = fcnvme_auth_hash_len(h);
		uint8_t key[64], chal[64], skey[256], out[64];
		size_t i;

		counting(key, hl, 0);
		counting(chal, hl, 0x80);
		for (i = 0; i < sizeof(skey); i++)
			skey[i] = (uint8_t)(i * 7);
		ck_assert_int_eq(fcnvme_auth_response(h, key, hl, chal, 0x01020304, 0x0a0b,
						      FCNVME_AUTH_ROLE_HOST, HOSTNQN, SUBNQN, out),
				 0);
		ck_assert_mem_eq(out, kat_resp[h].host, hl);
		ck_assert_int_eq(fcnvme_auth_response(h, key, hl, chal, 0x01020304, 0x0a0b,
						      FCNVME_AUTH_ROLE_CTRL, HOSTNQN, SUBNQN, out),
				 0);
		ck_assert_mem_eq(out, kat_resp[h].ctrl, hl);
		ck_assert_int_eq(fcnvme_auth_augment(h, skey, sizeof(skey), chal, out), 0);
		ck_assert_mem_eq(out, kat_resp[h].aug, hl);
	}
	ck_assert_int_eq(fcnvme_auth_response(4, (const uint8_t *)"k", 1, (const uint8_t *)"c", 0,
					      0, FCNVME_AUTH_ROLE_HOST, HOSTNQN, SUBNQN,
					      (uint8_t[64]){ 0 }),
			 -EINVAL);
}
END_TEST

START_TEST(names)
{
	ck_assert_uint_eq(fcnvme_auth_hash_len(1), 32);
	ck_assert_uint_eq(fcnvme_auth_hash_len(2), 48);
	ck_assert_uint_eq(fcnvme_auth_hash_len(3), 64);
	ck_assert_uint_eq(fcnvme_auth_hash_len(0), 0);
	ck_assert_uint_eq(fcnvme_auth_hash_len(4), 0);
	ck_assert_int_eq(fcnvme_auth_hash_id("sha384"), 2);
	ck_assert_int_eq(fcnvme_auth_hash_id("hmac(sha512)"), 3);
	ck_assert_int_eq(fcnvme_auth_hash_id("sha1"), -EINVAL);
	ck_assert_int_eq(fcnvme_auth_hash_id("hmac(sha999)"), -EINVAL);
	ck_assert_int_eq(fcnvme_auth_dh_id("null"), 0);
	ck_assert_int_eq(fcnvme_auth_dh_id("ffdhe6144"), 4);
	ck_assert_int_eq(fcnvme_auth_dh_id("ffdhe1024"), -EINVAL);
	ck_assert_str_eq(fcnvme_auth_dh_name(5), "ffdhe8192");
	ck_assert_ptr_null(fcnvme_auth_dh_name(6));
	ck_assert_uint_eq(fcnvme_auth_dh_len(3), 512);
	ck_assert_str_eq(fcnvme_auth_fail_str(FCNVME_AUTH_FAIL_FAILED), "authentication failed");
	ck_assert_str_eq(fcnvme_auth_fail_str(0x42), "unknown reason");
}
END_TEST

/* Fixed exponents 0x11.. and 0x22.. (32 bytes): both sides' public values
 * and the shared secret against Python's pow() over RFC 7919's primes. */
START_TEST(dh_kat)
{
	static uint8_t ya[1024], yb[1024], z[3 * 1024], z2[1024];
	unsigned int g = (unsigned int)_i;
	size_t n = fcnvme_auth_dh_len(g);
	struct fcnvme_auth_dh *a, *b;
	uint8_t xa[32], xb[32], sum[32];

	memset(xa, 0x11, 32);
	memset(xb, 0x22, 32);
	ck_assert_int_eq(fcnvme_auth_dh_new(g, xa, 32, &a), 0);
	ck_assert_int_eq(fcnvme_auth_dh_new(g, xb, 32, &b), 0);
	ck_assert_int_eq(fcnvme_auth_dh_pub(a, ya, n - 1), -ENOSPC);
	ck_assert_int_eq(fcnvme_auth_dh_pub(a, ya, n), 0);
	ck_assert_int_eq(fcnvme_auth_dh_pub(b, yb, n), 0);
	ck_assert_int_eq(fcnvme_auth_dh_shared(a, yb, n, z2, n), 0);
	memcpy(z, ya, n);
	memcpy(z + n, yb, n);
	ck_assert_int_eq(fcnvme_auth_dh_shared(b, ya, n, z + 2 * n, n), 0);
	ck_assert_mem_eq(z + 2 * n, z2, n);
	ck_assert_int_eq(fcnvme_auth_digest(FCNVME_AUTH_HASH_SHA256, z, 3 * n, sum), 0);
	ck_assert_mem_eq(sum, kat_dh[g], 32);
	/* peer values libcrypto refuses: 0, 1, >= p, and a wrong length */
	memset(yb, 0, n);
	ck_assert_int_eq(fcnvme_auth_dh_shared(a, yb, n, z2, n), -EINVAL);
	yb[n - 1] = 1;
	ck_assert_int_eq(fcnvme_auth_dh_shared(a, yb, n, z2, n), -EINVAL);
	memset(yb, 0xff, n);
	ck_assert_int_eq(fcnvme_auth_dh_shared(a, yb, n, z2, n), -EINVAL);
	ck_assert_int_eq(fcnvme_auth_dh_shared(a, ya, n - 1, z2, n), -EINVAL);
	fcnvme_auth_dh_free(a);
	fcnvme_auth_dh_free(b);
}
END_TEST

START_TEST(dh_bad)
{
	struct fcnvme_auth_dh *d = NULL;
	uint8_t x[4] = { 0 };

	ck_assert_int_eq(fcnvme_auth_dh_new(0, NULL, 0, &d), -EINVAL);
	ck_assert_int_eq(fcnvme_auth_dh_new(6, NULL, 0, &d), -EINVAL);
	ck_assert_int_eq(fcnvme_auth_dh_new(1, x, 4, &d), -EINVAL); /* x = 0 */
	x[3] = 1;
	ck_assert_int_eq(fcnvme_auth_dh_new(1, x, 4, &d), -EINVAL); /* x = 1 */
	ck_assert_ptr_null(d);
	fcnvme_auth_dh_free(NULL);
}
END_TEST

/* Linux's host negotiate (nvme_auth_set_dhchap_negotiate_data): all three
 * hashes, all six groups. */
START_TEST(msg_negotiate_bytes)
{
	struct fcnvme_auth_negotiate m = { .tid = 0x1234,
					   .nhash = 3,
					   .hashes = { 1, 2, 3 },
					   .ndh = 6,
					   .dhs = { 0, 1, 2, 3, 4, 5 } },
				     p;
	uint8_t buf[80],
		want[72] = { 0x00, 0x00, 0, 0, 0x34, 0x12, 0x00, 0x01, 0x01, 0, 3, 6, 1, 2, 3 };

	want[12 + 30 + 1] = 1;
	want[12 + 30 + 2] = 2;
	want[12 + 30 + 3] = 3;
	want[12 + 30 + 4] = 4;
	want[12 + 30 + 5] = 5;
	ck_assert_int_eq(fcnvme_auth_build_negotiate(buf, 71, &m), -ENOSPC);
	ck_assert_int_eq(fcnvme_auth_build_negotiate(buf, sizeof(buf), &m), 72);
	ck_assert_mem_eq(buf, want, 72);
	ck_assert_int_eq(fcnvme_auth_parse_negotiate(buf, 72, &p), 0);
	ck_assert_uint_eq(p.tid, 0x1234);
	ck_assert_uint_eq(p.nhash, 3);
	ck_assert_uint_eq(p.ndh, 6);
	ck_assert_mem_eq(p.dhs, m.dhs, 6);
	buf[7] = 0; /* NAPD 0 */
	ck_assert_int_eq(fcnvme_auth_parse_negotiate(buf, 72, &p),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[7] = 2; /* a second descriptor that is not there */
	ck_assert_int_eq(fcnvme_auth_parse_negotiate(buf, 72, &p),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[7] = 1;
	buf[8] = 0x02; /* not DH-HMAC-CHAP */
	ck_assert_int_eq(fcnvme_auth_parse_negotiate(buf, 72, &p), -FCNVME_AUTH_FAIL_NOT_USABLE);
	buf[8] = 0x01;
	buf[10] = 31;
	ck_assert_int_eq(fcnvme_auth_parse_negotiate(buf, 72, &p),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[0] = 0x01;
	ck_assert_int_eq(fcnvme_auth_parse_negotiate(buf, 72, &p),
			 -FCNVME_AUTH_FAIL_INCORRECT_MESSAGE);
}
END_TEST

START_TEST(msg_challenge_reply_bytes)
{
	uint8_t c[32], r[32], buf[200], dhv[256];
	struct fcnvme_auth_challenge ch = { .tid = 0x0102,
					    .hashid = 1,
					    .dhgid = 0,
					    .hl = 32,
					    .seq = 0xa1b2c3d4,
					    .cval = c },
				     pc;
	struct fcnvme_auth_reply rp = { .tid = 0x0102,
					.hl = 32,
					.cvalid = 1,
					.seq = 7,
					.rval = r,
					.c2 = c },
				 pr;
	static const uint8_t chead[16] = { 0x01, 0x01, 0, 0, 0x02, 0x01, 32,   0,
					   1,	 0,    0, 0, 0xd4, 0xc3, 0xb2, 0xa1 };
	static const uint8_t rhead[16] = { 0x01, 0x02, 0, 0, 0x02, 0x01, 32, 0,
					   1,	 0,    0, 0, 7,	   0,	 0,  0 };

	counting(c, 32, 0x40);
	counting(r, 32, 0x90);
	ck_assert_int_eq(fcnvme_auth_build_challenge(buf, sizeof(buf), &ch), 48);
	ck_assert_mem_eq(buf, chead, 16);
	ck_assert_mem_eq(buf + 16, c, 32);
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 48, &pc), 0);
	ck_assert_uint_eq(pc.seq, 0xa1b2c3d4);
	ck_assert_ptr_eq(pc.cval, buf + 16);
	ck_assert_ptr_null(pc.dhv);
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 47, &pc),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[6] = 48; /* HL not SHA-256's */
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 48, &pc),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[6] = 32;
	buf[8] = 9;
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 48, &pc),
			 -FCNVME_AUTH_FAIL_HASH_UNUSABLE);
	buf[8] = 1;
	buf[9] = 6;
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 48, &pc),
			 -FCNVME_AUTH_FAIL_DHGROUP_UNUSABLE);
	buf[9] = 1; /* ffdhe2048 without its 256-byte value */
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 48, &pc),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	ch.dhgid = 1;
	ck_assert_int_eq(fcnvme_auth_build_challenge(buf, sizeof(buf), &ch), -EINVAL);
	ch.dhvlen = 256;
	ch.dhv = dhv;
	ck_assert_int_eq(fcnvme_auth_build_challenge(buf, sizeof(buf), &ch), -ENOSPC);

	ck_assert_int_eq(fcnvme_auth_build_reply(buf, sizeof(buf), &rp), 80);
	ck_assert_mem_eq(buf, rhead, 16);
	ck_assert_mem_eq(buf + 16, r, 32);
	ck_assert_mem_eq(buf + 48, c, 32);
	ck_assert_int_eq(fcnvme_auth_parse_reply(buf, 80, &pr), 0);
	ck_assert_uint_eq(pr.cvalid, 1);
	ck_assert_uint_eq(pr.seq, 7);
	ck_assert_int_eq(fcnvme_auth_parse_reply(buf, 79, &pr),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[12] = 0; /* CVALID with sequence number 0 */
	ck_assert_int_eq(fcnvme_auth_parse_reply(buf, 80, &pr),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	buf[12] = 7;
	buf[6] = 33;
	ck_assert_int_eq(fcnvme_auth_parse_reply(buf, 80, &pr),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, 80, &pc),
			 -FCNVME_AUTH_FAIL_INCORRECT_MESSAGE);
}
END_TEST

START_TEST(msg_success_failure_bytes)
{
	static const uint8_t s2[16] = { 0x01, 0x04, 0, 0, 0x22, 0x11 };
	static const uint8_t f1[8] = { 0x00, 0xf1, 0, 0, 0x22, 0x11, 0x01, 0x01 };
	struct fcnvme_auth_success1 s = { .tid = 0x1122, .hl = 48, .rvalid = 0 }, ps;
	struct fcnvme_auth_failure f = { .id = FCNVME_AUTH_FAILURE1,
					 .tid = 0x1122,
					 .rescode = 1,
					 .rexp = FCNVME_AUTH_FAIL_FAILED },
				   pf;
	uint8_t buf[128], r[48];
	uint16_t tid;

	ck_assert_int_eq(fcnvme_auth_build_success1(buf, sizeof(buf), &s), 64);
	ck_assert_uint_eq(buf[0], 0x01);
	ck_assert_uint_eq(buf[1], 0x03);
	ck_assert_uint_eq(buf[6], 48);
	ck_assert_uint_eq(buf[8], 0);
	ck_assert_int_eq(fcnvme_auth_parse_success1(buf, 16, &ps), 0); /* old Linux: no rval */
	ck_assert_ptr_null(ps.rval);
	counting(r, 48, 3);
	s.rvalid = 1;
	s.rval = r;
	ck_assert_int_eq(fcnvme_auth_build_success1(buf, sizeof(buf), &s), 64);
	ck_assert_int_eq(fcnvme_auth_parse_success1(buf, 63, &ps),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	ck_assert_int_eq(fcnvme_auth_parse_success1(buf, 64, &ps), 0);
	ck_assert_mem_eq(ps.rval, r, 48);

	ck_assert_int_eq(fcnvme_auth_build_success2(buf, 15, 0x1122), -ENOSPC);
	ck_assert_int_eq(fcnvme_auth_build_success2(buf, sizeof(buf), 0x1122), 16);
	ck_assert_mem_eq(buf, s2, 16);
	ck_assert_int_eq(fcnvme_auth_parse_success2(buf, 16, &tid), 0);
	ck_assert_uint_eq(tid, 0x1122);
	ck_assert_int_eq(fcnvme_auth_parse_success2(buf, 15, &tid),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);

	ck_assert_int_eq(fcnvme_auth_build_failure(buf, sizeof(buf), &f), 8);
	ck_assert_mem_eq(buf, f1, 8);
	ck_assert_int_eq(fcnvme_auth_parse_failure(buf, 8, &pf), 0);
	ck_assert_uint_eq(pf.id, FCNVME_AUTH_FAILURE1);
	ck_assert_uint_eq(pf.rexp, 1);
	ck_assert_int_eq(fcnvme_auth_parse_failure(buf, 7, &pf),
			 -FCNVME_AUTH_FAIL_INCORRECT_PAYLOAD);
	f.id = 0x05;
	ck_assert_int_eq(fcnvme_auth_build_failure(buf, sizeof(buf), &f), -EINVAL);
}
END_TEST

/*
 * A whole bidirectional exchange for hash (_i / 6 + 1) and group (_i % 6):
 * both sides only through the library and the messages' bytes, host key
 * SHA-transformed, controller key plain; then the same with a wrong host
 * key (the controller's check fails) and a wrong controller key (the
 * host's check fails).
 */
static void exchange(unsigned int h, unsigned int g, int wrong)
{
	static uint8_t buf[FCNVME_AUTH_MAX_MSG], hpub[1024], cpub[1024], zh[1024], zc[1024];
	struct fcnvme_auth_key hk = { .hash = (uint8_t)h, .len = (uint8_t)fcnvme_auth_hash_len(h) },
			       ck = { .hash = 0, .len = 48 }, hk2, ck2;
	uint8_t c1[64], c2[64], a1[64], a2[64], tk[64], r1[64], r1w[64], r2[64], r2w[64];
	struct fcnvme_auth_dh *hdh = NULL, *cdh = NULL;
	size_t hl = fcnvme_auth_hash_len(h), n = fcnvme_auth_dh_len(g), tl;
	struct fcnvme_auth_challenge ch, pc;
	struct fcnvme_auth_reply rp, pr;
	struct fcnvme_auth_success1 s1, ps1;
	int len;

	counting(hk.key, hk.len, (uint8_t)h);
	counting(ck.key, ck.len, 0x55);
	hk2 = hk;
	ck2 = ck;
	if (wrong == 1)
		hk2.key[0] ^= 1;
	if (wrong == 2)
		ck2.key[5] ^= 0x80;
	ck_assert_int_eq(fcnvme_random_bytes(c1, hl), 0);
	ck_assert_int_eq(fcnvme_random_bytes(c2, hl), 0);
	/* controller: challenge */
	ch = (struct fcnvme_auth_challenge){ .tid = 9,
					     .hashid = (uint8_t)h,
					     .dhgid = (uint8_t)g,
					     .hl = (uint8_t)hl,
					     .seq = 77,
					     .cval = c1 };
	if (g) {
		ck_assert_int_eq(fcnvme_auth_dh_new(g, NULL, 0, &cdh), 0);
		ck_assert_int_eq(fcnvme_auth_dh_pub(cdh, cpub, n), 0);
		ch.dhvlen = (uint16_t)n;
		ch.dhv = cpub;
	}
	len = fcnvme_auth_build_challenge(buf, sizeof(buf), &ch);
	ck_assert_int_eq(len, (int)(16 + hl + n));
	/* host: parse, DH, response, reply with its own challenge */
	ck_assert_int_eq(fcnvme_auth_parse_challenge(buf, (size_t)len, &pc), 0);
	memcpy(a1, pc.cval, hl);
	if (g) {
		ck_assert_int_eq(fcnvme_auth_dh_new(g, NULL, 0, &hdh), 0);
		ck_assert_int_eq(fcnvme_auth_dh_pub(hdh, hpub, n), 0);
		ck_assert_int_eq(fcnvme_auth_dh_shared(hdh, pc.dhv, pc.dhvlen, zh, n), 0);
		ck_assert_int_eq(fcnvme_auth_augment(h, zh, n, pc.cval, a1), 0);
	}
	ck_assert_int_eq(fcnvme_auth_transform(&hk2, HOSTNQN, tk, &tl), 0);
	ck_assert_int_eq(fcnvme_auth_response(h, tk, tl, a1, pc.seq, pc.tid, FCNVME_AUTH_ROLE_HOST,
					      HOSTNQN, SUBNQN, r1),
			 0);
	rp = (struct fcnvme_auth_reply){ .tid = 9,
					 .hl = (uint8_t)hl,
					 .cvalid = 1,
					 .seq = 1234,
					 .rval = r1,
					 .c2 = c2,
					 .dhvlen = (uint16_t)n,
					 .dhv = g ? hpub : NULL };
	len = fcnvme_auth_build_reply(buf, sizeof(buf), &rp);
	ck_assert_int_eq(len, (int)(16 + 2 * hl + n));
	/* controller: verify the host, answer its challenge */
	ck_assert_int_eq(fcnvme_auth_parse_reply(buf, (size_t)len, &pr), 0);
	memcpy(a1, c1, hl);
	memcpy(a2, pr.c2, hl);
	if (g) {
		ck_assert_int_eq(fcnvme_auth_dh_shared(cdh, pr.dhv, pr.dhvlen, zc, n), 0);
		ck_assert_mem_eq(zc, zh, n);
		ck_assert_int_eq(fcnvme_auth_augment(h, zc, n, c1, a1), 0);
		ck_assert_int_eq(fcnvme_auth_augment(h, zc, n, pr.c2, a2), 0);
	}
	ck_assert_int_eq(fcnvme_auth_transform(&hk, HOSTNQN, tk, &tl), 0);
	ck_assert_int_eq(fcnvme_auth_response(h, tk, tl, a1, 77, 9, FCNVME_AUTH_ROLE_HOST, HOSTNQN,
					      SUBNQN, r1w),
			 0);
	ck_assert_int_eq(memcmp(r1w, pr.rval, hl) == 0, wrong != 1);
	ck_assert_int_eq(fcnvme_auth_transform(&ck2, SUBNQN, tk, &tl), 0);
	ck_assert_int_eq(fcnvme_auth_response(h, tk, tl, a2, pr.seq, 9, FCNVME_AUTH_ROLE_CTRL,
					      HOSTNQN, SUBNQN, r2),
			 0);
	s1 = (struct fcnvme_auth_success1){ .tid = 9, .hl = (uint8_t)hl, .rvalid = 1, .rval = r2 };
	len = fcnvme_auth_build_success1(buf, sizeof(buf), &s1);
	ck_assert_int_eq(len, (int)(16 + hl));
	/* host: verify the controller */
	ck_assert_int_eq(fcnvme_auth_parse_success1(buf, (size_t)len, &ps1), 0);
	memcpy(a2, c2, hl);
	if (g)
		ck_assert_int_eq(fcnvme_auth_augment(h, zh, n, c2, a2), 0);
	ck_assert_int_eq(fcnvme_auth_transform(&ck, SUBNQN, tk, &tl), 0);
	ck_assert_int_eq(fcnvme_auth_response(h, tk, tl, a2, 1234, 9, FCNVME_AUTH_ROLE_CTRL,
					      HOSTNQN, SUBNQN, r2w),
			 0);
	ck_assert_int_eq(memcmp(r2w, ps1.rval, hl) == 0, wrong != 2);
	fcnvme_auth_dh_free(hdh);
	fcnvme_auth_dh_free(cdh);
}

START_TEST(exchange_every_hash_group)
{
	unsigned int h = (unsigned int)_i / 6 + 1, g = (unsigned int)_i % 6;

	exchange(h, g, 0);
	exchange(h, g, 1);
	exchange(h, g, 2);
}
END_TEST

typedef int (*parse_fn)(const uint8_t *, size_t, void *);

static int p_neg(const uint8_t *b, size_t l, void *m)
{
	return fcnvme_auth_parse_negotiate(b, l, m);
}
static int p_chal(const uint8_t *b, size_t l, void *m)
{
	return fcnvme_auth_parse_challenge(b, l, m);
}
static int p_rep(const uint8_t *b, size_t l, void *m)
{
	return fcnvme_auth_parse_reply(b, l, m);
}
static int p_s1(const uint8_t *b, size_t l, void *m)
{
	return fcnvme_auth_parse_success1(b, l, m);
}
static int p_s2(const uint8_t *b, size_t l, void *m)
{
	return fcnvme_auth_parse_success2(b, l, m);
}
static int p_fail(const uint8_t *b, size_t l, void *m)
{
	return fcnvme_auth_parse_failure(b, l, m);
}

static uint64_t rng;

static unsigned int rnd(unsigned int n)
{
	return test_rng_below(&rng, n);
}

/*
 * Every parser on a heap buffer of exactly the given length (so AddressSanitizer
 * or valgrind catch a byte read past it): each valid message truncated at
 * every length is refused; then seeded random corruptions of the valid
 * messages and random bytes: whatever a parser accepts has its pointers and
 * lengths inside the buffer.
 */
START_TEST(parsers_refuse_truncation_and_fuzz)
{
	static const parse_fn parsers[] = { p_neg, p_chal, p_rep, p_s1, p_s2, p_fail };
	const char *env = getenv("AUTH_SEED");
	unsigned long long seed = env ? strtoull(env, NULL, 0) : 1;
	static uint8_t valid[6][FCNVME_AUTH_MAX_MSG], dhv[1024], val[64];
	struct fcnvme_auth_negotiate ng = { .nhash = 1, .hashes = { 1 }, .ndh = 1 };
	struct fcnvme_auth_challenge ch = {
		.hashid = 3, .dhgid = 1, .hl = 64, .dhvlen = 256, .cval = val, .dhv = dhv
	};
	struct fcnvme_auth_reply rp = {
		.hl = 48, .cvalid = 1, .seq = 1, .dhvlen = 384, .rval = val, .c2 = val, .dhv = dhv
	};
	struct fcnvme_auth_success1 s1 = { .hl = 32, .rvalid = 1, .rval = val };
	struct fcnvme_auth_failure f = { .id = FCNVME_AUTH_FAILURE2, .rescode = 1, .rexp = 4 };
	union {
		struct fcnvme_auth_negotiate n;
		struct fcnvme_auth_challenge c;
		struct fcnvme_auth_reply r;
		struct fcnvme_auth_success1 s;
		struct fcnvme_auth_failure f;
		uint16_t tid;
	} out;
	size_t lens[6], i, l;
	unsigned int k;

	printf("parsers_refuse_truncation_and_fuzz: seed %llu (AUTH_SEED=%llu repeats it)\n", seed,
	       seed);
	fflush(stdout);
	test_rng_seed(&rng, seed);
	lens[0] = (size_t)fcnvme_auth_build_negotiate(valid[0], sizeof(valid[0]), &ng);
	lens[1] = (size_t)fcnvme_auth_build_challenge(valid[1], sizeof(valid[1]), &ch);
	lens[2] = (size_t)fcnvme_auth_build_reply(valid[2], sizeof(valid[2]), &rp);
	lens[3] = (size_t)fcnvme_auth_build_success1(valid[3], sizeof(valid[3]), &s1);
	lens[4] = (size_t)fcnvme_auth_build_success2(valid[4], sizeof(valid[4]), 1);
	lens[5] = (size_t)fcnvme_auth_build_failure(valid[5], sizeof(valid[5]), &f);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(parsers[i](valid[i], lens[i], &out), 0);
		for (l = 0; l < lens[i]; l++) {
			uint8_t *b = malloc(l ? l : 1);

			memcpy(b, valid[i], l);
			ck_assert_msg(parsers[i](b, l, &out) < 0, "message %zu length %zu", i, l);
			free(b);
		}
	}
	for (k = 0; k < 20000; k++) {
		size_t m = rnd(6), len = rnd(4) ? lens[m] : rnd(FCNVME_AUTH_MAX_MSG);
		uint8_t *b = malloc(len ? len : 1);
		unsigned int flips = 1 + rnd(4), j;
		int ret;

		if (len <= lens[m])
			memcpy(b, valid[m], len);
		else
			for (j = 0; j < len; j++)
				b[j] = (uint8_t)rnd(256);
		for (j = 0; len && j < flips; j++)
			b[rnd((unsigned int)len)] = (uint8_t)rnd(256);
		for (j = 0; j < 6; j++) {
			ret = parsers[j](b, len, &out);
			ck_assert_int_le(ret, 0);
			if (ret)
				continue;
			if (j == 1) {
				ck_assert_uint_le(16 + (size_t)out.c.hl + out.c.dhvlen, len);
				ck_assert_uint_eq(out.c.hl, fcnvme_auth_hash_len(out.c.hashid));
			} else if (j == 2) {
				ck_assert_uint_le(16 + 2 * (size_t)out.r.hl + out.r.dhvlen, len);
			} else if (j == 3 && out.s.rvalid) {
				ck_assert_uint_le(16 + (size_t)out.s.hl, len);
			}
		}
		free(b);
	}
}
END_TEST

Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");

	tcase_add_test(tc, key_parse_nvme_cli);
	tcase_add_test(tc, key_format_like_nvme_cli);
	tcase_add_test(tc, key_parse_bad);
	tcase_add_test(tc, transform_matches_nvme_cli);
	tcase_add_test(tc, response_kat);
	tcase_add_test(tc, names);
	tcase_add_loop_test(tc, dh_kat, 1, 6);
	tcase_add_test(tc, dh_bad);
	tcase_add_test(tc, msg_negotiate_bytes);
	tcase_add_test(tc, msg_challenge_reply_bytes);
	tcase_add_test(tc, msg_success_failure_bytes);
	tcase_add_loop_test(tc, exchange_every_hash_group, 0, 18);
	tcase_add_test(tc, parsers_refuse_truncation_and_fuzz);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
