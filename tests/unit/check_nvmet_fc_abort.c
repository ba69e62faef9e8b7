// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for aborts and teardown in the target transport
 * (nvmet_fc_abort.c, nvmet_fc_assoc.c, nvmet_fc_port.c): an ABTS in each
 * request state, target-initiated aborts with I/O in flight, the Disconnect
 * sequence (our Disconnect LS before the host's ACC, exact bytes), duplicate
 * Disconnect, core-initiated deletion, invalidate_host with zero and several
 * associations (host_release exactly once), and unregistration with
 * outstanding LS and FCP work (targetport_delete exactly once, last).
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "fcp_harness.h"
#include "suites_libfcnvme.h"

static void setup(void)
{
	fh_start(512 * 1024, 256, 0, true, 3, 2, 0);
}

static void teardown(void)
{
	fake_env_free();
}

/* The Disconnect Association LS we sent, byte for byte. */
static void expect_disconnect_ls(const struct fake_rec *r, uint64_t id, void *hh)
{
	uint8_t w[48] = {
		5, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 7, 0, 0, 0, 8,
		0, 0, 0, 0, 0, 0, 0, 0,	 0, 0, 0, 5, 0, 0, 0, 16,
	};
	int i;

	for (i = 0; i < 8; i++)
		w[16 + i] = (uint8_t)(id >> (56 - 8 * i));
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_eq(r->hosthandle, hh);
	ck_assert_uint_eq(r->ls_len, 48);
	ck_assert_uint_eq(r->rsplen, 24);
	ck_assert_uint_eq(r->offset, 20); /* timeout, seconds */
	fh_expect_bytes(r->ls, w, sizeof(w));
}

static void expect_disconnect_acc(const struct fake_rec *r)
{
	static const uint8_t w[24] = {
		2, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 8, 5, 0, 0, 0, 0, 0, 0, 0,
	};

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->ls_len, 24);
	fh_expect_bytes(r->ls, w, sizeof(w));
}

/* ---- ABTS in each state ------------------------------------------------- */

/* Waiting for write data: the held WRITEDATA ends with an error; no
 * fcp_abort (the LLDD knows), no response, the core told. */
START_TEST(test_abts_writedata)
{
	struct fake_xchg *x;

	fake->hold_fcp = true;
	x = fh_cmd(0x01, WR, 8192, 1);
	nvmet_fc_rcv_fcp_abort(fake->tp, &x->req);
	ck_assert(!x->released);
	fake_complete(x, -ECANCELED);
	fh_expect_ops(x, "2R");
	ck_assert_uint_eq(fcore->nexec, 0);
	ck_assert_uint_eq(fcore->nabort_req, 1);
}
END_TEST

/* Even if the LLDD reports the data op as successful after the ABTS. */
START_TEST(test_abts_writedata_ok)
{
	struct fake_xchg *x;

	fake->hold_fcp = true;
	x = fh_cmd(0x01, WR, 8192, 1);
	nvmet_fc_rcv_fcp_abort(fake->tp, &x->req);
	fake_complete(x, 0);
	fh_expect_ops(x, "2R");
	ck_assert_uint_eq(fcore->nexec, 0);
}
END_TEST

/* In the backend: when the core completes, nothing is sent. */
START_TEST(test_abts_backend)
{
	struct fake_xchg *x;

	fcore->hold = true;
	x = fh_cmd(0x02, RD, 8192, 1);
	nvmet_fc_rcv_fcp_abort(fake->tp, &x->req);
	ck_assert(!x->released);
	fake_core_complete_all();
	fh_expect_ops(x, "R");
}
END_TEST

/* Sending read data. */
START_TEST(test_abts_readdata)
{
	struct fake_xchg *x;

	fake->hold_fcp = true;
	x = fh_cmd(0x02, RD, 300 * 1024, 1);
	nvmet_fc_rcv_fcp_abort(fake->tp, &x->req);
	fake_complete(x, -ECANCELED);
	fh_expect_ops(x, "1R");
}
END_TEST

/* Sending the response. */
START_TEST(test_abts_rsp)
{
	struct fake_xchg *x;

	fake->hold_fcp = true;
	x = fh_cmd(0x00, 0, 0, 1);
	nvmet_fc_rcv_fcp_abort(fake->tp, &x->req);
	fake_complete(x, -ECANCELED);
	fh_expect_ops(x, "4R");
}
END_TEST

