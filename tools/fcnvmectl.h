/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fcnvmectl internals: the object-verb grammar as a table (exact words, one
 * entry per protocol command), the argument kinds it converts, and the
 * output vtable with text and JSON instances.
 */
#ifndef FCNVMECTL_H
#define FCNVMECTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <fcnvmectl/ctl.h>

struct nl_msg;
struct fcnvme_msg;
struct fcnvme_client;

/* How a command-line word becomes an attribute (and how one is printed). */
enum ctlarg_kind {
	ARG_STR, /* string as is */
	ARG_NQN, /* string, validated as an NQN */
	ARG_WWN, /* u64 from any WWN form; printed 0x... */
	ARG_U16,
	ARG_U32,
	ARG_U64,
	ARG_SIZE,      /* u64 from "256M" etc. */
	ARG_BOOL,      /* u8 from yes|no|on|off|true|false */
	ARG_ANA_STATE, /* u8 from an ANA state name */
	ARG_LOG_LEVEL, /* u8 from warn|info|debug */
	ARG_OBJ,       /* u8 stats row kind: port|subsystem|namespace|host */
	ARG_UUID,      /* 16 bytes from a UUID string */
	ARG_HEX,       /* bytes from hex digits (NGUID 16, EUI-64 8) */
	ARG_LIST,      /* list of strings; as a keyword option, repeatable, each
			* value one element (port P port Q) */
	ARG_WWN_LIST,  /* list of u64 WWNs (output only) */
	ARG_NPORT,     /* u32 N_Port_ID, printed 0x%06x */
	ARG_U64_LIST,  /* list of u64 counters (output only) */
	ARG_STATUS,    /* u16 NVMe status, printed 0x%04x (output only) */
	ARG_HIST,      /* latency histogram (output only): text "N buckets", not
			* in JSON; -o openmetrics and stats -i use it */
	ARG_TRADDR,    /* string from an FC address nn-0xWWNN:pn-0xWWPN (0x
			* optional), sent normalised */
	ARG_NONE,
};

/* One positional argument or keyword option of a verb. */
struct ctlarg {
	const char *name;  /* keyword, or placeholder in usage */
	unsigned int attr; /* enum fcnvme_attr */
	enum ctlarg_kind kind;
	bool optional;	  /* positional: may be omitted */
	const char *help; /* one sentence for --help, fcnvmectl(8) */
};

#define CTL_MAX_POS 4

/* One grammar entry: "OBJECT [VERB] POS... [KEYWORD VALUE]...". */
/* The columns a text table holds at most (fcnvmectl_text.c). */
#define CTL_MAX_COLS 24

struct ctlverb {
	const char *object;
	const char *verb; /* NULL: the object alone */
	unsigned int cmd; /* enum fcnvme_cmd */
	struct ctlarg pos[CTL_MAX_POS];
	const struct ctlarg *opts; /* NULL-name terminated */
	const char *columns;	   /* text table: attr names, or NULL = key: value */
	const char *help;	   /* what the command does, for --help, fcnvmectl(8) */
};

extern const struct ctlverb ctl_verbs[];
extern const size_t ctl_nverbs;
/* Output kind of every attribute, [FCNVME_A_MAX + 1]. */
extern const enum ctlarg_kind ctl_attr_kind[FCNVME_A_MAX + 1];

/*
 * Match argv against the grammar and build the request into m (created
 * here with seq). 0, or -EINVAL with a message in err. *verb is set to the
 * matched entry, also when only its arguments were wrong (NULL when the
 * words matched no entry).
 */
int ctl_parse(int argc, char **argv, uint32_t seq, const struct ctlverb **verb, struct nl_msg **m,
	      char *err, size_t errlen);
/* What fcnvmectl_config.c did to a "config ..." command line. */
struct ctl_config_cli {
	char abs[4096];	    /* config diff|reload FILE made absolute */
	char tmp[4096];	    /* config import: the converted file, or "" */
	const char *import; /* config import: the JSON file */
	bool json;	    /* config export: print JSON */
	/* config from-nvmetcli: its arguments from FILE on (fcnvmectl
	 * converts alone, nothing is sent), or NULL */
	char **nvmetcli;
	int nvmetcli_argc;
};
/* Rewrite "config reload --dry-run", "config diff|reload FILE", "config
 * export" and "config import FILE.json" into grammar words (see
 * fcnvmectl_config.c). 0, or -EINVAL with a message in err. */
int ctl_config_args(int *argc, char **argv, struct ctl_config_cli *cc, char *err, size_t errlen);
/* After the request: remove an import's temporary file and name the JSON
 * file in the daemon's message err instead. */
void ctl_config_done(struct ctl_config_cli *cc, char *err, size_t errlen);
/* The daemon's libconfig text as JSON (NULL with a message in err). */
struct json_object;
struct json_object *ctl_conf_json(const char *text, char *err, size_t errlen);
/* Write the JSON configuration file path as libconfig text to out. */
int ctl_conf_from_json(const char *path, FILE *out, char *err, size_t errlen);
/* config from-nvmetcli FILE [dev WWPN=DEV]... [keys-file PATH]: Linux
 * nvmet's saved configuration printed as nvmetfcd's, libconfig text or
 * (json) JSON; argv from FILE on. 0, or -errno with err said. */
int ctl_nvmetcli_run(int argc, char **argv, bool json, char *err, size_t errlen);
/* The same, printing to out and its notes to notes (the tests'). */
int ctl_nvmetcli_run_to(int argc, char **argv, bool json, FILE *out, FILE *notes, char *err,
			size_t errlen);
/* Write the JSON configuration o as libconfig text to out (name: where it
 * came from, for messages). */
int ctl_conf_emit(struct json_object *o, const char *name, FILE *out, char *err, size_t errlen);
/* The grammar entry the first words of argv name: how many words it took
 * (1 or 2), or -EINVAL with a message in err. */
int ctl_match(int argc, char **argv, const struct ctlverb **out, char *err, size_t errlen);

/* fcnvmectl's description for libfcnvme/cli (fcnvmectl_doc.c): the
 * program with its global options glob, and one command per grammar entry
 * (ctl_verbs[i] is command i). NULL if the grammar does not fit the
 * tables' fixed sizes (a test catches that). */
struct cli_prog;
struct cli_opt;
const struct cli_prog *ctl_prog(const struct cli_opt *glob);

/* The output vtable. */
struct ctl_output {
	void (*begin)(const struct ctlverb *v);
	int (*row)(const struct ctlverb *v, const struct fcnvme_msg *msg);
	void (*end)(const struct ctlverb *v);
};

/* Format attribute attr of msg for text output; false if absent. */
bool ctl_format(const struct fcnvme_msg *msg, unsigned int attr, char *buf, size_t len);

/*
 * The attributes present in msg, in the order the daemon put them
 * (attribute pointers point into one buffer, so address order is message
 * order); returns how many were stored in out.
 */
unsigned int ctl_attrs_in_order(const struct fcnvme_msg *msg, unsigned int out[FCNVME_A_MAX + 1]);

extern const struct ctl_output ctl_output_text;
extern const struct ctl_output ctl_output_json;
extern const struct ctl_output ctl_output_openmetrics; /* stats only */
/* For -o openmetrics, after the stats rows: ask c for status, cluster
 * status and cluster groups, printed by the output's end as the
 * nvmetfcd_daemon_* and nvmetfcd_cluster_* families. 0 (the cluster's are
 * not printed when the daemon is in no cluster), or the request's -errno
 * with err said. */
int ctl_openmetrics_node(struct fcnvme_client *c, char *err, size_t errlen);

#endif /* FCNVMECTL_H */
