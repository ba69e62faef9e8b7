// SPDX-License-Identifier: Apache-2.0
/*
 * Ports the daemon registered with the core: their NVMe-oF port id, the FC
 * target port (WWNN/WWPN for discovery), the env reaching their I/O threads,
 * and their ANA states. [ctl] only, except the env helpers' callees.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

/* The port with this id, or NULL. */
struct tgt_port *tgt_port_find(struct tgt *t, uint16_t portid)
{
	unsigned int i;

	for (i = 0; i < TGT_MAX_PORTS; i++)
		if (t->ports[i] && t->ports[i]->portid == portid)
			return t->ports[i];
	return NULL;
}

/* The port registered for an FC target port, or NULL. */
struct tgt_port *tgt_port_by_tp(struct tgt *t, const struct nvmet_fc_target_port *tp)
{
	unsigned int i;

	for (i = 0; i < TGT_MAX_PORTS; i++)
		if (t->ports[i] && t->ports[i]->tp == tp)
			return t->ports[i];
	return NULL;
}

/* Run fn(arg) on hw queue hwq of port p (the tgt env if p is NULL). */
int tgt_port_run_on_hwq(struct tgt_port *p, struct tgt *t, uint16_t hwq, void (*fn)(void *),
			void *arg)
{
	if (p && p->env)
		return p->env->run_on_hwq(p->env_arg, hwq, fn, arg);
	return t->env->run_on_hwq(t->env_arg, hwq, fn, arg);
}

/* Run fn(arg) on the control thread. */
int tgt_run_on_ctl(struct tgt *t, struct tgt_port *p, void (*fn)(void *), void *arg)
{
	if (p && p->env)
		return p->env->run_on_ctl(p->env_arg, fn, arg);
	return t->env->run_on_ctl(t->env_arg, fn, arg);
}

/* Queues of p's FC target port created before the port was known now
 * find it. */
static void tgt_port_adopt(struct tgt *t, struct tgt_port *p)
{
	struct sq *sq;

	for (sq = t->sq_list; sq; sq = sq->assoc_next) {
		if (!sq->port && sq->tp == p->tp) {
			sq->port = p;
			p->refs++;
		}
	}
}

/* Delete every controller (admin and discovery) that came in on p. */
static void tgt_port_ctrls_delete(struct tgt *t, const struct tgt_port *p, const char *why)
{
	struct subsys *s;
	struct ctrl *c, *cn;

	for (s = t->subsys_list;; s = s->next) {
		struct subsys *cur = s ? s : t->disc;

		for (c = cur->ctrls; c; c = cn) {
			cn = c->next;
			if (c->port == p)
				ctrl_delete(c, why);
		}
		if (!s)
			break;
	}
}

/* Register a port. */
int tgt_port_add(struct tgt *t, uint16_t portid, struct nvmet_fc_target_port *tp, const char *name)
{
	struct tgt_port *p;
	unsigned int i, slot = TGT_MAX_PORTS;

	if (!portid || portid == 0xffff || !tp)
		return -EINVAL;
	p = tgt_port_find(t, portid);
	if (p)
		return p->tp == tp ? 0 : -EEXIST;
	if (tgt_port_by_tp(t, tp))
		return -EEXIST;
	for (i = 0; i < TGT_MAX_PORTS; i++) {
		if (!t->ports[i]) {
			slot = i;
			break;
		}
	}
	if (slot == TGT_MAX_PORTS)
		return -ENOSPC;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->portid = portid;
	p->tp = tp;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
	ana_port_init(t, p);
	t->ports[slot] = p;
	tgt_port_adopt(t, p);
	return 0;
}

/* Record the env a port was bound with. */
int tgt_port_set_env(struct tgt *t, uint16_t portid, const struct nvmet_fc_env_ops *env,
		     void *env_arg)
{
	struct tgt_port *p = tgt_port_find(t, portid);

	if (!p)
		return -ENOENT;
	p->env = env;
	p->env_arg = env_arg;
	return 0;
}

