

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
 * loop), so every mnt_fs_* handler runs on it; it also polls the controllers,
 * and the host transport calls mnt_op_done() only from that poll (never
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
 *
 * Files: this one parses the options and runs the loop;
 * fcnvme_mount_fs.c answers FUSE, fcnvme_mount_op.c does the NVMe work of
 * a request, fcnvme_mount_path.c keeps the paths and their ANA states,
 * fcnvme_mount_ns.c the namespace files; fcnvme_mount_priv.h is what they
 * share.
 */
#define FUSE_USE_VERSION 35
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <fuse_lowlevel.h>

#include "hw_host.h"
#include "fcnvme.h"
#include "fcnvme_mount_priv.h"

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
	if (m.multipath ? mnt_path_open_all(&m) : fcnvme_open_subsys(&x, 1, &m.ctrl))
		goto out_args;
	if (!m.multipath) {
		m.paths[0].ctrl = m.ctrl;
		m.nr_paths = 1;
	}
	m.paths[0].seen = FCNVME_HOST_CTRL_LIVE;
	if (mnt_ns_load(&m))
		goto out_disc;
	mnt_path_poll_all(&m); /* the ANA logs, before the first request */
	m.se = fuse_session_new(&args, &mnt_fs_ops, sizeof(mnt_fs_ops), &m);
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
		int busy = mnt_path_poll_all(&m);

		hw_host_port_process(x.port);
		mnt_op_kick_waiting(&m);
		/* Follow namespace changes (there is no AEN support yet). */
		if (fcnvme_host_ctrl_state(mnt_path_admin_ctrl(&m)) == FCNVME_HOST_CTRL_LIVE &&
		    fcnvme_clock_ms() >= next_scan) {
			mnt_ns_rescan(&m, true);
			next_scan = fcnvme_clock_ms() + MNT_RESCAN_MS;
		}
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, busy > 0 || m.inflight ? 0 : 5) < 0 &&
		    errno != EINTR)
			break;
		/* Waiting for completions with nothing to do: give the CPU
		 * away. A target I/O thread scheduled on our CPU cannot
		 * answer while we spin, and without the yield it waited for
		 * the scheduler's slice (about 3 ms) for every command sent
		 * while it was still spinning itself (a read right after a
		 * read: bench/idle.sh, tests/e2e/mount_shared_cpu.sh). With
		 * nothing else runnable sched_yield() returns at once. */
		if (m.inflight && busy <= 0 && !(pfd[0].revents & (POLLIN | POLLERR | POLLHUP)))
			sched_yield();
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
	while (m.inflight &&
	       fcnvme_host_ctrl_state(mnt_path_admin_ctrl(&m)) == FCNVME_HOST_CTRL_LIVE) {
		hw_host_port_process(x.port);
		mnt_path_poll_all(&m);
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
