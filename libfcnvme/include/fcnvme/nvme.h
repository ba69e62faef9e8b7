/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVMe command and completion structures, opcodes and status codes (NVMe Base
 * 2.0, NVMe-oF 1.1) as carried inside FC-NVMe IUs. All fields little-endian.
 * Identify data structures live in nvme_id.h, log pages in nvme_log.h.
 */
#ifndef FCNVME_NVME_H
#define FCNVME_NVME_H

#include <stddef.h>
#include <stdint.h>

/* ---- SGL descriptor (16 bytes) ------------------------------------------ */

#define NVME_SGL_FMT_ADDRESS	     0x00
#define NVME_SGL_FMT_OFFSET	     0x01
#define NVME_SGL_FMT_TRANSPORT_A     0x0a
#define NVME_SGL_FMT_DATA_DESC	     0x00
#define NVME_TRANSPORT_SGL_DATA_DESC 0x05
/* (NVME_TRANSPORT_SGL_DATA_DESC << 4) | NVME_SGL_FMT_TRANSPORT_A */
#define NVME_SGL_TYPE_FC_DATA	     0x5a

struct nvme_sgl_desc {
	uint64_t addr;
	uint32_t length;
	uint8_t rsvd[3];
	uint8_t type;
};

/* SQE flags byte */
#define NVME_CMD_FUSE_FIRST  0x01
#define NVME_CMD_FUSE_SECOND 0x02
#define NVME_CMD_FUSE_MASK   0x03
#define NVME_CMD_SGL_METABUF 0x40
#define NVME_CMD_SGL_METASEG 0x80
#define NVME_CMD_SGL_ALL     0xc0

/* ---- Submission queue entry (64 bytes) ---------------------------------- */

/* The common layout; the command-specific views below alias it. */
struct nvme_common_command {
	uint8_t opcode;
	uint8_t flags;
	uint16_t command_id;
	uint32_t nsid;
	uint32_t cdw2[2];
	uint64_t metadata;
	struct nvme_sgl_desc dptr;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
};

struct nvme_rw_command {
	uint8_t opcode;
	uint8_t flags;
	uint16_t command_id;
	uint32_t nsid;
	uint32_t cdw2;
	uint32_t cdw3;
	uint64_t metadata;
	struct nvme_sgl_desc dptr;
	uint64_t slba;
	uint16_t length;  /* 0's based number of blocks */
	uint16_t control; /* NVME_RW_FUA, ... */
	uint32_t dsmgmt;
	uint32_t reftag;
	uint16_t apptag;
	uint16_t appmask;
};
#define NVME_RW_FUA (1u << 14)
#define NVME_RW_LR  (1u << 15)

/* Fabrics commands share opcode 0x7f and carry fctype at byte 4. */
struct nvmf_common_command {
	uint8_t opcode; /* nvme_fabrics_command */
	uint8_t resv1;
	uint16_t command_id;
	uint8_t fctype;
	uint8_t resv2[35];
	uint8_t ts[24];
};

struct nvmf_connect_command {
	uint8_t opcode;
	uint8_t resv1;
	uint16_t command_id;
	uint8_t fctype; /* nvme_fabrics_type_connect */
	uint8_t resv2[19];
	struct nvme_sgl_desc dptr;
	uint16_t recfmt; /* must be 0 */
	uint16_t qid;
	uint16_t sqsize; /* 0's based */
	uint8_t cattr;
	uint8_t resv3;
	uint32_t kato; /* ms */
	uint8_t resv4[12];
};
#define NVME_CONNECT_DISABLE_SQFLOW (1u << 2)

struct nvmf_connect_data {
	uint8_t hostid[16];
	uint16_t cntlid;
	uint8_t resv4[238];
	char subsysnqn[256];
	char hostnqn[256];
	uint8_t resv5[256];
};

struct nvmf_property_set_command {
	uint8_t opcode;
	uint8_t resv1;
	uint16_t command_id;
	uint8_t fctype;
	uint8_t resv2[35];
	uint8_t attrib; /* 0: 4 bytes, 1: 8 bytes */
	uint8_t resv3[3];
	uint32_t offset;
	uint64_t value;
	uint8_t resv4[8];
};

