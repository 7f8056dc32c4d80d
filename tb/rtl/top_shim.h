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

/*
 * What translate and sync return when nothing came within the watchdog's
 * limit: RTL_TOP_LIMIT cycles unless rtl_top_faults set another.
 */
#define RTL_TOP_LIMIT 1000000u
#define RTL_TOP_STUCK 0xffffffffu

/*
 * Fault injection and the watchdog (rtl_top_faults): reads of a PA for
 * which read_error(ctx, pa) holds (ctx: new_top's) are answered with the
 * memory port's error bit; the drop_ack-th TLBI (from 1; 0: none) is never
 * acknowledged by the last core the fabric brings it to (its issuer for a
 * local one): mmu_top's dvm_hold_i keeps that core from taking it; every
 * wait gives up after watchdog cycles.
 */
struct rtl_faults {
	bool (*read_error)(void *ctx, uint64_t pa);
	uint64_t drop_ack;
	uint64_t watchdog;
};

/* What the watchdog found when a wait gave up (rtl_top_hang). */
enum rtl_hang_kind { RTL_HANG_NONE, RTL_HANG_PAGE, RTL_HANG_TLBI, RTL_HANG_SYNC };
struct rtl_hang {
	enum rtl_hang_kind kind;
	unsigned core;		/* PAGE: the core; TLBI: the issuer; SYNC: - */
	uint64_t va;		/* PAGE: the page */
	struct tlbi tlbi;	/* TLBI: the one waiting to enter the fabric */
	uint64_t since, waited; /* the cycle the wait began; the watchdog's limit */
	/* the core that holds things up and the oldest TLBI it has not applied */
	bool stalled;
	unsigned stalled_core, stalled_pending;
	struct tlbi stalled_op;
	unsigned stalled_op_core;
	uint64_t stalled_op_cycle;
};

struct rtl_top *rtl_top_new(uint64_t (*read64)(void *ctx, uint64_t pa), void *ctx,
			    unsigned mem_latency);
void rtl_top_free(struct rtl_top *t);
/* Only in a build with --trace-fst: dump cycles [from, to] to an FST file. */
int rtl_top_wave_open(struct rtl_top *t, const char *path, uint64_t from, uint64_t to);
unsigned rtl_top_cores(struct rtl_top *t);
unsigned rtl_top_translate(struct rtl_top *t, unsigned core, uint64_t ttbr0, uint64_t va,
			   enum mmu_access acc, struct mmu_result *out);
/*
 * One operation of a core for rtl_top_translate_batch (pages only) and
 * rtl_top_run: a page to translate, a TLBI the core issues into the
 * fabric, or a DSB ISH it waits for.
 */
enum rtl_op_kind { RTL_OP_PAGE, RTL_OP_TLBI, RTL_OP_DSB };
struct rtl_op {
	uint64_t ttbr0; /* a page's TTBR0 (table, ASID) */
	uint64_t va;	/* a page's VA; a TLBI's operand */
	uint8_t core;	/* the core that translates or issues it */
	uint8_t kind;	/* an enum rtl_op_kind */
	uint8_t acc;	/* a page's enum mmu_access; a TLBI's enum tlbi_op */
	uint8_t shareable; /* a TLBI: the Inner-Shareable form, to every core */
};
/*
 * rtl_top_translate of n pages in one call, in order: out[i] and cycles[i]
 * are page i's answer and cycles. Returns how many pages were answered: n,
 * or fewer when a page was not answered within RTL_TOP_LIMIT cycles (the
 * one at the count returned) or an assertion failed (in the page before it).
 */
unsigned rtl_top_translate_batch(struct rtl_top *t, const struct rtl_op *pages, unsigned n,
				 struct mmu_result *out, uint32_t *cycles);
/* Where a TLBI took effect at a core: before the core's operations from index 'before' on. */
struct rtl_effect {
	uint32_t tlbi;	 /* the TLBI's index in the run */
	uint32_t before; /* the core's first operation after it (n: none) */
	uint8_t core;
};
/* What rtl_top_run measured: arrays of one entry per operation, given by the caller. */
struct rtl_run {
	struct mmu_result *answer; /* a page's answer */
	/* a page: cycles from its request taken to its answer; a TLBI: cycles
	 * it waited for room in the fabric; a DSB: cycles to its completion */
	uint32_t *cycles;
	uint64_t *start; /* the cycle it began: request taken, TLBI issued, DSB posted */
	uint64_t *busy;	 /* [k], k = 0..cores: gains the cycles k cores had a page in flight */
	uint64_t elapsed; /* cycles the run took */
	const struct rtl_effect *effects; /* every TLBI at every core it reached, until the next run */
	unsigned neffects;
};
/*
 * The cores at once: each core takes its own operations in their order, a
 * page in the cycle its last answer goes out (or, after a TLBI that core
 * applies, the next), a TLBI when it has no page in flight, and after a DSB
 * nothing until the DSB completes. The other cores go on meanwhile, so a
 * TLBI meets their translations in flight. The events keep the order they
 * have in ops: a TLBI or DSB begins once every core has begun everything it
 * has before it, and a page after it waits until it has begun. The run ends
 * when every page has been answered, every DSB has completed and every TLBI
 * has reached its cores. Returns n, or RTL_TOP_STUCK when the watchdog's
 * limit of cycles in a row passed with no answer, delivery or sync
 * (rtl_top_hang says what waited).
 */
unsigned rtl_top_run(struct rtl_top *t, const struct rtl_op *ops, unsigned n, struct rtl_run *r);
/* The top's own counters: cycles walkers waited for the memory port (summed
 * over walkers), and TLBIs that reached a core with a page in flight. */
void rtl_top_fabric_counters(struct rtl_top *t, uint64_t *port_wait, uint64_t *dvm_busy);
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
void rtl_top_faults(struct rtl_top *t, const struct rtl_faults *f);
/* What the last wait that gave up (RTL_TOP_STUCK) waited for; kind NONE: none. */
void rtl_top_hang(struct rtl_top *t, struct rtl_hang *out);

/*
 * What mmusim --backend rtl and the SystemC module use of a shim library,
 * as one object found with one dlsym: rtl_top_shim. The compiler checks
 * every member against the function above it points to, and the loader
 * refuses a library of another version: raise RTL_TOP_OPS_VERSION with
 * every change to this struct or to a signature in it.
 */
#define RTL_TOP_OPS_VERSION 4u
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
	unsigned (*translate_batch)(struct rtl_top *t, const struct rtl_op *pages, unsigned n,
				    struct mmu_result *out, uint32_t *cycles);
	unsigned (*run)(struct rtl_top *t, const struct rtl_op *ops, unsigned n, struct rtl_run *r);
	void (*fabric_counters)(struct rtl_top *t, uint64_t *port_wait, uint64_t *dvm_busy);
	void (*faults)(struct rtl_top *t, const struct rtl_faults *f);
	void (*hang)(struct rtl_top *t, struct rtl_hang *out);
};
extern const struct rtl_top_ops rtl_top_shim;

#ifdef __cplusplus
}
#endif

#endif
