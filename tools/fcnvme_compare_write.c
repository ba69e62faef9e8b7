// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme compare-write: a fused Compare and Write (NVMe Base 2.0 §3.4.2):
 * a Compare (FUSE 01b) and a Write (FUSE 10b) of the same blocks, sent back
 * to back on I/O queue 1. The target writes only if the blocks still hold
 * the compare data, atomically (the test-and-set VMware's ATS locking is
 * built on). One command pair: at most the controller's maximum transfer.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fcnvme.h"

const struct cli_opt fcnvme_compare_write_opts[] = {
	{ "--namespace-id", "-n", "NSID", "The namespace (default 1).", NULL, 0, 'n' },
	{ "--start-block", "-s", "LBA", "The first block.", NULL, 0, 's' },
	{ "--block-count", "-c", "COUNT",
	  "The number of blocks minus one (0's based, as in nvme-cli); required.", NULL, 0, 'c' },
	{ "--compare-data", NULL, "FILE",
	  "The file with the data the blocks must hold; required. A short file is zero-filled "
	  "to whole blocks.",
	  NULL, CLI_OPT_FILE, 'C' },
	{ "--data", "-d", "FILE",
	  "The file with the data to write if they do; required. A short file is zero-filled.",
	  NULL, CLI_OPT_FILE, 'd' },
	FCNVME_OPT_END,
};

struct cw_args {
	struct fcnvme_rw_args rw; /* first: -n -s -c -d (the data to write) */
	const char *cmp;
};

static int cw_opt(void *arg, int key, const char *val)
{
	struct cw_args *a = arg;

	if (key != 'C')
		return fcnvme_rw_opt(&a->rw, key, val);
	a->cmp = val;
	return 1;
}

/* Fill len bytes of buf from path, zero-filling a short file; 0 or -1. */
static int cw_load(struct fcnvme_ctx *x, const char *path, void *buf, uint32_t len)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0) {
		fcnvme_fail(x, -1, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(buf, 0, len);
	while (got < len && (n = read(fd, (char *)buf + got, len - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fcnvme_fail(x, -1, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	return 0;
}

struct cw_res {
	bool done;
	uint16_t status;
};

static void cw_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct cw_res *r = arg;

	(void)cqe;
	r->done = true;
	r->status = status;
}

/* Send the pair; 0 when written, 1 on a miscompare, -1 on an error (all
 * with a message). */
static int cw_run(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, const struct cw_args *a,
		  struct fcnvme_host_buf *cbuf, struct fcnvme_host_buf *wbuf, uint32_t len)
{
	/* static: a first sent alone completes at the disconnect, after
	 * this function returned */
	static struct cw_res r[2];
	struct nvme_command c[2];
	int i, rc;

	memset(c, 0, sizeof(c));
	for (i = 0; i < 2; i++) {
		c[i].rw.opcode = i ? nvme_cmd_write : nvme_cmd_compare;
		c[i].rw.flags = i ? NVME_CMD_FUSE_SECOND : NVME_CMD_FUSE_FIRST;
		c[i].rw.nsid = htole32((uint32_t)a->rw.nsid);
		c[i].rw.slba = htole64(a->rw.slba);
		c[i].rw.length = htole16((uint16_t)a->rw.cnt);
	}
	rc = fcnvme_host_submit(ctrl, 1, &c[0], cbuf, 0, len, cw_done, &r[0]);
	if (!rc)
		rc = fcnvme_host_submit(ctrl, 1, &c[1], wbuf, 0, len, cw_done, &r[1]);
	if (rc) {
		/* if the first went out alone, the target holds it until the
		 * queue goes (the disconnect) */
		fcnvme_err_status(x, "Compare and Write", rc);
		return -1;
	}
	while (!r[0].done || !r[1].done)
		fcnvme_pump(x, ctrl);
	if (!r[0].status && !r[1].status) {
		if (!x->o.json)
			printf("compare-write: the blocks matched; written\n");
		return 0;
	}
	if (r[0].status == NVME_SC_COMPARE_FAILED) {
		fcnvme_fail(x, r[0].status,
			    "the blocks differ from the compare data: nothing written (Compare "
			    "Failure; Write: 0x%x)",
			    r[1].status);
		return 1;
	}
	fcnvme_err_status(x, "Compare", r[0].status);
	fcnvme_err_status(x, "Write", r[1].status);
	return -1;
}

/* fcnvme compare-write */
int fcnvme_cmd_compare_write(int argc, char **argv)
{
	struct fcnvme_host_buf *cbuf = NULL, *wbuf = NULL;
	struct fcnvme_host_ctrl_info info;
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_ctx x;
	struct cw_args a = { .rw = { .x = &x, .nsid = 1 } };
	uint64_t nblocks = 0;
	uint32_t lbasz = 0, len;
	int rc, ret = 1;

	fcnvme_opts_init(&x, "compare-write");
	rc = fcnvme_parse(&x, argc, argv, cw_opt, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (!a.rw.have_c || !a.cmp || !a.rw.data) {
		fcnvme_fail(&x, -1,
			    "say which blocks and what: -c COUNT, --compare-data FILE, -d FILE");
		cli_doc_try_help(stderr, fcnvme_prog(), fcnvme_cli_cmd(x.cmd));
		return 2;
	}
	if (a.rw.cnt > 0xffff) {
		fcnvme_fail(&x, -1, "-c %" PRIu64 ": at most 65535 (one command)", a.rw.cnt);
		return 2;
	}
	if (fcnvme_open_subsys(&x, 1, &ctrl))
		return 1;
	if (fcnvme_ns_geometry(&x, ctrl, (uint32_t)a.rw.nsid, &lbasz, &nblocks))
		goto out_disc;
	fcnvme_host_ctrl_get_info(ctrl, &info);
	len = (uint32_t)(a.rw.cnt + 1) * lbasz;
	if (a.rw.slba >= nblocks || a.rw.cnt >= nblocks - a.rw.slba) {
		fcnvme_fail(&x, -1,
			    "blocks %" PRIu64 "..%" PRIu64 " are beyond namespace %" PRIu64
			    " (%" PRIu64 " blocks)",
			    a.rw.slba, a.rw.slba + a.rw.cnt, a.rw.nsid, nblocks);
		goto out_disc;
	}
	if (len > info.max_xfer) {
		fcnvme_fail(&x, -1, "%u bytes: above the controller's maximum transfer of %u", len,
			    info.max_xfer);
		goto out_disc;
	}
	rc = fcnvme_host_buf_alloc(ctrl, len, &cbuf);
	if (!rc)
		rc = fcnvme_host_buf_alloc(ctrl, len, &wbuf);
	if (rc) {
		fcnvme_err_status(&x, "buffer", rc);
		goto out_bufs;
	}
	if (cw_load(&x, a.cmp, cbuf->addr, len) || cw_load(&x, a.rw.data, wbuf->addr, len))
		goto out_bufs;
	rc = cw_run(&x, ctrl, &a, cbuf, wbuf, len);
	ret = rc == 0 ? 0 : 1;
out_bufs:
	if (cbuf)
		fcnvme_host_buf_free(ctrl, cbuf);
	if (wbuf)
		fcnvme_host_buf_free(ctrl, wbuf);
out_disc:
	fcnvme_disconnect(&x, ctrl);
	fcnvme_stop(&x);
	return ret;
}
