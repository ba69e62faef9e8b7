// SPDX-License-Identifier: Apache-2.0
/*
 * The rbd backend when nvmetfcd is built without librbd: configurations
 * that name it still parse, print and save, but the namespace cannot open.
 */
#include <errno.h>

#include "backend.h"
#include "core/tgt_priv.h"

static int rbd_stub_open(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size,
			 char *err, size_t errlen)
{
	(void)p;
	(void)bep;
	(void)size;
	tgt_err(err, errlen,
		"nvmetfcd was built without librbd (install librbd-dev and rebuild) for rbd "
		"namespaces");
	return -EOPNOTSUPP;
}

static int rbd_stub_grow(struct backend *be, uint64_t size, uint64_t *size_out, char *err,
			 size_t errlen)
{
	(void)be;
	(void)size;
	(void)size_out;
	(void)err;
	(void)errlen;
	return -EOPNOTSUPP;
}

static void rbd_stub_close(struct backend *be)
{
	(void)be;
}

static uint16_t rbd_stub_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
				uint64_t off, uint64_t len)
{
	(void)be;
	(void)req;
	(void)op;
	(void)off;
	(void)len;
	return NVME_SC_INTERNAL;
}

size_t backend_rbd_addrs(uint32_t domain, char *buf, size_t len)
{
	(void)domain;
	if (len)
		buf[0] = '\0';
	return 0;
}

void backend_rbd_fenced_all(void)
{
}

const struct backend_ops backend_rbd_ops = {
	.name = "rbd",
	.open = rbd_stub_open,
	.grow = rbd_stub_grow,
	.close = rbd_stub_close,
	.submit = rbd_stub_submit,
};
