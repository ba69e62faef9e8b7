// SPDX-License-Identifier: Apache-2.0
/*
 * Target core object operations: subsystem and namespace create / delete /
 * modify idempotency and errors, namespace identity persisted under the
 * state directory, growth and refused shrinking, deletion under I/O
 * (drain), subsystem and port deletion with live controllers, and the
 * read-only walks.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_harness.h"

START_TEST(test_subsys_idempotent)
{
	struct tgt_subsys_params sp = { .nqn = H_SUBNQN, .model = "M" };
	char err[128] = "";

	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	sp.model = "Other";
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, "subsystem " H_SUBNQN " exists with other settings");
	ck_assert_int_eq(tgt_subsys_set(H->t, &sp, TGT_SUBSYS_SET_MODEL, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	sp.nqn = "not-an-nqn";
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), -EINVAL);
	ck_assert(strncmp(err, "invalid subsystem NQN: ", 23) == 0);
	sp.nqn = NVME_DISC_SUBSYS_NAME;
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "the discovery NQN is reserved");
	sp.nqn = H_SUBNQN2;
	sp.serial = "012345678901234567890"; /* 21 characters */
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "serial longer than 20 characters");
	sp.serial = NULL;
	sp.cntlid_min = 5;
	sp.cntlid_max = 4;
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(tgt_subsys_del(H->t, H_SUBNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_del(H->t, H_SUBNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_del(H->t, H_SUBNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 1, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)),
			 -ENOENT);
}
END_TEST

static int count_cb(const struct tgt_subsys_info *i, void *arg)
{
	int *n = arg;

	if (*n == 0) {
		ck_assert_str_eq(i->nqn, H_SUBNQN);
		ck_assert_str_eq(i->serial, "SN123");
		ck_assert_uint_eq(i->nr_hosts, 1);
		ck_assert_str_eq(i->hosts[0], H_HOSTNQN);
		ck_assert_uint_eq(i->nr_ports, 1);
		ck_assert_uint_eq(i->portids[0], 1);
		ck_assert_uint_eq(i->nr_ns, 1);
		ck_assert(!i->allow_any_host);
	} else {
		ck_assert_str_eq(i->nqn, H_SUBNQN2);
		ck_assert_uint_eq(i->serial[16], 0); /* 16 hex digits */
		ck_assert_str_eq(i->model, TGT_DEFAULT_MODEL);
	}
	(*n)++;
	return 0;
}

static int ctrl_cb(const struct tgt_ctrl_info *i, void *arg)
{
	int *n = arg;

	ck_assert_str_eq(i->subnqn, H_SUBNQN);
	ck_assert_str_eq(i->hostnqn, H_HOSTNQN);
	ck_assert_uint_eq(i->hostid[0], 0xab);
	ck_assert_uint_eq(i->portid, 1);
	ck_assert_uint_eq(i->host_wwpn, H_HOST_WWPN);
	ck_assert_uint_eq(i->nr_io_queues, 2);
	ck_assert_uint_eq(i->kato_ms, 5000);
	ck_assert(i->ready);
	(*n)++;
	return 0;
}

static int ana_cb(const struct tgt_ana_info *i, void *arg)
{
	int *n = arg;

	ck_assert_uint_eq(i->grpid, 1);
	ck_assert_uint_eq(i->portid, *n + 1);
	ck_assert_uint_eq(i->state, *n ? NVME_ANA_INACCESSIBLE : NVME_ANA_OPTIMIZED);
	ck_assert_uint_eq(i->nr_ns, 1);
	(*n)++;
	return 0;
}

START_TEST(test_foreach_views)
{
	struct tgt_subsys_params sp2 = { .nqn = H_SUBNQN2 };
	char err[128];
	int n = 0;

	h_std_subsys();
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_foreach(H->t, count_cb, &n), 0);
	ck_assert_int_eq(n, 2);
	h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
	n = 0;
	ck_assert_int_eq(tgt_ctrl_foreach(H->t, ctrl_cb, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 2, NVME_ANA_INACCESSIBLE, err, sizeof(err)), 0);
	n = 0;
	ck_assert_int_eq(tgt_ana_foreach(H->t, ana_cb, &n), 0);
	ck_assert_int_eq(n, 2);
}
END_TEST

