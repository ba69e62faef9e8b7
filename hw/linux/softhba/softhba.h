/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softhba: Linux nvme-fc host LLDD for a software-HBA port served to a VM by
 * softhba-vmport as an ivshmem-doorbell PCI device (docs/softhba-vm-port.md).
 * Shared declarations of the driver's files: softhba_main.c (PCI device,
 * interrupts, slow path, remote ports), softhba_io.c (FCP exchanges),
 * softhba_ls.c (link services) and softhba_dma.c (the DMA window allocator).
 *
 * Locking: each hw queue has a spinlock over its exchange pool and its WQ
 * (many CPUs submit); the slow path (deq events, remote ports, the watchdog)
 * runs on one ordered workqueue, so it needs no lock of its own; the LS table
 * and the list of answered incoming LS have ls_lock; the mq ring has mq_lock.
 * No transport callback (done) is called with a lock held.
 */
#ifndef SOFTHBA_H
#define SOFTHBA_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
/* 6.1's nvme-fc-driver.h needs struct fc_ba_rjt first, and FC_PORT_ROLE_*
 * live in the FC transport's header.
 */
#include <uapi/scsi/fc/fc_fs.h>
#include <scsi/scsi_transport_fc.h>
#include <linux/nvme-fc-driver.h>
#include <linux/nvme.h>
#include <linux/nvme-fc.h>

#include "softhba_hw.h"

#define SOFTHBA_NAME	      "softhba"
#define SOFTHBA_LS_PEND	      32
#define SOFTHBA_CMD_SLOT      128 /* window bytes per exchange for its CMD IU */
#define SOFTHBA_MAX_DEPTH     1024
#define SOFTHBA_MIN_DEPTH     4
#define SOFTHBA_ABTS_TMO      (20 * HZ) /* 2 x R_A_TOV: no BA_ACC/BA_RJT by then */
#define SOFTHBA_HB_TMO	      (3 * HZ)	/* no fw_heartbeat change: link down */
#define SOFTHBA_TICK	      (HZ / 4)
#define SOFTHBA_CQ_BUDGET     64
#define SOFTHBA_DST_HWQ_UNSET 0xffff /* the firmware has not taken the CMD yet */

/* One ring of the region, with the geometry checked and copied at probe:
 * the port server could rewrite the header, the driver never rereads it.
 */
struct softhba_ring {
	struct shba_ring *r;
	u8 *ent; /* first entry */
	u32 entries;
	u32 esize;
};

/* The DMA window allocator (softhba_dma.c): first fit, page granularity. */
struct softhba_dma {
	struct list_head free; /* struct softhba_dma_ext, sorted by offset */
	u64 size;
};

struct softhba_port;
struct softhba_hwq;
struct seq_file;

/* A remote NVMe port: one record per pair of names (WWPN, WWNN), as nvme-fc
 * keeps one remote port per pair and resumes it by both. A record lives
 * for the driver's lifetime so that the private pointer of a remote port
 * nvme-fc resumes stays valid: nvme-fc frees its remote port without
 * telling the driver (remoteport_delete only says that no association is
 * active), so a record is never freed before the unbind, and max_rports
 * bounds their number. Written on the slow path; online and slot are read
 * on the data path.
 */
struct softhba_rport {
	struct list_head node;
	struct softhba_port *port;
	struct nvme_fc_remote_port *nrport; /* last registration */
	u64 wwnn;
	u64 wwpn;
	u32 port_id;
	u32 roles;
	u16 slot;
	bool online;	 /* logged in and registered: I/O may go */
	bool registered; /* nvme_fc_unregister_remoteport still owed */
};

/* Driver side of one exchange of the shared XRI table. Under its hwq lock. */
struct softhba_xri {
	struct list_head node;	     /* free list, or a local completion list */
	struct nvmefc_fcp_req *req;  /* outstanding; NULL: free, staged or done */
	struct nvmefc_fcp_req *creq; /* detached for completion */
	struct softhba_rport *rp;
	struct shba_xri *sx; /* the shared entry */
	u8 *bounce;
	u64 bounce_dma;
	u8 *cmd;
	u64 cmd_dma;
	unsigned long abts_deadline;
	u32 idx;
	u32 tag;
	u16 slot;	/* rp's slot while out: only it answers, aborts, confirms */
	bool aborting;	/* ABTS wanted (by nvme-fc or the firmware) */
	bool abts_sent; /* the ABTS WQE is posted */
	/* completion, filled under the lock, used after it */
	int cstatus;
	u32 c_len;
	u32 c_xfrd;
	bool c_rsp;
	u8 c_iu[32];
};

