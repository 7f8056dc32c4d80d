// SPDX-License-Identifier: MIT
#include "mmu_tlm.h"

#include <cstring>
#include <stdexcept>

using namespace sc_core;
using namespace tlm;

namespace mmusim {

mmu_tlm::mmu_tlm(sc_module_name name, const struct sim_config &cfg, const sc_time &clock)
	: sc_module(name), cpu("cpu", cfg.cores), maint("maint"), mem("mem"), ncores(cfg.cores),
	  period(clock), shim(), peq(this, &mmu_tlm::peq_cb), tr(cfg.cores)
{
	char err[512] = "";

	if (rtl_shim_load(&shim, &cfg, err, sizeof(err)))
		throw std::runtime_error(err);
	top = shim.ops->new_top(&mmu_tlm::read64, this, cfg.mem_latency);
	{
		struct rtl_faults f = {};

		f.read_error = &mmu_tlm::read_failed; /* a TLM error: an external abort */
		shim.ops->faults(top, &f);
	}
	if (cfg.wave && shim.ops->wave_open(top, cfg.wave, cfg.wave_from, cfg.wave_to)) {
		shim.ops->free_top(top);
		rtl_shim_unload(&shim);
		throw std::runtime_error(std::string("cannot write the RTL's waveforms to ") + cfg.wave);
	}
	for (unsigned c = 0; c < ncores; c++) {
		cpu[c].register_b_transport(this, &mmu_tlm::cpu_b_transport, (int)c);
		cpu[c].register_nb_transport_fw(this, &mmu_tlm::cpu_nb_transport_fw, (int)c);
		cpu[c].register_transport_dbg(this, &mmu_tlm::debug_none, (int)c);
		cpu[c].register_get_direct_mem_ptr(this, &mmu_tlm::no_dmi, (int)c);
	}
	maint.register_b_transport(this, &mmu_tlm::maint_b_transport_tagged, -1);
	maint.register_transport_dbg(this, &mmu_tlm::debug_none, -1);
	maint.register_get_direct_mem_ptr(this, &mmu_tlm::no_dmi, -1);
	mem_txn.set_data_ptr(reinterpret_cast<unsigned char *>(&mem_data));
}

mmu_tlm::~mmu_tlm()
{
	if (top)
		shim.ops->free_top(top);
	rtl_shim_unload(&shim);
}

int mmu_tlm::errors()
{
	return shim.ops->errors(top);
}

void mmu_tlm::counters(unsigned core, struct rtl_core_counters *out)
{
	shim.ops->counters(top, core, out);
}

/* A walker's descriptor read, out through the mem socket. */
uint64_t mmu_tlm::read64(void *ctx, uint64_t pa)
{
	mmu_tlm *m = static_cast<mmu_tlm *>(ctx);
	tlm_generic_payload &t = m->mem_txn;
	sc_time delay = SC_ZERO_TIME; /* the RTL's memory port keeps walk.mem_latency */

	m->mem_data = 0;
	t.set_command(TLM_READ_COMMAND);
	t.set_address(pa);
	t.set_data_length(8);
	t.set_streaming_width(8);
	t.set_byte_enable_ptr(nullptr);
	t.set_byte_enable_length(0);
	t.set_dmi_allowed(false);
	t.set_response_status(TLM_INCOMPLETE_RESPONSE);
	m->mem->b_transport(t, delay);
	m->mem_failed = t.is_response_error();
	if (m->mem_failed) {
		m->bad_reads++;
		m->mem_data = 0; /* void: the port's error bit says so (read_failed) */
	}
	m->tr_mem_addr = pa;
	m->tr_mem_data = m->mem_data;
	m->tr_mem_count++;
	return m->mem_data;
}

/* Whether the read just made (read64, same PA) was answered with an error. */
bool mmu_tlm::read_failed(void *ctx, uint64_t pa)
{
	const mmu_tlm *m = static_cast<const mmu_tlm *>(ctx);

	return m->mem_failed && m->tr_mem_addr == pa;
}

/* The generic payload's attributes, in the order IEEE 1666-2011 14.17 checks them. */
tlm_response_status mmu_tlm::check(tlm_generic_payload &t, tlm_command cmd) const
{
	if (t.get_command() != cmd)
		return TLM_COMMAND_ERROR_RESPONSE;
	if (t.get_data_length() != 8 || t.get_streaming_width() != 8 || !t.get_data_ptr())
		return TLM_BURST_ERROR_RESPONSE;
	if (t.get_byte_enable_ptr())
		return TLM_BYTE_ENABLE_ERROR_RESPONSE;
	return TLM_OK_RESPONSE;
}

/* The request's extension when the request is one the module can act on. */
mmu_xlat *mmu_tlm::xlat_request(int core, tlm_generic_payload &t)
{
	tlm_response_status s = check(t, TLM_READ_COMMAND);
	mmu_xlat *x = nullptr;

	if (s == TLM_OK_RESPONSE) {
		t.get_extension(x);
		if (!x || x->access > MMU_EXEC)
			s = TLM_GENERIC_ERROR_RESPONSE;
	}
	t.set_response_status(s);
	if (s != TLM_OK_RESPONSE)
		return nullptr;
	x->core = (unsigned)core;
	return x;
}

void mmu_tlm::translate(int core, tlm_generic_payload &t, mmu_xlat &x)
{
	struct mmu_result r;
	core_trace &c = tr[(unsigned)core];

	x.cycles = shim.ops->translate(top, (unsigned)core, x.ttbr0, x.va,
				  static_cast<enum mmu_access>(x.access), &r);
	x.fault = r.fault;
	x.level = r.level;
	x.pa = r.pa;
	x.source = r.source;
	std::memcpy(t.get_data_ptr(), &x.pa, 8); /* little-endian hosts, as TLM assumes */
	t.set_dmi_allowed(false);
	t.set_response_status(TLM_OK_RESPONSE);
	c.va = x.va;
	c.pa = x.pa;
	c.access = x.access;
	c.fault = (unsigned)x.fault;
	c.level = x.level;
	c.source = x.source;
	c.cycles = x.cycles;
	c.count++;
}

void mmu_tlm::cpu_b_transport(int core, tlm_generic_payload &t, sc_time &delay)
{
	mmu_xlat *x = xlat_request(core, t);

	if (!x)
		return;
	translate(core, t, *x);
	delay += x->cycles * period;
}

/*
 * Approximately timed: the RTL answers at BEGIN_REQ (it serves requests in
 * the order they come), and the answer goes back on the backward path as
 * BEGIN_RESP once its cycles have passed. A request the module cannot act
 * on is completed at once with its error status.
 */
tlm_sync_enum mmu_tlm::cpu_nb_transport_fw(int core, tlm_generic_payload &t, tlm_phase &phase,
					   sc_time &delay)
{
	if (phase == BEGIN_REQ) {
		mmu_xlat *x = xlat_request(core, t);

		if (!x)
			return TLM_COMPLETED;
		translate(core, t, *x);
		peq.notify(t, BEGIN_RESP, delay + x->cycles * period);
		phase = END_REQ;
		return TLM_UPDATED;
	}
	if (phase == END_RESP)
		return TLM_COMPLETED;
	/* END_REQ and BEGIN_RESP go the other way: a protocol error, answered, not fatal */
	SC_REPORT_WARNING("mmu_tlm", "nb_transport_fw with a phase the target does not take");
	t.set_response_status(TLM_GENERIC_ERROR_RESPONSE);
	return TLM_COMPLETED;
}

void mmu_tlm::peq_cb(tlm_generic_payload &t, const tlm_phase &phase)
{
	mmu_xlat *x = nullptr;
	tlm_phase p = phase;
	sc_time delay = SC_ZERO_TIME;

	t.get_extension(x);
	if (!x)
		return;
	/* TLM_ACCEPTED: END_RESP comes on the forward path; TLM_COMPLETED ends it here */
	(void)cpu[x->core]->nb_transport_bw(t, p, delay);
}

void mmu_tlm::maint_b_transport_tagged(int, tlm_generic_payload &t, sc_time &delay)
{
	tlm_response_status s = check(t, TLM_WRITE_COMMAND);
	mmu_maint *m = nullptr;

	if (s == TLM_OK_RESPONSE) {
		t.get_extension(m);
		if (!m || (m->kind != mmu_maint::TLBI && m->kind != mmu_maint::DSB) ||
		    (m->kind == mmu_maint::TLBI && (m->core >= ncores || m->op >= TLBI_NR_OPS)))
			s = TLM_GENERIC_ERROR_RESPONSE;
	}
	t.set_response_status(s);
	if (s != TLM_OK_RESPONSE)
		return;
	if (m->kind == mmu_maint::TLBI) {
		struct tlbi op;

		op.op = static_cast<enum tlbi_op>(m->op);
		op.shareable = m->shareable;
		std::memcpy(&op.operand, t.get_data_ptr(), 8);
		shim.ops->tlbi(top, m->core, &op);
		m->cycles = 1;
		tr_tlbi_op = m->op;
		tr_tlbi_core = m->core;
		tr_tlbi_operand = op.operand;
		tr_tlbi_count++;
	} else {
		m->cycles = shim.ops->sync(top);
		tr_dsb_count++;
	}
	/* a DSB's last cycle hands the fabric back: one more than it waited */
	delay += (m->kind == mmu_maint::DSB ? m->cycles + 1 : m->cycles) * period;
}

unsigned mmu_tlm::debug_none(int, tlm_generic_payload &)
{
	return 0;
}

bool mmu_tlm::no_dmi(int, tlm_generic_payload &, tlm_dmi &dmi)
{
	dmi.set_start_address(0); /* no DMI anywhere */
	dmi.set_end_address(~(sc_dt::uint64)0);
	dmi.allow_none();
	return false;
}

void mmu_tlm::trace(sc_trace_file *tf)
{
	const std::string n = name();

	for (unsigned c = 0; c < ncores; c++) {
		const std::string p = n + ".cpu_" + std::to_string(c) + ".";
		core_trace &k = tr[c];

		sc_trace(tf, k.count, p + "count");
		sc_trace(tf, k.va, p + "va");
		sc_trace(tf, k.access, p + "access");
		sc_trace(tf, k.pa, p + "pa");
		sc_trace(tf, k.fault, p + "fault");
		sc_trace(tf, k.level, p + "level");
		sc_trace(tf, k.source, p + "source");
		sc_trace(tf, k.cycles, p + "cycles");
	}
	sc_trace(tf, tr_mem_count, n + ".mem.count");
	sc_trace(tf, tr_mem_addr, n + ".mem.addr");
	sc_trace(tf, tr_mem_data, n + ".mem.data");
	sc_trace(tf, tr_tlbi_count, n + ".maint.tlbi_count");
	sc_trace(tf, tr_tlbi_core, n + ".maint.tlbi_core");
	sc_trace(tf, tr_tlbi_op, n + ".maint.tlbi_op");
	sc_trace(tf, tr_tlbi_operand, n + ".maint.tlbi_operand");
	sc_trace(tf, tr_dsb_count, n + ".maint.dsb_count");
}

} // namespace mmusim
