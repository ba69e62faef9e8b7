// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme mount's FUSE side (mnt_fs_ops, libfuse3 low-level API): the
 * directory of ns<NSID> files and their attributes, and read, write,
 * fsync, fallocate and statfs turned into NVMe work (fcnvme_mount_op.c).
 * Runs on the mount's one thread (fcnvme_mount.c).
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

static void mnt_fs_fill_attr(struct mnt *m, fuse_ino_t ino, struct stat *st)
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

static void mnt_fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
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
		mnt_fs_fill_attr(m, e.ino, &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void mnt_fs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct mnt *m = fuse_req_userdata(req);
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID && !mnt_ns_of(m, ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	mnt_fs_fill_attr(m, ino, &st);
	fuse_reply_attr(req, &st, 1.0);
}

static void mnt_fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
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
	mnt_fs_fill_attr(m, ino, &st);
	fuse_reply_attr(req, &st, 1.0);
}

static void mnt_fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
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

static void mnt_fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
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
static void mnt_fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
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

static void mnt_fs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
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

static void mnt_fs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct mnt_op *op;

	(void)datasync;
	(void)fi;
	op = mnt_op_new(req, MNT_FLUSH, ino, 0, 0);
	if (op)
		mnt_op_start(op);
}

static void mnt_fs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
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

static void mnt_fs_statfs(fuse_req_t req, fuse_ino_t ino)
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

const struct fuse_lowlevel_ops mnt_fs_ops = {
	.lookup = mnt_fs_lookup,
	.getattr = mnt_fs_getattr,
	.setattr = mnt_fs_setattr,
	.readdir = mnt_fs_readdir,
	.open = mnt_fs_open,
	.read = mnt_fs_read,
	.write = mnt_fs_write,
	.fsync = mnt_fs_fsync,
	.fallocate = mnt_fs_fallocate,
	.statfs = mnt_fs_statfs,
};
