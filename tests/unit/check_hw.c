// SPDX-License-Identifier: Apache-2.0
/*
 * The Check runner of hw/: rings, fabric (and its modes, ownership checks and
 * peer/slot reclamation), what a hostile peer forges in shared memory, mapper, firmware (data movement, steering, DMA
 * bounds), the DMA allocator, the firmware of a remote driver's port, the
 * kernel driver's copy of the device layout, and the received-LS pool.
 */
#include <stdlib.h>

#include "check_hw.h"

int main(void)
{
	SRunner *sr = srunner_create(hw_ring_suite());
	int failed;

	srunner_add_suite(sr, hw_fabric_suite());
	srunner_add_suite(sr, hw_fabsec_suite());
	srunner_add_suite(sr, hw_peersec_suite());
	srunner_add_suite(sr, hw_map_suite());
	srunner_add_suite(sr, hw_fw_suite());
	srunner_add_suite(sr, hw_abi_suite());
	srunner_add_suite(sr, hw_remote_suite());
	srunner_add_suite(sr, hw_vmport_suite());
	srunner_add_suite(sr, hw_ls_suite());
	srunner_add_suite(sr, hw_rdrv_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
