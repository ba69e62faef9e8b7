// SPDX-License-Identifier: Apache-2.0
/*
 * What a port drives (port_priv.h): the hw target port and its I/O
 * threads, opened for port_add, closed for port_del, and opened again when
 * a softhba-vmport port server restarted. A port server that dies leaves
 * its region mapped with a heartbeat that never moves again (the hw port
 * drops every host as link loss); the new server is a new region, new
 * eventfds and a new fabric login, so nothing of the old attachment can
 * be reused. The new one is opened beside the old one, and only once it
 * runs is the old one closed and the port moved: a server that is not
 * ready, or serves other names, changes nothing and is tried again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include <fcnvme/clock.h>
#include <fcnvme/err.h>
#include <fcnvme/nvmet_fc_core.h>

#include "hw/hw_tgt.h"

#include "backend/backend.h"
#include "conf/conf.h"
#include "fcd.h"
#include "inbox.h"
#include "io_thread.h"
#include "log.h"
#include "port_priv.h"
#include "core/tgt.h"

/* The transport's data buffers: queue_depth of mdts bytes per hw queue,
 * shared by every association (a hw queue has queue_depth exchanges, so
 * it never has more commands running), taken from the device's DMA window
 * at the bind. Say what they need when the window cannot hold them. */
static int port_attach_check_backing(const struct port *p, struct hw_tgt_port *hw,
				     const struct conf_port *cp, char *err, size_t errlen)
{
	/* Ports come only from a parsed configuration, whose defaults
	 * (conf_port_opts) are always filled in: mdts and queue_depth are
	 * set. */
	uint64_t need = (uint64_t)cp->nr_hwq * cp->queue_depth * cp->mdts;
	struct hw_dma_usage u;

	hw_tgt_port_dma_usage(hw, &u);
	if (need <= u.size - u.in_use)
		return 0;
	return fcnvme_err(err, errlen, -ENOSPC,
			  "port %s: its data buffers cannot be backed: %u hw queue(s) of "
			  "queue_depth %u buffers of mdts %llu KiB need %llu MiB of DMA memory, "
			  "and %s has %llu MiB free; lower mdts, queue_depth or hw_queues (or "
			  "give the device a larger window)",
			  p->name, (unsigned int)cp->nr_hwq, (unsigned int)cp->queue_depth,
			  (unsigned long long)(cp->mdts >> 10), (unsigned long long)(need >> 20),
			  cp->dev, (unsigned long long)((u.size - u.in_use) >> 20));
}

static void port_attach_stop_threads(struct port_attach *a, uint16_t n)
{
	while (n--)
		io_thread_stop(&a->threads[n]);
}

/* Open cp's hw port into a->hw, saying why not in err. */
static int port_attach_hw(struct port *p, const struct conf_port *cp, struct port_attach *a,
			  char *err, size_t errlen)
{
	struct hw_tgt_port_cfg hcfg = { 0 };
	const char *why;
	int rc;

	hcfg.dev = cp->dev;
	hcfg.shm_dir = cp->shm_dir;
	hcfg.wwnn = cp->wwnn;
	hcfg.wwpn = cp->wwpn;
	hcfg.nr_hwq = cp->nr_hwq;
	hcfg.rq_depth = cp->queue_depth;
	hcfg.readdata_rsp = cp->readdata_rsp;
	rc = hw_tgt_port_open(&hcfg, &port_events, p, &a->hw);
	if (!rc)
		return 0;
	why = hw_tgt_port_open_why();
	/* A missing fabric, or a refused fabric path: say which and why. */
	if (*why && rc == -ENOENT)
		fcnvme_err(err, errlen, 0, "port %s: cannot open %s: %s", p->name, cp->dev, why);
	else if (*why)
		fcnvme_err(err, errlen, 0, "port %s: cannot open %s: %s: %s", p->name, cp->dev, why,
			   strerror(-rc));
	else
		fcnvme_err(err, errlen, 0, "port %s: cannot open %s: %s", p->name, cp->dev,
			   strerror(-rc));
	return rc;
}

