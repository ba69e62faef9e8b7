/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DH-HMAC-CHAP secrets file (auth_keys_file): root-only, one line per
 * host NQN, "HOSTNQN DHCHAP-KEY [DHCHAP-CTRL-KEY] [hashes=LIST]
 * [dhgroups=LIST]" with keys in the "DHHC-1:NN:base64:" form of nvme
 * gen-dhchap-key and lists as in dhchap_hashes and dhchap_dhgroups (comma
 * separated, no blanks), which they replace for that host; '#' comments
 * and blank lines ignored. Secrets never leave this module and the core: errors name
 * the file, the line and what is wrong, never a key.
 */
#ifndef CONF_KEYS_H
#define CONF_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/tgt.h"

struct fcd;
struct conf;

struct conf_key {
	char *hostnqn;
	char *key;
	char *ctrl_key;		    /* NULL: unidirectional */
	struct tgt_auth_policy pol; /* the host's own lists (n 0: none) */
};

struct conf_keys {
	struct conf_key *v;
	unsigned int n;
};

/*
 * Read and check path: owned by root (or the daemon's user), not readable
 * or writable by group or others, every line well-formed, no host twice.
 * path "" gives an empty set. 0, or -errno with "PATH[:LINE]: reason" in
 * err.
 */
int conf_keys_load(const char *path, struct conf_keys *out, char *err, size_t errlen);
void conf_keys_free(struct conf_keys *k);
/* The DH-HMAC-CHAP policy of c (dhchap_hashes, dhchap_dhgroups) as ids in
 * preference order; n 0 for a default. 0, or -EINVAL with err naming the
 * option and the unknown or repeated name. */
int conf_auth_policy(const struct conf *c, struct tgt_auth_policy *p, char *err, size_t errlen);
/* Set c's DH-HMAC-CHAP policy and give every subsystem of the core (c's
 * and the cluster's shared ones) every key of k, replacing what it had: a
 * listed host must authenticate on any subsystem that lets it in (the
 * core asks only allowed hosts), now or once it is allowed; new
 * authentications use the keys, authenticated queues stay. 0, or -errno
 * with err. */
int conf_keys_apply(struct fcd *d, const struct conf *c, const struct conf_keys *k, char *err,
		    size_t errlen);
/* A change at run time (fcnvmectl, or the cluster's view) let hosts into
 * subsystem nqn: host (allowed-host add), or any (host NULL: a subsystem
 * added). Read auth_keys_file again and give the subsystem the keys of
 * host, or all of them, beside the ones it has, so that a host listed in
 * the file now must authenticate at once, not after the next reload (other
 * hosts' keys change only at a reload). 0 without a keys file; else 0, or
 * -errno with err (the file as conf_keys_load says it, or the core's
 * refusal): then the caller undoes its change. */
int conf_keys_give(struct fcd *d, const char *nqn, const char *host, char *err, size_t errlen);

#endif /* CONF_KEYS_H */
