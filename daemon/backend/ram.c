// SPDX-License-Identifier: Apache-2.0
/*
 * The ram backend: the namespace is anonymous memory. The address range is
 * reserved once (PROT_NONE, up to RAM_RESERVE or the size if larger) and made
 * accessible as the namespace grows, so the base address never moves under
 * I/O threads. Deallocated ranges are zeroed, so they read back as zeroes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <fcnvme/nvmet_fc_core.h>

#include "backend.h"
#include "core/tgt_priv.h"

#define RAM_RESERVE (64ull << 30) /* address space, not memory */

struct ram_be {
	struct backend be;
	uint8_t *base;
	uint64_t size; /* accessible bytes, page multiple */
	uint64_t reserve;
};

static uint64_t ram_page_up(uint64_t v)
{
	return (v + 4095) & ~4095ull;
}

static int ram_open(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size, char *err,
		    size_t errlen)
{
	struct ram_be *rb;
	void *m;
	uint64_t sz = ram_page_up(p->size);

	if (!p->size) {
		tgt_err(err, errlen, "a ram namespace needs a size");
		return -EINVAL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	rb->reserve = sz > RAM_RESERVE ? sz : RAM_RESERVE;
	m = mmap(NULL, rb->reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		tgt_err(err, errlen, "cannot reserve %llu bytes of memory",
			(unsigned long long)rb->reserve);
		goto out_free_rb;
	}
	if (mprotect(m, sz, PROT_READ | PROT_WRITE)) {
		tgt_err(err, errlen, "cannot allocate %llu bytes of memory",
			(unsigned long long)sz);
		munmap(m, rb->reserve);
		goto out_free_rb;
	}
	rb->base = m;
	rb->size = sz;
	rb->be.ops = &backend_ram_ops;
	rb->be.zeroes_dealloc = true;
	*bep = &rb->be;
	*size = p->size;
	return 0;

out_free_rb:
	free(rb);
	return -ENOMEM;
}

static int ram_grow(struct backend *be, uint64_t size, uint64_t *size_out, char *err, size_t errlen)
{
	struct ram_be *rb = (struct ram_be *)be;
	uint64_t sz = ram_page_up(size);

	if (!size) {
		tgt_err(err, errlen, "a ram namespace needs an explicit size");
		return -EINVAL;
	}
	if (sz > rb->reserve) {
		tgt_err(err, errlen, "a ram namespace can grow to at most %llu bytes",
			(unsigned long long)rb->reserve);
		return -ENOSPC;
	}
	if (sz > rb->size && mprotect(rb->base + rb->size, sz - rb->size, PROT_READ | PROT_WRITE)) {
		tgt_err(err, errlen, "cannot allocate %llu more bytes of memory",
			(unsigned long long)(sz - rb->size));
		return -ENOMEM;
	}
	if (sz > rb->size)
		rb->size = sz;
	*size_out = size;
	return 0;
}

static void ram_close(struct backend *be)
{
	struct ram_be *rb = (struct ram_be *)be;

	munmap(rb->base, rb->reserve);
	free(rb);
}

static uint16_t ram_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			   uint64_t off, uint64_t len)
{
	struct ram_be *rb = (struct ram_be *)be;

	switch (op) {
	case BE_READ:
		memcpy(req->data, rb->base + off, len);
		break;
	case BE_WRITE:
	case BE_WRITE_FUA:
		memcpy(rb->base + off, req->data, len);
		break;
	case BE_WRITE_ZEROES:
	case BE_DISCARD:
		memset(rb->base + off, 0, len);
		break;
	case BE_COMPARE:
		if (memcmp(rb->base + off, req->data, len))
			return NVME_SC_COMPARE_FAILED;
		break;
	case BE_FLUSH:
		break;
	}
	return NVME_SC_SUCCESS;
}

const struct backend_ops backend_ram_ops = {
	.name = "ram",
	.open = ram_open,
	.grow = ram_grow,
	.close = ram_close,
	.submit = ram_submit,
};
