// SPDX-License-Identifier: Apache-2.0
/*
 * Arithmetic on struct tgt_io_stats (tgt.h): summing and latency
 * percentiles from the latency histogram (fcnvme/hist.h). Pure functions,
 * usable on any thread and by the control plane's tests without the rest
 * of the core.
 */
#include <stdint.h>

#include "tgt.h"

/* Add src into dst. */
void tgt_stats_add(struct tgt_io_stats *dst, const struct tgt_io_stats *src)
{
	dst->cmds += src->cmds;
	dst->errors += src->errors;
	dst->aborts += src->aborts;
	dst->read_bytes += src->read_bytes;
	dst->write_bytes += src->write_bytes;
	if (src->lat_max_ns > dst->lat_max_ns)
		dst->lat_max_ns = src->lat_max_ns;
	fcnvme_hist_add(&dst->lat, &src->lat);
}

/* The latency permille thousandths of the responses do not exceed, within
 * the histogram's 1/16. */
uint64_t tgt_stats_percentile(const struct tgt_io_stats *s, unsigned int permille)
{
	if (permille > 1000)
		permille = 1000;
	return fcnvme_hist_percentile(&s->lat, permille * 1000u, s->lat_max_ns);
}
