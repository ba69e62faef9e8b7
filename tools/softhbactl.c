// SPDX-License-Identifier: Apache-2.0
/*
 * softhbactl: administration of software FC fabrics (hw/softhba): create and
 * destroy fabrics, list ports and their logins, take links down and up, send
 * LOGO, zone ports and inject bounded faults. It acts as the fabric itself:
 * it edits the name server under the fabric lock and posts events (LINK,
 * LOGO, RSCN) into ports' event queues.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fcnvme/fc_wire.h>

#include "hw_fabric.h"

struct ctx {
	const char *root;   /* --dir */
	const char *fabric; /* --fabric */
	char dir[HW_PATH_MAX];
	struct hw_fabric fab;
	bool json;
};

static int usage(FILE *f)
{
	fprintf(f,
		"usage: softhbactl [--dir DIR] [--fabric NAME] COMMAND\n"
		"  fabric create NAME | fabric destroy NAME | fabric list\n"
		"  port list [-j] | port stats WWPN [-j]\n"
		"  link down WWPN | link up WWPN\n"
		"  logo WWPN [PEER_WWPN] | prlo WWPN [PEER_WWPN]\n"
		"  zone set WWPN ZONE | zone list\n"
		"  fault list | fault clear\n"
		"  fault drop-cmd opcode N|fctype N LIMIT [after M] [port WWPN]\n"
		"  fault drop CLASS LIMIT [after M] [port WWPN]\n"
		"  fault delay CLASS MS LIMIT [port WWPN]\n"
		"  fault fail-data LIMIT [after M] [port WWPN]\n"
		"  fault abts LIMIT [after M] [port WWPN]\n"
		"    LIMIT is 'count N' (1..1000000) or 'for MS' (1..600000 ms)\n"
		"    CLASS is any, ls, cmd, data, rsp, abts or els\n"
		"  WWPN: 0x + 16 hex digits; DIR defaults to $FCNVME_SHM_DIR or %s\n",
		HW_DEFAULT_SHM_DIR);
	return f == stderr ? 2 : 0;
}

