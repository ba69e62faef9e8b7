/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVMe Identify data structures (NVMe Base 2.0, NVM Command Set 1.0,
 * NVMe-oF 1.1): Identify Controller, Identify Namespace, the Namespace
 * Identification Descriptor list, the CNS values, and the Feature
 * identifiers and Asynchronous Event encodings the target and host both use.
 * All multi-byte fields are little-endian (read with le*toh()); character
 * strings (sn, mn, fr) are ASCII padded with spaces, NQNs NUL-padded.
 */
#ifndef FCNVME_NVME_ID_H
#define FCNVME_NVME_ID_H

#include <stddef.h>
#include <stdint.h>

/* ---- Identify CNS values (cdw10 bits 7:0) ------------------------------- */

enum nvme_id_cns {
	NVME_ID_CNS_NS = 0x00,
	NVME_ID_CNS_CTRL = 0x01,
	NVME_ID_CNS_NS_ACTIVE_LIST = 0x02,
	NVME_ID_CNS_NS_DESC_LIST = 0x03,
	NVME_ID_CNS_CS_NS = 0x05,
	NVME_ID_CNS_CS_CTRL = 0x06,
	NVME_ID_CNS_NS_ACTIVE_LIST_CS = 0x07,
	NVME_ID_CNS_NS_CS_INDEP = 0x08,
};

/* Command set identifiers (cdw11 bits 31:24 of Identify, CSI descriptor). */
#define NVME_CSI_NVM 0x00

#define NVME_IDENTIFY_DATA_SIZE 4096

/* ---- Power state descriptor (32 bytes) ---------------------------------- */

struct nvme_id_power_state {
	uint16_t max_power; /* centiwatts */
	uint8_t rsvd2;
	uint8_t flags;
	uint32_t entry_lat; /* microseconds */
	uint32_t exit_lat;  /* microseconds */
	uint8_t read_tput;
	uint8_t read_lat;
	uint8_t write_tput;
	uint8_t write_lat;
	uint16_t idle_power;
	uint8_t idle_scale;
	uint8_t rsvd19;
	uint16_t active_power;
	uint8_t active_work_scale;
	uint8_t rsvd23[9];
};

/* ---- Identify Controller (CNS 01h, 4096 bytes) -------------------------- */

struct nvme_id_ctrl {
	uint16_t vid;
	uint16_t ssvid;
	char sn[20];
	char mn[40];
	char fr[8];
	uint8_t rab;
	uint8_t ieee[3]; /* OUI, least significant byte first */
	uint8_t cmic;
	uint8_t mdts; /* 2^n minimum pages, 0 = no limit */
	uint16_t cntlid;
	uint32_t ver;
	uint32_t rtd3r;
	uint32_t rtd3e;
	uint32_t oaes;
	uint32_t ctratt;
	uint16_t rrls;
	uint8_t rsvd102[9];
	uint8_t cntrltype;
	uint8_t fguid[16];
	uint16_t crdt1;
	uint16_t crdt2;
	uint16_t crdt3;
	uint8_t rsvd134[122];
	uint16_t oacs;
	uint8_t acl;
	uint8_t aerl;
	uint8_t frmw;
	uint8_t lpa;
	uint8_t elpe;
	uint8_t npss;
	uint8_t avscc;
	uint8_t apsta;
	uint16_t wctemp;
	uint16_t cctemp;
	uint16_t mtfa;
	uint32_t hmpre;
	uint32_t hmmin;
	uint8_t tnvmcap[16];
	uint8_t unvmcap[16];
	uint32_t rpmbs;
	uint16_t edstt;
	uint8_t dsto;
	uint8_t fwug;
	uint16_t kas; /* keep-alive granularity, 100 ms units */
	uint16_t hctma;
	uint16_t mntmt;
	uint16_t mxtmt;
	uint32_t sanicap;
	uint32_t hmminds;
	uint16_t hmmaxd;
	uint16_t nvmsetidmax;
	uint16_t endgidmax;
	uint8_t anatt; /* ANA transition time, seconds */
	uint8_t anacap;
	uint32_t anagrpmax;
	uint32_t nanagrpid;
	uint32_t pels;
	uint16_t domainid;
	uint8_t rsvd358[10];
	uint8_t megcap[16];
	uint8_t rsvd384[128];
	uint8_t sqes; /* max << 4 | required */
	uint8_t cqes;
	uint16_t maxcmd;
	uint32_t nn;
	uint16_t oncs;
	uint16_t fuses;
	uint8_t fna;
	uint8_t vwc;
	uint16_t awun;
	uint16_t awupf;
	uint8_t icsvscc;
	uint8_t nwpc;
	uint16_t acwu;
	uint16_t ocfs;
	uint32_t sgls;
	uint32_t mnan;
	uint8_t maxdna[16];
	uint32_t maxcna;
	uint8_t rsvd564[204];
	char subnqn[256];
	uint8_t rsvd1024[768];
	/* NVMe over Fabrics attributes */
	uint32_t ioccsz; /* 16-byte units */
	uint32_t iorcsz; /* 16-byte units */
	uint16_t icdoff;
	uint8_t fcatt;
	uint8_t msdbd;
	uint16_t ofcs;
	uint8_t rsvd1806[242];
	struct nvme_id_power_state psd[32];
	uint8_t vs[1024];
};

