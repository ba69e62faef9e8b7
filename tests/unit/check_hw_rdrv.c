// SPDX-License-Identifier: Apache-2.0
/*
 * The remote-driver side of a softhba-vmport port (hw_rdrv.c,
 * hw_ivshmem_client.c): the probe a driver runs before trusting the region
 * (a good layout passes; every field that places memory, pushed outside
 * the region, is refused; seeded random corruption of the BAR either is
 * refused or leaves every ring, the XRI table and the window inside the
 * region), the ivshmem client against the port server's greeting (ids,
 * vectors, the mapping, doorbells reaching the server's eventfds, a bad
 * version refused) and the heartbeat watchdog. HW_TEST_SEED=N repeats a run.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/clock.h>

#include "check_hw.h"
#include "hw_ivshmem_client.h"
#include "hw_priv.h"
#include "hw_vmport_ivshmem.h"

static unsigned int seed;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

/* A remote-driver region as softhba-vmport lays it out (2 hw queues). */
static void *region(uint64_t *len)
{
	struct hw_dev_cfg c = {
		.nr_hwq = 2,
		.nr_xri = 64,
		.cq_entries = 256,
		.dma_size = 1 << 20,
		.flags = HW_BAR_F_REMOTE,
		.fw_peer_id = 1,
	};
	struct hw_bar tmp, *b;
	void *base;

	memset(&tmp, 0, sizeof(tmp));
	*len = hw_dev_layout(&c, &tmp, NULL);
	ck_assert_uint_ne(*len, 0);
	base = aligned_alloc(4096, *len);
	ck_assert_ptr_nonnull(base);
	memset(base, 0, *len);
	b = base;
	ck_assert_uint_eq(hw_dev_layout(&c, b, base), *len);
	b->version = HW_BAR_VERSION;
	b->bar_size = 4096;
	b->region_size = *len;
	b->slot = 3;
	b->nr_hwq = 2;
	b->flags = HW_BAR_F_REMOTE;
	b->fw_peer_id = 1;
	b->nr_vectors = 3;
	b->magic = HW_BAR_MAGIC;
	return base;
}

/* Inside [0, len) and not over the BAR page. */
static void ring_inside(const struct hw_ring *r, uint64_t len)
{
	ck_assert_uint_ge(r->off, sizeof(struct hw_bar));
	ck_assert_uint_le(r->off + (uint64_t)r->entries * r->esize, len);
	ck_assert_uint_eq(r->entries & (r->entries - 1), 0);
}

START_TEST(test_rdrv_probe)
{
	struct hw_bar geo, *b;
	uint64_t len;
	void *base = region(&len);

	b = base;
	ck_assert_int_eq(hw_rdrv_probe(base, len, 3, &geo), 0);
	ck_assert_mem_eq(&geo.mq, &b->mq, sizeof(geo.mq));
	ck_assert_uint_eq(geo.slot, 3);
	/* the nvec QEMU got must match; 0 skips that check */
	ck_assert_int_eq(hw_rdrv_probe(base, len, 0, &geo), 0);
	ck_assert_int_eq(hw_rdrv_probe(base, len, 4, &geo), -EPROTO);
	/* a shorter mapping than the region says */
	ck_assert_int_eq(hw_rdrv_probe(base, len / 2, 3, &geo), -EPROTO);
	ck_assert_int_eq(hw_rdrv_probe(base, 100, 3, &geo), -EPROTO);
	/* not a power of two: not a BAR */
	ck_assert_int_eq(hw_rdrv_probe(base, len - 4096, 3, &geo), -EPROTO);

#define REFUSED(stmt)                                                         \
	do {                                                                  \
		struct hw_bar save = *b;                                      \
		stmt;                                                         \
		ck_assert_int_eq(hw_rdrv_probe(base, len, 0, &geo), -EPROTO); \
		memcpy(b, &save, sizeof(save));                               \
	} while (0)
	REFUSED(b->magic = 0);
	REFUSED(b->version++);
	REFUSED(b->flags = 0); /* a local driver's port */
	REFUSED(b->region_size = len * 2);
	REFUSED(b->nr_hwq = 0);
	REFUSED(b->nr_hwq = HW_MAX_HWQ + 1);
	REFUSED(b->nr_vectors = 2);
	REFUSED(b->dma_off = len + 1);
	REFUSED(b->dma_size = len);
	REFUSED(b->dma_size = 0);
	REFUSED(b->xri_off = len - 16);
	REFUSED(b->nr_xri = 0xffffffffu);
	REFUSED(b->slot = HW_MAX_PORTS);
	REFUSED(b->mq.off = len);
	REFUSED(b->mq.off = 0); /* over the BAR */
	REFUSED(b->deq.entries = 3);
	REFUSED(b->deq.entries = 0);
	REFUSED(b->deq.esize = HW_EQE_SIZE / 2);
	REFUSED(b->wq[1].off = len - HW_WQE_SIZE);
	REFUSED(b->wq[0].esize = HW_WQE_SIZE * 2);
	REFUSED(b->cq[1].entries = 1u << 31);
	REFUSED(b->cq[1].off = (uint64_t)-4096);
	/* a ring of another hw queue than the region has is not looked at */
	b->wq[2].off = (uint64_t)-1;
	ck_assert_int_eq(hw_rdrv_probe(base, len, 0, &geo), 0);
	free(base);
}
END_TEST