struct nvmf_property_get_command {
	uint8_t opcode;
	uint8_t resv1;
	uint16_t command_id;
	uint8_t fctype;
	uint8_t resv2[35];
	uint8_t attrib;
	uint8_t resv3[3];
	uint32_t offset;
	uint8_t resv4[16];
};

struct nvme_command {
	union {
		struct nvme_common_command common;
		struct nvme_rw_command rw;
		struct nvmf_common_command fabrics;
		struct nvmf_connect_command connect;
		struct nvmf_property_set_command prop_set;
		struct nvmf_property_get_command prop_get;
		uint8_t raw[64];
	};
};

/* ---- Completion queue entry (16 bytes) ---------------------------------- */

struct nvme_completion {
	union {
		uint64_t u64;
		struct {
			uint32_t dw0;
			uint32_t dw1;
		};
	} result;
	uint16_t sq_head;
	uint16_t sq_id;
	uint16_t command_id;
	uint16_t status; /* (sc << 1) | phase */
};

/* ---- Opcodes ------------------------------------------------------------ */

enum nvme_admin_opcode {
	nvme_admin_delete_sq = 0x00,
	nvme_admin_create_sq = 0x01,
	nvme_admin_get_log_page = 0x02,
	nvme_admin_delete_cq = 0x04,
	nvme_admin_create_cq = 0x05,
	nvme_admin_identify = 0x06,
	nvme_admin_abort_cmd = 0x08,
	nvme_admin_set_features = 0x09,
	nvme_admin_get_features = 0x0a,
	nvme_admin_async_event = 0x0c,
	nvme_admin_keep_alive = 0x18,
};

enum nvme_io_opcode {
	nvme_cmd_flush = 0x00,
	nvme_cmd_write = 0x01,
	nvme_cmd_read = 0x02,
	nvme_cmd_compare = 0x05,
	nvme_cmd_write_zeroes = 0x08,
	nvme_cmd_dsm = 0x09,
	/* NVMe Base 2.0 §7.6-7.9 */
	nvme_cmd_resv_register = 0x0d,
	nvme_cmd_resv_report = 0x0e,
	nvme_cmd_resv_acquire = 0x11,
	nvme_cmd_resv_release = 0x15,
};

#define nvme_fabrics_command 0x7f

/* Reservation types (NVMe Base 2.0 Figure 431, RTYPE) */
enum nvme_resv_type {
	NVME_RESV_WRITE_EXCLUSIVE = 1,
	NVME_RESV_EXCLUSIVE_ACCESS = 2,
	NVME_RESV_WRITE_EXCLUSIVE_REG_ONLY = 3,
	NVME_RESV_EXCLUSIVE_ACCESS_REG_ONLY = 4,
	NVME_RESV_WRITE_EXCLUSIVE_ALL_REGS = 5,
	NVME_RESV_EXCLUSIVE_ACCESS_ALL_REGS = 6,
};
/* Reservation Register cdw10: RREGA, IEKEY, CPTPL */
#define NVME_RESV_RREGA_MASK	0x7u
#define NVME_RESV_REGISTER	0u
#define NVME_RESV_UNREGISTER	1u
#define NVME_RESV_REPLACE	2u
#define NVME_RESV_IEKEY		(1u << 3)
#define NVME_RESV_CPTPL_SHIFT	30
/* Reservation Acquire cdw10: RACQA, IEKEY, RTYPE bits 15:8 */
#define NVME_RESV_ACQUIRE	0u
#define NVME_RESV_PREEMPT	1u
#define NVME_RESV_PREEMPT_ABORT 2u
/* Reservation Release cdw10: RRELA, IEKEY, RTYPE */
#define NVME_RESV_RELEASE	0u
#define NVME_RESV_CLEAR		1u
/* Reservation Report cdw11 bit 0: extended data structure */
#define NVME_RESV_REPORT_EDS	(1u << 0)

