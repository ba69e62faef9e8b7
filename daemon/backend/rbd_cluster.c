// SPDX-License-Identifier: Apache-2.0
/*
 * Shared librados clients for the rbd backend. Each rados_t costs ~16
 * threads and ~30 MB, so namespaces share one per (ceph.conf, client id,
 * keyring, cache mode, op timeout, fencing domain), refcounted; never one
 * per I/O thread. A client is created and connected on the control thread
 * with the calling thread's CPU mask narrowed to the CPUs no I/O thread is
 * pinned to, so librados' threads (which inherit it) stay off the I/O
 * cores. Its address (rados_getaddrs) is kept: that is what fencing
 * blocklists. Got and put on [ctl] and on the opening thread
 * (backend_preopen.c): the list, the references and the fenced marks are
 * under rbd_clusters_lock, held only for those (never across a call to
 * the cluster).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tgt_priv.h"
#include "rbd_priv.h"

static pthread_mutex_t rbd_clusters_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rbd_cluster *rbd_clusters; /* under rbd_clusters_lock */

static bool rbd_cluster_match(const struct rbd_cluster *cl, const struct tgt_rbd_params *p,
			      uint32_t timeout_s, uint32_t domain)
{
	return !strcmp(cl->conf, p->conf) && !strcmp(cl->client_id, p->client_id) &&
	       !strcmp(cl->keyring, p->keyring) && cl->write_cache == p->write_cache &&
	       cl->timeout_s == timeout_s && cl->domain == domain && !cl->fenced;
}

static int rbd_cluster_set(rados_t r, const char *key, const char *val, char *err, size_t errlen)
{
	int rc = rados_conf_set(r, key, val);

	if (rc)
		tgt_err(err, errlen, "ceph option %s=%s: %s", key, val, strerror(-rc));
	return rc;
}

/* Settings before connecting: credentials, the cache mode that matches
 * the VWC we report, zero-copy writes, and timeouts so that no operation
 * waits forever. */
static int rbd_cluster_configure(struct rbd_cluster *cl, char *err, size_t errlen)
{
	char t[16];
	int rc;

	rc = rados_conf_read_file(cl->rados, cl->conf[0] ? cl->conf : NULL);
	if (rc) {
		tgt_err(err, errlen, "cannot read the ceph config %s: %s",
			cl->conf[0] ? cl->conf : "($CEPH_CONF or /etc/ceph/ceph.conf)",
			strerror(-rc));
		return rc;
	}
	if (cl->keyring[0] &&
	    (rc = rbd_cluster_set(cl->rados, "keyring", cl->keyring, err, errlen)))
		return rc;
	/* Without the cache a write completes when the OSDs have it (VWC=0).
	 * With it, writes may complete before (VWC=1, Flush flushes it);
	 * never librbd's default, where one Flush silently switches from
	 * the first mode to the second. */
	rc = rbd_cluster_set(cl->rados, "rbd_cache", cl->write_cache ? "true" : "false", err,
			     errlen);
	if (!rc && cl->write_cache)
		rc = rbd_cluster_set(cl->rados, "rbd_cache_writethrough_until_flush", "false", err,
				     errlen);
	/* Writes from the request's own buffer: librbd's default copies
	 * every write into a buffer of its own (allocate + memcpy on the
	 * I/O thread: about a sixth of its CPU per 4 KiB write, bench/
	 * README.md). Zero-copy holds the completion until librados dropped
	 * its last reference to the buffer (librbd.cc create_write_raw), and
	 * the request's buffer stays unchanged until then; with the writeback
	 * cache on, librbd copies anyway (the cache keeps the data). */
	if (!rc)
		rc = rbd_cluster_set(cl->rados, "rbd_disable_zero_copy_writes", "false", err,
				     errlen);
	snprintf(t, sizeof(t), "%u", cl->timeout_s);
	if (!rc)
		rc = rbd_cluster_set(cl->rados, "rados_osd_op_timeout", t, err, errlen);
	if (!rc)
		rc = rbd_cluster_set(cl->rados, "rados_mon_op_timeout", t, err, errlen);
	if (!rc)
		rc = rbd_cluster_set(cl->rados, "client_mount_timeout", t, err, errlen);
	/* A daemon logs through its own log, not librados' files. */
	if (!rc)
		rc = rbd_cluster_set(cl->rados, "log_to_stderr", "false", err, errlen);
	return rc;
}

/* At most cpus of librados' completion threads (`librados_thread_count`,
 * Ceph's default 2, read by rados_connect): more than the CPUs they may run
 * on cannot run at once, and every hand-off between two of them is then a
 * context switch on a CPU the OSDs or the host may need. A smaller value
 * from the operator's ceph.conf stays. A tuning: when librados does not
 * give or take the value, its own stays and the client works as before. */
static void rbd_cluster_cap_threads(rados_t r, int cpus)
{
	char v[32];
	unsigned long n;
	char *end;

	if (rados_conf_get(r, "librados_thread_count", v, sizeof(v)))
		return;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || n <= (unsigned long)cpus)
		return;
	snprintf(v, sizeof(v), "%d", cpus);
	(void)rados_conf_set(r, "librados_thread_count", v);
}

/* Connect with librados' threads kept off the reserved (I/O) CPUs, and no
 * more of its completion threads than the CPUs left to them. */
