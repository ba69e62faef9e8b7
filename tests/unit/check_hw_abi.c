// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel driver's copy of the device region (hw/linux/softhba/
 * softhba_hw.h) against hw_dev.h: every struct size, every field offset and
 * size, and every constant must be equal, so the two can never drift. The
 * kernel header is compiled here with small shims for the kernel types.
 */
#include <stddef.h>
#include <stdint.h>

#include "check_hw.h"
#include "hw_dev.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef struct {
	int64_t counter;
} atomic64_t;
#define __aligned(x) __attribute__((aligned(x)))
#define BIT(n)	     (1UL << (n))
#define BIT_ULL(n)   (1ULL << (n))

#include "linux/softhba/softhba_hw.h"

#define MSZ(T, f) sizeof(((T *)0)->f)

/* Field f of struct hw_<u> is at the same offset and has the same size as
 * field f of struct shba_<u>. */
#define SAME(u, f)                                                                        \
	do {                                                                              \
		ck_assert_msg(offsetof(struct hw_##u, f) == offsetof(struct shba_##u, f), \
			      #u "." #f ": offset %zu in hw_dev.h, %zu in softhba_hw.h",  \
			      offsetof(struct hw_##u, f), offsetof(struct shba_##u, f));  \
		ck_assert_msg(MSZ(struct hw_##u, f) == MSZ(struct shba_##u, f),           \
			      #u "." #f ": size %zu in hw_dev.h, %zu in softhba_hw.h",    \
			      MSZ(struct hw_##u, f), MSZ(struct shba_##u, f));            \
	} while (0)

#define SIZE(u)                                                                                  \
	ck_assert_msg(sizeof(struct hw_##u) == sizeof(struct shba_##u) &&                        \
			      _Alignof(struct hw_##u) == _Alignof(struct shba_##u),              \
		      #u ": size %zu align %zu in hw_dev.h, size %zu align %zu in softhba_hw.h", \
		      sizeof(struct hw_##u), _Alignof(struct hw_##u), sizeof(struct shba_##u),   \
		      _Alignof(struct shba_##u))

START_TEST(test_abi_constants)
{
	ck_assert_uint_eq(SHBA_CACHELINE, HW_CACHELINE);
	ck_assert_uint_eq(SHBA_PAGE, HW_PAGE);
	ck_assert_uint_eq(SHBA_BAR_MAGIC, HW_BAR_MAGIC);
	ck_assert_uint_eq(SHBA_BAR_VERSION, HW_BAR_VERSION);
	ck_assert_uint_eq(SHBA_BAR_F_REMOTE, HW_BAR_F_REMOTE);
	ck_assert_uint_eq(SHBA_MAX_HWQ, HW_MAX_HWQ);
	ck_assert_uint_eq(SHBA_MAX_PORTS, HW_MAX_PORTS);
	ck_assert_uint_eq(SHBA_MAX_SGE, HW_MAX_SGE);
	ck_assert_uint_eq(SHBA_DMA_HANDLE_BASE, HW_DMA_HANDLE_BASE);
	ck_assert_uint_eq(SHBA_WQE_SIZE, HW_WQE_SIZE);
	ck_assert_uint_eq(SHBA_CQE_SIZE, HW_CQE_SIZE);
	ck_assert_uint_eq(SHBA_EQE_SIZE, HW_EQE_SIZE);
	ck_assert_uint_eq(SHBA_EQE_PAYLOAD, HW_EQE_PAYLOAD);
	ck_assert_uint_eq(SHBA_CQE_RSP_LINE1, HW_CQE_RSP_LINE1);
	ck_assert_uint_eq(SHBA_CQE_PAYLOAD, HW_CQE_PAYLOAD);
	ck_assert_int_eq(SHBA_LINK_DOWN, HW_LINK_DOWN);
	ck_assert_int_eq(SHBA_LINK_UP, HW_LINK_UP);
	ck_assert_int_eq(SHBA_WQE_FCP_CMD, HW_WQE_FCP_CMD);
	ck_assert_int_eq(SHBA_WQE_ABTS, HW_WQE_ABTS);
	ck_assert_int_eq(SHBA_WQE_BA_ACC, HW_WQE_BA_ACC);
	ck_assert_int_eq(SHBA_WQE_BA_RJT, HW_WQE_BA_RJT);
	ck_assert_int_eq(SHBA_WQE_TGT_OP, HW_WQE_TGT_OP);
	ck_assert_int_eq(SHBA_CQE_RCV_CMD, HW_CQE_RCV_CMD);
	ck_assert_int_eq(SHBA_CQE_RCV_ABTS, HW_CQE_RCV_ABTS);
	ck_assert_int_eq(SHBA_CQE_RCV_BA_ACC, HW_CQE_RCV_BA_ACC);
	ck_assert_int_eq(SHBA_CQE_RCV_BA_RJT, HW_CQE_RCV_BA_RJT);
	ck_assert_int_eq(SHBA_CQE_FCP_RSP, HW_CQE_FCP_RSP);
	ck_assert_int_eq(SHBA_CQE_WQE_DONE, HW_CQE_WQE_DONE);
	ck_assert_int_eq(SHBA_EQE_LS_REQ, HW_EQE_LS_REQ);
	ck_assert_int_eq(SHBA_EQE_LS_RSP, HW_EQE_LS_RSP);
	ck_assert_int_eq(SHBA_EQE_PLOGI, HW_EQE_PLOGI);
	ck_assert_int_eq(SHBA_EQE_PRLI, HW_EQE_PRLI);
	ck_assert_int_eq(SHBA_EQE_ELS_ACC, HW_EQE_ELS_ACC);
	ck_assert_int_eq(SHBA_EQE_ELS_RJT, HW_EQE_ELS_RJT);
	ck_assert_int_eq(SHBA_EQE_LOGO, HW_EQE_LOGO);
	ck_assert_int_eq(SHBA_EQE_PRLO, HW_EQE_PRLO);
	ck_assert_int_eq(SHBA_EQE_RSCN, HW_EQE_RSCN);
	ck_assert_int_eq(SHBA_EQE_LINK, HW_EQE_LINK);
	ck_assert_int_eq(SHBA_EQE_RPORT_ONLINE, HW_EQE_RPORT_ONLINE);
	ck_assert_int_eq(SHBA_EQE_RPORT_OFFLINE, HW_EQE_RPORT_OFFLINE);
	ck_assert_int_eq(SHBA_EQE_DRV_UP, HW_EQE_DRV_UP);
	ck_assert_int_eq(SHBA_EQE_DRV_DOWN, HW_EQE_DRV_DOWN);
	ck_assert_int_eq(SHBA_XRI_FREE, HW_XRI_FREE);
	ck_assert_int_eq(SHBA_XRI_ACTIVE, HW_XRI_ACTIVE);
	ck_assert_int_eq(SHBA_XRI_ABORTING, HW_XRI_ABORTING);
}
END_TEST

START_TEST(test_abi_ring_entries)
{
	SIZE(ring);
	SAME(ring, tail);
	SAME(ring, head_seen);
	SAME(ring, head);
	SAME(ring, armed);
	SAME(ring, futex);
	SAME(ring, entries);
	SAME(ring, esize);
	SAME(ring, off);

	SIZE(wqe);
	SAME(wqe, seq);
	SAME(wqe, type);
	SAME(wqe, op);
	SAME(wqe, peer_slot);
	SAME(wqe, xri);
	SAME(wqe, tag);
	SAME(wqe, rx_id);
	SAME(wqe, peer_hwq);
	SAME(wqe, rsplen);
	SAME(wqe, offset);
	SAME(wqe, length);
	SAME(wqe, sg_cnt);
	SAME(wqe, sg);
	SAME(wqe, rsp);
	SAME(wqe, cmd);
	SAME(wqe, cookie);
	SAME(wqe, rsvd);

	SIZE(cqe);
	SAME(cqe, seq);
	SAME(cqe, type);
	SAME(cqe, wqe_type);
	SAME(cqe, peer_slot);
	SAME(cqe, status);
	SAME(cqe, xri);
	SAME(cqe, tag);
	SAME(cqe, iu);
	SAME(cqe, c);
	SAME(cqe, c.rx_id);
	SAME(cqe, c.len);
	SAME(cqe, c.xfrd);
	SAME(cqe, c.peer_hwq);
	SAME(cqe, c.rsvd);
	SAME(cqe, c.cookie);
	SAME(cqe, c.rsp);
	SAME(cqe, src_hwq);
	SAME(cqe, pad);

	SIZE(eqe);
	SAME(eqe, seq);
	SAME(eqe, type);
	SAME(eqe, peer_slot);
	SAME(eqe, status);
	SAME(eqe, id);
	SAME(eqe, len);
	SAME(eqe, arg);
	SAME(eqe, rsvd);
	SAME(eqe, payload);

	SIZE(rport_desc);
	SAME(rport_desc, wwnn);
	SAME(rport_desc, wwpn);
	SAME(rport_desc, port_id);
	SAME(rport_desc, roles);
	SAME(rport_desc, gen);
	SAME(rport_desc, rsvd);
}
END_TEST

START_TEST(test_abi_xri)
{
	SIZE(sge);
	SAME(sge, dma);
	SAME(sge, len);
	SAME(sge, rsvd);

	SIZE(xri);
	SAME(xri, state);
	SAME(xri, tag);
	SAME(xri, rx_id);
	SAME(xri, xfrd);
	SAME(xri, dst_slot);
	SAME(xri, dst_hwq);
	SAME(xri, src_hwq);
	SAME(xri, dir);
	SAME(xri, rsvd);
	SAME(xri, data_len);
	SAME(xri, nsge);
	SAME(xri, sge);
	SAME(xri, sge[1].dma);
	SAME(xri, sge[SHBA_MAX_SGE - 1].len);
	SAME(xri, pad);
	/* Each exchange of the table starts on a cache line (version 2). */
	ck_assert_uint_eq(sizeof(struct hw_xri) % HW_CACHELINE, 0);
	ck_assert_uint_eq(HW_BAR_VERSION, 2);
}
END_TEST

START_TEST(test_abi_bar)
{
	unsigned int i;

	SIZE(login);
	SAME(login, state);
	SAME(login, roles);

	SIZE(counters);
	SAME(counters, ls_tx);
	SAME(counters, ls_rx);
	SAME(counters, abts_tx);
	SAME(counters, abts_rx);
	SAME(counters, dma_errors);
	SAME(counters, drops);
	SAME(counters, busy);

	SIZE(qstats);
	SAME(qstats, cmd_tx);
	SAME(qstats, cmd_rx);
	SAME(qstats, rsp_tx);
	SAME(qstats, data_bytes);

	SIZE(bar);
	SAME(bar, magic);
	SAME(bar, version);
	SAME(bar, bar_size);
	SAME(bar, region_size);
	SAME(bar, wwnn);
	SAME(bar, wwpn);
	SAME(bar, port_id);
	SAME(bar, link);
	SAME(bar, roles);
	SAME(bar, slot);
	SAME(bar, nr_hwq);
	SAME(bar, nr_xri);
	SAME(bar, owner_pid);
	SAME(bar, flags);
	SAME(bar, xri_off);
	SAME(bar, dma_off);
	SAME(bar, dma_size);
	SAME(bar, doorbell);
	SAME(bar, cnt);
	SAME(bar, qstats);
	SAME(bar, logins);
	SAME(bar, eq);
	SAME(bar, wq);
	SAME(bar, cq);
	SAME(bar, fw_heartbeat);
	SAME(bar, fw_peer_id);
	SAME(bar, nr_vectors);
	SAME(bar, mq);
	SAME(bar, deq);
	for (i = 0; i < HW_MAX_HWQ; i++) {
		ck_assert_uint_eq(offsetof(struct hw_bar, wq[i].head),
				  offsetof(struct shba_bar, wq[i].head));
		ck_assert_uint_eq(offsetof(struct hw_bar, cq[i].armed),
				  offsetof(struct shba_bar, cq[i].armed));
		ck_assert_uint_eq(offsetof(struct hw_bar, qstats[i].data_bytes),
				  offsetof(struct shba_bar, qstats[i].data_bytes));
	}
	SAME(bar, mq.head);
	SAME(bar, mq.off);
	SAME(bar, deq.armed);
	SAME(bar, deq.off);
}
END_TEST

Suite *hw_abi_suite(void)
{
	Suite *s = suite_create("hw_abi");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, test_abi_constants);
	tcase_add_test(tc, test_abi_ring_entries);
	tcase_add_test(tc, test_abi_xri);
	tcase_add_test(tc, test_abi_bar);
	suite_add_tcase(s, tc);
	return s;
}
