// SPDX-License-Identifier: Apache-2.0
/*
 * Peer security tests: what a hostile peer forges in the shared memory of a
 * soft fabric, a target port and a host port logged into it on one side
 * each. A host that writes a WQE (a READDATA naming the target's process
 * memory) into the target's WQ in the region, or a failed WQE_DONE with the
 * cookie of the target's next op into its CQ; a target that rewrites the
 * host's CQ/WQ geometry and exchange count in the region, writes an
 * FCP_CMD WQE (a CMD IU naming the host's process memory) into the host's
 * WQ, or a failed WQE_DONE with the exchange and tag of a command in flight
 * into its CQ: none is acted on (each port keeps its own geometry, takes
 * its WQEs and its own completions from process memory), nothing is
 * copied, and the port's own commands complete with their real responses.
 * And what a third port on the fabric sends from its own slot about an
 * exchange that is not its own: an LS response to a request the host sent
 * elsewhere, an ABTS or a response for a host command, an ABTS for a
 * target's command; each is dropped (and counted, cnt.drops, on the host),
 * and the exchange completes with what its own peer sends. A LOGO ends
 * only the sender's own login.
 * The files of a fabric and what ports leave behind: check_hw_fabsec.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/fc_wire.h>

#include "check_hw.h"
#include "hw_host.h"
#include "hw_host_priv.h"
#include "hw_ls.h"
#include "hw_priv.h"
#include "hw_tgt.h"
#include "hw_tgt_priv.h"

static char root[64], fdir[128];

static void setup(void)
{
	ck_assert_int_eq(hwf_shm_dir_make(root, sizeof(root), "ps"), 0);
	snprintf(fdir, sizeof(fdir), "%s/f", root);
}

static void teardown(void)
{
	ck_assert_int_eq(hwf_shm_dir_remove(root), 0);
}

/* The next entry of the host's CQ 0, popped. (Each test opens a target
 * and a host port logged into it with hwf_pair_open.) */
static struct hw_cqe host_cqe(struct hw_host_port *hp)
{
	struct hw_cqe c;

	ck_assert_int_eq(hwf_cqe_pop(&hp->dev, 0, &c), 0);
	return c;
}

/* A peer writes a WQE into a local target's WQ in the region (it maps the
 * region read-write): a READDATA whose data list names memory of the
 * target's process. The target's firmware takes its WQEs from process
 * memory (hw_dev.lwq), never from there: nothing is copied, and the
 * target's own work still goes. */
START_TEST(test_peersec_peer_wqe_ignored)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct hw_dev *h;
	const struct hw_peer_view *pv;
	uint8_t secret[512], *hbuf, zero[512];
	struct fcnvme_sg sg = { .addr = secret, .length = sizeof(secret) };
	struct hw_wqe w;
	struct hw_cqe c;
	struct hw_xri *x;
	fcnvme_dma_t hdma;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xe1, &tp, &hp, &th), 0);
	h = &hp->dev;
	memset(secret, 0xee, sizeof(secret));
	memset(zero, 0, sizeof(zero));
	ck_assert_int_eq(hw_dma_alloc(h, sizeof(zero), (void **)&hbuf, &hdma), 0);
	memset(hbuf, 0, sizeof(zero));
	/* the host's exchange 5, ready to receive 512 bytes */
	x = &h->xri[5];
	x->nsge = 1;
	x->sge[0].dma = hdma;
	x->sge[0].len = sizeof(zero);
	x->data_len = sizeof(zero);
	x->dst_slot = (uint16_t)tp->dev.slot;
	atomic_store(&x->tag, 0x4242);
	atomic_store(&x->state, HW_XRI_ACTIVE);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_TGT_OP;
	w.op = NVMET_FCOP_READDATA;
	w.peer_slot = (uint16_t)h->slot;
	w.xri = 5;
	w.tag = 0x4242;
	w.length = sizeof(zero);
	w.sg = &sg;
	w.sg_cnt = 1;
	pv = hw_dev_peer_view(h, tp->dev.slot);
	ck_assert_ptr_nonnull(pv);
	ck_assert_int_eq(hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->wq[0],
					  &pv->geo.wq[0], &w, sizeof(w)),
			 0);
	/* the target's own work rings its doorbell */
	ck_assert_int_eq(hwf_defer_cmds(h, tp, 1, 300), 0);
	ck_assert_int_eq(hwf_answer_deferred(), 1);
	ck_assert_mem_eq(hbuf, zero, sizeof(zero));
	c = host_cqe(hp);
	ck_assert_uint_eq(c.type, HW_CQE_FCP_RSP);
	ck_assert_uint_eq(c.tag, 300);
	ck_assert_ptr_null(hw_ring_peek_geo(h->base, &h->bar->cq[0], &h->geo->cq[0]));
	/* the response's completion frees the exchange */
	ck_assert_int_eq(hw_tgt_poll(tp, 0, 64), 1);
	ck_assert_ptr_null(tp->hwq[0].done_head);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* A peer writes a WQE_DONE into a local target's CQ (where the target's
 * own firmware never completes: hw_dev.lcq) with the cookie of the op the
 * target is about to run, a failure: the target ignores it. The op runs
 * and the command completes with its response, not an abort (before,
 * the exchange was failed and freed with its WRITEDATA still queued). */
