// SPDX-License-Identifier: Apache-2.0
/*
 * The software fabric region: creation and removal of a fabric directory, the
 * name server (slot claim at FLOGI, lookups, zoning), liveness of ports
 * (a live owner holds an exclusive flock on its device file), slow-path event
 * delivery with a datagram wake-up, and fault-injection records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "hw_fabric.h"
#include "hw_name.h"
#include "hw_ring.h"

#define FABRIC_FILE "fabric"

/* Milliseconds of CLOCK_REALTIME (comparable across processes). */
uint64_t hw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Resolve the fabric directory of a fabric name. */
int hw_fabric_path(const char *shm_dir, const char *name, char *out, size_t outlen)
{
	const char *root = shm_dir;
	int n;

	if (!name || !hw_fabric_name_ok(name))
		return -EINVAL;
	if (!root || !*root)
		root = getenv("FCNVME_SHM_DIR");
	if (!root || !*root)
		root = HW_DEFAULT_SHM_DIR;
	n = snprintf(out, outlen, "%s/%s", root, name);
	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* Why this thread's last fabric call refused a path ("" if it did not). */
static __thread char hw_why[HW_PATH_MAX + 128];

const char *hw_fabric_why(void)
{
	return hw_why;
}

void hw_fabric_why_clear(void)
{
	hw_why[0] = '\0';
}

int hw_fabric_missing(const char *name)
{
	snprintf(hw_why, sizeof(hw_why),
		 "fabric %s does not exist (create it with softhbactl fabric create %s)", name,
		 name);
	return -ENOENT;
}

int hw_fabric_refuse(int rc, const char *path, const char *reason)
{
	snprintf(hw_why, sizeof(hw_why), "%s %s", path, reason);
	return rc;
}

/* Check what fd (opened from path, without following a symlink) is: of
 * type (S_IFDIR or S_IFREG), owned by us or root, writable by nobody else
 * (a directory writable by others passes only if sticky_ok and it has the
 * sticky bit, like /dev/shm). -EPERM otherwise. */
static int hw_fs_check(int fd, const char *path, mode_t type, bool sticky_ok)
{
	char why[96];
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if ((st.st_mode & S_IFMT) != type)
		return hw_fabric_refuse(-EPERM, path,
					type == S_IFDIR ? "is not a directory"
							: "is not a regular file");
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(why, sizeof(why), "is owned by uid %u, not by uid %u or root",
			 (unsigned int)st.st_uid, (unsigned int)geteuid());
		return hw_fabric_refuse(-EPERM, path, why);
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st.st_mode & S_ISVTX))) {
		snprintf(why, sizeof(why), "is writable by group or others (mode %04o)",
			 (unsigned int)(st.st_mode & 07777));
		return hw_fabric_refuse(-EPERM, path, why);
	}
	return 0;
}

/* Open path (never through a symlink) with flags and check it as above.
 * Returns the fd, -ENOENT if missing, -EPERM if refused. */
static int hw_fs_open(const char *path, int flags, mode_t type, bool sticky_ok)
{
	int fd, rc;

	if (type == S_IFDIR)
		flags = O_RDONLY | O_DIRECTORY;
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ELOOP || (type == S_IFDIR && rc == -ENOTDIR))
			return hw_fabric_refuse(-EPERM, path,
						"is a symbolic link or not a directory");
		return rc;
	}
	rc = hw_fs_check(fd, path, type, sticky_ok);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* Check an existing directory (see hw_fs_check). */
