// SPDX-License-Identifier: MIT
// The C-ABI shim around the Verilated system top, with the memory it reads.
#include "top_shim.h"

#include <deque>
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
	std::vector<unsigned> chain;	   /* rtl_top_run's per-core order */
	std::vector<rtl_effect> effects; /* rtl_top_run's, until the next run */
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

/* The watchdog's report of a wait that gave up: a DSB, or a TLBI with no room. */
static void fabric_hang(rtl_top *s, enum rtl_hang_kind kind, uint64_t since)
{
	int c = s->hold_core >= 0 && s->top->dvm_pending_o[s->hold_core] ? s->hold_core : busiest(s);

	s->hang = {};
	s->hang.kind = kind;
	s->hang.since = since;
	s->hang.waited = s->watchdog;
	if (c >= 0)
		stalled(s, (unsigned)c);
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

extern "C" unsigned rtl_top_translate_batch(struct rtl_top *s, const struct rtl_op *pages,
					    unsigned n, struct mmu_result *out, uint32_t *cycles)
{
	for (unsigned i = 0; i < n; i++) {
		const struct rtl_op *p = &pages[i];
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

/*
 * rtl_top_run's state of one core: its operations as a chain through
 * next[] from the first not yet begun (cur), the page in flight, the DSB it
 * waits for, and the TLBIs travelling to it, in issue order.
 */
struct run_core {
	unsigned tail, cur, page, dsb;
	uint32_t age;
	std::deque<unsigned> tlbis;
};

extern "C" unsigned rtl_top_run(struct rtl_top *s, const struct rtl_op *ops, unsigned n,
				struct rtl_run *r)
{
	Vmmu_top *t = s->top;
	const unsigned none = ~0u, cores = s->cores;
	std::vector<unsigned> &next = s->chain;
	std::vector<run_core> core(cores);
	unsigned event = 0; /* the first TLBI or DSB not yet begun (n: none) */
	unsigned left = n;  /* operations not yet done */
	uint64_t still = 0; /* cycles in a row in which nothing happened */

	s->effects.clear();
	r->elapsed = 0;
	next.assign(n, none);
	for (run_core &c : core)
		c.tail = c.cur = c.page = c.dsb = none, c.age = 0;
	for (unsigned i = 0; i < n; i++) {
		run_core &c = core[ops[i].core];

		if (c.cur == none)
			c.cur = i;
		else
			next[c.tail] = i;
		c.tail = i;
		r->cycles[i] = 0;
	}
	while (event < n && ops[event].kind == RTL_OP_PAGE)
		event++;
	for (bool done = !n; !done;) {
		bool progress = false, tlbi_port = false, travelling = false;
		unsigned flying = 0;

		/* this cycle's answers, and the TLBIs the cores apply in it */
		for (unsigned ci = 0; ci < cores; ci++) {
			run_core &c = core[ci];

			if (c.page != none && t->resp_valid_o[ci]) {
				read_answer(t, ci, &r->answer[c.page]);
				r->cycles[c.page] = c.age;
				c.page = none;
				left--;
				progress = true;
			}
			if (t->tlbi_taken_o[ci]) {
				if (c.tlbis.empty()) /* the fabric delivered one never issued */
					return RTL_TOP_STUCK;
				/* it comes before the core's operations not yet begun */
				s->effects.push_back({ c.tlbis.front(), c.cur == none ? n : c.cur,
						       (uint8_t)ci });
				c.tlbis.pop_front();
				progress = true;
			}
		}
		/* what each core begins in it: its next operation, in the order of the events */
		for (unsigned ci = 0; ci < cores; ci++) {
			run_core &c = core[ci];
			unsigned i = c.cur;

			if (i == none || c.page != none || c.dsb != none)
				continue;
			const rtl_op &o = ops[i];
			if (o.kind == RTL_OP_PAGE) {
				/* not past an event that has not begun; not in a TLBI's cycle */
				if (i > event || t->tlbi_taken_o[ci])
					continue;
				t->req_valid_i[ci] = 1;
				t->req_va_i[ci] = o.va;
				t->req_ttbr_i[ci] = o.ttbr0;
				t->req_access_i[ci] = o.acc;
				c.page = i;
				c.age = 0;
			} else {
				bool reached = true; /* every core has begun all it has before it */

				for (const run_core &k : core)
					reached &= k.cur == none || k.cur >= i;
				if (!reached)
					continue;
				if (o.kind == RTL_OP_TLBI) {
					if (tlbi_port || !t->tlbi_ready_o) { /* one a cycle, with room */
						if (++r->cycles[i] < s->watchdog)
							continue;
						fabric_hang(s, RTL_HANG_TLBI, s->cycle - r->cycles[i]);
						s->hang.core = ci;
						s->hang.tlbi = { (enum tlbi_op)o.acc, (bool)o.shareable, o.va };
						return RTL_TOP_STUCK;
					}
					tlbi_port = true;
					t->tlbi_valid_i = 1;
					t->tlbi_core_i = (uint8_t)ci;
					t->tlbi_shareable_i = o.shareable;
					t->tlbi_op_i = o.acc;
					t->tlbi_operand_i = o.va;
					for (unsigned k = 0; k < cores; k++)
						if (o.shareable || k == ci)
							core[k].tlbis.push_back(i);
					left--;
				} else {
					c.dsb = i;
				}
			}
			r->start[i] = s->cycle;
			c.cur = next[i];
			progress = true;
			if (i == event)
				while (++event < n && ops[event].kind == RTL_OP_PAGE) {
				}
		}
		/* the DSBs waiting complete in the first cycle in which every queue is empty */
		bool syncing = false;

		for (const run_core &c : core)
			syncing |= c.dsb != none;
		if (syncing) {
			t->sync_valid_i = 1;
			t->clk_i = 0;
			t->eval(); /* sync_done_o, with this cycle's TLBI */
			for (run_core &c : core) {
				if (c.dsb == none)
					continue;
				if (!t->sync_done_o) {
					if (++r->cycles[c.dsb] < s->watchdog)
						continue;
					fabric_hang(s, RTL_HANG_SYNC, r->start[c.dsb]);
					return RTL_TOP_STUCK;
				}
				c.dsb = none;
				left--;
				progress = true;
			}
		}
		for (unsigned ci = 0; ci < cores; ci++) {
			run_core &c = core[ci];

			if (c.page != none) {
				flying++;
				if (++c.age >= s->watchdog) {
					page_hang(s, ci, ops[c.page].va, s->cycle + 1 - c.age);
					return RTL_TOP_STUCK;
				}
			}
			travelling |= !c.tlbis.empty();
		}
		done = !left && !travelling;
		still = progress ? 0 : still + 1;
		if (still >= s->watchdog) { /* a TLBI never delivered, with nothing waiting for it */
			fabric_hang(s, RTL_HANG_SYNC, s->cycle + 1 - still);
			return RTL_TOP_STUCK;
		}
		r->busy[flying]++;
		tick(s); /* the last cycle too: its answers and TLBIs were taken */
		t->sync_valid_i = 0;
		r->elapsed++;
	}
	r->effects = s->effects.data();
	r->neffects = (unsigned)s->effects.size();
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
			s->stuck = true; /* the next sync says so */
			fabric_hang(s, RTL_HANG_TLBI, s->cycle - (waited - 1));
			s->hang.core = core;
			s->hang.tlbi = *op;
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
			s->stuck = true;
			fabric_hang(s, RTL_HANG_SYNC, s->cycle - cycles);
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
	RTL_TOP_OPS_VERSION, rtl_top_new,	      rtl_top_free,    rtl_top_wave_open,
	rtl_top_translate,   rtl_top_tlbi,	      rtl_top_sync,    rtl_top_errors,
	rtl_top_counters,    rtl_top_translate_batch, rtl_top_run,     rtl_top_fabric_counters,
	rtl_top_faults,	     rtl_top_hang,
};
