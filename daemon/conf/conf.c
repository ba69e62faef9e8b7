

// SPDX-License-Identifier: Apache-2.0
/*
 * conf_load(): read a libconfig file into a fresh struct conf and validate
 * all of it (types, ranges, names, NQNs, WWNs, references between sections,
 * duplicates), reporting the first problem as "FILE:LINE: reason". The
 * text is read and checked by conf_text.c (whole, text only, includes
 * expanded) and conf_syntax.c before libconfig parses it from memory. Scalar
 * settings come from the options tables in conf_opts.c; unknown settings are
 * errors, so a typo never goes unnoticed. No side effects.
 *
 * This file holds the loaders and the walk over the sections; each section's
 * elements are parsed by conf_parse_{port,ns,subsys,ana,referral}.c and the
 * checks across sections are conf_check.c's (all declared in
 * conf_parse_priv.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include <fcnvme/suggest.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"
#include "conf_text.h"

/* The list or array member name of g (NULL if absent); checks its kind. */
int conf_member_list(struct conf_parse *p, const config_setting_t *g, const char *name, bool array,
		     const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	*out = s;
	if (s == NULL)
		return 0;
	if (array ? !config_setting_is_array(s) : !config_setting_is_list(s))
		return conf_perr(p, s, -EINVAL, "%s must be %s", name,
				 array ? "an array [ ... ]" : "a list ( { ... } )");
	return 0;
}
/* Parse a list member of root into an array of elements of size sz. */
static int parse_section(struct conf_parse *p, const config_setting_t *root, const char *name,
			 size_t sz, void **arr, unsigned int *nr,
			 int (*fn)(struct conf_parse *, const config_setting_t *, void *))
{
	const config_setting_t *l;
	int err, n, i, first = 0;

	err = conf_member_list(p, root, name, false, &l);
	if (err || l == NULL || (n = config_setting_length(l)) == 0)
		return err;
	*arr = calloc((size_t)n, sz);
	if (*arr == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		*nr = (unsigned int)i + 1;
		err = fn(p, config_setting_get_elem(l, (unsigned)i), (char *)*arr + (size_t)i * sz);
		if (err == -ENOMEM || (err && !conf_keep_going(p)))
			return err;
		if (err && !first)
			first = err;
	}
	return first;
}

static int port_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return conf_parse_port(p, g, e);
}

static int subsys_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return conf_parse_subsys(p, g, e);
}

static int ana_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return conf_parse_ana(p, g, e);
}

static int referral_fn(struct conf_parse *p, const config_setting_t *g, void *e)
{
	return conf_parse_referral(p, g, e);
}

static int parse_root(struct conf_parse *p, config_t *cfg, struct conf *c)
{
	static const char *const top[] = { "daemon",  "ports",	   "ana_groups", "subsystems",
					   "cluster", "referrals", NULL };
	const config_setting_t *root = config_root_setting(cfg);
	const config_setting_t *dm;
	int err, i, n, first = 0;

/* Stop at the first error, or (conf_load_all) remember it and go on with
 * the next part; out of memory always stops. */
#define ROOT_ERR(e)                                               \
	do {                                                      \
		int e_ = (e);                                     \
		if (e_ == -ENOMEM || (e_ && !conf_keep_going(p))) \
			return e_;                                \
		if (e_ && !first)                                 \
			first = e_;                               \
	} while (0)

	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);

		const char *near;

		if (conf_enum_lookup(top, config_setting_name(s)) >= 0)
			continue;
		near = fcnvme_suggest(config_setting_name(s), top, 5);
		if (near)
			ROOT_ERR(conf_perr(p, s, -EINVAL, "unknown section %s (did you mean %s?)",
					   config_setting_name(s), near));
		else
			ROOT_ERR(
				conf_perr(p, s, -EINVAL,
					  "unknown section %s (expected daemon, ports, ana_groups, "
					  "subsystems, cluster, referrals)",
					  config_setting_name(s)));
	}
	dm = config_setting_get_member(root, "daemon");
	if (dm != NULL)
		ROOT_ERR(conf_opts_parse(p, dm, conf_daemon_opts, NULL, c, "daemon"));
	dm = config_setting_get_member(root, "cluster");
	if (dm != NULL) {
		err = conf_opts_parse(p, dm, conf_cluster_opts, NULL, &c->cluster, "cluster");
		if (!err && c->cluster.dead_ms < 2 * c->cluster.heartbeat_ms)
			err = conf_perr(p, dm, -EINVAL,
					"cluster: dead_ms must be at least twice heartbeat_ms");
		ROOT_ERR(err);
		c->cluster.line = (int)config_setting_source_line(dm);
		c->has_cluster = true;
	}
	ROOT_ERR(parse_section(p, root, "ports", sizeof(struct conf_port), (void **)&c->ports,
			       &c->nr_ports, port_fn));
	ROOT_ERR(parse_section(p, root, "ana_groups", sizeof(struct conf_ana), (void **)&c->ana,
			       &c->nr_ana, ana_fn));
	ROOT_ERR(parse_section(p, root, "subsystems", sizeof(struct conf_subsys),
			       (void **)&c->subsys, &c->nr_subsys, subsys_fn));
	ROOT_ERR(parse_section(p, root, "referrals", sizeof(struct conf_referral),
			       (void **)&c->referrals, &c->nr_referrals, referral_fn));
