/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the target-role LLDD shared by hw_tgt.c (control path:
 * template callbacks of the control thread, logins, remote ports, LS) and
 * hw_tgt_io.c (data path: exchanges, FCP ops, aborts, the hw queue poll).
 */
#ifndef HW_TGT_PRIV_H
#define HW_TGT_PRIV_H

#include <fcnvme/fc_wire.h>

#include "hw_ls.h"
#include "hw_priv.h"
#include "hw_tgt.h"

#define HW_TGT_LSCTX   256
#define HW_TGT_MAX_SGL 256

/* One FCP exchange. Owned by its hw queue's thread. */
struct hw_tgt_xchg {
	struct nvmefc_tgt_fcp_req req; /* handed to the transport */
	struct hw_tgt_xchg *next;      /* free list / local-done list */
	uint32_t xri, tag;	       /* the host's exchange */
	uint16_t peer_slot, peer_hwq;
	uint16_t hwq;
	bool busy;
	bool aborted;	/* we sent ABTS (fcp_abort) */
	bool abts_rcvd; /* the host sent ABTS */
	/* An op's WQE is with the firmware and its WQE_DONE not back yet.
	 * op_gen counts the ops posted and is part of the WQE's cookie, so a
	 * late WQE_DONE of an op completed without the firmware (a port
	 * server that died and came back) matches nothing. */
	bool wqe_out;
	uint16_t op_gen;
	int local_status; /* for the local-done list */
	uint8_t iu[sizeof(struct nvme_fc_cmd_iu)];
	/* Remote-driver mode: HW_TGT_MAX_SGL entries in the DMA window for
	 * the data list of a WQE (allocated at open [ctl], filled by the
	 * hw queue's thread), and their handle. NULL otherwise. */
	struct hw_sge *sge;
	fcnvme_dma_t sge_dma;
};

/* Per hw queue state, owned by the queue's thread. */
struct hw_tgt_hwq {
	_Alignas(64) struct hw_tgt_xchg *free;
	struct hw_tgt_xchg *done_head, *done_tail; /* completed locally */
	struct hw_tgt_xchg *x;			   /* rq_depth exchanges */
	/* [hwq] Received CMD IUs waiting for an exchange (a host may have
	 * more commands outstanding than the port has exchanges): a FIFO of
	 * held_cap CQE copies, started in order as exchanges come back; a
	 * held entry whose host aborted it has type 0. Allocated at open. */
	struct hw_cqe *held;
	uint32_t held_head, held_count, held_cap;
	/* [hwq] The firmware's completions of this queue's own WQEs
	 * (hw_dev.lcq), a local soft port only (e NULL otherwise);
	 * allocated at open, as many entries as the CQ. */
	struct hw_lcq lcq;
	/* [hwq] Its work queue (hw_dev.lwq), a local soft port only (e NULL
	 * otherwise); allocated at open, as many entries as the WQ. */
	struct hw_lwq lwq;
	uint32_t wqe_out; /* exchanges with wqe_out set */
	/* [hwq] Inside hw_tgt_poll or a batch (hw_tgt_hwq_batch): a posted
	 * WQE only sets wq_pending, the doorbell rings once at the end. */
	bool in_poll;
	bool wq_pending;
	/* [any] hw_tgt_hwq_kick sets it, [hwq] hw_tgt_hwq_wait takes it:
	 * a kick that lands before the queue's thread reaches its futex is
	 * not lost (it would sleep out its timeout). Its own cache line:
	 * other threads write it. */
	_Alignas(64) _Atomic bool kicked;
};

enum {
	HW_RP_PLOGI = 1,
	HW_RP_LOGGED_IN,
	HW_RP_INVALID
};

/* A remote (host) port: the hosthandle. Control thread. */
struct hw_tgt_rport {
	struct hw_tgt_rport *next;
	struct hw_tgt_port *port;
	unsigned int slot;
	int state;	    /* HW_RP_* */
	uint64_t login_gen; /* unique per login */
	uint32_t ns_gen;    /* remote driver: hw_rport_desc.gen of the login */
	struct hw_rport_info info;
};

/* A received LS and its response. Control thread. */
struct hw_tgt_port {
	struct hw_dev dev;
	struct nvmet_fc_target_template tmpl;
	struct nvmet_fc_target_port *tp;
	bool tp_deleted;
	struct hw_tgt_events ev;
	void *ev_arg;
	uint16_t nr_hwq, rq_depth;
	struct hw_tgt_hwq *hwq;
	struct hw_tgt_rport *rports;
	struct hw_ls_rcv *lsctx;
	struct hw_ls_rcv_pool ls_rcv;
	struct hw_ls_table ls;
	uint64_t login_gen;
};

static inline struct hw_tgt_port *hw_tgt_of(struct nvmet_fc_target_port *tp)
{
	return *(struct hw_tgt_port **)tp->private;
}

/* Template callbacks of the data path [hwq] (hw_tgt_io.c). */
int hw_tgt_io_fcp_op(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req);
void hw_tgt_io_fcp_abort(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req);
void hw_tgt_io_fcp_req_release(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req);
void hw_tgt_io_defer_rcv(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req);

#endif /* HW_TGT_PRIV_H */
