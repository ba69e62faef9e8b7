// SPDX-License-Identifier: Apache-2.0
/*
 * The arguments of a control request as one line for the daemon's log:
 * "name=value" per attribute present, in attribute order, by the policy's
 * type (ctl_policy.c). Names and WWNs print in hex, strings with spaces or
 * quotes (and empty ones) in double quotes, binaries as hex, lists as
 * [a,b].
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/hex.h>
#include <fcnvmectl/ctl_msg.h>
#include <netlink/attr.h>

#include "ctl_int.h"

struct fmt_buf {
	char *buf;
	size_t len, used;
};

static void fmt_add(struct fmt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fmt_add(struct fmt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->used + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->len - b->used)
		b->used = b->len - 1; /* truncated */
	else
		b->used += (size_t)n;
}

static bool fmt_hex_u64(unsigned int attr)
{
	return attr == FCNVME_A_WWNN || attr == FCNVME_A_WWPN || attr == FCNVME_A_ASSOC_ID;
}

static void fmt_str(struct fmt_buf *b, const char *s)
{
	if (*s && !strpbrk(s, " \t\"'\\"))
		fmt_add(b, "%s", s);
	else
		fmt_add(b, "\"%s\"", s);
}

static void fmt_value(struct fmt_buf *b, unsigned int attr, const struct nlattr *a)
{
	const struct fcn_ctl_policy *p = &fcn_ctl_policy[attr];
	char hex[2 * 16 + 1];
	const struct nlattr *pos;
	bool first = true;
	int rem;

	switch (p->type) {
	case FCN_CTL_U8:
		fmt_add(b, "%u", (unsigned int)nla_get_u8(a));
		break;
	case FCN_CTL_U16:
		fmt_add(b, "%u", (unsigned int)nla_get_u16(a));
		break;
	case FCN_CTL_U32:
		fmt_add(b, "%" PRIu32, nla_get_u32(a));
		break;
	case FCN_CTL_U64:
		if (fmt_hex_u64(attr))
			fmt_add(b, "0x%016" PRIx64, (uint64_t)nla_get_u64(a));
		else
			fmt_add(b, "%" PRIu64, (uint64_t)nla_get_u64(a));
		break;
	case FCN_CTL_STRING:
		fmt_str(b, nla_data(a));
		break;
	case FCN_CTL_BINARY:
		if ((size_t)nla_len(a) <= 16 &&
		    fcnvme_hex_format(nla_data(a), (size_t)nla_len(a), hex, sizeof(hex)) == 0)
			fmt_add(b, "%s", hex);
		else
			fmt_add(b, "(%d bytes)", nla_len(a));
		break;
	case FCN_CTL_LIST:
		fmt_add(b, "[");
		for (pos = nla_data(a), rem = nla_len(a); nla_ok(pos, rem);
		     pos = nla_next(pos, &rem)) {
			if (!first)
				fmt_add(b, ",");
			first = false;
			fmt_value(b, p->elem, pos);
		}
		fmt_add(b, "]");
		break;
	default:
		fmt_add(b, "?");
		break;
	}
}

size_t fcnvme_msg_format_args(const struct fcnvme_msg *msg, char *buf, size_t len)
{
	struct fmt_buf b = { buf, len, 0 };
	unsigned int a;

	if (!len)
		return 0;
	buf[0] = '\0';
	for (a = 1; a <= FCNVME_A_MAX; a++) {
		if (!msg->tb[a])
			continue;
		fmt_add(&b, "%s%s=", b.used ? " " : "", fcn_ctl_policy[a].name);
		fmt_value(&b, a, msg->tb[a]);
	}
	return b.used;
}
