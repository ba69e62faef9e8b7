// SPDX-License-Identifier: Apache-2.0
/*
 * A subsystem's DH-HMAC-CHAP keys, one entry per host NQN with the host's
 * own hash functions and DH groups if it has any: set (or
 * replaced, for key rotation: exchanges in progress keep the copy they
 * took at Negotiate, authenticated queues stay), looked up at Connect and
 * Negotiate, freed with the subsystem. The keys are parsed by libfcnvme
 * (fcnvme_auth_key_parse) and never printed. [ctl] only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

const struct subsys_key *subsys_key_find(const struct subsys *s, const char *hostnqn)
{
	const struct subsys_key *k;

	for (k = s->keys; k; k = k->next)
		if (!strcmp(k->hostnqn, hostnqn))
			return k;
	return NULL;
}

static void subsys_key_wipe_free(struct subsys_key *k)
{
	explicit_bzero(k, sizeof(*k));
	free(k);
}

void subsys_keys_free(struct subsys *s)
{
	struct subsys_key *k, *n;

	for (k = s->keys; k; k = n) {
		n = k->next;
		subsys_key_wipe_free(k);
	}
	s->keys = NULL;
}

static const char *key_why(int rc)
{
	return rc == -EBADMSG ? "CRC-32 mismatch"
			      : "not a DHHC-1 secret (\"DHHC-1:NN:<base64>:\", 32, 48 or 64 "
				"bytes, NN 00-03 matching the length)";
}

int tgt_subsys_set_dhchap(struct tgt *t, const char *nqn, const char *hostnqn, const char *key,
			  const char *ctrl_key, const struct tgt_auth_policy *pol, char *err,
			  size_t errlen)
{
	struct subsys *s = subsys_find(t, nqn);
	struct subsys_key *nk, **pp;
	int rc;

	if (!s || s == t->disc) {
		tgt_err(err, errlen, "no subsystem %s", nqn ? nqn : "");
		return -ENOENT;
	}
	if (!hostnqn || strlen(hostnqn) >= TGT_NQN_SIZE) {
		tgt_err(err, errlen, "invalid host NQN");
		return -EINVAL;
	}
	if (pol && tgt_auth_policy_check(pol)) {
		tgt_err(err, errlen, "host %s: unknown or repeated hash function or DH group",
			hostnqn);
		return -EINVAL;
	}
	nk = NULL;
	if (key) {
		nk = calloc(1, sizeof(*nk));
		if (!nk)
			return -ENOMEM;
		strcpy(nk->hostnqn, hostnqn);
		rc = fcnvme_auth_key_parse(key, &nk->host);
		if (rc) {
			tgt_err(err, errlen, "host %s: dhchap_key: %s", hostnqn, key_why(rc));
			goto wipe_nk;
		}
		rc = ctrl_key ? fcnvme_auth_key_parse(ctrl_key, &nk->ctrl) : 0;
		if (rc) {
			tgt_err(err, errlen, "host %s: dhchap_ctrl_key: %s", hostnqn, key_why(rc));
			goto wipe_nk;
		}
		if (pol)
			nk->pol = *pol;
	}
	for (pp = &s->keys; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->hostnqn, hostnqn))
			break;
	if (*pp) {
		struct subsys_key *old = *pp;

		*pp = old->next;
		subsys_key_wipe_free(old);
	}
	if (nk) {
		nk->next = s->keys;
		s->keys = nk;
	}
	return 0;
wipe_nk:
	subsys_key_wipe_free(nk);
	return -EINVAL;
}

bool tgt_subsys_has_dhchap(struct tgt *t, const char *nqn, const char *hostnqn)
{
	struct subsys *s = subsys_find(t, nqn);

	return s && subsys_key_find(s, hostnqn);
}

void tgt_subsys_clear_dhchap(struct tgt *t, const char *nqn)
{
	struct subsys *s = subsys_find(t, nqn);

	if (s)
		subsys_keys_free(s);
}
