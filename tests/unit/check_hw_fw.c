// SPDX-License-Identifier: Apache-2.0
/*
 * Firmware tests with two ports of one fabric in one process, driven at the
 * device interface: CMD IU delivery and steering, READDATA/WRITEDATA moving
 * exact bytes between the two DMA regions, RSP delivery, ABTS, and DMA
 * handle bounds (a bad handle completes with -EFAULT and writes nothing),
 * and the host's CQ interrupt: a host sleeping on its armed CQ is woken by
 * the target's response.
 * Also the DMA allocator.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "check_hw.h"
#include "hw_priv.h"

static char root[64], fdir[128];
static struct hw_dev tgt, host;

static void setup(void)
{
	struct hw_dev_cfg tc = {
		.dev = "soft:fw",
		.wwnn = 0x20000000000000a1ull,
		.wwpn = 0x10000000000000a1ull,
		.roles = FC_PORT_ROLE_NVME_TARGET,
		.nr_hwq = 2,
		.cq_entries = 64,
		.dma_size = 1 << 20,
	};
	struct hw_dev_cfg hc = {
		.dev = "soft:fw",
		.wwnn = 0x20000000000000b1ull,
		.wwpn = 0x10000000000000b1ull,
		.roles = FC_PORT_ROLE_NVME_INITIATOR,
		.nr_hwq = 1,
		.cq_entries = 64,
		.nr_xri = 4,
		.dma_size = 1 << 20,
	};

	ck_assert_int_eq(hwf_shm_dir_make(root, sizeof(root), "fw"), 0);
	snprintf(fdir, sizeof(fdir), "%s/fw", root);
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hw_dev_open(&tgt, &tc), 0);
	ck_assert_int_eq(hw_dev_open(&host, &hc), 0);
	ck_assert_int_eq(hw_dev_peer(&host, tgt.slot), 0);
	ck_assert_int_eq(hw_dev_peer(&tgt, host.slot), 0);
}

static void teardown(void)
{
	hw_dev_close(&host);
	hw_dev_close(&tgt);
	ck_assert_int_eq(hw_fabric_destroy(fdir), 0);
	ck_assert_int_eq(hwf_shm_dir_remove(root), 0);
}

static struct hw_cqe *next_cqe(struct hw_dev *d, unsigned int q)
{
	return hw_ring_peek(d->base, &d->bar->cq[q]);
}

static void pop_cqe(struct hw_dev *d, unsigned int q)
{
	hw_ring_pop(&d->bar->cq[q], next_cqe(d, q));
}

/* Host: set up exchange xri with one SGE and send a CMD IU for qid. */
static void send_cmd(unsigned int xri, uint32_t tag, uint64_t dma, uint32_t len, uint16_t qid)
{
	struct nvme_fc_cmd_iu iu;

	ck_assert_int_eq(hwf_post_cmd(&host, tgt.slot, xri, tag, 0xabcd00000000ull | qid, 0x02, dma,
				      len, &iu),
			 0);
	ck_assert_int_eq(hw_fw_doorbell(&host, 0), 1);
}

/* Target: run one op of a local sg list of cnt elements against host
 * exchange xri, on hw queue q; rsp (rsplen bytes) goes with it. */