static int hw_fs_check_dir(const char *path, bool sticky_ok)
{
	int fd = hw_fs_open(path, 0, S_IFDIR, sticky_ok);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Check the directory a fabric directory lives in (the shm dir): ours or
 * root's, writable by others only if sticky. */
static int hw_fs_check_parent(const char *dir)
{
	char parent[HW_PATH_MAX];
	char *slash;

	if (strlen(dir) >= sizeof(parent))
		return -ENAMETOOLONG;
	strcpy(parent, dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return hw_fs_check_dir(".", true);
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	return hw_fs_check_dir(parent, true);
}

/* mkdir path with mode exactly (umask does not apply). */
static int hw_mkdir_mode(const char *path, mode_t mode)
{
	int fd, rc;

	if (mkdir(path, mode))
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fchmod(fd, mode) ? -errno : 0;
	close(fd);
	return rc;
}

/* Create dir and its missing parents, each HW_DIR_MODE. */
static int hw_mkdir_p(const char *dir)
{
	char tmp[HW_PATH_MAX];
	char *p;
	int rc;

	if (strlen(dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, dir);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = hw_mkdir_mode(tmp, HW_DIR_MODE);
		if (rc && rc != -EEXIST)
			return rc;
		*p = '/';
	}
	return hw_mkdir_mode(tmp, HW_DIR_MODE);
}

static int hw_fabric_file(const char *dir, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/" FABRIC_FILE, dir);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* Create a file that must not exist yet (never through a symlink), with
 * mode exactly. */
int hw_fabric_create_file(const char *path, mode_t mode)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode)) {
		int rc = -errno;

		unlink(path);
		close(fd);
		return rc;
	}
	return fd;
}

/* Open an existing port or fabric file for reading and writing: never
 * through a symlink, a regular file of ours or root's that nobody else may
 * write. */
int hw_fabric_open_file(const char *path)
{
	return hw_fs_open(path, O_RDWR, S_IFREG, false);
}

/* Create the fabric directory and region; -EEXIST if present. */
int hw_fabric_create(const char *dir)
{
	char path[HW_PATH_MAX + 16];
	struct hw_fabric_region *r;
	int fd, rc;

	hw_fabric_why_clear();
	rc = hw_mkdir_p(dir);
	if (rc && rc != -EEXIST)
		return rc;
	/* Whoever made them, they must be ours now. */
	rc = hw_fs_check_parent(dir);
	if (rc)
		return rc;
	rc = hw_fs_check_dir(dir, false);
	if (rc)
		return rc;
	rc = hw_fabric_file(dir, path, sizeof(path));
	if (rc)
		return rc;
	fd = hw_fabric_create_file(path, HW_FILE_MODE);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, sizeof(*r))) {
		rc = -errno;
		goto out_unlink;
	}
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED) {
		rc = -errno;
		goto out_unlink;
	}
	r->version = HW_FABRIC_VERSION;
	atomic_thread_fence(memory_order_release);
	r->magic = HW_FABRIC_MAGIC;
	munmap(r, sizeof(*r));
	close(fd);
	return 0;

out_unlink:
	unlink(path);
	close(fd);
	return rc;
}

/* Map an existing fabric. */
int hw_fabric_open(const char *dir, struct hw_fabric *fab)
{
	char path[HW_PATH_MAX + 16];
	struct stat st;
	int rc;

	memset(fab, 0, sizeof(*fab));
	fab->fd = -1;
	if (strlen(dir) >= sizeof(fab->dir))
		return -ENAMETOOLONG;
	strcpy(fab->dir, dir);
	hw_fabric_why_clear();
	rc = hw_fabric_file(dir, path, sizeof(path));
	if (rc)
		return rc;
	rc = hw_fs_check_dir(dir, false);
	if (!rc)
		rc = hw_fs_check_parent(dir);
	if (rc)
		return rc;
	fab->fd = hw_fabric_open_file(path);
	if (fab->fd < 0) {
		rc = fab->fd;
		fab->fd = -1;
		return rc;
	}
	if (fstat(fab->fd, &st) || (size_t)st.st_size != sizeof(*fab->r)) {
		rc = -EPROTO;
		goto out_close;
	}
	fab->r = mmap(NULL, sizeof(*fab->r), PROT_READ | PROT_WRITE, MAP_SHARED, fab->fd, 0);
	if (fab->r == MAP_FAILED) {
		rc = -errno;
		fab->r = NULL;
		goto out_close;
	}
	if (fab->r->magic != HW_FABRIC_MAGIC || fab->r->version != HW_FABRIC_VERSION) {
		rc = -EPROTO;
		goto out_unmap;
	}
	return 0;

out_unmap:
	munmap(fab->r, sizeof(*fab->r));
	fab->r = NULL;
out_close:
	close(fab->fd);
	fab->fd = -1;
	return rc;
}