/* Seeded corruption of the BAR: refused, or everything inside. */
START_TEST(test_rdrv_probe_random)
{
	struct hw_bar geo, save;
	uint64_t len;
	void *base = region(&len);
	unsigned int i, k, ok = 0, q;

	memcpy(&save, base, sizeof(save));
	for (i = 0; i < 20000; i++) {
		uint8_t *p = base;

		memcpy(base, &save, sizeof(save));
		for (k = 0; k < 1 + rnd() % 3; k++)
			p[rnd() % sizeof(struct hw_bar)] ^= (uint8_t)(1u << (rnd() % 8));
		if (hw_rdrv_probe(base, len, 0, &geo))
			continue;
		ok++;
		ck_assert_uint_eq(geo.region_size, len);
		ck_assert_uint_le(geo.dma_off + geo.dma_size, len);
		ck_assert_uint_le(geo.xri_off + (uint64_t)geo.nr_xri * sizeof(struct hw_xri), len);
		ck_assert_uint_lt(geo.slot, HW_MAX_PORTS);
		ck_assert_uint_eq(geo.nr_vectors, 1u + geo.nr_hwq);
		ring_inside(&geo.mq, len);
		ring_inside(&geo.deq, len);
		for (q = 0; q < geo.nr_hwq; q++) {
			ring_inside(&geo.wq[q], len);
			ring_inside(&geo.cq[q], len);
		}
	}
	/* flips of fields that do not place memory (counters, names) pass */
	ck_assert_uint_gt(ok, 0);
	free(base);
}
END_TEST

/* The port server's side of a connection: the greeting of
 * hw_vmport_ivshmem_greet, version as given (-1: accept and say nothing,
 * as a stopped server whose socket still accepts). */
struct srv {
	int lsock, shm, version;
	int fw[3], gu[3];
	_Atomic int conn; /* the accepted connection, -1 before */
};

static void *srv_run(void *arg)
{
	struct srv *s = arg;
	struct hw_vmport_ivshmem_peer peers[2] = {
		{ .id = 1, .nr = 3, .efd = s->fw },
		{ .id = 0, .nr = 3, .efd = s->gu },
	};
	int c = accept(s->lsock, NULL, NULL);

	if (c < 0)
		return NULL;
	atomic_store(&s->conn, c);
	if (s->version > 0)
		(void)hw_vmport_ivshmem_send(c, s->version, -1);
	else if (s->version < 0)
		; /* mute */
	else
		(void)hw_vmport_ivshmem_greet(c, 0, s->shm, peers, 2);
	/* keep it open until the client is done with the greeting */
	{
		char b;

		(void)!read(c, &b, 1);
	}
	close(c);
	return NULL;
}

static void srv_start(struct srv *s, const char *path, void *base, uint64_t len, int version,
		      pthread_t *t)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int i;

	s->version = version;
	atomic_init(&s->conn, -1);
	s->shm = memfd_create("rdrv-test", MFD_CLOEXEC);
	ck_assert_int_ge(s->shm, 0);
	ck_assert_int_eq(write(s->shm, base, len), (ssize_t)len);
	for (i = 0; i < 3; i++) {
		s->fw[i] = eventfd(0, EFD_NONBLOCK);
		s->gu[i] = eventfd(0, EFD_NONBLOCK);
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	s->lsock = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(s->lsock, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(s->lsock, 1), 0);
	ck_assert_int_eq(pthread_create(t, NULL, srv_run, s), 0);
}

