// SPDX-License-Identifier: MIT
#include "platform.h"

#include <cstring>

using namespace sc_core;
using namespace tlm;

namespace mmusim {

pmem_target::pmem_target(sc_module_name name, const struct pmem *p)
	: sc_module(name), socket("socket"), pm(p)
{
	socket.register_b_transport(this, &pmem_target::b_transport);
	socket.register_transport_dbg(this, &pmem_target::transport_dbg);
}

void pmem_target::b_transport(tlm_generic_payload &t, sc_time &)
{
	uint64_t pa = t.get_address();
	uint64_t v;

	/* the standard's order: address, command, length and width, byte enables */
	if ((pa & 7) || !pmem_valid(pm, pa, 8)) {
		t.set_response_status(TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (t.get_command() != TLM_READ_COMMAND) {
		t.set_response_status(TLM_COMMAND_ERROR_RESPONSE);
		return;
	}
	if (t.get_data_length() != 8 || t.get_streaming_width() != 8 || !t.get_data_ptr()) {
		t.set_response_status(TLM_BURST_ERROR_RESPONSE);
		return;
	}
	if (t.get_byte_enable_ptr()) {
		t.set_response_status(TLM_BYTE_ENABLE_ERROR_RESPONSE);
		return;
	}
	v = pmem_read64(pm, pa);
	std::memcpy(t.get_data_ptr(), &v, 8);
	t.set_dmi_allowed(false);
	t.set_response_status(TLM_OK_RESPONSE);
	reads++;
}

unsigned pmem_target::transport_dbg(tlm_generic_payload &t)
{
	uint64_t pa = t.get_address();
	unsigned n = t.get_data_length();

	if (t.get_command() != TLM_READ_COMMAND || !t.get_data_ptr() || !pmem_valid(pm, pa, n))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t v = pmem_read64(pm, (pa + i) & ~7ull);

		t.get_data_ptr()[i] = (unsigned char)(v >> (8 * ((pa + i) & 7)));
	}
	return n;
}

traffic_gen::traffic_gen(sc_module_name name, timing s, tlm_utils::tlm_quantumkeeper &q)
	: sc_module(name), socket("socket"), style(s), qk(q), x(new mmu_xlat)
{
	socket.register_nb_transport_bw(this, &traffic_gen::nb_transport_bw);
	txn.set_extension(x);
	txn.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
}

unsigned traffic_gen::translate(uint64_t ttbr0, uint64_t va, enum mmu_access acc,
				struct mmu_result *out)
{
	x->va = va;
	x->ttbr0 = ttbr0;
	x->access = acc;
	x->cycles = 0;
	txn.set_command(TLM_READ_COMMAND);
	txn.set_address(va);
	txn.set_data_length(8);
	txn.set_streaming_width(8);
	txn.set_byte_enable_ptr(nullptr);
	txn.set_dmi_allowed(false);
	txn.set_response_status(TLM_INCOMPLETE_RESPONSE);
	if (style == timing::lt) {
		sc_time delay = qk.get_local_time();

		socket->b_transport(txn, delay);
		qk.set(delay);
		if (qk.need_sync())
			qk.sync();
	} else {
		tlm_phase phase = BEGIN_REQ;
		sc_time delay = SC_ZERO_TIME;

		if (socket->nb_transport_fw(txn, phase, delay) != TLM_COMPLETED) {
			wait(resp); /* BEGIN_RESP, after the RTL's cycles */
			phase = END_RESP;
			delay = SC_ZERO_TIME;
			socket->nb_transport_fw(txn, phase, delay);
		}
	}
	if (txn.is_response_error()) {
		errors++;
		*out = mmu_result{ MMU_FAULT_TRANSLATION, 0, 0, 0 };
		return 0;
	}
	*out = mmu_result{ x->fault, x->level, x->pa, x->source };
	return x->cycles;
}

tlm_sync_enum traffic_gen::nb_transport_bw(tlm_generic_payload &, tlm_phase &phase,
					   sc_time &delay)
{
	if (phase == BEGIN_RESP)
		resp.notify(delay);
	return TLM_ACCEPTED; /* END_RESP follows on the forward path */
}

maint_gen::maint_gen(sc_module_name name, timing s, tlm_utils::tlm_quantumkeeper &q)
	: sc_module(name), socket("socket"), style(s), qk(q), m(new mmu_maint)
{
	txn.set_extension(m);
	txn.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
}

void maint_gen::send()
{
	sc_time delay = style == timing::lt ? qk.get_local_time() : SC_ZERO_TIME;

	txn.set_command(TLM_WRITE_COMMAND);
	txn.set_address(0);
	txn.set_data_length(8);
	txn.set_streaming_width(8);
	txn.set_byte_enable_ptr(nullptr);
	txn.set_response_status(TLM_INCOMPLETE_RESPONSE);
	socket->b_transport(txn, delay);
	if (txn.is_response_error())
		errors++;
	if (style == timing::lt) {
		qk.set(delay);
		if (qk.need_sync())
			qk.sync();
	} else {
		wait(delay);
	}
}

void maint_gen::tlbi(unsigned core, const struct tlbi *op)
{
	m->kind = mmu_maint::TLBI;
	m->core = core;
	m->op = op->op;
	m->shareable = op->shareable;
	data = op->operand;
	send();
}

unsigned maint_gen::dsb()
{
	m->kind = mmu_maint::DSB;
	data = 0;
	send();
	return m->cycles;
}

} // namespace mmusim