START_TEST(test_peersec_peer_wqe_done_ignored)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct hw_dev *h;
	const struct hw_peer_view *pv;
	struct nvme_fc_cmd_iu iu;
	struct hw_tgt_xchg *x;
	struct hw_cqe c;
	uint8_t *hbuf;
	fcnvme_dma_t hdma;
	uint32_t i, dw0;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xe3, &tp, &hp, &th), 0);
	h = &hp->dev;
	ck_assert_int_eq(hw_dma_alloc(h, 512, (void **)&hbuf, &hdma), 0);
	for (i = 0; i < 512; i++)
		hbuf[i] = hwf_pattern(9, i);
	ck_assert_int_eq(hwf_post_cmd(h, tp->dev.slot, 1, 400, 0x77700000001ull, HWF_OP_WRITE, hdma,
				      512, &iu),
			 0);
	ck_assert_int_eq(hw_fw_doorbell(h, 0), 1);
	/* the exchange the command will take, its next op's cookie */
	x = tp->hwq[0].free;
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_WQE_DONE;
	c.wqe_type = HW_WQE_TGT_OP;
	c.status = -EIO;
	c.c.cookie = ((uint64_t)(uint16_t)(x->op_gen + 1) << 48) | (1ull << 32) |
		     (uint64_t)(x - tp->hwq[0].x);
	pv = hw_dev_peer_view(h, tp->dev.slot);
	ck_assert_ptr_nonnull(pv);
	ck_assert_int_eq(hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->cq[0],
					  &pv->geo.cq[0], &c, sizeof(c)),
			 0);
	ck_assert_int_ge(hw_tgt_poll(tp, 0, 64), 2);
	c = host_cqe(hp);
	ck_assert_uint_eq(c.type, HW_CQE_FCP_RSP);
	ck_assert_uint_eq(c.tag, 400);
	ck_assert_uint_eq(c.c.xfrd, 512);
	memcpy(&dw0, &c.c.rsp[offsetof(struct nvme_fc_ersp_iu, cqe)], 4);
	ck_assert_uint_eq(dw0, hwf_fnv_pattern(9, 512));
	ck_assert_ptr_null(hw_ring_peek_geo(h->base, &h->bar->cq[0], &h->geo->cq[0]));
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* The host LLDD's side of the forgery tests: one NODATA command sent
 * through its fcp_io to the logged-in target, on hw queue 0. */
static int host_done_calls;

static void host_req_done(struct nvmefc_fcp_req *req)
{
	(void)req;
	host_done_calls++;
}

static void host_fcp_io(struct hw_host_port *hp, struct nvmefc_fcp_req *req,
			struct nvme_fc_cmd_iu *iu, uint8_t *rsp)
{
	struct hw_host_rport *rp = (struct hw_host_rport *)hp->rports.list;

	ck_assert_ptr_nonnull(rp);
	ck_assert_ptr_nonnull(rp->rport);
	memset(iu, 0, sizeof(*iu));
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(24);
	iu->connection_id = cpu_to_be64(0x77700000001ull);
	iu->sqe[0] = HWF_OP_NODATA;
	memset(req, 0, sizeof(*req));
	req->cmdaddr = iu;
	req->cmdlen = sizeof(*iu);
	req->rspaddr = rsp;
	req->rsplen = 32;
	req->io_dir = NVMEFC_FCP_NODATA;
	req->done = host_req_done;
	host_done_calls = 0;
	ck_assert_int_eq(hw_host_io_fcp_io(hp->lport, rp->rport, &hp->hwq[0], req), 0);
}

