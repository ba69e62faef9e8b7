// SPDX-License-Identifier: Apache-2.0
/*
 * Control protocol tests: the descriptor and policy tables are complete and
 * consistent; builders produce exact bytes; fcnvme_msg_validate() accepts
 * well-formed messages and rejects every hand-built malformed one with the
 * right errno and reason; error and done replies have the documented shape.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <check.h>
#include <linux/netlink.h>
#include <netlink/msg.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/hist.h>
#include <fcnvmectl/ctl_msg.h>

#include "suites_control.h"

/* A hand-built datagram: header fields + raw attribute bytes. */
struct raw {
	uint64_t buf[(FCNVME_CTL_MSG_MAX + 64) / 8];
	size_t len;
};

static void raw_init(struct raw *r, uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *h = (struct nlmsghdr *)r->buf;
	struct fcnvme_ctlhdr *ch = (struct fcnvme_ctlhdr *)(h + 1);

	memset(r->buf, 0, sizeof(r->buf));
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = 42;
	ch->cmd = cmd;
	ch->version = version;
	r->len = NLMSG_HDRLEN + sizeof(*ch);
	h->nlmsg_len = (uint32_t)r->len;
}

/* Append an attribute with nla_len = hdr + len, padded to 4. */
static void raw_attr(struct raw *r, uint16_t type, const void *p, uint16_t len)
{
	struct nlmsghdr *h = (struct nlmsghdr *)r->buf;
	uint8_t *at = (uint8_t *)r->buf + r->len;
	uint16_t nla_len = (uint16_t)(NLA_HDRLEN + len);

	memcpy(at, &nla_len, 2);
	memcpy(at + 2, &type, 2);
	memcpy(at + NLA_HDRLEN, p, len);
	r->len += NLA_ALIGN(nla_len);
	h->nlmsg_len = (uint32_t)r->len;
}

/* Set both the datagram length and nlmsg_len. */
static void raw_setlen(struct raw *r, size_t len)
{
	uint32_t l = (uint32_t)len;

	memcpy(r->buf, &l, sizeof(l));
	r->len = len;
}

static int raw_validate(struct raw *r, enum fcnvme_msg_kind kind, struct fcnvme_msg *m, char *why)
{
	return fcnvme_msg_validate(r->buf, r->len, kind, m, why, 256);
}

START_TEST(tables_complete)
{
	unsigned int c, a, b;

	ck_assert_ptr_null(fcnvme_cmd_desc(FCNVME_CMD_UNSPEC));
	ck_assert_ptr_null(fcnvme_cmd_desc(FCNVME_CMD_MAX + 1));
	for (c = 1; c <= FCNVME_CMD_MAX; c++) {
		const struct fcnvme_cmd_desc *d = fcnvme_cmd_desc(c);

		ck_assert_msg(d != NULL, "command %u has no descriptor", c);
		ck_assert_msg((d->required & ~d->allowed) == 0,
			      "%s requires what it does not allow", d->name);
		ck_assert_msg((d->allowed & 1) == 0, "%s allows UNSPEC", d->name);
		for (a = 1; a <= FCNVME_A_MAX; a++)
			if (d->allowed & FCNVME_ABIT(a))
				ck_assert_msg(fcnvme_attr_name(a) != NULL,
					      "%s allows unnamed attr %u", d->name, a);
		for (b = 1; b < c; b++)
			ck_assert_str_ne(fcnvme_cmds[b].name, d->name);
	}
	ck_assert_ptr_null(fcnvme_attr_name(FCNVME_A_UNSPEC));
	for (a = 1; a <= FCNVME_A_MAX; a++) {
		ck_assert_msg(fcnvme_attr_name(a) != NULL, "attr %u unnamed", a);
		for (b = 1; b < a; b++)
			ck_assert_str_ne(fcnvme_attr_name(a), fcnvme_attr_name(b));
	}
}
END_TEST

