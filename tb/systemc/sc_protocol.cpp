// SPDX-License-Identifier: MIT
/*
 * The TLM-2.0 base protocol at every socket of the MMU module and of the
 * example's memory target: requests a target cannot act on get the response
 * status IEEE 1666-2011 (14.17) names for them, by b_transport and by
 * nb_transport_fw, and the module keeps working after them:
 *   missing or malformed extension   TLM_GENERIC_ERROR_RESPONSE
 *   a command the target does not do TLM_COMMAND_ERROR_RESPONSE
 *   zero-length or odd width         TLM_BURST_ERROR_RESPONSE
 *   byte enables                     TLM_BYTE_ENABLE_ERROR_RESPONSE
 *   an address outside the memory    TLM_ADDRESS_ERROR_RESPONSE
 * A memory that answers the walker's reads with errors makes the walk fault
 * (the Arm ARM's synchronous external abort on the translation table walk,
 * at level 0: the first read fails) instead of stopping the simulation.
 * Prints one "[       OK ]" or "[  FAILED  ]" line per case.
 */
#include <cstdio>
#include <cstring>
#include <string>

#include "platform.h"

using namespace sc_core;
using namespace tlm;
using namespace mmusim;

namespace {

int failures = 0;

void expect(const std::string &name, bool ok, const std::string &why)
{
	if (ok) {
		std::printf("[       OK ] sc_protocol %s\n", name.c_str());
	} else {
		std::printf("[  FAILED  ] sc_protocol %s: %s\n", name.c_str(), why.c_str());
		failures++;
	}
}

/* The MMU's memory in this test: the simulated memory, or (broken) an error for every read. */
struct test_memory : sc_module {
	tlm_utils::simple_target_socket<test_memory> socket;
	const struct pmem *pm;
	bool broken = false;
	uint64_t failed = 0;

	test_memory(sc_module_name n, const struct pmem *p) : sc_module(n), socket("socket"), pm(p)
	{
		socket.register_b_transport(this, &test_memory::b_transport);
	}
	void b_transport(tlm_generic_payload &t, sc_time &)
	{
		uint64_t v = pmem_read64(pm, t.get_address());

		if (broken) {
			failed++;
			t.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
			return;
		}
		std::memcpy(t.get_data_ptr(), &v, 8);
		t.set_response_status(TLM_OK_RESPONSE);
	}
};

struct tester : sc_module {
	mmu_tlm &mmu;
	test_memory &mmu_memory;
	std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<tester>>> cpu;
	tlm_utils::simple_initiator_socket<tester> maint, mem;
	sc_event resp;
	tlm_phase resp_phase;
	unsigned bw_calls = 0;

	SC_HAS_PROCESS(tester);
	tester(sc_module_name n, mmu_tlm &m, test_memory &mm, pmem_target &memory)
		: sc_module(n), mmu(m), mmu_memory(mm), maint("maint"), mem("mem")
	{
		for (unsigned c = 0; c < m.cores(); c++) {
			cpu.emplace_back(new tlm_utils::simple_initiator_socket<tester>(
				("cpu_" + std::to_string(c)).c_str()));
			cpu[c]->register_nb_transport_bw(this, &tester::nb_transport_bw);
			cpu[c]->bind(m.cpu[c]);
		}
		maint.bind(m.maint);
		mem.bind(memory.socket);
		SC_THREAD(run);
	}

	tlm_sync_enum nb_transport_bw(tlm_generic_payload &, tlm_phase &phase, sc_time &delay)
	{
		bw_calls++;
		resp_phase = phase;
		resp.notify(delay);
		return TLM_COMPLETED; /* the initiator may end the transaction at BEGIN_RESP */
	}

	/* A translation request of the right shape: 8 bytes read, an extension. */
	static void xlat(tlm_generic_payload &t, uint64_t *data, mmu_xlat *x)
	{
		t.set_command(TLM_READ_COMMAND);
		t.set_address(0x400000);
		t.set_data_ptr(reinterpret_cast<unsigned char *>(data));
		t.set_data_length(8);
		t.set_streaming_width(8);
		t.set_byte_enable_ptr(nullptr);
		t.set_byte_enable_length(0);
		t.set_response_status(TLM_INCOMPLETE_RESPONSE);
		if (x) {
			x->va = 0x400000;
			x->ttbr0 = (1ull << 48) | 0x10000; /* ASID 1, tables at 64 KiB: all zeros */
			x->access = MMU_READ;
			t.set_extension(x);
		}
	}

	/* b_transport on initiator socket s; returns the status. */
	template <class S> tlm_response_status b(S &s, tlm_generic_payload &t)
	{
		sc_time d = SC_ZERO_TIME;

		s->b_transport(t, d);
		return t.get_response_status();
	}

	/* nb_transport_fw: BEGIN_REQ, then the response however it comes. */
	tlm_response_status nb(tlm_utils::simple_initiator_socket<tester> &s, tlm_generic_payload &t,
			       tlm_sync_enum *how)
	{
		tlm_phase p = BEGIN_REQ;
		sc_time d = SC_ZERO_TIME;

		*how = s->nb_transport_fw(t, p, d);
		if (*how == TLM_UPDATED && p == END_REQ)
			wait(resp);
		return t.get_response_status();
	}