/* Open what cp describes; see port_priv.h. */
int port_attach_open(struct port *p, const struct conf_port *cp, struct port_attach *a, char *err,
		     size_t errlen)
{
	struct nvmet_fc_core_cfg ccfg = { 0 };
	uint16_t q;
	int rc;

	memset(a, 0, sizeof(*a));
	/* struct io_thread holds cache-line aligned ring indices. */
	a->threads = aligned_alloc(_Alignof(struct io_thread), cp->nr_hwq * sizeof(*a->threads));
	if (!a->threads)
		return fcnvme_err(err, errlen, -ENOMEM, "port %s: out of memory", p->name);
	memset(a->threads, 0, cp->nr_hwq * sizeof(*a->threads));
	rc = port_attach_hw(p, cp, a, err, errlen);
	if (rc)
		goto out_free_threads;
	a->tp = hw_tgt_port_targetport(a->hw);
	rc = port_attach_check_backing(p, a->hw, cp, err, errlen);
	if (rc)
		goto out_close_hw;

	for (q = 0; q < cp->nr_hwq; q++) {
		if (q < cp->nr_cpus)
			backend_reserve_cpu(cp->cpus[q]); /* librados' threads go elsewhere */
		rc = io_thread_start(&a->threads[q], &hw_tgt_hwq_ops, a->hw, p->d->tgt, q,
				     q < cp->nr_cpus ? cp->cpus[q] : -1,
				     cp->busy_poll ? IO_POLL_BUSY : IO_POLL_HYBRID);
		if (rc) {
			fcnvme_err(err, errlen, 0, "port %s: I/O thread %u: %s", p->name, q,
				   strerror(-rc));
			port_attach_stop_threads(a, q);
			goto out_close_hw;
		}
	}

	/* The transport enforces these and the core advertises them (see
	 * CONF_DEFAULT_MDTS for what mdts costs). */
	ccfg.max_data_len = cp->mdts;
	ccfg.max_queue_size = cp->max_queue_size;
	ccfg.max_io_queues = cp->max_io_queues;
	rc = nvmet_fc_set_data_buffers(a->tp, cp->queue_depth);
	if (!rc)
		rc = nvmet_fc_set_ls_rjt_cb(a->tp, tgt_ls_rejected, p->d->tgt);
	if (!rc)
		rc = nvmet_fc_bind_core(a->tp, tgt_core_ops(), p->d->tgt, &port_env, p, &ccfg);
	if (rc) {
		fcnvme_err(err, errlen, 0, "port %s: cannot bind the NVMe core: %s", p->name,
			   strerror(-rc));
		goto out_stop_threads;
	}
	return 0;

out_stop_threads:
	port_attach_stop_threads(a, cp->nr_hwq);
out_close_hw:
	(void)hw_tgt_port_close(a->hw); /* nothing ran on it yet */
out_free_threads:
	free(a->threads);
	memset(a, 0, sizeof(*a));
	return rc;
}

/* Close an attachment; see port_priv.h. */
void port_attach_close(struct port *p, struct port_attach *a)
{
	struct fcd *d = p->d;
	uint64_t deadline;

	nvmet_fc_unregister_targetport(a->tp);
	deadline = fcnvme_clock_ms() + PORT_DRAIN_MS;
	while (fcnvme_clock_ms() < deadline) {
		unsigned int work = inbox_run(d->inbox);
		int rc = hw_tgt_port_process(a->hw);

		if (!work && rc <= 0) {
			struct timespec ts = { 0, 1000000 };

			if (hw_tgt_port_deleted(a->hw))
				break;
			nanosleep(&ts, NULL);
		}
	}
	port_attach_stop_threads(a, p->nr_hwq);
	inbox_run(d->inbox);
	if (hw_tgt_port_close(a->hw))
		log_warnx("port %s: the transport still held the port after draining "
			  "(exchanges the HBA never completed); what it holds is left allocated",
			  p->name);
	free(a->threads);
	memset(a, 0, sizeof(*a));
}

