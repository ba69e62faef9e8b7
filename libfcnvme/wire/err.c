// SPDX-License-Identifier: Apache-2.0
/*
 * Error messages into a caller's buffer (see fcnvme/err.h).
 */
#include <stdio.h>

#include <fcnvme/err.h>

/* vsnprintf into err when there is one; returns error. */
int fcnvme_verr(char *err, size_t errlen, int error, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return error;
}

/* fcnvme_verr() with arguments. */
int fcnvme_err(char *err, size_t errlen, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fcnvme_verr(err, errlen, error, fmt, ap);
	va_end(ap);
	return error;
}
