// SPDX-License-Identifier: Apache-2.0
/*
 * FC ports (see port.h). A port ties together, in this order of creation:
 * its attachment (port_attach.c: the hw target port with its mapped
 * device, fabric login and nvmet_fc target port, one I/O thread per
 * hardware queue, the binding of the NVMe core to the target port), the
 * core's view of the port, and a libevent event on the hw port's slow-path
 * fd. Deletion undoes it in reverse, letting the transport tear
 * associations down while the I/O threads still run. A port whose
 * softhba-vmport server restarted gets a new attachment under the same
 * core view (port_attach_retry, from port_tick).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include <fcnvme/clock.h>
#include <fcnvme/err.h>
#include <fcnvme/nvmet_fc_core.h>
#include <fcnvme/wwn.h>

#include "hw/hw_tgt.h"

#include "backend/backend.h"
#include "conf/conf.h"
#include "fcd.h"
#include "hostlog.h"
#include "inbox.h"
#include "io_thread.h"
#include "log.h"
#include "port_priv.h"
#include "core/tgt.h"

static struct port *port_find(struct fcd *d, const char *name)
{
	struct port *p;

	for (p = d->ports; p; p = p->next)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* ---- the transport's way to this port's threads (nvmet_fc_env_ops) ---- */

static int port_env_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	struct port *p = env;

	if (hwqid >= p->nr_hwq)
		return -EINVAL;
	return io_thread_post(&p->at.threads[hwqid], fn, arg);
}

static int port_env_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	struct port *p = env;

	return inbox_post(p->d->inbox, fn, arg);
}

const struct nvmet_fc_env_ops port_env = {
	.run_on_hwq = port_env_run_on_hwq,
	.run_on_ctl = port_env_run_on_ctl,
};

/* ---- hw events (control thread) ---------------------------------------- */

static void port_ev_link(void *arg, bool up)
{
	struct port *p = arg;

	p->link_up = up;
	log_info("port %s: link %s", p->name, up ? "up" : "down");
	if (!up)
		tgt_host_gone(p->d->tgt, p->portid, 0, "link down on the port");
}

static void port_ev_login(void *arg, const struct hw_rport_info *rp)
{
	struct port *p = arg;
	char wwpn[FCNVME_WWN_STRLEN];

	fcnvme_wwn_format(rp->wwpn, wwpn, sizeof(wwpn));
	log_info("port %s: remote port %s (N_Port_ID 0x%06x) logged in", p->name, wwpn,
		 rp->port_id);
	if (hostlog_login(&p->hosts, rp->wwnn, rp->wwpn, rp->port_id, fcnvme_clock_ms()))
		log_warnx("port %s: remote port %s: out of memory for host list", p->name, wwpn);
}

static void port_ev_logout(void *arg, const struct hw_rport_info *rp, const char *why)
{
	struct port *p = arg;
	char wwpn[FCNVME_WWN_STRLEN];
	char cause[64];

	fcnvme_wwn_format(rp->wwpn, wwpn, sizeof(wwpn));
	log_info("port %s: remote port %s gone (%s); its associations are torn down", p->name, wwpn,
		 why ? why : "logout");
	snprintf(cause, sizeof(cause), "host port gone (%s)", why ? why : "logout");
	tgt_host_gone(p->d->tgt, p->portid, rp->wwpn, cause);
	hostlog_logout(&p->hosts, rp->wwpn, fcnvme_clock_ms());
}

static void port_ev_rscn(void *arg)
{
	struct port *p = arg;

	log_debug("port %s: RSCN received", p->name);
}

const struct hw_tgt_events port_events = {
	.link = port_ev_link,
	.rport_login = port_ev_login,
	.rport_logout = port_ev_logout,
	.rscn = port_ev_rscn,
};

