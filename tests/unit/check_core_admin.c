// SPDX-License-Identifier: Apache-2.0
/*
 * Target core admin commands: Identify data and log pages byte by byte,
 * features, asynchronous events (delivery, masking, configuration) and ANA.
 * The discovery log pages are check_core_discovery.c's.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_harness.h"

#define DNR NVME_SC_DNR

static struct h_assoc *std_ctrl(void)
{
	h_std_subsys();
	return h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
}

START_TEST(test_identify_ctrl_bytes)
{
	struct h_assoc *a = std_ctrl();
	uint8_t id[4096];

	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CTRL, 0, 0, id), 0);
	ck_assert_mem_eq(id + 4, "SN123               ", 20);
	ck_assert_mem_eq(id + 24, "Model X                                 ", 40);
	ck_assert_mem_eq(id + 64, "1.2     ", 8);
	ck_assert_uint_eq(id[72], 6);	 /* rab */
	ck_assert_uint_eq(id[73], 0xfa); /* OUI LSB first */
	ck_assert_uint_eq(id[74], 0x90);
	ck_assert_uint_eq(id[75], 0x00);
	ck_assert_uint_eq(id[76], 0x0b); /* cmic */
	ck_assert_uint_eq(id[77], 8);	 /* mdts */
	ck_assert_uint_eq(h_rd16(id, 78), a->cntlid);
	ck_assert_uint_eq(h_rd32(id, 80), 0x00020000); /* ver */
	ck_assert_uint_eq(h_rd32(id, 92), 0x900);      /* oaes */
	ck_assert_uint_eq(h_rd32(id, 96), 0x41);       /* ctratt */
	ck_assert_uint_eq(id[111], 1);		       /* cntrltype */
	ck_assert_uint_eq(id[259], 4);		       /* aerl */
	ck_assert_uint_eq(id[260], 3);		       /* frmw */
	ck_assert_uint_eq(id[261], 6);		       /* lpa */
	ck_assert_uint_eq(id[262], 15);		       /* elpe */
	ck_assert_uint_eq(h_rd16(id, 320), 10);	       /* kas */
	ck_assert_uint_eq(id[342], 10);		       /* anatt */
	ck_assert_uint_eq(id[343], 0x1f);	       /* anacap */
	ck_assert_uint_eq(h_rd32(id, 344), 128);       /* anagrpmax */
	ck_assert_uint_eq(h_rd32(id, 348), 128);       /* nanagrpid */
	ck_assert_uint_eq(id[512], 0x66);	       /* sqes */
	ck_assert_uint_eq(id[513], 0x44);	       /* cqes */
	ck_assert_uint_eq(h_rd16(id, 514), 1024);      /* maxcmd */
	ck_assert_uint_eq(h_rd32(id, 516), 1024);      /* nn */
	ck_assert_uint_eq(h_rd16(id, 520), 0x2d);      /* oncs: + reservations */
	ck_assert_uint_eq(id[525], 0x05);	       /* vwc */
	ck_assert_uint_eq(h_rd32(id, 536), 1);	       /* sgls */
	ck_assert_str_eq((const char *)id + 768, H_SUBNQN);
	ck_assert_uint_eq(id[768 + strlen(H_SUBNQN)], 0);
	ck_assert_uint_eq(h_rd32(id, 1792), 4); /* ioccsz */
	ck_assert_uint_eq(h_rd32(id, 1796), 1); /* iorcsz */
	ck_assert_uint_eq(h_rd16(id, 1800), 0); /* icdoff */
	ck_assert_uint_eq(id[1803], 1);		/* msdbd */
	/* wrong transfer length */
	{
		struct h_req *r = h_req_new(a, 0, 512);

		r->cmd.common.opcode = nvme_admin_identify;
		r->cmd.common.cdw10 = htole32(NVME_ID_CNS_CTRL);
		ck_assert_uint_eq(h_run(r), NVME_SC_SGL_INVALID_DATA | DNR);
		h_req_free(r);
	}
	ck_assert_uint_eq(h_identify(a, 0x1f, 0, 0, id), NVME_SC_INVALID_FIELD | DNR);
}
END_TEST

