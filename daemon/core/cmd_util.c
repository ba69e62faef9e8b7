// SPDX-License-Identifier: Apache-2.0
/*
 * Small helpers shared by the command executors: transfer length checks,
 * copying a built structure into the request's data buffer, and setting the
 * CQE result.
 */
#include <endian.h>
#include <string.h>

#include "tgt_priv.h"

/* The host must transfer exactly len bytes (nvmet's rule). */
uint16_t cmd_check_len(const struct nvmet_fc_req *req, uint32_t len)
{
	if (req->transfer_len != len)
		return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
	return NVME_SC_SUCCESS;
}

/* Copy len bytes to the data buffer, zero-filling the rest of it. */
void cmd_copy_out(struct nvmet_fc_req *req, const void *buf, size_t len)
{
	if (len > req->transfer_len)
		len = req->transfer_len;
	memcpy(req->data, buf, len);
	memset((uint8_t *)req->data + len, 0, req->transfer_len - len);
}

/* Set CQE dwords 0 and 1. */
void cmd_set_result(struct nvmet_fc_req *req, uint64_t v)
{
	req->cqe->result.u64 = htole64(v);
}
