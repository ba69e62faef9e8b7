// SPDX-License-Identifier: Apache-2.0
/*
 * The port server's life: joining the fabric with a remote driver's port,
 * the unix socket QEMU connects to, the ivshmem-doorbell greeting that hands
 * QEMU the port's device file and the eventfds of both peers, and the one
 * epoll loop that serves everything afterwards: QEMU's connection (end of
 * stream: the guest is gone), the port's slow path (fabric wake-ups and the
 * 100 ms timer: heartbeat, login retries, liveness, a poll of the guest's
 * rings in case a doorbell was lost), the guest's doorbells (vector 0: mq;
 * 1 + q: the firmware on wq[q]) and the stop fd.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "hw_vmport_ivshmem.h"
#include "hw_vmport_priv.h"

/* epoll tags; doorbells are TAG_DB + vector. */
enum {
	HW_VMPORT_TAG_STOP = 1,
	HW_VMPORT_TAG_LISTEN,
	HW_VMPORT_TAG_CONN,
	HW_VMPORT_TAG_DEV,
	HW_VMPORT_TAG_DB = 16,
};

/* Log a message through cfg.log. */
void hw_vmport_log(struct hw_vmport *v, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!v->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->cfg.log(v->cfg.log_arg, level, msg);
}

static int hw_vmport_watch(struct hw_vmport *v, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(v->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* Listen on path. PATH.lock, flocked for our lifetime, says the path is
 * ours: a socket file left by a server that died is replaced, one of a live
 * server is not (connecting to find out would look like a guest to it). */
static int hw_vmport_listen(struct hw_vmport *v, const char *path)
{
	char lock[sizeof(v->socket) + 8];
	struct sockaddr_un sun;
	int rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	v->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (v->lockfd < 0)
		return -errno;
	if (flock(v->lockfd, LOCK_EX | LOCK_NB)) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto out_lock;
	}
	unlink(path);
	v->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->lfd < 0) {
		rc = -errno;
		goto out_unlock;
	}
	if (bind(v->lfd, (struct sockaddr *)&sun, sizeof(sun)) || listen(v->lfd, 4)) {
		rc = -errno;
		goto out_close;
	}
	rc = hw_vmport_watch(v, v->lfd, HW_VMPORT_TAG_LISTEN);
	if (rc)
		goto out_unlink;
	return 0;

out_unlink:
	unlink(path);
out_close:
	close(v->lfd);
	v->lfd = -1;
out_unlock:
	unlink(lock);
out_lock:
	close(v->lockfd);
	v->lockfd = -1;
	return rc;
}

/* Stop listening; the socket and its lock file go. */
static void hw_vmport_unlisten(struct hw_vmport *v)
{
	char lock[sizeof(v->socket) + 8];

	if (v->lfd >= 0) {
		close(v->lfd);
		unlink(v->socket);
		v->lfd = -1;
	}
	if (v->lockfd >= 0) {
		snprintf(lock, sizeof(lock), "%s.lock", v->socket);
		unlink(lock);
		close(v->lockfd);
		v->lockfd = -1;
	}
}

/* The fabric must exist: the port server does not create one. */
static int hw_vmport_fabric_exists(const struct hw_vmport_cfg *cfg)
{
	char dir[HW_PATH_MAX];
	struct hw_fabric fab;
	int rc;

	rc = hw_fabric_path(cfg->shm_dir, cfg->fabric, dir, sizeof(dir));
	if (rc)
		return rc;
	rc = hw_fabric_open(dir, &fab);
	if (rc)
		return rc;
	hw_fabric_close(&fab);
	return 0;
}

