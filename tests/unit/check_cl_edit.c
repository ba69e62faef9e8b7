// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for a command's edit of the cluster state
 * (daemon/cluster/cluster_edit.c) where it needs no Ceph:
 * - what each edit writes, judged on a view (the one read under the
 *   object's lock), exact keys and values, and what it refuses;
 * - the control thread's side: a request that runs again takes its own
 *   answer only, another waits for its turn; the answer is given once a
 *   read begun after the job has ended, or at once when the job failed;
 *   an answer nobody takes is dropped, and an edit whose read back does
 *   not come is answered all the same.
 * The job's librados calls are driven against a real cluster by
 * tests/e2e/rbd_nodes.sh and rbd_stall.sh.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites_control.h"

#ifdef HAVE_RBD
#include <fcnvme/clock.h>

#include "cluster/cluster_priv.h"
#include "fcd.h"

#define NQN "nqn.2026-12.io.x:shared"

/* ---- what an edit writes --------------------------------------------------- */

/* The writes, as "key=value;" or "key removed;"; fail_at: the write of
 * that number (1 on) fails with -EIO. */
static char writes[4096];
static int nr_writes, fail_at;

static int record(void *arg, const char *key, const char *val)
{
	size_t n = strlen(writes);

	(void)arg;
	if (++nr_writes == fail_at)
		return -EIO;
	if (val)
		snprintf(writes + n, sizeof(writes) - n, "%s=%s;", key, val);
	else
		snprintf(writes + n, sizeof(writes) - n, "%s removed;", key);
	return 0;
}

/* A view: subsystem NQN (hosts h1,h2) with namespaces 1, 2 and 4 (4
 * masked to h1), subsystem NQN-b with namespace 1, nodes a and b, group 2
 * owned by a at epoch 6. */
static struct cl_view *view_new(void)
{
	struct cl_view *v = calloc(1, sizeof(*v));
	static const uint32_t ids[] = { 1, 2, 4 };
	unsigned int i;

	ck_assert_ptr_nonnull(v);
	snprintf(v->subsys[0].nqn, sizeof(v->subsys[0].nqn), "%s", NQN);
	snprintf(v->subsys[0].hosts, sizeof(v->subsys[0].hosts), "h1,h2");
	snprintf(v->subsys[1].nqn, sizeof(v->subsys[1].nqn), "%s-b", NQN);
	v->nr_subsys = 2;
	for (i = 0; i < 3; i++) {
		struct cl_ns *n = &v->ns[v->nr_ns++];

		snprintf(n->nqn, sizeof(n->nqn), "%s", NQN);
		n->nsid = ids[i];
		snprintf(n->pool, sizeof(n->pool), "rbd");
		snprintf(n->image, sizeof(n->image), "img%u", ids[i]);
		n->grp = 2;
		n->lba = 512;
	}
	snprintf(v->ns[2].hosts, sizeof(v->ns[2].hosts), "h1");
	snprintf(v->ns[3].nqn, sizeof(v->ns[3].nqn), "%s-b", NQN);
	v->ns[3].nsid = 1;
	v->nr_ns = 4;
	snprintf(v->nodes[0].name, sizeof(v->nodes[0].name), "a");
	snprintf(v->nodes[1].name, sizeof(v->nodes[1].name), "b");
	v->nr_nodes = 2;
	v->groups[2].present = true;
	snprintf(v->groups[2].owner, sizeof(v->groups[2].owner), "a");
	v->groups[2].epoch = 6;
	return v;
}

static void args(struct cl_edit_args *a, enum cl_edit_kind kind, const char *nqn, const char *name,
		 uint32_t nsid, bool flag)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	snprintf(a->nqn, sizeof(a->nqn), "%s", nqn);
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->nsid = nsid;
	a->flag = flag;
}

/* Run edit a on a fresh view: its result, writes[] and err filled. */
static int edit(const struct cl_edit_args *a, uint32_t *nsid, char *err, size_t errlen)
{
	struct cl_view *v = view_new();
	int rc;

	writes[0] = '\0';
	nr_writes = 0;
	err[0] = '\0';
	rc = cl_edit_write(v, a, record, NULL, nsid, err, errlen);
	free(v);
	return rc;
}

START_TEST(edit_subsys_add_keeps_hosts)
{
	struct cl_edit_args a;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_SUBSYS_ADD, NQN, "", 0, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "subsys/" NQN "=allow_any=1 hosts=h1,h2;");
	args(&a, CL_EDIT_SUBSYS_ADD, NQN "-new", "", 0, false);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "subsys/" NQN "-new=allow_any=0 hosts=;");
}
END_TEST

