// SPDX-License-Identifier: Apache-2.0
/*
 * Target core statistics and association deletion: exact counters per
 * namespace, controller, port and subsystem after a known sequence of
 * commands (successes, parse errors, an abort) with latencies set by the
 * fake clock, the log2 latency buckets and percentiles, counters kept once
 * the association is gone, and tgt_ctrl_delete() through the transport.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/tsc.h>

#include "core_harness.h"

/* Run an I/O command whose response comes lat_ns after req_init. */
static uint16_t timed_io(struct h_assoc *a, uint16_t qid, uint8_t opcode, uint32_t nsid,
			 uint64_t slba, uint32_t nlb, uint64_t lat_ns)
{
	struct h_req *r = h_req_new(a, qid, nlb * 512);
	uint16_t st;

	r->cmd.rw.opcode = opcode;
	r->cmd.rw.nsid = htole32(nsid);
	r->cmd.rw.slba = htole64(slba);
	r->cmd.rw.length = htole16((uint16_t)(nlb - 1));
	H->clock.fake_ns = 1000000;
	st = tgt_core_ops()->req_init(H->t, &r->req);
	if (!st) {
		H->clock.fake_ns += lat_ns;
		r->req.execute(&r->req);
		st = h_status(r);
	}
	h_req_free(r);
	return st;
}

struct found {
	struct tgt_io_stats st;
	struct tgt_ns_info ns;
	int nr;
};

static int ctrl_cb(const struct tgt_ctrl_info *ci, void *arg)
{
	struct found *f = arg;

	f->st = ci->stats;
	f->nr++;
	return 0;
}

static int ns_cb(const struct tgt_ns_info *ni, void *arg)
{
	struct found *f = arg;

	f->ns = *ni;
	f->nr++;
	return 0;
}

static int subsys_cb(const struct tgt_subsys_info *si, void *arg)
{
	struct found *f = arg;

	if (!strcmp(si->nqn, H_SUBNQN)) {
		f->st = si->stats;
		f->nr++;
	}
	return 0;
}

/* The latency histogram of run_sequence(): zero_ns responses of 0 ns
 * (bucket 0), one of 100 ns (96..103, bucket 36) and two of 3000 ns
 * (2816..3071, bucket 75), nothing else. */
static void check_seq_lat(const struct tgt_io_stats *s, uint64_t zero_ns)
{
	unsigned int i;

	for (i = 0; i < FCNVME_HIST_BUCKETS; i++) {
		uint64_t want = i == 0 ? zero_ns : i == 36 ? 1 : i == 75 ? 2 : 0;

		ck_assert_msg(s->lat.n[i] == want, "bucket %u: %llu, want %llu", i,
			      (unsigned long long)s->lat.n[i], (unsigned long long)want);
	}
}

/* The I/O statistics the sequence in run_sequence() must produce. */
static void check_seq_stats(const struct tgt_io_stats *s)
{
	ck_assert_uint_eq(s->cmds, 5);
	ck_assert_uint_eq(s->errors, 2);
	ck_assert_uint_eq(s->aborts, 1);
	ck_assert_uint_eq(s->read_bytes, 4096 + 512);
	ck_assert_uint_eq(s->write_bytes, 4096);
	ck_assert_uint_eq(s->lat_max_ns, 3000);
	check_seq_lat(s, 2);
	/* 5 responses: ranks 3 (p50: 100 ns, the middle of 96..103) and 5
	 * (p99, p99.9: the last rank, the exact maximum); rank 4 (p80) is the
	 * middle of 2816..3071 */
	ck_assert_uint_eq(tgt_stats_percentile(s, 500), 100);
	ck_assert_uint_eq(tgt_stats_percentile(s, 800), 2944);
	ck_assert_uint_eq(tgt_stats_percentile(s, 990), 3000);
	ck_assert_uint_eq(tgt_stats_percentile(s, 999), 3000);
}

/* Namespace 1 after run_sequence(): all but the unknown-namespace error. */
static void check_ns_stats(const struct tgt_io_stats *s)
{
	ck_assert_uint_eq(s->cmds, 4);
	ck_assert_uint_eq(s->errors, 1);
	ck_assert_uint_eq(s->aborts, 1);
	ck_assert_uint_eq(s->read_bytes, 4608);
	ck_assert_uint_eq(s->write_bytes, 4096);
	ck_assert_uint_eq(s->lat_max_ns, 3000);
	check_seq_lat(s, 1);
	/* 4 responses: ranks 2 (p50) and 4 (p99, the maximum); rank 3 (p75)
	 * is the middle of 2816..3071 */
	ck_assert_uint_eq(tgt_stats_percentile(s, 500), 100);
	ck_assert_uint_eq(tgt_stats_percentile(s, 750), 2944);
	ck_assert_uint_eq(tgt_stats_percentile(s, 990), 3000);
}

