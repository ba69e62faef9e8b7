// SPDX-License-Identifier: Apache-2.0
/*
 * Fake transports for hw's tests, linked instead of libfcnvme's: a target
 * side that answers LS with an echo ACC and serves a few test opcodes over
 * the real fcp_op/fcp_req_release contract, and a host side that registers
 * ports and echoes received LS. They check what the LLDD hands them (IU
 * length, hwqid steering) and count what they see. Also what several hw
 * tests share: a private shm dir (made, and removed with all in it), a
 * target port's control thread, and commands posted from a host by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "check_hw.h"
#include "hw_fabric.h"
#include "hw_host.h"
#include "hw_priv.h"
#include "hw_tgt.h"
#include "hw_tgt_priv.h"

struct hwf_stats hwf;
bool hwf_hostile_iu;
void *hwf_last_hosthandle;
struct nvmet_fc_target_port *hwf_tgtport;
struct nvmet_fc_target_template *hwf_tgt_tmpl;
struct nvme_fc_port_template *hwf_host_tmpl;
struct nvme_fc_remote_port *hwf_rports[8];
_Atomic int hwf_nr_rports;
static struct nvme_fc_local_port *hwf_lport;
struct fcnvme_device *hwf_host_dev;

/* Byte off of the data pattern with seed. */
uint8_t hwf_pattern(uint32_t seed, uint32_t off)
{
	return (uint8_t)(seed * 131u + off * 7u + (off >> 9));
}

/* FNV-1a over p, continuing from h. */
uint32_t hwf_fnv(const uint8_t *p, uint32_t len, uint32_t h)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* FNV-1a of len bytes of the pattern with seed. */
uint32_t hwf_fnv_pattern(uint32_t seed, uint32_t len)
{
	uint32_t i, h = 2166136261u;

	for (i = 0; i < len; i++)
		h = (h ^ hwf_pattern(seed, i)) * 16777619u;
	return h;
}

/* ---- target transport fake -------------------------------------------------- */

struct hwf_req {
	struct nvmefc_tgt_fcp_req *req;
	struct fcnvme_sg sg;
	uint8_t *buf;
	uint8_t rsp[32];
	uint8_t opcode;
	uint16_t cid;
	uint32_t len, seed;
	_Atomic bool aborted;
	bool rsp_sent;
};

int nvmet_fc_register_targetport(struct nvmet_fc_port_info *pi, struct nvmet_fc_target_template *t,
				 struct fcnvme_device *dev, struct nvmet_fc_target_port **out)
{
	struct nvmet_fc_target_port *tp;

	if (!t->xmt_ls_rsp || !t->fcp_op || !t->fcp_abort || !t->fcp_req_release ||
	    !t->targetport_delete || !t->max_hw_queues || !dev || !dev->dma_ops)
		return -EINVAL;
	tp = calloc(1, sizeof(*tp) + t->target_priv_sz);
	if (!tp)
		return -ENOMEM;
	tp->private = tp + 1;
	tp->node_name = pi->node_name;
	tp->port_name = pi->port_name;
	tp->port_id = pi->port_id;
	hwf_tgt_tmpl = t;
	hwf_tgtport = tp;
	atomic_fetch_add(&hwf.tgt_registered, 1);
	*out = tp;
	return 0;
}

int nvmet_fc_unregister_targetport(struct nvmet_fc_target_port *tp)
{
	hwf_tgt_tmpl->targetport_delete(tp);
	atomic_fetch_add(&hwf.tgt_deleted, 1);
	free(tp);
	if (hwf_tgtport == tp)
		hwf_tgtport = NULL;
	return 0;
}

struct hwf_ls {
	struct nvmefc_ls_rsp *rsp;
	uint8_t buf[NVME_FC_MAX_LS_RSP_LEN];
};

static void hwf_ls_done(struct nvmefc_ls_rsp *rsp)
{
	free(rsp->nvme_fc_private);
}

