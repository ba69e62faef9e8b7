// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme write: write blocks of a namespace from a file (or stdin); a
 * short input is zero-filled to whole blocks.
 */
#include "fcnvme.h"

const struct cli_opt fcnvme_write_opts[] = {
	{ "--namespace-id", "-n", "NSID", "The namespace (default 1).", NULL, 0, 'n' },
	{ "--start-block", "-s", "LBA", "The first block.", NULL, 0, 's' },
	{ "--block-count", "-c", "COUNT",
	  "The number of blocks minus one (0's based, as in nvme-cli); required.", NULL, 0, 'c' },
	{ "--data", "-d", "FILE", "The file to read the data from (default stdin).", NULL,
	  CLI_OPT_FILE, 'd' },
	FCNVME_OPT_END,
};

/* fcnvme write */
int fcnvme_cmd_write(int argc, char **argv)
{
	return fcnvme_rw_main(argc, argv, true);
}
