/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's one logger (OpenBSD log.c API). In the foreground messages go
 * to stderr with a "<N>" syslog priority prefix (the journal reads it);
 * otherwise to syslog. log_warn appends strerror(errno); errno is preserved
 * by every call. log_debug prints only at verbosity >= 2 (info at >= 1).
 * libevent's own messages are routed here. fatal/fatalx log and exit(1):
 * only during start-up or on broken invariants, never on client input.
 * Control thread only; I/O threads count and post instead.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

/* verbose: 0 warnings, 1 info, 2 debug (enum fcnvme_log_level). */
void log_init(int foreground, int verbose);
void log_setverbose(int verbose);
int log_getverbose(void);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vlog(int pri, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif /* LOG_H */
