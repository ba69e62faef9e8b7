// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_hw_host's hostile target (see fuzz_hw_host.c): the records that
 * write what a target can reach in the host's region through its own
 * mapping of it (CQEs, EQEs, the exchange table, ring words, WQEs in the
 * region), run data and response ops through the target's firmware, and
 * arm faults on the fabric.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/fc_wire.h>

#include "fuzz_hw_host.h"

/* The hostile target's own firmware queue (hw_fw_doorbell takes a local
 * port's WQEs from hw_dev.lwq): its ops go through the real firmware
 * without touching what the target LLDD queued. */
static struct hw_wqe ev_wq[4];
static struct hw_cqe ev_cq[4];
static struct hw_lwq ev_lwq = { ev_wq, 3, 0, 0 };
static struct hw_lcq ev_lcq = { ev_cq, 3, 0, 0 };
static uint8_t *tgt_data; /* TGT_BUF */
static uint8_t tgt_rsp[64];

void forge_init(void)
{
	tgt_data = malloc(TGT_BUF);
	FUZZ_HW_REQUIRE(tgt_data);
	memset(tgt_data, 0xd7, TGT_BUF);
}

/* An exchange of a command in flight (sel picks which), or any. */
static uint32_t pick_xri(uint8_t sel, uint8_t raw, uint32_t *tag)
{
	unsigned int i, k = sel >> 2;
	struct hw_host_xri *x;

	for (i = 0; i < NR_HWQ * DEPTH; i++) {
		x = &hp->hwq[(i + k) / DEPTH % NR_HWQ].x[(i + k) % DEPTH];
		if ((sel & 3) != 3 && x->req) {
			static const int32_t dtag[] = { 0, 0, 1, -1 };

			*tag = x->tag + (uint32_t)dtag[sel >> 6 & 3];
			return x->idx;
		}
	}
	return raw % (NR_HWQ * DEPTH + 2u);
}

void rec_cqe(struct in *in)
{
	static const uint8_t types[] = { HW_CQE_FCP_RSP,    HW_CQE_FCP_RSP,
					 HW_CQE_RCV_ABTS,   HW_CQE_RCV_BA_ACC,
					 HW_CQE_RCV_BA_RJT, HW_CQE_WQE_DONE,
					 HW_CQE_RCV_CMD,    0x77 };
	uint8_t q, type, sel, xri, st, len, hwq, off, n, b[64];
	uint32_t tag, xfrd;
	const struct hw_peer_view *pv;
	struct hw_cqe c;

	if (!get8(in, &q) || !get8(in, &type) || !get8(in, &sel) || !get8(in, &xri) ||
	    !get(in, &tag, 4) || !get8(in, &st) || !get8(in, &len) || !get(in, &xfrd, 4) ||
	    !get8(in, &hwq) || !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&c, 0, sizeof(c));
	c.type = types[type % sizeof(types)];
	c.wqe_type = type >> 4;
	c.peer_slot = (uint16_t)tp->dev.slot;
	c.status = -(int32_t)(st % 16);
	c.xri = pick_xri(sel, xri, &tag);
	c.tag = tag;
	c.c.len = len % 48u;
	c.c.xfrd = xfrd;
	c.src_hwq = hwq % 3u;
	c.c.peer_hwq = c.src_hwq;
	off %= sizeof(c) - sizeof(c.seq);
	if (n > sizeof(c) - sizeof(c.seq) - off)
		n = (uint8_t)(sizeof(c) - sizeof(c.seq) - off);
	memcpy((uint8_t *)&c + sizeof(c.seq) + off, b, n);
	pv = tgt_view();
	if (pv)
		(void)hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->cq[q % NR_HWQ],
				       &pv->geo.cq[q % NR_HWQ], &c, sizeof(c));
}