/* Echo ACC: w0 = ACC, then the request's bytes 4.., up to 128 bytes. */
static int hwf_ls_echo(struct nvmefc_ls_rsp *rsp, const void *buf, uint32_t len)
{
	struct hwf_ls *l = calloc(1, sizeof(*l));
	uint32_t n = len < sizeof(l->buf) ? len : sizeof(l->buf);

	if (!l)
		return -ENOMEM;
	memcpy(l->buf, buf, n);
	l->buf[0] = FCNVME_LS_ACC;
	rsp->nvme_fc_private = l;
	rsp->rspbuf = l->buf;
	rsp->rspdma = 0;
	rsp->rsplen = (uint16_t)n;
	rsp->done = hwf_ls_done;
	return 0;
}

int nvmet_fc_rcv_ls_req(struct nvmet_fc_target_port *tp, void *hh, struct nvmefc_ls_rsp *rsp,
			void *buf, uint32_t len)
{
	int rc;

	if (!hh)
		return -EINVAL;
	if (len > NVME_FC_MAX_LS_RQST_LEN)
		return -E2BIG;
	hwf_last_hosthandle = hh;
	atomic_fetch_add(&hwf.ls_rcvd, 1);
	rc = hwf_ls_echo(rsp, buf, len);
	if (rc)
		return rc;
	rc = hwf_tgt_tmpl->xmt_ls_rsp(tp, rsp);
	if (rc)
		free(rsp->nvme_fc_private);
	return 0;
}

void nvmet_fc_invalidate_host(struct nvmet_fc_target_port *tp, void *hh)
{
	atomic_fetch_add(&hwf.invalidated, 1);
	if (hwf_last_hosthandle == hh)
		hwf_last_hosthandle = NULL;
	/* No associations in the fake: release at once, as nvmet-fc does. */
	hwf_tgt_tmpl->host_release(hh);
	atomic_fetch_add(&hwf.host_released, 1);
}

static void hwf_release(struct hwf_req *r)
{
	struct nvmefc_tgt_fcp_req *req = r->req;

	free(r->buf);
	free(r);
	hwf_tgt_tmpl->fcp_req_release(hwf_tgtport, req);
}

static void hwf_fail(struct hwf_req *r)
{
	if (!atomic_load(&r->aborted))
		hwf_tgt_tmpl->fcp_abort(hwf_tgtport, r->req);
	hwf_release(r);
}

static void hwf_op_done(struct nvmefc_tgt_fcp_req *req);

static void hwf_build_rsp(struct hwf_req *r, uint32_t dw0, bool ersp)
{
	struct nvmefc_tgt_fcp_req *req = r->req;
	struct nvme_fc_ersp_iu *e = (struct nvme_fc_ersp_iu *)r->rsp;

	memset(r->rsp, 0, sizeof(r->rsp));
	req->rspaddr = r->rsp;
	req->rsplen = NVME_FC_SIZEOF_ZEROS_RSP;
	if (ersp) {
		e->iu_len = cpu_to_be16(8);
		e->rsn = cpu_to_be32(2);
		e->xfrd_len = cpu_to_be32(r->len);
		memcpy(&e->cqe[0], &dw0, 4);
		memcpy(&e->cqe[12], &r->cid, 2);
		req->rsplen = sizeof(*e);
	}
	req->done = hwf_op_done;
	r->rsp_sent = true;
}

static void hwf_send_rsp(struct hwf_req *r, uint32_t dw0, bool ersp)
{
	struct nvmefc_tgt_fcp_req *req = r->req;

	hwf_build_rsp(r, dw0, ersp);
	req->op = NVMET_FCOP_RSP;
	if (hwf_tgt_tmpl->fcp_op(hwf_tgtport, req))
		hwf_fail(r);
}

static void hwf_op_done(struct nvmefc_tgt_fcp_req *req)
{
	struct hwf_req *r = req->nvmet_fc_private;

	if (atomic_load(&r->aborted) || req->fcp_error ||
	    (!r->rsp_sent && req->transferred_length != r->len)) {
		hwf_fail(r);
		return;
	}
	if (r->rsp_sent) {
		hwf_release(r);
		return;
	}
	if (r->opcode == HWF_OP_WRITE) {
		hwf_send_rsp(r, hwf_fnv(r->buf, r->len, 2166136261u), true);
		return;
	}
	/* READDATA done */
	hwf_send_rsp(r, r->seed, true);
}

