// SPDX-License-Identifier: Apache-2.0
/*
 * The cluster's state object in RADOS (see cluster_store.h). [ctl]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "sdnotify.h"
#include "cluster_store.h"

#define CL_LOCK_NAME  "nvmetfcd.state"
/* The state client's op timeout, in seconds: as librados reads it (a
 * string), and in microseconds for the watchdog */
#define CL_TIMEOUT    10
#define CL_STR_(x)    #x
#define CL_STR(x)     CL_STR_(x)
#define CL_TIMEOUT_S  CL_STR(CL_TIMEOUT)
#define CL_TIMEOUT_US (CL_TIMEOUT * 1000000ULL)

/* Around each call that waits on the cluster, for at most the op timeout:
 * the control thread waiting in one is not hung, and the watchdog must not
 * say it is (sdnotify.h; a no-op on the job thread). */
static void cl_wait(void)
{
	sdnotify_wait_begin(CL_TIMEOUT_US);
}

static void cl_waited(void)
{
	sdnotify_wait_end();
}

/* [librados] Another node changed the object (or our watch broke: read
 * again either way). */
static void cl_store_watch_cb(void *arg, uint64_t notify_id, uint64_t handle, uint64_t notifier_id,
			      void *data, size_t len)
{
	struct cl_store *s = arg;

	(void)data;
	(void)len;
	(void)notifier_id;
	atomic_store_explicit(&s->changed, true, memory_order_relaxed);
	rados_notify_ack(s->io, s->object, notify_id, handle, NULL, 0);
}

static void cl_store_watch_err(void *arg, uint64_t cookie, int err)
{
	struct cl_store *s = arg;

	(void)cookie;
	(void)err;
	atomic_store_explicit(&s->changed, true, memory_order_relaxed);
}

int cl_store_open(struct cl_store *s, const struct conf_cluster *cc, int wake_fd, char *err,
		  size_t errlen)
{
	char *addrs = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	s->wake_fd = wake_fd;
	snprintf(s->object, sizeof(s->object), "%s", cc->object[0] ? cc->object : "nvmetfcd.state");
	snprintf(s->cookie, sizeof(s->cookie), "%s.%d", cc->node, (int)getpid());
	rc = rados_create(&s->rados, cc->ceph_id[0] ? cc->ceph_id : NULL);
	if (rc) {
		snprintf(err, errlen, "cluster: cannot create a ceph client: %s", strerror(-rc));
		return rc;
	}
	rc = rados_conf_read_file(s->rados, cc->ceph_conf[0] ? cc->ceph_conf : NULL);
	if (!rc && cc->keyring[0])
		rc = rados_conf_set(s->rados, "keyring", cc->keyring);
	if (!rc)
		rc = rados_conf_set(s->rados, "rados_osd_op_timeout", CL_TIMEOUT_S);
	if (!rc)
		rc = rados_conf_set(s->rados, "rados_mon_op_timeout", CL_TIMEOUT_S);
	if (!rc)
		rc = rados_conf_set(s->rados, "client_mount_timeout", CL_TIMEOUT_S);
	if (!rc)
		rc = rados_conf_set(s->rados, "log_to_stderr", "false");
	if (rc) {
		snprintf(err, errlen, "cluster: ceph config %s: %s",
			 cc->ceph_conf[0] ? cc->ceph_conf : "(default)", strerror(-rc));
		goto out_shutdown;
	}
	cl_wait();
	rc = rados_connect(s->rados);
	cl_waited();
	if (rc) {
		snprintf(err, errlen, "cluster: cannot connect to ceph: %s", strerror(-rc));
		goto out_shutdown;
	}
	cl_wait();
	rc = rados_ioctx_create(s->rados, cc->pool, &s->io);
	cl_waited();
	if (rc) {
		snprintf(err, errlen, "cluster: no pool %s: %s", cc->pool, strerror(-rc));
		goto out_shutdown;
	}
	if (!rados_getaddrs(s->rados, &addrs) && addrs) {
		snprintf(s->addrs, sizeof(s->addrs), "%s", addrs);
		free(addrs);
	}
	/* The object exists from the first node on. */
	{
		rados_write_op_t op = rados_create_write_op();

		rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, NULL);
		cl_wait();
		rc = rados_write_op_operate(op, s->io, s->object, NULL, 0);
		cl_waited();
		rados_release_write_op(op);
	}
	if (rc) {
		snprintf(err, errlen, "cluster: cannot create %s/%s: %s", cc->pool, s->object,
			 strerror(-rc));
		goto out_ioctx;
	}
	cl_wait();
	rc = rados_watch3(s->io, s->object, &s->watch, cl_store_watch_cb, cl_store_watch_err, 10,
			  s);
	cl_waited();
	if (rc) {
		snprintf(err, errlen, "cluster: cannot watch %s: %s", s->object, strerror(-rc));
		goto out_ioctx;
	}
	s->watching = true;
	return 0;

