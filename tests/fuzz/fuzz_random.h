/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fuzz targets' random numbers (fuzz_random.c): the fuzz builds link
 * it in place of libfcnvme/wire/random.c, so that what the code under test
 * draws (association IDs, DH-HMAC-CHAP challenges, namespace IDs) is the
 * same each time an input runs, and a run of a target from a seed repeats.
 */
#ifndef FUZZ_RANDOM_H
#define FUZZ_RANDOM_H

/* Start the sequence again: each LLVMFuzzerTestOneInput calls it first. */
void fuzz_random_reset(void);

#endif