struct ns_seen {
	uint8_t uuid[16], nguid[16], eui64[8];
	uint64_t size, reads, writes, rbytes, wbytes;
	int n;
};

static int ns_cb(const struct tgt_ns_info *i, void *arg)
{
	struct ns_seen *s = arg;

	s->reads = i->reads;
	s->writes = i->writes;
	s->rbytes = i->read_bytes;
	s->wbytes = i->write_bytes;
	memcpy(s->uuid, i->uuid, 16);
	memcpy(s->nguid, i->nguid, 16);
	memcpy(s->eui64, i->eui64, 8);
	s->size = i->size;
	s->n++;
	return 0;
}

START_TEST(test_ns_identity_persists)
{
	char dir[] = "/tmp/check_core_stateXXXXXX", path[512], line[128];
	struct tgt_ns_params np = { .nsid = 5, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct ns_seen a = { 0 }, b = { 0 };
	char err[128];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	h_teardown();
	h_setup_dir(dir);
	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &a), 0);
	ck_assert_int_eq(a.n, 2);
	ck_assert_uint_eq(a.uuid[6] >> 4, 4); /* version 4 */
	ck_assert_uint_eq(a.uuid[8] >> 6, 2); /* variant */
	snprintf(path, sizeof(path), "%s/%s/ns5.id", dir, H_SUBNQN);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "store null 512\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert(strncmp(line, "uuid ", 5) == 0);
	ck_assert_uint_eq(strlen(line), 5 + 32 + 1);
	fclose(f);
	/* restart: same identity */
	h_teardown();
	h_setup_dir(dir);
	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &b), 0);
	ck_assert_mem_eq(a.uuid, b.uuid, 16);
	ck_assert_mem_eq(a.nguid, b.nguid, 16);
	ck_assert_mem_eq(a.eui64, b.eui64, 8);
	/* an explicit id wins; the same add again is idempotent */
	np.has_uuid = true;
	memcpy(np.uuid, b.uuid, 16);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	np.uuid[0] ^= 1;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, "namespace 5 exists with other settings");
	/* the same identity on another namespace is refused */
	np.nsid = 6;
	np.has_nguid = true;
	memcpy(np.nguid, b.nguid, 16);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EEXIST);
	ck_assert_str_eq(err, "NGUID already used by namespace 5 of " H_SUBNQN);
	snprintf(path, sizeof(path), "%s/%s/ns6.id", dir, H_SUBNQN);
	ck_assert_int_ne(access(path, F_OK), 0); /* nothing saved */
	snprintf(path, sizeof(path), "%s/%s/ns5.id", dir, H_SUBNQN);
	np.nsid = 5;
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/%s/ns1.id", dir, H_SUBNQN);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, H_SUBNQN);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* The identifiers of namespace 5, the last of the two (ns_cb keeps the
 * last one it sees). */
static void ns5_ids(struct ns_seen *out)
{
	memset(out, 0, sizeof(*out));
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, out), 0);
	ck_assert_int_eq(out->n, 2);
}

/* Identifiers are never reused for a different namespace: not after a
 * delete and add under the same NSID, not when the configuration names
 * other storage under that NSID across a restart, not after the subsystem
 * was deleted; the same namespace keeps them across restarts. */
