// SPDX-License-Identifier: Apache-2.0
/*
 * Dispatch and grammar tests: every command has a daemon handler and
 * exactly one fcnvmectl entry; fcnvmectl words become the exact request;
 * ctl_dispatch() enforces permissions, answers with data + DONE, an ack,
 * or an error with the handler's reason; and the real control server on a
 * socket answers malformed datagrams with errors while it keeps serving.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <linux/netlink.h>
#include <netlink/msg.h>

#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl/ctl_dispatch.h"
#include "ctl/ctl_server.h"
#include "fake_target.h"
#include "fcd.h"
#include "suites_control.h"
#include "tools/fcnvmectl.h"

static struct fcd d;

/* Replies collected from ctl_dispatch, validated as a client would. */
static struct {
	uint64_t buf[16][FCNVME_CTL_MSG_MAX / 8];
	size_t len[16];
	int n;
} out;

static int collect(void *ctx, struct nl_msg *m)
{
	(void)ctx;
	ck_assert_int_lt(out.n, 16);
	out.len[out.n] = fcnvme_msg_len(m);
	memcpy(out.buf[out.n++], fcnvme_msg_hdr(m), fcnvme_msg_len(m));
	fcnvme_msg_free(m);
	return 0;
}

static void reply(int i, struct fcnvme_msg *msg)
{
	char why[256];

	ck_assert_int_lt(i, out.n);
	ck_assert_msg(fcnvme_msg_validate(out.buf[i], out.len[i], FCNVME_MSG_REPLY, msg, why,
					  sizeof(why)) == 0,
		      "%s", why);
}

/* Parse words like fcnvmectl and dispatch them for a peer of user uid. */
static int run_as(uid_t uid, bool writable, const char *words)
{
	struct ctl_peer peer = { .uid = uid, .writable = writable };
	char buf[512], *argv[16], err[512] = "";
	const struct ctlverb *v;
	struct fcnvme_msg msg;
	struct nl_msg *m;
	int argc = 0, rc;
	char *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", words);
	for (tok = strtok_r(buf, " ", &save); tok != NULL && argc < 16;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	ck_assert_msg(ctl_parse(argc, argv, 11, &v, &m, err, sizeof(err)) == 0, "%s: %s", words,
		      err);
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m),
					     FCNVME_MSG_REQUEST, &msg, err, sizeof(err)),
			 0);
	out.n = 0;
	rc = ctl_dispatch(&d, &msg, &peer, collect, NULL);
	fcnvme_msg_free(m);
	return rc;
}

/* The same for root (writable) or a stranger (read-only). */
static int run(bool writable, const char *words)
{
	return run_as(writable ? 0 : 65534, writable, words);
}

static void setup(void)
{
	struct conf *c = NULL;
	char err[512];

	fake_reset();
	memset(&d, 0, sizeof(d));
	d.tgt = fake_tgt();
	ck_assert_int_eq(
		conf_load_string(
			"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
			" wwpn = \"0x10000090fa000001\"; } );\n"
			"subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; ports = [ \"p0\" ]; } );\n",
			"t", &c, err, sizeof(err)),
		0);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), 0);
	fake_log_clear();
}

static void teardown(void)
{
	conf_free(d.conf);
	d.conf = NULL;
}

/* A command fcnvmectl runs alone (fcnvmectl_config.c): nothing is sent. */
static bool cli_local(const struct ctlverb *v)
{
	return v->verb && !strcmp(v->object, "config") && !strcmp(v->verb, "from-nvmetcli");
}

static bool cli_alias(const struct ctlverb *v)
{
	if (v->verb && !strcmp(v->object, "config") && !strcmp(v->verb, "export")) {
		ck_assert_uint_eq(v->cmd, FCNVME_CMD_CONFIG_SHOW);
		return true;
	}
	if (v->verb && !strcmp(v->object, "config") && !strcmp(v->verb, "import")) {
		ck_assert_uint_eq(v->cmd, FCNVME_CMD_CONFIG_RELOAD);
		return true;
	}
	return cli_local(v);
}

