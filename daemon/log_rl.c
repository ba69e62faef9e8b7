// SPDX-License-Identifier: Apache-2.0
/*
 * Rate limiting of repeated log messages per (host WWPN, reason): see
 * log_rl.h.
 */
#include <stdio.h>
#include <string.h>

#include "log_rl.h"

void log_rl_init(struct log_rl *rl, uint64_t interval_ms, unsigned int burst,
		 log_rl_summary_fn summary, void *arg)
{
	memset(rl, 0, sizeof(*rl));
	rl->interval_ms = interval_ms ? interval_ms : LOG_RL_INTERVAL_MS;
	rl->burst = burst ? burst : 1;
	rl->summary = summary;
	rl->arg = arg;
}

/* Report and clear what the slot suppressed. */
static void log_rl_report(struct log_rl *rl, struct log_rl_slot *s)
{
	if (s->suppressed && rl->summary)
		rl->summary(rl->arg, s->wwpn, s->reason, s->suppressed, rl->interval_ms);
	s->suppressed = 0;
}

/* The key's slot; else a free one; else the one whose interval started
 * first, after its summary. */
static struct log_rl_slot *log_rl_slot(struct log_rl *rl, uint64_t wwpn, const char *reason)
{
	struct log_rl_slot *s, *free_slot = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < LOG_RL_SLOTS; i++) {
		s = &rl->slot[i];
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (s->wwpn == wwpn && strncmp(s->reason, reason, sizeof(s->reason) - 1) == 0)
			return s;
		if (!oldest || s->start_ms < oldest->start_ms)
			oldest = s;
	}
	s = free_slot ? free_slot : oldest;
	if (s->used)
		log_rl_report(rl, s);
	memset(s, 0, sizeof(*s));
	s->wwpn = wwpn;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	return s;
}

bool log_rl_allow(struct log_rl *rl, uint64_t wwpn, const char *reason, uint64_t now_ms)
{
	struct log_rl_slot *s = log_rl_slot(rl, wwpn, reason);

	if (s->used && now_ms - s->start_ms < rl->interval_ms) {
		if (s->logged < rl->burst) {
			s->logged++;
			return true;
		}
		s->suppressed++;
		return false;
	}
	if (s->used)
		log_rl_report(rl, s);
	s->used = true;
	s->start_ms = now_ms;
	s->logged = 1;
	return true;
}

void log_rl_flush(struct log_rl *rl, uint64_t now_ms)
{
	size_t i;

	for (i = 0; i < LOG_RL_SLOTS; i++) {
		struct log_rl_slot *s = &rl->slot[i];

		if (s->used && now_ms - s->start_ms >= rl->interval_ms) {
			log_rl_report(rl, s);
			s->used = false;
		}
	}
}
