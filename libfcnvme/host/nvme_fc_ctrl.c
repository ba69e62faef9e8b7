// SPDX-License-Identifier: Apache-2.0
/*
 * Host controllers: creation, the poll loop that drives connect, keep-alive,
 * timeouts, teardown and reconnect, the public submit path, and deletion.
 * Recovery follows Linux nvme-fc: any path error (malformed response, FCP
 * or LS failure, command timeout, Keep Alive failure, a Disconnect
 * Association from the target, loss of the remote port) tears the whole
 * association down — abort every outstanding command and wait for the LLDD
 * to finish each, send our Disconnect Association, send the deferred ACC of
 * a received Disconnect, release the LLDD's queues — and reconnects: at
 * once after a live association failed, then every reconnect_delay until
 * ctrl_loss_tmo, while the remote port is present (else until its
 * dev_loss_tmo), and never after a status with DNR.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/clock.h>
#include <fcnvme/ls.h>

#include "nvme_fc_int.h"

#define FCN_NS_PER_S	1000000000ull
#define FCN_TMO_SCAN_NS 100000000ull /* 100 ms */

static const char *const fcn_host_state_names[] = {
	[FCNVME_HOST_CTRL_CONNECTING] = "connecting",
	[FCNVME_HOST_CTRL_LIVE] = "live",
	[FCNVME_HOST_CTRL_RESETTING] = "resetting",
	[FCNVME_HOST_CTRL_RECONNECT_WAIT] = "reconnect-wait",
	[FCNVME_HOST_CTRL_DELETING] = "deleting",
	[FCNVME_HOST_CTRL_DEAD] = "dead",
};

/* A short English name for a controller state. */
const char *fcnvme_host_ctrl_state_name(enum fcnvme_host_ctrl_state st)
{
	if ((unsigned int)st >= sizeof(fcn_host_state_names) / sizeof(fcn_host_state_names[0]))
		return "unknown";
	return fcn_host_state_names[st];
}

/* The controller's clock (monotonic ns, or the application's clock). Its
 * deadlines (keep-alive, command, LS and reconnect timeouts) are of
 * milliseconds and more, and it is read on every poll of every
 * controller, so the default is the coarse clock. */
uint64_t fcn_host_ctrl_now(const struct fcn_host_ctrl *c)
{
	if (c->opts.clock_ns)
		return c->opts.clock_ns(c->opts.clock_arg);
	return fcnvme_clock_coarse_ns();
}

/* Record why the controller failed (first reason of a failure wins). */
void fcn_host_ctrl_set_reason(struct fcn_host_ctrl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	c->reason_status = 0;
}

/* Change state and tell the application. */
void fcn_host_ctrl_set_state(struct fcn_host_ctrl *c, enum fcnvme_host_ctrl_state st)
{
	if (c->state == st)
		return;
	c->state = st;
	if (c->opts.state_cb)
		c->opts.state_cb(c->opts.state_arg, st);
}

static bool fcn_host_ctrl_tearing_down(const struct fcn_host_ctrl *c)
{
	return c->phase == FCN_PH_TEARDOWN_ABORT || c->phase == FCN_PH_TEARDOWN_DISC;
}

/* Something broke the association: reset it (at the next poll). */
void fcn_host_ctrl_path_error(struct fcn_host_ctrl *c, const char *why)
{
	if (fcn_host_ctrl_tearing_down(c) || c->want_reset)
		return;
	if (c->state != FCNVME_HOST_CTRL_LIVE && c->state != FCNVME_HOST_CTRL_CONNECTING)
		return;
	c->want_reset = true;
	if (c->state == FCNVME_HOST_CTRL_LIVE || !c->reason[0])
		fcn_host_ctrl_set_reason(c, "%s", why);
}

/* The target sent Disconnect Association for our association. */
void fcn_host_ctrl_disconnect_rcvd(struct fcn_host_ctrl *c)
{
	fcn_host_ctrl_path_error(c, "Disconnect Association from the target");
}