/* cmic */
#define NVME_CTRL_CMIC_MULTI_PORT	      (1u << 0)
#define NVME_CTRL_CMIC_MULTI_CTRL	      (1u << 1)
#define NVME_CTRL_CMIC_ANA		      (1u << 3)
/* oaes: which Notice events the controller may raise */
#define NVME_CTRL_OAES_NS_ATTR		      (1u << 8)
#define NVME_CTRL_OAES_FW_ACT		      (1u << 9)
#define NVME_CTRL_OAES_ANA_CHANGE	      (1u << 11)
#define NVME_CTRL_OAES_DISC_CHANGE	      (1u << 31)
/* ctratt */
#define NVME_CTRL_ATTR_HID_128_BIT	      (1u << 0)
#define NVME_CTRL_ATTR_TBKAS		      (1u << 6)
/* cntrltype */
#define NVME_CTRL_TYPE_IO		      1
#define NVME_CTRL_TYPE_DISCOVERY	      2
#define NVME_CTRL_TYPE_ADMIN		      3
/* frmw */
#define NVME_CTRL_FRMW_SLOT1_RO		      (1u << 0)
/* lpa */
#define NVME_CTRL_LPA_CMD_EFFECTS	      (1u << 1)
#define NVME_CTRL_LPA_EXTENDED		      (1u << 2)
/* anacap */
#define NVME_CTRL_ANACAP_OPT		      (1u << 0)
#define NVME_CTRL_ANACAP_NON_OPT	      (1u << 1)
#define NVME_CTRL_ANACAP_INACCESSIBLE	      (1u << 2)
#define NVME_CTRL_ANACAP_PERSISTENT_LOSS      (1u << 3)
#define NVME_CTRL_ANACAP_CHANGE		      (1u << 4)
#define NVME_CTRL_ANACAP_GRPID_NOT_CHANGEABLE (1u << 6)
/* oncs */
#define NVME_CTRL_ONCS_COMPARE		      (1u << 0)
#define NVME_CTRL_ONCS_WRITE_UNCORRECTABLE    (1u << 1)
#define NVME_CTRL_ONCS_DSM		      (1u << 2)
#define NVME_CTRL_ONCS_WRITE_ZEROES	      (1u << 3)
#define NVME_CTRL_ONCS_RESERVATIONS	      (1u << 5)
/* vwc */
#define NVME_CTRL_VWC_PRESENT		      (1u << 0)
#define NVME_CTRL_VWC_FLUSH_NSID_ALL	      (3u << 1) /* broadcast supported */
/* sgls */
#define NVME_CTRL_SGLS_SUPPORTED	      (1u << 0)
#define NVME_CTRL_SGLS_KEYED		      (1u << 2)
/* fuses */
#define NVME_CTRL_FUSES_COMPARE_WRITE	      (1u << 0)

/* ---- Identify Namespace, NVM command set (CNS 00h, 4096 bytes) ---------- */

struct nvme_lbaf {
	uint16_t ms; /* metadata bytes per block */
	uint8_t ds;  /* log2 of the LBA data size */
	uint8_t rp;  /* relative performance */
};

