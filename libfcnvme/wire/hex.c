// SPDX-License-Identifier: Apache-2.0
/*
 * Hex digits and hex byte strings. Only the 22 characters 0-9, a-f and A-F
 * count as digits: no sign, no space, no "0x" (callers that allow a prefix
 * skip it first). Pure functions.
 */
#include <errno.h>

#include <fcnvme/hex.h>

/* The value of one hex digit, or -1. */
int fcnvme_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Two digits a byte, whole bytes only. */
int fcnvme_hex_format(const uint8_t *v, size_t n, char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (!len)
		return -ENOSPC;
	for (i = 0; i < n && 2 * i + 2 < len; i++) {
		buf[2 * i] = digits[v[i] >> 4];
		buf[2 * i + 1] = digits[v[i] & 15];
	}
	buf[2 * i] = '\0';
	return i == n ? 0 : -ENOSPC;
}

/* Exactly 2 * n digits, then the end of the string. */
int fcnvme_hex_parse(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	if (!s || (!out && n))
		return -EINVAL;
	for (i = 0; i < 2 * n; i++)
		if (fcnvme_hex_digit(s[i]) < 0)
			return -EINVAL;
	if (s[2 * n] != '\0')
		return -EINVAL;
	for (i = 0; i < n; i++)
		out[i] =
			(uint8_t)(fcnvme_hex_digit(s[2 * i]) << 4 | fcnvme_hex_digit(s[2 * i + 1]));
	return 0;
}
