// SPDX-License-Identifier: Apache-2.0
/*
 * The DMA memory allocator of a device: first-fit over the device's DMA
 * window with a sorted, coalescing free list, 4 KiB granularity. Handles are
 * HW_DMA_HANDLE_BASE + offset. Used only on the control thread (the
 * fcnvme_dma_ops contract), so it takes no lock.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "hw_priv.h"

/* A free extent of the DMA window; list sorted by offset. */
struct hw_dma_blk {
	struct hw_dma_blk *next;
	uint64_t off, len;
};

static uint64_t hw_dma_round(size_t len)
{
	return ((uint64_t)len + HW_PAGE - 1) & ~(uint64_t)(HW_PAGE - 1);
}

/* DMA handle of an address inside the DMA window, or 0. */
fcnvme_dma_t hw_dma_handle(struct hw_dev *d, const void *vaddr)
{
	const char *w = (const char *)d->base + d->geo->dma_off;
	const char *p = vaddr;

	if (p < w || p >= w + d->geo->dma_size)
		return 0;
	return HW_DMA_HANDLE_BASE + (uint64_t)(p - w);
}

/* Address of a handle's range in the device's own DMA window, or NULL. */
void *hw_dma_va(const struct hw_dev *d, uint64_t handle, uint64_t len)
{
	if (!hw_dma_ok(handle, len, d->geo->dma_size))
		return NULL;
	return (char *)d->base + d->geo->dma_off + (handle - HW_DMA_HANDLE_BASE);
}

/* Allocate len bytes of DMA memory. */
int hw_dma_alloc(struct hw_dev *d, size_t len, void **vaddr, fcnvme_dma_t *handle)
{
	struct hw_dma_blk **pp, *b;
	uint64_t need = hw_dma_round(len);

	if (len == 0)
		return -EINVAL;
	for (pp = &d->dma_free; (b = *pp); pp = &b->next) {
		if (b->len < need)
			continue;
		*vaddr = (char *)d->base + d->geo->dma_off + b->off;
		*handle = HW_DMA_HANDLE_BASE + b->off;
		b->off += need;
		b->len -= need;
		if (b->len == 0) {
			*pp = b->next;
			free(b);
		}
		d->dma_in_use += need;
		return 0;
	}
	d->dma_refused++;
	return -ENOMEM;
}

/* Return memory from hw_dma_alloc. */
void hw_dma_free(struct hw_dev *d, void *vaddr, size_t len)
{
	struct hw_dma_blk **pp, *b, *n;
	fcnvme_dma_t h = hw_dma_handle(d, vaddr);
	uint64_t off, sz = hw_dma_round(len);

	if (!h || len == 0)
		return;
	off = h - HW_DMA_HANDLE_BASE;
	for (pp = &d->dma_free; *pp && (*pp)->off < off; pp = &(*pp)->next)
		;
	n = malloc(sizeof(*n));
	if (!n)
		return; /* leak the extent rather than corrupt the list */
	d->dma_in_use = d->dma_in_use > sz ? d->dma_in_use - sz : 0;
	n->off = off;
	n->len = sz;
	n->next = *pp;
	*pp = n;
	/* Coalesce with the next and with the previous extent. */
	if (n->next && n->off + n->len == n->next->off) {
		b = n->next;
		n->len += b->len;
		n->next = b->next;
		free(b);
	}
	for (b = d->dma_free; b && b->next != n; b = b->next)
		;
	if (b && b->off + b->len == n->off) {
		b->len += n->len;
		b->next = n->next;
		free(n);
	}
}

static int hw_dma_op_alloc(struct fcnvme_device *dev, size_t len, void **vaddr,
			   fcnvme_dma_t *handle)
{
	return hw_dma_alloc(dev->priv, len, vaddr, handle);
}

static void hw_dma_op_free(struct fcnvme_device *dev, void *vaddr, size_t len)
{
	hw_dma_free(dev->priv, vaddr, len);
}

static const struct fcnvme_dma_ops hw_dma_ops = {
	.alloc = hw_dma_op_alloc,
	.free = hw_dma_op_free,
};

/* Start with the whole DMA window free; set up the fcnvme_device. */
int hw_dma_init(struct hw_dev *d)
{
	d->dma_free = NULL;
	if (d->geo->dma_size >= HW_PAGE) {
		d->dma_free = malloc(sizeof(*d->dma_free));
		if (!d->dma_free)
			return -ENOMEM;
		d->dma_free->next = NULL;
		d->dma_free->off = 0;
		d->dma_free->len = d->geo->dma_size & ~(uint64_t)(HW_PAGE - 1);
	}
	d->fdev.dma_ops = &hw_dma_ops;
	d->fdev.priv = d;
	return 0;
}

/* Release the allocator's bookkeeping. */
void hw_dma_fini(struct hw_dev *d)
{
	struct hw_dma_blk *b;

	while ((b = d->dma_free)) {
		d->dma_free = b->next;
		free(b);
	}
}