START_TEST(every_command_covered)
{
	unsigned int c, a;
	size_t i, n;

	for (c = 1; c <= FCNVME_CMD_MAX; c++) {
		ck_assert_msg(ctl_handlers[c] != NULL, "%s has no handler", fcnvme_cmds[c].name);
		/* one entry each, besides the two words fcnvmectl_config.c
		 * rewrites before sending: config export (a config show
		 * printed as JSON) and config import (a config reload of the
		 * converted file) */
		for (i = 0, n = 0; i < ctl_nverbs; i++)
			if (ctl_verbs[i].cmd == c && !cli_alias(&ctl_verbs[i]))
				n++;
		ck_assert_msg(n == 1, "%s has %zu CLI entries", fcnvme_cmds[c].name, n);
	}
	for (i = 0; i < ctl_nverbs; i++) {
		const struct fcnvme_cmd_desc *desc = fcnvme_cmd_desc(ctl_verbs[i].cmd);
		const struct ctlarg *o;
		int k;

		ck_assert_ptr_nonnull(desc);
		if (cli_local(&ctl_verbs[i]))
			continue;
		/* The CLI only sends what the command allows. */
		for (k = 0; k < CTL_MAX_POS && ctl_verbs[i].pos[k].name; k++)
			ck_assert(desc->allowed & FCNVME_ABIT(ctl_verbs[i].pos[k].attr));
		for (o = ctl_verbs[i].opts; o != NULL && o->name != NULL; o++)
			ck_assert(desc->allowed & FCNVME_ABIT(o->attr));
	}
	for (a = 1; a <= FCNVME_A_MAX; a++)
		ck_assert_msg(ctl_attr_kind[a] != ARG_NONE, "attr %u has no CLI format", a);
}
END_TEST

/* The attribute named by the n bytes at name, or 0. */
static unsigned int attr_named(const char *name, size_t n)
{
	unsigned int a;

	for (a = 1; a <= FCNVME_A_MAX; a++)
		if (fcnvme_attr_name(a) && strlen(fcnvme_attr_name(a)) == n &&
		    !strncmp(fcnvme_attr_name(a), name, n))
			return a;
	return 0;
}

/* Every text table's columns name attributes, and fit the table (a column
 * past CTL_MAX_COLS, or a misspelt one, would print nothing). */
START_TEST(table_columns_fit)
{
	const char *p;
	size_t i, n, cols;

	for (i = 0; i < ctl_nverbs; i++) {
		for (p = ctl_verbs[i].columns, cols = 0; p && *p; p += strspn(p, " ")) {
			n = strcspn(p, " ");
			ck_assert_msg(attr_named(p, n), "%s %s: column %.*s is no attribute",
				      ctl_verbs[i].object,
				      ctl_verbs[i].verb ? ctl_verbs[i].verb : "", (int)n, p);
			cols++;
			p += n;
		}
		ck_assert_msg(cols <= CTL_MAX_COLS, "%s %s: %zu columns", ctl_verbs[i].object,
			      ctl_verbs[i].verb ? ctl_verbs[i].verb : "", cols);
	}
}
END_TEST

