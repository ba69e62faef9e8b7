/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal objects of the host (initiator) transport: local and remote
 * ports, controllers, their queues, requests and LS slots, and the helpers
 * the nvme_fc_*.c files share (prefix fcn_host_). Everything here belongs
 * to the single thread that owns the controller (see nvme_fc_host.h);
 * nothing is locked.
 */
#ifndef FCNVME_NVME_FC_INT_H
#define FCNVME_NVME_FC_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <fcnvme/auth.h>
#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/nvme_fc_host.h>

#ifndef LIST_FOREACH_SAFE /* glibc's sys/queue.h lacks it */
#define LIST_FOREACH_SAFE(var, head, field, tvar) \
	for ((var) = LIST_FIRST(head); (var) && ((tvar) = LIST_NEXT(var, field), 1); (var) = (tvar))
#endif

#define FCN_HOST_DEF_DEV_LOSS_S 60   /* NVME_FC_DEFAULT_DEV_LOSS_TMO */
#define FCN_HOST_LS_BUF_LEN	2048 /* request 1024 + response */
#define FCN_HOST_LS_RSP_OFF	1024
#define FCN_HOST_ID_BUF_LEN	4096

struct fcn_host_ctrl;
struct fcn_host_rport;

/* A registered local port. Owned by the LLDD's control thread. */
struct fcn_host_lport {
	struct nvme_fc_local_port port; /* what the LLDD sees */
	struct nvme_fc_port_template *ops;
	struct fcnvme_device *dev;
	unsigned int refs; /* 1 + rports */
	LIST_HEAD(, fcn_host_rport) rports;
};

/* A registered remote port. */
struct fcn_host_rport {
	struct nvme_fc_remote_port port; /* what the LLDD sees */
	struct fcn_host_lport *lp;
	unsigned int refs; /* registration + ctrls */
	bool registered;
	LIST_ENTRY(fcn_host_rport) link;
	LIST_HEAD(, fcn_host_ctrl) ctrls;
};

enum fcn_host_req_state {
	FCN_REQ_FREE,
	FCN_REQ_ACTIVE,	 /* handed to fcp_io */
	FCN_REQ_ABORTED, /* fcp_abort called, done still due */
};

/* One command slot of a queue; its IUs live in the queue's DMA region. */
struct fcn_host_req {
	struct nvmefc_fcp_req fcpreq; /* handed to the LLDD */
	struct fcn_host_queue *q;
	struct nvme_fc_cmd_iu *cmd_iu;
	struct nvme_fc_ersp_iu *rsp_iu;
	struct fcnvme_sg sg;
	uint16_t cid;  /* index in the queue's pool */
	uint8_t state; /* enum fcn_host_req_state */
	bool internal; /* a transport command */
	uint64_t deadline_ns;
	fcnvme_host_done_fn done;
	void *arg;
};

/* One NVMe queue (qid 0 admin). Pools are allocated at ctrl create. */
struct fcn_host_queue {
	struct fcn_host_ctrl *ctrl;
	uint16_t qid;
	uint16_t qsize;	    /* entries in use this assoc */
	uint16_t pool_size; /* slots allocated */
	void *lldd_handle;  /* from create_queue */
	bool lldd_created;
	bool connected; /* Connect succeeded */
	uint64_t connection_id;
	uint32_t csn;
	unsigned int outstanding;
	struct fcn_host_req *reqs;
	uint16_t *free_stack;
	uint16_t nfree;
	void *iu_mem; /* CMD IUs then ERSP IUs */
	size_t iu_len;
	void *priv_mem; /* fcprqst_priv_sz per slot */
};

/* The single outstanding LS request of a controller. */
struct fcn_host_ls {
	struct nvmefc_ls_req req;
	struct fcn_host_ctrl *ctrl;
	void *buf; /* FCN_HOST_LS_BUF_LEN, DMA */
	fcnvme_dma_t dma;
	void *priv;
	bool busy; /* ls_req accepted, done due */
	bool aborted;
	int status; /* from done */
	uint64_t deadline_ns;
};

