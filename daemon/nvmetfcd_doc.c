// SPDX-License-Identifier: Apache-2.0
/*
 * nvmetfcd(8) and nvmetfcd.conf(5), generated (see nvmetfcd_doc.h). The
 * configuration page has one section per part of the file; each setting of
 * daemon/conf/conf_opts.c's tables is listed with a placeholder for its
 * type, its description (conf_opt.help), its range, its default and
 * whether it is required, so the page says what the parser accepts. The
 * list-valued members the parser takes besides the tables (cpus, hosts,
 * host_wwpns, ports, namespaces) are described here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmecli/doc.h>

#include "conf/conf_opts.h"
#include "nvmetfcd_doc.h"

#define DOC_CONF   SYSCONFDIR "/nvmetfcd/nvmetfcd.conf"
#define DOC_RUNDIR RUNSTATEDIR "/nvmetfcd"
#define DOC_STATE  LOCALSTATEDIR "/lib/nvmetfcd"

const struct cli_opt nvmetfcd_opts[] = {
	{ "--config", "-c", "FILE", "Configuration file (default " DOC_CONF ").", NULL,
	  CLI_OPT_FILE, 'c' },
	{ "--foreground", "-f", NULL,
	  "Stay in the foreground and log to standard error with <N> priority prefixes (as the "
	  "journal reads them).",
	  NULL, 0, 'f' },
	{ "--check", "-n", NULL,
	  "Check the configuration file and exit: every error as FILE:LINE: reason (exit 1), a "
	  "misspelt setting with the nearest known one, then warnings about what is valid but "
	  "likely a mistake (a subsystem no host can reach or exported on no port, a fabric that "
	  "does not exist, a referral no host sees or one repeating another) and configuration OK (exit 0); with -v also print it normalised.",
	  NULL, 0, 'n' },
	{ "--socket", "-s", "SOCKET",
	  "Control socket (default $RUNTIME_DIRECTORY/nvmetfcd.sock, or " DOC_RUNDIR
	  "/nvmetfcd.sock).",
	  NULL, CLI_OPT_FILE, 's' },
	{ "--state-dir", "-S", "DIR",
	  "Persistent state: namespace identities (default $STATE_DIRECTORY, or " DOC_STATE ").",
	  NULL, CLI_OPT_FILE, 'S' },
	{ "--verbose", "-v", NULL, "More verbose logging; twice for debug messages.", NULL, 0,
	  'v' },
	{ "--version", "-V", NULL, "Print the version and exit.", NULL, 0, 'V' },
	{ "--help", "-h", NULL, "Print a usage summary and exit.", NULL, 0, 'h' },
	{ "--generate", NULL, "WHAT", "Print a generated manual page (man or conf-man) and exit.",
	  NULL, CLI_OPT_HIDDEN, 'G' },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};

static const struct cli_section daemon_sections[] = {
	{ "Signals",
	  "SIGHUP reloads the configuration file: the difference is applied, and an invalid file "
	  "leaves the running configuration untouched (systemctl reload nvmetfcd does this). "
	  "New rbd images are opened first, on a thread of their own, while the daemon goes on "
	  "serving; the reload is applied once they are open. "
	  "SIGTERM and SIGINT stop the daemon: ports go offline, associations are torn down and "
	  "I/O drains." },
	{ "Systemd",
	  "Under the shipped unit (nvmetfcd.service, Type=notify) the daemon reports READY=1, "
	  "RELOADING=1 and STOPPING=1, a STATUS= line and watchdog keep-alives; the socket goes to "
	  "$RUNTIME_DIRECTORY and namespace identities to $STATE_DIRECTORY. Logs: journalctl -u "
	  "nvmetfcd." },
	{ "Files", "  " DOC_CONF "\n  " DOC_RUNDIR "/nvmetfcd.sock\n  " DOC_STATE },
	{ "See also", "nvmetfcd.conf(5), fcnvmectl(8), softhbactl(8), fcnvme(1)" },
	{ NULL, NULL }
};

const struct cli_prog nvmetfcd_prog = {
	.name = "nvmetfcd",
	.section = 8,
	.summary = "NVMe over Fibre Channel target daemon",
	.synopsis = "nvmetfcd [-fnvV] [-c FILE] [-s SOCKET] [-S STATEDIR]",
	.description =
		"nvmetfcd turns a Fibre Channel HBA into an NVMe subsystem target: the userspace "
		"counterpart of Linux nvmet-fc. It drives a uio-mapped HBA or a port of a software "
		"fabric (softhbactl) with one polling I/O thread per hardware queue, reads its "
		"subsystems, namespaces and ports from nvmetfcd.conf(5), and is managed at run time "
		"with fcnvmectl(8) over its control socket.",
	.shape = CLI_DOC_COMMANDS,
	.global_opts = nvmetfcd_opts,
	.sections = daemon_sections,
	.version = PACKAGE_VERSION,
};

/* A part of the file: its name as the page shows it, what it is, its
 * table, and the list members the parser reads besides the table. */
