// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: a hostile VM guest against the port server
 * (hw_vmport*.c, the firmware it runs for the guest, hw_fw.c) and, through
 * it, a target port. One soft fabric in a private directory holds a real
 * target port (hw_tgt over the fake target transport of hw's unit tests,
 * tests/unit/check_hw_fake.c) and a real port server in the initiator role
 * logged into it, set up once; no QEMU: eventfds stand in for the guest's
 * vectors and connection, and the fuzzer runs what the server's loop runs
 * on a doorbell or a tick. Each input is a list of records that write what
 * a guest controls into the port's region (mq entries, WQEs with DMA
 * handles inside, outside and across the window, its exchange table, the
 * events of its eq, ring header words, BAR words, window bytes) and make
 * the server and the target run. Then the target is drained and must hold
 * no exchange; the region outside the window, the rings, the exchange table
 * and the BAR must be as it was; the guest's words are put back in order
 * (every ring re-initialised to the server's geometry, the BAR's words to
 * what the server wrote, the exchange table cleared, DRV_UP, a re-login if
 * the guest's forged events logged the port out) and a good READ through
 * the server must complete with the exact bytes, written nowhere else.
 *
 * Records (a byte, modulo 12, picks the kind, the fields follow; a short
 * input ends; at most 64 records):
 *   0 MQ    type slot id len:4 off n bytes[n]   an mq entry
 *   1 WQE   q type xri:2 tag hm h:4 slot rxid phq off n bytes   a WQE into
 *                                  wq[q]: cmd/sg/rsp handles by mode hm
 *   2 CMD   q xri op qid len:2 hm h:4 iu      a good-looking FCP CMD into
 *                                  wq[q]: exchange xri's SGE by (hm, h),
 *                                  its CMD IU in the window's IU slot iu
 *   3 XRI   xri off n bytes[n]     bytes into exchange xri (< 128)
 *   4 SGE   xri i hm h:4 len:4     exchange xri's SGE i := (handle, len)
 *   5 RING  which word val:8       a word of mq, deq, eq, wq[q] or cq[q],
 *                                  or of the BAR
 *   6 DB    vec                    doorbell of vector vec (0: mq)
 *   7 TICK                         the server's slow path and 100 ms tick
 *   8 POLL  q budget               hw_tgt_poll (the target's firmware
 *                                  moves data to and from the window)
 *   9 DRAIN                        the guest consumes its CQs and deq;
 *                                  the fake transport answers deferred cmds
 *  10 WIN   off:2 n bytes[n]       bytes into the fuzz area of the window
 *  11 EQE   type slot id arg off n bytes   an event forged into the
 *                                  port's eq, then the slow path
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#define FUZZ_HW_NAME "fuzz_hw_vmport"
#include "fuzz_hw.h"
#include "hw_vmport_priv.h"

#define NR_TGT_HWQ  2
#define RQ_DEPTH    16
#define NR_VP_HWQ   2
#define NR_VP_XRI   64
#define FUZZ_AREA   65536u /* window offset 0: fuzz handles point here */
#define IU_SLOTS    32u	   /* CMD IUs at the start of the fuzz area */
#define GOOD_OFF    (512u * 1024u)
#define GOOD_CANARY 256u
#define GOOD_LEN    1024u
#define GOOD_IU_OFF (GOOD_OFF + 8192u)

static struct hw_tgt_port *tp;
static struct hw_vmport *vp;
static struct hw_dev *d; /* the port server's port */
static unsigned int tslot;
static uint8_t *win; /* the port's DMA window */
static uint64_t win_size;
static struct hw_bar bar_good; /* the BAR after setup */
static uint32_t good_tag = 0x40000000u;

/* The region outside what the guest, the server and the peers write (the
 * BAR, the exchange table, the rings, the window): gaps, as after setup. */
struct gap {
	uint64_t off, len;
	uint8_t *copy;
};
static struct gap gaps[64];
static unsigned int nr_gaps;

struct range {
	uint64_t off, len;
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static void ring_range(struct range *r, unsigned int *n, const struct hw_ring *g)
{
	r[*n].off = g->off;
	r[*n].len = (uint64_t)g->entries * g->esize;
	(*n)++;
}

static void gaps_snapshot(void)
{
	struct range r[8 + 2 * HW_MAX_HWQ];
	const struct hw_bar *g = d->geo;
	uint64_t pos = 0, size = g->region_size;
	unsigned int n = 0, i, q;

	r[n].off = 0;
	r[n++].len = sizeof(struct hw_bar);
	r[n].off = g->xri_off;
	r[n++].len = (uint64_t)g->nr_xri * sizeof(struct hw_xri);
	r[n].off = g->dma_off;
	r[n++].len = g->dma_size;
	ring_range(r, &n, &g->eq);
	ring_range(r, &n, &g->mq);
	ring_range(r, &n, &g->deq);
	for (q = 0; q < g->nr_hwq; q++) {
		ring_range(r, &n, &g->wq[q]);
		ring_range(r, &n, &g->cq[q]);
	}
	qsort(r, n, sizeof(r[0]), range_cmp);
	for (i = 0; i <= n; i++) {
		uint64_t end = i < n ? r[i].off : size;

		if (end > pos) {
			FUZZ_HW_REQUIRE(nr_gaps < sizeof(gaps) / sizeof(gaps[0]));
			gaps[nr_gaps].off = pos;
			gaps[nr_gaps].len = end - pos;
			gaps[nr_gaps].copy = malloc(end - pos);
			FUZZ_HW_REQUIRE(gaps[nr_gaps].copy);
			memcpy(gaps[nr_gaps].copy, (uint8_t *)d->base + pos, end - pos);
			nr_gaps++;
		}
		if (i < n && r[i].off + r[i].len > pos)
			pos = r[i].off + r[i].len;
	}
}

static void gaps_check(void)
{
	unsigned int i;

	for (i = 0; i < nr_gaps; i++)
		if (memcmp(gaps[i].copy, (uint8_t *)d->base + gaps[i].off, gaps[i].len))
			fuzz_hw_die("a byte of the region outside the BAR, the exchange table, "
				    "the rings and the window changed");
}

/* ---- the port server, as its loop runs it ----------------------------------- */

/* The slow path (an event on the port's fd) and the 100 ms tick: what
 * hw_vmport_slow does when the timer fired. */
static void vp_tick(void)
{
	bool timer = false;
	unsigned int q;

	hw_dev_slow_path(d, &vp->ls_unused, NULL, &hw_vmport_slow_ops, vp, &timer);
	atomic_fetch_add(&d->bar->fw_heartbeat, 1);
	hw_rport_tick(&vp->rports);
	hw_vmport_ls_expire(vp);
	hw_vmport_mq_drain(vp);
	for (q = 0; q < d->geo->nr_hwq; q++)
		hw_fw_doorbell(d, q);
}

static void vp_slow(void)
{
	hw_dev_slow_path(d, &vp->ls_unused, NULL, &hw_vmport_slow_ops, vp, NULL);
}

/* A doorbell of vector vec, as hw_vmport_doorbell runs it. */
static void vp_doorbell(unsigned int vec)
{
	if (vec >= vp->nr_vec)
		return;
	if (vec == 0)
		hw_vmport_mq_drain(vp);
	else
		hw_fw_doorbell(d, vec - 1);
}

static bool logged_in(void)
{
	return atomic_load(&tp->dev.bar->logins[d->slot].state) == HW_LOGIN_PRLI &&
	       hw_rport_find(&vp->rports, tslot) &&
	       atomic_load(&hw_rport_find(&vp->rports, tslot)->state) == HW_RPORT_ONLINE;
}

/* Both sides' slow paths and the server's login retries until the port
 * server is logged into the target (PLOGI, PRLI; if rescan, a rescan first
 * and the login's deadline passed: a PLOGI whose answer the guest's doings
 * lost is retried at once); false after 3 s. */
static bool login(bool rescan)
{
	unsigned int i;

	if (rescan) {
		struct hw_rport *rp = hw_rport_find(&vp->rports, tslot);

		/* Time is made to pass: a login left waiting for an answer
		 * that was lost times out at the next tick, not a second on. */
		if (rp)
			rp->deadline_ns = 0;
		hw_rport_rescan(&vp->rports, -1);
	}
	for (i = 0; i < 3000 && !logged_in(); i++) {
		hw_tgt_port_process(tp);
		vp_slow();
		hw_rport_tick(&vp->rports);
		if (i > 20)
			usleep(1000);
	}
	return logged_in();
}

/* The guest consumes its CQs and deq by the layout it was given. */
static void guest_drain(void)
{
	const struct hw_bar *g = d->geo;
	unsigned int q;
	void *e;

	for (q = 0; q < g->nr_hwq; q++)
		while ((e = hw_ring_peek_geo(d->base, &d->bar->cq[q], &g->cq[q])))
			hw_ring_pop_geo(&d->bar->cq[q], &g->cq[q], e);
	while ((e = hw_ring_peek_geo(d->base, &d->bar->deq, &g->deq)))
		hw_ring_pop_geo(&d->bar->deq, &g->deq, e);
}

static void guest_mq(const struct hw_eqe *e)
{
	(void)hw_ring_post_geo(d->base, &d->bar->mq, &d->geo->mq, e, sizeof(*e));
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char fdir[128], sock[128];
	struct hw_tgt_port_cfg tc = {
		.dev = "soft:f",
		.wwnn = 0x20000000000000c1ull,
		.wwpn = 0x10000000000000c1ull,
		.nr_hwq = NR_TGT_HWQ,
		.rq_depth = RQ_DEPTH,
	};
	struct hw_vmport_cfg vc = {
		.fabric = "f",
		.wwnn = 0x20000000000000d1ull,
		.wwpn = 0x10000000000000d1ull,
		.nr_hwq = NR_VP_HWQ,
		.nr_xri = NR_VP_XRI,
		.dma_mb = 1,
		.stop_fd = -1,
	};
	struct hw_tgt_events ev;
	struct hw_eqe e;
	unsigned int i;
	int fd;

	(void)argc;
	(void)argv;
	hwf_hostile_iu = true;
	fuzz_hw_fabric("fuzz_vmport", fdir, sizeof(fdir));
	memset(&ev, 0, sizeof(ev));
	FUZZ_HW_REQUIRE(hw_tgt_port_open(&tc, &ev, NULL, &tp) == 0);
	tslot = tp->dev.slot;
	snprintf(sock, sizeof(sock), "%s/s", fuzz_hw_root);
	vc.socket = sock;
	FUZZ_HW_REQUIRE(hw_vmport_open(&vc, &vp) == 0);
	d = &vp->dev;
	FUZZ_HW_REQUIRE(login(false));
	/* A connected guest, no QEMU: eventfds for its vectors and its
	 * connection; the irq threads are not started (nothing here waits
	 * for an interrupt). */
	for (i = 0; i < vp->nr_vec; i++) {
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		FUZZ_HW_REQUIRE(fd >= 0);
		vp->guest_efd[i] = fd;
	}
	vp->cfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	FUZZ_HW_REQUIRE(vp->cfd >= 0);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_DRV_UP;
	guest_mq(&e);
	FUZZ_HW_REQUIRE(hw_vmport_mq_drain(vp) == 1 && vp->drv_up);
	guest_drain();
	win = (uint8_t *)d->base + d->geo->dma_off;
	win_size = d->geo->dma_size;
	FUZZ_HW_REQUIRE(win_size >= GOOD_IU_OFF + 4096);
	memcpy(&bar_good, d->bar, sizeof(bar_good));
	gaps_snapshot();
	return 0;
}

/* ---- what the guest writes -------------------------------------------------- */

/* A DMA handle by mode: inside the fuzz area, anywhere in the window,
 * across the window's end, below the handle base, or as given. */
static uint64_t handle(uint8_t mode, uint32_t h)
{
	switch (mode % 6) {
	case 0:
		return HW_DMA_HANDLE_BASE + h % FUZZ_AREA;
	case 1:
		return HW_DMA_HANDLE_BASE + h % win_size;
	case 2:
		return HW_DMA_HANDLE_BASE + win_size - h % 4096;
	case 3:
		return HW_DMA_HANDLE_BASE - 1 - h % 4096;
	case 4:
		return HW_DMA_HANDLE_BASE + IU_SLOTS * 128u + h % 4096;
	default:
		return (uint64_t)h << (mode % 64 / 6 * 2);
	}
}

static uint16_t peer_slot(uint8_t s)
{
	return s & 0x80 ? s & 0x7f : (uint16_t)tslot;
}

static void rec_mq(struct in *in)
{
	static const uint16_t types[] = { HW_EQE_LS_REQ,   HW_EQE_LS_RSP, HW_EQE_DRV_UP,
					  HW_EQE_DRV_DOWN, HW_EQE_PLOGI,  0x4242,
					  HW_EQE_LINK,	   HW_EQE_LOGO,	  HW_EQE_RSCN };
	uint8_t type, slot, id, off, n, b[64];
	uint32_t len;
	struct hw_eqe e;

	if (!get8(in, &type) || !get8(in, &slot) || !get8(in, &id) || !get(in, &len, 4) ||
	    !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&e, 0, sizeof(e));
	e.type = types[type % (sizeof(types) / sizeof(types[0]))];
	e.peer_slot = peer_slot(slot);
	e.id = id;
	e.arg = id & 0x40 ? len : len % 4; /* LINK: up, down, or neither */
	e.len = type & 0x80 ? len : len % 128;
	e.payload[0] = FCNVME_LS_DISCONNECT_ASSOC;
	memcpy(e.payload + off % (HW_EQE_PAYLOAD - sizeof(b)), b, n);
	guest_mq(&e);
}

static void rec_wqe(struct in *in)
{
	uint8_t q, type, tag, hm, slot, rxid, phq, off, n, b[64];
	uint16_t xri;
	uint32_t h;
	struct hw_wqe w;

	if (!get8(in, &q) || !get8(in, &type) || !get(in, &xri, 2) || !get8(in, &tag) ||
	    !get8(in, &hm) || !get(in, &h, 4) || !get8(in, &slot) || !get8(in, &rxid) ||
	    !get8(in, &phq) || !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&w, 0, sizeof(w));
	w.type = (uint8_t)(type % 7);
	w.op = (uint8_t)(type >> 4);
	w.peer_slot = peer_slot(slot);
	w.xri = xri % (NR_VP_XRI + 4);
	w.tag = atomic_load(&d->xri[w.xri % NR_VP_XRI].tag) + tag % 4;
	w.rx_id = rxid;
	w.peer_hwq = phq % 4;
	w.rsplen = 32;
	w.length = 512;
	w.sg_cnt = 1;
	w.cmd = (const void *)(uintptr_t)handle(hm, h);
	w.sg = (const void *)(uintptr_t)handle(hm, h + 512);
	w.rsp = (const void *)(uintptr_t)handle(hm, h + 1024);
	w.cookie = good_tag;
	off %= sizeof(w) - sizeof(w.seq);
	if (n > sizeof(w) - sizeof(w.seq) - off)
		n = (uint8_t)(sizeof(w) - sizeof(w.seq) - off);
	memcpy((uint8_t *)&w + sizeof(w.seq) + off, b, n);
	q %= NR_VP_HWQ;
	(void)hw_ring_post_geo(d->base, &d->bar->wq[q], &d->geo->wq[q], &w, sizeof(w));
}

/* Opcodes of the fake transport a CMD record asks for. */
static uint8_t cmd_opcode(uint8_t sel)
{
	static const uint8_t op[] = { HWF_OP_NODATA, HWF_OP_WRITE, HWF_OP_READ, HWF_OP_DEFER,
				      HWF_OP_TABORT, HWF_OP_HANG,  0x42 };

	return op[sel % sizeof(op)];
}

static void rec_cmd(struct in *in)
{
	uint8_t q, xri, op, qid, hm, slot;
	uint16_t len;
	uint32_t h;
	struct nvme_fc_cmd_iu *iu;
	struct hw_xri *x;
	struct hw_wqe w;

	if (!get8(in, &q) || !get8(in, &xri) || !get8(in, &op) || !get8(in, &qid) ||
	    !get(in, &len, 2) || !get8(in, &hm) || !get(in, &h, 4) || !get8(in, &slot))
		return;
	iu = (struct nvme_fc_cmd_iu *)(win + (slot % IU_SLOTS) * 128u);
	memset(iu, 0, sizeof(*iu));
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(24);
	iu->connection_id = cpu_to_be64(0x5500000000ull | qid);
	iu->data_len = cpu_to_be32(len);
	iu->sqe[0] = cmd_opcode(op);
	x = &d->xri[xri % NR_VP_XRI];
	x->nsge = len ? 1 : 0;
	x->sge[0].dma = handle(hm, h);
	x->sge[0].len = len;
	x->data_len = len;
	x->src_hwq = (uint16_t)(q % NR_VP_HWQ);
	x->dst_slot = (uint16_t)tslot;
	atomic_store(&x->xfrd, 0);
	atomic_store(&x->tag, ++good_tag);
	atomic_store(&x->state, HW_XRI_ACTIVE);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_FCP_CMD;
	w.peer_slot = (uint16_t)tslot;
	w.xri = xri % NR_VP_XRI;
	w.tag = good_tag;
	w.cmd = (const void *)(uintptr_t)(HW_DMA_HANDLE_BASE + (slot % IU_SLOTS) * 128u);
	q %= NR_VP_HWQ;
	(void)hw_ring_post_geo(d->base, &d->bar->wq[q], &d->geo->wq[q], &w, sizeof(w));
}

static void rec_xri(struct in *in)
{
	uint8_t xi, off, n, b[16];

	if (!get8(in, &xi) || !get8(in, &off) || !get8(in, &n))
		return;
	off %= sizeof(struct hw_xri);
	n %= sizeof(b) + 1;
	if (n > sizeof(struct hw_xri) - off)
		n = (uint8_t)(sizeof(struct hw_xri) - off);
	if (!get(in, b, n))
		return;
	memcpy((uint8_t *)&d->xri[xi % NR_VP_XRI] + off, b, n);
}

static void rec_sge(struct in *in)
{
	uint8_t xi, i, hm;
	uint32_t h, len;
	struct hw_xri *x;

	if (!get8(in, &xi) || !get8(in, &i) || !get8(in, &hm) || !get(in, &h, 4) ||
	    !get(in, &len, 4))
		return;
	x = &d->xri[xi % NR_VP_XRI];
	x->sge[i % HW_MAX_SGE].dma = handle(hm, h);
	x->sge[i % HW_MAX_SGE].len = len;
	if (i & 0x80)
		x->nsge = i % (HW_MAX_SGE + 2);
}

static void rec_ring(struct in *in)
{
	uint8_t which, word;
	uint64_t v;
	struct hw_ring *r;

	if (!get8(in, &which) || !get8(in, &word) || !get(in, &v, 8))
		return;
	switch (which % 8) {
	case 0:
		r = &d->bar->mq;
		break;
	case 1:
		r = &d->bar->deq;
		break;
	case 2:
		r = &d->bar->eq;
		break;
	case 3:
		r = &d->bar->wq[(which >> 3) % NR_VP_HWQ];
		break;
	case 4:
		r = &d->bar->cq[(which >> 3) % NR_VP_HWQ];
		break;
	case 5:
		fuzz_hw_bar_word(d->bar, word % 6, v);
		return;
	case 6:
		atomic_store(&d->bar->link, (uint32_t)v);
		return;
	default:
		switch (word % 4) {
		case 0:
			d->bar->nr_vectors = (uint32_t)v;
			break;
		case 1:
			d->bar->fw_peer_id = (uint32_t)v;
			break;
		case 2:
			atomic_store(&d->bar->logins[tslot].state, (uint32_t)v);
			break;
		default:
			d->bar->slot = (uint32_t)v;
			break;
		}
		return;
	}
	fuzz_hw_ring_word(r, word, v);
}

static void rec_win(struct in *in)
{
	uint8_t n, b[64];
	uint16_t off;

	if (!get(in, &off, 2) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memcpy(win + off % (FUZZ_AREA - sizeof(b)), b, n);
}

/* An event the guest forges into the port's own eq (it maps the whole
 * region), as if a peer had sent it. */
static void rec_eqe(struct in *in)
{
	static const uint16_t types[] = { HW_EQE_LS_REQ, HW_EQE_LS_RSP,	 HW_EQE_PLOGI,
					  HW_EQE_PRLI,	 HW_EQE_ELS_ACC, HW_EQE_ELS_RJT,
					  HW_EQE_LOGO,	 HW_EQE_PRLO,	 HW_EQE_RSCN,
					  HW_EQE_LINK,	 HW_EQE_DRV_UP,	 0x77 };
	uint8_t type, slot, id, arg, off, n, b[64];
	struct hw_eqe e;

	if (!get8(in, &type) || !get8(in, &slot) || !get8(in, &id) || !get8(in, &arg) ||
	    !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&e, 0, sizeof(e));
	e.type = types[type % (sizeof(types) / sizeof(types[0]))];
	e.peer_slot = peer_slot(slot);
	e.id = id;
	e.arg = arg % 8;
	e.len = (uint32_t)n + off % 64;
	memcpy(e.payload + off % (HW_EQE_PAYLOAD - sizeof(b)), b, n);
	(void)hw_ring_post_geo(d->base, &d->bar->eq, &d->geo->eq, &e, sizeof(e));
	vp_slow();
}

/* ---- the checks -------------------------------------------------------------- */

/* What the guest left in its WQs and mq run (the server's doorbells), the
 * slow paths of both, what the target sent consumed; the work done. */
static unsigned int drain_all(void)
{
	unsigned int q, n = 0;
	int k;

	for (q = 0; q < NR_VP_HWQ; q++) {
		k = hw_fw_doorbell(d, q);
		n += k > 0 ? (unsigned int)k : 0;
	}
	n += (unsigned int)hw_vmport_mq_drain(vp);
	k = hw_tgt_port_process(tp);
	n += k > 0 ? (unsigned int)k : 0;
	k = hw_dev_slow_path(d, &vp->ls_unused, NULL, &hw_vmport_slow_ops, vp, NULL);
	n += k > 0 ? (unsigned int)k : 0;
	guest_drain();
	return n;
}

static void quiesce(void)
{
	fuzz_hw_tgt_quiesce(tp, NR_TGT_HWQ, RQ_DEPTH, drain_all);
}

/* The guest's words back in order, with nothing in flight (after quiesce).
 * The server keeps privately only the ring geometry (hw_dev.geo), not the
 * indices: every index word of the region, the server's own included, is
 * one the guest may have rewritten, and a consistent set is an empty ring,
 * so every ring is re-initialised to the server's geometry (a real driver
 * never does that: it continues from the current indices). The exchange
 * table is cleared, the BAR words the guest rewrote get what the server
 * wrote, the link is brought up if the guest asked for it down, DRV_UP is
 * posted; then, if the guest's doings logged the port out (a target drops
 * a host whose CQ it finds corrupt; a forged LOGO; the guest's own LOGO
 * or link down), the server logs in again. Counters are left as they are. */
static void restore(void)
{
	const struct hw_bar *g = d->geo;
	struct hw_bar *b = d->bar;
	struct hw_eqe e;
	unsigned int q;

	memset(d->xri, 0, (size_t)g->nr_xri * sizeof(struct hw_xri));
	hw_ring_init(d->base, &b->eq, g->eq.off, g->eq.entries, g->eq.esize);
	hw_ring_init(d->base, &b->mq, g->mq.off, g->mq.entries, g->mq.esize);
	hw_ring_init(d->base, &b->deq, g->deq.off, g->deq.entries, g->deq.esize);
	for (q = 0; q < g->nr_hwq; q++) {
		hw_ring_init(d->base, &b->wq[q], g->wq[q].off, g->wq[q].entries, g->wq[q].esize);
		hw_ring_init(d->base, &b->cq[q], g->cq[q].off, g->cq[q].entries, g->cq[q].esize);
	}
	b->nr_hwq = bar_good.nr_hwq;
	b->nr_xri = bar_good.nr_xri;
	b->xri_off = bar_good.xri_off;
	b->dma_off = bar_good.dma_off;
	b->dma_size = bar_good.dma_size;
	b->flags = bar_good.flags;
	b->slot = bar_good.slot;
	b->nr_vectors = bar_good.nr_vectors;
	b->fw_peer_id = bar_good.fw_peer_id;
	atomic_store(&b->link, HW_LINK_UP);
	/* What the server tells the guest of its logins (it reads none of
	 * it back): as after setup, logged into the target. */
	memcpy(b->logins, bar_good.logins, sizeof(b->logins));
	/* A guest that asked for the link down (HW_EQE_LINK): as when it goes
	 * and the next one connects (hw_vmport.c), the server logs out of
	 * its targets and brings the link up (the link-down event it posted
	 * to its eq may be gone with the rings re-initialised above). */
	if (atomic_load(&d->fab.r->ns[d->slot].state) != HW_NS_ONLINE) {
		hw_rport_logout(&vp->rports);
		FUZZ_HW_REQUIRE(hw_dev_set_link(d, true) == 0);
	}
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_DRV_UP;
	guest_mq(&e);
	FUZZ_HW_REQUIRE(hw_vmport_mq_drain(vp) == 1);
	if (!logged_in() && !login(true)) {
		const struct hw_rport *rp = hw_rport_find(&vp->rports, tslot);

		fprintf(stderr,
			FUZZ_HW_NAME ": login states: port %u, target %u, rport %d, link %u\n",
			atomic_load(&d->bar->logins[tslot].state),
			atomic_load(&tp->dev.bar->logins[d->slot].state),
			rp ? atomic_load(&rp->state) : -1, atomic_load(&d->bar->link));
		fuzz_hw_die("the port server could not log back into the target");
	}
	guest_drain();
}

static uint8_t canary(uint32_t i)
{
	return (uint8_t)(0xa5 ^ i ^ (i >> 8));
}

/* A good READ through the port server: the guest's exchange, its CMD IU
 * and buffer in the window by handle; exact response, data and length,
 * nothing written in the window around the buffer or in the fuzz area. */
static void good_read(void)
{
	uint8_t *g = win + GOOD_OFF, *rbuf = g + GOOD_CANARY;
	struct nvme_fc_cmd_iu *iu = (struct nvme_fc_cmd_iu *)(win + GOOD_IU_OFF);
	uint32_t seed = good_tag * 7u + 3u, tag = ++good_tag, i, q, got = 0;
	unsigned int xri = NR_VP_XRI - 1;
	struct hw_cqe *c;

	for (i = 0; i < 2 * GOOD_CANARY + GOOD_LEN; i++)
		g[i] = canary(i);
	memset(win, 0x5a, FUZZ_AREA);
	FUZZ_HW_REQUIRE(hwf_post_cmd(d, tslot, xri, tag, 0x5500000001ull, HWF_OP_READ,
				     HW_DMA_HANDLE_BASE + GOOD_OFF + GOOD_CANARY, GOOD_LEN,
				     iu) == 0);
	memcpy(&iu->sqe[40], &seed, 4);
	vp_doorbell(1);
	for (i = 0; i < 4; i++)
		for (q = 0; q < NR_TGT_HWQ; q++)
			hw_tgt_poll(tp, (uint16_t)q, 64);
	while ((c = hw_ring_peek_geo(d->base, &d->bar->cq[0], &d->geo->cq[0]))) {
		const struct nvme_fc_ersp_iu *e = (const void *)c->c.rsp;
		uint32_t dw0;

		memcpy(&dw0, &e->cqe[0], 4);
		if (c->type != HW_CQE_FCP_RSP || c->c.len != sizeof(*e) || c->c.xfrd != GOOD_LEN ||
		    c->xri != xri || c->tag != tag || dw0 != seed || got) {
			fprintf(stderr,
				FUZZ_HW_NAME ": guest CQE type %u xri %u tag %x status %d len %u "
					     "xfrd %u\n",
				c->type, c->xri, c->tag, c->status, c->c.len, c->c.xfrd);
			fuzz_hw_die("the good READ did not complete as it should");
		}
		got = 1;
		hw_ring_pop_geo(&d->bar->cq[0], &d->geo->cq[0], c);
	}
	if (!got)
		fuzz_hw_die("the good READ got no response");
	for (i = 0; i < GOOD_LEN; i++)
		if (rbuf[i] != hwf_pattern(seed, i))
			fuzz_hw_die("READ data differ");
	for (i = 0; i < 2 * GOOD_CANARY + GOOD_LEN; i++)
		if ((i < GOOD_CANARY || i >= GOOD_CANARY + GOOD_LEN) && g[i] != canary(i))
			fuzz_hw_die("the target wrote around the good buffer");
	for (i = 0; i < FUZZ_AREA; i++)
		if (win[i] != 0x5a)
			fuzz_hw_die("the target wrote into window memory no good SGE names");
	atomic_store(&d->xri[xri].state, HW_XRI_FREE);
	quiesce();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	uint8_t kind, a, b;
	unsigned int steps = 0;

	while (get8(&in, &kind) && steps++ < 64) {
		switch (kind % 12) {
		case 0:
			rec_mq(&in);
			break;
		case 1:
			rec_wqe(&in);
			break;
		case 2:
			rec_cmd(&in);
			break;
		case 3:
			rec_xri(&in);
			break;
		case 4:
			rec_sge(&in);
			break;
		case 5:
			rec_ring(&in);
			break;
		case 6:
			if (get8(&in, &a))
				vp_doorbell(a % (vp->nr_vec + 1));
			break;
		case 7:
			vp_tick();
			break;
		case 8:
			if (get8(&in, &a) && get8(&in, &b)) {
				hw_tgt_poll(tp, a % NR_TGT_HWQ, b % 64u + 1);
				atomic_store(&tp->dev.peer_bad, 0);
			}
			break;
		case 9:
			guest_drain();
			hwf_answer_deferred();
			break;
		case 10:
			rec_win(&in);
			break;
		default:
			rec_eqe(&in);
			break;
		}
	}
	quiesce();
	gaps_check();
	restore();
	good_read();
	gaps_check();
	return 0;
}