START_TEST(cli_exact_request)
{
	static const uint8_t want[] = {
		32,
		0,
		0,
		0,
		0x10,
		0,
		1,
		0,
		11,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		FCNVME_CMD_HOST_INVALIDATE,
		1,
		0,
		0,
		12,
		0,
		FCNVME_A_WWPN,
		0,
		0x01,
		0xb7,
		0x19,
		0xff,
		0x24,
		0x00,
		0x00,
		0x21,
	};
	char *argv1[] = { "host", "invalidate", "21:00:00:24:ff:19:b7:01" };
	char *argv2[] = { "host", "invalidate", "naa.21000024FF19B701" };
	char *argv3[] = { "host", "invalid", "x" };
	char *argv4[] = { "namespace", "add", "nqn.2026-11.io.x:a", "ram", "size", "1M",
			  "size",      "2M" };
	char *argv5[] = { "namespace", "list" };
	char err[512];
	const struct ctlverb *v;
	struct nl_msg *m;

	ck_assert_int_eq(ctl_parse(3, argv1, 11, &v, &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(fcnvme_msg_len(m), 32);
	ck_assert_mem_eq(fcnvme_msg_hdr(m), want, sizeof(want));
	fcnvme_msg_free(m);
	/* Another spelling of the same WWPN gives the same bytes. */
	ck_assert_int_eq(ctl_parse(3, argv2, 11, &v, &m, err, sizeof(err)), 0);
	ck_assert_mem_eq(fcnvme_msg_hdr(m), want, sizeof(want));
	fcnvme_msg_free(m);
	ck_assert_int_eq(ctl_parse(3, argv3, 11, &v, &m, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "host: unknown verb \"invalid\" (one of: list, show, invalidate)");
	ck_assert_int_eq(ctl_parse(8, argv4, 11, &v, &m, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "size given twice");
	ck_assert_int_eq(ctl_parse(2, argv5, 11, &v, &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(fcnvme_msg_len(m), 20);
	fcnvme_msg_free(m);
}
END_TEST

/* Collects a list attribute's strings, comma-separated. */
static int join_str(const char *str, void *arg)
{
	char *buf = arg;

	if (*buf)
		strcat(buf, ",");
	strcat(buf, str);
	return 0;
}

/* referral add/list/set/del from the command line to the core: the ports
 * given by name reach the core as portids, the repeated host option as
 * one list, the TRADDR normalised; a reader may list but not add. */
START_TEST(dispatch_referrals)
{
	struct fcnvme_msg msg;
	char list[256] = "";
	uint16_t portid = 0;

	ck_assert_int_eq(run(true, "referral add r1 nn-20000090FB000001:pn-10000090fb000001"
				   " portid 7 port p0 host nqn.2026-11.io.x:h1"
				   " host nqn.2026-11.io.x:h2"),
			 0);
	ck_assert_str_eq(fake_log(),
			 "referral_add r1 0x20000090fb000001 0x10000090fb000001 7 1 2;");
	ck_assert_int_eq(run(false, "referral add r2 nn-0x20000090fb000002:pn-0x10000090fb000002"
				    " port p0"),
			 -EPERM);
	ck_assert_int_eq(run(false, "referral list"), 0);
	ck_assert_int_eq(out.n, 2);
	reply(0, &msg);
	ck_assert_uint_eq(msg.cmd, FCNVME_CMD_REFERRAL_LIST);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_REFERRAL), "r1");
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_TRADDR),
			 "nn-0x20000090fb000001:pn-0x10000090fb000001");
	ck_assert_int_eq(fcnvme_msg_get_u16(&msg, FCNVME_A_PORTID, &portid), 0);
	ck_assert_uint_eq(portid, 7);
	ck_assert_int_eq(fcnvme_msg_list_foreach(&msg, FCNVME_A_PORTS, join_str, list), 0);
	ck_assert_str_eq(list, "p0");
	list[0] = '\0';
	ck_assert_int_eq(fcnvme_msg_list_foreach(&msg, FCNVME_A_HOSTS, join_str, list), 0);
	ck_assert_str_eq(list, "nqn.2026-11.io.x:h1,nqn.2026-11.io.x:h2");
	/* set: the whole referral in place (what is left out takes its
	 * default: portid 0, every host); an unknown name changes nothing */
	fake_log_clear();
	ck_assert_int_eq(run(true, "referral set r1 nn-0x20000090fb000001:pn-0x10000090fb000009"
				   " treq required port p0"),
			 0);
	ck_assert_str_eq(fake_log(),
			 "referral_set r1 0x20000090fb000001 0x10000090fb000009 0 1 0 treq;");
	ck_assert_uint_eq(d.conf->nr_referrals, 1);
	ck_assert_int_eq(d.conf->referrals[0].treq, 1);
	ck_assert_uint_eq(d.conf->referrals[0].nr_hosts, 0);
	ck_assert_uint_eq(d.conf->referrals[0].portid, 0);
	fake_log_clear();
	ck_assert_int_eq(run(true, "referral set r9 nn-0x20000090fb000001:pn-0x10000090fb000009"
				   " port p0"),
			 -ENOENT);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG), "no referral r9");
	ck_assert_str_eq(fake_log(), "");
	ck_assert_int_eq(run(false, "referral set r1 nn-0x20000090fb000001:pn-0x10000090fb000001"
				    " port p0"),
			 -EPERM);
	ck_assert_str_eq(d.conf->referrals[0].traddr,
			 "nn-0x20000090fb000001:pn-0x10000090fb000009");
	fake_log_clear();
	ck_assert_int_eq(run(true, "referral del r1"), 0);
	ck_assert_str_eq(fake_log(), "referral_del r1;");
	ck_assert_uint_eq(d.conf->nr_referrals, 0);
}
END_TEST

