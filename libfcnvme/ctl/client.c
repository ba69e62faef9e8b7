// SPDX-License-Identifier: Apache-2.0
/*
 * The control-socket client: one AF_UNIX SOCK_SEQPACKET connection, one
 * request at a time. Replies are read one datagram at a time, validated,
 * matched by sequence number, and handed to the caller until NLMSG_DONE or
 * NLMSG_ERROR ends the answer. An optional timeout bounds the connection and
 * the wait for each reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/msg.h>

#include <fcnvmectl/client.h>
#include <fcnvmectl/ctl_msg.h>

struct fcnvme_client {
	int fd;
	uint32_t seq;		 /* last sequence number handed out */
	unsigned int timeout_ms; /* per reply; 0: none */
	/* receive buffer, 8-byte aligned for the attribute readers */
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
};

/* Connect to the daemon's control socket. */
int fcnvme_client_open(const char *path, struct fcnvme_client **out)
{
	return fcnvme_client_open_timeout(path, 0, out);
}

/* Connect with a bound on every wait (SO_SNDTIMEO also bounds connect()
 * on a full backlog; SO_RCVTIMEO each reply). */
int fcnvme_client_open_timeout(const char *path, unsigned int timeout_ms,
			       struct fcnvme_client **out)
{
	struct timeval tv = { (time_t)(timeout_ms / 1000),
			      (suseconds_t)(timeout_ms % 1000) * 1000 };
	struct sockaddr_un sun;
	struct fcnvme_client *c;
	int err;

	if (path == NULL || strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		err = -errno;
		goto out_free_client;
	}
	c->timeout_ms = timeout_ms;
	if (timeout_ms && (setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
			   setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)) {
		err = -errno;
		goto out_close_fd;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT : -errno;
		goto out_close_fd;
	}
	c->seq = (uint32_t)getpid() << 8;
	*out = c;
	return 0;

out_close_fd:
	close(c->fd);
out_free_client:
	free(c);
	return err;
}

/* Close the connection. */
void fcnvme_client_close(struct fcnvme_client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c);
}

/* The socket descriptor. */
int fcnvme_client_fd(const struct fcnvme_client *c)
{
	return c->fd;
}

/* Hand out the next sequence number. */
uint32_t fcnvme_client_seq(struct fcnvme_client *c)
{
	return ++c->seq;
}

/* Send one datagram as is. */
int fcnvme_client_send_raw(struct fcnvme_client *c, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

static void set_err(char *err, size_t errlen, const char *s)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", s);
}

/* Send a request and collect its answer. */
int fcnvme_client_request(struct fcnvme_client *c, struct nl_msg *req, fcnvme_reply_cb cb,
			  void *arg, char *err, size_t errlen)
{
	struct nlmsghdr *h = fcnvme_msg_hdr(req);
	struct fcnvme_msg msg;
	char why[256];
	ssize_t n;
	int ret;

	if (err != NULL && errlen > 0)
		*err = '\0';
	ret = fcnvme_client_send_raw(c, h, h->nlmsg_len);
	if (ret == -EAGAIN) {
		snprintf(why, sizeof(why), "the daemon took no request within %u ms",
			 c->timeout_ms);
		set_err(err, errlen, why);
		return -ETIMEDOUT;
	}
	if (ret) {
		set_err(err, errlen, "cannot send to the daemon");
		return ret;
	}
	for (;;) {
		do {
			n = recv(c->fd, c->buf, sizeof(c->buf), MSG_TRUNC);
		} while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			snprintf(why, sizeof(why), "no answer from the daemon within %u ms",
				 c->timeout_ms);
			set_err(err, errlen, why);
			return -ETIMEDOUT;
		}
		if (n < 0) {
			ret = -errno;
			set_err(err, errlen, "cannot read from the daemon");
			return ret;
		}
		if (n == 0) {
			set_err(err, errlen, "the daemon closed the connection");
			return -ECONNRESET;
		}
		if ((size_t)n > sizeof(c->buf)) {
			set_err(err, errlen, "reply larger than the protocol allows");
			return -EPROTO;
		}
		ret = fcnvme_msg_validate(c->buf, (size_t)n, FCNVME_MSG_REPLY, &msg, why,
					  sizeof(why));
		if (ret) {
			set_err(err, errlen, why);
			return -EPROTO;
		}
		if (msg.nlh->nlmsg_seq != h->nlmsg_seq)
			continue; /* a late answer to an earlier request */
		if (msg.type == NLMSG_DONE)
			return 0;
		if (msg.type == NLMSG_ERROR) {
			const char *s = fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG);

			if (msg.error != 0)
				set_err(err, errlen, s != NULL ? s : strerror(-msg.error));
			return msg.error;
		}
		if (cb != NULL) {
			ret = cb(&msg, arg);
			if (ret)
				return ret;
		}
	}
}
