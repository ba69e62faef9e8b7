// SPDX-License-Identifier: Apache-2.0
/*
 * conf_check: parse configuration files with the daemon's own loader, the
 * way `nvmetfcd -n` does, without starting anything.
 *   conf_check FILE...     exit 0 if every file is valid, else print the
 *                          first error ("FILE:LINE: reason") and exit 1
 *   conf_check -p FILE     print the normalised form
 *   conf_check -w FILE     print the warnings of `nvmetfcd -n` (conf_lint)
 */
#include <stdio.h>
#include <string.h>

#include "daemon/conf/conf.h"

int main(int argc, char *argv[])
{
	struct conf *c;
	char err[512];
	int i, print = 0, lint = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0)
		print = 1;
	else if (argc > 1 && strcmp(argv[1], "-w") == 0)
		lint = 1;
	if (argc < 2 + print + lint) {
		fprintf(stderr, "usage: conf_check [-p|-w] FILE...\n");
		return 2;
	}
	for (i = 1 + print + lint; i < argc; i++) {
		if (conf_load(argv[i], &c, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (print)
			conf_print(stdout, c);
		if (lint)
			conf_lint(c, argv[i], stdout);
		conf_free(c);
	}
	return 0;
}