/*
 * On a ready controller with I/O queues 1 and 2: a 4 KiB write (100 ns),
 * a 4 KiB read on queue 2 and a 512-byte read (3000 ns each), a read past
 * the end and one of an unknown namespace (errors at parse, 0 ns), and a
 * write accepted then aborted. Admin commands are not counted.
 */
static struct h_assoc *run_sequence(void)
{
	struct h_assoc *a;
	struct h_req *r;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
	ck_assert_uint_eq(timed_io(a, 1, nvme_cmd_write, 1, 0, 8, 100), 0);
	ck_assert_uint_eq(timed_io(a, 2, nvme_cmd_read, 1, 0, 8, 3000), 0);
	ck_assert_uint_eq(timed_io(a, 1, nvme_cmd_read, 1, 8, 1, 3000), 0);
	ck_assert_uint_eq(timed_io(a, 1, nvme_cmd_read, 1, 2047, 2, 0),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
	ck_assert_uint_eq(timed_io(a, 2, nvme_cmd_read, 5, 0, 1, 0),
			  NVME_SC_INVALID_NS | NVME_SC_DNR);
	r = h_req_new(a, 2, 512);
	r->cmd.rw.opcode = nvme_cmd_write;
	r->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(tgt_core_ops()->req_init(H->t, &r->req), 0);
	tgt_core_ops()->req_abort(H->t, &r->req);
	ck_assert_int_eq(r->nr_done, 0);
	h_req_free(r);
	return a;
}

START_TEST(test_counters_exact)
{
	struct found f;
	struct tgt_io_stats port;

	run_sequence();
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ctrl_foreach(H->t, ctrl_cb, &f), 0);
	ck_assert_int_eq(f.nr, 1);
	check_seq_stats(&f.st);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_subsys_foreach(H->t, subsys_cb, &f), 0);
	ck_assert_int_eq(f.nr, 1);
	check_seq_stats(&f.st);
	ck_assert_int_eq(tgt_port_stats(H->t, 1, &port), 0);
	check_seq_stats(&port);
	ck_assert_int_eq(tgt_port_stats(H->t, 2, &port), 0);
	ck_assert_uint_eq(port.cmds, 0);
	ck_assert_uint_eq(port.lat_max_ns, 0);
	ck_assert_int_eq(tgt_port_stats(H->t, 9, &port), -ENOENT);
	/* namespace 1: not the unknown-namespace error */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &f), 0);
	ck_assert_int_eq(f.nr, 1);
	check_ns_stats(&f.ns.stats);
	ck_assert_uint_eq(f.ns.reads, 2);
	ck_assert_uint_eq(f.ns.writes, 1);
	ck_assert_uint_eq(f.ns.read_bytes, 4608);
	ck_assert_uint_eq(f.ns.write_bytes, 4096);
}
END_TEST

/* Deleting the association goes through the transport once; the counters
 * stay with the subsystem, the port and the namespace. */
START_TEST(test_ctrl_delete)
{
	struct h_assoc *a = run_sequence();
	struct tgt_io_stats port;
	struct found f;
	char err[128] = "";

	ck_assert_int_eq(tgt_ctrl_delete(H->t, a->id + 1, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no association 0x0000000000010001");
	ck_assert_int_eq(a->nr_delete, 0);
	ck_assert_int_eq(tgt_ctrl_delete(H->t, a->id, err, sizeof(err)), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	ck_assert(!a->alive[0] && !a->alive[1] && !a->alive[2]);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ctrl_foreach(H->t, ctrl_cb, &f), 0);
	ck_assert_int_eq(f.nr, 0);
	ck_assert_int_eq(tgt_ctrl_delete(H->t, a->id, err, sizeof(err)), -ENOENT);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_subsys_foreach(H->t, subsys_cb, &f), 0);
	check_seq_stats(&f.st);
	ck_assert_int_eq(tgt_port_stats(H->t, 1, &port), 0);
	check_seq_stats(&port);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &f), 0);
	check_ns_stats(&f.ns.stats);
}
END_TEST

/* Disabling a namespace folds its queue views into it: the counters stay,
 * and grow again once it is enabled. */
START_TEST(test_ns_disable_keeps_counters)
{
	struct h_assoc *a = run_sequence();
	struct found f;
	char err[128];

	ck_assert_int_eq(tgt_ns_disable(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &f), 0);
	check_ns_stats(&f.ns.stats);
	ck_assert_uint_eq(timed_io(a, 1, nvme_cmd_read, 1, 0, 1, 0),
			  NVME_SC_INVALID_NS | NVME_SC_DNR);
	ck_assert_int_eq(tgt_ns_enable(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_uint_eq(timed_io(a, 2, nvme_cmd_read, 1, 0, 1, 1 << 20), 0);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &f), 0);
	ck_assert_uint_eq(f.ns.stats.cmds, 5);
	ck_assert_uint_eq(f.ns.stats.read_bytes, 4608 + 512);
	ck_assert_uint_eq(f.ns.stats.lat.n[144], 1); /* 2^20 .. 2^20 + 2^17 - 1 */
	ck_assert_uint_eq(f.ns.stats.lat_max_ns, 1 << 20);
	ck_assert_uint_eq(tgt_stats_percentile(&f.ns.stats, 999), 1 << 20);
}
END_TEST

