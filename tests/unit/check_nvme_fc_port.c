// SPDX-License-Identifier: Apache-2.0
/*
 * Host transport without a target: local/remote port registration rules,
 * remote port resume and remoteport_delete timing, the LS requests a target
 * may send us (exact reject bytes), and the FCP response checks of
 * fcn_host_io_check_rsp() against Linux nvme_fc_fcpio_done().
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/ls.h>
#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/nvme_fc_host.h>

#include "../../libfcnvme/host/nvme_fc_int.h"
#include "suites_libfcnvme.h"

static int n_lport_del, n_rport_del, n_xmt;
static uint8_t xmt_buf[128];
static uint16_t xmt_len;
static struct nvmefc_ls_rsp *xmt_rsp;

static void t_lport_delete(struct nvme_fc_local_port *l)
{
	(void)l;
	n_lport_del++;
}
static void t_rport_delete(struct nvme_fc_remote_port *r)
{
	(void)r;
	n_rport_del++;
}
static int t_ls_req(struct nvme_fc_local_port *l, struct nvme_fc_remote_port *r,
		    struct nvmefc_ls_req *q)
{
	(void)l;
	(void)r;
	(void)q;
	return 0;
}
static int t_fcp_io(struct nvme_fc_local_port *l, struct nvme_fc_remote_port *r, void *h,
		    struct nvmefc_fcp_req *f)
{
	(void)l;
	(void)r;
	(void)h;
	(void)f;
	return 0;
}
static void t_ls_abort(struct nvme_fc_local_port *l, struct nvme_fc_remote_port *r,
		       struct nvmefc_ls_req *q)
{
	(void)l;
	(void)r;
	(void)q;
}
static void t_fcp_abort(struct nvme_fc_local_port *l, struct nvme_fc_remote_port *r, void *h,
			struct nvmefc_fcp_req *f)
{
	(void)l;
	(void)r;
	(void)h;
	(void)f;
}
static int t_xmt_ls_rsp(struct nvme_fc_local_port *l, struct nvme_fc_remote_port *r,
			struct nvmefc_ls_rsp *rsp)
{
	(void)l;
	(void)r;
	n_xmt++;
	xmt_len = rsp->rsplen;
	memcpy(xmt_buf, rsp->rspbuf, rsp->rsplen);
	xmt_rsp = rsp;
	return 0;
}

static struct nvme_fc_port_template t_tmpl;

static void t_setup(void)
{
	memset(&t_tmpl, 0, sizeof(t_tmpl));
	t_tmpl.localport_delete = t_lport_delete;
	t_tmpl.remoteport_delete = t_rport_delete;
	t_tmpl.ls_req = t_ls_req;
	t_tmpl.fcp_io = t_fcp_io;
	t_tmpl.ls_abort = t_ls_abort;
	t_tmpl.fcp_abort = t_fcp_abort;
	t_tmpl.xmt_ls_rsp = t_xmt_ls_rsp;
	t_tmpl.max_hw_queues = 2;
	t_tmpl.max_sgl_segments = 64;
	t_tmpl.max_dif_sgl_segments = 64;
	t_tmpl.dma_boundary = 0xffffffff;
	t_tmpl.local_priv_sz = 24;
	n_lport_del = n_rport_del = n_xmt = 0;
	xmt_len = 0;
	xmt_rsp = NULL;
	memset(xmt_buf, 0, sizeof(xmt_buf));
}

static struct nvme_fc_port_info l_info = {
	.node_name = 0x10001100aa000001ull,
	.port_name = 0x20001100aa000001ull,
	.port_role = FC_PORT_ROLE_NVME_INITIATOR,
	.port_id = 0x010100,
};
static struct nvme_fc_port_info r_info = {
	.node_name = 0x10001100ab000001ull,
	.port_name = 0x20001100ab000001ull,
	.port_role = FC_PORT_ROLE_NVME_TARGET,
	.port_id = 0x010200,
};

START_TEST(test_lport_template_checked)
{
	struct nvme_fc_local_port *lp = NULL;

	t_tmpl.fcp_abort = NULL;
	ck_assert_int_eq(nvme_fc_register_localport(&l_info, &t_tmpl, NULL, &lp), -EINVAL);
	t_setup();
	t_tmpl.dma_boundary = 0;
	ck_assert_int_eq(nvme_fc_register_localport(&l_info, &t_tmpl, NULL, &lp), -EINVAL);
	t_setup();
	ck_assert_int_eq(nvme_fc_register_localport(&l_info, &t_tmpl, NULL, &lp), 0);
	ck_assert_ptr_nonnull(lp->private);
	ck_assert_uint_eq(lp->port_state, FC_OBJSTATE_ONLINE);
	ck_assert_uint_eq(lp->port_name, 0x20001100aa000001ull);
	ck_assert_int_eq(nvme_fc_unregister_localport(lp), 0);
	ck_assert_int_eq(n_lport_del, 1);
}
END_TEST

START_TEST(test_rport_resume_and_delete)
{
	struct nvme_fc_local_port *lp;
	struct nvme_fc_remote_port *rp, *rp2, *rp3;

	ck_assert_int_eq(nvme_fc_register_localport(&l_info, &t_tmpl, NULL, &lp), 0);
	ck_assert_int_eq(nvme_fc_register_remoteport(lp, &r_info, &rp), 0);
	ck_assert_uint_eq(rp->dev_loss_tmo, 60); /* transport default */
	ck_assert_ptr_eq(rp->localport, lp);
	ck_assert_int_eq(nvme_fc_register_remoteport(lp, &r_info, &rp2), -EEXIST);
	ck_assert_int_eq(fcnvme_host_rports(lp, NULL, 0), 1);
	{
		struct nvme_fc_remote_port *list[2] = { NULL, NULL };

		ck_assert_int_eq(fcnvme_host_rports(lp, list, 2), 1);
		ck_assert_ptr_eq(list[0], rp);
	}
	ck_assert_int_eq(nvme_fc_set_remoteport_devloss(rp, 7), 0);
	ck_assert_uint_eq(rp->dev_loss_tmo, 7);
	/* unregister with no controller: deleted at once */
	ck_assert_int_eq(nvme_fc_unregister_remoteport(rp), 0);
	ck_assert_int_eq(n_rport_del, 1);
	ck_assert_int_eq(fcnvme_host_rports(lp, NULL, 0), 0);
	/* the local port waits for its remote ports */
	ck_assert_int_eq(nvme_fc_register_remoteport(lp, &r_info, &rp3), 0);
	ck_assert_int_eq(nvme_fc_unregister_localport(lp), 0);
	ck_assert_int_eq(nvme_fc_unregister_localport(lp), -EINVAL);
	ck_assert_int_eq(n_lport_del, 0);
	ck_assert_int_eq(nvme_fc_unregister_remoteport(rp3), 0);
	ck_assert_int_eq(n_rport_del, 2);
	ck_assert_int_eq(n_lport_del, 1);
}
END_TEST

