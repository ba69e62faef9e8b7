// SPDX-License-Identifier: Apache-2.0
/*
 * The driver's device, common to both roles: opening (soft HBA: fabric login,
 * region layout, name-server registration; uio: map and check the BAR),
 * peers' regions, the slow-path event fd (an epoll set of the wake-up socket,
 * a 100 ms timer and a self-kick eventfd), link changes and slow-path sends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "hw_ivshmem_client.h"
#include "hw_ls.h"
#include "hw_priv.h"

#define HW_EQ_ENTRIES 256u
#define HW_WQ_ENTRIES 1024u
#define HW_TICK_MS    100

static uint64_t hw_align(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool hw_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* Lay out a soft region: eq, per hwq a WQ and a CQ, for a remote driver mq
 * and deq, the XRI table, the DMA window. Writes the geometry into bar and
 * initializes the rings when base is set; returns the region size (a power
 * of two for a remote driver, whose DMA window takes the slack) or 0 when
 * it does not fit in 64 bits. */
uint64_t hw_dev_layout(const struct hw_dev_cfg *cfg, struct hw_bar *bar, void *base)
{
	bool write = base != NULL, remote = cfg->flags & HW_BAR_F_REMOTE;
	uint64_t off = hw_align(sizeof(struct hw_bar), HW_PAGE), size;
	unsigned int q;

	if (write)
		hw_ring_init(base, &bar->eq, off, HW_EQ_ENTRIES, HW_EQE_SIZE);
	off = hw_align(off + (uint64_t)HW_EQ_ENTRIES * HW_EQE_SIZE, HW_PAGE);
	for (q = 0; q < cfg->nr_hwq; q++) {
		if (write)
			hw_ring_init(base, &bar->wq[q], off, HW_WQ_ENTRIES, HW_WQE_SIZE);
		off = hw_align(off + (uint64_t)HW_WQ_ENTRIES * HW_WQE_SIZE, HW_PAGE);
		if (write)
			hw_ring_init(base, &bar->cq[q], off, cfg->cq_entries, HW_CQE_SIZE);
		off = hw_align(off + (uint64_t)cfg->cq_entries * HW_CQE_SIZE, HW_PAGE);
	}
	if (remote) {
		if (write)
			hw_ring_init(base, &bar->mq, off, HW_MQ_ENTRIES, HW_EQE_SIZE);
		off = hw_align(off + (uint64_t)HW_MQ_ENTRIES * HW_EQE_SIZE, HW_PAGE);
		if (write)
			hw_ring_init(base, &bar->deq, off, HW_DEQ_ENTRIES, HW_EQE_SIZE);
		off = hw_align(off + (uint64_t)HW_DEQ_ENTRIES * HW_EQE_SIZE, HW_PAGE);
	}
	if (write) {
		bar->xri_off = off;
		bar->nr_xri = cfg->nr_xri;
	}
	off = hw_align(off + (uint64_t)cfg->nr_xri * sizeof(struct hw_xri), HW_PAGE);
	if (cfg->dma_size > (1ull << 62) - off)
		return 0;
	size = off + cfg->dma_size;
	if (remote) {
		uint64_t p = HW_PAGE;

		while (p < size)
			p <<= 1;
		size = p;
	}
	if (write) {
		bar->dma_off = off;
		bar->dma_size = size - off;
	}
	return size;
}