START_TEST(test_identify_ns_bytes)
{
	struct h_assoc *a;
	struct tgt_ns_params np = { .nsid = 7,
				    .backend = TGT_BACKEND_RAM,
				    .size = 8 << 20,
				    .lba_size = 4096,
				    .readonly = true,
				    .has_uuid = true,
				    .has_nguid = true,
				    .has_eui64 = true };
	uint8_t id[4096], exp[64];
	char err[128];
	int i;

	for (i = 0; i < 16; i++) {
		np.uuid[i] = (uint8_t)(0x10 + i);
		np.nguid[i] = (uint8_t)(0x30 + i);
	}
	for (i = 0; i < 8; i++)
		np.eui64[i] = (uint8_t)(0x50 + i);
	a = std_ctrl();
	ck_assert_int_eq(tgt_ana_group_add(H->t, 3, err, sizeof(err)), 0);
	np.anagrpid = 3;
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 7, 0, id), 0);
	ck_assert_uint_eq(h_rd64(id, 0), 2048); /* nsze */
	ck_assert_uint_eq(h_rd64(id, 8), 2048);
	ck_assert_uint_eq(h_rd64(id, 16), 2048);
	ck_assert_uint_eq(id[25], 0);	      /* nlbaf */
	ck_assert_uint_eq(id[26], 0);	      /* flbas */
	ck_assert_uint_eq(id[30], 1);	      /* nmic */
	ck_assert_uint_eq(id[33], 0x09);      /* dlfeat */
	ck_assert_uint_eq(h_rd32(id, 92), 3); /* anagrpid */
	ck_assert_uint_eq(id[99], 1);	      /* nsattr RO */
	ck_assert_mem_eq(id + 104, np.nguid, 16);
	ck_assert_mem_eq(id + 120, np.eui64, 8);
	ck_assert_uint_eq(id[128 + 2], 12); /* lbaf0 ds */
	/* the 512-byte namespace 1 */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 1, 0, id), 0);
	ck_assert_uint_eq(h_rd64(id, 0), 2048);
	ck_assert_uint_eq(id[128 + 2], 9);
	ck_assert_uint_eq(id[99], 0);
	/* inactive: zeroes; broadcast: invalid */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 5, 0, id), 0);
	memset(exp, 0, sizeof(exp));
	ck_assert_mem_eq(id, exp, 64);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS, 0xffffffff, 0, id),
			  NVME_SC_INVALID_NS | DNR);
	/* descriptor list: EUI-64, NGUID, UUID, CSI */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_DESC_LIST, 7, 0, id), 0);
	memset(exp, 0, sizeof(exp));
	exp[0] = 1;
	exp[1] = 8;
	memcpy(exp + 4, np.eui64, 8);
	exp[12] = 2;
	exp[13] = 16;
	memcpy(exp + 16, np.nguid, 16);
	exp[32] = 3;
	exp[33] = 16;
	memcpy(exp + 36, np.uuid, 16);
	exp[52] = 4;
	exp[53] = 1;
	exp[56] = 0;
	ck_assert_mem_eq(id, exp, 64);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_DESC_LIST, 5, 0, id),
			  NVME_SC_INVALID_NS | DNR);
	/* active list */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_ACTIVE_LIST, 0, 0, id), 0);
	ck_assert_uint_eq(h_rd32(id, 0), 1);
	ck_assert_uint_eq(h_rd32(id, 4), 7);
	ck_assert_uint_eq(h_rd32(id, 8), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_ACTIVE_LIST, 1, 0, id), 0);
	ck_assert_uint_eq(h_rd32(id, 0), 7);
	ck_assert_uint_eq(h_rd32(id, 4), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_ACTIVE_LIST, 0xfffffffe, 0, id),
			  NVME_SC_INVALID_NS | DNR);
	/* command set variants */
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_ACTIVE_LIST_CS, 0, 0, id), 0);
	ck_assert_uint_eq(h_rd32(id, 4), 7);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_ACTIVE_LIST_CS, 0, 1u << 24, id),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CS_CTRL, 0, 0, id), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_CS_NS, 7, 0, id), 0);
	ck_assert_uint_eq(h_identify(a, NVME_ID_CNS_NS_CS_INDEP, 7, 0, id), 0);
	ck_assert_uint_eq(h_rd32(id, 4), 3);
	ck_assert_uint_eq(id[8], 1);
	ck_assert_uint_eq(id[14], 1);
}
END_TEST

