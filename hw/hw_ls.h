/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link Service exchanges of one port, for both roles: the table of LS
 * requests we sent and await a response for (with their timeouts, aborts and
 * failures), and sending LS requests and responses as slow-path events.
 * Control thread only.
 */
#ifndef HW_LS_H
#define HW_LS_H

#include <stdint.h>

#include <fcnvme/nvme_fc_driver.h>

#include "hw_priv.h"

#define HW_LS_PEND 64

struct hw_ls_pend {
	struct nvmefc_ls_req *req; /* NULL = free */
	void *owner;		   /* the remote port it went to */
	uint64_t id;
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
/* An LS_RSP event arrived: copy (truncated to rsplen) and complete. */
void hw_ls_rsp(struct hw_ls_table *t, const struct hw_eqe *e);
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

#endif /* HW_LS_H */