/* Deferred (never started): defer_rcv then release, no fcp_abort; later
 * frees do not start it. */
START_TEST(test_abts_deferred)
{
	struct fake_xchg *d;
	int i;

	fcore->hold = true;
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(fh_cmd(0x00, 0, 0, (uint16_t)i)->rcv_rc, 0);
	d = fh_cmd(0x00, 0, 0, 9);
	ck_assert_int_eq(d->rcv_rc, -EOVERFLOW);
	nvmet_fc_rcv_fcp_abort(fake->tp, &d->req);
	fh_expect_ops(d, "DR");
	fcore->hold = false;
	fake_core_complete_all();
	fh_expect_ops(d, "DR");
	ck_assert_uint_eq(fcore->ninit, 3);
}
END_TEST

/* The fake LLDD's own ABTS injection at each op kind. */
START_TEST(test_abts_injected)
{
	fake->abts_on_op = NVMET_FCOP_WRITEDATA;
	fh_expect_ops(fh_cmd(0x01, WR, 4096, 1), "2R");
	fake->abts_on_op = NVMET_FCOP_READDATA;
	fh_expect_ops(fh_cmd(0x02, RD, 4096, 2), "1R");
	fake->abts_on_op = NVMET_FCOP_RSP;
	fh_expect_ops(fh_cmd(0x00, 0, 0, 3), "4R");
	/* The queue keeps working. */
	fh_expect_ops(fh_cmd(0x02, RD, 4096, 4), "14R");
}
END_TEST

/* An ABTS for an exchange we do not hold (released, or never ours). */
START_TEST(test_abts_stale)
{
	struct fake_xchg *x = fh_cmd(0x00, 0, 0, 1);
	struct nvmefc_tgt_fcp_req other;

	memset(&other, 0, sizeof(other));
	nvmet_fc_rcv_fcp_abort(fake->tp, &x->req);
	nvmet_fc_rcv_fcp_abort(fake->tp, &other);
	nvmet_fc_rcv_fcp_abort(fake->tp, NULL);
	fh_expect_ops(x, "4R");
	ck_assert_uint_eq(fake_count(FC_FCP_ABORT), 0);
}
END_TEST

/* ---- teardown ----------------------------------------------------------- */

/* Host Disconnect with a write waiting for data, a read in the backend
 * and a deferred command: all aborted and released once, no response,
 * queues destroyed I/O first, our Disconnect LS before the host's ACC. */
START_TEST(test_disconnect_with_io)
{
	struct fake_xchg *w, *r, *n, *d;
	int i_ls, i_acc;

	fcore->hold = true;
	fake->hold_fcp = true;
	w = fh_cmd(0x01, WR, 8192, 1); /* WRITEDATA held */
	r = fh_cmd(0x02, RD, 8192, 2); /* in the core */
	n = fh_cmd(0x00, 0, 0, 3);     /* in the core */
	d = fh_cmd(0x00, 0, 0, 4);     /* deferred */
	ck_assert_int_eq(d->rcv_rc, -EOVERFLOW);
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 0);
	fake_pump();
	/* WRITEDATA aborted at once; deferred dropped with defer_rcv. */
	fh_expect_ops(w, "2AR");
	fh_expect_ops(d, "DAR");
	ck_assert_uint_eq(fcore->nsq_stop, 2);
	/* The core still holds two: nothing finished yet. */
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 0);
	ck_assert_uint_eq(fcore->nsq_destroy, 0);
	fake_core_complete_all();
	fake_pump();
	fh_expect_ops(r, "AR");
	fh_expect_ops(n, "AR");
	ck_assert_uint_eq(fcore->nsq_destroy, 2);
	ck_assert_uint_eq(fcore->destroyed_qids[0], 1);
	ck_assert_uint_eq(fcore->destroyed_qids[1], 0);
	i_ls = fake_find(FC_LS_REQ, 0);
	i_acc = fake_find(FC_XMT_LS_RSP, 0);
	ck_assert_int_ge(i_ls, 0);
	ck_assert_int_gt(i_acc, i_ls);
	expect_disconnect_ls(&fake->recs[i_ls], fh_assoc, HH1);
	expect_disconnect_acc(&fake->recs[i_acc]);
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 1);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 1);
	/* The association is gone: its connection too. */
	ck_assert_int_eq(fh_cmd(0x00, 0, 0, 5)->rcv_rc, -ENOTCONN);
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	fake_pump();
	ck_assert_uint_eq(fake_last(FC_XMT_LS_RSP)->ls[33], FCNVME_RJT_RC_INV_ASSOC);
}
END_TEST