/* Join the fabric and listen. */
int hw_vmport_open(const struct hw_vmport_cfg *cfg, struct hw_vmport **out)
{
	struct hw_dev_cfg dc;
	struct hw_vmport *v;
	char dev[96];
	uint32_t cqe = 1024;
	unsigned int i;
	int rc;

	if (!cfg || !out || !cfg->fabric || !cfg->socket || !cfg->wwnn || !cfg->wwpn ||
	    cfg->nr_hwq == 0 || cfg->nr_hwq > HW_MAX_HWQ || cfg->nr_xri == 0 ||
	    cfg->nr_xri > 65536 || cfg->dma_mb == 0 || cfg->dma_mb > 65536 ||
	    strlen(cfg->fabric) >= sizeof(v->fabric) || strlen(cfg->socket) >= sizeof(v->socket))
		return -EINVAL;
	rc = hw_vmport_fabric_exists(cfg);
	if (rc)
		return rc;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->cfg = *cfg;
	strcpy(v->fabric, cfg->fabric);
	strcpy(v->socket, cfg->socket);
	v->cfg.fabric = v->fabric;
	v->cfg.socket = v->socket;
	v->cfg.shm_dir = NULL; /* used by open only */
	v->epfd = v->lfd = v->cfd = v->lockfd = -1;
	for (i = 0; i < HW_VMPORT_MAX_VEC; i++)
		v->guest_efd[i] = v->fw_efd[i] = -1;
	v->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (v->epfd < 0) {
		rc = -errno;
		goto out_free;
	}
	rc = hw_vmport_listen(v, v->socket);
	if (rc)
		goto out_epoll;
	/* A CQ holds every completion the guest may have outstanding. */
	while (cqe < 4u * cfg->nr_xri && cqe < (1u << 18))
		cqe <<= 1;
	snprintf(dev, sizeof(dev), "soft:%s", cfg->fabric);
	memset(&dc, 0, sizeof(dc));
	dc.dev = dev;
	dc.shm_dir = cfg->shm_dir;
	dc.wwnn = cfg->wwnn;
	dc.wwpn = cfg->wwpn;
	/* FC-4 features the name server shows (FC-GS, type 0x28) */
	dc.roles = cfg->target ? FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY
			       : FC_PORT_ROLE_NVME_INITIATOR;
	dc.nr_hwq = cfg->nr_hwq;
	dc.nr_xri = cfg->nr_xri;
	dc.cq_entries = cqe;
	dc.dma_size = (uint64_t)cfg->dma_mb << 20;
	dc.flags = HW_BAR_F_REMOTE;
	dc.fw_peer_id = HW_VMPORT_FW_ID;
	rc = hw_dev_open(&v->dev, &dc);
	if (rc)
		goto out_unlisten;
	hw_rport_init(&v->rports, &v->dev, sizeof(struct hw_rport), &hw_vmport_rport_ops, v);
	v->rports.responder = cfg->target;
	v->nr_vec = v->dev.geo->nr_vectors;
	rc = hw_vmport_watch(v, v->dev.epfd, HW_VMPORT_TAG_DEV);
	if (!rc && cfg->stop_fd >= 0)
		rc = hw_vmport_watch(v, cfg->stop_fd, HW_VMPORT_TAG_STOP);
	if (rc)
		goto out_close;
	hw_rport_rescan(&v->rports, -1);
	*out = v;
	return 0;

out_close:
	hw_rport_fini(&v->rports);
	hw_dev_close(&v->dev);
out_unlisten:
	hw_vmport_unlisten(v);
out_epoll:
	close(v->epfd);
out_free:
	free(v);
	return rc;
}

/* Close the guest's eventfds. */
static void hw_vmport_efds_close(struct hw_vmport *v)
{
	unsigned int i;

	for (i = 0; i < HW_VMPORT_MAX_VEC; i++) {
		if (v->guest_efd[i] >= 0)
			close(v->guest_efd[i]);
		if (v->fw_efd[i] >= 0)
			close(v->fw_efd[i]);
		v->guest_efd[i] = v->fw_efd[i] = -1;
	}
}

/* Greet QEMU on the new connection cfd: the port's device file (a fresh
 * open: QEMU must not share the descriptor that holds our liveness flock),
 * then for the port server and the guest one eventfd per vector. */
static int hw_vmport_greet(struct hw_vmport *v, int cfd)
{
	struct hw_vmport_ivshmem_peer peers[2] = {
		{ .id = HW_VMPORT_FW_ID, .nr = v->nr_vec, .efd = v->fw_efd },
		{ .id = HW_VMPORT_GUEST_ID, .nr = v->nr_vec, .efd = v->guest_efd },
	};
	char path[64];
	unsigned int i;
	int shm, rc;

	for (i = 0; i < v->nr_vec; i++) {
		v->guest_efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		v->fw_efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (v->guest_efd[i] < 0 || v->fw_efd[i] < 0)
			return -errno;
	}
	/* Reopened through /proc: the same file, a new open file description
	 * (a flock belongs to the description: QEMU must not hold ours). */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", v->dev.map.fd);
	shm = open(path, O_RDWR | O_CLOEXEC);
	if (shm < 0)
		return -errno;
	rc = hw_vmport_ivshmem_greet(cfd, HW_VMPORT_GUEST_ID, shm, peers, 2);
	close(shm);
	return rc;
}

