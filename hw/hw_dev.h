/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HBA device interface: the layout of the device region (the "BAR") that
 * the driver maps, either from /dev/uioN or from a software HBA's shared
 * memory file. The region holds, in this order: the BAR page (identity,
 * WWNN/WWPN, N_Port_ID, link state, doorbells, counters, login table, ring
 * headers), the ring entries, the exchange (XRI) table and the DMA memory.
 *
 * Rings are fixed-size arrays of entries whose first 8 bytes are a sequence
 * word (a bounded multi-producer queue): a producer reserves a slot by a CAS
 * on the tail, writes the entry and publishes it by storing seq = pos + 1; the
 * single consumer sees an entry when seq == head + 1 and frees it by storing
 * seq = head + entries. Producer and consumer indices live on separate cache
 * lines. Many processes may produce into one ring at the same time.
 *
 * Queues per port: per hardware queue a WQ (driver -> firmware work) and a CQ
 * (firmware -> driver: completions and received CMD IUs, ABTS, BA_ACC); one
 * EQ for the slow path (LS, ELS, RSCN, link events), whose consumer is the
 * control thread. A DMA handle is HW_DMA_HANDLE_BASE + the byte offset into
 * the port's DMA memory; any other value is invalid.
 *
 * A port whose driver is remote (HW_BAR_F_REMOTE: a driver in a VM that sees
 * the region as a PCI BAR, served by a port server on the host — see
 * docs/softhba-vm-port.md) differs in three ways: the port server runs the
 * firmware for it (fabric login, name server, PLOGI/PRLI, the WQs); local
 * memory in its WQEs is named by DMA handle instead of virtual address; and
 * its slow path goes through two more rings, mq (driver -> firmware
 * requests) and deq (firmware -> driver events), while eq stays the
 * firmware's receive queue as on every port.
 */
#ifndef HW_DEV_H
#define HW_DEV_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define HW_CACHELINE   64
#define HW_PAGE	       4096u
#define HW_BAR_MAGIC   0x4142485356434653ull /* "SFCVHSBA" LE */
#define HW_BAR_VERSION 2u		     /* 2: hw_xri padded to whole lines */

/* bar.flags */
#define HW_BAR_F_REMOTE	   (1u << 0) /* driver is remote: see above */
#define HW_MAX_HWQ	   16
#define HW_MAX_PORTS	   64  /* fabric slots */
#define HW_MAX_SGE	   256 /* per exchange */
#define HW_DMA_HANDLE_BASE (1ull << 48)

#define HW_WQE_SIZE    128u
#define HW_CQE_SIZE    128u
#define HW_EQE_SIZE    1088u
#define HW_EQE_PAYLOAD 1024u
#define HW_CQE_PAYLOAD 96u

/* Link state (bar.link). */
enum {
	HW_LINK_DOWN = 0,
	HW_LINK_UP = 1
};

/* Login state toward a peer slot (bar.logins[].state). */
enum {
	HW_LOGIN_NONE = 0,
	HW_LOGIN_PLOGI = 1,
	HW_LOGIN_PRLI = 2
};

/* A ring header. Producers touch tail, the consumer head; armed/futex are
 * the interrupt emulation: the consumer sets armed before it sleeps on futex;
 * a producer that finds armed set clears it, bumps futex and wakes. */
struct hw_ring {
	_Alignas(HW_CACHELINE) _Atomic uint64_t tail; /* producers */
	/* Producers: a value of head read earlier, kept in the producers'
	 * own line so that flow control need not read head (and steal the
	 * consumer's line) on every post; never ahead of head. */
	_Atomic uint64_t head_seen;
	_Alignas(HW_CACHELINE) _Atomic uint64_t head; /* the one consumer */
	_Alignas(HW_CACHELINE) _Atomic uint32_t armed;
	_Atomic uint32_t futex;
	uint32_t entries; /* power of two; fixed at creation */
	uint32_t esize;	  /* bytes per entry */
	uint64_t off;	  /* first entry, from the region base */
};

/* Work queue entry types. */
enum {
	HW_WQE_FCP_CMD = 1, /* host: send the CMD IU of an exchange */
	HW_WQE_ABTS,	    /* either role: abort an exchange */
	HW_WQE_BA_ACC,	    /* either role: confirm an ABTS */
	HW_WQE_BA_RJT,	    /* target: ABTS for an unknown exchange */
	HW_WQE_TGT_OP,	    /* target: READDATA/WRITEDATA/RSP/READDATA_RSP */
};

/*
 * A WQE. The soft firmware runs in the driver's process, so the local side of
 * a transfer is named by virtual address (va); every handle that names a
 * peer's memory is checked against the peer's DMA window. On a remote-driver
 * port (HW_BAR_F_REMOTE) sg, rsp and cmd instead hold DMA handles of the
 * port's own window (for TGT_OP, sg names an array of struct hw_sge), which
 * the firmware checks against that window like any peer's handle.
 */
