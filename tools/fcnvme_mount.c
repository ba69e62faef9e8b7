// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme mount: a FUSE (libfuse3 low-level API) export of a subsystem's
 * namespaces: a directory with one file "ns<NSID>" per active namespace, of
 * exactly its size. read and write become NVMe Read and Write (with
 * read-modify-write for partial blocks), fsync becomes Flush, and
 * fallocate PUNCH_HOLE becomes Dataset Management (deallocate) and
 * ZERO_RANGE becomes Write Zeroes. While the controller reconnects (a
 * target restart) requests wait and are then reissued from the start; if it
 * gives up, they fail with EIO. SIGINT and SIGTERM unmount cleanly.
 *
 * Threads: one. The loop in fcnvme_cmd_mount() reads FUSE requests
 * (fuse_session_receive_buf/process_buf, not libfuse's multi-threaded
 * loop), so every mnt_* handler runs on it; it also polls the controllers,
 * and the host transport calls mnt_cmd_done() only from that poll (never
 * from inside fcnvme_host_submit()). Everything is asynchronous on that
 * thread: FUSE requests are answered from NVMe completions, and no state
 * here needs a lock.
 *
 * Writes to one namespace are ordered by its block-range lock (wlock,
 * fcnvme_rlock.h). A write that does not cover whole blocks is a
 * read-modify-write of its blocks; with several writes in flight (O_DIRECT
 * with iodepth > 1) two of them that share a block would both read the old
 * block and the second write-back would erase the first. So from its start
 * to its answer a write (and Write Zeroes, Deallocate) holds its block
 * span, a read-modify-write exclusively: it waits for every earlier write
 * on its blocks, and every later write on them waits for it. Whole-block
 * writes that overlap no read-modify-write start at once.
 *
 * --multipath connects to every target port that offers the subsystem (for
 * example several nvmetfcd nodes exporting the same namespaces) and sends
 * each command down a live path whose ANA state for the namespace's group
 * is optimized, else non-optimized. A path error or an ANA error status
 * marks that path's ANA information stale and reissues the request on
 * another path, or parks it until one is usable; the ANA log of every live
 * path is read again every second, and every 200 ms while requests wait.
 */
#define FUSE_USE_VERSION 35
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
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

#include "hw_host.h"
#include "fcnvme.h"
#include "fcnvme_rlock.h"

#define MNT_LIST_IDS	1024 /* NSIDs per Identify Active Namespace List page */
#define MNT_NAME_MAX	16
#define MNT_RESCAN_MS	1000 /* how often the namespace list is re-read */
#define MNT_MAX_PATHS	4
#define MNT_MAX_GRP	128
#define MNT_ANA_UNKNOWN 0xff

/* A namespace's file. Slots are never reordered (the inode is the slot
 * index + 2) and never move in memory (requests point at them); a namespace
 * that leaves the subsystem keeps its slot, marked gone, and gets it back if
 * it returns. There are as many slots as the subsystem has namespaces. */
struct mnt_ns {
	uint32_t nsid;
	uint32_t lbasz;
	uint64_t nblocks;
	uint32_t grp; /* ANA group (from the ANA log; 0: not known yet) */
	bool gone;    /* not in the active list any more */
	char name[MNT_NAME_MAX];
	/* The blocks of every write in flight or waiting to start, in
	 * arrival order (the ranges are those ops' wrange). Only the mount's
	 * loop thread touches it: taken in mnt_op_begin(), released in
	 * mnt_op_finish(). */
	struct fcnvme_rlock wlock;
};

enum mnt_kind {
	MNT_READ,
	MNT_WRITE,
	MNT_FLUSH,
	MNT_DEALLOC,
	MNT_ZEROES
};

struct mnt;

