// SPDX-License-Identifier: Apache-2.0
/*
 * The port server's pieces that need no QEMU: the ivshmem-doorbell messages
 * (exact bytes on the wire, which descriptor rides with which message, the
 * receiver reassembling split messages and refusing odd ones), and the
 * guest's slow-path requests as the server handles them (malformed mq
 * entries dropped and counted, LS requests that cannot go answered at once
 * in deq with their error, DRV_UP replaying the link, deq raising vector 0
 * only when the guest armed it). Random values come from a seed printed at
 * the start (HW_TEST_SEED=N repeats a run).
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check_hw.h"
#include "hw_vmport_ivshmem.h"
#include "hw_vmport_priv.h"

static unsigned int seed;

static void seed_init(void)
{
	const char *e = getenv("HW_TEST_SEED");

	seed = e && *e ? (unsigned int)strtoul(e, NULL, 0) : 1;
	fprintf(stderr, "check_hw_vmport: seed %u (HW_TEST_SEED=%u repeats it)\n", seed, seed);
}

static uint64_t rnd64(void)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		seed = seed * 1103515245u + 12345u;
		v = (v << 16) | ((seed >> 8) & 0xffff);
	}
	return v;
}

/* One message off the wire as raw bytes, with the descriptor it carried. */
static ssize_t raw_msg(int sock, uint8_t b[8], int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = b, .iov_len = 8 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	*fd = -1;
	n = recvmsg(sock, &mh, 0);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
		ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(sizeof(int)));
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	return n;
}

static void le_bytes(int64_t v, uint8_t b[8])
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (8 * i));
}

/* The same object: a write through one eventfd is read through the other. */
static void same_eventfd(int a, int b)
{
	uint64_t one = 1, got = 0;

	ck_assert_int_eq(write(a, &one, sizeof(one)), sizeof(one));
	ck_assert_int_eq(read(b, &got, sizeof(got)), sizeof(got));
	ck_assert_uint_eq(got, 1);
}