START_TEST(edit_subsys_del_takes_its_namespaces)
{
	struct cl_edit_args a;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_SUBSYS_DEL, NQN, "", 0, false);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "ns/" NQN "/1 removed;ns/" NQN "/2 removed;ns/" NQN
				 "/4 removed;subsys/" NQN " removed;");
	/* the second namespace's removal fails: nothing more is written */
	fail_at = 2;
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -EIO);
	fail_at = 0;
	ck_assert_str_eq(writes, "ns/" NQN "/1 removed;");
	ck_assert_str_eq(err, "cannot remove namespace 2: Input/output error");
}
END_TEST

START_TEST(edit_allowed_hosts)
{
	struct cl_edit_args a;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_HOST, NQN, "h3", 0, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "subsys/" NQN "=allow_any=0 hosts=h1,h2,h3;");
	args(&a, CL_EDIT_HOST, NQN, "h1", 0, false);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "subsys/" NQN "=allow_any=0 hosts=h2;");
	args(&a, CL_EDIT_HOST, NQN "-none", "h1", 0, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no shared subsystem " NQN "-none");
	ck_assert_str_eq(writes, "");
	fail_at = 1;
	args(&a, CL_EDIT_HOST, NQN, "h3", 0, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -EIO);
	fail_at = 0;
	ck_assert_str_eq(err, "cannot write the cluster state: Input/output error");
}
END_TEST

START_TEST(edit_namespace_host_mask)
{
	struct cl_edit_args a;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_NS_HOST, NQN, "h2", 4, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "ns/" NQN "/4=pool=rbd image=img4 rns= group=2 lba=512 "
				 "hosts=h1,h2;");
	args(&a, CL_EDIT_NS_HOST, NQN, "h1", 4, false);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "ns/" NQN "/4=pool=rbd image=img4 rns= group=2 lba=512;");
	args(&a, CL_EDIT_NS_HOST, NQN, "h1", 4, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, "namespace 4 of " NQN " is already visible to host h1");
	args(&a, CL_EDIT_NS_HOST, NQN, "h2", 4, false);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "namespace 4 of " NQN " does not list host h2");
	args(&a, CL_EDIT_NS_HOST, NQN, "h2", 3, true);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, NQN " has no namespace 3");
	ck_assert_str_eq(writes, "");
}
END_TEST

START_TEST(edit_namespace_add_del)
{
	struct cl_edit_args a;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_NS_ADD, NQN, "", 0, false);
	snprintf(a.ns.nqn, sizeof(a.ns.nqn), "%s", NQN);
	snprintf(a.ns.pool, sizeof(a.ns.pool), "rbd");
	snprintf(a.ns.image, sizeof(a.ns.image), "new");
	a.ns.grp = 3;
	a.ns.lba = 4096;
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_uint_eq(nsid, 3); /* the lowest free */
	ck_assert_str_eq(writes, "ns/" NQN "/3=pool=rbd image=new rns= group=3 lba=4096;");
	a.ns.nsid = 7;
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_uint_eq(nsid, 7);
	ck_assert_str_eq(writes, "ns/" NQN "/7=pool=rbd image=new rns= group=3 lba=4096;");
	a.ns.nsid = 2;
	nsid = 0;
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, NQN " already has namespace 2");
	ck_assert_uint_eq(nsid, 0);
	ck_assert_str_eq(writes, "");
	args(&a, CL_EDIT_NS_DEL, NQN, "", 2, false);
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "ns/" NQN "/2 removed;");
}
END_TEST

/* The epoch read under the lock, plus one; a node with no entry refused. */
START_TEST(edit_move_group)
{
	struct cl_edit_args a;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_MOVE, "", "b", 0, false);
	a.g = 2;
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(writes, "group/2=owner=b epoch=7;");
	args(&a, CL_EDIT_MOVE, "", "c", 0, false);
	a.g = 2;
	ck_assert_int_eq(edit(&a, &nsid, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "node c is not a live member of the cluster");
	ck_assert_str_eq(writes, "");
}
END_TEST

/* ---- the control thread's side -------------------------------------------- */

static struct fcd d;

/* A cluster whose edit is in state st, for a. */
static struct cluster *cl_with_edit(enum cl_edit_state st, const struct cl_edit_args *a)
{
	struct cluster *cl = calloc(1, sizeof(*cl));

	ck_assert_ptr_nonnull(cl);
	memset(&d, 0, sizeof(d));
	cl->d = &d;
	cl->st_ok = true;
	cl->edit.state = st;
	memcpy(&cl->edit.a, a, sizeof(*a));
	cl->edit.end_ms = fcnvme_clock_ms();
	return cl;
}

/* The answer goes to the request that runs again with the same
 * arguments, once; another waits for its turn, and is woken when the
 * answer was taken. */
