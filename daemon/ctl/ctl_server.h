/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket: an AF_UNIX SOCK_SEQPACKET listener (mode 0660, group
 * as configured) served by libevent on the control thread. Each datagram is
 * one request; it is validated, checked against the peer's SO_PEERCRED
 * credentials (mutating commands need root or the socket group, as it is
 * when the request arrives) and handed to ctl_dispatch. Replies are queued per connection; a client that does not
 * read is throttled (its requests are not read while its queue is above the
 * high watermark) and dropped when the queue hits the hard limit, so it can
 * never stall the daemon. Connections are bounded (struct ctl_limits): per
 * user, in all with some slots kept for root, and a connection that stays
 * idle is closed, so idle clients cannot lock anybody out; when every slot
 * is taken, root's new connection replaces the longest idle one. A failing
 * accept() (out of descriptors) pauses the listener instead of spinning.
 * [ctl] only.
 */
#ifndef CTL_SERVER_H
#define CTL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct fcd;
struct ctl_server;

/* Bounds of the control socket's clients. */
struct ctl_limits {
	unsigned int max_conns;	      /* in all */
	unsigned int root_reserve;    /* of those, only for root (and the daemon's user) */
	unsigned int per_uid;	      /* connections of one other user */
	unsigned int idle_ms;	      /* a connection without traffic this long is closed */
	unsigned int accept_pause_ms; /* after accept() ran out of descriptors */
};

#define CTL_LIMITS_DEFAULT             \
	{                              \
		64, 8, 16, 60000, 1000 \
	}
struct ctl_conn;
struct nl_msg;

/* Listen on path (an existing socket file is replaced unless a daemon
 * answers on it: -EADDRINUSE); group (gid_t)-1 keeps the default group. */
int ctl_server_open(struct fcd *d, const char *path, gid_t group, struct ctl_server **out);
/* The socket group is now name ("" or unknown: none, root only): the
 * socket file's group changes and every later request, also on connections
 * already open, is judged by it. */
void ctl_server_set_group(struct ctl_server *s, const char *name);
/* Change the limits (tests; the daemon keeps CTL_LIMITS_DEFAULT). */
void ctl_server_set_limits(struct ctl_server *s, const struct ctl_limits *l);
/* Close every connection and the listener; unlink the socket. NULL is fine. */
void ctl_server_close(struct ctl_server *s);
/* Queue a reply on a connection; takes ownership of m. 0 or -errno. */
int ctl_conn_send(struct ctl_conn *c, struct nl_msg *m);
/* Whether the connection's peer may run mutating commands. */
bool ctl_conn_writable(const struct ctl_conn *c);

#endif /* CTL_SERVER_H */
