/* SPDX-License-Identifier: MIT */
// The memory behind a Verilated walker port: reads answered from a callback
// a fixed number of cycles after the request was taken, one at a time, with
// the error bit set where a second callback (if any) says the read failed;
// the clock edge of the shims, which drives it; and the shims' watchdog.
#ifndef MMUSIM_MEM_PORT_H
#define MMUSIM_MEM_PORT_H

#include <stdint.h>

#include <verilated.h>

struct mem_port {
	uint64_t (*read64)(void *, uint64_t);
	bool (*read_error)(void *, uint64_t); /* asked after read64 of the same PA; or NULL */
	void *ctx;
	unsigned latency;
	int pending; /* cycles until the outstanding read answers, -1: none */
	uint64_t pending_pa;
};

static inline void mem_port_init(mem_port &m, uint64_t (*read64)(void *, uint64_t), void *ctx,
				 unsigned latency)
{
	m.read64 = read64;
	m.read_error = nullptr;
	m.ctx = ctx;
	m.latency = latency ? latency : 1;
	m.pending = -1;
	m.pending_pa = 0;
}

/* One clock cycle: low phase at even times, high phase at odd ones.  dump(time)
 * runs after each phase's eval so a waveform gets each edge exactly once. */
template <class V, class Dump>
static void clock_cycle(VerilatedContext &ctx, V *t, mem_port &m, Dump dump)
{
	t->mem_resp_valid_i = m.pending == 0;
	t->mem_resp_data_i = m.pending == 0 ? m.read64(m.ctx, m.pending_pa) : 0;
	t->mem_resp_err_i = m.pending == 0 && m.read_error && m.read_error(m.ctx, m.pending_pa);
	t->mem_req_ready_i = m.pending < 0;
	t->clk_i = 0;
	t->eval();
	dump(ctx.time());
	bool take = t->mem_req_valid_o && t->mem_req_ready_i;
	uint64_t pa = t->mem_req_addr_o;

	ctx.timeInc(1);
	t->clk_i = 1;
	t->eval();
	dump(ctx.time());
	ctx.timeInc(1);
	if (m.pending >= 0)
		m.pending--;
	if (take) {
		m.pending = (int)m.latency - 1;
		m.pending_pa = pa;
	}
}

template <class V> static void clock_cycle(VerilatedContext &ctx, V *t, mem_port &m)
{
	clock_cycle(ctx, t, m, [](uint64_t) {});
}

/*
 * The watchdog of every shim's waiting loop: what was awaited, by whom,
 * since which cycle, as "<who>: <what> (from cycle N) not done after L
 * cycles" into msg, the named error the caller reports instead of an
 * answer.
 */
#include <cstdio>
static inline void watchdog_expired(char *msg, size_t len, const char *who, const char *what,
				    uint64_t since, uint64_t limit)
{
	snprintf(msg, len, "watchdog: %s: %s (from cycle %llu) not done after %llu cycles", who,
		 what, (unsigned long long)since, (unsigned long long)limit);
}

#endif
