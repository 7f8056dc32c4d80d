/* SPDX-License-Identifier: MIT */
/*
 * C interface to the Verilated rtl/mmu_ptw.sv: walks run cycle by cycle,
 * their descriptor reads served from a callback after a fixed latency.
 */
#ifndef MMUSIM_PTW_SHIM_H
#define MMUSIM_PTW_SHIM_H

#include <stdbool.h>
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
/* What rtl_ptw_walk and rtl_core_translate return when the watchdog expired. */
#define RTL_SHIM_LIMIT 100000u
#define RTL_SHIM_STUCK 0xffffffffu

/*
 * One walk; returns its cycles, or RTL_SHIM_STUCK when no answer came in
 * RTL_SHIM_LIMIT cycles (rtl_ptw_hang then says what hung). hook (may be
 * NULL) runs each cycle.
 */
unsigned rtl_ptw_walk(struct rtl_ptw *w, uint64_t ttbr0, uint64_t va, enum mmu_access acc,
		      struct walk_result *out, rtl_ptw_hook hook, void *hook_ctx);
/* A TLBI in the coming cycle (between walks, or from a hook during one). */
void rtl_ptw_tlbi(struct rtl_ptw *w, enum tlbi_op op, uint64_t operand);

struct rtl_ptw_counters {
	uint64_t walks, reads, wc_lookups[3], wc_hits[3];
};
void rtl_ptw_counters(struct rtl_ptw *w, struct rtl_ptw_counters *c);
/* Reads of a PA for which read_error(ctx, pa) holds are answered with an error. */
void rtl_ptw_read_error(struct rtl_ptw *w, bool (*read_error)(void *ctx, uint64_t pa));
/* The watchdog's message about the last walk that hung, or "". */
const char *rtl_ptw_hang(struct rtl_ptw *w);
int rtl_ptw_errors(struct rtl_ptw *w);

#ifdef __cplusplus
}
#endif

#endif