START_TEST(test_log_pages)
{
	struct h_assoc *a = std_ctrl();
	uint8_t *buf = malloc(4096);
	struct h_req *r;
	uint8_t data[512];

	memset(data, 0x5a, sizeof(data));
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 1, 0, 1, data, 512), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, data, 512), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 1, 1, data, 512), 0);
	/* SMART */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_SMART, 0, false, 0xffffffff, 0, 512, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 32), 1); /* data units read */
	ck_assert_uint_eq(h_rd64(buf, 48), 1);
	ck_assert_uint_eq(h_rd64(buf, 64), 2); /* host reads */
	ck_assert_uint_eq(h_rd64(buf, 80), 1);
	ck_assert_uint_eq(buf[3], 100);
	/* FW slot */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_FW_SLOT, 0, false, 0, 0, 512, buf), 0);
	ck_assert_uint_eq(buf[0], 1);
	ck_assert_mem_eq(buf + 8, "1.2     ", 8);
	/* effects */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CMD_EFFECTS, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 4 * nvme_admin_identify), 1);
	ck_assert_uint_eq(h_rd32(buf, 4 * nvme_admin_create_sq), 0);
	ck_assert_uint_eq(h_rd32(buf, 1024 + 4 * nvme_cmd_write), 3);
	ck_assert_uint_eq(h_rd32(buf, 1024 + 4 * nvme_cmd_read), 1);
	/* supported pages */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_SUPPORTED, 0, false, 0, 0, 1024, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 4 * NVME_LOG_ANA), 1);
	ck_assert_uint_eq(h_rd32(buf, 4 * NVME_LOG_DISC), 0);
	/* error log: record a failed admin command */
	ck_assert_uint_eq(h_identify(a, 0x1f, 0, 0, NULL), NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_ERROR, 0, false, 0, 0, 64, buf), 0);
	ck_assert_uint_eq(h_rd64(buf, 0), 1);
	ck_assert_uint_eq(h_rd16(buf, 8), 0);
	ck_assert_uint_eq(h_rd16(buf, 12), (NVME_SC_INVALID_FIELD | DNR) << 1);
	ck_assert_uint_eq(buf[29], NVMF_TRTYPE_FC);
	/* offset window of the effects log */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CMD_EFFECTS, 0, false, 0, 1024, 8, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 4), 3); /* iocs[1] = write */
	/* bad offset, unknown page, discovery page on I/O controller */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_SMART, 0, false, 0, 2, 512, buf),
			  NVME_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(h_get_log(a, 0x42, 0, false, 0, 0, 512, buf),
			  NVME_SC_INVALID_LOG_PAGE | DNR);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_DISC, 0, false, 0, 0, 1024, buf),
			  NVME_SC_INVALID_LOG_PAGE | DNR);
	/* numd disagreeing with the transfer */
	r = h_req_new(a, 0, 512);
	r->cmd.common.opcode = nvme_admin_get_log_page;
	r->cmd.common.cdw10 = htole32(NVME_LOG_SMART | (127u << 16));
	ck_assert_uint_eq(h_run(r), 0);
	h_req_free(r);
	r = h_req_new(a, 0, 512);
	r->cmd.common.opcode = nvme_admin_get_log_page;
	r->cmd.common.cdw10 = htole32(NVME_LOG_SMART | (255u << 16));
	ck_assert_uint_eq(h_run(r), NVME_SC_SGL_INVALID_DATA | DNR);
	h_req_free(r);
	free(buf);
}
END_TEST