static int hw_dev_events(struct hw_dev *d, const char *sock_path)
{
	struct itimerspec its = {
		.it_interval = { 0, HW_TICK_MS * 1000000L },
		.it_value = { 0, HW_TICK_MS * 1000000L },
	};
	struct epoll_event ev = { .events = EPOLLIN };
	struct sockaddr_un sun;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->epfd < 0 || d->timerfd < 0 || d->kickfd < 0)
		return -errno;
	if (timerfd_settime(d->timerfd, 0, &its, NULL))
		return -errno;
	ev.data.fd = d->timerfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->timerfd, &ev))
		return -errno;
	ev.data.fd = d->kickfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->kickfd, &ev))
		return -errno;
	if (d->ivc) {
		/* Remote driver on the host: the port server's interrupt of
		 * vector 0 says deq has entries (the CQs are waited on by
		 * their futexes, which the peers' firmware wakes). */
		ev.data.fd = d->ivc->irq_efd[0];
		return epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) ? -errno : 0;
	}
	if (d->map.irq) {
		/* A real device interrupts through the uio fd. A PCI function
		 * without INTx (ivshmem-doorbell: MSI-X, which uio_pci_generic
		 * cannot deliver) or without uio has none: the slow path runs
		 * on the HW_TICK_MS timer and the I/O threads poll. */
		ev.data.fd = d->map.fd;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->map.fd, &ev))
			return -errno;
		return hw_map_uio_irq_enable(&d->map);
	}
	if (!sock_path)
		return 0;
	d->sockfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->sockfd < 0)
		return -errno;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sock_path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, sock_path);
	unlink(sock_path);
	if (bind(d->sockfd, (struct sockaddr *)&sun, sizeof(sun)))
		return -errno;
	/* In a directory only we may enter; the mode keeps umask out of it. */
	if (chmod(sock_path, HW_FILE_MODE))
		return -errno;
	ev.data.fd = d->sockfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sockfd, &ev))
		return -errno;
	return 0;
}

static int hw_dev_open_soft(struct hw_dev *d, const struct hw_dev_cfg *cfg, const char *name)
{
	char dir[HW_PATH_MAX], path[HW_PATH_MAX + 40];
	struct hw_bar tmp;
	uint64_t size;
	int slot, rc;

	rc = hw_fabric_path(cfg->shm_dir, name, dir, sizeof(dir));
	if (rc)
		return rc;
	/* Only softhbactl fabric create makes a fabric: a port never does,
	 * so a misspelt name cannot make an empty fabric of its own. */
	rc = hw_fabric_open(dir, &d->fab);
	if (rc == -ENOENT)
		return hw_fabric_missing(name);
	if (rc)
		return rc;
	d->soft = true;
	memset(&tmp, 0, sizeof(tmp));
	size = hw_dev_layout(cfg, &tmp, NULL);
	if (size == 0 || size > SIZE_MAX) {
		rc = -E2BIG;
		goto out_fabric;
	}
	/* Every peer of the fabric maps this region read-write (it posts
	 * into our CQs and EQ): the geometry we use is a private copy. */
	d->geo_copy = malloc(sizeof(*d->geo_copy));
	if (!d->geo_copy) {
		rc = -ENOMEM;
		goto out_fabric;
	}

	hw_fabric_lock(&d->fab);
	slot = hw_fabric_claim(&d->fab, cfg->wwnn, cfg->wwpn, cfg->roles);
	if (slot < 0) {
		rc = slot;
		goto out_unlock;
	}
	hw_fabric_port_path(&d->fab, cfg->wwpn, path, sizeof(path));
	rc = hw_map_soft_create(path, size, &d->map);
	if (rc)
		goto out_release;
	d->base = d->map.base;
	d->bar = d->base;
	d->slot = (unsigned int)slot;
	d->bar->version = HW_BAR_VERSION;
	d->bar->bar_size = (uint32_t)hw_align(sizeof(struct hw_bar), HW_PAGE);
	d->bar->region_size = size;
	d->bar->wwnn = cfg->wwnn;
	d->bar->wwpn = cfg->wwpn;
	d->bar->roles = cfg->roles;
	d->bar->slot = d->slot;
	d->bar->nr_hwq = cfg->nr_hwq;
	d->bar->flags = cfg->flags;
	if (cfg->flags & HW_BAR_F_REMOTE) {
		d->bar->fw_peer_id = cfg->fw_peer_id;
		d->bar->nr_vectors = 1u + cfg->nr_hwq;
	}
	atomic_store(&d->bar->owner_pid, (int32_t)getpid());
	hw_dev_layout(cfg, d->bar, d->base);
	atomic_store(&d->bar->port_id, d->fab.r->ns[slot].port_id);
	atomic_store(&d->bar->link, HW_LINK_UP);
	memcpy(d->geo_copy, d->bar, sizeof(*d->geo_copy));
	d->geo = d->geo_copy;
	atomic_thread_fence(memory_order_release);
	d->bar->magic = HW_BAR_MAGIC;
	hw_fabric_unlock(&d->fab);
	return 0;

out_release:
	atomic_store(&d->fab.r->ns[slot].state, HW_NS_OFFLINE);
out_unlock:
	hw_fabric_unlock(&d->fab);
out_fabric:
	free(d->geo_copy);
	d->geo_copy = NULL;
	hw_fabric_close(&d->fab);
	d->soft = false;
	return rc;
}

