/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON as the programs print it: numbers with fixed decimals (json-c's
 * own serialisation of a double has 17 significant digits:
 * 1.0002477430025465), and the error object of every program.
 */
#ifndef FCNVMECLI_JSON_H
#define FCNVMECLI_JSON_H

#include <stdio.h>

#include <json-c/json.h>

/* A JSON number printed with exactly decimals digits after the point
 * (0..9; "%.*f"), its value v for readers in this process. NULL if out of
 * memory. */
json_object *cli_json_fixed(double v, int decimals);

/* A failure as the programs print it with -o json: one line on f,
 * {"error":{"message":MSG,KEY:VALUE}} (KEY "errno" with the positive errno
 * value, or "status" with an NVMe status; no KEY when key is NULL). */
void cli_json_error(FILE *f, const char *msg, const char *key, int value);

#endif
