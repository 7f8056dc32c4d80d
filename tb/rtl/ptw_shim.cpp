// SPDX-License-Identifier: MIT
// The C-ABI shim around the Verilated walker, with the memory it reads.
#include "ptw_shim.h"

#include <verilated.h>

#include "Vmmu_ptw.h"
#include "counters.h"
#include "mem_port.h"
#include "vl_model.h"

struct rtl_ptw : vl_model<Vmmu_ptw> {
	mem_port mem;
	bool tlbi_now;
	uint8_t tlbi_op;
	uint64_t tlbi_operand;
	uint64_t cycle;
	char hang[256];
};

static void tick(rtl_ptw *w)
{
	/* a TLBI, if one is due this cycle */
	w->top->tlbi_valid_i = w->tlbi_now;
	w->top->tlbi_op_i = w->tlbi_op;
	w->top->tlbi_operand_i = w->tlbi_operand;
	clock_cycle(w->ctx, w->top, w->mem);
	w->tlbi_now = false;
	w->top->req_valid_i = 0;
	w->cycle++;
}

extern "C" struct rtl_ptw *rtl_ptw_new(uint64_t (*read64)(void *, uint64_t), void *ctx,
				       unsigned mem_latency)
{
	rtl_ptw *w = new rtl_ptw;

	mem_port_init(w->mem, read64, ctx, mem_latency);
	w->tlbi_now = false;
	w->top->req_valid_i = 0;
	w->cycle = 0;
	w->hang[0] = 0;
	reset_model(w, tick);
	return w;
}

extern "C" void rtl_ptw_free(struct rtl_ptw *w)
{
	delete w;
}

extern "C" void rtl_ptw_tlbi(struct rtl_ptw *w, enum tlbi_op op, uint64_t operand)
{
	w->tlbi_now = true;
	w->tlbi_op = (uint8_t)op;
	w->tlbi_operand = operand;
	if (w->top->req_ready_o)
		tick(w); /* between walks: apply it now */
}

extern "C" unsigned rtl_ptw_walk(struct rtl_ptw *w, uint64_t ttbr0, uint64_t va,
				 enum mmu_access acc, struct walk_result *out,
				 rtl_ptw_hook hook, void *hook_ctx)
{
	Vmmu_ptw *t = w->top;
	unsigned cycles = 0;

	t->req_valid_i = 1;
	t->req_va_i = va;
	t->req_ttbr_i = ttbr0;
	t->req_access_i = (uint8_t)acc;
	do {
		if (hook && cycles)
			hook(hook_ctx, w, cycles);
		tick(w);
		cycles++;
	} while (!t->resp_valid_o && cycles < RTL_SHIM_LIMIT);
	if (!t->resp_valid_o) {
		char what[96];

		snprintf(what, sizeof(what), "walk of VA %#llx", (unsigned long long)va);
		watchdog_expired(w->hang, sizeof(w->hang), "walker", what, w->cycle - cycles,
				 RTL_SHIM_LIMIT);
		return RTL_SHIM_STUCK;
	}
	const VlWide<6> &e = t->resp_entry_o;
	auto bits = [&e](unsigned lo, unsigned n) {
		uint64_t v = 0;

		for (unsigned i = 0; i < n; i++)
			v |= (uint64_t)(e[(lo + i) / 32] >> ((lo + i) % 32) & 1) << i;
		return v;
	};
	out->fault = (enum mmu_fault_kind)t->resp_fault_o;
	out->level = t->resp_level_o;
	out->t.va_base = bits(119, 52) << 12;
	out->t.pa_base = bits(83, 36) << 12;
	out->t.level = (uint8_t)bits(81, 2);
	out->t.global = bits(80, 1);
	out->t.asid = (uint16_t)bits(64, 16);
	out->t.attrs = bits(0, 64);
	out->cycles = cycles;
	tick(w); /* back to idle */
	return cycles;
}

extern "C" void rtl_ptw_counters(struct rtl_ptw *w, struct rtl_ptw_counters *c)
{
	uint64_t lookups[3], hits[3];

	for (int l = 0; l < 3; l++) {
		lookups[l] = packed_counter(w->top->cnt_wc_lookups_o, l);
		hits[l] = packed_counter(w->top->cnt_wc_hits_o, l);
	}
	copy_walker_counters(c, w->top->cnt_walks_o, w->top->cnt_reads_o, lookups, hits);
}

extern "C" void rtl_ptw_read_error(struct rtl_ptw *w, bool (*read_error)(void *, uint64_t))
{
	w->mem.read_error = read_error;
}

extern "C" const char *rtl_ptw_hang(struct rtl_ptw *w)
{
	return w->hang;
}

extern "C" int rtl_ptw_errors(struct rtl_ptw *w)
{
	return w->errors();
}
