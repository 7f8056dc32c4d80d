// SPDX-License-Identifier: MIT
/*
 * mmusc: the example SystemC platform. The MMU module (mmu_tlm) wired to a
 * memory target over the C OS model's simulated physical memory, one
 * traffic generator per core and the OS's maintenance initiator. The
 * trace is replayed by tb/replay.c as in mmusim --backend rtl (the OS model
 * answers faults and issues TLBIs and DSBs; the golden model runs in
 * lockstep and every answer is compared), except that each page goes to
 * the RTL as a TLM-2.0 transaction on its core's socket, every descriptor
 * read comes back out on the memory socket and every TLBI and DSB goes in
 * on the maintenance socket. The figures are mmusim's: the same table and
 * JSON.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "platform.h"

extern "C" {
#include "../gtkw.h"
#include "sc_replay.h"
}

using namespace sc_core;
using namespace mmusim;

namespace {

struct options {
	const char *trace = nullptr, *json = nullptr, *vcd = nullptr, *wave = nullptr;
	uint64_t wave_from = 0, wave_to = UINT64_MAX;
	std::vector<std::string> sets;
	timing style = timing::lt;
	unsigned quantum = 1000; /* cycles */
	bool quiet = false;
};

void usage(FILE *f)
{
	std::fprintf(f,
		     "usage: mmusc TRACE [-s KEY=VALUE]... [--config FILE] [--style lt|at]\n"
		     "             [--quantum CYCLES] [--vcd NAME] [--json FILE|-] [-q]\n"
		     "             [--wave FILE.fst [--wave-from N] [--wave-to N]]\n"
		     "\n"
		     "Replays TRACE as mmusim --backend rtl does, through the MMU's SystemC\n"
		     "TLM-2.0 sockets: --style lt (b_transport, annotated delays, a quantum of\n"
		     "CYCLES, default 1000) or at (nb_transport phases). --vcd writes NAME.vcd,\n"
		     "the sockets' traffic; --wave the RTL's FST and GTKWave save file, as\n"
		     "mmusim --wave. Keys as mmusim's (mmusim --help).\n");
}

int parse(int argc, char **argv, options &o, struct sim_config &cfg)
{
	std::vector<std::string> configs;
	char err[512];

	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : nullptr;

		if (a == "-h" || a == "--help") {
			usage(stdout);
			std::exit(0);
		} else if (a == "-q" || a == "--quiet") {
			o.quiet = true;
		} else if (a == "-s" || a == "--set" || a == "--config" || a == "--style" ||
			   a == "--quantum" || a == "--vcd" || a == "--json" || a == "--wave" ||
			   a == "--wave-from" || a == "--wave-to") {
			if (!val) {
				std::fprintf(stderr, "mmusc: %s needs a value\n", a.c_str());
				return -1;
			}
			i++;
			if (a == "-s" || a == "--set")
				o.sets.push_back(val);
			else if (a == "--config")
				configs.push_back(val);
			else if (a == "--vcd")
				o.vcd = val;
			else if (a == "--json")
				o.json = val;
			else if (a == "--wave")
				o.wave = val;
			else if (a == "--wave-from")
				o.wave_from = std::strtoull(val, nullptr, 0);
			else if (a == "--wave-to")
				o.wave_to = std::strtoull(val, nullptr, 0);
			else if (a == "--quantum")
				o.quantum = (unsigned)std::strtoul(val, nullptr, 0);
			else if (!std::strcmp(val, "lt") || !std::strcmp(val, "at"))
				o.style = val[0] == 'l' ? timing::lt : timing::at;
			else {
				std::fprintf(stderr, "mmusc: --style lt or at\n");
				return -1;
			}
		} else if (a[0] == '-') {
			std::fprintf(stderr, "mmusc: unknown option '%s' (see --help)\n", a.c_str());
			return -1;
		} else if (o.trace) {
			std::fprintf(stderr, "mmusc: one trace at a time\n");
			return -1;
		} else {
			o.trace = argv[i];
		}
	}
	if (!o.trace) {
		usage(stderr);
		return -1;
	}
	config_defaults(&cfg);
	for (const std::string &c : configs)
		if (config_load(&cfg, c.c_str(), err, sizeof(err))) {
			std::fprintf(stderr, "mmusc: %s\n", err);
			return -1;
		}
	for (const std::string &s : o.sets) {
		size_t eq = s.find('=');

		if (eq == std::string::npos || eq == 0 ||
		    config_set(&cfg, s.substr(0, eq).c_str(), s.c_str() + eq + 1, err, sizeof(err))) {
			std::fprintf(stderr, "mmusc: -s %s: %s\n", s.c_str(),
				     eq == std::string::npos ? "wants KEY=VALUE" : err);
			return -1;
		}
	}
	cfg.backend = BACKEND_RTL;
	cfg.wave = o.wave;
	cfg.wave_from = o.wave_from;
	cfg.wave_to = o.wave_to;
	if (o.wave && (std::strlen(o.wave) < 5 || std::strcmp(o.wave + std::strlen(o.wave) - 4, ".fst") ||
		       o.wave_to < o.wave_from)) {
		std::fprintf(stderr, "mmusc: --wave writes FST (*.fst), --wave-from <= --wave-to\n");
		return -1;
	}
	if (cfg.os != OS_LINUX) {
		std::fprintf(stderr, "mmusc: the platform needs the OS model (--os linux)\n");
		return -1;
	}
	if (config_check(&cfg, err, sizeof(err))) {
		std::fprintf(stderr, "mmusc: %s\n", err);
		return -1;
	}
	return 0;
}

