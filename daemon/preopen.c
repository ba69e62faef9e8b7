// SPDX-License-Identifier: Apache-2.0
/*
 * preopen_*(): the control thread's side of the backend opens that run on
 * a thread of their own (preopen.h).
 */
#include <errno.h>
#include <stddef.h>

#include <event2/event.h>

#include "backend/backend.h"
#include "fcd.h"
#include "preopen.h"

/* The thread finished: its results are kept; run every waiter once. */
static void preopen_done(evutil_socket_t fd, short what, void *arg)
{
	struct fcd *d = arg;
	struct preopen_waiter *w;

	(void)fd;
	(void)what;
	if (!backend_preopen_reap())
		return;
	/* Those that wait again go on the new list. */
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

void preopen_tick(struct fcd *d)
{
	(void)d;
	backend_preopen_flush();
}
