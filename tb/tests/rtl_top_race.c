// SPDX-License-Identifier: MIT
/*
 * Races on the Verilated rtl/mmu_top.sv of CFG_CORES cores: a broadcast TLBI
 * and DSB ISH from core 0 meet a translation in flight on the last core, at
 * every cycle offset from its request to its answer.
 *
 * A hand-built page table maps VA 0x0000_0080_4020_1000 for ASID 1 to PA
 * 0x8000_0000. From cycle k of the translation core 0 issues, one a cycle,
 * q TLBIs that do not cover the page (VALE1IS of ASID 2, earlier work that
 * keeps the racing core busy), then remaps the leaf to PA 0xc000_0000 in
 * memory, issues the TLBI that covers it and DSB ISH: what Linux does to
 * change a live mapping. Three paths of the translation:
 *   l2_hit     the page is in L2 and L1d; an instruction fetch misses L1i,
 *              hits L2 and fills L1i;
 *   walk_cold  nothing cached: a walk of four reads, fills of L2 and L1d;
 *   walk_warm  walk caches hold L0..L2 (from a walk of the unmapped next
 *              page): a walk of one read.
 * k runs from before the request (the covering TLBI then reaches the core
 * before the translation starts) to q + 4 cycles past its undisturbed
 * answer, so the store falls before and after the walk's leaf read, and the
 * TLBIs reach the core in every state of the translation.
 *
 * What the architecture requires (Arm ARM, "TLB maintenance instructions",
 * completion by DSB): a translation that started before the TLBI may still
 * answer with the old mapping, but that use must be complete when the DSB
 * completes; once it has, no TLB may hold or return the old translation.
 * So each case checks that
 *   - the translation in flight answers PA 0x8000_0000 or 0xc000_0000, the
 *     old one only in a cycle before the sync completes;
 *   - after the sync, an instruction fetch and a data read of the page on
 *     the racing core (L1i, then L1d, each falling through to L2) and a read
 *     on every other core answer 0xc000_0000;
 *   - no RTL assertion failed.
 *
 *   rtl_top_race_<cfg>       (built against the system top of <cfg>)
 */
#include <stdio.h>
#include <string.h>

#include "../rtl/top_shim.h"
#include "one_page_table.h"

#define NEXT_VA 0x0000008040202000ULL /* L3[2]: invalid */
#define MEM_LATENCY 3

struct op {
	const char *name;
	enum tlbi_op op;
	uint64_t operand;
};

/* Inner-Shareable forms that cover the page at VA for ASID 1 */
static const struct op ops[] = {
	{ "VAE1IS", TLBI_VAE1, 0x0001000008040201ULL },
	{ "VALE1IS", TLBI_VALE1, 0x0001000008040201ULL },
	{ "ASIDE1IS", TLBI_ASIDE1, 0x0001000000000000ULL },
	{ "VMALLE1IS", TLBI_VMALLE1, 0 },
	/* TG 01, SCALE 0, NUM 0: 2 pages from BaseADDR 0x8040201 */
	{ "RVAE1IS", TLBI_RVAE1, 0x0001400008040201ULL },
};

/* the same page for ASID 2: not covered */
static const struct tlbi unrelated = { TLBI_VALE1, true, 0x0002000008040201ULL };

enum path { L2_HIT, WALK_COLD, WALK_WARM };
static const char *const path_names[] = { "l2_hit", "walk_cold", "walk_warm" };

static char cur[128];

static bool expect_new(unsigned core, const char *what, const struct mmu_result *r)
{
	if (r->fault == MMU_OK && r->level == 3 && r->pa == NEW_PA)
		return true;
	printf("    %s: core %u, %s: expected pa %#llx, got fault %d L%u pa %#llx from %u "
	       "(0 L1, 1 L2, 2 walk)\n",
	       cur, core, what, NEW_PA, (int)r->fault, r->level, (unsigned long long)r->pa,
	       r->source);
	return false;
}

/* A fresh top, with the racing core's TLBs and walk caches set up for the path. */
static struct rtl_top *prepare(enum path p, enum mmu_access *acc)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, MEM_LATENCY);
	unsigned v = rtl_top_cores(t) - 1;
	struct mmu_result r;

	baseline();
	*acc = MMU_READ;
	if (p == L2_HIT) {
		rtl_top_translate(t, v, TTBR, VA, MMU_READ, &r); /* L2 and L1d */
		*acc = MMU_EXEC;
	} else if (p == WALK_WARM) {
		rtl_top_translate(t, v, TTBR, NEXT_VA, MMU_READ, &r); /* walk caches */
	}
	struct mmu_result ans[32];
	bool done;
	rtl_top_step(t, ans, &done); /* the cycle its answer leaves */
	return t;
}

