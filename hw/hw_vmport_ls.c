// SPDX-License-Identifier: Apache-2.0
/*
 * LS exchanges between the guest and the targets, which pass through the
 * port server: the guest's requests (its id, echoed by the target) go out
 * with hw_dev_send_eqe and their responses come back through deq; targets'
 * requests (a Disconnect Association) go to the guest through deq and its
 * answer goes back with hw_ls_reply. The table remembers which exchanges
 * are open, so that a response goes only where a request came from, a
 * request that cannot be sent is answered at once with the error, and the
 * loss of a target or of the guest ends its exchanges instead of leaving
 * the other side to time out. Main thread only.
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/clock.h>

#include "hw_vmport_priv.h"

static struct hw_vmport_ls *hw_vmport_ls_find(struct hw_vmport *v, uint8_t dir, uint16_t slot,
					      uint64_t id)
{
	unsigned int i;

	for (i = 0; i < HW_VMPORT_LS_MAX; i++) {
		struct hw_vmport_ls *l = &v->ls[i];

		if (l->used && l->dir == dir && l->slot == slot && l->id == id)
			return l;
	}
	return NULL;
}

static struct hw_vmport_ls *hw_vmport_ls_new(struct hw_vmport *v, uint8_t dir, uint16_t slot,
					     uint64_t id)
{
	unsigned int i;

	for (i = 0; i < HW_VMPORT_LS_MAX; i++) {
		struct hw_vmport_ls *l = &v->ls[i];

		if (l->used)
			continue;
		l->used = true;
		l->dir = dir;
		l->slot = slot;
		l->id = id;
		l->deadline_ns = fcnvme_clock_ns() + (uint64_t)HW_VMPORT_LS_TMO_S * 1000000000u;
		return l;
	}
	return NULL;
}

/* Answer the guest's request id to slot with status (no payload). */
static void hw_vmport_ls_answer(struct hw_vmport *v, uint16_t slot, uint64_t id, int status)
{
	struct hw_eqe r;

	memset(&r, 0, sizeof(r));
	r.type = HW_EQE_LS_RSP;
	r.peer_slot = slot;
	r.id = id;
	r.status = status;
	(void)hw_vmport_deq_post(v, &r);
}

static bool hw_vmport_ls_online(struct hw_vmport *v, unsigned int slot)
{
	struct hw_rport *rp = slot < HW_MAX_PORTS ? hw_rport_find(&v->rports, slot) : NULL;

	return rp && atomic_load(&rp->state) == HW_RPORT_ONLINE;
}

/* mq LS_REQ: the guest's request to a target. */
void hw_vmport_ls_guest_req(struct hw_vmport *v, const struct hw_eqe *m)
{
	struct hw_vmport_ls *l;
	struct hw_eqe e;
	int rc = -EINVAL;

	if (m->len == 0 || m->len > HW_EQE_PAYLOAD)
		goto out_refuse;
	rc = -ENOTCONN;
	if (!hw_vmport_ls_online(v, m->peer_slot))
		goto out_refuse;
	rc = -EBUSY;
	l = hw_vmport_ls_new(v, HW_VMPORT_LS_OUT, m->peer_slot, m->id);
	if (!l)
		goto out_refuse;
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_REQ;
	e.id = m->id;
	e.len = m->len;
	memcpy(e.payload, m->payload, m->len);
	rc = hw_dev_send_eqe(&v->dev, m->peer_slot, &e, HW_FC_LS);
	if (rc) {
		l->used = false;
		goto out_refuse;
	}
	atomic_fetch_add(&v->dev.bar->cnt.ls_tx, 1);
	v->st.ls_out++;
	return;

out_refuse:
	if (rc != -EBUSY)
		v->st.mq_bad++;
	v->st.ls_refused++;
	hw_vmport_log(v, HW_VMPORT_LOG_DEBUG, "guest LS request 0x%llx to slot %u refused: %s",
		      (unsigned long long)m->id, m->peer_slot, strerror(-rc));
	hw_vmport_ls_answer(v, m->peer_slot, m->id, rc);
}

