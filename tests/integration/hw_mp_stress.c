// SPDX-License-Identifier: Apache-2.0
/*
 * hw_mp's stress run: QD 128 on every hw queue for a bounded time, random
 * (fixed-seed) no-data, write and read I/Os of 512 B to 64 KiB, every
 * completion verified, none lost or duplicated.
 */
#include <inttypes.h>
#include <stdio.h>

#include <fcnvme/clock.h>

#include "../unit/check_hw.h"
#include "hw_host.h"
#include "hw_mp.h"

void test_stress(struct nvme_fc_remote_port *rp, int seconds)
{
	static struct io ios[NR_HWQ][QD];
	uint64_t end = fcnvme_clock_ns() + (uint64_t)seconds * 1000000000u;
	uint64_t submitted = 0, completed = 0, bad = 0, dup = 0, busy = 0;
	unsigned int q, i, rnd = 12345;
	bool draining = false;
	int rc;

	for (q = 0; q < NR_HWQ; q++)
		for (i = 0; i < QD; i++)
			io_init(&ios[q][i], 65536, true);
	for (;;) {
		bool idle = true;

		for (q = 0; q < NR_HWQ; q++) {
			for (i = 0; i < QD; i++) {
				struct io *io = &ios[q][i];
				int d = atomic_load(&io->done);
				uint8_t op;
				uint32_t len;

				if (io->opcode != 0xff && io->len != 0xffffffffu && io->seed) {
					if (d == 0) {
						idle = false;
						continue;
					}
					if (d > 1)
						dup++;
					if (io_verify(io, bad < 3))
						bad++;
					completed++;
					io->seed = 0;
				}
				if (draining)
					continue;
				rnd = rnd * 1103515245u + 12345u;
				op = (uint8_t)((rnd >> 16) % 3);
				len = op == HWF_OP_NODATA ? 0 : 512u << ((rnd >> 20) % 8);
				rc = io_submit(io, rp, (uint16_t)(q + 1), op, len, (rnd >> 8) | 1,
					       (uint16_t)i);
				if (rc) {
					if (!busy)
						fprintf(stderr, "stress submit: %d\n", rc);
					io->seed = 0;
					busy++;
					continue;
				}
				submitted++;
				idle = false;
			}
			hw_host_poll(hp, (uint16_t)q, 256);
		}
		hw_host_port_process(hp);
		if (!draining && fcnvme_clock_ns() >= end)
			draining = true;
		if (draining && idle)
			break;
		if (fcnvme_clock_ns() >= end + 10000000000ull)
			break;
	}
	printf("stress: %" PRIu64 " submitted, %" PRIu64 " completed, %" PRIu64 " bad, %" PRIu64
	       " duplicated, %" PRIu64 " busy in %d s\n",
	       submitted, completed, bad, dup, busy, seconds);
	CHECK(submitted > 1000, "too few I/Os: %" PRIu64, submitted);
	CHECK(completed == submitted, "lost completions: %" PRIu64 " of %" PRIu64, completed,
	      submitted);
	CHECK(bad == 0 && dup == 0, "bad %" PRIu64 " dup %" PRIu64, bad, dup);
}
