// SPDX-License-Identifier: Apache-2.0
/*
 * The fake ports and NVMe core of the control-plane tests (see
 * fake_target.h). Only what the control code calls is implemented; the
 * model is just enough for the list/show handlers and conf_save.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "fake_target.h"
#include "fcd.h"
#include "hostlog.h"
#include "port.h"
#include "backend/backend.h"
#include "core/tgt.h"

static char logbuf[16384];
static char fail_prefix[128];

struct fake_ns {
	char nqn[TGT_NQN_SIZE];
	uint32_t nsid;
	uint64_t size;
	bool enabled;
	enum tgt_backend_type backend;
	uint32_t lba_size;
	uint32_t anagrpid;
	bool readonly;
	bool resv;     /* reservations on: shown with no registrant */
	bool has_uuid; /* given: uuid, else a derived one */
	uint8_t uuid[16];
	char hosts[FAKE_NS_HOSTS][TGT_NQN_SIZE]; /* host masking, sorted */
	unsigned int nr_hosts;
	struct backend *be; /* rbd's, closed at the delete */
};

static struct fake_ns *ns_find(const char *nqn, uint32_t nsid);
static void ns_host_insert(struct fake_ns *n, const char *host);

static struct {
	char ports[8][PORT_NAME_MAX];
	bool enabled[8];
	int nr_ports;
	char subsys[8][TGT_NQN_SIZE];
	int nr_subsys;
	struct fake_ns ns[32];
	int nr_ns;
	bool assoc_deleted; /* the one association is gone */
} model;

#define FAKE_ASSOC_ID 0x123456789abc0000ULL

/*
 * Statistics of scale k: 100k commands of which k failed and k aborted,
 * 60 KiB read and 40 KiB written per 100, latencies 98k of 2000 ns (bucket
 * 1920..2047), k of 20000 ns (18432..20479) and k of 1.5 ms (the maximum).
 * So p50 = 1984 and p99 = 19456 (the buckets' middles), and (k = 1) p99.9
 * = 1500000 (the maximum, rank 100 of 100).
 */
static void fake_io_stats(struct tgt_io_stats *st, uint64_t k)
{
	memset(st, 0, sizeof(*st));
	st->cmds = 100 * k;
	st->errors = k;
	st->aborts = k;
	st->read_bytes = 61440 * k;
	st->write_bytes = 40960 * k;
	st->lat.n[fcnvme_hist_index(2000)] = 98 * k;
	st->lat.n[fcnvme_hist_index(20000)] = k;
	st->lat.n[fcnvme_hist_index(1500000)] = k;
	st->lat.sum = (98 * 2000 + 20000 + 1500000) * k; /* the values above */
	st->lat_max_ns = k ? 1500000 : 0;
}

static int dummy_tgt;

struct tgt *fake_tgt(void)
{
	return (struct tgt *)&dummy_tgt;
}

/* fake_grow_async(): a grow waits (as an rbd image's, off the control
 * thread) until turned off */
static bool grow_async;
/* how many times tgt_ns_resize_want said 1 */
static unsigned int grows_wanted;

void fake_reset(void)
{
	int i;

	for (i = 0; i < model.nr_ns; i++)
		if (model.ns[i].be)
			backend_ops_for(model.ns[i].backend)->close(model.ns[i].be);
	fake_backend_reset();
	memset(&model, 0, sizeof(model));
	logbuf[0] = '\0';
	fail_prefix[0] = '\0';
	grow_async = false;
	grows_wanted = 0;
}

const char *fake_log(void)
{
	return logbuf;
}

void fake_log_clear(void)
{
	logbuf[0] = '\0';
}

void fake_fail_on(const char *prefix)
{
	snprintf(fail_prefix, sizeof(fail_prefix), "%s", prefix);
}