static void tgt_op_list(unsigned int q, uint8_t op, unsigned int xri, uint32_t tag,
			struct fcnvme_sg *sg, uint32_t cnt, uint32_t off, uint32_t len,
			const void *rsp, uint16_t rsplen, uint64_t cookie)
{
	struct hw_wqe w;

	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_TGT_OP;
	w.op = op;
	w.peer_slot = (uint16_t)host.slot;
	w.xri = xri;
	w.tag = tag;
	w.offset = off;
	w.length = len;
	w.sg = sg;
	w.sg_cnt = cnt;
	w.rsp = rsp;
	w.rsplen = rsplen;
	w.cookie = cookie;
	ck_assert_int_eq(
		hw_ring_post_geo(tgt.base, &tgt.bar->wq[q], &tgt.geo->wq[q], &w, sizeof(w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&tgt, q), 1);
}

/* Target: run one op of one buffer (cookie 0x5151). */
static void tgt_op(unsigned int q, uint8_t op, unsigned int xri, uint32_t tag, void *buf,
		   uint32_t off, uint32_t len, const void *rsp, uint16_t rsplen)
{
	struct fcnvme_sg sg = { .addr = buf, .length = len };

	tgt_op_list(q, op, xri, tag, &sg, 1, off, len, rsp, rsplen, 0x5151);
}

/* Target: run one data op of a local sg list on hw queue 0 (cookie
 * 0x5252). */
static void tgt_op_sg(uint8_t op, unsigned int xri, uint32_t tag, struct fcnvme_sg *sg,
		      uint32_t cnt, uint32_t off, uint32_t len)
{
	tgt_op_list(0, op, xri, tag, sg, cnt, off, len, NULL, 0, 0x5252);
}

/* Byte k of a transfer's stream over a list of (address, length) pieces. */
static uint8_t *stream_at(uint8_t *const *addr, const uint32_t *len, unsigned int n, uint32_t k)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (k < len[i])
			return addr[i] + k;
		k -= len[i];
	}
	ck_abort_msg("stream offset beyond the list");
	return NULL;
}

START_TEST(test_fw_steering)
{
	ck_assert_uint_eq(hw_fw_steer(0, 4), 0);
	ck_assert_uint_eq(hw_fw_steer(1, 4), 0);
	ck_assert_uint_eq(hw_fw_steer(4, 4), 3);
	ck_assert_uint_eq(hw_fw_steer(5, 4), 0);
	ck_assert_uint_eq(hw_fw_steer(128, 3), 1);
}
END_TEST

/* The FCP_RSP CQE the target's firmware posts for exchange xri (tag):
 * len bytes of rsp, xfrd bytes moved, all else zero. */
static void want_rsp(struct hw_cqe *w, uint32_t xri, uint32_t tag, const void *rsp, uint16_t len,
		     uint32_t xfrd)
{
	memset(w, 0, sizeof(*w));
	w->type = HW_CQE_FCP_RSP;
	w->peer_slot = (uint16_t)tgt.slot;
	w->xri = xri;
	w->tag = tag;
	w->c.len = len;
	w->c.xfrd = xfrd;
	memcpy(w->c.rsp, rsp, len);
}

