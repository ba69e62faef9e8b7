// SPDX-License-Identifier: Apache-2.0
/*
 * The loop LLDD pair (see loop_lldd.h): host template + target template in
 * one process, exchanges pairing a host nvmefc_fcp_req with a target
 * nvmefc_tgt_fcp_req, data copied between their scatter lists as fcloop
 * does, and a FIFO of deferred work so that completions reach each
 * transport from a poll, never from inside its own call.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/ls.h>
#include <fcnvme/nvme.h>

#include "loop_lldd.h"

struct loop_work {
	struct loop_work *next;
	void (*fn)(void *a, void *b, int v);
	void *a, *b;
	int v;
};

/* One FCP exchange. */
struct loop_xchg {
	struct nvmefc_tgt_fcp_req treq; /* first: container */
	struct loop_pair *p;
	struct nvmefc_fcp_req *hreq;
	bool host_done; /* host completion queued */
	bool delivered; /* ... and run */
	bool released;	/* target released */
	bool tgt_aborted;
	bool host_aborted;
};

/* One LS exchange, either direction. */
struct loop_ls {
	struct nvmefc_ls_rsp lsrsp; /* first: container */
	struct loop_pair *p;
	struct nvmefc_ls_req *lsreq;
	bool req_gone; /* sender aborted */
	bool t2h;      /* target to host */
};

static void loop_queue(struct loop_pair *p, void (*fn)(void *, void *, int), void *a, void *b,
		       int v)
{
	struct loop_work *w = calloc(1, sizeof(*w));

	if (!w)
		abort();
	w->fn = fn;
	w->a = a;
	w->b = b;
	w->v = v;
	if (p->tail)
		p->tail->next = w;
	else
		p->head = w;
	p->tail = w;
	p->nr_work++;
}

/* Run queued work until the FIFO is empty. */
unsigned int loop_process(struct loop_pair *p)
{
	unsigned int n = 0;

	while (p->head) {
		struct loop_work *w = p->head;

		p->head = w->next;
		if (!p->head)
			p->tail = NULL;
		p->nr_work--;
		w->fn(w->a, w->b, w->v);
		free(w);
		n++;
	}
	return n;
}

static struct loop_pair *loop_from_lport(struct nvme_fc_local_port *lport)
{
	return *(struct loop_pair **)lport->private;
}

static struct loop_pair *loop_from_tport(struct nvmet_fc_target_port *t)
{
	return *(struct loop_pair **)t->private;
}

/* ---- work items ---------------------------------------------------------- */

static void loop_w_lsreq_done(void *a, void *b, int v)
{
	struct nvmefc_ls_req *lsreq = a;

	(void)b;
	lsreq->done(lsreq, v);
}

static void loop_w_lsrsp_done(void *a, void *b, int v)
{
	struct loop_ls *x = a;

	(void)b;
	(void)v;
	x->lsrsp.done(&x->lsrsp);
	free(x);
}

static void loop_w_env(void *a, void *b, int v)
{
	void (*fn)(void *) = (void (*)(void *))(uintptr_t)a;

	(void)v;
	fn(b);
}

static void loop_w_fcp_done(void *a, void *b, int v)
{
	struct loop_xchg *x = a;
	struct nvmefc_fcp_req *hreq = x->hreq;

	(void)b;
	hreq->status = (uint32_t)v;
	x->hreq = NULL;
	*(struct loop_xchg **)hreq->private = NULL;
	x->delivered = true;
	if (x->released)
		free(x);
	hreq->done(hreq);
}

/* ---- host template ------------------------------------------------------- */

static void loop_h_localport_delete(struct nvme_fc_local_port *lport)
{
	loop_from_lport(lport)->lport_deleted = true;
}

static void loop_h_remoteport_delete(struct nvme_fc_remote_port *rport)
{
	loop_from_lport(rport->localport)->rport_deleted = true;
}

static int loop_h_create_queue(struct nvme_fc_local_port *lport, unsigned int qidx, uint16_t qsize,
			       void **handle)
{
	(void)lport;
	(void)qsize;
	*handle = (void *)(uintptr_t)(qidx + 1);
	return 0;
}

static void loop_h_delete_queue(struct nvme_fc_local_port *lport, unsigned int qidx, void *handle)
{
	(void)lport;
	(void)qidx;
	(void)handle;
}

