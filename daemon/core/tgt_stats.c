// SPDX-License-Identifier: Apache-2.0
/*
 * Arithmetic on struct tgt_io_stats (tgt.h): summing and latency
 * percentiles from the log2 histogram. Pure functions, usable on any
 * thread and by the control plane's tests without the rest of the core.
 */
#include <stdint.h>

#include "tgt.h"

/* Add src into dst. */
void tgt_stats_add(struct tgt_io_stats *dst, const struct tgt_io_stats *src)
{
	unsigned int i;

	dst->cmds += src->cmds;
	dst->errors += src->errors;
	dst->aborts += src->aborts;
	dst->read_bytes += src->read_bytes;
	dst->write_bytes += src->write_bytes;
	if (src->lat_max_ns > dst->lat_max_ns)
		dst->lat_max_ns = src->lat_max_ns;
	for (i = 0; i < TGT_LAT_BUCKETS; i++)
		dst->lat[i] += src->lat[i];
}

/* The latency permille thousandths of the responses do not exceed. */
uint64_t tgt_stats_percentile(const struct tgt_io_stats *s, unsigned int permille)
{
	uint64_t n = 0, rank, seen = 0, top;
	unsigned int i;

	for (i = 0; i < TGT_LAT_BUCKETS; i++)
		n += s->lat[i];
	if (!n)
		return 0;
	if (permille > 1000)
		permille = 1000;
	/* rank = ceil(n * permille / 1000), at least 1, without overflow */
	rank = n / 1000 * permille + ((n % 1000) * permille + 999) / 1000;
	if (!rank)
		rank = 1;
	for (i = 0; i < TGT_LAT_BUCKETS; i++) {
		seen += s->lat[i];
		if (seen >= rank)
			break;
	}
	top = i >= 63 ? UINT64_MAX : (UINT64_C(2) << i) - 1;
	return top < s->lat_max_ns ? top : s->lat_max_ns;
}
