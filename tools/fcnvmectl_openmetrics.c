// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl's OpenMetrics text output ("stats -o openmetrics"), the format
 * of the OpenMetrics 1.0 specification that Prometheus scrapes and a
 * node-exporter textfile collector publishes. Rows are collected, then
 * printed as metric families per row kind (port, subsystem, namespace,
 * host), each family's samples together:
 *   nvmetfcd_<kind>_commands_total, _errors_total, _aborts_total (counters)
 *   nvmetfcd_<kind>_read_bytes_total, _written_bytes_total (counters, bytes)
 *   nvmetfcd_port_refusals_total, _host_conflicts_total (counters, ports only)
 *   nvmetfcd_<kind>_latency_seconds_bucket/_count/_sum (histogram)
 *   nvmetfcd_<kind>_latency_max_seconds (gauge)
 * the daemon's own (status):
 *   nvmetfcd_daemon_namespaces_pending (gauge: backing files missing)
 * and, when the daemon is in a cluster (cluster status, cluster groups),
 * the node's families labelled node="NAME":
 *   nvmetfcd_cluster_member, _state_answers, _heartbeat_ok,
 *   _group_job_running (gauges, 0 or 1), _read_failures (gauge, in a row),
 *   _read_age_seconds, _read_wait_seconds (gauges, seconds)
 *   nvmetfcd_cluster_ana_group_state (stateset: this node's ANA state of
 *   each group), _ana_group_epoch (gauge), _ana_group_owner (info: owner=)
 * The histogram's buckets are le = 2^k - 1 ns for k = 10..34 (1.023 us to
 * 17.18 s) and +Inf, summed from the daemon's log-linear buckets
 * (fcnvme/hist.h): every 2^k - 1 ends a fine bucket, so these counts are
 * exact, not interpolated. _sum is the daemon's exact sum of latencies.
 * Seconds are printed as exact decimals of the nanosecond integers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl.h"
#include "fcnvmectl_stats.h"

#define OM_LE_FIRST 10 /* 2^10 - 1 ns */
#define OM_LE_LAST  34 /* 2^34 - 1 ns */

static struct ctl_stat_row *om_rows;
static size_t om_nrows;

/* What cluster status and cluster groups said (ctl_openmetrics_node). */
struct om_group {
	uint32_t grpid;
	uint8_t state; /* FCNVME_ANA_* */
	uint64_t epoch;
	char owner[64];
};

static struct {
	bool present;
	char node[64];
	uint8_t member, answers, hb_ok;
	bool job;
	uint32_t read_fails;
	uint64_t read_age_ms, read_wait_ms;
	struct om_group groups[FCNVME_ANA_GRPID_MAX];
	size_t ngroups;
} om_cl;

/* The daemon's own families (status): present once asked. */
static struct {
	bool present;
	uint32_t ns_pending;
} om_daemon;

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
	{ "host_conflicts", NULL,
	  "Connects whose host claimed a live controller's host NQN with another Host ID, or its "
	  "Host ID with another host NQN (cloned hosts)",
	  offsetof(struct ctl_stat_row, host_conflicts), true },
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

/* A sample of a node-level family up to its labels node= and extra (if
 * any), the label set left open for the caller to close. */
static void om_cl_sample(const char *name, const char *extra)
{
	printf("nvmetfcd_cluster_%s{node=\"", name);
	om_escaped(om_cl.node);
	putchar('"');
	if (extra != NULL)
		printf(",%s", extra);
}

static void om_cl_gauge(const char *name, const char *unit, const char *help, uint64_t v, bool ms)
{
	om_family("cluster", name, "gauge", unit, help);
	om_cl_sample(name, NULL);
	if (ms)
		printf("} %" PRIu64 ".%03" PRIu64 "\n", v / 1000u, v % 1000u);
	else
		printf("} %" PRIu64 "\n", v);
}

static void om_cluster_print(void)
{
	char lbl[160]; /* the longest: ana_group="N",nvmetfcd_cluster_ana_group_state="persistent-loss" */
	size_t i;
	unsigned int s;

	if (!om_cl.present)
		return;
	om_cl_gauge("member", NULL,
		    "1 while this node is a member of its cluster in good standing (it reads the "
		    "state object, is not fenced, and any rejoin has settled)",
		    om_cl.member, false);
	om_cl_gauge("state_answers", NULL,
		    "1 while the cluster's state object answers (cluster commands are taken)",
		    om_cl.answers, false);
	om_cl_gauge("heartbeat_ok", NULL, "1 while this node's last heartbeat write worked",
		    om_cl.hb_ok, false);
	om_cl_gauge(
		"group_job_running", NULL,
		"1 while a cluster job runs (the claim, takeover or failback of an ANA group, a "
		"fenced node's new client or its rejoin's lock)",
		om_cl.job, false);
	om_cl_gauge("read_failures", NULL, "Reads of the state object failed in a row",
		    om_cl.read_fails, false);
	om_cl_gauge("read_age_seconds", "seconds",
		    "Time since the last read of the state object that worked began",
		    om_cl.read_age_ms, true);
	om_cl_gauge("read_wait_seconds", "seconds",
		    "How long the read of the state object under way has waited (0: none)",
		    om_cl.read_wait_ms, true);
	if (om_cl.ngroups == 0)
		return;
	om_family("cluster", "ana_group_state", "stateset", NULL,
		  "This node's ANA state of each of the cluster's ANA groups");
	for (i = 0; i < om_cl.ngroups; i++)
		for (s = 0; s < __FCNVME_ANA_MAX; s++) {
			snprintf(lbl, sizeof(lbl),
				 "ana_group=\"%" PRIu32
				 "\",nvmetfcd_cluster_ana_group_state=\"%s\"",
				 om_cl.groups[i].grpid, fcnvme_ana_state_name(s));
			om_cl_sample("ana_group_state", lbl);
			printf("} %d\n", om_cl.groups[i].state == s);
		}
	om_family("cluster", "ana_group_epoch", "gauge", NULL,
		  "Epoch of each ANA group's ownership (moves by one at each change of owner)");
	for (i = 0; i < om_cl.ngroups; i++) {
		snprintf(lbl, sizeof(lbl), "ana_group=\"%" PRIu32 "\"", om_cl.groups[i].grpid);
		om_cl_sample("ana_group_epoch", lbl);
		printf("} %" PRIu64 "\n", om_cl.groups[i].epoch);
	}
	om_family("cluster", "ana_group_owner", "info", NULL,
		  "The node that owns each ANA group (\"-\": none)");
	for (i = 0; i < om_cl.ngroups; i++) {
		snprintf(lbl, sizeof(lbl), "ana_group=\"%" PRIu32 "\",owner=\"",
			 om_cl.groups[i].grpid);
		om_cl_sample("ana_group_owner_info", lbl);
		om_escaped(om_cl.groups[i].owner);
		printf("\"} 1\n");
	}
}

