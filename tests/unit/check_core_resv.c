// SPDX-License-Identifier: Apache-2.0
/*
 * Reservations (daemon/core/resv*.c): three hosts (host 1 and 2
 * registrants, host 3 not) on namespace 1 with reservations on. Every
 * reservation type's conflict matrix end to end (holder, registrant,
 * non-registrant x Read, Write), Register/Acquire/Release rules and
 * status codes, preempt and preempt-and-abort (its drain:
 * check_core_resv_abort.c), the exact Report bytes (extended; without EDS: Host Identifier
 * Inconsistent Format), RESCAP and ONCS, and PTPL through a restart,
 * including a corrupt state file.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_resv_harness.h"

static struct h_assoc *A, *B, *C;

static void fixture_setup(void)
{
	h_setup();
	cr_setup(&A, &B, &C);
}

/* NVMe Base 2.0 Figure "Command Behavior in the Presence of a
 * Reservation", typed from the spec: conflict (1) for [type - 1][role]
 * [read, write]; roles: holder, registrant, non-registrant. */
static const unsigned char spec_table[6][3][2] = {
	/* WE */ { { 0, 0 }, { 0, 1 }, { 0, 1 } },
	/* EA */ { { 0, 0 }, { 1, 1 }, { 1, 1 } },
	/* WE-RO */ { { 0, 0 }, { 0, 0 }, { 0, 1 } },
	/* EA-RO */ { { 0, 0 }, { 0, 0 }, { 1, 1 } },
	/* WE-AR */ { { 0, 0 }, { 0, 0 }, { 0, 1 } },
	/* EA-AR */ { { 0, 0 }, { 0, 0 }, { 1, 1 } },
};

START_TEST(test_resv_table)
{
	static const enum resv_role roles[3] = { RESV_HOLDER, RESV_REGISTRANT, RESV_OTHER };
	int t, r, w;

	for (t = 0; t < 6; t++)
		for (r = 0; r < 3; r++)
			for (w = 0; w < 2; w++)
				ck_assert_msg(resv_conflicts((uint8_t)(t + 1), roles[r], w) ==
						      spec_table[t][r][w],
					      "type %d role %d write %d", t + 1, r, w);
	for (r = 0; r < 3; r++)
		for (w = 0; w < 2; w++)
			ck_assert(!resv_conflicts(0, roles[r], w));
}
END_TEST

/* Each type end to end: A holds, B registered, C not. */
START_TEST(test_resv_matrix)
{
	struct h_assoc *who[3] = { A, B, C };
	uint8_t t;
	int r;

	for (t = 1; t <= 6; t++) {
		ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
		ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
		ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, t, KEY_A, 0), 0);
		for (r = 0; r < 3; r++) {
			/* For the All Registrants types B is a holder too. */
			int row = (t >= 5 && r == 1) ? 0 : r;

			ck_assert_msg(cr_rd(who[r]) == (spec_table[t - 1][row][0] ? CONFLICT : 0),
				      "type %u host %d read", t, r);
			ck_assert_msg(cr_wr(who[r]) == (spec_table[t - 1][row][1] ? CONFLICT : 0),
				      "type %u host %d write", t, r);
		}
		ck_assert_uint_eq(cr_rel(A, NVME_RESV_CLEAR, 0, KEY_A), 0);
		ck_assert_uint_eq(cr_wr(C), 0);
	}
}
END_TEST

START_TEST(test_resv_register)
{
	uint8_t buf[192];

	/* not registered: acquire and release conflict, unregister too */
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), CONFLICT);
	ck_assert_uint_eq(cr_rel(A, NVME_RESV_RELEASE, 1, KEY_A), CONFLICT);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_UNREGISTER, KEY_A, 0), CONFLICT);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	/* again with the same key: success, no new generation */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, 7), CONFLICT);
	/* replace: current key checked unless IEKEY */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REPLACE, 9, 7), CONFLICT);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REPLACE, KEY_A, 7), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REPLACE | NVME_RESV_IEKEY, 0, KEY_A), 0);
	/* bad RREGA, CPTPL 01b; PTPL without a state directory */
	ck_assert_uint_eq(cr_reg(A, 3, 0, 0), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_reg(A, 1u << 30, KEY_A, 0), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER | 3u << 30, 0, KEY_A),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_report(A, true, buf, 128), 0);
	ck_assert_uint_eq(buf[0], 3); /* register, replace, replace */
	ck_assert_uint_eq(buf[5], 1);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_UNREGISTER, 5, 0), CONFLICT);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_UNREGISTER, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_report(A, true, buf, 128), 0);
	ck_assert_uint_eq(buf[0], 4);
	ck_assert_uint_eq(buf[5], 0);
}
END_TEST

