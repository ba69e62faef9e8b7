// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl: control nvmetfcd over its control socket.
 *   fcnvmectl [-s SOCKET] [-o normal|json|openmetrics] [-j] [-t SECONDS]
 *             OBJECT [VERB] [ARGS]
 *   fcnvmectl -h | --help
 * Parses the words against the grammar table, sends one request, prints
 * the answer as a text table, JSON (-o json, or -j) or, for stats,
 * OpenMetrics text (-o openmetrics); "stats -i SECS [-c COUNT]" watches
 * (fcnvmectl_watch.c). Exits 0 on success or 1 with
 * the daemon's message on stderr. A daemon that is alive but does not
 * answer within the timeout (-t, default 30 s, 0: for ever) is an error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl.h"
#include "fcnvmectl_stats.h"

#define DEFAULT_SOCKET	  RUNSTATEDIR "/nvmetfcd/" FCNVME_CTL_SOCKET
#define DEFAULT_TIMEOUT_S 30

struct run {
	const struct ctl_output *out;
	const struct ctlverb *verb;
};

/* -o FORMAT: the output, or NULL if FORMAT is not one. */
static const struct ctl_output *output_format(const char *s)
{
	if (!strcmp(s, "normal"))
		return &ctl_output_text;
	if (!strcmp(s, "json"))
		return &ctl_output_json;
	if (!strcmp(s, "openmetrics"))
		return &ctl_output_openmetrics;
	return NULL;
}

static int on_reply(const struct fcnvme_msg *msg, void *arg)
{
	struct run *r = arg;

	return r->out->row(r->verb, msg);
}

int main(int argc, char *argv[])
{
	const char *sock = getenv("NVMETFCD_SOCKET");
	struct fcnvme_client *c;
	struct nl_msg *req = NULL;
	struct run r = { &ctl_output_text, NULL };
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' },
						  { "json", no_argument, NULL, 'j' },
						  { "output-format", required_argument, NULL, 'o' },
						  { "socket", required_argument, NULL, 's' },
						  { "timeout", required_argument, NULL, 't' },
						  { NULL, 0, NULL, 0 } };
	unsigned long timeout_s = DEFAULT_TIMEOUT_S;
	struct ctl_watch watch = { 0, 0, false };
	static struct ctl_config_cli cc;
	char err[600], *end;
	int ch, rc;

	if (sock == NULL || *sock == '\0')
		sock = DEFAULT_SOCKET;
	while ((ch = getopt_long(argc, argv, "+hjo:s:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			r.out = &ctl_output_json;
			break;
		case 'o':
			r.out = output_format(optarg);
			if (r.out == NULL) {
				fprintf(stderr,
					"fcnvmectl: -o %s: use normal, json or openmetrics\n",
					optarg);
				return 1;
			}
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			timeout_s = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || timeout_s > 86400) {
				fprintf(stderr, "fcnvmectl: -t %s: give seconds, 0..86400\n",
					optarg);
				return 1;
			}
			break;
		case 'h':
			ctl_usage(stdout);
			return 0;
		default:
			ctl_usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && !strcmp(argv[0], "stats") &&
	    ctl_watch_args(&argc, argv, &watch, err, sizeof(err)) != 0) {
		fprintf(stderr, "fcnvmectl: %s\n", err);
		return 1;
	}
	if (ctl_config_args(&argc, argv, &cc, err, sizeof(err)) != 0) {
		fprintf(stderr, "fcnvmectl: %s\n", err);
		ctl_config_done(&cc, NULL, 0);
		return 1;
	}
	if (cc.json)
		r.out = &ctl_output_json;
	rc = ctl_parse(argc, argv, 1, &r.verb, &req, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "fcnvmectl: %s\n", err);
		ctl_config_done(&cc, NULL, 0);
		return 1;
	}
	if ((r.out == &ctl_output_openmetrics || watch.interval_ms) &&
	    r.verb->cmd != FCNVME_CMD_STATS) {
		fprintf(stderr, "fcnvmectl: -o openmetrics is only for stats\n");
		fcnvme_msg_free(req);
		return 1;
	}
	if (watch.interval_ms && r.out == &ctl_output_openmetrics) {
		fprintf(stderr, "fcnvmectl: stats -i prints text or JSON lines, not openmetrics\n");
		fcnvme_msg_free(req);
		return 1;
	}
	watch.json = r.out == &ctl_output_json;
	rc = fcnvme_client_open_timeout(sock, (unsigned int)timeout_s * 1000, &c);
	if (rc == -ETIMEDOUT) {
		fprintf(stderr,
			"fcnvmectl: %s: nvmetfcd took no connection within %lu s (it is running "
			"but does not answer; -t SECONDS waits longer)\n",
			sock, timeout_s);
		fcnvme_msg_free(req);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "fcnvmectl: %s: %s (is nvmetfcd running?)\n", sock, strerror(-rc));
		fcnvme_msg_free(req);
		return 1;
	}
	if (watch.interval_ms) {
		rc = ctl_watch_run(c, req, &watch, err, sizeof(err));
	} else {
		fcnvme_msg_hdr(req)->nlmsg_seq = fcnvme_client_seq(c);
		r.out->begin(r.verb);
		rc = fcnvme_client_request(c, req, on_reply, &r, err, sizeof(err));
		if (rc == 0)
			r.out->end(r.verb);
	}
	fcnvme_msg_free(req);
	fcnvme_client_close(c);
	ctl_config_done(&cc, err, sizeof(err));
	if (rc == -ETIMEDOUT) {
		fprintf(stderr,
			"fcnvmectl: %s: nvmetfcd did not answer within %lu s (it is running but "
			"does not answer; -t SECONDS waits longer)\n",
			sock, timeout_s);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "fcnvmectl: %s\n",
			err[0] != '\0' ? err : strerror(rc < 0 ? -rc : EIO));
		return 1;
	}
	return 0;
}
