// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl's OpenMetrics text output ("stats -o openmetrics"), the format
 * of the OpenMetrics 1.0 specification that Prometheus scrapes and a
 * node-exporter textfile collector publishes. Rows are collected, then
 * printed as metric families per row kind (port, subsystem, namespace,
 * host), each family's samples together:
 *   nvmetfcd_<kind>_commands_total, _errors_total, _aborts_total (counters)
 *   nvmetfcd_<kind>_read_bytes_total, _written_bytes_total (counters, bytes)
 *   nvmetfcd_port_refusals_total (counter, ports only)
 *   nvmetfcd_<kind>_latency_seconds_bucket/_count/_sum (histogram)
 *   nvmetfcd_<kind>_latency_max_seconds (gauge)
 * The histogram's buckets are le = 2^k - 1 ns for k = 10..34 (1.023 us to
 * 17.18 s) and +Inf, summed from the daemon's log-linear buckets
 * (fcnvme/hist.h): every 2^k - 1 ends a fine bucket, so these counts are
 * exact, not interpolated. _sum is the daemon's exact sum of latencies.
 * Seconds are printed as exact decimals of the nanosecond integers.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl.h"
#include "fcnvmectl_stats.h"

#define OM_LE_FIRST 10 /* 2^10 - 1 ns */
#define OM_LE_LAST  34 /* 2^34 - 1 ns */

static struct ctl_stat_row *om_rows;
static size_t om_nrows;

static const char *const om_kind[__FCNVME_OBJ_MAX] = {
	[FCNVME_OBJ_PORT] = "port",
	[FCNVME_OBJ_SUBSYS] = "subsystem",
	[FCNVME_OBJ_NS] = "namespace",
	[FCNVME_OBJ_HOST] = "host",
};

/* A label value with \, " and newline escaped (OpenMetrics ABNF). */
static void om_escaped(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", stdout);
		else if (*s == '"')
			fputs("\\\"", stdout);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
}

/* The row's labels, without braces; extra (e.g. le) appended if given. */
static void om_labels(const struct ctl_stat_row *r, const char *extra)
{
	putchar('{');
	switch (r->obj) {
	case FCNVME_OBJ_PORT:
		fputs("port=\"", stdout);
		om_escaped(r->name);
		printf("\",portid=\"%u\"", r->portid);
		break;
	case FCNVME_OBJ_SUBSYS:
		fputs("subsys_nqn=\"", stdout);
		om_escaped(r->nqn);
		putchar('"');
		break;
	case FCNVME_OBJ_NS:
		fputs("subsys_nqn=\"", stdout);
		om_escaped(r->nqn);
		printf("\",nsid=\"%" PRIu32 "\"", r->nsid);
		break;
	default:
		fputs("host_nqn=\"", stdout);
		om_escaped(r->hostnqn);
		printf("\",host_wwpn=\"0x%016" PRIx64 "\"", r->wwpn);
		break;
	}
	if (extra != NULL)
		printf(",%s", extra);
	putchar('}');
}