/* Unmap a fabric opened with hw_fabric_open. */
void hw_fabric_close(struct hw_fabric *fab)
{
	if (fab->r)
		munmap(fab->r, sizeof(*fab->r));
	if (fab->fd >= 0)
		close(fab->fd);
	fab->r = NULL;
	fab->fd = -1;
}

/* Take the name-server lock (slow path only). */
void hw_fabric_lock(struct hw_fabric *fab)
{
	while (flock(fab->fd, LOCK_EX) && errno == EINTR)
		;
}

/* Release the name-server lock. */
void hw_fabric_unlock(struct hw_fabric *fab)
{
	flock(fab->fd, LOCK_UN);
}

/* Device file path of a port. */
void hw_fabric_port_path(const struct hw_fabric *fab, uint64_t wwpn, char *out, size_t len)
{
	snprintf(out, len, "%s/port-%016" PRIx64, fab->dir, wwpn);
}

/* Wake-up socket path of a port. */
void hw_fabric_sock_path(const struct hw_fabric *fab, uint64_t wwpn, char *out, size_t len)
{
	snprintf(out, len, "%s/port-%016" PRIx64 ".sock", fab->dir, wwpn);
}

static bool hw_path_alive(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool alive;

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		alive = false;
	} else {
		alive = (errno == EWOULDBLOCK);
	}
	close(fd);
	return alive;
}

/* True if the port in slot has a live owner. */
bool hw_fabric_slot_alive(struct hw_fabric *fab, unsigned int slot)
{
	char path[HW_PATH_MAX + 40];

	if (slot >= HW_MAX_PORTS || atomic_load(&fab->r->ns[slot].state) == HW_NS_FREE)
		return false;
	hw_fabric_port_path(fab, fab->r->ns[slot].wwpn, path, sizeof(path));
	return hw_path_alive(path);
}

/* Remove a fabric: -EBUSY if a live port still uses it. */
int hw_fabric_destroy(const char *dir)
{
	struct hw_fabric fab;
	char path[HW_PATH_MAX + 300];
	struct dirent *de;
	unsigned int i;
	DIR *d;
	int rc;

	rc = hw_fabric_open(dir, &fab);
	if (rc)
		return rc;
	for (i = 0; i < HW_MAX_PORTS; i++) {
		if (hw_fabric_slot_alive(&fab, i)) {
			hw_fabric_close(&fab);
			return -EBUSY;
		}
	}
	hw_fabric_close(&fab);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "port-", 5) && strcmp(de->d_name, FABRIC_FILE))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	if (rmdir(dir))
		return -errno;
	return 0;
}

/* Slot of wwpn (any state), or -ENOENT. */
int hw_fabric_find(struct hw_fabric *fab, uint64_t wwpn)
{
	unsigned int i;

	for (i = 0; i < HW_MAX_PORTS; i++)
		if (atomic_load(&fab->r->ns[i].state) != HW_NS_FREE && fab->r->ns[i].wwpn == wwpn)
			return (int)i;
	return -ENOENT;
}

/* True if ports a and b may talk (zoning). */
bool hw_fabric_zoned(struct hw_fabric *fab, unsigned int a, unsigned int b)
{
	uint32_t za, zb;

	if (a >= HW_MAX_PORTS || b >= HW_MAX_PORTS)
		return false;
	za = fab->r->ns[a].zone;
	zb = fab->r->ns[b].zone;
	return za == 0 || zb == 0 || za == zb;
}

/* No free slot left: take back the slot of a port that logged out (offline)
 * or died (no live owner), offline ones first, and remove what it left (its
 * device file and socket). Returns the slot, HW_MAX_PORTS if every port is
 * alive. Lock held by caller. */
