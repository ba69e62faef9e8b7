// SPDX-License-Identifier: Apache-2.0
/*
 * backing_wait(): at start, wait up to the configuration's backing_wait_ms
 * for the backing files and devices of file namespaces that do not exist
 * yet. At boot a logical volume, a multipath device or a disk may appear
 * only once udev has set it up; without the wait the daemon fails to start
 * (a missing backing file is never created implicitly), and systemd
 * restarts it a few times and gives up. The control loop runs while it
 * waits (SIGTERM ends the wait and the start; the watchdog is fed), the log
 * and the unit's STATUS= say what it waits for, and systemd is given that
 * much more start time (EXTEND_TIMEOUT_USEC). [ctl]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <event2/event.h>

#include <fcnvme/clock.h>

#include "backing_wait.h"
#include "conf/conf.h"
#include "fcd.h"
#include "log.h"
#include "sdnotify.h"

#define BACKING_WAIT_POLL_MS  100
/* What systemd gives the rest of the start once the wait is over. */
#define BACKING_WAIT_START_MS 90000

/* The poll timer: waking the loop is all it does. */
static void backing_poll(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

int backing_wait(struct fcd *d, const struct conf *c)
{
	static const struct timeval poll = { 0, BACKING_WAIT_POLL_MS * 1000 };
	uint64_t t0 = fcnvme_clock_ms(), waited = 0;
	unsigned int n, first;
	struct event *ev;
	char what[1024];

	if (!c->backing_wait_ms)
		return 0;
	first = n = conf_ns_list(c, conf_ns_missing, what, sizeof(what));
	if (!n)
		return 0;
	log_info("waiting up to %u ms for %u backing file(s) that do not exist yet: %s",
		 c->backing_wait_ms, n, what);
	sdnotify_status("waiting for %u backing file(s): %s", n, what);
	sdnotify_extend_timeout(((uint64_t)c->backing_wait_ms + BACKING_WAIT_START_MS) * 1000);
	ev = evtimer_new(d->base, backing_poll, NULL);
	while (ev && n && !d->stopping && waited < c->backing_wait_ms) {
		if (evtimer_add(ev, &poll))
			break;
		event_base_loop(d->base, EVLOOP_ONCE);
		n = conf_ns_list(c, conf_ns_missing, what, sizeof(what));
		waited = fcnvme_clock_ms() - t0;
	}
	if (ev)
		event_free(ev);
	else
		log_warnx("cannot wait for backing files: out of memory");
	if (d->stopping)
		return -EINTR;
	if (n)
		log_warnx("%u backing file(s) still missing after %llu ms: %s", n,
			  (unsigned long long)waited, what);
	else
		log_info("the %u backing file(s) waited for exist, after %llu ms", first,
			 (unsigned long long)waited);
	return 0;
}
