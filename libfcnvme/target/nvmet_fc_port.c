// SPDX-License-Identifier: Apache-2.0
/*
 * Target-port lifecycle of the target transport: registration (template
 * validation as nvmet-fc does it, LS context pool, per-hwq lookup tables),
 * binding of an NVMe core, the port reference count that ends in
 * targetport_delete, host ports keyed by the LLDD's hosthandle, host
 * invalidation with host_release, discovery events and unregistration.
 * Everything here runs on the control context [ctl].
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nvmet_fc_int.h"

static atomic_uint fcn_port_num_next;

/* The template checks of nvmet_fc_register_targetport(), as in Linux's
 * nvmet_fc_register_targetport() (drivers/nvme/target/fc.c). */
static bool fcn_template_valid(const struct nvmet_fc_target_template *t)
{
	if (!t->xmt_ls_rsp || !t->fcp_op || !t->fcp_abort || !t->fcp_req_release ||
	    !t->targetport_delete)
		return false;
	if (!t->max_hw_queues || !t->max_sgl_segments || !t->max_dif_sgl_segments ||
	    !t->dma_boundary)
		return false;
	/* Beyond Linux: ls_abort is required with ls_req, and hwqid is 16
	 * bits wide. */
	if (t->ls_req && !t->ls_abort)
		return false;
	if (t->max_hw_queues > 65536)
		return false;
	return true;
}

static void fcn_tgtport_free(struct fcn_tgtport *tp)
{
	if (tp->ls_rsp_region)
		fcnvme_dma_free(tp->dev, tp->ls_rsp_region,
				(size_t)FCN_LS_CTX_COUNT * FCN_LS_RSP_BUF_LEN);
	free(tp->ls_rqst_bufs);
	free(tp->ls_ctxs);
	fcn_buf_pools_free(tp);
	free(tp->hwqs);
	free(tp);
}

static int fcn_tgtport_alloc_ls(struct fcn_tgtport *tp)
{
	unsigned int i;
	int rc;

	tp->ls_ctxs = calloc(FCN_LS_CTX_COUNT, sizeof(*tp->ls_ctxs));
	tp->ls_rqst_bufs = calloc(FCN_LS_CTX_COUNT, NVME_FC_MAX_LS_RQST_LEN);
	if (!tp->ls_ctxs || !tp->ls_rqst_bufs)
		return -ENOMEM;
	rc = fcnvme_dma_alloc(tp->dev, (size_t)FCN_LS_CTX_COUNT * FCN_LS_RSP_BUF_LEN,
			      &tp->ls_rsp_region, &tp->ls_rsp_dma);
	if (rc)
		return rc;
	for (i = 0; i < FCN_LS_CTX_COUNT; i++) {
		struct fcn_ls_ctx *ctx = &tp->ls_ctxs[i];

		ctx->tgtport = tp;
		ctx->rqstbuf = tp->ls_rqst_bufs + (size_t)i * NVME_FC_MAX_LS_RQST_LEN;
		ctx->rspbuf = (uint8_t *)tp->ls_rsp_region + (size_t)i * FCN_LS_RSP_BUF_LEN;
		ctx->rspdma = tp->ls_rsp_dma + (fcnvme_dma_t)i * FCN_LS_RSP_BUF_LEN;
		fcn_list_add_tail(&tp->ls_free, &ctx->entry);
	}
	return 0;
}

/* Register a target port for an LLDD; see nvme_fc_driver.h. [ctl] */
int nvmet_fc_register_targetport(struct nvmet_fc_port_info *portinfo,
				 struct nvmet_fc_target_template *template,
				 struct fcnvme_device *dev, struct nvmet_fc_target_port **portptr)
{
	struct fcn_tgtport *tp;
	size_t priv_off;
	int rc;

	if (!portinfo || !template || !portptr)
		return -EINVAL;
	if (!fcn_template_valid(template))
		return -EINVAL;

	priv_off = (sizeof(*tp) + 63) & ~(size_t)63;
	tp = calloc(1, priv_off + template->target_priv_sz);
	if (!tp)
		return -ENOMEM;
	tp->ops = template;
	tp->dev = dev;
	tp->refcnt = 1;
	fcn_list_init(&tp->assoc_list);
	fcn_list_init(&tp->host_list);
	fcn_list_init(&tp->ls_free);
	fcn_list_init(&tp->ls_busy);
	fcn_list_init(&tp->ls_req_list);
	tp->max_sg_elems = template->max_sgl_segments;
	if (tp->max_sg_elems > FCN_MAX_SEQ_LENGTH / FCN_SG_ELEM_LEN)
		tp->max_sg_elems = FCN_MAX_SEQ_LENGTH / FCN_SG_ELEM_LEN;

