// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl's watch mode: "stats [OBJECT] -i SECS [-c COUNT]" asks for the
 * statistics every SECS seconds and prints, per row and interval, the
 * rates over that interval (commands/s, MB/s read and written with MB =
 * 10^6 bytes, errors/s) and the interval's latency percentiles, computed
 * from the difference of the two histograms (fcnvme_hist_diff()) so they
 * describe only that interval, within the histogram's 1/16. The first
 * answer is the baseline; COUNT intervals are printed (0: until
 * interrupted). Rows that appear later, and rows whose counters went
 * back (a host row after a reconnect), count from zero. With -o json each
 * row and interval is one JSON object on its own line (JSON lines).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>

#include <json-c/json.h>

#include <fcnvmecli/json.h>

#include <fcnvme/err.h>
#include <fcnvme/num.h>
#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl_stats.h"

struct watch_set {
	struct ctl_stat_row *rows;
	size_t n;
};

static int collect(const struct fcnvme_msg *msg, void *arg)
{
	struct watch_set *s = arg;
	struct ctl_stat_row *n = realloc(s->rows, (s->n + 1) * sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	s->rows = n;
	if (ctl_stat_row_parse(msg, &s->rows[s->n]) != 0)
		return -EPROTO;
	s->n++;
	return 0;
}

static int take(const char *opt, const char *w, uint64_t lo, uint64_t hi, uint64_t *v, char *err,
		size_t errlen)
{
	if (w == NULL)
		return fcnvme_err(err, errlen, -EINVAL, "stats %s needs a value", opt);
	if (fcnvme_num_parse(w, lo, hi, v))
		return fcnvme_err(err, errlen, -EINVAL,
				  "stats %s \"%s\": give %" PRIu64 "..%" PRIu64, opt, w, lo, hi);
	return 0;
}

int ctl_watch_args(int *argc, char **argv, struct ctl_watch *w, char *err, size_t errlen)
{
	int i, o = 0, rc;
	uint64_t v;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < *argc; i++) {
		if (i > 0 && !strcmp(argv[i], "-i")) {
			rc = take("-i", argv[i + 1], 1, 86400, &v, err, errlen);
			if (rc)
				return rc;
			w->interval_ms = (unsigned int)v * 1000;
			i++;
		} else if (i > 0 && !strcmp(argv[i], "-c")) {
			rc = take("-c", argv[i + 1], 1, UINT32_MAX, &v, err, errlen);
			if (rc)
				return rc;
			w->count = (unsigned long)v;
			i++;
		} else {
			argv[o++] = argv[i];
		}
	}
	if (w->count && !w->interval_ms)
		return fcnvme_err(err, errlen, -EINVAL, "stats -c COUNT needs -i SECS");
	*argc = o;
	argv[o] = NULL;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What identifies a row on one line. */
static void row_id(const struct ctl_stat_row *r, char *buf, size_t len)
{
	switch (r->obj) {
	case FCNVME_OBJ_PORT:
		snprintf(buf, len, "%s", r->name);
		break;
	case FCNVME_OBJ_SUBSYS:
		snprintf(buf, len, "%s", r->nqn);
		break;
	case FCNVME_OBJ_NS:
		snprintf(buf, len, "%s/%" PRIu32, r->nqn, r->nsid);
		break;
	default:
		snprintf(buf, len, "%s/0x%016" PRIx64, r->hostnqn, r->wwpn);
		break;
	}
}

/* One JSON line: snake_case keys; seconds with 3 decimals, rates with 1
 * (MB/s 2), as the text columns. */
static void print_json(unsigned long nr, const struct ctl_stat_row *r, const struct ctl_stat_row *b,
		       const struct fcnvme_hist *lat, const char *id, double secs)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "interval", json_object_new_int64((int64_t)nr));
	json_object_object_add(o, "object", json_object_new_string(fcnvme_obj_name(r->obj)));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "seconds", cli_json_fixed(secs, 3));
	json_object_object_add(o, "iops", cli_json_fixed((double)(r->cmds - b->cmds) / secs, 1));
	json_object_object_add(
		o, "read_mb_s",
		cli_json_fixed((double)(r->read_bytes - b->read_bytes) / 1e6 / secs, 2));
	json_object_object_add(
		o, "write_mb_s",
		cli_json_fixed((double)(r->write_bytes - b->write_bytes) / 1e6 / secs, 2));
	json_object_object_add(o, "errors_s",
			       cli_json_fixed((double)(r->errors - b->errors) / secs, 1));
	json_object_object_add(
		o, "lat_p50_ns",
		json_object_new_uint64(fcnvme_hist_percentile(lat, 500000, UINT64_MAX)));
	json_object_object_add(
		o, "lat_p99_ns",
		json_object_new_uint64(fcnvme_hist_percentile(lat, 990000, UINT64_MAX)));
	json_object_object_add(
		o, "lat_p999_ns",
		json_object_new_uint64(fcnvme_hist_percentile(lat, 999000, UINT64_MAX)));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void print_interval(const struct watch_set *before, const struct watch_set *now, double secs,
			   unsigned long nr, bool json)
{
	static struct ctl_stat_row zero, d;
	char id[512];
	size_t i, j;

	for (i = 0; i < now->n; i++) {
		const struct ctl_stat_row *r = &now->rows[i], *b = &zero;

		for (j = 0; j < before->n; j++)
			if (ctl_stat_row_same(&before->rows[j], r)) {
				b = &before->rows[j];
				break;
			}
		/* a host row sums live associations: after a reconnect its
		 * counters start again */
		if (r->cmds < b->cmds || r->read_bytes < b->read_bytes ||
		    r->write_bytes < b->write_bytes || r->errors < b->errors)
			b = &zero;
		fcnvme_hist_diff(&d.lat, &r->lat, &b->lat);
		row_id(r, id, sizeof(id));
		if (json) {
			print_json(nr, r, b, &d.lat, id, secs);
			continue;
		}
		printf("%-8lu %-9s %-40s %10.1f %10.2f %10.2f %9.1f %9.1f %9.1f %9.1f\n", nr,
		       fcnvme_obj_name(r->obj), id, (double)(r->cmds - b->cmds) / secs,
		       (double)(r->read_bytes - b->read_bytes) / 1e6 / secs,
		       (double)(r->write_bytes - b->write_bytes) / 1e6 / secs,
		       (double)(r->errors - b->errors) / secs,
		       (double)fcnvme_hist_percentile(&d.lat, 500000, UINT64_MAX) / 1e3,
		       (double)fcnvme_hist_percentile(&d.lat, 990000, UINT64_MAX) / 1e3,
		       (double)fcnvme_hist_percentile(&d.lat, 999000, UINT64_MAX) / 1e3);
	}
	fflush(stdout);
}

