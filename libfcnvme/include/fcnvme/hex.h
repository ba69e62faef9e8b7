/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hex digits and hex byte strings ("0123abcd"), the one parser and printer
 * behind NGUIDs and EUI-64s as operators and files write them (and the digit
 * reader of WWNs and UUIDs). Pure functions.
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
/*
 * Print v[0..n-1] as 2 * n lower-case hex digits and a NUL. 0, or -ENOSPC
 * when len < 2 * n + 1: then as many whole bytes as fit are printed (and
 * the NUL, if len > 0).
 */
int fcnvme_hex_format(const uint8_t *v, size_t n, char *buf, size_t len);

#endif /* FCNVME_HEX_H */