START_TEST(test_ns_identity_not_reused)
{
	char dir[] = "/tmp/check_core_stateXXXXXX", path[512], err[256], line[4200];
	struct tgt_ns_params np = { .nsid = 5, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	struct ns_seen a, b;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	h_teardown();
	h_setup_dir(dir);
	h_std_subsys();
	snprintf(path, sizeof(path), "%s/%s/ns5.id", dir, H_SUBNQN);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ns5_ids(&a);
	/* delete + add under the same NSID: a new namespace */
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 5, err, sizeof(err)), 0);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ns5_ids(&b);
	ck_assert_mem_ne(a.uuid, b.uuid, 16);
	ck_assert_mem_ne(a.nguid, b.nguid, 16);
	ck_assert_mem_ne(a.eui64, b.eui64, 8);
	/* restart with the same storage: the same namespace */
	h_teardown();
	h_setup_dir(dir);
	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ns5_ids(&a);
	ck_assert_mem_eq(a.uuid, b.uuid, 16);
	ck_assert_mem_eq(a.nguid, b.nguid, 16);
	ck_assert_mem_eq(a.eui64, b.eui64, 8);
	/* restart with other storage under NSID 5 (a config edited while
	 * stopped): not the old namespace's identifiers; the file follows */
	h_teardown();
	h_setup_dir(dir);
	h_std_subsys();
	np.backend = TGT_BACKEND_NULL;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ns5_ids(&a);
	ck_assert_mem_ne(a.uuid, b.uuid, 16);
	ck_assert_mem_ne(a.nguid, b.nguid, 16);
	ck_assert_mem_ne(a.eui64, b.eui64, 8);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "store null 512\n");
	fclose(f);
	/* a file path is part of the storage (written escaped) */
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 5, err, sizeof(err)), 0);
	np.backend = TGT_BACKEND_FILE;
	np.path = "/tmp/check core%ns.img";
	np.create = true;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "store file 512 /tmp/check%20core%25ns.img\n");
	fclose(f);
	/* deleting the subsystem retires every namespace's identifiers */
	ck_assert_int_eq(tgt_subsys_del(H->t, H_SUBNQN, err, sizeof(err)), 0);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/%s/ns1.id", dir, H_SUBNQN);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, H_SUBNQN);
	ck_assert_int_ne(access(path, F_OK), 0);
	unlink("/tmp/check core%ns.img");
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_ns_params_and_resize)
{
	struct tgt_ns_params np = { .nsid = 0, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	char err[128];

	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "namespace id must be 1-1024");
	np.nsid = 2;
	np.lba_size = 1024;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "LBA size must be 512 or 4096");
	np.lba_size = 512;
	np.size = 0;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "a ram namespace needs a size");
	np.size = 1 << 20;
	np.path = "/tmp/x";
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN2, &np, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no subsystem " H_SUBNQN2);
	/* shrink refused, grow fine, same size no-op */
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 1, 512 << 10, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err,
			 "namespace 1 holds 1048576 bytes; shrinking to 524288 would lose data");
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 1, 4 << 20, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 1, 4 << 20, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 9, 4 << 20, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 9, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_set_ana_group(H->t, H_SUBNQN, 1, 4, err, sizeof(err)), -ENOENT);
}
END_TEST

/* read_only changes in place: data kept, writes refused at once (in-flight
 * ones complete), reads go on, Identify shows it, hosts see a changed
 * namespace; off again, writes work on the same data. A store that could
 * only be opened read-only cannot become writable in place. */
START_TEST(test_ns_readonly_in_place)
{
	uint8_t w[512], r[512], id[4096], log[4096];
	const struct nvme_id_ns *ns = (const struct nvme_id_ns *)id;
	char err[256];
	struct h_assoc *a;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	memset(w, 0x5a, sizeof(w));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 7, 1, w, 512), 0);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CHANGED_NS, 0, false, 0, 0, 4096, log), 0);
	ck_assert_int_eq(tgt_ns_set_readonly(H->t, H_SUBNQN, 1, true, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 7, 1, w, 512),
			  NVME_SC_NS_WRITE_PROTECTED | NVME_SC_DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write_zeroes, 1, 7, 1, NULL, 0),
			  NVME_SC_NS_WRITE_PROTECTED | NVME_SC_DNR);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 7, 1, r, 512), 0);
	ck_assert_mem_eq(r, w, 512);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(ns->nsattr, NVME_NS_ATTR_RO);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CHANGED_NS, 0, false, 0, 0, 4096, log), 0);
	ck_assert_uint_eq(le32toh(((const uint32_t *)log)[0]), 1);
	ck_assert_int_eq(tgt_ns_set_readonly(H->t, H_SUBNQN, 1, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(ns->nsattr, 0);
	memset(w, 0xa5, sizeof(w));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 8, 1, w, 512), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 7, 1, r, 512), 0);
	ck_assert_uint_eq(r[0], 0x5a);
	ck_assert_int_eq(tgt_ns_set_readonly(H->t, H_SUBNQN, 9, true, err, sizeof(err)), -ENOENT);
}
END_TEST

