// SPDX-License-Identifier: Apache-2.0
/*
 * What the daemon tells about itself: the rate limiter of repeated
 * messages (log_rl), the exact journal fields of an entry (log_journal,
 * through an injected sink), $JOURNAL_STREAM matching, the stderr copy of
 * messages until the daemon is up, the event lines of refused Connects and
 * keep-alive expiry (evlog) with their fields, and the argument line of a
 * control request (fcnvme_msg_format_args).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <check.h>
#include <fcnvme/fc_wire.h>
#include <fcnvmectl/ctl_msg.h>

#include "evlog.h"
#include "log.h"
#include "log_journal.h"
#include "log_rl.h"
#include "stderr_capture.h"
#include "suites_control.h"

/* ---- rate limiter ------------------------------------------------------- */

static char rl_out[1024];

static void rl_summary(void *arg, uint64_t wwpn, const char *reason, unsigned int n,
		       uint64_t interval_ms)
{
	size_t used = strlen(rl_out);

	(void)arg;
	snprintf(rl_out + used, sizeof(rl_out) - used, "%llx %s %u %llu;", (unsigned long long)wwpn,
		 reason, n, (unsigned long long)interval_ms);
}

START_TEST(rl_first_then_summary)
{
	static struct log_rl rl;
	unsigned int i, allowed = 0;

	rl_out[0] = '\0';
	log_rl_init(&rl, 1000, 1, rl_summary, NULL);
	/* 1000 refusals of one host within a second: the first is logged. */
	for (i = 0; i < 1000; i++)
		allowed += log_rl_allow(&rl, 0xa1, "host not allowed", 5000 + i / 2);
	ck_assert_uint_eq(allowed, 1);
	/* Another reason and another host are keys of their own. */
	ck_assert(log_rl_allow(&rl, 0xa1, "subsystem unknown", 5100));
	ck_assert(log_rl_allow(&rl, 0xa2, "host not allowed", 5100));
	ck_assert_str_eq(rl_out, "");
	/* The interval is not over at 5999, over at 6000: the summary. */
	log_rl_flush(&rl, 5999);
	ck_assert_str_eq(rl_out, "");
	log_rl_flush(&rl, 6000);
	ck_assert_str_eq(rl_out, "a1 host not allowed 999 1000;");
	/* Nothing suppressed: no summary; the next one logs again. */
	rl_out[0] = '\0';
	log_rl_flush(&rl, 7000);
	ck_assert_str_eq(rl_out, "");
	ck_assert(log_rl_allow(&rl, 0xa1, "host not allowed", 7001));
	ck_assert(!log_rl_allow(&rl, 0xa1, "host not allowed", 7002));
	/* A new interval that starts on an event reports the old one first. */
	ck_assert(log_rl_allow(&rl, 0xa1, "host not allowed", 8001));
	ck_assert_str_eq(rl_out, "a1 host not allowed 1 1000;");
}
END_TEST

START_TEST(rl_burst_and_full_table)
{
	static struct log_rl rl;
	unsigned int i, allowed = 0;

	rl_out[0] = '\0';
	log_rl_init(&rl, 0, 3, rl_summary, NULL);
	ck_assert_uint_eq(rl.interval_ms, LOG_RL_INTERVAL_MS);
	for (i = 0; i < 10; i++)
		allowed += log_rl_allow(&rl, 0xb1, "connected", 100);
	ck_assert_uint_eq(allowed, 3);
	/* More keys than slots: the oldest key's summary comes out first. */
	for (i = 0; i < LOG_RL_SLOTS; i++)
		ck_assert(log_rl_allow(&rl, 0x1000 + i, "connected", 200 + i));
	ck_assert_str_eq(rl_out, "b1 connected 7 5000;");
}
END_TEST

/* ---- journal sink ------------------------------------------------------- */

static char jout[4096];
static int jentries;

static int jcapture(const struct iovec *iov, int n)
{
	size_t used = strlen(jout);
	int i;

	for (i = 0; i < n; i++) {
		snprintf(jout + used, sizeof(jout) - used, "%.*s\n", (int)iov[i].iov_len,
			 (const char *)iov[i].iov_base);
		used = strlen(jout);
	}
	snprintf(jout + used, sizeof(jout) - used, "--\n");
	jentries++;
	return 0;
}