START_TEST(dispatch_dump_and_ack)
{
	struct fcnvme_msg msg;
	uint32_t nsid = 0;

	ck_assert_int_eq(run(false, "port list"), 0);
	ck_assert_int_eq(out.n, 2);
	reply(0, &msg);
	ck_assert_uint_eq(msg.type, FCNVME_CTL_TYPE);
	ck_assert_uint_eq(msg.cmd, FCNVME_CMD_PORT_LIST);
	ck_assert_uint_eq(msg.nlh->nlmsg_flags, NLM_F_MULTI);
	ck_assert_uint_eq(msg.nlh->nlmsg_seq, 11);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_NAME), "p0");
	reply(1, &msg);
	ck_assert_uint_eq(msg.type, NLMSG_DONE);

	ck_assert_int_eq(run(true, "namespace add nqn.2026-11.io.x:a ram size 4M"), 0);
	ck_assert_str_eq(fake_log(), "ns_add nqn.2026-11.io.x:a 1;");
	ck_assert_int_eq(out.n, 2);
	reply(0, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u32(&msg, FCNVME_A_NSID, &nsid), 0);
	ck_assert_uint_eq(nsid, 1);

	ck_assert_int_eq(run(true, "port disable p0"), 0);
	ck_assert_int_eq(out.n, 1);
	reply(0, &msg);
	ck_assert_uint_eq(msg.type, NLMSG_ERROR);
	ck_assert_int_eq(msg.error, 0);
	ck_assert(!conf_port_find(d.conf, "p0")->enabled);
}
END_TEST

START_TEST(dispatch_errors)
{
	struct fcnvme_msg msg;

	ck_assert_int_eq(run(false, "subsystem del nqn.2026-11.io.x:a"), -EPERM);
	reply(0, &msg);
	ck_assert_int_eq(msg.error, -EPERM);
	ck_assert_str_eq(
		fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
		"subsystem-del changes the target: it needs root or the control socket's group");
	ck_assert_str_eq(fake_log(), "");

	ck_assert_int_eq(run(true, "namespace show nqn.2026-11.io.x:a 9"), -ENOENT);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "nqn.2026-11.io.x:a has no namespace 9");
	ck_assert_int_eq(run(true, "allowed-host del nqn.2026-11.io.x:a nqn.2026-11.io.x:zz"),
			 -ENOENT);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "host nqn.2026-11.io.x:zz is not allowed on nqn.2026-11.io.x:a");
	ck_assert_int_eq(run(true, "namespace add nqn.2026-11.io.x:a file size 1M"), -EINVAL);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG), "backend file needs a path");
	ck_assert_int_eq(run(true, "assoc delete 5"), -ENOENT);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "no association 0x0000000000000005");
}
END_TEST

/* namespace set: read-only and reservations in place through the same
 * operations as a reload, recorded in the running config; all or nothing
 * (a refused reservations change sets read-only back); refused without an
 * option, for a namespace that is not there, for a reader. */