/* One FUSE request in flight (or waiting for the controller). */
struct mnt_op {
	TAILQ_ENTRY(mnt_op) link;
	struct mnt *m;
	fuse_req_t req;
	enum mnt_kind kind;
	struct mnt_ns *ns;
	uint64_t off; /* byte offset in the file */
	size_t len;
	uint64_t slba, nblocks;	     /* the aligned block span */
	struct fcnvme_host_buf *buf; /* span bytes (or DSM range) */
	const char *wdata;	     /* write: FUSE's buffer copy */
	char *wcopy;
	bool rmw;		       /* write: read the span first */
	unsigned int stage;	       /* 0 (read for rmw), 1 main */
	uint64_t next_blk;	       /* next block to issue */
	unsigned int pending;	       /* NVMe commands in flight */
	int err;		       /* errno to answer */
	bool retry;		       /* reissue from the start */
	struct fcnvme_host_ctrl *ctrl; /* the path this attempt uses */
	unsigned int path;
	/* write, zeroes, dealloc: its span in ns->wlock (exclusive for rmw),
	 * held from mnt_op_begin() through retries until mnt_op_finish() */
	struct fcnvme_rlock_range wrange;
};

/* One controller of the subsystem, through one target port. */
struct mnt_path {
	struct fcnvme_host_ctrl *ctrl;
	uint8_t ana[MNT_MAX_GRP + 1]; /* NVMe ANA state per group */
	bool stale;		      /* read its ANA log again soon */
	uint64_t next_ana_ms;
	enum fcnvme_host_ctrl_state seen; /* last state looked at */
};

struct mnt {
	struct fcnvme_ctx *x;
	struct fcnvme_host_ctrl *ctrl; /* paths[0]: buffers, single path */
	struct mnt_path paths[MNT_MAX_PATHS];
	unsigned int nr_paths;
	bool multipath;
	uint64_t path_gen, kicked_gen; /* a path became usable: retry */
	struct fuse_session *se;
	struct mnt_ns **ns; /* slots, each allocated once */
	unsigned int nr_ns, cap_ns;
	uint32_t max_xfer;
	TAILQ_HEAD(, mnt_op) waiting; /* for LIVE */
	unsigned int inflight;
};

static struct mnt_ns *mnt_ns_of(struct mnt *m, fuse_ino_t ino)
{
	if (ino < 2 || ino - 2 >= m->nr_ns || m->ns[ino - 2]->gone)
		return NULL;
	return m->ns[ino - 2];
}

static void mnt_fill_attr(struct mnt *m, fuse_ino_t ino, struct stat *st)
{
	struct mnt_ns *ns = mnt_ns_of(m, ino);

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return;
	}
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_size = (off_t)(ns->nblocks * ns->lbasz);
	st->st_blksize = (blksize_t)ns->lbasz;
	st->st_blocks = (blkcnt_t)(ns->nblocks * ns->lbasz / 512);
}

static void mnt_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct mnt *m = fuse_req_userdata(req);
	struct fuse_entry_param e;
	unsigned int i;

	if (parent != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	for (i = 0; i < m->nr_ns; i++) {
		if (m->ns[i]->gone || strcmp(name, m->ns[i]->name))
			continue;
		memset(&e, 0, sizeof(e));
		e.ino = i + 2;
		e.attr_timeout = 1.0;
		e.entry_timeout = 1.0;
		mnt_fill_attr(m, e.ino, &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void mnt_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID && !mnt_ns_of(m, ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	mnt_fill_attr(m, ino, &st);
	fuse_reply_attr(req, &st, 1.0);
}

static void mnt_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
			struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);
	struct mnt_ns *ns = mnt_ns_of(m, ino);
	struct stat st;

	(void)fi;
	/* a namespace has a fixed size; times and modes are not kept */
	if (!ns ||
	    ((to_set & FUSE_SET_ATTR_SIZE) && (uint64_t)attr->st_size != ns->nblocks * ns->lbasz)) {
		fuse_reply_err(req, ns ? EPERM : ENOENT);
		return;
	}
	mnt_fill_attr(m, ino, &st);
	fuse_reply_attr(req, &st, 1.0);
}

static void mnt_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);
	char *buf;
	size_t used = 0;
	unsigned int i;

	(void)fi;
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = calloc(1, size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (i = (unsigned int)off; i < m->nr_ns + 2; i++) {
		struct stat st;
		const char *name = i == 0 ? "." : i == 1 ? ".." : m->ns[i - 2]->name;
		size_t n;

		if (i >= 2 && m->ns[i - 2]->gone)
			continue;
		memset(&st, 0, sizeof(st));
		st.st_ino = i < 2 ? FUSE_ROOT_ID : i;
		st.st_mode = i < 2 ? S_IFDIR : S_IFREG;
		n = fuse_add_direntry(req, buf + used, size - used, name, &st, (off_t)i + 1);
		if (n > size - used)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void mnt_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);

	if (!mnt_ns_of(m, ino)) {
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
		return;
	}
	if (fi->flags & O_TRUNC) {
		fuse_reply_err(req, EPERM);
		return;
	}
	fi->direct_io = 1; /* every read and write reaches the target */
	fuse_reply_open(req, fi);
}

