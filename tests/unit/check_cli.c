// SPDX-License-Identifier: Apache-2.0
/*
 * Check runner for libfcnvme/cli: the output-format parser, and the manual
 * page and bash completion generated from a program's tables. The page is
 * compared byte for byte and run through groff's warnings; the completion
 * script is run by bash with COMP_WORDS set as bash sets them, and its
 * COMPREPLY compared.
 */
#include <check.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fcnvmecli/doc.h"
#include "fcnvmecli/json.h"
#include "fcnvmecli/output.h"

/* ---- output format ------------------------------------------------------ */

START_TEST(test_fmt_parse)
{
	unsigned int nj = CLI_FMT_MASK(CLI_FMT_NORMAL) | CLI_FMT_MASK(CLI_FMT_JSON);
	enum cli_fmt f = CLI_FMT_NORMAL;
	char err[128];

	ck_assert_int_eq(cli_fmt_parse("json", nj, &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f, CLI_FMT_JSON);
	ck_assert_int_eq(cli_fmt_parse("normal", nj, &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f, CLI_FMT_NORMAL);
	ck_assert_int_eq(cli_fmt_parse("openmetrics", nj, &f, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown output format 'openmetrics' (normal, json)");
	ck_assert_int_eq(f, CLI_FMT_NORMAL);
	ck_assert_int_eq(cli_fmt_parse("openmetrics", nj | CLI_FMT_MASK(CLI_FMT_OPENMETRICS), &f,
				       err, sizeof(err)),
			 0);
	ck_assert_int_eq(f, CLI_FMT_OPENMETRICS);
	ck_assert_int_eq(cli_fmt_parse("JSON", nj, &f, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(cli_fmt_parse("", 0, &f, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown output format '' ()");
}
END_TEST

START_TEST(test_fmt_names)
{
	const char *const *n =
		cli_fmt_names(CLI_FMT_MASK(CLI_FMT_JSON) | CLI_FMT_MASK(CLI_FMT_OPENMETRICS));

	ck_assert_str_eq(n[0], "json");
	ck_assert_str_eq(n[1], "openmetrics");
	ck_assert_ptr_null(n[2]);
	ck_assert_ptr_null(cli_fmt_names(0)[0]);
}
END_TEST

START_TEST(test_json_fixed)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "s", cli_json_fixed(1.0002477430025465, 3));
	json_object_object_add(o, "r", cli_json_fixed(2655.9379779507653, 2));
	json_object_object_add(o, "z", cli_json_fixed(0.0, 1));
	json_object_object_add(o, "n", cli_json_fixed(-0.25, 1));
	json_object_object_add(o, "i", cli_json_fixed(7.5, 0));
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 "{\"s\":1.000,\"r\":2655.94,\"z\":0.0,\"n\":-0.2,\"i\":8}");
	ck_assert(json_object_get_double(json_object_object_get(o, "r")) == 2655.9379779507653);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_error)
{
	char buf[256];
	FILE *f = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(f);
	cli_json_error(f, "no port \"p9\"", "errno", 2);
	cli_json_error(f, "Identify: Invalid Field in Command (0x4002)", "status", 0x4002);
	cli_json_error(f, "a/b", NULL, 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_str_eq(buf, "{\"error\":{\"message\":\"no port \\\"p9\\\"\",\"errno\":2}}\n"
			      "{\"error\":{\"message\":\"Identify: Invalid Field in Command "
			      "(0x4002)\",\"status\":16386}}\n"
			      "{\"error\":{\"message\":\"a/b\"}}\n");
}
END_TEST

/* ---- a sample program ---------------------------------------------------- */

static const char *const fmts[] = { "normal", "json", NULL };

static const struct cli_opt globals[] = {
	{ "--socket", "-s", "PATH", "Control socket.", NULL, CLI_OPT_FILE, 0 },
	{ "--output-format", "-o", "FMT", "Output format.", fmts, 0, 0 },
	{ "--debug-internal", NULL, NULL, "Not for users.", NULL, CLI_OPT_HIDDEN, 0 },
	{ "--help", "-h", NULL, "Print help.", NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};

static const struct cli_opt add_opts[] = {
	{ "serial", NULL, "STR", "Serial number\\prefix.", NULL, 0, 0 },
	{ "model", NULL, "STR", ".Model string.", NULL, 0, 0 },
	{ "allow-any-host", NULL, "BOOL", "Allow any host.",
	  (const char *const[]){ "yes", "no", NULL }, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};

static const struct cli_cmd cmds[] = {
	{ "status", NULL, "Daemon status.", NULL },
	{ "subsystem add", "NQN", "Add a subsystem.", add_opts },
	{ "subsystem list", NULL, "List subsystems.", NULL },
	{ "subsystem-x del", "NQN", "Other object.", NULL },
	{ "config save", "FILE", "Save.", NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_section sections[] = {
	{ "exit status", "0 on success.\n\nExamples:\n  tool -o json status\n  .x\nAfter." },
	{ NULL, NULL },
};

static const struct cli_prog prog = {
	.name = "tool-x",
	.section = 8,
	.summary = "manage a thing",
	.description = "First paragraph\nstill first.\n\n'Second paragraph.",
	.shape = CLI_DOC_COMMANDS,
	.global_opts = globals,
	.cmds = cmds,
	.sections = sections,
	.version = "1.2",
};

static char *render(int (*fn)(FILE *, const struct cli_prog *), const struct cli_prog *p, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	*rc = fn(f, p);
	fclose(f);
	return buf;
}

START_TEST(test_man_exact)
{
	static const char want[] =
		".TH \"TOOL-X\" \"8\" \"\" \"nvmetfcd 1.2\" \"nvmetfcd manual\"\n"
		".SH NAME\n"
		"tool\\-x \\- manage a thing\n"
		".SH SYNOPSIS\n"
		".B tool\\-x\n"
		"[\\fIoptions\\fR] \\fIcommand\\fR [\\fIarguments\\fR]\n"
		".SH DESCRIPTION\n"
		"First paragraph\n"
		"still first.\n"
		".PP\n"
		"\\&'Second paragraph.\n"
		".SH OPTIONS\n"
		".TP\n\\fB\\-\\-socket\\fR, \\fB\\-s\\fR \\fIPATH\\fR\nControl socket.\n"
		".TP\n\\fB\\-\\-output\\-format\\fR, \\fB\\-o\\fR \\fIFMT\\fR\nOutput format.\n"
		"One of: \\fBnormal\\fR, \\fBjson\\fR.\n"
		".TP\n\\fB\\-\\-help\\fR, \\fB\\-h\\fR\nPrint help.\n"
		".SH COMMANDS\n"
		".TP\n\\fBstatus\\fR\nDaemon status.\n"
		".TP\n\\fBsubsystem add\\fR \\fINQN\\fR\nAdd a subsystem.\n"
		".RS\n"
		".TP\n\\fBserial\\fR \\fISTR\\fR\nSerial number\\eprefix.\n"
		".TP\n\\fBmodel\\fR \\fISTR\\fR\n\\&.Model string.\n"
		".TP\n\\fBallow\\-any\\-host\\fR \\fIBOOL\\fR\nAllow any host.\n"
		"One of: \\fByes\\fR, \\fBno\\fR.\n"
		".RE\n"
		".TP\n\\fBsubsystem list\\fR\nList subsystems.\n"
		".TP\n\\fBsubsystem-x del\\fR \\fINQN\\fR\nOther object.\n"
		".TP\n\\fBconfig save\\fR \\fIFILE\\fR\nSave.\n"
		".SH EXIT STATUS\n"
		"0 on success.\n"
		".PP\n"
		"Examples:\n"
		".RS 4\n.nf\n"
		"tool \\-o json status\n"
		"\\&.x\n"
		".fi\n.RE\n"
		"After.\n";
	int rc;
	char *got = render(cli_doc_man, &prog, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

/* Settings: groups as subsections, "name = TYPE". */
START_TEST(test_man_settings)
{
	static const struct cli_opt port_set[] = {
		{ "hw_queues", NULL, "INT", "Hardware queues.", NULL, 0, 0 },
		{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
	};
	static const struct cli_cmd groups[] = {
		{ "ports", "", "One entry per port.", port_set },
		{ NULL, NULL, NULL, NULL },
	};
	struct cli_prog p = prog;
	int rc;
	char *got;

	p.name = "x.conf";
	p.section = 5;
	p.shape = CLI_DOC_SETTINGS;
	p.global_opts = NULL;
	p.cmds = groups;
	p.sections = NULL;
	p.synopsis = "/etc/x.conf";
	got = render(cli_doc_man, &p, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(got, ".SH SYNOPSIS\n/etc/x.conf\n.SH DESCRIPTION\n"));
	ck_assert_ptr_nonnull(strstr(got,
				     ".SH SETTINGS\n.SS ports\nOne entry per port.\n"
				     ".TP\n\\fBhw_queues\\fR = \\fIINT\\fR\nHardware queues.\n"));
	free(got);
	/* settings cannot become a completion script */
	got = render(cli_doc_bash, &p, &rc);
	ck_assert_int_eq(rc, -EINVAL);
	free(got);
}
END_TEST

START_TEST(test_man_refuses_missing_help)
{
	static const struct cli_opt bad[] = {
		{ "--x", NULL, NULL, "", NULL, 0, 0 },
		{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
	};
	struct cli_prog p = prog;
	int rc;
	char *got;

	p.global_opts = bad;
	got = render(cli_doc_man, &p, &rc);
	ck_assert_int_eq(rc, -EINVAL);
	free(got);
	ck_assert_int_eq(cli_doc_generate(stdout, &prog, "pdf"), -EINVAL);
}
END_TEST

/* groff reads the page without a warning (what man --warnings reports). */
START_TEST(test_man_groff_clean)
{
	char path[] = "/tmp/check_cli_manXXXXXX";
	char cmd[256];
	int fd = mkstemp(path), rc;
	FILE *f;
	char out[4096];
	size_t n;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_int_eq(cli_doc_generate(f, &prog, "man"), 0);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "groff -man -ww -Tutf8 -z %s 2>&1", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	rc = pclose(f);
	unlink(path);
	ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "groff failed: %s", out);
	ck_assert_msg(n == 0, "groff warnings: %s", out);
}
END_TEST

START_TEST(test_usage_exact)
{
	int rc;
	char *got;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(cli_doc_usage(f, &prog, NULL), 0);
	fclose(f);
	ck_assert_str_eq(buf, "usage: tool-x [options] <command> [arguments]\n\n"
			      "manage a thing.\n\n"
			      "options:\n"
			      "  -s, --socket PATH           Control socket.\n"
			      "  -o, --output-format FMT     Output format. (normal, json)\n"
			      "  -h, --help                  Print help.\n\n"
			      "commands:\n"
			      "  status                      Daemon status.\n"
			      "  subsystem add NQN           Add a subsystem.\n"
			      "  subsystem list              List subsystems.\n"
			      "  subsystem-x del NQN         Other object.\n"
			      "  config save FILE            Save.\n");
	free(buf);
	got = NULL;
	f = open_memstream(&got, &len);
	rc = cli_doc_usage(f, &prog, &cmds[1]);
	fclose(f);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(got, "usage: tool-x subsystem add NQN [options]\n\nAdd a subsystem.\n\n"
			      "options:\n"
			      "  serial STR                  Serial number\\prefix.\n"
			      "  model STR                   .Model string.\n"
			      "  allow-any-host BOOL         Allow any host. (yes, no)\n");
	free(got);
	/* long help wraps at 79 columns under its column */
	{
		static const struct cli_opt longo[] = {
			{ "--x", NULL, NULL,
			  "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo",
			  NULL, 0, 0 },
			{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
		};
		static const struct cli_cmd c = { "w", NULL, "W.", longo };

		got = NULL;
		f = open_memstream(&got, &len);
		cli_doc_usage(f, &prog, &c);
		cli_doc_try_help(f, &prog, &c);
		cli_doc_version(f, &prog);
		fclose(f);
		ck_assert_str_eq(
			got,
			"usage: tool-x w [options]\n\nW.\n\noptions:\n"
			"  --x                         aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj\n"
			"                              kkkk llll mmmm nnnn oooo\n"
			"Try 'tool-x w --help'.\n"
			"tool-x (nvmetfcd) 1.2\n");
		free(got);
	}
	/* the command list shows the first sentence of each help, wrapped
	 * under its column; a long synopsis puts it on the next line */
	{
		static const struct cli_cmd lc[] = {
			{ "a", NULL,
			  "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll. Second one.",
			  NULL },
			{ "b c", "NQN HOSTNQN WWPN PORTNAME", "Short.", NULL },
			{ NULL, NULL, NULL, NULL },
		};
		struct cli_prog p = prog;

		p.global_opts = NULL;
		p.cmds = lc;
		got = NULL;
		f = open_memstream(&got, &len);
		cli_doc_usage(f, &p, NULL);
		fclose(f);
		ck_assert_str_eq(
			got,
			"usage: tool-x [options] <command> [arguments]\n\n"
			"manage a thing.\n\n"
			"commands:\n"
			"  a                           aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj\n"
			"                              kkkk llll.\n"
			"  b c NQN HOSTNQN WWPN PORTNAME\n"
			"                              Short.\n");
		free(got);
	}
}
END_TEST

START_TEST(test_getopt_tables)
{
	static const struct cli_opt o[] = {
		{ "--queue-depth", "-q", "NUM", "Depth.", NULL, 0, 'q' },
		{ "--verbose", "-v", NULL, "More.", NULL, 0, 'v' },
		{ "--long-only", NULL, "X", "Long.", NULL, 0, 256 },
		{ "keyword", NULL, "X", "Not getopt.", NULL, 0, 0 },
		{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
	};
	static const struct cli_opt bad[] = {
		{ "--queue-depth", "-x", "NUM", "Depth.", NULL, 0, 'q' },
		{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
	};
	struct option lo[4];
	char so[8];
	char *argv[] = { "p", "-q", "8", "--long-only=y", "-v", NULL };
	int c, seen = 0;

	ck_assert_int_eq(cli_opts_getopt(o, "+", lo, 4, so, sizeof(so)), 0);
	ck_assert_str_eq(so, "+q:v");
	ck_assert_str_eq(lo[0].name, "queue-depth");
	ck_assert_int_eq(lo[0].has_arg, required_argument);
	ck_assert_int_eq(lo[1].has_arg, no_argument);
	ck_assert_int_eq(lo[2].val, 256);
	ck_assert_ptr_null(lo[3].name);
	optind = 1;
	while ((c = getopt_long(5, argv, so, lo, NULL)) != -1) {
		if (c == 'q') {
			ck_assert_str_eq(optarg, "8");
			seen |= 1;
		} else if (c == 256) {
			ck_assert_str_eq(optarg, "y");
			seen |= 2;
		} else if (c == 'v') {
			seen |= 4;
		} else {
			ck_abort_msg("unexpected option %d", c);
		}
	}
	ck_assert_int_eq(seen, 7);
	/* too small, a wrong alias */
	ck_assert_int_eq(cli_opts_getopt(o, "", lo, 3, so, sizeof(so)), -ENOSPC);
	ck_assert_int_eq(cli_opts_getopt(o, "", lo, 4, so, 4), -ENOSPC);
	ck_assert_int_eq(cli_opts_getopt(bad, "", lo, 4, so, sizeof(so)), -EINVAL);
}
END_TEST

/* ---- bash completion, run by bash --------------------------------------- */

static char script[] = "/tmp/check_cli_bashXXXXXX";

static void bash_setup(void)
{
	int fd;
	FILE *f;

	strcpy(script, "/tmp/check_cli_bashXXXXXX");
	fd = mkstemp(script);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_int_eq(cli_doc_generate(f, &prog, "bash"), 0);
	fclose(f);
}

static void bash_teardown(void)
{
	unlink(script);
}

/* COMPREPLY, sorted and space-separated, for the command line words (the
 * last one is the word being completed). */
static void complete(const char *words, const char *cwd, char *out, size_t outlen)
{
	char cmd[1024];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "cd %s && bash --norc --noprofile -c 'source %s; COMP_WORDS=(%s); "
		 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _tool_x; "
		 "printf \"%%s\\n\" \"${COMPREPLY[@]}\" | sort | tr \"\\n\" \" \"'",
		 cwd, script, words);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
}

START_TEST(test_bash_complete)
{
	char got[512];

	complete("tool-x \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(
		got,
		"--help --output-format --socket -h -o -s config status subsystem subsystem-x ");
	complete("tool-x sub", "/", got, sizeof(got));
	ck_assert_str_eq(got, "subsystem subsystem-x ");
	complete("tool-x subsystem \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "add list ");
	complete("tool-x subsystem-x \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "del ");
	/* the options of the command typed so far; a global option's value is skipped */
	complete("tool-x -s /x subsystem add nqn.x se", "/", got, sizeof(got));
	ck_assert_str_eq(got, "serial ");
	complete("tool-x subsystem add nqn.x \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "allow-any-host model serial ");
	/* fixed values, free text, file names */
	complete("tool-x -o \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "json normal ");
	complete("tool-x --output-format j", "/", got, sizeof(got));
	ck_assert_str_eq(got, "json ");
	complete("tool-x subsystem add nqn.x allow-any-host \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "no yes ");
	complete("tool-x subsystem add nqn.x serial \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, " ");
	complete("tool-x -s /us", "/", got, sizeof(got));
	ck_assert_str_eq(got, "/usr ");
	/* the hidden option is neither offered nor known */
	complete("tool-x --debug", "/", got, sizeof(got));
	ck_assert_str_eq(got, " ");
}
END_TEST

/* Positional arguments: documented under their command (page and --help)
 * and completed by position, after options and their values. */
static const struct cli_opt lvl_pos[] = {
	{ "LEVEL", NULL, NULL, "New level.", (const char *const[]){ "warn", "info", NULL },
	  CLI_OPT_POS, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};
static const struct cli_opt save_opts[] = {
	{ "NAME", NULL, NULL, "A name.", NULL, CLI_OPT_POS, 0 },
	{ "mode", NULL, "M", "Mode.", (const char *const[]){ "a", "b", NULL }, 0, 0 },
	{ "FILE", NULL, NULL, "Where to save.", NULL, CLI_OPT_FILE | CLI_OPT_POS, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};
static const struct cli_cmd pos_cmds[] = {
	{ "log level", "LEVEL", "Set the level.", lvl_pos },
	{ "save", "NAME [FILE]", "Save.", save_opts },
	{ NULL, NULL, NULL, NULL },
};
static const struct cli_prog pos_prog = {
	.name = "tool-x",
	.section = 8,
	.summary = "s",
	.description = "d",
	.shape = CLI_DOC_COMMANDS,
	.global_opts = globals,
	.cmds = pos_cmds,
};

START_TEST(test_positional)
{
	char got[512], *buf;
	size_t len = 0;
	FILE *f;
	int rc;

	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cli_doc_usage(f, &pos_prog, &pos_cmds[1]), 0);
	fclose(f);
	ck_assert_str_eq(buf, "usage: tool-x save NAME [FILE] [options]\n\nSave.\n\n"
			      "arguments:\n"
			      "  NAME                        A name.\n"
			      "  FILE                        Where to save.\n\n"
			      "options:\n"
			      "  mode M                      Mode. (a, b)\n");
	free(buf);
	buf = render(cli_doc_man, &pos_prog, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(buf, ".TP\n\\fBlog level\\fR \\fILEVEL\\fR\nSet the level.\n"
					  ".RS\n.TP\n\\fILEVEL\\fR\nNew level.\n"
					  "One of: \\fBwarn\\fR, \\fBinfo\\fR.\n.RE\n"));
	ck_assert_ptr_nonnull(strstr(buf, ".RS\n.TP\n\\fINAME\\fR\nA name.\n.TP\n\\fIFILE\\fR\n"
					  "Where to save.\n.TP\n\\fBmode\\fR \\fIM\\fR\n"));
	free(buf);

	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cli_doc_generate(f, &pos_prog, "bash"), 0);
	fclose(f);
	complete("tool-x log level \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "info warn ");
	complete("tool-x -s /x log level w", "/", got, sizeof(got));
	ck_assert_str_eq(got, "warn ");
	/* the second positional is a file, after an option and its value */
	complete("tool-x save n1 mode a /us", "/", got, sizeof(got));
	ck_assert_str_eq(got, "/usr ");
	complete("tool-x save mode \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "a b ");
	/* the first positional has no values: the command's options */
	complete("tool-x save \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, "mode ");
	/* past the last positional */
	complete("tool-x log level warn \"\"", "/", got, sizeof(got));
	ck_assert_str_eq(got, " ");
}
END_TEST

START_TEST(test_bash_refuses_bad_words)
{
	static const struct cli_cmd bad[] = {
		{ "a  b", NULL, "Two spaces.", NULL },
		{ NULL, NULL, NULL, NULL },
	};
	static const struct cli_cmd quote[] = {
		{ "a$(x)", NULL, "Shell.", NULL },
		{ NULL, NULL, NULL, NULL },
	};
	struct cli_prog p = prog;
	int rc;
	char *got;

	p.cmds = bad;
	got = render(cli_doc_bash, &p, &rc);
	ck_assert_int_eq(rc, -EINVAL);
	free(got);
	p.cmds = quote;
	got = render(cli_doc_bash, &p, &rc);
	ck_assert_int_eq(rc, -EINVAL);
	free(got);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *fmt = tcase_create("output_format");
	TCase *man = tcase_create("man");
	TCase *bash = tcase_create("bash");
	SRunner *sr;
	int failed;

	tcase_add_test(fmt, test_fmt_parse);
	tcase_add_test(fmt, test_fmt_names);
	tcase_add_test(fmt, test_json_fixed);
	tcase_add_test(fmt, test_json_error);
	suite_add_tcase(s, fmt);
	tcase_add_test(man, test_man_exact);
	tcase_add_test(man, test_man_settings);
	tcase_add_test(man, test_man_refuses_missing_help);
	tcase_add_test(man, test_man_groff_clean);
	tcase_add_test(man, test_usage_exact);
	tcase_add_test(man, test_getopt_tables);
	suite_add_tcase(s, man);
	tcase_add_checked_fixture(bash, bash_setup, bash_teardown);
	tcase_add_test(bash, test_bash_complete);
	tcase_add_test(bash, test_bash_refuses_bad_words);
	tcase_add_test(bash, test_positional);
	suite_add_tcase(s, bash);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
