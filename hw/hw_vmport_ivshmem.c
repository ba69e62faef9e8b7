// SPDX-License-Identifier: Apache-2.0
/*
 * The ivshmem-doorbell server protocol (see hw_vmport_ivshmem.h): 8-byte
 * little-endian messages with at most one SCM_RIGHTS descriptor each, sent
 * and received whole over a stream socket.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw_vmport_ivshmem.h"

/* Send one message: v, plus fd unless it is -1. */
int hw_vmport_ivshmem_send(int sock, int64_t v, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	uint64_t le = htole64((uint64_t)v);
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t done = 0;
	ssize_t n;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&ctl.h), &fd, sizeof(int));
	}
	while (done < sizeof(le)) {
		iov.iov_base = (char *)&le + done;
		iov.iov_len = sizeof(le) - done;
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		done += (size_t)n;
		mh.msg_control = NULL; /* the descriptor went with the first byte */
		mh.msg_controllen = 0;
	}
	return 0;
}

/* Close every descriptor a control message carried. */
static void hw_vmport_ivshmem_close_fds(struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t i, nfd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

/* Receive one message. */
int hw_vmport_ivshmem_recv(int sock, int64_t *v, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	uint64_t le = 0;
	struct iovec iov;
	struct msghdr mh;
	size_t done = 0;
	int got = -1, rc = 0;
	ssize_t n;

	*fd = -1;
	while (done < sizeof(le)) {
		struct cmsghdr *c;

		memset(&mh, 0, sizeof(mh));
		iov.iov_base = (char *)&le + done;
		iov.iov_len = sizeof(le) - done;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0) {
			rc = -ECONNRESET;
			break;
		}
		done += (size_t)n;
		if (mh.msg_flags & MSG_CTRUNC) {
			hw_vmport_ivshmem_close_fds(&mh);
			rc = -EPROTO;
			continue;
		}
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			if (got >= 0 || c->cmsg_len != CMSG_LEN(sizeof(int))) {
				hw_vmport_ivshmem_close_fds(&mh);
				rc = -EPROTO;
				break;
			}
			memcpy(&got, CMSG_DATA(c), sizeof(int));
		}
	}
	if (rc) {
		if (got >= 0)
			close(got);
		return rc;
	}
	*v = (int64_t)le64toh(le);
	*fd = got;
	return 0;
}

/* The greeting of a new client. */
int hw_vmport_ivshmem_greet(int sock, uint16_t client_id, int shm_fd,
			    const struct hw_vmport_ivshmem_peer *peers, unsigned int n)
{
	unsigned int p, i;
	int rc;

	rc = hw_vmport_ivshmem_send(sock, HW_VMPORT_IVSHMEM_VERSION, -1);
	if (!rc)
		rc = hw_vmport_ivshmem_send(sock, client_id, -1);
	if (!rc)
		rc = hw_vmport_ivshmem_send(sock, HW_VMPORT_IVSHMEM_SHM, shm_fd);
	for (p = 0; !rc && p < n; p++)
		for (i = 0; !rc && i < peers[p].nr; i++)
			rc = hw_vmport_ivshmem_send(sock, peers[p].id, peers[p].efd[i]);
	return rc;
}