double now()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The platform: the replay's RTL port is the TLM-2.0 initiators. */
struct platform : sc_module {
	struct replay *rp;
	struct trace_reader *reader;
	tlm_utils::tlm_quantumkeeper qk;
	pmem_target memory;
	mmu_tlm mmu;
	std::vector<std::unique_ptr<traffic_gen>> gen;
	maint_gen os;
	int rc = 0;
	double seconds = 0;

	SC_HAS_PROCESS(platform);
	platform(sc_module_name name, struct replay *r, struct trace_reader *tr,
		 const struct sim_config &cfg, timing style)
		: sc_module(name), rp(r), reader(tr), memory("memory", sc_replay_pmem(r)),
		  mmu("mmu", cfg), os("os", style, qk)
	{
		for (unsigned c = 0; c < cfg.cores; c++) {
			gen.emplace_back(new traffic_gen(("gen_" + std::to_string(c)).c_str(), style, qk));
			gen[c]->socket.bind(mmu.cpu[c]);
		}
		os.socket.bind(mmu.maint);
		mmu.mem.bind(memory.socket);
		SC_THREAD(run);
	}

	static unsigned translate(void *ctx, unsigned core, uint64_t ttbr0, uint64_t va,
				  enum mmu_access acc, struct mmu_result *out)
	{
		return static_cast<platform *>(ctx)->gen[core]->translate(ttbr0, va, acc, out);
	}
	static void tlbi(void *ctx, unsigned core, const struct tlbi *op)
	{
		static_cast<platform *>(ctx)->os.tlbi(core, op);
	}
	static unsigned sync(void *ctx)
	{
		return static_cast<platform *>(ctx)->os.dsb();
	}
	static int errors(void *ctx)
	{
		platform *p = static_cast<platform *>(ctx);
		uint64_t bad = p->os.errors + p->mmu.mem_errors();

		for (const auto &g : p->gen)
			bad += g->errors;
		return p->mmu.errors() || bad;
	}
	static void counters(void *ctx, unsigned core, struct rtl_core_counters *out)
	{
		static_cast<platform *>(ctx)->mmu.counters(core, out);
	}

	/* The replay, in this thread: the generators' AT transactions wait in it. */
	void run()
	{
		static struct trace_rec buf[4096];
		double t0 = now();
		size_t n;

		while ((n = trace_read(reader, buf, 4096)) > 0)
			if (sc_replay_batch(rp, buf, n))
				break;
		if (sc_replay_error(rp)[0]) {
			std::fprintf(stderr, "mmusc: %s\n", sc_replay_error(rp));
			rc = 1;
		} else if (trace_error(reader)) {
			std::fprintf(stderr, "mmusc: %s\n", trace_error(reader));
			rc = 1;
		} else if (sc_replay_finish(rp)) {
			std::fprintf(stderr, "mmusc: %s\n", sc_replay_error(rp));
			rc = 1;
		}
		qk.sync();
		seconds = now() - t0; /* nothing is left to run: sc_start() returns */
	}
};

} // namespace

