// SPDX-License-Identifier: Apache-2.0
/*
 * systemd notifications through libsystemd's sd_notify (see sdnotify.h).
 * sd_notify itself does nothing without NOTIFY_SOCKET, so these helpers are
 * safe to call unconditionally.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <fcnvme/clock.h>
#include <systemd/sd-daemon.h>

#include "sdnotify.h"

/* The watchdog: set by sdnotify_watchdog_usec on the thread that feeds it,
 * before any other thread starts. `on` and `feeder` are then read by every
 * thread (sdnotify_wait_begin/_end) and never written again; the rest is
 * read and written on the feeder only. */
static struct {
	bool on;	    /* a watchdog was asked for */
	pthread_t feeder;   /* the thread that pings it */
	uint64_t usec;	    /* the unit's interval */
	uint64_t raised;    /* the interval a wait raised it to; 0: not raised */
	uint64_t ping_us;   /* when it was last pinged (fcnvme_clock_us) */
	unsigned int waits; /* waits under way (nested) */
} wd;

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

/* WATCHDOG=1, and the unit's interval back once no wait raises it. */
void sdnotify_watchdog(void)
{
	if (wd.on)
		wd.ping_us = fcnvme_clock_us();
	if (wd.raised && !wd.waits) {
		sd_notifyf(0, "WATCHDOG=1\nWATCHDOG_USEC=%llu", (unsigned long long)wd.usec);
		wd.raised = 0;
		return;
	}
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
	if (!wd.on) {
		wd.on = true;
		wd.feeder = pthread_self();
		wd.usec = usec;
		wd.ping_us = fcnvme_clock_us();
	}
	return usec;
}

static bool wd_feeder(void)
{
	return wd.on && pthread_equal(pthread_self(), wd.feeder);
}

/* Raise the interval to cover a wait of up to bound_us (see sdnotify.h). */
void sdnotify_wait_begin(uint64_t bound_us)
{
	uint64_t need;

	if (!wd_feeder())
		return;
	wd.waits++;
	need = fcnvme_clock_us() - wd.ping_us + bound_us + wd.usec;
	if (need <= wd.usec || need <= wd.raised)
		return;
	wd.raised = need;
	sd_notifyf(0, "WATCHDOG_USEC=%llu", (unsigned long long)need);
}

/* The wait is over; the next ping restores the interval. */
void sdnotify_wait_end(void)
{
	if (wd_feeder() && wd.waits)
		wd.waits--;
}
