/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit tests' one pseudo-random generator, for seeded test inputs that
 * repeat exactly from the seed a test prints: xorshift64 (Marsaglia's
 * 13/7/17 triple), whose state the caller owns. Not for anything secret
 * (libfcnvme's fcnvme_random_* are).
 */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

/* Start a sequence from seed. xorshift64 keeps a zero state at zero, so
 * seed 0 starts from a fixed non-zero state instead. */
static inline void test_rng_seed(uint64_t *state, uint64_t seed)
{
	*state = seed ? seed : UINT64_C(0x9e3779b97f4a7c15);
}

/* The next 64 bits of the sequence. */
static inline uint64_t test_rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* A number below n (n > 0), from the sequence's high bits. */
static inline unsigned int test_rng_below(uint64_t *state, unsigned int n)
{
	return (unsigned int)((test_rng_next(state) >> 32) % n);
}

#endif /* TEST_RNG_H */