static void fcn_host_ctrl_teardown_start(struct fcn_host_ctrl *c)
{
	unsigned int i;

	if (!c->deleting)
		fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_RESETTING);
	c->phase = FCN_PH_TEARDOWN_ABORT;
	for (i = 0; i < c->nr_queues; i++) {
		c->queues[i].connected = false;
		fcn_host_io_abort_all(&c->queues[i]);
	}
	/* An LS in flight is left to finish (within its timeout): aborting a
	 * Create Association would orphan the association the target may
	 * already have made, since we would never learn its ID to disconnect
	 * it. A lost remote port aborts it instead (fcn_host_ctrl_rport_lost). */
	if (c->rp->port.port_state != FC_OBJSTATE_ONLINE)
		fcn_host_ls_abort(c);
}

/* The remote port went away: fail the association, start dev_loss. */
void fcn_host_ctrl_rport_lost(struct fcn_host_ctrl *c)
{
	uint32_t tmo = c->rp->port.dev_loss_tmo;

	/* with dev_loss_tmo 0 the deadline is now: no reconnect at all */
	c->devloss_end_ns = fcn_host_ctrl_now(c) + (uint64_t)tmo * FCN_NS_PER_S;
	fcn_host_ls_abort(c);
	fcn_host_ctrl_path_error(c, "remote port lost");
}

/* The remote port is back within dev_loss: reconnect at once. */
void fcn_host_ctrl_rport_back(struct fcn_host_ctrl *c)
{
	c->devloss_end_ns = 0;
	if (c->state == FCNVME_HOST_CTRL_RECONNECT_WAIT)
		c->reconnect_at_ns = 0;
}

static unsigned int fcn_host_ctrl_outstanding(const struct fcn_host_ctrl *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nr_queues; i++)
		n += c->queues[i].outstanding;
	return n;
}

static void fcn_host_ctrl_release_queues(struct fcn_host_ctrl *c)
{
	struct nvme_fc_port_template *ops = c->lp->ops;
	unsigned int i;

	for (i = c->nr_queues; i-- > 0;) {
		struct fcn_host_queue *q = &c->queues[i];

		if (q->lldd_created && ops->delete_queue && q->lldd_handle)
			ops->delete_queue(&c->lp->port, i, q->lldd_handle);
		fcn_host_queue_reset(q);
		q->qsize = 0;
	}
}

/* Decide what follows a finished teardown. */
static void fcn_host_ctrl_after_teardown(struct fcn_host_ctrl *c)
{
	uint64_t now = fcn_host_ctrl_now(c);
	uint64_t delay = (uint64_t)c->opts.reconnect_delay_s * FCN_NS_PER_S;
	bool online = c->rp->port.port_state == FC_OBJSTATE_ONLINE;

	c->phase = FCN_PH_IDLE;
	c->association_id = 0;
	c->nr_io_live = 0;
	if (c->deleting) {
		fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DEAD);
		return;
	}
	if (c->was_live && c->opts.ctrl_loss_tmo_s >= 0)
		c->loss_end_ns = now + (uint64_t)c->opts.ctrl_loss_tmo_s * FCN_NS_PER_S;
	if (c->dnr) {
		fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DEAD);
		return;
	}
	if (c->opts.ctrl_loss_tmo_s >= 0 && now >= c->loss_end_ns) {
		fcn_host_ctrl_set_reason(c, "ctrl_loss_tmo expired (%s)",
					 c->reason[0] ? c->reason : "no reason");
		fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DEAD);
		return;
	}
	if (!online && c->devloss_end_ns && now >= c->devloss_end_ns) {
		fcn_host_ctrl_set_reason(c, "remote port lost for longer than "
					    "dev_loss_tmo");
		fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DEAD);
		return;
	}
	c->reconnect_at_ns = c->was_live && online ? now : now + delay;
	c->was_live = false;
	c->nr_reconnects++;
	fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_RECONNECT_WAIT);
}

