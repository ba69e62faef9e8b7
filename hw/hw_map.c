// SPDX-License-Identifier: Apache-2.0
/*
 * The mapper: gives the driver its device region, either from a real device
 * through uio (/dev/uioN: a platform-style device's map0 located by
 * /sys/class/uio/uioN/maps/map0/{size,offset}, or, when the uio device is a
 * PCI function, its BAR through resourceN, hw_map_pci.c; interrupts by
 * read()/write() on the fd, Linux drivers/uio/uio.c), from a PCI function
 * without uio (hw_map_pci.c) or from a software HBA's shared-memory file.
 * The code above it is the same for all.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw_name.h"
#include "hw_priv.h"

/* Read a sysfs attribute file into buf (len bytes at most, with the NUL);
 * 0, -errno, or -EIO when it is empty. */
int hw_map_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

/* Parse a sysfs attribute file holding one integer (decimal or 0x hex). */
int hw_map_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int rc = hw_map_read_file(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

/* If sysfs's uioN/device (dev) is a PCI function: its BAR, uio fd kept for
 * INTx. 1 if it is not one (use the map layout), 0 or -errno if it is. */
static int hw_map_uio_pci(const char *devpath, const char *dev, struct hw_map *m)
{
	char link[HW_PATH_MAX], path[HW_PATH_MAX + 16];
	const char *name;
	ssize_t n;
	int fd, rc;

	n = readlink(dev, link, sizeof(link) - 1);
	if (n <= 0)
		return 1;
	link[n] = '\0';
	name = strrchr(link, '/');
	name = name ? name + 1 : link;
	snprintf(path, sizeof(path), "%.*s/resource", HW_PATH_MAX, dev);
	if (!hw_pci_bdf_ok(name) || access(path, R_OK))
		return 1;
	fd = open(devpath, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = hw_map_pci_dir(dev, m);
	if (rc) {
		close(fd);
		return rc;
	}
	m->fd = fd;
	m->uio = true;
	m->irq = m->intx;
	return 0;
}

/* Map /dev/uioN: the PCI function behind it or its map0. */
int hw_map_uio(const char *devpath, const char *sysfs_root, struct hw_map *m)
{
	char path[512];
	uint64_t size, offset;
	const char *name;
	unsigned int n;
	char tail;
	int rc;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	name = strrchr(devpath, '/');
	name = name ? name + 1 : devpath;
	if (sscanf(name, "uio%u%c", &n, &tail) != 1)
		return -EINVAL;
	if (!sysfs_root)
		sysfs_root = getenv("FCNVME_SYSFS_ROOT");
	if (!sysfs_root || !*sysfs_root)
		sysfs_root = "/sys";
	if (strlen(sysfs_root) > HW_PATH_MAX - 40)
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "%.*s/class/uio/uio%u/device", HW_PATH_MAX - 40, sysfs_root,
		 n);
	rc = hw_map_uio_pci(devpath, path, m);
	if (rc <= 0)
		return rc;
	snprintf(path, sizeof(path), "%s/class/uio/uio%u/maps/map0/size", sysfs_root, n);
	rc = hw_map_read_u64(path, &size);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/class/uio/uio%u/maps/map0/offset", sysfs_root, n);
	rc = hw_map_read_u64(path, &offset);
	if (rc)
		return rc;
	if (size < sizeof(struct hw_bar) || size > (1ull << 40) || offset >= HW_PAGE)
		return -EINVAL;
	m->fd = open(devpath, O_RDWR | O_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	/* uio selects map N by mmap offset N * page size; map0 is offset 0. */
	m->len = (size_t)size;
	m->base = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		rc = -errno;
		close(m->fd);
		memset(m, 0, sizeof(*m));
		m->fd = -1;
		return rc;
	}
	m->base = (char *)m->base + offset;
	m->len -= (size_t)offset;
	m->uio = true;
	m->irq = true;
	return 0;
}

/* Enable the uio interrupt (write 1 to the fd). */
int hw_map_uio_irq_enable(struct hw_map *m)
{
	uint32_t one = 1;

	if (!m->irq)
		return -ENOTSUP;
	return write(m->fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

/* Read the uio interrupt count. */
int hw_map_uio_irq_read(struct hw_map *m, uint32_t *count)
{
	if (!m->irq)
		return -ENOTSUP;
	return read(m->fd, count, sizeof(*count)) == sizeof(*count) ? 0 : -errno;
}

/* Create a soft device file of len bytes at path, atomically. */
int hw_map_soft_create(const char *path, size_t len, struct hw_map *m)
{
	char tmp[HW_PATH_MAX + 64];
	int rc;

	memset(m, 0, sizeof(*m));
	snprintf(tmp, sizeof(tmp), "%s.new.%d", path, (int)getpid());
	m->fd = hw_fabric_create_file(tmp, HW_FILE_MODE);
	if (m->fd == -EEXIST) {
		/* Left by a dead process with our pid (or planted): remove
		 * the name itself, never what it may point to. */
		if (unlink(tmp) == 0)
			m->fd = hw_fabric_create_file(tmp, HW_FILE_MODE);
	}
	if (m->fd < 0) {
		rc = m->fd;
		m->fd = -1;
		return rc;
	}
	if (flock(m->fd, LOCK_EX | LOCK_NB) || ftruncate(m->fd, (off_t)len)) {
		rc = -errno;
		goto out_unlink;
	}
	m->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		rc = -errno;
		goto out_unlink;
	}
	m->len = len;
	if (rename(tmp, path)) {
		rc = -errno;
		munmap(m->base, len);
		goto out_unlink;
	}
	return 0;

out_unlink:
	unlink(tmp);
	close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	return rc;
}

/* Unmap and close a mapping (drops the liveness flock). */
void hw_map_close(struct hw_map *m)
{
	long pg = sysconf(_SC_PAGESIZE);

	if (m->base) {
		uintptr_t b = (uintptr_t)m->base & ~((uintptr_t)pg - 1);

		munmap((void *)b, m->len + ((uintptr_t)m->base - b));
	}
	if (m->regs)
		munmap(m->regs, m->regs_len);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}
