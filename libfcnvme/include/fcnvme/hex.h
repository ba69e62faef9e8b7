/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hex digits and hex byte strings ("0123abcd"), the one parser behind WWNs,
 * UUIDs, NGUIDs and EUI-64s as operators and files write them. Pure
 * functions.
 */
#ifndef FCNVME_HEX_H
#define FCNVME_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of the hex digit c (any case): 0..15, or -1. */
int fcnvme_hex_digit(char c);
/*
 * Parse exactly 2 * n hex digits (any case, no prefix, nothing after them)
 * into out[0..n-1], the first two digits being out[0]. 0, or -EINVAL
 * (out is left untouched).
 */
int fcnvme_hex_parse(const char *s, uint8_t *out, size_t n);

#endif /* FCNVME_HEX_H */
