/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON numbers as the programs print them (json-c's own serialisation of
 * a double has 17 significant digits: 1.0002477430025465).
 */
#ifndef FCNVMECLI_JSON_H
#define FCNVMECLI_JSON_H

#include <json-c/json.h>

/* A JSON number printed with exactly decimals digits after the point
 * (0..9; "%.*f"), its value v for readers in this process. NULL if out of
 * memory. */
json_object *cli_json_fixed(double v, int decimals);

#endif
