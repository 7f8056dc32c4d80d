// SPDX-License-Identifier: MIT
/*
 * Shootdown latency under load on the Verilated rtl/mmu_top.sv of CFG_CORES
 * cores (fabric hop CFG_HOP cycles), measured, not taken from the fabric's
 * definition: cycles from the cycle a broadcast TLBI from core 0 enters the
 * fabric to the cycle its DSB ISH completes (both counted), once with every
 * core idle and then with every core translating all the time (a request
 * waiting at each core's port whenever it can take one), the TLBI issued at
 * each of 16 cycle offsets into that load.
 *
 * Two TLBIs: VALE1IS of the page the cores translate (ASID 1), after which
 * they walk it again (the walkers then queue at the memory port), and
 * VALE1IS of the same page for ASID 2, which the load keeps hitting in L1.
 *
 * What the design promises, written down in rtl/mmu_core.sv and
 * rtl/mmu_top.sv before this test: a TLBI reaches core c 1 + hops(0, c) *
 * HopLatency cycles after it enters the fabric; a core holds a TLBI off
 * until the page in flight has answered, at most three cycles when the
 * TLBI arrives (the load then hits in L1; a walk would hold it longer); the
 * sync completes in the cycle after the last core took it. So
 *   - idle:          1 + (N - 1) * hop + 2 cycles (the last core is N - 1
 *                    hops away; it takes the TLBI, the sync sees the empty
 *                    queue), exactly;
 *   - under load:    at least that, at most 3 more;
 *   - and the load shows: at some offset a core holds the TLBI off.
 * Every case also checks that the cores still answer the page's own PA and
 * that no RTL assertion failed.
 *
 * Prints the latency curve (one line per configuration) for the README.
 *
 *   rtl_top_shootdown_<cfg>   (built against the system top of <cfg>)
 */
#include <stdio.h>
#include <string.h>

#include "../rtl/top_shim.h"
#include "one_page_table.h"

#define MEM_LATENCY 3
#define OFFSETS 16u
/* cycles of load before the first TLBI: every core's first walk (four
 * reads, the walkers one after another at the memory port) is done, and
 * from then on each core hits in L1 every other cycle */
#define WARMUP 300

static const struct tlbi covering = { TLBI_VALE1, true, 0x0001000008040201ULL };
static const struct tlbi other_asid = { TLBI_VALE1, true, 0x0002000008040201ULL };

/*
 * One shootdown: TLBI in cycle 'at', DSB ISH from the next; the cores
 * translate VA from cycle 0 if 'load'. Returns its cycles, 0 on a failure.
 */
static unsigned shootdown(const struct tlbi *op, bool load, unsigned at)
{
	struct rtl_top *t = rtl_top_new(rd, NULL, MEM_LATENCY);
	unsigned cores = rtl_top_cores(t), cycles = 0;
	struct mmu_result ans[64];
	bool done = false, ok = true;

	baseline();
	for (unsigned cyc = 0; cyc < at + 1000 && !done; cyc++) {
		if (load) /* held until the core takes it: one waiting at every port */
			for (unsigned c = 0; c < cores; c++)
				rtl_top_request(t, c, TTBR, VA, MMU_READ);
		if (cyc == at)
			rtl_top_post_tlbi(t, 0, op);
		else if (cyc == at + 1)
			rtl_top_post_sync(t);
		uint32_t who = rtl_top_step(t, ans, &done);

		for (unsigned c = 0; c < cores; c++)
			if (who & 1u << c && (ans[c].fault != MMU_OK || ans[c].pa != OLD_PA)) {
				printf("    core %u answered fault %d pa %#llx in cycle %u\n", c,
				       (int)ans[c].fault, (unsigned long long)ans[c].pa, cyc);
				ok = false;
			}
		if (done)
			cycles = cyc - at + 1;
	}
	if (!done)
		printf("    no sync within 1000 cycles of the TLBI in cycle %u\n", at);
	if (rtl_top_errors(t)) {
		printf("    an RTL assertion failed (TLBI in cycle %u)\n", at);
		ok = false;
	}
	rtl_top_free(t);
	return ok ? cycles : 0;
}

static bool curve(const char *what, const struct tlbi *op)
{
	const unsigned idle_expected = 1 + (CFG_CORES - 1) * CFG_HOP + 2;
	unsigned idle = shootdown(op, false, WARMUP), min = ~0u, max = 0, sum = 0;
	bool ok = idle == idle_expected;

	if (!ok)
		printf("    %s, cores idle: %u cycles, expected %u\n", what, idle, idle_expected);
	for (unsigned k = 0; k < OFFSETS; k++) {
		unsigned n = shootdown(op, true, WARMUP + k);

		if (n < idle_expected || n > idle_expected + 3) {
			printf("    %s, TLBI at load cycle %u: %u cycles, expected %u..%u\n", what,
			       WARMUP + k, n, idle_expected, idle_expected + 3);
			ok = false;
		}
		min = n < min ? n : min;
		max = n > max ? n : max;
		sum += n;
	}
	if (max == idle_expected) {
		printf("    %s: no core ever held the TLBI off under load\n", what);
		ok = false;
	}
	printf("shootdown %s, %u cores, hop %u: idle %u cycles; every core translating: min %u, "
	       "mean %.2f, max %u (%u offsets)\n",
	       what, CFG_CORES, CFG_HOP, idle, min, (double)sum / OFFSETS, max, OFFSETS);
	printf("[%s] shootdown_latency_%s_" CFG_NAME "\n", ok ? "       OK " : "  FAILED  ", what);
	return ok;
}

int main(void)
{
	bool ok = curve("covering", &covering);

	ok &= curve("other_asid", &other_asid);
	return ok ? 0 : 1;
}