START_TEST(test_fw_read_write_rsp)
{
	uint8_t *hbuf, src[8192], dst[8192], zero_rsp[12] = { 0 }, ersp[32];
	fcnvme_dma_t h;
	struct hw_cqe *c, want;
	unsigned int i;

	ck_assert_int_eq(hw_dma_alloc(&host, 8192, (void **)&hbuf, &h), 0);
	ck_assert_uint_eq(hw_dma_handle(&host, hbuf), h);
	/* qid 3 on 2 target queues lands on queue 0, qid 2 on queue 1 */
	send_cmd(0, 7, h, 8192, 3);
	ck_assert_ptr_null(next_cqe(&tgt, 1));
	c = next_cqe(&tgt, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_RCV_CMD);
	ck_assert_uint_eq(c->peer_slot, host.slot);
	ck_assert_uint_eq(c->xri, 0);
	ck_assert_uint_eq(c->tag, 7);
	ck_assert_uint_eq(c->iu[0], 0xfd);
	ck_assert_uint_eq(c->iu[1], 0x28);
	ck_assert_uint_eq(c->iu[15], 3);
	ck_assert_uint_eq(c->iu[24], 0x02);
	pop_cqe(&tgt, 0);
	send_cmd(1, 8, h, 8192, 2);
	ck_assert_ptr_null(next_cqe(&tgt, 0));
	ck_assert_ptr_nonnull(next_cqe(&tgt, 1));
	pop_cqe(&tgt, 1);

	/* READDATA: target buffer -> host DMA memory, exact bytes */
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 13 + 5);
	tgt_op(0, NVMET_FCOP_READDATA, 0, 7, src, 0, 4096, NULL, 0);
	tgt_op(0, NVMET_FCOP_READDATA, 0, 7, src + 4096, 4096, 4096, NULL, 0);
	ck_assert_mem_eq(hbuf, src, sizeof(src));
	ck_assert_uint_eq(atomic_load(&host.xri[0].xfrd), 8192);
	c = next_cqe(&tgt, 0);
	ck_assert_uint_eq(c->type, HW_CQE_WQE_DONE);
	ck_assert_int_eq(c->status, 0);
	ck_assert_uint_eq(c->c.xfrd, 4096);
	ck_assert_uint_eq(c->c.cookie, 0x5151);
	pop_cqe(&tgt, 0);
	pop_cqe(&tgt, 0);

	/* WRITEDATA: host DMA memory -> target buffer, at an offset */
	memset(dst, 0, sizeof(dst));
	tgt_op(0, NVMET_FCOP_WRITEDATA, 0, 7, dst, 100, 1000, NULL, 0);
	ck_assert_mem_eq(dst, src + 100, 1000);
	ck_assert_uint_eq(dst[1000], 0);
	pop_cqe(&tgt, 0);

	/* RSP: a zero RSP and an ERSP land in the host's CQ with xfrd. Over
	 * whatever the slot held before (stale bytes here): the 12-byte RSP
	 * fills the entry's first cache line after the sequence word and
	 * leaves the second alone (HW_CQE_RSP_LINE1); the ERSP fills every
	 * byte after the sequence word. */
	for (i = 0; i < host.bar->cq[0].entries; i++)
		memset((char *)hw_ring_entry(host.base, &host.bar->cq[0], i) + sizeof(uint64_t),
		       0xee, sizeof(struct hw_cqe) - sizeof(uint64_t));
	tgt_op(0, NVMET_FCOP_RSP, 0, 7, NULL, 0, 0, zero_rsp, 12);
	c = next_cqe(&host, 0);
	ck_assert_ptr_nonnull(c);
	want_rsp(&want, 0, 7, zero_rsp, 12, 9192);
	ck_assert_mem_eq((char *)c + sizeof(uint64_t), (char *)&want + sizeof(uint64_t),
			 HW_CACHELINE - sizeof(uint64_t));
	for (i = HW_CACHELINE; i < sizeof(*c); i++)
		ck_assert_uint_eq(((uint8_t *)c)[i], 0xee);
	pop_cqe(&host, 0);
	pop_cqe(&tgt, 0);
	for (i = 0; i < sizeof(ersp); i++)
		ersp[i] = (uint8_t)(0xa0 + i);
	tgt_op(1, NVMET_FCOP_READDATA_RSP, 1, 8, src, 0, 512, ersp, 32);
	c = next_cqe(&host, 0);
	want_rsp(&want, 1, 8, ersp, 32, 512);
	ck_assert_mem_eq((char *)c + sizeof(uint64_t), (char *)&want + sizeof(uint64_t),
			 sizeof(want) - sizeof(uint64_t));
	pop_cqe(&host, 0);
	pop_cqe(&tgt, 1);
	/* a response longer than an ERSP is refused */
	tgt_op(1, NVMET_FCOP_RSP, 1, 8, NULL, 0, 0, src, 33);
	ck_assert_int_eq(next_cqe(&tgt, 1)->status, -E2BIG);
	ck_assert_ptr_null(next_cqe(&host, 0));
	pop_cqe(&tgt, 1);
	/* a stale tag (the host reused the exchange) is refused */
	tgt_op(0, NVMET_FCOP_READDATA, 0, 6, src, 0, 16, NULL, 0);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, -ECANCELED);
	pop_cqe(&tgt, 0);
}
END_TEST

/* A Read with its response (READDATA_RSP) takes the host CQ's slot before
 * its copy; the copy and the response are the same as when it took it
 * after. A full host CQ: the data moves, the op fails -EBUSY with the
 * bytes moved and nothing lands in the CQ; with a slot free again the
 * next one's response lands whole. With a fault armed (the response
 * dropped) the data moves, the op succeeds and no response lands. */