/* The open flags of this process's descriptor of path (from fdinfo). */
static int fd_flags_of(const char *path)
{
	char link[64], target[512], info[64], line[128];
	int fd, flags = -1;
	ssize_t n;
	FILE *f;

	for (fd = 0; fd < 1024 && flags < 0; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) != 0)
			continue;
		snprintf(info, sizeof(info), "/proc/self/fdinfo/%d", fd);
		f = fopen(info, "r");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "flags: %o", (unsigned int *)&flags) == 1)
				break;
		if (f != NULL)
			fclose(f);
	}
	return flags;
}

START_TEST(test_ns_readonly_store)
{
	struct tgt_ns_params np = { .nsid = 4, .backend = TGT_BACKEND_FILE, .readonly = true };
	char path[] = "/tmp/check_core_roXXXXXX", err[256];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	ck_assert_int_eq(chmod(path, 0444), 0);
	h_std_subsys();
	/* root may open anything for writing: be someone else meanwhile */
	if (geteuid() == 0)
		ck_assert_int_eq(setresuid(65534, 65534, 0), 0);
	np.path = path;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(fd_flags_of(path) & O_ACCMODE, O_RDONLY);
	ck_assert_int_eq(tgt_ns_set_readonly(H->t, H_SUBNQN, 4, false, err, sizeof(err)), -EROFS);
	ck_assert_str_eq(err, "namespace 4: its backing store could only be opened read-only, so "
			      "it cannot become writable in place; delete it and add it again");
	/* O_DIRECT on and off in place, on the same descriptor */
	ck_assert_int_eq(fd_flags_of(path) & O_DIRECT, 0);
	ck_assert_int_eq(tgt_ns_set_direct(H->t, H_SUBNQN, 4, true, err, sizeof(err)), 0);
	ck_assert_int_eq(fd_flags_of(path) & O_DIRECT, O_DIRECT);
	ck_assert_int_eq(tgt_ns_set_direct(H->t, H_SUBNQN, 4, false, err, sizeof(err)), 0);
	ck_assert_int_eq(fd_flags_of(path) & O_DIRECT, 0);
	if (getuid() != geteuid() || getuid() == 65534)
		ck_assert_int_eq(setresuid(0, 0, 0), 0);
	/* a read-only namespace on a writable store keeps it open O_RDWR */
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(fd_flags_of(path) & O_ACCMODE, O_RDWR);
	ck_assert_int_eq(tgt_ns_set_readonly(H->t, H_SUBNQN, 4, false, err, sizeof(err)), 0);
	unlink(path);
}
END_TEST

/* Deleting a namespace with a read in flight on the file backend's ring:
 * the namespace disappears at once for new commands, the read completes,
 * then the backend is closed (ASan checks the order). */
START_TEST(test_ns_delete_drains)
{
	char path[] = "/tmp/check_core_drainXXXXXX";
	struct tgt_ns_params np = { .nsid = 6, .backend = TGT_BACKEND_FILE, .size = 1 << 20 };
	struct h_assoc *a;
	struct h_req *r;
	uint8_t b[512];
	char err[128];
	int fd = mkstemp(path), n = 0;
	struct ns_seen seen = { 0 };

	ck_assert_int_ge(fd, 0);
	close(fd);
	np.path = path;
	h_std_subsys();
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_int_eq(tgt_hwq_start(H->t, 0, NULL, NULL), 0);
	r = h_req_new(a, 1, 512);
	r->cmd.rw.opcode = nvme_cmd_read;
	r->cmd.rw.nsid = htole32(6);
	memset(r->data, 0xee, 512);
	ck_assert_uint_eq(h_run(r), H_PENDING);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 6, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->ns_draining, 1);
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &seen), 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 6, 0, 1, b, 512),
			  NVME_SC_INVALID_NS | NVME_SC_DNR);
	while (!r->nr_done && n++ < 100000)
		tgt_hwq_poll(H->t, 0);
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(H->t->ns_draining, 0);
	memset(b, 0, sizeof(b));
	ck_assert_mem_eq(r->data, b, 512);
	h_req_free(r);
	tgt_hwq_stop(H->t, 0);
	/* the nsid can be reused after the drain */
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	unlink(path);
}
END_TEST

