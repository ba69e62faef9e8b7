// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl: control nvmetfcd over its control socket.
 *   fcnvmectl [-s SOCKET] [-t SECONDS] [-o normal|json|openmetrics]
 *             OBJECT [VERB] [ARGS]
 *   fcnvmectl [OBJECT [VERB]] --help | --version
 * Parses the words against the grammar table, sends one request, prints
 * the answer as a text table, JSON (-o json; -j/--json kept as a hidden
 * alias) or, for stats, OpenMetrics text (-o openmetrics, which also asks
 * for the cluster's status and groups on a node of one); "stats -i SECS
 * [-c COUNT]" watches (fcnvmectl_watch.c); the config words of
 * fcnvmectl_config.c (reload --dry-run, diff, export, import) are
 * rewritten first. Exits 0 on success or 1 with the daemon's message on
 * stderr (a JSON error object with -o json). A daemon that is alive but does not
 * answer within the timeout (-t, default 30 s, 0: for ever) is an error.
 * Options, --help and the manual page come from one table (global_opts
 * here, the grammar through fcnvmectl_doc.c) via libfcnvme/cli. Options
 * stand before the command; -o, -j and --help may also follow it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/netlink.h>

#include <fcnvmecli/doc.h>
#include <fcnvmecli/json.h>
#include <fcnvmecli/output.h>
#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl.h"
#include "fcnvmectl_stats.h"

#define DEFAULT_SOCKET	  RUNSTATEDIR "/nvmetfcd/" FCNVME_CTL_SOCKET
#define DEFAULT_TIMEOUT_S 30
/* The formats fcnvmectl prints, and the output of each: a new format is
 * a bit here, an entry in outputs[] and in -o's values below. */
#define CTL_FMTS                                                     \
	(CLI_FMT_MASK(CLI_FMT_NORMAL) | CLI_FMT_MASK(CLI_FMT_JSON) | \
	 CLI_FMT_MASK(CLI_FMT_OPENMETRICS))
static const struct ctl_output *const outputs[] = {
	[CLI_FMT_NORMAL] = &ctl_output_text,
	[CLI_FMT_JSON] = &ctl_output_json,
	[CLI_FMT_OPENMETRICS] = &ctl_output_openmetrics,
};

enum {
	OPT_GENERATE = 256
};

static const struct cli_opt global_opts[] = {
	{ "--socket", "-s", "SOCKET",
	  "Control socket of nvmetfcd (default $NVMETFCD_SOCKET, else " DEFAULT_SOCKET ").", NULL,
	  CLI_OPT_FILE, 's' },
	{ "--timeout", "-t", "SECONDS",
	  "How long to wait for the daemon to take the connection and to answer, 0 to 86400 (0: "
	  "for ever; default 30).",
	  NULL, 0, 't' },
	{ "--output-format", "-o", "FMT",
	  "Output format: normal, json, or (stats only) openmetrics, the Prometheus text format.",
	  (const char *const[]){ "normal", "json", "openmetrics", NULL }, 0, 'o' },
	{ "--json", "-j", NULL, "Same as -o json (kept for old scripts).", NULL, CLI_OPT_HIDDEN,
	  'j' },
	{ "--help", "-h", NULL,
	  "Print the usage and exit; after a command, that command's arguments and options.", NULL,
	  0, 'h' },
	{ "--version", "-V", NULL, "Print fcnvmectl's version and exit.", NULL, 0, 'V' },
	{ "--generate", NULL, "WHAT", "Print the manual page or bash completion script.",
	  (const char *const[]){ "man", "bash", NULL }, CLI_OPT_HIDDEN, OPT_GENERATE },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};

static enum cli_fmt fmt = CLI_FMT_NORMAL;

/* Print why the command failed: "fcnvmectl: MSG" or, with -o json, the
 * error object {"error": {"message": MSG, "errno": N}} (see fcnvmectl(8),
 * OUTPUT); returns 1, the exit status. */
__attribute__((format(printf, 2, 3))) static int fail(int errnum, const char *fmt_, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt_);
	vsnprintf(msg, sizeof(msg), fmt_, ap);
	va_end(ap);
	if (fmt == CLI_FMT_JSON) {
		cli_json_error(stderr, msg, "errno", errnum);
	} else {
		fprintf(stderr, "fcnvmectl: %s\n", msg);
	}
	return 1;
}