/* A Disconnect Association the target sent us; ACC after teardown. */
struct fcn_host_rcv_ls {
	struct nvmefc_ls_rsp *lsrsp;
	struct fcn_host_rport *rp;
	void *buf; /* response, DMA */
	fcnvme_dma_t dma;
	uint8_t ls_cmd;
};

/* Connect-sequence steps (index into the step table). */
enum fcn_host_phase {
	FCN_PH_IDLE,	       /* LIVE or waiting */
	FCN_PH_CONNECT,	       /* running the step table */
	FCN_PH_TEARDOWN_ABORT, /* waiting for aborted requests and LS */
	FCN_PH_TEARDOWN_DISC,  /* our Disconnect LS in flight */
};

struct fcn_host_ctrl {
	struct fcnvme_host_ctrl_opts opts;
	char subnqn[256];
	char hostnqn[256];
	struct fcn_host_lport *lp;
	struct fcn_host_rport *rp;
	LIST_ENTRY(fcn_host_ctrl) link; /* in rp->ctrls */

	enum fcnvme_host_ctrl_state state;
	enum fcn_host_phase phase;
	bool deleting;
	bool want_reset; /* a path error was seen */
	bool was_live;	 /* this association went LIVE */
	bool dnr;	 /* last failure carried DNR */

	/* connect sequence */
	unsigned int step;
	bool step_busy;	  /* command outstanding */
	bool step_issued; /* start() ran, finish() due */
	uint16_t step_status;
	struct nvme_completion step_cqe;
	uint16_t io_qid;     /* next I/O queue to connect */
	unsigned int io_sub; /* 0 LS, 1 Connect, 2 DH-HMAC-CHAP */
	bool auth_req;	     /* the last Connect answered AUTHREQ */

	/* DH-HMAC-CHAP (nvme_fc_auth.c); keys from fcnvme_host_ctrl_create_auth */
	struct fcnvme_auth_key dhchap, dhchap_ctrl; /* len 0: none */
	struct fcn_host_auth *auth;		    /* the exchange in progress */
	uint64_t csts_deadline_ns;

	/* association */
	uint64_t association_id;
	uint16_t cntlid;
	uint64_t cap;
	uint32_t vs;
	uint16_t nr_io_live; /* I/O queues of this assoc */
	uint16_t io_qsize;
	uint32_t max_xfer;
	uint32_t nr_connects;

	/* recovery */
	uint32_t nr_reconnects;
	uint32_t max_reconnects; /* 0 = unlimited */
	uint64_t reconnect_at_ns;
	uint64_t ka_next_ns;
	bool ka_busy;
	uint64_t tmo_scan_ns;
	char reason[640];	/* room for a refused Connect with both NQNs */
	uint16_t reason_status; /* the NVMe status reason reports, 0: none */

	struct fcn_host_ls ls;
	struct fcn_host_rcv_ls rcv_disc; /* lsrsp NULL if none */
	uint64_t devloss_end_ns;	 /* rport lost: give up at */
	uint64_t loss_end_ns;		 /* ctrl_loss_tmo deadline */

	void *id_buf; /* 4 KiB DMA: Identify, Connect data */
	fcnvme_dma_t id_dma;
	struct fcnvme_host_buf id_hbuf;
	uint8_t id_ctrl[4096];
	/* Log pages read while connecting (ANA): DMA, grown on demand. */
	struct fcnvme_host_buf log_hbuf;
	bool step_skip; /* the current step had nothing to send */

	uint16_t nr_queues; /* 1 + opts.nr_io_queues */
	struct fcn_host_queue *queues;
};

/* nvme_fc_port.c */
void fcn_host_rport_get(struct fcn_host_rport *rp);
void fcn_host_rport_put(struct fcn_host_rport *rp);

