// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: a hostile host port against the software HBA's target
 * side. One soft fabric in a private directory holds a real target port
 * (hw_tgt: LLDD, firmware, hw queue poll, LS path) over the fake target
 * transport of hw's unit tests (tests/unit/check_hw_fake.c) and a real host
 * port logged into it, set up once. Each input is a list of records that
 * write what a host controls into shared memory (its exchange table, its
 * CQ/EQ ring headers and link word, the CQEs and EQEs it posts into the
 * target's queues) and make both sides run (the host's firmware sending CMD
 * IUs, target polls, the target's slow path). Then the target is drained
 * and must hold no exchange; the host's region is put back in order, and a
 * good READ and a good WRITE must complete with the exact status, data and
 * transfer length, the target writing nothing in the host's memory but the
 * READ's buffer (canaries around it, and the rest of the fuzz area).
 *
 * Records (a byte, modulo 12, picks the kind, the fields follow; a short
 * input ends; at most 64 records):
 *   0 XRI   xri off n bytes[n]     bytes into host exchange xri at off (< 96)
 *   1 SGE   xri i dmaoff:4 len:4   host exchange xri's SGE i (< 8) :=
 *                                  (fuzz area's handle + dmaoff, len)
 *   2 CMD   xri op len:2 qid buf   a CMD IU posted on the host's WQ 0
 *   3 CQE   q xri tag off n bytes  a CQE into target CQ q: a good RCV_CMD
 *                                  of exchange xri, tag, with bytes[n]
 *                                  over it from byte 8 + off
 *   4 EQE   type slot len:2 off n bytes   an EQE into the target's EQ,
 *                                  then the target's slow path
 *   5 RING  which word val:8       a word of the host's CQ 0 or EQ header,
 *                                  its link state, or a geometry or size
 *                                  word of the target's BAR (any peer
 *                                  maps it read-write)
 *   6 POLL  q budget               hw_tgt_poll
 *   7 HDB                          the host's WQ 0 doorbell (its firmware)
 *   8 DRAIN                        the host consumes its CQ and EQ
 *   9 WQE   q xri off n bytes      a WQE into target WQ q: a READDATA of
 *                                  exchange xri with bytes[n] over it
 *  10 DONE  q idx dgen st xfrd:2   a WQE_DONE into target CQ q with the
 *                                  cookie of exchange idx's op dgen % 4
 *                                  after its last (status -(st % 8))
 *  11 ANSWER                       the fake transport answers deferred cmds
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#define FUZZ_HW_NAME "fuzz_hw_peer"
#include "fuzz_hw.h"
#include "hw_host_priv.h"
#include "hw_tgt_priv.h"

#define NR_TGT_HWQ   2
#define RQ_DEPTH     16
#define FUZZ_AREA    16384u /* host memory fuzz SGEs and commands point at */
#define GOOD_CANARY  256u
#define GOOD_LEN     1024u
#define XRI_FUZZ_LEN 96u /* state .. sge[3] */

static struct hw_tgt_port *tp;
static struct hw_host_port *hp;
static struct hw_dev *host;
static unsigned int nr_xri;
static struct hw_xri *xri_good;	      /* the host's exchange table after setup */
static struct hw_ring cq_geo, eq_geo; /* the host's CQ 0 and EQ, as laid out */
static struct hw_bar *tgt_bar;	      /* the target's BAR, as the host maps it */
static struct hw_bar tgt_bar_good;
static uint8_t *fuzz_va, *good_va;
static fcnvme_dma_t fuzz_dma, good_dma;
static uint32_t good_tag = 0x80000000u;
static struct nvme_fc_cmd_iu cmd_iu[64]; /* WQEs point at them until the doorbell */
static unsigned int nr_cmd_iu;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char fdir[128];
	struct hw_tgt_port_cfg tc = {
		.dev = "soft:f",
		.wwnn = 0x20000000000000c1ull,
		.wwpn = 0x10000000000000c1ull,
		.nr_hwq = NR_TGT_HWQ,
		.rq_depth = RQ_DEPTH,
	};
	struct hw_host_port_cfg hc = {
		.dev = "soft:f",
		.wwnn = 0x20000000000000d1ull,
		.wwpn = 0x10000000000000d1ull,
		.queue_depth = 16,
	};
	struct hw_tgt_events ev;
	pthread_t th;

	(void)argc;
	(void)argv;
	fuzz_hw_fabric("fuzz_peer", fdir, sizeof(fdir));
	memset(&ev, 0, sizeof(ev));
	FUZZ_HW_REQUIRE(hw_tgt_port_open(&tc, &ev, NULL, &tp) == 0);
	FUZZ_HW_REQUIRE(hwf_tgt_thread_start(tp, &th) == 0);
	FUZZ_HW_REQUIRE(hw_host_port_open(&hc, &hp) == 0);
	hwf_tgt_thread_stop(th);
	host = &hp->dev;
	/* The host here is the hostile peer, driving its region by hand (its
	 * WQ, CQ and EQ): not the host LLDD's own WQ and completions in
	 * process memory (hw_dev.lwq, hw_dev.lcq), which it never polls. */
	host->lwq[0] = NULL;
	host->lcq[0] = NULL;
	FUZZ_HW_REQUIRE(atomic_load(&tp->dev.bar->logins[host->slot].state) == HW_LOGIN_PRLI);
	nr_xri = host->geo->nr_xri;
	FUZZ_HW_REQUIRE(nr_xri >= 4);
	xri_good = malloc(nr_xri * sizeof(*xri_good));
	FUZZ_HW_REQUIRE(xri_good);
	memcpy(xri_good, host->xri, nr_xri * sizeof(*xri_good));
	cq_geo = host->geo->cq[0];
	eq_geo = host->geo->eq;
	FUZZ_HW_REQUIRE(hw_dev_peer_view(host, tp->dev.slot));
	tgt_bar = hw_dev_peer_view(host, tp->dev.slot)->base;
	memcpy(&tgt_bar_good, tgt_bar, sizeof(tgt_bar_good));
	FUZZ_HW_REQUIRE(hw_dma_alloc(host, FUZZ_AREA, (void **)&fuzz_va, &fuzz_dma) == 0);
	FUZZ_HW_REQUIRE(hw_dma_alloc(host, 3 * GOOD_CANARY + 2 * GOOD_LEN, (void **)&good_va,
				     &good_dma) == 0);
	return 0;
}

