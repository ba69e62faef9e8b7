// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's logger (see log.h): one sink, chosen at log_init(): the
 * journal (structured) when stderr is its stream or when not in the
 * foreground under systemd, else stderr with "<N>" priority prefixes in the
 * foreground, syslog otherwise; plus a plain stderr copy until the daemon
 * is up. The verbosity can change at runtime (fcnvmectl log level,
 * reload). libevent's messages are routed through the same sink.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <event2/event.h>

#include "log.h"

/* Control thread only: set once by log_init, verbosity by log_setverbose. */
static int log_foreground = 1;
static int log_verbose;
static bool log_journal;       /* entries go to the journal */
static log_journal_fn log_jfn; /* through this (NULL: sd_journal_sendv) */
static bool log_journal_init;  /* what log_init chose */
static bool log_early_stderr;  /* copy to stderr until log_ready */

static void log_event_cb(int severity, const char *msg)
{
	static const int pri[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };

	if (severity < 0 || severity > 3)
		severity = 3;
	if (pri[severity] == LOG_DEBUG && log_verbose < 2)
		return;
	log_warnx("libevent: %s", msg);
}

/* Choose the sink and verbosity; route libevent's messages here. */
void log_init(int foreground, int verbose)
{
	bool stream = log_journal_stream(2);

	log_foreground = foreground;
	log_verbose = verbose;
	log_journal = stream || (!foreground && getenv("INVOCATION_ID"));
	log_journal_init = log_journal;
	log_jfn = NULL;
	log_early_stderr = !foreground && !stream;
	if (!foreground)
		openlog("nvmetfcd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	event_set_log_callback(log_event_cb);
}

/* Change the verbosity (0 warn, 1 info, 2 debug). */
void log_setverbose(int verbose)
{
	log_verbose = verbose;
}

/* The current verbosity. */
int log_getverbose(void)
{
	return log_verbose;
}

/* The daemon is up: no more stderr copies. */
void log_ready(void)
{
	log_early_stderr = false;
}

/* Journal entries through fn (tests); NULL restores log_init's choice. */
void log_set_journal(log_journal_fn fn)
{
	log_jfn = fn;
	log_journal = fn ? true : log_journal_init;
}

static void emit_fields(int pri, const struct log_fields *f, const char *line)
{
	if (log_early_stderr) {
		fprintf(stderr, "nvmetfcd: %s\n", line);
		fflush(stderr);
	}
	if (log_journal && log_journal_send(log_jfn, pri, f, line) == 0)
		return;
	if (log_foreground) {
		fprintf(stderr, "<%d>%s\n", pri, line);
		fflush(stderr);
	} else {
		syslog(pri, "%s", line);
	}
}

static void emit(int pri, const char *line)
{
	emit_fields(pri, NULL, line);
}

/* One message with journal fields (see log.h). */
void log_fields(int pri, const struct log_fields *f, const char *fmt, ...)
{
	int saved = errno;
	char buf[1024];
	va_list ap;

	if ((pri == LOG_INFO && log_verbose < 1) || (pri == LOG_DEBUG && log_verbose < 2))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit_fields(pri, f, buf);
	errno = saved;
}

/* Log one message at syslog priority pri; errno is preserved. */
void vlog(int pri, const char *fmt, va_list ap)
{
	int saved = errno;
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	emit(pri, buf);
	errno = saved;
}

static __attribute__((format(printf, 3, 0))) void logit_errno(int pri, int error, const char *fmt,
							      va_list ap)
{
	char buf[1024];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (error && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(error));
	emit(pri, buf);
}

/* A warning with strerror(errno) appended. */
void log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	logit_errno(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* A warning. */
void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

/* An informational message (verbosity >= 1). */
void log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

/* A debug message (verbosity >= 2). */
void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* Log with strerror(errno) and exit(1). */
void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	logit_errno(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Log and exit(1). */
void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
