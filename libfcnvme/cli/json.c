// SPDX-License-Identifier: Apache-2.0
/*
 * cli_json_fixed: a JSON number with a fixed number of decimals.
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
