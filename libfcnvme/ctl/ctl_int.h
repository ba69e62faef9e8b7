/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal view of the control protocol's attribute policy: one
 * entry per enum fcnvme_attr giving its wire type, sizes and value range.
 * Shared by the validator and the put helpers so both enforce the same
 * rules. Not installed.
 */
#ifndef FCNVME_CTL_INT_H
#define FCNVME_CTL_INT_H

#include <stddef.h>
#include <stdint.h>

#include <fcnvmectl/ctl.h>

enum fcn_ctl_type {
	FCN_CTL_NONE, /* not an attribute (UNSPEC) */
	FCN_CTL_U8,
	FCN_CTL_U16,
	FCN_CTL_U32,
	FCN_CTL_U64,
	FCN_CTL_STRING, /* NUL-terminated, len <= maxlen incl. NUL */
	FCN_CTL_BINARY, /* exactly len bytes */
	FCN_CTL_LIST,	/* nested: any number of elem attributes */
	FCN_CTL_HIST,	/* FCNVME_A_LAT_HIST's bucket list (fcnvmectl/ctl.h) */
};

struct fcn_ctl_policy {
	const char *name; /* "nqn": for messages and the CLI */
	enum fcn_ctl_type type;
	uint16_t len;  /* STRING: maxlen with NUL; BINARY: size */
	uint16_t elem; /* LIST: element attribute */
	uint64_t min;  /* integers: inclusive range */
	uint64_t max;
};

/* Check a FCN_CTL_HIST payload: whole entries, indices ascending and
 * below FCNVME_HIST_BUCKETS, counts non-zero. 0 or -EINVAL with why. */
int fcn_ctl_hist_check(const char *name, const void *p, int len, char *why, size_t whylen);

/* Indexed by enum fcnvme_attr; sized [FCNVME_A_MAX + 1]. */
extern const struct fcn_ctl_policy fcn_ctl_policy[FCNVME_A_MAX + 1];

#endif /* FCNVME_CTL_INT_H */