/* Log a call; returns -EIO (and disarms) when it matches fail_prefix. */
static int __attribute__((format(printf, 3, 4)))
call(char *err, size_t errlen, const char *fmt, ...)
{
	char entry[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(entry, sizeof(entry), fmt, ap);
	va_end(ap);
	if (fail_prefix[0] != '\0' && strncmp(entry, fail_prefix, strlen(fail_prefix)) == 0) {
		fail_prefix[0] = '\0';
		if (err != NULL)
			snprintf(err, errlen, "fake failure of %s", entry);
		strncat(logbuf, "FAIL ", sizeof(logbuf) - strlen(logbuf) - 1);
		strncat(logbuf, entry, sizeof(logbuf) - strlen(logbuf) - 1);
		strncat(logbuf, ";", sizeof(logbuf) - strlen(logbuf) - 1);
		return -EIO;
	}
	strncat(logbuf, entry, sizeof(logbuf) - strlen(logbuf) - 1);
	strncat(logbuf, ";", sizeof(logbuf) - strlen(logbuf) - 1);
	return 0;
}

static int port_idx(const char *name)
{
	int i;

	for (i = 0; i < model.nr_ports; i++)
		if (strcmp(model.ports[i], name) == 0)
			return i;
	return -1;
}

int port_add(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen)
{
	int rc = call(err, errlen, "port_add %s %u", cp->name, cp->portid);

	(void)d;
	if (rc == 0) {
		snprintf(model.ports[model.nr_ports], PORT_NAME_MAX, "%s", cp->name);
		model.enabled[model.nr_ports++] = true;
	}
	return rc;
}

int port_del(struct fcd *d, const char *name, char *err, size_t errlen)
{
	int rc = call(err, errlen, "port_del %s", name), i = port_idx(name);

	(void)d;
	if (rc == 0 && i >= 0) {
		memmove(&model.ports[i], &model.ports[i + 1],
			(size_t)(model.nr_ports - i - 1) * PORT_NAME_MAX);
		model.nr_ports--;
	}
	return rc;
}

int port_enable(struct fcd *d, const char *name, char *err, size_t errlen)
{
	(void)d;
	return call(err, errlen, "port_enable %s", name);
}

int port_disable(struct fcd *d, const char *name, char *err, size_t errlen)
{
	(void)d;
	return call(err, errlen, "port_disable %s", name);
}

int port_foreach(struct fcd *d, int (*cb)(const struct port_view *v, void *arg), void *arg)
{
	struct port_view v;
	int i, rc;

	(void)d;
	for (i = 0; i < model.nr_ports; i++) {
		memset(&v, 0, sizeof(v));
		snprintf(v.name, sizeof(v.name), "%s", model.ports[i]);
		snprintf(v.dev, sizeof(v.dev), "soft:test");
		v.portid = (uint16_t)(i + 1);
		v.wwnn = 0x20000090fa000001ULL;
		v.wwpn = 0x10000090fa000001ULL + (uint64_t)i;
		v.nport_id = 0x010200 + (uint32_t)i;
		v.enabled = true;
		v.link_up = true;
		v.nr_hwq = 2;
		v.refusals = 7 * (uint64_t)(i + 1);
		v.host_conflicts = 3 * (uint64_t)(i + 1);
		rc = cb(&v, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int port_host_foreach(struct fcd *d, int (*cb)(const struct host_view *v, void *arg), void *arg)
{
	/* One host connected, one refused that logged out since. */
	static struct hostlog_entry seen[2] = {
		{ .wwpn = 0x10000090fa0000aaULL,
		  .last_ms = 1000,
		  .nqns = { { "nqn.2014-08.org.nvmexpress:uuid:aa", 3, 1000 } },
		  .nr_nqns = 1 },
		{ .wwnn = 0x20000090fa0000bbULL,
		  .wwpn = 0x10000090fa0000bbULL,
		  .nport_id = 0x010400,
		  .last_ms = 1500,
		  .nqns = { { "nqn.2014-08.org.nvmexpress:uuid:bb", 2, 1500 },
			    { "nqn.2014-08.org.nvmexpress:uuid:b0", 1, 900 } },
		  .nr_nqns = 2,
		  .refusals = 2,
		  .reason = "host not allowed",
		  .subsys = "nqn.2026-11.io.x:a",
		  .status = 0x4184,
		  .refused_ms = 1500 },
	};
	struct host_view v = { .port = "p0",
			       .wwnn = 0x20000090fa0000aaULL,
			       .wwpn = 0x10000090fa0000aaULL,
			       .nport_id = 0x010300,
			       .logged_in = true,
			       .nr_assocs = 1,
			       .allowed = true,
			       .now_ms = 2000,
			       .log = &seen[0] };
	int rc;

	(void)d;
	if (model.nr_ports == 0)
		return 0;
	rc = cb(&v, arg);
	if (rc)
		return rc;
	v = (struct host_view){ .port = "p0",
				.wwnn = seen[1].wwnn,
				.wwpn = seen[1].wwpn,
				.nport_id = seen[1].nport_id,
				.now_ms = 2000,
				.log = &seen[1] };
	return cb(&v, arg);
}

int port_host_invalidate(struct fcd *d, uint64_t wwpn, char *err, size_t errlen)
{
	(void)d;
	return call(err, errlen, "host_invalidate 0x%016llx", (unsigned long long)wwpn);
}

int port_discovery_event(struct fcd *d, const char *name, char *err, size_t errlen)
{
	(void)d;
	return call(err, errlen, "discovery_event %s", name ? name : "*");
}

void port_counts(struct fcd *d, unsigned int *ports, unsigned int *up, unsigned int *threads)
{
	(void)d;
	*ports = (unsigned int)model.nr_ports;
	*up = (unsigned int)model.nr_ports;
	*threads = 2 * (unsigned int)model.nr_ports;
}

int tgt_subsys_add(struct tgt *t, const struct tgt_subsys_params *p, char *err, size_t errlen)
{
	int rc = call(err, errlen, "subsys_add %s", p->nqn);

	(void)t;
	if (rc == 0)
		snprintf(model.subsys[model.nr_subsys++], TGT_NQN_SIZE, "%s", p->nqn);
	return rc;
}

/* Remove model namespace i, its backend closed. */
static void ns_drop(int i)
{
	if (model.ns[i].be)
		backend_ops_for(model.ns[i].backend)->close(model.ns[i].be);
	memmove(&model.ns[i], &model.ns[i + 1],
		(size_t)(model.nr_ns - i - 1) * sizeof(model.ns[0]));
	model.nr_ns--;
}

int tgt_discovery_nqn_set(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "disc_nqn %s", nqn && nqn[0] ? nqn : "-");
}

int tgt_subsys_del(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	int rc = call(err, errlen, "subsys_del %s", nqn), i;

	(void)t;
	for (i = 0; rc == 0 && i < model.nr_subsys; i++)
		if (strcmp(model.subsys[i], nqn) == 0) {
			memmove(&model.subsys[i], &model.subsys[i + 1],
				(size_t)(model.nr_subsys - i - 1) * TGT_NQN_SIZE);
			model.nr_subsys--;
		}
	/* its namespaces go with it, as the core's do */
	for (i = 0; rc == 0 && i < model.nr_ns;)
		if (strcmp(model.ns[i].nqn, nqn) == 0)
			ns_drop(i);
		else
			i++;
	return rc;
}

int tgt_subsys_set(struct tgt *t, const struct tgt_subsys_params *p, uint32_t mask, char *err,
		   size_t errlen)
{
	(void)t;
	return call(err, errlen, "subsys_set %s 0x%x", p->nqn, mask);
}

int tgt_subsys_allow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			  size_t errlen)
{
	(void)t;
	return call(err, errlen, "allow_host %s %s", nqn, hostnqn);
}

int tgt_subsys_disallow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			     size_t errlen)
{
	(void)t;
	return call(err, errlen, "disallow_host %s %s", nqn, hostnqn);
}

/* DH-HMAC-CHAP keys: recorded by host (and whether two-way), never the key */
int tgt_subsys_set_dhchap(struct tgt *t, const char *nqn, const char *hostnqn, const char *key,
			  const char *ctrl_key, const struct tgt_auth_policy *pol, char *err,
			  size_t errlen)
{
	(void)t;
	return call(err, errlen, "dhchap_set %s %s%s%s", nqn, hostnqn,
		    !key       ? " none"
		    : ctrl_key ? " bidi"
			       : "",
		    pol && (pol->nhash || pol->ndh) ? " policy" : "");
}

int tgt_set_dhchap_policy(struct tgt *t, const struct tgt_auth_policy *p)
{
	(void)t;
	return call(NULL, 0, "dhchap_policy %u hashes %u groups", p ? p->nhash : 0U,
		    p ? p->ndh : 0U);
}

void tgt_subsys_clear_dhchap(struct tgt *t, const char *nqn)
{
	(void)t;
	call(NULL, 0, "dhchap_clear %s", nqn);
}

int tgt_subsys_allow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "allow_wwpn %s 0x%016llx", nqn, (unsigned long long)wwpn);
}

