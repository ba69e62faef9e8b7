/* SPDX-License-Identifier: Apache-2.0 */
/*
 * softhbactl: administration of software FC fabrics (hw/softhba). The
 * grammar is one table (softhbactl.c) of object/verb words with their
 * argument counts and handlers; the handlers live in one file per object
 * (softhbactl_fabric.c, softhbactl_port.c, softhbactl_fault.c). Output is
 * a human table or, with -o json, one JSON document (json-c).
 */
#ifndef SOFTHBACTL_H
#define SOFTHBACTL_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include <fcnvmecli/doc.h>

#include "hw_fabric.h"

struct shc {
	const char *root;   /* --dir, else $FCNVME_SHM_DIR, else the default */
	const char *fabric; /* --fabric */
	char dir[HW_PATH_MAX];
	struct hw_fabric fab;
	bool json;
	bool fab_open;
};

struct shc_cmd;

/* One command: words[0] [words[1]], then between min and max arguments. */
struct shc_cmd {
	const char *obj;
	const char *verb; /* NULL: the object alone is the command */
	int min, max;	  /* arguments after the words; max -1 = any */
	bool fabric;	  /* needs the fabric opened */
	int (*fn)(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
	const char *usage; /* arguments, for messages and --help */
	const char *help;  /* what it does, for --help and softhbactl(8) */
	/* its positional arguments (CLI_OPT_POS) and keyword options, for
	 * --help, the page and completion; NULL-name-terminated, or NULL */
	const struct cli_opt *args;
};

extern const struct shc_cmd shc_cmds[];

/* Print "softhbactl: MSG" on stderr (with -o json the error object
 * {"error": {"message": MSG, "errno": errnum}}, as fcnvmectl) and return
 * 1, the exit status of a failed command. errnum: the positive errno that
 * fits (EINVAL for bad input, ENOENT for something that is not there). */
__attribute__((format(printf, 3, 4))) int shc_err(const struct shc *c, int errnum, const char *fmt,
						  ...);
/* Print a JSON document (pretty, as fcnvmectl and fcnvme do) and free it. */
void shc_json_print(struct json_object *o);
/* Parse a WWPN in any usual form (0x..., bare hex, 21:00:..., naa....). */
int shc_wwpn(const struct shc *c, const char *s, uint64_t *v);
/* The fabric slot of a WWPN given on the command line; 0 or prints why. */
int shc_find_port(struct shc *c, const char *s, int *slot);
/* Unsigned integer (decimal or 0x hex) in [lo, hi]. */
int shc_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v);
/* The directory holding the fabrics. */
const char *shc_root(const struct shc *c);
/* Call fn for each fabric under the root; returns how many, or -errno. */
int shc_fabric_each(const struct shc *c, void (*fn)(const char *name, void *arg), void *arg);

int shc_fabric_create(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_fabric_destroy(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_fabric_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_port_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_port_stats(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_link_down(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_link_up(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_logo(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_prlo(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_zone_set(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_zone_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_fault_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_fault_clear(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);
int shc_fault_add(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv);

#endif /* SOFTHBACTL_H */
