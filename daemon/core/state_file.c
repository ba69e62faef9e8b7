// SPDX-License-Identifier: Apache-2.0
/*
 * The core's files in the state directory (namespace identities, ns_id.c;
 * persistent reservations, resv_ptpl.c) are replaced atomically: written to
 * PATH.tmp (mode 0600), flushed to disk, then renamed over PATH, so a crash
 * leaves the old file or the new one, never a part. [ctl]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tgt_priv.h"

int state_file_write(const char *path, void (*print)(FILE *f, const void *arg), const void *arg)
{
	char tmp[4200];
	FILE *f;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		goto out_unlink_tmp;
	}
	print(f, arg);
	if (fflush(f) || fsync(fileno(f)))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (!rc)
		return 0;
out_unlink_tmp:
	unlink(tmp);
	return rc;
}
