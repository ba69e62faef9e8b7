// SPDX-License-Identifier: Apache-2.0
/*
 * Sizes with binary suffixes: the parser and printer behind configuration
 * files and fcnvmectl, so both accept and print the same spellings. Pure
 * functions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/size.h>

static const char size_suffix[] = "KMGTPE";

/* The shift of suffix letter c (any case): 10, 20, ... 60, or -1. */
static int size_shift(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	p = c ? strchr(size_suffix, c) : NULL;
	return p ? 10 * (int)(p - size_suffix + 1) : -1;
}

/* Digits, an optional suffix, an optional "B"/"iB" after it. */
int fcnvme_size_parse(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || !out || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -ERANGE;
	if (*end != '\0') {
		shift = size_shift(*end);
		if (shift < 0)
			return -EINVAL;
		end++;
		if ((*end == 'i' || *end == 'I') && (end[1] == 'B' || end[1] == 'b'))
			end += 2;
		else if (*end == 'B' || *end == 'b')
			end++;
		if (*end != '\0')
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Shortest exact form: the largest binary suffix that divides v. */
int fcnvme_size_format(uint64_t v, char *buf, size_t len)
{
	int i = -1, n;

	while (v != 0 && (v & 1023) == 0 && i < (int)sizeof(size_suffix) - 2) {
		v >>= 10;
		i++;
	}
	if (i < 0)
		n = snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		n = snprintf(buf, len, "%llu%c", (unsigned long long)v, size_suffix[i]);
	return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}
