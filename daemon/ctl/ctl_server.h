/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket: an AF_UNIX SOCK_SEQPACKET listener (mode 0660, group
 * as configured) served by libevent on the control thread. Each datagram is
 * one request; it is validated, checked against the peer's SO_PEERCRED
 * credentials (mutating commands need root or the socket group, as it is
 * when the request arrives) and handed to ctl_dispatch. Replies are queued per connection; a client that does not
 * read is throttled (its requests are not read while its queue is above the
 * high watermark) and dropped when the queue hits the hard limit, so it can
 * never stall the daemon. [ctl] only.
 */
#ifndef CTL_SERVER_H
#define CTL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct fcd;
struct ctl_server;
struct ctl_conn;
struct nl_msg;

/* Listen on path (an existing socket file is replaced unless a daemon
 * answers on it: -EADDRINUSE); group (gid_t)-1 keeps the default group. */
int ctl_server_open(struct fcd *d, const char *path, gid_t group, struct ctl_server **out);
/* The socket group is now name ("" or unknown: none, root only): the
 * socket file's group changes and every later request, also on connections
 * already open, is judged by it. */
void ctl_server_set_group(struct ctl_server *s, const char *name);
/* Close every connection and the listener; unlink the socket. NULL is fine. */
void ctl_server_close(struct ctl_server *s);
/* Queue a reply on a connection; takes ownership of m. 0 or -errno. */
int ctl_conn_send(struct ctl_conn *c, struct nl_msg *m);
/* Whether the connection's peer may run mutating commands. */
bool ctl_conn_writable(const struct ctl_conn *c);

#endif /* CTL_SERVER_H */
