// SPDX-License-Identifier: MIT
// The C-ABI shim around the Verilated system top, with the memory it reads.
#include "top_shim.h"

#include <vector>

#include <verilated.h>

#include "Vmmu_top.h"
#include "mem_port.h"
#include "vl_model.h"

#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

struct rtl_top : vl_model<Vmmu_top> {
	unsigned cores;
	mem_port mem;
	uint64_t cycle;
	// what rtl_top_step() drives: pages waiting for their core, a TLBI and a sync
	struct page {
		bool valid;
		uint64_t ttbr0, va;
		enum mmu_access acc;
	};
	std::vector<page> waiting;
	std::vector<unsigned> chain; /* rtl_top_translate_parallel's per-core order */
	bool tlbi_posted, sync_posted;
	bool stuck; /* a TLBI or a sync waited past the watchdog's limit */
	unsigned tlbi_core;
	struct tlbi tlbi;
	// the watchdog and fault injection (rtl_top_faults)
	uint64_t watchdog;
	uint64_t drop_ack, tlbis; /* the TLBI never acknowledged; TLBIs issued so far */
	int hold_core;		  /* the core that does not acknowledge it, or -1 */
	uint64_t hold_after;	  /* ... once it has applied this many operations */
	std::vector<uint64_t> sent; /* per core: operations the fabric took for it */
	struct issued {
		struct tlbi op;
		unsigned core;
		uint64_t cycle;
	};
	std::vector<issued> batch; /* since every queue was last empty */
	rtl_hang hang;
#if VM_TRACE_FST
	VerilatedFstC *fst;
	uint64_t wave_from, wave_to;
#endif
};

/*
 * Dumps the cycle's two phases while it lies in the chosen window. The
 * model's time counts phases (two a cycle); the FST's unit is 100 ps and a
 * cycle ten units, so GTKWave's time axis reads in ns of a 1 GHz clock:
 * cycle N starts at N ns.
 */
#define WAVE_RESOLUTION "100ps"
#define WAVE_UNITS_PER_PHASE 5

static void wave(rtl_top *s, uint64_t time)
{
#if VM_TRACE_FST
	if (s->fst && s->cycle >= s->wave_from && s->cycle <= s->wave_to)
		s->fst->dump(time * WAVE_UNITS_PER_PHASE);
#else
	(void)s, (void)time;
#endif
}

/* Operations core c has applied, as of the last clock edge. */
static uint64_t applied(const rtl_top *s, unsigned c)
{
	return s->sent[c] - s->top->dvm_pending_o[c];
}

/* A TLBI the fabric takes in this cycle: counted, kept for the watchdog, maybe held. */
static void issued(rtl_top *s)
{
	Vmmu_top *t = s->top;
	struct tlbi op = { (enum tlbi_op)t->tlbi_op_i, (bool)t->tlbi_shareable_i,
			   t->tlbi_operand_i };
	unsigned from = t->tlbi_core_i;

	if (++s->tlbis == s->drop_ack) { /* its last stop never acknowledges it */
		s->hold_core = (int)(op.shareable ? (from + s->cores - 1) % s->cores : from);
		s->hold_after = s->sent[(unsigned)s->hold_core];
	}
	for (unsigned c = 0; c < s->cores; c++)
		s->sent[c] += op.shareable || c == from;
	s->batch.push_back({ op, from, s->cycle });
}

static void tick(rtl_top *s)
{
	bool tlbi = s->top->tlbi_valid_i;

	if (s->hold_core >= 0)
		s->top->dvm_hold_i[s->hold_core] = applied(s, (unsigned)s->hold_core) >= s->hold_after;
	if (tlbi)
		issued(s);
	clock_cycle(s->ctx, s->top, s->mem, [s](uint64_t time) { wave(s, time); });
	s->cycle++;
	if (!s->batch.empty() && !tlbi) { /* forget them once every core applied them */
		bool empty = true;

		for (unsigned c = 0; c < s->cores && empty; c++)
			empty = !s->top->dvm_pending_o[c];
		if (empty)
			s->batch.clear();
	}
	for (unsigned c = 0; c < s->cores; c++)
		s->top->req_valid_i[c] = 0;
	s->top->tlbi_valid_i = 0;
}

