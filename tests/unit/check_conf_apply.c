// SPDX-License-Identifier: Apache-2.0
/*
 * conf_apply/conf_reload/conf_save tests against the fake ports and core:
 * the exact operations a first apply and a difference issue, in order;
 * rollback of a failed apply to the previous state; a bad file leaves the
 * running state untouched; save -> load -> save is byte-identical and keeps
 * generated namespace identities.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "conf/conf.h"
#include "conf/conf_ops.h"
#include "conf/conf_plan.h"
#include "fake_target.h"
#include "fcd.h"
#include "suites_control.h"

#define NQN_A "nqn.2026-11.io.x:a"
#define NQN_B "nqn.2026-11.io.x:b"
#define HOST  "nqn.2026-11.io.x:h"
#define HOST2 "nqn.2026-11.io.x:h2"

static const char conf_a[] =
	"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
	" wwpn = \"0x10000090fa000001\"; } );\n"
	"ana_groups = ( { id = 2; } );\n"
	"subsystems = ( { nqn = \"" NQN_A "\"; hosts = [ \"" HOST "\" ];"
	" ports = [ \"p0\" ]; namespaces = (\n"
	" { backend = \"ram\"; size = \"1M\"; },\n"
	" { backend = \"ram\"; size = \"1M\"; ana_group = 2; } ); } );\n";

static const char conf_b[] =
	"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
	" wwpn = \"0x10000090fa000001\"; },\n"
	" { name = \"p1\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
	" wwpn = \"0x10000090fa000002\"; } );\n"
	"ana_groups = ( { id = 2; state = \"inaccessible\"; } );\n"
	"subsystems = ( { nqn = \"" NQN_A "\"; hosts = [ \"" HOST2 "\" ];"
	" ports = [ \"p0\" ]; namespaces = (\n"
	" { nsid = 1; backend = \"ram\"; size = \"1M\"; enabled = false; },\n"
	" { nsid = 2; backend = \"ram\"; size = \"2M\"; ana_group = 2; } ); },\n"
	" { nqn = \"" NQN_B "\"; ports = [ \"p1\" ]; namespaces = (\n"
	" { backend = \"null\"; size = \"1G\"; } ); } );\n";

static struct fcd d;

static struct conf *load(const char *text)
{
	struct conf *c = NULL;
	char err[512] = "";

	ck_assert_msg(conf_load_string(text, "t.conf", &c, err, sizeof(err)) == 0, "%s", err);
	return c;
}

static char *print(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	conf_print(fp, c);
	fclose(fp);
	return buf;
}

/* Create the temporary file named by the template path with text in it. */
static void tmp_write(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static void setup(void)
{
	fake_reset();
	memset(&d, 0, sizeof(d));
	d.tgt = fake_tgt();
}

static void teardown(void)
{
	conf_free(d.conf);
	d.conf = NULL;
	fake_reset();
}

static void apply_ok(const char *text)
{
	struct conf *c = load(text);
	char err[512] = "";

	ck_assert_msg(conf_apply(&d, c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_eq(d.conf, c);
}

/* Applying c is refused with exactly want: nothing is done, the running
 * configuration still prints as before. Frees c. */
static void apply_refused(struct conf *c, const char *want, const char *before)
{
	char err[1024] = "", *after;

	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(fake_log(), "");
	after = print(d.conf);
	ck_assert_str_eq(after, before);
	free(after);
	conf_free(c);
}

START_TEST(first_apply_order)
{
	apply_ok(conf_a);
	ck_assert_str_eq(fake_log(), "port_add p0 1;"
				     "ana_add 2;"
				     "subsys_add " NQN_A ";"
				     "allow_host " NQN_A " " HOST ";"
				     "ns_add " NQN_A " 1;"
				     "ns_add " NQN_A " 2;"
				     "export " NQN_A " 1;");
}
END_TEST

START_TEST(same_config_no_ops)
{
	apply_ok(conf_a);
	fake_log_clear();
	apply_ok(conf_a);
	ck_assert_str_eq(fake_log(), "");
}
END_TEST

START_TEST(ana_port_states)
{
	static const char with_override[] =
		"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
		" wwpn = \"0x10000090fa000001\"; },\n"
		" { name = \"p1\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
		" wwpn = \"0x10000090fa000002\"; } );\n"
		"ana_groups = ( { id = 2; ports = { p1 = \"inaccessible\"; }; } );\n";

	apply_ok(with_override);
	ck_assert_str_eq(fake_log(), "port_add p0 1;port_add p1 2;ana_add 2;ana_state 2 2 3;");
	fake_log_clear();
	apply_ok(with_override); /* nothing changed: nothing done */
	ck_assert_str_eq(fake_log(), "");
	apply_ok(conf_b); /* override gone, group inaccessible */
	ck_assert_ptr_nonnull(strstr(fake_log(), "ana_state 2 1 3;ana_state 2 2 3;"));
}
END_TEST

START_TEST(diff_apply_order)
{
	apply_ok(conf_a);
	fake_log_clear();
	apply_ok(conf_b);
	ck_assert_str_eq(fake_log(), "port_add p1 2;"
				     "ana_state 2 2 1;" /* p1 programmed with group 2 */
				     "ana_state 2 1 3;" /* then group 2 -> inaccessible */
				     "ana_state 2 2 3;"
				     "disallow_host " NQN_A " " HOST ";"
				     "allow_host " NQN_A " " HOST2 ";"
				     "ns_disable " NQN_A " 1;"
				     "ns_resize " NQN_A " 2 2097152;"
				     "subsys_add " NQN_B ";"
				     "ns_add " NQN_B " 1;"
				     "export " NQN_B " 2;");
}
END_TEST

/* The reload plan (conf_plan.h): a dry run of conf_b over conf_a lists the
 * operations and touches neither the fake core nor d->conf; the real
 * reload then lists the same operations and makes the core calls of
 * diff_apply_order. */
START_TEST(reload_plan_dry_then_real)
{
	static const char want[] = "port-add p1\n"
				   "ana-set-state 2 inaccessible\n"
				   "allowed-host-del " NQN_A " " HOST "\n"
				   "allowed-host-add " NQN_A " " HOST2 "\n"
				   "namespace-disable " NQN_A " 1\n"
				   "namespace-resize " NQN_A " 2 2M\n"
				   "subsystem-add " NQN_B "\n"
				   "namespace-add " NQN_B " 1 null 1G\n"
				   "subsystem-add-port " NQN_B " p1\n";
	char path[] = "/tmp/check_conf_apply.XXXXXX", err[512] = "";
	struct conf_plan plan;
	char *before, *after;

	apply_ok(conf_a);
	before = print(d.conf);
	fake_log_clear();
	tmp_write(path, conf_b);
	ck_assert_int_eq(conf_plan_open(&plan, true), 0);
	ck_assert_msg(conf_reload_plan(&d, path, &plan, err, sizeof(err)) == 0, "%s", err);
	conf_plan_close(&plan);
	ck_assert_str_eq(plan.text, want);
	ck_assert_uint_eq(plan.nr, 9);
	ck_assert_str_eq(fake_log(), "");
	ck_assert_ptr_null(d.plan);
	after = print(d.conf);
	ck_assert_str_eq(after, before);
	free(after);
	conf_plan_free(&plan);
	ck_assert_int_eq(conf_plan_open(&plan, false), 0);
	ck_assert_msg(conf_reload_plan(&d, path, &plan, err, sizeof(err)) == 0, "%s", err);
	conf_plan_close(&plan);
	ck_assert_str_eq(plan.text, want);
	ck_assert(strstr(fake_log(), "ns_resize " NQN_A " 2 2097152;") != NULL);
	ck_assert(strstr(fake_log(), "export " NQN_B " 2;") != NULL);
	conf_plan_free(&plan);
	/* nothing left to do */
	ck_assert_int_eq(conf_plan_open(&plan, true), 0);
	ck_assert_int_eq(conf_reload_plan(&d, path, &plan, err, sizeof(err)), 0);
	conf_plan_close(&plan);
	ck_assert_str_eq(plan.text, "");
	ck_assert_uint_eq(plan.nr, 0);
	conf_plan_free(&plan);
	unlink(path);
	free(before);
}
END_TEST

/* Host masking (namespace hosts = [ ... ]): a reload changes the mask in
 * place, hosts that join before those that leave (never through the empty
 * list, which shows the namespace to every host), and the plan names each
 * step; a new namespace brings its mask in its namespace-add. */
static const char conf_mask1[] =
	"subsystems = ( { nqn = \"" NQN_A "\"; hosts = [ \"" HOST "\", \"" HOST2 "\" ];"
	" namespaces = ( { backend = \"ram\"; size = \"1M\"; hosts = [ \"" HOST "\" ]; } ); } );\n";
static const char conf_mask2[] =
	"subsystems = ( { nqn = \"" NQN_A "\"; hosts = [ \"" HOST "\", \"" HOST2 "\" ];"
	" namespaces = ( { backend = \"ram\"; size = \"1M\"; hosts = [ \"" HOST2 "\" ]; },\n"
	" { backend = \"null\"; size = \"1M\"; hosts = [ \"" HOST2 "\", \"" HOST
	"\" ]; } ); } );\n";
static const char conf_mask3[] =
	"subsystems = ( { nqn = \"" NQN_A "\"; hosts = [ \"" HOST "\", \"" HOST2 "\" ];"
	" namespaces = ( { backend = \"ram\"; size = \"1M\"; },\n"
	" { backend = \"null\"; size = \"1M\"; hosts = [ \"" HOST2 "\", \"" HOST
	"\" ]; } ); } );\n";

static void reload_plan_is(const char *text, const char *want)
{
	char path[] = "/tmp/check_conf_apply.XXXXXX", err[512] = "";
	struct conf_plan plan;

	tmp_write(path, text);
	ck_assert_int_eq(conf_plan_open(&plan, false), 0);
	ck_assert_msg(conf_reload_plan(&d, path, &plan, err, sizeof(err)) == 0, "%s", err);
	conf_plan_close(&plan);
	ck_assert_str_eq(plan.text, want);
	conf_plan_free(&plan);
	unlink(path);
}

START_TEST(ns_hosts_reload)
{
	char *out;

	apply_ok(conf_mask1);
	ck_assert_ptr_nonnull(strstr(fake_log(), "ns_add " NQN_A " 1;"));
	fake_log_clear();
	reload_plan_is(conf_mask2, "namespace-add-host " NQN_A " 1 " HOST2 "\n"
				   "namespace-del-host " NQN_A " 1 " HOST "\n"
				   "namespace-add " NQN_A " 2 null 1M\n"
				   "namespace-add-host " NQN_A " 2 " HOST2 "\n"
				   "namespace-add-host " NQN_A " 2 " HOST "\n");
	ck_assert_str_eq(fake_log(), "ns_add_host " NQN_A " 1 " HOST2 ";"
				     "ns_del_host " NQN_A " 1 " HOST ";"
				     "ns_add " NQN_A " 2;");
	/* the running configuration (what config save writes) has the masks,
	 * in file order */
	out = print(d.conf);
	ck_assert_ptr_nonnull(
		strstr(out, "\t\t\t\thosts = [\n\t\t\t\t\t\"" HOST2 "\"\n\t\t\t\t];\n"));
	ck_assert_ptr_nonnull(strstr(out, "\t\t\t\thosts = [\n\t\t\t\t\t\"" HOST2
					  "\",\n\t\t\t\t\t\"" HOST "\"\n\t\t\t\t];\n"));
	free(out);
	fake_log_clear();
	reload_plan_is(conf_mask3, "namespace-del-host " NQN_A " 1 " HOST2 "\n");
	ck_assert_str_eq(fake_log(), "ns_del_host " NQN_A " 1 " HOST2 ";");
	fake_log_clear();
	reload_plan_is(conf_mask3, "");
	ck_assert_str_eq(fake_log(), "");
}
END_TEST

/* Referrals (referrals = ( ... )): added after the ports they name, a
 * changed one is changed in place (its TREQ too, printed by name), one on
 * a port that is replaced
 * goes first and comes back after it, and the running configuration (what
 * config save writes) holds them; a port a referral lists cannot be
 * deleted on its own. */
#define REF_PORTS                                                                     \
	"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";" \
	" wwpn = \"0x10000090fa000001\"; } );\n"
static const char conf_ref1[] =
	REF_PORTS "referrals = ( { name = \"r1\"; traddr = "
		  "\"nn-0x20000090fb000001:pn-0x10000090fb000001\"; portid = 3;"
		  " ports = [ \"p0\" ]; } );\n";
static const char conf_ref2[] =
	REF_PORTS "referrals = ( { name = \"r1\"; traddr = "
		  "\"nn-0x20000090fb000001:pn-0x10000090fb000001\"; portid = 4;"
		  " ports = [ \"p0\" ]; hosts = [ \"" HOST "\" ]; } );\n";
static const char conf_ref2t[] =
	REF_PORTS "referrals = ( { name = \"r1\"; traddr = "
		  "\"nn-0x20000090fb000001:pn-0x10000090fb000001\"; portid = 4;"
		  " treq = \"not required\"; ports = [ \"p0\" ]; hosts = [ \"" HOST "\" ]; } );\n";
static const char conf_ref3[] =
	"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
	" wwpn = \"0x10000090fa000001\"; hw_queues = 2; } );\n"
	"referrals = ( { name = \"r1\"; traddr = "
	"\"nn-0x20000090fb000001:pn-0x10000090fb000001\"; portid = 4;"
	" ports = [ \"p0\" ]; hosts = [ \"" HOST "\" ]; } );\n";

START_TEST(referrals_reload)
{
	char err[512] = "";
	char *out;

	apply_ok(conf_ref1);
	ck_assert_str_eq(fake_log(),
			 "port_add p0 1;"
			 "referral_add r1 0x20000090fb000001 0x10000090fb000001 3 1 0;");
	fake_log_clear();
	reload_plan_is(conf_ref1, "");
	/* changed in place: one operation */
	reload_plan_is(conf_ref2, "referral-set r1 nn-0x20000090fb000001:pn-0x10000090fb000001"
				  " portid 4 port p0 host " HOST "\n");
	ck_assert_str_eq(fake_log(),
			 "referral_set r1 0x20000090fb000001 0x10000090fb000001 4 1 1;");
	out = print(d.conf);
	ck_assert_ptr_nonnull(
		strstr(out, "referrals = (\n\t{\n\t\tname = \"r1\";\n"
			    "\t\ttraddr = \"nn-0x20000090fb000001:pn-0x10000090fb000001\";\n"
			    "\t\tportid = 4;\n\t\tports = [ \"p0\" ];\n"
			    "\t\thosts = [\n\t\t\t\"" HOST "\"\n\t\t];\n\t}\n);\n"));
	free(out);
	fake_log_clear();
	reload_plan_is(conf_ref2t, "referral-set r1 nn-0x20000090fb000001:pn-0x10000090fb000001"
				   " portid 4 treq \"not required\" port p0 host " HOST "\n");
	ck_assert_str_eq(fake_log(),
			 "referral_set r1 0x20000090fb000001 0x10000090fb000001 4 1 1 treq;");
	out = print(d.conf);
	ck_assert_ptr_nonnull(strstr(out, "\t\tportid = 4;\n\t\ttreq = \"not required\";\n"));
	free(out);
	fake_log_clear();
	reload_plan_is(conf_ref3, "referral-del r1\n"
				  "port-del p0\n"
				  "port-add p0\n"
				  "referral-add r1 nn-0x20000090fb000001:pn-0x10000090fb000001"
				  " portid 4 port p0 host " HOST "\n");
	fake_log_clear();
	ck_assert_int_eq(conf_op_port_del(&d, "p0", err, sizeof(err)), -EBUSY);
	ck_assert_str_eq(err, "port p0 lists referral r1: delete the referral first");
	ck_assert_str_eq(fake_log(), "");
	reload_plan_is(REF_PORTS, "referral-del r1\nport-del p0\nport-add p0\n");
	ck_assert_uint_eq(d.conf->nr_referrals, 0);
}
END_TEST

START_TEST(wwpn_acl_diff)
{
	static const char one[] = "subsystems = ( { nqn = \"" NQN_A
				  "\"; host_wwpns = [ \"0x10000090fa0000a1\" ]; } );";
	static const char two[] = "subsystems = ( { nqn = \"" NQN_A
				  "\"; host_wwpns = [ \"0x10000090fa0000a2\" ]; } );";

	apply_ok(one);
	ck_assert_str_eq(fake_log(),
			 "subsys_add " NQN_A ";allow_wwpn " NQN_A " 0x10000090fa0000a1;");
	fake_log_clear();
	apply_ok(two);
	ck_assert_str_eq(fake_log(), "disallow_wwpn " NQN_A " 0x10000090fa0000a1;"
				     "allow_wwpn " NQN_A " 0x10000090fa0000a2;");
}
END_TEST

static const char conf_disc1[] =
	"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
	" wwpn = \"0x10000090fa000001\"; } );\n"
	"subsystems = ( { nqn = \"" NQN_A "\"; ports = [ \"p0\" ]; },\n"
	" { nqn = \"" NQN_B "\"; ports = [ \"p0\" ]; } );\n";
static const char conf_disc2[] =
	"daemon = { discovery_nqn = \"" NQN_B "\"; };\n"
	"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
	" wwpn = \"0x10000090fa000001\"; } );\n"
	"subsystems = ( { nqn = \"" NQN_A "\"; ports = [ \"p0\" ]; } );\n";

/* A reload may give the discovery subsystem the NQN of a subsystem it
 * removes, and a subsystem the unique discovery NQN it drops: the
 * subsystems that go go first, then the discovery NQN changes, then the
 * subsystems that come come. A failed reload puts the name back. */
START_TEST(discovery_nqn_reload)
{
	char err[512] = "";
	struct conf *c;

	apply_ok(conf_disc1);
	fake_log_clear();
	reload_plan_is(conf_disc2, "subsystem-del " NQN_B "\ndiscovery-nqn " NQN_B "\n");
	ck_assert_str_eq(fake_log(), "subsys_del " NQN_B ";disc_nqn " NQN_B ";");
	ck_assert_str_eq(d.conf->discovery_nqn, NQN_B);
	fake_log_clear();
	reload_plan_is(conf_disc1, "discovery-nqn -\nsubsystem-add " NQN_B "\n"
				   "subsystem-add-port " NQN_B " p0\n");
	ck_assert_str_eq(fake_log(), "disc_nqn -;subsys_add " NQN_B ";export " NQN_B " 1;");
	ck_assert_str_eq(d.conf->discovery_nqn, "");
	/* refused by the core: everything undone, the name kept */
	fake_log_clear();
	fake_fail_on("disc_nqn");
	c = load(conf_disc2);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EIO);
	conf_free(c);
	ck_assert_str_eq(err, "fake failure of disc_nqn " NQN_B);
	ck_assert_str_eq(fake_log(), "subsys_del " NQN_B ";FAIL disc_nqn " NQN_B ";"
				     "subsys_add " NQN_B ";export " NQN_B " 1;");
	ck_assert_str_eq(d.conf->discovery_nqn, "");
}
END_TEST

START_TEST(failed_apply_rolls_back)
{
	struct conf *b;
	char *before, *after, err[512] = "";

	apply_ok(conf_a);
	conf_sync_ids(&d); /* as config show prints it */
	before = print(d.conf);
	fake_log_clear();
	fake_fail_on("ns_disable " NQN_A);
	b = load(conf_b);
	ck_assert_int_eq(conf_apply(&d, b, err, sizeof(err)), -EIO);
	ck_assert_str_eq(err, "fake failure of ns_disable " NQN_A " 1");
	after = print(d.conf);
	ck_assert_str_eq(after, before);
	/* Everything done was undone. */
	ck_assert_str_eq(fake_log(), "port_add p1 2;"
				     "ana_state 2 2 1;"
				     "ana_state 2 1 3;"
				     "ana_state 2 2 3;"
				     "disallow_host " NQN_A " " HOST ";"
				     "allow_host " NQN_A " " HOST2 ";"
				     "FAIL ns_disable " NQN_A " 1;"
				     "port_del p1;"
				     "ana_state 2 1 1;"
				     "disallow_host " NQN_A " " HOST2 ";"
				     "allow_host " NQN_A " " HOST ";");
	conf_free(b);
	free(before);
	free(after);
}
END_TEST

/* A failed reload that had deleted a namespace brings it back as the same
 * namespace: with the identifiers it had (its state file was retired by the
 * delete, so only the running configuration still knows them). */
START_TEST(rollback_keeps_ns_identity)
{
	struct conf *b;
	char err[512] = "";

	apply_ok(conf_a);
	ck_assert(!fake_ns_uuid_given(NQN_A, 2)); /* generated by the core */
	fake_fail_on("export " NQN_B);
	b = load("subsystems = ( { nqn = \"" NQN_A "\"; namespaces = (\n"
		 " { backend = \"ram\"; size = \"1M\"; } ); },\n"
		 " { nqn = \"" NQN_B "\"; ports = [ \"p0\" ]; } );\n"
		 "ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
		 " wwpn = \"0x10000090fa000001\"; } );\n"
		 "ana_groups = ( { id = 2; } );\n");
	ck_assert_int_eq(conf_apply(&d, b, err, sizeof(err)), -EIO);
	ck_assert_ptr_nonnull(strstr(fake_log(), "ns_del " NQN_A " 2;"));
	ck_assert_ptr_nonnull(strstr(fake_log(), "ns_add " NQN_A " 2;"));
	ck_assert(fake_ns_uuid_given(NQN_A, 2)); /* re-added with its own ids */
	conf_free(b);
}
END_TEST

START_TEST(shrink_refused)
{
	struct conf *c;
	char err[512] = "";

	apply_ok(conf_b);
	fake_log_clear();
	c = load(conf_a); /* namespace 2 of a: 2M -> 1M */
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, NQN_A " namespace 2: shrinking would lose data");
	conf_free(c);
}
END_TEST

START_TEST(reload_bad_file_keeps_state)
{
	char path[] = "/tmp/check_conf_apply.XXXXXX", err[512] = "";
	char *before, *after;

	apply_ok(conf_a);
	before = print(d.conf);
	fake_log_clear();
	tmp_write(path,
		  "ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";\n"
		  " wwpn = \"zz\"; } );\n");
	d.conf_path = path;
	ck_assert_int_ne(conf_reload(&d, err, sizeof(err)), 0);
	ck_assert_str_eq(strchr(err, ':'),
			 ":2: wwpn \"zz\" is not a WWN (16 hex digits, e.g. 0x20000090fa000001)");
	ck_assert_str_eq(fake_log(), "");
	after = print(d.conf);
	ck_assert_str_eq(after, before);
	unlink(path);
	d.conf_path = NULL;
	free(before);
	free(after);
}
END_TEST

/* A file cut short inside a comment (or holding a NUL byte) would have
 * lost subsystem b to libconfig; the reload is refused instead and b
 * stays, with its namespace. */
START_TEST(reload_truncated_file_keeps_state)
{
	static const char *const cut[] = {
		"subsystems = ( { nqn = \"" NQN_A "\"; } ); /* b follows\n",
		"subsystems = ( { nqn = \"" NQN_A "\"; } );\n\0, { nqn = \"" NQN_B "\"; }",
		"subsystems = ( { nqn = \"" NQN_A "\"; } );\n\"",
	};
	static const size_t len[] = { 0, 84, 0 };
	static const char *const why[] = {
		":1: comment opened here is never closed (missing */)",
		":2: NUL byte: not a text file (truncated or corrupted?)",
		":2: string opened here is never closed (missing \")",
	};
	char path[] = "/tmp/check_conf_apply.XXXXXX", err[512];
	char *before, *after;
	unsigned int i;
	FILE *fp;
	int fd;

	apply_ok(conf_b);
	before = print(d.conf);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	d.conf_path = path;
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		fake_log_clear();
		fp = fopen(path, "w");
		ck_assert_ptr_nonnull(fp);
		fwrite(cut[i], 1, len[i] ? len[i] : strlen(cut[i]), fp);
		fclose(fp);
		ck_assert_int_eq(conf_reload(&d, err, sizeof(err)), -EINVAL);
		ck_assert_str_eq(strchr(err, ':'), why[i]);
		ck_assert_str_eq(fake_log(), "");
		after = print(d.conf);
		ck_assert_str_eq(after, before);
		free(after);
	}
	unlink(path);
	d.conf_path = NULL;
	free(before);
}
END_TEST

