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
 * timeout); running out of descriptors neither spins nor floods the log;
 * a request that waits for an rbd image to open (on backend_preopen.c's
 * thread) is answered once it is, while other clients are served
 * meanwhile, and a client gone meanwhile loses nothing but its answer.
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
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <linux/netlink.h>

#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "backend/backend.h"
#include "ctl/ctl_server.h"
#include "fake_target.h"
#include "fcd.h"
#include "preopen.h"
#include "suites_control.h"

static struct fcd d;
static struct ctl_server *srv;
static char path[64];

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
	d.base = event_base_new();
	snprintf(path, sizeof(path), "/tmp/check_ctl_server.%d", (int)getpid());
	ck_assert_int_eq(ctl_server_open(&d, path, (gid_t)-1, &srv), 0);
}

static void teardown(void)
{
	ctl_server_close(srv);
	event_base_free(d.base);
	conf_free(d.conf);
	d.conf = NULL;
}

/* Run the server until child pid exits; its exit status. */
static int serve_until(pid_t pid)
{
	int status = -1;

	while (waitpid(pid, &status, WNOHANG) == 0)
		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
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

	ck_assert_int_eq(stat(path, &st), 0);
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
	if (fcnvme_client_open(path, &c) != -EACCES)
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
	if (fcnvme_client_open(path, &c) != 0)
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
	if (fcnvme_client_open(path, &c) != 0)
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
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(serve_until(spawn(nobody_open_child)), 0);
	ck_assert_ptr_null(strstr(fake_log(), "port_disable"));
	/* With the socket group set to the peer's group, it may change. */
	ctl_server_close(srv);
	ck_assert_int_eq(ctl_server_open(&d, path, 65534, &srv), 0);
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
		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
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
	if (fcnvme_client_open(path, &c) != 0)
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
	if (fcnvme_client_open(path, &c2) != -EACCES)
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
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), 0);
	ctl_server_close(srv);
	ck_assert_int_eq(ctl_server_open(&d, path, (gid_t)-1, &srv), 0);
	d.ctl = srv;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_gid, 65534);
	ck_assert_int_eq(pipe(to_parent), 0);
	ck_assert_int_eq(pipe(to_child), 0);
	pid = spawn(revoked_member_child);
	serve_until_fd(pid, to_parent[0]);
	ck_assert_ptr_nonnull(strstr(fake_log(), "port_disable p0;"));
	/* reload: socket_group removed */
	c = NULL;
	ck_assert_int_eq(conf_load_string(base, "t", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_gid, getegid());
	fake_log_clear();
	ck_assert_int_eq(write(to_child[1], "g", 1), 1);
	ck_assert_int_eq(serve_until(pid), 0);
	ck_assert_str_eq(fake_log(), "");
	d.ctl = NULL;
}
END_TEST

/* A client socket of the current effective user, connected: it waits in
 * the listener's backlog until the server runs. */
static int cl_socket(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* The same, accepted by the server (run as root: the server's own user
 * must not change under it). */
static int cl_connect_as(uid_t uid)
{
	int fd;

	ck_assert_int_eq(seteuid(uid), 0);
	fd = cl_socket();
	ck_assert_int_eq(seteuid(0), 0);
	event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	return fd;
}

static int cl_connect(void)
{
	return cl_connect_as(0);
}

/* Ask for the version on fd while running the server: 0, -ECONNRESET when
 * the server closed the connection, -ETIMEDOUT after two seconds. */
static int cl_version(int fd)
{
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_VERSION, NLM_F_REQUEST, 77);
	struct fcnvme_msg msg;
	char why[256];
	int i;
	ssize_t n;

	n = send(fd, fcnvme_msg_hdr(m), fcnvme_msg_len(m), MSG_NOSIGNAL);
	fcnvme_msg_free(m);
	if (n < 0)
		return -ECONNRESET;
	for (i = 0; i < 2000; i++) {
		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return -ECONNRESET;
		if (n < 0) {
			usleep(1000);
			continue;
		}
		ck_assert_int_eq(fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, why,
						     sizeof(why)),
				 0);
		if (msg.type == NLMSG_DONE)
			return 0;
		if (msg.type == NLMSG_ERROR)
			return msg.error;
	}
	return -ETIMEDOUT;
}

