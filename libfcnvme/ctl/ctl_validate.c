// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme_msg_validate(): the single strict check of a received control
 * datagram. libnl's own parsing is lenient (integers only need a minimum
 * size, duplicates and trailing bytes are accepted, no ranges, no required
 * attributes), so this walks the message itself with libnl's accessors and
 * enforces the kernel's strict rules plus our policy table and command
 * descriptors. Nothing downstream reads a message this has not accepted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <fcnvme/err.h>
#include <fcnvmectl/ctl_msg.h>

#include "ctl_int.h"

static const char *aname(unsigned int type)
{
	const char *n = fcnvme_attr_name(type);

	return n != NULL ? n : "?";
}

static uint64_t int_value(const struct nlattr *nla, enum fcn_ctl_type type)
{
	switch (type) {
	case FCN_CTL_U8:
		return nla_get_u8(nla);
	case FCN_CTL_U16:
		return nla_get_u16(nla);
	case FCN_CTL_U32:
		return nla_get_u32(nla);
	default:
		return nla_get_u64(nla);
	}
}

static const int int_size[] = {
	[FCN_CTL_U8] = 1,
	[FCN_CTL_U16] = 2,
	[FCN_CTL_U32] = 4,
	[FCN_CTL_U64] = 8,
};

/* Check one non-list attribute's payload against its policy. */
static int check_scalar(unsigned int type, const struct nlattr *nla, char *why, size_t whylen)
{
	const struct fcn_ctl_policy *p = &fcn_ctl_policy[type];
	const char *s = nla_data(nla);
	int len = nla_len(nla);
	uint64_t v;

	switch (p->type) {
	case FCN_CTL_U8:
	case FCN_CTL_U16:
	case FCN_CTL_U32:
	case FCN_CTL_U64:
		if (len != int_size[p->type])
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: %d bytes, expected %d", p->name, len,
					  int_size[p->type]);
		v = int_value(nla, p->type);
		if (v < p->min || v > p->max)
			return fcnvme_err(why, whylen, -ERANGE,
					  "attribute %s: value %llu outside %llu..%llu", p->name,
					  (unsigned long long)v, (unsigned long long)p->min,
					  (unsigned long long)p->max);
		return 0;
	case FCN_CTL_STRING:
		if (len < 1 || s[len - 1] != '\0')
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: string not NUL-terminated", p->name);
		if (len > p->len)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: string longer than %d bytes", p->name,
					  p->len - 1);
		if (strlen(s) != (size_t)len - 1)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: NUL inside the string", p->name);
		return 0;
	case FCN_CTL_BINARY:
		if (len != p->len)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute %s: %d bytes, expected %d", p->name, len,
					  p->len);
		return 0;
	case FCN_CTL_HIST:
		return fcn_ctl_hist_check(p->name, s, len, why, whylen);
	default:
		return fcnvme_err(why, whylen, -EINVAL, "attribute %u: not a value", type);
	}
}

/*
 * Walk len bytes of attributes at head. Each must be well framed, padded
 * and fill the area exactly. With elem != 0 this is a list: every entry
 * must be of type elem. Otherwise entries go into tb[], unknown ones are
 * an error when strict and skipped when not, and duplicates are an error.
 */
static int walk(const struct nlattr *head, int len, unsigned int elem, bool strict,
		const struct nlattr **tb, char *why, size_t whylen)
{
	const struct nlattr *nla = head;
	int rem = len, err;

	while (rem > 0) {
		unsigned int type;
		int step;

		if (rem < NLA_HDRLEN || nla->nla_len < NLA_HDRLEN || nla->nla_len > rem)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute framing broken at offset %d", len - rem);
		step = NLA_ALIGN(nla->nla_len);
		if (step > rem)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute at offset %d lacks padding", len - rem);
		if (nla->nla_type & NLA_F_NET_BYTEORDER)
			return fcnvme_err(why, whylen, -EINVAL,
					  "attribute at offset %d: byte-order flag", len - rem);
		type = nla->nla_type & NLA_TYPE_MASK;
		if (elem != 0) {
			if (type != elem || (nla->nla_type & NLA_F_NESTED))
				return fcnvme_err(why, whylen, -EINVAL,
						  "list entry of type %u, expected %s", type,
						  aname(elem));
			err = check_scalar(type, nla, why, whylen);
			if (err)
				return err;
		} else if (type == 0 || type > FCNVME_A_MAX ||
			   fcn_ctl_policy[type].type == FCN_CTL_NONE) {
			if (strict)
				return fcnvme_err(why, whylen, -EINVAL, "unknown attribute %u",
						  type);
		} else {
			const struct fcn_ctl_policy *p = &fcn_ctl_policy[type];
			bool nested = (nla->nla_type & NLA_F_NESTED) != 0;

			if (tb[type] != NULL)
				return fcnvme_err(why, whylen, -EINVAL, "duplicate attribute %s",
						  p->name);
			if (nested != (p->type == FCN_CTL_LIST))
				return fcnvme_err(why, whylen, -EINVAL,
						  "attribute %s: wrong nesting flag", p->name);
			if (p->type == FCN_CTL_LIST)
				err = walk(nla_data(nla), nla_len(nla), p->elem, strict, tb, why,
					   whylen);
			else
				err = check_scalar(type, nla, why, whylen);
			if (err)
				return err;
			tb[type] = nla;
		}
		rem -= step;
		nla = (const struct nlattr *)((const char *)nla + step);
	}
	return 0;
}

