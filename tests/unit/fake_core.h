/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fake NVMe core and thread environment for the target transport's tests
 * and fuzzers. The core records queue creation/destruction, answers
 * req_init with a configurable status, and executes commands at once or
 * holds them until the test completes them (with a chosen status, CQE
 * result, sq_head). The environment queues run_on_hwq/run_on_ctl messages
 * and runs them when the test pumps (or at once, if asked), so tests decide
 * when the "other thread" runs. One fake core per process.
 */
#ifndef FAKE_CORE_H
#define FAKE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nvmet_fc_core.h>

#define FAKE_CORE_MAX_SQ   1024
#define FAKE_CORE_MAX_HELD 256
#define FAKE_CORE_MAX_MSGS 4096

struct fake_msg {
	void (*fn)(void *arg);
	void *arg;
	int hwqid; /* -1: control */
};

struct fake_core {
	struct nvmet_fc_core_ops ops;
	struct nvmet_fc_env_ops env;
	struct nvmet_fc_core_cfg cfg;

	/* environment */
	bool immediate;	     /* run messages at once */
	int fail_run_on_hwq; /* return this once */
	struct fake_msg msgs[FAKE_CORE_MAX_MSGS];
	unsigned int msg_head, msg_tail;
	unsigned int nmsgs_hwq, nmsgs_ctl;

	/* queues */
	struct nvmet_fc_sq_info sq_info[FAKE_CORE_MAX_SQ];
	unsigned int nsq_create;
	int fail_sq_create; /* return this once */
	uint16_t destroyed_qids[FAKE_CORE_MAX_SQ];
	unsigned int nsq_destroy;
	unsigned int nsq_stop;

	/* commands */
	uint16_t init_status;	     /* req_init returns this once */
	uint32_t lower_transfer_len; /* req_init sets it (once, if set) */
	bool hold;		     /* keep executed requests */
	struct nvmet_fc_req *held[FAKE_CORE_MAX_HELD];
	unsigned int nheld;
	unsigned int ninit, nexec, nabort_req;
	uint16_t status;   /* completion status (once) */
	uint32_t dw0, dw1; /* completion result (once) */
	bool set_sq_head;
	uint16_t sq_head;	/* completion sq_head (once) */
	uint8_t write_seen[64]; /* first bytes of last write */
	uint32_t write_hash;	/* fake_hash() of the last write */
	uint32_t write_len;
	uint8_t read_fill; /* pattern byte for reads */
	/* Zero-copy reads: with read_ref set, a read sends read_ref's bytes
	 * through nvmet_fc_req_data_ref() (len: read_ref_len, or 0 for the
	 * transfer length), or, when that fails, copies them into req->data
	 * as a backend would. read_ref_rc: its last return value;
	 * ndata_done: req_data_done calls. */
	const uint8_t *read_ref;
	uint32_t read_ref_len;
	int read_ref_rc;
	unsigned int ndata_done;
	/* nvmet_fc_set_ls_rjt_cb: how many calls, the last one's info */
	unsigned int nls_rejected;
	struct nvmet_fc_ls_rjt_info ls_rjt;
};

extern struct fake_core *fcore;

/* Create the fake core and bind it to tp with cfg (NULL: defaults). */
struct fake_core *fake_core_new(struct nvmet_fc_target_port *tp,
				const struct nvmet_fc_core_cfg *cfg);
void fake_core_free(void);
/* Run queued messages until none is left; returns how many ran. */
unsigned int fake_pump(void);
/* FNV-1a over len bytes: compare what moved with what was sent. */
uint32_t fake_hash(const uint8_t *p, uint32_t len);
/* Complete a held request (index in held[]) with the knobs above. */
void fake_core_complete(unsigned int i);
/* Complete every held request. */
void fake_core_complete_all(void);

#endif /* FAKE_CORE_H */
