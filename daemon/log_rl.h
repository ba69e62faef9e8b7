/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rate limiting of what a misbehaving host can make the daemon log (a host
 * refused a thousand times a second): per key (a host WWPN and a reason),
 * the first burst messages of each interval are logged, the others are
 * counted and summarised once the interval is over ("suppressed N similar
 * messages").
 * A fixed table of LOG_RL_SLOTS keys; when full, the key idle longest is
 * reused (its pending summary is handed out first). Allocates nothing;
 * control thread only.
 */
#ifndef LOG_RL_H
#define LOG_RL_H

#include <stdbool.h>
#include <stdint.h>

#define LOG_RL_SLOTS	   64
#define LOG_RL_REASON_MAX  64
#define LOG_RL_INTERVAL_MS 5000

struct log_rl_slot {
	uint64_t wwpn;
	char reason[LOG_RL_REASON_MAX];
	uint64_t start_ms;	 /* start of the current interval */
	unsigned int logged;	 /* in the current interval */
	unsigned int suppressed; /* in the current interval */
	bool used;
};

/* A summary due: key and how many were suppressed (valid during the call). */
typedef void (*log_rl_summary_fn)(void *arg, uint64_t wwpn, const char *reason,
				  unsigned int suppressed, uint64_t interval_ms);

struct log_rl {
	uint64_t interval_ms;
	unsigned int burst;
	log_rl_summary_fn summary;
	void *arg;
	struct log_rl_slot slot[LOG_RL_SLOTS];
};

/* interval_ms 0: LOG_RL_INTERVAL_MS; burst 0: 1. */
void log_rl_init(struct log_rl *rl, uint64_t interval_ms, unsigned int burst,
		 log_rl_summary_fn summary, void *arg);
/* True if the message of (wwpn, reason) at now_ms is to be logged; false if
 * it is counted instead. A summary of the key's previous interval, if any
 * was suppressed, is handed to summary() first. */
bool log_rl_allow(struct log_rl *rl, uint64_t wwpn, const char *reason, uint64_t now_ms);
/* Hand out the summaries of the intervals over by now_ms (call it from a
 * timer, so a host that stops gets its summary too). */
void log_rl_flush(struct log_rl *rl, uint64_t now_ms);

#endif /* LOG_RL_H */
