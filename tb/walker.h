/* SPDX-License-Identifier: MIT */
/*
 * The golden page-table walker: VMSAv8-64 stage 1, 4 KiB granule, from
 * TTBR0 (48-bit VA: levels 0..3; 39-bit: 1..3), reading descriptors from
 * the simulated memory, with one walk cache per table level (the table
 * descriptors of L0, L1 and L2, tagged by ASID). No hardware access-flag
 * or dirty-state updates (FEAT_HAFDBS absent): those are faults.
 *
 * Fault injection (fault.walk_abort): the memory answers the descriptor
 * read at level abort_level of every walk of a VA in abort_va's region at
 * that level with an error; the walk ends there with a synchronous
 * external abort at that level (the read still counts and costs its
 * latency), and aborted(ctx, pa) tells the memory which address failed.
 */
#ifndef MMUSIM_WALKER_H
#define MMUSIM_WALKER_H

#include <stdbool.h>
#include <stdint.h>

#include "tlb.h"
#include "xlat.h"

struct walk_result {
	struct translation t;
	enum mmu_fault_kind fault;
	unsigned level;	 /* where the walk ended (the fault's level) */
	unsigned cycles; /* memory reads times their latency */
};

struct wc_entry {
	bool valid;
	uint16_t asid;
	uint64_t tag;	/* VA bits above the table this entry points to */
	uint64_t table; /* PA of the next-level table */
	uint64_t stamp;
};

struct walk_cache {
	unsigned entries;
	struct wc_entry *e;
	uint64_t clock;
	uint64_t lookups, hits;
};

struct walker {
	unsigned start_level; /* 0 for 48-bit VAs, 1 for 39-bit */
	unsigned mem_latency; /* cycles of one descriptor read */
	struct walk_cache wc[3]; /* wc[l]: table descriptors read at level l */
	uint64_t (*read64)(void *ctx, uint64_t pa);
	void *ctx;
	uint64_t walks, reads;
	/* fault.walk_abort: off while aborted is NULL */
	uint64_t abort_va;
	unsigned abort_level;
	void (*aborted)(void *ctx, uint64_t pa);
};

int walker_init(struct walker *w, unsigned va_bits, unsigned mem_latency,
		const unsigned wc_entries[3], uint64_t (*read64)(void *, uint64_t), void *ctx);
void walker_free(struct walker *w);
void walker_walk(struct walker *w, uint64_t ttbr0, uint64_t va, enum mmu_access acc,
		 struct walk_result *out);
/* Non-leaf TLBI forms also drop the walk caches' entries they cover. */
void walker_invalidate(struct walker *w, const struct tlbi_target *t);
/* EL0 permission check of a leaf descriptor's attributes. */
static inline bool el0_permits(uint64_t attrs, enum mmu_access acc)
{
	switch (acc) {
	case MMU_EXEC:
		return !(attrs & PTE_UXN);
	case MMU_WRITE:
		return (attrs & PTE_USER) && !(attrs & PTE_RDONLY);
	default:
		return attrs & PTE_USER;
	}
}

#endif