/* Whether the server has closed fd (running it meanwhile). */
static bool cl_closed(int fd)
{
	char b[64];
	int i;

	for (i = 0; i < 50; i++) {
		ssize_t n;

		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		usleep(1000);
	}
	return false;
}

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
	ctl_server_set_limits(srv, &lim);
	ck_assert_int_eq(chmod(path, 0666), 0);
	for (i = 0; i < 16; i++) {
		fds[n] = cl_connect_as(1000);
		ck_assert_int_eq(cl_version(fds[n++]), 0);
	}
	fds[n] = cl_connect_as(1000);
	ck_assert_int_eq(cl_version(fds[n]), -ECONNRESET); /* a 17th of one user */
	close(fds[n]);
	for (u = 1001; u <= 1003; u++)
		for (i = 0; i < (u == 1003 ? 8 : 16); i++) {
			fds[n] = cl_connect_as(u);
			ck_assert_int_eq(cl_version(fds[n++]), 0);
		}
	ck_assert_int_eq(n, 56);
	fds[n] = cl_connect_as(1004);
	ck_assert_int_eq(cl_version(fds[n]), -ECONNRESET); /* the rest is root's */
	close(fds[n]);
	for (i = 0; i < 8; i++) {
		root[i] = cl_connect();
		ck_assert_int_eq(cl_version(root[i]), 0);
	}
	/* every slot taken: root still gets in, the longest idle goes */
	root[8] = cl_connect();
	ck_assert_int_eq(cl_version(root[8]), 0);
	ck_assert(cl_closed(fds[0]));
	/* after 300 ms without traffic every connection is closed */
	usleep(400000);
	for (i = 1; i < n; i++)
		ck_assert_msg(cl_closed(fds[i]), "connection %d still open", i);
	for (i = 0; i < 9; i++) {
		ck_assert(cl_closed(root[i]));
		close(root[i]);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	fds[0] = cl_connect_as(1000);
	ck_assert_int_eq(cl_version(fds[0]), 0);
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

	ctl_server_set_limits(srv, &lim);
	logfd = mkstemp(logpath);
	ck_assert_int_ge(logfd, 0);
	saved = dup(2);
	cl = cl_socket(); /* waits in the backlog */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 512;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	ck_assert_int_eq(dup2(logfd, 2), 2);
	while (nd < 4096 && (dups[nd] = dup(0)) >= 0)
		nd++;
	ck_assert_int_eq(errno, EMFILE);
	getrusage(RUSAGE_SELF, &r0);
	event_base_loopexit(d.base, &half);
	event_base_dispatch(d.base);
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
	ck_assert_int_eq(cl_version(cl), 0);
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

	if (fcnvme_client_open(path, &c) != 0)
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
	if (fcnvme_client_open(path, &c2) != 0 || simple(c2, FCNVME_CMD_VERSION, NULL, err) != 0)
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

#define NQN_A "nqn.2026-11.io.x:a"

/* Send `namespace add NQN_A 1 backend rbd path pool/IMAGE` on fd. */
static void cl_send_rbd_add(int fd, const char *image)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_NS_ADD, NLM_F_REQUEST, 91);
	char spec[64];

	snprintf(spec, sizeof(spec), "pool/%s", image);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, NQN_A), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_BACKEND, "rbd"), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_PATH, spec), 0);
	ck_assert_int_eq(fcnvme_msg_put_u32(m, FCNVME_A_NSID, 1), 0);
	ck_assert_int_eq(send(fd, fcnvme_msg_hdr(m), fcnvme_msg_len(m), MSG_NOSIGNAL),
			 (ssize_t)fcnvme_msg_len(m));
	fcnvme_msg_free(m);
}

/* The answer to the request on fd, running the server for up to ms: 0
 * (done; *nsid from its data message), the error (text in why), or
 * -EAGAIN when none came. */
