// SPDX-License-Identifier: Apache-2.0
/*
 * The firmware of a remote driver's port (HW_BAR_F_REMOTE,
 * docs/softhba-vm-port.md), driven the way a guest driver and its port
 * server drive it: the region layout (power-of-two size, every ring inside
 * the region and apart, mq/deq geometry, the DMA window taking the slack),
 * DMA handle translation and bounds (good, bad and overflowing handles), CMD
 * IUs and target data lists named by handle moving exact bytes, a bad handle
 * completing its WQE with -EFAULT and moving nothing, WQEs rewritten while
 * the firmware runs (no double fetch), and ring geometry the guest rewrites
 * being ignored. Random bytes come from a seed printed at the start
 * (HW_TEST_SEED=N repeats a run).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "check_hw.h"
#include "hw_ls.h"
#include "hw_priv.h"
#include "test_san.h"

static char root[64], fdir[128];
/* tgt (local target) <-> rhost (remote initiator); host (local initiator)
 * <-> rtgt (remote target). */
static struct hw_dev tgt, rhost, host, rtgt;
static unsigned int seed;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void fill_rnd(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)rnd();
}

static void open_dev(struct hw_dev *d, uint64_t id, uint32_t roles, uint32_t flags, uint16_t hwq,
		     uint32_t xri)
{
	struct hw_dev_cfg c = {
		.dev = "soft:rem",
		.wwnn = 0x2000000000000000ull | id,
		.wwpn = 0x1000000000000000ull | id,
		.roles = roles,
		.nr_hwq = hwq,
		.cq_entries = 64,
		.nr_xri = xri,
		.dma_size = 1 << 20,
		.flags = flags,
		.fw_peer_id = flags ? 1 : 0,
	};

	ck_assert_int_eq(hw_dev_open(d, &c), 0);
}

static void setup(void)
{
	const char *e = getenv("HW_TEST_SEED");

	seed = e && *e ? (unsigned int)strtoul(e, NULL, 0) : 1;
	fprintf(stderr, "check_hw_remote: seed %u (HW_TEST_SEED=%u repeats it)\n", seed, seed);
	ck_assert_int_eq(hwf_shm_dir_make(root, sizeof(root), "rem"), 0);
	snprintf(fdir, sizeof(fdir), "%s/rem", root);
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	open_dev(&tgt, 0xa1, FC_PORT_ROLE_NVME_TARGET, 0, 2, 0);
	open_dev(&rhost, 0xb1, FC_PORT_ROLE_NVME_INITIATOR, HW_BAR_F_REMOTE, 2, 8);
	open_dev(&host, 0xb2, FC_PORT_ROLE_NVME_INITIATOR, 0, 1, 4);
	open_dev(&rtgt, 0xa2, FC_PORT_ROLE_NVME_TARGET, HW_BAR_F_REMOTE, 1, 0);
	ck_assert_int_eq(hw_dev_peer(&rhost, tgt.slot), 0);
	ck_assert_int_eq(hw_dev_peer(&tgt, rhost.slot), 0);
	ck_assert_int_eq(hw_dev_peer(&host, rtgt.slot), 0);
	ck_assert_int_eq(hw_dev_peer(&rtgt, host.slot), 0);
}

static void teardown(void)
{
	hw_dev_close(&rtgt);
	hw_dev_close(&host);
	hw_dev_close(&rhost);
	hw_dev_close(&tgt);
	ck_assert_int_eq(hw_fabric_destroy(fdir), 0);
	ck_assert_int_eq(hwf_shm_dir_remove(root), 0);
}

/* The consumer side of a CQ as a driver sees it (the region's geometry is
 * intact in these tests unless a test rewrites it on purpose). */
static struct hw_cqe *cqe(struct hw_dev *d, unsigned int q)
{
	return hw_ring_peek_geo(d->base, &d->bar->cq[q], &d->geo->cq[q]);
}

static void cqe_pop(struct hw_dev *d, unsigned int q)
{
	hw_ring_pop_geo(&d->bar->cq[q], &d->geo->cq[q], cqe(d, q));
}

/* The guest puts bytes at window offset off; returns their handle. */
static uint64_t win_put(struct hw_dev *d, uint64_t off, const void *p, size_t n)
{
	memcpy((char *)d->base + d->geo->dma_off + off, p, n);
	return HW_DMA_HANDLE_BASE + off;
}

static void *win(struct hw_dev *d, uint64_t off)
{
	return (char *)d->base + d->geo->dma_off + off;
}