START_TEST(enum_names)
{
	ck_assert_str_eq(fcnvme_ana_state_name(FCNVME_ANA_NON_OPTIMIZED), "non-optimized");
	ck_assert_int_eq(fcnvme_ana_state_parse("persistent-loss"), FCNVME_ANA_PERSISTENT_LOSS);
	ck_assert_int_eq(fcnvme_ana_state_parse("Optimized"), -EINVAL);
	ck_assert_ptr_null(fcnvme_ana_state_name(__FCNVME_ANA_MAX));
	ck_assert_int_eq(fcnvme_log_level_parse("debug"), FCNVME_LOG_DEBUG);
	ck_assert_int_eq(fcnvme_log_level_parse("deb"), -EINVAL);
	ck_assert_str_eq(fcnvme_log_level_name(FCNVME_LOG_WARN), "warn");
	ck_assert_str_eq(fcnvme_obj_name(FCNVME_OBJ_NS), "namespace");
	ck_assert_ptr_null(fcnvme_obj_name(__FCNVME_OBJ_MAX));
	ck_assert_int_eq(fcnvme_obj_parse("host"), FCNVME_OBJ_HOST);
	ck_assert_int_eq(fcnvme_obj_parse("subsys"), -EINVAL);
	ck_assert_str_eq(fcnvme_attr_name(FCNVME_A_LAT_MAX), "lat-max-ns");
}
END_TEST

START_TEST(build_exact_bytes)
{
	static const uint8_t want[] = {
		28,
		0,
		0,
		0, /* nlmsg_len */
		0x10,
		0, /* FCNVME_CTL_TYPE */
		1,
		0, /* NLM_F_REQUEST */
		7,
		0,
		0,
		0, /* seq */
		0,
		0,
		0,
		0, /* pid */
		FCNVME_CMD_PORT_SHOW,
		FCNVME_CTL_VERSION,
		0,
		0,
		7,
		0,
		FCNVME_A_NAME,
		0, /* nla_len 7, type */
		'p',
		'0',
		0,
		0, /* "p0" NUL + pad */
	};
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_PORT_SHOW, NLM_F_REQUEST, 7);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NAME, "p0"), 0);
	ck_assert_uint_eq(fcnvme_msg_len(m), sizeof(want));
	ck_assert_mem_eq(fcnvme_msg_hdr(m), want, sizeof(want));
	fcnvme_msg_free(m);
}
END_TEST

START_TEST(build_then_validate)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_NS_ADD, NLM_F_REQUEST, 9);
	static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct fcnvme_msg msg;
	const uint8_t *b;
	char why[256];
	uint64_t size = 0;
	uint32_t nsid = 0;
	size_t len = 0;

	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, "nqn.2026-11.io.x:a"), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_BACKEND, "ram"), 0);
	ck_assert_int_eq(fcnvme_msg_put_u64(m, FCNVME_A_SIZE, 1 << 20), 0);
	ck_assert_int_eq(fcnvme_msg_put_u32(m, FCNVME_A_NSID, 5), 0);
	ck_assert_int_eq(fcnvme_msg_put_bin(m, FCNVME_A_UUID, uuid, 16), 0);
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m),
					     FCNVME_MSG_REQUEST, &msg, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(msg.cmd, FCNVME_CMD_NS_ADD);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_BACKEND), "ram");
	ck_assert_int_eq(fcnvme_msg_get_u64(&msg, FCNVME_A_SIZE, &size), 0);
	ck_assert_uint_eq(size, 1 << 20);
	ck_assert_int_eq(fcnvme_msg_get_u32(&msg, FCNVME_A_NSID, &nsid), 0);
	ck_assert_uint_eq(nsid, 5);
	b = fcnvme_msg_get_bin(&msg, FCNVME_A_UUID, &len);
	ck_assert_uint_eq(len, 16);
	ck_assert_mem_eq(b, uuid, 16);
	/* Absent, and wrong-type reads, say so. */
	ck_assert_int_eq(fcnvme_msg_get_u32(&msg, FCNVME_A_ANA_GRPID, &nsid), -ENOENT);
	ck_assert_int_eq(fcnvme_msg_get_u64(&msg, FCNVME_A_NSID, &size), -ENOENT);
	ck_assert_ptr_null(fcnvme_msg_get_str(&msg, FCNVME_A_PATH));
	fcnvme_msg_free(m);
}
END_TEST