/* ---- asynchronous NVMe work --------------------------------------------- */

static void mnt_op_start(struct mnt_op *op);

static void mnt_op_finish(struct mnt_op *op)
{
	struct mnt *m = op->m;
	struct fcnvme_rlock_list granted;
	struct fcnvme_rlock_range *r;

	/* the blocks are written (or the write failed): let the writes
	 * that waited for them start, once op is gone */
	TAILQ_INIT(&granted);
	fcnvme_rlock_release(&op->ns->wlock, &op->wrange, &granted);
	m->inflight--;
	if (op->err)
		fuse_reply_err(op->req, op->err);
	else if (op->kind == MNT_READ)
		fuse_reply_buf(op->req,
			       (char *)op->buf->addr + (op->off - op->slba * op->ns->lbasz),
			       op->len);
	else if (op->kind == MNT_WRITE)
		fuse_reply_write(op->req, op->len);
	else
		fuse_reply_err(op->req, 0);
	if (op->buf)
		fcnvme_host_buf_free(m->ctrl, op->buf);
	free(op->wcopy);
	free(op);
	while ((r = TAILQ_FIRST(&granted))) {
		TAILQ_REMOVE(&granted, r, grant);
		mnt_op_start((struct mnt_op *)((char *)r - offsetof(struct mnt_op, wrange)));
	}
}

static void mnt_op_wait(struct mnt_op *op)
{
	TAILQ_INSERT_TAIL(&op->m->waiting, op, link);
}

static void mnt_cmd_done(void *arg, uint16_t status, const struct nvme_completion *cqe);

/* The path's ANA information for ns is no longer to be trusted. */
static void mnt_path_stale(struct mnt *m, unsigned int i, const struct mnt_ns *ns)
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
static int mnt_path_pick(struct mnt *m, const struct mnt_ns *ns)
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
static bool mnt_all_dead(struct mnt *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_paths; i++)
		if (fcnvme_host_ctrl_state(m->paths[i].ctrl) != FCNVME_HOST_CTRL_DEAD)
			return false;
	return true;
}

