// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the target transport's FCP path:
 * nvmet_fc_rcv_fcp_req() and nvmet_fc_rcv_fcp_abort() against the fake
 * LLDD and fake core, on one association with I/O queues 1 (hwq 0) and 2
 * (hwq 1). The input's first byte picks the LLDD features; the rest is a
 * script of records: CMD IUs (raw, or with a live connection id and a valid
 * header patched in), ABTS and op completions for earlier exchanges, core
 * completions, hold and fault knobs, pumps, and teardown. Each run ends by
 * draining and unregistering, so a lost or doubled release is a crash.
 */
#include <stdint.h>
#include <string.h>

#include "fake_core.h"
#include "fake_lldd.h"
#include "fuzz_random.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nvmet_fc_core_cfg cfg = {
		.max_data_len = 16384,
		.max_queue_size = 64,
		.max_io_queues = 8,
		.max_deferred = 2,
	};
	uint64_t conns[3];
	size_t pos = 1;
	uint8_t iu[100];

	if (size < 1)
		return 0;
	fuzz_random_reset();
	/* data[0]: READDATA_RSP (bit 0), defer_rcv (bit 1), max_sgl (bits
	 * 4-5), 1 to 4 data buffers per hw queue (bits 6-7: fewer than the
	 * commands two queues may have running, so an empty pool happens) */
	fake_lldd_new(2, (uint16_t)(1 + (data[0] >> 4) % 4),
		      data[0] & 1 ? NVMET_FCTGTFEAT_READDATA_RSP : 0, data[0] & 2, true);
	(void)nvmet_fc_set_data_buffers(fake->tp, 1u + (data[0] >> 6));
	fake_core_new(fake->tp, &cfg);
	fake->host_len = 32768;
	conns[0] = fake_assoc(HH1, 2, 4);
	conns[1] = fake_conn(HH1, conns[0], 2, 1, 4);
	conns[2] = fake_conn(HH1, conns[0], 2, 2, 4);

	while (pos < size && fake->tp && fake->nxchg < FAKE_MAX_XCHG - 1 &&
	       fake->nrecs < FAKE_MAX_RECS - 512) {
		uint8_t op = data[pos++];
		uint8_t arg = pos < size ? data[pos] : 0;

		switch (op & 0x07) {
		case 0: { /* a CMD IU */
			size_t len = 96;
			unsigned int q = (op >> 3) % 3;

			if (op & 0x40)
				len = arg % 100;
			memset(iu, 0, sizeof(iu));
			if (len > size - pos)
				len = size - pos;
			memcpy(iu, data + pos, len);
			pos += len;
			if (op & 0x80) {
				uint64_t c = conns[q];
				int i;

				iu[0] = 0xfd;
				iu[1] = 0x28;
				iu[2] = 0;
				iu[3] = 24;
				for (i = 0; i < 8; i++)
					iu[8 + i] = (uint8_t)(c >> (56 - 8 * i));
				/* keep data_len within reach most of the time */
				iu[20] = 0;
				iu[21] &= 0x7f;
			}
			fake_cmd(q == 2 ? 1 : 0, iu, (uint32_t)len);
			break;
		}
		case 1: /* ABTS for an earlier exchange */
			pos++;
			if (fake->nxchg)
				nvmet_fc_rcv_fcp_abort(fake->tp,
						       &fake->xchg[arg % fake->nxchg].req);
			break;
		case 2: /* complete a held op */
			pos++;
			if (fake->nxchg)
				fake_complete(&fake->xchg[arg % fake->nxchg], (op & 0x08) ? -5 : 0);
			break;
		case 3: /* the core completes held commands */
			pos++;
			fcore->status = (op & 0x08) ? 0x80 : 0;
			fcore->dw0 = (op & 0x10) ? arg : 0;
			if (op & 0x20)
				fake_core_complete_all();
			else
				fake_core_complete(arg);
			break;
		case 4: /* hold knobs */
			if (op & 0x08)
				fcore->hold = !fcore->hold;
			if (op & 0x10)
				fake->hold_fcp = !fake->hold_fcp;
			if (op & 0x20)
				fake->abts_on_op = (uint8_t)(1 + (op >> 6));
			break;
		case 5: /* fault knobs for one op kind */
			pos++;
			switch (arg % 4) {
			case 0:
				fake->fail_fcp_op[1 + (op >> 3) % 4] = -5;
				break;
			case 1:
				fake->err_fcp_op[1 + (op >> 3) % 4] = -5;
				break;
			case 2:
				fake->short_fcp_op[1 + (op >> 3) % 4] = 1 + arg;
				break;
			default:
				fcore->init_status = 0x0b;
				fcore->lower_transfer_len = arg;
				break;
			}
			break;
		case 6:
			fake_pump();
			break;
		default: /* teardown of one kind */
			switch ((op >> 3) % 4) {
			case 0:
				fake_disconnect(HH1, conns[0]);
				break;
			case 1:
				nvmet_fc_invalidate_host(fake->tp, HH1);
				break;
			case 2:
				nvmet_fc_unregister_targetport(fake->tp);
				break;
			default:
				fake_pump();
				break;
			}
			break;
		}
	}
	fake_env_free();
	return 0;
}