START_TEST(test_aen_ns_changed)
{
	struct h_assoc *a = std_ctrl();
	struct tgt_ns_params np = { .nsid = 9, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct h_req *r1, *r2;
	uint8_t *buf = malloc(4096);
	char err[128];

	r1 = h_aer(a);
	r2 = h_aer(a);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	/* one event delivered: notice / ns changed / log 04h */
	ck_assert_uint_eq(h_status(r2), 0);
	ck_assert_uint_eq(le32toh(r2->cqe.result.dw0), 0x040002);
	ck_assert_uint_eq(h_status(r1), H_PENDING);
	/* masked until the log is read */
	ck_assert_int_eq(tgt_ns_del(H->t, H_SUBNQN, 9, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(r1), H_PENDING);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CHANGED_NS, 0, true, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 0), 9);
	ck_assert_uint_eq(h_rd32(buf, 4), 0);
	ck_assert_uint_eq(h_status(r1), H_PENDING); /* RAE kept the mask */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CHANGED_NS, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 0), 9);
	/* list cleared */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CHANGED_NS, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 0), 0);
	/* resize raises the event again on the next AER */
	ck_assert_int_eq(tgt_ns_resize(H->t, H_SUBNQN, 1, 2 << 20, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(r1), 0);
	ck_assert_uint_eq(le32toh(r1->cqe.result.dw0), 0x040002);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_CHANGED_NS, 0, false, 0, 0, 4096, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 0), 1);
	h_req_free(r1);
	h_req_free(r2);
	free(buf);
}
END_TEST

START_TEST(test_aen_config_and_limit)
{
	struct h_assoc *a = std_ctrl();
	struct tgt_ns_params np = { .nsid = 9, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct h_req *r, *held[5];
	char err[128];
	int i;

	/* disable namespace events */
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_ASYNC_EVENT);
	r->cmd.common.cdw11 = htole32(NVME_AEN_CFG_ANA_CHANGE);
	ck_assert_uint_eq(h_run(r), 0);
	h_req_free(r);
	/* a bit the controller does not support */
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_ASYNC_EVENT);
	r->cmd.common.cdw11 = htole32(NVME_AEN_CFG_DISC_CHANGE);
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(r);
	for (i = 0; i < 5; i++)
		held[i] = h_aer(a);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_async_event;
	ck_assert_uint_eq(h_run(r), NVME_SC_ASYNC_LIMIT | DNR);
	h_req_free(r);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(h_status(held[i]), H_PENDING);
	/* ANA events are enabled */
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 1, NVME_ANA_NONOPTIMIZED, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(held[4]), 0);
	ck_assert_uint_eq(le32toh(held[4]->cqe.result.dw0), 0x0c0302);
	/* queue teardown completes the held ones */
	tgt_core_ops()->sq_stop(H->t, a->core_sq[0]);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(h_status(held[i]), NVME_SC_INTERNAL | DNR);
	for (i = 0; i < 5; i++)
		h_req_free(held[i]);
}
END_TEST

START_TEST(test_ana_aen_per_port)
{
	struct h_assoc *a = std_ctrl();
	struct h_req *r = h_aer(a);
	uint8_t buf[512];
	char err[128];

	/* the controller came in on port 1: a port 2 change is not its */
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 2, NVME_ANA_INACCESSIBLE, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(r), H_PENDING);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 1, NVME_ANA_CHANGE, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x0c0302);
	h_req_free(r);
	/* masked until the ANA log is read */
	r = h_aer(a);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 1, NVME_ANA_OPTIMIZED, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(r), H_PENDING);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_ANA, 0, false, 0, 0, 64, buf), 0);
	ck_assert_uint_eq(buf[32], NVME_ANA_OPTIMIZED);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 1, NVME_ANA_NONOPTIMIZED, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_status(r), 0);
	h_req_free(r);
}
END_TEST

START_TEST(test_features)
{
	struct h_assoc *a = std_ctrl();
	struct h_req *r;

	r = h_req_new(a, 0, 16);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_HOST_ID);
	r->cmd.common.cdw11 = htole32(1);
	ck_assert_uint_eq(h_run(r), 0);
	{
		uint8_t exp[16];

		memset(exp, 0xab, 16);
		ck_assert_mem_eq(r->data, exp, 16);
	}
	h_req_free(r);
	r = h_req_new(a, 0, 16);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_HOST_ID);
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_HOST_ID);
	ck_assert_uint_eq(h_run(r), NVME_SC_CMD_SEQ_ERROR | DNR);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_KATO | (1u << 31));
	ck_assert_uint_eq(h_run(r), NVME_SC_FEATURE_NOT_SAVEABLE | DNR);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_KATO);
	r->cmd.common.cdw11 = htole32(2500);
	ck_assert_uint_eq(h_run(r), 0);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_KATO);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 3000);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_set_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_KATO);
	r->cmd.common.cdw11 = htole32(0xffffffff); /* no wrap-around */
	ck_assert_uint_eq(h_run(r), 0);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_KATO);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 4294967000u);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_VOLATILE_WC);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 1);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_NUM_QUEUES);
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 0x007f007f);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_get_features;
	r->cmd.common.cdw10 = htole32(NVME_FEAT_ARBITRATION);
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_FIELD | DNR);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_abort_cmd;
	ck_assert_uint_eq(h_run(r), 0);
	ck_assert_uint_eq(le32toh(r->cqe.result.dw0), 1);
	h_req_free(r);
	r = h_req_new(a, 0, 0);
	r->cmd.common.opcode = nvme_admin_create_sq;
	ck_assert_uint_eq(h_run(r), NVME_SC_INVALID_OPCODE | DNR);
	h_req_free(r);
}
END_TEST