/* A guest (QEMU) connected. */
static int hw_vmport_conn_open(struct hw_vmport *v, int cfd)
{
	unsigned int i;
	int rc;

	rc = hw_vmport_greet(v, cfd);
	if (rc)
		goto out_efds;
	v->cfd = cfd;
	rc = hw_vmport_watch(v, cfd, HW_VMPORT_TAG_CONN);
	for (i = 0; !rc && i < v->nr_vec; i++)
		rc = hw_vmport_watch(v, v->fw_efd[i], HW_VMPORT_TAG_DB + i);
	if (!rc)
		rc = hw_vmport_irq_start(v);
	if (rc)
		goto out_unwatch;
	v->st.guests++;
	if (atomic_load(&v->dev.fab.r->ns[v->dev.slot].state) != HW_NS_ONLINE)
		(void)hw_dev_set_link(&v->dev, true);
	hw_vmport_log(v, HW_VMPORT_LOG_INFO,
		      "guest connected: ivshmem peer %u, port server peer %u, %u vectors",
		      HW_VMPORT_GUEST_ID, HW_VMPORT_FW_ID, v->nr_vec);
	return 0;

out_unwatch:
	epoll_ctl(v->epfd, EPOLL_CTL_DEL, cfd, NULL);
	for (i = 0; i < v->nr_vec; i++)
		if (v->fw_efd[i] >= 0)
			epoll_ctl(v->epfd, EPOLL_CTL_DEL, v->fw_efd[i], NULL);
	v->cfd = -1;
out_efds:
	hw_vmport_efds_close(v);
	return rc;
}

/* Consume and drop what the guest left in its producer rings (one ring's
 * worth at most: a writer that keeps going cannot hold us here). */
static unsigned int hw_vmport_discard(struct hw_vmport *v)
{
	struct hw_dev *d = &v->dev;
	unsigned int q, n = 0;
	void *e;

	uint32_t i;

	for (i = 0;
	     i < d->geo->mq.entries && (e = hw_ring_peek_geo(d->base, &d->bar->mq, &d->geo->mq));
	     i++, n++)
		hw_ring_pop_geo(&d->bar->mq, &d->geo->mq, e);
	for (q = 0; q < d->geo->nr_hwq; q++)
		for (i = 0; i < d->geo->wq[q].entries &&
			    (e = hw_ring_peek_geo(d->base, &d->bar->wq[q], &d->geo->wq[q]));
		     i++, n++)
			hw_ring_pop_geo(&d->bar->wq[q], &d->geo->wq[q], e);
	return n;
}

/* The guest is gone (or we stop): its exchanges end, LOGO to the targets,
 * link down. */
static void hw_vmport_conn_close(struct hw_vmport *v, const char *why)
{
	unsigned int n;

	if (v->cfd < 0)
		return;
	hw_vmport_irq_stop(v);
	epoll_ctl(v->epfd, EPOLL_CTL_DEL, v->cfd, NULL);
	close(v->cfd);
	v->cfd = -1;
	hw_vmport_efds_close(v);
	v->drv_up = false;
	hw_vmport_ls_fail(v, -1, -ENOTCONN, true);
	hw_rport_logout(&v->rports);
	(void)hw_dev_set_link(&v->dev, false);
	n = hw_vmport_discard(v);
	hw_vmport_log(v, HW_VMPORT_LOG_INFO,
		      "guest gone (%s): logged out of the targets, link down%s", why,
		      n ? ", unconsumed ring entries dropped" : "");
}

static void hw_vmport_accept(struct hw_vmport *v)
{
	int fd = accept4(v->lfd, NULL, NULL, SOCK_CLOEXEC);
	int rc;

	if (fd < 0)
		return;
	if (v->cfd >= 0) {
		hw_vmport_log(v, HW_VMPORT_LOG_ERR,
			      "a second QEMU connected while a guest is served: refused");
		close(fd);
		return;
	}
	rc = hw_vmport_conn_open(v, fd);
	if (rc) {
		hw_vmport_log(v, HW_VMPORT_LOG_ERR, "cannot serve the new QEMU connection: %s",
			      strerror(-rc));
		close(fd);
	}
}