static unsigned int hw_fabric_reclaim(struct hw_fabric *fab)
{
	char path[HW_PATH_MAX + 48];
	unsigned int i, pick = HW_MAX_PORTS;

	for (i = 0; i < HW_MAX_PORTS; i++) {
		if (hw_fabric_slot_alive(fab, i))
			continue;
		if (atomic_load(&fab->r->ns[i].state) == HW_NS_OFFLINE) {
			pick = i;
			break;
		}
		if (pick == HW_MAX_PORTS)
			pick = i;
	}
	if (pick == HW_MAX_PORTS)
		return pick;
	hw_fabric_port_path(fab, fab->r->ns[pick].wwpn, path, sizeof(path));
	unlink(path);
	hw_fabric_sock_path(fab, fab->r->ns[pick].wwpn, path, sizeof(path));
	unlink(path);
	atomic_store(&fab->r->ns[pick].state, HW_NS_FREE);
	return pick;
}

/* Fabric login: claim (or reclaim) a slot for wwpn. Lock held by caller. */
int hw_fabric_claim(struct hw_fabric *fab, uint64_t wwnn, uint64_t wwpn, uint32_t roles)
{
	struct hw_ns_entry *e;
	int slot = hw_fabric_find(fab, wwpn);
	unsigned int i;

	if (wwpn == 0 || wwnn == 0)
		return -EINVAL;
	if (slot >= 0) {
		if (hw_fabric_slot_alive(fab, (unsigned int)slot))
			return -EADDRINUSE;
	} else {
		for (i = 0; i < HW_MAX_PORTS; i++)
			if (atomic_load(&fab->r->ns[i].state) == HW_NS_FREE)
				break;
		if (i == HW_MAX_PORTS)
			i = hw_fabric_reclaim(fab);
		if (i == HW_MAX_PORTS)
			return -ENOSPC;
		slot = (int)i;
		fab->r->ns[slot].zone = 0;
	}
	e = &fab->r->ns[slot];
	e->wwnn = wwnn;
	e->wwpn = wwpn;
	e->roles = roles;
	e->port_id = 0x010000u | ((uint32_t)(slot + 1) << 8);
	e->pid = (int32_t)getpid();
	atomic_fetch_add(&e->gen, 1);
	atomic_store(&e->state, HW_NS_OFFLINE);
	return slot;
}

static bool hw_fabric_ring_ok(const struct hw_ring *r, uint32_t esize, const struct hw_bar *geo,
			      size_t len)
{
	return r->esize == esize && r->entries && !(r->entries & (r->entries - 1)) &&
	       r->off >= sizeof(*geo) && r->off <= len &&
	       (uint64_t)r->entries * r->esize <= len - r->off;
}

/* Check a copy of a BAR against a region of len bytes. */
bool hw_fabric_bar_ok(const struct hw_bar *geo, size_t len)
{
	unsigned int q;

	if (geo->magic != HW_BAR_MAGIC || geo->version != HW_BAR_VERSION ||
	    geo->region_size != len || geo->nr_hwq == 0 || geo->nr_hwq > HW_MAX_HWQ ||
	    geo->dma_off > len || geo->dma_size > len - geo->dma_off || geo->xri_off > len ||
	    (uint64_t)geo->nr_xri * sizeof(struct hw_xri) > len - geo->xri_off ||
	    !hw_fabric_ring_ok(&geo->eq, HW_EQE_SIZE, geo, len))
		return false;
	for (q = 0; q < geo->nr_hwq; q++)
		if (!hw_fabric_ring_ok(&geo->wq[q], HW_WQE_SIZE, geo, len) ||
		    !hw_fabric_ring_ok(&geo->cq[q], HW_CQE_SIZE, geo, len))
			return false;
	return true;
}

