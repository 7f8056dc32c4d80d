// SPDX-License-Identifier: MIT
/*
 * Lockstep: the Verilated rtl/mmu_ptw.sv and the golden tb/walker.c walk
 * the same random page tables (tables, 1 GiB and 2 MiB blocks, pages with
 * random access flags and permissions, invalid and reserved descriptors)
 * for random VAs, ASIDs and access kinds, with random TLBIs between walks;
 * results, descriptor reads and walk-cache hits must agree. Then TLBIs
 * during walks: a descriptor is unmapped and invalidated while a walk is
 * under way, and the walk must not return the old translation.
 *
 *   rtl_ptw_<cfg> [WALKS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rtl/ptw_shim.h"
#include "random_tables.h"

static int same_result(const struct walk_result *a, const struct walk_result *b)
{
	if (a->fault != b->fault || a->level != b->level)
		return 0;
	if (a->fault == MMU_FAULT_TRANSLATION)
		return 1;
	return a->t.va_base == b->t.va_base && a->t.pa_base == b->t.pa_base &&
	       a->t.level == b->t.level && a->t.global == b->t.global && a->t.asid == b->t.asid &&
	       a->t.attrs == b->t.attrs;
}

static const char *name = "rtl_ptw_" CFG_NAME;

static void report(const char *what, uint64_t seed, uint64_t i, uint64_t va,
		   const struct walk_result *g, const struct walk_result *r)
{
	printf("[  FAILED  ] %s: %s, walk %llu (seed %#llx) va %#llx: golden %s L%u pa %#llx, "
	       "RTL %s L%u pa %#llx\n",
	       name, what, (unsigned long long)i, (unsigned long long)seed,
	       (unsigned long long)va, mmu_fault_names[g->fault], g->level,
	       (unsigned long long)g->t.pa_base, mmu_fault_names[r->fault], r->level,
	       (unsigned long long)r->t.pa_base);
}

/* During a walk: unmap the VA's leaf and invalidate it, at a chosen cycle. */
struct midwalk {
	uint64_t slot, va;
	uint16_t asid;
	unsigned at;
};

static void unmap_hook(void *ctx, struct rtl_ptw *w, unsigned cycle)
{
	struct midwalk *m = ctx;

	if (cycle != m->at)
		return;
	mem[m->slot / 8] = 0;
	rtl_ptw_tlbi(w, TLBI_VAE1, tlbi_vaddr(m->va, m->asid, 0));
}

