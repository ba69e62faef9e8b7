// SPDX-License-Identifier: Apache-2.0
/*
 * softhbactl: administration of software FC fabrics (hw/softhba): create and
 * destroy fabrics, list ports and their logins, take links down and up, send
 * LOGO, zone ports and inject bounded faults. It acts as the fabric itself:
 * it edits the name server under the fabric lock and posts events (LINK,
 * LOGO, RSCN) into ports' event queues.
 *
 * The command line is the table below: exact object and verb words, then
 * the arguments the handler checks. Options may stand anywhere.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/num.h>
#include <fcnvme/wwn.h>
#include <fcnvmecli/json.h>
#include <fcnvmecli/output.h>

#include "softhbactl.h"

#define SHC_FAULT_TAIL "LIMIT [after M] [port WWPN]"

enum {
	OPT_GENERATE = 256
};

#define POS(name, help)                                      \
	{                                                    \
		name, NULL, NULL, help, NULL, CLI_OPT_POS, 0 \
	}
#define POSV(name, help, v)                               \
	{                                                 \
		name, NULL, NULL, help, v, CLI_OPT_POS, 0 \
	}
#define KW(name, arg, help)                       \
	{                                         \
		name, NULL, arg, help, NULL, 0, 0 \
	}
#define END                                        \
	{                                          \
		NULL, NULL, NULL, NULL, NULL, 0, 0 \
	}
#define WWPN_HELP "The port's WWPN in any usual form (0x10000090fa000001, 10:00:..., naa....)."
/* "count N | for MS", then "after M" and "port WWPN" (softhbactl_fault.c) */
#define FAULT_TAIL                                                                        \
	KW("count", "N", "Fire at most N times (1 to 1000000)."),                         \
		KW("for", "MS", "Fire for MS milliseconds (1 to 600000)."),               \
		KW("after", "M", "Let the first M matching frames pass (0 to 1000000)."), \
		KW("port", "WWPN", "Only frames sent or received by this port.")

static const char *const class_vals[] = { "any", "ls", "cmd", "data", "rsp", "abts", "els", NULL };

static const struct cli_opt a_name[] = {
	POS("NAME", "Fabric name: letters, digits, '-', '_' and '.'."), END
};
static const struct cli_opt a_wwpn[] = { POS("WWPN", WWPN_HELP), END };
static const struct cli_opt a_logo[] = { POS("WWPN", WWPN_HELP),
					 POS("PEER_WWPN", "Only the login with this peer port."),
					 END };
static const struct cli_opt a_zone[] = {
	POS("WWPN", WWPN_HELP),
	POS("ZONE", "Zone number, 0 to 65535 (0: the default zone); ports see only the ports of "
		    "their zone."),
	END
};
static const struct cli_opt a_drop_cmd[] = {
	KW("opcode", "N", "NVMe command opcode to drop (0 to 255); this or fctype is required."),
	KW("fctype", "N", "FC-4 type whose commands to drop (0 to 255)."), FAULT_TAIL, END
};
static const struct cli_opt a_drop[] = { POSV("CLASS", "Frame class.", class_vals), FAULT_TAIL,
					 END };
static const struct cli_opt a_delay[] = { POSV("CLASS", "Frame class.", class_vals),
					  POS("MS", "Delay in milliseconds (1 to 10000)."),
					  FAULT_TAIL, END };
static const struct cli_opt a_tail[] = { FAULT_TAIL, END };

