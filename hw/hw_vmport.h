/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The port server of a soft-HBA port whose driver runs in a VM
 * (docs/softhba-vm-port.md): it joins a fabric as an ordinary initiator
 * port with HW_BAR_F_REMOTE, logs into the fabric's NVMe targets (or, in
 * the target role, registers as a target and lets initiators log in), serves
 * QEMU's ivshmem-doorbell device on a unix socket (the port's device file
 * becomes the guest's BAR2) and then runs the port's firmware on the
 * guest's behalf: doorbells in, interrupts out, mq/deq for the slow path,
 * the heartbeat. One thread runs everything (hw_vmport_run), plus one
 * thread per hw queue that turns cq[q] notifications into the guest's
 * interrupt vector 1 + q. Used by tools/softhba-vmport.
 */
#ifndef HW_VMPORT_H
#define HW_VMPORT_H

#include <stdbool.h>
#include <stdint.h>

/* Log levels of hw_vmport_cfg.log. */
enum {
	HW_VMPORT_LOG_ERR = 0,
	HW_VMPORT_LOG_INFO,
	HW_VMPORT_LOG_DEBUG
};

struct hw_vmport_cfg {
	const char *fabric;  /* the port joins soft:FABRIC, which must exist */
	const char *shm_dir; /* NULL: env FCNVME_SHM_DIR or the default */
	uint64_t wwnn, wwpn;
	uint16_t nr_hwq;    /* 1..HW_MAX_HWQ: the guest's vectors are 1 + nr_hwq */
	uint32_t nr_xri;    /* exchanges in the port's XRI table */
	uint32_t dma_mb;    /* DMA window, at least this many MiB */
	const char *socket; /* unix socket QEMU's chardev connects to */
	bool persist;	    /* after a guest leaves, wait for the next */
	/* Target role: register as an NVMe target and discovery port and
	 * answer initiators' PLOGI/PRLI for the guest (its driver is a
	 * target, e.g. nvmetfcd on the BAR through uio); false: the
	 * initiator role, logging into the fabric's targets. */
	bool target;
	int stop_fd; /* readable: stop (e.g. a signalfd); -1: none */
	/* Messages, one line each without the newline (may be NULL). */
	void (*log)(void *arg, int level, const char *msg);
	void *log_arg;
};

/* What the port server saw (main thread; irqs summed from the hwq threads). */
struct hw_vmport_stats {
	uint64_t guests;     /* QEMU connections served */
	uint64_t mq_entries; /* slow-path requests from the guest */
	uint64_t mq_bad;     /* ... malformed or to a slot not logged in: dropped */
	uint64_t ls_out;     /* guest LS requests sent to targets */
	uint64_t ls_refused; /* ... answered at once with an error */
	uint64_t ls_in;	     /* targets' LS requests passed to the guest */
	uint64_t deq_posts;  /* events for the guest */
	uint64_t deq_full;   /* ... lost because deq was full */
	uint64_t doorbells;  /* WQ doorbells from the guest */
	uint64_t wqes;	     /* WQEs the firmware ran */
	uint64_t irqs;	     /* interrupts raised (all vectors) */
	uint64_t rport_online, rport_offline;
};

struct hw_vmport;

/* Join the fabric (FLOGI, name server, logins) and listen on cfg->socket.
 * -ENOENT: no such fabric; -EADDRINUSE: the WWPN is in use on the fabric;
 * -EBUSY: another server listens on the socket; -EINVAL: bad cfg. */
int hw_vmport_open(const struct hw_vmport_cfg *cfg, struct hw_vmport **out);
/* Serve QEMU until cfg->stop_fd is readable or, without persist, the guest
 * leaves. 0, or -errno on a failure of the server itself. */
int hw_vmport_run(struct hw_vmport *v);
void hw_vmport_get_stats(const struct hw_vmport *v, struct hw_vmport_stats *st);
/* The fabric slot and region size of the port (for messages). */
unsigned int hw_vmport_slot(const struct hw_vmport *v);
uint64_t hw_vmport_region_size(const struct hw_vmport *v);
/* Log out of every target, take the link down, leave the fabric, remove
 * the socket. */
void hw_vmport_close(struct hw_vmport *v);

#endif /* HW_VMPORT_H */