#define NS2_ONLY                                                 \
	"subsystems = ( { nqn = \"" NQN_A "\"; namespaces = (\n" \
	" { nsid = 2; backend = \"ram\"; size = \"1M\"; } ); } );\n"

static char *ns_conf(const char *ns1)
{
	char *t = NULL;

	ck_assert_int_gt(asprintf(&t,
				  "subsystems = ( { nqn = \"" NQN_A "\"; namespaces = (\n"
				  " { nsid = 1; %s },\n"
				  " { nsid = 2; backend = \"ram\"; size = \"1M\"; } ); } );\n",
				  ns1),
			 0);
	return t;
}

/* read_only and direct change in place: no namespace is deleted or added
 * (a ram namespace would come back empty). */
START_TEST(ns_changes_in_place)
{
	static const char *const steps[][2] = {
		{ "backend = \"ram\"; size = \"1M\"; read_only = true;",
		  "ns_readonly " NQN_A " 1 1;" },
		{ "backend = \"ram\"; size = \"1M\";", "ns_readonly " NQN_A " 1 0;" },
		{ "backend = \"ram\"; size = \"2M\"; read_only = true; ana_group = 1;",
		  "ns_resize " NQN_A " 1 2097152;ns_readonly " NQN_A " 1 1;" },
	};
	unsigned int i;
	char *t;

	t = ns_conf("backend = \"ram\"; size = \"1M\";");
	apply_ok(t);
	free(t);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fake_log_clear();
		t = ns_conf(steps[i][0]);
		apply_ok(t);
		free(t);
		ck_assert_str_eq(fake_log(), steps[i][1]);
	}
	/* file namespace: direct in place, create only recorded */
	apply_ok(NS2_ONLY);
	t = ns_conf("backend = \"file\"; path = \"/x.img\";");
	apply_ok(t);
	free(t);
	fake_log_clear();
	t = ns_conf("backend = \"file\"; path = \"/x.img\"; direct = true; size = \"1M\"; create = "
		    "true;");
	apply_ok(t);
	free(t);
	ck_assert_str_eq(fake_log(), "ns_resize " NQN_A " 1 1048576;ns_direct " NQN_A " 1 1;");
}
END_TEST

