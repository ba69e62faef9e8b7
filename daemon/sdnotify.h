/* SPDX-License-Identifier: Apache-2.0 */
/*
 * systemd notification (sd_notify): readiness, reload, stop, status and
 * watchdog. Every helper is a no-op when NOTIFY_SOCKET is not set, so the
 * callers never test for systemd. Control thread only.
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
/* WATCHDOG=1. */
void sdnotify_watchdog(void);
/* EXTEND_TIMEOUT_USEC=usec, for long drains. */
void sdnotify_extend_timeout(uint64_t usec);
/* The watchdog interval systemd asked for in microseconds, 0 if none. */
uint64_t sdnotify_watchdog_usec(void);

#endif /* SDNOTIFY_H */
