// SPDX-License-Identifier: Apache-2.0
/*
 * Control handlers for the daemon itself: status, version, log level, and
 * the configuration commands (reload, save, show), plus the reply helpers
 * every handler file uses.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvme/clock.h>

#include "config.h"
#include "conf/conf.h"
#include "conf/conf_plan.h"
#include "ctl_dispatch.h"
#include "ctl_reply.h"
#include "fcd.h"
#include "log.h"
#include "port.h"
#include "sdnotify.h"
#include "core/tgt.h"

#define TEXT_CHUNK 8000 /* config show: bytes per message */

/* Send a built reply, or drop it when building failed. */
int ctl_reply_send(struct ctl_req *req, struct nl_msg *m, int put_rc)
{
	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	if (put_rc) {
		fcnvme_msg_free(m);
		return ctl_fail(req, put_rc, "reply does not fit a message");
	}
	return req->send(req->ctx, m);
}

/* An optional u8 attribute of the request. */
uint8_t ctl_opt_u8(const struct ctl_req *req, unsigned int attr, uint8_t def)
{
	uint8_t v;

	return fcnvme_msg_get_u8(req->msg, attr, &v) == 0 ? v : def;
}

static int count_ns(const struct tgt_ns_info *ni, void *arg)
{
	(void)ni;
	(*(uint32_t *)arg)++;
	return 0;
}

static int count_subsys(const struct tgt_subsys_info *si, void *arg)
{
	(void)si;
	(*(uint32_t *)arg)++;
	return 0;
}

/* status: version, uptime, object counts, log level, config file, and
 * whether the asking peer may change things. */
int ctl_status(struct ctl_req *req)
{
	struct fcd *d = req->d;
	struct nl_msg *m = ctl_reply_new(req);
	unsigned int ports = 0, up = 0, threads = 0;
	uint32_t nsubsys = 0, nns = 0;
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	port_counts(d, &ports, &up, &threads);
	tgt_subsys_foreach(d->tgt, count_subsys, &nsubsys);
	tgt_ns_foreach(d->tgt, NULL, count_ns, &nns);
	rc = fcnvme_msg_put_str(m, FCNVME_A_VERSION, PACKAGE_VERSION);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_PROTO, FCNVME_CTL_VERSION);
	if (!rc)
		rc = fcnvme_msg_put_u64(m, FCNVME_A_UPTIME_MS, fcnvme_clock_ms() - d->started_ms);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_PORTS, ports);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_SUBSYS, nsubsys);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_NS, nns);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_NR_PENDING,
					d->conf ? conf_pending_list(d->conf, NULL, 0) : 0);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_LOG_LEVEL, (uint8_t)log_getverbose());
	if (!rc && d->conf_path != NULL)
		rc = fcnvme_msg_put_str(m, FCNVME_A_PATH, d->conf_path);
	if (!rc)
		rc = fcnvme_msg_put_u8(m, FCNVME_A_PERM, req->writable);
	return ctl_reply_send(req, m, rc);
}

