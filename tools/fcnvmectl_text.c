// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl's text output: list commands print an aligned table whose
 * columns the grammar table names; other commands print "key: value" lines
 * (one block per reply message); "config show" prints the text as is.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvme/hex.h>
#include <fcnvme/hist.h>
#include <fcnvme/nqn.h>
#include <fcnvme/size.h>

#include "fcnvmectl.h"

#define MAX_COLS CTL_MAX_COLS
#define CELL_MAX 1024

static int join_cb(const char *s, void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, CELL_MAX - n, "%s%s", n ? "," : "", s);
	return 0;
}

static int join_wwn_cb(uint64_t v, void *arg)
{
	char w[24];

	snprintf(w, sizeof(w), "0x%016" PRIx64, v);
	return join_cb(w, arg);
}

static int join_u64_cb(uint64_t v, void *arg)
{
	char w[24];

	snprintf(w, sizeof(w), "%" PRIu64, v);
	return join_cb(w, arg);
}

/* Format one attribute for humans. */
bool ctl_format(const struct fcnvme_msg *msg, unsigned int attr, char *buf, size_t len)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	uint16_t v16 = 0;
	uint8_t v8 = 0;
	const uint8_t *b;
	const char *s;
	size_t n;

	if (attr > FCNVME_A_MAX || !fcnvme_msg_has(msg, attr))
		return false;
	buf[0] = '\0';
	switch (ctl_attr_kind[attr]) {
	case ARG_STR:
	case ARG_NQN:
		s = fcnvme_msg_get_str(msg, attr);
		snprintf(buf, len, "%s", s != NULL ? s : "");
		break;
	case ARG_WWN:
		fcnvme_msg_get_u64(msg, attr, &v64);
		snprintf(buf, len, "0x%016" PRIx64, v64);
		break;
	case ARG_NPORT:
		fcnvme_msg_get_u32(msg, attr, &v32);
		snprintf(buf, len, "0x%06" PRIx32, v32);
		break;
	case ARG_STATUS:
		fcnvme_msg_get_u16(msg, attr, &v16);
		snprintf(buf, len, "0x%04x", v16);
		break;
	case ARG_U16:
		fcnvme_msg_get_u16(msg, attr, &v16);
		snprintf(buf, len, "%u", v16);
		break;
	case ARG_U32:
		fcnvme_msg_get_u32(msg, attr, &v32);
		snprintf(buf, len, "%" PRIu32, v32);
		break;
	case ARG_U64:
		fcnvme_msg_get_u64(msg, attr, &v64);
		snprintf(buf, len, "%" PRIu64, v64);
		break;
	case ARG_SIZE:
		fcnvme_msg_get_u64(msg, attr, &v64);
		fcnvme_size_format(v64, buf, len);
		break;
	case ARG_BOOL:
		fcnvme_msg_get_u8(msg, attr, &v8);
		snprintf(buf, len, "%s", v8 ? "yes" : "no");
		break;
	case ARG_ANA_STATE:
		fcnvme_msg_get_u8(msg, attr, &v8);
		snprintf(buf, len, "%s", fcnvme_ana_state_name(v8));
		break;
	case ARG_LOG_LEVEL:
		fcnvme_msg_get_u8(msg, attr, &v8);
		snprintf(buf, len, "%s", fcnvme_log_level_name(v8));
		break;
	case ARG_OBJ:
		fcnvme_msg_get_u8(msg, attr, &v8);
		s = fcnvme_obj_name(v8);
		snprintf(buf, len, "%s", s != NULL ? s : "?");
		break;
	case ARG_UUID:
		b = fcnvme_msg_get_bin(msg, attr, &n);
		if (b != NULL && n == 16 && len >= FCNVME_UUID_STRLEN)
			fcnvme_uuid_format(b, buf);
		break;
	case ARG_HEX:
		b = fcnvme_msg_get_bin(msg, attr, &n);
		if (b != NULL)
			fcnvme_hex_format(b, n, buf, len);
		break;
	case ARG_LIST:
		if (len >= CELL_MAX)
			fcnvme_msg_list_foreach(msg, attr, join_cb, buf);
		if (buf[0] == '\0')
			snprintf(buf, len, "-");
		break;
	case ARG_HIST: {
		static struct fcnvme_hist h;
		unsigned int i, used = 0;

		if (fcnvme_msg_get_hist(msg, attr, &h) != 0)
			return false;
		for (i = 0; i < FCNVME_HIST_BUCKETS; i++)
			used += h.n[i] != 0;
		snprintf(buf, len, "%u buckets", used);
		break;
	}
	case ARG_WWN_LIST:
		if (len >= CELL_MAX)
			fcnvme_msg_list_foreach_u64(msg, attr, join_wwn_cb, buf);
		if (buf[0] == '\0')
			snprintf(buf, len, "-");
		break;
	case ARG_U64_LIST:
		if (len >= CELL_MAX)
			fcnvme_msg_list_foreach_u64(msg, attr, join_u64_cb, buf);
		if (buf[0] == '\0')
			snprintf(buf, len, "-");
		break;
	default:
		return false;
	}
	return true;
}

