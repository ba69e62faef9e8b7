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
		fprintf(stderr, "fcnvme %s: max transfer below one block\n", x->cmd);
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
				fprintf(stderr, "fcnvme %s: reading input: %s\n", x->cmd,
					strerror(-rc));
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
				fprintf(stderr, "fcnvme %s: writing output: %s\n", x->cmd,
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

static const char fcnvme_rw_help[] =
	"usage: fcnvme read|write --nqn NQN [-n NSID] -s SLBA -c COUNT [-d FILE]\n"
	"Move blocks between a namespace and a file (stdout/stdin without -d).\n"
	"  -n, --namespace-id N   namespace (default 1)\n"
	"  -s, --start-block LBA  first block\n"
	"  -c, --block-count N    number of blocks minus one (0's based, as nvme-cli)\n"
	"  -d, --data FILE        file to write to (read) or read from (write)\n" FCNVME_COMMON_HELP;

/* The body of fcnvme read / fcnvme write. */
int fcnvme_rw_main(int argc, char **argv, bool write)
{
	static const struct option lo[] = { { "namespace-id", required_argument, NULL, 'n' },
					    { "start-block", required_argument, NULL, 's' },
					    { "block-count", required_argument, NULL, 'c' },
					    { "data", required_argument, NULL, 'd' },
					    FCNVME_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_ctx x;
	uint64_t nsid = 1, slba = 0, cnt = 0, nblocks = 0;
	uint32_t lbasz = 0;
	const char *data = NULL;
	bool have_c = false;
	int c, fd, ret = 1;

	fcnvme_opts_init(&x, write ? "write" : "read");
	while ((c = getopt_long(argc, argv, "hn:s:c:d:", lo, NULL)) != -1) {
		uint64_t *dst = c == 'n' ? &nsid : c == 's' ? &slba : &cnt;

		switch (c) {
		case 'h':
			fputs(fcnvme_rw_help, stdout);
			return 0;
		case 'n':
		case 's':
		case 'c':
			if (fcnvme_num_parse(optarg, 0, UINT64_MAX, dst) ||
			    (c == 'n' && (!nsid || nsid > 0xfffffffe))) {
				fprintf(stderr,
					"fcnvme %s: -%c: '%s' is not a "
					"valid number\n",
					x.cmd, c, optarg);
				return 2;
			}
			have_c |= c == 'c';
			break;
		case 'd':
			data = optarg;
			break;
		default:
			if (fcnvme_common_opt(&x, c, optarg) != 1) {
				fputs(fcnvme_rw_help, stderr);
				return 2;
			}
		}
	}
	if (!have_c) {
		fprintf(stderr,
			"fcnvme %s: say how many blocks: -c COUNT "
			"(0's based)\n",
			x.cmd);
		return 2;
	}
	if (data)
		fd = write ? open(data, O_RDONLY) : open(data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		fd = write ? STDIN_FILENO : STDOUT_FILENO;
	if (fd < 0) {
		fprintf(stderr, "fcnvme %s: %s: %s\n", x.cmd, data, strerror(errno));
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
