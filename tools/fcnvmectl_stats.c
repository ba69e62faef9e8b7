// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl: one "stats" reply row as a struct (fcnvmectl_stats.h), for the
 * outputs that compute with the numbers (OpenMetrics, watch).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl_stats.h"

static void copy_str(const struct fcnvme_msg *msg, unsigned int attr, char *dst, size_t len)
{
	const char *s = fcnvme_msg_get_str(msg, attr);

	snprintf(dst, len, "%s", s != NULL ? s : "");
}

int ctl_stat_row_parse(const struct fcnvme_msg *msg, struct ctl_stat_row *r)
{
	memset(r, 0, sizeof(*r));
	if (fcnvme_msg_get_u8(msg, FCNVME_A_OBJ, &r->obj) || r->obj >= __FCNVME_OBJ_MAX)
		return -EINVAL;
	copy_str(msg, FCNVME_A_NAME, r->name, sizeof(r->name));
	copy_str(msg, FCNVME_A_NQN, r->nqn, sizeof(r->nqn));
	copy_str(msg, FCNVME_A_HOST_NQN, r->hostnqn, sizeof(r->hostnqn));
	fcnvme_msg_get_u16(msg, FCNVME_A_PORTID, &r->portid);
	fcnvme_msg_get_u32(msg, FCNVME_A_NSID, &r->nsid);
	fcnvme_msg_get_u64(msg, FCNVME_A_WWPN, &r->wwpn);
	fcnvme_msg_get_u64(msg, FCNVME_A_CMDS, &r->cmds);
	fcnvme_msg_get_u64(msg, FCNVME_A_BYTES_READ, &r->read_bytes);
	fcnvme_msg_get_u64(msg, FCNVME_A_BYTES_WRITTEN, &r->write_bytes);
	fcnvme_msg_get_u64(msg, FCNVME_A_ERRORS, &r->errors);
	fcnvme_msg_get_u64(msg, FCNVME_A_ABORTS, &r->aborts);
	fcnvme_msg_get_u64(msg, FCNVME_A_REFUSALS, &r->refusals);
	fcnvme_msg_get_u64(msg, FCNVME_A_HOST_CONFLICTS, &r->host_conflicts);
	fcnvme_msg_get_u64(msg, FCNVME_A_LAT_MAX, &r->lat_max_ns);
	/* a daemon without the histogram attributes leaves them empty */
	fcnvme_msg_get_u64(msg, FCNVME_A_LAT_SUM, &r->lat_sum_ns);
	fcnvme_msg_get_hist(msg, FCNVME_A_LAT_HIST, &r->lat);
	r->lat.sum = r->lat_sum_ns;
	return 0;
}

int ctl_stat_row_same(const struct ctl_stat_row *a, const struct ctl_stat_row *b)
{
	return a->obj == b->obj && a->portid == b->portid && a->nsid == b->nsid &&
	       a->wwpn == b->wwpn && !strcmp(a->name, b->name) && !strcmp(a->nqn, b->nqn) &&
	       !strcmp(a->hostnqn, b->hostnqn);
}
