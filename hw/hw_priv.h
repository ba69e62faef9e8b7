/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of hw/: the mapper, the driver's view of its
 * device (struct hw_dev: mapping, fabric, peers, DMA allocator, slow-path
 * wake-up fd) and the soft firmware entry points. Not for use outside hw/
 * except by hw's own tests and softhbactl.
 */
#ifndef HW_PRIV_H
#define HW_PRIV_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <fcnvme/nvme_fc_driver.h>

#include "hw_dev.h"
#include "hw_fabric.h"
#include "hw_ring.h"

/* ---- mapper -------------------------------------------------------------- */

/* A mapped device region: from /dev/uioN (map0, or the BAR of the PCI
 * function behind it), from a PCI function's resourceN, or from a soft HBA
 * file. Set at open; read-only after. */
struct hw_map {
	void *base;
	size_t len;
	int fd;	   /* uio fd, device file (holds the flock), or -1 (pci only) */
	bool uio;  /* fd is a uio device */
	bool irq;  /* interrupts arrive on fd (hw_map_uio_irq_*) */
	bool pci;  /* base is PCI BAR number bar, mapped from resourceN */
	bool intx; /* pci: the device interrupts with INTx (else MSI-X only) */
	unsigned int bar;
	/* pci: the device's register BAR when it has one (ivshmem: BAR0,
	 * Doorbell at 12), or NULL. */
	void *regs;
	size_t regs_len;
};

/* Map /dev/uioN using sysfs_root (NULL: env FCNVME_SYSFS_ROOT or "/sys"):
 * when class/uio/uioN/device is a PCI function (it has a "resource" file
 * and a PCI address as its name), that function's BAR as hw_map_pci_dir
 * does, with interrupts on the uio fd only if the device uses INTx;
 * otherwise (a platform-style uio device) map0 located by
 * maps/map0/{size,offset}, interrupts on the uio fd. */
int hw_map_uio(const char *devpath, const char *sysfs_root, struct hw_map *m);
/* Map a PCI function by address "DDDD:BB:DD.F" (under sysfs_root as for
 * hw_map_uio, bus/pci/devices/BDF) or by its sysfs directory (a path
 * starting with '/'). No interrupts (m->irq false): the caller polls. */
int hw_map_pci(const char *dev, const char *sysfs_root, struct hw_map *m);
/* Map the port-region BAR of the PCI function in sysfs directory dir: its
 * vendor/device must be a known one (-ENODEV otherwise: QEMU ivshmem
 * 1af4:1110); the BAR is the largest memory BAR in "resource" (ivshmem:
 * BAR2, the shared memory), mapped through resourceN, whose size must be
 * the BAR's. */
int hw_map_pci_dir(const char *dir, struct hw_map *m);
/* Enable the uio interrupt (write 1 to the fd). */
int hw_map_uio_irq_enable(struct hw_map *m);
/* Read and return the uio interrupt count (blocks unless O_NONBLOCK). */
int hw_map_uio_irq_read(struct hw_map *m, uint32_t *count);
/* Create a soft device file of len bytes at path, atomically (temp file
 * created O_EXCL|O_NOFOLLOW with HW_FILE_MODE, exclusive flock held by the
 * returned map, rename). */
int hw_map_soft_create(const char *path, size_t len, struct hw_map *m);
void hw_map_close(struct hw_map *m);
/* Parse a sysfs attribute file holding one integer (decimal or 0x hex). */
int hw_map_read_u64(const char *path, uint64_t *val);
int hw_map_read_file(const char *path, char *buf, size_t len);

/* ---- the driver's device ------------------------------------------------- */

struct hw_dma_blk;
struct hw_ivshmem_client;

/* A peer mapping no longer current (the peer restarted, logged out or
 * died): unmapped once no hw queue can still be reading it, i.e. once every
 * queue that was inside hw_fw_doorbell when it was retired (odd seq) has
 * left it. */
struct hw_old_map {
	struct hw_old_map *next;
	struct hw_peer_map m;
	uint32_t seq[HW_MAX_HWQ]; /* hw_fw_epoch seqs when it was retired */
};

/* Per hw queue: odd while hw_fw_doorbell runs on it (the firmware reads
 * peers' views there and nowhere else). Written by the queue's one thread,
 * read by the control thread; a cache line each. */
struct hw_fw_epoch {
	_Atomic uint32_t seq;
	char pad[60];
};

