/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ivshmem-doorbell server protocol (QEMU docs/specs/ivshmem-spec.rst),
 * as the port server speaks it to QEMU and as a test stands in for QEMU.
 * Over a unix stream socket the server sends 8-byte little-endian signed
 * messages, some carrying one file descriptor (SCM_RIGHTS): the protocol
 * version (0); the client's own peer id; -1 with the shared memory; then,
 * for every peer including the client itself, its id once per interrupt
 * vector, each time with that vector's eventfd (in vector order). The
 * client's own eventfds are its interrupts (QEMU turns a write into MSI-X
 * vector i); another peer's are its doorbells (the guest's write of
 * id << 16 | i to the Doorbell register writes that peer's eventfd i).
 */
#ifndef HW_VMPORT_IVSHMEM_H
#define HW_VMPORT_IVSHMEM_H

#include <stdint.h>

#define HW_VMPORT_IVSHMEM_VERSION 0
#define HW_VMPORT_IVSHMEM_SHM	  (-1) /* message value carrying the shm fd */

/* One peer as the greeting announces it: id and one eventfd per vector. */
struct hw_vmport_ivshmem_peer {
	uint16_t id;
	unsigned int nr;
	const int *efd;
};

/* Send one message: v, plus fd unless it is -1. 0 or -errno. */
int hw_vmport_ivshmem_send(int sock, int64_t v, int fd);
/* Receive one message into *v; *fd gets the descriptor it carried or -1.
 * -ECONNRESET at end of stream, -EPROTO for more than one descriptor or a
 * truncated control message (any descriptors are closed). */
int hw_vmport_ivshmem_recv(int sock, int64_t *v, int *fd);
/* The greeting of a new client: version, client_id, the shm fd, then each
 * of the n peers' eventfds. 0 or -errno. */
int hw_vmport_ivshmem_greet(int sock, uint16_t client_id, int shm_fd,
			    const struct hw_vmport_ivshmem_peer *peers, unsigned int n);

#endif /* HW_VMPORT_IVSHMEM_H */