const struct shc_cmd shc_cmds[] = {
	{ "fabric", "create", 1, 1, false, shc_fabric_create, "NAME", "Create a software fabric.",
	  a_name },
	{ "fabric", "destroy", 1, 1, false, shc_fabric_destroy, "NAME",
	  "Remove a fabric; refused while ports run on it.", a_name },
	{ "fabric", "list", 0, 0, false, shc_fabric_list, "",
	  "List the fabrics under the directory.", NULL },
	{ "port", "list", 0, 0, true, shc_port_list, "",
	  "List the fabric's ports: WWPN, WWNN, N_Port_ID, roles, state, zone, owning process and logins.",
	  NULL },
	{ "port", "stats", 1, 1, true, shc_port_stats, "WWPN",
	  "Show a port's LS, ABTS, command, response and data counters, per hardware queue.",
	  a_wwpn },
	{ "link", "down", 1, 1, true, shc_link_down, "WWPN",
	  "Take a port's link down: it and its peers lose their logins.", a_wwpn },
	{ "link", "up", 1, 1, true, shc_link_up, "WWPN", "Bring a port's link back up.", a_wwpn },
	{ "logo", NULL, 1, 2, true, shc_logo, "WWPN [PEER_WWPN]",
	  "Log a port out of its peers (or of one), as a LOGO from the peer would.", a_logo },
	{ "prlo", NULL, 1, 2, true, shc_prlo, "WWPN [PEER_WWPN]",
	  "End a port's process (NVMe) logins with its peers (or with one) by a PRLO.", a_logo },
	{ "zone", "set", 2, 2, true, shc_zone_set, "WWPN ZONE",
	  "Move a port into a zone; every online port is told by an RSCN.", a_zone },
	{ "zone", "list", 0, 0, true, shc_zone_list, "", "List the ports with their zones.", NULL },
	{ "fault", "list", 0, 0, true, shc_fault_list, "",
	  "List the fault records with how often each fired and what is left.", NULL },
	{ "fault", "clear", 0, 0, true, shc_fault_clear, "", "Remove every fault record.", NULL },
	{ "fault", "drop-cmd", 2, -1, true, shc_fault_add, "opcode N|fctype N " SHC_FAULT_TAIL,
	  "Drop NVMe command frames with an opcode (or of an FC-4 type). Every fault needs a bound: "
	  "count N or for MS.",
	  a_drop_cmd },
	{ "fault", "drop", 1, -1, true, shc_fault_add, "CLASS " SHC_FAULT_TAIL,
	  "Drop frames of a class.", a_drop },
	{ "fault", "delay", 2, -1, true, shc_fault_add, "CLASS MS LIMIT [port WWPN]",
	  "Delay frames of a class.", a_delay },
	{ "fault", "fail-data", 0, -1, true, shc_fault_add, SHC_FAULT_TAIL,
	  "Fail data transfers (the exchange sees an I/O error).", a_tail },
	{ "fault", "abts", 0, -1, true, shc_fault_add, SHC_FAULT_TAIL,
	  "Abort exchanges right after their command frame.", a_tail },
	{ NULL, NULL, 0, 0, false, NULL, NULL, NULL, NULL },
};

#define SHC_NCMDS (sizeof(shc_cmds) / sizeof(shc_cmds[0]) - 1)

static const struct cli_opt shc_opts[] = {
	{ "--dir", "-d", "DIR",
	  "Directory holding the fabrics (default $FCNVME_SHM_DIR, else " HW_DEFAULT_SHM_DIR ").",
	  NULL, CLI_OPT_FILE, 'd' },
	{ "--fabric", "-F", "NAME", "The fabric to act on (needed when there are several).", NULL,
	  0, 'F' },
	{ "--output-format", "-o", "FMT", "Output format.",
	  (const char *const[]){ "normal", "json", NULL }, 0, 'o' },
	{ "--json", "-j", NULL, "Same as -o json (kept for old scripts).", NULL, CLI_OPT_HIDDEN,
	  'j' },
	{ "--help", "-h", NULL,
	  "Print the usage and exit; after a command, that command's arguments and options.", NULL,
	  0, 'h' },
	{ "--version", "-V", NULL, "Print softhbactl's version and exit.", NULL, 0, 'V' },
	{ "--generate", NULL, "WHAT", "Print the manual page or bash completion script.",
	  (const char *const[]){ "man", "bash", NULL }, CLI_OPT_HIDDEN, OPT_GENERATE },
	END,
};

