// SPDX-License-Identifier: Apache-2.0
/*
 * NVMe Qualified Names and UUID strings. An NQN is accepted in the three
 * forms of NVMe Base 2.0 section 4.5: the well-known discovery NQN, the
 * UUID form "nqn.2014-08.org.nvmexpress:uuid:<uuid>", and the naming
 * authority form "nqn.yyyy-mm.<reverse domain>:<string>". A refused NQN
 * comes with one fixed sentence saying what is wrong, for operators.
 * Pure functions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/hex.h>
#include <fcnvme/nqn.h>

/* Offsets of the dashes in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
static int uuid_is_dash_pos(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

/* Parse a 36-character UUID string (any hex case, nothing after it). */
int fcnvme_uuid_parse(const char *s, uint8_t uuid[16])
{
	uint8_t u[16];
	size_t i, nib = 0;
	int d;

	if (!s || !uuid)
		return -EINVAL;
	for (i = 0; i < FCNVME_UUID_STRLEN - 1; i++) {
		if (uuid_is_dash_pos(i)) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		d = fcnvme_hex_digit(s[i]);
		if (d < 0)
			return -EINVAL;
		if (nib % 2 == 0)
			u[nib / 2] = (uint8_t)(d << 4);
		else
			u[nib / 2] |= (uint8_t)d;
		nib++;
	}
	if (s[i] != '\0')
		return -EINVAL;
	memcpy(uuid, u, sizeof(u));
	return 0;
}

/* Print a UUID as 36 lower-case characters plus NUL. */
void fcnvme_uuid_format(const uint8_t uuid[16], char buf[37])
{
	snprintf(buf, FCNVME_UUID_STRLEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8],
		 uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

static int nqn_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int nqn_is_domain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || nqn_is_digit(c) || c == '-' ||
	       c == '.';
}

static int nqn_fail(const char **why, const char *sentence)
{
	if (why)
		*why = sentence;
	return -EINVAL;
}

/* "yyyy-mm." at s, month 01..12. */
static int nqn_date_ok(const char *s)
{
	int i, month;

	for (i = 0; i < 4; i++)
		if (!nqn_is_digit(s[i]))
			return 0;
	if (s[4] != '-' || !nqn_is_digit(s[5]) || !nqn_is_digit(s[6]) || s[7] != '.')
		return 0;
	month = (s[5] - '0') * 10 + (s[6] - '0');
	return month >= 1 && month <= 12;
}

/* Validate an NQN; on failure *why names the problem in one sentence. */
int fcnvme_nqn_validate(const char *nqn, const char **why)
{
	static const char uuid_pfx[] = FCNVME_UUID_NQN_PREFIX;
	const char *dom, *colon;
	uint8_t uuid[16];
	size_t len, i;

	if (!nqn)
		return nqn_fail(why, "NQN is missing");
	len = strnlen(nqn, FCNVME_NQN_MAXLEN + 1);
	if (len == 0)
		return nqn_fail(why, "NQN is empty");
	if (len > FCNVME_NQN_MAXLEN)
		return nqn_fail(why, "NQN longer than 223 bytes");
	for (i = 0; i < len; i++)
		if ((unsigned char)nqn[i] < 0x20 || nqn[i] == 0x7f)
			return nqn_fail(why, "NQN contains a control character");
	if (strncmp(nqn, "nqn.", 4) != 0)
		return nqn_fail(why, "NQN must start with 'nqn.'");
	if (strcmp(nqn, FCNVME_DISCOVERY_NQN) == 0)
		return 0;
	if (strncmp(nqn, uuid_pfx, sizeof(uuid_pfx) - 1) == 0) {
		if (fcnvme_uuid_parse(nqn + sizeof(uuid_pfx) - 1, uuid))
			return nqn_fail(why, "NQN UUID form needs a 36-character "
					     "UUID after ':uuid:'");
		return 0;
	}
	if (!nqn_date_ok(nqn + 4))
		return nqn_fail(why, "NQN needs a date 'yyyy-mm.' after 'nqn.'");
	dom = nqn + 12;
	colon = strchr(dom, ':');
	if (!colon)
		return nqn_fail(why, "NQN needs ':' after the domain name");
	if (colon == dom)
		return nqn_fail(why, "NQN needs a reverse domain name after the date");
	for (i = 0; dom + i < colon; i++) {
		if (!nqn_is_domain_char(dom[i]))
			return nqn_fail(why, "NQN domain name may hold only letters, "
					     "digits, '-' and '.'");
		if (dom[i] == '.' && (i == 0 || dom[i - 1] == '.' || dom + i + 1 == colon))
			return nqn_fail(why, "NQN domain name has an empty label");
	}
	if (colon[1] == '\0')
		return nqn_fail(why, "NQN needs a name after ':'");
	return 0;
}
