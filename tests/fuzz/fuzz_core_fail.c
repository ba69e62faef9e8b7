// SPDX-License-Identifier: Apache-2.0
/* fuzz_core_cmd's broken checks: a message on stderr, then abort (a crash
 * for libFuzzer). */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_core.h"

void fz_fail(const char *what, const struct h_req *r)
{
	fprintf(stderr, "fuzz_core_cmd: %s (opcode %#x fctype %#x qid %u cid %u status %#x)\n",
		what, r->cmd.common.opcode, r->cmd.fabrics.fctype, r->req.qid,
		le16toh(r->cmd.common.command_id), le16toh(r->cqe.status) >> 1);
	abort();
}

void fz_fail_msg(const char *what)
{
	fprintf(stderr, "fuzz_core_cmd: %s\n", what);
	abort();
}
