/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A guest driver for a soft-HBA port served by softhba-vmport, in
 * userspace, for tests and as the reference behaviour of the kernel LLDD
 * (hw/linux/softhba/). vg_dev_* plays QEMU's ivshmem-doorbell device: it
 * connects to the port server's socket as QEMU's chardev does, takes the
 * shared memory and the eventfds from the greeting and maps the region
 * ("BAR2"); a doorbell is a write to the port server's eventfd of a vector,
 * an interrupt is our own eventfd of that vector becoming readable. vg_lldd
 * is an nvme_fc_port_template host LLDD over the remote-driver interface of
 * docs/softhba-vm-port.md: mq/deq for the slow path, WQEs with DMA handles,
 * CQs reaped after interrupts, the armed protocol, the heartbeat watchdog.
 * Single-threaded: one loop calls vg_process() and the controllers' polls.
 */
#ifndef VMPORT_GUEST_H
#define VMPORT_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nvme_fc_driver.h>

#include "hw_priv.h"

#define VG_MAX_VEC	 (1 + HW_MAX_HWQ)
#define VG_LS_PEND	 32
#define VG_LSRSP	 8
#define VG_EVENTS	 256
#define VG_HB_DEAD_MS	 3000
/* WQEs a test injects carry cookie VG_INJECT_COOKIE << 32 | n (n <
 * VG_INJECT_MAX); their completions are recorded, not handled. */
#define VG_INJECT_COOKIE 0xbadc0deu
#define VG_INJECT_MAX	 32

struct vg;

/* The host-side companion of one exchange. Owned by its hw queue. */
struct vg_xri {
	struct nvmefc_fcp_req *req; /* NULL = free */
	struct vg_rport *rp;
	struct vg_xri *next;
	uint32_t idx, tag;
	uint16_t hwq;
	bool aborting;
};

struct vg_hwq {
	struct vg *g;
	unsigned int idx;
	struct vg_xri *x, *free;
	uint32_t loss_seen;
};

/* A target as deq announced it. */
struct vg_rport {
	unsigned int slot;
	bool online;
	struct hw_rport_desc desc;
	struct nvme_fc_remote_port *rport;
};

struct vg_lsreq {
	struct nvmefc_ls_req *req; /* NULL = free */
	uint64_t id, deadline_ns;
	unsigned int slot;
	int status;
	bool finish;
};

struct vg_lsrsp {
	struct nvmefc_ls_rsp rsp;
	uint64_t id;
	unsigned int slot;
	bool used, sent;
	uint8_t buf[1024];
};

/* One deq event, for the test to look at. */
struct vg_event {
	uint16_t type, slot;
	int32_t status;
	uint64_t id;
	uint32_t gen, arg;
};

struct vg {
	/* the ivshmem device */
	int sock, my_id, fw_id;
	unsigned int nvec;
	int irq_efd[VG_MAX_VEC]; /* ours: the port server writes them */
	int db_efd[VG_MAX_VEC];	 /* the port server's: our doorbells */
	void *base;
	size_t len;
	struct hw_bar *bar; /* BAR2, shared */
	struct hw_bar geo;  /* the geometry read at probe, checked */
	struct hw_xri *xri;
	struct hw_dev dma; /* for hw_dma_alloc over our window */
	/* the LLDD */
	struct nvme_fc_port_template tmpl;
	struct nvme_fc_local_port *lport;
	unsigned int nr_hwq, depth;
	struct vg_hwq hwq[HW_MAX_HWQ];
	struct vg_rport rp[HW_MAX_PORTS];
	struct vg_lsreq ls[VG_LS_PEND];
	uint64_t ls_gen;
	struct vg_lsrsp lsrsp[VG_LSRSP];
	uint32_t loss_gen;
	bool link_up, hb_dead;
	uint64_t hb_last, hb_change_ns;
	/* what happened */
	uint64_t irqs[VG_MAX_VEC], doorbells[VG_MAX_VEC];
	struct vg_event ev[VG_EVENTS];
	unsigned int nev;
	int32_t inj_status[VG_INJECT_MAX];
	unsigned int inj_done[VG_INJECT_MAX];
};

/* QEMU's part: connect, take the greeting, map the region and check it. */
int vg_dev_open(struct vg *g, const char *socket_path);
void vg_dev_close(struct vg *g);
/* Ring vector vec (iowrite32(fw_peer_id << 16 | vec, regs + 12)). */
void vg_doorbell(struct vg *g, unsigned int vec);
/* Post to the guest's producer rings (geometry from the probe). */
int vg_mq_post(struct vg *g, struct hw_eqe *e);
int vg_wq_post(struct vg *g, unsigned int q, struct hw_wqe *w);
/* Pop the next entry of cq[q] into *c (1) or 0 if empty. */
int vg_cq_next(struct vg *g, unsigned int q, struct hw_cqe *c);

/* The LLDD: register the local port, DRV_UP. */
int vg_lldd_start(struct vg *g);
/* DRV_DOWN, unregister. */
void vg_lldd_stop(struct vg *g);
/* Slow path: deq events, LS completions and timeouts, the heartbeat
 * watchdog. Returns the work done. */
int vg_process(struct vg *g);
/* Arm deq and every CQ, then sleep until an interrupt or timeout_ms. */
void vg_wait(struct vg *g, int timeout_ms);
/* The registered remote port of the first online target with role, or NULL. */
struct vg_rport *vg_target(struct vg *g, uint32_t role);

#endif /* VMPORT_GUEST_H */
