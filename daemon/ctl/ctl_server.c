// SPDX-License-Identifier: Apache-2.0
/*
 * The control socket server (see ctl_server.h). libevent's bufferevents are
 * stream-oriented, so connections are plain events: one persistent read
 * event per connection and a write event armed only while replies are
 * queued. Each datagram is read whole (MSG_TRUNC reveals oversize ones),
 * validated by fcnvme_msg_validate(), and dispatched; anything malformed
 * gets an NLMSG_ERROR and a log line, and the connection stays usable.
 * Output is bounded: above CTL_HIGH_WATER queued bytes the connection's
 * requests are no longer read until it drains below CTL_LOW_WATER; above
 * CTL_MAX_QUEUED it is closed.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>
#include <linux/netlink.h>
#include <netlink/msg.h>

#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl_dispatch.h"
#include "ctl_server.h"
#include "fcd.h"
#include "log.h"

#define CTL_HIGH_WATER (256u * 1024)	   /* stop reading requests above */
#define CTL_LOW_WATER  (64u * 1024)	   /* resume reading below */
#define CTL_MAX_QUEUED (32u * 1024 * 1024) /* drop the client above */
#define CTL_MAX_CONNS  64
#define CTL_LOG_BAD    5 /* malformed requests logged per connection */

/* One queued reply datagram. */
struct ctl_out {
	STAILQ_ENTRY(ctl_out) entry;
	struct nl_msg *msg;
};

/* One client connection; owned by its server, control thread only. */
struct ctl_conn {
	TAILQ_ENTRY(ctl_conn) entry;
	struct ctl_server *srv;
	int fd;
	struct ucred cred;   /* from SO_PEERCRED at accept */
	bool throttled;	     /* read event removed */
	unsigned int nr_bad; /* malformed requests so far */
	bool overflow;	     /* a reply was dropped: close */
	struct event *rev;
	struct event *wev;
	STAILQ_HEAD(, ctl_out) outq;
	size_t queued; /* bytes in outq */
};

struct ctl_server {
	struct fcd *d;
	int fd;
	char *path;
	gid_t group; /* (gid_t)-1: none; may change at a reload */
	struct event *lev;
	TAILQ_HEAD(, ctl_conn) conns;
	unsigned int nr_conns;
	/* receive buffer, aligned for the attribute readers */
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
};

static void conn_free(struct ctl_conn *c)
{
	struct ctl_out *o;

	TAILQ_REMOVE(&c->srv->conns, c, entry);
	c->srv->nr_conns--;
	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		fcnvme_msg_free(o->msg);
		free(o);
	}
	event_free(c->rev);
	event_free(c->wev);
	close(c->fd);
	free(c);
}

/* Write queued replies until the socket would block. */
static int conn_flush(struct ctl_conn *c)
{
	struct ctl_out *o;

	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		struct nlmsghdr *h = nlmsg_hdr(o->msg);
		ssize_t n = send(c->fd, h, h->nlmsg_len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return -errno;
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		c->queued -= h->nlmsg_len;
		fcnvme_msg_free(o->msg);
		free(o);
	}
	if (STAILQ_EMPTY(&c->outq))
		event_del(c->wev);
	else
		event_add(c->wev, NULL);
	if (c->throttled && c->queued < CTL_LOW_WATER) {
		c->throttled = false;
		event_add(c->rev, NULL);
	}
	return 0;
}

/* Queue one reply (ownership of m passes). */
int ctl_conn_send(struct ctl_conn *c, struct nl_msg *m)
{
	struct ctl_out *o;

	if (m == NULL)
		return -ENOMEM;
	if (c->queued + nlmsg_hdr(m)->nlmsg_len > CTL_MAX_QUEUED) {
		/* An answer with a hole is worse than none: drop the client. */
		c->overflow = true;
		fcnvme_msg_free(m);
		return -ENOBUFS;
	}
	o = calloc(1, sizeof(*o));
	if (o == NULL) {
		fcnvme_msg_free(m);
		return -ENOMEM;
	}
	o->msg = m;
	STAILQ_INSERT_TAIL(&c->outq, o, entry);
	c->queued += nlmsg_hdr(m)->nlmsg_len;
	if (!c->throttled && c->queued > CTL_HIGH_WATER) {
		c->throttled = true;
		event_del(c->rev);
	}
	event_add(c->wev, NULL);
	return 0;
}

