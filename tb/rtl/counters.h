/* SPDX-License-Identifier: MIT */
/* The performance counters of one core's Verilated MMU (mmu_core.sv's cnt_*_o). */
#ifndef MMUSIM_RTL_COUNTERS_H
#define MMUSIM_RTL_COUNTERS_H

#include <stdint.h>

struct rtl_core_counters {
	uint64_t tlb[3][5]; /* L1 I, L1 D, L2: lookups hits fills evictions invalidated */
	uint64_t walks, reads, wc_lookups[3], wc_hits[3];
};

#ifdef __cplusplus
/* Counter n of a port that packs 64-bit counters (bits [64n +: 64], as
   mmu_ptw's and mmu_core's do), in Verilator's 32-bit words. */
template <class Packed> static uint64_t packed_counter(const Packed &p, int n)
{
	return (uint64_t)p[2 * n + 1] << 32 | p[2 * n];
}

/* From a walker's counters (a core's, or one core's ports of the top). */
template <class Out, class Wc>
static void copy_walker_counters(Out *out, uint64_t walks, uint64_t reads, const Wc &lookups,
				 const Wc &hits)
{
	out->walks = walks;
	out->reads = reads;
	for (int l = 0; l < 3; l++) {
		out->wc_lookups[l] = lookups[l];
		out->wc_hits[l] = hits[l];
	}
}

/* ... and a core's, its three TLBs' too ([TLB][counter]). */
template <class Tlb, class Wc>
static void copy_core_counters(rtl_core_counters *out, const Tlb &tlb, uint64_t walks,
			       uint64_t reads, const Wc &lookups, const Wc &hits)
{
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 5; i++)
			out->tlb[k][i] = tlb[k][i];
	copy_walker_counters(out, walks, reads, lookups, hits);
}
#endif

#endif