enum nvmf_fabrics_type {
	nvme_fabrics_type_property_set = 0x00,
	nvme_fabrics_type_connect = 0x01,
	nvme_fabrics_type_property_get = 0x04,
	nvme_fabrics_type_auth_send = 0x05,
	nvme_fabrics_type_auth_receive = 0x06,
};

/* Data direction from the opcode: bit 0 host-to-controller, bit 1 reverse. */
static inline int nvme_opcode_is_write(uint8_t opcode)
{
	return opcode & 1;
}

/* ---- Properties (controller registers) ---------------------------------- */

enum {
	NVME_REG_CAP = 0x0000, /* 8 bytes */
	NVME_REG_VS = 0x0008,
	NVME_REG_CC = 0x0014,
	NVME_REG_CSTS = 0x001c,
	NVME_REG_CRTO = 0x0068,
};

#define NVME_CC_ENABLE	      (1u << 0)
#define NVME_CC_CSS_SHIFT     4
#define NVME_CC_SHN_SHIFT     14
#define NVME_CC_SHN_MASK      (3u << NVME_CC_SHN_SHIFT)
#define NVME_CC_SHN_NORMAL    (1u << NVME_CC_SHN_SHIFT)
#define NVME_CC_SHN_ABRUPT    (2u << NVME_CC_SHN_SHIFT)
#define NVME_CC_IOSQES_SHIFT  16
#define NVME_CC_IOCQES_SHIFT  20
#define NVME_CSTS_RDY	      (1u << 0)
#define NVME_CSTS_CFS	      (1u << 1)
#define NVME_CSTS_SHST_NORMAL (0u << 2)
#define NVME_CSTS_SHST_OCCUR  (1u << 2)
#define NVME_CSTS_SHST_CMPLT  (2u << 2)
#define NVME_CSTS_SHST_MASK   (3u << 2)

#define NVME_VS(major, minor, ter) (((major) << 16) | ((minor) << 8) | (ter))

/* ---- Status codes (the value before the << 1 phase shift) --------------- */

enum {
	/* generic */
	NVME_SC_SUCCESS = 0x000,
	NVME_SC_INVALID_OPCODE = 0x001,
	NVME_SC_INVALID_FIELD = 0x002,
	NVME_SC_CMDID_CONFLICT = 0x003,
	NVME_SC_DATA_XFER_ERROR = 0x004,
	NVME_SC_ABORT_REQ = 0x007,
	NVME_SC_INTERNAL = 0x006,
	NVME_SC_SQ_DELETION = 0x008,
	NVME_SC_FUSED_FAIL = 0x009,
	NVME_SC_FUSED_MISSING = 0x00a,
	NVME_SC_INVALID_NS = 0x00b,
	NVME_SC_CMD_SEQ_ERROR = 0x00c,
	NVME_SC_SGL_INVALID_LAST = 0x00d,
	NVME_SC_SGL_INVALID_COUNT = 0x00e,
	NVME_SC_SGL_INVALID_DATA = 0x00f,
	NVME_SC_SGL_INVALID_METADATA = 0x010,
	NVME_SC_SGL_INVALID_TYPE = 0x011,
	NVME_SC_SGL_INVALID_OFFSET = 0x016,
	NVME_SC_NS_NOT_READY = 0x082,
	NVME_SC_LBA_RANGE = 0x080,
	NVME_SC_CAP_EXCEEDED = 0x081,
	NVME_SC_RESERVATION_CONFLICT = 0x083,
	NVME_SC_HOST_ID_INCONSIST = 0x018,
	NVME_SC_ABORTED_PREEMPT_ABORT = 0x01b,
	NVME_SC_NS_WRITE_PROTECTED = 0x020, /* generic (Base 2.0 fig. 101), not command specific */
	NVME_SC_CMD_INTERRUPTED = 0x021,    /* retry it (Linux nvme_decide_disposition) */

