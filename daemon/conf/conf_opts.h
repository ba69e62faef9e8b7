/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The options tables of the configuration file: every scalar setting of the
 * daemon, port, namespace, subsystem, ANA and referral sections, with its type, range,
 * default and place in the struct, and the parser that reads settings
 * through them. conf.c parses with them and conf_print.c prints from them,
 * so the two cannot disagree; nvmetfcd_doc.c prints nvmetfcd.conf(5) from
 * them. Internal to conf_*.c and the daemon's manual page generator.
 */
#ifndef CONF_OPTS_H
#define CONF_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

enum conf_opt_type {
	CONF_OPT_STR,  /* char[size], printable ASCII */
	CONF_OPT_STRP, /* char *, NULL when unset */
	CONF_OPT_NAME, /* char[size]: [A-Za-z][A-Za-z0-9_-]* */
	CONF_OPT_NQN,  /* char[size], a valid NQN */
	CONF_OPT_U16,
	CONF_OPT_U32,
	CONF_OPT_BOOL,
	CONF_OPT_WWN,	 /* uint64_t, written as a string */
	CONF_OPT_SIZE32, /* uint32_t bytes, integer or "1M" */
	CONF_OPT_SIZE64, /* uint64_t bytes */
	CONF_OPT_ENUM,	 /* int or uint8_t/bool (size) from names[] */
	CONF_OPT_UUID,	 /* uint8_t[16] + has flag */
	CONF_OPT_HEX,	 /* uint8_t[size] + has flag, hex digits */
};

struct conf_opt {
	const char *name;
	enum conf_opt_type type;
	size_t off;	/* of the value in its struct */
	size_t size;	/* STR/NAME/NQN/HEX/ENUM bytes */
	size_t has_off; /* UUID/HEX: offset of the bool */
	uint64_t min, max, def;
	const char *const *names; /* ENUM: value i is names[i] */
	unsigned int flags;
	/* One sentence for nvmetfcd.conf(5) (daemon/nvmetfcd_doc.c, which
	 * adds the range, default and "Required."); every entry has one. */
	const char *help;
};

#define CONF_OPT_REQUIRED     0x1 /* must be present */
#define CONF_OPT_OMIT_DEFAULT 0x2 /* not printed when equal to def/empty */
#define CONF_OPT_PRINT_HEX    0x4 /* U32 printed as 0x%06x */

extern const struct conf_opt conf_daemon_opts[];
extern const struct conf_opt conf_port_opts[];
extern const struct conf_opt conf_subsys_opts[];
extern const struct conf_opt conf_ns_opts[];
extern const struct conf_opt conf_ana_opts[];
extern const struct conf_opt conf_cluster_opts[];
extern const struct conf_opt conf_referral_opts[];
extern const char *const conf_backend_names[];
extern const char *const conf_ana_state_names[];
extern const char *const conf_log_names[];
extern const char *const conf_poll_names[];
extern const char *const conf_backing_missing_names[];
extern const char *const conf_treq_names[];

struct conf_text;

/* State of one parse, for error messages. */
struct conf_parse {
	const char *name;	      /* file name for messages */
	const struct conf_text *text; /* maps lines to files (NULL: name) */
	char *err;		      /* the first error */
	size_t errlen;
	/* Every error, one "FILE:LINE: reason\n" each, when the caller wants
	 * them all (conf_load_all): parsing then goes on past an error to the
	 * next setting, element and section. NULL: stop at the first. */
	char *all;
	size_t alllen, allused;
	unsigned int nr_err;
};

/* Whether parsing goes on after an error (see all above). */
static inline bool conf_keep_going(const struct conf_parse *p)
{
	return p->all != NULL;
}

int conf_perr(struct conf_parse *p, const config_setting_t *s, int error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int conf_perr_at(struct conf_parse *p, int line, int error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Where line is, for a message about line ref ("line N" or "FILE:N"). */
const char *conf_where(struct conf_parse *p, int line, int ref, char *buf, size_t len);
bool conf_name_valid(const char *s);
int conf_enum_lookup(const char *const *names, const char *s);
/*
 * Parse the members of group g: members named in table into base, members
 * named in extra[] are left to the caller, anything else is an error;
 * defaults first, required options checked last. what names g in messages.
 */
int conf_opts_parse(struct conf_parse *p, const config_setting_t *g, const struct conf_opt *table,
		    const char *const *extra, void *base, const char *what);

#endif /* CONF_OPTS_H */