/* A hw queue's local completions (hw_dev.lcq): a FIFO of mask + 1 (a power
 * of two) CQE copies in process memory. The firmware appends (hw_fw_done)
 * and the driver's poll takes, both on the queue's one thread, so head and
 * tail are plain integers. */
struct hw_lcq {
	struct hw_cqe *e;
	uint32_t mask;
	uint32_t head, tail;
};

/* A hw queue's local work (hw_dev.lwq): a FIFO of mask + 1 (a power of
 * two) WQE copies in process memory, for a local soft port whose firmware
 * runs in the driver's own thread. Its WQEs name local memory by virtual
 * address, so they must not lie in the region, which every peer of the
 * fabric maps read-write: a WQE written there by a peer would have the
 * firmware copy from or to any address of this process. The driver
 * appends, hw_fw_doorbell takes; one thread, plain integers. */
struct hw_lwq {
	struct hw_wqe *e;
	uint32_t mask;
	uint32_t head, tail;
};

/* An all-zero WQE and CQE to clear one with (*w = hw_wqe_zero): a copy of
 * a constant compiles to a few vector stores, where a memset of their 128
 * bytes becomes rep stos, tens of cycles of start-up several times an I/O. */
extern const struct hw_wqe hw_wqe_zero;
extern const struct hw_cqe hw_cqe_zero;

struct hw_dev {
	struct hw_map map;
	void *base; /* == map.base */
	struct hw_bar *bar;
	/* The BAR as this process laid it out: ring geometry, sizes, offsets
	 * and flags to use. A soft port's is a private copy (geo_copy) taken
	 * before magic was published: every peer of the fabric maps the
	 * region read-write (and a remote driver's port's driver too), so
	 * the bar's own words can change at any time. == bar only for a
	 * real device. Read-only after open; any thread. */
	const struct hw_bar *geo;
	struct hw_bar *geo_copy;
	struct hw_xri *xri; /* XRI table (host role) */
	bool soft;
	unsigned int slot;
	struct hw_fabric fab; /* soft only */

	/* Peers: maps[] owned by the control thread (gen and wwpn of the last
	 * incarnation mapped stay when the mapping is retired); view[] is what
	 * hwq threads read inside hw_fw_doorbell: the mapping and the geometry
	 * copied when it was made (published with release; when the peer goes
	 * it is replaced or cleared and the old mapping waits in old_maps
	 * until fw_epoch says no doorbell can still use it). */
	struct hw_peer_map peers[HW_MAX_PORTS];
	_Atomic(struct hw_peer_view *) peer_view[HW_MAX_PORTS];
	struct hw_old_map *old_maps;
	struct hw_fw_epoch fw_epoch[HW_MAX_HWQ];

	/* DMA allocator (control thread only). */
	struct hw_dma_blk *dma_free;
	uint64_t dma_in_use;  /* [ctl] bytes allocated (whole pages) */
	uint64_t dma_refused; /* [ctl] allocations that did not fit */
	/* [any] sets (the firmware, on whichever thread rings), [ctl] takes:
	 * one bit per peer slot whose shared memory was found corrupt. */
	_Atomic uint64_t peer_bad;
	/* [hwq] Where the firmware completes hw queue q's own WQEs (WQE_DONE)
	 * when the thread that rings q's doorbell is the one that polls q's
	 * CQ (a local soft port: hw_tgt and hw_host set it at open, with
	 * hw_dev_local_queues, before any I/O runs): process memory instead of the shared CQ, whose
	 * tail line the peer's firmware writes for every CMD IU it sends, so
	 * a completion costs no locked operation on a line the other process
	 * owns, and no CQ slot the peer writes next. NULL, or full: the CQ,
	 * as hardware does. */
	struct hw_lcq *lcq[HW_MAX_HWQ];
	/* A local soft port's work queues (struct hw_lwq), NULL otherwise:
	 * the firmware then takes WQEs from here, never from the region's
	 * WQ. A port with both never completes a WQE into the shared CQ:
	 * the firmware takes a WQE only while the lcq has room for its
	 * completions, so its driver ignores any WQE_DONE found there (a
	 * peer's forgery). */
	struct hw_lwq *lwq[HW_MAX_HWQ];
	struct fcnvme_device fdev;

	/* Slow-path wake-up (control thread). */
	int epfd, sockfd, timerfd, kickfd;

