/* SPDX-License-Identifier: MIT */
/*
 * One TLB of the golden model: set-associative (fully associative when
 * ways == entries), replacement lru / plru (tree) / fifo / random (seeded),
 * ASID-tagged and global entries of 4 KiB, 2 MiB and 1 GiB.
 *
 * The set index is the low bits of the VPN at the entry's own page size, so
 * a lookup probes one set per page size the TLB currently holds.
 */
#ifndef MMUSIM_TLB_H
#define MMUSIM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "../model/arm64.h"

enum tlb_policy { POLICY_LRU, POLICY_PLRU, POLICY_FIFO, POLICY_RANDOM };

extern const char *const tlb_policy_names[4];
int tlb_policy_parse(const char *s, enum tlb_policy *out);

struct tlb_geometry {
	unsigned entries; /* 0: the structure is absent */
	unsigned ways;
	enum tlb_policy policy;
	unsigned latency; /* cycles of a lookup */
};

/* What a translation resolves to; a TLB entry caches one of these. */
struct translation {
	uint64_t va_base;  /* first VA of the page or block */
	uint64_t pa_base;  /* first PA of the page or block */
	uint8_t level;	   /* enum page_level of the leaf */
	bool global;	   /* nG == 0 */
	uint16_t asid;	   /* meaningless when global */
	uint64_t attrs;	   /* descriptor upper and lower attributes */
};

struct tlb_entry {
	struct translation t;
	bool valid;
	uint64_t stamp; /* lru: last use; fifo: fill time */
};

#define TLB_RECENT 64 /* a power of two */

struct tlb {
	struct tlb_geometry geo;
	unsigned sets;
	struct tlb_entry *e; /* sets * ways, set-major */
	uint8_t *plru;	     /* per set: ways-1 tree nodes, heap order from 1 */
	uint64_t clock;
	uint64_t rng;
	unsigned held[4];    /* valid entries per level, to skip empty probes */
	/*
	 * The last lookup's hit: 4 KiB page, ASID and entry. While the contents
	 * stay unchanged, a lookup in the same page and ASID finds the same
	 * entry, so fills and invalidations forget it. That entry is also the
	 * most recently used one (every other hit moves the memo), so hitting it
	 * again leaves the replacement state as it is: LRU and tree-PLRU would
	 * mark used what is marked, FIFO and random ignore hits.
	 */
	uint64_t memo_page;
	uint16_t memo_asid;
	struct tlb_entry *memo;
	/*
	 * Recent hits by 4 KiB page: where the search found (page, ASID) while
	 * the contents had generation gen. Fills and invalidations start a new
	 * generation; until then the same search finds the same entry, so a
	 * lookup that finds its page here skips the search (not the touch).
	 */
	uint64_t gen;
	struct tlb_recent {
		uint64_t page, gen;
		uint16_t asid;
		struct tlb_entry *e;
	} recent[TLB_RECENT];
};

/* Checks a geometry; returns NULL or a message naming what is wrong. */
const char *tlb_geometry_error(const struct tlb_geometry *g);

int tlb_init(struct tlb *t, const struct tlb_geometry *g, uint64_t seed);
void tlb_free(struct tlb *t);

/* Finds the entry translating va for asid, and marks it used; NULL on miss. */
const struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint16_t asid);
/*
 * tlb_lookup's first two steps alone: the memo, then the recent hits (the
 * same touch and memo). NULL: not found there, which says nothing.
 */
const struct tlb_entry *tlb_lookup_recent(struct tlb *t, uint64_t va, uint16_t asid);

/* Installs a translation, evicting by the policy when its set is full. */
void tlb_fill(struct tlb *t, const struct translation *tr);

/* Applies a TLB maintenance operation; returns the entries it removed. */
unsigned tlb_invalidate(struct tlb *t, const struct tlbi_target *target);

unsigned tlb_valid_entries(const struct tlb *t);

#endif