/* Issue the commands of the current stage, up to max_xfer each. */
static void mnt_op_issue(struct mnt_op *op)
{
	struct mnt *m = op->m;
	uint32_t per = m->max_xfer / op->ns->lbasz;
	struct nvme_command c;
	int rc;

	if (op->kind == MNT_ZEROES)
		per = 65536; /* NLB is 16 bits; no data moves */
	while (op->next_blk < op->nblocks || (op->kind == MNT_FLUSH && op->next_blk == 0)) {
		uint64_t nb = op->nblocks - op->next_blk;
		bool rd = op->kind == MNT_READ || (op->kind == MNT_WRITE && op->stage == 0);
		uint32_t len = 0;

		if (nb > per)
			nb = per;
		memset(&c, 0, sizeof(c));
		c.rw.nsid = htole32(op->ns->nsid);
		switch (op->kind) {
		case MNT_FLUSH:
			c.common.opcode = nvme_cmd_flush;
			nb = 1;
			break;
		case MNT_DEALLOC:
			c.common.opcode = nvme_cmd_dsm;
			c.common.cdw10 = htole32(0);	   /* one range */
			c.common.cdw11 = htole32(1u << 2); /* AD */
			len = 16;
			nb = op->nblocks ? op->nblocks : 1;
			break;
		case MNT_ZEROES:
			c.rw.opcode = nvme_cmd_write_zeroes;
			c.rw.slba = htole64(op->slba + op->next_blk);
			c.rw.length = htole16((uint16_t)(nb - 1));
			break;
		default:
			c.rw.opcode = rd ? nvme_cmd_read : nvme_cmd_write;
			c.rw.slba = htole64(op->slba + op->next_blk);
			c.rw.length = htole16((uint16_t)(nb - 1));
			len = (uint32_t)nb * op->ns->lbasz;
			break;
		}
		rc = fcnvme_host_submit(
			op->ctrl, 1, &c, op->buf,
			op->kind == MNT_DEALLOC ? 0 : (size_t)op->next_blk * op->ns->lbasz, len,
			mnt_cmd_done, op);
		if (rc == -EBUSY && op->pending)
			return; /* queue full: continue on completion */
		if (rc == -EBUSY) {
			mnt_op_wait(op); /* nothing in flight: retry soon */
			return;
		}
		if (rc) {
			op->retry = true; /* not live: wait and redo */
			break;
		}
		op->pending++;
		op->next_blk += nb;
	}
	if (!op->pending) {
		/* The controller refused the command although it looked live
		 * (it is going down): park the op; the main loop restarts it
		 * once the controller is live again. Restarting it here would
		 * recurse for as long as the controller keeps refusing. */
		if (op->retry)
			mnt_op_wait(op);
		else
			mnt_op_finish(op);
	}
}

static void mnt_cmd_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct mnt_op *op = arg;

	(void)cqe;
	op->pending--;
	if (status == NVME_SC_HOST_PATH_ERROR || status == NVME_SC_HOST_ABORTED_CMD) {
		op->retry = true; /* path trouble: redo once live */
		mnt_path_stale(op->m, op->path, op->ns);
	} else if (op->m->multipath && (status & 0x7ff) >= NVME_SC_ANA_PERSISTENT_LOSS &&
		   (status & 0x7ff) <= NVME_SC_ANA_TRANSITION) {
		op->retry = true; /* this path cannot serve it now: another */
		mnt_path_stale(op->m, op->path, op->ns);
	} else if (status && !op->err) {
		op->err = EIO;
	}
	if (op->pending)
		return;
	if (op->retry || op->err) {
		if (op->retry && !op->err)
			mnt_op_start(op);
		else
			mnt_op_finish(op);
		return;
	}
	if (op->next_blk < op->nblocks) {
		mnt_op_issue(op);
		return;
	}
	if (op->kind == MNT_WRITE && op->stage == 0) {
		/* the span is read: lay the new bytes over it, write it */
		memcpy((char *)op->buf->addr + (op->off - op->slba * op->ns->lbasz), op->wcopy,
		       op->len);
		op->stage = 1;
		op->next_blk = 0;
		mnt_op_issue(op);
		return;
	}
	mnt_op_finish(op);
}

