/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building and reading control messages (see fcnvme/ctl.h). Messages are
 * libnl-3 struct nl_msg; the put helpers check each attribute against the
 * protocol's policy (type, size, range) so a sender cannot build what the
 * receiver would reject, and return an error instead of jumping anywhere.
 * fcnvme_msg_validate() is the one strict check every received datagram
 * goes through before anything reads it; the get helpers then read the
 * attribute table it filled and never see malformed data.
 */
#ifndef FCNVME_CTL_MSG_H
#define FCNVME_CTL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fcnvmectl/ctl.h>

struct fcnvme_hist;
struct nl_msg;
struct nlattr;
struct nlmsghdr;

/* What a datagram is expected to be. */
enum fcnvme_msg_kind {
	FCNVME_MSG_REQUEST, /* client → daemon: strict, required/allowed */
	FCNVME_MSG_REPLY,   /* daemon → client: data, DONE or ERROR */
};

/*
 * A validated message. tb[] points into the caller's buffer, which must
 * outlive it. For NLMSG_ERROR, error holds the (<= 0) errno and tb[] the
 * attributes after the capped request header; for NLMSG_DONE tb[] is empty.
 */
struct fcnvme_msg {
	const struct nlmsghdr *nlh;
	uint16_t type; /* FCNVME_CTL_TYPE, NLMSG_DONE, NLMSG_ERROR */
	uint8_t cmd;   /* FCNVME_CTL_TYPE only */
	int error;     /* NLMSG_ERROR only */
	const struct nlattr *tb[FCNVME_A_MAX + 1];
};

/*
 * Check one received datagram completely: netlink header and exact length
 * (no trailing bytes), message type, protocol version, command, then every
 * attribute: known type (requests; replies skip unknown ones), exact integer
 * size, range, NUL-terminated string within maxlen and without inner NUL,
 * exact binary size, list elements, no duplicates; for requests the
 * command's required attributes present and nothing outside allowed.
 * 0 with *out filled, or -errno (-EBADMSG framing, -EPROTONOSUPPORT version,
 * -EOPNOTSUPP unknown command, -EINVAL attributes) with a sentence in why.
 */
int fcnvme_msg_validate(const void *buf, size_t len, enum fcnvme_msg_kind kind,
			struct fcnvme_msg *out, char *why, size_t whylen);

/*
 * A new FCNVME_CTL_TYPE message for cmd with the given netlink flags and
 * sequence number, sized for FCNVME_CTL_MSG_MAX; NULL if out of memory.
 */
struct nl_msg *fcnvme_msg_new(unsigned int cmd, int flags, uint32_t seq);
/* Free a message (NULL is fine). */
void fcnvme_msg_free(struct nl_msg *m);

/*
 * Append one attribute. Each returns 0, -EINVAL if attr is not of that type
 * or the value is out of the policy's range or length, or -EMSGSIZE if the
 * message would exceed FCNVME_CTL_MSG_MAX.
 */
int fcnvme_msg_put_u8(struct nl_msg *m, unsigned int attr, uint8_t v);
int fcnvme_msg_put_u16(struct nl_msg *m, unsigned int attr, uint16_t v);
int fcnvme_msg_put_u32(struct nl_msg *m, unsigned int attr, uint32_t v);
int fcnvme_msg_put_u64(struct nl_msg *m, unsigned int attr, uint64_t v);
int fcnvme_msg_put_str(struct nl_msg *m, unsigned int attr, const char *s);
int fcnvme_msg_put_bin(struct nl_msg *m, unsigned int attr, const void *p, size_t len);
/* Append h's non-empty buckets as a FCNVME_A_LAT_HIST-like attribute. */
int fcnvme_msg_put_hist(struct nl_msg *m, unsigned int attr, const struct fcnvme_hist *h);
/* Open a list attribute (FCNVME_A_HOSTS, FCNVME_A_PORTS); NULL on error. */
struct nlattr *fcnvme_msg_list_start(struct nl_msg *m, unsigned int attr);
/* Append one element of the open list (its element type is implied). */
int fcnvme_msg_list_put_str(struct nl_msg *m, struct nlattr *list, const char *s);
/* Append one u64 element (FCNVME_A_WWPNS) to an open list. */
int fcnvme_msg_list_put_u64(struct nl_msg *m, struct nlattr *list, uint64_t v);
/* Close a list opened by fcnvme_msg_list_start(). */
int fcnvme_msg_list_end(struct nl_msg *m, struct nlattr *list);

/* The header of a built message, and its total length in bytes. */
struct nlmsghdr *fcnvme_msg_hdr(struct nl_msg *m);
size_t fcnvme_msg_len(struct nl_msg *m);

/*
 * Build an NLMSG_ERROR reply to the request header req: error (0 or
 * -errno) and, if msg is not NULL, an FCNVME_A_ERRMSG (truncated to fit).
 */
struct nl_msg *fcnvme_msg_new_error(const struct nlmsghdr *req, int error, const char *msg);
/* Build the NLMSG_DONE that ends a dump answering req. */
struct nl_msg *fcnvme_msg_new_done(const struct nlmsghdr *req);

/* Readers of a validated message: true/0 if present, false/-ENOENT if not. */
bool fcnvme_msg_has(const struct fcnvme_msg *msg, unsigned int attr);
int fcnvme_msg_get_u8(const struct fcnvme_msg *msg, unsigned int attr, uint8_t *v);
int fcnvme_msg_get_u16(const struct fcnvme_msg *msg, unsigned int attr, uint16_t *v);
int fcnvme_msg_get_u32(const struct fcnvme_msg *msg, unsigned int attr, uint32_t *v);
int fcnvme_msg_get_u64(const struct fcnvme_msg *msg, unsigned int attr, uint64_t *v);
/* The string, or NULL when absent. */
const char *fcnvme_msg_get_str(const struct fcnvme_msg *msg, unsigned int attr);
/* The binary value (exact policy size, which is also stored in *len). */
const void *fcnvme_msg_get_bin(const struct fcnvme_msg *msg, unsigned int attr, size_t *len);
/* Read a histogram attribute into *h (zeroed first; sum not set). */
int fcnvme_msg_get_hist(const struct fcnvme_msg *msg, unsigned int attr, struct fcnvme_hist *h);
/*
 * Iterate the strings of a list attribute: call cb for each in order; stops
 * early and returns cb's value if non-zero. 0 (also when absent).
 */
int fcnvme_msg_list_foreach(const struct fcnvme_msg *msg, unsigned int attr,
			    int (*cb)(const char *s, void *arg), void *arg);

/* The same for lists of u64 elements. */
int fcnvme_msg_list_foreach_u64(const struct fcnvme_msg *msg, unsigned int attr,
				int (*cb)(uint64_t v, void *arg), void *arg);

/* The attributes of a validated message as "name=value ..." (attribute
 * order; WWNs and association ids in hex, strings quoted when they hold
 * blanks or quotes or are empty, binaries in hex, lists as [a,b]) for a log
 * line; truncated to len. Returns the length written. */
size_t fcnvme_msg_format_args(const struct fcnvme_msg *msg, char *buf, size_t len);

#endif /* FCNVME_CTL_MSG_H */