__attribute__((format(printf, 1, 2))) static int err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "softhbactl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int parse_wwn(const char *s, uint64_t *v)
{
	char *end;
	size_t i;

	if (strlen(s) != 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	for (i = 2; i < 18; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return -EINVAL;
	*v = strtoull(s + 2, &end, 16);
	return *v ? 0 : -EINVAL;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x < lo || x > hi)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static const char *root_dir(struct ctx *c)
{
	const char *r = c->root;

	if (!r || !*r)
		r = getenv("FCNVME_SHM_DIR");
	return r && *r ? r : HW_DEFAULT_SHM_DIR;
}

/* Open the fabric named by --fabric, or the only one under the root. */
static int open_fabric(struct ctx *c)
{
	const char *name = c->fabric;
	char only[256] = "";
	char path[HW_PATH_MAX + 300];
	struct dirent *de;
	struct stat st;
	int n = 0, rc;
	DIR *d;

	if (!name) {
		d = opendir(root_dir(c));
		if (!d)
			return err("no fabrics under %s", root_dir(c));
		while ((de = readdir(d))) {
			snprintf(path, sizeof(path), "%s/%s/fabric", root_dir(c), de->d_name);
			if (de->d_name[0] != '.' && stat(path, &st) == 0) {
				snprintf(only, sizeof(only), "%s", de->d_name);
				n++;
			}
		}
		closedir(d);
		if (n != 1)
			return n ? err("several fabrics under %s: use --fabric NAME", root_dir(c))
				 : err("no fabric under %s", root_dir(c));
		name = only;
	}
	if (hw_fabric_path(c->root, name, c->dir, sizeof(c->dir)))
		return err("invalid fabric name '%s'", name);
	rc = hw_fabric_open(c->dir, &c->fab);
	if (rc)
		return err("cannot open fabric '%s'", name);
	return 0;
}

static const char *state_name(struct ctx *c, unsigned int i)
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

static void roles_str(uint32_t r, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", r & FC_PORT_ROLE_NVME_INITIATOR ? "initiator," : "",
		 r & FC_PORT_ROLE_NVME_TARGET ? "target," : "",
		 r & FC_PORT_ROLE_NVME_DISCOVERY ? "discovery," : "");
	if (*out)
		out[strlen(out) - 1] = '\0';
	else
		snprintf(out, len, "none");
}

static int cmd_port_list(struct ctx *c)
{
	struct hw_fabric_region *r = c->fab.r;
	unsigned int i, j;
	bool first = true;
	char roles[64];

	if (c->json)
		printf("[");
	else
		printf("%-18s %-18s %-8s %-26s %-8s %-5s %-7s %s\n", "WWPN", "WWNN", "PORT_ID",
		       "ROLES", "STATE", "ZONE", "PID", "LOGINS");
	for (i = 0; i < HW_MAX_PORTS; i++) {
		struct hw_peer_map m;
		bool lf = true;

		if (atomic_load(&r->ns[i].state) == HW_NS_FREE)
			continue;
		roles_str(r->ns[i].roles, roles, sizeof(roles));
		if (c->json)
			printf("%s{\"wwpn\":\"0x%016" PRIx64 "\",\"wwnn\":\"0x%016" PRIx64
			       "\",\"port_id\":\"0x%06x\",\"roles\":\"%s\",\"state\":\"%s\","
			       "\"zone\":%u,\"pid\":%d,\"logins\":[",
			       first ? "" : ",", r->ns[i].wwpn, r->ns[i].wwnn, r->ns[i].port_id,
			       roles, state_name(c, i), r->ns[i].zone, r->ns[i].pid);
		else
			printf("0x%016" PRIx64 " 0x%016" PRIx64 " 0x%06x %-26s %-8s %-5u %-7d ",
			       r->ns[i].wwpn, r->ns[i].wwnn, r->ns[i].port_id, roles,
			       state_name(c, i), r->ns[i].zone, r->ns[i].pid);
		first = false;
		if (hw_fabric_map_slot(&c->fab, i, &m) == 0) {
			const struct hw_bar *bar = m.base;

			for (j = 0; j < HW_MAX_PORTS; j++) {
				uint32_t st =
					atomic_load(&((struct hw_bar *)m.base)->logins[j].state);

				if (st == HW_LOGIN_NONE)
					continue;
				printf(c->json ? "%s{\"wwpn\":\"0x%016" PRIx64
						 "\",\"state\":\"%s\"}"
					       : "%s0x%016" PRIx64 "(%s)",
				       lf	 ? ""
				       : c->json ? ","
						 : " ",
				       r->ns[j].wwpn, st == HW_LOGIN_PRLI ? "prli" : "plogi");
				lf = false;
			}
			(void)bar;
			hw_fabric_unmap(&m);
		}
		if (c->json)
			printf("]}");
		else
			printf("%s\n", lf ? "-" : "");
	}
	if (c->json)
		printf("]\n");
	return 0;
}

static int find_port(struct ctx *c, const char *s, int *slot);

static int cmd_port_stats(struct ctx *c, const char *wwpn)
{
	static const char *const names[] = {
		"ls_tx", "ls_rx", "abts_tx", "abts_rx", "dma_errors", "drops", "busy",
	};
	struct hw_peer_map m;
	struct hw_bar *b;
	uint64_t v[7];
	unsigned int i, q;
	int slot;

	if (find_port(c, wwpn, &slot))
		return 1;
	if (hw_fabric_map_slot(&c->fab, (unsigned int)slot, &m))
		return err("port %s has no device region", wwpn);
	b = m.base;
	v[0] = atomic_load(&b->cnt.ls_tx);
	v[1] = atomic_load(&b->cnt.ls_rx);
	v[2] = atomic_load(&b->cnt.abts_tx);
	v[3] = atomic_load(&b->cnt.abts_rx);
	v[4] = atomic_load(&b->cnt.dma_errors);
	v[5] = atomic_load(&b->cnt.drops);
	v[6] = atomic_load(&b->cnt.busy);
	printf(c->json ? "{\"wwpn\":\"%s\"" : "port %s\n", wwpn);
	for (i = 0; i < 7; i++)
		printf(c->json ? ",\"%s\":%" PRIu64 : "  %-10s %" PRIu64 "\n", names[i], v[i]);
	printf(c->json ? ",\"hwq\":[" : "  %-4s %12s %12s %12s %16s\n", "HWQ", "CMD_TX", "CMD_RX",
	       "RSP_TX", "DATA_BYTES");
	for (q = 0; q < b->nr_hwq && q < HW_MAX_HWQ; q++) {
		const struct hw_qstats *qs = &b->qstats[q];

		if (c->json)
			printf("%s{\"cmd_tx\":%" PRIu64 ",\"cmd_rx\":%" PRIu64
			       ",\"rsp_tx\":%" PRIu64 ",\"data_bytes\":%" PRIu64 "}",
			       q ? "," : "", atomic_load(&qs->cmd_tx), atomic_load(&qs->cmd_rx),
			       atomic_load(&qs->rsp_tx), atomic_load(&qs->data_bytes));
		else
			printf("  %-4u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %16" PRIu64 "\n",
			       q, atomic_load(&qs->cmd_tx), atomic_load(&qs->cmd_rx),
			       atomic_load(&qs->rsp_tx), atomic_load(&qs->data_bytes));
	}
	if (c->json)
		printf("]}\n");
	hw_fabric_unmap(&m);
	return 0;
}

static int find_port(struct ctx *c, const char *s, int *slot)
{
	uint64_t wwpn;

	if (!s || parse_wwn(s, &wwpn))
		return err("invalid WWPN '%s' (want 0x + 16 hex digits)", s ? s : "");
	*slot = hw_fabric_find(&c->fab, wwpn);
	if (*slot < 0)
		return err("no port %s on this fabric", s);
	return 0;
}

static int cmd_link(struct ctx *c, bool up, const char *wwpn)
{
	struct hw_peer_map m;
	struct hw_eqe e;
	int slot, rc;

	if (find_port(c, wwpn, &slot))
		return 1;
	rc = hw_fabric_map_slot(&c->fab, (unsigned int)slot, &m);
	if (rc || !hw_fabric_slot_alive(&c->fab, (unsigned int)slot)) {
		if (!rc)
			hw_fabric_unmap(&m);
		return err("port %s is not running", wwpn);
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
		return err("port %s: event queue full", wwpn);
	return 0;
}

static int cmd_logo(struct ctx *c, uint16_t type, const char *wwpn, const char *peer)
{
	struct hw_peer_map m;
	struct hw_eqe e;
	int slot, pslot = -1, n = 0;
	unsigned int j;

	if (find_port(c, wwpn, &slot) || (peer && find_port(c, peer, &pslot)))
		return 1;
	if (hw_fabric_map_slot(&c->fab, (unsigned int)slot, &m))
		return err("port %s is not running", wwpn);
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
		return err("port %s has no matching login", wwpn);
	printf("%d login(s) logged out\n", n);
	return 0;
}

static int cmd_zone(struct ctx *c, int argc, char **argv)
{
	unsigned int i;
	uint32_t z;
	int slot;

	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		for (i = 0; i < HW_MAX_PORTS; i++)
			if (atomic_load(&c->fab.r->ns[i].state) != HW_NS_FREE)
				printf("0x%016" PRIx64 " %u\n", c->fab.r->ns[i].wwpn,
				       c->fab.r->ns[i].zone);
		return 0;
	}
	if (argc != 3 || strcmp(argv[0], "set"))
		return err("usage: zone set WWPN ZONE | zone list");
	if (find_port(c, argv[1], &slot))
		return 1;
	if (parse_u32(argv[2], 0, 65535, &z))
		return err("invalid zone '%s' (0..65535; 0 = default zone)", argv[2]);
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

static const char *const class_names[HW_FC_NR] = {
	[HW_FC_ANY] = "any", [HW_FC_LS] = "ls",	    [HW_FC_CMD] = "cmd", [HW_FC_DATA] = "data",
	[HW_FC_RSP] = "rsp", [HW_FC_ABTS] = "abts", [HW_FC_ELS] = "els",
};

static const char *const kind_names[] = {
	[HW_FAULT_DROP_CMD] = "drop-cmd",   [HW_FAULT_DROP] = "drop", [HW_FAULT_DELAY] = "delay",
	[HW_FAULT_FAIL_DATA] = "fail-data", [HW_FAULT_ABTS] = "abts",
};

static int parse_class(const char *s, uint32_t *fc)
{
	uint32_t i;

	for (i = 0; s && i < HW_FC_NR; i++)
		if (strcmp(s, class_names[i]) == 0) {
			*fc = i;
			return 0;
		}
	return -EINVAL;
}

/* Parse "count N | for MS" then "after M" and "port WWPN" options. */
static int parse_fault_tail(struct ctx *c, int argc, char **argv, struct hw_fault *f)
{
	uint32_t v;
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (!a)
			return err("'%s' needs a value", k);
		if (strcmp(k, "count") == 0) {
			if (parse_u32(a, 1, 1000000, &v))
				return err("invalid count '%s' (1..1000000)", a);
			f->remaining = (int32_t)v;
		} else if (strcmp(k, "for") == 0) {
			if (parse_u32(a, 1, 600000, &v))
				return err("invalid duration '%s' (1..600000 ms)", a);
			f->expires_ms = hw_now_ms() + v;
		} else if (strcmp(k, "after") == 0) {
			if (parse_u32(a, 0, 1000000, &v))
				return err("invalid 'after' '%s' (0..1000000)", a);
			f->skip = v;
		} else if (strcmp(k, "port") == 0) {
			if (parse_wwn(a, &f->wwpn))
				return err("invalid WWPN '%s'", a);
		} else {
			return err("unknown fault option '%s'", k);
		}
	}
	if (f->remaining <= 0 && !f->expires_ms)
		return err("a fault needs a bound: 'count N' or 'for MS'");
	(void)c;
	return 0;
}

static int cmd_fault(struct ctx *c, int argc, char **argv)
{
	struct hw_fault f;
	unsigned int i;
	uint32_t v;
	int rc, used = 1;

	if (argc < 1)
		return err("usage: fault list|clear|drop-cmd|drop|delay|fail-data|abts ...");
	if (strcmp(argv[0], "list") == 0) {
		for (i = 0; i < HW_MAX_FAULTS; i++) {
			struct hw_fault *d = &c->fab.r->faults[i];
			uint32_t k = atomic_load(&d->kind);

			if (k == HW_FAULT_NONE)
				continue;
			printf("%u %s class=%s opcode=%#x after=%u left=%d seen=%u delay=%u port=0x%016" PRIx64
			       "%s\n",
			       i, kind_names[k], class_names[d->fclass % HW_FC_NR], d->opcode,
			       d->skip, atomic_load(&d->remaining), atomic_load(&d->seen),
			       d->delay_ms, d->wwpn, d->expires_ms ? " timed" : "");
		}
		return 0;
	}
	if (strcmp(argv[0], "clear") == 0) {
		hw_fabric_fault_clear(&c->fab);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	if (strcmp(argv[0], "drop-cmd") == 0) {
		f.kind = HW_FAULT_DROP_CMD;
		f.fclass = HW_FC_CMD;
		if (argc < 3 || (strcmp(argv[1], "opcode") && strcmp(argv[1], "fctype")))
			return err("usage: fault drop-cmd opcode N|fctype N LIMIT ...");
		if (parse_u32(argv[2], 0, 255, &v))
			return err("invalid opcode/fctype '%s' (0..255)", argv[2]);
		f.opcode = strcmp(argv[1], "fctype") == 0 ? 0x100u | v : v;
		used = 3;
	} else if (strcmp(argv[0], "drop") == 0 || strcmp(argv[0], "delay") == 0) {
		f.kind = argv[0][1] == 'r' ? HW_FAULT_DROP : HW_FAULT_DELAY;
		if (argc < 2 || parse_class(argv[1], &f.fclass))
			return err("invalid frame class '%s' (any, ls, cmd, data, rsp, abts, els)",
				   argc < 2 ? "" : argv[1]);
		used = 2;
		if (f.kind == HW_FAULT_DELAY) {
			if (argc < 3 || parse_u32(argv[2], 1, 10000, &f.delay_ms))
				return err("invalid delay '%s' (1..10000 ms)",
					   argc < 3 ? "" : argv[2]);
			used = 3;
		}
	} else if (strcmp(argv[0], "fail-data") == 0) {
		f.kind = HW_FAULT_FAIL_DATA;
		f.fclass = HW_FC_DATA;
	} else if (strcmp(argv[0], "abts") == 0) {
		f.kind = HW_FAULT_ABTS;
		f.fclass = HW_FC_CMD;
	} else {
		return err("unknown fault '%s'", argv[0]);
	}
	if (parse_fault_tail(c, argc - used, argv + used, &f))
		return 1;
	rc = hw_fabric_fault_add(&c->fab, &f);
	if (rc < 0)
		return err("cannot add fault: %s", strerror(-rc));
	printf("fault %d added\n", rc);
	return 0;
}

static int cmd_fabric(struct ctx *c, int argc, char **argv)
{
	char dir[HW_PATH_MAX];
	int rc;

	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		struct dirent *de;
		char path[HW_PATH_MAX + 300];
		struct stat st;
		DIR *d = opendir(root_dir(c));

		if (!d)
			return 0;
		while ((de = readdir(d))) {
			snprintf(path, sizeof(path), "%s/%s/fabric", root_dir(c), de->d_name);
			if (de->d_name[0] != '.' && stat(path, &st) == 0)
				printf("%s\n", de->d_name);
		}
		closedir(d);
		return 0;
	}
	if (argc != 2 || (strcmp(argv[0], "create") && strcmp(argv[0], "destroy")))
		return err("usage: fabric create NAME | fabric destroy NAME | fabric list");
	if (hw_fabric_path(c->root, argv[1], dir, sizeof(dir)))
		return err("invalid fabric name '%s' (letters, digits, '-', '_', '.')", argv[1]);
	if (argv[0][0] == 'c') {
		rc = hw_fabric_create(dir);
		if (rc == -EEXIST)
			return err("fabric '%s' already exists", argv[1]);
	} else {
		rc = hw_fabric_destroy(dir);
		if (rc == -EBUSY)
			return err("fabric '%s' has running ports", argv[1]);
		if (rc == -ENOENT)
			return err("no fabric '%s'", argv[1]);
	}
	if (rc)
		return err("%s", strerror(-rc));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "fabric", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c;
	int o, rc;

	memset(&c, 0, sizeof(c));
	c.fab.fd = -1;
	while ((o = getopt_long(argc, argv, "+d:F:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			c.root = optarg;
			break;
		case 'F':
			c.fabric = optarg;
			break;
		case 'h':
			return usage(stdout);
		default:
			return usage(stderr);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage(stderr);
	if (c.root)
		setenv("FCNVME_SHM_DIR", c.root, 1);
	if (strcmp(argv[0], "fabric") == 0)
		return cmd_fabric(&c, argc - 1, argv + 1);
	if (strcmp(argv[0], "port") && strcmp(argv[0], "link") && strcmp(argv[0], "logo") &&
	    strcmp(argv[0], "prlo") && strcmp(argv[0], "zone") && strcmp(argv[0], "fault"))
		return err("unknown command '%s' (try --help)", argv[0]);
	if (open_fabric(&c))
		return 1;
	if (strcmp(argv[0], "port") == 0 && argc >= 2 && strcmp(argv[1], "stats") == 0) {
		if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "-j")))
			rc = err("usage: port stats WWPN [-j]");
		else {
			c.json = argc == 4;
			rc = cmd_port_stats(&c, argv[2]);
		}
	} else if (strcmp(argv[0], "port") == 0) {
		if (argc < 2 || strcmp(argv[1], "list") || (argc == 3 && strcmp(argv[2], "-j")) ||
		    argc > 3)
			rc = err("usage: port list [-j]");
		else {
			c.json = argc == 3;
			rc = cmd_port_list(&c);
		}
	} else if (strcmp(argv[0], "link") == 0) {
		if (argc != 3 || (strcmp(argv[1], "down") && strcmp(argv[1], "up")))
			rc = err("usage: link down|up WWPN");
		else
			rc = cmd_link(&c, argv[1][0] == 'u', argv[2]);
	} else if (strcmp(argv[0], "logo") == 0 || strcmp(argv[0], "prlo") == 0) {
		if (argc < 2 || argc > 3)
			rc = err("usage: %s WWPN [PEER_WWPN]", argv[0]);
		else
			rc = cmd_logo(&c, argv[0][0] == 'l' ? HW_EQE_LOGO : HW_EQE_PRLO, argv[1],
				      argc == 3 ? argv[2] : NULL);
	} else if (strcmp(argv[0], "zone") == 0) {
		rc = cmd_zone(&c, argc - 1, argv + 1);
	} else {
		rc = cmd_fault(&c, argc - 1, argv + 1);
	}
	hw_fabric_close(&c.fab);
	return rc;
}
