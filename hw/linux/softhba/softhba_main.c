// SPDX-License-Identifier: GPL-2.0
/*
 * softhba: Linux nvme-fc host LLDD for a port of the nvmetfcd software HBA,
 * served to this VM by softhba-vmport as an ivshmem-doorbell PCI device
 * (1af4:1110): BAR0 holds the ivshmem registers, BAR2 the port's device
 * region (hw/hw_dev.h, here softhba_hw.h), and MSI-X vector 0 signals the
 * slow path (deq), vector 1 + q the completion queue of hw queue q. The
 * interface is specified in docs/softhba-vm-port.md.
 *
 * This file: binding (only to a region with our magic, version and the
 * remote-driver flag, whose geometry is checked and copied once), the
 * local port, the slow path on an ordered workqueue (link, remote ports
 * online/offline/rescan, link services), the port server's heartbeat
 * watchdog, and unbinding (remote ports and the local port unregistered,
 * their deletion waited for).
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "softhba.h"

static unsigned int bounce_kb = 256;
module_param(bounce_kb, uint, 0444);
MODULE_PARM_DESC(bounce_kb,
		 "bounce buffer per exchange in KiB (4..4096, default 256): the largest I/O");

static unsigned int max_rports = 1024;
module_param(max_rports, uint, 0444);
MODULE_PARM_DESC(max_rports, "remote port names kept until unbind (16..65536, default 1024)");

/* ---- remote ports ---------------------------------------------------------- */

/* The record of the remote port nvme-fc knows by these two names. */
static struct softhba_rport *softhba_rport_find(struct softhba_port *port, u64 wwpn, u64 wwnn)
{
	struct softhba_rport *rp;

	list_for_each_entry(rp, &port->rports, node)
		if (rp->wwpn == wwpn && rp->wwnn == wwnn)
			return rp;
	return NULL;
}

/* The remote port is gone (logout, death, zoning, link down, unbind): its
 * I/O and LS complete with an error and nvme-fc learns it; dev_loss_tmo
 * runs from here. Slow path.
 */
static void softhba_rport_offline(struct softhba_port *port, struct softhba_rport *rp,
				  const char *why)
{
	if (!rp->online && !rp->registered)
		return;
	dev_info(&port->pdev->dev, "remote port %016llx (slot %u) offline: %s\n", rp->wwpn,
		 rp->slot, why);
	/* nvme-fc first: from here on it sends nothing to the remote port
	 * and fails new multipath I/O over to other paths; its controllers
	 * are resetting, so the errors below do not start error recovery.
	 * (I/O the driver refused while nvme-fc still saw the port online
	 * would be requeued on this path until it reconnects.)
	 */
	if (rp->registered) {
		rp->registered = false;
		nvme_fc_unregister_remoteport(rp->nrport);
	}
	WRITE_ONCE(rp->online, false);
	if (port->slot_rp[rp->slot] == rp)
		port->slot_rp[rp->slot] = NULL;
	/* What nvme-fc did not abort yet, or what no BA_ACC will confirm: the
	 * remote port is gone.
	 */
	softhba_io_fail_rport(port, rp, -ENOTCONN);
	softhba_ls_fail_rport(port, rp, -ENOTCONN);
	softhba_ls_reap(port, false);
}

static void softhba_all_offline(struct softhba_port *port, const char *why)
{
	struct softhba_rport *rp;

	list_for_each_entry(rp, &port->rports, node)
		softhba_rport_offline(port, rp, why);
}

/* Register rp with nvme-fc under its names (nvme-fc resumes the remote port
 * it still has under them) and point the remote port's private at it. On
 * failure nvme-fc has no remote port under these names that it could
 * resume (none, or one being freed: -ENOLCK), so the record forgets its
 * last registration, as nvme-fc has written NULL over it.
 */
