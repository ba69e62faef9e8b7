// SPDX-License-Identifier: Apache-2.0
/*
 * NVMe statuses in words (fcnvme/nvme_status.h): a table per status code
 * type, named as the NVM Express Base Specification 2.0 names them, and
 * the Connect response's IATTR/IPO turned into the name of the field
 * (NVMe-oF 1.1 fig. 19 and 20 give the Connect command and data layout).
 */
#include <stdio.h>

#include <fcnvme/nvme.h>
#include <fcnvme/nvme_status.h>

struct nvme_status_name {
	uint16_t sc; /* SCT << 8 | SC */
	const char *name;
};

static const struct nvme_status_name nvme_status_names[] = {
	/* generic (Base 2.0 fig. 101) */
	{ 0x000, "Successful Completion" },
	{ 0x001, "Invalid Command Opcode" },
	{ 0x002, "Invalid Field in Command" },
	{ 0x003, "Command ID Conflict" },
	{ 0x004, "Data Transfer Error" },
	{ 0x005, "Commands Aborted due to Power Loss Notification" },
	{ 0x006, "Internal Error" },
	{ 0x007, "Command Abort Requested" },
	{ 0x008, "Command Aborted due to SQ Deletion" },
	{ 0x009, "Command Aborted due to Failed Fused Command" },
	{ 0x00a, "Command Aborted due to Missing Fused Command" },
	{ 0x00b, "Invalid Namespace or Format" },
	{ 0x00c, "Command Sequence Error" },
	{ 0x00d, "Invalid SGL Segment Descriptor" },
	{ 0x00e, "Invalid Number of SGL Descriptors" },
	{ 0x00f, "Data SGL Length Invalid" },
	{ 0x010, "Metadata SGL Length Invalid" },
	{ 0x011, "SGL Descriptor Type Invalid" },
	{ 0x015, "Operation Denied" },
	{ 0x016, "SGL Offset Invalid" },
	{ 0x018, "Host Identifier Inconsistent Format" },
	{ 0x019, "Keep Alive Timer Expired" },
	{ 0x01a, "Keep Alive Timeout Invalid" },
	{ 0x01b, "Command Aborted due to Preempt and Abort" },
	{ 0x020, "Namespace is Write Protected" },
	{ 0x021, "Command Interrupted" },
	{ 0x022, "Transient Transport Error" },
	{ 0x080, "LBA Out of Range" },
	{ 0x081, "Capacity Exceeded" },
	{ 0x082, "Namespace Not Ready" },
	{ 0x083, "Reservation Conflict" },
	{ 0x084, "Format In Progress" },
	/* command specific (Base 2.0 fig. 102) */
	{ 0x100, "Completion Queue Invalid" },
	{ 0x101, "Invalid Queue Identifier" },
	{ 0x102, "Invalid Queue Size" },
	{ 0x103, "Abort Command Limit Exceeded" },
	{ 0x105, "Asynchronous Event Request Limit Exceeded" },
	{ 0x109, "Invalid Log Page" },
	{ 0x10a, "Invalid Format" },
	{ 0x10d, "Feature Identifier Not Saveable" },
	{ 0x10e, "Feature Not Changeable" },
	{ 0x10f, "Feature Not Namespace Specific" },
	/* NVM command set I/O commands (NVM Command Set 1.0 fig. 34) */
	{ 0x180, "Conflicting Attributes" },
	{ 0x181, "Invalid Protection Information" },
	{ 0x182, "Attempted Write to Read Only Range" },
	/* media and data integrity (Base 2.0 fig. 104) */
	{ 0x280, "Write Fault" },
	{ 0x281, "Unrecovered Read Error" },
	{ 0x282, "End-to-end Guard Check Error" },
	{ 0x283, "End-to-end Application Tag Check Error" },
	{ 0x284, "End-to-end Reference Tag Check Error" },
	{ 0x285, "Compare Failure" },
	{ 0x286, "Access Denied" },
	{ 0x287, "Deallocated or Unwritten Logical Block" },
	/* path related (Base 2.0 fig. 105) */
	{ 0x300, "Internal Path Error" },
	{ 0x301, "Asymmetric Access Persistent Loss" },
	{ 0x302, "Asymmetric Access Inaccessible" },
	{ 0x303, "Asymmetric Access Transition" },
	{ 0x360, "Controller Pathing Error" },
	{ 0x370, "Host Pathing Error" },
	{ 0x371, "Command Aborted By Host" },
	{ 0, NULL },
};

