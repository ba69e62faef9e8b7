// SPDX-License-Identifier: Apache-2.0
/* The FCP suites' shared environment and assertions (fcp_harness.h). */
#include <check.h>

#include <fcnvme/nvmet_fc_core.h>

#include "fake_core.h"
#include "fcp_harness.h"

uint64_t fh_assoc, fh_conn;

void fh_start(uint32_t max_data_len, uint16_t max_sgl, uint32_t features, bool defer,
	      uint16_t sqsize, uint16_t ersp_ratio, uint32_t max_deferred)
{
	struct nvmet_fc_core_cfg cfg = {
		.max_data_len = max_data_len,
		.max_queue_size = 64,
		.max_io_queues = 8,
		.max_deferred = max_deferred,
	};

	fake_env_new(4, max_sgl, features, defer, true, &cfg);
	fh_assoc = fake_assoc(HH1, 2, 3);
	ck_assert_uint_ne(fh_assoc, 0);
	fh_conn = fake_conn(HH1, fh_assoc, ersp_ratio, 1, sqsize);
	ck_assert_uint_eq(fh_conn, fh_assoc | 1);
	fake->nrecs = 0;
}

struct fake_xchg *fh_cmd(uint8_t opcode, uint8_t flags, uint32_t len, uint16_t cid)
{
	uint8_t iu[96];

	fake_build_cmd(iu, fh_conn, opcode, flags, len, cid);
	return fake_cmd(0, iu, sizeof(iu));
}

void fh_ops_of(const struct fake_xchg *x, char *out, size_t n)
{
	unsigned int i;
	size_t k = 0;

	for (i = 0; i < fake->nrecs && k + 2 < n; i++) {
		const struct fake_rec *r = &fake->recs[i];

		if (r->fcpreq != &x->req)
			continue;
		switch (r->call) {
		case FC_FCP_OP:
			out[k++] = (char)('0' + r->op);
			break;
		case FC_FCP_ABORT:
			out[k++] = 'A';
			break;
		case FC_FCP_RELEASE:
			out[k++] = 'R';
			break;
		case FC_DEFER_RCV:
			out[k++] = 'D';
			break;
		default:
			break;
		}
	}
	out[k] = 0;
}

void fh_expect_ops(const struct fake_xchg *x, const char *want)
{
	char got[64];

	fh_ops_of(x, got, sizeof(got));
	ck_assert_str_eq(got, want);
}

void fh_expect_bytes(const void *got, const void *exp, size_t n)
{
	const uint8_t *g = got, *e = exp;
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(g[i] == e[i], "byte %zu: got 0x%02x, want 0x%02x", i, g[i], e[i]);
}
