/* SPDX-License-Identifier: Apache-2.0 */
/*
 * systemd notification (sd_notify): readiness, reload, stop, status and
 * watchdog. Every helper is a no-op when NOTIFY_SOCKET is not set, so the
 * callers never test for systemd. Control thread only, but for
 * sdnotify_wait_begin/_end, which any thread may call (they act on the
 * control thread alone).
 */
#ifndef SDNOTIFY_H
#define SDNOTIFY_H

#include <stdint.h>

/* READY=1 (after config applied, socket listening, threads and ports up). */
void sdnotify_ready(void);
/* RELOADING=1 with MONOTONIC_USEC=now; follow with sdnotify_ready(). */
void sdnotify_reloading(void);
/* STOPPING=1. */
void sdnotify_stopping(void);
/* STATUS=<formatted line>. */
void sdnotify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* WATCHDOG=1; after a wait (sdnotify_wait_begin) raised the interval, with
 * WATCHDOG_USEC= the unit's interval again. */
void sdnotify_watchdog(void);
/* EXTEND_TIMEOUT_USEC=usec, for long drains. */
void sdnotify_extend_timeout(uint64_t usec);
/* The watchdog interval systemd asked for in microseconds, 0 if none; the
 * first call with a watchdog makes the calling thread the one that feeds
 * it (the control thread). */
uint64_t sdnotify_watchdog_usec(void);
/*
 * The calling thread is about to wait up to bound_us in a call it cannot
 * leave (a Ceph call, bounded by its op timeout). On the thread that feeds
 * the watchdog, the interval is raised (WATCHDOG_USEC=) to the time since
 * the last ping plus bound_us plus one interval, unless already higher: a
 * daemon waiting on a bounded call is not hung, and systemd must not kill
 * it (and cut every host off) for that; a call that outlives its bound
 * still trips the watchdog. sdnotify_wait_end ends the wait; the next ping
 * puts the unit's interval back. Waits nest. A no-op on other threads
 * (their waits do not hold the watchdog's feeder) and without a watchdog.
 */
void sdnotify_wait_begin(uint64_t bound_us);
void sdnotify_wait_end(void);

#endif /* SDNOTIFY_H */
