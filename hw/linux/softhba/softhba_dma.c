// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA window allocator. The guest owns the whole DMA window of its port
 * (docs/softhba-vm-port.md): command IUs and bounce buffers are carved out
 * of it here, first fit over a sorted, coalescing list of free extents with
 * page granularity. A DMA handle is SHBA_DMA_HANDLE_BASE + the offset.
 * Used at probe and remove only, so it takes no lock.
 */
#include <linux/slab.h>

#include "softhba.h"

struct softhba_dma_ext {
	struct list_head node;
	u64 off;
	u64 len;
};

static u64 softhba_dma_round(u64 len)
{
	return round_up(len, SHBA_PAGE);
}

/* The window [0, size) rounded down to pages, all free. */
int softhba_dma_init(struct softhba_dma *d, u64 size)
{
	INIT_LIST_HEAD(&d->free);
	d->size = round_down(size, SHBA_PAGE);
	if (!d->size)
		return 0;
	return softhba_dma_free(d, 0, d->size);
}

/* Take len bytes (rounded up to pages); their offset in *off. */
int softhba_dma_alloc(struct softhba_dma *d, u64 len, u64 *off)
{
	u64 need = softhba_dma_round(len);
	struct softhba_dma_ext *e;

	if (!len || need < len)
		return -EINVAL;
	list_for_each_entry(e, &d->free, node) {
		if (e->len < need)
			continue;
		*off = e->off;
		e->off += need;
		e->len -= need;
		if (!e->len) {
			list_del(&e->node);
			kfree(e);
		}
		return 0;
	}
	return -ENOMEM;
}

/* Give back [off, off + len) (rounded up to pages); merges with neighbours.
 * Rejects a range outside the window or overlapping a free extent.
 */
int softhba_dma_free(struct softhba_dma *d, u64 off, u64 len)
{
	struct softhba_dma_ext *e, *next = NULL, *prev = NULL, *n;

	len = softhba_dma_round(len);
	if (!len || off % SHBA_PAGE || off > d->size || len > d->size - off)
		return -EINVAL;
	list_for_each_entry(e, &d->free, node) {
		if (e->off > off) {
			next = e;
			break;
		}
		prev = e;
	}
	if ((prev && prev->off + prev->len > off) || (next && off + len > next->off))
		return -EINVAL;
	if (prev && prev->off + prev->len == off) {
		prev->len += len;
		if (next && prev->off + prev->len == next->off) {
			prev->len += next->len;
			list_del(&next->node);
			kfree(next);
		}
		return 0;
	}
	if (next && off + len == next->off) {
		next->off = off;
		next->len += len;
		return 0;
	}
	n = kmalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->off = off;
	n->len = len;
	if (next)
		list_add_tail(&n->node, &next->node);
	else
		list_add_tail(&n->node, &d->free);
	return 0;
}

/* Drop the bookkeeping (the window itself belongs to the device). */
void softhba_dma_destroy(struct softhba_dma *d)
{
	struct softhba_dma_ext *e, *t;

	list_for_each_entry_safe(e, t, &d->free, node) {
		list_del(&e->node);
		kfree(e);
	}
}