static int softhba_rport_register(struct softhba_port *port, struct softhba_rport *rp)
{
	struct nvme_fc_port_info pi = {
		.node_name = rp->wwnn,
		.port_name = rp->wwpn,
		.port_role = rp->roles,
		.port_id = rp->port_id,
	};
	int rc;

	rc = nvme_fc_register_remoteport(port->lport, &pi, &rp->nrport);
	if (rc)
		return rc;
	*(struct softhba_rport **)rp->nrport->private = rp;
	rp->registered = true;
	return 0;
}

/* A WWPN is logged in once on a fabric: its newest login takes the others
 * offline, on another slot or under another WWNN.
 */
static void softhba_rport_supersede(struct softhba_port *port, const struct shba_rport_desc *d)
{
	struct softhba_rport *rp;

	list_for_each_entry(rp, &port->rports, node) {
		if (rp->wwpn != d->wwpn || (!rp->online && !rp->registered))
			continue;
		softhba_rport_offline(port, rp,
				      rp->wwnn == d->wwnn ? "logged in again on another slot"
							  : "logged in again under another WWNN");
	}
}

static void softhba_rport_online(struct softhba_port *port, u16 slot,
				 const struct shba_rport_desc *d)
{
	u32 roles = d->roles & (FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY);
	struct softhba_rport *rp = port->slot_rp[slot];
	int rc;

	if (port->removing || !roles || !d->wwpn || !d->wwnn)
		return;
	if (rp && rp->online) {
		/* nvme-fc tells remote ports apart by both names: the same
		 * WWPN under another WWNN is another port to it.
		 */
		if (rp->wwpn == d->wwpn && rp->wwnn == d->wwnn) {
			/* Known target, something changed (RSCN): rescan it. */
			dev_dbg(&port->pdev->dev, "remote port %016llx: rescan\n", rp->wwpn);
			nvme_fc_rescan_remoteport(rp->nrport);
			return;
		}
		softhba_rport_offline(port, rp, "its slot now holds another port");
	}
	softhba_rport_supersede(port, d);
	rp = softhba_rport_find(port, d->wwpn, d->wwnn);
	/* A record lives until the unbind (struct softhba_rport): a port
	 * server that brings ever new names online must not grow the list
	 * without end.
	 */
	if (!rp && port->nr_rports >= clamp_val(max_rports, 16, 65536)) {
		dev_warn_ratelimited(&port->pdev->dev,
				     "remote port %016llx refused: max_rports (%u) reached\n",
				     d->wwpn, port->nr_rports);
		return;
	}
	if (!rp) {
		rp = kzalloc(sizeof(*rp), GFP_KERNEL);
		if (!rp)
			return;
		rp->port = port;
		rp->wwpn = d->wwpn;
		rp->wwnn = d->wwnn;
		spin_lock(&port->rports_lock);
		list_add_tail(&rp->node, &port->rports);
		spin_unlock(&port->rports_lock);
		port->nr_rports++;
	}
	rp->port_id = d->port_id;
	rp->roles = roles;
	WRITE_ONCE(rp->slot, slot);
	port->slot_rp[slot] = rp;
	/* Online before registering: a remote port that nvme-fc resumes
	 * reconnects its controllers at once, through the same private.
	 */
	WRITE_ONCE(rp->online, true);
	rc = softhba_rport_register(port, rp);
	if (rc) {
		dev_warn(&port->pdev->dev, "remote port %016llx: registration failed: %d\n",
			 rp->wwpn, rc);
		WRITE_ONCE(rp->online, false);
		port->slot_rp[slot] = NULL;
		return;
	}
	dev_info(&port->pdev->dev,
		 "remote port %016llx online: node %016llx, id %06x, roles 0x%x\n", rp->wwpn,
		 rp->wwnn, rp->port_id, roles);
}

/* ---- slow path ---------------------------------------------------------------- */

