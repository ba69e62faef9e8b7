// SPDX-License-Identifier: Apache-2.0
/*
 * Typed builders and readers of control messages. Builders use libnl-3's
 * nlmsg/nla functions on a message sized for FCNVME_CTL_MSG_MAX and check
 * every value against the policy table first, so what we send always
 * passes the peer's validator. Readers work on a struct fcnvme_msg that
 * fcnvme_msg_validate() filled, so sizes are already known to be right.
 */
#include <errno.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <fcnvmectl/ctl_msg.h>

#include "ctl_int.h"

/* A new FCNVME_CTL_TYPE message carrying the control header. */
struct nl_msg *fcnvme_msg_new(unsigned int cmd, int flags, uint32_t seq)
{
	struct fcnvme_ctlhdr *ch;
	struct nlmsghdr *nlh;
	struct nl_msg *m;

	m = nlmsg_alloc_size(FCNVME_CTL_MSG_MAX);
	if (m == NULL)
		return NULL;
	nlh = nlmsg_put(m, 0, seq, FCNVME_CTL_TYPE, sizeof(*ch), flags);
	if (nlh == NULL) {
		nlmsg_free(m);
		return NULL;
	}
	ch = nlmsg_data(nlh);
	ch->cmd = (uint8_t)cmd;
	ch->version = FCNVME_CTL_VERSION;
	ch->reserved = 0;
	return m;
}

/* Free a message. */
void fcnvme_msg_free(struct nl_msg *m)
{
	if (m != NULL)
		nlmsg_free(m);
}

/* The netlink header of a built message. */
struct nlmsghdr *fcnvme_msg_hdr(struct nl_msg *m)
{
	return nlmsg_hdr(m);
}

/* Total length of a built message. */
size_t fcnvme_msg_len(struct nl_msg *m)
{
	return nlmsg_hdr(m)->nlmsg_len;
}

static const struct fcn_ctl_policy *policy_of(unsigned int attr, enum fcn_ctl_type type)
{
	if (attr == 0 || attr > FCNVME_A_MAX || fcn_ctl_policy[attr].type != type)
		return NULL;
	return &fcn_ctl_policy[attr];
}

static int put_int(struct nl_msg *m, unsigned int attr, enum fcn_ctl_type type, uint64_t v,
		   const void *raw, int size)
{
	const struct fcn_ctl_policy *p = policy_of(attr, type);

	if (p == NULL || v < p->min || v > p->max)
		return -EINVAL;
	return nla_put(m, (int)attr, size, raw) == 0 ? 0 : -EMSGSIZE;
}

/* Append a u8 attribute. */
int fcnvme_msg_put_u8(struct nl_msg *m, unsigned int attr, uint8_t v)
{
	return put_int(m, attr, FCN_CTL_U8, v, &v, sizeof(v));
}

/* Append a u16 attribute. */
int fcnvme_msg_put_u16(struct nl_msg *m, unsigned int attr, uint16_t v)
{
	return put_int(m, attr, FCN_CTL_U16, v, &v, sizeof(v));
}

/* Append a u32 attribute. */
int fcnvme_msg_put_u32(struct nl_msg *m, unsigned int attr, uint32_t v)
{
	return put_int(m, attr, FCN_CTL_U32, v, &v, sizeof(v));
}

/* Append a u64 attribute. */
int fcnvme_msg_put_u64(struct nl_msg *m, unsigned int attr, uint64_t v)
{
	return put_int(m, attr, FCN_CTL_U64, v, &v, sizeof(v));
}

static int put_str(struct nl_msg *m, unsigned int attr, const char *s)
{
	const struct fcn_ctl_policy *p = policy_of(attr, FCN_CTL_STRING);

	if (p == NULL || s == NULL || strlen(s) + 1 > p->len)
		return -EINVAL;
	return nla_put_string(m, (int)attr, s) == 0 ? 0 : -EMSGSIZE;
}

/* Append a string attribute (with its NUL). */
int fcnvme_msg_put_str(struct nl_msg *m, unsigned int attr, const char *s)
{
	return put_str(m, attr, s);
}

