// SPDX-License-Identifier: MIT
/*
 * Lockstep: the Verilated rtl/mmu_tlb.sv and the golden tb/tlb.c get the
 * same random stream of lookups, fills (of 4 KiB, 2 MiB and 1 GiB, ASID and
 * global entries) and TLBIs (every operation, random ranges and hints);
 * every answer must agree. The configuration is compiled in (CFG_*).
 *
 *   rtl_tlb_<cfg> [OPS [SEED]]     (a new seed each run, printed on failure)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rtl/tlb_shim.h"
#include "xorshift.h"

/* Addresses that share sets, cross 2 MiB and 1 GiB lines, and the top half. */
static uint64_t pick_va(void)
{
	static const uint64_t bases[] = { 0x0, 0x400000, 0x7ffff000, 0x40000000, 0x1ffeff0000,
					  0xffff800000000000ULL, 0x123456000 };
	uint64_t b = bases[next() % (sizeof(bases) / sizeof(bases[0]))];

	return b + (next() % 96) * 0x1000 + (next() % 4) * 0x200000 + (next() & 0xfff);
}

static struct translation make_entry(uint64_t va, uint16_t asid)
{
	unsigned r = next() % 10;
	unsigned level = r < 7 ? LEVEL_4K : r < 9 ? LEVEL_2M : LEVEL_1G;
	uint64_t size = 1ULL << level_shift((enum page_level)level);

	return (struct translation){
		.va_base = va & ~(size - 1),
		.pa_base = (next() << 12) & 0xfffffffff000ULL & ~(size - 1),
		.level = (uint8_t)level,
		.global = next() % 10 == 0,
		.asid = asid,
		.attrs = next() & 0xfff0000000000ffcULL,
	};
}

static uint64_t pick_tlbi(enum tlbi_op *op)
{
	uint16_t asid = (uint16_t)(1 + next() % 3);
	uint64_t va = pick_va();
	unsigned ttl = next() % 3 ? 0 : (unsigned)(next() % 16);

	*op = (enum tlbi_op)(next() % TLBI_NR_OPS);
	if (*op == TLBI_VMALLE1 && next() % 4)
		*op = TLBI_VAE1; /* keep the TLB populated most of the time */
	if (*op == TLBI_VMALLE1)
		return 0;
	if (*op == TLBI_ASIDE1)
		return tlbi_asid(asid);
	if (!tlbi_is_range(*op))
		return tlbi_vaddr(va, asid, ttl);
	uint64_t x = tlbi_vaddr_range(va, asid, (unsigned)(next() % 4), (unsigned)(next() % 32),
				      (unsigned)(next() % 4));
	if (next() % 16 == 0) /* a foreign or reserved granule */
		x = (x & ~(3ULL << 46)) | ((next() % 4) << 46);
	return x;
}

static int same(const struct translation *a, const struct translation *b)
{
	return a->va_base == b->va_base && a->pa_base == b->pa_base && a->level == b->level &&
	       a->global == b->global && a->asid == b->asid && a->attrs == b->attrs;
}

int main(int argc, char **argv)
{
	uint64_t ops = argc > 1 ? strtoull(argv[1], NULL, 0) : 200000;
	uint64_t seed = seed_stream(argc, argv);
	struct tlb_geometry geo = { CFG_ENTRIES, CFG_WAYS, CFG_POLICY, 1 };
	struct tlb golden;
	struct rtl_tlb *rtl = rtl_tlb_new();
	uint64_t lookups = 0, hits = 0, fills = 0, evictions = 0, invalidated = 0;
	const char *name = "rtl_tlb_" CFG_NAME;

	if (tlb_init(&golden, &geo, 0)) {
		printf("[  FAILED  ] %s: bad geometry\n", name);
		return 1;
	}
	golden.rng = CFG_RANDOM_STATE; /* the state the RTL was built with */
	for (uint64_t i = 0; i < ops; i++) {
		unsigned kind = next() % 100;

		if (kind < 90) {
			uint64_t va = pick_va();
			uint16_t asid = (uint16_t)(1 + next() % 3);
			const struct tlb_entry *g = tlb_lookup(&golden, va, asid);
			struct translation r;
			bool hit = rtl_tlb_lookup(rtl, va, asid, &r);

			lookups++;
			if (!!g != hit || (g && !same(&g->t, &r))) {
				printf("[  FAILED  ] %s: op %llu (seed %#llx): lookup %#llx asid %u: golden %s "
				       "%#llx L%u, RTL %s %#llx L%u\n",
				       name, (unsigned long long)i, (unsigned long long)seed,
				       (unsigned long long)va, (unsigned)asid, g ? "hit" : "miss",
				       g ? (unsigned long long)g->t.va_base : 0ULL,
				       g ? (unsigned)g->t.level : 0u, hit ? "hit" : "miss",
				       hit ? (unsigned long long)r.va_base : 0ULL,
				       hit ? (unsigned)r.level : 0u);
				return 1;
			}
			if (g) {
				hits++;
				continue;
			}
			struct translation e = make_entry(va, asid);
			unsigned before = tlb_valid_entries(&golden);

			tlb_fill(&golden, &e);
			rtl_tlb_fill(rtl, &e);
			fills++;
			evictions += tlb_valid_entries(&golden) == before;
		} else {
			enum tlbi_op op;
			uint64_t x = pick_tlbi(&op);
			struct tlbi t = { op, true, x };
			struct tlbi_target target;

			tlbi_decode(&t, &target);
			invalidated += tlb_invalidate(&golden, &target);
			rtl_tlb_tlbi(rtl, op, x);
		}
	}
	struct rtl_tlb_counters c;

	rtl_tlb_counters(rtl, &c);
	int bad = c.lookups != lookups || c.hits != hits || c.fills != fills ||
		  c.evictions != evictions || c.invalidated != invalidated || rtl_tlb_errors(rtl);

	if (bad)
		printf("[  FAILED  ] %s (seed %#llx): counters RTL %llu/%llu/%llu/%llu/%llu, golden "
		       "%llu/%llu/%llu/%llu/%llu%s\n",
		       name, (unsigned long long)seed, (unsigned long long)c.lookups,
		       (unsigned long long)c.hits, (unsigned long long)c.fills,
		       (unsigned long long)c.evictions, (unsigned long long)c.invalidated,
		       (unsigned long long)lookups, (unsigned long long)hits,
		       (unsigned long long)fills, (unsigned long long)evictions,
		       (unsigned long long)invalidated,
		       rtl_tlb_errors(rtl) ? ", and an RTL assertion failed" : "");
	else
		printf("[       OK ] %s: %llu operations, %llu hits, %llu invalidated (seed %#llx)\n",
		       name, (unsigned long long)ops, (unsigned long long)hits,
		       (unsigned long long)invalidated, (unsigned long long)seed);
	rtl_tlb_free(rtl);
	tlb_free(&golden);
	return bad;
}