int main(int argc, char **argv)
{
	uint64_t walks = argc > 1 ? strtoull(argv[1], NULL, 0) : 50000;
	uint64_t seed = seed_stream(argc, argv);
	const unsigned wc[3] = { CFG_WC, CFG_WC, CFG_WC };
	const unsigned start = CFG_VA_BITS == 48 ? 0 : 1;
	struct walker golden;
	struct rtl_ptw *rtl = rtl_ptw_new(rd, NULL, CFG_LATENCY);
	uint64_t roots[3];

	build_roots(roots, start);
	walker_init(&golden, CFG_VA_BITS, CFG_LATENCY, wc, rd, NULL);
	for (uint64_t i = 0; i < walks; i++) {
		if (next() % 8 == 0) {
			enum tlbi_op op = (enum tlbi_op)(next() % TLBI_NR_OPS);
			uint16_t asid = (uint16_t)(1 + next() % 3);
			uint64_t va = pick_va(roots[asid - 1], start);
			uint64_t x = op == TLBI_VMALLE1 ? 0
				     : op == TLBI_ASIDE1 ? tlbi_asid(asid)
				     : tlbi_is_range(op)
					     ? tlbi_vaddr_range(va, asid, (unsigned)(next() % 4),
								(unsigned)(next() % 32), 0)
					     : tlbi_vaddr(va, asid, 0);
			struct tlbi t = { op, true, x };
			struct tlbi_target target;

			tlbi_decode(&t, &target);
			walker_invalidate(&golden, &target);
			rtl_ptw_tlbi(rtl, op, x);
		}
		uint16_t asid = (uint16_t)(1 + next() % 3);
		uint64_t ttbr = roots[asid - 1] | (uint64_t)asid << 48;
		uint64_t va = pick_va(roots[asid - 1], start);
		enum mmu_access acc = (enum mmu_access)(next() % 3);
		struct walk_result g, r;

		walker_walk(&golden, ttbr, va, acc, &g);
		if (rtl_ptw_walk(rtl, ttbr, va, acc, &r, NULL, NULL) == RTL_SHIM_STUCK) {
			printf("[  FAILED  ] %s (seed %#llx): walk %u: %s\n", name,
			       (unsigned long long)seed, (unsigned)i, rtl_ptw_hang(rtl));
			goto fail;
		}
		if (!same_result(&g, &r)) {
			report("results differ", seed, i, va, &g, &r);
			goto fail;
		}
	}
	struct rtl_ptw_counters c;

	rtl_ptw_counters(rtl, &c);
	for (int l = 0; l < 3; l++) {
		if (c.wc_lookups[l] != golden.wc[l].lookups || c.wc_hits[l] != golden.wc[l].hits) {
			printf("[  FAILED  ] %s (seed %#llx): walk cache L%d %llu/%llu hits, golden %llu/%llu\n",
			       name, (unsigned long long)seed, l, (unsigned long long)c.wc_hits[l],
			       (unsigned long long)c.wc_lookups[l],
			       (unsigned long long)golden.wc[l].hits,
			       (unsigned long long)golden.wc[l].lookups);
			goto fail;
		}
	}
	if (c.walks != golden.walks || c.reads != golden.reads) {
		printf("[  FAILED  ] %s (seed %#llx): %llu walks %llu reads, golden %llu %llu\n", name,
		       (unsigned long long)seed, (unsigned long long)c.walks,
		       (unsigned long long)c.reads, (unsigned long long)golden.walks,
		       (unsigned long long)golden.reads);
		goto fail;
	}
	/* TLBIs during walks: the unmapped translation must never come back */
	unsigned stale_checks = 0;

	for (uint64_t i = 0; i < walks / 10; i++) {
		uint16_t asid = (uint16_t)(1 + next() % 3);
		uint64_t ttbr = roots[asid - 1] | (uint64_t)asid << 48;
		uint64_t va = 0;
		struct walk_result before = { .fault = MMU_FAULT_TRANSLATION }, r, after;
		uint64_t table = roots[asid - 1], slot = 0;

		/* a VA that translates */
		for (int tries = 0; tries < 200 && before.fault != MMU_OK; tries++) {
			va = pick_va(roots[asid - 1], start);
			walker_walk(&golden, ttbr, va, MMU_READ, &before);
		}
		if (before.fault != MMU_OK)
			continue;
		for (unsigned l = start; l <= before.level; l++) { /* the leaf's slot */
			slot = table + 8ULL * ((va >> (39 - 9 * l)) & 511);
			table = mem[slot / 8] & PTE_ADDR_MASK;
		}
		uint64_t saved = mem[slot / 8];
		struct midwalk m = { slot, va, asid, 1 + (unsigned)(next() % (4 * CFG_LATENCY + 4)) };

		if (rtl_ptw_walk(rtl, ttbr, va, MMU_READ, &r, unmap_hook, &m) == RTL_SHIM_STUCK) {
			printf("[  FAILED  ] %s (seed %#llx): walk %u: %s\n", name,
			       (unsigned long long)seed, (unsigned)i, rtl_ptw_hang(rtl));
			goto fail;
		}
		if (m.at < r.cycles) { /* the unmap happened during the walk */
			stale_checks++;
			struct tlbi t = { TLBI_VAE1, true, tlbi_vaddr(va, asid, 0) };
			struct tlbi_target target;

			tlbi_decode(&t, &target);
			walker_invalidate(&golden, &target);
			walker_walk(&golden, ttbr, va, MMU_READ, &after);
			if (!same_result(&after, &r)) {
				report("stale translation after a TLBI during the walk", seed, i, va,
				       &after, &r);
				goto fail;
			}
		}
		mem[slot / 8] = saved;
		/* realign both walk caches before the next round */
		rtl_ptw_tlbi(rtl, TLBI_VMALLE1, 0);
		struct tlbi all = { TLBI_VMALLE1, true, 0 };
		struct tlbi_target t_all;

		tlbi_decode(&all, &t_all);
		walker_invalidate(&golden, &t_all);
	}
	int bad = rtl_ptw_errors(rtl);

	if (bad)
		printf("[  FAILED  ] %s (seed %#llx): an RTL assertion failed\n", name,
		       (unsigned long long)seed);
	else
		printf("[       OK ] %s: %llu walks, %llu reads, %u TLBIs during walks (seed %#llx)\n",
		       name, (unsigned long long)c.walks, (unsigned long long)c.reads, stale_checks,
		       (unsigned long long)seed);
	rtl_ptw_free(rtl);
	walker_free(&golden);
	return bad;
fail:
	rtl_ptw_free(rtl);
	walker_free(&golden);
	return 1;
}
