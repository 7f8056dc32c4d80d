/* SPDX-License-Identifier: MIT */
/* The random stream of the RTL lockstep tests: xorshift64, seeded by the test. */
#ifndef MMUSIM_XORSHIFT_H
#define MMUSIM_XORSHIFT_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static uint64_t rng; /* never 0: seed it with seed | 1 */

/* The run's seed: argv[2] if given, else a new one (tests print it on failure). */
static inline uint64_t seed_stream(int argc, char **argv)
{
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)clock();

	rng = seed | 1;
	return seed;
}

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#endif
