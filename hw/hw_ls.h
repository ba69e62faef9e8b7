/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link Service exchanges of one port, for both roles: the table of LS
 * requests we sent and await a response for (with their timeouts, aborts and
 * failures), and sending LS requests and responses as slow-path events.
 * Control thread only.
 */
#ifndef HW_LS_H
#define HW_LS_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_driver.h>

#include "hw_priv.h"

#define HW_LS_PEND 64

struct hw_ls_pend {
	struct nvmefc_ls_req *req; /* NULL = free */
	void *owner;		   /* the remote port it went to */
	uint64_t id;
	unsigned int slot; /* the slot it went to: only that slot answers */
	uint64_t deadline_ns;
	int status; /* set: complete with it at next run */
	bool finish;
};

struct hw_ls_table {
	struct hw_ls_pend e[HW_LS_PEND];
	uint64_t gen;
};

/* Send req to slot as an LS_REQ event; owner tags it for hw_ls_fail_owner. */
int hw_ls_send(struct hw_dev *d, struct hw_ls_table *t, unsigned int slot, void *owner,
	       struct nvmefc_ls_req *req);
/* An LS_RSP event arrived on d: copy (truncated to rsplen) and complete.
 * One whose peer_slot is not the slot the request went to is dropped and
 * counted (d's cnt.drops): a peer answers only what it was sent. */
void hw_ls_rsp(struct hw_dev *d, struct hw_ls_table *t, const struct hw_eqe *e);
/* Mark req aborted; it completes with -ECANCELED at the next hw_ls_run. */
void hw_ls_abort(struct hw_ls_table *t, struct nvmefc_ls_req *req);
/* Fail every request to owner with status at the next hw_ls_run. */
void hw_ls_fail_owner(struct hw_ls_table *t, void *owner, int status);
/* Complete finished and timed-out requests; returns how many. */
int hw_ls_run(struct hw_ls_table *t);
/* Send an LS response (or, with status < 0, a failure) for id to slot. */
int hw_ls_reply(struct hw_dev *d, unsigned int slot, uint64_t id, const void *buf, uint32_t len,
		int status);
/* Send an ELS-like event of type (HW_EQE_*) with arg to slot. */
int hw_els_send(struct hw_dev *d, unsigned int slot, uint16_t type, uint32_t arg);

/* An LS request we received, from its arrival until the transport's
 * response went out and its done callback ran (both roles). */
struct hw_ls_rcv {
	struct nvmefc_ls_rsp rsp; /* first: the transport hands it back */
	struct hw_ls_rcv *next;	  /* free or answered list */
	uint64_t id;
	uint64_t login_gen; /* target: of the login it came in on */
	unsigned int slot;
	uint8_t buf[NVME_FC_MAX_LS_RQST_LEN];
};

/* The received-LS contexts of a port: the free ones, and the answered ones
 * whose rsp.done runs at the next reap (never inside the transport's
 * xmt_ls_rsp call). */
struct hw_ls_rcv_pool {
	struct hw_ls_rcv *free, *answered;
};

/* Put the n contexts of ctx on the free list. */
void hw_ls_rcv_init(struct hw_ls_rcv_pool *pool, struct hw_ls_rcv *ctx, unsigned int n);
/* Take a free context for the LS_REQ event e and copy its payload in
 * (rsp zeroed, id and slot set). 0, -EBUSY if none is free, or -EINVAL if
 * the payload is empty or too long; the caller refuses the LS with it. */
int hw_ls_rcv_take(struct hw_ls_rcv_pool *pool, const struct hw_eqe *e, struct hw_ls_rcv **out);
/* Give back a context the transport did not take. */
void hw_ls_rcv_put(struct hw_ls_rcv_pool *pool, struct hw_ls_rcv *c);
/* The transport's response for c went out (or was dropped): reap it. */
void hw_ls_rcv_answered(struct hw_ls_rcv_pool *pool, struct hw_ls_rcv *c);
/* Free every answered context and run its rsp.done; returns how many. */
int hw_ls_rcv_reap(struct hw_ls_rcv_pool *pool);
/* Whether answered contexts wait for hw_ls_rcv_reap. */
bool hw_ls_rcv_pending(const struct hw_ls_rcv_pool *pool);

#endif /* HW_LS_H */
