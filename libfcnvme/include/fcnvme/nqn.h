/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVMe Qualified Names (NVMe Base 2.0, 4.5) and UUID strings: validation
 * with a human reason, and UUID text conversion. Pure functions.
 */
#ifndef FCNVME_NQN_H
#define FCNVME_NQN_H

#include <stdint.h>

#define FCNVME_NQN_MAXLEN      223 /* bytes, excluding the NUL */
#define FCNVME_DISCOVERY_NQN   "nqn.2014-08.org.nvmexpress.discovery"
#define FCNVME_UUID_NQN_PREFIX "nqn.2014-08.org.nvmexpress:uuid:"
#define FCNVME_UUID_STRLEN     37 /* 36 characters + NUL */

/*
 * Validate an NQN: the discovery NQN, "nqn.2014-08.org.nvmexpress:uuid:"
 * followed by a 36-character UUID, or "nqn.yyyy-mm.<reverse domain>:<any>".
 * 0, or -EINVAL with *why (if why is not NULL) set to a fixed English
 * sentence naming the problem, e.g. "NQN longer than 223 bytes".
 */
int fcnvme_nqn_validate(const char *nqn, const char **why);
/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any hex case); 0 or -EINVAL. */
int fcnvme_uuid_parse(const char *s, uint8_t uuid[16]);
/* Print a UUID in lower case, 36 characters plus NUL. */
void fcnvme_uuid_format(const uint8_t uuid[16], char buf[37]);

#endif /* FCNVME_NQN_H */
