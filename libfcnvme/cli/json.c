// SPDX-License-Identifier: Apache-2.0
/*
 * cli_json_fixed: a JSON number with a fixed number of decimals;
 * cli_json_error: the error object.
 */
#include <stdio.h>

#include "fcnvmecli/json.h"

json_object *cli_json_fixed(double v, int decimals)
{
	char buf[64];

	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

void cli_json_error(FILE *f, const char *msg, const char *key, int value)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(e, "message", json_object_new_string(msg));
	if (key)
		json_object_object_add(e, key, json_object_new_int(value));
	json_object_object_add(o, "error", e);
	fprintf(f, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
