// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme write: write blocks of a namespace from a file (or stdin); a
 * short input is zero-filled to whole blocks.
 */
#include "fcnvme.h"

/* fcnvme write */
int fcnvme_cmd_write(int argc, char **argv)
{
	return fcnvme_rw_main(argc, argv, true);
}
