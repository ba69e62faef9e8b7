// SPDX-License-Identifier: Apache-2.0
/*
 * Config loader tests: defaults, every option kind, normalised printing
 * (print -> load -> print is byte-identical), exact "FILE:LINE: reason"
 * errors, sizes, and deep copies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <fcnvmectl/ctl.h>

#include "conf/conf.h"
#include "suites_control.h"

#define PORT_P0                                        \
	"ports = ( { name = \"p0\"; dev = \"soft:f\";" \
	" wwnn = \"0x20000090fa000001\"; wwpn = \"0x10000090fa000001\"; } );\n"

static struct conf *load_ok(const char *text)
{
	struct conf *c = NULL;
	char err[512] = "";

	ck_assert_msg(conf_load_string(text, "t.conf", &c, err, sizeof(err)) == 0,
		      "load failed: %s", err);
	return c;
}

static char *print(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_int_eq(conf_print(fp, c), 0);
	fclose(fp);
	return buf;
}

START_TEST(port_defaults)
{
	struct conf *c = load_ok(PORT_P0);
	const struct conf_port *p;

	ck_assert_uint_eq(c->nr_ports, 1);
	p = conf_port_find(c, "p0");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->dev, "soft:f");
	ck_assert_uint_eq(p->portid, 1);
	ck_assert_uint_eq(p->wwnn, 0x20000090fa000001ULL);
	ck_assert_uint_eq(p->wwpn, 0x10000090fa000001ULL);
	ck_assert_uint_eq(p->nr_hwq, 1);
	ck_assert_uint_eq(p->queue_depth, 256);
	ck_assert_uint_eq(p->max_queue_size, 1024);
	ck_assert_uint_eq(p->max_io_queues, 16);
	ck_assert_uint_eq(p->mdts, 256 << 10);
	ck_assert(!p->busy_poll);
	ck_assert(p->readdata_rsp);
	ck_assert(p->enabled);
	ck_assert_ptr_null(p->shm_dir);
	ck_assert_int_eq(c->log_level, FCNVME_LOG_INFO);
	ck_assert_ptr_null(conf_port_find(c, "p1"));
	conf_free(c);
}
END_TEST

START_TEST(subsys_and_ns)
{
	struct conf *c = load_ok(
		PORT_P0
		"ana_groups = ( { id = 2; state = \"non-optimized\"; } );\n"
		"subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; ports = [ \"p0\" ];\n"
		" hosts = [ \"nqn.2026-11.io.x:h\" ]; namespaces = (\n"
		"  { backend = \"ram\"; size = \"4M\"; ana_group = 2; },\n"
		"  { nsid = 1; backend = \"file\"; path = \"/x\"; lba_size = 4096;\n"
		"    uuid = \"00000000-0000-4000-8000-000000000001\"; eui64 = \"0102030405060708\"; } ); } );\n");
	const struct conf_subsys *s = conf_subsys_find(c, "nqn.2026-11.io.x:a");
	const struct conf_ns *n1, *n2;

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->nr_hosts, 1);
	ck_assert_str_eq(s->hosts[0], "nqn.2026-11.io.x:h");
	ck_assert_uint_eq(s->nr_ports, 1);
	ck_assert_str_eq(s->ports[0], "p0");
	ck_assert_uint_eq(s->nr_ns, 2);
	n1 = conf_ns_find(s, 1);
	n2 = conf_ns_find(s, 2);
	ck_assert_ptr_nonnull(n1);
	ck_assert_ptr_nonnull(n2);
	ck_assert_ptr_eq(n2, &s->ns[0]); /* the NSID-less one got 2 */
	ck_assert_int_eq(n1->backend, TGT_BACKEND_FILE);
	ck_assert_str_eq(n1->path, "/x");
	ck_assert_uint_eq(n1->lba_size, 4096);
	ck_assert(n1->has_uuid && !n1->has_nguid && n1->has_eui64);
	ck_assert_uint_eq(n1->uuid[15], 1);
	ck_assert_uint_eq(n1->eui64[7], 8);
	ck_assert_uint_eq(n2->size, 4 << 20);
	ck_assert_uint_eq(n2->anagrpid, 2);
	ck_assert(n2->enabled);
	ck_assert_uint_eq(conf_ana_find(c, 2)->state, FCNVME_ANA_NON_OPTIMIZED);
	conf_free(c);
}
END_TEST