struct nvme_id_ns {
	uint64_t nsze;
	uint64_t ncap;
	uint64_t nuse;
	uint8_t nsfeat;
	uint8_t nlbaf; /* 0's based */
	uint8_t flbas;
	uint8_t mc;
	uint8_t dpc;
	uint8_t dps;
	uint8_t nmic;
	uint8_t rescap;
	uint8_t fpi;
	uint8_t dlfeat;
	uint16_t nawun;
	uint16_t nawupf;
	uint16_t nacwu;
	uint16_t nabsn;
	uint16_t nabo;
	uint16_t nabspf;
	uint16_t noiob;
	uint8_t nvmcap[16];
	uint16_t npwg;
	uint16_t npwa;
	uint16_t npdg;
	uint16_t npda;
	uint16_t nows;
	uint16_t mssrl;
	uint32_t mcl;
	uint8_t msrc;
	uint8_t rsvd81;
	uint8_t nulbaf;
	uint8_t rsvd83[9];
	uint32_t anagrpid;
	uint8_t rsvd96[3];
	uint8_t nsattr;
	uint16_t nvmsetid;
	uint16_t endgid;
	uint8_t nguid[16];
	uint8_t eui64[8];
	struct nvme_lbaf lbaf[64];
	uint8_t rsvd384[3328];
	uint8_t vs[384];
};

/* nsfeat */
#define NVME_NS_FEAT_THIN		    (1u << 0)
#define NVME_NS_FEAT_ATOMICS		    (1u << 1)
#define NVME_NS_FEAT_IO_OPT		    (1u << 4)
/* nmic */
#define NVME_NS_NMIC_SHARED		    (1u << 0)
/* rescap (NVMe Base 2.0 Figure 280 byte 31): PTPL, the six types
 * (bit 1 + type - 1), IEKEY as in revision 1.3 and later */
#define NVME_NS_RESCAP_PTPL		    (1u << 0)
#define NVME_NS_RESCAP_IEK13		    (1u << 7)
/* nsattr */
#define NVME_NS_ATTR_RO			    (1u << 0)
/* dlfeat: deallocated blocks read as zeroes */
#define NVME_NS_DLFEAT_READ_ZEROES	    0x01
#define NVME_NS_DLFEAT_WRITE_ZEROES_DEALLOC (1u << 3)
/* flbas: bits 3:0 select the LBA format */
#define NVME_NS_FLBAS_LBA_MASK		    0x0f

/* ---- I/O Command Set Independent Identify Namespace (CNS 08h) ----------- */

struct nvme_id_ns_cs_indep {
	uint8_t nsfeat;
	uint8_t nmic;
	uint8_t rescap;
	uint8_t fpi;
	uint32_t anagrpid;
	uint8_t nsattr;
	uint8_t rsvd9;
	uint16_t nvmsetid;
	uint16_t endgid;
	uint8_t nstat;
	uint8_t rsvd15[4081];
};
#define NVME_NSTAT_NRDY (1u << 0)

/* ---- Namespace Identification Descriptor (CNS 03h) ---------------------- */

struct nvme_ns_id_desc {
	uint8_t nidt; /* NVME_NIDT_* */
	uint8_t nidl; /* length of the identifier that follows */
	uint16_t rsvd;
	/* nidl bytes of identifier */
};

enum nvme_nidt {
	NVME_NIDT_EUI64 = 0x01,
	NVME_NIDT_NGUID = 0x02,
	NVME_NIDT_UUID = 0x03,
	NVME_NIDT_CSI = 0x04,
};
#define NVME_NIDT_EUI64_LEN 8
#define NVME_NIDT_NGUID_LEN 16
#define NVME_NIDT_UUID_LEN  16
#define NVME_NIDT_CSI_LEN   1

/* ---- Features (Set/Get Features cdw10 bits 7:0) ------------------------- */

enum nvme_feat {
	NVME_FEAT_ARBITRATION = 0x01,
	NVME_FEAT_POWER_MGMT = 0x02,
	NVME_FEAT_TEMP_THRESH = 0x04,
	NVME_FEAT_ERR_RECOVERY = 0x05,
	NVME_FEAT_VOLATILE_WC = 0x06,
	NVME_FEAT_NUM_QUEUES = 0x07,
	NVME_FEAT_IRQ_COALESCE = 0x08,
	NVME_FEAT_IRQ_CONFIG = 0x09,
	NVME_FEAT_WRITE_ATOMIC = 0x0a,
	NVME_FEAT_ASYNC_EVENT = 0x0b,
	NVME_FEAT_KATO = 0x0f,
	NVME_FEAT_HOST_ID = 0x81,
	NVME_FEAT_RESV_MASK = 0x82,
	NVME_FEAT_RESV_PERSIST = 0x83,
	NVME_FEAT_WRITE_PROTECT = 0x84,
};
/* Get Features select (cdw10 bits 10:8) */
#define NVME_FEAT_SEL_CURRENT	0
#define NVME_FEAT_SEL_DEFAULT	1
#define NVME_FEAT_SEL_SAVED	2
#define NVME_FEAT_SEL_SUPPORTED 3
/* Host Identifier: cdw11 bit 0 selects the 128-bit form */
#define NVME_FEAT_HOST_ID_EXHID (1u << 0)