/* [hwq] HWF_OP_DEFER commands not answered yet, in arrival order. */
#define HWF_MAX_DEFERRED 16
static struct hwf_req *hwf_deferred[HWF_MAX_DEFERRED];
static int hwf_nr_deferred;

int hwf_answer_deferred(void)
{
	int i, n = hwf_nr_deferred;

	hwf_nr_deferred = 0;
	for (i = 0; i < n; i++)
		hwf_send_rsp(hwf_deferred[i], 0, false);
	return n;
}

int nvmet_fc_rcv_fcp_req(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req,
			 void *iubuf, uint32_t len)
{
	const struct nvme_fc_cmd_iu *iu = iubuf;
	struct hwf_req *r;
	uint16_t qid;
	uint32_t i;

	if (len != sizeof(*iu) || iu->format_id != NVME_CMD_FORMAT_ID ||
	    iu->fc_id != NVME_CMD_FC_ID || be16_to_cpu(iu->iu_len) != 24)
		return -EIO;
	if (hwf_hostile_iu && be32_to_cpu(iu->data_len) > HWF_MAX_DATA)
		return -EIO;
	atomic_fetch_add(&hwf.fcp_rcvd, 1);
	qid = (uint16_t)(be64_to_cpu(iu->connection_id) & 0xffff);
	if (req->hwqid != (qid == 0 ? 0 : (qid - 1) % hwf_tgt_tmpl->max_hw_queues))
		atomic_fetch_add(&hwf.steer_errors, 1);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->req = req;
	r->opcode = iu->sqe[0];
	memcpy(&r->cid, &iu->sqe[2], 2);
	memcpy(&r->seed, &iu->sqe[40], 4);
	r->len = be32_to_cpu(iu->data_len);
	if (hwf_hostile_iu && r->opcode == HWF_OP_HANG)
		r->opcode = HWF_OP_NODATA;
	req->nvmet_fc_private = r;
	req->done = hwf_op_done;
	if (r->len) {
		r->buf = malloc(r->len);
		if (!r->buf) {
			free(r);
			return -ENOMEM;
		}
		r->sg.addr = r->buf;
		r->sg.length = r->len;
		req->sg = &r->sg;
		req->sg_cnt = 1;
		req->offset = 0;
		req->transfer_length = r->len;
		req->timeout = 20;
	}
	switch (r->opcode) {
	case HWF_OP_WRITE:
		req->op = NVMET_FCOP_WRITEDATA;
		if (hwf_tgt_tmpl->fcp_op(tp, req))
			hwf_fail(r);
		break;
	case HWF_OP_READ:
		for (i = 0; i < r->len; i++)
			r->buf[i] = hwf_pattern(r->seed, i);
		if (hwf_tgt_tmpl->target_features & NVMET_FCTGTFEAT_READDATA_RSP) {
			hwf_build_rsp(r, r->seed, true);
			req->op = NVMET_FCOP_READDATA_RSP;
		} else {
			req->op = NVMET_FCOP_READDATA;
		}
		if (hwf_tgt_tmpl->fcp_op(tp, req))
			hwf_fail(r);
		break;
	case HWF_OP_TABORT:
		hwf_fail(r);
		break;
	case HWF_OP_HANG:
		break; /* until ABTS */
	case HWF_OP_DEFER:
		if (hwf_nr_deferred == HWF_MAX_DEFERRED) {
			free(r->buf);
			free(r);
			return -ENOMEM;
		}
		hwf_deferred[hwf_nr_deferred++] = r;
		break;
	default:
		hwf_send_rsp(r, 0, false);
		break;
	}
	return 0;
}

void nvmet_fc_rcv_fcp_abort(struct nvmet_fc_target_port *tp, struct nvmefc_tgt_fcp_req *req)
{
	struct hwf_req *r = req->nvmet_fc_private;

	atomic_fetch_add(&hwf.fcp_aborts, 1);
	atomic_store(&r->aborted, true);
	if (r->opcode == HWF_OP_HANG)
		hwf_release(r);
}

/* ---- host transport fake ------------------------------------------------------ */

int nvme_fc_register_localport(struct nvme_fc_port_info *pi, struct nvme_fc_port_template *t,
			       struct fcnvme_device *dev, struct nvme_fc_local_port **out)
{
	struct nvme_fc_local_port *lp;