/* A real device: "/dev/uioN" or "pci:BDF" (hw_map.c, hw_map_pci.c). */
static int hw_dev_open_uio(struct hw_dev *d, const struct hw_dev_cfg *cfg)
{
	int rc;

	if (strncmp(cfg->dev, "pci:", 4) == 0)
		rc = hw_map_pci(cfg->dev + 4, NULL, &d->map);
	else
		rc = hw_map_uio(cfg->dev, NULL, &d->map);
	if (rc)
		return rc;
	d->base = d->map.base;
	d->bar = d->base;
	d->geo = d->bar;
	if (d->bar->magic != HW_BAR_MAGIC || d->bar->version != HW_BAR_VERSION ||
	    d->bar->region_size > d->map.len || d->bar->nr_hwq == 0 ||
	    d->bar->nr_hwq > HW_MAX_HWQ || d->bar->dma_off > d->map.len ||
	    d->bar->dma_size > d->map.len - d->bar->dma_off) {
		hw_map_close(&d->map);
		return -ENODEV;
	}
	if ((d->bar->flags & HW_BAR_F_REMOTE) && cfg->rdrv_ok && d->map.regs &&
	    d->map.regs_len >= 16) {
		/* A softhba-vmport port in a guest: this process is its
		 * driver (hw_rdrv.c), ringing the Doorbell register of BAR0. */
		d->geo_copy = malloc(sizeof(*d->geo_copy));
		if (!d->geo_copy || hw_rdrv_probe(d->map.base, d->map.len, 0, d->geo_copy)) {
			hw_map_close(&d->map);
			free(d->geo_copy);
			d->geo_copy = NULL;
			return hw_fabric_refuse(-EPROTO, cfg->dev,
						"serves a region that is not a valid remote-driver "
						"port");
		}
		d->rdrv = true;
		d->geo = d->geo_copy;
		d->slot = d->geo->slot;
		return 0;
	}
	if (d->bar->flags & HW_BAR_F_REMOTE) {
		/* A port whose firmware runs in softhba-vmport: its eq is the
		 * port server's, a driver uses mq/deq (docs/softhba-vm-port.md):
		 * the host LLDD does not speak it, and without the Doorbell
		 * register (BAR0) the target LLDD cannot. Reading eq would
		 * steal the port server's events. */
		hw_map_close(&d->map);
		return hw_fabric_refuse(
			-EOPNOTSUPP, cfg->dev,
			cfg->rdrv_ok ? "is a softhba-vmport port (remote-driver region) "
				       "whose Doorbell register (BAR0) could not be mapped"
				     : "is a softhba-vmport port (remote-driver region): this "
				       "driver does not implement the mq/deq interface yet");
	}
	d->slot = d->bar->slot;
	return 0;
}

/* DMA window size: cfg, or env FCNVME_DMA_MB (16..65536) when set. */
static uint64_t hw_dev_dma_size(uint64_t want)
{
	const char *e = getenv("FCNVME_DMA_MB");
	unsigned long mb;
	char *end;

	if (!e || !*e)
		return want;
	mb = strtoul(e, &end, 10);
	if (*end || mb < 16 || mb > 65536)
		return want;
	return want > ((uint64_t)mb << 20) ? want : (uint64_t)mb << 20;
}

