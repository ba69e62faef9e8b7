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
 * CTL_MAX_QUEUED it is closed. Connections are kept least recently active
 * first, each with an idle timer; admission follows struct ctl_limits.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <linux/netlink.h>
#include <netlink/msg.h>

#include <fcnvme/clock.h>
#include <fcnvmectl/ctl_msg.h>

#include "conf/conf.h"
#include "ctl_dispatch.h"
#include "ctl_server.h"
#include "fcd.h"
#include "log.h"

#define CTL_HIGH_WATER (256u * 1024)	   /* stop reading requests above */
#define CTL_LOW_WATER  (64u * 1024)	   /* resume reading below */
#define CTL_MAX_QUEUED (32u * 1024 * 1024) /* drop the client above */
#define CTL_LOG_BAD    5		   /* malformed requests logged per connection */
#define CTL_LOG_EVERY  10000		   /* ms between refusal messages */

/* One queued reply datagram. */
struct ctl_out {
	STAILQ_ENTRY(ctl_out) entry;
	struct nl_msg *msg;
};

/* One client connection; owned by its server, control thread only. */
struct ctl_conn {
	TAILQ_ENTRY(ctl_conn) entry; /* srv->conns, least recently active first */
	struct ctl_server *srv;
	int fd;
	struct ucred cred;   /* from SO_PEERCRED at accept */
	bool throttled;	     /* read event removed */
	unsigned int nr_bad; /* malformed requests so far */
	bool overflow;	     /* a reply was dropped: close */
	struct event *rev;
	struct event *wev;
	struct event *iev; /* idle timeout, re-armed by traffic */
	STAILQ_HEAD(, ctl_out) outq;
	size_t queued; /* bytes in outq */
	/* A request whose handler waits for backend opens (CTL_WAIT): its
	 * bytes, dispatched again once they are done (conn_resume); until
	 * then nothing more is read and the idle clock stops. */
	struct preopen_waiter wait;
	void *parked;
	size_t parked_len;
	uint64_t ticket; /* the request's cluster lookup (ctl_peer), 0 when read */
};

struct ctl_server {
	struct fcd *d;
	int fd;
	char *path;
	gid_t group; /* (gid_t)-1: none; may change at a reload */
	struct event *lev;
	struct event *pev; /* re-enables lev after an accept() failure */
	struct ctl_limits lim;
	TAILQ_HEAD(, ctl_conn) conns;
	unsigned int nr_conns;
	unsigned int accept_fails; /* since the last good accept() */
	unsigned int refused;	   /* connections refused since last logged */
	uint64_t refused_log_ms;   /* when that was */
	/* receive buffer, aligned for the attribute readers */
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
};

static void conn_free(struct ctl_conn *c)
{
	struct ctl_out *o;

	TAILQ_REMOVE(&c->srv->conns, c, entry);
	c->srv->nr_conns--;
	preopen_cancel(c->srv->d, &c->wait);
	free(c->parked);
	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		fcnvme_msg_free(o->msg);
		free(o);
	}
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->iev);
	close(c->fd);
	free(c);
}