	/* Remote-driver mode (hw_rdrv.c): this process is the guest driver
	 * of a softhba-vmport port; the slow path is deq/mq, doorbells are
	 * ivshmem vectors. rdrv and ivc are set at open, read-only after;
	 * the heartbeat watchdog (hb_last, hb_change_ns) is [ctl]. */
	bool rdrv;
	struct hw_ivshmem_client *ivc; /* "vmport:SOCKET" */
	/* The port server is gone: its fw_heartbeat stopped (or close gave
	 * up waiting for it). Written by the control thread (release), read
	 * by the hw queues' threads (acquire): while set, WQEs it holds will
	 * never complete, so the data path completes them itself and posts
	 * nothing new; cleared when the heartbeat moves again. */
	_Atomic bool hb_dead;
	uint64_t hb_last, hb_change_ns;
	/* [ctl] The port server closed our socket (it exits, or stops): it
	 * is gone for good, whatever its heartbeat does. */
	bool srv_closed;
};

/* Parameters of hw_dev_open. */
struct hw_dev_cfg {
	const char *dev; /* "soft:FABRIC", "/dev/uioN", "pci:BDF", "vmport:SOCKET" */
	const char *shm_dir;
	uint64_t wwnn, wwpn;
	uint32_t roles;
	uint16_t nr_hwq;
	uint32_t nr_xri;     /* host exchanges */
	uint32_t cq_entries; /* per hwq, power of two */
	uint64_t dma_size;   /* bytes of DMA memory (at least) */
	/* HW_BAR_F_REMOTE: the driver is remote (docs/softhba-vm-port.md):
	 * mq and deq rings, a power-of-two region whose slack goes to the DMA
	 * window, handles instead of pointers in WQEs. Soft HBA only. */
	uint32_t flags;
	uint32_t fw_peer_id; /* remote: the port server's ivshmem peer id */
	/* The caller drives a remote-driver port ("vmport:SOCKET") through
	 * deq/mq (hw_rdrv.c): the target LLDD. Others are refused one. */
	bool rdrv_ok;
};

/* Rings of a remote driver's port besides those of every port. */
#define HW_MQ_ENTRIES  256u
#define HW_DEQ_ENTRIES 256u

/* True if the port's driver is remote (from the private geometry: the
 * driver cannot change the answer). */
static inline bool hw_dev_remote(const struct hw_dev *d)
{
	return (d->geo->flags & HW_BAR_F_REMOTE) != 0;
}

/* True if a fault record may be armed on the soft port's fabric: the one
 * test the firmware makes per frame before it looks for the arguments of
 * hw_fabric_fault (the peers' names in the fabric's table). Relaxed: a
 * fault armed while a frame is in flight may miss that frame, as on a
 * wire; the record itself is read by hw_fabric_fault. */
static inline bool hw_dev_faults_armed(const struct hw_dev *d)
{
	return d->soft && d->fab.r &&
	       atomic_load_explicit(&d->fab.r->nfaults, memory_order_relaxed) != 0;
}

/* Open the device: map it, FLOGI (claim a slot, link up, register in the name
 * server) and announce with RSCN. A soft fabric must exist: -ENOENT and
 * hw_fabric_why() otherwise (hw_fabric_missing). [ctl] */
int hw_dev_open(struct hw_dev *d, const struct hw_dev_cfg *cfg);
void hw_dev_close(struct hw_dev *d);
/* Link up/down: name server state, own LINK event, RSCN to others. */
int hw_dev_set_link(struct hw_dev *d, bool up);
/* Map or refresh peer slot. [ctl] */
int hw_dev_peer(struct hw_dev *d, unsigned int slot);
/* [ctl] Let go of the peers that are gone (slot free or offline, taken by
 * another port or incarnation, no live owner): their views are withdrawn,
 * their mappings unmapped as soon as no hw queue can still be using them.
 * hw_dev_slow_path calls it at every tick and after an RSCN. */
void hw_dev_peers_gc(struct hw_dev *d);
/* [ctl] Mappings of peers this process holds (current and retired). */
unsigned int hw_dev_peer_maps(const struct hw_dev *d);
/* [ctl] A local soft port's hw queue q, at open: its firmware completions
 * (l) and work queue (w) in process memory, as many entries as its CQ and
 * its WQ (powers of two), zeroed by stores; then hw_dev.lcq[q] = l and
 * hw_dev.lwq[q] = w. The caller frees them with hw_dev_local_queues_free
 * after hw_dev_close, also on failure. 0, -EINVAL, -ENOMEM. */
