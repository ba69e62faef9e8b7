// SPDX-License-Identifier: Apache-2.0
/*
 * Control server tests over a real socket (the NVMe core and ports faked):
 * the socket is mode 0660; a peer that is neither root, the daemon's user
 * nor in the socket group may read but not change anything (SO_PEERCRED);
 * a socket group removed by a reload loses its rights at once, also on
 * connections already open;
 * a client that sends much more than it reads is throttled without losing
 * or reordering replies, while another client is served meanwhile; idle
 * clients cannot lock others out (per-user limit, slots kept for root, idle
 * timeout); running out of descriptors neither spins nor floods the log.
 * The requests that wait for backend opens: check_ctl_preopen.c.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <linux/netlink.h>

#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl/ctl_server.h"
#include "ctl_server_harness.h"
#include "fake_target.h"
#include "fcd.h"
#include "suites_control.h"

/* Run the server until child pid exits; its exit status. */
static int serve_until(pid_t pid)
{
	int status = -1;

	while (waitpid(pid, &status, WNOHANG) == 0)
		event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static pid_t spawn(int (*fn)(void))
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		_exit(fn());
	}
	return pid;
}

static int simple(struct fcnvme_client *c, unsigned int cmd, const char *name, char *err)
{
	struct nl_msg *m = fcnvme_msg_new(cmd, NLM_F_REQUEST, fcnvme_client_seq(c));
	int rc;

	if (name != NULL)
		fcnvme_msg_put_str(m, FCNVME_A_NAME, name);
	rc = fcnvme_client_request(c, m, NULL, NULL, err, 256);
	fcnvme_msg_free(m);
	return rc;
}