START_TEST(put_checks_policy)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_NS_ADD, NLM_F_REQUEST, 1);
	char big[300];
	uint8_t b[16] = { 0 };
	int i, rc = 0;

	ck_assert_int_eq(fcnvme_msg_put_u8(m, FCNVME_A_ENABLED, 2), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_put_u32(m, FCNVME_A_NSID, 0), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_put_u16(m, FCNVME_A_NSID, 1), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NSID, "x"), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_put_bin(m, FCNVME_A_UUID, b, 15), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_put_u8(m, FCNVME_A_MAX + 1, 0), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, big), -EINVAL);
	big[223] = '\0';
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, big), 0);
	/* Fill the message: it stops with -EMSGSIZE, never overflows. */
	big[200] = '\0';
	for (i = 0; i < 200 && rc == 0; i++)
		rc = fcnvme_msg_put_str(m, FCNVME_A_TEXT, big);
	ck_assert_int_eq(rc, -EMSGSIZE);
	ck_assert_uint_le(fcnvme_msg_len(m), FCNVME_CTL_MSG_MAX);
	fcnvme_msg_free(m);
}
END_TEST

/* One malformed-message vector. */
struct bad {
	const char *what;
	int error;
	const char *why; /* exact reason, or NULL to skip */
	void (*build)(struct raw *r);
};

static void b_short(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, 1, 1);
	r->len = 12;
}
static void b_trailing(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_STATUS, 1);
	r->len += 4; /* datagram longer than nlmsg_len */
}
static void b_unaligned(struct raw *r)
{
	struct nlmsghdr *h = (struct nlmsghdr *)r->buf;

	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_STATUS, 1);
	r->len += 2; /* both lengths agree, but not on a 4-byte boundary */
	h->nlmsg_len = (uint32_t)r->len;
}
static void b_version(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_STATUS, 2);
}
static void b_cmd(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, 200, 1);
}
static void b_cmd0(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, 0, 1);
}
static void b_reserved(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_STATUS, 1);
	((uint8_t *)r->buf)[NLMSG_HDRLEN + 2] = 1;
}
static void b_type(struct raw *r)
{
	raw_init(r, NLMSG_DONE, FCNVME_CMD_STATUS, 1);
}
static void b_nohdr(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_STATUS, 1);
	raw_setlen(r, NLMSG_HDRLEN);
}
static void b_unknown(struct raw *r)
{
	uint32_t v = 1;

	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0", 3);
	raw_attr(r, 99, &v, 4);
}
static void b_dup(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0", 3);
	raw_attr(r, FCNVME_A_NAME, "p1", 3);
}
static void b_unterminated(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0x", 3);
}
static void b_oversize(struct raw *r)
{
	char s[40];

	memset(s, 'a', sizeof(s));
	s[39] = '\0';
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, s, sizeof(s));
}
static void b_innernul(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p\0x", 4);
}
static void b_emptystr(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "", 0);
}
static void b_intsize(struct raw *r)
{
	uint64_t v = 1;

	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_NS_DEL, 1);
	raw_attr(r, FCNVME_A_NQN, "nqn.2026-11.io.x:a", 19);
	raw_attr(r, FCNVME_A_NSID, &v, 8);
}
static void b_range(struct raw *r)
{
	uint32_t v = 0;

	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_NS_DEL, 1);
	raw_attr(r, FCNVME_A_NQN, "nqn.2026-11.io.x:a", 19);
	raw_attr(r, FCNVME_A_NSID, &v, 4);
}
static void b_nlalen(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0", 3);
	((uint8_t *)r->buf)[NLMSG_HDRLEN + 4] = 2; /* nla_len 2 < 4 */
}
static void b_nlaover(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0", 3);
	((uint8_t *)r->buf)[NLMSG_HDRLEN + 4] = 64; /* past the end */
}
static void b_tailbytes(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0", 3);
	raw_setlen(r, r->len + 4); /* zero bytes: an attribute of length 0 */
}
static void b_required(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
}
static void b_allowed(struct raw *r)
{
	uint32_t v = 1;

	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME, "p0", 3);
	raw_attr(r, FCNVME_A_NSID, &v, 4);
}
static void b_binsize(struct raw *r)
{
	uint8_t u[15] = { 0 };

	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_NS_ADD, 1);
	raw_attr(r, FCNVME_A_NQN, "nqn.2026-11.io.x:a", 19);
	raw_attr(r, FCNVME_A_BACKEND, "ram", 4);
	raw_attr(r, FCNVME_A_UUID, u, 15);
}
static void b_nested(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME | NLA_F_NESTED, "p0", 3);
}
static void b_byteorder(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(r, FCNVME_A_NAME | NLA_F_NET_BYTEORDER, "p0", 3);
}
static void b_huge(struct raw *r)
{
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_STATUS, 1);
	raw_setlen(r, FCNVME_CTL_MSG_MAX + 4);
}
static void b_list_elem(struct raw *r)
{
	uint8_t inner[8] = { 7, 0, FCNVME_A_NAME, 0, 'p', '0', 0, 0 };

	/* A list is only valid in replies, so validate as one below. */
	raw_init(r, FCNVME_CTL_TYPE, FCNVME_CMD_SUBSYS_LIST, 1);
	raw_attr(r, FCNVME_A_HOSTS | NLA_F_NESTED, inner, 8);
}

