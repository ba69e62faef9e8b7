/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The software HBA's device region as the kernel driver sees it in BAR2:
 * the same bytes as hw/hw_dev.h (the userspace definition, which uses C11
 * _Atomic and cannot be included here), with kernel types. Fields that
 * hw_dev.h declares _Atomic are accessed here only with READ_ONCE,
 * WRITE_ONCE, smp_load_acquire, smp_store_release or cmpxchg64, or are
 * atomic64_t where the driver adds to them (the port server's firmware adds
 * to the same counter with a locked add); pointers of the userspace WQE are
 * u64 DMA handles on a remote-driver port.
 *
 * This header includes nothing: the kernel gets u8..u64, atomic64_t,
 * __aligned and BIT from <linux/types.h>, <linux/compiler.h> and
 * <linux/bits.h>;
 * tests/unit/check_hw_abi.c compiles it in userspace with small shims and
 * checks that every size and offset equals hw_dev.h's, so the two layouts
 * cannot drift apart.
 */
#ifndef SOFTHBA_HW_H
#define SOFTHBA_HW_H

#define SHBA_CACHELINE	     64
#define SHBA_PAGE	     4096u
#define SHBA_BAR_MAGIC	     0x4142485356434653ULL /* "SFCVHSBA" little endian */
#define SHBA_BAR_VERSION     2u
#define SHBA_BAR_F_REMOTE    BIT(0)
#define SHBA_MAX_HWQ	     16
#define SHBA_MAX_PORTS	     64
#define SHBA_MAX_SGE	     256
#define SHBA_DMA_HANDLE_BASE BIT_ULL(48)

#define SHBA_WQE_SIZE	 128u
#define SHBA_CQE_SIZE	 128u
#define SHBA_EQE_SIZE	 1088u
#define SHBA_EQE_PAYLOAD 1024u
#define SHBA_CQE_PAYLOAD 96u

/* bar.link */
#define SHBA_LINK_DOWN 0
#define SHBA_LINK_UP   1

/* A ring header: three cache lines (SHBA_CACHELINE). */
struct shba_ring {
	/* producers: the tail, and a head value read earlier */
	u64 tail __aligned(64);
	u64 head_seen;
	/* the one consumer */
	u64 head __aligned(64);
	/* interrupt: the consumer arms, a producer disarms and notifies */
	u32 armed __aligned(64);
	u32 futex;
	u32 entries; /* power of two, fixed */
	u32 esize;   /* bytes per entry */
	u64 off;     /* first entry, from the region base */
};

/* Work queue entry types */
#define SHBA_WQE_FCP_CMD 1
#define SHBA_WQE_ABTS	 2
#define SHBA_WQE_BA_ACC	 3
#define SHBA_WQE_BA_RJT	 4
#define SHBA_WQE_TGT_OP	 5

struct shba_wqe {
	u64 seq;
	u8 type;
	u8 op;
	u16 peer_slot;
	u32 xri;
	u32 tag;
	u32 rx_id;
	u16 peer_hwq;
	u16 rsplen;
	u32 offset;
	u32 length;
	u32 sg_cnt;
	u64 sg; /* DMA handles on a remote-driver port */
	u64 rsp;
	u64 cmd; /* FCP_CMD: the 96-byte CMD IU */
	u64 cookie;
	u8 rsvd[56];
};

/* Completion queue entry types */
#define SHBA_CQE_RCV_CMD    1
#define SHBA_CQE_RCV_ABTS   2
#define SHBA_CQE_RCV_BA_ACC 3
#define SHBA_CQE_RCV_BA_RJT 4
#define SHBA_CQE_FCP_RSP    5
#define SHBA_CQE_WQE_DONE   6

struct shba_cqe_c {
	u32 rx_id;
	u32 len;  /* FCP_RSP: response length */
	u32 xfrd; /* bytes moved */
	u16 peer_hwq;
	u16 rsvd;
	u64 cookie;
	u8 rsp[32];
};

struct shba_cqe {
	u64 seq;
	u8 type;
	u8 wqe_type;
	u16 peer_slot;
	s32 status; /* 0 or -errno */
	u32 xri;
	u32 tag;
	union {
		u8 iu[SHBA_CQE_PAYLOAD];
		struct shba_cqe_c c;
	};
	u16 src_hwq;
	u8 pad[6];
};

