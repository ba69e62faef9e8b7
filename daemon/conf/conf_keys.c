// SPDX-License-Identifier: Apache-2.0
/*
 * The DH-HMAC-CHAP secrets file (conf_keys.h). The mode check follows
 * ssh's for private keys: a secret others can read is refused, not just
 * warned about. Keys are validated with libfcnvme's parser (CRC-32
 * included) and wiped when freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcnvme/auth.h>
#include <fcnvme/err.h>
#include <fcnvme/nqn.h>

#include "conf.h"
#include "conf_keys.h"
#include "fcd.h"

void conf_keys_free(struct conf_keys *k)
{
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		free(k->v[i].hostnqn);
		if (k->v[i].key)
			explicit_bzero(k->v[i].key, strlen(k->v[i].key));
		free(k->v[i].key);
		if (k->v[i].ctrl_key)
			explicit_bzero(k->v[i].ctrl_key, strlen(k->v[i].ctrl_key));
		free(k->v[i].ctrl_key);
	}
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

/* "a,b,c" into ids by lookup(); at most max, none twice. */
static int policy_list(const char *opt, const char *s, int (*lookup)(const char *), uint8_t *out,
		       uint8_t *n, unsigned int max, char *err, size_t errlen)
{
	char buf[CONF_DEV_MAX], *p, *save = NULL;
	int id;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (p = strtok_r(buf, ", ", &save); p; p = strtok_r(NULL, ", ", &save)) {
		id = lookup(p);
		if (id < 0)
			return fcnvme_err(err, errlen, -EINVAL, "%s: unknown name '%s'", opt, p);
		if (memchr(out, id, *n))
			return fcnvme_err(err, errlen, -EINVAL, "%s: '%s' given twice", opt, p);
		if (*n >= max)
			return fcnvme_err(err, errlen, -EINVAL, "%s: too many names", opt);
		out[(*n)++] = (uint8_t)id;
	}
	if (s[0] && !*n)
		return fcnvme_err(err, errlen, -EINVAL, "%s: no names", opt);
	return 0;
}

static int policy_hash_id(const char *name)
{
	return fcnvme_auth_hash_id(name);
}

#define KEYS_USAGE "\"HOSTNQN KEY [CTRL-KEY] [hashes=LIST] [dhgroups=LIST]\""

/* A "name=LIST" field of host's line into pol. */
static int keys_field(struct tgt_auth_policy *pol, const char *fld, const char *host,
		      const char *where, char *err, size_t errlen)
{
	const char *eq = strchr(fld, '=');
	int nl = (int)(eq - fld);
	bool hashes = nl == 6 && !strncmp(fld, "hashes", 6);
	bool dhs = nl == 8 && !strncmp(fld, "dhgroups", 8);
	char opt[512];

	if (!hashes && !dhs)
		return fcnvme_err(err, errlen, -EINVAL,
				  "%s: unknown field '%.*s=' of %s (hashes= or dhgroups=)", where,
				  nl, fld, host);
	snprintf(opt, sizeof(opt), "%s: %.*s of %s", where, nl, fld, host);
	if ((hashes ? pol->nhash : pol->ndh) != 0)
		return fcnvme_err(err, errlen, -EINVAL, "%s: given twice", opt);
	if (eq[1] == '\0')
		return fcnvme_err(err, errlen, -EINVAL, "%s: no names", opt);
	if (hashes)
		return policy_list(opt, eq + 1, policy_hash_id, pol->hashes, &pol->nhash,
				   sizeof(pol->hashes), err, errlen);
	return policy_list(opt, eq + 1, fcnvme_auth_dh_id, pol->dhs, &pol->ndh, sizeof(pol->dhs),
			   err, errlen);
}

/* Whether a field of a line is "name=LIST": a key starts with "DHHC-"
 * (its base64 may hold '='). */
static int keys_is_field(const char *fld)
{
	return strncmp(fld, "DHHC-", 5) != 0 && strchr(fld, '=') != NULL;
}

