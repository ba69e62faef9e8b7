// SPDX-License-Identifier: Apache-2.0
/*
 * Namespace host masking (daemon/core/ns_host.c): two controllers of two
 * hosts on one subsystem whose namespace 2 lists only host 1. The exact
 * Identify active lists, Identify Namespace and descriptor answers for a
 * hidden NSID, I/O to it, the ANA log, and which controller gets the
 * namespace-changed event when the list changes.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

static const char *const host1_only[] = { H_HOSTNQN };

/* h_std_subsys plus host 2 allowed and ram namespace 2 masked to host 1;
 * *a is host 1's controller, *b host 2's (one I/O queue each). */
static void masked_setup(struct h_assoc **a, struct h_assoc **b)
{
	struct tgt_ns_params np = { .nsid = 2,
				    .backend = TGT_BACKEND_RAM,
				    .size = 1 << 20,
				    .hosts = host1_only,
				    .nr_hosts = 1 };
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	*a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	*b = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN2, 1);
}

/* The active NSID list (CNS 02h) of c, compared with want[] then zeroes. */
static void assert_active(struct h_assoc *c, const uint32_t *want, unsigned int n)
{
	uint8_t *id = malloc(4096), *zero = calloc(1, 4096);
	unsigned int i;

	ck_assert_uint_eq(h_identify(c, NVME_ID_CNS_NS_ACTIVE_LIST, 0, 0, id), 0);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(h_rd32(id, 4 * i), want[i]);
	ck_assert_mem_eq(id + 4 * n, zero, 4096 - 4 * n);
	free(id);
	free(zero);
}

START_TEST(test_ns_host_active_list)
{
	static const uint32_t both[] = { 1, 2 }, one[] = { 1 };
	uint8_t *id = malloc(4096), *zero = calloc(1, 4096), b512[512];
	struct h_assoc *a, *b;

	masked_setup(&a, &b);
	assert_active(a, both, 2);
	assert_active(b, one, 1);
	/* Identify Namespace of the hidden NSID: inactive, all zeroes */
	memset(id, 0xa5, 4096);
	ck_assert_uint_eq(h_identify(b, NVME_ID_CNS_NS, 2, 0, id), 0);
	ck_assert_mem_eq(id, zero, 4096);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 2, 0, id), 0);
	ck_assert_uint_eq(h_rd32(id, 0), 2048); /* nsze: 1 MiB of 512 */
	/* descriptors and CSI-specific: Invalid Namespace */
	ck_assert_uint_eq(h_identify(b, NVME_ID_CNS_NS_DESC_LIST, 2, 0, id),
			  NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_DESC_LIST, 2, 0, id), 0);
	ck_assert_uint_eq(h_identify(b, NVME_ID_CNS_NS_CS_INDEP, 2, 0, id),
			  NVME_SC_INVALID_NS | DNR);
	/* I/O */
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 2, 0, 1, b512, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_write, 2, 0, 1, b512, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 1, 0, 1, b512, 512), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, b512, 512), 0);
	free(id);
	free(zero);
}
END_TEST

/* ANA log: header 16 bytes, one group descriptor of 32 bytes (nnsids at
 * +4), then its NSIDs. */
START_TEST(test_ns_host_ana_log)
{
	uint8_t *buf = malloc(4096);
	struct h_assoc *a, *b;

	masked_setup(&a, &b);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_ANA, 0, true, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 16), 1);
	ck_assert_uint_eq(h_rd32(buf, 20), 2);
	ck_assert_uint_eq(h_rd32(buf, 48), 1);
	ck_assert_uint_eq(h_rd32(buf, 52), 2);
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_ANA, 0, true, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 16), 1);
	ck_assert_uint_eq(h_rd32(buf, 20), 1);
	ck_assert_uint_eq(h_rd32(buf, 48), 1);
	free(buf);
}
END_TEST

/* SMART / Health (all namespaces): a host does not count the commands of
 * a namespace masked from it. host_reads is the 16-byte counter at 64. */
START_TEST(test_ns_host_smart)
{
	uint8_t *buf = malloc(512), b512[512];
	struct h_assoc *a, *b;
	int i;

	masked_setup(&a, &b);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, b512, 512), 0);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 1, 0, 1, b512, 512), 0);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_SMART, 0, false, 0xffffffff, 0, 512, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 64), 4);
	ck_assert_uint_eq(h_get_log(b, NVME_LOG_SMART, 0, false, 0xffffffff, 0, 512, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 64), 1);
	free(buf);
}
END_TEST

/* The Changed Namespace List of c holds exactly nsid (read, cleared). */
static void assert_changed(struct h_assoc *c, uint32_t nsid)
{
	uint8_t *buf = malloc(4096);

	ck_assert_uint_eq(h_get_log(c, NVME_LOG_CHANGED_NS, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 0), nsid);
	ck_assert_uint_eq(h_rd32(buf, 4), 0);
	free(buf);
}

