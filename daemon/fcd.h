/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct fcd: the daemon's root object. One exists per process; it is created
 * by main() and passed explicitly (there are no global settings). Every
 * field is owned and touched by the control thread unless its comment says
 * otherwise; I/O threads see only what io_msg messages hand them.
 */
#ifndef FCD_H
#define FCD_H

#include <stdbool.h>
#include <stdint.h>

#include "preopen.h"

struct event_base;
struct event;
struct tgt;
struct conf;
struct port;
struct io_threads;
struct ctl_server;
struct inbox;
struct cluster;
struct conf_plan;

struct fcd {
	struct event_base *base; /* the control thread's loop */
	struct tgt *tgt;	 /* NVMe target core */
	struct conf *conf;	 /* running configuration (owned) */
	char *conf_path;	 /* file it came from */
	struct port *ports;	 /* singly linked, see port.c */
	struct io_threads *io;	 /* one thread per hw queue */
	struct ctl_server *ctl;	 /* control socket */
	struct inbox *inbox;	 /* any thread → control thread */
	struct cluster *cluster; /* NULL unless a cluster section */
	char *socket_path;	 /* control socket path */
	char *runtime_dir;	 /* control socket lives here */
	char *state_dir;	 /* persistent namespace ids */
	uint64_t started_ms;	 /* CLOCK_MONOTONIC at start */
	bool stopping;		 /* SIGTERM received: drain */
	/* [ctl] set only during a reload (or its dry run): conf_op_*()
	 * record their operations there (conf/conf_plan.h) */
	struct conf_plan *plan;
	/* Backend opens on a thread of their own (preopen.h): the event on
	 * its eventfd, who waits for it, and a SIGHUP reload waiting;
	 * preopen_wake: run the waiters at the next tick. */
	struct event *preopen_ev;
	struct preopen_waiter *preopen_waiters;
	struct preopen_waiter hup_wait;
	bool preopen_wake;
	/* [ctl] when conf_pending_tick() next looks for the backing files of
	 * pending namespaces (CLOCK_MONOTONIC ms) */
	uint64_t pending_next_ms;
};

#endif /* FCD_H */