void rec_eqe(struct in *in)
{
	static const uint16_t types[] = { HW_EQE_LS_RSP,  HW_EQE_LS_RSP,       HW_EQE_LS_REQ,
					  HW_EQE_ELS_ACC, HW_EQE_ELS_RJT,      HW_EQE_RSCN,
					  HW_EQE_LOGO,	  HW_EQE_PRLO,	       HW_EQE_LINK,
					  HW_EQE_PLOGI,	  HW_EQE_PRLI,	       HW_EQE_LS_RSP,
					  0x77,		  HW_EQE_RPORT_ONLINE, HW_EQE_LS_REQ,
					  HW_EQE_ELS_ACC };
	uint8_t type, sel, slot, st, off, n, b[64];
	uint16_t len;
	uint32_t arg;
	const struct hw_peer_view *pv;
	struct hw_eqe e;

	if (!get8(in, &type) || !get8(in, &sel) || !get8(in, &slot) || !get8(in, &st) ||
	    !get(in, &len, 2) || !get(in, &arg, 4) || !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&e, 0, sizeof(e));
	e.type = types[type % (sizeof(types) / sizeof(types[0]))];
	e.peer_slot = slot & 0x80 ? slot & 0x7f : (uint16_t)tp->dev.slot;
	e.status = st & 0x80 ? -(int32_t)(st & 0x7f) : 0;
	e.len = len;
	e.arg = arg;
	/* Mostly the id of a pending LS request of the host (the target
	 * read it in the request). */
	e.id = hp->ls.e[sel % HW_LS_PEND].id + (sel & 0x80 ? 1u : 0u);
	e.payload[0] = FCNVME_LS_ACC;
	memcpy(e.payload + off % (HW_EQE_PAYLOAD - sizeof(b)), b, n);
	if (e.peer_slot != tp->dev.slot) {
		e.payload[2] = LS_OTHER_SLOT_2;
		e.payload[3] = LS_OTHER_SLOT_3;
	} else if (e.payload[2] == LS_OTHER_SLOT_2 && e.payload[3] == LS_OTHER_SLOT_3) {
		e.payload[3] = 0;
	}
	pv = tgt_view();
	if (pv)
		(void)hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->eq, &pv->geo.eq, &e,
				       sizeof(e));
}

void rec_xri(struct in *in)
{
	uint8_t sel, off, n, b[32];
	uint32_t tag, xi;
	const struct hw_peer_view *pv;

	if (!get8(in, &sel) || !get8(in, &off) || !get8(in, &n))
		return;
	off %= 96u;
	n %= sizeof(b) + 1;
	if (n > 96u - off)
		n = (uint8_t)(96u - off);
	if (!get(in, b, n))
		return;
	xi = pick_xri(sel, sel, &tag) % (NR_HWQ * DEPTH);
	pv = tgt_view();
	if (pv)
		memcpy((uint8_t *)((struct hw_xri *)((char *)pv->base + pv->geo.xri_off) + xi) +
			       off,
		       b, n);
}

void rec_ring(struct in *in)
{
	uint8_t which, word;
	uint64_t v;
	const struct hw_peer_view *pv = tgt_view();
	struct hw_bar *hb;
	const struct hw_ring *g;
	struct hw_ring *r;

	if (!get8(in, &which) || !get8(in, &word) || !get(in, &v, 8) || !pv)
		return;
	hb = pv->base;
	switch (which % 6) {
	case 0:
	case 1:
		r = &hb->cq[which % 2];
		g = &pv->geo.cq[which % 2];
		break;
	case 2:
		r = &hb->eq;
		g = &pv->geo.eq;
		break;
	case 3: /* a sequence word: an entry made ready, stale or wild */
		r = &hb->cq[word & 1];
		g = &pv->geo.cq[word & 1];
		atomic_store((_Atomic uint64_t *)hw_ring_entry(
				     pv->base, g, atomic_load(&r->head) + (word >> 1 & 7)),
			     word & 0x80 ? v : atomic_load(&r->head) + (word >> 1 & 7) + 1);
		return;
	case 4:
		atomic_store(&hb->link, (uint32_t)v);
		return;
	default:
		fuzz_hw_bar_word(hb, word % 6, v);
		return;
	}
	fuzz_hw_ring_word(r, word, v);
}

/* The target's firmware runs one data or response op toward the host's
 * exchange: what a target whose transport asks for any offset, length
 * and response can make it do. Its queue and completions are the
 * fuzzer's own (ev_lwq, ev_lcq), not the target LLDD's. */
