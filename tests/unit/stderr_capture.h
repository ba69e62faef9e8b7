/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a function writes on stderr (fd 2), for the unit tests of the
 * daemon's logger: the check_control suites that assert exact log lines.
 */
#ifndef STDERR_CAPTURE_H
#define STDERR_CAPTURE_H

/* Run fn with fd 2 redirected to a temporary file; returns what it wrote
 * (NUL-terminated, at most 4095 bytes; a static buffer reused by the next
 * call). */
char *stderr_capture(void (*fn)(void));

#endif /* STDERR_CAPTURE_H */
