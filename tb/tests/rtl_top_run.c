// SPDX-License-Identifier: MIT
/*
 * Directed tests of rtl_top_run on the Verilated rtl/mmu_top.sv of
 * CFG_CORES cores (hop latency CFG_HOP): the cores running at once, a
 * broadcast TLBI and DSB ISH from core 0 while the last core (v, CFG_CORES
 * - 1 hops away) goes on translating the page they invalidate.
 *
 * The page table is one_page_table.h's: VA 0x0000_0080_4020_1000 of ASID 1,
 * remapped from PA 0x8000_0000 to 0xc000_0000 before the run (memory does
 * not change within a run). Expected timings, from the definitions:
 *   - a TLBI issued in cycle s reaches core c in cycle s + 1 + hops * HOP
 *     (mmu_top) and is applied there in the first cycle from then on in
 *     which the core is between two pages: idle, or answering (mmu_core);
 *   - core 0's DSB is posted the cycle after its TLBI, and the pages after
 *     it in the run begin in that cycle (an event first begins, then what
 *     follows it);
 *   - an L1 hit takes two cycles (lookup, answer) and the next page is taken
 *     in the answering cycle, so v's page j answers in cycle s + 3 + 2j
 *     while it hits; in the cycle a TLBI is applied no page is taken;
 *   - the DSB completes in the cycle after the last core applied the TLBI.
 * So v answers ceil(((v hops) * HOP - 2) / 2) + 1 of its pages (at least 1)
 * from the old L1 entry, every one before the DSB completes, and the first
 * page after the TLBI walks to the new mapping.
 *
 *   rtl_top_run_<cfg>
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../rtl/top_shim.h"
#include "one_page_table.h"

#define MEM_LATENCY 3
#define MAX_OPS 32

static const struct rtl_op vae1is = { .va = 0x0001000008040201ULL, .core = 0,
				      .kind = RTL_OP_TLBI, .acc = TLBI_VAE1, .shareable = 1 };
static const struct rtl_op dsb = { .core = 0, .kind = RTL_OP_DSB };

static struct mmu_result answer[MAX_OPS];
static uint32_t cycles[MAX_OPS];
static uint64_t start[MAX_OPS], busy[CFG_CORES + 1];
static const char *cur;
static bool ok;

#define EXPECT(cond, ...)                                  \
	do {                                               \
		if (!(cond)) {                             \
			printf("    %s: ", cur);           \
			printf(__VA_ARGS__);               \
			printf("\n");                      \
			ok = false;                        \
		}                                          \
	} while (0)

static struct rtl_op page(unsigned core)
{
	return (struct rtl_op){ .ttbr0 = TTBR, .va = VA, .core = (uint8_t)core,
				.kind = RTL_OP_PAGE, .acc = MMU_READ };
}

static unsigned run(struct rtl_top *t, const struct rtl_op *ops, unsigned n, struct rtl_run *r)
{
	*r = (struct rtl_run){ .answer = answer, .cycles = cycles, .start = start, .busy = busy };
	return rtl_top_run(t, ops, n, r);
}

/* v's effect of the TLBI at index tlbi, or NULL */
static const struct rtl_effect *effect_at(const struct rtl_run *r, unsigned tlbi, unsigned core)
{
	for (unsigned k = 0; k < r->neffects; k++)
		if (r->effects[k].tlbi == tlbi && r->effects[k].core == core)
			return &r->effects[k];
	return NULL;
}

static bool answered(const struct mmu_result *a, uint64_t pa, unsigned source)
{
	return a->fault == MMU_OK && a->level == 3 && a->pa == pa && a->source == source;
}