/* ns as seconds, exactly */
static void om_seconds(uint64_t ns)
{
	printf("%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

struct om_counter {
	const char *name; /* after nvmetfcd_<kind>_ */
	const char *unit; /* or NULL */
	const char *help;
	size_t off;	/* offsetof the uint64_t in the row */
	bool port_only; /* rows of other kinds do not carry it */
};

static const struct om_counter om_counters[] = {
	{ "commands", NULL, "NVMe commands completed on I/O queues",
	  offsetof(struct ctl_stat_row, cmds), false },
	{ "errors", NULL, "I/O commands completed with a non-zero NVMe status",
	  offsetof(struct ctl_stat_row, errors), false },
	{ "aborts", NULL, "I/O commands dropped without a response (aborted)",
	  offsetof(struct ctl_stat_row, aborts), false },
	{ "read_bytes", "bytes", "Bytes read by Read and Compare commands",
	  offsetof(struct ctl_stat_row, read_bytes), false },
	{ "written_bytes", "bytes", "Bytes written by Write commands",
	  offsetof(struct ctl_stat_row, write_bytes), false },
	{ "refusals", NULL,
	  "Create Associations and Connects of host ports refused (the host could not connect)",
	  offsetof(struct ctl_stat_row, refusals), true },
};

static void om_family(const char *kind, const char *name, const char *type, const char *unit,
		      const char *help)
{
	printf("# TYPE nvmetfcd_%s_%s %s\n", kind, name, type);
	if (unit != NULL)
		printf("# UNIT nvmetfcd_%s_%s %s\n", kind, name, unit);
	printf("# HELP nvmetfcd_%s_%s %s\n", kind, name, help);
}

static void om_histogram(const char *kind, const struct ctl_stat_row *r)
{
	char le[48];
	unsigned int k;

	for (k = OM_LE_FIRST; k <= OM_LE_LAST; k++) {
		uint64_t b = (UINT64_C(1) << k) - 1;

		snprintf(le, sizeof(le), "le=\"%" PRIu64 ".%09" PRIu64 "\"", b / 1000000000u,
			 b % 1000000000u);
		printf("nvmetfcd_%s_latency_seconds_bucket", kind);
		om_labels(r, le);
		printf(" %" PRIu64 "\n", fcnvme_hist_count_le(&r->lat, b));
	}
	printf("nvmetfcd_%s_latency_seconds_bucket", kind);
	om_labels(r, "le=\"+Inf\"");
	printf(" %" PRIu64 "\n", fcnvme_hist_count(&r->lat));
	printf("nvmetfcd_%s_latency_seconds_count", kind);
	om_labels(r, NULL);
	printf(" %" PRIu64 "\n", fcnvme_hist_count(&r->lat));
	printf("nvmetfcd_%s_latency_seconds_sum", kind);
	om_labels(r, NULL);
	putchar(' ');
	om_seconds(r->lat_sum_ns);
	putchar('\n');
}

static void om_kind_print(unsigned int obj)
{
	const char *kind = om_kind[obj];
	size_t i, c;

	for (i = 0; i < om_nrows && om_rows[i].obj != obj; i++)
		;
	if (i == om_nrows)
		return; /* no rows, no families */
	for (c = 0; c < sizeof(om_counters) / sizeof(om_counters[0]); c++) {
		const struct om_counter *oc = &om_counters[c];

		if (oc->port_only && obj != FCNVME_OBJ_PORT)
			continue;
		om_family(kind, oc->name, "counter", oc->unit, oc->help);
		for (i = 0; i < om_nrows; i++) {
			const struct ctl_stat_row *r = &om_rows[i];
			uint64_t v;

			if (r->obj != obj)
				continue;
			memcpy(&v, (const char *)r + oc->off, sizeof(v));
			printf("nvmetfcd_%s_%s_total", kind, oc->name);
			om_labels(r, NULL);
			printf(" %" PRIu64 "\n", v);
		}
	}
	om_family(kind, "latency_seconds", "histogram", "seconds",
		  "Latency of I/O commands, from command arrival to response");
	for (i = 0; i < om_nrows; i++)
		if (om_rows[i].obj == obj)
			om_histogram(kind, &om_rows[i]);
	om_family(kind, "latency_max_seconds", "gauge", "seconds",
		  "Largest latency of an I/O command since the counters started");
	for (i = 0; i < om_nrows; i++) {
		if (om_rows[i].obj != obj)
			continue;
		printf("nvmetfcd_%s_latency_max_seconds", kind);
		om_labels(&om_rows[i], NULL);
		putchar(' ');
		om_seconds(om_rows[i].lat_max_ns);
		putchar('\n');
	}
}

static void om_begin(const struct ctlverb *v)
{
	(void)v;
	om_rows = NULL;
	om_nrows = 0;
}

static int om_row(const struct ctlverb *v, const struct fcnvme_msg *msg)
{
	struct ctl_stat_row *n;

	(void)v;
	n = realloc(om_rows, (om_nrows + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	om_rows = n;
	if (ctl_stat_row_parse(msg, &om_rows[om_nrows]) != 0)
		return -1;
	om_nrows++;
	return 0;
}

static void om_end(const struct ctlverb *v)
{
	unsigned int obj;

	(void)v;
	for (obj = 0; obj < __FCNVME_OBJ_MAX; obj++)
		om_kind_print(obj);
	printf("# EOF\n");
	free(om_rows);
	om_rows = NULL;
}

const struct ctl_output ctl_output_openmetrics = { om_begin, om_row, om_end };
