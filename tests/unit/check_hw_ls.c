// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the pool of received LS requests both drivers answer
 * from (hw_ls_rcv_* in hw_ls.c): taking a context copies the event and
 * clears the response, refusals say -EBUSY or -EINVAL and take nothing,
 * answered contexts are freed and their done runs once at the reap (with
 * the context already free again), in the order the drivers always used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_hw.h"
#include "hw_dev.h"
#include "hw_ls.h"

#define NR 3

_Static_assert(NVME_FC_MAX_LS_RQST_LEN <= HW_EQE_PAYLOAD, "an LS fits an event");

static struct hw_ls_rcv ctx[NR];
static struct hw_ls_rcv_pool pool;
static struct hw_ls_rcv *done_seen[8];
static int nr_done;
static bool done_saw_free;

static void rcv_done(struct nvmefc_ls_rsp *rsp)
{
	struct hw_ls_rcv *c = (struct hw_ls_rcv *)rsp;

	done_seen[nr_done++] = c;
	done_saw_free = pool.free == c;
}

static void ev(struct hw_eqe *e, uint64_t id, uint16_t slot, uint32_t len)
{
	memset(e, 0, sizeof(*e));
	e->type = HW_EQE_LS_REQ;
	e->id = id;
	e->peer_slot = slot;
	e->len = len;
	memset(e->payload, (int)(id & 0xff), len);
}

START_TEST(ls_rcv_take_put)
{
	struct hw_ls_rcv *c = NULL, *d = NULL, *x;
	struct hw_eqe *e = calloc(1, sizeof(*e));
	uint8_t want[16];

	ck_assert_ptr_nonnull(e);
	memset(ctx, 0xa5, sizeof(ctx));
	hw_ls_rcv_init(&pool, ctx, NR);
	ck_assert(!hw_ls_rcv_pending(&pool));
	ev(e, 0x1234, 5, 16);
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &c), 0);
	ck_assert_ptr_eq(c, &ctx[NR - 1]); /* the last one pushed comes first */
	ck_assert_uint_eq(c->id, 0x1234);
	ck_assert_uint_eq(c->slot, 5);
	ck_assert_uint_eq(c->login_gen, 0);
	memset(want, 0x34, sizeof(want));
	ck_assert_mem_eq(c->buf, want, 16);
	ck_assert_ptr_null(c->rsp.done);
	ck_assert_ptr_null(c->rsp.rspbuf);
	ck_assert_uint_eq(c->rsp.rsplen, 0);
	/* bad lengths take nothing */
	ev(e, 1, 1, 0);
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &d), -EINVAL);
	e->len = NVME_FC_MAX_LS_RQST_LEN + 1; /* payload not read */
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &d), -EINVAL);
	ck_assert_ptr_null(d);
	ev(e, 2, 1, NVME_FC_MAX_LS_RQST_LEN); /* the largest LS */
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &d), 0);
	ck_assert_ptr_eq(d, &ctx[NR - 2]);
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &x), 0);
	ck_assert_ptr_eq(x, &ctx[0]);
	/* all taken */
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &x), -EBUSY);
	/* a refused one goes back and is the next taken */
	hw_ls_rcv_put(&pool, d);
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &x), 0);
	ck_assert_ptr_eq(x, d);
	ck_assert(!hw_ls_rcv_pending(&pool));
	free(e);
}
END_TEST

START_TEST(ls_rcv_reap)
{
	struct hw_ls_rcv *c[NR];
	struct hw_eqe *e = calloc(1, sizeof(*e));
	int i;

	ck_assert_ptr_nonnull(e);
	hw_ls_rcv_init(&pool, ctx, NR);
	ev(e, 7, 2, 8);
	for (i = 0; i < NR; i++) {
		ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &c[i]), 0);
		c[i]->rsp.done = rcv_done;
	}
	nr_done = 0;
	ck_assert_int_eq(hw_ls_rcv_reap(&pool), 0);
	hw_ls_rcv_answered(&pool, c[0]);
	hw_ls_rcv_answered(&pool, c[2]);
	ck_assert(hw_ls_rcv_pending(&pool));
	ck_assert_int_eq(nr_done, 0); /* never inside answered() */
	ck_assert_int_eq(hw_ls_rcv_reap(&pool), 2);
	ck_assert(!hw_ls_rcv_pending(&pool));
	ck_assert_int_eq(nr_done, 2);
	ck_assert_ptr_eq(done_seen[0], c[2]); /* last answered first */
	ck_assert_ptr_eq(done_seen[1], c[0]);
	ck_assert(done_saw_free); /* free again before its done ran */
	ck_assert_int_eq(hw_ls_rcv_reap(&pool), 0);
	ck_assert_int_eq(nr_done, 2);
	/* both can be taken again; the third is still out */
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &c[0]), 0);
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &c[2]), 0);
	ck_assert_int_eq(hw_ls_rcv_take(&pool, e, &c[1]), -EBUSY);
	free(e);
}
END_TEST

Suite *hw_ls_suite(void)
{
	Suite *s = suite_create("hw_ls");
	TCase *tc = tcase_create("rcv_pool");

	tcase_add_test(tc, ls_rcv_take_put);
	tcase_add_test(tc, ls_rcv_reap);
	suite_add_tcase(s, tc);
	return s;
}