/* Open the device, FLOGI and announce. */
int hw_dev_open(struct hw_dev *d, const struct hw_dev_cfg *cfg)
{
	char sock[HW_PATH_MAX + 48];
	unsigned int i;
	int rc;

	memset(d, 0, sizeof(*d));
	hw_fabric_why_clear();
	d->epfd = d->sockfd = d->timerfd = d->kickfd = -1;
	d->map.fd = -1;
	d->fab.fd = -1;
	if (!cfg->dev || cfg->nr_hwq == 0 || cfg->nr_hwq > HW_MAX_HWQ ||
	    !hw_pow2(cfg->cq_entries) || cfg->wwpn == 0 || cfg->wwnn == 0 ||
	    (cfg->flags & ~HW_BAR_F_REMOTE) ||
	    ((cfg->flags & HW_BAR_F_REMOTE) && strncmp(cfg->dev, "soft:", 5)))
		return -EINVAL;
	for (i = 0; i < HW_MAX_PORTS; i++)
		d->peers[i].fd = -1;
	if (strncmp(cfg->dev, "soft:", 5) == 0) {
		struct hw_dev_cfg c2 = *cfg;

		c2.dma_size = hw_dev_dma_size(cfg->dma_size);
		rc = hw_dev_open_soft(d, &c2, cfg->dev + 5);
	} else if (strncmp(cfg->dev, "/dev/uio", 8) == 0 || strncmp(cfg->dev, "pci:", 4) == 0) {
		rc = hw_dev_open_uio(d, cfg);
	} else if (strncmp(cfg->dev, "vmport:", 7) == 0) {
		rc = cfg->rdrv_ok ? hw_rdrv_open_vmport(d, cfg->dev + 7)
				  : hw_fabric_refuse(-EOPNOTSUPP, cfg->dev,
						     "is a softhba-vmport port: only the target "
						     "role drives one from the host");
	} else
		rc = -EINVAL;
	if (rc)
		return rc;
	d->xri = (struct hw_xri *)((char *)d->base + d->geo->xri_off);
	rc = hw_dma_init(d);
	if (rc)
		goto out_close;
	if (d->soft)
		hw_fabric_sock_path(&d->fab, cfg->wwpn, sock, sizeof(sock));
	rc = hw_dev_events(d, d->soft ? sock : NULL);
	if (rc)
		goto out_close;
	if (d->soft) {
		hw_fabric_lock(&d->fab);
		atomic_store(&d->fab.r->ns[d->slot].state, HW_NS_ONLINE);
		hw_fabric_unlock(&d->fab);
		hw_fabric_rscn(&d->fab, d->slot);
	}
	return 0;

out_close:
	hw_dev_close(d);
	return rc;
}

/* Leave the fabric and release everything hw_dev_open took. */
void hw_dev_close(struct hw_dev *d)
{
	struct hw_old_map *o;
	char sock[HW_PATH_MAX + 48];
	unsigned int i;

	if (d->soft && d->fab.r && d->bar) {
		char path[HW_PATH_MAX + 40];
		struct stat a, b;

		hw_fabric_lock(&d->fab);
		atomic_store(&d->fab.r->ns[d->slot].state, HW_NS_OFFLINE);
		/* Our device file goes (peers that still map it let go of it
		 * when they see us offline); the slot stays ours to reclaim
		 * on restart until another port needs it. */
		hw_fabric_port_path(&d->fab, d->bar->wwpn, path, sizeof(path));
		if (d->map.fd >= 0 && fstat(d->map.fd, &a) == 0 && lstat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			unlink(path);
		hw_fabric_unlock(&d->fab);
		hw_fabric_rscn(&d->fab, d->slot);
		hw_fabric_sock_path(&d->fab, d->bar->wwpn, sock, sizeof(sock));
		unlink(sock);
	}
	for (i = 0; i < HW_MAX_PORTS; i++)
		hw_fabric_unmap(&d->peers[i]);
	while ((o = d->old_maps)) {
		d->old_maps = o->next;
		hw_fabric_unmap(&o->m);
		free(o);
	}
	hw_dma_fini(d);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->sockfd >= 0)
		close(d->sockfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->kickfd >= 0)
		close(d->kickfd);
	if (d->map.base)
		hw_map_close(&d->map);
	if (d->ivc) {
		hw_ivshmem_client_close(d->ivc);
		free(d->ivc);
	}
	if (d->fab.r)
		hw_fabric_close(&d->fab);
	free(d->geo_copy);
	memset(d, 0, sizeof(*d));
}

