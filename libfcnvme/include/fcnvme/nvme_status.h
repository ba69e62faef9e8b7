/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVMe completion statuses in words: the status code type and status code
 * names of the NVM Express Base Specification 2.0 (fig. 101 generic, 102
 * command specific, 104 media and data integrity, 105 path related) and
 * NVMe over Fabrics 1.1 (fig. 21, the Connect statuses), and what a
 * failed Connect's response says about it (dword 0: the offending field,
 * NVMe-oF 1.1 fig. 22 IATTR/IPO, as Linux's IPO_IATTR_CONNECT_* build it).
 * status is the CQE's status field without the phase bit (SCT << 8 | SC,
 * plus CRD/More/DNR), as the host transport reports it.
 */
#ifndef FCNVME_NVME_STATUS_H
#define FCNVME_NVME_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* What is known about a failed Connect: the NQNs it carried and the
 * response's dword 0. */
struct fcnvme_connect_info {
	const char *subnqn;
	const char *hostnqn;
	uint32_t dw0;
};

/* The name of a status ("Invalid Namespace or Format"), or NULL when not
 * known. fabrics: the command was a Fabrics command (Connect), where the
 * command-specific codes 0x80.. have their NVMe-oF meaning. */
const char *fcnvme_nvme_status_name(uint16_t status, int fabrics);

/* One line for a failed command into buf: "Invalid Namespace or Format
 * (0x400b)"; unknown codes as "Status Code Type 2, Status Code 0x99
 * (0x0299)". With conn (a Connect), the response makes it precise:
 * "Connect Invalid Host: host H is not allowed on S (0x4184)",
 * "Connect Invalid Parameters (offset 256: subsysnqn in the Connect data)
 * (0x4182)". Returns what snprintf returns. */
int fcnvme_nvme_status_str(uint16_t status, const struct fcnvme_connect_info *conn, char *buf,
			   size_t len);

#endif /* FCNVME_NVME_STATUS_H */
