/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal state of the target transport (nvmet_fc_*): the target
 * port, host ports, associations, queues, per-exchange request contexts and
 * LS contexts, and the fcn_tgt_* helpers the nvmet_fc_*.c files share.
 *
 * Contexts: [ctl] fields are read and written only on the control thread;
 * [hwq] fields only on the thread owning the queue's hardware queue; [init]
 * fields are written once before the object becomes reachable from another
 * thread and are read-only afterwards. The FCP path takes no locks: a queue's
 * FCP state is touched only on its hwq thread, and the control thread reaches
 * it only through env->run_on_hwq (messages, in order).
 */
#ifndef FCNVME_NVMET_FC_INT_H
#define FCNVME_NVMET_FC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/nvmet_fc_core.h>

#define fcn_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* ---- A minimal intrusive doubly linked list ----------------------------- */

struct fcn_list {
	struct fcn_list *next;
	struct fcn_list *prev;
};

static inline void fcn_list_init(struct fcn_list *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool fcn_list_empty(const struct fcn_list *h)
{
	return h->next == h;
}

static inline void fcn_list_add_tail(struct fcn_list *h, struct fcn_list *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void fcn_list_add(struct fcn_list *h, struct fcn_list *n)
{
	n->prev = h;
	n->next = h->next;
	h->next->prev = n;
	h->next = n;
}

static inline void fcn_list_del(struct fcn_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

/* ---- Limits and defaults ------------------------------------------------ */

#define FCN_LS_CTX_COUNT   256			  /* received LS in flight per port */
#define FCN_LS_RSP_BUF_LEN NVME_FC_MAX_LS_RSP_LEN /* 128 */
#define FCN_MAX_SEQ_LENGTH (256u * 1024)	  /* bytes per data op */
#define FCN_SG_ELEM_LEN	   4096u		  /* data buffer sg granule */
#define FCN_HWQ_BUCKETS	   64			  /* connection hash per hwq */
#define FCN_DEF_DATA_BUFS  256			  /* data buffers per hwq, by default */
#define FCN_MAX_DATA_BUFS  65536
#define FCN_NR_QUEUES_MAX  128 /* I/O queues per association */

#define FCN_DEF_MAX_DATA_LEN   (1024u * 1024)
#define FCN_MIN_DATA_LEN       (8u * 1024)	   /* MDTS 1 */
#define FCN_MAX_DATA_LEN_LIMIT (64u * 1024 * 1024) /* sanity bound */
#define FCN_DEF_MAX_QUEUE_SIZE 1024
#define FCN_DEF_MAX_IO_QUEUES  128

struct fcn_tgtport;
struct fcn_assoc;

/* ---- Host ports --------------------------------------------------------- */

/* One per distinct hosthandle (pointer compare) per target port. [ctl] */
struct fcn_hostport {
	struct fcn_list entry; /* tgtport->host_list */
	struct fcn_tgtport *tgtport;
	void *hosthandle;
	unsigned int refcnt; /* associations + LS requests */
	bool invalid;	     /* invalidate_host was called */
};

/* ---- FCP exchanges ------------------------------------------------------ */

/* What fcpreq->nvmet_fc_private points to: a request context or a
 * deferred command. */
enum fcn_xchg_kind {
	FCN_XCHG_FOD = 1,
	FCN_XCHG_DEFER = 2,
};

/* A command received while the pool was empty (-EOVERFLOW). [hwq] */
struct fcn_defer {
	enum fcn_xchg_kind kind;   /* FCN_XCHG_DEFER; first member */
	struct fcn_list entry;	   /* queue->defer_list or free */
	struct nvmet_fc_sq *queue; /* [init] */
	struct nvmefc_tgt_fcp_req *fcpreq;
	void *cmdiubuf; /* the LLDD's, until defer_rcv */
};

/*
 * A preallocated request context ("fod"), one per outstanding command. All
 * fields [hwq] except those marked [init].
 */
struct fcn_fod {
	enum fcn_xchg_kind kind;	   /* FCN_XCHG_FOD; first member */
	struct nvmet_fc_req req;	   /* handed to the core */
	struct fcn_list entry;		   /* queue->fod_free when idle (LIFO:
					    * fcn_fod_release) */
	struct nvmet_fc_sq *queue;	   /* [init] */
	struct nvmefc_tgt_fcp_req *fcpreq; /* NULL when idle */

	struct nvme_fc_cmd_iu cmdiu;   /* copy of the CMD IU */
	struct nvme_fc_ersp_iu *rspiu; /* [init] DMA, in queue->rsp_region */
	fcnvme_dma_t rspdma;	       /* [init] */
	/* [hwq] The data buffer from the hw queue's pool (fcn_buf_take) of a
	 * command with data, from its start to fcn_fod_release(); NULL
	 * without one. data, data_dma and sg are buf's. */
	struct fcn_buf *buf;
	void *data;	       /* max_data_len bytes, DMA */
	fcnvme_dma_t data_dma; /* data's DMA handle */
	/* 4 KiB elements over data; between nvmet_fc_req_data_ref() and
	 * fcn_fod_release() the first data_sg_cnt point at the core's memory
	 * instead (data_ref), and fcn_data_restore() points them back. */
	struct fcnvme_sg *sg;

	uint32_t data_len;    /* from the CMD IU */
	uint32_t offset;      /* bytes moved so far */
	uint32_t data_sg_cnt; /* sg elements in use */
	uint8_t io_dir;	      /* FCN_DIR_* */
	bool active;
	bool abort;   /* stop at the next step */
	bool aborted; /* ABTS seen, or fcp_abort sent */
	bool writedataactive;
	bool in_core;  /* req_init returned 0, no
							 * queue_response yet */
	bool executed; /* req->execute was called */
	bool data_ref; /* sg names the core's memory (req_data_done due) */
};

enum {
	FCN_DIR_NONE = 0,
	FCN_DIR_WRITE = 1,
	FCN_DIR_READ = 2,
};

/* ---- Queues (connections) ----------------------------------------------- */

/*
 * One NVMe queue. Created on [ctl] (Create Association / Connection),
 * published into its hwq's lookup table on [hwq], unpublished and drained
 * on [hwq] at teardown, freed on [ctl].
 */
struct nvmet_fc_sq {
	struct fcn_assoc *assoc;	/* [init] */
	struct fcn_tgtport *tgtport;	/* [init] */
	uint64_t connection_id;		/* [init] */
	uint16_t qid;			/* [init] */
	uint16_t sqsize;		/* [init] 0's based, = pool size */
	uint16_t ersp_ratio;		/* [init] */
	uint16_t hwqid;			/* [init] */
	void *core_sq;			/* [ctl] from sq_create */
	bool core_created;		/* [ctl] */
	struct fcn_ls_ctx *connect_ctx; /* [ctl] ACC sent once published */
	int connect_acc_len;		/* [ctl] */

	/* [hwq] */
	struct nvmet_fc_sq *hash_next; /* in the hwq bucket */
	bool published;
	bool stopped;	 /* teardown began; no new work */
	bool drain_sent; /* drained message sent to ctl */
	bool in_defer_loop;
	bool in_abort_all; /* defer the drained check */
	uint32_t zrspcnt;
	uint32_t rsn;
	uint32_t sqtail;
	uint32_t sqhd;
	uint32_t nr_active; /* fods between receive and release */
	uint32_t nr_deferred;
	struct fcn_list fod_free;
	struct fcn_list defer_list;
	struct fcn_list defer_free;

	/* [init] memory */
	struct fcn_fod *fods;	  /* sqsize entries */
	struct fcn_defer *defers; /* max_deferred entries */
	uint32_t max_deferred;
	void *rsp_region; /* sqsize ERSP IUs, DMA */
	size_t rsp_region_len;
	uint32_t max_data_len;
};

/* A data buffer of a hw queue's pool (nvmet_fc_buf.c): max_data_len
 * bytes of DMA memory and its 4 KiB sg elements, which point at data
 * whenever the buffer is in the pool. [init] except next. */
struct fcn_buf {
	struct fcn_buf *next; /* [hwq] the pool's free stack */
	void *data;
	fcnvme_dma_t dma;
	struct fcnvme_sg *sg;
};

/* Per hardware queue: connection lookup and the data buffers of the
 * commands on it. Written and read only on its own hwq thread, except
 * bufs and nr_bufs ([ctl], set at the first bind, freed with the port).
 * Aligned so that two hw queues' entries share no cache line. */
struct fcn_hwq {
	_Alignas(64) struct nvmet_fc_sq *buckets[FCN_HWQ_BUCKETS];
	struct fcn_buf *buf_free; /* LIFO */
	uint64_t buf_empty;	  /* commands that found it empty */
	struct fcn_buf *bufs;
	uint32_t nr_bufs;
};

/* ---- Associations ------------------------------------------------------- */

struct fcn_ls_ctx;

/* One association (an NVMe controller's set of queues). [ctl] */
struct fcn_assoc {
	struct fcn_list entry; /* tgtport->assoc_list */
	struct fcn_tgtport *tgtport;
	struct fcn_hostport *hostport;
	uint64_t association_id;
	struct nvmet_fc_sq *queues[FCN_NR_QUEUES_MAX + 1];
	bool terminating;
	unsigned int pending_queues;	/* stops not yet drained */
	unsigned int pending_connects;	/* ACCs not yet sent */
	struct fcn_ls_ctx *rcv_disconn; /* ACC to send at the end */

	/* Snapshot of the binding at creation, used until the end. */
	const struct nvmet_fc_core_ops *core_ops;
	void *core;
	const struct nvmet_fc_env_ops *env;
	void *env_arg;
};

/* ---- Link Service contexts ---------------------------------------------- */

/* A received LS from nvmet_fc_rcv_ls_req() until its done(). [ctl] */
struct fcn_ls_ctx {
	struct fcn_list entry; /* free or busy list */
	struct fcn_tgtport *tgtport;
	struct nvmefc_ls_rsp *lsrsp;
	void *hosthandle;
	uint8_t *rqstbuf; /* NVME_FC_MAX_LS_RQST_LEN */
	uint32_t rqstlen;
	uint8_t *rspbuf; /* DMA, FCN_LS_RSP_BUF_LEN */
	fcnvme_dma_t rspdma;
	bool xmt_pending; /* xmt_ls_rsp returned 0 */
};

/* An LS we send (Disconnect Association), until its done. [ctl] */
struct fcn_ls_req_op {
	struct fcn_list entry; /* tgtport->ls_req_list */
	struct nvmefc_ls_req lsreq;
	struct fcn_tgtport *tgtport;
	struct fcn_hostport *hostport;
	void *buf; /* DMA: rqst then rsp */
	size_t buflen;
};

/* ---- The target port ---------------------------------------------------- */

struct fcn_tgtport {
	struct nvmet_fc_target_port fc_port;	    /* public view */
	const struct nvmet_fc_target_template *ops; /* [init] */
	struct fcnvme_device *dev;		    /* [init] */

	/* [ctl] */
	unsigned int refcnt;
	bool unregistering;
	struct fcn_list assoc_list;
	struct fcn_list host_list;
	struct fcn_list ls_free;
	struct fcn_list ls_busy;
	struct fcn_list ls_req_list;

	/* [ctl] the core binding; associations snapshot it. */
	const struct nvmet_fc_core_ops *core_ops;
	void *core;
	const struct nvmet_fc_env_ops *env;
	void *env_arg;
	struct nvmet_fc_core_cfg cfg; /* defaults applied */
	/* [ctl] nvmet_fc_set_ls_rjt_cb: told of the LS_RJTs we send */
	void (*ls_rjt_cb)(void *arg, const struct nvmet_fc_ls_rjt_info *info);
	void *ls_rjt_arg;

	/* [init] */
	struct fcn_ls_ctx *ls_ctxs;
	uint8_t *ls_rqst_bufs;
	void *ls_rsp_region;
	fcnvme_dma_t ls_rsp_dma;
	struct fcn_hwq *hwqs; /* max_hw_queues entries */
	/* [ctl] The hw queues' data buffer pools (nvmet_fc_buf.c): buffers
	 * per hwq (nvmet_fc_set_data_buffers, 0: FCN_DEF_DATA_BUFS), their
	 * length, and whether they exist (from the first bind). */
	uint32_t data_bufs;
	uint32_t bufs_len;
	bool bufs_ready;
	uint32_t max_sg_elems; /* per data op */
};

static inline struct fcn_tgtport *fcn_tgtport(struct nvmet_fc_target_port *p)
{
	return fcn_container_of(p, struct fcn_tgtport, fc_port);
}

/* ---- Cross-file helpers ------------------------------------------------- */

/* nvmet_fc_buf.c */
int fcn_buf_pools_alloc(struct fcn_tgtport *tp); /* [ctl] */
void fcn_buf_pools_free(struct fcn_tgtport *tp); /* [ctl] */
bool fcn_buf_take(struct fcn_fod *fod);		 /* [hwq] */
void fcn_buf_put(struct fcn_fod *fod);		 /* [hwq] */

/* nvmet_fc_port.c [ctl] */
void fcn_tgtport_get(struct fcn_tgtport *tp);
void fcn_tgtport_put(struct fcn_tgtport *tp);
struct fcn_hostport *fcn_hostport_get(struct fcn_tgtport *tp, void *hosthandle);
void fcn_hostport_put(struct fcn_hostport *hp);

/* nvmet_fc_ls.c [ctl] */
void fcn_ls_xmt(struct fcn_ls_ctx *ctx, int len);
void fcn_ls_xmt_rjt(struct fcn_ls_ctx *ctx, uint8_t ls_cmd, uint8_t reason, uint8_t explanation,
		    const char *detail);

/* nvmet_fc_assoc.c [ctl] */
int fcn_assoc_create(struct fcn_tgtport *tp, void *hosthandle, struct fcn_assoc **assocp);
struct fcn_assoc *fcn_assoc_find(struct fcn_tgtport *tp, uint64_t assoc_id);
void fcn_assoc_destroy_unused(struct fcn_assoc *assoc);
void fcn_assoc_schedule_delete(struct fcn_assoc *assoc);
void fcn_assoc_maybe_finish(struct fcn_assoc *assoc);
int fcn_assoc_new_id(struct fcn_tgtport *tp, uint64_t *idp);

/* nvmet_fc_queue.c */
int fcn_queue_create(struct fcn_assoc *assoc, uint16_t qid, uint16_t sqsize, uint16_t ersp_ratio,
		     struct nvmet_fc_sq **queuep);
void fcn_queue_free(struct nvmet_fc_sq *queue);
int fcn_queue_connect(struct nvmet_fc_sq *queue, struct fcn_ls_ctx *ctx);
void fcn_queue_stop(struct nvmet_fc_sq *queue);
void fcn_queue_check_drained(struct nvmet_fc_sq *queue);
struct nvmet_fc_sq *fcn_queue_lookup(struct fcn_tgtport *tp, uint16_t hwqid,
				     uint64_t connection_id);
uint16_t fcn_queue_hwqid(const struct fcn_tgtport *tp, uint16_t qid);

/* nvmet_fc_fcp.c [hwq] */
void fcn_fcp_handle(struct fcn_fod *fod);
void fcn_fcp_transfer_data(struct fcn_fod *fod, uint8_t op);
void fcn_fcp_run_deferred(struct nvmet_fc_sq *queue);
void fcn_fcp_op_done(struct nvmefc_tgt_fcp_req *fcpreq);

/* nvmet_fc_rsp.c [hwq] */
void fcn_rsp_prep(struct fcn_fod *fod);
void fcn_rsp_xmt(struct fcn_fod *fod);
void fcn_rsp_queue_response(struct nvmet_fc_req *req);

/* nvmet_fc_abort.c [hwq] */
void fcn_fod_abort_op(struct fcn_fod *fod);
void fcn_fod_release(struct fcn_fod *fod);
/* nvmet_fc_data.c: point the data sg list at the fod's own buffer again
 * (full-length elements, no reference); true if it held a reference. */
bool fcn_data_restore(struct fcn_fod *fod);
void fcn_queue_abort_all(struct nvmet_fc_sq *queue);

#endif /* FCNVME_NVMET_FC_INT_H */
