/* SPDX-License-Identifier: MIT */
/*
 * C interface to the Verilated rtl/mmu_top.sv (NumCores is a build
 * parameter): per-core page translations, TLBIs from a core (local or
 * broadcast) and DSB ISH syncs, the walkers' reads served from a callback.
 */
#ifndef MMUSIM_TOP_SHIM_H
#define MMUSIM_TOP_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include "../mmu.h"
#include "counters.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rtl_top;

/* What translate and sync return when nothing came in RTL_TOP_LIMIT cycles. */
#define RTL_TOP_LIMIT 1000000u
#define RTL_TOP_STUCK 0xffffffffu

struct rtl_top *rtl_top_new(uint64_t (*read64)(void *ctx, uint64_t pa), void *ctx,
			    unsigned mem_latency);
void rtl_top_free(struct rtl_top *t);
/* Only in a build with --trace-fst: dump cycles [from, to] to an FST file. */
int rtl_top_wave_open(struct rtl_top *t, const char *path, uint64_t from, uint64_t to);
unsigned rtl_top_cores(struct rtl_top *t);
unsigned rtl_top_translate(struct rtl_top *t, unsigned core, uint64_t ttbr0, uint64_t va,
			   enum mmu_access acc, struct mmu_result *out);
/* Issues a TLBI from core into the fabric: one cycle, after any wait for room. */
void rtl_top_tlbi(struct rtl_top *t, unsigned core, const struct tlbi *op);
/* DSB ISH: returns the cycles until every earlier TLBI had reached every core. */
unsigned rtl_top_sync(struct rtl_top *t);
/* A TLBI, then a sync; returns the cycles from the TLBI to the sync's completion. */
unsigned rtl_top_tlbi_sync(struct rtl_top *t, unsigned core, const struct tlbi *op);
/*
 * Cycle by cycle, for tests that race TLBIs against translations in flight:
 * rtl_top_request() holds a page on core's request port until the core takes
 * it; rtl_top_post_tlbi() puts a TLBI into the fabric in the next cycle that
 * has room for it (one a cycle); rtl_top_post_sync() holds a DSB ISH until
 * it completes.
 * rtl_top_step() runs one cycle: it returns a bit per core that answered in
 * it (with the answer in answers[core]) and sets *sync_done when the sync
 * completed in it.
 */
void rtl_top_request(struct rtl_top *t, unsigned core, uint64_t ttbr0, uint64_t va,
		     enum mmu_access acc);
void rtl_top_post_tlbi(struct rtl_top *t, unsigned core, const struct tlbi *op);
void rtl_top_post_sync(struct rtl_top *t);
uint32_t rtl_top_step(struct rtl_top *t, struct mmu_result *answers, bool *sync_done);
void rtl_top_counters(struct rtl_top *t, unsigned core, struct rtl_core_counters *out);
uint64_t rtl_top_dvm_ops(struct rtl_top *t);
int rtl_top_errors(struct rtl_top *t);

/*
 * What mmusim --backend rtl and the SystemC module use of a shim library,
 * as one object found with one dlsym: rtl_top_shim. The compiler checks
 * every member against the function above it points to, and the loader
 * refuses a library of another version: raise RTL_TOP_OPS_VERSION with
 * every change to this struct or to a signature in it.
 */
#define RTL_TOP_OPS_VERSION 1u
struct rtl_top_ops {
	unsigned version; /* RTL_TOP_OPS_VERSION of the library */
	struct rtl_top *(*new_top)(uint64_t (*read64)(void *ctx, uint64_t pa), void *ctx,
				   unsigned mem_latency);
	void (*free_top)(struct rtl_top *t);
	int (*wave_open)(struct rtl_top *t, const char *path, uint64_t from, uint64_t to);
	unsigned (*translate)(struct rtl_top *t, unsigned core, uint64_t ttbr0, uint64_t va,
			      enum mmu_access acc, struct mmu_result *out);
	void (*tlbi)(struct rtl_top *t, unsigned core, const struct tlbi *op);
	unsigned (*sync)(struct rtl_top *t);
	int (*errors)(struct rtl_top *t);
	void (*counters)(struct rtl_top *t, unsigned core, struct rtl_core_counters *out);
};
extern const struct rtl_top_ops rtl_top_shim;

#ifdef __cplusplus
}
#endif

#endif
