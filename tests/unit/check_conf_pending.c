// SPDX-License-Identifier: Apache-2.0
/*
 * Pending namespaces (daemon.backing_missing = "pending", conf_pending.c)
 * against the fake ports and core: a file namespace whose backing file is
 * missing is recorded in d->conf but never reaches the core, the
 * namespace operations change only its record meanwhile, a reload keeps
 * it pending (or drops it without a core call), an ANA group it uses
 * cannot be deleted, a dry plan names it; conf_pending_tick() adds it as
 * recorded once the file exists, at most once a second, and keeps it
 * pending (its error logged once) while the add fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <fcnvme/clock.h>

#include "conf/conf.h"
#include "conf/conf_ops.h"
#include "conf/conf_plan.h"
#include "core/tgt.h"
#include "fake_target.h"
#include "fcd.h"
#include "log.h"
#include "stderr_capture.h"
#include "suites_control.h"

#define NQN_A "nqn.2026-11.io.x:a"
#define HOST  "nqn.2026-11.io.x:h"

#define PENDING "daemon = { backing_missing = \"pending\"; };\n"
#define FAIL	"daemon = { backing_missing = \"fail\"; };\n"

static struct fcd d;
/* the temporary directory, the backing files of namespaces 2 and 3 (never
 * created unless a test does), a configuration file for reloads */
static char dir[64], path2[128], path3[128], conf_path[128];
/* file namespace 2 (1M, ANA group 2) and 3 (no size) at those paths, as
 * extra namespaces for conf_text() */
static char ns2[256], ns3[256];

/* The backing files and the configuration file gone. */
static void files_remove(void)
{
	unlink(path2);
	unlink(path3);
	unlink(conf_path);
}

/* Once for the test case, in the runner: the directory, removed at the end
 * even when a test failed (a failed test runs no checked teardown). */
static void dir_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/conf_pending.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path2, sizeof(path2), "%s/lun2", dir);
	snprintf(path3, sizeof(path3), "%s/lun3", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/t.conf", dir);
	snprintf(ns2, sizeof(ns2),
		 ",\n { nsid = 2; backend = \"file\"; path = \"%s\"; size = \"1M\";"
		 " ana_group = 2; }",
		 path2);
	snprintf(ns3, sizeof(ns3), ",\n { nsid = 3; backend = \"file\"; path = \"%s\"; }", path3);
}

static void dir_teardown(void)
{
	files_remove();
	rmdir(dir);
}

/* Each test starts with no files (whatever a failed one left). */
static void setup(void)
{
	fake_reset();
	memset(&d, 0, sizeof(d));
	d.tgt = fake_tgt();
	files_remove();
}

static void teardown(void)
{
	conf_free(d.conf);
	d.conf = NULL;
	fake_reset();
	files_remove();
}

/* A configuration: policy (a daemon section, or ""), one port, ANA groups
 * 2 and 3, subsystem A on the port with ram namespace 1 and the extra
 * namespaces extra (",\n { ... }" each). Freed by the caller. */
static char *conf_text(const char *policy, const char *extra)
{
	char *t = NULL;

	ck_assert_int_gt(
		asprintf(
			&t,
			"%s"
			"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
			" wwpn = \"0x10000090fa000001\"; } );\n"
			"ana_groups = ( { id = 2; }, { id = 3; } );\n"
			"subsystems = ( { nqn = \"" NQN_A "\"; hosts = [ \"" HOST "\" ];"
			" ports = [ \"p0\" ]; namespaces = (\n"
			" { nsid = 1; backend = \"ram\"; size = \"1M\"; }%s ); } );\n",
			policy, extra),
		0);
	return t;
}

static struct conf *load(const char *text)
{
	struct conf *c = NULL;
	char err[512] = "";

	ck_assert_msg(conf_load_string(text, "t.conf", &c, err, sizeof(err)) == 0, "%s", err);
	return c;
}

