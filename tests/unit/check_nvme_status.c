// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for NVMe statuses in words (nvme_status.c): exact strings for
 * generic, command-specific, media and path statuses with DNR/More/CRD
 * bits, the Fabrics meaning of the command-specific 0x80.. codes only for
 * a Connect, a refused host with both NQNs, Invalid Parameters naming the
 * field from IATTR/IPO in the command and in the data, unknown fields and
 * codes, and truncation into a short buffer.
 */
#include <string.h>

#include <fcnvme/nvme.h>
#include <fcnvme/nvme_status.h>

#include "suites_libfcnvme.h"

static const struct {
	uint16_t status;
	const char *want;
} status_plain[] = {
	{ 0x0000, "Successful Completion (0x0000)" },
	{ 0x4002, "Invalid Field in Command (0x4002)" },
	{ 0x400b, "Invalid Namespace or Format (0x400b)" },
	{ 0x001b, "Command Aborted due to Preempt and Abort (0x001b)" },
	{ 0x0080, "LBA Out of Range (0x0080)" },
	{ 0x2006, "Internal Error (0x2006)" }, /* More */
	{ 0x0806, "Internal Error (0x0806)" }, /* CRD */
	{ 0x4109, "Invalid Log Page (0x4109)" },
	{ 0x4180, "Conflicting Attributes (0x4180)" }, /* an I/O command's meaning */
	{ 0x4182, "Attempted Write to Read Only Range (0x4182)" },
	{ 0x4281, "Unrecovered Read Error (0x4281)" },
	{ 0x0302, "Asymmetric Access Inaccessible (0x0302)" },
	{ 0x0370, "Host Pathing Error (0x0370)" },
	{ 0x0299, "Status Code Type 2, Status Code 0x99 (0x0299)" },
	{ 0x47ff, "Status Code Type 7, Status Code 0xff (0x47ff)" },
};

START_TEST(status_str_plain)
{
	char buf[200];
	int n;

	n = fcnvme_nvme_status_str(status_plain[_i].status, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, status_plain[_i].want);
	ck_assert_int_eq(n, (int)strlen(status_plain[_i].want));
}
END_TEST

START_TEST(status_str_connect)
{
	struct fcnvme_connect_info ci = {
		.subnqn = "nqn.2026-11.io.nvmetfcd:demo",
		.hostnqn = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002",
		.dw0 = (1u << 16) | 512,
	};
	char buf[300];

	fcnvme_nvme_status_str(NVME_SC_CONNECT_INVALID_HOST | NVME_SC_DNR, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf,
			 "Connect Invalid Host: host "
			 "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-"
			 "000000000002 is not allowed on nqn.2026-11.io.nvmetfcd:demo (0x4184)");
	ci.dw0 = (1u << 16) | 256;
	fcnvme_nvme_status_str(NVME_SC_CONNECT_INVALID_PARAM | NVME_SC_DNR, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Connect Invalid Parameters (offset 256: subsysnqn in the Connect "
			      "data) (0x4182)");
	ci.dw0 = (1u << 16) | 16;
	fcnvme_nvme_status_str(NVME_SC_CONNECT_INVALID_PARAM | NVME_SC_DNR, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Connect Invalid Parameters (offset 16: cntlid in the Connect "
			      "data) (0x4182)");
	ci.dw0 = 44; /* IATTR 0: in the SQE */
	fcnvme_nvme_status_str(NVME_SC_CONNECT_INVALID_PARAM | NVME_SC_DNR, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Connect Invalid Parameters (offset 44: sqsize in the Connect "
			      "command) (0x4182)");
	ci.dw0 = (1u << 16) | 900;
	fcnvme_nvme_status_str(NVME_SC_CONNECT_INVALID_PARAM, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Connect Invalid Parameters (offset 900: unknown field in the "
			      "Connect data) (0x0182)");
	fcnvme_nvme_status_str(NVME_SC_CONNECT_CTRL_BUSY | NVME_SC_DNR, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Connect Controller Busy (0x4181)");
	/* a generic status in a Connect's response keeps its generic name */
	fcnvme_nvme_status_str(NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Data SGL Length Invalid (0x400f)");
	ci.hostnqn = NULL;
	ci.subnqn = NULL;
	fcnvme_nvme_status_str(NVME_SC_CONNECT_INVALID_HOST, &ci, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Connect Invalid Host: host ? is not allowed on ? (0x0184)");
}
END_TEST

START_TEST(status_names)
{
	char small[12];
	int n;

	ck_assert_str_eq(fcnvme_nvme_status_name(0x4184, 1), "Connect Invalid Host");
	ck_assert_ptr_null(fcnvme_nvme_status_name(0x4184, 0));
	ck_assert_str_eq(fcnvme_nvme_status_name(0x4191, 1), "Authentication Required");
	ck_assert_ptr_null(fcnvme_nvme_status_name(0x0017, 0));
	n = fcnvme_nvme_status_str(0x400b, NULL, small, sizeof(small));
	ck_assert_int_eq(n, (int)strlen("Invalid Namespace or Format (0x400b)"));
	ck_assert_str_eq(small, "Invalid Nam");
}
END_TEST

Suite *nvme_status_suite(void)
{
	Suite *s = suite_create("nvme_status");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, status_str_plain, 0,
			    sizeof(status_plain) / sizeof(status_plain[0]));
	tcase_add_test(tc, status_str_connect);
	tcase_add_test(tc, status_names);
	suite_add_tcase(s, tc);
	return s;
}
