// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl: the configuration as JSON, in nvmetcli's save/restore spirit.
 * The daemon's one configuration form is its normalised libconfig text
 * ("config show", daemon/conf/conf_print.c); this file maps it to JSON and
 * back, one to one, without knowing the schema (documented in
 * docs/CONFIG_JSON.md):
 *   libconfig group { }       <-> JSON object (keys in order, snake_case)
 *   libconfig list ( { } )    <-> JSON array of objects
 *   libconfig array [ v, ]    <-> JSON array of strings, numbers or booleans
 *   string, integer (64-bit), float, boolean <-> the JSON scalar
 * An empty JSON array is left out (the same as an absent setting). What
 * the JSON cannot be (null, nested arrays, mixed arrays, keys that are no
 * setting names) is refused here with its path ("subsystems[0].hosts[1]");
 * everything else is checked by the daemon exactly like a reload, and
 * applied atomically (daemon/conf/conf_apply.c rolls a failed apply back).
 *   config show -o json | config export: the running configuration as JSON
 *   config import FILE.json: convert into a private temporary file and ask
 *   the daemon to reload from it (config reload FILE), then remove it.
 */
#include <errno.h>
#include <inttypes.h>
#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <fcnvme/err.h>

#include "fcnvmectl.h"

/* ---- libconfig text -> JSON ---------------------------------------------- */

static struct json_object *setting_json(const config_setting_t *s)
{
	struct json_object *o;
	int i, n;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return json_object_new_int64(config_setting_get_int64(s));
	case CONFIG_TYPE_FLOAT:
		return json_object_new_double(config_setting_get_float(s));
	case CONFIG_TYPE_STRING:
		return json_object_new_string(config_setting_get_string(s));
	case CONFIG_TYPE_BOOL:
		return json_object_new_boolean(config_setting_get_bool(s));
	case CONFIG_TYPE_GROUP:
		o = json_object_new_object();
		n = config_setting_length(s);
		for (i = 0; i < n; i++) {
			const config_setting_t *m = config_setting_get_elem(s, (unsigned int)i);

			json_object_object_add(o, config_setting_name(m), setting_json(m));
		}
		return o;
	default: /* CONFIG_TYPE_ARRAY, CONFIG_TYPE_LIST */
		o = json_object_new_array();
		n = config_setting_length(s);
		for (i = 0; i < n; i++)
			json_object_array_add(
				o, setting_json(config_setting_get_elem(s, (unsigned int)i)));
		return o;
	}
}

struct json_object *ctl_conf_json(const char *text, char *err, size_t errlen)
{
	struct json_object *o = NULL;
	config_t cfg;

	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE)
		fcnvme_err(err, errlen, -EINVAL, "the daemon's configuration text, line %d: %s",
			   config_error_line(&cfg), config_error_text(&cfg));
	else
		o = setting_json(config_root_setting(&cfg));
	config_destroy(&cfg);
	return o;
}

/* ---- JSON -> libconfig text ---------------------------------------------- */

struct emit {
	FILE *out;
	char *err;
	size_t errlen;
};

static int emit_object(struct emit *e, struct json_object *o, const char *where, int depth);

/* Where in the JSON, for messages: "a.b[2]" (cut short with "..."). */
static void path_done(char *sub, size_t len, int n)
{
	if (n < 0 || (size_t)n >= len)
		memcpy(sub + len - 4, "...", 4);
}

static void elem_path(char *sub, size_t len, const char *where, size_t i)
{
	path_done(sub, len, snprintf(sub, len, "%s[%zu]", where, i));
}

static void member_path(char *sub, size_t len, const char *where, const char *k)
{
	path_done(sub, len, snprintf(sub, len, "%s%s%s", where, where[0] ? "." : "", k));
}

static void indent(FILE *f, int depth)
{
	while (depth-- > 0)
		fputc('\t', f);
}

/* A libconfig setting name: a letter or '*', then letters, digits, '-',
 * '_' or '*'. */
static bool name_ok(const char *k)
{
	const char *c;

	if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '*'))
		return false;
	for (c = k + 1; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '*'))
			return false;
	return true;
}

