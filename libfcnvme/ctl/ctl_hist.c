// SPDX-License-Identifier: Apache-2.0
/*
 * The latency histogram on the control wire (FCNVME_A_LAT_HIST, format in
 * fcnvmectl/ctl.h): encoding a struct fcnvme_hist (fcnvme/hist.h) as its
 * non-empty buckets, the validator's check of such a payload, and
 * decoding it back. At most FCNVME_HIST_BUCKETS * FCNVME_HIST_ENTRY
 * (4960) bytes; a latency distribution typically fills a few dozen.
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <fcnvme/err.h>
#include <fcnvme/hist.h>
#include <fcnvmectl/ctl_msg.h>

#include "ctl_int.h"

static void entry_get(const unsigned char *e, uint16_t *idx, uint64_t *n)
{
	memcpy(idx, e, sizeof(*idx));
	memcpy(n, e + sizeof(*idx), sizeof(*n));
}

int fcn_ctl_hist_check(const char *name, const void *p, int len, char *why, size_t whylen)
{
	const unsigned char *e = p;
	uint16_t idx;
	uint64_t n;
	int i, prev = -1;

	if (len % FCNVME_HIST_ENTRY || len > (int)(FCNVME_HIST_BUCKETS * FCNVME_HIST_ENTRY))
		return fcnvme_err(why, whylen, -EINVAL,
				  "attribute %s: %d bytes, not up to %u entries of %d", name, len,
				  FCNVME_HIST_BUCKETS, FCNVME_HIST_ENTRY);
	for (i = 0; i < len; i += FCNVME_HIST_ENTRY) {
		entry_get(e + i, &idx, &n);
		if (idx >= FCNVME_HIST_BUCKETS || (int)idx <= prev)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: bucket %u out of order or range", name,
					  idx);
		if (n == 0)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: bucket %u with count 0", name, idx);
		prev = idx;
	}
	return 0;
}

/* Append h's non-empty buckets. */
int fcnvme_msg_put_hist(struct nl_msg *m, unsigned int attr, const struct fcnvme_hist *h)
{
	unsigned char buf[FCNVME_HIST_BUCKETS * FCNVME_HIST_ENTRY];
	size_t len = 0;
	unsigned int i;

	if (attr == 0 || attr > FCNVME_A_MAX || fcn_ctl_policy[attr].type != FCN_CTL_HIST)
		return -EINVAL;
	for (i = 0; i < FCNVME_HIST_BUCKETS; i++) {
		uint64_t n = atomic_load_explicit(&h->n[i], memory_order_relaxed);
		uint16_t idx = (uint16_t)i;

		if (!n)
			continue;
		memcpy(buf + len, &idx, sizeof(idx));
		memcpy(buf + len + sizeof(idx), &n, sizeof(n));
		len += FCNVME_HIST_ENTRY;
	}
	return nla_put(m, (int)attr, (int)len, buf) == 0 ? 0 : -EMSGSIZE;
}

/* Read a validated histogram attribute. */
int fcnvme_msg_get_hist(const struct fcnvme_msg *msg, unsigned int attr, struct fcnvme_hist *h)
{
	const struct nlattr *a;
	const unsigned char *e;
	uint16_t idx;
	uint64_t n;
	int i, len;

	if (attr == 0 || attr > FCNVME_A_MAX || fcn_ctl_policy[attr].type != FCN_CTL_HIST)
		return -EINVAL;
	a = msg->tb[attr];
	if (a == NULL)
		return -ENOENT;
	memset(h, 0, sizeof(*h));
	e = nla_data(a);
	len = nla_len(a);
	for (i = 0; i + FCNVME_HIST_ENTRY <= len; i += FCNVME_HIST_ENTRY) {
		entry_get(e + i, &idx, &n);
		if (idx < FCNVME_HIST_BUCKETS)
			atomic_store_explicit(&h->n[idx], n, memory_order_relaxed);
	}
	return 0;
}