static int loop_h_ls_req(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			 struct nvmefc_ls_req *lsreq)
{
	struct loop_pair *p = loop_from_lport(lport);
	struct loop_ls *x;
	int rc;

	(void)rport;
	if (p->ls_sent < 4 && lsreq->rqstlen <= 1024) {
		memcpy(p->ls_log[p->ls_sent], lsreq->rqstaddr, lsreq->rqstlen);
		p->ls_log_len[p->ls_sent] = lsreq->rqstlen;
	}
	p->ls_sent++;
	*(struct loop_ls **)lsreq->private = NULL;
	if (!p->tport) {
		loop_queue(p, loop_w_lsreq_done, lsreq, NULL, -ECONNREFUSED);
		return 0;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->p = p;
	x->lsreq = lsreq;
	*(struct loop_ls **)lsreq->private = x;
	if (fcnvme_ls_cmd(lsreq->rqstaddr, lsreq->rqstlen) == FCNVME_LS_DISCONNECT_ASSOC)
		p->disconnects_rcvd++;
	rc = nvmet_fc_rcv_ls_req(p->tport, p, &x->lsrsp, lsreq->rqstaddr, lsreq->rqstlen);
	if (rc) {
		*(struct loop_ls **)lsreq->private = NULL;
		free(x);
		loop_queue(p, loop_w_lsreq_done, lsreq, NULL, rc);
	}
	return 0;
}

static void loop_h_ls_abort(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			    struct nvmefc_ls_req *lsreq)
{
	struct loop_pair *p = loop_from_lport(lport);
	struct loop_ls *x = *(struct loop_ls **)lsreq->private;

	(void)rport;
	if (!x || x->req_gone)
		return;
	x->req_gone = true;
	x->lsreq = NULL;
	*(struct loop_ls **)lsreq->private = NULL;
	loop_queue(p, loop_w_lsreq_done, lsreq, NULL, -ECANCELED);
}

static void loop_copy_sg(struct fcnvme_sg *dst, int dcnt, uint32_t doff,
			 const struct fcnvme_sg *src, int scnt, uint32_t soff, uint32_t len)
{
	int di = 0, si = 0;

	while (di < dcnt && doff >= dst[di].length)
		doff -= dst[di++].length;
	while (si < scnt && soff >= src[si].length)
		soff -= src[si++].length;
	while (len && di < dcnt && si < scnt) {
		uint32_t n = len;

		if (n > dst[di].length - doff)
			n = dst[di].length - doff;
		if (n > src[si].length - soff)
			n = src[si].length - soff;
		memcpy((char *)dst[di].addr + doff, (const char *)src[si].addr + soff, n);
		len -= n;
		doff += n;
		soff += n;
		if (doff == dst[di].length) {
			di++;
			doff = 0;
		}
		if (soff == src[si].length) {
			si++;
			soff = 0;
		}
	}
}

static int loop_h_fcp_io(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			 void *hwqh, struct nvmefc_fcp_req *fcpreq)
{
	struct loop_pair *p = loop_from_lport(lport);
	const struct nvme_fc_cmd_iu *iu = fcpreq->cmdaddr;
	uint16_t qid = le16toh(fcpreq->sqid);
	struct loop_xchg *x;
	int rc;

	(void)rport;
	(void)hwqh;
	p->fcp_sent++;
	memcpy(p->last_cmd_iu, fcpreq->cmdaddr, sizeof(p->last_cmd_iu));
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->p = p;
	x->hreq = fcpreq;
	*(struct loop_xchg **)fcpreq->private = x;
	if (p->drop_count && iu->sqe[0] == p->drop_opcode) {
		p->drop_count--;
		x->released = true; /* never reaches the target */
		return 0;
	}
	if (!p->tport) {
		x->released = true;
		x->host_done = true;
		loop_queue(p, loop_w_fcp_done, x, NULL, -ECONNREFUSED);
		return 0;
	}
	x->treq.hwqid = (uint16_t)(qid ? (qid - 1) % p->ttmpl.max_hw_queues : 0);
	rc = nvmet_fc_rcv_fcp_req(p->tport, &x->treq, fcpreq->cmdaddr, fcpreq->cmdlen);
	if (rc && rc != -EOVERFLOW) {
		x->released = true;
		x->host_done = true;
		loop_queue(p, loop_w_fcp_done, x, NULL, rc);
	}
	return 0;
}

static void loop_h_fcp_abort(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			     void *hwqh, struct nvmefc_fcp_req *fcpreq)
{
	struct loop_pair *p = loop_from_lport(lport);
	struct loop_xchg *x = *(struct loop_xchg **)fcpreq->private;

	(void)rport;
	(void)hwqh;
	if (!x || x->host_done)
		return;
	p->fcp_aborts++;
	x->host_aborted = true;
	x->host_done = true;
	if (!x->released && p->tport)
		nvmet_fc_rcv_fcp_abort(p->tport, &x->treq);
	loop_queue(p, loop_w_fcp_done, x, NULL, -ECANCELED);
}

static int loop_h_xmt_ls_rsp(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			     struct nvmefc_ls_rsp *lsrsp)
{
	struct loop_pair *p = loop_from_lport(lport);
	struct loop_ls *x = (struct loop_ls *)(void *)lsrsp;

	(void)rport;
	if (x->t2h && lsrsp->rsplen >= 4 && ((const uint8_t *)lsrsp->rspbuf)[0] == FCNVME_LS_ACC)
		p->t2h_ls_acc++;
	if (!x->req_gone && x->lsreq) {
		uint32_t n = lsrsp->rsplen < x->lsreq->rsplen ? lsrsp->rsplen : x->lsreq->rsplen;

		memcpy(x->lsreq->rspaddr, lsrsp->rspbuf, n);
		*(struct loop_ls **)x->lsreq->private = NULL;
		loop_queue(p, loop_w_lsreq_done, x->lsreq, NULL, 0);
	}
	loop_queue(p, loop_w_lsrsp_done, x, NULL, 0);
	return 0;
}

static int loop_h_poll_queue(struct nvme_fc_local_port *lport, void *hwqh)
{
	(void)hwqh;
	return (int)loop_process(loop_from_lport(lport));
}

/* ---- target template ----------------------------------------------------- */

static void loop_t_targetport_delete(struct nvmet_fc_target_port *t)
{
	loop_from_tport(t)->tport_deleted = true;
}

static void loop_w_t2h_ls(void *a, void *b, int v)
{
	struct loop_ls *x = a;
	struct loop_pair *p = x->p;
	int rc;

	(void)b;
	(void)v;
	if (x->req_gone) {
		free(x);
		return;
	}
	p->t2h_ls++;
	rc = p->rport ? nvme_fc_rcv_ls_req(p->rport, &x->lsrsp, x->lsreq->rqstaddr,
					   x->lsreq->rqstlen)
		      : -ENODEV;
	if (rc) {
		*(struct loop_ls **)x->lsreq->private = NULL;
		loop_queue(p, loop_w_lsreq_done, x->lsreq, NULL, rc);
		free(x);
	}
}

static int loop_t_ls_req(struct nvmet_fc_target_port *t, void *hosthandle,
			 struct nvmefc_ls_req *lsreq)
{
	struct loop_pair *p = loop_from_tport(t);
	struct loop_ls *x;

	(void)hosthandle;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->p = p;
	x->lsreq = lsreq;
	x->t2h = true;
	*(struct loop_ls **)lsreq->private = x;
	loop_queue(p, loop_w_t2h_ls, x, NULL, 0);
	return 0;
}

static void loop_t_ls_abort(struct nvmet_fc_target_port *t, void *hosthandle,
			    struct nvmefc_ls_req *lsreq)
{
	struct loop_pair *p = loop_from_tport(t);
	struct loop_ls *x = *(struct loop_ls **)lsreq->private;

	(void)hosthandle;
	if (!x || x->req_gone)
		return;
	x->req_gone = true;
	x->lsreq = NULL;
	*(struct loop_ls **)lsreq->private = NULL;
	loop_queue(p, loop_w_lsreq_done, lsreq, NULL, -ECANCELED);
}

static int loop_t_xmt_ls_rsp(struct nvmet_fc_target_port *t, struct nvmefc_ls_rsp *lsrsp)
{
	/* the host-to-target direction: same as the host's xmt, reversed */
	struct loop_pair *p = loop_from_tport(t);

	return loop_h_xmt_ls_rsp(p->lport, p->rport, lsrsp);
}

static void loop_apply_rsp_fault(struct loop_pair *p, struct loop_xchg *x)
{
	struct nvmefc_fcp_req *h = x->hreq;
	struct nvme_fc_ersp_iu *e = h->rspaddr;
	uint16_t cid;

	if (!p->rsp_fault_count || p->rsp_fault == LOOP_RSP_OK)
		return;
	p->rsp_fault_count--;
	switch (p->rsp_fault) {
	case LOOP_RSP_BAD_IU_LEN:
		h->rcv_rsplen = sizeof(*e);
		e->iu_len = cpu_to_be16(7);
		break;
	case LOOP_RSP_BAD_XFRD:
		h->rcv_rsplen = sizeof(*e);
		e->iu_len = cpu_to_be16(8);
		e->xfrd_len = cpu_to_be32(h->transferred_length + 512);
		break;
	case LOOP_RSP_BAD_RESULT:
		h->rcv_rsplen = sizeof(*e);
		e->iu_len = cpu_to_be16(8);
		e->xfrd_len = cpu_to_be32(h->transferred_length);
		e->ersp_result = 1;
		break;
	case LOOP_RSP_BAD_CID:
		memcpy(&cid, e->cqe + 12, 2);
		if (h->rcv_rsplen != sizeof(*e)) {
			const struct nvme_fc_cmd_iu *iu = h->cmdaddr;

			memcpy(&cid, iu->sqe + 2, 2);
			h->rcv_rsplen = sizeof(*e);
			e->iu_len = cpu_to_be16(8);
			e->xfrd_len = cpu_to_be32(h->transferred_length);
		}
		cid = htole16((uint16_t)(le16toh(cid) + 1));
		memcpy(e->cqe + 12, &cid, 2);
		break;
	case LOOP_RSP_BAD_LEN:
		h->rcv_rsplen = 20;
		break;
	case LOOP_RSP_SHORT_DATA:
		h->rcv_rsplen = NVME_FC_SIZEOF_ZEROS_RSP;
		memset(e, 0, sizeof(*e));
		h->transferred_length =
			h->transferred_length >= 512 ? h->transferred_length - 512 : 1;
		break;
	case LOOP_RSP_OK:
		break;
	}
}

/* The SQE in a host request's CMD IU. */
const struct nvme_command *loop_hreq_sqe(const struct nvmefc_fcp_req *h)
{
	const struct nvme_fc_cmd_iu *iu = h->cmdaddr;

	return (const struct nvme_command *)(const void *)iu->sqe;
}

/* The response's CQE, as an ERSP. */
struct nvme_completion *loop_hreq_cqe(struct nvmefc_fcp_req *h)
{
	struct nvme_fc_ersp_iu *e = h->rspaddr;
	struct nvme_completion *cqe = (struct nvme_completion *)(void *)e->cqe;

	if (h->rcv_rsplen == NVME_FC_SIZEOF_ZEROS_RSP || h->rcv_rsplen == 0) {
		memset(e, 0, sizeof(*e));
		e->iu_len = cpu_to_be16(sizeof(*e) / 4);
		e->xfrd_len = cpu_to_be32(h->transferred_length);
		cqe->sq_id = h->sqid;
		cqe->command_id = loop_hreq_sqe(h)->common.command_id;
		h->rcv_rsplen = sizeof(*e);
	}
	return h->rcv_rsplen == sizeof(*e) ? cqe : NULL;
}

/* Write into the host's data buffer. */
void loop_hreq_write(struct nvmefc_fcp_req *h, uint32_t off, const void *v, size_t n)
{
	struct fcnvme_sg src = { .addr = (void *)(uintptr_t)v, .length = (uint32_t)n };

	loop_copy_sg(h->first_sgl, h->sg_cnt, off, &src, 1, 0, (uint32_t)n);
}

static void loop_t_fcp_do(struct loop_pair *p, struct nvmefc_tgt_fcp_req *treq);

static void loop_w_readdata(void *a, void *b, int v)
{
	(void)v;
	loop_t_fcp_do(a, b);
}

static int loop_t_fcp_op(struct nvmet_fc_target_port *t, struct nvmefc_tgt_fcp_req *treq)
{
	struct loop_pair *p = loop_from_tport(t);

	if (p->defer_readdata && treq->op == NVMET_FCOP_READDATA)
		loop_queue(p, loop_w_readdata, p, treq, 0);
	else
		loop_t_fcp_do(p, treq);
	return 0;
}

static void loop_t_fcp_do(struct loop_pair *p, struct nvmefc_tgt_fcp_req *treq)
{
	struct loop_xchg *x = (struct loop_xchg *)(void *)treq;
	struct nvmefc_fcp_req *h = x->hreq;

	treq->transferred_length = 0;
	treq->fcp_error = 0;
	if (x->tgt_aborted || x->host_aborted || !h) {
		treq->fcp_error = -ECANCELED;
		treq->done(treq);
		return;
	}
	switch (treq->op) {
	case NVMET_FCOP_WRITEDATA:
		loop_copy_sg(treq->sg, treq->sg_cnt, 0, h->first_sgl, h->sg_cnt, treq->offset,
			     treq->transfer_length);
		treq->transferred_length = treq->transfer_length;
		h->transferred_length += treq->transfer_length;
		break;
	case NVMET_FCOP_READDATA:
	case NVMET_FCOP_READDATA_RSP:
		p->last_read_sg0 = treq->sg_cnt > 0 ? treq->sg[0].addr : NULL;
		loop_copy_sg(h->first_sgl, h->sg_cnt, treq->offset, treq->sg, treq->sg_cnt, 0,
			     treq->transfer_length);
		if (p->corrupt_read_count && h->sg_cnt) {
			p->corrupt_read_count--;
			((uint8_t *)h->first_sgl[0].addr)[treq->offset] ^= 0x5a;
		}
		treq->transferred_length = treq->transfer_length;
		h->transferred_length += treq->transfer_length;
		if (treq->op == NVMET_FCOP_READDATA)
			break;
		/* fall through */
	case NVMET_FCOP_RSP:
		if (treq->rsplen > h->rsplen) {
			h->status = (uint32_t)-E2BIG;
		} else {
			memcpy(h->rspaddr, treq->rspaddr, treq->rsplen);
			h->rcv_rsplen = treq->rsplen;
			if (p->rsp_hook)
				p->rsp_hook(p, h);
		}
		loop_apply_rsp_fault(p, x);
		break;
	default:
		treq->fcp_error = -EINVAL;
		break;
	}
	treq->done(treq);
}

static void loop_t_fcp_abort(struct nvmet_fc_target_port *t, struct nvmefc_tgt_fcp_req *treq)
{
	struct loop_xchg *x = (struct loop_xchg *)(void *)treq;

	(void)t;
	x->tgt_aborted = true;
}

static void loop_t_fcp_req_release(struct nvmet_fc_target_port *t, struct nvmefc_tgt_fcp_req *treq)
{
	struct loop_pair *p = loop_from_tport(t);
	struct loop_xchg *x = (struct loop_xchg *)(void *)treq;

	x->released = true;
	if (x->host_done) {
		if (x->delivered)
			free(x);
		return;
	}
	x->host_done = true;
	loop_queue(p, loop_w_fcp_done, x, NULL, x->tgt_aborted ? -ECANCELED : 0);
}

static void loop_t_discovery_event(struct nvmet_fc_target_port *t)
{
	struct loop_pair *p = loop_from_tport(t);

	if (p->rport)
		nvme_fc_rescan_remoteport(p->rport);
}

static void loop_t_host_release(void *hosthandle)
{
	(void)hosthandle;
}

static int loop_t_host_traddr(void *hosthandle, uint64_t *wwnn, uint64_t *wwpn)
{
	(void)hosthandle;
	*wwnn = LOOP_HOST_WWNN;
	*wwpn = LOOP_HOST_WWPN;
	return 0;
}

/* ---- env ops for the target transport ----------------------------------- */

static int loop_env_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)hwqid;
	loop_queue(env, loop_w_env, (void *)(uintptr_t)fn, arg, 0);
	return 0;
}