START_TEST(test_fw_read_rsp_cq_full)
{
	uint8_t *hbuf, src[4096], rsp[12];
	struct hw_fault f = { .kind = HW_FAULT_DROP, .fclass = HW_FC_RSP, .remaining = 1 };
	struct hw_cqe filler, *c, want;
	unsigned int i, n = 0;
	fcnvme_dma_t h;

	ck_assert_int_eq(hw_dma_alloc(&host, 4096, (void **)&hbuf, &h), 0);
	send_cmd(0, 7, h, 4096, 1);
	pop_cqe(&tgt, 0);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(rsp); i++)
		rsp[i] = (uint8_t)(0x40 + i);
	memset(&filler, 0, sizeof(filler));
	filler.type = HW_CQE_RCV_BA_ACC;
	while (hw_ring_post_geo(host.base, &host.bar->cq[0], &host.geo->cq[0], &filler,
				sizeof(filler)) == 0)
		n++;
	ck_assert_uint_eq(n, host.geo->cq[0].entries);

	tgt_op(0, NVMET_FCOP_READDATA_RSP, 0, 7, src, 0, 2048, rsp, 12);
	ck_assert_mem_eq(hbuf, src, 2048);
	c = next_cqe(&tgt, 0);
	ck_assert_int_eq(c->status, -EBUSY);
	ck_assert_uint_eq(c->c.xfrd, 2048);
	pop_cqe(&tgt, 0);
	for (i = 0; i < n; i++) {
		c = next_cqe(&host, 0);
		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->type, HW_CQE_RCV_BA_ACC);
		pop_cqe(&host, 0);
	}
	ck_assert_ptr_null(next_cqe(&host, 0));

	tgt_op(0, NVMET_FCOP_READDATA_RSP, 0, 7, src + 2048, 2048, 2048, rsp, 12);
	ck_assert_mem_eq(hbuf, src, 4096);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, 0);
	pop_cqe(&tgt, 0);
	c = next_cqe(&host, 0);
	ck_assert_ptr_nonnull(c);
	want_rsp(&want, 0, 7, rsp, 12, 4096);
	ck_assert_mem_eq((char *)c + sizeof(uint64_t), (char *)&want + sizeof(uint64_t),
			 HW_CACHELINE - sizeof(uint64_t));
	pop_cqe(&host, 0);

	ck_assert_int_eq(hw_fabric_fault_add(&tgt.fab, &f), 0);
	memset(hbuf, 0, 4096);
	tgt_op(0, NVMET_FCOP_READDATA_RSP, 0, 7, src, 0, 1024, rsp, 12);
	ck_assert_mem_eq(hbuf, src, 1024);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, 0);
	pop_cqe(&tgt, 0);
	ck_assert_ptr_null(next_cqe(&host, 0));
}
END_TEST

struct late_rsp {
	uint8_t rsp[12];
};

/* The target's side of test_fw_host_cq_wakes: answer exchange 0 50 ms
 * late, through its own WQ and doorbell (the firmware posts the RSP into
 * the host's CQ and notifies it). */
static void *late_rsp(void *arg)
{
	struct late_rsp *l = arg;

	usleep(50000);
	tgt_op(0, NVMET_FCOP_RSP, 0, 7, NULL, 0, 0, l->rsp, 12);
	return NULL;
}

/* A host sleeping on its armed CQ (hybrid polling, hw_host_port_wait) is
 * woken by the response the target's firmware posts into it, and sleeps
 * out its timeout when nothing comes. */
START_TEST(test_fw_host_cq_wakes)
{
	struct hw_ring *cq = &host.bar->cq[0];
	struct late_rsp l;
	struct hw_cqe *c;
	uint8_t *hbuf;
	fcnvme_dma_t h;
	pthread_t th;
	uint64_t t0;

	ck_assert_int_eq(hw_dma_alloc(&host, 4096, (void **)&hbuf, &h), 0);
	send_cmd(0, 7, h, 0, 1);
	ck_assert_ptr_nonnull(next_cqe(&tgt, 0));
	pop_cqe(&tgt, 0);
	/* nothing for the host yet: its sleep times out */
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(hw_ring_wait_any(host.base, &cq, 1, 20000), 0);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 15000000u);
	ck_assert_uint_eq(atomic_load(&cq->armed), 0);
	/* the target answers 50 ms later (counted from before the thread is
	 * created: that can take tens of ms under TSan on a busy machine):
	 * the host wakes at once */
	memset(&l, 0, sizeof(l));
	t0 = fcnvme_clock_ns();
	ck_assert_int_eq(pthread_create(&th, NULL, late_rsp, &l), 0);
	ck_assert_int_eq(hw_ring_wait_any(host.base, &cq, 1, 5000000), 1);
	ck_assert_uint_ge(fcnvme_clock_ns() - t0, 40000000u);
	ck_assert_uint_lt(fcnvme_clock_ns() - t0, 2000000000u);
	pthread_join(th, NULL);
	ck_assert_uint_eq(atomic_load(&cq->armed), 0);
	c = next_cqe(&host, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_FCP_RSP);
	ck_assert_uint_eq(c->xri, 0);
	ck_assert_uint_eq(c->tag, 7);
	ck_assert_uint_eq(c->c.len, 12);
	pop_cqe(&host, 0);
	pop_cqe(&tgt, 0);
	hw_dma_free(&host, hbuf, 4096);
}
END_TEST

