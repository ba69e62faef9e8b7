/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside of the daemon's ports (port.h), shared by port.c (create, delete,
 * events, listings) and port_attach.c (what a port drives: opening and
 * closing it, and opening it again when a softhba-vmport port server
 * restarted). [ctl] only.
 */
#ifndef PORT_PRIV_H
#define PORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/util.h>

#include "hostlog.h"
#include "port.h"

struct conf_port;
struct event;
struct fcd;
struct hw_tgt_port;
struct io_thread;
struct nvmet_fc_target_port;

/* How long closing an attachment waits for the transport to finish
 * tearing down. */
#define PORT_DRAIN_MS		   5000
/* A failed attempt to open a restarted port server's port again is
 * repeated while the same server stays, after this long, then twice as
 * long each time up to PORT_REATTACH_RETRY_MAX_MS (an attempt on a server
 * that accepts and does not answer holds the control thread for
 * HW_IVSHMEM_GREET_MS). */
#define PORT_REATTACH_RETRY_MS	   5000
#define PORT_REATTACH_RETRY_MAX_MS 60000

/* What a port drives: the hw target port (mapped device, fabric login,
 * nvmet_fc target port) and one I/O thread per hardware queue. Replaced
 * whole when the port is opened again (port_attach_retry). */
struct port_attach {
	struct hw_tgt_port *hw;
	struct nvmet_fc_target_port *tp;
	struct io_thread *threads; /* nr_hwq of them, running */
};

/* One FC port. Owned by the control thread; the I/O threads read at.hw
 * and at.tp (immutable while they run) and nothing else. */
struct port {
	struct port *next;
	struct fcd *d;
	char name[PORT_NAME_MAX];
	uint16_t portid;
	char dev[128];
	uint64_t wwnn;
	uint64_t wwpn;
	uint16_t nr_hwq;
	bool enabled;
	bool link_up;
	struct port_attach at;
	uint64_t *last_beat; /* watchdog bookkeeping */
	struct event *hw_ev;
	uint64_t dma_refused; /* [ctl] DMA allocation failures reported */
	/* [ctl] The restarted port server last tried (hw_tgt_port_successor),
	 * when to try it again after a failure, and the pause before that. */
	uint64_t reattach_id;
	uint64_t reattach_next_ms;
	uint32_t reattach_pause_ms;
	/* [ctl] only: who logged in and what they presented, fed by the hw
	 * login/logout events and the core's association events (both on
	 * the control thread); the I/O threads never see it. */
	struct hostlog hosts;
	/* [ctl] What port_host_event counted as refused, and as a host
	 * that claimed another's identity (port_view). */
	uint64_t refusals;
	uint64_t host_conflicts;
};

/* The env the transport and the core reach p's threads with. */
extern const struct nvmet_fc_env_ops port_env;
/* The hw events of p (hw_tgt_port_open's ev, with p as the arg). */
extern const struct hw_tgt_events port_events;
/* libevent callback of p's slow-path fd. */
void port_hw_cb(evutil_socket_t fd, short what, void *arg);

/* Open cp's device, check that its DMA window backs cp's limits, start an
 * I/O thread per hw queue and bind the NVMe core to the new target port;
 * p's own attachment is not touched. 0, or -errno with err set and
 * nothing left behind. */
int port_attach_open(struct port *p, const struct conf_port *cp, struct port_attach *a, char *err,
		     size_t errlen);
/* Unregister a's target port, let the transport tear its associations
 * down (the I/O threads and the control inbox keep running meanwhile, at
 * most PORT_DRAIN_MS), stop the threads, close the hw port. */
void port_attach_close(struct port *p, struct port_attach *a);
/* At every tick: when p's port server restarted, open its port again and
 * put p on it (the core keeps p's exports and ANA states); a failed
 * attempt is logged once per server and retried. */
void port_attach_retry(struct port *p);

#endif /* PORT_PRIV_H */