/* A CMD IU for qid with random SQE bytes (opcode kept a plain read). */
static void make_iu(struct nvme_fc_cmd_iu *iu, uint16_t qid, uint32_t len)
{
	fill_rnd(iu, sizeof(*iu));
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(24);
	iu->connection_id = cpu_to_be64(0xabcd00000000ull | qid);
	iu->data_len = cpu_to_be32(len);
	iu->sqe[0] = 0x02;
}

/* The guest's exchange xri: one SGE at window offset 64 KiB. */
static void guest_xri(unsigned int xri, uint32_t tag, uint32_t len)
{
	struct hw_xri *x = &rhost.xri[xri];

	x->nsge = 1;
	x->sge[0].dma = HW_DMA_HANDLE_BASE + 65536;
	x->sge[0].len = len;
	x->data_len = len;
	x->src_hwq = 0;
	x->dst_slot = (uint16_t)tgt.slot;
	atomic_store(&x->tag, tag);
	atomic_store(&x->state, HW_XRI_ACTIVE);
}

static void guest_wqe_cmd(struct hw_wqe *w, unsigned int xri, uint32_t tag, uint64_t cmd_handle)
{
	memset(w, 0, sizeof(*w));
	w->type = HW_WQE_FCP_CMD;
	w->peer_slot = (uint16_t)tgt.slot;
	w->xri = xri;
	w->tag = tag;
	w->cmd = (const void *)(uintptr_t)cmd_handle;
	w->cookie = 0xc00c1e00u + tag;
}

START_TEST(test_remote_layout)
{
	const struct hw_bar *b = rhost.bar;
	const struct hw_ring *rings[2 + 2 * 2 + 1];
	struct hw_dev_cfg c;
	struct hw_bar tmp;
	struct stat st;
	unsigned int i, j, n = 0;

	ck_assert_uint_eq(b->flags, HW_BAR_F_REMOTE);
	ck_assert_uint_eq(b->fw_peer_id, 1);
	ck_assert_uint_eq(b->nr_vectors, 3);
	ck_assert_uint_eq(b->region_size & (b->region_size - 1), 0);
	ck_assert_uint_eq(b->region_size, rhost.map.len);
	ck_assert_int_eq(fstat(rhost.map.fd, &st), 0);
	ck_assert_uint_eq((uint64_t)st.st_size, b->region_size);
	/* the DMA window takes the slack: it ends where the region ends */
	ck_assert_uint_ge(b->dma_size, 1 << 20);
	ck_assert_uint_eq(b->dma_off + b->dma_size, b->region_size);
	ck_assert_uint_eq(b->dma_off % HW_PAGE, 0);
	ck_assert_uint_eq(b->mq.esize, HW_EQE_SIZE);
	ck_assert_uint_eq(b->deq.esize, HW_EQE_SIZE);
	ck_assert_uint_eq(b->mq.entries, HW_MQ_ENTRIES);
	ck_assert_uint_eq(b->deq.entries, HW_DEQ_ENTRIES);
	ck_assert_uint_eq(atomic_load(&b->mq.head), 0);
	ck_assert_uint_eq(atomic_load(&b->deq.tail), 0);
	/* every ring inside the region, after the BAR page, apart, before
	 * the XRI table; the XRI table before the window */
	rings[n++] = &b->eq;
	rings[n++] = &b->mq;
	rings[n++] = &b->deq;
	for (i = 0; i < 2; i++) {
		rings[n++] = &b->wq[i];
		rings[n++] = &b->cq[i];
	}
	for (i = 0; i < n; i++) {
		uint64_t s = rings[i]->off, e = s + (uint64_t)rings[i]->entries * rings[i]->esize;

		ck_assert_uint_eq(s % HW_PAGE, 0);
		ck_assert_uint_ge(s, b->bar_size);
		ck_assert_uint_le(e, b->xri_off);
		ck_assert_uint_eq(rings[i]->entries & (rings[i]->entries - 1), 0);
		for (j = 0; j < n; j++) {
			uint64_t s2 = rings[j]->off;
			uint64_t e2 = s2 + (uint64_t)rings[j]->entries * rings[j]->esize;

			if (i != j)
				ck_assert(e <= s2 || e2 <= s);
		}
	}
	ck_assert_uint_le(b->xri_off + (uint64_t)b->nr_xri * sizeof(struct hw_xri), b->dma_off);
	/* the port server's geometry is its own copy, equal at open */
	ck_assert_ptr_ne(rhost.geo, rhost.bar);
	ck_assert_mem_eq(&rhost.geo->mq, &b->mq, sizeof(b->mq));
	ck_assert_uint_eq(rhost.geo->dma_size, b->dma_size);
	ck_assert(hw_dev_remote(&rhost));
	/* a local port is laid out as before: no mq/deq, no slack; its
	 * geometry is a private copy too (peers map the region read-write) */
	ck_assert_ptr_ne(tgt.geo, tgt.bar);
	ck_assert_mem_eq(tgt.geo->cq, tgt.bar->cq, sizeof(tgt.bar->cq));
	ck_assert(!hw_dev_remote(&tgt));
	ck_assert_uint_eq(tgt.bar->flags, 0);
	ck_assert_uint_eq(tgt.bar->mq.entries, 0);
	ck_assert_uint_eq(tgt.bar->nr_vectors, 0);
	ck_assert_uint_eq(tgt.bar->dma_size, 1 << 20);
	ck_assert_uint_eq(tgt.bar->dma_off + tgt.bar->dma_size, tgt.bar->region_size);
	/* sizes: always a power of two, from 16 KiB windows to 3 GiB ones */
	memset(&c, 0, sizeof(c));
	c.flags = HW_BAR_F_REMOTE;
	c.cq_entries = 1024;
	for (i = 0; i < 40; i++) {
		uint64_t sz;

		c.nr_hwq = (uint16_t)(1 + rnd() % HW_MAX_HWQ);
		c.nr_xri = rnd() % 4096;
		c.dma_size = (uint64_t)(rnd() % 3072 + 1) << (rnd() % 2 ? 20 : 14);
		memset(&tmp, 0, sizeof(tmp));
		sz = hw_dev_layout(&c, &tmp, NULL);
		ck_assert_uint_ne(sz, 0);
		ck_assert_uint_eq(sz & (sz - 1), 0);
		ck_assert_uint_ge(sz, c.dma_size + (uint64_t)c.nr_xri * sizeof(struct hw_xri));
		ck_assert_uint_lt(sz / 2, c.dma_size + 4096 + (uint64_t)c.nr_xri * 4200 +
						  (uint64_t)c.nr_hwq * (1024 * 128 * 2 + 8192) +
						  3 * 256 * HW_EQE_SIZE + 65536);
	}
	c.dma_size = 1ull << 63;
	ck_assert_uint_eq(hw_dev_layout(&c, &tmp, NULL), 0);
}
END_TEST

