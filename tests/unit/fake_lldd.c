// SPDX-License-Identifier: Apache-2.0
/*
 * The fake target LLDD (see fake_lldd.h): a recording implementation of
 * nvmet_fc_target_template that moves data like fcloop, with knobs to fail,
 * shorten, hold or ABTS any op.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/ls.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>

#include "fake_core.h"
#include "fake_lldd.h"

struct fake_lldd *fake;

static struct fake_rec *fake_rec(enum fake_call call)
{
	struct fake_rec *r;

	if (fake->nrecs >= FAKE_MAX_RECS)
		abort(); /* a test that floods the recorder is broken */
	r = &fake->recs[fake->nrecs++];
	memset(r, 0, sizeof(*r));
	r->call = call;
	return r;
}

static uint32_t fake_host_len(void)
{
	return fake->host_len ? fake->host_len : FAKE_XCHG_DATA;
}

static struct fake_xchg *fake_xchg_of(struct nvmefc_tgt_fcp_req *req)
{
	return (struct fake_xchg *)(void *)req;
}

static void fake_targetport_delete(struct nvmet_fc_target_port *tp)
{
	(void)tp;
	fake_rec(FC_TGTPORT_DELETE);
	fake->tp = NULL;
}

static int fake_xmt_ls_rsp(struct nvmet_fc_target_port *tp, struct nvmefc_ls_rsp *lsrsp)
{
	struct fake_rec *r = fake_rec(FC_XMT_LS_RSP);
	int rc;

	(void)tp;
	r->lsrsp = lsrsp;
	r->ls_len = lsrsp->rsplen;
	memcpy(r->ls, lsrsp->rspbuf, lsrsp->rsplen < sizeof(r->ls) ? lsrsp->rsplen : sizeof(r->ls));
	rc = fake->fail_xmt_ls_rsp;
	if (rc) {
		fake->fail_xmt_ls_rsp = 0;
		return rc;
	}
	if (!fake->hold_ls_rsp)
		lsrsp->done(lsrsp);
	return 0;
}

static void fake_move_data(struct fake_xchg *x, struct nvmefc_tgt_fcp_req *req, uint32_t len)
{
	uint32_t off = req->offset, done = 0;
	int i;

	for (i = 0; i < req->sg_cnt && done < len; i++) {
		uint32_t n = req->sg[i].length;

		if (n > len - done)
			n = len - done;
		if (off + done + n > fake_host_len())
			break;
		if (req->op == NVMET_FCOP_WRITEDATA)
			memcpy(req->sg[i].addr, x->host + off + done, n);
		else
			memcpy(x->host + off + done, req->sg[i].addr, n);
		done += n;
	}
}

/* Finish the op in req->op now, with fcp_error (and the knobs). */
static void fake_finish(struct fake_xchg *x, int fcp_error)
{
	struct nvmefc_tgt_fcp_req *req = &x->req;
	uint8_t op = req->op;
	uint32_t len = req->transfer_length;

	x->held = false;
	if (op < 5 && fake->short_fcp_op[op]) {
		len -= len < fake->short_fcp_op[op] ? len : fake->short_fcp_op[op];
		fake->short_fcp_op[op] = 0;
	}
	if (op < 5 && fake->err_fcp_op[op]) {
		fcp_error = fake->err_fcp_op[op];
		fake->err_fcp_op[op] = 0;
	}
	if (fcp_error)
		len = 0;
	if (op != NVMET_FCOP_RSP)
		fake_move_data(x, req, len);
	req->transferred_length = len;
	req->fcp_error = fcp_error;
	req->done(req);
}

