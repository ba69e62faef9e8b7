/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-line error messages into a caller's buffer: the "char *err, size_t
 * errlen" pair that parsers, the config engine, the core and the tools
 * hand down so the one who failed can say why.
 */
#ifndef FCNVME_ERR_H
#define FCNVME_ERR_H

#include <stdarg.h>
#include <stddef.h>

/*
 * printf fmt into err (truncated to errlen - 1 characters and terminated;
 * nothing when err is NULL or errlen is 0). Returns error, so a failure
 * path can be "return fcnvme_err(err, errlen, -EINVAL, ...);".
 */
int fcnvme_err(char *err, size_t errlen, int error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same with a va_list, for wrappers. */
int fcnvme_verr(char *err, size_t errlen, int error, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#endif /* FCNVME_ERR_H */