START_TEST(test_remote_open_refused)
{
	struct hw_dev d;
	struct hw_dev_cfg c = {
		.dev = "/dev/uio0",
		.wwnn = 0x20000000000000c1ull,
		.wwpn = 0x10000000000000c1ull,
		.nr_hwq = 1,
		.cq_entries = 64,
		.dma_size = 1 << 20,
		.flags = HW_BAR_F_REMOTE,
	};

	/* a remote driver needs a port server: soft HBA only */
	ck_assert_int_eq(hw_dev_open(&d, &c), -EINVAL);
	/* unknown flags */
	c.dev = "soft:rem";
	c.flags = 1u << 5;
	ck_assert_int_eq(hw_dev_open(&d, &c), -EINVAL);
	/* a region that does not fit */
	c.flags = HW_BAR_F_REMOTE;
	c.dma_size = 1ull << 63;
	ck_assert_int_eq(hw_dev_open(&d, &c), -E2BIG);
}
END_TEST

START_TEST(test_remote_handles)
{
	uint64_t size = rhost.geo->dma_size;
	char *w = win(&rhost, 0);

	ck_assert_ptr_eq(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE, 1), w);
	ck_assert_ptr_eq(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE + size - 16, 16), w + size - 16);
	ck_assert_ptr_eq(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE, size), w);
	ck_assert_ptr_eq(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE + size, 0), w + size);
	ck_assert_ptr_null(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE + size - 15, 16));
	ck_assert_ptr_null(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE, size + 1));
	ck_assert_ptr_null(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE - 1, 1));
	ck_assert_ptr_null(hw_dma_va(&rhost, 0, 0));
	ck_assert_ptr_null(hw_dma_va(&rhost, (uint64_t)(uintptr_t)w, 1));
	ck_assert_ptr_null(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE + 8, UINT64_MAX));
	ck_assert_ptr_null(hw_dma_va(&rhost, HW_DMA_HANDLE_BASE + size + 1, 0));
	ck_assert_ptr_null(hw_dma_va(&rhost, UINT64_MAX, 1));
	ck_assert_ptr_null(hw_dma_va(&rhost, UINT64_MAX - 7, 8));
}
END_TEST

/* CMD IUs named by handle: exact bytes on the target; bad handles fail
 * with -EFAULT and send nothing. */
