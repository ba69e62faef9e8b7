// SPDX-License-Identifier: Apache-2.0
/*
 * conf_print(): the one normalised text form of a configuration, printed
 * from the options tables in a fixed order with every value explicit (so
 * `nvmetfcd -n` shows what will run) and read back by conf_load() into an
 * identical struct. conf_save() writes it atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/hex.h>
#include <fcnvme/nqn.h>
#include <fcnvme/size.h>
#include <fcnvme/wwn.h>

#include "conf.h"
#include "conf_opts.h"

static void indent(FILE *fp, int n)
{
	while (n-- > 0)
		fputc('\t', fp);
}

/* A libconfig string literal. */
static void print_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(fp, "\\x%02x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

static bool is_default(const struct conf_opt *o, const char *v)
{
	switch (o->type) {
	case CONF_OPT_STR:
	case CONF_OPT_NQN:
		return *v == '\0';
	case CONF_OPT_STRP:
		return *(char *const *)v == NULL;
	case CONF_OPT_BOOL:
		return *(const bool *)v == (o->def != 0);
	case CONF_OPT_U16:
		return *(const uint16_t *)v == o->def;
	case CONF_OPT_U32:
		return *(const uint32_t *)v == o->def;
	case CONF_OPT_ENUM:
		return (o->size == 1 ? *(const uint8_t *)v : *(const int *)v) == (int)o->def;
	case CONF_OPT_UUID:
	case CONF_OPT_HEX:
		return true; /* printed only when has_* is set */
	default:
		return false;
	}
}

static void print_opt(FILE *fp, const struct conf_opt *o, const void *base, int depth)
{
	const char *v = (const char *)base + o->off;
	char buf[64];

	if ((o->type == CONF_OPT_UUID || o->type == CONF_OPT_HEX) &&
	    !*(const bool *)((const char *)base + o->has_off))
		return;
	if ((o->flags & CONF_OPT_OMIT_DEFAULT) && is_default(o, v) && o->type != CONF_OPT_UUID &&
	    o->type != CONF_OPT_HEX)
		return;
	indent(fp, depth);
	fprintf(fp, "%s = ", o->name);
	switch (o->type) {
	case CONF_OPT_STR:
	case CONF_OPT_NAME:
	case CONF_OPT_NQN:
		print_str(fp, v);
		break;
	case CONF_OPT_STRP:
		print_str(fp, *(char *const *)v);
		break;
	case CONF_OPT_U16:
		fprintf(fp, "%u", *(const uint16_t *)v);
		break;
	case CONF_OPT_U32:
		fprintf(fp, (o->flags & CONF_OPT_PRINT_HEX) ? "0x%06x" : "%u",
			*(const uint32_t *)v);
		break;
	case CONF_OPT_BOOL:
		fputs(*(const bool *)v ? "true" : "false", fp);
		break;
	case CONF_OPT_WWN:
		fcnvme_wwn_format(*(const uint64_t *)v, buf, sizeof(buf));
		print_str(fp, buf);
		break;
	case CONF_OPT_SIZE32:
		fcnvme_size_format(*(const uint32_t *)v, buf, sizeof(buf));
		print_str(fp, buf);
		break;
	case CONF_OPT_SIZE64:
		fcnvme_size_format(*(const uint64_t *)v, buf, sizeof(buf));
		print_str(fp, buf);
		break;
	case CONF_OPT_ENUM:
		print_str(fp, o->names[o->size == 1 ? *(const uint8_t *)v : *(const int *)v]);
		break;
	case CONF_OPT_UUID:
		fcnvme_uuid_format((const uint8_t *)v, buf);
		print_str(fp, buf);
		break;
	case CONF_OPT_HEX:
		fcnvme_hex_format((const uint8_t *)v, o->size, buf, sizeof(buf));
		print_str(fp, buf);
		break;
	}
	fputs(";\n", fp);
}

static void print_opts(FILE *fp, const struct conf_opt *table, const void *base, int depth)
{
	const struct conf_opt *o;

	for (o = table; o->name != NULL; o++)
		print_opt(fp, o, base, depth);
}

static void print_port(FILE *fp, const struct conf_port *p)
{
	unsigned int i;

	print_opts(fp, conf_port_opts, p, 2);
	if (p->nr_cpus == 0)
		return;
	fputs("\t\tcpus = [ ", fp);
	for (i = 0; i < p->nr_cpus; i++)
		fprintf(fp, "%s%d", i ? ", " : "", p->cpus[i]);
	fputs(" ];\n", fp);
}

static void print_ana(FILE *fp, const struct conf_ana *a)
{
	unsigned int i;

	print_opts(fp, conf_ana_opts, a, 2);
	if (a->nr_ports == 0)
		return;
	fputs("\t\tports = {\n", fp);
	for (i = 0; i < a->nr_ports; i++) {
		fprintf(fp, "\t\t\t%s = ", a->ports[i].port);
		print_str(fp, conf_ana_state_names[a->ports[i].state]);
		fputs(";\n", fp);
	}
	fputs("\t\t};\n", fp);
}

/* A namespace's host mask, only when it has one. */
static void print_ns_hosts(FILE *fp, const struct conf_ns *ns)
{
	unsigned int i;

	if (ns->nr_hosts == 0)
		return;
	fputs("\t\t\t\thosts = [", fp);
	for (i = 0; i < ns->nr_hosts; i++) {
		fputs(i ? ",\n\t\t\t\t\t" : "\n\t\t\t\t\t", fp);
		print_str(fp, ns->hosts[i]);
	}
	fputs("\n\t\t\t\t];\n", fp);
}

static void print_subsys(FILE *fp, const struct conf_subsys *s)
{
	unsigned int i;

	print_opts(fp, conf_subsys_opts, s, 2);
	fputs("\t\thosts = [", fp);
	for (i = 0; i < s->nr_hosts; i++) {
		fputs(i ? ",\n\t\t\t" : "\n\t\t\t", fp);
		print_str(fp, s->hosts[i]);
	}
	fputs(s->nr_hosts ? "\n\t\t];\n" : " ];\n", fp);
	if (s->nr_wwpns > 0) {
		char w[FCNVME_WWN_STRLEN];

		fputs("\t\thost_wwpns = [", fp);
		for (i = 0; i < s->nr_wwpns; i++) {
			fcnvme_wwn_format(s->wwpns[i], w, sizeof(w));
			fputs(i ? ", " : " ", fp);
			print_str(fp, w);
		}
		fputs(" ];\n", fp);
	}
	fputs("\t\tports = [", fp);
	for (i = 0; i < s->nr_ports; i++) {
		fputs(i ? ", " : " ", fp);
		print_str(fp, s->ports[i]);
	}
	fputs(" ];\n", fp);
	fputs("\t\tnamespaces = (", fp);
	for (i = 0; i < s->nr_ns; i++) {
		fputs(i ? ",\n\t\t\t{\n" : "\n\t\t\t{\n", fp);
		print_opts(fp, conf_ns_opts, &s->ns[i], 4);
		print_ns_hosts(fp, &s->ns[i]);
		fputs("\t\t\t}", fp);
	}
	fputs(s->nr_ns ? "\n\t\t);\n" : " );\n", fp);
}

static void print_referral(FILE *fp, const struct conf_referral *r)
{
	unsigned int i;

	print_opts(fp, conf_referral_opts, r, 2);
	fputs("\t\tports = [", fp);
	for (i = 0; i < r->nr_ports; i++) {
		fputs(i ? ", " : " ", fp);
		print_str(fp, r->ports[i]);
	}
	fputs(" ];\n", fp);
	if (r->nr_hosts == 0)
		return;
	fputs("\t\thosts = [", fp);
	for (i = 0; i < r->nr_hosts; i++) {
		fputs(i ? ",\n\t\t\t" : "\n\t\t\t", fp);
		print_str(fp, r->hosts[i]);
	}
	fputs("\n\t\t];\n", fp);
}

/* Print list name with one group per element, via fn. */
static void print_list(FILE *fp, const char *name, const void *arr, unsigned int n, size_t sz,
		       void (*fn)(FILE *, const void *))
{
	unsigned int i;

	fprintf(fp, "%s = (", name);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n\t{\n" : "\n\t{\n", fp);
		fn(fp, (const char *)arr + (size_t)i * sz);
		fputs("\t}", fp);
	}
	fputs(n ? "\n);\n" : " );\n", fp);
}

static void port_fn(FILE *fp, const void *e)
{
	print_port(fp, e);
}

static void ana_fn(FILE *fp, const void *e)
{
	print_ana(fp, e);
}

static void subsys_fn(FILE *fp, const void *e)
{
	print_subsys(fp, e);
}

static void referral_fn(FILE *fp, const void *e)
{
	print_referral(fp, e);
}

/* Print c in the normalised form; 0 or -EIO. */
int conf_print(FILE *fp, const struct conf *c)
{
	fputs("# nvmetfcd configuration (normalised)\n", fp);
	fputs("daemon = {\n", fp);
	print_opts(fp, conf_daemon_opts, c, 1);
	fputs("};\n", fp);
	if (c->has_cluster) {
		fputs("cluster = {\n", fp);
		print_opts(fp, conf_cluster_opts, &c->cluster, 1);
		fputs("};\n", fp);
	}
	print_list(fp, "ports", c->ports, c->nr_ports, sizeof(*c->ports), port_fn);
	print_list(fp, "ana_groups", c->ana, c->nr_ana, sizeof(*c->ana), ana_fn);
	print_list(fp, "subsystems", c->subsys, c->nr_subsys, sizeof(*c->subsys), subsys_fn);
	/* Only when there are some: files without referrals print as before. */
	if (c->nr_referrals)
		print_list(fp, "referrals", c->referrals, c->nr_referrals, sizeof(*c->referrals),
			   referral_fn);
	return ferror(fp) ? -EIO : 0;
}