START_TEST(edit_answer_taken_once)
{
	struct cl_edit_args a, other;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_NS_ADD, NQN, "", 0, false);
	args(&other, CL_EDIT_HOST, NQN, "h9", 0, true);
	cl = cl_with_edit(CL_EDIT_ANSWERED, &a);
	cl->edit.rc = 0;
	cl->edit.nsid = 5;
	ck_assert_int_eq(cl_edit_run(cl, &other, &nsid, err, sizeof(err)), -EINPROGRESS);
	ck_assert_str_eq(err, "waiting for its turn: namespace add is editing the cluster state");
	ck_assert(!d.preopen_wake);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), 0);
	ck_assert_uint_eq(nsid, 5);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_IDLE);
	ck_assert(d.preopen_wake); /* other runs again */
	/* running, and applying: both wait, the same arguments too */
	cl->edit.state = CL_EDIT_RUNNING;
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -EINPROGRESS);
	cl->edit.state = CL_EDIT_APPLYING;
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -EINPROGRESS);
	free(cl);
}
END_TEST

/* Behind an edit that has waited on the cluster for a second, another
 * command is refused at once, saying so (it would wait its turn up to
 * the op timeout per call); the edit's own request still waits. */
START_TEST(edit_refused_behind_a_slow_edit)
{
	struct cl_edit_args a, other;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;
	unsigned long long ms = 0;

	args(&a, CL_EDIT_HOST, NQN, "h9", 0, true);
	args(&other, CL_EDIT_NS_DEL, NQN, "", 2, false);
	cl = cl_with_edit(CL_EDIT_RUNNING, &a);
	cl->job_running = true; /* no thread: never reaped here */
	cl->job.kind = CL_JOB_EDIT;
	cl->job.t0_ms = fcnvme_clock_ms() - 500;
	ck_assert_int_eq(cl_edit_run(cl, &other, &nsid, err, sizeof(err)), -EINPROGRESS);
	ck_assert_str_eq(err, "waiting for its turn: allowed-host is editing the cluster state");
	cl->job.t0_ms = fcnvme_clock_ms() - 1500;
	ck_assert_int_eq(cl_edit_run(cl, &other, &nsid, err, sizeof(err)), -EAGAIN);
	ck_assert_int_eq(sscanf(err,
				"the cluster has not answered an edit of its state (allowed-host) "
				"for %llu ms;",
				&ms),
			 1);
	ck_assert_uint_ge(ms, 1500);
	ck_assert_uint_lt(ms, 10000);
	ck_assert_ptr_nonnull(strstr(err, " ms; try again when it answers"));
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -EINPROGRESS);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_RUNNING);
	free(cl);
}
END_TEST

/* A failed job is answered at once, its reason kept; one that wrote is
 * answered after a read begun after it has ended, not an older one. */
START_TEST(edit_answered_after_the_read_back)
{
	struct cl_edit_args a;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_HOST, NQN, "h9", 0, true);
	cl = cl_with_edit(CL_EDIT_RUNNING, &a);
	cl->edit.rc = -ETIMEDOUT;
	snprintf(cl->edit.err, sizeof(cl->edit.err), "cannot lock the cluster state: %s",
		 strerror(ETIMEDOUT));
	cl_edit_job_done(cl);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_ANSWERED);
	ck_assert(d.preopen_wake);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -ETIMEDOUT);
	ck_assert_str_eq(err, "cannot lock the cluster state: Connection timed out");

	cl->edit.state = CL_EDIT_RUNNING;
	cl->edit.rc = 0;
	cl->edit.err[0] = '\0';
	cl->rd_seq = 41; /* read 41 may be under way: it began before the write */
	d.preopen_wake = false;
	cl_edit_job_done(cl);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_APPLYING);
	cl_edit_read_done(cl, 41);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_APPLYING);
	ck_assert(!d.preopen_wake);
	cl_edit_read_done(cl, 42);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_ANSWERED);
	ck_assert(d.preopen_wake);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	free(cl);
}
END_TEST

/* A namespace written, but not applied on this node after the read back:
 * the command says so. Applied: its NSID. */
START_TEST(edit_namespace_add_not_applied)
{
	struct cl_edit_args a;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_NS_ADD, NQN, "", 0, false);
	cl = cl_with_edit(CL_EDIT_APPLYING, &a);
	cl->edit.nsid = 3;
	cl_edit_read_done(cl, 1);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -EIO);
	ck_assert_str_eq(err, "namespace 3 is in the cluster state, but this node has not "
			      "applied it (see its log)");
	cl->edit.state = CL_EDIT_APPLYING;
	cl->edit.rc = 0;
	snprintf(cl->applied.ns[0].nqn, sizeof(cl->applied.ns[0].nqn), "%s", NQN);
	cl->applied.ns[0].nsid = 3;
	cl->applied.nr_ns = 1;
	cl_edit_read_done(cl, 1);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), 0);
	ck_assert_uint_eq(nsid, 3);
	free(cl);
}
END_TEST