/* An FCP_RSP whose len is at most this is written in the entry's first
 * cache line only: the second is stale, and c.rsp beyond len is not the
 * response.
 */
#define SHBA_CQE_RSP_LINE1 16u

/* Slow-path event entry types */
#define SHBA_EQE_LS_REQ	       1
#define SHBA_EQE_LS_RSP	       2
#define SHBA_EQE_PLOGI	       3
#define SHBA_EQE_PRLI	       4
#define SHBA_EQE_ELS_ACC       5
#define SHBA_EQE_ELS_RJT       6
#define SHBA_EQE_LOGO	       7
#define SHBA_EQE_PRLO	       8
#define SHBA_EQE_RSCN	       9
#define SHBA_EQE_LINK	       10
#define SHBA_EQE_RPORT_ONLINE  11
#define SHBA_EQE_RPORT_OFFLINE 12
#define SHBA_EQE_DRV_UP	       13
#define SHBA_EQE_DRV_DOWN      14

/* Payload of SHBA_EQE_RPORT_ONLINE */
struct shba_rport_desc {
	u64 wwnn;
	u64 wwpn;
	u32 port_id;
	u32 roles; /* FC_PORT_ROLE_NVME_* of its PRLI */
	u32 gen;
	u32 rsvd;
};

struct shba_eqe {
	u64 seq;
	u16 type;
	u16 peer_slot;
	s32 status;
	u64 id;
	u32 len;
	u32 arg;
	u8 rsvd[32];
	u8 payload[SHBA_EQE_PAYLOAD];
};

/* Exchange states */
#define SHBA_XRI_FREE	  0
#define SHBA_XRI_ACTIVE	  1
#define SHBA_XRI_ABORTING 2

struct shba_sge {
	u64 dma;
	u32 len;
	u32 rsvd;
};

/* One host exchange; read by the target's firmware. */
struct shba_xri {
	u32 state;
	u32 tag;
	u32 rx_id;
	u32 xfrd;
	u16 dst_slot;
	u16 dst_hwq;
	u16 src_hwq;
	u8 dir; /* NVMEFC_FCP_* */
	u8 rsvd;
	u32 data_len;
	u32 nsge;
	struct shba_sge sge[SHBA_MAX_SGE];
	u8 pad[32]; /* to whole cache lines: each exchange starts on one */
};

struct shba_login {
	u32 state;
	u32 roles;
};

struct shba_counters {
	u64 ls_tx;
	u64 ls_rx;
	u64 abts_tx;
	u64 abts_rx;
	u64 dma_errors;
	atomic64_t drops; /* also the driver's: a CQE from a foreign slot */
	u64 busy;
};

struct shba_qstats {
	u64 cmd_tx __aligned(64);
	u64 cmd_rx;
	u64 rsp_tx;
	u64 data_bytes;
};

struct shba_bar {
	u64 magic;
	u32 version;
	u32 bar_size;
	u64 region_size;
	u64 wwnn;
	u64 wwpn;
	u32 port_id;
	u32 link;
	u32 roles;
	u32 slot;
	u32 nr_hwq;
	u32 nr_xri;
	s32 owner_pid;
	u32 flags;
	u64 xri_off;
	u64 dma_off;
	u64 dma_size;
	u32 doorbell[SHBA_MAX_HWQ];
	struct shba_counters cnt;
	struct shba_qstats qstats[SHBA_MAX_HWQ];
	struct shba_login logins[SHBA_MAX_PORTS];
	struct shba_ring eq;
	struct shba_ring wq[SHBA_MAX_HWQ];
	struct shba_ring cq[SHBA_MAX_HWQ];
	u64 fw_heartbeat;
	u32 fw_peer_id;
	u32 nr_vectors;
	struct shba_ring mq;
	struct shba_ring deq;
};

/* ivshmem BAR0 registers */
#define SHBA_IVSHMEM_INTRMASK	0
#define SHBA_IVSHMEM_INTRSTATUS 4
#define SHBA_IVSHMEM_IVPOSITION 8
#define SHBA_IVSHMEM_DOORBELL	12

#endif /* SOFTHBA_HW_H */
