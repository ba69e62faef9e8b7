// SPDX-License-Identifier: Apache-2.0
/*
 * systemd notifications through libsystemd's sd_notify (see sdnotify.h).
 * sd_notify itself does nothing without NOTIFY_SOCKET, so these helpers are
 * safe to call unconditionally.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <fcnvme/clock.h>
#include <systemd/sd-daemon.h>

#include "sdnotify.h"

/* READY=1. */
void sdnotify_ready(void)
{
	sd_notify(0, "READY=1");
}

/* RELOADING=1 with the monotonic time systemd matches the reload by. */
void sdnotify_reloading(void)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)fcnvme_clock_us());
}

/* STOPPING=1. */
void sdnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

/* STATUS=<line>. */
void sdnotify_status(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", buf);
}

/* WATCHDOG=1. */
void sdnotify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

/* EXTEND_TIMEOUT_USEC=usec. */
void sdnotify_extend_timeout(uint64_t usec)
{
	sd_notifyf(0, "EXTEND_TIMEOUT_USEC=%llu", (unsigned long long)usec);
}

/* The watchdog interval from WATCHDOG_USEC (for this pid), or 0. */
uint64_t sdnotify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
