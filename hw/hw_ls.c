// SPDX-License-Identifier: Apache-2.0
/*
 * Link Service exchanges of one port: outstanding LS requests with their
 * 20 s (or lsreq->timeout) limit, responses copied with truncation as fcloop
 * does, aborts and failures completed exactly once from hw_ls_run() so that
 * no transport callback runs inside a transport call. Also the senders of LS
 * responses and ELS events, and the pool of received LS requests both
 * drivers answer from.
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "hw_ls.h"

/* Send req to slot as an LS_REQ event. */
int hw_ls_send(struct hw_dev *d, struct hw_ls_table *t, unsigned int slot, void *owner,
	       struct nvmefc_ls_req *req)
{
	struct hw_eqe e;
	unsigned int i;
	uint32_t tmo;
	int rc;

	if (!req || !req->done || !req->rqstaddr || req->rqstlen == 0 ||
	    req->rqstlen > HW_EQE_PAYLOAD)
		return -EINVAL;
	for (i = 0; i < HW_LS_PEND; i++)
		if (!t->e[i].req)
			break;
	if (i == HW_LS_PEND)
		return -EBUSY;
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_REQ;
	e.id = (++t->gen << 8) | i;
	e.len = req->rqstlen;
	memcpy(e.payload, req->rqstaddr, req->rqstlen);
	rc = hw_dev_send_eqe(d, slot, &e, HW_FC_LS);
	if (rc)
		return rc;
	atomic_fetch_add(&d->bar->cnt.ls_tx, 1);
	tmo = req->timeout ? req->timeout : NVME_FC_LS_TIMEOUT_SEC;
	t->e[i].req = req;
	t->e[i].owner = owner;
	t->e[i].id = e.id;
	t->e[i].slot = slot;
	t->e[i].deadline_ns = fcnvme_clock_ns() + (uint64_t)tmo * 1000000000u;
	t->e[i].finish = false;
	t->e[i].status = 0;
	return 0;
}

static void hw_ls_complete(struct hw_ls_pend *p, int status)
{
	struct nvmefc_ls_req *req = p->req;

	p->req = NULL;
	p->owner = NULL;
	p->finish = false;
	req->done(req, status);
}

/* An LS_RSP event arrived: copy and complete. The id is no secret (every
 * port maps the region of the port the request went to), so the answer
 * must also come from that port's slot. */
void hw_ls_rsp(struct hw_dev *d, struct hw_ls_table *t, const struct hw_eqe *e)
{
	struct hw_ls_pend *p;
	uint32_t n;

	if ((e->id & 0xff) >= HW_LS_PEND)
		return;
	p = &t->e[e->id & 0xff];
	if (!p->req || p->id != e->id || p->finish)
		return; /* late, aborted or unknown: drop */
	if (e->peer_slot != p->slot) {
		/* another port answering what it was not sent */
		atomic_fetch_add(&d->bar->cnt.drops, 1);
		return;
	}
	if (e->status < 0) {
		hw_ls_complete(p, e->status);
		return;
	}
	n = e->len;
	if (n > HW_EQE_PAYLOAD)
		n = HW_EQE_PAYLOAD;
	if (n > p->req->rsplen)
		n = p->req->rsplen;
	if (p->req->rspaddr)
		memcpy(p->req->rspaddr, e->payload, n);
	hw_ls_complete(p, 0);
}

/* Mark req aborted. */
void hw_ls_abort(struct hw_ls_table *t, struct nvmefc_ls_req *req)
{
	unsigned int i;

	for (i = 0; i < HW_LS_PEND; i++) {
		if (t->e[i].req == req && !t->e[i].finish) {
			t->e[i].finish = true;
			t->e[i].status = -ECANCELED;
		}
	}
}

/* Fail every request to owner. */
void hw_ls_fail_owner(struct hw_ls_table *t, void *owner, int status)
{
	unsigned int i;

	for (i = 0; i < HW_LS_PEND; i++) {
		if (t->e[i].req && t->e[i].owner == owner && !t->e[i].finish) {
			t->e[i].finish = true;
			t->e[i].status = status;
		}
	}
}

/* Complete finished and timed-out requests. */
int hw_ls_run(struct hw_ls_table *t)
{
	uint64_t now = fcnvme_clock_ns();
	unsigned int i;
	int n = 0;

	for (i = 0; i < HW_LS_PEND; i++) {
		struct hw_ls_pend *p = &t->e[i];

		if (!p->req)
			continue;
		if (p->finish) {
			hw_ls_complete(p, p->status);
			n++;
		} else if (now >= p->deadline_ns) {
			hw_ls_complete(p, -ETIMEDOUT);
			n++;
		}
	}
	return n;
}

/* Send an LS response (or a failure) for id to slot. */
int hw_ls_reply(struct hw_dev *d, unsigned int slot, uint64_t id, const void *buf, uint32_t len,
		int status)
{
	struct hw_eqe e;

	if (len > HW_EQE_PAYLOAD)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_RSP;
	e.id = id;
	e.status = status;
	e.len = len;
	if (len)
		memcpy(e.payload, buf, len);
	return hw_dev_send_eqe(d, slot, &e, HW_FC_LS);
}

/* Send an ELS-like event of type with arg to slot. */
int hw_els_send(struct hw_dev *d, unsigned int slot, uint16_t type, uint32_t arg)
{
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.arg = arg;
	return hw_dev_send_eqe(d, slot, &e, HW_FC_ELS);
}

/* Push in index order, as both drivers did: ctx[n - 1] is taken first. */
void hw_ls_rcv_init(struct hw_ls_rcv_pool *pool, struct hw_ls_rcv *ctx, unsigned int n)
{
	unsigned int i;

	pool->free = NULL;
	pool->answered = NULL;
	for (i = 0; i < n; i++)
		hw_ls_rcv_put(pool, &ctx[i]);
}

/* A free context with e's payload, or why not. */
int hw_ls_rcv_take(struct hw_ls_rcv_pool *pool, const struct hw_eqe *e, struct hw_ls_rcv **out)
{
	struct hw_ls_rcv *c = pool->free;

	if (!c)
		return -EBUSY;
	if (e->len == 0 || e->len > sizeof(c->buf))
		return -EINVAL;
	pool->free = c->next;
	memset(&c->rsp, 0, sizeof(c->rsp));
	c->next = NULL;
	c->id = e->id;
	c->slot = e->peer_slot;
	c->login_gen = 0;
	memcpy(c->buf, e->payload, e->len);
	*out = c;
	return 0;
}

/* Back on the free list. */
void hw_ls_rcv_put(struct hw_ls_rcv_pool *pool, struct hw_ls_rcv *c)
{
	c->next = pool->free;
	pool->free = c;
}

/* Onto the answered list, for the next reap. */
void hw_ls_rcv_answered(struct hw_ls_rcv_pool *pool, struct hw_ls_rcv *c)
{
	c->next = pool->answered;
	pool->answered = c;
}

/* Each answered context is free again before its done runs (done may
 * take it right back). */
int hw_ls_rcv_reap(struct hw_ls_rcv_pool *pool)
{
	struct hw_ls_rcv *c;
	int n = 0;

	while ((c = pool->answered)) {
		pool->answered = c->next;
		hw_ls_rcv_put(pool, c);
		c->rsp.done(&c->rsp);
		n++;
	}
	return n;
}

/* Anything to reap? */
bool hw_ls_rcv_pending(const struct hw_ls_rcv_pool *pool)
{
	return pool->answered != NULL;
}