START_TEST(dispatch_ns_set)
{
	struct fcnvme_msg msg;
	const struct conf_ns *cn;

	ck_assert_int_eq(run(true, "namespace add nqn.2026-11.io.x:a null size 1M"), 0);
	fake_log_clear();
	ck_assert_int_eq(
		run(true, "namespace set nqn.2026-11.io.x:a 1 read-only yes reservations yes"), 0);
	ck_assert_str_eq(fake_log(), "ns_readonly nqn.2026-11.io.x:a 1 1;"
				     "ns_resv nqn.2026-11.io.x:a 1 1;");
	cn = conf_ns_find(conf_subsys_find(d.conf, "nqn.2026-11.io.x:a"), 1);
	ck_assert(cn->readonly);
	ck_assert(cn->resv);
	/* the same again: nothing to do */
	fake_log_clear();
	ck_assert_int_eq(run(true, "namespace set nqn.2026-11.io.x:a 1 reservations on"), 0);
	ck_assert_str_eq(fake_log(), "");
	/* the core refuses reservations off: read-only is set back */
	fake_fail_on("ns_resv");
	ck_assert_int_eq(
		run(true, "namespace set nqn.2026-11.io.x:a 1 read-only no reservations no"), -EIO);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "fake failure of ns_resv nqn.2026-11.io.x:a 1 0; nothing was changed");
	ck_assert_str_eq(fake_log(), "ns_readonly nqn.2026-11.io.x:a 1 0;"
				     "FAIL ns_resv nqn.2026-11.io.x:a 1 0;"
				     "ns_readonly nqn.2026-11.io.x:a 1 1;");
	ck_assert(cn->readonly);
	ck_assert(cn->resv);
	fake_log_clear();
	ck_assert_int_eq(run(true, "namespace set nqn.2026-11.io.x:a 1"), -EINVAL);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "give read-only or reservations");
	ck_assert_int_eq(run(true, "namespace set nqn.2026-11.io.x:a 7 read-only no"), -ENOENT);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "nqn.2026-11.io.x:a has no namespace 7");
	ck_assert_int_eq(run(false, "namespace set nqn.2026-11.io.x:a 1 read-only no"), -EPERM);
	ck_assert_str_eq(fake_log(), "");
}
END_TEST

static uint64_t u64_of(const struct fcnvme_msg *msg, unsigned int attr)
{
	uint64_t v = 0;

	ck_assert_msg(fcnvme_msg_get_u64(msg, attr, &v) == 0, "attr %s missing",
		      fcnvme_attr_name(attr));
	return v;
}

/* stats: one row per port, subsystem, namespace and host with the core's
 * exact counters and percentiles, and the port's refusals (port rows
 * only); then DONE. */
START_TEST(dispatch_stats_rows)
{
	struct fcnvme_msg msg;
	uint16_t portid = 0;
	uint8_t obj = 0xff;
	uint64_t wwpn = 0;

	ck_assert_int_eq(run(true, "namespace add nqn.2026-11.io.x:a ram size 1M nsid 4"), 0);
	ck_assert_int_eq(run(false, "stats"), 0);
	ck_assert_int_eq(out.n, 5); /* port, subsystem, namespace, host, DONE */
	/* port p0 (id 1): the fake core's scale-2 counters */
	reply(0, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_OBJ, &obj), 0);
	ck_assert_uint_eq(obj, FCNVME_OBJ_PORT);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_NAME), "p0");
	ck_assert_int_eq(fcnvme_msg_get_u16(&msg, FCNVME_A_PORTID, &portid), 0);
	ck_assert_uint_eq(portid, 1);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_CMDS), 200);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_BYTES_READ), 122880);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_BYTES_WRITTEN), 81920);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_ERRORS), 2);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_ABORTS), 2);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_P50), 1984);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_P99), 19456);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_P999), 1500000);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_MAX), 1500000);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_REFUSALS), 7); /* the fake port's */
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_HOST_CONFLICTS), 3);
	ck_assert(!fcnvme_msg_has(&msg, FCNVME_A_NQN));
	/* subsystem a, then its namespace 4 */
	reply(1, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_OBJ, &obj), 0);
	ck_assert_uint_eq(obj, FCNVME_OBJ_SUBSYS);
	ck_assert(!fcnvme_msg_has(&msg, FCNVME_A_REFUSALS));
	ck_assert(!fcnvme_msg_has(&msg, FCNVME_A_HOST_CONFLICTS));
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_NQN), "nqn.2026-11.io.x:a");
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_CMDS), 100);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_P99), 19456);
	reply(2, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_OBJ, &obj), 0);
	ck_assert_uint_eq(obj, FCNVME_OBJ_NS);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_CMDS), 45);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_ERRORS), 1);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_ABORTS), 2);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_P50), 4864);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_MAX), 5000);
	/* the host of the one association */
	reply(3, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_OBJ, &obj), 0);
	ck_assert_uint_eq(obj, FCNVME_OBJ_HOST);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_HOST_NQN), "nqn.2026-11.io.x:h1");
	ck_assert_int_eq(fcnvme_msg_get_u64(&msg, FCNVME_A_WWPN, &wwpn), 0);
	ck_assert_uint_eq(wwpn, 0x10000090fa0000aaULL);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_CMDS), 100);
	ck_assert_uint_eq(u64_of(&msg, FCNVME_A_LAT_P999), 1500000);
	ck_assert(!fcnvme_msg_has(&msg, FCNVME_A_NQN));
	/* "stats namespace": only the namespace row */
	ck_assert_int_eq(run(false, "stats namespace"), 0);
	ck_assert_int_eq(out.n, 2);
	reply(0, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_OBJ, &obj), 0);
	ck_assert_uint_eq(obj, FCNVME_OBJ_NS);
}
END_TEST