out_ioctx:
	rados_ioctx_destroy(s->io);
out_shutdown:
	rados_shutdown(s->rados);
	s->rados = NULL;
	return rc;
}

void cl_store_close(struct cl_store *s)
{
	if (!s->rados)
		return;
	cl_store_aread_cancel(s);
	if (s->watching) {
		cl_wait();
		rados_unwatch2(s->io, s->watch);
		cl_waited();
	}
	rados_ioctx_destroy(s->io);
	rados_shutdown(s->rados);
	s->rados = NULL;
}

/* Hand the entries of a page read into it to cb; after: the last key. */
static void cl_store_page(rados_omap_iter_t it, char *after, size_t len,
			  void (*cb)(const char *, const char *, void *), void *arg)
{
	char *key, *val, buf[1024];
	size_t klen, vlen;

	while (!rados_omap_get_next2(it, &key, &val, &klen, &vlen) && key) {
		if (vlen >= sizeof(buf))
			vlen = sizeof(buf) - 1;
		memcpy(buf, val, vlen);
		buf[vlen] = '\0';
		snprintf(after, len, "%.*s", (int)klen, key);
		cb(after, buf, arg);
	}
}

int cl_store_read(struct cl_store *s, void (*cb)(const char *, const char *, void *), void *arg)
{
	char after[512] = "";
	unsigned char more = 1;
	rados_omap_iter_t it;
	int rc, prval;

	while (more) {
		rados_read_op_t op = rados_create_read_op();

		more = 0;
		rados_read_op_omap_get_vals2(op, after, "", 256, &it, &more, &prval);
		cl_wait();
		rc = rados_read_op_operate(op, s->io, s->object, 0);
		cl_waited();
		if (!rc)
			rc = prval;
		if (!rc)
			cl_store_page(it, after, sizeof(after), cb, arg);
		/* the iterator exists once the op was set up, even when it
		 * failed (a fenced client: -EBLOCKLISTED) */
		rados_omap_get_end(it);
		rados_release_read_op(op);
		if (rc)
			return rc;
	}
	return 0;
}

/* [librados] A page of the asynchronous read completed: say so, then wake
 * the control thread (ar_done first: a poll that sees it may take the
 * page at once, and the write is then only a spare wake-up). */
static void cl_store_aread_cb(rados_completion_t c, void *arg)
{
	struct cl_store *s = arg;
	uint64_t one = 1;
	ssize_t n;

	(void)c;
	atomic_store_explicit(&s->ar_done, true, memory_order_release);
	n = write(s->wake_fd, &one, sizeof(one));
	(void)n; /* cannot fail on an open eventfd short of overflow */
}

/* Send the page after s->ar_after. */
static int cl_store_aread_send(struct cl_store *s)
{
	int rc;

	atomic_store_explicit(&s->ar_done, false, memory_order_relaxed);
	rc = rados_aio_create_completion2(s, cl_store_aread_cb, &s->ar_comp);
	if (rc) {
		s->ar_comp = NULL;
		return rc;
	}
	s->ar_op = rados_create_read_op();
	s->ar_more = 0;
	s->ar_prval = 0;
	rados_read_op_omap_get_vals2(s->ar_op, s->ar_after, "", 256, &s->ar_it, &s->ar_more,
				     &s->ar_prval);
	rc = rados_aio_read_op_operate(s->ar_op, s->io, s->ar_comp, s->object, 0);
	if (rc) {
		rados_omap_get_end(s->ar_it);
		rados_release_read_op(s->ar_op);
		rados_aio_release(s->ar_comp);
		s->ar_comp = NULL;
	}
	return rc;
}

/* Release the page in flight, which has completed. */
static void cl_store_aread_release(struct cl_store *s)
{
	rados_omap_get_end(s->ar_it);
	rados_release_read_op(s->ar_op);
	rados_aio_release(s->ar_comp);
	s->ar_comp = NULL;
}

int cl_store_aread_start(struct cl_store *s)
{
	if (s->ar_comp)
		return -EBUSY;
	s->ar_after[0] = '\0';
	return cl_store_aread_send(s);
}