static void softhba_event(struct softhba_port *port, const struct shba_eqe *e)
{
	switch (e->type) {
	case SHBA_EQE_LINK:
		if (e->arg == SHBA_LINK_UP) {
			port->lport->port_id = READ_ONCE(port->bar->port_id);
			dev_info(&port->pdev->dev, "link up, N_Port_ID %06x\n",
				 port->lport->port_id);
		} else {
			dev_info(&port->pdev->dev, "link down\n");
			softhba_all_offline(port, "link down");
		}
		break;
	case SHBA_EQE_RPORT_ONLINE:
		if (e->peer_slot >= SHBA_MAX_PORTS || e->len < sizeof(struct shba_rport_desc))
			break;
		softhba_rport_online(port, e->peer_slot, (const void *)e->payload);
		break;
	case SHBA_EQE_RPORT_OFFLINE:
		if (e->peer_slot < SHBA_MAX_PORTS && port->slot_rp[e->peer_slot])
			softhba_rport_offline(port, port->slot_rp[e->peer_slot],
					      "logged out by the port server");
		break;
	case SHBA_EQE_LS_REQ:
		softhba_ls_req_event(port, e);
		break;
	case SHBA_EQE_LS_RSP:
		softhba_ls_rsp_event(port, e);
		break;
	default:
		dev_dbg(&port->pdev->dev, "deq event %u ignored\n", e->type);
		break;
	}
}

/* Drain deq (copying each entry out before looking at it), arm it, then
 * complete what finished on the way.
 */
static void softhba_slow_work(struct work_struct *work)
{
	struct softhba_port *port = container_of(work, struct softhba_port, slow_work);
	void *e;

	do {
		while ((e = softhba_ring_peek(&port->deq))) {
			memcpy(port->eqe, e, sizeof(*port->eqe));
			softhba_ring_pop(&port->deq, e);
			softhba_event(port, port->eqe);
		}
	} while (softhba_ring_arm(&port->deq));
	softhba_ls_reap(port, false);
}

static irqreturn_t softhba_slow_irq(int irq, void *data)
{
	struct softhba_port *port = data;

	queue_work(port->wq, &port->slow_work);
	return IRQ_HANDLED;
}

static irqreturn_t softhba_cq_irq(int irq, void *data)
{
	return IRQ_WAKE_THREAD;
}

/* Ask the port server to replay the link and the logged-in remote ports. */
static void softhba_drv_up(struct softhba_port *port)
{
	int rc = softhba_mq_post(port, SHBA_EQE_DRV_UP, 0, 0, 0, NULL, 0);

	if (rc)
		dev_warn(&port->pdev->dev, "cannot post DRV_UP: %d\n", rc);
}

/* Every SOFTHBA_TICK: the port server's heartbeat (3 s without a change is
 * a link down; when it beats again, ask for a replay), LS timeouts, aborts
 * that wait.
 */
static void softhba_tick_work(struct work_struct *work)
{
	struct softhba_port *port =
		container_of(to_delayed_work(work), struct softhba_port, tick_work);
	u64 hb = READ_ONCE(port->bar->fw_heartbeat);

	if (hb != port->hb_last) {
		port->hb_last = hb;
		port->hb_changed = jiffies;
		if (port->fw_lost) {
			port->fw_lost = false;
			dev_info(&port->pdev->dev, "port server heartbeat is back\n");
			if (!port->removing)
				softhba_drv_up(port);
		}
	} else if (!port->fw_lost && time_after(jiffies, port->hb_changed + SOFTHBA_HB_TMO)) {
		port->fw_lost = true;
		dev_warn(&port->pdev->dev,
			 "port server heartbeat stopped for 3 s: treating the link as down\n");
		softhba_all_offline(port, "port server heartbeat lost");
	}
	softhba_ls_reap(port, true);
	softhba_io_tick(port);
	if (!READ_ONCE(port->removing))
		queue_delayed_work(port->wq, &port->tick_work, SOFTHBA_TICK);
}