START_TEST(test_ivshmem_greeting_bytes)
{
	int sv[2], shm, fw[3], gu[3], fd, i;
	struct hw_vmport_ivshmem_peer peers[2] = {
		{ .id = 1, .nr = 3, .efd = fw },
		{ .id = 7, .nr = 3, .efd = gu },
	};
	struct stat a, b;
	uint8_t got[8], want[8];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	shm = memfd_create("ivshmem-test", MFD_CLOEXEC);
	ck_assert_int_ge(shm, 0);
	for (i = 0; i < 3; i++) {
		fw[i] = eventfd(0, EFD_NONBLOCK);
		gu[i] = eventfd(0, EFD_NONBLOCK);
	}
	ck_assert_int_eq(hw_vmport_ivshmem_greet(sv[0], 7, shm, peers, 2), 0);
	/* version 0, no descriptor */
	ck_assert_int_eq(raw_msg(sv[1], got, &fd), 8);
	ck_assert_mem_eq(got, "\0\0\0\0\0\0\0\0", 8);
	ck_assert_int_eq(fd, -1);
	/* the client's id, 64-bit little-endian */
	ck_assert_int_eq(raw_msg(sv[1], got, &fd), 8);
	ck_assert_mem_eq(got, "\7\0\0\0\0\0\0\0", 8);
	ck_assert_int_eq(fd, -1);
	/* -1 with the shared memory */
	ck_assert_int_eq(raw_msg(sv[1], got, &fd), 8);
	ck_assert_mem_eq(got, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &a), 0);
	ck_assert_int_eq(fstat(shm, &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	close(fd);
	/* each peer's id once per vector, with that vector's eventfd */
	for (i = 0; i < 6; i++) {
		int want_fd = i < 3 ? fw[i] : gu[i - 3];

		ck_assert_int_eq(raw_msg(sv[1], got, &fd), 8);
		le_bytes(i < 3 ? 1 : 7, want);
		ck_assert_mem_eq(got, want, 8);
		ck_assert_int_ge(fd, 0);
		same_eventfd(fd, want_fd);
		close(fd);
	}
	close(sv[0]);
	ck_assert_int_eq(raw_msg(sv[1], got, &fd), 0); /* nothing more */
	close(sv[1]);
	close(shm);
	for (i = 0; i < 3; i++) {
		close(fw[i]);
		close(gu[i]);
	}
}
END_TEST

START_TEST(test_ivshmem_recv)
{
	int sv[2], fd, efd, i;
	int64_t v;
	uint8_t b[8];

	seed_init();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* values round-trip, with and without a descriptor */
	for (i = 0; i < 50; i++) {
		int64_t x = (int64_t)rnd64();

		efd = i & 1 ? eventfd(0, 0) : -1;
		ck_assert_int_eq(hw_vmport_ivshmem_send(sv[0], x, efd), 0);
		ck_assert_int_eq(hw_vmport_ivshmem_recv(sv[1], &v, &fd), 0);
		ck_assert_int_eq(v, x);
		if (efd >= 0) {
			ck_assert_int_ge(fd, 0);
			same_eventfd(efd, fd);
			ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
			close(fd);
			close(efd);
		} else {
			ck_assert_int_eq(fd, -1);
		}
	}
	/* a message split in two writes is put back together */
	le_bytes(-1, b);
	ck_assert_int_eq(write(sv[0], b, 3), 3);
	ck_assert_int_eq(write(sv[0], b + 3, 5), 5);
	ck_assert_int_eq(hw_vmport_ivshmem_recv(sv[1], &v, &fd), 0);
	ck_assert_int_eq(v, -1);
	ck_assert_int_eq(fd, -1);
	/* two descriptors with one message: refused */
	{
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(2 * sizeof(int))];
		} ctl;
		int two[2] = { eventfd(0, 0), eventfd(0, 0) };
		struct iovec iov = { .iov_base = b, .iov_len = 8 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		ctl.h.cmsg_len = CMSG_LEN(2 * sizeof(int));
		memcpy(CMSG_DATA(&ctl.h), two, sizeof(two));
		ck_assert_int_eq(sendmsg(sv[0], &mh, 0), 8);
		ck_assert_int_eq(hw_vmport_ivshmem_recv(sv[1], &v, &fd), -EPROTO);
		ck_assert_int_eq(fd, -1);
		close(two[0]);
		close(two[1]);
	}
	/* a stream that ends inside a message, or at once */
	ck_assert_int_eq(write(sv[0], b, 5), 5);
	close(sv[0]);
	ck_assert_int_eq(hw_vmport_ivshmem_recv(sv[1], &v, &fd), -ECONNRESET);
	ck_assert_int_eq(hw_vmport_ivshmem_recv(sv[1], &v, &fd), -ECONNRESET);
	close(sv[1]);
}
END_TEST

/* ---- the guest's requests, through a real port server ----------------------- */

static char root[64];
static struct hw_vmport *vp;
static int irq0; /* stands in for the guest's vector 0 eventfd */

static bool vp_target; /* open the next port server in the target role */

static void vp_setup(void)
{
	char dir[128], sock[128];
	struct hw_vmport_cfg cfg = {
		.target = vp_target,
		.fabric = "vmp",
		.wwnn = 0x20000000000000d1ull,
		.wwpn = 0x10000000000000d1ull,
		.nr_hwq = 2,
		.nr_xri = 64,
		.dma_mb = 16,
		.stop_fd = -1,
	};

	ck_assert_int_eq(hwf_shm_dir_make(root, sizeof(root), "vmp"), 0);
	snprintf(dir, sizeof(dir), "%s/vmp", root);
	snprintf(sock, sizeof(sock), "%s/s", root);
	cfg.socket = sock;
	/* no fabric yet: the port server does not make one */
	ck_assert_int_eq(hw_vmport_open(&cfg, &vp), -ENOENT);
	ck_assert_int_eq(hw_fabric_create(dir), 0);
	ck_assert_int_eq(hw_vmport_open(&cfg, &vp), 0);
	/* a connected guest, as far as deq is concerned */
	irq0 = eventfd(0, EFD_NONBLOCK);
	vp->guest_efd[0] = irq0;
	vp->cfd = irq0;
}