int hw_dev_local_queues(struct hw_dev *d, unsigned int q, struct hw_lcq *l, struct hw_lwq *w);
/* [ctl] Free what hw_dev_local_queues allocated into l and w (either may
 * be unset, after a failed or no call); after hw_dev_close. */
void hw_dev_local_queues_free(struct hw_lcq *l, struct hw_lwq *w);
/* Append a copy of w to local work queue q (hw_dev.lwq); -EAGAIN when
 * full. Its one producer's thread. */
static inline int hw_lwq_put(struct hw_lwq *q, const struct hw_wqe *w)
{
	if (q->tail - q->head > q->mask)
		return -EAGAIN;
	q->e[q->tail & q->mask] = *w;
	q->tail++;
	return 0;
}
/* calloc for arrays of cache-line aligned structures (calloc only
 * guarantees 16-byte alignment). Free with free(). */
static inline void *hw_calloc_aligned(size_t n, size_t size)
{
	size_t len;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	len = (n * size + 63) & ~(size_t)63;
	p = aligned_alloc(64, len ? len : 64);
	if (p)
		memset(p, 0, len ? len : 64);
	return p;
}

/* A peer's region and geometry for the data path, or NULL. */
static inline const struct hw_peer_view *hw_dev_peer_view(struct hw_dev *d, unsigned int slot)
{
	if (slot >= HW_MAX_PORTS)
		return NULL;
	return atomic_load_explicit(&d->peer_view[slot], memory_order_acquire);
}
/* Send a slow-path event to a peer (link, zoning and faults apply). */
int hw_dev_send_eqe(struct hw_dev *d, unsigned int slot, struct hw_eqe *e, int fc);
/* Drain wake-ups of the event fd; then the EQ may be read. */
void hw_dev_drain_wakeups(struct hw_dev *d, bool *timer);
/* Arm the EQ; returns true if entries arrived meanwhile (process again). */
bool hw_dev_arm_eq(struct hw_dev *d);
/* Make the event fd readable (deferred work in this process). */
void hw_dev_kick(struct hw_dev *d);

struct hw_ls_table;
struct hw_ls_rcv_pool;

/* What one LLDD role plugs into the shared slow-path loop. */
struct hw_slow_ops {
	/* Handle one event-queue entry. */
	void (*eqe)(void *arg, const struct hw_eqe *e);
};
/* [ctl] The slow path both LLDDs share: drain the event queue, complete
 * the answered LS requests of rcv (NULL: the port receives none), run
 * queued LS requests, re-arm; repeat while work keeps arriving (at most
 * four rounds). *timer says whether the port's periodic timer fired.
 * Returns the work done. */
int hw_dev_slow_path(struct hw_dev *d, struct hw_ls_table *ls, struct hw_ls_rcv_pool *rcv,
		     const struct hw_slow_ops *ops, void *arg, bool *timer);
/* True if the peer in slot is online and its owner alive. */
bool hw_dev_peer_alive(struct hw_dev *d, unsigned int slot);
/* DMA memory of the device (control thread). */
int hw_dma_alloc(struct hw_dev *d, size_t len, void **vaddr, fcnvme_dma_t *handle);
void hw_dma_free(struct hw_dev *d, void *vaddr, size_t len);
int hw_dma_init(struct hw_dev *d);
void hw_dma_fini(struct hw_dev *d);
/* DMA handle of an address inside the DMA window, or 0. */
fcnvme_dma_t hw_dma_handle(struct hw_dev *d, const void *vaddr);
/* The address of [handle, handle + len) in the device's own DMA window, or
 * NULL if the range is not wholly inside it. Any thread. */
void *hw_dma_va(const struct hw_dev *d, uint64_t handle, uint64_t len);
/* Region size of a soft port for cfg (what hw_dev_open would create), and
 * the layout it writes into bar (base NULL: compute only). 0 on overflow. */
uint64_t hw_dev_layout(const struct hw_dev_cfg *cfg, struct hw_bar *bar, void *base);

/* ---- remote-driver mode (hw_rdrv.c) --------------------------------------- */

/* fw_heartbeat still for this long: the port server is gone. */
#define HW_RDRV_HB_DEAD_MS 3000

/* Copy the BAR of a len-byte region into geo and check it as a guest
 * driver must (magic, version, HW_BAR_F_REMOTE, rings, XRI table and DMA
 * window inside the region, nr_vectors = 1 + nr_hwq, = nvec unless 0).
 * 0 or -EPROTO. */
