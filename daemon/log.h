/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's one logger (OpenBSD log.c API). In the foreground messages go
 * to stderr with a "<N>" syslog priority prefix; otherwise to syslog. When
 * stderr is the journal's stream ($JOURNAL_STREAM), or when not in the
 * foreground under systemd ($INVOCATION_ID), they go to the journal as
 * structured entries instead (log_journal.h), with the event's fields. Until
 * log_ready() (the daemon is up), a daemon not in the foreground also copies
 * every message to stderr as "nvmetfcd: MESSAGE", unless stderr is the
 * journal: start-up errors reach whoever started it.
 * log_warn appends strerror(errno); errno is preserved by every call.
 * log_debug prints only at verbosity >= 2 (info at >= 1); notice and above
 * always print.
 * libevent's own messages are routed here. fatal/fatalx log and exit(1):
 * only during start-up or on broken invariants, never on client input.
 * Control thread only; I/O threads count and post instead.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

#include "log_journal.h"

/* verbose: 0 warnings, 1 info, 2 debug (enum fcnvme_log_level). */
void log_init(int foreground, int verbose);
void log_setverbose(int verbose);
int log_getverbose(void);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vlog(int pri, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* One message at syslog priority pri with the journal fields of f (NULL:
 * none); the text must carry the same facts for stderr and syslog. */
void log_fields(int pri, const struct log_fields *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The daemon is up: stop copying messages to stderr. */
void log_ready(void);
/* Send to the journal through fn from now on (tests); NULL: back to the
 * sink log_init chose. */
void log_set_journal(log_journal_fn fn);
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif /* LOG_H */
