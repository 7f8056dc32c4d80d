/* SPDX-License-Identifier: MIT */
/*
 * C interface to the Verilated rtl/mmu_ptw.sv: walks run cycle by cycle,
 * their descriptor reads served from a callback after a fixed latency.
 */
#ifndef MMUSIM_PTW_SHIM_H
#define MMUSIM_PTW_SHIM_H

#include <stdint.h>

#include "../walker.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rtl_ptw;

/* Called when a walk reaches the given cycle, e.g. to change memory and TLBI. */
typedef void (*rtl_ptw_hook)(void *ctx, struct rtl_ptw *w, unsigned cycle);

struct rtl_ptw *rtl_ptw_new(uint64_t (*read64)(void *ctx, uint64_t pa), void *ctx,
			    unsigned mem_latency);
void rtl_ptw_free(struct rtl_ptw *w);
/* One walk; returns its cycles. hook (may be NULL) runs each cycle. */
unsigned rtl_ptw_walk(struct rtl_ptw *w, uint64_t ttbr0, uint64_t va, enum mmu_access acc,
		      struct walk_result *out, rtl_ptw_hook hook, void *hook_ctx);
/* A TLBI in the coming cycle (between walks, or from a hook during one). */
void rtl_ptw_tlbi(struct rtl_ptw *w, enum tlbi_op op, uint64_t operand);

struct rtl_ptw_counters {
	uint64_t walks, reads, wc_lookups[3], wc_hits[3];
};
void rtl_ptw_counters(struct rtl_ptw *w, struct rtl_ptw_counters *c);
int rtl_ptw_errors(struct rtl_ptw *w);

#ifdef __cplusplus
}
#endif

#endif