/* Statistics are counted per queue and survive the queue. */
START_TEST(test_ns_stats_fold)
{
	struct h_assoc *a;
	struct ns_seen seen = { 0 };
	uint8_t b[1024];
	char err[128];

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 0, 2, b, 1024), 0);
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 1, 0, 1, b, 512), 0);
	ck_assert_uint_eq(h_io(a, 2, nvme_cmd_read, 1, 0, 2, b, 1024), 0);
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &seen), 0);
	ck_assert_uint_eq(seen.reads, 2);
	ck_assert_uint_eq(seen.rbytes, 1536);
	ck_assert_uint_eq(seen.writes, 1);
	ck_assert_uint_eq(seen.wbytes, 1024);
	ck_assert_int_eq(tgt_subsys_disallow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(tgt_ns_foreach(H->t, H_SUBNQN, ns_cb, &seen), 0);
	ck_assert_uint_eq(seen.reads, 2);
	ck_assert_uint_eq(seen.rbytes, 1536);
	ck_assert_uint_eq(seen.writes, 1);
	ck_assert_uint_eq(seen.wbytes, 1024);
}
END_TEST

/* A command the transport never executes (its write data failed) is
 * released by req_abort, which ends the drain. */
START_TEST(test_req_abort_releases_drain)
{
	struct h_assoc *a;
	struct h_req *r;
	char err[128];

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	r = h_req_new(a, 1, 512);
	r->cmd.rw.opcode = nvme_cmd_write;
	r->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(tgt_core_ops()->req_init(H->t, &r->req), 0);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_uint_eq(H->t->ns_draining, 1);
	tgt_core_ops()->req_abort(H->t, &r->req);
	ck_assert_uint_eq(H->t->ns_draining, 0);
	ck_assert_int_eq(r->nr_done, 0);
	h_req_free(r);
}
END_TEST

/* The daemon may destroy the core without a transport teardown. */
START_TEST(test_destroy_with_live_ctrls)
{
	struct h_assoc *a;
	int q;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
	for (q = 0; q <= TGT_MAX_QID; q++)
		a->alive[q] = false; /* h_teardown leaves them to tgt */
}
END_TEST