static int fake_fcp_op(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct fake_xchg *x = fake_xchg_of(req);
	struct fake_rec *r = fake_rec(FC_FCP_OP);
	uint8_t op = req->op;
	int i, rc;

	r->fcpreq = req;
	r->op = op;
	r->offset = req->offset;
	r->transfer_length = req->transfer_length;
	r->sg_cnt = req->sg_cnt;
	r->sg0 = req->sg_cnt > 0 ? req->sg[0].addr : NULL;
	r->sg_contig = true;
	for (i = 0; i < req->sg_cnt; i++) {
		r->sg_bytes += req->sg[i].length;
		if (req->sg[i].addr != (uint8_t *)r->sg0 + (size_t)i * 4096)
			r->sg_contig = false;
	}
	r->rsplen = req->rsplen;
	if (req->rsplen && req->rspaddr)
		memcpy(r->rsp, req->rspaddr,
		       req->rsplen < sizeof(r->rsp) ? req->rsplen : sizeof(r->rsp));
	if (op < 5 && fake->fail_fcp_op[op]) {
		rc = fake->fail_fcp_op[op];
		fake->fail_fcp_op[op] = 0;
		return rc;
	}
	if (fake->abts_on_op && fake->abts_on_op == op) {
		fake->abts_on_op = 0;
		x->held = true;
		nvmet_fc_rcv_fcp_abort(tp, req);
		fake_finish(x, -ECANCELED); /* the ABTS ends the op */
		return 0;
	}
	x->held = true;
	if (!fake->hold_fcp)
		fake_finish(x, 0);
	return 0;
}

static void fake_fcp_abort(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct fake_xchg *x = fake_xchg_of(req);
	struct fake_rec *r = fake_rec(FC_FCP_ABORT);

	(void)tp;
	r->fcpreq = req;
	if (x->held)
		fake_finish(x, -ECANCELED);
}

static void fake_fcp_req_release(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct fake_rec *r = fake_rec(FC_FCP_RELEASE);

	(void)tp;
	r->fcpreq = req;
	fake_xchg_of(req)->released = true;
}

static void fake_defer_rcv(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct fake_rec *r = fake_rec(FC_DEFER_RCV);

	(void)tp;
	r->fcpreq = req;
	fake_xchg_of(req)->deferred_rcv = true;
}

static void fake_discovery_event(struct nvmet_fc_target_port *tp)
{
	(void)tp;
	fake_rec(FC_DISCOVERY);
}

static int fake_ls_req(struct nvmet_fc_target_port *tp, void *hosthandle,
		       struct nvmefc_ls_req *lsreq)
{
	struct fake_rec *r = fake_rec(FC_LS_REQ);
	int rc;

	(void)tp;
	r->hosthandle = hosthandle;
	r->lsreq = lsreq;
	r->ls_len = lsreq->rqstlen;
	memcpy(r->ls, lsreq->rqstaddr,
	       lsreq->rqstlen < sizeof(r->ls) ? lsreq->rqstlen : sizeof(r->ls));
	r->rsplen = (uint16_t)lsreq->rsplen;
	r->offset = lsreq->timeout;
	rc = fake->fail_ls_req;
	if (rc) {
		fake->fail_ls_req = 0;
		return rc;
	}
	if (fake->hold_ls_req && fake->nls_reqs < 64) {
		fake->ls_reqs[fake->nls_reqs++] = lsreq;
		return 0;
	}
	lsreq->done(lsreq, 0);
	return 0;
}

static void fake_ls_abort(struct nvmet_fc_target_port *tp, void *hosthandle,
			  struct nvmefc_ls_req *lsreq)
{
	struct fake_rec *r = fake_rec(FC_LS_ABORT);
	unsigned int i;

	(void)tp;
	r->hosthandle = hosthandle;
	r->lsreq = lsreq;
	for (i = 0; i < fake->nls_reqs; i++) {
		if (fake->ls_reqs[i] == lsreq) {
			fake->ls_reqs[i] = fake->ls_reqs[--fake->nls_reqs];
			lsreq->done(lsreq, -ECANCELED);
			return;
		}
	}
}

static void fake_host_release(void *hosthandle)
{
	fake_rec(FC_HOST_RELEASE)->hosthandle = hosthandle;
}