static int rbd_cluster_connect(struct rbd_cluster *cl)
{
	cpu_set_t old, set;
	bool narrowed = false;
	int cpu, rc, n = 0;

	if (!pthread_getaffinity_np(pthread_self(), sizeof(old), &old)) {
		CPU_ZERO(&set);
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &old) && !backend_cpu_reserved(cpu)) {
				CPU_SET(cpu, &set);
				n++;
			}
		/* Every CPU runs an I/O thread: nothing to keep apart. */
		if (n && CPU_COUNT(&set) != CPU_COUNT(&old))
			narrowed = !pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		rbd_cluster_cap_threads(cl->rados, narrowed ? n : CPU_COUNT(&old));
	}
	rc = rados_connect(cl->rados);
	if (narrowed)
		pthread_setaffinity_np(pthread_self(), sizeof(old), &old);
	return rc;
}

/* A connected client for p in fencing domain `domain` (shared). */
int rbd_cluster_get(const struct tgt_rbd_params *p, uint32_t domain, struct rbd_cluster **out,
		    char *err, size_t errlen)
{
	uint32_t timeout_s = p->op_timeout_s ? p->op_timeout_s : RBD_DEFAULT_TIMEOUT_S;
	struct rbd_cluster *cl;
	char *addrs = NULL;
	int rc;

	pthread_mutex_lock(&rbd_clusters_lock);
	for (cl = rbd_clusters; cl; cl = cl->next) {
		if (rbd_cluster_match(cl, p, timeout_s, domain)) {
			cl->refs++;
			pthread_mutex_unlock(&rbd_clusters_lock);
			*out = cl;
			return 0;
		}
	}
	pthread_mutex_unlock(&rbd_clusters_lock);
	/* Two threads asking at once may each connect one: both work. */
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	memcpy(cl->conf, p->conf, sizeof(cl->conf));
	memcpy(cl->client_id, p->client_id, sizeof(cl->client_id));
	memcpy(cl->keyring, p->keyring, sizeof(cl->keyring));
	cl->write_cache = p->write_cache;
	cl->timeout_s = timeout_s;
	cl->domain = domain;
	rc = rados_create(&cl->rados, cl->client_id[0] ? cl->client_id : NULL);
	if (rc) {
		tgt_err(err, errlen, "cannot create a ceph client: %s", strerror(-rc));
		goto out_free_cl;
	}
	rc = rbd_cluster_configure(cl, err, errlen);
	if (rc)
		goto out_shutdown;
	rbd_cluster_wait(cl, 1);
	rc = rbd_cluster_connect(cl);
	rbd_cluster_waited();
	if (rc) {
		tgt_err(err, errlen, "cannot connect to the ceph cluster%s%s as client.%s: %s",
			cl->conf[0] ? " of " : "", cl->conf,
			cl->client_id[0] ? cl->client_id : "admin", strerror(-rc));
		goto out_shutdown;
	}
	if (!rados_getaddrs(cl->rados, &addrs) && addrs) {
		snprintf(cl->addrs, sizeof(cl->addrs), "%s", addrs);
		free(addrs);
	}
	rados_cluster_fsid(cl->rados, cl->fsid, sizeof(cl->fsid));
	cl->refs = 1;
	pthread_mutex_lock(&rbd_clusters_lock);
	cl->next = rbd_clusters;
	rbd_clusters = cl;
	pthread_mutex_unlock(&rbd_clusters_lock);
	*out = cl;
	return 0;

out_shutdown:
	rados_shutdown(cl->rados);
out_free_cl:
	free(cl);
	return rc;
}

/* Drop a reference; the last one shuts the client down. */
void rbd_cluster_put(struct rbd_cluster *cl)
{
	struct rbd_cluster **pp;

	if (!cl)
		return;
	pthread_mutex_lock(&rbd_clusters_lock);
	if (--cl->refs) {
		pthread_mutex_unlock(&rbd_clusters_lock);
		return;
	}
	for (pp = &rbd_clusters; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	pthread_mutex_unlock(&rbd_clusters_lock);
	rados_shutdown(cl->rados);
	free(cl);
}

/* This node was fenced: every client it published is blocklisted. */
void backend_rbd_fenced_all(void)
{
	struct rbd_cluster *cl;

	pthread_mutex_lock(&rbd_clusters_lock);
	for (cl = rbd_clusters; cl; cl = cl->next)
		cl->fenced = true;
	pthread_mutex_unlock(&rbd_clusters_lock);
}

bool rbd_cluster_fenced(struct rbd_cluster *cl)
{
	bool f;

	pthread_mutex_lock(&rbd_clusters_lock);
	f = cl->fenced;
	pthread_mutex_unlock(&rbd_clusters_lock);
	return f;
}

void rbd_cluster_set_fenced(struct rbd_cluster *cl)
{
	pthread_mutex_lock(&rbd_clusters_lock);
	cl->fenced = true;
	pthread_mutex_unlock(&rbd_clusters_lock);
}

/* Every live (not fenced) client's address in fencing domain `domain` (0: all), one per
 * line, for the cluster state others fence us with. Returns the length. */
size_t backend_rbd_addrs(uint32_t domain, char *buf, size_t len)
{
	const struct rbd_cluster *cl;
	size_t n = 0;
	int k;

	if (len)
		buf[0] = '\0';
	pthread_mutex_lock(&rbd_clusters_lock);
	for (cl = rbd_clusters; cl; cl = cl->next) {
		if ((domain && cl->domain != domain) || !cl->addrs[0] || cl->fenced)
			continue;
		k = snprintf(buf + n, len > n ? len - n : 0, "%s\n", cl->addrs);
		if (k > 0)
			n += (size_t)k;
	}
	pthread_mutex_unlock(&rbd_clusters_lock);
	return n;
}

/* Around a synchronous call of up to `ops` cluster operations (rbd_priv.h). */
void rbd_cluster_wait(const struct rbd_cluster *cl, unsigned int ops)
{
	backend_wait_begin((uint64_t)cl->timeout_s * ops * 1000000);
}

void rbd_cluster_waited(void)
{
	backend_wait_end();
}
