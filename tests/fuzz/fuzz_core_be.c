// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_core_cmd's backend: the harness's test-driven backend (h_be, ram
 * underneath) answering each submission as the input's policy (fz.pol)
 * says, completing held operations when a record says so; and the checks
 * on the operations that ran, against a shadow of each medium (fz.img1,
 * fz.img2).
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_core.h"

/* Statuses a backend answers with (file: errno mapped; rbd: fenced,
 * quota, not ready), and success. */
static const uint16_t fz_be_err[] = {
	NVME_SC_INTERNAL,
	NVME_SC_WRITE_FAULT,
	NVME_SC_READ_ERROR,
	NVME_SC_COMPARE_FAILED,
	NVME_SC_NS_NOT_READY,
	NVME_SC_ANA_INACCESSIBLE,
	NVME_SC_CAP_EXCEEDED | NVME_SC_DNR,
	NVME_SC_INVALID_FIELD | NVME_SC_DNR,
};

uint16_t fz_be_status(uint8_t sel)
{
	return sel & 0x80 ? fz_be_err[sel % 8] : 0;
}

/* FNV-1a, for a Read's data from the backend to its response. */
uint64_t fz_be_hash(const uint8_t *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* The backend answered req's operation op with status st. */
static void fz_be_answer(struct nvmet_fc_req *req, enum backend_op op, uint16_t st)
{
	struct fz_req *f = fz_req_find(req);

	if (!f)
		fz_fail("backend operation for an unknown request", (struct h_req *)req);
	f->be_n++;
	f->be_op = (uint8_t)op;
	f->be_st = st;
}

/* h_be.ran: an operation ran on ram. It names the command's blocks; a Read
 * returns what the writes before it left, a Compare's result agrees;
 * writes update the image. (Operations on a namespace removed meanwhile
 * are only counted.) */
void fz_be_ran(const struct h_be_op *o, uint16_t st)
{
	const struct nvme_rw_command *rw = &o->req->cmd->rw;
	struct h_req *r = (struct h_req *)o->req;
	bool ns1 = o->be == fz.be1;
	uint8_t *img = ns1 ? fz.img1 : fz.img2;
	uint64_t size = ns1 ? sizeof(fz.img1) : fz.ns2_size;
	unsigned int shift = ns1 ? 9 : fz.ns2_shift;
	const void *cmp;

	fz_be_answer(o->req, o->op, st);
	if (!ns1 && o->be != fz.be2)
		return;
	if (o->off > size || o->len > size - o->off)
		fz_fail("backend operation past the namespace's end", r);
	if (o->op != BE_FLUSH && o->op != BE_DISCARD &&
	    (o->off != le64toh(rw->slba) << shift || o->len != ((uint64_t)le16toh(rw->length) + 1)
								       << shift))
		fz_fail("backend operation on other blocks than the command's", r);
	switch (o->op) {
	case BE_READ:
		if (st)
			break;
		if (memcmp(r->data, img + o->off, o->len))
			fz_fail("Read returned other bytes than the writes left", r);
		fz_req_find(o->req)->rchk = true;
		fz_req_find(o->req)->rhash = fz_be_hash(r->data, o->len);
		break;
	case BE_COMPARE:
		if ((st == NVME_SC_COMPARE_FAILED) != !!memcmp(r->data, img + o->off, o->len))
			fz_fail("Compare's result disagrees with the medium", r);
		break;
	case BE_COMPARE_WRITE:
		cmp = tgt_req_fused_cmp(o->req);
		if ((st == NVME_SC_COMPARE_FAILED) != !!memcmp(cmp, img + o->off, o->len))
			fz_fail("Compare and Write's result disagrees with the medium", r);
		if (!st)
			memcpy(img + o->off, r->data, o->len);
		break;
	case BE_WRITE:
	case BE_WRITE_FUA:
		if (!st)
			memcpy(img + o->off, r->data, o->len);
		break;
	case BE_WRITE_ZEROES:
	case BE_DISCARD:
		memset(img + o->off, 0, o->len);
		break;
	default:
		break;
	}
}

/* h_be.decide: the policy's next two bits. */
uint16_t fz_be_decide(struct nvmet_fc_req *req, enum backend_op op)
{
	unsigned int b = fz.pol & 3;

	(void)op;
	fz.pol = fz.pol >> 2 | (fz.pol & 3) << 30;
	if (fz.trace && b)
		fprintf(stderr, "  cid %u: backend %s\n", le16toh(req->cmd->common.command_id),
			b == 3 ? "error" : "pending");
	if (b == 3) {
		uint16_t st = fz_be_err[fz.pol_st++ % 8];

		fz_be_answer(req, op, st);
		return st;
	}
	return b ? BE_PENDING : 0;
}

bool fz_be_waits(const struct h_req *r)
{
	int i;

	for (i = 0; i < h_be.nr_held; i++)
		if (h_be.held[i].req == &r->req ||
		    (h_be.held[i].op == BE_COMPARE_WRITE &&
		     tgt_req_fused_cmp(h_be.held[i].req) == r->data && r->data))
			return true;
	return false;
}

/* A Reservation Acquire with Preempt and Abort completes once the
 * preempted hosts' commands on its namespace have (daemon/core/
 * resv_abort.c); the harness does not follow registrations, so: r is such
 * an Acquire and the backend holds an operation of its namespace for
 * another association. (If the Acquire never completed, the end's checks
 * would find its association alive.) */
bool fz_be_preempt_waits(const struct h_req *r)
{
	const struct fz_req *mine = fz_req_find(&r->req), *f;
	int i;

	if (r->cmd.common.opcode != nvme_cmd_resv_acquire ||
	    (le32toh(r->cmd.common.cdw10) & 7) != NVME_RESV_PREEMPT_ABORT || !mine)
		return false;
	for (i = 0; i < h_be.nr_held; i++) {
		f = fz_req_find(h_be.held[i].req);
		if (f && f->a != mine->a &&
		    h_be.held[i].req->cmd->common.nsid == r->cmd.common.nsid)
			return true;
	}
	return false;
}

/* (status: see fz_be_status) */
void fz_be_complete(int i, uint16_t status)
{
	if (fz.trace)
		fprintf(stderr, "  backend completes cid %u: %#x\n",
			le16toh(h_be.held[i].req->cmd->common.command_id), status);
	if (status)
		fz_be_answer(h_be.held[i].req, h_be.held[i].op, status);
	h_be_complete(i, status);
}

/* Bounded: a Dataset Management command may submit its next range. */
void fz_be_complete_all(bool reverse, uint16_t status)
{
	int n;

	for (n = 0; h_be.nr_held && n < 4 * H_BE_MAX; n++) {
		fz_be_complete(reverse ? h_be.nr_held - 1 : 0, status);
		status = 0;
	}
}
