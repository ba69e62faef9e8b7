// SPDX-License-Identifier: Apache-2.0
/*
 * cli_fmt_*: the -o/--output-format convention (output.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fcnvme/err.h"
#include "fcnvmecli/output.h"

static const char *const fmt_name[] = { "normal", "json", "openmetrics" };
#define FMT_COUNT (sizeof(fmt_name) / sizeof(fmt_name[0]))

/* For every mask of the formats, its names in order, NULL-terminated:
 * built from fmt_name on first use would need a lock; the eight lists are
 * small enough to write down. */
static const char *const names_by_mask[1u << FMT_COUNT][FMT_COUNT + 1] = {
	[0] = { NULL },
	[1] = { "normal", NULL },
	[2] = { "json", NULL },
	[3] = { "normal", "json", NULL },
	[4] = { "openmetrics", NULL },
	[5] = { "normal", "openmetrics", NULL },
	[6] = { "json", "openmetrics", NULL },
	[7] = { "normal", "json", "openmetrics", NULL },
};

const char *const *cli_fmt_names(unsigned int allowed)
{
	return names_by_mask[allowed & ((1u << FMT_COUNT) - 1)];
}

int cli_fmt_parse(const char *s, unsigned int allowed, enum cli_fmt *out, char *err, size_t errlen)
{
	const char *const *names = cli_fmt_names(allowed);
	char list[64] = "";
	size_t i;

	for (i = 0; i < FMT_COUNT; i++)
		if ((allowed & CLI_FMT_MASK(i)) && !strcmp(s, fmt_name[i])) {
			*out = (enum cli_fmt)i;
			return 0;
		}
	for (i = 0; names[i]; i++) {
		if (i)
			strcat(list, ", ");
		strcat(list, names[i]); /* at most "normal, json, openmetrics" */
	}
	return fcnvme_err(err, errlen, -EINVAL, "unknown output format '%s' (%s)", s, list);
}