	/* struct fcn_hwq is cache-line aligned (one hwq thread's each) */
	tp->hwqs = aligned_alloc(_Alignof(struct fcn_hwq),
				 template->max_hw_queues * sizeof(*tp->hwqs));
	if (!tp->hwqs) {
		rc = -ENOMEM;
		goto out_free_port;
	}
	memset(tp->hwqs, 0, template->max_hw_queues * sizeof(*tp->hwqs));
	rc = fcn_tgtport_alloc_ls(tp);
	if (rc)
		goto out_free_port;

	tp->fc_port.port_num = atomic_fetch_add(&fcn_port_num_next, 1);
	tp->fc_port.node_name = portinfo->node_name;
	tp->fc_port.port_name = portinfo->port_name;
	tp->fc_port.port_id = portinfo->port_id;
	tp->fc_port.port_state = FC_OBJSTATE_ONLINE;
	tp->fc_port.private = template->target_priv_sz ? (char *)tp + priv_off : NULL;
	*portptr = &tp->fc_port;
	return 0;

out_free_port:
	fcn_tgtport_free(tp);
	return rc;
}

/* Take a reference on the port. [ctl] */
void fcn_tgtport_get(struct fcn_tgtport *tp)
{
	tp->refcnt++;
}

/* Drop a reference; the last one calls targetport_delete and frees. [ctl] */
void fcn_tgtport_put(struct fcn_tgtport *tp)
{
	if (--tp->refcnt)
		return;
	tp->fc_port.port_state = FC_OBJSTATE_DELETED;
	tp->ops->targetport_delete(&tp->fc_port);
	fcn_tgtport_free(tp);
}

/* Find or create the host port for hosthandle, with a reference. [ctl] */
struct fcn_hostport *fcn_hostport_get(struct fcn_tgtport *tp, void *hosthandle)
{
	struct fcn_hostport *hp;
	struct fcn_list *it;

	for (it = tp->host_list.next; it != &tp->host_list; it = it->next) {
		hp = fcn_container_of(it, struct fcn_hostport, entry);
		if (hp->hosthandle == hosthandle && !hp->invalid) {
			hp->refcnt++;
			return hp;
		}
	}
	hp = calloc(1, sizeof(*hp));
	if (!hp)
		return NULL;
	hp->tgtport = tp;
	hp->hosthandle = hosthandle;
	hp->refcnt = 1;
	fcn_list_add_tail(&tp->host_list, &hp->entry);
	fcn_tgtport_get(tp);
	return hp;
}

/* Drop a host-port reference; an invalidated host port's last reference
 * gives the handle back to the LLDD (host_release). [ctl] */
void fcn_hostport_put(struct fcn_hostport *hp)
{
	struct fcn_tgtport *tp = hp->tgtport;

	if (--hp->refcnt)
		return;
	fcn_list_del(&hp->entry);
	if (hp->invalid && tp->ops->host_release)
		tp->ops->host_release(hp->hosthandle);
	free(hp);
	fcn_tgtport_put(tp);
}

/* The host port behind hosthandle is gone; see nvme_fc_driver.h. [ctl] */
void nvmet_fc_invalidate_host(struct nvmet_fc_target_port *target_port, void *hosthandle)
{
	struct fcn_tgtport *tp;
	struct fcn_list *it, *next;
	bool matched = false;

	if (!target_port || !hosthandle)
		return;
	tp = fcn_tgtport(target_port);
	fcn_tgtport_get(tp);
	for (it = tp->host_list.next; it != &tp->host_list; it = it->next) {
		struct fcn_hostport *hp = fcn_container_of(it, struct fcn_hostport, entry);

		if (hp->hosthandle == hosthandle && !hp->invalid) {
			hp->invalid = true;
			matched = true;
		}
	}
	/* Deleting an association may free it and its host port: walk with
	 * a saved next pointer; teardown keeps an association on the list
	 * until it is freed, and frees only at the end (never inline here
	 * except for the current element). */
	for (it = tp->assoc_list.next; it != &tp->assoc_list; it = next) {
		struct fcn_assoc *a = fcn_container_of(it, struct fcn_assoc, entry);

		next = it->next;
		if (a->hostport->hosthandle == hosthandle && a->hostport->invalid)
			fcn_assoc_schedule_delete(a);
	}
	if (!matched && tp->ops->host_release)
		tp->ops->host_release(hosthandle);
	fcn_tgtport_put(tp);
}

