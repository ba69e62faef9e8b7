/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FC ports of the daemon: each wraps one hw target port (hw/hw_tgt.h), the
 * nvmet_fc target port registered on it, its binding to the NVMe core, and
 * the I/O threads that poll its hardware queues. The control commands and the
 * config loader change ports only through these functions. [ctl] only.
 * Errors: 0 or -errno, with a human sentence in err when err is not NULL.
 */
#ifndef PORT_H
#define PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fcd;
struct conf_port;
struct hostlog_entry;
struct tgt_assoc_event;

#define PORT_NAME_MAX 32

/* A read-only snapshot of a port for listing. */
struct port_view {
	char name[PORT_NAME_MAX];
	uint16_t portid; /* NVMe-oF port id (discovery log portid) */
	char dev[128];	 /* "soft:FABRIC", "/dev/uioN" or "pci:BDF" */
	uint64_t wwnn;
	uint64_t wwpn;
	uint32_t nport_id; /* N_Port_ID from fabric login, 0 if none */
	bool enabled;	   /* administratively */
	bool link_up;
	uint16_t nr_hwq;
	uint32_t nr_rports; /* remote ports logged in */
	/* Host ports' Create Associations and Connects it refused (and LS
	 * rejects that kept one from connecting) since the port was added. */
	uint64_t refusals;
	/* Connects on it whose host claimed a live controller's host NQN
	 * with another Host ID, or its Host ID with another host NQN. */
	uint64_t host_conflicts;
};

/* A remote (host) port seen on one of our ports: logged in now, or
 * remembered by the port's hostlog (hostlog.h). */
struct host_view {
	char port[PORT_NAME_MAX]; /* our port it logged into */
	uint64_t wwnn;
	uint64_t wwpn;
	uint32_t nport_id;
	bool logged_in;	    /* now, as the hw port says */
	uint32_t nr_assocs; /* associations it holds (one controller each) */
	/* Computed now from the configuration: a subsystem exported on the
	 * port allows one of the NQNs it presented (tgt_host_allowed). */
	bool allowed;
	uint64_t now_ms; /* fcnvme_clock_ms() of the walk, for ages */
	/* What it did (NQNs, refusals), NULL if nothing was recorded; valid
	 * during the callback. */
	const struct hostlog_entry *log;
};

/* Create a port from its config entry, open the hw port, bind the core,
 * start its I/O threads. */
int port_add(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen);
/* Stop the port's I/O, tear down its associations, close it. */
int port_del(struct fcd *d, const char *name, char *err, size_t errlen);
/* Bring the link up or down (administrative enable/disable). */
int port_enable(struct fcd *d, const char *name, char *err, size_t errlen);
int port_disable(struct fcd *d, const char *name, char *err, size_t errlen);
/* Call cb for every port, in name order; stops early if cb returns non-zero. */
int port_foreach(struct fcd *d, int (*cb)(const struct port_view *v, void *arg), void *arg);
/* Call cb for every remote port on every port (including hosts that no
 * subsystem allows and, from the port's hostlog, ports that logged out),
 * in order of first sight per port. */
int port_host_foreach(struct fcd *d, int (*cb)(const struct host_view *v, void *arg), void *arg);
/* Tear down every association of the host port with this WWPN, as
 * nvmet_fc_invalidate_host does (on all our ports it is logged into). */
int port_host_invalidate(struct fcd *d, uint64_t wwpn, char *err, size_t errlen);
/* Send an RSCN on one port (name) or on all (name == NULL). */
int port_discovery_event(struct fcd *d, const char *name, char *err, size_t errlen);

#endif /* PORT_H */

/* ---- for the daemon's own glue (daemon.c), not for control handlers ---- */

/* Run fn(arg) on the I/O thread of hw queue hwq of the first port (the
 * NVMe core's route back to an I/O thread). */
int port_post_hwq(struct fcd *d, uint16_t hwq, void (*fn)(void *), void *arg);
/* True if every I/O thread's heartbeat advanced since the last call. */
bool port_io_alive(struct fcd *d);
/* Periodic slow-path work of every port (LS timeouts). */
void port_tick(struct fcd *d);
/* Delete every port (shutdown). */
void port_del_all(struct fcd *d);
/* Record in the port's hostlog what the core decided about a host (the
 * NQN it presented, a refusal) [ctl]. */
void port_host_event(struct fcd *d, const struct tgt_assoc_event *ev);
/* Number of ports, ports with link up, I/O threads. */
void port_counts(struct fcd *d, unsigned int *ports, unsigned int *up, unsigned int *threads);
