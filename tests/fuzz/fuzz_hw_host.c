// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: a hostile target port against the software HBA's host
 * side, the mirror image of fuzz_hw_peer.c. One soft fabric in a private
 * directory holds a real host port (hw_host: its LLDD, firmware, polls and
 * LS path, over the fake host transport of hw's unit tests,
 * tests/unit/check_hw_fake.c) logged into a real target port (hw_tgt over
 * the fake target transport), set up once. Each input is a list of records:
 * the host submits, aborts and polls commands and LS requests through its
 * LLDD's template, the honest target answers when polled, and the hostile
 * target writes what a target can reach in the host's region through its
 * own mapping of it: the host's exchange table, CQEs and EQEs in the host's
 * queues (forged responses, aborts and BA_ACCs with any xri, tag, length
 * and status; LS responses for pending requests; logins, links, RSCNs),
 * the host's ring headers, sequence words, link word and BAR, and data ops
 * through the target's firmware with any offset and length.
 *
 * After each input: the host is drained (time made to pass for the
 * exchanges still out: their timers abort them), its region put back in
 * order (rings, link, login), and then every command and LS request the
 * host submitted must have completed exactly once (its done callback, with
 * a status the host LLDD gives, not one a forged completion carries; an LS
 * request never with a response from another slot than its target's), the
 * host must hold no exchange (all on the free lists), a good READ (into
 * process memory: bounced) and a good WRITE (from DMA memory: direct) must
 * complete with the exact status, response, transfer length and data, and
 * nothing of the host process's buffers around them (and around every
 * command's buffer and response) may have changed.
 *
 * The hostile target's records (CQE to WQE below) are in
 * fuzz_hw_host_forge.c.
 *
 * Records (a byte, modulo 18, picks the kind, the fields follow; a short
 * input ends; at most 64 records):
 *   0 SUBMIT op q len:2 mode   the host's fcp_io: a command (NODATA, READ,
 *                              WRITE, DEFER, TABORT) of len bytes on
 *                              hw queue q, into process memory (bounced)
 *                              or the host's DMA memory (direct), in one
 *                              to three pieces with gaps; its doorbell
 *                              rung at once or, as from a completion
 *                              callback, at the end of the next reap
 *   1 ABORT  k                 the host's fcp_abort of command slot k
 *   2 HPOLL  q budget          hw_host_poll (or the template's poll_queue)
 *   3 PPOLL  budget            hw_host_port_poll, then hw_host_port_wait(0)
 *   4 TPOLL  budget            the honest target polls its hw queues
 *   5 SLOW                     both slow paths
 *   6 ANSWER                   the fake target answers DEFER commands
 *   7 LS     len rsplen        the host's ls_req to the target
 *   8 LSABRT k                 the host's ls_abort of LS slot k
 *   9 EXPIRE                   time passes: every exchange's timer is due
 *  10 CQE    q type sel xri tag:4 st len xfrd:4 hwq off n bytes
 *                              a CQE into the host's CQ q: of an exchange
 *                              in flight (sel, tag + 0/0/1/-1) or any
 *                              xri/tag, then bytes[n] over it from 8 + off
 *  11 EQE    type sel slot st len:2 arg off n bytes
 *                              an EQE into the host's EQ (an LS_RSP may
 *                              carry the id of a pending LS request; one
 *                              from another slot is marked, ls_done)
 *  12 XRI    sel off n bytes   bytes into the host's exchange (the shared
 *                              table) of a command in flight, or any
 *  13 RING   which word val:8  a word of the host's CQ 0/1 or EQ header,
 *                              a sequence word of one of their entries,
 *                              its link word or a size/offset of its BAR
 *  14 TGTOP  q op sel tag off:4 len:4 rsplen n bytes
 *                              the target's firmware runs a data/response
 *                              op toward the host's exchange (in flight or
 *                              any): data moved, an FCP_RSP posted
 *  15 HDB    q                 the host's doorbell (its firmware)
 *  16 FAULT  kind op skip n    a fault armed on the fabric for CMD or DATA
 *                              frames (drop a CMD IU, all CMDs, abort the
 *                              exchange after its CMD, fail data); none
 *                              on LS, ELS, RSP or ABTS frames, whose loss
 *                              the target would have to survive too
 *                              (fuzz_hw_peer's part); cleared by the drain
 *  17 WQE    q off n bytes     a WQE into the host's WQ q in the region: an
 *                              FCP_CMD whose CMD IU and exchange are wild,
 *                              with bytes[n] over it from 8 + off (the
 *                              host's firmware must take its WQEs from
 *                              process memory only, hw_dev.lwq)
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "fuzz_hw_host.h"

#define MAX_CMD	   32	/* command slots */
#define CANARY	   64u	/* bytes each side of a process buffer */
#define RSP_BUF	   48u	/* response buffer, rsplen at most 32 */
#define MAX_LS	   8	/* LS request slots */
#define LS_RSP_BUF 128u /* LS response buffer, rsplen at most 96 */
#define GOOD_LEN   4096u

struct hw_tgt_port *tp;
struct hw_host_port *hp;
struct hw_dev *host;
static struct hw_host_rport *hrp; /* the host's login into tp */
static struct hw_bar geo_good;	  /* the host's BAR as laid out */
static uint32_t seed_ctr = 1;

/* A command the host submitted: its request first (the done callback's
 * argument), its CMD IU, response buffer and data, with canaries. */
struct cmd {
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	struct fcnvme_sg sg[3];
	uint8_t rsp[RSP_BUF];
	uint8_t *mem; /* CANARY + CMD_BUF + CANARY, process memory */
	uint8_t *dma; /* CMD_BUF of the host's DMA memory */
	fcnvme_dma_t dma_h;
	uint16_t hwq;
	uint8_t op;	   /* the IU's opcode */
	bool out;	   /* submitted, not completed */
	unsigned int done; /* done callbacks */
};

/* The fuzz's commands, then the good READ and WRITE. */
static struct cmd cmds[MAX_CMD + 2];

struct ls {
	struct nvmefc_ls_req req;
	uint8_t rq[64];
	uint8_t rsp[LS_RSP_BUF];
	bool out;
	unsigned int done;
};

static struct ls lss[MAX_LS];

/* The good I/O's buffers: a READ into process memory, a WRITE from DMA. */
static uint8_t *good_rd; /* CANARY + GOOD_LEN + CANARY */
static uint8_t *good_wr;
static fcnvme_dma_t good_wr_h;

static uint8_t canary(uint32_t i)
{
	return (uint8_t)(0x3c ^ i ^ (i >> 8));
}

static void fill_canary(uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = canary(i);
}

static bool canary_ok(const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (p[i] != canary(i))
			return false;
	return true;
}

static void cmd_done(struct nvmefc_fcp_req *req)
{
	struct cmd *c = (struct cmd *)req;

	if (c < cmds || c >= cmds + MAX_CMD + 2)
		fuzz_hw_die("a done callback for a request the host was never given");
	if (!c->out)
		fuzz_hw_die("a command completed twice (or one never submitted)");
	c->out = false;
	c->done++;
	/* What this LLDD completes with: a response, its own firmware's
	 * refusals, an abort, a timeout, a lost remote port. Anything else
	 * came from a completion only a peer could have written. */
	switch ((int32_t)req->status) {
	case 0:
	case -E2BIG:
	case -ECANCELED:
	case -ETIMEDOUT:
	case -ENOTCONN:
	case -EBUSY:
	case -EFAULT:
	case -EINVAL:
		break;
	default:
		fprintf(stderr, "status %d\n", (int32_t)req->status);
		fuzz_hw_die("a command completed with a status the host never gives");
	}
}

static void ls_done(struct nvmefc_ls_req *req, int status)
{
	struct ls *l = (struct ls *)req;

	if (l < lss || l >= lss + MAX_LS)
		fuzz_hw_die("an LS done callback for a request never sent");
	if (!l->out)
		fuzz_hw_die("an LS request completed twice (or one never sent)");
	l->out = false;
	l->done++;
	if (status == 0 && l->req.rsplen >= 4 && l->rsp[2] == LS_OTHER_SLOT_2 &&
	    l->rsp[3] == LS_OTHER_SLOT_3)
		fuzz_hw_die("an LS request completed by a response from a slot it was not sent to");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char fdir[128];
	struct hw_tgt_port_cfg tc = {
		.dev = "soft:f",
		.wwnn = 0x20000000000000e1ull,
		.wwpn = 0x10000000000000e1ull,
		.nr_hwq = NR_HWQ,
		.rq_depth = 16,
	};
	struct hw_host_port_cfg hc = {
		.dev = "soft:f",
		.wwnn = 0x20000000000000f1ull,
		.wwpn = 0x10000000000000f1ull,
		.nr_hwq = NR_HWQ,
		.queue_depth = DEPTH,
	};
	struct hw_tgt_events ev;
	pthread_t th;
	unsigned int i;

	(void)argc;
	(void)argv;
	fuzz_hw_fabric("fuzz_host", fdir, sizeof(fdir));
	memset(&ev, 0, sizeof(ev));
	FUZZ_HW_REQUIRE(hw_tgt_port_open(&tc, &ev, NULL, &tp) == 0);
	FUZZ_HW_REQUIRE(hwf_tgt_thread_start(tp, &th) == 0);
	FUZZ_HW_REQUIRE(hw_host_port_open(&hc, &hp) == 0);
	hwf_tgt_thread_stop(th);
	host = &hp->dev;
	hrp = (struct hw_host_rport *)hp->rports.list;
	FUZZ_HW_REQUIRE(hrp && hrp->rport && hrp->login.slot == tp->dev.slot);
	FUZZ_HW_REQUIRE(atomic_load(&hrp->login.state) == HW_RPORT_ONLINE);
	FUZZ_HW_REQUIRE(hw_dev_peer_view(&tp->dev, host->slot));
	memcpy(&geo_good, host->geo, sizeof(geo_good));
	for (i = 0; i < MAX_CMD; i++) {
		cmds[i].mem = malloc(2 * CANARY + CMD_BUF);
		FUZZ_HW_REQUIRE(cmds[i].mem);
		FUZZ_HW_REQUIRE(
			hw_dma_alloc(host, CMD_BUF, (void **)&cmds[i].dma, &cmds[i].dma_h) == 0);
	}
	good_rd = malloc(2 * CANARY + GOOD_LEN);
	FUZZ_HW_REQUIRE(good_rd);
	FUZZ_HW_REQUIRE(hw_dma_alloc(host, GOOD_LEN, (void **)&good_wr, &good_wr_h) == 0);
	forge_init();
	return 0;
}

/* ---- the host and the honest target ------------------------------------------ */

/* The hostile target's view of the host's region (its mapping, the
 * geometry it took), or NULL. */
const struct hw_peer_view *tgt_view(void)
{
	return hw_dev_peer_view(&tp->dev, host->slot);
}

static void target_poll(unsigned int budget)
{
	unsigned int q;

	for (q = 0; q < NR_HWQ; q++)
		hw_tgt_poll(tp, (uint16_t)q, budget);
	/* A host ring the target found corrupt would have it log the host
	 * out: let it back at once (the good I/O needs the login). */
	atomic_store(&tp->dev.peer_bad, 0);
}

static void slow_paths(void)
{
	hw_host_port_process(hp);
	hw_tgt_port_process(tp);
	atomic_store(&tp->dev.peer_bad, 0);
	hw_host_port_process(hp);
}

/* The host's fcp_io: a command of the fake target's opcode op. */
static void rec_submit(struct in *in)
{
	/* Not HANG: the fake target holds it until an ABTS, which a host
	 * that lost the remote port (a forged LOGO) rightly never sends;
	 * DEFER unanswered times out on the host just the same. */
	static const uint8_t ops[] = { HWF_OP_NODATA, HWF_OP_READ,   HWF_OP_WRITE,
				       HWF_OP_DEFER,  HWF_OP_TABORT, HWF_OP_DEFER };
	static const uint16_t rsplens[] = { 32, 32, 12, 24 };
	uint8_t op, q, mode;
	uint16_t len;
	struct cmd *c = NULL;
	unsigned int i;
	uint32_t seed;
	int rc;

	if (!get8(in, &op) || !get8(in, &q) || !get(in, &len, 2) || !get8(in, &mode))
		return;
	for (i = 0; i < MAX_CMD && !c; i++)
		if (!cmds[i].out)
			c = &cmds[i];
	if (!c)
		return;
	op = ops[op % sizeof(ops)];
	len = op == HWF_OP_READ || op == HWF_OP_WRITE ? (uint16_t)(len % (CMD_BUF - 32) + 1) : 0;
	memset(&c->req, 0, sizeof(c->req));
	memset(&c->iu, 0, sizeof(c->iu));
	c->iu.format_id = NVME_CMD_FORMAT_ID;
	c->iu.fc_id = NVME_CMD_FC_ID;
	c->iu.iu_len = cpu_to_be16(24);
	c->hwq = q % NR_HWQ;
	c->iu.connection_id = cpu_to_be64(0x5500000000ull | (1u + (q >> 1) % NR_HWQ));
	c->iu.data_len = cpu_to_be32(len);
	c->iu.sqe[0] = op;
	c->op = op;
	seed = seed_ctr++;
	memcpy(&c->iu.sqe[40], &seed, 4);
	fill_canary(c->mem, 2 * CANARY + CMD_BUF);
	memset(c->rsp, 0xc5, sizeof(c->rsp));
	c->req.cmdaddr = &c->iu;
	c->req.cmdlen = sizeof(c->iu);
	c->req.rspaddr = c->rsp;
	c->req.rsplen = rsplens[mode >> 1 & 3];
	c->req.done = cmd_done;
	c->req.payload_length = len;
	c->req.io_dir = op == HWF_OP_READ    ? NVMEFC_FCP_READ
			: op == HWF_OP_WRITE ? NVMEFC_FCP_WRITE
					     : NVMEFC_FCP_NODATA;
	memset(c->sg, 0, sizeof(c->sg));
	if (len) {
		/* One piece, or two or three with 16-byte gaps between. */
		uint32_t n = mode & 0x10 && len >= 3 ? 2u + (mode >> 5 & 1) : 1, off = 0,
			 left = len;

		for (i = 0; i < n; i++) {
			uint32_t l = i + 1 == n ? left : len / n;

			c->sg[i].addr = (mode & 1 ? c->dma : c->mem + CANARY) + off;
			c->sg[i].dma = mode & 1 ? c->dma_h + off : 0;
			c->sg[i].length = l;
			off += l + 16;
			left -= l;
		}
		c->req.first_sgl = c->sg;
		c->req.sg_cnt = (int)n;
	}
	c->done = 0;
	/* Out before the call: a done callback from inside it is legal
	 * (but is none of this LLDD's). Submitted as from a completion
	 * callback (in_poll): its doorbell waits for the reap's end, and
	 * the target may rewrite the exchange meanwhile. */
	c->out = true;
	hp->hwq[c->hwq].in_poll = mode & 8;
	rc = hw_host_io_fcp_io(hp->lport, hrp->rport, &hp->hwq[c->hwq], &c->req);
	hp->hwq[c->hwq].in_poll = false;
	if (rc) {
		if (c->done)
			fuzz_hw_die("fcp_io failed and completed the request too");
		c->out = false;
	}
}

static void rec_abort(struct in *in)
{
	uint8_t k;
	struct cmd *c;

	if (!get8(in, &k))
		return;
	c = &cmds[k % MAX_CMD];
	if (c->out)
		hw_host_io_fcp_abort(hp->lport, hrp->rport, &hp->hwq[c->hwq], &c->req);
}

static void rec_ls(struct in *in)
{
	uint8_t len, rsplen;
	struct ls *l = NULL;
	unsigned int i;

	if (!get8(in, &len) || !get8(in, &rsplen))
		return;
	for (i = 0; i < MAX_LS && !l; i++)
		if (!lss[i].out)
			l = &lss[i];
	if (!l)
		return;
	memset(&l->req, 0, sizeof(l->req));
	memset(l->rq, 0, sizeof(l->rq));
	l->rq[0] = FCNVME_LS_DISCONNECT_ASSOC;
	l->rq[1] = len;
	fill_canary(l->rsp, sizeof(l->rsp));
	l->req.rqstaddr = l->rq;
	l->req.rqstlen = len % sizeof(l->rq) + 1;
	l->req.rspaddr = l->rsp;
	l->req.rsplen = rsplen % (LS_RSP_BUF - 32 + 1);
	l->req.done = ls_done;
	l->done = 0;
	l->out = true;
	if (hp->tmpl.ls_req(hp->lport, hrp->rport, &l->req))
		l->out = false;
}

static void rec_ls_abort(struct in *in)
{
	uint8_t k;
	struct ls *l;

	if (!get8(in, &k))
		return;
	l = &lss[k % MAX_LS];
	if (l->out)
		hp->tmpl.ls_abort(hp->lport, hrp->rport, &l->req);
}

/* Time passes: every exchange's deadline is now, its queue's timer due. */
static void expire(void)
{
	unsigned int q, i;

	for (q = 0; q < NR_HWQ; q++) {
		hp->hwq[q].next_check_ns = 0;
		for (i = 0; i < DEPTH; i++)
			hp->hwq[q].x[i].deadline_ns = 0;
	}
}

/* ---- the checks ------------------------------------------------------------------ */

static unsigned int pending(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_CMD + 2; i++)
		n += cmds[i].out;
	for (i = 0; i < MAX_LS; i++)
		n += lss[i].out;
	return n;
}

