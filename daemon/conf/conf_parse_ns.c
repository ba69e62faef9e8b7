// SPDX-License-Identifier: Apache-2.0
/*
 * conf_parse_ns(): one element of a subsystem's namespaces = ( ... ): the
 * options of conf_ns_opts, the allowed hosts, the backing-file path made
 * absolute, and the checks between backend and its settings. Part of
 * conf_load() (conf.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"
#include "conf_text.h"

/*
 * A relative backing-file path is taken from the directory of the file that
 * holds the setting (not the working directory, "/" under systemd) and
 * stored absolute; text without a file has no directory to take it from.
 */
static int resolve_path(struct conf_parse *p, const config_setting_t *s, char **path)
{
	char dir[PATH_MAX], real[PATH_MAX], *slash, *abs = NULL;
	const char *file = NULL;
	int line;

	if ((*path)[0] == '/')
		return 0;
	if (p->text != NULL)
		conf_text_where(p->text, (int)config_setting_source_line(s), &file, &line);
	if (file == NULL || (p->text->string && file == p->text->files[0]))
		return conf_perr(p, s, -EINVAL, "path \"%s\" is relative; give an absolute path",
				 *path);
	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (realpath(dir, real) == NULL)
		return conf_perr(p, s, -errno,
				 "path \"%s\": cannot resolve the directory of %s: %s", *path, file,
				 strerror(errno));
	if (asprintf(&abs, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", *path) < 0)
		return -ENOMEM;
	free(*path);
	*path = abs;
	return 0;
}

int conf_parse_ns(struct conf_parse *p, const config_setting_t *g, struct conf_ns *ns)
{
	static const char *const extra[] = { "hosts", NULL };
	const config_setting_t *a;
	int err;

	err = conf_opts_parse(p, g, conf_ns_opts, extra, ns, "namespace");
	if (err)
		return err;
	err = conf_member_list(p, g, "hosts", true, &a);
	if (err)
		return err;
	err = conf_parse_hosts(p, a, "namespace: ", &ns->hosts, &ns->nr_hosts);
	if (err)
		return err;
	if (ns->path != NULL &&
	    (err = resolve_path(p, config_setting_get_member(g, "path"), &ns->path)))
		return err;
	ns->line = (int)config_setting_source_line(g);
	if (ns->lba_size != 512 && ns->lba_size != 4096)
		return conf_perr(p, g, -EINVAL, "namespace: lba_size must be 512 or 4096");
	if (ns->backend == TGT_BACKEND_FILE && ns->path == NULL)
		return conf_perr(p, g, -EINVAL, "namespace: backend file needs path");
	if (ns->backend != TGT_BACKEND_FILE && ns->path != NULL)
		return conf_perr(p, g, -EINVAL, "namespace: path is only for backend file");
	if (ns->create && (ns->backend != TGT_BACKEND_FILE || ns->size == 0 || ns->readonly))
		return conf_perr(p, g, -EINVAL,
				 "namespace: create is for a writable file namespace with a size");
	if (ns->backend == TGT_BACKEND_RBD && (!ns->rbd.pool[0] || !ns->rbd.image[0]))
		return conf_perr(p, g, -EINVAL, "namespace: backend rbd needs pool and image");
	if (ns->backend != TGT_BACKEND_RBD &&
	    (ns->rbd.pool[0] || ns->rbd.image[0] || ns->rbd.rados_ns[0] || ns->rbd.conf[0] ||
	     ns->rbd.client_id[0] || ns->rbd.keyring[0] || ns->rbd.write_cache ||
	     ns->rbd.op_timeout_s))
		return conf_perr(p, g, -EINVAL,
				 "namespace: pool, image, rados_namespace, ceph_conf, ceph_id, "
				 "keyring, write_cache and op_timeout are only for backend rbd");
	if (ns->backend != TGT_BACKEND_FILE && ns->backend != TGT_BACKEND_RBD && ns->size == 0)
		return conf_perr(p, g, -EINVAL, "namespace: backend %s needs size",
				 conf_backend_names[ns->backend]);
	if (ns->size % ns->lba_size != 0)
		return conf_perr(p, g, -EINVAL, "namespace: size is not a multiple of lba_size %u",
				 ns->lba_size);
	return 0;
}