static const uint8_t rjt_expect_hdr[8] = { 0x01, 0, 0, 0, 0, 0, 0, 32 };

static void check_rjt(uint8_t ls_cmd, uint8_t reason)
{
	ck_assert_int_eq(n_xmt, 1);
	ck_assert_uint_eq(xmt_len, 40);
	ck_assert_mem_eq(xmt_buf, rjt_expect_hdr, 8);
	ck_assert_uint_eq(xmt_buf[8 + 3], 1);	/* rqst desc tag */
	ck_assert_uint_eq(xmt_buf[16], ls_cmd); /* rejected cmd */
	ck_assert_uint_eq(xmt_buf[24 + 3], 2);	/* rjt desc tag */
	ck_assert_uint_eq(xmt_buf[33], reason);
	ck_assert_uint_eq(xmt_buf[34], 0); /* EXP_NONE */
	xmt_rsp->done(xmt_rsp);
}

START_TEST(test_rcv_ls_rejects)
{
	struct nvme_fc_local_port *lp;
	struct nvme_fc_remote_port *rp;
	struct nvmefc_ls_rsp rsp;
	uint8_t buf[1024];
	int len;

	ck_assert_int_eq(nvme_fc_register_localport(&l_info, &t_tmpl, NULL, &lp), 0);
	ck_assert_int_eq(nvme_fc_register_remoteport(lp, &r_info, &rp), 0);

	/* Disconnect Association for an association we do not have */
	len = fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), 0x1234567800000000ull);
	memset(&rsp, 0, sizeof(rsp));
	ck_assert_int_eq(nvme_fc_rcv_ls_req(rp, &rsp, buf, (uint32_t)len), 0);
	check_rjt(FCNVME_LS_DISCONNECT_ASSOC, FCNVME_RJT_RC_INV_ASSOC);

	/* Disconnect Connection: not supported */
	n_xmt = 0;
	len = fcnvme_ls_build_disconnect_conn(buf, sizeof(buf), 1ull << 16, (1ull << 16) | 1);
	ck_assert_int_eq(nvme_fc_rcv_ls_req(rp, &rsp, buf, (uint32_t)len), 0);
	check_rjt(FCNVME_LS_DISCONNECT_CONN, FCNVME_RJT_RC_UNSUP);

	/* Create Association sent to a host: logical error */
	n_xmt = 0;
	memset(buf, 0, sizeof(buf));
	buf[0] = FCNVME_LS_CREATE_ASSOCIATION;
	ck_assert_int_eq(nvme_fc_rcv_ls_req(rp, &rsp, buf, 1024), 0);
	check_rjt(FCNVME_LS_CREATE_ASSOCIATION, FCNVME_RJT_RC_LOGIC);

	/* unknown command */
	n_xmt = 0;
	buf[0] = 0x42;
	ck_assert_int_eq(nvme_fc_rcv_ls_req(rp, &rsp, buf, 64), 0);
	check_rjt(0x42, FCNVME_RJT_RC_INVAL);

	/* a malformed Disconnect (bad desc_list_len): LOGIC */
	n_xmt = 0;
	len = fcnvme_ls_build_disconnect_assoc(buf, sizeof(buf), 1ull << 16);
	buf[7] = 44;
	ck_assert_int_eq(nvme_fc_rcv_ls_req(rp, &rsp, buf, (uint32_t)len), 0);
	check_rjt(FCNVME_LS_DISCONNECT_ASSOC, FCNVME_RJT_RC_LOGIC);

	/* too long to be an LS */
	ck_assert_int_eq(nvme_fc_rcv_ls_req(rp, &rsp, buf, 1025), -E2BIG);

	ck_assert_int_eq(nvme_fc_unregister_remoteport(rp), 0);
	ck_assert_int_eq(nvme_fc_unregister_localport(lp), 0);
}
END_TEST

