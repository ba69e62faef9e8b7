// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for the cluster (several nodes over Ceph, docs/ceph.md):
 * its nodes and their heartbeats, its ANA groups and their owners, moving
 * a group to another node, and creating or deleting a shared subsystem.
 * Namespaces and allowed hosts of a shared subsystem go through the usual
 * namespace and allowed-host verbs (routed to the cluster there).
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/nvme_log.h>
#include <fcnvmectl/ctl_msg.h>

#include "cluster/cluster.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"

static int put_node(const struct cluster_node_info *n, void *arg)
{
	struct ctl_req *req = arg;
	struct nl_msg *m = ctl_reply_new(req);
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_NODE, n->name);
	if (!rc)
		rc = fcnvme_msg_put_u16(m, FCNVME_A_NODE_ID, n->id);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ALIVE, n->alive);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_AGE_MS, n->age_ms);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_PATH, n->self ? "(this node)" : n->addrs);
	return ctl_reply_send(req, m, rc);
}

/* cluster nodes */
int ctl_cluster_nodes(struct ctl_req *req)
{
	if (req->d->cluster == NULL)
		return ctl_fail(req, -ENOENT, "this node is not in a cluster (no cluster section)");
	return cluster_foreach_node(req->d, put_node, req);
}

/* cluster status */
int ctl_cluster_status(struct ctl_req *req)
{
	struct cluster_status_info s;
	struct nl_msg *m;
	int rc;

	if (cluster_status(req->d, &s))
		return ctl_fail(req, -ENOENT, "this node is not in a cluster (no cluster section)");
	m = ctl_reply_new(req);
	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_NODE, s.node);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_MEMBER, s.member);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ANSWERS, s.answers);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_READ_AGE_MS, s.read_age_ms);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_READ_FAILS, s.read_fails);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_READ_WAIT_MS, s.read_wait_ms);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_HB_OK, s.hb_ok);
	if (!rc && s.job[0])
		rc = fcnvme_msg_put_str(m, FCNVME_A_GROUP_JOB, s.job);
	return ctl_reply_send(req, m, rc);
}

static uint8_t ana_wire(uint8_t nvme)
{
	switch (nvme) {
	case NVME_ANA_NONOPTIMIZED:
		return FCNVME_ANA_NON_OPTIMIZED;
	case NVME_ANA_INACCESSIBLE:
		return FCNVME_ANA_INACCESSIBLE;
	case NVME_ANA_PERSISTENT_LOSS:
		return FCNVME_ANA_PERSISTENT_LOSS;
	case NVME_ANA_CHANGE:
		return FCNVME_ANA_CHANGE;
	default:
		return FCNVME_ANA_OPTIMIZED;
	}
}

static int put_group(const struct cluster_group_info *g, void *arg)
{
	struct ctl_req *req = arg;
	struct nl_msg *m = ctl_reply_new(req);
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_u32(m, FCNVME_A_ANA_GRPID, g->grpid);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_NODE, g->owner[0] ? g->owner : "-");
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_ANA_STATE, ana_wire(g->state));
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_EPOCH, g->epoch);
	return ctl_reply_send(req, m, rc);
}

/* cluster groups */
int ctl_cluster_groups(struct ctl_req *req)
{
	if (req->d->cluster == NULL)
		return ctl_fail(req, -ENOENT, "this node is not in a cluster (no cluster section)");
	return cluster_foreach_group(req->d, put_group, req);
}

/* cluster move-group GROUP NODE */
int ctl_cluster_move_group(struct ctl_req *req)
{
	uint32_t grp = 0;

	fcnvme_msg_get_u32(req->msg, FCNVME_A_ANA_GRPID, &grp);
	return cluster_group_move(req->d, grp, fcnvme_msg_get_str(req->msg, FCNVME_A_NODE),
				  req->err, sizeof(req->err));
}

/* cluster add-subsystem NQN [allow-any-host B] */
int ctl_cluster_subsys_add(struct ctl_req *req)
{
	return cluster_subsys_add(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN),
				  ctl_opt_u8(req, FCNVME_A_ALLOW_ANY, 0), req->err,
				  sizeof(req->err));
}

/* cluster del-subsystem NQN */
int ctl_cluster_subsys_del(struct ctl_req *req)
{
	return cluster_subsys_del(req->d, fcnvme_msg_get_str(req->msg, FCNVME_A_NQN), req->err,
				  sizeof(req->err));
}
