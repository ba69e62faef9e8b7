// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for ANA groups: add a group (in a state on every port)
 * and set a group's state on one port or on all of them.
 */
#include <errno.h>

#include <fcnvmectl/ctl_msg.h>

#include "conf/conf_ops.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"

/* ana add GROUP [STATE] */
int ctl_ana_add(struct ctl_req *req)
{
	uint32_t grp = 0;

	fcnvme_msg_get_u32(req->msg, FCNVME_A_ANA_GRPID, &grp);
	return conf_op_ana_add(req->d, grp,
			       ctl_opt_u8(req, FCNVME_A_ANA_STATE, FCNVME_ANA_OPTIMIZED), req->err,
			       sizeof(req->err));
}

/* ana set-state GROUP STATE [PORT] */
int ctl_ana_set_state(struct ctl_req *req)
{
	uint32_t grp = 0;

	fcnvme_msg_get_u32(req->msg, FCNVME_A_ANA_GRPID, &grp);
	return conf_op_ana_set_state(req->d, grp, fcnvme_msg_get_str(req->msg, FCNVME_A_NAME),
				     ctl_opt_u8(req, FCNVME_A_ANA_STATE, 0), req->err,
				     sizeof(req->err));
}