static void vp_teardown(void)
{
	char dir[128];

	vp->guest_efd[0] = -1;
	vp->cfd = -1;
	close(irq0);
	hw_vmport_close(vp);
	snprintf(dir, sizeof(dir), "%s/vmp", root);
	ck_assert_int_eq(hw_fabric_destroy(dir), 0);
	ck_assert_int_eq(hwf_shm_dir_remove(root), 0);
}

static void guest_post(uint16_t type, uint16_t slot, uint64_t id, uint32_t len)
{
	struct hw_dev *d = &vp->dev;
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.peer_slot = slot;
	e.id = id;
	e.len = len;
	ck_assert_int_eq(hw_ring_post_geo(d->base, &d->bar->mq, &d->geo->mq, &e, sizeof(e)), 0);
}

/* An mq entry of type with arg (a LINK request). */
static void guest_post_arg(uint16_t type, uint32_t arg)
{
	struct hw_dev *d = &vp->dev;
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.arg = arg;
	ck_assert_int_eq(hw_ring_post_geo(d->base, &d->bar->mq, &d->geo->mq, &e, sizeof(e)), 0);
}

static int guest_deq(struct hw_eqe *e)
{
	struct hw_dev *d = &vp->dev;
	void *p = hw_ring_peek_geo(d->base, &d->bar->deq, &d->geo->deq);

	if (!p)
		return 0;
	memcpy(e, p, sizeof(*e));
	hw_ring_pop_geo(&d->bar->deq, &d->geo->deq, p);
	return 1;
}

