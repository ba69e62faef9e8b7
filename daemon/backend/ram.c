// SPDX-License-Identifier: Apache-2.0
/*
 * The ram backend: the namespace is anonymous memory. The address range is
 * reserved once (PROT_NONE, up to RAM_RESERVE or the size if larger) and made
 * accessible as the namespace grows, so the base address never moves under
 * I/O threads. Deallocated ranges are zeroed, so they read back as zeroes.
 * The memory is not reserved with the kernel (MAP_NORESERVE) and is only
 * used as hosts write, so the sizes of all ram namespaces together are held
 * to the memory this process may have (backend_ram_limit()): a larger one
 * would be accepted and hosts writing to it would get the daemon OOM-killed.
 * Reads are sent from the image without a copy when the port's LLDD allows
 * it (tgt_req_data_ref(), nvmet_fc_req_data_ref()).
 *
 * The image is advised for transparent huge pages (MADV_HUGEPAGE, from a
 * 2 MiB aligned base): random 4 KiB I/O over a large image otherwise
 * misses the TLB on most commands and takes a page fault per 4 KiB first
 * touched. Memory is then taken in 2 MiB units as hosts write, within the
 * size already counted against the limit. Where the kernel has THP off
 * ("never") the advice does nothing and the image keeps 4 KiB pages.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fcnvme/nvmet_fc_core.h>

#include "backend.h"
#include "core/tgt_priv.h"

#define RAM_RESERVE (64ull << 30) /* address space, not memory */
#define RAM_HUGE    (2ull << 20)  /* x86-64's PMD size: the base's alignment */

struct ram_be {
	struct backend be;
	uint8_t *base;	  /* RAM_HUGE aligned, inside the mapping */
	uint64_t size;	  /* accessible bytes, page multiple */
	uint64_t reserve; /* bytes from base the image may grow to */
	void *map;	  /* the reserved mapping: reserve + RAM_HUGE bytes */
};

/* Make [p, p + len) of the image accessible and advise it for huge pages.
 * The advice is a hint: a kernel without THP refuses it (EINVAL) and the
 * image works with small pages. */
static int ram_map(uint8_t *p, uint64_t len)
{
	if (mprotect(p, len, PROT_READ | PROT_WRITE))
		return -errno;
	(void)madvise(p, len, MADV_HUGEPAGE);
	return 0;
}

/* Bytes of all open ram namespaces. [ctl] (open, grow, close run there). */
static uint64_t ram_total;

static uint64_t ram_page_up(uint64_t v)
{
	return (v + 4095) & ~4095ull;
}

/* A limit in bytes from a cgroup file dir/path/file ("max" or a number),
 * or 0. */
