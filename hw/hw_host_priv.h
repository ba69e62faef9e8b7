/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the host-role LLDD shared by hw_host.c (control path: ports,
 * logins, remote ports, LS) and hw_host_io.c (data path: exchanges, FCP I/O,
 * aborts, completions, timeouts).
 */
#ifndef HW_HOST_PRIV_H
#define HW_HOST_PRIV_H

#include <fcnvme/fc_wire.h>

#include "hw_host.h"
#include "hw_rport.h"
#include "hw_ls.h"
#include "hw_priv.h"

#define HW_HOST_BOUNCE	   (1u << 20)
#define HW_HOST_LSCTX	   16
#define HW_HOST_MAX_SGL	   256
/* Passes of a hw queue's reap that find its CQ empty between two reads of
 * the clock (and looks at the exchange timers): a pass is some ten ns, the
 * timers are of milliseconds. */
#define HW_HOST_IDLE_CLOCK 64

/* Process-local companion of a shared hw_xri. Owned by its hw queue. */
struct hw_host_xri {
	struct nvmefc_fcp_req *req; /* NULL = free */
	struct hw_host_rport *rp;
	struct hw_host_xri *next;
	uint64_t deadline_ns;
	uint32_t idx, tag;
	uint16_t hwq;
	/* rp's slot while the exchange is out: a CQE for it (response,
	 * ABTS, BA_*) from any other slot is dropped and counted. */
	uint16_t slot;
	bool aborting; /* ABTS sent, awaiting BA_* */
	bool timed_out;
	bool bounced;
	void *bounce;
	fcnvme_dma_t bounce_dma;
};

/* A hw queue of the port. Used by one thread at a time (hw_host.h), which
 * is then the only producer of its WQ (lwq, or dev.bar->wq[idx] for a real
 * device): FCP CMDs
 * (fcp_io), ABTS (fcp_abort and the timers, both on the transport queue's
 * thread) and BA_ACC (its reap). LS requests and replies go through the
 * fabric's LS path (hw_ls.c), never a WQ. Hence hw_ring_post_sp(_geo: the
 * geometry is the private copy, hw_dev.geo, as for every ring of the port). */
struct hw_host_hwq {
	_Alignas(64) struct hw_host_xri *free;
	struct hw_host_xri *x; /* queue_depth exchanges */
	uint64_t next_check_ns;
	/* fcnvme_clock_coarse_ns() at the start of the current reap: the
	 * exchange timers are of milliseconds and more, and a host polling
	 * many controllers reaps every queue on every pass. Submissions made
	 * from its completion callbacks (in_poll) date their deadline by it
	 * instead of reading the clock once more per I/O. */
	uint64_t now_ns;
	uint32_t loss_seen;
	uint32_t idle_passes; /* reaps since now_ns, all finding the CQ empty */
	uint16_t idx;
	bool in_poll; /* reaping: batch the doorbell */
	bool wq_pending;
	/* A soft port's firmware completions and work queue in process
	 * memory (hw_dev.lcq, hw_dev.lwq; e NULL for a real device),
	 * allocated at open, as many entries as its CQ and WQ. Its WQEs
	 * name the CMD IU by address (w.cmd), so they must not lie in the
	 * region, which the targets map read-write; and a WQE_DONE found in
	 * its shared CQ is then a peer's forgery, ignored. */
	struct hw_lcq lcq;
	struct hw_lwq lwq;
};

/* A target the host knows of: its login (hw_rport.c) and the remote port
 * registered with the transport while ONLINE. Control thread, except
 * lr.state (read by hwqs). */
struct hw_host_rport {
	struct hw_rport login; /* first: hw_rport.c allocates these */
	struct nvme_fc_remote_port *rport;
};

struct hw_host_port {
	struct hw_dev dev;
	struct nvme_fc_port_template tmpl;
	struct nvme_fc_local_port *lport;
	uint16_t nr_hwq, depth;
	uint32_t fcp_timeout_ms;
	struct hw_host_hwq *hwq;
	struct hw_rports rports;   /* remote ports: struct hw_host_rport */
	_Atomic uint32_t loss_gen; /* bumped when a remote port is lost */
	struct hw_ls_table ls;
	struct hw_ls_rcv lsctx[HW_HOST_LSCTX];
	struct hw_ls_rcv_pool ls_rcv;
};

static inline struct hw_host_port *hw_host_of(struct nvme_fc_local_port *lp)
{
	return *(struct hw_host_port **)lp->private;
}

static inline struct hw_host_rport *hw_host_rp_of(struct nvme_fc_remote_port *rport)
{
	return *(struct hw_host_rport **)rport->private;
}

/* Template callbacks of the data path (hw_host_io.c). */
int hw_host_io_fcp_io(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport, void *hwqh,
		      struct nvmefc_fcp_req *req);
void hw_host_io_fcp_abort(struct nvme_fc_local_port *lp, struct nvme_fc_remote_port *rport,
			  void *hwqh, struct nvmefc_fcp_req *req);
int hw_host_io_poll_queue(struct nvme_fc_local_port *lp, void *hwqh);

#endif /* HW_HOST_PRIV_H */