/* Everything both sides can do, until a round does nothing (at most 8). */
static void run_all(void)
{
	unsigned int round, q;
	int n;

	for (round = 0; round < 8; round++) {
		n = hwf_answer_deferred();
		for (q = 0; q < NR_HWQ; q++)
			n += hw_tgt_poll(tp, (uint16_t)q, 256);
		atomic_store(&tp->dev.peer_bad, 0);
		for (q = 0; q < NR_HWQ; q++)
			n += hw_host_poll(hp, (uint16_t)q, 256);
		n += hw_host_port_process(hp);
		n += hw_tgt_port_process(tp);
		atomic_store(&tp->dev.peer_bad, 0);
		if (n <= 0)
			break;
	}
}

/* The host's region as it laid it out: ring headers (indices and
 * geometry; what was in the rings is gone), link, BAR words. */
static void host_restore(void)
{
	struct hw_bar *hb = host->bar;
	unsigned int q;

	for (q = 0; q < NR_HWQ; q++)
		hw_ring_init(host->base, &hb->cq[q], geo_good.cq[q].off, geo_good.cq[q].entries,
			     geo_good.cq[q].esize);
	hw_ring_init(host->base, &hb->eq, geo_good.eq.off, geo_good.eq.entries, geo_good.eq.esize);
	atomic_store(&hb->link, HW_LINK_UP);
	hb->nr_hwq = geo_good.nr_hwq;
	hb->nr_xri = geo_good.nr_xri;
	hb->xri_off = geo_good.xri_off;
	hb->dma_off = geo_good.dma_off;
	hb->dma_size = geo_good.dma_size;
	hb->flags = geo_good.flags;
}

