// SPDX-License-Identifier: Apache-2.0
/*
 * The fake core's namespaces (see fake_target.h): add, delete, resize,
 * enable, masking and settings, logged and kept in the model; the rbd
 * backend's addresses for the cluster code; the namespace walk the list
 * and show handlers and conf_save read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_target_priv.h"
#include "backend/backend.h"

static struct fake_ns *ns_find(const char *nqn, uint32_t nsid);
static void ns_host_insert(struct fake_ns *n, const char *host);

void fake_ns_drop(int i)
{
	if (fake_model.ns[i].be)
		backend_ops_for(fake_model.ns[i].backend)->close(fake_model.ns[i].be);
	memmove(&fake_model.ns[i], &fake_model.ns[i + 1],
		(size_t)(fake_model.nr_ns - i - 1) * sizeof(fake_model.ns[0]));
	fake_model.nr_ns--;
}

int tgt_ns_add(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen)
{
	struct backend *be = NULL;
	uint64_t size;
	int rc = fake_call(err, errlen, "ns_add %s %u", nqn, p->nsid);

	(void)t;
	/* rbd's backend as the core gets it: opened ahead, or now */
	if (rc == 0 && p->backend == TGT_BACKEND_RBD &&
	    !backend_preopen_take(p, &be, &size, &rc, err, errlen))
		rc = backend_ops_for(p->backend)->open(p, &be, &size, err, errlen);
	if (rc == 0) {
		struct fake_ns *n = &fake_model.ns[fake_model.nr_ns++];

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
	int rc = fake_call(err, errlen, "ns_resv_clear %s %u", nqn, nsid);
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
	int rc = fake_call(err, errlen, "ns_add_host %s %u %s", nqn, nsid, hostnqn);
	struct fake_ns *n = ns_find(nqn, nsid);

	(void)t;
	if (rc == 0 && n != NULL)
		ns_host_insert(n, hostnqn);
	return rc;
}

int tgt_ns_del_host(struct tgt *t, const char *nqn, uint32_t nsid, const char *hostnqn, char *err,
		    size_t errlen)
{
	int rc = fake_call(err, errlen, "ns_del_host %s %u %s", nqn, nsid, hostnqn);
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
	int rc = fake_call(err, errlen, "ns_del %s %u", nqn, nsid), i;

	(void)t;
	for (i = 0; rc == 0 && i < fake_model.nr_ns; i++)
		if (strcmp(fake_model.ns[i].nqn, nqn) == 0 && fake_model.ns[i].nsid == nsid)
			fake_ns_drop(i);
	return rc;
}

static struct fake_ns *ns_find(const char *nqn, uint32_t nsid)
{
	int i;

	for (i = 0; i < fake_model.nr_ns; i++)
		if (strcmp(fake_model.ns[i].nqn, nqn) == 0 && fake_model.ns[i].nsid == nsid)
			return &fake_model.ns[i];
	return NULL;
}

bool fake_ns_uuid_given(const char *nqn, uint32_t nsid)
{
	struct fake_ns *n = ns_find(nqn, nsid);

	return n != NULL && n->has_uuid;
}

void fake_grow_async(bool on)
{
	fake_model.grow_async = on;
}

unsigned int fake_grows_wanted(void)
{
	return fake_model.grows_wanted;
}

static bool grow_waits(const char *nqn, uint32_t nsid, uint64_t size)
{
	struct fake_ns *n = ns_find(nqn, nsid);

	return fake_model.grow_async && n != NULL && size > n->size;
}

int tgt_ns_resize_want(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size)
{
	(void)t;
	if (!grow_waits(nqn, nsid, size))
		return 0;
	fake_model.grows_wanted++;
	return 1;
}

int tgt_ns_resize(struct tgt *t, const char *nqn, uint32_t nsid, uint64_t size, char *err,
		  size_t errlen)
{
	int rc;

	if (grow_waits(nqn, nsid, size)) {
		fake_call(err, errlen, "ns_resize_wait %s %u %llu", nqn, nsid,
			  (unsigned long long)size);
		snprintf(err, errlen, "growing to %llu bytes, off the control thread",
			 (unsigned long long)size);
		return -EINPROGRESS;
	}
	rc = fake_call(err, errlen, "ns_resize %s %u %llu", nqn, nsid, (unsigned long long)size);
	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->size = size;
	return rc;
}

int tgt_ns_enable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	int rc = fake_call(err, errlen, "ns_enable %s %u", nqn, nsid);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->enabled = true;
	return rc;
}

int tgt_ns_disable(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	int rc = fake_call(err, errlen, "ns_disable %s %u", nqn, nsid);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->enabled = false;
	return rc;
}

/* The cluster code links in too; the control tests never start it. */
int tgt_ns_recover(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "ns_recover %s %u", nqn, nsid);
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
	int rc = fake_call(err, errlen, "ns_ana %s %u %u", nqn, nsid, anagrpid);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->anagrpid = anagrpid;
	return rc;
}

int tgt_ns_set_readonly(struct tgt *t, const char *nqn, uint32_t nsid, bool readonly, char *err,
			size_t errlen)
{
	int rc = fake_call(err, errlen, "ns_readonly %s %u %d", nqn, nsid, readonly);

	(void)t;
	if (rc == 0 && ns_find(nqn, nsid) != NULL)
		ns_find(nqn, nsid)->readonly = readonly;
	return rc;
}

int tgt_ns_set_direct(struct tgt *t, const char *nqn, uint32_t nsid, bool direct, char *err,
		      size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "ns_direct %s %u %d", nqn, nsid, direct);
}

int tgt_ns_set_resv(struct tgt *t, const char *nqn, uint32_t nsid, bool on, char *err,
		    size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "ns_resv %s %u %d", nqn, nsid, on);
}

int tgt_ns_foreach(struct tgt *t, const char *nqn, int (*cb)(const struct tgt_ns_info *, void *),
		   void *arg)
{
	const char *hosts[FAKE_NS_HOSTS];
	struct tgt_ns_info ni;
	unsigned int k;
	int i, rc;

	(void)t;
	for (i = 0; i < fake_model.nr_ns; i++) {
		if (nqn != NULL && strcmp(nqn, fake_model.ns[i].nqn) != 0)
			continue;
		memset(&ni, 0, sizeof(ni));
		ni.subnqn = fake_model.ns[i].nqn;
		ni.nsid = fake_model.ns[i].nsid;
		ni.backend = fake_model.ns[i].backend;
		ni.size = fake_model.ns[i].size;
		ni.lba_size = fake_model.ns[i].lba_size;
		ni.anagrpid = fake_model.ns[i].anagrpid;
		ni.enabled = fake_model.ns[i].enabled;
		ni.readonly = fake_model.ns[i].readonly;
		ni.resv = fake_model.ns[i].resv;
		ni.resv_holder = -1;
		for (k = 0; k < fake_model.ns[i].nr_hosts; k++)
			hosts[k] = fake_model.ns[i].hosts[k];
		ni.hosts = hosts;
		ni.nr_hosts = fake_model.ns[i].nr_hosts;
		/* "generated" identities, derived from the NSID */
		ni.uuid[0] = 0xaa;
		ni.uuid[15] = (uint8_t)ni.nsid;
		if (fake_model.ns[i].has_uuid)
			memcpy(ni.uuid, fake_model.ns[i].uuid, 16);
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
