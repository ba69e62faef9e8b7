// SPDX-License-Identifier: Apache-2.0
/*
 * softhbactl port list|stats, link down|up, logo, prlo, zone set|list: the
 * name server and the ports' device regions, seen and changed as the fabric.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/fc_wire.h>

#include "softhbactl.h"

static const char *shc_state(struct shc *c, unsigned int i)
{
	switch (atomic_load(&c->fab.r->ns[i].state)) {
	case HW_NS_ONLINE:
		return hw_fabric_slot_alive(&c->fab, i) ? "online" : "dead";
	case HW_NS_LINKDOWN:
		return "linkdown";
	case HW_NS_OFFLINE:
		return "offline";
	default:
		return "free";
	}
}

static void shc_roles(uint32_t r, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", r & FC_PORT_ROLE_NVME_INITIATOR ? "initiator," : "",
		 r & FC_PORT_ROLE_NVME_TARGET ? "target," : "",
		 r & FC_PORT_ROLE_NVME_DISCOVERY ? "discovery," : "");
	if (*out)
		out[strlen(out) - 1] = '\0';
	else
		snprintf(out, len, "none");
}

/* WWNs as 0x + 16 hex digits, N_Port_IDs as 0x + 6, as fcnvmectl prints them. */
static struct json_object *shc_wwn(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	return json_object_new_string(buf);
}

static struct json_object *shc_portid(uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%06x", v);
	return json_object_new_string(buf);
}

/* One port of the name server as a JSON object (logins from its region). */
static struct json_object *shc_port_obj(struct shc *c, unsigned int i)
{
	struct hw_fabric_region *r = c->fab.r;
	struct json_object *o = json_object_new_object(), *l = json_object_new_array();
	struct hw_peer_map m;
	char roles[64];
	unsigned int j;

	shc_roles(r->ns[i].roles, roles, sizeof(roles));
	json_object_object_add(o, "wwpn", shc_wwn(r->ns[i].wwpn));
	json_object_object_add(o, "wwnn", shc_wwn(r->ns[i].wwnn));
	json_object_object_add(o, "port_id", shc_portid(r->ns[i].port_id));
	json_object_object_add(o, "roles", json_object_new_string(roles));
	json_object_object_add(o, "state", json_object_new_string(shc_state(c, i)));
	json_object_object_add(o, "zone", json_object_new_int64(r->ns[i].zone));
	json_object_object_add(o, "pid", json_object_new_int(r->ns[i].pid));
	if (hw_fabric_map_slot(&c->fab, i, &m) == 0) {
		const struct hw_bar *bar = m.base;

		for (j = 0; j < HW_MAX_PORTS; j++) {
			uint32_t st = atomic_load(&bar->logins[j].state);
			struct json_object *e;

			if (st == HW_LOGIN_NONE)
				continue;
			e = json_object_new_object();
			json_object_object_add(e, "wwpn", shc_wwn(r->ns[j].wwpn));
			json_object_object_add(
				e, "state",
				json_object_new_string(st == HW_LOGIN_PRLI ? "prli" : "plogi"));
			json_object_array_add(l, e);
		}
		hw_fabric_unmap(&m);
	}
	json_object_object_add(o, "logins", l);
	return o;
}

static const char *shc_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

int shc_port_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;
	size_t k, j;

	(void)cmd;
	(void)argc;
	(void)argv;
	for (i = 0; i < HW_MAX_PORTS; i++)
		if (atomic_load(&c->fab.r->ns[i].state) != HW_NS_FREE)
			json_object_array_add(a, shc_port_obj(c, i));
	if (c->json) {
		shc_json_print(a);
		return 0;
	}
	printf("%-18s %-18s %-8s %-26s %-8s %-5s %-7s %s\n", "WWPN", "WWNN", "PORT_ID", "ROLES",
	       "STATE", "ZONE", "PID", "LOGINS");
	for (k = 0; k < json_object_array_length(a); k++) {
		struct json_object *o = json_object_array_get_idx(a, k), *l, *v;

		printf("%-18s %-18s %-8s %-26s %-8s %-5s %-7s ", shc_str(o, "wwpn"),
		       shc_str(o, "wwnn"), shc_str(o, "port_id"), shc_str(o, "roles"),
		       shc_str(o, "state"), shc_str(o, "zone"), shc_str(o, "pid"));
		json_object_object_get_ex(o, "logins", &l);
		for (j = 0; j < json_object_array_length(l); j++) {
			v = json_object_array_get_idx(l, j);
			printf("%s%s(%s)", j ? " " : "", shc_str(v, "wwpn"), shc_str(v, "state"));
		}
		printf("%s\n", json_object_array_length(l) ? "" : "-");
	}
	json_object_put(a);
	return 0;
}