static int fake_host_traddr(void *hosthandle, uint64_t *wwnn, uint64_t *wwpn)
{
	*wwnn = 0x1000000000000000ull | (uintptr_t)hosthandle;
	*wwpn = 0x2000000000000000ull | (uintptr_t)hosthandle;
	return 0;
}

/* Create the fake and register its target port. */
struct fake_lldd *fake_lldd_new(uint32_t max_hw_queues, uint16_t max_sgl_segments,
				uint32_t features, bool with_defer, bool with_ls_req)
{
	struct nvmet_fc_port_info pi = {
		.node_name = 0x10001100ab000001ull,
		.port_name = 0x20001100ab000001ull,
		.port_id = 0x010203,
	};

	fake = calloc(1, sizeof(*fake));
	if (!fake)
		abort();
	fake->tmpl.targetport_delete = fake_targetport_delete;
	fake->tmpl.xmt_ls_rsp = fake_xmt_ls_rsp;
	fake->tmpl.fcp_op = fake_fcp_op;
	fake->tmpl.fcp_abort = fake_fcp_abort;
	fake->tmpl.fcp_req_release = fake_fcp_req_release;
	fake->tmpl.defer_rcv = with_defer ? fake_defer_rcv : NULL;
	fake->tmpl.discovery_event = fake_discovery_event;
	fake->tmpl.ls_req = with_ls_req ? fake_ls_req : NULL;
	fake->tmpl.ls_abort = with_ls_req ? fake_ls_abort : NULL;
	fake->tmpl.host_release = fake_host_release;
	fake->tmpl.host_traddr = fake_host_traddr;
	fake->tmpl.max_hw_queues = max_hw_queues;
	fake->tmpl.max_sgl_segments = max_sgl_segments;
	fake->tmpl.max_dif_sgl_segments = max_sgl_segments;
	fake->tmpl.dma_boundary = 0xffffffff;
	fake->tmpl.target_features = features;
	fake->tmpl.target_priv_sz = 16;
	if (nvmet_fc_register_targetport(&pi, &fake->tmpl, NULL, &fake->tp))
		abort();
	return fake;
}

/* Free the fake's memory (not the port: unregister it first if needed). */
void fake_lldd_free(void)
{
	unsigned int i;

	if (!fake)
		return;
	for (i = 0; i < fake->nxchg; i++)
		free(fake->xchg[i].host);
	free(fake);
	fake = NULL;
}

/* Deliver an LS from hosthandle. */
int fake_ls(void *hosthandle, const void *buf, uint32_t len)
{
	static uint8_t copy[4096];
	struct nvmefc_ls_rsp *lsrsp = NULL;
	unsigned int i;

	if (len > sizeof(copy))
		abort();
	memcpy(copy, buf, len);
	/* A free response slot: one the transport is not using. */
	for (i = 0; i < FAKE_MAX_LSRSP; i++) {
		lsrsp = &fake->lsrsp[fake->nlsrsp++ % FAKE_MAX_LSRSP];
		if (!lsrsp->nvme_fc_private)
			break;
	}
	if (i == FAKE_MAX_LSRSP)
		return -EBUSY;
	memset(lsrsp, 0, sizeof(*lsrsp));
	fake->ls_hosthandle = hosthandle;
	return nvmet_fc_rcv_ls_req(fake->tp, hosthandle, lsrsp, copy, len);
}

/* Deliver a CMD IU on hwqid in a new exchange. */
struct fake_xchg *fake_cmd(uint16_t hwqid, const void *iu, uint32_t len)
{
	struct fake_xchg *x;

	if (fake->nxchg >= FAKE_MAX_XCHG)
		abort();
	x = &fake->xchg[fake->nxchg++];
	memset(&x->req, 0, sizeof(x->req));
	x->req.hwqid = hwqid;
	if (!x->host) {
		x->host = calloc(1, fake_host_len());
		if (!x->host)
			abort();
	}
	memcpy(x->cmdiu, iu, len < sizeof(x->cmdiu) ? len : sizeof(x->cmdiu));
	x->rcv_rc = nvmet_fc_rcv_fcp_req(fake->tp, &x->req, x->cmdiu, len);
	return x;
}