/* What would replace a namespace's storage or identity is refused, with
 * nothing done (not even the other changes of the same file); deleting
 * and adding, in two steps, is how to do it. */
START_TEST(ns_replacement_refused)
{
	static const char *const bad[][2] = {
		{ "backend = \"ram\"; size = \"1M\"; lba_size = 4096;", "lba_size (512 to 4096)" },
		{ "backend = \"null\"; size = \"1M\";", "backend (ram to null)" },
		{ "backend = \"ram\"; size = \"1M\"; uuid = \"00000000-0000-4000-8000-000000000009\";",
		  "uuid" },
	};
	char *t, *before, err[1024], want[1024];
	struct conf *c;
	unsigned int i;

	t = ns_conf("backend = \"ram\"; size = \"1M\"; uuid = "
		    "\"00000000-0000-4000-8000-000000000001\";");
	apply_ok(t);
	free(t);
	before = print(d.conf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fake_log_clear();
		t = ns_conf(bad[i][0]);
		c = load(t);
		free(t);
		/* another change in the same file is not done either */
		c->subsys[0].ns[1].readonly = true;
		snprintf(want, sizeof(want),
			 NQN_A " namespace 1: changing %s would replace the namespace (its data or "
			       "identity), which a reload never does: delete it first (remove it "
			       "from the file and reload, or fcnvmectl namespace del " NQN_A
			       " 1), then add it again",
			 bad[i][1]);
		apply_refused(c, want, before);
	}
	/* the file path too */
	apply_ok(NS2_ONLY);
	t = ns_conf("backend = \"file\"; path = \"/a.img\";");
	apply_ok(t);
	free(t);
	t = ns_conf("backend = \"file\"; path = \"/b.img\";");
	c = load(t);
	free(t);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "changing path (/a.img to /b.img) would replace"));
	conf_free(c);
	/* explicitly: remove, then add back with the new settings */
	fake_log_clear();
	apply_ok(NS2_ONLY);
	t = ns_conf("backend = \"ram\"; size = \"1M\"; lba_size = 4096;");
	apply_ok(t);
	free(t);
	ck_assert_str_eq(fake_log(), "ns_del " NQN_A " 1;ns_add " NQN_A " 1;");
	free(before);
}
END_TEST

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_gt(fread(buf, 1, 65535, fp), 0);
	fclose(fp);
	return buf;
}