/* A usage error: the message, then (in text) the one-line hint. */
static int usage_error(const struct cli_prog *p, const struct ctlverb *v, const char *msg)
{
	fail(EINVAL, "%s", msg);
	if (fmt != CLI_FMT_JSON)
		cli_doc_try_help(stderr, p, v ? &p->cmds[v - ctl_verbs] : NULL);
	return 1;
}

/* --help, alone or after command words. */
static int help(const struct cli_prog *p, int argc, char **argv)
{
	const struct ctlverb *v;
	char err[600];

	if (argc == 0)
		return cli_doc_usage(stdout, p, NULL) ? 1 : 0;
	if (ctl_match(argc, argv, &v, err, sizeof(err)) < 0)
		return usage_error(p, NULL, err);
	return cli_doc_usage(stdout, p, &p->cmds[v - ctl_verbs]) ? 1 : 0;
}

/* The message for a socket that could not be opened. */
static int open_error(const char *sock, int rc, unsigned long timeout_s)
{
	if (rc == -ETIMEDOUT)
		return fail(ETIMEDOUT,
			    "%s: nvmetfcd took no connection within %lu s (it is running but does "
			    "not answer; -t SECONDS waits longer)",
			    sock, timeout_s);
	if (rc == -EACCES || rc == -EPERM)
		return fail(-rc,
			    "permission denied on %s: needs root or membership of the "
			    "socket_group (see nvmetfcd.conf socket_group)",
			    sock);
	return fail(-rc, "%s: %s (is nvmetfcd running?)", sock, strerror(-rc));
}

/*
 * The options that may also follow the command words, as nvme-cli users
 * write them (fcnvmectl port list -o json): -o/--output-format, -j/--json
 * and -h/--help, taken out of argv (*argc updated). Every other word,
 * dashed or not, stays for the grammar (so a command's own dashed keyword
 * slots in there); a word after "--" is never an option. 0, or -EINVAL
 * with a message in err.
 */
static int late_opts(int *argc, char **argv, bool *want_help, char *err, size_t errlen)
{
	int i, n = 0;
	bool literal = false;

	for (i = 0; i < *argc; i++) {
		const char *w = argv[i], *v = NULL;

		if (literal) {
			argv[n++] = argv[i];
		} else if (!strcmp(w, "--")) {
			literal = true;
		} else if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			*want_help = true;
		} else if (!strcmp(w, "-j") || !strcmp(w, "--json")) {
			fmt = CLI_FMT_JSON;
		} else if (!strcmp(w, "-o") || !strcmp(w, "--output-format")) {
			if (i + 1 >= *argc) {
				snprintf(err, errlen, "option %s needs a value", w);
				return -EINVAL;
			}
			v = argv[++i];
		} else if (!strncmp(w, "--output-format=", 16)) {
			v = w + 16;
		} else if (!strncmp(w, "-o", 2)) {
			v = w + 2;
		} else {
			argv[n++] = argv[i];
		}
		if (v && cli_fmt_parse(v, CTL_FMTS, &fmt, err, errlen))
			return -EINVAL;
	}
	*argc = n;
	argv[n] = NULL;
	return 0;
}

struct run {
	const struct ctl_output *out;
	const struct ctlverb *verb;
};

static int on_reply(const struct fcnvme_msg *msg, void *arg)
{
	struct run *r = arg;

	return r->out->row(r->verb, msg);
}