START_TEST(journal_fields_exact)
{
	const struct log_fields f = {
		.port = "p0",
		.subsys_nqn = "nqn.2026-11.io.nvmetfcd:demo",
		.host_nqn = "nqn.2014-08.org.nvmexpress:uuid:1",
		.host_wwpn = 0x10000090fb000001ull,
	};
	const struct log_fields some = { .subsys_nqn = "nqn.x:y" };

	jout[0] = '\0';
	ck_assert_int_eq(log_journal_send(jcapture, LOG_WARNING, &f, "refused"), 0);
	ck_assert_int_eq(log_journal_send(jcapture, LOG_NOTICE, &some, "ok"), 0);
	ck_assert_int_eq(log_journal_send(jcapture, LOG_INFO, NULL, "plain"), 0);
	ck_assert_str_eq(jout, "MESSAGE=refused\n"
			       "PRIORITY=4\n"
			       "SYSLOG_IDENTIFIER=nvmetfcd\n"
			       "PORT=p0\n"
			       "SUBSYS_NQN=nqn.2026-11.io.nvmetfcd:demo\n"
			       "HOST_NQN=nqn.2014-08.org.nvmexpress:uuid:1\n"
			       "HOST_WWPN=0x10000090fb000001\n"
			       "--\n"
			       "MESSAGE=ok\n"
			       "PRIORITY=5\n"
			       "SYSLOG_IDENTIFIER=nvmetfcd\n"
			       "SUBSYS_NQN=nqn.x:y\n"
			       "--\n"
			       "MESSAGE=plain\n"
			       "PRIORITY=6\n"
			       "SYSLOG_IDENTIFIER=nvmetfcd\n"
			       "--\n");
}
END_TEST

START_TEST(journal_stream_match)
{
	char tmpl[] = "/tmp/check_jstream.XXXXXX", v[64];
	int fd = mkstemp(tmpl);
	struct stat st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
	ck_assert(log_journal_stream(fd));
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", v, 1);
	ck_assert(!log_journal_stream(fd));
	setenv("JOURNAL_STREAM", "garbage", 1);
	ck_assert(!log_journal_stream(fd));
	unsetenv("JOURNAL_STREAM");
	ck_assert(!log_journal_stream(fd));
	close(fd);
	unlink(tmpl);
}
END_TEST

/* ---- the logger: early stderr, events through the journal -------------- */

static void early_sample(void)
{
	unsetenv("JOURNAL_STREAM");
	unsetenv("INVOCATION_ID");
	log_init(0, 0); /* not in the foreground: syslog, and stderr until ready */
	log_warnx("cannot read %s", "x.conf");
	log_ready();
	log_warnx("after ready");
}

START_TEST(early_errors_on_stderr)
{
	ck_assert_str_eq(stderr_capture(early_sample), "nvmetfcd: cannot read x.conf\n");
}
END_TEST

static void events_sample(void)
{
	struct tgt_assoc_event ev = {
		.kind = TGT_ASSOC_EV_CONNECT_REFUSED,
		.port = "p0",
		.host_wwpn = 0x10000090fb000001ull,
		.assoc_id = 0x1234,
		.host_nqn = "nqn.2014-08.org.nvmexpress:uuid:9",
		.subsys_nqn = "nqn.2026-11.io.nvmetfcd:demo",
		.reason = "host not allowed",
		.status = 0x4184,
		.ipo = (1 << 16) | 512,
	};
	unsigned int i;

	log_init(1, 0);
	evlog_init(1000);
	for (i = 0; i < 1000; i++)
		evlog_assoc(&ev, 10000 + i / 4);
	ev.kind = TGT_ASSOC_EV_KA_EXPIRED;
	ev.host_nqn = "nqn.2014-08.org.nvmexpress:uuid:1";
	ev.timeout_ms = 5000;
	ev.cntlid = 3;
	evlog_assoc(&ev, 10100);
	evlog_tick(10999);
	evlog_tick(11000);
}

START_TEST(event_lines)
{
	ck_assert_str_eq(
		stderr_capture(events_sample),
		"<4>host nqn.2014-08.org.nvmexpress:uuid:9 (wwpn 0x10000090fb000001) on port p0: "
		"refused by nqn.2026-11.io.nvmetfcd:demo: host not allowed (Connect qid 0, status "
		"0x4184, invalid field Connect data byte 512 (hostnqn))\n"
		"<4>host nqn.2014-08.org.nvmexpress:uuid:1 (wwpn 0x10000090fb000001) on port p0: "
		"keep-alive timeout on nqn.2026-11.io.nvmetfcd:demo (controller 3): no command for "
		"5000 ms; deleting association 0x0000000000001234\n"
		"<4>host port 0x10000090fb000001: suppressed 999 similar messages (Connect refused: "
		"host not allowed) in 1 s\n");
}
END_TEST

