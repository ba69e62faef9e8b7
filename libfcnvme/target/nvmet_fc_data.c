// SPDX-License-Identifier: Apache-2.0
/*
 * The data sg list of a request context (fod): the 4 KiB elements over the
 * fod's own DMA buffer, re-pointed at the core's memory for a zero-copy Read
 * (nvmet_fc_req_data_ref(), when the LLDD has NVMET_FCTGTFEAT_DATA_VADDR),
 * and restored when the exchange is released, so that the next command in
 * the context starts from its own buffer and full-length elements. Linux
 * nvmet-fc has no counterpart: its sg list always maps the request's pages
 * (drivers/nvme/target/fc.c nvmet_fc_alloc_tgt_pgs()). [hwq] only; no
 * locks, no allocation.
 */
#include <errno.h>

#include "nvmet_fc_int.h"

bool fcn_data_restore(struct fcn_fod *fod)
{
	uint32_t cnt = fod->data_sg_cnt, i, off, left;
	bool ref = fod->data_ref;

	fod->data_ref = false;
	if (!cnt)
		return ref;
	for (i = 0; ref && i < cnt; i++) {
		off = i * FCN_SG_ELEM_LEN;
		fod->sg[i].addr = (uint8_t *)fod->data + off;
		fod->sg[i].dma = fod->data_dma + off;
	}
	/* fcn_fcp_handle() shortened the last element in use. */
	off = (cnt - 1) * FCN_SG_ELEM_LEN;
	left = fod->queue->max_data_len - off;
	fod->sg[cnt - 1].length = left < FCN_SG_ELEM_LEN ? left : FCN_SG_ELEM_LEN;
	fod->data_sg_cnt = 0;
	return ref;
}

int nvmet_fc_req_data_ref(struct nvmet_fc_req *req, const void *addr, uint32_t len)
{
	struct fcn_fod *fod;
	uint32_t i;

	/* data_ref_ok is only ever set in a fod's own req (fcn_fcp_handle):
	 * check it before treating req as part of one. */
	if (!req || !req->data_ref_ok)
		return -EOPNOTSUPP;
	if (!addr || len != req->transfer_len)
		return -EINVAL;
	fod = fcn_container_of(req, struct fcn_fod, req);
	if (!fod->in_core)
		return -EINVAL; /* after queue_response: the data may be moving */
	/* The elements' lengths stay as fcn_fcp_handle() set them for
	 * transfer_len; only where they point changes. The LLDD only reads
	 * a READDATA list, so dropping const is safe. */
	for (i = 0; i < fod->data_sg_cnt; i++) {
		fod->sg[i].addr = (uint8_t *)(uintptr_t)addr + (size_t)i * FCN_SG_ELEM_LEN;
		fod->sg[i].dma = 0;
	}
	fod->data_ref = true;
	return 0;
}
