// SPDX-License-Identifier: Apache-2.0
/*
 * The reservation suites' shared set-up and commands (see
 * core_resv_harness.h).
 */
#include <endian.h>
#include <string.h>

#include "core_resv_harness.h"

void cr_setup(struct h_assoc **a, struct h_assoc **b, struct h_assoc **c)
{
	struct tgt_ns_params np = { .nsid = 1, .backend = TGT_BACKEND_RAM, .size = 1 << 20 };
	struct tgt_subsys_params sp = { .nqn = H_SUBNQN, .serial = "SN1", .model = "M" };
	char err[128];

	np.resv = true;
	ck_assert_int_eq(tgt_subsys_add(H->t, &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN3, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_subsys_export(H->t, H_SUBNQN, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err)), 0);
	*a = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 1);
	*b = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN2, 1);
	*c = h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN3, 1);
}

/* A reservation command on a's I/O queue 1, namespace nsid, with keys k1,
 * k2 as its 16 bytes of data. */
uint16_t cr_resv_ns(struct h_assoc *a, uint32_t nsid, uint8_t opc, uint32_t cdw10, uint64_t k1,
		    uint64_t k2)
{
	struct h_req *r = h_req_new(a, 1, 16);
	uint64_t le[2] = { htole64(k1), htole64(k2) };
	uint16_t st;

	r->cmd.common.opcode = opc;
	r->cmd.common.nsid = htole32(nsid);
	r->cmd.common.cdw10 = htole32(cdw10);
	memcpy(r->data, le, 16);
	st = h_run(r);
	ck_assert_uint_ne(st, H_PENDING);
	h_req_free(r);
	return st;
}

/* The same on namespace 1. */
uint16_t cr_resv(struct h_assoc *a, uint8_t opc, uint32_t cdw10, uint64_t k1, uint64_t k2)
{
	return cr_resv_ns(a, 1, opc, cdw10, k1, k2);
}

uint16_t cr_reg(struct h_assoc *a, uint32_t rrega, uint64_t crkey, uint64_t nrkey)
{
	return cr_resv(a, nvme_cmd_resv_register, rrega, crkey, nrkey);
}

uint16_t cr_acq(struct h_assoc *a, uint32_t racqa, uint8_t rtype, uint64_t crkey, uint64_t prkey)
{
	return cr_resv(a, nvme_cmd_resv_acquire, racqa | (uint32_t)rtype << 8, crkey, prkey);
}

uint16_t cr_rel(struct h_assoc *a, uint32_t rrela, uint8_t rtype, uint64_t crkey)
{
	return cr_resv(a, nvme_cmd_resv_release, rrela | (uint32_t)rtype << 8, crkey, 0);
}

/* Report into out (len bytes); cdw11 EDS as given. */
uint16_t cr_report(struct h_assoc *a, bool eds, uint8_t *out, uint32_t len)
{
	struct h_req *r = h_req_new(a, 1, len);
	uint16_t st;

	r->cmd.common.opcode = nvme_cmd_resv_report;
	r->cmd.common.nsid = htole32(1);
	r->cmd.common.cdw10 = htole32(len / 4 - 1);
	r->cmd.common.cdw11 = htole32(eds ? 1 : 0);
	st = h_run(r);
	ck_assert_uint_ne(st, H_PENDING);
	memcpy(out, r->data, len);
	h_req_free(r);
	return st;
}

uint16_t cr_rd(struct h_assoc *a)
{
	uint8_t buf[512];

	return h_io(a, 1, nvme_cmd_read, 1, 0, 1, buf, sizeof(buf));
}

uint16_t cr_wr(struct h_assoc *a)
{
	uint8_t buf[512] = { 0x5a };

	return h_io(a, 1, nvme_cmd_write, 1, 0, 1, buf, sizeof(buf));
}
