/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unsigned numbers as operators type them on command lines: one bounded
 * parser for every tool. Pure function.
 */
#ifndef FCNVME_NUM_H
#define FCNVME_NUM_H

#include <stdint.h>

/*
 * Parse s as decimal, 0x-prefixed hex or 0-prefixed octal (as strtoull
 * with base 0), starting with a digit (no sign, no space) and with nothing
 * after it, into *out if it lies in [min, max]. 0, -EINVAL (not such a
 * number) or -ERANGE (outside [min, max], or past 64 bits); *out is left
 * untouched on error.
 */
int fcnvme_num_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif /* FCNVME_NUM_H */
