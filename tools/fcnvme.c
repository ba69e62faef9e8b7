// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme: an NVMe-over-FC initiator for the software HBA (and any HBA the
 * hw layer drives). Commands in the spirit of nvme-cli: discover, list,
 * id-ctrl, id-ns, read, write, perf (spdk_nvme_perf-like) and mount (a
 * FUSE export of the namespaces). This file describes the program (its
 * --help, manual page fcnvme(1) and bash completion come from these
 * tables, libfcnvme/cli) and dispatches; each command lives in
 * fcnvme_<command>.c with its own option table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fcnvme.h"

enum {
	FCNVME_KEY_GENERATE = 0x200
};

static const struct fcnvme_cmd fcnvme_cmds[] = {
	{ "discover", fcnvme_cmd_discover, NULL,
	  "Print the discovery logs of the target ports. Every discovery-capable port (or the one "
	  "--traddr names) is asked for its whole log, printed as nvme discover prints it; with "
	  "--follow-referrals, so is every discovery service those logs refer to.",
	  fcnvme_discover_opts },
	{ "list", fcnvme_cmd_list, NULL,
	  "List targets, subsystems and namespaces. For every reachable target port: its "
	  "subsystems and their namespaces with size, format, model, serial number and firmware.",
	  fcnvme_list_opts },
	{ "id-ctrl", fcnvme_cmd_id_ctrl, NULL,
	  "Identify Controller. Sends Identify Controller to a controller of the subsystem --nqn "
	  "names and prints it as nvme id-ctrl does.",
	  fcnvme_id_ctrl_opts },
	{ "id-ns", fcnvme_cmd_id_ns, NULL,
	  "Identify Namespace. Sends Identify Namespace for a namespace of the subsystem --nqn "
	  "names and prints it as nvme id-ns does.",
	  fcnvme_id_ns_opts },
	{ "read", fcnvme_cmd_read, NULL,
	  "Read blocks into a file. Reads blocks of a namespace into a file (or stdout), in chunks "
	  "of the controller's maximum transfer size.",
	  fcnvme_read_opts },
	{ "write", fcnvme_cmd_write, NULL,
	  "Write blocks from a file. Writes blocks of a namespace from a file (or stdin); short "
	  "input is padded with zeroes.",
	  fcnvme_write_opts },
	{ "compare-write", fcnvme_cmd_compare_write, NULL,
	  "Fused Compare and Write. Sends a Compare and a Write of the same blocks as one fused "
	  "pair: the target writes --data only if the blocks hold --compare-data, atomically "
	  "(exit status 1 and nothing written when they differ). Offered by namespaces whose "
	  "store can do it atomically (rbd).",
	  fcnvme_compare_write_opts },
	{ "perf", fcnvme_cmd_perf, NULL,
	  "Measure IOPS, bandwidth and latency. A load in the manner of spdk_nvme_perf (its option "
	  "letters: -q depth, -o size, -w workload, -t time), optionally verifying every read "
	  "against what was written. SIGINT or SIGTERM ends the run early (the result is still "
	  "printed) or stops the --verify prefill (exit status 130).",
	  fcnvme_perf_opts },
	{ "mount", fcnvme_cmd_mount, "MOUNTPOINT",
	  "Export namespaces as files through FUSE. Each namespace of the subsystem is a file "
	  "nsNSID until SIGINT, SIGTERM or fusermount3 -u; the export survives target restarts "
	  "while the controller reconnects (--ctrl-loss-tmo defaults to -1 here: forever).",
	  fcnvme_mount_opts },
	{ "resv-register", fcnvme_cmd_resv_register, NULL,
	  "Reservation Register. Registers, unregisters or replaces this host's reservation key on "
	  "a namespace (registrants are hosts: every controller of a host identifier is one), "
	  "optionally changing Persist Through Power Loss, as nvme resv-register does.",
	  fcnvme_resv_register_opts },
	{ "resv-acquire", fcnvme_cmd_resv_acquire, NULL,
	  "Reservation Acquire. Acquires a reservation of a type, or preempts (and aborts) the "
	  "registrants holding a key, as nvme resv-acquire does.",
	  fcnvme_resv_acquire_opts },
	{ "resv-release", fcnvme_cmd_resv_release, NULL,
	  "Reservation Release. Releases the reservation this host holds, or clears every "
	  "registration and the reservation, as nvme resv-release does.",
	  fcnvme_resv_release_opts },
	{ "resv-report", fcnvme_cmd_resv_report, NULL,
	  "Reservation Report. Prints the generation, the reservation type, Persist Through Power "
	  "Loss and every registrant (key, host identifier, whether it holds) of a namespace, as "
	  "nvme resv-report prints it.",
	  fcnvme_resv_report_opts },
};
#define FCNVME_NCMDS   (sizeof(fcnvme_cmds) / sizeof(fcnvme_cmds[0]))
#define FCNVME_MAXOPTS 48