START_TEST(test_ns_host_aen_affected_only)
{
	static const uint32_t both[] = { 1, 2 }, one[] = { 1 };
	struct h_assoc *a, *b;
	struct h_req *ra, *rb;
	uint8_t b512[512];
	char err[128];

	masked_setup(&a, &b);
	ra = h_aer(a);
	rb = h_aer(b);
	/* host 2 listed: only b's view changes */
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(rb), 0);
	ck_assert_uint_eq(le32toh(rb->cqe.result.dw0), 0x040002);
	ck_assert_uint_eq(h_status(ra), H_PENDING);
	assert_changed(b, 2);
	assert_active(b, both, 2);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 2, 0, 1, b512, 512), 0);
	/* idempotent: no event */
	h_req_free(rb);
	rb = h_aer(b);
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(rb), H_PENDING);
	/* host 1 unlisted: only a loses it */
	ck_assert_int_eq(tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	ck_assert_uint_eq(le32toh(ra->cqe.result.dw0), 0x040002);
	ck_assert_uint_eq(h_status(rb), H_PENDING);
	assert_changed(a, 2);
	assert_active(a, one, 1);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, b512, 512), NVME_SC_INVALID_NS | DNR);
	/* the last host unlisted: visible to all, only a's view changes */
	h_req_free(ra);
	ra = h_aer(a);
	ck_assert_int_eq(tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	ck_assert_uint_eq(h_status(rb), H_PENDING);
	assert_active(a, both, 2);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, b512, 512), 0);
	/* a namespace change (resize) is told only to listed hosts */
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	assert_changed(a, 2);
	h_req_free(ra);
	ra = h_aer(a);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 2, 2 << 20, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), H_PENDING);
	ck_assert_uint_eq(h_status(rb), 0);
	/* unmasked again: a gains it (and b's view is unchanged) */
	ck_assert_int_eq(tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	h_req_free(ra);
	h_req_free(rb);
}
END_TEST

/* A full ring delays a view change; later changes of the same view wait
 * behind it, so the queue ends as the last change says: an add that
 * waited, then a hide, leaves the namespace hidden. */
START_TEST(test_ns_host_ring_full_keeps_order)
{
	struct h_assoc *a, *b;
	uint8_t b512[512];
	char err[128];

	masked_setup(&a, &b);
	H->fail_hwq = 1; /* b's add message waits for ring space */
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(H->fail_hwq, 0);
	ck_assert_ptr_nonnull(H->t->retry);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 2, 0, 1, b512, 512), NVME_SC_INVALID_NS | DNR);
	/* hidden again (host 1 stays listed) before the add ran */
	ck_assert_int_eq(tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	tgt_timer_tick(H->t);
	ck_assert_ptr_null(H->t->retry);
	ck_assert_uint_eq(h_io(b, 1, nvme_cmd_read, 2, 0, 1, b512, 512), NVME_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, b512, 512), 0);
}
END_TEST

static int hosts_cb(const struct tgt_ns_info *i, void *arg)
{
	char *out = arg;
	unsigned int k;

	if (i->nsid != 2)
		return 0;
	for (k = 0; k < i->nr_hosts; k++) {
		strcat(out, i->hosts[k]);
		strcat(out, ";");
	}
	return 0;
}

START_TEST(test_ns_host_errors_and_listing)
{
	struct h_assoc *a, *b;
	char err[128], seen[1024] = "";

	masked_setup(&a, &b);
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 2, "bogus", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "invalid host NQN: NQN must start with 'nqn.'");
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 7, H_HOSTNQN, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "subsystem " H_SUBNQN " has no namespace 7");
	ck_assert_int_eq(tgt_ns_del_host(H->t, H_SUBNQN2, 2, H_HOSTNQN, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no subsystem " H_SUBNQN2);
	/* not listed: nothing to do */
	ck_assert_int_eq(tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN2, err, sizeof(err)), 0);
	/* sorted */
	ck_assert_int_eq(tgt_ns_add_host(H->t, H_SUBNQN, 2, "nqn.2024-01.io.example:host0", err,
					 sizeof(err)),
			 0);
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, hosts_cb, seen), 0);
	ck_assert_str_eq(seen, "nqn.2024-01.io.example:host0;" H_HOSTNQN ";");
}
END_TEST

/* The sorted string set both lists use (daemon/core/strv.c). */
START_TEST(test_strv)
{
	char **v = NULL, *t;
	unsigned int n = 0;

	ck_assert_int_eq(strv_insert(&v, &n, "b"), 0);
	ck_assert_int_eq(strv_insert(&v, &n, "c"), 0);
	ck_assert_int_eq(strv_insert(&v, &n, "a"), 0);
	ck_assert_int_eq(strv_insert(&v, &n, "b"), 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0], "a");
	ck_assert_str_eq(v[1], "b");
	ck_assert_str_eq(v[2], "c");
	ck_assert(strv_has(v, n, "c"));
	ck_assert(!strv_has(v, n, "bb"));
	ck_assert_ptr_null(strv_take(&v, &n, "bb"));
	t = strv_take(&v, &n, "b");
	ck_assert_str_eq(t, "b");
	free(t);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[1], "c");
	free(strv_take(&v, &n, "a"));
	free(strv_take(&v, &n, "c"));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v); /* the last one out freed the array */
	ck_assert_int_eq(strv_insert(&v, &n, "x"), 0);
	strv_free(&v, &n);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(n, 0);
}
END_TEST

Suite *core_ns_host_suite(void)
{
	Suite *s = suite_create("core_ns_host");
	TCase *tc = tcase_create("mask");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_ns_host_active_list);
	tcase_add_test(tc, test_ns_host_ana_log);
	tcase_add_test(tc, test_ns_host_smart);
	tcase_add_test(tc, test_ns_host_aen_affected_only);
	tcase_add_test(tc, test_ns_host_ring_full_keeps_order);
	tcase_add_test(tc, test_ns_host_errors_and_listing);
	tcase_add_test(tc, test_strv);
	suite_add_tcase(s, tc);
	return s;
}
