// SPDX-License-Identifier: Apache-2.0
/*
 * The NVMe target core's test harness (see core_harness.h): synchronous
 * env, fake transport associations and queues, command helpers.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

struct harness *H;

static int h_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)env;
	(void)hwqid;
	if (H->fail_hwq > 0) {
		H->fail_hwq--;
		return -EAGAIN;
	}
	fn(arg);
	return 0;
}

static int h_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	if (H->fail_ctl > 0) {
		H->fail_ctl--;
		return -EAGAIN;
	}
	fn(arg);
	return 0;
}

static const struct nvmet_fc_env_ops h_env = {
	.run_on_hwq = h_run_on_hwq,
	.run_on_ctl = h_run_on_ctl,
};

static struct h_assoc *h_assoc_of(struct nvmet_fc_sq *fc_sq, uint16_t *qid)
{
	const char *p = (const char *)fc_sq;
	int i;

	for (i = 0; i < H->nr_assocs; i++) {
		struct h_assoc *a = H->assocs[i];

		if (p >= a->tag && p <= a->tag + TGT_MAX_QID) {
			*qid = (uint16_t)(p - a->tag);
			return a;
		}
	}
	return NULL;
}

/* The fake transport's association teardown: synchronous. */
static void h_delete_assoc(struct nvmet_fc_sq *fc_sq)
{
	struct h_assoc *a;
	uint16_t qid;

	a = h_assoc_of(fc_sq, &qid);
	ck_assert_ptr_nonnull(a);
	a->nr_delete++;
	if (a->nr_delete > 1 || !a->alive[0] || H->defer_delete)
		return;
	h_assoc_teardown(a);
}

void h_queue_stop(struct h_assoc *a, uint16_t qid)
{
	if (a->alive[qid])
		tgt_core_ops()->sq_stop(H->t, a->core_sq[qid]);
}

void h_queue_destroy(struct h_assoc *a, uint16_t qid)
{
	if (a->alive[qid]) {
		tgt_core_ops()->sq_destroy(H->t, a->core_sq[qid]);
		a->alive[qid] = false;
	}
}

void h_assoc_stop(struct h_assoc *a)
{
	int q;

	for (q = 0; q <= TGT_MAX_QID; q++)
		h_queue_stop(a, (uint16_t)q);
}

void h_assoc_destroy(struct h_assoc *a)
{
	int q;

	for (q = TGT_MAX_QID; q >= 0; q--)
		h_queue_destroy(a, (uint16_t)q);
}

/* The fake transport's teardown of one association: stop, then destroy
 * I/O queues and the admin queue last. */
void h_assoc_teardown(struct h_assoc *a)
{
	h_assoc_stop(a);
	h_assoc_destroy(a);
}

static void h_disc_chg(struct nvmet_fc_target_port *tp)
{
	(void)tp;
	H->nr_disc_chg++;
}

void h_setup_dir(const char *state_dir)
{
	H = calloc(1, sizeof(*H));
	ck_assert_ptr_nonnull(H);
	H->t = tgt_create(&h_env, NULL, state_dir);
	ck_assert_ptr_nonnull(H->t);
	clock_fake_init(&H->clock, 1000000);
	H->t->clock = &H->clock;
	H->t->delete_assoc = h_delete_assoc;
	H->t->discovery_chg = h_disc_chg;
	H->tp1.node_name = H_WWNN;
	H->tp1.port_name = H_WWPN;
	H->tp2.node_name = H_WWNN2;
	H->tp2.port_name = H_WWPN2;
	H->lim1.max_data_len = 1u << 20;
	H->lim1.max_queue_size = 1024;
	H->lim1.max_io_queues = 128;
	H->lim2 = H->lim1;
	ck_assert_int_eq(tgt_port_add(H->t, 1, &H->tp1, "p1"), 0);
	ck_assert_int_eq(tgt_port_add(H->t, 2, &H->tp2, "p2"), 0);
}

void h_setup(void)
{
	h_setup_dir(NULL);
}

void h_teardown(void)
{
	int i;

	for (i = 0; i < H->nr_assocs; i++) {
		h_assoc_destroy(H->assocs[i]);
		free(H->assocs[i]);
	}
	tgt_destroy(H->t);
	free(H);
	H = NULL;
}