static int fcn_host_ctrl_teardown_step(struct fcn_host_ctrl *c, uint64_t now)
{
	int len;

	if (c->ls.busy) {
		if (now >= c->ls.deadline_ns)
			fcn_host_ls_abort(c);
		return 0;
	}
	if (c->phase == FCN_PH_TEARDOWN_ABORT) {
		if (fcn_host_ctrl_outstanding(c))
			return 0;
		fcn_host_connect_salvage(c);
		c->phase = FCN_PH_TEARDOWN_DISC;
		if (c->association_id && c->rp->port.port_state == FC_OBJSTATE_ONLINE) {
			len = fcnvme_ls_build_disconnect_assoc(c->ls.buf, FCN_HOST_LS_RSP_OFF,
							       c->association_id);
			if (len > 0 &&
			    fcn_host_ls_send(c, (uint32_t)len,
					     sizeof(struct fcnvme_ls_disconnect_assoc_acc)) == 0)
				return 1;
		}
	}
	/* Disconnect answered (result ignored) or not needed */
	fcn_host_ls_send_deferred_acc(c);
	fcn_host_ctrl_release_queues(c);
	fcn_host_ctrl_after_teardown(c);
	return 1;
}

static unsigned int fcn_host_ctrl_reap(struct fcn_host_ctrl *c)
{
	struct nvme_fc_port_template *ops = c->lp->ops;
	unsigned int i, n = 0;
	int rc;

	if (!ops->poll_queue)
		return 0;
	for (i = 0; i < c->nr_queues; i++) {
		struct fcn_host_queue *q = &c->queues[i];

		if (!q->lldd_created)
			continue;
		rc = ops->poll_queue(&c->lp->port, q->lldd_handle);
		if (rc > 0)
			n += (unsigned int)rc;
	}
	return n;
}

static void fcn_host_ctrl_scan_timeouts(struct fcn_host_ctrl *c, uint64_t now)
{
	unsigned int i, n = 0;

	if (now < c->tmo_scan_ns)
		return;
	c->tmo_scan_ns = now + FCN_TMO_SCAN_NS;
	for (i = 0; i < c->nr_queues; i++)
		n += fcn_host_io_check_timeouts(&c->queues[i], now);
	if (n)
		fcn_host_ctrl_path_error(c, "command timeout");
	if (c->ls.busy && now >= c->ls.deadline_ns)
		fcn_host_ls_abort(c);
}

static int fcn_host_ctrl_step(struct fcn_host_ctrl *c)
{
	uint64_t now = fcn_host_ctrl_now(c);
	int rc;

	switch (c->phase) {
	case FCN_PH_CONNECT:
		fcn_host_ctrl_scan_timeouts(c, now);
		rc = fcn_host_connect_advance(c);
		if (rc >= 0)
			return rc;
		fcn_host_ctrl_teardown_start(c);
		return 1;
	case FCN_PH_TEARDOWN_ABORT:
	case FCN_PH_TEARDOWN_DISC:
		return fcn_host_ctrl_teardown_step(c, now);
	case FCN_PH_IDLE:
		break;
	}
	switch (c->state) {
	case FCNVME_HOST_CTRL_LIVE:
		if (c->want_reset) {
			fcn_host_ctrl_teardown_start(c);
			return 1;
		}
		fcn_host_ctrl_scan_timeouts(c, now);
		fcn_host_connect_ka(c);
		return 0;
	case FCNVME_HOST_CTRL_RECONNECT_WAIT:
		if (c->rp->port.port_state != FC_OBJSTATE_ONLINE) {
			if (c->devloss_end_ns && now >= c->devloss_end_ns) {
				fcn_host_ctrl_set_reason(c, "remote port lost "
							    "for longer than dev_loss_tmo");
				fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DEAD);
				return 1;
			}
		} else if (now >= c->reconnect_at_ns) {
			fcn_host_connect_start(c);
			return 1;
		}
		if (c->opts.ctrl_loss_tmo_s >= 0 && now >= c->loss_end_ns) {
			fcn_host_ctrl_set_reason(c, "ctrl_loss_tmo expired");
			fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DEAD);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Advance the controller; returns the number of events handled. */
int fcnvme_host_ctrl_poll(struct fcnvme_host_ctrl *ctrl)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;
	int n = 0, rc;

	if (!c)
		return -EINVAL;
	n += (int)fcn_host_ctrl_reap(c);
	do {
		rc = fcn_host_ctrl_step(c);
		n += rc > 0 ? rc : 0;
	} while (rc > 0 && c->phase != FCN_PH_IDLE);
	return n;
}

