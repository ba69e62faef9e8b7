/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Callers on the control thread waiting for backend opens that run on a
 * thread of their own (backend/backend_preopen.c): a reload, a control
 * request, the cluster's namespaces. A caller queues its opens
 * (backend_preopen_want), starts them (backend_preopen_start) and, when
 * that says they run, waits here; once they are done, every waiter's
 * resume() runs (in the order they waited) and runs the caller again, which
 * now takes the open backends (tgt_ns_add) or waits again. [ctl] only.
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
/* Every tick: close, on the thread, what nobody took. */
void preopen_tick(struct fcd *d);

#endif /* PREOPEN_H */