static void srv_stop(struct srv *s, const char *path, pthread_t t)
{
	int i;

	pthread_join(t, NULL);
	close(s->lsock);
	close(s->shm);
	for (i = 0; i < 3; i++) {
		close(s->fw[i]);
		close(s->gu[i]);
	}
	unlink(path);
}

START_TEST(test_ivshmem_client)
{
	char path[64];
	struct hw_ivshmem_client c;
	struct srv s;
	pthread_t t;
	uint64_t len, v;
	void *base = region(&len);
	uint64_t t0, ms;
	unsigned int i;

	snprintf(path, sizeof(path), "/tmp/check_hw_rdrv.%d.sock", (int)getpid());
	srv_start(&s, path, base, len, 0, &t);
	ck_assert_int_eq(hw_ivshmem_client_open(&c, path), 0);
	ck_assert_int_eq(c.my_id, 0);
	ck_assert_int_eq(c.fw_id, 1);
	ck_assert_uint_eq(c.nvec, 3);
	ck_assert_uint_eq(c.len, len);
	/* the same memory: the client's mapping shows the region */
	ck_assert_mem_eq(c.base, base, sizeof(struct hw_bar));
	ck_assert_int_eq(hw_rdrv_probe(c.base, c.len, c.nvec, &(struct hw_bar){ 0 }), 0);
	/* a doorbell of vector i is a write to the server's eventfd i */
	for (i = 0; i < 3; i++) {
		hw_ivshmem_client_ring(&c, i);
		hw_ivshmem_client_ring(&c, i);
		ck_assert_int_eq(read(s.fw[i], &v, sizeof(v)), sizeof(v));
		ck_assert_uint_eq(v, 2);
	}
	hw_ivshmem_client_ring(&c, 3); /* no such vector: nothing */
	/* the server's interrupt of vector 0 is our eventfd 0 */
	v = 5;
	ck_assert_int_eq(write(s.gu[0], &v, sizeof(v)), sizeof(v));
	ck_assert_int_eq(read(c.irq_efd[0], &v, sizeof(v)), sizeof(v));
	ck_assert_uint_eq(v, 5);
	hw_ivshmem_client_close(&c);
	ck_assert_int_eq(c.sock, -1);
	srv_stop(&s, path, t);

	/* a protocol version we do not speak */
	srv_start(&s, path, base, len, 2, &t);
	ck_assert_int_eq(hw_ivshmem_client_open(&c, path), -EPROTO);
	hw_ivshmem_client_close(&c);
	srv_stop(&s, path, t);
	/* accepted, no greeting: given up after HW_IVSHMEM_GREET_MS */
	srv_start(&s, path, base, len, -1, &t);
	t0 = fcnvme_clock_ms();
	ck_assert_int_eq(hw_ivshmem_client_open(&c, path), -EAGAIN);
	ms = fcnvme_clock_ms() - t0;
	ck_assert_uint_ge(ms, HW_IVSHMEM_GREET_MS - 50);
	ck_assert_uint_lt(ms, 2 * HW_IVSHMEM_GREET_MS);
	hw_ivshmem_client_close(&c);
	srv_stop(&s, path, t);
	/* nobody listening */
	ck_assert_int_eq(hw_ivshmem_client_open(&c, path), -ENOENT);
	hw_ivshmem_client_close(&c);
	free(base);
}
END_TEST

/* A port server that closes our connection is gone at once and for good;
 * it is succeeded by the next socket file at its path: not while it
 * lives, not by its own file or by none, not by a file that is not a
 * socket; the same file gives the same identity. */
