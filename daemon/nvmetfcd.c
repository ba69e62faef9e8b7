// SPDX-License-Identifier: Apache-2.0
/*
 * nvmetfcd: the NVMe over Fibre Channel target daemon. main() parses the
 * options, loads and checks the configuration, builds the root object,
 * applies the configuration (ports, I/O threads, subsystems), opens the
 * control socket, tells systemd it is ready and runs the control thread's
 * event loop until SIGTERM; then it drains and exits.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "daemon.h"
#include "log.h"

#define DEFAULT_CONF	    SYSCONFDIR "/nvmetfcd/nvmetfcd.conf"
#define DEFAULT_RUNTIME_DIR RUNSTATEDIR "/nvmetfcd"
#define DEFAULT_STATE_DIR   LOCALSTATEDIR "/lib/nvmetfcd"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvmetfcd [-fnvV] [-c FILE] [-s SOCKET] [-S STATEDIR]\n"
		"  -c FILE      configuration file (default " DEFAULT_CONF ")\n"
		"  -f           stay in the foreground, log to stderr\n"
		"  -n           check the configuration (errors, warnings), exit; with -v\n"
		"               also print it normalised\n"
		"  -s SOCKET    control socket (default $RUNTIME_DIRECTORY or " DEFAULT_RUNTIME_DIR
		")/nvmetfcd.sock\n"
		"  -S STATEDIR  persistent state (default $STATE_DIRECTORY or " DEFAULT_STATE_DIR
		")\n"
		"  -v           more verbose logging (repeat for debug)\n"
		"  -V           print the version and exit\n");
}

static char *dir_from_env(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	char *colon, *s;

	/* systemd passes colon-separated lists; the first entry is ours. */
	s = strdup(v && *v ? v : fallback);
	if (s && (colon = strchr(s, ':')))
		*colon = '\0';
	return s;
}

/* -n: every error (exit 1) and warnings on stderr, "configuration OK" on
 * stderr too, the normalised text on stdout only with -v (the unit's
 * ExecStartPre runs -n on every start: its journal gets one line, not the
 * whole configuration). */
static int check_conf(const struct daemon_opts *o)
{
	static char all[16384];
	struct conf *conf = NULL;
	unsigned int warnings;
	char *line, *save;

	if (conf_load_all(o->conf_path, &conf, all, sizeof(all))) {
		for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			fprintf(stderr, "nvmetfcd: %s\n", line);
		return 1;
	}
	warnings = conf_lint(conf, o->conf_path, stderr);
	if (o->verbose)
		conf_print(stdout, conf);
	if (warnings)
		fprintf(stderr, "nvmetfcd: %s: configuration OK, %u warning%s\n", o->conf_path,
			warnings, warnings == 1 ? "" : "s");
	else
		fprintf(stderr, "nvmetfcd: %s: configuration OK\n", o->conf_path);
	conf_free(conf);
	return 0;
}

int main(int argc, char *argv[])
{
	struct daemon_opts o = { 0 };
	int ch, rc;

	o.conf_path = DEFAULT_CONF;
	while ((ch = getopt(argc, argv, "c:fhnS:s:vV")) != -1) {
		switch (ch) {
		case 'c':
			o.conf_path = optarg;
			break;
		case 'f':
			o.foreground = 1;
			break;
		case 'n':
			o.check_only = 1;
			break;
		case 's':
			o.socket_path = optarg;
			break;
		case 'S':
			o.state_dir = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'V':
			printf("nvmetfcd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	if (o.check_only)
		return check_conf(&o);

	log_init(o.foreground, o.verbose);
	o.runtime_dir = dir_from_env("RUNTIME_DIRECTORY", DEFAULT_RUNTIME_DIR);
	o.state_dir = o.state_dir ? strdup(o.state_dir)
				  : dir_from_env("STATE_DIRECTORY", DEFAULT_STATE_DIR);
	if (!o.runtime_dir || !o.state_dir)
		fatalx("out of memory");
	rc = daemon_run(&o);
	free(o.runtime_dir);
	free(o.state_dir);
	return rc;
}