int tgt_subsys_disallow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err,
			     size_t errlen)
{
	(void)t;
	return call(err, errlen, "disallow_wwpn %s 0x%016llx", nqn, (unsigned long long)wwpn);
}

int tgt_subsys_export(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "export %s %u", nqn, portid);
}

int tgt_subsys_unexport(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "unexport %s %u", nqn, portid);
}

int tgt_ns_add(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen)
{
	struct backend *be = NULL;
	uint64_t size;
	int rc = call(err, errlen, "ns_add %s %u", nqn, p->nsid);

	(void)t;
	/* rbd's backend as the core gets it: opened ahead, or now */
	if (rc == 0 && p->backend == TGT_BACKEND_RBD &&
	    !backend_preopen_take(p, &be, &size, &rc, err, errlen))
		rc = backend_ops_for(p->backend)->open(p, &be, &size, err, errlen);
	if (rc == 0) {
		struct fake_ns *n = &model.ns[model.nr_ns++];

		n->be = be;

		snprintf(n->nqn, sizeof(n->nqn), "%s", nqn);
		n->nsid = p->nsid;
		n->size = p->size;
		n->enabled = !p->disabled;
		n->backend = p->backend;
		n->lba_size = p->lba_size ? p->lba_size : 512;
		n->anagrpid = p->anagrpid ? p->anagrpid : 1;
		n->readonly = p->readonly;
		n->resv = p->resv;
		n->has_uuid = p->has_uuid;
		memcpy(n->uuid, p->uuid, 16);
		n->nr_hosts = 0;
		for (unsigned int k = 0; k < p->nr_hosts; k++)
			ns_host_insert(n, p->hosts[k]);
	}
	return rc;
}