extern "C" struct rtl_top *rtl_top_new(uint64_t (*read64)(void *, uint64_t), void *ctx,
				       unsigned mem_latency)
{
	rtl_top *s = new rtl_top;

	s->cores = sizeof(s->top->req_valid_i) / sizeof(s->top->req_valid_i[0]);
	mem_port_init(s->mem, read64, ctx, mem_latency);
	s->cycle = 0;
	s->waiting.assign(s->cores, rtl_top::page{});
	s->tlbi_posted = s->sync_posted = s->stuck = false;
	s->tlbi_core = 0;
	s->tlbi = {};
	s->watchdog = RTL_TOP_LIMIT;
	s->drop_ack = s->tlbis = 0;
	s->hold_core = -1;
	s->hold_after = 0;
	s->sent.assign(s->cores, 0);
	s->hang = {};
	for (unsigned c = 0; c < s->cores; c++)
		s->top->dvm_hold_i[c] = 0;
#if VM_TRACE_FST
	s->fst = nullptr;
	s->ctx.traceEverOn(true);
#endif
	s->top->tlbi_valid_i = 0;
	s->top->sync_valid_i = 0;
	reset_model(s, tick);
	return s;
}

extern "C" int rtl_top_wave_open(struct rtl_top *s, const char *path, uint64_t from,
				 uint64_t to)
{
#if VM_TRACE_FST
	s->fst = new VerilatedFstC;
	s->top->trace(s->fst, 99);
	s->fst->set_time_resolution(WAVE_RESOLUTION);
	s->fst->open(path);
	s->wave_from = from;
	s->wave_to = to;
	return s->fst->isOpen() ? 0 : -1;
#else
	(void)s, (void)path, (void)from, (void)to;
	return -1;
#endif
}

extern "C" void rtl_top_free(struct rtl_top *s)
{
#if VM_TRACE_FST
	if (s->fst) {
		s->fst->close();
		delete s->fst;
	}
#endif
	delete s;
}

extern "C" unsigned rtl_top_cores(struct rtl_top *s)
{
	return s->cores;
}

static void read_answer(const Vmmu_top *t, unsigned core, struct mmu_result *out)
{
	out->fault = (enum mmu_fault_kind)t->resp_fault_o[core];
	out->level = t->resp_level_o[core];
	out->pa = mmu_fault_leaves_no_entry(out->fault) ? 0 : t->resp_pa_o[core];
	out->source = t->resp_source_o[core];
}

/* The watchdog: what held things up, the core and the oldest operation it has not applied. */
static void stalled(rtl_top *s, unsigned c)
{
	rtl_hang &h = s->hang;
	uint64_t pending = s->top->dvm_pending_o[c], mine = 0;

	h.stalled = true;
	h.stalled_core = c;
	h.stalled_pending = (unsigned)pending;
	for (const rtl_top::issued &i : s->batch)
		mine += i.op.shareable || i.core == c;
	for (const rtl_top::issued &i : s->batch) {
		if (!(i.op.shareable || i.core == c) || mine-- != pending)
			continue;
		h.stalled_op = i.op;
		h.stalled_op_core = i.core;
		h.stalled_op_cycle = i.cycle;
		return;
	}
	h.stalled_pending = 0; /* (not one of this batch's: none) */
}

/* The core with the most operations not applied, if any. */
static int busiest(const rtl_top *s)
{
	int best = -1;

	for (unsigned c = 0; c < s->cores; c++)
		if (s->top->dvm_pending_o[c] && (best < 0 || s->top->dvm_pending_o[c] >
								    s->top->dvm_pending_o[best]))
			best = (int)c;
	return best;
}

static void page_hang(rtl_top *s, unsigned core, uint64_t va, uint64_t since)
{
	s->hang = {};
	s->hang.kind = RTL_HANG_PAGE;
	s->hang.core = core;
	s->hang.va = va;
	s->hang.since = since;
	s->hang.waited = s->watchdog;
}

extern "C" unsigned rtl_top_translate(struct rtl_top *s, unsigned core, uint64_t ttbr0,
				      uint64_t va, enum mmu_access acc, struct mmu_result *out)
{
	Vmmu_top *t = s->top;
	unsigned cycles = 0;

	t->req_valid_i[core] = 1;
	t->req_va_i[core] = va;
	t->req_ttbr_i[core] = ttbr0;
	t->req_access_i[core] = (uint8_t)acc;
	do {
		tick(s);
		cycles++;
	} while (!t->resp_valid_o[core] && cycles < s->watchdog);
	if (!t->resp_valid_o[core]) {
		page_hang(s, core, va, s->cycle - cycles);
		return RTL_TOP_STUCK;
	}
	read_answer(t, core, out);
	return cycles; /* the core takes its next page in the cycle this answer goes out */
}

extern "C" unsigned rtl_top_translate_batch(struct rtl_top *s, const struct rtl_page *pages,
					    unsigned n, struct mmu_result *out, uint32_t *cycles)
{
	for (unsigned i = 0; i < n; i++) {
		const struct rtl_page *p = &pages[i];
		unsigned c = rtl_top_translate(s, p->core, p->ttbr0, p->va, (enum mmu_access)p->acc,
					       &out[i]);

		if (c == RTL_TOP_STUCK)
			return i;
		cycles[i] = c;
		if (s->ctx.gotError())
			return i + 1;
	}
	return n;
}

