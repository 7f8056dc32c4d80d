// SPDX-License-Identifier: MIT
/*
 * The example platform's other modules: a memory target over the OS model's
 * simulated physical memory, a traffic generator per core, and the OS's
 * maintenance initiator (TLBIs and DSBs). Loosely timed (b_transport, a
 * quantum keeper) or approximately timed (nb_transport phases).
 */
#ifndef MMUSIM_SC_PLATFORM_H
#define MMUSIM_SC_PLATFORM_H

#include "mmu_tlm.h"

#include <tlm_utils/tlm_quantumkeeper.h>

extern "C" {
#include "../../model/pmem.h"
}

namespace mmusim {

enum class timing { lt, at };

/*
 * Reads of the simulated physical memory: TLM_READ_COMMAND, 8 bytes, 8-byte
 * aligned, inside the memory (TLM_ADDRESS_ERROR_RESPONSE otherwise). The
 * walkers write nothing (the model has no hardware access-flag or dirty
 * updates), so a write is TLM_COMMAND_ERROR_RESPONSE. Debug reads of any
 * length; no DMI.
 */
class pmem_target : public sc_core::sc_module {
public:
	tlm_utils::simple_target_socket<pmem_target> socket;

	pmem_target(sc_core::sc_module_name name, const struct pmem *pm);
	uint64_t reads = 0;

private:
	const struct pmem *pm;
	void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
	unsigned transport_dbg(tlm::tlm_generic_payload &t);
};

/* One core's translation requests, in the style chosen. */
class traffic_gen : public sc_core::sc_module {
public:
	tlm_utils::simple_initiator_socket<traffic_gen> socket;

	traffic_gen(sc_core::sc_module_name name, timing style, tlm_utils::tlm_quantumkeeper &qk);
	/* Must run in a SystemC thread (AT waits for BEGIN_RESP). Returns the RTL cycles. */
	unsigned translate(uint64_t ttbr0, uint64_t va, enum mmu_access acc, struct mmu_result *out);
	uint64_t errors = 0; /* transactions answered with an error status */

private:
	timing style;
	tlm_utils::tlm_quantumkeeper &qk;
	tlm::tlm_generic_payload txn;
	mmu_xlat *x; /* owned by txn */
	uint64_t data = 0;
	sc_core::sc_event resp;

	tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload &t, tlm::tlm_phase &phase,
					   sc_core::sc_time &delay);
};

/* The OS side's TLBI and DSB instructions, out through one socket. */
class maint_gen : public sc_core::sc_module {
public:
	tlm_utils::simple_initiator_socket<maint_gen> socket;

	maint_gen(sc_core::sc_module_name name, timing style, tlm_utils::tlm_quantumkeeper &qk);
	void tlbi(unsigned core, const struct tlbi *op);
	unsigned dsb(); /* the cycles until the DSB completed */
	uint64_t errors = 0;

private:
	timing style;
	tlm_utils::tlm_quantumkeeper &qk;
	tlm::tlm_generic_payload txn;
	mmu_maint *m; /* owned by txn */
	uint64_t data = 0;

	void send();
};

} // namespace mmusim

#endif
