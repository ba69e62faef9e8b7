// SPDX-License-Identifier: Apache-2.0
/*
 * Plain-data helpers of struct conf: creation with defaults, deep copy and
 * free, lookups by name or id, and sizes with binary suffixes; a
 * referral's copy, release and comparison; whether a namespace's backing
 * file is missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fcnvmectl/ctl.h>

#include "conf.h"

/* An empty configuration with the daemon defaults. */
struct conf *conf_new(void)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->log_level = FCNVME_LOG_INFO;
	return c;
}

/* Free a list of strings (hosts of a subsystem, namespace or referral) and
 * leave it empty. */
static void strv_release(char ***v, unsigned int *n)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void subsys_free(struct conf_subsys *s)
{
	unsigned int i;

	strv_release(&s->hosts, &s->nr_hosts);
	free(s->wwpns);
	free(s->ports);
	for (i = 0; i < s->nr_ns; i++)
		conf_ns_release(&s->ns[i]);
	free(s->ns);
}

/* Free a configuration and everything it owns. */
void conf_free(struct conf *c)
{
	unsigned int i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nr_ports; i++)
		free(c->ports[i].shm_dir);
	free(c->ports);
	for (i = 0; i < c->nr_ana; i++)
		free(c->ana[i].ports);
	free(c->ana);
	for (i = 0; i < c->nr_subsys; i++)
		subsys_free(&c->subsys[i]);
	free(c->subsys);
	for (i = 0; i < c->nr_referrals; i++)
		conf_referral_release(&c->referrals[i]);
	free(c->referrals);
	free(c);
}

static void *dup_array(const void *src, size_t n, size_t sz)
{
	void *p;

	if (n == 0 || src == NULL)
		return NULL;
	p = malloc(n * sz);
	if (p != NULL)
		memcpy(p, src, n * sz);
	return p;
}

static char *dup_str(const char *s, int *fail)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*fail = 1;
	return d;
}

/* Copy the n strings of src into *dst (*dst NULL when n is 0); *nout
 * counts the ones made, so strv_release frees a partial copy. */
static int strv_dup(char ***dst, unsigned int *nout, char *const *src, unsigned int n)
{
	unsigned int i;
	int fail = 0;

	*dst = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	*dst = calloc(n, sizeof(**dst));
	if (*dst == NULL)
		return -ENOMEM;
	for (i = 0; !fail && i < n; i++, (*nout)++)
		(*dst)[i] = dup_str(src[i], &fail);
	return fail ? -ENOMEM : 0;
}

static int subsys_dup(struct conf_subsys *d, const struct conf_subsys *s)
{
	unsigned int i;
	int fail = 0;

	*d = *s;
	d->hosts = NULL;
	d->wwpns = NULL;
	d->ports = NULL;
	d->ns = NULL;
	d->nr_hosts = d->nr_wwpns = d->nr_ports = d->nr_ns = 0;
	if (strv_dup(&d->hosts, &d->nr_hosts, s->hosts, s->nr_hosts))
		return -ENOMEM;
	if (s->nr_wwpns) {
		d->wwpns = dup_array(s->wwpns, s->nr_wwpns, sizeof(*s->wwpns));
		if (d->wwpns == NULL)
			return -ENOMEM;
		d->nr_wwpns = s->nr_wwpns;
	}
	if (s->nr_ports) {
		d->ports = dup_array(s->ports, s->nr_ports, sizeof(*s->ports));
		if (d->ports == NULL)
			return -ENOMEM;
		d->nr_ports = s->nr_ports;
	}
	if (s->nr_ns) {
		d->ns = dup_array(s->ns, s->nr_ns, sizeof(*s->ns));
		if (d->ns == NULL)
			return -ENOMEM;
		for (i = 0; i < s->nr_ns; i++) {
			d->ns[i].path = NULL;
			d->ns[i].hosts = NULL;
			d->ns[i].nr_hosts = 0;
		}
		d->nr_ns = s->nr_ns;
		for (i = 0; i < s->nr_ns; i++)
			if (conf_ns_dup(&d->ns[i], &s->ns[i]))
				fail = 1;
	}
	return fail ? -ENOMEM : 0;
}

