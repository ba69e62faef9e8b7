/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fcnvmectl's view of one "stats" reply row (daemon/ctl/ctl_stats.c): its
 * key and counters, and the latency histogram decoded from
 * FCNVME_A_LAT_HIST. Shared by the OpenMetrics output and the watch mode.
 */
#ifndef FCNVMECTL_STATS_H
#define FCNVMECTL_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/hist.h>
#include <fcnvme/nqn.h>

struct fcnvme_msg;

struct ctl_stat_row {
	uint8_t obj; /* enum fcnvme_obj */
	char name[32];
	uint16_t portid;
	char nqn[FCNVME_NQN_MAXLEN + 1];
	uint32_t nsid;
	char hostnqn[FCNVME_NQN_MAXLEN + 1];
	uint64_t wwpn;
	uint64_t cmds, read_bytes, write_bytes, errors, aborts;
	uint64_t refusals;	 /* port rows */
	uint64_t host_conflicts; /* port rows */
	uint64_t lat_max_ns, lat_sum_ns;
	struct fcnvme_hist lat;
};

/* Fill *r from a validated stats row; -EINVAL if it is not one. */
int ctl_stat_row_parse(const struct fcnvme_msg *msg, struct ctl_stat_row *r);
/* Same key (object, port, subsystem, namespace, host)? */
int ctl_stat_row_same(const struct ctl_stat_row *a, const struct ctl_stat_row *b);

/* Where "stats -i SECS [-c COUNT]" is asked for. */
struct ctl_watch {
	unsigned int interval_ms; /* 0: not watching */
	unsigned long count;	  /* 0: until interrupted */
	bool json;		  /* JSON lines: one object per row and interval */
};

/*
 * Take "-i SECS" and "-c COUNT" out of a "stats ..." command line (argv
 * words after the global options; argv[0] is the object). Words are
 * removed in place and *argc shrinks. 0, or -EINVAL with a message in err.
 */
int ctl_watch_args(int *argc, char **argv, struct ctl_watch *w, char *err, size_t errlen);

struct fcnvme_client;
struct nl_msg;
/* Send req every interval and print each interval's rates per row. 0 or
 * -errno with a message in err. */
int ctl_watch_run(struct fcnvme_client *c, struct nl_msg *req, const struct ctl_watch *w, char *err,
		  size_t errlen);

#endif /* FCNVMECTL_STATS_H */
