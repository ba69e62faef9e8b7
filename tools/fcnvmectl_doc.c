// SPDX-License-Identifier: Apache-2.0
/*
 * ctl_prog: fcnvmectl described for libfcnvme/cli (--help, fcnvmectl(8),
 * bash completion), built from the grammar table (fcnvmectl_table.c) so
 * that the page, the completion and the parser read the same entries: one
 * command per entry, positional arguments as CLI_OPT_POS entries and
 * keyword options as bare names ("serial"), with the fixed values of their
 * kind (yes/no, ANA states, log levels, object kinds, backends) and file
 * name completion for paths.
 */
#include <stdio.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvmecli/doc.h>

#include "fcnvmectl.h"

#define MAX_CMDS 64
#define MAX_ARGS 16 /* positional + keyword of one command */

static const char *const bool_vals[] = { "yes", "no", NULL };
static const char *const ana_vals[] = { "optimized",	   "non-optimized", "inaccessible",
					"persistent-loss", "change",	    NULL };
static const char *const level_vals[] = { "warn", "info", "debug", NULL };
static const char *const obj_vals[] = { "port", "subsystem", "namespace", "host", NULL };
static const char *const backend_vals[] = { "null", "ram", "file", "rbd", NULL };

static const char *const *values(const struct ctlarg *a)
{
	if (a->attr == FCNVME_A_BACKEND)
		return backend_vals;
	switch (a->kind) {
	case ARG_BOOL:
		return bool_vals;
	case ARG_ANA_STATE:
		return ana_vals;
	case ARG_LOG_LEVEL:
		return level_vals;
	case ARG_OBJ:
		return obj_vals;
	default:
		return NULL;
	}
}

/* The placeholder of a keyword option's value. */
static const char *placeholder(const struct ctlarg *a)
{
	if (a->attr == FCNVME_A_PATH)
		return "PATH";
	if (a->attr == FCNVME_A_PORTS)
		return "PORT";
	if (a->attr == FCNVME_A_HOSTS)
		return "NQN";
	switch (a->kind) {
	case ARG_NQN:
		return "NQN";
	case ARG_WWN:
		return "WWN";
	case ARG_U16:
	case ARG_U32:
	case ARG_U64:
		return "N";
	case ARG_SIZE:
		return "SIZE";
	case ARG_BOOL:
		return "BOOL";
	case ARG_UUID:
		return "UUID";
	case ARG_HEX:
		return "HEX";
	case ARG_TRADDR:
		return "TRADDR";
	default:
		return "TEXT";
	}
}

/* Options some commands take besides the grammar's words, read before
 * the grammar by fcnvmectl_watch.c (stats) and fcnvmectl_config.c
 * (config reload): one entry per command they belong to. */