/* True once no hw queue that was inside hw_fw_doorbell at snapshot seq can
 * still be there. No fence needed: a stale read only delays the unmap, and
 * an acquire read of a moved seq synchronises with the doorbell's release
 * on leaving, so its reads of the old view happened before the unmap. */
static bool hw_dev_quiet_since(const struct hw_dev *d, const uint32_t *seq)
{
	unsigned int q;

	for (q = 0; q < HW_MAX_HWQ; q++)
		if ((seq[q] & 1) &&
		    atomic_load_explicit(&d->fw_epoch[q].seq, memory_order_acquire) == seq[q])
			return false;
	return true;
}

/* Unmap the retired peer mappings no hw queue can still be reading. */
static void hw_dev_peers_reclaim(struct hw_dev *d)
{
	struct hw_old_map **pp = &d->old_maps, *o;

	while ((o = *pp)) {
		if (hw_dev_quiet_since(d, o->seq)) {
			*pp = o->next;
			hw_fabric_unmap(&o->m);
			free(o);
		} else {
			pp = &o->next;
		}
	}
}

/* Publish next (NULL: none) as the view of slot and retire the current
 * mapping, which is unmapped once no doorbell can be using it. gen and wwpn
 * of the peer stay (hw_dev_peer_alive compares them). -ENOMEM leaves
 * everything as it was. */
static int hw_dev_peer_retire(struct hw_dev *d, unsigned int slot, struct hw_peer_view *next)
{
	struct hw_peer_map *m = &d->peers[slot];
	struct hw_old_map *o;
	unsigned int q;

	if (!m->base) {
		atomic_store_explicit(&d->peer_view[slot], next, memory_order_release);
		return 0;
	}
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	atomic_store_explicit(&d->peer_view[slot], next, memory_order_seq_cst);
	atomic_thread_fence(memory_order_seq_cst);
	/* A doorbell that entered after this sees next; one inside now
	 * (odd) may still hold the old view until it leaves. */
	for (q = 0; q < HW_MAX_HWQ; q++)
		o->seq[q] = atomic_load_explicit(&d->fw_epoch[q].seq, memory_order_seq_cst);
	o->m = *m;
	o->next = d->old_maps;
	d->old_maps = o;
	m->base = NULL;
	m->len = 0;
	m->view = NULL;
	m->fd = -1;
	return 0;
}

/* Map or refresh peer slot. */
int hw_dev_peer(struct hw_dev *d, unsigned int slot)
{
	struct hw_peer_map m;
	int rc;

	if (!d->soft || slot >= HW_MAX_PORTS || slot == d->slot)
		return -EINVAL;
	if (d->peers[slot].base && d->peers[slot].gen == atomic_load(&d->fab.r->ns[slot].gen) &&
	    d->peers[slot].wwpn == d->fab.r->ns[slot].wwpn)
		return 0;
	rc = hw_fabric_map_slot(&d->fab, slot, &m);
	if (rc)
		return rc;
	rc = hw_dev_peer_retire(d, slot, m.view);
	if (rc) {
		hw_fabric_unmap(&m);
		return rc;
	}
	d->peers[slot] = m;
	hw_dev_peers_reclaim(d);
	return 0;
}

/* Let go of the peers that are gone. */
void hw_dev_peers_gc(struct hw_dev *d)
{
	struct hw_fabric_region *r = d->fab.r;
	unsigned int i;

	if (!d->soft || !r)
		return;
	for (i = 0; i < HW_MAX_PORTS; i++) {
		struct hw_peer_map *m = &d->peers[i];
		uint32_t st;

		if (!m->base)
			continue;
		st = atomic_load(&r->ns[i].state);
		if (st == HW_NS_FREE || st == HW_NS_OFFLINE || r->ns[i].wwpn != m->wwpn ||
		    atomic_load(&r->ns[i].gen) != m->gen || !hw_fabric_slot_alive(&d->fab, i))
			(void)hw_dev_peer_retire(d, i, NULL);
	}
	hw_dev_peers_reclaim(d);
}

/* Mappings of peers this process holds. */
unsigned int hw_dev_peer_maps(const struct hw_dev *d)
{
	const struct hw_old_map *o;
	unsigned int i, n = 0;

	for (i = 0; i < HW_MAX_PORTS; i++)
		if (d->peers[i].base)
			n++;
	for (o = d->old_maps; o; o = o->next)
		n++;
	return n;
}

