/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The output-format convention of every program (nvme-cli's
 * -o/--output-format): one parser, one list of names.
 */
#ifndef FCNVMECLI_OUTPUT_H
#define FCNVMECLI_OUTPUT_H

#include <stddef.h>

enum cli_fmt {
	CLI_FMT_NORMAL = 0,
	CLI_FMT_JSON = 1,
	CLI_FMT_OPENMETRICS = 2,
};

#define CLI_FMT_MASK(f) (1u << (f))

/* Parse an -o argument ("normal", "json", "openmetrics") that must be one
 * of the formats in allowed (CLI_FMT_MASK bits). 0, or -EINVAL with a
 * message "unknown output format 'X' (normal, json)" in err. */
int cli_fmt_parse(const char *s, unsigned int allowed, enum cli_fmt *out, char *err, size_t errlen);

/* The NULL-terminated names of the formats in allowed, for tables and
 * completion: points into static storage, one array per mask value. */
const char *const *cli_fmt_names(unsigned int allowed);

#endif
