/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fibre Channel World Wide Names and NVMe-oF FC transport addresses: parse
 * the forms operators type and print the one canonical form. Pure functions.
 */
#ifndef FCNVME_WWN_H
#define FCNVME_WWN_H

#include <stddef.h>
#include <stdint.h>

#define FCNVME_WWN_STRLEN    19 /* "0x" + 16 hex + NUL */
#define FCNVME_TRADDR_STRLEN 44 /* "nn-0x<16>:pn-0x<16>" + NUL */

/*
 * Parse a WWN: "0x21000024ff19ab71", "21000024ff19ab71",
 * "21:00:00:24:ff:19:ab:71" or "naa.21000024ff19ab71"; hex of any case,
 * exactly 16 digits, nothing before or after. 0, or -EINVAL.
 */
int fcnvme_wwn_parse(const char *s, uint64_t *wwn);
/* Print the canonical "0x21000024ff19ab71"; 0, or -ENOSPC if len < 19. */
int fcnvme_wwn_format(uint64_t wwn, char *buf, size_t len);
/*
 * Parse an FC traddr "nn-0x<16hex>:pn-0x<16hex>" (the 0x prefixes optional,
 * independently; prefixes and hex of any case). 0, or -EINVAL.
 */
int fcnvme_traddr_parse(const char *s, uint64_t *wwnn, uint64_t *wwpn);
/* Print "nn-0x%016llx:pn-0x%016llx"; 0, or -ENOSPC if len < 44. */
int fcnvme_traddr_format(uint64_t wwnn, uint64_t wwpn, char *buf, size_t len);

#endif /* FCNVME_WWN_H */
