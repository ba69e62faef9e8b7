// SPDX-License-Identifier: Apache-2.0
/*
 * conf_check: parse configuration files with the daemon's own loader, the
 * way `nvmetfcd -n` does, without starting anything.
 *   conf_check FILE...     exit 0 if every file is valid, else print the
 *                          first error ("FILE:LINE: reason") and exit 1
 *   conf_check -p FILE     print the normalised form
 *   conf_check -w FILE     print the warnings of `nvmetfcd -n` (conf_lint)
 *   conf_check -a FILE     print every error, as `nvmetfcd -n` does
 */
#include <stdio.h>
#include <string.h>

#include "daemon/conf/conf.h"

int main(int argc, char *argv[])
{
	struct conf *c;
	char err[512];
	static char all[16384];
	int i, print = 0, lint = 0, every = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0)
		print = 1;
	else if (argc > 1 && strcmp(argv[1], "-w") == 0)
		lint = 1;
	else if (argc > 1 && strcmp(argv[1], "-a") == 0)
		every = 1;
	if (argc < 2 + print + lint + every) {
		fprintf(stderr, "usage: conf_check [-p|-w|-a] FILE...\n");
		return 2;
	}
	for (i = 1 + print + lint + every; i < argc; i++) {
		if (every && conf_load_all(argv[i], &c, all, sizeof(all)) != 0) {
			fputs(all, stderr);
			return 1;
		}
		if (!every && conf_load(argv[i], &c, err, sizeof(err)) != 0) {
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