/* Check the request against its command's required and allowed masks. */
static int check_masks(const struct fcnvme_cmd_desc *d, const struct nlattr **tb, char *why,
		       size_t whylen)
{
	unsigned int a;

	for (a = 1; a <= FCNVME_A_MAX; a++) {
		fcnvme_amask_t bit = FCNVME_ABIT(a);

		if (tb[a] != NULL && !(d->allowed & bit))
			return fcnvme_err(why, whylen, -EINVAL, "%s does not take attribute %s",
					  d->name, aname(a));
		if (tb[a] == NULL && (d->required & bit))
			return fcnvme_err(why, whylen, -EINVAL, "%s needs attribute %s", d->name,
					  aname(a));
	}
	return 0;
}

static int validate_error(const struct nlmsghdr *nlh, struct fcnvme_msg *out, char *why,
			  size_t whylen)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	int hdr = (int)sizeof(*e);

	if (nlmsg_datalen(nlh) < hdr)
		return fcnvme_err(why, whylen, -EBADMSG, "short NLMSG_ERROR");
	if (e->error > 0 || e->error < -4095)
		return fcnvme_err(why, whylen, -EBADMSG, "NLMSG_ERROR with error %d", e->error);
	out->error = e->error;
	return walk((const struct nlattr *)((const char *)e + NLMSG_ALIGN(hdr)),
		    nlmsg_datalen(nlh) - NLMSG_ALIGN(hdr), 0, false, out->tb, why, whylen);
}

/* Strictly check one datagram; see fcnvme/ctl_msg.h. */
int fcnvme_msg_validate(const void *buf, size_t len, enum fcnvme_msg_kind kind,
			struct fcnvme_msg *out, char *why, size_t whylen)
{
	const struct nlmsghdr *nlh = buf;
	const struct fcnvme_ctlhdr *ch;
	const struct fcnvme_cmd_desc *d;
	bool request = kind == FCNVME_MSG_REQUEST;
	int err;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < NLMSG_HDRLEN)
		return fcnvme_err(why, whylen, -EBADMSG, "message shorter than a netlink header");
	if (len > FCNVME_CTL_MSG_MAX)
		return fcnvme_err(why, whylen, -EMSGSIZE, "message longer than %d bytes",
				  FCNVME_CTL_MSG_MAX);
	if (nlh->nlmsg_len != len)
		return fcnvme_err(why, whylen, -EBADMSG,
				  "netlink length %u but datagram of %zu bytes", nlh->nlmsg_len,
				  len);
	if (NLMSG_ALIGN(len) != len)
		return fcnvme_err(why, whylen, -EBADMSG,
				  "message length %zu is not a multiple of %d", len, NLMSG_ALIGNTO);
	out->nlh = nlh;
	out->type = nlh->nlmsg_type;
	if (!request && nlh->nlmsg_type == NLMSG_ERROR)
		return validate_error(nlh, out, why, whylen);
	if (!request && nlh->nlmsg_type == NLMSG_DONE) {
		if (nlmsg_datalen(nlh) != 0 && nlmsg_datalen(nlh) != 4)
			return fcnvme_err(why, whylen, -EBADMSG, "bad NLMSG_DONE");
		return 0;
	}
	if (nlh->nlmsg_type != FCNVME_CTL_TYPE)
		return fcnvme_err(why, whylen, -EBADMSG, "unexpected message type %u",
				  nlh->nlmsg_type);
	if (nlmsg_datalen(nlh) < (int)sizeof(*ch))
		return fcnvme_err(why, whylen, -EBADMSG, "message shorter than the control header");
	ch = nlmsg_data(nlh);
	if (ch->version != FCNVME_CTL_VERSION)
		return fcnvme_err(why, whylen, -EPROTONOSUPPORT,
				  "protocol version %u, this side speaks %u", ch->version,
				  FCNVME_CTL_VERSION);
	if (ch->reserved != 0)
		return fcnvme_err(why, whylen, -EBADMSG, "reserved header bits set");
	d = fcnvme_cmd_desc(ch->cmd);
	if (d == NULL)
		return fcnvme_err(why, whylen, -EOPNOTSUPP, "unknown command %u", ch->cmd);
	out->cmd = ch->cmd;
	err = walk(nlmsg_attrdata(nlh, sizeof(*ch)), nlmsg_attrlen(nlh, sizeof(*ch)), 0, request,
		   out->tb, why, whylen);
	if (err)
		return err;
	if (request)
		return check_masks(d, out->tb, why, whylen);
	return 0;
}