int cl_store_aread_poll(struct cl_store *s, void (*cb)(const char *, const char *, void *),
			void *arg)
{
	int rc;

	if (!s->ar_comp)
		return -ENOENT;
	if (!atomic_load_explicit(&s->ar_done, memory_order_acquire))
		return -EINPROGRESS;
	rc = rados_aio_get_return_value(s->ar_comp);
	if (!rc)
		rc = s->ar_prval;
	if (!rc)
		cl_store_page(s->ar_it, s->ar_after, sizeof(s->ar_after), cb, arg);
	cl_store_aread_release(s);
	if (rc)
		return rc;
	if (!s->ar_more)
		return 0;
	rc = cl_store_aread_send(s);
	return rc ? rc : -EINPROGRESS;
}

bool cl_store_aread_waiting(struct cl_store *s)
{
	return s->ar_comp && !atomic_load_explicit(&s->ar_done, memory_order_acquire);
}

void cl_store_aread_cancel(struct cl_store *s)
{
	if (!s->ar_comp)
		return;
	cl_wait();
	rados_aio_wait_for_complete_and_cb(s->ar_comp);
	cl_waited();
	cl_store_aread_release(s);
}

int cl_store_get(struct cl_store *s, const char *key, char *value, size_t len)
{
	const char *keys[1] = { key };
	rados_read_op_t op = rados_create_read_op();
	rados_omap_iter_t it;
	char *k, *v;
	size_t kl, vl;
	int rc, prval;

	rados_read_op_omap_get_vals_by_keys(op, keys, 1, &it, &prval);
	cl_wait();
	rc = rados_read_op_operate(op, s->io, s->object, 0);
	cl_waited();
	if (!rc)
		rc = prval;
	if (!rc) {
		rc = -ENOENT;
		if (!rados_omap_get_next2(it, &k, &v, &kl, &vl) && k) {
			snprintf(value, len, "%.*s", (int)vl, v);
			rc = 0;
		}
		rados_omap_get_end(it);
	}
	rados_release_read_op(op);
	return rc;
}

int cl_store_set(struct cl_store *s, const char *key, const char *value)
{
	rados_write_op_t op = rados_create_write_op();
	const char *keys[1] = { key };
	size_t klen[1] = { strlen(key) };
	size_t vlen[1] = { value ? strlen(value) : 0 };
	int rc;

	if (value)
		rados_write_op_omap_set2(op, keys, &value, klen, vlen, 1);
	else
		rados_write_op_omap_rm_keys2(op, keys, klen, 1);
	cl_wait();
	rc = rados_write_op_operate(op, s->io, s->object, NULL, 0);
	cl_waited();
	rados_release_write_op(op);
	return rc;
}

int cl_store_lock(struct cl_store *s, unsigned int lease_ms)
{
	struct timeval tv = { lease_ms / 1000, (lease_ms % 1000) * 1000 };
	int rc, tries;

	for (tries = 0; tries < 50; tries++) {
		cl_wait();
		rc = rados_lock_exclusive(s->io, s->object, CL_LOCK_NAME, s->cookie,
					  "nvmetfcd state change", &tv, 0);
		cl_waited();
		if (rc != -EBUSY)
			return rc == -EEXIST ? 0 : rc;
		usleep(20000);
	}
	return -EBUSY;
}

void cl_store_unlock(struct cl_store *s)
{
	if (!s->rados) /* closed meanwhile (fenced, no new client yet) */
		return;
	cl_wait();
	rados_unlock(s->io, s->object, CL_LOCK_NAME, s->cookie);
	cl_waited();
}

void cl_store_notify(struct cl_store *s)
{
	char *reply = NULL;
	size_t len = 0;

	/* Only the wake-up matters: do not wait for slow watchers. */
	cl_wait();
	rados_notify2(s->io, s->object, "", 0, 1000, &reply, &len);
	cl_waited();
	rados_buffer_free(reply);
}

int cl_store_blocklist(struct cl_store *s, const char *addr)
{
	char cmd[512], *out = NULL, *st = NULL;
	const char *cmds[1] = { cmd };
	size_t outlen = 0, stlen = 0;
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "{\"prefix\": \"osd blocklist\", \"blocklistop\": \"add\", \"addr\": \"%s\"}",
		 addr);
	cl_wait();
	rc = rados_mon_command(s->rados, cmds, 1, "", 0, &out, &outlen, &st, &stlen);
	cl_waited();
	rados_buffer_free(out);
	rados_buffer_free(st);
	if (rc)
		return rc;
	cl_wait();
	rc = rados_wait_for_latest_osdmap(s->rados);
	cl_waited();
	return rc;
}
