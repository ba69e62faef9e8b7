// SPDX-License-Identifier: Apache-2.0
/*
 * The ivshmem-doorbell client (hw_ivshmem_client.h): QEMU's part of the
 * protocol of docs/specs/ivshmem-spec.rst, as hw/hw_vmport_ivshmem.c
 * serves it.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "hw_ivshmem_client.h"
#include "hw_vmport_ivshmem.h"

/* The eventfds after the memory: one per vector of each peer; ours are
 * interrupts, the other peer's are doorbells. */
static int hw_ivshmem_client_vectors(struct hw_ivshmem_client *c)
{
	unsigned int nme = 0, nfw = 0;
	int64_t v;
	int fd, rc;

	while (nme < c->nvec || nfw < c->nvec) {
		struct pollfd p = { .fd = c->sock, .events = POLLIN };

		if (poll(&p, 1, HW_IVSHMEM_GREET_MS) != 1)
			return -EAGAIN;
		rc = hw_vmport_ivshmem_recv(c->sock, &v, &fd);
		if (rc)
			return rc;
		if (fd < 0 || v < 0 || v > 0xffff) {
			if (fd >= 0)
				close(fd);
			return -EPROTO;
		}
		if (v == c->my_id && nme < c->nvec) {
			c->irq_efd[nme++] = fd;
		} else if ((c->fw_id < 0 || v == c->fw_id) && v != c->my_id && nfw < c->nvec) {
			c->fw_id = (int)v;
			c->db_efd[nfw++] = fd;
		} else {
			close(fd);
			return -EPROTO;
		}
	}
	return 0;
}

/* Connect as QEMU's chardev does and take the greeting. */
int hw_ivshmem_client_open(struct hw_ivshmem_client *c, const char *socket_path)
{
	struct timeval tmo = { HW_IVSHMEM_GREET_MS / 1000, (HW_IVSHMEM_GREET_MS % 1000) * 1000 };
	struct sockaddr_un sun;
	struct stat st;
	unsigned int i;
	int64_t v;
	int fd, shm = -1, rc;

	memset(c, 0, sizeof(*c));
	c->sock = -1;
	c->fw_id = -1;
	for (i = 0; i < HW_IVSHMEM_MAX_VEC; i++)
		c->irq_efd[i] = c->db_efd[i] = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(socket_path) >= sizeof(sun.sun_path) || strlen(socket_path) >= sizeof(c->path))
		return -ENAMETOOLONG;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", socket_path);
	snprintf(c->path, sizeof(c->path), "%s", socket_path);
	if (stat(socket_path, &st))
		return -errno;
	c->path_dev = (unsigned long long)st.st_dev;
	c->path_ino = (unsigned long long)st.st_ino;
	c->path_ctime_ns = (unsigned long long)st.st_ctim.tv_sec * 1000000000ull +
			   (unsigned long long)st.st_ctim.tv_nsec;
	c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->sock < 0 || connect(c->sock, (struct sockaddr *)&sun, sizeof(sun)) ||
	    setsockopt(c->sock, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)))
		return -errno;
	/* version, our id, the shared memory */
	rc = hw_vmport_ivshmem_recv(c->sock, &v, &fd);
	if (rc || v != HW_VMPORT_IVSHMEM_VERSION || fd >= 0)
		goto out_fd;
	rc = hw_vmport_ivshmem_recv(c->sock, &v, &fd);
	if (rc || v < 0 || v > 0xffff || fd >= 0)
		goto out_fd;
	c->my_id = (int)v;
	rc = hw_vmport_ivshmem_recv(c->sock, &v, &shm);
	if (rc || v != HW_VMPORT_IVSHMEM_SHM || shm < 0) {
		fd = shm;
		goto out_fd;
	}
	if (fstat(shm, &st) || st.st_size < (off_t)sizeof(struct hw_bar)) {
		rc = -EPROTO;
		goto out_shm;
	}
	c->base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
	if (c->base == MAP_FAILED) {
		rc = -errno;
		c->base = NULL;
		goto out_shm;
	}
	c->len = (size_t)st.st_size;
	close(shm);
	/* the region says how many vectors there are (the driver checks the
	 * rest of it at probe) */
	c->nvec = ((const struct hw_bar *)c->base)->nr_vectors;
	if (c->nvec == 0 || c->nvec > HW_IVSHMEM_MAX_VEC)
		return -EPROTO;
	return hw_ivshmem_client_vectors(c);

out_shm:
	close(shm);
	return rc;
out_fd:
	if (fd >= 0)
		close(fd);
	return rc ? rc : -EPROTO;
}

void hw_ivshmem_client_ring(const struct hw_ivshmem_client *c, unsigned int vec)
{
	uint64_t one = 1;

	if (vec < c->nvec && c->db_efd[vec] >= 0)
		(void)!write(c->db_efd[vec], &one, sizeof(one));
}

bool hw_ivshmem_client_closed(const struct hw_ivshmem_client *c)
{
	struct pollfd p = { .fd = c->sock, .events = POLLRDHUP };

	if (c->sock < 0)
		return true;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void hw_ivshmem_client_close(struct hw_ivshmem_client *c)
{
	unsigned int i;

	if (c->base)
		munmap(c->base, c->len);
	for (i = 0; i < HW_IVSHMEM_MAX_VEC; i++) {
		if (c->irq_efd[i] >= 0)
			close(c->irq_efd[i]);
		if (c->db_efd[i] >= 0)
			close(c->db_efd[i]);
	}
	if (c->sock >= 0)
		close(c->sock);
	memset(c, 0, sizeof(*c));
	c->sock = -1;
	for (i = 0; i < HW_IVSHMEM_MAX_VEC; i++)
		c->irq_efd[i] = c->db_efd[i] = -1;
}