static struct timeval ms_tv(unsigned int ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

/* Traffic on c: it becomes the most recently active, its idle clock
 * starts again. */
static void conn_active(struct ctl_conn *c)
{
	struct timeval tv = ms_tv(c->srv->lim.idle_ms);

	TAILQ_REMOVE(&c->srv->conns, c, entry);
	TAILQ_INSERT_TAIL(&c->srv->conns, c, entry);
	event_add(c->iev, &tv);
}

static void conn_idle(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_conn *c = arg;

	(void)fd;
	(void)what;
	log_debug("control: pid %d uid %u idle for %u ms, closed", (int)c->cred.pid,
		  (unsigned int)c->cred.uid, c->srv->lim.idle_ms);
	conn_free(c);
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
		conn_active(c);
	}
	if (STAILQ_EMPTY(&c->outq))
		event_del(c->wev);
	else
		event_add(c->wev, NULL);
	if (c->throttled && c->queued < CTL_LOW_WATER) {
		c->throttled = false;
		if (c->parked == NULL)
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

/* Dispatch one request of n bytes at buf (resumed: again, after it
 * waited); CTL_WAIT when its handler waits (nothing answered yet). */
static int conn_request(struct ctl_conn *c, const void *buf, size_t n, bool resumed)
{
	struct fcnvme_msg msg;
	struct ctl_peer peer = { .uid = c->cred.uid,
				 .pid = c->cred.pid,
				 .writable = ctl_conn_writable(c),
				 .resumed = resumed,
				 .ticket = &c->ticket };
	char why[256];
	int rc;

	if (n > FCNVME_CTL_MSG_MAX) {
		snprintf(why, sizeof(why), "message of %zu bytes exceeds %d", n,
			 FCNVME_CTL_MSG_MAX);
		reject(c, buf, FCNVME_CTL_MSG_MAX, -EMSGSIZE, why);
		return 0;
	}
	rc = fcnvme_msg_validate(buf, n, FCNVME_MSG_REQUEST, &msg, why, sizeof(why));
	if (rc) {
		reject(c, buf, n, rc, why);
		return 0;
	}
	return ctl_dispatch(c->srv->d, &msg, &peer, send_cb, c) == CTL_WAIT ? CTL_WAIT : 0;
}

/* Write what the dispatch queued; false when c was dropped for it. */
static bool conn_flushed(struct ctl_conn *c)
{
	int rc = c->overflow ? -ENOBUFS : conn_flush(c);

	/* The dispatch may have queued more than fits. */
	if (rc == -EPIPE || rc == -ECONNRESET) {
		log_info("control: pid %d: client gone before its answer", (int)c->cred.pid);
	} else if (rc) {
		log_warnx("control: pid %d: client not reading, dropped", (int)c->cred.pid);
	}
	if (rc)
		conn_free(c);
	return rc == 0;
}

/* The request at buf waits: keep a copy, read nothing more until it ran. */
static void conn_park(struct ctl_conn *c, const void *buf, size_t n)
{
	c->parked = malloc(n);
	if (c->parked == NULL) {
		ctl_conn_send(c, fcnvme_msg_new_error((const struct nlmsghdr *)buf, -ENOMEM,
						      "out of memory"));
		return;
	}
	memcpy(c->parked, buf, n);
	c->parked_len = n;
	event_del(c->rev);
	event_del(c->iev);
	preopen_wait(c->srv->d, &c->wait);
}

/* The opens its request waited for are done: run it again. */
static void conn_resume(struct preopen_waiter *w)
{
	struct ctl_conn *c = (struct ctl_conn *)((char *)w - offsetof(struct ctl_conn, wait));

	if (conn_request(c, c->parked, c->parked_len, true) == CTL_WAIT) {
		preopen_wait(c->srv->d, &c->wait);
		return;
	}
	free(c->parked);
	c->parked = NULL;
	if (!c->throttled)
		event_add(c->rev, NULL);
	conn_active(c);
	conn_flushed(c);
}

static void conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_conn *c = arg;
	struct ctl_server *s = c->srv;
	ssize_t n;

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
	conn_active(c);
	c->ticket = 0;
	if (conn_request(c, s->buf, (size_t)n, false) == CTL_WAIT)
		conn_park(c, s->buf, (size_t)n);
	conn_flushed(c);
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

/* Root and the daemon's own user get the reserved slots. */
static bool peer_privileged(const struct ucred *cr)
{
	return cr->uid == 0 || cr->uid == geteuid();
}

static unsigned int conns_of(const struct ctl_server *s, uid_t uid)
{
	const struct ctl_conn *c;
	unsigned int n = 0;

	TAILQ_FOREACH (c, &s->conns, entry)
		n += c->cred.uid == uid;
	return n;
}

/* Whether a new client may have a slot; why not in *why. Root gets one
 * when all are taken by closing the longest idle connection. */
static bool admit(struct ctl_server *s, const struct ucred *cr, const char **why)
{
	if (peer_privileged(cr)) {
		if (s->nr_conns >= s->lim.max_conns && !TAILQ_EMPTY(&s->conns)) {
			struct ctl_conn *old = TAILQ_FIRST(&s->conns);

			log_warnx("control: every slot taken; closing the longest idle "
				  "(pid %d uid %u) for root",
				  (int)old->cred.pid, (unsigned int)old->cred.uid);
			conn_free(old);
		}
		return true;
	}
	if (s->nr_conns + s->lim.root_reserve >= s->lim.max_conns) {
		*why = "all slots for other users are taken";
		return false;
	}
	if (conns_of(s, cr->uid) >= s->lim.per_uid) {
		*why = "this user has too many connections";
		return false;
	}
	return true;
}

/* One line per CTL_LOG_EVERY at most, however fast clients come. */
static void refused(struct ctl_server *s, const struct ucred *cr, const char *why)
{
	uint64_t now = fcnvme_clock_ms();

	s->refused++;
	if (s->refused_log_ms != 0 && now - s->refused_log_ms < CTL_LOG_EVERY)
		return;
	log_warnx("control: refused pid %d uid %u: %s (%u refused since the last message)",
		  (int)cr->pid, (unsigned int)cr->uid, why, s->refused);
	s->refused = 0;
	s->refused_log_ms = now;
}

/* accept() failed for want of descriptors or memory: the client stays in
 * the backlog and the listener stays readable, so stop listening for a
 * while rather than spin (and log once per episode, not per attempt). */
static void accept_pause(struct ctl_server *s, int error)
{
	struct timeval tv = ms_tv(s->lim.accept_pause_ms);

	if (s->accept_fails++ == 0)
		log_warnx("control: accept: %s; not taking new clients for %u ms at a time "
			  "until it works again",
			  strerror(error), s->lim.accept_pause_ms);
	event_del(s->lev);
	event_add(s->pev, &tv);
}

static void srv_resume(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_server *s = arg;

	(void)fd;
	(void)what;
	event_add(s->lev, NULL);
}

static void srv_accept(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_server *s = arg;
	struct ctl_conn *c;
	const char *why = NULL;
	struct ucred cred;
	socklen_t len;
	int cfd;

	(void)what;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return;
		accept_pause(s, errno);
		return;
	}
	if (s->accept_fails) {
		log_warnx("control: accepting clients again (%u accept() failures)",
			  s->accept_fails);
		s->accept_fails = 0;
	}
	len = sizeof(cred);
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("control: SO_PEERCRED");
		goto out_close_fd;
	}
	if (!admit(s, &cred, &why)) {
		refused(s, &cred, why);
		goto out_close_fd;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto out_close_fd;
	c->cred = cred;
	c->srv = s;
	c->fd = cfd;
	c->wait.resume = conn_resume;
	STAILQ_INIT(&c->outq);
	c->rev = event_new(s->d->base, cfd, EV_READ | EV_PERSIST, conn_read, c);
	c->wev = event_new(s->d->base, cfd, EV_WRITE | EV_PERSIST, conn_write, c);
	c->iev = evtimer_new(s->d->base, conn_idle, c);
	if (c->rev == NULL || c->wev == NULL || c->iev == NULL || event_add(c->rev, NULL) != 0)
		goto out_free_events;
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	s->nr_conns++;
	conn_active(c);
	log_debug("control: client pid %d uid %u%s", (int)c->cred.pid, (unsigned int)c->cred.uid,
		  ctl_conn_writable(c) ? "" : " (read-only)");
	return;

out_free_events:
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	if (c->iev != NULL)
		event_free(c->iev);
	free(c);
out_close_fd:
	close(cfd);
}

void ctl_server_set_limits(struct ctl_server *s, const struct ctl_limits *l)
{
	s->lim = *l;
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
	s->lim = (struct ctl_limits)CTL_LIMITS_DEFAULT;
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
	s->pev = evtimer_new(d->base, srv_resume, s);
	if (s->lev == NULL || s->pev == NULL || event_add(s->lev, NULL) != 0) {
		rc = -ENOMEM;
		goto out_free_event;
	}
	*out = s;
	return 0;

out_free_event:
	if (s->lev != NULL)
		event_free(s->lev);
	if (s->pev != NULL)
		event_free(s->pev);
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
	event_free(s->pev);
	close(s->fd);
	unlink(s->path);
	free(s->path);
	free(s);
}