void rec_tgtop(struct in *in)
{
	static const uint8_t ops[] = { NVMET_FCOP_READDATA, NVMET_FCOP_WRITEDATA, NVMET_FCOP_RSP,
				       NVMET_FCOP_READDATA_RSP };
	uint8_t q, op, sel, rsplen, n, b[32];
	uint32_t tag = 0, off, len;
	struct fcnvme_sg sg[2];
	struct hw_lwq *sw;
	struct hw_lcq *sc;
	struct hw_wqe w;

	if (!get8(in, &q) || !get8(in, &op) || !get8(in, &sel) || !get(in, &tag, 4) ||
	    !get(in, &off, 4) || !get(in, &len, 4) || !get8(in, &rsplen) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	q %= NR_HWQ;
	memset(tgt_rsp, 0, sizeof(tgt_rsp));
	memcpy(tgt_rsp, b, n);
	/* One piece, or two (contiguous or not). */
	memset(sg, 0, sizeof(sg));
	sg[0].addr = tgt_data;
	sg[0].length = op & 0x10 ? 4096 : TGT_BUF;
	sg[1].addr = tgt_data + 4096 + (op & 0x20 ? 64 : 0);
	sg[1].length = TGT_BUF - 4096 - 64;
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_TGT_OP;
	w.op = ops[op % sizeof(ops)];
	w.peer_slot = (uint16_t)host->slot;
	w.xri = pick_xri(sel, sel, &tag);
	w.tag = tag;
	w.rx_id = 1;
	w.offset = off % (2 * CMD_BUF);
	w.length = len % (TGT_BUF + 1);
	w.sg = sg;
	w.sg_cnt = op & 0x10 ? 2 : 1;
	w.rsp = tgt_rsp;
	w.rsplen = rsplen % 40u;
	sw = tp->dev.lwq[q];
	sc = tp->dev.lcq[q];
	tp->dev.lwq[q] = &ev_lwq;
	tp->dev.lcq[q] = &ev_lcq;
	FUZZ_HW_REQUIRE(hw_lwq_put(&ev_lwq, &w) == 0);
	hw_fw_doorbell(&tp->dev, q);
	tp->dev.lwq[q] = sw;
	tp->dev.lcq[q] = sc;
	ev_lcq.head = ev_lcq.tail;
	atomic_store(&tp->dev.peer_bad, 0);
}

void rec_fault(struct in *in)
{
	uint8_t kind, op, skip, n;
	struct hw_fault f;

	if (!get8(in, &kind) || !get8(in, &op) || !get8(in, &skip) || !get8(in, &n))
		return;
	memset(&f, 0, sizeof(f));
	switch (kind % 4) {
	case 0:
		atomic_init(&f.kind, HW_FAULT_DROP_CMD);
		f.fclass = HW_FC_CMD;
		f.opcode = op % 3 ? (op % 3 == 1 ? HWF_OP_READ : HWF_OP_DEFER) : HWF_OP_NODATA;
		break;
	case 1:
		atomic_init(&f.kind, HW_FAULT_DROP);
		f.fclass = HW_FC_CMD;
		break;
	case 2:
		atomic_init(&f.kind, HW_FAULT_ABTS);
		f.fclass = HW_FC_CMD;
		break;
	default:
		atomic_init(&f.kind, HW_FAULT_FAIL_DATA);
		f.fclass = HW_FC_DATA;
		break;
	}
	f.skip = skip % 4;
	atomic_init(&f.remaining, (int32_t)(n % 4) + 1);
	(void)hw_fabric_fault_add(&host->fab, &f);
}

void rec_wqe(struct in *in)
{
	uint8_t q, off, n, b[64];
	const struct hw_peer_view *pv;
	struct hw_wqe w;

	if (!get8(in, &q) || !get8(in, &off) || !get8(in, &n))
		return;
	n %= sizeof(b) + 1;
	if (!get(in, b, n))
		return;
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_FCP_CMD;
	w.peer_slot = (uint16_t)tp->dev.slot;
	w.xri = 1;
	w.tag = 0x5a5a;
	w.cmd = (const void *)(uintptr_t)0x5a5a5a5a5a0ull; /* nothing mapped there */
	off %= sizeof(w) - sizeof(w.seq);
	if (n > sizeof(w) - sizeof(w.seq) - off)
		n = (uint8_t)(sizeof(w) - sizeof(w.seq) - off);
	memcpy((uint8_t *)&w + sizeof(w.seq) + off, b, n);
	pv = tgt_view();
	if (pv)
		(void)hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->wq[q % NR_HWQ],
				       &pv->geo.wq[q % NR_HWQ], &w, sizeof(w));
}