static const struct cli_section shc_sections[] = {
	{ "output",
	  "Without -o (or with -o normal) lists print an aligned table, other commands a line or "
	  "nothing. With -o json every command prints one JSON document with snake_case keys. An "
	  "error is printed on standard error as one JSON object, {\"error\": {\"message\": TEXT, "
	  "\"errno\": N}}, N the positive errno value that fits (22 for bad input, 2 for a fabric "
	  "or port that is not there); the exit status is the same as without -o json." },
	{ "examples", "  softhbactl fabric create lab\n"
		      "  softhbactl -o json port list\n"
		      "  softhbactl --fabric lab link down 0x10000090fb000001\n"
		      "  softhbactl fault drop cmd count 3 port 0x10000090fb000001\n"
		      "  softhbactl fault delay rsp 200 for 5000\n"
		      "  softhbactl fault clear" },
	{ "environment",
	  "FCNVME_SHM_DIR: the directory holding the fabrics when --dir is not given." },
	{ "files", "  " HW_DEFAULT_SHM_DIR "/NAME\nThe shared-memory fabric NAME." },
	{ "exit status",
	  "0 on success; 1 when the command failed or its arguments were wrong; 2 for "
	  "an unknown option or a missing command." },
	{ "see also", "nvmetfcd(8), fcnvmectl(8), fcnvme(1), softhba-vmport(8)." },
	{ NULL, NULL },
};

static struct cli_cmd shc_doc_cmds[SHC_NCMDS + 1];
static char shc_words[SHC_NCMDS][32];
static struct cli_prog shc_prog = {
	.name = "softhbactl",
	.section = 8,
	.summary = "administer software Fibre Channel fabrics and inject faults",
	.synopsis =
		"softhbactl [--dir DIR] [--fabric NAME] [-o normal|json] COMMAND [ARGUMENTS]\n\n"
		"softhbactl [COMMAND] --help\n\n"
		"softhbactl --version",
	.description =
		"softhbactl administers the software FC fabrics that nvmetfcd, fcnvme and "
		"softhba-vmport ports join (dev = \"soft:NAME\"): it creates and destroys fabrics, "
		"lists ports and their logins, takes links down and up, sends LOGO and PRLO, zones "
		"ports and injects bounded faults. It acts as the fabric itself: it edits the name "
		"server under the fabric lock and posts events (link, LOGO, RSCN) to the ports.\n\n"
		"A command is an object and usually a verb, written exactly, then its arguments; "
		"options may stand anywhere. Without --fabric, commands that need a fabric use the "
		"only one under the directory. LIMIT in a fault command is count N or for MS: "
		"every fault record is bounded, and fires at most N times or for MS "
		"milliseconds.",
	.shape = CLI_DOC_COMMANDS,
	.global_opts = shc_opts,
	.cmds = shc_doc_cmds,
	.sections = shc_sections,
	.version = PACKAGE_VERSION,
};

/* The page's and --help's commands, from shc_cmds. */
static void shc_doc_init(void)
{
	size_t i;

	for (i = 0; i < SHC_NCMDS; i++) {
		const struct shc_cmd *k = &shc_cmds[i];

		snprintf(shc_words[i], sizeof(shc_words[i]), "%s%s%s", k->obj, k->verb ? " " : "",
			 k->verb ? k->verb : "");
		shc_doc_cmds[i] = (struct cli_cmd){ shc_words[i], *k->usage ? k->usage : NULL,
						    k->help, k->args };
	}
}

/* "usage: OBJ VERB ARGS" of one command. */
static void n_usage(char *buf, size_t len, const struct shc_cmd *k)
{
	snprintf(buf, len, "usage: %s%s%s%s%s", k->obj, k->verb ? " " : "", k->verb ? k->verb : "",
		 *k->usage ? " " : "", k->usage);
}

