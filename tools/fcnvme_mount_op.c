// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme mount's asynchronous NVMe work (struct mnt_op): one FUSE request
 * becomes NVMe commands of at most max_xfer each on a live path, a
 * read-modify-write for a write that does not cover whole blocks, and a
 * reissue from the start after a path error; its answer goes back to FUSE
 * when the last command completes. Runs on the mount's one thread
 * (fcnvme_mount.c); writes are ordered by the namespace's wlock.
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

void mnt_op_finish(struct mnt_op *op)
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

static void mnt_op_done(void *arg, uint16_t status, const struct nvme_completion *cqe);

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
			mnt_op_done, op);
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

static void mnt_op_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
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
void mnt_op_start(struct mnt_op *op)
{
	struct mnt *m = op->m;
	enum fcnvme_host_ctrl_state st = fcnvme_host_ctrl_state(m->ctrl);
	int path = 0;

	op->retry = false;
	op->next_blk = 0;
	op->pending = 0;
	if (m->multipath) {
		path = mnt_path_pick(m, op->ns);
		st = path >= 0		    ? FCNVME_HOST_CTRL_LIVE
		     : mnt_path_all_dead(m) ? FCNVME_HOST_CTRL_DEAD
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
void mnt_op_begin(struct mnt_op *op)
{
	if (op->kind == MNT_WRITE || op->kind == MNT_ZEROES || op->kind == MNT_DEALLOC) {
		if (!fcnvme_rlock_acquire(&op->ns->wlock, &op->wrange, op->slba, op->nblocks,
					  op->rmw))
			return;
	}
	mnt_op_start(op);
}

struct mnt_op *mnt_op_new(fuse_req_t req, enum mnt_kind kind, fuse_ino_t ino, uint64_t off,
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

/* Reissue parked ops once the controller is live again (or fail them). */
void mnt_op_kick_waiting(struct mnt *m)
{
	enum fcnvme_host_ctrl_state st = fcnvme_host_ctrl_state(m->ctrl);
	TAILQ_HEAD(, mnt_op) batch;
	struct mnt_op *op;

	if (m->multipath) {
		/* retry when a path became usable (or all died) */
		if (m->kicked_gen == m->path_gen && !mnt_path_all_dead(m))
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
