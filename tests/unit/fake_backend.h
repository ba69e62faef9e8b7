/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fake backends of the control-plane tests (fake_backend.c), behind
 * the real backend_ops_for() name: what the fake core (fake_target.c) and
 * backend_preopen.c open and close.
 */
#ifndef FAKE_BACKEND_H
#define FAKE_BACKEND_H

/*
 * The fake backends (backend_ops_for): rbd's open may wait (open_blocks),
 * so the control code opens it ahead on backend_preopen.c's thread. Its
 * open first reads one byte from gate_fd when that is >= 0 (the test
 * decides when it ends), then fails with fail_rc when that is not 0.
 */
void fake_rbd_set(int gate_fd, int fail_rc);
/* rbd opens and closes so far, and the opens and closes that ran on the
 * thread that called fake_reset() (the control thread of the test). */
struct fake_rbd_counts {
	unsigned int opens, closes, opens_on_ctl, closes_on_ctl;
};
struct fake_rbd_counts fake_rbd_counts(void);
/* Back to no gate, no failure, counts zero; the calling thread is the
 * control thread (fake_reset() calls it). */
void fake_backend_reset(void);

#endif /* FAKE_BACKEND_H */