int shc_err(const struct shc *c, int errnum, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c && c->json) {
		cli_json_error(stderr, msg, "errno", errnum);
	} else {
		fprintf(stderr, "softhbactl: %s\n", msg);
	}
	return 1;
}

void shc_json_print(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int shc_wwpn(const struct shc *c, const char *s, uint64_t *v)
{
	(void)c;
	if (!s || fcnvme_wwn_parse(s, v) || *v == 0)
		return -EINVAL;
	return 0;
}

int shc_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	uint64_t x;

	if (fcnvme_num_parse(s, lo, hi, &x))
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

const char *shc_root(const struct shc *c)
{
	const char *r = c->root;

	if (!r || !*r)
		r = getenv("FCNVME_SHM_DIR");
	return r && *r ? r : HW_DEFAULT_SHM_DIR;
}

int shc_find_port(struct shc *c, const char *s, int *slot)
{
	uint64_t wwpn;

	if (shc_wwpn(c, s, &wwpn))
		return shc_err(c, EINVAL, "invalid WWPN '%s' (want e.g. 0x + 16 hex digits)",
			       s ? s : "");
	*slot = hw_fabric_find(&c->fab, wwpn);
	if (*slot < 0)
		return shc_err(c, ENOENT, "no port 0x%016llx on this fabric",
			       (unsigned long long)wwpn);
	return 0;
}

static void shc_keep_name(const char *name, void *arg)
{
	snprintf(arg, HW_PATH_MAX, "%s", name);
}

/* Open the fabric named by --fabric, or the only one under the root. */
static int shc_open_fabric(struct shc *c)
{
	char only[HW_PATH_MAX] = "";
	const char *name = c->fabric;
	int n, rc;

	if (!name) {
		n = shc_fabric_each(c, shc_keep_name, only);
		if (n < 0)
			return shc_err(c, ENOENT, "no fabrics under %s", shc_root(c));
		if (n != 1)
			return n ? shc_err(c, EINVAL, "several fabrics under %s: use --fabric NAME",
					   shc_root(c))
				 : shc_err(c, ENOENT, "no fabric under %s", shc_root(c));
		name = only;
	}
	if (hw_fabric_path(c->root, name, c->dir, sizeof(c->dir)))
		return shc_err(c, EINVAL, "invalid fabric name '%s'", name);
	rc = hw_fabric_open(c->dir, &c->fab);
	if (rc == -ENOENT)
		return shc_err(c, ENOENT,
			       "fabric %s does not exist under %s (create it with softhbactl "
			       "fabric create %s)",
			       name, shc_root(c), name);
	if (rc && *hw_fabric_why())
		return shc_err(c, -rc, "cannot open fabric '%s': %s: %s", name, hw_fabric_why(),
			       strerror(-rc));
	if (rc)
		return shc_err(c, -rc, "cannot open fabric '%s': %s", name, strerror(-rc));
	c->fab_open = true;
	return 0;
}

/* A usage error: the message, then (in text) the one-line hint. */
static int shc_usage_err(const struct shc *c, const struct shc_cmd *k, int status, const char *msg)
{
	shc_err(c, EINVAL, "%s", msg);
	if (!c->json)
		cli_doc_try_help(stderr, &shc_prog, k ? &shc_doc_cmds[k - shc_cmds] : NULL);
	return status;
}

/* The command of argv, or NULL after printing why there is none (quiet:
 * print nothing). */
static const struct shc_cmd *shc_lookup(struct shc *c, int argc, char **argv, int *words,
					bool quiet)
{
	const struct shc_cmd *k;
	char msg[512];
	size_t n;
	bool obj = false;

	for (k = shc_cmds; k->obj; k++) {
		if (strcmp(k->obj, argv[0]))
			continue;
		obj = true;
		if (!k->verb) {
			*words = 1;
			return k;
		}
		if (argc >= 2 && strcmp(k->verb, argv[1]) == 0) {
			*words = 2;
			return k;
		}
	}
	if (quiet)
		return NULL;
	if (!obj) {
		snprintf(msg, sizeof(msg), "unknown command '%s'", argv[0]);
		shc_usage_err(c, NULL, 1, msg);
		return NULL;
	}
	/* Known object, unknown or missing verb: list the verbs. */
	n = (size_t)snprintf(msg, sizeof(msg), "usage:");
	for (k = shc_cmds; k->obj && n < sizeof(msg); k++)
		if (strcmp(k->obj, argv[0]) == 0)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s %s%s%s%s%s",
					      n > 6 ? " |" : "", k->obj, k->verb ? " " : "",
					      k->verb ? k->verb : "", *k->usage ? " " : "",
					      k->usage);
	shc_usage_err(c, NULL, 1, msg);
	return NULL;
}

