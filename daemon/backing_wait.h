/* SPDX-License-Identifier: Apache-2.0 */
/*
 * At start, before the configuration is applied: wait for the backing
 * files of file namespaces that do not exist yet (backing_wait.c). [ctl]
 */
#ifndef BACKING_WAIT_H
#define BACKING_WAIT_H

struct conf;
struct fcd;

/* Wait up to c->backing_wait_ms for every file namespace's backing file
 * (but those with create = true) to exist, running d's event loop
 * meanwhile. 0 once they all do, or when the wait is over without them
 * (logged; applying c then fails on the first one, as without a wait);
 * -EINTR when SIGTERM or SIGINT ended it (d->stopping). */
int backing_wait(struct fcd *d, const struct conf *c);

#endif /* BACKING_WAIT_H */