/* ---- Asynchronous events (AER completion dword 0) ----------------------- */

#define NVME_AER_TYPE_ERROR	     0
#define NVME_AER_TYPE_SMART	     1
#define NVME_AER_TYPE_NOTICE	     2
#define NVME_AER_TYPE_IO_SPECIFIC    6 /* info 00h: reservation log page */
#define NVME_AER_NOTICE_NS_CHANGED   0x00
#define NVME_AER_NOTICE_FW_ACT	     0x01
#define NVME_AER_NOTICE_ANA	     0x03
#define NVME_AER_NOTICE_DISC_CHANGED 0xf0
/* dw0 = type | info << 8 | log page << 16 */
#define NVME_AER_RESULT(type, info, lid) \
	((uint32_t)(type) | ((uint32_t)(info) << 8) | ((uint32_t)(lid) << 16))
/* Async Event Configuration feature bits (same positions as oaes) */
#define NVME_AEN_CFG_NS_ATTR		(1u << 8)
#define NVME_AEN_CFG_FW_ACT		(1u << 9)
#define NVME_AEN_CFG_ANA_CHANGE		(1u << 11)
#define NVME_AEN_CFG_DISC_CHANGE	(1u << 31)
/* Reservation Notification log page types (NVMe Base 2.0 Figure 270) and
 * the Reservation Notification Mask feature's bits (Figure 326) */
#define NVME_RESV_LOG_REG_PREEMPTED	1
#define NVME_RESV_LOG_RELEASED		2
#define NVME_RESV_LOG_PREEMPTED		3
/* ... and the SMART / Health critical warnings, bits 0-4 */
#define NVME_SMART_CRIT_SPARE		(1u << 0)
#define NVME_SMART_CRIT_TEMPERATURE	(1u << 1)
#define NVME_SMART_CRIT_RELIABILITY	(1u << 2)
#define NVME_SMART_CRIT_MEDIA		(1u << 3)
#define NVME_SMART_CRIT_VOLATILE_MEMORY (1u << 4)

/* Namespace Write Protection Config feature (FID 84h) states */
#define NVME_NS_NO_WRITE_PROTECT	  0
#define NVME_NS_WRITE_PROTECT		  1
#define NVME_NS_WRITE_PROTECT_POWER_CYCLE 2
#define NVME_NS_WRITE_PROTECT_PERMANENT	  3

/* ---- Dataset Management range (16 bytes) -------------------------------- */

struct nvme_dsm_range {
	uint32_t cattr;
	uint32_t nlb; /* number of blocks, not 0's based */
	uint64_t slba;
};
#define NVME_DSMGMT_IDR	    (1u << 0)
#define NVME_DSMGMT_IDW	    (1u << 1)
#define NVME_DSMGMT_AD	    (1u << 2) /* deallocate */
#define NVME_DSM_MAX_RANGES 256
/* Write Zeroes cdw12 */
#define NVME_WZ_DEAC	    (1u << 25)

/* ---- Layout checks ------------------------------------------------------ */

