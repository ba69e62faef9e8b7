// SPDX-License-Identifier: Apache-2.0
/*
 * conf_check: parse configuration files with the daemon's own loader, the
 * way `nvmetfcd -n` does, without starting anything.
 *   conf_check FILE...     exit 0 if every file is valid, else print the
 *                          first error ("FILE:LINE: reason") and exit 1
 *   conf_check -p FILE     print the normalised form
 */
#include <stdio.h>
#include <string.h>

#include "daemon/conf/conf.h"

int main(int argc, char *argv[])
{
	struct conf *c;
	char err[512];
	int i, print = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0)
		print = 1;
	if (argc < 2 + print) {
		fprintf(stderr, "usage: conf_check [-p] FILE...\n");
		return 2;
	}
	for (i = 1 + print; i < argc; i++) {
		if (conf_load(argv[i], &c, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (print)
			conf_print(stdout, c);
		conf_free(c);
	}
	return 0;
}
