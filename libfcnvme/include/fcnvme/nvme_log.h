/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVMe log pages (NVMe Base 2.0, NVMe-oF 1.1): the log identifiers, Get Log
 * Page dword encodings, and the layouts of the Error Information, SMART /
 * Health, Firmware Slot, Changed Namespace List, Commands Supported and
 * Effects, Asymmetric Namespace Access and Discovery log pages. All fields
 * are little-endian; the discovery entry's strings are space- or NUL-padded
 * as commented.
 */
#ifndef FCNVME_NVME_LOG_H
#define FCNVME_NVME_LOG_H

#include <stddef.h>
#include <stdint.h>

/* ---- Log identifiers ---------------------------------------------------- */

enum nvme_log_lid {
	NVME_LOG_SUPPORTED = 0x00,
	NVME_LOG_ERROR = 0x01,
	NVME_LOG_SMART = 0x02,
	NVME_LOG_FW_SLOT = 0x03,
	NVME_LOG_CHANGED_NS = 0x04,
	NVME_LOG_CMD_EFFECTS = 0x05,
	NVME_LOG_ANA = 0x0c,
	NVME_LOG_DISC = 0x70,
	NVME_LOG_RESV = 0x80, /* Reservation Notification, 64 bytes */
};

/*
 * Get Log Page: cdw10 = lid (7:0) | lsp (11:8) | rae (15) | numdl (31:16);
 * cdw11 = numdu (15:0) | lsi (31:16); cdw12/13 = offset (bytes, 64-bit);
 * number of dwords = (numdu << 16 | numdl) + 1.
 */
#define NVME_GLP_LID(cdw10) ((cdw10)&0xff)
#define NVME_GLP_LSP(cdw10) (((cdw10) >> 8) & 0x0f)
#define NVME_GLP_RAE	    (1u << 15)
/* ANA log lsp bit 0: return only group descriptors, no NSID lists */
#define NVME_ANA_LOG_RGO    (1u << 0)

/* ---- Error Information (01h), 64 bytes per entry ------------------------ */

struct nvme_error_log_entry {
	uint64_t error_count;
	uint16_t sqid;
	uint16_t cmdid;
	uint16_t status_field; /* status << 1 | phase */
	uint16_t param_error_location;
	uint64_t lba;
	uint32_t nsid;
	uint8_t vs;
	uint8_t trtype;
	uint8_t rsvd30[2];
	uint64_t cs;
	uint16_t trtype_spec_info;
	uint8_t rsvd42[22];
};

/* ---- SMART / Health Information (02h), 512 bytes ------------------------ */

struct nvme_smart_log {
	uint8_t critical_warning;
	uint8_t temperature[2]; /* kelvin */
	uint8_t avail_spare;
	uint8_t spare_thresh;
	uint8_t percent_used;
	uint8_t endu_grp_crit_warn_sumry;
	uint8_t rsvd7[25];
	uint8_t data_units_read[16]; /* 1000 x 512 bytes */
	uint8_t data_units_written[16];
	uint8_t host_reads[16];
	uint8_t host_writes[16];
	uint8_t ctrl_busy_time[16];
	uint8_t power_cycles[16];
	uint8_t power_on_hours[16];
	uint8_t unsafe_shutdowns[16];
	uint8_t media_errors[16];
	uint8_t num_err_log_entries[16];
	uint32_t warning_temp_time;
	uint32_t critical_comp_time;
	uint16_t temp_sensor[8];
	uint32_t thm_temp1_trans_count;
	uint32_t thm_temp2_trans_count;
	uint32_t thm_temp1_total_time;
	uint32_t thm_temp2_total_time;
	uint8_t rsvd232[280];
};

/* ---- Firmware Slot Information (03h), 512 bytes ------------------------- */

struct nvme_fw_slot_log {
	uint8_t afi; /* active slot in bits 2:0 */
	uint8_t rsvd1[7];
	char frs[7][8]; /* revision per slot, space padded */
	uint8_t rsvd64[448];
};

/* ---- Changed Namespace List (04h), 4096 bytes --------------------------- */

#define NVME_MAX_CHANGED_NS 1024
struct nvme_changed_ns_log {
	/* NSIDs in ascending order, zero terminated; a first entry of
	 * 0xffffffff means more than 1024 changed. */
	uint32_t nsid[NVME_MAX_CHANGED_NS];
};

/* ---- Commands Supported and Effects (05h), 4096 bytes ------------------- */

struct nvme_effects_log {
	uint32_t acs[256];  /* admin, by opcode */
	uint32_t iocs[256]; /* I/O, by opcode */
	uint8_t rsvd2048[2048];
};
#define NVME_CMD_EFFECTS_CSUPP (1u << 0)
#define NVME_CMD_EFFECTS_LBCC  (1u << 1)
#define NVME_CMD_EFFECTS_NCC   (1u << 2)
#define NVME_CMD_EFFECTS_NIC   (1u << 3)
#define NVME_CMD_EFFECTS_CCC   (1u << 4)

/* ---- Asymmetric Namespace Access (0Ch) ---------------------------------- */

enum nvme_ana_state {
	NVME_ANA_OPTIMIZED = 0x01,
	NVME_ANA_NONOPTIMIZED = 0x02,
	NVME_ANA_INACCESSIBLE = 0x03,
	NVME_ANA_PERSISTENT_LOSS = 0x04,
	NVME_ANA_CHANGE = 0x0f,
};

struct nvme_ana_rsp_hdr {
	uint64_t chgcnt;
	uint16_t ngrps;
	uint8_t rsvd10[6];
	/* ngrps group descriptors follow */
};

