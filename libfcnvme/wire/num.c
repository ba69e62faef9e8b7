// SPDX-License-Identifier: Apache-2.0
/*
 * Bounded unsigned numbers. strtoull alone would take leading spaces, a
 * '+' and a '-' (which wraps: " -1" is 2^64 - 1), so the first character
 * must be a digit.
 */
#include <errno.h>
#include <stdlib.h>

#include <fcnvme/num.h>

/* A digit first, strtoull base 0, nothing after, within [min, max]. */
int fcnvme_num_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !out || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end != '\0')
		return -EINVAL;
	if (errno != 0 || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
