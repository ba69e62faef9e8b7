// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the cluster's group job (daemon/cluster/cluster_job.c)
 * where it needs no Ceph: what a command is told while a job holds the
 * state's lock, and the control thread's side of a job that ended (it is
 * joined only once it said done, unless waited for; the rejoin's outcome
 * ends the barrier or keeps it; a claim that found the group claimed
 * meanwhile changes nothing). The jobs' librados work is driven against a
 * real cluster by tests/e2e/rbd_stall.sh and rbd_nodes.sh.
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

/* A thread that does nothing: stands for a job whose work is over. */
static void *cl_job_test_idle(void *arg)
{
	return arg;
}

static struct cluster *cl_job_test_new(void)
{
	struct cluster *cl = calloc(1, sizeof(*cl));

	ck_assert_ptr_nonnull(cl);
	return cl;
}

/* A job of kind with result rc, its thread started, done not said yet. */
static void cl_job_test_run(struct cluster *cl, enum cl_job_kind kind, int rc)
{
	cl->job.kind = kind;
	cl->job.rc = rc;
	atomic_store(&cl->job.done, false);
	ck_assert_int_eq(pthread_create(&cl->job_thr, NULL, cl_job_test_idle, NULL), 0);
	cl->job_running = true;
}

START_TEST(test_cl_job_busy_idle)
{
	struct cluster *cl = cl_job_test_new();
	char err[256] = "untouched";

	ck_assert_int_eq(cl_job_busy(cl, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "untouched");
	free(cl);
}
END_TEST

/* The whole message, pre + the milliseconds the job has run (read back) +
 * post. */
static void cl_job_test_msg(enum cl_job_kind kind, const char *pre, const char *post)
{
	struct cluster *cl = cl_job_test_new();
	char err[256], want[256];
	unsigned long long ms = 0;
	const char *p;

	cl->job_running = true; /* no thread: never reaped here */
	cl->job.kind = kind;
	cl->edit.a.kind = CL_EDIT_HOST;
	cl->job.g = 2;
	cl->job.t0_ms = fcnvme_clock_ms() - 1500;
	ck_assert_int_eq(cl_job_busy(cl, err, sizeof(err)), -EAGAIN);
	p = strpbrk(err, "0123456789"); /* "ANA group 2": g, then the ms */
	if (p && kind != CL_JOB_REJOIN && kind != CL_JOB_RECONNECT && kind != CL_JOB_EDIT)
		p = strpbrk(p + 1, "0123456789");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "%llu", &ms), 1);
	ck_assert_uint_ge(ms, 1500);
	ck_assert_uint_lt(ms, 10000);
	snprintf(want, sizeof(want), "%s%llu%s", pre, ms, post);
	ck_assert_str_eq(err, want);
	free(cl);
}

START_TEST(test_cl_job_busy_takeover)
{
	cl_job_test_msg(CL_JOB_TAKEOVER, "the takeover of ANA group 2 is under way (",
			" ms, it holds the state's lock); try again when it has ended");
}
END_TEST

START_TEST(test_cl_job_busy_claim_pass)
{
	cl_job_test_msg(CL_JOB_CLAIM, "the claim of ANA group 2 is under way (",
			" ms, it holds the state's lock); try again when it has ended");
	cl_job_test_msg(CL_JOB_PASS, "the failback of ANA group 2 is under way (",
			" ms, it holds the state's lock); try again when it has ended");
}
END_TEST

START_TEST(test_cl_job_busy_reconnect)
{
	cl_job_test_msg(CL_JOB_RECONNECT,
			"this node was fenced and is connecting a new cluster "
			"client (",
			" ms); try again when it has");
}
END_TEST

START_TEST(test_cl_job_busy_edit)
{
	cl_job_test_msg(CL_JOB_EDIT, "allowed-host is editing the cluster state (",
			" ms, it holds the state's lock); try again when it has ended");
}
END_TEST

START_TEST(test_cl_job_busy_rejoin)
{
	cl_job_test_msg(CL_JOB_REJOIN, "this node is rejoining the cluster after a fence (waiting ",
			" ms for the state's lock); try again when it has");
}
END_TEST

/* cluster status's words for the job under way, exact. */
START_TEST(test_cl_job_describe)
{
	static const struct {
		enum cl_job_kind kind;
		const char *want;
	} c[] = {
		{ CL_JOB_TAKEOVER, "takeover of ANA group 5 from node b, 2000 ms" },
		{ CL_JOB_PASS, "failback of ANA group 5 from node b, 2000 ms" },
		{ CL_JOB_CLAIM, "claim of ANA group 5, 2000 ms" },
		{ CL_JOB_REJOIN, "rejoin: waiting for the state's lock, 2000 ms" },
		{ CL_JOB_RECONNECT, "reconnect: a new cluster client after a fence, 2000 ms" },
		{ CL_JOB_EDIT, "edit: allowed-host, 2000 ms" },
	};
	struct cluster *cl = cl_job_test_new();
	char out[128];
	uint64_t t0;
	unsigned int i;

	cl_job_describe(cl, out, sizeof(out));
	ck_assert_str_eq(out, "");
	cl->job_running = true; /* no thread: never reaped here */
	cl->job.g = 5;
	cl->edit.a.kind = CL_EDIT_HOST;
	snprintf(cl->job.from, sizeof(cl->job.from), "b");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cl->job.kind = c[i].kind;
		/* the clock may tick between the two reads: take the run
		 * where it did not */
		do {
			t0 = fcnvme_clock_ms();
			cl->job.t0_ms = t0 - 2000;
			cl_job_describe(cl, out, sizeof(out));
		} while (fcnvme_clock_ms() != t0);
		ck_assert_str_eq(out, c[i].want);
	}
	free(cl);
}
END_TEST

