/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed byte order for wire structures.
 *
 * Every big-endian field of an FC-NVMe structure has one of the fcnvme_be*
 * types below. They are single-member structs, so assigning a host integer to
 * one, or doing arithmetic on one, does not compile: the only way in or out is
 * cpu_to_be*() and be*_to_cpu(). The names follow the Linux kernel's.
 * NVMe structures (SQE, CQE, Identify, log pages) are little-endian and use
 * plain uintN_t fields read through le*toh()/htole*().
 */
#ifndef FCNVME_BYTEORDER_H
#define FCNVME_BYTEORDER_H

#include <endian.h>
#include <stdint.h>

typedef struct fcnvme_be16 {
	uint16_t raw;
} fcnvme_be16;
typedef struct fcnvme_be32 {
	uint32_t raw;
} fcnvme_be32;
typedef struct fcnvme_be64 {
	uint64_t raw;
} fcnvme_be64;

_Static_assert(sizeof(fcnvme_be16) == 2, "be16 size");
_Static_assert(sizeof(fcnvme_be32) == 4, "be32 size");
_Static_assert(sizeof(fcnvme_be64) == 8, "be64 size");

static inline uint16_t be16_to_cpu(fcnvme_be16 v)
{
	return be16toh(v.raw);
}
static inline uint32_t be32_to_cpu(fcnvme_be32 v)
{
	return be32toh(v.raw);
}
static inline uint64_t be64_to_cpu(fcnvme_be64 v)
{
	return be64toh(v.raw);
}

static inline fcnvme_be16 cpu_to_be16(uint16_t v)
{
	fcnvme_be16 r = { htobe16(v) };
	return r;
}

static inline fcnvme_be32 cpu_to_be32(uint32_t v)
{
	fcnvme_be32 r = { htobe32(v) };
	return r;
}

static inline fcnvme_be64 cpu_to_be64(uint64_t v)
{
	fcnvme_be64 r = { htobe64(v) };
	return r;
}

#endif /* FCNVME_BYTEORDER_H */
