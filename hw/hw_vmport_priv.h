/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the port server (hw_vmport*.c): the server's state and the
 * functions its files share. hw_vmport.c: open/close, the QEMU connection
 * and the main loop; hw_vmport_mq.c: the guest's slow-path requests;
 * hw_vmport_eq.c: what peers send (LS, ELS, RSCN, link) and remote-port
 * logins, turned into deq events; hw_vmport_ls.c: LS exchanges between the
 * guest and the targets; hw_vmport_irq.c: the hw queue threads that raise
 * the guest's CQ interrupts; hw_vmport_ivshmem.c: the QEMU protocol.
 *
 * Threads: the main thread (hw_vmport_run) owns everything, except what
 * struct hw_vmport_irq says; the irq threads see the main thread only
 * through atomics, an eventfd they write and the ring's futex.
 */
#ifndef HW_VMPORT_PRIV_H
#define HW_VMPORT_PRIV_H

#include <pthread.h>
#include <stdarg.h>

#include <fcnvme/fc_wire.h>

#include "hw_ls.h"
#include "hw_priv.h"
#include "hw_rport.h"
#include "hw_vmport.h"

#define HW_VMPORT_GUEST_ID 0 /* the guest's ivshmem peer id */
#define HW_VMPORT_FW_ID	   1 /* ours: bar.fw_peer_id */
#define HW_VMPORT_MAX_VEC  (1 + HW_MAX_HWQ)
#define HW_VMPORT_LS_MAX   128 /* LS exchanges in flight through the server */
#define HW_VMPORT_LS_TMO_S (3 * NVME_FC_LS_TIMEOUT_SEC)

/* One hw queue's interrupt thread: waits on cq[q]'s futex (what the ring's
 * producers bump when the guest armed the ring) and writes the guest's
 * eventfd of vector 1 + q, which QEMU turns into MSI-X. */
struct hw_vmport_irq {
	struct hw_vmport *v;
	unsigned int q;
	int efd;		 /* set before the thread starts, then read-only */
	_Atomic bool stop;	 /* main -> thread */
	_Atomic uint64_t raised; /* thread -> main (stats) */
	pthread_t th;
	bool running; /* main thread only */
};

/* An LS exchange passing through the server (main thread). */
struct hw_vmport_ls {
	uint64_t id;	      /* the requester's */
	uint64_t deadline_ns; /* forgotten then */
	uint16_t slot;	      /* the target's fabric slot */
	uint8_t dir;	      /* HW_VMPORT_LS_* */
	bool used;
};

enum {
	HW_VMPORT_LS_OUT = 1, /* the guest's request to a target */
	HW_VMPORT_LS_IN,      /* a target's request to the guest */
};

struct hw_vmport {
	struct hw_vmport_cfg cfg; /* strings are copies below */
	char fabric[80], socket[108];
	struct hw_dev dev; /* the port; HW_BAR_F_REMOTE */
	struct hw_rports rports;
	struct hw_ls_table ls_unused; /* the slow-path loop's; we send no LS of our own */
	int epfd, lfd;		      /* our epoll set; the listening socket */
	int lockfd;		      /* socket.lock, flocked: the socket is ours */
	/* The guest (QEMU's connection); -1 when none. */
	int cfd;
	unsigned int nr_vec;
	int guest_efd[HW_VMPORT_MAX_VEC]; /* we write: the guest's interrupts */
	int fw_efd[HW_VMPORT_MAX_VEC];	  /* the guest's doorbells land here */
	bool drv_up;			  /* between DRV_UP and DRV_DOWN */
	bool warned_mq;			  /* logged a bad mq entry once */
	struct hw_vmport_irq irq[HW_MAX_HWQ];
	struct hw_vmport_ls ls[HW_VMPORT_LS_MAX];
	struct hw_vmport_stats st;
};

/* hw_vmport.c */
__attribute__((format(printf, 3, 4))) void hw_vmport_log(struct hw_vmport *v, int level,
							 const char *fmt, ...);
/* hw_vmport_eq.c */
extern const struct hw_rport_ops hw_vmport_rport_ops;
extern const struct hw_slow_ops hw_vmport_slow_ops;
/* Post an event for the guest (only while its driver is up); raises vector
 * 0 if the guest armed deq. 0, -ENOTCONN (driver down) or -EAGAIN (full). */
int hw_vmport_deq_post(struct hw_vmport *v, struct hw_eqe *e);
/* DRV_UP: LINK and one RPORT_ONLINE per logged-in target. */
void hw_vmport_replay(struct hw_vmport *v);
/* hw_vmport_mq.c */
/* Drain mq: run every well-formed request, drop and count the rest. */
int hw_vmport_mq_drain(struct hw_vmport *v);
/* hw_vmport_ls.c */
void hw_vmport_ls_guest_req(struct hw_vmport *v, const struct hw_eqe *m);
void hw_vmport_ls_guest_rsp(struct hw_vmport *v, const struct hw_eqe *m);
void hw_vmport_ls_peer_req(struct hw_vmport *v, const struct hw_eqe *e);
void hw_vmport_ls_peer_rsp(struct hw_vmport *v, const struct hw_eqe *e);
/* Answer the guest's requests to slot (-1: any) with status, and forget
 * the targets' requests to the guest from slot (answering them with
 * status when answer_peers). */
void hw_vmport_ls_fail(struct hw_vmport *v, int slot, int status, bool answer_peers);
/* Forget exchanges past their deadline. */
void hw_vmport_ls_expire(struct hw_vmport *v);
/* hw_vmport_irq.c */
int hw_vmport_irq_start(struct hw_vmport *v);
void hw_vmport_irq_stop(struct hw_vmport *v);

#endif /* HW_VMPORT_PRIV_H */