/* Drop a queue's reference; a deleted port goes with its last queue. */
void tgt_port_put(struct tgt_port *p)
{
	if (!--p->refs && p->deleted)
		free(p);
}

/* Forget a port: tear down its controllers and drop exports of it. Queues
 * still on it keep the port (and its env) until they are destroyed. */
int tgt_port_del(struct tgt *t, uint16_t portid)
{
	struct tgt_port *p = tgt_port_find(t, portid);
	struct subsys *s;
	unsigned int i, j;

	if (!p)
		return 0;
	for (i = 0; i < TGT_MAX_PORTS; i++) {
		if (t->ports[i] == p) {
			t->ports[i] = NULL;
			break;
		}
	}
	for (s = t->subsys_list; s; s = s->next) {
		for (i = 0; i < s->nr_ports; i++) {
			if (s->portids[i] != portid)
				continue;
			for (j = i + 1; j < s->nr_ports; j++)
				s->portids[j - 1] = s->portids[j];
			s->nr_ports--;
			break;
		}
	}
	tgt_port_ctrls_delete(t, p, "port removed");
	p->deleted = true;
	if (!p->refs)
		free(p);
	return 0;
}

/* Move a port to another FC target port; see tgt.h. */
int tgt_port_retarget(struct tgt *t, uint16_t portid, struct nvmet_fc_target_port *tp,
		      const char *why)
{
	struct tgt_port *p = tgt_port_find(t, portid), *other;

	if (!p)
		return -ENOENT;
	if (!tp)
		return -EINVAL;
	other = tgt_port_by_tp(t, tp);
	if (other && other != p)
		return -EEXIST;
	tgt_port_ctrls_delete(t, p, why);
	p->tp = tp;
	tgt_port_adopt(t, p);
	return 0;
}

/* Tell port portid's fabric its discovery information changed (RSCN). */
void tgt_port_rscn(struct tgt *t, uint16_t portid)
{
	struct tgt_port *p = tgt_port_find(t, portid);

	if (p && t->discovery_chg)
		t->discovery_chg(p->tp);
}

/*
 * Discovery information of subsystem s changed (call after the change;
 * gone_portid: a port s was just withdrawn from, else 0): bump the
 * generation, tell the ports exporting it (RSCN) and the discovery
 * controllers whose log now lists other entries (AEN). Linux likewise
 * notifies only the discovery controllers on the ports concerned whose
 * host is allowed (discovery.c, nvmet_port_disc_changed and
 * nvmet_subsys_disc_changed).
 */
void tgt_discovery_changed(struct tgt *t, const struct subsys *s, uint16_t gone_portid)
{
	struct ctrl *c;
	unsigned int i;
	uint64_t v;

	t->disc_genctr++;
	for (i = 0; s && i < s->nr_ports; i++)
		tgt_port_rscn(t, s->portids[i]);
	if (gone_portid)
		tgt_port_rscn(t, gone_portid);
	for (c = t->disc->ctrls; c; c = c->next) {
		v = cmd_discovery_view(c);
		if (v == c->disc_view)
			continue;
		c->disc_view = v;
		ctrl_add_aen(c, NVME_AEN_CFG_DISC_CHANGE,
			     NVME_AER_RESULT(NVME_AER_TYPE_NOTICE, NVME_AER_NOTICE_DISC_CHANGED,
					     NVME_LOG_DISC));
	}
}

/* Statistics of a registered port: destroyed queues plus live ones. */
int tgt_port_stats(struct tgt *t, uint16_t portid, struct tgt_io_stats *out)
{
	struct tgt_port *p = tgt_port_find(t, portid);
	const struct sq *sq;

	if (!p)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	tgt_stats_add(out, &p->st_gone);
	for (sq = t->sq_list; sq; sq = sq->assoc_next)
		if (sq->port == p && sq->qid)
			tgt_stats_io_sq(sq, out);
	return 0;
}
