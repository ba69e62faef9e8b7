// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme read: read blocks of a namespace into a file (or stdout), in
 * chunks of the controller's maximum transfer size.
 */
#include "fcnvme.h"

const struct cli_opt fcnvme_read_opts[] = {
	{ "--namespace-id", "-n", "NSID", "The namespace (default 1).", NULL, 0, 'n' },
	{ "--start-block", "-s", "LBA", "The first block.", NULL, 0, 's' },
	{ "--block-count", "-c", "COUNT",
	  "The number of blocks minus one (0's based, as in nvme-cli); required.", NULL, 0, 'c' },
	{ "--data", "-d", "FILE",
	  "The file to write the data to, created or truncated (default stdout).", NULL,
	  CLI_OPT_FILE, 'd' },
	FCNVME_OPT_END,
};

/* fcnvme read */
int fcnvme_cmd_read(int argc, char **argv)
{
	return fcnvme_rw_main(argc, argv, false);
}
