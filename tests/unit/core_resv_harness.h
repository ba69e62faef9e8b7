/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The set-up and commands the reservation suites share
 * (core_resv_harness.c): check_core_resv.c (the rules, reports,
 * notifications, PTPL) and check_core_resv_abort.c (Preempt and Abort's
 * drain). Built on core_harness.h; everything runs on the test's thread.
 */
#ifndef CORE_RESV_HARNESS_H
#define CORE_RESV_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core_harness.h"

#define DNR	 NVME_SC_DNR
#define CONFLICT NVME_SC_RESERVATION_CONFLICT
#define KEY_A	 0x1111222233334444ull
#define KEY_B	 0xbbbbull

/* H_SUBNQN with ram namespace 1 (reservations on) and hosts 1-3, each with
 * a ready controller and one I/O queue: *a, *b, *c. */
void cr_setup(struct h_assoc **a, struct h_assoc **b, struct h_assoc **c);
/* A reservation command on a's I/O queue 1, namespace nsid, with keys k1,
 * k2 as its 16 bytes of data; its status (it must complete). */
uint16_t cr_resv_ns(struct h_assoc *a, uint32_t nsid, uint8_t opc, uint32_t cdw10, uint64_t k1,
		    uint64_t k2);
/* The same on namespace 1. */
uint16_t cr_resv(struct h_assoc *a, uint8_t opc, uint32_t cdw10, uint64_t k1, uint64_t k2);
uint16_t cr_reg(struct h_assoc *a, uint32_t rrega, uint64_t crkey, uint64_t nrkey);
uint16_t cr_acq(struct h_assoc *a, uint32_t racqa, uint8_t rtype, uint64_t crkey, uint64_t prkey);
uint16_t cr_rel(struct h_assoc *a, uint32_t rrela, uint8_t rtype, uint64_t crkey);
/* Report into out (len bytes); cdw11 EDS as given. */
uint16_t cr_report(struct h_assoc *a, bool eds, uint8_t *out, uint32_t len);
/* A Read or Write of block 0 of namespace 1 by a. */
uint16_t cr_rd(struct h_assoc *a);
uint16_t cr_wr(struct h_assoc *a);

#endif
