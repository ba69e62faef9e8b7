// SPDX-License-Identifier: Apache-2.0
/*
 * Persist Through Power Loss (NVMe Base 2.0 §8.19.9): while a host has
 * set PTPL (Reservation Register CPTPL 11b), a namespace's registrants and
 * reservation are kept in "<state_dir>/<subsystem NQN, %-escaped>/ns<NSID>.resv"
 * (the directory of ns_id.c), rewritten atomically (temporary file 0600,
 * fsync, rename) after every change, and loaded when the namespace is
 * added, so a restarted daemon (even after kill -9) keeps them. Lines:
 * "gen <decimal>", "rtype <1-6>" and "holder <32 hex>" when reserved,
 * "reg <32 hex host id> <16 hex key>" per registrant. [ctl]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/hex.h>

#include "tgt_priv.h"

static int resv_ptpl_path(struct ns *ns, char *buf, size_t len, bool mkdirs)
{
	if (!ns->t->state_dir)
		return -ENOENT;
	return ns_state_path(ns->t, ns->subsys->nqn, ns->nsid, ".resv", buf, len, mkdirs);
}

static void resv_ptpl_print(FILE *f, const void *arg)
{
	const struct ns_resv *r = arg;

	char hex[33];
	unsigned int i;

	fprintf(f, "gen %" PRIu32 "\n", r->gen);
	if (r->holder >= 0) {
		fcnvme_hex_format(r->reg[r->holder].hostid, 16, hex, sizeof(hex));
		fprintf(f, "rtype %u\nholder %s\n", r->rtype, hex);
	}
	for (i = 0; i < r->nr_reg; i++) {
		fcnvme_hex_format(r->reg[i].hostid, 16, hex, sizeof(hex));
		fprintf(f, "reg %s %016" PRIx64 "\n", hex, r->reg[i].key);
	}
}

/* Write ns's reservation state (PTPL on). */
int resv_ptpl_save(struct ns *ns, char *err, size_t errlen)
{
	char path[4096];
	int rc;

	rc = resv_ptpl_path(ns, path, sizeof(path), true);
	if (!rc)
		rc = state_file_write(path, resv_ptpl_print, ns->resv);
	if (!rc)
		return 0;
	tgt_err(err, errlen, "cannot save the reservations of namespace %u: %s", ns->nsid,
		strerror(-rc));
	return rc;
}

/* PTPL off or the namespace deleted: nothing survives a restart. */
int resv_ptpl_forget(struct ns *ns)
{
	char path[4096];
	int rc = resv_ptpl_path(ns, path, sizeof(path), false);

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* One line into r; -EINVAL when it is not one of the four forms. */
static int resv_ptpl_line(struct ns_resv *r, char *line, uint8_t holder[16], bool *has_holder)
{
	char id[40], key[20], extra;
	unsigned int v;

	if (sscanf(line, "gen %u %c", &v, &extra) == 1) {
		r->gen = v;
	} else if (sscanf(line, "rtype %u %c", &v, &extra) == 1) {
		if (v < NVME_RESV_WRITE_EXCLUSIVE || v > NVME_RESV_EXCLUSIVE_ACCESS_ALL_REGS)
			return -EINVAL;
		r->rtype = (uint8_t)v;
	} else if (sscanf(line, "holder %39s %c", id, &extra) == 1) {
		if (fcnvme_hex_parse(id, holder, 16))
			return -EINVAL;
		*has_holder = true;
	} else if (sscanf(line, "reg %39s %19s %c", id, key, &extra) == 2) {
		struct tgt_resv_reg *g = &r->reg[r->nr_reg];
		char *end;

		if (r->nr_reg == TGT_RESV_MAX_REG || fcnvme_hex_parse(id, g->hostid, 16) ||
		    strlen(key) != 16)
			return -EINVAL;
		g->key = strtoull(key, &end, 16);
		if (*end)
			return -EINVAL;
		r->nr_reg++;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* Load ns's state if the file exists (PTPL on, as it was saved). A file
 * that does not parse, or names a holder that is not registered, is an
 * error (err says which line): the caller starts without reservations. */
int resv_ptpl_load(struct ns *ns, char *err, size_t errlen)
{
	struct ns_resv *r = ns->resv_mem;
	char path[4096], line[256];
	uint8_t holder[16];
	bool has_holder = false;
	unsigned int n = 0;
	FILE *f;
	int rc = 0;

	if (resv_ptpl_path(ns, path, sizeof(path), false))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		rc = resv_ptpl_line(r, line, holder, &has_holder);
	}
	fclose(f);
	if (!rc && has_holder != (r->rtype != 0))
		rc = -EINVAL;
	if (!rc && has_holder) {
		for (r->holder = (int)r->nr_reg - 1; r->holder >= 0; r->holder--)
			if (!memcmp(r->reg[r->holder].hostid, holder, 16))
				break;
		if (r->holder < 0)
			rc = -EINVAL;
	}
	if (rc) {
		tgt_err(err, errlen,
			"reservations of namespace %u not restored: %s is corrupt (line %u)",
			ns->nsid, path, n);
		return rc;
	}
	r->ptpl = true;
	return 0;
}