void h_std_subsys(void)
{
	struct tgt_subsys_params sp = { .nqn = H_SUBNQN,
					.serial = "SN123",
					.model = "Model X",
					.firmware = "1.2",
					.ieee_oui = 0x0090fa };
	struct tgt_ns_params np = { .nsid = 1, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	char err[128];

	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
}

struct h_be h_be;
struct h_cw h_cw;

/* ram's operation, plus an atomic (single-threaded here) compare and
 * write */
static uint16_t h_be_run(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			 uint64_t off, uint64_t len)
{
	struct nvmet_fc_req rd = { 0 };
	const void *cmp;
	uint16_t st;

	if (op != BE_COMPARE_WRITE)
		return backend_ram_ops.submit(be, req, op, off, len);
	cmp = tgt_req_fused_cmp(req);
	ck_assert_ptr_nonnull(cmp);
	rd.data = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(rd.data);
	ck_assert_uint_eq(backend_ram_ops.submit(be, &rd, BE_READ, off, len), 0);
	st = memcmp(rd.data, cmp, len) ? NVME_SC_COMPARE_FAILED : 0;
	free(rd.data);
	if (st)
		return st;
	return backend_ram_ops.submit(be, req, BE_WRITE, off, len);
}

static uint16_t h_be_exec(const struct h_be_op *o)
{
	uint16_t st = h_be_run(o->be, o->req, o->op, o->off, o->len);

	if (h_be.ran)
		h_be.ran(o, st);
	return st;
}

static uint16_t h_be_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			    uint64_t off, uint64_t len)
{
	const struct h_be_op o = { .be = be, .req = req, .op = op, .off = off, .len = len };
	uint16_t st = h_be.decide ? h_be.decide(req, op) : 0;

	if (op == BE_COMPARE_WRITE)
		ck_assert_ptr_nonnull(tgt_req_fused_cmp(req));
	ck_assert_msg(!h_be_holds(req), "submitted while the backend holds it");
	if (!st)
		return h_be_exec(&o);
	if (st != BE_PENDING)
		return st;
	ck_assert_int_lt(h_be.nr_held, H_BE_MAX);
	h_be.held[h_be.nr_held++] = o;
	return BE_PENDING;
}

bool h_be_holds(const struct nvmet_fc_req *req)
{
	int i;

	for (i = 0; i < h_be.nr_held; i++)
		if (h_be.held[i].req == req)
			return true;
	return false;
}

void h_be_complete(int i, uint16_t status)
{
	struct h_be_op o;

	ck_assert_int_lt(i, h_be.nr_held);
	o = h_be.held[i];
	memmove(&h_be.held[i], &h_be.held[i + 1],
		(size_t)(h_be.nr_held - i - 1) * sizeof(h_be.held[0]));
	h_be.nr_held--;
	if (!status)
		status = h_be_exec(&o);
	tgt_req_io_done(o.req, status);
}

static struct backend_ops h_be_ops, h_be_cw_ops;

static void h_be_close(struct backend *be)
{
	h_be.closes++;
	backend_ram_ops.close(be);
}

void h_be_use(uint32_t nsid, bool compare_write)
{
	struct ns *ns;

	h_be_ops = backend_ram_ops;
	h_be_ops.submit = h_be_submit;
	h_be_ops.close = h_be_close;
	h_be_cw_ops = h_be_ops;
	h_be_cw_ops.compare_write = true;
	for (ns = H->t->subsys_list->ns_list; ns && ns->nsid != nsid; ns = ns->next)
		;
	ck_assert_ptr_nonnull(ns);
	ns->be->ops = compare_write ? &h_be_cw_ops : &h_be_ops;
}

static uint16_t h_cw_decide(struct nvmet_fc_req *req, enum backend_op op)
{
	if (op != BE_COMPARE_WRITE)
		return 0;
	h_cw.calls++;
	if (!h_cw.async)
		return 0;
	h_cw.held = req;
	return BE_PENDING;
}

void h_ns1_compare_write(void)
{
	memset(&h_be, 0, sizeof(h_be));
	memset(&h_cw, 0, sizeof(h_cw));
	h_be.decide = h_cw_decide;
	h_be_use(1, true);
}

static void h_queue_create(struct h_assoc *a, uint16_t qid, uint16_t sqsize)
{
	const struct nvmet_fc_core_cfg *lim = a->tp == &H->tp2 ? &H->lim2 : &H->lim1;
	struct nvmet_fc_sq_info info = {
		.tgtport = a->tp,
		.fc_sq = (struct nvmet_fc_sq *)(void *)&a->tag[qid],
		.association_id = a->id,
		.connection_id = a->id | qid,
		.qid = qid,
		.sqsize = sqsize,
		.hwqid = qid ? (uint16_t)((qid - 1) % 2) : 0,
		.host_wwnn = 0x20000090fa00aa01ull,
		.host_wwpn = H_HOST_WWPN,
		.max_data_len = lim->max_data_len,
		.max_queue_size = lim->max_queue_size,
		.max_io_queues = lim->max_io_queues,
	};

	ck_assert_int_eq(tgt_core_ops()->sq_create(H->t, &info, &a->core_sq[qid]), 0);
	a->alive[qid] = true;
}