/* A namespace written whose image the read back queued to open (its
 * open ahead was closed meanwhile): answered after the read that follows
 * the opens, which applies it; not after the read that queued them. */
START_TEST(edit_namespace_add_waits_for_its_open)
{
	struct cl_edit_args a;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_NS_ADD, NQN, "", 0, false);
	cl = cl_with_edit(CL_EDIT_APPLYING, &a);
	cl->edit.nsid = 3;
	cl->edit.read_seq = 4;
	cl->rd_seq = 5;
	cl->open_wait.waiting = true;
	cl_edit_read_done(cl, 5);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_APPLYING);
	ck_assert_uint_eq(cl->edit.read_seq, 5);
	ck_assert(!d.preopen_wake);
	/* opened: the next read applies it */
	cl->open_wait.waiting = false;
	snprintf(cl->applied.ns[0].nqn, sizeof(cl->applied.ns[0].nqn), "%s", NQN);
	cl->applied.ns[0].nsid = 3;
	cl->applied.nr_ns = 1;
	cl_edit_read_done(cl, 5); /* a read begun before: not it */
	ck_assert_int_eq(cl->edit.state, CL_EDIT_APPLYING);
	cl_edit_read_done(cl, 6);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_ANSWERED);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), 0);
	ck_assert_uint_eq(nsid, 3);
	free(cl);
}
END_TEST

/* An answer nobody took (its client gone) is dropped after 2 s, and the
 * waiters woken; an edit whose read back does not come (10 s) is
 * answered all the same. Neither before. */
START_TEST(edit_tick_drops_and_ends)
{
	struct cl_edit_args a;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_HOST, NQN, "h9", 0, true);
	cl = cl_with_edit(CL_EDIT_ANSWERED, &a);
	cl->edit.end_ms = fcnvme_clock_ms() - 1500;
	cl_edit_tick(cl);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_ANSWERED);
	cl->edit.end_ms = fcnvme_clock_ms() - 2000;
	cl_edit_tick(cl);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_IDLE);
	ck_assert(d.preopen_wake);

	cl->edit.state = CL_EDIT_APPLYING;
	d.preopen_wake = false;
	cl->edit.end_ms = fcnvme_clock_ms() - 9000;
	cl_edit_tick(cl);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_APPLYING);
	cl->edit.end_ms = fcnvme_clock_ms() - 10000;
	cl_edit_tick(cl);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_ANSWERED);
	ck_assert(d.preopen_wake);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), 0);
	free(cl);
}
END_TEST

/* What the node's view judges before an edit starts, and a node that
 * cannot edit now: refused at once, nothing started. */
START_TEST(edit_refused_before_it_starts)
{
	struct cl_edit_args a;
	struct cluster *cl;
	char err[256];
	uint32_t nsid = 0;

	args(&a, CL_EDIT_MOVE, "", "c", 0, false);
	a.g = 2;
	cl = cl_with_edit(CL_EDIT_IDLE, &a);
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "node c is not a live member of the cluster");
	ck_assert(!cl->job_running);
	cl->st_ok = false;
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -EAGAIN);
	ck_assert_str_eq(err, "this node was fenced and has no cluster client yet");
	cl->st_ok = true;
	cl->read_fails = 2;
	ck_assert_int_eq(cl_edit_run(cl, &a, &nsid, err, sizeof(err)), -EAGAIN);
	ck_assert_str_eq(err, "the cluster state cannot be read (the last 2 read(s) failed, see "
			      "the log); try again when the cluster answers");
	ck_assert(!cl->job_running);
	ck_assert_int_eq(cl->edit.state, CL_EDIT_IDLE);
	free(cl);
}
END_TEST
#endif

Suite *cl_edit_suite(void)
{
	Suite *s = suite_create("cl_edit");
	TCase *tc = tcase_create("core");

#ifdef HAVE_RBD
	tcase_add_test(tc, edit_subsys_add_keeps_hosts);
	tcase_add_test(tc, edit_subsys_del_takes_its_namespaces);
	tcase_add_test(tc, edit_allowed_hosts);
	tcase_add_test(tc, edit_namespace_host_mask);
	tcase_add_test(tc, edit_namespace_add_del);
	tcase_add_test(tc, edit_move_group);
	tcase_add_test(tc, edit_answer_taken_once);
	tcase_add_test(tc, edit_refused_behind_a_slow_edit);
	tcase_add_test(tc, edit_answered_after_the_read_back);
	tcase_add_test(tc, edit_namespace_add_not_applied);
	tcase_add_test(tc, edit_namespace_add_waits_for_its_open);
	tcase_add_test(tc, edit_tick_drops_and_ends);
	tcase_add_test(tc, edit_refused_before_it_starts);
#endif
	suite_add_tcase(s, tc);
	return s;
}
