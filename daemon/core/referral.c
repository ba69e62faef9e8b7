// SPDX-License-Identifier: Apache-2.0
/*
 * Referrals: discovery log entries of subtype 1 (NVME_NQN_DISC, "referral
 * to another discovery service", NVMe-oF 1.1 figure 41 / Base 2.0 Get Log
 * Page 70h) pointing at another FC port's discovery controller. Each one is
 * listed on the ports it names and, when it has hosts, only to those host
 * NQNs, with the TREQ it was given (nvmet's referral addr_treq) (Linux nvmet lists a port's referrals to every host:
 * drivers/nvme/target/discovery.c nvmet_execute_disc_get_log_page). A
 * change bumps the generation, raises the discovery-log-changed AEN on
 * the controllers whose log now differs (tgt_discovery_changed) and an
 * RSCN on the ports listing it, as nvmet's referral enable/disable does
 * (configfs.c nvmet_referral_enable, nvmet_port_disc_changed). [ctl]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/nqn.h>
#include <fcnvme/nvme_log.h>

#include "tgt_priv.h"

static bool referral_on_port(const struct referral *r, uint16_t portid)
{
	unsigned int i;

	for (i = 0; i < r->nr_ports; i++)
		if (r->ports[i] == portid)
			return true;
	return false;
}

/* Whether discovery controller c's log lists referral r. */
bool referral_lists(const struct referral *r, const struct ctrl *c)
{
	if (!c->port)
		return false;
	if (r->nr_hosts && !strv_has(r->hosts, r->nr_hosts, c->hostnqn))
		return false;
	return referral_on_port(r, c->port->portid);
}

static struct referral **referral_slot(struct tgt *t, const char *name)
{
	struct referral **pp;

	for (pp = &t->referrals; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name))
			return pp;
	return NULL;
}

/* The generation, AENs, and an RSCN on each port listing r. */
static void referral_changed(struct tgt *t, const struct referral *r)
{
	unsigned int i;

	tgt_discovery_changed(t, NULL, 0);
	for (i = 0; i < r->nr_ports; i++)
		tgt_port_rscn(t, r->ports[i]);
}

static void referral_free(struct referral *r)
{
	strv_free(&r->hosts, &r->nr_hosts);
	free(r);
}

/* Validate p against t: a name, a unique one (set: an existing one),
 * registered ports none of which is the referred port itself, a TREQ that
 * is not reserved, valid host NQNs. */
static int referral_check(struct tgt *t, const struct tgt_referral_params *p, bool set, char *err,
			  size_t errlen)
{
	const struct tgt_port *port;
	const char *why = NULL;
	unsigned int i;

	if (!p->name || !*p->name || strlen(p->name) >= sizeof(((struct referral *)0)->name)) {
		tgt_err(err, errlen, "referral name must be 1 to %zu characters",
			sizeof(((struct referral *)0)->name) - 1);
		return -EINVAL;
	}
	if (!set && referral_slot(t, p->name)) {
		tgt_err(err, errlen, "referral %s exists", p->name);
		return -EEXIST;
	}
	if (set && !referral_slot(t, p->name)) {
		tgt_err(err, errlen, "no referral %s", p->name);
		return -ENOENT;
	}
	if (!p->node_name || !p->port_name) {
		tgt_err(err, errlen, "referral %s: node and port name required", p->name);
		return -EINVAL;
	}
	if (p->treq > NVMF_TREQ_NOT_REQUIRED) {
		tgt_err(err, errlen, "referral %s: TREQ %u is reserved", p->name, p->treq);
		return -EINVAL;
	}
	if (!p->nr_ports || p->nr_ports > TGT_MAX_PORTS) {
		tgt_err(err, errlen, "referral %s: 1 to %d ports required", p->name, TGT_MAX_PORTS);
		return -EINVAL;
	}
	for (i = 0; i < p->nr_ports; i++) {
		port = tgt_port_find(t, p->ports[i]);
		if (!port) {
			tgt_err(err, errlen, "referral %s: no port %u", p->name, p->ports[i]);
			return -ENOENT;
		}
		if (port->tp->node_name == p->node_name && port->tp->port_name == p->port_name) {
			tgt_err(err, errlen, "referral %s refers to port %u itself", p->name,
				p->ports[i]);
			return -EINVAL;
		}
	}
	for (i = 0; i < p->nr_hosts; i++)
		if (!p->hosts[i] || fcnvme_nqn_validate(p->hosts[i], &why)) {
			tgt_err(err, errlen, "referral %s: invalid host NQN: %s", p->name,
				why ? why : "missing");
			return -EINVAL;
		}
	return 0;
}

/* A referral made of p (checked), not linked. */
static int referral_new(const struct tgt_referral_params *p, struct referral **out)
{
	struct referral *r;
	unsigned int i;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	strcpy(r->name, p->name);
	r->node_name = p->node_name;
	r->port_name = p->port_name;
	r->portid = p->portid;
	r->treq = p->treq;
	memcpy(r->ports, p->ports, p->nr_ports * sizeof(p->ports[0]));
	r->nr_ports = p->nr_ports;
	for (i = 0; i < p->nr_hosts; i++) {
		rc = strv_insert(&r->hosts, &r->nr_hosts, p->hosts[i]);
		if (rc < 0)
			goto out_free_r;
	}
	*out = r;
	return 0;

out_free_r:
	referral_free(r);
	return rc;
}

/* Add a referral; listed from now on (generation bumped, AENs raised). */
int tgt_referral_add(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen)
{
	struct referral *r, **pp;
	int rc;

	rc = referral_check(t, p, false, err, errlen);
	if (!rc)
		rc = referral_new(p, &r);
	if (rc)
		return rc;
	/* name order, so the log lists them in a stable order */
	for (pp = &t->referrals; *pp && strcmp((*pp)->name, r->name) < 0; pp = &(*pp)->next)
		;
	r->next = *pp;
	*pp = r;
	referral_changed(t, r);
	return 0;
}

/* Change a referral in its place: one generation step; an RSCN on each
 * port that listed it or lists it now. */
int tgt_referral_set(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen)
{
	struct referral *r, *old, **pp;
	unsigned int i;
	int rc;

	rc = referral_check(t, p, true, err, errlen);
	if (!rc)
		rc = referral_new(p, &r);
	if (rc)
		return rc;
	pp = referral_slot(t, p->name);
	old = *pp;
	r->next = old->next;
	*pp = r;
	referral_changed(t, r);
	for (i = 0; i < old->nr_ports; i++)
		if (!referral_on_port(r, old->ports[i]))
			tgt_port_rscn(t, old->ports[i]);
	referral_free(old);
	return 0;
}

/* Delete referral name. */
int tgt_referral_del(struct tgt *t, const char *name, char *err, size_t errlen)
{
	struct referral **pp = name ? referral_slot(t, name) : NULL;
	struct referral *r;

	if (!pp) {
		tgt_err(err, errlen, "no referral %s", name ? name : "(null)");
		return -ENOENT;
	}
	r = *pp;
	*pp = r->next;
	referral_changed(t, r);
	referral_free(r);
	return 0;
}

/* Free every referral (tgt_destroy). */
void referral_free_all(struct tgt *t)
{
	struct referral *r;

	while ((r = t->referrals)) {
		t->referrals = r->next;
		referral_free(r);
	}
}