/* While the transport tears down (deferred), the controller stays listed
 * and a second delete is a no-op. */
START_TEST(test_ctrl_delete_deferred)
{
	struct h_assoc *a;
	struct found f;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	H->defer_delete = true;
	ck_assert_int_eq(tgt_ctrl_delete(H->t, a->id, NULL, 0), 0);
	ck_assert_int_eq(tgt_ctrl_delete(H->t, a->id, NULL, 0), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	memset(&f, 0, sizeof(f));
	tgt_ctrl_foreach(H->t, ctrl_cb, &f);
	ck_assert_int_eq(f.nr, 1);
	h_assoc_teardown(a);
	memset(&f, 0, sizeof(f));
	tgt_ctrl_foreach(H->t, ctrl_cb, &f);
	ck_assert_int_eq(f.nr, 0);
}
END_TEST

/* Buckets and percentiles on synthetic histograms. */
START_TEST(test_percentiles)
{
	struct tgt_io_stats s, t;

	memset(&s, 0, sizeof(s));
	ck_assert_uint_eq(tgt_stats_percentile(&s, 500), 0);
	/* 1000 responses: 990 at 1 us, 9 at 1 ms, 1 at 40 ms */
	s.lat.n[63] = 990; /* 960..1023 */
	s.lat.n[143] = 9;  /* 983040..1048575 */
	s.lat.n[185] = 1;  /* 37748736..41943039 */
	s.lat_max_ns = 40000000;
	ck_assert_uint_eq(fcnvme_hist_index(1000), 63);
	ck_assert_uint_eq(fcnvme_hist_index(1000000), 143);
	ck_assert_uint_eq(fcnvme_hist_index(40000000), 185);
	ck_assert_uint_eq(tgt_stats_percentile(&s, 500), 992);
	ck_assert_uint_eq(tgt_stats_percentile(&s, 990), 992);
	ck_assert_uint_eq(tgt_stats_percentile(&s, 999), 1015808);
	ck_assert_uint_eq(tgt_stats_percentile(&s, 1000), 40000000);
	/* one more slow response moves p99.9 into the top bucket: its middle,
	 * as rank 1000 of 1001 need not be the maximum */
	s.lat.n[185]++;
	ck_assert_uint_eq(tgt_stats_percentile(&s, 999), 39845888);
	ck_assert_uint_eq(tgt_stats_percentile(&s, 1000), 40000000);
	/* the top bucket is capped by the maximum */
	memset(&t, 0, sizeof(t));
	t.lat.n[495] = 1;
	t.lat_max_ns = UINT64_MAX - 5;
	ck_assert_uint_eq(tgt_stats_percentile(&t, 500), UINT64_MAX - 5);
	/* adding sums counters and keeps the larger maximum */
	t.cmds = 7;
	t.errors = 1;
	tgt_stats_add(&s, &t);
	ck_assert_uint_eq(s.cmds, 7);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_uint_eq(s.lat.n[495], 1);
	ck_assert_uint_eq(s.lat.n[63], 990);
	ck_assert_uint_eq(s.lat_max_ns, UINT64_MAX - 5);
}
END_TEST

/* The per-queue counters follow the real clock too (non-zero latency,
 * under a second), stamped with the TSC (_i 0, where usable) and with the
 * CLOCK_MONOTONIC fallback (_i 1, forced). */
START_TEST(test_real_clock)
{
	unsigned int flags[] = { 0, FCNVME_TSC_MONOTONIC };
	struct h_assoc *a;
	uint8_t buf[512];
	struct found f;

	ck_assert_int_eq(clock_calibrate(flags[_i]), !_i && fcnvme_tsc_usable());
	H->t->clock = clock_monotonic();
	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, buf, 512), 0);
	memset(&f, 0, sizeof(f));
	tgt_ctrl_foreach(H->t, ctrl_cb, &f);
	ck_assert_uint_eq(f.st.cmds, 1);
	ck_assert_uint_eq(f.st.read_bytes, 512);
	ck_assert_uint_eq(tgt_stats_percentile(&f.st, 500), f.st.lat_max_ns);
	ck_assert_uint_gt(f.st.lat_max_ns, 0);
	ck_assert_uint_lt(f.st.lat_max_ns, 1000000000u);
	H->t->clock = &H->clock;
}
END_TEST

/* The core statistics suite. */
Suite *core_stats_suite(void)
{
	Suite *s = suite_create("core_stats");
	TCase *tc = tcase_create("stats");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_counters_exact);
	tcase_add_test(tc, test_ctrl_delete);
	tcase_add_test(tc, test_ctrl_delete_deferred);
	tcase_add_test(tc, test_ns_disable_keeps_counters);
	tcase_add_test(tc, test_percentiles);
	tcase_add_loop_test(tc, test_real_clock, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