struct softhba_hwq {
	spinlock_t lock; /* free list, xri[].req, wq producer */
	struct list_head free;
	struct softhba_xri *xri; /* port->depth exchanges */
	struct softhba_port *port;
	struct softhba_ring wq;
	struct softhba_ring cq;
	u16 idx;
	char irq_name[32];
};

/* An LS request we sent, awaiting its response. Under ls_lock. */
struct softhba_ls {
	struct nvmefc_ls_req *req; /* NULL = free */
	struct softhba_rport *rp;
	u64 id;
	unsigned long deadline;
	int status;
	bool finish; /* complete with status on the slow path */
};

/* An LS request a remote port sent us (a target's Disconnect Association). */
struct softhba_lsrcv {
	struct nvmefc_ls_rsp rsp;
	struct list_head node;
	u64 id;
	u16 slot;
	bool call_done; /* call rsp.done when reaped */
	u8 buf[SHBA_EQE_PAYLOAD];
};

struct softhba_port {
	struct pci_dev *pdev;
	void __iomem *regs; /* BAR0: ivshmem registers */
	u8 *region;	    /* BAR2, memremap(WB) */
	struct shba_bar *bar;
	struct shba_xri *xri_tab;
	u8 *dma_va; /* DMA window */
	u64 region_size;
	u64 dma_size;
	u32 nr_xri;
	u32 peer_id; /* the port server's ivshmem id */
	u16 nr_hwq;
	u32 depth;  /* exchanges per hw queue */
	u32 bounce; /* bytes of bounce buffer per exchange */
	struct softhba_hwq hwq[SHBA_MAX_HWQ];
	struct softhba_ring mq;
	struct softhba_ring deq;
	spinlock_t mq_lock; /* mq producer */
	struct softhba_dma dma;

	struct nvme_fc_port_template tmpl;
	struct nvme_fc_local_port *lport;
	struct completion lport_deleted;

	struct workqueue_struct *wq; /* ordered: the slow path */
	struct work_struct slow_work;
	struct work_struct teardown_work;
	char slow_irq_name[32];
	struct delayed_work tick_work;
	struct shba_eqe *eqe; /* slow-path copy of a deq entry */
	struct dentry *debugfs;
	spinlock_t rports_lock; /* rports: adding vs debugfs (the slow path reads freely) */
	struct list_head rports;
	u32 nr_rports; /* records on rports (slow path) */
	struct softhba_rport *slot_rp[SHBA_MAX_PORTS];
	u64 hb_last;
	unsigned long hb_changed;
	bool fw_lost;
	bool removing;

	spinlock_t ls_lock; /* ls[], ls_gen, lsrcv_done */
	struct softhba_ls ls[SOFTHBA_LS_PEND];
	u64 ls_gen;
	struct list_head lsrcv_done;
};

static inline struct softhba_port *softhba_lport_priv(struct nvme_fc_local_port *lp)
{
	return *(struct softhba_port **)lp->private;
}

static inline struct softhba_rport *softhba_rport_priv(struct nvme_fc_remote_port *rp)
{
	return *(struct softhba_rport **)rp->private;
}

/*
 * Ring operations, the kernel mirror of hw/hw_ring.h (C11 atomics there):
 * a producer reserves a slot with a CAS on the tail after an acquire load of
 * the slot's sequence word and publishes it with a release store of
 * seq = pos + 1; the consumer sees an entry when an acquire load gives
 * seq == head + 1 and frees it with a release store of seq = head + entries.
 */
static inline void *softhba_ring_entry(const struct softhba_ring *q, u64 pos)
{
	return q->ent + (size_t)(pos & (q->entries - 1)) * q->esize;
}

/* Producer: a slot to fill and commit, or NULL if the ring is full. The
 * retries are bounded: a corrupt ring must not hang the guest.
 */
static inline void *softhba_ring_reserve(struct softhba_ring *q, u64 *posp)
{
	u64 pos = READ_ONCE(q->r->tail);
	int tries;

	for (tries = 0; tries < 4096; tries++) {
		void *e = softhba_ring_entry(q, pos);
		/* acquire: the consumer's release of the slot (hw_ring_reserve) */
		u64 seq = smp_load_acquire((u64 *)e);
		s64 dif = (s64)(seq - pos);
		u64 old;

		if (dif < 0)
			return NULL;
		if (dif > 0) {
			pos = READ_ONCE(q->r->tail);
			continue;
		}
		old = cmpxchg64_relaxed(&q->r->tail, pos, pos + 1);
		if (old == pos) {
			*posp = pos;
			return e;
		}
		pos = old;
	}
	return NULL;
}

