// SPDX-License-Identifier: Apache-2.0
/*
 * Client tests: fcnvme_client_request() against a scripted server in a
 * child process on a real AF_UNIX SOCK_SEQPACKET socket: data messages are
 * delivered in order until NLMSG_DONE, errors come back as -errno with the
 * daemon's message, stale replies are skipped by sequence number, and a
 * malformed reply is reported as -EPROTO; a daemon that does not answer is
 * a timeout, not a hang.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <linux/netlink.h>

#include <fcnvme/clock.h>
#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "suites_control.h"

static char sock_path[108];

static void send_msg(int fd, struct nl_msg *m)
{
	send(fd, fcnvme_msg_hdr(m), fcnvme_msg_len(m), 0);
	fcnvme_msg_free(m);
}

/* The scripted server: answers each request by its command. */
static void serve(int lfd)
{
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8];
	struct fcnvme_msg msg;
	char why[256];
	int fd = accept(lfd, NULL, NULL);
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		struct nl_msg *m;
		int rc;

		rc = fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REQUEST, &msg, why,
					 sizeof(why));
		if (rc) {
			send_msg(fd, fcnvme_msg_new_error(h, rc, why));
			continue;
		}
		switch (msg.cmd) {
		case FCNVME_CMD_PORT_LIST:
			/* a stale answer first, then two rows and DONE */
			m = fcnvme_msg_new(msg.cmd, NLM_F_MULTI, h->nlmsg_seq - 1);
			fcnvme_msg_put_str(m, FCNVME_A_NAME, "stale");
			send_msg(fd, m);
			m = fcnvme_msg_new(msg.cmd, NLM_F_MULTI, h->nlmsg_seq);
			fcnvme_msg_put_str(m, FCNVME_A_NAME, "p0");
			send_msg(fd, m);
			m = fcnvme_msg_new(msg.cmd, NLM_F_MULTI, h->nlmsg_seq);
			fcnvme_msg_put_str(m, FCNVME_A_NAME, "p1");
			send_msg(fd, m);
			send_msg(fd, fcnvme_msg_new_done(h));
			break;
		case FCNVME_CMD_PORT_SHOW:
			send_msg(fd, fcnvme_msg_new_error(h, -ENOENT, "no port zz"));
			break;
		case FCNVME_CMD_PORT_ENABLE:
			send_msg(fd, fcnvme_msg_new_error(h, 0, NULL));
			break;
		default: {
			/* a reply whose string lacks its NUL */
			uint8_t bad[28] = { 28, 0, 0, 0, 0x10, 0, 2, 0 };

			memcpy(bad + 8, &h->nlmsg_seq, 4);
			bad[16] = (uint8_t)msg.cmd;
			bad[17] = FCNVME_CTL_VERSION;
			bad[20] = 7;
			bad[22] = FCNVME_A_NAME;
			bad[24] = 'a';
			bad[25] = 'b';
			bad[26] = 'c';
			send(fd, bad, sizeof(bad), 0);
			break;
		}
		}
	}
	_exit(0);
}

static pid_t start_server(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	pid_t pid;
	int lfd;

	snprintf(sock_path, sizeof(sock_path), "/tmp/check_ctl_client.%d", (int)getpid());
	unlink(sock_path);
	strcpy(sun.sun_path, sock_path);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Not Check's handlers: they would signal the whole group. */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		serve(lfd);
	}
	close(lfd);
	return pid;
}

/* The server exits when its client has closed the connection. */
static void stop_server(pid_t pid)
{
	int status = -1;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(sock_path);
}

static int collect(const struct fcnvme_msg *msg, void *arg)
{
	strcat(arg, fcnvme_msg_get_str(msg, FCNVME_A_NAME));
	strcat(arg, ",");
	return 0;
}

static int request(struct fcnvme_client *c, unsigned int cmd, const char *name, char *out,
		   char *err)
{
	struct nl_msg *m = fcnvme_msg_new(cmd, NLM_F_REQUEST, fcnvme_client_seq(c));
	int rc;

	if (name != NULL)
		fcnvme_msg_put_str(m, FCNVME_A_NAME, name);
	rc = fcnvme_client_request(c, m, collect, out, err, 256);
	fcnvme_msg_free(m);
	return rc;
}

