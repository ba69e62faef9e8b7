// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme read: read blocks of a namespace into a file (or stdout), in
 * chunks of the controller's maximum transfer size.
 */
#include "fcnvme.h"

/* fcnvme read */
int fcnvme_cmd_read(int argc, char **argv)
{
	return fcnvme_rw_main(argc, argv, false);
}