/* The next entry of the target's CQ 0, popped: a RCV_CMD. */
static struct hw_cqe tgt_rcv_cmd(struct hw_tgt_port *tp)
{
	struct hw_cqe c;

	ck_assert_int_eq(hwf_cqe_pop(&tp->dev, 0, &c), 0);
	ck_assert_uint_eq(c.type, HW_CQE_RCV_CMD);
	return c;
}

/* The target (its mapping of the host's region, the geometry it took)
 * posts CQE c into the host's CQ 0, as its firmware or a forger would. */
static void tgt_post_host_cqe(struct hw_tgt_port *tp, struct hw_host_port *hp,
			      const struct hw_cqe *c)
{
	const struct hw_peer_view *pv = hw_dev_peer_view(&tp->dev, hp->dev.slot);

	ck_assert_ptr_nonnull(pv);
	ck_assert_int_eq(hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->cq[0],
					  &pv->geo.cq[0], c, sizeof(*c)),
			 0);
}

/* The target's zero response to the command it received as cmd. */
static void tgt_rsp(struct hw_tgt_port *tp, struct hw_host_port *hp, const struct hw_cqe *cmd)
{
	struct hw_cqe c;

	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_FCP_RSP;
	c.peer_slot = (uint16_t)tp->dev.slot;
	c.xri = cmd->xri;
	c.tag = cmd->tag;
	c.c.len = 12;
	tgt_post_host_cqe(tp, hp, &c);
}

/* The target maps the host's region read-write (it posts into its CQs):
 * one that rewrites the host's own CQ/WQ geometry and exchange count there
 * changes nothing of what the host LLDD uses (its private copy,
 * hw_dev.geo). Its command still goes out, its wait sees the response and
 * its poll completes it (before, the host's post, poll and wait used the
 * region's geometry: they wrote and read at offset 2^44 and crashed). */
START_TEST(test_peersec_host_own_geometry_private)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	const struct hw_peer_view *pv;
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	struct hw_bar *hb, saved;
	struct hw_cqe cmd;
	uint8_t rsp[32];
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xe5, &tp, &hp, &th), 0);
	pv = hw_dev_peer_view(&tp->dev, hp->dev.slot);
	ck_assert_ptr_nonnull(pv);
	hb = pv->base;
	memset(&saved, 0, sizeof(saved));
	hwf_ring_geo_copy(&saved, hb, 1);
	saved.nr_xri = hb->nr_xri;
	hb->cq[0].off = 1ull << 44;
	hb->cq[0].entries = 2;
	hb->cq[0].esize = 1u << 30;
	hb->wq[0].off = 1ull << 44;
	hb->wq[0].entries = 1;
	hb->wq[0].esize = 1u << 30;
	hb->nr_xri = 0;
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	ck_assert_mem_eq(cmd.iu, &iu, sizeof(iu));
	tgt_rsp(tp, hp, &cmd);
	ck_assert_int_eq(hw_host_port_wait(hp, 1000000), 1);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, 0);
	ck_assert_uint_eq(req.rcv_rsplen, 12);
	ck_assert_int_eq(hw_host_port_wait(hp, 0), 0);
	/* put back for teardown */
	hwf_ring_geo_copy(hb, &saved, 1);
	hb->nr_xri = saved.nr_xri;
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* The target writes an FCP_CMD WQE into the host's WQ in the region,
 * whose cmd names 96 bytes of the host process (its WQEs carry the CMD
 * IU's address). The host's firmware takes its WQEs from process memory
 * (hw_dev.lwq), never from there: the host's next command rings its
 * doorbell, and only that command reaches the target (before, the forged
 * one went first, with the host's 96 bytes as its CMD IU). */
START_TEST(test_peersec_host_peer_wqe_ignored)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	const struct hw_peer_view *pv;
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu, secret;
	struct hw_cqe cmd;
	struct hw_wqe w;
	uint8_t rsp[32];
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xe7, &tp, &hp, &th), 0);
	memset(&secret, 0xee, sizeof(secret));
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_FCP_CMD;
	w.peer_slot = (uint16_t)tp->dev.slot;
	w.xri = 3;
	w.tag = 0x5555;
	w.cmd = &secret;
	pv = hw_dev_peer_view(&tp->dev, hp->dev.slot);
	ck_assert_ptr_nonnull(pv);
	ck_assert_int_eq(hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->wq[0],
					  &pv->geo.wq[0], &w, sizeof(w)),
			 0);
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	ck_assert_mem_eq(cmd.iu, &iu, sizeof(iu));
	ck_assert_uint_ne(cmd.tag, 0x5555);
	ck_assert_ptr_null(
		hw_ring_peek_geo(tp->dev.base, &tp->dev.bar->cq[0], &tp->dev.geo->cq[0]));
	tgt_rsp(tp, hp, &cmd);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, 0);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* The target writes a WQE_DONE into the host's CQ (where the host's own
 * firmware never completes: hw_dev.lcq), a failure, with the exchange and
 * tag of a command in flight (both in the host's exchange table, which
 * the target reads): the host ignores it, and the command completes with
 * the target's response (before, it failed with the forged status and its
 * exchange was freed while the target still held it). */
