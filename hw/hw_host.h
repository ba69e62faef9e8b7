/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host-role HBA driver (LLDD), modelled on lpfc's host driver: opens a
 * port ("soft:FABRIC" or "/dev/uioN"), logs into the fabric, registers with
 * the name server as an NVMe initiator, queries it for NVMe target and
 * discovery ports, logs into each (PLOGI/PRLI) and registers the local port
 * and one remote port per target with the host transport. It implements
 * nvme_fc_port_template with a preallocated exchange (XRI) and bounce-buffer
 * pool per hw queue. A single-threaded caller drives everything with
 * hw_host_port_process() + hw_host_poll(); a hw queue handle is used by one
 * thread at a time.
 */
#ifndef HW_HOST_H
#define HW_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nvme_fc_driver.h>

#include "hw_tgt.h" /* struct hw_rport_info */

struct hw_host_port;

#define HW_HOST_MAX_HWQ 16 /* hardware queues of a port (HW_MAX_HWQ) */

struct hw_host_port_cfg {
	const char *dev; /* "soft:FABRIC" or "/dev/uioN" */
	const char *shm_dir;
	uint64_t wwnn, wwpn;
	uint16_t nr_hwq;	 /* 0 = 1; at most HW_HOST_MAX_HWQ */
	uint16_t queue_depth;	 /* exchanges per hw queue; 0 = 256 */
	uint32_t fcp_timeout_ms; /* 0 = 30000 */
};

/* Map, link up, FLOGI, name-server registration, query targets, PLOGI/PRLI,
 * nvme_fc_register_localport + nvme_fc_register_remoteport for each NVMe
 * target/discovery port that answers within 2 s. */
int hw_host_port_open(const struct hw_host_port_cfg *cfg, struct hw_host_port **out);
struct nvme_fc_local_port *hw_host_port_localport(struct hw_host_port *p);
/* Remote ports; returns the count (may exceed max). */
int hw_host_port_rports(struct hw_host_port *p, struct hw_rport_info *out, int max);
int hw_host_port_event_fd(struct hw_host_port *p);
/* Slow path: RSCN -> rescan, LS, logins, remote-port loss. */
int hw_host_port_process(struct hw_host_port *p);
/* Reap completions of hw queue hwq (and check FCP timeouts). */
int hw_host_poll(struct hw_host_port *p, uint16_t hwq, unsigned int budget);
/* hw_host_poll of every hw queue of the port, once each: what a caller
 * driving many controllers on one port reaps per pass (their queues share
 * the port's hw queues). For a caller that spins on it: a hw queue whose CQ
 * is empty reads the clock and checks its FCP timeouts on every 64th such
 * pass only (HW_HOST_IDLE_CLOCK; at once after a remote-port loss).
 * Returns the completions, or -EINVAL. */
int hw_host_port_poll(struct hw_host_port *p, unsigned int budget);
/* Hybrid polling, for the thread that polls the port's hw queues when a
 * spin found nothing: arm the CQs of every hw queue and sleep until a
 * completion is posted into one (the software HBA's firmware wakes an
 * armed CQ, as an interrupt would) or timeout_us passes (0: only check).
 * Returns 1 if completions are ready, 0 if none came, -EINVAL. The sleep
 * is bounded by the caller: keep-alives, FCP timeouts and the slow path
 * (hw_host_port_process) run only between sleeps. */
int hw_host_port_wait(struct hw_host_port *p, unsigned int timeout_us);
void hw_host_port_close(struct hw_host_port *p);

#endif /* HW_HOST_H */