/* mq LS_RSP: the guest answers a target's request. */
void hw_vmport_ls_guest_rsp(struct hw_vmport *v, const struct hw_eqe *m)
{
	struct hw_vmport_ls *l = hw_vmport_ls_find(v, HW_VMPORT_LS_IN, m->peer_slot, m->id);

	if (!l || m->len > HW_EQE_PAYLOAD || m->status > 0) {
		v->st.mq_bad++;
		hw_vmport_log(v, HW_VMPORT_LOG_DEBUG,
			      "guest LS response 0x%llx to slot %u: no such request, dropped",
			      (unsigned long long)m->id, m->peer_slot);
		return;
	}
	l->used = false;
	(void)hw_ls_reply(&v->dev, m->peer_slot, m->id, m->payload, m->status ? 0 : m->len,
			  m->status);
}

/* eq LS_REQ: a target's request to the guest. */
void hw_vmport_ls_peer_req(struct hw_vmport *v, const struct hw_eqe *e)
{
	struct hw_vmport_ls *l;
	struct hw_eqe d;
	int rc;

	atomic_fetch_add(&v->dev.bar->cnt.ls_rx, 1);
	if (!v->drv_up || !hw_vmport_ls_online(v, e->peer_slot)) {
		(void)hw_ls_reply(&v->dev, e->peer_slot, e->id, NULL, 0, -ENOTCONN);
		return;
	}
	if (e->len == 0 || e->len > HW_EQE_PAYLOAD) {
		(void)hw_ls_reply(&v->dev, e->peer_slot, e->id, NULL, 0, -EINVAL);
		return;
	}
	l = hw_vmport_ls_new(v, HW_VMPORT_LS_IN, e->peer_slot, e->id);
	if (!l) {
		(void)hw_ls_reply(&v->dev, e->peer_slot, e->id, NULL, 0, -EBUSY);
		return;
	}
	memset(&d, 0, sizeof(d));
	d.type = HW_EQE_LS_REQ;
	d.peer_slot = e->peer_slot;
	d.id = e->id;
	d.len = e->len;
	memcpy(d.payload, e->payload, e->len);
	rc = hw_vmport_deq_post(v, &d);
	if (rc) {
		l->used = false;
		(void)hw_ls_reply(&v->dev, e->peer_slot, e->id, NULL, 0, rc);
		return;
	}
	v->st.ls_in++;
}

/* eq LS_RSP: a target answers the guest's request. */
void hw_vmport_ls_peer_rsp(struct hw_vmport *v, const struct hw_eqe *e)
{
	struct hw_vmport_ls *l = hw_vmport_ls_find(v, HW_VMPORT_LS_OUT, e->peer_slot, e->id);
	struct hw_eqe d;

	if (!l)
		return; /* late or unknown: the guest no longer waits for it */
	l->used = false;
	memset(&d, 0, sizeof(d));
	d.type = HW_EQE_LS_RSP;
	d.peer_slot = e->peer_slot;
	d.id = e->id;
	d.status = e->status;
	d.len = e->len > HW_EQE_PAYLOAD ? HW_EQE_PAYLOAD : e->len;
	memcpy(d.payload, e->payload, d.len);
	(void)hw_vmport_deq_post(v, &d);
}

/* End the exchanges of slot (-1: all). */
void hw_vmport_ls_fail(struct hw_vmport *v, int slot, int status, bool answer_peers)
{
	unsigned int i;

	for (i = 0; i < HW_VMPORT_LS_MAX; i++) {
		struct hw_vmport_ls *l = &v->ls[i];

		if (!l->used || (slot >= 0 && l->slot != (uint16_t)slot))
			continue;
		l->used = false;
		if (l->dir == HW_VMPORT_LS_OUT)
			hw_vmport_ls_answer(v, l->slot, l->id, status);
		else if (answer_peers)
			(void)hw_ls_reply(&v->dev, l->slot, l->id, NULL, 0, status);
	}
}

/* Forget exchanges past their deadline; the guest hears of its own. */
void hw_vmport_ls_expire(struct hw_vmport *v)
{
	uint64_t now = fcnvme_clock_ns();
	unsigned int i;

	for (i = 0; i < HW_VMPORT_LS_MAX; i++) {
		struct hw_vmport_ls *l = &v->ls[i];

		if (!l->used || now < l->deadline_ns)
			continue;
		l->used = false;
		if (l->dir == HW_VMPORT_LS_OUT)
			hw_vmport_ls_answer(v, l->slot, l->id, -ETIMEDOUT);
	}
}
