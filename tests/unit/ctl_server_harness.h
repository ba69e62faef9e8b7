/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control server of the control-plane tests, over a real socket in
 * /tmp, on the fake ports and core (fake_target.h), with one subsystem
 * nqn.2026-11.io.x:a; the test runs the server's loop itself (the helpers
 * below run it while they wait).
 */
#ifndef CTL_SERVER_HARNESS_H
#define CTL_SERVER_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "fcd.h"

struct ctl_server;

struct cs {
	struct fcd d;
	struct ctl_server *srv;
	char path[64];
};
extern struct cs cs;

/* The checked fixture: the fake reset, the configuration applied, the
 * server open; and all of it closed. */
void cs_setup(void);
void cs_teardown(void);
/* A client socket of the current effective user, connected: it waits in
 * the listener's backlog until the server runs. */
int cs_socket(void);
/* The same, as uid (the test runs as root), accepted by the server. */
int cs_connect_as(uid_t uid);
int cs_connect(void);
/* Ask for the version on fd while running the server: 0, -ECONNRESET when
 * the server closed the connection, -ETIMEDOUT after two seconds. */
int cs_version(int fd);
/* Whether the server has closed fd (running it meanwhile). */
bool cs_closed(int fd);

#endif /* CTL_SERVER_HARNESS_H */
