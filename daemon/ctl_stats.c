// SPDX-License-Identifier: Apache-2.0
/*
 * Control handler for statistics: one row per namespace and one per
 * subsystem (the sum of its namespaces) with commands and bytes, from the
 * NVMe core's counters. Rows carry only counters the core keeps; absent
 * ones (errors, aborts, latency) are left out rather than faked.
 */
#include <errno.h>
#include <string.h>

#include <fcnvme/ctl_msg.h>

#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "tgt.h"

struct stats_sum {
	struct ctl_req	*req;
	const char	*nqn;
	uint64_t	cmds, rd, wr;
};

static int
put_row(struct ctl_req *req, uint8_t obj, const char *nqn, uint32_t nsid,
	uint64_t cmds, uint64_t rd, uint64_t wr)
{
	struct nl_msg *m = ctl_reply_new(req);
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_u8(m, FCNVME_A_OBJ, obj);
	if (!rc)
		rc = fcnvme_msg_put_str(m, FCNVME_A_NQN, nqn);
	if (!rc && nsid != 0)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NSID, nsid);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_CMDS, cmds);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_BYTES_READ, rd);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_BYTES_WRITTEN, wr);
	return ctl_reply_send(req, m, rc);
}

static int
ns_row(const struct tgt_ns_info *ni, void *arg)
{
	struct stats_sum *s = arg;

	s->cmds += ni->reads + ni->writes;
	s->rd += ni->read_bytes;
	s->wr += ni->write_bytes;
	return put_row(s->req, FCNVME_OBJ_NS, ni->subnqn, ni->nsid,
		       ni->reads + ni->writes, ni->read_bytes, ni->write_bytes);
}

static int
subsys_rows(const struct tgt_subsys_info *si, void *arg)
{
	struct ctl_req *req = arg;
	struct stats_sum s = { req, si->nqn, 0, 0, 0 };
	int rc;

	rc = tgt_ns_foreach(req->d->tgt, si->nqn, ns_row, &s);
	if (rc)
		return rc;
	return put_row(req, FCNVME_OBJ_SUBSYS, si->nqn, 0, s.cmds, s.rd, s.wr);
}

/* stats */
int
ctl_stats(struct ctl_req *req)
{
	return tgt_subsys_foreach(req->d->tgt, subsys_rows, req);
}
