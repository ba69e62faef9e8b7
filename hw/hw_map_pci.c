// SPDX-License-Identifier: Apache-2.0
/*
 * The mapper's PCI path: a PCI function's memory BAR mapped through
 * /sys/bus/pci/devices/BDF/resourceN, as userspace drivers do with
 * uio_pci_generic (the uio device of such a function exposes at most a
 * register BAR in its maps/, and none with uio_pci_generic). The BAR is
 * chosen from the function's "resource" file (Linux
 * drivers/pci/pci-sysfs.c, resource_show: one "start end flags" line per
 * resource, BARs 0-5 first); the sysfs resourceN file has the BAR's size
 * and is mmapped at offset 0 (pci_mmap_resource_range).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw_name.h"
#include "hw_priv.h"

/* include/linux/ioport.h IORESOURCE_MEM: a memory (not I/O port) BAR. */
#define HW_PCI_RES_MEM 0x200ull
#define HW_PCI_NR_BARS 6

/* PCI functions that present a software-HBA port region. intx: whether the
 * device interrupts with INTx, the only interrupt uio_pci_generic delivers
 * (drivers/uio/uio_pci_generic.c). */
static const struct hw_map_pci_id {
	uint16_t vendor, device;
	const char *name;
	bool intx;
	int regs_bar; /* BAR of the registers to map too (m->regs), or -1 */
} hw_map_pci_ids[] = {
	/* QEMU ivshmem (docs/specs/ivshmem-spec.rst): BAR0 registers, BAR1
	 * MSI-X table, BAR2 the shared memory; ivshmem-doorbell with
	 * msi=on (softhba-vmport's setup) interrupts by MSI-X only. */
	{ 0x1af4, 0x1110, "ivshmem", false, 0 },
};

/* The largest memory BAR in dir/resource: its index and size. */
static int hw_map_pci_pick_bar(const char *dir, unsigned int *bar, uint64_t *size)
{
	char path[HW_PATH_MAX + 32], buf[2048], *p, *end;
	uint64_t v[3], best = 0;
	unsigned int i, k;
	int rc;

	snprintf(path, sizeof(path), "%s/resource", dir);
	rc = hw_map_read_file(path, buf, sizeof(buf));
	if (rc)
		return rc;
	p = buf;
	for (i = 0; i < HW_PCI_NR_BARS; i++) {
		for (k = 0; k < 3; k++) {
			errno = 0;
			v[k] = strtoull(p, &end, 16);
			if (errno || end == p)
				return -EINVAL;
			p = end;
		}
		if (*p != '\n')
			return -EINVAL;
		p++;
		/* An unused BAR (or the upper half of a 64-bit one) is all 0. */
		if (!(v[2] & HW_PCI_RES_MEM) || v[1] <= v[0])
			continue;
		if (v[1] - v[0] + 1 > best) {
			best = v[1] - v[0] + 1;
			*bar = i;
		}
	}
	if (best == 0)
		return -ENODEV;
	*size = best;
	return 0;
}

/* The known PCI id of dir, or NULL (-ENODEV in *rc). */
static const struct hw_map_pci_id *hw_map_pci_id(const char *dir, int *rc)
{
	char path[HW_PATH_MAX + 32];
	uint64_t vendor, device;
	size_t i;

	snprintf(path, sizeof(path), "%s/vendor", dir);
	*rc = hw_map_read_u64(path, &vendor);
	if (*rc)
		return NULL;
	snprintf(path, sizeof(path), "%s/device", dir);
	*rc = hw_map_read_u64(path, &device);
	if (*rc)
		return NULL;
	for (i = 0; i < sizeof(hw_map_pci_ids) / sizeof(hw_map_pci_ids[0]); i++)
		if (hw_map_pci_ids[i].vendor == vendor && hw_map_pci_ids[i].device == device)
			return &hw_map_pci_ids[i];
	*rc = -ENODEV;
	return NULL;
}

/* Map the register BAR regs_bar of dir (ivshmem: BAR0, whose Doorbell
 * register a remote driver rings) into m->regs when its resourceN exists
 * and is 16 bytes to a page; otherwise m->regs stays NULL (the caller
 * decides whether it can do without). */
static void hw_map_pci_regs(const char *dir, unsigned int regs_bar, struct hw_map *m)
{
	char path[HW_PATH_MAX + 32];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%u", dir, regs_bar);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 16 &&
	    st.st_size <= sysconf(_SC_PAGESIZE)) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			m->regs = p;
			m->regs_len = (size_t)st.st_size;
		}
	}
	close(fd);
}

/* Map the port region BAR of the PCI function whose sysfs directory is dir. */
int hw_map_pci_dir(const char *dir, struct hw_map *m)
{
	const struct hw_map_pci_id *id;
	char path[HW_PATH_MAX + 32];
	unsigned int bar = 0;
	uint64_t size = 0;
	struct stat st;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (strlen(dir) > HW_PATH_MAX)
		return -ENAMETOOLONG;
	id = hw_map_pci_id(dir, &rc);
	if (!id)
		return rc;
	rc = hw_map_pci_pick_bar(dir, &bar, &size);
	if (rc)
		return rc;
	/* A BAR's size is a power of two (PCI 3.0, 6.2.5.1). */
	if (size < sizeof(struct hw_bar) || size > (1ull << 40) || (size & (size - 1)))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/resource%u", dir, bar);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out_fd;
	}
	/* sysfs gives resourceN the BAR's size: another size is not the BAR
	 * that "resource" described. */
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != size) {
		rc = -EINVAL;
		goto out_fd;
	}
	m->base = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m->base == MAP_FAILED) {
		rc = -errno;
		m->base = NULL;
		goto out_fd;
	}
	/* The mapping outlives the descriptor. */
	close(fd);
	m->len = (size_t)size;
	m->pci = true;
	m->bar = bar;
	m->intx = id->intx;
	if (id->regs_bar >= 0 && (unsigned int)id->regs_bar != bar)
		hw_map_pci_regs(dir, (unsigned int)id->regs_bar, m);
	return 0;

out_fd:
	close(fd);
	return rc;
}

/* Map a PCI function named by BDF ("0000:00:04.0") under sysfs_root or by
 * its sysfs directory (an absolute path). */
int hw_map_pci(const char *dev, const char *sysfs_root, struct hw_map *m)
{
	char dir[HW_PATH_MAX + 64];

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (dev[0] == '/')
		return hw_map_pci_dir(dev, m);
	if (!hw_pci_bdf_ok(dev))
		return -EINVAL;
	if (!sysfs_root)
		sysfs_root = getenv("FCNVME_SYSFS_ROOT");
	if (!sysfs_root || !*sysfs_root)
		sysfs_root = "/sys";
	if (strlen(sysfs_root) > HW_PATH_MAX - 40)
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/%s", sysfs_root, dev);
	return hw_map_pci_dir(dir, m);
}
