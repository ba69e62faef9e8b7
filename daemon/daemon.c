// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's life cycle (see daemon.h): start-up in a fixed order so that
 * READY=1 means "configuration applied, control socket listening, I/O
 * threads running, ports online"; SIGHUP reloads; SIGTERM drains within a
 * bound and exits. Everything here runs on the control thread.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include <fcnvme/clock.h>
#include <fcnvme/nvmet_fc_core.h>

#include "backend/backend.h"
#include "cluster/cluster.h"
#include "backing_wait.h"
#include "conf/conf.h"
#include "ctl/ctl_server.h"
#include "daemon.h"
#include "evlog.h"
#include "fcd.h"
#include "inbox.h"
#include "log.h"
#include "port.h"
#include "sdnotify.h"
#include "core/clock.h"
#include "core/tgt.h"

#define TICK_MS 100

struct daemon_events {
	struct event *sigterm;
	struct event *sigint;
	struct event *sighup;
	struct event *tick;
	struct event *watchdog;
};

/* The NVMe core's way to other threads (nvmet_fc_env_ops). */
static int core_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	return port_post_hwq(env, hwqid, fn, arg);
}

static int core_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	struct fcd *d = env;

	return inbox_post(d->inbox, fn, arg);
}

static const struct nvmet_fc_env_ops core_env = {
	.run_on_hwq = core_run_on_hwq,
	.run_on_ctl = core_run_on_ctl,
};

static void status_update(struct fcd *d)
{
	unsigned int ports, up, threads;
	char pending[512];
	unsigned int n = d->conf ? conf_pending_list(d->conf, pending, sizeof(pending)) : 0;

	port_counts(d, &ports, &up, &threads);
	if (n)
		sdnotify_status(
			"serving: %u port(s), %u link up, %u I/O thread(s); %u namespace(s) "
			"pending, their backing files missing: %s",
			ports, up, threads, n, pending);
	else
		sdnotify_status("serving: %u port(s), %u link up, %u I/O thread(s)", ports, up,
				threads);
}

/* resumed: again, after the opens and grows it waited for */
static void hup_reload(struct fcd *d, bool resumed)
{
	char err[512];
	int n, grows;

	/* Images to open and namespaces to grow first, off the control
	 * thread (preopen.h); the file is read again after them. */
	n = conf_reload_opens(d, NULL, &grows);
	if (preopen_reload_waits(n, grows, resumed ? NULL : "SIGHUP")) {
		preopen_wait(d, &d->hup_wait);
		return;
	}
	log_info("SIGHUP: reloading %s", d->conf_path);
	if (conf_reload(d, err, sizeof(err)))
		log_warnx("reload failed, running configuration kept: %s", err);
	else
		log_info("configuration reloaded");
	sdnotify_ready();
	status_update(d);
}

static void hup_resume(struct preopen_waiter *w)
{
	hup_reload((struct fcd *)((char *)w - offsetof(struct fcd, hup_wait)), true);
}

static void on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct fcd *d = arg;

	(void)sig;
	(void)what;
	/* a reload waiting for its opens reads the file after them anyway */
	if (d->hup_wait.waiting)
		return;
	sdnotify_reloading();
	hup_reload(d, false);
}

static void on_sigterm(evutil_socket_t sig, short what, void *arg)
{
	struct fcd *d = arg;

	(void)what;
	log_info("signal %d: shutting down", (int)sig);
	d->stopping = true;
	sdnotify_stopping();
	event_base_loopbreak(d->base);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct fcd *d = arg;

	(void)fd;
	(void)what;
	port_tick(d);
	tgt_timer_tick(d->tgt);
	preopen_tick(d);
	evlog_tick(fcnvme_clock_ms());
	if (conf_pending_tick(d))
		status_update(d);
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct fcd *d = arg;

	(void)fd;
	(void)what;
	/* Only claim liveness while every I/O thread makes progress. */
	if (port_io_alive(d))
		sdnotify_watchdog();
	else
		log_warnx("an I/O thread's heartbeat stopped; not feeding the watchdog");
}

static int events_add(struct fcd *d, struct daemon_events *e)
{
	struct timeval tick = { 0, TICK_MS * 1000 };
	struct timeval wd;
	uint64_t usec;

	e->sigterm = evsignal_new(d->base, SIGTERM, on_sigterm, d);
	e->sigint = evsignal_new(d->base, SIGINT, on_sigterm, d);
	e->sighup = evsignal_new(d->base, SIGHUP, on_sighup, d);
	e->tick = event_new(d->base, -1, EV_PERSIST, on_tick, d);
	if (!e->sigterm || !e->sigint || !e->sighup || !e->tick)
		return -ENOMEM;
	if (event_add(e->sigterm, NULL) || event_add(e->sigint, NULL) ||
	    event_add(e->sighup, NULL) || event_add(e->tick, &tick))
		return -EINVAL;
	usec = sdnotify_watchdog_usec();
	if (usec) {
		wd.tv_sec = (time_t)(usec / 2 / 1000000);
		wd.tv_usec = (suseconds_t)(usec / 2 % 1000000);
		e->watchdog = event_new(d->base, -1, EV_PERSIST, on_watchdog, d);
		if (!e->watchdog || event_add(e->watchdog, &wd))
			return -ENOMEM;
	}
	return 0;
}

static void events_free(struct daemon_events *e)
{
	struct event **all[] = { &e->sigterm, &e->sigint, &e->sighup, &e->tick, &e->watchdog };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i])
			event_free(*all[i]);
		*all[i] = NULL;
	}
}