	static std::string name_of(tlm_response_status s)
	{
		tlm_generic_payload t;

		t.set_response_status(s);
		return t.get_response_string();
	}

	void is(const std::string &name, tlm_response_status got, tlm_response_status want)
	{
		expect(name, got == want, "answered " + name_of(got) + ", not " + name_of(want));
	}

	void cpu_cases(unsigned c)
	{
		const std::string p = "cpu[" + std::to_string(c) + "] ";
		uint64_t data = 0;
		unsigned char be[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		for (int mode = 0; mode < 2; mode++) {
			const std::string how = mode ? "nb_transport_fw " : "b_transport ";
			auto send = [&](tlm_generic_payload &t) {
				tlm_sync_enum e;

				if (!mode)
					return b(*cpu[c], t);
				tlm_response_status s = nb(*cpu[c], t, &e);
				/* an error answered at once must complete the transaction */
				if (s != TLM_OK_RESPONSE && e != TLM_COMPLETED)
					return TLM_INCOMPLETE_RESPONSE;
				return s;
			};
			{
				tlm_generic_payload t;

				xlat(t, &data, nullptr);
				is(p + how + "no extension", send(t), TLM_GENERIC_ERROR_RESPONSE);
			}
			{
				tlm_generic_payload t;
				mmu_xlat *x = new mmu_xlat;

				xlat(t, &data, x);
				x->access = 7;
				is(p + how + "bad access kind in the extension", send(t),
				   TLM_GENERIC_ERROR_RESPONSE);
			}
			{
				tlm_generic_payload t;

				xlat(t, &data, new mmu_xlat);
				t.set_command(TLM_WRITE_COMMAND);
				is(p + how + "write command", send(t), TLM_COMMAND_ERROR_RESPONSE);
			}
			{
				tlm_generic_payload t;

				xlat(t, &data, new mmu_xlat);
				t.set_data_length(0);
				is(p + how + "zero-length transfer", send(t), TLM_BURST_ERROR_RESPONSE);
			}
			{
				tlm_generic_payload t;

				xlat(t, &data, new mmu_xlat);
				t.set_streaming_width(4);
				is(p + how + "streaming width 4", send(t), TLM_BURST_ERROR_RESPONSE);
			}
			{
				tlm_generic_payload t;

				xlat(t, &data, new mmu_xlat);
				t.set_byte_enable_ptr(be);
				t.set_byte_enable_length(8);
				is(p + how + "byte enables", send(t), TLM_BYTE_ENABLE_ERROR_RESPONSE);
			}
			{
				/* after all that, a real request: zeroed tables, so an invalid L0 descriptor */
				tlm_generic_payload t;
				mmu_xlat *x = new mmu_xlat;
				sc_time t0 = sc_time_stamp();
				unsigned bw0 = bw_calls;

				data = 0xdeadbeef;
				xlat(t, &data, x);
				tlm_response_status s = send(t);

				expect(p + how + "valid request: translation fault at level 0",
				       s == TLM_OK_RESPONSE && x->fault == MMU_FAULT_TRANSLATION &&
					       x->level == 0 && x->pa == 0 && data == 0 && x->source == 2 &&
					       x->core == c && x->cycles > 0,
				       "status " + name_of(s) + ", fault " + mmu_fault_names[x->fault % MMU_NR_FAULTS] +
					       " level " + std::to_string(x->level));
				if (mode)
					expect(p + "nb_transport_fw BEGIN_RESP on the backward path, "
						   "after the RTL cycles",
					       bw_calls == bw0 + 1 && resp_phase == BEGIN_RESP &&
						       sc_time_stamp() - t0 == x->cycles * mmu.clock(),
					       "BEGIN_RESP at " + (sc_time_stamp() - t0).to_string() +
						       " for " + std::to_string(x->cycles) + " cycles");
			}
		}
		tlm_generic_payload t;
		tlm_dmi dmi;

		xlat(t, &data, new mmu_xlat);
		expect(p + "no DMI, no debug bytes",
		       !(*cpu[c])->get_direct_mem_ptr(t, dmi) && (*cpu[c])->transport_dbg(t) == 0,
		       "DMI granted or debug transport moved bytes");
	}

	void maint_cases()
	{
		uint64_t data = 0;
		auto req = [&](tlm_generic_payload &t, mmu_maint *m) {
			t.set_command(TLM_WRITE_COMMAND);
			t.set_address(0);
			t.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
			t.set_data_length(8);
			t.set_streaming_width(8);
			t.set_response_status(TLM_INCOMPLETE_RESPONSE);
			if (m) {
				m->kind = mmu_maint::TLBI;
				m->core = 0;
				m->op = TLBI_VMALLE1;
				t.set_extension(m);
			}
		};
		{
			tlm_generic_payload t;

			req(t, nullptr);
			is("maint no extension", b(maint, t), TLM_GENERIC_ERROR_RESPONSE);
		}
		{
			tlm_generic_payload t;
			mmu_maint *m = new mmu_maint;

			req(t, m);
			m->core = 99;
			is("maint TLBI from a core that is not there", b(maint, t),
			   TLM_GENERIC_ERROR_RESPONSE);
		}
		{
			tlm_generic_payload t;
			mmu_maint *m = new mmu_maint;

			req(t, m);
			m->op = TLBI_NR_OPS;
			is("maint TLBI operation out of range", b(maint, t), TLM_GENERIC_ERROR_RESPONSE);
		}
		{
			tlm_generic_payload t;

			req(t, new mmu_maint);
			t.set_command(TLM_READ_COMMAND);
			is("maint read command", b(maint, t), TLM_COMMAND_ERROR_RESPONSE);
		}
		{
			tlm_generic_payload t;

			req(t, new mmu_maint);
			t.set_data_length(0);
			is("maint zero-length transfer", b(maint, t), TLM_BURST_ERROR_RESPONSE);
		}
		{
			tlm_generic_payload t;
			mmu_maint *m = new mmu_maint;

			req(t, m);
			is("maint valid TLBI VMALLE1IS", b(maint, t), TLM_OK_RESPONSE);
			m->kind = mmu_maint::DSB;
			tlm_response_status s = b(maint, t);
			/* the fabric's definition: 2 + (cores - 1) x hop cycles at most */
			expect("maint valid DSB completes", s == TLM_OK_RESPONSE && m->cycles <= 2 + 1 * 2,
			       "status " + name_of(s) + ", " + std::to_string(m->cycles) + " cycles");
		}
	}

	void mem_cases()
	{
		uint64_t data = 0;
		unsigned char be[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		auto req = [&](tlm_generic_payload &t) {
			t.set_command(TLM_READ_COMMAND);
			t.set_address(0x1000);
			t.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
			t.set_data_length(8);
			t.set_streaming_width(8);
			t.set_response_status(TLM_INCOMPLETE_RESPONSE);
		};
		tlm_generic_payload t;

		req(t);
		t.set_address(1ull << 40);
		is("memory address outside the memory", b(mem, t), TLM_ADDRESS_ERROR_RESPONSE);
		req(t);
		t.set_command(TLM_WRITE_COMMAND);
		is("memory write command", b(mem, t), TLM_COMMAND_ERROR_RESPONSE);
		req(t);
		t.set_data_length(0);
		is("memory zero-length transfer", b(mem, t), TLM_BURST_ERROR_RESPONSE);
		req(t);
		t.set_byte_enable_ptr(be);
		t.set_byte_enable_length(8);
		is("memory byte enables", b(mem, t), TLM_BYTE_ENABLE_ERROR_RESPONSE);
		t.set_byte_enable_ptr(nullptr);
		t.set_byte_enable_length(0);
		req(t);
		is("memory valid read", b(mem, t), TLM_OK_RESPONSE);
	}

	void broken_memory_case()
	{
		tlm_generic_payload t;
		uint64_t data = 0;
		mmu_xlat *x = new mmu_xlat;

		xlat(t, &data, x);
		mmu_memory.broken = true;
		tlm_response_status s = b(*cpu[0], t);

		mmu_memory.broken = false;
		expect("mem: reads answered with errors make the walk abort at level 0",
		       s == TLM_OK_RESPONSE && x->fault == MMU_FAULT_EXT_ABORT && x->level == 0 &&
			       mmu_memory.failed == 1 && mmu.mem_errors() == 1,
		       "status " + name_of(s) + ", " + std::to_string(mmu_memory.failed) +
			       " failed reads");
	}

	void run()
	{
		for (unsigned c = 0; c < mmu.cores(); c++)
			cpu_cases(c);
		maint_cases();
		mem_cases();
		broken_memory_case();
		expect("no RTL assertion failed", !mmu.errors(),
		       "an RTL assertion failed");
	}
};

} // namespace

int sc_main(int, char **)
{
	struct sim_config cfg;
	struct pmem pm;
	char err[256];
	static const char *const small[][2] = { { "cores", "2" },	  { "l1i.entries", "16" },
						{ "l1i.ways", "4" },	  { "l1d.entries", "16" },
						{ "l1d.ways", "4" },	  { "l2.entries", "64" },
						{ "l2.ways", "4" },	  { "backend", "rtl" } };

	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	config_defaults(&cfg);
	for (const auto &kv : small)
		if (config_set(&cfg, kv[0], kv[1], err, sizeof(err))) {
			std::printf("[  FAILED  ] sc_protocol configuration: %s\n", err);
			return 1;
		}
	if (pmem_init(&pm, 1u << 20)) {
		std::printf("[  FAILED  ] sc_protocol: no memory\n");
		return 1;
	}
	try {
		mmu_tlm mmu("mmu", cfg);
		test_memory mmu_memory("mmu_memory", &pm);
		pmem_target memory("memory", &pm);
		tester t("tester", mmu, mmu_memory, memory);

		mmu.mem.bind(mmu_memory.socket);
		sc_start();
	} catch (const std::exception &e) {
		std::printf("[  FAILED  ] sc_protocol: %s\n", e.what());
		failures++;
	}
	pmem_free(&pm);
	return failures ? 1 : 0;
}
