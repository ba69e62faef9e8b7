/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FC-NVMe LLDD API: the userspace rendering of Linux's
 * include/linux/nvme-fc-driver.h, for both roles. An LLDD (an HBA driver)
 * registers ports with the transports and implements a template of callbacks;
 * the transports (nvme_fc_* for the host, nvmet_fc_* for the target, both in
 * libfcnvme) call down only through those templates, and the LLDD calls up only
 * through the functions declared here.
 *
 * Differences from the kernel, all forced by userspace:
 *  - struct scatterlist is struct fcnvme_sg (virtual address, DMA handle,
 *    length); struct sg_table is struct fcnvme_sg_table.
 *  - struct device * is struct fcnvme_device *, which says how to get memory
 *    the HBA can reach (dma_alloc) and how to name it (the DMA handle). A NULL
 *    device means "no DMA constraints": memory comes from malloc and the handle
 *    is the virtual address (what fcloop's dev == NULL means in the kernel).
 *  - dma_addr_t is fcnvme_dma_t, a 64-bit handle the HBA understands.
 *  - The target LLDD sets fcpreq->hwqid to the hardware queue a command arrived
 *    on before calling nvmet_fc_rcv_fcp_req(); the transport checks it against
 *    the queue the connection is steered to (see "Threads" below).
 *
 * Threads (target role). Functions marked [ctl] run on the control context
 * (the daemon's libevent thread); functions marked [hwq] run on the thread
 * that owns the hardware queue the exchange belongs to. Callbacks a transport
 * makes into an LLDD run in the same context as the call that caused them,
 * unless stated otherwise. The LLDD calls a done callback in the context of
 * the call that issued it: lsrsp->done and lsreq->done on [ctl],
 * fcpreq->done on the exchange's [hwq]. Nothing on an [hwq] path takes a
 * lock.
 *
 * Return values: 0 or a negative errno.
 */
#ifndef FCNVME_NVME_FC_DRIVER_H
#define FCNVME_NVME_FC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Userspace stand-ins for kernel types -------------------------------- */

typedef uint64_t fcnvme_dma_t;

/* One element of a scatter/gather list. */
struct fcnvme_sg {
	void *addr;	  /* CPU virtual address */
	fcnvme_dma_t dma; /* the same memory, as the HBA names it */
	uint32_t length;
};

struct fcnvme_sg_table {
	struct fcnvme_sg *sgl;
	unsigned int nents;
};

struct fcnvme_device;

/*
 * How a transport gets memory its HBA can reach. Both members are mandatory.
 * Called only on the control context, never on a data path.
 */
struct fcnvme_dma_ops {
	/* Allocate len bytes, aligned to 4 KiB; fill *vaddr and *handle. */
	int (*alloc)(struct fcnvme_device *dev, size_t len, void **vaddr, fcnvme_dma_t *handle);
	/* Release what alloc returned. */
	void (*free)(struct fcnvme_device *dev, void *vaddr, size_t len);
};

/* The "struct device" an LLDD passes at registration. */
struct fcnvme_device {
	const struct fcnvme_dma_ops *dma_ops;
	void *priv; /* the LLDD's */
};

int fcnvme_dma_alloc(struct fcnvme_device *dev, size_t len, void **vaddr, fcnvme_dma_t *handle);
void fcnvme_dma_free(struct fcnvme_device *dev, void *vaddr, size_t len);

/* Port states (enum nvme_fc_obj_state). */
enum nvme_fc_obj_state {
	FC_OBJSTATE_UNKNOWN,
	FC_OBJSTATE_NOTPRESENT,
	FC_OBJSTATE_ONLINE,
	FC_OBJSTATE_OFFLINE,
	FC_OBJSTATE_BLOCKED,
	FC_OBJSTATE_BYPASSED,
	FC_OBJSTATE_DIAGNOSTICS,
	FC_OBJSTATE_LINKDOWN,
	FC_OBJSTATE_ERROR,
	FC_OBJSTATE_LOOPBACK,
	FC_OBJSTATE_DELETED,
};

/* ---- Link Service objects, both roles ----------------------------------- */

/*
 * An LS request a transport sends. The transport fills everything but
 * private; the LLDD transmits rqstaddr/rqstlen, places at most rsplen bytes of
 * the response into rspaddr and calls done(lsreq, 0 or -errno) exactly once,
 * after at most timeout seconds.
 */
struct nvmefc_ls_req {
	void *rqstaddr;
	fcnvme_dma_t rqstdma;
	uint32_t rqstlen;
	void *rspaddr;
	fcnvme_dma_t rspdma;
	uint32_t rsplen;
	uint32_t timeout; /* seconds */
	void *private;	  /* lsrqst_priv_sz bytes for the LLDD */
	void (*done)(struct nvmefc_ls_req *req, int status);
} __attribute__((aligned(sizeof(uint64_t))));

/*
 * The response to a received LS. The LLDD allocates it and hands it to
 * nvme_fc_rcv_ls_req()/nvmet_fc_rcv_ls_req(); the transport fills rspbuf,
 * rspdma and rsplen and calls the template's xmt_ls_rsp(). The LLDD calls done
 * once the response is on the wire, or is known never to go (ABTS received for
 * the LS, port gone): done is called exactly once for every xmt_ls_rsp() that
 * returned 0. nvme_fc_private belongs to the transport.
 */
struct nvmefc_ls_rsp {
	void *rspbuf;
	fcnvme_dma_t rspdma;
	uint16_t rsplen;
	void (*done)(struct nvmefc_ls_rsp *rsp);
	void *nvme_fc_private; /* LLDD must not touch */
};

/* ---- Host (initiator) role ---------------------------------------------- */

struct nvme_fc_port_info {
	uint64_t node_name;
	uint64_t port_name;
	uint32_t port_role;    /* FC_PORT_ROLE_NVME_* */
	uint32_t port_id;      /* N_Port_ID, upper 8 bits 0 */
	uint32_t dev_loss_tmo; /* seconds; 0 = transport default */
};

enum nvmefc_fcp_datadir {
	NVMEFC_FCP_NODATA,
	NVMEFC_FCP_WRITE,
	NVMEFC_FCP_READ,
};

/*
 * An FCP operation from the host transport. The transport sets the command,
 * response buffer, data list, direction and done; the LLDD sets rcv_rsplen,
 * transferred_length and status (0 or -errno: a transport status, never an
 * NVMe one) and calls done exactly once.
 */
struct nvmefc_fcp_req {
	void *cmdaddr;
	void *rspaddr;
	fcnvme_dma_t cmddma;
	fcnvme_dma_t rspdma;
	uint16_t cmdlen; /* 96 */
	uint16_t rsplen; /* 32 */

	uint32_t payload_length;
	struct fcnvme_sg_table sg_table;
	struct fcnvme_sg *first_sgl;
	int sg_cnt;
	enum nvmefc_fcp_datadir io_dir;

	void (*done)(struct nvmefc_fcp_req *req);

	void *private; /* fcprqst_priv_sz bytes */

	uint16_t sqid; /* LE, as in the kernel */

	uint16_t rcv_rsplen;
	uint32_t transferred_length;
	uint32_t status;
} __attribute__((aligned(sizeof(uint64_t))));

struct nvme_fc_local_port {
	uint32_t port_num;
	uint32_t port_role;
	uint64_t node_name;
	uint64_t port_name;
	void *private; /* local_priv_sz bytes */
	uint32_t port_id;
	enum nvme_fc_obj_state port_state;
} __attribute__((aligned(sizeof(uint64_t))));

struct nvme_fc_remote_port {
	uint32_t port_num;
	uint32_t port_role;
	uint64_t node_name;
	uint64_t port_name;
	struct nvme_fc_local_port *localport;
	void *private; /* remote_priv_sz bytes */
	uint32_t dev_loss_tmo;
	uint32_t port_id;
	enum nvme_fc_obj_state port_state;
} __attribute__((aligned(sizeof(uint64_t))));

/*
 * What a host LLDD implements. Mandatory: localport_delete,
 * remoteport_delete, ls_req, fcp_io, ls_abort, fcp_abort, and non-zero
 * max_hw_queues, max_sgl_segments, max_dif_sgl_segments, dma_boundary;
 * nvme_fc_register_localport() fails with -EINVAL without them.
 * Optional: create_queue, delete_queue, xmt_ls_rsp (needed to answer a
 * target's Disconnect), poll_queue, map_queues.
 */
struct nvme_fc_port_template {
	void (*localport_delete)(struct nvme_fc_local_port *lport);
	void (*remoteport_delete)(struct nvme_fc_remote_port *rport);
	int (*create_queue)(struct nvme_fc_local_port *lport, unsigned int qidx, uint16_t qsize,
			    void **handle);
	void (*delete_queue)(struct nvme_fc_local_port *lport, unsigned int qidx, void *handle);
	int (*ls_req)(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
		      struct nvmefc_ls_req *lsreq);
	int (*fcp_io)(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
		      void *hw_queue_handle, struct nvmefc_fcp_req *fcpreq);
	void (*ls_abort)(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			 struct nvmefc_ls_req *lsreq);
	void (*fcp_abort)(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			  void *hw_queue_handle, struct nvmefc_fcp_req *fcpreq);
	int (*xmt_ls_rsp)(struct nvme_fc_local_port *lport, struct nvme_fc_remote_port *rport,
			  struct nvmefc_ls_rsp *ls_rsp);
	/* Reap completions of one hw queue; returns the number handled. */
	int (*poll_queue)(struct nvme_fc_local_port *lport, void *hw_queue_handle);

	uint32_t max_hw_queues;
	uint16_t max_sgl_segments;
	uint16_t max_dif_sgl_segments;
	uint64_t dma_boundary;

	uint32_t local_priv_sz;
	uint32_t remote_priv_sz;
	uint32_t lsrqst_priv_sz;
	uint32_t fcprqst_priv_sz;
};

int nvme_fc_register_localport(struct nvme_fc_port_info *pinfo,
			       struct nvme_fc_port_template *template, struct fcnvme_device *dev,
			       struct nvme_fc_local_port **lport_p);
int nvme_fc_unregister_localport(struct nvme_fc_local_port *localport);
int nvme_fc_register_remoteport(struct nvme_fc_local_port *localport,
				struct nvme_fc_port_info *pinfo,
				struct nvme_fc_remote_port **rport_p);
int nvme_fc_unregister_remoteport(struct nvme_fc_remote_port *remoteport);
void nvme_fc_rescan_remoteport(struct nvme_fc_remote_port *remoteport);
int nvme_fc_set_remoteport_devloss(struct nvme_fc_remote_port *remoteport, uint32_t dev_loss_tmo);
int nvme_fc_rcv_ls_req(struct nvme_fc_remote_port *remoteport, struct nvmefc_ls_rsp *lsrsp,
		       void *lsreqbuf, uint32_t lsreqbuf_len);

/* ---- Target role -------------------------------------------------------- */

struct nvmet_fc_port_info {
	uint64_t node_name;
	uint64_t port_name;
	uint32_t port_id;
};

/* FCP operations the target transport asks the LLDD to perform. */
enum {
	NVMET_FCOP_READDATA = 1,     /* send data to the initiator */
	NVMET_FCOP_WRITEDATA = 2,    /* fetch data from the initiator */
	NVMET_FCOP_READDATA_RSP = 3, /* READDATA, then the response */
	NVMET_FCOP_RSP = 4,	     /* send the response */
};

/*
 * One FCP exchange on the target. The LLDD allocates it when a CMD IU
 * arrives, sets hwqid (the hardware queue it arrived on) and calls
 * nvmet_fc_rcv_fcp_req(); it stays the LLDD's until fcp_req_release().
 * For each op the transport sets op, offset, timeout, transfer_length, sg,
 * sg_cnt, and for RSP and READDATA_RSP rspaddr/rspdma/rsplen; the LLDD sets
 * transferred_length and fcp_error (0 or -errno) and calls done.
 */
struct nvmefc_tgt_fcp_req {
	uint8_t op;
	uint16_t hwqid;
	uint32_t offset;
	uint32_t timeout; /* seconds, 0 = none */
	uint32_t transfer_length;
	uint32_t ba_rjt; /* unused, as in the kernel */
	struct fcnvme_sg *sg;
	int sg_cnt;
	void *rspaddr;
	fcnvme_dma_t rspdma;
	uint16_t rsplen;

	void (*done)(struct nvmefc_tgt_fcp_req *req);

	void *nvmet_fc_private; /* LLDD must not touch */

	uint32_t transferred_length;
	int fcp_error;
} __attribute__((aligned(sizeof(uint64_t))));

/* The LLDD may combine the last READDATA with the response. */
#define NVMET_FCTGTFEAT_READDATA_RSP (1u << 0)
/*
 * An extension of ours (Linux has no such flag: a kernel HBA only reaches
 * DMA-mapped memory). The LLDD moves the data of READDATA ops through
 * fcnvme_sg.addr alone, a virtual address of this process, and ignores
 * fcnvme_sg.dma; so data elements may point at any memory the process has
 * mapped, not only at memory from the device's dma_alloc. The transport
 * then lets the core send a Read's data from its own memory without a copy
 * (nvmet_fc_req_data_ref() in fcnvme/nvmet_fc_core.h; such elements carry
 * dma 0). Only the local soft HBA (hw/hw_tgt.c without a remote driver)
 * sets it: a remote driver's port server, like a real HBA, only reaches
 * handles in its DMA window.
 */
#define NVMET_FCTGTFEAT_DATA_VADDR   (1u << 1)

struct nvmet_fc_target_port {
	uint32_t port_num;
	uint64_t node_name;
	uint64_t port_name;
	void *private; /* target_priv_sz bytes */
	uint32_t port_id;
	enum nvme_fc_obj_state port_state;
} __attribute__((aligned(sizeof(uint64_t))));

/*
 * What a target LLDD implements.
 *
 * Mandatory (nvmet_fc_register_targetport() fails with -EINVAL without them):
 *  targetport_delete	[ctl] the port's last reference is gone.
 *  xmt_ls_rsp		[ctl] transmit an LS response; call lsrsp->done later.
 *  fcp_op		[hwq] perform fcpreq->op; call fcpreq->done later
 *			(or inline). A non-zero return means the op never ran.
 *  fcp_abort		[hwq] abort the exchange (ABTS); complete any op in
 *			progress with an error. Cannot fail.
 *  fcp_req_release	[hwq] the transport is done with the exchange.
 *  max_hw_queues, max_sgl_segments, max_dif_sgl_segments, dma_boundary
 *			non-zero.
 * Optional:
 *  defer_rcv		[hwq] a command the transport deferred (it returned
 *			-EOVERFLOW) is now being processed; its CMD IU buffer
 *			may be reused.
 *  discovery_event	[ctl] what the port offers changed: send an RSCN.
 *  ls_req		[ctl] send an LS to a host (our Disconnect Association).
 *  ls_abort		[ctl] abort an ls_req; required when ls_req is set.
 *  host_release	[ctl] the transport no longer uses this hosthandle;
 *			required by an LLDD that calls nvmet_fc_invalidate_host.
 *  host_traddr		[ctl] the host port's WWNN and WWPN.
 */
struct nvmet_fc_target_template {
	void (*targetport_delete)(struct nvmet_fc_target_port *tgtport);
	int (*xmt_ls_rsp)(struct nvmet_fc_target_port *tgtport, struct nvmefc_ls_rsp *ls_rsp);
	int (*fcp_op)(struct nvmet_fc_target_port *tgtport, struct nvmefc_tgt_fcp_req *fcpreq);
	void (*fcp_abort)(struct nvmet_fc_target_port *tgtport, struct nvmefc_tgt_fcp_req *fcpreq);
	void (*fcp_req_release)(struct nvmet_fc_target_port *tgtport,
				struct nvmefc_tgt_fcp_req *fcpreq);
	void (*defer_rcv)(struct nvmet_fc_target_port *tgtport, struct nvmefc_tgt_fcp_req *fcpreq);
	void (*discovery_event)(struct nvmet_fc_target_port *tgtport);
	int (*ls_req)(struct nvmet_fc_target_port *targetport, void *hosthandle,
		      struct nvmefc_ls_req *lsreq);
	void (*ls_abort)(struct nvmet_fc_target_port *targetport, void *hosthandle,
			 struct nvmefc_ls_req *lsreq);
	void (*host_release)(void *hosthandle);
	int (*host_traddr)(void *hosthandle, uint64_t *wwnn, uint64_t *wwpn);

	uint32_t max_hw_queues;
	uint16_t max_sgl_segments;
	uint16_t max_dif_sgl_segments;
	uint64_t dma_boundary;

	uint32_t target_features; /* NVMET_FCTGTFEAT_* */

	uint32_t target_priv_sz;
	uint32_t lsrqst_priv_sz;
};

/* [ctl] Register a target port; *portptr is valid until targetport_delete. */
int nvmet_fc_register_targetport(struct nvmet_fc_port_info *portinfo,
				 struct nvmet_fc_target_template *template,
				 struct fcnvme_device *dev, struct nvmet_fc_target_port **portptr);
/* [ctl] Tear down every association; targetport_delete comes when the last
 * reference drops. */
int nvmet_fc_unregister_targetport(struct nvmet_fc_target_port *tgtport);
/* [ctl] A Link Service request arrived from hosthandle (non-NULL). The
 * payload is copied; lsreqbuf may be reused at once. */
int nvmet_fc_rcv_ls_req(struct nvmet_fc_target_port *tgtport, void *hosthandle,
			struct nvmefc_ls_rsp *lsrsp, void *lsreqbuf, uint32_t lsreqbuf_len);
/* [ctl] The host port behind hosthandle is gone (LOGO, PRLO, loss). */
void nvmet_fc_invalidate_host(struct nvmet_fc_target_port *tgtport, void *hosthandle);
/* [hwq] A CMD IU arrived on fcpreq->hwqid. 0: accepted, buffer free;
 * -EOVERFLOW: deferred, keep the buffer until defer_rcv; any other error:
 * not accepted, the LLDD must ABTS the exchange. */
int nvmet_fc_rcv_fcp_req(struct nvmet_fc_target_port *tgtport, struct nvmefc_tgt_fcp_req *fcpreq,
			 void *cmdiubuf, uint32_t cmdiubuf_len);
/* [hwq] An ABTS arrived for the exchange. */
void nvmet_fc_rcv_fcp_abort(struct nvmet_fc_target_port *tgtport,
			    struct nvmefc_tgt_fcp_req *fcpreq);

/*
 * Polled hardware queues: an extension of the LLDD API for userspace
 * drivers, whose hw queues are driven by their user's threads instead of
 * interrupt handlers. An LLDD that works this way exports one of these; the
 * thread that owns hw queue hwq calls poll and wait, any thread may call
 * kick. lldd is the LLDD's own port handle.
 */
struct fcnvme_hwq_ops {
	/* [hwq] Process up to budget entries of hw queue hwq; returns the
	 * work done or -errno. */
	int (*poll)(void *lldd, uint16_t hwq, unsigned int budget);
	/* [hwq] Arm the queue and sleep until work arrives or timeout_us
	 * passes; 1 if work is ready, 0 if not, or -errno. */
	int (*wait)(void *lldd, uint16_t hwq, unsigned int timeout_us);
	/* Any thread: wake the owner of hwq if it sleeps in wait. */
	void (*kick)(void *lldd, uint16_t hwq);
	/* [hwq] Optional, NULL if the LLDD has none (added after 0.1.0).
	 * open true: what the owner of hwq calls on the queue from now on
	 * outside poll (fcp_op and fcp_abort for work that completes on
	 * other threads) is one batch: the LLDD may hold back what it would
	 * tell its hardware per call (the WQ doorbell) until the batch is
	 * closed, except when it must (a full WQ). open false: close the
	 * batch and hand the hardware what it holds. Batches do not nest;
	 * poll may be called inside one. */
	void (*batch)(void *lldd, uint16_t hwq, bool open);
};

#endif /* FCNVME_NVME_FC_DRIVER_H */
