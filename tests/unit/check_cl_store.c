// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the cluster's state-object store (daemon/cluster/
 * cluster_store.c) where it needs no Ceph: a store closed meanwhile (the
 * node was fenced and has no new client yet) is not touched by the unlock
 * that ends an edit begun before (cluster_ops.c cl_edit_begin).
 */
#include "config.h"

#include <string.h>

#include "suites_control.h"

#ifdef HAVE_RBD
#include "cluster/cluster_store.h"

/* cl_store_close leaves rados NULL and io as it was (destroyed): an unlock
 * through it would be a use after free; a bad pointer stands for it here
 * and would crash the test. */
START_TEST(test_cl_store_unlock_closed)
{
	struct cl_store s;

	memset(&s, 0, sizeof(s));
	s.io = (rados_ioctx_t)(uintptr_t)0x10;
	strcpy(s.object, "nvmetfcd.state");
	strcpy(s.cookie, "c");
	cl_store_unlock(&s);
	ck_assert_ptr_null(s.rados);
	ck_assert_ptr_eq(s.io, (rados_ioctx_t)(uintptr_t)0x10);
}
END_TEST
#endif

Suite *cl_store_suite(void)
{
	Suite *s = suite_create("cl_store");
	TCase *tc = tcase_create("core");

#ifdef HAVE_RBD
	tcase_add_test(tc, test_cl_store_unlock_closed);
#endif
	suite_add_tcase(s, tc);
	return s;
}
