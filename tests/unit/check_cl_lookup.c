// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for a command's lookup of a shared subsystem
 * (daemon/cluster/cluster_lookup.c) where it needs no Ceph: a subsystem
 * in the view or in this node's config answers at once; a miss waits for
 * a read of the state object begun after the request asked (its ticket),
 * not one under way then; each read that ends wakes the waiters, and the
 * reads go on until the last asker's has ended; a node that cannot read
 * (fenced, failing reads, a group job) answers from its view, and the
 * tick wakes those who waited when that begins. Reads here are "under
 * way" (rd_view set) so that none is started against a real object: the
 * timer's reads themselves are driven against a real cluster by
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

#include "cluster/cluster.h"
#include "cluster/cluster_priv.h"
#include "conf/conf.h"
#include "fcd.h"

#define NQN   "nqn.2026-12.io.x:shared"
#define LOCAL "nqn.2026-12.io.x:local"

static struct fcd d;
static struct cl_view under_way; /* what rd_view points at: a read runs */

/* A node in the cluster, its last read number seq under way (since now),
 * its view holding NQN-b only, its config defining LOCAL. */
static struct cluster *cl_new(uint64_t seq)
{
	struct cluster *cl = calloc(1, sizeof(*cl));

	ck_assert_ptr_nonnull(cl);
	memset(&d, 0, sizeof(d));
	d.conf = conf_new();
	ck_assert_ptr_nonnull(d.conf);
	d.conf->subsys = calloc(1, sizeof(*d.conf->subsys));
	ck_assert_ptr_nonnull(d.conf->subsys);
	snprintf(d.conf->subsys[0].nqn, sizeof(d.conf->subsys[0].nqn), "%s", LOCAL);
	d.conf->nr_subsys = 1;
	d.cluster = cl;
	cl->d = &d;
	cl->st_ok = true;
	snprintf(cl->view.subsys[0].nqn, sizeof(cl->view.subsys[0].nqn), "%s-b", NQN);
	cl->view.nr_subsys = 1;
	cl->rd_view = &under_way;
	cl->rd_start_ms = fcnvme_clock_ms();
	cl->rd_seq = seq;
	cl->rd_done_seq = seq - 1;
	return cl;
}

static void cl_del(struct cluster *cl)
{
	conf_free(d.conf);
	d.conf = NULL;
	d.cluster = NULL;
	free(cl);
}

/* The view or this node's config answers at once, with no read asked. */
START_TEST(lookup_known_at_once)
{
	struct cluster *cl = cl_new(4);
	uint64_t ticket = 0;
	char err[256] = "";

	ck_assert_int_eq(cluster_lookup(&d, NQN "-b", &ticket, err, sizeof(err)), 1);
	ck_assert_int_eq(cluster_lookup(&d, LOCAL, &ticket, err, sizeof(err)), 0);
	ck_assert_int_eq(cluster_lookup(&d, NQN, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(cluster_lookup(&d, NULL, &ticket, err, sizeof(err)), 0);
	ck_assert_uint_eq(ticket, 0);
	ck_assert_uint_eq(cl->lk_seq, 0);
	ck_assert_str_eq(err, "");
	d.cluster = NULL; /* not in a cluster */
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 0);
	d.cluster = cl;
	cl_del(cl);
}
END_TEST

/* A miss waits for the read after the one under way; once that one has
 * ended, the request answers from the view it read: a subsystem another
 * node added, or none. */
START_TEST(lookup_waits_for_a_read_begun_after)
{
	struct cluster *cl = cl_new(4);
	uint64_t ticket = 0;
	char err[256] = "";

	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), -EINPROGRESS);
	ck_assert_str_eq(err, "reading the cluster state for " NQN ", off the control thread");
	ck_assert_uint_eq(ticket, 5);
	ck_assert_uint_eq(cl->lk_seq, 5);
	/* read 4, begun before it asked, ends: woken, it waits again */
	cl_lookup_read_done(cl, 4);
	ck_assert(d.preopen_wake);
	ck_assert_uint_eq(cl->lk_seq, 5);
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), -EINPROGRESS);
	ck_assert_uint_eq(ticket, 5);
	/* read 5 runs, and ends with the subsystem in the view */
	cl->rd_seq = 5;
	d.preopen_wake = false;
	snprintf(cl->view.subsys[1].nqn, sizeof(cl->view.subsys[1].nqn), "%s", NQN);
	cl->view.nr_subsys = 2;
	cl_lookup_read_done(cl, 5);
	ck_assert(d.preopen_wake);
	ck_assert_uint_eq(cl->lk_seq, 0);
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 1);
	/* another NQN, asked now, is not in read 5: it waits for read 6 */
	ticket = 0;
	ck_assert_int_eq(cluster_lookup(&d, NQN "-c", &ticket, err, sizeof(err)), -EINPROGRESS);
	ck_assert_uint_eq(ticket, 6);
	cl->rd_seq = 6;
	cl_lookup_read_done(cl, 6);
	ck_assert_int_eq(cluster_lookup(&d, NQN "-c", &ticket, err, sizeof(err)), 0);
	ck_assert_uint_eq(cl->lk_seq, 0);
	cl_del(cl);
}
END_TEST

