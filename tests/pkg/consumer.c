/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program that uses libfcnvme as an out-of-tree LLDD would, built only
 * against what `make install` installs: the public headers and the
 * pkg-config file (tests/pkg/consumer.sh builds it; docs/ABI.md shows it).
 * It registers a target port with a minimal nvmet_fc_target_template (the
 * LLDD API of <fcnvme/nvme_fc_driver.h>, after Linux's
 * include/linux/nvme-fc-driver.h), checks what the transport reports and
 * that targetport_delete comes after unregistering, and uses the default
 * (NULL device) DMA allocator. Prints one line per step; exit status 0 when
 * every step did what the API promises.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/nvmet_fc_core.h>

static int deleted;

static void lldd_targetport_delete(struct nvmet_fc_target_port *tgtport)
{
	(void)tgtport;
	deleted++;
}

static int lldd_xmt_ls_rsp(struct nvmet_fc_target_port *tgtport, struct nvmefc_ls_rsp *ls_rsp)
{
	(void)tgtport;
	(void)ls_rsp;
	return -ENOTCONN;
}

static int lldd_fcp_op(struct nvmet_fc_target_port *tgtport, struct nvmefc_tgt_fcp_req *fcpreq)
{
	(void)tgtport;
	(void)fcpreq;
	return -ENOTCONN;
}

static void lldd_fcp_abort(struct nvmet_fc_target_port *tgtport, struct nvmefc_tgt_fcp_req *fcpreq)
{
	(void)tgtport;
	(void)fcpreq;
}

static void lldd_fcp_req_release(struct nvmet_fc_target_port *tgtport,
				 struct nvmefc_tgt_fcp_req *fcpreq)
{
	(void)tgtport;
	(void)fcpreq;
}

static struct nvmet_fc_target_template lldd_template = {
	.targetport_delete = lldd_targetport_delete,
	.xmt_ls_rsp = lldd_xmt_ls_rsp,
	.fcp_op = lldd_fcp_op,
	.fcp_abort = lldd_fcp_abort,
	.fcp_req_release = lldd_fcp_req_release,
	.max_hw_queues = 2,
	.max_sgl_segments = 256,
	.max_dif_sgl_segments = 1,
	.dma_boundary = UINT64_MAX,
	.target_priv_sz = 64,
};

int main(void)
{
	struct nvmet_fc_port_info pi = {
		.node_name = 0x20000090fa000001ull,
		.port_name = 0x10000090fa000001ull,
		.port_id = 0x010100,
	};
	struct nvmet_fc_target_template incomplete = lldd_template;
	struct nvmet_fc_target_port *tp = NULL;
	fcnvme_dma_t handle;
	void *buf;
	int rc, ok = 1;

	incomplete.fcp_op = NULL;
	rc = nvmet_fc_register_targetport(&pi, &incomplete, NULL, &tp);
	printf("register without fcp_op: %d\n", rc);
	ok &= rc == -EINVAL;

	rc = nvmet_fc_register_targetport(&pi, &lldd_template, NULL, &tp);
	printf("register: %d\n", rc);
	if (rc)
		return 1;
	printf("targetport: wwnn 0x%016" PRIx64 " wwpn 0x%016" PRIx64 " port_id 0x%06" PRIx32
	       " private %s\n",
	       tp->node_name, tp->port_name, tp->port_id, tp->private ? "set" : "NULL");
	ok &= tp->node_name == pi.node_name && tp->port_name == pi.port_name &&
	      tp->port_id == pi.port_id && tp->private;

	rc = nvmet_fc_unregister_targetport(tp);
	printf("unregister: %d, targetport_delete calls: %d\n", rc, deleted);
	ok &= rc == 0 && deleted == 1;

	rc = fcnvme_dma_alloc(NULL, 4096, &buf, &handle);
	printf("dma_alloc without a device: %d, handle is the address: %s\n", rc,
	       rc == 0 && handle == (fcnvme_dma_t)(uintptr_t)buf ? "yes" : "no");
	ok &= rc == 0 && handle == (fcnvme_dma_t)(uintptr_t)buf;
	if (rc == 0)
		fcnvme_dma_free(NULL, buf, 4096);
	return ok ? 0 : 1;
}