/* Whatever a target sends as an LS, the host answers it with an LS_RJT
 * (or refuses an oversized one) and never crashes. */
START_TEST(test_rcv_ls_garbage)
{
	struct nvme_fc_local_port *lp;
	struct nvme_fc_remote_port *rp;
	struct nvmefc_ls_rsp rsp;
	uint8_t buf[1100];
	uint32_t seed = 12345, i, j, len;
	int rc;

	ck_assert_int_eq(nvme_fc_register_localport(&l_info, &t_tmpl, NULL, &lp), 0);
	ck_assert_int_eq(nvme_fc_register_remoteport(lp, &r_info, &rp), 0);
	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(buf);
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[j] = (uint8_t)(seed >> 16);
		}
		if (len && i % 3 == 0)
			buf[0] = (uint8_t)(i % 8); /* hit the real commands */
		n_xmt = 0;
		memset(&rsp, 0, sizeof(rsp));
		rc = nvme_fc_rcv_ls_req(rp, &rsp, buf, len);
		if (len > 1024) {
			ck_assert_int_eq(rc, -E2BIG);
			continue;
		}
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(n_xmt, 1);
		ck_assert_uint_eq(xmt_len, 40);
		ck_assert_uint_eq(xmt_buf[0], FCNVME_LS_RJT);
		xmt_rsp->done(xmt_rsp);
	}
	ck_assert_int_eq(nvme_fc_unregister_remoteport(rp), 0);
	ck_assert_int_eq(nvme_fc_unregister_localport(lp), 0);
}
END_TEST

