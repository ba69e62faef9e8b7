// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl's JSON output, built with json-c: list commands print an array
 * of objects, other commands one object, "config show" the configuration
 * as objects (fcnvmectl_confjson.c), "config reload|diff"
 * {"operations": [LINE, ...]}.
 * Keys are the protocol's attribute names in snake_case (the text table's
 * headers keep the names as they are, the spelling of the keyword
 * options); WWNs and ids are strings in their usual notation, counters and
 * sizes are numbers, flags booleans.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <fcnvmectl/ctl_msg.h>

#include "fcnvmectl.h"

static struct json_object *rows; /* array of row objects */
static struct json_object *text; /* config show: accumulated text */
static char *textbuf;
static size_t textlen;

static int list_cb(const char *s, void *arg)
{
	json_object_array_add(arg, json_object_new_string(s));
	return 0;
}

static int u64_cb(uint64_t v, void *arg)
{
	json_object_array_add(arg, json_object_new_uint64(v));
	return 0;
}

static int wwn_cb(uint64_t v, void *arg)
{
	char w[24];

	snprintf(w, sizeof(w), "0x%016" PRIx64, v);
	json_object_array_add(arg, json_object_new_string(w));
	return 0;
}

static struct json_object *value(const struct fcnvme_msg *msg, unsigned int a)
{
	char buf[256];
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	uint16_t v16 = 0;
	uint8_t v8 = 0;
	struct json_object *arr;

	switch (ctl_attr_kind[a]) {
	case ARG_U16:
		fcnvme_msg_get_u16(msg, a, &v16);
		return json_object_new_int(v16);
	case ARG_U32:
		fcnvme_msg_get_u32(msg, a, &v32);
		return json_object_new_int64(v32);
	case ARG_U64:
	case ARG_SIZE:
		fcnvme_msg_get_u64(msg, a, &v64);
		return json_object_new_uint64(v64);
	case ARG_BOOL:
		fcnvme_msg_get_u8(msg, a, &v8);
		return json_object_new_boolean(v8 != 0);
	case ARG_LIST:
		arr = json_object_new_array();
		fcnvme_msg_list_foreach(msg, a, list_cb, arr);
		return arr;
	case ARG_WWN_LIST:
		arr = json_object_new_array();
		fcnvme_msg_list_foreach_u64(msg, a, wwn_cb, arr);
		return arr;
	case ARG_U64_LIST:
		arr = json_object_new_array();
		fcnvme_msg_list_foreach_u64(msg, a, u64_cb, arr);
		return arr;
	case ARG_HIST:
		return NULL; /* the percentiles and the sum say it in JSON */
	default:
		if (!ctl_format(msg, a, buf, sizeof(buf)))
			return NULL;
		return json_object_new_string(buf);
	}
}

/* The JSON key of attribute a: its protocol name in snake_case
 * ("nport-id" -> "nport_id"), the style of every program's JSON. */
static const char *json_key(unsigned int a, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", fcnvme_attr_name(a));
	for (p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
	return buf;
}

static void json_begin(const struct ctlverb *v)
{
	(void)v;
	rows = json_object_new_array();
	text = NULL;
	textbuf = NULL;
	textlen = 0;
}

static int json_row(const struct ctlverb *v, const struct fcnvme_msg *msg)
{
	unsigned int order[FCNVME_A_MAX + 1], n, k;
	struct json_object *o;
	char key[64];

	(void)v;
	if (fcnvme_msg_has(msg, FCNVME_A_TEXT)) {
		const char *s = fcnvme_msg_get_str(msg, FCNVME_A_TEXT);
		size_t slen = strlen(s);
		char *nb = realloc(textbuf, textlen + slen + 1);

		if (nb == NULL)
			return -1;
		textbuf = nb;
		memcpy(textbuf + textlen, s, slen + 1);
		textlen += slen;
		return 0;
	}
	o = json_object_new_object();
	n = ctl_attrs_in_order(msg, order);
	for (k = 0; k < n; k++) {
		struct json_object *jv = value(msg, order[k]);

		if (jv != NULL)
			json_object_object_add(o, json_key(order[k], key, sizeof(key)), jv);
	}
	json_object_array_add(rows, o);
	return 0;
}

/* The operations of a reload (one per line; "no changes" is none). */
static struct json_object *plan_json(char *lines)
{
	struct json_object *out = json_object_new_object(), *ops = json_object_new_array();
	char *line, *save = NULL;

	for (line = strtok_r(lines, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (strcmp(line, "no changes") != 0)
			json_object_array_add(ops, json_object_new_string(line));
	json_object_object_add(out, "operations", ops);
	return out;
}

static void json_end(const struct ctlverb *v)
{
	struct json_object *out;
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;

	if (textbuf != NULL && v->cmd != FCNVME_CMD_CONFIG_SHOW) {
		/* config reload/diff: {"operations": [LINE, ...]} */
		out = plan_json(textbuf);
		free(textbuf);
		textbuf = NULL;
	} else if (textbuf != NULL) {
		char err[512];

		/* config show: structured, the schema of docs/CONFIG_JSON.md */
		out = ctl_conf_json(textbuf, err, sizeof(err));
		if (out == NULL) {
			fprintf(stderr, "fcnvmectl: %s\n", err);
			out = json_object_new_object();
			json_object_object_add(out, "config", json_object_new_string(textbuf));
		}
		free(textbuf);
		textbuf = NULL;
	} else if (v->columns != NULL) {
		out = json_object_get(rows);
	} else if (json_object_array_length(rows) == 1) {
		out = json_object_get(json_object_array_get_idx(rows, 0));
	} else if (json_object_array_length(rows) == 0) {
		json_object_put(rows);
		return; /* a command without data prints nothing */
	} else {
		out = json_object_get(rows);
	}
	printf("%s\n", json_object_to_json_string_ext(out, flags));
	json_object_put(out);
	json_object_put(rows);
}

const struct ctl_output ctl_output_json = { json_begin, json_row, json_end };