/* Move p onto the new attachment a (opened and running) in place of its
 * own: the core moves the port (its controllers on the old one go), the
 * old attachment closes, and the slow-path event follows. */
static int port_attach_swap(struct port *p, struct port_attach *a, char *err, size_t errlen)
{
	struct fcd *d = p->d;
	struct port_attach old = p->at;
	struct event *ev;
	uint64_t t0;
	int rc;

	ev = event_new(d->base, hw_tgt_port_event_fd(a->hw), EV_READ | EV_PERSIST, port_hw_cb, p);
	if (!ev)
		return fcnvme_err(err, errlen, -ENOMEM, "port %s: out of memory", p->name);
	rc = tgt_port_retarget(d->tgt, p->portid, a->tp, "port server restarted");
	if (rc) {
		event_free(ev);
		return fcnvme_err(err, errlen, rc,
				  "port %s: the NVMe core refused the new target port: %s", p->name,
				  strerror(-rc));
	}
	event_free(p->hw_ev);
	p->hw_ev = NULL;
	t0 = fcnvme_clock_ms();
	port_attach_close(p, &old);
	p->at = *a;
	memset(a, 0, sizeof(*a));
	memset(p->last_beat, 0, p->nr_hwq * sizeof(*p->last_beat));
	p->hw_ev = ev;
	if (event_add(ev, NULL))
		log_warnx("port %s: cannot watch the slow path's fd; it runs on the tick only",
			  p->name);
	p->link_up = p->at.tp->port_state == FC_OBJSTATE_ONLINE;
	/* A port the operator disabled stays down on the new server too. */
	if (!p->enabled && hw_tgt_port_set_link(p->at.hw, false))
		log_warnx("port %s: cannot ask the restarted port server for the link down",
			  p->name);
	log_info("port %s: %s: attached to the restarted port server (%u hw queue(s); the old "
		 "attachment closed in %llu ms); its subsystems and ANA states are kept",
		 p->name, p->dev, p->nr_hwq, (unsigned long long)(fcnvme_clock_ms() - t0));
	/* The link-up and logins that happened during the open. */
	hw_tgt_port_process(p->at.hw);
	return 0;
}

/* Reattach p when its port server restarted; see port_priv.h. */
void port_attach_retry(struct port *p)
{
	const struct conf_port *cp;
	struct port_attach a;
	char err[512];
	uint64_t id, now;
	bool again;
	int rc;

	id = hw_tgt_port_successor(p->at.hw);
	if (!id)
		return;
	now = fcnvme_clock_ms();
	again = id == p->reattach_id;
	if (again && now < p->reattach_next_ms)
		return;
	cp = conf_port_find(p->d->conf, p->name);
	if (!cp)
		return;
	p->reattach_pause_ms = again ? p->reattach_pause_ms * 2 : PORT_REATTACH_RETRY_MS;
	if (p->reattach_pause_ms > PORT_REATTACH_RETRY_MAX_MS)
		p->reattach_pause_ms = PORT_REATTACH_RETRY_MAX_MS;
	p->reattach_id = id;
	p->reattach_next_ms = now + p->reattach_pause_ms;
	rc = port_attach_open(p, cp, &a, err, sizeof(err));
	if (!rc) {
		rc = port_attach_swap(p, &a, err, sizeof(err));
		if (rc)
			port_attach_close(p, &a);
	}
	if (rc) {
		/* Once per server; the retries say it only at debug level. */
		if (again)
			log_debug("%s (next try in %u s)", err, p->reattach_pause_ms / 1000);
		else
			log_warnx("%s; tried again after 5 s, then twice as long each time (up "
				  "to 1 min) while that port server runs",
				  err);
		return;
	}
	p->reattach_id = 0;
}
