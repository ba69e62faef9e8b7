// SPDX-License-Identifier: Apache-2.0
/* stderr_capture: see stderr_capture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <check.h>

#include "stderr_capture.h"

char *stderr_capture(void (*fn)(void))
{
	static char out[4096];
	char tmpl[] = "/tmp/check_stderr.XXXXXX";
	int fd = mkstemp(tmpl), saved = dup(2);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(tmpl);
	return out;
}