static void ls_rejected_sample(void)
{
	struct tgt_assoc_event ev = {
		.kind = TGT_ASSOC_EV_LS_REJECTED,
		.port = "p0",
		.host_wwpn = 0x10000090fb000001ull,
		.ls_cmd = FCNVME_LS_CREATE_CONNECTION,
		.reason = "Create Connection rejected: insufficient resources",
		.ipo = -1,
	};

	log_init(1, 0);
	evlog_init(1000);
	evlog_assoc(&ev, 10000);
	evlog_assoc(&ev, 10001); /* the same again: suppressed, counted */
	/* a rejected Disconnect is routine: info, not at verbosity 0 */
	ev.ls_cmd = FCNVME_LS_DISCONNECT_ASSOC;
	ev.reason = "Disconnect Association rejected: invalid association";
	evlog_assoc(&ev, 10002);
	log_init(1, 1);
	evlog_assoc(&ev, 10003);
	evlog_tick(11000);
}

/* Why a host cannot connect: a rejected Create Connection at warning (the
 * same again counted, then said), a rejected Disconnect only when verbose. */
START_TEST(ls_rejected_lines)
{
	ck_assert_str_eq(stderr_capture(ls_rejected_sample),
			 "<4>host port 0x10000090fb000001 on port p0: Create Connection rejected: "
			 "insufficient resources\n"
			 "<6>host port 0x10000090fb000001 on port p0: Disconnect Association "
			 "rejected: invalid association\n"
			 "<4>host port 0x10000090fb000001: suppressed 1 similar messages (Create "
			 "Connection rejected: insufficient resources) in 1 s\n");
}
END_TEST

static void conflict_sample(void)
{
	static const uint8_t id[16] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
					0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
	static const uint8_t other[16] = { 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
					   0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22 };
	struct tgt_assoc_event ev = {
		.kind = TGT_ASSOC_EV_HOST_CONFLICT,
		.port = "p0",
		.host_wwpn = 0x10000090fb000001ull,
		.host_nqn = "nqn.h:1",
		.subsys_nqn = "nqn.s:1",
		.cntlid = 4,
		.hostid = id,
		.other_wwpn = 0x10000090fb000002ull,
		.other_nqn = "nqn.h:1",
		.other_hostid = other,
		.other_subsys = "nqn.s:2",
		.other_cntlid = 9,
		.ipo = -1,
	};

	log_init(1, 0);
	evlog_init(1000);
	evlog_assoc(&ev, 10000);
	ev.host_wwpn = 0x10000090fb000003ull;
	ev.other_nqn = "nqn.h:2";
	ev.other_hostid = id;
	evlog_assoc(&ev, 10001);
	evlog_assoc(&ev, 10002); /* the same host port again: suppressed, counted */
	evlog_tick(11001);
}

/* Two hosts that claim one identity: a warning naming both controllers,
 * their host ports and what they share (a host NQN, a Host ID). */
START_TEST(conflict_lines)
{
	ck_assert_str_eq(
		stderr_capture(conflict_sample),
		"<4>host nqn.h:1 (wwpn 0x10000090fb000001) on port p0: controller 4 of nqn.s:1 "
		"connected with host ID 11111111-1111-1111-1111-111111111111, but controller 9 of "
		"nqn.s:2 (host wwpn 0x10000090fb000002) has the same host NQN with host ID "
		"22222222-2222-2222-2222-222222222222: two hosts share one host NQN (a copied "
		"/etc/nvme/hostnqn?), or the host changed its host ID; host access lists cannot "
		"tell them apart\n"
		"<4>host nqn.h:1 (wwpn 0x10000090fb000003) on port p0: controller 4 of nqn.s:1 "
		"connected with host ID 11111111-1111-1111-1111-111111111111, which controller 9 "
		"of nqn.s:2 (host wwpn 0x10000090fb000002) has with host NQN nqn.h:2: two hosts "
		"share one host ID (a copied /etc/nvme/hostid?); reservations cannot tell them "
		"apart\n"
		"<4>host port 0x10000090fb000003: suppressed 1 similar messages (host identity "
		"conflict) in 1 s\n");
}
END_TEST

static void journal_event_sample(void)
{
	const struct tgt_assoc_event ev = {
		.kind = TGT_ASSOC_EV_ENDED,
		.port = "p1",
		.host_wwpn = 0x10000090fb000002ull,
		.assoc_id = 0xab,
		.host_nqn = "nqn.h:2",
		.subsys_nqn = "nqn.s:1",
		.reason = "keep-alive timeout",
		.cntlid = 7,
	};

	log_init(1, 0);
	evlog_init(0);
	log_set_journal(jcapture);
	evlog_assoc(&ev, 1);
	log_set_journal(NULL);
}

