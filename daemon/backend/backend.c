// SPDX-License-Identifier: Apache-2.0
/*
 * The backend type table: which ops implement each namespace backend type.
 * A new backend adds its ops here and in backend.h, and nothing else in the
 * core names it.
 */
#include <stddef.h>

#include "backend.h"

static const struct backend_ops *const backend_table[] = {
	[TGT_BACKEND_NULL] = &backend_null_ops,
	[TGT_BACKEND_RAM] = &backend_ram_ops,
	[TGT_BACKEND_FILE] = &backend_file_ops,
};

const struct backend_ops *const backend_all[] = {
	&backend_null_ops,
	&backend_ram_ops,
	&backend_file_ops,
	NULL,
};

/* The ops implementing a backend type, or NULL for an unknown type. */
const struct backend_ops *backend_ops_for(enum tgt_backend_type type)
{
	if ((unsigned int)type >= sizeof(backend_table) / sizeof(backend_table[0]))
		return NULL;
	return backend_table[type];
}
