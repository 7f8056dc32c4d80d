// SPDX-License-Identifier: MIT
// The C-ABI shim around the Verilated TLB.
#include "tlb_shim.h"

#include <verilated.h>

#include "Vmmu_tlb.h"
#include "vl_model.h"

struct rtl_tlb : vl_model<Vmmu_tlb> {};

// tlb_entry_t, MSB first: vpn[170:119] ppn[118:83] level[82:81]
// global[80] asid[79:64] attrs[63:0]; Verilator keeps it in 32-bit words.
static void put_bits(VlWide<6> &w, unsigned lo, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned b = lo + i;
		uint32_t mask = 1u << (b % 32);

		w[b / 32] = (v >> i & 1) ? (w[b / 32] | mask) : (w[b / 32] & ~mask);
	}
}

static uint64_t get_bits(const VlWide<6> &w, unsigned lo, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned b = lo + i;

		v |= (uint64_t)(w[b / 32] >> (b % 32) & 1) << i;
	}
	return v;
}

static void tick(rtl_tlb *t)
{
	t->top->clk_i = 0;
	t->top->eval();
	t->ctx.timeInc(1);
	t->top->clk_i = 1;
	t->top->eval();
	t->ctx.timeInc(1);
}

static void idle(rtl_tlb *t)
{
	t->top->lookup_valid_i = 0;
	t->top->fill_valid_i = 0;
	t->top->tlbi_valid_i = 0;
}

extern "C" struct rtl_tlb *rtl_tlb_new(void)
{
	rtl_tlb *t = new rtl_tlb;

	idle(t);
	reset_model(t, tick);
	return t;
}

extern "C" void rtl_tlb_free(struct rtl_tlb *t)
{
	delete t;
}

extern "C" bool rtl_tlb_lookup(struct rtl_tlb *t, uint64_t va, uint16_t asid,
			       struct translation *out)
{
	t->top->lookup_valid_i = 1;
	t->top->lookup_vpn_i = va >> 12;
	t->top->lookup_asid_i = asid;
	tick(t);
	idle(t);
	/* the answer, in the cycle after the lookup: that cycle takes no fill,
	 * so it is left idle once the answer is read */
	bool hit = t->top->resp_hit_o;
	const VlWide<6> e = t->top->resp_entry_o;

	tick(t);
	if (!hit)
		return false;
	unsigned level = (unsigned)get_bits(e, 81, 2);

	out->va_base = get_bits(e, 119, 52) << 12;
	out->pa_base = get_bits(e, 83, 36) << 12;
	out->level = (uint8_t)level;
	out->global = get_bits(e, 80, 1);
	out->asid = (uint16_t)get_bits(e, 64, 16);
	out->attrs = get_bits(e, 0, 64);
	return true;
}

extern "C" void rtl_tlb_fill(struct rtl_tlb *t, const struct translation *tr)
{
	VlWide<6> &e = t->top->fill_entry_i;

	put_bits(e, 119, 52, tr->va_base >> 12);
	put_bits(e, 83, 36, tr->pa_base >> 12);
	put_bits(e, 81, 2, tr->level);
	put_bits(e, 80, 1, tr->global);
	put_bits(e, 64, 16, tr->asid);
	put_bits(e, 0, 64, tr->attrs);
	t->top->fill_valid_i = 1;
	tick(t);
	idle(t);
}

extern "C" void rtl_tlb_tlbi(struct rtl_tlb *t, enum tlbi_op op, uint64_t operand)
{
	t->top->tlbi_valid_i = 1;
	t->top->tlbi_op_i = (uint8_t)op;
	t->top->tlbi_operand_i = operand;
	tick(t);
	idle(t);
}

extern "C" void rtl_tlb_counters(struct rtl_tlb *t, struct rtl_tlb_counters *c)
{
	c->lookups = t->top->cnt_lookups_o;
	c->hits = t->top->cnt_hits_o;
	c->fills = t->top->cnt_fills_o;
	c->evictions = t->top->cnt_evictions_o;
	c->invalidated = t->top->cnt_invalidated_o;
}

extern "C" int rtl_tlb_errors(struct rtl_tlb *t)
{
	return t->errors();
}