static void emit_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int emit_scalar(struct emit *e, struct json_object *v, const char *where)
{
	char num[64];
	int64_t i;

	switch (json_object_get_type(v)) {
	case json_type_boolean:
		fputs(json_object_get_boolean(v) ? "true" : "false", e->out);
		return 0;
	case json_type_int:
		i = json_object_get_int64(v);
		if (i >= INT32_MIN && i <= INT32_MAX)
			fprintf(e->out, "%" PRId64, i);
		else
			fprintf(e->out, "%" PRId64 "L", i);
		return 0;
	case json_type_double:
		snprintf(num, sizeof(num), "%.17g", json_object_get_double(v));
		fprintf(e->out, "%s%s", num, strpbrk(num, ".eEn") ? "" : ".0");
		return 0;
	case json_type_string:
		emit_string(e->out, json_object_get_string(v));
		return 0;
	default:
		return fcnvme_err(e->err, e->errlen, -EINVAL, "%s: %s is not a configuration value",
				  where, json_type_to_name(json_object_get_type(v)));
	}
}

static int emit_array(struct emit *e, struct json_object *a, const char *where, int depth)
{
	size_t n = json_object_array_length(a), i;
	enum json_type t0 = json_object_get_type(json_object_array_get_idx(a, 0));
	char sub[512];
	int rc = 0;

	for (i = 0; i < n; i++) {
		enum json_type t = json_object_get_type(json_object_array_get_idx(a, i));

		elem_path(sub, sizeof(sub), where, i);
		if (t == json_type_array || t == json_type_null)
			return fcnvme_err(e->err, e->errlen, -EINVAL, "%s: %s inside an array", sub,
					  t == json_type_null ? "null" : "an array");
		if (t != t0 && !((t == json_type_int || t == json_type_double) &&
				 (t0 == json_type_int || t0 == json_type_double)))
			return fcnvme_err(e->err, e->errlen, -EINVAL,
					  "%s: an array holds objects or values of one type, not "
					  "%s and %s",
					  sub, json_type_to_name(t0), json_type_to_name(t));
	}
	fputs(t0 == json_type_object ? "(\n" : "[ ", e->out);
	for (i = 0; rc == 0 && i < n; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		elem_path(sub, sizeof(sub), where, i);
		if (t0 == json_type_object) {
			indent(e->out, depth + 1);
			fputs("{\n", e->out);
			rc = emit_object(e, v, sub, depth + 2);
			indent(e->out, depth + 1);
			fputs(i + 1 < n ? "},\n" : "}\n", e->out);
		} else {
			rc = emit_scalar(e, v, sub);
			fputs(i + 1 < n ? ", " : " ", e->out);
		}
	}
	if (t0 == json_type_object)
		indent(e->out, depth);
	fputs(t0 == json_type_object ? ")" : "]", e->out);
	return rc;
}

/* The members of object o as settings at depth. */
static int emit_object(struct emit *e, struct json_object *o, const char *where, int depth)
{
	char sub[512];
	int rc = 0;

	if (!json_object_is_type(o, json_type_object))
		return fcnvme_err(e->err, e->errlen, -EINVAL, "%s: expected an object, not %s",
				  where[0] ? where : "the top level",
				  json_type_to_name(json_object_get_type(o)));
	json_object_object_foreach(o, k, v)
	{
		if (rc)
			break;
		member_path(sub, sizeof(sub), where, k);
		if (!name_ok(k))
			return fcnvme_err(e->err, e->errlen, -EINVAL,
					  "%s: \"%s\" is not a setting name", sub, k);
		if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0)
			continue; /* the same as absent */
		indent(e->out, depth);
		fprintf(e->out, "%s = ", k);
		if (json_object_is_type(v, json_type_object)) {
			fputs("{\n", e->out);
			rc = emit_object(e, v, sub, depth + 1);
			indent(e->out, depth);
			fputs("}", e->out);
		} else if (json_object_is_type(v, json_type_array)) {
			rc = emit_array(e, v, sub, depth);
		} else {
			rc = emit_scalar(e, v, sub);
		}
		fputs(";\n", e->out);
	}
	return rc;
}

int ctl_conf_emit(struct json_object *o, const char *name, FILE *out, char *err, size_t errlen)
{
	struct emit e = { out, err, errlen };
	int rc;

	rc = emit_object(&e, o, "", 0);
	if (rc) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		return fcnvme_err(err, errlen, rc, "%s: %s", name, why);
	}
	return 0;
}

int ctl_conf_from_json(const char *path, FILE *out, char *err, size_t errlen)
{
	struct json_object *o;
	int rc;

	o = json_object_from_file(path);
	if (o == NULL) {
		const char *why = json_util_get_last_err();
		size_t n = why != NULL ? strcspn(why, "\n") : 0;

		return fcnvme_err(err, errlen, -EINVAL, "%s: not a JSON file: %.*s", path, (int)n,
				  why != NULL ? why : "");
	}
	fprintf(out, "# converted by fcnvmectl config import from %s\n", path);
	rc = ctl_conf_emit(o, path, out, err, errlen);
	json_object_put(o);
	return rc;
}