struct hw_wqe {
	_Atomic uint64_t seq;
	uint8_t type;	    /* HW_WQE_* */
	uint8_t op;	    /* NVMET_FCOP_* for TGT_OP */
	uint16_t peer_slot; /* fabric slot of the other port */
	uint32_t xri;	    /* host exchange index */
	uint32_t tag;	    /* host exchange generation (OX_ID) */
	uint32_t rx_id;	    /* target exchange index + 1 */
	uint16_t peer_hwq;  /* queue of the other side */
	uint16_t rsplen;
	uint32_t offset; /* TGT_OP: relative offset */
	uint32_t length; /* TGT_OP: transfer length */
	uint32_t sg_cnt;
	const void *sg;	 /* TGT_OP: struct fcnvme_sg[sg_cnt], local */
	const void *rsp; /* TGT_OP: response IU, local */
	const void *cmd; /* FCP_CMD: 96-byte CMD IU, local */
	uint64_t cookie; /* driver's; echoed in the local CQE */
	uint8_t rsvd[56];
};

/* Completion/receive queue entry types. */
enum {
	HW_CQE_RCV_CMD = 1, /* target: a CMD IU (payload) from peer_slot */
	HW_CQE_RCV_ABTS,    /* an ABTS for xri/tag (target: rx_id) */
	HW_CQE_RCV_BA_ACC,  /* our ABTS was accepted */
	HW_CQE_RCV_BA_RJT,  /* our ABTS was rejected: no such exchange */
	HW_CQE_FCP_RSP,	    /* host: response (payload, len) for xri */
	HW_CQE_WQE_DONE,    /* a local WQE finished with status */
};

struct hw_cqe {
	_Atomic uint64_t seq;
	uint8_t type;	  /* HW_CQE_* */
	uint8_t wqe_type; /* WQE_DONE: which WQE */
	uint16_t peer_slot;
	int32_t status; /* 0 or -errno */
	uint32_t xri;
	uint32_t tag;
	union {
		uint8_t iu[HW_CQE_PAYLOAD]; /* RCV_CMD: the CMD IU */
		struct {
			uint32_t rx_id;
			uint32_t len;  /* RSP: response length */
			uint32_t xfrd; /* bytes moved */
			uint16_t peer_hwq;
			uint16_t rsvd;
			uint64_t cookie; /* WQE_DONE: from the WQE */
			uint8_t rsp[32]; /* RSP: the response IU */
		} c;
	};
	uint16_t src_hwq; /* RCV_CMD/ABTS: the sender's hw queue */
	uint8_t pad[6];
};

/* Bytes of an FCP_RSP's response IU (c.rsp) that lie in the entry's first
 * cache line. An FCP_RSP with len <= HW_CQE_RSP_LINE1 (the 12-byte good
 * response) is written in its first line only: the second holds whatever
 * the slot held before, and a reader takes nothing from it (c.rsp beyond
 * len is not the response). The entry's other types fill both lines. */
#define HW_CQE_RSP_LINE1 (HW_CACHELINE - 48u)

/* Slow-path event entry types. */
enum {
	HW_EQE_LS_REQ = 1, /* FC-NVMe LS request, payload; id to echo */
	HW_EQE_LS_RSP,	   /* LS response for id; status < 0: failed */
	HW_EQE_PLOGI,
	HW_EQE_PRLI,	/* arg = FC-4 roles of the sender */
	HW_EQE_ELS_ACC, /* arg = ELS code accepted */
	HW_EQE_ELS_RJT, /* arg = ELS code rejected */
	HW_EQE_LOGO,
	HW_EQE_PRLO,
	HW_EQE_RSCN,
	HW_EQE_LINK, /* arg = HW_LINK_*: our own link changed */
	/* Remote-driver ports only (deq, from the port server's firmware): */
	HW_EQE_RPORT_ONLINE,  /* logged into peer_slot; payload: hw_rport_desc.
				 * Again for an online slot: rescan it (RSCN). */
	HW_EQE_RPORT_OFFLINE, /* peer_slot logged out, died or left the zone */
	/* Remote-driver ports only (mq, from the driver): */
	HW_EQE_DRV_UP,	 /* driver (re)started: replay link + rports */
	HW_EQE_DRV_DOWN, /* driver stops using the port */
};

/* Payload of HW_EQE_RPORT_ONLINE. */
struct hw_rport_desc {
	uint64_t wwnn, wwpn;
	uint32_t port_id;
	uint32_t roles; /* FC_PORT_ROLE_NVME_* from its PRLI */
	uint32_t gen;	/* name-server generation of the login */
	uint32_t rsvd;
};

struct hw_eqe {
	_Atomic uint64_t seq;
	uint16_t type; /* HW_EQE_* */
	uint16_t peer_slot;
	int32_t status;
	uint64_t id;  /* LS exchange id */
	uint32_t len; /* payload bytes */
	uint32_t arg;
	uint8_t rsvd[32];
	uint8_t payload[HW_EQE_PAYLOAD];
};

/* Exchange (XRI) states. */
enum {
	HW_XRI_FREE = 0,
	HW_XRI_ACTIVE = 1,
	HW_XRI_ABORTING = 2
};

struct hw_sge {
	uint64_t dma;
	uint32_t len;
	uint32_t rsvd;
};