/* ---- what the host does -------------------------------------------------- */

/* The host consumes its CQ 0 and its EQ (a hostile one may not: the
 * target then finds them full). */
static void host_drain(void)
{
	void *e;

	while ((e = hw_ring_peek_geo(host->base, &host->bar->cq[0], &cq_geo)))
		hw_ring_pop_geo(&host->bar->cq[0], &cq_geo, e);
	while ((e = hw_ring_peek_geo(host->base, &host->bar->eq, &eq_geo)))
		hw_ring_pop_geo(&host->bar->eq, &eq_geo, e);
}

static void target_poll(unsigned int q, unsigned int budget)
{
	hw_tgt_poll(tp, (uint16_t)q, budget);
	/* A host whose ring the firmware found corrupt is marked for the
	 * slow path to log out; this host is let back at once (the check
	 * at the end needs it logged in). */
	atomic_store(&tp->dev.peer_bad, 0);
}

/* Opcodes of the fake transport a hostile CMD may carry: not HANG (it
 * waits for an ABTS nobody sends; the real transport has no such thing). */
static uint8_t cmd_opcode(uint8_t sel)
{
	static const uint8_t op[] = { HWF_OP_NODATA, HWF_OP_WRITE,  HWF_OP_READ,
				      HWF_OP_DEFER,  HWF_OP_TABORT, 0x42 };

	return op[sel % sizeof(op)];
}

