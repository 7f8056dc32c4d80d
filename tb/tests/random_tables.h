/* SPDX-License-Identifier: MIT */
/*
 * Random page tables for the RTL lockstep tests: tables, 1 GiB and 2 MiB
 * blocks, pages with random access flags and permissions, invalid and
 * reserved descriptors, in a small memory the tests serve reads from.
 */
#ifndef MMUSIM_RANDOM_TABLES_H
#define MMUSIM_RANDOM_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "../../model/arm64.h"
#include "xorshift.h"

#define MEM_PAGES 96
static uint64_t mem[MEM_PAGES * 512];
static unsigned next_table;

static uint64_t rd(void *ctx, uint64_t pa)
{
	(void)ctx;
	return pa / 8 < sizeof(mem) / 8 ? mem[pa / 8] : 0;
}

static uint64_t new_table(void)
{
	return next_table < MEM_PAGES ? (uint64_t)(next_table++) << 12 : 0;
}

/* A random leaf or junk descriptor for level l. */
static uint64_t random_leaf(unsigned l)
{
	uint64_t pa = (next() & 0xfffff) << 21;
	uint64_t d = pa | PTE_VALID | (l == 3 ? PTE_TABLE_BIT : 0) | PTE_AF | PTE_USER | PTE_NG;

	if (next() % 8 == 0)
		d &= ~PTE_AF;
	if (next() % 4 == 0)
		d |= PTE_RDONLY;
	if (next() % 4 == 0)
		d |= PTE_UXN;
	if (next() % 10 == 0)
		d &= ~PTE_USER;
	if (next() % 10 == 0)
		d &= ~PTE_NG;
	if (next() % 12 == 0)
		d &= ~PTE_VALID; /* invalid */
	if (l == 3 && next() % 20 == 0)
		d &= ~PTE_TABLE_BIT; /* reserved at level 3 */
	return d;
}

/* Fills the tables under 'table' (level l) sparsely. */
static void build(uint64_t table, unsigned l)
{
	for (unsigned i = 0; i < 512; i++) {
		if (next() % (l == 3 ? 3 : 40))
			continue;
		uint64_t t;

		if (l < 3 && (l == 0 || next() % 3) && (t = new_table())) {
			mem[table / 8 + i] = t | 3;
			build(t, l + 1);
		} else if (l > 0) {
			mem[table / 8 + i] = random_leaf(l) & ~(l < 3 ? PTE_TABLE_BIT : 0);
		}
	}
}

/* Three address spaces (ASIDs 1..3): a random tree of tables from each root. */
static inline void build_roots(uint64_t roots[3], unsigned start_level)
{
	next_table = 1;
	for (int k = 0; k < 3; k++) {
		roots[k] = new_table();
		build(roots[k], start_level);
	}
}

/* A VA that mostly lands where something is mapped. */
static uint64_t pick_va(uint64_t root, unsigned start)
{
	uint64_t va = 0, table = root;

	for (unsigned l = start; l <= 3; l++) {
		unsigned idx = (unsigned)(next() % 512);

		for (unsigned tries = 0; tries < 64 && !mem[table / 8 + idx] && next() % 8; tries++)
			idx = (unsigned)(next() % 512);
		va |= (uint64_t)idx << (39 - 9 * l);
		uint64_t d = mem[table / 8 + idx];

		if ((d & 3) != 3 || l == 3)
			break;
		table = d & PTE_ADDR_MASK;
	}
	if (next() % 50 == 0)
		va |= 1ULL << (start ? 40 : 50); /* outside TTBR0's range */
	return va | (next() & 0xfff);
}

/* A random TLBI for one of the three ASIDs whose tables start at roots. */
static inline struct tlbi random_tlbi(const uint64_t roots[3], bool shareable)
{
	enum tlbi_op op = (enum tlbi_op)(next() % TLBI_NR_OPS);
	uint16_t asid = (uint16_t)(1 + next() % 3);
	uint64_t va = pick_va(roots[asid - 1], 0);
	struct tlbi t = { op, shareable, 0 };

	t.operand = op == TLBI_VMALLE1 ? 0
		    : op == TLBI_ASIDE1 ? tlbi_asid(asid)
		    : tlbi_is_range(op)
			    ? tlbi_vaddr_range(va, asid, (unsigned)(next() % 4), (unsigned)(next() % 32),
					       (unsigned)(next() % 4))
			    : tlbi_vaddr(va, asid, (unsigned)(next() % 16));
	return t;
}

#endif