START_TEST(test_resv_acquire_release)
{
	uint8_t buf[192];

	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 0, KEY_A, 0), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 7, KEY_A, 0), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_acq(A, 3, 1, KEY_A, 0), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_B, 0), CONFLICT); /* wrong key */
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0); /* again: same type */
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 2, KEY_A, 0), CONFLICT);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_ACQUIRE, 1, KEY_B, 0), CONFLICT);
	/* B releasing what it does not hold: success, no effect */
	ck_assert_uint_eq(cr_rel(B, NVME_RESV_RELEASE, 1, KEY_B), 0);
	ck_assert_uint_eq(cr_wr(B), CONFLICT);
	ck_assert_uint_eq(cr_rel(A, NVME_RESV_RELEASE, 2, KEY_A), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_rel(A, 2, 1, KEY_A), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_rel(A, NVME_RESV_RELEASE, 1, KEY_A), 0);
	ck_assert_uint_eq(cr_wr(B), 0);
	ck_assert_uint_eq(cr_report(A, true, buf, 192), 0);
	ck_assert_uint_eq(buf[0], 2); /* release does not count */
	ck_assert_uint_eq(buf[4], 0);
	/* the holder unregistering ends a Write Exclusive reservation */
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_UNREGISTER, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_wr(B), 0);
	/* ... but passes an All Registrants one on */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 6, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_UNREGISTER, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_rd(A), CONFLICT);
	ck_assert_uint_eq(cr_rd(B), 0);
	ck_assert_uint_eq(cr_rd(C), CONFLICT);
	ck_assert_uint_eq(cr_report(A, true, buf, 192), 0);
	ck_assert_uint_eq(buf[4], 6);
	ck_assert_uint_eq(buf[5], 1);
}
END_TEST

START_TEST(test_resv_preempt)
{
	uint8_t buf[192];

	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0);
	/* PRKEY 0 that is not the holder's: invalid; unknown key: conflict */
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_PREEMPT, 1, KEY_B, 0), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_PREEMPT, 1, KEY_B, 0x77), CONFLICT);
	/* preempt and abort the holder: B holds, A is no registrant */
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_PREEMPT_ABORT, 3, KEY_B, KEY_A), 0);
	ck_assert_uint_eq(cr_wr(A), CONFLICT);
	ck_assert_uint_eq(cr_rd(A), 0);
	ck_assert_uint_eq(cr_wr(B), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 3, KEY_A, 0), CONFLICT);
	ck_assert_uint_eq(cr_report(B, true, buf, 192), 0);
	ck_assert_uint_eq(buf[0], 3);
	ck_assert_uint_eq(buf[4], 3);
	ck_assert_uint_eq(buf[5], 1);
	ck_assert_uint_eq(buf[64 + 31], '2'); /* host 2's identifier */
	/* A registers again: a registrant may write under WE-RO */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_wr(A), 0);
	/* preempt a non-holder registrant only: reservation stays */
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_PREEMPT, 3, KEY_B, KEY_A), 0);
	ck_assert_uint_eq(cr_wr(A), CONFLICT);
	ck_assert_uint_eq(cr_wr(B), 0);
}
END_TEST

START_TEST(test_resv_report_bytes)
{
	uint8_t buf[256], want[256] = { 0 };

	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_ACQUIRE, 4, KEY_B, 0), 0);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_uint_eq(cr_report(C, true, buf, 256), 0);
	want[0] = 2; /* PRGEN */
	want[4] = 4; /* RTYPE */
	want[5] = 2; /* REGCTL */
	/* A: CNTLID ffff, not holding, RKEY, HOSTID ab..ab */
	want[64] = 0xff;
	want[65] = 0xff;
	memcpy(want + 72, "\x44\x44\x33\x33\x22\x22\x11\x11", 8);
	memset(want + 80, 0xab, 16);
	want[128] = 0xff;
	want[129] = 0xff;
	want[130] = 1; /* B holds */
	want[136] = 0xbb;
	want[137] = 0xbb;
	memset(want + 144, 0xab, 15);
	want[159] = '2';
	ck_assert_mem_eq(buf, want, 256);
	/* a short buffer gets what fits */
	ck_assert_uint_eq(cr_report(C, true, buf, 8), 0);
	ck_assert_mem_eq(buf, want, 8);
	/* no EDS: 128-bit host ids cannot be reported */
	ck_assert_uint_eq(cr_report(C, false, buf, 64), NVME_SC_HOST_ID_INCONSIST | DNR);
}
END_TEST