/* hw_fw_copy joins the elements of both lists that are contiguous into
 * one copy: with a host list of 16 KiB in three SGEs (the first two
 * adjacent in the window, a 4 KiB hole before the third) and a local list
 * of four (the first two adjacent in memory), READDATA at offset 500
 * writes exactly the transfer's bytes where the two lists put them, the
 * hole and everything outside the range left alone, and WRITEDATA brings
 * them back; a host SGE adjacent to a good one but running out of the
 * window still fails the op with nothing written. */
START_TEST(test_fw_copy_runs)
{
	static uint8_t src[16384], dst[16384];
	uint8_t *hbuf, want[20480];
	struct fcnvme_sg sg[4] = {
		{ .addr = src, .length = 3000 },
		{ .addr = src + 3000, .length = 5000 },
		{ .addr = src + 9000, .length = 2000 },
		{ .addr = src + 11000, .length = 1000 },
	};
	struct fcnvme_sg dsg[4];
	uint8_t *hp[3], *lp[4];
	uint32_t hl[3] = { 4096, 4096, 8192 }, ll[4], k, i;
	uint64_t end = HW_DMA_HANDLE_BASE + host.bar->dma_size;
	struct hw_xri *x = &host.xri[2];
	fcnvme_dma_t h;

	ck_assert_int_eq(hw_dma_alloc(&host, sizeof(want), (void **)&hbuf, &h), 0);
	memset(hbuf, 0x5a, sizeof(want));
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + i / 251);
	send_cmd(2, 9, h, 16384, 1);
	pop_cqe(&tgt, 0);
	x->nsge = 3;
	x->sge[0].dma = h;
	x->sge[0].len = 4096;
	x->sge[1].dma = h + 4096;
	x->sge[1].len = 4096;
	x->sge[2].dma = h + 12288;
	x->sge[2].len = 8192;
	x->data_len = 16384;
	hp[0] = hbuf;
	hp[1] = hbuf + 4096;
	hp[2] = hbuf + 12288;
	for (i = 0; i < 4; i++) {
		lp[i] = sg[i].addr;
		ll[i] = sg[i].length;
	}
	memcpy(want, hbuf, sizeof(want));
	for (k = 0; k < 11000; k++)
		*stream_at((uint8_t *const[]){ want, want + 4096, want + 12288 }, hl, 3, 500 + k) =
			*stream_at(lp, ll, 4, k);
	tgt_op_sg(NVMET_FCOP_READDATA, 2, 9, sg, 4, 500, 11000);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, 0);
	ck_assert_uint_eq(next_cqe(&tgt, 0)->c.xfrd, 11000);
	pop_cqe(&tgt, 0);
	ck_assert_mem_eq(hbuf, want, sizeof(want));

	/* back into a differently cut local list */
	memset(dst, 0, sizeof(dst));
	for (i = 0; i < 4; i++) {
		dsg[i].addr = dst + i * 2750;
		dsg[i].length = 2750;
		lp[i] = dsg[i].addr;
		ll[i] = 2750;
	}
	dsg[3].addr = dst + 9000; /* a hole before the last */
	lp[3] = dsg[3].addr;
	tgt_op_sg(NVMET_FCOP_WRITEDATA, 2, 9, dsg, 4, 500, 11000);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, 0);
	pop_cqe(&tgt, 0);
	for (k = 0; k < 11000; k++)
		ck_assert_uint_eq(*stream_at(lp, ll, 4, k), *stream_at(hp, hl, 3, 500 + k));
	for (k = 8250; k < 9000; k++)
		ck_assert_uint_eq(dst[k], 0);

	/* the third SGE follows the second but leaves the window */
	x->sge[2].dma = end - 100;
	x->sge[1].dma = end - 4196;
	memcpy(want, hbuf, sizeof(want));
	tgt_op_sg(NVMET_FCOP_READDATA, 2, 9, sg, 4, 500, 11000);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, -EFAULT);
	pop_cqe(&tgt, 0);
	ck_assert_mem_eq(hbuf, want, sizeof(want));
	hw_dma_free(&host, hbuf, sizeof(want));
}
END_TEST