START_TEST(test_remote_fcp_cmd)
{
	static const uint64_t bad[] = {
		0,	    HW_DMA_HANDLE_BASE - 1, HW_DMA_HANDLE_BASE - 8,
		UINT64_MAX, UINT64_MAX - 95,	    HW_DMA_HANDLE_BASE + (1ull << 47),
	};
	struct nvme_fc_cmd_iu iu;
	uint64_t h, errs0 = atomic_load(&rhost.bar->cnt.dma_errors);
	struct hw_cqe *c;
	struct hw_wqe w;
	unsigned int i;

	make_iu(&iu, 3, 4096);
	h = win_put(&rhost, 4096 + rnd() % 4096, &iu, sizeof(iu));
	guest_xri(0, 7, 4096);
	guest_wqe_cmd(&w, 0, 7, h);
	ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[1], &w, sizeof(w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&rhost, 1), 1);
	/* the guest reuses its IU buffer and WQ slot at once: what was sent
	 * is a copy taken when the firmware ran */
	memset(hw_dma_va(&rhost, h, sizeof(iu)), 0x66, sizeof(iu));
	memset((char *)hw_ring_entry(rhost.base, &rhost.geo->wq[1], 0) + 8, 0x77, HW_WQE_SIZE - 8);
	c = cqe(&tgt, 0); /* qid 3 on 2 queues */
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_RCV_CMD);
	ck_assert_uint_eq(c->peer_slot, rhost.slot);
	ck_assert_uint_eq(c->xri, 0);
	ck_assert_uint_eq(c->tag, 7);
	ck_assert_mem_eq(c->iu, &iu, sizeof(iu));
	cqe_pop(&tgt, 0);
	ck_assert_ptr_null(cqe(&rhost, 1)); /* success completes nothing */

	/* an IU that runs past the end of the window */
	h = HW_DMA_HANDLE_BASE + rhost.geo->dma_size - 50;
	memcpy(win(&rhost, rhost.geo->dma_size - 50), &iu, 50);
	for (i = 0; i <= sizeof(bad) / sizeof(bad[0]); i++) {
		guest_wqe_cmd(&w, 0, 7, i < sizeof(bad) / sizeof(bad[0]) ? bad[i] : h);
		ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)), 0);
		ck_assert_int_eq(hw_fw_doorbell(&rhost, 0), 1);
		c = cqe(&rhost, 0);
		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->type, HW_CQE_WQE_DONE);
		ck_assert_uint_eq(c->wqe_type, HW_WQE_FCP_CMD);
		ck_assert_int_eq(c->status, -EFAULT);
		ck_assert_uint_eq(c->c.cookie, w.cookie);
		cqe_pop(&rhost, 0);
		ck_assert_ptr_null(cqe(&tgt, 0));
		ck_assert_ptr_null(cqe(&tgt, 1));
	}
	ck_assert_uint_eq(atomic_load(&rhost.bar->cnt.dma_errors) - errs0,
			  sizeof(bad) / sizeof(bad[0]) + 1);
	/* an exchange beyond the table; an SGE outside the window */
	h = win_put(&rhost, 4096, &iu, sizeof(iu));
	guest_wqe_cmd(&w, 8, 7, h);
	ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)), 0);
	hw_fw_doorbell(&rhost, 0);
	ck_assert_int_eq(cqe(&rhost, 0)->status, -EINVAL);
	cqe_pop(&rhost, 0);
	rhost.xri[0].sge[0].dma = HW_DMA_HANDLE_BASE + rhost.geo->dma_size;
	guest_wqe_cmd(&w, 0, 7, h);
	ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)), 0);
	hw_fw_doorbell(&rhost, 0);
	ck_assert_int_eq(cqe(&rhost, 0)->status, -EFAULT);
	cqe_pop(&rhost, 0);
	ck_assert_ptr_null(cqe(&tgt, 0));
	ck_assert_ptr_null(cqe(&tgt, 1));
}
END_TEST

/* The guest rewrites the geometry in its BAR: the firmware keeps using the
 * one the port server laid out, and the flags it opened with. */