void port_hw_cb(evutil_socket_t fd, short what, void *arg)
{
	struct port *p = arg;
	int rc;

	(void)fd;
	(void)what;
	rc = hw_tgt_port_process(p->at.hw);
	if (rc < 0)
		log_warnx("port %s: slow path: %s", p->name, strerror(-rc));
}

/* ---- create and delete -------------------------------------------------- */

static void port_free(struct port *p)
{
	free(p->last_beat);
	hostlog_free(&p->hosts);
	free(p);
}

/* Create a port from its config entry; see port.h. */
int port_add(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen)
{
	struct port *p, **pp;
	int rc;

	if (port_find(d, cp->name))
		return fcnvme_err(err, errlen, -EEXIST, "port %s already exists", cp->name);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->d = d;
	snprintf(p->name, sizeof(p->name), "%s", cp->name);
	snprintf(p->dev, sizeof(p->dev), "%s", cp->dev);
	p->portid = cp->portid;
	p->wwnn = cp->wwnn;
	p->wwpn = cp->wwpn;
	p->nr_hwq = cp->nr_hwq;
	p->last_beat = calloc(p->nr_hwq, sizeof(*p->last_beat));
	if (!p->last_beat) {
		rc = -ENOMEM;
		goto out_free_port;
	}
	rc = port_attach_open(p, cp, &p->at, err, errlen);
	if (rc)
		goto out_free_port;
	p->link_up = p->at.tp->port_state == FC_OBJSTATE_ONLINE;
	rc = tgt_port_add(d->tgt, p->portid, p->at.tp, p->name);
	if (rc) {
		fcnvme_err(err, errlen, 0, "port %s: %s", p->name, strerror(-rc));
		goto out_close;
	}
	rc = tgt_port_set_env(d->tgt, p->portid, &port_env, p);
	if (rc) {
		fcnvme_err(err, errlen, 0, "port %s: %s", p->name, strerror(-rc));
		goto out_tgt_del;
	}
	p->hw_ev = event_new(d->base, hw_tgt_port_event_fd(p->at.hw), EV_READ | EV_PERSIST,
			     port_hw_cb, p);
	if (!p->hw_ev || event_add(p->hw_ev, NULL)) {
		rc = -ENOMEM;
		goto out_tgt_del;
	}
	p->enabled = true;
	/* Keep the list in name order for stable listings. */
	for (pp = &d->ports; *pp && strcmp((*pp)->name, p->name) < 0; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
	/* Pick up the link-up and logins that happened during open. */
	hw_tgt_port_process(p->at.hw);
	log_info("port %s: %s online, %u hw queue(s)", p->name, p->dev, p->nr_hwq);
	return 0;

out_tgt_del:
	if (p->hw_ev)
		event_free(p->hw_ev);
	tgt_port_del(d->tgt, p->portid);
out_close:
	port_attach_close(p, &p->at);
out_free_port:
	port_free(p);
	return rc;
}

/* Tear the port down: the core forgets it, the transport tears down every
 * association (which needs the I/O threads and the control inbox, so both
 * keep running while we pump), then threads stop and the hw port closes. */
static void port_destroy(struct port *p)
{
	event_free(p->hw_ev);
	tgt_port_del(p->d->tgt, p->portid);
	port_attach_close(p, &p->at);
	log_info("port %s: closed", p->name);
	port_free(p);
}

/* Delete the named port; see port.h. */
int port_del(struct fcd *d, const char *name, char *err, size_t errlen)
{
	struct port **pp, *p;

	for (pp = &d->ports; (p = *pp); pp = &p->next)
		if (!strcmp(p->name, name))
			break;
	if (!p)
		return fcnvme_err(err, errlen, -ENOENT, "no port named %s", name);
	*pp = p->next;
	port_destroy(p);
	return 0;
}

/* Delete every port, in order. */
void port_del_all(struct fcd *d)
{
	struct port *p;

	while ((p = d->ports)) {
		d->ports = p->next;
		port_destroy(p);
	}
}

static int port_set_link(struct fcd *d, const char *name, bool up, char *err, size_t errlen)
{
	struct port *p = port_find(d, name);
	int rc;

	if (!p)
		return fcnvme_err(err, errlen, -ENOENT, "no port named %s", name);
	if (p->enabled == up)
		return 0;
	rc = hw_tgt_port_set_link(p->at.hw, up);
	if (rc == -ENETDOWN) /* a port server that is gone: the next one is told */
		log_info("port %s: its port server is gone; the link will be %s when one "
			 "attaches",
			 name, up ? "up" : "down");
	else if (rc < 0)
		return fcnvme_err(err, errlen, rc, "port %s: link %s failed: %s", name,
				  up ? "up" : "down", strerror(-rc));
	p->enabled = up;
	p->link_up = up;
	hw_tgt_port_process(p->at.hw);
	return 0;
}

/* Administratively enable the port (link up). */
int port_enable(struct fcd *d, const char *name, char *err, size_t errlen)
{
	return port_set_link(d, name, true, err, errlen);
}

/* Administratively disable the port (link down: hosts lose it). */
int port_disable(struct fcd *d, const char *name, char *err, size_t errlen)
{
	return port_set_link(d, name, false, err, errlen);
}

static void port_view_fill(const struct port *p, struct port_view *v)
{
	struct hw_rport_info rp[1];
	int n;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", p->name);
	snprintf(v->dev, sizeof(v->dev), "%s", p->dev);
	v->portid = p->portid;
	v->wwnn = p->wwnn;
	v->wwpn = p->wwpn;
	v->nport_id = p->at.tp ? p->at.tp->port_id : 0;
	v->enabled = p->enabled;
	v->link_up = p->link_up;
	v->nr_hwq = p->nr_hwq;
	v->refusals = p->refusals;
	v->host_conflicts = p->host_conflicts;
	n = hw_tgt_port_rports(p->at.hw, rp, 0);
	v->nr_rports = n > 0 ? (uint32_t)n : 0;
}

/* Visit every port in name order. */
int port_foreach(struct fcd *d, int (*cb)(const struct port_view *v, void *arg), void *arg)
{
	struct port_view v;
	struct port *p;
	int rc;

	for (p = d->ports; p; p = p->next) {
		port_view_fill(p, &v);
		rc = cb(&v, arg);
		if (rc)
			return rc;
	}
	return 0;
}

#define PORT_MAX_RPORTS 256

struct assoc_count {
	uint16_t portid;
	uint64_t wwpn;
	uint32_t n;
};

static int assoc_count_cb(const struct tgt_ctrl_info *c, void *arg)
{
	struct assoc_count *ac = arg;

	/* One controller per association (its admin queue). */
	if (c->portid == ac->portid && c->host_wwpn == ac->wwpn)
		ac->n++;
	return 0;
}

static uint32_t port_host_assocs(struct fcd *d, uint16_t portid, uint64_t wwpn)
{
	struct assoc_count ac = { portid, wwpn, 0 };

	tgt_ctrl_foreach(d->tgt, assoc_count_cb, &ac);
	return ac.n;
}

/* Whether a subsystem on p lets the host in with one of the NQNs it
 * presented (with none yet: only allow_any_host can). */
static bool port_host_allowed(struct fcd *d, const struct port *p, uint64_t wwpn,
			      const struct hostlog_entry *e)
{
	unsigned int i;

	if (!e || !e->nr_nqns)
		return tgt_host_allowed(d->tgt, p->portid, "", wwpn);
	for (i = 0; i < e->nr_nqns; i++)
		if (tgt_host_allowed(d->tgt, p->portid, e->nqns[i].nqn, wwpn))
			return true;
	return false;
}

static int port_host_visit(struct fcd *d, const struct port *p, const struct hw_rport_info *rp,
			   const struct hostlog_entry *e, uint64_t now_ms,
			   int (*cb)(const struct host_view *v, void *arg), void *arg)
{
	struct host_view v;

	memset(&v, 0, sizeof(v));
	snprintf(v.port, sizeof(v.port), "%s", p->name);
	v.wwnn = rp ? rp->wwnn : e->wwnn;
	v.wwpn = rp ? rp->wwpn : e->wwpn;
	v.nport_id = rp ? rp->port_id : e->nport_id;
	v.logged_in = rp && rp->logged_in;
	v.nr_assocs = port_host_assocs(d, p->portid, v.wwpn);
	v.allowed = port_host_allowed(d, p, v.wwpn, e);
	v.now_ms = now_ms;
	v.log = e;
	return cb(&v, arg);
}

/* Visit every remote port of every port: those of the hostlog in order of
 * first sight (logged in now or not), then any logged in that it missed. */
int port_host_foreach(struct fcd *d, int (*cb)(const struct host_view *v, void *arg), void *arg)
{
	uint64_t now_ms = fcnvme_clock_ms();
	const struct hw_rport_info *r;
	struct hw_rport_info *rp;
	struct port *p;
	unsigned int j;
	int i, n, rc = 0;

	rp = calloc(PORT_MAX_RPORTS, sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	for (p = d->ports; p && !rc; p = p->next) {
		n = hw_tgt_port_rports(p->at.hw, rp, PORT_MAX_RPORTS);
		if (n > PORT_MAX_RPORTS)
			n = PORT_MAX_RPORTS;
		for (j = 0; j < p->hosts.n && !rc; j++) {
			for (r = NULL, i = 0; i < n && !r; i++)
				if (rp[i].wwpn == p->hosts.e[j].wwpn)
					r = &rp[i];
			rc = port_host_visit(d, p, r, &p->hosts.e[j], now_ms, cb, arg);
		}
		for (i = 0; i < n && !rc; i++)
			if (!hostlog_find(&p->hosts, rp[i].wwpn))
				rc = port_host_visit(d, p, &rp[i], NULL, now_ms, cb, arg);
	}
	free(rp);
	return rc;
}

/* What the core decided about a host, in the hostlog of the port by that
 * name: the NQN a Connect presented, a refusal with evlog's reason. */
void port_host_event(struct fcd *d, const struct tgt_assoc_event *ev)
{
	uint64_t now_ms = fcnvme_clock_ms();
	struct port *p = ev->port ? port_find(d, ev->port) : NULL;
	int rc = 0;

	if (!p)
		return;
	switch (ev->kind) {
	case TGT_ASSOC_EV_REFUSED:
		p->refusals++;
		rc = hostlog_refused(&p->hosts, ev->host_wwpn,
				     "Create Association refused (insufficient resources)", NULL, 0,
				     now_ms);
		break;
	case TGT_ASSOC_EV_CONNECT_REFUSED:
		p->refusals++;
		rc = hostlog_connect(&p->hosts, ev->host_wwpn, ev->host_nqn, now_ms);
		if (!rc)
			rc = hostlog_refused(&p->hosts, ev->host_wwpn, ev->reason, ev->subsys_nqn,
					     ev->status, now_ms);
		break;
	case TGT_ASSOC_EV_LS_REJECTED:
		if (!tgt_ls_rejected_blocks(ev))
			break;
		p->refusals++;
		if (ev->host_wwpn)
			rc = hostlog_refused(&p->hosts, ev->host_wwpn, ev->reason, NULL, 0, now_ms);
		break;
	case TGT_ASSOC_EV_CONNECTED:
		/* Admin queue Connects only: I/O queues present the same NQN. */
		rc = hostlog_connect(&p->hosts, ev->host_wwpn, ev->host_nqn, now_ms);
		break;
	case TGT_ASSOC_EV_HOST_CONFLICT:
		p->host_conflicts++;
		break;
	default:
		break;
	}
	if (rc)
		log_warnx("port %s: out of memory for host list", p->name);
}

/* Invalidate the host port with this WWPN wherever it is logged in. */
int port_host_invalidate(struct fcd *d, uint64_t wwpn, char *err, size_t errlen)
{
	struct port *p;
	int rc, found = 0;

	for (p = d->ports; p; p = p->next) {
		rc = hw_tgt_port_logo(p->at.hw, wwpn);
		if (rc == -ENOENT)
			continue;
		if (rc < 0)
			return fcnvme_err(err, errlen, rc, "port %s: %s", p->name, strerror(-rc));
		found++;
		hw_tgt_port_process(p->at.hw);
	}
	if (!found) {
		char s[FCNVME_WWN_STRLEN];

		fcnvme_wwn_format(wwpn, s, sizeof(s));
		return fcnvme_err(err, errlen, -ENOENT, "host port %s is not logged in to any port",
				  s);
	}
	return 0;
}

/* Send an RSCN on one or all ports. */
int port_discovery_event(struct fcd *d, const char *name, char *err, size_t errlen)
{
	struct port *p;
	int rc;

	if (name && !port_find(d, name))
		return fcnvme_err(err, errlen, -ENOENT, "no port named %s", name);
	for (p = d->ports; p; p = p->next) {
		if (name && strcmp(p->name, name))
			continue;
		/* Returns how many initiators were told, or -errno. */
		rc = hw_tgt_port_rscn(p->at.hw);
		if (rc < 0)
			return fcnvme_err(err, errlen, rc, "port %s: RSCN: %s", p->name,
					  strerror(-rc));
	}
	return 0;
}

/* The core's route to an I/O thread: the first port's (single-port core). */
int port_post_hwq(struct fcd *d, uint16_t hwq, void (*fn)(void *), void *arg)
{
	if (!d->ports)
		return -ENODEV;
	return port_env_run_on_hwq(d->ports, hwq, fn, arg);
}

/* Watchdog: every thread's heartbeat moved since the last check. */
bool port_io_alive(struct fcd *d)
{
	bool alive = true;
	struct port *p;
	uint16_t q;
	uint64_t b;

	for (p = d->ports; p; p = p->next) {
		for (q = 0; q < p->nr_hwq; q++) {
			b = io_thread_heartbeat(&p->at.threads[q]);
			if (b == p->last_beat[q])
				alive = false;
			p->last_beat[q] = b;
		}
	}
	return alive;
}

/* Say when queue or LS buffers did not fit in a port's DMA window (the
 * host got Insufficient Resources for its Create Association or
 * Connection): once per tick that saw new failures. */
static void port_report_dma(struct port *p)
{
	struct hw_dma_usage u;

	hw_tgt_port_dma_usage(p->at.hw, &u);
	if (u.refused == p->dma_refused)
		return;
	log_warnx("port %s: %llu DMA allocation(s) did not fit in its window (%llu of %llu MiB "
		  "in use): a host's Create Association or Create Connection was refused with "
		  "Insufficient Resources; lower mdts, max_queue_size or max_io_queues, or give "
		  "the device a larger window",
		  p->name, (unsigned long long)(u.refused - p->dma_refused),
		  (unsigned long long)(u.in_use >> 20), (unsigned long long)(u.size >> 20));
	p->dma_refused = u.refused;
}

/* Periodic slow-path processing (timeouts) of every port. */
void port_tick(struct fcd *d)
{
	struct port *p;

	for (p = d->ports; p; p = p->next) {
		hw_tgt_port_process(p->at.hw);
		port_report_dma(p);
		port_attach_retry(p);
	}
}

/* Counts for status lines. */
void port_counts(struct fcd *d, unsigned int *ports, unsigned int *up, unsigned int *threads)
{
	struct port *p;

	*ports = *up = *threads = 0;
	for (p = d->ports; p; p = p->next) {
		(*ports)++;
		*up += p->link_up;
		*threads += p->nr_hwq;
	}
}