static int loop_env_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	loop_queue(env, loop_w_env, (void *)(uintptr_t)fn, arg, 0);
	return 0;
}

static const struct nvmet_fc_env_ops loop_env_ops = {
	.run_on_hwq = loop_env_run_on_hwq,
	.run_on_ctl = loop_env_run_on_ctl,
};

/* ---- setup --------------------------------------------------------------- */

/* Register and bind the target port with a fresh core. */
int loop_target_up(struct loop_pair *p)
{
	struct nvmet_fc_port_info ti = {
		.node_name = LOOP_TGT_WWNN,
		.port_name = LOOP_TGT_WWPN,
		.port_id = 0x010200,
	};
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 1024 * 1024,
		.max_queue_size = 1024,
		.max_io_queues = 8,
		.max_deferred = 16,
	};
	int rc;

	p->tport_deleted = false;
	rc = nvmet_fc_register_targetport(&ti, &p->ttmpl, NULL, &p->tport);
	if (rc)
		return rc;
	*(struct loop_pair **)p->tport->private = p;
	p->core = loop_core_new(LOOP_SUBNQN);
	if (!p->core)
		return -ENOMEM;
	return nvmet_fc_bind_core(p->tport, loop_core_ops(), p->core, &loop_env_ops, p, &cfg);
}