START_TEST(print_fixed_point)
{
	struct conf *c = load_ok(
		PORT_P0
		"daemon = { log_level = \"debug\"; socket_group = \"g\"; };\n"
		"ana_groups = ( { id = 2; ports = { p0 = \"inaccessible\"; }; } );\n"
		"subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; model = \"a\\\"b\";\n"
		" host_wwpns = [ \"naa.10000090FA000001\", \"0x10000090fa000002\" ];\n"
		" namespaces = ( { backend = \"null\"; size = 1536; nguid = \"000102030405060708090a0b0c0d0e0f\"; } ); } );\n");
	struct conf *c2, *dup;
	char *t1 = print(c), *t2, *t3;

	c2 = load_ok(t1);
	t2 = print(c2);
	ck_assert_str_eq(t1, t2);
	ck_assert_ptr_nonnull(strstr(t1, "\t\t\t\tsize = \"1536\";\n"));
	ck_assert_ptr_nonnull(strstr(t1, "\t\tmodel = \"a\\\"b\";\n"));
	ck_assert_ptr_nonnull(strstr(
		t1, "\t\thost_wwpns = [ \"0x10000090fa000001\", \"0x10000090fa000002\" ];\n"));
	ck_assert_ptr_nonnull(strstr(t1, "\t\t\tp0 = \"inaccessible\";\n"));
	ck_assert_ptr_nonnull(
		strstr(t1, "\t\t\t\tnguid = \"000102030405060708090a0b0c0d0e0f\";\n"));
	dup = conf_dup(c2);
	t3 = print(dup);
	ck_assert_str_eq(t1, t3);
	free(t1);
	free(t2);
	free(t3);
	conf_free(c);
	conf_free(c2);
	conf_free(dup);
}
END_TEST

struct err_case {
	const char *text;
	const char *err;
};

static const struct err_case err_cases[] = {
	{ "ports = ( { name = \"p0\" } ", "t.conf:1: syntax error" },
	{ "foo = 1;",
	  "t.conf:1: unknown section foo (expected daemon, ports, ana_groups, subsystems, cluster)" },
	{ "daemon = { log_level = \"loud\"; };",
	  "t.conf:1: log_level \"loud\" is not one of: warn, info, debug" },
	{ "daemon = { verbose = 1; };", "t.conf:1: unknown setting verbose in daemon" },
	{ "ports = ( { name = \"0p\"; } );",
	  "t.conf:1: name \"0p\": use a letter then letters, digits, '-' or '_' (at most 31)" },
	{ "ports = ( {\n name = \"p0\";\n dev = \"soft:f\";\n wwnn = \"0x20000090fa000001\";\n wwpn = 5; } );",
	  "t.conf:5: wwpn must be a string" },
	{ "ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";\n"
	  " wwpn = \"0x10000090fa000001\"; mdts = \"1K\"; } );",
	  "t.conf:2: mdts = 1024 is outside 16384..16777216" },
	{ "ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";\n"
	  " wwpn = \"0x10000090fa000001\"; mdts = \"384K\"; } );",
	  "t.conf:2: port p0: mdts = 393216 is not a power of two (Identify MDTS states powers "
	  "of two)" },
	{ PORT_P0 "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; namespaces = (\n"
		  " { backend = \"ram\"; size = \"1M\"; lba_size = 1024; } ); } );",
	  "t.conf:3: namespace: lba_size must be 512 or 4096" },
	{ PORT_P0 "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; namespaces = (\n"
		  " { backend = \"ram\"; path = \"/x\"; size = \"1M\"; } ); } );",
	  "t.conf:3: namespace: path is only for backend file" },
	{ "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; },\n { nqn = \"nqn.2026-11.io.x:a\"; } );",
	  "t.conf:2: subsystem nqn.2026-11.io.x:a defined twice" },
	{ "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; hosts = [ \"bad\" ]; } );",
	  "t.conf:1: host \"bad\": NQN must start with 'nqn.'" },
	{ "ana_groups = ( { id = 0; } );", "t.conf:1: id = 0 is outside 1..128" },
	{ "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; cntlid_min = 9; cntlid_max = 8; } );",
	  "t.conf:1: subsystem nqn.2026-11.io.x:a: give cntlid_min <= cntlid_max, both 1..65519" },
	{ "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\";\n"
	  " host_wwpns = [ \"0x10000090fa000001\", \"10:00:00:90:fa:00:00:01\" ]; } );",
	  "t.conf:2: host_wwpns: 10:00:00:90:fa:00:00:01 listed twice" },
	{ "subsystems = ( { nqn = \"nqn.2026-11.io.x:a\"; host_wwpns = [ \"x\" ]; } );",
	  "t.conf:1: host_wwpns: \"x\" is not a WWPN" },
	{ "ana_groups = ( { state = \"optimized\"; } );", "t.conf:1: ANA group needs id" },
	{ "ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\"; wwpn = \"0x10000090fa000001\"; portid = 3; },\n"
	  " { name = \"p1\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\"; wwpn = \"0x10000090fa000002\"; portid = 3; } );",
	  "t.conf:2: port p1 has the portid of port p0" },
};

