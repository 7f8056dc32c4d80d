// SPDX-License-Identifier: MIT
// The C-ABI shim around the Verilated walker, with the memory it reads.
#include "ptw_shim.h"

#include <verilated.h>

#include "Vmmu_ptw.h"

struct rtl_ptw {
	VerilatedContext ctx;
	Vmmu_ptw *top;
	uint64_t (*read64)(void *, uint64_t);
	void *mem_ctx;
	unsigned latency;
	int pending;	  /* cycles until the outstanding read answers, -1: none */
	uint64_t pending_pa;
	bool tlbi_now;
	uint8_t tlbi_op;
	uint64_t tlbi_operand;
};

static void tick(rtl_ptw *w)
{
	Vmmu_ptw *t = w->top;

	/* inputs for this cycle: the memory's answer and a TLBI, if due */
	t->mem_resp_valid_i = w->pending == 0;
	t->mem_resp_data_i = w->pending == 0 ? w->read64(w->mem_ctx, w->pending_pa) : 0;
	t->tlbi_valid_i = w->tlbi_now;
	t->tlbi_op_i = w->tlbi_op;
	t->tlbi_operand_i = w->tlbi_operand;
	t->mem_req_ready_i = w->pending < 0;
	t->clk_i = 0;
	t->eval();
	bool take = t->mem_req_valid_o && t->mem_req_ready_i;
	uint64_t pa = t->mem_req_addr_o;

	w->ctx.timeInc(1);
	t->clk_i = 1;
	t->eval();
	w->ctx.timeInc(1);
	if (w->pending == 0)
		w->pending = -1;
	else if (w->pending > 0)
		w->pending--;
	if (take) {
		w->pending = (int)w->latency - 1;
		w->pending_pa = pa;
	}
	w->tlbi_now = false;
	t->req_valid_i = 0;
}

extern "C" struct rtl_ptw *rtl_ptw_new(uint64_t (*read64)(void *, uint64_t), void *ctx,
				       unsigned mem_latency)
{
	rtl_ptw *w = new rtl_ptw;

	w->ctx.assertOn(true);
	w->ctx.fatalOnError(false);
	w->top = new Vmmu_ptw(&w->ctx);
	w->read64 = read64;
	w->mem_ctx = ctx;
	w->latency = mem_latency ? mem_latency : 1;
	w->pending = -1;
	w->tlbi_now = false;
	w->top->req_valid_i = 0;
	w->top->rst_ni = 0;
	tick(w);
	w->top->rst_ni = 1;
	tick(w);
	return w;
}

extern "C" void rtl_ptw_free(struct rtl_ptw *w)
{
	w->top->final();
	delete w->top;
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
	} while (!t->resp_valid_o && cycles < 100000);
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
	c->walks = w->top->cnt_walks_o;
	c->reads = w->top->cnt_reads_o;
	for (int l = 0; l < 3; l++) {
		c->wc_lookups[l] = w->top->cnt_wc_lookups_o[l];
		c->wc_hits[l] = w->top->cnt_wc_hits_o[l];
	}
}

extern "C" int rtl_ptw_errors(struct rtl_ptw *w)
{
	return w->ctx.gotError() ? 1 : 0;
}