/* True if the peer in slot is online and its owner alive. */
bool hw_dev_peer_alive(struct hw_dev *d, unsigned int slot)
{
	if (!d->soft || slot >= HW_MAX_PORTS)
		return false;
	if (atomic_load(&d->fab.r->ns[slot].state) != HW_NS_ONLINE)
		return false;
	if (d->peers[slot].wwpn && (d->peers[slot].gen != atomic_load(&d->fab.r->ns[slot].gen) ||
				    d->peers[slot].wwpn != d->fab.r->ns[slot].wwpn))
		return false; /* restarted or replaced: what we knew is gone */
	return hw_fabric_slot_alive(&d->fab, slot);
}

/* Link up/down. A remote driver asks its port server, which owns the
 * link (the change comes back in deq as HW_EQE_LINK). */
int hw_dev_set_link(struct hw_dev *d, bool up)
{
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LINK;
	e.arg = up ? HW_LINK_UP : HW_LINK_DOWN;
	if (d->rdrv)
		return hw_rdrv_mq_send(d, 0, &e);
	if (!d->soft)
		return -ENOTSUP;
	hw_fabric_lock(&d->fab);
	atomic_store(&d->fab.r->ns[d->slot].state, up ? HW_NS_ONLINE : HW_NS_LINKDOWN);
	atomic_store(&d->bar->link, up ? HW_LINK_UP : HW_LINK_DOWN);
	hw_fabric_unlock(&d->fab);
	e.peer_slot = (uint16_t)d->slot;
	(void)hw_ring_post_geo(d->base, &d->bar->eq, &d->geo->eq, &e, sizeof(e));
	hw_dev_kick(d);
	hw_fabric_rscn(&d->fab, d->slot);
	return 0;
}

/* Send a slow-path event to a peer. */
int hw_dev_send_eqe(struct hw_dev *d, unsigned int slot, struct hw_eqe *e, int fc)
{
	uint32_t delay = 0;
	int rc;

	if (d->rdrv) /* ELS is the port server's: it sends a LOGO or RSCN for us */
		return e->type == HW_EQE_LS_REQ || e->type == HW_EQE_LS_RSP ||
				       e->type == HW_EQE_LOGO || e->type == HW_EQE_RSCN
			       ? hw_rdrv_mq_send(d, slot, e)
			       : -EOPNOTSUPP;
	if (!d->soft)
		return -ENOTSUP;
	if (atomic_load(&d->bar->link) != HW_LINK_UP)
		return -ENETDOWN;
	if (slot >= HW_MAX_PORTS || atomic_load(&d->fab.r->ns[slot].state) != HW_NS_ONLINE)
		return -EHOSTUNREACH;
	if (!hw_fabric_zoned(&d->fab, d->slot, slot))
		return -EHOSTUNREACH;
	rc = hw_dev_peer(d, slot);
	if (rc)
		return rc;
	e->peer_slot = (uint16_t)d->slot;
	switch (hw_fabric_fault(&d->fab, fc, d->bar->wwpn, d->peers[slot].wwpn, 0, &delay)) {
	case HW_FAULT_DROP:
		atomic_fetch_add(&d->bar->cnt.drops, 1);
		return 0;
	case HW_FAULT_DELAY:
		if (delay > 10000)
			delay = 10000;
		usleep(delay * 1000u);
		break;
	default:
		break;
	}
	rc = hw_eq_post(&d->fab, &d->peers[slot], e);
	if (rc == -EAGAIN)
		atomic_fetch_add(&d->bar->cnt.busy, 1);
	return rc;
}