/* ---- debugfs: softhba/<pci device>/state ---------------------------------------- */

static struct dentry *softhba_debugfs;

static int softhba_state_show(struct seq_file *m, void *unused)
{
	struct softhba_port *port = m->private;
	struct softhba_rport *rp;
	unsigned int q;

	seq_printf(m, "heartbeat %llu%s\n", READ_ONCE(port->bar->fw_heartbeat),
		   port->fw_lost ? " (lost)" : "");
	seq_printf(m, "mq tail %llu head %llu; deq tail %llu head %llu armed %u\n",
		   READ_ONCE(port->mq.r->tail), READ_ONCE(port->mq.r->head),
		   READ_ONCE(port->deq.r->tail), READ_ONCE(port->deq.r->head),
		   READ_ONCE(port->deq.r->armed));
	for (q = 0; q < port->nr_hwq; q++) {
		struct softhba_hwq *h = &port->hwq[q];

		seq_printf(m, "hwq %u: busy %u/%u; wq tail %llu head %llu; ", q,
			   softhba_io_busy_hwq(h), port->depth, READ_ONCE(h->wq.r->tail),
			   READ_ONCE(h->wq.r->head));
		seq_printf(m, "cq tail %llu head %llu armed %u\n", READ_ONCE(h->cq.r->tail),
			   READ_ONCE(h->cq.r->head), READ_ONCE(h->cq.r->armed));
	}
	for (q = 0; q < port->nr_hwq; q++)
		softhba_io_show_busy(m, &port->hwq[q]);
	spin_lock(&port->rports_lock);
	list_for_each_entry(rp, &port->rports, node)
		seq_printf(m, "rport %016llx node %016llx slot %u %s%s\n", rp->wwpn, rp->wwnn,
			   READ_ONCE(rp->slot), READ_ONCE(rp->online) ? "online" : "offline",
			   READ_ONCE(rp->registered) ? " registered" : "");
	spin_unlock(&port->rports_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(softhba_state);

/* ---- the port template ------------------------------------------------------ */

static void softhba_localport_delete(struct nvme_fc_local_port *lp)
{
	complete(&softhba_lport_priv(lp)->lport_deleted);
}

static void softhba_remoteport_delete(struct nvme_fc_remote_port *nrport)
{
	struct softhba_rport *rp = softhba_rport_priv(nrport);

	dev_dbg(&rp->port->pdev->dev, "remote port %016llx deleted\n", rp->wwpn);
}

/* nvme-fc queue qidx (0 = admin) goes to hw queue 0 or (qidx - 1) % nr_hwq,
 * the rule the target side uses for its own queues.
 */
static int softhba_create_queue(struct nvme_fc_local_port *lp, unsigned int qidx, u16 qsize,
				void **handle)
{
	struct softhba_port *port = softhba_lport_priv(lp);

	*handle = &port->hwq[qidx ? (qidx - 1) % port->nr_hwq : 0];
	return 0;
}

static void softhba_delete_queue(struct nvme_fc_local_port *lp, unsigned int qidx, void *handle)
{
}

static const struct nvme_fc_port_template softhba_template = {
	.localport_delete = softhba_localport_delete,
	.remoteport_delete = softhba_remoteport_delete,
	.create_queue = softhba_create_queue,
	.delete_queue = softhba_delete_queue,
	.ls_req = softhba_ls_req,
	.fcp_io = softhba_fcp_io,
	.ls_abort = softhba_ls_abort,
	.fcp_abort = softhba_fcp_abort,
	.xmt_ls_rsp = softhba_xmt_ls_rsp,
	.dma_boundary = 0xffffffff,
	.local_priv_sz = sizeof(struct softhba_port *),
	.remote_priv_sz = sizeof(struct softhba_rport *),
};

/* ---- binding ------------------------------------------------------------------ */

/* Check ring r of the region (entries of esize bytes) and copy its geometry. */
static int softhba_ring_setup(struct softhba_port *port, struct shba_ring *r,
			      struct softhba_ring *q, u32 esize, const char *name)
{
	u64 off = READ_ONCE(r->off);
	u32 entries = READ_ONCE(r->entries);

	if (entries < 2 || entries > (1u << 20) || (entries & (entries - 1)) ||
	    READ_ONCE(r->esize) != esize || off % SHBA_CACHELINE || off < sizeof(struct shba_bar) ||
	    off > port->region_size || (u64)entries * esize > port->region_size - off) {
		dev_err(&port->pdev->dev, "ring %s: bad geometry (off %llu, %u x %u)\n", name, off,
			entries, READ_ONCE(r->esize));
		return -EINVAL;
	}
	q->r = r;
	q->ent = port->region + off;
	q->entries = entries;
	q->esize = esize;
	return 0;
}

/* Is BAR2 a soft-HBA port region for a remote driver? Copies what the
 * driver needs and checks every size and offset against the BAR.
 */
static int softhba_check_region(struct softhba_port *port, u64 bar_len)
{
	struct device *dev = &port->pdev->dev;
	struct shba_bar *b = port->bar;
	u64 region, xri_off, dma_off, dma_size;
	unsigned int q;
	int rc;

	if (READ_ONCE(b->magic) != SHBA_BAR_MAGIC) {
		dev_info(dev, "BAR2 holds no soft-HBA port (magic %016llx)\n", READ_ONCE(b->magic));
		return -ENODEV;
	}
	smp_rmb(); /* the port server wrote the geometry before the magic */
	if (b->version != SHBA_BAR_VERSION || !(b->flags & SHBA_BAR_F_REMOTE)) {
		dev_info(dev, "soft-HBA port version %u flags 0x%x: not a remote-driver port\n",
			 b->version, b->flags);
		return -ENODEV;
	}
	region = READ_ONCE(b->region_size);
	xri_off = READ_ONCE(b->xri_off);
	dma_off = READ_ONCE(b->dma_off);
	dma_size = READ_ONCE(b->dma_size);
	port->nr_hwq = READ_ONCE(b->nr_hwq);
	port->nr_xri = READ_ONCE(b->nr_xri);
	port->peer_id = READ_ONCE(b->fw_peer_id);
	if (region > bar_len || region < sizeof(*b) || !port->nr_hwq ||
	    port->nr_hwq > SHBA_MAX_HWQ || READ_ONCE(b->nr_vectors) != 1u + port->nr_hwq ||
	    port->nr_xri > (1u << 20) || xri_off < sizeof(*b) || xri_off % SHBA_PAGE ||
	    xri_off > region || (u64)port->nr_xri * sizeof(struct shba_xri) > region - xri_off ||
	    dma_off % SHBA_PAGE || dma_off > region || dma_size > region - dma_off ||
	    port->peer_id > 0xffff) {
		dev_err(dev,
			"soft-HBA region does not fit its BAR: size %llu of %llu, %u hwq, %u vectors, %u xri at %llu, window %llu+%llu\n",
			region, bar_len, port->nr_hwq, READ_ONCE(b->nr_vectors), port->nr_xri,
			xri_off, dma_off, dma_size);
		return -EINVAL;
	}
	port->region_size = region;
	port->xri_tab = (struct shba_xri *)(port->region + xri_off);
	port->dma_va = port->region + dma_off;
	port->dma_size = dma_size;
	for (q = 0; q < port->nr_hwq; q++) {
		rc = softhba_ring_setup(port, &b->wq[q], &port->hwq[q].wq, SHBA_WQE_SIZE, "wq");
		if (rc)
			return rc;
		rc = softhba_ring_setup(port, &b->cq[q], &port->hwq[q].cq, SHBA_CQE_SIZE, "cq");
		if (rc)
			return rc;
	}
	rc = softhba_ring_setup(port, &b->mq, &port->mq, SHBA_EQE_SIZE, "mq");
	if (rc)
		return rc;
	return softhba_ring_setup(port, &b->deq, &port->deq, SHBA_EQE_SIZE, "deq");
}

/* Exchanges per hw queue: what the XRI table, the rings (a WQ holds a CMD,
 * an ABTS and a BA_ACC per exchange; a CQ four completions) and the DMA
 * window (a bounce buffer and a CMD IU slot each) allow.
 */
static int softhba_size_pools(struct softhba_port *port)
{
	u64 per_q, win = round_down(port->dma_size, SHBA_PAGE);
	u32 depth = min_t(u32, port->nr_xri / port->nr_hwq, SOFTHBA_MAX_DEPTH);
	unsigned int q;

	for (q = 0; q < port->nr_hwq; q++) {
		depth = min(depth, port->hwq[q].wq.entries / 3);
		depth = min(depth, port->hwq[q].cq.entries / 4);
	}
	for (; depth >= SOFTHBA_MIN_DEPTH; depth--) {
		per_q = (u64)depth * round_up(port->bounce, SHBA_PAGE) +
			round_up((u64)depth * SOFTHBA_CMD_SLOT, SHBA_PAGE);
		if (per_q * port->nr_hwq <= win)
			break;
	}
	if (depth < SOFTHBA_MIN_DEPTH) {
		dev_err(&port->pdev->dev,
			"%u hw queues of %u exchanges with %u KiB bounce buffers do not fit: %u xri, DMA window %llu KiB\n",
			port->nr_hwq, SOFTHBA_MIN_DEPTH, port->bounce >> 10, port->nr_xri,
			port->dma_size >> 10);
		return -ENOSPC;
	}
	port->depth = depth;
	return 0;
}

static void softhba_free_irqs(struct softhba_port *port, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free_irq(pci_irq_vector(port->pdev, i), i ? (void *)&port->hwq[i - 1] : port);
}

static int softhba_request_irqs(struct softhba_port *port)
{
	struct pci_dev *pdev = port->pdev;
	unsigned int i;
	int rc;

	rc = request_irq(pci_irq_vector(pdev, 0), softhba_slow_irq, 0, port->slow_irq_name, port);
	if (rc)
		return rc;
	for (i = 0; i < port->nr_hwq; i++) {
		struct softhba_hwq *q = &port->hwq[i];

		snprintf(q->irq_name, sizeof(q->irq_name), "softhba-%s-q%u", pci_name(pdev), i);
		rc = request_threaded_irq(pci_irq_vector(pdev, 1 + i), softhba_cq_irq,
					  softhba_cq_thread, 0, q->irq_name, q);
		if (rc) {
			softhba_free_irqs(port, 1 + i);
			return rc;
		}
	}
	return 0;
}

/* Unbind, on the ordered workqueue: every remote port nvme-fc still knows
 * goes with dev_loss_tmo 0, so its controllers are deleted now instead of
 * waiting for reconnects (one that is only suspended is resumed first).
 */
static void softhba_teardown_work(struct work_struct *work)
{
	struct softhba_port *port = container_of(work, struct softhba_port, teardown_work);
	struct softhba_rport *rp;

	list_for_each_entry(rp, &port->rports, node) {
		if (!rp->registered && rp->nrport)
			(void)softhba_rport_register(port, rp);
		if (rp->registered)
			nvme_fc_set_remoteport_devloss(rp->nrport, 0);
		softhba_rport_offline(port, rp, "driver unbind");
	}
}

static int softhba_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct nvme_fc_port_info pi = { 0 };
	struct softhba_port *port;
	resource_size_t start, len;
	unsigned int q, nvec;
	int rc;

	port = devm_kzalloc(dev, sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	port->pdev = pdev;
	rc = pcim_enable_device(pdev);
	if (rc)
		return rc;
	start = pci_resource_start(pdev, 2);
	len = pci_resource_len(pdev, 2);
	if (!(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) || len < sizeof(struct shba_bar))
		return -ENODEV;
	rc = pcim_iomap_regions(pdev, BIT(0), SOFTHBA_NAME);
	if (rc)
		return rc;
	port->regs = pcim_iomap_table(pdev)[0];
	if (!devm_request_mem_region(dev, start, len, SOFTHBA_NAME))
		return -EBUSY;
	/* The region is shared memory, not device registers: map it cached. */
	port->region = devm_memremap(dev, start, len, MEMREMAP_WB);
	if (IS_ERR(port->region))
		return PTR_ERR(port->region);
	port->bar = (struct shba_bar *)port->region;
	rc = softhba_check_region(port, len);
	if (rc)
		return rc;
	port->bounce = clamp_val(bounce_kb, 4, 4096) << 10;
	rc = softhba_size_pools(port);
	if (rc)
		return rc;
	rc = softhba_dma_init(&port->dma, port->dma_size);
	if (rc)
		goto out_dma;
	rc = softhba_io_init(port);
	if (rc)
		goto out_dma;

	spin_lock_init(&port->mq_lock);
	spin_lock_init(&port->ls_lock);
	INIT_LIST_HEAD(&port->lsrcv_done);
	INIT_LIST_HEAD(&port->rports);
	spin_lock_init(&port->rports_lock);
	init_completion(&port->lport_deleted);
	INIT_WORK(&port->slow_work, softhba_slow_work);
	INIT_WORK(&port->teardown_work, softhba_teardown_work);
	INIT_DELAYED_WORK(&port->tick_work, softhba_tick_work);
	port->eqe = devm_kzalloc(dev, sizeof(*port->eqe), GFP_KERNEL);
	if (!port->eqe) {
		rc = -ENOMEM;
		goto out_dma;
	}
	port->wq = alloc_ordered_workqueue("softhba-%s", WQ_MEM_RECLAIM, pci_name(pdev));
	if (!port->wq) {
		rc = -ENOMEM;
		goto out_dma;
	}

	/* MSI-X is a DMA write: without bus mastering QEMU drops it. */
	pci_set_master(pdev);
	nvec = 1 + port->nr_hwq;
	rc = pci_alloc_irq_vectors(pdev, nvec, nvec, PCI_IRQ_MSIX);
	if (rc < 0) {
		dev_err(dev, "need %u MSI-X vectors (ivshmem-doorbell vectors=%u): %d\n", nvec,
			nvec, rc);
		goto out_wq;
	}
	snprintf(port->slow_irq_name, sizeof(port->slow_irq_name), "softhba-%s-slow",
		 pci_name(pdev));

	port->tmpl = softhba_template;
	port->tmpl.max_hw_queues = port->nr_hwq;
	/* nvme-fc caps an I/O at max_sgl_segments x 4 KiB: one bounce buffer. */
	port->tmpl.max_sgl_segments = port->bounce / SZ_4K;
	port->tmpl.max_dif_sgl_segments = port->tmpl.max_sgl_segments;
	pi.node_name = READ_ONCE(port->bar->wwnn);
	pi.port_name = READ_ONCE(port->bar->wwpn);
	pi.port_role = FC_PORT_ROLE_NVME_INITIATOR;
	pi.port_id = READ_ONCE(port->bar->port_id);
	/* No device: the driver copies through its window and never DMA-maps
	 * the transport's buffers (nvme-fc then skips the mappings, as for
	 * fcloop).
	 */
	rc = nvme_fc_register_localport(&pi, &port->tmpl, NULL, &port->lport);
	if (rc) {
		dev_err(dev, "nvme_fc_register_localport: %d\n", rc);
		goto out_vectors;
	}
	*(struct softhba_port **)port->lport->private = port;
	pci_set_drvdata(pdev, port);

	rc = softhba_request_irqs(port);
	if (rc) {
		dev_err(dev, "cannot get the interrupts: %d\n", rc);
		goto out_lport;
	}
	for (q = 0; q < port->nr_hwq; q++)
		softhba_cq_process(&port->hwq[q]);
	port->hb_last = READ_ONCE(port->bar->fw_heartbeat);
	port->hb_changed = jiffies;
	queue_work(port->wq, &port->slow_work);
	queue_delayed_work(port->wq, &port->tick_work, SOFTHBA_TICK);
	softhba_drv_up(port);
	port->debugfs = debugfs_create_dir(pci_name(pdev), softhba_debugfs);
	debugfs_create_file("state", 0444, port->debugfs, port, &softhba_state_fops);
	dev_info(dev, "port %016llx: %u hw queues x %u exchanges, %u KiB bounce, %llu MiB window\n",
		 pi.port_name, port->nr_hwq, port->depth, port->bounce >> 10, port->dma_size >> 20);
	return 0;

out_lport:
	nvme_fc_unregister_localport(port->lport);
	wait_for_completion(&port->lport_deleted);
out_vectors:
	pci_free_irq_vectors(pdev);
out_wq:
	destroy_workqueue(port->wq);
out_dma:
	softhba_dma_destroy(&port->dma);
	return rc;
}

static void softhba_remove(struct pci_dev *pdev)
{
	struct softhba_port *port = pci_get_drvdata(pdev);
	struct softhba_rport *rp, *t;
	unsigned int waited = 0;

	debugfs_remove_recursive(port->debugfs);
	WRITE_ONCE(port->removing, true);
	cancel_delayed_work_sync(&port->tick_work);
	queue_work(port->wq, &port->teardown_work);
	flush_work(&port->teardown_work);
	nvme_fc_unregister_localport(port->lport);
	while (!wait_for_completion_timeout(&port->lport_deleted, 10 * HZ)) {
		waited += 10;
		dev_warn(&pdev->dev, "waiting for nvme-fc to release the local port (%u s)\n",
			 waited);
		softhba_io_tick(port);
	}
	if (softhba_mq_post(port, SHBA_EQE_DRV_DOWN, 0, 0, 0, NULL, 0))
		dev_warn(&pdev->dev, "cannot post DRV_DOWN\n");
	softhba_free_irqs(port, 1 + port->nr_hwq);
	pci_free_irq_vectors(pdev);
	flush_workqueue(port->wq);
	destroy_workqueue(port->wq);
	softhba_ls_exit(port);
	softhba_io_exit(port);
	list_for_each_entry_safe(rp, t, &port->rports, node) {
		list_del(&rp->node);
		kfree(rp);
	}
	softhba_dma_destroy(&port->dma);
	dev_info(&pdev->dev, "unbound\n");
}

static const struct pci_device_id softhba_ids[] = { { PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET,
								 0x1110) }, /* ivshmem */
						    { 0 } };
MODULE_DEVICE_TABLE(pci, softhba_ids);

static struct pci_driver softhba_driver = {
	.name = SOFTHBA_NAME,
	.id_table = softhba_ids,
	.probe = softhba_probe,
	.remove = softhba_remove,
};

static int __init softhba_init(void)
{
	int rc;

	softhba_debugfs = debugfs_create_dir(SOFTHBA_NAME, NULL);
	rc = pci_register_driver(&softhba_driver);
	if (rc)
		debugfs_remove_recursive(softhba_debugfs);
	return rc;
}

static void __exit softhba_exit(void)
{
	pci_unregister_driver(&softhba_driver);
	debugfs_remove_recursive(softhba_debugfs);
}

module_init(softhba_init);
module_exit(softhba_exit);

MODULE_DESCRIPTION("nvme-fc host LLDD for an nvmetfcd soft-HBA port served by softhba-vmport");
MODULE_LICENSE("GPL");
