// SPDX-License-Identifier: Apache-2.0
/*
 * softhbactl fabric create|destroy|list: the fabric directories under the
 * shared-memory root.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "softhbactl.h"

int shc_fabric_each(const struct shc *c, void (*fn)(const char *name, void *arg), void *arg)
{
	char path[HW_PATH_MAX + 300];
	struct dirent *de;
	struct stat st;
	int n = 0;
	DIR *d;

	d = opendir(shc_root(c));
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/fabric", shc_root(c), de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			fn(de->d_name, arg);
			n++;
		}
	}
	closedir(d);
	return n;
}

static int shc_fabric_dir(struct shc *c, const char *name, char *dir, size_t len)
{
	if (hw_fabric_path(c->root, name, dir, len))
		return shc_err(c, EINVAL,
			       "invalid fabric name '%s' (letters, digits, '-', '_', '.')", name);
	return 0;
}

int shc_fabric_create(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	char dir[HW_PATH_MAX];
	int rc;

	(void)cmd;
	(void)argc;
	if (shc_fabric_dir(c, argv[0], dir, sizeof(dir)))
		return 1;
	rc = hw_fabric_create(dir);
	if (rc == -EEXIST)
		return shc_err(c, EEXIST, "fabric '%s' already exists", argv[0]);
	if (rc && *hw_fabric_why())
		return shc_err(c, -rc, "cannot create fabric '%s': %s: %s", argv[0],
			       hw_fabric_why(), strerror(-rc));
	if (rc)
		return shc_err(c, -rc, "cannot create fabric '%s': %s", argv[0], strerror(-rc));
	return 0;
}

int shc_fabric_destroy(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	char dir[HW_PATH_MAX];
	int rc;

	(void)cmd;
	(void)argc;
	if (shc_fabric_dir(c, argv[0], dir, sizeof(dir)))
		return 1;
	rc = hw_fabric_destroy(dir);
	if (rc == -EBUSY)
		return shc_err(c, EBUSY, "fabric '%s' has running ports", argv[0]);
	if (rc == -ENOENT)
		return shc_err(c, ENOENT, "no fabric '%s'", argv[0]);
	if (rc && *hw_fabric_why())
		return shc_err(c, -rc, "cannot destroy fabric '%s': %s: %s", argv[0],
			       hw_fabric_why(), strerror(-rc));
	if (rc)
		return shc_err(c, -rc, "cannot destroy fabric '%s': %s", argv[0], strerror(-rc));
	return 0;
}

static void shc_fabric_add(const char *name, void *arg)
{
	json_object_array_add(arg, json_object_new_string(name));
}

int shc_fabric_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	(void)cmd;
	(void)argc;
	(void)argv;
	(void)shc_fabric_each(c, shc_fabric_add, a); /* no root: no fabrics */
	if (c->json) {
		shc_json_print(a);
		return 0;
	}
	for (i = 0; i < json_object_array_length(a); i++)
		printf("%s\n", json_object_get_string(json_object_array_get_idx(a, i)));
	json_object_put(a);
	return 0;
}
