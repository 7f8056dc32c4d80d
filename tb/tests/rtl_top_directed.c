// SPDX-License-Identifier: MIT
/*
 * Directed broadcast tests on the Verilated rtl/mmu_top.sv of CFG_CORES
 * cores. A hand-built page table maps VA 0x0000_0080_4020_1000 for ASID 1
 * to PA 0x8000_0000. Every core translates it twice (a walk, then an L1
 * hit); then the page is remapped to PA 0xc000_0000 in memory and one core
 * issues a TLBI covering it, followed by DSB ISH, as Linux does. After an
 * Inner-Shareable TLBI every core's next translation must come from a walk
 * (source 2) and give the new PA; after a local (non-shareable) one only
 * the issuing core's must, the others still hit the old entry in their L1
 * (source 0). Every operation, both forms, issued from the first and the
 * last core. Two more cases send an Inner-Shareable TLBI that does not
 * cover the page (another ASID, another page): every core keeps hitting.
 *
 *   rtl_top_directed_<cfg>       (built against the system top of <cfg>)
 */
#include <stdio.h>
#include <string.h>

#include "../rtl/top_shim.h"
#include "one_page_table.h"

struct op {
	const char *name;
	enum tlbi_op op;
	uint64_t operand;
	bool covers; /* the page at VA for ASID 1 */
};

static const struct op ops[] = {
	/* ASID 1, VA>>12 = 0x8040201 */
	{ "VAE1", TLBI_VAE1, 0x0001000008040201ULL, true },
	{ "VALE1", TLBI_VALE1, 0x0001000008040201ULL, true },
	/* the ASID field is ignored */
	{ "VAAE1", TLBI_VAAE1, 0x0000000008040201ULL, true },
	{ "VAALE1", TLBI_VAALE1, 0x0000000008040201ULL, true },
	{ "ASIDE1", TLBI_ASIDE1, 0x0001000000000000ULL, true },
	{ "VMALLE1", TLBI_VMALLE1, 0, true },
	/* ASID 1, TG 01, SCALE 0, NUM 0: 2 pages from BaseADDR 0x8040201 */
	{ "RVAE1", TLBI_RVAE1, 0x0001400008040201ULL, true },
	{ "RVALE1", TLBI_RVALE1, 0x0001400008040201ULL, true },
	/* TG 01, SCALE 1, NUM 0: 64 pages from 0x80_4020_0000 */
	{ "RVAAE1", TLBI_RVAAE1, 0x0000500008040200ULL, true },
	{ "RVAALE1", TLBI_RVAALE1, 0x0000500008040200ULL, true },
	/* not this page: ASID 2; the next page 0x80_4020_2000 */
	{ "ASIDE1_other_asid", TLBI_ASIDE1, 0x0002000000000000ULL, false },
	{ "VAE1_next_page", TLBI_VAE1, 0x0001000008040202ULL, false },
};

static const char *cur;

static bool expect(unsigned core, const char *what, const struct mmu_result *r, uint64_t pa,
		   unsigned source)
{
	if (r->fault == MMU_OK && r->level == 3 && r->pa == pa && r->source == source)
		return true;
	printf("    %s: core %u, %s: expected pa %#llx L3 from %s, got fault %d L%u pa %#llx "
	       "from %u (0 L1, 1 L2, 2 walk)\n",
	       cur, core, what, (unsigned long long)pa, source == 0 ? "L1" : "a walk",
	       (int)r->fault, r->level, (unsigned long long)r->pa, r->source);
	return false;
}

