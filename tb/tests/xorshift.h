/* SPDX-License-Identifier: MIT */
/* The random stream of the RTL lockstep tests: xorshift64, seeded by the test. */
#ifndef MMUSIM_XORSHIFT_H
#define MMUSIM_XORSHIFT_H

#include <stdint.h>

static uint64_t rng; /* never 0: seed it with seed | 1 */

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#endif
