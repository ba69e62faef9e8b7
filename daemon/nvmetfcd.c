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

#include <fcnvmecli/doc.h>

#include "conf/conf.h"
#include "conf/conf_keys.h"
#include "daemon.h"
#include "log.h"
#include "nvmetfcd_doc.h"

#define DEFAULT_CONF	    SYSCONFDIR "/nvmetfcd/nvmetfcd.conf"
#define DEFAULT_RUNTIME_DIR RUNSTATEDIR "/nvmetfcd"
#define DEFAULT_STATE_DIR   LOCALSTATEDIR "/lib/nvmetfcd"

static void usage(FILE *f)
{
	cli_doc_usage(f, &nvmetfcd_prog, NULL);
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
	{
		struct tgt_auth_policy pol;
		struct conf_keys keys;
		char err[512];

		if (conf_auth_policy(conf, &pol, err, sizeof(err)) ||
		    conf_keys_load(conf->auth_keys_file, &keys, err, sizeof(err))) {
			fprintf(stderr, "nvmetfcd: %s\n", err);
			conf_free(conf);
			return 1;
		}
		conf_keys_free(&keys);
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
	/* One table, nvmetfcd_opts (nvmetfcd_doc.c), gives getopt its
	 * options and --help and nvmetfcd(8) their text. */
	struct option lo[16];
	char so[32];

	o.conf_path = DEFAULT_CONF;
	if (cli_opts_getopt(nvmetfcd_opts, "", lo, sizeof(lo) / sizeof(lo[0]), so, sizeof(so)))
		return 2;
	while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
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
		case 'G': /* hidden: the build's manual pages (man/local.am) */
			rc = nvmetfcd_doc_generate(stdout, optarg);
			if (rc)
				fprintf(stderr, "nvmetfcd: --generate=%s: %s\n", optarg,
					strerror(-rc));
			return rc ? 2 : 0;
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