/* Logged out by a forged LOGO, PRLO or link event: log in again now (the
 * retry would come a second later). */
static void relogin(void)
{
	unsigned int i;
	int st = atomic_load(&hrp->login.state);

	/* A login under way lost its answer with the EQ put back in order:
	 * its time is up. */
	if (st == HW_RPORT_PLOGI || st == HW_RPORT_PRLI) {
		hrp->login.deadline_ns = 0;
		hw_rport_tick(&hp->rports);
	}
	for (i = 0; i < 200 && atomic_load(&hrp->login.state) != HW_RPORT_ONLINE; i++) {
		if (atomic_load(&hrp->login.state) == HW_RPORT_NONE) {
			hrp->login.deadline_ns = 0;
			hw_rport_tick(&hp->rports);
		}
		hw_tgt_port_process(tp);
		hw_host_port_process(hp);
	}
	if (atomic_load(&hrp->login.state) != HW_RPORT_ONLINE || !hrp->rport) {
		fprintf(stderr, "login %d, link %u, peer alive %d, target's login %u\n",
			atomic_load(&hrp->login.state), atomic_load(&host->bar->link),
			hw_dev_peer_alive(host, hrp->login.slot),
			atomic_load(&tp->dev.bar->logins[host->slot].state));
		fuzz_hw_die("the host could not log into the target again");
	}
}