static void rec_xri(struct in *in)
{
	uint8_t xi, off, n, b[16];

	if (!get8(in, &xi) || !get8(in, &off) || !get8(in, &n))
		return;
	off %= XRI_FUZZ_LEN;
	n %= sizeof(b) + 1;
	if (n > XRI_FUZZ_LEN - off)
		n = (uint8_t)(XRI_FUZZ_LEN - off);
	if (!get(in, b, n))
		return;
	memcpy((uint8_t *)&host->xri[xi % nr_xri] + off, b, n);
}

static void rec_sge(struct in *in)
{
	uint8_t xi, i;
	uint32_t off, len;
	struct hw_xri *x;

	if (!get8(in, &xi) || !get8(in, &i) || !get(in, &off, 4) || !get(in, &len, 4))
		return;
	x = &host->xri[xi % nr_xri];
	x->sge[i % 8].dma = fuzz_dma + off;
	x->sge[i % 8].len = len;
}

static void rec_cmd(struct in *in)
{
	uint8_t xi, op, qid, buf;
	uint16_t len;

	if (!get8(in, &xi) || !get8(in, &op) || !get(in, &len, 2) || !get8(in, &qid) ||
	    !get8(in, &buf))
		return;
	if (nr_cmd_iu == sizeof(cmd_iu) / sizeof(cmd_iu[0]) ||
	    nr_cmd_iu + 1 >= host->geo->wq[0].entries)
		return;
	len %= FUZZ_AREA / 2 + 1;
	if (hwf_post_cmd(host, tp->dev.slot, xi % nr_xri, ++good_tag, 0x5500000000ull | qid,
			 cmd_opcode(op), fuzz_dma + (uint64_t)buf * 32u, len,
			 &cmd_iu[nr_cmd_iu]) == 0)
		nr_cmd_iu++;
}

/* A CQE the host's firmware would write into the target's CQ (through its
 * mapping of the target's region, with the geometry it took), as the
 * hostile host likes it. */
