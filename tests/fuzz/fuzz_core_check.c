// SPDX-License-Identifier: Apache-2.0
/*
 * Check's two assertion entry points for fuzz_core_cmd, which links the
 * core test harness (tests/unit/core_harness.c, written with ck_assert)
 * outside a Check run, where libcheck's own versions exit through their
 * missing message pipe: a passed assertion does nothing, a failed one
 * aborts (a crash for libFuzzer).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void _mark_point(const char *file, int line)
{
	(void)file;
	(void)line;
}

void _ck_assert_failed(const char *file, int line, const char *expr, const char *msg, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: %s", file, line, expr);
	if (msg) {
		fputs(": ", stderr);
		va_start(ap, msg);
		vfprintf(stderr, msg, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	abort();
}
