// SPDX-License-Identifier: Apache-2.0
/*
 * The file backend: a regular file or a block device. Reads, writes and
 * flushes go through the calling I/O thread's io_uring (one ring per thread,
 * set up by tgt_hwq_start(), submitted and reaped in tgt_hwq_poll()); on a
 * thread without a ring they run synchronously. Flush is fdatasync, FUA a
 * RWF_DSYNC write; Write Zeroes and Deallocate use fallocate on files and
 * BLKZEROOUT / BLKDISCARD on block devices. Optional O_DIRECT. A backing
 * file is opened, never created, unless the namespace asks for create.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <liburing.h>

#include <fcnvme/nvmet_fc_core.h>

#include "backend.h"
#include "core/tgt_priv.h"

#define FILE_RING_DEPTH 256
#define FILE_SCRATCH	TGT_MAX_XFER

struct file_be {
	struct backend be;
	int fd;
	bool blkdev;
	bool writable; /* opened O_RDWR */
	uint64_t size;
};

/* Per I/O thread: its ring and a scratch buffer for Compare. */
struct file_thread {
	struct io_uring ring;
	bool ring_ok;
	unsigned int queued;   /* SQEs not yet submitted */
	unsigned int inflight; /* submitted, not reaped */
	uint8_t *scratch;
};

static __thread struct file_thread *file_thr;

