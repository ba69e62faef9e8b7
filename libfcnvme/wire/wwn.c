// SPDX-License-Identifier: Apache-2.0
/*
 * World Wide Names and FC transport addresses. Parsing accepts the forms
 * operators meet in HBA tools, sysfs and nvme-cli (0x-prefixed, bare,
 * colon-separated bytes, "naa." prefixed; any hex case); formatting always
 * prints the one canonical lower-case 0x form, so names compare as strings.
 * Pure functions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <fcnvme/hex.h>
#include <fcnvme/wwn.h>

#define WWN_HEX_DIGITS 16

/*
 * Read exactly 16 hex digits from s, with a ':' between byte pairs if
 * colons is set. Returns the number of characters consumed, or -EINVAL.
 */
static int wwn_read_hex(const char *s, int colons, uint64_t *out)
{
	uint64_t v = 0;
	int i, pos = 0, d;

	for (i = 0; i < WWN_HEX_DIGITS; i++) {
		if (colons && i > 0 && i % 2 == 0) {
			if (s[pos] != ':')
				return -EINVAL;
			pos++;
		}
		d = fcnvme_hex_digit(s[pos]);
		if (d < 0)
			return -EINVAL;
		v = (v << 4) | (uint64_t)d;
		pos++;
	}
	*out = v;
	return pos;
}

/* Length of an optional "0x"/"0X" at s: 2 or 0. */
static size_t wwn_0x_len(const char *s)
{
	return (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0;
}

/* Parse a WWN in any accepted form; exactly 16 hex digits, nothing else. */
int fcnvme_wwn_parse(const char *s, uint64_t *wwn)
{
	uint64_t v;
	int colons = 0, n;

	if (!s || !wwn)
		return -EINVAL;
	if (strncasecmp(s, "naa.", 4) == 0)
		s += 4;
	else if (wwn_0x_len(s))
		s += 2;
	else if (strlen(s) == 23 && s[2] == ':')
		colons = 1;
	n = wwn_read_hex(s, colons, &v);
	if (n < 0 || s[n] != '\0')
		return -EINVAL;
	*wwn = v;
	return 0;
}

/* Print a WWN in the canonical form "0x%016llx". */
int fcnvme_wwn_format(uint64_t wwn, char *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	if (len < FCNVME_WWN_STRLEN)
		return -ENOSPC;
	snprintf(buf, len, "0x%016llx", (unsigned long long)wwn);
	return 0;
}

/* Read "<tag>[0x]<16 hex>" at s; returns characters consumed or -EINVAL. */
static int traddr_read_name(const char *s, const char *tag, uint64_t *out)
{
	size_t pos = strlen(tag);
	int n;

	if (strncasecmp(s, tag, pos) != 0)
		return -EINVAL;
	pos += wwn_0x_len(s + pos);
	n = wwn_read_hex(s + pos, 0, out);
	if (n < 0)
		return n;
	return (int)pos + n;
}

/* Parse an FC traddr "nn-0x<16hex>:pn-0x<16hex>"; the 0x prefixes are optional. */
int fcnvme_traddr_parse(const char *s, uint64_t *wwnn, uint64_t *wwpn)
{
	uint64_t nn, pn;
	int n, m;

	if (!s || !wwnn || !wwpn)
		return -EINVAL;
	n = traddr_read_name(s, "nn-", &nn);
	if (n < 0 || s[n] != ':')
		return -EINVAL;
	m = traddr_read_name(s + n + 1, "pn-", &pn);
	if (m < 0 || s[n + 1 + m] != '\0')
		return -EINVAL;
	*wwnn = nn;
	*wwpn = pn;
	return 0;
}

/* Print an FC traddr in the canonical form "nn-0x%016llx:pn-0x%016llx". */
int fcnvme_traddr_format(uint64_t wwnn, uint64_t wwpn, char *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	if (len < FCNVME_TRADDR_STRLEN)
		return -ENOSPC;
	snprintf(buf, len, "nn-0x%016llx:pn-0x%016llx", (unsigned long long)wwnn,
		 (unsigned long long)wwpn);
	return 0;
}