/* v has the page in L1d and L2; the mapping changes; TLBI, DSB, and v reads it m times. */
static void stale_hits_until_the_tlbi_arrives(void)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, MEM_LATENCY);
	const unsigned v = CFG_CORES - 1, m = 12;
	const unsigned k = (v * CFG_HOP > 2 ? (v * CFG_HOP - 2 + 1) / 2 : 0) + 1; /* stale pages */
	struct rtl_op ops[MAX_OPS];
	struct mmu_result warm;
	struct rtl_run r;
	unsigned n = 0;

	cur = "stale_hits_until_the_tlbi_arrives";
	baseline();
	rtl_top_translate(t, v, TTBR, VA, MMU_READ, &warm);
	mem[LEAF_SLOT / 8] = NEW_LEAF;
	ops[n++] = vae1is;
	ops[n++] = dsb;
	for (unsigned j = 0; j < m; j++)
		ops[n++] = page(v);
	EXPECT(run(t, ops, n, &r) == n, "the run did not finish");
	uint64_t s = start[0];
	EXPECT(start[1] == s + 1, "DSB posted in cycle %llu, TLBI issued in %llu",
	       (unsigned long long)start[1], (unsigned long long)s);
	for (unsigned j = 0; j < k; j++) {
		EXPECT(start[2 + j] == s + 1 + 2 * j, "page %u began in cycle %llu, expected %llu", j,
		       (unsigned long long)start[2 + j], (unsigned long long)(s + 1 + 2 * j));
		EXPECT(answered(&answer[2 + j], OLD_PA, XLAT_L1),
		       "page %u (before the TLBI arrived): pa %#llx from %u, expected the old %#llx "
		       "from L1",
		       j, (unsigned long long)answer[2 + j].pa, answer[2 + j].source, OLD_PA);
	}
	uint64_t applied = s + 1 + 2 * (k - 1) + 2; /* the last stale page's answer */
	EXPECT(answered(&answer[2 + k], NEW_PA, XLAT_WALK),
	       "page %u (the first after the TLBI): pa %#llx from %u, expected %#llx walked", k,
	       (unsigned long long)answer[2 + k].pa, answer[2 + k].source, NEW_PA);
	EXPECT(start[2 + k] == applied + 1, "page %u began in cycle %llu, expected %llu", k,
	       (unsigned long long)start[2 + k], (unsigned long long)(applied + 1));
	for (unsigned j = k + 1; j < m; j++)
		EXPECT(answered(&answer[2 + j], NEW_PA, XLAT_L1), "page %u: pa %#llx from %u", j,
		       (unsigned long long)answer[2 + j].pa, answer[2 + j].source);
	const struct rtl_effect *e = effect_at(&r, 0, v);
	EXPECT(e && e->before == 2 + k, "the TLBI took effect at core %u before op %d, expected %u",
	       v, e ? (int)e->before : -1, 2 + k);
	for (unsigned c = 0; c < v; c++)
		EXPECT(effect_at(&r, 0, c), "the TLBI has no effect at core %u", c);
	EXPECT(start[1] + cycles[1] == applied + 1, "the DSB completed in cycle %llu, expected %llu",
	       (unsigned long long)(start[1] + cycles[1]), (unsigned long long)(applied + 1));
	EXPECT(!rtl_top_errors(t), "an RTL assertion failed");
	rtl_top_free(t);
}

/*
 * v walks the page (nothing cached) when core 0's TLBI is issued: the walk
 * finishes and fills first, the TLBI then removes what it filled, and the
 * DSB completes only after v's answer; v's next read walks again.
 */
static void a_walk_in_flight_finishes_first(void)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, MEM_LATENCY);
	const unsigned v = CFG_CORES - 1;
	struct rtl_op ops[] = { page(v), vae1is, dsb, page(v) };
	struct rtl_run r;

	cur = "a_walk_in_flight_finishes_first";
	baseline();
	mem[LEAF_SLOT / 8] = NEW_LEAF;
	EXPECT(run(t, ops, 4, &r) == 4, "the run did not finish");
	EXPECT(start[1] == start[0] + 1, "TLBI issued in cycle %llu, the walk began in %llu",
	       (unsigned long long)start[1], (unsigned long long)start[0]);
	EXPECT(answered(&answer[0], NEW_PA, XLAT_WALK) && answered(&answer[3], NEW_PA, XLAT_WALK),
	       "pa %#llx from %u, then %#llx from %u: expected %#llx walked both times",
	       (unsigned long long)answer[0].pa, answer[0].source, (unsigned long long)answer[3].pa,
	       answer[3].source, NEW_PA);
	const struct rtl_effect *e = effect_at(&r, 1, v);
	EXPECT(e && e->before == 3, "the TLBI took effect at core %u before op %d, expected 3", v,
	       e ? (int)e->before : -1);
	/* four reads of MEM_LATENCY cycles and more: the walk outlasts the TLBI's travel */
	uint64_t walked = start[0] + cycles[0];
	EXPECT(start[2] + cycles[2] > walked, "the DSB completed in cycle %llu, the walk answered in %llu",
	       (unsigned long long)(start[2] + cycles[2]), (unsigned long long)walked);
	EXPECT(!rtl_top_errors(t), "an RTL assertion failed");
	rtl_top_free(t);
}

/*
 * Linux frees a page table (munmap of the last page it mapped): the leaf
 * was cleared and flushed first, then the L2 descriptor is cleared and a
 * non-leaf TLBI (VAE1IS) of the freed table's first page drops every
 * walk-cache entry whose reach it meets. v's walk caches hold the table
 * (from a walk of the next page), and v walks VA while that TLBI travels:
 * the walk began before the TLBI reached v, so it may go through the
 * cached pointer into the freed table, and does: a translation fault at
 * L3 (the cleared leaf), where the tables now fault at L2; the TLBI takes
 * effect after it, and once the DSB has completed v's next walk faults at
 * L2. (The scoreboard of tb/rtl_backend.c once refused the first answer:
 * it took a TLBI to cover only its own pages, not the walk caches' reach.)
 */