START_TEST(client_dump_error_ack)
{
	pid_t pid = start_server();
	struct fcnvme_client *c;
	char out[256] = "", err[256];

	ck_assert_int_eq(fcnvme_client_open(sock_path, &c), 0);
	ck_assert_int_eq(request(c, FCNVME_CMD_PORT_LIST, NULL, out, err), 0);
	ck_assert_str_eq(out, "p0,p1,");
	out[0] = '\0';
	ck_assert_int_eq(request(c, FCNVME_CMD_PORT_SHOW, "zz", out, err), -ENOENT);
	ck_assert_str_eq(err, "no port zz");
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(request(c, FCNVME_CMD_PORT_ENABLE, "p0", out, err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(request(c, FCNVME_CMD_STATUS, NULL, out, err), -EPROTO);
	ck_assert_str_eq(err, "attribute name: string not NUL-terminated");
	fcnvme_client_close(c);
	stop_server(pid);
}
END_TEST

START_TEST(client_server_rejects_raw)
{
	pid_t pid = start_server();
	struct fcnvme_client *c;
	static const uint8_t bad_version[20] = {
		20, 0, 0, 0, 0x10, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, FCNVME_CMD_STATUS, 9, 0, 0
	};
	uint64_t buf[512];
	struct fcnvme_msg msg;
	char why[256];
	ssize_t n;

	ck_assert_int_eq(fcnvme_client_open(sock_path, &c), 0);
	ck_assert_int_eq(fcnvme_client_send_raw(c, bad_version, sizeof(bad_version)), 0);
	n = recv(fcnvme_client_fd(c), buf, sizeof(buf), 0);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(
		fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, why, sizeof(why)), 0);
	ck_assert_uint_eq(msg.type, NLMSG_ERROR);
	ck_assert_int_eq(msg.error, -EPROTONOSUPPORT);
	ck_assert_uint_eq(msg.nlh->nlmsg_seq, 5);
	ck_assert_str_eq(fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG),
			 "protocol version 9, this side speaks 1");
	fcnvme_client_close(c);
	stop_server(pid);
}
END_TEST

START_TEST(client_open_errors)
{
	struct fcnvme_client *c;
	char longp[200];

	ck_assert_int_eq(fcnvme_client_open("/nonexistent/sock", &c), -ENOENT);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(fcnvme_client_open(longp, &c), -ENAMETOOLONG);
}
END_TEST

static long ms_since(uint64_t t0)
{
	return (long)(fcnvme_clock_ms() - t0);
}

/* A daemon that is alive but does not answer: with a timeout the client
 * gives up with -ETIMEDOUT and says so, both waiting for a reply and
 * waiting to be let in (full backlog). */
START_TEST(client_timeout)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct fcnvme_client *c, *c2;
	uint64_t t0;
	struct nl_msg *m;
	char err[256];
	int lfd;
	long ms;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/check_ctl_client.t.%d", (int)getpid());
	unlink(sun.sun_path);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 0), 0); /* never accepted: a stuck daemon */
	ck_assert_int_eq(fcnvme_client_open_timeout(sun.sun_path, 200, &c), 0);
	m = fcnvme_msg_new(FCNVME_CMD_VERSION, NLM_F_REQUEST, fcnvme_client_seq(c));
	t0 = fcnvme_clock_ms();
	ck_assert_int_eq(fcnvme_client_request(c, m, NULL, NULL, err, sizeof(err)), -ETIMEDOUT);
	ms = ms_since(t0);
	ck_assert_msg(ms >= 150 && ms < 2000, "waited %ld ms", ms);
	ck_assert_str_eq(err, "no answer from the daemon within 200 ms");
	fcnvme_msg_free(m);
	/* the backlog is full now: connecting times out too */
	t0 = fcnvme_clock_ms();
	ck_assert_int_eq(fcnvme_client_open_timeout(sun.sun_path, 200, &c2), -ETIMEDOUT);
	ms = ms_since(t0);
	ck_assert_msg(ms >= 150 && ms < 2000, "waited %ld ms", ms);
	fcnvme_client_close(c);
	close(lfd);
	unlink(sun.sun_path);
}
END_TEST

/* Suite: the control-socket client. */
Suite *ctl_client_suite(void)
{
	Suite *s = suite_create("ctl_client");
	TCase *tc = tcase_create("client");

	tcase_add_test(tc, client_dump_error_ack);
	tcase_add_test(tc, client_server_rejects_raw);
	tcase_add_test(tc, client_open_errors);
	tcase_add_test(tc, client_timeout);
	suite_add_tcase(s, tc);
	return s;
}