static const struct bad bad_vectors[] = {
	{ "short", -EBADMSG, "message shorter than a netlink header", b_short },
	{ "trailing", -EBADMSG, "netlink length 20 but datagram of 24 bytes", b_trailing },
	{ "unaligned", -EBADMSG, "message length 22 is not a multiple of 4", b_unaligned },
	{ "version", -EPROTONOSUPPORT, "protocol version 2, this side speaks 1", b_version },
	{ "command", -EOPNOTSUPP, "unknown command 200", b_cmd },
	{ "command 0", -EOPNOTSUPP, "unknown command 0", b_cmd0 },
	{ "reserved", -EBADMSG, "reserved header bits set", b_reserved },
	{ "type", -EBADMSG, "unexpected message type 3", b_type },
	{ "no ctlhdr", -EBADMSG, "message shorter than the control header", b_nohdr },
	{ "unknown attr", -EINVAL, "unknown attribute 99", b_unknown },
	{ "duplicate", -EINVAL, "duplicate attribute name", b_dup },
	{ "unterminated", -EINVAL, "attribute name: string not NUL-terminated", b_unterminated },
	{ "oversize", -EINVAL, "attribute name: string longer than 31 bytes", b_oversize },
	{ "inner NUL", -EINVAL, "attribute name: NUL inside the string", b_innernul },
	{ "empty string", -EINVAL, "attribute name: string not NUL-terminated", b_emptystr },
	{ "int size", -EINVAL, "attribute nsid: 8 bytes, expected 4", b_intsize },
	{ "range", -ERANGE, "attribute nsid: value 0 outside 1..4294967294", b_range },
	{ "nla_len", -EINVAL, "attribute framing broken at offset 0", b_nlalen },
	{ "nla over", -EINVAL, "attribute framing broken at offset 0", b_nlaover },
	{ "tail", -EINVAL, "attribute framing broken at offset 8", b_tailbytes },
	{ "required", -EINVAL, "port-show needs attribute name", b_required },
	{ "allowed", -EINVAL, "port-show does not take attribute nsid", b_allowed },
	{ "bin size", -EINVAL, "attribute uuid: 15 bytes, expected 16", b_binsize },
	{ "nested flag", -EINVAL, "attribute name: wrong nesting flag", b_nested },
	{ "byteorder", -EINVAL, "attribute at offset 0: byte-order flag", b_byteorder },
	{ "huge", -EMSGSIZE, "message longer than 16384 bytes", b_huge },
	{ "list elem", -EINVAL, "list entry of type 4, expected host-nqn", b_list_elem },
};

START_TEST(validate_rejects)
{
	const struct bad *v = &bad_vectors[_i];
	struct fcnvme_msg msg;
	static struct raw r;
	char why[256] = "";
	enum fcnvme_msg_kind kind = v->build == b_list_elem ? FCNVME_MSG_REPLY : FCNVME_MSG_REQUEST;

	v->build(&r);
	ck_assert_msg(raw_validate(&r, kind, &msg, why) == v->error, "%s: got %d (%s), want %d",
		      v->what, raw_validate(&r, kind, &msg, why), why, v->error);
	if (v->why != NULL)
		ck_assert_str_eq(why, v->why);
}
END_TEST

