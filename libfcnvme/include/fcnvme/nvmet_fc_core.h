/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the target transport (nvmet_fc_*) reaches the NVMe target core and the
 * threads of the application that embeds it.
 *
 * In Linux, nvmet-fc calls the nvmet core directly. Here the core belongs to
 * the application (nvmetfcd's daemon/), so the application binds a core to a
 * registered target port with nvmet_fc_bind_core(), handing the transport two
 * ops tables:
 *  - struct nvmet_fc_core_ops: create/destroy per-queue core state (the
 *    nvmet_sq), parse a command (nvmet_req_init), and through req->execute and
 *    req->queue_response, run it asynchronously;
 *  - struct nvmet_fc_env_ops: run a function on the thread that owns a
 *    hardware queue, or on the control thread. The transport uses these to
 *    publish a new connection to its I/O thread, to abort and drain a queue's
 *    requests there, and to come back to the control context.
 * A port without a bound core rejects Create Association (RJT LOGIC) and
 * aborts commands, as nvmet-fc does without an nvmet port binding.
 *
 * Contexts: [ctl] the control thread; [hwq] the thread owning the queue's
 * hardware queue. A test binds fake ops whose run_on_* call fn at once.
 */
#ifndef FCNVME_NVMET_FC_CORE_H
#define FCNVME_NVMET_FC_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>

/* The transport's queue (one per connection); opaque to the core. */
struct nvmet_fc_sq;

/*
 * One NVMe command, embedded in the transport's per-exchange context. The
 * transport owns the memory; it is valid from req_init until the core calls
 * queue_response.
 */
struct nvmet_fc_req {
	/* Set by the transport before req_init; read-only for the core,
	 * except that req_init may lower transfer_len to move fewer bytes
	 * than the host asked for (the response then reports the shorter
	 * length in an ERSP). */
	const struct nvme_command *cmd; /* the SQE, LE */
	struct nvme_completion *cqe;	/* zeroed; the core fills it */
	void *data;			/* transfer_len bytes */
	uint32_t transfer_len;		/* CMD IU data_len */
	uint16_t qid;
	uint16_t hwqid;
	void *core_sq; /* from sq_create */
	struct nvmet_fc_sq *fc_sq;
	/* A Read with data whose LLDD has NVMET_FCTGTFEAT_DATA_VADDR:
	 * nvmet_fc_req_data_ref() may send the data from the core's memory.
	 * False otherwise (and in requests the transport did not make). */
	bool data_ref_ok;

	/* Set by the core in req_init when it returns 0. */
	void (*execute)(struct nvmet_fc_req *req);
	/* Scratch for the core, untouched by the transport. */
	uint64_t core_ctx[8];

	/*
	 * Set by the transport. The core calls it exactly once for every
	 * request whose req_init returned 0, on the request's [hwq] thread,
	 * with cqe filled in (status, result, sq_head, sq_id, command_id).
	 */
	void (*queue_response)(struct nvmet_fc_req *req);
};

/* What the transport tells the core about a new connection (queue). */
struct nvmet_fc_sq_info {
	struct nvmet_fc_target_port *tgtport;
	struct nvmet_fc_sq *fc_sq;
	uint64_t association_id;
	uint64_t connection_id;
	uint16_t qid;
	uint16_t sqsize; /* 0's based, from the LS */
	uint16_t hwqid;
	uint64_t host_wwnn; /* 0 if host_traddr is absent */
	uint64_t host_wwpn;
	void *hosthandle;
	/*
	 * The port's limits as the transport enforces them (struct
	 * nvmet_fc_core_cfg with the defaults applied), so that the core
	 * advertises exactly these: MDTS from max_data_len, CAP.MQES and
	 * MAXCMD from max_queue_size, the Number of Queues it grants from
	 * max_io_queues. Constant for as long as the core is bound.
	 */
	uint32_t max_data_len;
	uint16_t max_queue_size;
	uint16_t max_io_queues;
};

/*
 * An LS the transport answered with an LS_RJT (nvmet_fc_set_ls_rjt_cb), so
 * that the application can say why a host cannot connect.
 */
struct nvmet_fc_ls_rjt_info {
	struct nvmet_fc_target_port *tgtport;
	void *hosthandle;
	uint64_t host_wwpn;  /* 0 if the LLDD cannot tell */
	uint8_t ls_cmd;	     /* FCNVME_LS_* of the request, 0 if unparsable */
	uint8_t reason;	     /* FCNVME_RJT_RC_* */
	uint8_t explanation; /* FCNVME_RJT_EXP_* */
	/* The check that failed, in words (static text, never NULL): the
	 * wire carries only the codes, and a "logical error" none. */
	const char *detail;
};

/*
 * The NVMe core, as the transport sees it. All members are mandatory
 * except sq_stop, req_abort and req_data_done.
 */
struct nvmet_fc_core_ops {
	/* [ctl] Create core state for a new queue (qid 0 at Create
	 * Association, qid > 0 at Create Connection). Non-zero rejects the
	 * LS: -EBUSY for queue 0 with Insufficient Resources (the core
	 * bounds what one host port may hold), anything else with a
	 * logical error. */
	int (*sq_create)(void *core, const struct nvmet_fc_sq_info *info, void **core_sq);
	/* [ctl] Every request of the queue has completed; free its state.
	 * Called for every successful sq_create, queue 0 last. */
	void (*sq_destroy)(void *core, void *core_sq);
	/* [hwq] Parse and validate req->cmd. Return 0 and set req->execute,
	 * or return an NVMe status (without the phase shift, DNR as needed);
	 * on error the core has filled req->cqe and the transport sends it. */
	uint16_t (*req_init)(void *core, struct nvmet_fc_req *req);
	/* [ctl] Optional (may be NULL). The queue is being torn down: the
	 * core completes (through queue_response) the requests it holds
	 * without a deadline, such as Asynchronous Event Requests, so that
	 * the queue can drain. Called once per queue before waiting for its
	 * requests, before sq_destroy. */
	void (*sq_stop)(void *core, void *core_sq);
	/* [hwq] Optional (may be NULL). A request whose req_init returned 0
	 * will not be executed after all (its write data could not be
	 * fetched, or it was aborted first): release what req_init took.
	 * No queue_response is expected for it. */
	void (*req_abort)(void *core, struct nvmet_fc_req *req);
	/* [hwq] Optional (may be NULL). The transport is done with the
	 * memory a request named with nvmet_fc_req_data_ref(): its data went
	 * out, or the exchange failed or was aborted. Called once for every
	 * request whose nvmet_fc_req_data_ref() returned 0, after its
	 * queue_response, before the request's context is reused and before
	 * the queue's sq_destroy. */
	void (*req_data_done)(void *core, struct nvmet_fc_req *req);
};

/*
 * How the transport reaches other threads. Both members are mandatory. They
 * queue fn(arg) to run later, in order with the target thread's other work,
 * and return 0; or -errno (ring full, thread stopping) without running it.
 */
struct nvmet_fc_env_ops {
	int (*run_on_hwq)(void *env, uint16_t hwqid, void (*fn)(void *arg), void *arg);
	int (*run_on_ctl)(void *env, void (*fn)(void *arg), void *arg);
};

/*
 * Limits the application sets for a target port; 0 selects the default.
 * The transport refuses what exceeds them in the Link Services and the CMD
 * IU, and hands them to the core in every struct nvmet_fc_sq_info:
 *  - max_data_len: bytes per command (MDTS), a power of two from 8 KiB
 *    (MDTS 1, as MDTS 0 means "no limit") to 64 MiB; default 1 MiB. Each
 *    hardware queue preallocates its data buffers of this size at the
 *    bind (nvmet_fc_set_data_buffers); a later bind may change it only
 *    once the associations of the earlier one are gone (else -EBUSY), and
 *    a bind whose buffers do not fit in the port's DMA memory fails with
 *    -ENOSPC.
 *  - max_queue_size: entries of an I/O queue (LS sqsize + 1), 2 to 65535;
 *    default 1024. The admin queue may have max(max_queue_size,
 *    NVMET_FC_ADMIN_QUEUE_SIZE) entries: on fabrics MQES limits I/O queues
 *    only (Linux drivers/nvme/target/fabrics-cmd.c, nvmet_install_queue),
 *    and Linux hosts always ask for 32 admin entries.
 *  - max_io_queues: I/O queues (qids) per association, 1 to 128; default
 *    128.
 *  - max_deferred: deferred commands per queue; default its sqsize.
 */
#define NVMET_FC_ADMIN_QUEUE_SIZE 32 /* Linux NVME_AQ_DEPTH */

struct nvmet_fc_core_cfg {
	uint32_t max_data_len;
	uint16_t max_queue_size;
	uint16_t max_io_queues;
	uint32_t max_deferred;
};

/*
 * [ctl] Data buffers per hardware queue (1 to 65536; default 256), before
 * nvmet_fc_bind_core (while bound, or while associations of an earlier
 * binding remain, -EBUSY). Every NVMe queue steered to
 * a hardware queue, of every association, takes a command's buffer from
 * that queue's pool while the command runs, so the DMA memory a port
 * needs is max_hw_queues x per_hwq x max_data_len, whatever the hosts
 * connect. Give at least the LLDD's exchanges per hardware queue: a
 * command that finds the pool empty ends with Command Interrupted (a host
 * retries it). Since FCNVME_0.2.
 */
int nvmet_fc_set_data_buffers(struct nvmet_fc_target_port *tgtport, uint32_t per_hwq);

/*
 * [ctl] Have cb(arg, info) called, on the control thread, for every LS
 * from a host port the transport answers with an LS_RJT, but those the
 * core decided itself (its sq_create of queue 0 returned -EBUSY) and a
 * Disconnect Association that the host's own next one replaced. info is
 * valid during the call. NULL cb: none (the default). Any time, bound or
 * not. Since FCNVME_0.3.
 */
int nvmet_fc_set_ls_rjt_cb(struct nvmet_fc_target_port *tgtport,
			   void (*cb)(void *arg, const struct nvmet_fc_ls_rjt_info *info),
			   void *arg);

/* [ctl] Bind (or, with ops NULL, unbind) a core to a target port. */
int nvmet_fc_bind_core(struct nvmet_fc_target_port *tgtport, const struct nvmet_fc_core_ops *ops,
		       void *core, const struct nvmet_fc_env_ops *env, void *env_arg,
		       const struct nvmet_fc_core_cfg *cfg);

/*
 * [hwq] Zero-copy Read (issue 20): send the len bytes at addr as the data
 * of req instead of req->data. The core calls it from req->execute (or
 * later, before queue_response) of a request with data_ref_ok set; len
 * must be req->transfer_len. The request's sg list is rebuilt over addr in
 * the same 4 KiB elements as over the transport's own buffer (so data ops
 * are cut the same way, at 256 KiB and max_sgl_segments elements); the
 * transport points it back at its own buffer when the exchange is
 * released, so the next command in the same context never sees addr.
 * req->data keeps naming the transport's buffer, whose contents are then
 * not sent; the core must not write to addr's bytes through it.
 *
 * Returns 0; -EOPNOTSUPP when data_ref_ok is false (the LLDD needs DMA
 * handles, or the request is no Read with data): the core then copies into
 * req->data as before; -EINVAL for a NULL addr, a wrong len, or a call
 * after queue_response.
 *
 * Lifetime: the LLDD reads addr when it performs the READDATA ops, i.e.
 * after queue_response, until the core's req_data_done for the request. The
 * memory must stay mapped and in place until then; the core must count the
 * request as holding its namespace (or whatever owns addr) until
 * req_data_done, not until queue_response. The bytes sent are those at addr
 * when the LLDD moves them, not at queue_response: a Write to the same
 * blocks that overtakes the Read changes what it returns, which NVMe allows
 * for commands in flight together (the base specification gives no order
 * between them, section "Command Ordering Requirements"). No locks, no
 * allocation: a loop over the request's sg elements.
 */
int nvmet_fc_req_data_ref(struct nvmet_fc_req *req, const void *addr, uint32_t len);

/* [ctl] Tear down the association a queue belongs to (keep-alive expiry,
 * fatal controller error, subsystem or host removal). Idempotent. */
void nvmet_fc_sq_delete_assoc(struct nvmet_fc_sq *fc_sq);

/* [ctl] The core's discovery information changed for this port; the
 * transport calls the LLDD's discovery_event (an RSCN). */
void nvmet_fc_discovery_chg(struct nvmet_fc_target_port *tgtport);

#endif /* FCNVME_NVMET_FC_CORE_H */