/* nvme_fc_io.c */
int fcn_host_queue_alloc(struct fcn_host_ctrl *c, struct fcn_host_queue *q, uint16_t qid,
			 uint16_t pool_size);
void fcn_host_queue_free(struct fcn_host_ctrl *c, struct fcn_host_queue *q);
void fcn_host_queue_reset(struct fcn_host_queue *q);
int fcn_host_io_submit(struct fcn_host_queue *q, const struct nvme_command *cmd,
		       const struct fcnvme_host_buf *buf, size_t off, uint32_t len, bool internal,
		       fcnvme_host_done_fn done, void *arg);
unsigned int fcn_host_io_abort_all(struct fcn_host_queue *q);
unsigned int fcn_host_io_check_timeouts(struct fcn_host_queue *q, uint64_t now);
uint16_t fcn_host_io_check_rsp(const struct nvmefc_fcp_req *fcpreq,
			       const struct nvme_fc_cmd_iu *cmd_iu, struct nvme_completion *cqe);

/* nvme_fc_ls.c */
int fcn_host_ls_init(struct fcn_host_ctrl *c);
void fcn_host_ls_fini(struct fcn_host_ctrl *c);
int fcn_host_ls_send(struct fcn_host_ctrl *c, uint32_t rqstlen, uint32_t rsplen);
void fcn_host_ls_abort(struct fcn_host_ctrl *c);
void fcn_host_ls_send_deferred_acc(struct fcn_host_ctrl *c);

/* nvme_fc_ctrl.c */
uint64_t fcn_host_ctrl_now(const struct fcn_host_ctrl *c);
void fcn_host_ctrl_path_error(struct fcn_host_ctrl *c, const char *why);
void fcn_host_ctrl_set_state(struct fcn_host_ctrl *c, enum fcnvme_host_ctrl_state st);
void fcn_host_ctrl_set_reason(struct fcn_host_ctrl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fcn_host_ctrl_rport_lost(struct fcn_host_ctrl *c);
void fcn_host_ctrl_rport_back(struct fcn_host_ctrl *c);
void fcn_host_ctrl_disconnect_rcvd(struct fcn_host_ctrl *c);

/* nvme_fc_check.c: the Linux host's checks of the controller's answers */
uint32_t fcn_host_id_u32(const uint8_t *id, size_t off);
uint16_t fcn_host_id_u16(const uint8_t *id, size_t off);
bool fcn_host_is_discovery(const struct fcn_host_ctrl *c);
int fcn_host_check_connect(struct fcn_host_ctrl *c, uint16_t qid, uint32_t dw0);

/* nvme_fc_auth.c: DH-HMAC-CHAP on queue qid as one connect step: start()
 * issues the next AUTH_Send/Receive (0), finish() reads its answer:
 * 0 done, 1 (FCN_STEP_REPEAT) next message, <0 failed (reason set). */
int fcn_host_auth_start(struct fcn_host_ctrl *c, uint16_t qid);
int fcn_host_auth_finish(struct fcn_host_ctrl *c, uint16_t qid);
void fcn_host_auth_free(struct fcn_host_ctrl *c);
int fcn_host_check_cap(struct fcn_host_ctrl *c);
int fcn_host_check_identify(struct fcn_host_ctrl *c);
bool fcn_host_wants_effects(const struct fcn_host_ctrl *c);
bool fcn_host_ana_reporting(const struct fcn_host_ctrl *c);
size_t fcn_host_ana_log_size(const struct fcn_host_ctrl *c);
int fcn_host_check_ana_log(struct fcn_host_ctrl *c, const uint8_t *log, size_t len);

/* nvme_fc_connect.c */
void fcn_host_connect_start(struct fcn_host_ctrl *c);
int fcn_host_connect_advance(struct fcn_host_ctrl *c);
void fcn_host_connect_ka(struct fcn_host_ctrl *c);
void fcn_host_connect_salvage(struct fcn_host_ctrl *c);

#endif /* FCNVME_NVME_FC_INT_H */