START_TEST(test_resv_identify)
{
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	uint8_t *id = malloc(4096);
	char err[128];

	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(id[31], 0xfe); /* no state directory: no PTPL */
	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_NS_CS_INDEP, 1, 0, id), 0);
	ck_assert_uint_eq(id[2], 0xfe);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_NS, 2, 0, id), 0);
	ck_assert_uint_eq(id[31], 0);
	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_CTRL, 0, 0, id), 0);
	ck_assert_uint_eq(id[520] & NVME_CTRL_ONCS_RESERVATIONS, NVME_CTRL_ONCS_RESERVATIONS);
	free(id);
}
END_TEST

/* Namespace without reservations: the commands are not there. */
START_TEST(test_resv_off)
{
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	struct h_req *r = h_req_new(A, 1, 16);
	char err[128];

	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	r->cmd.common.opcode = nvme_cmd_resv_register;
	r->cmd.common.nsid = htole32(2);
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_OPCODE | DNR);
	h_req_free(r);
	/* short data */
	r = h_req_new(A, 1, 8);
	r->cmd.common.opcode = nvme_cmd_resv_acquire;
	r->cmd.common.nsid = htole32(1);
	ck_assert_uint_eq(h_run(r), NVME_SC_SGL_INVALID_DATA | DNR);
	h_req_free(r);
}
END_TEST

/* Set (set) or Get Features fid on a's admin queue; *res: dword 0. */
static uint16_t feat(struct h_assoc *a, bool set, uint8_t fid, uint32_t nsid, uint32_t cdw11,
		     uint32_t *res)
{
	struct h_req *r = h_req_new(a, 0, 0);
	uint16_t st;

	r->cmd.common.opcode = set ? nvme_admin_set_features : nvme_admin_get_features;
	r->cmd.common.nsid = htole32(nsid);
	r->cmd.common.cdw10 = htole32(fid);
	r->cmd.common.cdw11 = htole32(cdw11);
	st = h_run(r);
	if (res)
		*res = le32toh(r->cqe.result.dw0);
	h_req_free(r);
	return st;
}

/* The Reservation Notification log of a: count, type, available, NSID. */
static void assert_log_ns(struct h_assoc *a, bool rae, uint64_t count, uint8_t type, uint8_t avail,
			  uint32_t nsid)
{
	uint8_t buf[64], want[64] = { 0 };
	uint64_t c = htole64(count);
	uint32_t n = htole32(nsid);

	memcpy(want, &c, 8);
	want[8] = type;
	want[9] = avail;
	if (count)
		memcpy(want + 12, &n, 4);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_RESV, 0, rae, 0xffffffff, 0, 64, buf), 0);
	ck_assert_mem_eq(buf, want, 64);
}

/* The same for namespace 1. */
static void assert_log(struct h_assoc *a, bool rae, uint64_t count, uint8_t type, uint8_t avail)
{
	assert_log_ns(a, rae, count, type, avail, 1);
}

#define RESV_AEN 0x00800006u /* type 6h, info 00h, log page 80h */

