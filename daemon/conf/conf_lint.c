// SPDX-License-Identifier: Apache-2.0
/*
 * conf_lint(): what is valid but almost certainly not what the operator
 * meant, for `nvmetfcd -n`: a subsystem no host can reach (no allowed host
 * and not allow_any_host), a subsystem exported on no port, a port on a
 * soft fabric that does not exist (a port never creates its fabric; only
 * softhbactl fabric create does, see hw_dev.c), a namespace masked to a
 * host the subsystem does not allow. Warnings only: the daemon
 * starts with such a configuration.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "hw/hw_fabric.h"

static void lint_warn(FILE *out, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void lint_warn(FILE *out, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%s:%d: warning: ", path, line);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* A port's soft fabric: missing, or refused (hw_fabric_why says why). */
static unsigned int lint_port(const struct conf_port *cp, const char *path, FILE *out)
{
	const char *name = cp->dev + 5;
	char dir[HW_PATH_MAX];
	struct hw_fabric fab;
	int rc;

	if (strncmp(cp->dev, "soft:", 5) != 0)
		return 0;
	rc = hw_fabric_path(cp->shm_dir, name, dir, sizeof(dir));
	if (rc == 0)
		rc = hw_fabric_open(dir, &fab);
	if (rc == 0) {
		hw_fabric_close(&fab);
		return 0;
	}
	if (rc == -ENOENT)
		lint_warn(out, path, cp->line,
			  "port %s: fabric %s does not exist (create it with softhbactl fabric "
			  "create %s)",
			  cp->name, name, name);
	else
		lint_warn(out, path, cp->line, "port %s: fabric %s cannot be opened: %s%s%s",
			  cp->name, name, hw_fabric_why(), *hw_fabric_why() ? ": " : "",
			  strerror(-rc));
	return 1;
}

/* A namespace masked to a host its subsystem does not let connect: that
 * host never sees it (a typo, or an ACL entry removed and not the mask). */
static unsigned int lint_ns_hosts(const struct conf_subsys *s, const char *path, FILE *out)
{
	unsigned int i, k, h, n = 0;

	if (s->allow_any_host)
		return 0;
	for (i = 0; i < s->nr_ns; i++) {
		const struct conf_ns *ns = &s->ns[i];

		for (k = 0; k < ns->nr_hosts; k++) {
			for (h = 0; h < s->nr_hosts; h++)
				if (strcmp(s->hosts[h], ns->hosts[k]) == 0)
					break;
			if (h < s->nr_hosts)
				continue;
			lint_warn(out, path, ns->line,
				  "subsystem %s namespace %u: host %s is not allowed on the "
				  "subsystem, so it never sees the namespace",
				  s->nqn, ns->nsid, ns->hosts[k]);
			n++;
		}
	}
	return n;
}

/* A port both referrals are listed on, or NULL. */
static const char *referral_shared_port(const struct conf_referral *a,
					const struct conf_referral *b)
{
	unsigned int i, k;

	for (i = 0; i < a->nr_ports; i++)
		for (k = 0; k < b->nr_ports; k++)
			if (strcmp(a->ports[i], b->ports[k]) == 0)
				return a->ports[i];
	return NULL;
}

/* Referrals no host sees (every port listing it disabled) and referrals
 * that repeat another's entry (same traddr and portid) on a port. */
static unsigned int lint_referrals(const struct conf *c, const char *path, FILE *out)
{
	unsigned int i, k, n = 0;
	const char *port;

	for (i = 0; i < c->nr_referrals; i++) {
		const struct conf_referral *r = &c->referrals[i];
		bool seen = false;

		for (k = 0; k < r->nr_ports; k++) {
			const struct conf_port *cp = conf_port_find(c, r->ports[k]);

			seen |= cp != NULL && cp->enabled;
		}
		if (!seen) {
			lint_warn(
				out, path, r->line,
				"referral %s is listed only on disabled ports, so no host sees it",
				r->name);
			n++;
		}
		for (k = 0; k < i; k++) {
			const struct conf_referral *o = &c->referrals[k];

			if (o->wwnn != r->wwnn || o->wwpn != r->wwpn || o->portid != r->portid ||
			    (port = referral_shared_port(r, o)) == NULL)
				continue;
			lint_warn(
				out, path, r->line,
				"referral %s repeats referral %s (traddr %s, portid %u) on port %s",
				r->name, o->name, r->traddr, r->portid, port);
			n++;
		}
	}
	return n;
}

unsigned int conf_lint(const struct conf *c, const char *path, FILE *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nr_ports; i++)
		n += lint_port(&c->ports[i], path, out);
	for (i = 0; i < c->nr_subsys; i++) {
		const struct conf_subsys *s = &c->subsys[i];

		if (!s->allow_any_host && s->nr_hosts == 0) {
			lint_warn(out, path, s->line,
				  "subsystem %s: no host can reach it (no hosts and allow_any_host "
				  "is false)",
				  s->nqn);
			n++;
		}
		if (s->nr_ports == 0) {
			lint_warn(out, path, s->line, "subsystem %s is exported on no port",
				  s->nqn);
			n++;
		}
		n += lint_ns_hosts(s, path, out);
	}
	return n + lint_referrals(c, path, out);
}
