// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl: the configuration commands' own words before the grammar
 * sees them: "config reload --dry-run" is "config diff" (the daemon's
 * config-diff command: the operations a reload would run, nothing
 * applied), and the FILE of "config diff FILE" is made absolute here,
 * since the daemon resolves paths from its own working directory.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fcnvmectl.h"

void ctl_config_args(int *argc, char **argv, char *abs)
{
	if (*argc < 2 || strcmp(argv[0], "config") != 0)
		return;
	if (*argc == 3 && !strcmp(argv[1], "reload") && !strcmp(argv[2], "--dry-run")) {
		argv[1] = (char *)"diff";
		argv[2] = NULL;
		*argc = 2;
		return;
	}
	if (*argc == 3 && !strcmp(argv[1], "diff") && argv[2][0] != '/' &&
	    realpath(argv[2], abs) != NULL)
		argv[2] = abs;
}