/* Teardown while READDATA and RSP ops are in flight: the READDATA ends
 * the exchange with fcp_abort and no response; the response that was
 * already on its way just completes. */
START_TEST(test_teardown_data_rsp_inflight)
{
	struct fake_xchg *rd, *rsp;

	fake->hold_fcp = true;
	rd = fh_cmd(0x02, RD, 8192, 1);
	rsp = fh_cmd(0x00, 0, 0, 2);
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	fake_pump();
	fh_expect_ops(rd, "1");
	fh_expect_ops(rsp, "4");
	fake_complete(rd, 0);
	fake_complete(rsp, 0);
	fh_expect_ops(rd, "1AR");
	fh_expect_ops(rsp, "4R");
	fake_pump();
	expect_disconnect_acc(fake_last(FC_XMT_LS_RSP));
	ck_assert_uint_eq(fcore->nsq_destroy, 2);
}
END_TEST

/* A second Disconnect while the first waits: the first gets RJT UNAB at
 * once, the second the ACC at the end; one Disconnect LS. */
START_TEST(test_duplicate_disconnect)
{
	const struct fake_rec *r;

	fcore->hold = true;
	fh_cmd(0x00, 0, 0, 1);
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	fake_pump();
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 1);
	r = fake_nth(FC_XMT_LS_RSP, 0);
	ck_assert_uint_eq(r->ls_len, 40);
	ck_assert_uint_eq(r->ls[0], FCNVME_LS_RJT);
	ck_assert_uint_eq(r->ls[16], FCNVME_LS_DISCONNECT_ASSOC);
	ck_assert_uint_eq(r->ls[33], FCNVME_RJT_RC_UNAB);
	ck_assert_uint_eq(r->ls[34], FCNVME_RJT_EXP_NONE);
	ck_assert_uint_eq(fcore->nls_rejected, 0); /* the host's own retry: not reported */
	fake_core_complete_all();
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 2);
	expect_disconnect_acc(fake_nth(FC_XMT_LS_RSP, 1));
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 1);
	ck_assert_uint_eq(fcore->nsq_destroy, 2);
}
END_TEST

/* The core deletes the association (keep-alive expiry): our Disconnect
 * LS, no ACC; a second request is a no-op. */
START_TEST(test_core_delete)
{
	struct nvmet_fc_sq *sq = fcore->sq_info[1].fc_sq;

	nvmet_fc_sq_delete_assoc(sq);
	nvmet_fc_sq_delete_assoc(sq);
	fake_pump();
	ck_assert_uint_eq(fcore->nsq_destroy, 2);
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 1);
	expect_disconnect_ls(fake_last(FC_LS_REQ), fh_assoc, HH1);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 0);
	nvmet_fc_sq_delete_assoc(NULL);
}
END_TEST

/* Our Disconnect LS refused by the LLDD: teardown still completes. */
START_TEST(test_disconnect_ls_fails)
{
	fake->fail_ls_req = -ENODEV;
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 1);
	expect_disconnect_acc(fake_last(FC_XMT_LS_RSP));
}
END_TEST

/* ---- invalidate_host ---------------------------------------------------- */

/* No association for the handle: host_release at once, exactly once. */
START_TEST(test_invalidate_none)
{
	nvmet_fc_invalidate_host(fake->tp, HH2);
	ck_assert_uint_eq(fake_count(FC_HOST_RELEASE), 1);
	ck_assert_ptr_eq(fake_last(FC_HOST_RELEASE)->hosthandle, HH2);
	/* NULL handle: an error, not a crash, and nothing released. */
	nvmet_fc_invalidate_host(fake->tp, NULL);
	nvmet_fc_invalidate_host(NULL, HH1);
	ck_assert_uint_eq(fake_count(FC_HOST_RELEASE), 1);
}
END_TEST