/* assoc delete: needs write permission, reaches the core, the association
 * leaves assoc list and the host rows; a second delete is unknown. */
START_TEST(dispatch_assoc_delete)
{
	struct fcnvme_msg msg;

	ck_assert_int_eq(run(false, "assoc delete 0x123456789abc0000"), -EPERM);
	ck_assert_str_eq(fake_log(), "");
	ck_assert_int_eq(run(true, "assoc delete 0x123456789abc0000"), 0);
	ck_assert_str_eq(fake_log(), "ctrl_delete 0x123456789abc0000;");
	ck_assert_int_eq(run(false, "assoc list"), 0);
	ck_assert_int_eq(out.n, 1); /* DONE only */
	ck_assert_int_eq(run(false, "stats"), 0);
	ck_assert_int_eq(out.n, 3); /* port, subsystem, DONE: no host */
	ck_assert_int_eq(run(true, "assoc delete 0x123456789abc0000"), -ENOENT);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "no association 0x123456789abc0000");
}
END_TEST

START_TEST(dispatch_ops_through_conf)
{
	struct fcnvme_msg msg;
	uint8_t perm = 9;

	ck_assert_int_eq(run(true, "subsystem add nqn.2026-11.io.x:b model M allow-any-host yes"),
			 0);
	ck_assert_int_eq(run(true, "allowed-host add nqn.2026-11.io.x:b nqn.2026-11.io.x:h"), 0);
	ck_assert_int_eq(run(true, "subsystem add-port nqn.2026-11.io.x:b p0"), 0);
	ck_assert_int_eq(run(true, "ana add 4 inaccessible"), 0);
	ck_assert_int_eq(run(true, "ana set-state 4 optimized p0"), 0);
	ck_assert_int_eq(run(true, "subsystem set nqn.2026-11.io.x:b serial S1"), 0);
	ck_assert_int_eq(
		run(true,
		    "subsystem set nqn.2026-11.io.x:b cntlid-min 10 cntlid-max 20 ieee-oui 0x0090fa"),
		0);
	ck_assert_int_eq(run(true, "subsystem set nqn.2026-11.io.x:b cntlid-max 5"), -EINVAL);
	ck_assert_int_eq(run(true, "allowed-wwpn add nqn.2026-11.io.x:b 21:00:00:24:ff:19:ab:71"),
			 0);
	ck_assert_int_eq(run(true, "host invalidate 0x10000090fa0000aa"), 0);
	ck_assert_int_eq(run(true, "log level debug"), 0);
	ck_assert_str_eq(fake_log(), "subsys_add nqn.2026-11.io.x:b;"
				     "allow_host nqn.2026-11.io.x:b nqn.2026-11.io.x:h;"
				     "export nqn.2026-11.io.x:b 1;"
				     "ana_add 4;"
				     "ana_state 4 1 3;"
				     "ana_state 4 1 1;"
				     "subsys_set nqn.2026-11.io.x:b 0x1;"
				     "subsys_set nqn.2026-11.io.x:b 0x18;"
				     "allow_wwpn nqn.2026-11.io.x:b 0x21000024ff19ab71;"
				     "host_invalidate 0x10000090fa0000aa;");
	/* The running config records all of it. */
	ck_assert_str_eq(conf_subsys_find(d.conf, "nqn.2026-11.io.x:b")->serial, "S1");
	ck_assert_str_eq(conf_subsys_find(d.conf, "nqn.2026-11.io.x:b")->model, "M");
	ck_assert_uint_eq(conf_subsys_find(d.conf, "nqn.2026-11.io.x:b")->cntlid_min, 10);
	ck_assert_uint_eq(conf_subsys_find(d.conf, "nqn.2026-11.io.x:b")->cntlid_max, 20);
	ck_assert_uint_eq(conf_subsys_find(d.conf, "nqn.2026-11.io.x:b")->ieee_oui, 0x0090fa);
	ck_assert_uint_eq(conf_ana_find(d.conf, 4)->state, FCNVME_ANA_INACCESSIBLE);
	ck_assert_uint_eq(conf_ana_find(d.conf, 4)->nr_ports, 1);
	ck_assert_int_eq(d.conf->log_level, FCNVME_LOG_DEBUG);
	ck_assert_int_eq(run(false, "config show"), 0);
	reply(0, &msg);
	ck_assert_ptr_nonnull(
		strstr(fcnvme_msg_get_str(&msg, FCNVME_A_TEXT), "\t\tserial = \"S1\";\n"));
	ck_assert_int_eq(run(false, "stats"), 0);
	ck_assert_int_eq(run(false, "status"), 0);
	reply(0, &msg);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_VERSION), PACKAGE_VERSION);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_PERM, &perm), 0);
	ck_assert_uint_eq(perm, 0);
	ck_assert_int_eq(run(true, "status"), 0);
	reply(0, &msg);
	ck_assert_int_eq(fcnvme_msg_get_u8(&msg, FCNVME_A_PERM, &perm), 0);
	ck_assert_uint_eq(perm, 1);
}
END_TEST

