/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sizes as operators write them: "4096", "4K", "256M", "1GiB". Binary
 * multiples only (K = 1024). Pure functions.
 */
#ifndef FCNVME_SIZE_H
#define FCNVME_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Room for any formatted size: 20 digits, a suffix, NUL. */
#define FCNVME_SIZE_STRLEN 22

/*
 * Parse decimal digits, optionally followed by one of K M G T P E (any
 * case), itself optionally followed by "B" or "iB" (any case): "4096",
 * "4k", "256M", "1GiB", "1GB". Nothing before or after. 0, -EINVAL, or
 * -ERANGE if the value does not fit in 64 bits.
 */
int fcnvme_size_parse(const char *s, uint64_t *out);
/*
 * Print the shortest exact form: the largest binary suffix that divides v
 * ("4K", "1536", "2G"; 0 prints "0"). 0, or -ENOSPC if len is too short
 * (the output is then truncated; FCNVME_SIZE_STRLEN is always enough).
 */
int fcnvme_size_format(uint64_t v, char *buf, size_t len);

#endif /* FCNVME_SIZE_H */