/* Several associations of HH1 (one with I/O in the core) and one of HH2:
 * HH1's all go without a Disconnect LS; host_release(HH1) once, after
 * the last; HH2 untouched. */
START_TEST(test_invalidate_several)
{
	uint64_t a2, a3, b1;

	a2 = fake_assoc(HH1, 2, 3);
	a3 = fake_assoc(HH1, 2, 3);
	b1 = fake_assoc(HH2, 2, 3);
	ck_assert(a2 && a3 && b1);
	fcore->hold = true;
	fh_cmd(0x00, 0, 0, 1);
	fake->nrecs = 0;
	nvmet_fc_invalidate_host(fake->tp, HH1);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_HOST_RELEASE), 0);
	fake_core_complete_all();
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_HOST_RELEASE), 1);
	ck_assert_ptr_eq(fake_last(FC_HOST_RELEASE)->hosthandle, HH1);
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 0);
	/* 3 associations of HH1: queues 0+1, 0, 0. */
	ck_assert_uint_eq(fcore->nsq_destroy, 4);
	/* HH2's association still works; HH1 can log in again. */
	ck_assert_uint_eq(fake_conn(HH2, b1, 2, 1, 3), b1 | 1);
	ck_assert_uint_ne(fake_assoc(HH1, 2, 3), 0);
	nvmet_fc_invalidate_host(fake->tp, HH1);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_HOST_RELEASE), 2);
}
END_TEST

/* Invalidation while a Create Association waits for its publish, with
 * the hwq refusing the stop message (it then runs inline): the queue is
 * never published, the ACC still goes out once, then everything ends. */
START_TEST(test_invalidate_before_publish)
{
	uint8_t buf[1024];
	uint64_t a, c;
	uint8_t iu[96];

	fake_build_cra(buf, 2, 3);
	ck_assert_int_eq(fake_ls(HH2, buf, sizeof(buf)), 0);
	fcore->fail_run_on_hwq = -11;
	nvmet_fc_invalidate_host(fake->tp, HH2);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 1);
	ck_assert_int_eq(
		fcnvme_ls_parse_cr_assoc_acc(fake_last(FC_XMT_LS_RSP)->ls, 56, &a, &c, NULL), 0);
	ck_assert_uint_eq(fake_count(FC_HOST_RELEASE), 1);
	ck_assert_uint_eq(fcore->nsq_destroy, 1);
	fake_build_cmd(iu, a, 0x00, 0, 0, 1);
	ck_assert_int_eq(fake_cmd(0, iu, 96)->rcv_rc, -ENOTCONN);
}
END_TEST

/* ---- unregister --------------------------------------------------------- */

/* Unregister with a command in the core, a Create Association waiting
 * for its publish, and our Disconnect LS outstanding: every LS answered
 * once, every exchange released, targetport_delete once, last. */
START_TEST(test_unregister_busy)
{
	uint8_t buf[1024];
	struct fake_xchg *x;
	int i_del;

	fcore->hold = true;
	fake->hold_ls_req = true;
	x = fh_cmd(0x02, RD, 4096, 1);
	fake_build_cra(buf, 2, 3);
	ck_assert_int_eq(fake_ls(HH2, buf, sizeof(buf)), 0);
	ck_assert_int_eq(nvmet_fc_unregister_targetport(fake->tp), 0);
	ck_assert_int_eq(nvmet_fc_unregister_targetport(fake->tp), -EALREADY);
	fake_pump();
	/* The pending Create Association got its ACC. */
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 1);
	ck_assert_uint_eq(fake_last(FC_XMT_LS_RSP)->ls[0], FCNVME_LS_ACC);
	/* An LS arriving now is still answered: RJT LOGIC. */
	ck_assert_int_eq(fake_ls(HH2, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(fake_count(FC_XMT_LS_RSP), 2);
	ck_assert_uint_eq(fake_last(FC_XMT_LS_RSP)->ls[33], FCNVME_RJT_RC_LOGIC);
	ck_assert_uint_eq(fake_count(FC_TGTPORT_DELETE), 0);
	fake_core_complete_all();
	fake_pump();
	fh_expect_ops(x, "AR");
	/* Two Disconnect LS (one per association), held by the LLDD: the
	 * port waits for them. */
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 2);
	ck_assert_uint_eq(fake_count(FC_TGTPORT_DELETE), 0);
	fake_complete_ls_reqs(0);
	ck_assert_uint_eq(fake_count(FC_TGTPORT_DELETE), 1);
	i_del = fake_find(FC_TGTPORT_DELETE, 0);
	ck_assert_int_eq(i_del, (int)fake->nrecs - 1);
	ck_assert_ptr_null(fake->tp);
}
END_TEST