/* The real server: a child drives it over the socket; the parent loops. */
static int child_main(const char *path)
{
	static const uint8_t dup_attr[36] = {
		36,
		0,
		0,
		0,
		0x10,
		0,
		1,
		0,
		3,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		FCNVME_CMD_PORT_SHOW,
		1,
		0,
		0,
		7,
		0,
		FCNVME_A_NAME,
		0,
		'p',
		'0',
		0,
		0,
		7,
		0,
		FCNVME_A_NAME,
		0,
		'p',
		'1',
		0,
		0,
	};
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8];
	struct fcnvme_client *c;
	struct fcnvme_msg msg;
	struct nl_msg *m;
	char err[256], why[256];
	ssize_t n;

	if (fcnvme_client_open(path, &c) != 0)
		return 10;
	if (fcnvme_client_send_raw(c, dup_attr, sizeof(dup_attr)) != 0)
		return 11;
	n = recv(fcnvme_client_fd(c), buf, sizeof(buf), 0);
	if (n <= 0 ||
	    fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, why, sizeof(why)) != 0)
		return 12;
	if (msg.error != -EINVAL ||
	    strcmp(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG), "duplicate attribute name") != 0)
		return 13;
	/* Garbage shorter than a header. */
	if (fcnvme_client_send_raw(c, "xx", 2) != 0)
		return 14;
	n = recv(fcnvme_client_fd(c), buf, sizeof(buf), 0);
	if (n <= 0 ||
	    fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, why, sizeof(why)) != 0 ||
	    msg.error != -EBADMSG)
		return 15;
	/* ...and the server still serves. */
	m = fcnvme_msg_new(FCNVME_CMD_VERSION, NLM_F_REQUEST, fcnvme_client_seq(c));
	if (fcnvme_client_request(c, m, NULL, NULL, err, sizeof(err)) != 0)
		return 16;
	fcnvme_msg_free(m);
	fcnvme_client_close(c);
	return 0;
}