static const struct cli_opt fcnvme_global_opts[] = {
	{ "--help", "-h", NULL, "Print the commands and exit (fcnvme COMMAND --help: its options).",
	  NULL, 0, 'h' },
	{ "--version", "-V", NULL, "Print the version and exit.", NULL, 0, 'V' },
	{ "--generate", NULL, "WHAT", "Print the manual page or bash completion script.",
	  (const char *const[]){ "man", "bash", NULL }, CLI_OPT_HIDDEN, FCNVME_KEY_GENERATE },
	FCNVME_OPT_END,
};

static const struct cli_section fcnvme_sections[] = {
	{ "examples",
	  "Discover the subsystems behind every target port of fabric demo, as host port "
	  "nn-0x20001100aa000001:pn-0x10001100aa000001:\n"
	  "\n"
	  "  fcnvme discover --fabric demo -w nn-0x20001100aa000001:pn-0x10001100aa000001\n"
	  "\n"
	  "The same as JSON, then Identify Controller of one subsystem:\n"
	  "\n"
	  "  fcnvme discover --fabric demo -w nn-0x20001100aa000001:pn-0x10001100aa000001 -o json\n"
	  "  fcnvme id-ctrl --fabric demo -w nn-0x20001100aa000001:pn-0x10001100aa000001 \\\n"
	  "      -n nqn.2026-11.io.nvmetfcd:demo\n"
	  "\n"
	  "A 10-second verified random 70/30 read/write load at queue depth 32:\n"
	  "\n"
	  "  fcnvme perf --fabric demo --host-traddr nn-0x20001100aa000001:pn-0x10001100aa000001 \\\n"
	  "      --nqn nqn.2026-11.io.nvmetfcd:demo -w randrw --rwmixread 70 -q 32 -t 10 --verify\n"
	  "\n"
	  "(In perf, -w is the workload, as in spdk_nvme_perf: name the host port with "
	  "--host-traddr there.)" },
	{ "environment",
	  "FCNVME_SHM_DIR: where software fabrics live when --shm-dir is not given "
	  "(default /dev/shm/fcnvme).\n"
	  "\n"
	  "FCNVME_ETC_NVME: the directory that holds hostnqn and hostid instead of /etc/nvme." },
	{ "files",
	  "/etc/nvme/hostnqn, /etc/nvme/hostid: the host identity, as nvme-cli keeps it. Without "
	  "them and without --hostnqn, fcnvme generates a host NQN from a random UUID and says so "
	  "on stderr." },
	{ "exit status",
	  "0 success; 1 the command failed (the reason on stderr: a line, or with -o json a JSON "
	  "object {\"error\": {\"message\": \"...\", \"status\": N}} whose status is the NVMe status when there is "
	  "one); 2 bad usage; perf: 130 when SIGINT or SIGTERM stopped the --verify prefill." },
	{ "see also", "nvmetfcd(8), fcnvmectl(8), softhbactl(8), nvme(1), nvme-discover(1)." },
	{ NULL, NULL },
};

/* The merged option tables: a command's own, then the common ones (a
 * common option loses its short letter where the command uses it). Built
 * once by fcnvme_build() before anything reads them. */
static struct cli_opt fcnvme_merged[FCNVME_NCMDS][FCNVME_MAXOPTS];
static struct cli_cmd fcnvme_cli_cmds[FCNVME_NCMDS + 1];

static const struct cli_prog fcnvme_cli_prog = {
	.name = "fcnvme",
	.section = 1,
	.summary = "NVMe over Fibre Channel initiator for nvmetfcd's software HBA",
	.synopsis = "fcnvme COMMAND --fabric NAME -w nn-0xWWNN:pn-0xWWPN [options]",
	.description =
		"fcnvme joins a software Fibre Channel fabric (or uses an HBA the hw layer drives) "
		"as an initiator port, logs into the NVMe target ports it finds and talks NVMe over "
		"FC to their controllers, with nvme-cli's commands and options where they have the "
		"same meaning: -a/--traddr, -n/--nqn, -q/--hostnqn, -I/--hostid, -w/--host-traddr, "
		"-i/--nr-io-queues, -Q/--queue-size, -k/--keep-alive-tmo, -c/--reconnect-delay, "
		"-l/--ctrl-loss-tmo and -o/--output-format normal|json. Where a command uses one of "
		"these letters for its own option (the namespace -n and block count -c of read and "
		"write, spdk_nvme_perf's letters in perf), the common option has its long name only.\n"
		"\n"
		"There is no separate connect and disconnect: every command connects to the "
		"controllers it needs, and disconnects and leaves the fabric when it ends (mount "
		"stays connected while it runs).\n"
		"\n"
		"A refused command is reported with its NVMe status decoded, e.g. \"Connect Invalid "
		"Host: host NQN is not allowed on NQN (0x4184)\".",
	.shape = CLI_DOC_COMMANDS,
	.global_opts = fcnvme_global_opts,
	.cmds = fcnvme_cli_cmds,
	.sections = fcnvme_sections,
	.version = PACKAGE_VERSION,
};