static int file_open(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size, char *err,
		     size_t errlen)
{
	struct file_be *fb;
	struct stat st;
	uint64_t sz;
	int flags = O_RDWR;
	int rc;

	if (!p->path || !*p->path) {
		tgt_err(err, errlen, "a file namespace needs a path");
		return -EINVAL;
	}
	if (p->direct)
		flags |= O_DIRECT;
	if (p->create && (p->readonly || !p->size)) {
		tgt_err(err, errlen, "creating %s needs a size and a writable namespace", p->path);
		return -EINVAL;
	}
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return -ENOMEM;
	/* A missing backing file is an error: creating it would put a data
	 * disk that is not mounted yet on whatever file system holds the
	 * mount point. Only an explicit create makes one (never replaces). */
	fb->fd = open(p->path, flags | O_CLOEXEC);
	if (fb->fd < 0 && errno == ENOENT && p->create)
		fb->fd = open(p->path, flags | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	/* A read-only namespace on a writable medium keeps it open for
	 * writing, so that read_only can be turned off in place. */
	if (fb->fd >= 0)
		fb->writable = true;
	else if (p->readonly && errno != ENOENT)
		fb->fd = open(p->path, (flags & ~O_ACCMODE) | O_RDONLY | O_CLOEXEC);
	if (fb->fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			tgt_err(err, errlen,
				"cannot open %s: %s (backing files are never created implicitly: "
				"create it, or set create = true)",
				p->path, strerror(-rc));
		else
			tgt_err(err, errlen, "cannot open %s: %s", p->path, strerror(-rc));
		goto out_free_fb;
	}
	if (fstat(fb->fd, &st)) {
		rc = -errno;
		tgt_err(err, errlen, "cannot stat %s: %s", p->path, strerror(-rc));
		goto out_close_fd;
	}
	if (S_ISBLK(st.st_mode)) {
		fb->blkdev = true;
		if (ioctl(fb->fd, BLKGETSIZE64, &sz)) {
			rc = -errno;
			tgt_err(err, errlen, "cannot size %s: %s", p->path, strerror(-rc));
			goto out_close_fd;
		}
		if (p->size > sz) {
			rc = -EINVAL;
			tgt_err(err, errlen, "%s holds %llu bytes, less than the size asked",
				p->path, (unsigned long long)sz);
			goto out_close_fd;
		}
	} else if (S_ISREG(st.st_mode)) {
		sz = (uint64_t)st.st_size;
		if (p->size > sz) {
			if (p->readonly) {
				rc = -EINVAL;
				tgt_err(err, errlen,
					"%s is smaller than the size asked and read-only", p->path);
				goto out_close_fd;
			}
			if (ftruncate(fb->fd, (off_t)p->size)) {
				rc = -errno;
				tgt_err(err, errlen, "cannot extend %s: %s", p->path,
					strerror(-rc));
				goto out_close_fd;
			}
			sz = p->size;
		}
	} else {
		rc = -EINVAL;
		tgt_err(err, errlen, "%s is neither a regular file nor a block device", p->path);
		goto out_close_fd;
	}
	if (p->size)
		sz = p->size;
	if (!sz) {
		rc = -EINVAL;
		tgt_err(err, errlen, "%s is empty; give a size", p->path);
		goto out_close_fd;
	}
	fb->size = sz;
	fb->be.ops = &backend_file_ops;
	fb->be.writable = fb->writable;
	fb->be.zeroes_dealloc = !fb->blkdev;
	*bep = &fb->be;
	*size = sz;
	return 0;

out_close_fd:
	close(fb->fd);
out_free_fb:
	free(fb);
	return rc;
}

static int file_grow(struct backend *be, uint64_t size, uint64_t *size_out, char *err,
		     size_t errlen)
{
	struct file_be *fb = (struct file_be *)be;
	struct stat st;
	uint64_t cur;

	if (fb->blkdev) {
		if (ioctl(fb->fd, BLKGETSIZE64, &cur))
			return -errno;
	} else {
		if (fstat(fb->fd, &st))
			return -errno;
		cur = (uint64_t)st.st_size;
	}
	if (!size)
		size = cur;
	if (size > cur) {
		if (fb->blkdev) {
			tgt_err(err, errlen, "the block device holds only %llu bytes",
				(unsigned long long)cur);
			return -ENOSPC;
		}
		if (ftruncate(fb->fd, (off_t)size)) {
			int rc = -errno;

			tgt_err(err, errlen, "cannot extend the file: %s", strerror(-rc));
			return rc;
		}
	}
	fb->size = size;
	*size_out = size;
	return 0;
}

/* O_DIRECT on or off for the I/O submitted from now on. */
static int file_set_direct(struct backend *be, bool direct, char *err, size_t errlen)
{
	struct file_be *fb = (struct file_be *)be;
	int fl = fcntl(fb->fd, F_GETFL), rc;

	if (fl < 0 || fcntl(fb->fd, F_SETFL, direct ? fl | O_DIRECT : fl & ~O_DIRECT) != 0) {
		rc = -errno;
		tgt_err(err, errlen, "cannot turn O_DIRECT %s: %s", direct ? "on" : "off",
			strerror(-rc));
		return rc;
	}
	return 0;
}

static void file_close(struct backend *be)
{
	struct file_be *fb = (struct file_be *)be;

	close(fb->fd);
	free(fb);
}

/* ---- synchronous operations --------------------------------------------- */

static int file_rw_sync(int fd, void *buf, uint64_t len, uint64_t off, bool write, int rwf)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		struct iovec iov = { .iov_base = p, .iov_len = len };

		if (write)
			n = pwritev2(fd, &iov, 1, (off_t)off, rwf);
		else
			n = preadv2(fd, &iov, 1, (off_t)off, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			if (write)
				return -EIO;
			memset(p, 0, len); /* past the end of file */
			return 0;
		}
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static int file_zero_sync(struct file_be *fb, uint64_t off, uint64_t len, bool discard)
{
	uint64_t range[2] = { off, len };
	static const uint8_t zero[4096] __attribute__((aligned(4096)));
	uint64_t n;
	int rc;

	if (fb->blkdev) {
		if (!ioctl(fb->fd, discard ? BLKDISCARD : BLKZEROOUT, range))
			return 0;
		if (discard)
			return 0; /* advisory */
		return -errno;
	}
	if (!fallocate(fb->fd,
		       discard ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
			       : FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
		       (off_t)off, (off_t)len))
		return 0;
	if (!fallocate(fb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len))
		return 0;
	/* No hole punching here: write zeroes (O_DIRECT-safe alignment is
	 * the caller's LBA alignment; zero is page aligned in practice). */
	while (len) {
		n = len < sizeof(zero) ? len : sizeof(zero);
		rc = file_rw_sync(fb->fd, (void *)(uintptr_t)zero, n, off, true, 0);
		if (rc)
			return rc;
		off += n;
		len -= n;
	}
	return 0;
}

static uint16_t file_status(enum backend_op op, int rc)
{
	if (!rc)
		return NVME_SC_SUCCESS;
	switch (op) {
	case BE_READ:
	case BE_COMPARE:
		return NVME_SC_READ_ERROR;
	case BE_WRITE:
	case BE_WRITE_FUA:
	case BE_WRITE_ZEROES:
		return NVME_SC_WRITE_FAULT;
	default:
		return NVME_SC_INTERNAL;
	}
}

static uint16_t file_compare(struct file_be *fb, struct nvmet_fc_req *req, uint64_t off,
			     uint64_t len)
{
	bool own = !file_thr || len > FILE_SCRATCH;
	uint8_t *scratch;
	int rc;

	if (own) {
		/* A thread without tgt_hwq_start (tests, [ctl]), or a port
		 * whose mdts exceeds the per-thread scratch buffer. */
		scratch = aligned_alloc(4096, (len + 4095) & ~4095ull);
		if (!scratch)
			return NVME_SC_INTERNAL;
	} else {
		scratch = file_thr->scratch;
	}
	rc = file_rw_sync(fb->fd, scratch, len, off, false, 0);
	if (!rc && memcmp(scratch, req->data, len))
		rc = 1;
	if (own)
		free(scratch);
	if (rc > 0)
		return NVME_SC_COMPARE_FAILED;
	return file_status(BE_COMPARE, rc);
}

/* ---- io_uring path ------------------------------------------------------ */

static uint16_t file_submit_ring(struct file_be *fb, struct nvmet_fc_req *req, enum backend_op op,
				 uint64_t off, uint32_t len)
{
	struct io_uring_sqe *sqe;

	sqe = io_uring_get_sqe(&file_thr->ring);
	if (!sqe) {
		io_uring_submit(&file_thr->ring);
		file_thr->inflight += file_thr->queued;
		file_thr->queued = 0;
		sqe = io_uring_get_sqe(&file_thr->ring);
		if (!sqe)
			return NVME_SC_INTERNAL;
	}
	switch (op) {
	case BE_READ:
		io_uring_prep_read(sqe, fb->fd, req->data, len, off);
		break;
	case BE_WRITE:
		io_uring_prep_write(sqe, fb->fd, req->data, len, off);
		break;
	case BE_WRITE_FUA:
		io_uring_prep_write(sqe, fb->fd, req->data, len, off);
		sqe->rw_flags = RWF_DSYNC;
		break;
	default:
		io_uring_prep_fsync(sqe, fb->fd, IORING_FSYNC_DATASYNC);
		break;
	}
	req_ctx(req)->aux = (uint64_t)op | ((uint64_t)len << 8);
	io_uring_sqe_set_data(sqe, req);
	file_thr->queued++;
	return BE_PENDING;
}

static uint16_t file_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			    uint64_t off, uint64_t len)
{
	struct file_be *fb = (struct file_be *)be;
	int rc;

	switch (op) {
	case BE_READ:
	case BE_WRITE:
	case BE_WRITE_FUA:
	case BE_FLUSH:
		if (file_thr && file_thr->ring_ok)
			return file_submit_ring(fb, req, op, off, (uint32_t)len);
		if (op == BE_FLUSH)
			rc = fdatasync(fb->fd) ? -errno : 0;
		else
			rc = file_rw_sync(fb->fd, req->data, len, off, op != BE_READ,
					  op == BE_WRITE_FUA ? RWF_DSYNC : 0);
		return file_status(op, rc);
	case BE_WRITE_ZEROES:
	case BE_DISCARD:
		rc = file_zero_sync(fb, off, len, op == BE_DISCARD);
		return file_status(op, rc);
	case BE_COMPARE:
		return file_compare(fb, req, off, len);
	case BE_COMPARE_WRITE: /* not atomic across I/O threads: never offered */
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
	return NVME_SC_INTERNAL;
}

/* Set up the calling thread's ring; 0 or -errno. */
static int file_thread_start(const struct backend_thread *bt)
{
	struct file_thread *ft;

	(void)bt;
	if (file_thr)
		return 0;
	ft = calloc(1, sizeof(*ft));
	if (!ft)
		return -ENOMEM;
	ft->scratch = aligned_alloc(4096, FILE_SCRATCH); /* O_DIRECT */
	if (!ft->scratch) {
		free(ft);
		return -ENOMEM;
	}
	/* Without io_uring (old kernel, seccomp) the thread does its file
	 * I/O synchronously. */
	ft->ring_ok = !io_uring_queue_init(FILE_RING_DEPTH, &ft->ring, 0);
	file_thr = ft;
	return 0;
}

/* Submit queued SQEs and complete finished requests; returns how many,
 * or 1 when none finished but some are still in flight (keep polling). */
static int file_thread_poll(void)
{
	struct file_thread *ft = file_thr;
	struct io_uring_cqe *cqe;
	struct nvmet_fc_req *req;
	enum backend_op op;
	uint32_t len;
	uint16_t status;
	int done = 0;

	if (!ft || !ft->ring_ok)
		return 0;
	if (ft->queued) {
		io_uring_submit(&ft->ring);
		ft->inflight += ft->queued;
		ft->queued = 0;
	}
	while (ft->inflight && !io_uring_peek_cqe(&ft->ring, &cqe)) {
		req = io_uring_cqe_get_data(cqe);
		op = (enum backend_op)(req_ctx(req)->aux & 0xff);
		len = (uint32_t)(req_ctx(req)->aux >> 8);
		if (cqe->res < 0)
			status = file_status(op, cqe->res);
		else if (op != BE_FLUSH && (uint32_t)cqe->res != len) {
			if (op == BE_READ) {
				/* past end of file: the rest reads as zeroes */
				memset((uint8_t *)req->data + cqe->res, 0,
				       len - (uint32_t)cqe->res);
				status = NVME_SC_SUCCESS;
			} else {
				status = NVME_SC_WRITE_FAULT;
			}
		} else {
			status = NVME_SC_SUCCESS;
		}
		io_uring_cqe_seen(&ft->ring, cqe);
		ft->inflight--;
		tgt_req_io_done(req, status);
		done++;
	}
	if (!done && ft->inflight)
		return 1;
	return done;
}

/* Wait for the thread's I/O in flight, then free its ring. */
static void file_thread_stop(void)
{
	struct file_thread *ft = file_thr;
	struct io_uring_cqe *cqe;

	if (!ft)
		return;
	while (ft->ring_ok && (ft->inflight || ft->queued)) {
		file_thread_poll();
		if (ft->inflight && !io_uring_wait_cqe(&ft->ring, &cqe))
			continue;
		if (!ft->queued && ft->inflight)
			break;
	}
	if (ft->ring_ok)
		io_uring_queue_exit(&ft->ring);
	free(ft->scratch);
	free(ft);
	file_thr = NULL;
}

const struct backend_ops backend_file_ops = {
	.name = "file",
	.open = file_open,
	.grow = file_grow,
	.close = file_close,
	.set_direct = file_set_direct,
	.submit = file_submit,
	.thread_start = file_thread_start,
	.thread_poll = file_thread_poll,
	.thread_stop = file_thread_stop,
};
