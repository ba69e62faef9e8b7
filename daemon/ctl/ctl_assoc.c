// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for associations (controllers): list them with host NQN,
 * queues and KATO; delete one by association id.
 */
#include <errno.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "core/tgt.h"

struct assoc_walk {
	struct ctl_req *req;
	const char *nqn; /* only this subsystem, or NULL */
};

static int put_ctrl(const struct tgt_ctrl_info *ci, void *arg)
{
	struct assoc_walk *w = arg;
	const struct conf *c = w->req->d->conf;
	struct nl_msg *m;
	unsigned int i;
	int rc;

	if (w->nqn != NULL && strcmp(w->nqn, ci->subnqn) != 0)
		return 0;
	m = ctl_reply_new(w->req);
	if (m == NULL)
		return ctl_fail(w->req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_u64(m, FCNVME_A_ASSOC_ID, ci->association_id);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_NQN, ci->subnqn);
	if (!rc && ci->hostnqn != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_HOST_NQN, ci->hostnqn);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_CNTLID, ci->cntlid);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_PORTID, ci->portid);
	for (i = 0; !rc && c != NULL && i < c->nr_ports; i++)
		if (c->ports[i].portid == ci->portid)
			rc = fcnvme_msg_put_str(m, FCNVME_A_NAME, c->ports[i].name);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_WWPN, ci->host_wwpn);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_KATO, ci->kato_ms);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_NR_QUEUES, ci->nr_io_queues);
	return ctl_reply_send(w->req, m, rc);
}

/* assoc list [NQN] */
int ctl_assoc_list(struct ctl_req *req)
{
	struct assoc_walk w = { req, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN) };

	return tgt_ctrl_foreach(req->d->tgt, put_ctrl, &w);
}

/*
 * assoc delete ID: tear the association down through the transport (the
 * host gets a Disconnect LS); it leaves "assoc list" once its queues are
 * gone. An unknown id is an error (-ENOENT).
 */
int ctl_assoc_delete(struct ctl_req *req)
{
	uint64_t id = 0;

	if (fcnvme_msg_get_u64(req->msg, FCNVME_A_ASSOC_ID, &id) != 0)
		return ctl_fail(req, -EINVAL, "missing association id");
	return tgt_ctrl_delete(req->d->tgt, id, req->err, sizeof(req->err));
}
