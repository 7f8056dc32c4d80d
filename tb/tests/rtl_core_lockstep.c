// SPDX-License-Identifier: MIT
/*
 * Lockstep: the Verilated rtl/mmu_core.sv (L1 I, L1 D, L2 TLBs and the
 * walker) and the golden hierarchy of tb/mmu.c translate the same random
 * pages through the same random page tables, with random TLBIs between
 * translations: every fault, level, physical address and source (L1 hit,
 * L2 hit, walk) must agree, and at the end every counter.
 *
 *   rtl_core_<cfg> [TRANSLATIONS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rtl/core_shim.h"
#include "random_tables.h"

static const char *name = "rtl_core_" CFG_NAME;

static uint64_t cur_ttbr; /* the TTBR0 of the translation under way */

static void golden_walk(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
			struct walk_result *out)
{
	struct mmu *m = ctx;

	(void)core;
	walker_walk(&m->core[0].ptw, cur_ttbr, va, acc, out);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
	uint64_t seed = seed_stream(argc, argv);
	const unsigned wc[3] = { CFG_WC, CFG_WC, CFG_WC };
	struct sim_config cfg;
	static struct mmu m;
	struct rtl_core *rtl = rtl_core_new(rd, NULL, CFG_LATENCY);
	uint64_t roots[3];
	int bad = 0;

	build_roots(roots, 0);
	config_defaults(&cfg);
	cfg.l1i = (struct tlb_geometry){ CFG_L1, CFG_L1_WAYS, POLICY_LRU, 1 };
	cfg.l1d = cfg.l1i;
	cfg.l2 = (struct tlb_geometry){ CFG_L2, CFG_L2_WAYS, POLICY_LRU, 6 };
	if (mmu_init(&m, &cfg, golden_walk, &m) ||
	    walker_init(&m.core[0].ptw, 48, CFG_LATENCY, wc, rd, NULL)) {
		printf("[  FAILED  ] %s: golden model set-up\n", name);
		return 1;
	}
	for (uint64_t i = 0; i < n && !bad; i++) {
		if (next() % 16 == 0) {
			struct tlbi t = random_tlbi(roots, true);

			mmu_tlbi(&m, 0, &t);
			rtl_core_tlbi(rtl, t.op, t.operand);
		}
		/* a recent page again most of the time, so that the TLBs hit */
		static uint64_t recent[3][32];
		uint16_t asid = (uint16_t)(1 + next() % 3);
		uint64_t ttbr = roots[asid - 1] | (uint64_t)asid << 48;
		uint64_t *slot = &recent[asid - 1][next() % 32];
		uint64_t va = *slot && next() % 4 ? *slot + (next() & 0xff8) : pick_va(roots[asid - 1], 0);
		uint8_t type = (uint8_t)(next() % 4); /* I, R, W, M */
		enum mmu_access acc = type == TR_INSTR ? MMU_EXEC : type == TR_LOAD ? MMU_READ
										    : MMU_WRITE;
		struct mmu_result g, r;

		cur_ttbr = ttbr;
		mmu_translate(&m, 0, type, va, asid, &g);
		if (rtl_core_translate(rtl, ttbr, va, acc, &r) == RTL_SHIM_STUCK) {
			printf("[  FAILED  ] %s: translation %llu (seed %#llx): %s\n", name,
			       (unsigned long long)i, (unsigned long long)seed, rtl_core_hang(rtl));
			bad = 1;
			break;
		}
		if (g.fault == MMU_OK)
			*slot = va & ~0xfffULL;
		if (g.fault != r.fault || g.level != r.level || g.pa != r.pa || g.source != r.source) {
			printf("[  FAILED  ] %s: translation %llu (seed %#llx) va %#llx %s asid %u: golden "
			       "%s L%u pa %#llx from %u, RTL %s L%u pa %#llx from %u\n",
			       name, (unsigned long long)i, (unsigned long long)seed,
			       (unsigned long long)va, (const char *[]){ "I", "R", "W", "M" }[type],
			       (unsigned)asid,
			       mmu_fault_names[g.fault], g.level, (unsigned long long)g.pa, g.source,
			       mmu_fault_names[r.fault], r.level, (unsigned long long)r.pa, r.source);
			bad = 1;
		}
	}
	struct rtl_core_counters c;

	rtl_core_counters(rtl, &c);
	if (!bad && (c.walks != m.core[0].ptw.walks || c.reads != m.core[0].ptw.reads)) {
		printf("[  FAILED  ] %s (seed %#llx): %llu walks %llu reads, golden %llu %llu\n", name,
		       (unsigned long long)seed, (unsigned long long)c.walks,
		       (unsigned long long)c.reads, (unsigned long long)m.core[0].ptw.walks,
		       (unsigned long long)m.core[0].ptw.reads);
		bad = 1;
	}
	if (!bad && rtl_core_errors(rtl)) {
		printf("[  FAILED  ] %s (seed %#llx): an RTL assertion failed\n", name,
		       (unsigned long long)seed);
		bad = 1;
	}
	if (!bad)
		printf("[       OK ] %s: %llu translations, %llu walks, L2 %llu/%llu hits (seed %#llx)\n",
		       name, (unsigned long long)n, (unsigned long long)c.walks,
		       (unsigned long long)c.tlb[2][1], (unsigned long long)c.tlb[2][0],
		       (unsigned long long)seed);
	rtl_core_free(rtl);
	mmu_free(&m);
	return bad;
}