/* A deep copy of c, or NULL when out of memory. */
struct conf *conf_dup(const struct conf *c)
{
	struct conf *d = conf_new();
	unsigned int i;
	int fail = 0;

	if (d == NULL)
		return NULL;
	d->log_level = c->log_level;
	memcpy(d->socket_group, c->socket_group, sizeof(d->socket_group));
	memcpy(d->auth_keys_file, c->auth_keys_file, sizeof(d->auth_keys_file));
	memcpy(d->dhchap_hashes, c->dhchap_hashes, sizeof(d->dhchap_hashes));
	memcpy(d->dhchap_dhgroups, c->dhchap_dhgroups, sizeof(d->dhchap_dhgroups));
	d->backing_wait_ms = c->backing_wait_ms;
	d->backing_missing = c->backing_missing;
	memcpy(d->discovery_nqn, c->discovery_nqn, sizeof(d->discovery_nqn));
	if (c->nr_ports) {
		d->ports = dup_array(c->ports, c->nr_ports, sizeof(*c->ports));
		if (d->ports == NULL)
			goto out_free_conf;
		for (i = 0; i < c->nr_ports; i++)
			d->ports[i].shm_dir = NULL;
		d->nr_ports = c->nr_ports;
		for (i = 0; i < c->nr_ports; i++)
			d->ports[i].shm_dir = dup_str(c->ports[i].shm_dir, &fail);
	}
	if (c->nr_ana) {
		d->ana = calloc(c->nr_ana, sizeof(*d->ana));
		if (d->ana == NULL)
			goto out_free_conf;
		for (i = 0; i < c->nr_ana; i++, d->nr_ana++) {
			d->ana[i] = c->ana[i];
			d->ana[i].ports = dup_array(c->ana[i].ports, c->ana[i].nr_ports,
						    sizeof(*c->ana[i].ports));
			if (c->ana[i].nr_ports && d->ana[i].ports == NULL) {
				d->ana[i].nr_ports = 0;
				fail = 1;
			}
		}
	}
	if (c->nr_subsys) {
		d->subsys = calloc(c->nr_subsys, sizeof(*d->subsys));
		if (d->subsys == NULL)
			goto out_free_conf;
		for (i = 0; i < c->nr_subsys; i++, d->nr_subsys++)
			if (subsys_dup(&d->subsys[i], &c->subsys[i]))
				fail = 1;
	}
	if (c->nr_referrals) {
		d->referrals = calloc(c->nr_referrals, sizeof(*d->referrals));
		if (d->referrals == NULL)
			goto out_free_conf;
		for (i = 0; i < c->nr_referrals; i++, d->nr_referrals++)
			if (conf_referral_dup(&d->referrals[i], &c->referrals[i]))
				fail = 1;
	}
	if (fail)
		goto out_free_conf;
	return d;

out_free_conf:
	conf_free(d);
	return NULL;
}

/* The port called name. */
bool conf_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

struct conf_port *conf_port_find(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nr_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return &c->ports[i];
	return NULL;
}

/* The subsystem with this NQN. */
struct conf_subsys *conf_subsys_find(const struct conf *c, const char *nqn)
{
	unsigned int i;

	for (i = 0; i < c->nr_subsys; i++)
		if (strcmp(c->subsys[i].nqn, nqn) == 0)
			return &c->subsys[i];
	return NULL;
}

/* The namespace nsid of s. */
struct conf_ns *conf_ns_find(const struct conf_subsys *s, uint32_t nsid)
{
	unsigned int i;

	for (i = 0; i < s->nr_ns; i++)
		if (s->ns[i].nsid == nsid)
			return &s->ns[i];
	return NULL;
}

/* The ANA group grpid. */
struct conf_ana *conf_ana_find(const struct conf *c, uint32_t grpid)
{
	unsigned int i;

	for (i = 0; i < c->nr_ana; i++)
		if (c->ana[i].grpid == grpid)
			return &c->ana[i];
	return NULL;
}

/* The state group a is in on port per its config: the port's own state,
 * else the group's. */