/* [ctl] What the core decided about a host: the log tells it (evlog.c). */
static void daemon_assoc_event(void *arg, const struct tgt_assoc_event *ev)
{
	evlog_assoc(ev, fcnvme_clock_ms());
	port_host_event(arg, ev);
}

/* [ctl] What a namespace's backing store did on its own. */
static void daemon_ns_event(void *arg, const char *nqn, uint32_t nsid, enum tgt_ns_event ev,
			    uint64_t size, const char *msg)
{
	struct fcd *d = arg;

	switch (ev) {
	case TGT_NS_EV_RESIZED:
		log_info("%s namespace %u grew to %llu bytes (%s); hosts notified", nqn, nsid,
			 (unsigned long long)size, msg);
		break;
	case TGT_NS_EV_SHRINK_REFUSED:
		log_warnx("%s namespace %u: %s", nqn, nsid, msg);
		break;
	case TGT_NS_EV_FENCED:
		log_warnx("%s namespace %u fenced: %s; its I/O fails with ANA Inaccessible", nqn,
			  nsid, msg);
		cluster_ns_fenced(d, nqn);
		break;
	case TGT_NS_EV_RECOVERED:
		log_info("%s namespace %u serves again: %s", nqn, nsid, msg);
		break;
	case TGT_NS_EV_NOTE:
		log_info("%s namespace %u: %s", nqn, nsid, msg);
		break;
	case TGT_NS_EV_WAITED: /* a grow is done: who waits for it runs again */
		preopen_wake(d);
		break;
	}
}

/* Build, serve, drain. */
int daemon_run(struct daemon_opts *o)
{
	struct daemon_events ev = { 0 };
	struct inbox inbox = { .efd = -1 };
	struct fcd d = { 0 };
	struct conf *conf = NULL;
	char err[512], sock[PATH_MAX];
	int rc, status = 1;

	signal(SIGPIPE, SIG_IGN);
	d.started_ms = fcnvme_clock_ms();
	d.conf_path = strdup(o->conf_path);
	d.runtime_dir = o->runtime_dir;
	d.state_dir = o->state_dir;
	if (!d.conf_path)
		fatalx("out of memory");
	if (o->socket_path)
		snprintf(sock, sizeof(sock), "%s", o->socket_path);
	else
		snprintf(sock, sizeof(sock), "%s/nvmetfcd.sock", d.runtime_dir);
	d.socket_path = sock;

	rc = conf_load(d.conf_path, &conf, err, sizeof(err));
	if (rc)
		fatalx("%s", err);
	if (!o->socket_path && mkdir(d.runtime_dir, 0750) && errno != EEXIST)
		fatal("runtime directory %s", d.runtime_dir);
	if (mkdir(d.state_dir, 0750) && errno != EEXIST)
		fatal("state directory %s", d.state_dir);

	d.base = event_base_new();
	if (!d.base)
		fatalx("event_base_new failed");
	rc = inbox_open(&inbox, d.base);
	if (rc)
		fatalx("control inbox: %s", strerror(-rc));
	d.inbox = &inbox;
	/* the command stamps' TSC, before any I/O thread runs */
	clock_calibrate(0);
	d.tgt = tgt_create(&core_env, &d, d.state_dir);
	if (!d.tgt)
		fatalx("cannot create the NVMe target core");
	tgt_set_ns_event_cb(d.tgt, daemon_ns_event, &d);
	evlog_init(0);
	tgt_set_assoc_event_cb(d.tgt, daemon_assoc_event, &d);
	if (events_add(&d, &ev))
		fatalx("cannot register signal and timer events");
	/* a backend call that waits on a remote service (Ceph), bounded by
	 * its op timeout, raises the watchdog's interval while it waits */
	backend_wait_hooks(sdnotify_wait_begin, sdnotify_wait_end);
	d.hup_wait.resume = hup_resume;
	rc = preopen_init(&d);
	if (rc)
		fatalx("the backends' opening thread: %s", strerror(-rc));

	/* Backing files that udev has not set up yet (at boot), if asked;
	 * said at the configuration's log level (conf_apply sets it too). */
	log_setverbose(conf->log_level);
	if (backing_wait(&d, conf) == -EINTR) {
		conf_free(conf);
		status = 0;
		goto out_ports;
	}
	/* Ports, I/O threads, subsystems: the same operations as the control
	 * commands. conf_apply takes ownership of conf on success. */
	rc = conf_apply(&d, conf, err, sizeof(err));
	if (rc) {
		log_warnx("configuration %s: %s", d.conf_path, err);
		conf_free(conf);
		goto out_ports;
	}
	if (d.conf->has_cluster) {
		rc = cluster_start(&d, &d.conf->cluster, err, sizeof(err));
		if (rc) {
			log_warnx("%s", err);
			goto out_ports;
		}
	}
	rc = ctl_server_open(&d, d.socket_path, (gid_t)-1, &d.ctl);
	if (rc) {
		log_warnx("control socket %s: %s", d.socket_path, strerror(-rc));
		goto out_ports;
	}
	log_info("nvmetfcd %s ready (config %s, socket %s)", PACKAGE_VERSION, d.conf_path,
		 d.socket_path);
	sdnotify_ready();
	log_ready();
	status_update(&d);

	event_base_dispatch(d.base);
	status = 0;

	ctl_server_close(d.ctl);
	d.ctl = NULL;
out_ports:
	sdnotify_status("draining");
	cluster_stop(&d);
	preopen_exit(&d);
	port_del_all(&d);
	inbox_run(&inbox);
	tgt_destroy(d.tgt);
	events_free(&ev);
	inbox_close(&inbox);
	conf_free(d.conf);
	event_base_free(d.base);
	free(d.conf_path);
	log_info("stopped");
	return status;
}
