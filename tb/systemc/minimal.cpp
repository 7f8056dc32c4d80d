// SPDX-License-Identifier: MIT
/*
 * The smallest platform around mmu_tlm (the README's sample): one core, a
 * memory holding one hand-written page table that maps VA 0x400000 to PA
 * 0x5000, a core that translates VA 0x400123 twice (a walk, then an L1
 * hit), and a TLBI VAE1IS with its DSB.
 */
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>

#include "mmu_tlm.h"

using namespace sc_core;

/* Physical memory: the four levels of one mapping, zeros elsewhere. */
struct memory : sc_module {
	tlm_utils::simple_target_socket<memory> socket;
	std::map<uint64_t, uint64_t> words;

	explicit memory(sc_module_name n) : sc_module(n), socket("socket")
	{
		socket.register_b_transport(this, &memory::b_transport);
		words[0x1000] = 0x2000 | 3;	     /* L0[0]: table */
		words[0x2000] = 0x3000 | 3;	     /* L1[0]: table */
		words[0x3000 + 2 * 8] = 0x4000 | 3; /* L2[2]: table (VA[29:21] = 2) */
		/* L3[0]: page, AP[1] (EL0 may read), AF, nG */
		words[0x4000] = 0x5000 | 3 | 1u << 6 | 1u << 10 | 1u << 11;
	}
	void b_transport(tlm::tlm_generic_payload &t, sc_time &)
	{
		uint64_t v = words.count(t.get_address()) ? words[t.get_address()] : 0;

		std::memcpy(t.get_data_ptr(), &v, 8);
		t.set_response_status(tlm::TLM_OK_RESPONSE);
	}
};

struct core : sc_module {
	tlm_utils::simple_initiator_socket<core> cpu, maint;
	int bad = 0;

	SC_HAS_PROCESS(core);
	explicit core(sc_module_name n) : sc_module(n), cpu("cpu"), maint("maint")
	{
		SC_THREAD(run);
	}

	/* One page translated through the cpu socket, loosely timed. */
	mmusim::mmu_xlat translate(uint64_t va)
	{
		tlm::tlm_generic_payload t;
		uint64_t pa = 0;
		auto *x = new mmusim::mmu_xlat; /* the payload owns its extensions */
		sc_time delay = SC_ZERO_TIME;

		x->va = va;
		x->ttbr0 = 1ull << 48 | 0x1000; /* ASID 1, L0 table at 0x1000 */
		x->access = MMU_READ;
		t.set_extension(x);
		t.set_command(tlm::TLM_READ_COMMAND);
		t.set_address(va);
		t.set_data_ptr(reinterpret_cast<unsigned char *>(&pa));
		t.set_data_length(8);
		t.set_streaming_width(8);
		cpu->b_transport(t, delay);
		wait(delay);
		bad += !t.is_response_ok();
		return *x;
	}

	/* A TLBI (its operand in the 8 bytes) or a DSB through the maint socket. */
	void maintain(mmusim::mmu_maint::kind_e kind, unsigned op, uint64_t operand)
	{
		tlm::tlm_generic_payload t;
		auto *m = new mmusim::mmu_maint;
		sc_time delay = SC_ZERO_TIME;

		m->kind = kind;
		m->op = op;
		m->shareable = true;
		t.set_extension(m);
		t.set_command(tlm::TLM_WRITE_COMMAND);
		t.set_data_ptr(reinterpret_cast<unsigned char *>(&operand));
		t.set_data_length(8);
		t.set_streaming_width(8);
		maint->b_transport(t, delay);
		wait(delay);
		bad += !t.is_response_ok();
	}

	void run()
	{
		static const char *const from[] = { "L1", "L2", "walk" };

		for (int i = 0; i < 2; i++) {
			mmusim::mmu_xlat x = translate(0x400123);

			std::printf("%s VA %#llx -> PA %#llx, %s, level %u, from %s, %u cycles\n",
				    sc_time_stamp().to_string().c_str(), (unsigned long long)x.va,
				    (unsigned long long)x.pa, mmu_fault_names[x.fault], x.level,
				    from[x.source % 3], x.cycles);
		}
		/* TLBI VAE1IS, ASID 1, VA 0x400000 (VA >> 12 in [43:0]), then DSB ISH */
		maintain(mmusim::mmu_maint::TLBI, TLBI_VAE1, 1ull << 48 | 0x400);
		maintain(mmusim::mmu_maint::DSB, 0, 0);
		mmusim::mmu_xlat x = translate(0x400123);

		std::printf("%s after TLBI VAE1IS + DSB: PA %#llx from %s\n",
			    sc_time_stamp().to_string().c_str(), (unsigned long long)x.pa,
			    from[x.source % 3]);
	}
};

int sc_main(int, char **)
{
	struct sim_config cfg;

	config_defaults(&cfg); /* the settings of mmusim -s: cores, TLB geometry, latencies */
	cfg.cores = 1;
	cfg.l1i.entries = cfg.l1d.entries = 16; /* small TLBs: a quick first build */
	cfg.l1i.ways = cfg.l1d.ways = cfg.l2.ways = 4;
	cfg.l2.entries = 64;
	mmusim::mmu_tlm mmu("mmu", cfg); /* builds or loads the Verilated top */
	memory mem("mem");
	core cpu0("cpu0");

	cpu0.cpu.bind(mmu.cpu[0]);
	cpu0.maint.bind(mmu.maint);
	mmu.mem.bind(mem.socket);
	sc_start();
	return cpu0.bad || mmu.errors();
}