/* (Re)start an op from its first command, or park it until LIVE. */
static void mnt_op_start(struct mnt_op *op)
{
	struct mnt *m = op->m;
	enum fcnvme_host_ctrl_state st = fcnvme_host_ctrl_state(m->ctrl);
	int path = 0;

	op->retry = false;
	op->next_blk = 0;
	op->pending = 0;
	if (m->multipath) {
		path = mnt_path_pick(m, op->ns);
		st = path >= 0	       ? FCNVME_HOST_CTRL_LIVE
		     : mnt_all_dead(m) ? FCNVME_HOST_CTRL_DEAD
				       : FCNVME_HOST_CTRL_CONNECTING;
	}
	if (st == FCNVME_HOST_CTRL_DEAD) {
		op->err = EIO;
		mnt_op_finish(op);
		return;
	}
	if (st != FCNVME_HOST_CTRL_LIVE) {
		mnt_op_wait(op);
		return;
	}
	op->path = (unsigned int)path;
	op->ctrl = m->paths[path].ctrl;
	op->stage = op->kind == MNT_WRITE && op->rmw ? 0 : 1;
	if (op->kind == MNT_WRITE && !op->rmw)
		memcpy(op->buf->addr, op->wcopy, op->len);
	mnt_op_issue(op);
}

/* Start a new op: a write first takes its blocks in the namespace's
 * wlock (and starts when they are granted, from mnt_op_finish() of the
 * write it waits for). */
static void mnt_op_begin(struct mnt_op *op)
{
	if (op->kind == MNT_WRITE || op->kind == MNT_ZEROES || op->kind == MNT_DEALLOC) {
		if (!fcnvme_rlock_acquire(&op->ns->wlock, &op->wrange, op->slba, op->nblocks,
					  op->rmw))
			return;
	}
	mnt_op_start(op);
}

static struct mnt_op *mnt_op_new(fuse_req_t req, enum mnt_kind kind, fuse_ino_t ino, uint64_t off,
				 size_t len)
{
	struct mnt *m = fuse_req_userdata(req);
	struct mnt_ns *ns = mnt_ns_of(m, ino);
	uint64_t size, end;
	struct mnt_op *op;
	size_t blen;

	if (!ns) {
		fuse_reply_err(req, ENOENT);
		return NULL;
	}
	size = ns->nblocks * ns->lbasz;
	if (kind != MNT_FLUSH && (off > size || len > size - off)) {
		fuse_reply_err(req, kind == MNT_WRITE ? EFBIG : EINVAL);
		return NULL;
	}
	op = calloc(1, sizeof(*op));
	if (!op) {
		fuse_reply_err(req, ENOMEM);
		return NULL;
	}
	op->m = m;
	op->req = req;
	op->kind = kind;
	op->ns = ns;
	op->off = off;
	op->len = len;
	op->slba = off / ns->lbasz;
	end = (off + len + ns->lbasz - 1) / ns->lbasz;
	op->nblocks = kind == MNT_FLUSH ? 0 : end - op->slba;
	blen = kind == MNT_DEALLOC		       ? 16
	       : kind == MNT_READ || kind == MNT_WRITE ? (size_t)op->nblocks * ns->lbasz
						       : 0;
	if (blen && fcnvme_host_buf_alloc(m->ctrl, blen, &op->buf)) {
		free(op);
		fuse_reply_err(req, ENOMEM);
		return NULL;
	}
	if (kind == MNT_DEALLOC) {
		uint8_t *r = op->buf->addr;
		uint32_t nlb = htole32((uint32_t)op->nblocks);
		uint64_t slba = htole64(op->slba);

		memcpy(r + 4, &nlb, 4);
		memcpy(r + 8, &slba, 8);
	}
	m->inflight++;
	return op;
}

static void mnt_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);
	struct mnt_ns *ns = mnt_ns_of(m, ino);
	struct mnt_op *op;

	(void)fi;
	if (ns && (uint64_t)off < ns->nblocks * ns->lbasz &&
	    size > ns->nblocks * ns->lbasz - (uint64_t)off)
		size = (size_t)(ns->nblocks * ns->lbasz - (uint64_t)off);
	if (ns && (uint64_t)off >= ns->nblocks * ns->lbasz) {
		fuse_reply_buf(req, NULL, 0); /* EOF */
		return;
	}
	if (size == 0) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	op = mnt_op_new(req, MNT_READ, ino, (uint64_t)off, size);
	if (op)
		mnt_op_start(op);
}

