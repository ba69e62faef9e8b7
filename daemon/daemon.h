/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's life cycle: build the root object, apply the configuration,
 * serve, drain. main() (nvmetfcd.c) parses options and calls daemon_run().
 */
#ifndef DAEMON_H
#define DAEMON_H

struct daemon_opts {
	const char *conf_path;
	const char *socket_path; /* NULL: <runtime_dir>/nvmetfcd.sock */
	char *runtime_dir;
	char *state_dir;
	int foreground;
	int check_only;
	int verbose;
};

/* Run until SIGTERM/SIGINT; returns the process exit status. */
int daemon_run(struct daemon_opts *o);

#endif /* DAEMON_H */
