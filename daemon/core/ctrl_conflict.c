// SPDX-License-Identifier: Apache-2.0
/*
 * Two hosts that claim one identity: a new controller whose host NQN is
 * another live controller's with another Host ID, or whose Host ID is
 * another's with another host NQN. A host keeps one pair for all its
 * associations (Linux's host refuses to connect with a second Host ID for
 * its NQN), so this is hosts cloned with their /etc/nvme/hostnqn or
 * hostid, or a host that changed its Host ID while its old association
 * still lives. Access lists go by host NQN and reservations by Host ID:
 * they cannot tell such hosts apart. An all-zero Host ID (a host that
 * sends none) says nothing. [ctl]
 */
#include <stdbool.h>
#include <string.h>

#include "tgt_priv.h"

static bool ctrl_hostid_zero(const uint8_t id[16])
{
	static const uint8_t zero[16];

	return !memcmp(id, zero, sizeof(zero));
}

/* The first live controller of s, not c, that conflicts with c. */
static const struct ctrl *ctrl_conflict_in(const struct subsys *s, const struct ctrl *c)
{
	const struct ctrl *o;
	bool same_nqn, same_id;

	for (o = s->ctrls; o; o = o->next) {
		if (o == c || o->deleting || ctrl_hostid_zero(o->hostid))
			continue;
		same_nqn = !strcmp(o->hostnqn, c->hostnqn);
		same_id = !memcmp(o->hostid, c->hostid, sizeof(c->hostid));
		if (same_nqn != same_id)
			return o;
	}
	return NULL;
}

const struct ctrl *ctrl_conflict_find(const struct ctrl *c)
{
	const struct subsys *s;
	const struct ctrl *o = NULL;

	if (ctrl_hostid_zero(c->hostid))
		return NULL;
	if (c->t->disc)
		o = ctrl_conflict_in(c->t->disc, c);
	for (s = c->t->subsys_list; s && !o; s = s->next)
		o = ctrl_conflict_in(s, c);
	return o;
}