/* Fabrics commands (NVMe-oF 1.1 fig. 21): the same codes as the NVM I/O
 * ones above mean something else here. */
static const struct nvme_status_name nvme_status_fabrics[] = {
	{ 0x180, "Connect Incompatible Format" },
	{ 0x181, "Connect Controller Busy" },
	{ 0x182, "Connect Invalid Parameters" },
	{ 0x183, "Connect Restart Discovery" },
	{ 0x184, "Connect Invalid Host" },
	{ 0x185, "Invalid Queue Type" },
	{ 0x190, "Discover Restart" },
	{ 0x191, "Authentication Required" },
	{ 0, NULL },
};

/* The fields of a Connect command (SQE) and its data, by offset. */
static const struct nvme_status_name nvme_connect_sqe_fields[] = {
	{ 0, "opcode" },  { 2, "command identifier" },
	{ 4, "fctype" },  { 24, "sgl1" },
	{ 40, "recfmt" }, { 42, "qid" },
	{ 44, "sqsize" }, { 46, "cattr" },
	{ 48, "kato" },	  { 0, NULL },
};
static const struct nvme_status_name nvme_connect_data_fields[] = {
	{ 0, "hostid" }, { 16, "cntlid" }, { 256, "subsysnqn" }, { 512, "hostnqn" }, { 0, NULL },
};

static const char *nvme_status_find(const struct nvme_status_name *t, uint16_t sc)
{
	for (; t->name; t++)
		if (t->sc == sc)
			return t->name;
	return NULL;
}

const char *fcnvme_nvme_status_name(uint16_t status, int fabrics)
{
	uint16_t sc = status & 0x7ff;
	const char *n = fabrics ? nvme_status_find(nvme_status_fabrics, sc) : NULL;

	return n ? n : nvme_status_find(nvme_status_names, sc);
}

int fcnvme_nvme_status_str(uint16_t status, const struct fcnvme_connect_info *conn, char *buf,
			   size_t len)
{
	uint16_t sc = status & 0x7ff;
	const char *name = fcnvme_nvme_status_name(status, conn != NULL);
	const char *field;
	uint16_t ipo;
	int data;

	if (!name)
		return snprintf(buf, len, "Status Code Type %u, Status Code 0x%02x (0x%04x)",
				(unsigned int)(sc >> 8), (unsigned int)(sc & 0xff),
				(unsigned int)status);
	if (conn && sc == NVME_SC_CONNECT_INVALID_HOST)
		return snprintf(buf, len, "%s: host %s is not allowed on %s (0x%04x)", name,
				conn->hostnqn ? conn->hostnqn : "?",
				conn->subnqn ? conn->subnqn : "?", (unsigned int)status);
	if (conn && sc == NVME_SC_CONNECT_INVALID_PARAM) {
		ipo = (uint16_t)(conn->dw0 & 0xffff);
		data = (conn->dw0 >> 16) & 1;
		field = nvme_status_find(data ? nvme_connect_data_fields : nvme_connect_sqe_fields,
					 ipo);
		return snprintf(buf, len, "%s (offset %u: %s in the Connect %s) (0x%04x)", name,
				(unsigned int)ipo, field ? field : "unknown field",
				data ? "data" : "command", (unsigned int)status);
	}
	return snprintf(buf, len, "%s (0x%04x)", name, (unsigned int)status);
}
