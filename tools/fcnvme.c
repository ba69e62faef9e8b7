// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme: an NVMe-over-FC initiator for the software HBA (and any HBA the
 * hw layer drives). Commands in the spirit of nvme-cli: discover, list,
 * id-ctrl, id-ns, read, write, perf (spdk_nvme_perf-like) and mount (a
 * FUSE export of the namespaces). This file only dispatches; each command
 * lives in fcnvme_<command>.c.
 */
#include <stdio.h>
#include <string.h>

#include "fcnvme.h"

static const struct fcnvme_cmd fcnvme_cmds[] = {
	{ "discover", fcnvme_cmd_discover, "print the discovery log of the target ports" },
	{ "list", fcnvme_cmd_list, "list reachable targets, subsystems and namespaces" },
	{ "id-ctrl", fcnvme_cmd_id_ctrl, "Identify Controller" },
	{ "id-ns", fcnvme_cmd_id_ns, "Identify Namespace" },
	{ "read", fcnvme_cmd_read, "read blocks of a namespace into a file" },
	{ "write", fcnvme_cmd_write, "write blocks of a namespace from a file" },
	{ "perf", fcnvme_cmd_perf, "measure IOPS, bandwidth and latency" },
	{ "mount", fcnvme_cmd_mount, "export namespaces as files through FUSE" },
};

static void fcnvme_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: fcnvme <command> [options]   (fcnvme <command> --help)\n"
		   "commands:\n");
	for (i = 0; i < sizeof(fcnvme_cmds) / sizeof(fcnvme_cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", fcnvme_cmds[i].name, fcnvme_cmds[i].summary);
}

/* Dispatch to the command named by argv[1]. */
int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fcnvme_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fcnvme_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(fcnvme_cmds) / sizeof(fcnvme_cmds[0]); i++)
		if (!strcmp(argv[1], fcnvme_cmds[i].name))
			return fcnvme_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "fcnvme: unknown command '%s'\n", argv[1]);
	fcnvme_usage(stderr);
	return 2;
}