struct h_assoc *h_assoc_new(struct nvmet_fc_target_port *tp)
{
	struct h_assoc *a = calloc(1, sizeof(*a));

	ck_assert_ptr_nonnull(a);
	ck_assert_int_lt(H->nr_assocs, 16);
	a->tp = tp;
	a->id = (uint64_t)(H->nr_assocs + 1) << 16;
	H->assocs[H->nr_assocs++] = a;
	h_queue_create(a, 0, 31);
	return a;
}

void h_queue_new(struct h_assoc *a, uint16_t qid, uint16_t sqsize)
{
	h_queue_create(a, qid, sqsize);
}

static uint16_t h_cid;

static void h_queue_response(struct nvmet_fc_req *req)
{
	struct h_req *r = (struct h_req *)req;

	r->nr_done++;
}

struct h_req *h_req_new(struct h_assoc *a, uint16_t qid, uint32_t len)
{
	struct h_req *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	/* Page aligned, as the transport's DMA buffers are (O_DIRECT). */
	r->data = aligned_alloc(4096, (len + 4095) / 4096 * 4096 + 4096);
	ck_assert_ptr_nonnull(r->data);
	memset(r->data, 0, len);
	r->cmd.common.flags = NVME_CMD_SGL_METABUF;
	r->cmd.common.command_id = htole16(++h_cid);
	r->cmd.common.dptr.type = NVME_SGL_TYPE_FC_DATA;
	r->cmd.common.dptr.length = htole32(len);
	r->req.cmd = &r->cmd;
	r->req.cqe = &r->cqe;
	r->req.data = r->data;
	r->req.transfer_len = len;
	r->req.qid = qid;
	r->req.hwqid = qid ? (uint16_t)((qid - 1) % 2) : 0;
	r->req.core_sq = a->core_sq[qid];
	r->req.fc_sq = (struct nvmet_fc_sq *)(void *)&a->tag[qid];
	r->req.queue_response = h_queue_response;
	return r;
}

void h_req_free(struct h_req *r)
{
	free(r->data);
	free(r);
}

uint16_t h_status(const struct h_req *r)
{
	if (!r->nr_done)
		return H_PENDING;
	ck_assert_int_eq(r->nr_done, 1);
	ck_assert_int_eq(r->cqe.command_id, r->cmd.common.command_id);
	ck_assert_int_eq(le16toh(r->cqe.sq_id), r->req.qid);
	return le16toh(r->cqe.status) >> 1;
}

uint16_t h_run(struct h_req *r)
{
	uint16_t st;

	st = tgt_core_ops()->req_init(H->t, &r->req);
	if (st) {
		ck_assert_int_eq(le16toh(r->cqe.status) >> 1, st);
		return st;
	}
	ck_assert_ptr_nonnull(r->req.execute);
	r->req.execute(&r->req);
	return h_status(r);
}

static struct h_req *h_connect_req(struct h_assoc *a, uint16_t qid, const char *subnqn,
				   const char *hostnqn, uint16_t sqsize, uint32_t kato,
				   uint16_t cntlid)
{
	struct h_req *r = h_req_new(a, qid, sizeof(struct nvmf_connect_data));
	struct nvmf_connect_data *d = (struct nvmf_connect_data *)r->data;

	r->cmd.connect.opcode = nvme_fabrics_command;
	r->cmd.connect.fctype = nvme_fabrics_type_connect;
	r->cmd.connect.qid = htole16(qid);
	r->cmd.connect.sqsize = htole16(sqsize);
	r->cmd.connect.kato = htole32(kato);
	memset(d->hostid, 0xab, 16);
	/* other hosts: another host identifier (ab..ab<last NQN char>) */
	if (strcmp(hostnqn, H_HOSTNQN))
		d->hostid[15] = (uint8_t)hostnqn[strlen(hostnqn) - 1];
	d->cntlid = htole16(cntlid);
	strcpy(d->subsysnqn, subnqn);
	strcpy(d->hostnqn, hostnqn);
	return r;
}

