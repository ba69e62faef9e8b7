/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Callers on the control thread waiting for backend opens that run on a
 * thread of their own (backend/backend_preopen.c): a reload, a control
 * request, the cluster's namespaces. A caller queues its opens
 * (backend_preopen_want), starts them (backend_preopen_start) and, when
 * that says they run, waits here; once they are done, every waiter's
 * resume() runs (in the order they waited) and runs the caller again, which
 * now takes the open backends (tgt_ns_add) or waits again. A namespace
 * grow that runs off the control thread (tgt_ns_resize: -EINPROGRESS)
 * waits here the same way: preopen_wake() runs the waiters once it is
 * done. [ctl] only.
 */
#ifndef PREOPEN_H
#define PREOPEN_H

#include <stdbool.h>

struct fcd;

/* Embedded in what waits (it owns it); resume gets it back. */
struct preopen_waiter {
	struct preopen_waiter *next;
	void (*resume)(struct preopen_waiter *w);
	bool waiting;
};

/* Watch the opening thread's eventfd on d->base; 0 or -errno. */
int preopen_init(struct fcd *d);
/* Stop watching; wait for the thread and close what it opened. */
void preopen_exit(struct fcd *d);
/* w->resume runs once the opens under way are done (once per wait; a
 * waiter already waiting stays where it is). */
void preopen_wait(struct fcd *d, struct preopen_waiter *w);
/* w no longer waits (what embeds it goes away). */
void preopen_cancel(struct fcd *d, struct preopen_waiter *w);
/* A backend's work a waiter may wait for is done (a grow, reported by a
 * namespace event): every waiter runs again at the next preopen_tick()
 * (not at once: the event comes from inside the core's namespace walk). */
void preopen_wake(struct fcd *d);
/* Whether a reload must wait first, for the opens and grows its dry run
 * found (conf_reload_opens): the opens are started; logged as
 * "WHO: opening N backend(s) first, off the control thread" and
 * "WHO: growing N namespace(s) first, off the control thread" (who NULL:
 * not logged, a reload that waited already said it). */
bool preopen_reload_waits(int opens, int grows, const char *who);
/* Every tick, after the core's: close, on the thread, what nobody took;
 * run the waiters if preopen_wake() asked. */
void preopen_tick(struct fcd *d);

#endif /* PREOPEN_H */
