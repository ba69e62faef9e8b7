// SPDX-License-Identifier: Apache-2.0
/*
 * Host transport ports: registration of local and remote ports by a host
 * LLDD (nvme_fc_register_localport() and friends), their reference counts,
 * and what losing or regaining a remote port does to its controllers
 * (dev_loss, as Linux nvme-fc: a remote port re-registered with the same
 * WWNs within dev_loss_tmo is resumed and its controllers reconnect at once).
 * All calls run on the LLDD's control thread, which also owns the
 * controllers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nvme_fc_int.h"

static uint32_t fcn_host_port_nums; /* local + remote port numbers */

static size_t fcn_host_port_align(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static void fcn_host_lport_put(struct fcn_host_lport *lp)
{
	if (--lp->refs)
		return;
	if (lp->ops->localport_delete)
		lp->ops->localport_delete(&lp->port);
	free(lp);
}

/* Register a local port; *lport_p stays valid until localport_delete. */
int nvme_fc_register_localport(struct nvme_fc_port_info *pinfo,
			       struct nvme_fc_port_template *template, struct fcnvme_device *dev,
			       struct nvme_fc_local_port **lport_p)
{
	struct nvme_fc_port_template *t = template;
	struct fcn_host_lport *lp;
	size_t sz;

	if (!pinfo || !t || !lport_p)
		return -EINVAL;
	if (!t->localport_delete || !t->remoteport_delete || !t->ls_req || !t->fcp_io ||
	    !t->ls_abort || !t->fcp_abort || !t->max_hw_queues || !t->max_sgl_segments ||
	    !t->max_dif_sgl_segments || !t->dma_boundary)
		return -EINVAL;

	sz = fcn_host_port_align(sizeof(*lp));
	lp = calloc(1, sz + t->local_priv_sz);
	if (!lp)
		return -ENOMEM;
	lp->ops = t;
	lp->dev = dev;
	lp->refs = 1;
	LIST_INIT(&lp->rports);
	lp->port.port_num = ++fcn_host_port_nums;
	lp->port.port_role = pinfo->port_role;
	lp->port.node_name = pinfo->node_name;
	lp->port.port_name = pinfo->port_name;
	lp->port.port_id = pinfo->port_id;
	lp->port.port_state = FC_OBJSTATE_ONLINE;
	lp->port.private = t->local_priv_sz ? (char *)lp + sz : NULL;
	*lport_p = &lp->port;
	return 0;
}

/*
 * Unregister a local port. localport_delete comes once its last remote
 * port is gone (possibly from inside this call). -EINVAL if already done.
 */
int nvme_fc_unregister_localport(struct nvme_fc_local_port *localport)
{
	struct fcn_host_lport *lp;

	if (!localport)
		return -EINVAL;
	lp = (struct fcn_host_lport *)localport;
	if (lp->port.port_state != FC_OBJSTATE_ONLINE)
		return -EINVAL;
	lp->port.port_state = FC_OBJSTATE_DELETED;
	fcn_host_lport_put(lp);
	return 0;
}

/* Take a reference on a remote port (a controller attaches). */
void fcn_host_rport_get(struct fcn_host_rport *rp)
{
	rp->refs++;
}

/* Drop a reference; the last one calls remoteport_delete and frees it. */
void fcn_host_rport_put(struct fcn_host_rport *rp)
{
	struct fcn_host_lport *lp = rp->lp;

	if (--rp->refs)
		return;
	LIST_REMOVE(rp, link);
	lp->ops->remoteport_delete(&rp->port);
	free(rp);
	fcn_host_lport_put(lp);
}

/*
 * Register (or resume) a remote port seen through localport. A port with
 * the same WWNs that was unregistered but is still held by controllers
 * within dev_loss_tmo is resumed: the same pointer comes back and its
 * controllers reconnect at once.
 */
int nvme_fc_register_remoteport(struct nvme_fc_local_port *localport,
				struct nvme_fc_port_info *pinfo,
				struct nvme_fc_remote_port **rport_p)
{
	struct fcn_host_lport *lp;
	struct fcn_host_rport *rp;
	struct fcn_host_ctrl *c, *tmp;
	size_t sz;

	if (!localport || !pinfo || !rport_p)
		return -EINVAL;
	lp = (struct fcn_host_lport *)localport;
	if (lp->port.port_state != FC_OBJSTATE_ONLINE)
		return -ESHUTDOWN;

	LIST_FOREACH (rp, &lp->rports, link) {
		if (rp->port.node_name != pinfo->node_name ||
		    rp->port.port_name != pinfo->port_name)
			continue;
		if (rp->registered)
			return -EEXIST;
		rp->registered = true;
		rp->refs++;
		rp->port.port_role = pinfo->port_role;
		rp->port.port_id = pinfo->port_id;
		if (pinfo->dev_loss_tmo)
			rp->port.dev_loss_tmo = pinfo->dev_loss_tmo;
		rp->port.port_state = FC_OBJSTATE_ONLINE;
		LIST_FOREACH_SAFE(c, &rp->ctrls, link, tmp)
		fcn_host_ctrl_rport_back(c);
		*rport_p = &rp->port;
		return 0;
	}

	sz = fcn_host_port_align(sizeof(*rp));
	rp = calloc(1, sz + lp->ops->remote_priv_sz);
	if (!rp)
		return -ENOMEM;
	rp->lp = lp;
	rp->refs = 1;
	rp->registered = true;
	LIST_INIT(&rp->ctrls);
	rp->port.port_num = ++fcn_host_port_nums;
	rp->port.port_role = pinfo->port_role;
	rp->port.node_name = pinfo->node_name;
	rp->port.port_name = pinfo->port_name;
	rp->port.localport = &lp->port;
	rp->port.dev_loss_tmo = pinfo->dev_loss_tmo ? pinfo->dev_loss_tmo : FCN_HOST_DEF_DEV_LOSS_S;
	rp->port.port_id = pinfo->port_id;
	rp->port.port_state = FC_OBJSTATE_ONLINE;
	rp->port.private = lp->ops->remote_priv_sz ? (char *)rp + sz : NULL;
	lp->refs++;
	if (LIST_EMPTY(&lp->rports)) {
		LIST_INSERT_HEAD(&lp->rports, rp, link);
	} else {
		struct fcn_host_rport *last = LIST_FIRST(&lp->rports);

		while (LIST_NEXT(last, link))
			last = LIST_NEXT(last, link);
		LIST_INSERT_AFTER(last, rp, link);
	}
	*rport_p = &rp->port;
	return 0;
}

/*
 * The remote port is gone (LOGO, link loss). Controllers on it fail their
 * association; each is deleted at once when dev_loss_tmo is 0, otherwise
 * it waits up to dev_loss_tmo for the port to come back. remoteport_delete
 * comes when the last controller lets go (possibly inside this call).
 */
int nvme_fc_unregister_remoteport(struct nvme_fc_remote_port *remoteport)
{
	struct fcn_host_rport *rp;
	struct fcn_host_ctrl *c, *tmp;

	if (!remoteport)
		return -EINVAL;
	rp = (struct fcn_host_rport *)remoteport;
	if (!rp->registered)
		return -EINVAL;
	rp->registered = false;
	rp->port.port_state = FC_OBJSTATE_DELETED;
	rp->refs++; /* hold it while the controllers react */
	LIST_FOREACH_SAFE(c, &rp->ctrls, link, tmp)
	fcn_host_ctrl_rport_lost(c);
	rp->refs--; /* the registration reference goes below */
	fcn_host_rport_put(rp);
	return 0;
}

/*
 * The target behind the remote port announced a change (RSCN). Userspace
 * has no udev event to raise; applications re-read the discovery log.
 */
void nvme_fc_rescan_remoteport(struct nvme_fc_remote_port *remoteport)
{
	(void)remoteport;
}

/* Change the remote port's dev_loss_tmo (seconds). */
int nvme_fc_set_remoteport_devloss(struct nvme_fc_remote_port *remoteport, uint32_t dev_loss_tmo)
{
	struct fcn_host_rport *rp;

	if (!remoteport)
		return -EINVAL;
	rp = (struct fcn_host_rport *)remoteport;
	if (rp->port.port_state != FC_OBJSTATE_ONLINE)
		return -EINVAL;
	rp->port.dev_loss_tmo = dev_loss_tmo;
	return 0;
}

/* The online remote ports of a local port; returns the total count. */
int fcnvme_host_rports(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port **out, int max)
{
	struct fcn_host_lport *lp;
	struct fcn_host_rport *rp;
	int n = 0;

	if (!lport)
		return -EINVAL;
	lp = (struct fcn_host_lport *)lport;
	LIST_FOREACH (rp, &lp->rports, link) {
		if (rp->port.port_state != FC_OBJSTATE_ONLINE)
			continue;
		if (out && n < max)
			out[n] = &rp->port;
		n++;
	}
	return n;
}
