/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random identifiers from the kernel's generator (getrandom): bytes, and
 * version 4 UUIDs (RFC 9562) for host IDs and namespace UUIDs.
 */
#ifndef FCNVME_RANDOM_H
#define FCNVME_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with n random bytes (retrying short reads and EINTR). 0, or
 * -errno from getrandom (buf is then undefined). */
int fcnvme_random_bytes(void *buf, size_t n);
/* A random version 4, variant 1 UUID. 0, or -errno as above. */
int fcnvme_random_uuid(uint8_t uuid[16]);

#endif /* FCNVME_RANDOM_H */
