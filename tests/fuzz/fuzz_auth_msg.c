// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the DH-HMAC-CHAP parsers (libfcnvme/auth/auth_msg.c,
 * auth_key.c): any byte string through every message parser and, as a
 * string, through the secret parser. What a parser accepts must describe
 * bytes inside the buffer (ASan checks the reads) with lengths the protocol
 * allows; an accepted secret must print back to a string that parses to
 * the same key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/auth.h>

static void check_msgs(const uint8_t *d, size_t n)
{
	struct fcnvme_auth_negotiate ng;
	struct fcnvme_auth_challenge ch;
	struct fcnvme_auth_reply rp;
	struct fcnvme_auth_success1 s1;
	struct fcnvme_auth_failure f;
	volatile uint8_t sink = 0;
	uint16_t tid;

	if (!fcnvme_auth_parse_negotiate(d, n, &ng) && (ng.nhash > 30 || ng.ndh > 30))
		abort();
	if (!fcnvme_auth_parse_challenge(d, n, &ch)) {
		if (16 + (size_t)ch.hl + ch.dhvlen > n ||
		    ch.hl != fcnvme_auth_hash_len(ch.hashid) ||
		    ch.dhvlen != fcnvme_auth_dh_len(ch.dhgid))
			abort();
		sink ^= ch.cval[ch.hl - 1];
		if (ch.dhvlen)
			sink ^= ch.dhv[ch.dhvlen - 1];
	}
	if (!fcnvme_auth_parse_reply(d, n, &rp)) {
		if (16 + 2 * (size_t)rp.hl + rp.dhvlen > n)
			abort();
		sink ^= rp.c2[rp.hl - 1];
		if (rp.dhvlen)
			sink ^= rp.dhv[rp.dhvlen - 1];
	}
	if (!fcnvme_auth_parse_success1(d, n, &s1) && s1.rvalid)
		sink ^= s1.rval[s1.hl - 1];
	if (!fcnvme_auth_parse_success2(d, n, &tid) && n < 16)
		abort();
	if (!fcnvme_auth_parse_failure(d, n, &f) && n < 8)
		abort();
	(void)sink;
}

static void check_key(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1), out[FCNVME_AUTH_KEY_STRLEN];
	struct fcnvme_auth_key k, k2;

	if (!s)
		return;
	memcpy(s, d, n);
	s[n] = '\0';
	if (!fcnvme_auth_key_parse(s, &k)) {
		if (fcnvme_auth_key_format(&k, out, sizeof(out)) ||
		    fcnvme_auth_key_parse(out, &k2) || k2.len != k.len || k2.hash != k.hash ||
		    memcmp(k2.key, k.key, k.len))
			abort();
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_msgs(data, size);
	check_key(data, size);
	return 0;
}
