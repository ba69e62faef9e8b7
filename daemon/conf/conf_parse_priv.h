/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parts of conf_load() (conf.c) shared between its files: one
 * section element each (conf_parse_*.c) and the checks across sections
 * (conf_check.c). Internal to daemon/conf; everything runs on the caller's
 * thread, touches only the struct conf being built and reports through
 * conf_perr() (conf_opts.c). Each returns 0 or -errno.
 */
#ifndef CONF_PARSE_PRIV_H
#define CONF_PARSE_PRIV_H

#include <stdbool.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_opts.h"

/* The list (or, with array, array) member name of g in *out, NULL if
 * absent; an error if it is of the other kind. */
int conf_member_list(struct conf_parse *p, const config_setting_t *g, const char *name, bool array,
		     const config_setting_t **out);

/* hosts = [ "HOSTNQN", ... ] (the array a, NULL if absent): valid NQNs, no
 * repeats, into a fresh *hosts of *nr (0 before); each error message starts
 * with what ("namespace: ", "" for a subsystem). */
int conf_parse_hosts(struct conf_parse *p, const config_setting_t *a, const char *what,
		     char ***hosts, unsigned int *nr);

int conf_parse_port(struct conf_parse *p, const config_setting_t *g, struct conf_port *cp);
int conf_parse_ns(struct conf_parse *p, const config_setting_t *g, struct conf_ns *ns);
int conf_parse_subsys(struct conf_parse *p, const config_setting_t *g, struct conf_subsys *s);
int conf_parse_ana(struct conf_parse *p, const config_setting_t *g, struct conf_ana *a);
int conf_parse_referral(struct conf_parse *p, const config_setting_t *g, struct conf_referral *r);

/* Cross-section checks: unique names and ids, references resolve. */
int conf_check_refs(struct conf_parse *p, struct conf *c);

#endif
