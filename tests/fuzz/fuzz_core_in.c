// SPDX-License-Identifier: Apache-2.0
/* fuzz_core_cmd's input reader (see fuzz_core.h). */
#include <string.h>

#include "fuzz_core.h"

uint8_t fz_in_u8(struct fz_in *in)
{
	return in->pos < in->n ? in->p[in->pos++] : 0;
}

uint16_t fz_in_u16(struct fz_in *in)
{
	uint16_t lo = fz_in_u8(in);

	return (uint16_t)(lo | fz_in_u8(in) << 8);
}

uint32_t fz_in_u32(struct fz_in *in)
{
	uint32_t lo = fz_in_u16(in);

	return lo | (uint32_t)fz_in_u16(in) << 16;
}

void fz_in_copy(struct fz_in *in, void *p, size_t n)
{
	if (n > in->n - in->pos)
		n = in->n - in->pos;
	memcpy(p, in->p + in->pos, n);
	in->pos += n;
}