/* Not joined before it said done; joined after, once; the lock held once
 * ends the rejoin barrier. */
START_TEST(test_cl_job_reap_rejoin)
{
	struct cluster *cl = cl_job_test_new();

	ck_assert(!cl_job_reap(cl, false)); /* none */
	cl->rejoin_barrier = true;
	cl_job_test_run(cl, CL_JOB_REJOIN, 0);
	ck_assert(!cl_job_reap(cl, false));
	ck_assert(cl->job_running);
	ck_assert(cl->rejoin_barrier);
	atomic_store(&cl->job.done, true);
	ck_assert(cl_job_reap(cl, false));
	ck_assert(!cl->job_running);
	ck_assert(!cl->rejoin_barrier);
	ck_assert(!cl_job_reap(cl, false));
	free(cl);
}
END_TEST

/* The lock still held elsewhere: the barrier stays (the next tick tries
 * again); waiting joins a job that has not said done. */
START_TEST(test_cl_job_reap_rejoin_busy)
{
	struct cluster *cl = cl_job_test_new();

	cl->rejoin_barrier = true;
	cl_job_test_run(cl, CL_JOB_REJOIN, -EBUSY);
	ck_assert(cl_job_reap(cl, true));
	ck_assert(!cl->job_running);
	ck_assert(cl->rejoin_barrier);
	free(cl);
}
END_TEST

/* A new client that could not be had: the node stays fenced with no
 * client (commands refused, the next tick tries again). */
START_TEST(test_cl_job_reap_reconnect_failed)
{
	struct cluster *cl = cl_job_test_new();

	cl->fenced = true;
	cl_job_test_run(cl, CL_JOB_RECONNECT, -ETIMEDOUT);
	snprintf(cl->job.err, sizeof(cl->job.err), "cluster: cannot connect: timed out");
	ck_assert(cl_job_reap(cl, true));
	ck_assert(!cl->job_running);
	ck_assert(!cl->st_ok);
	ck_assert(cl->fenced);
	ck_assert(!cl->rejoin_barrier);
	free(cl);
}
END_TEST

/* A claim, a takeover or a failback that found the record changed or the
 * lock held, or any job that ended after we were fenced (whatever it did:
 * the read after the rejoin tells): the view, its generation and our ANA
 * states stay as they were. */
START_TEST(test_cl_job_reap_untouched)
{
	static const struct {
		enum cl_job_kind kind;
		int rc;
		bool fenced;
	} c[] = { { CL_JOB_CLAIM, -ESTALE, false },   { CL_JOB_TAKEOVER, -ESTALE, false },
		  { CL_JOB_TAKEOVER, -EBUSY, false }, { CL_JOB_PASS, -ESTALE, false },
		  { CL_JOB_TAKEOVER, 0, true },	      { CL_JOB_CLAIM, 0, true } };
	struct cluster *cl = cl_job_test_new();
	unsigned int i;

	memset(cl->ana, 0xff, sizeof(cl->ana));
	cl->view_gen = 7;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cl->fenced = c[i].fenced;
		cl->job.g = 3;
		cl->job.epoch = 4;
		snprintf(cl->job.from, sizeof(cl->job.from), "b");
		cl_job_test_run(cl, c[i].kind, c[i].rc);
		ck_assert(cl_job_reap(cl, true)); /* waits: joins before done */
		ck_assert(!cl->job_running);
		ck_assert(!cl->view.groups[3].present);
		ck_assert_str_eq(cl->view.groups[3].owner, "");
		ck_assert_uint_eq(cl->view_gen, 7);
		ck_assert_uint_eq(cl->ana[3], 0xff);
	}
	free(cl);
}
END_TEST

/* A second job is refused while one runs. */
START_TEST(test_cl_job_start_one_at_a_time)
{
	struct cluster *cl = cl_job_test_new();

	cl->job_running = true;
	ck_assert_int_eq(cl_job_start(cl, CL_JOB_CLAIM), -EBUSY);
	free(cl);
}
END_TEST
#endif

Suite *cl_job_suite(void)
{
	Suite *s = suite_create("cl_job");
	TCase *tc = tcase_create("core");

#ifdef HAVE_RBD
	tcase_add_test(tc, test_cl_job_busy_idle);
	tcase_add_test(tc, test_cl_job_busy_takeover);
	tcase_add_test(tc, test_cl_job_busy_claim_pass);
	tcase_add_test(tc, test_cl_job_busy_rejoin);
	tcase_add_test(tc, test_cl_job_busy_reconnect);
	tcase_add_test(tc, test_cl_job_busy_edit);
	tcase_add_test(tc, test_cl_job_reap_reconnect_failed);
	tcase_add_test(tc, test_cl_job_describe);
	tcase_add_test(tc, test_cl_job_reap_rejoin);
	tcase_add_test(tc, test_cl_job_reap_rejoin_busy);
	tcase_add_test(tc, test_cl_job_reap_untouched);
	tcase_add_test(tc, test_cl_job_start_one_at_a_time);
#endif
	suite_add_tcase(s, tc);
	return s;
}
