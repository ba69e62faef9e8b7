// SPDX-License-Identifier: Apache-2.0
/*
 * Controllers: dynamic controller ids, lifetime (created by the admin
 * Connect, freed when the transport destroys the admin queue, torn down by
 * asking the transport to delete the association), CC/CSTS transitions,
 * traffic-based keep-alive, asynchronous events (queue, mask until the log
 * is read, AER completion), the changed namespace list, the error log, and
 * the controller walk.
 * [ctl] only, except ctrl_ka_traffic() ([atomic], any thread).
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

/* The live controller with this id in s, or NULL. */
struct ctrl *ctrl_find(struct subsys *s, uint16_t cntlid)
{
	struct ctrl *c;

	for (c = s->ctrls; c; c = c->next)
		if (c->cntlid == cntlid)
			return c;
	return NULL;
}

static int ctrl_alloc_cntlid(struct subsys *s, uint16_t *cntlid)
{
	uint32_t span = (uint32_t)s->cntlid_max - s->cntlid_min + 1;
	uint32_t i;
	uint16_t id;

	if (s->next_cntlid < s->cntlid_min || s->next_cntlid > s->cntlid_max)
		s->next_cntlid = s->cntlid_min;
	for (i = 0; i < span; i++) {
		id = s->next_cntlid;
		s->next_cntlid = id == s->cntlid_max ? s->cntlid_min : (uint16_t)(id + 1);
		if (!ctrl_find(s, id)) {
			*cntlid = id;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Identify MDTS for a power-of-two data limit of at least 8 KiB: log2 of
 * the limit in 4 KiB units (CAP.MPSMIN), rounded down. */
static uint8_t ctrl_mdts(uint32_t max_data_len)
{
	uint8_t m = 0;

	while ((max_data_len >> 12) >> (m + 1))
		m++;
	return m;
}

/* Create the controller of an association (admin Connect). */
int ctrl_create(struct subsys *s, struct sq *asq, const char *hostnqn, const uint8_t hostid[16],
		uint32_t kato_ms, struct ctrl **ctrlp)
{
	struct tgt *t = s->t;
	struct ctrl *c, **pp;
	int rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	rc = ctrl_alloc_cntlid(s, &c->cntlid);
	if (rc) {
		free(c);
		return rc;
	}
	c->t = t;
	c->subsys = s;
	c->port = asq->port;
	c->sqs[0] = asq;
	c->mdts = ctrl_mdts(asq->max_data_len);
	c->mqes = asq->mqes;
	c->max_qid = asq->max_qid;
	c->nr_io_queues = c->max_qid;
	c->vwc = true;
	snprintf(c->hostnqn, sizeof(c->hostnqn), "%s", hostnqn);
	memcpy(c->hostid, hostid, 16);
	c->host_wwpn = asq->host_wwpn;
	c->assoc_id = asq->assoc_id;
	if (!kato_ms && s->discovery)
		kato_ms = TGT_DISC_KATO_MS;
	/* Rounded up to whole seconds, as nvmet does. */
	c->kato_ms = tgt_kato_round(kato_ms);
	c->ka_deadline = clock_now_ms(t->clock) + c->kato_ms;
	atomic_init(&c->ka_traffic, false);
	c->aen_cfg = s->discovery ? NVME_AEN_CFG_DISC_CHANGE
				  : NVME_AEN_CFG_NS_ATTR | NVME_AEN_CFG_ANA_CHANGE;
	if (s->discovery)
		c->disc_view = cmd_discovery_view(c);
	for (pp = &s->ctrls; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	s->nr_ctrls++;
	atomic_store_explicit(&asq->ctrl, c, memory_order_release);
	*ctrlp = c;
	return 0;
}

/* Free a controller (its admin queue is being destroyed). */
void ctrl_free(struct ctrl *c)
{
	struct subsys *s = c->subsys;
	struct ctrl **pp;
	unsigned int q;

	struct tgt_assoc_event ev = {
		.kind = TGT_ASSOC_EV_ENDED,
		.port = c->port ? c->port->name : "",
		.host_wwpn = c->host_wwpn,
		.assoc_id = c->assoc_id,
		.host_nqn = c->hostnqn,
		.subsys_nqn = s->nqn,
		.reason = c->end_cause[0] ? c->end_cause
					  : "by the host (Disconnect LS) or the transport",
		.discovery = s->discovery,
		.cntlid = c->cntlid,
	};

	tgt_assoc_event(c->t, &ev);
	ctrl_fail_aers(c, NVME_SC_INTERNAL | NVME_SC_DNR);
	tgt_stats_io_ctrl(c, &s->st_gone);
	for (pp = &s->ctrls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			s->nr_ctrls--;
			break;
		}
	}
	for (q = 0; q <= TGT_MAX_QID; q++)
		if (c->sqs[q])
			atomic_store(&c->sqs[q]->ctrl, NULL);
	if (s->deleted && !s->ctrls)
		subsys_free(s);
	free(c);
}

/* Tear the controller's association down (idempotent). The controller is
 * freed later, when the transport destroys the admin queue. */
void ctrl_delete(struct ctrl *c, const char *cause)
{
	struct nvmet_fc_sq *fc_sq;

	if (c->deleting)
		return;
	c->deleting = true;
	if (!c->end_cause[0])
		snprintf(c->end_cause, sizeof(c->end_cause), "%s", cause);
	ctrl_fail_aers(c, NVME_SC_INTERNAL | NVME_SC_DNR);
	fc_sq = c->sqs[0] ? c->sqs[0]->fc_sq : NULL;
	if (fc_sq && c->t->delete_assoc)
		c->t->delete_assoc(fc_sq);
}

/* Apply a new CC value: enable, disable and shutdown transitions. */
void ctrl_set_cc(struct ctrl *c, uint32_t cc)
{
	uint32_t old = c->cc;

	c->cc = cc;
	if ((cc & NVME_CC_ENABLE) && !(old & NVME_CC_ENABLE)) {
		if (((cc >> NVME_CC_CSS_SHIFT) & 7) != 0 ||
		    (!c->subsys->discovery &&
		     (((cc >> NVME_CC_IOSQES_SHIFT) & 0xf) != TGT_IOSQES ||
		      ((cc >> NVME_CC_IOCQES_SHIFT) & 0xf) != TGT_IOCQES))) {
			c->csts = NVME_CSTS_CFS;
		} else {
			c->csts = NVME_CSTS_RDY;
		}
	}
	if (!(cc & NVME_CC_ENABLE) && (old & NVME_CC_ENABLE))
		c->csts = 0;
	if ((cc & NVME_CC_SHN_MASK) && !(old & NVME_CC_SHN_MASK)) {
		c->csts &= ~NVME_CSTS_SHST_MASK;
		c->csts |= NVME_CSTS_SHST_CMPLT;
	}
	if (!(cc & NVME_CC_SHN_MASK) && (old & NVME_CC_SHN_MASK))
		c->csts &= ~NVME_CSTS_SHST_MASK;
	atomic_store_explicit(&c->ready,
			      (c->csts & NVME_CSTS_RDY) && !(c->csts & NVME_CSTS_SHST_MASK),
			      memory_order_release);
}

/* [any thread] A command arrived: the keep-alive timer restarts. */
void ctrl_ka_traffic(struct ctrl *c)
{
	if (!atomic_load_explicit(&c->ka_traffic, memory_order_relaxed))
		atomic_store_explicit(&c->ka_traffic, true, memory_order_relaxed);
}

/* Keep-alive check: a whole KATO without a command is fatal. */
void ctrl_timer(struct ctrl *c, uint64_t now)
{
	if (!c->kato_ms || c->deleting || now < c->ka_deadline)
		return;
	if (atomic_exchange(&c->ka_traffic, false)) {
		c->ka_deadline = now + c->kato_ms;
		return;
	}
	c->csts |= NVME_CSTS_CFS;
	{
		const struct tgt_assoc_event ev = {
			.kind = TGT_ASSOC_EV_KA_EXPIRED,
			.port = c->port ? c->port->name : "",
			.host_wwpn = c->host_wwpn,
			.assoc_id = c->assoc_id,
			.timeout_ms = c->kato_ms,
			.host_nqn = c->hostnqn,
			.subsys_nqn = c->subsys->nqn,
			.discovery = c->subsys->discovery,
			.cntlid = c->cntlid,
		};

		tgt_assoc_event(c->t, &ev);
	}
	ctrl_delete(c, "keep-alive timeout");
}

static void ctrl_complete_aer(struct nvmet_fc_req *req, uint32_t result, uint16_t status)
{
	req->cqe->result.u64 = 0;
	req->cqe->result.dw0 = htole32(result);
	tgt_req_complete_from_ctl(req, status);
}

static void ctrl_process_aen(struct ctrl *c)
{
	struct nvmet_fc_req *req;
	uint32_t result;
	unsigned int i;

	while (c->nr_aer && c->nr_aen) {
		result = c->aen[0].result;
		for (i = 1; i < c->nr_aen; i++)
			c->aen[i - 1] = c->aen[i];
		c->nr_aen--;
		req = c->aer[--c->nr_aer];
		ctrl_complete_aer(req, result, NVME_SC_SUCCESS);
	}
}

/* Keep an Asynchronous Event Request; -ENOSPC beyond AERL. */
int ctrl_hold_aer(struct ctrl *c, struct nvmet_fc_req *req)
{
	if (c->nr_aer > TGT_AERL)
		return -ENOSPC;
	c->aer[c->nr_aer++] = req;
	ctrl_process_aen(c);
	return 0;
}

/* Complete every held AER with status (teardown). */
void ctrl_fail_aers(struct ctrl *c, uint16_t status)
{
	while (c->nr_aer)
		ctrl_complete_aer(c->aer[--c->nr_aer], 0, status);
}

/* Queue an event unless its kind is disabled (cfg_bit) or already waiting
 * for its log page to be read. */
void ctrl_add_aen(struct ctrl *c, uint32_t cfg_bit, uint32_t result)
{
	bool on = cfg_bit == TGT_AEN_RESV || (c->aen_cfg & cfg_bit);

	if (c->deleting || !on || (c->aen_masked & cfg_bit))
		return;
	if (c->nr_aen == TGT_MAX_AEN)
		return;
	c->aen_masked |= cfg_bit;
	c->aen[c->nr_aen++].result = result;
	ctrl_process_aen(c);
}

/* Record nsid in the changed namespace list and raise the event. */
void ctrl_ns_changed(struct ctrl *c, uint32_t nsid)
{
	unsigned int i, pos;

	if (c->nr_changed_ns <= NVME_MAX_CHANGED_NS) {
		for (pos = 0; pos < c->nr_changed_ns; pos++) {
			if (c->changed_ns[pos] == nsid)
				goto out_event;
			if (c->changed_ns[pos] > nsid)
				break;
		}
		if (c->nr_changed_ns == NVME_MAX_CHANGED_NS) {
			c->nr_changed_ns++; /* overflow */
		} else {
			for (i = c->nr_changed_ns; i > pos; i--)
				c->changed_ns[i] = c->changed_ns[i - 1];
			c->changed_ns[pos] = nsid;
			c->nr_changed_ns++;
		}
	}
out_event:
	ctrl_add_aen(c, NVME_AEN_CFG_NS_ATTR,
		     NVME_AER_RESULT(NVME_AER_TYPE_NOTICE, NVME_AER_NOTICE_NS_CHANGED,
				     NVME_LOG_CHANGED_NS));
}

/* Record a failed command in the error log. */
void ctrl_log_error(struct ctrl *c, const struct nvmet_fc_req *req, uint16_t status)
{
	struct nvme_error_log_entry *e;

	memmove(&c->err_log[1], &c->err_log[0], sizeof(c->err_log[0]) * (TGT_ERR_LOG - 1));
	e = &c->err_log[0];
	memset(e, 0, sizeof(*e));
	e->error_count = htole64(++c->err_count);
	e->sqid = htole16(req->qid);
	e->cmdid = req->cmd->common.command_id;
	e->status_field = htole16((uint16_t)(status << 1));
	e->param_error_location = htole16(0xffff);
	e->nsid = req->cmd->common.nsid;
	e->trtype = NVMF_TRTYPE_FC;
}

static int ctrl_foreach_subsys(struct subsys *s, int (*cb)(const struct tgt_ctrl_info *, void *),
			       void *arg)
{
	struct tgt_ctrl_info info;
	struct ctrl *c;
	int rc;

	for (c = s->ctrls; c; c = c->next) {
		memset(&info, 0, sizeof(info));
		info.subnqn = s->nqn;
		info.hostnqn = c->hostnqn;
		memcpy(info.hostid, c->hostid, 16);
		info.cntlid = c->cntlid;
		info.portid = c->port ? c->port->portid : 0;
		info.host_wwpn = c->host_wwpn;
		info.association_id = c->assoc_id;
		info.kato_ms = c->kato_ms;
		info.discovery = s->discovery;
		info.ready = c->csts & NVME_CSTS_RDY;
		for (unsigned int q = 1; q <= TGT_MAX_QID; q++)
			info.nr_io_queues += c->sqs[q] != NULL;
		tgt_stats_io_ctrl(c, &info.stats);
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Walk the controllers: discovery first, then by subsystem. */
int tgt_ctrl_foreach(struct tgt *t, int (*cb)(const struct tgt_ctrl_info *, void *), void *arg)
{
	struct subsys *s;
	int rc;

	rc = ctrl_foreach_subsys(t->disc, cb, arg);
	for (s = t->subsys_list; !rc && s; s = s->next)
		rc = ctrl_foreach_subsys(s, cb, arg);
	return rc;
}

/* Note why the associations of a host port (0: every host) on portid are
 * about to end, for the ENDED events; the transport tears them down. */
void tgt_host_gone(struct tgt *t, uint16_t portid, uint64_t host_wwpn, const char *cause)
{
	struct subsys *s = t->disc;
	struct ctrl *c;

	while (s) {
		for (c = s->ctrls; c; c = c->next)
			if (c->port && c->port->portid == portid && !c->end_cause[0] &&
			    (!host_wwpn || c->host_wwpn == host_wwpn))
				snprintf(c->end_cause, sizeof(c->end_cause), "%s", cause);
		s = s == t->disc ? t->subsys_list : s->next;
	}
}

/* Tear down the association with this id through the transport. */
int tgt_ctrl_delete(struct tgt *t, uint64_t association_id, char *err, size_t errlen)
{
	struct subsys *s = t->disc;
	struct ctrl *c;

	while (s) {
		for (c = s->ctrls; c; c = c->next) {
			if (c->assoc_id == association_id) {
				ctrl_delete(c, "deleted by the control socket (assoc delete)");
				return 0;
			}
		}
		s = s == t->disc ? t->subsys_list : s->next;
	}
	tgt_err(err, errlen, "no association 0x%016llx", (unsigned long long)association_id);
	return -ENOENT;
}
