// SPDX-License-Identifier: Apache-2.0
/*
 * cli_doc_usage: --help text from a program's tables (doc.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fcnvmecli/doc.h"

#define HELP_COL 30
#define WIDTH	 79

/* Print text word-wrapped to WIDTH, the first line starting at column col
 * (already reached), continuation lines indented to indent. */
static void fill(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;

	while (*p) {
		const char *sp = strchr(p, ' ');
		int len = sp ? (int)(sp - p) : (int)strlen(p);

		if (col > indent && col + 1 + len > WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, (size_t)len, f);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
}

/* The entries of o that are (pos) or are not positional arguments. */
static void usage_opts(FILE *f, const struct cli_opt *o, bool pos)
{
	for (; o && o->name; o++) {
		int w = 0;

		if ((o->flags & CLI_OPT_HIDDEN) || !(o->flags & CLI_OPT_POS) != !pos)
			continue;
		w += fprintf(f, "  ");
		if (o->alias)
			w += fprintf(f, "%s, ", o->alias);
		w += fprintf(f, "%s", o->name);
		if (o->arg)
			w += fprintf(f, " %s", o->arg);
		if (w >= HELP_COL - 1)
			fprintf(f, "\n%*s", HELP_COL, "");
		else
			fprintf(f, "%*s", HELP_COL - w, "");
		if (o->values && o->values[0]) {
			const char *const *v;
			char buf[512];
			size_t used = (size_t)snprintf(buf, sizeof(buf), "%s (", o->help);

			for (v = o->values; *v && used < sizeof(buf); v++)
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
							 v == o->values ? "" : ", ", *v);
			if (used < sizeof(buf))
				snprintf(buf + used, sizeof(buf) - used, ")");
			fill(f, buf, HELP_COL, HELP_COL);
		} else {
			fill(f, o->help, HELP_COL, HELP_COL);
		}
		fputc('\n', f);
	}
}

/* Does o list a visible positional argument (pos) or option (!pos)? */
static bool has(const struct cli_opt *o, bool pos)
{
	for (; o && o->name; o++)
		if (!(o->flags & CLI_OPT_HIDDEN) && !(o->flags & CLI_OPT_POS) == !pos)
			return true;
	return false;
}

int cli_doc_usage(FILE *f, const struct cli_prog *p, const struct cli_cmd *c)
{
	const struct cli_cmd *d;

	if (c) {
		fprintf(f, "usage: %s %s%s%s [options]\n\n", p->name, c->words, c->args ? " " : "",
			c->args ? c->args : "");
		fill(f, c->help, 0, 0);
		fputc('\n', f);
		if (has(c->opts, true)) {
			fputs("\narguments:\n", f);
			usage_opts(f, c->opts, true);
		}
		if (has(c->opts, false)) {
			fputs("\noptions:\n", f);
			usage_opts(f, c->opts, false);
		}
		return ferror(f) ? -EIO : 0;
	}
	fprintf(f, "usage: %s [options]%s\n\n%s.\n", p->name,
		p->cmds && p->cmds->words ? " <command> [arguments]" : "", p->summary);
	if (p->global_opts && p->global_opts->name) {
		fputs("\noptions:\n", f);
		usage_opts(f, p->global_opts, false);
	}
	if (p->cmds && p->cmds->words) {
		fputs("\ncommands:\n", f);
		for (d = p->cmds; d->words; d++) {
			char first[512];
			int w = fprintf(f, "  %s%s%s", d->words, d->args ? " " : "",
					d->args ? d->args : "");
			/* a sentence ends at ". " or at the end ("docs/X.md" does not) */
			const char *dot = strstr(d->help, ". ");

			if (w >= HELP_COL - 1)
				fprintf(f, "\n%*s", HELP_COL, "");
			else
				fprintf(f, "%*s", HELP_COL - w, "");
			/* the first sentence, wrapped under its column */
			snprintf(first, sizeof(first), "%.*s",
				 dot ? (int)(dot - d->help + 1) : (int)strlen(d->help), d->help);
			fill(f, first, HELP_COL, HELP_COL);
			fputc('\n', f);
		}
	}
	return ferror(f) ? -EIO : 0;
}

void cli_doc_try_help(FILE *f, const struct cli_prog *p, const struct cli_cmd *c)
{
	fprintf(f, "Try '%s%s%s --help'.\n", p->name, c ? " " : "", c ? c->words : "");
}

void cli_doc_version(FILE *f, const struct cli_prog *p)
{
	fprintf(f, "%s (nvmetfcd) %s\n", p->name, p->version ? p->version : "");
}