START_TEST(test_remote_geometry_rewritten)
{
	struct hw_ring save_wq = rhost.bar->wq[0], save_cq = rhost.bar->cq[0];
	struct nvme_fc_cmd_iu iu;
	struct hw_cqe *c;
	struct hw_wqe w;
	uint64_t h, pos;
	void *slot;

	make_iu(&iu, 2, 512);
	h = win_put(&rhost, 8192, &iu, sizeof(iu));
	guest_xri(1, 9, 512);
	/* the guest posts with the real geometry, then scrambles it */
	guest_wqe_cmd(&w, 1, 9, h);
	ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)), 0);
	guest_wqe_cmd(&w, 1, 9, HW_DMA_HANDLE_BASE + rhost.geo->dma_size + 4096);
	ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)), 0);
	rhost.bar->wq[0].off = 1ull << 60;
	rhost.bar->wq[0].entries = 3;
	rhost.bar->wq[0].esize = 1u << 31;
	rhost.bar->cq[0].off = (uint64_t)-4096;
	rhost.bar->cq[0].esize = 8;
	rhost.bar->dma_size = 1ull << 62; /* would admit the second handle */
	rhost.bar->dma_off = 1ull << 50;
	rhost.bar->nr_xri = 1u << 30;
	rhost.bar->nr_hwq = 200;
	rhost.bar->flags = 0; /* handles are not pointers because it says so */
	ck_assert_int_eq(hw_fw_doorbell(&rhost, 0), 2);
	c = cqe(&tgt, 1); /* qid 2 on 2 queues */
	ck_assert_ptr_nonnull(c);
	ck_assert_mem_eq(c->iu, &iu, sizeof(iu));
	cqe_pop(&tgt, 1);
	/* the second one failed; its completion is where the real CQ is */
	pos = atomic_load(&rhost.bar->cq[0].head);
	slot = (char *)rhost.base + save_cq.off + (pos & (save_cq.entries - 1)) * HW_CQE_SIZE;
	c = cqe(&rhost, 0);
	ck_assert_ptr_eq(c, slot);
	ck_assert_int_eq(c->status, -EFAULT);
	cqe_pop(&rhost, 0);
	ck_assert_ptr_null(cqe(&rhost, 0));
	rhost.bar->wq[0] = save_wq;
	rhost.bar->cq[0] = save_cq;
}
END_TEST

/* The guest rewrites its BAR after the target mapped it: the target's
 * firmware keeps the geometry it copied at mapping time (hw_peer_view), so
 * data, responses and events still land where they belong, and what the
 * rewritten BAR would newly allow is refused. */
START_TEST(test_remote_peer_geometry)
{
	struct hw_bar save;
	uint8_t data[4096], ersp[32];
	struct nvme_fc_cmd_iu iu;
	struct fcnvme_sg sg;
	struct hw_cqe *c;
	struct hw_eqe *e;
	struct hw_wqe w;
	uint64_t h;

	fill_rnd(data, sizeof(data));
	fill_rnd(ersp, sizeof(ersp));
	make_iu(&iu, 1, sizeof(data));
	h = win_put(&rhost, 4096, &iu, sizeof(iu));
	guest_xri(3, 21, sizeof(data));
	memset(win(&rhost, 65536), 0, sizeof(data));
	guest_wqe_cmd(&w, 3, 21, h);
	ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&rhost, 0), 1);
	ck_assert_ptr_nonnull(cqe(&tgt, 0));
	cqe_pop(&tgt, 0);
	memcpy(&save, rhost.bar, sizeof(save));
	rhost.bar->cq[0].off = 1ull << 61;
	rhost.bar->cq[0].esize = 8;
	rhost.bar->cq[0].entries = 3;
	rhost.bar->eq.off = (uint64_t)-HW_PAGE;
	rhost.bar->xri_off = 1ull << 55;
	rhost.bar->nr_xri = 1u << 30;
	rhost.bar->dma_off = 1ull << 56;
	rhost.bar->dma_size = 1ull << 62;
	rhost.bar->nr_hwq = 200;
	/* READDATA_RSP: data at the real window offset, ERSP in the real CQ */
	sg.addr = data;
	sg.dma = 0;
	sg.length = sizeof(data);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_TGT_OP;
	w.op = NVMET_FCOP_READDATA_RSP;
	w.peer_slot = (uint16_t)rhost.slot;
	w.xri = 3;
	w.tag = 21;
	w.length = sizeof(data);
	w.sg = &sg;
	w.sg_cnt = 1;
	w.rsp = ersp;
	w.rsplen = sizeof(ersp);
	ck_assert_int_eq(hw_ring_post(tgt.base, &tgt.bar->wq[0], &w, sizeof(w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&tgt, 0), 1);
	ck_assert_int_eq(cqe(&tgt, 0)->status, 0);
	cqe_pop(&tgt, 0);
	ck_assert_mem_eq(win(&rhost, 65536), data, sizeof(data));
	c = cqe(&rhost, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_FCP_RSP);
	ck_assert_mem_eq(c->c.rsp, ersp, sizeof(ersp));
	cqe_pop(&rhost, 0);
	/* an exchange the rewritten BAR would admit, a queue it would admit */
	w.xri = 1000;
	ck_assert_int_eq(hw_ring_post(tgt.base, &tgt.bar->wq[0], &w, sizeof(w)), 0);
	hw_fw_doorbell(&tgt, 0);
	ck_assert_int_eq(cqe(&tgt, 0)->status, -EFAULT);
	cqe_pop(&tgt, 0);
	w.xri = 3;
	rhost.xri[3].src_hwq = 15;
	ck_assert_int_eq(hw_ring_post(tgt.base, &tgt.bar->wq[0], &w, sizeof(w)), 0);
	hw_fw_doorbell(&tgt, 0);
	ck_assert_int_eq(cqe(&tgt, 0)->status, -EBUSY);
	cqe_pop(&tgt, 0);
	ck_assert_ptr_null(cqe(&rhost, 0));
	/* an event lands in the real eq */
	ck_assert_int_eq(hw_els_send(&tgt, rhost.slot, HW_EQE_RSCN, 0x77), 0);
	e = hw_ring_peek_geo(rhost.base, &rhost.bar->eq, &rhost.geo->eq);
	while (e && (e->type != HW_EQE_RSCN || e->arg != 0x77)) {
		hw_ring_pop_geo(&rhost.bar->eq, &rhost.geo->eq, e);
		e = hw_ring_peek_geo(rhost.base, &rhost.bar->eq, &rhost.geo->eq);
	}
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->peer_slot, tgt.slot);
	memcpy(rhost.bar, &save, offsetof(struct hw_bar, doorbell));
	rhost.bar->eq.off = save.eq.off;
	rhost.bar->cq[0].off = save.cq[0].off;
	rhost.bar->cq[0].esize = save.cq[0].esize;
	rhost.bar->cq[0].entries = save.cq[0].entries;
}
END_TEST