/* Keep the mask sorted, as the core does (at most FAKE_NS_HOSTS). */
static void ns_host_insert(struct fake_ns *n, const char *host)
{
	unsigned int i, pos;

	for (pos = 0; pos < n->nr_hosts; pos++) {
		int cmp = strcmp(n->hosts[pos], host);

		if (cmp == 0)
			return;
		if (cmp > 0)
			break;
	}
	if (n->nr_hosts == FAKE_NS_HOSTS)
		return;
	for (i = n->nr_hosts; i > pos; i--)
		memcpy(n->hosts[i], n->hosts[i - 1], sizeof(n->hosts[i]));
	snprintf(n->hosts[pos], sizeof(n->hosts[pos]), "%s", host);
	n->nr_hosts++;
}

int tgt_ns_resv_clear(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	int rc = call(err, errlen, "ns_resv_clear %s %u", nqn, nsid);
	struct fake_ns *n = ns_find(nqn, nsid);

	(void)t;
	if (rc == 0 && n == NULL) {
		snprintf(err, errlen, "%s has no namespace %u", nqn, nsid);
		return -ENOENT;
	}
	if (rc == 0 && !n->resv) {
		snprintf(err, errlen, "namespace %u has no reservations", nsid);
		return -EOPNOTSUPP;
	}
	return rc;
}

