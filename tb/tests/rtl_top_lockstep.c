// SPDX-License-Identifier: MIT
/*
 * The system top: CFG_CORES Verilated per-core MMUs behind the broadcast
 * fabric and the memory arbiter, against the golden hierarchy of as many
 * cores. Random translations on random cores and random TLBIs, local or
 * Inner Shareable, each followed by a DSB ISH sync: every answer must agree.
 * And the shootdown latency, TLBI to sync done, against the fabric's
 * definition: a ring, CFG_HOP cycles a hop, one cycle to enter and one for
 * the sync to see the queues drained: 2 + (cores - 1) * hop for a
 * broadcast, 2 for a local operation.
 *
 *   rtl_top_<cfg> [TRANSLATIONS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rtl/top_shim.h"
#include "random_tables.h"

static const char *name = "rtl_top_" CFG_NAME;
static uint64_t cur_ttbr;

static void golden_walk(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
			struct walk_result *out)
{
	struct mmu *m = ctx;

	walker_walk(&m->core[core].ptw, cur_ttbr, va, acc, out);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 40000;
	uint64_t seed = seed_stream(argc, argv);
	const unsigned wc[3] = { 4, 4, 4 };
	struct sim_config cfg;
	static struct mmu m;
	struct rtl_top *rtl = rtl_top_new(rd, NULL, 3);
	unsigned cores = rtl_top_cores(rtl);
	uint64_t roots[3];
	int bad = 0;

	build_roots(roots, 0);
	config_defaults(&cfg);
	cfg.cores = cores;
	cfg.l1i = (struct tlb_geometry){ 16, 4, POLICY_LRU, 1 };
	cfg.l1d = cfg.l1i;
	cfg.l2 = (struct tlb_geometry){ 64, 4, POLICY_LRU, 6 };
	if (cores != CFG_CORES || mmu_init(&m, &cfg, golden_walk, &m)) {
		printf("[  FAILED  ] %s: set-up\n", name);
		return 1;
	}
	for (unsigned c = 0; c < cores; c++)
		walker_init(&m.core[c].ptw, 48, 3, wc, rd, NULL);
	/* shootdown latency, before anything else is going on */
	struct tlbi all = { TLBI_VMALLE1, true, 0 }, local = { TLBI_VMALLE1, false, 0 };
	unsigned lat_is = rtl_top_tlbi_sync(rtl, 0, &all);
	unsigned lat_local = rtl_top_tlbi_sync(rtl, 0, &local);

	mmu_tlbi(&m, 0, &all);
	mmu_tlbi(&m, 0, &local);
	if (lat_is != 2 + (cores - 1) * CFG_HOP || lat_local != 2) {
		printf("[  FAILED  ] %s: shootdown took %u cycles (local %u), the fabric's definition "
		       "says %u (2)\n",
		       name, lat_is, lat_local, 2 + (cores - 1) * CFG_HOP);
		bad = 1;
	}
	static uint64_t recent[3][32];
	uint64_t sent = cores + 1; /* the two above: a broadcast and a local one */

	for (uint64_t i = 0; i < n && !bad; i++) {
		unsigned core = (unsigned)(next() % cores);

		if (next() % 16 == 0) {
			struct tlbi t = random_tlbi(roots, next() % 2);

			mmu_tlbi(&m, core, &t);
			rtl_top_tlbi_sync(rtl, core, &t);
			sent += t.shareable ? cores : 1;
		}
		uint16_t asid = (uint16_t)(1 + next() % 3);
		uint64_t *slot = &recent[asid - 1][next() % 32];
		uint64_t va = *slot && next() % 4 ? *slot + (next() & 0xff8) : pick_va(roots[asid - 1], 0);
		uint8_t type = (uint8_t)(next() % 4);
		enum mmu_access acc = type == TR_INSTR ? MMU_EXEC : type == TR_LOAD ? MMU_READ
										    : MMU_WRITE;
		struct mmu_result g, r;

		cur_ttbr = roots[asid - 1] | (uint64_t)asid << 48;
		mmu_translate(&m, core, type, va, asid, &g);
		rtl_top_translate(rtl, core, cur_ttbr, va, acc, &r);
		if (g.fault == MMU_OK)
			*slot = va & ~0xfffULL;
		if (g.fault != r.fault || g.level != r.level || g.pa != r.pa || g.source != r.source) {
			printf("[  FAILED  ] %s: translation %llu on core %u (seed %#llx) va %#llx: golden "
			       "%s L%u pa %#llx from %u, RTL %s L%u pa %#llx from %u\n",
			       name, (unsigned long long)i, core, (unsigned long long)seed,
			       (unsigned long long)va, mmu_fault_names[g.fault], g.level,
			       (unsigned long long)g.pa, g.source, mmu_fault_names[r.fault], r.level,
			       (unsigned long long)r.pa, r.source);
			bad = 1;
		}
	}
	for (unsigned c = 0; c < cores && !bad; c++) {
		struct rtl_core_counters k;

		rtl_top_counters(rtl, c, &k);
		if (k.walks != m.core[c].ptw.walks || k.reads != m.core[c].ptw.reads) {
			printf("[  FAILED  ] %s (seed %#llx): core %u: %llu walks %llu reads, golden %llu "
			       "%llu\n", name, (unsigned long long)seed, c, (unsigned long long)k.walks,
			       (unsigned long long)k.reads, (unsigned long long)m.core[c].ptw.walks,
			       (unsigned long long)m.core[c].ptw.reads);
			bad = 1;
		}
	}
	if (!bad && rtl_top_dvm_ops(rtl) != sent) {
		printf("[  FAILED  ] %s (seed %#llx): the fabric delivered %llu operations, %llu were sent\n",
		       name, (unsigned long long)seed, (unsigned long long)rtl_top_dvm_ops(rtl),
		       (unsigned long long)sent);
		bad = 1;
	}
	if (!bad && rtl_top_errors(rtl)) {
		printf("[  FAILED  ] %s (seed %#llx): an RTL assertion failed\n", name,
		       (unsigned long long)seed);
		bad = 1;
	}
	if (!bad)
		printf("[       OK ] %s: %u cores, shootdown %u cycles (local %u), %llu translations, "
		       "%llu operations delivered (seed %#llx)\n",
		       name, cores, lat_is, lat_local, (unsigned long long)n,
		       (unsigned long long)rtl_top_dvm_ops(rtl), (unsigned long long)seed);
	rtl_top_free(rtl);
	mmu_free(&m);
	return bad;
}