/* The racing translation's cycles to its answer, undisturbed. */
static unsigned undisturbed(enum path p)
{
	struct mmu_result ans[32];
	enum mmu_access acc;
	struct rtl_top *t = prepare(p, &acc);
	unsigned v = rtl_top_cores(t) - 1, cyc;
	bool done;

	rtl_top_request(t, v, TTBR, VA, acc);
	for (cyc = 0; cyc < 1000; cyc++) {
		if (rtl_top_step(t, ans, &done) & 1u << v)
			break;
	}
	rtl_top_free(t);
	return cyc;
}

/*
 * The racing translation is requested in cycle 'lead', late enough that TLBIs
 * issued from cycle 0 on can reach the racing core before it starts: they
 * need 1 + hops * CFG_HOP cycles, after the q unrelated ones.
 */
static bool race(const struct op *o, enum path p, unsigned q, unsigned lead, unsigned k)
{
	struct mmu_result ans[32], r, mine = { 0 };
	enum mmu_access acc;
	struct rtl_top *t = prepare(p, &acc);
	unsigned cores = rtl_top_cores(t), v = cores - 1;
	const struct tlbi covering = { o->op, true, o->operand };
	long answered_at = -1, synced_at = -1;
	bool ok = true, done;

	for (unsigned cyc = 0; cyc < 1000 && (answered_at < 0 || synced_at < 0); cyc++) {
		if (cyc == lead)
			rtl_top_request(t, v, TTBR, VA, acc);
		if (cyc == k + q)
			mem[LEAF_SLOT / 8] = NEW_LEAF; /* remap to 0xc000_0000 */
		if (cyc >= k && cyc < k + q)
			rtl_top_post_tlbi(t, 0, &unrelated);
		else if (cyc == k + q)
			rtl_top_post_tlbi(t, 0, &covering);
		else if (cyc == k + q + 1)
			rtl_top_post_sync(t);
		uint32_t who = rtl_top_step(t, ans, &done);

		if (who & 1u << v && answered_at < 0) {
			mine = ans[v];
			answered_at = cyc;
		}
		if (done)
			synced_at = cyc;
	}
	if (answered_at < 0 || synced_at < 0) {
		printf("    %s, k=%u: no %s within 1000 cycles\n", cur, k,
		       answered_at < 0 ? "answer" : "sync");
		rtl_top_free(t);
		return false;
	}
	if (mine.fault != MMU_OK || mine.level != 3 || (mine.pa != OLD_PA && mine.pa != NEW_PA)) {
		printf("    %s, k=%u: the racing translation answered fault %d L%u pa %#llx\n", cur,
		       k, (int)mine.fault, mine.level, (unsigned long long)mine.pa);
		ok = false;
	} else if (mine.pa == OLD_PA && answered_at >= synced_at) {
		printf("    %s, k=%u: the old mapping answered in cycle %ld, the sync completed in "
		       "cycle %ld\n",
		       cur, k, answered_at, synced_at);
		ok = false;
	}
	char what[64];
	snprintf(what, sizeof(what), "k=%u, instruction fetch after the sync", k);
	rtl_top_translate(t, v, TTBR, VA, MMU_EXEC, &r);
	ok &= expect_new(v, what, &r);
	snprintf(what, sizeof(what), "k=%u, data read after the sync", k);
	rtl_top_translate(t, v, TTBR, VA, MMU_READ, &r);
	ok &= expect_new(v, what, &r);
	for (unsigned c = 0; c < v; c++) {
		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
		ok &= expect_new(c, what, &r);
	}
	if (rtl_top_errors(t)) {
		printf("    %s, k=%u: an RTL assertion failed\n", cur, k);
		ok = false;
	}
	rtl_top_free(t);
	return ok;
}

int main(void)
{
	const char *name = "rtl_top_race_" CFG_NAME;
	unsigned n = 0, failed = 0;

	printf("[==========] %s: TLBI + DSB ISH against a translation in flight, %u cores\n", name,
	       CFG_CORES);
	for (enum path p = L2_HIT; p <= WALK_WARM; p++) {
		unsigned answer = undisturbed(p);

		for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
			for (unsigned q = 0; q <= 3; q++) {
				unsigned lead = 1 + (CFG_CORES - 1) * CFG_HOP + q;
				unsigned span = lead + answer + q + 4;
				bool ok = true;

				snprintf(cur, sizeof(cur), "%s %s_%s_after_%u", name, path_names[p],
					 ops[i].name, q);
				n++;
				printf("[ RUN      ] %s\n", cur);
				for (unsigned k = 0; k <= span; k++)
					ok &= race(&ops[i], p, q, lead, k);
				if (ok) {
					printf("[       OK ] %s\n", cur);
				} else {
					printf("[  FAILED  ] %s\n", cur);
					failed++;
				}
			}
		}
	}
	printf("[==========] %s: %u test(s) run.\n", name, n);
	printf("[  PASSED  ] %u test(s).\n", n - failed);
	if (failed)
		printf("[  FAILED  ] %u test(s).\n", failed);
	return failed != 0;
}