static void apply_ok(const char *text)
{
	struct conf *c = load(text);
	char err[512] = "";

	ck_assert_msg(conf_apply(&d, c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_eq(d.conf, c);
}

/* Apply conf_text(policy, extra). */
static void apply_text(const char *policy, const char *extra)
{
	char *t = conf_text(policy, extra);

	apply_ok(t);
	free(t);
}

/* Write conf_text(policy, extra) to conf_path, d.conf_path. */
static void write_text(const char *policy, const char *extra)
{
	char *t = conf_text(policy, extra);
	FILE *fp = fopen(conf_path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(t, fp);
	ck_assert_int_eq(fclose(fp), 0);
	free(t);
	d.conf_path = conf_path;
}

/* Write conf_text(policy, extra) to conf_path and reload it: 0. */
static void reload_text(const char *policy, const char *extra)
{
	char err[512] = "";

	write_text(policy, extra);
	ck_assert_msg(conf_reload(&d, err, sizeof(err)) == 0, "%s", err);
}

/* The plan of a reload of conf_path (dry: only recorded); its rc 0. */
static char *plan_of(bool dry)
{
	struct conf_plan plan;
	char err[512] = "", *text;

	ck_assert_int_eq(conf_plan_open(&plan, dry), 0);
	ck_assert_msg(conf_reload_plan(&d, conf_path, &plan, err, sizeof(err)) == 0, "%s", err);
	conf_plan_close(&plan);
	text = strdup(plan.text);
	ck_assert_ptr_nonnull(text);
	conf_plan_free(&plan);
	return text;
}

/* Namespace nsid of A in d->conf (NULL: none). */
static struct conf_ns *conf_ns(uint32_t nsid)
{
	struct conf_subsys *cs = conf_subsys_find(d.conf, NQN_A);

	ck_assert_ptr_nonnull(cs);
	return conf_ns_find(cs, nsid);
}

/* Whether namespace nsid of A is in d->conf and pending. */
static bool pending(uint32_t nsid)
{
	struct conf_ns *ns = conf_ns(nsid);

	ck_assert_msg(ns != NULL, "no namespace %u in d->conf", nsid);
	return ns->pending;
}

/* Make a backing file of 1 MiB. */
static void make_file(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	ck_assert_int_eq(close(fd), 0);
}

/* What the fake core has of namespace nsid of A, as "size SIZE enabled|
 * disabled rw|ro ana GRP hosts H1,H2"; "" when it has no such namespace. */
struct core_q {
	uint32_t nsid;
	char out[512];
};

static int core_ns_cb(const struct tgt_ns_info *ni, void *arg)
{
	struct core_q *q = arg;
	size_t n;
	unsigned int i;

	if (ni->nsid != q->nsid)
		return 0;
	n = (size_t)snprintf(q->out, sizeof(q->out), "size %llu %s %s ana %u hosts ",
			     (unsigned long long)ni->size, ni->enabled ? "enabled" : "disabled",
			     ni->readonly ? "ro" : "rw", ni->anagrpid);
	for (i = 0; i < ni->nr_hosts && n < sizeof(q->out); i++)
		n += (size_t)snprintf(q->out + n, sizeof(q->out) - n, "%s%s", i ? "," : "",
				      ni->hosts[i]);
	return 1;
}

static const char *core_ns(uint32_t nsid)
{
	static struct core_q q;

	q.nsid = nsid;
	q.out[0] = '\0';
	tgt_ns_foreach(d.tgt, NQN_A, core_ns_cb, &q);
	return q.out;
}

/* Runs under stderr_capture(): the logger to stderr (foreground, warnings
 * and notices), then the apply of cap_text or a tick; the result in
 * cap_rc. */
static const char *cap_text;
static int cap_rc;

static void cap_apply(void)
{
	log_init(1, 0);
	apply_ok(cap_text);
	cap_rc = 0;
}

static void cap_reload(void)
{
	char err[512] = "";

	log_init(1, 0);
	cap_rc = conf_reload(&d, err, sizeof(err));
}

static void cap_tick(void)
{
	log_init(1, 0);
	d.pending_next_ms = 0;
	cap_rc = conf_pending_tick(&d);
}

/* A first apply adds the ram namespace and leaves the file namespace
 * whose file is missing pending: no core call for it, one warning. */
START_TEST(first_apply_pending)
{
	char *t = conf_text(PENDING, ns2), want[1024], list[256];
	const char *out;

	cap_text = t;
	out = stderr_capture(cap_apply);
	ck_assert_int_eq(cap_rc, 0);
	ck_assert_str_eq(fake_log(), "port_add p0 1;"
				     "ana_add 2;"
				     "ana_add 3;"
				     "subsys_add " NQN_A ";"
				     "allow_host " NQN_A " " HOST ";"
				     "ns_add " NQN_A " 1;"
				     "export " NQN_A " 1;");
	snprintf(want, sizeof(want),
		 "<5>configuration: " NQN_A " namespace 1 added (1048576 bytes)\n"
		 "<4>configuration: " NQN_A " namespace 2 pending: its backing file %s does not "
		 "exist; served once it does\n",
		 path2);
	ck_assert_str_eq(out, want);
	free(t);
	ck_assert_int_eq(d.conf->backing_missing, CONF_BACKING_PENDING);
	ck_assert(!pending(1));
	ck_assert(pending(2));
	ck_assert_int_eq(conf_ns(2)->pending_err, 0);
	ck_assert_str_eq(core_ns(1), "size 1048576 enabled rw ana 1 hosts ");
	ck_assert_str_eq(core_ns(2), "");
	ck_assert_uint_eq(conf_pending_list(d.conf, list, sizeof(list)), 1);
	snprintf(want, sizeof(want), "%s (" NQN_A " namespace 2)", path2);
	ck_assert_str_eq(list, want);
	/* cut short in a small buffer, still counted; no buffer: the count */
	ck_assert_uint_eq(conf_pending_list(d.conf, list, 8), 1);
	ck_assert_str_eq(list, "/tmp/co");
	ck_assert_uint_eq(conf_pending_list(d.conf, NULL, 0), 1);
}
END_TEST

/* Without the setting, or with "fail", the add goes to the core (which
 * fails it when the file is missing); with create = true the core makes
 * the file: never pending either. */
START_TEST(fail_policy_adds)
{
	static const char *const policies[] = { "", FAIL };
	char create[256], list[256];
	unsigned int i;

	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (i) {
			teardown();
			setup();
		}
		apply_text(policies[i], ns2);
		ck_assert_int_eq(d.conf->backing_missing, CONF_BACKING_FAIL);
		ck_assert_str_eq(fake_log(), "port_add p0 1;"
					     "ana_add 2;"
					     "ana_add 3;"
					     "subsys_add " NQN_A ";"
					     "allow_host " NQN_A " " HOST ";"
					     "ns_add " NQN_A " 1;"
					     "ns_add " NQN_A " 2;"
					     "export " NQN_A " 1;");
		ck_assert(!pending(2));
		ck_assert_uint_eq(conf_pending_list(d.conf, list, sizeof(list)), 0);
		ck_assert_str_eq(list, "");
	}
	teardown();
	setup();
	snprintf(create, sizeof(create),
		 ",\n { nsid = 2; backend = \"file\"; path = \"%s\"; size = \"1M\";"
		 " create = true; }",
		 path2);
	apply_text(PENDING, create);
	ck_assert_ptr_nonnull(strstr(fake_log(), "ns_add " NQN_A " 1;ns_add " NQN_A " 2;"));
	ck_assert(!pending(2));
}
END_TEST

/* The namespace operations on a pending namespace change its record only;
 * their checks still hold; those on a served one reach the core. */
START_TEST(ops_change_record_only)
{
	char err[512] = "";
	struct conf_ns *ns;

	apply_text(PENDING, ns2);
	fake_log_clear();
	ck_assert_int_eq(conf_op_ns_enable(&d, NQN_A, 2, false, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_host(&d, NQN_A, 2, HOST, true, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_readonly(&d, NQN_A, 2, true, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_resize(&d, NQN_A, 2, 2 << 20, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_ana_group(&d, NQN_A, 2, 3, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_direct(&d, NQN_A, 2, true, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_resv(&d, NQN_A, 2, true, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "");
	ns = conf_ns(2);
	ck_assert(ns->pending);
	ck_assert(!ns->enabled);
	ck_assert_uint_eq(ns->nr_hosts, 1);
	ck_assert_str_eq(ns->hosts[0], HOST);
	ck_assert(ns->readonly);
	ck_assert_uint_eq(ns->size, 2 << 20);
	ck_assert_uint_eq(ns->anagrpid, 3);
	ck_assert(ns->direct);
	ck_assert(ns->resv);
	ck_assert_str_eq(core_ns(2), "");
	/* a host taken away again, still in the record only */
	ck_assert_int_eq(conf_op_ns_host(&d, NQN_A, 2, HOST, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(conf_ns(2)->nr_hosts, 0);
	ck_assert_int_eq(conf_op_ns_host(&d, NQN_A, 2, HOST, true, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "");
	/* the checks are those of a served namespace */
	ck_assert_int_eq(conf_op_ns_host(&d, NQN_A, 2, HOST, true, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, "namespace 2 of " NQN_A " is already visible to host " HOST);
	ck_assert_int_eq(conf_op_ns_set_ana_group(&d, NQN_A, 2, 9, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no ANA group 9");
	ck_assert_int_eq(conf_op_ns_resize(&d, NQN_A, 2, (2 << 20) + 1, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "size is not a multiple of the LBA size 512");
	ck_assert_uint_eq(conf_ns(2)->anagrpid, 3);
	ck_assert_uint_eq(conf_ns(2)->size, 2 << 20);
	ck_assert_str_eq(fake_log(), "");
	/* namespace 1 is served: its changes go to the core */
	ck_assert_int_eq(conf_op_ns_enable(&d, NQN_A, 1, false, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_readonly(&d, NQN_A, 1, true, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "ns_disable " NQN_A " 1;ns_readonly " NQN_A " 1 1;");
}
END_TEST

/* The tick: nothing while the file is missing; once it exists (and the
 * second is over) the namespace is added as its record says by then,
 * once. */
START_TEST(tick_adds_when_file_appears)
{
	char err[512] = "", want[512];
	uint64_t t0;
	const char *out;

	apply_text(PENDING, ns2);
	ck_assert_int_eq(conf_op_ns_enable(&d, NQN_A, 2, false, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_host(&d, NQN_A, 2, HOST, true, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_readonly(&d, NQN_A, 2, true, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_resize(&d, NQN_A, 2, 2 << 20, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ns_set_ana_group(&d, NQN_A, 2, 3, err, sizeof(err)), 0);
	fake_log_clear();
	/* the file is missing: nothing, and the next look in a second */
	t0 = fcnvme_clock_ms();
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	ck_assert_uint_ge(d.pending_next_ms, t0 + 1000);
	ck_assert_uint_le(d.pending_next_ms, fcnvme_clock_ms() + 1000);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	/* the file is there, but the second is not over: nothing yet */
	make_file(path2);
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	/* now: added with the settings changed while it was pending */
	out = stderr_capture(cap_tick);
	ck_assert_int_eq(cap_rc, 1);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 2;");
	ck_assert_str_eq(core_ns(2), "size 2097152 disabled ro ana 3 hosts " HOST);
	snprintf(want, sizeof(want),
		 "<5>" NQN_A " namespace 2: its backing file %s exists now; serving it (2097152 "
		 "bytes, disabled)\n",
		 path2);
	ck_assert_str_eq(out, want);
	ck_assert(!pending(2));
	ck_assert_uint_eq(conf_pending_list(d.conf, NULL, 0), 0);
	/* once: not again, at the next second either */
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	d.pending_next_ms = 0;
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 2;");
	/* served now: its changes go to the core */
	fake_log_clear();
	ck_assert_int_eq(conf_op_ns_enable(&d, NQN_A, 2, true, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "ns_enable " NQN_A " 2;");
}
END_TEST

/* No tick while a dry plan records or the daemon stops; a served
 * namespace is not added again by a reload of the same file. */
START_TEST(tick_skips_plan_and_stop)
{
	struct conf_plan plan;
	char *t;

	apply_text(PENDING, ns2);
	make_file(path2);
	fake_log_clear();
	d.stopping = true;
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	d.stopping = false;
	ck_assert_int_eq(conf_plan_open(&plan, true), 0);
	d.plan = &plan;
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	d.plan = NULL;
	conf_plan_close(&plan);
	ck_assert_str_eq(plan.text, "");
	conf_plan_free(&plan);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	ck_assert_int_eq(conf_pending_tick(&d), 1);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 2;");
	ck_assert_str_eq(core_ns(2), "size 1048576 enabled rw ana 2 hosts ");
	fake_log_clear();
	t = conf_text(PENDING, ns2);
	apply_ok(t);
	free(t);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(!pending(2));
}
END_TEST

/* A reload keeps a pending namespace pending (its error too), drops one
 * the file no longer has without a core call, leaves a new one pending. */
START_TEST(reload_carries_pending)
{
	char list[512], want[512], extra[512];

	apply_text(PENDING, ns2);
	conf_ns(2)->pending_err = -EIO;
	fake_log_clear();
	reload_text(PENDING, ns2);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	ck_assert_int_eq(conf_ns(2)->pending_err, -EIO);
	/* the policy is for adds: a pending namespace stays pending */
	reload_text(FAIL, ns2);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	reload_text(PENDING, ns2);
	/* without namespace 2: gone, and no ns_del */
	reload_text(PENDING, "");
	ck_assert_str_eq(fake_log(), "");
	ck_assert_ptr_null(conf_ns(2));
	ck_assert_uint_eq(conf_subsys_find(d.conf, NQN_A)->nr_ns, 1);
	ck_assert_uint_eq(conf_pending_list(d.conf, list, sizeof(list)), 0);
	/* back, with another missing one: both pending */
	snprintf(extra, sizeof(extra), "%s%s", ns2, ns3);
	reload_text(PENDING, extra);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	ck_assert(pending(3));
	ck_assert_int_eq(conf_ns(2)->pending_err, 0);
	ck_assert_uint_eq(conf_pending_list(d.conf, list, sizeof(list)), 2);
	snprintf(want, sizeof(want), "%s (" NQN_A " namespace 2), %s (" NQN_A " namespace 3)",
		 path2, path3);
	ck_assert_str_eq(list, want);
	/* one file appears: only that one is added */
	make_file(path3);
	d.pending_next_ms = 0;
	ck_assert_int_eq(conf_pending_tick(&d), 1);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 3;");
	ck_assert(pending(2));
	ck_assert(!pending(3));
	/* and a reload now keeps 3 served, 2 pending */
	fake_log_clear();
	reload_text(PENDING, extra);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	ck_assert(!pending(3));
}
END_TEST

/* A reload's in-place changes to a pending namespace change its record
 * only. */
START_TEST(reload_changes_pending_in_place)
{
	char ns2b[512];

	apply_text(PENDING, ns2);
	fake_log_clear();
	snprintf(ns2b, sizeof(ns2b),
		 ",\n { nsid = 2; backend = \"file\"; path = \"%s\"; size = \"2M\";"
		 " ana_group = 3; read_only = true; enabled = false;"
		 " hosts = [ \"" HOST "\" ]; }",
		 path2);
	reload_text(PENDING, ns2b);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	/* smaller again: no data to lose yet, so not refused */
	snprintf(ns2b, sizeof(ns2b),
		 ",\n { nsid = 2; backend = \"file\"; path = \"%s\"; size = \"512K\";"
		 " ana_group = 3; read_only = true; enabled = false;"
		 " hosts = [ \"" HOST "\" ]; }",
		 path2);
	reload_text(PENDING, ns2b);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	ck_assert_uint_eq(conf_ns(2)->size, 512 << 10);
	make_file(path2);
	d.pending_next_ms = 0;
	ck_assert_int_eq(conf_pending_tick(&d), 1);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 2;");
	ck_assert_str_eq(core_ns(2), "size 524288 disabled ro ana 3 hosts " HOST);
}
END_TEST

/* A reload may fix a pending namespace's path: it replaces the pending
 * one (no data or identity in use yet); the new path is added at once when
 * it exists, else pending too. A served one's path is still refused. */
START_TEST(reload_fixes_pending_path)
{
	char ns2b[512], want[2048], err[512] = "", *plan;
	const char *out;

	apply_text(PENDING, ns2);
	fake_log_clear();
	snprintf(ns2b, sizeof(ns2b),
		 ",\n { nsid = 2; backend = \"file\"; path = \"%s\"; size = \"1M\";"
		 " ana_group = 2; }",
		 path3);
	/* another missing path: replaced, pending at the new one */
	write_text(PENDING, ns2b);
	plan = plan_of(true);
	snprintf(want, sizeof(want),
		 "namespace-del " NQN_A " 2\n"
		 "namespace-add " NQN_A " 2 file 1M (pending: %s does not exist)\n",
		 path3);
	ck_assert_str_eq(plan, want);
	free(plan);
	ck_assert_str_eq(conf_ns(2)->path, path2);
	out = stderr_capture(cap_reload);
	ck_assert_int_eq(cap_rc, 0);
	snprintf(want, sizeof(want),
		 "<5>configuration: " NQN_A " namespace 2 (pending) replaced: path (%s to %s) "
		 "changed\n"
		 "<4>configuration: " NQN_A " namespace 2 pending: its backing file %s does not "
		 "exist; served once it does\n"
		 "<6>reload: namespace-del " NQN_A " 2\n"
		 "<6>reload: namespace-add " NQN_A " 2 file 1M (pending: %s does not exist)\n",
		 path2, path3, path3, path3);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(fake_log(), "");
	ck_assert(pending(2));
	ck_assert_str_eq(conf_ns(2)->path, path3);
	/* a path that exists: added now, nothing to delete in the core */
	make_file(path2);
	reload_text(PENDING, ns2);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 2;");
	ck_assert(!pending(2));
	ck_assert_str_eq(conf_ns(2)->path, path2);
	ck_assert_str_eq(core_ns(2), "size 1048576 enabled rw ana 2 hosts ");
	/* served: a path change is refused as ever */
	fake_log_clear();
	write_text(PENDING, ns2b);
	d.conf_path = conf_path;
	ck_assert_int_eq(conf_reload(&d, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "changing path (%s to %s) would replace", path2, path3);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_str_eq(fake_log(), "");
}
END_TEST

/* A failed reload rolls back to the running state: the policy stays (a
 * later config save writes it), and a pending namespace the reload had
 * removed comes back pending, without a core call. */
START_TEST(failed_reload_keeps_pending)
{
	static const char ram3[] = ",\n { nsid = 3; backend = \"ram\"; size = \"1M\"; }";
	char extra[512], err[512] = "", *t;
	struct conf *c;
	unsigned int i;

	apply_text(PENDING, ns2);
	snprintf(extra, sizeof(extra), "%s%s", ns2, ram3);
	/* i 0: the reload keeps namespace 2; 1: it removes it */
	for (i = 0; i < 2; i++) {
		fake_log_clear();
		fake_fail_on("ns_add " NQN_A " 3");
		t = conf_text(PENDING, i == 0 ? extra : ram3);
		c = load(t);
		free(t);
		ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EIO);
		ck_assert_str_eq(err, "fake failure of ns_add " NQN_A " 3");
		conf_free(c);
		ck_assert_int_eq(d.conf->backing_missing, CONF_BACKING_PENDING);
		ck_assert_str_eq(fake_log(), "FAIL ns_add " NQN_A " 3;");
		ck_assert(pending(2));
		ck_assert_ptr_null(conf_ns(3));
		ck_assert_str_eq(core_ns(2), "");
	}
}
END_TEST

/* A failed reload that had fixed a pending namespace's path (the new one
 * exists: served at once) takes the fix back: the namespace leaves the core
 * and is pending at its old path again. */
START_TEST(failed_reload_undoes_path_fix)
{
	static const char ram3[] = ",\n { nsid = 3; backend = \"ram\"; size = \"1M\"; }";
	char extra[512], err[512] = "", *t;
	struct conf *c;

	apply_text(PENDING, ns2);
	make_file(path3);
	snprintf(extra, sizeof(extra),
		 ",\n { nsid = 2; backend = \"file\"; path = \"%s\"; size = \"1M\";"
		 " ana_group = 2; }%s",
		 path3, ram3);
	fake_log_clear();
	fake_fail_on("ns_add " NQN_A " 3");
	t = conf_text(PENDING, extra);
	c = load(t);
	free(t);
	ck_assert_int_eq(conf_apply(&d, c, err, sizeof(err)), -EIO);
	conf_free(c);
	ck_assert_str_eq(fake_log(),
			 "ns_add " NQN_A " 2;FAIL ns_add " NQN_A " 3;ns_del " NQN_A " 2;");
	ck_assert(pending(2));
	ck_assert_str_eq(conf_ns(2)->path, path2);
	ck_assert_str_eq(core_ns(2), "");
}
END_TEST

/* Deleting a pending namespace: from d->conf only; its file appearing
 * later adds nothing. */
START_TEST(del_pending)
{
	char err[512] = "";

	apply_text(PENDING, ns2);
	fake_log_clear();
	ck_assert_int_eq(conf_op_ns_del(&d, NQN_A, 2, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "");
	ck_assert_ptr_null(conf_ns(2));
	ck_assert_uint_eq(conf_pending_list(d.conf, NULL, 0), 0);
	make_file(path2);
	d.pending_next_ms = 0;
	ck_assert_int_eq(conf_pending_tick(&d), 0);
	ck_assert_str_eq(fake_log(), "");
	/* the served one still goes through the core */
	ck_assert_int_eq(conf_op_ns_del(&d, NQN_A, 1, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "ns_del " NQN_A " 1;");
}
END_TEST

/* The core does not see a pending namespace's ANA group use: the group
 * cannot be deleted while it is used; once the namespace moves, it can. */
START_TEST(ana_del_refused)
{
	char err[512] = "";

	apply_text(PENDING, ns2);
	fake_log_clear();
	ck_assert_int_eq(conf_op_ana_del(&d, 2, err, sizeof(err)), -EBUSY);
	ck_assert_str_eq(err, "ANA group 2 is used by namespace 2 of " NQN_A
			      " (pending, its backing file missing)");
	ck_assert_str_eq(fake_log(), "");
	ck_assert_ptr_nonnull(conf_ana_find(d.conf, 2));
	ck_assert_int_eq(conf_op_ns_set_ana_group(&d, NQN_A, 2, 3, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_op_ana_del(&d, 3, err, sizeof(err)), -EBUSY);
	ck_assert_str_eq(err, "ANA group 3 is used by namespace 2 of " NQN_A
			      " (pending, its backing file missing)");
	ck_assert_int_eq(conf_op_ana_del(&d, 2, err, sizeof(err)), 0);
	ck_assert_str_eq(fake_log(), "ana_del 2;");
	ck_assert_ptr_null(conf_ana_find(d.conf, 2));
}
END_TEST

/* A dry plan names the namespaces that would pend, with their sizes as
 * configured (0: the file's), and touches nothing; the real reload lists
 * the same and adds neither to the core. */
START_TEST(dry_plan_names_pending)
{
	char *t, want[1024], extra[512], err[512] = "";
	struct conf_plan plan;
	FILE *fp;
	int i;

	apply_text(PENDING, "");
	fake_log_clear();
	snprintf(extra, sizeof(extra), "%s%s", ns2, ns3);
	t = conf_text(PENDING, extra);
	fp = fopen(conf_path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(t, fp);
	ck_assert_int_eq(fclose(fp), 0);
	free(t);
	snprintf(want, sizeof(want),
		 "namespace-add " NQN_A " 2 file 1M (pending: %s does not exist)\n"
		 "namespace-add " NQN_A " 3 file 0 (pending: %s does not exist)\n",
		 path2, path3);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(conf_plan_open(&plan, i == 0), 0);
		ck_assert_msg(conf_reload_plan(&d, conf_path, &plan, err, sizeof(err)) == 0, "%s",
			      err);
		conf_plan_close(&plan);
		ck_assert_str_eq(plan.text, want);
		ck_assert_uint_eq(plan.nr, 2);
		conf_plan_free(&plan);
		ck_assert_str_eq(fake_log(), "");
		if (i == 0)
			ck_assert_ptr_null(conf_ns(2));
	}
	ck_assert(pending(2));
	ck_assert(pending(3));
	/* nothing left to do */
	ck_assert_int_eq(conf_plan_open(&plan, true), 0);
	ck_assert_int_eq(conf_reload_plan(&d, conf_path, &plan, err, sizeof(err)), 0);
	conf_plan_close(&plan);
	ck_assert_str_eq(plan.text, "");
	conf_plan_free(&plan);
}
END_TEST

/* The file exists but the add fails: still pending, the error kept and
 * logged once (again when it changes), tried again at the next second. */
START_TEST(tick_add_fails_retries)
{
	char want[512];
	const char *out;

	apply_text(PENDING, ns2);
	make_file(path2);
	fake_log_clear();
	fake_fail_on("ns_add " NQN_A " 2");
	out = stderr_capture(cap_tick);
	ck_assert_int_eq(cap_rc, 0);
	ck_assert_str_eq(fake_log(), "FAIL ns_add " NQN_A " 2;");
	ck_assert(pending(2));
	ck_assert_int_eq(conf_ns(2)->pending_err, -EIO);
	snprintf(want, sizeof(want),
		 "<4>" NQN_A " namespace 2: its backing file %s exists but cannot be served: "
		 "fake failure of ns_add " NQN_A " 2; still pending, tried again every second\n",
		 path2);
	ck_assert_str_eq(out, want);
	/* the same error again: not logged again */
	fake_fail_on("ns_add " NQN_A " 2");
	out = stderr_capture(cap_tick);
	ck_assert_int_eq(cap_rc, 0);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(fake_log(), "FAIL ns_add " NQN_A " 2;FAIL ns_add " NQN_A " 2;");
	ck_assert_int_eq(conf_ns(2)->pending_err, -EIO);
	/* another error before it: logged */
	conf_ns(2)->pending_err = -ENOENT;
	fake_fail_on("ns_add " NQN_A " 2");
	out = stderr_capture(cap_tick);
	ck_assert_int_eq(cap_rc, 0);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(conf_ns(2)->pending_err, -EIO);
	/* the next try succeeds */
	fake_log_clear();
	out = stderr_capture(cap_tick);
	ck_assert_int_eq(cap_rc, 1);
	ck_assert_str_eq(fake_log(), "ns_add " NQN_A " 2;");
	ck_assert(!pending(2));
	snprintf(want, sizeof(want),
		 "<5>" NQN_A " namespace 2: its backing file %s exists now; serving it (1048576 "
		 "bytes)\n",
		 path2);
	ck_assert_str_eq(out, want);
}
END_TEST

/* The running configuration (what config save writes) keeps the policy
 * and the pending namespace as configured. */
START_TEST(print_keeps_pending)
{
	char *buf = NULL, want[512];
	size_t len = 0;
	FILE *fp;

	apply_text(PENDING, ns2);
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	conf_print(fp, d.conf);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "\tbacking_missing = \"pending\";\n"));
	snprintf(want, sizeof(want), "\t\t\t\tpath = \"%s\";\n", path2);
	ck_assert_ptr_nonnull(strstr(buf, want));
	ck_assert_ptr_null(strstr(buf, "pending_err"));
	free(buf);
}
END_TEST

/* Suite: pending namespaces (backing_missing = "pending"). */
Suite *conf_pending_suite(void)
{
	Suite *s = suite_create("conf_pending");
	TCase *tc = tcase_create("pending");

	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, first_apply_pending);
	tcase_add_test(tc, fail_policy_adds);
	tcase_add_test(tc, ops_change_record_only);
	tcase_add_test(tc, tick_adds_when_file_appears);
	tcase_add_test(tc, tick_skips_plan_and_stop);
	tcase_add_test(tc, reload_carries_pending);
	tcase_add_test(tc, reload_changes_pending_in_place);
	tcase_add_test(tc, reload_fixes_pending_path);
	tcase_add_test(tc, failed_reload_keeps_pending);
	tcase_add_test(tc, failed_reload_undoes_path_fix);
	tcase_add_test(tc, del_pending);
	tcase_add_test(tc, ana_del_refused);
	tcase_add_test(tc, dry_plan_names_pending);
	tcase_add_test(tc, tick_add_fails_retries);
	tcase_add_test(tc, print_keeps_pending);
	suite_add_tcase(s, tc);
	return s;
}
