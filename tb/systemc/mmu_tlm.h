// SPDX-License-Identifier: MIT
/*
 * The mmusim system top (rtl/mmu_top.sv: N cores' L1 I/D TLBs, L2 TLB and
 * walker, the TLBI fabric, one memory port) as a SystemC module with
 * TLM-2.0 sockets:
 *
 *   cpu[c]  target, one per core: page translations. A TLM_READ_COMMAND of
 *           8 bytes with an mmu_xlat extension (VA, TTBR0 with the ASID in
 *           [63:48], access kind); the answer is written into the extension
 *           (PA, or the fault and its level; where it came from: L1, L2 or
 *           a walk; its RTL cycles) and the PA into the 8 data bytes. A
 *           translation fault is an answer, so its response status is
 *           TLM_OK_RESPONSE. b_transport (loosely timed: the delay grows by
 *           the RTL cycles) and nb_transport_fw (approximately timed:
 *           BEGIN_REQ is answered END_REQ at once, BEGIN_RESP comes on the
 *           backward path after the RTL cycles, the initiator ends it with
 *           END_RESP or by returning TLM_COMPLETED).
 *   maint   target: TLB maintenance. A TLM_WRITE_COMMAND of 8 bytes with an
 *           mmu_maint extension: a TLBI from a core (the 8 bytes are its
 *           operand, the register the instruction names) or a DSB, which
 *           completes once every core applied every earlier TLBI.
 *   mem     initiator: the walkers' descriptor reads, TLM_READ_COMMAND of 8
 *           bytes at the descriptor's physical address.
 *
 * Requests the module cannot act on get the base protocol's error responses,
 * checked in the standard's order (IEEE 1666-2011, 14.17): a command it does
 * not execute TLM_COMMAND_ERROR_RESPONSE, a data length or streaming width
 * other than 8 (a zero-length transfer too) TLM_BURST_ERROR_RESPONSE, byte
 * enables TLM_BYTE_ENABLE_ERROR_RESPONSE, a missing or malformed extension
 * TLM_GENERIC_ERROR_RESPONSE. No DMI; debug transport moves no bytes.
 *
 * Inside is the Verilated RTL through its C shim (tb/rtl/top_shim.h),
 * loaded for the configuration given (built once into build/rtl/cache/, as
 * mmusim --backend rtl does). SystemC time: one RTL clock cycle is `clock`.
 * The RTL serves one request at a time, in the order they arrive.
 */
#ifndef MMUSIM_MMU_TLM_H
#define MMUSIM_MMU_TLM_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "../rtl/counters.h" /* C++ templates: outside extern "C" */
extern "C" {
#include "../rtl_backend.h"
}

namespace mmusim {

/* A translation request and, once answered, its result. */
struct mmu_xlat : tlm::tlm_extension<mmu_xlat> {
	/* request */
	uint64_t va = 0;
	uint64_t ttbr0 = 0; /* the table's PA; the ASID in [63:48] */
	unsigned access = MMU_READ; /* an enum mmu_access: MMU_READ, MMU_WRITE, MMU_EXEC */
	/* response */
	enum mmu_fault_kind fault = MMU_OK;
	unsigned level = 0;  /* the leaf's level, or the faulting one */
	uint64_t pa = 0;     /* 0 for translation, access-flag and external-abort faults */
	unsigned source = 0; /* 0 an L1 hit, 1 an L2 hit, 2 a walk */
	unsigned cycles = 0; /* RTL cycles from request to answer */
	unsigned core = 0;   /* the socket it came in on (set by the module) */

	tlm::tlm_extension_base *clone() const override { return new mmu_xlat(*this); }
	void copy_from(const tlm::tlm_extension_base &e) override
	{
		*this = static_cast<const mmu_xlat &>(e);
	}
};

/* A TLBI from a core (its operand in the payload's 8 bytes), or a DSB. */
struct mmu_maint : tlm::tlm_extension<mmu_maint> {
	enum kind_e { TLBI, DSB } kind = TLBI;
	unsigned core = 0;	      /* TLBI: the issuing core */
	unsigned op = TLBI_VMALLE1; /* TLBI: an enum tlbi_op, TLBI_VMALLE1 .. TLBI_RVAALE1 */
	bool shareable = true;	      /* TLBI: the Inner-Shareable (broadcast) form */
	unsigned cycles = 0; /* response: cycles the RTL took (a DSB: until it completed) */

