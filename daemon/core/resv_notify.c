// SPDX-License-Identifier: Apache-2.0
/*
 * Reservation notifications (NVMe Base 2.0 §8.19.5, log page 80h §5.16.1.24):
 * Registration Preempted, Reservation Released and Reservation Preempted
 * are queued on every controller of the host concerned that sees the
 * namespace, unless its Reservation Notification Mask masks the type, and
 * announced with an asynchronous event (type 6h I/O command specific, info
 * 00h, log page 80h) until the host reads the log. Each read without RAE
 * takes the oldest page; the next one is announced again. [ctl]
 */
#include <endian.h>
#include <string.h>

#include "tgt_priv.h"

#define RESV_AEN NVME_AER_RESULT(NVME_AER_TYPE_IO_SPECIFIC, 0, NVME_LOG_RESV)

static void resv_notify_ctrl(struct ctrl *c, uint32_t nsid, uint8_t type)
{
	if (c->resv_mask[nsid - 1] & (1u << type))
		return;
	if (c->nr_resv_log == TGT_RESV_LOG) {
		memmove(&c->resv_log[0], &c->resv_log[1],
			(TGT_RESV_LOG - 1) * sizeof(c->resv_log[0]));
		c->nr_resv_log--;
	}
	/* the count wraps from all ones to 1: 0 means an empty page */
	if (++c->resv_log_count == 0)
		c->resv_log_count = 1;
	c->resv_log[c->nr_resv_log].count = c->resv_log_count;
	c->resv_log[c->nr_resv_log].nsid = nsid;
	c->resv_log[c->nr_resv_log++].type = type;
	ctrl_add_aen(c, TGT_AEN_RESV, RESV_AEN);
}

/* Tell the host hostid (each of its controllers that see ns). */
void resv_notify_host(struct ns *ns, const uint8_t hostid[16], uint8_t type)
{
	struct ctrl *c;

	for (c = ns->subsys->ctrls; c; c = c->next)
		if (!c->deleting && !memcmp(c->hostid, hostid, 16) && ns_visible(ns, c))
			resv_notify_ctrl(c, ns->nsid, type);
}

/* Build the 64-byte log page into buf (zeroed): the oldest notification,
 * taken off the queue unless rae. */
size_t resv_notify_log(struct ctrl *c, bool rae, uint8_t *buf)
{
	uint64_t count;
	uint32_t nsid;

	if (!c->nr_resv_log)
		return 64; /* count 0: empty */
	count = htole64(c->resv_log[0].count);
	nsid = htole32(c->resv_log[0].nsid);
	memcpy(buf, &count, 8);
	buf[8] = c->resv_log[0].type;
	buf[9] = (uint8_t)(c->nr_resv_log - 1);
	memcpy(buf + 12, &nsid, 4);
	if (rae)
		return 64;
	memmove(&c->resv_log[0], &c->resv_log[1], (c->nr_resv_log - 1) * sizeof(c->resv_log[0]));
	c->nr_resv_log--;
	return 64;
}