START_TEST(test_fw_dma_bounds)
{
	uint8_t src[8192], *win = (uint8_t *)host.base + host.bar->dma_off;
	uint64_t end = HW_DMA_HANDLE_BASE + host.bar->dma_size;
	static const uint8_t zeros[8192];
	struct hw_cqe *c;

	memset(src, 0x5a, sizeof(src));
	/* handle runs past the end of the host's DMA window */
	send_cmd(2, 1, end - 100, 4096, 1);
	c = next_cqe(&host, 0); /* the host's firmware refuses to send it */
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_WQE_DONE);
	ck_assert_int_eq(c->status, -EFAULT);
	pop_cqe(&host, 0);
	ck_assert_ptr_null(next_cqe(&tgt, 0));
	/* a raw pointer is not a handle */
	send_cmd(2, 2, (uint64_t)(uintptr_t)src, 64, 1);
	ck_assert_int_eq(next_cqe(&host, 0)->status, -EFAULT);
	pop_cqe(&host, 0);
	/* the host changes its SGE behind the target's back: READDATA must
	 * write nothing, not even the part inside the window */
	send_cmd(3, 3, HW_DMA_HANDLE_BASE + 4096, 4096, 1);
	pop_cqe(&tgt, 0);
	host.xri[3].sge[0].dma = end - 100;
	tgt_op(0, NVMET_FCOP_READDATA, 3, 3, src, 0, 4096, NULL, 0);
	c = next_cqe(&tgt, 0);
	ck_assert_int_eq(c->status, -EFAULT);
	pop_cqe(&tgt, 0);
	ck_assert_mem_eq(win + host.bar->dma_size - 8192, zeros, 8192);
	ck_assert_uint_eq(atomic_load(&host.xri[3].xfrd), 0);
	ck_assert_uint_ge(atomic_load(&tgt.bar->cnt.dma_errors), 1);
	/* beyond the exchange's data length */
	host.xri[3].sge[0].dma = HW_DMA_HANDLE_BASE + 4096;
	tgt_op(0, NVMET_FCOP_READDATA, 3, 3, src, 4000, 200, NULL, 0);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, -EFAULT);
	pop_cqe(&tgt, 0);
	/* an SGE count beyond the table */
	host.xri[3].nsge = HW_MAX_SGE + 1;
	tgt_op(0, NVMET_FCOP_WRITEDATA, 3, 3, src, 0, 16, NULL, 0);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, -EFAULT);
	pop_cqe(&tgt, 0);
	/* an exchange index beyond the host's table */
	tgt_op(0, NVMET_FCOP_READDATA, 99, 3, src, 0, 16, NULL, 0);
	ck_assert_int_eq(next_cqe(&tgt, 0)->status, -EFAULT);
	pop_cqe(&tgt, 0);
	ck_assert(hw_dma_ok(HW_DMA_HANDLE_BASE, 16, 16));
	ck_assert(!hw_dma_ok(HW_DMA_HANDLE_BASE, 17, 16));
	ck_assert(!hw_dma_ok(HW_DMA_HANDLE_BASE + 8, UINT64_MAX, 16));
	ck_assert(!hw_dma_ok(HW_DMA_HANDLE_BASE - 1, 1, 16));
}
END_TEST