_Static_assert(sizeof(struct nvme_id_power_state) == 32, "psd");
_Static_assert(sizeof(struct nvme_id_ctrl) == 4096, "id ctrl");
_Static_assert(offsetof(struct nvme_id_ctrl, sn) == 4, "sn");
_Static_assert(offsetof(struct nvme_id_ctrl, mn) == 24, "mn");
_Static_assert(offsetof(struct nvme_id_ctrl, fr) == 64, "fr");
_Static_assert(offsetof(struct nvme_id_ctrl, ieee) == 73, "ieee");
_Static_assert(offsetof(struct nvme_id_ctrl, mdts) == 77, "mdts");
_Static_assert(offsetof(struct nvme_id_ctrl, cntlid) == 78, "cntlid");
_Static_assert(offsetof(struct nvme_id_ctrl, ver) == 80, "ver");
_Static_assert(offsetof(struct nvme_id_ctrl, oaes) == 92, "oaes");
_Static_assert(offsetof(struct nvme_id_ctrl, ctratt) == 96, "ctratt");
_Static_assert(offsetof(struct nvme_id_ctrl, cntrltype) == 111, "cntrltype");
_Static_assert(offsetof(struct nvme_id_ctrl, oacs) == 256, "oacs");
_Static_assert(offsetof(struct nvme_id_ctrl, aerl) == 259, "aerl");
_Static_assert(offsetof(struct nvme_id_ctrl, lpa) == 261, "lpa");
_Static_assert(offsetof(struct nvme_id_ctrl, tnvmcap) == 280, "tnvmcap");
_Static_assert(offsetof(struct nvme_id_ctrl, kas) == 320, "kas");
_Static_assert(offsetof(struct nvme_id_ctrl, anatt) == 342, "anatt");
_Static_assert(offsetof(struct nvme_id_ctrl, anacap) == 343, "anacap");
_Static_assert(offsetof(struct nvme_id_ctrl, anagrpmax) == 344, "anagrpmax");
_Static_assert(offsetof(struct nvme_id_ctrl, nanagrpid) == 348, "nanagrpid");
_Static_assert(offsetof(struct nvme_id_ctrl, sqes) == 512, "sqes");
_Static_assert(offsetof(struct nvme_id_ctrl, maxcmd) == 514, "maxcmd");
_Static_assert(offsetof(struct nvme_id_ctrl, nn) == 516, "nn");
_Static_assert(offsetof(struct nvme_id_ctrl, oncs) == 520, "oncs");
_Static_assert(offsetof(struct nvme_id_ctrl, vwc) == 525, "vwc");
_Static_assert(offsetof(struct nvme_id_ctrl, sgls) == 536, "sgls");
_Static_assert(offsetof(struct nvme_id_ctrl, mnan) == 540, "mnan");
_Static_assert(offsetof(struct nvme_id_ctrl, subnqn) == 768, "subnqn");
_Static_assert(offsetof(struct nvme_id_ctrl, ioccsz) == 1792, "ioccsz");
_Static_assert(offsetof(struct nvme_id_ctrl, iorcsz) == 1796, "iorcsz");
_Static_assert(offsetof(struct nvme_id_ctrl, icdoff) == 1800, "icdoff");
_Static_assert(offsetof(struct nvme_id_ctrl, msdbd) == 1803, "msdbd");
_Static_assert(offsetof(struct nvme_id_ctrl, psd) == 2048, "psd");
_Static_assert(offsetof(struct nvme_id_ctrl, vs) == 3072, "vs");
_Static_assert(sizeof(struct nvme_lbaf) == 4, "lbaf");
_Static_assert(sizeof(struct nvme_id_ns) == 4096, "id ns");
_Static_assert(offsetof(struct nvme_id_ns, nlbaf) == 25, "nlbaf");
_Static_assert(offsetof(struct nvme_id_ns, flbas) == 26, "flbas");
_Static_assert(offsetof(struct nvme_id_ns, dlfeat) == 33, "dlfeat");
_Static_assert(offsetof(struct nvme_id_ns, nvmcap) == 48, "nvmcap");
_Static_assert(offsetof(struct nvme_id_ns, anagrpid) == 92, "anagrpid");
_Static_assert(offsetof(struct nvme_id_ns, nsattr) == 99, "nsattr");
_Static_assert(offsetof(struct nvme_id_ns, nguid) == 104, "nguid");
_Static_assert(offsetof(struct nvme_id_ns, eui64) == 120, "eui64");
_Static_assert(offsetof(struct nvme_id_ns, lbaf) == 128, "lbaf");
_Static_assert(offsetof(struct nvme_id_ns, vs) == 3712, "ns vs");
_Static_assert(sizeof(struct nvme_id_ns_cs_indep) == 4096, "cs indep");
_Static_assert(offsetof(struct nvme_id_ns_cs_indep, anagrpid) == 4, "csi anagrp");
_Static_assert(offsetof(struct nvme_id_ns_cs_indep, nsattr) == 8, "csi nsattr");
_Static_assert(offsetof(struct nvme_id_ns_cs_indep, nstat) == 14, "csi nstat");
_Static_assert(sizeof(struct nvme_ns_id_desc) == 4, "ns id desc");
_Static_assert(sizeof(struct nvme_dsm_range) == 16, "dsm range");

#endif /* FCNVME_NVME_ID_H */