START_TEST(socket_mode)
{
	struct stat st;

	ck_assert_int_eq(stat(cs.path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
}
END_TEST

static int nobody_child(void)
{
	struct fcnvme_client *c;
	char err[256];

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 20;
	/* 0660 root: a stranger cannot even connect. */
	if (fcnvme_client_open(cs.path, &c) != -EACCES)
		return 21;
	return 0;
	(void)err;
}

static int nobody_open_child(void)
{
	struct fcnvme_client *c;
	char err[256];

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 20;
	if (fcnvme_client_open(cs.path, &c) != 0)
		return 22;
	if (simple(c, FCNVME_CMD_PORT_LIST, NULL, err) != 0)
		return 23;
	if (simple(c, FCNVME_CMD_PORT_DISABLE, "p0", err) != -EPERM)
		return 24;
	if (strcmp(err,
		   "port-disable changes the target: it needs root or the control socket's group") !=
	    0)
		return 25;
	fcnvme_client_close(c);
	return 0;
}

static char evil[64];

static int save(struct fcnvme_client *c, const char *file, char *err)
{
	struct nl_msg *m =
		fcnvme_msg_new(FCNVME_CMD_CONFIG_SAVE, NLM_F_REQUEST, fcnvme_client_seq(c));
	int rc;

	fcnvme_msg_put_str(m, FCNVME_A_PATH, file);
	rc = fcnvme_client_request(c, m, NULL, NULL, err, 256);
	fcnvme_msg_free(m);
	return rc;
}

static int group_member_child(void)
{
	struct fcnvme_client *c;
	char err[256];

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 20;
	if (fcnvme_client_open(cs.path, &c) != 0)
		return 26;
	if (simple(c, FCNVME_CMD_PORT_DISABLE, "p0", err) != 0)
		return 27;
	/* but it cannot make the (root) daemon write where it likes */
	if (save(c, evil, err) != -EPERM)
		return 28;
	fcnvme_client_close(c);
	return 0;
}

START_TEST(unprivileged_peer)
{
	if (geteuid() != 0)
		return; /* needs root to become another user */
	ck_assert_int_eq(serve_until(spawn(nobody_child)), 0);
	/* Opened up (as a group would be), it may look but not touch. */
	ck_assert_int_eq(chmod(cs.path, 0666), 0);
	ck_assert_int_eq(serve_until(spawn(nobody_open_child)), 0);
	ck_assert_ptr_null(strstr(fake_log(), "port_disable"));
	/* With the socket group set to the peer's group, it may change. */
	ctl_server_close(cs.srv);
	ck_assert_int_eq(ctl_server_open(&cs.d, cs.path, 65534, &cs.srv), 0);
	snprintf(evil, sizeof(evil), "/tmp/check_ctl_server.evil.%d", (int)getpid());
	ck_assert_int_eq(serve_until(spawn(group_member_child)), 0);
	ck_assert_ptr_nonnull(strstr(fake_log(), "port_disable p0;"));
	ck_assert_int_eq(access(evil, F_OK), -1);
}
END_TEST

/* Run the server until the child writes a byte on fd (or exits). */
static void serve_until_fd(pid_t pid, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	for (;;) {
		event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (poll(&p, 1, 1) == 1) {
			ck_assert_int_eq(read(fd, &b, 1), 1);
			return;
		}
		ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0);
	}
}

static int to_parent[2], to_child[2];

/* A member of the socket group, connected before and after the group is
 * removed from the configuration. */
static int revoked_member_child(void)
{
	struct fcnvme_client *c, *c2;
	char err[256], b = 0;

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 40;
	if (fcnvme_client_open(cs.path, &c) != 0)
		return 41;
	if (simple(c, FCNVME_CMD_PORT_DISABLE, "p0", err) != 0)
		return 42;
	/* the parent reloads without socket_group */
	if (write(to_parent[1], &b, 1) != 1 || read(to_child[0], &b, 1) != 1)
		return 43;
	/* the connection made before the reload lost its rights too */
	if (simple(c, FCNVME_CMD_PORT_DISABLE, "p0", err) != -EPERM)
		return 44;
	/* and no new connection gets in (the socket is root's again) */
	if (fcnvme_client_open(cs.path, &c2) != -EACCES)
		return 45;
	fcnvme_client_close(c);
	return 0;
}

START_TEST(socket_group_revoked_at_reload)
{
	static const char base[] =
		"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
		" wwpn = \"0x10000090fa000001\"; } );\n"
		"subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; ports = [ \"p0\" ]; } );\n";
	struct conf *c = NULL;
	char text[1024], err[512];
	struct stat st;
	pid_t pid;

	if (geteuid() != 0)
		return; /* needs root to become another user */
	snprintf(text, sizeof(text), "daemon = { socket_group = \"nogroup\"; };\n%s", base);
	ck_assert_int_eq(conf_load_string(text, "t", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_apply(&cs.d, c, err, sizeof(err)), 0);
	ctl_server_close(cs.srv);
	ck_assert_int_eq(ctl_server_open(&cs.d, cs.path, (gid_t)-1, &cs.srv), 0);
	cs.d.ctl = cs.srv;
	ck_assert_int_eq(stat(cs.path, &st), 0);
	ck_assert_uint_eq(st.st_gid, 65534);
	ck_assert_int_eq(pipe(to_parent), 0);
	ck_assert_int_eq(pipe(to_child), 0);
	pid = spawn(revoked_member_child);
	serve_until_fd(pid, to_parent[0]);
	ck_assert_ptr_nonnull(strstr(fake_log(), "port_disable p0;"));
	/* reload: socket_group removed */
	c = NULL;
	ck_assert_int_eq(conf_load_string(base, "t", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_apply(&cs.d, c, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(cs.path, &st), 0);
	ck_assert_uint_eq(st.st_gid, getegid());
	fake_log_clear();
	ck_assert_int_eq(write(to_child[1], "g", 1), 1);
	ck_assert_int_eq(serve_until(pid), 0);
	ck_assert_str_eq(fake_log(), "");
	cs.d.ctl = NULL;
}
END_TEST

/* Idle clients cannot lock anybody out: one user gets 16 connections,
 * other users together all but 8 slots, root always gets in (at worst in
 * place of the longest idle connection), and idle connections are closed. */
START_TEST(connection_limits_and_idle)
{
	struct ctl_limits lim = { 64, 8, 16, 300, 1000 };
	int fds[80], n = 0, i, root[9];
	uid_t u;

	if (geteuid() != 0)
		return; /* needs root to connect as other users */
	ctl_server_set_limits(cs.srv, &lim);
	ck_assert_int_eq(chmod(cs.path, 0666), 0);
	for (i = 0; i < 16; i++) {
		fds[n] = cs_connect_as(1000);
		ck_assert_int_eq(cs_version(fds[n++]), 0);
	}
	fds[n] = cs_connect_as(1000);
	ck_assert_int_eq(cs_version(fds[n]), -ECONNRESET); /* a 17th of one user */
	close(fds[n]);
	for (u = 1001; u <= 1003; u++)
		for (i = 0; i < (u == 1003 ? 8 : 16); i++) {
			fds[n] = cs_connect_as(u);
			ck_assert_int_eq(cs_version(fds[n++]), 0);
		}
	ck_assert_int_eq(n, 56);
	fds[n] = cs_connect_as(1004);
	ck_assert_int_eq(cs_version(fds[n]), -ECONNRESET); /* the rest is root's */
	close(fds[n]);
	for (i = 0; i < 8; i++) {
		root[i] = cs_connect();
		ck_assert_int_eq(cs_version(root[i]), 0);
	}
	/* every slot taken: root still gets in, the longest idle goes */
	root[8] = cs_connect();
	ck_assert_int_eq(cs_version(root[8]), 0);
	ck_assert(cs_closed(fds[0]));
	/* after 300 ms without traffic every connection is closed */
	usleep(400000);
	for (i = 1; i < n; i++)
		ck_assert_msg(cs_closed(fds[i]), "connection %d still open", i);
	for (i = 0; i < 9; i++) {
		ck_assert(cs_closed(root[i]));
		close(root[i]);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	fds[0] = cs_connect_as(1000);
	ck_assert_int_eq(cs_version(fds[0]), 0);
	close(fds[0]);
}
END_TEST

/* Out of descriptors, accept() fails: the control thread pauses instead of
 * spinning and logs once, and serves the waiting client when it can. */
START_TEST(accept_emfile_no_spin)
{
	struct ctl_limits lim = { 64, 8, 16, 60000, 200 };
	char logpath[] = "/tmp/check_ctl_server.log.XXXXXX", line[512];
	struct timeval half = { 0, 500000 };
	struct rlimit rl, low;
	struct rusage r0, r1;
	int logfd, saved, cl, dups[4096], nd = 0, lines = 0, i;
	long cpu_us;
	FILE *f;

	ctl_server_set_limits(cs.srv, &lim);
	logfd = mkstemp(logpath);
	ck_assert_int_ge(logfd, 0);
	saved = dup(2);
	cl = cs_socket(); /* waits in the backlog */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 512;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	ck_assert_int_eq(dup2(logfd, 2), 2);
	while (nd < 4096 && (dups[nd] = dup(0)) >= 0)
		nd++;
	ck_assert_int_eq(errno, EMFILE);
	getrusage(RUSAGE_SELF, &r0);
	event_base_loopexit(cs.d.base, &half);
	event_base_dispatch(cs.d.base);
	getrusage(RUSAGE_SELF, &r1);
	for (i = 0; i < nd; i++)
		close(dups[i]);
	dup2(saved, 2);
	close(saved);
	setrlimit(RLIMIT_NOFILE, &rl);
	cpu_us = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec -
		  r0.ru_stime.tv_sec) *
			 1000000L +
		 (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
		 (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	f = fdopen(logfd, "r");
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL)
		lines += strstr(line, "accept") != NULL;
	fclose(f);
	unlink(logpath);
	ck_assert_msg(lines == 1, "%d log lines about accept in 0.5 s", lines);
	ck_assert_msg(cpu_us < 100000, "%ld us of CPU in 0.5 s", cpu_us);
	/* descriptors back: the waiting client is served */
	ck_assert_int_eq(cs_version(cl), 0);
	close(cl);
}
END_TEST

#define FLOOD 100000

static int flood_child(void)
{
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
	struct fcnvme_client *c, *c2;
	struct fcnvme_msg msg;
	char why[256], err[256];
	uint32_t seq;
	int sent, done = 0, data = 0;

	if (fcnvme_client_open(cs.path, &c) != 0)
		return 30;
	/* Requests as fast as the socket takes them, reading nothing. */
	for (sent = 0; sent < FLOOD; sent++) {
		struct nl_msg *m =
			fcnvme_msg_new(FCNVME_CMD_CONFIG_SHOW, NLM_F_REQUEST, 1000 + sent);
		ssize_t n = send(fcnvme_client_fd(c), fcnvme_msg_hdr(m), fcnvme_msg_len(m),
				 MSG_DONTWAIT);

		fcnvme_msg_free(m);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return 31;
	}
	if (sent == FLOOD)
		return 32; /* the server never pushed back */
	/* Another client is served meanwhile. */
	if (fcnvme_client_open(cs.path, &c2) != 0 || simple(c2, FCNVME_CMD_VERSION, NULL, err) != 0)
		return 33;
	fcnvme_client_close(c2);
	/* Now read: every request answered, in order, nothing lost. */
	seq = 1000;
	while (done < sent) {
		ssize_t n = recv(fcnvme_client_fd(c), buf, sizeof(buf), 0);

		if (n <= 0 || fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, why,
						  sizeof(why)) != 0)
			return 34;
		if (msg.nlh->nlmsg_seq != seq)
			return 35;
		if (msg.type == NLMSG_DONE) {
			done++;
			seq++;
		} else {
			data++;
		}
	}
	if (data < sent)
		return 36;
	fcnvme_client_close(c);
	return 0;
}

START_TEST(slow_client_throttled)
{
	ck_assert_int_eq(serve_until(spawn(flood_child)), 0);
}
END_TEST

/* Suite: the control server's socket, permissions and flow control. */
Suite *ctl_server_suite(void)
{
	Suite *s = suite_create("ctl_server");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, cs_setup, cs_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, socket_mode);
	tcase_add_test(tc, unprivileged_peer);
	tcase_add_test(tc, socket_group_revoked_at_reload);
	tcase_add_test(tc, slow_client_throttled);
	tcase_add_test(tc, connection_limits_and_idle);
	tcase_add_test(tc, accept_emfile_no_spin);
	suite_add_tcase(s, tc);
	return s;
}