/* Unregister aborts our outstanding Disconnect LS (ls_abort). */
START_TEST(test_unregister_aborts_ls)
{
	fake->hold_ls_req = true;
	ck_assert_int_eq(fake_disconnect(HH1, fh_assoc), 0);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 1);
	expect_disconnect_acc(fake_last(FC_XMT_LS_RSP));
	ck_assert_int_eq(nvmet_fc_unregister_targetport(fake->tp), 0);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_LS_ABORT), 1);
	ck_assert_uint_eq(fake_count(FC_TGTPORT_DELETE), 1);
}
END_TEST

/* Unregister while an LS response is on the wire: delete after its
 * done, exactly once. */
START_TEST(test_unregister_ls_rsp_pending)
{
	uint8_t buf[64] = { 0x42 };
	const struct fake_rec *r;

	fake->hold_ls_rsp = true;
	ck_assert_int_eq(fake_ls(HH1, buf, sizeof(buf)), 0);
	r = fake_last(FC_XMT_LS_RSP);
	ck_assert_int_eq(nvmet_fc_unregister_targetport(fake->tp), 0);
	fake_pump();
	ck_assert_uint_eq(fake_count(FC_TGTPORT_DELETE), 0);
	r->lsrsp->done(r->lsrsp);
	ck_assert_uint_eq(fake_count(FC_TGTPORT_DELETE), 1);
}
END_TEST

/* Unbinding the core tears associations down, then Create Association
 * is refused. */
START_TEST(test_unbind_tears_down)
{
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, NULL, NULL, NULL, NULL, NULL), 0);
	fake_pump();
	ck_assert_uint_eq(fcore->nsq_destroy, 2);
	ck_assert_uint_eq(fake_count(FC_LS_REQ), 1);
	ck_assert_uint_eq(fake_assoc(HH1, 2, 3), 0);
	/* Rebind and the port works again. */
	ck_assert_int_eq(nvmet_fc_bind_core(fake->tp, &fcore->ops, fcore, &fcore->env, fcore, NULL),
			 0);
	ck_assert_uint_ne(fake_assoc(HH1, 2, 3), 0);
}
END_TEST

/* The suite. */
Suite *nvmet_fc_abort_suite(void)
{
	Suite *s = suite_create("nvmet_fc_abort");
	TCase *tc = tcase_create("abort");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abts_writedata);
	tcase_add_test(tc, test_abts_writedata_ok);
	tcase_add_test(tc, test_abts_backend);
	tcase_add_test(tc, test_abts_readdata);
	tcase_add_test(tc, test_abts_rsp);
	tcase_add_test(tc, test_abts_deferred);
	tcase_add_test(tc, test_abts_injected);
	tcase_add_test(tc, test_abts_stale);
	tcase_add_test(tc, test_disconnect_with_io);
	tcase_add_test(tc, test_teardown_data_rsp_inflight);
	tcase_add_test(tc, test_duplicate_disconnect);
	tcase_add_test(tc, test_core_delete);
	tcase_add_test(tc, test_disconnect_ls_fails);
	tcase_add_test(tc, test_invalidate_none);
	tcase_add_test(tc, test_invalidate_several);
	tcase_add_test(tc, test_invalidate_before_publish);
	tcase_add_test(tc, test_unregister_busy);
	tcase_add_test(tc, test_unregister_aborts_ls);
	tcase_add_test(tc, test_unregister_ls_rsp_pending);
	tcase_add_test(tc, test_unbind_tears_down);
	suite_add_tcase(s, tc);
	return s;
}