/* version: package and protocol version. */
int ctl_version(struct ctl_req *req)
{
	struct nl_msg *m = ctl_reply_new(req);
	int rc;

	if (m == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	rc = fcnvme_msg_put_str(m, FCNVME_A_VERSION, PACKAGE_VERSION);
	if (!rc)
		rc = fcnvme_msg_put_u32(m, FCNVME_A_PROTO, FCNVME_CTL_VERSION);
	return ctl_reply_send(req, m, rc);
}

/* log level LEVEL: change the verbosity now (kept in the config). */
int ctl_log_level(struct ctl_req *req)
{
	uint8_t level = ctl_opt_u8(req, FCNVME_A_LOG_LEVEL, FCNVME_LOG_INFO);

	log_setverbose(level);
	if (req->d->conf != NULL)
		req->d->conf->log_level = level;
	return 0;
}

/* The operations of a closed plan for the caller ("no changes" if none). */
static int reply_plan(struct ctl_req *req, const struct conf_plan *plan)
{
	static const char none[] = "no changes\n";

	if (plan->nr == 0)
		return ctl_reply_text(req, none, sizeof(none) - 1);
	return ctl_reply_text(req, plan->text, plan->len);
}

static bool in_conf_dir(const struct fcd *d, const char *path, char confdir[PATH_MAX]);

/* A FILE the daemon is asked to read or write (config reload/diff FILE,
 * config save FILE): absolute, and outside the configuration directory for
 * root (or the daemon's own user) only: the daemon runs as root, and a
 * member of the socket group must not make it read or replace any file of
 * the system. verb names the operation in the error. */
static int allowed_path(struct ctl_req *req, const char *path, const char *verb)
{
	char confdir[PATH_MAX] = "";

	if (path != NULL && path[0] != '/')
		return ctl_fail(req, -EINVAL, "%s: give an absolute path", path);
	if (path != NULL && req->uid != 0 && req->uid != geteuid() &&
	    !in_conf_dir(req->d, path, confdir))
		return ctl_fail(req, -EPERM,
				"%s: only root may %s outside the configuration directory%s%s",
				path, verb, confdir[0] ? " " : "", confdir);
	return 0;
}

/* config reload [FILE] and config diff [FILE] (config reload --dry-run):
 * plan the difference between the running configuration and the file
 * (default: the configuration file; config import names another) and,
 * unless dry_run, apply it. The caller gets the operations (that ran, or
 * would run); a real reload logs them too. */
static int config_plan_run(struct ctl_req *req, bool dry_run)
{
	const char *path = fcnvme_msg_get_str(req->msg, FCNVME_A_PATH);
	struct conf_plan plan;
	int rc, grows;

	rc = allowed_path(req, path, "read");
	if (rc)
		return rc;
	/* Images to open and namespaces to grow first, off the control
	 * thread: this request runs again once they are (preopen.h). */
	if (!dry_run) {
		rc = conf_reload_opens(req->d, path, &grows);
		if (preopen_reload_waits(rc, grows, req->resumed ? NULL : "reload"))
			return CTL_WAIT;
	}
	if (conf_plan_open(&plan, dry_run) != 0)
		return ctl_fail(req, -ENOMEM, "out of memory");
	if (!dry_run)
		sdnotify_reloading();
	rc = conf_reload_plan(req->d, path, &plan, req->err, sizeof(req->err));
	if (!dry_run)
		sdnotify_ready();
	conf_plan_close(&plan);
	if (rc == 0) {
		if (!dry_run)
			conf_plan_log(&plan);
		rc = reply_plan(req, &plan);
	} else if (!dry_run) {
		log_warnx("reload failed, running configuration kept: %s", req->err);
	}
	conf_plan_free(&plan);
	return rc;
}

int ctl_config_reload(struct ctl_req *req)
{
	return config_plan_run(req, false);
}

int ctl_config_diff(struct ctl_req *req)
{
	return config_plan_run(req, true);
}

/* The directory part of path, resolved (realpath) into out; 0 or -errno. */
static int real_dir(const char *path, char out[PATH_MAX])
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return realpath(dir, out) != NULL ? 0 : -errno;
}

/* Whether path names a file directly in the directory of the daemon's
 * configuration file (not a subdirectory, not ".."). */
static bool in_conf_dir(const struct fcd *d, const char *path, char confdir[PATH_MAX])
{
	const char *name = strrchr(path, '/');
	char dir[PATH_MAX];

	if (d->conf_path == NULL || real_dir(d->conf_path, confdir) != 0)
		return false;
	if (name == NULL || name[1] == '\0' || strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0)
		return false;
	return real_dir(path, dir) == 0 && strcmp(dir, confdir) == 0;
}

/* config save [FILE]: write the running state atomically (FILE: see
 * allowed_path). */
int ctl_config_save(struct ctl_req *req)
{
	const char *path = fcnvme_msg_get_str(req->msg, FCNVME_A_PATH);
	int rc = allowed_path(req, path, "save");

	return rc ? rc : conf_save(req->d, path, req->err, sizeof(req->err));
}

/* Send text in chunks of FCNVME_A_TEXT. */
int ctl_reply_text(struct ctl_req *req, const char *text, size_t len)
{
	char chunk[TEXT_CHUNK + 1];
	struct nl_msg *m;
	size_t off, n;
	int rc = 0;

	for (off = 0; rc == 0 && off < len; off += n) {
		n = len - off < TEXT_CHUNK ? len - off : TEXT_CHUNK;
		memcpy(chunk, text + off, n);
		chunk[n] = '\0';
		m = ctl_reply_new(req);
		rc = ctl_reply_send(req, m,
				    m != NULL ? fcnvme_msg_put_str(m, FCNVME_A_TEXT, chunk) : 0);
	}
	return rc;
}

/* config show: the running configuration, in chunks of text. */
int ctl_config_show(struct ctl_req *req)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (req->d->conf == NULL)
		return ctl_fail(req, -ENOENT, "no configuration applied");
	conf_sync_ids(req->d);
	fp = open_memstream(&text, &len);
	if (fp == NULL)
		return ctl_fail(req, -ENOMEM, "out of memory");
	conf_print(fp, req->d->conf);
	fclose(fp);
	rc = ctl_reply_text(req, text, len);
	free(text);
	return rc;
}