int tgt_ns_add_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen)
{
	int rc = call(err, errlen, "ns_add_host %s %u %s", nqn, nsid, hostnqn);
	struct fake_ns *n = ns_find(nqn, nsid);

	(void)t;
	if (rc == 0 && n != NULL)
		ns_host_insert(n, hostnqn);
	return rc;
}

int tgt_ns_del_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen)
{
	int rc = call(err, errlen, "ns_del_host %s %u %s", nqn, nsid, hostnqn);
	struct fake_ns *n = ns_find(nqn, nsid);
	unsigned int i;

	(void)t;
	for (i = 0; rc == 0 && n != NULL && i < n->nr_hosts; i++)
		if (strcmp(n->hosts[i], hostnqn) == 0) {
			memmove(n->hosts[i], n->hosts[i + 1],
				(n->nr_hosts - i - 1) * sizeof(n->hosts[0]));
			n->nr_hosts--;
			break;
		}
	return rc;
}

int tgt_ns_del(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	int rc = call(err, errlen, "ns_del %s %u", nqn, nsid), i;

	(void)t;
	for (i = 0; rc == 0 && i < model.nr_ns; i++)
		if (strcmp(model.ns[i].nqn, nqn) == 0 && model.ns[i].nsid == nsid)
			ns_drop(i);
	return rc;
}

static struct fake_ns *ns_find(const char *nqn, uint32_t nsid)
{
	int i;

	for (i = 0; i < model.nr_ns; i++)
		if (strcmp(model.ns[i].nqn, nqn) == 0 && model.ns[i].nsid == nsid)
			return &model.ns[i];
	return NULL;
}

bool fake_ns_uuid_given(const char *nqn, uint32_t nsid)
{
	struct fake_ns *n = ns_find(nqn, nsid);

	return n != NULL && n->has_uuid;
}

void fake_grow_async(bool on)
{
	grow_async = on;
}

unsigned int fake_grows_wanted(void)
{
	return grows_wanted;
}

static bool grow_waits(const char *nqn, uint32_t nsid, uint64_t size)
{
	struct fake_ns *n = ns_find(nqn, nsid);

	return grow_async && n != NULL && size > n->size;
}

int tgt_ns_resize_want(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size)
{
	(void)t;
	if (!grow_waits(nqn, nsid, size))
		return 0;
	grows_wanted++;
	return 1;
}

int tgt_ns_resize(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size, char *err,
		  size_t errlen)
{
	int rc;

	if (grow_waits(nqn, nsid, size)) {
		call(err, errlen, "ns_resize_wait %s %u %llu", nqn, nsid, (unsigned long long)size);
		snprintf(err, errlen, "growing to %llu bytes, off the control thread",
			 (unsigned long long)size);
		return -EINPROGRESS;
	}
	rc = call(err, errlen, "ns_resize %s %u %llu", nqn, nsid, (unsigned long long)size);
	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->size = size;
	return rc;
}

int tgt_ns_enable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	int rc = call(err, errlen, "ns_enable %s %u", nqn, nsid);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->enabled = true;
	return rc;
}

int tgt_ns_disable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	int rc = call(err, errlen, "ns_disable %s %u", nqn, nsid);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->enabled = false;
	return rc;
}

/* The cluster code links in too; the control tests never start it. */
int tgt_ns_recover(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "ns_recover %s %u", nqn, nsid);
}

size_t backend_rbd_addrs(uint32_t domain, char *buf, size_t len);
size_t backend_rbd_addrs(uint32_t domain, char *buf, size_t len)
{
	(void)domain;
	if (len)
		buf[0] = '\0';
	return 0;
}

