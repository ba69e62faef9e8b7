/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fake of the daemon's ports (port.h) and NVMe core (tgt.h) for the
 * control-plane tests: it keeps a small in-memory model, appends every call
 * to a log ("subsys_add nqn...;ns_add nqn... 1;"), and can be told to fail
 * the call whose log entry starts with a given prefix.
 */
#ifndef FAKE_TARGET_H
#define FAKE_TARGET_H

#define FAKE_NS_HOSTS 4 /* a fake namespace's host mask holds at most */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_backend.h"

struct fcd;

/* Reset the model and the log; free everything. */
void fake_reset(void);
/* The call log so far. */
const char *fake_log(void);
/* Clear the log only. */
void fake_log_clear(void);
/* Make the next call whose log entry starts with prefix fail (-EIO). */
void fake_fail_on(const char *prefix);
/* While on, a namespace's grow waits (tgt_ns_resize: -EINPROGRESS, logged
 * "ns_resize_wait NQN NSID SIZE;"; tgt_ns_resize_want: 1), as an rbd
 * image's does off the control thread; off (the default), it grows. */
void fake_grow_async(bool on);
/* How many times tgt_ns_resize_want said a grow waits (1) since the reset. */
unsigned int fake_grows_wanted(void);
/* Whether the last add of namespace nsid of nqn was given its UUID. */
bool fake_ns_uuid_given(const char *nqn, uint32_t nsid);
/* The struct tgt pointer to put into struct fcd. */
struct tgt *fake_tgt(void);

#endif /* FAKE_TARGET_H */