/* ---- response checks ---------------------------------------------------- */

static struct nvme_fc_cmd_iu rc_iu;
static struct nvme_fc_ersp_iu rc_ersp;
static struct nvmefc_fcp_req rc_req;

static void rc_setup(uint32_t data_len, uint16_t cid)
{
	uint16_t le = htole16(cid);

	memset(&rc_iu, 0, sizeof(rc_iu));
	memset(&rc_ersp, 0, sizeof(rc_ersp));
	memset(&rc_req, 0, sizeof(rc_req));
	rc_iu.data_len = cpu_to_be32(data_len);
	memcpy(rc_iu.sqe + 2, &le, 2);
	rc_req.rspaddr = &rc_ersp;
	rc_req.rsplen = 32;
	rc_req.transferred_length = data_len;
}

static void rc_ersp_fill(uint16_t cid, uint16_t status, uint32_t dw0)
{
	struct nvme_completion cqe;

	memset(&cqe, 0, sizeof(cqe));
	memset(&rc_ersp, 0, sizeof(rc_ersp));
	cqe.command_id = htole16(cid);
	cqe.status = htole16((uint16_t)(status << 1));
	cqe.result.dw0 = htole32(dw0);
	rc_ersp.iu_len = cpu_to_be16(8);
	rc_ersp.xfrd_len = cpu_to_be32(rc_req.transferred_length);
	memcpy(rc_ersp.cqe, &cqe, sizeof(cqe));
	rc_req.rcv_rsplen = 32;
}

START_TEST(test_check_rsp_table)
{
	struct nvme_completion cqe;

	/* 12-byte zero RSP with the full transfer: success, cid echoed */
	rc_setup(4096, 7);
	rc_req.rcv_rsplen = 12;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), 0);
	ck_assert_uint_eq(le16toh(cqe.command_id), 7);
	/* rsplen 0 is treated as the zero RSP */
	rc_req.rcv_rsplen = 0;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), 0);
	/* zero RSP but a short transfer */
	rc_req.rcv_rsplen = 12;
	rc_req.transferred_length = 4095;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* LLDD error */
	rc_setup(0, 1);
	rc_req.status = (uint32_t)-EIO;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* good ERSP: status and result used */
	rc_setup(512, 9);
	rc_ersp_fill(9, NVME_SC_LBA_RANGE | NVME_SC_DNR, 0xabcd);
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe),
			  NVME_SC_LBA_RANGE | NVME_SC_DNR);
	ck_assert_uint_eq(le32toh(cqe.result.dw0), 0xabcd);
	/* ERSP with iu_len 7 */
	rc_ersp.iu_len = cpu_to_be16(7);
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* xfrd_len != transferred_length */
	rc_ersp_fill(9, 0, 0);
	rc_ersp.xfrd_len = cpu_to_be32(0);
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* ersp_result != 0 */
	rc_ersp_fill(9, 0, 0);
	rc_ersp.ersp_result = FCNVME_SC_INVALID_FIELD;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* command id mismatch */
	rc_ersp_fill(10, 0, 0);
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* any other length */
	rc_ersp_fill(9, 0, 0);
	rc_req.rcv_rsplen = 16;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), NVME_SC_HOST_PATH_ERROR);
	/* and the good one passes again */
	rc_req.rcv_rsplen = 32;
	ck_assert_uint_eq(fcn_host_io_check_rsp(&rc_req, &rc_iu, &cqe), 0);
}
END_TEST

/* The suite. */
Suite *nvme_fc_port_suite(void)
{
	Suite *s = suite_create("nvme_fc_port");
	TCase *tc = tcase_create("ports");

	tcase_add_checked_fixture(tc, t_setup, NULL);
	tcase_add_test(tc, test_lport_template_checked);
	tcase_add_test(tc, test_rport_resume_and_delete);
	tcase_add_test(tc, test_rcv_ls_rejects);
	tcase_add_test(tc, test_rcv_ls_garbage);
	suite_add_tcase(s, tc);
	tc = tcase_create("rsp_check");
	tcase_add_test(tc, test_check_rsp_table);
	suite_add_tcase(s, tc);
	return s;
}