/* Map the device region of slot (BAR copied, then checked). */
int hw_fabric_map_slot(struct hw_fabric *fab, unsigned int slot, struct hw_peer_map *m)
{
	char path[HW_PATH_MAX + 40];
	struct stat st;
	int rc;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (slot >= HW_MAX_PORTS || atomic_load(&fab->r->ns[slot].state) == HW_NS_FREE)
		return -ENOENT;
	m->wwpn = fab->r->ns[slot].wwpn;
	m->gen = atomic_load(&fab->r->ns[slot].gen);
	hw_fabric_port_path(fab, m->wwpn, path, sizeof(path));
	m->fd = hw_fabric_open_file(path);
	if (m->fd < 0) {
		rc = m->fd == -EPERM ? -EPERM : -ENOENT;
		m->fd = -1;
		return rc;
	}
	if (fstat(m->fd, &st) || (size_t)st.st_size < sizeof(struct hw_bar)) {
		rc = -EPROTO;
		goto out_close;
	}
	m->len = (size_t)st.st_size;
	m->base = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		rc = -errno;
		goto out_close;
	}
	/* The mapping holds the file; the fd is not needed any more. */
	close(m->fd);
	m->fd = -1;
	m->view = malloc(sizeof(*m->view));
	if (!m->view) {
		rc = -ENOMEM;
		goto out_unmap;
	}
	m->view->base = m->base;
	hw_fetch_once(&m->view->geo, m->base, sizeof(m->view->geo));
	if (!hw_fabric_bar_ok(&m->view->geo, m->len) || m->view->geo.wwpn != m->wwpn) {
		rc = -EPROTO;
		goto out_free;
	}
	return 0;

out_free:
	free(m->view);
out_unmap:
	munmap(m->base, m->len);
out_close:
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	return rc;
}

/* Unmap a region mapped by hw_fabric_map_slot. */
void hw_fabric_unmap(struct hw_peer_map *m)
{
	free(m->view);
	if (m->base)
		munmap(m->base, m->len);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

static int hw_send_fd = -1;
static pthread_once_t hw_send_once = PTHREAD_ONCE_INIT;

static void hw_send_init(void)
{
	hw_send_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

/* Post e into the EQ of a mapped port and wake its control thread. */
int hw_eq_post(struct hw_fabric *fab, struct hw_peer_map *m, const struct hw_eqe *e)
{
	struct hw_bar *bar = m->base;
	struct sockaddr_un sun;
	int rc;

	rc = hw_ring_post_geo(m->base, &bar->eq, &m->view->geo.eq, e, sizeof(*e));
	if (rc)
		return rc;
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&bar->eq.armed) && atomic_exchange(&bar->eq.armed, 0)) {
		pthread_once(&hw_send_once, hw_send_init);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		hw_fabric_sock_path(fab, m->wwpn, sun.sun_path, sizeof(sun.sun_path));
		if (hw_send_fd >= 0)
			(void)sendto(hw_send_fd, "!", 1, 0, (struct sockaddr *)&sun, sizeof(sun));
	}
	return 0;
}

/* Post an event to slot, mapping it for the call only. */
int hw_fabric_post_eqe(struct hw_fabric *fab, unsigned int slot, const struct hw_eqe *e)
{
	struct hw_peer_map m;
	int rc = hw_fabric_map_slot(fab, slot, &m);

	if (rc)
		return rc;
	rc = hw_eq_post(fab, &m, e);
	hw_fabric_unmap(&m);
	return rc;
}

/* Send an RSCN to every online port zoned with slot except slot itself. */
void hw_fabric_rscn(struct hw_fabric *fab, unsigned int slot)
{
	struct hw_eqe e;
	unsigned int i;

	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_RSCN;
	e.peer_slot = (uint16_t)slot;
	for (i = 0; i < HW_MAX_PORTS; i++) {
		if (i == slot || atomic_load(&fab->r->ns[i].state) != HW_NS_ONLINE)
			continue;
		if (!hw_fabric_zoned(fab, i, slot))
			continue;
		(void)hw_fabric_post_eqe(fab, i, &e);
	}
}