START_TEST(event_journal_fields)
{
	jout[0] = '\0';
	ck_assert_str_eq(stderr_capture(journal_event_sample), ""); /* the journal got it */
	ck_assert_str_eq(jout, "MESSAGE=host nqn.h:2 (wwpn 0x10000090fb000002) on port p1: "
			       "controller 7 of nqn.s:1 gone (association 0x00000000000000ab): "
			       "keep-alive timeout\n"
			       "PRIORITY=5\n"
			       "SYSLOG_IDENTIFIER=nvmetfcd\n"
			       "PORT=p1\n"
			       "SUBSYS_NQN=nqn.s:1\n"
			       "HOST_NQN=nqn.h:2\n"
			       "HOST_WWPN=0x10000090fb000002\n"
			       "--\n");
}
END_TEST

START_TEST(connect_field_names)
{
	char b[64];

	evlog_connect_field((1 << 16) | 256, b, sizeof(b));
	ck_assert_str_eq(b, "Connect data byte 256 (subnqn)");
	evlog_connect_field((1 << 16) | 16, b, sizeof(b));
	ck_assert_str_eq(b, "Connect data byte 16 (cntlid)");
	evlog_connect_field(44, b, sizeof(b));
	ck_assert_str_eq(b, "Connect command byte 44 (sqsize)");
	evlog_connect_field(42, b, sizeof(b));
	ck_assert_str_eq(b, "Connect command byte 42 (qid)");
	evlog_connect_field(7, b, sizeof(b));
	ck_assert_str_eq(b, "Connect command byte 7");
}
END_TEST

/* ---- control request arguments ------------------------------------------ */

START_TEST(ctl_args_line)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_NS_ADD, 0, 1);
	struct fcnvme_msg msg;
	char why[128], buf[256];
	uint8_t uuid[16] = { 0x01, 0x02, [15] = 0xff };

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, "nqn.2026-11.io.nvmetfcd:demo"), 0);
	ck_assert_int_eq(fcnvme_msg_put_u32(m, FCNVME_A_NSID, 2), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_BACKEND, "file"), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_PATH, "/srv/my disk.img"), 0);
	ck_assert_int_eq(fcnvme_msg_put_u64(m, FCNVME_A_SIZE, 1073741824), 0);
	ck_assert_int_eq(fcnvme_msg_put_bin(m, FCNVME_A_UUID, uuid, sizeof(uuid)), 0);
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m),
					     FCNVME_MSG_REQUEST, &msg, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(fcnvme_msg_format_args(&msg, buf, sizeof(buf)), strlen(buf));
	ck_assert_str_eq(buf, "nqn=nqn.2026-11.io.nvmetfcd:demo nsid=2 backend=file "
			      "path=\"/srv/my disk.img\" size=1073741824 "
			      "uuid=010200000000000000000000000000ff");
	/* Truncated to the buffer, NUL-terminated. */
	ck_assert_uint_eq(fcnvme_msg_format_args(&msg, buf, 12), 11);
	ck_assert_str_eq(buf, "nqn=nqn.202");
	fcnvme_msg_free(m);

	m = fcnvme_msg_new(FCNVME_CMD_ALLOWED_WWPN_ADD, 0, 2);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, "nqn.x:y"), 0);
	ck_assert_int_eq(fcnvme_msg_put_u64(m, FCNVME_A_WWPN, 0x10000090fb000001ull), 0);
	ck_assert_int_eq(fcnvme_msg_validate(fcnvme_msg_hdr(m), fcnvme_msg_len(m),
					     FCNVME_MSG_REQUEST, &msg, why, sizeof(why)),
			 0);
	fcnvme_msg_format_args(&msg, buf, sizeof(buf));
	ck_assert_str_eq(buf, "wwpn=0x10000090fb000001 nqn=nqn.x:y");
	fcnvme_msg_free(m);
}
END_TEST

/* Suite: the daemon's story in its log. */
Suite *story_log_suite(void)
{
	Suite *s = suite_create("story_log");
	TCase *tc = tcase_create("rl");

	tcase_add_test(tc, rl_first_then_summary);
	tcase_add_test(tc, rl_burst_and_full_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("journal");
	tcase_add_test(tc, journal_fields_exact);
	tcase_add_test(tc, journal_stream_match);
	suite_add_tcase(s, tc);
	tc = tcase_create("logger");
	tcase_add_test(tc, early_errors_on_stderr);
	tcase_add_test(tc, event_lines);
	tcase_add_test(tc, ls_rejected_lines);
	tcase_add_test(tc, conflict_lines);
	tcase_add_test(tc, event_journal_fields);
	tcase_add_test(tc, connect_field_names);
	tcase_add_test(tc, ctl_args_line);
	suite_add_tcase(s, tc);
	return s;
}