/* FCNVME_A_LAT_HIST entries: u16 index, u64 count, packed. */
static void hist_entry(uint8_t *e, uint16_t idx, uint64_t n)
{
	memcpy(e, &idx, 2);
	memcpy(e + 2, &n, 8);
}

/* A stats reply carrying the histogram payload p of len bytes. */
static int hist_validate(const uint8_t *p, uint16_t len, struct fcnvme_msg *msg, char *why)
{
	static struct raw r;

	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_STATS, 1);
	raw_attr(&r, FCNVME_A_LAT_HIST, p, len);
	return raw_validate(&r, FCNVME_MSG_REPLY, msg, why);
}

/* The histogram attribute: put -> validate -> get gives the same buckets
 * (the sum travels in FCNVME_A_LAT_SUM); malformed payloads are refused
 * with the reason. */
START_TEST(hist_attr)
{
	static struct fcnvme_hist h, back;
	struct fcnvme_msg msg;
	struct nl_msg *m;
	uint8_t e[4 * FCNVME_HIST_ENTRY];
	char why[256];

	memset(&h, 0, sizeof(h));
	fcnvme_hist_record(&h, 0);
	fcnvme_hist_record(&h, 1000);
	fcnvme_hist_record(&h, 1000);
	fcnvme_hist_record(&h, UINT64_MAX);
	m = fcnvme_msg_new(FCNVME_CMD_STATS, NLM_F_MULTI, 1);
	ck_assert_int_eq(fcnvme_msg_put_hist(m, FCNVME_A_LAT_HIST, &h), 0);
	ck_assert_int_eq(fcnvme_msg_put_hist(m, FCNVME_A_NAME, &h), -EINVAL);
	/* 3 entries of 10 bytes after the 4-byte attribute header, padded */
	ck_assert_uint_eq(fcnvme_msg_len(m), NLMSG_HDRLEN + 4 + NLA_ALIGN(NLA_HDRLEN + 30));
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m), FCNVME_MSG_REPLY,
					     &msg, why, sizeof(why)),
			 0);
	ck_assert_int_eq(fcnvme_msg_get_hist(&msg, FCNVME_A_LAT_HIST, &back), 0);
	ck_assert_mem_eq(back.n, h.n, sizeof(h.n));
	ck_assert_int_eq(fcnvme_msg_get_hist(&msg, FCNVME_A_LAT_SUM, &back), -EINVAL);
	fcnvme_msg_free(m);
	/* empty: length 0 is valid */
	ck_assert_int_eq(hist_validate(e, 0, &msg, why), 0);
	ck_assert_int_eq(fcnvme_msg_get_hist(&msg, FCNVME_A_LAT_HIST, &back), 0);
	ck_assert_uint_eq(fcnvme_hist_count(&back), 0);
	hist_entry(e, 3, 1);
	ck_assert_int_eq(hist_validate(e, 11, &msg, why), -EINVAL);
	ck_assert_str_eq(why, "attribute lat-hist: 11 bytes, not up to 496 entries of 10");
	hist_entry(e + 10, 3, 1);
	ck_assert_int_eq(hist_validate(e, 20, &msg, why), -EINVAL);
	ck_assert_str_eq(why, "attribute lat-hist: bucket 3 out of order or range");
	hist_entry(e + 10, 496, 1);
	ck_assert_int_eq(hist_validate(e, 20, &msg, why), -EINVAL);
	ck_assert_str_eq(why, "attribute lat-hist: bucket 496 out of order or range");
	hist_entry(e + 10, 4, 0);
	ck_assert_int_eq(hist_validate(e, 20, &msg, why), -EINVAL);
	ck_assert_str_eq(why, "attribute lat-hist: bucket 4 with count 0");
	hist_entry(e + 10, 495, 7);
	ck_assert_int_eq(hist_validate(e, 20, &msg, why), 0);
	ck_assert_int_eq(fcnvme_msg_get_hist(&msg, FCNVME_A_LAT_HIST, &back), 0);
	ck_assert_uint_eq(back.n[3], 1);
	ck_assert_uint_eq(back.n[495], 7);
	ck_assert_uint_eq(fcnvme_hist_count(&back), 8);
}
END_TEST