static bool fcnvme_letter_used(const struct cli_opt *own, const char *alias)
{
	for (; own->name; own++)
		if ((own->alias && !strcmp(own->alias, alias)) || own->key == alias[1])
			return true;
	return false;
}

static bool fcnvme_name_used(const struct cli_opt *own, const char *name)
{
	for (; own->name; own++)
		if (!strcmp(own->name, name))
			return true;
	return false;
}

/* Merge every command's table with the common options. 0 or -ENOSPC. */
static int fcnvme_build(void)
{
	const struct cli_opt *o;
	size_t i, n;

	for (i = 0; i < FCNVME_NCMDS; i++) {
		struct cli_opt *m = fcnvme_merged[i];

		n = 0;
		for (o = fcnvme_cmds[i].opts; o->name; o++) {
			if (n + 1 >= FCNVME_MAXOPTS)
				return -ENOSPC;
			m[n++] = *o;
		}
		for (o = fcnvme_common_opts; o->name; o++) {
			if (fcnvme_name_used(fcnvme_cmds[i].opts, o->name))
				continue;
			if (n + 1 >= FCNVME_MAXOPTS)
				return -ENOSPC;
			m[n] = *o;
			if (o->alias && !fcnvme_letter_used(fcnvme_cmds[i].opts, o->alias))
				m[n].key = o->alias[1]; /* cli_opts_getopt: "-x" has key 'x' */
			else
				m[n].alias = NULL;
			n++;
		}
		memset(&m[n], 0, sizeof(m[n]));
		fcnvme_cli_cmds[i].words = fcnvme_cmds[i].name;
		fcnvme_cli_cmds[i].args = fcnvme_cmds[i].args;
		fcnvme_cli_cmds[i].help = fcnvme_cmds[i].help;
		fcnvme_cli_cmds[i].opts = m;
	}
	memset(&fcnvme_cli_cmds[i], 0, sizeof(fcnvme_cli_cmds[i]));
	return 0;
}

const struct cli_prog *fcnvme_prog(void)
{
	return &fcnvme_cli_prog;
}

const struct cli_cmd *fcnvme_cli_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < FCNVME_NCMDS; i++)
		if (!strcmp(fcnvme_cli_cmds[i].words, name))
			return &fcnvme_cli_cmds[i];
	return NULL;
}

/* Dispatch to the command named by argv[1]. */
int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (fcnvme_build()) {
		fprintf(stderr, "fcnvme: internal error: option tables too large\n");
		return 1;
	}
	if (!a) {
		fprintf(stderr, "fcnvme: say which command\n");
		cli_doc_try_help(stderr, &fcnvme_cli_prog, NULL);
		return 2;
	}
	if (!strcmp(a, "help") || !strcmp(a, "--help") || !strcmp(a, "-h")) {
		cli_doc_usage(stdout, &fcnvme_cli_prog, NULL);
		return 0;
	}
	if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
		cli_doc_version(stdout, &fcnvme_cli_prog);
		return 0;
	}
	if (!strncmp(a, "--generate=", 11) || (!strcmp(a, "--generate") && argc > 2)) {
		const char *what = a[10] == '=' ? a + 11 : argv[2];

		if (cli_doc_generate(stdout, &fcnvme_cli_prog, what)) {
			fprintf(stderr, "fcnvme: --generate: '%s' is not man or bash\n", what);
			return 2;
		}
		return fflush(stdout) ? 1 : 0;
	}
	for (i = 0; i < FCNVME_NCMDS; i++)
		if (!strcmp(a, fcnvme_cmds[i].name)) {
			static char prog[64];

			/* getopt's own messages name "fcnvme read", not "read" */
			snprintf(prog, sizeof(prog), "fcnvme %s", a);
			argv[1] = prog;
			return fcnvme_cmds[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "fcnvme: unknown command '%s'\n", a);
	cli_doc_try_help(stderr, &fcnvme_cli_prog, NULL);
	return 2;
}