START_TEST(test_peersec_host_peer_wqe_done_ignored)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	struct hw_cqe cmd, c;
	uint8_t rsp[32];
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xe9, &tp, &hp, &th), 0);
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_WQE_DONE;
	c.wqe_type = HW_WQE_FCP_CMD;
	c.status = -EIO;
	c.xri = cmd.xri;
	c.tag = cmd.tag;
	tgt_post_host_cqe(tp, hp, &c);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 0);
	tgt_rsp(tp, hp, &cmd);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, 0);
	ck_assert_uint_eq(req.rcv_rsplen, 12);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* A third port on the fabric, F: a bare device (no driver) that takes no
 * part in the logins and answers nothing; a port whose slot a forgery
 * names, and whose CQ shows what was sent to it. */
static void third_open(struct hw_dev *f, uint64_t id)
{
	struct hw_dev_cfg cfg = hwf_port_cfg(id);

	ck_assert_int_eq(hw_dev_open(f, &cfg), 0);
}

static int ls_done_calls, ls_done_status;

static void ls_done(struct nvmefc_ls_req *req, int status)
{
	(void)req;
	ls_done_calls++;
	ls_done_status = status;
}

/* The host sends an LS request to port F; the target T (logged in, so its
 * slot is one the host trusts) writes an LS_RSP with the request's id into
 * the host's EQ, from its own slot (every port maps F's region, where the
 * request and its id lie). The host drops it and counts it (cnt.drops):
 * the request is still pending, and F's own answer completes it with F's
 * bytes (before, T's forgery completed it, e.g. a Create Association
 * accepted by a port that was never asked). */
START_TEST(test_peersec_ls_rsp_other_slot)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct hw_dev f;
	struct nvmefc_ls_req req;
	uint8_t rqst[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, rsp[16], want[16];
	struct hw_eqe e;
	uint64_t drops0, id = 0;
	unsigned int i;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xeb, &tp, &hp, &th), 0);
	third_open(&f, 0xed);
	memset(&req, 0, sizeof(req));
	memset(rsp, 0, sizeof(rsp));
	req.rqstaddr = rqst;
	req.rqstlen = sizeof(rqst);
	req.rspaddr = rsp;
	req.rsplen = sizeof(rsp);
	req.done = ls_done;
	ls_done_calls = 0;
	ck_assert_int_eq(hw_ls_send(&hp->dev, &hp->ls, f.slot, hp, &req), 0);
	for (i = 0; i < HW_LS_PEND; i++)
		if (hp->ls.e[i].req == &req)
			id = hp->ls.e[i].id;
	ck_assert_uint_ne(id, 0);
	drops0 = atomic_load(&hp->dev.bar->cnt.drops);
	/* T's forgery, an accept of 16 bytes of 0xee */
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_RSP;
	e.peer_slot = (uint16_t)tp->dev.slot;
	e.id = id;
	e.len = 16;
	memset(e.payload, 0xee, 16);
	ck_assert_int_eq(hw_fabric_post_eqe(&f.fab, hp->dev.slot, &e), 0);
	hw_host_port_process(hp);
	ck_assert_int_eq(ls_done_calls, 0);
	ck_assert_uint_eq(atomic_load(&hp->dev.bar->cnt.drops) - drops0, 1);
	memset(want, 0, sizeof(want));
	ck_assert_mem_eq(rsp, want, sizeof(rsp));
	/* F's own answer */
	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(0x30 + i);
	ck_assert_int_eq(hw_ls_reply(&f, hp->dev.slot, id, want, sizeof(want), 0), 0);
	hw_host_port_process(hp);
	ck_assert_int_eq(ls_done_calls, 1);
	ck_assert_int_eq(ls_done_status, 0);
	ck_assert_mem_eq(rsp, want, sizeof(rsp));
	ck_assert_uint_eq(atomic_load(&hp->dev.bar->cnt.drops) - drops0, 1);
	hw_dev_close(&f);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* A third port F writes into the host's CQ an ABTS and then a response
 * for a command the host sent to T (xri and tag from the host's exchange
 * table, which F maps), each from F's slot. Neither is F's exchange: the
 * host drops both and counts them; it sends F nothing (before, it
 * answered F's ABTS with a BA_ACC into F's CQ and completed the command
 * as aborted while T still held it), and the command completes with T's
 * response. */
