/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An initiator port's logins into NVMe targets, for every initiator on the
 * soft HBA: the host LLDD (hw_host.c) and the port server of a remote
 * driver's port (hw_vmport*.c) run this one state machine. It queries the
 * name server for NVMe target and discovery ports, logs into each (PLOGI,
 * then PRLI as an NVMe initiator), gives up a login that gets no answer in
 * 2 s and retries it no sooner than a second later, and notices a remote
 * port's loss: LOGO, PRLO, our own link going down, an RSCN or the liveness
 * check finding the peer dead or restarted. What a login means to its user
 * (registering an nvme-fc remote port; telling a guest driver) goes through
 * hw_rport_ops.
 *
 * Threads: the control thread owns everything here; only
 * hw_rport.state may be read by others (data-path threads check that
 * a remote port is still ONLINE).
 */
#ifndef HW_RPORT_H
#define HW_RPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw_priv.h"
#include "hw_tgt.h" /* struct hw_rport_info */

#define HW_RPORT_LOGIN_MS 2000 /* PLOGI or PRLI without an answer */
#define HW_RPORT_RETRY_MS 1000 /* between a failed or lost login and the next */

/* Login state of a remote port (hw_rport.state). */
enum {
	HW_RPORT_NONE = 0,
	HW_RPORT_PLOGI, /* PLOGI sent */
	HW_RPORT_PRLI,	/* PRLI sent */
	HW_RPORT_ONLINE /* PRLI accepted */
};

/* A target the initiator knows of. A user that needs more per remote port
 * embeds this as the first member of its own structure (hw_rport_init's
 * rport_size). Control thread, except state. */
struct hw_rport {
	struct hw_rport *next;
	unsigned int slot;
	_Atomic int state; /* HW_RPORT_* */
	/* PLOGI/PRLI: give up then; NONE: log in again no sooner. */
	uint64_t deadline_ns;
	uint32_t gen; /* name-server generation of the slot at PLOGI */
	struct hw_rport_info info;
};

/* What logins mean to the user; called on the control thread, from the
 * hw_rport_* call that noticed the change. */
struct hw_rport_ops {
	/* PRLI accepted, rp is ONLINE. Non-zero: rp is lost again at once
	 * (lost() is called with was = ONLINE). */
	int (*online)(void *arg, struct hw_rport *rp);
	/* rp is NONE again, from state was (NONE only when
	 * hw_rport_logout or hw_rport_lose forget a port not logged in). */
	void (*lost)(void *arg, struct hw_rport *rp, int was);
	/* An RSCN from rp while ONLINE: what it offers may have changed. */
	void (*rescan)(void *arg, struct hw_rport *rp);
};

struct hw_rports {
	struct hw_dev *dev;
	const struct hw_rport_ops *ops;
	void *arg;
	size_t rport_size;
	/* Target role (set once after hw_rport_init): the remote ports are
	 * initiators that log into us; we answer their PLOGI (ELS_ACC) and
	 * PRLI (ELS_ACC if it offers the NVMe initiator role, else ELS_RJT)
	 * and never send a login ourselves. A PRLI must follow the PLOGI
	 * within HW_RPORT_LOGIN_MS. Loss is noticed as for the initiator
	 * role; online/lost are called the same way. */
	bool responder;
	struct hw_rport *list; /* every remote port known */
};

/* Start with no remote ports; rport_size >= sizeof(struct hw_rport). */
void hw_rport_init(struct hw_rports *l, struct hw_dev *d, size_t rport_size,
		   const struct hw_rport_ops *ops, void *arg);
/* Free every remote port (no callbacks). */
void hw_rport_fini(struct hw_rports *l);
/* The remote port of slot, or NULL. */
struct hw_rport *hw_rport_find(struct hw_rports *l, unsigned int slot);
/* Query the name server: drop remote ports that are gone, log into new
 * NVMe targets; from_slot (or -1) sent the RSCN that asked for it. */
void hw_rport_rescan(struct hw_rports *l, int from_slot);
/* An event-queue entry: ELS_ACC/RJT, LOGO, PRLO, RSCN, LINK (and, for a
 * responder, PLOGI and PRLI) are handled (true); anything else is left to
 * the caller (false). */
bool hw_rport_eqe(struct hw_rports *l, const struct hw_eqe *e);
/* Every 100 ms: timeouts, retries, liveness. */
void hw_rport_tick(struct hw_rports *l);
/* True while a PLOGI or PRLI waits for its answer. */
bool hw_rport_pending(const struct hw_rports *l);
/* rp is gone (it stays known, to be logged into again later). */
void hw_rport_lose(struct hw_rports *l, struct hw_rport *rp);
/* LOGO to every ONLINE remote port, then every remote port is lost. */
void hw_rport_logout(struct hw_rports *l);

#endif /* HW_RPORT_H */