static uint64_t ram_cgroup_file(const char *dir, const char *path, const char *file)
{
	char name[4200], buf[64];
	uint64_t v = 0;
	FILE *f;

	snprintf(name, sizeof(name), "%s%s/%s", dir, path, file);
	f = fopen(name, "re");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL && sscanf(buf, "%" SCNu64, &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* The memory limit of our cgroup (v2 memory.max, v1 limit_in_bytes), or 0. */
static uint64_t ram_cgroup_limit(void)
{
	char line[4096], *path;
	uint64_t v = 0, w;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (f == NULL)
		return 0;
	while (v == 0 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			path = line + 3;
			v = ram_cgroup_file("/sys/fs/cgroup", path, "memory.max");
		} else if ((path = strstr(line, ":memory:")) != NULL) {
			path += 8;
			v = ram_cgroup_file("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes");
			/* inside a cgroup namespace the own group is the root */
			w = ram_cgroup_file("/sys/fs/cgroup/memory", "", "memory.limit_in_bytes");
			if (w && (!v || w < v))
				v = w;
		}
	}
	fclose(f);
	return v;
}

/* The memory ram namespaces may take in all: the machine's, or less when
 * the process's cgroup (a systemd MemoryMax=, a container) allows less. */
uint64_t backend_ram_limit(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	uint64_t phys = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : UINT64_MAX;
	uint64_t cg = ram_cgroup_limit();

	return cg && cg < phys ? cg : phys;
}

/* Whether sz more bytes of ram namespaces fit; err says why not. */
static int ram_admit(uint64_t sz, char *err, size_t errlen)
{
	uint64_t limit = backend_ram_limit();
	uint64_t sum = sz > UINT64_MAX - ram_total ? UINT64_MAX : ram_total + sz;

	if (sum <= limit)
		return 0;
	tgt_err(err, errlen,
		"ram namespaces would hold %" PRIu64 " MiB, more than the %" PRIu64
		" MiB of memory this daemon may use (hosts writing to them would get it "
		"killed); use a file namespace or less",
		sum >> 20, limit >> 20);
	return -ENOMEM;
}

static int ram_open(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size, char *err,
		    size_t errlen)
{
	struct ram_be *rb;
	void *m;
	uint64_t sz = ram_page_up(p->size);

	if (!p->size) {
		tgt_err(err, errlen, "a ram namespace needs a size");
		return -EINVAL;
	}
	if (ram_admit(sz < p->size ? UINT64_MAX : sz, err, errlen))
		return -ENOMEM;
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	rb->reserve = sz > RAM_RESERVE ? sz : RAM_RESERVE;
	m = mmap(NULL, rb->reserve + RAM_HUGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		tgt_err(err, errlen, "cannot reserve %llu bytes of memory",
			(unsigned long long)rb->reserve);
		goto out_free_rb;
	}
	rb->map = m;
	rb->base = (uint8_t *)(((uintptr_t)m + RAM_HUGE - 1) & ~(uintptr_t)(RAM_HUGE - 1));
	if (ram_map(rb->base, sz)) {
		tgt_err(err, errlen, "cannot allocate %llu bytes of memory",
			(unsigned long long)sz);
		goto out_unmap;
	}
	rb->size = sz;
	ram_total += sz;
	rb->be.ops = &backend_ram_ops;
	rb->be.zeroes_dealloc = true;
	rb->be.writable = true;
	*bep = &rb->be;
	*size = p->size;
	return 0;

out_unmap:
	munmap(rb->map, rb->reserve + RAM_HUGE);
out_free_rb:
	free(rb);
	return -ENOMEM;
}

static int ram_grow(struct backend *be, uint64_t size, uint64_t *size_out, char *err, size_t errlen)
{
	struct ram_be *rb = (struct ram_be *)be;
	uint64_t sz = ram_page_up(size);

	if (!size) {
		tgt_err(err, errlen, "a ram namespace needs an explicit size");
		return -EINVAL;
	}
	if (sz > rb->reserve) {
		tgt_err(err, errlen, "a ram namespace can grow to at most %llu bytes",
			(unsigned long long)rb->reserve);
		return -ENOSPC;
	}
	if (sz > rb->size && ram_admit(sz - rb->size, err, errlen))
		return -ENOMEM;
	if (sz > rb->size && ram_map(rb->base + rb->size, sz - rb->size)) {
		tgt_err(err, errlen, "cannot allocate %llu more bytes of memory",
			(unsigned long long)(sz - rb->size));
		return -ENOMEM;
	}
	if (sz > rb->size) {
		ram_total += sz - rb->size;
		rb->size = sz;
	}
	*size_out = size;
	return 0;
}

static void ram_close(struct backend *be)
{
	struct ram_be *rb = (struct ram_be *)be;

	ram_total -= rb->size;
	munmap(rb->map, rb->reserve + RAM_HUGE);
	free(rb);
}

static uint16_t ram_submit(struct backend *be, struct nvmet_fc_req *req, enum backend_op op,
			   uint64_t off, uint64_t len)
{
	struct ram_be *rb = (struct ram_be *)be;

	switch (op) {
	case BE_READ:
		/* Zero-copy where the LLDD reads by virtual address: the
		 * transport sends straight from the image. Safe because the
		 * base never moves (the reservation above; ram_grow only
		 * opens more of it, a smaller size unmaps nothing) and the
		 * image is unmapped only by ram_close, after the namespace's
		 * removal drained every request, and a zero-copy Read counts
		 * until its data is sent (tgt_req_data_done). A Write to the
		 * same blocks in flight meanwhile may change what the Read
		 * returns: NVMe orders no commands in flight together. */
		if (tgt_req_data_ref(req, rb->base + off, len))
			memcpy(req->data, rb->base + off, len);
		break;
	case BE_WRITE:
	case BE_WRITE_FUA:
		/* Writes keep their copy: the data arrives in the transport's
		 * buffer before the command runs, and may only reach the image
		 * once its checks (LBA range, write protection, reservations,
		 * ANA) passed; a failed or aborted Write must leave no trace. */
		memcpy(rb->base + off, req->data, len);
		break;
	case BE_WRITE_ZEROES:
	case BE_DISCARD:
		memset(rb->base + off, 0, len);
		break;
	case BE_COMPARE:
		if (memcmp(rb->base + off, req->data, len))
			return NVME_SC_COMPARE_FAILED;
		break;
	case BE_FLUSH:
		break;
	case BE_COMPARE_WRITE: /* not atomic across I/O threads: never offered */
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
	return NVME_SC_SUCCESS;
}

const struct backend_ops backend_ram_ops = {
	.name = "ram",
	.open = ram_open,
	.grow = ram_grow,
	.close = ram_close,
	.submit = ram_submit,
};