START_TEST(test_peersec_host_abts_other_slot)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct hw_dev f;
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	struct hw_cqe cmd, c;
	uint8_t rsp[32];
	uint64_t drops0;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xef, &tp, &hp, &th), 0);
	third_open(&f, 0xf1);
	/* the host can reach F: a BA_ACC to it would land in its CQ */
	ck_assert_int_eq(hw_dev_peer(&hp->dev, f.slot), 0);
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	drops0 = atomic_load(&hp->dev.bar->cnt.drops);
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_RCV_ABTS;
	c.peer_slot = (uint16_t)f.slot;
	c.xri = cmd.xri;
	c.tag = cmd.tag;
	tgt_post_host_cqe(tp, hp, &c);
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_FCP_RSP;
	c.peer_slot = (uint16_t)f.slot;
	c.xri = cmd.xri;
	c.tag = cmd.tag;
	c.c.len = 12;
	c.c.rsp[0] = 0xee;
	tgt_post_host_cqe(tp, hp, &c);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 2);
	ck_assert_int_eq(host_done_calls, 0);
	ck_assert_uint_eq(atomic_load(&hp->dev.bar->cnt.drops) - drops0, 2);
	ck_assert_int_eq(hwf_cqe_pop(&f, 0, &c), -EAGAIN);
	ck_assert_int_eq(hwf_cqe_pop(&tp->dev, 0, &c), -EAGAIN);
	memset(rsp, 0, sizeof(rsp));
	tgt_rsp(tp, hp, &cmd);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, 0);
	ck_assert_uint_eq(req.rcv_rsplen, 12);
	ck_assert_uint_eq(rsp[0], 0);
	hw_dev_close(&f);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* The host confirms a target's ABTS to the exchange's own target and
 * queue (where its CMD IU went), not to the queue the ABTS names: T aborts
 * a command of the host naming queue 7, which T does not have; the host's
 * BA_ACC goes to T's queue 0 with the exchange (xri, tag), and the
 * command completes as aborted (before, the BA_ACC went to queue 7 and
 * failed to go out). */
START_TEST(test_peersec_host_abts_own_target)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	struct hw_cqe cmd, c;
	uint8_t rsp[32];
	uint64_t drops0;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xf3, &tp, &hp, &th), 0);
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	drops0 = atomic_load(&hp->dev.bar->cnt.drops);
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_RCV_ABTS;
	c.peer_slot = (uint16_t)tp->dev.slot;
	c.src_hwq = 7; /* not a queue of T: the exchange's own is 0 */
	c.xri = cmd.xri;
	c.tag = cmd.tag;
	tgt_post_host_cqe(tp, hp, &c);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, (uint32_t)-ECANCELED);
	ck_assert_uint_eq(atomic_load(&hp->dev.bar->cnt.drops), drops0);
	ck_assert_int_eq(hwf_cqe_pop(&tp->dev, 0, &c), 0);
	ck_assert_uint_eq(c.type, HW_CQE_RCV_BA_ACC);
	ck_assert_uint_eq(c.peer_slot, hp->dev.slot);
	ck_assert_uint_eq(c.xri, cmd.xri);
	ck_assert_uint_eq(c.tag, cmd.tag);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* The target side: an ABTS for a target exchange counts only from the
 * slot that opened it (hw_tgt_find matches slot, xri and tag). A third
 * port F writes into the target's CQ an ABTS with the xri and tag of a
 * command the target holds: the target does not abort it (its transport
 * sees no abort) and sends the host nothing; the command completes with
 * its response. */