static bool hw_fault_match(struct hw_fault *f, int fc, uint64_t src, uint64_t dst, uint32_t opcode)
{
	switch (atomic_load_explicit(&f->kind, memory_order_acquire)) {
	case HW_FAULT_DROP_CMD:
		if (fc != HW_FC_CMD || f->opcode != opcode)
			return false;
		break;
	case HW_FAULT_DROP:
	case HW_FAULT_DELAY:
		if (f->fclass != HW_FC_ANY && (int)f->fclass != fc)
			return false;
		break;
	case HW_FAULT_FAIL_DATA:
		if (fc != HW_FC_DATA)
			return false;
		break;
	case HW_FAULT_ABTS:
		if (fc != HW_FC_CMD)
			return false;
		break;
	default:
		return false;
	}
	return f->wwpn == 0 || f->wwpn == src || f->wwpn == dst;
}

static void hw_fault_retire(struct hw_fabric *fab, struct hw_fault *f)
{
	uint32_t k = atomic_load(&f->kind);

	if (k != HW_FAULT_NONE && atomic_compare_exchange_strong(&f->kind, &k, HW_FAULT_NONE))
		atomic_fetch_sub(&fab->r->nfaults, 1);
}

/* Fault check for a frame of class fc between two ports. */
int hw_fabric_fault(struct hw_fabric *fab, int fc, uint64_t src, uint64_t dst, uint32_t opcode,
		    uint32_t *delay_ms)
{
	unsigned int i;
	uint64_t now = 0;

	if (!fab || !fab->r || atomic_load_explicit(&fab->r->nfaults, memory_order_relaxed) == 0)
		return HW_FAULT_NONE;
	for (i = 0; i < HW_MAX_FAULTS; i++) {
		struct hw_fault *f = &fab->r->faults[i];
		int kind;

		if (!hw_fault_match(f, fc, src, dst, opcode))
			continue;
		if (f->expires_ms) {
			if (!now)
				now = hw_now_ms();
			if (now >= f->expires_ms) {
				hw_fault_retire(fab, f);
				continue;
			}
		}
		if (atomic_fetch_add(&f->seen, 1) < f->skip)
			continue;
		kind = (int)atomic_load(&f->kind);
		if (!f->expires_ms || f->remaining > 0) {
			int32_t left = atomic_fetch_sub(&f->remaining, 1);

			if (left <= 0) {
				hw_fault_retire(fab, f);
				continue;
			}
			if (left == 1)
				hw_fault_retire(fab, f);
		}
		if (delay_ms)
			*delay_ms = f->delay_ms;
		return kind;
	}
	return HW_FAULT_NONE;
}

/* Add a fault record; returns its index or -ENOSPC. */
int hw_fabric_fault_add(struct hw_fabric *fab, const struct hw_fault *f)
{
	unsigned int i;

	if (f->kind == HW_FAULT_NONE || (f->remaining <= 0 && !f->expires_ms))
		return -EINVAL;
	hw_fabric_lock(fab);
	for (i = 0; i < HW_MAX_FAULTS; i++) {
		struct hw_fault *d = &fab->r->faults[i];

		if (atomic_load(&d->kind) != HW_FAULT_NONE)
			continue;
		d->fclass = f->fclass;
		d->wwpn = f->wwpn;
		d->opcode = f->opcode;
		d->skip = f->skip;
		atomic_store(&d->remaining, f->remaining);
		atomic_store(&d->seen, 0);
		d->delay_ms = f->delay_ms;
		d->expires_ms = f->expires_ms;
		atomic_store_explicit(&d->kind, f->kind, memory_order_release);
		atomic_fetch_add(&fab->r->nfaults, 1);
		hw_fabric_unlock(fab);
		return (int)i;
	}
	hw_fabric_unlock(fab);
	return -ENOSPC;
}

/* Remove every fault record. */
void hw_fabric_fault_clear(struct hw_fabric *fab)
{
	unsigned int i;

	hw_fabric_lock(fab);
	for (i = 0; i < HW_MAX_FAULTS; i++)
		hw_fault_retire(fab, &fab->r->faults[i]);
	hw_fabric_unlock(fab);
}