START_TEST(save_load_save_identical)
{
	char path[] = "/tmp/check_conf_save.XXXXXX", err[512] = "";
	char *s1, *s2;
	struct conf *c;
	int fd = mkstemp(path);

	close(fd);
	apply_ok(conf_b);
	d.conf_path = path;
	ck_assert_int_eq(conf_save(&d, NULL, err, sizeof(err)), 0);
	s1 = slurp(path);
	/* Generated identities are written back. */
	ck_assert_ptr_nonnull(strstr(s1,
				     "\t\t\t\tuuid = \"aa000000-0000-0000-0000-000000000002\";\n"
				     "\t\t\t\tnguid = \"bb000000000000000000000000000002\";\n"
				     "\t\t\t\teui64 = \"cc00000000000002\";\n"));
	/* A fresh daemon loading the saved file saves the same bytes. */
	conf_free(d.conf);
	d.conf = NULL;
	fake_reset();
	ck_assert_int_eq(conf_load(path, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_save(&d, NULL, err, sizeof(err)), 0);
	s2 = slurp(path);
	ck_assert_str_eq(s1, s2);
	unlink(path);
	d.conf_path = NULL;
	free(s1);
	free(s2);
}
END_TEST

START_TEST(save_errors)
{
	char err[512] = "";

	apply_ok(conf_a);
	ck_assert_int_eq(conf_save(&d, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no configuration file to save to");
	ck_assert_int_eq(conf_save(&d, "/nonexistent/dir/x.conf", err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(
		err,
		"cannot create a temporary file next to /nonexistent/dir/x.conf: No such file or directory");
}
END_TEST

/* The cluster section is read at start-up: a reload that adds, removes or
 * changes it is refused whole (another change in the same file is not
 * made either), and so is its dry run. */
START_TEST(cluster_change_refused)
{
	static const char *const bad[][2] = {
		{ "cluster = { node = \"a\"; node_id = 1; pool = \"rbd\"; heartbeat_ms = 500; };\n",
		  "changed" },
		{ "cluster = { node = \"a\"; node_id = 1; pool = \"rbd\"; failback_ms = 1; };\n",
		  "changed" },
		{ "cluster = { node = \"a\"; node_id = 1; pool = \"rbd\"; op_timeout = 5; };\n",
		  "changed" },
		{ "", "was removed" },
	};
	static const char cl[] = "cluster = { node = \"a\"; node_id = 1; pool = \"rbd\"; };\n";
	char text[2048], err[512], want[512], *before;
	struct conf_plan plan;
	struct conf *c;
	unsigned int i;

	snprintf(text, sizeof(text), "%s%s", cl, conf_a);
	apply_ok(text);
	before = print(d.conf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fake_log_clear();
		snprintf(text, sizeof(text), "%s%s", bad[i][0], conf_b);
		c = load(text);
		snprintf(
			want, sizeof(want),
			"the cluster section %s: it is read when nvmetfcd starts, not on a reload; "
			"restart the node to apply it (its groups go to the other nodes "
			"meanwhile)",
			bad[i][1]);
		apply_refused(c, want, before);
	}
	/* the dry run says the same */
	{
		char path[] = "/tmp/check_conf_apply.XXXXXX";

		tmp_write(path, conf_a);
		ck_assert_int_eq(conf_plan_open(&plan, true), 0);
		ck_assert_int_eq(conf_reload_plan(&d, path, &plan, err, sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "the cluster section was removed"));
		conf_plan_free(&plan);
		unlink(path);
	}
	/* the same section with other changes: applied */
	snprintf(text, sizeof(text), "%s%s", cl, conf_b);
	apply_ok(text);
	ck_assert(d.conf->has_cluster);
	free(before);
	/* and one added to a daemon started without: refused */
	teardown();
	setup();
	apply_ok(conf_a);
	snprintf(text, sizeof(text), "%s%s", cl, conf_a);
	c = load(text);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "the cluster section was added: "));
	conf_free(c);
}
END_TEST

/* Suite: applying, reloading and saving configurations. */
Suite *conf_apply_suite(void)
{
	Suite *s = suite_create("conf_apply");
	TCase *tc = tcase_create("apply");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, first_apply_order);
	tcase_add_test(tc, same_config_no_ops);
	tcase_add_test(tc, diff_apply_order);
	tcase_add_test(tc, reload_plan_dry_then_real);
	tcase_add_test(tc, ana_port_states);
	tcase_add_test(tc, wwpn_acl_diff);
	tcase_add_test(tc, failed_apply_rolls_back);
	tcase_add_test(tc, rollback_keeps_ns_identity);
	tcase_add_test(tc, shrink_refused);
	tcase_add_test(tc, ns_changes_in_place);
	tcase_add_test(tc, ns_replacement_refused);
	tcase_add_test(tc, reload_bad_file_keeps_state);
	tcase_add_test(tc, reload_truncated_file_keeps_state);
	tcase_add_test(tc, save_load_save_identical);
	tcase_add_test(tc, save_errors);
	tcase_add_test(tc, ns_hosts_reload);
	tcase_add_test(tc, referrals_reload);
	tcase_add_test(tc, cluster_change_refused);
	tcase_add_test(tc, discovery_nqn_reload);
	suite_add_tcase(s, tc);
	return s;
}