/* Two requests: the first is answered by the first read begun after it
 * asked, though the second, which asked during that read, waits for the
 * next one (reads go on for it). */
START_TEST(lookup_each_waiter_its_own_read)
{
	struct cluster *cl = cl_new(4);
	uint64_t first = 0, second = 0;
	char err[256];

	ck_assert_int_eq(cluster_lookup(&d, NQN, &first, err, sizeof(err)), -EINPROGRESS);
	cl_lookup_read_done(cl, 4);
	cl->rd_seq = 5; /* the next read is under way ... */
	ck_assert_int_eq(cluster_lookup(&d, NQN, &second, err, sizeof(err)), -EINPROGRESS);
	ck_assert_uint_eq(first, 5);
	ck_assert_uint_eq(second, 6); /* ... and began before the second asked */
	ck_assert_uint_eq(cl->lk_seq, 6);
	d.preopen_wake = false;
	cl_lookup_read_done(cl, 5);
	ck_assert(d.preopen_wake);
	ck_assert_int_eq(cluster_lookup(&d, NQN, &first, err, sizeof(err)), 0);
	ck_assert_int_eq(cluster_lookup(&d, NQN, &second, err, sizeof(err)), -EINPROGRESS);
	ck_assert_uint_eq(cl->lk_seq, 6);
	cl->rd_seq = 6;
	cl_lookup_read_done(cl, 6);
	ck_assert_int_eq(cluster_lookup(&d, NQN, &second, err, sizeof(err)), 0);
	ck_assert_uint_eq(cl->lk_seq, 0);
	cl_del(cl);
}
END_TEST

/* A ticket beyond the next read (not from this cluster's reads) is
 * taken again, not waited on for ever. */
START_TEST(lookup_foreign_ticket_taken_again)
{
	struct cluster *cl = cl_new(4);
	uint64_t ticket = 90;
	char err[256];

	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), -EINPROGRESS);
	ck_assert_uint_eq(ticket, 5);
	ck_assert_uint_eq(cl->lk_seq, 5);
	cl_del(cl);
}
END_TEST

/* When no read can answer, the view does, at once; and the tick wakes
 * those who waited when that begins (a read failed, the node was fenced,
 * a group job started), but not while their read is simply under way. */
START_TEST(lookup_blind_answers_from_the_view)
{
	struct cluster *cl = cl_new(4);
	uint64_t ticket = 0;
	char err[256];

	cl->read_fails = 1;
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 0);
	cl->read_fails = 0;
	cl->job_running = true;
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 0);
	cl->job_running = false;
	cl->st_ok = false;
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 0);
	cl->st_ok = true;
	cl->rejoin_barrier = true;
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 0);
	cl->rejoin_barrier = false;
	ck_assert_uint_eq(ticket, 0);
	ck_assert_uint_eq(cl->lk_seq, 0);

	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), -EINPROGRESS);
	cl_lookup_tick(cl);
	ck_assert(!d.preopen_wake);
	ck_assert_uint_eq(cl->lk_seq, 5);
	/* the read has waited a second on a stalled object */
	cl->rd_start_ms = fcnvme_clock_ms() - CL_SLOW_MS;
	cl->st.ar_comp = &under_way; /* its page in flight, not done */
	cl_lookup_tick(cl);
	ck_assert(d.preopen_wake);
	ck_assert_uint_eq(cl->lk_seq, 0);
	ck_assert_int_eq(cluster_lookup(&d, NQN, &ticket, err, sizeof(err)), 0);
	cl->st.ar_comp = NULL;
	cl_del(cl);
}
END_TEST
#endif

Suite *cl_lookup_suite(void)
{
	Suite *s = suite_create("cl_lookup");
	TCase *tc = tcase_create("core");

#ifdef HAVE_RBD
	tcase_add_test(tc, lookup_known_at_once);
	tcase_add_test(tc, lookup_waits_for_a_read_begun_after);
	tcase_add_test(tc, lookup_each_waiter_its_own_read);
	tcase_add_test(tc, lookup_foreign_ticket_taken_again);
	tcase_add_test(tc, lookup_blind_answers_from_the_view);
#endif
	suite_add_tcase(s, tc);
	return s;
}
