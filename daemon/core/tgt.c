// SPDX-License-Identifier: Apache-2.0
/*
 * The root of the NVMe target core: creation and destruction, the ops table
 * the FC transport calls (queue create/stop/destroy and command parsing),
 * the periodic timer, and the per-I/O-thread entry points.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

/* Copy src into a fixed-size field, padding with spaces, no NUL. */
void tgt_copy_padded(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n > len)
		n = len;
	memcpy(dst, src, n);
	memset(dst + n, ' ', len - n);
}

/* Create the core with its discovery subsystem and ANA group 1. */
struct tgt *tgt_create(const struct nvmet_fc_env_ops *env, void *env_arg, const char *state_dir)
{
	struct tgt *t;
	struct subsys *d;

	if (!env)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->env = env;
	t->env_arg = env_arg;
	mpsc_init(&t->ack_retry);
	t->clock = clock_monotonic();
	t->delete_assoc = nvmet_fc_sq_delete_assoc;
	t->discovery_chg = nvmet_fc_discovery_chg;
	t->ana_grp[1] = true;
	if (state_dir) {
		t->state_dir = strdup(state_dir);
		if (!t->state_dir)
			goto out_free_t;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		goto out_free_dir;
	d->t = t;
	d->discovery = true;
	snprintf(d->nqn, sizeof(d->nqn), "%s", NVME_DISC_SUBSYS_NAME);
	snprintf(d->model, sizeof(d->model), "%s", TGT_DEFAULT_MODEL);
	snprintf(d->firmware, sizeof(d->firmware), "%s", TGT_DEFAULT_FIRMWARE);
	snprintf(d->serial, sizeof(d->serial), "discovery");
	d->cntlid_min = 1;
	d->cntlid_max = TGT_CNTLID_MAX;
	d->next_cntlid = 1;
	t->disc = d;
	return t;

out_free_dir:
	free(t->state_dir);
out_free_t:
	free(t);
	return NULL;
}

/* Free the core and everything it still holds. */
void tgt_destroy(struct tgt *t)
{
	struct subsys *s, *next;
	struct sq *sq, *sqn;
	unsigned int i;

	if (!t)
		return;
	/* Namespace messages still waiting for ring space (the queues the
	 * transport destroyed meanwhile, the namespaces they drain). */
	ns_drop_msgs(t);
	/* Controllers left (no transport teardown came): free them as is. */
	for (s = t->subsys_list;; s = s->next) {
		struct subsys *cur = s ? s : t->disc;
		struct ctrl *c;

		while ((c = cur->ctrls)) {
			cur->ctrls = c->next;
			free(c);
		}
		if (!s)
			break;
	}
	for (sq = t->sq_list; sq; sq = sqn) {
		sqn = sq->assoc_next;
		tgt_sq_free(sq);
	}
	t->sq_list = NULL;
	for (s = t->subsys_list; s; s = next) {
		next = s->next;
		subsys_free(s);
	}
	subsys_free(t->disc);
	referral_free_all(t);
	for (i = 0; i < TGT_MAX_PORTS; i++)
		free(t->ports[i]);
	free(t->state_dir);
	free(t);
}

/* ---- transport ops ------------------------------------------------------ */

/* Free a queue's state and drop its port reference. */
void tgt_sq_free(struct sq *sq)
{
	uint32_t nsid;

	if (sq->port)
		tgt_port_put(sq->port);
	for (nsid = 1; sq->ns && nsid <= TGT_MAX_NSID; nsid++)
		free(atomic_load_explicit(&sq->ns[nsid].lat, memory_order_relaxed));
	free(sq->ns);
	cmd_auth_free(sq);
	free(sq);
}

/* The port limits of a new queue: 0 (a transport that does not say)
 * selects the defaults; a data limit MDTS cannot state is refused. */
static int tgt_sq_limits(struct sq *sq, const struct nvmet_fc_sq_info *info)
{
	uint32_t qs = info->max_queue_size ? info->max_queue_size : TGT_MQES + 1;

	sq->max_data_len = info->max_data_len ? info->max_data_len : TGT_MAX_XFER;
	if (sq->max_data_len < TGT_MIN_XFER || qs < 2)
		return -EINVAL;
	sq->mqes = (uint16_t)(qs - 1);
	sq->max_qid = info->max_io_queues && info->max_io_queues < TGT_MAX_QID ? info->max_io_queues
									       : TGT_MAX_QID;
	return 0;
}

/* Hand an association event to the callback, if any. */
void tgt_assoc_event(struct tgt *t, const struct tgt_assoc_event *ev)
{
	if (t->assoc_event)
		t->assoc_event(t->assoc_event_arg, ev);
}

static const char *tgt_tp_name(struct tgt *t, struct nvmet_fc_target_port *tp)
{
	struct tgt_port *p = tgt_port_by_tp(t, tp);

	return p ? p->name : "";
}

/* Associations the host port of info holds on info's target port that have
 * not connected (and are not being deleted). */
static unsigned int tgt_unconnected(const struct tgt *t, const struct nvmet_fc_sq_info *info)
{
	const struct sq *sq;
	unsigned int n = 0;

	for (sq = t->sq_list; sq; sq = sq->assoc_next)
		if (sq->qid == 0 && sq->tp == info->tgtport && sq->hosthandle == info->hosthandle &&
		    sq->host_wwpn == info->host_wwpn && !sq->stopping && !sq->expired &&
		    !atomic_load_explicit(&sq->ctrl, memory_order_relaxed))
			n++;
	return n;
}

static int tgt_sq_create(void *core, const struct nvmet_fc_sq_info *info, void **core_sq)
{
	struct tgt *t = core;
	struct sq *sq;

	if (info->qid == 0 && tgt_unconnected(t, info) >= TGT_UNCONNECTED_MAX) {
		const struct tgt_assoc_event ev = {
			.kind = TGT_ASSOC_EV_REFUSED,
			.port = tgt_tp_name(t, info->tgtport),
			.host_wwpn = info->host_wwpn,
			.limit = TGT_UNCONNECTED_MAX,
		};

		tgt_assoc_event(t, &ev);
		return -EBUSY;
	}
	sq = calloc(1, sizeof(*sq));
	if (!sq)
		return -ENOMEM;
	if (tgt_sq_limits(sq, info)) {
		free(sq);
		return -EINVAL;
	}
	if (info->qid) {
		sq->ns = calloc(TGT_MAX_NSID + 1, sizeof(*sq->ns));
		if (!sq->ns) {
			free(sq);
			return -ENOMEM;
		}
	}
	sq->t = t;
	sq->tp = info->tgtport;
	sq->port = tgt_port_by_tp(t, info->tgtport);
	if (sq->port)
		sq->port->refs++;
	sq->fc_sq = info->fc_sq;
	sq->assoc_id = info->association_id;
	sq->host_wwnn = info->host_wwnn;
	sq->host_wwpn = info->host_wwpn;
	sq->hosthandle = info->hosthandle;
	sq->created_ms = clock_now_ms(t->clock);
	sq->qid = info->qid;
	sq->sqsize = info->sqsize;
	sq->hwqid = info->hwqid;
	atomic_init(&sq->ctrl, NULL);
	sq->assoc_next = t->sq_list;
	t->sq_list = sq;
	*core_sq = sq;
	return 0;
}

static void tgt_sq_unlink(struct tgt *t, struct sq *sq)
{
	struct sq **pp;

	for (pp = &t->sq_list; *pp; pp = &(*pp)->assoc_next) {
		if (*pp == sq) {
			*pp = sq->assoc_next;
			return;
		}
	}
}

static void tgt_sq_stop(void *core, void *core_sq)
{
	struct sq *sq = core_sq;
	struct ctrl *c = atomic_load_explicit(&sq->ctrl, memory_order_relaxed);

	(void)core;
	sq->stopping = true;
	if (c && sq->qid == 0)
		ctrl_fail_aers(c, NVME_SC_INTERNAL | NVME_SC_DNR);
	else if (sq->qid)
		ns_msg_stop(sq);
}

static void tgt_sq_destroy(void *core, void *core_sq)
{
	struct tgt *t = core;
	struct sq *sq = core_sq;
	struct ctrl *c = atomic_load_explicit(&sq->ctrl, memory_order_relaxed);

	ns_fold_sq(sq);
	tgt_stats_io_sq_gone(sq, c);
	if (c) {
		if (sq->qid == 0) {
			ctrl_free(c);
		} else {
			c->sqs[sq->qid] = NULL;
			if (c->nr_io_queues)
				c->nr_io_queues--;
		}
	}
	tgt_sq_unlink(t, sq);
	if (sq->msgs_inflight) {
		sq->dead = true; /* freed by the last ns message ack */
		return;
	}
	tgt_sq_free(sq);
}

/* The namespace a command names if it is visible on sq, else 0. */
static uint32_t tgt_req_nsid(const struct sq *sq, const struct nvmet_fc_req *req)
{
	uint32_t nsid = le32toh(req->cmd->common.nsid);

	if (!sq->ns || !nsid || nsid > TGT_MAX_NSID || !sq->ns[nsid].ns)
		return 0;
	return nsid;
}

static uint16_t tgt_req_fail(struct nvmet_fc_req *req, uint16_t status)
{
	struct sq *sq = req->core_sq;

	tgt_stats_io_response(req, tgt_req_nsid(sq, req), status);
	req->cqe->status = htole16((uint16_t)(status << 1));
	req->cqe->sq_id = htole16(req->qid);
	req->cqe->command_id = req->cmd->common.command_id;
	req->cqe->sq_head = htole16(tgt_cqe_sq_head(sq, req, status));
	return status;
}

static uint16_t tgt_req_init(void *core, struct nvmet_fc_req *req)
{
	struct sq *sq = req->core_sq;
	const struct nvme_common_command *cmd = &req->cmd->common;
	struct req_ctx *rc = req_ctx(req);
	uint16_t status;
	uint8_t fuse;

	(void)core;
	memset(rc, 0, sizeof(*rc));
	rc->sq = sq;
	rc->t0 = clock_now_ns(sq->t->clock);
	sq->sqhd = (uint16_t)((sq->sqhd + 1u) % ((uint32_t)sq->sqsize + 1u));
	fuse = cmd->flags & NVME_CMD_FUSE_MASK;
	/* A fused first must be followed by its second, nothing else. */
	if (sq->fused_first && fuse != NVME_CMD_FUSE_SECOND)
		cmd_fused_orphan(sq, NVME_SC_FUSED_MISSING | NVME_SC_DNR);
	/* Only I/O commands fuse (Compare and Write); 11b is reserved. */
	if (fuse &&
	    (sq->qid == 0 || fuse == NVME_CMD_FUSE_MASK || cmd->opcode == nvme_fabrics_command))
		return tgt_req_fail(req, NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	if ((cmd->flags & NVME_CMD_SGL_ALL) != NVME_CMD_SGL_METABUF)
		return tgt_req_fail(req, NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	if (cmd->opcode == nvme_fabrics_command)
		status = cmd_fabrics_parse(req);
	else if (!atomic_load_explicit(&sq->ctrl, memory_order_acquire))
		status = NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	else if (atomic_load_explicit(&sq->auth_needed, memory_order_acquire))
		status = NVME_SC_AUTH_REQUIRED | NVME_SC_DNR;
	else if (sq->qid == 0)
		status = cmd_admin_parse(req);
	else
		status = cmd_io_parse(req);
	if (status) {
		/* a second that fails takes its first with it */
		if (fuse == NVME_CMD_FUSE_SECOND)
			cmd_fused_orphan(sq, NVME_SC_FUSED_FAIL | NVME_SC_DNR);
		return tgt_req_fail(req, status);
	}
	sq->submitted++;
	return 0;
}

/* [hwq] The transport will not execute a request req_init accepted (its
 * write data never arrived): undo what parsing took. */
static void tgt_req_abort(void *core, struct nvmet_fc_req *req)
{
	(void)core;
	if (req_ctx(req)->fused)
		cmd_fused_abort(req);
	tgt_stats_io_abort(req_ctx(req)->sq, req_ctx(req)->nsid);
	tgt_req_release(req);
}

/* An LS the transport answered with an LS_RJT: an association event, so
 * that the operator sees why a host cannot connect. */
void tgt_ls_rejected(void *arg, const struct nvmet_fc_ls_rjt_info *info)
{
	struct tgt *t = arg;
	const char *name = fcnvme_ls_cmd_name(info->ls_cmd);
	char reason[256], cmd[16];
	const struct tgt_assoc_event ev = {
		.kind = TGT_ASSOC_EV_LS_REJECTED,
		.port = tgt_tp_name(t, info->tgtport),
		.host_wwpn = info->host_wwpn,
		.ls_cmd = info->ls_cmd,
		.reason = reason,
		.ipo = -1,
	};
	int n;

	snprintf(cmd, sizeof(cmd), "LS 0x%02x", info->ls_cmd);
	n = snprintf(reason, sizeof(reason), "%s rejected: %s",
		     strcmp(name, "unknown") ? name : cmd, fcnvme_ls_rjt_reason_name(info->reason));
	if (info->explanation != FCNVME_RJT_EXP_NONE && n > 0 && (size_t)n < sizeof(reason))
		n += snprintf(reason + n, sizeof(reason) - (size_t)n, ", %s",
			      fcnvme_ls_rjt_explan_name(info->explanation));
	if (info->detail && n > 0 && (size_t)n < sizeof(reason))
		snprintf(reason + n, sizeof(reason) - (size_t)n, " (%s)", info->detail);
	tgt_assoc_event(t, &ev);
}

static const struct nvmet_fc_core_ops tgt_ops = {
	.sq_create = tgt_sq_create,
	.sq_destroy = tgt_sq_destroy,
	.req_init = tgt_req_init,
	.sq_stop = tgt_sq_stop,
	.req_abort = tgt_req_abort,
	.req_data_done = tgt_req_data_done,
};

/* The ops table to bind to target ports. */
const struct nvmet_fc_core_ops *tgt_core_ops(void)
{
	return &tgt_ops;
}

/* ---- time and threads --------------------------------------------------- */

/* Delete the associations that did not connect in time. delete_assoc may
 * destroy queues at once (unlinking them), so the scan starts over after
 * each one; expired marks those already done. */
static void tgt_expire_unconnected(struct tgt *t, uint64_t now)
{
	struct sq *sq;

again:
	for (sq = t->sq_list; sq; sq = sq->assoc_next) {
		struct tgt_assoc_event ev;

		if (sq->qid || sq->stopping || sq->expired ||
		    atomic_load_explicit(&sq->ctrl, memory_order_relaxed) ||
		    now - sq->created_ms < TGT_CONNECT_TIMEOUT_MS)
			continue;
		sq->expired = true;
		ev = (struct tgt_assoc_event){
			.kind = TGT_ASSOC_EV_EXPIRED,
			.port = tgt_tp_name(t, sq->tp),
			.host_wwpn = sq->host_wwpn,
			.assoc_id = sq->assoc_id,
			.timeout_ms = TGT_CONNECT_TIMEOUT_MS,
		};
		tgt_assoc_event(t, &ev);
		if (t->delete_assoc)
			t->delete_assoc(sq->fc_sq);
		goto again;
	}
}

/* Periodic work: keep-alive expiry, DH-HMAC-CHAP not completed in time,
 * associations that never connected,
 * retries of messages that found a full ring. */
void tgt_timer_tick(struct tgt *t)
{
	uint64_t now = clock_now_ms(t->clock);
	struct nvmet_fc_req *req, *next;
	struct subsys *s;
	struct ctrl *c, *cn;

	ns_retry_msgs(t);
	req = t->cpl_retry;
	t->cpl_retry = NULL;
	for (; req; req = next) {
		next = (struct nvmet_fc_req *)(uintptr_t)req_ctx(req)->aux2;
		tgt_req_complete_from_ctl(req, req_ctx(req)->status);
	}
	for (c = t->disc->ctrls; c; c = cn) {
		cn = c->next;
		ctrl_timer(c, now);
	}
	for (s = t->subsys_list; s; s = s->next) {
		for (c = s->ctrls; c; c = cn) {
			cn = c->next;
			/* either may delete c, and a deleted c may be freed at
			 * once: nothing touches it after */
			if (!cmd_auth_timer(c, now))
				ctrl_timer(c, now);
		}
	}
	tgt_expire_unconnected(t, now);
	ns_tick_all(t);
}

void tgt_set_assoc_event_cb(struct tgt *t, void (*cb)(void *arg, const struct tgt_assoc_event *ev),
			    void *arg)
{
	t->assoc_event = cb;
	t->assoc_event_arg = arg;
}

/* Where namespace events go. */
void tgt_set_ns_event_cb(struct tgt *t,
			 void (*cb)(void *arg, const char *nqn, uint32_t nsid, enum tgt_ns_event ev,
				    uint64_t size, const char *msg),
			 void *arg)
{
	t->ns_event = cb;
	t->ns_event_arg = arg;
}

/* Set up the calling I/O thread's state in every backend that keeps some;
 * on failure, what was set up is stopped again. */
int tgt_hwq_start(struct tgt *t, uint16_t hwq, void (*wake)(void *), void *wake_arg)
{
	const struct backend_thread bt = { .wake = wake, .wake_arg = wake_arg };
	const struct backend_ops *const *b;
	int rc;

	(void)t;
	(void)hwq;
	for (b = backend_all; *b; b++) {
		if (!(*b)->thread_start)
			continue;
		rc = (*b)->thread_start(&bt);
		if (rc)
			goto out_stop_started;
	}
	return 0;

out_stop_started:
	while (b-- != backend_all)
		if ((*b)->thread_stop)
			(*b)->thread_stop();
	return rc;
}

/* The calling thread is about to sleep (or woke up): > 0 if a backend has
 * work for it already. */
int tgt_hwq_sleep(struct tgt *t, uint16_t hwq, bool sleeping)
{
	const struct backend_ops *const *b;
	int n = 0, rc;

	(void)t;
	(void)hwq;
	for (b = backend_all; *b; b++) {
		if (!(*b)->thread_sleep)
			continue;
		rc = (*b)->thread_sleep(sleeping);
		if (rc > 0)
			n += rc;
	}
	return n;
}

/* Whether a backend's completion will wake the calling thread. */
bool tgt_hwq_waits(struct tgt *t, uint16_t hwq)
{
	const struct backend_ops *const *b;

	(void)t;
	(void)hwq;
	for (b = backend_all; *b; b++)
		if ((*b)->thread_waits && (*b)->thread_waits())
			return true;
	return false;
}

/* Reap the calling thread's backend completions; returns work done. */
int tgt_hwq_poll(struct tgt *t, uint16_t hwq)
{
	const struct backend_ops *const *b;
	int n = 0, rc;

	(void)t;
	(void)hwq;
	for (b = backend_all; *b; b++) {
		if (!(*b)->thread_poll)
			continue;
		rc = (*b)->thread_poll();
		if (rc > 0)
			n += rc;
	}
	return n;
}

/* Drain and free the calling thread's backend state. */
void tgt_hwq_stop(struct tgt *t, uint16_t hwq)
{
	const struct backend_ops *const *b;

	(void)t;
	(void)hwq;
	for (b = backend_all; *b; b++)
		if ((*b)->thread_stop)
			(*b)->thread_stop();
}
