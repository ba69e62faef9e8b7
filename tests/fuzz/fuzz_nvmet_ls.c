// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the target transport's Link Service path:
 * nvmet_fc_rcv_ls_req() against the fake LLDD and fake core. The input is a
 * script of records (op, be16 length, payload): raw LS frames, frames with a
 * live association id patched in, valid Create Association / Connection /
 * Disconnect built from a few parameter bytes, message pumps, host
 * invalidation, unregistration and fault knobs. Each run ends by draining
 * and unregistering, so leaks and double completions surface as crashes.
 */
#include <stdint.h>
#include <string.h>

#include <fcnvme/ls.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "fuzz_random.h"

#define MAX_IDS 32

static uint64_t ids[MAX_IDS];
static unsigned int nids;
static unsigned int seen;

/* Remember association ids from new Create Association ACCs. */
static void collect_ids(void)
{
	for (; seen < fake->nrecs; seen++) {
		const struct fake_rec *r = &fake->recs[seen];
		uint64_t a, c;

		if (r->call == FC_XMT_LS_RSP && nids < MAX_IDS &&
		    !fcnvme_ls_parse_cr_assoc_acc(r->ls, r->ls_len, &a, &c, NULL))
			ids[nids++] = a;
	}
}

static uint64_t pick_id(uint8_t sel)
{
	return nids ? ids[sel % nids] : 0;
}

static void put_id(uint8_t *buf, uint64_t id)
{
	int i;

	for (i = 0; i < 8; i++)
		buf[16 + i] = (uint8_t)(id >> (56 - 8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 16384,
		.max_queue_size = 64,
		.max_io_queues = 8,
	};
	static uint8_t buf[1100];
	size_t pos = 0;

	fuzz_random_reset();
	nids = 0;
	seen = 0;
	fake_lldd_new(2, 4, 0, true, true);
	(void)nvmet_fc_set_data_buffers(fake->tp, 4); /* few: the pools are made per run */
	fake_core_new(fake->tp, &cfg);
	fake->host_len = 4096;
	while (pos + 3 <= size && fake->tp && fake->nrecs < FAKE_MAX_RECS - 512) {
		uint8_t op = data[pos];
		size_t len = ((size_t)data[pos + 1] << 8 | data[pos + 2]) % sizeof(buf);
		void *hh = (op & 0x80) ? HH2 : HH1;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, data + pos, len);
		pos += len;

		switch (op & 0x0f) {
		case 0: /* a raw frame */
			fake_ls(hh, buf, (uint32_t)len);
			break;
		case 1: /* a raw frame naming a live association */
			if (len >= 24)
				put_id(buf, pick_id(buf[0]));
			fake_ls(hh, buf, (uint32_t)len);
			break;
		case 2:
			fake_pump();
			break;
		case 3:
			nvmet_fc_invalidate_host(fake->tp, hh);
			break;
		case 4:
			fcore->hold = !fcore->hold;
			if (!fcore->hold)
				fake_core_complete_all();
			break;
		case 5:
			fake->hold_ls_req = !fake->hold_ls_req;
			if (!fake->hold_ls_req)
				fake_complete_ls_reqs(buf[0] & 1 ? -5 : 0);
			break;
		case 6:
			switch (buf[0] % 4) {
			case 0:
				fake->fail_xmt_ls_rsp = -5;
				break;
			case 1:
				fcore->fail_sq_create = -12;
				break;
			case 2:
				fcore->fail_run_on_hwq = -11;
				break;
			default:
				fake->fail_ls_req = -19;
				break;
			}
			break;
		case 7: /* a valid Create Association */
			fake_build_cra(buf, (uint16_t)(buf[0] % 8), (uint16_t)(buf[1] % 80));
			fake_ls(hh, buf, 1024);
			break;
		case 8: /* a valid Create Connection */
			fake_build_crc(buf, pick_id(buf[0]), (uint16_t)(buf[1] % 4),
				       (uint16_t)(buf[2] % 12), (uint16_t)(buf[3] % 70));
			fake_ls(hh, buf, 80);
			break;
		case 9:
			fake_disconnect(hh, pick_id(buf[0]));
			break;
		case 10:
			nvmet_fc_discovery_chg(fake->tp);
			break;
		case 11:
			nvmet_fc_unregister_targetport(fake->tp);
			break;
		default:
			fake_pump();
			break;
		}
		collect_ids();
	}
	fake_env_free();
	return 0;
}