START_TEST(load_errors)
{
	const struct err_case *e = &err_cases[_i];
	struct conf *c = NULL;
	char err[512] = "";

	ck_assert_int_ne(conf_load_string(e->text, "t.conf", &c, err, sizeof(err)), 0);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err, e->err);
}
END_TEST

START_TEST(load_missing_file)
{
	struct conf *c = NULL;
	char err[512];

	ck_assert_int_eq(conf_load("/nonexistent/x.conf", &c, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "/nonexistent/x.conf: cannot read: No such file or directory");
}
END_TEST

START_TEST(sizes)
{
	static const struct {
		const char *in;
		uint64_t v;
		const char *out;
	} t[] = {
		{ "0", 0, "0" },
		{ "512", 512, "512" },
		{ "1536", 1536, "1536" },
		{ "4K", 4096, "4K" },
		{ "4k", 4096, "4K" },
		{ "256M", 256ULL << 20, "256M" },
		{ "1GiB", 1ULL << 30, "1G" },
		{ "1GB", 1ULL << 30, "1G" },
		{ "2048M", 2ULL << 30, "2G" },
		{ "3T", 3ULL << 40, "3T" },
		{ "16E", 0, NULL },
	};
	char buf[32];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].out == NULL) {
			ck_assert_int_ne(conf_size_parse(t[i].in, &v), 0);
			continue;
		}
		ck_assert_int_eq(conf_size_parse(t[i].in, &v), 0);
		ck_assert_uint_eq(v, t[i].v);
		conf_size_format(v, buf, sizeof(buf));
		ck_assert_str_eq(buf, t[i].out);
	}
	ck_assert_int_eq(conf_size_parse("", &v), -EINVAL);
	ck_assert_int_eq(conf_size_parse("-1", &v), -EINVAL);
	ck_assert_int_eq(conf_size_parse("1Q", &v), -EINVAL);
	ck_assert_int_eq(conf_size_parse("1KX", &v), -EINVAL);
}
END_TEST

/* Suite: the config loader and printer. */
Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, port_defaults);
	tcase_add_test(tc, subsys_and_ns);
	tcase_add_test(tc, print_fixed_point);
	tcase_add_loop_test(tc, load_errors, 0, (int)(sizeof(err_cases) / sizeof(err_cases[0])));
	tcase_add_test(tc, load_missing_file);
	tcase_add_test(tc, sizes);
	suite_add_tcase(s, tc);
	return s;
}