/* config save FILE writes wherever root says; for a member of the socket
 * group (not root) only into the configuration file's directory. */
START_TEST(config_save_outside_conf_dir_root_only)
{
	char dir[] = "/tmp/check_ctl_save.XXXXXX", other[] = "/tmp/check_ctl_other.XXXXXX";
	char real[PATH_MAX], conf[PATH_MAX + 32], words[PATH_MAX + 64], want[2 * PATH_MAX];
	struct fcnvme_msg msg;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(mkdtemp(other));
	ck_assert_ptr_nonnull(realpath(dir, real));
	snprintf(conf, sizeof(conf), "%s/nvmetfcd.conf", dir);
	d.conf_path = conf;
	/* a group member: elsewhere refused, nothing written */
	snprintf(words, sizeof(words), "config save %s/evil.conf", other);
	ck_assert_int_eq(run_as(1000, true, words), -EPERM);
	reply(0, &msg);
	snprintf(want, sizeof(want),
		 "%s/evil.conf: only root may save outside the configuration directory %s", other,
		 real);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG), want);
	snprintf(words, sizeof(words), "%s/evil.conf", other);
	ck_assert_int_eq(access(words, F_OK), -1);
	snprintf(words, sizeof(words), "config save %s/../evil.conf", dir);
	ck_assert_int_eq(run_as(1000, true, words), -EPERM);
	snprintf(words, sizeof(words), "config save %s/", dir);
	ck_assert_int_eq(run_as(1000, true, words), -EPERM);
	/* in the configuration directory, or the file itself: fine */
	snprintf(words, sizeof(words), "config save %s/backup.conf", dir);
	ck_assert_int_eq(run_as(1000, true, words), 0);
	snprintf(words, sizeof(words), "%s/backup.conf", dir);
	ck_assert_int_eq(access(words, F_OK), 0);
	unlink(words);
	ck_assert_int_eq(run_as(1000, true, "config save"), 0);
	ck_assert_int_eq(access(conf, F_OK), 0);
	/* root: anywhere */
	snprintf(words, sizeof(words), "config save %s/root.conf", other);
	ck_assert_int_eq(run_as(0, true, words), 0);
	snprintf(words, sizeof(words), "%s/root.conf", other);
	ck_assert_int_eq(access(words, F_OK), 0);
	unlink(words);
	unlink(conf);
	rmdir(dir);
	rmdir(other);
	d.conf_path = NULL;
}
END_TEST

START_TEST(server_survives_garbage)
{
	char path[64];
	struct ctl_server *srv;
	int status = -1;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/check_ctl_srv.%d", (int)getpid());
	d.base = event_base_new();
	ck_assert_int_eq(ctl_server_open(&d, path, (gid_t)-1, &srv), 0);
	/* A second server on a live socket is refused. */
	ck_assert_int_eq(ctl_server_open(&d, path, (gid_t)-1, &(struct ctl_server *){ NULL }),
			 -EADDRINUSE);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		_exit(child_main(path));
	}
	while (waitpid(pid, &status, WNOHANG) == 0)
		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ctl_server_close(srv);
	event_base_free(d.base);
	d.base = NULL;
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* Suite: dispatch, CLI grammar, and the server. */
Suite *ctl_dispatch_suite(void)
{
	Suite *s = suite_create("ctl_dispatch");
	TCase *tc = tcase_create("dispatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_command_covered);
	tcase_add_test(tc, table_columns_fit);
	tcase_add_test(tc, cli_exact_request);
	tcase_add_test(tc, dispatch_dump_and_ack);
	tcase_add_test(tc, dispatch_referrals);
	tcase_add_test(tc, dispatch_ns_set);
	tcase_add_test(tc, dispatch_errors);
	tcase_add_test(tc, dispatch_stats_rows);
	tcase_add_test(tc, dispatch_assoc_delete);
	tcase_add_test(tc, dispatch_ops_through_conf);
	tcase_add_test(tc, config_save_outside_conf_dir_root_only);
	tcase_add_test(tc, server_survives_garbage);
	suite_add_tcase(s, tc);
	return s;
}