/* An unsynchronized writer is the point of this test: TSan would (rightly)
 * call it a data race, so a TSan build leaves it out. */
#ifndef TEST_TSAN
struct racer {
	_Atomic int stop;
	uint64_t good, bad;
	unsigned int seed;
	unsigned long flips;
};

/* The guest rewrites cmd and xri of the next WQ slots while the firmware
 * runs. */
static void *racer_run(void *arg)
{
	struct racer *r = arg;
	const struct hw_ring *g = &rhost.geo->wq[0];
	unsigned int s = r->seed;

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		uint64_t head = atomic_load_explicit(&rhost.bar->wq[0].head, memory_order_relaxed);
		uint32_t i;

		/* the slots the firmware is about to read */
		for (i = 0; i < 16; i++) {
			struct hw_wqe *w = hw_ring_entry(rhost.base, g, head + i);
			volatile uint64_t *cmd = (volatile uint64_t *)(uintptr_t)&w->cmd;
			volatile uint32_t *xri = &w->xri;

			s = s * 1103515245u + 12345u;
			*cmd = (s >> 16) & 1 ? r->good : r->bad;
			*xri = (s >> 17) & 3 ? 2 : 0x7fffffffu;
		}
		r->flips++;
	}
	return NULL;
}

START_TEST(test_remote_wqe_rewritten_race)
{
	struct racer r = { .stop = 0 };
	struct nvme_fc_cmd_iu iu;
	unsigned int round, i, ok = 0, efault = 0, einval = 0;
	struct hw_cqe *c;
	pthread_t th;
	struct hw_wqe w;

	make_iu(&iu, 1, 512);
	r.good = win_put(&rhost, 12288, &iu, sizeof(iu));
	r.bad = UINT64_MAX - 64 - (rnd() & 0xfff);
	r.seed = rnd();
	guest_xri(2, 5, 512);
	ck_assert_int_eq(pthread_create(&th, NULL, racer_run, &r), 0);
	for (round = 0; round < 300; round++) {
		for (i = 0; i < 16; i++) {
			guest_wqe_cmd(&w, 2, 5, i & 1 ? r.good : r.bad);
			ck_assert_int_eq(hw_ring_post(rhost.base, &rhost.bar->wq[0], &w, sizeof(w)),
					 0);
		}
		ck_assert_int_eq(hw_fw_doorbell(&rhost, 0), 16);
		while ((c = cqe(&tgt, 0))) {
			ck_assert_uint_eq(c->type, HW_CQE_RCV_CMD);
			ck_assert_mem_eq(c->iu, &iu, sizeof(iu));
			ok++;
			cqe_pop(&tgt, 0);
		}
		while ((c = cqe(&rhost, 0))) {
			ck_assert_uint_eq(c->type, HW_CQE_WQE_DONE);
			if (c->status == -EFAULT)
				efault++;
			else if (c->status == -EINVAL)
				einval++;
			else
				ck_abort_msg("status %d", c->status);
			cqe_pop(&rhost, 0);
		}
		ck_assert_uint_eq(ok + efault + einval, (round + 1) * 16);
	}
	atomic_store(&r.stop, 1);
	pthread_join(th, NULL);
	fprintf(stderr, "check_hw_remote: race: %u sent, %u -EFAULT, %u -EINVAL, %lu rewrites\n",
		ok, efault, einval, r.flips);
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(efault + einval, 0);
}
END_TEST
#endif