/* Unregister the target port and let its teardown run. */
void loop_target_down(struct loop_pair *p)
{
	struct nvmet_fc_target_port *t = p->tport;

	if (!t)
		return;
	nvmet_fc_unregister_targetport(t);
	loop_process(p);
	p->tport = NULL;
	loop_process(p);
	loop_core_free(p->core);
	p->core = NULL;
}

/* Build the pair. */
int loop_pair_init(struct loop_pair *p)
{
	struct nvme_fc_port_info hi = {
		.node_name = LOOP_HOST_WWNN,
		.port_name = LOOP_HOST_WWPN,
		.port_role = FC_PORT_ROLE_NVME_INITIATOR,
		.port_id = 0x010100,
	};
	struct nvme_fc_port_info ri = {
		.node_name = LOOP_TGT_WWNN,
		.port_name = LOOP_TGT_WWPN,
		.port_role = FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY,
		.port_id = 0x010200,
		.dev_loss_tmo = 5,
	};
	int rc;

	memset(p, 0, sizeof(*p));
	p->htmpl = (struct nvme_fc_port_template){
		.localport_delete = loop_h_localport_delete,
		.remoteport_delete = loop_h_remoteport_delete,
		.create_queue = loop_h_create_queue,
		.delete_queue = loop_h_delete_queue,
		.ls_req = loop_h_ls_req,
		.fcp_io = loop_h_fcp_io,
		.ls_abort = loop_h_ls_abort,
		.fcp_abort = loop_h_fcp_abort,
		.xmt_ls_rsp = loop_h_xmt_ls_rsp,
		.poll_queue = loop_h_poll_queue,
		.max_hw_queues = 4,
		.max_sgl_segments = 256,
		.max_dif_sgl_segments = 256,
		.dma_boundary = 0xffffffff,
		.local_priv_sz = sizeof(void *),
		.remote_priv_sz = sizeof(void *),
		.lsrqst_priv_sz = sizeof(void *),
		.fcprqst_priv_sz = sizeof(void *),
	};
	p->ttmpl = (struct nvmet_fc_target_template){
		.targetport_delete = loop_t_targetport_delete,
		.xmt_ls_rsp = loop_t_xmt_ls_rsp,
		.fcp_op = loop_t_fcp_op,
		.fcp_abort = loop_t_fcp_abort,
		.fcp_req_release = loop_t_fcp_req_release,
		.discovery_event = loop_t_discovery_event,
		.ls_req = loop_t_ls_req,
		.ls_abort = loop_t_ls_abort,
		.host_release = loop_t_host_release,
		.host_traddr = loop_t_host_traddr,
		.max_hw_queues = 4,
		.max_sgl_segments = 256,
		.max_dif_sgl_segments = 256,
		.dma_boundary = 0xffffffff,
		.target_priv_sz = sizeof(void *),
		.lsrqst_priv_sz = sizeof(void *),
	};
	rc = nvme_fc_register_localport(&hi, &p->htmpl, NULL, &p->lport);
	if (rc)
		return rc;
	*(struct loop_pair **)p->lport->private = p;
	rc = nvme_fc_register_remoteport(p->lport, &ri, &p->rport);
	if (rc)
		return rc;
	return loop_target_up(p);
}

/* Tear the pair down. */
void loop_pair_fini(struct loop_pair *p)
{
	loop_target_down(p);
	if (p->rport)
		nvme_fc_unregister_remoteport(p->rport);
	p->rport = NULL;
	if (p->lport)
		nvme_fc_unregister_localport(p->lport);
	p->lport = NULL;
	loop_process(p);
}
