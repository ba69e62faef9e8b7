// SPDX-License-Identifier: Apache-2.0
/*
 * The data buffers of the target transport: one pool per hardware queue,
 * shared by every NVMe queue steered to it (of every association), each
 * buffer max_data_len bytes of the port's DMA memory with its 4 KiB sg
 * elements. A command with data takes one when it starts and gives it back
 * when its exchange is released, both on the hwq thread: no locks, no
 * allocation. A hw queue holds at most as many commands as its LLDD has
 * exchanges, so a pool of that many buffers (nvmet_fc_set_data_buffers)
 * never runs dry, and the DMA memory a port needs no longer grows with
 * the associations and queue sizes hosts ask for. Linux nvmet-fc instead
 * allocates each command's pages (nvmet_fc_alloc_tgt_pgs()); before this,
 * every queue entry here owned a buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nvmet_fc_int.h"

/* Set the pool size; see nvmet_fc_core.h. [ctl] */
int nvmet_fc_set_data_buffers(struct nvmet_fc_target_port *target_port, uint32_t per_hwq)
{
	struct fcn_tgtport *tp;

	if (!target_port || !per_hwq || per_hwq > FCN_MAX_DATA_BUFS)
		return -EINVAL;
	tp = fcn_tgtport(target_port);
	if (tp->bufs_ready && (tp->core_ops || !fcn_list_empty(&tp->assoc_list)))
		return -EBUSY;
	/* unbound, nothing left of the earlier binding: the next bind makes
	 * the pools anew */
	fcn_buf_pools_free(tp);
	tp->data_bufs = per_hwq;
	return 0;
}

/* Free every pool; no command may hold a buffer. [ctl] */
void fcn_buf_pools_free(struct fcn_tgtport *tp)
{
	uint32_t q, i;

	for (q = 0; tp->hwqs && q < tp->ops->max_hw_queues; q++) {
		struct fcn_hwq *h = &tp->hwqs[q];

		for (i = 0; h->bufs && i < h->nr_bufs; i++)
			if (h->bufs[i].data)
				fcnvme_dma_free(tp->dev, h->bufs[i].data, tp->bufs_len);
		if (h->bufs)
			free(h->bufs[0].sg);
		free(h->bufs);
		h->bufs = NULL;
		h->buf_free = NULL;
		h->nr_bufs = 0;
	}
	tp->bufs_ready = false;
}

/* One hw queue's pool of n buffers of len bytes. */
static int fcn_buf_pool_alloc(struct fcn_tgtport *tp, struct fcn_hwq *h, uint32_t n, uint32_t len)
{
	uint32_t nents = len / FCN_SG_ELEM_LEN, i, j;
	struct fcnvme_sg *sgs;
	int rc;

	h->bufs = calloc(n, sizeof(*h->bufs));
	sgs = calloc((size_t)n * nents, sizeof(*sgs));
	if (!h->bufs || !sgs) {
		free(sgs);
		return -ENOMEM;
	}
	h->nr_bufs = n;
	h->bufs[0].sg = sgs;
	for (i = n; i-- > 0;) {
		struct fcn_buf *b = &h->bufs[i];

		b->sg = sgs + (size_t)i * nents;
		rc = fcnvme_dma_alloc(tp->dev, len, &b->data, &b->dma);
		if (rc) {
			b->data = NULL;
			return rc == -ENOMEM ? -ENOSPC : rc;
		}
		for (j = 0; j < nents; j++) {
			b->sg[j].addr = (uint8_t *)b->data + (size_t)j * FCN_SG_ELEM_LEN;
			b->sg[j].dma = b->dma + (fcnvme_dma_t)j * FCN_SG_ELEM_LEN;
			b->sg[j].length = FCN_SG_ELEM_LEN;
		}
		b->next = h->buf_free;
		h->buf_free = b;
	}
	return 0;
}

/* Give every hw queue its pool of max_data_len buffers, at a bind: kept
 * from an earlier bind of the same length; of another length only once
 * every association of the earlier one is gone (an association is freed
 * after its queues, and a queue after its commands), else -EBUSY. -ENOSPC
 * when the port's DMA memory cannot hold them, nothing left allocated.
 * [ctl] */
int fcn_buf_pools_alloc(struct fcn_tgtport *tp)
{
	uint32_t q;
	int rc;

	if (tp->bufs_ready && tp->bufs_len == tp->cfg.max_data_len)
		return 0;
	if (tp->bufs_ready && !fcn_list_empty(&tp->assoc_list))
		return -EBUSY;
	fcn_buf_pools_free(tp);
	tp->bufs_len = tp->cfg.max_data_len;
	for (q = 0; q < tp->ops->max_hw_queues; q++) {
		rc = fcn_buf_pool_alloc(tp, &tp->hwqs[q],
					tp->data_bufs ? tp->data_bufs : FCN_DEF_DATA_BUFS,
					tp->bufs_len);
		if (rc) {
			fcn_buf_pools_free(tp);
			return rc;
		}
	}
	tp->bufs_ready = true;
	return 0;
}

/* A buffer for fod's data from its hw queue's pool; false when the pool
 * is empty. [hwq] */
bool fcn_buf_take(struct fcn_fod *fod)
{
	struct fcn_hwq *h = &fod->queue->tgtport->hwqs[fod->queue->hwqid];
	struct fcn_buf *b = h->buf_free;

	if (!b) {
		h->buf_empty++;
		return false;
	}
	h->buf_free = b->next;
	fod->buf = b;
	fod->data = b->data;
	fod->data_dma = b->dma;
	fod->sg = b->sg;
	return true;
}

/* Give fod's buffer back (last in, first out: the next command takes the
 * one whose lines are still in this CPU's cache); its sg elements must be
 * restored (fcn_data_restore). [hwq] */
void fcn_buf_put(struct fcn_fod *fod)
{
	struct fcn_hwq *h = &fod->queue->tgtport->hwqs[fod->queue->hwqid];
	struct fcn_buf *b = fod->buf;

	if (!b)
		return;
	b->next = h->buf_free;
	h->buf_free = b;
	fod->buf = NULL;
	fod->data = NULL;
	fod->data_dma = 0;
	fod->sg = NULL;
}