static uint64_t irqs(void)
{
	uint64_t n = 0;

	if (read(irq0, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

START_TEST(test_vmport_mq)
{
	struct hw_vmport_stats st;
	struct hw_eqe e;

	/* before DRV_UP nothing reaches deq: the request is refused but the
	 * answer has nowhere to go */
	guest_post(HW_EQE_LS_REQ, 5, 0x11, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_int_eq(guest_deq(&e), 0);
	/* DRV_UP: the link is replayed; deq not armed, so no interrupt */
	guest_post(HW_EQE_DRV_UP, 0, 0, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_LINK);
	ck_assert_uint_eq(e.arg, HW_LINK_UP);
	ck_assert_uint_eq(e.peer_slot, hw_vmport_slot(vp));
	ck_assert_int_eq(guest_deq(&e), 0); /* no target on this fabric */
	ck_assert_uint_eq(irqs(), 0);
	/* armed: the next event raises vector 0 once and disarms */
	atomic_store(&vp->dev.bar->deq.armed, 1);
	/* LS requests that cannot go: empty, too long, no such slot, a slot
	 * not logged in; each answered at once with its error */
	guest_post(HW_EQE_LS_REQ, 3, 0xa1, 0);
	guest_post(HW_EQE_LS_REQ, 3, 0xa2, HW_EQE_PAYLOAD + 1);
	guest_post(HW_EQE_LS_REQ, 4096, 0xa3, 64);
	guest_post(HW_EQE_LS_REQ, 3, 0xa4, 64);
	/* garbage: unknown types, a deq-only type, an answer never asked for */
	guest_post(0, 0, 0xb1, 0);
	guest_post(0x4242, 0xffff, 0xb2, 0xffffffffu);
	guest_post(HW_EQE_RPORT_OFFLINE, 3, 0xb3, 0);
	guest_post(HW_EQE_LS_RSP, 3, 0xb4, 16);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 8);
	ck_assert_uint_eq(irqs(), 1);
	ck_assert_uint_eq(atomic_load(&vp->dev.bar->deq.armed), 0);
	{
		static const struct {
			uint64_t id;
			uint16_t slot;
			int status;
		} want[] = {
			{ 0xa1, 3, -EINVAL },
			{ 0xa2, 3, -EINVAL },
			{ 0xa3, 4096, -ENOTCONN },
			{ 0xa4, 3, -ENOTCONN },
		};
		unsigned int i;

		for (i = 0; i < 4; i++) {
			ck_assert_int_eq(guest_deq(&e), 1);
			ck_assert_uint_eq(e.type, HW_EQE_LS_RSP);
			ck_assert_uint_eq(e.id, want[i].id);
			ck_assert_uint_eq(e.peer_slot, want[i].slot);
			ck_assert_int_eq(e.status, want[i].status);
			ck_assert_uint_eq(e.len, 0);
		}
	}
	ck_assert_int_eq(guest_deq(&e), 0);
	hw_vmport_get_stats(vp, &st);
	ck_assert_uint_eq(st.mq_entries, 10);
	ck_assert_uint_eq(st.mq_bad, 9);
	ck_assert_uint_eq(st.ls_refused, 5);
	ck_assert_uint_eq(st.ls_out, 0);
	/* DRV_DOWN: nothing more is posted */
	guest_post(HW_EQE_DRV_DOWN, 0, 0, 0);
	guest_post(HW_EQE_LS_REQ, 3, 0xc1, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 2);
	ck_assert_int_eq(guest_deq(&e), 0);
}
END_TEST

/* The driver asks for the link down and up (the name server's entry
 * follows), a link state that is neither is dropped and counted, and a
 * LOGO or RSCN to a slot that is not logged in is dropped and counted. */
START_TEST(test_vmport_mq_link_els)
{
	_Atomic uint32_t *ns = &vp->dev.fab.r->ns[hw_vmport_slot(vp)].state;
	struct hw_vmport_stats st;
	struct hw_eqe e;

	guest_post(HW_EQE_DRV_UP, 0, 0, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	while (guest_deq(&e))
		;
	ck_assert_uint_eq(atomic_load(ns), HW_NS_ONLINE);
	guest_post_arg(HW_EQE_LINK, HW_LINK_DOWN);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_uint_eq(atomic_load(ns), HW_NS_LINKDOWN);
	hw_vmport_get_stats(vp, &st);
	ck_assert_uint_eq(st.mq_bad, 0);
	guest_post_arg(HW_EQE_LINK, 7);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_uint_eq(atomic_load(ns), HW_NS_LINKDOWN);
	guest_post_arg(HW_EQE_LINK, HW_LINK_UP);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_uint_eq(atomic_load(ns), HW_NS_ONLINE);
	guest_post(HW_EQE_LOGO, 3, 0, 0);
	guest_post(HW_EQE_RSCN, 3, 0, 0);
	guest_post(HW_EQE_LOGO, 0xffff, 0, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 3);
	hw_vmport_get_stats(vp, &st);
	ck_assert_uint_eq(st.mq_bad, 4); /* link 7, and the three ELS */
}
END_TEST

/* The guest rewrites mq's geometry: the server keeps its own. */
START_TEST(test_vmport_mq_geometry)
{
	struct hw_dev *d = &vp->dev;
	struct hw_ring save = d->bar->mq;
	struct hw_eqe e;

	guest_post(HW_EQE_DRV_UP, 0, 0, 0);
	d->bar->mq.off = 1ull << 62;
	d->bar->mq.entries = 1u << 31;
	d->bar->mq.esize = 7;
	d->bar->deq.off = (uint64_t)-HW_PAGE;
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	d->bar->mq = save;
	d->bar->deq.off = d->geo->deq.off;
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_LINK);
}
END_TEST

/* ---- the target role: an initiator logs into the guest's port ------------ */

static void vp_setup_target(void)
{
	vp_target = true;
	vp_setup();
	vp_target = false;
}

/* Run the port server's slow path once (what its loop does on an event). */
static void vp_slow(void)
{
	hw_dev_slow_path(&vp->dev, &vp->ls_unused, NULL, &hw_vmport_slow_ops, vp, NULL);
}

/* The next event in the initiator's eq (waits up to 1 s), or fails. */
static void ini_eq(struct hw_dev *d, struct hw_eqe *e)
{
	void *p;
	int i;

	for (i = 0; i < 1000; i++) {
		p = hw_ring_peek_geo(d->base, &d->bar->eq, &d->geo->eq);
		if (p) {
			memcpy(e, p, sizeof(*e));
			hw_ring_pop_geo(&d->bar->eq, &d->geo->eq, p);
			return;
		}
		usleep(1000);
	}
	ck_abort_msg("nothing in the initiator's eq");
}

static void ini_want(struct hw_dev *d, uint16_t type, uint32_t arg)
{
	struct hw_eqe e;

	ini_eq(d, &e);
	ck_assert_uint_eq(e.type, type);
	ck_assert_uint_eq(e.arg, arg);
	ck_assert_uint_eq(e.peer_slot, hw_vmport_slot(vp));
}

START_TEST(test_vmport_target)
{
	struct hw_dev_cfg ic = {
		.dev = "soft:vmp",
		.wwnn = 0x20000000000000e1ull,
		.wwpn = 0x10000000000000e1ull,
		.roles = FC_PORT_ROLE_NVME_INITIATOR,
		.nr_hwq = 1,
		.cq_entries = 64,
		.dma_size = 1 << 20,
	};
	unsigned int vs = hw_vmport_slot(vp), is;
	struct hw_fabric_region *r = vp->dev.fab.r;
	struct hw_rport_desc desc;
	struct hw_vmport_stats st;
	uint8_t req[64], rsp[32];
	struct hw_dev ini;
	struct hw_eqe e;
	unsigned int i;

	/* the name server shows a target and discovery port */
	ck_assert_uint_eq(r->ns[vs].roles, FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY);
	ck_assert_int_eq(hw_dev_open(&ini, &ic), 0);
	is = ini.slot;
	guest_post(HW_EQE_DRV_UP, 0, 0, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_LINK);
	/* the initiator's RSCN: the port server logs into nobody */
	vp_slow();
	ck_assert_ptr_null(hw_rport_find(&vp->rports, is));
	ck_assert_int_eq(guest_deq(&e), 0);

	/* PRLI before PLOGI, and a PRLI without the initiator function:
	 * rejected */
	ck_assert_int_eq(hw_els_send(&ini, vs, HW_EQE_PRLI, FC_PORT_ROLE_NVME_INITIATOR), 0);
	vp_slow();
	ini_want(&ini, HW_EQE_ELS_RJT, HW_EQE_PRLI);
	ck_assert_int_eq(hw_els_send(&ini, vs, HW_EQE_PLOGI, 0), 0);
	vp_slow();
	ini_want(&ini, HW_EQE_ELS_ACC, HW_EQE_PLOGI);
	ck_assert_int_eq(hw_els_send(&ini, vs, HW_EQE_PRLI, FC_PORT_ROLE_NVME_TARGET), 0);
	vp_slow();
	ini_want(&ini, HW_EQE_ELS_RJT, HW_EQE_PRLI);
	ck_assert_int_eq(guest_deq(&e), 0);
	/* PRLI as an NVMe initiator: accepted, and the guest hears of it */
	ck_assert_int_eq(hw_els_send(&ini, vs, HW_EQE_PRLI, FC_PORT_ROLE_NVME_INITIATOR), 0);
	vp_slow();
	ini_want(&ini, HW_EQE_ELS_ACC, HW_EQE_PRLI);
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_RPORT_ONLINE);
	ck_assert_uint_eq(e.peer_slot, is);
	ck_assert_uint_eq(e.len, sizeof(desc));
	memcpy(&desc, e.payload, sizeof(desc));
	ck_assert_uint_eq(desc.wwpn, ic.wwpn);
	ck_assert_uint_eq(desc.wwnn, ic.wwnn);
	ck_assert_uint_eq(desc.roles, FC_PORT_ROLE_NVME_INITIATOR);
	ck_assert_uint_eq(desc.port_id, r->ns[is].port_id);
	ck_assert_uint_eq(atomic_load(&vp->dev.bar->logins[is].state), HW_LOGIN_PRLI);

	/* the initiator's LS request (Create Association, say) reaches the
	 * guest byte for byte; the guest's answer reaches the initiator */
	for (i = 0; i < sizeof(req); i++)
		req[i] = (uint8_t)(0x5a ^ i);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_REQ;
	e.id = 0x77;
	e.len = sizeof(req);
	memcpy(e.payload, req, sizeof(req));
	ck_assert_int_eq(hw_dev_send_eqe(&ini, vs, &e, HW_FC_LS), 0);
	vp_slow();
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_LS_REQ);
	ck_assert_uint_eq(e.peer_slot, is);
	ck_assert_uint_eq(e.id, 0x77);
	ck_assert_uint_eq(e.len, sizeof(req));
	ck_assert_mem_eq(e.payload, req, sizeof(req));
	for (i = 0; i < sizeof(rsp); i++)
		rsp[i] = (uint8_t)(0xa5 + i);
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_RSP;
	e.peer_slot = (uint16_t)is;
	e.id = 0x77;
	e.len = sizeof(rsp);
	memcpy(e.payload, rsp, sizeof(rsp));
	ck_assert_int_eq(
		hw_ring_post_geo(vp->dev.base, &vp->dev.bar->mq, &vp->dev.geo->mq, &e, sizeof(e)),
		0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ini_eq(&ini, &e);
	ck_assert_uint_eq(e.type, HW_EQE_LS_RSP);
	ck_assert_uint_eq(e.id, 0x77);
	ck_assert_int_eq(e.status, 0);
	ck_assert_uint_eq(e.len, sizeof(rsp));
	ck_assert_mem_eq(e.payload, rsp, sizeof(rsp));

	/* a second DRV_UP replays the link and the logged-in initiator */
	guest_post(HW_EQE_DRV_UP, 0, 0, 0);
	ck_assert_int_eq(hw_vmport_mq_drain(vp), 1);
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_LINK);
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_RPORT_ONLINE);
	ck_assert_uint_eq(e.peer_slot, is);

	/* LOGO: the initiator is gone for the guest */
	ck_assert_int_eq(hw_els_send(&ini, vs, HW_EQE_LOGO, 0), 0);
	vp_slow();
	ck_assert_int_eq(guest_deq(&e), 1);
	ck_assert_uint_eq(e.type, HW_EQE_RPORT_OFFLINE);
	ck_assert_uint_eq(e.peer_slot, is);
	ck_assert_uint_eq(atomic_load(&vp->dev.bar->logins[is].state), HW_LOGIN_NONE);
	/* and its LS requests are refused now */
	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_LS_REQ;
	e.id = 0x78;
	e.len = 8;
	ck_assert_int_eq(hw_dev_send_eqe(&ini, vs, &e, HW_FC_LS), 0);
	vp_slow();
	ck_assert_int_eq(guest_deq(&e), 0);
	ini_eq(&ini, &e);
	ck_assert_uint_eq(e.type, HW_EQE_LS_RSP);
	ck_assert_uint_eq(e.id, 0x78);
	ck_assert_int_eq(e.status, -ENOTCONN);
	/* the port server never logged in anywhere itself (no retry either) */
	hw_rport_tick(&vp->rports);
	vp_slow();
	hw_vmport_get_stats(vp, &st);
	ck_assert_uint_eq(st.rport_online, 1);
	ck_assert_uint_eq(st.rport_offline, 1);
	ck_assert_uint_eq(st.ls_in, 1);
	hw_dev_close(&ini);
}
END_TEST

