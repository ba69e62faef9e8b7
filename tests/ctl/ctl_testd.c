// SPDX-License-Identifier: Apache-2.0
/*
 * ctl_testd: the daemon's real control server, config loader and handlers
 * on top of the fake ports and NVMe core (tests/unit/fake_target.c), so
 * fcnvmectl can be tested from the shell without hardware or I/O threads.
 *   ctl_testd SOCKET CONFIG     serve until SIGTERM or SIGINT
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "conf/conf.h"
#include "ctl/ctl_server.h"
#include "fake_target.h"
#include "fcd.h"
#include "log.h"

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char *argv[])
{
	struct fcd d;
	struct conf *c = NULL;
	struct event *term, *intr;
	char err[512];

	if (argc != 3) {
		fprintf(stderr, "usage: ctl_testd SOCKET CONFIG\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	log_init(1, 0);
	fake_reset();
	d.tgt = fake_tgt();
	d.conf_path = argv[2];
	d.base = event_base_new();
	if (conf_load(argv[2], &c, err, sizeof(err)) != 0 ||
	    conf_apply(&d, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "ctl_testd: %s\n", err);
		return 1;
	}
	if (ctl_server_open(&d, argv[1], (gid_t)-1, &d.ctl) != 0) {
		fprintf(stderr, "ctl_testd: cannot listen on %s\n", argv[1]);
		return 1;
	}
	term = evsignal_new(d.base, SIGTERM, on_signal, d.base);
	intr = evsignal_new(d.base, SIGINT, on_signal, d.base);
	event_add(term, NULL);
	event_add(intr, NULL);
	event_base_dispatch(d.base);
	ctl_server_close(d.ctl);
	event_free(term);
	event_free(intr);
	event_base_free(d.base);
	conf_free(d.conf);
	return 0;
}