static int cl_answer(int fd, int ms, uint32_t *nsid, char *why, size_t whylen)
{
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
	struct fcnvme_msg msg;
	char bad[256];
	ssize_t n;
	int i;

	for (i = 0; i <= ms; i++) {
		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
			usleep(1000);
			continue;
		}
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, bad,
						     sizeof(bad)),
				 0);
		if (msg.type == NLMSG_DONE)
			return 0;
		if (msg.type == NLMSG_ERROR) {
			const char *t = fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG);

			snprintf(why, whylen, "%s", t ? t : "");
			return msg.error;
		}
		ck_assert_int_eq(fcnvme_msg_get_u32(&msg, FCNVME_A_NSID, nsid), 0);
	}
	return -EAGAIN;
}

/* Run the server until the opening thread has finished its jobs and
 * been reaped (its waiters resumed). */
static void serve_until_opened(unsigned int opens, unsigned int closes)
{
	int i;

	for (i = 0; i < 5000; i++) {
		struct fake_rbd_counts c = fake_rbd_counts();

		event_base_loop(d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (c.opens >= opens && c.closes >= closes && !backend_preopen_busy() &&
		    d.preopen_waiters == NULL)
			return;
		usleep(1000);
	}
	ck_abort_msg("the opening thread did not finish");
}

/* The tests of the opening thread: the server's fixture, the thread's
 * eventfd watched, and a gate the fake rbd open waits on (gate[1] opens
 * it, one byte per open). */
static int gate[2] = { -1, -1 };

static void preopen_setup(void)
{
	setup();
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(preopen_init(&d), 0);
}

static void preopen_teardown(void)
{
	preopen_exit(&d);
	close(gate[0]);
	close(gate[1]);
	teardown();
}

static const struct conf_ns *ns_of_a(uint32_t nsid)
{
	return conf_ns_find(conf_subsys_find(d.conf, NQN_A), nsid);
}

/* While an rbd image opens, the control thread serves: a `namespace add`
 * of one waits for it on the opening thread, another client's request is
 * answered meanwhile, and the add is answered once the image is open,
 * with the namespace added on the image opened there (none on the
 * control thread). */
START_TEST(rbd_open_off_the_control_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	struct fake_rbd_counts c;
	uint64_t opened = backend_preopen_count();
	int a, b;

	fake_rbd_set(gate[0], 0);
	a = cl_connect();
	b = cl_connect();
	cl_send_rbd_add(a, "img");
	/* the image is not open (the gate holds it): no answer on a, ... */
	ck_assert_int_eq(cl_answer(a, 200, &nsid, why, sizeof(why)), -EAGAIN);
	/* ... while b is served */
	ck_assert_int_eq(cl_version(b), 0);
	ck_assert_int_eq(cl_version(b), 0);
	ck_assert_ptr_null(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens, 1);
	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	ck_assert_int_eq(cl_answer(a, 5000, &nsid, why, sizeof(why)), 0);
	ck_assert_uint_eq(nsid, 1);
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_int_eq(ns_of_a(1)->backend, TGT_BACKEND_RBD);
	ck_assert_str_eq(ns_of_a(1)->rbd.image, "img");
	c = fake_rbd_counts();
	ck_assert_uint_eq(c.opens, 1);
	ck_assert_uint_eq(c.opens_on_ctl, 0);
	ck_assert_uint_eq(c.closes, 0);
	ck_assert_uint_eq(backend_preopen_count(), opened + 1);
	/* the connection reads requests again */
	ck_assert_int_eq(cl_version(a), 0);
	close(a);
	close(b);
}
END_TEST

/* An open that fails on the opening thread fails the request with its
 * reason, and nothing is added. */
START_TEST(rbd_open_fails_off_the_control_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	int a;

	fake_rbd_set(-1, -ENOENT);
	a = cl_connect();
	cl_send_rbd_add(a, "gone");
	ck_assert_int_eq(cl_answer(a, 5000, &nsid, why, sizeof(why)), -ENOENT);
	ck_assert_str_eq(why, "cannot open rbd image pool/gone: No such file or directory");
	ck_assert_ptr_null(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens, 1);
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 0);
	close(a);
}
END_TEST