/* Drain: what is still out is aborted by its timer (time is made to
 * pass); every command and LS request must then have completed exactly
 * once, and every exchange be free. */
static void drain(void)
{
	unsigned int round, q, i, n;
	struct hw_host_xri *x;

	hw_fabric_fault_clear(&host->fab);
	run_all();
	host_restore();
	run_all();
	for (round = 0; round < 8 && pending(); round++) {
		expire();
		for (i = 0; i < MAX_LS; i++)
			if (lss[i].out)
				hp->tmpl.ls_abort(hp->lport, hrp->rport, &lss[i].req);
		run_all();
	}
	for (i = 0; i < MAX_CMD + 2; i++)
		if (cmds[i].out) {
			fprintf(stderr, "command %u (hw queue %u) never completed\n", i,
				cmds[i].hwq);
			fuzz_hw_die("the host holds a command it cannot account for");
		}
	for (i = 0; i < MAX_LS; i++)
		if (lss[i].out)
			fuzz_hw_die("the host holds an LS request it cannot account for");
	for (q = 0; q < NR_HWQ; q++) {
		struct hw_host_hwq *h = &hp->hwq[q];

		for (n = 0, x = h->free; x && n <= DEPTH; x = x->next)
			n++;
		for (i = 0; i < DEPTH; i++)
			if (h->x[i].req)
				fuzz_hw_die("an exchange still holds a request");
		if (n != DEPTH || h->lcq.head != h->lcq.tail || h->lwq.head != h->lwq.tail ||
		    h->wq_pending || h->in_poll) {
			fprintf(stderr, "hw queue %u: %u of %u exchanges free\n", q, n, DEPTH);
			fuzz_hw_die("the host lost an exchange (leak or wedge)");
		}
	}
	for (i = 0; i < HW_LS_PEND; i++)
		if (hp->ls.e[i].req)
			fuzz_hw_die("the host's LS table holds a request");
	relogin();
}

