/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's manual pages, generated from the tables the daemon parses
 * with (libfcnvme/cli's generator): nvmetfcd(8) from its command-line
 * options, nvmetfcd.conf(5) from the configuration option tables
 * (daemon/conf/conf_opts.c) and their one-line descriptions. Used by the
 * hidden option "nvmetfcd --generate=man|conf-man" at build time
 * (man/local.am); never on a running daemon's path.
 */
#ifndef NVMETFCD_DOC_H
#define NVMETFCD_DOC_H

#include <stdio.h>

struct cli_opt;
struct cli_prog;

/* The command-line options of nvmetfcd, for getopt_long, --help and the
 * page, and the program they belong to. */
extern const struct cli_opt nvmetfcd_opts[];
extern const struct cli_prog nvmetfcd_prog;

/* Print what ("man": nvmetfcd(8), "conf-man": nvmetfcd.conf(5)) to f.
 * 0, -EINVAL for another what or a table entry without a description,
 * -ENOMEM, or -EIO. */
int nvmetfcd_doc_generate(FILE *f, const char *what);

#endif
