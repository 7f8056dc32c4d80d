/* SPDX-License-Identifier: MIT */
/*
 * C interface to the Verilated rtl/mmu_tlb.sv (the only C++ in the project
 * lives behind this). One request a call; each call is one clock cycle, a
 * lookup two (request, then the registered answer).
 */
#ifndef MMUSIM_TLB_SHIM_H
#define MMUSIM_TLB_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include "../tlb.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rtl_tlb;

struct rtl_tlb *rtl_tlb_new(void);
void rtl_tlb_free(struct rtl_tlb *t);
/* Looks va up for asid; on a hit fills *out and returns true. */
bool rtl_tlb_lookup(struct rtl_tlb *t, uint64_t va, uint16_t asid, struct translation *out);
void rtl_tlb_fill(struct rtl_tlb *t, const struct translation *tr);
void rtl_tlb_tlbi(struct rtl_tlb *t, enum tlbi_op op, uint64_t operand);

struct rtl_tlb_counters {
	uint64_t lookups, hits, fills, evictions, invalidated;
};
void rtl_tlb_counters(struct rtl_tlb *t, struct rtl_tlb_counters *c);
/* Nonzero once an assertion in the RTL has failed. */
int rtl_tlb_errors(struct rtl_tlb *t);

#ifdef __cplusplus
}
#endif

#endif