static void rec_cqe(struct in *in)
{
	uint8_t q, xi, tag, off, n, b[64];
	const struct hw_peer_view *pv;
	struct nvme_fc_cmd_iu *iu;
	struct hw_cqe c;
	uint32_t dlen;

	if (!get8(in, &q) || !get8(in, &xi) || !get8(in, &tag) || !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_RCV_CMD;
	c.peer_slot = (uint16_t)host->slot;
	c.xri = xi % nr_xri;
	c.tag = tag;
	iu = (struct nvme_fc_cmd_iu *)c.iu;
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(24);
	iu->connection_id = cpu_to_be64(0x5500000001ull);
	off %= sizeof(c) - sizeof(c.seq);
	if (n > sizeof(c) - sizeof(c.seq) - off)
		n = (uint8_t)(sizeof(c) - sizeof(c.seq) - off);
	memcpy((uint8_t *)&c + sizeof(c.seq) + off, b, n);
	if (c.type == HW_CQE_RCV_CMD) {
		/* The fake transport allocates data_len bytes and would
		 * hang on HANG: keep it to what a real transport would take. */
		dlen = be32_to_cpu(iu->data_len) % (FUZZ_AREA + 1);
		iu->data_len = cpu_to_be32(dlen);
		if (iu->sqe[0] == HWF_OP_HANG)
			iu->sqe[0] = HWF_OP_NODATA;
	}
	pv = hw_dev_peer_view(host, tp->dev.slot);
	if (pv)
		(void)hw_ring_post_geo(pv->base, &tgt_bar->cq[q % NR_TGT_HWQ],
				       &pv->geo.cq[q % NR_TGT_HWQ], &c, sizeof(c));
}

/* A WQE the host writes into the target's WQ (the region is mapped
 * read-write by every peer): a TGT_OP toward the host's exchange xri with
 * bytes[n] over it from byte 8 + off. */
static void rec_wqe(struct in *in)
{
	uint8_t q, xi, off, n, b[64];
	const struct hw_peer_view *pv;
	struct hw_wqe w;

	if (!get8(in, &q) || !get8(in, &xi) || !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_TGT_OP;
	w.op = NVMET_FCOP_READDATA;
	w.peer_slot = (uint16_t)host->slot;
	w.xri = xi % nr_xri;
	w.tag = atomic_load(&host->xri[w.xri].tag);
	w.length = 512;
	w.sg_cnt = 1;
	off %= sizeof(w) - sizeof(w.seq);
	if (n > sizeof(w) - sizeof(w.seq) - off)
		n = (uint8_t)(sizeof(w) - sizeof(w.seq) - off);
	memcpy((uint8_t *)&w + sizeof(w.seq) + off, b, n);
	pv = hw_dev_peer_view(host, tp->dev.slot);
	if (pv)
		(void)hw_ring_post_geo(pv->base, &tgt_bar->wq[q % NR_TGT_HWQ],
				       &pv->geo.wq[q % NR_TGT_HWQ], &w, sizeof(w));
}

/* A WQE_DONE the host writes into the target's CQ q, with the cookie of
 * the next op (or one of the three after) of the target's exchange idx: a
 * host that tries all 2^16 generations finds it. */
static void rec_done(struct in *in)
{
	uint8_t q, idx, dgen, status;
	uint16_t xfrd;
	const struct hw_peer_view *pv;
	struct hw_tgt_xchg *x;
	struct hw_cqe c;

	if (!get8(in, &q) || !get8(in, &idx) || !get8(in, &dgen) || !get8(in, &status) ||
	    !get(in, &xfrd, 2))
		return;
	q %= NR_TGT_HWQ;
	x = &tp->hwq[q].x[idx % RQ_DEPTH];
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_WQE_DONE;
	c.wqe_type = HW_WQE_TGT_OP;
	c.peer_slot = (uint16_t)host->slot;
	c.status = -(int32_t)(status % 8);
	c.c.xfrd = xfrd;
	c.c.cookie = ((uint64_t)(uint16_t)(x->op_gen + dgen % 4) << 48) | ((uint64_t)q + 1) << 32 |
		     (uint64_t)(idx % RQ_DEPTH);
	pv = hw_dev_peer_view(host, tp->dev.slot);
	if (pv)
		(void)hw_ring_post_geo(pv->base, &tgt_bar->cq[q], &pv->geo.cq[q], &c, sizeof(c));
}

static void rec_eqe(struct in *in)
{
	static const uint16_t types[] = { HW_EQE_LS_REQ,  HW_EQE_LS_RSP, HW_EQE_ELS_ACC,
					  HW_EQE_ELS_RJT, HW_EQE_RSCN,	 0x77 };
	uint8_t type, slot, off, n, b[64];
	const struct hw_peer_view *pv;
	uint16_t len;
	struct hw_eqe e;

	if (!get8(in, &type) || !get8(in, &slot) || !get(in, &len, 2) || !get8(in, &off) ||
	    !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&e, 0, sizeof(e));
	e.type = types[type % (sizeof(types) / sizeof(types[0]))];
	/* Mostly from the host itself; any slot otherwise. */
	e.peer_slot = slot & 0x80 ? slot & 0x7f : (uint16_t)host->slot;
	e.len = len;
	e.id = (uint64_t)off << 8 | (off & 3);
	e.payload[0] = FCNVME_LS_DISCONNECT_ASSOC;
	memcpy(e.payload + off % (HW_EQE_PAYLOAD - sizeof(b)), b, n);
	pv = hw_dev_peer_view(host, tp->dev.slot);
	if (pv)
		(void)hw_ring_post_geo(pv->base, &tgt_bar->eq, &pv->geo.eq, &e, sizeof(e));
	hw_tgt_port_process(tp);
}

static void rec_ring(struct in *in)
{
	uint8_t which, word;
	uint64_t v;
	struct hw_ring *r;

	if (!get8(in, &which) || !get8(in, &word) || !get(in, &v, 8))
		return;
	switch (which % 5) {
	case 2:
		atomic_store(&host->bar->link, (uint32_t)v);
		return;
	case 3: /* the target's ring geometry, through the host's mapping */
		r = word & 8 ? &tgt_bar->wq[(word >> 4) % NR_TGT_HWQ]
			     : &tgt_bar->cq[(word >> 4) % NR_TGT_HWQ];
		word = (uint8_t)(5 + word % 3);
		break;
	case 4: /* the target's sizes and offsets */
		fuzz_hw_bar_word(tgt_bar, word % 5, v);
		return;
	default:
		r = which % 5 ? &host->bar->eq : &host->bar->cq[0];
		break;
	}
	fuzz_hw_ring_word(r, word, v);
}

/* ---- the checks -------------------------------------------------------------- */

/* Run the target until it does nothing more; every exchange must be back. */
static unsigned int host_drain_all(void)
{
	host_drain();
	return 0;
}

static void target_quiesce(void)
{
	fuzz_hw_tgt_quiesce(tp, NR_TGT_HWQ, RQ_DEPTH, host_drain_all);
}

/* The host's region as it was after setup. */
static void host_restore(void)
{
	host_drain();
	memcpy(host->xri, xri_good, nr_xri * sizeof(*xri_good));
	hw_ring_init(host->base, &host->bar->cq[0], cq_geo.off, cq_geo.entries, cq_geo.esize);
	hw_ring_init(host->base, &host->bar->eq, eq_geo.off, eq_geo.entries, eq_geo.esize);
	atomic_store(&host->bar->link, HW_LINK_UP);
	/* and the target's words it rewrote */
	hwf_ring_geo_copy(tgt_bar, &tgt_bar_good, NR_TGT_HWQ);
	tgt_bar->nr_hwq = tgt_bar_good.nr_hwq;
	tgt_bar->nr_xri = tgt_bar_good.nr_xri;
	tgt_bar->xri_off = tgt_bar_good.xri_off;
	tgt_bar->dma_off = tgt_bar_good.dma_off;
	tgt_bar->dma_size = tgt_bar_good.dma_size;
}

static uint8_t canary(uint32_t i)
{
	return (uint8_t)(0xa5 ^ i ^ (i >> 8));
}

/* A good READ (exchange nr_xri - 1) and WRITE (nr_xri - 2): exact response,
 * data and transfer length; nothing written outside the READ's buffer. */
static void good_io(void)
{
	uint8_t *rbuf = good_va + GOOD_CANARY, *wbuf = rbuf + GOOD_LEN + GOOD_CANARY;
	uint32_t rseed = good_tag * 7u, wseed = rseed + 1, rtag = ++good_tag, wtag = ++good_tag;
	uint32_t i, q, got = 0;
	struct nvme_fc_cmd_iu riu, wiu;
	struct hw_cqe *c;

	for (i = 0; i < 3 * GOOD_CANARY + 2 * GOOD_LEN; i++)
		good_va[i] = canary(i);
	for (i = 0; i < GOOD_LEN; i++)
		wbuf[i] = hwf_pattern(wseed, i);
	memset(fuzz_va, 0x5a, FUZZ_AREA);
	FUZZ_HW_REQUIRE(hwf_post_cmd(host, tp->dev.slot, nr_xri - 1, rtag, 0x5500000001ull,
				     HWF_OP_READ, good_dma + GOOD_CANARY, GOOD_LEN, &riu) == 0);
	memcpy(&riu.sqe[40], &rseed, 4);
	FUZZ_HW_REQUIRE(hwf_post_cmd(host, tp->dev.slot, nr_xri - 2, wtag, 0x5500000002ull,
				     HWF_OP_WRITE, good_dma + 2 * GOOD_CANARY + GOOD_LEN, GOOD_LEN,
				     &wiu) == 0);
	FUZZ_HW_REQUIRE(hw_fw_doorbell(host, 0) == 2);
	for (i = 0; i < 4; i++)
		for (q = 0; q < NR_TGT_HWQ; q++)
			hw_tgt_poll(tp, (uint16_t)q, 64);
	while ((c = hw_ring_peek_geo(host->base, &host->bar->cq[0], &cq_geo))) {
		const struct nvme_fc_ersp_iu *e = (const void *)c->c.rsp;
		uint32_t dw0;

		memcpy(&dw0, &e->cqe[0], 4);
		if (c->type != HW_CQE_FCP_RSP || c->c.len != sizeof(*e) || c->c.xfrd != GOOD_LEN) {
			fprintf(stderr, "host CQE type %u xri %u tag %x status %d len %u xfrd %u\n",
				c->type, c->xri, c->tag, c->status, c->c.len, c->c.xfrd);
			fuzz_hw_die("a good command did not complete as it should");
		}
		if (c->xri == nr_xri - 1 && c->tag == rtag && dw0 == rseed)
			got |= 1;
		else if (c->xri == nr_xri - 2 && c->tag == wtag &&
			 dw0 == hwf_fnv(wbuf, GOOD_LEN, 2166136261u))
			got |= 2;
		else
			fuzz_hw_die("a response for the wrong exchange or with the wrong status");
		hw_ring_pop_geo(&host->bar->cq[0], &cq_geo, c);
	}
	if (got != 3)
		fuzz_hw_die("a good command got no response");
	for (i = 0; i < GOOD_LEN; i++)
		if (rbuf[i] != hwf_pattern(rseed, i))
			fuzz_hw_die("READ data differ");
	for (i = 0; i < 3 * GOOD_CANARY + 2 * GOOD_LEN; i++) {
		if (good_va + i >= rbuf && good_va + i < rbuf + GOOD_LEN)
			continue;
		if (good_va + i >= wbuf && good_va + i < wbuf + GOOD_LEN) {
			if (good_va[i] != hwf_pattern(wseed, (uint32_t)(good_va + i - wbuf)))
				fuzz_hw_die("WRITE source changed");
			continue;
		}
		if (good_va[i] != canary(i))
			fuzz_hw_die("the target wrote outside the good buffers");
	}
	for (i = 0; i < FUZZ_AREA; i++)
		if (fuzz_va[i] != 0x5a)
			fuzz_hw_die("the target wrote into host memory no good SGE names");
	target_quiesce();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	uint8_t kind, a, b;
	unsigned int steps = 0;

	nr_cmd_iu = 0;
	while (get8(&in, &kind) && steps++ < 64) {
		switch (kind % 12) {
		case 0:
			rec_xri(&in);
			break;
		case 1:
			rec_sge(&in);
			break;
		case 2:
			rec_cmd(&in);
			break;
		case 3:
			rec_cqe(&in);
			break;
		case 4:
			rec_eqe(&in);
			break;
		case 5:
			rec_ring(&in);
			break;
		case 6:
			if (get8(&in, &a) && get8(&in, &b))
				target_poll(a % NR_TGT_HWQ, b % 64u + 1);
			break;
		case 7:
			hw_fw_doorbell(host, 0);
			nr_cmd_iu = 0;
			break;
		case 8:
			host_drain();
			break;
		case 9:
			rec_wqe(&in);
			break;
		case 10:
			rec_done(&in);
			break;
		default:
			hwf_answer_deferred();
			break;
		}
	}
	/* Whatever the host left in its WQ goes now (its IUs are still here). */
	hw_fw_doorbell(host, 0);
	target_quiesce();
	host_restore();
	good_io();
	return 0;
}
