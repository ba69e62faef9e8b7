/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control-socket client: connect to nvmetfcd's AF_UNIX SOCK_SEQPACKET
 * socket, send one request, and read its answer (data messages until
 * NLMSG_DONE, or one NLMSG_ERROR), matching replies by sequence number.
 * Every reply is checked with fcnvme_msg_validate() before the caller's
 * callback sees it. Used by fcnvmectl and by tests.
 */
#ifndef FCNVME_CLIENT_H
#define FCNVME_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct fcnvme_client;
struct fcnvme_msg;
struct nl_msg;

/* Called for each data message of a reply; a non-zero return stops and
 * becomes the request's return value. */
typedef int (*fcnvme_reply_cb)(const struct fcnvme_msg *msg, void *arg);

/* Connect to the socket at path. 0, or -errno. */
int fcnvme_client_open(const char *path, struct fcnvme_client **out);
/* The same, waiting at most timeout_ms (0: for ever) for the connection
 * and then for each reply: a daemon that is alive but does not answer
 * gives -ETIMEDOUT instead of a hang. */
int fcnvme_client_open_timeout(const char *path, unsigned int timeout_ms,
			       struct fcnvme_client **out);
/* Close and free (NULL is fine). */
void fcnvme_client_close(struct fcnvme_client *c);
/* The file descriptor, e.g. for poll(). */
int fcnvme_client_fd(const struct fcnvme_client *c);
/* The next sequence number to put into a request. */
uint32_t fcnvme_client_seq(struct fcnvme_client *c);

/*
 * Send req (built with fcnvme_msg_new(cmd, flags, fcnvme_client_seq(c)))
 * and collect its answer. Returns 0 on success, the daemon's -errno (with
 * its message copied into err) on failure, -EPROTO with a reason if a
 * reply is malformed, -ETIMEDOUT when the timeout passed without a reply,
 * or cb's non-zero value. err may be NULL.
 */
int fcnvme_client_request(struct fcnvme_client *c, struct nl_msg *req, fcnvme_reply_cb cb,
			  void *arg, char *err, size_t errlen);

/* Send one raw datagram (tests send hand-built malformed messages). */
int fcnvme_client_send_raw(struct fcnvme_client *c, const void *buf, size_t len);

#endif /* FCNVME_CLIENT_H */
