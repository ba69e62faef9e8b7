// SPDX-License-Identifier: Apache-2.0
/*
 * Stable namespace identity: the UUID, NGUID and EUI-64 a namespace keeps
 * across restarts. Identifiers the caller gives win; missing ones come from
 * "<state_dir>/<subsystem NQN, %-escaped>/ns<NSID>.id" ("uuid <32 hex>",
 * "nguid <32 hex>", "eui64 <16 hex>" lines), or are generated (getrandom)
 * and written there atomically (temporary file 0600, fsync, rename). [ctl]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tgt_priv.h"

static int ns_id_hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return s[2 * n] == '\0' || s[2 * n] == '\n' ? 0 : -EINVAL;
}

static void ns_id_print(FILE *f, const char *key, const uint8_t *v, size_t n)
{
	size_t i;

	fprintf(f, "%s ", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", v[i]);
	fputc('\n', f);
}

/* The NQN as one safe path component: characters other than letters,
 * digits and ".-_:" become "%XX" (so "/" and a leading "." cannot escape
 * the state directory). */
static void ns_id_escape(const char *nqn, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	unsigned char ch;

	for (; *nqn && o + 4 < len; nqn++) {
		ch = (unsigned char)*nqn;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == ':' ||
		    (ch == '.' && o)) {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

static int ns_id_path(struct tgt *t, const char *nqn, uint32_t nsid, char *buf, size_t len,
		      bool mkdirs)
{
	char esc[TGT_NQN_SIZE * 3 + 1];
	int n;

	ns_id_escape(nqn, esc, sizeof(esc));
	nqn = esc;
	n = snprintf(buf, len, "%s/%s", t->state_dir, nqn);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdirs) {
		if (mkdir(t->state_dir, 0700) && errno != EEXIST)
			return -errno;
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
	}
	n = snprintf(buf, len, "%s/%s/ns%u.id", t->state_dir, nqn, nsid);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static void ns_id_read(const char *path, struct tgt_ns_params *p)
{
	char line[128];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!p->has_uuid && !strncmp(line, "uuid ", 5))
			p->has_uuid = !ns_id_hex(line + 5, p->uuid, 16);
		else if (!p->has_nguid && !strncmp(line, "nguid ", 6))
			p->has_nguid = !ns_id_hex(line + 6, p->nguid, 16);
		else if (!p->has_eui64 && !strncmp(line, "eui64 ", 6))
			p->has_eui64 = !ns_id_hex(line + 6, p->eui64, 8);
	}
	fclose(f);
}

static int ns_id_write(const char *path, const struct tgt_ns_params *p)
{
	char tmp[4200];
	FILE *f;
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	ns_id_print(f, "uuid", p->uuid, 16);
	ns_id_print(f, "nguid", p->nguid, 16);
	ns_id_print(f, "eui64", p->eui64, 8);
	if (fflush(f) || fsync(fileno(f)))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

static int ns_id_random(uint8_t *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(buf + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	return 0;
}

/* Fill p's missing identifiers from the state file or fresh random ones.
 * Returns 1 when some were generated (save them with ns_id_save()), 0, or
 * -errno. */
int ns_id_load_or_create(struct tgt *t, const char *nqn, struct tgt_ns_params *p, char *err,
			 size_t errlen)
{
	char path[4096];
	bool gen = false;
	int rc = 0;

	if (t->state_dir) {
		rc = ns_id_path(t, nqn, p->nsid, path, sizeof(path), false);
		if (rc) {
			tgt_err(err, errlen, "state path for %s: %s", nqn, strerror(-rc));
			return rc;
		}
		ns_id_read(path, p);
	}
	if (!p->has_uuid) {
		rc = ns_id_random(p->uuid, 16);
		p->uuid[6] = (uint8_t)((p->uuid[6] & 0x0f) | 0x40);
		p->uuid[8] = (uint8_t)((p->uuid[8] & 0x3f) | 0x80);
		p->has_uuid = gen = true;
	}
	if (!rc && !p->has_nguid) {
		rc = ns_id_random(p->nguid, 16);
		p->has_nguid = gen = true;
	}
	if (!rc && !p->has_eui64) {
		rc = ns_id_random(p->eui64, 8);
		p->eui64[0] &= 0xfe; /* not a group address */
		p->has_eui64 = gen = true;
	}
	if (rc) {
		tgt_err(err, errlen, "cannot generate namespace ids: %s", strerror(-rc));
		return rc;
	}
	return gen;
}

/* Persist p's identifiers (no-op without a state directory). */
int ns_id_save(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen)
{
	char path[4096];
	int rc;

	if (!t->state_dir)
		return 0;
	rc = ns_id_path(t, nqn, p->nsid, path, sizeof(path), true);
	if (rc) {
		tgt_err(err, errlen, "cannot create the state directory for %s: %s", nqn,
			strerror(-rc));
		return rc;
	}
	rc = ns_id_write(path, p);
	if (rc)
		tgt_err(err, errlen, "cannot save namespace ids to %s: %s", path, strerror(-rc));
	return rc;
}
