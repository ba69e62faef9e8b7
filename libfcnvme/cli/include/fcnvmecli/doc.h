/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manual pages and shell completion generated from a program's own option
 * and command tables, so that neither can drift from what the program
 * parses. A program describes itself once (struct cli_prog) and prints
 * its roff page or bash completion script from a hidden option at build
 * time (see README, "Manual pages and completion").
 *
 * Two shapes are described with the same structures:
 * - a command-line program (CLI_DOC_COMMANDS): global options, then
 *   commands of one or more words, each with positional arguments and
 *   options; an option's spelling is written whole ("--queue-depth",
 *   "-q", or a bare keyword such as "serial" for grammars without dashes);
 * - a configuration file (CLI_DOC_SETTINGS): each "command" is a group of
 *   settings (a section of the file), each "option" a setting
 *   ("name = TYPE").
 *
 * Internal to the project's programs (libfccli.la, not installed).
 */
#ifndef FCNVMECLI_DOC_H
#define FCNVMECLI_DOC_H

#include <stdio.h>

/* struct cli_opt.flags */
#define CLI_OPT_FILE   0x1u /* the argument is a path: complete file names */
#define CLI_OPT_HIDDEN 0x2u /* parsed, but neither documented nor completed */
/* A positional argument of a command, not an option: name is its
 * placeholder as in cli_cmd.args ("NQN"), with help and fixed values or
 * CLI_OPT_FILE; arg, alias and key unused. The page lists it under the
 * command (italic), --help under "arguments:", and the completion script
 * offers its values (or file names) for the Nth word after the command
 * that is not an option or an option's argument, N counting the
 * positional entries of opts in order. */
#define CLI_OPT_POS    0x4u

struct cli_opt {
	const char *name;	   /* "--queue-depth", "serial"; NULL ends a list */
	const char *alias;	   /* another spelling ("-q") or NULL */
	const char *arg;	   /* argument placeholder ("NUM") or NULL: a flag */
	const char *help;	   /* one sentence, no trailing newline */
	const char *const *values; /* NULL-terminated fixed values, or NULL */
	unsigned int flags;	   /* CLI_OPT_* */
	int key;		   /* getopt_long value ('q' for "-q"); 0: no getopt option */
};

struct cli_cmd {
	const char *words;	    /* "subsystem add"; NULL ends the list */
	const char *args;	    /* positional synopsis ("NQN [NSID]") or NULL */
	const char *help;	    /* one or more sentences */
	const struct cli_opt *opts; /* NULL-name-terminated, or NULL (CLI_OPT_POS: arguments) */
};

/* An extra manual section (FILES, EXAMPLES, ...). Paragraphs in text are
 * separated by an empty line; a line starting with two spaces is printed
 * verbatim (no fill) with the lines after it that also do. */
struct cli_section {
	const char *title; /* NULL ends the list */
	const char *text;
};

enum cli_doc_shape {
	CLI_DOC_COMMANDS,
	CLI_DOC_SETTINGS
};

struct cli_prog {
	const char *name;	 /* program or file name ("fcnvmectl") */
	int section;		 /* manual section: 1, 5 or 8 */
	const char *summary;	 /* NAME line after the dash */
	const char *synopsis;	 /* SYNOPSIS text, or NULL for "name [options] command ..." */
	const char *description; /* DESCRIPTION, paragraphs as in cli_section */
	enum cli_doc_shape shape;
	const struct cli_opt *global_opts;  /* options before the command, or NULL */
	const struct cli_cmd *cmds;	    /* or NULL */
	const struct cli_section *sections; /* after OPTIONS/COMMANDS, or NULL */
	const char *version;		    /* PACKAGE_VERSION */
};

/* Print the roff manual page of p to f. 0 or -EIO when writing failed,
 * -EINVAL for a table that cannot be rendered (a command or option
 * without a name or help). */
int cli_doc_man(FILE *f, const struct cli_prog *p);

/* Print a bash completion script for p to f (a CLI_DOC_COMMANDS
 * program): it completes command words, the options of the command typed
 * so far and the global ones, fixed option values, and file names for
 * CLI_OPT_FILE arguments. It needs bash >= 4 and nothing else. Same
 * return values as cli_doc_man. */
int cli_doc_bash(FILE *f, const struct cli_prog *p);

/* Print the --help text of command c of p (NULL: the program's own, its
 * global options and command list) to f: synopsis, help, options aligned
 * in two columns. Hidden options are left out. */
int cli_doc_usage(FILE *f, const struct cli_prog *p, const struct cli_cmd *c);

/* After a usage error: one line pointing at --help (the usage text is
 * printed by --help only, not after every error):
 * "Try 'fcnvmectl subsystem add --help'." */
void cli_doc_try_help(FILE *f, const struct cli_prog *p, const struct cli_cmd *c);

/* --version: "fcnvmectl (nvmetfcd) 0.9.0". */
void cli_doc_version(FILE *f, const struct cli_prog *p);

struct option;
/* Fill getopt_long's tables from a NULL-name-terminated option list:
 * every option with a key gets a struct option (name without its dashes;
 * has_arg from arg) in lo (nlo entries, the last one zeroed), and one with
 * a one-letter alias "-x" its letter in shortopts (nso bytes, with ':'
 * after a letter that takes an argument; prefix, e.g. "+", copied first).
 * -ENOSPC if either does not fit, -EINVAL for an alias that is not "-x"
 * with key 'x'. */
int cli_opts_getopt(const struct cli_opt *o, const char *prefix, struct option *lo, size_t nlo,
		    char *shortopts, size_t nso);

/* The hidden option every program offers for its build:
 * "PROG --generate=man" and "PROG --generate=bash" print its page or its
 * completion script. what is the option's argument; -EINVAL for another. */
int cli_doc_generate(FILE *f, const struct cli_prog *p, const char *what);

#endif
