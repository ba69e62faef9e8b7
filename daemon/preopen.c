// SPDX-License-Identifier: Apache-2.0
/*
 * preopen_*(): the control thread's side of the backend opens (and rbd
 * grows) that run on a thread of their own (preopen.h).
 */
#include <errno.h>
#include <stddef.h>

#include <event2/event.h>

#include "backend/backend.h"
#include "fcd.h"
#include "log.h"
#include "preopen.h"

/* Run every waiter once; those that wait again go on a new list. */
static void preopen_resume(struct fcd *d)
{
	struct preopen_waiter *w;

	w = d->preopen_waiters;
	d->preopen_waiters = NULL;
	while (w) {
		struct preopen_waiter *next = w->next;

		w->next = NULL;
		w->waiting = false;
		w->resume(w);
		w = next;
	}
}

/* The thread finished: its results are kept; run every waiter once. */
static void preopen_done(evutil_socket_t fd, short what, void *arg)
{
	struct fcd *d = arg;

	(void)fd;
	(void)what;
	if (backend_preopen_reap())
		preopen_resume(d);
}

int preopen_init(struct fcd *d)
{
	int rc = backend_preopen_init();

	if (rc)
		return rc;
	d->preopen_ev =
		event_new(d->base, backend_preopen_fd(), EV_READ | EV_PERSIST, preopen_done, d);
	if (!d->preopen_ev || event_add(d->preopen_ev, NULL))
		return -ENOMEM;
	return 0;
}

void preopen_exit(struct fcd *d)
{
	if (d->preopen_ev)
		event_free(d->preopen_ev);
	d->preopen_ev = NULL;
	d->preopen_waiters = NULL;
	backend_preopen_exit();
}

void preopen_wait(struct fcd *d, struct preopen_waiter *w)
{
	struct preopen_waiter **pp;

	if (w->waiting)
		return;
	for (pp = &d->preopen_waiters; *pp; pp = &(*pp)->next)
		;
	w->next = NULL;
	w->waiting = true;
	*pp = w;
}

void preopen_cancel(struct fcd *d, struct preopen_waiter *w)
{
	struct preopen_waiter **pp;

	if (!w->waiting)
		return;
	for (pp = &d->preopen_waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	w->next = NULL;
	w->waiting = false;
}

bool preopen_reload_waits(int opens, int grows, const char *who)
{
	bool wait = false;

	if (opens > 0 && backend_preopen_start() > 0) {
		if (who)
			log_info("%s: opening %d backend(s) first, off the control thread", who,
				 opens);
		wait = true;
	}
	if (grows > 0) {
		if (who)
			log_info("%s: growing %d namespace(s) first, off the control thread", who,
				 grows);
		wait = true;
	}
	return wait;
}

void preopen_wake(struct fcd *d)
{
	d->preopen_wake = true;
}

void preopen_tick(struct fcd *d)
{
	backend_preopen_flush();
	if (d->preopen_wake) {
		d->preopen_wake = false;
		preopen_resume(d);
	}
}
