// SPDX-License-Identifier: MIT
// The C-ABI shim around the Verilated per-core MMU, with the memory it reads.
#include "core_shim.h"

#include <verilated.h>

#include "Vmmu_core.h"
#include "mem_port.h"
#include "vl_model.h"

struct rtl_core : vl_model<Vmmu_core> {
	mem_port mem;
	uint64_t cycle;
	char hang[256];
};

static void tick(rtl_core *c)
{
	clock_cycle(c->ctx, c->top, c->mem);
	c->cycle++;
	c->top->req_valid_i = 0;
	c->top->tlbi_valid_i = 0;
}

extern "C" struct rtl_core *rtl_core_new(uint64_t (*read64)(void *, uint64_t), void *ctx,
					 unsigned mem_latency)
{
	rtl_core *c = new rtl_core;

	mem_port_init(c->mem, read64, ctx, mem_latency);
	c->top->req_valid_i = 0;
	c->top->tlbi_valid_i = 0;
	c->cycle = 0;
	c->hang[0] = 0;
	reset_model(c, tick);
	return c;
}

extern "C" void rtl_core_free(struct rtl_core *c)
{
	delete c;
}

extern "C" unsigned rtl_core_translate(struct rtl_core *c, uint64_t ttbr0, uint64_t va,
				       enum mmu_access acc, struct mmu_result *out)
{
	Vmmu_core *t = c->top;
	unsigned cycles = 0;

	t->req_valid_i = 1;
	t->req_va_i = va;
	t->req_ttbr_i = ttbr0;
	t->req_access_i = (uint8_t)acc;
	do {
		tick(c);
		cycles++;
	} while (!t->resp_valid_o && cycles < RTL_SHIM_LIMIT);
	if (!t->resp_valid_o) {
		char what[96];

		snprintf(what, sizeof(what), "translation of VA %#llx", (unsigned long long)va);
		watchdog_expired(c->hang, sizeof(c->hang), "core", what, c->cycle - cycles,
				 RTL_SHIM_LIMIT);
		return RTL_SHIM_STUCK;
	}
	out->fault = (enum mmu_fault_kind)t->resp_fault_o;
	out->level = t->resp_level_o;
	out->pa = mmu_fault_leaves_no_entry(out->fault) ? 0 : t->resp_pa_o;
	out->source = t->resp_source_o;
	return cycles; /* the next page is taken in the cycle this answer goes out */
}

extern "C" void rtl_core_tlbi(struct rtl_core *c, enum tlbi_op op, uint64_t operand)
{
	c->top->tlbi_valid_i = 1;
	c->top->tlbi_op_i = (uint8_t)op;
	c->top->tlbi_operand_i = operand;
	tick(c);
}

extern "C" void rtl_core_counters(struct rtl_core *c, struct rtl_core_counters *out)
{
	const Vmmu_core *t = c->top;
	uint64_t tlb[3][5], lookups[3], hits[3];

	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 5; i++)
			tlb[k][i] = packed_counter(t->cnt_tlb_o, 5 * k + i);
	for (int l = 0; l < 3; l++) {
		lookups[l] = packed_counter(t->cnt_wc_lookups_o, l);
		hits[l] = packed_counter(t->cnt_wc_hits_o, l);
	}
	copy_core_counters(out, tlb, t->cnt_walks_o, t->cnt_reads_o, lookups, hits);
}

extern "C" void rtl_core_read_error(struct rtl_core *c, bool (*read_error)(void *, uint64_t))
{
	c->mem.read_error = read_error;
}

extern "C" const char *rtl_core_hang(struct rtl_core *c)
{
	return c->hang;
}

extern "C" int rtl_core_errors(struct rtl_core *c)
{
	return c->errors();
}