START_TEST(test_rdrv_successor)
{
	struct hw_ivshmem_client c, c2;
	struct srv s1, s2;
	struct hw_bar bar;
	struct hw_dev d;
	pthread_t t1, t2;
	uint64_t len, id;
	char path[64];
	void *base = region(&len);
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_hw_rdrv_succ.%d.sock", (int)getpid());
	srv_start(&s1, path, base, len, 0, &t1);
	ck_assert_int_eq(hw_ivshmem_client_open(&c, path), 0);
	memset(&d, 0, sizeof(d));
	memset(&bar, 0, sizeof(bar));
	d.bar = &bar;
	d.rdrv = true;
	d.ivc = &c;
	ck_assert_uint_eq(hw_rdrv_successor(&d), 0); /* alive */
	ck_assert(!hw_ivshmem_client_closed(&c));
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0);
	/* the server closes our connection: gone at once, and for good */
	ck_assert_int_eq(shutdown(atomic_load(&s1.conn), SHUT_RDWR), 0);
	ck_assert(hw_ivshmem_client_closed(&c));
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 2);
	ck_assert(hw_rdrv_gone(&d));
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0); /* said once */
	atomic_store(&bar.fw_heartbeat, 7);
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0); /* a heartbeat does not bring it back */
	ck_assert(hw_rdrv_gone(&d));
	ck_assert_uint_eq(hw_rdrv_successor(&d), 0); /* dead, its own file */
	/* the server goes with its file */
	close(s1.lsock);
	unlink(path);
	ck_assert_uint_eq(hw_rdrv_successor(&d), 0);
	/* a file that is not a socket */
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_uint_eq(hw_rdrv_successor(&d), 0);
	/* another server */
	srv_start(&s2, path, base, len, 0, &t2);
	id = hw_rdrv_successor(&d);
	ck_assert_uint_ne(id, 0);
	ck_assert_uint_eq(hw_rdrv_successor(&d), id);
	d.ivc = NULL; /* a port not opened through a socket */
	ck_assert_uint_eq(hw_rdrv_successor(&d), 0);
	/* let both servers' threads end: s1's has seen its shutdown, s2's
	 * gets a client */
	hw_ivshmem_client_close(&c);
	pthread_join(t1, NULL);
	ck_assert_int_eq(hw_ivshmem_client_open(&c2, path), 0);
	hw_ivshmem_client_close(&c2);
	srv_stop(&s2, path, t2);
	close(s1.shm); /* s1's listening socket was closed above */
	for (fd = 0; fd < 3; fd++) {
		close(s1.fw[fd]);
		close(s1.gu[fd]);
	}
	free(base);
}
END_TEST

START_TEST(test_rdrv_heartbeat)
{
	struct hw_dev d;
	struct hw_bar bar;
	struct hw_eqe e;

	memset(&d, 0, sizeof(d));
	memset(&bar, 0, sizeof(bar));
	d.bar = &bar;
	d.rdrv = true;
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0); /* first look */
	ck_assert(!hw_rdrv_gone(&d));
	usleep(1000 * 1000);
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0); /* 1 s still: alive */
	atomic_store(&bar.fw_heartbeat, 1);
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0);
	usleep((HW_RDRV_HB_DEAD_MS + 100) * 1000);
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 1); /* 3 s still: dead */
	ck_assert(hw_rdrv_gone(&d));
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0); /* said once */
	/* nothing goes to a dead port server's mq */
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(hw_rdrv_mq_send(&d, 1, &e), -ENETDOWN);
	atomic_store(&bar.fw_heartbeat, 2);
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), -1); /* back */
	ck_assert(!hw_rdrv_gone(&d));
	ck_assert_int_eq(hw_rdrv_heartbeat(&d), 0);
	d.rdrv = false; /* other modes never have a port server to lose */
	atomic_store(&d.hb_dead, true);
	ck_assert(!hw_rdrv_gone(&d));
}
END_TEST

Suite *hw_rdrv_suite(void)
{
	Suite *s = suite_create("hw_rdrv");
	TCase *tc = tcase_create("rdrv");
	const char *e = getenv("HW_TEST_SEED");

	seed = e && *e ? (unsigned int)strtoul(e, NULL, 0) : 1;
	fprintf(stderr, "check_hw_rdrv: seed %u (HW_TEST_SEED=%u repeats it)\n", seed, seed);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_rdrv_probe);
	tcase_add_test(tc, test_rdrv_probe_random);
	tcase_add_test(tc, test_ivshmem_client);
	tcase_add_test(tc, test_rdrv_heartbeat);
	tcase_add_test(tc, test_rdrv_successor);
	suite_add_tcase(s, tc);
	return s;
}
