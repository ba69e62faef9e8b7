// SPDX-License-Identifier: Apache-2.0
/*
 * The null backend: a namespace of the configured size whose reads return
 * zeroes and whose writes are dropped, at the cost of a memset; for
 * benchmarking the transport and the core without storage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/nvmet_fc_core.h>

#include "backend.h"
#include "core/tgt_priv.h"

struct null_be {
	struct backend be;
	uint64_t size;
};

static int null_open(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size, char *err,
		     size_t errlen)
{
	struct null_be *nb;

	if (!p->size) {
		tgt_err(err, errlen, "a null namespace needs a size");
		return -EINVAL;
	}
	nb = calloc(1, sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	nb->be.ops = &backend_null_ops;
	nb->be.zeroes_dealloc = true;
	nb->be.writable = true;
	nb->size = p->size;
	*bep = &nb->be;
	*size = p->size;
	return 0;
}

static int null_grow(struct backend *be, uint64_t size, uint64_t *size_out, char *err,
		     size_t errlen)
{
	struct null_be *nb = (struct null_be *)be;

	if (!size) {
		tgt_err(err, errlen, "a null namespace needs an explicit size");
		return -EINVAL;
	}
	nb->size = size;
	*size_out = size;
	return 0;
}

static void null_close(struct backend *be)
{
	free(be);
}

static uint16_t null_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			    uint64_t off, uint64_t len)
{
	uint64_t i;

	(void)be;
	(void)off;
	switch (op) {
	case BE_READ:
		memset(req->data, 0, len);
		return NVME_SC_SUCCESS;
	case BE_COMPARE:
		for (i = 0; i < len; i++)
			if (((const uint8_t *)req->data)[i])
				return NVME_SC_COMPARE_FAILED;
		return NVME_SC_SUCCESS;
	default:
		return NVME_SC_SUCCESS;
	}
}

const struct backend_ops backend_null_ops = {
	.name = "null",
	.open = null_open,
	.grow = null_grow,
	.close = null_close,
	.submit = null_submit,
};
