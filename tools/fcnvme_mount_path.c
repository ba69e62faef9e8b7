// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme mount's paths (struct mnt_path): one controller per target port
 * (--multipath), polled together; each path's ANA log says which path
 * serves a namespace's group (optimized first, else non-optimized). Runs
 * on the mount's one thread (fcnvme_mount.c).
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

/* The path's ANA information for ns is no longer to be trusted. */
void mnt_path_stale(struct mnt *m, unsigned int i, const struct mnt_ns *ns)
{
	struct mnt_path *p = &m->paths[i];

	if (i >= m->nr_paths)
		return;
	if (ns->grp && ns->grp <= MNT_MAX_GRP)
		p->ana[ns->grp] = MNT_ANA_UNKNOWN;
	p->stale = true;
}

/* The path for a command on ns: a live one whose ANA state for the
 * namespace's group is optimized, else non-optimized; -1 if none. */
int mnt_path_pick(struct mnt *m, const struct mnt_ns *ns)
{
	int best = -1;
	unsigned int i;
	uint8_t st;

	for (i = 0; i < m->nr_paths; i++) {
		if (fcnvme_host_ctrl_state(m->paths[i].ctrl) != FCNVME_HOST_CTRL_LIVE)
			continue;
		st = ns->grp && ns->grp <= MNT_MAX_GRP ? m->paths[i].ana[ns->grp] : MNT_ANA_UNKNOWN;
		if (st == NVME_ANA_OPTIMIZED)
			return (int)i;
		if (st == NVME_ANA_NONOPTIMIZED && best < 0)
			best = (int)i;
	}
	return best;
}

/* Whether every path gave up. */
bool mnt_path_all_dead(struct mnt *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++)
		if (fcnvme_host_ctrl_state(m->paths[i].ctrl) != FCNVME_HOST_CTRL_DEAD)
			return false;
	return true;
}

/* A live controller for admin commands (the first path otherwise). */
struct fcnvme_host_ctrl *mnt_path_admin_ctrl(struct mnt *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++)
		if (fcnvme_host_ctrl_state(m->paths[i].ctrl) == FCNVME_HOST_CTRL_LIVE)
			return m->paths[i].ctrl;
	return m->ctrl;
}

/* Read path i's ANA log: its state of every group, and which group each
 * namespace is in. A group that became usable wakes the waiting ops. */
static void mnt_path_ana(struct mnt *m, unsigned int i)
{
	struct mnt_path *p = &m->paths[i];
	struct fcnvme_host_buf *buf;
	struct nvme_ana_rsp_hdr hdr;
	struct nvme_ana_group_desc d;
	size_t off = sizeof(hdr), len = 8192;
	uint32_t g, k, nsid;
	struct mnt_ns *ns;
	uint16_t n;
	uint8_t st;

	p->next_ana_ms = fcnvme_clock_ms() + (TAILQ_EMPTY(&m->waiting) ? MNT_RESCAN_MS : 200);
	if (fcnvme_host_buf_alloc(m->ctrl, len, &buf))
		return;
	if (fcnvme_get_log(m->x, p->ctrl, NVME_LOG_ANA, 0, (uint32_t)len, buf)) {
		fcnvme_host_buf_free(m->ctrl, buf);
		return;
	}
	p->stale = false;
	memcpy(&hdr, buf->addr, sizeof(hdr));
	for (n = 0; n < le16toh(hdr.ngrps) && off + sizeof(d) <= len; n++) {
		memcpy(&d, (const char *)buf->addr + off, sizeof(d));
		off += sizeof(d);
		g = le32toh(d.grpid);
		st = d.state & 0x0f;
		for (k = 0; k < le32toh(d.nnsids) && off + 4 <= len; k++, off += 4) {
			memcpy(&nsid, (const char *)buf->addr + off, 4);
			ns = mnt_ns_find(m, le32toh(nsid));
			if (ns)
				ns->grp = g;
		}
		if (!g || g > MNT_MAX_GRP || p->ana[g] == st)
			continue;
		if (p->ana[g] != MNT_ANA_UNKNOWN || st == NVME_ANA_OPTIMIZED)
			fprintf(stderr, "fcnvme mount: path %u: ANA group %u %s\n", i, g,
				st == NVME_ANA_OPTIMIZED      ? "optimized"
				: st == NVME_ANA_NONOPTIMIZED ? "non-optimized"
				: st == NVME_ANA_CHANGE	      ? "in transition"
							      : "inaccessible");
		p->ana[g] = st;
		if (st == NVME_ANA_OPTIMIZED || st == NVME_ANA_NONOPTIMIZED)
			m->path_gen++;
	}
	fcnvme_host_buf_free(m->ctrl, buf);
}

/* Poll every path; note state changes and refresh ANA logs when due. */
int mnt_path_poll_all(struct mnt *m)
{
	enum fcnvme_host_ctrl_state st;
	uint64_t now = fcnvme_clock_ms();
	unsigned int i;
	int busy = 0, r;

	for (i = 0; i < m->nr_paths; i++) {
		struct mnt_path *p = &m->paths[i];

		r = fcnvme_host_ctrl_poll(p->ctrl);
		if (r > 0)
			busy += r;
		st = fcnvme_host_ctrl_state(p->ctrl);
		if (st != p->seen) {
			p->seen = st;
			p->stale = true;
			m->path_gen++;
			memset(p->ana, MNT_ANA_UNKNOWN, sizeof(p->ana));
		}
		if (m->multipath && st == FCNVME_HOST_CTRL_LIVE &&
		    (p->stale || now >= p->next_ana_ms))
			mnt_path_ana(m, i);
	}
	return busy;
}

/* --multipath: a controller through every target port that has the
 * subsystem (at least one). */
int mnt_path_open_all(struct mnt *m)
{
	struct nvme_fc_remote_port *rps[16];
	struct fcnvme_ctx *x = m->x;
	int i, n;

	if (!x->o.subnqn) {
		fprintf(stderr, "fcnvme mount: say which subsystem: --nqn NQN\n");
		return -1;
	}
	if (fcnvme_start(x))
		return -1;
	n = fcnvme_host_rports(x->lport, rps, 16);
	for (i = 0; i < n && i < 16 && m->nr_paths < MNT_MAX_PATHS; i++) {
		struct mnt_path *p = &m->paths[m->nr_paths];

		if (!(rps[i]->port_role & FC_PORT_ROLE_NVME_TARGET))
			continue;
		if (fcnvme_connect(x, rps[i], x->o.subnqn, 1, &p->ctrl))
			continue;
		memset(p->ana, MNT_ANA_UNKNOWN, sizeof(p->ana));
		p->stale = true;
		p->seen = FCNVME_HOST_CTRL_LIVE;
		m->nr_paths++;
	}
	if (!m->nr_paths) {
		fprintf(stderr, "fcnvme mount: no target port offers %s\n", x->o.subnqn);
		fcnvme_stop(x);
		return -1;
	}
	m->ctrl = m->paths[0].ctrl;
	/* several controllers: state messages cannot name one's reason */
	if (m->nr_paths > 1)
		x->cur_ctrl = NULL;
	fprintf(stderr, "fcnvme mount: %u path(s) to %s\n", m->nr_paths, x->o.subnqn);
	return 0;
}