static void mnt_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	struct mnt_op *op;

	(void)fi;
	if (size == 0) {
		fuse_reply_write(req, 0);
		return;
	}
	op = mnt_op_new(req, MNT_WRITE, ino, (uint64_t)off, size);
	if (!op)
		return;
	op->wcopy = malloc(size);
	if (!op->wcopy) {
		op->err = ENOMEM;
		mnt_op_finish(op);
		return;
	}
	memcpy(op->wcopy, buf, size);
	op->rmw = op->off % op->ns->lbasz || (op->off + size) % op->ns->lbasz;
	mnt_op_begin(op);
}

static void mnt_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct mnt_op *op;

	(void)datasync;
	(void)fi;
	op = mnt_op_new(req, MNT_FLUSH, ino, 0, 0);
	if (op)
		mnt_op_start(op);
}

static void mnt_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
			  struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);
	struct mnt_ns *ns = mnt_ns_of(m, ino);
	struct mnt_op *op;
	enum mnt_kind kind;

	(void)fi;
	if (!ns) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (mode == 0) { /* allocate: the space always exists */
		fuse_reply_err(
			req, (uint64_t)off + (uint64_t)len <= ns->nblocks * ns->lbasz ? 0 : EFBIG);
		return;
	}
	if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		kind = MNT_DEALLOC;
	else if (mode == FALLOC_FL_ZERO_RANGE ||
		 mode == (FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE))
		kind = MNT_ZEROES;
	else {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	if (off < 0 || len <= 0 || (uint64_t)off % ns->lbasz || (uint64_t)len % ns->lbasz) {
		fuse_reply_err(req, EINVAL); /* whole blocks only */
		return;
	}
	op = mnt_op_new(req, kind, ino, (uint64_t)off, (size_t)len);
	if (op)
		mnt_op_begin(op);
}

static void mnt_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct mnt *m = fuse_req_userdata(req);
	struct statvfs sv;
	unsigned int i;

	(void)ino;
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 512;
	sv.f_frsize = 512;
	for (i = 0; i < m->nr_ns; i++)
		if (!m->ns[i]->gone)
			sv.f_blocks += m->ns[i]->nblocks * m->ns[i]->lbasz / 512;
	sv.f_files = m->nr_ns + 1;
	sv.f_namemax = MNT_NAME_MAX;
	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops mnt_ops = {
	.lookup = mnt_lookup,
	.getattr = mnt_getattr,
	.setattr = mnt_setattr,
	.readdir = mnt_readdir,
	.open = mnt_open,
	.read = mnt_read,
	.write = mnt_write,
	.fsync = mnt_fsync,
	.fallocate = mnt_fallocate,
	.statfs = mnt_statfs,
};

/* Reissue parked ops once the controller is live again (or fail them). */
static void mnt_kick_waiting(struct mnt *m)
{
	enum fcnvme_host_ctrl_state st = fcnvme_host_ctrl_state(m->ctrl);
	TAILQ_HEAD(, mnt_op) batch;
	struct mnt_op *op;

	if (m->multipath) {
		/* retry when a path became usable (or all died) */
		if (m->kicked_gen == m->path_gen && !mnt_all_dead(m))
			return;
		st = FCNVME_HOST_CTRL_LIVE;
		m->kicked_gen = m->path_gen;
	}
	if ((st != FCNVME_HOST_CTRL_LIVE && st != FCNVME_HOST_CTRL_DEAD) ||
	    TAILQ_EMPTY(&m->waiting))
		return;
	/* one pass: an op that parks itself again waits for the next */
	TAILQ_INIT(&batch);
	TAILQ_CONCAT(&batch, &m->waiting, link);
	while ((op = TAILQ_FIRST(&batch))) {
		TAILQ_REMOVE(&batch, op, link);
		mnt_op_start(op);
	}
}

/* The slot of nsid, gone or not, or NULL. */
static struct mnt_ns *mnt_ns_find(struct mnt *m, uint32_t nsid)
{
	unsigned int i;

