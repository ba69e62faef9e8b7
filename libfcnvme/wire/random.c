// SPDX-License-Identifier: Apache-2.0
/*
 * Random bytes and random UUIDs, the one place the tree asks getrandom()
 * for identifiers.
 */
#include <errno.h>
#include <sys/random.h>

#include <fcnvme/random.h>

/* getrandom() until n bytes came, through short reads and EINTR. */
int fcnvme_random_bytes(void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom((uint8_t *)buf + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	return 0;
}

/* 122 random bits, version 4 in byte 6, variant 1 (10b) in byte 8. */
int fcnvme_random_uuid(uint8_t uuid[16])
{
	int rc = fcnvme_random_bytes(uuid, 16);

	if (rc)
		return rc;
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	return 0;
}