/* Bind or unbind the NVMe core; see nvmet_fc_core.h. [ctl] */
int nvmet_fc_bind_core(struct nvmet_fc_target_port *target_port,
		       const struct nvmet_fc_core_ops *ops, void *core,
		       const struct nvmet_fc_env_ops *env, void *env_arg,
		       const struct nvmet_fc_core_cfg *cfg)
{
	struct nvmet_fc_core_cfg was;
	struct fcn_tgtport *tp;
	struct fcn_list *it, *next;
	int rc;

	if (!target_port)
		return -EINVAL;
	tp = fcn_tgtport(target_port);
	if (!ops) {
		if (!tp->core_ops)
			return -ENOENT;
		tp->core_ops = NULL;
		tp->core = NULL;
		tp->env = NULL;
		tp->env_arg = NULL;
		fcn_tgtport_get(tp);
		for (it = tp->assoc_list.next; it != &tp->assoc_list; it = next) {
			next = it->next;
			fcn_assoc_schedule_delete(fcn_container_of(it, struct fcn_assoc, entry));
		}
		fcn_tgtport_put(tp);
		return 0;
	}
	if (tp->unregistering)
		return -ESHUTDOWN;
	if (tp->core_ops)
		return -EBUSY;
	if (!ops->sq_create || !ops->sq_destroy || !ops->req_init || !env || !env->run_on_hwq ||
	    !env->run_on_ctl)
		return -EINVAL;

	was = tp->cfg;
	memset(&tp->cfg, 0, sizeof(tp->cfg));
	if (cfg)
		tp->cfg = *cfg;
	if (!tp->cfg.max_data_len)
		tp->cfg.max_data_len = FCN_DEF_MAX_DATA_LEN;
	if (!tp->cfg.max_queue_size)
		tp->cfg.max_queue_size = FCN_DEF_MAX_QUEUE_SIZE;
	if (!tp->cfg.max_io_queues)
		tp->cfg.max_io_queues = FCN_DEF_MAX_IO_QUEUES;
	if (tp->cfg.max_io_queues > FCN_NR_QUEUES_MAX)
		return -EINVAL;
	/* A power of two from 8 KiB, so that MDTS states it exactly. */
	if (tp->cfg.max_queue_size < 2 || tp->cfg.max_data_len < FCN_MIN_DATA_LEN ||
	    tp->cfg.max_data_len > FCN_MAX_DATA_LEN_LIMIT ||
	    (tp->cfg.max_data_len & (tp->cfg.max_data_len - 1)))
		return -EINVAL;
	/* the hw queues' data buffers: made at the first bind, kept by a
	 * later one of the same length, made anew for another length only
	 * once the earlier binding's associations are gone (else -EBUSY) */
	rc = fcn_buf_pools_alloc(tp);
	if (rc) {
		tp->cfg = was;
		return rc;
	}
	tp->core_ops = ops;
	tp->core = core;
	tp->env = env;
	tp->env_arg = env_arg;
	return 0;
}

/* The core's discovery information changed: ask the LLDD for an RSCN. [ctl] */
void nvmet_fc_discovery_chg(struct nvmet_fc_target_port *target_port)
{
	struct fcn_tgtport *tp;

	if (!target_port)
		return;
	tp = fcn_tgtport(target_port);
	if (!tp->unregistering && tp->ops->discovery_event)
		tp->ops->discovery_event(&tp->fc_port);
}

/* Tear down every association, abort our outbound LS, drop the
 * registration reference; see nvme_fc_driver.h. [ctl] */
int nvmet_fc_unregister_targetport(struct nvmet_fc_target_port *target_port)
{
	struct fcn_tgtport *tp;
	struct fcn_list *it, *next;

	if (!target_port)
		return -EINVAL;
	tp = fcn_tgtport(target_port);
	if (tp->unregistering)
		return -EALREADY;
	tp->unregistering = true;
	tp->fc_port.port_state = FC_OBJSTATE_OFFLINE;
	fcn_tgtport_get(tp);
	for (it = tp->assoc_list.next; it != &tp->assoc_list; it = next) {
		next = it->next;
		fcn_assoc_schedule_delete(fcn_container_of(it, struct fcn_assoc, entry));
	}
	/* Outbound LS still in flight: the LLDD completes each through done
	 * (with an error) after ls_abort. */
	for (it = tp->ls_req_list.next; it != &tp->ls_req_list; it = next) {
		struct fcn_ls_req_op *op = fcn_container_of(it, struct fcn_ls_req_op, entry);

		next = it->next;
		tp->ops->ls_abort(&tp->fc_port, op->hostport->hosthandle, &op->lsreq);
	}
	tp->core_ops = NULL;
	tp->core = NULL;
	tp->env = NULL;
	tp->env_arg = NULL;
	fcn_tgtport_put(tp); /* ours, above */
	fcn_tgtport_put(tp); /* the registration's */
	return 0;
}