struct doc_part {
	const char *words;
	const char *help;
	const struct conf_opt *table;
	const struct cli_opt *lists;
};

static const struct cli_opt port_lists[] = {
	{ "cpus", NULL, "[ CPU, ... ]", "CPU each I/O thread is pinned to, one per hardware queue.",
	  NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};
static const struct cli_opt subsys_lists[] = {
	{ "hosts", NULL, "[ \"HOSTNQN\", ... ]",
	  "Host NQNs allowed to connect (unless allow_any_host is true).", NULL, 0, 0 },
	{ "host_wwpns", NULL, "[ \"WWPN\", ... ]",
	  "When not empty, Connects are accepted only from these host FC ports.", NULL, 0, 0 },
	{ "ports", NULL, "[ \"PORT\", ... ]", "Names of the ports the subsystem is exported on.",
	  NULL, 0, 0 },
	{ "namespaces", NULL, "( { ... }, ... )",
	  "The subsystem's namespaces, each a group of the namespace settings below.", NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};
static const struct cli_opt ns_lists[] = {
	{ "hosts", NULL, "[ \"HOSTNQN\", ... ]",
	  "Host masking: the namespace is visible only to these hosts (of those the subsystem "
	  "allows); to the others it is an inactive NSID. Empty or absent: visible to every "
	  "host.",
	  NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};
static const struct cli_opt ana_lists[] = {
	{ "ports", NULL, "{ PORT = \"STATE\"; ... }",
	  "The group's state on particular ports, overriding state.", NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};

static const struct cli_opt referral_lists[] = {
	{ "ports", NULL, "[ \"PORT\", ... ]",
	  "Required: names of the ports whose discovery log lists the referral (not the port it "
	  "points at).",
	  NULL, 0, 0 },
	{ "hosts", NULL, "[ \"HOSTNQN\", ... ]",
	  "Only these host NQNs see the referral. Empty or absent: every host.", NULL, 0, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 }
};

static const struct doc_part conf_parts[] = {
	{ "daemon = { ... };", "Settings of the daemon itself.", conf_daemon_opts, NULL },
	{ "ports = ( { ... }, ... );",
	  "FC ports: each a software HBA port (soft:FABRIC), a uio-mapped HBA (/dev/uioN), a PCI function (pci:DDDD:BB:DD.F) or a softhba-vmport target port driven from the host (vmport:/SOCKET).",
	  conf_port_opts, port_lists },
	{ "ana_groups = ( { ... }, ... );",
	  "ANA groups beyond group 1, which always exists and is optimized.", conf_ana_opts,
	  ana_lists },
	{ "subsystems = ( { ... }, ... );", "NVMe subsystems.", conf_subsys_opts, subsys_lists },
	{ "namespaces = ( { ... }, ... );", "The namespaces of a subsystem (inside it).",
	  conf_ns_opts, ns_lists },
	{ "referrals = ( { ... }, ... );",
	  "Referrals: discovery log entries of subtype 1 (nvme-cli's \"referral\") pointing a "
	  "host at another FC port's discovery service, another nvmetfcd or another target.",
	  conf_referral_opts, referral_lists },
	{ "cluster = { ... };",
	  "Several nodes exporting the same subsystems from Ceph, sharing state in one RADOS "
	  "object.",
	  conf_cluster_opts, NULL },
	{ NULL, NULL, NULL, NULL }
};

static const char *type_arg(const struct conf_opt *o)
{
	switch (o->type) {
	case CONF_OPT_STR:
	case CONF_OPT_STRP:
		return "\"STRING\"";
	case CONF_OPT_NAME:
		return "\"NAME\"";
	case CONF_OPT_NQN:
		return "\"NQN\"";
	case CONF_OPT_U16:
	case CONF_OPT_U32:
		return "NUMBER";
	case CONF_OPT_BOOL:
		return "true|false";
	case CONF_OPT_WWN:
		return "\"WWN\"";
	case CONF_OPT_SIZE32:
	case CONF_OPT_SIZE64:
		return "SIZE";
	case CONF_OPT_ENUM:
		return "\"VALUE\"";
	case CONF_OPT_UUID:
		return "\"UUID\"";
	case CONF_OPT_HEX:
		return "\"HEX\"";
	}
	return "VALUE";
}

/* The description of o: its help, then what the parser enforces;
 * malloc'ed. */
static char *opt_help(const struct conf_opt *o)
{
	char extra[160] = "";
	size_t n = 0, len;
	char *s;

	if (o->flags & CONF_OPT_REQUIRED)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, " Required.");
	if ((o->type == CONF_OPT_U16 || o->type == CONF_OPT_U32) && o->max)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n,
				      " From %" PRIu64 " to %" PRIu64 ".", o->min, o->max);
	if (!(o->flags & (CONF_OPT_REQUIRED | CONF_OPT_OMIT_DEFAULT))) {
		switch (o->type) {
		case CONF_OPT_U16:
		case CONF_OPT_U32:
		case CONF_OPT_SIZE32:
		case CONF_OPT_SIZE64:
			if (o->def)
				snprintf(extra + n, sizeof(extra) - n, " Default: %" PRIu64 ".",
					 o->def);
			break;
		case CONF_OPT_BOOL:
			snprintf(extra + n, sizeof(extra) - n, " Default: %s.",
				 o->def ? "true" : "false");
			break;
		case CONF_OPT_ENUM:
			snprintf(extra + n, sizeof(extra) - n, " Default: %s.", o->names[o->def]);
			break;
		default:
			break;
		}
	}
	len = strlen(o->help) + strlen(extra) + 1;
	s = malloc(len);
	if (s)
		snprintf(s, len, "%s%s", o->help, extra);
	return s;
}

/* The settings of one part as the generator takes them, and the texts
 * allocated for them. */
struct doc_list {
	struct cli_opt *opts;
	char **texts;
	size_t n;
};

static void doc_list_free(struct doc_list *l)
{
	size_t i;

	for (i = 0; l->texts && i < l->n; i++)
		free(l->texts[i]);
	free(l->texts);
	free(l->opts);
}

/* The cli_opt list of part: the table's settings, then its list members. */
static int part_opts(const struct doc_part *part, struct doc_list *l)
{
	const struct conf_opt *c;
	const struct cli_opt *lo;
	size_t n = 1, i = 0;

	for (c = part->table; c->name; c++)
		n++;
	for (lo = part->lists; lo && lo->name; lo++)
		n++;
	l->opts = calloc(n, sizeof(*l->opts));
	l->texts = calloc(n, sizeof(*l->texts));
	l->n = n;
	if (!l->opts || !l->texts)
		return -ENOMEM;
	for (c = part->table; c->name; c++, i++) {
		if (!c->help || !*c->help) {
			fprintf(stderr, "nvmetfcd: setting %s has no description\n", c->name);
			return -EINVAL;
		}
		l->texts[i] = opt_help(c);
		if (!l->texts[i])
			return -ENOMEM;
		l->opts[i].name = c->name;
		l->opts[i].arg = type_arg(c);
		l->opts[i].values = c->type == CONF_OPT_ENUM ? c->names : NULL;
		l->opts[i].flags =
			c->type == CONF_OPT_STRP && !strcmp(c->name, "path") ? CLI_OPT_FILE : 0;
		l->opts[i].help = l->texts[i];
	}
	for (lo = part->lists; lo && lo->name; lo++, i++)
		l->opts[i] = *lo;
	return 0;
}

static int conf_man(FILE *f)
{
	enum {
		NPARTS = sizeof(conf_parts) / sizeof(conf_parts[0])
	};
	static const struct cli_section sections[] = {
		{ "Example", "A commented example is installed as " DOC_CONF "." },
		{ "See also", "nvmetfcd(8), fcnvmectl(8), softhbactl(8)" },
		{ NULL, NULL }
	};
	struct cli_cmd cmds[NPARTS] = { { 0 } };
	struct doc_list lists[NPARTS] = { { 0 } };
	struct cli_prog prog = {
		.name = "nvmetfcd.conf",
		.section = 5,
		.summary = "configuration file of the NVMe over Fibre Channel target daemon",
		.synopsis = DOC_CONF,
		.description =
			"The configuration of nvmetfcd(8), in libconfig syntax: groups in braces, "
			"lists in parentheses, arrays in brackets, settings written name = value; and "
			"comments after #. Unknown settings are errors. Check a file with nvmetfcd -n "
			"-c FILE, which prints it back normalised with every default filled in; apply "
			"a change with systemctl reload nvmetfcd or fcnvmectl config reload. Sizes are "
			"numbers of bytes or strings with a K, M, G or T suffix (\"256K\"); WWNs are "
			"written 0x..., as 16 hex digits, as 21:00:... or as naa....",
		.shape = CLI_DOC_SETTINGS,
		.cmds = cmds,
		.sections = sections,
		.version = PACKAGE_VERSION,
	};
	size_t i;
	int rc = 0;

	for (i = 0; conf_parts[i].words && !rc; i++) {
		rc = part_opts(&conf_parts[i], &lists[i]);
		cmds[i].words = conf_parts[i].words;
		cmds[i].help = conf_parts[i].help;
		cmds[i].opts = lists[i].opts;
	}
	if (!rc)
		rc = cli_doc_man(f, &prog);
	if (!rc && fflush(f))
		rc = -EIO;
	for (i = 0; i < NPARTS; i++)
		doc_list_free(&lists[i]);
	return rc;
}

int nvmetfcd_doc_generate(FILE *f, const char *what)
{
	if (!strcmp(what, "conf-man"))
		return conf_man(f);
	if (!strcmp(what, "man"))
		return cli_doc_generate(f, &nvmetfcd_prog, what);
	return -EINVAL;
}