void backend_rbd_fenced_all(void);
void backend_rbd_fenced_all(void)
{
}

int tgt_ns_set_ana_group(struct tgt *t, const char *nqn, uint32_t nsid, uint32_t anagrpid,
			 char *err, size_t errlen)
{
	int rc = call(err, errlen, "ns_ana %s %u %u", nqn, nsid, anagrpid);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->anagrpid = anagrpid;
	return rc;
}

int tgt_ns_set_readonly(struct tgt *t, const char *nqn, uint32_t nsid, bool readonly, char *err,
			size_t errlen)
{
	int rc = call(err, errlen, "ns_readonly %s %u %d", nqn, nsid, readonly);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->readonly = readonly;
	return rc;
}

int tgt_ns_set_direct(struct tgt *t, const char *nqn, uint32_t nsid, bool direct, char *err,
		      size_t errlen)
{
	(void)t;
	return call(err, errlen, "ns_direct %s %u %d", nqn, nsid, direct);
}

int tgt_ns_set_resv(struct tgt *t, const char *nqn, uint32_t nsid, bool on, char *err,
		    size_t errlen)
{
	(void)t;
	return call(err, errlen, "ns_resv %s %u %d", nqn, nsid, on);
}

int tgt_ana_group_add(struct tgt *t, uint32_t grpid, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "ana_add %u", grpid);
}

int tgt_ana_group_del(struct tgt *t, uint32_t grpid, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "ana_del %u", grpid);
}

int tgt_ana_set_state(struct tgt *t, uint32_t grpid, uint16_t portid, uint8_t state, char *err,
		      size_t errlen)
{
	(void)t;
	return call(err, errlen, "ana_state %u %u %u", grpid, portid, state);
}

static int referral_call(const char *op, const struct tgt_referral_params *p, char *err,
			 size_t errlen)
{
	char ports[128] = "";
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < p->nr_ports && n < sizeof(ports); i++)
		n += (size_t)snprintf(ports + n, sizeof(ports) - n, "%s%u", i ? "," : "",
				      p->ports[i]);
	return call(err, errlen, "%s %s 0x%016llx 0x%016llx %u %s %u%s", op, p->name,
		    (unsigned long long)p->node_name, (unsigned long long)p->port_name, p->portid,
		    ports, p->nr_hosts, p->treq ? " treq" : "");
}

int tgt_referral_add(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen)
{
	(void)t;
	return referral_call("referral_add", p, err, errlen);
}

int tgt_referral_set(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen)
{
	(void)t;
	return referral_call("referral_set", p, err, errlen);
}

int tgt_referral_del(struct tgt *t, const char *name, char *err, size_t errlen)
{
	(void)t;
	return call(err, errlen, "referral_del %s", name);
}