/* True if p lies in a piece of c's data list that a bounced READ fills. */
static bool read_into(const struct cmd *c, const uint8_t *p)
{
	int i;

	if (c->req.io_dir != NVMEFC_FCP_READ || c->sg[0].dma)
		return false;
	for (i = 0; i < c->req.sg_cnt; i++)
		if (p >= (const uint8_t *)c->sg[i].addr &&
		    p < (const uint8_t *)c->sg[i].addr + c->sg[i].length)
			return true;
	return false;
}

/* Nothing outside a command's data buffer (and outside its payload's
 * bytes of it for a bounced READ, the only one the host copies into) or
 * after its response's rsplen bytes may have changed in the host process,
 * nor its CMD IU. */
static void check_buffers(void)
{
	unsigned int i, j;

	for (i = 0; i < MAX_CMD; i++) {
		struct cmd *c = &cmds[i];

		if (!c->req.done)
			continue;
		if (!canary_ok(c->mem, CANARY))
			fuzz_hw_die("a command's process buffer: bytes before it changed");
		for (j = CANARY; j < 2 * CANARY + CMD_BUF; j++)
			if (c->mem[j] != canary(j) && !read_into(c, c->mem + j))
				fuzz_hw_die(
					"a command's process memory changed where no READ goes");
		for (j = c->req.rsplen; j < RSP_BUF; j++)
			if (c->rsp[j] != 0xc5)
				fuzz_hw_die("bytes after a response buffer's rsplen changed");
		if (c->iu.format_id != NVME_CMD_FORMAT_ID || c->iu.fc_id != NVME_CMD_FC_ID ||
		    c->iu.sqe[0] != c->op)
			fuzz_hw_die("a command's CMD IU changed");
	}
	for (i = 0; i < MAX_LS; i++)
		for (j = lss[i].req.rsplen; lss[i].req.done && j < LS_RSP_BUF; j++)
			if (lss[i].rsp[j] != canary(j))
				fuzz_hw_die("bytes after an LS response buffer's rsplen changed");
}

