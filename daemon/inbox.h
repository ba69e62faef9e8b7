/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control thread's inbox: a message ring any thread may post to, plus an
 * eventfd the control thread's libevent loop watches. Posting writes the
 * eventfd only when the consumer may be asleep, so a burst of messages costs
 * one wake-up.
 */
#ifndef INBOX_H
#define INBOX_H

#include <stdatomic.h>

#include "io_ring.h"

struct event_base;
struct event;

struct inbox {
	struct io_ring ring; /* any thread → control thread */
	int efd;	     /* eventfd, readable when posted */
	_Atomic int armed;   /* 1: consumer wants a wake-up */
	struct event *ev;    /* [ctl] */
};

int inbox_open(struct inbox *ib, struct event_base *base);
void inbox_close(struct inbox *ib);
/* Run fn(arg) on the control thread; -EAGAIN if the ring is full. */
int inbox_post(struct inbox *ib, void (*fn)(void *), void *arg);
/* [ctl] Run queued messages now (also done by the event callback). */
unsigned int inbox_run(struct inbox *ib);

#endif /* INBOX_H */