static void present(rtl_top *s, unsigned core, const struct rtl_page *p)
{
	Vmmu_top *t = s->top;

	t->req_valid_i[core] = 1;
	t->req_va_i[core] = p->va;
	t->req_ttbr_i[core] = p->ttbr0;
	t->req_access_i[core] = p->acc;
}

extern "C" unsigned rtl_top_translate_parallel(struct rtl_top *s, const struct rtl_page *pages,
					       unsigned n, struct mmu_result *out, uint32_t *cycles,
					       uint64_t *busy, uint64_t *elapsed)
{
	Vmmu_top *t = s->top;
	unsigned cores = s->cores, left = n, flying = 0;
	/* each core's pages, in order: a chain through next[] from head[] */
	std::vector<unsigned> &next = s->chain;
	unsigned head[256], tail[256], cur[256];
	uint32_t age[256];
	const unsigned none = ~0u;

	*elapsed = 0;
	next.assign(n, none);
	for (unsigned c = 0; c < cores; c++)
		head[c] = tail[c] = cur[c] = none;
	for (unsigned i = 0; i < n; i++) {
		unsigned c = pages[i].core;

		if (head[c] == none)
			head[c] = i;
		else
			next[tail[c]] = i;
		tail[c] = i;
	}
	for (unsigned c = 0; c < cores; c++) {
		if (head[c] == none)
			continue;
		cur[c] = head[c];
		head[c] = next[cur[c]];
		age[c] = 0;
		present(s, c, &pages[cur[c]]);
		flying++;
	}
	while (left) {
		busy[flying]++;
		tick(s); /* it takes the pages presented; the answers after it */
		++*elapsed;
		for (unsigned c = 0; c < cores; c++) {
			if (cur[c] == none)
				continue;
			age[c]++;
			if (!t->resp_valid_o[c]) {
				if (age[c] >= s->watchdog) {
					page_hang(s, c, pages[cur[c]].va, s->cycle - age[c]);
					return RTL_TOP_STUCK;
				}
				continue;
			}
			read_answer(t, c, &out[cur[c]]);
			cycles[cur[c]] = age[c];
			left--;
			cur[c] = head[c]; /* the next page goes in as this answer goes out */
			if (cur[c] == none) {
				flying--;
				continue;
			}
			head[c] = next[cur[c]];
			age[c] = 0;
			present(s, c, &pages[cur[c]]);
		}
	}
	return n;
}

extern "C" void rtl_top_fabric_counters(struct rtl_top *s, uint64_t *port_wait, uint64_t *dvm_busy)
{
	*port_wait = s->top->cnt_port_wait_o;
	*dvm_busy = s->top->cnt_dvm_busy_o;
}

extern "C" void rtl_top_tlbi(struct rtl_top *s, unsigned core, const struct tlbi *op)
{
	Vmmu_top *t = s->top;
	unsigned waited = 0;

	if (s->stuck) /* the watchdog stopped the fabric: nothing more goes in */
		return;
	for (;;) { /* until every core's queue has room */
		t->clk_i = 0;
		t->eval();
		if (t->tlbi_ready_o)
			break;
		if (++waited > s->watchdog) {
			int c = busiest(s);

			s->stuck = true; /* the next sync says so */
			s->hang = {};
			s->hang.kind = RTL_HANG_TLBI;
			s->hang.core = core;
			s->hang.tlbi = *op;
			s->hang.since = s->cycle - (waited - 1);
			s->hang.waited = s->watchdog;
			if (c >= 0)
				stalled(s, (unsigned)c);
			return;
		}
		tick(s);
	}
	t->tlbi_valid_i = 1;
	t->tlbi_core_i = (uint8_t)core;
	t->tlbi_shareable_i = op->shareable;
	t->tlbi_op_i = (uint8_t)op->op;
	t->tlbi_operand_i = op->operand;
	tick(s);
}

extern "C" unsigned rtl_top_tlbi_sync(struct rtl_top *s, unsigned core, const struct tlbi *op)
{
	rtl_top_tlbi(s, core, op);
	unsigned cycles = rtl_top_sync(s);

	return cycles == RTL_TOP_STUCK ? cycles : 1 + cycles;
}