/* QEMU sends nothing after connecting; end of stream means it is gone. */
static bool hw_vmport_conn_readable(struct hw_vmport *v)
{
	char buf[64];
	ssize_t n = recv(v->cfd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
		return true;
	hw_vmport_conn_close(v, n == 0 ? "QEMU closed the connection" : strerror(errno));
	return false;
}

/* Run the firmware on wq[q] (a ring's worth at most: what the guest posts
 * meanwhile comes with its own doorbell). */
static void hw_vmport_wq(struct hw_vmport *v, unsigned int q)
{
	int n = hw_fw_doorbell(&v->dev, q);

	if (n > 0)
		v->st.wqes += (uint64_t)n;
}

static void hw_vmport_doorbell(struct hw_vmport *v, unsigned int vec)
{
	uint64_t cnt;

	if (vec >= v->nr_vec)
		return;
	(void)!read(v->fw_efd[vec], &cnt, sizeof(cnt));
	if (vec == 0) {
		hw_vmport_mq_drain(v);
		return;
	}
	v->st.doorbells++;
	hw_vmport_wq(v, vec - 1);
}

/* The port's slow path; on the 100 ms tick also the heartbeat, login
 * retries and a poll of the guest's rings. */
static void hw_vmport_slow(struct hw_vmport *v)
{
	bool timer = false;
	unsigned int q;

	hw_dev_slow_path(&v->dev, &v->ls_unused, NULL, &hw_vmport_slow_ops, v, &timer);
	if (!timer)
		return;
	atomic_fetch_add(&v->dev.bar->fw_heartbeat, 1);
	hw_rport_tick(&v->rports);
	hw_vmport_ls_expire(v);
	if (v->cfd < 0)
		return;
	hw_vmport_mq_drain(v);
	for (q = 0; q < v->dev.geo->nr_hwq; q++)
		hw_vmport_wq(v, q);
}

/* Serve until stopped or, without persist, the guest leaves. */
int hw_vmport_run(struct hw_vmport *v)
{
	struct epoll_event ev[16];
	int i, n;

	if (!v)
		return -EINVAL;
	for (;;) {
		n = epoll_wait(v->epfd, ev, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			if (tag == HW_VMPORT_TAG_STOP) {
				hw_vmport_conn_close(v, "stopping");
				return 0;
			} else if (tag == HW_VMPORT_TAG_LISTEN) {
				hw_vmport_accept(v);
			} else if (tag == HW_VMPORT_TAG_CONN) {
				if (v->cfd >= 0 && !hw_vmport_conn_readable(v) && !v->cfg.persist)
					return 0;
			} else if (tag == HW_VMPORT_TAG_DEV) {
				hw_vmport_slow(v);
			} else if (tag >= HW_VMPORT_TAG_DB && v->cfd >= 0) {
				hw_vmport_doorbell(v, (unsigned int)(tag - HW_VMPORT_TAG_DB));
			}
		}
	}
}

void hw_vmport_get_stats(const struct hw_vmport *v, struct hw_vmport_stats *st)
{
	unsigned int q;

	*st = v->st;
	for (q = 0; q < HW_MAX_HWQ; q++)
		st->irqs += atomic_load_explicit(&v->irq[q].raised, memory_order_relaxed);
}

unsigned int hw_vmport_slot(const struct hw_vmport *v)
{
	return v->dev.slot;
}

uint64_t hw_vmport_region_size(const struct hw_vmport *v)
{
	return v->dev.geo->region_size;
}

/* Log out, link down, leave the fabric, remove the socket. */
void hw_vmport_close(struct hw_vmport *v)
{
	if (!v)
		return;
	hw_vmport_conn_close(v, "stopping");
	hw_rport_logout(&v->rports);
	if (atomic_load(&v->dev.fab.r->ns[v->dev.slot].state) == HW_NS_ONLINE)
		(void)hw_dev_set_link(&v->dev, false);
	hw_rport_fini(&v->rports);
	hw_vmport_unlisten(v);
	close(v->epfd);
	hw_dev_close(&v->dev);
	free(v);
}
