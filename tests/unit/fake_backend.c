// SPDX-License-Identifier: Apache-2.0
/*
 * The fake backends of the control-plane tests (fake_backend.h): null, ram
 * and file open at once; rbd's open may wait (open_blocks), on a gate the
 * test holds, and counts where it ran.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "fake_backend.h"

/* [the test's thread] sets gate_fd, fail_rc and ctl before any open */
static struct {
	int gate_fd;
	int fail_rc;
	pthread_t ctl;
	_Atomic unsigned int opens, closes, opens_on_ctl, closes_on_ctl;
} fake_be = { .gate_fd = -1 };

static int fake_open(const struct tgt_ns_params *p, struct backend **bep, uint64_t *size, char *err,
		     size_t errlen)
{
	struct backend *be;
	char c;

	atomic_fetch_add(&fake_be.opens, 1);
	if (pthread_equal(pthread_self(), fake_be.ctl))
		atomic_fetch_add(&fake_be.opens_on_ctl, 1);
	if (p->backend == TGT_BACKEND_RBD && fake_be.gate_fd >= 0 &&
	    read(fake_be.gate_fd, &c, 1) != 1)
		return -EIO;
	if (p->backend == TGT_BACKEND_RBD && fake_be.fail_rc) {
		snprintf(err, errlen, "cannot open rbd image %s/%s: %s", p->rbd.pool, p->rbd.image,
			 strerror(-fake_be.fail_rc));
		return fake_be.fail_rc;
	}
	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	*bep = be;
	*size = p->size ? p->size : 1 << 30;
	return 0;
}

static void fake_close(struct backend *be)
{
	atomic_fetch_add(&fake_be.closes, 1);
	if (pthread_equal(pthread_self(), fake_be.ctl))
		atomic_fetch_add(&fake_be.closes_on_ctl, 1);
	free(be);
}

static const struct backend_ops fake_at_once_ops = {
	.name = "fake",
	.open = fake_open,
	.close = fake_close,
};

static const struct backend_ops fake_rbd_ops = {
	.name = "fake-rbd",
	.open = fake_open,
	.close = fake_close,
	.open_blocks = true,
};

const struct backend_ops *backend_ops_for(enum tgt_backend_type type)
{
	return type == TGT_BACKEND_RBD ? &fake_rbd_ops : &fake_at_once_ops;
}

void fake_rbd_set(int gate_fd, int fail_rc)
{
	fake_be.gate_fd = gate_fd;
	fake_be.fail_rc = fail_rc;
}

struct fake_rbd_counts fake_rbd_counts(void)
{
	struct fake_rbd_counts c = { atomic_load(&fake_be.opens), atomic_load(&fake_be.closes),
				     atomic_load(&fake_be.opens_on_ctl),
				     atomic_load(&fake_be.closes_on_ctl) };

	return c;
}

void fake_backend_reset(void)
{
	fake_be.gate_fd = -1;
	fake_be.fail_rc = 0;
	fake_be.ctl = pthread_self();
	atomic_store(&fake_be.opens, 0);
	atomic_store(&fake_be.closes, 0);
	atomic_store(&fake_be.opens_on_ctl, 0);
	atomic_store(&fake_be.closes_on_ctl, 0);
}
