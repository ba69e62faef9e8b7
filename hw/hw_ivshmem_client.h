/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of the ivshmem-doorbell server protocol (see
 * hw_vmport_ivshmem.h): what QEMU's ivshmem-doorbell device does with its
 * chardev socket, for a process on the host that drives a softhba-vmport
 * port as a guest driver would (nvmetfcd's dev = "vmport:SOCKET", the test
 * guest tests/integration/vmport_guest). Connect, take the greeting, map
 * the shared memory; a doorbell is a write to the server's eventfd of that
 * vector, an interrupt a readable own eventfd.
 */
#ifndef HW_IVSHMEM_CLIENT_H
#define HW_IVSHMEM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "hw_dev.h"

#define HW_IVSHMEM_MAX_VEC (1 + HW_MAX_HWQ)

/* Set by hw_ivshmem_client_open, read-only after; the eventfds may be used
 * from any thread. */
struct hw_ivshmem_client {
	int sock; /* the connection; the server sees us go when it closes */
	/* The socket file connected to (stat before connect): a server that
	 * restarts binds a new one at the same path, which may get the old
	 * one's inode number but not its change time. */
	char path[108]; /* sizeof(sun_path) */
	unsigned long long path_dev, path_ino, path_ctime_ns;
	int my_id, fw_id;
	unsigned int nvec;		 /* vectors: the region's bar.nr_vectors */
	int irq_efd[HW_IVSHMEM_MAX_VEC]; /* ours: the server writes them */
	int db_efd[HW_IVSHMEM_MAX_VEC];	 /* the server's: our doorbells */
	void *base;			 /* the shared memory (BAR2), mapped */
	size_t len;
};

/* A server sends its whole greeting at once: each message of it is waited
 * for this long at most, so that a server that accepts and says nothing
 * (stopped, or not one) costs the caller this much, not forever. */
#define HW_IVSHMEM_GREET_MS 2000

/* Connect to the server at socket_path, take the greeting (version, our
 * id, the shared memory, bar.nr_vectors eventfds of the server and of us)
 * and map the memory. 0, -errno of the socket (-EAGAIN: a message did not
 * come within HW_IVSHMEM_GREET_MS), or -EPROTO for a greeting that is not
 * the protocol. Close with hw_ivshmem_client_close, also after a failure. */
int hw_ivshmem_client_open(struct hw_ivshmem_client *c, const char *socket_path);
/* Ring vector vec of the server (what QEMU does for the guest's
 * iowrite32(fw_id << 16 | vec, regs + 12)). */
void hw_ivshmem_client_ring(const struct hw_ivshmem_client *c, unsigned int vec);
/* Whether the server has closed the connection (it exits, or stops
 * serving us): true for good once it has. Does not read the socket. */
bool hw_ivshmem_client_closed(const struct hw_ivshmem_client *c);
void hw_ivshmem_client_close(struct hw_ivshmem_client *c);

#endif /* HW_IVSHMEM_CLIENT_H */