int shc_port_stats(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	static const char *const names[] = {
		"ls_tx", "ls_rx", "abts_tx", "abts_rx", "dma_errors", "drops", "busy",
	};
	struct json_object *o, *q;
	struct hw_peer_map m;
	struct hw_bar *b;
	uint64_t v[7];
	unsigned int i, h;
	int slot;

	(void)cmd;
	(void)argc;
	if (shc_find_port(c, argv[0], &slot))
		return 1;
	if (hw_fabric_map_slot(&c->fab, (unsigned int)slot, &m))
		return shc_err(c, ENODEV, "port %s has no device region", argv[0]);
	b = m.base;
	v[0] = atomic_load(&b->cnt.ls_tx);
	v[1] = atomic_load(&b->cnt.ls_rx);
	v[2] = atomic_load(&b->cnt.abts_tx);
	v[3] = atomic_load(&b->cnt.abts_rx);
	v[4] = atomic_load(&b->cnt.dma_errors);
	v[5] = atomic_load(&b->cnt.drops);
	v[6] = atomic_load(&b->cnt.busy);
	o = json_object_new_object();
	q = json_object_new_array();
	json_object_object_add(o, "wwpn", shc_wwn(c->fab.r->ns[slot].wwpn));
	for (i = 0; i < 7; i++)
		json_object_object_add(o, names[i], json_object_new_uint64(v[i]));
	for (h = 0; h < b->nr_hwq && h < HW_MAX_HWQ; h++) {
		const struct hw_qstats *qs = &b->qstats[h];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "cmd_tx",
				       json_object_new_uint64(atomic_load(&qs->cmd_tx)));
		json_object_object_add(e, "cmd_rx",
				       json_object_new_uint64(atomic_load(&qs->cmd_rx)));
		json_object_object_add(e, "rsp_tx",
				       json_object_new_uint64(atomic_load(&qs->rsp_tx)));
		json_object_object_add(e, "data_bytes",
				       json_object_new_uint64(atomic_load(&qs->data_bytes)));
		json_object_array_add(q, e);
	}
	json_object_object_add(o, "hwq", q);
	hw_fabric_unmap(&m);
	if (c->json) {
		shc_json_print(o);
		return 0;
	}
	printf("port %s\n", shc_str(o, "wwpn"));
	for (i = 0; i < 7; i++)
		printf("  %-10s %" PRIu64 "\n", names[i], v[i]);
	printf("  %-4s %12s %12s %12s %16s\n", "HWQ", "CMD_TX", "CMD_RX", "RSP_TX", "DATA_BYTES");
	for (h = 0; h < json_object_array_length(q); h++) {
		struct json_object *e = json_object_array_get_idx(q, h);

		printf("  %-4u %12s %12s %12s %16s\n", h, shc_str(e, "cmd_tx"),
		       shc_str(e, "cmd_rx"), shc_str(e, "rsp_tx"), shc_str(e, "data_bytes"));
	}
	json_object_put(o);
	return 0;
}

static int shc_link(struct shc *c, bool up, const char *wwpn)
{
	struct hw_peer_map m;
	struct hw_eqe e;
	int slot, rc;

	if (shc_find_port(c, wwpn, &slot))
		return 1;
	rc = hw_fabric_map_slot(&c->fab, (unsigned int)slot, &m);
	if (rc || !hw_fabric_slot_alive(&c->fab, (unsigned int)slot)) {
		if (!rc)
			hw_fabric_unmap(&m);
		return shc_err(c, ENODEV, "port %s is not running", wwpn);
	}
	hw_fabric_lock(&c->fab);
	atomic_store(&c->fab.r->ns[slot].state, up ? HW_NS_ONLINE : HW_NS_LINKDOWN);
	atomic_store(&((struct hw_bar *)m.base)->link, up ? HW_LINK_UP : HW_LINK_DOWN);
	hw_fabric_unlock(&c->fab);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LINK;
	e.arg = up ? HW_LINK_UP : HW_LINK_DOWN;
	e.peer_slot = (uint16_t)slot;
	rc = hw_eq_post(&c->fab, &m, &e);
	hw_fabric_unmap(&m);
	hw_fabric_rscn(&c->fab, (unsigned int)slot);
	if (rc)
		return shc_err(c, EAGAIN, "port %s: event queue full", wwpn);
	return 0;
}

