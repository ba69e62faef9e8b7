// SPDX-License-Identifier: Apache-2.0
/*
 * tgt_ns_rbd_same(): whether two namespaces' rbd parameters name the same
 * image the same way (the reload's diff, tgt_ns_add's idempotence and the
 * backends opened ahead all compare with it).
 */
#include <string.h>

#include "tgt.h"

bool tgt_ns_rbd_same(const struct tgt_rbd_params *a, const struct tgt_rbd_params *b)
{
	return !strcmp(a->pool, b->pool) && !strcmp(a->image, b->image) &&
	       !strcmp(a->rados_ns, b->rados_ns) && !strcmp(a->conf, b->conf) &&
	       !strcmp(a->client_id, b->client_id) && !strcmp(a->keyring, b->keyring) &&
	       a->write_cache == b->write_cache && a->op_timeout_s == b->op_timeout_s;
}