extern "C" unsigned rtl_top_sync(struct rtl_top *s)
{
	Vmmu_top *t = s->top;
	unsigned cycles = 0;

	if (s->stuck)
		return RTL_TOP_STUCK;
	t->sync_valid_i = 1;
	for (;;) {
		t->clk_i = 0;
		t->eval();
		if (t->sync_done_o)
			break;
		if (cycles >= s->watchdog) {
			int c = s->hold_core >= 0 && t->dvm_pending_o[s->hold_core] ? s->hold_core
										  : busiest(s);

			s->stuck = true;
			s->hang = {};
			s->hang.kind = RTL_HANG_SYNC;
			s->hang.since = s->cycle - cycles;
			s->hang.waited = s->watchdog;
			if (c >= 0)
				stalled(s, (unsigned)c);
			break;
		}
		tick(s);
		cycles++;
	}
	t->sync_valid_i = 0;
	tick(s);
	return s->stuck ? RTL_TOP_STUCK : cycles;
}

extern "C" void rtl_top_request(struct rtl_top *s, unsigned core, uint64_t ttbr0, uint64_t va,
				enum mmu_access acc)
{
	s->waiting[core] = { true, ttbr0, va, acc };
}

extern "C" void rtl_top_post_tlbi(struct rtl_top *s, unsigned core, const struct tlbi *op)
{
	s->tlbi_posted = true;
	s->tlbi_core = core;
	s->tlbi = *op;
}

extern "C" void rtl_top_post_sync(struct rtl_top *s)
{
	s->sync_posted = true;
}

extern "C" uint32_t rtl_top_step(struct rtl_top *s, struct mmu_result *answers, bool *sync_done)
{
	Vmmu_top *t = s->top;
	uint32_t answered = 0;

	for (unsigned c = 0; c < s->cores; c++) {
		const rtl_top::page &p = s->waiting[c];

		t->req_valid_i[c] = p.valid;
		t->req_va_i[c] = p.va;
		t->req_ttbr_i[c] = p.ttbr0;
		t->req_access_i[c] = (uint8_t)p.acc;
	}
	t->tlbi_valid_i = 0;
	t->clk_i = 0;
	t->eval(); /* whether the fabric has room for the TLBI */
	t->tlbi_valid_i = s->tlbi_posted && t->tlbi_ready_o;
	t->tlbi_core_i = (uint8_t)s->tlbi_core;
	t->tlbi_shareable_i = s->tlbi.shareable;
	t->tlbi_op_i = (uint8_t)s->tlbi.op;
	t->tlbi_operand_i = s->tlbi.operand;
	t->sync_valid_i = s->sync_posted;
	t->clk_i = 0;
	t->eval(); /* this cycle's answers, ready and sync done, before the edge */
	for (unsigned c = 0; c < s->cores; c++) {
		if (t->resp_valid_o[c]) {
			read_answer(t, c, &answers[c]);
			answered |= 1u << c;
		}
		if (s->waiting[c].valid && t->req_ready_o[c])
			s->waiting[c].valid = false;
	}
	*sync_done = s->sync_posted && t->sync_done_o;
	s->sync_posted = s->sync_posted && !t->sync_done_o;
	s->tlbi_posted = s->tlbi_posted && !t->tlbi_valid_i; /* else it waits for room */
	tick(s);
	t->sync_valid_i = 0;
	return answered;
}

extern "C" void rtl_top_counters(struct rtl_top *s, unsigned c, struct rtl_core_counters *out)
{
	const Vmmu_top *t = s->top;

	copy_core_counters(out, t->cnt_tlb_o[c], t->cnt_walks_o[c], t->cnt_reads_o[c],
			   t->cnt_wc_lookups_o[c], t->cnt_wc_hits_o[c]);
}

extern "C" uint64_t rtl_top_dvm_ops(struct rtl_top *s)
{
	return s->top->cnt_dvm_ops_o;
}

extern "C" int rtl_top_errors(struct rtl_top *s)
{
	return s->errors();
}

extern "C" void rtl_top_faults(struct rtl_top *s, const struct rtl_faults *f)
{
	s->mem.read_error = f->read_error;
	s->drop_ack = f->drop_ack;
	s->watchdog = f->watchdog ? f->watchdog : RTL_TOP_LIMIT;
}

extern "C" void rtl_top_hang(struct rtl_top *s, struct rtl_hang *out)
{
	*out = s->hang;
}

const struct rtl_top_ops rtl_top_shim = {
	RTL_TOP_OPS_VERSION,	 rtl_top_new,		     rtl_top_free,
	rtl_top_wave_open,	 rtl_top_translate,	     rtl_top_tlbi,
	rtl_top_sync,		 rtl_top_errors,	     rtl_top_counters,
	rtl_top_translate_batch, rtl_top_translate_parallel, rtl_top_fabric_counters,
	rtl_top_faults,		 rtl_top_hang,
};