static int keys_line(struct conf_keys *k, char *line, const char *path, unsigned int ln, char *err,
		     size_t errlen)
{
	struct tgt_auth_policy pol = { 0 };
	char *f[6], *keys[2], *save = NULL, *p;
	struct fcnvme_auth_key key;
	unsigned int n = 0, nk = 0, i;
	const char *why = NULL;
	struct conf_key *nv;
	char where[300];
	int rc;

	for (p = strtok_r(line, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 0 && p[0] == '#')
			return 0;
		if (n == 6) {
			fcnvme_err(err, errlen, 0, "%s:%u: expected " KEYS_USAGE, path, ln);
			return -EINVAL;
		}
		f[n++] = p;
	}
	if (!n)
		return 0;
	snprintf(where, sizeof(where), "%s:%u", path, ln);
	if (fcnvme_nqn_validate(f[0], &why)) {
		fcnvme_err(err, errlen, 0, "%s: invalid host NQN: %s", where, why);
		return -EINVAL;
	}
	for (i = 1; i < n; i++) {
		if (keys_is_field(f[i])) {
			rc = keys_field(&pol, f[i], f[0], where, err, errlen);
			if (rc)
				return rc;
		} else if (nk == 2 || pol.nhash || pol.ndh) {
			fcnvme_err(err, errlen, 0, "%s: expected " KEYS_USAGE, where);
			return -EINVAL;
		} else {
			keys[nk++] = f[i];
		}
	}
	if (!nk) {
		fcnvme_err(err, errlen, 0, "%s: expected " KEYS_USAGE, where);
		return -EINVAL;
	}
	for (i = 0; i < nk; i++) {
		rc = fcnvme_auth_key_parse(keys[i], &key);
		explicit_bzero(&key, sizeof(key));
		if (rc) {
			fcnvme_err(err, errlen, 0, "%s: %s of %s: %s", where,
				   i == 0 ? "key" : "controller key", f[0],
				   rc == -EBADMSG ? "CRC-32 mismatch"
						  : "not a DHHC-1 secret (nvme gen-dhchap-key)");
			return -EINVAL;
		}
	}
	for (i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].hostnqn, f[0])) {
			fcnvme_err(err, errlen, 0, "%s: host %s listed twice", where, f[0]);
			return -EINVAL;
		}
	nv = realloc(k->v, (k->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	k->v = nv;
	nv = &k->v[k->n];
	nv->hostnqn = strdup(f[0]);
	nv->key = strdup(keys[0]);
	nv->ctrl_key = nk == 2 ? strdup(keys[1]) : NULL;
	nv->pol = pol;
	k->n++;
	if (!nv->hostnqn || !nv->key || (nk == 2 && !nv->ctrl_key))
		return -ENOMEM;
	return 0;
}

int conf_keys_load(const char *path, struct conf_keys *out, char *err, size_t errlen)
{
	struct conf_keys k = { 0 };
	char line[1024];
	unsigned int ln = 0;
	struct stat st;
	FILE *f;
	int fd, rc = 0;

	*out = k;
	if (!path || !path[0])
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = -errno;
		return fcnvme_err(err, errlen, rc, "auth_keys_file %s: %s", path, strerror(-rc));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fcnvme_err(err, errlen, 0, "auth_keys_file %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		fcnvme_err(err, errlen, 0,
			   "auth_keys_file %s: mode %04o lets group or others at the "
			   "DH-HMAC-CHAP secrets; chmod 600 it",
			   path, (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		fcnvme_err(err, errlen, 0, "auth_keys_file %s: owned by uid %u, not root", path,
			   (unsigned int)st.st_uid);
		close(fd);
		return -EPERM;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		ln++;
		if (!strchr(line, '\n') && !feof(f)) {
			fcnvme_err(err, errlen, 0, "%s:%u: line too long", path, ln);
			rc = -EINVAL;
			break;
		}
		rc = keys_line(&k, line, path, ln, err, errlen);
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	if (rc == -ENOMEM)
		fcnvme_err(err, errlen, 0, "%s: out of memory", path);
	if (rc) {
		conf_keys_free(&k);
		return rc;
	}
	*out = k;
	return 0;
}

int conf_auth_policy(const struct conf *c, struct tgt_auth_policy *p, char *err, size_t errlen)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = policy_list("dhchap_hashes", c->dhchap_hashes, policy_hash_id, p->hashes, &p->nhash,
			 sizeof(p->hashes), err, errlen);
	if (rc)
		return rc;
	return policy_list("dhchap_dhgroups", c->dhchap_dhgroups, fcnvme_auth_dh_id, p->dhs,
			   &p->ndh, sizeof(p->dhs), err, errlen);
}

/* Give subsystem nqn the keys of k: host's, or every one (host NULL),
 * beside those it has. The core asks only the hosts a subsystem allows
 * (at Connect, after the ACL), so the key of a host it does not allow is
 * never used, and a host allowed later is asked at once. */
static int keys_give(struct fcd *d, const char *nqn, const struct conf_keys *k, const char *host,
		     char *err, size_t errlen)
{
	unsigned int j;
	int rc = 0;

	for (j = 0; j < k->n && !rc; j++)
		if (host == NULL || strcmp(k->v[j].hostnqn, host) == 0)
			rc = tgt_subsys_set_dhchap(d->tgt, nqn, k->v[j].hostnqn, k->v[j].key,
						   k->v[j].ctrl_key, &k->v[j].pol, err, errlen);
	return rc;
}

struct keys_walk {
	struct fcd *d;
	const struct conf_keys *k;
	char *err;
	size_t errlen;
	int rc;
};

static int keys_walk_cb(const struct tgt_subsys_info *si, void *arg)
{
	struct keys_walk *w = arg;

	tgt_subsys_clear_dhchap(w->d->tgt, si->nqn);
	w->rc = keys_give(w->d, si->nqn, w->k, NULL, w->err, w->errlen);
	return w->rc;
}

int conf_keys_apply(struct fcd *d, const struct conf *c, const struct conf_keys *k, char *err,
		    size_t errlen)
{
	struct keys_walk w = { d, k, err, errlen, 0 };
	struct tgt_auth_policy p;
	int rc;

	rc = conf_auth_policy(c, &p, err, errlen);
	if (!rc)
		rc = tgt_set_dhchap_policy(d->tgt, &p);
	if (rc)
		return rc;
	tgt_subsys_foreach(d->tgt, keys_walk_cb, &w);
	return w.rc;
}

/* Give one subsystem the keys of hosts a change let in; see conf_keys.h. */
int conf_keys_give(struct fcd *d, const char *nqn, const char *host, char *err, size_t errlen)
{
	struct conf_keys k;
	int rc;

	if (d->conf == NULL || d->conf->auth_keys_file[0] == '\0')
		return 0;
	rc = conf_keys_load(d->conf->auth_keys_file, &k, err, errlen);
	if (rc)
		return rc;
	rc = keys_give(d, nqn, &k, host, err, errlen);
	conf_keys_free(&k);
	return rc;
}