int sc_main(int argc, char **argv)
{
	options o;
	struct sim_config cfg;
	char err[512];

	if (parse(argc, argv, o, cfg))
		return 2;
	struct trace_reader *r = trace_open(o.trace, err, sizeof(err));

	if (!r) {
		std::fprintf(stderr, "mmusc: %s\n", err);
		return 1;
	}
	struct replay *rp = sc_replay_new();
	platform *plat = nullptr;
	struct rtl_port port = {};

	if (!rp) {
		trace_close(r);
		return 1;
	}
	/* the platform first: the replay's OS may reach the RTL from its start */
	tlm_utils::tlm_quantumkeeper::set_global_quantum(o.quantum * sc_time(1, SC_NS));
	try {
		plat = new platform("top", rp, r, cfg, o.style);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "mmusc: %s\n", e.what());
		sc_replay_free(rp);
		trace_close(r);
		return 1;
	}
	port.ctx = plat;
	port.translate = platform::translate;
	port.tlbi = platform::tlbi;
	port.sync = platform::sync;
	port.errors = platform::errors;
	port.counters = platform::counters;
	if (sc_replay_init(rp, &cfg, &port)) {
		std::fprintf(stderr, "mmusc: %s\n", sc_replay_error(rp));
		sc_replay_free(rp);
		trace_close(r);
		delete plat;
		return 1;
	}
	plat->qk.reset();
	sc_trace_file *tf = nullptr;

	if (o.vcd) {
		/* stdout is the report's: no note that the unit was set */
		sc_report_handler::set_actions("tracing timescale unit set", SC_DO_NOTHING);
		tf = sc_create_vcd_trace_file(o.vcd);
		tf->set_time_unit(1, SC_NS); /* one RTL cycle a time unit */
		plat->mmu.trace(tf);
	}
	sc_start();
	if (tf)
		sc_close_vcd_trace_file(tf);
	int rc = plat->rc;
	const char *format = trace_format_names[trace_format(r)];
	uint64_t pages, tlbis, syncs;

	sc_replay_warnings(rp, stderr, "mmusc: warning: ");
	sc_replay_rtl(rp, &pages, &tlbis, &syncs);
	if (!rc && o.json) {
		FILE *f = std::strcmp(o.json, "-") ? std::fopen(o.json, "w") : stdout;

		if (!f) {
			std::fprintf(stderr, "mmusc: cannot write %s\n", o.json);
			rc = 1;
		} else {
			sc_replay_report(rp, o.trace, format, plat->seconds, nullptr, f);
			if (f != stdout && std::fclose(f))
				rc = 1;
		}
	}
	if (!rc && !o.quiet && !(o.json && !std::strcmp(o.json, "-")))
		sc_replay_report(rp, o.trace, format, plat->seconds, stdout, nullptr);
	if (!rc)
		std::fprintf(stderr,
			     "mmusc: SystemC %s, %s: %llu pages through the cpu sockets, %llu "
			     "descriptor reads through mem, %llu TLBIs and %llu DSBs through maint; "
			     "simulated %s; %.2f s, %.0f pages/s\n",
			     sc_release(), o.style == timing::lt ? "loosely timed (b_transport)"
								   : "approximately timed (nb_transport)",
			     (unsigned long long)pages, (unsigned long long)plat->memory.reads,
			     (unsigned long long)tlbis, (unsigned long long)syncs,
			     sc_time_stamp().to_string().c_str(), plat->seconds,
			     plat->seconds > 0 ? (double)pages / plat->seconds : 0.0);
	trace_close(r);
	delete plat; /* closes the RTL's FST */
	sc_replay_free(rp);
	if (!rc && o.wave && write_gtkw(o.wave, cfg.cores, cfg.wave_from)) {
		std::fprintf(stderr, "mmusc: cannot write the GTKWave save file next to %s\n", o.wave);
		rc = 1;
	}
	return rc;
}
