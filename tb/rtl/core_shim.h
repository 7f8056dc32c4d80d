/* SPDX-License-Identifier: MIT */
/*
 * C interface to the Verilated rtl/mmu_core.sv: one page translated a call,
 * cycle by cycle, the walker's reads served from a callback after a fixed
 * latency.
 */
#ifndef MMUSIM_CORE_SHIM_H
#define MMUSIM_CORE_SHIM_H

#include <stdint.h>

#include "../mmu.h"
#include "counters.h"
#include "ptw_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rtl_core;

struct rtl_core *rtl_core_new(uint64_t (*read64)(void *ctx, uint64_t pa), void *ctx,
			      unsigned mem_latency);
void rtl_core_free(struct rtl_core *c);
/*
 * Translates the page of va; returns the cycles it took, or RTL_SHIM_STUCK
 * when no answer came in RTL_SHIM_LIMIT cycles (rtl_core_hang says what hung).
 */
unsigned rtl_core_translate(struct rtl_core *c, uint64_t ttbr0, uint64_t va,
			    enum mmu_access acc, struct mmu_result *out);
void rtl_core_tlbi(struct rtl_core *c, enum tlbi_op op, uint64_t operand);

void rtl_core_counters(struct rtl_core *c, struct rtl_core_counters *out);
int rtl_core_errors(struct rtl_core *c);
/* Reads of a PA for which read_error(ctx, pa) holds are answered with an error. */
void rtl_core_read_error(struct rtl_core *c, bool (*read_error)(void *ctx, uint64_t pa));
const char *rtl_core_hang(struct rtl_core *c);

#ifdef __cplusplus
}
#endif

#endif