uint16_t h_connect_admin(struct h_assoc *a, const char *subnqn, const char *hostnqn, uint32_t kato)
{
	struct h_req *r = h_connect_req(a, 0, subnqn, hostnqn, 31, kato, 0xffff);
	uint16_t st = h_run(r);

	if (!st)
		a->cntlid = (uint16_t)le32toh(r->cqe.result.dw0);
	h_req_free(r);
	return st;
}

uint16_t h_connect_io(struct h_assoc *a, uint16_t qid, const char *subnqn, const char *hostnqn,
		      uint16_t sqsize)
{
	struct h_req *r = h_connect_req(a, qid, subnqn, hostnqn, sqsize, 0, a->cntlid);
	uint16_t st = h_run(r);

	h_req_free(r);
	return st;
}

uint16_t h_prop_set_cc(struct h_assoc *a, uint32_t cc)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint16_t st;

	r->cmd.prop_set.opcode = nvme_fabrics_command;
	r->cmd.prop_set.fctype = nvme_fabrics_type_property_set;
	r->cmd.prop_set.offset = htole32(NVME_REG_CC);
	r->cmd.prop_set.value = htole64(cc);
	st = h_run(r);
	h_req_free(r);
	return st;
}

struct h_assoc *h_ctrl_ready(struct nvmet_fc_target_port *tp, const char *subnqn,
			     const char *hostnqn, uint16_t nr_io)
{
	struct h_assoc *a = h_assoc_new(tp);
	uint16_t q;

	ck_assert_int_eq(h_connect_admin(a, subnqn, hostnqn, 5000), 0);
	ck_assert_int_eq(h_prop_set_cc(a, H_CC_READY), 0);
	for (q = 1; q <= nr_io; q++) {
		h_queue_new(a, q, 127);
		ck_assert_int_eq(h_connect_io(a, q, subnqn, hostnqn, 127), 0);
	}
	return a;
}

uint16_t h_identify(struct h_assoc *a, uint8_t cns, uint32_t nsid, uint32_t cdw11, uint8_t *out)
{
	struct h_req *r = h_req_new(a, 0, 4096);
	uint16_t st;

	r->cmd.common.opcode = nvme_admin_identify;
	r->cmd.common.nsid = htole32(nsid);
	r->cmd.common.cdw10 = htole32(cns);
	r->cmd.common.cdw11 = htole32(cdw11);
	st = h_run(r);
	if (out)
		memcpy(out, r->data, 4096);
	h_req_free(r);
	return st;
}

uint16_t h_get_log(struct h_assoc *a, uint8_t lid, uint8_t lsp, bool rae, uint32_t nsid,
		   uint64_t off, uint32_t len, uint8_t *out)
{
	struct h_req *r = h_req_new(a, 0, len);
	uint32_t numd = len / 4 - 1;
	uint16_t st;

	r->cmd.common.opcode = nvme_admin_get_log_page;
	r->cmd.common.nsid = htole32(nsid);
	r->cmd.common.cdw10 = htole32(lid | ((uint32_t)lsp << 8) | (rae ? NVME_GLP_RAE : 0) |
				      ((numd & 0xffff) << 16));
	r->cmd.common.cdw11 = htole32(numd >> 16);
	r->cmd.common.cdw12 = htole32((uint32_t)off);
	r->cmd.common.cdw13 = htole32((uint32_t)(off >> 32));
	st = h_run(r);
	if (out)
		memcpy(out, r->data, len);
	h_req_free(r);
	return st;
}

uint16_t h_io(struct h_assoc *a, uint16_t qid, uint8_t opcode, uint32_t nsid, uint64_t slba,
	      uint32_t nlb, void *buf, uint32_t len)
{
	struct h_req *r = h_req_new(a, qid, len);
	uint16_t st;

	r->cmd.rw.opcode = opcode;
	r->cmd.rw.nsid = htole32(nsid);
	r->cmd.rw.slba = htole64(slba);
	r->cmd.rw.length = htole16((uint16_t)(nlb - 1));
	if (buf && len)
		memcpy(r->data, buf, len);
	st = h_run(r);
	if (st == H_PENDING) {
		while (!r->nr_done)
			tgt_hwq_poll(H->t, 0);
		st = h_status(r);
	}
	if (buf && len)
		memcpy(buf, r->data, len);
	h_req_free(r);
	return st;
}

struct h_req *h_aer(struct h_assoc *a)
{
	struct h_req *r = h_req_new(a, 0, 0);

	r->cmd.common.opcode = nvme_admin_async_event;
	ck_assert_uint_eq(h_run(r), H_PENDING);
	return r;
}