START_TEST(validate_accepts_minimal)
{
	struct fcnvme_msg msg;
	static struct raw r;
	char why[256];

	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(&r, FCNVME_A_NAME, "p0", 3);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), 0);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_NAME), "p0");
	ck_assert_uint_eq(msg.nlh->nlmsg_seq, 42);
	/* A 31-character name is the longest allowed. */
	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_SHOW, 1);
	raw_attr(&r, FCNVME_A_NAME, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 32);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), 0);
}
END_TEST

START_TEST(reply_skips_unknown)
{
	struct fcnvme_msg msg;
	static struct raw r;
	uint32_t v = 5;
	char why[256];

	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_PORT_LIST, 1);
	raw_attr(&r, 99, &v, 4);
	raw_attr(&r, FCNVME_A_NAME, "p0", 3);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), -EINVAL);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REPLY, &msg, why), 0);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_NAME), "p0");
	/* ...but known ones are still checked strictly. */
	raw_attr(&r, FCNVME_A_NAME, "p1", 3);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REPLY, &msg, why), -EINVAL);
}
END_TEST

START_TEST(error_reply_shape)
{
	struct nl_msg *req = fcnvme_msg_new(FCNVME_CMD_PORT_SHOW, NLM_F_REQUEST, 77);
	struct nl_msg *e;
	struct fcnvme_msg msg;
	const struct nlmsgerr *ne;
	struct nlmsghdr *h;
	char why[256];

	e = fcnvme_msg_new_error(fcnvme_msg_hdr(req), -ENOENT, "no port x");
	h = fcnvme_msg_hdr(e);
	ck_assert_uint_eq(h->nlmsg_type, NLMSG_ERROR);
	ck_assert_uint_eq(h->nlmsg_seq, 77);
	ck_assert_uint_eq(h->nlmsg_flags, NLM_F_CAPPED | NLM_F_ACK_TLVS);
	/* header 16 + nlmsgerr 20 + errmsg attr 4 + 10 -> 14, padded 16 */
	ck_assert_uint_eq(h->nlmsg_len, 16 + 20 + 16);
	ne = nlmsg_data(h);
	ck_assert_int_eq(ne->error, -ENOENT);
	ck_assert_uint_eq(ne->msg.nlmsg_seq, 77);
	ck_assert_uint_eq(ne->msg.nlmsg_len, NLMSG_HDRLEN);
	ck_assert_int_eq(
		fcnvme_msg_validate(h, h->nlmsg_len, FCNVME_MSG_REPLY, &msg, why, sizeof(why)), 0);
	ck_assert_int_eq(msg.error, -ENOENT);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG), "no port x");
	fcnvme_msg_free(e);

	/* An ack has no attributes and error 0. */
	e = fcnvme_msg_new_error(fcnvme_msg_hdr(req), 0, NULL);
	h = fcnvme_msg_hdr(e);
	ck_assert_uint_eq(h->nlmsg_len, 16 + 20);
	ck_assert_uint_eq(h->nlmsg_flags, NLM_F_CAPPED);
	fcnvme_msg_free(e);

	e = fcnvme_msg_new_done(fcnvme_msg_hdr(req));
	h = fcnvme_msg_hdr(e);
	ck_assert_uint_eq(h->nlmsg_type, NLMSG_DONE);
	ck_assert_uint_eq(h->nlmsg_len, 20);
	ck_assert_uint_eq(h->nlmsg_flags, NLM_F_MULTI);
	ck_assert_int_eq(
		fcnvme_msg_validate(h, h->nlmsg_len, FCNVME_MSG_REPLY, &msg, why, sizeof(why)), 0);
	ck_assert_uint_eq(msg.type, NLMSG_DONE);
	fcnvme_msg_free(e);
	fcnvme_msg_free(req);
}
END_TEST

static int collect(const char *s, void *arg)
{
	strcat(arg, s);
	strcat(arg, "|");
	return 0;
}