uint8_t conf_ana_state_on(const struct conf_ana *a, const char *port)
{
	unsigned int i;

	for (i = 0; i < a->nr_ports; i++)
		if (strcmp(a->ports[i].port, port) == 0)
			return a->ports[i].state;
	return a->state;
}

void conf_ns_release(struct conf_ns *ns)
{
	free(ns->path);
	ns->path = NULL;
	strv_release(&ns->hosts, &ns->nr_hosts);
}

int conf_ns_dup(struct conf_ns *dst, const struct conf_ns *src)
{
	int fail = 0;

	dst->path = dup_str(src->path, &fail);
	dst->hosts = NULL;
	dst->nr_hosts = 0;
	if (!fail && strv_dup(&dst->hosts, &dst->nr_hosts, src->hosts, src->nr_hosts))
		fail = 1;
	if (!fail)
		return 0;
	conf_ns_release(dst);
	return -ENOMEM;
}

bool conf_ns_missing(const struct conf_ns *ns)
{
	struct stat st;

	return ns->backend == TGT_BACKEND_FILE && ns->path && !ns->create && stat(ns->path, &st) &&
	       errno == ENOENT;
}

unsigned int conf_ns_list(const struct conf *c, bool (*pick)(const struct conf_ns *), char *buf,
			  size_t len)
{
	unsigned int i, k, n = 0;
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < c->nr_subsys; i++) {
		for (k = 0; k < c->subsys[i].nr_ns; k++) {
			const struct conf_ns *ns = &c->subsys[i].ns[k];

			if (!pick(ns))
				continue;
			if (used < len)
				used += (size_t)snprintf(buf + used, len - used,
							 "%s%s (%s namespace %u)", n ? ", " : "",
							 ns->path ? ns->path : "-",
							 c->subsys[i].nqn, ns->nsid);
			n++;
		}
	}
	return n;
}

bool conf_ns_has_host(const struct conf_ns *ns, const char *host)
{
	unsigned int i;

	for (i = 0; i < ns->nr_hosts; i++)
		if (ns->hosts[i] != NULL && strcmp(ns->hosts[i], host) == 0)
			return true;
	return false;
}

/* The referral called name. */
struct conf_referral *conf_referral_find(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nr_referrals; i++)
		if (strcmp(c->referrals[i].name, name) == 0)
			return &c->referrals[i];
	return NULL;
}

void conf_referral_release(struct conf_referral *r)
{
	strv_release(&r->hosts, &r->nr_hosts);
	free(r->ports);
	r->ports = NULL;
	r->nr_ports = 0;
}

int conf_referral_dup(struct conf_referral *dst, const struct conf_referral *src)
{
	*dst = *src;
	dst->hosts = NULL;
	dst->nr_hosts = 0;
	dst->ports = dup_array(src->ports, src->nr_ports, sizeof(*src->ports));
	if (src->nr_ports && dst->ports == NULL) {
		dst->nr_ports = 0;
		return -ENOMEM;
	}
	if (!strv_dup(&dst->hosts, &dst->nr_hosts, src->hosts, src->nr_hosts))
		return 0;
	conf_referral_release(dst);
	return -ENOMEM;
}

/* Same sets of names, in any order. */
static bool same_set(const char *const *a, unsigned int na, const char *const *b, unsigned int nb)
{
	unsigned int i, k;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		for (k = 0; k < nb && strcmp(a[i], b[k]) != 0; k++)
			;
		if (k == nb)
			return false;
	}
	return true;
}

bool conf_referral_changed(const struct conf_referral *a, const struct conf_referral *b)
{
	const char *pa[TGT_MAX_PORTS], *pb[TGT_MAX_PORTS];
	unsigned int i;

	if (a->wwnn != b->wwnn || a->wwpn != b->wwpn || a->portid != b->portid ||
	    a->treq != b->treq || a->nr_ports != b->nr_ports || a->nr_ports > TGT_MAX_PORTS ||
	    !same_set((const char *const *)a->hosts, a->nr_hosts, (const char *const *)b->hosts,
		      b->nr_hosts))
		return true;
	for (i = 0; i < a->nr_ports; i++) {
		pa[i] = a->ports[i];
		pb[i] = b->ports[i];
	}
	return !same_set(pa, a->nr_ports, pb, b->nr_ports);
}
