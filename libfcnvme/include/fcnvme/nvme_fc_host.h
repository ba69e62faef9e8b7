/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NVMe-over-FC host controller API: the userspace counterpart of what
 * Linux's nvme-fc offers the NVMe core. An application creates a controller
 * on a registered local port and remote port (see nvme_fc_driver.h); the
 * transport brings up an association (Create Association LS, admin Connect,
 * CC.EN, VS, Identify, the effects and ANA logs when advertised, Set
 * Features Number of Queues, one Create Connection LS and Connect per I/O
 * queue, as many as the local port has hardware queues and the controller
 * grants), keeps it alive, checks every response and the controller's
 * Connect, CAP, Identify and ANA answers exactly as the Linux host does
 * (a controller Linux refuses is refused), and on any path error tears the
 * association down and reconnects every reconnect_delay until
 * ctrl_loss_tmo (or the remote port's dev_loss_tmo) runs out or a command
 * fails with DNR.
 *
 * Threads: a controller belongs to one thread, the one that created it.
 * Every function below, and the LLDD calls that drive it (the template's
 * poll_queue and the LS/FCP done callbacks), run on that thread. Nothing
 * blocks: fcnvme_host_ctrl_poll() advances timers and the connect/teardown
 * state machine and reaps the LLDD's queues; call it in the application's
 * loop together with the LLDD's own slow-path processing.
 *
 * Return values: 0 or a negative errno, unless stated otherwise.
 */
#ifndef FCNVME_NVME_FC_HOST_H
#define FCNVME_NVME_FC_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>

struct fcnvme_host_ctrl;

/* Defaults (Linux nvme-fc / nvme-fabrics values). */
#define FCNVME_HOST_AQ_DEPTH	    32
#define FCNVME_HOST_DEF_QUEUE_SIZE  128
#define FCNVME_HOST_MIN_QUEUE_SIZE  16
#define FCNVME_HOST_MAX_QUEUE_SIZE  1024
#define FCNVME_HOST_DEF_KATO_MS	    5000
#define FCNVME_HOST_DEF_RECONNECT_S 2 /* FC default reconnect_delay */
#define FCNVME_HOST_DEF_CTRL_LOSS_S 600
#define FCNVME_HOST_DEF_CMD_TMO_MS  30000
#define FCNVME_HOST_MAX_IO_QUEUES   128

/* Controller states. */
enum fcnvme_host_ctrl_state {
	FCNVME_HOST_CTRL_CONNECTING,	 /* bringing up an association */
	FCNVME_HOST_CTRL_LIVE,		 /* commands may be submitted */
	FCNVME_HOST_CTRL_RESETTING,	 /* tearing an association down */
	FCNVME_HOST_CTRL_RECONNECT_WAIT, /* waiting reconnect_delay/rport */
	FCNVME_HOST_CTRL_DELETING,	 /* fcnvme_host_ctrl_delete() running */
	FCNVME_HOST_CTRL_DEAD,		 /* gave up; only delete is allowed */
};

/* What a controller connects to and how it behaves on loss. */
struct fcnvme_host_ctrl_opts {
	const char *subnqn;  /* required */
	const char *hostnqn; /* required */
	uint8_t hostid[16];
	uint16_t nr_io_queues;	    /* 0: admin queue only (discovery) */
	uint16_t queue_size;	    /* I/O queue entries; 0 = 128 */
	uint32_t kato_ms;	    /* 0: no keep-alive */
	uint32_t reconnect_delay_s; /* 0 = 2 */
	int32_t ctrl_loss_tmo_s;    /* -1: retry forever; 0 = none */
	uint32_t cmd_timeout_ms;    /* 0 = 30000 */
	/* Optional: called on every state change (on the owner thread). */
	void (*state_cb)(void *arg, enum fcnvme_host_ctrl_state st);
	void *state_arg;
	/* Optional monotonic clock in ns (tests, or a poll loop that reads the
	 * clock once per pass); default CLOCK_MONOTONIC_COARSE (deadlines are
	 * of milliseconds and more). */
	uint64_t (*clock_ns)(void *arg);
	void *clock_arg;
};

/*
 * A buffer the local port's HBA can reach (allocated through its struct
 * fcnvme_device). Data of every command lives in one of these.
 */
struct fcnvme_host_buf {
	void *addr;
	fcnvme_dma_t dma;
	size_t len;
};

/*
 * Completion of a submitted command. status is the NVMe status field
 * without the phase bit (SC | SCT << 8 | CRD | MORE | DNR), so 0 is
 * success; transport failures are NVME_SC_HOST_PATH_ERROR or
 * NVME_SC_HOST_ABORTED_CMD. cqe (result dwords) is valid during the call.
 */
typedef void (*fcnvme_host_done_fn)(void *arg, uint16_t status, const struct nvme_completion *cqe);

/*
 * The online remote ports of lport (as registered by its LLDD), in
 * registration order; fills at most max and returns how many there are.
 */
int fcnvme_host_rports(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port **out, int max);

/*
 * Create a controller to rport (which must be ONLINE and have the NVMe
 * target or discovery role) through lport, and start connecting. The
 * controller exists even if the first attempt fails; watch its state.
 * -EINVAL for bad options, -ENODEV if the port is not online, -ENOMEM.
 */
int fcnvme_host_ctrl_create(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			    const struct fcnvme_host_ctrl_opts *opts,
			    struct fcnvme_host_ctrl **ctrlp);
/*
 * The same, authenticating the admin queue and every I/O queue after its
 * Connect with DH-HMAC-CHAP (NVMe Base 2.0, 8.13.5): secret is the host's
 * key, ctrl_secret (optional) the controller's for two-way authentication,
 * both "DHHC-1:NN:base64:" as nvme gen-dhchap-key prints them. -EINVAL
 * also for a key that does not parse. A refusal fails the attempt with
 * reason "Authentication failed ...". Since 0.1 (FCNVME_0.1).
 */
int fcnvme_host_ctrl_create_auth(struct nvme_fc_local_port *lport,
				 struct nvme_fc_remote_port *rport,
				 const struct fcnvme_host_ctrl_opts *opts, const char *secret,
				 const char *ctrl_secret, struct fcnvme_host_ctrl **ctrlp);

/*
 * Advance the controller: reap LLDD completions, keep-alive, command and
 * LS timeouts, connect steps, teardown, reconnect. Returns the number of
 * events handled (0 when idle).
 */
int fcnvme_host_ctrl_poll(struct fcnvme_host_ctrl *ctrl);

/* The current state. */
enum fcnvme_host_ctrl_state fcnvme_host_ctrl_state(const struct fcnvme_host_ctrl *ctrl);

/* A short English name for a state ("live", ...). */
const char *fcnvme_host_ctrl_state_name(enum fcnvme_host_ctrl_state st);

/*
 * Why the last connect attempt or association failed (a fixed-size
 * English sentence, e.g. "Connect (admin): Connect Invalid Host: host H is
 * not allowed on S (0x4184)", fcnvme/nvme_status.h), or "" if none.
 */
const char *fcnvme_host_ctrl_reason(const struct fcnvme_host_ctrl *ctrl);
/* The NVMe status (CQE status without the phase bit) of the command whose
 * refusal the reason reports, or 0 when the reason is not an NVMe status. */
uint16_t fcnvme_host_ctrl_reason_status(const struct fcnvme_host_ctrl *ctrl);

/* Facts about a live controller (valid once LIVE was reached). */
struct fcnvme_host_ctrl_info {
	uint16_t cntlid;
	uint16_t nr_io_queues; /* granted and connected */
	uint16_t queue_size;   /* I/O queue entries in use */
	uint64_t association_id;
	uint64_t cap;		/* controller CAP property */
	uint32_t max_xfer;	/* bytes per command */
	uint32_t nr_connects;	/* successful associations so far */
	const uint8_t *id_ctrl; /* Identify Controller, 4096 bytes */
};

/* Fill *info. */
void fcnvme_host_ctrl_get_info(const struct fcnvme_host_ctrl *ctrl,
			       struct fcnvme_host_ctrl_info *info);

/*
 * Submit cmd (copied; command_id, flags' SGL bits and dptr are set by the
 * transport) on queue qid (0 = admin) with len bytes of buf at offset off
 * as its data (buf may be NULL when len is 0). The direction follows the
 * opcode (fabrics: the fctype). done is called exactly once, from
 * fcnvme_host_ctrl_poll() or fcnvme_host_ctrl_poll_queue(), never from
 * inside this call. -ENOTCONN unless LIVE, -EBUSY if the queue is full,
 * -EINVAL for a bad qid or range, -E2BIG above max_xfer.
 */
int fcnvme_host_submit(struct fcnvme_host_ctrl *ctrl, uint16_t qid, const struct nvme_command *cmd,
		       const struct fcnvme_host_buf *buf, size_t off, uint32_t len,
		       fcnvme_host_done_fn done, void *arg);

/* Reap completions of I/O queue qid only (the fast path of a poller). */
int fcnvme_host_ctrl_poll_queue(struct fcnvme_host_ctrl *ctrl, uint16_t qid);

/* Commands outstanding on queue qid (0 = admin). */
unsigned int fcnvme_host_queue_depth(const struct fcnvme_host_ctrl *ctrl, uint16_t qid);

/* Allocate a zeroed DMA-able buffer through the local port's device. */
int fcnvme_host_buf_alloc(struct fcnvme_host_ctrl *ctrl, size_t len, struct fcnvme_host_buf **bufp);
/* Free a buffer (no command may still use it). */
void fcnvme_host_buf_free(struct fcnvme_host_ctrl *ctrl, struct fcnvme_host_buf *buf);

/*
 * Delete the controller: abort outstanding commands (their done gets
 * NVME_SC_HOST_ABORTED_CMD), send Disconnect Association, release the LLDD
 * queues, free everything. Returns 1 while the teardown still waits for
 * the LLDD (poll the LLDD and call this again) and 0 once the controller
 * is freed; the pointer is invalid after 0.
 */
int fcnvme_host_ctrl_delete(struct fcnvme_host_ctrl *ctrl);

/*
 * Ask for a controller reset (tear down and reconnect at once), as
 * `nvme reset` does. -EBUSY unless LIVE.
 */
int fcnvme_host_ctrl_reset(struct fcnvme_host_ctrl *ctrl);

#endif /* FCNVME_NVME_FC_HOST_H */
