// SPDX-License-Identifier: Apache-2.0
/*
 * The remote-driver mode of the driver's device: this process is the
 * guest driver of a port whose firmware runs in a softhba-vmport port
 * server (docs/softhba-vm-port.md), on the host through the server's
 * ivshmem socket ("vmport:SOCKET", hw_ivshmem_client.c). The region is
 * checked once at probe and its geometry kept in a private copy (the
 * server may rewrite the shared BAR); the slow path reads deq and writes
 * mq instead of the eq and the peers' eqs; a doorbell is the ivshmem
 * vector of the ring; a fw_heartbeat that stops for 3 s is link loss.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fcnvme/clock.h>

#include "hw_ivshmem_client.h"
#include "hw_priv.h"

static bool hw_rdrv_ring_ok(const struct hw_bar *b, const struct hw_ring *r, uint32_t esize,
			    uint64_t len)
{
	return r->esize == esize && r->entries && !(r->entries & (r->entries - 1)) &&
	       r->off >= sizeof(struct hw_bar) && r->off <= len &&
	       (uint64_t)r->entries * r->esize <= len - r->off && b->bar_size <= len;
}

/* Copy the BAR of a len-byte region into geo and check it as a guest
 * driver must before trusting any offset in it: magic, version, the remote
 * flag, every ring, the XRI table and the DMA window inside the region,
 * nr_vectors = 1 + nr_hwq (and = nvec when nvec is not 0). 0 or -EPROTO. */
int hw_rdrv_probe(const void *base, uint64_t len, unsigned int nvec, struct hw_bar *geo)
{
	const struct hw_bar *b = geo;
	unsigned int q;

	if (len < sizeof(*geo) || (len & (len - 1))) /* a BAR: a power of two */
		return -EPROTO;
	hw_fetch_once(geo, base, sizeof(*geo));
	if (b->magic != HW_BAR_MAGIC || b->version != HW_BAR_VERSION ||
	    !(b->flags & HW_BAR_F_REMOTE) || b->region_size != len || b->nr_hwq == 0 ||
	    b->nr_hwq > HW_MAX_HWQ || b->nr_vectors != 1u + b->nr_hwq ||
	    (nvec && b->nr_vectors != nvec) || b->dma_off > len || b->dma_size > len - b->dma_off ||
	    b->dma_size == 0 || b->xri_off > len ||
	    (uint64_t)b->nr_xri * sizeof(struct hw_xri) > len - b->xri_off ||
	    b->slot >= HW_MAX_PORTS)
		return -EPROTO;
	if (!hw_rdrv_ring_ok(b, &b->mq, HW_EQE_SIZE, len) ||
	    !hw_rdrv_ring_ok(b, &b->deq, HW_EQE_SIZE, len))
		return -EPROTO;
	for (q = 0; q < b->nr_hwq; q++)
		if (!hw_rdrv_ring_ok(b, &b->wq[q], HW_WQE_SIZE, len) ||
		    !hw_rdrv_ring_ok(b, &b->cq[q], HW_CQE_SIZE, len))
			return -EPROTO;
	return 0;
}

/* "vmport:SOCKET": connect as QEMU would, map and probe. */
int hw_rdrv_open_vmport(struct hw_dev *d, const char *socket_path)
{
	struct hw_ivshmem_client *c;
	int rc;

	c = malloc(sizeof(*c));
	d->geo_copy = malloc(sizeof(*d->geo_copy));
	if (!c || !d->geo_copy) {
		rc = -ENOMEM;
		goto out_free;
	}
	rc = hw_ivshmem_client_open(c, socket_path);
	if (rc) {
		hw_ivshmem_client_close(c);
		rc = hw_fabric_refuse(
			rc, socket_path,
			rc == -EPROTO	? "is not a softhba-vmport socket (bad greeting)"
			: rc == -EAGAIN ? "accepted the connection but sent no greeting "
					  "(a port server that is stopped, or not one)"
					: "cannot be connected to");
		goto out_free;
	}
	rc = hw_rdrv_probe(c->base, c->len, c->nvec, d->geo_copy);
	if (!rc && d->geo_copy->fw_peer_id != (uint32_t)c->fw_id)
		rc = -EPROTO;
	if (rc) {
		hw_ivshmem_client_close(c);
		rc = hw_fabric_refuse(rc, socket_path,
				      "serves a region that is not a valid remote-driver port");
		goto out_free;
	}
	d->ivc = c;
	d->rdrv = true;
	d->base = c->base;
	d->bar = c->base;
	d->geo = d->geo_copy;
	d->slot = d->geo->slot;
	return 0;

out_free:
	free(c);
	free(d->geo_copy);
	d->geo_copy = NULL;
	return rc;
}