int main(int argc, char *argv[])
{
	const char *sock = getenv("NVMETFCD_SOCKET");
	const struct cli_prog *prog = ctl_prog(global_opts);
	struct fcnvme_client *c;
	struct nl_msg *req = NULL;
	struct run r = { &ctl_output_text, NULL };
	struct option longopts[16];
	unsigned long timeout_s = DEFAULT_TIMEOUT_S;
	struct ctl_watch watch = { 0, 0, false };
	static struct ctl_config_cli cc;
	char err[600], shortopts[32], *end;
	bool want_help = false;
	int ch, rc;

	if (prog == NULL ||
	    cli_opts_getopt(global_opts, "+", longopts, sizeof(longopts) / sizeof(longopts[0]),
			    shortopts, sizeof(shortopts))) {
		fputs("fcnvmectl: the grammar does not fit its tables\n", stderr);
		return 1;
	}
	if (sock == NULL || *sock == '\0')
		sock = DEFAULT_SOCKET;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			fmt = CLI_FMT_JSON;
			break;
		case 'o':
			if (cli_fmt_parse(optarg, CTL_FMTS, &fmt, err, sizeof(err)))
				return usage_error(prog, NULL, err);
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			timeout_s = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || timeout_s > 86400) {
				snprintf(err, sizeof(err), "-t %s: give seconds, 0..86400", optarg);
				return usage_error(prog, NULL, err);
			}
			break;
		case 'h':
			want_help = true;
			break;
		case 'V':
			cli_doc_version(stdout, prog);
			return 0;
		case OPT_GENERATE:
			if (cli_doc_generate(stdout, prog, optarg))
				return usage_error(prog, NULL, "--generate: man or bash");
			return 0;
		default:
			if (optopt && optopt < 256 && strchr(shortopts, optopt))
				snprintf(err, sizeof(err), "option -%c needs a value", optopt);
			else if (optopt)
				snprintf(err, sizeof(err), "unknown option -%c", optopt);
			else
				snprintf(err, sizeof(err), "unknown option %s", argv[optind - 1]);
			return usage_error(prog, NULL, err);
		}
	}
	argc -= optind;
	argv += optind;
	if (late_opts(&argc, argv, &want_help, err, sizeof(err)))
		return usage_error(prog, NULL, err);
	if (want_help)
		return help(prog, argc, argv);
	r.out = outputs[fmt];
	if (argc > 0 && !strcmp(argv[0], "stats") &&
	    ctl_watch_args(&argc, argv, &watch, err, sizeof(err)) != 0) {
		const struct ctlverb *v = NULL;
		char ignored[8];

		if (ctl_match(argc, argv, &v, ignored, sizeof(ignored)) < 0)
			v = NULL;
		return usage_error(prog, v, err);
	}
	if (ctl_config_args(&argc, argv, &cc, err, sizeof(err)) != 0) {
		ctl_config_done(&cc, NULL, 0);
		return fail(EINVAL, "%s", err);
	}
	if (cc.nvmetcli != NULL) {
		rc = ctl_nvmetcli_run(cc.nvmetcli_argc, cc.nvmetcli, fmt == CLI_FMT_JSON, err,
				      sizeof(err));
		return rc ? fail(-rc, "%s", err) : 0;
	}
	if (cc.json)
		r.out = &ctl_output_json;
	rc = ctl_parse(argc, argv, 1, &r.verb, &req, err, sizeof(err));
	if (rc) {
		ctl_config_done(&cc, NULL, 0);
		return usage_error(prog, r.verb, err);
	}
	if ((fmt == CLI_FMT_OPENMETRICS || watch.interval_ms) && r.verb->cmd != FCNVME_CMD_STATS) {
		fcnvme_msg_free(req);
		return usage_error(prog, r.verb,
				   fmt == CLI_FMT_OPENMETRICS ? "-o openmetrics is only for stats"
							      : "-i is only for stats");
	}
	if (watch.interval_ms && fmt == CLI_FMT_OPENMETRICS) {
		fcnvme_msg_free(req);
		return usage_error(prog, r.verb,
				   "stats -i prints text or JSON lines, not openmetrics");
	}
	watch.json = r.out == &ctl_output_json;
	rc = fcnvme_client_open_timeout(sock, (unsigned int)timeout_s * 1000, &c);
	if (rc) {
		fcnvme_msg_free(req);
		return open_error(sock, rc, timeout_s);
	}
	if (watch.interval_ms) {
		rc = ctl_watch_run(c, req, &watch, err, sizeof(err));
	} else {
		fcnvme_msg_hdr(req)->nlmsg_seq = fcnvme_client_seq(c);
		r.out->begin(r.verb);
		rc = fcnvme_client_request(c, req, on_reply, &r, err, sizeof(err));
		if (rc == 0 && r.out == &ctl_output_openmetrics)
			rc = ctl_openmetrics_node(c, err, sizeof(err));
		if (rc == 0)
			r.out->end(r.verb);
	}
	fcnvme_msg_free(req);
	fcnvme_client_close(c);
	ctl_config_done(&cc, err, sizeof(err));
	if (rc == -ETIMEDOUT)
		return fail(ETIMEDOUT,
			    "%s: nvmetfcd did not answer within %lu s (it is running but does not "
			    "answer; -t SECONDS waits longer)",
			    sock, timeout_s);
	if (rc)
		return fail(rc < 0 ? -rc : EIO, "%s",
			    err[0] != '\0' ? err : strerror(rc < 0 ? -rc : EIO));
	return 0;
}