static bool peer_writable(const struct ctl_server *s, const struct ucred *cr);

/* Whether the peer may mutate, by the socket group as it is now. */
bool ctl_conn_writable(const struct ctl_conn *c)
{
	return peer_writable(c->srv, &c->cred);
}

static int send_cb(void *ctx, struct nl_msg *m)
{
	return ctl_conn_send(ctx, m);
}

static void reject(struct ctl_conn *c, const void *buf, size_t len, int error, const char *why)
{
	const struct nlmsghdr *req = len >= NLMSG_HDRLEN ? buf : NULL;

	/* Every bad request is answered; only the first few are logged, so a
	 * misbehaving client cannot flood the log. */
	if (++c->nr_bad <= CTL_LOG_BAD)
		log_warnx("control: pid %d uid %u: bad request: %s%s", (int)c->cred.pid,
			  (unsigned int)c->cred.uid, why,
			  c->nr_bad == CTL_LOG_BAD ? " (further ones from this client not logged)"
						   : "");
	ctl_conn_send(c, fcnvme_msg_new_error(req, error, why));
}

static void conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_conn *c = arg;
	struct ctl_server *s = c->srv;
	struct fcnvme_msg msg;
	char why[256];
	ssize_t n;
	int rc;

	(void)what;
	n = recv(fd, s->buf, sizeof(s->buf), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n < 0)
			log_warn("control: pid %d: recv", (int)c->cred.pid);
		conn_free(c);
		return;
	}
	if ((size_t)n > FCNVME_CTL_MSG_MAX) {
		snprintf(why, sizeof(why), "message of %zd bytes exceeds %d", n,
			 FCNVME_CTL_MSG_MAX);
		reject(c, s->buf, FCNVME_CTL_MSG_MAX, -EMSGSIZE, why);
	} else {
		rc = fcnvme_msg_validate(s->buf, (size_t)n, FCNVME_MSG_REQUEST, &msg, why,
					 sizeof(why));
		if (rc) {
			reject(c, s->buf, (size_t)n, rc, why);
		} else {
			struct ctl_peer peer = { .uid = c->cred.uid,
						 .writable = ctl_conn_writable(c) };

			ctl_dispatch(s->d, &msg, &peer, send_cb, c);
		}
	}
	/* The dispatch may have queued more than fits. */
	if (c->overflow || conn_flush(c) != 0) {
		log_warnx("control: pid %d: client not reading, dropped", (int)c->cred.pid);
		conn_free(c);
	}
}

static void conn_write(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_conn *c = arg;

	(void)fd;
	(void)what;
	if (conn_flush(c) != 0)
		conn_free(c);
}

/* Whether uid is a member of group, as primary or supplementary group. */
static bool uid_in_group(uid_t uid, gid_t primary, gid_t group)
{
	gid_t groups[256];
	struct passwd pw, *res = NULL;
	char buf[4096];
	int n = (int)(sizeof(groups) / sizeof(groups[0])), i;

	if (primary == group)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (groups[i] == group)
			return true;
	return false;
}

/* Root, the daemon's own user, or a member of the socket group. */
static bool peer_writable(const struct ctl_server *s, const struct ucred *cr)
{
	if (cr->uid == 0 || cr->uid == geteuid())
		return true;
	return s->group != (gid_t)-1 && uid_in_group(cr->uid, cr->gid, s->group);
}