/* What the host and the target hold, for a failure of the good I/O. */
static void report(const struct cmd *rd, const struct cmd *wr)
{
	unsigned int q, n;
	struct hw_tgt_xchg *x;

	fprintf(stderr, "READ out %d status %d, WRITE out %d status %d; login %d\n", rd->out,
		(int)rd->req.status, wr->out, (int)wr->req.status, atomic_load(&hrp->login.state));
	fprintf(stderr, "host cnt busy %lu drops %lu dma_errors %lu; target busy %lu drops %lu\n",
		(unsigned long)atomic_load(&host->bar->cnt.busy),
		(unsigned long)atomic_load(&host->bar->cnt.drops),
		(unsigned long)atomic_load(&host->bar->cnt.dma_errors),
		(unsigned long)atomic_load(&tp->dev.bar->cnt.busy),
		(unsigned long)atomic_load(&tp->dev.bar->cnt.drops));
	for (q = 0; q < NR_HWQ; q++) {
		for (n = 0, x = tp->hwq[q].free; x; x = x->next)
			n++;
		fprintf(stderr, "target hwq %u: %u free, %u held, %u ops out\n", q, n,
			tp->hwq[q].held_count, tp->hwq[q].wqe_out);
	}
}

/* A good READ (into process memory: bounced) on hw queue 0 and a good
 * WRITE (from DMA memory: direct) on hw queue 1: exact status, response,
 * transfer length and data; nothing around the READ's buffer written. */
