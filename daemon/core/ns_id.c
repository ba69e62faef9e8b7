// SPDX-License-Identifier: Apache-2.0
/*
 * Stable namespace identity: the UUID, NGUID and EUI-64 a namespace keeps
 * across restarts and reloads. Identifiers the caller gives win; missing
 * ones come from "<state_dir>/<subsystem NQN, %-escaped>/ns<NSID>.id"
 * ("store <backend> <lba size>[ <path>]", "uuid <32 hex>", "nguid <32 hex>",
 * "eui64 <16 hex>" lines), or are generated (getrandom) and written there
 * atomically (temporary file 0600, fsync, rename). The identifiers belong
 * to the storage named on the store line, never just to the NSID: a file
 * that names other storage is not used (fresh identifiers replace it), and
 * deleting a namespace deletes its file (ns_id_forget), so a namespace added
 * later under the same NSID is a new namespace to hosts, as the NVMe
 * specification requires (hosts group multipath paths by these). [ctl]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcnvme/hex.h>
#include <fcnvme/random.h>

#include "tgt_priv.h"

static void ns_id_print(FILE *f, const char *key, const uint8_t *v, size_t n)
{
	char hex[2 * 16 + 1];

	fcnvme_hex_format(v, n, hex, sizeof(hex));
	fprintf(f, "%s %s\n", key, hex);
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

/* "<state_dir>/<NQN escaped>/ns<NSID><suffix>", creating the directories
 * when mkdirs (the reservation state uses it too: resv_ptpl.c). */
int ns_state_path(struct tgt *t, const char *nqn, uint32_t nsid, const char *suffix, char *buf,
		  size_t len, bool mkdirs)
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
	n = snprintf(buf, len, "%s/%s/ns%u%s", t->state_dir, nqn, nsid, suffix);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* The store line of p: backend, LBA size, and the path of a file
 * namespace with bytes outside '!'..'~' and '%' written "%XX". */
static void ns_id_store(const struct tgt_ns_params *p, char *out, size_t len)
{
	static const char *const names[] = {
		[TGT_BACKEND_NULL] = "null", [TGT_BACKEND_RAM] = "ram", [TGT_BACKEND_FILE] = "file"
	};
	static const char hex[] = "0123456789abcdef";
	const char *q;
	size_t o;

	o = (size_t)snprintf(out, len, "store %s %u",
			     (unsigned int)p->backend < 3 ? names[p->backend] : "?",
			     p->lba_size ? p->lba_size : 512);
	if (o >= len || p->backend != TGT_BACKEND_FILE || !p->path)
		return;
	out[o++] = ' ';
	for (q = p->path; *q && o + 4 < len; q++) {
		unsigned char ch = (unsigned char)*q;

		if (ch > ' ' && ch < 0x7f && ch != '%') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

/* Take the missing identifiers of p from the file at path when it belongs
 * to p's storage. Returns whether the file must be (re)written: it is
 * missing, names other storage or no storage, or holds other ids. */
static bool ns_id_read(const char *path, struct tgt_ns_params *p)
{
	char line[4200], store[4200];
	bool has_u = false, has_n = false, has_e = false, same;
	uint8_t u[16], n[16], e[8];
	int match = -1; /* unknown until the store line */
	FILE *f = fopen(path, "re");

	if (!f)
		return true;
	ns_id_store(p, store, sizeof(store));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "store ", 6))
			match = strcmp(line, store) == 0;
		else if (!strncmp(line, "uuid ", 5))
			has_u = !fcnvme_hex_parse(line + 5, u, 16);
		else if (!strncmp(line, "nguid ", 6))
			has_n = !fcnvme_hex_parse(line + 6, n, 16);
		else if (!strncmp(line, "eui64 ", 6))
			has_e = !fcnvme_hex_parse(line + 6, e, 8);
	}
	fclose(f);
	if (match == 0)
		return true; /* another namespace's: not ours to use */
	if (!p->has_uuid && has_u) {
		memcpy(p->uuid, u, 16);
		p->has_uuid = true;
	}
	if (!p->has_nguid && has_n) {
		memcpy(p->nguid, n, 16);
		p->has_nguid = true;
	}
	if (!p->has_eui64 && has_e) {
		memcpy(p->eui64, e, 8);
		p->has_eui64 = true;
	}
	same = has_u && has_n && has_e && !memcmp(u, p->uuid, 16) && !memcmp(n, p->nguid, 16) &&
	       !memcmp(e, p->eui64, 8);
	/* a file from before store lines: adopt it, and write the line */
	return match != 1 || !same;
}

static void ns_id_print_all(FILE *f, const void *arg)
{
	const struct tgt_ns_params *p = arg;
	char store[4200];

	ns_id_store(p, store, sizeof(store));
	fprintf(f, "%s\n", store);
	ns_id_print(f, "uuid", p->uuid, 16);
	ns_id_print(f, "nguid", p->nguid, 16);
	ns_id_print(f, "eui64", p->eui64, 8);
}

static int ns_id_write(const char *path, const struct tgt_ns_params *p)
{
	return state_file_write(path, ns_id_print_all, p);
}

/* Fill p's missing identifiers from the state file (when it belongs to
 * p's storage) or fresh random ones. Returns 1 when the state file must be
 * written (ns_id_save()), 0, or -errno. */
int ns_id_load_or_create(struct tgt *t, const char *nqn, struct tgt_ns_params *p, char *err,
			 size_t errlen)
{
	char path[4096];
	bool write = false;
	int rc = 0;

	if (t->state_dir) {
		rc = ns_state_path(t, nqn, p->nsid, ".id", path, sizeof(path), false);
		if (rc) {
			tgt_err(err, errlen, "state path for %s: %s", nqn, strerror(-rc));
			return rc;
		}
		write = ns_id_read(path, p);
	}
	if (!p->has_uuid) {
		rc = fcnvme_random_uuid(p->uuid);
		p->has_uuid = write = true;
	}
	if (!rc && !p->has_nguid) {
		rc = fcnvme_random_bytes(p->nguid, 16);
		p->has_nguid = write = true;
	}
	if (!rc && !p->has_eui64) {
		rc = fcnvme_random_bytes(p->eui64, 8);
		p->eui64[0] &= 0xfe; /* not a group address */
		p->has_eui64 = write = true;
	}
	if (rc) {
		tgt_err(err, errlen, "cannot generate namespace ids: %s", strerror(-rc));
		return rc;
	}
	return write;
}

/* The namespace is gone for good: its identifiers must never come back for
 * another one. Removes its state file (and the subsystem's directory once
 * empty). No-op without a state directory. */
int ns_id_forget(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	char path[4096], *slash;
	int rc;

	if (!t->state_dir)
		return 0;
	rc = ns_state_path(t, nqn, nsid, ".id", path, sizeof(path), false);
	if (rc == 0 && unlink(path) != 0 && errno != ENOENT)
		rc = -errno;
	if (rc) {
		tgt_err(err, errlen, "cannot retire the identifiers of namespace %u (%s): %s", nsid,
			path, strerror(-rc));
		return rc;
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	rmdir(path); /* fails while other namespaces' files are there */
	return 0;
}

/* Persist p's identifiers (no-op without a state directory). */
int ns_id_save(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen)
{
	char path[4096];
	int rc;

	if (!t->state_dir)
		return 0;
	rc = ns_state_path(t, nqn, p->nsid, ".id", path, sizeof(path), true);
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
