// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for fcnvme_msg_validate(): any byte string, checked as
 * a request and as a reply; whatever is accepted is then read through every
 * getter and list iterator, which must stay inside the buffer (ASan) and
 * agree with the policy (a string is NUL-terminated, a binary has its size,
 * a histogram's buckets are in range).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/hist.h>
#include <fcnvmectl/ctl_msg.h>

static int visit(const char *s, void *arg)
{
	*(size_t *)arg += strlen(s);
	return 0;
}

static int visit_u64(uint64_t v, void *arg)
{
	*(size_t *)arg += (size_t)(v & 1);
	return 0;
}

static void read_all(const struct fcnvme_msg *msg)
{
	static struct fcnvme_hist hist;
	unsigned int a;
	size_t sink = 0, len;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	for (a = 0; a <= FCNVME_A_MAX + 1; a++) {
		const char *s = fcnvme_msg_get_str(msg, a);
		const void *b = fcnvme_msg_get_bin(msg, a, &len);

		if (s != NULL)
			sink += strlen(s);
		if (b != NULL && len > 0)
			sink += ((const uint8_t *)b)[len - 1];
		fcnvme_msg_get_u8(msg, a, &v8);
		fcnvme_msg_get_u16(msg, a, &v16);
		fcnvme_msg_get_u32(msg, a, &v32);
		fcnvme_msg_get_u64(msg, a, &v64);
		fcnvme_msg_list_foreach(msg, a, visit, &sink);
		fcnvme_msg_list_foreach_u64(msg, a, visit_u64, &sink);
		if (fcnvme_msg_get_hist(msg, a, &hist) == 0)
			sink += hist.n[FCNVME_HIST_BUCKETS - 1] != 0;
	}
	if (sink == (size_t)-1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcnvme_msg msg;
	char why[256];
	uint64_t *buf;

	if (size > FCNVME_CTL_MSG_MAX + 16)
		return 0;
	/* The socket layer hands the validator an aligned buffer. */
	buf = malloc(size + 8);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (fcnvme_msg_validate(buf, size, FCNVME_MSG_REQUEST, &msg, why, sizeof(why)) == 0)
		read_all(&msg);
	if (fcnvme_msg_validate(buf, size, FCNVME_MSG_REPLY, &msg, why, sizeof(why)) == 0)
		read_all(&msg);
	free(buf);
	return 0;
}