static void good_io(void)
{
	struct cmd *rd = &cmds[MAX_CMD], *wr = &cmds[MAX_CMD + 1];
	uint32_t rseed = seed_ctr++, wseed = seed_ctr++, i, dw0;
	unsigned int round, q;

	memset(rd, 0, 2 * sizeof(*rd));
	for (i = 0; i < 2; i++) {
		struct cmd *c = &cmds[MAX_CMD + i];

		c->iu.format_id = NVME_CMD_FORMAT_ID;
		c->iu.fc_id = NVME_CMD_FC_ID;
		c->iu.iu_len = cpu_to_be16(24);
		c->iu.connection_id = cpu_to_be64(0x5500000000ull | (1u + i));
		c->iu.data_len = cpu_to_be32(GOOD_LEN);
		c->iu.sqe[0] = i ? HWF_OP_WRITE : HWF_OP_READ;
		memcpy(&c->iu.sqe[40], i ? &wseed : &rseed, 4);
		memset(c->rsp, 0xc5, sizeof(c->rsp));
		c->req.cmdaddr = &c->iu;
		c->req.cmdlen = sizeof(c->iu);
		c->req.rspaddr = c->rsp;
		c->req.rsplen = 32;
		c->req.done = cmd_done;
		c->req.payload_length = GOOD_LEN;
		c->req.io_dir = i ? NVMEFC_FCP_WRITE : NVMEFC_FCP_READ;
		c->req.first_sgl = c->sg;
		c->req.sg_cnt = 1;
		c->sg[0].length = GOOD_LEN;
		c->hwq = (uint16_t)i;
	}
	fill_canary(good_rd, 2 * CANARY + GOOD_LEN);
	rd->sg[0].addr = good_rd + CANARY;
	for (i = 0; i < GOOD_LEN; i++)
		good_wr[i] = hwf_pattern(wseed, i);
	wr->sg[0].addr = good_wr;
	wr->sg[0].dma = good_wr_h;
	for (i = 0; i < 2; i++) {
		rd[i].out = true;
		if (hw_host_io_fcp_io(hp->lport, hrp->rport, &hp->hwq[i], &rd[i].req))
			fuzz_hw_die("a good command was refused");
	}
	for (round = 0; round < 8 && (rd->out || wr->out); round++) {
		target_poll(64);
		for (q = 0; q < NR_HWQ; q++)
			hw_host_poll(hp, (uint16_t)q, 64);
	}
	if (rd->out || wr->out) {
		report(rd, wr);
		fuzz_hw_die("a good command got no response");
	}
	for (i = 0; i < 2; i++) {
		struct cmd *c = &rd[i];

		memcpy(&dw0, &c->rsp[offsetof(struct nvme_fc_ersp_iu, cqe)], 4);
		if (c->done != 1 || c->req.status != 0 || c->req.rcv_rsplen != 32 ||
		    c->req.transferred_length != GOOD_LEN) {
			fprintf(stderr, "good %s: done %u status %d rsplen %u xfrd %u\n",
				i ? "WRITE" : "READ", c->done, (int)c->req.status,
				c->req.rcv_rsplen, c->req.transferred_length);
			fuzz_hw_die("a good command did not complete as it should");
		}
		if (dw0 != (i ? hwf_fnv_pattern(wseed, GOOD_LEN) : rseed))
			fuzz_hw_die("a good command's response is not its own");
		for (q = 32; q < RSP_BUF; q++)
			if (c->rsp[q] != 0xc5)
				fuzz_hw_die("bytes after a good response changed");
	}
	for (i = 0; i < 2 * CANARY + GOOD_LEN; i++) {
		if (i >= CANARY && i < CANARY + GOOD_LEN) {
			if (good_rd[i] != hwf_pattern(rseed, i - CANARY))
				fuzz_hw_die("READ data differ");
		} else if (good_rd[i] != canary(i)) {
			fuzz_hw_die("the host wrote outside the good READ's buffer");
		}
	}
	for (i = 0; i < GOOD_LEN; i++)
		if (good_wr[i] != hwf_pattern(wseed, i))
			fuzz_hw_die("the WRITE's source changed");
	/* The response's completion frees the target's exchanges. */
	target_poll(64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	unsigned int steps = 0, i;
	uint8_t kind, a, b;

	for (i = 0; i < MAX_CMD + 2; i++)
		cmds[i].req.done = NULL;
	for (i = 0; i < MAX_LS; i++)
		lss[i].req.done = NULL;
	while (get8(&in, &kind) && steps++ < 64) {
		switch (kind % 18) {
		case 0:
			rec_submit(&in);
			break;
		case 1:
			rec_abort(&in);
			break;
		case 2:
			if (!get8(&in, &a) || !get8(&in, &b))
				break;
			if (b & 0x80)
				hp->tmpl.poll_queue(hp->lport, &hp->hwq[a % NR_HWQ]);
			else
				hw_host_poll(hp, a % NR_HWQ, b % 64u);
			break;
		case 3:
			if (get8(&in, &a)) {
				hw_host_port_poll(hp, a % 64u);
				hw_host_port_wait(hp, 0);
			}
			break;
		case 4:
			if (get8(&in, &a))
				target_poll(a % 64u + 1);
			break;
		case 5:
			slow_paths();
			break;
		case 6:
			hwf_answer_deferred();
			break;
		case 7:
			rec_ls(&in);
			break;
		case 8:
			rec_ls_abort(&in);
			break;
		case 9:
			expire();
			break;
		case 10:
			rec_cqe(&in);
			break;
		case 11:
			rec_eqe(&in);
			break;
		case 12:
			rec_xri(&in);
			break;
		case 13:
			rec_ring(&in);
			break;
		case 14:
			rec_tgtop(&in);
			break;
		case 15:
			if (get8(&in, &a))
				hw_fw_doorbell(host, a % NR_HWQ);
			break;
		case 16:
			rec_fault(&in);
			break;
		default:
			rec_wqe(&in);
			break;
		}
	}
	drain();
	check_buffers();
	good_io();
	return 0;
}
