// SPDX-License-Identifier: Apache-2.0
/*
 * conf_save(): write the running configuration — d->conf with namespace
 * identities (UUID, NGUID, EUI-64) refreshed from the NVMe core so that
 * generated ones are kept — atomically: a temporary file in the target's
 * directory, fsync, rename over the target, fsync of the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "fcd.h"
#include "core/tgt.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int sync_ns(const struct tgt_ns_info *ni, void *arg)
{
	struct fcd *d = arg;
	struct conf_subsys *cs = conf_subsys_find(d->conf, ni->subnqn);
	struct conf_ns *ns = cs != NULL ? conf_ns_find(cs, ni->nsid) : NULL;

	if (ns == NULL)
		return 0;
	if (!all_zero(ni->uuid, 16)) {
		memcpy(ns->uuid, ni->uuid, 16);
		ns->has_uuid = true;
	}
	if (!all_zero(ni->nguid, 16)) {
		memcpy(ns->nguid, ni->nguid, 16);
		ns->has_nguid = true;
	}
	if (!all_zero(ni->eui64, 8)) {
		memcpy(ns->eui64, ni->eui64, 8);
		ns->has_eui64 = true;
	}
	return 0;
}

/* Copy the namespace identities in use into d->conf. */
void conf_sync_ids(struct fcd *d)
{
	if (d->conf != NULL && d->tgt != NULL)
		tgt_ns_foreach(d->tgt, NULL, sync_ns, d);
}

/* Save the running configuration atomically. */
int conf_save(struct fcd *d, const char *path, char *err, size_t errlen)
{
	char tmp[4096], dir[4096];
	FILE *fp;
	int fd, dfd, rc;

	if (path == NULL)
		path = d->conf_path;
	if (path == NULL || d->conf == NULL) {
		snprintf(err, errlen, "no configuration file to save to");
		return -EINVAL;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	conf_sync_ids(d);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create a temporary file next to %s: %s", path,
			 strerror(errno));
		return rc;
	}
	fchmod(fd, 0640);
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		rc = -errno;
		close(fd);
		goto out_unlink;
	}
	rc = conf_print(fp, d->conf);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = -errno;
	if (fclose(fp) != 0 && rc == 0)
		rc = -errno;
	if (rc)
		goto out_unlink;
	if (rename(tmp, path) != 0) {
		rc = -errno;
		goto out_unlink;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;

out_unlink:
	snprintf(err, errlen, "%s: cannot write: %s", path, strerror(-rc));
	unlink(tmp);
	return rc;
}
