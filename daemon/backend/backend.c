// SPDX-License-Identifier: Apache-2.0
/*
 * The backend type table: which ops implement each namespace backend type.
 * A new backend adds its ops here and in backend.h, and nothing else in the
 * core names it.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend.h"

#define BACKEND_MAX_CPU 1024

/* CPUs the I/O threads are pinned to: set on [ctl], read also by the
 * opening thread (backend_preopen.c). */
static _Atomic bool backend_io_cpu[BACKEND_MAX_CPU];

/* Set once at start-up, before any backend thread exists; read-only after. */
static void (*backend_wait_begin_fn)(uint64_t bound_us);
static void (*backend_wait_end_fn)(void);

static const struct backend_ops *const backend_table[] = {
	[TGT_BACKEND_NULL] = &backend_null_ops,
	[TGT_BACKEND_RAM] = &backend_ram_ops,
	[TGT_BACKEND_FILE] = &backend_file_ops,
	[TGT_BACKEND_RBD] = &backend_rbd_ops,
};

const struct backend_ops *const backend_all[] = {
	&backend_null_ops, &backend_ram_ops, &backend_file_ops, &backend_rbd_ops, NULL,
};

/* The ops implementing a backend type, or NULL for an unknown type. */
const struct backend_ops *backend_ops_for(enum tgt_backend_type type)
{
	if ((unsigned int)type >= sizeof(backend_table) / sizeof(backend_table[0]))
		return NULL;
	return backend_table[type];
}

void backend_reserve_cpu(int cpu)
{
	if (cpu >= 0 && cpu < BACKEND_MAX_CPU)
		atomic_store_explicit(&backend_io_cpu[cpu], true, memory_order_relaxed);
}

bool backend_cpu_reserved(int cpu)
{
	return cpu >= 0 && cpu < BACKEND_MAX_CPU &&
	       atomic_load_explicit(&backend_io_cpu[cpu], memory_order_relaxed);
}

/* Set what the process does around a waiting backend call (backend.h). */
void backend_wait_hooks(void (*begin)(uint64_t bound_us), void (*end)(void))
{
	backend_wait_begin_fn = begin;
	backend_wait_end_fn = end;
}

void backend_wait_begin(uint64_t bound_us)
{
	if (backend_wait_begin_fn)
		backend_wait_begin_fn(bound_us);
}

void backend_wait_end(void)
{
	if (backend_wait_end_fn)
		backend_wait_end_fn();
}
