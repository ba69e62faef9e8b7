// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme mount's namespace files (struct mnt_ns): one slot per namespace
 * ever seen, never moved or reordered (the inode is the slot index + 2),
 * kept in step with the subsystem's Active Namespace List. Runs on the
 * mount's one thread (fcnvme_mount.c).
 */
#define FUSE_USE_VERSION 35
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <linux/falloc.h>

#include <fuse_lowlevel.h>

#include <fcnvme/nvme_log.h>

#include "fcnvme.h"
#include "fcnvme_mount_priv.h"
#include "fcnvme_rlock.h"

struct mnt_ns *mnt_ns_of(struct mnt *m, fuse_ino_t ino)
{
	if (ino < 2 || ino - 2 >= m->nr_ns || m->ns[ino - 2]->gone)
		return NULL;
	return m->ns[ino - 2];
}

/* The slot of nsid, gone or not, or NULL. */
struct mnt_ns *mnt_ns_find(struct mnt *m, uint32_t nsid)
{
	unsigned int i;

	for (i = 0; i < m->nr_ns; i++)
		if (m->ns[i]->nsid == nsid)
			return m->ns[i];
	return NULL;
}

/* A new slot for nsid (marked gone until its geometry is read). */
static struct mnt_ns *mnt_ns_new(struct mnt *m, uint32_t nsid)
{
	struct mnt_ns *ns, **slots;

	if (m->nr_ns == m->cap_ns) {
		slots = realloc(m->ns, (m->cap_ns ? 2 * m->cap_ns : 64) * sizeof(*slots));
		if (!slots)
			return NULL;
		m->ns = slots;
		m->cap_ns = m->cap_ns ? 2 * m->cap_ns : 64;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->nsid = nsid;
	ns->gone = true;
	fcnvme_rlock_init(&ns->wlock);
	snprintf(ns->name, sizeof(ns->name), "ns%u", nsid);
	m->ns[m->nr_ns++] = ns;
	return ns;
}

/* Every active NSID: the list comes in pages of up to 1024 NSIDs above the
 * one asked for. Returns how many (into *idsp, to free), or -1. */
static int mnt_ns_active_ids(struct mnt *m, bool quiet, uint32_t **idsp)
{
	struct fcnvme_host_buf *nsl;
	uint32_t *ids = NULL, *grown, v, after = 0;
	unsigned int i, n = 0;
	int rc;

	rc = fcnvme_host_buf_alloc(m->ctrl, 4096, &nsl);
	if (rc) {
		if (!quiet)
			fcnvme_err_status(m->x, "Identify Active Namespace List", rc);
		return -1;
	}
	for (;;) {
		rc = fcnvme_identify(m->x, mnt_path_admin_ctrl(m), 2, after, nsl);
		if (rc) {
			if (!quiet)
				fcnvme_err_status(m->x, "Identify Active Namespace List", rc);
			break;
		}
		grown = realloc(ids, (n + MNT_LIST_IDS) * sizeof(*ids));
		if (!grown) {
			rc = -ENOMEM;
			break;
		}
		ids = grown;
		for (i = 0; i < MNT_LIST_IDS; i++) {
			memcpy(&v, (const char *)nsl->addr + 4 * i, 4);
			if (!le32toh(v) || le32toh(v) <= after)
				break;
			ids[n++] = le32toh(v);
		}
		if (i < MNT_LIST_IDS || ids[n - 1] >= 0xfffffffeu)
			break; /* the last page */
		after = ids[n - 1];
	}
	fcnvme_host_buf_free(m->ctrl, nsl);
	if (rc) {
		free(ids);
		return -1;
	}
	*idsp = ids;
	return (int)n;
}

/*
 * Make the files follow the subsystem: read the active namespace list,
 * mark namespaces that left as gone, add new ones, refresh sizes (a
 * namespace may have grown). quiet: no messages (the periodic rescan while
 * the controller is not live). Returns the number of usable namespaces, or
 * -1 if the list could not be read.
 */
int mnt_ns_rescan(struct mnt *m, bool quiet)
{
	struct fcnvme_host_ctrl_info info;
	unsigned int i, j, n, usable = 0;
	struct mnt_ns *ns;
	uint32_t *ids;
	int got;

	fcnvme_host_ctrl_get_info(mnt_path_admin_ctrl(m), &info);
	m->max_xfer = info.max_xfer;
	got = mnt_ns_active_ids(m, quiet, &ids);
	if (got < 0)
		return -1;
	n = (unsigned int)got;
	for (i = 0; i < m->nr_ns; i++) {
		ns = m->ns[i];
		for (j = 0; j < n && ids[j] != ns->nsid; j++)
			;
		if (j == n && !ns->gone) {
			ns->gone = true;
			fprintf(stderr, "fcnvme mount: %s left the subsystem\n", ns->name);
		}
	}
	for (j = 0; j < n; j++) {
		bool fresh = false;

		ns = mnt_ns_find(m, ids[j]);
		if (!ns) {
			ns = mnt_ns_new(m, ids[j]);
			if (!ns) {
				fprintf(stderr, "fcnvme mount: out of memory for ns%u\n", ids[j]);
				continue;
			}
			fresh = true;
		}
		if (fcnvme_ns_geometry(m->x, mnt_path_admin_ctrl(m), ns->nsid, &ns->lbasz,
				       &ns->nblocks))
			continue;
		if (ns->gone && m->se) /* not at start-up */
			fprintf(stderr, "fcnvme mount: %s (%" PRIu64 " bytes) %s\n", ns->name,
				ns->nblocks * ns->lbasz, fresh ? "added" : "is back");
		ns->gone = false;
		usable++;
	}
	free(ids);
	return (int)usable;
}

int mnt_ns_load(struct mnt *m)
{
	if (mnt_ns_rescan(m, false) <= 0) {
		fprintf(stderr, "fcnvme mount: the subsystem has no usable "
				"namespace\n");
		return -1;
	}
	return 0;
}