static void a_walk_through_a_table_being_freed(void)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, MEM_LATENCY);
	const unsigned v = CFG_CORES - 1;
	struct rtl_op table_page = vae1is, ops[4];
	struct mmu_result warm;
	struct rtl_run r;

	cur = "a_walk_through_a_table_being_freed";
	baseline();
	rtl_top_translate(t, v, TTBR, VA + 0x1000, MMU_READ, &warm); /* L3[2]: invalid */
	mem[LEAF_SLOT / 8] = 0;					   /* the leaf cleared, */
	mem[0x3008 / 8] = 0;					   /* then L2[1]: the table freed */
	table_page.va = 0x0001000008040200ULL;			   /* VA 0x80_4020_0000 */
	ops[0] = table_page;
	ops[1] = dsb;
	ops[2] = page(v);
	ops[3] = page(v);
	EXPECT(run(t, ops, 4, &r) == 4, "the run did not finish");
	EXPECT(answer[2].fault == MMU_FAULT_TRANSLATION && answer[2].level == 3,
	       "the walk in flight: fault %d L%u, expected a translation fault at L3",
	       (int)answer[2].fault, answer[2].level);
	EXPECT(answer[3].fault == MMU_FAULT_TRANSLATION && answer[3].level == 2,
	       "after the TLBI: fault %d L%u, expected a translation fault at L2",
	       (int)answer[3].fault, answer[3].level);
	const struct rtl_effect *e = effect_at(&r, 0, v);
	EXPECT(e && e->before == 3, "the TLBI took effect at core %u before op %d, expected 3", v,
	       e ? (int)e->before : -1);
	EXPECT(start[1] + cycles[1] > start[2] + cycles[2],
	       "the DSB completed in cycle %llu, before the old table's answer in %llu",
	       (unsigned long long)(start[1] + cycles[1]),
	       (unsigned long long)(start[2] + cycles[2]));
	EXPECT(!rtl_top_errors(t), "an RTL assertion failed");
	rtl_top_free(t);
}

/* A TLBI without the Inner-Shareable form reaches its own core only. */
static void a_local_tlbi_stays_local(void)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, MEM_LATENCY);
	const unsigned v = CFG_CORES - 1;
	struct rtl_op local = vae1is, ops[8];
	struct mmu_result warm;
	struct rtl_run r;
	unsigned n = 0;

	cur = "a_local_tlbi_stays_local";
	baseline();
	rtl_top_translate(t, v, TTBR, VA, MMU_READ, &warm);
	mem[LEAF_SLOT / 8] = NEW_LEAF;
	local.shareable = 0;
	ops[n++] = local;
	ops[n++] = dsb;
	for (unsigned j = 0; j < 6; j++)
		ops[n++] = page(v);
	EXPECT(run(t, ops, n, &r) == n, "the run did not finish");
	EXPECT(r.neffects == 1 && r.effects[0].core == 0, "%u effects, the first at core %u",
	       r.neffects, r.neffects ? (unsigned)r.effects[0].core : 0u);
	for (unsigned j = 2; j < n; j++)
		EXPECT(answered(&answer[j], OLD_PA, XLAT_L1), "op %u: pa %#llx from %u", j,
		       (unsigned long long)answer[j].pa, answer[j].source);
	EXPECT(!rtl_top_errors(t), "an RTL assertion failed");
	rtl_top_free(t);
}

int main(void)
{
	static void (*const tests[])(void) = { stale_hits_until_the_tlbi_arrives,
					       a_walk_in_flight_finishes_first,
					       a_walk_through_a_table_being_freed,
					       a_local_tlbi_stays_local };
	const char *name = "rtl_top_run_" CFG_NAME;
	unsigned failed = 0;

	printf("[==========] %s: the cores at once, a TLBI in flight, %u cores, hop %u\n", name,
	       CFG_CORES, CFG_HOP);
	for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) {
		ok = true;
		tests[i]();
		printf("[ %s ] %s_%s\n", ok ? "      OK" : " FAILED ", cur, CFG_NAME);
		failed += !ok;
	}
	printf("[==========] %s: %zu test(s) run.\n", name, ARRAY_SIZE(tests));
	printf("[  PASSED  ] %zu test(s).\n", ARRAY_SIZE(tests) - failed);
	if (failed)
		printf("[  FAILED  ] %u test(s).\n", failed);
	return failed != 0;
}
