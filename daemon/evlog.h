/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The target's story in the log: what the core decided about a host
 * (refused Create Association or Connect with the reason, status and
 * offending field, new controllers, keep-alive expiry, associations that
 * ended and why) as one line each, with the journal fields PORT=,
 * SUBSYS_NQN=, HOST_NQN=, HOST_WWPN= (log_journal.h). What a host can
 * repeat is rate-limited per host WWPN and reason (log_rl.h). Control
 * thread only.
 */
#ifndef EVLOG_H
#define EVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/tgt.h"

/* Reset the rate limiter (interval_ms 0: LOG_RL_INTERVAL_MS). */
void evlog_init(uint64_t interval_ms);
/* Log an association event at now_ms (tgt_set_assoc_event_cb). */
void evlog_assoc(const struct tgt_assoc_event *ev, uint64_t now_ms);
/* Summaries of intervals that are over (call from the timer). */
void evlog_tick(uint64_t now_ms);
/* "Connect data byte 512 (hostnqn)" for a Connect's offending-field value
 * ipo (bit 16 set: in the Connect data, else in the SQE). */
void evlog_connect_field(int32_t ipo, char *buf, size_t len);

#endif /* EVLOG_H */
