// SPDX-License-Identifier: Apache-2.0
/*
 * cli_doc_bash: a bash completion script from a program's tables (doc.h).
 * The script holds the tables as three associative arrays — the words that
 * may follow a command prefix, the options of each prefix ("" = global),
 * and what follows an option that takes an argument (its fixed values,
 * "@file" or "@any") — and one small walker. Keys start with '@' (bash
 * refuses an empty key). It needs nothing but bash 4.
 */
#include <errno.h>
#include <string.h>

#include "fcnvmecli/doc.h"

/* s inside a bash double-quoted string. */
static void bash_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '$' || *s == '`')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* The function name: _ followed by the program name with every character
 * that is not a letter, digit or underscore made an underscore. */
static void bash_fn(FILE *f, const char *name)
{
	fputc('_', f);
	for (; *name; name++) {
		char c = *name;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		fputc(ok ? c : '_', f);
	}
}

/* Word k (from 0) of a command's words: its offset and length; -1 if the
 * command has no word k. */
static int word_at(const char *words, int k, size_t *off, size_t *len)
{
	size_t o = 0;

	for (;;) {
		const char *sp = strchr(words + o, ' ');
		size_t l = sp ? (size_t)(sp - words) - o : strlen(words + o);

		if (k-- == 0) {
			*off = o;
			*len = l;
			return 0;
		}
		if (!sp)
			return -1;
		o += l + 1;
	}
}

/* Do a and b both have more than k words, and the same first k? */
static int same_prefix(const char *a, const char *b, int k)
{
	size_t ao, al, bo, bl;

	if (word_at(a, k, &ao, &al) || word_at(b, k, &bo, &bl))
		return 0;
	return ao == bo && !strncmp(a, b, ao);
}

static int same_word(const char *a, const char *b, int k)
{
	size_t ao, al, bo, bl;

	if (word_at(a, k, &ao, &al) || word_at(b, k, &bo, &bl))
		return 0;
	return al == bl && !strncmp(a + ao, b + bo, al);
}

/* next[prefix] for each distinct prefix of the command words: the words
 * that may follow it, in table order, each once. */
static void bash_next(FILE *f, const struct cli_cmd *cmds)
{
	const struct cli_cmd *c, *d, *e;
	size_t off, len;
	int k;

	for (c = cmds; c && c->words; c++) {
		for (k = 0; !word_at(c->words, k, &off, &len); k++) {
			int first = 1;

			for (d = cmds; d != c; d++)
				if (same_prefix(d->words, c->words, k))
					break;
			if (d != c)
				continue;
			fputs("\t\t[\"@", f);
			fwrite(c->words, 1, off ? off - 1 : 0, f);
			fputs("\"]=\"", f);
			for (d = c; d->words; d++) {
				if (!same_prefix(d->words, c->words, k))
					continue;
				for (e = c; e != d; e++)
					if (same_prefix(e->words, c->words, k) &&
					    same_word(e->words, d->words, k))
						break;
				if (e != d)
					continue;
				word_at(d->words, k, &off, &len);
				if (!first)
					fputc(' ', f);
				fwrite(d->words + off, 1, len, f);
				first = 0;
			}
			fputs("\"\n", f);
		}
	}
}

static void bash_opts(FILE *f, const char *prefix, const struct cli_opt *o)
{
	int first = 1;

	fputs("\t\t[\"@", f);
	bash_str(f, prefix);
	fputs("\"]=\"", f);
	for (; o && o->name; o++) {
		if (o->flags & (CLI_OPT_HIDDEN | CLI_OPT_POS))
			continue;
		if (!first)
			fputc(' ', f);
		bash_str(f, o->name);
		if (o->alias) {
			fputc(' ', f);
			bash_str(f, o->alias);
		}
		first = 0;
	}
	fputs("\"\n", f);
}

static void bash_arg1(FILE *f, const char *prefix, const char *spelling, const struct cli_opt *o)
{
	const char *const *v;

	fputs("\t\t[\"@", f);
	bash_str(f, prefix);
	fputc('|', f);
	bash_str(f, spelling);
	fputs("\"]=\"", f);
	if (o->values && o->values[0]) {
		for (v = o->values; *v; v++) {
			if (v != o->values)
				fputc(' ', f);
			bash_str(f, *v);
		}
	} else {
		fputs(o->flags & CLI_OPT_FILE ? "@file" : "@any", f);
	}
	fputs("\"\n", f);
}

static void bash_args(FILE *f, const char *prefix, const struct cli_opt *o)
{
	for (; o && o->name; o++) {
		if (!o->arg || (o->flags & CLI_OPT_POS))
			continue;
		bash_arg1(f, prefix, o->name, o);
		if (o->alias)
			bash_arg1(f, prefix, o->alias, o);
	}
}

/* Does o list an option that is not a positional argument? */
static int has_opts(const struct cli_opt *o)
{
	for (; o && o->name; o++)
		if (!(o->flags & CLI_OPT_POS))
			return 1;
	return 0;
}