/* One host exchange, in the host's region; read by the target's firmware. */
struct hw_xri {
	_Atomic uint32_t state; /* HW_XRI_* */
	_Atomic uint32_t tag;	/* bumped at each use */
	_Atomic uint32_t rx_id; /* target exchange + 1, set by target */
	_Atomic uint32_t xfrd;	/* bytes moved so far */
	uint16_t dst_slot;
	uint16_t dst_hwq;
	uint16_t src_hwq;
	uint8_t dir; /* NVMEFC_FCP_* */
	uint8_t rsvd;
	uint32_t data_len;
	uint32_t nsge;
	struct hw_sge sge[HW_MAX_SGE];
	/* To a whole number of cache lines: every exchange of the table
	 * starts on a line, so what the target's firmware reads and writes
	 * of a one-SGE exchange (state to sge[0], 48 bytes) is one line
	 * the host hands over, not two for every other exchange. */
	uint8_t pad[32];
};

struct hw_login {
	_Atomic uint32_t state; /* HW_LOGIN_* */
	uint32_t roles;
};

/* Slow-path and error counters of a port (any thread, rare). drops:
 * frames an armed fault dropped, and frames the port dropped for coming
 * from a slot that is not their exchange's peer (an LS response, or a
 * response, ABTS or BA_* for a host exchange). */
struct hw_counters {
	_Atomic uint64_t ls_tx, ls_rx, abts_tx, abts_rx;
	_Atomic uint64_t dma_errors, drops, busy;
};

/* Data-path counters of one hw queue, written only by its owner thread. */
struct hw_qstats {
	_Alignas(HW_CACHELINE) _Atomic uint64_t cmd_tx; /* host: CMD IUs sent */
	_Atomic uint64_t cmd_rx;			/* target: CMD IUs received */
	_Atomic uint64_t rsp_tx;			/* target: responses sent */
	_Atomic uint64_t data_bytes;			/* target: bytes moved */
};

/* The BAR page(s). Written by the driver at creation, then read-only except
 * the atomics. */
struct hw_bar {
	uint64_t magic;
	uint32_t version;
	uint32_t bar_size;
	uint64_t region_size;
	uint64_t wwnn, wwpn;
	_Atomic uint32_t port_id; /* from FLOGI; 0 before */
	_Atomic uint32_t link;	  /* HW_LINK_* */
	uint32_t roles;		  /* FC_PORT_ROLE_NVME_* */
	uint32_t slot;		  /* fabric slot */
	uint32_t nr_hwq;
	uint32_t nr_xri;
	_Atomic int32_t owner_pid;
	uint32_t flags; /* HW_BAR_F_* */
	uint64_t xri_off;
	uint64_t dma_off, dma_size;
	_Atomic uint32_t doorbell[HW_MAX_HWQ]; /* WQ producer index, per hwq */
	struct hw_counters cnt;
	struct hw_qstats qstats[HW_MAX_HWQ];
	struct hw_login logins[HW_MAX_PORTS];
	struct hw_ring eq;
	struct hw_ring wq[HW_MAX_HWQ];
	struct hw_ring cq[HW_MAX_HWQ];
	/* Remote-driver ports (HW_BAR_F_REMOTE) only; zero otherwise. */
	_Atomic uint64_t fw_heartbeat; /* port server: +1 every 100 ms */
	uint32_t fw_peer_id;	       /* ivshmem peer id of the port server */
	uint32_t nr_vectors;	       /* 1 + nr_hwq: 0 slow path, 1 + q for hwq q */
	struct hw_ring mq;	       /* driver -> firmware, hw_eqe entries */
	struct hw_ring deq;	       /* firmware -> driver, hw_eqe entries */
};

_Static_assert(sizeof(struct hw_wqe) == HW_WQE_SIZE, "wqe size");
_Static_assert(sizeof(struct hw_cqe) == HW_CQE_SIZE, "cqe size");
_Static_assert(offsetof(struct hw_cqe, c.rsp) + HW_CQE_RSP_LINE1 == HW_CACHELINE,
	       "rsp: first line");
_Static_assert(sizeof(struct hw_eqe) == HW_EQE_SIZE, "eqe size");
_Static_assert(sizeof(struct hw_xri) % HW_CACHELINE == 0, "xri: whole lines");
_Static_assert(offsetof(struct hw_xri, sge[1]) <= HW_CACHELINE, "xri: one-SGE header in a line");
_Static_assert(offsetof(struct hw_ring, head) == HW_CACHELINE, "ring head line");
_Static_assert(offsetof(struct hw_ring, armed) == 2 * HW_CACHELINE, "ring armed line");

/* True if [dma, dma+len) lies inside a DMA window of dma_size bytes. */
static inline int hw_dma_ok(uint64_t dma, uint64_t len, uint64_t dma_size)
{
	uint64_t off;

	if (dma < HW_DMA_HANDLE_BASE)
		return 0;
	off = dma - HW_DMA_HANDLE_BASE;
	return off <= dma_size && len <= dma_size - off;
}

#endif /* HW_DEV_H */