struct nvme_ana_group_desc {
	uint32_t grpid;
	uint32_t nnsids;
	uint64_t chgcnt;
	uint8_t state; /* enum nvme_ana_state in bits 3:0 */
	uint8_t rsvd17[15];
	/* nnsids uint32_t NSIDs follow, ascending */
};

/* ---- Discovery (70h) ---------------------------------------------------- */

#define NVME_DISC_SUBSYS_NAME "nqn.2014-08.org.nvmexpress.discovery"
#define NVMF_NQN_SIZE	      223 /* max NQN length, NUL excluded */
#define NVMF_TRSVCID_SIZE     32
#define NVMF_TRADDR_SIZE      256
#define NVMF_TSAS_SIZE	      256

enum nvmf_trtype {
	NVMF_TRTYPE_RDMA = 1,
	NVMF_TRTYPE_FC = 2,
	NVMF_TRTYPE_TCP = 3,
	NVMF_TRTYPE_LOOP = 254,
};

enum nvmf_adrfam {
	NVMF_ADDR_FAMILY_IP4 = 1,
	NVMF_ADDR_FAMILY_IP6 = 2,
	NVMF_ADDR_FAMILY_IB = 3,
	NVMF_ADDR_FAMILY_FC = 4,
	NVMF_ADDR_FAMILY_LOOP = 254,
};

enum nvme_subsys_type {
	NVME_NQN_DISC = 1, /* referral to a discovery subsystem */
	NVME_NQN_NVME = 2, /* NVM subsystem */
	NVME_NQN_CURR = 3, /* the current discovery subsystem */
};

/* treq */
#define NVMF_TREQ_NOT_SPECIFIED	 0
#define NVMF_TREQ_REQUIRED	 1
#define NVMF_TREQ_NOT_REQUIRED	 2
#define NVMF_TREQ_DISABLE_SQFLOW (1u << 2)

/* eflags */
#define NVMF_DISC_EFLAGS_DUPRETINFO (1u << 0)
#define NVMF_DISC_EFLAGS_EPCSD	    (1u << 1)

#define NVME_CNTLID_DYNAMIC 0xffff

struct nvmf_disc_rsp_page_entry {
	uint8_t trtype;
	uint8_t adrfam;
	uint8_t subtype;
	uint8_t treq;
	uint16_t portid;
	uint16_t cntlid;
	uint16_t asqsz;
	uint16_t eflags;
	uint8_t rsvd12[20];
	char trsvcid[NVMF_TRSVCID_SIZE]; /* NUL padded, as Linux */
	uint8_t rsvd64[192];
	char subnqn[256];	       /* NUL padded */
	char traddr[NVMF_TRADDR_SIZE]; /* NUL padded, as Linux */
	uint8_t tsas[NVMF_TSAS_SIZE];
};

struct nvmf_disc_rsp_page_hdr {
	uint64_t genctr;
	uint64_t numrec;
	uint16_t recfmt;
	uint8_t rsvd18[1006];
	/* numrec entries follow */
};

/* ---- Layout checks ------------------------------------------------------ */

_Static_assert(sizeof(struct nvme_error_log_entry) == 64, "error log");
_Static_assert(offsetof(struct nvme_error_log_entry, lba) == 16, "err lba");
_Static_assert(offsetof(struct nvme_error_log_entry, nsid) == 24, "err nsid");
_Static_assert(offsetof(struct nvme_error_log_entry, trtype) == 29, "err trtype");
_Static_assert(offsetof(struct nvme_error_log_entry, cs) == 32, "err cs");
_Static_assert(sizeof(struct nvme_smart_log) == 512, "smart");
_Static_assert(offsetof(struct nvme_smart_log, data_units_read) == 32, "dur");
_Static_assert(offsetof(struct nvme_smart_log, host_reads) == 64, "hr");
_Static_assert(offsetof(struct nvme_smart_log, power_on_hours) == 128, "poh");
_Static_assert(offsetof(struct nvme_smart_log, num_err_log_entries) == 176, "nel");
_Static_assert(offsetof(struct nvme_smart_log, warning_temp_time) == 192, "wtt");
_Static_assert(offsetof(struct nvme_smart_log, temp_sensor) == 200, "ts");
_Static_assert(offsetof(struct nvme_smart_log, thm_temp2_total_time) == 228, "tt2");
_Static_assert(sizeof(struct nvme_fw_slot_log) == 512, "fw slot");
_Static_assert(offsetof(struct nvme_fw_slot_log, frs) == 8, "frs");
_Static_assert(sizeof(struct nvme_changed_ns_log) == 4096, "changed ns");
_Static_assert(sizeof(struct nvme_effects_log) == 4096, "effects");
_Static_assert(offsetof(struct nvme_effects_log, iocs) == 1024, "iocs");
_Static_assert(sizeof(struct nvme_ana_rsp_hdr) == 16, "ana hdr");
_Static_assert(sizeof(struct nvme_ana_group_desc) == 32, "ana desc");
_Static_assert(offsetof(struct nvme_ana_group_desc, state) == 16, "ana state");
_Static_assert(sizeof(struct nvmf_disc_rsp_page_entry) == 1024, "disc entry");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, portid) == 4, "portid");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, cntlid) == 6, "d cntlid");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, asqsz) == 8, "asqsz");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, trsvcid) == 32, "trsvcid");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, subnqn) == 256, "d subnqn");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, traddr) == 512, "traddr");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_entry, tsas) == 768, "tsas");
_Static_assert(sizeof(struct nvmf_disc_rsp_page_hdr) == 1024, "disc hdr");
_Static_assert(offsetof(struct nvmf_disc_rsp_page_hdr, recfmt) == 16, "recfmt");

#endif /* FCNVME_NVME_LOG_H */