	tlm::tlm_extension_base *clone() const override { return new mmu_maint(*this); }
	void copy_from(const tlm::tlm_extension_base &e) override
	{
		*this = static_cast<const mmu_maint &>(e);
	}
};

class mmu_tlm : public sc_core::sc_module {
public:
	using target_socket = tlm_utils::simple_target_socket_tagged<mmu_tlm>;

	sc_core::sc_vector<target_socket> cpu;
	target_socket maint;
	tlm_utils::simple_initiator_socket<mmu_tlm> mem;

	/*
	 * cfg: the configuration as mmusim reads it (cores, TLB geometry,
	 * walk.mem_latency, fabric.hop_latency, ...); with cfg.wave set, the
	 * RTL writes its FST of cycles wave_from..wave_to there, as mmusim
	 * --wave does. Throws std::runtime_error when the RTL model cannot be
	 * built or loaded.
	 */
	mmu_tlm(sc_core::sc_module_name name, const struct sim_config &cfg,
		const sc_core::sc_time &clock = sc_core::sc_time(1, sc_core::SC_NS));
	~mmu_tlm() override;
	mmu_tlm(const mmu_tlm &) = delete;
	mmu_tlm &operator=(const mmu_tlm &) = delete;

	unsigned cores() const { return ncores; }
	const sc_core::sc_time &clock() const { return period; }
	/* Sideband, not on a socket: the RTL's assertion state and counters. */
	int errors();
	void counters(unsigned core, struct rtl_core_counters *out);
	/* descriptor reads the memory answered with an error (each a walk's external abort) */
	uint64_t mem_errors() const { return bad_reads; }

	/* The sockets' traffic into a VCD/FST trace file (sc_trace). */
	void trace(sc_core::sc_trace_file *tf);

private:
	struct core_trace {
		uint64_t va = 0, pa = 0, count = 0;
		unsigned access = 0, fault = 0, level = 0, source = 0, cycles = 0;
	};

	unsigned ncores;
	sc_core::sc_time period;
	struct rtl_shim shim;
	struct rtl_top *top = nullptr;
	tlm::tlm_generic_payload mem_txn;
	uint64_t mem_data = 0, bad_reads = 0;
	bool mem_failed = false; /* the last read's response was an error */
	tlm_utils::peq_with_cb_and_phase<mmu_tlm> peq;
	std::vector<core_trace> tr;
	uint64_t tr_mem_addr = 0, tr_mem_data = 0, tr_mem_count = 0;
	uint64_t tr_tlbi_operand = 0, tr_tlbi_count = 0, tr_dsb_count = 0;
	unsigned tr_tlbi_op = 0, tr_tlbi_core = 0;

	static uint64_t read64(void *ctx, uint64_t pa);
	static bool read_failed(void *ctx, uint64_t pa);
	tlm::tlm_response_status check(tlm::tlm_generic_payload &t, tlm::tlm_command cmd) const;
	mmu_xlat *xlat_request(int core, tlm::tlm_generic_payload &t);
	void translate(int core, tlm::tlm_generic_payload &t, mmu_xlat &x);

	void cpu_b_transport(int core, tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
	tlm::tlm_sync_enum cpu_nb_transport_fw(int core, tlm::tlm_generic_payload &t,
					       tlm::tlm_phase &phase, sc_core::sc_time &delay);
	void peq_cb(tlm::tlm_generic_payload &t, const tlm::tlm_phase &phase);
	void maint_b_transport_tagged(int id, tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
	unsigned debug_none(int id, tlm::tlm_generic_payload &t);
	bool no_dmi(int id, tlm::tlm_generic_payload &t, tlm::tlm_dmi &dmi);
};

} // namespace mmusim

#endif
