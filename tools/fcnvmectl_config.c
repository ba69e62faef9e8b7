// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl: the configuration commands' own words before the grammar
 * sees them:
 *   config reload [FILE] --dry-run -> config diff [FILE] (config-diff: the
 *                               operations a reload would run, none run)
 *   config diff FILE         -> FILE made absolute (the daemon resolves
 *                               paths from its own working directory)
 *   config export            -> config show, printed as JSON
 *   config import FILE.json  -> config reload TMP, TMP the JSON converted
 *                               to libconfig text (fcnvmectl_confjson.c)
 *                               in a private temporary file, removed after
 *   config from-nvmetcli ... -> run here, nothing sent
 *                               (fcnvmectl_nvmetcli.c)
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/err.h>

#include "fcnvmectl.h"

static int import_tmp(struct ctl_config_cli *cc, const char *json, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	FILE *fp;
	int fd, rc;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	snprintf(cc->tmp, sizeof(cc->tmp), "%s/fcnvmectl-import.XXXXXX", dir);
	fd = mkstemp(cc->tmp);
	if (fd < 0) {
		rc = -errno;
		cc->tmp[0] = '\0';
		return fcnvme_err(err, errlen, rc, "%s: %s", cc->tmp, strerror(-rc));
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		close(fd);
		return fcnvme_err(err, errlen, -ENOMEM, "out of memory");
	}
	rc = ctl_conf_from_json(json, fp, err, errlen);
	if (fclose(fp) != 0 && rc == 0)
		rc = fcnvme_err(err, errlen, -EIO, "%s: %s", cc->tmp, strerror(errno));
	return rc;
}

int ctl_config_args(int *argc, char **argv, struct ctl_config_cli *cc, char *err, size_t errlen)
{
	memset(cc, 0, sizeof(*cc));
	if (*argc < 2 || strcmp(argv[0], "config") != 0)
		return 0;
	if (!strcmp(argv[1], "reload")) {
		int i, o = 2;

		for (i = 2; i < *argc; i++) {
			if (!strcmp(argv[i], "--dry-run"))
				argv[1] = (char *)"diff";
			else
				argv[o++] = argv[i];
		}
		argv[o] = NULL;
		*argc = o;
	}
	if (*argc == 3 && (!strcmp(argv[1], "diff") || !strcmp(argv[1], "reload"))) {
		if (argv[2][0] != '/' && realpath(argv[2], cc->abs) != NULL)
			argv[2] = cc->abs;
	} else if (*argc == 2 && !strcmp(argv[1], "export")) {
		argv[1] = (char *)"show";
		cc->json = true;
	} else if (!strcmp(argv[1], "from-nvmetcli")) {
		cc->nvmetcli = argv + 2;
		cc->nvmetcli_argc = *argc - 2;
	} else if (*argc == 3 && !strcmp(argv[1], "import")) {
		cc->import = argv[2];
		if (import_tmp(cc, argv[2], err, errlen) != 0)
			return -EINVAL;
		argv[1] = (char *)"reload";
		argv[2] = cc->tmp;
	}
	return 0;
}

void ctl_config_done(struct ctl_config_cli *cc, char *err, size_t errlen)
{
	char keep[600], *at;
	size_t n;

	if (cc->tmp[0] == '\0')
		return;
	unlink(cc->tmp);
	/* the daemon's message names the temporary file: name the JSON */
	at = err != NULL ? strstr(err, cc->tmp) : NULL;
	if (at == NULL)
		return;
	n = strlen(cc->tmp);
	snprintf(keep, sizeof(keep), "%.*s%s (converted to libconfig)%s", (int)(at - err), err,
		 cc->import, at + n);
	snprintf(err, errlen, "%s", keep);
	cc->tmp[0] = '\0';
}