#undef ROOT_ERR
	/* References between sections only make sense once each parsed. */
	return first ? first : conf_check_refs(p, c);
}

/* Parse and validate text already read and checked by conf_text. */
static int load(struct conf_text *t, const char *name, struct conf **out, char *err, size_t errlen,
		char *all, size_t alllen)
{
	struct conf_parse p = {
		.name = name, .text = t, .err = err, .errlen = errlen, .all = all, .alllen = alllen
	};
	struct conf *c;
	config_t cfg;
	int ret;

	ret = conf_syntax_check(t, err, errlen);
	if (ret)
		return ret;
	config_init(&cfg);
	if (config_read_string(&cfg, t->buf) != CONFIG_TRUE) {
		ret = conf_text_error(t, config_error_line(&cfg), -EINVAL, err, errlen, "%s",
				      config_error_text(&cfg));
		goto out_destroy_cfg;
	}
	c = conf_new();
	if (c == NULL) {
		ret = -ENOMEM;
		goto out_destroy_cfg;
	}
	ret = parse_root(&p, &cfg, c);
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", name);
		conf_free(c);
		goto out_destroy_cfg;
	}
	*out = c;
out_destroy_cfg:
	config_destroy(&cfg);
	return ret;
}

/* Parse and validate a configuration file. */
int conf_load(const char *path, struct conf **out, char *err, size_t errlen)
{
	struct conf_text t;
	int ret;

	ret = conf_text_read(&t, path, err, errlen);
	if (ret)
		return ret;
	ret = load(&t, path, out, err, errlen, NULL, 0);
	conf_text_free(&t);
	return ret;
}

/* Parse and validate a configuration file, reporting every error. */
int conf_load_all(const char *path, struct conf **out, char *all, size_t alllen)
{
	struct conf_text t;
	char err[512];
	int ret;

	if (alllen)
		all[0] = '\0';
	ret = conf_text_read(&t, path, err, sizeof(err));
	if (ret == 0) {
		ret = load(&t, path, out, err, sizeof(err), all, alllen);
		conf_text_free(&t);
	}
	/* Errors before the parse (reading, syntax) come one at a time. */
	if (ret && alllen && all[0] == '\0')
		snprintf(all, alllen, "%s\n", err);
	return ret;
}

/* Parse and validate configuration text. */
int conf_load_string(const char *text, const char *name, struct conf **out, char *err,
		     size_t errlen)
{
	return conf_load_buffer(text, strlen(text), name, out, err, errlen);
}

/* Parse and validate len bytes of configuration. */
int conf_load_buffer(const char *text, size_t len, const char *name, struct conf **out, char *err,
		     size_t errlen)
{
	struct conf_text t;
	int ret;

	ret = conf_text_string(&t, text, len, name, err, errlen);
	if (ret)
		return ret;
	ret = load(&t, name, out, err, errlen, NULL, 0);
	conf_text_free(&t);
	return ret;
}