static inline void softhba_ring_commit(void *e, u64 pos)
{
	/* release: the entry's contents before its sequence word (hw_ring_commit) */
	smp_store_release((u64 *)e, pos + 1);
}

/* Consumer: the next entry, or NULL. */
static inline void *softhba_ring_peek(struct softhba_ring *q)
{
	u64 head = READ_ONCE(q->r->head);
	void *e = softhba_ring_entry(q, head);

	/* acquire: the producer's release of the entry (hw_ring_peek) */
	if (smp_load_acquire((u64 *)e) != head + 1)
		return NULL;
	return e;
}

/* Consumer: give the entry from softhba_ring_peek back to the producers. */
static inline void softhba_ring_pop(struct softhba_ring *q, void *e)
{
	u64 head = READ_ONCE(q->r->head);

	/* release: our reads of the entry before producers may reuse it (hw_ring_pop) */
	smp_store_release((u64 *)e, head + q->entries);
	WRITE_ONCE(q->r->head, head + 1);
}

/* Consumer, after draining: ask for an interrupt at the next entry. Returns
 * true if entries arrived meanwhile (disarmed again: drain once more).
 */
static inline bool softhba_ring_arm(struct softhba_ring *q)
{
	WRITE_ONCE(q->r->armed, 1);
	/* full barrier: armed is visible before the ring is read again; pairs
	 * with the producer's seq_cst fence before it reads armed (hw_ring_notify)
	 */
	smp_mb();
	if (softhba_ring_peek(q)) {
		WRITE_ONCE(q->r->armed, 0);
		return true;
	}
	return false;
}

/* Tell the port server that entries were posted for vector v (0: mq,
 * 1 + q: wq[q]). MMIO writes are ordered after the entries' stores.
 */
static inline void softhba_doorbell(struct softhba_port *port, u32 v)
{
	iowrite32(port->peer_id << 16 | v, port->regs + SHBA_IVSHMEM_DOORBELL);
}

/* softhba_dma.c */
int softhba_dma_init(struct softhba_dma *d, u64 size);
int softhba_dma_alloc(struct softhba_dma *d, u64 len, u64 *off);
int softhba_dma_free(struct softhba_dma *d, u64 off, u64 len);
void softhba_dma_destroy(struct softhba_dma *d);

/* softhba_io.c */
int softhba_io_init(struct softhba_port *port);
void softhba_io_exit(struct softhba_port *port);
int softhba_fcp_io(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		   void *hw_queue_handle, struct nvmefc_fcp_req *req);
void softhba_fcp_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		       void *hw_queue_handle, struct nvmefc_fcp_req *req);
irqreturn_t softhba_cq_thread(int irq, void *data);
void softhba_cq_process(struct softhba_hwq *q);
void softhba_io_fail_rport(struct softhba_port *port, struct softhba_rport *rp, int status);
void softhba_io_tick(struct softhba_port *port);
unsigned int softhba_io_busy(struct softhba_port *port);
unsigned int softhba_io_busy_hwq(struct softhba_hwq *q);
void softhba_io_show_busy(struct seq_file *m, struct softhba_hwq *q);

/* softhba_ls.c */
int softhba_mq_post(struct softhba_port *port, u16 type, u16 slot, int status, u64 id,
		    const void *payload, u32 len);
int softhba_ls_req(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		   struct nvmefc_ls_req *lsreq);
void softhba_ls_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		      struct nvmefc_ls_req *lsreq);
int softhba_xmt_ls_rsp(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *nrport,
		       struct nvmefc_ls_rsp *lsrsp);
void softhba_ls_rsp_event(struct softhba_port *port, const struct shba_eqe *e);
void softhba_ls_req_event(struct softhba_port *port, const struct shba_eqe *e);
void softhba_ls_fail_rport(struct softhba_port *port, struct softhba_rport *rp, int status);
void softhba_ls_reap(struct softhba_port *port, bool timeouts);
void softhba_ls_exit(struct softhba_port *port);

#endif /* SOFTHBA_H */