START_TEST(test_fw_abts_and_link)
{
	struct hw_cqe *c;
	struct hw_wqe w;

	send_cmd(0, 11, HW_DMA_HANDLE_BASE, 512, 2);
	pop_cqe(&tgt, 1);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_ABTS;
	w.peer_slot = (uint16_t)tgt.slot;
	w.peer_hwq = host.xri[0].dst_hwq;
	w.xri = 0;
	w.tag = 11;
	ck_assert_uint_eq(w.peer_hwq, 1);
	ck_assert_int_eq(hw_ring_post(host.base, &host.bar->wq[0], &w, sizeof(w)), 0);
	hw_fw_doorbell(&host, 0);
	c = next_cqe(&tgt, 1);
	ck_assert_uint_eq(c->type, HW_CQE_RCV_ABTS);
	ck_assert_uint_eq(c->xri, 0);
	ck_assert_uint_eq(c->tag, 11);
	ck_assert_uint_eq(c->src_hwq, 0);
	pop_cqe(&tgt, 1);
	/* BA_ACC back */
	w.type = HW_WQE_BA_ACC;
	w.peer_slot = (uint16_t)host.slot;
	w.peer_hwq = 0;
	ck_assert_int_eq(hw_ring_post(tgt.base, &tgt.bar->wq[1], &w, sizeof(w)), 0);
	hw_fw_doorbell(&tgt, 1);
	c = next_cqe(&host, 0);
	ck_assert_uint_eq(c->type, HW_CQE_RCV_BA_ACC);
	ck_assert_uint_eq(c->tag, 11);
	pop_cqe(&host, 0);
	/* target link down: the host's CMD fails at once */
	atomic_store(&tgt.bar->link, HW_LINK_DOWN);
	send_cmd(1, 12, HW_DMA_HANDLE_BASE, 512, 1);
	ck_assert_int_eq(next_cqe(&host, 0)->status, -ENOTCONN);
	pop_cqe(&host, 0);
	ck_assert_ptr_null(next_cqe(&tgt, 0));
}
END_TEST

/* A peer maps the target's region read-write (it posts into its CQs): one
 * that rewrites the target's own ring geometry and queue count there
 * changes nothing of what the target's firmware uses (its private copy,
 * hw_dev.geo). A CMD still lands, a READDATA still moves its bytes and
 * completes in the target's CQ. */
START_TEST(test_fw_own_geometry_private)
{
	const struct hw_peer_view *pv = hw_dev_peer_view(&host, tgt.slot);
	struct hw_bar *tb, saved;
	uint8_t *hbuf, src[4096];
	fcnvme_dma_t h;
	struct hw_cqe *c;
	unsigned int i;

	ck_assert_ptr_nonnull(pv);
	tb = pv->base;
	ck_assert_int_eq(hw_dma_alloc(&host, sizeof(src), (void **)&hbuf, &h), 0);
	memset(&saved, 0, sizeof(saved));
	hwf_ring_geo_copy(&saved, tb, 2);
	saved.nr_xri = tb->nr_xri;
	saved.nr_hwq = tb->nr_hwq;
	/* the host, through its own mapping of the target's region */
	for (i = 0; i < 2; i++) {
		tb->cq[i].off = 1ull << 44;
		tb->cq[i].entries = 2;
		tb->cq[i].esize = 1u << 30;
		tb->wq[i].off = 1ull << 44;
		tb->wq[i].entries = 1;
		tb->wq[i].esize = 1u << 30;
	}
	tb->nr_hwq = 0;
	tb->nr_xri = 0xffffffffu;
	send_cmd(0, 7, h, sizeof(src), 1);
	c = hw_ring_peek_geo(tgt.base, &tgt.bar->cq[0], &tgt.geo->cq[0]);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_RCV_CMD);
	ck_assert_uint_eq(c->tag, 7);
	hw_ring_pop_geo(&tgt.bar->cq[0], &tgt.geo->cq[0], c);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 29 + 3);
	tgt_op(0, NVMET_FCOP_READDATA, 0, 7, src, 0, sizeof(src), NULL, 0);
	ck_assert_mem_eq(hbuf, src, sizeof(src));
	c = hw_ring_peek_geo(tgt.base, &tgt.bar->cq[0], &tgt.geo->cq[0]);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_WQE_DONE);
	ck_assert_int_eq(c->status, 0);
	ck_assert_uint_eq(c->c.xfrd, sizeof(src));
	hw_ring_pop_geo(&tgt.bar->cq[0], &tgt.geo->cq[0], c);
	/* put back for teardown */
	hwf_ring_geo_copy(tb, &saved, 2);
	tb->nr_hwq = saved.nr_hwq;
	tb->nr_xri = saved.nr_xri;
}
END_TEST