/* Append a binary attribute of exactly the policy's size. */
int fcnvme_msg_put_bin(struct nl_msg *m, unsigned int attr, const void *p, size_t len)
{
	const struct fcn_ctl_policy *pol = policy_of(attr, FCN_CTL_BINARY);

	if (pol == NULL || p == NULL || len != pol->len)
		return -EINVAL;
	return nla_put(m, (int)attr, (int)len, p) == 0 ? 0 : -EMSGSIZE;
}

/* Open a list attribute. */
struct nlattr *fcnvme_msg_list_start(struct nl_msg *m, unsigned int attr)
{
	if (policy_of(attr, FCN_CTL_LIST) == NULL)
		return NULL;
	return nla_nest_start(m, (int)(attr | NLA_F_NESTED));
}

/* Append one string element to an open list. */
int fcnvme_msg_list_put_str(struct nl_msg *m, struct nlattr *list, const char *s)
{
	unsigned int attr;

	if (list == NULL)
		return -EINVAL;
	attr = (unsigned int)nla_type(list) & NLA_TYPE_MASK;
	if (policy_of(attr, FCN_CTL_LIST) == NULL)
		return -EINVAL;
	return put_str(m, fcn_ctl_policy[attr].elem, s);
}

/* Append one u64 element to an open list. */
int fcnvme_msg_list_put_u64(struct nl_msg *m, struct nlattr *list, uint64_t v)
{
	unsigned int attr;

	if (list == NULL)
		return -EINVAL;
	attr = (unsigned int)nla_type(list) & NLA_TYPE_MASK;
	if (policy_of(attr, FCN_CTL_LIST) == NULL)
		return -EINVAL;
	return fcnvme_msg_put_u64(m, fcn_ctl_policy[attr].elem, v);
}

/* Close an open list. */
int fcnvme_msg_list_end(struct nl_msg *m, struct nlattr *list)
{
	if (list == NULL)
		return -EINVAL;
	return nla_nest_end_keep_empty(m, list) == 0 ? 0 : -EMSGSIZE;
}

/* An NLMSG_ERROR answering req, with an optional message attribute. */
struct nl_msg *fcnvme_msg_new_error(const struct nlmsghdr *req, int error, const char *msg)
{
	char text[512];
	struct nlmsgerr *e;
	struct nlmsghdr *nlh;
	struct nl_msg *m;
	int flags = NLM_F_CAPPED;

	if (msg != NULL && *msg != '\0')
		flags |= NLM_F_ACK_TLVS;
	m = nlmsg_alloc_size(FCNVME_CTL_MSG_MAX);
	if (m == NULL)
		return NULL;
	nlh = nlmsg_put(m, 0, req != NULL ? req->nlmsg_seq : 0, NLMSG_ERROR, sizeof(*e), flags);
	if (nlh == NULL)
		goto out_free_msg;
	e = nlmsg_data(nlh);
	memset(e, 0, sizeof(*e));
	e->error = error;
	if (req != NULL) {
		e->msg = *req;
		e->msg.nlmsg_len = NLMSG_HDRLEN;
	}
	if (flags & NLM_F_ACK_TLVS) {
		size_t n = strlen(msg);

		if (n >= sizeof(text))
			n = sizeof(text) - 1;
		memcpy(text, msg, n);
		text[n] = '\0';
		if (put_str(m, FCNVME_A_ERRMSG, text) != 0)
			goto out_free_msg;
	}
	return m;

out_free_msg:
	nlmsg_free(m);
	return NULL;
}

/* The NLMSG_DONE ending a dump answering req. */
struct nl_msg *fcnvme_msg_new_done(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;
	struct nl_msg *m;

	m = nlmsg_alloc_size(NLMSG_HDRLEN + 64);
	if (m == NULL)
		return NULL;
	nlh = nlmsg_put(m, 0, req != NULL ? req->nlmsg_seq : 0, NLMSG_DONE, sizeof(int),
			NLM_F_MULTI);
	if (nlh == NULL) {
		nlmsg_free(m);
		return NULL;
	}
	memset(nlmsg_data(nlh), 0, sizeof(int));
	return m;
}

