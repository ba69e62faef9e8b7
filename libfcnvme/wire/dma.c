// SPDX-License-Identifier: Apache-2.0
/*
 * DMA memory for transports: through the device's dma_ops, or, for a NULL
 * device (no DMA constraints), from the heap with the virtual address as the
 * handle.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/nvme_fc_driver.h>

/* Allocate len bytes the device can reach, 4 KiB aligned and zeroed. */
int fcnvme_dma_alloc(struct fcnvme_device *dev, size_t len, void **vaddr, fcnvme_dma_t *handle)
{
	void *p;
	int rc;

	if (len == 0 || !vaddr || !handle)
		return -EINVAL;
	if (dev) {
		if (!dev->dma_ops || !dev->dma_ops->alloc)
			return -EINVAL;
		rc = dev->dma_ops->alloc(dev, len, vaddr, handle);
		if (rc == 0)
			memset(*vaddr, 0, len);
		return rc;
	}
	if (posix_memalign(&p, 4096, len))
		return -ENOMEM;
	memset(p, 0, len);
	*vaddr = p;
	*handle = (fcnvme_dma_t)(uintptr_t)p;
	return 0;
}

/* Release memory from fcnvme_dma_alloc(). */
void fcnvme_dma_free(struct fcnvme_device *dev, void *vaddr, size_t len)
{
	if (!vaddr)
		return;
	if (dev && dev->dma_ops && dev->dma_ops->free)
		dev->dma_ops->free(dev, vaddr, len);
	else if (!dev)
		free(vaddr);
}