int shc_link_down(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	return shc_link(c, false, argv[0]);
}

int shc_link_up(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	return shc_link(c, true, argv[0]);
}

/* LOGO or PRLO between a port and its logged-in peers (or one of them). */
static int shc_logout(struct shc *c, uint16_t type, int argc, char **argv)
{
	struct hw_peer_map m;
	struct hw_eqe e;
	int slot, pslot = -1, n = 0;
	unsigned int j;

	if (shc_find_port(c, argv[0], &slot) || (argc == 2 && shc_find_port(c, argv[1], &pslot)))
		return 1;
	if (hw_fabric_map_slot(&c->fab, (unsigned int)slot, &m))
		return shc_err(c, ENODEV, "port %s is not running", argv[0]);
	for (j = 0; j < HW_MAX_PORTS; j++) {
		struct hw_bar *bar = m.base;

		if (atomic_load(&bar->logins[j].state) == HW_LOGIN_NONE)
			continue;
		if (pslot >= 0 && (int)j != pslot)
			continue;
		memset(&e, 0, sizeof(e));
		e.type = type;
		e.peer_slot = (uint16_t)slot; /* to the peer: from WWPN */
		(void)hw_fabric_post_eqe(&c->fab, j, &e);
		e.peer_slot = (uint16_t)j; /* to WWPN: from the peer */
		(void)hw_eq_post(&c->fab, &m, &e);
		n++;
	}
	hw_fabric_unmap(&m);
	if (!n)
		return shc_err(c, ENOENT, "port %s has no matching login", argv[0]);
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "logged_out", json_object_new_int(n));
		shc_json_print(o);
	} else {
		printf("%d login(s) logged out\n", n);
	}
	return 0;
}

int shc_logo(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	return shc_logout(c, HW_EQE_LOGO, argc, argv);
}

int shc_prlo(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	return shc_logout(c, HW_EQE_PRLO, argc, argv);
}

int shc_zone_set(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	unsigned int i;
	uint32_t z;
	int slot;

	(void)cmd;
	(void)argc;
	if (shc_find_port(c, argv[0], &slot))
		return 1;
	if (shc_u32(argv[1], 0, 65535, &z))
		return shc_err(c, EINVAL, "invalid zone '%s' (0..65535; 0 = default zone)",
			       argv[1]);
	hw_fabric_lock(&c->fab);
	c->fab.r->ns[slot].zone = z;
	hw_fabric_unlock(&c->fab);
	/* Everybody re-evaluates what it may see. */
	for (i = 0; i < HW_MAX_PORTS; i++)
		if (atomic_load(&c->fab.r->ns[i].state) == HW_NS_ONLINE) {
			struct hw_eqe e;

			memset(&e, 0, sizeof(e));
			e.type = HW_EQE_RSCN;
			e.peer_slot = (uint16_t)slot;
			(void)hw_fabric_post_eqe(&c->fab, i, &e);
		}
	return 0;
}

int shc_zone_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	(void)cmd;
	(void)argc;
	(void)argv;
	for (i = 0; i < HW_MAX_PORTS; i++) {
		struct json_object *o;

		if (atomic_load(&c->fab.r->ns[i].state) == HW_NS_FREE)
			continue;
		if (!c->json) {
			printf("0x%016" PRIx64 " %u\n", c->fab.r->ns[i].wwpn, c->fab.r->ns[i].zone);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "wwpn", shc_wwn(c->fab.r->ns[i].wwpn));
		json_object_object_add(o, "zone", json_object_new_int64(c->fab.r->ns[i].zone));
		json_object_array_add(a, o);
	}
	if (c->json)
		shc_json_print(a);
	else
		json_object_put(a);
	return 0;
}