/* --help, alone or after a command's words. */
static int shc_help(struct shc *c, int argc, char **argv)
{
	const struct shc_cmd *k;
	int words;

	if (argc < 1)
		return cli_doc_usage(stdout, &shc_prog, NULL) ? 1 : 0;
	k = shc_lookup(c, argc, argv, &words, false);
	if (!k)
		return 1;
	return cli_doc_usage(stdout, &shc_prog, &shc_doc_cmds[k - shc_cmds]) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct shc_cmd *k;
	struct option lo[16];
	struct shc c;
	enum cli_fmt fmt;
	char shortopts[32], msg[256];
	bool help = false;
	int o, rc, words, nargs;

	memset(&c, 0, sizeof(c));
	c.fab.fd = -1;
	shc_doc_init();
	if (cli_opts_getopt(shc_opts, NULL, lo, sizeof(lo) / sizeof(lo[0]), shortopts,
			    sizeof(shortopts)))
		return shc_err(NULL, EINVAL, "option table does not fit");
	opterr = 0;
	while ((o = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (o) {
		case 'd':
			c.root = optarg;
			break;
		case 'F':
			c.fabric = optarg;
			break;
		case 'o':
			if (cli_fmt_parse(optarg,
					  CLI_FMT_MASK(CLI_FMT_NORMAL) | CLI_FMT_MASK(CLI_FMT_JSON),
					  &fmt, msg, sizeof(msg)))
				return shc_usage_err(&c, NULL, 2, msg);
			c.json = fmt == CLI_FMT_JSON;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			cli_doc_version(stdout, &shc_prog);
			return 0;
		case OPT_GENERATE:
			if (cli_doc_generate(stdout, &shc_prog, optarg))
				return shc_usage_err(&c, NULL, 2, "--generate: man or bash");
			return 0;
		default:
			if (optopt && optopt < 256 && strchr(shortopts, optopt))
				snprintf(msg, sizeof(msg), "option -%c needs a value", optopt);
			else if (optopt)
				snprintf(msg, sizeof(msg), "invalid option -%c", optopt);
			else
				snprintf(msg, sizeof(msg), "invalid option %s", argv[optind - 1]);
			return shc_usage_err(&c, NULL, 2, msg);
		}
	}
	argc -= optind;
	argv += optind;
	if (help)
		return shc_help(&c, argc, argv);
	if (argc < 1)
		return shc_usage_err(&c, NULL, 2, "missing command");
	if (c.root)
		setenv("FCNVME_SHM_DIR", c.root, 1);
	k = shc_lookup(&c, argc, argv, &words, false);
	if (!k)
		return 1;
	nargs = argc - words;
	if (nargs < k->min || (k->max >= 0 && nargs > k->max)) {
		n_usage(msg, sizeof(msg), k);
		return shc_usage_err(&c, k, 1, msg);
	}
	if (k->fabric && shc_open_fabric(&c))
		return 1;
	rc = k->fn(&c, k, nargs, argv + words);
	if (c.fab_open)
		hw_fabric_close(&c.fab);
	return rc;
}