static int fcn_host_ctrl_check_opts(const struct fcnvme_host_ctrl_opts *o)
{
	if (!o->subnqn || !o->hostnqn || !o->subnqn[0] || !o->hostnqn[0])
		return -EINVAL;
	if (strlen(o->subnqn) >= 256 || strlen(o->hostnqn) >= 256)
		return -EINVAL;
	if (o->queue_size && (o->queue_size < FCNVME_HOST_MIN_QUEUE_SIZE ||
			      o->queue_size > FCNVME_HOST_MAX_QUEUE_SIZE))
		return -EINVAL;
	if (o->nr_io_queues > FCNVME_HOST_MAX_IO_QUEUES)
		return -EINVAL;
	if (o->ctrl_loss_tmo_s < -1)
		return -EINVAL;
	return 0;
}

static void fcn_host_ctrl_free(struct fcn_host_ctrl *c)
{
	unsigned int i;

	if (c->rp) {
		LIST_REMOVE(c, link);
		fcn_host_rport_put(c->rp);
	}
	for (i = 0; c->queues && i < c->nr_queues; i++)
		fcn_host_queue_free(c, &c->queues[i]);
	free(c->queues);
	fcn_host_auth_free(c);
	explicit_bzero(&c->dhchap, sizeof(c->dhchap));
	explicit_bzero(&c->dhchap_ctrl, sizeof(c->dhchap_ctrl));
	if (c->ls.buf)
		fcn_host_ls_fini(c);
	fcnvme_dma_free(c->lp->dev, c->id_buf, FCN_HOST_ID_BUF_LEN);
	if (c->log_hbuf.addr)
		fcnvme_dma_free(c->lp->dev, c->log_hbuf.addr, c->log_hbuf.len);
	free(c);
}

static int fcn_host_ctrl_create(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
				const struct fcnvme_host_ctrl_opts *opts,
				const struct fcnvme_auth_key *hk, const struct fcnvme_auth_key *ck,
				struct fcnvme_host_ctrl **ctrlp);

/* Create a controller and start connecting it. */
int fcnvme_host_ctrl_create(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			    const struct fcnvme_host_ctrl_opts *opts,
			    struct fcnvme_host_ctrl **ctrlp)
{
	return fcn_host_ctrl_create(lport, rport, opts, NULL, NULL, ctrlp);
}

/* The same, authenticating every queue with DH-HMAC-CHAP. */
int fcnvme_host_ctrl_create_auth(struct nvme_fc_local_port *lport,
				 struct nvme_fc_remote_port *rport,
				 const struct fcnvme_host_ctrl_opts *opts, const char *secret,
				 const char *ctrl_secret, struct fcnvme_host_ctrl **ctrlp)
{
	struct fcnvme_auth_key hk, ck = { 0 };
	int rc;

	if (!secret || fcnvme_auth_key_parse(secret, &hk))
		return -EINVAL;
	if (ctrl_secret && fcnvme_auth_key_parse(ctrl_secret, &ck)) {
		explicit_bzero(&hk, sizeof(hk));
		return -EINVAL;
	}
	rc = fcn_host_ctrl_create(lport, rport, opts, &hk, &ck, ctrlp);
	explicit_bzero(&hk, sizeof(hk));
	explicit_bzero(&ck, sizeof(ck));
	return rc;
}

static int fcn_host_ctrl_create(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
				const struct fcnvme_host_ctrl_opts *opts,
				const struct fcnvme_auth_key *hk, const struct fcnvme_auth_key *ck,
				struct fcnvme_host_ctrl **ctrlp)
{
	struct fcn_host_ctrl *c;
	struct fcn_host_rport *rp = (struct fcn_host_rport *)rport;
	unsigned int i;
	int rc;