/* The port's region seen as the guest sees it, BAR2 of an ivshmem PCI
 * function (a fake sysfs tree whose resource2 is the port's device file):
 * the PCI mapper finds it; the target LLDD refuses it with a reason, since
 * it does not speak mq/deq and must not consume the port server's eq. */
START_TEST(test_vmport_pci_map)
{
	char tree[128], path[256], file[256], res[512];
	struct hw_dev_cfg dc = {
		.dev = "pci:0000:00:04.0",
		.wwnn = 0x20000000000000d1ull,
		.wwpn = 0x10000000000000d1ull,
		.roles = FC_PORT_ROLE_NVME_TARGET,
		.nr_hwq = 2,
		.cq_entries = 64,
	};
	uint64_t size = hw_vmport_region_size(vp);
	struct hw_dev d;
	struct hw_map m;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", vp->dev.map.fd);
	n = readlink(path, file, sizeof(file) - 1);
	ck_assert_int_gt(n, 0);
	file[n] = '\0';
	snprintf(tree, sizeof(tree), "%s/sys", root);
	snprintf(path, sizeof(path), "mkdir -p %s/bus/pci/devices/0000:00:04.0", tree);
	ck_assert_int_eq(system(path), 0);
	snprintf(res, sizeof(res),
		 "0x00000000fe800000 0x00000000fe8000ff 0x0000000000040200\n"
		 "0x00000000fe801000 0x00000000fe801fff 0x0000000000040200\n"
		 "0x0000004000000000 0x%016" PRIx64 " 0x000000000014220c\n"
		 "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		 "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		 "0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
		 (uint64_t)0x4000000000ull + size - 1);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0/resource", tree);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(res, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0/vendor", tree);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("0x1af4\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0/device", tree);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("0x1110\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0/resource2", tree);
	ck_assert_int_eq(symlink(file, path), 0);

	ck_assert_int_eq(hw_map_pci("0000:00:04.0", tree, &m), 0);
	ck_assert_uint_eq(m.bar, 2);
	ck_assert_uint_eq(m.len, size);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->magic, HW_BAR_MAGIC);
	ck_assert_uint_eq(((struct hw_bar *)m.base)->wwpn, dc.wwpn);
	ck_assert(((struct hw_bar *)m.base)->flags & HW_BAR_F_REMOTE);
	hw_map_close(&m);
	setenv("FCNVME_SYSFS_ROOT", tree, 1);
	ck_assert_int_eq(hw_dev_open(&d, &dc), -EOPNOTSUPP);
	ck_assert_str_eq(hw_fabric_why(),
			 "pci:0000:00:04.0 is a softhba-vmport port (remote-driver region): this "
			 "driver does not implement the mq/deq interface yet");
	unsetenv("FCNVME_SYSFS_ROOT");
	snprintf(path, sizeof(path), "rm -rf %s", tree);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* Port server tests without QEMU. */
Suite *hw_vmport_suite(void)
{
	Suite *s = suite_create("hw_vmport");
	TCase *tc = tcase_create("ivshmem");
	TCase *tm = tcase_create("mq");
	TCase *tt = tcase_create("target");

	tcase_add_test(tc, test_ivshmem_greeting_bytes);
	tcase_add_test(tc, test_ivshmem_recv);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tm, vp_setup, vp_teardown);
	tcase_add_test(tm, test_vmport_mq);
	tcase_add_test(tm, test_vmport_mq_link_els);
	tcase_add_test(tm, test_vmport_mq_geometry);
	suite_add_tcase(s, tm);
	tcase_add_checked_fixture(tt, vp_setup_target, vp_teardown);
	tcase_add_test(tt, test_vmport_target);
	tcase_add_test(tt, test_vmport_pci_map);
	suite_add_tcase(s, tt);
	return s;
}
