// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme_random_bytes and fcnvme_random_uuid for the fuzz targets
 * (fuzz_random.h): SplitMix64 from a fixed state, restarted per input.
 * Never in a product build: these numbers are predictable by design.
 */
#include <stdint.h>
#include <string.h>

#include <fcnvme/random.h>

#include "fuzz_random.h"

#define FUZZ_RANDOM_START 0x6e766d6574666364ull /* "nvmetfcd" */

static uint64_t fuzz_random_state = FUZZ_RANDOM_START;

void fuzz_random_reset(void)
{
	fuzz_random_state = FUZZ_RANDOM_START;
}

static uint64_t fuzz_random_next(void)
{
	uint64_t z = (fuzz_random_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int fcnvme_random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	uint64_t v;
	size_t k;

	while (n) {
		v = fuzz_random_next();
		k = n < sizeof(v) ? n : sizeof(v);
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
	return 0;
}

int fcnvme_random_uuid(uint8_t uuid[16])
{
	fcnvme_random_bytes(uuid, 16);
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	return 0;
}