	for (i = 0; i < m->nr_ns; i++)
		if (m->ns[i]->nsid == nsid)
			return m->ns[i];
	return NULL;
}

/* A live controller for admin commands (the first path otherwise). */
static struct fcnvme_host_ctrl *mnt_admin_ctrl(struct mnt *m)
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
static int mnt_paths_poll(struct mnt *m)
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

/*
 * Make the files follow the subsystem: read the active namespace list,
 * mark namespaces that left as gone, add new ones, refresh sizes (a
 * namespace may have grown). quiet: no messages (the periodic rescan while
 * the controller is not live). Returns the number of usable namespaces, or
 * -1 if the list could not be read.
 */
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
static int mnt_active_ids(struct mnt *m, bool quiet, uint32_t **idsp)
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
		rc = fcnvme_identify(m->x, mnt_admin_ctrl(m), 2, after, nsl);
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
static int mnt_rescan(struct mnt *m, bool quiet)
{
	struct fcnvme_host_ctrl_info info;
	unsigned int i, j, n, usable = 0;
	struct mnt_ns *ns;
	uint32_t *ids;
	int got;

	fcnvme_host_ctrl_get_info(mnt_admin_ctrl(m), &info);
	m->max_xfer = info.max_xfer;
	got = mnt_active_ids(m, quiet, &ids);
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
		if (fcnvme_ns_geometry(m->x, mnt_admin_ctrl(m), ns->nsid, &ns->lbasz, &ns->nblocks))
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

static int mnt_load_ns(struct mnt *m)
{
	if (mnt_rescan(m, false) <= 0) {
		fprintf(stderr, "fcnvme mount: the subsystem has no usable "
				"namespace\n");
		return -1;
	}
	return 0;
}

/* --multipath: a controller through every target port that has the
 * subsystem (at least one). */
static int mnt_open_paths(struct mnt *m)
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

enum {
	MNT_KEY_FUSE_OPT = 0x300,
	MNT_KEY_MULTIPATH,
};

const struct cli_opt fcnvme_mount_opts[] = {
	{ "--fuse-opt", NULL, "OPT", "Pass -o OPT to FUSE (e.g. allow_other).", NULL, 0,
	  MNT_KEY_FUSE_OPT },
	{ "--multipath", NULL, NULL,
	  "Every target port that offers the subsystem is a path; ANA picks the one to use "
	  "(several nvmetfcd nodes).",
	  NULL, 0, MNT_KEY_MULTIPATH },
	{ "--foreground", "-f", NULL,
	  "Accepted for compatibility: mount always runs in the "
	  "foreground.",
	  NULL, CLI_OPT_HIDDEN, 'f' },
	FCNVME_OPT_END,
};

struct mnt_args {
	struct mnt *m;
	struct fuse_args *args;
};

static int mnt_opt(void *arg, int key, const char *val)
{
	struct mnt_args *a = arg;

	switch (key) {
	case 'f':
		return 1;
	case MNT_KEY_MULTIPATH:
		a->m->multipath = true;
		return 1;
	case MNT_KEY_FUSE_OPT:
		if (fuse_opt_add_arg(a->args, "-o") || fuse_opt_add_arg(a->args, val)) {
			fcnvme_fail(a->m->x, -1, "out of memory");
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

/* fcnvme mount */
int fcnvme_cmd_mount(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_buf fbuf = { .mem = NULL };
	struct fcnvme_ctx x;
	struct mnt m;
	struct mnt_args ma = { .m = &m, .args = &args };
	const char *mountpoint;
	uint64_t next_scan = 0;
	int rc, ret = 1;

	memset(&m, 0, sizeof(m));
	TAILQ_INIT(&m.waiting);
	fcnvme_opts_init(&x, "mount");
	x.o.ctrl_loss_tmo_s = INT32_MIN; /* not given: retry forever (below) */
	m.x = &x;
	if (fuse_opt_add_arg(&args, "fcnvme"))
		return 1;
	rc = fcnvme_parse(&x, argc, argv, mnt_opt, &ma);
	if (rc) {
		fuse_opt_free_args(&args);
		return rc == 1 ? 0 : 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "fcnvme mount: give exactly one mount point\n");
		cli_doc_try_help(stderr, fcnvme_prog(), fcnvme_cli_cmd("mount"));
		fuse_opt_free_args(&args);
		return 2;
	}
	mountpoint = argv[optind];
	if (x.o.ctrl_loss_tmo_s == INT32_MIN)
		x.o.ctrl_loss_tmo_s = -1;
	if (m.multipath ? mnt_open_paths(&m) : fcnvme_open_subsys(&x, 1, &m.ctrl))
		goto out_args;
	if (!m.multipath) {
		m.paths[0].ctrl = m.ctrl;
		m.nr_paths = 1;
	}
	m.paths[0].seen = FCNVME_HOST_CTRL_LIVE;
	if (mnt_load_ns(&m))
		goto out_disc;
	mnt_paths_poll(&m); /* the ANA logs, before the first request */
	m.se = fuse_session_new(&args, &mnt_ops, sizeof(mnt_ops), &m);
	if (!m.se) {
		fprintf(stderr, "fcnvme mount: cannot create a FUSE session\n");
		goto out_disc;
	}
	if (fuse_set_signal_handlers(m.se)) {
		fprintf(stderr, "fcnvme mount: cannot install signal handlers\n");
		goto out_session;
	}
	if (fuse_session_mount(m.se, mountpoint)) {
		fprintf(stderr, "fcnvme mount: cannot mount on %s\n", mountpoint);
		goto out_signals;
	}
	fprintf(stderr, "fcnvme mount: %u namespace(s) of %s on %s\n", m.nr_ns, x.o.subnqn,
		mountpoint);
	x.report_states = true;
	while (!fuse_session_exited(m.se)) {
		struct pollfd pfd[2] = {
			{ .fd = fuse_session_fd(m.se), .events = POLLIN },
			{ .fd = hw_host_port_event_fd(x.port), .events = POLLIN },
		};
		int busy = mnt_paths_poll(&m);

		hw_host_port_process(x.port);
		mnt_kick_waiting(&m);
		/* Follow namespace changes (there is no AEN support yet). */
		if (fcnvme_host_ctrl_state(mnt_admin_ctrl(&m)) == FCNVME_HOST_CTRL_LIVE &&
		    fcnvme_clock_ms() >= next_scan) {
			mnt_rescan(&m, true);
			next_scan = fcnvme_clock_ms() + MNT_RESCAN_MS;
		}
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, busy > 0 || m.inflight ? 0 : 5) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			int r = fuse_session_receive_buf(m.se, &fbuf);

			if (r == -EINTR || r == -EAGAIN)
				continue;
			if (r <= 0)
				break;
			fuse_session_process_buf(m.se, &fbuf);
		}
	}
	/* answer whatever is still waiting, then leave */
	while (m.inflight && fcnvme_host_ctrl_state(mnt_admin_ctrl(&m)) == FCNVME_HOST_CTRL_LIVE) {
		hw_host_port_process(x.port);
		mnt_paths_poll(&m);
	}
	ret = 0;
	fuse_session_unmount(m.se);
out_signals:
	fuse_remove_signal_handlers(m.se);
out_session:
	fuse_session_destroy(m.se);
	free(fbuf.mem);
out_disc:
	/* the state messages name the controller going down (x.cur_ctrl
	 * must not point at one already freed) */
	while (m.nr_paths > 1) {
		x.cur_ctrl = m.paths[--m.nr_paths].ctrl;
		fcnvme_disconnect(&x, x.cur_ctrl);
	}
	x.cur_ctrl = m.ctrl;
	fcnvme_disconnect(&x, m.ctrl);
	fcnvme_stop(&x);
	while (m.nr_ns)
		free(m.ns[--m.nr_ns]);
	free(m.ns);
out_args:
	fuse_opt_free_args(&args);
	return ret;
}