static int sample(struct fcnvme_client *c, struct nl_msg *req, struct watch_set *s, char *err,
		  size_t errlen)
{
	s->n = 0;
	fcnvme_msg_hdr(req)->nlmsg_seq = fcnvme_client_seq(c);
	return fcnvme_client_request(c, req, collect, s, err, errlen);
}

int ctl_watch_run(struct fcnvme_client *c, struct nl_msg *req, const struct ctl_watch *w, char *err,
		  size_t errlen)
{
	struct watch_set a = { NULL, 0 }, b = { NULL, 0 }, t;
	struct timespec ts = { w->interval_ms / 1000, (long)(w->interval_ms % 1000) * 1000000 };
	unsigned long nr;
	double t0, t1;
	int rc;

	rc = sample(c, req, &a, err, errlen);
	t0 = now_s();
	if (!w->json)
		printf("%-8s %-9s %-40s %10s %10s %10s %9s %9s %9s %9s\n", "interval", "object",
		       "id", "iops", "read-MB/s", "write-MB/s", "errors/s", "p50-us", "p99-us",
		       "p999-us");
	for (nr = 1; !rc && (!w->count || nr <= w->count); nr++) {
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		ts.tv_sec = w->interval_ms / 1000;
		ts.tv_nsec = (long)(w->interval_ms % 1000) * 1000000;
		rc = sample(c, req, &b, err, errlen);
		t1 = now_s();
		if (rc)
			break;
		print_interval(&a, &b, t1 - t0, nr, w->json);
		t = a;
		a = b;
		b = t;
		t0 = t1;
	}
	free(a.rows);
	free(b.rows);
	return rc;
}
