// SPDX-License-Identifier: Apache-2.0
/*
 * Admin commands: parsed on hw queue 0 (which may read only atomic state,
 * so parsing just picks the executor), executed on the control thread
 * through a table by opcode that says which commands a discovery controller
 * accepts, and completed back on hw queue 0. Also Asynchronous Event
 * Request, Keep Alive and Abort (features are in cmd_features.c).
 */
#include <endian.h>
#include <string.h>

#include "tgt_priv.h"

static uint16_t admin_abort(struct nvmet_fc_req *req, struct ctrl *c)
{
	(void)c;
	cmd_set_result(req, 1); /* command not aborted */
	return NVME_SC_SUCCESS;
}

static uint16_t admin_keep_alive(struct nvmet_fc_req *req, struct ctrl *c)
{
	(void)req;
	(void)c;
	return NVME_SC_SUCCESS; /* the traffic flag did the work */
}

static uint16_t admin_aer(struct nvmet_fc_req *req, struct ctrl *c)
{
	if (ctrl_hold_aer(c, req))
		return NVME_SC_ASYNC_LIMIT | NVME_SC_DNR;
	return TGT_STATUS_DEFERRED;
}

struct admin_cmd {
	uint16_t (*exec)(struct nvmet_fc_req *req, struct ctrl *c);
	bool discovery; /* allowed on a discovery controller */
};

static const struct admin_cmd admin_table[256] = {
	[nvme_admin_get_log_page] = { cmd_get_log_page, true },
	[nvme_admin_identify] = { cmd_identify, true },
	[nvme_admin_abort_cmd] = { admin_abort, false },
	[nvme_admin_set_features] = { cmd_set_features, true },
	[nvme_admin_get_features] = { cmd_get_features, true },
	[nvme_admin_async_event] = { admin_aer, true },
	[nvme_admin_keep_alive] = { admin_keep_alive, true },
};

/* [ctl] Execute an admin command on controller c. */
uint16_t cmd_admin_exec(struct nvmet_fc_req *req, struct ctrl *c)
{
	const struct admin_cmd *ac = &admin_table[req->cmd->common.opcode];
	uint16_t status;

	if (!ac->exec || (c->subsys->discovery && !ac->discovery))
		status = NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	else if (!(c->cc & NVME_CC_ENABLE) || !(c->csts & NVME_CSTS_RDY))
		status = NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
	else
		status = ac->exec(req, c);
	if (status && status != TGT_STATUS_DEFERRED)
		ctrl_log_error(c, req, status);
	return status;
}

static void admin_exec_ctl(void *arg)
{
	struct nvmet_fc_req *req = arg;
	struct sq *sq = req_ctx(req)->sq;
	struct ctrl *c = atomic_load(&sq->ctrl);
	uint16_t status;

	if (!c || c->deleting) {
		tgt_req_complete_from_ctl(req, NVME_SC_ABORT_REQ);
		return;
	}
	ctrl_ka_traffic(c);
	status = cmd_admin_exec(req, c);
	if (status != TGT_STATUS_DEFERRED)
		tgt_req_complete_from_ctl(req, status);
}

static void admin_execute(struct nvmet_fc_req *req)
{
	struct sq *sq = req_ctx(req)->sq;

	if (tgt_run_on_ctl(sq->t, sq->port, admin_exec_ctl, req))
		tgt_req_complete(req, NVME_SC_INTERNAL);
}

/* [hwq 0] Parse an admin command: everything is checked on [ctl]. */
uint16_t cmd_admin_parse(struct nvmet_fc_req *req)
{
	req->execute = admin_execute;
	return 0;
}