START_TEST(test_peersec_tgt_abts_other_slot)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	const struct hw_peer_view *pv;
	struct hw_dev f;
	struct hw_cqe c;
	int aborts0;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xf5, &tp, &hp, &th), 0);
	third_open(&f, 0xf7);
	ck_assert_int_eq(hwf_defer_cmds(&hp->dev, tp, 1, 500), 0);
	aborts0 = atomic_load(&hwf.fcp_aborts);
	memset(&c, 0, sizeof(c));
	c.type = HW_CQE_RCV_ABTS;
	c.peer_slot = (uint16_t)f.slot;
	c.xri = 0;
	c.tag = 500;
	ck_assert_int_eq(hw_dev_peer(&f, tp->dev.slot), 0);
	pv = hw_dev_peer_view(&f, tp->dev.slot);
	ck_assert_ptr_nonnull(pv);
	ck_assert_int_eq(hw_ring_post_geo(pv->base, &((struct hw_bar *)pv->base)->cq[0],
					  &pv->geo.cq[0], &c, sizeof(c)),
			 0);
	ck_assert_int_ge(hw_tgt_poll(tp, 0, 64), 1);
	ck_assert_int_eq(atomic_load(&hwf.fcp_aborts), aborts0);
	ck_assert_int_eq(hwf_cqe_pop(&hp->dev, 0, &c), -EAGAIN);
	ck_assert_int_eq(hwf_answer_deferred(), 1);
	c = host_cqe(hp);
	ck_assert_uint_eq(c.type, HW_CQE_FCP_RSP);
	ck_assert_uint_eq(c.tag, 500);
	ck_assert_int_eq(hwf_cqe_pop(&hp->dev, 0, &c), -EAGAIN);
	hw_dev_close(&f);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* A LOGO ends only the login of the slot it comes from (hw_rport_eqe): a
 * third port F logs out of the host while the host has a command out to
 * T; T's login and the command stay, and T's response completes it. A
 * LOGO from T's slot then ends T's login, and the command out to T
 * completes at once with -ENOTCONN (README, "What a peer can forge": T's
 * firmware may still be moving its data). */
START_TEST(test_peersec_host_logo_other_slot)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct hw_host_rport *rp;
	struct hw_dev f;
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	struct hw_cqe cmd;
	struct hw_eqe e;
	uint8_t rsp[32];
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xf9, &tp, &hp, &th), 0);
	third_open(&f, 0xfb);
	rp = (struct hw_host_rport *)hp->rports.list;
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	ck_assert_int_eq(hw_els_send(&f, hp->dev.slot, HW_EQE_LOGO, 0), 0);
	hw_host_port_process(hp);
	ck_assert_int_eq(atomic_load(&rp->login.state), HW_RPORT_ONLINE);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 0);
	ck_assert_int_eq(host_done_calls, 0);
	tgt_rsp(tp, hp, &cmd);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, 0);
	/* the same from T's slot (written as T's firmware would) */
	host_fcp_io(hp, &req, &iu, rsp);
	cmd = tgt_rcv_cmd(tp);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LOGO;
	e.peer_slot = (uint16_t)tp->dev.slot;
	ck_assert_int_eq(hw_fabric_post_eqe(&f.fab, hp->dev.slot, &e), 0);
	hw_host_port_process(hp);
	ck_assert_int_ne(atomic_load(&rp->login.state), HW_RPORT_ONLINE);
	ck_assert_int_eq(hw_host_poll(hp, 0, 64), 1);
	ck_assert_int_eq(host_done_calls, 1);
	ck_assert_uint_eq(req.status, (uint32_t)-ENOTCONN);
	hw_dev_close(&f);
	hwf_pair_close(tp, hp, th);
}
END_TEST

/* Peer security tests. */
Suite *hw_peersec_suite(void)
{
	Suite *s = suite_create("hw_peersec");
	TCase *tc = tcase_create("forgery");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_peersec_peer_wqe_ignored);
	tcase_add_test(tc, test_peersec_peer_wqe_done_ignored);
	tcase_add_test(tc, test_peersec_host_own_geometry_private);
	tcase_add_test(tc, test_peersec_host_peer_wqe_ignored);
	tcase_add_test(tc, test_peersec_host_peer_wqe_done_ignored);
	tcase_add_test(tc, test_peersec_ls_rsp_other_slot);
	tcase_add_test(tc, test_peersec_host_abts_other_slot);
	tcase_add_test(tc, test_peersec_host_abts_own_target);
	tcase_add_test(tc, test_peersec_tgt_abts_other_slot);
	tcase_add_test(tc, test_peersec_host_logo_other_slot);
	suite_add_tcase(s, tc);
	return s;
}
