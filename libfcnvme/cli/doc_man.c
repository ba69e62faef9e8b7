// SPDX-License-Identifier: Apache-2.0
/*
 * cli_doc_man: a program's roff manual page from its tables (doc.h).
 * Text is escaped for roff (backslashes, a leading dot or quote, and the
 * hyphens of option names, which must stay ASCII for copy and paste).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fcnvmecli/doc.h"

/* Print len bytes of s as roff text: at_bol says whether f is at the start
 * of a line. */
static void roff_putn(FILE *f, const char *s, size_t len, bool dash_escape, bool at_bol)
{
	for (; len; s++, len--) {
		if (at_bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		at_bol = false;
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-' && dash_escape)
			fputs("\\-", f);
		else
			fputc(*s, f);
		if (*s == '\n')
			at_bol = true;
	}
}

static void roff_put(FILE *f, const char *s, bool dash_escape, bool at_bol)
{
	roff_putn(f, s, strlen(s), dash_escape, at_bol);
}

/* Paragraphs separated by empty lines; lines starting with two spaces are
 * verbatim blocks. */
static void roff_paragraphs(FILE *f, const char *text, bool first_pp)
{
	const char *p = text;
	bool verbatim = false, need_pp = first_pp;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *line = p;

		p += len + (nl ? 1 : 0);

		if (len == 0) {
			if (verbatim) {
				fputs(".fi\n.RE\n", f);
				verbatim = false;
			}
			need_pp = true;
			continue;
		}
		if (len >= 2 && !strncmp(line, "  ", 2)) {
			if (!verbatim) {
				fputs(need_pp ? ".PP\n.RS 4\n.nf\n" : ".RS 4\n.nf\n", f);
				verbatim = true;
				need_pp = false;
			}
			roff_putn(f, line + 2, len - 2, true, true);
			fputc('\n', f);
			continue;
		}
		if (verbatim) {
			fputs(".fi\n.RE\n", f);
			verbatim = false;
		}
		if (need_pp) {
			fputs(".PP\n", f);
			need_pp = false;
		}
		roff_putn(f, line, len, false, true);
		fputc('\n', f);
	}
	if (verbatim)
		fputs(".fi\n.RE\n", f);
}

static void roff_upper(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s, f);
}

static int check_opts(const struct cli_opt *o)
{
	for (; o && o->name; o++)
		if (!o->help || !*o->help)
			return -EINVAL;
	return 0;
}

/* An option (bold) or, pos, a positional argument (italic). */
static void man_opt(FILE *f, const struct cli_opt *o, enum cli_doc_shape shape, bool pos)
{
	fputs(pos ? ".TP\n\\fI" : ".TP\n\\fB", f);
	roff_put(f, o->name, true, false);
	fputs("\\fR", f);
	if (o->alias) {
		fputs(", \\fB", f);
		roff_put(f, o->alias, true, false);
		fputs("\\fR", f);
	}
	if (o->arg) {
		fputs(shape == CLI_DOC_SETTINGS ? " = \\fI" : " \\fI", f);
		roff_put(f, o->arg, false, false);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff_put(f, o->help, false, true);
	fputc('\n', f);
	if (o->values && o->values[0]) {
		const char *const *v;

		fputs("One of:", f);
		for (v = o->values; *v; v++) {
			fputs(v == o->values ? " \\fB" : ", \\fB", f);
			roff_put(f, *v, true, false);
			fputs("\\fR", f);
		}
		fputs(".\n", f);
	}
}

/* The entries of o that are (pos) or are not positional arguments. */
static void man_opts(FILE *f, const struct cli_opt *o, enum cli_doc_shape shape, bool pos)
{
	for (; o && o->name; o++)
		if (!(o->flags & CLI_OPT_HIDDEN) && !(o->flags & CLI_OPT_POS) == !pos)
			man_opt(f, o, shape, pos);
}

static void man_cmds(FILE *f, const struct cli_prog *p)
{
	const struct cli_cmd *c;

	if (p->shape == CLI_DOC_SETTINGS) {
		for (c = p->cmds; c->words; c++) {
			fputs(".SS ", f);
			roff_put(f, c->words, false, false);
			fputc('\n', f);
			roff_paragraphs(f, c->help, false);
			man_opts(f, c->opts, p->shape, false);
		}
		return;
	}
	for (c = p->cmds; c->words; c++) {
		fputs(".TP\n\\fB", f);
		roff_put(f, c->words, false, false);
		fputs("\\fR", f);
		if (c->args) {
			fputs(" \\fI", f);
			roff_put(f, c->args, false, false);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff_put(f, c->help, false, true);
		fputc('\n', f);
		if (c->opts && c->opts->name) {
			fputs(".RS\n", f);
			man_opts(f, c->opts, p->shape, true);
			man_opts(f, c->opts, p->shape, false);
			fputs(".RE\n", f);
		}
	}
}

int cli_doc_man(FILE *f, const struct cli_prog *p)
{
	const struct cli_section *s;
	const struct cli_cmd *c;

	if (!p->name || !p->summary || !p->description || p->section < 1 || p->section > 9 ||
	    check_opts(p->global_opts))
		return -EINVAL;
	for (c = p->cmds; c && c->words; c++)
		if (!c->help || !*c->help || check_opts(c->opts))
			return -EINVAL;

	fputs(".TH \"", f);
	roff_upper(f, p->name);
	fprintf(f, "\" \"%d\" \"\" \"nvmetfcd %s\" \"nvmetfcd manual\"\n", p->section,
		p->version ? p->version : "");
	fputs(".SH NAME\n", f);
	roff_put(f, p->name, true, true);
	fputs(" \\- ", f);
	roff_put(f, p->summary, false, false);
	fputs("\n.SH SYNOPSIS\n", f);
	if (p->synopsis) {
		roff_paragraphs(f, p->synopsis, false);
	} else {
		fputs(".B ", f);
		roff_put(f, p->name, true, false);
		fputs("\n[\\fIoptions\\fR] \\fIcommand\\fR [\\fIarguments\\fR]\n", f);
	}
	fputs(".SH DESCRIPTION\n", f);
	roff_paragraphs(f, p->description, false);
	if (p->global_opts && p->global_opts->name) {
		fputs(".SH OPTIONS\n", f);
		man_opts(f, p->global_opts, CLI_DOC_COMMANDS, false);
	}
	if (p->cmds && p->cmds->words) {
		fputs(p->shape == CLI_DOC_SETTINGS ? ".SH SETTINGS\n" : ".SH COMMANDS\n", f);
		man_cmds(f, p);
	}
	for (s = p->sections; s && s->title; s++) {
		fputs(".SH ", f);
		roff_upper(f, s->title);
		fputc('\n', f);
		roff_paragraphs(f, s->text, false);
	}
	return ferror(f) ? -EIO : 0;
}