/* Complete a held op. */
void fake_complete(struct fake_xchg *x, int fcp_error)
{
	if (x->held)
		fake_finish(x, fcp_error);
}

/* Complete every held ls_req. */
void fake_complete_ls_reqs(int status)
{
	while (fake->nls_reqs) {
		struct nvmefc_ls_req *r = fake->ls_reqs[--fake->nls_reqs];

		r->done(r, status);
	}
}

/* How many calls of this kind were recorded. */
unsigned int fake_count(enum fake_call call)
{
	unsigned int i, n = 0;

	for (i = 0; i < fake->nrecs; i++)
		n += fake->recs[i].call == call;
	return n;
}

/* How many calls of this kind for exchange x. */
unsigned int fake_count_x(enum fake_call call, const struct fake_xchg *x)
{
	unsigned int i, n = 0;

	for (i = 0; i < fake->nrecs; i++)
		n += fake->recs[i].call == call && fake->recs[i].fcpreq == &x->req;
	return n;
}

/* The n-th (0-based) record of this kind, or NULL. */
const struct fake_rec *fake_nth(enum fake_call call, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < fake->nrecs; i++)
		if (fake->recs[i].call == call && n-- == 0)
			return &fake->recs[i];
	return NULL;
}

/* The last record of this kind, or NULL. */
const struct fake_rec *fake_last(enum fake_call call)
{
	unsigned int i;

	for (i = fake->nrecs; i-- > 0;)
		if (fake->recs[i].call == call)
			return &fake->recs[i];
	return NULL;
}

/* Index of the first record of call at or after from, or -1. */
int fake_find(enum fake_call call, unsigned int from)
{
	unsigned int i;

	for (i = from; i < fake->nrecs; i++)
		if (fake->recs[i].call == call)
			return (int)i;
	return -1;
}

/* ---- Helpers shared by the transport's suites and fuzzers ------------- */

/* Fake LLDD + fake core bound with cfg. */
void fake_env_new(uint32_t max_hw_queues, uint16_t max_sgl_segments, uint32_t features,
		  bool with_defer, bool with_ls_req, const struct nvmet_fc_core_cfg *cfg)
{
	fake_lldd_new(max_hw_queues, max_sgl_segments, features, with_defer, with_ls_req);
	fake_core_new(fake->tp, cfg);
}

/* Complete everything still held anywhere until nothing moves. */
static void fake_drain(void)
{
	unsigned int i, before;

	do {
		before = fake->nrecs;
		fake_pump();
		fcore->hold = false;
		fake_core_complete_all();
		fake->hold_fcp = false;
		for (i = 0; i < fake->nxchg; i++)
			fake_complete(&fake->xchg[i], -ECANCELED);
		fake->hold_ls_req = false;
		fake_complete_ls_reqs(0);
		fake->hold_ls_rsp = false;
		for (i = 0; i < fake->nrecs; i++) {
			struct nvmefc_ls_rsp *r = fake->recs[i].lsrsp;

			/* The slot may since carry a newer LS that the
			 * transport holds but has not transmitted yet (done
			 * not set): only complete what was transmitted. */
			if (fake->recs[i].call == FC_XMT_LS_RSP && r->nvme_fc_private && r->done)
				r->done(r);
		}
		fake_pump();
	} while (fake->nrecs != before && fake->tp);
}

/* Unregister if needed, let everything finish, free both fakes. */
void fake_env_free(void)
{
	if (fake->tp) {
		nvmet_fc_unregister_targetport(fake->tp);
		fake_drain();
	}
	fake_core_free();
	fake_lldd_free();
}