START_TEST(test_dma_alloc)
{
	void *a, *b, *c, *d;
	fcnvme_dma_t ha, hb, hc, hd;

	ck_assert_int_eq(hw_dma_alloc(&tgt, 100, &a, &ha), 0);
	ck_assert_int_eq(hw_dma_alloc(&tgt, 4097, &b, &hb), 0);
	ck_assert_int_eq(hw_dma_alloc(&tgt, 4096, &c, &hc), 0);
	/* whole pages are counted */
	ck_assert_uint_eq(tgt.dma_in_use, 4 * 4096);
	ck_assert_uint_eq(tgt.dma_refused, 0);
	ck_assert_uint_eq(ha, HW_DMA_HANDLE_BASE);
	ck_assert_uint_eq(hb, HW_DMA_HANDLE_BASE + 4096);
	ck_assert_uint_eq(hc, HW_DMA_HANDLE_BASE + 3 * 4096);
	ck_assert_int_eq((char *)b - (char *)a, 4096);
	ck_assert_uint_eq(hw_dma_handle(&tgt, (char *)c + 10), hc + 10);
	ck_assert_uint_eq(hw_dma_handle(&tgt, &d), 0);
	hw_dma_free(&tgt, b, 4097);
	ck_assert_int_eq(hw_dma_alloc(&tgt, 8192, &d, &hd), 0);
	ck_assert_uint_eq(hd, hb); /* the hole is reused */
	hw_dma_free(&tgt, d, 8192);
	hw_dma_free(&tgt, a, 100);
	hw_dma_free(&tgt, c, 4096);
	ck_assert_uint_eq(tgt.dma_in_use, 0);
	/* everything coalesced: the whole window is one block again */
	ck_assert_int_eq(hw_dma_alloc(&tgt, 1 << 20, &a, &ha), 0);
	ck_assert_uint_eq(ha, HW_DMA_HANDLE_BASE);
	ck_assert_int_eq(hw_dma_alloc(&tgt, 4096, &b, &hb), -ENOMEM);
	ck_assert_uint_eq(tgt.dma_in_use, 1 << 20);
	ck_assert_uint_eq(tgt.dma_refused, 1); /* what the daemon reports */
	ck_assert_int_eq(hw_dma_alloc(&tgt, 0, &b, &hb), -EINVAL);
	ck_assert_uint_eq(tgt.dma_refused, 1);
	/* through the fcnvme_device the transports get */
	hw_dma_free(&tgt, a, 1 << 20);
	ck_assert_int_eq(tgt.fdev.dma_ops->alloc(&tgt.fdev, 512, &a, &ha), 0);
	ck_assert_uint_eq(ha, HW_DMA_HANDLE_BASE);
	tgt.fdev.dma_ops->free(&tgt.fdev, a, 512);
}
END_TEST

/* Firmware and DMA tests. */
Suite *hw_fw_suite(void)
{
	Suite *s = suite_create("hw_fw");
	TCase *tc = tcase_create("fw");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fw_steering);
	tcase_add_test(tc, test_fw_read_write_rsp);
	tcase_add_test(tc, test_fw_read_rsp_cq_full);
	tcase_add_test(tc, test_fw_host_cq_wakes);
	tcase_add_test(tc, test_fw_dma_bounds);
	tcase_add_test(tc, test_fw_copy_runs);
	tcase_add_test(tc, test_fw_abts_and_link);
	tcase_add_test(tc, test_fw_own_geometry_private);
	tcase_add_test(tc, test_dma_alloc);
	suite_add_tcase(s, tc);
	return s;
}