static bool run_case(const struct op *o, bool shareable, unsigned issuer)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, 3);
	unsigned cores = rtl_top_cores(t);
	struct tlbi op = { o->op, shareable, o->operand };
	struct mmu_result r;
	bool ok = cores == CFG_CORES;

	if (!ok)
		printf("    %s: the top has %u cores, the build says %u\n", cur, cores, CFG_CORES);
	baseline();
	for (unsigned c = 0; c < cores && ok; c++) {
		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
		ok &= expect(c, "first translation", &r, OLD_PA, 2);
		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
		ok &= expect(c, "second translation", &r, OLD_PA, 0);
	}
	mem[LEAF_SLOT / 8] = NEW_LEAF; /* remap to 0xc000_0000, then TLBI + DSB ISH */
	rtl_top_tlbi_sync(t, issuer, &op);
	for (unsigned c = 0; c < cores && ok; c++) {
		bool gone = o->covers && (shareable || c == issuer);

		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
		ok &= gone ? expect(c, "after the TLBI", &r, NEW_PA, 2)
			   : expect(c, "after the TLBI", &r, OLD_PA, 0);
		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
		ok &= expect(c, "once more", &r, gone ? NEW_PA : OLD_PA, 0);
	}
	if (rtl_top_errors(t)) {
		printf("    %s: an RTL assertion failed\n", cur);
		ok = false;
	}
	rtl_top_free(t);
	return ok;
}

/*
 * A flush of many pages: 23 TLBIs that do not cover the page (VALE1IS of
 * ASID 2), then VAE1IS of it, back to back from core 0, then one DSB ISH.
 * On many cores they outnumber a core's queue while they travel: the
 * fabric must hold the issuer off, not drop one. Every operation reaches
 * every core, and every core walks to the new PA.
 */
static bool run_burst(void)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, 3);
	unsigned cores = rtl_top_cores(t);
	struct mmu_result r;
	bool ok = true;

	baseline();
	for (unsigned c = 0; c < cores; c++)
		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
	mem[LEAF_SLOT / 8] = NEW_LEAF;
	for (unsigned i = 0; i < 23; i++) {
		struct tlbi other = { TLBI_VALE1, true, 0x0002000008040000ULL + i };

		rtl_top_tlbi(t, 0, &other);
	}
	struct tlbi covering = { TLBI_VAE1, true, 0x0001000008040201ULL };

	rtl_top_tlbi(t, 0, &covering);
	if (rtl_top_sync(t) == RTL_TOP_STUCK) {
		printf("    %s: the sync never completed\n", cur);
		ok = false;
	}
	if (rtl_top_dvm_ops(t) != 24ULL * cores) {
		printf("    %s: %llu operations delivered, expected %u\n", cur,
		       (unsigned long long)rtl_top_dvm_ops(t), 24 * cores);
		ok = false;
	}
	for (unsigned c = 0; c < cores && ok; c++) {
		rtl_top_translate(t, c, TTBR, VA, MMU_READ, &r);
		ok &= expect(c, "after the burst", &r, NEW_PA, 2);
	}
	if (rtl_top_errors(t)) {
		printf("    %s: an RTL assertion failed\n", cur);
		ok = false;
	}
	rtl_top_free(t);
	return ok;
}

int main(void)
{
	const char *name = "rtl_top_directed_" CFG_NAME;
	const unsigned issuers[2] = { 0, CFG_CORES - 1 };
	unsigned n = 0, failed = 0;
	char buf[96];

	printf("[==========] %s: TLBIs across %u core(s)\n", name, CFG_CORES);
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
		for (int is = 1; is >= 0; is--) {
			for (unsigned k = 0; k < 2; k++) {
				if (k && issuers[1] == issuers[0])
					continue;
				if (!ops[i].covers && !is)
					continue;
				snprintf(buf, sizeof(buf), "%s %s_%s_from_core%u", name, ops[i].name,
					 is ? "IS" : "local", issuers[k]);
				cur = buf;
				n++;
				printf("[ RUN      ] %s\n", buf);
				if (run_case(&ops[i], is, issuers[k])) {
					printf("[       OK ] %s\n", buf);
				} else {
					printf("[  FAILED  ] %s\n", buf);
					failed++;
				}
			}
		}
	}
	snprintf(buf, sizeof(buf), "%s burst_of_24_TLBIs_then_DSB", name);
	cur = buf;
	n++;
	printf("[ RUN      ] %s\n", buf);
	if (run_burst()) {
		printf("[       OK ] %s\n", buf);
	} else {
		printf("[  FAILED  ] %s\n", buf);
		failed++;
	}
	printf("[==========] %s: %u test(s) run.\n", name, n);
	printf("[  PASSED  ] %u test(s).\n", n - failed);
	if (failed)
		printf("[  FAILED  ] %u test(s).\n", failed);
	return failed != 0;
}