START_TEST(test_ana_log_and_io_status)
{
	struct h_assoc *a = std_ctrl();
	struct tgt_ns_params np = {
		.nsid = 2, .backend = TGT_BACKEND_RAM, .size = 1 << 20, .anagrpid = 2
	};
	uint8_t buf[4096], exp[96], data[512];
	char err[128];

	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no ANA group 2");
	ck_assert_int_eq(tgt_ana_group_add(H->t, 2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 2, 1, NVME_ANA_INACCESSIBLE, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 2, 1, 7, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 5, 1, 1, err, sizeof(err)), -ENOENT);
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_ANA, 0, false, 0, 0, 96, buf), 0);
	memset(exp, 0, sizeof(exp));
	{
		uint64_t cc = H->t->ana_chgcnt;

		exp[0] = (uint8_t)cc;
		exp[8] = 2; /* ngrps */
		exp[16] = 1;
		exp[20] = 1; /* grp 1, 1 nsid */
		exp[24] = (uint8_t)cc;
		exp[32] = NVME_ANA_OPTIMIZED;
		exp[48] = 1; /* nsid 1 */
		exp[52] = 2;
		exp[56] = 1; /* grp 2, 1 nsid */
		exp[60] = (uint8_t)cc;
		exp[68] = NVME_ANA_INACCESSIBLE;
		exp[84] = 2; /* nsid 2 */
	}
	ck_assert_mem_eq(buf, exp, 88);
	/* RGO: no NSID lists */
	ck_assert_uint_eq(h_get_log(a, NVME_LOG_ANA, 1, false, 0, 0, 96, buf), 0);
	ck_assert_uint_eq(h_rd32(buf, 16 + 4), 0);
	ck_assert_uint_eq(h_rd32(buf, 48), 2);
	/* I/O on each state */
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, data, 512), NVME_SC_ANA_INACCESSIBLE);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 2, 1, NVME_ANA_PERSISTENT_LOSS, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_write, 2, 0, 1, data, 512),
			  NVME_SC_ANA_PERSISTENT_LOSS);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 2, 1, NVME_ANA_CHANGE, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, data, 512), NVME_SC_ANA_TRANSITION);
	ck_assert_int_eq(tgt_ana_set_state(H->t, 2, 1, NVME_ANA_NONOPTIMIZED, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 2, 0, 1, data, 512), 0);
	/* the other port's state does not matter to this path */
	ck_assert_int_eq(tgt_ana_set_state(H->t, 1, 2, NVME_ANA_INACCESSIBLE, err, sizeof(err)), 0);
	ck_assert_uint_eq(h_io(a, 1, nvme_cmd_read, 1, 0, 1, data, 512), 0);
	/* group in use cannot go */
	ck_assert_int_eq(tgt_ana_group_del(H->t, 2, err, sizeof(err)), -EBUSY);
	ck_assert_int_eq(tgt_ana_group_del(H->t, 1, err, sizeof(err)), -EINVAL);
}
END_TEST

Suite *core_admin_suite(void)
{
	Suite *s = suite_create("core_admin");
	TCase *tc = tcase_create("admin");

	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	tcase_add_test(tc, test_identify_ctrl_bytes);
	tcase_add_test(tc, test_identify_ns_bytes);
	tcase_add_test(tc, test_log_pages);
	tcase_add_test(tc, test_aen_ns_changed);
	tcase_add_test(tc, test_aen_config_and_limit);
	tcase_add_test(tc, test_ana_aen_per_port);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_ana_log_and_io_status);
	suite_add_tcase(s, tc);
	return s;
}
