/* SPDX-License-Identifier: MIT */
/*
 * The golden model of the TLB hierarchy: per core an L1 I-TLB, an L1 D-TLB
 * and a unified L2 TLB, with the counting convention of Valgrind's
 * cachegrind so results can be checked against it:
 *  - one trace record is one access; an access whose bytes span two pages
 *    looks both up and counts one miss if either missed;
 *  - the L2 TLB is looked up for each page that missed in L1, and counts one
 *    access (and at most one miss) per record that missed in L1;
 *  - a modify counts once, as a data access;
 *  - every page that misses the last TLB is walked.
 */
#ifndef MMUSIM_MMU_H
#define MMUSIM_MMU_H

#include "../traces/trace.h"
#include "config.h"
#include "latency.h"
#include "tlb.h"
#include "walker.h"
#include "xlat.h"

struct level_stats {
	uint64_t accesses, misses;
};

struct core_stats {
	struct level_stats l1i, l1d, l2;
	uint64_t instructions, data_accesses;
	uint64_t walks, walk_cycles;
	uint64_t translation_cycles; /* every lookup, L2 probe and walk */
	uint64_t tlbi[TLBI_NR_OPS];
	uint64_t tlbi_entries; /* entries the TLBIs removed */
	uint64_t faults[MMU_NR_FAULTS]; /* by enum mmu_fault_kind */
};

/* Walks the page tables for a missing page (or makes the translation up). */
typedef void (*walk_fn)(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
			struct walk_result *out);

struct mmu_core {
	struct tlb l1i, l1d, l2;
	struct walker ptw; /* its walk caches (--os linux) */
	struct core_stats st;
	uint64_t fast_hits[2]; /* L1 I, L1 D: the fast path's, not yet in st (mmu_settle) */
};

/* Where an access stopped: the page that faulted and why. */
struct mmu_fault {
	enum mmu_fault_kind kind;
	unsigned level;
	uint64_t va;
	enum mmu_access access;
};

struct mmu_result;

/*
 * The fast path: all bytes in one page that the L1 TLB hit last (its memo)
 * or recently (tlb_lookup_recent, which then touches the entry as a lookup
 * does), an access the entry permits. The same hit as a lookup, without
 * the rest of a lookup, counted at once by mmu_settle (all such hits cost
 * the L1's latency). Not for --backend rtl, which checks every page's answer.
 */
static inline bool mmu_fast_hit(struct mmu_core *c, uint8_t type, uint64_t va, unsigned size,
				uint16_t asid)
{
	bool instr = type == TR_INSTR;
	struct tlb *l1 = instr ? &c->l1i : &c->l1d;
	enum mmu_access acc = instr ? MMU_EXEC : type == TR_LOAD ? MMU_READ : MMU_WRITE;
	const struct tlb_entry *e;

	if ((va + size - 1) >> PAGE_SHIFT != va >> PAGE_SHIFT)
		return false;
	if (l1->memo && l1->memo_page == va >> PAGE_SHIFT && l1->memo_asid == asid)
		e = l1->memo;
	else if (!(e = tlb_lookup_recent(l1, va, asid)))
		return false;
	if (!el0_permits(e->t.attrs, acc))
		return false;
	c->fast_hits[!instr]++;
	return true;
}

/* Called with every page's answer: the RTL back end checks its own against it. */
typedef void (*check_fn)(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
			 uint16_t asid, const struct mmu_result *golden);

struct mmu {
	struct sim_config cfg;
	struct mmu_core core[MAX_CORES];
	walk_fn walk;
	void *walk_ctx;
	check_fn check;
	void *check_ctx;
	struct latency_stats latency; /* every page of every core, by outcome */
};

int mmu_init(struct mmu *m, const struct sim_config *cfg, walk_fn walk, void *ctx);
void mmu_free(struct mmu *m);

/*
 * Translates one access record on a core, filling the TLBs as it goes.
 * Returns false at a fault, described in *f; the caller has the OS handle
 * it and replays the access with count false, so it is counted once.
 * A hit on the page its L1 TLB hit last is only counted in fast_hits: the
 * statistics (st, latency) are whole after mmu_settle().
 */
bool mmu_access(struct mmu *m, unsigned core, uint8_t type, uint64_t va, unsigned size,
		uint16_t asid, bool count, struct mmu_fault *f);

/*
 * One page's translation, as the RTL MMU reports it: the page of va alone,
 * not counted as a record, through the same path a record's pages take.
 */
void mmu_translate(struct mmu *m, unsigned core, uint8_t type, uint64_t va, uint16_t asid,
		   struct mmu_result *r);

/* Applies a TLBI on one core, or on every core if it is Inner Shareable. */
void mmu_tlbi(struct mmu *m, unsigned core, const struct tlbi *op);

/* The walker of --os none: every VA maps to itself, a walk costs cfg cycles. */
void identity_walk(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
		   struct walk_result *out);

/*
 * The same identity mapping as page tables a walker reads (--os none on
 * the RTL): every VA maps to itself in pages of cfg->page_level, read and
 * write at EL0, executable, ASID 1. The tables are not stored: reading
 * them computes them. The table of level l for the VAs whose bits above
 * its reach are p lies at IDENTITY_TABLES + (l << 40) + (p << 12), above
 * any identity-mapped page a walker reads; ctx is the sim_config.
 */
#define IDENTITY_TABLES (1ULL << 44)
uint64_t identity_table_read(void *ctx, uint64_t pa);
/* TTBR0 of those tables: the root of cfg's first level, ASID 1. */
uint64_t identity_ttbr0(const struct sim_config *cfg);

/* Adds the fast path's hits to st and latency: call before reading them. */
void mmu_settle(struct mmu *m);

/* Sum of every core's statistics. */
void mmu_totals(const struct mmu *m, struct core_stats *sum);

#endif