/* Ring vector vec of the port server. Any thread. */
void hw_rdrv_doorbell(struct hw_dev *d, unsigned int vec)
{
	if (d->ivc) {
		hw_ivshmem_client_ring(d->ivc, vec);
	} else if (d->map.regs) {
		/* ivshmem's Doorbell register (BAR0 + 12): the peer id in the
		 * upper half, the vector in the lower; the ring entries must be
		 * visible before QEMU tells the port server. As the kernel's
		 * writel(): on x86 no store passes an older one (WB or UC), so
		 * keeping the compiler from moving them is enough (and TSan
		 * builds take it, unlike atomic_thread_fence); elsewhere a
		 * full fence. */
#if defined(__x86_64__) || defined(__i386__)
		atomic_signal_fence(memory_order_seq_cst);
#else
		atomic_thread_fence(memory_order_seq_cst);
#endif
		*(volatile uint32_t *)((char *)d->map.regs + 12) =
			(d->geo->fw_peer_id << 16) | (vec & 0xffff);
	}
}

/* Post e to mq for slot and ring vector 0. [ctl] */
int hw_rdrv_mq_send(struct hw_dev *d, unsigned int slot, struct hw_eqe *e)
{
	int rc;

	if (hw_rdrv_gone(d))
		return -ENETDOWN;
	if (slot >= HW_MAX_PORTS)
		return -EHOSTUNREACH;
	e->peer_slot = (uint16_t)slot;
	rc = hw_ring_post_geo(d->base, &d->bar->mq, &d->geo->mq, e, sizeof(*e));
	if (rc == -EAGAIN)
		atomic_fetch_add(&d->bar->cnt.busy, 1);
	hw_rdrv_doorbell(d, 0);
	return rc;
}

/* Post an mq request of type (DRV_UP, DRV_DOWN). [ctl] */
int hw_rdrv_drv(struct hw_dev *d, uint16_t type)
{
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	return hw_rdrv_mq_send(d, 0, &e);
}

/* [ctl] See hw_priv.h. */
uint64_t hw_rdrv_successor(const struct hw_dev *d)
{
	unsigned long long ctime_ns;
	struct stat st;
	uint64_t id;

	if (!d->ivc || !hw_rdrv_gone(d) || stat(d->ivc->path, &st) || !S_ISSOCK(st.st_mode))
		return 0;
	ctime_ns = (unsigned long long)st.st_ctim.tv_sec * 1000000000ull +
		   (unsigned long long)st.st_ctim.tv_nsec;
	if ((unsigned long long)st.st_dev == d->ivc->path_dev &&
	    (unsigned long long)st.st_ino == d->ivc->path_ino && ctime_ns == d->ivc->path_ctime_ns)
		return 0;
	id = (uint64_t)st.st_ino ^ ((uint64_t)st.st_dev << 40) ^
	     (uint64_t)ctime_ns * 0x9e3779b97f4a7c15ull;
	return id ? id : 1;
}

/* The heartbeat watchdog, at every tick [ctl]: 1 when fw_heartbeat has
 * just been found still for HW_RDRV_HB_DEAD_MS (the port server is gone),
 * -1 when it moves again after that, 0 otherwise. */
int hw_rdrv_heartbeat(struct hw_dev *d)
{
	uint64_t hb = atomic_load(&d->bar->fw_heartbeat), now = fcnvme_clock_ns();
	bool dead = atomic_load_explicit(&d->hb_dead, memory_order_relaxed); /* ours */

	if (d->srv_closed)
		return 0;
	if (d->ivc && hw_ivshmem_client_closed(d->ivc)) {
		d->srv_closed = true;
		atomic_store_explicit(&d->hb_dead, true, memory_order_release);
		return dead ? 0 : 2;
	}

	if (hb != d->hb_last || !d->hb_change_ns) {
		d->hb_last = hb;
		d->hb_change_ns = now;
		if (dead) {
			atomic_store_explicit(&d->hb_dead, false, memory_order_release);
			return -1;
		}
		return 0;
	}
	if (dead || now - d->hb_change_ns < (uint64_t)HW_RDRV_HB_DEAD_MS * 1000000u)
		return 0;
	atomic_store_explicit(&d->hb_dead, true, memory_order_release);
	return 1;
}
