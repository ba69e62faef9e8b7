// SPDX-License-Identifier: Apache-2.0
/*
 * cli_doc_generate: the programs' hidden --generate=man|bash (doc.h).
 */
#include <errno.h>
#include <string.h>

#include "fcnvmecli/doc.h"

int cli_doc_generate(FILE *f, const struct cli_prog *p, const char *what)
{
	int rc;

	if (!strcmp(what, "man"))
		rc = cli_doc_man(f, p);
	else if (!strcmp(what, "bash"))
		rc = cli_doc_bash(f, p);
	else
		return -EINVAL;
	if (!rc && fflush(f))
		rc = -EIO;
	return rc;
}