	if (!t->localport_delete || !t->remoteport_delete || !t->ls_req || !t->fcp_io ||
	    !t->ls_abort || !t->fcp_abort || !t->max_hw_queues || !dev)
		return -EINVAL;
	lp = calloc(1, sizeof(*lp) + t->local_priv_sz);
	if (!lp)
		return -ENOMEM;
	lp->private = lp + 1;
	lp->node_name = pi->node_name;
	lp->port_name = pi->port_name;
	lp->port_id = pi->port_id;
	lp->port_state = FC_OBJSTATE_ONLINE;
	hwf_host_tmpl = t;
	hwf_host_dev = dev;
	hwf_lport = lp;
	atomic_fetch_add(&hwf.lport_registered, 1);
	*out = lp;
	return 0;
}

int nvme_fc_unregister_localport(struct nvme_fc_local_port *lp)
{
	int i;

	hwf_host_tmpl->localport_delete(lp);
	for (i = 0; i < hwf_nr_rports; i++)
		free(hwf_rports[i]);
	hwf_nr_rports = 0;
	free(lp);
	hwf_lport = NULL;
	return 0;
}

int nvme_fc_register_remoteport(struct nvme_fc_local_port *lp, struct nvme_fc_port_info *pi,
				struct nvme_fc_remote_port **out)
{
	struct nvme_fc_remote_port *rp = NULL;
	int i;

	/* Same WWPN again: resume the existing remote port, as nvme-fc does. */
	for (i = 0; i < hwf_nr_rports; i++)
		if (hwf_rports[i]->port_name == pi->port_name)
			rp = hwf_rports[i];
	if (!rp) {
		if (hwf_nr_rports == 8)
			return -ENOSPC;
		rp = calloc(1, sizeof(*rp) + hwf_host_tmpl->remote_priv_sz);
		if (!rp)
			return -ENOMEM;
		rp->private = rp + 1;
		hwf_rports[hwf_nr_rports++] = rp;
	}
	rp->localport = lp;
	rp->node_name = pi->node_name;
	rp->port_name = pi->port_name;
	rp->port_role = pi->port_role;
	rp->port_id = pi->port_id;
	rp->port_state = FC_OBJSTATE_ONLINE;
	atomic_fetch_add(&hwf.rport_registered, 1);
	*out = rp;
	return 0;
}

int nvme_fc_unregister_remoteport(struct nvme_fc_remote_port *rp)
{
	rp->port_state = FC_OBJSTATE_DELETED;
	hwf_host_tmpl->remoteport_delete(rp);
	atomic_fetch_add(&hwf.rport_unregistered, 1);
	return 0;
}

void nvme_fc_rescan_remoteport(struct nvme_fc_remote_port *rp)
{
	atomic_fetch_add(&hwf.rescans, 1);
}

int nvme_fc_rcv_ls_req(struct nvme_fc_remote_port *rp, struct nvmefc_ls_rsp *rsp, void *buf,
		       uint32_t len)
{
	int rc;

	atomic_fetch_add(&hwf.host_ls_rcvd, 1);
	rc = hwf_ls_echo(rsp, buf, len);
	if (rc)
		return rc;
	rc = hwf_host_tmpl->xmt_ls_rsp(rp->localport, rp, rsp);
	if (rc)
		free(rsp->nvme_fc_private);
	return 0;
}

void hwf_ring_geo_copy(struct hw_bar *dst, const struct hw_bar *src, unsigned int n)
{
	unsigned int q;

	for (q = 0; q < n; q++) {
		dst->cq[q].off = src->cq[q].off;
		dst->cq[q].entries = src->cq[q].entries;
		dst->cq[q].esize = src->cq[q].esize;
		dst->wq[q].off = src->wq[q].off;
		dst->wq[q].entries = src->wq[q].entries;
		dst->wq[q].esize = src->wq[q].esize;
	}
}