/* A hostile NQN cannot leave the state directory. */
START_TEST(test_state_path_escaped)
{
	char dir[] = "/tmp/check_core_escXXXXXX", path[512];
	struct tgt_subsys_params sp = { .nqn = "nqn.2024-01.io.example:a/../../b" };
	struct tgt_ns_params np = { .nsid = 1, .backend = TGT_BACKEND_NULL, .size = 4096 };
	char err[128];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	h_teardown();
	h_setup_dir(dir);
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, sp.nqn, &np, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/nqn.2024-01.io.example:a%%2f..%%2f..%%2fb/ns1.id", dir);
	ck_assert_int_eq(access(path, R_OK), 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/nqn.2024-01.io.example:a%%2f..%%2f..%%2fb", dir);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_subsys_del_with_ctrls)
{
	struct h_assoc *a, *d;
	char err[128];
	uint8_t buf[2048];
	int n = 0;

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
	d = h_assoc_new(&H->tp1);
	ck_assert_uint_eq(h_connect_admin(d, NVME_DISC_SUBSYS_NAME, H_HOSTNQN, 0), 0);
	ck_assert_uint_eq(h_prop_set_cc(d, NVME_CC_ENABLE), 0);
	ck_assert_uint_eq(h_get_log(d, NVME_LOG_DISC, 0, false, 0, 0, 2048, buf), 0);
	ck_assert_uint_eq(buf[8], 2);
	ck_assert_int_eq(tgt_subsys_del(H->t, H_SUBNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	ck_assert(!a->alive[0] && !a->alive[1] && !a->alive[2]);
	ck_assert_int_eq(d->nr_delete, 0);
	ck_assert_int_eq(
		tgt_subsys_foreach(H->t, (int (*)(const struct tgt_subsys_info *, void *))count_cb,
				   &n),
		0);
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(h_get_log(d, NVME_LOG_DISC, 0, false, 0, 0, 2048, buf), 0);
	ck_assert_uint_eq(buf[8], 1);
	/* recreate the same NQN */
	h_std_subsys();
}
END_TEST

START_TEST(test_port_del_and_unexport)
{
	struct h_assoc *a;
	char err[128];

	h_std_subsys();
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_int_eq(tgt_subsys_unexport(H->t, H_SUBNQN, 2, err, sizeof(err)), 0);
	ck_assert_int_eq(a->nr_delete, 0);
	H->nr_disc_chg = 0;
	ck_assert_int_eq(tgt_subsys_unexport(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	ck_assert_int_eq(H->nr_disc_chg, 1);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_int_eq(tgt_port_del(H->t, 1), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	ck_assert_int_eq(tgt_port_del(H->t, 1), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 1, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no port with id 1");
	ck_assert_int_eq(tgt_port_add(H->t, 2, &H->tp1, "x"), -EEXIST);
	ck_assert_int_eq(tgt_port_add(H->t, 3, &H->tp2, "x"), -EEXIST);
	ck_assert_int_eq(tgt_port_add(H->t, 1, &H->tp1, "p1"), 0);
	ck_assert_int_eq(tgt_port_add(H->t, 1, &H->tp1, "p1"), 0);
}
END_TEST

static int port_env_hwq_calls;

static int port_env_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)env;
	(void)hwqid;
	port_env_hwq_calls++;
	fn(arg);
	return 0;
}

static int port_env_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	fn(arg);
	return 0;
}

static const struct nvmet_fc_env_ops port_env = {
	.run_on_hwq = port_env_hwq,
	.run_on_ctl = port_env_ctl,
};

/* A deleted port keeps routing its queues' work through its own env until
 * the transport destroys them. */
START_TEST(test_port_del_keeps_env)
{
	struct h_assoc *a;
	struct h_req *r;

	h_std_subsys();
	ck_assert_int_eq(tgt_port_set_env(H->t, 1, &port_env, NULL), 0);
	ck_assert_int_eq(tgt_port_set_env(H->t, 9, &port_env, NULL), -ENOENT);
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	ck_assert_int_gt(port_env_hwq_calls, 0);
	H->defer_delete = true;
	ck_assert_int_eq(tgt_port_del(H->t, 1), 0);
	ck_assert_int_eq(a->nr_delete, 1);
	port_env_hwq_calls = 0;
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_keep_alive;
	ck_assert_uint_eq(h_run(r), NVME_SC_ABORT_REQ);
	ck_assert_int_eq(port_env_hwq_calls, 1);
	h_req_free(r);
	h_assoc_teardown(a);
	ck_assert(!a->alive[0]);
}
END_TEST

/* Destroying the core while namespace messages still wait for ring space
 * (t->retry): namespace 1 hidden with the hwq ring full, then the
 * association torn down (its I/O queue destroyed with messages to it
 * pending). tgt_destroy acknowledges them as if they had run: the
 * hidden namespace's drain ends and it is closed, the destroyed queue is
 * freed (found by fuzz_core_cmd: LeakSanitizer; before, both leaked). */
START_TEST(test_destroy_drops_retried_msgs)
{
	struct h_assoc *a;
	char err[128];

	h_std_subsys();
	h_be_use(1, false);
	a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	H->fail_hwq = 1000;
	ck_assert_int_eq(tgt_ns_disable(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(H->t->retry);
	h_assoc_teardown(a);
	ck_assert(!a->alive[1]);
	h_be.closes = 0;
	h_teardown();
	ck_assert_uint_eq(h_be.closes, 1);
	h_setup(); /* for the fixture's teardown */
}
END_TEST

static uint16_t be_pending(struct nvmet_fc_req *req, enum backend_op op)
{
	(void)req;
	(void)op;
	return BE_PENDING;
}

/* Namespace 1 on the test backend, which holds every submission; a ready
 * controller with I/O queue 1 (its association to *a); a 512-byte Write
 * there that the backend holds; then namespace 1 hidden, its drain
 * waiting for that Write. Returns the Write. */
static struct h_req *hidden_under_write(struct h_assoc **a)
{
	struct h_req *w;
	char err[128];

	h_std_subsys();
	h_be_use(1, false);
	h_be.decide = be_pending;
	*a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	w = h_req_new(*a, 1, 512);
	w->cmd.rw.opcode = nvme_cmd_write;
	w->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(h_run(w), H_PENDING);
	ck_assert_int_eq(tgt_ns_disable(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	return w;
}

/* Namespace 1 hidden under a Write the backend holds: its drain ends when
 * the Write completes. That completion finds the control thread's ring
 * full: the ack waits for the next tick, not for the queue's next
 * completion (none comes: the drain never ended, the namespace could never
 * be enabled again; found by fuzz_core_cmd, LeakSanitizer). */
START_TEST(test_drain_ack_ring_full)
{
	struct h_assoc *a;
	struct h_req *r;
	char err[128];

	r = hidden_under_write(&a);
	ck_assert_int_eq(tgt_ns_enable(H->t, H_SUBNQN, 1, err, sizeof(err)), -EBUSY);
	H->fail_ctl = 1;
	ck_assert_int_eq(h_be.nr_held, 1);
	h_be_complete(0, 0);
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_int_eq(H->fail_ctl, 0); /* the ack found the ring full */
	ck_assert_int_eq(tgt_ns_enable(H->t, H_SUBNQN, 1, err, sizeof(err)), -EBUSY);
	tgt_timer_tick(H->t);
	ck_assert_int_eq(tgt_ns_enable(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	h_req_free(r);
}
END_TEST

/* An I/O queue connecting while a hidden namespace drains (a Write in
 * the backend) does not get it in its view: it answers Invalid Namespace
 * there. (It did: the namespace counts as published until drained; after
 * a removal freed it, that queue's view pointed at freed memory; found by
 * fuzz_core_cmd, AddressSanitizer.) */
START_TEST(test_connect_during_drain)
{
	struct h_assoc *a;
	struct h_req *w, *r;
	char err[128];

	w = hidden_under_write(&a);
	h_queue_new(a, 2, 127);
	ck_assert_uint_eq(h_connect_io(a, 2, H_SUBNQN, H_HOSTNQN, 127), 0);
	r = h_req_new(a, 2, 512);
	r->cmd.rw.opcode = nvme_cmd_read;
	r->cmd.rw.nsid = htole32(1);
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_NS | NVME_SC_DNR);
	ck_assert_int_eq(h_be.nr_held, 1);
	h_be_complete(0, 0);
	ck_assert_uint_eq(h_status(w), 0);
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	h_req_free(w);
	h_req_free(r);
}
END_TEST

Suite *core_ns_suite(void)
{
	Suite *s = suite_create("core_ns");
	TCase *tc = tcase_create("objects");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_subsys_idempotent);
	tcase_add_test(tc, test_foreach_views);
	tcase_add_test(tc, test_ns_identity_persists);
	tcase_add_test(tc, test_ns_identity_not_reused);
	tcase_add_test(tc, test_ns_params_and_resize);
	tcase_add_test(tc, test_ns_readonly_in_place);
	tcase_add_test(tc, test_ns_readonly_store);
	tcase_add_test(tc, test_ns_delete_drains);
	tcase_add_test(tc, test_req_abort_releases_drain);
	tcase_add_test(tc, test_ns_stats_fold);
	tcase_add_test(tc, test_destroy_with_live_ctrls);
	tcase_add_test(tc, test_state_path_escaped);
	tcase_add_test(tc, test_subsys_del_with_ctrls);
	tcase_add_test(tc, test_port_del_and_unexport);
	tcase_add_test(tc, test_port_del_keeps_env);
	tcase_add_test(tc, test_destroy_drops_retried_msgs);
	tcase_add_test(tc, test_drain_ack_ring_full);
	tcase_add_test(tc, test_connect_during_drain);
	suite_add_tcase(s, tc);
	return s;
}
