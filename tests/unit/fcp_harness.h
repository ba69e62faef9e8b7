/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the target transport's FCP suites share (check_nvmet_fc_fcp.c,
 * check_nvmet_fc_zc.c, check_nvmet_fc_abort.c): a fake environment with
 * one association and I/O queue 1, commands sent on it, and assertions on
 * the ops the fake LLDD recorded and on exact bytes. Check-based, so not
 * for the fuzzers (they use fake_lldd.h alone). One environment per
 * process (tests run forked).
 */
#ifndef FCP_HARNESS_H
#define FCP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_lldd.h"

#define RD FCNVME_CMD_FLAGS_READ
#define WR FCNVME_CMD_FLAGS_WRITE

/* The association and I/O queue 1's connection of the last fh_start. */
extern uint64_t fh_assoc, fh_conn;

/* Fake LLDD (4 hwqs, max_sgl, features, defer) and fake core (max_data_len,
 * 64-entry queues, max_deferred), one association from HH1 (ersp_ratio 2,
 * sqsize 3) and I/O queue 1 with sqsize and ersp_ratio; the LS traffic is
 * forgotten. */
void fh_start(uint32_t max_data_len, uint16_t max_sgl, uint32_t features, bool defer,
	      uint16_t sqsize, uint16_t ersp_ratio, uint32_t max_deferred);
/* Send one command on queue 1 (hwq 0); returns the exchange. */
struct fake_xchg *fh_cmd(uint8_t opcode, uint8_t flags, uint32_t len, uint16_t cid);
/* The FCP ops recorded for x, as a string: the op code's digit, A for an
 * abort, R for the release, D for a deferred receive. */
void fh_ops_of(const struct fake_xchg *x, char *out, size_t n);
void fh_expect_ops(const struct fake_xchg *x, const char *want);
/* n bytes of got equal exp; the first difference names its offset. */
void fh_expect_bytes(const void *got, const void *exp, size_t n);

#endif /* FCP_HARNESS_H */
