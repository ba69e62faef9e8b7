// SPDX-License-Identifier: Apache-2.0
/*
 * cs_*(): the control server of the control-plane tests over a real socket
 * (ctl_server_harness.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <linux/netlink.h>

#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl/ctl_server.h"
#include "ctl_server_harness.h"
#include "fake_target.h"

struct cs cs;

void cs_setup(void)
{
	struct conf *c = NULL;
	char err[512];

	fake_reset();
	memset(&cs.d, 0, sizeof(cs.d));
	cs.d.tgt = fake_tgt();
	ck_assert_int_eq(
		conf_load_string(
			"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
			" wwpn = \"0x10000090fa000001\"; } );\n"
			"subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; ports = [ \"p0\" ]; } );\n",
			"t", &c, err, sizeof(err)),
		0);
	ck_assert_int_eq(conf_apply(&cs.d, c, err, sizeof(err)), 0);
	cs.d.base = event_base_new();
	snprintf(cs.path, sizeof(cs.path), "/tmp/check_ctl_server.%d", (int)getpid());
	ck_assert_int_eq(ctl_server_open(&cs.d, cs.path, (gid_t)-1, &cs.srv), 0);
}

void cs_teardown(void)
{
	ctl_server_close(cs.srv);
	event_base_free(cs.d.base);
	conf_free(cs.d.conf);
	cs.d.conf = NULL;
}

/* A client socket of the current effective user, connected: it waits in
 * the listener's backlog until the server runs. */
int cs_socket(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", cs.path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* The same, accepted by the server (run as root: the server's own user
 * must not change under it). */
int cs_connect_as(uid_t uid)
{
	int fd;

	ck_assert_int_eq(seteuid(uid), 0);
	fd = cs_socket();
	ck_assert_int_eq(seteuid(0), 0);
	event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	return fd;
}

int cs_connect(void)
{
	return cs_connect_as(0);
}

/* Ask for the version on fd while running the server: 0, -ECONNRESET when
 * the server closed the connection, -ETIMEDOUT after two seconds. */
int cs_version(int fd)
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
		event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
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
bool cs_closed(int fd)
{
	char b[64];
	int i;

	for (i = 0; i < 50; i++) {
		ssize_t n;

		event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		usleep(1000);
	}
	return false;
}