int hw_rdrv_probe(const void *base, uint64_t len, unsigned int nvec, struct hw_bar *geo);
/* Open d as the driver of the port served at socket_path ("vmport:"):
 * connect as QEMU does, map, probe. hw_fabric_why() says why it failed. */
int hw_rdrv_open_vmport(struct hw_dev *d, const char *socket_path);
/* Ring vector vec of the port server (0: mq, 1 + q: wq[q]). Any thread. */
void hw_rdrv_doorbell(struct hw_dev *d, unsigned int vec);
/* [ctl] Post e to mq addressed to slot and ring vector 0. */
int hw_rdrv_mq_send(struct hw_dev *d, unsigned int slot, struct hw_eqe *e);
/* [ctl] Post HW_EQE_DRV_UP or HW_EQE_DRV_DOWN. */
int hw_rdrv_drv(struct hw_dev *d, uint16_t type);
/* Any thread: the port server is gone (hb_dead; false for other modes). */
static inline bool hw_rdrv_gone(const struct hw_dev *d)
{
	return d->rdrv && atomic_load_explicit(&d->hb_dead, memory_order_acquire);
}
/* [ctl] A port opened through a port server's socket ("vmport:") whose
 * server is gone (hw_rdrv_gone): when another socket file now sits at the
 * path (a server that started since: the old one held PATH.lock, so it has
 * let go), an identity of that file (device, inode and change time: a new
 * file may reuse an inode number), nonzero and the same while the file
 * stays; else 0. One stat(2). */
uint64_t hw_rdrv_successor(const struct hw_dev *d);
/* [ctl] At every tick: 1 when fw_heartbeat was just found still for
 * HW_RDRV_HB_DEAD_MS, 2 when the port server was just found to have
 * closed our socket ("vmport:"; gone at once, and for good), -1 when the
 * heartbeat moves again after a 1, else 0. */
int hw_rdrv_heartbeat(struct hw_dev *d);

/* ---- soft firmware ------------------------------------------------------- */

/* Ring the doorbell of WQ hwq: in soft mode the firmware runs here, in the
 * caller's thread, over every pending WQE, then wakes the peers' queues it
 * posted to (one wake per ring per batch). Returns WQEs processed. */
int hw_fw_doorbell(struct hw_dev *d, unsigned int hwq);
/* Ring the doorbell of WQ hwq: the soft firmware runs here
 * (hw_fw_doorbell) or, in remote-driver mode, the port server is told. */
static inline void hw_dev_wq_doorbell(struct hw_dev *d, unsigned int hwq)
{
	if (d->rdrv)
		hw_rdrv_doorbell(d, 1 + hwq);
	else
		(void)hw_fw_doorbell(d, hwq);
}
/* Post WQE w on WQ hwq from its one producer thread: a local soft port's
 * WQ in process memory (l->e set, hw_dev.lwq) or the shared ring
 * (hw_ring_post_sp_geo). Full: the firmware takes what it can
 * (hw_fw_doorbell, in this thread) and the post is tried once more; a
 * remote driver's WQ is drained by its port server, so -EAGAIN at once.
 * The caller rings the doorbell for what it posted. 0, -EAGAIN, -EPROTO
 * (a shared tail out of step with its entry). */
static inline int hw_fw_wq_post(struct hw_dev *d, unsigned int hwq, struct hw_lwq *l,
				const struct hw_wqe *w)
{
	int rc;

	if (l->e) {
		if (!hw_lwq_put(l, w))
			return 0;
		(void)hw_fw_doorbell(d, hwq);
		return hw_lwq_put(l, w);
	}
	rc = hw_ring_post_sp_geo(d->base, &d->bar->wq[hwq], &d->geo->wq[hwq], w, sizeof(*w));
	if (rc != -EAGAIN || d->rdrv)
		return rc;
	(void)hw_fw_doorbell(d, hwq);
	return hw_ring_post_sp_geo(d->base, &d->bar->wq[hwq], &d->geo->wq[hwq], w, sizeof(*w));
}
/* Steering rule: CMD IU for qid lands on this target hw queue. */
static inline unsigned int hw_fw_steer(uint16_t qid, unsigned int nr_hwq)
{
	return qid == 0 ? 0 : (unsigned int)(qid - 1) % nr_hwq;
}

#endif /* HW_PRIV_H */