/* A Create Association request into buf. */
int fake_build_cra(void *buf, uint16_t ersp_ratio, uint16_t sqsize)
{
	struct fcnvme_ls_cr_assoc_params p;

	memset(&p, 0, sizeof(p));
	p.ersp_ratio = ersp_ratio;
	p.sqsize = sqsize;
	p.cntlid = 0xffff;
	memset(p.hostid, 0xab, sizeof(p.hostid));
	strcpy(p.hostnqn, "nqn.2014-08.org.nvmexpress:uuid:test-host");
	strcpy(p.subnqn, "nqn.2024-01.io.example:sub1");
	return fcnvme_ls_build_cr_assoc(buf, 1024, &p);
}

/* A Create Connection request into buf. */
int fake_build_crc(void *buf, uint64_t assoc_id, uint16_t ersp_ratio, uint16_t qid, uint16_t sqsize)
{
	struct fcnvme_ls_cr_conn_params p = {
		.association_id = assoc_id,
		.ersp_ratio = ersp_ratio,
		.qid = qid,
		.sqsize = sqsize,
	};

	return fcnvme_ls_build_cr_conn(buf, 80, &p);
}

/* Create an association and return its id, 0 if rejected. */
uint64_t fake_assoc(void *hh, uint16_t ersp_ratio, uint16_t sqsize)
{
	uint8_t buf[1024];
	uint64_t a = 0, c = 0;
	const struct fake_rec *r;

	fake_build_cra(buf, ersp_ratio, sqsize);
	if (fake_ls(hh, buf, sizeof(buf)))
		return 0;
	fake_pump();
	r = fake_last(FC_XMT_LS_RSP);
	if (!r || fcnvme_ls_parse_cr_assoc_acc(r->ls, r->ls_len, &a, &c, NULL))
		return 0;
	return a;
}

/* Create a connection and return its id, 0 if rejected. */
uint64_t fake_conn(void *hh, uint64_t assoc_id, uint16_t ersp_ratio, uint16_t qid, uint16_t sqsize)
{
	uint8_t buf[80];
	uint64_t c = 0;
	const struct fake_rec *r;

	fake_build_crc(buf, assoc_id, ersp_ratio, qid, sqsize);
	if (fake_ls(hh, buf, sizeof(buf)))
		return 0;
	fake_pump();
	r = fake_last(FC_XMT_LS_RSP);
	if (!r || fcnvme_ls_parse_cr_conn_acc(r->ls, r->ls_len, &c, NULL))
		return 0;
	return c;
}

/* Send Disconnect Association. */
int fake_disconnect(void *hh, uint64_t assoc_id)
{
	uint8_t buf[48];

	fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), assoc_id);
	return fake_ls(hh, buf, sizeof(buf));
}

/* Build a CMD IU. */
void fake_build_cmd(void *iu, uint64_t conn_id, uint8_t opcode, uint8_t flags, uint32_t data_len,
		    uint16_t cid)
{
	struct nvme_fc_cmd_iu *c = iu;
	struct nvme_command *sqe = (struct nvme_command *)(void *)c->sqe;

	memset(c, 0, sizeof(*c));
	c->format_id = NVME_CMD_FORMAT_ID;
	c->fc_id = NVME_CMD_FC_ID;
	c->iu_len = cpu_to_be16(24);
	c->rsv_cat = 0x08;
	c->flags = flags;
	c->connection_id = cpu_to_be64(conn_id);
	c->csn = cpu_to_be32(1);
	c->data_len = cpu_to_be32(data_len);
	sqe->common.opcode = opcode;
	sqe->common.flags = NVME_CMD_SGL_METABUF;
	sqe->common.command_id = htole16(cid);
	sqe->common.nsid = htole32(1);
	sqe->common.dptr.length = htole32(data_len);
	sqe->common.dptr.type = NVME_SGL_TYPE_FC_DATA;
}

/* The hwq qid is steered to. */
uint16_t fake_hwq(uint16_t qid)
{
	return qid == 0 ? 0 : (uint16_t)((qid - 1u) % fake->tmpl.max_hw_queues);
}