/* Whether a validated message carries attr. */
bool fcnvme_msg_has(const struct fcnvme_msg *msg, unsigned int attr)
{
	return attr <= FCNVME_A_MAX && msg->tb[attr] != NULL;
}

static const struct nlattr *get(const struct fcnvme_msg *msg, unsigned int attr,
				enum fcn_ctl_type type)
{
	if (policy_of(attr, type) == NULL)
		return NULL;
	return msg->tb[attr];
}

/* Read a u8 attribute. */
int fcnvme_msg_get_u8(const struct fcnvme_msg *msg, unsigned int attr, uint8_t *v)
{
	const struct nlattr *a = get(msg, attr, FCN_CTL_U8);

	if (a == NULL)
		return -ENOENT;
	*v = nla_get_u8(a);
	return 0;
}

/* Read a u16 attribute. */
int fcnvme_msg_get_u16(const struct fcnvme_msg *msg, unsigned int attr, uint16_t *v)
{
	const struct nlattr *a = get(msg, attr, FCN_CTL_U16);

	if (a == NULL)
		return -ENOENT;
	*v = nla_get_u16(a);
	return 0;
}

/* Read a u32 attribute. */
int fcnvme_msg_get_u32(const struct fcnvme_msg *msg, unsigned int attr, uint32_t *v)
{
	const struct nlattr *a = get(msg, attr, FCN_CTL_U32);

	if (a == NULL)
		return -ENOENT;
	*v = nla_get_u32(a);
	return 0;
}

/* Read a u64 attribute. */
int fcnvme_msg_get_u64(const struct fcnvme_msg *msg, unsigned int attr, uint64_t *v)
{
	const struct nlattr *a = get(msg, attr, FCN_CTL_U64);

	if (a == NULL)
		return -ENOENT;
	*v = nla_get_u64(a);
	return 0;
}

/* Read a string attribute. */
const char *fcnvme_msg_get_str(const struct fcnvme_msg *msg, unsigned int attr)
{
	const struct nlattr *a = get(msg, attr, FCN_CTL_STRING);

	return a != NULL ? nla_data(a) : NULL;
}

/* Read a binary attribute. */
const void *fcnvme_msg_get_bin(const struct fcnvme_msg *msg, unsigned int attr, size_t *len)
{
	const struct nlattr *a = get(msg, attr, FCN_CTL_BINARY);

	if (a == NULL)
		return NULL;
	if (len != NULL)
		*len = (size_t)nla_len(a);
	return nla_data(a);
}

/* Call cb for every u64 of a list attribute. */
int fcnvme_msg_list_foreach_u64(const struct fcnvme_msg *msg, unsigned int attr,
				int (*cb)(uint64_t v, void *arg), void *arg)
{
	const struct nlattr *list = get(msg, attr, FCN_CTL_LIST);
	const struct nlattr *pos;
	int rem, ret;

	if (list == NULL || fcn_ctl_policy[fcn_ctl_policy[attr].elem].type != FCN_CTL_U64)
		return 0;
	for (pos = nla_data(list), rem = nla_len(list); nla_ok(pos, rem);
	     pos = nla_next(pos, &rem)) {
		ret = cb(nla_get_u64(pos), arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* Call cb for every string of a list attribute. */
int fcnvme_msg_list_foreach(const struct fcnvme_msg *msg, unsigned int attr,
			    int (*cb)(const char *s, void *arg), void *arg)
{
	const struct nlattr *list = get(msg, attr, FCN_CTL_LIST);
	const struct nlattr *pos;
	int rem, ret;

	if (list == NULL || fcn_ctl_policy[fcn_ctl_policy[attr].elem].type != FCN_CTL_STRING)
		return 0;
	for (pos = nla_data(list), rem = nla_len(list); nla_ok(pos, rem);
	     pos = nla_next(pos, &rem)) {
		ret = cb(nla_data(pos), arg);
		if (ret)
			return ret;
	}
	return 0;
}