	/* command specific */
	NVME_SC_INVALID_LOG_PAGE = 0x109,
	NVME_SC_ASYNC_LIMIT = 0x105,
	NVME_SC_FEATURE_NOT_SAVEABLE = 0x10d,
	NVME_SC_FEATURE_NOT_CHANGEABLE = 0x10e,
	NVME_SC_CONNECT_FORMAT = 0x180,
	NVME_SC_CONNECT_CTRL_BUSY = 0x181,
	NVME_SC_CONNECT_INVALID_PARAM = 0x182,
	NVME_SC_CONNECT_RESTART_DISC = 0x183,
	NVME_SC_CONNECT_INVALID_HOST = 0x184,
	NVME_SC_AUTH_REQUIRED = 0x191,

	/* media and data integrity */
	NVME_SC_WRITE_FAULT = 0x280,
	NVME_SC_READ_ERROR = 0x281,
	NVME_SC_COMPARE_FAILED = 0x285,
	NVME_SC_ACCESS_DENIED = 0x286,

	/* path related */
	NVME_SC_ANA_PERSISTENT_LOSS = 0x301,
	NVME_SC_ANA_INACCESSIBLE = 0x302,
	NVME_SC_ANA_TRANSITION = 0x303,
	NVME_SC_HOST_PATH_ERROR = 0x370,
	NVME_SC_HOST_ABORTED_CMD = 0x371,

	NVME_SC_CRD = 0x1800,
	NVME_SC_MORE = 0x2000,
	NVME_SC_DNR = 0x4000,
};

/* ---- Layout checks ------------------------------------------------------ */

_Static_assert(sizeof(struct nvme_sgl_desc) == 16, "sgl desc");
_Static_assert(sizeof(struct nvme_common_command) == 64, "sqe");
_Static_assert(sizeof(struct nvme_rw_command) == 64, "rw sqe");
_Static_assert(sizeof(struct nvmf_common_command) == 64, "fabrics sqe");
_Static_assert(sizeof(struct nvmf_connect_command) == 64, "connect sqe");
_Static_assert(offsetof(struct nvmf_connect_command, recfmt) == 40, "recfmt");
_Static_assert(offsetof(struct nvmf_connect_command, qid) == 42, "qid");
_Static_assert(offsetof(struct nvmf_connect_command, sqsize) == 44, "sqsize");
_Static_assert(offsetof(struct nvmf_connect_command, cattr) == 46, "cattr");
_Static_assert(offsetof(struct nvmf_connect_command, kato) == 48, "kato");
_Static_assert(sizeof(struct nvmf_connect_data) == 1024, "connect data");
_Static_assert(offsetof(struct nvmf_connect_data, cntlid) == 16, "cntlid");
_Static_assert(offsetof(struct nvmf_connect_data, subsysnqn) == 256, "subnqn");
_Static_assert(offsetof(struct nvmf_connect_data, hostnqn) == 512, "hostnqn");
_Static_assert(sizeof(struct nvmf_property_set_command) == 64, "prop set");
_Static_assert(offsetof(struct nvmf_property_set_command, offset) == 44, "pset off");
_Static_assert(offsetof(struct nvmf_property_set_command, value) == 48, "pset val");
_Static_assert(sizeof(struct nvmf_property_get_command) == 64, "prop get");
_Static_assert(offsetof(struct nvmf_property_get_command, offset) == 44, "pget off");
_Static_assert(sizeof(struct nvme_command) == 64, "nvme_command");
_Static_assert(offsetof(struct nvme_common_command, dptr) == 24, "dptr");
_Static_assert(offsetof(struct nvme_common_command, cdw10) == 40, "cdw10");
_Static_assert(offsetof(struct nvme_rw_command, slba) == 40, "slba");
_Static_assert(offsetof(struct nvme_rw_command, length) == 48, "nlb");
_Static_assert(sizeof(struct nvme_completion) == 16, "cqe");
_Static_assert(offsetof(struct nvme_completion, sq_head) == 8, "sq_head");
_Static_assert(offsetof(struct nvme_completion, command_id) == 12, "cqe cid");
_Static_assert(offsetof(struct nvme_completion, status) == 14, "cqe status");

#endif /* FCNVME_NVME_H */