START_TEST(list_roundtrip)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_SUBSYS_LIST, NLM_F_MULTI, 3);
	struct fcnvme_msg msg;
	struct nlattr *l;
	char out[256] = "", why[256];

	l = fcnvme_msg_list_start(m, FCNVME_A_HOSTS);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(fcnvme_msg_list_put_str(m, l, "nqn.2026-11.io.x:h1"), 0);
	ck_assert_int_eq(fcnvme_msg_list_put_str(m, l, "nqn.2026-11.io.x:h2"), 0);
	ck_assert_int_eq(fcnvme_msg_list_end(m, l), 0);
	ck_assert_ptr_null(fcnvme_msg_list_start(m, FCNVME_A_NAME));
	l = fcnvme_msg_list_start(m, FCNVME_A_PORTS);
	ck_assert_int_eq(fcnvme_msg_list_end(m, l), 0); /* empty list */
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m), FCNVME_MSG_REPLY,
					     &msg, why, sizeof(why)),
			 0);
	ck_assert_int_eq(fcnvme_msg_list_foreach(&msg, FCNVME_A_HOSTS, collect, out), 0);
	ck_assert_str_eq(out, "nqn.2026-11.io.x:h1|nqn.2026-11.io.x:h2|");
	out[0] = '\0';
	ck_assert_int_eq(fcnvme_msg_list_foreach(&msg, FCNVME_A_PORTS, collect, out), 0);
	ck_assert_str_eq(out, "");
	fcnvme_msg_free(m);
}
END_TEST

static int collect_u64(uint64_t v, void *arg)
{
	uint64_t *sum = arg;

	*sum = *sum * 1000 + v;
	return 0;
}

START_TEST(list_u64)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_SUBSYS_SHOW, NLM_F_MULTI, 3);
	struct fcnvme_msg msg;
	struct nlattr *l;
	uint64_t sum = 0;
	char why[256], out[64] = "";
	const uint8_t *p;

	l = fcnvme_msg_list_start(m, FCNVME_A_WWPNS);
	ck_assert_int_eq(fcnvme_msg_list_put_u64(m, l, 7), 0);
	ck_assert_int_eq(fcnvme_msg_list_put_u64(m, l, 9), 0);
	ck_assert_int_eq(fcnvme_msg_list_put_str(m, l, "x"), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_list_end(m, l), 0);
	/* nla_len 4 + 2 * 12 = 28, type WWPNS | NLA_F_NESTED */
	p = (const uint8_t *)fcnvme_msg_hdr(m) + 20;
	ck_assert_uint_eq(p[0] | p[1] << 8, 28);
	ck_assert_uint_eq(p[2] | p[3] << 8, FCNVME_A_WWPNS | NLA_F_NESTED);
	ck_assert_uint_eq(p[4] | p[5] << 8, 12);
	ck_assert_uint_eq(p[6] | p[7] << 8, FCNVME_A_WWPN);
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m), FCNVME_MSG_REPLY,
					     &msg, why, sizeof(why)),
			 0);
	ck_assert_int_eq(fcnvme_msg_list_foreach_u64(&msg, FCNVME_A_WWPNS, collect_u64, &sum), 0);
	ck_assert_uint_eq(sum, 7009);
	/* The string iterator does not walk a u64 list. */
	ck_assert_int_eq(fcnvme_msg_list_foreach(&msg, FCNVME_A_WWPNS, collect, out), 0);
	ck_assert_str_eq(out, "");
	fcnvme_msg_free(m);
}
END_TEST

/* A host list reply (who tried to log in): put -> validate -> get; the
 * counts list holds u64 elements; "allowed" is a flag; host show needs a
 * WWPN and host list takes an optional port name. */