/* Attributes of msg in message order (insertion sort by address). */
unsigned int ctl_attrs_in_order(const struct fcnvme_msg *msg, unsigned int out[FCNVME_A_MAX + 1])
{
	unsigned int a, n = 0, i;

	for (a = 1; a <= FCNVME_A_MAX; a++) {
		if (msg->tb[a] == NULL)
			continue;
		for (i = n; i > 0 && (const char *)msg->tb[out[i - 1]] > (const char *)msg->tb[a];
		     i--)
			out[i] = out[i - 1];
		out[i] = a;
		n++;
	}
	return n;
}

/* Rows of the current table, kept until the end to align columns. */
static char *cells[4096][MAX_COLS];
static size_t nrows;
static unsigned int cols[MAX_COLS];
static size_t ncols;

static unsigned int attr_by_name(const char *name, size_t n)
{
	unsigned int a;

	for (a = 1; a <= FCNVME_A_MAX; a++) {
		const char *an = fcnvme_attr_name(a);

		if (an != NULL && strlen(an) == n && strncmp(an, name, n) == 0)
			return a;
	}
	return 0;
}

static void text_begin(const struct ctlverb *v)
{
	const char *p = v->columns;

	nrows = 0;
	ncols = 0;
	while (p != NULL && *p != '\0' && ncols < MAX_COLS) {
		size_t n = strcspn(p, " ");

		cols[ncols++] = attr_by_name(p, n);
		p += n;
		p += strspn(p, " ");
	}
}

static int text_row(const struct ctlverb *v, const struct fcnvme_msg *msg)
{
	unsigned int order[FCNVME_A_MAX + 1], n, k;
	char buf[CELL_MAX];
	size_t i;

	if (fcnvme_msg_has(msg, FCNVME_A_TEXT)) {
		fputs(fcnvme_msg_get_str(msg, FCNVME_A_TEXT), stdout);
		return 0;
	}
	if (v->columns == NULL) {
		if (nrows++ > 0)
			fputc('\n', stdout);
		n = ctl_attrs_in_order(msg, order);
		for (k = 0; k < n; k++)
			if (ctl_format(msg, order[k], buf, sizeof(buf)))
				printf("%-15s %s\n", fcnvme_attr_name(order[k]), buf);
		return 0;
	}
	if (nrows >= sizeof(cells) / sizeof(cells[0]))
		return 0;
	for (i = 0; i < ncols; i++) {
		if (!ctl_format(msg, cols[i], buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "-");
		cells[nrows][i] = strdup(buf);
	}
	nrows++;
	return 0;
}

static void text_end(const struct ctlverb *v)
{
	size_t w[MAX_COLS], i, r;

	if (v->columns == NULL)
		return;
	for (i = 0; i < ncols; i++) {
		const char *h = fcnvme_attr_name(cols[i]);

		w[i] = h != NULL ? strlen(h) : 1;
		for (r = 0; r < nrows; r++)
			if (cells[r][i] != NULL && strlen(cells[r][i]) > w[i])
				w[i] = strlen(cells[r][i]);
	}
	for (i = 0; i < ncols; i++)
		printf("%-*s%s", i + 1 < ncols ? (int)w[i] : 0, fcnvme_attr_name(cols[i]),
		       i + 1 < ncols ? "  " : "\n");
	for (r = 0; r < nrows; r++) {
		for (i = 0; i < ncols; i++) {
			const char *c = cells[r][i] != NULL ? cells[r][i] : "-";

			printf("%-*s%s", i + 1 < ncols ? (int)w[i] : 0, c,
			       i + 1 < ncols ? "  " : "\n");
			free(cells[r][i]);
			cells[r][i] = NULL;
		}
	}
}

const struct ctl_output ctl_output_text = { text_begin, text_row, text_end };
