/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one rule for a software fabric's name (the NAME of "soft:NAME"): it
 * becomes a directory under the fabric root, so 1..64 letters, digits,
 * '-', '_' or '.', not starting with '.' (no "..", no "/"). Header-only so
 * that the daemon's configuration check applies the same rule as the
 * fabric code without linking it.
 */
#ifndef HW_NAME_H
#define HW_NAME_H

#include <stdbool.h>
#include <string.h>

#define HW_FABRIC_NAME_MAX 64

static inline bool hw_fabric_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > HW_FABRIC_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

#endif /* HW_NAME_H */