START_TEST(host_list_reply)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_HOST_LIST, NLM_F_MULTI, 4);
	struct fcnvme_msg msg;
	struct nlattr *l;
	uint64_t sum = 0, v64 = 0;
	uint16_t v16 = 0;
	uint8_t v8 = 9;
	char why[256], out[128] = "";
	static struct raw r;
	uint8_t two = 2;

	l = fcnvme_msg_list_start(m, FCNVME_A_HOST_NQNS);
	ck_assert_int_eq(fcnvme_msg_list_put_str(m, l, "nqn.2026-11.io.x:h1"), 0);
	ck_assert_int_eq(fcnvme_msg_list_put_str(m, l, "nqn.2026-11.io.x:h0"), 0);
	ck_assert_int_eq(fcnvme_msg_list_end(m, l), 0);
	l = fcnvme_msg_list_start(m, FCNVME_A_NQN_COUNTS);
	ck_assert_int_eq(fcnvme_msg_list_put_u64(m, l, 30), 0);
	ck_assert_int_eq(fcnvme_msg_list_put_u64(m, l, 2), 0);
	ck_assert_int_eq(fcnvme_msg_list_end(m, l), 0);
	ck_assert_int_eq(fcnvme_msg_put_u8(m, FCNVME_A_ALLOWED, 0), 0);
	ck_assert_int_eq(fcnvme_msg_put_u8(m, FCNVME_A_ALLOWED, 2), -EINVAL);
	ck_assert_int_eq(fcnvme_msg_put_u64(m, FCNVME_A_REFUSALS, 5), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_REFUSAL, "host not allowed"), 0);
	ck_assert_int_eq(fcnvme_msg_put_u16(m, FCNVME_A_REF_STATUS, 0x4184), 0);
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m), FCNVME_MSG_REPLY,
					     &msg, why, sizeof(why)),
			 0);
	ck_assert_int_eq(fcnvme_msg_list_foreach(&msg, FCNVME_A_HOST_NQNS, collect, out), 0);
	ck_assert_str_eq(out, "nqn.2026-11.io.x:h1|nqn.2026-11.io.x:h0|");
	ck_assert_int_eq(fcnvme_msg_list_foreach_u64(&msg, FCNVME_A_NQN_COUNTS, collect_u64, &sum),
			 0);
	ck_assert_uint_eq(sum, 30002);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_ALLOWED, &v8), 0);
	ck_assert_uint_eq(v8, 0);
	ck_assert_int_eq(fcnvme_msg_get_u64(&msg, FCNVME_A_REFUSALS, &v64), 0);
	ck_assert_uint_eq(v64, 5);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_REFUSAL), "host not allowed");
	ck_assert_int_eq(fcnvme_msg_get_u16(&msg, FCNVME_A_REF_STATUS, &v16), 0);
	ck_assert_uint_eq(v16, 0x4184);
	ck_assert_str_eq(fcnvme_attr_name(FCNVME_A_NQN_COUNTS), "host-nqn-counts");
	fcnvme_msg_free(m);

	/* A flag out of range is refused on the wire too. */
	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_HOST_LIST, 1);
	raw_attr(&r, FCNVME_A_ALLOWED, &two, 1);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REPLY, &msg, why), -ERANGE);
	/* host show needs its WWPN; host list takes a port name. */
	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_HOST_SHOW, 1);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), -EINVAL);
	raw_attr(&r, FCNVME_A_WWPN, &sum, 8);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), 0);
	raw_init(&r, FCNVME_CTL_TYPE, FCNVME_CMD_HOST_LIST, 1);
	raw_attr(&r, FCNVME_A_NAME, "p0", 3);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), 0);
	raw_attr(&r, FCNVME_A_WWPN, &sum, 8);
	ck_assert_int_eq(raw_validate(&r, FCNVME_MSG_REQUEST, &msg, why), -EINVAL);
}
END_TEST

/* Suite: the control protocol in libfcnvme. */
Suite *ctl_proto_suite(void)
{
	Suite *s = suite_create("ctl_proto");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, tables_complete);
	tcase_add_test(tc, enum_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("build");
	tcase_add_test(tc, build_exact_bytes);
	tcase_add_test(tc, build_then_validate);
	tcase_add_test(tc, put_checks_policy);
	tcase_add_test(tc, list_roundtrip);
	tcase_add_test(tc, list_u64);
	tcase_add_test(tc, host_list_reply);
	tcase_add_test(tc, error_reply_shape);
	suite_add_tcase(s, tc);
	tc = tcase_create("validate");
	tcase_add_loop_test(tc, validate_rejects, 0,
			    (int)(sizeof(bad_vectors) / sizeof(bad_vectors[0])));
	tcase_add_test(tc, validate_accepts_minimal);
	tcase_add_test(tc, hist_attr);
	tcase_add_test(tc, reply_skips_unknown);
	suite_add_tcase(s, tc);
	return s;
}
