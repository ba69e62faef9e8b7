// SPDX-License-Identifier: Apache-2.0
/*
 * cli_opts_getopt: getopt_long's tables from a program's option table
 * (doc.h), so the parser reads the same table as --help, the manual page
 * and the completion script.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "fcnvmecli/doc.h"

int cli_opts_getopt(const struct cli_opt *o, const char *prefix, struct option *lo, size_t nlo,
		    char *shortopts, size_t nso)
{
	size_t n = 0, s = strlen(prefix ? prefix : "");

	if (s >= nso)
		return -ENOSPC;
	memcpy(shortopts, prefix ? prefix : "", s);
	for (; o && o->name; o++) {
		if (!o->key)
			continue;
		if (strncmp(o->name, "--", 2) || !o->name[2])
			return -EINVAL;
		if (n + 1 >= nlo)
			return -ENOSPC;
		lo[n].name = o->name + 2;
		lo[n].has_arg = o->arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = o->key;
		n++;
		if (!o->alias)
			continue;
		if (o->alias[0] != '-' || o->alias[1] != o->key || o->alias[2])
			return -EINVAL;
		if (s + 3 >= nso)
			return -ENOSPC;
		shortopts[s++] = (char)o->key;
		if (o->arg)
			shortopts[s++] = ':';
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	shortopts[s] = '\0';
	return 0;
}