/* Target op w (cookie 0x77) of the guest target on the local host's
 * exchange x, whose len bytes at hbuf are all 0xee: completed with status,
 * no response to the host, and nothing moved. */
static void tgt_op_refused(const struct hw_wqe *w, int status, const uint8_t *hbuf, size_t len,
			   const struct hw_xri *x)
{
	struct hw_cqe *c;

	ck_assert_int_eq(hw_ring_post(rtgt.base, &rtgt.bar->wq[0], w, sizeof(*w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&rtgt, 0), 1);
	c = cqe(&rtgt, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_WQE_DONE);
	ck_assert_int_eq(c->status, status);
	ck_assert_uint_eq(c->c.cookie, 0x77);
	ck_assert_uint_eq(c->c.xfrd, 0);
	cqe_pop(&rtgt, 0);
	ck_assert_ptr_null(cqe(&host, 0));
	ck_assert_uint_eq(hbuf[0], 0xee);
	ck_assert_uint_eq(hbuf[len - 1], 0xee);
	ck_assert_uint_eq(atomic_load(&x->xfrd), 0);
}

/* A remote target's data list (struct hw_sge array) and response by handle:
 * exact bytes both ways; bad handles fail with -EFAULT and move nothing,
 * and so does an op on a host exchange whose command went to another
 * target (-ECANCELED). */
START_TEST(test_remote_tgt_op)
{
	uint8_t data[12288], back[12288], ersp[32];
	struct hw_sge sg[3];
	struct nvme_fc_cmd_iu iu;
	uint8_t *hbuf;
	fcnvme_dma_t hh;
	uint64_t sgh, rsph;
	struct hw_xri *x;
	struct hw_cqe *c;
	struct hw_wqe w;

	/* the local host's exchange 0: 12 KiB in its window */
	ck_assert_int_eq(hw_dma_alloc(&host, sizeof(data), (void **)&hbuf, &hh), 0);
	memset(hbuf, 0xee, sizeof(data));
	x = &host.xri[0];
	x->nsge = 1;
	x->sge[0].dma = hh;
	x->sge[0].len = sizeof(data);
	x->data_len = sizeof(data);
	x->src_hwq = 0;
	x->dst_slot = (uint16_t)rtgt.slot;
	atomic_store(&x->tag, 3);
	atomic_store(&x->state, HW_XRI_ACTIVE);
	/* the guest target: three pieces of random data, an SGE list and an
	 * ERSP in its window */
	fill_rnd(data, sizeof(data));
	fill_rnd(ersp, sizeof(ersp));
	sg[0].dma = win_put(&rtgt, 0x10000, data, 5000);
	sg[0].len = 5000;
	sg[1].dma = win_put(&rtgt, 0x20000 + 123, data + 5000, 4000);
	sg[1].len = 4000;
	sg[2].dma = win_put(&rtgt, 0x30000, data + 9000, sizeof(data) - 9000);
	sg[2].len = sizeof(data) - 9000;
	sgh = win_put(&rtgt, 0x800, sg, sizeof(sg));
	rsph = win_put(&rtgt, 0x900 + 4, ersp, sizeof(ersp));
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_TGT_OP;
	w.op = NVMET_FCOP_READDATA_RSP;
	w.peer_slot = (uint16_t)host.slot;
	w.xri = 0;
	w.tag = 3;
	w.length = sizeof(data);
	w.sg_cnt = 3;
	w.sg = (const void *)(uintptr_t)sgh;
	w.rsp = (const void *)(uintptr_t)rsph;
	w.rsplen = sizeof(ersp);
	w.cookie = 0x77;
	(void)iu;

	/* bad list handle, list running out of the window, an element out of
	 * the window, a bad response handle, too many elements: -EFAULT,
	 * nothing moves, no response */
	{
		struct hw_wqe b[5];
		unsigned int i;

		for (i = 0; i < 5; i++)
			b[i] = w;
		b[0].sg = (const void *)(uintptr_t)(HW_DMA_HANDLE_BASE - 16);
		b[1].sg = (const void *)(uintptr_t)(HW_DMA_HANDLE_BASE + rtgt.geo->dma_size - 32);
		b[2].sg = (const void *)(uintptr_t)win_put(&rtgt, 0xa00, sg, sizeof(sg));
		((struct hw_sge *)win(&rtgt, 0xa00))[2].dma =
			HW_DMA_HANDLE_BASE + rtgt.geo->dma_size - 100;
		b[3].rsp = (const void *)(uintptr_t)(UINT64_MAX - 8);
		b[4].sg_cnt = HW_MAX_SGE + 1;
		for (i = 0; i < 5; i++)
			tgt_op_refused(&b[i], -EFAULT, hbuf, sizeof(data), x);
	}

	/* the host's command went to the other target (tgt): this one's
	 * READDATA_RSP and WRITEDATA on the exchange, tag and state right,
	 * are refused with -ECANCELED and move nothing either way */
	{
		struct hw_wqe b[2] = { w, w };
		unsigned int i;

		x->dst_slot = (uint16_t)tgt.slot;
		b[1].op = NVMET_FCOP_WRITEDATA;
		memset(win(&rtgt, 0x10000), 0x5a, 5000);
		for (i = 0; i < 2; i++) {
			tgt_op_refused(&b[i], -ECANCELED, hbuf, sizeof(data), x);
			ck_assert_uint_eq(((uint8_t *)win(&rtgt, 0x10000))[0], 0x5a);
		}
		win_put(&rtgt, 0x10000, data, 5000);
		x->dst_slot = (uint16_t)rtgt.slot;
	}

	/* READDATA_RSP: the pieces land in order, the ERSP follows */
	ck_assert_int_eq(hw_ring_post(rtgt.base, &rtgt.bar->wq[0], &w, sizeof(w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&rtgt, 0), 1);
	ck_assert_mem_eq(hbuf, data, sizeof(data));
	c = cqe(&host, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->type, HW_CQE_FCP_RSP);
	ck_assert_uint_eq(c->c.len, sizeof(ersp));
	ck_assert_uint_eq(c->c.xfrd, sizeof(data));
	ck_assert_mem_eq(c->c.rsp, ersp, sizeof(ersp));
	cqe_pop(&host, 0);
	c = cqe(&rtgt, 0);
	ck_assert_int_eq(c->status, 0);
	ck_assert_uint_eq(c->c.xfrd, sizeof(data));
	cqe_pop(&rtgt, 0);

	/* WRITEDATA of the host's bytes into the guest's pieces, at an offset */
	fill_rnd(hbuf, sizeof(data));
	memset(win(&rtgt, 0x10000), 0, 5000);
	memset(win(&rtgt, 0x20000 + 123), 0, 4000);
	w.op = NVMET_FCOP_WRITEDATA;
	w.offset = 1000;
	w.length = 8000;
	w.sg_cnt = 2;
	w.rsp = NULL;
	w.rsplen = 0;
	ck_assert_int_eq(hw_ring_post(rtgt.base, &rtgt.bar->wq[0], &w, sizeof(w)), 0);
	ck_assert_int_eq(hw_fw_doorbell(&rtgt, 0), 1);
	ck_assert_int_eq(cqe(&rtgt, 0)->status, 0);
	cqe_pop(&rtgt, 0);
	memcpy(back, win(&rtgt, 0x10000), 5000);
	memcpy(back + 5000, win(&rtgt, 0x20000 + 123), 3000);
	ck_assert_mem_eq(back, hbuf + 1000, 8000);
	ck_assert_uint_eq(((uint8_t *)win(&rtgt, 0x20000 + 123))[3000], 0);
	hw_dma_free(&host, hbuf, sizeof(data));
}
END_TEST

/* Remote-driver firmware tests. */
Suite *hw_remote_suite(void)
{
	Suite *s = suite_create("hw_remote");
	TCase *tc = tcase_create("remote");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_remote_layout);
	tcase_add_test(tc, test_remote_open_refused);
	tcase_add_test(tc, test_remote_handles);
	tcase_add_test(tc, test_remote_fcp_cmd);
	tcase_add_test(tc, test_remote_geometry_rewritten);
	tcase_add_test(tc, test_remote_peer_geometry);
#ifndef TEST_TSAN
	tcase_add_test(tc, test_remote_wqe_rewritten_race);
#endif
	tcase_add_test(tc, test_remote_tgt_op);
	suite_add_tcase(s, tc);
	return s;
}