	if (!lport || !rport || !opts || !ctrlp)
		return -EINVAL;
	rc = fcn_host_ctrl_check_opts(opts);
	if (rc)
		return rc;
	if (rport->localport != lport)
		return -EINVAL;
	if (lport->port_state != FC_OBJSTATE_ONLINE || rport->port_state != FC_OBJSTATE_ONLINE)
		return -ENODEV;
	if (rport->port_role &&
	    !(rport->port_role & (FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY)))
		return -EBADR;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->opts = *opts;
	if (hk)
		c->dhchap = *hk;
	if (ck)
		c->dhchap_ctrl = *ck;
	c->opts.subnqn = c->subnqn;
	c->opts.hostnqn = c->hostnqn;
	snprintf(c->subnqn, sizeof(c->subnqn), "%s", opts->subnqn);
	snprintf(c->hostnqn, sizeof(c->hostnqn), "%s", opts->hostnqn);
	if (!c->opts.queue_size)
		c->opts.queue_size = FCNVME_HOST_DEF_QUEUE_SIZE;
	if (!c->opts.reconnect_delay_s)
		c->opts.reconnect_delay_s = FCNVME_HOST_DEF_RECONNECT_S;
	if (!c->opts.cmd_timeout_ms)
		c->opts.cmd_timeout_ms = FCNVME_HOST_DEF_CMD_TMO_MS;
	c->lp = (struct fcn_host_lport *)lport;

	rc = fcnvme_dma_alloc(c->lp->dev, FCN_HOST_ID_BUF_LEN, &c->id_buf, &c->id_dma);
	if (rc) {
		free(c);
		return rc;
	}
	c->id_hbuf.addr = c->id_buf;
	c->id_hbuf.dma = c->id_dma;
	c->id_hbuf.len = FCN_HOST_ID_BUF_LEN;
	rc = fcn_host_ls_init(c);
	if (rc)
		goto out_free;
	c->nr_queues = (uint16_t)(1 + opts->nr_io_queues);
	c->queues = calloc(c->nr_queues, sizeof(*c->queues));
	if (!c->queues) {
		rc = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < c->nr_queues; i++) {
		rc = fcn_host_queue_alloc(c, &c->queues[i], (uint16_t)i,
					  i ? c->opts.queue_size : FCNVME_HOST_AQ_DEPTH);
		if (rc)
			goto out_free;
	}

	c->rp = rp;
	fcn_host_rport_get(rp);
	LIST_INSERT_HEAD(&rp->ctrls, c, link);
	c->state = FCNVME_HOST_CTRL_CONNECTING;
	if (c->opts.ctrl_loss_tmo_s >= 0)
		c->loss_end_ns =
			fcn_host_ctrl_now(c) + (uint64_t)c->opts.ctrl_loss_tmo_s * FCN_NS_PER_S;
	fcn_host_connect_start(c);
	*ctrlp = (struct fcnvme_host_ctrl *)c;
	return 0;

out_free:
	fcn_host_ctrl_free(c);
	return rc;
}

/* The current state. */
enum fcnvme_host_ctrl_state fcnvme_host_ctrl_state(const struct fcnvme_host_ctrl *ctrl)
{
	return ((const struct fcn_host_ctrl *)ctrl)->state;
}

/* Why the last attempt failed, or "". */
const char *fcnvme_host_ctrl_reason(const struct fcnvme_host_ctrl *ctrl)
{
	return ((const struct fcn_host_ctrl *)ctrl)->reason;
}

/* The NVMe status behind the reason. */
uint16_t fcnvme_host_ctrl_reason_status(const struct fcnvme_host_ctrl *ctrl)
{
	return ((const struct fcn_host_ctrl *)ctrl)->reason_status;
}

/* Fill *info with the live association's facts. */
void fcnvme_host_ctrl_get_info(const struct fcnvme_host_ctrl *ctrl,
			       struct fcnvme_host_ctrl_info *info)
{
	const struct fcn_host_ctrl *c = (const struct fcn_host_ctrl *)ctrl;

	memset(info, 0, sizeof(*info));
	info->cntlid = c->cntlid;
	info->nr_io_queues = c->nr_io_live;
	info->queue_size = c->io_qsize;
	info->association_id = c->association_id;
	info->cap = c->cap;
	info->max_xfer = c->max_xfer;
	info->nr_connects = c->nr_connects;
	info->id_ctrl = c->id_ctrl;
}

