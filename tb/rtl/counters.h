/* SPDX-License-Identifier: MIT */
/* The performance counters of one core's Verilated MMU (mmu_core.sv's cnt_*_o). */
#ifndef MMUSIM_RTL_COUNTERS_H
#define MMUSIM_RTL_COUNTERS_H

#include <stdint.h>

struct rtl_core_counters {
	uint64_t tlb[3][5]; /* L1 I, L1 D, L2: lookups hits fills evictions invalidated */
	uint64_t walks, reads, wc_lookups[3], wc_hits[3];
};

#endif
