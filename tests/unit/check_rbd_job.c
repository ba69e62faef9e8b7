// SPDX-License-Identifier: Apache-2.0
/*
 * The rbd backend's jobs (daemon/backend/rbd_job.c), without a cluster: a
 * job runs on a thread of its own and is joined only once it is done (or
 * when asked to wait), holds its handle while it runs, runs one at a time,
 * and starts afresh.
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_harness.h"

#ifdef HAVE_RBD
#include "backend/rbd_priv.h"

static int gate[2];	    /* the job reads one byte before it answers */
static char job_thread[16]; /* the name of the thread the job ran on */
static pthread_t job_tid;

static void gated_job(struct rbd_job *j)
{
	char c;

	job_tid = pthread_self();
	pthread_getname_np(job_tid, job_thread, sizeof(job_thread));
	if (read(gate[0], &c, 1) != 1)
		c = 0;
	j->size = 4096 * (uint64_t)(unsigned char)c;
}

static void failing_job(struct rbd_job *j)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	j->rc = -ETIMEDOUT;
	snprintf(j->err, sizeof(j->err), "%s", "cannot size rbd image rbd/img: timed out");
}

/* Join without waiting, every ms for at most 5 s. */
static bool join_soon(struct rbd_job *j)
{
	struct timespec ts = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (rbd_job_join(j, false))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* A job that waits: not joined while it runs, its handle held meanwhile, a
 * second start refused; joined once it answered, on its own thread. */
START_TEST(test_rbd_job_runs_apart)
{
	struct rbd_be rb;
	struct rbd_handle h;
	struct rbd_job j;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char c = 3;

	memset(&rb, 0, sizeof(rb));
	memset(&h, 0, sizeof(h));
	memset(&j, 0, sizeof(j));
	job_thread[0] = '\0';
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(rbd_job_start(&j, &rb, &h, "fctestjob", gated_job), 0);
	ck_assert(j.running);
	ck_assert_uint_eq(atomic_load(&h.inflight), 1);
	nanosleep(&ts, NULL);
	ck_assert(!rbd_job_join(&j, false)); /* it waits on the gate */
	ck_assert(j.running);
	ck_assert_int_eq(rbd_job_start(&j, &rb, &h, "fctestjob", gated_job), -EBUSY);
	ck_assert_uint_eq(atomic_load(&h.inflight), 1);
	ck_assert_int_eq(write(gate[1], &c, 1), 1);
	ck_assert(join_soon(&j));
	ck_assert(!j.running);
	ck_assert_uint_eq(atomic_load(&h.inflight), 0);
	ck_assert_ptr_null(j.h);
	ck_assert_int_eq(j.rc, 0);
	ck_assert_uint_eq(j.size, 3 * 4096);
	ck_assert_str_eq(job_thread, "fctestjob");
	ck_assert(!pthread_equal(job_tid, pthread_self()));
	ck_assert(!rbd_job_join(&j, false)); /* nothing more to join */
	close(gate[0]);
	close(gate[1]);
}
END_TEST

/* join(wait) waits for a job that has not answered; a failure's code and
 * words are there after it; the next start begins with neither. */
START_TEST(test_rbd_job_wait_and_again)
{
	struct rbd_be rb;
	struct rbd_job j;
	char c = 1;

	memset(&rb, 0, sizeof(rb));
	memset(&j, 0, sizeof(j));
	ck_assert_int_eq(rbd_job_start(&j, &rb, NULL, "fctestjob", failing_job), 0);
	ck_assert(rbd_job_join(&j, true));
	ck_assert_int_eq(j.rc, -ETIMEDOUT);
	ck_assert_str_eq(j.err, "cannot size rbd image rbd/img: timed out");
	ck_assert_ptr_eq(j.rb, &rb);
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(write(gate[1], &c, 1), 1);
	ck_assert_int_eq(rbd_job_start(&j, &rb, NULL, "fctestjob", gated_job), 0);
	ck_assert_int_eq(j.rc, 0);
	ck_assert_str_eq(j.err, "");
	ck_assert(rbd_job_join(&j, true));
	ck_assert_int_eq(j.rc, 0);
	ck_assert_uint_eq(j.size, 4096);
	close(gate[0]);
	close(gate[1]);
}
END_TEST
#endif

Suite *rbd_job_suite(void)
{
	Suite *s = suite_create("rbd_job");
	TCase *tc = tcase_create("job");

#ifdef HAVE_RBD
	tcase_add_test(tc, test_rbd_job_runs_apart);
	tcase_add_test(tc, test_rbd_job_wait_and_again);
#endif
	suite_add_tcase(s, tc);
	return s;
}