int hwf_post_cmd(struct hw_dev *h, unsigned int slot, unsigned int xri, uint32_t tag, uint64_t conn,
		 uint8_t opcode, uint64_t dma, uint32_t len, struct nvme_fc_cmd_iu *iu)
{
	struct hw_xri *x = &h->xri[xri];
	struct hw_wqe w;

	memset(iu, 0, sizeof(*iu));
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(24);
	iu->connection_id = cpu_to_be64(conn);
	iu->data_len = cpu_to_be32(len);
	iu->sqe[0] = opcode;
	x->nsge = len ? 1 : 0;
	x->sge[0].dma = dma;
	x->sge[0].len = len;
	x->data_len = len;
	x->src_hwq = 0;
	x->dst_slot = (uint16_t)slot;
	atomic_store(&x->xfrd, 0);
	atomic_store(&x->tag, tag);
	atomic_store(&x->state, HW_XRI_ACTIVE);
	memset(&w, 0, sizeof(w));
	w.type = HW_WQE_FCP_CMD;
	w.peer_slot = (uint16_t)slot;
	w.xri = xri;
	w.tag = tag;
	w.cmd = iu;
	if (hw_dev_remote(h)) {
		w.cmd = (const void *)(uintptr_t)hw_dma_handle(h, iu);
		if (!w.cmd)
			return -EINVAL;
		return hw_ring_post_geo(h->base, &h->bar->wq[0], &h->geo->wq[0], &w, sizeof(w));
	}
	if (h->lwq[0]) /* a host port's WQ in process memory (hw_dev.lwq) */
		return hw_lwq_put(h->lwq[0], &w);
	return hw_ring_post(h->base, &h->bar->wq[0], &w, sizeof(w));
}

int hwf_cqe_pop(struct hw_dev *d, unsigned int q, struct hw_cqe *out)
{
	struct hw_cqe *c = hw_ring_peek_geo(d->base, &d->bar->cq[q], &d->geo->cq[q]);

	if (!c)
		return -EAGAIN;
	*out = *c;
	hw_ring_pop_geo(&d->bar->cq[q], &d->geo->cq[q], c);
	return 0;
}

int hwf_defer_cmds(struct hw_dev *h, struct hw_tgt_port *tp, unsigned int n, uint32_t tag)
{
	struct nvme_fc_cmd_iu iu[8]; /* the WQEs point at them until the doorbell */
	unsigned int i;
	int rc;

	if (n > 8)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		rc = hwf_post_cmd(h, tp->dev.slot, i, tag + i, 0x77700000001ull, HWF_OP_DEFER, 0, 0,
				  &iu[i]);
		if (rc)
			return rc;
	}
	if (hw_fw_doorbell(h, 0) != (int)n || hw_tgt_poll(tp, 0, 64) != (int)n)
		return -EPROTO;
	return 0;
}

/* ---- a target port's control thread ------------------------------------------ */

/* [test thread] Set to end the one control thread there may be. */
static _Atomic bool hwf_tgt_stop;

static void *hwf_tgt_loop(void *arg)
{
	struct hw_tgt_port *p = arg;

	while (!atomic_load(&hwf_tgt_stop)) {
		struct pollfd pfd = { .fd = hw_tgt_port_event_fd(p), .events = POLLIN };

		(void)poll(&pfd, 1, 5);
		hw_tgt_port_process(p);
	}
	return NULL;
}

int hwf_tgt_thread_start(struct hw_tgt_port *tp, pthread_t *th)
{
	atomic_store(&hwf_tgt_stop, false);
	return -pthread_create(th, NULL, hwf_tgt_loop, tp);
}

void hwf_tgt_thread_stop(pthread_t th)
{
	atomic_store(&hwf_tgt_stop, true);
	pthread_join(th, NULL);
}

struct hw_dev_cfg hwf_port_cfg(uint64_t id)
{
	struct hw_dev_cfg cfg = {
		.dev = "soft:f",
		.wwnn = 0x2000000000000000ull | id,
		.wwpn = 0x1000000000000000ull | id,
		.roles = FC_PORT_ROLE_NVME_INITIATOR,
		.nr_hwq = 1,
		.cq_entries = 64,
		.dma_size = 1 << 20,
	};

	return cfg;
}