/* A client that goes away while its image opens: its request runs all
 * the same (as one that did not wait would have), the server drops the
 * connection and goes on. */
START_TEST(rbd_open_client_gone)
{
	int a, b;

	fake_rbd_set(gate[0], 0);
	a = cl_connect();
	cl_send_rbd_add(a, "img");
	ck_assert(!cl_closed(a)); /* runs the server: the request waits */
	close(a);
	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	serve_until_opened(1, 0);
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 0);
	b = cl_connect();
	ck_assert_int_eq(cl_version(b), 0);
	close(b);
}
END_TEST

/* An image opened ahead that nobody takes (the request that asked for it
 * changed its mind, or failed before its add) is kept over one tick for a
 * caller that runs again, then closed on the opening thread; one taken is
 * not closed by the ticks. */
START_TEST(rbd_open_nobody_took)
{
	struct tgt_ns_params p = { .nsid = 1, .backend = TGT_BACKEND_RBD, .size = 1 << 20 };
	struct backend *be = NULL;
	char err[256] = "";
	uint64_t size = 0;
	int rc = -1;

	snprintf(p.rbd.pool, sizeof(p.rbd.pool), "pool");
	snprintf(p.rbd.image, sizeof(p.rbd.image), "left");
	ck_assert_int_eq(backend_preopen_want(&p), 1);
	ck_assert_int_eq(backend_preopen_want(&p), 1); /* queued once */
	ck_assert_int_eq(backend_preopen_start(), 1);
	serve_until_opened(1, 0);
	preopen_tick(&d);			       /* kept: its caller runs again at once */
	ck_assert_int_eq(backend_preopen_want(&p), 0); /* open: add it now */
	preopen_tick(&d);			       /* kept by that want(), for one tick more */
	ck_assert_int_eq(backend_preopen_start(), 0);  /* no close queued */
	ck_assert_uint_eq(fake_rbd_counts().closes, 0);
	preopen_tick(&d);
	serve_until_opened(1, 1);
	ck_assert_uint_eq(fake_rbd_counts().closes, 1);
	ck_assert(!backend_preopen_take(&p, &be, &size, &rc, err, sizeof(err)));
	/* opened again and taken: the ticks leave it alone */
	ck_assert_int_eq(backend_preopen_want(&p), 1);
	ck_assert_int_eq(backend_preopen_start(), 1);
	serve_until_opened(2, 1);
	ck_assert(backend_preopen_take(&p, &be, &size, &rc, err, sizeof(err)));
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 1 << 20);
	preopen_tick(&d);
	preopen_tick(&d);
	preopen_tick(&d);
	ck_assert_uint_eq(fake_rbd_counts().closes, 1);
	backend_ops_for(TGT_BACKEND_RBD)->close(be);
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 0);
}
END_TEST

/* Without the opening thread (tools, tests, start-up) an rbd namespace
 * opens on the calling thread, at once. */
START_TEST(rbd_open_without_the_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	int a = cl_connect();

	cl_send_rbd_add(a, "img");
	ck_assert_int_eq(cl_answer(a, 5000, &nsid, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 1);
	close(a);
}
END_TEST

/* Suite: the control server's socket, permissions and flow control. */
Suite *ctl_server_suite(void)
{
	Suite *s = suite_create("ctl_server");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, socket_mode);
	tcase_add_test(tc, unprivileged_peer);
	tcase_add_test(tc, socket_group_revoked_at_reload);
	tcase_add_test(tc, slow_client_throttled);
	tcase_add_test(tc, connection_limits_and_idle);
	tcase_add_test(tc, accept_emfile_no_spin);
	tcase_add_test(tc, rbd_open_without_the_thread);
	suite_add_tcase(s, tc);
	tc = tcase_create("preopen");
	tcase_add_checked_fixture(tc, preopen_setup, preopen_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rbd_open_off_the_control_thread);
	tcase_add_test(tc, rbd_open_fails_off_the_control_thread);
	tcase_add_test(tc, rbd_open_client_gone);
	tcase_add_test(tc, rbd_open_nobody_took);
	suite_add_tcase(s, tc);
	return s;
}
