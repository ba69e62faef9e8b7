/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one rule for a software fabric's name (the NAME of "soft:NAME"): it
 * becomes a directory under the fabric root, so 1..64 letters, digits,
 * '-', '_' or '.', not starting with '.' (no "..", no "/"); and for a PCI
 * address (the BDF of "pci:BDF"), which becomes a directory name under
 * /sys/bus/pci/devices. Header-only so that the daemon's configuration
 * check applies the same rules as the hw code without linking it.
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

/* A PCI address as sysfs names a function: "DDDD:BB:DD.F", hex domain,
 * bus and device (device < 32), function 0-7 (PCI 3.0, 6.2.5). */
static inline bool hw_pci_bdf_ok(const char *s)
{
	static const char shape[] = "hhhh:hh:hh.f";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		char c = s[i];

		if (shape[i] == 'h' &&
		    !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
		if (shape[i] == 'f' && (c < '0' || c > '7'))
			return false;
		if (shape[i] != 'h' && shape[i] != 'f' && c != shape[i])
			return false;
	}
	/* the first device digit: 0 or 1 (32 devices per bus) */
	return s[8] == '0' || s[8] == '1';
}

#endif /* HW_NAME_H */
