/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of fcnvme mount share (fcnvme_mount.c, fcnvme_mount_fs.c,
 * fcnvme_mount_op.c, fcnvme_mount_path.c, fcnvme_mount_ns.c): the mount's
 * state and the functions between them. Everything here is touched only by
 * the mount's one thread (see fcnvme_mount.c).
 */
#ifndef FCNVME_MOUNT_PRIV_H
#define FCNVME_MOUNT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 35
#endif
#include <fuse_lowlevel.h>

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

/* fcnvme_mount_fs.c: the FUSE low-level operations of the mount */
extern const struct fuse_lowlevel_ops mnt_fs_ops;

/* fcnvme_mount_op.c */
/* A new op for a FUSE request on inode ino (answers the request itself
 * and returns NULL when it cannot be made). */
struct mnt_op *mnt_op_new(fuse_req_t req, enum mnt_kind kind, fuse_ino_t ino, uint64_t off,
			  size_t len);
/* Start a new op: a write first takes its blocks in the namespace's wlock. */
void mnt_op_begin(struct mnt_op *op);
/* (Re)start an op from its first command, or park it until a path is live. */
void mnt_op_start(struct mnt_op *op);
/* Answer the op's FUSE request, free it, start the writes it held back. */
void mnt_op_finish(struct mnt_op *op);
/* Reissue parked ops once the controller is live again (or fail them). */
void mnt_op_kick_waiting(struct mnt *m);

/* fcnvme_mount_path.c */
/* --multipath: a controller through every target port that has the
 * subsystem (at least one); 0 or -1 (said on stderr). */
int mnt_path_open_all(struct mnt *m);
/* Poll every path; note state changes and refresh ANA logs when due.
 * Returns how much work the polls found. */
int mnt_path_poll_all(struct mnt *m);
/* The path's ANA information for ns is no longer to be trusted. */
void mnt_path_stale(struct mnt *m, unsigned int i, const struct mnt_ns *ns);
/* The path for a command on ns: a live one whose ANA state for the
 * namespace's group is optimized, else non-optimized; -1 if none. */
int mnt_path_pick(struct mnt *m, const struct mnt_ns *ns);
/* Whether every path gave up. */
bool mnt_path_all_dead(struct mnt *m);
/* A live controller for admin commands (the first path otherwise). */
struct fcnvme_host_ctrl *mnt_path_admin_ctrl(struct mnt *m);

/* fcnvme_mount_ns.c */
/* The namespace of inode ino, NULL for the root or a gone one. */
struct mnt_ns *mnt_ns_of(struct mnt *m, fuse_ino_t ino);
/* The slot of nsid, gone or not, or NULL. */
struct mnt_ns *mnt_ns_find(struct mnt *m, uint32_t nsid);
/* Make the files follow the subsystem; quiet: no messages. Returns the
 * number of usable namespaces, or -1 if the list could not be read. */
int mnt_ns_rescan(struct mnt *m, bool quiet);
/* The first scan: 0, or -1 (said on stderr) when no namespace is usable. */
int mnt_ns_load(struct mnt *m);

#endif
