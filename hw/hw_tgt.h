/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The target-role HBA driver (LLDD): opens a port on a software HBA
 * ("soft:FABRIC") or a uio-mapped device ("/dev/uioN"), logs into the fabric,
 * registers with the name server (FC-4 type 0x28, target + discovery),
 * registers an nvmet_fc target port and implements its template. Slow-path
 * work (logins, LS, timeouts, link events) runs in hw_tgt_port_process() on
 * the control thread [ctl]; each hardware queue is driven by hw_tgt_poll()
 * on the thread owning it [hwq].
 */
#ifndef HW_TGT_H
#define HW_TGT_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nvme_fc_driver.h>

struct hw_tgt_port;

struct hw_tgt_port_cfg {
	const char *dev;     /* "soft:FABRIC" or "/dev/uioN" */
	const char *shm_dir; /* NULL: env FCNVME_SHM_DIR or /dev/shm/fcnvme */
	uint64_t wwnn, wwpn;
	uint16_t nr_hwq;   /* 0 = 1 */
	uint16_t rq_depth; /* exchanges per hw queue; 0 = 256 */
	bool readdata_rsp; /* advertise NVMET_FCTGTFEAT_READDATA_RSP */
};

struct hw_rport_info {
	uint64_t wwnn, wwpn;
	uint32_t port_id;
	uint32_t roles; /* FC_PORT_ROLE_NVME_* */
	bool logged_in;
};

/* [ctl] callbacks from hw_tgt_port_process(); any may be NULL. */
struct hw_tgt_events {
	void (*link)(void *arg, bool up);
	void (*rport_login)(void *arg, const struct hw_rport_info *rp);
	/* after nvmet_fc_invalidate_host */
	void (*rport_logout)(void *arg, const struct hw_rport_info *rp, const char *why);
	void (*rscn)(void *arg);
};

/* [ctl] Map, link up, FLOGI, name-server registration, register the
 * nvmet_fc target port. */
int hw_tgt_port_open(const struct hw_tgt_port_cfg *cfg, const struct hw_tgt_events *ev,
		     void *ev_arg, struct hw_tgt_port **out);
/* Why this thread's last hw_tgt_port_open refused a path of the soft
 * fabric (not ours, writable by others, a symlink...): "PATH REASON", or ""
 * when it did not. */
const char *hw_tgt_port_open_why(void);
/* The registered nvmet_fc target port. */
struct nvmet_fc_target_port *hw_tgt_port_targetport(struct hw_tgt_port *p);
/* Pollable fd; readable when slow-path work waits. */
int hw_tgt_port_event_fd(struct hw_tgt_port *p);
/* [ctl] Drain the slow path; returns work done or -errno. */
int hw_tgt_port_process(struct hw_tgt_port *p);
/* [hwq] Process up to budget completions of hw queue hwq; returns work done. */
int hw_tgt_poll(struct hw_tgt_port *p, uint16_t hwq, unsigned int budget);
/* [hwq] Open (true) or close (false) a batch of the queue's data-path
 * calls outside hw_tgt_poll: one WQ doorbell at the close. */
void hw_tgt_hwq_batch(struct hw_tgt_port *p, uint16_t hwq, bool open);
/* [hwq] Arm the CQ and sleep until work or timeout; 1 if work is ready. */
int hw_tgt_hwq_wait(struct hw_tgt_port *p, uint16_t hwq, unsigned int timeout_us);
/* Any thread: wake a thread sleeping in hw_tgt_hwq_wait; a kick while it
 * is not sleeping yet makes its next hw_tgt_hwq_wait return at once. */
void hw_tgt_hwq_kick(struct hw_tgt_port *p, uint16_t hwq);
/* The three above as the LLDD API's polled-queue operations (lldd is the
 * struct hw_tgt_port *), for threads that drive any LLDD the same way. */
extern const struct fcnvme_hwq_ops hw_tgt_hwq_ops;
/* [ctl] Port enable/disable. */
int hw_tgt_port_set_link(struct hw_tgt_port *p, bool up);
/* [ctl] Remote ports known to the port; returns the count (may exceed max). */
int hw_tgt_port_rports(struct hw_tgt_port *p, struct hw_rport_info *out, int max);
/* [ctl] Log out a remote port: LOGO + nvmet_fc_invalidate_host. */
int hw_tgt_port_logo(struct hw_tgt_port *p, uint64_t rport_wwpn);
/* [ctl] Send an RSCN to logged-in initiators. */
int hw_tgt_port_rscn(struct hw_tgt_port *p);
/* A port's DMA window: its size, the bytes allocated (queue buffers, LS
 * buffers) and how many allocations did not fit since the port opened. */
struct hw_dma_usage {
	uint64_t size;
	uint64_t in_use;
	uint64_t refused;
};
/* [ctl] The port's DMA window usage. */
void hw_tgt_port_dma_usage(struct hw_tgt_port *p, struct hw_dma_usage *u);
/* [ctl] A port driven through a softhba-vmport server's socket
 * ("vmport:SOCKET") whose server is gone (its heartbeat stopped): nonzero
 * once another server listens at that path, the same value for as long as
 * that server's socket file stays, so that the caller can open the port
 * again (hw_tgt_port_open with the same cfg) and replace this one. 0 for
 * other ports, and while the server lives or no other one has started. */
uint64_t hw_tgt_port_successor(struct hw_tgt_port *p);
/* [ctl] True once the transport called targetport_delete (after
 * nvmet_fc_unregister_targetport, when its last reference went). */
bool hw_tgt_port_deleted(struct hw_tgt_port *p);
/* [ctl] Unregister the target port (unless hw_tgt_port_deleted() says the
 * application already did), LOGO, unmap. Stop the hw queue threads first:
 * close polls the queues itself while the transport drains. 0, or -EBUSY
 * when the transport still held the targetport after draining (what it
 * holds is left allocated; the caller should say so). */
int hw_tgt_port_close(struct hw_tgt_port *p);

#endif /* HW_TGT_H */