int tgt_subsys_foreach(struct tgt *t, int (*cb)(const struct tgt_subsys_info *, void *), void *arg)
{
	static const char *const hosts[] = { "nqn.2026-11.io.x:h1" };
	static const uint16_t portids[] = { 1 };
	struct tgt_subsys_info si;
	int i, rc;

	(void)t;
	for (i = 0; i < model.nr_subsys; i++) {
		memset(&si, 0, sizeof(si));
		si.nqn = model.subsys[i];
		si.serial = "SERIAL";
		si.model = "nvmetfcd";
		si.firmware = "1.0";
		si.hosts = hosts;
		si.nr_hosts = 1;
		si.portids = portids;
		si.nr_ports = 1;
		/* the fake association belongs to subsystem "a" */
		fake_io_stats(&si.stats, strcmp(si.nqn, "nqn.2026-11.io.x:a") == 0);
		rc = cb(&si, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int tgt_ns_foreach(struct tgt *t, const char *nqn, int (*cb)(const struct tgt_ns_info *, void *),
		   void *arg)
{
	const char *hosts[FAKE_NS_HOSTS];
	struct tgt_ns_info ni;
	unsigned int k;
	int i, rc;

	(void)t;
	for (i = 0; i < model.nr_ns; i++) {
		if (nqn != NULL && strcmp(nqn, model.ns[i].nqn) != 0)
			continue;
		memset(&ni, 0, sizeof(ni));
		ni.subnqn = model.ns[i].nqn;
		ni.nsid = model.ns[i].nsid;
		ni.backend = model.ns[i].backend;
		ni.size = model.ns[i].size;
		ni.lba_size = model.ns[i].lba_size;
		ni.anagrpid = model.ns[i].anagrpid;
		ni.enabled = model.ns[i].enabled;
		ni.readonly = model.ns[i].readonly;
		ni.resv = model.ns[i].resv;
		ni.resv_holder = -1;
		for (k = 0; k < model.ns[i].nr_hosts; k++)
			hosts[k] = model.ns[i].hosts[k];
		ni.hosts = hosts;
		ni.nr_hosts = model.ns[i].nr_hosts;
		/* "generated" identities, derived from the NSID */
		ni.uuid[0] = 0xaa;
		ni.uuid[15] = (uint8_t)ni.nsid;
		if (model.ns[i].has_uuid)
			memcpy(ni.uuid, model.ns[i].uuid, 16);
		ni.nguid[0] = 0xbb;
		ni.nguid[15] = (uint8_t)ni.nsid;
		ni.eui64[0] = 0xcc;
		ni.eui64[7] = (uint8_t)ni.nsid;
		ni.reads = 10 * ni.nsid;
		ni.writes = ni.nsid;
		ni.read_bytes = 4096 * ni.reads;
		ni.write_bytes = 4096 * ni.writes;
		/* one failed command more; all of 5000 ns (bucket
		 * 4608..5119): every percentile is its middle, 4864, and the
		 * maximum 5000 */
		ni.stats.cmds = ni.reads + ni.writes + 1;
		ni.stats.errors = 1;
		ni.stats.aborts = ni.nsid / 2;
		ni.stats.read_bytes = ni.read_bytes;
		ni.stats.write_bytes = ni.write_bytes;
		ni.stats.lat.n[fcnvme_hist_index(5000)] = ni.stats.cmds;
		ni.stats.lat.sum = 5000 * ni.stats.cmds;
		ni.stats.lat_max_ns = 5000;
		rc = cb(&ni, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int tgt_ctrl_foreach(struct tgt *t, int (*cb)(const struct tgt_ctrl_info *, void *), void *arg)
{
	struct tgt_ctrl_info ci = {
		.subnqn = "nqn.2026-11.io.x:a",
		.hostnqn = "nqn.2026-11.io.x:h1",
		.cntlid = 1,
		.portid = 1,
		.host_wwpn = 0x10000090fa0000aaULL,
		.association_id = FAKE_ASSOC_ID,
		.kato_ms = 5000,
		.nr_io_queues = 2,
	};

	(void)t;
	fake_io_stats(&ci.stats, 1);
	return model.nr_subsys > 0 && !model.assoc_deleted ? cb(&ci, arg) : 0;
}

int tgt_ctrl_delete(struct tgt *t, uint64_t association_id, char *err, size_t errlen)
{
	(void)t;
	if (model.nr_subsys == 0 || model.assoc_deleted || association_id != FAKE_ASSOC_ID) {
		snprintf(err, errlen, "no association 0x%016llx",
			 (unsigned long long)association_id);
		return -ENOENT;
	}
	model.assoc_deleted = true;
	return call(err, errlen, "ctrl_delete 0x%016llx", (unsigned long long)association_id);
}

int tgt_port_stats(struct tgt *t, uint16_t portid, struct tgt_io_stats *out)
{
	(void)t;
	fake_io_stats(out, portid == 1 ? 2 : 0);
	return 0;
}
