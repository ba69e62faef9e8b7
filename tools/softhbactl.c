// SPDX-License-Identifier: Apache-2.0
/*
 * softhbactl: administration of software FC fabrics (hw/softhba): create and
 * destroy fabrics, list ports and their logins, take links down and up, send
 * LOGO, zone ports and inject bounded faults. It acts as the fabric itself:
 * it edits the name server under the fabric lock and posts events (LINK,
 * LOGO, RSCN) into ports' event queues.
 *
 * The command line is the table below: exact object and verb words, then
 * the arguments the handler checks. Options may stand anywhere.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/num.h>
#include <fcnvme/wwn.h>

#include "softhbactl.h"

#define SHC_FAULT_TAIL "LIMIT [after M] [port WWPN]"

const struct shc_cmd shc_cmds[] = {
	{ "fabric", "create", 1, 1, false, shc_fabric_create, "NAME" },
	{ "fabric", "destroy", 1, 1, false, shc_fabric_destroy, "NAME" },
	{ "fabric", "list", 0, 0, false, shc_fabric_list, "" },
	{ "port", "list", 0, 0, true, shc_port_list, "" },
	{ "port", "stats", 1, 1, true, shc_port_stats, "WWPN" },
	{ "link", "down", 1, 1, true, shc_link_down, "WWPN" },
	{ "link", "up", 1, 1, true, shc_link_up, "WWPN" },
	{ "logo", NULL, 1, 2, true, shc_logo, "WWPN [PEER_WWPN]" },
	{ "prlo", NULL, 1, 2, true, shc_prlo, "WWPN [PEER_WWPN]" },
	{ "zone", "set", 2, 2, true, shc_zone_set, "WWPN ZONE" },
	{ "zone", "list", 0, 0, true, shc_zone_list, "" },
	{ "fault", "list", 0, 0, true, shc_fault_list, "" },
	{ "fault", "clear", 0, 0, true, shc_fault_clear, "" },
	{ "fault", "drop-cmd", 2, -1, true, shc_fault_add, "opcode N|fctype N " SHC_FAULT_TAIL },
	{ "fault", "drop", 1, -1, true, shc_fault_add, "CLASS " SHC_FAULT_TAIL },
	{ "fault", "delay", 2, -1, true, shc_fault_add, "CLASS MS LIMIT [port WWPN]" },
	{ "fault", "fail-data", 0, -1, true, shc_fault_add, SHC_FAULT_TAIL },
	{ "fault", "abts", 0, -1, true, shc_fault_add, SHC_FAULT_TAIL },
	{ NULL, NULL, 0, 0, false, NULL, NULL },
};

static void shc_usage_line(FILE *f, const struct shc_cmd *k)
{
	fprintf(f, "%s%s%s%s%s", k->obj, k->verb ? " " : "", k->verb ? k->verb : "",
		*k->usage ? " " : "", k->usage);
}

static int shc_usage(FILE *f)
{
	const struct shc_cmd *k;

	fprintf(f, "usage: softhbactl [--dir DIR] [--fabric NAME] [-o normal|json] COMMAND\n");
	for (k = shc_cmds; k->obj; k++) {
		fputs("  ", f);
		shc_usage_line(f, k);
		fputc('\n', f);
	}
	fprintf(f,
		"    LIMIT is 'count N' (1..1000000) or 'for MS' (1..600000 ms)\n"
		"    CLASS is any, ls, cmd, data, rsp, abts or els\n"
		"  WWPN in any usual form (0x..., 21:00:..., naa....)\n"
		"  DIR defaults to $FCNVME_SHM_DIR or %s\n",
		HW_DEFAULT_SHM_DIR);
	return f == stderr ? 2 : 0;
}

int shc_err(const struct shc *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c && c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(msg));
		fprintf(stderr, "%s\n",
			json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		fprintf(stderr, "softhbactl: %s\n", msg);
	}
	return 1;
}

void shc_json_print(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int shc_wwpn(const struct shc *c, const char *s, uint64_t *v)
{
	(void)c;
	if (!s || fcnvme_wwn_parse(s, v) || *v == 0)
		return -EINVAL;
	return 0;
}

int shc_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	uint64_t x;

	if (fcnvme_num_parse(s, lo, hi, &x))
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

const char *shc_root(const struct shc *c)
{
	const char *r = c->root;

	if (!r || !*r)
		r = getenv("FCNVME_SHM_DIR");
	return r && *r ? r : HW_DEFAULT_SHM_DIR;
}

int shc_find_port(struct shc *c, const char *s, int *slot)
{
	uint64_t wwpn;

	if (shc_wwpn(c, s, &wwpn))
		return shc_err(c, "invalid WWPN '%s' (want e.g. 0x + 16 hex digits)", s ? s : "");
	*slot = hw_fabric_find(&c->fab, wwpn);
	if (*slot < 0)
		return shc_err(c, "no port 0x%016llx on this fabric", (unsigned long long)wwpn);
	return 0;
}

static void shc_keep_name(const char *name, void *arg)
{
	snprintf(arg, HW_PATH_MAX, "%s", name);
}

/* Open the fabric named by --fabric, or the only one under the root. */
static int shc_open_fabric(struct shc *c)
{
	char only[HW_PATH_MAX] = "";
	const char *name = c->fabric;
	int n, rc;

	if (!name) {
		n = shc_fabric_each(c, shc_keep_name, only);
		if (n < 0)
			return shc_err(c, "no fabrics under %s", shc_root(c));
		if (n != 1)
			return n ? shc_err(c, "several fabrics under %s: use --fabric NAME",
					   shc_root(c))
				 : shc_err(c, "no fabric under %s", shc_root(c));
		name = only;
	}
	if (hw_fabric_path(c->root, name, c->dir, sizeof(c->dir)))
		return shc_err(c, "invalid fabric name '%s'", name);
	rc = hw_fabric_open(c->dir, &c->fab);
	if (rc == -ENOENT)
		return shc_err(c,
			       "fabric %s does not exist under %s (create it with softhbactl "
			       "fabric create %s)",
			       name, shc_root(c), name);
	if (rc && *hw_fabric_why())
		return shc_err(c, "cannot open fabric '%s': %s: %s", name, hw_fabric_why(),
			       strerror(-rc));
	if (rc)
		return shc_err(c, "cannot open fabric '%s': %s", name, strerror(-rc));
	c->fab_open = true;
	return 0;
}

