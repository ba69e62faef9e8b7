// SPDX-License-Identifier: Apache-2.0
/*
 * rbd_gate.so, for the Ceph e2e tests: preloaded (LD_PRELOAD) into one
 * nvmetfcd, it holds that process's calls of librbd's rbd_open and
 * rbd_get_size while the file named by $RBD_GATE exists, as a cluster that
 * does not answer would hold them. A frozen OSD holds every call of every
 * process alike; the gate holds one process's image opens and sizes only,
 * from the moment the test creates the file, so a test can freeze exactly
 * the call it means (the size read after a header change, the open of a
 * fenced namespace's new client) and nothing else (the cluster state's
 * reads, the other node). Each call that waits appends one line to
 * $RBD_GATE.log, "FUNCTION held on thread NAME", so the test can tell on
 * which thread the call waited. While $RBD_GATE.fail exists, rbd_open
 * fails with -EIO instead of opening (logged as "rbd_open failed on
 * thread NAME"), as an image the cluster cannot open would. Built without
 * sanitizers: it is preloaded into the libtool wrapper's shell too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

/* "$RBD_GATE<suffix>" in path: 1, or 0 when RBD_GATE is not set. */
static int rbd_gate_path(const char *suffix, char *path, size_t len)
{
	const char *gate = getenv("RBD_GATE");

	if (!gate || !*gate)
		return 0;
	snprintf(path, len, "%s%s", gate, suffix);
	return 1;
}

/* Whether "$RBD_GATE<suffix>" exists (its path in path). */
static int rbd_gate_file(const char *suffix, char *path, size_t len)
{
	return rbd_gate_path(suffix, path, len) && !access(path, F_OK);
}

/* Append "FUNCTION WHAT on thread NAME" to the gate's log. */
static void rbd_gate_log(const char *fn, const char *what)
{
	char name[16] = "?", line[128], log[4096];
	int fd, n;

	if (!rbd_gate_path(".log", log, sizeof(log)))
		return;
	pthread_getname_np(pthread_self(), name, sizeof(name));
	n = snprintf(line, sizeof(line), "%s %s on thread %s\n", fn, what, name);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			fprintf(stderr, "rbd_gate: cannot write %s\n", log);
		close(fd);
	}
}

/* Wait while the gate file exists, saying so once in its log. */
static void rbd_gate_hold(const char *fn)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char gate[4096];

	if (!rbd_gate_file("", gate, sizeof(gate)))
		return;
	rbd_gate_log(fn, "held");
	while (!access(gate, F_OK))
		nanosleep(&ts, NULL);
}

int rbd_open(rados_ioctx_t io, const char *name, rbd_image_t *image, const char *snap_name)
{
	int (*next)(rados_ioctx_t, const char *, rbd_image_t *, const char *);

	*(void **)&next = dlsym(RTLD_NEXT, "rbd_open");
	if (!next)
		return -38; /* -ENOSYS: not preloaded into a librbd user */
	char fail[4096];

	rbd_gate_hold("rbd_open");
	if (rbd_gate_file(".fail", fail, sizeof(fail))) {
		rbd_gate_log("rbd_open", "failed");
		return -EIO;
	}
	return next(io, name, image, snap_name);
}

int rbd_get_size(rbd_image_t image, uint64_t *size)
{
	int (*next)(rbd_image_t, uint64_t *);

	*(void **)&next = dlsym(RTLD_NEXT, "rbd_get_size");
	if (!next)
		return -38;
	rbd_gate_hold("rbd_get_size");
	return next(image, size);
}
