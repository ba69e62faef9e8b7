// SPDX-License-Identifier: Apache-2.0
/*
 * The body shared by fcnvme read and fcnvme write: option parsing in
 * nvme-cli's terms (-s start block, -c 0's based block count, -d file),
 * range checks against the namespace, and the chunked synchronous transfer
 * between a file descriptor and the namespace.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcnvme.h"

static int fcnvme_full_io(int fd, void *p, size_t len, bool wr)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = wr ? write(fd, (char *)p + done, len - done)
			       : read(fd, (char *)p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (int)done;
		done += (size_t)n;
	}
	return (int)done;
}

/* Chunked synchronous read or write between a namespace and fd. */
int fcnvme_ns_rw(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint32_t nsid, bool write,
		 uint64_t slba, uint64_t nblocks, uint32_t lbasz, int fd)
{
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_buf *buf;
	uint32_t chunk_blocks;
	int rc, ret = -1;

	fcnvme_host_ctrl_get_info(ctrl, &info);
	chunk_blocks = info.max_xfer / lbasz;
	if (chunk_blocks > 65536)
		chunk_blocks = 65536;
	if (!chunk_blocks) {
		fcnvme_fail(x, -1, "max transfer below one block");
		return -1;
	}
	rc = fcnvme_host_buf_alloc(ctrl, (size_t)chunk_blocks * lbasz, &buf);
	if (rc) {
		fcnvme_err_status(x, "buffer", rc);
		return -1;
	}
	while (nblocks) {
		uint32_t nb = nblocks < chunk_blocks ? (uint32_t)nblocks : chunk_blocks;
		uint32_t len = nb * lbasz;
		struct nvme_command c;

		if (write) {
			rc = fcnvme_full_io(fd, buf->addr, len, false);
			if (rc < 0) {
				fcnvme_fail(x, -1, "reading input: %s", strerror(-rc));
				goto out;
			}
			if ((uint32_t)rc < len) /* short input: zero-fill */
				memset((char *)buf->addr + rc, 0, len - (uint32_t)rc);
		}
		memset(&c, 0, sizeof(c));
		c.rw.opcode = write ? nvme_cmd_write : nvme_cmd_read;
		c.rw.nsid = htole32(nsid);
		c.rw.slba = htole64(slba);
		c.rw.length = htole16((uint16_t)(nb - 1));
		rc = fcnvme_sync(x, ctrl, 1, &c, buf, len, NULL);
		if (rc) {
			char what[96];

			snprintf(what, sizeof(what), "%s of %u blocks at LBA %" PRIu64,
				 write ? "Write" : "Read", nb, slba);
			fcnvme_err_status(x, what, rc);
			goto out;
		}
		if (!write) {
			rc = fcnvme_full_io(fd, buf->addr, len, true);
			if (rc < 0 || (uint32_t)rc != len) {
				fcnvme_fail(x, -1, "writing output: %s",
					    rc < 0 ? strerror(-rc) : "short");
				goto out;
			}
		}
		slba += nb;
		nblocks -= nb;
	}
	ret = 0;
out:
	fcnvme_host_buf_free(ctrl, buf);
	return ret;
}

/* -n, -s, -c, -d: nvme-cli read/write's letters. */
int fcnvme_rw_opt(void *arg, int key, const char *val)
{
	struct fcnvme_rw_args *a = arg;
	uint64_t *dst = key == 'n' ? &a->nsid : key == 's' ? &a->slba : &a->cnt;

	switch (key) {
	case 'd':
		a->data = val;
		return 1;
	case 'n':
	case 's':
	case 'c':
		if (fcnvme_num_parse(val, 0, UINT64_MAX, dst) ||
		    (key == 'n' && (!a->nsid || a->nsid > 0xfffffffe))) {
			fcnvme_fail(a->x, -1, "-%c: '%s' is not a valid number", key, val);
			return -1;
		}
		a->have_c |= key == 'c';
		return 1;
	default:
		return 0;
	}
}

/* The body of fcnvme read / fcnvme write. */
int fcnvme_rw_main(int argc, char **argv, bool write)
{
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_ctx x;
	struct fcnvme_rw_args a = { .x = &x, .nsid = 1 };
	uint64_t nsid, slba, cnt, nblocks = 0;
	uint32_t lbasz = 0;
	const char *data;
	int fd, rc, ret = 1;

	fcnvme_opts_init(&x, write ? "write" : "read");
	rc = fcnvme_parse(&x, argc, argv, fcnvme_rw_opt, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	nsid = a.nsid;
	slba = a.slba;
	cnt = a.cnt;
	data = a.data;
	if (!a.have_c) {
		fcnvme_fail(&x, -1, "say how many blocks: -c COUNT (0's based)");
		cli_doc_try_help(stderr, fcnvme_prog(), fcnvme_cli_cmd(x.cmd));
		return 2;
	}
	if (data)
		fd = write ? open(data, O_RDONLY) : open(data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		fd = write ? STDIN_FILENO : STDOUT_FILENO;
	if (fd < 0) {
		fcnvme_fail(&x, -1, "%s: %s", data, strerror(errno));
		return 1;
	}
	if (fcnvme_open_subsys(&x, 1, &ctrl))
		goto out_close;
	if (fcnvme_ns_geometry(&x, ctrl, (uint32_t)nsid, &lbasz, &nblocks))
		goto out_disc;
	if (slba >= nblocks || cnt >= nblocks - slba) {
		fprintf(stderr,
			"fcnvme %s: blocks %" PRIu64 "..%" PRIu64 " are beyond namespace %" PRIu64
			" (%" PRIu64 " blocks)\n",
			x.cmd, slba, slba + cnt, nsid, nblocks);
		goto out_disc;
	}
	if (fcnvme_ns_rw(&x, ctrl, (uint32_t)nsid, write, slba, cnt + 1, lbasz, fd) == 0)
		ret = 0;
out_disc:
	fcnvme_disconnect(&x, ctrl);
	fcnvme_stop(&x);
out_close:
	if (data)
		close(fd);
	return ret;
}
