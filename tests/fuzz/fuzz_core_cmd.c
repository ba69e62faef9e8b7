// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the NVMe target core's commands (daemon/core),
 * driven through the core test harness (tests/unit/core_harness.c: fake
 * env, transport and clock; a ram namespace 1 of 1 MiB on H_SUBNQN that
 * can compare and write). Both namespaces sit on the harness's
 * test-driven backend (h_be_use: ram underneath), which answers each
 * submission as the input's backend policy says: at once, with an error
 * status a file or rbd backend gives, or BE_PENDING, the operation held
 * until a record (or the end) completes it through tgt_req_io_done, as the
 * file and rbd backends do from their completion paths.
 *
 * Input: one setup byte (a second namespace and its kind, reservations,
 * host masking, a second host, DH-HMAC-CHAP, a ready controller), then
 * records: admin and I/O commands whose SQE fields and data come from the
 * input (the opcode mostly from the implemented set), executed at once,
 * aborted (their data never came) or held until a later record lets their
 * data arrive; DH-HMAC-CHAP Replies with the right response to the last
 * Challenge; Connects with chosen fields on new associations or queues;
 * queue and association teardown; clock advances with the timer tick
 * (keep-alive expiry); namespace changes (hide, mask, grow, remove and add
 * again, ANA state); full rings (the hwq's: completions and namespace
 * messages retried at the tick; [ctl]'s: admin commands fail, namespace
 * acks wait for the tick); the backend's policy (two bits per
 * submission: at once, pending, error); the backend completing its k-th
 * held operation, or all of them in either order, with success (the
 * operation then runs on ram) or an error status.
 *
 * Teardown is modelled on nvmet_fc's (libfcnvme/target/nvmet_fc_assoc.c):
 * sq_stop, requests not executed yet aborted (req_abort), then the
 * transport waits until every request of the queue has completed before
 * sq_destroy (an association's queues all at once, admin last). So a
 * stopped queue with operations in the backend stays, taking no new
 * commands, until later records complete them; at the end the backend
 * completes everything, then everything is destroyed.
 *
 * Checks: every request the core accepted and that was executed completes
 * exactly once, with its command id and queue, a status of a known type,
 * never while the backend still holds it, never after its queue was
 * destroyed; after sq_stop every request of the queue has completed but
 * those in the backend (and a fused first whose second is there, and a
 * Preempt and Abort that waits for another host's there); a
 * request refused, aborted or not yet executed must not complete; data
 * buffers are exactly the transfer length (a late backend write past them
 * or into a freed request is AddressSanitizer's); at the end the backend
 * holds nothing and every association is gone. Data: each backend
 * operation names its command's blocks; a shadow of each medium follows
 * the operations that ran, so a Read returns what the writes before it
 * left, a Compare's result agrees with it, and a Read's data is unchanged
 * from the backend to its response; a single-operation command completes
 * with the backend's status. The harness's ck_asserts
 * abort (fuzz_core_check.c). LeakSanitizer checks the final teardown.
 * Not reached: zero-copy Reads (req_data_done; the fake transport has no
 * data references), threads (the env runs everything at once on one
 * thread), the real transport, file and rbd themselves. Not checked:
 * which of two overlapping writes in flight together lands last (NVMe
 * allows either; the shadow follows the backend's order).
 * FUZZ_CORE_TRACE=1 in the environment prints each command and its status.
 *
 * This file: the set-up and the records' loop; fuzz_core.h names the
 * other files and the state they share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core.h"
#include "fuzz_random.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* setup byte */
#define FZ_NS2	     0x01 /* namespace 2 (ram, 64 KiB) */
#define FZ_NS2_4K    0x02 /* ... of 4096-byte blocks */
#define FZ_NS2_RESV  0x04 /* ... with reservations */
#define FZ_NS2_MASK  0x08 /* ... visible to H_HOSTNQN2 only */
#define FZ_NS2_RO    0x10 /* ... read-only */
#define FZ_HOST2     0x20 /* H_HOSTNQN2 allowed (and ready, as H_HOSTNQN) */
#define FZ_AUTH	     0x40 /* DH-HMAC-CHAP for H_HOSTNQN */
#define FZ_NOT_READY 0x80 /* no controller at start */

/* The state the files share (fuzz_core.h: who writes each field). */
struct fz_state fz;

static void fz_setup(uint8_t s)
{
	static const char *const host2[] = { H_HOSTNQN2 };
	char err[128];

	h_setup();
	H->defer_delete = true;
	h_std_subsys();
	/* namespace 1 takes fused Compare and Write; 2 does not; both on
	 * the input's backend (fz_be_decide) */
	h_ns1_compare_write();
	h_be.decide = fz_be_decide;
	h_be.ran = fz_be_ran;
	fz.be1 = fz_ns_be(1);
	memset(fz.img1, 0, sizeof(fz.img1));
	if (s & FZ_HOST2)
		tgt_subsys_allow_host(H->t, H_SUBNQN, H_HOSTNQN2, err, sizeof(err));
	if (s & FZ_NS2) {
		struct tgt_ns_params np = {
			.nsid = 2,
			.backend = TGT_BACKEND_RAM,
			.size = 1 << 16,
			.lba_size = s & FZ_NS2_4K ? 4096 : 512,
			.resv = s & FZ_NS2_RESV,
			.readonly = s & FZ_NS2_RO,
			.hosts = s & FZ_NS2_MASK ? host2 : NULL,
			.nr_hosts = s & FZ_NS2_MASK ? 1 : 0,
		};

		/* (some combinations may be refused) */
		fz.ns2_on = !tgt_ns_add(H->t, H_SUBNQN, &np, err, sizeof(err));
		fz.ns2_masked = s & FZ_NS2_MASK;
		fz.ns2_params = np;
		if (fz.ns2_on)
			fz_ns_added();
	}
	if (s & FZ_AUTH)
		ck_assert_int_eq(tgt_subsys_set_dhchap(H->t, H_SUBNQN, H_HOSTNQN, FZ_KEY, FZ_CKEY,
						       NULL, err, sizeof(err)),
				 0);
	if (!(s & FZ_NOT_READY) && !(s & FZ_AUTH)) {
		h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN, 2);
		fz.per_tp[0]++;
		if (s & FZ_HOST2) {
			h_ctrl_ready(&H->tp1, H_SUBNQN, H_HOSTNQN2, 2);
			fz.per_tp[0]++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .n = size };
	int i, nrec = 0;

	if (size < 1)
		return 0;
	fuzz_random_reset();
	fz.trace = getenv("FUZZ_CORE_TRACE");
	fz.nr_reqs = 0;
	fz.per_tp[0] = fz.per_tp[1] = 0;
	fz.ns2_on = fz.ns2_masked = fz.ns2_hidden = fz.ns2_gone = false;
	memset(&fz.chal, 0, sizeof(fz.chal));
	memset(fz.stopping, 0, sizeof(fz.stopping));
	memset(fz.terminating, 0, sizeof(fz.terminating));
	fz.pol = 0;
	fz.pol_st = 0;
	fz_setup(fz_in_u8(&in));
	while (in.pos < in.n && nrec++ < FZ_MAX_RECORDS) {
		uint8_t rec = fz_in_u8(&in);

		if (fz.trace)
			fprintf(stderr, "record %#x\n", rec);
		switch (rec & 0x07) {
		case 0:
		case 1:
			fz_rec_cmd(&in, rec);
			break;
		case 2:
			if (rec & 0x80)
				fz_rec_auth_reply(&in);
			else
				fz_rec_cmd(&in, rec);
			break;
		case 3:
			fz_rec_connect(&in);
			break;
		case 4: {
			struct h_assoc *a = fz_assoc_pick(rec >> 3);

			if (a && rec & 0x80)
				fz_assoc_down(a);
			else if (a && a->alive[0])
				fz_assoc_queue_down(a, (uint16_t)(1 + (rec >> 3) % FZ_MAX_QID));
			break;
		}
		case 5:
			/* keep-alive expiry and other timers */
			H->clock.fake_ms += (uint64_t)fz_in_u16(&in) * (rec & 0x08 ? 100 : 1);
			H->clock.fake_ns += 1000000;
			tgt_timer_tick(H->t);
			break;
		case 6:
			if (rec & 0x80) {
				/* held requests' data arrives, or not */
				fz_req_release_all(NULL, -1, rec & 0x40, rec & 0x20);
			} else if ((rec & 0x60) == 0x20) {
				/* the backend's answers from now on */
				fz.pol = fz_in_u32(&in);
				fz.pol_st = fz_in_u8(&in);
			} else if ((rec & 0x60) == 0x40) {
				/* the backend finishes its k-th held operation */
				uint8_t k = fz_in_u8(&in), st = fz_in_u8(&in);

				if (h_be.nr_held)
					fz_be_complete(k % h_be.nr_held, fz_be_status(st));
			} else if (rec & 0x40) {
				/* ... all of them */
				fz_be_complete_all(rec & 0x10, fz_be_status(fz_in_u8(&in)));
			} else if (rec & 0x10) {
				/* the next messages to [ctl] find its ring full */
				H->fail_ctl = 1 + (rec >> 3) % 2 * 2;
			} else {
				/* the next completions find the hwq ring full */
				H->fail_hwq = 1 + (rec >> 3) % 2 * 2;
			}
			break;
		default:
			fz_ns_change(rec >> 3);
			break;
		}
		fz_assoc_poll();
		fz_assoc_deletes();
		fz_assoc_reap();
	}
	/* The end: every association goes; the backend finishes what it
	 * holds (at once from now on), then the transport destroys. */
	fz.pol = 0;
	for (i = 0; i < H->nr_assocs; i++)
		fz_assoc_down(H->assocs[i]);
	fz_be_complete_all(false, 0);
	fz_assoc_poll();
	fz_assoc_reap();
	if (h_be.nr_held)
		fz_fail_msg("the backend still holds operations");
	for (i = 0; i < H->nr_assocs; i++)
		if (H->assocs[i]->alive[0])
			fz_fail_msg("an association outlived its requests");
	for (i = 0; i < fz.nr_reqs; i++)
		if (fz.reqs[i].r)
			fz_fail("request outlived its association", fz.reqs[i].r);
	h_teardown();
	return 0;
}