/* Submit a command on queue qid of a LIVE controller. */
int fcnvme_host_submit(struct fcnvme_host_ctrl *ctrl, uint16_t qid, const struct nvme_command *cmd,
		       const struct fcnvme_host_buf *buf, size_t off, uint32_t len,
		       fcnvme_host_done_fn done, void *arg)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;
	struct fcn_host_queue *q;

	if (!c || !cmd || !done)
		return -EINVAL;
	if (c->state != FCNVME_HOST_CTRL_LIVE || c->want_reset)
		return -ENOTCONN;
	if (qid > c->nr_io_live)
		return -EINVAL;
	q = &c->queues[qid];
	if (!q->connected)
		return -ENOTCONN;
	if (len && (!buf || off > buf->len || len > buf->len - off))
		return -EINVAL;
	if (len > c->max_xfer)
		return -E2BIG;
	if (qid == 0 && q->outstanding + 3 >= q->qsize)
		return -EBUSY; /* keep room for Keep Alive */
	return fcn_host_io_submit(q, cmd, buf, off, len, false, done, arg);
}

/* Reap one I/O queue's completions. */
int fcnvme_host_ctrl_poll_queue(struct fcnvme_host_ctrl *ctrl, uint16_t qid)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;
	struct fcn_host_queue *q;

	if (!c || qid >= c->nr_queues)
		return -EINVAL;
	q = &c->queues[qid];
	if (!q->lldd_created || !c->lp->ops->poll_queue)
		return 0;
	return c->lp->ops->poll_queue(&c->lp->port, q->lldd_handle);
}

/* Commands outstanding on queue qid. */
unsigned int fcnvme_host_queue_depth(const struct fcnvme_host_ctrl *ctrl, uint16_t qid)
{
	const struct fcn_host_ctrl *c = (const struct fcn_host_ctrl *)ctrl;

	if (!c || qid >= c->nr_queues)
		return 0;
	return c->queues[qid].outstanding;
}

/* Allocate a DMA-able buffer through the local port's device. */
int fcnvme_host_buf_alloc(struct fcnvme_host_ctrl *ctrl, size_t len, struct fcnvme_host_buf **bufp)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;
	struct fcnvme_host_buf *b;
	int rc;

	if (!c || !len || !bufp)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	rc = fcnvme_dma_alloc(c->lp->dev, len, &b->addr, &b->dma);
	if (rc) {
		free(b);
		return rc;
	}
	b->len = len;
	*bufp = b;
	return 0;
}

/* Free a buffer from fcnvme_host_buf_alloc(). */
void fcnvme_host_buf_free(struct fcnvme_host_ctrl *ctrl, struct fcnvme_host_buf *buf)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;

	if (!c || !buf)
		return;
	fcnvme_dma_free(c->lp->dev, buf->addr, buf->len);
	free(buf);
}

/* Reset a live controller: tear down and reconnect at once. */
int fcnvme_host_ctrl_reset(struct fcnvme_host_ctrl *ctrl)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;

	if (!c || c->state != FCNVME_HOST_CTRL_LIVE)
		return -EBUSY;
	fcn_host_ctrl_path_error(c, "reset requested");
	return 0;
}

/* Delete the controller; 1 while teardown waits, 0 once freed. */
int fcnvme_host_ctrl_delete(struct fcnvme_host_ctrl *ctrl)
{
	struct fcn_host_ctrl *c = (struct fcn_host_ctrl *)ctrl;

	if (!c)
		return -EINVAL;
	if (!c->deleting) {
		c->deleting = true;
		fcn_host_ctrl_set_state(c, FCNVME_HOST_CTRL_DELETING);
		if (c->phase == FCN_PH_CONNECT || (c->phase == FCN_PH_IDLE && c->association_id))
			fcn_host_ctrl_teardown_start(c);
	}
	if (fcn_host_ctrl_tearing_down(c))
		(void)fcnvme_host_ctrl_poll(ctrl);
	if (fcn_host_ctrl_tearing_down(c))
		return 1;
	fcn_host_ctrl_free(c);
	return 0;
}