static void srv_accept(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_server *s = arg;
	struct ctl_conn *c;
	socklen_t len;
	int cfd;

	(void)what;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	if (s->nr_conns >= CTL_MAX_CONNS) {
		log_warnx("control: too many clients, refusing one");
		close(cfd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto out_close_fd;
	len = sizeof(c->cred);
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0) {
		log_warn("control: SO_PEERCRED");
		goto out_free_conn;
	}
	c->srv = s;
	c->fd = cfd;
	STAILQ_INIT(&c->outq);
	c->rev = event_new(s->d->base, cfd, EV_READ | EV_PERSIST, conn_read, c);
	c->wev = event_new(s->d->base, cfd, EV_WRITE | EV_PERSIST, conn_write, c);
	if (c->rev == NULL || c->wev == NULL || event_add(c->rev, NULL) != 0)
		goto out_free_events;
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	s->nr_conns++;
	log_debug("control: client pid %d uid %u%s", (int)c->cred.pid, (unsigned int)c->cred.uid,
		  ctl_conn_writable(c) ? "" : " (read-only)");
	return;

out_free_events:
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
out_free_conn:
	free(c);
out_close_fd:
	close(cfd);
}

/* The gid of group name; (gid_t)-1 for none ("" or unknown). */
static gid_t group_lookup(const char *name)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (name == NULL || name[0] == '\0')
		return (gid_t)-1;
	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || res == NULL) {
		log_warnx("control: unknown group %s; the socket is root only", name);
		return (gid_t)-1;
	}
	return gr.gr_gid;
}

/* A new socket group: the file's group and the server's check follow, so
 * a group that is removed or replaced loses its rights at once. */
void ctl_server_set_group(struct ctl_server *s, const char *name)
{
	gid_t g = group_lookup(name);

	if (g == s->group)
		return;
	/* The check first: should chown fail, old members still lose. */
	s->group = g;
	if (chown(s->path, (uid_t)-1, g != (gid_t)-1 ? g : getegid()) != 0)
		log_warn("control: cannot give %s to group %s", s->path,
			 g != (gid_t)-1 ? name : "(none)");
	log_info("control: socket group %s", g != (gid_t)-1 ? name : "none (root only)");
}

/* Refuse to steal a live socket; remove a stale one. */
static int check_stale(const struct sockaddr_un *sun)
{
	int fd, rc = 0;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		rc = -EADDRINUSE;
	else if (unlink(sun->sun_path) != 0 && errno != ENOENT)
		rc = -errno;
	close(fd);
	return rc;
}

/* Listen on the control socket. */
int ctl_server_open(struct fcd *d, const char *path, gid_t group, struct ctl_server **out)
{
	struct sockaddr_un sun;
	struct ctl_server *s;
	int rc;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	rc = check_stale(&sun);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->d = d;
	TAILQ_INIT(&s->conns);
	if (group == (gid_t)-1 && d->conf != NULL)
		group = group_lookup(d->conf->socket_group);
	s->group = group;
	s->path = strdup(path);
	if (s->path == NULL) {
		rc = -ENOMEM;
		goto out_free_server;
	}
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		rc = -errno;
		goto out_free_path;
	}
	if (bind(s->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		rc = -errno;
		goto out_close_fd;
	}
	if (chmod(path, 0660) != 0 || (group != (gid_t)-1 && chown(path, (uid_t)-1, group) != 0)) {
		rc = -errno;
		goto out_unlink;
	}
	if (listen(s->fd, 16) != 0) {
		rc = -errno;
		goto out_unlink;
	}
	s->lev = event_new(d->base, s->fd, EV_READ | EV_PERSIST, srv_accept, s);
	if (s->lev == NULL || event_add(s->lev, NULL) != 0) {
		rc = -ENOMEM;
		goto out_free_event;
	}
	*out = s;
	return 0;

out_free_event:
	if (s->lev != NULL)
		event_free(s->lev);
out_unlink:
	unlink(path);
out_close_fd:
	close(s->fd);
out_free_path:
	free(s->path);
out_free_server:
	free(s);
	return rc;
}

/* Close all connections and the listener. */
void ctl_server_close(struct ctl_server *s)
{
	struct ctl_conn *c;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->conns)) != NULL)
		conn_free(c);
	event_free(s->lev);
	close(s->fd);
	unlink(s->path);
	free(s->path);
	free(s);
}
