// SPDX-License-Identifier: Apache-2.0
/*
 * The control thread's inbox (see inbox.h).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "inbox.h"

#define INBOX_SIZE 16384

static void inbox_cb(evutil_socket_t fd, short what, void *arg)
{
	struct inbox *ib = arg;
	uint64_t v;

	(void)what;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	inbox_run(ib);
}

/* Create the ring and eventfd and register the event on base. */
int inbox_open(struct inbox *ib, struct event_base *base)
{
	int rc;

	rc = io_ring_init(&ib->ring, INBOX_SIZE);
	if (rc)
		return rc;
	ib->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ib->efd < 0) {
		rc = -errno;
		goto out_free_ring;
	}
	ib->ev = event_new(base, ib->efd, EV_READ | EV_PERSIST, inbox_cb, ib);
	if (!ib->ev || event_add(ib->ev, NULL)) {
		rc = -ENOMEM;
		goto out_close_efd;
	}
	atomic_init(&ib->armed, 1);
	return 0;

out_close_efd:
	if (ib->ev)
		event_free(ib->ev);
	close(ib->efd);
out_free_ring:
	io_ring_fini(&ib->ring);
	return rc;
}

/* Drop the event and free everything; queued messages are not run. */
void inbox_close(struct inbox *ib)
{
	if (ib->ev)
		event_free(ib->ev);
	ib->ev = NULL;
	if (ib->efd >= 0)
		close(ib->efd);
	ib->efd = -1;
	io_ring_fini(&ib->ring);
}

/* Queue fn(arg) for the control thread and wake it if needed. */
int inbox_post(struct inbox *ib, void (*fn)(void *), void *arg)
{
	uint64_t one = 1;
	int rc;

	rc = io_ring_push(&ib->ring, fn, arg);
	if (rc)
		return rc;
	if (atomic_exchange_explicit(&ib->armed, 0, memory_order_acq_rel)) {
		if (write(ib->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			return -errno;
	}
	return 0;
}

/* Run every queued message; re-arm the wake-up before the last check so a
 * message posted concurrently is never left behind. */
unsigned int inbox_run(struct inbox *ib)
{
	unsigned int n = 0;

	for (;;) {
		n += io_ring_run(&ib->ring, INBOX_SIZE);
		atomic_store_explicit(&ib->armed, 1, memory_order_seq_cst);
		if (!io_ring_run(&ib->ring, 1))
			break;
		n++;
		atomic_store_explicit(&ib->armed, 0, memory_order_seq_cst);
	}
	return n;
}