static const struct cli_opt stats_flags[] = {
	{ "-i", NULL, "SECS",
	  "Watch: ask every SECS seconds (1 to 86400) and print each row's rates and the "
	  "interval's latency percentiles, until interrupted.",
	  NULL, 0, 0 },
	{ "-c", NULL, "COUNT", "With -i, stop after COUNT intervals.", NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};
static const struct cli_opt reload_flags[] = {
	{ "--dry-run", NULL, NULL,
	  "Print the operations the reload would run and run none (config diff).", NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};

static const struct cli_opt *flags_of(const struct ctlverb *v)
{
	if (v->cmd == FCNVME_CMD_STATS)
		return stats_flags;
	if (v->cmd == FCNVME_CMD_CONFIG_RELOAD && !strcmp(v->verb, "reload"))
		return reload_flags;
	return NULL;
}

static struct cli_cmd cmds[MAX_CMDS + 1];
static struct cli_opt args[MAX_CMDS][MAX_ARGS + 1];
static char words[MAX_CMDS][48];
static char synopsis[MAX_CMDS][80];
static struct cli_prog prog;

static int build_cmd(size_t i)
{
	const struct ctlverb *v = &ctl_verbs[i];
	const struct ctlarg *o;
	const struct cli_opt *f;
	size_t n = 0, used = 0;
	int k;

	snprintf(words[i], sizeof(words[i]), "%s%s%s", v->object, v->verb ? " " : "",
		 v->verb ? v->verb : "");
	synopsis[i][0] = '\0';
	for (k = 0; k < CTL_MAX_POS && v->pos[k].name; k++) {
		const struct ctlarg *a = &v->pos[k];

		used += (size_t)snprintf(synopsis[i] + used, sizeof(synopsis[i]) - used,
					 a->optional ? "%s[%s]" : "%s%s", k ? " " : "", a->name);
		if (used >= sizeof(synopsis[i]) || n >= MAX_ARGS)
			return -1;
		args[i][n++] = (struct cli_opt){
			.name = a->name,
			.help = a->help,
			.values = values(a),
			.flags = CLI_OPT_POS | (a->attr == FCNVME_A_PATH ? CLI_OPT_FILE : 0u),
		};
	}
	for (o = v->opts; o && o->name; o++) {
		if (n >= MAX_ARGS)
			return -1;
		args[i][n++] = (struct cli_opt){
			.name = o->name,
			.arg = placeholder(o),
			.help = o->help,
			.values = values(o),
			.flags = o->attr == FCNVME_A_PATH ? CLI_OPT_FILE : 0u,
		};
	}
	for (f = flags_of(v); f && f->name; f++) {
		if (n >= MAX_ARGS)
			return -1;
		args[i][n++] = *f;
	}
	memset(&args[i][n], 0, sizeof(args[i][n]));
	cmds[i] = (struct cli_cmd){ words[i], synopsis[i][0] ? synopsis[i] : NULL, v->help,
				    n ? args[i] : NULL };
	return 0;
}

static const struct cli_section sections[] = {
	{ "output",
	  "Without -o (or with -o normal) list commands print an aligned table whose headers are "
	  "the attribute names (port list: name, dev, wwpn ...), other commands key and value "
	  "lines, config show the configuration text.\n\n"
	  "With -o json list commands print an array of objects, other commands one object, "
	  "config show the configuration as objects (config export), config reload and config diff "
	  "{\"operations\": [LINE, ...]}; a command that returns nothing prints nothing. Keys are "
	  "snake_case (nport_id, lat_p50_ns); WWNs, IDs, UUIDs are strings in their usual "
	  "notation, counters and sizes numbers, flags booleans. An error is printed on standard "
	  "error as one JSON object, {\"error\": {\"message\": TEXT, \"errno\": N}}, where N is "
	  "the positive errno value (22 for a usage error), and the exit status is 1 as "
	  "without -o json." },
	{ "examples",
	  "  fcnvmectl port list\n"
	  "  fcnvmectl subsystem add nqn.2026-11.io.example:vol1 model Lab allow-any-host no\n"
	  "  fcnvmectl allowed-host add nqn.2026-11.io.example:vol1 nqn.2026-11.io.example:h1\n"
	  "  fcnvmectl namespace add nqn.2026-11.io.example:vol1 file path /srv/vol1.img\n"
	  "  fcnvmectl subsystem add-port nqn.2026-11.io.example:vol1 p0\n"
	  "  fcnvmectl -o json stats namespace\n"
	  "  fcnvmectl ana set-state 1 inaccessible p0\n"
	  "  fcnvmectl subsystem add --help" },
	{ "environment", "NVMETFCD_SOCKET: the control socket when -s is not given." },
	{ "files",
	  "  " RUNSTATEDIR "/nvmetfcd/" FCNVME_CTL_SOCKET "\n"
	  "The control socket (mode 0660, group socket_group of nvmetfcd.conf: only root and the "
	  "members of that group can use fcnvmectl)." },
	{ "exit status",
	  "0 on success; 1 on a usage error, when the daemon cannot be reached or does not answer "
	  "within the timeout, and when it refused the request (its message is printed)." },
	{ "see also", "nvmetfcd(8), nvmetfcd.conf(5), fcnvme(1), softhbactl(8)." },
	{ NULL, NULL },
};

const struct cli_prog *ctl_prog(const struct cli_opt *glob)
{
	size_t i;

	if (ctl_nverbs > MAX_CMDS)
		return NULL;
	for (i = 0; i < ctl_nverbs; i++)
		if (build_cmd(i))
			return NULL;
	memset(&cmds[ctl_nverbs], 0, sizeof(cmds[0]));
	prog = (struct cli_prog){
		.name = "fcnvmectl",
		.section = 8,
		.summary = "control nvmetfcd, the NVMe over Fibre Channel target",
		.synopsis =
			"fcnvmectl [-s SOCKET] [-t SECONDS] [-o normal|json|openmetrics] OBJECT [VERB] "
			"[ARGUMENTS] [KEYWORD VALUE]...\n\n"
			"fcnvmectl [OBJECT [VERB]] --help\n\n"
			"fcnvmectl --version",
		.description =
			"fcnvmectl changes and inspects a running nvmetfcd over its control socket: "
			"ports, subsystems, allowed hosts, namespaces, ANA groups, associations, "
			"statistics, the configuration and the cluster. A command is an object and "
			"usually a verb, written exactly (no abbreviations), then its positional "
			"arguments, then keyword options as KEYWORD VALUE pairs (subsystem add NQN "
			"model Lab). Every value is checked before anything is sent.\n\n"
			"It sends one request (stats -o openmetrics on a node of a cluster also asks "
			"for cluster status and cluster groups, printed as the nvmetfcd_cluster_* "
			"families), prints the answer and exits. Changes take effect at "
			"once and are not written to the configuration file until config save. "
			"Commands that change the target need root or membership of the socket "
			"group; a daemon that runs but does not answer within the timeout is an "
			"error that says so. Options stand before the command; -o, -j and --help "
			"may also follow it (a value that is one of these goes after --).",
		.shape = CLI_DOC_COMMANDS,
		.global_opts = glob,
		.cmds = cmds,
		.sections = sections,
		.version = PACKAGE_VERSION,
	};
	return &prog;
}