START_TEST(test_resv_notify)
{
	struct h_req *ra, *rb;
	uint32_t v;

	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_ACQUIRE, 3, KEY_B, 0), 0);
	ra = h_aer(A);
	rb = h_aer(B);
	/* B releases a Registrants Only reservation: A is told */
	ck_assert_uint_eq(cr_rel(B, NVME_RESV_RELEASE, 3, KEY_B), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	ck_assert_uint_eq(le32toh(ra->cqe.result.dw0), RESV_AEN);
	ck_assert_uint_eq(h_status(rb), H_PENDING);
	assert_log(A, true, 1, NVME_RESV_LOG_RELEASED, 0); /* RAE: kept */
	assert_log(A, false, 1, NVME_RESV_LOG_RELEASED, 0);
	assert_log(A, false, 0, 0, 0); /* empty now */
	h_req_free(ra);
	/* B preempts A's Write Exclusive: A's registration is preempted */
	ra = h_aer(A);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0);
	ck_assert_uint_eq(h_status(ra), H_PENDING); /* acquiring tells no one */
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_PREEMPT, 1, KEY_B, KEY_A), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	ck_assert_uint_eq(h_status(rb), H_PENDING);
	/* A registers again, B clears: A's reservation state is preempted;
	 * the event is not sent again before A reads the log */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_rel(B, NVME_RESV_CLEAR, 0, KEY_B), 0);
	assert_log(A, true, 2, NVME_RESV_LOG_REG_PREEMPTED, 1);
	assert_log(A, false, 2, NVME_RESV_LOG_REG_PREEMPTED, 1);
	assert_log(A, false, 3, NVME_RESV_LOG_PREEMPTED, 0);
	h_req_free(ra);
	/* the mask (feature 82h) silences Reservation Released */
	ck_assert_uint_eq(feat(A, true, NVME_FEAT_RESV_MASK, 0xffffffff, 1u << 2, NULL), 0);
	ck_assert_uint_eq(feat(A, false, NVME_FEAT_RESV_MASK, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 1u << 2);
	ck_assert_uint_eq(feat(A, true, NVME_FEAT_RESV_MASK, 1, 1, NULL),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_ACQUIRE, 4, KEY_B, 0), 0);
	ck_assert_uint_eq(cr_rel(B, NVME_RESV_RELEASE, 4, KEY_B), 0);
	assert_log(A, false, 0, 0, 0);
	/* Reservation Persistence (83h): no state directory, no PTPL */
	ck_assert_uint_eq(feat(A, false, NVME_FEAT_RESV_PERSIST, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(feat(A, true, NVME_FEAT_RESV_PERSIST, 1, 1, NULL),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(feat(A, false, NVME_FEAT_RESV_PERSIST, 2, 0, &v),
			  NVME_SC_INVALID_FIELD | DNR);
	/* B heard nothing: its AER ends with its association, not before */
	ck_assert_uint_eq(h_status(rb), H_PENDING);
	h_assoc_teardown(B);
	ck_assert_uint_ne(h_status(rb), H_PENDING);
	h_req_free(rb);
}
END_TEST

/* Feature 82h is kept per controller and namespace: a mask set for
 * namespace 2 silences namespace 2's notifications only, Get reads one
 * namespace's mask, FFFFFFFFh sets every namespace with reservations, and
 * a namespace removed and added again starts unmasked. */
START_TEST(test_resv_mask_per_ns)
{
	struct tgt_ns_params np2 = { .nsid = 2, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	struct tgt_ns_params np3 = { .nsid = 3, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	const uint8_t m = NVME_FEAT_RESV_MASK;
	const uint32_t released = 1u << NVME_RESV_LOG_RELEASED, regpre = 1u << 1;
	char err[128];
	uint32_t v;

	np2.resv = true;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np3, err, sizeof(err)), 0);
	ck_assert_uint_eq(feat(A, true, m, 2, released, NULL), 0);
	ck_assert_uint_eq(feat(A, false, m, 2, 0, &v), 0);
	ck_assert_uint_eq(v, released);
	ck_assert_uint_eq(feat(A, false, m, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(feat(B, false, m, 2, 0, &v), 0); /* B's are its own */
	ck_assert_uint_eq(v, 0);
	/* Get names one namespace with reservations; so does Set, or all */
	ck_assert_uint_eq(feat(A, false, m, 0xffffffff, 0, NULL), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(feat(A, false, m, 3, 0, NULL), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(feat(A, true, m, 3, released, NULL), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(feat(A, true, m, 0, released, NULL), NVME_SC_INVALID_FIELD | DNR);
	/* B releases a Registrants Only reservation on 2, then on 1: A hears
	 * of namespace 1 only */
	ck_assert_uint_eq(cr_resv_ns(A, 2, nvme_cmd_resv_register, 0, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_resv_ns(B, 2, nvme_cmd_resv_register, 0, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_resv_ns(B, 2, nvme_cmd_resv_acquire, 3u << 8, KEY_B, 0), 0);
	ck_assert_uint_eq(cr_resv_ns(B, 2, nvme_cmd_resv_release, 3u << 8, KEY_B, 0), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_ACQUIRE, 3, KEY_B, 0), 0);
	ck_assert_uint_eq(cr_rel(B, NVME_RESV_RELEASE, 3, KEY_B), 0);
	assert_log_ns(A, false, 1, NVME_RESV_LOG_RELEASED, 0, 1);
	assert_log(A, false, 0, 0, 0);
	/* FFFFFFFFh: every namespace with reservations A sees */
	ck_assert_uint_eq(feat(A, true, m, 0xffffffff, regpre, NULL), 0);
	ck_assert_uint_eq(feat(A, false, m, 1, 0, &v), 0);
	ck_assert_uint_eq(v, regpre);
	ck_assert_uint_eq(feat(A, false, m, 2, 0, &v), 0);
	ck_assert_uint_eq(v, regpre);
	/* namespace 2 removed and added again: its mask is gone */
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 2, err, sizeof(err)), 0);
	ck_assert_uint_eq(feat(A, false, m, 2, 0, NULL), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np2, err, sizeof(err)), 0);
	ck_assert_uint_eq(feat(A, false, m, 2, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(feat(A, false, m, 1, 0, &v), 0);
	ck_assert_uint_eq(v, regpre);
}
END_TEST

/* The operator's clear (fcnvmectl namespace resv-clear). */
START_TEST(test_resv_clear_ctl)
{
	struct tgt_ns_params np = { .nsid = 2, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	uint8_t buf[128];
	struct h_req *ra, *rb;
	char err[128];

	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 2, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_rd(B), CONFLICT);
	ra = h_aer(A);
	rb = h_aer(B);
	ck_assert_int_eq(tgt_ns_resv_clear(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_uint_eq(cr_rd(B), 0);
	ck_assert_uint_eq(h_status(ra), 0); /* both told: Reservation Preempted */
	ck_assert_uint_eq(h_status(rb), 0);
	assert_log(B, false, 1, NVME_RESV_LOG_PREEMPTED, 0);
	ck_assert_uint_eq(cr_report(C, true, buf, 128), 0);
	ck_assert_uint_eq(buf[0], 3);
	ck_assert_uint_eq(buf[5], 0);
	ck_assert_int_eq(tgt_ns_resv_clear(H->t, H_SUBNQN, 9, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_resv_clear(H->t, H_SUBNQN, 2, err, sizeof(err)), -EOPNOTSUPP);
	ck_assert_str_eq(err, "namespace 2 has no reservations");
	h_req_free(ra);
	h_req_free(rb);
}
END_TEST

/* Reservations off and on in place (a reload): refused while a host is
 * registered, saying how to clear; off, the commands are gone, RESCAP 0,
 * writes no longer conflict, and hosts get a namespace-attribute event;
 * on again, empty and enforced. */
START_TEST(test_resv_in_place)
{
	uint8_t *id = malloc(4096), buf[128];
	struct h_req *ra;
	char err[256];

	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_wr(B), CONFLICT);
	ck_assert_int_eq(tgt_ns_set_resv(H->t, H_SUBNQN, 1, false, err, sizeof(err)), -EBUSY);
	ck_assert_str_eq(err, "namespace 1 has 1 registered host and a reservation, which would "
			      "be lost; clear them first (fcnvmectl namespace resv-clear " H_SUBNQN
			      " 1)");
	ck_assert_uint_eq(cr_wr(B), CONFLICT);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_rel(A, NVME_RESV_RELEASE, 1, KEY_A), 0);
	ck_assert_int_eq(tgt_ns_set_resv(H->t, H_SUBNQN, 1, false, err, sizeof(err)), -EBUSY);
	ck_assert_str_eq(err, "namespace 1 has 2 registered hosts, which would be lost; clear "
			      "them first (fcnvmectl namespace resv-clear " H_SUBNQN " 1)");
	ck_assert_int_eq(tgt_ns_resv_clear(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	/* C never registered: its only event is the namespace's */
	ra = h_aer(C);
	ck_assert_uint_eq(h_status(ra), H_PENDING);
	ck_assert_int_eq(tgt_ns_set_resv(H->t, H_SUBNQN, 1, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	ck_assert_uint_eq(le32toh(ra->cqe.result.dw0), 0x040002);
	h_req_free(ra);
	/* the Changed Namespace List names it (and unmasks the event) */
	ck_assert_uint_eq(h_get_log(C, NVME_LOG_CHANGED_NS, 0, false, 0xffffffff, 0, 8, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 0), 1);
	ck_assert_uint_eq(h_rd32(buf, 4), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), NVME_SC_INVALID_OPCODE | DNR);
	ck_assert_uint_eq(cr_report(C, true, buf, 128), NVME_SC_INVALID_OPCODE | DNR);
	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(id[31], 0);
	/* the same again: nothing changes, no event */
	ra = h_aer(C);
	ck_assert_int_eq(tgt_ns_set_resv(H->t, H_SUBNQN, 1, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), H_PENDING);
	/* on again: empty, enforced */
	ck_assert_int_eq(tgt_ns_set_resv(H->t, H_SUBNQN, 1, true, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(ra), 0);
	h_req_free(ra);
	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(id[31], 0xfe);
	ck_assert_uint_eq(cr_report(C, true, buf, 128), 0);
	ck_assert_uint_eq(buf[4], 0); /* no reservation */
	ck_assert_uint_eq(buf[5], 0); /* no registrant */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_uint_eq(cr_acq(A, NVME_RESV_ACQUIRE, 1, KEY_A, 0), 0);
	ck_assert_uint_eq(cr_wr(B), CONFLICT);
	ck_assert_uint_eq(cr_wr(A), 0);
	ck_assert_int_eq(tgt_ns_set_resv(H->t, H_SUBNQN, 9, true, err, sizeof(err)), -ENOENT);
	free(id);
}
END_TEST

/* The seqlock (resv_io.c): [ctl] flips between X = Write Exclusive
 * Registrants Only held by H1 with P registered and Y = Write Exclusive
 * held by P. P may write in both; only a torn read (Y's type with X's
 * holder) would refuse it. A reader thread checks while the writer flips;
 * no random input. Without the seq counter this fails in about one run of
 * three on 2 CPUs: it catches a broken seqlock often, not always. */
struct seq_arg {
	struct ns_resv *r;
	_Atomic bool stop;
	_Atomic unsigned long conflicts, reads;
};

static const uint8_t id_h1[16] = { 1 }, id_p[16] = { 2 };

static void *seq_reader(void *arg)
{
	struct seq_arg *a = arg;

	while (!atomic_load(&a->stop)) {
		if (resv_io_conflict(&a->r->snap, id_p, true))
			atomic_fetch_add(&a->conflicts, 1);
		atomic_fetch_add(&a->reads, 1);
	}
	return NULL;
}

START_TEST(test_resv_seqlock)
{
	struct seq_arg a = { .r = calloc(1, sizeof(struct ns_resv)) };
	unsigned long conflicts;
	pthread_t th;
	int i;

	ck_assert_ptr_nonnull(a.r);
	resv_publish(a.r); /* empty: P writes */
	ck_assert_int_eq(pthread_create(&th, NULL, seq_reader, &a), 0);
	while (!atomic_load(&a.reads))
		sched_yield();
	for (i = 0; i < 200000; i++) {
		if (i & 1) { /* Y */
			memcpy(a.r->reg[0].hostid, id_p, 16);
			a.r->nr_reg = 1;
			a.r->holder = 0;
			a.r->rtype = NVME_RESV_WRITE_EXCLUSIVE;
		} else { /* X */
			memcpy(a.r->reg[0].hostid, id_h1, 16);
			memcpy(a.r->reg[1].hostid, id_p, 16);
			a.r->nr_reg = 2;
			a.r->holder = 0;
			a.r->rtype = NVME_RESV_WRITE_EXCLUSIVE_REG_ONLY;
		}
		resv_publish(a.r);
	}
	atomic_store(&a.stop, true);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	printf("resv seqlock: %lu reads during 200000 updates\n", atomic_load(&a.reads));
	conflicts = atomic_load(&a.conflicts);
	ck_assert_uint_eq(conflicts, 0); /* torn reads would refuse P */
	free(a.r);
}
END_TEST

static void restart(const char *dir)
{
	h_teardown();
	h_setup_dir(dir);
	cr_setup(&A, &B, &C);
}

START_TEST(test_resv_ptpl)
{
	char dir[] = "/tmp/check_core_resvXXXXXX", path[512], line[128];
	uint8_t buf[192], want[192];
	uint8_t *id = malloc(4096);
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	restart(dir);
	ck_assert_uint_eq(h_identify(A, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(id[31], 0xff);
	snprintf(path, sizeof(path), "%s/%s/ns1.resv", dir, H_SUBNQN);
	/* PTPL off: nothing written */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER, 0, KEY_A), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_uint_eq(cr_reg(B, NVME_RESV_REGISTER | 3u << 30, 0, KEY_B), 0);
	ck_assert_uint_eq(cr_acq(B, NVME_RESV_ACQUIRE, 1, KEY_B, 0), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(fgets(line, sizeof(line), f), "gen 2\n");
	ck_assert_str_eq(fgets(line, sizeof(line), f), "rtype 1\n");
	ck_assert_str_eq(fgets(line, sizeof(line), f), "holder ababababababababababababababab32\n");
	ck_assert_str_eq(fgets(line, sizeof(line), f),
			 "reg abababababababababababababababab 1111222233334444\n");
	ck_assert_str_eq(fgets(line, sizeof(line), f),
			 "reg ababababababababababababababab32 000000000000bbbb\n");
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_uint_eq(cr_report(A, true, want, 192), 0);
	ck_assert_uint_eq(want[9], 1); /* PTPLS */
	restart(dir);
	ck_assert_uint_eq(cr_report(A, true, buf, 192), 0);
	ck_assert_mem_eq(buf, want, 192);
	ck_assert_uint_eq(cr_wr(A), CONFLICT);
	ck_assert_uint_eq(cr_wr(B), 0);
	/* corrupt: the namespace comes up without reservations */
	f = fopen(path, "a");
	fputs("reg zz 1\n", f);
	fclose(f);
	restart(dir);
	ck_assert_uint_eq(cr_report(A, true, buf, 192), 0);
	memset(want, 0, sizeof(want));
	ck_assert_mem_eq(buf, want, 192);
	ck_assert_uint_eq(cr_wr(A), 0);
	/* a holder that is not registered is corrupt too */
	f = fopen(path, "w");
	fputs("gen 1\nrtype 2\nholder 00000000000000000000000000000001\n", f);
	fclose(f);
	restart(dir);
	ck_assert_uint_eq(cr_rd(C), 0);
	/* Set Features 83h turns PTPL on and off too */
	ck_assert_uint_eq(feat(A, true, NVME_FEAT_RESV_PERSIST, 1, 1, NULL), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_uint_eq(feat(A, false, NVME_FEAT_RESV_PERSIST, 1, 0, (uint32_t *)(void *)buf), 0);
	ck_assert_uint_eq(buf[0], 1);
	ck_assert_uint_eq(feat(A, true, NVME_FEAT_RESV_PERSIST, 1, 0, NULL), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* PTPL off removes the file; deleting the namespace too */
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER | 3u << 30, 0, KEY_A), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER | 2u << 30, 0, KEY_A), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_uint_eq(cr_reg(A, NVME_RESV_REGISTER | 3u << 30, 0, KEY_A), 0);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 1, (char *)line, sizeof(line)), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	free(id);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

Suite *core_resv_suite(void)
{
	Suite *s = suite_create("core_resv");
	TCase *tc = tcase_create("resv");

	tcase_add_checked_fixture(tc, fixture_setup, h_teardown);
	tcase_add_test(tc, test_resv_table);
	tcase_add_test(tc, test_resv_matrix);
	tcase_add_test(tc, test_resv_register);
	tcase_add_test(tc, test_resv_acquire_release);
	tcase_add_test(tc, test_resv_preempt);
	tcase_add_test(tc, test_resv_report_bytes);
	tcase_add_test(tc, test_resv_identify);
	tcase_add_test(tc, test_resv_off);
	tcase_add_test(tc, test_resv_ptpl);
	tcase_add_test(tc, test_resv_notify);
	tcase_add_test(tc, test_resv_mask_per_ns);
	tcase_add_test(tc, test_resv_clear_ctl);
	tcase_add_test(tc, test_resv_in_place);
	tcase_add_test(tc, test_resv_seqlock);
	suite_add_tcase(s, tc);
	return s;
}
