// SPDX-License-Identifier: Apache-2.0
/*
 * The fake NVMe core and environment (see fake_core.h).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "fake_core.h"

struct fake_core *fcore;

static int fake_sq_create(void *core, const struct nvmet_fc_sq_info *info, void **core_sq)
{
	int rc = fcore->fail_sq_create;

	(void)core;
	if (rc) {
		fcore->fail_sq_create = 0;
		return rc;
	}
	if (fcore->nsq_create >= FAKE_CORE_MAX_SQ)
		return -12;
	fcore->sq_info[fcore->nsq_create] = *info;
	/* The core_sq handle is 1 + index: never NULL. */
	*core_sq = (void *)(uintptr_t)(++fcore->nsq_create);
	return 0;
}

static void fake_sq_destroy(void *core, void *core_sq)
{
	uintptr_t i = (uintptr_t)core_sq - 1;

	(void)core;
	if (fcore->nsq_destroy < FAKE_CORE_MAX_SQ)
		fcore->destroyed_qids[fcore->nsq_destroy++] = fcore->sq_info[i].qid;
}

static void fake_sq_stop(void *core, void *core_sq)
{
	(void)core;
	(void)core_sq;
	fcore->nsq_stop++;
}

/* Fill the CQE as an nvmet core would and hand it back. */
static void fake_respond(struct nvmet_fc_req *req)
{
	struct nvme_completion *cqe = req->cqe;

	cqe->command_id = req->cmd->common.command_id;
	cqe->sq_id = htole16(req->qid);
	cqe->status = htole16((uint16_t)(fcore->status << 1));
	cqe->result.dw0 = htole32(fcore->dw0);
	cqe->result.dw1 = htole32(fcore->dw1);
	if (fcore->set_sq_head)
		cqe->sq_head = htole16(fcore->sq_head);
	fcore->status = 0;
	fcore->dw0 = 0;
	fcore->dw1 = 0;
	fcore->set_sq_head = false;
	req->queue_response(req);
}

static void fake_execute(struct nvmet_fc_req *req)
{
	fcore->nexec++;
	if (req->transfer_len && (req->cmd->common.opcode & 1)) {
		memcpy(fcore->write_seen, req->data,
		       req->transfer_len < sizeof(fcore->write_seen) ? req->transfer_len
								     : sizeof(fcore->write_seen));
		fcore->write_hash = fake_hash(req->data, req->transfer_len);
		fcore->write_len = req->transfer_len;
	} else if (req->transfer_len && fcore->read_ref) {
		fcore->read_ref_rc = nvmet_fc_req_data_ref(req, fcore->read_ref,
							   fcore->read_ref_len ? fcore->read_ref_len
									       : req->transfer_len);
		if (fcore->read_ref_rc)
			memcpy(req->data, fcore->read_ref, req->transfer_len);
	} else if (req->transfer_len)
		memset(req->data, fcore->read_fill, req->transfer_len);
	if (fcore->hold && fcore->nheld < FAKE_CORE_MAX_HELD) {
		fcore->held[fcore->nheld++] = req;
		return;
	}
	fake_respond(req);
}

static uint16_t fake_req_init(void *core, struct nvmet_fc_req *req)
{
	uint16_t st = fcore->init_status;

	(void)core;
	fcore->ninit++;
	if (st) {
		fcore->init_status = 0;
		req->cqe->command_id = req->cmd->common.command_id;
		req->cqe->sq_id = htole16(req->qid);
		req->cqe->status = htole16((uint16_t)(st << 1));
		return st;
	}
	if (fcore->lower_transfer_len) {
		req->transfer_len = fcore->lower_transfer_len;
		fcore->lower_transfer_len = 0;
	}
	req->execute = fake_execute;
	return 0;
}

static void fake_req_abort(void *core, struct nvmet_fc_req *req)
{
	(void)core;
	(void)req;
	fcore->nabort_req++;
}

static void fake_req_data_done(void *core, struct nvmet_fc_req *req)
{
	(void)core;
	(void)req;
	fcore->ndata_done++;
}

static int fake_push(void (*fn)(void *), void *arg, int hwqid)
{
	struct fake_msg *m;

	if (fcore->immediate) {
		fn(arg);
		return 0;
	}
	if (fcore->msg_tail - fcore->msg_head >= FAKE_CORE_MAX_MSGS)
		return -11;
	m = &fcore->msgs[fcore->msg_tail++ % FAKE_CORE_MAX_MSGS];
	m->fn = fn;
	m->arg = arg;
	m->hwqid = hwqid;
	return 0;
}

static int fake_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	int rc = fcore->fail_run_on_hwq;

	(void)env;
	if (rc) {
		fcore->fail_run_on_hwq = 0;
		return rc;
	}
	fcore->nmsgs_hwq++;
	return fake_push(fn, arg, hwqid);
}

static int fake_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	fcore->nmsgs_ctl++;
	return fake_push(fn, arg, -1);
}

/* FNV-1a. */
uint32_t fake_hash(const uint8_t *p, uint32_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void fake_ls_rejected(void *arg, const struct nvmet_fc_ls_rjt_info *info)
{
	(void)arg;
	fcore->nls_rejected++;
	fcore->ls_rjt = *info;
}

/* Create the fake core and bind it to tp. */
struct fake_core *fake_core_new(struct nvmet_fc_target_port *tp,
				const struct nvmet_fc_core_cfg *cfg)
{
	fcore = calloc(1, sizeof(*fcore));
	if (!fcore)
		abort();
	fcore->ops.sq_create = fake_sq_create;
	fcore->ops.sq_destroy = fake_sq_destroy;
	fcore->ops.sq_stop = fake_sq_stop;
	fcore->ops.req_init = fake_req_init;
	fcore->ops.req_abort = fake_req_abort;
	fcore->ops.req_data_done = fake_req_data_done;
	fcore->env.run_on_hwq = fake_run_on_hwq;
	fcore->env.run_on_ctl = fake_run_on_ctl;
	if (cfg)
		fcore->cfg = *cfg;
	if (tp && nvmet_fc_set_ls_rjt_cb(tp, fake_ls_rejected, fcore))
		abort();
	if (tp && nvmet_fc_bind_core(tp, &fcore->ops, fcore, &fcore->env, fcore, cfg))
		abort();
	return fcore;
}

/* Free the fake core. */
void fake_core_free(void)
{
	free(fcore);
	fcore = NULL;
}

/* Run queued messages until the queue is empty. */
unsigned int fake_pump(void)
{
	unsigned int n = 0;

	while (fcore->msg_head != fcore->msg_tail) {
		struct fake_msg m = fcore->msgs[fcore->msg_head++ % FAKE_CORE_MAX_MSGS];

		m.fn(m.arg);
		n++;
	}
	return n;
}

/* Complete held request i. */
void fake_core_complete(unsigned int i)
{
	struct nvmet_fc_req *req;

	if (i >= fcore->nheld)
		return;
	req = fcore->held[i];
	fcore->held[i] = fcore->held[--fcore->nheld];
	fake_respond(req);
}

/* Complete every held request, oldest first. */
void fake_core_complete_all(void)
{
	while (fcore->nheld) {
		struct nvmet_fc_req *req = fcore->held[0];

		memmove(&fcore->held[0], &fcore->held[1],
			(fcore->nheld - 1) * sizeof(fcore->held[0]));
		fcore->nheld--;
		fake_respond(req);
	}
}