/* pos["@command|N"]: the fixed values (or "@file") of the command's
 * positional argument N (from 0); arguments without either are left out. */
static void bash_pos(FILE *f, const struct cli_cmd *c)
{
	const struct cli_opt *o;
	const char *const *v;
	int n;

	for (o = c->opts, n = 0; o && o->name; o++) {
		if (!(o->flags & CLI_OPT_POS))
			continue;
		n++;
		if (!(o->values && o->values[0]) && !(o->flags & CLI_OPT_FILE))
			continue;
		fprintf(f, "\t\t[\"@%s|%d\"]=\"", c->words, n - 1);
		if (o->values && o->values[0]) {
			for (v = o->values; *v; v++) {
				if (v != o->values)
					fputc(' ', f);
				bash_str(f, *v);
			}
		} else {
			fputs("@file", f);
		}
		fputs("\"\n", f);
	}
}

/* Command words are written into the script unquoted: letters, digits,
 * '-' and '_', separated by single spaces. */
static int words_ok(const char *w)
{
	const char *s;

	if (!*w || *w == ' ' || w[strlen(w) - 1] == ' ' || strstr(w, "  "))
		return 0;
	for (s = w; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == ' '))
			return 0;
	return 1;
}

int cli_doc_bash(FILE *f, const struct cli_prog *p)
{
	const struct cli_cmd *c;

	if (!p->name || p->shape != CLI_DOC_COMMANDS)
		return -EINVAL;
	for (c = p->cmds; c && c->words; c++)
		if (!words_ok(c->words))
			return -EINVAL;

	fprintf(f, "# bash completion for %s (nvmetfcd %s), generated from its own tables\n",
		p->name, p->version ? p->version : "");
	fputs("# by the program itself: edit the tables, not this file.\n", f);
	bash_fn(f, p->name);
	fputs("()\n{\n", f);
	fputs("\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= path= w i v= n=0\n", f);
	fputs("\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n", f);
	fputs("\tlocal -A next=(\n", f);
	bash_next(f, p->cmds);
	fputs("\t)\n\tlocal -A opts=(\n", f);
	bash_opts(f, "", p->global_opts);
	for (c = p->cmds; c && c->words; c++)
		if (has_opts(c->opts))
			bash_opts(f, c->words, c->opts);
	fputs("\t)\n\tlocal -A arg=(\n", f);
	bash_args(f, "", p->global_opts);
	for (c = p->cmds; c && c->words; c++)
		bash_args(f, c->words, c->opts);
	fputs("\t)\n\tlocal -A pos=(\n", f);
	for (c = p->cmds; c && c->words; c++)
		bash_pos(f, c);
	fputs("\t)\n", f);
	fputs("\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tif [[ -n ${arg[\"@$path|$w\"]+x} || -n ${arg[\"@|$w\"]+x} ]]; then\n"
	      "\t\t\t((i++))\n"
	      "\t\t\tcontinue\n"
	      "\t\tfi\n"
	      "\t\tif [[ \" ${next[\"@$path\"]} \" == *\" $w \"* ]]; then\n"
	      "\t\t\tpath=${path:+$path }$w\n"
	      "\t\t\tn=0\n"
	      "\t\telif [[ $w != -* ]]; then\n"
	      "\t\t\t((n++))\n"
	      "\t\tfi\n"
	      "\tdone\n"
	      "\tif [[ -n ${arg[\"@$path|$prev\"]+x} ]]; then\n"
	      "\t\tv=${arg[\"@$path|$prev\"]}\n"
	      "\telif [[ -n ${arg[\"@|$prev\"]+x} ]]; then\n"
	      "\t\tv=${arg[\"@|$prev\"]}\n"
	      "\telif [[ $cur != -* && -n ${pos[\"@$path|$n\"]+x} ]]; then\n"
	      "\t\tv=${pos[\"@$path|$n\"]}\n"
	      "\tfi\n"
	      "\tcase $v in\n"
	      "\t@file)\n"
	      "\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
	      "\t\treturn 0\n"
	      "\t\t;;\n"
	      "\t@any)\n"
	      "\t\tCOMPREPLY=()\n"
	      "\t\treturn 0\n"
	      "\t\t;;\n"
	      "\t?*)\n"
	      "\t\tmapfile -t COMPREPLY < <(compgen -W \"$v\" -- \"$cur\")\n"
	      "\t\treturn 0\n"
	      "\t\t;;\n"
	      "\tesac\n"
	      "\tmapfile -t COMPREPLY < <(compgen -W \"${next[\"@$path\"]} ${opts[\"@$path\"]}\" -- \"$cur\")\n"
	      "}\n",
	      f);
	fputs("complete -F ", f);
	bash_fn(f, p->name);
	fprintf(f, " %s\n", p->name);
	return ferror(f) ? -EIO : 0;
}