/* Drain wake-ups of the event fd: one epoll_wait when nothing is pending. */
void hw_dev_drain_wakeups(struct hw_dev *d, bool *timer)
{
	struct epoll_event ev[4];
	char buf[64];
	uint64_t v;
	int i, n;

	if (timer)
		*timer = false;
	n = epoll_wait(d->epfd, ev, 4, 0);
	for (i = 0; i < n; i++) {
		int fd = ev[i].data.fd;

		if (fd == d->sockfd) {
			while (recv(d->sockfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		} else if (fd == d->timerfd) {
			if (read(d->timerfd, &v, sizeof(v)) == sizeof(v) && timer)
				*timer = true;
		} else if (fd == d->kickfd) {
			(void)!read(d->kickfd, &v, sizeof(v));
		} else if (d->ivc && fd == d->ivc->irq_efd[0]) {
			(void)!read(fd, &v, sizeof(v));
		} else if (d->map.irq && fd == d->map.fd) {
			uint32_t cnt;

			if (hw_map_uio_irq_read(&d->map, &cnt) == 0)
				(void)hw_map_uio_irq_enable(&d->map);
		}
	}
}

/* Arm the EQ; returns true if entries arrived meanwhile. */
bool hw_dev_arm_eq(struct hw_dev *d)
{
	struct hw_ring *r = d->rdrv ? &d->bar->deq : &d->bar->eq;

	atomic_store(&r->armed, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (!hw_ring_empty_geo(d->base, r, d->rdrv ? &d->geo->deq : &d->geo->eq)) {
		atomic_store(&r->armed, 0);
		return true;
	}
	return false;
}

/* Make the event fd readable. */
void hw_dev_kick(struct hw_dev *d)
{
	uint64_t one = 1;

	(void)!write(d->kickfd, &one, sizeof(one));
}

/* The slow-path loop of both LLDD roles (see hw_priv.h). */
int hw_dev_slow_path(struct hw_dev *d, struct hw_ls_table *ls, struct hw_ls_rcv_pool *rcv,
		     const struct hw_slow_ops *ops, void *arg, bool *timer)
{
	/* A remote driver's events come from the port server in deq. */
	struct hw_ring *r = d->rdrv ? &d->bar->deq : &d->bar->eq;
	const struct hw_ring *g = d->rdrv ? &d->geo->deq : &d->geo->eq;
	struct hw_eqe *e, copy;
	int n = 0, rounds;
	bool rscn = false;

	hw_dev_drain_wakeups(d, timer);
	for (rounds = 0; rounds < 4; rounds++) {
		while ((e = hw_ring_peek_geo(d->base, r, g))) {
			/* The handler sees a copy: whoever shares the region
			 * (a remote driver) may rewrite the entry meanwhile. */
			hw_fetch_once(&copy, e, sizeof(copy));
			rscn |= copy.type == HW_EQE_RSCN;
			ops->eqe(arg, &copy);
			hw_ring_pop_geo(r, g, e);
			n++;
		}
		if (rcv)
			n += hw_ls_rcv_reap(rcv);
		n += hw_ls_run(ls);
		if (!hw_dev_arm_eq(d) && !(rcv && hw_ls_rcv_pending(rcv)))
			break;
	}
	/* Peers that logged out or died: unmap them (after the handlers, so
	 * their loss is noticed first; gen and wwpn stay known anyway). */
	if (rscn || (timer && *timer))
		hw_dev_peers_gc(d);
	else if (d->old_maps)
		hw_dev_peers_reclaim(d);
	return n;
}

/* Zeroed by stores (hw_calloc_aligned), not left to calloc's untouched
 * pages: the data path takes no page fault on its first pass through. */
int hw_dev_local_queues(struct hw_dev *d, unsigned int q, struct hw_lcq *l, struct hw_lwq *w)
{
	uint32_t nc = d->geo->cq[q].entries, nw = d->geo->wq[q].entries;

	if (!nc || (nc & (nc - 1)) || !nw || (nw & (nw - 1)))
		return -EINVAL;
	l->e = hw_calloc_aligned(nc, sizeof(*l->e));
	w->e = hw_calloc_aligned(nw, sizeof(*w->e));
	if (!l->e || !w->e)
		return -ENOMEM;
	l->mask = nc - 1;
	w->mask = nw - 1;
	d->lcq[q] = l;
	d->lwq[q] = w;
	return 0;
}

void hw_dev_local_queues_free(struct hw_lcq *l, struct hw_lwq *w)
{
	free(l->e);
	l->e = NULL;
	free(w->e);
	w->e = NULL;
}