int hwf_tgt_open(uint64_t id, struct hw_tgt_port **tpp)
{
	struct hw_tgt_port_cfg tc = {
		.dev = "soft:f",
		.wwnn = 0x2000000000000000ull | id,
		.wwpn = 0x1000000000000000ull | id,
		.nr_hwq = 1,
		.rq_depth = 16,
	};
	struct hw_tgt_events ev;

	memset(&ev, 0, sizeof(ev));
	return hw_tgt_port_open(&tc, &ev, NULL, tpp);
}

int hwf_pair_open(const char *fdir, uint64_t id, struct hw_tgt_port **tpp,
		  struct hw_host_port **hpp, pthread_t *th)
{
	struct hw_host_port_cfg hc = {
		.dev = "soft:f",
		.wwnn = 0x2000000000000000ull | (id + 1),
		.wwpn = 0x1000000000000000ull | (id + 1),
		.queue_depth = 16,
	};
	int rc;

	rc = hw_fabric_create(fdir);
	if (rc)
		return rc;
	rc = hwf_tgt_open(id, tpp);
	if (rc)
		return rc;
	rc = hwf_tgt_thread_start(*tpp, th);
	if (rc)
		goto close_tgt;
	rc = hw_host_port_open(&hc, hpp);
	if (!rc)
		return 0;
	hwf_tgt_thread_stop(*th);
close_tgt:
	hw_tgt_port_close(*tpp);
	return rc;
}

/* The target's thread stops first: a test may have read the target's view
 * of the host (hw_dev_peer_view) on the test thread, and a thread still
 * running would free that view once the host is gone, with nothing
 * ordering the free after the test's read (TSan). */
void hwf_pair_close(struct hw_tgt_port *tp, struct hw_host_port *hp, pthread_t th)
{
	hwf_tgt_thread_stop(th);
	hw_host_port_close(hp);
	hw_tgt_port_close(tp);
}

/* ---- a test's private shm dir ------------------------------------------------ */

/* Where hwf_shm_dir_make makes its dirs: /dev/shm, or /tmp where /dev/shm
 * cannot be written. */
static const char *hwf_shm_base(void)
{
	return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

int hwf_shm_dir_make(char *buf, size_t len, const char *tag)
{
	int n = snprintf(buf, len, "%s/hw_%s.XXXXXX", hwf_shm_base(), tag);

	if (n < 0 || (size_t)n >= len || strchr(tag, '/'))
		return -EINVAL;
	if (!mkdtemp(buf))
		return -errno;
	if (setenv("FCNVME_SHM_DIR", buf, 1))
		return -errno;
	return 0;
}

/* Whether dir is a name hwf_shm_dir_make makes: /dev/shm/hw_<tag>.XXXXXX or
 * /tmp/hw_<tag>.XXXXXX, one component below the base, not . or .. */
static bool hwf_shm_dir_name_ok(const char *dir)
{
	static const char *const bases[] = { "/dev/shm/", "/tmp/" };
	const char *name;
	unsigned int i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (strncmp(dir, bases[i], strlen(bases[i])) != 0)
			continue;
		name = dir + strlen(bases[i]);
		return strncmp(name, "hw_", 3) == 0 && !strchr(name, '/') &&
		       strlen(name) >= strlen("hw_.XXXXXX");
	}
	return false;
}

/* Remove everything in the directory open at fd (closed here), on file
 * system dev: entries by name relative to fd, a directory entered only
 * through openat(O_NOFOLLOW) and only on dev, a symlink removed itself and
 * never followed. 0, or the first -errno (what could be removed still is). */
static int hwf_rm_tree(int fd, dev_t dev)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	struct stat st;
	int rc = 0, err, sub;

	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			rc = rc ? rc : -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev) {
				rc = rc ? rc : -EXDEV;
				continue;
			}
			sub = openat(fd, de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			err = sub < 0 ? -errno : hwf_rm_tree(sub, dev);
			if (err) {
				rc = rc ? rc : err;
				continue;
			}
		}
		if (unlinkat(fd, de->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
			rc = rc ? rc : -errno;
	}
	closedir(d);
	return rc;
}

int hwf_shm_dir_remove(const char *dir)
{
	struct stat st;
	int fd, rc;

	if (!hwf_shm_dir_name_ok(dir))
		return -EINVAL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = hwf_rm_tree(fd, st.st_dev);
	if (rmdir(dir) && !rc)
		rc = -errno;
	return rc;
}