/* The command of argv, or NULL after printing why there is none. */
static const struct shc_cmd *shc_lookup(struct shc *c, int argc, char **argv, int *words)
{
	const struct shc_cmd *k;
	bool obj = false;

	for (k = shc_cmds; k->obj; k++) {
		if (strcmp(k->obj, argv[0]))
			continue;
		obj = true;
		if (!k->verb) {
			*words = 1;
			return k;
		}
		if (argc >= 2 && strcmp(k->verb, argv[1]) == 0) {
			*words = 2;
			return k;
		}
	}
	if (!obj) {
		shc_err(c, "unknown command '%s' (try --help)", argv[0]);
		return NULL;
	}
	/* Known object, unknown or missing verb: list the verbs. */
	fprintf(stderr, "softhbactl: usage:");
	for (k = shc_cmds; k->obj; k++)
		if (strcmp(k->obj, argv[0]) == 0) {
			fputs(" ", stderr);
			shc_usage_line(stderr, k);
			fputs(k[1].obj && !strcmp(k[1].obj, argv[0]) ? " |" : "\n", stderr);
		}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "fabric", required_argument, NULL, 'F' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct shc_cmd *k;
	struct shc c;
	int o, rc, words, nargs;

	memset(&c, 0, sizeof(c));
	c.fab.fd = -1;
	while ((o = getopt_long(argc, argv, "d:F:o:jhV", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			c.root = optarg;
			break;
		case 'F':
			c.fabric = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "normal"))
				return shc_err(NULL, "invalid output format '%s' (normal or json)",
					       optarg) +
				       1;
			c.json = strcmp(optarg, "json") == 0;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			return shc_usage(stdout);
		case 'V':
			printf("softhbactl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			return shc_usage(stderr);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return shc_usage(stderr);
	if (c.root)
		setenv("FCNVME_SHM_DIR", c.root, 1);
	k = shc_lookup(&c, argc, argv, &words);
	if (!k)
		return 1;
	nargs = argc - words;
	if (nargs < k->min || (k->max >= 0 && nargs > k->max)) {
		fprintf(stderr, "softhbactl: usage: ");
		shc_usage_line(stderr, k);
		fputc('\n', stderr);
		return 1;
	}
	if (k->fabric && shc_open_fabric(&c))
		return 1;
	rc = k->fn(&c, k, nargs, argv + words);
	if (c.fab_open)
		hw_fabric_close(&c.fab);
	return rc;
}