static void om_daemon_print(void)
{
	if (!om_daemon.present)
		return;
	om_family("daemon", "namespaces_pending", "gauge", NULL,
		  "Namespaces configured but not served yet: their backing files do not exist "
		  "(backing_missing = \"pending\")");
	printf("nvmetfcd_daemon_namespaces_pending %" PRIu32 "\n", om_daemon.ns_pending);
}

static int om_status(const struct fcnvme_msg *msg, void *arg)
{
	(void)arg;
	om_daemon.present =
		fcnvme_msg_get_u32(msg, FCNVME_A_NR_PENDING, &om_daemon.ns_pending) == 0;
	return 0;
}

static int om_cl_status(const struct fcnvme_msg *msg, void *arg)
{
	const char *node = fcnvme_msg_get_str(msg, FCNVME_A_NODE);

	(void)arg;
	om_cl.present = true;
	snprintf(om_cl.node, sizeof(om_cl.node), "%s", node != NULL ? node : "");
	fcnvme_msg_get_u8(msg, FCNVME_A_MEMBER, &om_cl.member);
	fcnvme_msg_get_u8(msg, FCNVME_A_ANSWERS, &om_cl.answers);
	fcnvme_msg_get_u8(msg, FCNVME_A_HB_OK, &om_cl.hb_ok);
	fcnvme_msg_get_u32(msg, FCNVME_A_READ_FAILS, &om_cl.read_fails);
	fcnvme_msg_get_u64(msg, FCNVME_A_READ_AGE_MS, &om_cl.read_age_ms);
	fcnvme_msg_get_u64(msg, FCNVME_A_READ_WAIT_MS, &om_cl.read_wait_ms);
	om_cl.job = fcnvme_msg_get_str(msg, FCNVME_A_GROUP_JOB) != NULL;
	return 0;
}

static int om_cl_group(const struct fcnvme_msg *msg, void *arg)
{
	struct om_group *g;
	const char *owner = fcnvme_msg_get_str(msg, FCNVME_A_NODE);

	(void)arg;
	if (om_cl.ngroups == FCNVME_ANA_GRPID_MAX)
		return -EPROTO;
	g = &om_cl.groups[om_cl.ngroups++];
	memset(g, 0, sizeof(*g));
	fcnvme_msg_get_u32(msg, FCNVME_A_ANA_GRPID, &g->grpid);
	fcnvme_msg_get_u8(msg, FCNVME_A_ANA_STATE, &g->state);
	fcnvme_msg_get_u64(msg, FCNVME_A_EPOCH, &g->epoch);
	snprintf(g->owner, sizeof(g->owner), "%s", owner != NULL ? owner : "-");
	return 0;
}

/* Send cmd (no attributes) on c, each reply to cb. */
static int om_ask(struct fcnvme_client *c, unsigned int cmd, fcnvme_reply_cb cb, char *err,
		  size_t errlen)
{
	struct nl_msg *req = fcnvme_msg_new(cmd, NLM_F_REQUEST, fcnvme_client_seq(c));
	int rc;

	if (req == NULL)
		return -ENOMEM;
	rc = fcnvme_client_request(c, req, cb, NULL, err, errlen);
	fcnvme_msg_free(req);
	return rc;
}

int ctl_openmetrics_node(struct fcnvme_client *c, char *err, size_t errlen)
{
	int rc = om_ask(c, FCNVME_CMD_STATUS, om_status, err, errlen);

	if (rc)
		return rc;
	rc = om_ask(c, FCNVME_CMD_CLUSTER_STATUS, om_cl_status, err, errlen);

	if (rc == -ENOENT) { /* in no cluster: no families */
		om_cl.present = false;
		if (errlen)
			err[0] = '\0';
		return 0;
	}
	if (rc)
		return rc;
	return om_ask(c, FCNVME_CMD_CLUSTER_GROUPS, om_cl_group, err, errlen);
}

static void om_begin(const struct ctlverb *v)
{
	(void)v;
	om_rows = NULL;
	om_nrows = 0;
	memset(&om_cl, 0, sizeof(om_cl));
	memset(&om_daemon, 0, sizeof(om_daemon));
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
	om_daemon_print();
	om_cluster_print();
	printf("# EOF\n");
	free(om_rows);
	om_rows = NULL;
}

const struct ctl_output ctl_output_openmetrics = { om_begin, om_row, om_end };
